//! The one transport: sends an [`ApiRequest`] with reqwest (tokio natively, fetch on wasm).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::config::{ClientConfig, ConfigInput};
use crate::error::{capped_body, ErrorCode, EthoraError, RateLimit, Result};
use crate::logging::{LogLevel, LogSink, Logger};
use crate::request::ApiRequest;
use crate::response;
use crate::retry::{parse_retry_after, Delivery};
use crate::token::{now_unix_seconds, TokenSigner};

const USER_AGENT: &str = concat!("ethora-rs-sdk-backend/", env!("CARGO_PKG_VERSION"));
const ACCEPT: &str = "application/json, text/plain, */*";

#[cfg(not(target_arch = "wasm32"))]
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;
#[cfg(target_arch = "wasm32")]
pub type SleepFuture = Pin<Box<dyn Future<Output = ()>>>;

/// A timer: waits between retry attempts and, on wasm, bounds each attempt. Natively a
/// tokio timer; an edge binding supplies the runtime's `setTimeout`.
pub type Sleeper = Arc<dyn Fn(Duration) -> SleepFuture + Send + Sync>;

#[cfg(not(target_arch = "wasm32"))]
fn default_sleeper() -> Option<Sleeper> {
    Some(Arc::new(|duration| Box::pin(tokio::time::sleep(duration))))
}

/// Without a timer from the binding, retries follow each other at once and only fetch's
/// own abort bounds an attempt.
#[cfg(target_arch = "wasm32")]
fn default_sleeper() -> Option<Sleeper> {
    None
}

/// `Some` of `work`'s output, or `None` when `deadline` finishes first (`work` is then
/// dropped, which aborts its fetch).
#[cfg(target_arch = "wasm32")]
async fn before_deadline<T>(
    work: impl Future<Output = T>,
    deadline: impl Future<Output = ()>,
) -> Option<T> {
    use std::task::Poll;
    let mut work = std::pin::pin!(work);
    let mut deadline = std::pin::pin!(deadline);
    // The deadline is polled first: when fetch's own abort (same time limit) fired in the
    // same turn, the attempt ran out of time, whatever error the abort produced.
    std::future::poll_fn(|cx| {
        if deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        work.as_mut().poll(cx).map(Some)
    })
    .await
}

#[cfg(not(target_arch = "wasm32"))]
fn default_log_sink() -> LogSink {
    Arc::new(|_, line| eprintln!("{line}"))
}

#[cfg(target_arch = "wasm32")]
fn default_log_sink() -> LogSink {
    Arc::new(|_, _| {})
}

/// A uniform random number in `[0, 1)` for backoff jitter.
fn jitter() -> f64 {
    (uuid::Uuid::new_v4().as_u128() >> 75) as f64 / (1u64 << 53) as f64
}

/// One attempt that did not produce a result, with how far it got.
struct FailedAttempt {
    error: EthoraError,
    delivery: Delivery,
    retry_after: Option<Duration>,
}

/// A configured Ethora API client: configuration, derived signing keys and a shared
/// connection pool. Cheap to share behind an `Arc`; all methods take `&self`.
pub struct EthoraClient {
    config: ClientConfig,
    signer: TokenSigner,
    http: reqwest::Client,
    /// One permit per request in flight: bounds the sockets however many calls are made.
    in_flight: tokio::sync::Semaphore,
    sleeper: Option<Sleeper>,
    logger: Logger,
}

impl std::fmt::Debug for EthoraClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EthoraClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl EthoraClient {
    pub fn new(config: ClientConfig) -> Result<Self> {
        let signer = TokenSigner::new(&config.app_id, &config.app_secret);
        let http = build_http_client(&config)?;
        let in_flight = tokio::sync::Semaphore::new(config.max_connections);
        let logger = Logger::new(config.log_level, Some(default_log_sink()));
        Ok(EthoraClient {
            config,
            signer,
            http,
            in_flight,
            sleeper: default_sleeper(),
            logger,
        })
    }

    /// Resolves the configuration (explicit values, then `env`) and builds the client.
    pub fn from_input(input: ConfigInput, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        Self::new(ClientConfig::resolve(input, env)?)
    }

