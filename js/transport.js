// The JavaScript side of sending an attempt, on both faces: the edge build sends every attempt
// here (`exchange`, called from crates/ethora-core/src/transport.rs and crates/ethora-wasm/js/fetch.js); the Node
// addon sends here only the attempts of calls it relays through Node's own HTTP stack
// (`relayExchange`, called from src/relay.rs), so that a test interceptor or an APM agent that
// hooked that stack sees and answers them. The Node addon evaluates this file with
// js/shared.js as one script (src/raw/script.rs); the edge build imports it as a module.
//
// An exchange resolves with `[response, bodyBytes, url]` (a fetch `Response`) or with
// `[null, failure]`; it never rejects or throws.

import { inAttemptContext } from './observe.js'

const EXCHANGE_NOT_SENT = 0
const EXCHANGE_TIMED_OUT = 1
const EXCHANGE_BROKEN = 2

// ---- What hooked Node's HTTP stack -------------------------------------------------------
// Hooks are told from Node's own functions by their source text (a replacement's differs; a
// Proxy's reads "[native code]"), looked at again only when the value changes: the check an
// unhooked call pays is a few property reads and identity comparisons. See ARCHITECTURE.md.

let providedRequire
let nodeStack

/** A `require` for Node's modules where `process.getBuiltinModule` is missing (Node < 20.16). */
export function provideRequire(require) {
  if (typeof require === 'function') {
    providedRequire = require
    nodeStack = undefined
  }
}

/**
 * `name` as the application would `require` it: Node's own modules (`node:` names) through
 * `process.getBuiltinModule`, others through the entry's `require`; undefined where neither
 * exists or it fails.
 */
export function nodeRequire(name) {
  try {
    const process = globalThis.process
    if (name.startsWith('node:') && process !== undefined && typeof process.getBuiltinModule === 'function') {
      return process.getBuiltinModule(name)
    }
    return providedRequire === undefined ? undefined : providedRequire(name)
  } catch {
    return undefined
  }
}

/** `{ http, https, undiciChannel, httpChannel }` in Node; null elsewhere. */
function nodeModules() {
  if (nodeStack !== undefined) return nodeStack
  nodeStack = null
  try {
    const [http, https, channels] = ['node:http', 'node:https', 'node:diagnostics_channel'].map(nodeRequire)
    if (http === undefined || https === undefined || channels === undefined) return nodeStack
    nodeStack = {
      http,
      https,
      undiciChannel: channels.channel('undici:request:create'),
      httpChannel: channels.channel('http.client.request.start'),
    }
  } catch {
    nodeStack = null
  }
  return nodeStack
}

const functionSource = Function.prototype.toString

function sourceOf(value) {
  try {
    return Reflect.apply(functionSource, value, [])
  } catch {
    return ''
  }
}

/** `isOwn(value)`, remembered for the last value seen. */
function ownness(isOwn) {
  let seen = ownness
  let own = true
  return (value) => {
    if (value !== seen) {
      seen = value
      own = isOwn(value)
    }
    return own
  }
}

// No fetch at all (`--no-experimental-fetch`, a jsdom test environment) is no hook either.
const ownFetch = ownness((value) => typeof value !== 'function' || sourceOf(value).includes("require('internal/deps/undici/undici')"))
// Node's default dispatcher (made at the first fetch) and a plain `Agent` a program set are
// connection pools, not hooks; a MockAgent, a ProxyAgent or any other dispatcher is one.
const ownDispatcher = ownness((value) => {
  if (value === undefined) return true
  try {
    return Object.getPrototypeOf(value).constructor.name === 'Agent'
  } catch {
    return false
  }
})
const ownHttpRequest = ownness(
  (value) => sourceOf(value) === 'function request(url, options, cb) {\n  return new ClientRequest(url, options, cb);\n}',
)
const ownHttpsRequest = ownness((value) => {
  const source = sourceOf(value)
  return source.startsWith('function request(...args) {') && source.includes('ArrayPrototypeShift(args)')
})
const DISPATCHER = Symbol.for('undici.globalDispatcher.1')

/** Whether something replaced `fetch`, set a global dispatcher or listens to undici's requests. */
function fetchHooked() {
  try {
    if (!ownFetch(globalThis.fetch) || !ownDispatcher(globalThis[DISPATCHER])) return true
    const stack = nodeModules()
    return stack !== null && stack.undiciChannel.hasSubscribers === true
  } catch {
    return false
  }
}

