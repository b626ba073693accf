//! What a call does when the server answers 429, and the rate limit it reports.

use std::time::Duration;

use super::EthoraClient;
use crate::error::{RateLimit, Result};
use crate::request::ApiRequest;
use crate::response::JsonText;

/// What a request does when the server answers 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RateLimits {
    /// Waits and tries again as the retry policy allows.
    Retry,
    /// Fails at once; the caller decides.
    Report,
}

impl EthoraClient {
    /// [`execute`](Self::execute), except that a 429 is returned at once instead of waited
    /// out: for callers that slow down more than the one request (the bulk import pauses
    /// every request it has in flight).
    pub async fn execute_reporting_rate_limits(&self, request: ApiRequest) -> Result<JsonText> {
        self.send(request, Vec::new(), RateLimits::Report).await
    }
}

/// The rate limit figures an answer's headers carry (`x-ratelimit-*`, and `Retry-After`).
pub(super) fn parse_rate_limit(
    header: &impl Fn(&str) -> Option<String>,
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
