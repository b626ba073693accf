//! The SDK's network methods as one table: their JavaScript names, their parameters, and how
//! their arguments (plain JSON from JavaScript) become an [`ApiRequest`].
//!
//! The methods themselves are declared once, in [`crate::network_methods!`] (methods.rs):
//! this table and both bindings' methods are expanded from that list, and the bindings hand
//! the arguments here unchanged, so the argument rules and the request of every method
//! exist once, whichever face called it.

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

/// One parameter of a method: its JavaScript name, kind, TypeScript type, and whether it
/// may be left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub name: &'static str,
    pub kind: ParameterKind,
    pub ts_type: &'static str,
    pub optional: bool,
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

pub(crate) const fn id(name: &'static str, ts_type: &'static str, optional: bool) -> Parameter {
    Parameter {
        name,
        kind: ParameterKind::Id,
        ts_type,
        optional,
    }
}

pub(crate) const fn id_or_ids(
    name: &'static str,
    ts_type: &'static str,
    optional: bool,
) -> Parameter {
    Parameter {
        name,
        kind: ParameterKind::IdOrIds,
        ts_type,
        optional,
    }
}

pub(crate) const fn ids(name: &'static str, ts_type: &'static str, optional: bool) -> Parameter {
    Parameter {
        name,
        kind: ParameterKind::Ids,
        ts_type,
        optional,
    }
}

pub(crate) const fn json(name: &'static str, ts_type: &'static str, optional: bool) -> Parameter {
    Parameter {
        name,
        kind: ParameterKind::Json,
        ts_type,
        optional,
    }
}

/// Builds [`ApiCall`] from the list in [`crate::network_methods!`].
macro_rules! api_calls {
    ($(
        $(#[doc = $doc:tt])*
        promise $variant:ident $rust_name:ident $js_name:ident (
            $($required:ident $required_js:literal $required_kind:ident : $required_ts:literal),*
            $(; $($optional:ident $optional_js:literal $optional_kind:ident : $optional_ts:literal),*)?
        );
    )*) => {
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
                    $(ApiCall::$variant => stringify!($js_name),)*
                }
            }

            /// The parameters, in order.
            pub fn parameters(self) -> &'static [Parameter] {
                match self {
                    $(ApiCall::$variant => const {
                        &[
                            $($required_kind($required_js, $required_ts, false),)*
                            $($($optional_kind($optional_js, $optional_ts, true),)*)?
                        ]
                    },)*
                }
            }

            /// The method's doc line, as both bindings' type declarations show it.
            pub fn doc(self) -> &'static str {
                match self {
                    $(ApiCall::$variant => concat!($($doc),*).trim_ascii(),)*
                }
            }
        }
    };
}

crate::network_methods!(api_calls);

