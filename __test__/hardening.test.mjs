// Hostile ids reach the intended route as one segment; bad input never reaches the network;
// 10,000 concurrent calls use a bounded number of sockets and leave no descriptors behind;
// debug logs carry neither the secret nor a token.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { sdk } from './helpers/sdk.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')

let mock
let chat
before(async () => {
  mock = await startMockServer()
  chat = new sdk.EthoraSDKService(mock.config)
})
after(() => mock.close())

const HOSTILE_IDS = ['a/b', 'x?y=1', 'frag#ment', '100%', '../../v2/apps', 'a b', 'ünï©ødé', 'tab\there', 'nul\u0000byte', 'semi;colon', '%2F']

test('hostile ids reach the intended route as one encoded segment', async () => {
  await mock.reset()
  for (const id of HOSTILE_IDS) {
    await chat.getUserChats(id).catch((error) => assert.equal(error.status, 404))
    await chat.getAppBroadcastJob(mock.appId, id).catch((error) => assert.equal(error.status, 404))
  }
  const seen = (await mock.requests()).map((r) => r.path)
  for (const [index, id] of HOSTILE_IDS.entries()) {
    const userPath = seen[index * 2]
    const segments = userPath.split('/')
    assert.equal(segments.length, 7, `${JSON.stringify(id)} -> ${userPath}`)
    assert.deepEqual(segments.slice(0, 5), ['', 'v2', 'apps', mock.appId, 'users'])
    assert.equal(decodeURIComponent(segments[5]), id)
    assert.equal(segments[6], 'chats')
    const jobPath = seen[index * 2 + 1].split('/')
    assert.equal(jobPath.length, 7)
    assert.equal(decodeURIComponent(jobPath[6]), id)
  }
})

test('invalid input is rejected before any request, naming the argument', async () => {
  await mock.reset()
  const cases = [
    [() => chat.getApp(''), 'appId'],
    [() => chat.getApp('   '), 'appId'],
    [() => chat.getApp('..'), 'appId'],
    [() => chat.getApp('.'), 'appId'],
    [() => chat.getApp(true), 'appId'],
    [() => chat.getApp({}), 'appId'],
    [() => chat.getApp(NaN), 'appId'],
    [() => chat.getApp(undefined), 'appId'],
    [() => chat.deleteUsers([]), 'userIds'],
    [() => chat.deleteUsers('u1'), 'userIds'],
    [() => chat.deleteUsers(['u1', {}]), 'userIds'],
    [() => chat.grantUserAccessToChatRoom('room', []), 'userId'],
    [() => chat.grantUserAccessToChatRoom('room', {}), 'userId'],
    [() => chat.updateUsers([]), 'users'],
    [() => chat.updateUsers(Array.from({ length: 101 }, (_, i) => ({ xmppUsername: `u${i}` }))), 'users'],
    [() => chat.updateUsers([{ firstName: 'no id' }]), 'users[0]'],
    [() => chat.getUsers({ limit: 0 }), 'params.limit'],
    [() => chat.getUsers({ limit: 501 }), 'params.limit'],
    [() => chat.getUsers({ limit: 2.5 }), 'params.limit'],
    [() => chat.getUsers({ offset: -1 }), 'params.offset'],
    [() => chat.getUsers({ limit: 'ten' }), 'params.limit'],
    [() => chat.listApps({ limit: 201 }), 'params.limit'],
    [() => chat.createUser('u', { displayName: 5 }), 'userData.displayName'],
    [() => chat.createChatRoom('r', { uuid: 'other' }), 'roomData.uuid'],
    [() => chat.createApp({ appTagline: 'x' }), 'appData.displayName'],
    [() => chat.broadcastToAppChats('a', { allRooms: true }), 'payload.text'],
    [() => chat.broadcastToAppChats('a', { text: 'x', allRooms: true, chatIds: ['y'] }), 'payload'],
    [() => chat.createUsersInApp('a', { usersList: [] }), 'payload.usersList'],
    [() => chat.updateChatRoom('r'), 'updateData'],
    [() => chat.createUser('u', { n: 10n }), 'userData'],
  ]
  for (const [call, argument] of cases) {
    const error = await call().then(() => assert.fail(`resolved: ${call}`), (e) => e)
    assert.ok(error instanceof sdk.EthoraError, String(error))
    assert.equal(error.code, 'ETHORA_VALIDATION', `${call}: ${error.message}`)
    assert.equal(error.argument, argument, `${call}`)
    assert.equal(error.attempts, 0)
  }
  assert.deepEqual(await mock.requests(), [], 'nothing was sent')
  for (const config of [{ chatApiUrl: 'ftp://x' }, { chatAppId: '' }, { chatAppSecret: 5 }, { logLevel: 'loud' }, { maxRetries: -1 }]) {
    assert.throws(() => new sdk.EthoraSDKService({ ...mock.config, ...config }), (e) => e.code === 'ETHORA_CONFIG' && !e.message.includes(mock.appSecret))
  }
})

