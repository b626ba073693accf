// Every SDK method against the stateful local Ethora (ethora-mock): each test checks the
// state change or the data that came back, not only the status.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { sdk } from './helpers/sdk.mjs'
import { scopedKey, verifyHs256 } from './helpers/jwt.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')

let mock
let chat
let A

before(async () => {
  mock = await startMockServer()
  chat = new sdk.EthoraSDKService(mock.config)
  A = mock.appId
})
after(() => mock.close())

async function appState(appId = A) {
  return (await mock.state()).apps[appId]
}

function serverToken() {
  return sdk.createServerToken({ chatAppId: mock.appId, chatAppSecret: mock.appSecret })
}

/** A raw GET with a valid server token (for routes the SDK has no method for). */
async function rawGet(route) {
  const response = await fetch(`${mock.url}${route}`, { headers: { 'x-custom-token': serverToken() } })
  return { status: response.status, body: await response.json() }
}

async function rejectsWith(promise, status, pattern) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.status, status)
    if (pattern) assert.match(JSON.stringify(error.response.data), pattern)
    return true
  })
}

test('the mock refuses missing, wrongly signed and wrong-purpose tokens with 401', async () => {
  const wrongSecret = new sdk.EthoraSDKService({ ...mock.config, chatAppSecret: 'not-the-secret' })
  await rejectsWith(wrongSecret.getUsers(), 401, /signature/)
  const clientToken = sdk.createClientToken('u1', mock.config)
  for (const headers of [
    {},
    { 'x-custom-token': clientToken },
    { authorization: `Bearer ${clientToken}` },
    { 'x-custom-token': 'not.a.jwt' },
  ]) {
    const response = await fetch(`${mock.url}/v2/chats/users`, { headers })
    assert.equal(response.status, 401, JSON.stringify(Object.keys(headers)))
  }
  // Authorization: Bearer alone, and a Bearer-prefixed x-custom-token, are accepted.
  for (const headers of [{ authorization: `Bearer ${serverToken()}` }, { 'x-custom-token': `Bearer ${serverToken()}` }]) {
    assert.equal((await fetch(`${mock.url}/v2/chats/users`, { headers })).status, 200)
  }
})

test('createChatRoom creates the room; a second create is refused', async () => {
  const created = await chat.createChatRoom('room-1', { title: 'Engineering', description: 'Team room' })
  assert.equal(created.result.name, `${A}_room-1`)
  const { chats } = await appState()
  assert.deepEqual(chats.map((c) => [c.name, c.title, c.type, c.description]), [[`${A}_room-1`, 'Engineering', 'group', 'Team room']])
  await rejectsWith(chat.createChatRoom('room-1'), 422, /already exists/)
})

test('a create of what already exists is ETHORA_CONFLICT with its 422; any other 422 stays ETHORA_HTTP', async (t) => {
  // A mock of its own: the other tests count the apps and rooms of theirs.
  const own = await startMockServer()
  t.after(() => own.close())
  const chat = new sdk.EthoraSDKService(own.config)
  const app = (await chat.createApp({ displayName: 'Conflicts' })).app._id
  await chat.createUser('taken-user')
  await chat.createChatRoom('taken-room')
  await chat.createChatRoomInApp(app, 'taken-room')
  const creates = [() => chat.createUser('taken-user'), () => chat.createChatRoom('taken-room'), () => chat.createChatRoomInApp(app, 'taken-room')]
  for (const create of creates) {
    await assert.rejects(create(), (error) => {
      assert.ok(error instanceof sdk.EthoraError)
      assert.equal(error.code, 'ETHORA_CONFLICT')
      assert.equal(error.status, 422)
      assert.equal(error.retryable, false)
      assert.match(error.responseBody.error, /already exists/)
      return true
    })
  }
  await assert.rejects(chat.grantUserAccessToChatRoom('taken-room', 'nobody-here'), (error) => error.code === 'ETHORA_HTTP' && error.status === 422)
  assert.deepEqual((await own.state()).apps[app].chats.map((c) => c.name), [`${app}_taken-room`])
})

