//! The SDK's functions besides the network methods: `createClientToken`,
//! `createServerToken`, `verifyJwtToken`, `configFromEnv`, `getSecrets(Sync)`, and the
//! parameters of the service's own local methods, read through [`crate::boundary`] like the
//! network methods' arguments, so that both faces only hand values over.

use serde_json::{Map, Value};

use crate::api::arguments;
use crate::api::{env, id, json, options, users, Parameter};
use crate::config::{Credentials, ENV_API_URL, ENV_APP_ID, ENV_APP_SECRET, ENV_LOG};
use crate::error::{EthoraError, Result};
use crate::token::{
    now_unix_seconds, signer_for, TokenPurpose, DEFAULT_CLOCK_TOLERANCE_SECS, MAX_EXPIRES_IN_SECS,
};

/// `new EthoraSDKService(config?)` and `getEthoraSDKService(config?)`.
pub const SERVICE_CONFIG: &[Parameter] = &[json("config", "EthoraSDKConfig", true)];
// `LocalCall`, the service's methods that make no request, from the list in
// [`crate::sdk_methods!`].
crate::sdk_methods!(ethora_methods::core_local_calls);

/// `createClientToken(userId, customSecrets?, options?)`.
pub const CREATE_CLIENT_TOKEN: &[Parameter] = &[
    id("userId", "UUID", false),
    json("customSecrets", "EthoraSDKConfig", true),
    json("options", "ClientTokenOptions", true),
];
/// `createServerToken(customSecrets?, options?)`.
pub const CREATE_SERVER_TOKEN: &[Parameter] = &[
    json("customSecrets", "EthoraSDKConfig", true),
    json("options", "ServerTokenOptions", true),
];
/// `verifyJwtToken(token, customSecrets?, expectedType?, options?)`.
pub const VERIFY_JWT_TOKEN: &[Parameter] = &[
    id("token", "string", false),
    json("customSecrets", "EthoraSDKConfig", true),
    json("expectedType", "'server' | 'client'", true),
    json("options", "VerifyTokenOptions", true),
];
/// `configFromEnv(env?)`.
pub const CONFIG_FROM_ENV: &[Parameter] = &[env("env", "Record<string, unknown>", true)];
/// `getSecrets(overrides?)` / `getSecretsSync(overrides?)`.
pub const GET_SECRETS: &[Parameter] = &[json("overrides", "SecretsOverrides", true)];
/// `importUsers(users, options?)`.
pub const IMPORT_USERS: &[Parameter] = &[
    users(
        "users",
        "Iterable<BatchUserData> | AsyncIterable<BatchUserData>",
        false,
    ),
    options("options", "ImportUsersOptions", true),
];

/// `createChatName(chatId, full?)` from its arguments: `full` is JavaScript truthiness
/// (absent: true), as in the official SDK.
pub fn chat_name(app_id: &str, values: &[Option<Value>]) -> Result<String> {
    let chat_id = arguments::id(values.first().and_then(Option::as_ref), "chatId")?;
    let full = values
        .get(1)
        .and_then(Option::as_ref)
        .is_none_or(crate::javascript::truthy);
    Ok(crate::naming::chat_name(app_id, chat_id, full))
}

/// Whether `getEthoraSDKService(config)` returns the shared instance: for a config the
/// official SDK's `if (!instance || config)` takes as absent (any falsy value).
pub fn wants_shared_instance(config: Option<&Value>) -> bool {
    !config.is_some_and(crate::javascript::truthy)
}

/// The config argument as read: a refusal of the reader (a bigint, a cycle, a throwing getter)
/// is an `ETHORA_CONFIG` error, as every other fault of a config is.
pub fn read_config(read: Result<Option<Value>>) -> Result<Option<Value>> {
    read.map_err(crate::config::as_config_error)
}

/// `getSecrets` / `getSecretsSync` from their argument as a binding hands it over: overrides
/// the reader refuses count as none, as the official SDK ignores anything it cannot read keys
/// from.
pub fn get_secrets_from(
    overrides: crate::boundary::Argument<'_>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Map<String, Value>> {
    let overrides = overrides.value(&GET_SECRETS[0]).unwrap_or(None);
    get_secrets(overrides.as_ref(), env)
}

