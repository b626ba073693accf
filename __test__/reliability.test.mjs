// Fault matrix: every injected fault against a representative call of each HTTP method.
// Each case must end, within a hard bound, in a resolved value or an EthoraError with the
// right code; nothing may leak the secret or a token. The table of outcomes is written into
// the README's reliability section (CI checks that the committed README matches it).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import util from 'node:util'
import { createRequire } from 'node:module'
import { sdk } from './helpers/sdk.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')

const CASE_BOUND_MS = 8_000
const CONFIG = { timeoutMs: 300, connectTimeoutMs: 300, maxRetries: 2, retryBaseDelayMs: 10, retryMaxDelayMs: 1_500 }
const TOKEN_SHAPE = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/

let mock
let chat
const unhandled = []
const onUnhandled = (reason) => unhandled.push(reason)

before(async () => {
  process.on('unhandledRejection', onUnhandled)
  mock = await startMockServer()
  chat = new sdk.EthoraSDKService({ ...mock.config, ...CONFIG })
  await chat.provisionApp(mock.appId, {})
})
after(async () => {
  process.off('unhandledRejection', onUnhandled)
  await mock.close()
})

const CALLS = {
  GET: ['getUsers', (c) => c.getUsers({ limit: 10 })],
  POST: ['createChatRoom', (c, i) => c.createChatRoom(`fault-room-${i}`)],
  PUT: ['updateAppBot', (c) => c.updateAppBot(mock.appId, { status: 'on' })],
  PATCH: ['updateUsers', (c) => c.updateUsers([{ xmppUsername: `${mock.appId}_nobody`, firstName: 'X' }])],
  DELETE: ['deleteChatRoom', (c, i) => c.deleteChatRoom(`gone-${i}`)],
}

const FAULTS = [
  ['500', { type: 'status', status: 500 }],
  ['502', { type: 'status', status: 502 }],
  ['503', { type: 'status', status: 503 }],
  ['504', { type: 'status', status: 504 }],
  ['429 + Retry-After: 1', { type: 'rateLimit', retryAfter: '1' }],
  ['hang past the timeout', { type: 'hang', ms: 2_000 }],
  ['reset mid-body', { type: 'reset' }],
  ['malformed JSON', { type: 'malformedJson' }],
  ['HTML error page (502)', { type: 'html' }],
  ['empty body (200)', { type: 'empty' }],
  // Reading 10 MB can take longer than the 300 ms used above on a loaded machine.
  ['10 MB body (timeoutMs: 5000)', { type: 'large', bytes: 10_000_000 }, { timeoutMs: 5_000 }],
]

