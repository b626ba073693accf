//! Edge face of the Ethora SDK (Cloudflare Workers, Vercel Edge, Deno): wasm-bindgen over
//! `ethora-core`, HTTP through the runtime's `fetch` (`js/fetch.js`, which also drives each
//! network call over the core's attempt state machine).
//!
//! Like the Node face it only hands values over. The classes and functions here are the
//! inner half of the edge build: the public ones are the facade in `edge/api.js`, which
//! checks every method's receiver (a wrong `this` never reaches WebAssembly) and reads every
//! argument with the shared reader (`readArgument` in `js/shared.js`, as the Node face reads
//! every argument that is not a plain string), so what arrives here is the reader's text
//! (`ethora_core::boundary`), whatever the caller passed. Results come back through
//! `JSON.parse`; errors are the shared `EthoraError` class with the core's fields.
//!
//! Only the wasm32 build has content; `npm test` lints it with
//! `cargo clippy --target wasm32-unknown-unknown`.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use ethora_core::boundary::{self, Argument};
use ethora_core::calls::{self, ApiCall, Parameter};
use ethora_core::client::{Exchange, FailedAttempt, Sleeper, Slot, Step};
use ethora_core::logging::{LogLevel, LogSink};
use ethora_core::response;
use ethora_core::transport::{fetch_exchange, Failure, FetchRequest, Incoming, Outgoing};
use ethora_core::{args, functions, naming, EthoraClient, EthoraError as CoreError};
use js_sys::{Function, Promise};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

// What the generator cannot express, shared with the Node face's `index.d.ts`: the `UUID`
// alias, open index signatures, the `EthoraError` fields and `ChatRepository`.
#[wasm_bindgen(typescript_custom_section)]
const TYPE_HEADER: &str = include_str!("../../../src/typedef-header.d.ts");

// Declarations of what the entry modules add beside the generated glue (see `edge/`): the
// error class from `js/shared.js` and the JID domain constant, declared as napi
// declares them for Node.
#[wasm_bindgen(typescript_custom_section)]
const ENTRY_EXPORTS: &str = r#"
export declare class EthoraError {}

/** Conference domain of Ethora Cloud room JIDs, as the reference exports it. */
export declare const ETHORA_JID_DOMAIN: string
"#;

// Every JavaScript function called from here that could throw is imported with `catch`: an
// exception never unwinds through WebAssembly (which would leave the module's stack and
// borrows in a state no later call recovers from).
#[wasm_bindgen(raw_module = "./shared.js")]
extern "C" {
    #[wasm_bindgen(js_name = createEthoraError)]
    fn create_ethora_error(message: &str, fields_json: &str) -> JsValue;
    /// What a callback threw, as an uncaught exception.
    #[wasm_bindgen(catch, js_name = reportCallbackError)]
    fn report_callback_error(error: &JsValue) -> Result<(), JsValue>;
    /// Calls `on_abort` once the signal aborts: `none`, `aborted`, `listening` or `invalid`.
    #[wasm_bindgen(catch, js_name = listenForAbort)]
    fn listen_for_abort(signal: &JsValue, on_abort: &JsValue) -> Result<JsValue, JsValue>;
    /// The environment variable `name` (it catches what reading throws).
    #[wasm_bindgen(catch, js_name = runtimeEnv)]
    fn runtime_env_value(name: &str) -> Result<Option<String>, JsValue>;
}

// The observation of calls (js/observe.js): what observed calls report (see WasmObserver).
#[wasm_bindgen(raw_module = "./observe.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = observeCallStarted)]
    fn observe_call_started(
        client: u32,
        request_id: &str,
        method: &str,
        route: &str,
        api_url: &str,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = observeAttemptStarting)]
    fn observe_attempt_starting(
        request_id: &str,
        attempt: u32,
        inject: bool,
    ) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(catch, js_name = observeAttemptEnded)]
    fn observe_attempt_ended(
        request_id: &str,
        attempt: u32,
        status: Option<u16>,
        error: Option<&str>,
        duration_ms: f64,
        retry_in_ms: Option<f64>,
        retry_after_ms: Option<f64>,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = observeCallEnded)]
    fn observe_call_ended(
        request_id: &str,
        error: Option<&str>,
        status: Option<u16>,
    ) -> Result<(), JsValue>;
}

