//! The public TypeScript types, declared once here so that `napi build` generates them into
//! `index.d.ts` with the reference SDK's field names and optionality.
//!
//! Arguments arrive as plain JavaScript values and are read by `ethora_core::args`, so these
//! structs are the declarations only (napi generates their TypeScript from them).
//!
//! Types the reference declares as open (`[key: string]: unknown`) get that index signature
//! from `typedef-header.d.ts`, merged into the generated interface of the same name; it is
//! the one thing the generator cannot express.

use napi_derive::napi;
use serde_json::Value;

/// Configuration of one client. Every field falls back to the reference's environment
/// variables (`ETHORA_CHAT_API_URL`, `ETHORA_CHAT_APP_ID`, `ETHORA_CHAT_APP_SECRET`).
#[napi(object, js_name = "EthoraSDKConfig")]
pub struct EthoraSDKConfig {
    /// Base URL of the Ethora API, e.g. `https://api.chat.ethora.com`.
    pub chat_api_url: Option<String>,
    pub chat_app_id: Option<String>,
    pub chat_app_secret: Option<String>,
    /// Total time limit of one request in milliseconds (default 30000).
    pub timeout_ms: Option<f64>,
    /// Time limit for establishing a connection in milliseconds (default 5000).
    pub connect_timeout_ms: Option<f64>,
    /// Most requests one client keeps in flight, and so about the most sockets it opens
    /// (default 64); further calls wait for a free slot.
    pub max_connections: Option<f64>,
    /// Retries of a transiently failed call (default 2; 0 disables retrying).
    pub max_retries: Option<f64>,
    /// First backoff step in milliseconds (default 200); waits are jittered and doubled.
    pub retry_base_delay_ms: Option<f64>,
    /// Longest wait between attempts, also the cap for `Retry-After` (default 5000).
    pub retry_max_delay_ms: Option<f64>,
    /// Largest response body read, in bytes (default 16 MiB).
    pub max_response_bytes: Option<f64>,
    /// `off` (default), `error`, `warn`, `info` or `debug`; falls back to `ETHORA_LOG`.
    #[napi(ts_type = "'off' | 'error' | 'warn' | 'info' | 'debug'")]
    pub log_level: Option<String>,
}

/// What every network method resolves with: the server's JSON (objects get `url`).
#[napi(object)]
pub struct ApiResponse {
    pub ok: Option<bool>,
    pub reason: Option<String>,
    pub url: Option<String>,
}

/// User fields for `createUser`, as the reference README documents them. Every field has a
/// default in `createUser`; other keys (e.g. `profileImage`) are forwarded.
#[napi(object)]
pub struct CreateUserData {
    pub email: String,
    pub first_name: String,
    /// At least 2 characters; shorter or missing becomes "User".
    pub last_name: String,
    pub password: Option<String>,
    /// Split into first and last name when `firstName` is absent.
    pub display_name: Option<String>,
}

/// One entry of `updateUsers`. The API applies `xmppUsername`, `firstName`, `lastName`,
/// `username` and `profileImage`; an entry with only `userId` targets `{appId}_{userId}`.
#[napi(object)]
pub struct UpdateUserData {
    pub user_id: Option<String>,
    pub xmpp_username: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub profile_image: Option<String>,
    pub description: Option<String>,
    pub token: Option<String>,
    pub email: Option<String>,
    pub app_id: Option<String>,
    pub home_screen: Option<String>,
    pub registration_channel_type: Option<String>,
    pub updated_at: Option<String>,
    pub auth_method: Option<String>,
    pub reset_password_expires: Option<String>,
    pub reset_password_token: Option<String>,
    pub roles: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    #[napi(js_name = "__v")]
    pub version: Option<f64>,
    pub is_profile_open: Option<bool>,
    pub is_assets_open: Option<bool>,
    pub is_agree_with_terms: Option<bool>,
}

/// Body of `createChatRoom`; `title` defaults to `Chat Room {chatId}`, `type` to `group`.
#[napi(object)]
pub struct CreateChatRoomRequest {
    pub title: String,
    pub uuid: String,
    #[napi(js_name = "type")]
    pub room_type: String,
}

/// Filters of `getUsers`.
#[napi(object)]
pub struct GetUsersQueryParams {
    /// `{appId}_{chatId}` for group chats, `xmppA-xmppB` for 1:1 chats.
    pub chat_name: Option<String>,
    pub xmpp_username: Option<String>,
    /// A uuid or Mongo `_id`.
    pub user_id: Option<String>,
    /// 1 to 500.
    pub limit: Option<f64>,
    /// At least 0.
    pub offset: Option<f64>,
}

/// Paging of `getUserChats`.
#[napi(object)]
pub struct GetUserChatsQueryParams {
    pub limit: Option<f64>,
    pub offset: Option<f64>,
    pub include_members: Option<bool>,
}

