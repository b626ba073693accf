/* eslint-disable */
// Generated from the Rust sources: by `napi build` for the Node addon (index.d.ts), by
// wasm-bindgen and tsify for the edge build (edge/pkg/ethora_wasm.d.ts). The block below is
// the only hand-written part, shared by both (src/typedef-header.d.ts): what the generators
// cannot express, namely the `UUID` alias, the open index signatures of the reference SDK's
// request types (merged into the generated interfaces of the same name), the `EthoraError`
// fields, the `ChatRepository` interface and the hooks `on` / `off` with their events (merged
// into the generated class: they are installed from JavaScript on both builds). __test__/types proves they agree with
// @ethora/sdk-backend; __test__/edge-types.test.mjs that the two builds agree.

/** Identifier type used by the reference SDK. */
export type UUID = string

export interface ApiResponse { [key: string]: unknown }
export interface CreateUserData { [key: string]: unknown }
export interface UpdateUserData { [key: string]: string | string[] | number | boolean | undefined }
export interface CreateChatRoomRequest { [key: string]: unknown }
export interface CreateAppRequest { [key: string]: unknown }
export interface BatchUserData { [key: string]: unknown }
export interface ProvisionRoomRequest { [key: string]: unknown }
export interface ProvisionAppRequest { [key: string]: unknown }
export interface UpdateAppBotRequest { [key: string]: unknown }
export interface CreateAppBroadcastRequest { [key: string]: unknown }
export interface GrantAccessRequest { [key: string]: unknown }

// What the methods resolve with (crates/ethora-types/src/results.rs): each reply is an
// `ApiResponse` (so it stays assignable to the official SDK's), each item open to more keys.
export interface JobReply extends ApiResponse {}
export interface UsersBatchJob extends ApiResponse {}
export interface BroadcastJob extends ApiResponse {}
export interface ChatRoomReply extends ApiResponse {}
export interface UsersPage extends ApiResponse {}
export interface UserChatsPage extends ApiResponse {}
export interface ChatsPage extends ApiResponse {}
export interface AppsPage extends ApiResponse {}
export interface AppReply extends ApiResponse {}
export interface CreateAppReply extends ApiResponse {}
export interface AppTokenReply extends ApiResponse {}
export interface UpdateUsersReply extends ApiResponse {}
export interface UserReply extends ApiResponse {}
export interface MessagesPage extends ApiResponse {}
export interface EnsureUserResult { [key: string]: unknown }
export interface EnsureChatRoomResult { [key: string]: unknown }
export interface EnsureMembersResult { [key: string]: unknown }
export interface ListedUser { [key: string]: unknown }
export interface ListedApp { [key: string]: unknown }
export interface ListedChat { [key: string]: unknown }
export interface ChatMember { [key: string]: unknown }
export interface CreatedChatRoom { [key: string]: unknown }
export interface BatchUserResult { [key: string]: unknown }
export interface UsersBatchJobResult { [key: string]: unknown }
export interface UpdatedUser { [key: string]: unknown }

/** Where a background job is. */
export type JobState = 'pending' | 'running' | 'completed' | 'failed'

/** What `EthoraError.code` says happened. */
export type EthoraErrorCode =
  | 'ETHORA_CONFIG'
  | 'ETHORA_VALIDATION'
  | 'ETHORA_HTTP'
  | 'ETHORA_CONFLICT'
  | 'ETHORA_TIMEOUT'
  | 'ETHORA_NETWORK'
  | 'ETHORA_TLS'
  | 'ETHORA_DECODE'
  | 'ETHORA_ABORTED'

/** Why the server's TLS certificate was refused (`EthoraError.tlsReason`, with `ETHORA_TLS`). */
export type EthoraTlsReason =
  | 'CERT_UNTRUSTED'
  | 'CERT_EXPIRED'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_HOSTNAME_MISMATCH'
  | 'CERT_INVALID'

/** Parsed `x-ratelimit-*` / `retry-after` headers of the last response. */
export interface EthoraRateLimit {
  limit?: number
  remaining?: number
  /** `x-ratelimit-reset` as sent. */
  reset?: number
  retryAfterMs?: number
}

/**
 * Every failure of the SDK. Merged with the generated `EthoraError` class declaration:
 * a genuine `Error` subclass, so `instanceof Error` and `instanceof EthoraError` both hold.
 * Never contains the app secret or a token.
 */
export interface EthoraError extends Error {
  readonly name: 'EthoraError'
  readonly code: EthoraErrorCode
  /** HTTP status, when the server answered. */
  readonly status?: number
  readonly method?: string
  /** The request URL (no credentials, no token). */
  readonly url?: string
  /** For ETHORA_VALIDATION: the argument that was rejected. */
  readonly argument?: string
  /** The response body: parsed JSON, or text; at most 64 KiB. */
  readonly responseBody?: unknown
  /** The `x-request-id` of the request (the server's own when it sent one). */
  readonly requestId?: string
  readonly rateLimit?: EthoraRateLimit
  /** Attempts made, retries included (0 when nothing was sent). */
  readonly attempts: number
  /** Whether this kind of failure may go away by itself (429, 502-504, timeouts, connection failures). */
  readonly retryable: boolean
  /** For ETHORA_TLS (Node build): why the server's certificate was refused. */
  readonly tlsReason?: EthoraTlsReason
  /** As on the reference SDK's errors: `{ status, data }` of the failed response. */
  readonly response?: { status: number; data: unknown }
}

