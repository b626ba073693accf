//! Turning a status and body into the value an SDK call resolves with, as the reference does.

use serde_json::Value;

use crate::error::{EthoraError, Result};
use crate::request::NotFound;

/// A response body as axios would hand it over.
#[derive(Debug, PartialEq)]
pub enum Body {
    /// The body parsed as JSON (a bare JSON string included).
    Json(Value),
    /// Empty, or not JSON: the text itself.
    Text(String),
}

impl Body {
    pub fn into_value(self) -> Value {
        match self {
            Body::Json(value) => value,
            Body::Text(text) => Value::String(text),
        }
    }
}

/// Parsed JSON when it parses, else the text itself.
pub fn parse_body(bytes: &[u8]) -> Body {
    if bytes.is_empty() {
        return Body::Text(String::new());
    }
    match serde_json::from_slice(bytes) {
        Ok(value) => Body::Json(value),
        Err(_) => Body::Text(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// Whether a 422 body says the target does not exist: a text body containing "not found"
/// (what the reference checks), or a JSON object whose `error`/`message`/`reason` says so.
fn says_not_found(body: &Value) -> bool {
    let mentions = |text: &str| text.to_lowercase().contains("not found");
    match body {
        Value::String(text) => mentions(text),
        Value::Object(map) => ["error", "message", "reason"]
            .iter()
            .filter_map(|key| map.get(*key).and_then(Value::as_str))
            .any(mentions),
        _ => false,
    }
}

/// Success: the body, with `url` added to objects that do not already carry one.
/// Failure: an `ETHORA_HTTP` error, unless the operation resolves "not found".
pub fn interpret(
    method: &'static str,
    url: &str,
    status: u16,
    body: Value,
    not_found: &NotFound,
) -> Result<Value> {
    if (200..300).contains(&status) {
        let mut body = body;
        if let Value::Object(map) = &mut body {
            map.entry("url")
                .or_insert_with(|| Value::String(url.to_owned()));
        }
        return Ok(body);
    }
    if let NotFound::ResolveWith(value) = not_found {
        if status == 422 && says_not_found(&body) {
            return Ok(value.clone());
        }
    }
    Err(EthoraError::http(method, url.to_owned(), status, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn success_adds_url_to_objects_only() {
        let v = interpret("GET", "http://h/x", 200, json!({"a": 1}), &NotFound::Fail).unwrap();
        assert_eq!(v, json!({"a": 1, "url": "http://h/x"}));
        let v = interpret(
            "GET",
            "http://h/x",
            200,
            json!({"url": "server"}),
            &NotFound::Fail,
        )
        .unwrap();
        assert_eq!(v["url"], "server");
        let v = interpret("GET", "http://h/x", 200, json!([1]), &NotFound::Fail).unwrap();
        assert_eq!(v, json!([1]));
        assert_eq!(parse_body(b""), Body::Text(String::new()));
        assert_eq!(parse_body(b"plain"), Body::Text("plain".into()));
        // A bare JSON string is JSON, not text that failed to parse.
        assert_eq!(parse_body(br#""ok""#), Body::Json(json!("ok")));
        assert_eq!(parse_body(br#""ok""#).into_value(), json!("ok"));
    }

    #[test]
    fn not_found_422_resolves_only_where_asked() {
        let resolve = NotFound::ResolveWith(json!({"ok": false}));
        let v = interpret("DELETE", "u", 422, json!("User not found"), &resolve).unwrap();
        assert_eq!(v, json!({"ok": false}));
        let v = interpret(
            "DELETE",
            "u",
            422,
            json!({"error": "Chat NOT FOUND"}),
            &resolve,
        )
        .unwrap();
        assert_eq!(v, json!({"ok": false}));
        let err =
            interpret("DELETE", "u", 422, json!("User not found"), &NotFound::Fail).unwrap_err();
        assert_eq!(err.status, Some(422));
        let err = interpret("DELETE", "u", 500, json!("not found"), &resolve).unwrap_err();
        assert_eq!(err.code_str(), "ETHORA_HTTP");
        assert!(interpret("DELETE", "u", 422, json!("invalid"), &resolve).is_err());
    }
}