/** Whether something replaced `http.request` / `https.request` or listens to Node's client requests. */
function httpHooked() {
  const stack = nodeModules()
  if (stack === null) return false
  try {
    return !ownHttpRequest(stack.http.request) || !ownHttpsRequest(stack.https.request) || stack.httpChannel.hasSubscribers === true
  } catch {
    return false
  }
}

/** Whether anything hooked Node's HTTP stack (the Node addon's `transport: 'auto'` asks per call). */
export function nodeStackHooked() {
  return fetchHooked() || httpHooked()
}

// ---- Sending --------------------------------------------------------------------------------

/**
 * One attempt: through `http.request` when `nodeHooks` allows it and only that is hooked
 * (nock 13, an APM agent's http patch), through `fetch` otherwise (its own, or whatever
 * replaced or dispatches it); the body read whole, under one time limit.
 */
export function exchange(url, method, headerLines, body, timeoutMs, nodeHooks, maxResponseBytes, relayed = false) {
  if (nodeHooks && viaHttp()) return httpExchange(url, method, headerLines, body, timeoutMs, maxResponseBytes)
  return fetchExchange(url, method, headerLines, body, timeoutMs, relayed, maxResponseBytes)
}

/** Whether an attempt that may take Node's stack goes through `http.request` rather than `fetch`. */
function viaHttp() {
  return nodeModules() !== null && (typeof fetch !== 'function' || (!fetchHooked() && httpHooked()))
}

// Node's codes of a connection that was never made: a fetch that failed with one sent nothing
// (a runtime that gives no code, as workerd, is taken to have sent nothing, as before).
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL'])

function fetchFailure(error) {
  try {
    const code = error?.cause?.code
    return typeof code === 'string' && !NOT_CONNECTED.has(code) ? EXCHANGE_BROKEN : EXCHANGE_NOT_SENT
  } catch {
    return EXCHANGE_NOT_SENT
  }
}

/**
 * The body as bytes, read only up to `maxResponseBytes` + 1 when `capped` (the relay: a body
 * longer than that fails as too long whatever follows); the whole body otherwise.
 */
async function bodyBytes(response, capped, maxResponseBytes) {
  const stream = capped ? response.body : null
  if (stream === null || stream === undefined || typeof stream.getReader !== 'function') {
    return new Uint8Array(await response.arrayBuffer())
  }
  const reader = stream.getReader()
  const chunks = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    length += value.length
    if (length > maxResponseBytes) {
      reader.cancel().catch(() => {})
      break
    }
  }
  const bytes = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.length
  }
  return bytes
}

function headersOf(headerLines) {
  const headers = {}
  const lines = headerLines.split('\n')
  for (let i = 0; i + 1 < lines.length; i += 2) headers[lines[i]] = lines[i + 1]
  return headers
}

// The time limit is a timer of ours, cleared when the exchange ends: workerd counts every
// pending timer of a request against a limit of 10,000 (an `AbortSignal.timeout` stays
// pending for its whole time).
// `relayed`: the Node addon's relay, which asks for no caching (Next.js's fetch caches GETs)
// and reads a body only up to the size limit.
function fetchExchange(url, method, headerLines, body, timeoutMs, relayed, maxResponseBytes) {
  let timer
  let timedOut = false
  const failed = (failure) => {
    clearTimeout(timer)
    return [null, timedOut ? EXCHANGE_TIMED_OUT : failure]
  }
  try {
    const controller = new AbortController()
    timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    const init = { method, headers: headersOf(headerLines), signal: controller.signal }
    if (body !== undefined) init.body = body
    if (relayed) init.cache = 'no-store'
    // A replaced fetch may answer with anything: what reading it throws is a broken exchange.
    return fetch(url, init)
      .then(
        (response) =>
          bodyBytes(response, relayed, maxResponseBytes).then(
            (bytes) => {
              clearTimeout(timer)
              return [response, bytes, url]
            },
            () => failed(EXCHANGE_BROKEN),
          ),
        (error) => failed(fetchFailure(error)),
      )
      .catch(() => failed(EXCHANGE_BROKEN))
  } catch {
    // Thrown before anything was sent (a runtime refusing another timer, say).
    return Promise.resolve(failed(EXCHANGE_NOT_SENT))
  }
}

/**
 * The attempt through `http.request` / `https.request`. A failure before the request was
 * written whole counts as not sent; a body longer than `maxResponseBytes` is cut there (the
 * core refuses it as too long).
 */