/** An attempt about to go out (`service.on('request', …)`, `ethora:request:start`). */
export interface EthoraRequestEvent {
  /** The `x-request-id` the request carries. */
  requestId: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** The route with placeholders, never the ids: `/v2/apps/{appId}/chats`. */
  route: string
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number
}

/** An attempt judged (`service.on('response', …)`, `ethora:request:end` / `ethora:request:error`). */
export interface EthoraResponseEvent extends EthoraRequestEvent {
  /** The answer's HTTP status; absent when there was none (`ethora:request:error`). */
  status?: number
  /** The attempt's error code when it failed (`ETHORA_HTTP`, `ETHORA_TIMEOUT`, ...). */
  error?: EthoraErrorCode
  /** From the attempt's start to its judgment. */
  durationMs: number
  /** The wait before the next attempt, when one follows. */
  retryInMs?: number
  /** The server's `Retry-After`, when it sent one. */
  retryAfterMs?: number
}

/** Per-client hooks, merged into the generated class (installed by js/observe.js on both builds). */
export interface EthoraSDKService {
  /** Calls `handler` before each attempt; what it throws is dropped, never breaking the call. */
  on(event: 'request', handler: (event: EthoraRequestEvent) => void): this
  /** Calls `handler` after each attempt is judged; what it throws is dropped. */
  on(event: 'response', handler: (event: EthoraResponseEvent) => void): this
  /** Removes a handler `on` added (the last one added, if it was added twice). */
  off(event: 'request', handler: (event: EthoraRequestEvent) => void): this
  off(event: 'response', handler: (event: EthoraResponseEvent) => void): this
}

/** The chat repository contract that `EthoraSDKService` implements. */
export interface ChatRepository {
  createChatName(chatId: UUID, full?: boolean): string
  createChatUserJwtToken(userId: UUID, options?: ClientTokenOptions): string
  createUser(userId: UUID, userData?: Partial<CreateUserData>): Promise<ApiResponse>
  createChatRoom(chatId: UUID, roomData?: Partial<CreateChatRoomRequest>): Promise<ApiResponse>
  grantUserAccessToChatRoom(chatId: UUID, userId: UUID | UUID[]): Promise<ApiResponse>
  removeUserAccessFromChatRoom(chatId: UUID, userId: UUID | UUID[]): Promise<ApiResponse>
  deleteUsers(userIds: UUID[]): Promise<ApiResponse>
  deleteChatRoom(chatId: UUID): Promise<ApiResponse>
  updateUsers(users: UpdateUserData[]): Promise<ApiResponse>
  getUsers(params?: GetUsersQueryParams): Promise<ApiResponse>
  getUserChats(userId: UUID, params?: GetUserChatsQueryParams): Promise<ApiResponse>
  updateChatRoom(chatId: UUID, updateData: UpdateChatRoomRequest): Promise<ApiResponse>
  listApps(params?: ListAppsQueryParams): Promise<ApiResponse>
  getApp(appId: UUID): Promise<ApiResponse>
  createApp(appData: CreateAppRequest): Promise<ApiResponse>
  deleteApp(appId: UUID): Promise<ApiResponse>
  listAppTokens(appId: UUID): Promise<ApiResponse>
  createAppToken(appId: UUID, payload?: CreateAppTokenRequest): Promise<ApiResponse>
  revokeAppToken(appId: UUID, tokenId: UUID): Promise<ApiResponse>
  rotateAppToken(appId: UUID, tokenId: UUID, payload?: RotateAppTokenRequest): Promise<ApiResponse>
  provisionApp(appId: UUID, payload?: ProvisionAppRequest): Promise<ApiResponse>
  getAppBot(appId: UUID): Promise<ApiResponse>
  updateAppBot(appId: UUID, payload: UpdateAppBotRequest): Promise<ApiResponse>
  broadcastToAppChats(appId: UUID, payload: CreateAppBroadcastRequest): Promise<ApiResponse>
  getAppBroadcastJob(appId: UUID, jobId: UUID): Promise<ApiResponse>
  getAppUserByXmppUsername(xmppUsername: UUID): Promise<ApiResponse>
  createUsersInApp(appId: UUID, payload: BatchCreateUsersRequest): Promise<ApiResponse>
  getUsersBatchJob(appId: UUID, jobId: UUID): Promise<ApiResponse>
  deleteUsersInApp(appId: UUID, userIds: UUID[]): Promise<ApiResponse>
  createChatRoomInApp(appId: UUID, chatId: UUID, roomData?: Partial<CreateChatRoomRequest>): Promise<ApiResponse>
  listChatsInApp(appId: UUID, params?: ListAppChatsQueryParams): Promise<ApiResponse>
  deleteChatRoomInApp(appId: UUID, chatId: UUID): Promise<ApiResponse>
  grantUserAccessToChatRoomInApp(appId: UUID, chatId: UUID, userId: UUID | UUID[]): Promise<ApiResponse>
  removeUserAccessFromChatRoomInApp(appId: UUID, chatId: UUID, userId: UUID | UUID[]): Promise<ApiResponse>
  getUserChatsInApp(appId: UUID, userId: UUID, params?: GetUserChatsQueryParams): Promise<ApiResponse>
  updateChatRoomInApp(appId: UUID, chatId: UUID, updateData: UpdateChatRoomRequest): Promise<ApiResponse>
}

/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/** Export slot and type declaration of `EthoraError`; see the module documentation. */
export declare class EthoraError {}