/** Runs one call with a hard bound; returns what happened. */
async function outcomeOf(promise) {
  let timer
  const bound = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no outcome within ${CASE_BOUND_MS} ms`)), CASE_BOUND_MS)
  })
  const started = Date.now()
  try {
    const value = await Promise.race([promise, bound])
    return { value, ms: Date.now() - started }
  } catch (error) {
    return { error, ms: Date.now() - started }
  } finally {
    clearTimeout(timer)
  }
}

function assertNoSecrets(error, sentTokens) {
  const texts = [error.message, error.stack, String(error), util.inspect(error, { depth: 5 }), JSON.stringify(error)]
  for (const text of texts) {
    assert.ok(!text.includes(mock.appSecret), 'the app secret leaked')
    assert.doesNotMatch(text, TOKEN_SHAPE, 'a token leaked')
    for (const token of sentTokens) assert.ok(!text.includes(token))
  }
}

function describe({ value, error }) {
  if (error) {
    const status = error.status ? ` ${error.status}` : ''
    return `${error.code}${status}, ${error.attempts} attempt${error.attempts === 1 ? '' : 's'}`
  }
  const shape = typeof value === 'string' ? (value === '' ? 'empty string' : 'text') : 'object'
  return `resolved (${shape})`
}

const rows = []

for (const [label, fault, override] of FAULTS) {
  test(`fault: ${label}`, async () => {
    const client = override ? new sdk.EthoraSDKService({ ...mock.config, ...CONFIG, ...override }) : chat
    const row = [label]
    for (const [method, [name, call]] of Object.entries(CALLS)) {
      await mock.clearFaults()
      await mock.fault(fault, { times: 3, method })
      const before = (await mock.stats()).requests
      const outcome = await outcomeOf(call(client, rows.length))
      const served = (await mock.stats()).requests - before - 1 // minus the stats call itself
      assert.ok(!outcome.error || outcome.error instanceof sdk.EthoraError, `${name}: ${outcome.error}`)
      if (outcome.error) {
        const error = outcome.error
        assert.ok(error instanceof Error)
        assert.match(error.code, /^ETHORA_(HTTP|TIMEOUT|NETWORK|DECODE)$/)
        assert.equal(error.attempts, served, `${name}: attempts match what the server saw`)
        assert.match(error.requestId, /^[0-9a-f-]{36}$/)
        assertNoSecrets(error, [])
        const idempotent = ['GET', 'PUT', 'DELETE'].includes(method)
        // POST and PATCH reached the server, so they are never retried; GET/PUT/DELETE are
        // retried on 429/502/503/504, timeouts and resets.
        if (!idempotent) assert.equal(error.attempts, 1, `${name} must not be retried`)
        if (fault.type === 'rateLimit') {
          assert.equal(error.status, 429)
          assert.deepEqual(error.rateLimit, { limit: 100, remaining: 0, reset: 60, retryAfterMs: 1000 })
        }
      }
      row.push(describe(outcome))
    }
    rows.push(row)
  })
}

test('expected codes per fault', () => {
  const byLabel = Object.fromEntries(rows.map(([label, ...cells]) => [label, cells]))
  assert.deepEqual(byLabel['500'], Array(5).fill('ETHORA_HTTP 500, 1 attempt'))
  assert.deepEqual(byLabel['503'], ['ETHORA_HTTP 503, 3 attempts', 'ETHORA_HTTP 503, 1 attempt', 'ETHORA_HTTP 503, 3 attempts', 'ETHORA_HTTP 503, 1 attempt', 'ETHORA_HTTP 503, 3 attempts'])
  assert.deepEqual(byLabel['hang past the timeout'], ['ETHORA_TIMEOUT, 3 attempts', 'ETHORA_TIMEOUT, 1 attempt', 'ETHORA_TIMEOUT, 3 attempts', 'ETHORA_TIMEOUT, 1 attempt', 'ETHORA_TIMEOUT, 3 attempts'])
  assert.deepEqual(byLabel['reset mid-body'], ['ETHORA_NETWORK, 3 attempts', 'ETHORA_NETWORK, 1 attempt', 'ETHORA_NETWORK, 3 attempts', 'ETHORA_NETWORK, 1 attempt', 'ETHORA_NETWORK, 3 attempts'])
  assert.deepEqual(byLabel['malformed JSON'], Array(5).fill('ETHORA_DECODE 200, 1 attempt'))
  assert.deepEqual(byLabel['empty body (200)'], Array(5).fill('resolved (empty string)'))
  assert.deepEqual(byLabel['10 MB body (timeoutMs: 5000)'], Array(5).fill('resolved (object)'))
  assert.equal(unhandled.length, 0, 'no unhandled rejections')
})

test('a transient failure is retried away, and a refused connection is retried for POST too', async () => {
  await mock.clearFaults()
  await mock.fault({ type: 'status', status: 503 }, { times: 1, method: 'GET' })
  const users = await chat.getUsers()
  assert.equal(users.ok, true)
  const dead = new sdk.EthoraSDKService({ ...mock.config, ...CONFIG, chatApiUrl: 'http://127.0.0.1:9' })
  const { error } = await outcomeOf(dead.createChatRoom('never'))
  assert.equal(error.code, 'ETHORA_NETWORK')
  assert.equal(error.attempts, 3, 'nothing was sent, so POST may be retried')
  assert.equal(error.retryable, true)
  const none = new sdk.EthoraSDKService({ ...mock.config, ...CONFIG, chatApiUrl: 'http://127.0.0.1:9', maxRetries: 0 })
  assert.equal((await outcomeOf(none.getUsers())).error.attempts, 1)
})

test('a 2xx JSON body that is a bare JSON string resolves as that string, on both builds', async () => {
  const edge = await import('../edge/node.js')
  for (const client of [chat, new edge.EthoraSDKService({ ...mock.config, ...CONFIG })]) {
    await mock.clearFaults()
    await mock.fault({ type: 'status', status: 200, body: 'ok' }, { times: 1, method: 'GET' })
    assert.equal(await client.getUsers(), 'ok')
    await mock.fault({ type: 'malformedJson' }, { times: 1, method: 'GET' })
    assert.equal((await outcomeOf(client.getUsers())).error.code, 'ETHORA_DECODE')
  }
})

test('the fault table in the README is the one this run produced', () => {
  const header = `| Fault | ${Object.entries(CALLS).map(([m, [n]]) => `${m} (\`${n}\`)`).join(' | ')} |`
  const table = [header, `|${'---|'.repeat(6)}`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
  const readmePath = new URL('../README.md', import.meta.url)
  const readme = fs.readFileSync(readmePath, 'utf8')
  const start = '<!-- fault-matrix:start -->'
  const end = '<!-- fault-matrix:end -->'
  assert.ok(readme.includes(start) && readme.includes(end), 'README has the fault-matrix markers')
  const updated = readme.replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${table}\n${end}`)
  if (updated !== readme) fs.writeFileSync(readmePath, updated)
})
