//! The Node addon's observer (ethora_core::observe): what observed calls report reaches the
//! shared script's `observe*` functions (js/observe.js) on the JavaScript thread: at once when
//! the core reports from that thread, else through the dispatcher's queue, in order (an
//! attempt that carries a trace context waits for it).

use std::cell::Cell;
use std::future::ready;
use std::ptr;
use std::thread::ThreadId;
use std::time::Instant;

use ethora_core::observe::{
    AttemptEnded, AttemptStarting, CallEnded, CallStarted, Observer, TraceHeaders,
};
use napi::bindgen_prelude::*;
use napi::sys;
use tokio::sync::oneshot;

use crate::raw::dispatch::JsQueue;
use crate::raw::script;

/// What an observed call reported, with when, owned for the trip to the JavaScript thread.
pub struct ObserveJob {
    report: Report,
    /// When it was reported: the JavaScript side dates spans back by the time it waited.
    reported: Instant,
}

enum Report {
    CallStarted {
        client: u32,
        request_id: String,
        method: &'static str,
        route: &'static str,
        api_url: String,
    },
    AttemptStarting {
        request_id: String,
        attempt: u32,
        inject: bool,
        reply: Option<oneshot::Sender<Option<String>>>,
    },
    AttemptEnded {
        request_id: String,
        attempt: u32,
        status: Option<u16>,
        error: Option<&'static str>,
        duration_ms: f64,
        retry_in_ms: Option<f64>,
        retry_after_ms: Option<f64>,
    },
    CallEnded {
        request_id: String,
        error: Option<&'static str>,
        status: Option<u16>,
    },
}

thread_local! {
    /// The environment of this thread, when it is a JavaScript thread the addon loaded on.
    static JS_ENV: Cell<sys::napi_env> = const { Cell::new(ptr::null_mut()) };
}

/// Remembers the loading thread's environment (called when the addon loads).
pub fn install(env: &Env) {
    JS_ENV.with(|slot| slot.set(env.raw()));
}

pub struct NodeObserver {
    queue: JsQueue,
    js_thread: ThreadId,
}

impl NodeObserver {
    /// The observer of the current JavaScript thread's clients.
    pub fn new(queue: JsQueue) -> Self {
        NodeObserver {
            queue,
            js_thread: std::thread::current().id(),
        }
    }

    /// Runs `report` now on the JavaScript thread, or queues it from another.
    fn report(&self, report: Report) {
        let job = ObserveJob {
            report,
            reported: Instant::now(),
        };
        if std::thread::current().id() == self.js_thread {
            let env = JS_ENV.with(Cell::get);
            if !env.is_null() {
                run(&Env::from_raw(env), job);
                return;
            }
        }
        self.queue.push(Box::new(move |env| run(env, job)));
    }
}

impl Observer for NodeObserver {
    fn call_started(&self, call: &CallStarted<'_>) {
        self.report(Report::CallStarted {
            client: call.client,
            request_id: call.request_id.to_owned(),
            method: call.method,
            route: call.route,
            api_url: call.api_url.to_owned(),
        });
    }

    fn attempt_starting(&self, attempt: &AttemptStarting<'_>, inject: bool) -> TraceHeaders {
        let (reply, headers) = if inject {
            let (reply, headers) = oneshot::channel();
            (Some(reply), Some(headers))
        } else {
            (None, None)
        };
        self.report(Report::AttemptStarting {
            request_id: attempt.request_id.to_owned(),
            attempt: attempt.attempt,
            inject,
            reply,
        });
        match headers {
            Some(headers) => Box::pin(async move { headers.await.ok().flatten() }),
            None => Box::pin(ready(None)),
        }
    }

    fn attempt_ended(&self, attempt: &AttemptEnded<'_>) {
        let millis = |duration: std::time::Duration| duration.as_secs_f64() * 1000.0;
        self.report(Report::AttemptEnded {
            request_id: attempt.request_id.to_owned(),
            attempt: attempt.attempt,
            status: attempt.status,
            error: attempt.error,
            duration_ms: millis(attempt.duration),
            retry_in_ms: attempt.retry_in.map(millis),
            retry_after_ms: attempt.retry_after.map(millis),
        });
    }

    fn call_ended(&self, call: &CallEnded<'_>) {
        self.report(Report::CallEnded {
            request_id: call.request_id.to_owned(),
            error: call.error,
            status: call.status,
        });
    }
}

/// On the JavaScript thread: hands a report to its `observe*` function.
pub fn run(env: &Env, job: ObserveJob) {
    let _ = run_job(env, job);
}

fn run_job(env: &Env, job: ObserveJob) -> Result<()> {
    let undefined = || ().into_unknown(env);
    let text = |value: &str| Ok(env.create_string(value)?.to_unknown());
    let number = |value: f64| Ok(env.create_double(value)?.to_unknown());
    let optional_number = |value: Option<f64>| match value {
        Some(value) => number(value),
        None => undefined(),
    };
    let optional_text = |value: Option<&str>| match value {
        Some(value) => text(value),
        None => undefined(),
    };
    let lag = number(job.reported.elapsed().as_secs_f64() * 1000.0)?;
    match job.report {
        Report::CallStarted {
            client,
            request_id,
            method,
            route,
            api_url,
        } => {
            let arguments = [
                number(f64::from(client))?,
                text(&request_id)?,
                text(method)?,
                text(route)?,
                text(&api_url)?,
                lag,
            ];
            script::call_shared(env, c"observeCallStarted", &arguments);
        }
        Report::AttemptStarting {
            request_id,
            attempt,
            inject,
            reply,
        } => {
            if reply.as_ref().is_some_and(oneshot::Sender::is_closed) {
                // The attempt was given up on while this waited.
                return Ok(());
            }
            let arguments = [
                text(&request_id)?,
                number(f64::from(attempt))?,
                inject.into_unknown(env)?,
                lag,
            ];
            let headers = script::call_shared(env, c"observeAttemptStarting", &arguments)
                .and_then(|value| script::string_of(env, value));
            if let Some(reply) = reply {
                let _gone = reply.send(headers);
            }
        }
        Report::AttemptEnded {
            request_id,
            attempt,
            status,
            error,
            duration_ms,
            retry_in_ms,
            retry_after_ms,
        } => {
            let arguments = [
                text(&request_id)?,
                number(f64::from(attempt))?,
                optional_number(status.map(f64::from))?,
                optional_text(error)?,
                number(duration_ms)?,
                optional_number(retry_in_ms)?,
                optional_number(retry_after_ms)?,
                lag,
            ];
            script::call_shared(env, c"observeAttemptEnded", &arguments);
        }
        Report::CallEnded {
            request_id,
            error,
            status,
        } => {
            let arguments = [
                text(&request_id)?,
                optional_text(error)?,
                optional_number(status.map(f64::from))?,
                lag,
            ];
            script::call_shared(env, c"observeCallEnded", &arguments);
        }
    }
    Ok(())
}
