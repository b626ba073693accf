// One category of hostile values through every method and function of one build, in a
// process of its own (so that a crash, an abort or a trap shows as one): `node child.mjs
// <native|wasm> <category>`. Each value goes into every argument position of every callable
// (the other arguments valid); every outcome must be a result or an EthoraError (a TypeError
// too where a `calls` case calls wrongly: a wrong receiver, no `new`), within a time limit, and
// after every case the SDK must still answer a call. Prints one JSON line: `{ cases,
// failures, answers }` (each case's answer by its label, with the requests it sent, which the
// parent compares between the builds).
import http from 'node:http'
import { createRequire } from 'node:module'
import { NETWORK_CASES } from '../helpers/network-cases.mjs'

const [build, category] = process.argv.slice(2)
process.env.ETHORA_SDK_BUILD = build
const require = createRequire(import.meta.url)
const sdk = require('../../sdk.js')

const CASE_TIMEOUT_MS = 10_000

// A loopback server that answers every request with a small JSON object (a finished job, so
// that the job waits end at once), and records what each case sent.
const RANDOM_EMAIL = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@example\.com/g
// The SDK's own health checks (stillWorks, a getter calling the SDK) are not part of a case.
// Each child's server has its own port: masked where it shows (a message, a body holding the config).
const SERVER_URL = /http:\/\/127\.0\.0\.1:\d+/g
const UNRECORDED = /^\/v2\/chats\/users\?chatName=(still-works|from-a-getter)$/
let received = []
const server = http.createServer((request, response) => {
  let body = ''
  request.setEncoding('utf8')
  request.on('data', (chunk) => (body += chunk))
  request.on('end', () => {
    if (!UNRECORDED.test(request.url)) {
      const text = `${request.method} ${request.url} ${body.replace(RANDOM_EMAIL, '<random>@example.com').replace(SERVER_URL, '<server>')}`
      received.push(text.length > 4096 ? `${text.slice(0, 4096)}... (${text.length} characters)` : text)
    }
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end('{"ok":true,"state":"completed"}')
  })
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const config = { chatApiUrl: `http://127.0.0.1:${server.address().port}`, chatAppId: 'app', chatAppSecret: 'secret', maxRetries: 0 }
Object.assign(process.env, { ETHORA_CHAT_API_URL: config.chatApiUrl, ETHORA_CHAT_APP_ID: 'app', ETHORA_CHAT_APP_SECRET: 'secret' })
const service = new sdk.EthoraSDKService(config)
const token = service.createChatUserJwtToken('u1')
const secrets = { chatAppId: 'app', chatAppSecret: 'secret' }

// Every callable with valid arguments; each position is replaced in turn. A network method not
// listed here takes the arguments of its case in the methods test (made anew for each use).
const ids = ['u1']
const argumentsOf = (call) => () => {
  let recorded
  call(new Proxy({}, { get: () => (...args) => (recorded = args) }))
  return recorded
}
const METHODS = {
  createUser: () => ['u1', { firstName: 'A' }],
  createChatRoom: () => ['r1', { title: 'T' }],
  grantUserAccessToChatRoom: () => ['r1', ids],
  removeUserAccessFromChatRoom: () => ['r1', ids],
  deleteUsers: () => [ids],
  deleteChatRoom: () => ['r1'],
  updateUsers: () => [[{ userId: 'u1', firstName: 'A' }]],
  getUsers: () => [{ limit: 5 }],
  getUserChats: () => ['u1', { limit: 5 }],
  updateChatRoom: () => ['r1', { title: 'T' }],
  listApps: () => [{ limit: 5 }],
  getApp: () => ['a1'],
  createApp: () => [{ displayName: 'D' }],
  deleteApp: () => ['a1'],
  listAppTokens: () => ['a1'],
  createAppToken: () => ['a1', { label: 'L' }],
  revokeAppToken: () => ['a1', 't1'],
  rotateAppToken: () => ['a1', 't1', { label: 'L' }],
  provisionApp: () => ['a1', { rooms: [] }],
  getAppBot: () => ['a1'],
  updateAppBot: () => ['a1', { status: 'on' }],
  broadcastToAppChats: () => ['a1', { text: 't', allRooms: true }],
  getAppBroadcastJob: () => ['a1', 'j1'],
  getAppUserByXmppUsername: () => ['x1'],
  createUsersInApp: () => ['a1', { usersList: [{ email: 'a@b.c', firstName: 'A', lastName: 'Bee' }] }],
  getUsersBatchJob: () => ['a1', 'j1'],
  deleteUsersInApp: () => ['a1', ids],
  createChatRoomInApp: () => ['a1', 'r1', { title: 'T' }],
  listChatsInApp: () => ['a1', { limit: 5 }],
  deleteChatRoomInApp: () => ['a1', 'r1'],
  grantUserAccessToChatRoomInApp: () => ['a1', 'r1', ids],
  removeUserAccessFromChatRoomInApp: () => ['a1', 'r1', ids],
  getUserChatsInApp: () => ['a1', 'u1', { limit: 5 }],
  updateChatRoomInApp: () => ['a1', 'r1', { title: 'T' }],
  createChatName: () => ['r1', false],
  createChatUserJwtToken: () => ['u1', { expiresIn: 60 }],
  iterateUsers: () => [{ pageSize: 5 }],
  iterateApps: () => [{ pageSize: 5 }],
  iterateChatsInApp: () => ['a1', { pageSize: 5 }],
  iterateUserChats: () => ['u1', { pageSize: 5 }],
  iterateUserChatsInApp: () => ['a1', 'u1', { pageSize: 5 }],
  waitForUsersBatchJob: () => ['a1', 'j1', { timeoutMs: 50, pollIntervalMs: 10 }],
  waitForBroadcastJob: () => ['a1', 'j1', { timeoutMs: 50, pollIntervalMs: 10 }],
  ensureUser: () => ['u1', { email: 'a@b.c' }],
  ensureChatRoom: () => ['r1', { title: 'T' }],
  ensureChatRoomInApp: () => ['a1', 'r1'],
  ensureChatRoomMembers: () => ['r1', ['u1', 'u2']],
  ensureChatRoomMembersInApp: () => ['a1', 'r1', 'u1'],
  // The signal ends the endless iterables; long enough that no finite case meets it.
  importUsers: () => [[{ uuid: 'u', email: 'a@b.c', firstName: 'A', lastName: 'Bee' }], { dryRun: true, signal: AbortSignal.timeout(5_000) }],
  toJSON: () => [],
  on: () => ['response', () => {}],
  off: () => ['response', () => {}],
}
for (const [name, call] of NETWORK_CASES) METHODS[name] ??= argumentsOf(call)
const FUNCTIONS = {
  createClientToken: () => ['u1', secrets, { expiresIn: 60 }],
  createServerToken: () => [secrets, { tenantId: 't' }],
  verifyJwtToken: () => [token, secrets, 'client', { clockTolerance: 5 }],
  configFromEnv: () => [{ ETHORA_CHAT_APP_ID: 'a' }],
  getEthoraSDKService: () => [config],
  getSecrets: () => [{ chatAppId: 'x' }],
  getSecretsSync: () => [{ chatAppId: 'x' }],
}
const missing = Object.getOwnPropertyNames(sdk.EthoraSDKService.prototype).filter(
  (name) => name !== 'constructor' && name !== 'free' && typeof service[name] === 'function' && !(name in METHODS),
)
if (missing.length > 0) throw new Error(`methods without valid arguments here: ${missing.join(', ')}`)

const throwing = () => {
  throw new Error('hostile')
}
const throwingTraps = {}
for (const trap of ['get', 'set', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'deleteProperty', 'apply', 'construct', 'isExtensible', 'preventExtensions', 'setPrototypeOf']) {
  throwingTraps[trap] = throwing
}
function revoked(target) {
  const { proxy, revoke } = Proxy.revocable(target, {})
  revoke()
  return proxy
}
function sharedNodes(leaf, pair) {
  let node = leaf
  for (let level = 0; level < 30; level++) node = pair(node)
  return node
}
function deep(levels, wrap) {
  let node = {}
  for (let level = 0; level < levels; level++) node = wrap(node)
  return node
}
function sparse(length) {
  const array = []
  array.length = length
  return array
}
function detachedView() {
  const view = new Uint8Array(16)
  structuredClone(view.buffer, { transfer: [view.buffer] })
  return view
}
let big
const fiftyMegabytes = () => (big ??= 'x'.repeat(50 * 1024 * 1024))
let megabyte
const oneMegabyte = () => (megabyte ??= 'y'.repeat(1024 * 1024))

// The hostile values, by category: [label, make]; `make` gives a fresh value each time.
const CATEGORIES = {
  proxies: [
    ['Proxy with throwing traps', () => new Proxy({}, throwingTraps)],
    ['array Proxy with throwing traps', () => new Proxy(['a'], throwingTraps)],
    ['function Proxy with throwing traps', () => new Proxy(function () {}, throwingTraps)],
    ['revoked Proxy', () => revoked({})],
    ['revoked array Proxy', () => revoked([])],
    ['Proxy reporting a huge length', () => new Proxy([], { get: (target, key) => (key === 'length' ? 2 ** 32 - 1 : undefined) })],
    ['Proxy with endless own keys', () => new Proxy({}, { ownKeys: () => Array.from({ length: 100_000 }, (_, i) => `k${i}`), getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }) })],
    ['Proxy answering a new Proxy at every level', () => { const endless = new Proxy({}, { ownKeys: () => ['a'], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }), get: () => endless }); return endless }],
  ],
  getters: [
    ['object with throwing getters', () => Object.defineProperties({}, Object.fromEntries(['firstName', 'title', 'limit', 'label', 'text', 'usersList', 'userId', 'chatAppId', 'expiresIn', 'signal', 'onProgress', 'x'].map((key) => [key, { enumerable: true, get: throwing }])))],
    ['array with a throwing element getter', () => Object.defineProperty(['a', 'b'], 1, { enumerable: true, get: throwing })],
    ['getter that mutates the object being read', () => { const o = { a: 1, b: 2, c: 3 }; Object.defineProperty(o, 'a', { enumerable: true, get() { delete o.b; o.d = { e: 1 }; o.c = o; return 1 } }); return o }],
    ['getter that calls the SDK again', () => ({ get title() { service.createChatName('again'); service.getUsers({ chatName: 'from-a-getter' }).catch(() => {}); return 'T' }, firstName: 'A' })],
    ['toJSON that throws', () => ({ toJSON: throwing })],
    ['toJSON returning itself forever', () => { const o = { toJSON: () => ({ nested: o }) }; return o }],
    ['Symbol.toPrimitive that throws', () => ({ [Symbol.toPrimitive]: throwing, toString: throwing })],
    ['object whose message getter throws when thrown', () => ({ get x() { throw new Proxy({}, throwingTraps) } })],
  ],
  iterables: [
    ['iterable whose Symbol.iterator throws', () => ({ [Symbol.iterator]: throwing })],
    ['iterator whose next throws', () => ({ [Symbol.iterator]: () => ({ next: throwing }) })],
    ['iterator whose results are not objects', () => ({ [Symbol.iterator]: () => ({ next: () => 5 }) })],
    ['endless iterable of users', () => ({ *[Symbol.iterator]() { for (let i = 0; ; i++) yield { uuid: `u${i}`, email: 'a@b.c', firstName: 'A', lastName: 'Bee' } } })],
    ['endless iterable of garbage', () => ({ *[Symbol.iterator]() { for (;;) yield 5 } })],
    ['endless async iterable', () => ({ async *[Symbol.asyncIterator]() { for (;;) yield null } })],
    ['async iterable that rejects', () => ({ async *[Symbol.asyncIterator]() { throw new Error('async') } })],
    ['generator object', () => (function* () { yield 1 })()],
  ],
  graphs: [
    ['cyclic object', () => { const o = { a: 1 }; o.self = o; return o }],
    ['cyclic array', () => { const a = ['x']; a.push(a); return a }],
    ['object graph that shares nodes (2^30 paths)', () => sharedNodes({ v: 1 }, (node) => ({ a: node, b: node }))],
    ['array graph that shares nodes (2^30 paths)', () => sharedNodes(['v'], (node) => [node, node])],
    ['10,000-deep object', () => deep(10_000, (node) => ({ d: node }))],
    ['10,000-deep array', () => deep(10_000, (node) => [node])],
  ],
  sizes: [
    ['sparse array of length 2^32 - 1', () => sparse(2 ** 32 - 1)],
    ['sparse array of length 1,000,001', () => sparse(1_000_001)],
    ['50 MB string', fiftyMegabytes],
    ['object holding a 50 MB string', () => ({ firstName: fiftyMegabytes(), title: fiftyMegabytes() })],
    ['array of 1,000,001 numbers', () => new Array(1_000_001).fill(1)],
    ['object with a 50 MB key', () => ({ [fiftyMegabytes()]: 1 })],
    ['object whose 20 strings of 1 MB pass the text limit together', () => Object.fromEntries(['firstName', 'title', 'label', 'text', 'chatName', 'limit', 'chatAppId', 'ETHORA_CHAT_APP_ID', ...Array.from({ length: 12 }, (_, i) => `k${i}`)].map((key) => [key, oneMegabyte()]))],
    ['array of 20 strings of 1 MB', () => Array.from({ length: 20 }, () => oneMegabyte())],
  ],
  // Run again with the address space capped (`ulimit -v`), where reserving room for every
  // element of a huge length would abort the process.
  address: [
    ['sparse array of length 2^32 - 1', () => sparse(2 ** 32 - 1)],
    ['object holding a sparse array of length 2^32 - 1', () => ({ firstName: 'A', usersList: sparse(2 ** 32 - 1), rooms: sparse(2 ** 32 - 1), x: sparse(2 ** 32 - 1) })],
    ['array of sparse arrays', () => [sparse(2 ** 32 - 1), sparse(2 ** 31)]],
    ['Proxy reporting a huge length', () => new Proxy([], { get: (target, key) => (key === 'length' ? 2 ** 32 - 1 : undefined) })],
  ],
  strings: [
    ['lone high surrogate', () => '\uD800'],
    ['lone low surrogate', () => 'a\uDFFFb'],
    ['object with a lone surrogate key', () => ({ ['\uDBFF']: 1, firstName: 'A' })],
    ['object with a lone surrogate value', () => ({ firstName: 'A\uD800', title: '\uDC00' })],
    ['NUL in a string', () => 'nul\u0000byte'],
    ['object with NUL in a key', () => ({ ['a\u0000b']: 'c\u0000d' })],
    ['empty string', () => ''],
    ['blank string', () => ' \t\n'],
    ['dot segment', () => '..'],
    ['route characters', () => 'a/b?c=d#e%2F'],
    ['U+FFFD', () => '\uFFFD'],
    ['long non-ASCII string', () => 'é'.repeat(300)],
  ],
  primitives: [
    ['BigInt', () => 10n],
    ['object holding a BigInt', () => ({ firstName: 1n, title: 2n, limit: 3n })],
    ['Symbol', () => Symbol('hostile')],
    ['object with Symbol keys and values', () => ({ [Symbol('k')]: 1, firstName: Symbol('v'), title: 'T' })],
    ['function', () => function hostile() {}],
    ['class', () => class Hostile {}],
    ['object holding functions', () => ({ firstName() {}, title: () => 'T', limit: class {} })],
    ['NaN', () => NaN],
    ['Infinity', () => Infinity],
    ['-Infinity', () => -Infinity],
    ['-0', () => -0],
    ['object with NaN, Infinity, -0', () => ({ limit: NaN, offset: -0, expiresIn: Infinity, firstName: NaN })],
    ['true', () => true],
    ['null', () => null],
    ['undefined', () => undefined],
  ],
  objects: [
    ['Date', () => new Date(0)],
    ['invalid Date', () => new Date(NaN)],
    ['Map', () => new Map([['firstName', 'A']])],
    ['Set', () => new Set(['u1'])],
    ['WeakMap', () => new WeakMap()],
    ['typed array', () => new Float64Array([1, NaN, Infinity])],
    ['detached typed array', detachedView],
    ['ArrayBuffer', () => new ArrayBuffer(8)],
    ['DataView', () => new DataView(new ArrayBuffer(4))],
    ['null-prototype object', () => Object.assign(Object.create(null), { firstName: 'A', title: 'T', limit: 5 })],
    ['frozen object', () => Object.freeze({ firstName: 'A', title: 'T', limit: 5 })],
    ['frozen array', () => Object.freeze(['u1'])],
    ['Promise', () => Promise.resolve(1)],
    ['Error', () => new Error('e')],
    ['RegExp', () => /x/g],
    ['boxed primitives', () => ({ firstName: new String('A'), limit: new Number(5), flag: new Boolean(false) })],
    ['arguments object', function () { return (function () { return arguments })('u1', 2) }],
    ['globalThis', () => globalThis],
    ['EthoraError', () => new sdk.EthoraError('e', { code: 'ETHORA_HTTP' })],
    ['the service itself', () => service],
  ],
}

