//! The public TypeScript types of both faces, declared once: with the `napi` feature
//! `napi build` generates them into the Node `index.d.ts`; with the `wasm` feature tsify
//! generates the same interfaces into the edge build's `.d.ts`. `__test__/edge-types.test.mjs`
//! compares the two outputs declaration by declaration.
//!
//! Arguments arrive as plain JavaScript values and are read as `ethora_core::boundary`
//! describes, so these structs are the declarations only (napi generates their TypeScript
//! from them).
//!
//! Types the reference declares as open (`[key: string]: unknown`) get that index signature
//! from `src/typedef-header.d.ts` (both faces use that header), merged into the generated interface of the same name; it is
//! the one thing the generator cannot express.

#![forbid(unsafe_code)]

#[cfg(feature = "napi")]
use napi_derive::napi;
use serde_json::Value;

mod results;
pub use results::*;

/// Configuration of one client. Every field falls back to the reference's environment
/// variables (`ETHORA_CHAT_API_URL`, `ETHORA_CHAT_APP_ID`, `ETHORA_CHAT_APP_SECRET`).
#[cfg_attr(feature = "napi", napi(object, js_name = "EthoraSDKConfig"))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct EthoraSDKConfig {
    /// Base URL of the Ethora API, e.g. `https://api.chat.ethora.com`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub chat_api_url: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub chat_app_id: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub chat_app_secret: Option<String>,
    /// Total time limit of one request in milliseconds (default 30000).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub timeout_ms: Option<f64>,
    /// Time limit for establishing a connection in milliseconds (default 5000).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub connect_timeout_ms: Option<f64>,
    /// Most requests one client keeps in flight, and so about the most sockets it opens
    /// (default 64); further calls wait for a free slot.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub max_connections: Option<f64>,
    /// Retries of a transiently failed call (default 2; 0 disables retrying).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub max_retries: Option<f64>,
    /// First backoff step in milliseconds (default 200); waits are jittered and doubled.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub retry_base_delay_ms: Option<f64>,
    /// Longest wait between attempts, also the cap for `Retry-After` (default 5000).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub retry_max_delay_ms: Option<f64>,
    /// Largest response body read, in bytes (default 16 MiB).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub max_response_bytes: Option<f64>,
    /// `off` (default), `error`, `warn`, `info` or `debug`; falls back to `ETHORA_LOG`.
    #[cfg_attr(
        feature = "napi",
        napi(ts_type = "'off' | 'error' | 'warn' | 'info' | 'debug'")
    )]
    #[cfg_attr(
        feature = "wasm",
        tsify(type = "'off' | 'error' | 'warn' | 'info' | 'debug'")
    )]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub log_level: Option<String>,
    /// Extra trusted CA certificates as PEM text (one string may hold several), trusted
    /// besides the system's store, the bundled roots and `NODE_EXTRA_CA_CERTS`. Node build
    /// only: on the edge the runtime's fetch owns TLS, and this is an `ETHORA_CONFIG` error.
    #[cfg_attr(feature = "napi", napi(ts_type = "string | string[]"))]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub ca: Option<Value>,
    /// The proxy for every request (`http://user:password@host:port`; an `https://` API is
    /// reached through it with `CONNECT`), or `false` for none. Default: `HTTPS_PROXY` /
    /// `HTTP_PROXY` / `NO_PROXY` (either case). Node build only, as `ca`.
    #[cfg_attr(feature = "napi", napi(ts_type = "string | false"))]
    #[cfg_attr(feature = "wasm", tsify(type = "string | false"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub proxy: Option<Value>,
    /// How requests leave the process (default `'auto'`, else `ETHORA_SDK_TRANSPORT`):
    /// `'auto'` sends through Node's own HTTP stack when something hooked it (nock, MSW,
    /// undici's `MockAgent`, an APM agent) and through the SDK's own transport otherwise;
    /// `'native'` always the SDK's own (on the edge build the runtime's `fetch`); `'node'`
    /// always Node's stack.
    #[cfg_attr(feature = "napi", napi(ts_type = "'auto' | 'native' | 'node'"))]
    #[cfg_attr(feature = "wasm", tsify(type = "'auto' | 'native' | 'node'"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub transport: Option<String>,
}

/// What every network method resolves with: the server's JSON (objects get `url`).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ApiResponse {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub ok: Option<bool>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub reason: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub url: Option<String>,
}

/// User fields for `createUser`, as the reference README documents them. Every field has a
/// default in `createUser`; other keys (e.g. `profileImage`) are forwarded.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct CreateUserData {
    pub email: String,
    pub first_name: String,
    /// At least 2 characters; shorter or missing becomes "User".
    pub last_name: String,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub password: Option<String>,
    /// Split into first and last name when `firstName` is absent.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub display_name: Option<String>,
}

