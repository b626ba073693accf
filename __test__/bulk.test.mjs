// Listing iterators, the bulk user import and the job waits, against the mock, on both
// builds (the native addon through the package entry, the WebAssembly build through
// `@ethora-rs/sdk-backend/edge`): what was requested, in what order, and what the mock ended
// up holding.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

import { sdk as nativeSdk } from './helpers/sdk.mjs'
import { runNode } from './helpers/child.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')
const edgeSdk = await import('@ethora-rs/sdk-backend/edge')

let mock
before(async () => {
  mock = await startMockServer()
})
after(() => mock.close())

const FACES = [
  ['native', nativeSdk],
  ['wasm', edgeSdk],
]

const user = (id, extra = {}) => ({ uuid: id, email: `${id}@example.com`, firstName: 'Ada', lastName: 'Lovelace', ...extra })
const usersOf = async (appId) => (await mock.state()).apps[appId].users
const apiRequests = async () => (await mock.requests()).map(({ method, path, query }) => `${method} ${path}${query ? `?${query}` : ''}`)

/** Seeds users straight through the batch endpoint (not through the code under test). */
async function seedUsers(client, ids) {
  for (let start = 0; start < ids.length; start += 100) {
    const { jobId } = await client.createUsersInApp(mock.appId, { usersList: ids.slice(start, start + 100).map((id) => user(id)) })
    for (let read = 0; read < 3; read++) await client.getUsersBatchJob(mock.appId, jobId)
  }
}

