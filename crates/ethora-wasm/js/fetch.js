// A network call of the edge build, on the JavaScript side: `drive` / `driveExchange` move it
// from its first attempt to its result, each attempt sent by `exchange` (js/transport.js),
// the core judging every answer but a JSON success (ARCHITECTURE.md, "On the edge build").
// Headers cross WebAssembly as one string, `name\nvalue\n...` (no name or value holds a line feed).
import { pendingCallEnd, pendingCallParsed, pendingCallQueued, pendingCallResult, pendingCallSend, pendingCallSettle } from './ethora_wasm.js'
import { exchange } from './transport.js'

// A successful body as the call's result, as the core's `success_text` makes one: a JSON
// object or array in UTF-8 (a byte-order mark is kept, so it fails the parse), `url` added by
// the core's `url` rule (crates/ethora-core/src/response.rs: gets_url). `undefined` for
// anything else (not 2xx, empty, longer than the client's limit, not UTF-8, not JSON, a bare
// string or number): the core judges those.
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

// Moves the call `id` (the core's exchange, `PendingCall` in crates/ethora-wasm) on from its
// first attempt `sent`: a JSON success becomes the result here, the core judges anything else
// (`pendingCallSettle`: the retry wait in ms, or -1 when the result is ready) and sends each
// retry; `sent` undefined means every connection slot is taken (`pendingCallQueued`).
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