/**
 * The Ethora chat service client: `@ethora/sdk-backend`'s `EthoraSDKService` with the same
 * methods and requests, and the additions listed in the README.
 */
export declare class EthoraSDKService {
  /**
   * Explicit config values win over `ETHORA_CHAT_*` environment variables.
   * (A call without `new` never reaches here: the class is exported behind the shared
   * script's `guardConstructor`.)
   */
  constructor(config?: EthoraSDKConfig)
  /** What `console.log` / `util.inspect` show: the app and URL, never the secret. */
  toJSON(): any
  /**
   * Creates many users in an app (the configured one unless `options.appId`): checks each,
   * sends valid ones in batches of up to 100 (POST /v2/apps/{appId}/users/batch,
   * `concurrency` at a time), waits for each batch's job, and resolves with what happened.
   * A user that already exists counts as `existed`, so running an import again is safe.
   */
  importUsers(users: Iterable<BatchUserData> | AsyncIterable<BatchUserData>, options?: ImportUsersOptions): Promise<ImportReport>
  /** POST /v2/users/batch with one user; see `CreateUserData` for the defaults. */
  createUser(userId: UUID, userData?: Partial<CreateUserData>): Promise<JobReply>
  /** POST /v2/chats. */
  createChatRoom(chatId: UUID, roomData?: Partial<CreateChatRoomRequest>): Promise<ChatRoomReply>
  /** POST /v2/chats/users-access. */
  grantUserAccessToChatRoom(chatId: UUID, userId: UUID | UUID[]): Promise<ApiResponse>
  /** DELETE /v2/chats/users-access. */
  removeUserAccessFromChatRoom(chatId: UUID, userId: UUID | UUID[]): Promise<ApiResponse>
  /** DELETE /v1/users/batch; resolves `{ ok: false }` when the users do not exist. */
  deleteUsers(userIds: UUID[]): Promise<ApiResponse>
  /** DELETE /v1/chats; resolves `{ ok: false, reason: 'Chat room not found' }` when missing. */
  deleteChatRoom(chatId: UUID): Promise<ApiResponse>
  /** PATCH /v2/chats/users with 1-100 users. */
  updateUsers(users: UpdateUserData[]): Promise<UpdateUsersReply>
  /** GET /v2/chats/users. */
  getUsers(params?: GetUsersQueryParams): Promise<UsersPage>
  /** GET /v2/apps/{appId}/users/{userId}/chats for the configured app. */
  getUserChats(userId: UUID, params?: GetUserChatsQueryParams): Promise<UserChatsPage>
  /** PATCH /v2/apps/{appId}/chats/{chatName} for the configured app. */
  updateChatRoom(chatId: UUID, updateData: UpdateChatRoomRequest): Promise<ApiResponse>
  /** GET /v2/apps. */
  listApps(params?: ListAppsQueryParams): Promise<AppsPage>
  /** GET /v2/apps/{appId}. */
  getApp(appId: UUID): Promise<AppReply>
  /** POST /v2/apps. */
  createApp(appData: CreateAppRequest): Promise<CreateAppReply>
  /** DELETE /v2/apps/{appId}. */
  deleteApp(appId: UUID): Promise<ApiResponse>
  /** GET /v2/apps/{appId}/tokens. */
  listAppTokens(appId: UUID): Promise<ApiResponse>
  /** POST /v2/apps/{appId}/tokens. */
  createAppToken(appId: UUID, payload?: CreateAppTokenRequest): Promise<AppTokenReply>
  /** DELETE /v2/apps/{appId}/tokens/{tokenId}. */
  revokeAppToken(appId: UUID, tokenId: UUID): Promise<ApiResponse>
  /** POST /v2/apps/{appId}/tokens/{tokenId}/rotate. */
  rotateAppToken(appId: UUID, tokenId: UUID, payload?: RotateAppTokenRequest): Promise<AppTokenReply>
  /** POST /v2/apps/{appId}/provision. */
  provisionApp(appId: UUID, payload?: ProvisionAppRequest): Promise<ApiResponse>
  /** GET /v2/apps/{appId}/bot. */
  getAppBot(appId: UUID): Promise<ApiResponse>
  /** PUT /v2/apps/{appId}/bot. */
  updateAppBot(appId: UUID, payload: UpdateAppBotRequest): Promise<ApiResponse>
  /** POST /v2/apps/{appId}/chats/broadcast. */
  broadcastToAppChats(appId: UUID, payload: CreateAppBroadcastRequest): Promise<JobReply>
  /** GET /v2/apps/{appId}/chats/broadcast/{jobId}. */
  getAppBroadcastJob(appId: UUID, jobId: UUID): Promise<BroadcastJob>
  /** GET /v1/apps/users/{xmppUsername}. */
  getAppUserByXmppUsername(xmppUsername: UUID): Promise<UserReply>
  /** POST /v2/apps/{appId}/users/batch (answers 202 with a job id). */
  createUsersInApp(appId: UUID, payload: BatchCreateUsersRequest): Promise<JobReply>
  /** GET /v2/apps/{appId}/users/batch/{jobId}. */
  getUsersBatchJob(appId: UUID, jobId: UUID): Promise<UsersBatchJob>
  /** DELETE /v2/apps/{appId}/users/batch. */
  deleteUsersInApp(appId: UUID, userIds: UUID[]): Promise<ApiResponse>
  /** POST /v2/apps/{appId}/chats. */
  createChatRoomInApp(appId: UUID, chatId: UUID, roomData?: Partial<CreateChatRoomRequest>): Promise<ChatRoomReply>
  /** GET /v2/apps/{appId}/chats. */
  listChatsInApp(appId: UUID, params?: ListAppChatsQueryParams): Promise<ChatsPage>
  /** DELETE /v2/apps/{appId}/chats. */
  deleteChatRoomInApp(appId: UUID, chatId: UUID): Promise<ApiResponse>
  /** POST /v2/apps/{appId}/chats/users-access. */
  grantUserAccessToChatRoomInApp(appId: UUID, chatId: UUID, userId: UUID | UUID[]): Promise<ApiResponse>
  /** DELETE /v2/apps/{appId}/chats/users-access. */
  removeUserAccessFromChatRoomInApp(appId: UUID, chatId: UUID, userId: UUID | UUID[]): Promise<ApiResponse>
  /** GET /v2/apps/{appId}/users/{userId}/chats. */
  getUserChatsInApp(appId: UUID, userId: UUID, params?: GetUserChatsQueryParams): Promise<UserChatsPage>
  /** PATCH /v2/apps/{appId}/chats/{chatName}. */
  updateChatRoomInApp(appId: UUID, chatId: UUID, updateData: UpdateChatRoomRequest): Promise<ApiResponse>
  /** GET /v2/apps/{appId}/chats/{chatId}/messages: a page of a room's message history, as Ethora's MCP server reads it (`chatId` is the room's `_id` as `listChatsInApp` lists it; `limit` at most 100; other keys sent as `listChatsInApp` sends them). Not in the published API: the answer's shape, and `before` as a message `_id` for older ones, are our assumptions (the local mock's: `{ ok, results, total }`, newest first). */
  getChatMessagesInApp(appId: UUID, chatId: string, params?: { limit?: number; before?: string }): Promise<MessagesPage>
  /** Every user `getUsers` lists (same filters), one at a time: GET /v2/chats/users a page of `pageSize` (default 100, at most 500) at a time, the next only when the loop asks for it. */
  iterateUsers(params?: IterateUsersParams): AsyncIterableIterator<ListedUser>
  /** Every app `listApps` lists, one at a time: GET /v2/apps a page of `pageSize` (default 100, at most 200) at a time. */
  iterateApps(params?: IterateAppsParams): AsyncIterableIterator<ListedApp>
  /** Every chat of an app, one at a time: GET /v2/apps/{appId}/chats a page of `pageSize` (default 100, at most 500) at a time. */
  iterateChatsInApp(appId: UUID, params?: IterateChatsParams): AsyncIterableIterator<ListedChat>
  /** Every chat of a user in the configured app, one at a time: GET /v2/apps/{appId}/users/{userId}/chats page by page. */
  iterateUserChats(userId: UUID, params?: IterateChatsParams): AsyncIterableIterator<ListedChat>
  /** Every chat of a user in an app, one at a time: GET /v2/apps/{appId}/users/{userId}/chats page by page. */
  iterateUserChatsInApp(appId: UUID, userId: UUID, params?: IterateChatsParams): AsyncIterableIterator<ListedChat>
  /** Reads a users batch job (GET /v2/apps/{appId}/users/batch/{jobId}) until its `state` is `completed` or `failed`, and resolves with that job. */
  waitForUsersBatchJob(appId: UUID, jobId: UUID, options?: WaitForJobOptions): Promise<UsersBatchJob>
  /** Reads a broadcast job (GET /v2/apps/{appId}/chats/broadcast/{jobId}) until its `state` is `completed` or `failed`, and resolves with that job. */
  waitForBroadcastJob(appId: UUID, jobId: UUID, options?: WaitForJobOptions): Promise<BroadcastJob>
  /** Creates the user (as `createUser`) unless it exists: resolves `{ created: true, response }`, or `{ created: false }` when the server answers that it already exists (`ETHORA_CONFLICT`). Safe to run again, and twice at once. */
  ensureUser(userId: UUID, userData?: Partial<CreateUserData>): Promise<EnsureUserResult>
  /** Creates the room (as `createChatRoom`) unless it exists: resolves `{ created: true, response }`, or `{ created: false }` when it already exists. Safe to run again, and twice at once. */
  ensureChatRoom(chatId: UUID, roomData?: Partial<CreateChatRoomRequest>): Promise<EnsureChatRoomResult>
  /** Creates the room in a child app (as `createChatRoomInApp`) unless it exists: `{ created }` as `ensureChatRoom`. */
  ensureChatRoomInApp(appId: UUID, chatId: UUID, roomData?: Partial<CreateChatRoomRequest>): Promise<EnsureChatRoomResult>
  /** Grants the users access to the room (as `grantUserAccessToChatRoom`) where they lack it: reads the members (GET /v2/chats/users?chatName=…, 500 a page), grants only the missing ones (no request when none), and resolves `{ created, added, present }` with the ids as given. */
  ensureChatRoomMembers(chatId: UUID, userId: UUID | UUID[]): Promise<EnsureMembersResult>
  /** `ensureChatRoomMembers` in a child app: the members are read from GET /v2/apps/{appId}/chats?includeMembers=true (500 chats a page, until the room is found), the missing ones granted as `grantUserAccessToChatRoomInApp`. */
  ensureChatRoomMembersInApp(appId: UUID, chatId: UUID, userId: UUID | UUID[]): Promise<EnsureMembersResult>
  /** `{appId}_{chatId}`, with `full` (default true) the room JID on Ethora Cloud's conference domain. Already-prefixed ids and JIDs are not prefixed again. */
  createChatName(chatId: UUID, full?: boolean): string
  /** A client JWT for the user (what the front end logs in with); with `options.expiresIn` it expires that many seconds from now. */
  createChatUserJwtToken(userId: UUID, options?: ClientTokenOptions): string
}

