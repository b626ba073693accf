//! The public TypeScript types, declared once here so that `napi build` generates them into
//! `index.d.ts` with the reference SDK's field names and optionality.
//!
//! Types the reference declares as open (`[key: string]: unknown`) get that index signature
//! from `typedef-header.d.ts`, merged into the generated interface of the same name; it is
//! the one thing the generator cannot express.

use napi_derive::napi;
use serde_json::Value;

/// Configuration of one client. Every field falls back to the reference's environment
/// variables (`ETHORA_CHAT_API_URL`, `ETHORA_CHAT_APP_ID`, `ETHORA_CHAT_APP_SECRET`).
#[napi(object, js_name = "EthoraSDKConfig")]
#[derive(Clone, Default)]
pub struct EthoraSDKConfig {
    /// Base URL of the Ethora API, e.g. `https://api.chat.ethora.com`.
    pub chat_api_url: Option<String>,
    pub chat_app_id: Option<String>,
    pub chat_app_secret: Option<String>,
    /// Total time limit of one request in milliseconds (default 30000).
    pub timeout_ms: Option<f64>,
    /// Time limit for establishing a connection in milliseconds (default 5000).
    pub connect_timeout_ms: Option<f64>,
    /// Most requests one client keeps in flight, and so the most sockets it opens
    /// (default 64); further calls wait for a free slot.
    pub max_connections: Option<f64>,
}

impl From<EthoraSDKConfig> for ethora_core::ConfigInput {
    fn from(config: EthoraSDKConfig) -> Self {
        ethora_core::ConfigInput {
            chat_api_url: config.chat_api_url,
            chat_app_id: config.chat_app_id,
            chat_app_secret: config.chat_app_secret,
            timeout_ms: config.timeout_ms,
            connect_timeout_ms: config.connect_timeout_ms,
            max_connections: config.max_connections,
        }
    }
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
#[derive(Default)]
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

impl From<GetUsersQueryParams> for ethora_core::operations::UsersQuery {
    fn from(p: GetUsersQueryParams) -> Self {
        ethora_core::operations::UsersQuery {
            chat_name: p.chat_name,
            xmpp_username: p.xmpp_username,
            user_id: p.user_id,
            limit: p.limit,
            offset: p.offset,
        }
    }
}

/// Paging of `getUserChats`.
#[napi(object)]
#[derive(Default)]
pub struct GetUserChatsQueryParams {
    pub limit: Option<f64>,
    pub offset: Option<f64>,
    pub include_members: Option<bool>,
}

impl From<GetUserChatsQueryParams> for ethora_core::operations::ChatsQuery {
    fn from(p: GetUserChatsQueryParams) -> Self {
        ethora_core::operations::ChatsQuery {
            limit: p.limit,
            offset: p.offset,
            include_members: p.include_members,
        }
    }
}

/// Paging of `listChatsInApp`.
#[napi(object)]
#[derive(Default)]
pub struct ListAppChatsQueryParams {
    pub limit: Option<f64>,
    pub offset: Option<f64>,
    pub include_members: Option<bool>,
}

impl From<ListAppChatsQueryParams> for ethora_core::operations::ChatsQuery {
    fn from(p: ListAppChatsQueryParams) -> Self {
        ethora_core::operations::ChatsQuery {
            limit: p.limit,
            offset: p.offset,
            include_members: p.include_members,
        }
    }
}

/// Paging and order of `listApps`.
#[napi(object)]
#[derive(Default)]
pub struct ListAppsQueryParams {
    /// 1 to 200.
    pub limit: Option<f64>,
    pub offset: Option<f64>,
    #[napi(ts_type = "'asc' | 'desc'")]
    pub order: Option<String>,
    #[napi(ts_type = "'displayName' | 'createdAt'")]
    pub order_by: Option<String>,
}

impl From<ListAppsQueryParams> for ethora_core::operations::AppsQuery {
    fn from(p: ListAppsQueryParams) -> Self {
        ethora_core::operations::AppsQuery {
            limit: p.limit,
            offset: p.offset,
            order: p.order,
            order_by: p.order_by,
        }
    }
}

/// Title and description of a chat room (`updateChatRoom`).
#[napi(object)]
pub struct UpdateChatRoomRequest {
    pub title: Option<String>,
    pub description: Option<String>,
}

impl UpdateChatRoomRequest {
    pub fn into_json(self) -> Value {
        let mut body = serde_json::Map::new();
        if let Some(title) = self.title {
            body.insert("title".into(), Value::String(title));
        }
        if let Some(description) = self.description {
            body.insert("description".into(), Value::String(description));
        }
        Value::Object(body)
    }
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
