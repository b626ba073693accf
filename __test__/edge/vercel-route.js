// Vercel Edge route running the edge scenario: bundled like Vercel does (`edge-light`
// condition, `.wasm?module` as a compiled module) and run in Vercel's edge-runtime.
import * as sdk from '@ethora-rs/sdk-backend'
import { runScenario } from './scenario.js'

export const config = { runtime: 'edge' }

export default async function handler(request) {
  return Response.json(await runScenario(sdk, await request.json()))
}
