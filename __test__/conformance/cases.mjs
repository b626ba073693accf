// The conformance table: argument cases run through the official SDK and both of our builds
// by __test__/conformance.test.mjs. Each case names a method of the service (`call`) or a
// module function (`fn`), makes its arguments fresh (`args`: some hold getters or state), and
// says what must happen (`expect`):
//   'wire'     a network call: both builds send exactly the request the official SDK sends
//   'same'     a local function: both builds return what the official SDK returns (tokens:
//              the same claims but `iat`); where the official SDK throws, both builds throw
//   'refused'  both builds refuse with ETHORA_VALIDATION naming `argument` and send nothing;
//              with `row`, the official SDK does something else and `row` is a phrase of the
//              README's deliberate-differences row that allows it; without `row`, the official
//              SDK sends nothing either (it throws before sending)
//   'differs'  both builds send the same request, another than the official SDK's; `row` as above
const cyclic = () => {
  const value = { a: 1 }
  value.self = value
  return value
}
const ROW = {
  blank: 'Blank ids, `.`/`..` ids, empty id lists',
  id: 'Any value is an id, written with `String()`',
  surrogate: 'A string holding a lone UTF-16 surrogate',
  object: 'An object argument that is not an object is sent as it is',
  range: '`limit`/`offset` out of range',
  nullQuery: 'send `limit=null`, `offset=null`',
  prefix: 'An id already carrying `{appId}_` is never prefixed again',
  rawPath: 'Ids are pasted into URL paths raw',
  lastName: '`createUser` drops a `lastName` given without a `firstName`',
  roomDefaults: 'A different `roomData.uuid` is a validation error; null/empty `title`/`type` keep the defaults',
  updateUserId: '`updateUsers` turns a `{ userId }`-only entry into `{}`',
  broadcast: 'broadcasts without `text` or with zero or several targets',
  createApp: '`createApp` without `displayName`',
  batch: '`updateUsers` or `createUsersInApp` with no users or more than 100',
  serverToken: "`createServerToken`'s `options.appId` / `tenantId`",
  secrets: '`getSecrets()` caches its first answer',
  numbers: 'JSON numbers written by `JSON.stringify`',
}