/**
 * What `iterateUsers()` and its siblings return (not constructed directly): an async
 * iterable iterator over one listing. `next()` hands out a buffered item without leaving
 * the JavaScript thread; only a new page goes to the I/O thread. `Symbol.asyncIterator`
 * is installed on the prototype when the addon loads (`install`).
 */
export declare class ListingIterator {
  /** The next item (`{ value, done: false }`) or the end (`{ done: true }`). */
  next(): Promise<IteratorResult<unknown, undefined>>
  /** Ends the iteration (`break` out of `for await` calls this): nothing more is fetched. */
  return(): Promise<IteratorResult<unknown, undefined>>
}

/**
 * The `EthoraSDKConfig` that the `ETHORA_CHAT_*` variables (and `ETHORA_LOG`) of `env`
 * describe: a Workers-style `env` object, or the process environment when omitted.
 */
export declare function configFromEnv(env?: Record<string, unknown>): EthoraSDKConfig

/**
 * A client (user) JWT, as the reference's `createClientToken`; with `options.expiresIn` it
 * expires that many seconds from now.
 */
export declare function createClientToken(userId: UUID, customSecrets?: EthoraSDKConfig, options?: ClientTokenOptions): string

/** A server (B2B) JWT, as the reference's `createServerToken`. */
export declare function createServerToken(customSecrets?: EthoraSDKConfig, options?: ServerTokenOptions): string

