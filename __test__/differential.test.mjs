// The same calls through @ethora/sdk-backend (the reference) and through us, against one
// capture server: the requests on the wire and the results must be the same.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { startCaptureServer } from './helpers/capture-server.mjs'
import { serviceFor, APP_ID, APP_SECRET, claimsOf, quietly } from './helpers/sdk.mjs'
import { scopedKey, verifyHs256 } from './helpers/jwt.mjs'

const require = createRequire(import.meta.url)
let server
let ours
let reference

before(async () => {
  server = await startCaptureServer()
  process.env.ETHORA_CHAT_API_URL = server.url
  process.env.ETHORA_CHAT_APP_ID = APP_ID
  process.env.ETHORA_CHAT_APP_SECRET = APP_SECRET
  const { EthoraSDKService } = require('@ethora/sdk-backend')
  reference = await quietly(() => new EthoraSDKService())
  ours = serviceFor(server.url)
})
after(() => server.close())

/** Calls both SDKs with the same reply queued; returns both requests and outcomes. */
async function both(call, reply = { status: 200, json: { ok: true, items: [{ _id: 'x' }] } }) {
  const outcomes = []
  const requests = []
  for (const sdk of [reference, ours]) {
    server.reset()
    server.reply(reply)
    const outcome = await quietly(() => call(sdk).then(
      (value) => ({ value }),
      (error) => ({ error: { status: error.status, data: error.response?.data } }),
    ))
    outcomes.push(outcome)
    requests.push(server.requests[0])
  }
  return { requests, outcomes }
}

function normalised(request) {
  if (!request) return request
  const body = structuredClone(request.body)
  if (body?.usersList && request.url === '/v2/users/batch') {
    for (const user of body.usersList) {
      // A missing email becomes a random `<uuid v4>@example.com` on every call.
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@example\.com$/.test(user.email)) {
        user.email = '<random uuid>@example.com'
      }
    }
  }
  return {
    method: request.method,
    url: request.url,
    body,
    contentType: request.headers['content-type'],
    accept: request.headers.accept,
    hasBothAuthHeaders: request.headers.authorization === `Bearer ${request.headers['x-custom-token']}`,
  }
}

const CASES = [
  ['createUser plain', (s) => s.createUser('user-1')],
  ['createUser with names, role and extras', (s) => s.createUser('user-1', { firstName: 'A', lastName: 'B', role: 'admin', profileImage: 'p' })],
  ['createUser displayName', (s) => s.createUser('u2', { displayName: 'Ada King Lovelace', email: 'a@b.c', password: 'pw' })],
  ['createChatRoom default', (s) => s.createChatRoom('room-1')],
  ['createChatRoom README style', (s) => s.createChatRoom('room-abc-123', { title: 'Engineering', uuid: 'room-abc-123', type: 'group' })],
  ['createChatRoom extra keys', (s) => s.createChatRoom('r2', { description: 'd', isPublic: true })],
  ['grant one', (s) => s.grantUserAccessToChatRoom('room-3', 'u1')],
  ['grant many', (s) => s.grantUserAccessToChatRoom('room-3', ['u1', 'app123_u2'])],
  ['remove many', (s) => s.removeUserAccessFromChatRoom('room-5', ['u1', 'app123_u2'])],
  ['deleteUsers', (s) => s.deleteUsers(['u1'])],
  ['deleteChatRoom', (s) => s.deleteChatRoom('room-7')],
  ['updateUsers filter', (s) => s.updateUsers([{ userId: 'u1', xmppUsername: 'app123_u1', firstName: 'John', lastName: 'Doe', profileImage: 'https://cdn/p.png', email: 'e', roles: ['r'] }])],
  ['getUsers none', (s) => s.getUsers()],
  ['getUsers chatName', (s) => s.getUsers({ chatName: 'app123_room-8' })],
  ['getUsers encoded', (s) => s.getUsers({ chatName: 'a b', xmppUsername: 'u+1' })],
  ['getUsers full', (s) => s.getUsers({ chatName: 'app123_room-9', xmppUsername: 'app123_u9', userId: 'mongo-id-9', limit: 25, offset: 50 })],
  ['getUserChats', (s) => s.getUserChats('u1')],
  ['getUserChats params', (s) => s.getUserChats('u2', { limit: 10, offset: 5, includeMembers: true })],
  ['getUserChats includeMembers false', (s) => s.getUserChats('u2', { includeMembers: false })],
  ['updateChatRoom', (s) => s.updateChatRoom('room-1', { title: 'New Room 1' })],
  ['updateChatRoom prefixed', (s) => s.updateChatRoom('app123_room-2', { title: 'T', description: 'D' })],
  ['updateChatRoom JID', (s) => s.updateChatRoom('app123_room-3@conference.domain.com', { title: 'x' })],
  ['listApps', (s) => s.listApps()],
  ['listApps limit', (s) => s.listApps({ limit: 10 })],
  ['listApps full', (s) => s.listApps({ limit: 10, offset: 5, order: 'desc', orderBy: 'createdAt' })],
  ['getApp', (s) => s.getApp('app-1')],
  ['createApp', (s) => s.createApp({ displayName: 'Child', domainName: 'child', primaryColor: '#fff', extra: { a: 1 } })],
  ['deleteApp', (s) => s.deleteApp('app-1')],
  ['listAppTokens', (s) => s.listAppTokens('app-1')],
  ['createAppToken no label', (s) => s.createAppToken('app-1')],
  ['createAppToken label', (s) => s.createAppToken('app-1', { label: 'Primary token' })],
  ['revokeAppToken', (s) => s.revokeAppToken('app-1', 'tok-1')],
  ['rotateAppToken', (s) => s.rotateAppToken('app-1', 'tok-1')],
  ['rotateAppToken label', (s) => s.rotateAppToken('app-1', 'tok-1', { label: 'next' })],
  ['provisionApp none', (s) => s.provisionApp('app-1')],
  ['provisionApp rooms', (s) => s.provisionApp('app-1', { rooms: [{ title: 'General', pinned: true }] })],
  ['getAppBot', (s) => s.getAppBot('app-1')],
  ['updateAppBot', (s) => s.updateAppBot('app-1', { status: 'on', trigger: 'any_message', prompt: 'p', isRAG: true, llmProvider: 'x' })],
  ['broadcastToAppChats', (s) => s.broadcastToAppChats('app-1', { text: 'hello', chatNames: ['app-1_r1'], metadata: { k: 'v' } })],
  ['getAppBroadcastJob', (s) => s.getAppBroadcastJob('app-1', 'job-1')],
  ['getAppUserByXmppUsername', (s) => s.getAppUserByXmppUsername('app-1_user+1@example')],
  ['createUsersInApp', (s) => s.createUsersInApp('app-1', { usersList: [{ email: 'a@b.c', firstName: 'A', lastName: 'Bee' }] })],
  ['getUsersBatchJob', (s) => s.getUsersBatchJob('app-1', 'job-2')],
  ['deleteUsersInApp', (s) => s.deleteUsersInApp('app-1', ['u1', 'u2'])],
  ['createChatRoomInApp', (s) => s.createChatRoomInApp('app-1', 'room-1', { title: 'General' })],
  ['listChatsInApp', (s) => s.listChatsInApp('app-1')],
  ['listChatsInApp full', (s) => s.listChatsInApp('app-1', { limit: 20, offset: 10, includeMembers: true })],
  ['deleteChatRoomInApp', (s) => s.deleteChatRoomInApp('app-1', 'room-1')],
  ['grantInApp', (s) => s.grantUserAccessToChatRoomInApp('app-1', 'room-1', 'u1')],
  ['grantInApp many', (s) => s.grantUserAccessToChatRoomInApp('app-1', 'app-1_room-1', ['u1', 'app-1_u2'])],
  ['removeInApp', (s) => s.removeUserAccessFromChatRoomInApp('app-1', 'room-1', ['u1'])],
  ['getUserChatsInApp', (s) => s.getUserChatsInApp('app-1', 'u1', { limit: 5 })],
  ['updateChatRoomInApp', (s) => s.updateChatRoomInApp('app-1', 'room-1', { title: 'T' })],
]