    /// Replaces the timer (waits between retries; on wasm also each attempt's time limit).
    pub fn with_sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = Some(sleeper);
        self
    }

    /// Replaces where log lines go (the level stays the configured one).
    pub fn with_log_sink(mut self, sink: LogSink) -> Self {
        self.logger = Logger::new(self.config.log_level, Some(sink));
        self
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

    /// Sends the request with both auth headers, retrying transient failures as the retry
    /// policy allows, and resolves as the reference does.
    pub async fn execute(&self, request: ApiRequest) -> Result<Value> {
        let method = request.method.as_str();
        let url = self.url_for(&request);
        let request_id = uuid::Uuid::new_v4().to_string();
        let body = match &request.body {
            // Shared, not copied, by every attempt.
            Some(body) => Some(bytes::Bytes::from(serde_json::to_vec(body).map_err(
                |_| EthoraError::validation("body", "must be serialisable as JSON"),
            )?)),
            None => None,
        };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let started = web_time::Instant::now();
            let outcome = self
                .bounded_attempt(&request, &url, &request_id, body.clone())
                .await;
            let elapsed_ms = started.elapsed().as_millis();
            let failure = match outcome {
                Ok(value) => {
                    self.logger.log(LogLevel::Debug, || {
                        format!("{method} {url} ok in {elapsed_ms} ms (attempt {attempt}, request {request_id})")
                    });
                    return Ok(value);
                }
                Err(failure) => failure,
            };
            let delay = self.config.retry.next_delay(
                request.method,
                failure.delivery,
                attempt,
                failure.retry_after,
                jitter(),
            );
            let mut error = failure.error;
            error.attempts = attempt;
            match delay {
                Some(delay) => {
                    self.logger.log(LogLevel::Warn, || {
                        format!(
                            "{method} {url} attempt {attempt} failed ({}) after {elapsed_ms} ms; retrying in {} ms (request {request_id})",
                            error.code_str(),
                            delay.as_millis()
                        )
                    });
                    if let Some(sleep) = &self.sleeper {
                        sleep(delay).await;
                    }
                }
                None => {
                    self.logger.log(LogLevel::Error, || {
                        format!(
                            "{method} {url} failed ({}{}) after {attempt} attempt(s) (request {request_id})",
                            error.code_str(),
                            error.status.map(|s| format!(" {s}")).unwrap_or_default()
                        )
                    });
                    return Err(error);
                }
            }
        }
    }

    /// One try within the time limit. Natively reqwest enforces it. On wasm the runtime's
    /// timer does, when the binding supplied one: how fetch reports an abort differs between
    /// runtimes (workerd rejects with a plain AbortError, not the reason reqwest looks for),
    /// a lost race does not.
    async fn bounded_attempt(
        &self,
        request: &ApiRequest,
        url: &str,
        request_id: &str,
        body: Option<bytes::Bytes>,
    ) -> std::result::Result<Value, FailedAttempt> {
        let attempt = self.attempt(request, url, request_id, body);
        #[cfg(target_arch = "wasm32")]
        if let Some(sleep) = &self.sleeper {
            return match before_deadline(attempt, sleep(self.config.timeout)).await {
                Some(outcome) => outcome,
                None => Err(self.timed_out(
                    request.method.as_str(),
                    url,
                    request_id,
                    Delivery::MaybeSent,
                )),
            };
        }
        attempt.await
    }

    /// The failure of an attempt that ran out of time.
    fn timed_out(
        &self,
        method: &'static str,
        url: &str,
        request_id: &str,
        delivery: Delivery,
    ) -> FailedAttempt {
        let detail = format!("timed out after {} ms", self.config.timeout.as_millis());
        let mut error = EthoraError::transport(ErrorCode::Timeout, method, url.to_owned(), &detail);
        error.request_id = Some(request_id.to_owned());
        FailedAttempt {
            error,
            delivery,
            retry_after: None,
        }
    }

    /// One try: waits for a slot, sends, reads the body within the size limit.
    async fn attempt(
        &self,
        request: &ApiRequest,
        url: &str,
        request_id: &str,
        body: Option<bytes::Bytes>,
    ) -> std::result::Result<Value, FailedAttempt> {
        let method = request.method.as_str();
        // The semaphore is never closed, so acquiring only waits.
        let _slot = self.in_flight.acquire().await.ok();
        let token = self.server_token();
        let mut builder = self
            .http
            .request(reqwest_method(request.method), url)
            .timeout(self.config.timeout)
            .header("Content-Type", "application/json")
            .header("Accept", ACCEPT)
            .header("User-Agent", USER_AGENT)
            .header("x-request-id", request_id)
            .header("Authorization", format!("Bearer {token}"))
            .header("x-custom-token", token);
        if let Some(body) = body {
            builder = builder.body(body);
        }
        let transport_failure = |error: reqwest::Error| {
            if let Some(reason) = certificate_refusal(&error) {
                let mut error = EthoraError::tls(method, url.to_owned(), reason);
                error.request_id = Some(request_id.to_owned());
                return FailedAttempt {
                    error,
                    delivery: Delivery::Refused,
                    retry_after: None,
                };
            }
            let (code, delivery) = classify(&error);
            if code == ErrorCode::Timeout {
                return self.timed_out(method, url, request_id, delivery);
            }
            let detail = match code {
                _ if delivery == Delivery::NotSent => "connection failed".to_owned(),
                _ => "the connection broke before the response was complete".to_owned(),
            };
            let mut error = EthoraError::transport(code, method, url.to_owned(), &detail);
            error.request_id = Some(request_id.to_owned());
            FailedAttempt {
                error,
                delivery,
                retry_after: None,
            }
        };
        let response = builder.send().await.map_err(transport_failure)?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let server_request_id = header("x-request-id").map(str::to_owned);
        let is_json = header("content-type").is_some_and(|v| v.contains("json"));
        let retry_after = header("retry-after").and_then(|v| parse_retry_after(v, now_std()));
        let rate_limit = parse_rate_limit(&header, retry_after);
        let Some(bytes) = read_limited(response, self.config.max_response_bytes)
            .await
            .map_err(transport_failure)?
        else {
            let mut error = EthoraError::transport(
                ErrorCode::Decode,
                method,
                url.to_owned(),
                &format!(
                    "the response body exceeds {} bytes",
                    self.config.max_response_bytes
                ),
            );
            error.status = Some(status);
            error.request_id = server_request_id.or_else(|| Some(request_id.to_owned()));
            error.retryable = false;
            return Err(FailedAttempt {
                error,
                delivery: Delivery::Answered(status),
                retry_after: None,
            });
        };
        yield_to_pool().await;
        let body = response::parse_body(&bytes);
        // A bare JSON string (`"ok"`) parsed; only text that is not JSON fails here.
        let decode_failed = (200..300).contains(&status)
            && is_json
            && !bytes.is_empty()
            && matches!(body, response::Body::Text(_));
        let parsed = body.into_value();
        let outcome = if decode_failed {
            let mut error = EthoraError::transport(
                ErrorCode::Decode,
                method,
                url.to_owned(),
                "the response says it is JSON but does not parse",
            );
            error.status = Some(status);
            error.response_body = Some(capped_body(parsed, bytes.len()));
            error.retryable = false;
            Err(error)
        } else {
            response::interpret(method, url, status, parsed, &request.not_found)
        };
        outcome.map_err(|mut error| {
            error.request_id = server_request_id.or_else(|| Some(request_id.to_owned()));
            if !rate_limit.is_empty() {
                error.rate_limit = Some(rate_limit);
            }
            if let Some(body) = error.response_body.take() {
                error.response_body = Some(capped_body(body, bytes.len()));
            }
            FailedAttempt {
                error,
                delivery: Delivery::Answered(status),
                retry_after,
            }
        })
    }
}

