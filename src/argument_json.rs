//! Reading a JavaScript argument as JSON (`serde_json::Value`) through N-API, with the
//! semantics of napi-rs's own `Value` conversion (which this replaces on every method's
//! arguments), for less work per call:
//!
//! - an object's keys come from `napi_get_property_names` (own and inherited enumerable
//!   string keys, numbers as strings) and each property is read with the key value it
//!   returned, instead of a JavaScript string made again from the key's Rust copy;
//! - short strings are read with one N-API call into a stack buffer, instead of a length
//!   query, an allocation and a copy.
//!
//! Everything else is as napi-rs reads it: `undefined` properties are left out, `undefined`
//! anywhere else (an array hole included), functions, symbols and externals fail; a whole
//! number from 0 to 2^32-1 or from -2^31 to -1 becomes an integer, any other number a float
//! (NaN and infinities fail); a bigint becomes an integer when it fits 64 bits, else its
//! decimal string; at most 128 levels of nesting and 1,000,000 values in all. A key whose
//! text is not valid UTF-16 (a lone surrogate, which the UTF-8 copy replaces) is looked up
//! by its copy, as napi-rs does, so the result is the same.

use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, Unknown};
use napi::sys;
use napi::JsValue;
use serde_json::{Map, Number, Value};

/// How deep napi-rs's conversion nests (`MAX_JSON_DEPTH`).
const MAX_DEPTH: u32 = 128;
/// How many values napi-rs's conversion reads in all (`MAX_JSON_NODES`).
const MAX_NODES: usize = 1_000_000;
/// Strings up to this many UTF-8 bytes (less the NUL and a cut character) are read into
/// the stack ([`with_string`]).
const SHORT_STRING_BYTES: usize = 256;

/// Why a value is not JSON; the caller names the argument.
#[derive(Debug)]
pub struct NotJson;

type Read<T> = Result<T, NotJson>;

/// An argument as JSON: `None` when it is `undefined`; fails where napi-rs's conversion
/// fails.
pub fn json_argument(value: &Unknown) -> Read<Option<Value>> {
    let raw = value.value();
    let mut kind = sys::ValueType::napi_undefined;
    // SAFETY: `raw` is a live value of the current call's environment.
    ok(unsafe { sys::napi_typeof(raw.env, raw.value, &mut kind) })?;
    if kind == sys::ValueType::napi_undefined {
        return Ok(None);
    }
    let mut remaining_nodes = MAX_NODES - 1;
    // SAFETY: as above; `kind` is the value's type.
    unsafe { read_kind(raw.env, raw.value, kind, MAX_DEPTH, &mut remaining_nodes) }.map(Some)
}

fn ok(status: sys::napi_status) -> Read<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(NotJson)
    }
}

/// # Safety
/// `env` is the live environment of the current call and `value` one of its values.
unsafe fn read_value(
    env: sys::napi_env,
    value: sys::napi_value,
    remaining_depth: u32,
    remaining_nodes: &mut usize,
) -> Read<Value> {
    *remaining_nodes = remaining_nodes.checked_sub(1).ok_or(NotJson)?;
    let mut kind = sys::ValueType::napi_undefined;
    // SAFETY: per this function's contract.
    ok(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
    // SAFETY: per this function's contract; `kind` is the value's type.
    unsafe { read_kind(env, value, kind, remaining_depth, remaining_nodes) }
}

/// # Safety
/// As [`read_value`]; `kind` is `value`'s type, and `value` is counted in `remaining_nodes`.
unsafe fn read_kind(
    env: sys::napi_env,
    value: sys::napi_value,
    kind: sys::napi_valuetype,
    remaining_depth: u32,
    remaining_nodes: &mut usize,
) -> Read<Value> {
    // SAFETY (every N-API call below): per this function's contract; out-pointers are live
    // locals.
    match kind {
        sys::ValueType::napi_null => Ok(Value::Null),
        sys::ValueType::napi_boolean => {
            let mut boolean = false;
            ok(unsafe { sys::napi_get_value_bool(env, value, &mut boolean) })?;
            Ok(Value::Bool(boolean))
        }
        sys::ValueType::napi_number => {
            let mut number = 0f64;
            ok(unsafe { sys::napi_get_value_double(env, value, &mut number) })?;
            json_number(number).map(Value::Number)
        }
        sys::ValueType::napi_string => unsafe { read_string(env, value) }.map(Value::String),
        sys::ValueType::napi_object => {
            let children_depth = remaining_depth.checked_sub(1).ok_or(NotJson)?;
            let mut is_array = false;
            ok(unsafe { sys::napi_is_array(env, value, &mut is_array) })?;
            if is_array {
                unsafe { read_array(env, value, children_depth, remaining_nodes) }
            } else {
                unsafe { read_object(env, value, children_depth, remaining_nodes) }
                    .map(Value::Object)
            }
        }
        sys::ValueType::napi_bigint => {
            // Rare: napi-rs's own conversion of this one value (a bigint is a leaf).
            unsafe { Value::from_napi_value(env, value) }.map_err(|_| NotJson)
        }
        _ => Err(NotJson),
    }
}

/// napi-rs's number rule: whole numbers in u32 or negative i32 range are integers.
fn json_number(number: f64) -> Read<Number> {
    let whole = number.trunc() == number;
    let integer = if whole && (0.0..=u32::MAX as f64).contains(&number) {
        Some(Number::from(number as u32))
    } else if whole && number < 0.0 && number >= i32::MIN as f64 {
        Some(Number::from(number as i32))
    } else {
        None
    };
    integer.or_else(|| Number::from_f64(number)).ok_or(NotJson)
}

/// Runs `use_text` on a string. A short one is read with a single N-API call into a stack
/// buffer (no type query, no length query, no allocation); a longer one napi-rs's way.
/// `Err` when `value` is not a string.
///
/// # Safety
/// `env` is the live environment of the current call and `value` one of its values.
pub unsafe fn with_string<R>(
    env: sys::napi_env,
    value: sys::napi_value,
    use_text: impl FnOnce(&str) -> R,
) -> Read<R> {
    let mut buffer = [0u8; SHORT_STRING_BYTES];
    let mut length = 0usize;
    // SAFETY: per this function's contract; N-API writes at most `buffer.len()` bytes (NUL
    // included) into the buffer.
    ok(unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            &mut length,
        )
    })?;
    // A string that did not fit is cut at a character boundary before the NUL, so it
    // leaves at least `buffer.len() - 4` bytes (UTF-8 characters are 1-4 bytes): anything
    // shorter is the whole string.
    if length < buffer.len() - 4 {
        if let Ok(text) = std::str::from_utf8(&buffer[..length]) {
            return Ok(use_text(text));
        }
    }
    // SAFETY: per this function's contract.
    let text = unsafe { String::from_napi_value(env, value) }.map_err(|_| NotJson)?;
    Ok(use_text(&text))
}

