//! Calls into the shared script (js/shared.js, js/transport.js, js/observe.js, evaluated as
//! one script when the addon loads) and reading what its functions return.
//!
//! Values go in and out as napi-rs's `Unknown<'env>`, tied to the `Env` of the current call, so
//! a handle cannot be used once the call that made it has returned.

use std::cell::{Cell, RefCell};
use std::ffi::CStr;
use std::mem::ManuallyDrop;
use std::ptr;

use napi::bindgen_prelude::*;
use napi::sys;

/// The JavaScript both faces share (the class, the iterator protocol, the users adapter, the
/// relay's sending, the observation of calls): ES modules whose `import` lines and `export`
/// keywords are dropped so that they can be evaluated as one script that ends with an object
/// of their exports.
const SHARED_MODULE: &str = concat!(
    include_str!("../../js/shared.js"),
    "\n",
    include_str!("../../js/transport.js"),
    "\n",
    include_str!("../../js/observe.js")
);

fn shared_script() -> String {
    let exported: Vec<&str> = SHARED_MODULE
        .lines()
        .filter_map(|line| {
            let rest = line
                .strip_prefix("export function ")
                .or_else(|| line.strip_prefix("export class "))?;
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .next()
        })
        .collect();
    // Their `import` lines name each other, which one script does not need.
    let body: Vec<&str> = SHARED_MODULE
        .lines()
        .filter(|line| !line.starts_with("import "))
        .collect();
    format!(
        "(() => {{\n{}\nreturn {{ {} }}\n}})()",
        body.join("\n")
            .replace("export class", "class")
            .replace("export function", "function"),
        exported.join(", ")
    )
}

thread_local! {
    /// The shared script's exports. Never dropped: releasing a napi reference during thread
    /// teardown is not allowed.
    static SHARED: RefCell<Option<ManuallyDrop<ObjectRef>>> = const { RefCell::new(None) };
    /// `callRoute` of this thread's environment. Never deleted, as the reader's.
    static CALL_ROUTE: Cell<sys::napi_ref> = const { Cell::new(ptr::null_mut()) };
}

/// Evaluates the shared script and keeps its exports for this thread's environment; called
/// once when the addon loads.
pub fn load(env: &Env) -> Result<Object<'_>> {
    let shared: Object = env.run_script(shared_script())?;
    let reference = shared.create_ref()?;
    SHARED.with(|slot| *slot.borrow_mut() = Some(ManuallyDrop::new(reference)));
    Ok(shared)
}

/// The shared script's exports: every function and class js/shared.js exports.
fn shared_script_exports(env: &Env) -> Result<Object<'_>> {
    SHARED.with(|slot| match slot.borrow().as_ref() {
        Some(reference) => reference.get_value(env),
        None => Err(Error::from_reason("the SDK's script is not loaded")),
    })
}

/// A reference to the shared script's export `name`, for a thread-local slot that never
/// deletes it.
pub fn lasting_reference(shared: &Object, name: &str) -> Result<sys::napi_ref> {
    let value: Unknown = shared.get_named_property(name)?;
    let mut reference = ptr::null_mut();
    // SAFETY: `value` is a live value of the loading environment.
    check_status!(unsafe {
        sys::napi_create_reference(shared.value().env, value.raw(), 1, &mut reference)
    })?;
    Ok(reference)
}

/// Clears the exception a failed call left pending, so that the environment stays usable.
///
/// # Safety
/// `env` is the live environment of the current call.
pub(super) unsafe fn clear_exception(env: sys::napi_env) {
    let mut thrown = ptr::null_mut();
    // SAFETY: per this function's contract.
    unsafe { sys::napi_get_and_clear_last_exception(env, &mut thrown) };
}

/// Most arguments a call into the shared script passes (`relayExchange`'s seven).
const MAX_ARGUMENTS: usize = 8;

/// Calls `function` with an `undefined` receiver; `None` when the call threw (its exception
/// is cleared). The one way every call below goes into JavaScript.
///
/// # Safety
/// `env` is the live environment of the current call; `function` and `arguments` are values
/// of its scope.
pub(super) unsafe fn call_function(
    env: sys::napi_env,
    function: sys::napi_value,
    arguments: &[sys::napi_value],
) -> Option<sys::napi_value> {
    let (mut receiver, mut result) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: (both N-API calls) per this function's contract; out-pointers are live locals.
    unsafe {
        if sys::napi_get_undefined(env, &mut receiver) != sys::Status::napi_ok {
            return None;
        }
        let called = sys::napi_call_function(
            env,
            receiver,
            function,
            arguments.len(),
            arguments.as_ptr(),
            &mut result,
        );
        if called != sys::Status::napi_ok {
            clear_exception(env);
            return None;
        }
    }
    Some(result)
}

