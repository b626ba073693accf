//! Client configuration: explicit values first, then the reference SDK's environment variables.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::api::arguments::{number, optional_object, string};
use crate::error::{EthoraError, Result};
use crate::logging::LogLevel;
use crate::retry::{
    RetryPolicy, DEFAULT_MAX_RETRIES, DEFAULT_RETRY_BASE_DELAY_MS, DEFAULT_RETRY_MAX_DELAY_MS,
};

pub const ENV_API_URL: &str = "ETHORA_CHAT_API_URL";
pub const ENV_APP_ID: &str = "ETHORA_CHAT_APP_ID";
pub const ENV_APP_SECRET: &str = "ETHORA_CHAT_APP_SECRET";
/// Log level when the config does not set `logLevel`: off, error, warn, info or debug.
pub const ENV_LOG: &str = "ETHORA_LOG";
/// A PEM file of extra trusted CAs, read as Node reads it (Node build only).
pub const ENV_EXTRA_CA_CERTS: &str = "NODE_EXTRA_CA_CERTS";
/// The transport when the config does not set `transport`: native, node or auto.
pub const ENV_TRANSPORT: &str = "ETHORA_SDK_TRANSPORT";

/// Which way requests leave the process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TransportChoice {
    /// Node's own HTTP stack when something hooked it (a test interceptor, an APM agent),
    /// the SDK's own transport otherwise.
    #[default]
    Auto,
    /// Always the SDK's own transport (the Rust HTTP client; the runtime's `fetch` on the
    /// edge build), whatever hooked Node's.
    Native,
    /// Always Node's own HTTP stack (`fetch`, or `http.request` when only that is hooked).
    Node,
}

fn transport_from(
    explicit: Option<String>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<TransportChoice> {
    match non_empty(explicit).or_else(|| non_empty(env(ENV_TRANSPORT))).as_deref() {
        None | Some("auto") => Ok(TransportChoice::Auto),
        Some("native") => Ok(TransportChoice::Native),
        Some("node") => Ok(TransportChoice::Node),
        Some(_) => Err(EthoraError::config(format!(
            "Invalid Ethora configuration: `transport` / {ENV_TRANSPORT} must be native, node or auto"
        ))),
    }
}

/// Same defaults as the reference SDK's `DEFAULT_TIMEOUT`.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 5_000;
/// Requests one client keeps in flight at once (and so the most connections it opens).
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;
const MAX_CONNECTIONS_LIMIT: f64 = 10_000.0;
/// Largest response body read (16 MiB); a longer one fails with `ETHORA_DECODE`.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
const MAX_RETRIES_LIMIT: f64 = 10.0;
/// Upper bound for both timeouts (one day); larger values are almost certainly unit mistakes.
const MAX_TIMEOUT_MS: f64 = 86_400_000.0;

/// What a caller may pass; every field is optional and falls back to the environment.
#[derive(Debug, Clone, Default)]
pub struct ConfigInput {
    pub chat_api_url: Option<String>,
    pub chat_app_id: Option<String>,
    pub chat_app_secret: Option<String>,
    pub timeout_ms: Option<f64>,
    pub connect_timeout_ms: Option<f64>,
    pub max_connections: Option<f64>,
    pub max_retries: Option<f64>,
    pub retry_base_delay_ms: Option<f64>,
    pub retry_max_delay_ms: Option<f64>,
    pub max_response_bytes: Option<f64>,
    pub log_level: Option<String>,
    /// Extra trusted CA certificates, PEM text (one string may hold several).
    pub ca: Option<Vec<String>>,
    pub proxy: Option<ProxySetting>,
    pub transport: Option<String>,
}

/// Which proxy requests go through.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` and `NO_PROXY` (either case), as read when
    /// the client is made; none set means direct.
    #[default]
    FromEnvironment,
    /// This proxy for every request (`http://` or `https://`, credentials allowed).
    Url(String),
    /// Direct, whatever the environment says.
    Off,
}

