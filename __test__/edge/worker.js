// Cloudflare Worker running the edge scenario: bundled like wrangler does (esbuild with the
// `workerd` condition, the .wasm kept as a CompiledWasm module) and run in workerd.
import * as sdk from '@ethora-rs/sdk-backend'
import { runScenario } from './scenario.js'

export default {
  async fetch(request) {
    return Response.json(await runScenario(sdk, await request.json()))
  },
}
