// The edge (WebAssembly) build's behaviour beyond the runtime scenario, run in Node through
// `@ethora-rs/sdk-backend/edge` against the mock: the same requests as the native build,
// validation before any request, retries, secrets kept out of errors, logs and inspect
// output, the shared instance, and early release.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import util from 'node:util'
import { createRequire } from 'node:module'

import { startCaptureServer } from './helpers/capture-server.mjs'
import { sdk as nativeSdk } from './helpers/sdk.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')
const edge = await import('@ethora-rs/sdk-backend/edge')

let mock
before(async () => {
  mock = await startMockServer()
})
after(() => mock.close())

test('the edge build sends the same requests as the native build for the same calls', async () => {
  const calls = [
    (c) => c.createChatRoom('same-room', { title: 'T' }),
    (c) => c.createUser('same-user', { firstName: 'Ada', lastName: 'Lovelace', email: 'a@example.com', password: 'p' }),
    (c) => c.grantUserAccessToChatRoom('same-room', ['same-user']),
    (c) => c.getUsers({ chatName: `${mock.appId}_same-room`, limit: 5 }),
    (c) => c.updateChatRoom('same-room', { title: 'New', ignored: 1 }),
    (c) => c.removeUserAccessFromChatRoom('same-room', 'same-user'),
    (c) => c.deleteChatRoom('same-room'),
    (c) => c.deleteUsers(['same-user']),
  ]
  const seen = {}
  for (const [name, face] of [['native', nativeSdk], ['edge', edge]]) {
    await mock.reset()
    const client = new face.EthoraSDKService(mock.config)
    const results = []
    for (const call of calls) results.push(await call(client))
    seen[name] = { requests: (await mock.requests()).map(({ atMs, ...request }) => request), results }
  }
  assert.deepEqual(seen.edge.requests, seen.native.requests)
  // Job ids are random per run; everything else must be the same.
  const withoutIds = (value) => JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>'))
  assert.deepEqual(withoutIds(seen.edge.results), withoutIds(seen.native.results))
})

test('bad arguments are refused before any request, naming the argument', async () => {
  await mock.reset()
  const client = new edge.EthoraSDKService(mock.config)
  const cyclic = {}
  cyclic.self = cyclic
  const cases = [
    [() => client.createUser(''), 'userId'],
    [() => client.getUsers({ limit: 'ten' }), 'params.limit'],
    [() => client.grantUserAccessToChatRoom('room', []), 'userId'],
    [() => client.updateUsers([]), 'users'],
    [() => client.getApp('..'), 'appId'],
    [() => client.createUser('u', { callback() {} , n: 10n }), 'userData'],
    // Values the reader refuses as whole arguments.
    [() => client.getUsers({ limit: 1.5 }), 'params.limit'],
    [() => client.deleteChatRoom(Symbol('room')), 'chatId'],
    [() => client.createUser(() => 'u'), 'userId'],
    [() => client.createChatRoom('r', cyclic), 'roomData'],
  ]
  for (const [call, argument] of cases) {
    await assert.rejects(call(), (error) => {
      assert.ok(error instanceof edge.EthoraError, String(error))
      assert.equal(error.code, 'ETHORA_VALIDATION')
      assert.equal(error.argument, argument)
      assert.equal(error.attempts, 0)
      return true
    })
  }
  assert.throws(() => client.createChatUserJwtToken(true), (error) => error.code === 'ETHORA_VALIDATION')
  assert.deepEqual(await mock.requests(), [])
  // The facade's methods keep their names and arity.
  assert.equal(client.getUsers.name, 'getUsers')
  assert.equal(client.getUsers.length, 1)
  assert.equal(client.createChatRoomInApp.length, 3)
})

test('a 503 is retried away; a 429 with Retry-After is honoured; a 401 is not retried', async () => {
  await mock.reset()
  const client = new edge.EthoraSDKService({ ...mock.config, retryBaseDelayMs: 10 })
  await mock.fault({ type: 'status', status: 503 }, { times: 2, method: 'GET' })
  assert.equal((await client.getUsers()).ok, true)
  await mock.fault({ type: 'rateLimit', retryAfter: 1 }, { times: 1, method: 'GET' })
  const started = Date.now()
  assert.equal((await client.getUsers()).ok, true)
  assert.ok(Date.now() - started >= 900, 'waited for Retry-After')
  const wrong = new edge.EthoraSDKService({ ...mock.config, chatAppSecret: 'wrong-secret-value' })
  await assert.rejects(wrong.getUsers(), (error) => error.status === 401 && error.attempts === 1)
  const gets = (await mock.requests()).filter((r) => r.method === 'GET').length
  assert.equal(gets, 3 + 2 + 1)
})

