//! Network calls through the runtime's `fetch`: each call is held in a table by id and moved
//! on by `drive` in crates/ethora-wasm/js/fetch.js through the `pendingCall*` functions, as the Node face's
//! `raw/dispatch.rs` moves calls between the JavaScript thread and the I/O thread.

use std::cell::RefCell;
use std::sync::Arc;

use ethora_core::client::{Exchange, FailedAttempt, Settled, Slot};
use ethora_core::response;
use ethora_core::transport::{fetch_exchange, Failure, FetchRequest, Incoming, Outgoing};
use ethora_core::EthoraClient;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::errors::to_js_error;

#[wasm_bindgen(raw_module = "./fetch.js")]
extern "C" {
    /// Runs the call `id` of [`PENDING_CALLS`] from its first attempt (`sent`, as
    /// [`PendingCall::send`] gives it); resolves with its result.
    fn drive(id: u32, sent: JsValue, max_response_bytes: f64) -> Promise;

    /// `drive` with the first attempt sent from JavaScript (`exchange` there), so a call
    /// calls out of WebAssembly once on its way out.
    #[wasm_bindgen(js_name = driveExchange)]
    fn drive_exchange(
        id: u32,
        max_response_bytes: f64,
        url: &str,
        method: &str,
        header_lines: &str,
        body: Option<&str>,
        timeout_ms: f64,
        node_hooks: bool,
    ) -> Promise;
}

/// Starts a network call: its first attempt goes out through `driveExchange` (`crates/ethora-wasm/js/fetch.js`),
/// which moves the call on from there.
pub(crate) fn start(client: &Arc<EthoraClient>, exchange: Exchange) -> Promise {
    let mut pending = PendingCall {
        client: Arc::clone(client),
        exchange: Some(exchange),
        slot: None,
        unsent: None,
        result: None,
    };
    // The call's id is reserved and the call enters the table once its first attempt is
    // out: JavaScript (a fetch wrapper) may start other calls meanwhile.
    let max_response_bytes = client.config().max_response_bytes as f64;
    let id = PENDING_CALLS.with(|calls| calls.borrow_mut().reserve());
    let first = pending.start(id, max_response_bytes);
    PENDING_CALLS.with(|calls| calls.borrow_mut().fill(id, pending));
    match first {
        Attempt::Sent(driven) => driven,
        Attempt::NotSent(next) => drive(id, next, max_response_bytes),
    }
}

/// One network call's exchange, moved on by `drive` in `crates/ethora-wasm/js/fetch.js` through the
/// `pendingCall*` functions below: the core builds and judges every attempt
/// (`EthoraClient::next_attempt`, `answer`, `settle`); JavaScript only awaits the fetch and
/// the retry waits, and turns a successful JSON body into the result itself.
struct PendingCall {
    client: Arc<EthoraClient>,
    /// `None` once handed to the core's own loop (`queued`).
    exchange: Option<Exchange>,
    /// The connection slot of the attempt that is out.
    slot: Option<Slot>,
    /// An attempt that failed before it could be sent.
    unsent: Option<FailedAttempt>,
    result: Option<JsValue>,
}

/// The calls `drive` is moving on, by id. A call is held here rather than in a JavaScript
/// object of its own: no wrapper and no finalizer per call, and `drive` ends every call it
/// started (its result, its error or `pendingCallEnd`).
#[derive(Default)]
struct PendingCalls {
    calls: Vec<Option<PendingCall>>,
    free_ids: Vec<u32>,
}

impl PendingCalls {
    /// An id for a call that is yet to be [filled in](Self::fill).
    fn reserve(&mut self) -> u32 {
        self.free_ids.pop().unwrap_or_else(|| {
            self.calls.push(None);
            (self.calls.len() - 1) as u32
        })
    }

    fn fill(&mut self, id: u32, call: PendingCall) {
        if let Some(entry) = self.calls.get_mut(id as usize) {
            *entry = Some(call);
        }
    }

    /// Takes the call out and frees its id.
    fn end(&mut self, id: u32) -> Option<PendingCall> {
        let call = self.calls.get_mut(id as usize)?.take()?;
        self.free_ids.push(id);
        Some(call)
    }
}

thread_local! {
    static PENDING_CALLS: RefCell<PendingCalls> = RefCell::default();
}

fn call_ended() -> JsValue {
    JsValue::from_str("the call has ended")
}

/// Runs `work` on the call `id`, which is out of the table meanwhile (`work` may call
/// JavaScript, and JavaScript may start other calls).
fn with_pending_call<R>(
    id: u32,
    work: impl FnOnce(&mut PendingCall) -> Result<R, JsValue>,
) -> Result<R, JsValue> {
    let taken = PENDING_CALLS.with(|calls| {
        calls
            .borrow_mut()
            .calls
            .get_mut(id as usize)
            .and_then(Option::take)
    });
    let mut call = taken.ok_or_else(call_ended)?;
    let result = work(&mut call);
    PENDING_CALLS.with(|calls| {
        if let Some(entry) = calls.borrow_mut().calls.get_mut(id as usize) {
            *entry = Some(call);
        }
    });
    result
}

fn end_pending_call(id: u32) -> Option<PendingCall> {
    PENDING_CALLS.with(|calls| calls.borrow_mut().end(id))
}

/// How a call's next attempt went.
enum Attempt<T> {
    /// Handed to JavaScript.
    Sent(T),
    /// Not sent; what `drive` goes on from instead: `undefined` when every connection slot
    /// is taken (the call waits for one in the core), a promise of `null` when the attempt
    /// failed before it could be sent (`unsent`, judged by the next settle), a rejected
    /// promise when the call has ended.
    NotSent(JsValue),
}