/// Never shows the proxy URL: it may hold credentials.
impl fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySetting::FromEnvironment => f.write_str("FromEnvironment"),
            ProxySetting::Url(_) => f.write_str("Url([redacted])"),
            ProxySetting::Off => f.write_str("Off"),
        }
    }
}

/// The app secret. Its `Debug` and `Display` never show the value.
#[derive(Clone)]
pub struct AppSecret(String);

impl AppSecret {
    pub fn new(secret: String) -> Self {
        AppSecret(secret)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppSecret([redacted])")
    }
}

impl fmt::Display for AppSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A complete, validated configuration.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL without a trailing slash, e.g. `https://api.chat.ethora.com`.
    pub api_url: String,
    pub app_id: String,
    pub app_secret: AppSecret,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Most requests in flight at once; further calls wait for a free slot.
    pub max_connections: usize,
    pub retry: RetryPolicy,
    pub max_response_bytes: usize,
    pub log_level: LogLevel,
    /// CA certificates (PEM) trusted besides the system's and the bundled roots: the
    /// `ca` option's, then those of the `NODE_EXTRA_CA_CERTS` file.
    pub extra_ca_pem: Vec<String>,
    pub proxy: ProxySetting,
    pub transport: TransportChoice,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn timeout_from(name: &str, value: Option<f64>, default_ms: u64) -> Result<Duration> {
    match value {
        None => Ok(Duration::from_millis(default_ms)),
        Some(ms) if ms.is_finite() && ms > 0.0 && ms <= MAX_TIMEOUT_MS => {
            Ok(Duration::from_secs_f64(ms / 1000.0))
        }
        Some(_) => Err(EthoraError::config(format!(
            "Invalid Ethora configuration: `{name}` must be a number of milliseconds greater than 0 and at most {}",
            MAX_TIMEOUT_MS as u64
        ))),
    }
}

/// An optional whole number within `range`, or the default.
fn integer_from(
    name: &str,
    value: Option<f64>,
    range: std::ops::RangeInclusive<f64>,
    default: u64,
) -> Result<u64> {
    match value {
        None => Ok(default),
        Some(n) if n.fract() == 0.0 && range.contains(&n) => Ok(n as u64),
        Some(_) => Err(EthoraError::config(format!(
            "Invalid Ethora configuration: `{name}` must be an integer from {} to {}",
            // Whole bounds, written as integers (no float formatting in the module).
            *range.start() as u64,
            *range.end() as u64
        ))),
    }
}