/// The edge build's observer: every report is a call into js/observe.js, on the one thread
/// there is (what it throws is dropped: observing never breaks a call).
struct WasmObserver;

impl ethora_core::observe::Observer for WasmObserver {
    fn call_started(&self, call: &ethora_core::observe::CallStarted<'_>) {
        let _ = observe_call_started(
            call.client,
            call.request_id,
            call.method,
            call.route,
            call.api_url,
        );
    }

    fn attempt_starting(
        &self,
        attempt: &ethora_core::observe::AttemptStarting<'_>,
        inject: bool,
    ) -> ethora_core::observe::TraceHeaders {
        observe_attempt_starting(attempt.request_id, attempt.attempt, inject)
            .ok()
            .flatten()
    }

    fn attempt_ended(&self, attempt: &ethora_core::observe::AttemptEnded<'_>) {
        let millis = |duration: std::time::Duration| duration.as_secs_f64() * 1000.0;
        let _ = observe_attempt_ended(
            attempt.request_id,
            attempt.attempt,
            attempt.status,
            attempt.error,
            millis(attempt.duration),
            attempt.retry_in.map(millis),
            attempt.retry_after.map(millis),
        );
    }

    fn call_ended(&self, call: &ethora_core::observe::CallEnded<'_>) {
        let _ = observe_call_ended(call.request_id, call.error, call.status);
    }
}

mod iterate;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(callback: &Function, milliseconds: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = console, js_name = error)]
    fn console_error(line: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = console, js_name = warn)]
    fn console_warn(line: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = console, js_name = info)]
    fn console_info(line: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = console, js_name = debug)]
    fn console_debug(line: &str) -> Result<(), JsValue>;
}

fn to_js_error(error: &CoreError) -> JsValue {
    create_ethora_error(&error.message, &error.js_fields().to_string())
}

/// Arguments as the facade hands them over (the reader's text per argument, `None` for
/// `undefined`), each read under its parameter.
fn values(
    parameters: &[Parameter],
    texts: &[Option<String>],
) -> Result<Vec<Option<Value>>, CoreError> {
    boundary::values(
        parameters,
        texts.iter().map(|text| Argument::read(text.as_deref())),
    )
}

/// A JSON result as a JavaScript value.
fn to_js(value: &Value) -> JsValue {
    response::engine::parse(&value.to_string())
}

/// The runtime's environment variable `name` (`runtimeEnv` in js/shared.js, as the native
/// addon reads it): `process.env`, else `Deno.env`. Workers have none; they pass their `env`
/// object through `configFromEnv(env)`.
fn runtime_env(name: &str) -> Option<String> {
    runtime_env_value(name).ok().flatten()
}

/// A `setTimeout` wait that clears its timer when dropped unfinished: a time limit whose
/// request finished first must not keep the runtime's event loop (or a Deno process) alive.
struct Timer {
    wait: JsFuture,
    handle: JsValue,
    done: bool,
}

impl Timer {
    fn new(duration: Duration) -> Timer {
        let mut handle = JsValue::UNDEFINED;
        let promise = Promise::new(&mut |resolve, reject| {
            // A runtime that refuses another timer ends the wait at once.
            match set_timeout(&resolve, duration.as_millis() as f64) {
                Ok(timer) => handle = timer,
                Err(error) => {
                    let _ = reject.call1(&JsValue::UNDEFINED, &error);
                }
            }
        });
        Timer {
            wait: JsFuture::from(promise),
            handle,
            done: false,
        }
    }
}

