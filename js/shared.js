// The JavaScript both faces share: the Node addon evaluates this file's text when it loads
// (src/raw/script.rs, from src/start.rs) and the edge build imports it as a module (crates/ethora-wasm, edge/api.js).
//  - EthoraError: a genuine Error subclass carrying the fields the Rust core sets
//    (ethora_core::EthoraError::js_fields).
//  - readArgument, readOptions, listenForAbort, userPuller: the JavaScript half of the
//    boundary, where every argument is read (see the section below).
//  - installAsyncIterator: makes the listing iterators' class work with `for await`.
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

/**
 * The Node addon's class, made to behave as an ES class does: N-API runs a class's constructor
 * for a call without `new` too, with whatever receiver the call had (the module's exports for
 * `sdk.EthoraSDKService()`), so the class is exported behind a Proxy that refuses such a call
 * as JavaScript refuses it; `new`, `Reflect.construct` and subclasses reach the class as they
 * are.
 */
export function guardConstructor(NativeClass) {
  const guarded = new Proxy(NativeClass, {
    apply() {
      throw new TypeError(`Class constructor ${NativeClass.name} cannot be invoked without 'new'`)
    },
  })
  Object.defineProperty(NativeClass.prototype, 'constructor', { value: guarded, writable: true, configurable: true })
  return guarded
}

const returnThis = function () {
  return this
}

/** `prototype[Symbol.asyncIterator] = () => this`, as an async generator has it. */
export function installAsyncIterator(prototype) {
  Object.defineProperty(prototype, Symbol.asyncIterator, { value: returnThis, writable: true, configurable: true })
}

/** Rethrows `error` outside the caller, as an uncaught exception. */
export function reportCallbackError(error) {
  queueMicrotask(() => {
    throw error
  })
}

// ---- Reading arguments: the JavaScript half of the boundary ----------------------------------
// Every argument of every call is read here, on both builds: the native addon calls
// readArgument for any argument that is not a plain string, the edge build for every one. It
// reads the value the way the official SDK does (JSON.stringify for what becomes a body,
// String() for what becomes text in a URL), under the limits below, and catches whatever the
// value throws. The core (crates/ethora-core/src/boundary.rs) reads what it returns and
// decides what each parameter accepts:
//   undefined     the argument is undefined (or was not passed)
//   's' + text    a string
//   'j' + json    JSON text
//   'x' + code    refused, with `code` a word and, after a line feed, what the value threw
// Modes: 'id' (an id or an array of ids), 'query' (an object of query parameters), 'json'
// (anything sent as JSON), 'flag' (JavaScript truthiness), 'env' (an environment object).

// The limits of one argument (the same numbers as boundary.rs, which a test compares).
const MAX_DEPTH = 64
const MAX_VALUES = 1000000
const MAX_TEXT = 16777216

const refusals = new WeakSet()
function refusal(code) {
  const thrown = { code }
  refusals.add(thrown)
  return thrown
}
const DEPTH = refusal('depth')
const VALUES = refusal('values')
const TEXT = refusal('text')
const SURROGATE = refusal('surrogate')
const BIGINT = refusal('bigint')
const TYPE = refusal('type')

const isWellFormed =
  typeof String.prototype.isWellFormed === 'function' ? (text) => text.isWellFormed() : (text) => !/\p{Cs}/u.test(text)
const toWellFormed =
  typeof String.prototype.toWellFormed === 'function'
    ? (text) => text.toWellFormed()
    : (text) => text.replace(/\p{Cs}/gu, '\uFFFD')

/** What a thrown value says, at most 300 characters of well-formed text ('' if it says nothing). */
function thrownMessage(error) {
  try {
    const message = error !== null && typeof error === 'object' ? error.message : typeof error === 'string' ? error : undefined
    return typeof message === 'string' ? toWellFormed(message.slice(0, 300)) : ''
  } catch {
    return ''
  }
}

function refusedText(error) {
  if (refusals.has(error)) return 'x' + error.code
  return 'xthrew\n' + thrownMessage(error)
}

function checkedString(text) {
  if (text.length > MAX_TEXT) throw TEXT
  if (!isWellFormed(text)) throw SURROGATE
  return text
}

function jsonText(value) {
  const text = JSON.stringify(value)
  if (text.length > MAX_TEXT) throw TEXT
  return 'j' + text
}

/**
 * A value as JSON.stringify writes it (what axios sends), counting values, depth and the
 * characters of keys and strings as it goes, so that reading stops at a limit before the text
 * is built.
 */
