//! The SDK's network methods, declared once.
//!
//! [`network_methods!`] holds every method: its doc line, its kind (`promise`: a request that
//! resolves with the response), its name in Rust and JavaScript, and each parameter's Rust
//! name, JavaScript name, kind of value (how the core reads it, see [`crate::calls`]) and
//! TypeScript type; parameters after `;` are optional. The core builds its call table from
//! it ([`crate::calls::ApiCall`]); each binding passes the name of its own macro, which
//! receives the list and writes the methods in its framework (napi-rs in `src/lib.rs`,
//! wasm-bindgen in `crates/ethora-wasm`). Doc lines are written as `#[doc = "..."]`: a `///`
//! comment inside a macro becomes a raw string literal, which both binding generators would
//! copy into the TypeScript declarations with its `r"` prefix. A new endpoint is one entry here, its operation
//! in `operations.rs` and its arm in `calls::build_request`, its mock handler, and tests.

#[doc = " Calls `$binding!` with the list of network methods (see the module documentation)."]
#[macro_export]
macro_rules! network_methods {
    ($binding:ident) => {
        $binding! {
            #[doc = " POST /v2/users/batch with one user; see `CreateUserData` for the defaults."]
            promise CreateUser create_user createUser(user_id "userId" id: "UUID"; user_data "userData" json: "Partial<CreateUserData>");
            #[doc = " POST /v2/chats."]
            promise CreateChatRoom create_chat_room createChatRoom(chat_id "chatId" id: "UUID"; room_data "roomData" json: "Partial<CreateChatRoomRequest>");
            #[doc = " POST /v2/chats/users-access."]
            promise GrantUserAccessToChatRoom grant_user_access_to_chat_room grantUserAccessToChatRoom(chat_id "chatId" id: "UUID", user_id "userId" id_or_ids: "UUID | UUID[]");
            #[doc = " DELETE /v2/chats/users-access."]
            promise RemoveUserAccessFromChatRoom remove_user_access_from_chat_room removeUserAccessFromChatRoom(chat_id "chatId" id: "UUID", user_id "userId" id_or_ids: "UUID | UUID[]");
            #[doc = " DELETE /v1/users/batch; resolves `{ ok: false }` when the users do not exist."]
            promise DeleteUsers delete_users deleteUsers(user_ids "userIds" ids: "UUID[]");
            #[doc = " DELETE /v1/chats; resolves `{ ok: false, reason: 'Chat room not found' }` when missing."]
            promise DeleteChatRoom delete_chat_room deleteChatRoom(chat_id "chatId" id: "UUID");
            #[doc = " PATCH /v2/chats/users with 1-100 users."]
            promise UpdateUsers update_users updateUsers(users "users" json: "UpdateUserData[]");
            #[doc = " GET /v2/chats/users."]
            promise GetUsers get_users getUsers(; params "params" query: "GetUsersQueryParams");
            #[doc = " GET /v2/apps/{appId}/users/{userId}/chats for the configured app."]
            promise GetUserChats get_user_chats getUserChats(user_id "userId" id: "UUID"; params "params" query: "GetUserChatsQueryParams");
            #[doc = " PATCH /v2/apps/{appId}/chats/{chatName} for the configured app."]
            promise UpdateChatRoom update_chat_room updateChatRoom(chat_id "chatId" id: "UUID", update_data "updateData" json: "UpdateChatRoomRequest");
            #[doc = " GET /v2/apps."]
            promise ListApps list_apps listApps(; params "params" query: "ListAppsQueryParams");
            #[doc = " GET /v2/apps/{appId}."]
            promise GetApp get_app getApp(app_id "appId" id: "UUID");
            #[doc = " POST /v2/apps."]
            promise CreateApp create_app createApp(app_data "appData" json: "CreateAppRequest");
            #[doc = " DELETE /v2/apps/{appId}."]
            promise DeleteApp delete_app deleteApp(app_id "appId" id: "UUID");
            #[doc = " GET /v2/apps/{appId}/tokens."]
            promise ListAppTokens list_app_tokens listAppTokens(app_id "appId" id: "UUID");
            #[doc = " POST /v2/apps/{appId}/tokens."]
            promise CreateAppToken create_app_token createAppToken(app_id "appId" id: "UUID"; payload "payload" json: "CreateAppTokenRequest");
            #[doc = " DELETE /v2/apps/{appId}/tokens/{tokenId}."]
            promise RevokeAppToken revoke_app_token revokeAppToken(app_id "appId" id: "UUID", token_id "tokenId" id: "UUID");
            #[doc = " POST /v2/apps/{appId}/tokens/{tokenId}/rotate."]
            promise RotateAppToken rotate_app_token rotateAppToken(app_id "appId" id: "UUID", token_id "tokenId" id: "UUID"; payload "payload" json: "RotateAppTokenRequest");
            #[doc = " POST /v2/apps/{appId}/provision."]
            promise ProvisionApp provision_app provisionApp(app_id "appId" id: "UUID"; payload "payload" json: "ProvisionAppRequest");
            #[doc = " GET /v2/apps/{appId}/bot."]
            promise GetAppBot get_app_bot getAppBot(app_id "appId" id: "UUID");
            #[doc = " PUT /v2/apps/{appId}/bot."]
            promise UpdateAppBot update_app_bot updateAppBot(app_id "appId" id: "UUID", payload "payload" json: "UpdateAppBotRequest");
            #[doc = " POST /v2/apps/{appId}/chats/broadcast."]
            promise BroadcastToAppChats broadcast_to_app_chats broadcastToAppChats(app_id "appId" id: "UUID", payload "payload" json: "CreateAppBroadcastRequest");
            #[doc = " GET /v2/apps/{appId}/chats/broadcast/{jobId}."]
            promise GetAppBroadcastJob get_app_broadcast_job getAppBroadcastJob(app_id "appId" id: "UUID", job_id "jobId" id: "UUID");
            #[doc = " GET /v1/apps/users/{xmppUsername}."]
            promise GetAppUserByXmppUsername get_app_user_by_xmpp_username getAppUserByXmppUsername(xmpp_username "xmppUsername" id: "UUID");
            #[doc = " POST /v2/apps/{appId}/users/batch (answers 202 with a job id)."]
            promise CreateUsersInApp create_users_in_app createUsersInApp(app_id "appId" id: "UUID", payload "payload" json: "BatchCreateUsersRequest");
            #[doc = " GET /v2/apps/{appId}/users/batch/{jobId}."]
            promise GetUsersBatchJob get_users_batch_job getUsersBatchJob(app_id "appId" id: "UUID", job_id "jobId" id: "UUID");
            #[doc = " DELETE /v2/apps/{appId}/users/batch."]
            promise DeleteUsersInApp delete_users_in_app deleteUsersInApp(app_id "appId" id: "UUID", user_ids "userIds" ids: "UUID[]");
            #[doc = " POST /v2/apps/{appId}/chats."]
            promise CreateChatRoomInApp create_chat_room_in_app createChatRoomInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "UUID"; room_data "roomData" json: "Partial<CreateChatRoomRequest>");
            #[doc = " GET /v2/apps/{appId}/chats."]
            promise ListChatsInApp list_chats_in_app listChatsInApp(app_id "appId" id: "UUID"; params "params" query: "ListAppChatsQueryParams");
            #[doc = " DELETE /v2/apps/{appId}/chats."]
            promise DeleteChatRoomInApp delete_chat_room_in_app deleteChatRoomInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "UUID");
            #[doc = " POST /v2/apps/{appId}/chats/users-access."]
            promise GrantUserAccessToChatRoomInApp grant_user_access_to_chat_room_in_app grantUserAccessToChatRoomInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "UUID", user_id "userId" id_or_ids: "UUID | UUID[]");
            #[doc = " DELETE /v2/apps/{appId}/chats/users-access."]
            promise RemoveUserAccessFromChatRoomInApp remove_user_access_from_chat_room_in_app removeUserAccessFromChatRoomInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "UUID", user_id "userId" id_or_ids: "UUID | UUID[]");
            #[doc = " GET /v2/apps/{appId}/users/{userId}/chats."]
            promise GetUserChatsInApp get_user_chats_in_app getUserChatsInApp(app_id "appId" id: "UUID", user_id "userId" id: "UUID"; params "params" query: "GetUserChatsQueryParams");
            #[doc = " PATCH /v2/apps/{appId}/chats/{chatName}."]
            promise UpdateChatRoomInApp update_chat_room_in_app updateChatRoomInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "UUID", update_data "updateData" json: "UpdateChatRoomRequest");
        }
    };
}

