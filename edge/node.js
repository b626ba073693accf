// `@ethora-rs/sdk-backend/edge` in Node.js (and other runtimes without their own entry):
// the same WebAssembly build, read from disk. The package root stays the native addon.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { initSync, ethoraJidDomain } from './pkg/ethora_wasm.js'
import { provideRequire } from './pkg/transport.js'

initSync({ module: readFileSync(new URL('./pkg/ethora_wasm_bg.wasm', import.meta.url)) })
// Node's modules for js/transport.js where `process.getBuiltinModule` is missing (Node < 20.16).
provideRequire(createRequire(import.meta.url))

export * from './api.js'
export const ETHORA_JID_DOMAIN = ethoraJidDomain()
