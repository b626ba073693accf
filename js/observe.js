// Observing calls, on both faces: `diagnostics_channel` events, per-client hooks
// (`service.on('request' | 'response', handler)`) and OpenTelemetry spans when the application
// uses `@opentelemetry/api`. The core tells which calls are observed and what happened to each
// attempt (crates/ethora-core/src/observe.rs); the Node addon calls the functions below from
// src/observe.rs, the edge build from crates/ethora-wasm. Names, attributes and events carry
// the route with placeholders (`/v2/apps/{appId}`), never ids, tokens or bodies.
import { EthoraError } from './shared.js'
import { nodeStackHooked, nodeRequire } from './transport.js'

const CHANNELS = { start: 'ethora:request:start', end: 'ethora:request:end', error: 'ethora:request:error' }
const HOOKED = 1
const OBSERVED = 2
const TRACED = 4

/** `load()`, called once, when first needed; null when it gives nothing or throws. */
function lazily(load) {
  let value
  return () => {
    if (value === undefined) {
      try {
        value = load() ?? null
      } catch {
        value = null
      }
    }
    return value
  }
}

const channelsOf = lazily(() => {
  const diagnostics = nodeRequire('node:diagnostics_channel')
  if (diagnostics === undefined) return null
  return {
    start: diagnostics.channel(CHANNELS.start),
    end: diagnostics.channel(CHANNELS.end),
    error: diagnostics.channel(CHANNELS.error),
  }
})

// `@opentelemetry/api` as the application resolves it, looked for once; its tracer counts only
// when a tracer provider is registered (the API alone traces nothing).
const otelOf = lazily(() => {
  const api = nodeRequire('@opentelemetry/api')
  return api !== undefined && api.trace !== undefined ? { api, tracer: undefined } : null
})

function tracing() {
  const found = otelOf()
  if (found === null) return null
  try {
    const provider = found.api.trace.getTracerProvider()
    const delegate = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider
    if (delegate === undefined || delegate === null || delegate.constructor.name === 'NoopTracerProvider') return null
    if (found.tracer === undefined) found.tracer = found.api.trace.getTracer('@ethora-rs/sdk-backend')
    return found
  } catch {
    return null
  }
}

// Each client's hooks, held by the client object itself (a handler that refers to its client
// keeps nothing alive), found by the core's client id; and the context the last call of each of
// the most recent traced clients started in (a listing's next page and an import's batches
// start later, on their own).
const hooksOf = new WeakMap()
const clientsById = new Map()
const entryContexts = new Map()
const MAX_ENTRY_CONTEXTS = 4096
const forgetClient =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((id) => {
        clientsById.delete(id)
        entryContexts.delete(id)
      })
    : undefined

function hooksById(clientId) {
  const client = clientsById.get(clientId)?.deref()
  return client === undefined ? undefined : hooksOf.get(client)
}

/**
 * As a call of the core's client `clientId` starts: whether something hooked Node's HTTP stack
 * (1, looked at only when `checkHooks`: the Node addon's `transport: 'auto'`), whether the call
 * is observed (2: relayed calls are, for the caller's async context) and traced (4).
 */
export function callRoute(clientId, checkHooks) {
  try {
    const bits = checkHooks && nodeStackHooked() ? HOOKED | OBSERVED : 0
    const found = tracing()
    if (found !== null) {
      entryContexts.delete(clientId)
      entryContexts.set(clientId, found.api.context.active())
      if (entryContexts.size > MAX_ENTRY_CONTEXTS) entryContexts.delete(entryContexts.keys().next().value)
      return bits | OBSERVED | TRACED
    }
    if (clientsById.size > 0 && hooksById(clientId) !== undefined) return bits | OBSERVED
    const listening = channelsOf()
    if (listening !== null && (listening.start.hasSubscribers || listening.end.hasSubscribers || listening.error.hasSubscribers)) return bits | OBSERVED
    return bits
  } catch {
    // A context manager or a provider that throws: the call goes unobserved, as it would go
    // without them.
    return 0
  }
}

const EVENTS = ['request', 'response']

function invalid(argument, rule) {
  return new EthoraError(`Invalid argument \`${argument}\`: ${rule}`, { code: 'ETHORA_VALIDATION', argument, attempts: 0, retryable: false })
}

function checkedHook(event, handler) {
  if (typeof event !== 'string' || !EVENTS.includes(event)) throw invalid('event', "must be 'request' or 'response'")
  if (typeof handler !== 'function') throw invalid('handler', 'must be a function')
}

