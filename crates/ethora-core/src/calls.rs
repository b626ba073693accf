//! The SDK's network methods as one table: their JavaScript names, their parameters, and how
//! their arguments (plain JSON from JavaScript) become an [`ApiRequest`].
//!
//! Both bindings declare the methods (each with its TypeScript signature) and hand the
//! arguments here unchanged, so the argument rules and the request of every method exist
//! once, whichever face called it.

use serde_json::Value;

use crate::error::{EthoraError, Result};
use crate::operations;
use crate::{args, ApiRequest};

/// What a parameter takes; decides the message when a value cannot even be read as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterKind {
    /// One non-blank id string.
    Id,
    /// An id or a list of ids (`UUID | UUID[]`).
    IdOrIds,
    /// A list of ids (`UUID[]`).
    Ids,
    /// An object or list of objects (JSON).
    Json,
}

/// One parameter of a method: its JavaScript name and kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub name: &'static str,
    pub kind: ParameterKind,
}

impl Parameter {
    /// The validation error for a value that is not JSON at all (a function, symbol, bigint).
    pub fn unreadable(&self) -> EthoraError {
        let rule = match self.kind {
            ParameterKind::Id => "must be a non-empty string",
            ParameterKind::IdOrIds => "must be a string or an array of strings",
            ParameterKind::Ids => "must be an array of strings",
            ParameterKind::Json => return not_json(self.name),
        };
        EthoraError::validation(self.name, rule)
    }
}

/// The validation error for an object argument holding values that are not JSON.
pub fn not_json(argument: &str) -> EthoraError {
    EthoraError::validation(
        argument,
        "must hold only JSON values (no functions, symbols or undefined in arrays)",
    )
}

const fn id(name: &'static str) -> Parameter {
    Parameter {
        name,
        kind: ParameterKind::Id,
    }
}

const fn id_or_ids(name: &'static str) -> Parameter {
    Parameter {
        name,
        kind: ParameterKind::IdOrIds,
    }
}

const fn ids(name: &'static str) -> Parameter {
    Parameter {
        name,
        kind: ParameterKind::Ids,
    }
}

const fn json(name: &'static str) -> Parameter {
    Parameter {
        name,
        kind: ParameterKind::Json,
    }
}

macro_rules! api_calls {
    ($($variant:ident $js_name:literal [$($parameter:expr),*];)*) => {
        /// Every network method of `EthoraSDKService`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ApiCall {
            $($variant,)*
        }

        impl ApiCall {
            /// All of them, in the reference SDK's order.
            pub const ALL: &'static [ApiCall] = &[$(ApiCall::$variant,)*];

            /// The method name in JavaScript.
            pub fn js_name(self) -> &'static str {
                match self {
                    $(ApiCall::$variant => $js_name,)*
                }
            }

            /// The parameters, in order.
            pub fn parameters(self) -> &'static [Parameter] {
                match self {
                    $(ApiCall::$variant => const { &[$($parameter),*] },)*
                }
            }
        }
    };
}

api_calls! {
    CreateUser "createUser" [id("userId"), json("userData")];
    CreateChatRoom "createChatRoom" [id("chatId"), json("roomData")];
    GrantUserAccessToChatRoom "grantUserAccessToChatRoom" [id("chatId"), id_or_ids("userId")];
    RemoveUserAccessFromChatRoom "removeUserAccessFromChatRoom" [id("chatId"), id_or_ids("userId")];
    DeleteUsers "deleteUsers" [ids("userIds")];
    DeleteChatRoom "deleteChatRoom" [id("chatId")];
    UpdateUsers "updateUsers" [json("users")];
    GetUsers "getUsers" [json("params")];
    GetUserChats "getUserChats" [id("userId"), json("params")];
    UpdateChatRoom "updateChatRoom" [id("chatId"), json("updateData")];
    ListApps "listApps" [json("params")];
    GetApp "getApp" [id("appId")];
    CreateApp "createApp" [json("appData")];
    DeleteApp "deleteApp" [id("appId")];
    ListAppTokens "listAppTokens" [id("appId")];
    CreateAppToken "createAppToken" [id("appId"), json("payload")];
    RevokeAppToken "revokeAppToken" [id("appId"), id("tokenId")];
    RotateAppToken "rotateAppToken" [id("appId"), id("tokenId"), json("payload")];
    ProvisionApp "provisionApp" [id("appId"), json("payload")];
    GetAppBot "getAppBot" [id("appId")];
    UpdateAppBot "updateAppBot" [id("appId"), json("payload")];
    BroadcastToAppChats "broadcastToAppChats" [id("appId"), json("payload")];
    GetAppBroadcastJob "getAppBroadcastJob" [id("appId"), id("jobId")];
    GetAppUserByXmppUsername "getAppUserByXmppUsername" [id("xmppUsername")];
    CreateUsersInApp "createUsersInApp" [id("appId"), json("payload")];
    GetUsersBatchJob "getUsersBatchJob" [id("appId"), id("jobId")];
    DeleteUsersInApp "deleteUsersInApp" [id("appId"), ids("userIds")];
    CreateChatRoomInApp "createChatRoomInApp" [id("appId"), id("chatId"), json("roomData")];
    ListChatsInApp "listChatsInApp" [id("appId"), json("params")];
    DeleteChatRoomInApp "deleteChatRoomInApp" [id("appId"), id("chatId")];
    GrantUserAccessToChatRoomInApp "grantUserAccessToChatRoomInApp" [id("appId"), id("chatId"), id_or_ids("userId")];
    RemoveUserAccessFromChatRoomInApp "removeUserAccessFromChatRoomInApp" [id("appId"), id("chatId"), id_or_ids("userId")];
    GetUserChatsInApp "getUserChatsInApp" [id("appId"), id("userId"), json("params")];
    UpdateChatRoomInApp "updateChatRoomInApp" [id("appId"), id("chatId"), json("updateData")];
}

