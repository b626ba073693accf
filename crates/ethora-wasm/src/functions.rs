//! The module's functions (`getEthoraSDKService`, the token functions, `configFromEnv`,
//! `getSecrets`), as the official SDK exports them, and what the facade asks of the core.

use std::cell::RefCell;

use ethora_core::boundary::{self, Argument};
use ethora_core::{functions, naming};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::errors::js_result;
use crate::platform::runtime_env;
use crate::service::EthoraSDKService;
use crate::values::{to_js, values};

/// What the facade (`edge/api.js`) needs to know of every method and function
/// (`ethora_core::boundary::spec`).
#[wasm_bindgen(js_name = boundarySpec, skip_typescript)]
pub fn boundary_spec() -> String {
    boundary::spec()
}

thread_local! {
    /// The instance `getEthoraSDKService()` returns without a config.
    static DEFAULT_SERVICE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Without a config: one shared instance built from the runtime's environment (the same
/// object every time). With a config: a new instance, not cached.
#[wasm_bindgen(js_name = getEthoraSDKService, unchecked_return_type = "EthoraSDKService")]
pub fn get_ethora_sdk_service(
    #[wasm_bindgen(js_name = "config", unchecked_optional_param_type = "EthoraSDKConfig")]
    config: Option<String>,
) -> Result<JsValue, JsValue> {
    let config = Argument::read(config.as_deref()).value(&functions::SERVICE_CONFIG[0]);
    let config = js_result(functions::read_config(config))?;
    let config = config.as_ref();
    if !functions::wants_shared_instance(config) {
        return js_result(EthoraSDKService::build(config)).map(JsValue::from);
    }
    if let Some(shared) = DEFAULT_SERVICE.with(|slot| slot.borrow().clone()) {
        return Ok(shared);
    }
    let service = JsValue::from(js_result(EthoraSDKService::build(None))?);
    DEFAULT_SERVICE.with(|slot| *slot.borrow_mut() = Some(service.clone()));
    Ok(service)
}

/// Forgets the shared instance when it is `service` (the facade frees it): the next
/// `getEthoraSDKService()` builds a new one instead of handing out a freed one.
#[wasm_bindgen(js_name = forgetSharedService, skip_typescript)]
pub fn forget_shared_service(service: &JsValue) {
    DEFAULT_SERVICE.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot
            .as_ref()
            .is_some_and(|shared| js_sys::Object::is(shared, service))
        {
            *slot = None;
        }
    });
}

/// A client (user) JWT, as the reference's `createClientToken`; with `options.expiresIn` it
/// expires that many seconds from now.
#[wasm_bindgen(js_name = createClientToken)]
pub fn create_client_token(
    #[wasm_bindgen(js_name = "userId", unchecked_param_type = "UUID")] user_id: Option<String>,
    #[wasm_bindgen(
        js_name = "customSecrets",
        unchecked_optional_param_type = "EthoraSDKConfig"
    )]
    custom_secrets: Option<String>,
    #[wasm_bindgen(
        js_name = "options",
        unchecked_optional_param_type = "ClientTokenOptions"
    )]
    options: Option<String>,
) -> Result<String, JsValue> {
    js_result(
        values(
            functions::CREATE_CLIENT_TOKEN,
            &[user_id, custom_secrets, options],
        )
        .and_then(|v| {
            functions::create_client_token(v[0].as_ref(), v[1].as_ref(), v[2].as_ref(), runtime_env)
        }),
    )
}

/// A server (B2B) JWT, as the reference's `createServerToken`.
#[wasm_bindgen(js_name = createServerToken)]
pub fn create_server_token(
    #[wasm_bindgen(
        js_name = "customSecrets",
        unchecked_optional_param_type = "EthoraSDKConfig"
    )]
    custom_secrets: Option<String>,
    #[wasm_bindgen(
        js_name = "options",
        unchecked_optional_param_type = "ServerTokenOptions"
    )]
    options: Option<String>,
) -> Result<String, JsValue> {
    js_result(
        values(functions::CREATE_SERVER_TOKEN, &[custom_secrets, options]).and_then(|v| {
            functions::create_server_token(v[0].as_ref(), v[1].as_ref(), runtime_env)
        }),
    )
}

