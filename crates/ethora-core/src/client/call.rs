//! The call's life: one contract, followed by every driver.
//!
//! ```text
//! build    exchange(ApiRequest) -> Exchange: URL, request id, body serialised once
//! slot     a connection slot (wait for one, or try_slot); held until the attempt is settled
//! attempt  next_attempt -> Outgoing: signed headers, time limit (observed calls first tell
//!          attempt_starting / start_attempt_now)
//! send     the native transport, a binding's Relay, or the runtime's fetch (wasm)
//! answer   answer / answer_fetched judge status and body, transport_failure a failed send:
//!          the result or a FailedAttempt (a 2xx JSON object or array may be left to the
//!          engine's JSON.parse: UnparsedSuccess, crates/ethora-wasm/js/fetch.js)
//! settle   settle -> Settled::Done(result) | Settled::Failed(error)
//!                  | Settled::Wait(delay): free the slot, sleep, back to `slot`
//! ```
//!
//! The drivers:
//! - the core's own loop, `run_exchange_delivering` (the Node addon: src/service.rs ->
//!   src/raw/dispatch.rs);
//! - the WebAssembly build's `PendingCall` (crates/ethora-wasm/src/dispatch.rs), moved on by
//!   `drive` in crates/ethora-wasm/js/fetch.js (a call with no free slot goes to the core's loop);
//! - the Node relay (src/relay.rs), inside the core's loop: it replaces only the send.
//!
//! Why: ARCHITECTURE.md, "The life of a call".

use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};

use super::rate_limits::{parse_rate_limit, RateLimits};
use super::EthoraClient;
use crate::error::{capped_body, ErrorCode, EthoraError, Result};
use crate::logging::LogLevel;
use crate::observe::{AttemptEnded, AttemptStarting, CallEnded, CallStarted, Observer};
use crate::request::ApiRequest;
use crate::response::{self, JsonText};
use crate::retry::{parse_retry_after, Delivery};
use crate::transport::{Failure, Incoming, Outgoing, ResponseHeaders};
#[cfg(not(target_arch = "wasm32"))]
use crate::transport::{Relay, RelayRequest};

const USER_AGENT_VALUE: &str = concat!("ethora-rs-sdk-backend/", env!("CARGO_PKG_VERSION"));
const ACCEPT_VALUE: &str = "application/json, text/plain, */*";
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const X_CUSTOM_TOKEN: HeaderName = HeaderName::from_static("x-custom-token");

/// A uniform random number in `[0, 1)` for backoff jitter.
fn jitter() -> f64 {
    (uuid::Uuid::new_v4().as_u128() >> 75) as f64 / (1u64 << 53) as f64
}