impl PendingCall {
    /// Takes a connection slot and hands the next attempt to `send`.
    fn attempt<T>(&mut self, send: impl FnOnce(Outgoing<'_>) -> Result<T, Failure>) -> Attempt<T> {
        let Some(exchange) = self.exchange.as_mut() else {
            return Attempt::NotSent(Promise::reject(&call_ended()).into());
        };
        let client = &self.client;
        let Some(slot) = client.try_slot() else {
            return Attempt::NotSent(JsValue::UNDEFINED);
        };
        client.start_attempt_now(exchange);
        let unsent = match client.next_attempt(exchange) {
            Ok(outgoing) => match send(outgoing) {
                Ok(sent) => {
                    self.slot = Some(slot);
                    return Attempt::Sent(sent);
                }
                Err(failure) => client.transport_failure(failure, exchange),
            },
            Err(failed) => failed,
        };
        self.unsent = Some(unsent);
        Attempt::NotSent(Promise::resolve(&JsValue::NULL).into())
    }

    /// The next attempt: a promise of `exchange`'s outcome, or `undefined` when every
    /// connection slot is taken.
    fn send(&mut self) -> JsValue {
        match self.attempt(fetch_exchange) {
            Attempt::Sent(promise) => promise.into(),
            Attempt::NotSent(next) => next,
        }
    }

    /// The first attempt. When it goes out, `driveExchange` sends it and is already
    /// driving the call: its promise is the call's (`drive` awaits the exchange before it
    /// reaches for the call). Otherwise what `drive` starts from, once the call is in the
    /// table (it asks for a queued call at once).
    fn start(&mut self, id: u32, max_response_bytes: f64) -> Attempt<Promise> {
        self.attempt(|outgoing| {
            let request = FetchRequest::new(&outgoing)?;
            Ok(drive_exchange(
                id,
                max_response_bytes,
                request.url,
                request.method,
                &request.header_lines,
                request.body,
                request.timeout_ms,
                request.node_hooks,
            ))
        })
    }
}

/// The next attempt of the call `id` (see [`PendingCall::send`]).
#[wasm_bindgen(js_name = pendingCallSend, skip_typescript)]
pub fn pending_call_send(id: u32) -> Result<JsValue, JsValue> {
    with_pending_call(id, |call| Ok(call.send()))
}

/// `drive` made the call's result from a successful body itself: the call ends, logged
/// as any success.
#[wasm_bindgen(js_name = pendingCallParsed, skip_typescript)]
pub fn pending_call_parsed(id: u32, status: u16) {
    if let Some(PendingCall {
        client,
        exchange: Some(mut exchange),
        ..
    }) = end_pending_call(id)
    {
        EthoraClient::answered(&mut exchange, Some(status));
        let _logged = client.settle(&exchange, Ok(()));
    }
}

/// Judges the attempt `send` started, given what its promise resolved with: -1 when the
/// call's result is ready (`pendingCallResult`), else the wait in milliseconds before the
/// next attempt. Throws the call's error when it fails.
#[wasm_bindgen(js_name = pendingCallSettle, skip_typescript)]
pub fn pending_call_settle(id: u32, settled: JsValue) -> Result<f64, JsValue> {
    with_pending_call(id, |call| {
        call.slot = None;
        let (client, exchange) = (&call.client, call.exchange.as_mut());
        let exchange = exchange.ok_or_else(call_ended)?;
        let outcome = match call.unsent.take() {
            Some(unsent) => Err(unsent),
            None => match Incoming::from_settled(settled) {
                Ok(response) => {
                    EthoraClient::answered(exchange, Some(response.status()));
                    client.answer_fetched(exchange, &response)
                }
                Err(failure) => {
                    EthoraClient::answered(exchange, None);
                    Err(client.transport_failure(failure, exchange))
                }
            },
        };
        match client.settle(exchange, outcome) {
            Settled::Done(value) => {
                call.result = Some(value);
                Ok(-1.0)
            }
            Settled::Wait(delay) => Ok(delay.as_millis() as f64),
            Settled::Failed(error) => Err(to_js_error(&error)),
        }
    })
}

/// The call's result, once `pendingCallSettle` said it is ready; the call ends.
#[wasm_bindgen(js_name = pendingCallResult, skip_typescript)]
pub fn pending_call_result(id: u32) -> JsValue {
    end_pending_call(id)
        .and_then(|call| call.result)
        .unwrap_or(JsValue::NULL)
}

/// The rest of the call in the core's own loop, which waits for a connection slot; the
/// call leaves the table.
#[wasm_bindgen(js_name = pendingCallQueued, skip_typescript)]
pub fn pending_call_queued(id: u32) -> Promise {
    let Some(PendingCall {
        client,
        exchange: Some(exchange),
        ..
    }) = end_pending_call(id)
    else {
        return Promise::reject(&call_ended());
    };
    future_to_promise(async move {
        client
            .run_exchange(exchange, Vec::new())
            .await
            .map(|text| response::engine::parse(text.as_str()))
            .map_err(|error| to_js_error(&error))
    })
}

/// Ends the call `id` (its error was thrown, or `drive` stopped early).
#[wasm_bindgen(js_name = pendingCallEnd, skip_typescript)]
pub fn pending_call_end(id: u32) {
    end_pending_call(id);
}
