//! What the edge runtime provides instead of an operating system: its timers (retry waits
//! and time limits), its console (log lines), its environment variables, and reporting
//! what a callback threw.

use std::sync::Arc;
use std::time::Duration;

use ethora_core::client::Sleeper;
use ethora_core::logging::{LogLevel, LogSink};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

// Every JavaScript function called from here that could throw is imported with `catch`: an
// exception never unwinds through WebAssembly (which would leave the module's stack and
// borrows in a state no later call recovers from).
#[wasm_bindgen(raw_module = "./shared.js")]
extern "C" {
    /// What a callback threw, as an uncaught exception.
    #[wasm_bindgen(catch, js_name = reportCallbackError)]
    pub(crate) fn report_callback_error(error: &JsValue) -> Result<(), JsValue>;
    /// Calls `on_abort` once the signal aborts: `none`, `aborted`, `listening` or `invalid`.
    #[wasm_bindgen(catch, js_name = listenForAbort)]
    pub(crate) fn listen_for_abort(
        signal: &JsValue,
        on_abort: &JsValue,
    ) -> Result<JsValue, JsValue>;
    /// The environment variable `name` (it catches what reading throws).
    #[wasm_bindgen(catch, js_name = runtimeEnv)]
    fn runtime_env_value(name: &str) -> Result<Option<String>, JsValue>;
}

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

/// The runtime's environment variable `name` (`runtimeEnv` in js/shared.js, as the native
/// addon reads it): `process.env`, else `Deno.env`. Workers have none; they pass their `env`
/// object through `configFromEnv(env)`.
pub(crate) fn runtime_env(name: &str) -> Option<String> {
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
pub(crate) fn timer_sleeper() -> Sleeper {
    Arc::new(|duration: Duration| Box::pin(Timer::new(duration)))
}

/// Log lines go to the console at their level.
pub(crate) fn console_sink() -> LogSink {
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
