//! Reading loosely typed arguments (JSON from JavaScript) into the operations' inputs, with
//! errors that name the argument and the rule. Both bindings use these.

use serde_json::{Map, Value};

use crate::error::{EthoraError, Result};
use crate::operations::{AppsQuery, ChatsQuery, UsersQuery};

/// A required id: a non-blank string.
pub fn id<'a>(value: Option<&'a Value>, argument: &str) -> Result<&'a str> {
    match value {
        Some(Value::String(id)) => crate::naming::require_id(argument, id),
        _ => Err(EthoraError::validation(
            argument,
            "must be a non-empty string",
        )),
    }
}

/// An optional object argument: absent or `null` is `None`.
pub fn optional_object<'a>(
    value: Option<&'a Value>,
    argument: &str,
) -> Result<Option<&'a Map<String, Value>>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(EthoraError::validation(argument, "must be an object")),
    }
}

fn field<'a>(map: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a Value> {
    map.and_then(|m| m.get(key)).filter(|v| !v.is_null())
}

fn string(map: Option<&Map<String, Value>>, argument: &str, key: &str) -> Result<Option<String>> {
    match field(map, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(EthoraError::validation(
            format!("{argument}.{key}"),
            "must be a string",
        )),
    }
}

fn number(map: Option<&Map<String, Value>>, argument: &str, key: &str) -> Result<Option<f64>> {
    match field(map, key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(EthoraError::validation(
            format!("{argument}.{key}"),
            "must be a number",
        )),
    }
}

fn boolean(map: Option<&Map<String, Value>>, argument: &str, key: &str) -> Result<Option<bool>> {
    match field(map, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(EthoraError::validation(
            format!("{argument}.{key}"),
            "must be a boolean",
        )),
    }
}

/// `GetUsersQueryParams`.
pub fn users_query(value: Option<&Value>, argument: &str) -> Result<UsersQuery> {
    let map = optional_object(value, argument)?;
    Ok(UsersQuery {
        chat_name: string(map, argument, "chatName")?,
        xmpp_username: string(map, argument, "xmppUsername")?,
        user_id: string(map, argument, "userId")?,
        limit: number(map, argument, "limit")?,
        offset: number(map, argument, "offset")?,
    })
}

/// `GetUserChatsQueryParams` / `ListAppChatsQueryParams`.
pub fn chats_query(value: Option<&Value>, argument: &str) -> Result<ChatsQuery> {
    let map = optional_object(value, argument)?;
    Ok(ChatsQuery {
        limit: number(map, argument, "limit")?,
        offset: number(map, argument, "offset")?,
        include_members: boolean(map, argument, "includeMembers")?,
    })
}

/// `ListAppsQueryParams`.
pub fn apps_query(value: Option<&Value>, argument: &str) -> Result<AppsQuery> {
    let map = optional_object(value, argument)?;
    Ok(AppsQuery {
        limit: number(map, argument, "limit")?,
        offset: number(map, argument, "offset")?,
        order: string(map, argument, "order")?,
        order_by: string(map, argument, "orderBy")?,
    })
}

/// `{ label? }` of `createAppToken` / `rotateAppToken`.
pub fn token_label(value: Option<&Value>, argument: &str) -> Result<Option<String>> {
    string(optional_object(value, argument)?, argument, "label")
}

/// `{ title?, description? }` of `updateChatRoom`: only those two keys, as strings.
pub fn chat_update(value: Option<&Value>, argument: &str) -> Result<Value> {
    let map = optional_object(value, argument)?
        .ok_or_else(|| EthoraError::validation(argument, "is required and must be an object"))?;
    let mut body = Map::new();
    for key in ["title", "description"] {
        if let Some(text) = string(Some(map), argument, key)? {
            body.insert(key.into(), Value::String(text));
        }
    }
    Ok(Value::Object(body))
}

/// One id or a list of ids (`UUID | UUID[]`).
pub fn one_or_many_ids(value: Option<&Value>, argument: &str) -> Result<Vec<String>> {
    match value {
        Some(Value::String(id)) => Ok(vec![id.clone()]),
        Some(Value::Array(_)) => id_list(value, argument),
        _ => Err(EthoraError::validation(
            argument,
            "must be a string or an array of strings",
        )),
    }
}

/// A list of ids (`UUID[]`).
pub fn id_list(value: Option<&Value>, argument: &str) -> Result<Vec<String>> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(id) => Ok(id.clone()),
                _ => Err(EthoraError::validation(
                    argument,
                    "must contain only strings",
                )),
            })
            .collect(),
        _ => Err(EthoraError::validation(
            argument,
            "must be an array of strings",
        )),
    }
}

