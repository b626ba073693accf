//! Turning a status and body into the value an SDK call resolves with, as the reference does.
//!
//! A successful JSON body is handed on as the text that came (checked, never rebuilt): the
//! bindings give it to the JavaScript engine's own `JSON.parse`, which is what axios does,
//! so the core neither builds a `serde_json::Value` nor serialises one again on the hot path.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
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

/// Text that is one valid JSON value: what a call resolves with.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonText(String);

impl JsonText {
    /// The JSON text of a value.
    pub fn from_value(value: &Value) -> Self {
        JsonText(value.to_string())
    }

    /// Text the caller built as valid JSON.
    pub(crate) fn from_trusted(text: String) -> Self {
        JsonText(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The top level of a JSON document, as far as the success path needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TopLevel {
    Object { empty: bool, has_url: bool },
    Other,
}

/// Reads a key and says whether it is `url`, without allocating.
struct KeyIsUrl;

impl<'de> DeserializeSeed<'de> for KeyIsUrl {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIsUrl {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == "url")
    }
}

/// Walks a whole object (every value checked, none kept) and reports its top level.
struct TopLevelVisitor;

impl<'de> Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let (mut empty, mut has_url) = (true, false);
        while let Some(is_url) = map.next_key_seed(KeyIsUrl)? {
            map.next_value::<IgnoredAny>()?;
            empty = false;
            has_url |= is_url;
        }
        Ok(TopLevel::Object { empty, has_url })
    }
}

/// The top level of `text` when it is exactly one JSON value (whitespace around it allowed).
fn scan(text: &str) -> Option<TopLevel> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    // Only an object's top level matters; anything else is walked as ignored values, which
    // also takes a number beyond a double (`1e400`, Infinity to `JSON.parse`) as the
    // engine does, where building it would fail.
    let top = if text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
    {
        deserializer.deserialize_any(TopLevelVisitor).ok()?
    } else {
        IgnoredAny::deserialize(&mut deserializer).ok()?;
        TopLevel::Other
    };
    deserializer.end().ok()?;
    Some(top)
}

/// The body in `buffer` as text, taken out of it, if it is UTF-8 and its first character
/// after JSON's whitespace is `{` or `[`: a body that may be a JSON object or array, for an
/// engine's `JSON.parse` to decide (see `client::UnparsedSuccess`). A byte-order mark is not
/// JSON's whitespace: such a body stays for the core to judge, as every other one does.
pub fn object_or_array_text(buffer: &mut Vec<u8>) -> Option<String> {
    let first = buffer
        .iter()
        .find(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))?;
    if !matches!(first, b'{' | b'[') {
        return None;
    }
    match String::from_utf8(std::mem::take(buffer)) {
        Ok(text) => Some(text),
        Err(error) => {
            *buffer = error.into_bytes();
            None
        }
    }
}

/// The `url` rule, its one statement: a successful result that is a JSON object without an
/// own `url` key gets the request's URL as its last key, `url`; any other result (an array, a
/// string, a number, `null`, an object with `url`) stays as it came. Applied to text by
/// [`success_text`] and to a parsed body by [`interpret`]; the engines apply it to what they
/// parse (`with_url` in src/raw/js_values.rs, `successValue` in crates/ethora-wasm/js/fetch.js).
fn gets_url(top: TopLevel) -> bool {
    matches!(top, TopLevel::Object { has_url: false, .. })
}

impl TopLevel {
    /// The top level of a parsed body.
    fn of(value: &Value) -> TopLevel {
        match value {
            Value::Object(map) => TopLevel::Object {
                empty: map.is_empty(),
                has_url: map.contains_key("url"),
            },
            _ => TopLevel::Other,
        }
    }
}

/// A successful body as the call's result, without building it: JSON text passes through
/// as it came, `url` added by `gets_url`'s rule. `None` when the body is not JSON (or not
/// UTF-8): the caller then takes the general path.
pub fn success_text(bytes: Vec<u8>, url: &str) -> std::result::Result<JsonText, Vec<u8>> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => return Err(error.into_bytes()),
    };
    match scan(&text) {
        Some(top) if gets_url(top) => {
            let empty = matches!(top, TopLevel::Object { empty: true, .. });
            let mut text = text;
            let end = text.trim_end().len();
            // An object's text ends with its closing brace.
            text.truncate(end - 1);
            text.reserve(url.len() + 10);
            if !empty {
                text.push(',');
            }
            text.push_str("\"url\":");
            text.push_str(&Value::from(url).to_string());
            text.push('}');
            Ok(JsonText(text))
        }
        Some(_) => Ok(JsonText(text)),
        None => Err(text.into_bytes()),
    }
}

/// The edge build's JavaScript engine. A successful JSON object or array never reaches the
/// core there: `drive` in `crates/ethora-wasm/js/fetch.js` parses it from the fetched bytes as [`success_text`]
/// would (strict UTF-8 with a byte-order mark kept, `JSON.parse`, `gets_url`'s rule), and
/// hands every other response to the core.
#[cfg(target_arch = "wasm32")]
pub mod engine {
    use wasm_bindgen::prelude::*;

    /// JSON text the core produced (valid by construction) as a JavaScript value.
    pub fn parse(text: &str) -> JsValue {
        js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
    }
}

/// Whether a 422 body says the target does not exist: a text body containing "not found"
/// (what the reference checks), or a JSON object whose `error`/`message`/`reason` says so.
fn says_not_found(body: &Value) -> bool {
    body_says(body, &["error", "message", "reason"], "not found")
}

