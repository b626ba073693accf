//! The API: every network method as one table (its JavaScript name, its parameters, and how
//! its arguments become an [`ApiRequest`]), and the requests themselves, one module per
//! resource.
//!
//! The methods are declared once, in [`crate::sdk_methods!`] (`methods.rs`): this table
//! and both bindings' methods are expanded from that list, and the bindings hand the
//! arguments here unchanged, so the argument rules and the request of every method exist
//! once, whichever face called it. `arguments.rs` reads arguments; each resource module
//! (`users`, `chats`, `apps`, `tokens`, `jobs`) turns them into requests.

pub mod apps;
pub mod arguments;
pub mod chats;
pub(crate) mod common;
pub mod jobs;
mod methods;
pub mod query;
pub mod tokens;
pub mod users;

use serde_json::Value;

use crate::error::{EthoraError, Result};
use crate::ApiRequest;

pub use arguments::Arguments;

/// What a parameter takes; decides how the shared reader reads it (see
/// [`crate::boundary`]) and the message when it is not what the parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterKind {
    /// One id: a non-blank string or a finite number.
    Id,
    /// An id or a list of ids (`UUID | UUID[]`).
    IdOrIds,
    /// A list of ids (`UUID[]`).
    Ids,
    /// An object of query parameters, each value sent as its `String()`.
    Query,
    /// Anything sent or read as JSON (bodies, options).
    Json,
    /// A flag read by JavaScript truthiness (`createChatName`'s `full`).
    Flag,
    /// An options object that may hold an `onProgress` function and a `signal`.
    Options,
    /// The users of `importUsers`: an array, an iterable or an async iterable.
    Users,
    /// An environment object (`configFromEnv`): only its `ETHORA_*` string values are read.
    Env,
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
    /// The validation error for a value this parameter cannot take at all.
    pub fn unreadable(&self) -> EthoraError {
        let rule = match self.kind {
            ParameterKind::Id => ID_RULE,
            ParameterKind::IdOrIds => {
                "must be an id (a non-empty string or a finite number) or an array of ids"
            }
            ParameterKind::Ids => "must be an array of ids (non-empty strings or finite numbers)",
            ParameterKind::Query | ParameterKind::Options | ParameterKind::Env => {
                "must be an object"
            }
            ParameterKind::Json => "must be a JSON value (not a function or a symbol)",
            ParameterKind::Flag => "must be a flag",
            ParameterKind::Users => "must be an array or an iterable or async iterable of users",
        };
        EthoraError::validation(self.name, rule)
    }
}

/// What an id must be.
pub const ID_RULE: &str = "must be a non-empty string or a finite number";

const fn parameter(
    kind: ParameterKind,
    name: &'static str,
    ts_type: &'static str,
    optional: bool,
) -> Parameter {
    Parameter {
        name,
        kind,
        ts_type,
        optional,
    }
}

// One constructor per kind, named as the declarations in `methods.rs` name the kinds.
pub(crate) const fn id(name: &'static str, ts: &'static str, optional: bool) -> Parameter {
    parameter(ParameterKind::Id, name, ts, optional)
}

pub(crate) const fn id_or_ids(name: &'static str, ts: &'static str, optional: bool) -> Parameter {
    parameter(ParameterKind::IdOrIds, name, ts, optional)
}

pub(crate) const fn ids(name: &'static str, ts: &'static str, optional: bool) -> Parameter {
    parameter(ParameterKind::Ids, name, ts, optional)
}

pub(crate) const fn json(name: &'static str, ts: &'static str, optional: bool) -> Parameter {
    parameter(ParameterKind::Json, name, ts, optional)
}

pub(crate) const fn query(name: &'static str, ts: &'static str, optional: bool) -> Parameter {
    parameter(ParameterKind::Query, name, ts, optional)
}

pub(crate) const fn flag(name: &'static str, ts: &'static str, optional: bool) -> Parameter {
    parameter(ParameterKind::Flag, name, ts, optional)
}

pub(crate) const fn options(name: &'static str, ts: &'static str, optional: bool) -> Parameter {
    parameter(ParameterKind::Options, name, ts, optional)
}

pub(crate) const fn env(name: &'static str, ts: &'static str, optional: bool) -> Parameter {
    parameter(ParameterKind::Env, name, ts, optional)
}

pub(crate) const fn users(name: &'static str, ts: &'static str, optional: bool) -> Parameter {
    parameter(ParameterKind::Users, name, ts, optional)
}

// `ApiCall` and `build_request`, from the list in [`crate::sdk_methods!`].
crate::sdk_methods!(ethora_methods::core_api_calls);

