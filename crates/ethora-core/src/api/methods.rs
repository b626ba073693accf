//! The SDK's methods, declared once.
//!
//! [`sdk_methods!`] holds every method of `EthoraSDKService` that the core carries out: each
//! declaration's doc line, its kind (`promise`: a request that resolves with the response;
//! `iterator`: a listing walked page by page; `wait`: a job read until it has finished;
//! `local`: answered at once by each face, without a request; `ensure`: a create or grant
//! made only where it is missing), its
//! name in Rust and JavaScript, each parameter's Rust name, JavaScript name, kind of value
//! (how the core reads it, see [`crate::api::ParameterKind`]) and TypeScript type
//! (parameters after `;` are optional), and what follows: for a `promise`, the type it
//! resolves with (`crates/ethora-types/src/results.rs`) and, after `=>`, how its arguments
//! become its request (a resource module's function); for an `iterator`, its return type and
//! the listing it `pages`; for a `wait`, the type it resolves with and the method it `reads`; for a
//! `local`, its return type; an `ensure` has no parameter list: after its name, the type it
//! resolves with and the `promise` it `creates` or `grants` with, whose parameters it takes.
//!
//! The grammar is parsed once, by the `ethora-methods` proc-macro crate, which expands the
//! list for the core's tables and for each face's methods: `sdk_methods!(ethora_methods::node_methods)`.
//! Doc lines are `#[doc = "..."]`: a `///` comment inside a macro would reach the TypeScript
//! declarations as a raw string literal. Adding an endpoint: CONTRIBUTING.md.