/// The arguments of one call, read as JSON (`None` for `undefined` or a missing argument).
struct Arguments<'a> {
    call: ApiCall,
    values: &'a [Option<Value>],
}

impl<'a> Arguments<'a> {
    fn parameter(&self, index: usize) -> Parameter {
        self.call.parameters()[index]
    }

    fn value(&self, index: usize) -> Option<&'a Value> {
        self.values.get(index).and_then(Option::as_ref)
    }

    /// A required id.
    fn id(&self, index: usize) -> Result<&'a str> {
        args::id(self.value(index), self.name(index))
    }

    /// An optional JSON argument.
    fn json(&self, index: usize) -> Option<&'a Value> {
        self.value(index)
    }

    /// A required JSON argument; absent is `null`, which the operation refuses by name.
    fn required_json(&self, index: usize) -> &'a Value {
        self.value(index).unwrap_or(&Value::Null)
    }

    fn name(&self, index: usize) -> &'static str {
        self.parameter(index).name
    }

    fn members(&self, index: usize) -> Result<Vec<String>> {
        args::one_or_many_ids(self.value(index), self.name(index))
    }

    fn id_list(&self, index: usize) -> Result<Vec<String>> {
        args::id_list(self.value(index), self.name(index))
    }
}

/// Builds the request of `call` from its JavaScript arguments. `app_id` is the configured
/// app, used by the methods that work on it implicitly.
pub fn build_request(call: ApiCall, app_id: &str, values: &[Option<Value>]) -> Result<ApiRequest> {
    use ApiCall::*;
    let a = Arguments { call, values };
    match call {
        CreateUser => operations::create_user(a.id(0)?, a.json(1)),
        CreateChatRoom => operations::create_chat_room(a.id(0)?, a.json(1)),
        GrantUserAccessToChatRoom => {
            operations::grant_user_access(app_id, a.id(0)?, &a.members(1)?)
        }
        RemoveUserAccessFromChatRoom => {
            operations::remove_user_access(app_id, a.id(0)?, &a.members(1)?)
        }
        DeleteUsers => operations::delete_users(&a.id_list(0)?),
        DeleteChatRoom => operations::delete_chat_room(app_id, a.id(0)?),
        UpdateUsers => operations::update_users(app_id, a.required_json(0)),
        GetUsers => operations::get_users(&args::users_query(a.json(0), a.name(0))?),
        GetUserChats => {
            let user_id = a.id(0)?;
            let query = args::chats_query(a.json(1), a.name(1))?;
            operations::get_user_chats(app_id, user_id, &query)
        }
        UpdateChatRoom => {
            let chat_id = a.id(0)?;
            let update = args::chat_update(a.json(1), a.name(1))?;
            operations::update_chat_room(app_id, chat_id, &update)
        }
        ListApps => operations::list_apps(&args::apps_query(a.json(0), a.name(0))?),
        GetApp => operations::get_app(a.id(0)?),
        CreateApp => operations::create_app(a.required_json(0)),
        DeleteApp => operations::delete_app(a.id(0)?),
        ListAppTokens => operations::list_app_tokens(a.id(0)?),
        CreateAppToken => {
            let app = a.id(0)?;
            let label = args::token_label(a.json(1), a.name(1))?;
            operations::create_app_token(app, label.as_deref())
        }
        RevokeAppToken => operations::revoke_app_token(a.id(0)?, a.id(1)?),
        RotateAppToken => {
            let (app, token) = (a.id(0)?, a.id(1)?);
            let label = args::token_label(a.json(2), a.name(2))?;
            operations::rotate_app_token(app, token, label.as_deref())
        }
        ProvisionApp => operations::provision_app(a.id(0)?, a.json(1)),
        GetAppBot => operations::get_app_bot(a.id(0)?),
        UpdateAppBot => operations::update_app_bot(a.id(0)?, a.required_json(1)),
        BroadcastToAppChats => operations::broadcast_to_app_chats(a.id(0)?, a.required_json(1)),
        GetAppBroadcastJob => operations::get_app_broadcast_job(a.id(0)?, a.id(1)?),
        GetAppUserByXmppUsername => operations::get_app_user_by_xmpp_username(a.id(0)?),
        CreateUsersInApp => operations::create_users_in_app(a.id(0)?, a.required_json(1)),
        GetUsersBatchJob => operations::get_users_batch_job(a.id(0)?, a.id(1)?),
        DeleteUsersInApp => operations::delete_users_in_app(a.id(0)?, &a.id_list(1)?),
        CreateChatRoomInApp => operations::create_chat_room_in_app(a.id(0)?, a.id(1)?, a.json(2)),
        ListChatsInApp => {
            let app = a.id(0)?;
            operations::list_chats_in_app(app, &args::chats_query(a.json(1), a.name(1))?)
        }
        DeleteChatRoomInApp => operations::delete_chat_room_in_app(a.id(0)?, a.id(1)?),
        GrantUserAccessToChatRoomInApp => {
            let (app, chat) = (a.id(0)?, a.id(1)?);
            operations::grant_user_access_in_app(app, chat, &a.members(2)?)
        }
        RemoveUserAccessFromChatRoomInApp => {
            let (app, chat) = (a.id(0)?, a.id(1)?);
            operations::remove_user_access_in_app(app, chat, &a.members(2)?)
        }
        GetUserChatsInApp => {
            let (app, user) = (a.id(0)?, a.id(1)?);
            let query = args::chats_query(a.json(2), a.name(2))?;
            operations::get_user_chats(app, user, &query)
        }
        UpdateChatRoomInApp => {
            let (app, chat) = (a.id(0)?, a.id(1)?);
            let update = args::chat_update(a.json(2), a.name(2))?;
            operations::update_chat_room(app, chat, &update)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HttpMethod;
    use serde_json::json;

    #[test]
    fn table_has_every_network_method_once() {
        assert_eq!(ApiCall::ALL.len(), 34);
        let mut names: Vec<_> = ApiCall::ALL.iter().map(|c| c.js_name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 34);
    }

    #[test]
    fn arguments_reach_the_operation() {
        let request = build_request(
            ApiCall::GrantUserAccessToChatRoomInApp,
            "configured",
            &[
                Some(json!("child")),
                Some(json!("room")),
                Some(json!(["u1", "u2"])),
            ],
        )
        .unwrap();
        assert_eq!(request.method, HttpMethod::Post);
        assert_eq!(request.path, "/v2/apps/child/chats/users-access");
        let body = serde_json::to_string(&request.body).unwrap();
        assert!(
            body.contains("child_room") && body.contains("child_u2"),
            "{body}"
        );
        let implicit =
            build_request(ApiCall::DeleteChatRoom, "configured", &[Some(json!("r"))]).unwrap();
        assert_eq!(implicit.body, Some(json!({"name": "configured_r"})));
    }

    #[test]
    fn errors_name_the_parameter() {
        let missing = build_request(ApiCall::RevokeAppToken, "a", &[Some(json!("app"))]);
        assert_eq!(missing.unwrap_err().argument.as_deref(), Some("tokenId"));
        let wrong = build_request(ApiCall::CreateUser, "a", &[Some(json!(5))]);
        assert_eq!(wrong.unwrap_err().argument.as_deref(), Some("userId"));
        let list = build_request(ApiCall::DeleteUsersInApp, "a", &[Some(json!("x")), None]);
        assert_eq!(list.unwrap_err().argument.as_deref(), Some("userIds"));
        let unreadable = ApiCall::UpdateUsers.parameters()[0].unreadable();
        assert_eq!(unreadable.argument.as_deref(), Some("users"));
    }
}
