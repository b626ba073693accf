//! Every API operation as a pure function: arguments in, [`ApiRequest`] out.
//!
//! Bodies, defaults and query strings follow the reference SDK (`@ethora/sdk-backend` 26.8.1)
//! byte for byte for plain ids; the deliberate differences (encoded path segments, validation,
//! no double prefixes, no dropped lone `lastName`) are listed in the README.

use serde_json::{json, Map, Value};

use crate::args::optional_object;
use crate::encode;
use crate::error::{EthoraError, Result};
use crate::naming::{id_segment, require_id, scoped_chat_name, scoped_members};
use crate::request::{ApiRequest, HttpMethod};

/// Most users one update or batch-create may carry.
pub const MAX_USERS_PER_BATCH: usize = 100;
/// Page-size bounds: `/v2/chats/users` documents 1-500, `/v2/apps` serves at most 200.
pub const MAX_PAGE_SIZE: f64 = 500.0;
pub const MAX_APPS_PAGE_SIZE: f64 = 200.0;

/// `getUsers` filters, as the text they are sent as (see [`crate::args::users_query`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsersQuery {
    pub chat_name: Option<String>,
    pub xmpp_username: Option<String>,
    pub user_id: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// `getUserChats` paging, as the text it is sent as (see [`crate::args::chats_query`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatsQuery {
    pub limit: Option<String>,
    pub offset: Option<String>,
    pub include_members: Option<String>,
}

/// The query of `listApps` / `listChatsInApp`: key and text pairs in order (see
/// [`crate::args::form_query`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormQuery(pub Vec<(String, String)>);

/// JavaScript truthiness of a JSON value.
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn truthy_field<'a>(map: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a Value> {
    map.and_then(|m| m.get(key)).filter(|v| truthy(v))
}

/// A query string built in place: `?` before the first pair, `&` between the others,
/// nothing when no pair is added.
#[derive(Default)]
struct Query(String);

impl Query {
    fn separator(&mut self) {
        self.0.push(if self.0.is_empty() { '?' } else { '&' });
    }

    fn key(&mut self, key: &str) {
        self.separator();
        self.0.push_str(key);
        self.0.push('=');
    }

    /// `key=value`, the value as `encodeURIComponent` spells it (axios `params`).
    fn text(&mut self, key: &str, value: &str) {
        self.key(key);
        encode::push_uri_component(&mut self.0, value);
    }

    /// `key=value`, the value as it is (paging numbers, already checked).
    fn raw(&mut self, key: &str, value: &str) {
        self.key(key);
        self.0.push_str(value);
    }

    /// `key=value` as `URLSearchParams` spells both.
    fn form(&mut self, key: &str, value: &str) {
        self.separator();
        encode::push_form_component(&mut self.0, key);
        self.0.push('=');
        encode::push_form_component(&mut self.0, value);
    }

    fn finish(self) -> String {
        self.0
    }
}

fn app_path(app_id: &str, rest: &str) -> Result<String> {
    Ok(format!("/v2/apps/{}{rest}", id_segment("appId", app_id)?))
}

fn non_empty_ids(argument: &str, ids: &[String]) -> Result<Vec<Value>> {
    if ids.is_empty() {
        return Err(EthoraError::validation(
            argument,
            "must contain at least one id",
        ));
    }
    ids.iter()
        .map(|id| require_id(argument, id).map(|id| Value::String(id.to_owned())))
        .collect()
}

fn required_object<'a>(argument: &str, value: Option<&'a Value>) -> Result<&'a Map<String, Value>> {
    optional_object(value, argument)?
        .ok_or_else(|| EthoraError::validation(argument, "is required and must be an object"))
}

/// The 1-100 rule the API applies to `users` / `usersList` arrays.
fn user_batch<'a>(argument: &str, value: Option<&'a Value>) -> Result<&'a Vec<Value>> {
    let list = match value {
        Some(Value::Array(list)) => list,
        _ => {
            return Err(EthoraError::validation(
                argument,
                "must be an array of users",
            ))
        }
    };
    if list.is_empty() {
        return Err(EthoraError::validation(
            argument,
            "At least 1 user is required",
        ));
    }
    if list.len() > MAX_USERS_PER_BATCH {
        return Err(EthoraError::validation(
            argument,
            format!("Maximum {MAX_USERS_PER_BATCH} users allowed per request"),
        ));
    }
    Ok(list)
}

/// `map` in the order a JavaScript object keeps its keys, and so the order `JSON.stringify`
/// writes them in: integer keys (array indices) first, ascending, then the others as
/// inserted. The bodies the official SDK builds by spreading an argument into an object of
/// its own have their keys in that order.
fn javascript_key_order(map: Map<String, Value>) -> Map<String, Value> {
    fn index(key: &str) -> Option<u32> {
        key.parse::<u32>()
            .ok()
            .filter(|&n| n < u32::MAX && n.to_string() == key)
    }
    if !map.keys().any(|key| index(key).is_some()) {
        return map;
    }
    let (mut indices, others): (Vec<_>, Vec<_>) =
        map.into_iter().partition(|(key, _)| index(key).is_some());
    indices.sort_by_key(|(key, _)| index(key));
    indices.into_iter().chain(others).collect()
}

