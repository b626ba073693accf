//! How JavaScript reads a value, where the official SDK's behaviour depends on it:
//! truthiness, `\s`, `.length`, the key order `JSON.stringify` writes.

use serde_json::{Map, Value};

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

pub(crate) fn truthy_field<'a>(
    map: Option<&'a Map<String, Value>>,
    key: &str,
) -> Option<&'a Value> {
    map.and_then(|m| m.get(key)).filter(|v| truthy(v))
}

/// `map` in the order a JavaScript object keeps its keys, and so the order `JSON.stringify`
/// writes them in: integer keys (array indices) first, ascending, then the others as
/// inserted. The bodies the official SDK builds by spreading an argument into an object of
/// its own have their keys in that order.
pub(crate) fn javascript_key_order(map: Map<String, Value>) -> Map<String, Value> {
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

/// JavaScript's `\s` (and what `trim` removes): its white space and line terminators.
pub(crate) fn js_space(c: char) -> bool {
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
pub(crate) fn js_length_below_two(value: &Value) -> bool {
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