fn log_level_from(
    explicit: Option<String>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<LogLevel> {
    match non_empty(explicit).or_else(|| non_empty(env(ENV_LOG))) {
        None => Ok(LogLevel::Off),
        Some(level) => LogLevel::parse(&level).ok_or_else(|| {
            EthoraError::config(format!(
                "Invalid Ethora configuration: `logLevel` / {ENV_LOG} must be off, error, warn, info or debug"
            ))
        }),
    }
}

/// Removes trailing slashes and checks the scheme. Credentials in the URL are refused,
/// so that the URL can be shown in error messages.
fn normalize_api_url(raw: &str) -> Result<String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let parsed = url::Url::parse(trimmed).map_err(|_| {
        EthoraError::config(format!(
            "Invalid Ethora configuration: `chatApiUrl` / {ENV_API_URL} must be an absolute http(s) URL"
        ))
    })?;
    if parsed.scheme() != "http" && parsed.scheme() != "https" {
        return Err(EthoraError::config(format!(
            "Invalid Ethora configuration: `chatApiUrl` / {ENV_API_URL} must use http or https"
        )));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(EthoraError::config(format!(
            "Invalid Ethora configuration: `chatApiUrl` / {ENV_API_URL} must not contain credentials"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(EthoraError::config(format!(
            "Invalid Ethora configuration: `chatApiUrl` / {ENV_API_URL} must not contain a query or fragment"
        )));
    }
    Ok(trimmed.to_owned())
}

/// App id and secret: all that minting and verifying tokens needs.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub app_id: String,
    pub app_secret: AppSecret,
}

/// Each setting as `(explicit value, environment variable, config key)`: the explicit value
/// when non-empty, else the environment's. Fails naming every missing setting, never a value.
fn require_settings<const N: usize>(
    settings: [(Option<String>, &str, &str); N],
    env: &impl Fn(&str) -> Option<String>,
) -> Result<[String; N]> {
    let mut missing = String::new();
    let values = settings.map(|(explicit, env_name, option)| {
        let value = non_empty(explicit).or_else(|| non_empty(env(env_name)));
        if value.is_none() {
            missing.push_str(&format!("\n- {env_name} (config: {option})"));
        }
        value.unwrap_or_default()
    });
    if missing.is_empty() {
        Ok(values)
    } else {
        Err(EthoraError::config(format!(
            "Missing required Ethora configuration. Please set the following environment variables (or pass them in the config object):{missing}"
        )))
    }
}

impl Credentials {
    /// Explicit values win over the environment; empty strings count as missing.
    pub fn resolve(input: &ConfigInput, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let [app_id, secret] = require_settings(
            [
                (input.chat_app_id.clone(), ENV_APP_ID, "chatAppId"),
                (
                    input.chat_app_secret.clone(),
                    ENV_APP_SECRET,
                    "chatAppSecret",
                ),
            ],
            &env,
        )?;
        Ok(Credentials {
            app_id,
            app_secret: AppSecret::new(secret),
        })
    }
}

impl ClientConfig {
    /// Explicit values win; missing ones are read through `env` (the process environment on
    /// Node, a Workers `env` object on the edge). Empty strings count as missing, as in the
    /// reference SDK. All missing settings are named in one error.
    pub fn resolve(input: ConfigInput, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let [api_url, app_id, secret] = require_settings(
            [
                (input.chat_api_url, ENV_API_URL, "chatApiUrl"),
                (input.chat_app_id, ENV_APP_ID, "chatAppId"),
                (input.chat_app_secret, ENV_APP_SECRET, "chatAppSecret"),
            ],
            &env,
        )?;
        Ok(ClientConfig {
            api_url: normalize_api_url(&api_url)?,
            app_id,
            app_secret: AppSecret::new(secret),
            timeout: timeout_from("timeoutMs", input.timeout_ms, DEFAULT_TIMEOUT_MS)?,
            connect_timeout: timeout_from(
                "connectTimeoutMs",
                input.connect_timeout_ms,
                DEFAULT_CONNECT_TIMEOUT_MS,
            )?,
            max_connections: integer_from(
                "maxConnections",
                input.max_connections,
                1.0..=MAX_CONNECTIONS_LIMIT,
                DEFAULT_MAX_CONNECTIONS as u64,
            )? as usize,
            retry: RetryPolicy {
                max_retries: integer_from(
                    "maxRetries",
                    input.max_retries,
                    0.0..=MAX_RETRIES_LIMIT,
                    DEFAULT_MAX_RETRIES as u64,
                )? as u32,
                base_delay: Duration::from_millis(integer_from(
                    "retryBaseDelayMs",
                    input.retry_base_delay_ms,
                    0.0..=MAX_TIMEOUT_MS,
                    DEFAULT_RETRY_BASE_DELAY_MS,
                )?),
                max_delay: Duration::from_millis(integer_from(
                    "retryMaxDelayMs",
                    input.retry_max_delay_ms,
                    0.0..=MAX_TIMEOUT_MS,
                    DEFAULT_RETRY_MAX_DELAY_MS,
                )?),
            },
            max_response_bytes: integer_from(
                "maxResponseBytes",
                input.max_response_bytes,
                1.0..=1_073_741_824.0,
                DEFAULT_MAX_RESPONSE_BYTES as u64,
            )? as usize,
            log_level: log_level_from(input.log_level, &env)?,
            extra_ca_pem: extra_ca_from(input.ca, &env)?,
            proxy: proxy_from(input.proxy)?,
            transport: transport_from(input.transport, &env)?,
        })
    }
}

/// The `ca` option's certificates, then those of the file `NODE_EXTRA_CA_CERTS` names. A file
/// that cannot be read, or holds no certificate, is an error naming it: Node only warns, but
/// a CA the user meant to trust and that is silently missing shows up later as a refused
/// certificate with no hint why.
#[cfg(not(target_arch = "wasm32"))]
fn extra_ca_from(
    ca: Option<Vec<String>>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>> {
    let holds_certificate = |text: &str| text.contains("-----BEGIN CERTIFICATE-----");
    let mut pems = Vec::new();
    for pem in ca.unwrap_or_default() {
        if !holds_certificate(&pem) {
            return Err(EthoraError::config(
                "Invalid Ethora configuration: `ca` must be PEM text (-----BEGIN CERTIFICATE----- ...)",
            ));
        }
        pems.push(pem);
    }
    if let Some(file) = non_empty(env(ENV_EXTRA_CA_CERTS)) {
        let text = std::fs::read_to_string(&file).map_err(|error| {
            EthoraError::config(format!(
                "Invalid Ethora configuration: {ENV_EXTRA_CA_CERTS} names {file}, which could not be read ({})",
                error.kind()
            ))
        })?;
        if !holds_certificate(&text) {
            return Err(EthoraError::config(format!(
                "Invalid Ethora configuration: {ENV_EXTRA_CA_CERTS} names {file}, which holds no PEM certificate"
            )));
        }
        pems.push(text);
    }
    Ok(pems)
}

/// The edge build: the runtime's `fetch` owns TLS, so a CA given in code cannot be used.
#[cfg(target_arch = "wasm32")]
fn extra_ca_from(
    ca: Option<Vec<String>>,
    _env: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>> {
    match ca {
        None => Ok(Vec::new()),
        Some(_) => Err(EthoraError::config(
            "Invalid Ethora configuration: `ca` is not available in the edge build: the runtime's fetch owns TLS (trust a private CA in the runtime itself)",
        )),
    }
}

/// The error for a `proxy` that is not an http(s) URL. The URL itself is never repeated: it
/// may hold credentials.
pub fn invalid_proxy() -> EthoraError {
    EthoraError::config(
        "Invalid Ethora configuration: `proxy` must be an http:// or https:// URL, or false",
    )
}

/// The proxy a `proxy` URL names (http or https proxies only).
#[cfg(not(target_arch = "wasm32"))]
pub fn proxy_for(url: &str) -> Result<reqwest::Proxy> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(invalid_proxy());
    }
    reqwest::Proxy::all(url).map_err(|_| invalid_proxy())
}

#[cfg(not(target_arch = "wasm32"))]
fn proxy_from(proxy: Option<ProxySetting>) -> Result<ProxySetting> {
    let setting = proxy.unwrap_or_default();
    if let ProxySetting::Url(url) = &setting {
        proxy_for(url)?;
    }
    Ok(setting)
}

/// The edge build: the runtime's `fetch` decides about proxies.
#[cfg(target_arch = "wasm32")]
fn proxy_from(proxy: Option<ProxySetting>) -> Result<ProxySetting> {
    match proxy {
        None => Ok(ProxySetting::FromEnvironment),
        Some(_) => Err(EthoraError::config(
            "Invalid Ethora configuration: `proxy` is not available in the edge build: the runtime's fetch decides about proxies",
        )),
    }
}

// Reading the config argument (a JavaScript object) into a `ConfigInput`.

/// A refusal of the config, or of one of its fields, as the `ETHORA_CONFIG` error saying so.
pub fn as_config_error(error: EthoraError) -> EthoraError {
    let Some(argument) = error.argument.as_deref() else {
        return EthoraError::config(format!("Invalid Ethora configuration: {}", error.message));
    };
    let rule = error
        .message
        .strip_prefix(&format!("Invalid argument `{argument}`: "))
        .unwrap_or(&error.message);
    let subject = match argument.split_once('.') {
        Some((_, field)) => format!("`{field}`"),
        None => "the config".to_owned(),
    };
    EthoraError::config(format!("Invalid Ethora configuration: {subject} {rule}"))
}

/// The client config object (`EthoraSDKConfig`); absent or `null` means all defaults.
pub fn config_input(value: Option<&Value>, argument: &str) -> Result<ConfigInput> {
    let map = optional_object(value, argument).map_err(as_config_error)?;
    let text = |key| string(map, argument, key).map_err(as_config_error);
    let num = |key| number(map, argument, key).map_err(as_config_error);
    Ok(ConfigInput {
        chat_api_url: text("chatApiUrl")?,
        chat_app_id: text("chatAppId")?,
        chat_app_secret: text("chatAppSecret")?,
        timeout_ms: num("timeoutMs")?,
        connect_timeout_ms: num("connectTimeoutMs")?,
        max_connections: num("maxConnections")?,
        max_retries: num("maxRetries")?,
        retry_base_delay_ms: num("retryBaseDelayMs")?,
        retry_max_delay_ms: num("retryMaxDelayMs")?,
        max_response_bytes: num("maxResponseBytes")?,
        log_level: text("logLevel")?,
        ca: ca_list(map.and_then(|m| m.get("ca")))?,
        proxy: proxy_setting(map.and_then(|m| m.get("proxy")))?,
        transport: text("transport")?,
    })
}

/// `ca`: PEM text or a list of them.
fn ca_list(value: Option<&Value>) -> Result<Option<Vec<String>>> {
    let invalid = || {
        EthoraError::config(
            "Invalid Ethora configuration: `ca` must be a PEM string or an array of PEM strings",
        )
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(pem)) => Ok(Some(vec![pem.clone()])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(invalid))
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(invalid()),
    }
}

/// `proxy`: a URL, or `false` for none.
fn proxy_setting(value: Option<&Value>) -> Result<Option<ProxySetting>> {
    use ProxySetting;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(false)) => Ok(Some(ProxySetting::Off)),
        Some(Value::String(url)) if !url.is_empty() => Ok(Some(ProxySetting::Url(url.clone()))),
        Some(_) => Err(crate::config::invalid_proxy()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn extra_cas_and_proxy_are_checked() {
        let input = |ca: Option<Vec<String>>, proxy: Option<ProxySetting>| ConfigInput {
            chat_api_url: Some("https://api.example".into()),
            chat_app_id: Some("app".into()),
            chat_app_secret: Some("secret".into()),
            ca,
            proxy,
            ..ConfigInput::default()
        };
        let none = env_of(&[]);
        let error =
            ClientConfig::resolve(input(Some(vec!["no pem".into()]), None), &none).unwrap_err();
        assert!(error.message.contains("`ca` must be PEM"));
        let error = ClientConfig::resolve(
            input(
                None,
                Some(ProxySetting::Url("socks9://user:secret@h:1".into())),
            ),
            &none,
        )
        .unwrap_err();
        assert!(error.message.contains("`proxy`") && !error.message.contains("secret"));
        let missing = env_of(&[(ENV_EXTRA_CA_CERTS, "/no/such/ca.pem")]);
        let error = ClientConfig::resolve(input(None, None), missing).unwrap_err();
        assert_eq!(error.code_str(), "ETHORA_CONFIG");
        assert!(error.message.contains("/no/such/ca.pem"));
        let config = ClientConfig::resolve(input(None, Some(ProxySetting::Off)), &none).unwrap();
        assert_eq!(config.proxy, ProxySetting::Off);
        assert!(config.extra_ca_pem.is_empty());
    }

    #[test]
    fn explicit_values_win_over_environment() {
        let input = ConfigInput {
            chat_app_id: Some("explicit".into()),
            ..Default::default()
        };
        let config = ClientConfig::resolve(
            input,
            env_of(&[
                (ENV_API_URL, "http://127.0.0.1:9/"),
                (ENV_APP_ID, "from-env"),
                (ENV_APP_SECRET, "s3cret"),
            ]),
        )
        .unwrap();
        assert_eq!(config.app_id, "explicit");
        assert_eq!(config.api_url, "http://127.0.0.1:9");
        assert_eq!(config.timeout, Duration::from_secs(30));
        assert_eq!(config.connect_timeout, Duration::from_secs(5));
    }

    #[test]
    fn missing_values_are_named_and_secret_never_echoed() {
        let input = ConfigInput {
            chat_app_secret: Some("super-secret-value".into()),
            ..Default::default()
        };
        let err = ClientConfig::resolve(input, env_of(&[])).unwrap_err();
        assert_eq!(err.code_str(), "ETHORA_CONFIG");
        assert!(err.message.contains(ENV_API_URL));
        assert!(err.message.contains(ENV_APP_ID));
        assert!(!err.message.contains(ENV_APP_SECRET));
        assert!(!err.message.contains("super-secret-value"));
    }

    #[test]
    fn rejects_non_http_urls_and_bad_timeouts() {
        for url in ["ftp://x", "not a url", "http://user:pw@host"] {
            let input = ConfigInput {
                chat_api_url: Some(url.into()),
                chat_app_id: Some("a".into()),
                chat_app_secret: Some("pw".into()),
                ..Default::default()
            };
            let err = ClientConfig::resolve(input, env_of(&[])).unwrap_err();
            assert_eq!(err.code_str(), "ETHORA_CONFIG", "{url}");
            assert!(!err.message.contains("pw@"));
        }
        let input = ConfigInput {
            chat_api_url: Some("https://x".into()),
            chat_app_id: Some("a".into()),
            chat_app_secret: Some("s".into()),
            timeout_ms: Some(-1.0),
            ..Default::default()
        };
        assert!(ClientConfig::resolve(input, env_of(&[])).is_err());
    }

    #[test]
    fn secret_debug_is_redacted() {
        let secret = AppSecret::new("abc123".into());
        assert!(!format!("{secret:?} {secret}").contains("abc123"));
    }

    #[test]
    fn ca_and_proxy_options() {
        let input =
            config_input(Some(&json!({"ca": ["A", "B"], "proxy": false})), "config").unwrap();
        assert_eq!(input.ca, Some(vec!["A".to_owned(), "B".to_owned()]));
        assert_eq!(input.proxy, Some(ProxySetting::Off));
        let input = config_input(
            Some(&json!({"ca": "PEM", "proxy": "http://u:p@h:1"})),
            "config",
        )
        .unwrap();
        assert_eq!(input.ca, Some(vec!["PEM".to_owned()]));
        assert_eq!(
            input.proxy,
            Some(ProxySetting::Url("http://u:p@h:1".into()))
        );
        for bad in [
            json!({"proxy": true}),
            json!({"proxy": ""}),
            json!({"ca": 5}),
            json!({"ca": ["x", 1]}),
        ] {
            let error = config_input(Some(&bad), "config").unwrap_err();
            assert_eq!(error.code_str(), "ETHORA_CONFIG", "{bad}");
        }
        let message = |value: Value| {
            config_input(Some(&value), "config")
                .unwrap_err()
                .message
                .clone()
        };
        assert_eq!(
            message(json!("text")),
            "Invalid Ethora configuration: the config must be an object"
        );
        assert_eq!(
            message(json!({"chatAppId": 5})),
            "Invalid Ethora configuration: `chatAppId` must be a string"
        );
        // The proxy URL may hold credentials: Debug never shows it.
        assert_eq!(
            format!("{:?}", ProxySetting::Url("http://u:secret@h".into())),
            "Url([redacted])"
        );
    }
}
