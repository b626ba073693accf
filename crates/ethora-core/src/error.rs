//! The one error type of the SDK. Every binding maps it to its own error object.
//!
//! Nothing in here ever holds the app secret or a token: messages are built from the
//! method, the redacted URL, the HTTP status and the response body only.

use serde_json::Value;

/// What kind of failure it was. The string form is the `code` users see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The client configuration is missing or invalid.
    Config,
    /// An argument was rejected before any request was sent.
    Validation,
    /// The server answered with a non-2xx status.
    Http,
    /// The server answered 422 saying what the call creates already exists (`status` kept).
    Conflict,
    /// The request did not complete within its time limit.
    Timeout,
    /// The connection failed (refused, reset, DNS, a TLS handshake that broke off).
    Network,
    /// The server's TLS certificate was refused: `tls_reason` says why.
    Tls,
    /// The response could not be read.
    Decode,
    /// The caller's `AbortSignal` stopped the operation.
    Aborted,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Config => "ETHORA_CONFIG",
            ErrorCode::Validation => "ETHORA_VALIDATION",
            ErrorCode::Http => "ETHORA_HTTP",
            ErrorCode::Conflict => "ETHORA_CONFLICT",
            ErrorCode::Timeout => "ETHORA_TIMEOUT",
            ErrorCode::Network => "ETHORA_NETWORK",
            ErrorCode::Tls => "ETHORA_TLS",
            ErrorCode::Decode => "ETHORA_DECODE",
            ErrorCode::Aborted => "ETHORA_ABORTED",
        }
    }
}

/// A failed SDK call. Boxed so that `Result`s stay small; fields are reached through `Deref`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .0.message)]
pub struct EthoraError(Box<ErrorDetails>);

/// Everything known about a failure.
#[derive(Debug, Clone)]
pub struct ErrorDetails {
    pub code: ErrorCode,
    pub message: String,
    /// HTTP status, when the server answered.
    pub status: Option<u16>,
    /// HTTP method of the request, when one was attempted.
    pub method: Option<&'static str>,
    /// Full request URL (never carries credentials or tokens).
    pub url: Option<String>,
    /// The response body: parsed JSON, or the text as a JSON string.
    pub response_body: Option<Value>,
    /// For validation errors: the argument that was rejected.
    pub argument: Option<String>,
    /// The `x-request-id` of the request (the server's own when it sent one).
    pub request_id: Option<String>,
    /// Rate-limit headers of the last response, when it had any.
    pub rate_limit: Option<RateLimit>,
    /// How many attempts were made (0 when nothing was sent).
    pub attempts: u32,
    /// Whether this kind of failure may go away by itself (429, 502-504, connection
    /// failures, timeouts), whether or not the SDK retried it.
    pub retryable: bool,
    /// For `ETHORA_TLS`: why the server's certificate was refused.
    pub tls_reason: Option<TlsReason>,
}

/// Why a server certificate was refused (`EthoraError.tlsReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsReason {
    /// Not issued by a trusted CA (a private CA not given to the SDK, a self-signed certificate).
    Untrusted,
    /// Past its expiry date.
    Expired,
    /// Not valid before a date still to come.
    NotYetValid,
    /// Issued for another host name.
    HostnameMismatch,
    /// Revoked, malformed, or not meant for a server.
    Invalid,
}

impl TlsReason {
    pub fn as_str(self) -> &'static str {
        match self {
            TlsReason::Untrusted => "CERT_UNTRUSTED",
            TlsReason::Expired => "CERT_EXPIRED",
            TlsReason::NotYetValid => "CERT_NOT_YET_VALID",
            TlsReason::HostnameMismatch => "CERT_HOSTNAME_MISMATCH",
            TlsReason::Invalid => "CERT_INVALID",
        }
    }

    /// The sentence of the error message: what is wrong and what to do about it.
    pub fn explanation(self) -> &'static str {
        match self {
            TlsReason::Untrusted => "the server's TLS certificate is not issued by a trusted CA; if it comes from a private CA, give that CA with NODE_EXTRA_CA_CERTS or the `ca` option",
            TlsReason::Expired => "the server's TLS certificate has expired",
            TlsReason::NotYetValid => "the server's TLS certificate is not valid yet (check this machine's clock)",
            TlsReason::HostnameMismatch => "the server's TLS certificate is issued for another host name than the one in `chatApiUrl`",
            TlsReason::Invalid => "the server's TLS certificate was refused (revoked, malformed, or not for a server)",
        }
    }
}

/// Parsed `x-ratelimit-*` and `retry-after` response headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// `x-ratelimit-reset` as sent (seconds).
    pub reset: Option<u64>,
    pub retry_after_ms: Option<u64>,
}

impl RateLimit {
    pub fn is_empty(&self) -> bool {
        *self == RateLimit::default()
    }
}

/// Largest response body kept in an error (bytes of text); longer bodies are cut.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// The body as an error keeps it: JSON as parsed when small, else text cut to
/// [`MAX_ERROR_BODY_BYTES`].
pub fn capped_body(body: Value, raw_len: usize) -> Value {
    if raw_len <= MAX_ERROR_BODY_BYTES {
        return body;
    }
    let text = match body {
        Value::String(text) => text,
        other => other.to_string(),
    };
    let mut cut = MAX_ERROR_BODY_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    Value::String(format!(
        "{}… [{} more bytes cut]",
        &text[..cut],
        raw_len.saturating_sub(cut)
    ))
}

