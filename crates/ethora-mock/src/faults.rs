//! Fault injection: tests queue faults that the next matching requests get instead of the
//! normal answer (the request is then not applied to the state).
//!
//! `POST /__mock/faults` with `{ "fault": {...}, "times": 1, "method": "GET", "path": "/v2/chats" }`
//! (`method` and `path`, a prefix of the raw path, are optional filters). Faults:
//!
//! | `type` | answer |
//! |---|---|
//! | `status` | `status` (500, 502, 503, 504, …) with an optional JSON `body` (or `bodyBytes`, the body's bytes as they are sent, 0-255 each) and `headers` |
//! | `rateLimit` | 429 with `Retry-After: <retryAfter>` (default `1`) and `x-ratelimit-*` headers |
//! | `hang` | nothing for `ms` milliseconds (default 60000), then 504 |
//! | `reset` | the status line, headers and part of the body, then the connection is cut |
//! | `malformedJson` | 200, `application/json`, a body that does not parse |
//! | `html` | `status` (default 502) with an HTML error page |
//! | `empty` | `status` (default 200) with an empty body |
//! | `large` | 200 with a JSON body of `bytes` bytes (default 10 MB) |

use std::collections::VecDeque;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, Response, StatusCode};
use serde_json::{json, Value};

/// One queued fault with its filters and remaining count.
#[derive(Debug, Clone)]
pub struct QueuedFault {
    fault: Value,
    remaining: u64,
    method: Option<String>,
    path_prefix: Option<String>,
}

/// The fault queue, first match wins.
#[derive(Debug, Default)]
pub struct Faults {
    queue: VecDeque<QueuedFault>,
}

impl Faults {
    /// Adds a fault from the admin request body; returns an error message when malformed.
    pub fn add(&mut self, request: &Value) -> Result<(), String> {
        let fault = request
            .get("fault")
            .filter(|f| f.get("type").and_then(Value::as_str).is_some())
            .ok_or("`fault` with a `type` is required")?;
        let kind = fault
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !matches!(
            kind,
            "status"
                | "rateLimit"
                | "hang"
                | "reset"
                | "malformedJson"
                | "html"
                | "empty"
                | "large"
        ) {
            return Err(format!("unknown fault type `{kind}`"));
        }
        let times = request.get("times").and_then(Value::as_u64).unwrap_or(1);
        self.queue.push_back(QueuedFault {
            fault: fault.clone(),
            remaining: times.max(1),
            method: request
                .get("method")
                .and_then(Value::as_str)
                .map(str::to_ascii_uppercase),
            path_prefix: request
                .get("path")
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
        Ok(())
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }

    pub fn pending(&self) -> u64 {
        self.queue.iter().map(|f| f.remaining).sum()
    }

    /// The fault for this request, if one is queued for it (and uses it up once).
    pub fn take(&mut self, method: &str, path: &str) -> Option<Value> {
        let index = self.queue.iter().position(|f| {
            f.method.as_deref().is_none_or(|m| m == method)
                && f.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
        })?;
        let entry = &mut self.queue[index];
        entry.remaining -= 1;
        let fault = entry.fault.clone();
        if entry.remaining == 0 {
            self.queue.remove(index);
        }
        Some(fault)
    }
}

fn status_of(fault: &Value, default: u16) -> StatusCode {
    fault
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::from_u16(default).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
}

fn response(status: StatusCode, content_type: &str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// The answer a fault gives.
pub async fn answer(fault: &Value) -> Response<Body> {
    let kind = fault
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match kind {
        "status" => {
            let body = match fault.get("bodyBytes").and_then(Value::as_array) {
                Some(bytes) => bytes
                    .iter()
                    .filter_map(|byte| byte.as_u64().and_then(|byte| u8::try_from(byte).ok()))
                    .collect(),
                None => fault
                    .get("body")
                    .cloned()
                    .unwrap_or_else(|| json!({ "ok": false, "error": "injected fault" }))
                    .to_string()
                    .into_bytes(),
            };
            let mut reply = response(status_of(fault, 500), "application/json", Body::from(body));
            if let Some(headers) = fault.get("headers").and_then(Value::as_object) {
                for (name, value) in headers {
                    if let (Ok(name), Some(Ok(value))) = (
                        HeaderName::try_from(name.as_str()),
                        value.as_str().map(HeaderValue::from_str),
                    ) {
                        reply.headers_mut().insert(name, value);
                    }
                }
            }
            reply
        }
        "rateLimit" => {
            let retry_after = fault
                .get("retryAfter")
                .map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
                .unwrap_or_else(|| "1".to_owned());
            let mut reply = response(
                StatusCode::TOO_MANY_REQUESTS,
                "application/json",
                Body::from(json!({ "ok": false, "error": "Too many requests" }).to_string()),
            );
            let headers = reply.headers_mut();
            for (name, value) in [
                ("retry-after", retry_after.as_str()),
                ("x-ratelimit-limit", "100"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "60"),
            ] {
                if let Ok(value) = HeaderValue::from_str(value) {
                    headers.insert(HeaderName::from_static(name), value);
                }
            }
            reply
        }
        "hang" => {
            let ms = fault.get("ms").and_then(Value::as_u64).unwrap_or(60_000);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            response(StatusCode::GATEWAY_TIMEOUT, "application/json", Body::from("{\"ok\":false}"))
        }
        "reset" => {
            // Announce 64 KiB, send a little, then fail the body stream: the connection is cut.
            let stream = futures_stream(vec![
                Ok(axum::body::Bytes::from_static(b"{\"ok\":true,\"items\":[")),
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected reset")),
            ]);
            let mut reply = response(StatusCode::OK, "application/json", Body::from_stream(stream));
            reply
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from_static("65536"));
            reply
        }
        "malformedJson" => response(StatusCode::OK, "application/json", Body::from("{\"ok\": tru")),
        "html" => response(
            status_of(fault, 502),
            "text/html; charset=utf-8",
            Body::from("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"),
        ),
        "empty" => response(status_of(fault, 200), "application/json", Body::empty()),
        "large" => {
            let bytes = fault
                .get("bytes")
                .and_then(Value::as_u64)
                .unwrap_or(10_000_000)
                .clamp(32, 256 * 1024 * 1024) as usize;
            let mut body = String::with_capacity(bytes);
            body.push_str("{\"ok\":true,\"blob\":\"");
            body.extend(std::iter::repeat_n('x', bytes.saturating_sub(body.len() + 2)));
            body.push_str("\"}");
            response(StatusCode::OK, "application/json", Body::from(body))
        }
        _ => response(StatusCode::INTERNAL_SERVER_ERROR, "application/json", Body::from("{}")),
    }
}

/// A body stream from a fixed list of chunks.
fn futures_stream(
    chunks: Vec<Result<axum::body::Bytes, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send {
    struct Chunks(std::vec::IntoIter<Result<axum::body::Bytes, std::io::Error>>);
    impl futures_core::Stream for Chunks {
        type Item = Result<axum::body::Bytes, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Chunks(chunks.into_iter())
}
