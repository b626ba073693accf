// The JavaScript both faces share: the Node addon evaluates this file's text when it loads
// (src/errors.rs) and the edge build imports it as a module (crates/ethora-wasm).
//  - EthoraError: a genuine Error subclass carrying the fields the Rust core sets
//    (ethora_core::EthoraError::js_fields).
//  - installAsyncIterator: makes the listing iterators' class work with `for await`.
//  - userPuller: reads an iterable or async iterable of users a chunk at a time for
//    importUsers (the import itself runs in the Rust core).
//  - reportCallbackError: what an onProgress callback threw becomes an uncaught exception,
//    as an event listener's does (the Node addon's threadsafe calls do the same).
export class EthoraError extends Error {
  constructor(message, details) {
    super(message)
    if (details !== undefined && details !== null) Object.assign(this, details)
  }
}
Object.defineProperty(EthoraError.prototype, 'name', { value: 'EthoraError', writable: true, configurable: true })

/** `new EthoraError(message, JSON.parse(fieldsJson))`; the edge build calls this. */
export function createEthoraError(message, fieldsJson) {
  return new EthoraError(message, JSON.parse(fieldsJson))
}

const returnThis = function () {
  return this
}

/** `prototype[Symbol.asyncIterator] = () => this`, as an async generator has it. */
export function installAsyncIterator(prototype) {
  Object.defineProperty(prototype, Symbol.asyncIterator, { value: returnThis, writable: true, configurable: true })
}

/**
 * `pull(n)` resolves with the next users of `users` (at most n; an empty array at the end),
 * or `null` when `users` is neither iterable nor async iterable.
 */
export function userPuller(users) {
  if (users === null || users === undefined) return null
  const iterate = users[Symbol.asyncIterator] || users[Symbol.iterator]
  if (typeof iterate !== 'function' || typeof users === 'string') return null
  const iterator = iterate.call(users)
  let finished = false
  return async function pull(count) {
    const chunk = []
    while (!finished && chunk.length < count) {
      const step = await iterator.next()
      if (step.done) finished = true
      else chunk.push(step.value)
    }
    return chunk
  }
}

/** Rethrows `error` outside the caller, as an uncaught exception. */
export function reportCallbackError(error) {
  queueMicrotask(() => {
    throw error
  })
}
