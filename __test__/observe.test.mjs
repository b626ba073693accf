// Observing calls on both builds: `diagnostics_channel` events, per-client hooks (`on` / `off`)
// and OpenTelemetry spans (in child processes, each with its own global tracer provider).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import dc from 'node:diagnostics_channel'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { startCaptureServer } from './helpers/capture-server.mjs'
import { runNode } from './helpers/child.mjs'

const require = createRequire(import.meta.url)
const BUILDS = { native: require('../sdk.js'), wasm: await import('../edge/node.js') }
const OTEL_CHILD = fileURLToPath(new URL('./observe/otel-child.mjs', import.meta.url))
const FAST_RETRY = { retryBaseDelayMs: 1, retryMaxDelayMs: 5 }

let server
before(async () => {
  server = await startCaptureServer()
})
after(() => server.close())

function serviceOf(build, extra = {}) {
  return new BUILDS[build].EthoraSDKService({ chatApiUrl: server.url, chatAppId: 'app1', chatAppSecret: 'secret1', ...FAST_RETRY, ...extra })
}

/** Events published on the three channels while `work` runs. */
async function channelEvents(work) {
  const events = []
  const listeners = ['start', 'end', 'error'].map((name) => [`ethora:request:${name}`, (message) => events.push([name, message])])
  for (const [channel, listener] of listeners) dc.subscribe(channel, listener)
  try {
    await work()
  } finally {
    for (const [channel, listener] of listeners) dc.unsubscribe(channel, listener)
  }
  return events
}

const withoutTimes = ([name, { durationMs, requestId, ...rest }]) => {
  assert.equal(typeof durationMs === 'number' || name === 'start', true)
  assert.match(requestId, /^[0-9a-f-]{36}$/)
  return [name, rest]
}

for (const build of Object.keys(BUILDS)) {
  test(`${build}: diagnostics_channel reports each attempt, the retry and the failure`, async () => {
    server.reset()
    server.reply({ status: 503, json: { error: 'busy' }, headers: { 'retry-after': '0' } })
    const service = serviceOf(build)
    const events = await channelEvents(() => service.getApp('x1'))
    assert.deepEqual(events.map(withoutTimes), [
      ['start', { method: 'GET', route: '/v2/apps/{appId}', attempt: 1 }],
      ['end', { method: 'GET', route: '/v2/apps/{appId}', attempt: 1, status: 503, error: 'ETHORA_HTTP', retryInMs: 0, retryAfterMs: 0 }],
      ['start', { method: 'GET', route: '/v2/apps/{appId}', attempt: 2 }],
      ['end', { method: 'GET', route: '/v2/apps/{appId}', attempt: 2, status: 200 }],
    ])
    assert.equal(new Set(events.map(([, message]) => message.requestId)).size, 1)
    assert.equal(events[0][1].requestId, server.last().headers['x-request-id'])

    const closed = await startCaptureServer()
    await closed.close()
    const refused = new BUILDS[build].EthoraSDKService({ chatApiUrl: closed.url, chatAppId: 'a', chatAppSecret: 's', maxRetries: 0 })
    const failed = await channelEvents(() => refused.getApp('x1').catch(() => {}))
    assert.deepEqual(failed.map(withoutTimes), [
      ['start', { method: 'GET', route: '/v2/apps/{appId}', attempt: 1 }],
      ['error', { method: 'GET', route: '/v2/apps/{appId}', attempt: 1, error: 'ETHORA_NETWORK' }],
    ])
  })

  test(`${build}: per-client hooks see their own client's attempts; a throwing hook breaks nothing; off removes`, async () => {
    server.reset()
    const service = serviceOf(build)
    const other = serviceOf(build)
    const seen = []
    const onRequest = (event) => seen.push(['request', event.route, event.attempt])
    const onResponse = (event) => {
      seen.push(['response', event.status, event.attempt])
      throw new Error('a broken hook')
    }
    assert.equal(service.on('request', onRequest).on('response', onResponse), service)
    await other.getUsers()
    assert.deepEqual(await service.getApp('a1'), { ok: true, url: `${server.url}/v2/apps/a1` })
    server.reply({ status: 200, json: { results: [{ xmppUsername: 'u' }], total: 1 } })
    for await (const user of service.iterateUsers({ pageSize: 10 })) void user
    assert.deepEqual(seen, [
      ['request', '/v2/apps/{appId}', 1],
      ['response', 200, 1],
      ['request', '/v2/chats/users', 1],
      ['response', 200, 1],
    ])
    service.off('request', onRequest).off('response', onResponse)
    await service.getApp('a2')
    assert.equal(seen.length, 4)
    assert.throws(() => service.on('finish', () => {}), { code: 'ETHORA_VALIDATION', argument: 'event' })
    assert.throws(() => service.off('request', 'not a function'), { code: 'ETHORA_VALIDATION', argument: 'handler' })
    assert.throws(() => BUILDS[build].EthoraSDKService.prototype.on.call({}, 'request', () => {}), TypeError)
  })

  test(`${build}: OpenTelemetry gives a call span and a client span per attempt, and the attempt's traceparent on the wire`, async () => {
    const { code, stdout, stderr } = await runNode([OTEL_CHILD, build])
    assert.equal(code, 0, stderr)
    const { parentId, spans, traceparents, secrets } = JSON.parse(stdout.trim().split('\n').at(-1))
    const calls = spans.filter((span) => span.name === 'ethora GET /v2/apps/{appId}')
    assert.equal(calls.length, 1)
    const [call] = calls
    assert.equal(call.parentId, parentId)
    const attempts = spans.filter((span) => span.name === 'GET /v2/apps/{appId}')
    assert.equal(attempts.length, 2)
    assert.equal(call.kind, 0)
    for (const attempt of attempts) {
      assert.equal(attempt.kind, 2)
      assert.equal(attempt.parentId, call.spanId)
      assert.equal(attempt.traceId, call.traceId)
      assert.equal(attempt.attributes['http.request.method'], 'GET')
      assert.equal(attempt.attributes['url.template'], '/v2/apps/{appId}')
      assert.equal(attempt.attributes['server.address'], '127.0.0.1')
      assert.equal(typeof attempt.attributes['server.port'], 'number')
    }
    assert.equal(attempts[0].attributes['http.response.status_code'], 503)
    assert.equal(attempts[0].attributes['error.type'], '503')
    assert.equal(attempts[0].status, 2)
    assert.equal(attempts[0].attributes['http.request.resend_count'], undefined)
    assert.equal(attempts[1].attributes['http.response.status_code'], 200)
    assert.equal(attempts[1].attributes['http.request.resend_count'], 1)
    assert.deepEqual(traceparents.slice(0, 2), attempts.map((attempt) => `00-${attempt.traceId}-${attempt.spanId}-01`))
    // The listing's page: a call span and its attempt, with its own traceparent.
    assert.equal(spans.filter((span) => span.name === 'GET /v2/chats/users').length, 1)
    assert.match(traceparents[2], /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
    const everything = JSON.stringify(spans)
    for (const secret of secrets) assert.ok(!everything.includes(secret), 'a secret, token or id in a span')
  })

  test(`${build}: without a tracer provider nothing is traced, sent or warned about`, async () => {
    const { code, stdout, stderr } = await runNode([OTEL_CHILD, build, 'none'])
    assert.equal(code, 0, stderr)
    assert.equal(stderr, '')
    const { spans, traceparents } = JSON.parse(stdout.trim().split('\n').at(-1))
    assert.deepEqual(spans, [])
    assert.deepEqual(traceparents, [null, null, null])
  })
}