function readJson(value) {
  if (typeof value === 'string') return 's' + checkedString(value)
  const ancestors = []
  let values = 0
  let characters = 0
  const text = JSON.stringify(value, function (key, item) {
    // `this` holds `key`: the ancestors not on its path are done with.
    if (ancestors.length === 0) ancestors.push(this)
    else while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop()
    if (++values > MAX_VALUES) throw VALUES
    characters += key.length
    switch (typeof item) {
      case 'string':
        characters += item.length
        if (!isWellFormed(item)) throw SURROGATE
        break
      case 'bigint':
        throw BIGINT
      case 'object':
        if (item !== null) {
          if (ancestors.length > MAX_DEPTH) throw DEPTH
          ancestors.push(item)
        }
        break
    }
    if (characters > MAX_TEXT) throw TEXT
    if (!isWellFormed(key)) throw SURROGATE
    return item
  })
  if (text === undefined) throw TYPE
  if (text.length > MAX_TEXT) throw TEXT
  return 'j' + text
}

// An id position holding anything but a string, a finite number, a boolean or null: the core
// refuses it (its String(), which the official SDK would send, is never a real id).
const NOT_AN_ID = {}

function idValue(item) {
  switch (typeof item) {
    case 'string':
      return checkedString(item)
    case 'number':
      return Number.isFinite(item) ? item : NOT_AN_ID
    case 'boolean':
      return item
    case 'object':
      return item === null ? null : NOT_AN_ID
    default:
      return NOT_AN_ID
  }
}

/** An id, or an array of ids, each by its type alone (no method of an id is ever called). */
function readId(value) {
  if (typeof value === 'string') return 's' + checkedString(value)
  if (!Array.isArray(value)) return jsonText(idValue(value))
  const length = value.length
  if (!(length <= MAX_VALUES)) throw VALUES
  const ids = []
  let characters = 0
  for (let index = 0; index < length; index++) {
    const id = idValue(value[index])
    if (typeof id === 'string' && (characters += id.length) > MAX_TEXT) throw TEXT
    ids.push(id)
  }
  return jsonText(ids)
}

const arrayToString = Array.prototype.toString
const arrayJoin = Array.prototype.join

// String() of an array in a query, as Array.prototype.join makes it (an array met again while
// it is being joined is empty, as engines make it), under the limits; an array with a
// toString or join of its own is left to String().
function joinedText(array, joining, budget) {
  if (array.toString !== arrayToString || array.join !== arrayJoin) return checkedString(String(array))
  if (joining.includes(array)) return ''
  if (joining.length >= MAX_DEPTH) throw DEPTH
  const length = array.length
  if (!(length <= MAX_VALUES - budget.values)) throw VALUES
  budget.values += length
  joining.push(array)
  let text = ''
  for (let index = 0; index < length; index++) {
    if (index > 0) text += ','
    const item = array[index]
    if (item === undefined || item === null) continue
    if (typeof item === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string')
    text += Array.isArray(item) ? joinedText(item, joining, budget) : String(item)
    if (text.length > MAX_TEXT) throw TEXT
  }
  joining.pop()
  return text
}

// A query value: strings, finite numbers and booleans as they are; what JSON cannot carry as
// one object with one key, so that its JavaScript truthiness and String() text survive
// (`\0symbol`: the official SDK's getUsers cannot write a symbol into its URL, listApps can).
function queryValue(item, budget) {
  switch (typeof item) {
    case 'string':
      return counted(item, budget)
    case 'number':
      return Number.isFinite(item) ? item : { '\u0000number': String(item) }
    case 'boolean':
    case 'undefined':
      return item
    case 'bigint':
      return { '\u0000bigint': counted(String(item), budget) }
    case 'symbol':
      return { '\u0000symbol': counted(String(item), budget) }
    case 'object':
      if (item === null) return null
      if (Array.isArray(item)) return { '\u0000text': counted(joinedText(item, [], budget), budget) }
      return { '\u0000text': counted(String(item), budget) }
    default:
      return { '\u0000text': counted(String(item), budget) }
  }
}

/** `text`, checked and counted against the argument's characters (`budget.characters`). */
function counted(text, budget) {
  if ((budget.characters += text.length) > MAX_TEXT) throw TEXT
  return checkedString(text)
}

/** An object of query parameters: its own enumerable keys, each value as String() sees it. */
function readQuery(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return readJson(value)
  const keys = Object.keys(value)
  if (keys.length > MAX_VALUES) throw VALUES
  const budget = { values: keys.length, characters: 0 }
  const query = Object.create(null)
  for (const key of keys) query[counted(key, budget)] = queryValue(value[key], budget)
  return jsonText(query)
}

/** The `ETHORA_*` string values of an environment object (a Workers `env`, process.env). */
function readEnv(value) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return readJson(value)
  const keys = Object.keys(value)
  if (keys.length > MAX_VALUES) throw VALUES
  const budget = { characters: 0 }
  const variables = Object.create(null)
  for (const key of keys) {
    if (!key.startsWith('ETHORA_')) continue
    const item = value[key]
    if (typeof item === 'string') variables[counted(key, budget)] = counted(item, budget)
  }
  return jsonText(variables)
}

