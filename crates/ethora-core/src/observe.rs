//! What a binding is told of each observed call and attempt, for the application's
//! diagnostics_channel events, per-client hooks and OpenTelemetry spans (js/observe.js). It
//! carries the route with placeholders, never ids, tokens or bodies; the URL's origin only.

use std::time::Duration;

/// A call whose exchange was just made.
pub struct CallStarted<'a> {
    /// The client's [`id`](crate::EthoraClient::id), which the binding's JavaScript knows the
    /// client's hooks by.
    pub client: u32,
    pub request_id: &'a str,
    pub method: &'static str,
    pub route: &'static str,
    /// The configured API URL (no credentials: the config refuses them).
    pub api_url: &'a str,
}

/// An attempt about to go out.
pub struct AttemptStarting<'a> {
    pub request_id: &'a str,
    /// 1 for the first.
    pub attempt: u32,
}

/// An attempt judged: its answer's status, or why it has none; the wait before the next.
pub struct AttemptEnded<'a> {
    pub request_id: &'a str,
    pub attempt: u32,
    pub status: Option<u16>,
    /// The error code of a failed attempt (`ETHORA_HTTP`, `ETHORA_TIMEOUT`, ...).
    pub error: Option<&'static str>,
    /// From the attempt's start to its judgment.
    pub duration: Duration,
    /// The wait before the next attempt, when one follows.
    pub retry_in: Option<Duration>,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
}

/// A call's end: its error code when it failed.
pub struct CallEnded<'a> {
    pub request_id: &'a str,
    pub error: Option<&'static str>,
    pub status: Option<u16>,
}

/// Header lines (`name\nvalue\n`) to add to an attempt, the trace context: natively a future
/// (the observer may answer from another thread), on the edge build at once.
#[cfg(not(target_arch = "wasm32"))]
pub type TraceHeaders = std::pin::Pin<Box<dyn std::future::Future<Output = Option<String>> + Send>>;
#[cfg(target_arch = "wasm32")]
pub type TraceHeaders = Option<String>;

/// A binding's observer of the calls it marked as observed (see
/// [`EthoraClient::observe_next_calls`](crate::EthoraClient::observe_next_calls)).
pub trait Observer: Send + Sync {
    fn call_started(&self, call: &CallStarted<'_>);
    /// With `inject`, the trace context of the attempt to send with it (the call waits for
    /// it); without, `None` at once.
    fn attempt_starting(&self, attempt: &AttemptStarting<'_>, inject: bool) -> TraceHeaders;
    fn attempt_ended(&self, attempt: &AttemptEnded<'_>);
    fn call_ended(&self, call: &CallEnded<'_>);
}

/// How a client's next calls are observed, as its binding decided at the call's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Observing {
    pub observed: bool,
    /// The attempts carry a trace context (OpenTelemetry is in use).
    pub inject: bool,
}

impl Observing {
    const OBSERVED: u8 = 1;
    const INJECT: u8 = 2;

    pub fn from_bits(bits: u8) -> Self {
        Observing {
            observed: bits & Self::OBSERVED != 0,
            inject: bits & Self::OBSERVED != 0 && bits & Self::INJECT != 0,
        }
    }

    pub fn bits(self) -> u8 {
        u8::from(self.observed) * Self::OBSERVED + u8::from(self.inject) * Self::INJECT
    }
}
