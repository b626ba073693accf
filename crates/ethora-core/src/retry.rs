//! When to try a failed request again, and how long to wait first.
//!
//! Exponential backoff with full jitter on 429, 502, 503, 504 and connection failures;
//! `Retry-After` is honoured up to the maximum delay (a longer one is not waited for).
//! GET, PUT and DELETE are retried whenever the failure is transient; POST and PATCH only
//! when the request certainly never reached the server (the connection was not made).

use std::time::Duration;

use crate::request::HttpMethod;

pub const DEFAULT_MAX_RETRIES: u32 = 2;
pub const DEFAULT_RETRY_BASE_DELAY_MS: u64 = 200;
pub const DEFAULT_RETRY_MAX_DELAY_MS: u64 = 5_000;

/// How far a failed attempt got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The connection was never made: the server cannot have seen the request.
    NotSent,
    /// Sent, but no complete answer came back (timeout, reset mid-body).
    MaybeSent,
    /// The server answered with this status.
    Answered(u16),
    /// The connection was refused for a reason that does not go away by itself (the
    /// server's TLS certificate is not trusted): nothing was sent, and trying again is futile.
    Refused,
}

impl Delivery {
    /// Whether this kind of failure may go away by itself.
    pub fn is_transient(self) -> bool {
        match self {
            Delivery::NotSent | Delivery::MaybeSent => true,
            Delivery::Answered(status) => matches!(status, 429 | 502 | 503 | 504),
            Delivery::Refused => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    pub base_delay: Duration,
    /// Longest wait between attempts, also the cap for `Retry-After`.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            base_delay: Duration::from_millis(DEFAULT_RETRY_BASE_DELAY_MS),
            max_delay: Duration::from_millis(DEFAULT_RETRY_MAX_DELAY_MS),
        }
    }
}

fn is_idempotent(method: HttpMethod) -> bool {
    matches!(
        method,
        HttpMethod::Get | HttpMethod::Put | HttpMethod::Delete
    )
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1`, or `None` to give up. `attempt` counts from 1;
    /// `jitter` is uniform in `[0, 1)`.
    pub fn next_delay(
        &self,
        method: HttpMethod,
        delivery: Delivery,
        attempt: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        if attempt > self.max_retries || !delivery.is_transient() {
            return None;
        }
        if delivery != Delivery::NotSent && !is_idempotent(method) {
            return None;
        }
        if let Some(wait) = retry_after {
            return (wait <= self.max_delay).then_some(wait);
        }
        let exponential = self
            .base_delay
            .saturating_mul(1u32.checked_shl(attempt - 1).unwrap_or(u32::MAX));
        let ceiling = exponential.min(self.max_delay);
        Some(ceiling.mul_f64(jitter.clamp(0.0, 1.0)))
    }
}

/// `Retry-After` as delta-seconds or an HTTP date (relative to `now`).
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(1_000),
    };

    #[test]
    fn idempotent_methods_retry_transient_failures_with_jittered_backoff() {
        let d = |attempt, jitter| {
            POLICY.next_delay(
                HttpMethod::Get,
                Delivery::Answered(503),
                attempt,
                None,
                jitter,
            )
        };
        assert_eq!(d(1, 0.5), Some(Duration::from_millis(50)));
        assert_eq!(d(2, 0.75), Some(Duration::from_millis(150)));
        assert_eq!(d(3, 0.5), None, "only max_retries retries");
        assert_eq!(
            POLICY.next_delay(HttpMethod::Delete, Delivery::MaybeSent, 1, None, 1.0),
            Some(Duration::from_millis(100))
        );
        for status in [400, 401, 404, 422, 500] {
            assert_eq!(
                POLICY.next_delay(HttpMethod::Get, Delivery::Answered(status), 1, None, 0.5),
                None
            );
        }
    }

    #[test]
    fn post_and_patch_retry_only_when_nothing_was_sent() {
        for method in [HttpMethod::Post, HttpMethod::Patch] {
            assert!(POLICY
                .next_delay(method, Delivery::NotSent, 1, None, 0.5)
                .is_some());
            assert_eq!(
                POLICY.next_delay(method, Delivery::MaybeSent, 1, None, 0.5),
                None
            );
            assert_eq!(
                POLICY.next_delay(method, Delivery::Answered(503), 1, None, 0.5),
                None
            );
            assert_eq!(
                POLICY.next_delay(method, Delivery::Answered(429), 1, None, 0.5),
                None
            );
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let wait =
            |after| POLICY.next_delay(HttpMethod::Get, Delivery::Answered(429), 1, after, 0.0);
        assert_eq!(
            wait(Some(Duration::from_millis(700))),
            Some(Duration::from_millis(700))
        );
        assert_eq!(wait(Some(Duration::from_secs(30))), None);
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Tue, 14 Nov 2023 22:13:25 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(parse_retry_after("soon", now), None);
        let none = RetryPolicy {
            max_retries: 0,
            ..POLICY
        };
        assert_eq!(
            none.next_delay(HttpMethod::Get, Delivery::NotSent, 1, None, 0.5),
            None
        );
    }
}