/** One argument, read in `mode` (see above); never throws. */
export function readArgument(value, mode) {
  if (value === undefined) return undefined
  try {
    switch (mode) {
      case 'flag':
        return value ? 'jtrue' : 'jfalse'
      case 'id':
        return readId(value)
      case 'query':
        return readQuery(value)
      case 'env':
        return readEnv(value)
      default:
        return readJson(value)
    }
  } catch (error) {
    return refusedText(error)
  }
}

/**
 * The runtime's environment variable `name` as the official SDK reads it: `process.env`
 * (Node, Vercel Edge; whatever object the program put there), else `Deno.env.get` (nothing
 * without the env permission). A string or undefined; never throws.
 */
export function runtimeEnv(name) {
  try {
    const processEnv = globalThis.process?.env
    if (processEnv !== null && typeof processEnv === 'object') {
      const value = processEnv[name]
      if (typeof value === 'string') return value
    }
    const denoEnv = globalThis.Deno?.env
    if (denoEnv !== null && typeof denoEnv === 'object' && typeof denoEnv.get === 'function') {
      const value = denoEnv.get(name)
      if (typeof value === 'string') return value
    }
  } catch {
    // A throwing getter or a refused permission: the variable is not set.
  }
  return undefined
}

/**
 * An options object that may carry an `onProgress` function and an AbortSignal:
 * `[json, onProgress, signal]`, the JSON part read as readArgument reads it (functions drop
 * out of it; the signal is `{}` there). Never throws.
 */
export function readOptions(options) {
  if (options === null || typeof options !== 'object') return [readArgument(options, 'json'), undefined, undefined]
  try {
    const onProgress = options.onProgress
    const signal = options.signal
    return [readArgument(options, 'json'), onProgress, signal]
  } catch (error) {
    return [refusedText(error), undefined, undefined]
  }
}

/**
 * Calls `onAbort` once when `signal` aborts: 'none' without a signal, 'aborted' when it
 * already is, 'listening', or 'invalid' when it is not an AbortSignal. Never throws.
 */
export function listenForAbort(signal, onAbort) {
  if (signal === undefined || signal === null) return 'none'
  try {
    if (typeof signal !== 'object') return 'invalid'
    const aborted = signal.aborted
    if (aborted === true) return 'aborted'
    if (aborted !== false || typeof signal.addEventListener !== 'function') return 'invalid'
    // The edge build may have released `onAbort` when its operation ended: calling it then
    // throws, which is of no concern to the signal.
    signal.addEventListener(
      'abort',
      () => {
        try {
          onAbort()
        } catch {
          // The operation is over.
        }
      },
      { once: true },
    )
    return 'listening'
  } catch {
    return 'invalid'
  }
}

const nextTurn =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * Reads the users of importUsers a chunk at a time: an array (by index, at most MAX_VALUES
 * users), an iterable or an async iterable. Returns `pull(count)`, which resolves with the
 * next users (at most count; none at the end) read as readArgument reads JSON, or the
 * refusal text when `users` is none of those. Between chunks it lets the event loop turn, so
 * that users that are all refused before sending cannot starve timers and abort signals.
 * Neither throws nor rejects: what the iterator throws becomes the refusal text.
 */
export function userPuller(users) {
  try {
    let next
    if (Array.isArray(users)) {
      const length = users.length
      if (!(length <= MAX_VALUES)) return refusedText(VALUES)
      let index = 0
      next = () => (index < length ? { done: false, value: users[index++] } : { done: true })
    } else {
      if (users === null || (typeof users !== 'object' && typeof users !== 'function')) return refusedText(TYPE)
      const iterate = users[Symbol.asyncIterator] ?? users[Symbol.iterator]
      if (typeof iterate !== 'function') return refusedText(TYPE)
      const iterator = iterate.call(users)
      if (iterator === null || typeof iterator !== 'object') return refusedText(TYPE)
      const nextMethod = iterator.next
      if (typeof nextMethod !== 'function') return refusedText(TYPE)
      next = () => nextMethod.call(iterator)
    }
    let finished = false
    let pulled = false
    return async function pull(count) {
      try {
        if (pulled) await nextTurn()
        pulled = true
        const chunk = []
        while (!finished && chunk.length < count) {
          const step = await next()
          if (step === null || typeof step !== 'object') throw new TypeError('an iterator result is not an object')
          if (step.done) finished = true
          else chunk.push(step.value)
        }
        return readArgument(chunk, 'json')
      } catch (error) {
        return refusedText(error)
      }
    }
  } catch (error) {
    return refusedText(error)
  }
}