/// One entry of `updateUsers`. The API applies `xmppUsername`, `firstName`, `lastName`,
/// `username` and `profileImage`; an entry with only `userId` targets `{appId}_{userId}`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct UpdateUserData {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub user_id: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub xmpp_username: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub first_name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub last_name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub username: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub profile_image: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub description: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub token: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub email: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub app_id: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub home_screen: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub registration_channel_type: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub updated_at: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub auth_method: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub reset_password_expires: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub reset_password_token: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub roles: Option<Vec<String>>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub tags: Option<Vec<String>>,
    #[cfg_attr(feature = "napi", napi(js_name = "__v"))]
    #[cfg_attr(feature = "wasm", serde(rename = "__v"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub version: Option<f64>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub is_profile_open: Option<bool>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub is_assets_open: Option<bool>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub is_agree_with_terms: Option<bool>,
}

/// Body of `createChatRoom`; `title` defaults to `Chat Room {chatId}`, `type` to `group`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct CreateChatRoomRequest {
    pub title: String,
    pub uuid: String,
    #[cfg_attr(feature = "napi", napi(js_name = "type"))]
    #[cfg_attr(feature = "wasm", serde(rename = "type"))]
    pub room_type: String,
}

/// Filters of `getUsers`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct GetUsersQueryParams {
    /// `{appId}_{chatId}` for group chats, `xmppA-xmppB` for 1:1 chats.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub chat_name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub xmpp_username: Option<String>,
    /// A uuid or Mongo `_id`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub user_id: Option<String>,
    /// 1 to 500.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub limit: Option<f64>,
    /// At least 0.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub offset: Option<f64>,
}

/// Paging of `getUserChats`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct GetUserChatsQueryParams {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub limit: Option<f64>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub offset: Option<f64>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub include_members: Option<bool>,
}

/// Paging of `listChatsInApp`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ListAppChatsQueryParams {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub limit: Option<f64>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub offset: Option<f64>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub include_members: Option<bool>,
}

/// Paging and order of `listApps`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ListAppsQueryParams {
    /// 1 to 200.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub limit: Option<f64>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub offset: Option<f64>,
    #[cfg_attr(feature = "napi", napi(ts_type = "'asc' | 'desc'"))]
    #[cfg_attr(feature = "wasm", tsify(type = "'asc' | 'desc'"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub order: Option<String>,
    #[cfg_attr(feature = "napi", napi(ts_type = "'displayName' | 'createdAt'"))]
    #[cfg_attr(feature = "wasm", tsify(type = "'displayName' | 'createdAt'"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub order_by: Option<String>,
}

/// Fields of a chat room to change (`updateChatRoom`): the official type's title and
/// description, and the picture Ethora's published examples send. The object is sent as given.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct UpdateChatRoomRequest {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub title: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub description: Option<String>,
    /// URL of the room's picture.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub picture: Option<String>,
}

/// Body of `createApp`; `displayName` is required, other keys are forwarded.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct CreateAppRequest {
    pub display_name: String,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub domain_name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub app_tagline: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub logo_image: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub sublogo_image: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub primary_color: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub bundle_id: Option<String>,
}

/// One user of `createUsersInApp`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct BatchUserData {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub password: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub uuid: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub profile_image: Option<String>,
}

/// Body of `createUsersInApp`: 1 to 100 users.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct BatchCreateUsersRequest {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub bypass_email_confirmation: Option<bool>,
    pub users_list: Vec<BatchUserData>,
}

/// Body of `createAppToken`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct CreateAppTokenRequest {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub label: Option<String>,
}

/// Body of `rotateAppToken`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct RotateAppTokenRequest {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub label: Option<String>,
}

/// One room of `provisionApp`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ProvisionRoomRequest {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub title: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub pinned: Option<bool>,
}

/// Body of `provisionApp`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ProvisionAppRequest {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub rooms: Option<Vec<ProvisionRoomRequest>>,
}

/// Body of `updateAppBot`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct UpdateAppBotRequest {
    /// `on` or `off`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub status: Option<String>,
    /// `any_message` or `/bot`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub trigger: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub prompt: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub greeting_message: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub chat_id: Option<String>,
    #[cfg_attr(feature = "napi", napi(js_name = "isRAG"))]
    #[cfg_attr(feature = "wasm", serde(rename = "isRAG"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub is_rag: Option<bool>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub bot_first_name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub bot_last_name: Option<String>,
}

