//! The listing iterators (`iterateUsers`, ...), the bulk import and the job waits of the Node
//! face: conversions around `ethora_core::listing`, `ethora_core::import` and
//! `ethora_core::job_waits`.

use std::sync::Arc;

use ethora_core::api::Parameter;
use ethora_core::boundary::Argument;
use ethora_core::ensure::{self, EnsureCall};
use ethora_core::functions::IMPORT_USERS;
use ethora_core::import::{self, ImportOptions, PullUsers, UserSource};
use ethora_core::job_waits::{self, Abort, JobWaitCall};
use ethora_core::listing::{self, Listing, ListingCall, SharedListing, Step};
use ethora_core::response::JsonText;
use ethora_core::EthoraClient;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::to_js_error;
use crate::raw::dispatch::PendingResponse;
use crate::raw::script;
use crate::raw::{arguments, dispatch};

type CoreResult<T> = ethora_core::Result<T>;

/// What `iterateUsers()` and its siblings return (not constructed directly): an async
/// iterable iterator over one listing. `next()` hands out a buffered item without leaving
/// the JavaScript thread; only a new page goes to the I/O thread. `Symbol.asyncIterator`
/// is installed on the prototype when the addon loads (`install`).
#[napi]
pub struct ListingIterator {
    listing: Arc<SharedListing>,
    client: Arc<EthoraClient>,
}

#[napi]
impl ListingIterator {
    /// `new ListingIterator()` from JavaScript: a TypeError, as the edge build's.
    #[napi(constructor, skip_typescript)]
    pub fn new(env: Env) -> Result<Self> {
        env.throw_type_error(
            "ListingIterator is not constructed directly: call iterateUsers() or one of its siblings",
            None,
        )?;
        Err(Error::new(
            Status::PendingException,
            "not constructed directly",
        ))
    }

    /// The next item (`{ value, done: false }`) or the end (`{ done: true }`).
    #[napi(ts_return_type = "Promise<IteratorResult<unknown, undefined>>")]
    pub fn next<'env>(&self, env: &'env Env) -> PendingResponse<'env> {
        // A buffered item is handed out at once, unless a page is on its way (calls made
        // meanwhile queue behind it, in order).
        if let Ok(mut listing) = self.listing.try_lock() {
            match listing.step() {
                Step::Item(item) => {
                    return dispatch::settled(env, listing::iterator_result(Some(&item)))
                }
                Step::Done => return dispatch::settled(env, listing::iterator_result(None)),
                Step::Fetch => {}
            }
        }
        let listing = Arc::clone(&self.listing);
        let client = Arc::clone(&self.client);
        crate::relay::choose_route(env, &client);
        dispatch::start(env, async move {
            let item = listing::next_item(&listing, &client).await?;
            Ok(listing::iterator_result(item.as_deref()))
        })
    }

    /// Ends the iteration (`break` out of `for await` calls this): nothing more is fetched.
    #[napi(
        js_name = "return",
        ts_return_type = "Promise<IteratorResult<unknown, undefined>>"
    )]
    pub fn finish<'env>(&self, env: &'env Env) -> PendingResponse<'env> {
        if let Ok(mut listing) = self.listing.try_lock() {
            listing.close();
            return dispatch::settled(env, listing::iterator_result(None));
        }
        let listing = Arc::clone(&self.listing);
        dispatch::start(env, async move {
            listing.lock().await.close();
            Ok(listing::iterator_result(None))
        })
    }
}

/// Makes `ListingIterator` instances work with `for await` (the shared script's helper puts
/// `Symbol.asyncIterator` on the class's prototype).
pub fn install(exports: &Object, shared: &Object) -> Result<()> {
    let class: Function<(), ()> = exports.get_named_property("ListingIterator")?;
    let prototype: Unknown = class.get_named_property("prototype")?;
    let install: Function<Unknown, ()> = shared.get_named_property("installAsyncIterator")?;
    install.call(prototype)
}

