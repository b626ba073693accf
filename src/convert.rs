//! Handing JSON results to JavaScript. Building a large object property by property through
//! N-API costs far more than V8's own `JSON.parse` of the serialised text, so results cross
//! as one string and are parsed by the engine (with the `JSON.parse` captured at load time).

use std::cell::RefCell;
use std::mem::ManuallyDrop;

use napi::bindgen_prelude::*;
use napi::sys;
use serde_json::Value;

/// A JavaScript value passed through as it is; only valid within the callback that made it.
pub struct JsRaw(sys::napi_value);

impl FromNapiValue for JsRaw {
    unsafe fn from_napi_value(_env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        Ok(JsRaw(value))
    }
}

impl ToNapiValue for JsRaw {
    unsafe fn to_napi_value(_env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        Ok(value.0)
    }
}

impl TypeName for JsRaw {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

type ParseRef = FunctionRef<String, JsRaw>;

thread_local! {
    /// `JSON.parse` of this thread's environment. Never dropped (see `errors::ERROR_CLASS`).
    static JSON_PARSE: RefCell<Option<ManuallyDrop<ParseRef>>> = const { RefCell::new(None) };
}

/// Captures `JSON.parse`; called once when the addon loads.
pub fn capture_json_parse(env: &Env) -> Result<()> {
    let json: Object = env.get_global()?.get_named_property("JSON")?;
    let parse: Function<String, JsRaw> = json.get_named_property("parse")?;
    let reference = parse.create_ref()?;
    JSON_PARSE.with(|slot| *slot.borrow_mut() = Some(ManuallyDrop::new(reference)));
    Ok(())
}

/// The value as a JavaScript value, through `JSON.parse` when it is an object or array.
pub fn json_to_js(env: &Env, value: Value) -> Result<JsRaw> {
    if value.is_object() || value.is_array() {
        if let Ok(text) = serde_json::to_string(&value) {
            let parsed = JSON_PARSE.with(|slot| {
                slot.borrow()
                    .as_ref()
                    .map(|parse| parse.borrow_back(env)?.call(text))
                    .transpose()
            })?;
            if let Some(parsed) = parsed {
                return Ok(parsed);
            }
        }
    }
    // SAFETY: `env` is the live environment of the current callback.
    let raw = unsafe { Value::to_napi_value(env.raw(), value)? };
    Ok(JsRaw(raw))
}
