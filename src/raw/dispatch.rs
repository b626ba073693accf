//! Network calls from JavaScript to the I/O thread and back: a promise on the JavaScript
//! thread, a task on the SDK's one I/O thread (`ethora-sdk-io`), and one queue per JavaScript
//! environment, drained by one threadsafe function that settles every call finished before it
//! runs (why: ARCHITECTURE.md, "The dispatcher"). Successful bodies cross as JSON text for the
//! engine's own `JSON.parse`; errors become `EthoraError` objects on the JavaScript thread.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::c_void;
use std::future::Future;
use std::ptr;
use std::sync::{Arc, Mutex, OnceLock};

use ethora_core::client::UnparsedSuccess;
use ethora_core::response::JsonText;
use ethora_core::{EthoraClient, EthoraError as CoreError};
use napi::bindgen_prelude::*;
use napi::sys;

use crate::errors::to_js_error;

/// The promise of a network call.
pub type PendingResponse<'env> = Result<PromiseRaw<'env, Unknown<'env>>>;

/// What a call settles with.
pub enum Outcome {
    /// The result as the core judged it.
    Judged(ethora_core::Result<JsonText>),
    /// A successful body for the engine's `JSON.parse`, which decides (the client judges it
    /// if the engine cannot parse it).
    Unparsed(Arc<EthoraClient>, Box<UnparsedSuccess>),
}

/// The one tokio runtime of the process, on its own thread, driving every connection: a
/// call crosses threads only twice (there and back), with no work stealing between
/// workers. `None` if the OS refused the thread.
fn runtime() -> Option<&'static tokio::runtime::Handle> {
    static RUNTIME: OnceLock<Option<tokio::runtime::Handle>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            let handle = runtime.handle().clone();
            std::thread::Builder::new()
                .name("ethora-sdk-io".into())
                .spawn(move || runtime.block_on(std::future::pending::<()>()))
                .ok()?;
            Some(handle)
        })
        .as_ref()
}

/// The threadsafe function pointer, usable from any thread (N-API allows calling it from
/// any thread until it is released).
struct Wakeup(sys::napi_threadsafe_function);

// SAFETY: `napi_call_threadsafe_function` is documented as callable from any thread; the
// pointer is only used under `Shared::state`'s lock, which the teardown also takes.
unsafe impl Send for Wakeup {}

struct State {
    finished: Vec<(u64, Outcome)>,
    /// Work for the JavaScript thread: attempts of relayed calls (src/relay.rs) and what
    /// observed calls report (src/observe.rs), in the order it came.
    jobs: Vec<JsJob>,
    /// `None` once the environment has torn down: results are then dropped.
    wakeup: Option<Wakeup>,
}

/// The part of an environment's dispatcher that the I/O thread reaches.
struct Shared {
    state: Mutex<State>,
}

impl Shared {
    /// Queues a finished call; the first one into an empty queue wakes the JS thread.
    fn finish(&self, id: u64, outcome: Outcome) {
        self.queue(|state| state.finished.push((id, outcome)));
    }

    /// Queues work for the JavaScript thread, waking it as `finish` does (a relay job dropped
    /// with the environment fails its attempt).
    fn job(&self, job: JsJob) {
        self.queue(|state| {
            // No JavaScript thread to run it any more: dropped (a relay's attempt fails now).
            if state.wakeup.is_some() {
                state.jobs.push(job);
            }
        });
    }

    fn queue(&self, push: impl FnOnce(&mut State)) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let was_empty = state.finished.is_empty() && state.jobs.is_empty();
        push(&mut state);
        if was_empty {
            if let Some(wakeup) = &state.wakeup {
                // SAFETY: the function is live while `wakeup` is `Some` (the teardown takes
                // it under this lock before releasing it); nonblocking never waits.
                unsafe {
                    sys::napi_call_threadsafe_function(
                        wakeup.0,
                        ptr::null_mut(),
                        sys::ThreadsafeFunctionCallMode::nonblocking,
                    )
                };
            }
        }
    }
}

/// Settles a call's promise: once with its outcome, or with an interruption if its task
/// ends without one (a panic, or the runtime dropping it).
pub struct FinishGuard {
    shared: Arc<Shared>,
    id: u64,
    finished: bool,
}

impl FinishGuard {
    /// Hands the outcome to the JavaScript thread (waking it if it is idle).
    pub fn finish(mut self, outcome: Outcome) {
        self.finished = true;
        self.shared.finish(self.id, outcome);
    }
}

