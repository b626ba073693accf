//! The listing iterators (`iterateUsers`, ...), the bulk import and the job waits of the Node
//! face: conversions around `ethora_core::listing`, `ethora_core::import` and
//! `ethora_core::jobs`.

use std::sync::Arc;

use ethora_core::calls;
use ethora_core::import::{self, ImportOptions, PullUsers, UserSource};
use ethora_core::jobs::{self, Abort, JobWaitCall};
use ethora_core::listing::{self, Listing, ListingCall, SharedListing, Step};
use ethora_core::response::JsonText;
use ethora_core::{EthoraClient, EthoraError as CoreError};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::to_js_error;
use crate::{dispatch, json_arguments, CoreResult, EthoraSDKService, PendingResponse};

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
        let promise = dispatch::start(env, async move {
            let item = listing::next_item(&listing, &client).await?;
            Ok(listing::iterator_result(item.as_deref()))
        })?;
        Ok(PromiseRaw::new(env.raw(), promise))
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
        let promise = dispatch::start(env, async move {
            listing.lock().await.close();
            Ok(listing::iterator_result(None))
        })?;
        Ok(PromiseRaw::new(env.raw(), promise))
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

impl EthoraSDKService {
    /// A listing iterator: its arguments are checked now (a wrong one throws), pages are
    /// fetched as the loop asks.
    pub(crate) fn iterate(
        &self,
        env: &Env,
        call: ListingCall,
        arguments: Vec<Option<Unknown>>,
    ) -> Result<ListingIterator> {
        let listing = json_arguments(call.parameters(), arguments)
            .and_then(|values| Listing::new(call, self.client.app_id(), &values))
            .map_err(|error| to_js_error(env, &error))?;
        Ok(ListingIterator {
            listing: listing.shared(),
            client: Arc::clone(&self.client),
        })
    }

    /// Runs `work` on the I/O thread once `prepared` succeeded (else rejects with its error).
    fn run<'env, P: Send + 'static, W>(
        &self,
        env: &'env Env,
        prepared: CoreResult<P>,
        work: impl FnOnce(Arc<EthoraClient>, P) -> W + Send + 'static,
    ) -> PendingResponse<'env>
    where
        W: std::future::Future<Output = CoreResult<JsonText>> + Send + 'static,
    {
        let client = Arc::clone(&self.client);
        let promise = dispatch::start(env, async move {
            let prepared = prepared?;
            work(client, prepared).await
        })?;
        Ok(PromiseRaw::new(env.raw(), promise))
    }

    /// A job wait: reads the job until it has finished (see `ethora_core::jobs`).
    pub(crate) fn wait_for_job<'env>(
        &self,
        env: &'env Env,
        call: JobWaitCall,
        arguments: Vec<Unknown>,
        options: Option<Unknown>,
    ) -> PendingResponse<'env> {
        let prepared = (|| {
            let mut values = json_arguments(
                call.read_call().parameters(),
                arguments.into_iter().map(Some),
            )?;
            let (json, _, signal) = split_options(options, false)?;
            values.push(json);
            let (request, wait) = jobs::job_wait_request(call, self.client.app_id(), &values)?;
            let abort = signal.map(abort_on).transpose()?;
            Ok((request, wait, abort))
        })();
        self.run(env, prepared, |client, (request, wait, abort)| async move {
            let job =
                jobs::wait_for_job_until_aborted(&client, &request, wait, abort.as_deref()).await?;
            Ok(JsonText::from_value(&job))
        })
    }
}

/// An options object's JSON part (without `onProgress` and `signal`), its `onProgress` (when
/// `progress` is taken) and its `signal`.
type SplitOptions<'env> = (
    Option<Value>,
    Option<Function<'env, Value, ()>>,
    Option<Object<'env>>,
);

fn split_options<'env>(
    options: Option<Unknown<'env>>,
    with_progress: bool,
) -> CoreResult<SplitOptions<'env>> {
    let invalid = |key: &str, rule: &str| CoreError::validation(format!("options.{key}"), rule);
    let Some(options) = options else {
        return Ok((None, None, None));
    };
    match options.get_type() {
        Ok(ValueType::Undefined | ValueType::Null) => return Ok((None, None, None)),
        Ok(ValueType::Object) => {}
        _ => return Err(CoreError::validation("options", "must be an object")),
    }
    let object = Object::from_unknown(options).map_err(|_| calls::not_json("options"))?;
    let mut json = serde_json::Map::new();
    let mut progress = None;
    let mut signal = None;
    let keys = object
        .get_property_names()
        .and_then(|names| Vec::<String>::from_unknown(names.to_unknown()))
        .map_err(|_| calls::not_json("options"))?;
    for key in keys {
        let value: Unknown = object
            .get_named_property(&key)
            .map_err(|_| calls::not_json("options"))?;
        let kind = value.get_type().unwrap_or(ValueType::Unknown);
        match (key.as_str(), kind) {
            (_, ValueType::Undefined) => {}
            ("onProgress", ValueType::Function) if with_progress => {
                progress = Some(
                    Function::from_unknown(value)
                        .map_err(|_| invalid(&key, "must be a function"))?,
                );
            }
            ("onProgress", _) if with_progress => return Err(invalid(&key, "must be a function")),
            ("signal", ValueType::Object) => {
                let object = Object::from_unknown(value)
                    .map_err(|_| invalid(&key, "must be an AbortSignal"))?;
                if !object.has_named_property("aborted").unwrap_or(false) {
                    return Err(invalid(&key, "must be an AbortSignal"));
                }
                signal = Some(object);
            }
            ("signal", _) => return Err(invalid(&key, "must be an AbortSignal")),
            _ => {
                let value = Value::from_unknown(value).map_err(|_| calls::not_json("options"))?;
                json.insert(key, value);
            }
        }
    }
    Ok((Some(Value::Object(json)), progress, signal))
}

