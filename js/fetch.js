// A network call of the edge build, on the JavaScript side (crates/ethora-wasm drives it
// with the core; crates/ethora-core/src/transport.rs has the web transport; its arguments
// were read by the facade in edge/api.js before the call entered WebAssembly): `drive` /
// `driveExchange` move the call from its first attempt to its result, each attempt sent by
// `exchange` (js/transport.js). A successful call enters WebAssembly twice (the method,
// `pendingCallParsed`) and calls out of it twice (the clock for the server token,
// `driveExchange`). `headerLines` is `name\nvalue\n...` (header names and values cannot hold
// a line feed): one string out of WebAssembly memory instead of two per header.
import { pendingCallEnd, pendingCallParsed, pendingCallQueued, pendingCallResult, pendingCallSend, pendingCallSettle } from './ethora_wasm.js'
import { exchange } from './transport.js'

// A successful body as the call's result, by the rule the core applies to one
// (crates/ethora-core/src/response.rs: success_text): a JSON object or array in UTF-8 (a
// byte-order mark is kept, so it fails the parse), an object given `url` as its last key
// unless it has its own. `undefined` for anything else (not 2xx, empty, longer than the
// client's limit, not UTF-8, not JSON, a bare string or number): the core judges those.
const strictDecoder = typeof TextDecoder === 'function' ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }) : undefined

function statusOf(response) {
  try {
    return response.status
  } catch {
    // A Response subclass whose getter throws: the core reads it as a broken exchange.
    return undefined
  }
}

function successValue(status, bytes, url, maxResponseBytes) {
  if (typeof status !== 'number' || status < 200 || status >= 300 || bytes.length === 0 || bytes.length > maxResponseBytes || strictDecoder === undefined) return undefined
  let value
  try {
    value = JSON.parse(strictDecoder.decode(bytes))
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  // Reflect.set, not assignment: a `url` the prototype chain refuses sends the body to the core.
  if (!Array.isArray(value) && !Object.hasOwn(value, 'url') && !Reflect.set(value, 'url', url)) return undefined
  return value
}

// A network call of the edge build, moved on from here rather than by Rust futures: `id` is
// the core's exchange for it in crates/ethora-wasm (PendingCall), whose first attempt
// (`sent`, a promise from `exchange` above, with the request's url) is already out. A
// successful JSON body becomes the result here (`pendingCallParsed` only logs and ends the
// call); the core judges every other answer (`pendingCallSettle`: the retry wait in ms, or -1
// when the result is ready; throws the call's EthoraError) and sends each retry
// (`pendingCallSend`). When every connection slot is taken (`maxConnections`), `sent` is
// `undefined` and the rest of the call waits for one in the core (`pendingCallQueued`). One
// JavaScript promise per exchange, no futures queue and two calls into WebAssembly on the
// way of a success: the cost of a call stays close to a bare fetch's.
export async function drive(id, sent, maxResponseBytes) {
  let ended = false
  try {
    for (;;) {
      if (sent === undefined) {
        ended = true
        return await pendingCallQueued(id)
      }
      const settled = await sent
      const [response, bytes, url] = settled
      if (response !== null) {
        const status = statusOf(response)
        const value = successValue(status, bytes, url, maxResponseBytes)
        if (value !== undefined) {
          ended = true
          pendingCallParsed(id, status)
          return value
        }
      }
      const wait = pendingCallSettle(id, settled)
      if (wait < 0) {
        ended = true
        return pendingCallResult(id)
      }
      await new Promise((resolve) => setTimeout(resolve, wait))
      sent = pendingCallSend(id)
    }
  } finally {
    if (!ended) pendingCallEnd(id)
  }
}

/** `drive` with the call's first attempt sent here. */
export function driveExchange(id, maxResponseBytes, url, method, headerLines, body, timeoutMs, nodeHooks) {
  return drive(id, exchange(url, method, headerLines, body, timeoutMs, nodeHooks, maxResponseBytes), maxResponseBytes)
}