/// Same defaults as the reference's `createChatRoom`: `title` falls back to
/// `Chat Room {chatId}`, `type` to `group`, other `roomData` keys follow. `uuid` is always the
/// chat id (a different `roomData.uuid` is refused rather than silently replacing it), and
/// null or falsy `title`/`type` never remove the defaults.
fn chat_room_body(chat_id: &str, room_data: Option<&Value>) -> Result<Value> {
    let room = optional_object(room_data, "roomData")?;
    let mut body = Map::new();
    let title = truthy_field(room, "title")
        .cloned()
        .unwrap_or_else(|| Value::String(format!("Chat Room {chat_id}")));
    body.insert("title".into(), title);
    body.insert("uuid".into(), Value::String(chat_id.to_owned()));
    let room_type = truthy_field(room, "type")
        .cloned()
        .unwrap_or_else(|| Value::String("group".into()));
    body.insert("type".into(), room_type);
    for (key, value) in room.into_iter().flatten() {
        match key.as_str() {
            "title" | "type" => {}
            "uuid" => {
                let same = crate::args::id_text(value).is_some_and(|uuid| uuid == chat_id);
                if !same && !value.is_null() {
                    return Err(EthoraError::validation(
                        "roomData.uuid",
                        "must equal chatId when given",
                    ));
                }
                if same {
                    // The official SDK spreads `roomData` last: its uuid is sent as given.
                    body.insert(key.clone(), value.clone());
                }
            }
            _ => {
                body.insert(key.clone(), value.clone());
            }
        }
    }
    Ok(Value::Object(javascript_key_order(body)))
}

/// Keys of `userData` that `createUser` never forwards (as in the reference).
const CREATE_USER_RESERVED: [&str; 7] = [
    "email",
    "firstName",
    "lastName",
    "password",
    "uuid",
    "displayName",
    "role",
];

/// JavaScript's `\s` (and what `trim` removes): its white space and line terminators.
fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// Whether JavaScript's `value.length < 2` holds: strings count UTF-16 units, arrays their
/// items; other values have no length, and the comparison is false.
fn js_length_below_two(value: &Value) -> bool {
    match value {
        Value::String(text) => text.encode_utf16().nth(1).is_none(),
        Value::Array(items) => items.len() < 2,
        Value::Object(map) => map
            .get("length")
            .and_then(Value::as_f64)
            .is_some_and(|n| n < 2.0),
        _ => false,
    }
}

/// First and last name as the reference resolves them, values of any type as given (the
/// server judges them), except that a `lastName` given without a `firstName` is kept instead
/// of being dropped.
fn resolve_names(user: Option<&Map<String, Value>>) -> Result<(Value, Value)> {
    let last = truthy_field(user, "lastName").cloned();
    let (first, last) = match (
        truthy_field(user, "firstName"),
        truthy_field(user, "displayName"),
    ) {
        (Some(first), _) => (first.clone(), last),
        (None, Some(display)) => {
            // The reference calls `displayName.trim()`: anything but a string throws there.
            let Value::String(display) = display else {
                return Err(EthoraError::validation(
                    "userData.displayName",
                    "must be a string",
                ));
            };
            let mut parts = display.split(js_space).filter(|part| !part.is_empty());
            let first = parts.next().unwrap_or("User").to_owned();
            let rest = parts.collect::<Vec<_>>().join(" ");
            let last = if rest.is_empty() {
                last
            } else {
                Some(Value::String(rest))
            };
            (Value::String(first), last)
        }
        (None, None) => (Value::String("User".into()), last),
    };
    // The API needs a lastName of at least 2 characters: `!lastName || lastName.length < 2`.
    let last = match last {
        Some(last) if !js_length_below_two(&last) => last,
        _ => Value::String("User".into()),
    };
    Ok((first, last))
}

/// POST /v2/users/batch with one user.
pub fn create_user(user_id: &str, user_data: Option<&Value>) -> Result<ApiRequest> {
    require_id("userId", user_id)?;
    let user = optional_object(user_data, "userData")?;
    let email = truthy_field(user, "email")
        .cloned()
        .unwrap_or_else(|| Value::String(format!("{}@example.com", uuid::Uuid::new_v4())));
    let password = truthy_field(user, "password")
        .cloned()
        .unwrap_or_else(|| Value::String(format!("password_{user_id}")));
    let (first_name, last_name) = resolve_names(user)?;
    let mut entry = Map::new();
    entry.insert("uuid".into(), Value::String(user_id.to_owned()));
    entry.insert("email".into(), email);
    entry.insert("firstName".into(), first_name);
    entry.insert("lastName".into(), last_name);
    entry.insert("password".into(), password);
    for (key, value) in user.into_iter().flatten() {
        if !CREATE_USER_RESERVED.contains(&key.as_str()) {
            entry.insert(key.clone(), value.clone());
        }
    }
    Ok(
        ApiRequest::fixed(HttpMethod::Post, "/v2/users/batch").with_body(json!({
            "bypassEmailConfirmation": true,
            "usersList": [Value::Object(javascript_key_order(entry))],
        })),
    )
}

