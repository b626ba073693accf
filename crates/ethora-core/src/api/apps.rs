//! Apps: list, get, create, delete, provision, and an app's bot.

use serde_json::Value;

use crate::api::common::*;
use crate::api::query::*;
use crate::error::{EthoraError, Result};
use crate::request::{ApiRequest, HttpMethod};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{chats::*, users::*};
    use serde_json::json;

    const APP: &str = "app123";

    /// The request `call` builds from its arguments (JSON, as the boundary reads them).
    fn call(call: crate::api::ApiCall, arguments: &[Value]) -> Result<ApiRequest> {
        let values: Vec<_> = arguments.iter().cloned().map(Some).collect();
        crate::api::build_request(call, APP, &values)
    }

    #[test]
    fn app_paths_encode_segments() {
        let request = get_user_chats(APP, "u/1", &ChatsQuery::default()).unwrap();
        assert_eq!(request.path, "/v2/apps/app123/users/u%2F1/chats");
        let request = call(
            crate::api::ApiCall::GetUserChats,
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
        use crate::api::ApiCall::{ListApps, ListChatsInApp};
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
}