/// The client config object (`EthoraSDKConfig`); absent or `null` means all defaults.
pub fn config_input(value: Option<&Value>, argument: &str) -> Result<crate::config::ConfigInput> {
    let map = optional_object(value, argument).map_err(|_| {
        EthoraError::config("Invalid Ethora configuration: the config must be an object")
    })?;
    let as_config = |error: EthoraError| {
        EthoraError::config(format!("Invalid Ethora configuration: {}", error.message))
    };
    let text = |key| string(map, argument, key).map_err(as_config);
    let num = |key| number(map, argument, key).map_err(as_config);
    Ok(crate::config::ConfigInput {
        chat_api_url: text("chatApiUrl")?,
        chat_app_id: text("chatAppId")?,
        chat_app_secret: text("chatAppSecret")?,
        timeout_ms: num("timeoutMs")?,
        connect_timeout_ms: num("connectTimeoutMs")?,
        max_connections: num("maxConnections")?,
        max_retries: num("maxRetries")?,
        retry_base_delay_ms: num("retryBaseDelayMs")?,
        retry_max_delay_ms: num("retryMaxDelayMs")?,
        max_response_bytes: num("maxResponseBytes")?,
        log_level: text("logLevel")?,
        ca: ca_list(map.and_then(|m| m.get("ca")))?,
        proxy: proxy_setting(map.and_then(|m| m.get("proxy")))?,
    })
}

/// `ca`: PEM text or a list of them.
fn ca_list(value: Option<&Value>) -> Result<Option<Vec<String>>> {
    let invalid = || {
        EthoraError::config(
            "Invalid Ethora configuration: `ca` must be a PEM string or an array of PEM strings",
        )
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(pem)) => Ok(Some(vec![pem.clone()])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(invalid))
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(invalid()),
    }
}

/// `proxy`: a URL, or `false` for none.
fn proxy_setting(value: Option<&Value>) -> Result<Option<crate::config::ProxySetting>> {
    use crate::config::ProxySetting;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(false)) => Ok(Some(ProxySetting::Off)),
        Some(Value::String(url)) if !url.is_empty() => Ok(Some(ProxySetting::Url(url.clone()))),
        Some(_) => Err(crate::config::invalid_proxy()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_fields_and_named_errors() {
        let q = users_query(
            Some(&json!({"chatName": "a", "limit": 5, "offset": null})),
            "params",
        )
        .unwrap();
        assert_eq!(q.chat_name.as_deref(), Some("a"));
        assert_eq!(q.limit, Some(5.0));
        assert_eq!(q.offset, None);
        let err = users_query(Some(&json!({"limit": "10"})), "params").unwrap_err();
        assert_eq!(err.argument.as_deref(), Some("params.limit"));
        assert!(chats_query(Some(&json!({"includeMembers": "yes"})), "params").is_err());
        assert!(apps_query(Some(&json!(5)), "params").is_err());
        assert_eq!(users_query(None, "params").unwrap(), UsersQuery::default());
    }

    #[test]
    fn ca_and_proxy_options() {
        use crate::config::ProxySetting;
        let input =
            config_input(Some(&json!({"ca": ["A", "B"], "proxy": false})), "config").unwrap();
        assert_eq!(input.ca, Some(vec!["A".to_owned(), "B".to_owned()]));
        assert_eq!(input.proxy, Some(ProxySetting::Off));
        let input = config_input(
            Some(&json!({"ca": "PEM", "proxy": "http://u:p@h:1"})),
            "config",
        )
        .unwrap();
        assert_eq!(input.ca, Some(vec!["PEM".to_owned()]));
        assert_eq!(
            input.proxy,
            Some(ProxySetting::Url("http://u:p@h:1".into()))
        );
        for bad in [
            json!({"proxy": true}),
            json!({"proxy": ""}),
            json!({"ca": 5}),
            json!({"ca": ["x", 1]}),
        ] {
            let error = config_input(Some(&bad), "config").unwrap_err();
            assert_eq!(error.code_str(), "ETHORA_CONFIG", "{bad}");
        }
        // The proxy URL may hold credentials: Debug never shows it.
        assert_eq!(
            format!("{:?}", ProxySetting::Url("http://u:secret@h".into())),
            "Url([redacted])"
        );
    }

    #[test]
    fn ids_and_updates() {
        assert_eq!(
            one_or_many_ids(Some(&json!("u1")), "userId").unwrap(),
            ["u1"]
        );
        assert_eq!(
            one_or_many_ids(Some(&json!(["a", "b"])), "userId").unwrap(),
            ["a", "b"]
        );
        assert!(one_or_many_ids(Some(&json!(5)), "userId").is_err());
        assert!(id_list(Some(&json!(["a", 1])), "userIds").is_err());
        assert_eq!(
            chat_update(Some(&json!({"title": "T", "other": 1})), "updateData").unwrap(),
            json!({"title": "T"})
        );
        assert!(chat_update(None, "updateData").is_err());
        assert!(chat_update(Some(&json!({"title": 5})), "updateData").is_err());
    }
}