/// The TypeScript signature of a method, as the generated declarations show it:
/// `getUserChats(userId: UUID, params?: GetUserChatsQueryParams): Promise<ApiResponse>`.
pub fn typescript_signature(call: ApiCall) -> String {
    let parameters = call
        .parameters()
        .iter()
        .map(|p| {
            format!(
                "{}{}: {}",
                p.name,
                if p.optional { "?" } else { "" },
                p.ts_type
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!("{}({parameters}): Promise<ApiResponse>", call.js_name())
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

/// [`build_request`] from each argument as JSON text (`None`: absent), the form the edge
/// build receives them in. The listing methods' ids and query object are read straight into
/// their typed form (no [`Value`] tree, no hashed map: on wasm the cheapest way from text);
/// when anything does not read cleanly that way, every argument goes the [`Value`] way,
/// whose rules decide the result and name what is wrong. Both ways give the same request or
/// error (tested below).
pub fn build_request_from_text(
    call: ApiCall,
    app_id: &str,
    texts: &[Option<&str>],
) -> Result<ApiRequest> {
    if let Some(request) = typed_listing_request(call, app_id, texts) {
        return request;
    }
    build_request(call, app_id, &values_from_text(call.parameters(), texts)?)
}

/// Each parameter's argument from its JSON text (missing texts are absent), read by
/// [`json_from_text`] under the parameter's error: the `Value` way of
/// [`build_request_from_text`].
fn values_from_text(
    parameters: &[Parameter],
    texts: &[Option<&str>],
) -> Result<Vec<Option<Value>>> {
    parameters
        .iter()
        .zip(texts.iter().chain(std::iter::repeat(&None)))
        .map(|(parameter, text)| json_from_text(*text, || parameter.unreadable()))
        .collect()
}

/// An argument's JSON text (the edge build's `jsonText`: `JSON.stringify`, `None` for
/// `undefined`, empty text for a value JSON cannot hold) as a value; text that is not JSON
/// fails with `unreadable`.
pub fn json_from_text(
    text: Option<&str>,
    unreadable: impl FnOnce() -> EthoraError,
) -> Result<Option<Value>> {
    match text {
        None => Ok(None),
        Some(text) => serde_json::from_str(text)
            .map(Some)
            .map_err(|_| unreadable()),
    }
}

/// The keys of every listing query, read in one go from JSON text: one reader for the three
/// query types keeps the WebAssembly module small. A key of another call's query with a value
/// of the wrong type fails the reading, and the `Value` way then reads the arguments (which
/// ignores that key, as it ignores any unknown one).
#[derive(Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListingQuery {
    chat_name: Option<String>,
    xmpp_username: Option<String>,
    user_id: Option<String>,
    limit: Option<f64>,
    offset: Option<f64>,
    include_members: Option<bool>,
    order: Option<String>,
    order_by: Option<String>,
}

impl ListingQuery {
    fn users(self) -> operations::UsersQuery {
        operations::UsersQuery {
            chat_name: self.chat_name,
            xmpp_username: self.xmpp_username,
            user_id: self.user_id,
            limit: self.limit,
            offset: self.offset,
        }
    }

    fn chats(self) -> operations::ChatsQuery {
        operations::ChatsQuery {
            limit: self.limit,
            offset: self.offset,
            include_members: self.include_members,
        }
    }

    fn apps(self) -> operations::AppsQuery {
        operations::AppsQuery {
            limit: self.limit,
            offset: self.offset,
            order: self.order,
            order_by: self.order_by,
        }
    }
}

/// A listing call's request from the typed readings of its ids and query object; `None`
/// when the call is not one of them or an argument does not read as its type.
fn typed_listing_request(
    call: ApiCall,
    app_id: &str,
    texts: &[Option<&str>],
) -> Option<Result<ApiRequest>> {
    use ApiCall::*;
    let text = |index: usize| texts.get(index).copied().flatten();
    // A JSON string; checked as `args::id` checks one once every argument has read.
    let id = |index: usize| serde_json::from_str::<String>(text(index)?).ok();
    let checked = |index: usize, id: &str| {
        crate::naming::require_id(call.parameters()[index].name, id).map(|_| ())
    };
    let query = |index: usize| match text(index) {
        None => Some(ListingQuery::default()),
        Some(text) => serde_json::from_str::<ListingQuery>(text).ok(),
    };
    Some(match call {
        GetUsers => operations::get_users(&query(0)?.users()),
        ListApps => operations::list_apps(&query(0)?.apps()),
        GetUserChats => {
            let (user, query) = (id(0)?, query(1)?.chats());
            checked(0, &user).and_then(|()| operations::get_user_chats(app_id, &user, &query))
        }
        ListChatsInApp => {
            let (app, query) = (id(0)?, query(1)?.chats());
            checked(0, &app).and_then(|()| operations::list_chats_in_app(&app, &query))
        }
        GetUserChatsInApp => {
            let (app, user, query) = (id(0)?, id(1)?, query(2)?.chats());
            checked(0, &app)
                .and_then(|()| checked(1, &user))
                .and_then(|()| operations::get_user_chats(&app, &user, &query))
        }
        _ => return None,
    })
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
    fn the_declaration_gives_docs_and_signatures() {
        assert_eq!(
            typescript_signature(ApiCall::GetUserChats),
            "getUserChats(userId: UUID, params?: GetUserChatsQueryParams): Promise<ApiResponse>"
        );
        assert_eq!(
            typescript_signature(ApiCall::GetUsers),
            "getUsers(params?: GetUsersQueryParams): Promise<ApiResponse>"
        );
        assert_eq!(ApiCall::GetApp.doc(), "GET /v2/apps/{appId}.");
        for call in ApiCall::ALL {
            assert!(!call.doc().is_empty(), "{call:?}");
            // Required parameters come before optional ones.
            let optional = call.parameters().iter().position(|p| p.optional);
            if let Some(first) = optional {
                assert!(call.parameters()[first..].iter().all(|p| p.optional));
            }
        }
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

    /// The typed reading of the listing calls gives what the `Value` way gives, for well
    /// formed arguments and for every kind of wrong one, and is taken for the usual ones.
    #[test]
    fn listing_calls_read_from_text_as_from_values() {
        const APP: &str = "app123";
        let ids: &[Option<&str>] = &[
            Some(r#""u1""#),
            Some(r#""a/b é""#),
            Some(r#""\u00e9x""#),
            Some(r#""  ""#),
            Some(r#""""#),
            Some(r#"".""#),
            Some("5"),
            Some("null"),
            Some(r#"["a"]"#),
            Some("not json"),
            None,
        ];
        let queries: &[Option<&str>] = &[
            None,
            Some("null"),
            Some("{}"),
            Some(r#"{"chatName":"app_r 1","limit":10,"offset":0}"#),
            Some(r#"{"xmppUsername":"x+y","userId":"\u00e9","extra":[1,{"a":2}]}"#),
            Some(r#"{"limit":10.5}"#),
            Some(r#"{"limit":"10"}"#),
            Some(r#"{"limit":0}"#),
            Some(r#"{"limit":-0,"offset":9007199254740993}"#),
            Some(r#"{"limit":null,"chatName":null,"order":null}"#),
            Some(r#"{"chatName":"a","chatName":"b"}"#),
            Some(r#"{"chatName":""}"#),
            Some(r#"{"includeMembers":true,"limit":5}"#),
            Some(r#"{"includeMembers":"yes"}"#),
            Some(r#"{"order":"desc","orderBy":"createdAt","limit":3}"#),
            Some(r#"{"order":"up"}"#),
            Some(r#"{"orderBy":7}"#),
            Some("[]"),
            Some(r#""text""#),
            Some("1e400"),
        ];
        let value_way = |call: ApiCall, texts: &[Option<&str>]| {
            values_from_text(call.parameters(), texts)
                .and_then(|values| build_request(call, APP, &values))
        };
        let mut typed = 0;
        for call in [
            ApiCall::GetUsers,
            ApiCall::ListApps,
            ApiCall::GetUserChats,
            ApiCall::ListChatsInApp,
            ApiCall::GetUserChatsInApp,
        ] {
            let id_count = call.parameters().len() - 1;
            let id_lists: Vec<Vec<Option<&str>>> = match id_count {
                0 => vec![vec![]],
                1 => ids.iter().map(|id| vec![*id]).collect(),
                _ => ids
                    .iter()
                    .flat_map(|first| ids.iter().map(move |second| vec![*first, *second]))
                    .collect(),
            };
            for id_list in &id_lists {
                for query in queries {
                    let mut texts = id_list.clone();
                    texts.push(*query);
                    let expected = format!("{:?}", value_way(call, &texts));
                    assert_eq!(
                        format!("{:?}", build_request_from_text(call, APP, &texts)),
                        expected,
                        "{call:?} {texts:?}"
                    );
                    if let Some(request) = typed_listing_request(call, APP, &texts) {
                        typed += 1;
                        assert_eq!(format!("{request:?}"), expected, "{call:?} {texts:?}");
                    }
                }
            }
        }
        // The usual arguments took the typed way (and it was compared above).
        for (call, texts) in [
            (
                ApiCall::GetUsers,
                vec![Some(r#"{"chatName":"app_r","limit":10}"#)],
            ),
            (ApiCall::ListApps, vec![None]),
            (
                ApiCall::GetUserChatsInApp,
                vec![Some(r#""a""#), Some(r#""u""#), Some("{}")],
            ),
        ] {
            assert!(
                typed_listing_request(call, APP, &texts).is_some(),
                "{call:?}"
            );
        }
        assert!(typed > 500, "{typed}");
    }
}