/// [`call_function`] on the function a lasting reference holds.
///
/// # Safety
/// As [`call_function`]; `reference` was made in this environment and is never deleted.
pub(super) unsafe fn call_reference(
    env: sys::napi_env,
    reference: sys::napi_ref,
    arguments: &[sys::napi_value],
) -> Option<sys::napi_value> {
    if reference.is_null() {
        return None;
    }
    let mut function = ptr::null_mut();
    // SAFETY: per this function's contract; the out-pointer is a live local.
    let got = unsafe { sys::napi_get_reference_value(env, reference, &mut function) };
    if got != sys::Status::napi_ok {
        return None;
    }
    // SAFETY: `function` was just read from the reference in this environment.
    unsafe { call_function(env, function, arguments) }
}

/// Calls the shared script's function `name` with `arguments` (at most [`MAX_ARGUMENTS`]);
/// `None` when it is missing or the call threw (its exception is cleared).
pub fn call_shared<'env>(
    env: &'env Env,
    name: &CStr,
    arguments: &[Unknown<'_>],
) -> Option<Unknown<'env>> {
    let mut raw = [ptr::null_mut(); MAX_ARGUMENTS];
    let raw = raw.get_mut(..arguments.len())?;
    for (slot, value) in raw.iter_mut().zip(arguments) {
        *slot = value.raw();
    }
    let shared = shared_script_exports(env).ok()?;
    let raw_env = env.raw();
    let mut function = ptr::null_mut();
    // SAFETY: `env` is the live environment of the current call and `shared` its value; the
    // name is NUL-terminated and the out-pointer a live local.
    let found = unsafe {
        sys::napi_get_named_property(raw_env, shared.raw(), name.as_ptr(), &mut function)
    };
    if found != sys::Status::napi_ok {
        // SAFETY: `env` is the live environment of the current call.
        unsafe { clear_exception(raw_env) };
        return None;
    }
    // SAFETY: `function` and the arguments are values of this call's scope.
    let result = unsafe { call_function(raw_env, function, raw) }?;
    // SAFETY: `result` is what the call returned, a value of this call's scope.
    unsafe { Unknown::from_napi_value(raw_env, result) }.ok()
}

/// What a shared script's function returned, when it is a string.
pub fn string_of(env: &Env, value: Unknown<'_>) -> Option<String> {
    if value.get_type().ok()? != ValueType::String {
        return None;
    }
    // SAFETY: `value` is a string of the current call's scope.
    unsafe { String::from_napi_value(env.raw(), value.raw()) }.ok()
}

/// `value` as a function, when it is one.
pub fn function_of<'env, Args: JsValuesTupleIntoVec, Return>(
    env: &'env Env,
    value: Unknown<'env>,
) -> Option<Function<'env, Args, Return>> {
    if value.get_type().ok()? != ValueType::Function {
        return None;
    }
    // SAFETY: `value` is a function of the current call's scope.
    unsafe { Function::from_napi_value(env.raw(), value.raw()) }.ok()
}

/// Element `index` of an array the shared script made; `None` for `undefined` or `null`.
pub fn element<'env>(env: &'env Env, array: Unknown<'env>, index: u32) -> Option<Unknown<'env>> {
    let mut item = ptr::null_mut();
    // SAFETY: `array` is a value of the current call's scope; `item` is a live local.
    let read = unsafe { sys::napi_get_element(env.raw(), array.raw(), index, &mut item) };
    if read != sys::Status::napi_ok {
        return None;
    }
    // SAFETY: `item` is what N-API just read, a value of this call's scope.
    let item = unsafe { Unknown::from_napi_value(env.raw(), item) }.ok()?;
    let kind = item.get_type().ok()?;
    (kind != ValueType::Undefined && kind != ValueType::Null).then_some(item)
}

/// Captures `callRoute`; called once when the addon loads.
pub fn install_call_route(shared: &Object) -> Result<()> {
    let route = lasting_reference(shared, "callRoute")?;
    CALL_ROUTE.with(|slot| slot.set(route));
    Ok(())
}

/// `callRoute(clientId, checkHooks)`: 1 when something hooked Node's HTTP stack (asked only
/// with `check_hooks`), 2 when the call is observed, 4 when traced; 0 if it cannot be asked.
/// Called at every call's start, so it goes through the captured reference, not by name.
pub fn call_route(env: &Env, client_id: u32, check_hooks: bool) -> u8 {
    let reference = CALL_ROUTE.with(Cell::get);
    let env = env.raw();
    let mut arguments = [ptr::null_mut(); 2];
    let mut bits = 0u32;
    // SAFETY: (every N-API call below) `env` is the live environment of the current call, the
    // reference was made in it and is never deleted, and the out-pointers are live locals.
    unsafe {
        if sys::napi_create_uint32(env, client_id, &mut arguments[0]) != sys::Status::napi_ok
            || sys::napi_get_boolean(env, check_hooks, &mut arguments[1]) != sys::Status::napi_ok
        {
            return 0;
        }
        let Some(result) = call_reference(env, reference, &arguments) else {
            return 0;
        };
        if sys::napi_get_value_uint32(env, result, &mut bits) != sys::Status::napi_ok {
            return 0;
        }
    }
    (bits & 0b111) as u8
}
