// Loads the SDK the way users do (`require('@ethora-rs/sdk-backend')` resolves to the
// package entry, sdk.js: the native addon, or the WebAssembly build with ETHORA_SDK_BUILD=wasm)
// and provides the shared test credentials.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
export const sdk = require('../../sdk.js')

export const APP_ID = 'app123'
export const APP_SECRET = 'secret123'

export function serviceFor(url, extra = {}) {
  return new sdk.EthoraSDKService({ chatApiUrl: url, chatAppId: APP_ID, chatAppSecret: APP_SECRET, ...extra })
}

/** Decodes a JWT's claims without verifying (for assertions only). */
export function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'))
}

/** Runs `fn` with console logging silenced: the official SDK logs tokens. */
export async function quietly(fn) {
  const saved = { ...console }
  for (const level of ['log', 'info', 'debug', 'warn', 'error']) console[level] = () => {}
  try {
    return await fn()
  } finally {
    Object.assign(console, saved)
  }
}