impl std::future::Future for Timer {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        let poll = std::pin::Pin::new(&mut self.wait).poll(cx);
        if poll.is_ready() {
            self.done = true;
        }
        poll.map(|_| ())
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if !self.done {
            let _ = clear_timeout(&self.handle);
        }
    }
}

/// Backoff waits and time limits on the runtime's timer.
fn timer_sleeper() -> Sleeper {
    Arc::new(|duration: Duration| Box::pin(Timer::new(duration)))
}

/// Log lines go to the console at their level.
fn console_sink() -> LogSink {
    // A console that throws loses the line, nothing else.
    Arc::new(|level, line| {
        let _ = match level {
            LogLevel::Error => console_error(line),
            LogLevel::Warn => console_warn(line),
            LogLevel::Info => console_info(line),
            _ => console_debug(line),
        };
    })
}

/// The Ethora chat service client: the same class, methods and requests as
/// `@ethora/sdk-backend`'s `EthoraSDKService`.
#[wasm_bindgen(js_name = EthoraSDKService)]
pub struct EthoraSdkService {
    client: Arc<EthoraClient>,
}

impl EthoraSdkService {
    fn build(config: Option<&Value>) -> Result<EthoraSdkService, CoreError> {
        // Keeps the generated interfaces of `ethora-types` in the link (see there).
        std::hint::black_box(ethora_types::link_type_declarations());
        let input = args::config_input(config, "config")?;
        let client = EthoraClient::from_input(input, runtime_env)?
            .with_sleeper(timer_sleeper())
            .with_log_sink(console_sink());
        client.set_observer(Arc::new(WasmObserver));
        Ok(EthoraSdkService {
            client: Arc::new(client),
        })
    }

    /// A network method: its arguments (the reader's text, from the facade) go to the core's
    /// table; its first attempt goes out through `driveExchange` (`js/fetch.js`), which moves
    /// the call on from there.
    fn call(&self, call: ApiCall, arguments: &[Option<String>]) -> Promise {
        let readings = arguments.iter().map(|text| Argument::read(text.as_deref()));
        let exchange = calls::build_request_from(call, self.client.app_id(), readings)
            .and_then(|request| self.client.exchange(request));
        match exchange {
            Ok(exchange) => {
                let mut pending = PendingCall {
                    client: Arc::clone(&self.client),
                    exchange: Some(exchange),
                    slot: None,
                    unsent: None,
                    result: None,
                };
                // The call's id is reserved and the call enters the table once its first
                // attempt is out: JavaScript (a fetch wrapper) may start other calls
                // meanwhile.
                let max_response_bytes = self.client.config().max_response_bytes as f64;
                let id = PENDING_CALLS.with(|calls| calls.borrow_mut().reserve());
                let first = pending.start(id, max_response_bytes);
                PENDING_CALLS.with(|calls| calls.borrow_mut().fill(id, pending));
                match first {
                    Attempt::Sent(driven) => driven,
                    Attempt::NotSent(next) => drive(id, next, max_response_bytes),
                }
            }
            Err(error) => Promise::reject(&to_js_error(&error)),
        }
    }
}

/// What the facade (`edge/api.js`) needs to know of every method and function
/// (`ethora_core::boundary::spec`).
#[wasm_bindgen(js_name = boundarySpec, skip_typescript)]
pub fn boundary_spec() -> String {
    boundary::spec()
}

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

/// One network call's exchange, moved on by `drive` in `js/fetch.js` through the
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
            Step::Done(value) => {
                call.result = Some(value);
                Ok(-1.0)
            }
            Step::Wait(delay) => Ok(delay.as_millis() as f64),
            Step::Failed(error) => Err(to_js_error(&error)),
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