/// A request id as a header value (it is UUID text, always header-safe).
fn request_id_header(request_id: &str) -> HeaderValue {
    HeaderValue::from_str(request_id).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// One attempt that did not produce a result, with how far it got.
pub struct FailedAttempt {
    error: EthoraError,
    delivery: Delivery,
    retry_after: Option<Duration>,
}

impl EthoraClient {
    /// Sends the request with both auth headers, retrying transient failures as the retry
    /// policy allows, and resolves as the reference does.
    pub async fn execute(&self, request: ApiRequest) -> Result<JsonText> {
        self.send(request, Vec::new(), RateLimits::Retry).await
    }

    pub(super) async fn send(
        &self,
        request: ApiRequest,
        buffer: Vec<u8>,
        rate_limits: RateLimits,
    ) -> Result<JsonText> {
        let exchange = self.start_exchange(request, rate_limits)?;
        self.run_exchange(exchange, buffer).await
    }

    /// A call's exchange with the server before its first attempt: the URL, the request id
    /// and the body serialised once for every attempt. Built on the caller's thread, so the
    /// JSON tree is freed where it was allocated (ARCHITECTURE.md, "Allocator").
    pub fn exchange(&self, request: ApiRequest) -> Result<Exchange> {
        self.start_exchange(request, RateLimits::Retry)
    }

    fn start_exchange(&self, mut request: ApiRequest, rate_limits: RateLimits) -> Result<Exchange> {
        let url = self.url_for(&request);
        let request_id = self.request_ids.next();
        // Serialised once and shared, not copied, by every attempt; the JSON tree is
        // dropped here.
        let body = match request.body.take() {
            Some(body) => Some(bytes::Bytes::from(
                crate::encode::json_bytes(&body)
                    .map_err(|_| EthoraError::validation("body", "must be serialisable as JSON"))?,
            )),
            None => None,
        };
        let observed = self.observation_of_new_call();
        if let Some((observer, _)) = &observed {
            observer.call_started(&CallStarted {
                client: self.id,
                request_id: &request_id,
                method: request.method.as_str(),
                route: request.route,
                api_url: &self.config.api_url,
            });
        }
        Ok(Exchange {
            request,
            url,
            request_id,
            body,
            attempt: 0,
            rate_limits,
            started: None,
            relay: self.route_of_new_call(),
            observed,
            status: None,
            trace_headers: None,
            attempt_started: std::sync::Mutex::new(None),
            observation_ended: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Runs an exchange's (remaining) attempts: each waits for a connection slot, is sent,
    /// its body read into `buffer` and judged; failures are retried as the retry policy
    /// allows. A binding hands back the buffers of results it has consumed, so that in a
    /// steady stream of calls no response allocates, and none is freed on another thread
    /// than the one that allocated it.
    pub async fn run_exchange(&self, exchange: Exchange, buffer: Vec<u8>) -> Result<JsonText> {
        let mut result = None;
        let deliver = |answered| result = Some(answered);
        self.run_exchange_delivering(exchange, buffer, Parsing::Core, deliver)
            .await;
        match result {
            Some(Answered::Judged(result)) => result,
            Some(Answered::Unparsed(unparsed)) => self.judge_unparsed(unparsed),
            None => Err(EthoraError::interrupted()),
        }
    }

    /// [`run_exchange`](Self::run_exchange), handing the call's outcome to `deliver` as soon
    /// as it is known, before the connection goes back to the pool and its slot is freed (a
    /// binding that settles the call on another thread lets that thread start while this
    /// one tidies up). With [`Parsing::Engine`], a successful body that may be a JSON object
    /// or array is handed over unparsed, for the binding's JavaScript engine to parse (see
    /// [`UnparsedSuccess`]).
    pub async fn run_exchange_delivering(
        &self,
        mut exchange: Exchange,
        mut buffer: Vec<u8>,
        parsing: Parsing,
        deliver: impl FnOnce(Answered),
    ) {
        // The call's last answer (or its error), with the slot of its last attempt.
        let (finished, slot) = loop {
            // The semaphore is never closed, so acquiring only waits.
            let slot = self.in_flight.acquire().await.ok();
            // (The edge build's observer answers at once: no wait in its state machine.)
            #[cfg(target_arch = "wasm32")]
            self.start_attempt_now(&mut exchange);
            #[cfg(not(target_arch = "wasm32"))]
            {
                exchange.trace_headers = self.attempt_starting(&exchange).await;
            }
            // (On wasm the route is an empty `Copy` type.)
            #[allow(clippy::clone_on_copy)]
            let relay = exchange.relay.clone();
            let received = match self.next_attempt(&mut exchange) {
                Ok(outgoing) => {
                    let sent = match relay {
                        None => self.transport.send(outgoing).await,
                        Some(relay) => self.relayed(relay, outgoing).await,
                    };
                    exchange.status = sent.as_ref().ok().map(Incoming::status);
                    self.receive(&exchange, sent, &mut buffer, parsing).await
                }
                Err(failed) => Err(failed),
            };
            let outcome = match received {
                Ok(Received::Judged(text)) => Ok(text),
                Ok(unparsed) => break (Ok(unparsed), slot),
                Err(failed) => Err(failed),
            };
            match self.settle(&exchange, outcome) {
                Settled::Done(text) => break (Ok(Received::Judged(text)), slot),
                Settled::Failed(error) => break (Err(error), slot),
                Settled::Wait(delay) => {
                    yield_to_pool().await;
                    drop(slot);
                    self.sleep(delay).await;
                }
            }
        };
        deliver(match finished {
            Ok(Received::Judged(text)) => Answered::Judged(Ok(text)),
            Ok(Received::Unparsed(body)) => {
                Answered::Unparsed(Box::new(UnparsedSuccess { exchange, body }))
            }
            Err(error) => Answered::Judged(Err(error)),
        });
        // The connection goes back to the pool before the slot is freed, so that a call
        // waiting for the slot reuses it instead of dialling.
        yield_to_pool().await;
        drop(slot);
    }

    /// One attempt through the binding's relay, which keeps its time limit; a relay that
    /// outlives it by a second is given up on.
    #[cfg(not(target_arch = "wasm32"))]
    async fn relayed(
        &self,
        relay: Arc<dyn Relay>,
        outgoing: Outgoing<'_>,
    ) -> std::result::Result<Incoming, Failure> {
        let limit = outgoing.timeout + Duration::from_secs(1);
        let request = RelayRequest::new(outgoing, self.config.max_response_bytes);
        match tokio::time::timeout(limit, relay.send(request)).await {
            Ok(relayed) => relayed.map(Incoming::Relayed),
            Err(_) => Err(Failure::TimedOut(Delivery::MaybeSent)),
        }
    }

    #[cfg(target_arch = "wasm32")]
    async fn relayed(
        &self,
        relay: std::convert::Infallible,
        _outgoing: Outgoing<'_>,
    ) -> std::result::Result<Incoming, Failure> {
        match relay {}
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn route_of_new_call(&self) -> RelayRoute {
        let relaying = self.relaying.load(std::sync::atomic::Ordering::Relaxed);
        relaying.then(|| self.relay.get().cloned()).flatten()
    }

    #[cfg(target_arch = "wasm32")]
    fn route_of_new_call(&self) -> RelayRoute {
        None
    }

    /// Tells the observer of an observed exchange that its next attempt starts; the trace
    /// context to send with it when the observer injects one.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn attempt_starting(&self, exchange: &Exchange) -> Option<String> {
        let (observer, inject) = exchange.observed.as_ref()?;
        let attempt = AttemptStarting {
            request_id: &exchange.request_id,
            attempt: exchange.attempt + 1,
        };
        exchange.mark_attempt_started();
        observer.attempt_starting(&attempt, *inject).await
    }

    /// The same on the edge build, whose observer answers at once: the trace context goes with
    /// the next attempt.
    #[cfg(target_arch = "wasm32")]
    pub fn start_attempt_now(&self, exchange: &mut Exchange) {
        let Some((observer, inject)) = exchange.observed.as_ref() else {
            return;
        };
        let attempt = AttemptStarting {
            request_id: &exchange.request_id,
            attempt: exchange.attempt + 1,
        };
        exchange.mark_attempt_started();
        exchange.trace_headers = observer.attempt_starting(&attempt, *inject);
    }

    /// The status of the answer an attempt of `exchange` just got (for its observer), set by
    /// a driver that reads responses itself.
    pub fn answered(exchange: &mut Exchange, status: Option<u16>) {
        exchange.status = status;
    }

    /// Tells the observer of an observed exchange how its attempt ended, and the call when it
    /// did.
    fn observe_end(
        &self,
        exchange: &Exchange,
        error: Option<&EthoraError>,
        retry: Option<(Duration, Option<Duration>)>,
    ) {
        let Some((observer, _)) = &exchange.observed else {
            return;
        };
        let status = exchange
            .status
            .or_else(|| error.and_then(|error| error.status));
        let error_code = error.map(EthoraError::code_str);
        let started = exchange
            .attempt_started
            .lock()
            .ok()
            .and_then(|started| *started);
        observer.attempt_ended(&AttemptEnded {
            request_id: &exchange.request_id,
            attempt: exchange.attempt,
            status,
            error: error_code,
            duration: started.map_or(Duration::ZERO, |started| started.elapsed()),
            retry_in: retry.map(|(wait, _)| wait),
            retry_after: retry.and_then(|(_, retry_after)| retry_after),
        });
        if retry.is_none() {
            exchange
                .observation_ended
                .store(true, std::sync::atomic::Ordering::Relaxed);
            observer.call_ended(&CallEnded {
                request_id: &exchange.request_id,
                error: error_code,
                status,
            });
        }
    }

    /// The engine parsed an [`UnparsedSuccess`]: the call succeeded (logged as any success).
    pub fn parsed(&self, unparsed: &UnparsedSuccess) {
        self.log_success(&unparsed.exchange);
    }

    /// The engine could not parse an [`UnparsedSuccess`]: the answer is judged as every
    /// other is (a body that says it is JSON and is not fails; other text is the result).
    pub fn judge_unparsed(&self, unparsed: Box<UnparsedSuccess>) -> Result<JsonText> {
        let UnparsedSuccess { exchange, body } = *unparsed;
        let header = |name: &str| body.headers.get(name);
        let answered = self.answer(
            &exchange,
            body.status,
            body.text.into_bytes(),
            true,
            &header,
        );
        match answered {
            Ok(text) => {
                self.log_success(&exchange);
                Ok(text)
            }
            Err(failure) => Err(self.fail(&exchange, failure.error)),
        }
    }

    /// Reads and judges a response (or the transport's failure); with
    /// [`Parsing::Engine`], a successful body that may be a JSON object or array is left
    /// unjudged.
    async fn receive(
        &self,
        exchange: &Exchange,
        sent: std::result::Result<Incoming, Failure>,
        buffer: &mut Vec<u8>,
        parsing: Parsing,
    ) -> std::result::Result<Received, FailedAttempt> {
        let failed = |failure| self.transport_failure(failure, exchange);
        let mut response = sent.map_err(failed)?;
        let complete = response
            .read_body(self.config.max_response_bytes, buffer)
            .await
            .map_err(failed)?;
        let status = response.status();
        if parsing == Parsing::Engine && complete && (200..300).contains(&status) {
            if let Some(text) = response::object_or_array_text(buffer) {
                return Ok(Received::Unparsed(ReceivedBody {
                    status,
                    headers: response.take_headers(),
                    text,
                }));
            }
        }
        let header = |name: &str| response.header(name);
        let body = std::mem::take(buffer);
        self.answer(exchange, status, body, complete, &header)
            .map(Received::Judged)
    }

    /// A connection slot for one attempt, if one is free now (a binding that sends on its
    /// own holds it until the attempt is settled).
    pub fn try_slot(&self) -> Option<Slot> {
        Arc::clone(&self.in_flight)
            .try_acquire_owned()
            .ok()
            .map(Slot)
    }

    /// The next attempt's request: its auth headers (the server token of this second) and
    /// its time limit. The caller holds a connection slot while it is out.
    pub fn next_attempt<'e>(
        &self,
        exchange: &'e mut Exchange,
    ) -> std::result::Result<Outgoing<'e>, FailedAttempt> {
        exchange.attempt += 1;
        // Timed only for the log (a clock read is not free on wasm).
        exchange.started = self
            .logger
            .enabled(LogLevel::Error)
            .then(web_time::Instant::now);
        self.outgoing(exchange).map_err(|mut error| {
            error.request_id = Some(exchange.request_id.clone());
            FailedAttempt {
                error,
                delivery: Delivery::Refused,
                retry_after: None,
            }
        })
    }

    /// An exchange's request as it goes out now; fails when the server token cannot be a
    /// header value.
    fn outgoing<'e>(&self, exchange: &'e Exchange) -> Result<Outgoing<'e>> {
        let auth = self
            .auth_headers()
            .ok_or_else(|| EthoraError::config("the server token could not be sent as a header"))?;
        Ok(Outgoing {
            method: exchange.request.method,
            url: &exchange.url,
            headers: [
                (CONTENT_TYPE, HeaderValue::from_static("application/json")),
                (ACCEPT, HeaderValue::from_static(ACCEPT_VALUE)),
                (USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE)),
                (X_REQUEST_ID, request_id_header(&exchange.request_id)),
                (AUTHORIZATION, auth.bearer),
                (X_CUSTOM_TOKEN, auth.token),
            ],
            body: exchange.body.clone(),
            timeout: self.config.timeout,
            transport: self.config.transport,
            trace_headers: exchange.trace_headers.as_deref(),
        })
    }

    /// The benchmark's transport floor: `exchange`'s request sent as it was built (with
    /// `body` instead of its own when given), through this client's transport, connection
    /// pool and slots, its body read whole and handed over as it came: none of a call's own
    /// work (arguments, building, the answer's check and `url`, retries, logging); only a
    /// status outside 2xx fails it. What a call costs beyond this is the SDK's; what this
    /// costs beyond a bare HTTP client is the transport's. The body is passed on unchecked:
    /// only for answers known to be JSON.
    #[cfg(all(feature = "bench-probes", not(target_arch = "wasm32")))]
    pub async fn send_unjudged(
        &self,
        exchange: &Exchange,
        body: Option<Vec<u8>>,
        buffer: &mut Vec<u8>,
    ) -> Result<JsonText> {
        let _slot = self.in_flight.acquire().await.ok();
        let failed = |failure| self.transport_failure(failure, exchange).error;
        let mut outgoing = self.outgoing(exchange)?;
        if let Some(body) = body {
            outgoing.body = Some(bytes::Bytes::from(body));
        }
        let mut incoming = self.transport.send(outgoing).await.map_err(failed)?;
        incoming
            .read_body(self.config.max_response_bytes, buffer)
            .await
            .map_err(failed)?;
        let status = incoming.status();
        if !(200..300).contains(&status) {
            let (method, url) = (exchange.request.method.as_str(), exchange.url.clone());
            return Err(EthoraError::http(
                method,
                url,
                status,
                serde_json::Value::Null,
            ));
        }
        let text = String::from_utf8(std::mem::take(buffer))
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
        Ok(JsonText::from_trusted(text))
    }

    /// What an attempt's outcome means for the call: its result, its error, or a wait
    /// before the next attempt (the retry policy's). Logs as it goes.
    pub fn settle<T>(
        &self,
        exchange: &Exchange,
        outcome: std::result::Result<T, FailedAttempt>,
    ) -> Settled<T> {
        match outcome {
            Ok(value) => {
                self.log_success(exchange);
                Settled::Done(value)
            }
            Err(failure) => match self.settle_failure(exchange, failure) {
                Ok(delay) => Settled::Wait(delay),
                Err(error) => Settled::Failed(error),
            },
        }
    }

    fn log_success(&self, exchange: &Exchange) {
        self.observe_end(exchange, None, None);
        let Exchange {
            request,
            url,
            request_id,
            attempt,
            started,
            ..
        } = exchange;
        self.logger.log(LogLevel::Debug, || {
            let elapsed_ms = started.map_or(0, |started| started.elapsed().as_millis());
            let method = request.method.as_str();
            format!(
                "{method} {url} ok in {elapsed_ms} ms (attempt {attempt}, request {request_id})"
            )
        });
    }

    /// A failed attempt: the wait before the next one, or the call's error.
    fn settle_failure(
        &self,
        exchange: &Exchange,
        failure: FailedAttempt,
    ) -> std::result::Result<Duration, EthoraError> {
        let Exchange {
            request,
            url,
            request_id,
            attempt,
            rate_limits,
            started,
            ..
        } = exchange;
        let (method, attempt) = (request.method.as_str(), *attempt);
        let elapsed_ms = started.map_or(0, |started| started.elapsed().as_millis());
        let rate_limited = failure.delivery == Delivery::Answered(429);
        let delay = if rate_limited && *rate_limits == RateLimits::Report {
            None
        } else {
            self.config.retry.next_delay(
                request.method,
                failure.delivery,
                attempt,
                failure.retry_after,
                jitter(),
            )
        };
        let mut error = failure.error;
        error.attempts = attempt;
        match delay {
            Some(delay) => {
                self.observe_end(exchange, Some(&error), Some((delay, failure.retry_after)));
                self.logger.log(LogLevel::Warn, || {
                    format!(
                        "{method} {url} attempt {attempt} failed ({}) after {elapsed_ms} ms; retrying in {} ms (request {request_id})",
                        error.code_str(),
                        delay.as_millis()
                    )
                });
                Ok(delay)
            }
            None => Err(self.fail(exchange, error)),
        }
    }

    /// The call's error, logged.
    fn fail(&self, exchange: &Exchange, mut error: EthoraError) -> EthoraError {
        let Exchange {
            request,
            url,
            request_id,
            attempt,
            ..
        } = exchange;
        let (method, attempt) = (request.method.as_str(), *attempt);
        error.attempts = attempt;
        self.observe_end(exchange, Some(&error), None);
        self.logger.log(LogLevel::Error, || {
            format!(
                "{method} {url} failed ({}{}) after {attempt} attempt(s) (request {request_id})",
                error.code_str(),
                error.status.map(|s| format!(" {s}")).unwrap_or_default()
            )
        });
        error
    }

    /// The failure of an attempt that ran out of time.
    fn timed_out(&self, exchange: &Exchange, delivery: Delivery) -> FailedAttempt {
        let detail = format!("timed out after {} ms", self.config.timeout.as_millis());
        let mut error = EthoraError::transport(
            ErrorCode::Timeout,
            exchange.request.method.as_str(),
            exchange.url.clone(),
            &detail,
        );
        error.request_id = Some(exchange.request_id.clone());
        FailedAttempt {
            error,
            delivery,
            retry_after: None,
        }
    }

    /// The failure of an attempt whose exchange did not complete.
    pub fn transport_failure(&self, failure: Failure, exchange: &Exchange) -> FailedAttempt {
        let (method, url) = (exchange.request.method.as_str(), &exchange.url);
        let (mut error, delivery) = match failure {
            Failure::Tls(reason) => (
                EthoraError::tls(method, url.clone(), reason),
                Delivery::Refused,
            ),
            Failure::TimedOut(delivery) => return self.timed_out(exchange, delivery),
            Failure::Broken(delivery) => {
                let detail = if delivery == Delivery::NotSent {
                    "connection failed"
                } else {
                    "the connection broke before the response was complete"
                };
                let error = EthoraError::transport(ErrorCode::Network, method, url.clone(), detail);
                (error, delivery)
            }
        };
        error.request_id = Some(exchange.request_id.clone());
        FailedAttempt {
            error,
            delivery,
            retry_after: None,
        }
    }

    /// Judges a response whose body was read (`complete`: within the size limit), as the
    /// reference resolves: the result's JSON text, or the attempt's failure.
    pub fn answer(
        &self,
        exchange: &Exchange,
        status: u16,
        bytes: Vec<u8>,
        complete: bool,
        header: &dyn Fn(&str) -> Option<String>,
    ) -> std::result::Result<JsonText, FailedAttempt> {
        let (request, url, request_id) = (&exchange.request, &exchange.url, &exchange.request_id);
        let method = request.method.as_str();
        // Headers are read only where the outcome needs them (not on the common success).
        let server_request_id = || header("x-request-id");
        if !complete {
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
            error.request_id = server_request_id().or_else(|| Some(request_id.to_owned()));
            error.retryable = false;
            return Err(FailedAttempt {
                error,
                delivery: Delivery::Answered(status),
                retry_after: None,
            });
        }
        // Success with a JSON body, the common case: the text passes through unparsed.
        let bytes = if (200..300).contains(&status) && !bytes.is_empty() {
            match response::success_text(bytes, url) {
                Ok(text) => return Ok(text),
                Err(bytes) => bytes,
            }
        } else {
            bytes
        };
        let body = response::parse_body(&bytes);
        // A bare JSON string (`"ok"`) parsed; only text that is not JSON fails here.
        let decode_failed = (200..300).contains(&status)
            && !bytes.is_empty()
            && matches!(body, response::Body::Text(_))
            && header("content-type").is_some_and(|v| v.contains("json"));
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
                .map(|value| JsonText::from_value(&value))
        };
        outcome.map_err(|mut error| {
            error.request_id = server_request_id().or_else(|| Some(request_id.to_owned()));
            let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v, now_std()));
            let rate_limit = parse_rate_limit(&header, retry_after);
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

