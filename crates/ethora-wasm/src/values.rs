//! Values across the boundary: arguments as the facade hands them over (the shared reader's
//! text, `ethora_core::boundary`) and JSON results as JavaScript values.

use ethora_core::api::Parameter;
use ethora_core::boundary::{self, Argument};
use ethora_core::response;
use ethora_core::EthoraError as CoreError;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// Arguments as the facade hands them over (the reader's text per argument, `None` for
/// `undefined`), each read under its parameter.
pub(crate) fn values(
    parameters: &[Parameter],
    texts: &[Option<String>],
) -> Result<Vec<Option<Value>>, CoreError> {
    boundary::values(
        parameters,
        texts.iter().map(|text| Argument::read(text.as_deref())),
    )
}

/// A JSON result as a JavaScript value.
pub(crate) fn to_js(value: &Value) -> JsValue {
    response::engine::parse(&value.to_string())
}