/// The network methods, from the core's one declaration (`ethora_core::network_methods!`),
/// with the TypeScript signatures of the Node face.
macro_rules! wasm_network_methods {
    ($(
        $(#[doc = $doc:tt])*
        promise $variant:ident $rust_name:ident $js_name:ident (
            $($required:ident $required_js:literal $required_kind:ident : $required_ts:literal),*
            $(; $($optional:ident $optional_js:literal $optional_kind:ident : $optional_ts:literal),*)?
        );
    )*) => {
        #[wasm_bindgen(js_class = EthoraSDKService)]
        impl EthoraSdkService {
            $(
                $(#[doc = $doc])*
                #[wasm_bindgen(js_name = $js_name, unchecked_return_type = "Promise<ApiResponse>")]
                pub fn $rust_name(
                    &self,
                    $(#[wasm_bindgen(js_name = $required_js, unchecked_param_type = $required_ts)] $required: Option<String>,)*
                    $($(#[wasm_bindgen(js_name = $optional_js, unchecked_optional_param_type = $optional_ts)] $optional: Option<String>,)*)?
                ) -> Promise {
                    self.call(ApiCall::$variant, &[$($required,)* $($($optional,)*)?])
                }
            )*
        }
    };
}

ethora_core::network_methods!(wasm_network_methods);

#[wasm_bindgen(js_class = EthoraSDKService)]
impl EthoraSdkService {
    /// Explicit config values win over `ETHORA_CHAT_*` variables of the runtime's environment
    /// (`process.env` or `Deno.env`); on Workers pass `configFromEnv(env)`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = "config", unchecked_optional_param_type = "EthoraSDKConfig")]
        config: Option<String>,
    ) -> Result<EthoraSdkService, JsValue> {
        let config = Argument::read(config.as_deref()).value(&functions::SERVICE_CONFIG[0]);
        js_result(
            functions::read_config(config)
                .and_then(|config| EthoraSdkService::build(config.as_ref())),
        )
    }

    /// `{appId}_{chatId}`, with `full` (default true) the room JID on Ethora Cloud's
    /// conference domain. Already-prefixed ids and JIDs are not prefixed again.
    #[wasm_bindgen(js_name = createChatName)]
    pub fn create_chat_name(
        &self,
        #[wasm_bindgen(js_name = "chatId", unchecked_param_type = "UUID")] chat_id: Option<String>,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] full: Option<String>,
    ) -> Result<String, JsValue> {
        js_result(
            values(functions::CREATE_CHAT_NAME, &[chat_id, full])
                .and_then(|values| functions::chat_name(self.client.app_id(), &values)),
        )
    }

    /// A client JWT for the user (what the front end logs in with); with
    /// `options.expiresIn` it expires that many seconds from now.
    #[wasm_bindgen(js_name = createChatUserJwtToken)]
    pub fn create_chat_user_jwt_token(
        &self,
        #[wasm_bindgen(js_name = "userId", unchecked_param_type = "UUID")] user_id: Option<String>,
        #[wasm_bindgen(
            js_name = "options",
            unchecked_optional_param_type = "ClientTokenOptions"
        )]
        options: Option<String>,
    ) -> Result<String, JsValue> {
        js_result((|| {
            let values = values(functions::CREATE_CHAT_USER_JWT_TOKEN, &[user_id, options])?;
            let user_id = args::id(values[0].as_ref(), "userId")?;
            let expires_in = functions::client_token_expiry(values[1].as_ref())?;
            Ok(self.client.expiring_client_token(user_id, expires_in))
        })())
    }

    /// What `console.log` / `JSON.stringify` show: the app and URL, never the secret.
    /// The core's number of this client, for the facade's `on` / `off`.
    #[wasm_bindgen(js_name = __clientId, skip_typescript)]
    pub fn client_id(&self) -> u32 {
        self.client.id()
    }

    /// How the client's next calls are observed (`callRoute`'s bits, from the facade).
    #[wasm_bindgen(js_name = __observeNextCalls, skip_typescript)]
    pub fn observe_next_calls(&self, bits: u8) {
        self.client
            .observe_next_calls(ethora_core::observe::Observing::from_bits(bits));
    }

    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "any")]
    pub fn to_json(&self) -> JsValue {
        to_js(&serde_json::json!({
            "chatApiUrl": self.client.config().api_url,
            "chatAppId": self.client.app_id(),
        }))
    }
}

