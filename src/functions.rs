//! The module's functions (`getEthoraSDKService`, the token functions, `configFromEnv`,
//! `getSecrets`), as the official SDK exports them.

use std::mem::ManuallyDrop;

use ethora_core::functions;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::to_js_error;
use crate::raw::arguments;
use crate::service::EthoraSDKService;

thread_local! {
    /// The instance `getEthoraSDKService()` returns, per JavaScript thread. Never dropped:
    /// releasing a napi reference during thread teardown is not allowed.
    static DEFAULT_SERVICE: std::cell::RefCell<Option<ManuallyDrop<Reference<EthoraSDKService>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Without a config: one shared instance built from the environment (the same object every
/// time). With a config: a new instance, not cached.
#[napi(js_name = "getEthoraSDKService", ts_return_type = "EthoraSDKService")]
pub fn get_ethora_sdk_service(
    env: Env,
    #[napi(ts_arg_type = "EthoraSDKConfig")] config: Option<Unknown>,
) -> Result<Reference<EthoraSDKService>> {
    let config = functions::read_config(arguments::value(config, &functions::SERVICE_CONFIG[0]))
        .map_err(|error| to_js_error(&env, &error))?;
    let construct = |config: Option<&Value>| {
        EthoraSDKService::from_config(&env, config).map_err(|error| to_js_error(&env, &error))
    };
    if !functions::wants_shared_instance(config.as_ref()) {
        return construct(config.as_ref())?.into_reference(env);
    }
    let existing = DEFAULT_SERVICE.with(|slot| {
        slot.borrow()
            .as_ref()
            .map(|reference| Reference::clone(reference, env))
            .transpose()
    })?;
    if let Some(reference) = existing {
        return Ok(reference);
    }
    let reference = construct(None)?.into_reference(env)?;
    let shared = reference.clone(env)?;
    DEFAULT_SERVICE.with(|slot| *slot.borrow_mut() = Some(ManuallyDrop::new(shared)));
    Ok(reference)
}

/// A client (user) JWT, as the reference's `createClientToken`; with `options.expiresIn` it
/// expires that many seconds from now.
#[napi]
pub fn create_client_token(
    env: Env,
    #[napi(ts_arg_type = "UUID")] user_id: Unknown,
    #[napi(ts_arg_type = "EthoraSDKConfig")] custom_secrets: Option<Unknown>,
    #[napi(ts_arg_type = "ClientTokenOptions")] options: Option<Unknown>,
) -> Result<String> {
    arguments::values(
        functions::CREATE_CLIENT_TOKEN,
        [Some(user_id), custom_secrets, options],
    )
    .and_then(|v| {
        functions::create_client_token(v[0].as_ref(), v[1].as_ref(), v[2].as_ref(), |name| {
            arguments::runtime_env(&env, name)
        })
    })
    .map_err(|e| to_js_error(&env, &e))
}

/// A server (B2B) JWT, as the reference's `createServerToken`.
#[napi]
pub fn create_server_token(
    env: Env,
    #[napi(ts_arg_type = "EthoraSDKConfig")] custom_secrets: Option<Unknown>,
    #[napi(ts_arg_type = "ServerTokenOptions")] options: Option<Unknown>,
) -> Result<String> {
    arguments::values(functions::CREATE_SERVER_TOKEN, [custom_secrets, options])
        .and_then(|v| {
            functions::create_server_token(v[0].as_ref(), v[1].as_ref(), |name| {
                arguments::runtime_env(&env, name)
            })
        })
        .map_err(|e| to_js_error(&env, &e))
}

/// Verifies a server or client token with its scoped key and returns its claims. With
/// `expectedType`, a token of the other type is refused. A token past its `exp` or before
/// its `nbf` is refused (`options.clockTolerance` seconds forgiven, default 5). No
/// raw-secret fallback.
#[napi(ts_return_type = "Record<string, unknown>")]
pub fn verify_jwt_token(
    env: Env,
    #[napi(ts_arg_type = "string")] token: Unknown,
    #[napi(ts_arg_type = "EthoraSDKConfig")] custom_secrets: Option<Unknown>,
    #[napi(ts_arg_type = "'server' | 'client'")] expected_type: Option<Unknown>,
    #[napi(ts_arg_type = "VerifyTokenOptions")] options: Option<Unknown>,
) -> Result<Value> {
    arguments::values(
        functions::VERIFY_JWT_TOKEN,
        [Some(token), custom_secrets, expected_type, options],
    )
    .and_then(|v| {
        functions::verify_jwt_token(
            v[0].as_ref(),
            v[1].as_ref(),
            v[2].as_ref(),
            v[3].as_ref(),
            |name| arguments::runtime_env(&env, name),
        )
    })
    .map(Value::Object)
    .map_err(|e| to_js_error(&env, &e))
}

/// The `EthoraSDKConfig` that the `ETHORA_CHAT_*` variables (and `ETHORA_LOG`) of `env`
/// describe: a Workers-style `env` object, or the process environment when omitted.
#[napi(ts_return_type = "EthoraSDKConfig")]
pub fn config_from_env(
    js_env: Env,
    #[napi(ts_arg_type = "Record<string, unknown>")] env: Option<Unknown>,
) -> Result<Value> {
    arguments::values(functions::CONFIG_FROM_ENV, [env])
        .and_then(|values| {
            functions::config_from_env_argument(values[0].as_ref(), |name| {
                arguments::runtime_env(&js_env, name)
            })
        })
        .map(Value::Object)
        .map_err(|error| to_js_error(&js_env, &error))
}

/// The official SDK's `getSecretsSync`: `{ chatApiUrl, chatAppId, chatAppSecret }` from the
/// `ETHORA_CHAT_*` variables, the truthy values of `overrides` winning; throws an
/// `ETHORA_CONFIG` error with the official message when one is missing.
#[napi(ts_return_type = "Secrets")]
pub fn get_secrets_sync(
    env: Env,
    #[napi(ts_arg_type = "Partial<Secrets>")] overrides: Option<Unknown>,
) -> Result<Value> {
    arguments::with_argument(overrides, &functions::GET_SECRETS[0], |overrides| {
        functions::get_secrets_from(overrides, |name| arguments::runtime_env(&env, name))
    })
    .map(Value::Object)
    .map_err(|e| to_js_error(&env, &e))
}

/// The official SDK's `getSecrets`: the same as `getSecretsSync` (synchronous there too),
/// read anew on every call.
#[napi(ts_return_type = "Secrets")]
pub fn get_secrets(
    env: Env,
    #[napi(ts_arg_type = "Partial<Secrets>")] overrides: Option<Unknown>,
) -> Result<Value> {
    get_secrets_sync(env, overrides)
}

/// Conference domain of Ethora Cloud room JIDs, as the reference exports it.
#[napi]
pub const ETHORA_JID_DOMAIN: &str = ethora_core::naming::ETHORA_JID_DOMAIN;
