//! A local, stateful Ethora API: every endpoint the SDK calls, with the server JWT checked on
//! each request, for tests, the demo and benchmarks.
//!
//! Besides the API it serves a few unauthenticated helper routes under `/__mock/` for tests:
//! `GET /__mock/state` (everything stored), `POST /__mock/reset`,
//! `GET`/`DELETE /__mock/requests` (the last requests as received: method, raw path, query,
//! body, `atMs` after the mock started), `GET /__mock/stats` (connections accepted and open, requests served), and
//! `POST`/`DELETE /__mock/faults` (see [`faults`]).

#![forbid(unsafe_code)]

mod answers;
pub mod faults;
pub mod store;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use ethora_core::config::AppSecret;
use ethora_core::token::{TokenPurpose, TokenSigner};
use percent_encoding::percent_decode_str;
use serde_json::{json, Value};

use crate::faults::Faults;
use crate::store::{Reply, ReplyBody, Store};

/// Largest request body the mock reads.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// How many requests `/__mock/requests` remembers.
const REQUEST_LOG_SIZE: usize = 1000;

/// The one tenant the mock serves; tokens must be signed with its secret.
#[derive(Debug, Clone)]
pub struct MockConfig {
    pub app_id: String,
    pub app_secret: String,
}

/// Connection and request counters.
#[derive(Debug, Default)]
pub struct Stats {
    accepted: AtomicU64,
    open: AtomicU64,
    peak_open: AtomicU64,
    requests: AtomicU64,
}

impl Stats {
    fn snapshot(&self) -> Value {
        json!({
            "connectionsAccepted": self.accepted.load(Ordering::Relaxed),
            "connectionsOpen": self.open.load(Ordering::Relaxed),
            "peakOpenConnections": self.peak_open.load(Ordering::Relaxed),
            "requests": self.requests.load(Ordering::Relaxed),
        })
    }
}