thread_local! {
    /// The instance `getEthoraSDKService()` returns without a config.
    static DEFAULT_SERVICE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Without a config: one shared instance built from the runtime's environment (the same
/// object every time). With a config: a new instance, not cached.
#[wasm_bindgen(js_name = getEthoraSDKService, unchecked_return_type = "EthoraSDKService")]
pub fn get_ethora_sdk_service(
    #[wasm_bindgen(js_name = "config", unchecked_optional_param_type = "EthoraSDKConfig")]
    config: Option<String>,
) -> Result<JsValue, JsValue> {
    let config = Argument::read(config.as_deref()).value(&functions::SERVICE_CONFIG[0]);
    let config = js_result(functions::read_config(config))?;
    let config = config.as_ref();
    if !functions::wants_shared_instance(config) {
        return js_result(EthoraSdkService::build(config)).map(JsValue::from);
    }
    if let Some(shared) = DEFAULT_SERVICE.with(|slot| slot.borrow().clone()) {
        return Ok(shared);
    }
    let service = JsValue::from(js_result(EthoraSdkService::build(None))?);
    DEFAULT_SERVICE.with(|slot| *slot.borrow_mut() = Some(service.clone()));
    Ok(service)
}

/// Forgets the shared instance when it is `service` (the facade frees it): the next
/// `getEthoraSDKService()` builds a new one instead of handing out a freed one.
#[wasm_bindgen(js_name = forgetSharedService, skip_typescript)]
pub fn forget_shared_service(service: &JsValue) {
    DEFAULT_SERVICE.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot
            .as_ref()
            .is_some_and(|shared| js_sys::Object::is(shared, service))
        {
            *slot = None;
        }
    });
}

fn js_result<T>(result: Result<T, CoreError>) -> Result<T, JsValue> {
    result.map_err(|error| to_js_error(&error))
}

/// A client (user) JWT, as the reference's `createClientToken`; with `options.expiresIn` it
/// expires that many seconds from now.
#[wasm_bindgen(js_name = createClientToken)]
pub fn create_client_token(
    #[wasm_bindgen(js_name = "userId", unchecked_param_type = "UUID")] user_id: Option<String>,
    #[wasm_bindgen(
        js_name = "customSecrets",
        unchecked_optional_param_type = "EthoraSDKConfig"
    )]
    custom_secrets: Option<String>,
    #[wasm_bindgen(
        js_name = "options",
        unchecked_optional_param_type = "ClientTokenOptions"
    )]
    options: Option<String>,
) -> Result<String, JsValue> {
    js_result(
        values(
            functions::CREATE_CLIENT_TOKEN,
            &[user_id, custom_secrets, options],
        )
        .and_then(|v| {
            functions::create_client_token(v[0].as_ref(), v[1].as_ref(), v[2].as_ref(), runtime_env)
        }),
    )
}

/// A server (B2B) JWT, as the reference's `createServerToken`.
#[wasm_bindgen(js_name = createServerToken)]
pub fn create_server_token(
    #[wasm_bindgen(
        js_name = "customSecrets",
        unchecked_optional_param_type = "EthoraSDKConfig"
    )]
    custom_secrets: Option<String>,
    #[wasm_bindgen(
        js_name = "options",
        unchecked_optional_param_type = "ServerTokenOptions"
    )]
    options: Option<String>,
) -> Result<String, JsValue> {
    js_result(
        values(functions::CREATE_SERVER_TOKEN, &[custom_secrets, options]).and_then(|v| {
            functions::create_server_token(v[0].as_ref(), v[1].as_ref(), runtime_env)
        }),
    )
}

