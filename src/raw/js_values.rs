//! Handing JSON results to JavaScript. Building a large object property by property through
//! N-API costs far more than V8's own `JSON.parse` of the text, so results cross as one
//! string, parsed by the engine (with the `JSON.parse` captured at load time).

use std::cell::Cell;
use std::ptr;

use napi::bindgen_prelude::*;
use napi::sys;

thread_local! {
    /// `JSON.parse` of this thread's environment. Never deleted: releasing a napi reference
    /// during thread teardown is not allowed.
    static JSON_PARSE: Cell<sys::napi_ref> = const { Cell::new(ptr::null_mut()) };
}

/// Captures `JSON.parse`; called once when the addon loads.
pub fn capture_json_parse(env: &Env) -> Result<()> {
    let json: Object = env.get_global()?.get_named_property("JSON")?;
    let parse: Unknown = json.get_named_property("parse")?;
    let mut reference = ptr::null_mut();
    // SAFETY: `parse` is a live value of this environment.
    check_status!(unsafe {
        sys::napi_create_reference(env.raw(), parse.raw(), 1, &mut reference)
    })?;
    JSON_PARSE.with(|slot| slot.set(reference));
    Ok(())
}

/// A JavaScript string with `text`: Latin-1 when it is ASCII (the engine copies it without
/// decoding), else UTF-8. `None` if N-API refused.
///
/// # Safety
/// `env` must be the live environment of the current thread's callback.
pub unsafe fn js_string(env: sys::napi_env, text: &str) -> Option<sys::napi_value> {
    let mut string = ptr::null_mut();
    let (bytes, length) = (text.as_ptr().cast(), text.len() as isize);
    // SAFETY: the text outlives the call and is valid in the encoding it is handed over in.
    let created = unsafe {
        if text.is_ascii() {
            sys::napi_create_string_latin1(env, bytes, length, &mut string)
        } else {
            sys::napi_create_string_utf8(env, bytes, length, &mut string)
        }
    };
    (created == sys::Status::napi_ok && !string.is_null()).then_some(string)
}

/// The JavaScript value of a JSON text, by the engine's `JSON.parse`; `Err` holds what it
/// threw (or an error saying why it could not be called).
///
/// # Safety
/// `env` must be the live environment of the current thread's callback.
pub unsafe fn parse_json_text(
    env: sys::napi_env,
    text: &str,
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    let failed = |reason: &str| {
        let error = Error::new(Status::GenericFailure, reason.to_owned());
        // SAFETY: per this function's contract.
        Err(unsafe { JsError::from(error).into_value(env) })
    };
    // SAFETY: per this function's contract.
    let Some(string) = (unsafe { js_string(env, text) }) else {
        return failed("could not hand the response to JavaScript");
    };
    let reference = JSON_PARSE.with(Cell::get);
    let mut parse = ptr::null_mut();
    if reference.is_null()
        // SAFETY: the reference was made in this environment and is never deleted.
        || unsafe { sys::napi_get_reference_value(env, reference, &mut parse) }
            != sys::Status::napi_ok
        || parse.is_null()
    {
        return failed("JSON.parse is not available");
    }
    let mut receiver = ptr::null_mut();
    let mut parsed = ptr::null_mut();
    // SAFETY: `parse` is a function of this environment, called with one argument.
    let called = unsafe {
        sys::napi_get_undefined(env, &mut receiver);
        sys::napi_call_function(env, receiver, parse, 1, &string, &mut parsed)
    };
    if called == sys::Status::napi_ok {
        return Ok(parsed);
    }
    let mut thrown = ptr::null_mut();
    // SAFETY: a failed call leaves its exception pending; it becomes the rejection.
    if unsafe { sys::napi_get_and_clear_last_exception(env, &mut thrown) } == sys::Status::napi_ok
        && !thrown.is_null()
    {
        return Err(thrown);
    }
    failed("the response could not be parsed")
}

/// `value` with `url` set on it when it is an object (not an array) without an own `url`:
/// the core's `url` rule (`gets_url` in crates/ethora-core/src/response.rs) for a value the
/// engine parsed. `Err` holds an error if N-API refused.
///
/// # Safety
/// `env` must be the live environment of the current thread's callback, `value` a value of
/// its current scope.
pub unsafe fn with_url(
    env: sys::napi_env,
    value: sys::napi_value,
    url: &str,
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    // SAFETY: per this function's contract.
    if unsafe { add_url(env, value, url) }.is_some() {
        return Ok(value);
    }
    let error = Error::new(
        Status::GenericFailure,
        "could not add the result's url".to_owned(),
    );
    // SAFETY: per this function's contract.
    Err(unsafe { JsError::from(error).into_value(env) })
}

/// [`with_url`]'s work; `None` if N-API refused a step.
unsafe fn add_url(env: sys::napi_env, value: sys::napi_value, url: &str) -> Option<()> {
    let ok = |status| (status == sys::Status::napi_ok).then_some(());
    let mut kind = sys::ValueType::napi_undefined;
    let mut is_array = false;
    // In every call below `env` is live and `value`, `key` and the url string are values of
    // its current scope.
    // SAFETY: as said above.
    ok(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
    // SAFETY: as said above.
    ok(unsafe { sys::napi_is_array(env, value, &mut is_array) })?;
    if kind != sys::ValueType::napi_object || is_array {
        return Some(());
    }
    // SAFETY: as said above.
    let key = unsafe { js_string(env, "url") }?;
    let mut has_url = false;
    // SAFETY: as said above.
    ok(unsafe { sys::napi_has_own_property(env, value, key, &mut has_url) })?;
    if has_url {
        return Some(());
    }
    // SAFETY: as said above.
    let url = unsafe { js_string(env, url) }?;
    // SAFETY: as said above.
    ok(unsafe { sys::napi_set_property(env, value, key, url) })
}