/** Conference domain of Ethora Cloud room JIDs, as the reference exports it. */
export declare const ETHORA_JID_DOMAIN: string

/**
 * Without a config: one shared instance built from the environment (the same object every
 * time). With a config: a new instance, not cached.
 */
export declare function getEthoraSDKService(config?: EthoraSDKConfig): EthoraSDKService

/**
 * The official SDK's `getSecrets`: the same as `getSecretsSync` (synchronous there too),
 * read anew on every call.
 */
export declare function getSecrets(overrides?: Partial<Secrets>): Secrets

/**
 * The official SDK's `getSecretsSync`: `{ chatApiUrl, chatAppId, chatAppSecret }` from the
 * `ETHORA_CHAT_*` variables, the truthy values of `overrides` winning; throws an
 * `ETHORA_CONFIG` error with the official message when one is missing.
 */
export declare function getSecretsSync(overrides?: Partial<Secrets>): Secrets

/**
 * Verifies a server or client token with its scoped key and returns its claims. With
 * `expectedType`, a token of the other type is refused. A token past its `exp` or before
 * its `nbf` is refused (`options.clockTolerance` seconds forgiven, default 5). No
 * raw-secret fallback.
 */
export declare function verifyJwtToken(token: string, customSecrets?: EthoraSDKConfig, expectedType?: 'server' | 'client', options?: VerifyTokenOptions): Record<string, unknown>

/** What every network method resolves with: the server's JSON (objects get `url`). */
export interface ApiResponse {
  ok?: boolean
  reason?: string
  url?: string
}

/** What `getApp` resolves with: the app under `result` or `app` (spec 5.13). */
export interface AppReply {
  result?: ListedApp
  app?: ListedApp
}

/** What `listApps` resolves with: `items` or `apps` (spec 5.12). */
export interface AppsPage {
  items?: Array<ListedApp>
  apps?: Array<ListedApp>
  total?: number
}

/** What `createAppToken` and `rotateAppToken` resolve with: `token` is shown this once (spec 5.17, 5.19). */
export interface AppTokenReply {
  tokenId: string
  token: string
}

/** Body of `createUsersInApp`: 1 to 100 users. */
export interface BatchCreateUsersRequest {
  bypassEmailConfirmation?: boolean
  usersList: Array<BatchUserData>
}

/** One user of `createUsersInApp`. */
export interface BatchUserData {
  email: string
  firstName: string
  lastName: string
  password?: string
  uuid?: string
  profileImage?: string
}

/** One user of a finished users batch job (spec 5.25). */
export interface BatchUserResult {
  status: 'created' | 'exists' | 'uuid_exists'
  xmppUsername?: string
  user?: ListedUser
}

/**
 * A broadcast job (`getAppBroadcastJob`, `waitForBroadcastJob`; spec 5.24): its per-room
 * results' shape is not published.
 */
export interface BroadcastJob {
  state: JobState
  result?: unknown
  error?: unknown
}

/** A member of a room as a chat listing sends it with `includeMembers: true`. */
export interface ChatMember {
  xmppUsername?: string
}

/** Options of `createChatName` (as the reference declares them). */
export interface ChatNameOptions {
  /** Whether to include the full JID domain. */
  full?: boolean
}

/** What `createChatRoom` and `createChatRoomInApp` resolve with (spec 5.2, 5.28). */
export interface ChatRoomReply {
  result: CreatedChatRoom
}

/**
 * What `listChatsInApp` resolves with: the shape is not published; the listing walker reads
 * `items`, `results` or `chats`, and `total`.
 */
export interface ChatsPage {
  items?: Array<ListedChat>
  total?: number
}

