//! What the network methods resolve with: the server's JSON as far as it is known (the spec's
//! §5 and Ethora's own clients), `url` added to objects. Every reply type also gets, from
//! `src/typedef-header.d.ts`, `extends ApiResponse` (its index signature, `ok`, `reason`,
//! `url`), and every item type an index signature: the server sends more than is typed here,
//! and each stays assignable to the official SDK's `ApiResponse`. A field whose presence is
//! not documented is optional; where only a part is known, the doc comment says so.
//!
//! With the `serde` feature they are `Serialize`: the local mock builds its answers from them
//! (`ethora-mock`'s `answers.rs`), so the mock cannot answer what they do not declare.
//!
//! Each struct spells out its attributes: declared through a `macro_rules!`, tsify would show
//! their doc comments in the edge `.d.ts` as raw string literals (`r" ..."`; tried 2026-12-02).

#[cfg(feature = "napi")]
use napi_derive::napi;
use serde_json::Value;

/// A user as the listings and lookups send it: the fields Ethora's own clients read (spec 5.8, 5.9).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ListedUser {
    #[cfg_attr(feature = "napi", napi(js_name = "_id"))]
    #[cfg_attr(feature = "serde", serde(rename = "_id"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub id: Option<String>,
    /// `{appId}_{uuid}`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub xmpp_username: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub first_name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub last_name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub email: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub profile_image: Option<String>,
}

/// An app as `listApps`, `getApp` and `createApp` send it (spec 5.12-5.15).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ListedApp {
    /// 24 hex characters.
    #[cfg_attr(feature = "napi", napi(js_name = "_id"))]
    #[cfg_attr(feature = "serde", serde(rename = "_id"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub id: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub display_name: Option<String>,
    /// Sent by `getApp`; `createApp` may leave it out.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub app_token: Option<String>,
}

/// A member of a room as a chat listing sends it with `includeMembers: true`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ChatMember {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub xmpp_username: Option<String>,
}

/// A room as the chat listings send it (spec 5.10; the app listing's shape is not published).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ListedChat {
    #[cfg_attr(feature = "napi", napi(js_name = "_id"))]
    #[cfg_attr(feature = "serde", serde(rename = "_id"))]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub id: Option<String>,
    /// The short name, `{appId}_{chatId}`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub jid: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub title: Option<String>,
    /// With `includeMembers: true`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub members: Option<Vec<ChatMember>>,
}

/// The reply of a background job's start: `createUser`, `createUsersInApp` (HTTP 202),
/// `broadcastToAppChats` (spec 5.1, 5.23, 5.25; Ethora's MCP server also reads a broadcast's `id`).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct JobReply {
    /// Read it with `getUsersBatchJob` / `getAppBroadcastJob`, or wait with `waitFor…Job`.
    pub job_id: String,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub status_url: Option<String>,
}

/// One user of a finished users batch job (spec 5.25).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct BatchUserResult {
    #[cfg_attr(
        feature = "napi",
        napi(ts_type = "'created' | 'exists' | 'uuid_exists'")
    )]
    #[cfg_attr(feature = "wasm", tsify(type = "'created' | 'exists' | 'uuid_exists'"))]
    pub status: String,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub xmpp_username: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub user: Option<ListedUser>,
}

/// The `result` of a finished users batch job.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct UsersBatchJobResult {
    pub results: Vec<BatchUserResult>,
}

/// A users batch job (`getUsersBatchJob`, `waitForUsersBatchJob`; spec 5.25).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct UsersBatchJob {
    #[cfg_attr(feature = "napi", napi(ts_type = "JobState"))]
    #[cfg_attr(feature = "wasm", tsify(type = "JobState"))]
    pub state: String,
    /// Once `completed`.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub result: Option<UsersBatchJobResult>,
    #[cfg_attr(feature = "napi", napi(ts_type = "unknown"))]
    #[cfg_attr(feature = "wasm", tsify(type = "unknown", optional))]
    pub error: Option<Value>,
}

