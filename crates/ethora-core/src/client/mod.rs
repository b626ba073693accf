//! The client: its configuration, signing (the server token of each second), request ids and
//! defaults. The call's life is in `call.rs`, the 429 handling in `rate_limits.rs`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;

use crate::config::{ClientConfig, ConfigInput};
use crate::error::Result;
use crate::logging::{LogSink, Logger};
use crate::observe::{Observer, Observing};
use crate::request::ApiRequest;
use crate::token::{now_unix_seconds, TokenSigner};
#[cfg(not(target_arch = "wasm32"))]
use crate::transport::Relay;
use crate::transport::Transport;

mod call;
mod rate_limits;

pub use call::{Answered, Exchange, FailedAttempt, Parsing, Settled, Slot, UnparsedSuccess};

#[cfg(not(target_arch = "wasm32"))]
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;
#[cfg(target_arch = "wasm32")]
pub type SleepFuture = Pin<Box<dyn Future<Output = ()>>>;

/// A timer: waits between retry attempts (and in the bulk import's pauses and job polls).
/// Natively a tokio timer; an edge binding supplies the runtime's `setTimeout`.
pub type Sleeper = Arc<dyn Fn(Duration) -> SleepFuture + Send + Sync>;

#[cfg(not(target_arch = "wasm32"))]
fn default_sleeper() -> Option<Sleeper> {
    Some(Arc::new(|duration| Box::pin(tokio::time::sleep(duration))))
}

/// Without a timer from the binding, retries follow each other at once (the edge binding
/// always supplies the runtime's `setTimeout`).
#[cfg(target_arch = "wasm32")]
fn default_sleeper() -> Option<Sleeper> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
fn default_log_sink() -> LogSink {
    Arc::new(|_, line| eprintln!("{line}"))
}

#[cfg(target_arch = "wasm32")]
fn default_log_sink() -> LogSink {
    Arc::new(|_, _| {})
}

/// The two auth header values of one second's server token (`Bearer <token>`, `<token>`).
#[derive(Clone)]
struct AuthHeaders {
    iat: u64,
    bearer: HeaderValue,
    token: HeaderValue,
}

/// Request ids (UUID v4 text): a random base drawn once per client, with a counter mixed
/// into 48 of its random bits, so ids stay unique without asking the OS for randomness
/// on every request.
struct RequestIds {
    base: [u8; 16],
    next: std::sync::atomic::AtomicU64,
}