/** The `data` claim of a client token. */
export interface ClientTokenData {
  type: 'client'
  userId: string
  appId: string
}

/** Options of `createChatUserJwtToken` and `createClientToken` (not in the reference). */
export interface ClientTokenOptions {
  /**
   * Seconds until the token expires: it then carries `exp = iat + expiresIn`. From 1 to
   * ten years. Without it the token never expires (byte-identical to the reference's).
   */
  expiresIn?: number
}

/** Claims of a client (user) token, without `iat`. */
export interface ClientTokenPayload {
  data: ClientTokenData
}

/** Body of `broadcastToAppChats`: `text` and exactly one target. */
export interface CreateAppBroadcastRequest {
  text: string
  allRooms?: boolean
  chatNames?: Array<string>
  chatIds?: Array<string>
  metadata?: Record<string, unknown>
  dryRun?: boolean
}

/** What `createApp` resolves with (spec 5.14; some clients also accept `result._id`). */
export interface CreateAppReply {
  app: ListedApp
}

/** Body of `createApp`; `displayName` is required, other keys are forwarded. */
export interface CreateAppRequest {
  displayName: string
  domainName?: string
  appTagline?: string
  logoImage?: string
  sublogoImage?: string
  primaryColor?: string
  bundleId?: string
}

/** Body of `createAppToken`. */
export interface CreateAppTokenRequest {
  label?: string
}

/** Body of `createChatRoom`; `title` defaults to `Chat Room {chatId}`, `type` to `group`. */
export interface CreateChatRoomRequest {
  title: string
  uuid: string
  type: string
}

/** The room `createChatRoom` / `createChatRoomInApp` made (spec 5.2). */
export interface CreatedChatRoom {
  /** The short chat name. */
  name: string
  jid?: string
}

/**
 * User fields for `createUser`, as the reference README documents them. Every field has a
 * default in `createUser`; other keys (e.g. `profileImage`) are forwarded.
 */
export interface CreateUserData {
  email: string
  firstName: string
  /** At least 2 characters; shorter or missing becomes "User". */
  lastName: string
  password?: string
  /** Split into first and last name when `firstName` is absent. */
  displayName?: string
}

/** Body of a chat deletion. */
export interface DeleteChatRoomRequest {
  name: string
}

/** What `ensureChatRoom` and `ensureChatRoomInApp` resolve with. */
export interface EnsureChatRoomResult {
  /** Whether this call created it (false: the server answered that it already exists). */
  created: boolean
  /** The create method's answer, when it created. */
  response?: ChatRoomReply
}

/** What `ensureChatRoomMembers` and `ensureChatRoomMembersInApp` resolve with; the ids as given. */
export interface EnsureMembersResult {
  /** Whether this call granted access to anyone. */
  created: boolean
  /** The users this call granted access to. */
  added: Array<string>
  /** The users who were members already. */
  present: Array<string>
}

/** What `ensureUser` resolves with. */
export interface EnsureUserResult {
  /** Whether this call created it (false: the server answered that it already exists). */
  created: boolean
  /** `createUser`'s answer, when it created: the batch job Ethora queued. */
  response?: JobReply
}

/**
 * Configuration of one client. Every field falls back to the reference's environment
 * variables (`ETHORA_CHAT_API_URL`, `ETHORA_CHAT_APP_ID`, `ETHORA_CHAT_APP_SECRET`).
 */
export interface EthoraSDKConfig {
  /** Base URL of the Ethora API, e.g. `https://api.chat.ethora.com`. */
  chatApiUrl?: string
  chatAppId?: string
  chatAppSecret?: string
  /** Total time limit of one request in milliseconds (default 30000). */
  timeoutMs?: number
  /** Time limit for establishing a connection in milliseconds (default 5000). */
  connectTimeoutMs?: number
  /**
   * Most requests one client keeps in flight, and so about the most sockets it opens
   * (default 64); further calls wait for a free slot.
   */
  maxConnections?: number
  /** Retries of a transiently failed call (default 2; 0 disables retrying). */
  maxRetries?: number
  /** First backoff step in milliseconds (default 200); waits are jittered and doubled. */
  retryBaseDelayMs?: number
  /** Longest wait between attempts, also the cap for `Retry-After` (default 5000). */
  retryMaxDelayMs?: number
  /** Largest response body read, in bytes (default 16 MiB). */
  maxResponseBytes?: number
  /** `off` (default), `error`, `warn`, `info` or `debug`; falls back to `ETHORA_LOG`. */
  logLevel?: 'off' | 'error' | 'warn' | 'info' | 'debug'
  /**
   * Extra trusted CA certificates as PEM text (one string may hold several), trusted
   * besides the system's store, the bundled roots and `NODE_EXTRA_CA_CERTS`. Node build
   * only: on the edge the runtime's fetch owns TLS, and this is an `ETHORA_CONFIG` error.
   */
  ca?: string | string[]
  /**
   * The proxy for every request (`http://user:password@host:port`; an `https://` API is
   * reached through it with `CONNECT`), or `false` for none. Default: `HTTPS_PROXY` /
   * `HTTP_PROXY` / `NO_PROXY` (either case). Node build only, as `ca`.
   */
  proxy?: string | false
  /**
   * How requests leave the process (default `'auto'`, else `ETHORA_SDK_TRANSPORT`):
   * `'auto'` sends through Node's own HTTP stack when something hooked it (nock, MSW,
   * undici's `MockAgent`, an APM agent) and through the SDK's own transport otherwise;
   * `'native'` always the SDK's own (on the edge build the runtime's `fetch`); `'node'`
   * always Node's stack.
   */
  transport?: 'auto' | 'native' | 'node'
}

