//! The one transport: sends an [`ApiRequest`] with reqwest (tokio natively, fetch on wasm).

use serde_json::Value;

use crate::config::{ClientConfig, ConfigInput};
use crate::error::{ErrorCode, EthoraError, Result};
use crate::request::ApiRequest;
use crate::response;
use crate::token::{now_unix_seconds, TokenSigner};

const USER_AGENT: &str = concat!("ethora-rs-sdk-backend/", env!("CARGO_PKG_VERSION"));
const ACCEPT: &str = "application/json, text/plain, */*";

/// A configured Ethora API client: configuration, derived signing keys and a shared
/// connection pool. Cheap to share behind an `Arc`; all methods take `&self`.
#[derive(Debug)]
pub struct EthoraClient {
    config: ClientConfig,
    signer: TokenSigner,
    http: reqwest::Client,
    /// One permit per request in flight: bounds the sockets however many calls are made.
    in_flight: tokio::sync::Semaphore,
}

impl EthoraClient {
    pub fn new(config: ClientConfig) -> Result<Self> {
        let signer = TokenSigner::new(&config.app_id, &config.app_secret);
        let http = build_http_client(&config)?;
        let in_flight = tokio::sync::Semaphore::new(config.max_connections);
        Ok(EthoraClient {
            config,
            signer,
            http,
            in_flight,
        })
    }

    /// Resolves the configuration (explicit values, then `env`) and builds the client.
    pub fn from_input(input: ConfigInput, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        Self::new(ClientConfig::resolve(input, env)?)
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    pub fn app_id(&self) -> &str {
        &self.config.app_id
    }

    pub fn signer(&self) -> &TokenSigner {
        &self.signer
    }

    /// A fresh server token, as the reference mints one for every request.
    pub fn server_token(&self) -> String {
        self.signer.server_token(now_unix_seconds(), None, None)
    }

    /// A client token for the user, for the front end's login.
    pub fn client_token(&self, user_id: &str) -> String {
        self.signer.client_token(user_id, now_unix_seconds())
    }

    /// The full URL of a request.
    pub fn url_for(&self, request: &ApiRequest) -> String {
        let mut url = String::with_capacity(
            self.config.api_url.len() + request.path.len() + request.query.len(),
        );
        url.push_str(&self.config.api_url);
        url.push_str(&request.path);
        url.push_str(&request.query);
        url
    }

    /// Sends the request with both auth headers and resolves as the reference does.
    pub async fn execute(&self, request: ApiRequest) -> Result<Value> {
        let method = request.method.as_str();
        let url = self.url_for(&request);
        // The semaphore is never closed, so acquiring only waits.
        let _slot = self.in_flight.acquire().await.ok();
        let token = self.server_token();
        let mut builder = self
            .http
            .request(reqwest_method(request.method), &url)
            .header("Content-Type", "application/json")
            .header("Accept", ACCEPT)
            .header("User-Agent", USER_AGENT)
            .header("Authorization", format!("Bearer {token}"))
            .header("x-custom-token", token);
        if let Some(body) = &request.body {
            let bytes = serde_json::to_vec(body).map_err(|_| {
                EthoraError::transport(ErrorCode::Decode, method, url.clone(), "body is not JSON")
            })?;
            builder = builder.body(bytes);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| transport_error(&e, method, &url, &self.config))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| transport_error(&e, method, &url, &self.config))?;
        yield_to_pool().await;
        response::interpret(
            method,
            &url,
            status,
            response::parse_body(&bytes),
            &request.not_found,
        )
    }
}

fn reqwest_method(method: crate::request::HttpMethod) -> reqwest::Method {
    use crate::request::HttpMethod;
    match method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Patch => reqwest::Method::PATCH,
        HttpMethod::Delete => reqwest::Method::DELETE,
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn build_http_client(config: &ClientConfig) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .pool_idle_timeout(std::time::Duration::from_secs(30))
        .pool_max_idle_per_host(config.max_connections)
        .tcp_nodelay(true)
        .build()
        .map_err(|_| EthoraError::config("could not initialise the HTTP client"))
}

#[cfg(target_arch = "wasm32")]
fn build_http_client(_config: &ClientConfig) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .build()
        .map_err(|_| EthoraError::config("could not initialise the HTTP client"))
}

fn transport_error(
    error: &reqwest::Error,
    method: &'static str,
    url: &str,
    config: &ClientConfig,
) -> EthoraError {
    if error.is_timeout() {
        EthoraError::transport(
            ErrorCode::Timeout,
            method,
            url.to_owned(),
            &format!("timed out after {} ms", config.timeout.as_millis()),
        )
    } else if is_connect_error(error) {
        EthoraError::transport(
            ErrorCode::Network,
            method,
            url.to_owned(),
            "connection failed",
        )
    } else if error.is_decode() || error.is_body() {
        EthoraError::transport(
            ErrorCode::Network,
            method,
            url.to_owned(),
            "the response body could not be read",
        )
    } else {
        EthoraError::transport(ErrorCode::Network, method, url.to_owned(), "request failed")
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn is_connect_error(error: &reqwest::Error) -> bool {
    error.is_connect()
}

#[cfg(target_arch = "wasm32")]
fn is_connect_error(error: &reqwest::Error) -> bool {
    error.is_request()
}

/// Lets the connection task hand the finished connection back to the pool before the
/// request's slot is released, so that the next request reuses it instead of dialling.
#[cfg(not(target_arch = "wasm32"))]
async fn yield_to_pool() {
    tokio::task::yield_now().await;
}

#[cfg(target_arch = "wasm32")]
async fn yield_to_pool() {}