impl RequestIds {
    fn new() -> Self {
        RequestIds {
            base: uuid::Uuid::new_v4().into_bytes(),
            next: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn next(&self) -> String {
        let count = self
            .next
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_le_bytes();
        let mut bytes = self.base;
        // Bytes 10-15 hold neither the version nor the variant bits.
        for (byte, counted) in bytes[10..].iter_mut().zip(count) {
            *byte ^= counted;
        }
        // Encoded into a buffer rather than through `Display`: no formatting machinery.
        let mut text = uuid::Uuid::encode_buffer();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .encode_lower(&mut text)
            .to_owned()
    }
}

/// A configured Ethora API client: configuration, derived signing keys and a shared
/// connection pool. Cheap to share behind an `Arc`; all methods take `&self`.
pub struct EthoraClient {
    config: ClientConfig,
    signer: TokenSigner,
    transport: Transport,
    /// One permit per request in flight: bounds the sockets however many calls are made.
    in_flight: Arc<tokio::sync::Semaphore>,
    sleeper: Option<Sleeper>,
    logger: Logger,
    /// The server token of the current second: every request within it sends the same
    /// bytes the reference would mint for it, signed once.
    auth_headers: std::sync::Mutex<Option<AuthHeaders>>,
    request_ids: RequestIds,
    /// The binding's other way out (see [`Relay`]), and whether calls starting now take it.
    #[cfg(not(target_arch = "wasm32"))]
    relay: std::sync::OnceLock<Arc<dyn Relay>>,
    #[cfg(not(target_arch = "wasm32"))]
    relaying: std::sync::atomic::AtomicBool,
    /// Told of each observed call, and how the calls starting now are observed (bits of
    /// [`Observing`]).
    observer: std::sync::OnceLock<Arc<dyn Observer>>,
    observing: std::sync::atomic::AtomicU8,
    id: u32,
}

/// Every client's own number, for its binding's JavaScript.
static NEXT_CLIENT_ID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

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
        let transport = Transport::new(&config)?;
        let in_flight = Arc::new(tokio::sync::Semaphore::new(config.max_connections));
        let logger = Logger::new(config.log_level, Some(default_log_sink()));
        Ok(EthoraClient {
            config,
            signer,
            transport,
            in_flight,
            sleeper: default_sleeper(),
            logger,
            auth_headers: std::sync::Mutex::new(None),
            request_ids: RequestIds::new(),
            #[cfg(not(target_arch = "wasm32"))]
            relay: std::sync::OnceLock::new(),
            #[cfg(not(target_arch = "wasm32"))]
            relaying: std::sync::atomic::AtomicBool::new(false),
            observer: std::sync::OnceLock::new(),
            observing: std::sync::atomic::AtomicU8::new(0),
            id: NEXT_CLIENT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// This client's number (unique in the process).
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Gives the client its binding's observer (once; later ones are ignored).
    pub fn set_observer(&self, observer: Arc<dyn Observer>) {
        let _first = self.observer.set(observer);
    }

    /// How the calls starting from now are observed (a binding decides before each call it
    /// starts, as for the relay).
    pub fn observe_next_calls(&self, observing: Observing) {
        self.observing
            .store(observing.bits(), std::sync::atomic::Ordering::Relaxed);
    }

    /// The observer and whether attempts carry a trace context, for a call starting now.
    fn observation_of_new_call(&self) -> Option<(Arc<dyn Observer>, bool)> {
        let bits = self.observing.load(std::sync::atomic::Ordering::Relaxed);
        let observing = Observing::from_bits(bits);
        if !observing.observed {
            return None;
        }
        Some((Arc::clone(self.observer.get()?), observing.inject))
    }

    /// Gives the client a binding's relay (once; later ones are ignored).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn set_relay(&self, relay: Arc<dyn Relay>) {
        let _first = self.relay.set(relay);
    }

    /// Whether the calls starting from now send their attempts through the relay (a binding
    /// decides before each call it starts; calls already started keep their way).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn relay_next_calls(&self, relayed: bool) {
        self.relaying
            .store(relayed, std::sync::atomic::Ordering::Relaxed);
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

    /// The auth header values for a request sent now: the server token of this second,
    /// minted on the second's first request. `None` only if a token were not header-safe
    /// (it is base64url and dots).
    fn auth_headers(&self) -> Option<AuthHeaders> {
        let iat = now_unix_seconds();
        let mut cached = self.auth_headers.lock().ok();
        if let Some(current) = cached.as_deref().and_then(Option::as_ref) {
            if current.iat == iat {
                return Some(current.clone());
            }
        }
        let token = self.signer.server_token(iat, None, None);
        let headers = AuthHeaders {
            iat,
            bearer: HeaderValue::try_from(format!("Bearer {token}")).ok()?,
            token: HeaderValue::try_from(token).ok()?,
        };
        if let Some(slot) = cached.as_deref_mut() {
            *slot = Some(headers.clone());
        }
        Some(headers)
    }

    /// A client token for the user, for the front end's login, expiring `expires_in` seconds
    /// from now (`None`: never, as the reference's).
    pub fn expiring_client_token(&self, user_id: &str, expires_in: Option<u64>) -> String {
        self.signer
            .expiring_client_token(user_id, now_unix_seconds(), expires_in)
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

    /// Waits `duration` on the client's timer (at once where there is none).
    pub async fn sleep(&self, duration: Duration) {
        if let Some(sleep) = &self.sleeper {
            sleep(duration).await;
        }
    }
}
