// The Node addon's relay through Node's own HTTP stack (`transport: 'node'`, or 'auto' with a
// hook in place) gives what its own transport gives: the same results and errors for the same
// answers, retries, time limits and size limits; and a wrapper of `http.request` (as an APM
// agent installs) sees every request, the iterators' and importUsers' included.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { startCaptureServer } from './helpers/capture-server.mjs'
import { serviceFor } from './helpers/sdk.mjs'
import { runNode } from './helpers/child.mjs'

let server
before(async () => {
  server = await startCaptureServer()
})
after(() => server.close())

const FAST_RETRY = { retryBaseDelayMs: 1, retryMaxDelayMs: 5 }

/** What a call settled with, without the request id (it differs per call). */
async function outcome(call) {
  try {
    return { value: await call() }
  } catch (error) {
    const { requestId, ...fields } = { ...error }
    return { error: { ...fields, message: error.message, name: error.name } }
  }
}

const ANSWERS = [
  { status: 200, json: { results: [1, 2], total: 2 } },
  { status: 201, json: [1, 2] },
  { status: 200, text: 'plain text' },
  { status: 422, text: 'User not found' },
  { status: 422, json: { error: 'already exists' } },
  { status: 401, json: { error: 'Invalid token' } },
  { status: 404, text: '' },
  { status: 429, json: { error: 'slow down' }, headers: { 'retry-after': '0', 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0' } },
]

test("transport 'node' settles every answer as the native transport does", async () => {
  for (const answer of ANSWERS) {
    const settled = {}
    for (const transport of ['native', 'node']) {
      server.reset()
      server.reply(answer)
      server.reply(answer)
      const service = serviceFor(server.url, { transport, maxRetries: 0 })
      settled[transport] = await outcome(() => service.deleteUsers(['u1']))
      assert.equal(server.requests.length, 1)
    }
    assert.deepEqual(settled.node, settled.native, JSON.stringify(answer))
  }
})

test("transport 'node' retries, keeps time limits and size limits, and reports connection failures", async () => {
  server.reset()
  server.reply({ status: 503, json: { error: 'busy' } })
  server.reply({ status: 200, json: { ok: 'second' } })
  const service = serviceFor(server.url, { transport: 'node', ...FAST_RETRY })
  assert.deepEqual(await service.getApp('a'), { ok: 'second', url: `${server.url}/v2/apps/a` })
  assert.equal(server.requests.length, 2)

  server.reset()
  server.reply({ hang: true })
  const slow = serviceFor(server.url, { transport: 'node', timeoutMs: 150, maxRetries: 0 })
  const timedOut = await outcome(() => slow.getApp('a'))
  assert.equal(timedOut.error.code, 'ETHORA_TIMEOUT')

  server.reset()
  server.reply({ status: 200, text: 'x'.repeat(5000) })
  const small = serviceFor(server.url, { transport: 'node', maxResponseBytes: 1000 })
  assert.equal((await outcome(() => small.getApp('a'))).error.code, 'ETHORA_DECODE')

  const closed = await startCaptureServer()
  const url = closed.url
  await closed.close()
  const refused = serviceFor(url, { transport: 'node', maxRetries: 1, ...FAST_RETRY })
  const failure = await outcome(() => refused.getApp('a'))
  assert.equal(failure.error.code, 'ETHORA_NETWORK')
  assert.equal(failure.error.attempts, 2)
})

test("a wrapped http.request sees every request in 'auto', iterators and importUsers included", async () => {
  const original = http.request
  const seen = []
  http.request = function wrapped(...args) {
    seen.push(String(args[0]))
    return original.apply(this, args)
  }
  try {
    server.reset()
    const service = serviceFor(server.url)
    await service.getUsers()
    server.reply({ status: 200, json: { results: [{ xmppUsername: 'a' }], total: 1 } })
    const items = []
    for await (const user of service.iterateUsers({ pageSize: 5 })) items.push(user)
    assert.deepEqual(items, [{ xmppUsername: 'a' }])
    server.reply({ status: 202, json: { jobId: 'j1' } })
    server.reply({ status: 200, json: { state: 'completed', results: [{ uuid: 'u1', status: 'created' }] } })
    await service.importUsers([{ uuid: 'u1', email: 'a@b.c', firstName: 'Ada', lastName: 'Bee' }], { pollIntervalMs: 1 })
    assert.equal(seen.length, server.requests.length)
    assert.ok(seen.length >= 4, `${seen.length} requests`)
  } finally {
    http.request = original
  }
  // Unhooked again: the native transport, which the wrapper does not see.
  const before = seen.length
  await serviceFor(server.url).getUsers()
  assert.equal(seen.length, before)
})

test('transport is checked: the option and ETHORA_SDK_TRANSPORT', async () => {
  assert.throws(() => serviceFor(server.url, { transport: 'fast' }), (error) => {
    assert.equal(error.code, 'ETHORA_CONFIG')
    assert.match(error.message, /`transport` \/ ETHORA_SDK_TRANSPORT must be native, node or auto/)
    return true
  })
  const script = `
    const http = require('node:http')
    const original = http.request
    let seen = 0
    http.request = function (...args) { seen++; return original.apply(this, args) }
    const sdk = require(${JSON.stringify(new URL('../sdk.js', import.meta.url).pathname)})
    const service = new sdk.EthoraSDKService({ chatApiUrl: ${JSON.stringify(server.url)}, chatAppId: 'a', chatAppSecret: 's' })
    service.getUsers().then(() => console.log(seen))`
  const seenWith = async (transport) => {
    const env = { ...process.env, ETHORA_SDK_TRANSPORT: transport }
    delete env.ETHORA_SDK_BUILD
    const { code, stdout, stderr } = await runNode(['-e', script], { env })
    assert.equal(code, 0, stderr)
    return Number(stdout.trim())
  }
  assert.equal(await seenWith('native'), 0)
  assert.equal(await seenWith('auto'), 1)
})

test('a replaced fetch that answers something unreadable fails the call, never the process; no fetch at all is no hook', async () => {
  const original = globalThis.fetch
  const edge = await import('../edge/node.js')
  try {
    // A jest-style mock: no arrayBuffer, no body.
    globalThis.fetch = async () => ({ ok: true, status: 200, json: async () => ({}) })
    for (const service of [serviceFor(server.url, { maxRetries: 0 }), new edge.EthoraSDKService({ chatApiUrl: server.url, chatAppId: 'a', chatAppSecret: 's', maxRetries: 0 })]) {
      const failed = await outcome(() => service.getApp('a'))
      assert.equal(failed.error?.code, 'ETHORA_NETWORK')
    }
    delete globalThis.fetch
    server.reset()
    assert.deepEqual(await serviceFor(server.url).getApp('b'), { ok: true, url: `${server.url}/v2/apps/b` })
    assert.equal(server.requests.length, 1)
  } finally {
    globalThis.fetch = original
  }
})
