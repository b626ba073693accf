//! Reading a JavaScript argument for the core (`ethora_core::boundary`). A string that fits
//! a stack buffer and is well-formed is taken as it is, without running any JavaScript (the
//! common case: ids); anything else goes through the shared reader (`readArgument` in
//! js/shared.js), the same function the edge build reads every argument with, so both builds
//! hand the core the same text for the same value.

use std::cell::Cell;
use std::ptr;

use ethora_core::api::Parameter;
use ethora_core::boundary::{reader_mode, Argument};
use napi::bindgen_prelude::*;
use napi::sys;
use serde_json::Value;

type CoreResult<T> = ethora_core::Result<T>;

/// Strings up to this many UTF-8 bytes (less the NUL and a cut character) are read into the
/// stack ([`short_string`]).
const SHORT_STRING_BYTES: usize = 256;

/// What the reader returns for a call into it that threw (it catches everything a value
/// throws; only the engine itself can make the call fail, out of stack for one).
const READER_FAILED: &str = "xthrew\nthe argument reader could not run";

thread_local! {
    /// `readArgument` of this thread's environment. Never deleted: releasing a napi
    /// reference during thread teardown is not allowed.
    static READ_ARGUMENT: Cell<sys::napi_ref> = const { Cell::new(ptr::null_mut()) };
}

/// Captures the shared script's `readArgument`; called once when the addon loads.
pub fn install(shared: &Object) -> Result<()> {
    let reference = super::script::lasting_reference(shared, "readArgument")?;
    READ_ARGUMENT.with(|slot| slot.set(reference));
    Ok(())
}

/// Each argument as the value its parameter's rules read (missing ones are absent). Every
/// argument is read before the first refusal decides, as the edge build's facade reads them
/// all before anything enters WebAssembly, so that the same getters run on both builds.
pub fn values<'a>(
    parameters: &[Parameter],
    arguments: impl IntoIterator<Item = Option<Unknown<'a>>>,
) -> CoreResult<Vec<Option<Value>>> {
    let mut arguments = arguments.into_iter();
    let read: Vec<CoreResult<Option<Value>>> = parameters
        .iter()
        .map(|parameter| value(arguments.next().flatten(), parameter))
        .collect();
    read.into_iter().collect()
}

/// One argument as the value `parameter`'s rules read (`None`: absent).
pub fn value(argument: Option<Unknown>, parameter: &Parameter) -> CoreResult<Option<Value>> {
    with_argument(argument, parameter, |argument| argument.value(parameter))
}

/// Runs `use_argument` on the argument as the core takes it.
pub fn with_argument<R>(
    argument: Option<Unknown>,
    parameter: &Parameter,
    use_argument: impl FnOnce(Argument) -> R,
) -> R {
    let Some(argument) = argument else {
        return use_argument(Argument::Absent);
    };
    let raw = argument.value();
    // SAFETY: `raw` is a live value of the current call's environment.
    unsafe { with_raw_argument(raw.env, raw.value, parameter, use_argument) }
}

/// [`with_argument`] on a raw value.
///
/// # Safety
/// `env` is the live environment of the current call and `value` one of its values.
unsafe fn with_raw_argument<R>(
    env: sys::napi_env,
    value: sys::napi_value,
    parameter: &Parameter,
    use_argument: impl FnOnce(Argument) -> R,
) -> R {
    // A string first: one N-API call, which fails for anything else.
    let mut buffer = [0u8; SHORT_STRING_BYTES];
    // SAFETY: per this function's contract.
    if let Some(text) = unsafe { short_string(env, value, &mut buffer) } {
        return use_argument(Argument::String(text));
    }
    let mut kind = sys::ValueType::napi_undefined;
    // SAFETY: per this function's contract.
    if unsafe { sys::napi_typeof(env, value, &mut kind) } != sys::Status::napi_ok {
        return use_argument(Argument::Read(READER_FAILED));
    }
    if kind == sys::ValueType::napi_undefined {
        return use_argument(Argument::Absent);
    }
    // Anything else: what the shared reader makes of it.
    // SAFETY: per this function's contract.
    match unsafe { read(env, value, reader_mode(parameter.kind)) } {
        Ok(Some(text)) => use_argument(Argument::Read(&text)),
        Ok(None) => use_argument(Argument::Absent),
        Err(()) => use_argument(Argument::Read(READER_FAILED)),
    }
}

/// `readArgument(value, mode)`: its text, `None` for `undefined`, `Err` when it could not
/// run (its exception is cleared).
///
/// # Safety
/// As [`with_raw_argument`].
unsafe fn read(
    env: sys::napi_env,
    value: sys::napi_value,
    mode: &str,
) -> std::result::Result<Option<String>, ()> {
    let ok = |status| (status == sys::Status::napi_ok).then_some(()).ok_or(());
    let reference = READ_ARGUMENT.with(Cell::get);
    let mut mode_value = ptr::null_mut();
    // SAFETY: (every N-API call below) per this function's contract; the reference was made
    // in this environment and is never deleted; out-pointers are live locals.
    unsafe {
        ok(sys::napi_create_string_latin1(
            env,
            mode.as_ptr().cast(),
            mode.len() as isize,
            &mut mode_value,
        ))?;
        let result =
            super::script::call_reference(env, reference, &[value, mode_value]).ok_or(())?;
        let mut kind = sys::ValueType::napi_undefined;
        ok(sys::napi_typeof(env, result, &mut kind))?;
        if kind != sys::ValueType::napi_string {
            return Ok(None);
        }
        // The reader's text is at most boundary::MAX_TEXT characters (and a tag).
        String::from_napi_value(env, result)
            .map(Some)
            .map_err(|_| ())
    }
}

/// A string read with a single N-API call into `buffer` (no type query, no length query, no
/// allocation); `None` when `value` is not a string, did not fit, or came out with U+FFFD
/// (which may stand for a lone surrogate: the reader decides).
///
/// # Safety
/// `env` is the live environment of the current call and `value` one of its values.
unsafe fn short_string(
    env: sys::napi_env,
    value: sys::napi_value,
    buffer: &mut [u8; SHORT_STRING_BYTES],
) -> Option<&str> {
    let mut length = 0usize;
    // SAFETY: per this function's contract; N-API writes at most `buffer.len()` bytes (NUL
    // included) into the buffer.
    let status = unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            &mut length,
        )
    };
    // A string that did not fit is cut at a character boundary before the NUL, so it
    // leaves at least `buffer.len() - 4` bytes (UTF-8 characters are 1-4 bytes): anything
    // shorter is the whole string.
    if status != sys::Status::napi_ok || length >= buffer.len() - 4 {
        return None;
    }
    let text = std::str::from_utf8(&buffer[..length]).ok()?;
    (!text.contains('\u{FFFD}')).then_some(text)
}

/// The runtime's environment variable `name` as `runtimeEnv` in js/shared.js reads it
/// (`process.env`, whatever object the program put there), the function the edge build
/// calls too: a program that replaces `process.env` is seen the same on both builds.
pub fn runtime_env(env: &Env, name: &str) -> Option<String> {
    let name = env.create_string(name).ok()?;
    let value = super::script::call_shared(env, c"runtimeEnv", &[name.to_unknown()])?;
    super::script::string_of(env, value)
}