/// Verifies a server or client token with its scoped key and returns its claims. With
/// `expectedType`, a token of the other type is refused. A token past its `exp` or before
/// its `nbf` is refused (`options.clockTolerance` seconds forgiven, default 5). No
/// raw-secret fallback.
#[wasm_bindgen(js_name = verifyJwtToken, unchecked_return_type = "Record<string, unknown>")]
pub fn verify_jwt_token(
    #[wasm_bindgen(js_name = "token", unchecked_param_type = "string")] token: Option<String>,
    #[wasm_bindgen(
        js_name = "customSecrets",
        unchecked_optional_param_type = "EthoraSDKConfig"
    )]
    custom_secrets: Option<String>,
    #[wasm_bindgen(
        js_name = "expectedType",
        unchecked_optional_param_type = "'server' | 'client'"
    )]
    expected_type: Option<String>,
    #[wasm_bindgen(
        js_name = "options",
        unchecked_optional_param_type = "VerifyTokenOptions"
    )]
    options: Option<String>,
) -> Result<JsValue, JsValue> {
    let texts = [token, custom_secrets, expected_type, options];
    js_result(values(functions::VERIFY_JWT_TOKEN, &texts).and_then(|v| {
        functions::verify_jwt_token(
            v[0].as_ref(),
            v[1].as_ref(),
            v[2].as_ref(),
            v[3].as_ref(),
            runtime_env,
        )
        .map(|claims| to_js(&Value::Object(claims)))
    }))
}

/// The `EthoraSDKConfig` that the `ETHORA_CHAT_*` variables (and `ETHORA_LOG`) of `env`
/// describe: a Workers-style `env` object, or the process environment when omitted.
#[wasm_bindgen(js_name = configFromEnv, unchecked_return_type = "EthoraSDKConfig")]
pub fn config_from_env(
    #[wasm_bindgen(
        js_name = "env",
        unchecked_optional_param_type = "Record<string, unknown>"
    )]
    variables: Option<String>,
) -> Result<JsValue, JsValue> {
    js_result(
        values(functions::CONFIG_FROM_ENV, &[variables])
            .and_then(|values| functions::config_from_env_argument(values[0].as_ref(), runtime_env))
            .map(|config| to_js(&Value::Object(config))),
    )
}

/// The official SDK's `getSecretsSync`: `{ chatApiUrl, chatAppId, chatAppSecret }` from the
/// `ETHORA_CHAT_*` variables, the truthy values of `overrides` winning; throws an
/// `ETHORA_CONFIG` error with the official message when one is missing.
#[wasm_bindgen(js_name = getSecretsSync, unchecked_return_type = "Secrets")]
pub fn get_secrets_sync(
    #[wasm_bindgen(
        js_name = "overrides",
        unchecked_optional_param_type = "Partial<Secrets>"
    )]
    overrides: Option<String>,
) -> Result<JsValue, JsValue> {
    let overrides = Argument::read(overrides.as_deref());
    js_result(
        functions::get_secrets_from(overrides, runtime_env)
            .map(|secrets| to_js(&Value::Object(secrets))),
    )
}

/// The official SDK's `getSecrets`: the same as `getSecretsSync` (synchronous there too),
/// read anew on every call.
#[wasm_bindgen(js_name = getSecrets, unchecked_return_type = "Secrets")]
pub fn get_secrets(
    #[wasm_bindgen(
        js_name = "overrides",
        unchecked_optional_param_type = "Partial<Secrets>"
    )]
    overrides: Option<String>,
) -> Result<JsValue, JsValue> {
    get_secrets_sync(overrides)
}

/// `ETHORA_JID_DOMAIN` for the entry modules, which export it as a constant.
#[wasm_bindgen(js_name = ethoraJidDomain, skip_typescript)]
pub fn ethora_jid_domain() -> String {
    naming::ETHORA_JID_DOMAIN.to_owned()
}