/// Paging of `listChatsInApp`.
#[napi(object)]
pub struct ListAppChatsQueryParams {
    pub limit: Option<f64>,
    pub offset: Option<f64>,
    pub include_members: Option<bool>,
}

/// Paging and order of `listApps`.
#[napi(object)]
pub struct ListAppsQueryParams {
    /// 1 to 200.
    pub limit: Option<f64>,
    pub offset: Option<f64>,
    #[napi(ts_type = "'asc' | 'desc'")]
    pub order: Option<String>,
    #[napi(ts_type = "'displayName' | 'createdAt'")]
    pub order_by: Option<String>,
}

/// Title and description of a chat room (`updateChatRoom`).
#[napi(object)]
pub struct UpdateChatRoomRequest {
    pub title: Option<String>,
    pub description: Option<String>,
}

/// Body of `createApp`; `displayName` is required, other keys are forwarded.
#[napi(object)]
pub struct CreateAppRequest {
    pub display_name: String,
    pub domain_name: Option<String>,
    pub app_tagline: Option<String>,
    pub logo_image: Option<String>,
    pub sublogo_image: Option<String>,
    pub primary_color: Option<String>,
    pub bundle_id: Option<String>,
}

/// One user of `createUsersInApp`.
#[napi(object)]
pub struct BatchUserData {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub password: Option<String>,
    pub uuid: Option<String>,
    pub profile_image: Option<String>,
}

/// Body of `createUsersInApp`: 1 to 100 users.
#[napi(object)]
pub struct BatchCreateUsersRequest {
    pub bypass_email_confirmation: Option<bool>,
    pub users_list: Vec<BatchUserData>,
}

/// Body of `createAppToken`.
#[napi(object)]
pub struct CreateAppTokenRequest {
    pub label: Option<String>,
}

/// Body of `rotateAppToken`.
#[napi(object)]
pub struct RotateAppTokenRequest {
    pub label: Option<String>,
}

/// One room of `provisionApp`.
#[napi(object)]
pub struct ProvisionRoomRequest {
    pub title: Option<String>,
    pub pinned: Option<bool>,
}

/// Body of `provisionApp`.
#[napi(object)]
pub struct ProvisionAppRequest {
    pub rooms: Option<Vec<ProvisionRoomRequest>>,
}

/// Body of `updateAppBot`.
#[napi(object)]
pub struct UpdateAppBotRequest {
    /// `on` or `off`.
    pub status: Option<String>,
    /// `any_message` or `/bot`.
    pub trigger: Option<String>,
    pub prompt: Option<String>,
    pub greeting_message: Option<String>,
    pub chat_id: Option<String>,
    #[napi(js_name = "isRAG")]
    pub is_rag: Option<bool>,
    pub bot_first_name: Option<String>,
    pub bot_last_name: Option<String>,
}

/// Body of `broadcastToAppChats`: `text` and exactly one target.
#[napi(object)]
pub struct CreateAppBroadcastRequest {
    pub text: String,
    pub all_rooms: Option<bool>,
    pub chat_names: Option<Vec<String>>,
    pub chat_ids: Option<Vec<String>>,
    #[napi(ts_type = "Record<string, unknown>")]
    pub metadata: Option<Value>,
    pub dry_run: Option<bool>,
}

/// Options of `createServerToken`.
#[napi(object)]
#[derive(Default)]
pub struct ServerTokenOptions {
    /// The app id to put in the token (default: the configured app id).
    pub app_id: Option<String>,
    pub tenant_id: Option<String>,
}

/// Options of `createChatName` (as the reference declares them).
#[napi(object)]
pub struct ChatNameOptions {
    /// Whether to include the full JID domain.
    pub full: Option<bool>,
}

/// The `data` claim of a server token.
#[napi(object)]
pub struct ServerTokenData {
    pub app_id: String,
    #[napi(js_name = "type", ts_type = "'server'")]
    pub token_type: String,
    pub tenant_id: Option<String>,
}

/// Claims of a server (B2B) token, without `iat`.
#[napi(object)]
pub struct ServerTokenPayload {
    pub data: ServerTokenData,
}

/// The `data` claim of a client token.
#[napi(object)]
pub struct ClientTokenData {
    #[napi(js_name = "type", ts_type = "'client'")]
    pub token_type: String,
    pub user_id: String,
    pub app_id: String,
}

/// Claims of a client (user) token, without `iat`.
#[napi(object)]
pub struct ClientTokenPayload {
    pub data: ClientTokenData,
}

/// Body of a chat deletion.
#[napi(object)]
pub struct DeleteChatRoomRequest {
    pub name: String,
}

/// Body of a grant or removal of room access.
#[napi(object)]
pub struct GrantAccessRequest {
    pub chat_name: String,
    pub members: Vec<String>,
}

/// Body of `updateUsers`.
#[napi(object)]
pub struct UpdateUsersRequest {
    pub users: Vec<UpdateUserData>,
}