impl Drop for FinishGuard {
    fn drop(&mut self) {
        if !self.finished {
            let interrupted = Outcome::Judged(Err(CoreError::interrupted()));
            self.shared.finish(self.id, interrupted);
        }
    }
}

/// One JavaScript environment's dispatcher, on its own thread.
struct Dispatcher {
    shared: Arc<Shared>,
    wakeup: sys::napi_threadsafe_function,
    /// Promises of calls in flight. While there are any, the threadsafe function keeps the
    /// event loop alive (as a pending request should); when there are none it does not.
    pending: HashMap<u64, sys::napi_deferred>,
    next_id: u64,
}

thread_local! {
    static DISPATCHER: RefCell<Option<Dispatcher>> = const { RefCell::new(None) };
    /// Response buffers of settled calls, handed to the next calls to read into.
    static SPARE_BUFFERS: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// How many spare buffers are kept, and the largest kept (bigger ones are freed).
const SPARE_BUFFER_COUNT: usize = 256;
const SPARE_BUFFER_BYTES: usize = 1 << 20;

/// A buffer for the next call's response: one a settled call gave back, or a new one.
pub fn spare_buffer() -> Vec<u8> {
    SPARE_BUFFERS
        .with(|spares| {
            spares
                .try_borrow_mut()
                .ok()
                .and_then(|mut spares| spares.pop())
        })
        .unwrap_or_default()
}

fn give_back(buffer: Vec<u8>) {
    if buffer.capacity() == 0 || buffer.capacity() > SPARE_BUFFER_BYTES {
        return;
    }
    SPARE_BUFFERS.with(|spares| {
        if let Ok(mut spares) = spares.try_borrow_mut() {
            if spares.len() < SPARE_BUFFER_COUNT {
                spares.push(buffer);
            }
        }
    });
}

/// Whether N-API reported success.
fn ok(status: sys::napi_status) -> Result<()> {
    check_status!(status)
}

impl Dispatcher {
    fn new(env: sys::napi_env) -> Result<Self> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                finished: Vec::new(),
                jobs: Vec::new(),
                wakeup: None,
            }),
        });
        let mut name = ptr::null_mut();
        let label = "ethora-sdk-backend";
        // SAFETY: `env` is the live environment of the current call.
        ok(unsafe {
            sys::napi_create_string_utf8(
                env,
                label.as_ptr().cast(),
                label.len() as isize,
                &mut name,
            )
        })?;
        let mut wakeup = ptr::null_mut();
        // SAFETY: as above; no JavaScript function (the callback does the work), unlimited
        // queue, one owning thread (this one, never released before teardown).
        ok(unsafe {
            sys::napi_create_threadsafe_function(
                env,
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0,
                1,
                ptr::null_mut(),
                None,
                ptr::null_mut(),
                Some(drain),
                &mut wakeup,
            )
        })?;
        // SAFETY: `wakeup` was just created on this thread.
        ok(unsafe { sys::napi_unref_threadsafe_function(env, wakeup) })?;
        if let Ok(mut state) = shared.state.lock() {
            state.wakeup = Some(Wakeup(wakeup));
        }
        let hook_data = Box::into_raw(Box::new(Arc::clone(&shared)));
        // SAFETY: the hook runs once, on this thread, when the environment tears down, and
        // takes back the box.
        let hooked =
            unsafe { sys::napi_add_env_cleanup_hook(env, Some(teardown), hook_data.cast()) };
        if hooked != sys::Status::napi_ok {
            // SAFETY: the hook was not registered, so the box is still ours.
            drop(unsafe { Box::from_raw(hook_data) });
            return Err(Error::from_reason(
                "could not register the SDK's cleanup hook",
            ));
        }
        Ok(Dispatcher {
            shared,
            wakeup,
            pending: HashMap::new(),
            next_id: 0,
        })
    }
}

/// The environment is going away: no more wake-ups; late results are dropped.
unsafe extern "C" fn teardown(data: *mut c_void) {
    // SAFETY: `data` is the box registered with this hook, handed back exactly once.
    let shared = unsafe { Box::from_raw(data.cast::<Arc<Shared>>()) };
    if let Ok(mut state) = shared.state.lock() {
        if let Some(wakeup) = state.wakeup.take() {
            // SAFETY: the function is live until released; this is the last use.
            unsafe {
                sys::napi_release_threadsafe_function(
                    wakeup.0,
                    sys::ThreadsafeFunctionReleaseMode::abort,
                )
            };
        }
        state.finished.clear();
        state.jobs.clear();
    }
    DISPATCHER.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            // The deferreds die with the environment.
            slot.take();
        }
    });
}