/**
 * `on(event, handler)` and `off(event, handler)` on a class's prototype: `clientIdOf(object)`
 * is the core's client id of one of the class's objects, and throws a TypeError for others.
 */
export function installHooks(prototype, clientIdOf) {
  const methods = {
    on(event, handler) {
      const clientId = clientIdOf(this)
      checkedHook(event, handler)
      let hooks = hooksOf.get(this)
      if (hooks === undefined) {
        hooks = { request: [], response: [] }
        hooksOf.set(this, hooks)
        if (!clientsById.has(clientId)) {
          clientsById.set(clientId, typeof WeakRef === 'function' ? new WeakRef(this) : { deref: () => this })
          forgetClient?.register(this, clientId)
        }
      }
      hooks[event] = [...hooks[event], handler]
      return this
    },
    off(event, handler) {
      clientIdOf(this)
      checkedHook(event, handler)
      const hooks = hooksOf.get(this)
      if (hooks !== undefined) {
        const index = hooks[event].lastIndexOf(handler)
        if (index >= 0) hooks[event] = hooks[event].filter((_, i) => i !== index)
        if (hooks.request.length === 0 && hooks.response.length === 0) hooksOf.delete(this)
      }
      return this
    },
  }
  for (const name of ['on', 'off']) {
    Object.defineProperty(prototype, name, { value: methods[name], writable: true, configurable: true })
  }
}

/** Calls each handler with `event`; what one throws is dropped (it never breaks the call). */
function runHooks(handlers, event) {
  if (handlers === undefined) return
  for (const handler of handlers) {
    try {
      handler(event)
    } catch {
      // A hook's failure is the hook's.
    }
  }
}

function publish(channel, message) {
  if (channel.hasSubscribers) {
    try {
      channel.publish(message)
    } catch {
      // A subscriber's failure is the subscriber's.
    }
  }
}

const calls = new Map()
const SPAN_KIND_INTERNAL = 0
const SPAN_KIND_CLIENT = 2
const SPAN_STATUS_ERROR = 2
// A header a fetch or the Rust client would refuse never reaches them.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

const takeSnapshot = lazily(() => {
  const take = nodeRequire('node:async_hooks')?.AsyncLocalStorage?.snapshot
  return typeof take === 'function' ? take : null
})

/** A function that runs a function in the caller's async context (Node), or undefined elsewhere. */
function snapshot() {
  const take = takeSnapshot()
  if (take === null) return undefined
  try {
    return take()
  } catch {
    return undefined
  }
}

function inContextOf(call, work) {
  if (call.snapshot === undefined) return work()
  try {
    return call.snapshot(work)
  } catch {
    return undefined
  }
}

/** When something happened `lagMs` ago (the Node addon reports from its I/O thread), for a span. */
function timeAgo(lagMs) {
  return lagMs > 0 ? Date.now() - lagMs : undefined
}