function httpExchange(url, method, headerLines, body, timeoutMs, maxResponseBytes) {
  return new Promise((resolve) => {
    let timer
    let settled = false
    let written = false
    let request
    const settle = (outcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(outcome)
    }
    try {
      const stack = nodeModules()
      const client = url.startsWith('https:') ? stack.https : stack.http
      request = client.request(url, { method, headers: headersOf(headerLines) })
      timer = setTimeout(() => {
        settle([null, EXCHANGE_TIMED_OUT])
        request.destroy()
      }, timeoutMs)
      request.on('finish', () => {
        written = true
      })
      request.on('error', () => settle([null, written ? EXCHANGE_BROKEN : EXCHANGE_NOT_SENT]))
      request.on('response', (incoming) => {
        const chunks = []
        let length = 0
        const finish = () => {
          try {
            const headers = new Headers()
            const raw = incoming.rawHeaders
            for (let i = 0; i + 1 < raw.length; i += 2) {
              try {
                headers.append(raw[i], raw[i + 1])
              } catch {
                // A header fetch would refuse: left out.
              }
            }
            const response = new Response(null, { status: incoming.statusCode, headers })
            settle([response, new Uint8Array(Buffer.concat(chunks, length)), url])
          } catch {
            // A status a Response cannot have (below 200 or above 599).
            settle([null, EXCHANGE_BROKEN])
          }
        }
        incoming.on('data', (chunk) => {
          chunks.push(chunk)
          length += chunk.length
          if (length > maxResponseBytes) {
            finish()
            incoming.destroy()
          }
        })
        incoming.on('end', finish)
        incoming.on('error', () => settle([null, EXCHANGE_BROKEN]))
        incoming.on('aborted', () => settle([null, EXCHANGE_BROKEN]))
      })
      request.end(body)
    } catch {
      settle([null, EXCHANGE_NOT_SENT])
      try {
        request?.destroy()
      } catch {
        // Nothing was sent.
      }
    }
  })
}

function withoutTraceContext(headerLines) {
  const parts = headerLines.split('\n')
  let lines = ''
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (parts[i] !== 'traceparent' && parts[i] !== 'tracestate') lines += `${parts[i]}\n${parts[i + 1]}\n`
  }
  return lines
}

let relayAnswer

/** The Node addon's answer function (`__relayAnswer` in src/relay.rs), given when it loads. */
export function installRelay(answer) {
  relayAnswer = answer
}

/**
 * The Node addon's relay: sends one attempt of a relayed call through Node's stack (the way
 * `exchange` picks, `http.request` allowed) and hands the outcome to `relayAnswer(id, status,
 * headerLines, bytes)`, a negative status `-1 - failure` when there is no response.
 */
export function relayExchange(id, method, url, headerLines, body, timeoutMs, maxResponseBytes) {
  const requestId = /(?:^|\n)x-request-id\n([^\n]*)\n/.exec(headerLines)?.[1]
  // An APM agent listening to undici's requests injects its own trace context, in the attempt's
  // (inAttemptContext): two would reach the server.
  const stack = nodeModules()
  const lines = stack !== null && stack.undiciChannel.hasSubscribers && !viaHttp() ? withoutTraceContext(headerLines) : headerLines
  const send = () => exchange(url, method, lines, body ?? undefined, timeoutMs, true, maxResponseBytes, true)
  let sent
  try {
    sent = requestId === undefined ? send() : inAttemptContext(requestId, send)
  } catch {
    sent = Promise.resolve([null, EXCHANGE_BROKEN])
  }
  Promise.resolve(sent).catch(() => [null, EXCHANGE_BROKEN]).then((settled) => {
    const [response, second] = settled
    let status = -1 - EXCHANGE_BROKEN
    let lines = ''
    if (response === null) {
      status = -1 - second
    } else {
      try {
        status = response.status
        if (!Number.isInteger(status) || status < 0 || status > 999 || !(second instanceof Uint8Array)) throw new TypeError('not a response')
        for (const [name, value] of response.headers) lines += `${name}\n${value}\n`
      } catch {
        status = -1 - EXCHANGE_BROKEN
        lines = ''
      }
    }
    try {
      relayAnswer(id, status, lines, status < 0 ? undefined : second)
    } catch {
      try {
        relayAnswer(id, -1 - EXCHANGE_BROKEN, '', undefined)
      } catch {
        // The addon's environment is going away.
      }
    }
  })
}