/// Verifies a server or client token with its scoped key and returns its claims. With
/// `expectedType`, a token of the other type is refused. A token past its `exp` or before
/// its `nbf` is refused (`options.clockTolerance` seconds forgiven, default 5). No
/// raw-secret fallback.
#[wasm_bindgen(js_name = verifyJwtToken, unchecked_return_type = "Record<string, unknown>")]
pub fn verify_jwt_token(
    #[wasm_bindgen(js_name = "token", unchecked_param_type = "string")] token: Option<String>,
    #[wasm_bindgen(
        js_name = "customSecrets",
        unchecked_optional_param_type = "EthoraSDKConfig"
    )]
    custom_secrets: Option<String>,
    #[wasm_bindgen(
        js_name = "expectedType",
        unchecked_optional_param_type = "'server' | 'client'"
    )]
    expected_type: Option<String>,
    #[wasm_bindgen(
        js_name = "options",
        unchecked_optional_param_type = "VerifyTokenOptions"
    )]
    options: Option<String>,
) -> Result<JsValue, JsValue> {
    let texts = [token, custom_secrets, expected_type, options];
    js_result(values(functions::VERIFY_JWT_TOKEN, &texts).and_then(|v| {
        functions::verify_jwt_token(
            v[0].as_ref(),
            v[1].as_ref(),
            v[2].as_ref(),
            v[3].as_ref(),
            runtime_env,
        )
        .map(|claims| to_js(&Value::Object(claims)))
    }))
}

/// The `EthoraSDKConfig` that the `ETHORA_CHAT_*` variables (and `ETHORA_LOG`) of `env`
/// describe: a Workers-style `env` object, or the process environment when omitted.
#[wasm_bindgen(js_name = configFromEnv, unchecked_return_type = "EthoraSDKConfig")]
pub fn config_from_env(
    #[wasm_bindgen(
        js_name = "env",
        unchecked_optional_param_type = "Record<string, unknown>"
    )]
    variables: Option<String>,
) -> Result<JsValue, JsValue> {
    js_result(
        values(functions::CONFIG_FROM_ENV, &[variables])
            .and_then(|values| functions::config_from_env_argument(values[0].as_ref(), runtime_env))
            .map(|config| to_js(&Value::Object(config))),
    )
}

/// The official SDK's `getSecretsSync`: `{ chatApiUrl, chatAppId, chatAppSecret }` from the
/// `ETHORA_CHAT_*` variables, the truthy values of `overrides` winning; throws an
/// `ETHORA_CONFIG` error with the official message when one is missing.
#[wasm_bindgen(js_name = getSecretsSync, unchecked_return_type = "Secrets")]
pub fn get_secrets_sync(
    #[wasm_bindgen(
        js_name = "overrides",
        unchecked_optional_param_type = "Partial<Secrets>"
    )]
    overrides: Option<String>,
) -> Result<JsValue, JsValue> {
    let overrides = Argument::read(overrides.as_deref());
    js_result(
        functions::get_secrets_from(overrides, runtime_env)
            .map(|secrets| to_js(&Value::Object(secrets))),
    )
}

/// The official SDK's `getSecrets`: the same as `getSecretsSync` (synchronous there too),
/// read anew on every call.
#[wasm_bindgen(js_name = getSecrets, unchecked_return_type = "Secrets")]
pub fn get_secrets(
    #[wasm_bindgen(
        js_name = "overrides",
        unchecked_optional_param_type = "Partial<Secrets>"
    )]
    overrides: Option<String>,
) -> Result<JsValue, JsValue> {
    get_secrets_sync(overrides)
}

/// `ETHORA_JID_DOMAIN` for the entry modules, which export it as a constant.
#[wasm_bindgen(js_name = ethoraJidDomain, skip_typescript)]
pub fn ethora_jid_domain() -> String {
    naming::ETHORA_JID_DOMAIN.to_owned()
}