/// A listing iterator: its arguments are checked now (a wrong one throws), pages are
/// fetched as the loop asks.
pub fn listing(
    env: &Env,
    client: &Arc<EthoraClient>,
    call: ListingCall,
    arguments: Vec<Option<Unknown>>,
) -> Result<ListingIterator> {
    let listing = arguments::values(call.parameters(), arguments)
        .and_then(|values| Listing::new(call, client.app_id(), &values))
        .map_err(|error| to_js_error(env, &error))?;
    Ok(ListingIterator {
        listing: listing.shared(),
        client: Arc::clone(client),
    })
}

/// Runs `work` on the I/O thread once `prepared` succeeded (else rejects with its error).
fn run<'env, P: Send + 'static, W>(
    env: &'env Env,
    client: &Arc<EthoraClient>,
    prepared: CoreResult<P>,
    work: impl FnOnce(Arc<EthoraClient>, P) -> W + Send + 'static,
) -> PendingResponse<'env>
where
    W: std::future::Future<Output = CoreResult<JsonText>> + Send + 'static,
{
    let client = Arc::clone(client);
    crate::relay::choose_route(env, &client);
    dispatch::start(env, async move {
        let prepared = prepared?;
        work(client, prepared).await
    })
}

/// A job wait: reads the job until it has finished (see `ethora_core::job_waits`).
pub fn wait_for_job<'env>(
    env: &'env Env,
    client: &Arc<EthoraClient>,
    call: JobWaitCall,
    arguments: Vec<Unknown>,
    options: Option<Unknown>,
) -> PendingResponse<'env> {
    let prepared = (|| {
        // Both read before either refuses, as everywhere.
        let values = arguments::values(
            call.read_call().parameters(),
            arguments.into_iter().map(Some),
        );
        let options = read_options(env, options, &call.options_parameter());
        let (mut values, options) = (values?, options?);
        values.push(options.json);
        let (request, wait) = job_waits::job_wait_request(call, client.app_id(), &values)?;
        let abort = abort_on(env, options.signal)?;
        Ok((request, wait, abort))
    })();
    run(
        env,
        client,
        prepared,
        |client, (request, wait, abort)| async move {
            let job =
                job_waits::wait_for_job_until_aborted(&client, &request, wait, abort.as_deref())
                    .await?;
            Ok(JsonText::from_value(&job))
        },
    )
}

/// An ensure: its arguments read by the rules of the method it names, then carried out as
/// `ethora_core::ensure` says.
pub fn ensure<'env>(
    env: &'env Env,
    client: &Arc<EthoraClient>,
    call: EnsureCall,
    arguments: Vec<Option<Unknown>>,
) -> PendingResponse<'env> {
    let prepared = arguments::values(call.parameters(), arguments)
        .and_then(|values| ensure::prepare(call, client.app_id(), values));
    run(env, client, prepared, |client, prepared| async move {
        ensure::run(&client, prepared).await
    })
}

/// An options object as the shared `readOptions` reads it: its JSON part (functions drop out
/// of it), its `onProgress` and its `signal`.
#[derive(Default)]
struct Options<'env> {
    json: Option<Value>,
    on_progress: Option<Unknown<'env>>,
    signal: Option<Unknown<'env>>,
}

fn read_options<'env>(
    env: &'env Env,
    options: Option<Unknown>,
    parameter: &Parameter,
) -> CoreResult<Options<'env>> {
    let Some(options) = options else {
        return Ok(Options::default());
    };
    // The shared script's `readOptions` returns an array of three.
    let read = script::call_shared(env, c"readOptions", &[options])
        .ok_or_else(|| parameter.unreadable())?;
    let text = script::element(env, read, 0).and_then(|text| script::string_of(env, text));
    Ok(Options {
        json: Argument::read(text.as_deref()).value(parameter)?,
        on_progress: script::element(env, read, 1),
        signal: script::element(env, read, 2),
    })
}

/// `onProgress` as a function (`None`: not given).
fn progress_callback<'env>(
    env: &'env Env,
    on_progress: Option<Unknown<'env>>,
) -> CoreResult<Option<Function<'env, Value, ()>>> {
    let Some(callback) = on_progress else {
        return Ok(None);
    };
    script::function_of(env, callback)
        .map(Some)
        .ok_or_else(import::invalid_on_progress)
}

