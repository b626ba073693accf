// The workspace flow an integrator's backend runs: a room, three users, access, members,
// an update, a client token for the front end (and one that expires), and clean-up. Without ETHORA_CHAT_* set it
// runs against the embedded local Ethora (ethora-mock); with them set, against the real API.
import { createRequire } from 'node:module'
import crypto from 'node:crypto'

const require = createRequire(import.meta.url)
const { EthoraSDKService, verifyJwtToken } = require('../sdk.js')
const { startMockServer } = require('../mock.js')

const ENV = ['ETHORA_CHAT_API_URL', 'ETHORA_CHAT_APP_ID', 'ETHORA_CHAT_APP_SECRET']
const useRealApi = ENV.every((name) => process.env[name])

function step(number, title) {
  console.log(`\n${number}. ${title}`)
}
function show(label, value) {
  console.log(`   ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
}

const mock = useRealApi ? null : await startMockServer()
const chat = useRealApi ? new EthoraSDKService() : new EthoraSDKService(mock.config)
console.log(useRealApi
  ? `Ethora SDK demo against ${process.env.ETHORA_CHAT_API_URL} (from ETHORA_CHAT_API_URL)`
  : `Ethora SDK demo: no ETHORA_CHAT_* variables set, so it runs against the embedded local Ethora at ${mock.url}`)

const run = crypto.randomBytes(3).toString('hex')
const roomId = `demo-room-${run}`
const people = [
  { id: `demo-${run}-ada`, displayName: 'Ada Lovelace' },
  { id: `demo-${run}-alan`, displayName: 'Alan Turing' },
  { id: `demo-${run}-grace`, displayName: 'Grace Hopper' },
]

try {
  step(1, `Create the workspace room "${roomId}"`)
  const room = await chat.createChatRoom(roomId, { title: 'Demo workspace' })
  show('room name', room.result?.name ?? chat.createChatName(roomId, false))
  show('room JID', chat.createChatName(roomId))

  step(2, 'Create three users')
  for (const person of people) {
    const created = await chat.createUser(person.id, { displayName: person.displayName, email: `${person.id}@example.com` })
    show(person.displayName, `uuid ${person.id}${created.jobId ? `, batch job ${created.jobId}` : ''}`)
  }

  step(3, 'Grant them access to the room')
  const granted = await chat.grantUserAccessToChatRoom(roomId, people.map((p) => p.id))
  show('members added', granted.members ?? people.map((p) => p.id))

  step(4, "List the room's members")
  const members = await chat.getUsers({ chatName: chat.createChatName(roomId, false) })
  for (const user of members.results ?? members.items ?? []) {
    show(user.xmppUsername, `${user.firstName} ${user.lastName}`)
  }
  // Not in the official SDK: the same listing walked page by page (two per page here).
  let page = 0
  for await (const user of chat.iterateUsers({ chatName: chat.createChatName(roomId, false), pageSize: 2 })) {
    show(`paginated #${++page}`, user.xmppUsername)
  }

  step(5, 'Update a user')
  const ada = people[0]
  const xmppUsername = `${useRealApi ? process.env.ETHORA_CHAT_APP_ID : mock.appId}_${ada.id}`
  const updated = await chat.updateUsers([{ xmppUsername, firstName: 'Augusta Ada', profileImage: 'https://example.com/ada.png' }])
  show('result', (updated.results ?? []).map((r) => `${r.xmppUsername}: ${r.status}`).join(', ') || updated)
  const [after] = (await chat.getUsers({ xmppUsername })).results ?? []
  if (after) show('now', `${after.firstName} ${after.lastName}, ${after.profileImage}`)

  step(6, 'Mint a client token for the front end')
  const token = chat.createChatUserJwtToken(ada.id)
  const [header, claims] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')))
  show('token', `${token.slice(0, 24)}… (${token.length} characters)`)
  show('header', header)
  show('claims', claims)
  // Not in the official SDK: a token that expires (here in an hour), and its check.
  const expiring = chat.createChatUserJwtToken(ada.id, { expiresIn: 3600 })
  const expiringClaims = verifyJwtToken(expiring, useRealApi ? undefined : mock.config, 'client')
  show('expiring claims', expiringClaims)
  show('valid for', `${expiringClaims.exp - expiringClaims.iat} s`)

  step(7, 'Clean up')
  show('remove access', (await chat.removeUserAccessFromChatRoom(roomId, people.map((p) => p.id))).ok ?? 'done')
  show('delete users', (await chat.deleteUsers(people.map((p) => p.id))).ok ?? 'done')
  show('delete room', (await chat.deleteChatRoom(roomId)).ok ?? 'done')
  show('delete room again (already gone)', await chat.deleteChatRoom(roomId))
  console.log('\nDone.')
} catch (error) {
  console.error(`\nThe demo failed: ${error.message}`)
  if (error.response) console.error(`   server answered ${error.status}: ${JSON.stringify(error.response.data)}`)
  process.exitCode = 1
} finally {
  await mock?.close()
}