function openDescriptors() {
  return fs.readdirSync('/proc/self/fd').length
}

test('createChatUserJwtToken (a direct N-API entry) refuses foreign receivers and mints any id', () => {
  const method = sdk.EthoraSDKService.prototype.createChatUserJwtToken
  for (const receiver of [{}, null, undefined, 5, 'str', new sdk.EthoraError('x'), Object.create(sdk.EthoraSDKService.prototype)]) {
    assert.throws(() => method.call(receiver, 'u1'), (error) => error instanceof TypeError && /Illegal invocation/.test(error.message))
  }
  const secrets = { chatAppId: mock.appId, chatAppSecret: mock.appSecret }
  // Ids around the 256-byte stack buffer (multi-byte characters straddling it), hostile ones.
  const ids = ['u', 'x'.repeat(254), 'x'.repeat(255), 'x'.repeat(256), 'é'.repeat(127) + 'a', 'é'.repeat(128), '€'.repeat(200), 'quote"back\\slash', ...HOSTILE_IDS]
  for (const id of ids) {
    const claims = sdk.verifyJwtToken(chat.createChatUserJwtToken(id), secrets, 'client')
    assert.equal(claims.data.userId, id)
  }
  for (const bad of [undefined, null, true, NaN, '', '   ', {}, ['u1'], '\uD800']) {
    assert.throws(() => chat.createChatUserJwtToken(bad), (error) => error instanceof sdk.EthoraError && error.code === 'ETHORA_VALIDATION' && error.argument === 'userId')
  }
  assert.throws(() => chat.createChatUserJwtToken(), (error) => error.code === 'ETHORA_VALIDATION')
})

test('10,000 concurrent calls: bounded sockets, no descriptor growth after they settle', async () => {
  await mock.reset()
  const loader = new sdk.EthoraSDKService({ ...mock.config, maxConnections: 32 })
  await loader.getUsers() // warm the pool before counting
  const baseline = openDescriptors()
  const statsBefore = await mock.stats()
  const results = await Promise.all(Array.from({ length: 10_000 }, (_, i) => loader.getUsers({ offset: i % 50 })))
  assert.equal(results.length, 10_000)
  assert.ok(results.every((r) => r.ok === true))
  const statsAfter = await mock.stats()
  assert.equal(statsAfter.requests - statsBefore.requests, 10_001)
  const opened = statsAfter.connectionsAccepted - statsBefore.connectionsAccepted
  assert.ok(opened <= 64, `opened ${opened} connections for 10,000 calls (maxConnections 32)`)
  assert.ok(statsAfter.connectionsOpen <= 64 + 2, `${statsAfter.connectionsOpen} connections open`)
  const growth = openDescriptors() - baseline
  assert.ok(growth <= 32, `open descriptors grew by ${growth}`)
})