/// `signal.addEventListener(type, listener)`.
type AddEventListener<'env> = Function<'env, FnArgs<(&'env str, Function<'env, (), ()>)>, ()>;

/// An `Abort` the signal sets: at once if it is already aborted, else from its `abort`
/// event.
fn abort_on(signal: Object) -> CoreResult<Arc<Abort>> {
    let unreadable = |_| CoreError::validation("options.signal", "must be an AbortSignal");
    let abort = Arc::new(Abort::new());
    let aborted: bool = signal.get_named_property("aborted").map_err(unreadable)?;
    if aborted {
        abort.abort();
        return Ok(abort);
    }
    let flag = Arc::clone(&abort);
    let env = Env::from_raw(signal.value().env);
    let listener = env
        .create_function_from_closure::<(), (), _>("ethoraAbort", move |_| {
            flag.abort();
            Ok(())
        })
        .map_err(unreadable)?;
    let add: AddEventListener = signal
        .get_named_property("addEventListener")
        .map_err(unreadable)?;
    add.apply(signal, FnArgs::from(("abort", listener)))
        .map_err(unreadable)?;
    Ok(abort)
}

/// An array of users as JSON, through the engine's `JSON.stringify` and one parse: for a
/// large import far cheaper than reading each value through N-API.
fn json_list(env: &Env, users: Unknown) -> CoreResult<Vec<Value>> {
    let unreadable = || calls::not_json("users");
    let stringify = env
        .get_global()
        .and_then(|global| global.get_named_property::<Object>("JSON"))
        .and_then(|json| json.get_named_property::<Function<Unknown, Unknown>>("stringify"))
        .map_err(|_| unreadable())?;
    let text = stringify.call(users).map_err(|_| unreadable())?;
    let text = String::from_unknown(text).map_err(|_| unreadable())?;
    serde_json::from_str(&text).map_err(|_| unreadable())
}

/// Users pulled from a JavaScript (async) iterable through the shared script's adapter, on
/// the JavaScript thread, a chunk at a time.
fn pull_from(shared: &Object, users: Unknown) -> CoreResult<PullUsers> {
    let not_iterable = || {
        CoreError::validation(
            "users",
            "must be an array or an iterable or async iterable of users",
        )
    };
    let adapter: Function<Unknown, Unknown> = shared
        .get_named_property("userPuller")
        .map_err(|_| not_iterable())?;
    let pull = adapter.call(users).map_err(|_| not_iterable())?;
    if pull.get_type().ok() != Some(ValueType::Function) {
        return Err(not_iterable());
    }
    let pull: Function<u32, Promise<Value>> =
        Function::from_unknown(pull).map_err(|_| not_iterable())?;
    let pull = pull
        .build_threadsafe_function::<u32>()
        .callee_handled::<false>()
        .weak::<true>()
        .build()
        .map_err(|_| not_iterable())?;
    let pull = Arc::new(pull);
    Ok(Box::new(move |count| {
        let pull = Arc::clone(&pull);
        Box::pin(async move {
            let unreadable = |reason: String| {
                CoreError::validation("users", format!("could not be read: {reason}"))
            };
            let promise = pull
                .call_async(count as u32)
                .await
                .map_err(|error| unreadable(error.reason.clone()))?;
            match promise.await {
                Ok(Value::Array(users)) => Ok(users),
                Ok(_) => Err(unreadable("the adapter did not yield a list".into())),
                Err(error) => Err(unreadable(error.reason.clone())),
            }
        })
    }))
}

impl EthoraSDKService {
    /// `importUsers` (see its declaration in lib.rs).
    pub(crate) fn import<'env>(
        &self,
        env: &'env Env,
        users: Unknown,
        options: Option<Unknown>,
    ) -> PendingResponse<'env> {
        let prepared = (|| {
            let (json, on_progress, signal) = split_options(options, true)?;
            let options = ImportOptions::read(json.as_ref(), self.client.app_id())?;
            let source = if users.is_array().unwrap_or(false) {
                UserSource::list(json_list(env, users)?)
            } else {
                let shared = crate::errors::shared_script_exports(env)
                    .map_err(|_| CoreError::validation("users", "could not be read"))?;
                UserSource::pull(pull_from(&shared, users)?)
            };
            let progress = on_progress
                .map(|callback| {
                    callback
                        .build_threadsafe_function::<Value>()
                        .callee_handled::<false>()
                        .weak::<true>()
                        .build()
                })
                .transpose()
                .map_err(|_| CoreError::validation("options.onProgress", "must be a function"))?
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
            let abort = signal.map(abort_on).transpose()?;
            Ok((source, options, progress, abort))
        })();
        self.run(
            env,
            prepared,
            |client, (source, options, progress, abort)| async move {
                let report =
                    import::import_users(&client, source, options, progress, abort).await?;
                Ok(JsonText::from_value(&report.to_json()))
            },
        )
    }
}