impl EthoraError {
    /// The fields of the JavaScript error object, camelCased, as both bindings set them:
    /// `code`, the optional `status`/`method`/`url`/`argument`/`responseBody`/`requestId`/
    /// `rateLimit`, `attempts`, `retryable` and, when the server answered, the reference
    /// SDK's `response: { status, data }`.
    pub fn js_fields(&self) -> Value {
        use serde_json::{json, Map};
        let mut fields = Map::new();
        fields.insert("code".into(), json!(self.code.as_str()));
        let optional = [
            ("status", self.status.map(|s| json!(s))),
            ("method", self.method.map(|m| json!(m))),
            ("url", self.url.as_ref().map(|u| json!(u))),
            ("argument", self.argument.as_ref().map(|a| json!(a))),
            ("responseBody", self.response_body.clone()),
            ("requestId", self.request_id.as_ref().map(|r| json!(r))),
            ("tlsReason", self.tls_reason.map(|r| json!(r.as_str()))),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                fields.insert(key.into(), value);
            }
        }
        if let Some(rate_limit) = &self.rate_limit {
            let mut info = Map::new();
            for (key, value) in [
                ("limit", rate_limit.limit),
                ("remaining", rate_limit.remaining),
                ("reset", rate_limit.reset),
                ("retryAfterMs", rate_limit.retry_after_ms),
            ] {
                if let Some(value) = value {
                    info.insert(key.into(), json!(value));
                }
            }
            fields.insert("rateLimit".into(), Value::Object(info));
        }
        fields.insert("attempts".into(), json!(self.attempts));
        fields.insert("retryable".into(), json!(self.retryable));
        if let (Some(status), Some(body)) = (self.status, &self.response_body) {
            fields.insert("response".into(), json!({ "status": status, "data": body }));
        }
        Value::Object(fields)
    }
}

impl std::ops::Deref for EthoraError {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for EthoraError {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

impl EthoraError {
    /// An error of `code` with `message` and no further details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::bare(code, message.into())
    }

    fn bare(code: ErrorCode, message: String) -> Self {
        EthoraError(Box::new(ErrorDetails {
            code,
            message,
            status: None,
            method: None,
            url: None,
            response_body: None,
            argument: None,
            request_id: None,
            rate_limit: None,
            attempts: 0,
            retryable: false,
            tls_reason: None,
        }))
    }

    pub fn config(message: impl Into<String>) -> Self {
        Self::bare(ErrorCode::Config, message.into())
    }

    /// `argument` names the rejected argument, `rule` says what it must be.
    pub fn validation(argument: impl Into<String>, rule: impl AsRef<str>) -> Self {
        let argument = argument.into();
        let mut error = Self::bare(
            ErrorCode::Validation,
            format!("Invalid argument `{argument}`: {}", rule.as_ref()),
        );
        error.argument = Some(argument);
        error
    }

    /// A non-2xx answer: `ETHORA_CONFLICT` when it is a 422 saying the thing already exists
    /// (`response::says_already_exists`), `ETHORA_HTTP` otherwise.
    pub fn http(method: &'static str, url: String, status: u16, body: Value) -> Self {
        let code = if status == 422 && crate::response::says_already_exists(&body) {
            ErrorCode::Conflict
        } else {
            ErrorCode::Http
        };
        let mut error = Self::bare(
            code,
            format!("[{method}] {url} failed with status {status}"),
        );
        error.retryable = crate::retry::Delivery::Answered(status).is_transient();
        error.status = Some(status);
        error.method = Some(method);
        error.url = Some(url);
        error.response_body = Some(body);
        error
    }

    pub fn transport(code: ErrorCode, method: &'static str, url: String, detail: &str) -> Self {
        let mut error = Self::bare(code, format!("[{method}] {url} failed: {detail}"));
        error.retryable = matches!(code, ErrorCode::Timeout | ErrorCode::Network);
        error.method = Some(method);
        error.url = Some(url);
        error
    }

    /// A request whose task ended without a result (its thread stopped or failed).
    pub fn interrupted() -> Self {
        Self::bare(
            ErrorCode::Network,
            "The request was interrupted: the SDK's I/O thread stopped before it completed"
                .to_owned(),
        )
    }

    /// The server's certificate was refused, before anything was sent.
    pub fn tls(method: &'static str, url: String, reason: TlsReason) -> Self {
        let mut error = Self::bare(
            ErrorCode::Tls,
            format!("[{method}] {url} failed: {}", reason.explanation()),
        );
        error.method = Some(method);
        error.url = Some(url);
        error.tls_reason = Some(reason);
        error
    }

    pub fn code_str(&self) -> &'static str {
        self.code.as_str()
    }
}

pub type Result<T, E = EthoraError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_bodies_are_cut_small_ones_kept() {
        let small = serde_json::json!({"error": "x"});
        assert_eq!(capped_body(small.clone(), 20), small);
        let big = Value::String("é".repeat(MAX_ERROR_BODY_BYTES));
        let Value::String(cut) = capped_body(big, MAX_ERROR_BODY_BYTES * 2) else {
            panic!("text expected")
        };
        assert!(cut.len() < MAX_ERROR_BODY_BYTES + 64);
        assert!(cut.ends_with("more bytes cut]"));
    }

    #[test]
    fn transient_failures_are_marked_retryable() {
        assert!(EthoraError::http("GET", "u".into(), 503, Value::Null).retryable);
        assert!(!EthoraError::http("GET", "u".into(), 404, Value::Null).retryable);
        assert!(EthoraError::transport(ErrorCode::Timeout, "GET", "u".into(), "t").retryable);
        assert!(!EthoraError::validation("x", "y").retryable);
    }
}
