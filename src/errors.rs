//! Core errors as JavaScript `Error` objects carrying `code`, `status`, `method`, `url`,
//! `argument` and, for HTTP failures, `response: { status, data }` like the reference's.

use ethora_core::EthoraError;
use napi::bindgen_prelude::*;

fn build_error_object<'env>(env: &'env Env, error: &EthoraError) -> Result<Object<'env>> {
    let mut object = env.create_error(Error::new(Status::GenericFailure, error.message.clone()))?;
    object.set("name", "EthoraError")?;
    object.set("code", error.code_str())?;
    if let Some(status) = error.status {
        object.set("status", status)?;
    }
    if let Some(method) = error.method {
        object.set("method", method)?;
    }
    if let Some(url) = &error.url {
        object.set("url", url.as_str())?;
    }
    if let Some(argument) = &error.argument {
        object.set("argument", argument.as_str())?;
    }
    if let (Some(status), Some(body)) = (error.status, &error.response_body) {
        let mut response = Object::new(env)?;
        response.set("status", status)?;
        response.set("data", body)?;
        object.set("response", response)?;
    }
    Ok(object)
}

/// A `napi::Error` that throws (or rejects with) the built error object as it is.
pub fn to_js_error(env: &Env, error: &EthoraError) -> Error {
    match build_error_object(env, error) {
        Ok(object) => Error::from(object.to_unknown()),
        Err(fallback) => fallback,
    }
}