/// Whether an answer's body says the thing already exists, as Ethora says it when a user or
/// a room is created twice (422, "already exist(s)" in the text or in the JSON `error` or
/// `message`): such an answer is an `ETHORA_CONFLICT`.
pub fn says_already_exists(body: &Value) -> bool {
    body_says(body, &["error", "message"], "already exist")
}

/// Whether a text body, or one of `keys` of a JSON object body, contains `phrase` (case
/// ignored).
fn body_says(body: &Value, keys: &[&str], phrase: &str) -> bool {
    let mentions = |text: &str| text.to_lowercase().contains(phrase);
    match body {
        Value::String(text) => mentions(text),
        Value::Object(map) => keys
            .iter()
            .filter_map(|key| map.get(*key).and_then(Value::as_str))
            .any(mentions),
        _ => false,
    }
}

/// Success: the body, `url` added by `gets_url`'s rule.
/// Failure: an `ETHORA_HTTP` (or `ETHORA_CONFLICT`) error, unless the operation resolves
/// "not found".
pub fn interpret(
    method: &'static str,
    url: &str,
    status: u16,
    body: Value,
    not_found: &NotFound,
) -> Result<Value> {
    if (200..300).contains(&status) {
        let mut body = body;
        if gets_url(TopLevel::of(&body)) {
            if let Value::Object(map) = &mut body {
                map.insert("url".to_owned(), Value::String(url.to_owned()));
            }
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
    fn only_utf8_that_may_be_an_object_or_array_is_left_to_the_engine() {
        let take = |bytes: &[u8]| {
            let mut buffer = bytes.to_vec();
            let taken = object_or_array_text(&mut buffer);
            (taken, buffer)
        };
        assert_eq!(take(b"{\"a\":1}"), (Some("{\"a\":1}".into()), Vec::new()));
        assert_eq!(
            take(b" \r\n\t[1,]"),
            (Some(" \r\n\t[1,]".into()), Vec::new())
        );
        // Anything else stays in the buffer for the core's judgment.
        for kept in [
            &b"\"ok\""[..],
            b"42",
            b"null",
            b"",
            b"   ",
            b"\xef\xbb\xbf{}",
            b"{\"a\":\"\xff\"}",
        ] {
            assert_eq!(take(kept), (None, kept.to_vec()), "{kept:?}");
        }
    }

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

    fn success(body: &str) -> Option<Value> {
        success_text(body.as_bytes().to_vec(), "http://h/x?a=\"1\"")
            .ok()
            .map(|text| serde_json::from_str(text.as_str()).unwrap())
    }

    #[test]
    fn success_text_matches_the_parsed_path() {
        let url = "http://h/x?a=\"1\"";
        for body in [
            r#"{"a":1,"b":[{"url":"inner"}]}"#,
            " {\"ok\": true, \"n\": 1.5e3} \n",
            "{}",
            " { } ",
            r#"{"url":"server","x":null}"#,
            r#"{"a":{"url":1},"b":"\u00e9\"}"}"#,
            r#"{"\u0075rl":"escaped key"}"#,
            r#"{"a":1,"a":2}"#,
            "[1,2,{}]",
            r#""ok""#,
            "42",
            "null",
        ] {
            let parsed = match parse_body(body.as_bytes()) {
                Body::Json(value) => value,
                Body::Text(_) => panic!("{body} is JSON"),
            };
            let expected = interpret("GET", url, 200, parsed, &NotFound::Fail).unwrap();
            assert_eq!(success(body), Some(expected), "{body}");
        }
        // The server's own key order stays.
        let text = success_text(br#"{"z":1,"a":2}"#.to_vec(), url).unwrap();
        assert!(text.as_str().starts_with(r#"{"z":1,"a":2,"url":"#));
        for not_json in [
            "",
            "plain",
            "{",
            "{} {}",
            "[1,]",
            "{\"a\":\"\u{1}\"}",
            "{\"a\":tru}",
        ] {
            assert_eq!(success(not_json), None, "{not_json:?}");
        }
        assert!(success_text(vec![b'"', 0xff, b'"'], url).is_err());
        // A number beyond a double is JSON (Infinity to the engine), though not a Value.
        for beyond in ["1e400", "[1e400]", "{\"n\":-1e400}"] {
            assert!(success_text(beyond.into(), url).is_ok(), "{beyond}");
        }
        // Nesting deeper than serde_json builds values for is still JSON to the engine.
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let passed = success_text(deep.clone().into_bytes(), url).unwrap();
        assert_eq!(passed.as_str(), deep);
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

    #[test]
    fn a_422_saying_it_already_exists_is_a_conflict_and_no_other_answer_is() {
        let code = |status, body: Value| {
            interpret("POST", "u", status, body, &NotFound::Fail)
                .unwrap_err()
                .code_str()
        };
        for body in [
            json!({"ok": false, "error": "Chat already exists: app_room"}),
            json!({"message": "User ALREADY EXISTS"}),
            json!({"error": "These users already exist"}),
            json!("user already exist"),
        ] {
            assert_eq!(code(422, body.clone()), "ETHORA_CONFLICT", "{body}");
            let error = interpret("POST", "u", 422, body, &NotFound::Fail).unwrap_err();
            assert_eq!((error.status, error.retryable), (Some(422), false));
        }
        for (status, body) in [
            (422, json!({"error": "title is required"})),
            (422, json!({"reason": "already exists"})),
            (422, json!({"error": {"text": "already exists"}})),
            (409, json!({"error": "already exists"})),
            (500, json!("already exists")),
        ] {
            assert_eq!(code(status, body.clone()), "ETHORA_HTTP", "{status} {body}");
        }
    }
}