test('createUser creates users; a second create of a uuid is refused with 422', async () => {
  for (const [id, name] of [['u1', 'Ada Lovelace'], ['u2', 'Alan Turing'], ['u3', 'Grace Hopper']]) {
    const reply = await chat.createUser(id, { displayName: name, email: `${id}@example.com` })
    assert.match(reply.jobId, /^[0-9a-f-]{36}$/)
  }
  const { users } = await appState()
  assert.deepEqual(users.map((u) => [u.xmppUsername, u.firstName, u.lastName]), [
    [`${A}_u1`, 'Ada', 'Lovelace'], [`${A}_u2`, 'Alan', 'Turing'], [`${A}_u3`, 'Grace', 'Hopper'],
  ])
  assert.ok(users.every((u) => !('password' in u)))
  await rejectsWith(chat.createUser('u1'), 422, /already exists: u1/)
  const reply = await chat.createUser('u4')
  const states = []
  for (let i = 0; i < 3; i++) states.push((await rawGet(reply.statusUrl)).body)
  assert.deepEqual(states.map((s) => s.state), ['pending', 'running', 'completed'])
  assert.equal(states[2].result.results[0].status, 'created')
  await chat.deleteUsers(['u4'])
})

test('ensureUser, ensureChatRoom(InApp): created once, found after, and both of two at once succeed', async (t) => {
  const own = await startMockServer()
  t.after(() => own.close())
  const chat = new sdk.EthoraSDKService(own.config)
  const app = (await chat.createApp({ displayName: 'Ensures' })).app._id
  const users = async () => (await own.state()).apps[own.appId].users.map((u) => u.uuid).sort()
  const rooms = async (appId) => (await own.state()).apps[appId].chats.map((c) => c.name).sort()

  const first = await chat.ensureUser('e1', { email: 'e1@example.com' })
  assert.equal(first.created, true)
  assert.match(first.response.jobId, /^[0-9a-f-]{36}$/)
  assert.deepEqual(await chat.ensureUser('e1', { email: 'e1@example.com' }), { created: false })
  const racedUsers = await Promise.all([chat.ensureUser('e2'), chat.ensureUser('e2')])
  assert.deepEqual(racedUsers.map((r) => r.created).sort(), [false, true])
  assert.deepEqual(await users(), ['e1', 'e2'])

  const room = await chat.ensureChatRoom('r1', { title: 'Room one' })
  assert.equal(room.created, true)
  assert.equal(room.response.result.name, `${own.appId}_r1`)
  assert.deepEqual(await chat.ensureChatRoom('r1', { title: 'Renamed?' }), { created: false })
  const racedRooms = await Promise.all([chat.ensureChatRoom('r2'), chat.ensureChatRoom('r2')])
  assert.deepEqual(racedRooms.map((r) => r.created).sort(), [false, true])
  assert.deepEqual(await rooms(own.appId), [`${own.appId}_r1`, `${own.appId}_r2`])
  assert.equal((await own.state()).apps[own.appId].chats.find((c) => c.name === `${own.appId}_r1`).title, 'Room one')

  assert.equal((await chat.ensureChatRoomInApp(app, 'r1')).created, true)
  assert.deepEqual(await chat.ensureChatRoomInApp(app, 'r1'), { created: false })
  const racedInApp = await Promise.all([chat.ensureChatRoomInApp(app, 'r3'), chat.ensureChatRoomInApp(app, 'r3')])
  assert.deepEqual(racedInApp.map((r) => r.created).sort(), [false, true])
  assert.deepEqual(await rooms(app), [`${app}_r1`, `${app}_r3`])

  // Other failures reject as the create method's do; a bad argument sends nothing.
  await own.clearRequests()
  await assert.rejects(chat.ensureChatRoom('  '), (error) => error.code === 'ETHORA_VALIDATION' && error.argument === 'chatId')
  await own.fault({ type: 'status', status: 400, body: { error: 'usersList is invalid' } }, { path: '/v2/users/batch' })
  await assert.rejects(chat.ensureUser('e9'), (error) => error.code === 'ETHORA_HTTP' && error.status === 400)
  assert.deepEqual((await own.requests()).map((r) => r.path), ['/v2/users/batch'])
  assert.deepEqual(await users(), ['e1', 'e2'])
})

