// Every method of the reference's class against a loopback capture server: what the server received
// (method, path, query, JSON body, both auth headers) and what the call resolved with.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { startCaptureServer } from './helpers/capture-server.mjs'
import { sdk, serviceFor, APP_ID, APP_SECRET } from './helpers/sdk.mjs'
import { scopedKey, verifyHs256 } from './helpers/jwt.mjs'
import { NETWORK_CASES } from './helpers/network-cases.mjs'

const require = createRequire(import.meta.url)
let server
let service

before(async () => {
  server = await startCaptureServer()
  service = serviceFor(server.url)
})
after(() => server.close())

const JID_DOMAIN = '@conference.xmpp.chat.ethora.com'

/** The public methods of the reference's class: its prototype, less what its declarations mark `private`. */
function referencePublicMethods() {
  const entry = require.resolve('@ethora/sdk-backend')
  const declarations = fs.readFileSync(path.join(path.dirname(entry), 'repositories', 'EthoraSDKService.d.ts'), 'utf8')
  const hidden = new Set([...declarations.matchAll(/^\s*private (?:readonly )?(\w+)/gm)].map((m) => m[1]))
  const { prototype } = require('@ethora/sdk-backend').EthoraSDKService
  return Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor' && !hidden.has(name))
}

test('the class has every public method of the reference, and each network one has a case here', () => {
  const reference = referencePublicMethods()
  assert.ok(reference.includes('createUser') && !reference.includes('makeRequest'), reference.join(' '))
  for (const name of reference) {
    assert.equal(typeof sdk.EthoraSDKService.prototype[name], 'function', name)
  }
  // Every method but the two that make no request is a network method with its case below
  // (createUser has tests of its own).
  const cased = new Set([...NETWORK_CASES.map((c) => c[0]), 'createUser'])
  const local = new Set(['createChatName', 'createChatUserJwtToken'])
  assert.deepEqual(reference.filter((name) => !local.has(name) && !cased.has(name)), [])
  assert.equal(service.grantChatbotAccessToChatRoom, undefined)
  assert.equal(sdk.ETHORA_JID_DOMAIN, require('@ethora/sdk-backend').ETHORA_JID_DOMAIN)
})

function assertServerAuth(request) {
  const token = request.headers['x-custom-token']
  assert.equal(request.headers.authorization, `Bearer ${token}`)
  const claims = verifyHs256(token, scopedKey(APP_SECRET, 'server'))
  assert.deepEqual(claims.data, { appId: APP_ID, type: 'server' })
  assert.equal(typeof claims.iat, 'number')
  assert.equal(claims.exp, undefined)
}

for (const [name, call, method, pathAndQuery, body] of NETWORK_CASES) {
  test(`${name} sends ${method} ${pathAndQuery.split('?')[0]} and resolves with the reply`, async () => {
    server.reset()
    server.reply({ status: 200, json: { ok: true, marker: name } })
    const result = await call(service)
    assert.equal(server.requests.length, 1)
    const request = server.last()
    assert.equal(request.method, method)
    assert.equal(request.url, pathAndQuery)
    assert.deepEqual(request.body, body)
    assert.equal(request.headers['content-type'], 'application/json')
    assertServerAuth(request)
    assert.deepEqual(result, { ok: true, marker: name, url: `${server.url}${pathAndQuery}` })
  })
}

test('createUser sends one user with the reference defaults', async () => {
  server.reset()
  server.reply({ status: 202, json: { jobId: 'j1', statusUrl: '/v2/users/batch/j1' } })
  const result = await service.createUser('user-1', { firstName: 'A', lastName: 'B', role: 'admin', profileImage: 'p.png' })
  const request = server.last()
  assert.equal(request.method, 'POST')
  assert.equal(request.url, '/v2/users/batch')
  assertServerAuth(request)
  assert.equal(request.body.bypassEmailConfirmation, true)
  assert.equal(request.body.usersList.length, 1)
  const [user] = request.body.usersList
  assert.match(user.email, /^[0-9a-f-]{36}@example\.com$/)
  assert.deepEqual({ ...user, email: '<random>' }, {
    uuid: 'user-1', email: '<random>', firstName: 'A', lastName: 'User', password: 'password_user-1', profileImage: 'p.png',
  })
  assert.deepEqual(result, { jobId: 'j1', statusUrl: '/v2/users/batch/j1', url: `${server.url}/v2/users/batch` })
})

