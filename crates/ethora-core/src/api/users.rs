//! Users: create, update, delete, list, find by XMPP username, batch-create in an app.

use serde_json::{json, Map, Value};

use crate::api::arguments::optional_object;
use crate::api::common::*;
use crate::api::query::*;
use crate::encode;
use crate::error::{EthoraError, Result};
use crate::javascript::*;
use crate::naming::{id_segment, require_id};
use crate::request::{ApiRequest, HttpMethod};

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

/// DELETE /v1/users/batch; resolves `{ ok: false }` when the users do not exist.
pub fn delete_users(user_ids: &[String]) -> Result<ApiRequest> {
    Ok(ApiRequest::fixed(HttpMethod::Delete, "/v1/users/batch")
        .with_body(json!({ "usersIdList": non_empty_ids("userIds", user_ids)? }))
        .resolving_not_found_with(json!({ "ok": false })))
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
            match user_id.map(|id| crate::api::arguments::id_text(id).ok_or(id)) {
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
                        crate::api::ID_RULE,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::chats::delete_chat_room;
    use crate::request::HttpMethod;
    use serde_json::json;

    const APP: &str = "app123";

    fn body(request: &ApiRequest) -> &Value {
        request.body.as_ref().unwrap()
    }

    /// The request `call` builds from its arguments (JSON, as the boundary reads them).
    fn call(call: crate::api::ApiCall, arguments: &[Value]) -> Result<ApiRequest> {
        let values: Vec<_> = arguments.iter().cloned().map(Some).collect();
        crate::api::build_request(call, APP, &values)
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

    #[test]
    fn get_users_query_matches_reference() {
        use crate::api::ApiCall::GetUsers;
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