/// Body of `broadcastToAppChats`: `text` and exactly one target.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct CreateAppBroadcastRequest {
    pub text: String,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub all_rooms: Option<bool>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub chat_names: Option<Vec<String>>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub chat_ids: Option<Vec<String>>,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, unknown>"))]
    #[cfg_attr(feature = "wasm", tsify(type = "Record<string, unknown>"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub metadata: Option<Value>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub dry_run: Option<bool>,
}

/// What `getSecrets` / `getSecretsSync` return: the official SDK's `Secrets`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct Secrets {
    /// Base URL for the Ethora chat API.
    pub chat_api_url: String,
    /// Application ID for the Ethora chat service.
    pub chat_app_id: String,
    /// Secret key for JWT token generation.
    pub chat_app_secret: String,
}

/// Options of `createServerToken`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
#[derive(Default)]
pub struct ServerTokenOptions {
    /// The app id to put in the token (default: the configured app id).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub app_id: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub tenant_id: Option<String>,
}

/// Options of `createChatUserJwtToken` and `createClientToken` (not in the reference).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
#[derive(Default)]
pub struct ClientTokenOptions {
    /// Seconds until the token expires: it then carries `exp = iat + expiresIn`. From 1 to
    /// ten years. Without it the token never expires (byte-identical to the reference's).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub expires_in: Option<f64>,
}

/// Options of `verifyJwtToken` (not in the reference).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
#[derive(Default)]
pub struct VerifyTokenOptions {
    /// Seconds of clock difference forgiven on `exp` and `nbf` (default 5, at most 300).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub clock_tolerance: Option<f64>,
}

/// Filters and paging of `iterateUsers` (not in the reference): `getUsers`' filters, a start
/// `offset` and the page size. There is no `limit`: `break` ends the loop.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct IterateUsersParams {
    /// `{appId}_{chatId}` for group chats, `xmppA-xmppB` for 1:1 chats.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub chat_name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub xmpp_username: Option<String>,
    /// A uuid or Mongo `_id`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub user_id: Option<String>,
    /// Users per request, 1 to 500 (default 100).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub page_size: Option<f64>,
    /// Where to start (default 0).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub offset: Option<f64>,
}

/// Order and paging of `iterateApps` (not in the reference).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct IterateAppsParams {
    #[cfg_attr(feature = "napi", napi(ts_type = "'asc' | 'desc'"))]
    #[cfg_attr(feature = "wasm", tsify(type = "'asc' | 'desc'"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub order: Option<String>,
    #[cfg_attr(feature = "napi", napi(ts_type = "'displayName' | 'createdAt'"))]
    #[cfg_attr(feature = "wasm", tsify(type = "'displayName' | 'createdAt'"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub order_by: Option<String>,
    /// Apps per request, 1 to 200 (default 100).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub page_size: Option<f64>,
    /// Where to start (default 0).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub offset: Option<f64>,
}

/// Paging of `iterateChatsInApp`, `iterateUserChats` and `iterateUserChatsInApp` (not in
/// the reference).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct IterateChatsParams {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub include_members: Option<bool>,
    /// Chats per request, 1 to 500 (default 100).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub page_size: Option<f64>,
    /// Where to start (default 0).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub offset: Option<f64>,
}

/// Options of `importUsers` (not in the reference).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ImportUsersOptions {
    /// The app to import into (default: the configured app).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub app_id: Option<String>,
    /// Batches in flight at once, 1 to 16 (default 4).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub concurrency: Option<f64>,
    /// Users per batch, 1 to 100 (default 100).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub batch_size: Option<f64>,
    /// Sent with every batch when given.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub bypass_email_confirmation: Option<bool>,
    /// First wait between two reads of a batch's job in ms (default 200; doubled up to 5 s).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub poll_interval_ms: Option<f64>,
    /// Longest a batch's job may take in ms (default 600000); then the import fails with
    /// `ETHORA_TIMEOUT`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub job_timeout_ms: Option<f64>,
    /// Check and batch the users but send nothing: the report counts the batches that would
    /// be sent and the users that fail the checks (default false).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub dry_run: Option<bool>,
    /// Called after each batch has finished.
    #[cfg_attr(feature = "napi", napi(ts_type = "(progress: ImportProgress) => void"))]
    #[cfg_attr(feature = "wasm", tsify(type = "(progress: ImportProgress) => void"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub on_progress: Option<Value>,
    /// Stops the import: no further batch is sent and the promise rejects with `ETHORA_ABORTED`.
    #[cfg_attr(feature = "napi", napi(ts_type = "AbortSignal"))]
    #[cfg_attr(feature = "wasm", tsify(type = "AbortSignal"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub signal: Option<Value>,
}

