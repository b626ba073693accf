//! The observation of calls: what observed calls report to js/observe.js (diagnostics
//! channels, hooks, OpenTelemetry spans), as the Node face's `observe.rs` does.

use wasm_bindgen::prelude::*;

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
pub(crate) struct WasmObserver;

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