#[cfg(target_arch = "wasm32")]
impl EthoraClient {
    /// [`answer`](Self::answer) for a response the runtime's `fetch` read whole (every one
    /// but a successful JSON object or array, which `crates/ethora-wasm/js/fetch.js` makes the result itself);
    /// its JSON text is parsed by the engine.
    pub fn answer_fetched(
        &self,
        exchange: &Exchange,
        incoming: &Incoming,
    ) -> std::result::Result<wasm_bindgen::JsValue, FailedAttempt> {
        let status = incoming.status();
        let mut bytes = Vec::new();
        let complete = incoming.copy_body(self.config.max_response_bytes, &mut bytes);
        let header = |name: &str| incoming.header(name);
        self.answer(exchange, status, bytes, complete, &header)
            .map(|text| response::engine::parse(text.as_str()))
    }
}

/// One call's exchange with the server across its attempts, without I/O: the client's
/// `next_attempt`, `answer`/`transport_failure` and `settle` move it on, and whoever
/// sends (the client's own loop, or a binding that calls the runtime's `fetch` itself)
/// only carries requests and responses.
pub struct Exchange {
    request: ApiRequest,
    url: String,
    request_id: String,
    body: Option<bytes::Bytes>,
    attempt: u32,
    rate_limits: RateLimits,
    started: Option<web_time::Instant>,
    /// Where its attempts go instead of the client's transport (set when it is made).
    relay: RelayRoute,
    /// Its observer, and whether its attempts carry a trace context.
    observed: Option<(Arc<dyn Observer>, bool)>,
    /// The status of its last attempt's answer, for the observer.
    status: Option<u16>,
    /// The trace context of the attempt about to go out (header lines).
    trace_headers: Option<String>,
    /// When its current attempt started, and whether its observer was told of its end (when
    /// it is observed).
    attempt_started: std::sync::Mutex<Option<web_time::Instant>>,
    observation_ended: std::sync::atomic::AtomicBool,
}

