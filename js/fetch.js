// One HTTP exchange of the edge build (the web transport in crates/ethora-core/src/transport.rs):
// the request through the runtime's `fetch`, the body read whole, under one time limit, in a
// single promise, so a call crosses between WebAssembly and JavaScript once per exchange.
//
// `headerLines` is `name\nvalue\n...` (header names and values cannot hold a line feed): one
// string out of WebAssembly memory instead of two per header. The time limit is a timer of
// ours, cleared when the exchange ends: workerd counts every pending timer of a request
// against a limit of 10,000 (an `AbortSignal.timeout` stays pending for its whole time).
//
// Resolves with `[response, bodyBytes]`, or with `[null, failure]` where failure is
// NOT_SENT (fetch rejected: it could not connect), TIMED_OUT (the time limit ended it) or
// BROKEN (the body's reading failed); it never rejects or throws.
const NOT_SENT = 0
const TIMED_OUT = 1
const BROKEN = 2

export function exchange(url, method, headerLines, body, timeoutMs) {
  let timer
  let timedOut = false
  const failed = (failure) => {
    clearTimeout(timer)
    return [null, timedOut ? TIMED_OUT : failure]
  }
  try {
    const headers = {}
    const lines = headerLines.split('\n')
    for (let i = 0; i + 1 < lines.length; i += 2) headers[lines[i]] = lines[i + 1]
    const controller = new AbortController()
    timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    const init = { method, headers, signal: controller.signal }
    if (body !== undefined) init.body = body
    return fetch(url, init).then(
      (response) =>
        response.arrayBuffer().then((bytes) => {
          clearTimeout(timer)
          return [response, new Uint8Array(bytes)]
        }, () => failed(BROKEN)),
      () => failed(NOT_SENT),
    )
  } catch {
    // Thrown before anything was sent (a runtime refusing another timer, say).
    return Promise.resolve(failed(NOT_SENT))
  }
}

// A network call of the edge build, driven from here rather than by Rust futures: `call` is
// the core's exchange for it (crates/ethora-wasm: PendingCall), which builds each attempt
// (`send`, a promise from `exchange` above), judges it (`settle`: the retry wait in ms, or
// -1 when the result is ready; throws the call's EthoraError) and keeps the result. When
// every connection slot is taken (`maxConnections`), `send` gives `undefined` and the rest
// of the call waits for one in the core (`queued`). One JavaScript promise per exchange
// and no futures queue: the cost of a call stays close to a bare fetch's.
export async function drive(call) {
  try {
    for (;;) {
      const sent = call.send()
      if (sent === undefined) return await call.queued()
      const wait = call.settle(await sent)
      if (wait < 0) return call.result()
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
  } finally {
    call.free()
  }
}
