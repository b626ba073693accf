// The public API of the edge build, re-exported by every runtime entry after it has
// instantiated the WebAssembly module the way its runtime expects.
//
// A facade over the generated classes and functions of pkg/ethora_wasm.js, which stay
// inside: every method checks its receiver before anything reaches WebAssembly (a private
// field, so a wrong `this` is a TypeError, never the pointer of another object), and every
// argument is read by the shared reader (pkg/shared.js `readArgument`), as the Node addon
// reads every argument that is not a plain string. Each parameter's reader mode comes from
// the core (`boundarySpec`), so both builds read the same argument the same way. This module
// is evaluated before the entry instantiates the WebAssembly module: the methods are defined
// from the generated class's prototype, and the modes are asked for at the first call.
import * as wasm from './pkg/ethora_wasm.js'
import { installAsyncIterator, readArgument, readOptions, userPuller } from './pkg/shared.js'
import { callRoute, installHooks } from './pkg/observe.js'

export { EthoraError } from './pkg/shared.js'

// `{ methods: { name: modes }, functions: { name: modes }, iterators: Set of names }`, from
// the core's list (ethora_core::boundary::spec), read at the first call.
let boundary
function spec() {
  if (boundary === undefined) {
    boundary = { methods: {}, functions: {}, iterators: new Set() }
    for (const line of wasm.boundarySpec().split('\n')) {
      if (line === '') continue
      const [kind, name, ...modes] = line.split(' ')
      if (kind === 'i') boundary.iterators.add(name)
      ;(kind === 'f' ? boundary.functions : boundary.methods)[name] = modes
    }
  }
  return boundary
}

function readArguments(args, modes) {
  const read = new Array(modes.length)
  for (let index = 0; index < modes.length; index++) {
    const value = args[index]
    switch (modes[index]) {
      case 'options': {
        const [json, onProgress, signal] = readOptions(value)
        read[index] = { json, onProgress, signal }
        break
      }
      case 'users':
        read[index] = userPuller(value)
        break
      default:
        read[index] = readArgument(value, modes[index])
    }
  }
  return read
}

// An object freed while one of its own calls is still inside WebAssembly (a fetch wrapper
// that frees the service, say) is freed when that call returns.
let callsInside = 0
const freeLater = []

function inside(call) {
  callsInside++
  try {
    return call()
  } finally {
    if (--callsInside === 0) for (const inner of freeLater.splice(0)) inner.free()
  }
}

function free(inner) {
  if (callsInside > 0) freeLater.push(inner)
  else inner.free()
}

// The inner object a facade is being made for (`new Facade(WRAP)` takes it).
const WRAP = Symbol('wrap')
let wrapping

function isObject(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function')
}

/**
 * An object's inner object as its class's private field holds it (`undefined`: not an object
 * of the class; `null`: freed), or a TypeError: `Illegal invocation` for the first, as V8 says
 * it for the native addon's methods.
 */
function checkedInner(inner, className, name) {
  if (inner === undefined) throw new TypeError('Illegal invocation')
  if (inner === null) throw new TypeError(`${className}.prototype.${name} called on a freed ${className}`)
  return inner
}

let serviceOf
let clientIdOf
let observeNextCall
const services = new WeakMap()
// The generated class (named `GeneratedEthoraSDKService` in the glue: scripts/build-wasm.mjs).
const InnerService = wasm.EthoraSDKService
const generated = InnerService.prototype