/** An EthoraError; a TypeError only where the case calls wrongly (a receiver, no `new`). */
function isAcceptedError(error, typeError) {
  return error instanceof sdk.EthoraError || (typeError && error instanceof TypeError)
}

function withTimeout(promise) {
  let timer
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`hung for more than ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS)
    }),
  ])
}

/** What an outcome was, comparable between the builds (the capture server's port masked). */
function answer(error) {
  if (error === undefined) return 'result'
  const message = String(error.message).replace(SERVER_URL, '<server>')
  return `${error.name} ${error.code ?? ''} ${error.argument ?? ''}: ${message}`
}

/** Calls `invoke`, awaits what it returns (an iterator's first step too): `{ failure, answer }`. */
async function outcome(invoke, typeError) {
  try {
    let value = invoke()
    if (value && typeof value.next === 'function' && typeof value.return === 'function') {
      await withTimeout(Promise.resolve(value.next()).catch((error) => { if (!isAcceptedError(error, typeError)) throw error }))
      value = await withTimeout(Promise.resolve(value.return()))
    }
    await withTimeout(Promise.resolve(value))
    return { failure: null, answer: answer() }
  } catch (error) {
    if (isAcceptedError(error, typeError)) return { failure: null, answer: answer(error) }
    let description
    try {
      description = `${error?.constructor?.name}: ${String(error?.message ?? error).slice(0, 200)}`
    } catch {
      description = 'an unprintable value'
    }
    return { failure: description, answer: description }
  }
}

/** The SDK still answers: a local call and a network call. */
async function stillWorks() {
  try {
    if (service.createChatName('ok', false) !== 'app_ok') return 'createChatName answered wrongly'
    const result = await withTimeout(service.getUsers({ chatName: 'still-works' }))
    if (result?.ok !== true) return `getUsers answered ${JSON.stringify(result)}`
    if (new sdk.EthoraSDKService(config).createChatName('new', false) !== 'app_new') return 'a new instance answered wrongly'
    return null
  } catch (error) {
    return `the SDK no longer works: ${error?.message}`
  }
}

let cases = 0
const failures = []
// Each case's answer by its label, for the parent to compare the two builds.
const answers = {}

async function check(label, invoke, { typeError = false } = {}) {
  cases += 1
  received = []
  const { failure, answer: said } = await outcome(invoke, typeError)
  answers[label] = received.length > 0 ? `${said}; sent ${received.join(' | ')}` : said
  if (failure) failures.push(`${label}: ${failure}`)
  const health = await stillWorks()
  if (health) {
    failures.push(`${label}: ${health}`)
    return false
  }
  return true
}

async function runValues(values) {
  for (const [valueLabel, make] of values) {
    for (const [name, defaults] of Object.entries(METHODS)) {
      const count = Math.max(defaults().length, 1)
      for (let position = 0; position < count; position++) {
        const args = defaults()
        args[position] = make()
        if (!(await check(`${name} argument ${position} = ${valueLabel}`, () => service[name](...args)))) return
      }
    }
    for (const [name, defaults] of Object.entries(FUNCTIONS)) {
      for (let position = 0; position < defaults().length; position++) {
        const args = defaults()
        args[position] = make()
        if (!(await check(`${name} argument ${position} = ${valueLabel}`, () => sdk[name](...args)))) return
      }
    }
    const made = make()
    if (!(await check(`new EthoraSDKService(${valueLabel})`, () => new sdk.EthoraSDKService(made)))) return
  }
}

/** Too many and too few arguments, detached and wrongly bound methods. */
const WRONG_CALL = { typeError: true }
async function runCalls() {
  const iterator = service.iterateUsers()
  const receivers = [
    ['undefined', undefined],
    ['a plain object', {}],
    ['a number', 5],
    ['a string', 'service'],
    ['a listing iterator', iterator],
    ['an EthoraError', new sdk.EthoraError('e')],
    ['an object made from the prototype', Object.create(sdk.EthoraSDKService.prototype)],
    ['a Proxy of the service', new Proxy(service, {})],
    ['a Proxy with throwing traps', new Proxy({}, throwingTraps)],
  ]
  for (const [name, defaults] of Object.entries(METHODS)) {
    await check(`${name}()`, () => service[name]())
    await check(`${name}(...valid, 7 extra)`, () => service[name](...defaults(), 1, 'x', {}, [], null, undefined, Symbol('extra')))
    const method = sdk.EthoraSDKService.prototype[name]
    for (const [label, receiver] of receivers) {
      await check(`${name} called on ${label}`, () => method.call(receiver, ...defaults()), WRONG_CALL)
    }
    const detached = service[name]
    await check(`detached ${name}`, () => detached(...defaults()), WRONG_CALL)
    await check(`${name} bound to another service`, () => method.bind(new sdk.EthoraSDKService(config))(...defaults()))
  }
  for (const [name, method] of [['next', iterator.next], ['return', iterator.return]]) {
    for (const [label, receiver] of receivers) await check(`iterator.${name} called on ${label}`, () => method.call(receiver), WRONG_CALL)
  }
  for (const [name, defaults] of Object.entries(FUNCTIONS)) {
    await check(`${name}()`, () => sdk[name]())
    await check(`${name}(...valid, extra)`, () => sdk[name](...defaults(), 1, {}, Symbol('x')))
    await check(`${name} called on a Proxy with throwing traps`, () => sdk[name].call(new Proxy({}, throwingTraps), ...defaults()))
  }
  await check('new EthoraSDKService() without config', () => new sdk.EthoraSDKService())
  await check('EthoraSDKService called without new', () => sdk.EthoraSDKService(config), WRONG_CALL)
  if (typeof sdk.ListingIterator === 'function') await check('new ListingIterator()', () => new sdk.ListingIterator(), WRONG_CALL)
  if (typeof service.free === 'function') {
    const freed = new sdk.EthoraSDKService(config)
    freed.free()
    await check('a call on a freed service', () => freed.getUsers(), WRONG_CALL)
    await check('a freed service freed again', () => freed.free(), WRONG_CALL)
    const freedIterator = service.iterateUsers()
    freedIterator.free()
    await check('a call on a freed iterator', () => freedIterator.next(), WRONG_CALL)
  }
}

if (category === 'calls') await runCalls()
else if (CATEGORIES[category]) await runValues(CATEGORIES[category])
else throw new Error(`no category ${category}`)

server.close()
// Exit once the report is written: stdout to a pipe is asynchronous, and the SDK's clients
// would keep the process alive.
process.stdout.write(`${JSON.stringify({ build, category, cases, failures, answers })}\n`, () => process.exit(0))