/// POST /v2/chats.
pub fn create_chat_room(chat_id: &str, room_data: Option<&Value>) -> Result<ApiRequest> {
    require_id("chatId", chat_id)?;
    Ok(ApiRequest::fixed(HttpMethod::Post, "/v2/chats")
        .with_body(chat_room_body(chat_id, room_data)?))
}

fn users_access_body(app_id: &str, chat_id: &str, user_ids: &[String]) -> Result<Value> {
    require_id("chatId", chat_id)?;
    Ok(json!({
        "chatName": scoped_chat_name(app_id, chat_id),
        "members": scoped_members(app_id, "userId", user_ids)?,
    }))
}

/// POST /v2/chats/users-access.
pub fn grant_user_access(app_id: &str, chat_id: &str, user_ids: &[String]) -> Result<ApiRequest> {
    Ok(
        ApiRequest::fixed(HttpMethod::Post, "/v2/chats/users-access")
            .with_body(users_access_body(app_id, chat_id, user_ids)?),
    )
}

/// DELETE /v2/chats/users-access.
pub fn remove_user_access(app_id: &str, chat_id: &str, user_ids: &[String]) -> Result<ApiRequest> {
    Ok(
        ApiRequest::fixed(HttpMethod::Delete, "/v2/chats/users-access")
            .with_body(users_access_body(app_id, chat_id, user_ids)?),
    )
}

/// DELETE /v1/users/batch; resolves `{ ok: false }` when the users do not exist.
pub fn delete_users(user_ids: &[String]) -> Result<ApiRequest> {
    Ok(ApiRequest::fixed(HttpMethod::Delete, "/v1/users/batch")
        .with_body(json!({ "usersIdList": non_empty_ids("userIds", user_ids)? }))
        .resolving_not_found_with(json!({ "ok": false })))
}

/// DELETE /v1/chats; resolves `{ ok: false, reason: "Chat room not found" }` for a missing room.
pub fn delete_chat_room(app_id: &str, chat_id: &str) -> Result<ApiRequest> {
    require_id("chatId", chat_id)?;
    Ok(ApiRequest::fixed(HttpMethod::Delete, "/v1/chats")
        .with_body(json!({ "name": scoped_chat_name(app_id, chat_id) }))
        .resolving_not_found_with(json!({ "ok": false, "reason": "Chat room not found" })))
}

/// Fields `updateUsers` forwards (the API ignores the rest).
const UPDATE_USER_FIELDS: [&str; 5] = [
    "xmppUsername",
    "firstName",
    "lastName",
    "username",
    "profileImage",
];

/// PATCH /v2/chats/users with 1-100 users. Each entry keeps its truthy `xmppUsername`,
/// `firstName`, `lastName`, `username` and `profileImage`; an entry with only a `userId`
/// gets the xmpp username `{appId}_{userId}` instead of becoming `{}`.
pub fn update_users(app_id: &str, users: &Value) -> Result<ApiRequest> {
    let list = user_batch("users", Some(users))?;
    let mut cleaned = Vec::with_capacity(list.len());
    for (index, user) in list.iter().enumerate() {
        let argument = format!("users[{index}]");
        let user = required_object(&argument, Some(user))?;
        let mut entry = Map::new();
        for field in UPDATE_USER_FIELDS {
            if let Some(value) = truthy_field(Some(user), field) {
                entry.insert(field.into(), value.clone());
            }
        }
        if !entry.contains_key("xmppUsername") {
            let user_id = truthy_field(Some(user), "userId");
            match user_id.map(|id| crate::args::id_text(id).ok_or(id)) {
                Some(Ok(user_id)) => {
                    let scoped = crate::naming::scoped_member(app_id, &user_id);
                    let mut with_name = Map::new();
                    with_name.insert("xmppUsername".into(), Value::String(scoped));
                    with_name.extend(entry);
                    entry = with_name;
                }
                Some(Err(_)) => {
                    return Err(EthoraError::validation(
                        format!("{argument}.userId"),
                        crate::calls::ID_RULE,
                    ))
                }
                None => {
                    return Err(EthoraError::validation(
                        argument,
                        "needs an xmppUsername or a userId",
                    ))
                }
            }
        }
        cleaned.push(Value::Object(entry));
    }
    Ok(ApiRequest::fixed(HttpMethod::Patch, "/v2/chats/users")
        .with_body(json!({ "users": cleaned })))
}