export const cases = [
  // createUser: defaults and pass-through as the official SDK's, values the server judges.
  { call: 'createUser', args: () => ['u1'], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', null], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { firstName: 'A', lastName: 'B', role: 'admin', profileImage: 'p' }], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { firstName: 123, lastName: 'Doe' }], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { firstName: 'A', lastName: 42 }], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { firstName: 'A', lastName: ['a'] }], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { firstName: 'A', lastName: 'é' }], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { displayName: '  Ada  King Lovelace ' }], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { displayName: 'Ada\u3000Lovelace\uFEFF' }], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { email: 7, password: true, firstName: 'A' }], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { email: '', password: 0, firstName: 'A' }], expect: 'wire' },
  {
    call: 'createUser',
    args: () => ['u1', { firstName: 'A', extra: { nested: [1, null, 'x', undefined] }, date: new Date(0), fn() {}, skip: undefined, n: NaN, inf: -Infinity, zero: -0, map: new Map([[1, 2]]), [Symbol('k')]: 1 }],
    expect: 'wire',
  },
  { call: 'createUser', args: () => ['u1', Object.assign(Object.create({ inherited: 'no' }), { own: 'yes', firstName: 'A' })], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { firstName: 'A', big: 1e300, small: 1e-300, third: 1 / 3, tiny: 1e-7 }], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { firstName: 'A', huge: 1e20 }], expect: 'wire', spelling: ROW.numbers },
  { call: 'createUser', args: () => [42], expect: 'wire' },
  { call: 'createUser', args: () => [1.5], expect: 'wire' },
  { call: 'createUser', args: () => ['u1', { lastName: 'Doe' }], expect: 'differs', row: ROW.lastName },
  { call: 'createUser', args: () => ['u1', { displayName: 5 }], expect: 'refused', argument: 'userData.displayName' },
  { call: 'createUser', args: () => ['u1', { firstName: 'A', n: 10n }], expect: 'refused', argument: 'userData' },
  { call: 'createUser', args: () => ['u1', cyclic()], expect: 'refused', argument: 'userData' },
  { call: 'createUser', args: () => [''], expect: 'refused', argument: 'userId', row: ROW.blank },
  { call: 'createUser', args: () => [null], expect: 'refused', argument: 'userId', row: ROW.id },
  { call: 'createUser', args: () => [{ id: 'u1' }], expect: 'refused', argument: 'userId', row: ROW.id },
  { call: 'createUser', args: () => [new Date(0)], expect: 'refused', argument: 'userId', row: ROW.id },
  { call: 'createUser', args: () => [NaN], expect: 'refused', argument: 'userId', row: ROW.id },
  { call: 'createUser', args: () => ['\uD800'], expect: 'refused', argument: 'userId', row: ROW.surrogate },
  { call: 'createUser', args: () => ['u1', 'ab'], expect: 'refused', argument: 'userData', row: ROW.object },

  // createChatRoom: defaults, extra keys (null ones too), numeric ids.
  { call: 'createChatRoom', args: () => ['r1'], expect: 'wire' },
  { call: 'createChatRoom', args: () => ['r1', { title: 'T', description: 'd', isPublic: true, n: null }], expect: 'wire' },
  { call: 'createChatRoom', args: () => ['room-abc-123', { title: 'Engineering', uuid: 'room-abc-123', type: 'group' }], expect: 'wire' },
  { call: 'createChatRoom', args: () => [7, { title: 'T' }], expect: 'wire' },
  { call: 'createChatRoom', args: () => ['r1', { uuid: 'other' }], expect: 'refused', argument: 'roomData.uuid', row: ROW.roomDefaults },
  { call: 'createChatRoom', args: () => ['r1', { title: '' }], expect: 'differs', row: ROW.roomDefaults },

  // Access grants: one id, several, numbers; prefixes.
  { call: 'grantUserAccessToChatRoom', args: () => ['room-3', 'u1'], expect: 'wire' },
  { call: 'grantUserAccessToChatRoom', args: () => ['room-3', ['u1', 'app123_u2']], expect: 'wire' },
  { call: 'grantUserAccessToChatRoom', args: () => ['room-3', 5], expect: 'wire' },
  { call: 'grantUserAccessToChatRoom', args: () => ['room-3', [5, 'u2']], expect: 'wire' },
  { call: 'grantUserAccessToChatRoom', args: () => ['room-3', []], expect: 'refused', argument: 'userId', row: ROW.blank },
  { call: 'grantUserAccessToChatRoom', args: () => ['room-3', [null]], expect: 'refused', argument: 'userId', row: ROW.id },
  { call: 'grantUserAccessToChatRoom', args: () => ['app123_room', 'u1'], expect: 'differs', row: ROW.prefix },
  { call: 'removeUserAccessFromChatRoom', args: () => ['room-5', ['u1', 'app123_u2']], expect: 'wire' },

  { call: 'deleteUsers', args: () => [['u1']], expect: 'wire' },
  { call: 'deleteUsers', args: () => [['u1', 2]], expect: 'wire' },
  { call: 'deleteUsers', args: () => [[]], expect: 'refused', argument: 'userIds', row: ROW.blank },
  { call: 'deleteUsers', args: () => ['u1'], expect: 'refused', argument: 'userIds' },
  { call: 'deleteChatRoom', args: () => ['room-7'], expect: 'wire' },

  { call: 'updateUsers', args: () => [[{ userId: 'u1', xmppUsername: 'app123_u1', firstName: 'John', lastName: 'Doe', profileImage: 'p', email: 'e', roles: ['r'] }]], expect: 'wire' },
  { call: 'updateUsers', args: () => [[{ xmppUsername: 'app123_u1', firstName: 5, username: '' }]], expect: 'wire' },
  { call: 'updateUsers', args: () => [[]], expect: 'refused', argument: 'users' },
  { call: 'updateUsers', args: () => [[{ userId: 'u1' }]], expect: 'differs', row: ROW.updateUserId },

  // getUsers: the official query rules, values of any type as their String().
  { call: 'getUsers', args: () => [], expect: 'wire' },
  { call: 'getUsers', args: () => [null], expect: 'wire' },
  { call: 'getUsers', args: () => [{ chatName: 'app123_room-8' }], expect: 'wire' },
  { call: 'getUsers', args: () => [{ chatName: 'a b', xmppUsername: 'u+1' }], expect: 'wire' },
  { call: 'getUsers', args: () => [{ offset: 50, limit: 25, userId: 'mongo-id-9', xmppUsername: 'app123_u9', chatName: 'app123_room-9' }], expect: 'wire' },
  { call: 'getUsers', args: () => [{ chatName: 5, xmppUsername: 0, userId: true, extra: 'not sent' }], expect: 'wire' },
  { call: 'getUsers', args: () => [{ chatName: ['a', 'b'], xmppUsername: new Date(0) }], expect: 'wire' },
  { call: 'getUsers', args: () => [{ chatName: [], userId: NaN }], expect: 'wire' },
  { call: 'getUsers', args: () => [{ limit: '10', offset: '0' }], expect: 'wire' },
  { call: 'getUsers', args: () => [{ chatName: 'x', filter: { a: 1 } }], expect: 'wire' },
  { call: 'getUsers', args: () => [{ limit: 0 }], expect: 'refused', argument: 'params.limit', row: ROW.range },
  { call: 'getUsers', args: () => [{ limit: 'ten' }], expect: 'refused', argument: 'params.limit', row: ROW.range },
  { call: 'getUsers', args: () => [{ limit: null }], expect: 'differs', row: ROW.nullQuery },
  { call: 'getUsers', args: () => ['abc'], expect: 'refused', argument: 'params', row: ROW.object },

  { call: 'getUserChats', args: () => ['u1'], expect: 'wire' },
  { call: 'getUserChats', args: () => ['u2', { limit: 10, offset: 5, includeMembers: true }], expect: 'wire' },
  { call: 'getUserChats', args: () => ['u2', { includeMembers: false, other: 1 }], expect: 'wire' },
  { call: 'getUserChats', args: () => ['u2', { includeMembers: 'true' }], expect: 'wire' },
  { call: 'getUserChats', args: () => [42], expect: 'wire' },
  { call: 'getUserChats', args: () => ['u/1'], expect: 'differs', row: ROW.rawPath },

  // updateChatRoom: the update object as given.
  { call: 'updateChatRoom', args: () => ['room-1', { title: 'New Room 1' }], expect: 'wire' },
  { call: 'updateChatRoom', args: () => ['room-1', { title: 'T', description: 'D', picture: 'p.png' }], expect: 'wire' },
  { call: 'updateChatRoom', args: () => ['room-1', { title: 7, pinned: true }], expect: 'wire' },
  { call: 'updateChatRoom', args: () => ['app123_room-3@conference.domain.com', { title: 'x' }], expect: 'wire' },
  { call: 'updateChatRoom', args: () => ['room-1'], expect: 'refused', argument: 'updateData', row: ROW.object },
  { call: 'updateChatRoomInApp', args: () => ['app-1', 'room-1', { title: 'T', picture: 'p.png' }], expect: 'wire' },

  // listApps / listChatsInApp: URLSearchParams over every key.
  { call: 'listApps', args: () => [], expect: 'wire' },
  { call: 'listApps', args: () => [{ limit: 5, search: 'x' }], expect: 'wire' },
  { call: 'listApps', args: () => [{ limit: 10, offset: 5, order: 'desc', orderBy: 'createdAt' }], expect: 'wire' },
  { call: 'listApps', args: () => [{ order: 'DESC', tags: ['a', 'b'], flag: true, none: null, skipped: undefined }], expect: 'wire' },
  { call: 'listApps', args: () => [{ nan: NaN, big: 10n, object: {}, symbol: Symbol('q'), date: new Date(0), space: 'a b+c' }], expect: 'wire' },
  { call: 'listApps', args: () => [{ limit: 201 }], expect: 'refused', argument: 'params.limit', row: ROW.range },
  { call: 'listChatsInApp', args: () => ['app-1'], expect: 'wire' },
  { call: 'listChatsInApp', args: () => ['app-1', { limit: 5, search: 'x' }], expect: 'wire' },
  { call: 'listChatsInApp', args: () => ['app-1', { limit: 20, offset: 10, includeMembers: true }], expect: 'wire' },

  { call: 'getApp', args: () => ['app-1'], expect: 'wire' },
  { call: 'getApp', args: () => [5], expect: 'wire' },
  { call: 'createApp', args: () => [{ displayName: 'Child', domainName: 'child', primaryColor: '#fff', extra: { a: 1 } }], expect: 'wire' },
  { call: 'createApp', args: () => [{ appTagline: 'x' }], expect: 'refused', argument: 'appData.displayName', row: ROW.createApp },
  { call: 'deleteApp', args: () => ['app-1'], expect: 'wire' },
  { call: 'listAppTokens', args: () => ['app-1'], expect: 'wire' },

  // App tokens: the payload as given, `{}` for a falsy one.
  { call: 'createAppToken', args: () => ['app-1'], expect: 'wire' },
  { call: 'createAppToken', args: () => ['app-1', { label: 'L', scopes: ['read'] }], expect: 'wire' },
  { call: 'createAppToken', args: () => ['app-1', null], expect: 'wire' },
  { call: 'createAppToken', args: () => ['app-1', 'x'], expect: 'refused', argument: 'payload', row: ROW.object },
  { call: 'revokeAppToken', args: () => ['app-1', 'tok-1'], expect: 'wire' },
  { call: 'rotateAppToken', args: () => ['app-1', 'tok-1'], expect: 'wire' },
  { call: 'rotateAppToken', args: () => ['app-1', 'tok-1', { label: 'next', x: 1 }], expect: 'wire' },

  { call: 'provisionApp', args: () => ['app-1'], expect: 'wire' },
  { call: 'provisionApp', args: () => ['app-1', { rooms: [{ title: 'General', pinned: true }] }], expect: 'wire' },
  { call: 'provisionApp', args: () => ['app-1', 0], expect: 'wire' },
  { call: 'getAppBot', args: () => ['app-1'], expect: 'wire' },
  { call: 'updateAppBot', args: () => ['app-1', { status: 'on', trigger: 'any_message', isRAG: true, llmProvider: 'x' }], expect: 'wire' },
  { call: 'updateAppBot', args: () => ['app-1'], expect: 'refused', argument: 'payload', row: ROW.object },
  { call: 'broadcastToAppChats', args: () => ['app-1', { text: 'hello', chatNames: ['app-1_r1'], metadata: { k: 'v' } }], expect: 'wire' },
  { call: 'broadcastToAppChats', args: () => ['app-1', { allRooms: true }], expect: 'refused', argument: 'payload.text', row: ROW.broadcast },
  { call: 'getAppBroadcastJob', args: () => ['app-1', 'job-1'], expect: 'wire' },
  { call: 'getAppUserByXmppUsername', args: () => ['app-1_user+1@example'], expect: 'wire' },
  { call: 'getAppUserByXmppUsername', args: () => [42], expect: 'wire' },
  { call: 'createUsersInApp', args: () => ['app-1', { usersList: [{ email: 'a@b.c', firstName: 'A', lastName: 'Bee', extra: 1 }] }], expect: 'wire' },
  { call: 'createUsersInApp', args: () => ['app-1', { usersList: [] }], expect: 'refused', argument: 'payload.usersList', row: ROW.batch },
  { call: 'getUsersBatchJob', args: () => ['app-1', 'job-2'], expect: 'wire' },
  { call: 'deleteUsersInApp', args: () => ['app-1', ['u1', 2]], expect: 'wire' },
  { call: 'createChatRoomInApp', args: () => ['app-1', 'room-1', { title: 'General', members: ['m'] }], expect: 'wire' },
  { call: 'deleteChatRoomInApp', args: () => ['app-1', 'room-1'], expect: 'wire' },
  { call: 'grantUserAccessToChatRoomInApp', args: () => ['app-1', 'room-1', 'u1'], expect: 'wire' },
  { call: 'grantUserAccessToChatRoomInApp', args: () => ['app-1', 'app-1_room-1', ['u1', 'app-1_u2', 3]], expect: 'wire' },
  { call: 'removeUserAccessFromChatRoomInApp', args: () => ['app-1', 'room-1', ['u1']], expect: 'wire' },
  { call: 'getUserChatsInApp', args: () => ['app-1', 'u1', { limit: 5, includeMembers: 0 }], expect: 'wire' },

  // Local methods and module functions.
  { call: 'createChatName', args: () => ['x'], expect: 'same' },
  { call: 'createChatName', args: () => ['x', false], expect: 'same' },
  { call: 'createChatName', args: () => ['x', 0], expect: 'same' },
  { call: 'createChatName', args: () => ['x', null], expect: 'same' },
  { call: 'createChatName', args: () => ['x', 'yes'], expect: 'same' },
  { call: 'createChatName', args: () => ['x', {}], expect: 'same' },
  { call: 'createChatName', args: () => [5, false], expect: 'same' },
  { call: 'createChatName', args: () => ['app123_x', false], expect: 'differs', row: ROW.prefix },
  { call: 'createChatName', args: () => [undefined], expect: 'refused', argument: 'chatId', row: ROW.id },
  { call: 'createChatUserJwtToken', args: () => ['u1'], expect: 'same' },
  { call: 'createChatUserJwtToken', args: () => [42], expect: 'same' },
  { call: 'createChatUserJwtToken', args: () => [{}], expect: 'refused', argument: 'userId', row: ROW.id },
  { fn: 'createClientToken', args: () => ['u5'], expect: 'same' },
  { fn: 'createClientToken', args: () => [7], expect: 'same' },
  { fn: 'createServerToken', args: () => [], expect: 'same' },
  { fn: 'createServerToken', args: () => [undefined, { tenantId: 't1' }], expect: 'same' },
  { fn: 'createServerToken', args: () => [undefined, { appId: 5 }], expect: 'refused', argument: 'options.appId', row: ROW.serverToken },
  { fn: 'getSecretsSync', args: () => [], expect: 'same' },
  { fn: 'getSecretsSync', args: () => [{ chatAppId: 'child', chatAppSecret: '' }], expect: 'same' },
  { fn: 'getSecrets', args: () => [], expect: 'same' },
  { fn: 'getSecretsSync', args: () => [], env: { ETHORA_CHAT_APP_SECRET: undefined }, expect: 'same', sameMessage: true },
  { fn: 'getSecrets', args: () => [], env: { ETHORA_CHAT_APP_ID: 'changed-app' }, expect: 'differs', row: ROW.secrets },
]