/** The core made an observed call's exchange (its request id names it from here on). */
export function observeCallStarted(clientId, requestId, method, route, apiUrl, lagMs) {
  const entryContext = entryContexts.get(clientId)
  const call = { hooks: hooksById(clientId), method, route, span: undefined, context: undefined, attemptSpan: undefined, attemptContext: undefined, snapshot: snapshot() }
  const found = entryContext !== undefined ? tracing() : null
  if (found !== null) {
    try {
      const url = new URL(apiUrl)
      call.server = { 'server.address': url.hostname, 'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80) }
      const options = { kind: SPAN_KIND_INTERNAL, attributes: { 'http.request.method': method, 'url.template': route, ...call.server }, startTime: timeAgo(lagMs) }
      call.span = found.tracer.startSpan(`ethora ${method} ${route}`, options, entryContext)
      call.context = found.api.trace.setSpan(entryContext, call.span)
      call.api = found.api
      call.tracer = found.tracer
    } catch {
      call.span = undefined
    }
  }
  calls.set(requestId, call)
}

/** An observed call's attempt is about to go out: the trace context to send with it (header lines). */
export function observeAttemptStarting(requestId, attempt, inject, lagMs) {
  const call = calls.get(requestId)
  if (call === undefined) return undefined
  let lines
  if (call.span !== undefined) {
    try {
      const attributes = { 'http.request.method': call.method, 'url.template': call.route, ...call.server }
      if (attempt > 1) attributes['http.request.resend_count'] = attempt - 1
      call.attemptSpan = call.tracer.startSpan(`${call.method} ${call.route}`, { kind: SPAN_KIND_CLIENT, attributes, startTime: timeAgo(lagMs) }, call.context)
      call.attemptContext = call.api.trace.setSpan(call.context, call.attemptSpan)
      if (inject) lines = traceHeaders(call.api, call.attemptContext, call.attemptSpan)
    } catch {
      call.attemptSpan = undefined
      call.attemptContext = undefined
    }
  }
  const event = { requestId, method: call.method, route: call.route, attempt }
  inContextOf(call, () => {
    const listening = channelsOf()
    if (listening !== null) publish(listening.start, event)
    runHooks(call.hooks?.request, event)
  })
  return lines
}

/** The W3C trace context of `span` (and whatever the application's propagator adds), as header lines. */
function traceHeaders(api, context, span) {
  const carrier = {}
  try {
    api.propagation.inject(context, carrier)
  } catch {
    // The application's propagator failed: the W3C header below still goes.
  }
  if (typeof carrier.traceparent !== 'string') {
    const spanContext = span.spanContext()
    const flags = (spanContext.traceFlags & 1).toString(16).padStart(2, '0')
    carrier.traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`
    const state = spanContext.traceState?.serialize?.()
    if (typeof state === 'string' && state !== '') carrier.tracestate = state
  }
  let lines = ''
  for (const [name, value] of Object.entries(carrier)) {
    if (typeof value === 'string' && TOKEN.test(name) && FIELD_VALUE.test(value)) lines += `${name.toLowerCase()}\n${value}\n`
  }
  return lines
}

/**
 * Runs a relayed attempt's sending in its call's async context and, when traced, in its attempt
 * span's context, so that an APM agent that hooked the stack parents its own span there.
 */
export function inAttemptContext(requestId, send) {
  const call = calls.get(requestId)
  if (call === undefined) return send()
  const traced = call.attemptContext !== undefined ? () => call.api.context.with(call.attemptContext, send) : send
  return inContextOf(call, traced) ?? send()
}

/**
 * An observed call's attempt was judged: `status` of its answer (undefined without one), the
 * error code when it failed, how long it took, the wait before the next attempt and the
 * server's Retry-After (milliseconds, or undefined).
 */
export function observeAttemptEnded(requestId, attempt, status, error, durationMs, retryInMs, retryAfterMs, lagMs) {
  const call = calls.get(requestId)
  if (call === undefined) return
  const event = { requestId, method: call.method, route: call.route, attempt, durationMs }
  if (status !== undefined) event.status = status
  if (error !== undefined) event.error = error
  if (retryInMs !== undefined) event.retryInMs = retryInMs
  if (retryAfterMs !== undefined) event.retryAfterMs = retryAfterMs
  const span = call.attemptSpan
  if (span !== undefined) {
    call.attemptSpan = undefined
    call.attemptContext = undefined
    endSpan(span, status, error, lagMs)
  }
  inContextOf(call, () => {
    const listening = channelsOf()
    if (listening !== null) publish(status === undefined ? listening.error : listening.end, event)
    runHooks(call.hooks?.response, event)
  })
}

function endSpan(span, status, error, lagMs) {
  try {
    if (status !== undefined) span.setAttribute('http.response.status_code', status)
    if (error !== undefined) {
      span.setAttribute('error.type', status !== undefined && status >= 400 ? String(status) : error)
      span.setStatus({ code: SPAN_STATUS_ERROR })
    }
    span.end(timeAgo(lagMs))
  } catch {
    // The tracer's failure is the tracer's.
  }
}

/** An observed call ended (`error`: its error code when it failed). */
export function observeCallEnded(requestId, error, status, lagMs) {
  const call = calls.get(requestId)
  if (call === undefined) return
  calls.delete(requestId)
  if (call.attemptSpan !== undefined) endSpan(call.attemptSpan, undefined, error, lagMs)
  if (call.span !== undefined) endSpan(call.span, status, error, lagMs)
}

/**
 * The Node addon's `on` / `off`: the addon's own `__clientId` (moved off the prototype) refuses a
 * receiver that is not one of the class's objects with V8's TypeError, running none of its code.
 */
export function installNativeHooks(NativeClass) {
  const prototype = NativeClass.prototype
  const clientId = prototype.__clientId
  delete prototype.__clientId
  installHooks(prototype, (object) => Reflect.apply(clientId, object, []))
}