/** Paging of `getUserChats`. */
export interface GetUserChatsQueryParams {
  limit?: number
  offset?: number
  includeMembers?: boolean
}

/** Filters of `getUsers`. */
export interface GetUsersQueryParams {
  /** `{appId}_{chatId}` for group chats, `xmppA-xmppB` for 1:1 chats. */
  chatName?: string
  xmppUsername?: string
  /** A uuid or Mongo `_id`. */
  userId?: string
  /** 1 to 500. */
  limit?: number
  /** At least 0. */
  offset?: number
}

/** Body of a grant or removal of room access. */
export interface GrantAccessRequest {
  chatName: string
  members: Array<string>
}

/** One finished batch, in an `ImportProgress`. */
export interface ImportBatchProgress {
  /** Batches are numbered from 0 in the order they were sent. */
  number: number
  /** Input positions of the batch's users. */
  indexes: Array<number>
  created: number
  existed: number
  failed: Array<ImportFailure>
}

/** One user `importUsers` did not import. */
export interface ImportFailure {
  /** Position in the input (0-based). */
  index: number
  /** The user's uuid, when it had one. */
  uuid?: string
  /** Why: the check that failed, the server's refusal or the job's result. */
  reason: string
}

/** What `onProgress` gets after each batch of `importUsers`. */
export interface ImportProgress {
  batchesDone: number
  /** Users read from the input so far. */
  usersRead: number
  created: number
  existed: number
  /** Users failed so far (checks included). */
  failed: number
  batch: ImportBatchProgress
}

/** What `importUsers` resolves with. */
export interface ImportReport {
  created: number
  /** Users that were there already (same uuid or email). */
  existed: number
  /** In input order. */
  failed: Array<ImportFailure>
  /** Batches sent. */
  batches: number
}

/** Options of `importUsers` (not in the reference). */
export interface ImportUsersOptions {
  /** The app to import into (default: the configured app). */
  appId?: string
  /** Batches in flight at once, 1 to 16 (default 4). */
  concurrency?: number
  /** Users per batch, 1 to 100 (default 100). */
  batchSize?: number
  /** Sent with every batch when given. */
  bypassEmailConfirmation?: boolean
  /** First wait between two reads of a batch's job in ms (default 200; doubled up to 5 s). */
  pollIntervalMs?: number
  /**
   * Longest a batch's job may take in ms (default 600000); then the import fails with
   * `ETHORA_TIMEOUT`.
   */
  jobTimeoutMs?: number
  /**
   * Check and batch the users but send nothing: the report counts the batches that would
   * be sent and the users that fail the checks (default false).
   */
  dryRun?: boolean
  /** Called after each batch has finished. */
  onProgress?: (progress: ImportProgress) => void
  /** Stops the import: no further batch is sent and the promise rejects with `ETHORA_ABORTED`. */
  signal?: AbortSignal
}

/** Order and paging of `iterateApps` (not in the reference). */
export interface IterateAppsParams {
  order?: 'asc' | 'desc'
  orderBy?: 'displayName' | 'createdAt'
  /** Apps per request, 1 to 200 (default 100). */
  pageSize?: number
  /** Where to start (default 0). */
  offset?: number
}

/**
 * Paging of `iterateChatsInApp`, `iterateUserChats` and `iterateUserChatsInApp` (not in
 * the reference).
 */
export interface IterateChatsParams {
  includeMembers?: boolean
  /** Chats per request, 1 to 500 (default 100). */
  pageSize?: number
  /** Where to start (default 0). */
  offset?: number
}

/**
 * Filters and paging of `iterateUsers` (not in the reference): `getUsers`' filters, a start
 * `offset` and the page size. There is no `limit`: `break` ends the loop.
 */
export interface IterateUsersParams {
  /** `{appId}_{chatId}` for group chats, `xmppA-xmppB` for 1:1 chats. */
  chatName?: string
  xmppUsername?: string
  /** A uuid or Mongo `_id`. */
  userId?: string
  /** Users per request, 1 to 500 (default 100). */
  pageSize?: number
  /** Where to start (default 0). */
  offset?: number
}

/**
 * The reply of a background job's start: `createUser`, `createUsersInApp` (HTTP 202),
 * `broadcastToAppChats` (spec 5.1, 5.23, 5.25; Ethora's MCP server also reads a broadcast's `id`).
 */
export interface JobReply {
  /** Read it with `getUsersBatchJob` / `getAppBroadcastJob`, or wait with `waitFor…Job`. */
  jobId: string
  statusUrl?: string
}

/** Paging of `listChatsInApp`. */
export interface ListAppChatsQueryParams {
  limit?: number
  offset?: number
  includeMembers?: boolean
}

/** Paging and order of `listApps`. */
export interface ListAppsQueryParams {
  /** 1 to 200. */
  limit?: number
  offset?: number
  order?: 'asc' | 'desc'
  orderBy?: 'displayName' | 'createdAt'
}

/** An app as `listApps`, `getApp` and `createApp` send it (spec 5.12-5.15). */
export interface ListedApp {
  /** 24 hex characters. */
  _id?: string
  displayName?: string
  /** Sent by `getApp`; `createApp` may leave it out. */
  appToken?: string
}