#[doc = " Calls the macro it is given (a path) with the list of methods (see the module documentation)."]
#[macro_export]
macro_rules! sdk_methods {
    ($($expand:tt)+) => {
        $($expand)+! {
            #[doc = " POST /v2/users/batch with one user; see `CreateUserData` for the defaults."]
            promise CreateUser create_user createUser(user_id "userId" id: "UUID"; user_data "userData" json: "Partial<CreateUserData>") -> "JobReply" => |a| $crate::api::users::create_user(a.id(0)?, a.value(1));
            #[doc = " POST /v2/chats."]
            promise CreateChatRoom create_chat_room createChatRoom(chat_id "chatId" id: "UUID"; room_data "roomData" json: "Partial<CreateChatRoomRequest>") -> "ChatRoomReply" => |a| $crate::api::chats::create_chat_room(a.id(0)?, a.value(1));
            #[doc = " POST /v2/chats/users-access."]
            promise GrantUserAccessToChatRoom grant_user_access_to_chat_room grantUserAccessToChatRoom(chat_id "chatId" id: "UUID", user_id "userId" id_or_ids: "UUID | UUID[]") -> "ApiResponse" => |a| { $crate::api::chats::grant_user_access(a.app_id, a.id(0)?, &a.members(1)?) };
            #[doc = " DELETE /v2/chats/users-access."]
            promise RemoveUserAccessFromChatRoom remove_user_access_from_chat_room removeUserAccessFromChatRoom(chat_id "chatId" id: "UUID", user_id "userId" id_or_ids: "UUID | UUID[]") -> "ApiResponse" => |a| { $crate::api::chats::remove_user_access(a.app_id, a.id(0)?, &a.members(1)?) };
            #[doc = " DELETE /v1/users/batch; resolves `{ ok: false }` when the users do not exist."]
            promise DeleteUsers delete_users deleteUsers(user_ids "userIds" ids: "UUID[]") -> "ApiResponse" => |a| $crate::api::users::delete_users(&a.id_list(0)?);
            #[doc = " DELETE /v1/chats; resolves `{ ok: false, reason: 'Chat room not found' }` when missing."]
            promise DeleteChatRoom delete_chat_room deleteChatRoom(chat_id "chatId" id: "UUID") -> "ApiResponse" => |a| $crate::api::chats::delete_chat_room(a.app_id, a.id(0)?);
            #[doc = " PATCH /v2/chats/users with 1-100 users."]
            promise UpdateUsers update_users updateUsers(users "users" json: "UpdateUserData[]") -> "UpdateUsersReply" => |a| $crate::api::users::update_users(a.app_id, a.required_json(0));
            #[doc = " GET /v2/chats/users."]
            promise GetUsers get_users getUsers(; params "params" query: "GetUsersQueryParams") -> "UsersPage" => |a| $crate::api::users::get_users(&a.users_query(0)?);
            #[doc = " GET /v2/apps/{appId}/users/{userId}/chats for the configured app."]
            promise GetUserChats get_user_chats getUserChats(user_id "userId" id: "UUID"; params "params" query: "GetUserChatsQueryParams") -> "UserChatsPage" => |a| { let user_id = a.id(0)?; $crate::api::users::get_user_chats(a.app_id, user_id, &a.chats_query(1)?) };
            #[doc = " PATCH /v2/apps/{appId}/chats/{chatName} for the configured app."]
            promise UpdateChatRoom update_chat_room updateChatRoom(chat_id "chatId" id: "UUID", update_data "updateData" json: "UpdateChatRoomRequest") -> "ApiResponse" => |a| { let chat_id = a.id(0)?; $crate::api::chats::update_chat_room(a.app_id, chat_id, a.required_json(1)) };
            #[doc = " GET /v2/apps."]
            promise ListApps list_apps listApps(; params "params" query: "ListAppsQueryParams") -> "AppsPage" => |a| $crate::api::apps::list_apps(&a.form_query(0, $crate::api::arguments::APPS_PAGE_LIMIT)?);
            #[doc = " GET /v2/apps/{appId}."]
            promise GetApp get_app getApp(app_id "appId" id: "UUID") -> "AppReply" => |a| $crate::api::apps::get_app(a.id(0)?);
            #[doc = " POST /v2/apps."]
            promise CreateApp create_app createApp(app_data "appData" json: "CreateAppRequest") -> "CreateAppReply" => |a| $crate::api::apps::create_app(a.required_json(0));
            #[doc = " DELETE /v2/apps/{appId}."]
            promise DeleteApp delete_app deleteApp(app_id "appId" id: "UUID") -> "ApiResponse" => |a| $crate::api::apps::delete_app(a.id(0)?);
            #[doc = " GET /v2/apps/{appId}/tokens."]
            promise ListAppTokens list_app_tokens listAppTokens(app_id "appId" id: "UUID") -> "ApiResponse" => |a| $crate::api::tokens::list_app_tokens(a.id(0)?);
            #[doc = " POST /v2/apps/{appId}/tokens."]
            promise CreateAppToken create_app_token createAppToken(app_id "appId" id: "UUID"; payload "payload" json: "CreateAppTokenRequest") -> "AppTokenReply" => |a| $crate::api::tokens::create_app_token(a.id(0)?, a.value(1));
            #[doc = " DELETE /v2/apps/{appId}/tokens/{tokenId}."]
            promise RevokeAppToken revoke_app_token revokeAppToken(app_id "appId" id: "UUID", token_id "tokenId" id: "UUID") -> "ApiResponse" => |a| $crate::api::tokens::revoke_app_token(a.id(0)?, a.id(1)?);
            #[doc = " POST /v2/apps/{appId}/tokens/{tokenId}/rotate."]
            promise RotateAppToken rotate_app_token rotateAppToken(app_id "appId" id: "UUID", token_id "tokenId" id: "UUID"; payload "payload" json: "RotateAppTokenRequest") -> "AppTokenReply" => |a| { let (app, token) = (a.id(0)?, a.id(1)?); $crate::api::tokens::rotate_app_token(app, token, a.value(2)) };
            #[doc = " POST /v2/apps/{appId}/provision."]
            promise ProvisionApp provision_app provisionApp(app_id "appId" id: "UUID"; payload "payload" json: "ProvisionAppRequest") -> "ApiResponse" => |a| $crate::api::apps::provision_app(a.id(0)?, a.value(1));
            #[doc = " GET /v2/apps/{appId}/bot."]
            promise GetAppBot get_app_bot getAppBot(app_id "appId" id: "UUID") -> "ApiResponse" => |a| $crate::api::apps::get_app_bot(a.id(0)?);
            #[doc = " PUT /v2/apps/{appId}/bot."]
            promise UpdateAppBot update_app_bot updateAppBot(app_id "appId" id: "UUID", payload "payload" json: "UpdateAppBotRequest") -> "ApiResponse" => |a| $crate::api::apps::update_app_bot(a.id(0)?, a.required_json(1));
            #[doc = " POST /v2/apps/{appId}/chats/broadcast."]
            promise BroadcastToAppChats broadcast_to_app_chats broadcastToAppChats(app_id "appId" id: "UUID", payload "payload" json: "CreateAppBroadcastRequest") -> "JobReply" => |a| $crate::api::chats::broadcast_to_app_chats(a.id(0)?, a.required_json(1));
            #[doc = " GET /v2/apps/{appId}/chats/broadcast/{jobId}."]
            promise GetAppBroadcastJob get_app_broadcast_job getAppBroadcastJob(app_id "appId" id: "UUID", job_id "jobId" id: "UUID") -> "BroadcastJob" => |a| $crate::api::jobs::get_app_broadcast_job(a.id(0)?, a.id(1)?);
            #[doc = " GET /v1/apps/users/{xmppUsername}."]
            promise GetAppUserByXmppUsername get_app_user_by_xmpp_username getAppUserByXmppUsername(xmpp_username "xmppUsername" id: "UUID") -> "UserReply" => |a| $crate::api::users::get_app_user_by_xmpp_username(a.id(0)?);
            #[doc = " POST /v2/apps/{appId}/users/batch (answers 202 with a job id)."]
            promise CreateUsersInApp create_users_in_app createUsersInApp(app_id "appId" id: "UUID", payload "payload" json: "BatchCreateUsersRequest") -> "JobReply" => |a| $crate::api::users::create_users_in_app(a.id(0)?, a.required_json(1));
            #[doc = " GET /v2/apps/{appId}/users/batch/{jobId}."]
            promise GetUsersBatchJob get_users_batch_job getUsersBatchJob(app_id "appId" id: "UUID", job_id "jobId" id: "UUID") -> "UsersBatchJob" => |a| $crate::api::jobs::get_users_batch_job(a.id(0)?, a.id(1)?);
            #[doc = " DELETE /v2/apps/{appId}/users/batch."]
            promise DeleteUsersInApp delete_users_in_app deleteUsersInApp(app_id "appId" id: "UUID", user_ids "userIds" ids: "UUID[]") -> "ApiResponse" => |a| $crate::api::users::delete_users_in_app(a.id(0)?, &a.id_list(1)?);
            #[doc = " POST /v2/apps/{appId}/chats."]
            promise CreateChatRoomInApp create_chat_room_in_app createChatRoomInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "UUID"; room_data "roomData" json: "Partial<CreateChatRoomRequest>") -> "ChatRoomReply" => |a| $crate::api::chats::create_chat_room_in_app(a.id(0)?, a.id(1)?, a.value(2));
            #[doc = " GET /v2/apps/{appId}/chats."]
            promise ListChatsInApp list_chats_in_app listChatsInApp(app_id "appId" id: "UUID"; params "params" query: "ListAppChatsQueryParams") -> "ChatsPage" => |a| { let app = a.id(0)?; $crate::api::chats::list_chats_in_app(app, &a.form_query(1, $crate::api::arguments::CHATS_PAGE_LIMIT)?) };
            #[doc = " DELETE /v2/apps/{appId}/chats."]
            promise DeleteChatRoomInApp delete_chat_room_in_app deleteChatRoomInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "UUID") -> "ApiResponse" => |a| $crate::api::chats::delete_chat_room_in_app(a.id(0)?, a.id(1)?);
            #[doc = " POST /v2/apps/{appId}/chats/users-access."]
            promise GrantUserAccessToChatRoomInApp grant_user_access_to_chat_room_in_app grantUserAccessToChatRoomInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "UUID", user_id "userId" id_or_ids: "UUID | UUID[]") -> "ApiResponse" => |a| { let (app, chat) = (a.id(0)?, a.id(1)?); $crate::api::chats::grant_user_access_in_app(app, chat, &a.members(2)?) };
            #[doc = " DELETE /v2/apps/{appId}/chats/users-access."]
            promise RemoveUserAccessFromChatRoomInApp remove_user_access_from_chat_room_in_app removeUserAccessFromChatRoomInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "UUID", user_id "userId" id_or_ids: "UUID | UUID[]") -> "ApiResponse" => |a| { let (app, chat) = (a.id(0)?, a.id(1)?); $crate::api::chats::remove_user_access_in_app(app, chat, &a.members(2)?) };
            #[doc = " GET /v2/apps/{appId}/users/{userId}/chats."]
            promise GetUserChatsInApp get_user_chats_in_app getUserChatsInApp(app_id "appId" id: "UUID", user_id "userId" id: "UUID"; params "params" query: "GetUserChatsQueryParams") -> "UserChatsPage" => |a| { let (app, user) = (a.id(0)?, a.id(1)?); $crate::api::users::get_user_chats(app, user, &a.chats_query(2)?) };
            #[doc = " PATCH /v2/apps/{appId}/chats/{chatName}."]
            promise UpdateChatRoomInApp update_chat_room_in_app updateChatRoomInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "UUID", update_data "updateData" json: "UpdateChatRoomRequest") -> "ApiResponse" => |a| { let (app, chat) = (a.id(0)?, a.id(1)?); $crate::api::chats::update_chat_room(app, chat, a.required_json(2)) };
            #[doc = " GET /v2/apps/{appId}/chats/{chatId}/messages: a page of a room's message history, as Ethora's MCP server reads it (`chatId` is the room's `_id` as `listChatsInApp` lists it; `limit` at most 100; other keys sent as `listChatsInApp` sends them). Not in the published API: the answer's shape, and `before` as a message `_id` for older ones, are our assumptions (the local mock's: `{ ok, results, total }`, newest first)."]
            promise GetChatMessagesInApp get_chat_messages_in_app getChatMessagesInApp(app_id "appId" id: "UUID", chat_id "chatId" id: "string"; params "params" query: "{ limit?: number; before?: string }") -> "MessagesPage" => |a| $crate::api::chats::get_chat_messages_in_app(a.id(0)?, a.id(1)?, &a.form_query(2, $crate::api::chats::MAX_MESSAGES_PER_PAGE)?);
            // The listing iterators: each walks one listing method page by page and yields its
            // items one at a time.
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
            // The job waits: each reads a job until it has finished; the last parameter is the
            // wait's options.
            #[doc = " Reads a users batch job (GET /v2/apps/{appId}/users/batch/{jobId}) until its `state` is `completed` or `failed`, and resolves with that job."]
            wait WaitForUsersBatchJob wait_for_users_batch_job waitForUsersBatchJob(app_id "appId" id: "UUID", job_id "jobId" id: "UUID"; options "options" options: "WaitForJobOptions") -> "UsersBatchJob" reads GetUsersBatchJob;
            #[doc = " Reads a broadcast job (GET /v2/apps/{appId}/chats/broadcast/{jobId}) until its `state` is `completed` or `failed`, and resolves with that job."]
            wait WaitForBroadcastJob wait_for_broadcast_job waitForBroadcastJob(app_id "appId" id: "UUID", job_id "jobId" id: "UUID"; options "options" options: "WaitForJobOptions") -> "BroadcastJob" reads GetAppBroadcastJob;
            // The ensures: each makes the change of the method it names only where it is
            // missing, and says what it did (see `crate::ensure`).
            #[doc = " Creates the user (as `createUser`) unless it exists: resolves `{ created: true, response }`, or `{ created: false }` when the server answers that it already exists (`ETHORA_CONFLICT`). Safe to run again, and twice at once."]
            ensure EnsureUser ensure_user ensureUser -> "EnsureUserResult" creates CreateUser;
            #[doc = " Creates the room (as `createChatRoom`) unless it exists: resolves `{ created: true, response }`, or `{ created: false }` when it already exists. Safe to run again, and twice at once."]
            ensure EnsureChatRoom ensure_chat_room ensureChatRoom -> "EnsureChatRoomResult" creates CreateChatRoom;
            #[doc = " Creates the room in a child app (as `createChatRoomInApp`) unless it exists: `{ created }` as `ensureChatRoom`."]
            ensure EnsureChatRoomInApp ensure_chat_room_in_app ensureChatRoomInApp -> "EnsureChatRoomResult" creates CreateChatRoomInApp;
            #[doc = " Grants the users access to the room (as `grantUserAccessToChatRoom`) where they lack it: reads the members (GET /v2/chats/users?chatName=…, 500 a page), grants only the missing ones (no request when none), and resolves `{ created, added, present }` with the ids as given."]
            ensure EnsureChatRoomMembers ensure_chat_room_members ensureChatRoomMembers -> "EnsureMembersResult" grants GrantUserAccessToChatRoom;
            #[doc = " `ensureChatRoomMembers` in a child app: the members are read from GET /v2/apps/{appId}/chats?includeMembers=true (500 chats a page, until the room is found), the missing ones granted as `grantUserAccessToChatRoomInApp`."]
            ensure EnsureChatRoomMembersInApp ensure_chat_room_members_in_app ensureChatRoomMembersInApp -> "EnsureMembersResult" grants GrantUserAccessToChatRoomInApp;
            // The local methods: each face answers them at once, without a request.
            #[doc = " `{appId}_{chatId}`, with `full` (default true) the room JID on Ethora Cloud's conference domain. Already-prefixed ids and JIDs are not prefixed again."]
            local CreateChatName create_chat_name createChatName(chat_id "chatId" id: "UUID"; full "full" flag: "boolean") -> "string";
            #[doc = " A client JWT for the user (what the front end logs in with); with `options.expiresIn` it expires that many seconds from now."]
            local CreateChatUserJwtToken create_chat_user_jwt_token createChatUserJwtToken(user_id "userId" id: "UUID"; options "options" json: "ClientTokenOptions") -> "string";
        }
    };
}
