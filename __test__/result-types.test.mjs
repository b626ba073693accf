// The local mock's answers fit the result types the methods declare: every method that
// resolves with the server's answer (and every iterator's item) is called against the mock,
// and what it resolved with is written as a literal of the method's declared result type
// into a TypeScript file that `tsc --strict` must accept (a missing field, a wrong type or a
// state outside the union fails it). The types are the same on both builds
// (edge-types.test.mjs), and so are the answers (fallback.test.mjs runs the mock suite on both).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { sdk } from './helpers/sdk.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')
const root = fileURLToPath(new URL('..', import.meta.url))

/** Calls every method against the mock once (in an order where each has something to act on). */
async function answers(chat, mock) {
  const got = {}
  const call = async (name, ...args) => (got[name] = await chat[name](...args))
  const first = async (name, ...args) => {
    for await (const item of chat[name](...args)) return (got[name] = item)
    throw new Error(`${name} yielded nothing`)
  }
  const app = (await call('createApp', { displayName: 'Typed' })).app._id
  await call('getApp', app)
  await call('listApps')
  await first('iterateApps')
  const { tokenId } = await call('createAppToken', app, { label: 'ci' })
  await call('listAppTokens', app)
  const rotated = await call('rotateAppToken', app, tokenId)
  await call('revokeAppToken', app, rotated.tokenId)
  await call('provisionApp', app, { rooms: [{ title: 'General' }] })
  await call('getAppBot', app)
  await call('updateAppBot', app, { status: 'on', prompt: 'Be brief' })
  const broadcast = await call('broadcastToAppChats', app, { text: 'hi', allRooms: true })
  await call('getAppBroadcastJob', app, broadcast.jobId)
  await call('waitForBroadcastJob', app, broadcast.jobId, { pollIntervalMs: 1 })
  await call('createUser', 'u1', { displayName: 'Ada Lovelace' })
  await call('ensureUser', 'u2')
  await call('getUsers')
  await first('iterateUsers')
  await call('getAppUserByXmppUsername', `${mock.appId}_u1`)
  await call('updateUsers', [{ xmppUsername: `${mock.appId}_u1`, firstName: 'Augusta' }, { xmppUsername: `${mock.appId}_nobody`, firstName: 'N' }])
  await call('createChatRoom', 'room')
  await call('ensureChatRoom', 'room')
  await call('grantUserAccessToChatRoom', 'room', 'u1')
  await call('ensureChatRoomMembers', 'room', ['u1', 'u2'])
  await call('getUserChats', 'u1', { includeMembers: true })
  await first('iterateUserChats', 'u1')
  await call('updateChatRoom', 'room', { title: 'Renamed' })
  await call('removeUserAccessFromChatRoom', 'room', 'u2')
  const batch = await call('createUsersInApp', app, { usersList: [{ uuid: 'c1', email: 'c1@example.com', firstName: 'C', lastName: 'One' }] })
  await call('getUsersBatchJob', app, batch.jobId)
  await call('waitForUsersBatchJob', app, batch.jobId, { pollIntervalMs: 1 })
  await call('createChatRoomInApp', app, 'lobby')
  await call('ensureChatRoomInApp', app, 'lobby')
  await call('grantUserAccessToChatRoomInApp', app, 'lobby', 'c1')
  await call('ensureChatRoomMembersInApp', app, 'lobby', 'c1')
  const chats = await call('listChatsInApp', app, { includeMembers: true })
  await first('iterateChatsInApp', app)
  await call('getUserChatsInApp', app, 'c1')
  await first('iterateUserChatsInApp', app, 'c1')
  await call('updateChatRoomInApp', app, 'lobby', { description: 'd' })
  const lobby = chats.items.find((c) => c.name === `${app}_lobby`)
  await call('getChatMessagesInApp', app, lobby._id)
  await call('removeUserAccessFromChatRoomInApp', app, 'lobby', 'c1')
  await call('deleteChatRoomInApp', app, 'lobby')
  await call('deleteUsersInApp', app, ['c1'])
  await call('deleteChatRoom', 'room')
  got.deleteChatRoomMissing = await chat.deleteChatRoom('room')
  await call('deleteUsers', ['u1', 'u2'])
  got.deleteUsersMissing = await chat.deleteUsers(['u1'])
  await call('deleteApp', app)
  return got
}

/** What the method declares it resolves with (or, for an iterator, yields). */
function declaredType(name) {
  const method = name.replace(/Missing$/, '')
  return name.startsWith('iterate')
    ? `Item<EthoraSDKService['${method}']>`
    : `Awaited<ReturnType<EthoraSDKService['${method}']>>`
}

test('every answer of the mock fits the result type its method declares', async (t) => {
  const mock = await startMockServer()
  t.after(() => mock.close())
  const got = await answers(new sdk.EthoraSDKService(mock.config), mock)

  // Every method that resolves with an answer or yields items is covered.
  const local = new Set(['createChatName', 'createChatUserJwtToken', 'toJSON', 'on', 'off', 'importUsers', 'constructor', 'free'])
  const methods = Object.getOwnPropertyNames(sdk.EthoraSDKService.prototype).filter((name) => !local.has(name) && !name.startsWith('__'))
  assert.deepEqual(methods.filter((name) => !(name in got)), [])

  const dir = mkdtempSync(join(tmpdir(), 'ethora-result-types-'))
  try {
    const lines = Object.entries(got).map(([name, value]) => `export const ${name}: ${declaredType(name)} = ${JSON.stringify(value)}`)
    writeFileSync(
      join(dir, 'answers.ts'),
      [
        `import type { EthoraSDKService } from ${JSON.stringify(join(root, 'index.js'))}`,
        'type Item<M> = M extends (...args: never[]) => AsyncIterableIterator<infer T> ? T : never',
        ...lines,
        '',
      ].join('\n'),
    )
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: [] },
        files: ['answers.ts'],
      }),
    )
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8', stdio: 'pipe' })
    } catch (error) {
      assert.fail(`a mock answer does not fit its declared type:\n${error.stdout ?? ''}${error.stderr ?? error.message}`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