/// GET /v2/chats/users with the reference's manual query (encodeURIComponent for strings).
pub fn get_users(params: &UsersQuery) -> Result<ApiRequest> {
    let mut query = Query::default();
    for (key, value) in [
        ("chatName", &params.chat_name),
        ("xmppUsername", &params.xmpp_username),
        ("userId", &params.user_id),
    ] {
        if let Some(value) = value {
            query.text(key, value);
        }
    }
    for (key, value) in [("limit", &params.limit), ("offset", &params.offset)] {
        if let Some(value) = value {
            query.raw(key, value);
        }
    }
    Ok(ApiRequest::fixed(HttpMethod::Get, "/v2/chats/users").with_query(query.finish()))
}

/// GET /v2/apps/{appId}/users/{userId}/chats.
pub fn get_user_chats(app_id: &str, user_id: &str, params: &ChatsQuery) -> Result<ApiRequest> {
    let path = app_path(
        app_id,
        &format!("/users/{}/chats", id_segment("userId", user_id)?),
    )?;
    let mut query = Query::default();
    for (key, value) in [("limit", &params.limit), ("offset", &params.offset)] {
        if let Some(value) = value {
            query.raw(key, value);
        }
    }
    if let Some(include) = &params.include_members {
        query.text("includeMembers", include);
    }
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/users/{userId}/chats",
        HttpMethod::Get,
        path,
    )
    .with_query(query.finish()))
}

/// PATCH /v2/apps/{appId}/chats/{chatName}; the body is `updateData` as given.
pub fn update_chat_room(app_id: &str, chat_id: &str, update_data: &Value) -> Result<ApiRequest> {
    require_id("chatId", chat_id)?;
    let update = required_object("updateData", Some(update_data))?;
    let chat_name = scoped_chat_name(app_id, chat_id);
    let path = app_path(
        app_id,
        &format!("/chats/{}", id_segment("chatId", &chat_name)?),
    )?;
    Ok(
        ApiRequest::at("/v2/apps/{appId}/chats/{chatName}", HttpMethod::Patch, path)
            .with_body(Value::Object(update.clone())),
    )
}

/// `URLSearchParams` over the pairs, in order.
fn search_params(params: &FormQuery) -> String {
    let mut query = Query::default();
    for (key, value) in &params.0 {
        query.form(key, value);
    }
    query.finish()
}

/// GET /v2/apps with every given query key.
pub fn list_apps(params: &FormQuery) -> Result<ApiRequest> {
    Ok(ApiRequest::fixed(HttpMethod::Get, "/v2/apps").with_query(search_params(params)))
}

/// GET /v2/apps/{appId}.
pub fn get_app(app_id: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}",
        HttpMethod::Get,
        app_path(app_id, "")?,
    ))
}

/// POST /v2/apps; `displayName` is required, every other key is forwarded.
pub fn create_app(app_data: &Value) -> Result<ApiRequest> {
    let app = required_object("appData", Some(app_data))?;
    match app.get("displayName") {
        Some(Value::String(name)) if !name.trim().is_empty() => {}
        _ => {
            return Err(EthoraError::validation(
                "appData.displayName",
                "must be a string that is not blank",
            ))
        }
    }
    Ok(ApiRequest::fixed(HttpMethod::Post, "/v2/apps").with_body(Value::Object(app.clone())))
}

/// DELETE /v2/apps/{appId}.
pub fn delete_app(app_id: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}",
        HttpMethod::Delete,
        app_path(app_id, "")?,
    ))
}

/// GET /v2/apps/{appId}/tokens.
pub fn list_app_tokens(app_id: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/tokens",
        HttpMethod::Get,
        app_path(app_id, "/tokens")?,
    ))
}

/// A payload sent as the official SDK sends `payload || {}`: an object as given, `{}` for a
/// falsy value; anything else is refused.
fn payload_or_empty(argument: &str, payload: Option<&Value>) -> Result<Value> {
    Ok(Value::Object(
        optional_object(payload, argument)?
            .cloned()
            .unwrap_or_default(),
    ))
}

/// POST /v2/apps/{appId}/tokens with the payload (`{ label? }`, and any other key) or `{}`.
pub fn create_app_token(app_id: &str, payload: Option<&Value>) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/tokens",
        HttpMethod::Post,
        app_path(app_id, "/tokens")?,
    )
    .with_body(payload_or_empty("payload", payload)?))
}

/// DELETE /v2/apps/{appId}/tokens/{tokenId}.
pub fn revoke_app_token(app_id: &str, token_id: &str) -> Result<ApiRequest> {
    let path = app_path(
        app_id,
        &format!("/tokens/{}", id_segment("tokenId", token_id)?),
    )?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/tokens/{tokenId}",
        HttpMethod::Delete,
        path,
    ))
}