impl Exchange {
    fn mark_attempt_started(&self) {
        if let Ok(mut started) = self.attempt_started.lock() {
            *started = Some(web_time::Instant::now());
        }
    }
}

/// An observed exchange dropped before its end (its call abandoned, its task dropped with its
/// environment) still ends for its observer, so that no span or event stays open.
impl Drop for Exchange {
    fn drop(&mut self) {
        if let Some((observer, _)) = &self.observed {
            if !self
                .observation_ended
                .load(std::sync::atomic::Ordering::Relaxed)
            {
                observer.call_ended(&CallEnded {
                    request_id: &self.request_id,
                    error: Some(ErrorCode::Aborted.as_str()),
                    status: self.status,
                });
            }
        }
    }
}

/// A call's relay, if its attempts take one (the edge build has none).
#[cfg(not(target_arch = "wasm32"))]
type RelayRoute = Option<Arc<dyn Relay>>;
#[cfg(target_arch = "wasm32")]
type RelayRoute = Option<std::convert::Infallible>;

/// Who parses a successful JSON body: the core (checked, `url` spliced into the text), or the
/// binding's JavaScript engine, whose `JSON.parse` checks it anyway (the Node face: one parse
/// instead of a scan in Rust and a parse in JavaScript).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Parsing {
    Core,
    Engine,
}