/// Work the I/O thread hands the JavaScript thread (a relayed attempt, an observation).
pub type JsJob = Box<dyn FnOnce(&Env) + Send>;

/// The queue to this environment's JavaScript thread, for relays and observers.
#[derive(Clone)]
pub struct JsQueue(Arc<Shared>);

impl JsQueue {
    /// The queue of the current environment (its dispatcher made if it has none yet).
    pub fn of(env: &Env) -> Result<JsQueue> {
        DISPATCHER.with(|slot| {
            let mut slot = slot
                .try_borrow_mut()
                .map_err(|_| Error::from_reason("the SDK's dispatcher is busy"))?;
            let dispatcher = match slot.as_mut() {
                Some(dispatcher) => dispatcher,
                None => slot.insert(Dispatcher::new(env.raw())?),
            };
            Ok(JsQueue(Arc::clone(&dispatcher.shared)))
        })
    }

    pub fn push(&self, job: JsJob) {
        self.0.job(job);
    }
}

/// Starts `work` on the I/O thread and returns the promise it settles.
pub fn start<'env>(
    env: &'env Env,
    work: impl Future<Output = ethora_core::Result<JsonText>> + Send + 'static,
) -> PendingResponse<'env> {
    start_settling(env, |guard| async move {
        guard.finish(Outcome::Judged(work.await))
    })
}

/// Starts the task `work` makes on the I/O thread and returns the promise that the task
/// settles through the guard it is given (it may go on after settling).
pub fn start_settling<W, F>(env: &Env, work: W) -> PendingResponse<'_>
where
    W: FnOnce(FinishGuard) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let raw_env = env.raw();
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    // SAFETY: `raw_env` is the live environment of the current call.
    ok(unsafe { sys::napi_create_promise(raw_env, &mut deferred, &mut promise) })?;
    let registered = DISPATCHER.with(|slot| -> Result<(Arc<Shared>, u64)> {
        let mut slot = slot
            .try_borrow_mut()
            .map_err(|_| Error::from_reason("the SDK's dispatcher is busy"))?;
        let dispatcher = match slot.as_mut() {
            Some(dispatcher) => dispatcher,
            None => slot.insert(Dispatcher::new(raw_env)?),
        };
        let id = dispatcher.next_id;
        dispatcher.next_id += 1;
        if dispatcher.pending.is_empty() {
            // SAFETY: the function belongs to this thread's live environment.
            ok(unsafe { sys::napi_ref_threadsafe_function(raw_env, dispatcher.wakeup) })?;
        }
        dispatcher.pending.insert(id, deferred);
        Ok((Arc::clone(&dispatcher.shared), id))
    });
    let (shared, id) = match registered {
        Ok(registered) => registered,
        Err(error) => {
            // SAFETY: the deferred has not been handed anywhere; settling it frees it.
            let reason = unsafe { JsError::from(error).into_value(raw_env) };
            // SAFETY: as above; the deferred is settled once, here.
            unsafe { sys::napi_reject_deferred(raw_env, deferred, reason) };
            return Ok(PromiseRaw::new(raw_env, promise));
        }
    };
    let guard = FinishGuard {
        shared,
        id,
        finished: false,
    };
    match runtime() {
        Some(runtime) => {
            runtime.spawn(work(guard));
        }
        // No I/O thread: the guard settles the promise as interrupted when dropped.
        None => drop(guard),
    }
    Ok(PromiseRaw::new(raw_env, promise))
}

/// A promise settled at once with `text`, on the JavaScript thread (a result that needs no
/// trip to the I/O thread), the way a finished call's is.
pub fn settled(env: &Env, text: JsonText) -> PendingResponse<'_> {
    let raw_env = env.raw();
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    // SAFETY: `raw_env` is the live environment of the current call.
    ok(unsafe { sys::napi_create_promise(raw_env, &mut deferred, &mut promise) })?;
    // SAFETY: as above; the deferred was just made and is settled once, here.
    unsafe { settle(raw_env, deferred, Outcome::Judged(Ok(text))) };
    Ok(PromiseRaw::new(raw_env, promise))
}

