// Deno (`deno` condition): the module is fetched from its file URL beside this file
// (needs read access to the package directory, which `deno run` grants for npm packages
// it installed) and instantiated once, before the module finishes loading.
import init, { ethoraJidDomain } from './pkg/ethora_wasm.js'

await init({ module_or_path: new URL('./pkg/ethora_wasm_bg.wasm', import.meta.url) })

export * from './api.js'
export const ETHORA_JID_DOMAIN = ethoraJidDomain()