#[doc = " Calls `$binding!` with the list of listing iterators: each walks one listing method page by"]
#[doc = " page (`pages` names it) and yields its items one at a time (`->` gives what the method returns)."]
#[macro_export]
macro_rules! listing_methods {
    ($binding:ident) => {
        $binding! {
            #[doc = " Every user `getUsers` lists (same filters), one at a time: GET /v2/chats/users a page of `pageSize` (default 100, at most 500) at a time, the next only when the loop asks for it."]
            iterator IterateUsers iterate_users iterateUsers(; params "params" query: "IterateUsersParams") -> "AsyncIterableIterator<ListedUser>" pages GetUsers;
            #[doc = " Every app `listApps` lists, one at a time: GET /v2/apps a page of `pageSize` (default 100, at most 200) at a time."]
            iterator IterateApps iterate_apps iterateApps(; params "params" query: "IterateAppsParams") -> "AsyncIterableIterator<ListedApp>" pages ListApps;
            #[doc = " Every chat of an app, one at a time: GET /v2/apps/{appId}/chats a page of `pageSize` (default 100, at most 500) at a time."]
            iterator IterateChatsInApp iterate_chats_in_app iterateChatsInApp(app_id "appId" id: "UUID"; params "params" query: "IterateChatsParams") -> "AsyncIterableIterator<ListedChat>" pages ListChatsInApp;
            #[doc = " Every chat of a user in the configured app, one at a time: GET /v2/apps/{appId}/users/{userId}/chats page by page."]
            iterator IterateUserChats iterate_user_chats iterateUserChats(user_id "userId" id: "UUID"; params "params" query: "IterateChatsParams") -> "AsyncIterableIterator<ListedChat>" pages GetUserChats;
            #[doc = " Every chat of a user in an app, one at a time: GET /v2/apps/{appId}/users/{userId}/chats page by page."]
            iterator IterateUserChatsInApp iterate_user_chats_in_app iterateUserChatsInApp(app_id "appId" id: "UUID", user_id "userId" id: "UUID"; params "params" query: "IterateChatsParams") -> "AsyncIterableIterator<ListedChat>" pages GetUserChatsInApp;
        }
    };
}

#[doc = " Calls `$binding!` with the list of job waits: each reads a job with its read method"]
#[doc = " (`reads` names it) until the job has finished; the last parameter is the wait's options."]
#[macro_export]
macro_rules! job_wait_methods {
    ($binding:ident) => {
        $binding! {
            #[doc = " Reads a users batch job (GET /v2/apps/{appId}/users/batch/{jobId}) until its `state` is `completed` or `failed`, and resolves with that job."]
            wait WaitForUsersBatchJob wait_for_users_batch_job waitForUsersBatchJob(app_id "appId" id: "UUID", job_id "jobId" id: "UUID"; options "options" options: "WaitForJobOptions") reads GetUsersBatchJob;
            #[doc = " Reads a broadcast job (GET /v2/apps/{appId}/chats/broadcast/{jobId}) until its `state` is `completed` or `failed`, and resolves with that job."]
            wait WaitForBroadcastJob wait_for_broadcast_job waitForBroadcastJob(app_id "appId" id: "UUID", job_id "jobId" id: "UUID"; options "options" options: "WaitForJobOptions") reads GetAppBroadcastJob;
        }
    };
}