export class EthoraSDKService {
  #inner
  #clientId
  #observing = 0
  constructor(config) {
    if (config === WRAP && wrapping !== undefined) {
      this.#inner = wrapping
      wrapping = undefined
    } else {
      const [read] = readArguments([config], spec().functions.constructor)
      this.#inner = inside(() => new InnerService(read))
    }
    services.set(this.#inner, this)
    this.#clientId = this.#inner.__clientId()
  }

  /** Releases the client's WebAssembly memory now; later calls throw a TypeError. */
  free() {
    const inner = serviceOf(this, 'free')
    this.#inner = null
    wasm.forgetSharedService(inner)
    free(inner)
  }

  static {
    serviceOf = (object, name) =>
      checkedInner(isObject(object) && #inner in object ? object.#inner : undefined, 'EthoraSDKService', name)
    clientIdOf = (object) => {
      serviceOf(object, 'on')
      return object.#clientId
    }
    // How the calls starting now are observed (js/observe.js), told to the core when it changes.
    observeNextCall = (object, inner) => {
      const observing = callRoute(object.#clientId, false) >> 1
      if (observing !== object.#observing) {
        object.#observing = observing
        inner.__observeNextCalls(observing)
      }
    }
  }
}

function serviceFacade(inner) {
  const known = services.get(inner)
  if (known !== undefined) return known
  wrapping = inner
  return new EthoraSDKService(WRAP)
}

let iteratorOf

/** What `iterateUsers()` and its siblings return; not constructed directly. */
export class ListingIterator {
  #inner
  constructor(token) {
    if (token !== WRAP || wrapping === undefined) {
      throw new TypeError('ListingIterator is not constructed directly: call iterateUsers() or one of its siblings')
    }
    this.#inner = wrapping
    wrapping = undefined
  }

  /** The next item (`{ value, done: false }`) or the end (`{ done: true }`). */
  next() {
    const inner = iteratorOf(this, 'next')
    return inside(() => inner.next())
  }

  /** Ends the iteration (`break` out of `for await` calls this): nothing more is fetched. */
  return() {
    const inner = iteratorOf(this, 'return')
    return inside(() => inner.return())
  }

  /** Releases the iterator's WebAssembly memory now; later calls throw a TypeError. */
  free() {
    const inner = iteratorOf(this, 'free')
    this.#inner = null
    free(inner)
  }

  static {
    iteratorOf = (object, name) =>
      checkedInner(isObject(object) && #inner in object ? object.#inner : undefined, 'ListingIterator', name)
  }
}

// `on` / `off` (js/observe.js).
installHooks(EthoraSDKService.prototype, (object) => clientIdOf(object))

// `for await` over what iterateUsers() and its siblings return.
installAsyncIterator(ListingIterator.prototype)

function iteratorFacade(inner) {
  wrapping = inner
  return new ListingIterator(WRAP)
}

// The methods that make no request: nothing to observe (`callRoute` is not asked).
const LOCAL_METHODS = new Set(['createChatName', 'createChatUserJwtToken', 'toJSON'])

// The service's methods: those of the generated class, with the modes the core declares.
for (const name of Object.getOwnPropertyNames(generated)) {
  if (name === 'constructor' || name === 'free' || name.startsWith('__')) continue
  const method = {
    [name](...args) {
      serviceOf(this, name)
      const { methods, iterators } = spec()
      const read = readArguments(args, methods[name])
      // Reading ran the caller's code (getters, toJSON), which may have freed this service.
      const inner = serviceOf(this, name)
      if (!LOCAL_METHODS.has(name)) observeNextCall(this, inner)
      const result = inside(() => inner[name](...read))
      return iterators.has(name) ? iteratorFacade(result) : result
    },
  }[name]
  Object.defineProperty(method, 'length', { value: generated[name].length })
  Object.defineProperty(EthoraSDKService.prototype, name, { value: method, writable: true, configurable: true })
}
if (typeof Symbol.dispose === 'symbol') {
  for (const facade of [EthoraSDKService, ListingIterator]) {
    Object.defineProperty(facade.prototype, Symbol.dispose, { value: facade.prototype.free, writable: true, configurable: true })
  }
}

/** A module function of pkg/ethora_wasm.js with its arguments read as the core declares. */
function exported(name, wrapResult = (result) => result) {
  const call = wasm[name]
  const facade = {
    [name](...args) {
      const read = readArguments(args, spec().functions[name])
      return wrapResult(inside(() => call(...read)))
    },
  }[name]
  Object.defineProperty(facade, 'length', { value: call.length })
  return facade
}

export const getEthoraSDKService = exported('getEthoraSDKService', serviceFacade)
export const createClientToken = exported('createClientToken')
export const createServerToken = exported('createServerToken')
export const verifyJwtToken = exported('verifyJwtToken')
export const configFromEnv = exported('configFromEnv')
export const getSecrets = exported('getSecrets')
export const getSecretsSync = exported('getSecretsSync')