/// # Safety
/// As [`read_value`]; `value` is a string.
unsafe fn read_string(env: sys::napi_env, value: sys::napi_value) -> Read<String> {
    // SAFETY: per this function's contract.
    unsafe { with_string(env, value, str::to_owned) }
}

/// # Safety
/// As [`read_value`]; `value` is an array.
unsafe fn read_array(
    env: sys::napi_env,
    value: sys::napi_value,
    children_depth: u32,
    remaining_nodes: &mut usize,
) -> Read<Value> {
    let mut length = 0u32;
    // SAFETY (every N-API call below): per this function's contract.
    ok(unsafe { sys::napi_get_array_length(env, value, &mut length) })?;
    let mut items = Vec::with_capacity(length as usize);
    for index in 0..length {
        let mut element = ptr::null_mut();
        ok(unsafe { sys::napi_get_element(env, value, index, &mut element) })?;
        items.push(unsafe { read_value(env, element, children_depth, remaining_nodes) }?);
    }
    Ok(Value::Array(items))
}

/// # Safety
/// As [`read_value`]; `value` is an object that is not an array.
unsafe fn read_object(
    env: sys::napi_env,
    value: sys::napi_value,
    children_depth: u32,
    remaining_nodes: &mut usize,
) -> Read<Map<String, Value>> {
    let mut names = ptr::null_mut();
    let mut count = 0u32;
    // SAFETY (every N-API call below): per this function's contract; `names` is an array
    // of strings.
    ok(unsafe { sys::napi_get_property_names(env, value, &mut names) })?;
    ok(unsafe { sys::napi_get_array_length(env, names, &mut count) })?;
    let mut map = Map::new();
    for index in 0..count {
        let mut key = ptr::null_mut();
        ok(unsafe { sys::napi_get_element(env, names, index, &mut key) })?;
        let name = unsafe { read_string(env, key) }?;
        // A lone surrogate came out as U+FFFD: look the property up by that text, as
        // napi-rs does (usually not found, so left out).
        if name.contains('\u{FFFD}') {
            key = ptr::null_mut();
            ok(unsafe {
                sys::napi_create_string_utf8(
                    env,
                    name.as_ptr().cast(),
                    name.len() as isize,
                    &mut key,
                )
            })?;
        }
        let mut property = ptr::null_mut();
        ok(unsafe { sys::napi_get_property(env, value, key, &mut property) })?;
        let mut kind = sys::ValueType::napi_undefined;
        ok(unsafe { sys::napi_typeof(env, property, &mut kind) })?;
        if kind == sys::ValueType::napi_undefined {
            continue;
        }
        let item = unsafe { read_value(env, property, children_depth, remaining_nodes) }?;
        map.insert(name, item);
    }
    Ok(map)
}