test('debug logging names calls but never the secret or a token', () => {
  const script = `
    const { EthoraSDKService } = require(${JSON.stringify(fileURLToPath(new URL('../index.js', import.meta.url)))})
    const chat = new EthoraSDKService({ chatApiUrl: ${JSON.stringify(mock.url)}, chatAppId: ${JSON.stringify(mock.appId)}, chatAppSecret: ${JSON.stringify(mock.appSecret)}, retryBaseDelayMs: 1 })
    const bad = new EthoraSDKService({ chatApiUrl: ${JSON.stringify(mock.url)}, chatAppId: ${JSON.stringify(mock.appId)}, chatAppSecret: 'wrong-secret-value', maxRetries: 0 })
    ;(async () => {
      await chat.createChatRoom('log-room-' + process.pid)
      await chat.getUsers()
      await bad.getUsers().catch((e) => console.log('rejected', e.code, e.status))
      await chat.getApp('missing-app').catch(() => {})
      console.log(chat.createChatUserJwtToken('u1').length)
    })()`
  const run = (level) => spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ETHORA_LOG: level }, encoding: 'utf8', timeout: 20_000 })
  const { stdout: output, stderr, status } = run('debug')
  assert.equal(status, 0, stderr)
  assert.match(output, /rejected ETHORA_HTTP 401/)
  const lines = stderr.trim().split('\n').filter(Boolean)
  assert.ok(lines.some((l) => /^\[ethora\] debug POST http:\/\/127\.0\.0\.1:\d+\/v2\/chats ok in \d+ ms \(attempt 1, request [0-9a-f-]{36}\)$/.test(l)), stderr)
  assert.ok(lines.some((l) => l.startsWith('[ethora] error GET') && l.includes('ETHORA_HTTP 401')), stderr)
  for (const line of lines) {
    assert.ok(!line.includes(mock.appSecret) && !line.includes('wrong-secret-value'), line)
    assert.doesNotMatch(line, /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/, line)
  }
  assert.equal(run('').stderr, '', 'logging is off by default')
})

test('native: object arguments are read as JSON.stringify reads them (what axios sends), under the limits', async () => {
  // Everything that is not a plain string goes through the shared reader (js/shared.js), so
  // the body is what the official SDK's axios would send for the same value.
  const native = require('../index.js')
  const client = new native.EthoraSDKService(mock.config)
  await mock.reset()
  const inherited = Object.assign(Object.create({ fromPrototype: 'p' }), { own: 'o' })
  const long = 'é'.repeat(127) + 'x'.repeat(300)
  const extra = {
    numbers: [0, -0, 1, -1, 2 ** 32, 1.5, 1e300, NaN, -Infinity],
    inherited,
    date: new Date(0),
    skipped: undefined,
    dropped() {},
    hole: [1, , 3],
    nested: { a: [{ b: null, c: true, d: long, e: 'ünï©ødé' }] },
    7: 'numeric key',
    [Symbol('s')]: 'symbol keys are not JSON',
  }
  await client.createUser('arg-reader', { firstName: 'A', extra })
  const [request] = await mock.requests()
  assert.deepEqual(request.body.usersList[0].extra, JSON.parse(JSON.stringify(extra)))
  assert.deepEqual(Object.keys(request.body.usersList[0].extra), ['7', 'numbers', 'inherited', 'date', 'hole', 'nested'])

  let deep = {}
  const tooDeep = deep
  for (let i = 0; i < 70; i++) deep = deep.x = {}
  const cyclic = {}
  cyclic.self = cyclic
  for (const bad of [{ n: 10n }, { s: '\uDC00' }, { ['\uD800k']: 1 }, tooDeep, cyclic, { get x() { throw new Error('getter') } }]) {
    await assert.rejects(client.createUser('arg-reader-2', { firstName: 'A', extra: bad }), (e) => e.code === 'ETHORA_VALIDATION' && e.argument === 'userData')
  }
  assert.equal((await mock.requests()).length, 1, 'nothing more was sent')
})