/// What [`EthoraClient::run_exchange_delivering`] hands over.
pub enum Answered {
    /// The call's result, judged by the core.
    Judged(Result<JsonText>),
    /// A successful body for the engine to parse.
    Unparsed(Box<UnparsedSuccess>),
}

/// A 2xx body, read whole, valid UTF-8, whose first character is `{` or `[`: the engine's
/// `JSON.parse` decides. When it parses, the result is the value, with `url` (from
/// [`url`](Self::url)) added by the `url` rule (`gets_url` in response.rs); the binding
/// then calls [`EthoraClient::parsed`]. When
/// it does not, [`EthoraClient::judge_unparsed`] gives the call's result or error, exactly
/// as if the core had judged the body.
pub struct UnparsedSuccess {
    exchange: Exchange,
    body: ReceivedBody,
}

impl UnparsedSuccess {
    pub fn text(&self) -> &str {
        &self.body.text
    }

    /// The request's URL, the result's `url`.
    pub fn url(&self) -> &str {
        &self.exchange.url
    }

    /// The body's buffer, for the next response once the engine has read it.
    pub fn into_buffer(self: Box<Self>) -> Vec<u8> {
        self.body.text.into_bytes()
    }
}

/// A response left for the engine to parse.
struct ReceivedBody {
    status: u16,
    headers: ResponseHeaders,
    text: String,
}

