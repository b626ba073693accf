// Vercel Edge (`edge-light` condition): Vercel's bundler turns a `.wasm?module` import into
// a compiled WebAssembly.Module, which is instantiated synchronously.
import wasmModule from './pkg/ethora_wasm_bg.wasm?module'
import { initSync, ethoraJidDomain } from './pkg/ethora_wasm.js'

initSync({ module: wasmModule })

export * from './api.js'
export const ETHORA_JID_DOMAIN = ethoraJidDomain()