for (const [face, sdk] of FACES) {
  const client = () => new sdk.EthoraSDKService(mock.config)

  test(`${face}: iterateUsers walks every page, fetching the next only when asked`, async () => {
    await mock.reset()
    const chat = client()
    await seedUsers(chat, Array.from({ length: 23 }, (_, i) => `it-${i}`))
    await mock.clearRequests()

    const seen = []
    for await (const listed of chat.iterateUsers({ pageSize: 10 })) seen.push(listed.xmppUsername)
    const all = (await chat.getUsers({ limit: 100 })).results.map((u) => u.xmppUsername)
    assert.deepEqual(seen, all)
    assert.equal(seen.length, 23)
    assert.deepEqual((await apiRequests()).slice(0, 3), [
      'GET /v2/chats/users?limit=10&offset=0',
      'GET /v2/chats/users?limit=10&offset=10',
      'GET /v2/chats/users?limit=10&offset=20',
    ])

    // A full last page that reaches `total` ends the walk without asking for an empty page.
    await mock.clearRequests()
    let count = 0
    for await (const _ of chat.iterateUsers({ pageSize: 23 })) count++
    assert.equal(count, 23)
    assert.deepEqual(await apiRequests(), ['GET /v2/chats/users?limit=23&offset=0'])
  })

  test(`${face}: an iterator that stops early fetches nothing more`, async () => {
    await mock.reset()
    const chat = client()
    await seedUsers(chat, Array.from({ length: 30 }, (_, i) => `stop-${i}`))
    await mock.clearRequests()

    const iterator = chat.iterateUsers({ pageSize: 5, offset: 3 })
    assert.equal(iterator[Symbol.asyncIterator](), iterator)
    let taken = 0
    for await (const _ of iterator) if (++taken === 7) break
    assert.deepEqual(await iterator.next(), { done: true })
    await sleep(50)
    assert.deepEqual(await apiRequests(), [
      'GET /v2/chats/users?limit=5&offset=3',
      'GET /v2/chats/users?limit=5&offset=8',
    ])

    // next() calls made together are answered in order, from one page request.
    await mock.clearRequests()
    const together = chat.iterateUsers({ pageSize: 4 })
    const results = await Promise.all([together.next(), together.next(), together.next(), together.next(), together.next()])
    const expected = (await chat.getUsers({ limit: 5 })).results.map((u) => u.xmppUsername)
    assert.deepEqual(results.map((r) => r.value.xmppUsername), expected)
    assert.equal((await apiRequests()).filter((r) => r.startsWith('GET /v2/chats/users?limit=4')).length, 2)
  })

  test(`${face}: app, chat and user-chat listings iterate like their methods list`, async () => {
    await mock.reset()
    const chat = client()
    for (let i = 0; i < 3; i++) await chat.createApp({ displayName: `Child ${i}` })
    const apps = []
    for await (const app of chat.iterateApps({ pageSize: 2, orderBy: 'createdAt', order: 'asc' })) apps.push(app._id)
    assert.deepEqual(apps, (await chat.listApps({ orderBy: 'createdAt', order: 'asc' })).items.map((a) => a._id))
    assert.equal(apps.length, 3)

    await seedUsers(chat, ['member'])
    for (let i = 0; i < 5; i++) {
      await chat.createChatRoom(`room-${i}`, { title: `Room ${i}` })
      await chat.grantUserAccessToChatRoom(`room-${i}`, 'member')
    }
    const names = async (iterator) => {
      const out = []
      for await (const listed of iterator) out.push(listed.name)
      return out
    }
    const inApp = await names(chat.iterateChatsInApp(mock.appId, { pageSize: 2 }))
    assert.deepEqual(inApp, (await chat.listChatsInApp(mock.appId)).items.map((c) => c.name))
    assert.equal(inApp.length, 5)
    const ofUser = await names(chat.iterateUserChats('member', { pageSize: 2, includeMembers: true }))
    assert.deepEqual(ofUser, (await chat.getUserChats('member')).chats.map((c) => c.name))
    assert.deepEqual(await names(chat.iterateUserChatsInApp(mock.appId, 'member', { pageSize: 3 })), ofUser)
    const requests = await apiRequests()
    assert.ok(requests.includes(`GET /v2/apps/${mock.appId}/users/member/chats?limit=2&offset=2&includeMembers=true`), requests.join('\n'))
  })

  test(`${face}: iterator arguments are checked before any request; a failed page rejects and ends it`, async () => {
    await mock.reset()
    const chat = client()
    for (const [call, argument] of [
      [() => chat.iterateUsers({ limit: 5 }), 'params.limit'],
      [() => chat.iterateUsers({ pageSize: 501 }), 'params.pageSize'],
      [() => chat.iterateApps({ pageSize: 201 }), 'params.pageSize'],
      [() => chat.iterateUsers({ offset: -1 }), 'params.offset'],
      [() => chat.iterateChatsInApp(''), 'appId'],
      [() => chat.iterateUserChatsInApp('app', true), 'userId'],
    ]) {
      assert.throws(call, (error) => error instanceof sdk.EthoraError && error.code === 'ETHORA_VALIDATION' && error.argument === argument)
    }
    assert.deepEqual(await mock.requests(), [])

    await seedUsers(chat, ['x1'])
    await mock.fault({ type: 'status', status: 500, body: { message: 'down' } }, { times: 5, path: '/v2/chats/users' })
    const iterator = chat.iterateUsers()
    await assert.rejects(iterator.next(), (error) => error instanceof sdk.EthoraError && error.code === 'ETHORA_HTTP' && error.status === 500)
    assert.deepEqual(await iterator.next(), { done: true })
    await mock.clearFaults()
  })

  test(`${face}: importUsers of 10,000 users, some existing and some invalid, counts exactly what the mock holds`, async () => {
    await mock.reset()
    const chat = client()
    const existing = Array.from({ length: 250 }, (_, i) => `bulk-${i * 40}`)
    await seedUsers(chat, existing)
    await mock.clearRequests()

    const users = Array.from({ length: 10_000 }, (_, i) => user(`bulk-${i}`))
    const invalid = new Map()
    for (let i = 7; i < 10_000; i += 211) {
      if (existing.includes(`bulk-${i}`)) continue
      const kind = invalid.size % 3
      if (kind === 0) users[i] = { ...users[i], uuid: undefined }
      if (kind === 1) users[i] = { ...users[i], email: 'not-an-address' }
      if (kind === 2) users[i] = { ...users[i], lastName: 'L' }
      invalid.set(i, ['uuid is missing', 'email is not a valid address', 'lastName must be at least 2 characters'][kind])
    }
    const progress = []
    const report = await chat.importUsers(users, { pollIntervalMs: 1, concurrency: 8, onProgress: (p) => progress.push(p) })

    assert.equal(report.existed, existing.length)
    assert.equal(report.created, 10_000 - existing.length - invalid.size)
    assert.deepEqual(report.failed.map((f) => [f.index, f.reason]), [...invalid])
    assert.equal(report.failed[1].uuid, users[report.failed[1].index].uuid)
    const held = await usersOf(mock.appId)
    assert.equal(held.length, 10_000 - invalid.size)
    assert.ok(!held.some((u) => u.uuid === users[7].uuid))
    // 100 users per batch; every valid user in exactly one batch, reported once.
    assert.equal(report.batches, Math.ceil((10_000 - invalid.size) / 100))
    assert.equal(progress.length, report.batches)
    const reported = progress.flatMap((p) => p.batch.indexes).sort((a, b) => a - b)
    assert.equal(reported.length, 10_000 - invalid.size)
    assert.equal(new Set(reported).size, reported.length)
    assert.equal(progress.at(-1).created + progress.at(-1).existed, 10_000 - invalid.size)
    const posts = (await mock.requests()).filter((r) => r.method === 'POST')
    assert.equal(posts.length, report.batches)
    assert.ok(posts.every((p) => p.body.usersList.length <= 100))

    // The same import again: nothing new, everything existed.
    const again = await chat.importUsers(users, { pollIntervalMs: 1, concurrency: 8 })
    assert.equal(again.created, 0)
    assert.equal(again.existed, 10_000 - invalid.size)
  })

  test(`${face}: importUsers reads an async iterable a batch at a time, into another app`, async () => {
    await mock.reset()
    const chat = client()
    const child = (await chat.createApp({ displayName: 'Import target' })).app._id
    let pulled = 0
    async function* generate() {
      for (let i = 0; i < 45; i++) {
        pulled++
        yield user(`gen-${i}`)
      }
    }
    const report = await chat.importUsers(generate(), { appId: child, batchSize: 20, concurrency: 1, pollIntervalMs: 1 })
    assert.deepEqual(report, { created: 45, existed: 0, failed: [], batches: 3 })
    assert.equal(pulled, 45)
    assert.equal((await usersOf(child)).length, 45)
    assert.equal((await usersOf(mock.appId)).length, 0)
    const posts = (await mock.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/users/batch'))
    assert.deepEqual(posts.map((p) => p.body.usersList.length), [20, 20, 5])
    assert.ok(posts.every((p) => p.path === `/v2/apps/${child}/users/batch`))

    // A plain iterable (a Set) works too; a non-iterable is refused before any request.
    const fromSet = await chat.importUsers(new Set([user('set-1')]), { pollIntervalMs: 1 })
    assert.equal(fromSet.created, 1)
    await mock.clearRequests()
    await assert.rejects(chat.importUsers(42), (e) => e.code === 'ETHORA_VALIDATION' && e.argument === 'users')
    await assert.rejects(chat.importUsers([], { batchSize: 101 }), (e) => e.code === 'ETHORA_VALIDATION' && e.argument === 'options.batchSize')
    await assert.rejects(chat.importUsers([], { onProgress: 'yes' }), (e) => e.code === 'ETHORA_VALIDATION' && e.argument === 'options.onProgress')
    assert.deepEqual(await mock.requests(), [])
  })

  test(`${face}: a 429 pauses every batch of the import, not only the one that got it`, async () => {
    await mock.reset()
    const chat = client()
    await mock.fault({ type: 'rateLimit', retryAfter: 1 }, { method: 'POST', path: `/v2/apps/${mock.appId}/users/batch`, times: 1 })
    const users = Array.from({ length: 400 }, (_, i) => user(`rl-${i}`))
    // Each batch polls its job at once and then every 400 ms: only a first poll can race the
    // 429 back to the client, and an unpaused second poll would come ~400 ms after it.
    const report = await chat.importUsers(users, { pollIntervalMs: 400, concurrency: 4 })
    assert.equal(report.created, 400)
    const log = await mock.requests()
    const posts = log.filter((r) => r.method === 'POST')
    assert.equal(posts.length, 5, 'the refused batch was sent once more')
    // The refused POST is the first; four POSTs went out together. The other three batches'
    // answers race the 429 back to the client, so their first polls may leave in the moment
    // before the client has read the 429 (the first 250 ms here). Everything after that
    // moment, later polls of the accepted batches included, came at least ~1 s after the 429.
    const refused = posts[0]
    const inFlight = (request) => request.atMs <= refused.atMs + 250
    const afterRefusal = log.filter((r) => !inFlight(r))
    assert.ok(afterRefusal.length > 0)
    for (const request of afterRefusal) {
      assert.ok(request.atMs >= refused.atMs + 900, `${request.method} ${request.path} came ${Math.round(request.atMs - refused.atMs)} ms after the 429`)
    }
    const polls = log.filter((r) => r.method === 'GET')
    assert.equal(polls.length, 12)
    // At most the first poll of each accepted batch beat the 429 back; every other poll (the
    // re-sent batch's among them) waited out the pause.
    assert.ok(polls.filter(inFlight).length <= 3, 'no batch polled its job during the pause')
    assert.ok(polls.filter((p) => p.atMs >= refused.atMs + 900).length >= 9, 'the polls went on after the pause')
  })

  test(`${face}: a batch the server refuses fails its users and the import goes on; a 401 ends it`, async () => {
    await mock.reset()
    const chat = client()
    await mock.fault({ type: 'status', status: 422, body: { message: 'usersList is odd today' } }, { method: 'POST', times: 1 })
    const users = Array.from({ length: 150 }, (_, i) => user(`rf-${i}`))
    const report = await chat.importUsers(users, { pollIntervalMs: 1, concurrency: 1 })
    assert.equal(report.created, 50)
    assert.equal(report.failed.length, 100)
    assert.deepEqual(report.failed[0], { index: 0, uuid: 'rf-0', reason: 'the batch was refused (422): usersList is odd today' })

    const wrong = new sdk.EthoraSDKService({ ...mock.config, chatAppSecret: 'not-the-secret' })
    await assert.rejects(wrong.importUsers(users, { pollIntervalMs: 1 }), (e) => e.code === 'ETHORA_HTTP' && e.status === 401 && !e.message.includes('not-the-secret'))
  })

  test(`${face}: an AbortSignal stops the import cleanly`, async () => {
    await mock.reset()
    const chat = client()
    const controller = new AbortController()
    const users = Array.from({ length: 2000 }, (_, i) => user(`ab-${i}`))
    const batches = []
    const running = chat.importUsers(users, {
      concurrency: 1,
      pollIntervalMs: 20,
      signal: controller.signal,
      onProgress: (p) => {
        batches.push(p.batch.number)
        if (batches.length === 2) controller.abort()
      },
    })
    await assert.rejects(running, (e) => e instanceof sdk.EthoraError && e.code === 'ETHORA_ABORTED')
    const sent = (await mock.requests()).length
    await sleep(150)
    assert.equal((await mock.requests()).length, sent, 'nothing is sent after the abort')
    assert.ok((await mock.requests()).filter((r) => r.method === 'POST').length <= 3)

    await mock.clearRequests()
    await assert.rejects(chat.importUsers(users, { signal: AbortSignal.abort() }), (e) => e.code === 'ETHORA_ABORTED')
    assert.deepEqual(await mock.requests(), [])
  })

  test(`${face}: waitForUsersBatchJob and waitForBroadcastJob read the job until it finishes`, async () => {
    await mock.reset()
    const chat = client()
    const { jobId } = await chat.createUsersInApp(mock.appId, { usersList: [user('w-1'), user('w-2')] })
    await mock.clearRequests()
    const job = await chat.waitForUsersBatchJob(mock.appId, jobId, { pollIntervalMs: 1 })
    assert.equal(job.state, 'completed')
    assert.deepEqual(job.result.results.map((r) => r.status), ['created', 'created'])
    assert.deepEqual(await apiRequests(), Array(3).fill(`GET /v2/apps/${mock.appId}/users/batch/${jobId}`))

    await chat.createChatRoom('bc-room')
    const broadcast = await chat.broadcastToAppChats(mock.appId, { text: 'hello', allRooms: true })
    const finished = await chat.waitForBroadcastJob(mock.appId, broadcast.jobId, { pollIntervalMs: 1 })
    assert.equal(finished.state, 'completed')

    const started = await chat.createUsersInApp(mock.appId, { usersList: [user('w-3')] })
    await assert.rejects(
      chat.waitForUsersBatchJob(mock.appId, started.jobId, { pollIntervalMs: 50, timeoutMs: 20 }),
      (e) => e.code === 'ETHORA_TIMEOUT' && e.message.includes('state: pending'),
    )
    await assert.rejects(chat.waitForUsersBatchJob(mock.appId, started.jobId, { signal: AbortSignal.abort() }), (e) => e.code === 'ETHORA_ABORTED')
    await assert.rejects(chat.waitForUsersBatchJob(mock.appId, 'no-such-job', { pollIntervalMs: 1 }), (e) => e.code === 'ETHORA_HTTP' && e.status === 404)
    await assert.rejects(chat.waitForUsersBatchJob(mock.appId, started.jobId, { every: 5 }), (e) => e.code === 'ETHORA_VALIDATION' && e.argument === 'options.every')
  })
}

test('what onProgress throws is an uncaught exception on both builds, and the import goes on', async () => {
  await mock.reset()
  const script = `
    const face = process.argv[1] === 'wasm' ? await import('@ethora-rs/sdk-backend/edge') : await import('@ethora-rs/sdk-backend')
    const thrown = []
    process.on('uncaughtException', (error) => thrown.push(error.message))
    const chat = new face.EthoraSDKService(JSON.parse(process.argv[2]))
    const users = Array.from({ length: 150 }, (_, i) => ({ uuid: process.argv[1] + '-cb-' + i, email: process.argv[1] + '-cb-' + i + '@example.com', firstName: 'A', lastName: 'Bc' }))
    const report = await chat.importUsers(users, { pollIntervalMs: 1, onProgress: (p) => { throw new Error('callback ' + p.batchesDone) } })
    await new Promise((resolve) => setTimeout(resolve, 20))
    console.log(JSON.stringify({ created: report.created, thrown: thrown.sort() }))
  `
  for (const face of ['native', 'wasm']) {
    const { code, stdout, stderr } = await runNode(['--input-type=module', '-e', script, face, JSON.stringify(mock.config)], { cwd: fileURLToPath(new URL('..', import.meta.url)), env: { ...process.env, ETHORA_SDK_BUILD: '' } })
    assert.equal(code, 0, stderr)
    assert.deepEqual(JSON.parse(stdout), { created: 150, thrown: ['callback 1', 'callback 2'] }, face)
  }
})