test('ensureChatRoomMembers(InApp) grants only the missing members, and both of two at once succeed', async (t) => {
  const own = await startMockServer()
  t.after(() => own.close())
  const chat = new sdk.EthoraSDKService(own.config)
  for (const id of ['m1', 'm2', 'm3']) await chat.createUser(id)
  await chat.createChatRoom('team')
  const members = async (appId, room) => (await own.state()).apps[appId].chats.find((c) => c.name === `${appId}_${room}`).members.map((m) => m.xmppUsername).sort()

  assert.deepEqual(await chat.ensureChatRoomMembers('team', ['m1', 'm2']), { created: true, added: ['m1', 'm2'], present: [] })
  assert.deepEqual(await chat.ensureChatRoomMembers('team', [`${own.appId}_m1`, 'm3']), { created: true, added: ['m3'], present: [`${own.appId}_m1`] })
  await own.clearRequests()
  assert.deepEqual(await chat.ensureChatRoomMembers('team', 'm2'), { created: false, added: [], present: ['m2'] })
  // Only the read of the members went out.
  assert.deepEqual((await own.requests()).map((r) => `${r.method} ${r.path}?${r.query}`), [`GET /v2/chats/users?chatName=${own.appId}_team&limit=500&offset=0`])
  assert.deepEqual(await members(own.appId, 'team'), ['m1', 'm2', 'm3'].map((u) => `${own.appId}_${u}`))

  await chat.createChatRoom('pair')
  const raced = await Promise.all([chat.ensureChatRoomMembers('pair', ['m1', 'm2']), chat.ensureChatRoomMembers('pair', ['m2', 'm3'])])
  assert.ok(raced.every((r) => r.added.length + r.present.length === 2), JSON.stringify(raced))
  assert.deepEqual(await members(own.appId, 'pair'), ['m1', 'm2', 'm3'].map((u) => `${own.appId}_${u}`))
  await assert.rejects(chat.ensureChatRoomMembers('no-such-room', 'm1'), (error) => error.code === 'ETHORA_HTTP' && error.status === 404)
  await assert.rejects(chat.ensureChatRoomMembers('team', []), (error) => error.code === 'ETHORA_VALIDATION')
  // A conflict answer to the grant: the members are read again, and one still missing makes it the error.
  await chat.createUser('m4')
  await own.fault({ type: 'status', status: 422, body: { error: 'Member already exists' } }, { path: '/v2/chats/users-access' })
  await own.clearRequests()
  await assert.rejects(chat.ensureChatRoomMembers('team', ['m1', 'm4']), (error) => error.code === 'ETHORA_CONFLICT')
  assert.deepEqual((await own.requests()).map((r) => `${r.method} ${r.path}`), ['GET /v2/chats/users', 'POST /v2/chats/users-access', 'GET /v2/chats/users'])

  const app = (await chat.createApp({ displayName: 'Members' })).app._id
  const job = await chat.createUsersInApp(app, { usersList: ['c1', 'c2'].map((uuid) => ({ uuid, email: `${uuid}@example.com`, firstName: 'C', lastName: 'User' })) })
  await chat.waitForUsersBatchJob(app, job.jobId, { pollIntervalMs: 1 })
  for (const room of ['a', 'b']) await chat.createChatRoomInApp(app, room)
  assert.deepEqual(await chat.ensureChatRoomMembersInApp(app, 'b', ['c1']), { created: true, added: ['c1'], present: [] })
  assert.deepEqual(await chat.ensureChatRoomMembersInApp(app, 'b', ['c1', 'c2']), { created: true, added: ['c2'], present: ['c1'] })
  assert.deepEqual(await chat.ensureChatRoomMembersInApp(app, 'b', 'c2'), { created: false, added: [], present: ['c2'] })
  assert.deepEqual(await members(app, 'b'), [`${app}_c1`, `${app}_c2`])
  assert.deepEqual(await members(app, 'a'), [])
})

test('grant, list members, remove', async () => {
  const granted = await chat.grantUserAccessToChatRoom('room-1', ['u1', 'u2', 'u3'])
  assert.deepEqual(granted.members, [`${A}_u1`, `${A}_u2`, `${A}_u3`])
  const members = await chat.getUsers({ chatName: chat.createChatName('room-1', false) })
  assert.equal(members.total, 3)
  assert.deepEqual(members.results.map((u) => u.xmppUsername).sort(), [`${A}_u1`, `${A}_u2`, `${A}_u3`])
  await chat.removeUserAccessFromChatRoom('room-1', 'u3')
  const after = await chat.getUsers({ chatName: `${A}_room-1` })
  assert.deepEqual(after.results.map((u) => u.xmppUsername).sort(), [`${A}_u1`, `${A}_u2`])
  await rejectsWith(chat.grantUserAccessToChatRoom('room-1', 'nobody'), 422, /User not found/)
})