/// POST /v2/apps/{appId}/tokens/{tokenId}/rotate with the payload or `{}`.
pub fn rotate_app_token(
    app_id: &str,
    token_id: &str,
    payload: Option<&Value>,
) -> Result<ApiRequest> {
    let path = app_path(
        app_id,
        &format!("/tokens/{}/rotate", id_segment("tokenId", token_id)?),
    )?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/tokens/{tokenId}/rotate",
        HttpMethod::Post,
        path,
    )
    .with_body(payload_or_empty("payload", payload)?))
}

/// POST /v2/apps/{appId}/provision with the payload or `{}`.
pub fn provision_app(app_id: &str, payload: Option<&Value>) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/provision",
        HttpMethod::Post,
        app_path(app_id, "/provision")?,
    )
    .with_body(payload_or_empty("payload", payload)?))
}

/// GET /v2/apps/{appId}/bot.
pub fn get_app_bot(app_id: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/bot",
        HttpMethod::Get,
        app_path(app_id, "/bot")?,
    ))
}

/// PUT /v2/apps/{appId}/bot with the payload as given.
pub fn update_app_bot(app_id: &str, payload: &Value) -> Result<ApiRequest> {
    let bot = required_object("payload", Some(payload))?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/bot",
        HttpMethod::Put,
        app_path(app_id, "/bot")?,
    )
    .with_body(Value::Object(bot.clone())))
}

/// POST /v2/apps/{appId}/chats/broadcast. The API needs `text` and exactly one target
/// (`allRooms: true`, `chatNames` or `chatIds`); both are checked before sending.
pub fn broadcast_to_app_chats(app_id: &str, payload: &Value) -> Result<ApiRequest> {
    let broadcast = required_object("payload", Some(payload))?;
    match broadcast.get("text") {
        Some(Value::String(text)) if !text.trim().is_empty() => {}
        _ => {
            return Err(EthoraError::validation(
                "payload.text",
                "must be a string that is not blank",
            ))
        }
    }
    let targets = [
        broadcast.get("allRooms") == Some(&Value::Bool(true)),
        broadcast
            .get("chatNames")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty()),
        broadcast
            .get("chatIds")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty()),
    ];
    if targets.iter().filter(|t| **t).count() != 1 {
        return Err(EthoraError::validation(
            "payload",
            "needs exactly one target: allRooms: true, chatNames or chatIds",
        ));
    }
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/chats/broadcast",
        HttpMethod::Post,
        app_path(app_id, "/chats/broadcast")?,
    )
    .with_body(Value::Object(broadcast.clone())))
}

/// GET /v2/apps/{appId}/chats/broadcast/{jobId}.
pub fn get_app_broadcast_job(app_id: &str, job_id: &str) -> Result<ApiRequest> {
    let path = app_path(
        app_id,
        &format!("/chats/broadcast/{}", id_segment("jobId", job_id)?),
    )?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/chats/broadcast/{jobId}",
        HttpMethod::Get,
        path,
    ))
}

/// GET /v1/apps/users/{xmppUsername}, encoded with encodeURIComponent as the reference does.
pub fn get_app_user_by_xmpp_username(xmpp_username: &str) -> Result<ApiRequest> {
    id_segment("xmppUsername", xmpp_username)?;
    Ok(ApiRequest::at(
        "/v1/apps/users/{xmppUsername}",
        HttpMethod::Get,
        format!("/v1/apps/users/{}", encode::uri_component(xmpp_username)),
    ))
}

/// POST /v2/apps/{appId}/users/batch with 1-100 users.
pub fn create_users_in_app(app_id: &str, payload: &Value) -> Result<ApiRequest> {
    let batch = required_object("payload", Some(payload))?;
    user_batch("payload.usersList", batch.get("usersList"))?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/users/batch",
        HttpMethod::Post,
        app_path(app_id, "/users/batch")?,
    )
    .with_body(Value::Object(batch.clone())))
}

/// GET /v2/apps/{appId}/users/batch/{jobId}.
pub fn get_users_batch_job(app_id: &str, job_id: &str) -> Result<ApiRequest> {
    let path = app_path(
        app_id,
        &format!("/users/batch/{}", id_segment("jobId", job_id)?),
    )?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/users/batch/{jobId}",
        HttpMethod::Get,
        path,
    ))
}

/// DELETE /v2/apps/{appId}/users/batch; missing users resolve `{ ok: false }` like `deleteUsers`.
pub fn delete_users_in_app(app_id: &str, user_ids: &[String]) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/users/batch",
        HttpMethod::Delete,
        app_path(app_id, "/users/batch")?,
    )
    .with_body(json!({ "usersIdList": non_empty_ids("userIds", user_ids)? }))
    .resolving_not_found_with(json!({ "ok": false })))
}