/// One user `importUsers` did not import.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ImportFailure {
    /// Position in the input (0-based).
    pub index: f64,
    /// The user's uuid, when it had one.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub uuid: Option<String>,
    /// Why: the check that failed, the server's refusal or the job's result.
    pub reason: String,
}

/// What `importUsers` resolves with.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ImportReport {
    pub created: f64,
    /// Users that were there already (same uuid or email).
    pub existed: f64,
    /// In input order.
    pub failed: Vec<ImportFailure>,
    /// Batches sent.
    pub batches: f64,
}

/// One finished batch, in an `ImportProgress`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ImportBatchProgress {
    /// Batches are numbered from 0 in the order they were sent.
    pub number: f64,
    /// Input positions of the batch's users.
    pub indexes: Vec<f64>,
    pub created: f64,
    pub existed: f64,
    pub failed: Vec<ImportFailure>,
}

/// What `onProgress` gets after each batch of `importUsers`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ImportProgress {
    pub batches_done: f64,
    /// Users read from the input so far.
    pub users_read: f64,
    pub created: f64,
    pub existed: f64,
    /// Users failed so far (checks included).
    pub failed: f64,
    pub batch: ImportBatchProgress,
}

/// Options of `waitForUsersBatchJob` and `waitForBroadcastJob` (not in the reference).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct WaitForJobOptions {
    /// First wait between two reads in ms (default 200; doubled up to 5 s). The first read is at once.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub poll_interval_ms: Option<f64>,
    /// Longest wait in ms (default 600000); then `ETHORA_TIMEOUT`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub timeout_ms: Option<f64>,
    /// Stops waiting (`ETHORA_ABORTED`).
    #[cfg_attr(feature = "napi", napi(ts_type = "AbortSignal"))]
    #[cfg_attr(feature = "wasm", tsify(type = "AbortSignal"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub signal: Option<Value>,
}

/// What `ensureUser` resolves with.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct EnsureUserResult {
    /// Whether this call created it (false: the server answered that it already exists).
    pub created: bool,
    /// `createUser`'s answer, when it created: the batch job Ethora queued.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub response: Option<JobReply>,
}

/// What `ensureChatRoom` and `ensureChatRoomInApp` resolve with.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct EnsureChatRoomResult {
    /// Whether this call created it (false: the server answered that it already exists).
    pub created: bool,
    /// The create method's answer, when it created.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub response: Option<ChatRoomReply>,
}

/// What `ensureChatRoomMembers` and `ensureChatRoomMembersInApp` resolve with; the ids as given.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct EnsureMembersResult {
    /// Whether this call granted access to anyone.
    pub created: bool,
    /// The users this call granted access to.
    pub added: Vec<String>,
    /// The users who were members already.
    pub present: Vec<String>,
}

/// Options of `createChatName` (as the reference declares them).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ChatNameOptions {
    /// Whether to include the full JID domain.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub full: Option<bool>,
}

/// The `data` claim of a server token.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ServerTokenData {
    pub app_id: String,
    #[cfg_attr(feature = "napi", napi(js_name = "type", ts_type = "'server'"))]
    #[cfg_attr(feature = "wasm", serde(rename = "type"))]
    #[cfg_attr(feature = "wasm", tsify(type = "'server'"))]
    pub token_type: String,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub tenant_id: Option<String>,
}

/// Claims of a server (B2B) token, without `iat`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ServerTokenPayload {
    pub data: ServerTokenData,
}

/// The `data` claim of a client token.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ClientTokenData {
    #[cfg_attr(feature = "napi", napi(js_name = "type", ts_type = "'client'"))]
    #[cfg_attr(feature = "wasm", serde(rename = "type"))]
    #[cfg_attr(feature = "wasm", tsify(type = "'client'"))]
    pub token_type: String,
    pub user_id: String,
    pub app_id: String,
}

/// Claims of a client (user) token, without `iat`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct ClientTokenPayload {
    pub data: ClientTokenData,
}

/// Body of a chat deletion.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct DeleteChatRoomRequest {
    pub name: String,
}

/// Body of a grant or removal of room access.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct GrantAccessRequest {
    pub chat_name: String,
    pub members: Vec<String>,
}

/// Body of `updateUsers`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct UpdateUsersRequest {
    pub users: Vec<UpdateUserData>,
}

/// The edge build references this so that the linker loads this crate's object file, and
/// with it the TypeScript declarations tsify stored in its custom sections (wasm-ld only
/// pulls an archive member when one of its symbols is referenced).
#[cfg(feature = "wasm")]
#[doc(hidden)]
#[inline(never)]
pub fn link_type_declarations() -> usize {
    std::hint::black_box(std::mem::size_of::<EthoraSDKConfig>())
}
