// The edge build in the real runtimes (workerd through miniflare, Vercel's edge-runtime,
// Deno), each importing `@ethora-rs/sdk-backend` through the package `exports` and running
// the same scenario (__test__/edge/scenario.js) against the local mock on loopback. The
// mock's record of what it received and its state are checked here, in Node; the client
// token minted inside the runtime is verified here with the scoped key.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { join } from 'node:path'

import { sdk as nativeSdk } from './helpers/sdk.mjs'
import {
  bundleForEdgeLight,
  bundleForWorkerd,
  consumerProject,
  fetchFromEdgeRuntime,
  fetchFromWorkerd,
  root,
  runInDeno,
} from './edge/runtimes.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')
const scenarioFiles = {
  'scenario.js': { path: join(root, '__test__', 'edge', 'scenario.js') },
}

let mock

before(async () => {
  mock = await startMockServer()
})
after(() => mock.close())

/** Queues the faults the scenario expects: one 503 on the member listing, a hang on listApps. */
async function prepareFaults() {
  await mock.reset()
  await mock.fault({ type: 'status', status: 503 }, { times: 1, method: 'GET', path: '/v2/chats/users' })
  await mock.fault({ type: 'hang', ms: 3000 }, { times: 1, method: 'GET', path: '/v2/apps' })
}

async function checkScenario(report, runId) {
  const A = mock.appId
  const users = [1, 2, 3].map((n) => `${runId}-user-${n}`)

  assert.deepEqual(report.exports, [
    'ETHORA_JID_DOMAIN',
    'EthoraError',
    'EthoraSDKService',
    'ListingIterator',
    'configFromEnv',
    'createClientToken',
    'createServerToken',
    'getEthoraSDKService',
    'getSecrets',
    'getSecretsSync',
    'verifyJwtToken',
  ])
  assert.equal(report.jidDomain, nativeSdk.ETHORA_JID_DOMAIN)

  // The client token verifies in Node with the app's scoped key, as the right user.
  const claims = nativeSdk.verifyJwtToken(
    report.clientToken,
    { chatAppId: A, chatAppSecret: mock.appSecret },
    'client',
  )
  assert.deepEqual(claims.data, { type: 'client', userId: users[0], appId: A })

  assert.equal(report.users.length, 3)
  assert.equal(report.members.results?.length ?? report.members.items?.length ?? report.members.users?.length, 3, JSON.stringify(report.members))
  assert.ok(report.deleteRoom)
  assert.deepEqual(report.iterated, users.map((user) => `${A}_${user}`))
  assert.deepEqual(report.imported, { created: 2, existed: 0, failed: [], batches: 1 })

  // What the mock received: every call once, the member listing twice (503, then success).
  const received = (await mock.requests()).map((r) => `${r.method} ${r.path}`)
  assert.equal(received.filter((r) => r === 'POST /v2/chats').length, 1)
  assert.equal(received.filter((r) => r === 'POST /v2/users/batch').length, 3)
  assert.equal(received.filter((r) => r === 'POST /v2/chats/users-access').length, 1)
  // 503 + retry, two pages of the iteration, the wrong secret's 401.
  assert.equal(received.filter((r) => r === 'GET /v2/chats/users').length, 5, received.join('\n'))
  assert.equal(received.filter((r) => r === `POST /v2/apps/${A}/users/batch`).length, 1)
  assert.equal(received.filter((r) => r === 'PATCH /v2/chats/users').length, 1)
  assert.equal(received.filter((r) => r === 'DELETE /v1/chats').length, 1)

  // The mock's state: three users, the update applied, the room gone.
  const app = (await mock.state()).apps[A]
  const stored = JSON.stringify(app)
  for (const user of users) assert.ok(stored.includes(`${A}_${user}`), `user ${user} stored`)
  assert.ok(stored.includes('Renamed'), 'updateUsers applied')
  assert.ok(!stored.includes(`${A}_${runId}-room`), 'room deleted')

  // The wrong secret: the server's 401 as the SDK's own error class, not retried.
  assert.equal(report.wrongSecret.isEthoraError, true)
  assert.equal(report.wrongSecret.isError, true)
  assert.equal(report.wrongSecret.name, 'EthoraError')
  assert.equal(report.wrongSecret.code, 'ETHORA_HTTP')
  assert.equal(report.wrongSecret.status, 401)
  assert.equal(report.wrongSecret.attempts, 1)
  assert.ok(!report.wrongSecret.message.includes('not-the-app-secret'))
  assert.ok(!report.wrongSecret.message.includes(mock.appSecret))

  // The hanging request: ended by the 300 ms time limit.
  assert.equal(report.timeout.isEthoraError, true)
  assert.equal(report.timeout.code, 'ETHORA_TIMEOUT')
  assert.equal(report.timeout.retryable, true)

  // Validation happens before any request.
  assert.equal(report.validation.code, 'ETHORA_VALIDATION')
  assert.equal(report.validation.attempts, 0)
}

test('Cloudflare workerd (miniflare): the scenario through the `workerd` export condition', async () => {
  await prepareFaults()
  const runId = 'workerd'
  const project = consumerProject({ ...scenarioFiles, 'worker.js': { path: join(root, '__test__', 'edge', 'worker.js') } })
  try {
    const worker = await bundleForWorkerd(join(project.dir, 'worker.js'), project.dir)
    const response = await fetchFromWorkerd(worker, {
      request: { method: 'POST', body: JSON.stringify({ config: mock.config, runId }) },
    })
    assert.equal(response.status, 200, response.text)
    await checkScenario(JSON.parse(response.text), runId)
  } finally {
    project.cleanup()
  }
})

test('workerd: more calls in one request than workerd lets it keep timers pending (10,000)', async () => {
  const project = consumerProject({ 'worker.js': { path: join(root, '__test__', 'edge', 'many-calls-worker.js') } })
  try {
    const worker = await bundleForWorkerd(join(project.dir, 'worker.js'), project.dir)
    const calls = 10_100
    const response = await fetchFromWorkerd(worker, {
      request: { method: 'POST', body: JSON.stringify({ config: mock.config, calls }) },
    })
    assert.equal(response.status, 200, response.text)
    assert.deepEqual(JSON.parse(response.text), { sent: calls, resolved: calls })
  } finally {
    project.cleanup()
  }
})

test('Vercel edge-runtime: the scenario through the `edge-light` export condition', async () => {
  await prepareFaults()
  const runId = 'vercel'
  const project = consumerProject({ ...scenarioFiles, 'route.js': { path: join(root, '__test__', 'edge', 'vercel-route.js') } })
  try {
    const code = await bundleForEdgeLight(join(project.dir, 'route.js'))
    const response = await fetchFromEdgeRuntime(code, {
      request: { method: 'POST', body: JSON.stringify({ config: mock.config, runId }) },
    })
    assert.equal(response.status, 200, response.text)
    await checkScenario(JSON.parse(response.text), runId)
  } finally {
    project.cleanup()
  }
})

test('Deno: the scenario through the `deno` export condition', async () => {
  await prepareFaults()
  const runId = 'deno'
  const project = consumerProject({ ...scenarioFiles, 'main.js': { path: join(root, '__test__', 'edge', 'deno-main.js') } })
  try {
    const output = await runInDeno(join(project.dir, 'main.js'), {
      args: [JSON.stringify({ config: mock.config, runId })],
      permissions: ['--allow-read', '--allow-net=127.0.0.1'],
    })
    await checkScenario(JSON.parse(output), runId)
  } finally {
    project.cleanup()
  }
})
