//! `EthoraError`s for JavaScript: the shared class (js/shared.js) with the core error's fields.

use ethora_core::EthoraError as CoreError;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(raw_module = "./shared.js")]
extern "C" {
    #[wasm_bindgen(js_name = createEthoraError)]
    fn create_ethora_error(message: &str, fields_json: &str) -> JsValue;
}

pub(crate) fn to_js_error(error: &CoreError) -> JsValue {
    create_ethora_error(&error.message, &error.js_fields().to_string())
}

/// `result` with its error as an `EthoraError`.
pub(crate) fn js_result<T>(result: Result<T, CoreError>) -> Result<T, JsValue> {
    result.map_err(|error| to_js_error(&error))
}