for (const [name, call] of CASES) {
  test(`same request and result: ${name}`, async () => {
    const { requests, outcomes } = await both(call)
    const [theirs, mine] = requests.map(normalised)
    assert.ok(theirs, 'the reference sent a request')
    assert.deepEqual(mine, theirs)
    assert.ok(mine.hasBothAuthHeaders)
    assert.deepEqual(outcomes[1], outcomes[0])
    // Both tokens verify with the server scoped key and carry the same claims but `iat`.
    const [refClaims, ourClaims] = requests.map((r) => verifyHs256(r.headers['x-custom-token'], scopedKey(APP_SECRET, 'server')))
    assert.deepEqual({ ...ourClaims, iat: 0 }, { ...refClaims, iat: 0 })
  })
}

test('same results for graceful not-found deletes and for failures', async () => {
  for (const [call, reply] of [
    [(s) => s.deleteUsers(['ghost']), { status: 422, text: 'User not found' }],
    [(s) => s.deleteChatRoom('ghost'), { status: 422, text: 'Room not found' }],
    [(s) => s.deleteChatRoom('x'), { status: 500, json: { error: 'boom' } }],
    [(s) => s.getUsers(), { status: 403, json: { code: 'APP_ARCHIVED' } }],
    [(s) => s.getApp('a'), { status: 200, text: 'plain' }],
    [(s) => s.listApps(), { status: 200, json: [{ _id: 'a' }] }],
  ]) {
    const { outcomes } = await both(call, reply)
    if (Array.isArray(outcomes[0].value)) {
      // The reference hangs a `url` property on arrays; we leave arrays alone.
      assert.deepEqual(outcomes[1].value, [...outcomes[0].value])
    } else {
      assert.deepEqual(outcomes[1], outcomes[0])
    }
  }
})

test('client tokens cross-verify between the two SDKs', async () => {
  const refSdk = require('@ethora/sdk-backend')
  const ourSdk = require('../index.js')
  const fromUs = ours.createChatUserJwtToken('user-42')
  const fromThem = await quietly(() => reference.createChatUserJwtToken('user-42'))
  const verifiedByThem = await quietly(() => refSdk.verifyJwtToken(fromUs))
  assert.deepEqual(verifiedByThem.data, { type: 'client', userId: 'user-42', appId: APP_ID })
  const verifiedByUs = ourSdk.verifyJwtToken(fromThem)
  assert.deepEqual(verifiedByUs.data, { type: 'client', userId: 'user-42', appId: APP_ID })
  assert.deepEqual(claimsOf(fromUs).data, claimsOf(fromThem).data)
  // Server tokens too, through the free functions.
  const serverFromUs = ourSdk.createServerToken()
  assert.deepEqual((await quietly(() => refSdk.verifyJwtToken(serverFromUs))).data, { appId: APP_ID, type: 'server' })
  const serverFromThem = await quietly(() => refSdk.createServerToken())
  assert.deepEqual(ourSdk.verifyJwtToken(serverFromThem, undefined, 'server').data, { appId: APP_ID, type: 'server' })
  const clientFree = ourSdk.createClientToken('u5')
  assert.deepEqual((await quietly(() => refSdk.verifyJwtToken(clientFree))).data, { type: 'client', userId: 'u5', appId: APP_ID })
})