/// The threadsafe function's callback, on the JavaScript thread: settles every finished
/// call.
unsafe extern "C" fn drain(
    env: sys::napi_env,
    _callback: sys::napi_value,
    _context: *mut c_void,
    _data: *mut c_void,
) {
    if env.is_null() {
        return;
    }
    // Takes the finished calls and their promises in one borrow; settles them after it (a
    // settle builds JavaScript values).
    let settling = DISPATCHER.with(|slot| {
        let mut slot = slot.try_borrow_mut().ok()?;
        let dispatcher = slot.as_mut()?;
        let (finished, jobs) = {
            let mut state = dispatcher.shared.state.lock().ok()?;
            let jobs = std::mem::take(&mut state.jobs);
            (std::mem::take(&mut state.finished), jobs)
        };
        let settling: Vec<_> = finished
            .into_iter()
            .filter_map(|(id, outcome)| Some((dispatcher.pending.remove(&id)?, outcome)))
            .collect();
        if dispatcher.pending.is_empty() {
            // SAFETY: the function belongs to this thread's live environment.
            unsafe { sys::napi_unref_threadsafe_function(env, dispatcher.wakeup) };
        }
        Some((settling, jobs))
    });
    let Some((settling, jobs)) = settling else {
        return;
    };
    // Jobs first: an observed call's end is reported before its promise settles.
    let js_env = Env::from_raw(env);
    for job in jobs {
        job(&js_env);
    }
    for (deferred, outcome) in settling {
        // SAFETY: `env` is live during this callback and `deferred` is settled once.
        unsafe { settle(env, deferred, outcome) };
    }
}

/// Resolves with the parsed result or rejects with the `EthoraError`.
unsafe fn settle(env: sys::napi_env, deferred: sys::napi_deferred, outcome: Outcome) {
    let mut scope = ptr::null_mut();
    // SAFETY: `env` is live; the scope is closed below.
    let scoped = unsafe { sys::napi_open_handle_scope(env, &mut scope) } == sys::Status::napi_ok;
    // `env` is live on this thread and values made here belong to the scope opened above.
    let result = match outcome {
        // SAFETY: as said above.
        Outcome::Judged(judged) => unsafe { judged_value(env, judged) },
        Outcome::Unparsed(client, unparsed) => {
            // SAFETY: as said above.
            match unsafe { super::js_values::parse_json_text(env, unparsed.text()) } {
                Ok(value) => {
                    // SAFETY: as said above; `value` was made in this scope.
                    let result = unsafe { super::js_values::with_url(env, value, unparsed.url()) };
                    client.parsed(&unparsed);
                    give_back(unparsed.into_buffer());
                    result
                }
                // Not JSON after all: judged as the core judges every other answer.
                // SAFETY: as said above.
                Err(_) => unsafe { judged_value(env, client.judge_unparsed(unparsed)) },
            }
        }
    };
    // SAFETY: the deferred is settled once, here.
    unsafe { resolve_or_reject(env, deferred, result) };
    if scoped {
        // SAFETY: the scope opened above.
        unsafe { sys::napi_close_handle_scope(env, scope) };
    }
}

/// A result the core judged, as a JavaScript value (`Ok`, parsed by the engine) or reason
/// (`Err`: an `EthoraError`, or what `JSON.parse` threw).
unsafe fn judged_value(
    env: sys::napi_env,
    judged: ethora_core::Result<JsonText>,
) -> std::result::Result<sys::napi_value, sys::napi_value> {
    match judged {
        Ok(text) => {
            // SAFETY: per the caller, `env` is live on this thread.
            let parsed = unsafe { super::js_values::parse_json_text(env, text.as_str()) };
            give_back(text.into_string().into_bytes());
            parsed
        }
        Err(error) => {
            let js_env = Env::from_raw(env);
            // SAFETY: as above.
            Err(unsafe { JsError::from(to_js_error(&js_env, &error)).into_value(env) })
        }
    }
}

unsafe fn resolve_or_reject(
    env: sys::napi_env,
    deferred: sys::napi_deferred,
    result: std::result::Result<sys::napi_value, sys::napi_value>,
) {
    // SAFETY: per the callers: `env` is live and the deferred is settled once.
    let settled = unsafe {
        match result {
            Ok(value) => sys::napi_resolve_deferred(env, deferred, value),
            Err(reason) => sys::napi_reject_deferred(env, deferred, reason),
        }
    };
    debug_assert_eq!(settled, sys::Status::napi_ok);
}