/// A broadcast job (`getAppBroadcastJob`, `waitForBroadcastJob`; spec 5.24): its per-room
/// results' shape is not published.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct BroadcastJob {
    #[cfg_attr(feature = "napi", napi(ts_type = "JobState"))]
    #[cfg_attr(feature = "wasm", tsify(type = "JobState"))]
    pub state: String,
    #[cfg_attr(feature = "napi", napi(ts_type = "unknown"))]
    #[cfg_attr(feature = "wasm", tsify(type = "unknown", optional))]
    pub result: Option<Value>,
    #[cfg_attr(feature = "napi", napi(ts_type = "unknown"))]
    #[cfg_attr(feature = "wasm", tsify(type = "unknown", optional))]
    pub error: Option<Value>,
}

/// The room `createChatRoom` / `createChatRoomInApp` made (spec 5.2).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct CreatedChatRoom {
    /// The short chat name.
    pub name: String,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub jid: Option<String>,
}

/// What `createChatRoom` and `createChatRoomInApp` resolve with (spec 5.2, 5.28).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ChatRoomReply {
    pub result: CreatedChatRoom,
}

/// What `getUsers` resolves with (spec 5.8; the official README reads `results`).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct UsersPage {
    pub results: Vec<ListedUser>,
    /// Users matching the filters (Ethora's chat component also reads `pagination.total`).
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub total: Option<u32>,
}

/// What `getUserChats` and `getUserChatsInApp` resolve with (spec 5.10).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct UserChatsPage {
    pub chats: Vec<ListedChat>,
}

/// What `listChatsInApp` resolves with: the shape is not published; the listing walker reads
/// `items`, `results` or `chats`, and `total`.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ChatsPage {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub items: Option<Vec<ListedChat>>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub total: Option<u32>,
}

/// What `listApps` resolves with: `items` or `apps` (spec 5.12).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct AppsPage {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub items: Option<Vec<ListedApp>>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub apps: Option<Vec<ListedApp>>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub total: Option<u32>,
}

/// What `getApp` resolves with: the app under `result` or `app` (spec 5.13).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct AppReply {
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub result: Option<ListedApp>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub app: Option<ListedApp>,
}

/// What `createApp` resolves with (spec 5.14; some clients also accept `result._id`).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct CreateAppReply {
    pub app: ListedApp,
}

/// What `createAppToken` and `rotateAppToken` resolve with: `token` is shown this once (spec 5.17, 5.19).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct AppTokenReply {
    pub token_id: String,
    pub token: String,
}

/// One entry of `updateUsers`' reply (the official SDK's docs).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct UpdatedUser {
    #[cfg_attr(
        feature = "napi",
        napi(ts_type = "'updated' | 'not-found' | 'skipped'")
    )]
    #[cfg_attr(feature = "wasm", tsify(type = "'updated' | 'not-found' | 'skipped'"))]
    pub status: String,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub xmpp_username: Option<String>,
    /// With `updated`: the user as it now is.
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub user: Option<ListedUser>,
}

/// What `updateUsers` resolves with (spec 5.7).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct UpdateUsersReply {
    pub results: Vec<UpdatedUser>,
}

/// What `getAppUserByXmppUsername` resolves with (spec 5.9).
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct UserReply {
    pub result: ListedUser,
}

/// What `getChatMessagesInApp` resolves with: not published; `results` (newest first) and
/// `total` are our assumption, as the local mock answers.
#[cfg_attr(feature = "napi", napi(object))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct MessagesPage {
    #[cfg_attr(feature = "napi", napi(ts_type = "Array<{ [key: string]: unknown }>"))]
    #[cfg_attr(
        feature = "wasm",
        tsify(type = "Array<{ [key: string]: unknown }>", optional)
    )]
    pub results: Option<Value>,
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub total: Option<u32>,
}