/// State shared by all connections.
pub struct MockState {
    store: Mutex<Store>,
    signer: TokenSigner,
    requests: Mutex<VecDeque<Value>>,
    faults: Mutex<Faults>,
    stats: Arc<Stats>,
    /// When the mock started: request log entries say how long after it they came.
    started: std::time::Instant,
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl MockState {
    pub fn new(config: &MockConfig) -> Arc<Self> {
        Arc::new(MockState {
            store: Mutex::new(Store::new(&config.app_id)),
            signer: TokenSigner::new(&config.app_id, &AppSecret::new(config.app_secret.clone())),
            requests: Mutex::new(VecDeque::with_capacity(REQUEST_LOG_SIZE)),
            faults: Mutex::new(Faults::default()),
            stats: Arc::new(Stats::default()),
            started: std::time::Instant::now(),
        })
    }
}

/// A TCP listener that counts connections in [`Stats`].
pub struct CountingListener {
    inner: tokio::net::TcpListener,
    stats: Arc<Stats>,
}

/// A connection that keeps [`Stats::open`] right when it closes.
pub struct CountedStream {
    inner: tokio::net::TcpStream,
    stats: Arc<Stats>,
}

impl Drop for CountedStream {
    fn drop(&mut self) {
        self.stats.open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl tokio::io::AsyncRead for CountedStream {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for CountedStream {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl axum::serve::Listener for CountingListener {
    type Io = CountedStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, address)) => {
                    let _ = stream.set_nodelay(true);
                    self.stats.accepted.fetch_add(1, Ordering::Relaxed);
                    let open = self.stats.open.fetch_add(1, Ordering::Relaxed) + 1;
                    self.stats.peak_open.fetch_max(open, Ordering::Relaxed);
                    let stream = CountedStream {
                        inner: stream,
                        stats: Arc::clone(&self.stats),
                    };
                    return (stream, address);
                }
                // Out of file descriptors and the like: wait a moment, as axum's own does.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// The router: everything goes through one dispatcher that matches on method and the
/// percent-decoded path segments.
pub fn router(state: Arc<MockState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// Serves on `listener` until the future is dropped. Keep-alive connections are not waited
/// for: a mock that stops, stops.
pub async fn serve(listener: tokio::net::TcpListener, config: &MockConfig) -> std::io::Result<()> {
    let state = MockState::new(config);
    let listener = CountingListener {
        inner: listener,
        stats: Arc::clone(&state.stats),
    };
    axum::serve(listener, router(state)).await
}

fn respond(reply: Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match reply.body {
        ReplyBody::Json(value) => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            value.to_string(),
        )
            .into_response(),
        ReplyBody::Text(text) => (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text,
        )
            .into_response(),
    }
}

/// `application/x-www-form-urlencoded` pairs (covers both `encodeURIComponent` and
/// `URLSearchParams` encodings).
fn parse_query(raw: Option<&str>) -> HashMap<String, String> {
    let decode = |part: &str| {
        percent_decode_str(&part.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    raw.unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (decode(key), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// The server token from `x-custom-token` (raw or `Bearer `-prefixed) or `Authorization`.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let non_empty = |t: &&str| !t.is_empty();
    let custom = header("x-custom-token")
        .map(|v| v.strip_prefix("Bearer ").unwrap_or(v).trim())
        .filter(non_empty);
    let authorization = header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(non_empty);
    custom.or(authorization)
}

/// The calling app, from a valid server token's `data.appId`; 401 otherwise.
fn caller(state: &MockState, headers: &HeaderMap) -> Result<String, Reply> {
    let token = bearer(headers).ok_or_else(|| Reply::error(401, "Missing token"))?;
    let claims = state
        .signer
        .verify(token, Some(TokenPurpose::Server))
        .map_err(|e| {
            Reply::error(
                401,
                format!(
                    "Invalid token: {}",
                    e.to_string().trim_start_matches("Invalid JWT token: ")
                ),
            )
        })?;
    let app_id = claims
        .get("data")
        .and_then(|d| d.get("appId"))
        .and_then(Value::as_str)
        .ok_or_else(|| Reply::error(401, "Invalid token: no data.appId"))?;
    if !locked(&state.store).knows_app(app_id) {
        return Err(Reply::error(
            401,
            format!("Invalid token: unknown app {app_id}"),
        ));
    }
    Ok(app_id.to_owned())
}

async fn handle(State(state): State<Arc<MockState>>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return respond(Reply::error(413, "request body too large")),
    };
    let body: Value = if bytes.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&bytes) {
            Ok(value) => value,
            Err(_) => return respond(Reply::error(400, "the body is not valid JSON")),
        }
    };
    state.stats.requests.fetch_add(1, Ordering::Relaxed);
    let raw_path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    if !raw_path.starts_with("/__mock/") {
        let mut log = locked(&state.requests);
        if log.len() == REQUEST_LOG_SIZE {
            log.pop_front();
        }
        log.push_back(json!({
            "method": parts.method.as_str(), "path": raw_path, "query": query, "body": body,
            "atMs": state.started.elapsed().as_secs_f64() * 1000.0,
        }));
    }
    let segments: Vec<String> = raw_path
        .split('/')
        .skip(1)
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let query = parse_query(query.as_deref());
    if segments.first() != Some(&"__mock") {
        let fault = locked(&state.faults).take(parts.method.as_str(), &raw_path);
        if let Some(fault) = fault {
            return faults::answer(&fault).await;
        }
    }
    let reply = match segments.as_slice() {
        ["__mock", rest @ ..] => admin(&state, &parts.method, rest, &body),
        _ => match caller(&state, &parts.headers) {
            Err(reply) => reply,
            Ok(caller) => {
                let mut store = locked(&state.store);
                store
                    .route(&caller, parts.method.as_str(), &segments, &query, &body)
                    .unwrap_or_else(|reply| reply)
            }
        },
    };
    respond(reply)
}

fn admin(state: &MockState, method: &Method, rest: &[&str], body: &Value) -> Reply {
    match (method.as_str(), rest) {
        ("GET", ["stats"]) => {
            let mut stats = state.stats.snapshot();
            stats["faultsPending"] = json!(locked(&state.faults).pending());
            Reply::ok(stats)
        }
        ("POST", ["faults"]) => match locked(&state.faults).add(body) {
            Ok(()) => Reply::ok(json!({ "ok": true })),
            Err(message) => Reply::error(400, message),
        },
        ("DELETE", ["faults"]) => {
            locked(&state.faults).clear();
            Reply::ok(json!({ "ok": true }))
        }
        ("GET", ["state"]) => Reply::ok(locked(&state.store).snapshot()),
        ("POST", ["reset"]) => {
            locked(&state.store).reset();
            locked(&state.requests).clear();
            locked(&state.faults).clear();
            Reply::ok(json!({ "ok": true }))
        }
        ("GET", ["requests"]) => Reply::ok(Value::Array(
            locked(&state.requests).iter().cloned().collect(),
        )),
        ("DELETE", ["requests"]) => {
            locked(&state.requests).clear();
            Reply::ok(json!({ "ok": true }))
        }
        _ => Reply::error(404, "Not found"),
    }
}
