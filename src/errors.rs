//! `EthoraError`: a genuine JavaScript `Error` subclass every failure is thrown or rejected
//! with, carrying the core error's fields (`code`, `status`, `method`, `url`, `argument`,
//! `responseBody`, `requestId`, `rateLimit`, `attempts`, `retryable`) and, for migration
//! from the reference SDK, `response: { status, data }`.
//!
//! napi classes cannot extend `Error`, so the class is defined by a few lines of JavaScript
//! when the addon loads (`js/shared.js`, shared with the edge build) and replaces the export slot that
//! [`EthoraError`] (the struct below) declares (which is also what gives `index.d.ts` its declaration,
//! completed by `typedef-header.d.ts`).

use std::cell::RefCell;
use std::mem::ManuallyDrop;

use ethora_core::EthoraError as CoreError;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

/// The JavaScript both faces share (the class, the iterator protocol, the users adapter, the
/// relay's sending, the observation of calls): ES modules whose `import` lines and `export`
/// keywords are dropped so that they can be evaluated as one script that ends with an object
/// of their exports.
const SHARED_MODULE: &str = concat!(
    include_str!("../js/shared.js"),
    "\n",
    include_str!("../js/transport.js"),
    "\n",
    include_str!("../js/observe.js")
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

/// `new EthoraError(message, details)`.
type ErrorClassRef = FunctionRef<FnArgs<(String, Value)>, ()>;

thread_local! {
    /// The class for this thread's JavaScript environment, set when the addon loads. Never
    /// dropped: releasing a napi reference during thread teardown is not allowed.
    static ERROR_CLASS: RefCell<Option<ManuallyDrop<ErrorClassRef>>> = const { RefCell::new(None) };
    /// The shared script's exports, for the same reason never dropped.
    static SHARED: RefCell<Option<ManuallyDrop<ObjectRef>>> = const { RefCell::new(None) };
}

/// The shared script's exports: every function and class js/shared.js exports.
pub fn shared_script_exports(env: &Env) -> Result<Object<'_>> {
    SHARED.with(|slot| match slot.borrow().as_ref() {
        Some(reference) => reference.get_value(env),
        None => Err(Error::from_reason("the SDK's script is not loaded")),
    })
}

/// Export slot and type declaration of `EthoraError`; see the module documentation.
#[napi]
pub struct EthoraError {}

#[cfg_attr(test, allow(dead_code))]
/// Runs when the addon loads: installs the error class, the listing iterators' protocol, the
/// argument reader, the direct token entry (`fast.rs`) and the class's guard against a call
/// without `new`, and captures `JSON.parse`.
#[napi(module_exports)]
pub fn install_error_class(mut exports: Object, env: Env) -> Result<()> {
    let shared: Object = env.run_script(shared_script())?;
    let class: Function<FnArgs<(String, Value)>, ()> = shared.get_named_property("EthoraError")?;
    let reference = class.create_ref()?;
    exports.set("EthoraError", class)?;
    ERROR_CLASS.with(|slot| *slot.borrow_mut() = Some(ManuallyDrop::new(reference)));
    crate::iterate::install(&exports, &shared)?;
    crate::arguments::install(&shared)?;
    crate::relay::install(&exports, &shared)?;
    crate::observe::install(&env);
    let shared_reference = shared.create_ref()?;
    SHARED.with(|slot| *slot.borrow_mut() = Some(ManuallyDrop::new(shared_reference)));
    crate::fast::install(&exports, &env)?;
    let class: Unknown = exports.get_named_property("EthoraSDKService")?;
    let hooks: Function<Unknown, Unknown> = shared.get_named_property("installNativeHooks")?;
    hooks.call(class)?;
    // Last: what is exported as the class is the guarded one (see `guardConstructor`).
    let class: Unknown = exports.get_named_property("EthoraSDKService")?;
    let guard: Function<Unknown, Unknown> = shared.get_named_property("guardConstructor")?;
    exports.set("EthoraSDKService", guard.call(class)?)?;
    crate::convert::capture_json_parse(&env)
}

fn build_error<'env>(env: &'env Env, error: &CoreError) -> Result<Unknown<'env>> {
    let message = error.message.clone();
    let details = error.js_fields();
    let constructed = ERROR_CLASS.with(|slot| {
        slot.borrow()
            .as_ref()
            .map(|class| {
                class
                    .borrow_back(env)?
                    .new_instance(FnArgs::from((message.clone(), details.clone())))
            })
            .transpose()
    })?;
    match constructed {
        Some(instance) => Ok(instance),
        None => {
            // Only before the addon finished loading: a plain Error with the same fields.
            let mut plain = env.create_error(Error::new(Status::GenericFailure, message))?;
            plain.set("name", "EthoraError")?;
            if let Value::Object(fields) = details {
                for (key, value) in fields {
                    plain.set(key, value)?;
                }
            }
            Ok(plain.to_unknown())
        }
    }
}

/// A `napi::Error` that throws (or rejects with) the `EthoraError` object as it is.
pub fn to_js_error(env: &Env, error: &CoreError) -> Error {
    match build_error(env, error) {
        Ok(object) => Error::from(object),
        Err(fallback) => fallback,
    }
}