test('getUsers filters and pages', async () => {
  const all = await chat.getUsers()
  assert.equal(all.total, 3)
  const page = await chat.getUsers({ limit: 2, offset: 1 })
  assert.deepEqual(page.results.map((u) => u.uuid), ['u2', 'u3'])
  const one = await chat.getUsers({ xmppUsername: `${A}_u2` })
  assert.deepEqual(one.results.map((u) => u.firstName), ['Alan'])
  const byId = await chat.getUsers({ userId: 'u3' })
  assert.deepEqual(byId.results.map((u) => u.lastName), ['Hopper'])
})

test('updateUsers changes names and reports unknown users', async () => {
  const reply = await chat.updateUsers([
    { xmppUsername: `${A}_u1`, firstName: 'Augusta', profileImage: 'https://cdn/a.png' },
    { xmppUsername: `${A}_ghost`, firstName: 'Nobody' },
  ])
  assert.deepEqual(reply.results.map((r) => r.status), ['updated', 'not-found'])
  const { results } = await chat.getUsers({ xmppUsername: `${A}_u1` })
  assert.equal(results[0].firstName, 'Augusta')
  assert.equal(results[0].profileImage, 'https://cdn/a.png')
})

test('getUserChats lists the rooms of a user with members', async () => {
  const { chats, total } = await chat.getUserChats('u1', { includeMembers: true })
  assert.equal(total, 1)
  assert.equal(chats[0].name, `${A}_room-1`)
  assert.deepEqual(chats[0].members.map((m) => m.xmppUsername).sort(), [`${A}_u1`, `${A}_u2`])
  const none = await chat.getUserChats('u3')
  assert.equal(none.total, 0)
})

test('updateChatRoom changes title and description', async () => {
  await chat.updateChatRoom('room-1', { title: 'Platform', description: 'Renamed' })
  const [room] = (await appState()).chats
  assert.deepEqual([room.title, room.description], ['Platform', 'Renamed'])
  await chat.updateChatRoom(`${A}_room-1@conference.xmpp.chat.ethora.com`, { title: 'By JID' })
  assert.equal((await appState()).chats[0].title, 'By JID')
})

test('getAppUserByXmppUsername finds a user or rejects with USER_NOT_FOUND', async () => {
  const { result } = await chat.getAppUserByXmppUsername(`${A}_u2`)
  assert.equal(result.firstName, 'Alan')
  await rejectsWith(chat.getAppUserByXmppUsername(`${A}_ghost`), 404, /USER_NOT_FOUND/)
})

test('deleteUsers and deleteChatRoom delete, then resolve gracefully when repeated', async () => {
  const deleted = await chat.deleteUsers(['u3'])
  assert.deepEqual(deleted.deleted, ['u3'])
  assert.deepEqual((await appState()).users.map((u) => u.uuid), ['u1', 'u2'])
  assert.deepEqual(await chat.deleteUsers(['u3']), { ok: false })
  await chat.deleteChatRoom('room-1')
  assert.deepEqual((await appState()).chats, [])
  assert.deepEqual(await chat.deleteChatRoom('room-1'), { ok: false, reason: 'Chat room not found' })
})

let child
test('createApp, listApps, getApp', async () => {
  const created = await chat.createApp({ displayName: 'Tenant B', appTagline: 'child' })
  child = created.app._id
  assert.match(child, /^[0-9a-f]{24}$/)
  const listed = await chat.listApps({ limit: 10, order: 'desc', orderBy: 'createdAt' })
  assert.deepEqual(listed.items.map((a) => a.displayName), ['Tenant B'])
  const fetched = await chat.getApp(child)
  assert.equal(fetched.result.appTagline, 'child')
  assert.equal(typeof fetched.result.appToken, 'string')
})

test('app tokens: create, list, rotate, revoke', async () => {
  const first = await chat.createAppToken(child, { label: 'Primary token' })
  assert.equal(typeof first.token, 'string')
  const unlabeled = await chat.createAppToken(child)
  assert.equal(unlabeled.label, null)
  const rotated = await chat.rotateAppToken(child, first.tokenId)
  assert.notEqual(rotated.tokenId, first.tokenId)
  assert.equal(rotated.label, 'Primary token')
  await chat.revokeAppToken(child, unlabeled.tokenId)
  const { items } = await chat.listAppTokens(child)
  const status = Object.fromEntries(items.map((t) => [t.tokenId, t.status]))
  assert.deepEqual(status, { [first.tokenId]: 'revoked', [unlabeled.tokenId]: 'revoked', [rotated.tokenId]: 'active' })
  assert.ok(items.every((t) => !('token' in t)), 'secrets are never listed')
  await rejectsWith(chat.revokeAppToken(child, unlabeled.tokenId), 404)
})

