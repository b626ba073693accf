//! Waiting for the API's background jobs (user batches, broadcasts), slowing down together
//! on 429, and stopping on the caller's `AbortSignal`: what `waitForUsersBatchJob`,
//! `waitForBroadcastJob` and `importUsers` share.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::task::Poll;
use std::time::Duration;

use serde_json::{Map, Value};
use web_time::Instant;

use crate::api::ApiCall;
use crate::error::{ErrorCode, EthoraError, Result};
use crate::response::JsonText;
use crate::{ApiRequest, EthoraClient};

/// Default first wait between two reads of a job.
pub const DEFAULT_POLL_INTERVAL_MS: u64 = 200;
/// Waits between reads double up to this (or the first wait, if that is longer).
pub const MAX_POLL_INTERVAL_MS: u64 = 5_000;
/// Default time a job may take.
pub const DEFAULT_JOB_TIMEOUT_MS: u64 = 600_000;
/// How often one request may be answered 429 before the 429 is the result.
pub const MAX_RATE_LIMITED: u32 = 8;
/// Longest pause a 429 causes (a longer `Retry-After` is cut to this).
const MAX_RATE_LIMIT_PAUSE: Duration = Duration::from_secs(60);
/// First pause after a 429 without `Retry-After`; doubled per further 429 of the request.
const RATE_LIMIT_PAUSE: Duration = Duration::from_secs(1);

/// The caller's `AbortSignal`, as the core sees it: set once from the binding's `abort`
/// listener, awaited by whatever is running.
#[derive(Debug, Default)]
pub struct Abort {
    aborted: AtomicBool,
    notify: tokio::sync::Notify,
}

impl Abort {
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks it aborted and wakes every waiter.
    pub fn abort(&self) {
        self.aborted.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn is_aborted(&self) -> bool {
        self.aborted.load(Ordering::SeqCst)
    }

    /// Resolves once aborted.
    pub async fn aborted(&self) {
        loop {
            let notified = self.notify.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if self.is_aborted() {
                return;
            }
            notified.await;
        }
    }

    /// The error an aborted operation ends with.
    pub fn error(what: &str) -> EthoraError {
        EthoraError::new(
            ErrorCode::Aborted,
            format!("{what} was aborted by its AbortSignal"),
        )
    }
}

/// `work`'s result, or the abort error as soon as `abort` fires (`work` is then dropped,
/// which cancels its requests).
pub async fn abortable<T>(
    abort: Option<&Abort>,
    what: &str,
    work: impl Future<Output = Result<T>>,
) -> Result<T> {
    let Some(abort) = abort else {
        return work.await;
    };
    if abort.is_aborted() {
        return Err(Abort::error(what));
    }
    let mut work = std::pin::pin!(work);
    let mut aborted = std::pin::pin!(abort.aborted());
    std::future::poll_fn(|cx| {
        if aborted.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(Abort::error(what)));
        }
        work.as_mut().poll(cx)
    })
    .await
}

/// One pause shared by every request of an operation: a 429 to any of them holds back all
/// of them, not only the one that got it.
#[derive(Debug, Default)]
pub struct Throttle {
    paused_until: Mutex<Option<Instant>>,
}

impl Throttle {
    pub fn new() -> Self {
        Self::default()
    }

    /// Holds every request back for `pause` from now (a longer pause already set stays).
    pub fn pause(&self, pause: Duration) {
        let until = Instant::now() + pause.min(MAX_RATE_LIMIT_PAUSE);
        if let Ok(mut paused) = self.paused_until.lock() {
            if paused.is_none_or(|current| current < until) {
                *paused = Some(until);
            }
        }
    }

    /// Resolves when no pause is in force.
    pub async fn ready(&self, client: &EthoraClient) {
        loop {
            let until = self.paused_until.lock().ok().and_then(|paused| *paused);
            let now = Instant::now();
            match until {
                Some(until) if until > now => client.sleep(until - now).await,
                _ => return,
            }
        }
    }

    /// Sends `request` once no pause is in force; a 429 pauses everything sharing this
    /// throttle for the `Retry-After` (else 1 s, doubled per further 429) and the request
    /// is sent again, up to [`MAX_RATE_LIMITED`] times.
    pub async fn execute(&self, client: &EthoraClient, request: &ApiRequest) -> Result<JsonText> {
        let mut rate_limited = 0u32;
        loop {
            self.ready(client).await;
            match client.execute_reporting_rate_limits(request.clone()).await {
                Err(error) if error.status == Some(429) && rate_limited < MAX_RATE_LIMITED => {
                    rate_limited += 1;
                    let pause = error
                        .rate_limit
                        .as_ref()
                        .and_then(|limit| limit.retry_after_ms)
                        .map(Duration::from_millis)
                        .unwrap_or_else(|| {
                            RATE_LIMIT_PAUSE.saturating_mul(1 << (rate_limited - 1).min(5))
                        });
                    self.pause(pause);
                }
                outcome => return outcome,
            }
        }
    }
}

