//! `EthoraError`: a genuine JavaScript `Error` subclass every failure is thrown or rejected
//! with, carrying the core error's fields (`code`, `status`, `method`, `url`, `argument`,
//! `responseBody`, `requestId`, `rateLimit`, `attempts`, `retryable`) and, for migration
//! from the reference SDK, `response: { status, data }`.
//!
//! napi classes cannot extend `Error`, so the class is defined by a few lines of JavaScript
//! (`js/shared.js`, shared with the edge build); `start.rs` puts it in the export slot that
//! [`EthoraError`] (the struct below) declares (which is also what gives `index.d.ts` its declaration,
//! completed by `typedef-header.d.ts`).

use std::cell::RefCell;
use std::mem::ManuallyDrop;

use ethora_core::EthoraError as CoreError;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

/// `new EthoraError(message, details)`.
type ErrorClassRef = FunctionRef<FnArgs<(String, Value)>, ()>;

thread_local! {
    /// The class for this thread's JavaScript environment, set when the addon loads. Never
    /// dropped: releasing a napi reference during thread teardown is not allowed.
    static ERROR_CLASS: RefCell<Option<ManuallyDrop<ErrorClassRef>>> = const { RefCell::new(None) };
}

/// Export slot and type declaration of `EthoraError`; see the module documentation.
#[napi]
pub struct EthoraError {}

/// Makes the shared script's `EthoraError` the module's export and the class every error
/// is made with; called once when the addon loads.
pub fn install(exports: &mut Object, shared: &Object) -> Result<()> {
    let class: Function<FnArgs<(String, Value)>, ()> = shared.get_named_property("EthoraError")?;
    let reference = class.create_ref()?;
    exports.set("EthoraError", class)?;
    ERROR_CLASS.with(|slot| *slot.borrow_mut() = Some(ManuallyDrop::new(reference)));
    Ok(())
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