test('a fetch that starts another call from inside it (first attempt and retry) leaves both calls whole', async () => {
  // The edge build keeps each pending call in a table in WebAssembly and hands the runtime's
  // fetch the attempt from inside it: a fetch wrapper (instrumentation, a test double) may
  // start another SDK call right there, and both calls must still resolve as sent.
  await mock.reset()
  const client = new edge.EthoraSDKService({ ...mock.config, retryBaseDelayMs: 5 })
  for (const id of ['outer-1', 'outer-2', 'inner-0', 'inner-1']) await client.createUser(id, { firstName: 'Re', lastName: 'Entrant' })
  await mock.clearRequests()
  const realFetch = globalThis.fetch
  const inner = []
  globalThis.fetch = (url, init) => {
    if (String(url).includes('/users/outer-1/')) inner.push(client.getUserChats(`inner-${inner.length}`))
    return realFetch(url, init)
  }
  try {
    await mock.fault({ type: 'status', status: 503 }, { times: 1, method: 'GET', path: `/v2/apps/${mock.appId}/users/outer-1` })
    const outer = await Promise.all([client.getUserChats('outer-1'), client.getUserChats('outer-2')])
    assert.deepEqual(outer.map((result) => result.url.split('/').slice(-2)), [['outer-1', 'chats'], ['outer-2', 'chats']])
    assert.equal(inner.length, 2, 'one inner call from the first attempt, one from the retry')
    assert.deepEqual((await Promise.all(inner)).map((result) => result.url.split('/').slice(-2)), [['inner-0', 'chats'], ['inner-1', 'chats']])
  } finally {
    globalThis.fetch = realFetch
  }
  const paths = (await mock.requests()).map((r) => r.path.split('/').slice(-2)[0])
  assert.deepEqual(paths.filter((p) => p.startsWith('outer-')).sort(), ['outer-1', 'outer-1', 'outer-2'])
  assert.deepEqual(paths.filter((p) => p.startsWith('inner-')).sort(), ['inner-0', 'inner-1'])
})

test('a patched fetch answering with a Response whose getters throw gives an EthoraError, and the module goes on', async () => {
  await mock.reset()
  const client = new edge.EthoraSDKService({ ...mock.config, maxRetries: 0 })
  class Hostile extends Response {
    get status() {
      throw new Error('status getter')
    }
    get headers() {
      throw new Error('headers getter')
    }
  }
  const realFetch = globalThis.fetch
  globalThis.fetch = async (url, init) => {
    const real = await realFetch(url, init)
    return new Hostile(await real.arrayBuffer())
  }
  try {
    for (let round = 0; round < 50; round++) {
      await assert.rejects(client.getUsers(), (error) => error instanceof edge.EthoraError && error.code === 'ETHORA_NETWORK')
    }
  } finally {
    globalThis.fetch = realFetch
  }
  assert.equal((await mock.requests()).length, 50, 'every attempt reached the server')
  assert.ok(Array.isArray((await client.getUsers()).results), 'the module still answers')
})

test('secrets and tokens stay out of errors, inspect output, JSON and debug logs', async () => {
  await mock.reset()
  const secret = mock.appSecret
  const lines = []
  const saved = { ...console }
  for (const level of ['error', 'warn', 'info', 'debug', 'log']) console[level] = (line) => lines.push(String(line))
  let error
  let token
  let shown
  try {
    const client = new edge.EthoraSDKService({ ...mock.config, logLevel: 'debug', maxRetries: 1, retryBaseDelayMs: 1 })
    token = client.createChatUserJwtToken('u1')
    await mock.fault({ type: 'status', status: 503, body: { error: 'busy' } }, { times: 1, method: 'GET' })
    await client.getUsers()
    const wrong = new edge.EthoraSDKService({ ...mock.config, chatAppSecret: `${secret}-x`, logLevel: 'debug' })
    error = await wrong.getUsers().catch((e) => e)
    shown = [util.inspect(client, { depth: 5 }), JSON.stringify(client), util.inspect(error), JSON.stringify(error), error.stack]
  } finally {
    Object.assign(console, saved)
  }
  assert.ok(lines.length > 0, 'debug logging produced lines')
  for (const text of [...shown, ...lines]) {
    assert.ok(!text.includes(secret), `secret in: ${text}`)
    assert.ok(!text.includes(token), `token in: ${text}`)
    assert.ok(!text.includes('eyJ'), `a JWT in: ${text}`)
  }
  assert.deepEqual(JSON.parse(shown[1]), { chatApiUrl: mock.url, chatAppId: mock.appId })
})

test('getEthoraSDKService shares one instance without a config; free() releases one early', async () => {
  const names = ['ETHORA_CHAT_API_URL', 'ETHORA_CHAT_APP_ID', 'ETHORA_CHAT_APP_SECRET']
  Object.assign(process.env, { ETHORA_CHAT_API_URL: mock.url, ETHORA_CHAT_APP_ID: mock.appId, ETHORA_CHAT_APP_SECRET: mock.appSecret })
  try {
    const shared = edge.getEthoraSDKService()
    assert.equal(edge.getEthoraSDKService(), shared)
    assert.notEqual(edge.getEthoraSDKService(mock.config), shared)
    assert.equal((await shared.getUsers()).ok, true)
    // Freeing the shared instance makes the next call build a new one, not hand it out freed.
    shared.free()
    const next = edge.getEthoraSDKService()
    assert.notEqual(next, shared)
    assert.equal((await next.getUsers()).ok, true)
  } finally {
    for (const name of names) delete process.env[name]
  }
  const once = new edge.EthoraSDKService(mock.config)
  once.free()
  assert.throws(() => once.createChatName('x'), TypeError)
  assert.equal(edge.EthoraSDKService.name, 'EthoraSDKService')
  assert.equal(edge.ListingIterator.name, 'ListingIterator')
})

test('the edge build keeps at most maxConnections requests out; the others wait their turn', async () => {
  const server = await startCaptureServer()
  try {
    const client = new edge.EthoraSDKService({ chatApiUrl: server.url, chatAppId: 'app', chatAppSecret: 'app-secret', maxConnections: 4 })
    server.resetPeak()
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => client.getApp(`app-${i}`)))
    for (const [i, result] of results.entries()) assert.equal(result.url, `${server.url}/v2/apps/app-${i}`)
    assert.equal(server.requests.filter((r) => r.url.startsWith('/v2/apps/app-')).length, 300)
    // fetch opens a socket per request it has out at once (300 without the limit).
    const peak = server.peakOpenConnections()
    assert.ok(peak >= 1 && peak <= 8, `peak of ${peak} open sockets`)
  } finally {
    await server.close()
  }
})