test('bot: not initialised until provisioned, then updatable', async () => {
  await rejectsWith(chat.updateAppBot(child, { status: 'on' }), 422, /BOT_NOT_INITIALIZED/)
  assert.equal((await chat.getAppBot(child)).initialized, false)
  const provisioned = await chat.provisionApp(child, { rooms: [{ title: 'General', pinned: true }, { title: 'Random' }] })
  assert.deepEqual(provisioned.rooms.map((r) => [r.title, r.pinned]), [['General', true], ['Random', false]])
  await chat.updateAppBot(child, { status: 'on', trigger: 'any_message', prompt: 'Be kind', isRAG: true })
  const bot = await chat.getAppBot(child)
  assert.deepEqual([bot.result.status, bot.result.trigger, bot.result.prompt, bot.result.isRAG], ['on', 'any_message', 'Be kind', true])
})

test('broadcast job moves through pending, running, completed', async () => {
  const { jobId } = await chat.broadcastToAppChats(child, { text: 'Hello all', allRooms: true })
  const states = []
  for (let i = 0; i < 3; i++) states.push(await chat.getAppBroadcastJob(child, jobId))
  assert.deepEqual(states.map((s) => s.state), ['pending', 'running', 'completed'])
  assert.equal(states[2].result.results.length, 2)
  assert.ok(states[2].result.results.every((r) => r.status === 'sent'))
  await rejectsWith(chat.getAppBroadcastJob(child, 'no-such-job'), 404)
})

test('app-scoped users and chats', async () => {
  const batch = await chat.createUsersInApp(child, {
    bypassEmailConfirmation: true,
    usersList: [
      { uuid: 'b1', email: 'b1@x.io', firstName: 'Bea', lastName: 'One' },
      { uuid: 'b2', email: 'b2@x.io', firstName: 'Bo', lastName: 'Two' },
    ],
  })
  assert.equal(batch.statusUrl, `/v2/apps/${child}/users/batch/${batch.jobId}`)
  let job
  do job = await chat.getUsersBatchJob(child, batch.jobId)
  while (job.state !== 'completed')
  assert.deepEqual(job.result.results.map((r) => [r.status, r.xmppUsername]), [['created', `${child}_b1`], ['created', `${child}_b2`]])

  const room = await chat.createChatRoomInApp(child, 'ops', { title: 'Ops' })
  assert.equal(room.result.name, `${child}_ops`)
  await chat.grantUserAccessToChatRoomInApp(child, 'ops', ['b1', 'b2'])
  const listed = await chat.listChatsInApp(child, { includeMembers: true })
  const ops = listed.items.find((c) => c.name === `${child}_ops`)
  assert.deepEqual(ops.members.map((m) => m.xmppUsername), [`${child}_b1`, `${child}_b2`])
  await chat.removeUserAccessFromChatRoomInApp(child, `${child}_ops`, `${child}_b2`)
  const b1Chats = await chat.getUserChatsInApp(child, 'b1')
  const b2Chats = await chat.getUserChatsInApp(child, 'b2')
  assert.deepEqual([b1Chats.total, b2Chats.total], [1, 0])
  await chat.updateChatRoomInApp(child, 'ops', { title: 'Operations' })
  assert.equal((await appState(child)).chats.find((c) => c.uuid === 'ops').title, 'Operations')
  await chat.deleteChatRoomInApp(child, 'ops')
  assert.ok(!(await appState(child)).chats.some((c) => c.uuid === 'ops'))
  assert.deepEqual(await chat.deleteChatRoomInApp(child, 'ops'), { ok: false, reason: 'Chat room not found' })
  await chat.deleteUsersInApp(child, ['b1', 'b2'])
  assert.deepEqual((await appState(child)).users, [])
  assert.deepEqual(await chat.deleteUsersInApp(child, ['b1']), { ok: false })
})

test('deleteApp removes the child app', async () => {
  await chat.deleteApp(child)
  assert.deepEqual((await chat.listApps()).items, [])
  await rejectsWith(chat.getApp(child), 404)
})

test('client tokens from the SDK verify with the mock app secret', () => {
  const token = chat.createChatUserJwtToken('u1')
  assert.deepEqual(verifyHs256(token, scopedKey(mock.appSecret, 'client')).data, { type: 'client', userId: 'u1', appId: A })
})