/// Runs a declaration's request builder (its `=> |a| ...` in `sdk_methods!`).
fn build_with(
    arguments: &Arguments<'_>,
    build: impl FnOnce(&Arguments<'_>) -> Result<ApiRequest>,
) -> Result<ApiRequest> {
    build(arguments)
}

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
    format!(
        "{}({parameters}): Promise<{}>",
        call.js_name(),
        call.resolves()
    )
}

/// [`build_request`] from the arguments as a binding hands them over.
pub fn build_request_from<'a>(
    call: ApiCall,
    app_id: &str,
    arguments: impl IntoIterator<Item = crate::boundary::Argument<'a>>,
) -> Result<ApiRequest> {
    let values = crate::boundary::values(call.parameters(), arguments)?;
    build_request(call, app_id, &values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HttpMethod;
    use serde_json::json;

    #[test]
    fn table_has_every_network_method_once() {
        let mut names: Vec<_> = ApiCall::ALL.iter().map(|c| c.js_name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ApiCall::ALL.len());
        assert!(names.contains(&"createUser") && names.contains(&"updateChatRoomInApp"));
    }

    /// The README's table of network methods, from the method list: one row per method, its
    /// parameters with their TypeScript types, and its doc line.
    fn readme_api_table() -> String {
        let mut table = String::from("| Method | Resolves with | Request |\n|---|---|---|\n");
        for call in ApiCall::ALL {
            let parameters: Vec<String> = call
                .parameters()
                .iter()
                .map(|p| {
                    let optional = if p.optional { "?" } else { "" };
                    format!("{}{optional}: {}", p.name, p.ts_type)
                })
                .collect();
            table.push_str(&format!(
                "| `{}({})` | `{}` | {} |\n",
                call.js_name(),
                parameters.join(", ").replace('|', "\\|"),
                call.resolves(),
                call.doc().replace('|', "\\|")
            ));
        }
        table
    }

    /// Writes the table into the README between its markers (CI checks that the committed
    /// README matches, as for the fault table), so the README cannot list other methods.
    #[test]
    fn the_readme_api_table_is_the_method_list() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
        let readme = std::fs::read_to_string(path).expect("the README is readable");
        let (start, end) = ("<!-- api-table:start -->\n", "<!-- api-table:end -->");
        let from = readme.find(start).expect("the README has the start marker") + start.len();
        let to = readme.find(end).expect("the README has the end marker");
        let table = readme_api_table();
        assert!(table.contains("| `createUser(userId: UUID, userData?: Partial<CreateUserData>)` | `JobReply` | POST /v2/users/batch"));
        if readme[from..to] != table {
            let updated = format!("{}{table}{}", &readme[..from], &readme[to..]);
            std::fs::write(path, updated).expect("the README is writable");
        }
    }

    #[test]
    fn the_declaration_gives_docs_and_signatures() {
        assert_eq!(
            typescript_signature(ApiCall::GetUserChats),
            "getUserChats(userId: UUID, params?: GetUserChatsQueryParams): Promise<UserChatsPage>"
        );
        assert_eq!(
            typescript_signature(ApiCall::GetUsers),
            "getUsers(params?: GetUsersQueryParams): Promise<UsersPage>"
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
    fn every_route_is_its_path_with_placeholders() {
        let object = json!({
            "displayName": "D", "text": "t", "allRooms": true, "title": "T",
            "usersList": [{ "email": "a@b.c", "firstName": "Ada", "lastName": "Bee", "uuid": "u1" }],
        });
        for call in ApiCall::ALL {
            let arguments: Vec<Option<serde_json::Value>> = call
                .parameters()
                .iter()
                .map(|parameter| {
                    Some(match parameter.name {
                        name if name.ends_with("Ids") => json!(["u1"]),
                        "users" => json!([{ "xmppUsername": "x" }]),
                        name if name.ends_with("Id") || name == "xmppUsername" => json!("id-1"),
                        _ => object.clone(),
                    })
                })
                .collect();
            let request = build_request(*call, "app", &arguments)
                .unwrap_or_else(|error| panic!("{call:?}: {}", error.message));
            let route: Vec<&str> = request.route.split('/').collect();
            let path: Vec<&str> = request.path.split('/').collect();
            assert_eq!(route.len(), path.len(), "{call:?}");
            for (template, segment) in route.iter().zip(&path) {
                let placeholder = template.starts_with('{') && template.ends_with('}');
                assert!(
                    placeholder || template == segment,
                    "{call:?}: {template} / {segment}"
                );
            }
        }
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
