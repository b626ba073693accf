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