/// An `Abort` the signal sets (through the shared `listenForAbort`): at once if it is
/// already aborted, else from its `abort` event. `None` without a signal.
fn abort_on(env: &Env, signal: Option<Unknown>) -> CoreResult<Option<Arc<Abort>>> {
    let Some(signal) = signal else {
        return Ok(None);
    };
    let abort = Arc::new(Abort::new());
    let flag = Arc::clone(&abort);
    let listener = env
        .create_function_from_closure::<(), (), _>("ethoraAbort", move |_| {
            flag.abort();
            Ok(())
        })
        .map_err(|_| job_waits::invalid_signal())?;
    let state = script::call_shared(env, c"listenForAbort", &[signal, listener.to_unknown()])
        .and_then(|state| script::string_of(env, state));
    job_waits::abort_listened(state.as_deref(), abort)
}

/// Users pulled through the shared script's `userPuller` (an array by index, an iterable or
/// an async iterable), on the JavaScript thread, a chunk at a time; each chunk is read by the
/// shared reader as JSON.
fn pull_from(env: &Env, users: Unknown) -> CoreResult<PullUsers> {
    let parameter = &IMPORT_USERS[0];
    let puller =
        script::call_shared(env, c"userPuller", &[users]).ok_or_else(|| parameter.unreadable())?;
    let Some(pull) = script::function_of::<u32, Promise<String>>(env, puller) else {
        // Anything but a function is the reader's refusal text.
        let refusal = script::string_of(env, puller);
        return Err(match Argument::read(refusal.as_deref()).value(parameter) {
            Err(error) => error,
            Ok(_) => parameter.unreadable(),
        });
    };
    let pull = pull
        .build_threadsafe_function::<u32>()
        .callee_handled::<false>()
        .weak::<true>()
        .build()
        .map_err(|_| parameter.unreadable())?;
    let pull = Arc::new(pull);
    Ok(Box::new(move |count| {
        let pull = Arc::clone(&pull);
        Box::pin(async move {
            let unreadable = |reason: String| import::unreadable_users(&reason);
            let promise = pull
                .call_async(count as u32)
                .await
                .map_err(|error| unreadable(error.reason.clone()))?;
            let chunk = promise
                .await
                .map_err(|error| unreadable(error.reason.clone()))?;
            match Argument::Read(&chunk).value(parameter)? {
                Some(Value::Array(users)) => Ok(users),
                _ => Err(unreadable("the adapter did not yield a list".into())),
            }
        })
    }))
}

/// `importUsers` (see its declaration in service.rs).
pub fn import<'env>(
    env: &'env Env,
    client: &Arc<EthoraClient>,
    users: Unknown,
    options: Option<Unknown>,
) -> PendingResponse<'env> {
    let prepared = (|| {
        // In the order of the edge build: the users (their iterator is started), the
        // options, their rules, the callback, the signal.
        let source = pull_from(env, users);
        let read = read_options(env, options, &IMPORT_USERS[1]);
        let source = UserSource::pull(source?);
        let read = read?;
        let options = ImportOptions::read(read.json.as_ref(), client.app_id())?;
        let progress = progress_callback(env, read.on_progress)?
            .map(|callback| {
                callback
                    .build_threadsafe_function::<Value>()
                    .callee_handled::<false>()
                    .weak::<true>()
                    .build()
            })
            .transpose()
            .map_err(|_| import::invalid_on_progress())?
            .map(|callback| -> import::ProgressSink {
                let callback = Arc::new(callback);
                Box::new(move |report| {
                    let callback = Arc::clone(&callback);
                    Box::pin(async move {
                        // What the callback throws becomes an uncaught exception (as an
                        // event listener's) and the import goes on; the wait only orders
                        // the reports.
                        let _ = callback.call_async(report).await;
                    })
                })
            });
        let abort = abort_on(env, read.signal)?;
        Ok((source, options, progress, abort))
    })();
    run(
        env,
        client,
        prepared,
        |client, (source, options, progress, abort)| async move {
            let report = import::import_users(&client, source, options, progress, abort).await?;
            Ok(JsonText::from_value(&report.to_json()))
        },
    )
}