/// A response as `receive` read it.
enum Received {
    Judged(JsonText),
    Unparsed(ReceivedBody),
}

/// What [`EthoraClient::settle`] makes of an attempt: the call done, failed, or retried
/// after a wait.
pub enum Settled<T = JsonText> {
    /// The call resolves with this result (the JSON text; the edge build's engine value).
    Done(T),
    /// The call fails with this error.
    Failed(EthoraError),
    /// Another attempt follows after this wait.
    Wait(Duration),
}

/// A connection slot, held while an attempt is out.
pub struct Slot(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

/// The current time as a `std` value (`std`'s own clock is unavailable on wasm32).
fn now_std() -> std::time::SystemTime {
    std::time::UNIX_EPOCH
        + web_time::SystemTime::now()
            .duration_since(web_time::UNIX_EPOCH)
            .unwrap_or_default()
}

/// Lets the connection task hand the finished connection back to the pool (one turn of the
/// runtime, after its I/O is polled).
#[cfg(not(target_arch = "wasm32"))]
async fn yield_to_pool() {
    tokio::task::yield_now().await;
}

#[cfg(target_arch = "wasm32")]
async fn yield_to_pool() {}

#[cfg(test)]
mod tests {
    //! The attempt state machine without a network: requests built, responses judged and
    //! retries decided exactly as the native loop and the edge build's driver step them.
    use super::*;
    use crate::config::ConfigInput;
    use crate::request::HttpMethod;

    fn client(max_retries: f64) -> EthoraClient {
        let input = ConfigInput {
            chat_api_url: Some("http://api.test".into()),
            chat_app_id: Some("app".into()),
            chat_app_secret: Some("app-secret".into()),
            max_retries: Some(max_retries),
            max_connections: Some(1.0),
            ..ConfigInput::default()
        };
        EthoraClient::from_input(input, |_| None).expect("a valid test configuration")
    }

    fn no_headers(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn an_attempt_carries_the_request_and_a_success_is_done() {
        let client = client(2.0);
        let request = crate::api::apps::get_app("app-1").expect("a valid id");
        let mut exchange = client.exchange(request).expect("a serialisable request");
        let outgoing = client
            .next_attempt(&mut exchange)
            .ok()
            .expect("auth headers");
        assert_eq!(outgoing.method, HttpMethod::Get);
        assert_eq!(outgoing.url, "http://api.test/v2/apps/app-1");
        let header = |name: &HeaderName| {
            outgoing
                .headers
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| v.to_str().ok())
                .map(str::to_owned)
        };
        let token = header(&X_CUSTOM_TOKEN).expect("the server token");
        assert_eq!(header(&AUTHORIZATION), Some(format!("Bearer {token}")));
        assert_eq!(header(&X_REQUEST_ID).map(|id| id.len()), Some(36));
        let body = br#"{"ok":true}"#.to_vec();
        let outcome = client.answer(&exchange, 200, body, true, &no_headers);
        match client.settle(&exchange, outcome) {
            Settled::Done(text) => assert_eq!(
                text.as_str(),
                r#"{"ok":true,"url":"http://api.test/v2/apps/app-1"}"#
            ),
            _ => panic!("a 200 with a JSON body resolves"),
        }
    }

    #[test]
    fn a_503_waits_then_retries_and_a_401_fails_at_once() {
        let client = client(2.0);
        let mut exchange = client
            .exchange(crate::api::apps::get_app("app-1").expect("a valid id"))
            .expect("a serialisable request");
        for attempt in 1..=2 {
            assert!(client.next_attempt(&mut exchange).is_ok());
            let outcome = client.answer(&exchange, 503, b"busy".to_vec(), true, &no_headers);
            assert!(
                matches!(client.settle(&exchange, outcome), Settled::Wait(_)),
                "attempt {attempt} of a GET answered 503 is retried"
            );
        }
        assert!(client.next_attempt(&mut exchange).is_ok());
        let outcome = client.answer(&exchange, 503, b"busy".to_vec(), true, &no_headers);
        match client.settle(&exchange, outcome) {
            Settled::Failed(error) => {
                assert_eq!(error.status, Some(503));
                assert_eq!(error.attempts, 3);
            }
            _ => panic!("retries are bounded by maxRetries"),
        }

        let mut exchange = client
            .exchange(crate::api::apps::get_app("app-2").expect("a valid id"))
            .expect("a serialisable request");
        assert!(client.next_attempt(&mut exchange).is_ok());
        let outcome = client.answer(
            &exchange,
            401,
            br#"{"error":"no"}"#.to_vec(),
            true,
            &no_headers,
        );
        match client.settle(&exchange, outcome) {
            Settled::Failed(error) => {
                assert_eq!((error.status, error.attempts), (Some(401), 1));
                assert!(!error.retryable);
            }
            _ => panic!("a 401 is not retried"),
        }
    }

    #[test]
    fn a_post_that_may_have_been_sent_is_not_retried_but_one_never_sent_is() {
        let client = client(2.0);
        let request = crate::api::users::create_user("user-1", None).expect("a valid user");
        let mut exchange = client.exchange(request).expect("a serialisable request");
        let outgoing = client
            .next_attempt(&mut exchange)
            .ok()
            .expect("auth headers");
        assert_eq!(outgoing.method, HttpMethod::Post);
        assert!(outgoing.body.is_some());
        let failed = client.transport_failure(Failure::Broken(Delivery::NotSent), &exchange);
        assert!(matches!(
            client.settle(&exchange, Err::<JsonText, _>(failed)),
            Settled::Wait(_)
        ));
        assert!(client.next_attempt(&mut exchange).is_ok());
        let failed = client.transport_failure(Failure::TimedOut(Delivery::MaybeSent), &exchange);
        match client.settle(&exchange, Err::<JsonText, _>(failed)) {
            Settled::Failed(error) => {
                assert_eq!(error.code_str(), "ETHORA_TIMEOUT");
                assert_eq!(error.attempts, 2);
            }
            _ => panic!("a POST that may have reached the server is not sent again"),
        }
    }

    #[test]
    fn a_connection_slot_is_held_until_dropped() {
        let client = client(0.0);
        let slot = client.try_slot();
        assert!(slot.is_some());
        assert!(client.try_slot().is_none(), "maxConnections: 1");
        drop(slot);
        assert!(client.try_slot().is_some());
    }
}