fn parse_rate_limit<'a>(
    header: &impl Fn(&str) -> Option<&'a str>,
    retry_after: Option<Duration>,
) -> RateLimit {
    let number = |name: &str| header(name).and_then(|v| v.trim().parse::<u64>().ok());
    RateLimit {
        limit: number("x-ratelimit-limit"),
        remaining: number("x-ratelimit-remaining"),
        reset: number("x-ratelimit-reset"),
        retry_after_ms: retry_after.map(|d| d.as_millis() as u64),
    }
}

/// The body, or `None` as soon as it grows past `limit` bytes.
#[cfg(not(target_arch = "wasm32"))]
async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> std::result::Result<Option<Vec<u8>>, reqwest::Error> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if bytes.len() + chunk.len() > limit {
            return Ok(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(bytes))
}

/// The body, or `None` when it is longer than `limit` bytes (fetch hands it over whole).
#[cfg(target_arch = "wasm32")]
async fn read_limited(
    response: reqwest::Response,
    limit: usize,
) -> std::result::Result<Option<Vec<u8>>, reqwest::Error> {
    let bytes = response.bytes().await?;
    Ok((bytes.len() <= limit).then(|| bytes.to_vec()))
}

/// The current time as a `std` value (`std`'s own clock is unavailable on wasm32).
fn now_std() -> std::time::SystemTime {
    std::time::UNIX_EPOCH
        + web_time::SystemTime::now()
            .duration_since(web_time::UNIX_EPOCH)
            .unwrap_or_default()
}