/// POST /v2/apps/{appId}/chats with the same defaults as `createChatRoom`.
pub fn create_chat_room_in_app(
    app_id: &str,
    chat_id: &str,
    room_data: Option<&Value>,
) -> Result<ApiRequest> {
    require_id("chatId", chat_id)?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/chats",
        HttpMethod::Post,
        app_path(app_id, "/chats")?,
    )
    .with_body(chat_room_body(chat_id, room_data)?))
}

/// GET /v2/apps/{appId}/chats with every given query key.
pub fn list_chats_in_app(app_id: &str, params: &FormQuery) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/chats",
        HttpMethod::Get,
        app_path(app_id, "/chats")?,
    )
    .with_query(search_params(params)))
}

/// DELETE /v2/apps/{appId}/chats; a missing room resolves like `deleteChatRoom`.
pub fn delete_chat_room_in_app(app_id: &str, chat_id: &str) -> Result<ApiRequest> {
    require_id("chatId", chat_id)?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/chats",
        HttpMethod::Delete,
        app_path(app_id, "/chats")?,
    )
    .with_body(json!({ "name": scoped_chat_name(app_id, chat_id) }))
    .resolving_not_found_with(json!({ "ok": false, "reason": "Chat room not found" })))
}

/// POST /v2/apps/{appId}/chats/users-access.
pub fn grant_user_access_in_app(
    app_id: &str,
    chat_id: &str,
    user_ids: &[String],
) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/chats/users-access",
        HttpMethod::Post,
        app_path(app_id, "/chats/users-access")?,
    )
    .with_body(users_access_body(app_id, chat_id, user_ids)?))
}