/** A room as the chat listings send it (spec 5.10; the app listing's shape is not published). */
export interface ListedChat {
  _id?: string
  /** The short name, `{appId}_{chatId}`. */
  name?: string
  jid?: string
  title?: string
  /** With `includeMembers: true`. */
  members?: Array<ChatMember>
}

/** A user as the listings and lookups send it: the fields Ethora's own clients read (spec 5.8, 5.9). */
export interface ListedUser {
  _id?: string
  /** `{appId}_{uuid}`. */
  xmppUsername?: string
  firstName?: string
  lastName?: string
  email?: string
  profileImage?: string
}

/**
 * What `getChatMessagesInApp` resolves with: not published; `results` (newest first) and
 * `total` are our assumption, as the local mock answers.
 */
export interface MessagesPage {
  results?: Array<{ [key: string]: unknown }>
  total?: number
}

/** Body of `provisionApp`. */
export interface ProvisionAppRequest {
  rooms?: Array<ProvisionRoomRequest>
}

/** One room of `provisionApp`. */
export interface ProvisionRoomRequest {
  title?: string
  pinned?: boolean
}

/** Body of `rotateAppToken`. */
export interface RotateAppTokenRequest {
  label?: string
}

/** What `getSecrets` / `getSecretsSync` return: the official SDK's `Secrets`. */
export interface Secrets {
  /** Base URL for the Ethora chat API. */
  chatApiUrl: string
  /** Application ID for the Ethora chat service. */
  chatAppId: string
  /** Secret key for JWT token generation. */
  chatAppSecret: string
}

/** The `data` claim of a server token. */
export interface ServerTokenData {
  appId: string
  type: 'server'
  tenantId?: string
}

/** Options of `createServerToken`. */
export interface ServerTokenOptions {
  /** The app id to put in the token (default: the configured app id). */
  appId?: string
  tenantId?: string
}

/** Claims of a server (B2B) token, without `iat`. */
export interface ServerTokenPayload {
  data: ServerTokenData
}

/** Body of `updateAppBot`. */
export interface UpdateAppBotRequest {
  /** `on` or `off`. */
  status?: string
  /** `any_message` or `/bot`. */
  trigger?: string
  prompt?: string
  greetingMessage?: string
  chatId?: string
  isRAG?: boolean
  botFirstName?: string
  botLastName?: string
}

/**
 * Fields of a chat room to change (`updateChatRoom`): the official type's title and
 * description, and the picture Ethora's published examples send. The object is sent as given.
 */
export interface UpdateChatRoomRequest {
  title?: string
  description?: string
  /** URL of the room's picture. */
  picture?: string
}

/** One entry of `updateUsers`' reply (the official SDK's docs). */
export interface UpdatedUser {
  status: 'updated' | 'not-found' | 'skipped'
  xmppUsername?: string
  /** With `updated`: the user as it now is. */
  user?: ListedUser
}

/**
 * One entry of `updateUsers`. The API applies `xmppUsername`, `firstName`, `lastName`,
 * `username` and `profileImage`; an entry with only `userId` targets `{appId}_{userId}`.
 */
export interface UpdateUserData {
  userId?: string
  xmppUsername?: string
  firstName?: string
  lastName?: string
  username?: string
  profileImage?: string
  description?: string
  token?: string
  email?: string
  appId?: string
  homeScreen?: string
  registrationChannelType?: string
  updatedAt?: string
  authMethod?: string
  resetPasswordExpires?: string
  resetPasswordToken?: string
  roles?: Array<string>
  tags?: Array<string>
  __v?: number
  isProfileOpen?: boolean
  isAssetsOpen?: boolean
  isAgreeWithTerms?: boolean
}

/** What `updateUsers` resolves with (spec 5.7). */
export interface UpdateUsersReply {
  results: Array<UpdatedUser>
}

/** Body of `updateUsers`. */
export interface UpdateUsersRequest {
  users: Array<UpdateUserData>
}

/** What `getUserChats` and `getUserChatsInApp` resolve with (spec 5.10). */
export interface UserChatsPage {
  chats: Array<ListedChat>
}

/** What `getAppUserByXmppUsername` resolves with (spec 5.9). */
export interface UserReply {
  result: ListedUser
}

/** A users batch job (`getUsersBatchJob`, `waitForUsersBatchJob`; spec 5.25). */
export interface UsersBatchJob {
  state: JobState
  /** Once `completed`. */
  result?: UsersBatchJobResult
  error?: unknown
}

/** The `result` of a finished users batch job. */
export interface UsersBatchJobResult {
  results: Array<BatchUserResult>
}

/** What `getUsers` resolves with (spec 5.8; the official README reads `results`). */
export interface UsersPage {
  results: Array<ListedUser>
  /** Users matching the filters (Ethora's chat component also reads `pagination.total`). */
  total?: number
}

/** Options of `verifyJwtToken` (not in the reference). */
export interface VerifyTokenOptions {
  /** Seconds of clock difference forgiven on `exp` and `nbf` (default 5, at most 300). */
  clockTolerance?: number
}

/** Options of `waitForUsersBatchJob` and `waitForBroadcastJob` (not in the reference). */
export interface WaitForJobOptions {
  /** First wait between two reads in ms (default 200; doubled up to 5 s). The first read is at once. */
  pollIntervalMs?: number
  /** Longest wait in ms (default 600000); then `ETHORA_TIMEOUT`. */
  timeoutMs?: number
  /** Stops waiting (`ETHORA_ABORTED`). */
  signal?: AbortSignal
}