/// The message of the official SDK's `getSecretsSync` when a setting is missing.
const MISSING_SECRETS: &str = "Missing required Ethora configuration. Please set the following environment variables:\n- ETHORA_CHAT_API_URL\n- ETHORA_CHAT_APP_ID\n- ETHORA_CHAT_APP_SECRET";

/// `getSecrets(overrides?)` / `getSecretsSync(overrides?)`, as the official SDK's: `{
/// chatApiUrl, chatAppId, chatAppSecret }` from the environment, `overrides.chatAppId` and
/// `overrides.chatAppSecret` (and here `overrides.chatApiUrl`) winning when truthy; a missing
/// one is the official error (as `ETHORA_CONFIG`). Read anew on every call.
pub fn get_secrets(
    overrides: Option<&Value>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Map<String, Value>> {
    let overrides = match overrides {
        Some(Value::Object(map)) => Some(map),
        _ => None,
    };
    let mut secrets = Map::new();
    for (key, variable) in [
        ("chatApiUrl", ENV_API_URL),
        ("chatAppId", ENV_APP_ID),
        ("chatAppSecret", ENV_APP_SECRET),
    ] {
        let given = overrides
            .and_then(|map| map.get(key))
            .filter(|value| crate::javascript::truthy(value))
            .cloned();
        let value = given.or_else(|| env(variable).filter(|v| !v.is_empty()).map(Value::String));
        secrets.insert(
            key.into(),
            value.ok_or_else(|| EthoraError::config(MISSING_SECRETS))?,
        );
    }
    Ok(secrets)
}

/// `configFromEnv(env?)` from its argument: the `ETHORA_*` string values the reader read of
/// an environment object, or, without one (`null` too), the runtime's environment.
pub fn config_from_env_argument(
    argument: Option<&Value>,
    runtime_env: impl Fn(&str) -> Option<String>,
) -> Result<Map<String, Value>> {
    match argument {
        None | Some(Value::Null) => Ok(config_from_env(runtime_env)),
        Some(Value::Object(variables)) => Ok(config_from_env(|name| {
            variables.get(name)?.as_str().map(str::to_owned)
        })),
        Some(_) => Err(EthoraError::validation("env", "must be an object")),
    }
}

/// Longest clock tolerance `verifyJwtToken` accepts, in seconds.
pub const MAX_CLOCK_TOLERANCE_SECS: u64 = 300;

/// A whole number of seconds from an option: a finite number within `min..=max`.
fn seconds_option(
    options: Option<&Map<String, Value>>,
    key: &str,
    min: u64,
    max: u64,
) -> Result<Option<u64>> {
    // An explicit `null` is refused, not taken as absent: JSON.stringify turns NaN and
    // Infinity into null, and a mistaken expiry must not silently mint a token that never
    // expires.
    let Some(value) = options.and_then(|map| map.get(key)) else {
        return Ok(None);
    };
    let rule = || {
        EthoraError::validation(
            format!("options.{key}"),
            format!("must be a number of seconds from {min} to {max}"),
        )
    };
    let seconds = value.as_f64().filter(|n| n.is_finite()).ok_or_else(rule)?;
    if seconds < min as f64 || seconds > max as f64 {
        return Err(rule());
    }
    Ok(Some(seconds.floor() as u64))
}

/// The `expiresIn` of a client token's options (`{ expiresIn?: number }`, seconds): at
/// least 1, at most ten years. Absent: the token carries no `exp`, as the reference's.
pub fn client_token_expiry(options: Option<&Value>) -> Result<Option<u64>> {
    let options = arguments::optional_object(options, "options")?;
    seconds_option(options, "expiresIn", 1, MAX_EXPIRES_IN_SECS)
}

/// The credentials of a token function: `customSecrets` when given (a falsy value counts as
/// not given, as in the official SDK's `customSecrets || getSecrets()`), the environment for
/// what it lacks (empty strings count as missing, as in the config).
pub fn credentials(
    custom_secrets: Option<&Value>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Credentials> {
    let argument = "customSecrets";
    let secrets = match custom_secrets {
        Some(Value::Object(map)) => Some(map),
        Some(value) if crate::javascript::truthy(value) => {
            return Err(EthoraError::validation(argument, "must be an object"))
        }
        _ => None,
    };
    let text = |key: &str| match secrets.and_then(|map| map.get(key)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(EthoraError::validation(
            format!("{argument}.{key}"),
            "must be a string",
        )),
    };
    let input = crate::config::ConfigInput {
        chat_app_id: text("chatAppId")?,
        chat_app_secret: text("chatAppSecret")?,
        ..Default::default()
    };
    Credentials::resolve(&input, env)
}

/// `createClientToken(userId, customSecrets?, options?)`.
pub fn create_client_token(
    user_id: Option<&Value>,
    custom_secrets: Option<&Value>,
    options: Option<&Value>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<String> {
    let user_id = arguments::id(user_id, "userId")?;
    let expires_in = client_token_expiry(options)?;
    let signer = signer_for(&credentials(custom_secrets, env)?);
    Ok(signer.expiring_client_token(user_id, now_unix_seconds(), expires_in))
}

/// `createServerToken(customSecrets?, options?)`; empty `appId`/`tenantId` count as absent.
pub fn create_server_token(
    custom_secrets: Option<&Value>,
    options: Option<&Value>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<String> {
    let signer = signer_for(&credentials(custom_secrets, env)?);
    let options = arguments::optional_object(options, "options")?;
    let text = |key: &str| -> Result<Option<&str>> {
        match options.and_then(|map| map.get(key)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.as_str()).filter(|t| !t.is_empty())),
            Some(_) => Err(EthoraError::validation(
                format!("options.{key}"),
                "must be a string",
            )),
        }
    };
    Ok(signer.server_token(now_unix_seconds(), text("appId")?, text("tenantId")?))
}

/// `verifyJwtToken(token, customSecrets?, expectedType?, options?)`: the claims of a token
/// signed with its scoped key; with `expectedType`, a token of the other type is refused. A
/// token past its `exp` or before its `nbf` is refused, forgiving `options.clockTolerance`
/// seconds (default 5, at most 300) of clock difference.
pub fn verify_jwt_token(
    token: Option<&Value>,
    custom_secrets: Option<&Value>,
    expected_type: Option<&Value>,
    options: Option<&Value>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Map<String, Value>> {
    let token = arguments::id(token, "token")?;
    let options = arguments::optional_object(options, "options")?;
    let tolerance = seconds_option(options, "clockTolerance", 0, MAX_CLOCK_TOLERANCE_SECS)?
        .unwrap_or(DEFAULT_CLOCK_TOLERANCE_SECS);
    let expected = match expected_type {
        None | Some(Value::Null) => None,
        Some(Value::String(kind)) if kind == "server" => Some(TokenPurpose::Server),
        Some(Value::String(kind)) if kind == "client" => Some(TokenPurpose::Client),
        Some(_) => {
            return Err(EthoraError::validation(
                "expectedType",
                "must be 'server' or 'client'",
            ))
        }
    };
    let signer = signer_for(&credentials(custom_secrets, env)?);
    signer
        .verify_at(token, expected, now_unix_seconds(), tolerance)
        .map_err(|e| EthoraError::validation("token", e.to_string()))
}

/// `configFromEnv(env)`: the `EthoraSDKConfig` that the `ETHORA_CHAT_*` (and `ETHORA_LOG`)
/// variables of a Workers-style `env` object describe. Missing names are left out, so the
/// service constructor reports them exactly as it does for a missing process environment.
pub fn config_from_env(env: impl Fn(&str) -> Option<String>) -> Map<String, Value> {
    let mut config = Map::new();
    for (variable, key) in [
        (ENV_API_URL, "chatApiUrl"),
        (ENV_APP_ID, "chatAppId"),
        (ENV_APP_SECRET, "chatAppSecret"),
        (ENV_LOG, "logLevel"),
    ] {
        if let Some(value) = env(variable) {
            config.insert(key.into(), Value::String(value));
        }
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn tokens_round_trip_through_the_json_arguments() {
        let secrets = json!({"chatAppId": "app", "chatAppSecret": "s3cret"});
        let client = create_client_token(Some(&json!("u1")), Some(&secrets), None, no_env).unwrap();
        let claims = verify_jwt_token(
            Some(&json!(client)),
            Some(&secrets),
            Some(&json!("client")),
            None,
            no_env,
        )
        .unwrap();
        assert_eq!(claims["data"]["userId"], "u1");
        let server =
            create_server_token(Some(&secrets), Some(&json!({"tenantId": "t"})), no_env).unwrap();
        let wrong = verify_jwt_token(
            Some(&json!(server)),
            Some(&secrets),
            Some(&json!("client")),
            None,
            no_env,
        );
        assert_eq!(wrong.unwrap_err().argument.as_deref(), Some("token"));
        let bad_type =
            verify_jwt_token(Some(&json!("x")), None, Some(&json!("admin")), None, no_env);
        assert_eq!(
            bad_type.unwrap_err().argument.as_deref(),
            Some("expectedType")
        );
    }

    #[test]
    fn expiry_options_are_validated() {
        let secrets = json!({"chatAppId": "app", "chatAppSecret": "s3cret"});
        let mint = |options: Value| {
            create_client_token(Some(&json!("u1")), Some(&secrets), Some(&options), no_env)
        };
        let token = mint(json!({"expiresIn": 90.7})).unwrap();
        let claims =
            verify_jwt_token(Some(&json!(token)), Some(&secrets), None, None, no_env).unwrap();
        assert_eq!(
            claims["exp"].as_u64(),
            claims["iat"].as_u64().map(|iat| iat + 90)
        );
        assert!(mint(json!({})).is_ok());
        for bad in [
            json!(0),
            json!(-5),
            json!(0.5),
            json!("60"),
            json!(1e12),
            json!(true),
            json!(null),
        ] {
            let error = mint(json!({ "expiresIn": bad })).unwrap_err();
            assert_eq!(error.code_str(), "ETHORA_VALIDATION", "{bad}");
            assert_eq!(error.argument.as_deref(), Some("options.expiresIn"));
        }
        assert_eq!(
            mint(json!(5)).unwrap_err().argument.as_deref(),
            Some("options")
        );
        let tolerance = |value: Value| {
            verify_jwt_token(
                Some(&json!(token)),
                Some(&secrets),
                None,
                Some(&json!({ "clockTolerance": value })),
                no_env,
            )
        };
        assert!(tolerance(json!(0)).is_ok());
        assert_eq!(
            tolerance(json!(301)).unwrap_err().argument.as_deref(),
            Some("options.clockTolerance")
        );
    }

    #[test]
    fn missing_credentials_are_a_config_error_naming_the_variables() {
        let error = create_client_token(Some(&json!("u1")), None, None, no_env).unwrap_err();
        assert_eq!(error.code_str(), "ETHORA_CONFIG");
        assert!(error.message.contains(ENV_APP_SECRET));
    }

    #[test]
    fn secrets_come_from_overrides_then_the_environment() {
        let env = |name: &str| match name {
            ENV_API_URL => Some("http://x".to_owned()),
            ENV_APP_ID => Some("from-env".to_owned()),
            ENV_APP_SECRET => Some(String::new()),
            _ => None,
        };
        let error = get_secrets(None, env).unwrap_err();
        assert_eq!(error.code_str(), "ETHORA_CONFIG");
        assert!(error
            .message
            .starts_with("Missing required Ethora configuration"));
        let secrets =
            get_secrets(Some(&json!({"chatAppSecret": "s", "chatAppId": ""})), env).unwrap();
        assert_eq!(
            Value::Object(secrets),
            json!({"chatApiUrl": "http://x", "chatAppId": "from-env", "chatAppSecret": "s"})
        );
        assert!(wants_shared_instance(None));
        assert!(wants_shared_instance(Some(&json!(null))));
        assert!(wants_shared_instance(Some(&json!(0))));
        assert!(!wants_shared_instance(Some(&json!({}))));
    }

    #[test]
    fn env_objects_become_configs() {
        let env = json!({"ETHORA_CHAT_APP_ID": "a", "ETHORA_CHAT_API_URL": "http://x", "OTHER": "y", "ETHORA_CHAT_APP_SECRET": 5});
        let config = config_from_env(|name| env.get(name)?.as_str().map(str::to_owned));
        assert_eq!(
            Value::Object(config),
            json!({"chatApiUrl": "http://x", "chatAppId": "a"})
        );
    }
}