test('createUser splits displayName and keeps given email and password', async () => {
  server.reset()
  await service.createUser('u9', { displayName: ' Ada  Lovelace ', email: 'ada@x.io', password: 'pw-1' })
  assert.deepEqual(server.last().body.usersList[0], {
    uuid: 'u9', email: 'ada@x.io', firstName: 'Ada', lastName: 'Lovelace', password: 'pw-1',
  })
})

test('createChatName and createChatUserJwtToken need no network', () => {
  server.reset()
  assert.equal(service.createChatName('room-1', false), 'app123_room-1')
  assert.equal(service.createChatName('room-1'), `app123_room-1${JID_DOMAIN}`)
  assert.equal(service.createChatName('room-1', true), `app123_room-1${JID_DOMAIN}`)
  const token = service.createChatUserJwtToken('user-7')
  const claims = verifyHs256(token, scopedKey(APP_SECRET, 'client'))
  assert.deepEqual(claims.data, { type: 'client', userId: 'user-7', appId: APP_ID })
  assert.equal(server.requests.length, 0)
})

test('deletes resolve gracefully on 422 "not found" text, and throw otherwise', async () => {
  server.reset()
  server.reply({ status: 422, text: 'User not found' })
  assert.deepEqual(await service.deleteUsers(['ghost']), { ok: false })
  server.reply({ status: 422, text: 'Room not found' })
  assert.deepEqual(await service.deleteChatRoom('ghost-room'), { ok: false, reason: 'Chat room not found' })
  server.reply({ status: 422, text: 'invalid list' })
  await assert.rejects(service.deleteUsers(['x']), (error) => {
    assert.equal(error.status, 422)
    assert.equal(error.response.status, 422)
    assert.equal(error.response.data, 'invalid list')
    assert.equal(error.code, 'ETHORA_HTTP')
    return true
  })
})

test('non-JSON and non-object replies come back as they are', async () => {
  server.reset()
  server.reply({ status: 200, text: 'plain text' })
  assert.equal(await service.getApp('a1'), 'plain text')
  server.reply({ status: 200, json: [1, 2] })
  assert.deepEqual(await service.listAppTokens('a1'), [1, 2])
})

test('an HTTP failure rejects with status, url and response data but no token', async () => {
  server.reset()
  server.reply({ status: 401, json: { error: 'Invalid token' } })
  const error = await service.getUsers().then(() => assert.fail('should reject'), (e) => e)
  assert.ok(error instanceof Error)
  assert.equal(error.code, 'ETHORA_HTTP')
  assert.equal(error.status, 401)
  assert.equal(error.method, 'GET')
  assert.equal(error.url, `${server.url}/v2/chats/users`)
  assert.deepEqual(error.response, { status: 401, data: { error: 'Invalid token' } })
  const token = server.last().headers['x-custom-token']
  for (const text of [error.message, error.stack, String(error), JSON.stringify(error)]) {
    assert.ok(!text.includes(token), 'token leaked')
    assert.ok(!text.includes(APP_SECRET), 'secret leaked')
  }
})

test('validation errors reject before any request is sent', async () => {
  server.reset()
  const cases = [
    [() => service.updateUsers([]), /At least 1 user/],
    [() => service.updateUsers(Array.from({ length: 101 }, (_, i) => ({ xmppUsername: `u${i}` }))), /Maximum 100 users/],
    [() => service.getUserChats(''), /userId/],
    [() => service.deleteUsers([]), /userIds/],
    [() => service.getApp('..'), /appId/],
    [() => service.getUsers({ limit: 0 }), /limit/],
    [() => service.createApp({}), /displayName/],
    [() => service.broadcastToAppChats('a', { text: 'x' }), /exactly one target/],
  ]
  for (const [call, pattern] of cases) {
    await assert.rejects(call(), (error) => {
      assert.equal(error.code, 'ETHORA_VALIDATION')
      assert.match(error.message, pattern)
      return true
    })
  }
  assert.equal(server.requests.length, 0)
})

test('hostile ids stay inside one path segment', async () => {
  server.reset()
  await service.getUserChats('../../v2/apps?x=1#f', {})
  assert.equal(server.last().url, '/v2/apps/app123/users/..%2F..%2Fv2%2Fapps%3Fx=1%23f/chats')
  await service.revokeAppToken('app 1', 'tok/1%')
  assert.equal(server.last().url, '/v2/apps/app%201/tokens/tok%2F1%25')
})
