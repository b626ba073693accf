//! Chat rooms: create, update, delete, list, grant and remove access, broadcast.

use serde_json::{json, Map, Value};

use crate::api::arguments::optional_object;
use crate::api::common::*;
use crate::api::query::*;
use crate::error::{EthoraError, Result};
use crate::javascript::*;
use crate::naming::{id_segment, require_id, scoped_chat_name, scoped_members};
use crate::request::{ApiRequest, HttpMethod};

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
                let same =
                    crate::api::arguments::id_text(value).is_some_and(|uuid| uuid == chat_id);
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

/// DELETE /v1/chats; resolves `{ ok: false, reason: "Chat room not found" }` for a missing room.
pub fn delete_chat_room(app_id: &str, chat_id: &str) -> Result<ApiRequest> {
    require_id("chatId", chat_id)?;
    Ok(ApiRequest::fixed(HttpMethod::Delete, "/v1/chats")
        .with_body(json!({ "name": scoped_chat_name(app_id, chat_id) }))
        .resolving_not_found_with(json!({ "ok": false, "reason": "Chat room not found" })))
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

/// Most messages one page of a room's history holds (Ethora's MCP server).
pub const MAX_MESSAGES_PER_PAGE: f64 = 100.0;

/// GET /v2/apps/{appId}/chats/{chatId}/messages with the server token: `chat_id` is the
/// room's `_id`, sent as it is (not scoped); the query goes as `listChatsInApp`'s does.
pub fn get_chat_messages_in_app(
    app_id: &str,
    chat_id: &str,
    params: &FormQuery,
) -> Result<ApiRequest> {
    let rest = format!("/chats/{}/messages", id_segment("chatId", chat_id)?);
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/chats/{chatId}/messages",
        HttpMethod::Get,
        app_path(app_id, &rest)?,
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
    users_access_in_app(HttpMethod::Post, app_id, chat_id, user_ids)
}

/// DELETE /v2/apps/{appId}/chats/users-access.
pub fn remove_user_access_in_app(
    app_id: &str,
    chat_id: &str,
    user_ids: &[String],
) -> Result<ApiRequest> {
    users_access_in_app(HttpMethod::Delete, app_id, chat_id, user_ids)
}

/// The child app's users-access request, granting (POST) or removing (DELETE).
fn users_access_in_app(
    method: HttpMethod,
    app_id: &str,
    chat_id: &str,
    user_ids: &[String],
) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/chats/users-access",
        method,
        app_path(app_id, "/chats/users-access")?,
    )
    .with_body(users_access_body(app_id, chat_id, user_ids)?))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::HttpMethod;
    use serde_json::json;

    const APP: &str = "app123";

    fn body(request: &ApiRequest) -> &Value {
        request.body.as_ref().unwrap()
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

    #[test]
    fn chat_messages_page_by_room_id() {
        let page = FormQuery(vec![
            ("limit".into(), "20".into()),
            ("before".into(), "m 1".into()),
        ]);
        let request = get_chat_messages_in_app("app-1", "65f0c0ffee/1", &page).unwrap();
        assert_eq!(request.method, HttpMethod::Get);
        assert_eq!(
            request.path_and_query(),
            "/v2/apps/app-1/chats/65f0c0ffee%2F1/messages?limit=20&before=m+1"
        );
        assert_eq!(request.body, None);
        let first = get_chat_messages_in_app("app-1", "r1", &FormQuery::default()).unwrap();
        assert_eq!(first.path_and_query(), "/v2/apps/app-1/chats/r1/messages");
        assert!(get_chat_messages_in_app("app-1", "", &FormQuery::default()).is_err());
        let too_many = crate::api::build_request(
            crate::api::ApiCall::GetChatMessagesInApp,
            APP,
            &[
                Some(json!("app-1")),
                Some(json!("r1")),
                Some(json!({ "limit": 101 })),
            ],
        );
        assert_eq!(
            too_many.unwrap_err().argument.as_deref(),
            Some("params.limit")
        );
    }
}