/// The error code and how far the request got, from a transport error.
fn classify(error: &reqwest::Error) -> (ErrorCode, Delivery) {
    let code = if error.is_timeout() {
        ErrorCode::Timeout
    } else {
        ErrorCode::Network
    };
    let delivery = if is_connect_error(error) {
        Delivery::NotSent
    } else {
        Delivery::MaybeSent
    };
    (code, delivery)
}

/// Why the server's certificate was refused, when that is what failed: rustls's verdict,
/// found in the error's source chain (an `io::Error` hides the error it wraps from `source()`,
/// so each one is opened).
#[cfg(not(target_arch = "wasm32"))]
fn certificate_refusal(error: &reqwest::Error) -> Option<crate::error::TlsReason> {
    use crate::error::TlsReason;
    use rustls::CertificateError;
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = next {
        // hyper-util and tokio-rustls wrap rustls's error in one io::Error inside another.
        let mut unwrapped = current;
        while let Some(inner) = unwrapped
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            unwrapped = inner;
        }
        let rustls_error = unwrapped.downcast_ref::<rustls::Error>();
        if let Some(rustls::Error::InvalidCertificate(reason)) = rustls_error {
            return Some(match reason {
                CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                    TlsReason::Untrusted
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    TlsReason::Expired
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    TlsReason::NotYetValid
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => TlsReason::HostnameMismatch,
                _ => TlsReason::Invalid,
            });
        }
        next = current.source();
    }
    None
}

/// The edge build: the runtime's fetch reports TLS failures as plain network errors.
#[cfg(target_arch = "wasm32")]
fn certificate_refusal(_error: &reqwest::Error) -> Option<crate::error::TlsReason> {
    None
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

/// The native transport trusts what Node trusts and more (trust.rs): the system's store,
/// the bundled roots, the `ca` option and `NODE_EXTRA_CA_CERTS`. Proxies: `HTTPS_PROXY` /
/// `HTTP_PROXY` / `NO_PROXY` (reqwest reads them) unless the `proxy` option says otherwise.
#[cfg(not(target_arch = "wasm32"))]
fn build_http_client(config: &ClientConfig) -> Result<reqwest::Client> {
    use crate::config::ProxySetting;
    let mut builder = reqwest::Client::builder()
        .timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .pool_idle_timeout(std::time::Duration::from_secs(30))
        .pool_max_idle_per_host(config.max_connections)
        .tcp_nodelay(true);
    builder = builder.use_preconfigured_tls(crate::trust::tls_config(&config.extra_ca_pem)?);
    builder = match &config.proxy {
        ProxySetting::FromEnvironment => builder,
        ProxySetting::Off => builder.no_proxy(),
        ProxySetting::Url(url) => builder.proxy(crate::config::proxy_for(url)?),
    };
    builder
        .build()
        .map_err(|_| EthoraError::config("could not initialise the HTTP client"))
}

#[cfg(target_arch = "wasm32")]
fn build_http_client(_config: &ClientConfig) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .build()
        .map_err(|_| EthoraError::config("could not initialise the HTTP client"))
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