/// How a job is waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobWait {
    pub poll_interval: Duration,
    pub timeout: Duration,
}

impl Default for JobWait {
    fn default() -> Self {
        JobWait {
            poll_interval: Duration::from_millis(DEFAULT_POLL_INTERVAL_MS),
            timeout: Duration::from_millis(DEFAULT_JOB_TIMEOUT_MS),
        }
    }
}

/// A whole number of milliseconds within `range`, from an options object.
fn milliseconds(
    options: &Map<String, Value>,
    argument: &str,
    key: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Option<Duration>> {
    let Some(value) = options.get(key).filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let number = value
        .as_f64()
        .filter(|n| n.fract() == 0.0 && *n >= *range.start() as f64 && *n <= *range.end() as f64);
    match number {
        Some(number) => Ok(Some(Duration::from_millis(number as u64))),
        None => Err(EthoraError::validation(
            format!("{argument}.{key}"),
            format!(
                "must be a whole number of milliseconds from {} to {}",
                range.start(),
                range.end()
            ),
        )),
    }
}

impl JobWait {
    /// `pollIntervalMs` (1 ms to 1 min) and the time limit under `timeout_key` (1 ms to 1
    /// day; `timeoutMs` for the job waits, `jobTimeoutMs` for the import) of an options object.
    pub fn read(
        options: &Map<String, Value>,
        argument: &str,
        timeout_key: &str,
    ) -> Result<JobWait> {
        let defaults = JobWait::default();
        Ok(JobWait {
            poll_interval: milliseconds(options, argument, "pollIntervalMs", 1..=60_000)?
                .unwrap_or(defaults.poll_interval),
            timeout: milliseconds(options, argument, timeout_key, 1..=86_400_000)?
                .unwrap_or(defaults.timeout),
        })
    }
}

/// The error of a `signal` that is not an AbortSignal.
pub fn invalid_signal() -> EthoraError {
    EthoraError::validation("options.signal", "must be an AbortSignal")
}

/// What the shared `listenForAbort` said of a signal, given the `Abort` its listener sets:
/// `none` (no signal), `aborted` (already), `listening`, anything else not a signal.
pub fn abort_listened(
    state: Option<&str>,
    abort: std::sync::Arc<Abort>,
) -> Result<Option<std::sync::Arc<Abort>>> {
    match state {
        Some("none") => Ok(None),
        Some("aborted") => {
            abort.abort();
            Ok(Some(abort))
        }
        Some("listening") => Ok(Some(abort)),
        _ => Err(invalid_signal()),
    }
}

/// The options object of `waitForUsersBatchJob` / `waitForBroadcastJob` (`signal` is the
/// binding's).
pub fn wait_options(value: Option<&Value>) -> Result<JobWait> {
    let argument = "options";
    let options = crate::api::arguments::optional_object(value, argument)?;
    let Some(options) = options else {
        return Ok(JobWait::default());
    };
    for key in options.keys() {
        if !matches!(key.as_str(), "pollIntervalMs" | "timeoutMs" | "signal") {
            return Err(EthoraError::validation(
                format!("{argument}.{key}"),
                "is not an option (pollIntervalMs, timeoutMs, signal)",
            ));
        }
    }
    JobWait::read(options, argument, "timeoutMs")
}

// `JobWaitCall`, from the list in [`crate::sdk_methods!`].
crate::sdk_methods!(ethora_methods::core_job_wait_calls);

/// The request that reads the job and how to wait, from a job wait's arguments (JSON; the
/// options without the binding's `signal`). Fails before anything is sent.
pub fn job_wait_request(
    call: JobWaitCall,
    app_id: &str,
    values: &[Option<Value>],
) -> Result<(ApiRequest, JobWait)> {
    let reads = call.read_call();
    let count = reads.parameters().len();
    let request = crate::api::build_request(reads, app_id, &values[..count.min(values.len())])?;
    let wait = wait_options(values.get(count).and_then(Option::as_ref))?;
    Ok((request, wait))
}

/// Waits for the job as [`wait_for_job`] does, stopped by `abort`.
pub async fn wait_for_job_until_aborted(
    client: &EthoraClient,
    request: &ApiRequest,
    wait: JobWait,
    abort: Option<&Abort>,
) -> Result<Value> {
    let throttle = Throttle::new();
    abortable(
        abort,
        "waiting for the job",
        wait_for_job(client, &throttle, request, wait),
    )
    .await
}

/// A job's state, from `state` (or `status`).
fn job_state(job: &Value) -> Option<&str> {
    job.get("state")
        .or_else(|| job.get("status"))
        .and_then(Value::as_str)
}

/// Whether a job has finished, one way or the other.
pub fn is_finished(job: &Value) -> bool {
    matches!(job_state(job), Some("completed" | "failed"))
}

/// Reads the job with `request` until its `state` is `completed` or `failed` and returns
/// that last answer: at once, then after `poll_interval`, doubling up to 5 s. Fails with
/// `ETHORA_TIMEOUT` when it has not finished within `timeout`.
pub async fn wait_for_job(
    client: &EthoraClient,
    throttle: &Throttle,
    request: &ApiRequest,
    wait: JobWait,
) -> Result<Value> {
    let started = Instant::now();
    let max_interval = wait
        .poll_interval
        .max(Duration::from_millis(MAX_POLL_INTERVAL_MS));
    let mut interval = wait.poll_interval;
    loop {
        let text = throttle.execute(client, request).await?;
        let job: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
        if is_finished(&job) {
            return Ok(job);
        }
        let waited = started.elapsed();
        if waited + interval > wait.timeout {
            let state = job_state(&job).unwrap_or("unknown");
            let mut error = EthoraError::new(
                ErrorCode::Timeout,
                format!(
                    "[GET] {} had not finished after {} ms (state: {state})",
                    client.url_for(request),
                    wait.timeout.as_millis()
                ),
            );
            error.url = Some(client.url_for(request));
            error.method = Some("GET");
            return Err(error);
        }
        client.sleep(interval).await;
        interval = interval.saturating_mul(2).min(max_interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wait_options_are_checked() {
        assert_eq!(wait_options(None).unwrap(), JobWait::default());
        let set = wait_options(Some(&json!({"pollIntervalMs": 5, "timeoutMs": 1000}))).unwrap();
        assert_eq!(set.poll_interval, Duration::from_millis(5));
        assert_eq!(set.timeout, Duration::from_secs(1));
        for bad in [
            json!({"pollIntervalMs": 0}),
            json!({"pollIntervalMs": 1.5}),
            json!({"timeoutMs": "5"}),
            json!({"pollInterval": 5}),
            json!(7),
        ] {
            let error = wait_options(Some(&bad)).unwrap_err();
            assert_eq!(error.code, ErrorCode::Validation, "{bad}");
        }
    }

    #[test]
    fn job_waits_read_with_their_read_method() {
        let names: Vec<_> = JobWaitCall::ALL.iter().map(|c| c.js_name()).collect();
        assert_eq!(names, ["waitForUsersBatchJob", "waitForBroadcastJob"]);
        let (request, wait) = job_wait_request(
            JobWaitCall::WaitForBroadcastJob,
            "configured",
            &[
                Some(json!("app/1")),
                Some(json!("job")),
                Some(json!({"timeoutMs": 5})),
            ],
        )
        .unwrap();
        assert_eq!(request.path, "/v2/apps/app%2F1/chats/broadcast/job");
        assert_eq!(wait.timeout, Duration::from_millis(5));
        let missing = job_wait_request(
            JobWaitCall::WaitForUsersBatchJob,
            "a",
            &[Some(json!("app"))],
        );
        assert_eq!(missing.unwrap_err().argument.as_deref(), Some("jobId"));
    }

    #[test]
    fn finished_jobs() {
        assert!(is_finished(&json!({"state": "completed"})));
        assert!(is_finished(&json!({"status": "failed"})));
        assert!(!is_finished(&json!({"state": "running"})));
        assert!(!is_finished(&json!(null)));
    }

    #[test]
    fn abort_wakes_what_waits() {
        let abort = std::sync::Arc::new(Abort::new());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let outcome = runtime.block_on(async {
            let trigger = std::sync::Arc::clone(&abort);
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(5)).await;
                trigger.abort();
            });
            abortable(
                Some(&abort),
                "the wait",
                std::future::pending::<Result<()>>(),
            )
            .await
        });
        let error = outcome.unwrap_err();
        assert_eq!(error.code, ErrorCode::Aborted);
        assert_eq!(error.message, "the wait was aborted by its AbortSignal");
    }

    #[test]
    fn a_later_pause_wins() {
        let throttle = Throttle::new();
        throttle.pause(Duration::from_secs(5));
        throttle.pause(Duration::from_millis(1));
        let until = throttle.paused_until.lock().unwrap().unwrap();
        assert!(until > Instant::now() + Duration::from_secs(4));
    }
}
