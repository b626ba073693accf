// Cloudflare Workers (`workerd` / `worker` conditions): wrangler and miniflare turn a `.wasm`
// import into a compiled WebAssembly.Module, which is instantiated synchronously.
import wasmModule from './pkg/ethora_wasm_bg.wasm'
import { initSync, ethoraJidDomain } from './pkg/ethora_wasm.js'

initSync({ module: wasmModule })

export * from './api.js'
export const ETHORA_JID_DOMAIN = ethoraJidDomain()