/// DELETE /v2/apps/{appId}/chats/users-access.
pub fn remove_user_access_in_app(
    app_id: &str,
    chat_id: &str,
    user_ids: &[String],
) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/chats/users-access",
        HttpMethod::Delete,
        app_path(app_id, "/chats/users-access")?,
    )
    .with_body(users_access_body(app_id, chat_id, user_ids)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "app123";

    fn body(request: &ApiRequest) -> &Value {
        request.body.as_ref().unwrap()
    }

    #[test]
    fn create_user_defaults_and_drops() {
        let data = json!({"firstName": "A", "lastName": "B", "role": "admin", "profileImage": "p"});
        let request = create_user("user-1", Some(&data)).unwrap();
        assert_eq!(request.method, HttpMethod::Post);
        assert_eq!(request.path, "/v2/users/batch");
        let user = &body(&request)["usersList"][0];
        assert_eq!(body(&request)["bypassEmailConfirmation"], true);
        assert_eq!(user["uuid"], "user-1");
        assert_eq!(user["firstName"], "A");
        assert_eq!(user["lastName"], "User");
        assert_eq!(user["password"], "password_user-1");
        assert_eq!(user["profileImage"], "p");
        assert!(user.get("role").is_none());
        let email = user["email"].as_str().unwrap();
        assert!(email.ends_with("@example.com") && email.len() == 36 + 12);
        let keys: Vec<_> = user.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "uuid",
                "email",
                "firstName",
                "lastName",
                "password",
                "profileImage"
            ]
        );
    }

    #[test]
    fn create_user_display_name_split_and_lone_last_name() {
        let data = json!({"displayName": "  Ada  King Lovelace "});
        let request = create_user("u", Some(&data)).unwrap();
        assert_eq!(body(&request)["usersList"][0]["firstName"], "Ada");
        assert_eq!(body(&request)["usersList"][0]["lastName"], "King Lovelace");
        let data = json!({"lastName": "Doe", "email": "d@x.io"});
        let request = create_user("u", Some(&data)).unwrap();
        assert_eq!(body(&request)["usersList"][0]["firstName"], "User");
        assert_eq!(body(&request)["usersList"][0]["lastName"], "Doe");
        assert_eq!(body(&request)["usersList"][0]["email"], "d@x.io");
        assert!(create_user("", None).is_err());
        assert!(create_user("u", Some(&json!("userData"))).is_err());
    }

    #[test]
    fn chat_room_defaults_and_uuid_conflict() {
        let request = create_chat_room("room-1", None).unwrap();
        assert_eq!(
            body(&request),
            &json!({"title": "Chat Room room-1", "uuid": "room-1", "type": "group"})
        );
        let data = json!({"title": "Eng", "uuid": "room-1", "description": "d", "title2": null});
        let request = create_chat_room("room-1", Some(&data)).unwrap();
        assert_eq!(
            body(&request),
            &json!({"title": "Eng", "uuid": "room-1", "type": "group", "description": "d", "title2": null})
        );
        assert!(create_chat_room("room-1", Some(&json!({"uuid": "other"}))).is_err());
    }

    #[test]
    fn grant_and_remove_prefix_members_once() {
        let ids = vec!["u1".to_string(), "app123_u2".to_string()];
        let request = grant_user_access(APP, "room-3", &ids).unwrap();
        assert_eq!(request.path, "/v2/chats/users-access");
        assert_eq!(
            body(&request),
            &json!({"chatName": "app123_room-3", "members": ["app123_u1", "app123_u2"]})
        );
        let request = remove_user_access(APP, "room-5", &ids).unwrap();
        assert_eq!(request.method, HttpMethod::Delete);
        assert!(grant_user_access(APP, "room", &[]).is_err());
    }

    #[test]
    fn deletes_carry_bodies_and_not_found_results() {
        let request = delete_users(&["u1".into()]).unwrap();
        assert_eq!(request.path, "/v1/users/batch");
        assert_eq!(body(&request), &json!({"usersIdList": ["u1"]}));
        assert_eq!(
            request.not_found,
            crate::request::NotFound::ResolveWith(json!({"ok": false}))
        );
        assert!(delete_users(&[]).is_err());
        let request = delete_chat_room(APP, "room-7").unwrap();
        assert_eq!(body(&request), &json!({"name": "app123_room-7"}));
    }

    #[test]
    fn update_users_filter_and_limits() {
        let users = json!([{
            "userId": "u1", "xmppUsername": "app123_u1", "firstName": "John", "lastName": "Doe",
            "profileImage": "https://cdn/p.png", "email": "e@x", "roles": ["a"]
        }, {"userId": "u2", "lastName": ""}]);
        let request = update_users(APP, &users).unwrap();
        assert_eq!(
            body(&request),
            &json!({"users": [
                {"xmppUsername": "app123_u1", "firstName": "John", "lastName": "Doe", "profileImage": "https://cdn/p.png"},
                {"xmppUsername": "app123_u2"}
            ]})
        );
        let err = update_users(APP, &json!([])).unwrap_err();
        assert!(err.message.contains("At least 1 user"));
        let many = Value::Array(vec![json!({"xmppUsername": "x"}); 101]);
        assert!(update_users(APP, &many)
            .unwrap_err()
            .message
            .contains("Maximum 100 users"));
        assert!(update_users(APP, &json!([{"firstName": "x"}])).is_err());
    }

    /// The request `call` builds from its arguments (JSON, as the boundary reads them).
    fn call(call: crate::calls::ApiCall, arguments: &[Value]) -> Result<ApiRequest> {
        let values: Vec<_> = arguments.iter().cloned().map(Some).collect();
        crate::calls::build_request(call, APP, &values)
    }

    #[test]
    fn get_users_query_matches_reference() {
        use crate::calls::ApiCall::GetUsers;
        let q = |params: Value| call(GetUsers, &[params]).unwrap().path_and_query();
        assert_eq!(q(json!({})), "/v2/chats/users");
        assert_eq!(
            q(json!({"chatName": "a b", "xmppUsername": "u+1"})),
            "/v2/chats/users?chatName=a%20b&xmppUsername=u%2B1"
        );
        assert_eq!(
            q(json!({"offset": 50, "limit": 25, "userId": "mongo-id-9", "xmppUsername": "app123_u9", "chatName": "app123_room-9", "other": "x"})),
            "/v2/chats/users?chatName=app123_room-9&xmppUsername=app123_u9&userId=mongo-id-9&limit=25&offset=50"
        );
        // Truthiness and String(), as the reference reads them.
        assert_eq!(
            q(json!({"chatName": 0, "xmppUsername": 7, "userId": "", "limit": "20"})),
            "/v2/chats/users?xmppUsername=7&limit=20"
        );
        assert!(call(GetUsers, &[json!({"limit": 0})]).is_err());
        assert!(call(GetUsers, &[json!({"offset": -1})]).is_err());
    }

    #[test]
    fn app_paths_encode_segments() {
        let request = get_user_chats(APP, "u/1", &ChatsQuery::default()).unwrap();
        assert_eq!(request.path, "/v2/apps/app123/users/u%2F1/chats");
        let request = call(
            crate::calls::ApiCall::GetUserChats,
            &[
                json!("u2"),
                json!({"includeMembers": true, "limit": 10, "offset": 5}),
            ],
        )
        .unwrap();
        assert_eq!(
            request.path_and_query(),
            "/v2/apps/app123/users/u2/chats?limit=10&offset=5&includeMembers=true"
        );
        let update = json!({"title": "New"});
        assert_eq!(
            update_chat_room(APP, "r/1?x", &update).unwrap().path,
            "/v2/apps/app123/chats/app123_r%2F1%3Fx"
        );
        assert_eq!(
            update_chat_room(APP, "app123_room-3@conference.domain.com", &update)
                .unwrap()
                .path,
            "/v2/apps/app123/chats/app123_room-3@conference.domain.com"
        );
        assert_eq!(
            get_app_user_by_xmpp_username("app-1_user+1@example")
                .unwrap()
                .path,
            "/v1/apps/users/app-1_user%2B1%40example"
        );
        assert!(get_app("..").is_err());
    }

    #[test]
    fn list_queries_use_url_search_params() {
        use crate::calls::ApiCall::{ListApps, ListChatsInApp};
        let q = call(
            ListApps,
            &[json!({"limit": 10, "offset": 5, "order": "desc", "orderBy": "createdAt", "search": "a b"})],
        )
        .unwrap();
        assert_eq!(
            q.path_and_query(),
            "/v2/apps?limit=10&offset=5&order=desc&orderBy=createdAt&search=a+b"
        );
        assert_eq!(call(ListApps, &[]).unwrap().path_and_query(), "/v2/apps");
        assert!(call(ListApps, &[json!({"limit": 201})]).is_err());
        let q = call(
            ListChatsInApp,
            &[
                json!("app-1"),
                json!({"limit": 20, "offset": 10, "includeMembers": true, "search": "x"}),
            ],
        )
        .unwrap();
        assert_eq!(
            q.path_and_query(),
            "/v2/apps/app-1/chats?limit=20&offset=10&includeMembers=true&search=x"
        );
    }

    #[test]
    fn broadcast_needs_text_and_one_target() {
        assert!(broadcast_to_app_chats("a", &json!({"text": "hi", "allRooms": true})).is_ok());
        assert!(broadcast_to_app_chats("a", &json!({"text": "hi"})).is_err());
        assert!(broadcast_to_app_chats(
            "a",
            &json!({"text": "hi", "allRooms": true, "chatIds": ["x"]})
        )
        .is_err());
        assert!(broadcast_to_app_chats("a", &json!({"allRooms": true})).is_err());
    }

    #[test]
    fn token_bodies() {
        assert_eq!(body(&create_app_token("a", None).unwrap()), &json!({}));
        assert_eq!(
            body(&create_app_token("a", Some(&json!(null))).unwrap()),
            &json!({})
        );
        assert_eq!(
            body(&create_app_token("a", Some(&json!({"label": "L", "scopes": ["r"]}))).unwrap()),
            &json!({"label": "L", "scopes": ["r"]})
        );
        assert!(create_app_token("a", Some(&json!("label"))).is_err());
        assert_eq!(
            body(
                &rotate_app_token("a", "t1", Some(&json!({"label": "Primary token", "x": 1})))
                    .unwrap()
            ),
            &json!({"label": "Primary token", "x": 1})
        );
        assert_eq!(
            rotate_app_token("a", "t1", None).unwrap().path,
            "/v2/apps/a/tokens/t1/rotate"
        );
    }

    #[test]
    fn merged_bodies_keep_javascripts_key_order() {
        let data = json!({"title": "T", "b": 1, "10": "ten", "2": "two", "02": "not an index", "4294967295": "not one either"});
        let request = create_chat_room("r1", Some(&data)).unwrap();
        let keys: Vec<_> = body(&request)
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            keys,
            ["2", "10", "title", "uuid", "type", "b", "02", "4294967295"]
        );
    }

    #[test]
    fn update_chat_room_sends_every_key() {
        let update = json!({"title": "T", "description": "D", "picture": "p.png", "n": 1});
        let request = update_chat_room(APP, "room-1", &update).unwrap();
        assert_eq!(body(&request), &update);
        assert!(update_chat_room(APP, "room-1", &json!(null)).is_err());
    }

    /// The one user `createUser` sends for `data`.
    fn created_user(data: &Value) -> Value {
        body(&create_user("u", Some(data)).unwrap())["usersList"][0].clone()
    }

    #[test]
    fn create_user_forwards_values_the_server_judges() {
        let data = json!({"firstName": 123, "lastName": 42, "email": 7, "tags": [1], "n": null});
        let user = created_user(&data);
        assert_eq!(user["firstName"], 123);
        assert_eq!(user["lastName"], 42);
        assert_eq!(user["email"], 7);
        assert_eq!(user["n"], Value::Null);
        // `lastName.length < 2` in JavaScript: one-item arrays and one-unit strings are short.
        for (last, sent) in [
            (json!(["a"]), json!("User")),
            (json!(["a", "b"]), json!(["a", "b"])),
            (json!("é"), json!("User")),
            (json!("\u{1F600}"), json!("\u{1F600}")),
        ] {
            let data = json!({"firstName": "A", "lastName": last});
            let user = created_user(&data);
            assert_eq!(user["lastName"], sent);
        }
        // displayName splits on JavaScript's white space, U+FEFF included, U+0085 not.
        let data = json!({"displayName": "\u{FEFF}Ada\u{3000}King\u{85}X"});
        let user = created_user(&data);
        assert_eq!(user["firstName"], "Ada");
        assert_eq!(user["lastName"], "King\u{85}X");
        let error = create_user("u", Some(&json!({"displayName": 5}))).unwrap_err();
        assert_eq!(error.argument.as_deref(), Some("userData.displayName"));
    }
}
