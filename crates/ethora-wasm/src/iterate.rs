//! The listing iterators (`iterateUsers`, ...), the bulk import and the job waits of the
//! edge face: conversions around `ethora_core::listing`, `ethora_core::import` and
//! `ethora_core::job_waits`. Everything runs on the runtime's one thread. Options objects arrive
//! as the facade (`edge/api.js`) read them with the shared `readOptions`: `{ json,
//! onProgress, signal }`, an object of its own.

use std::sync::Arc;

use ethora_core::boundary::Argument;
use ethora_core::ensure::{self, EnsureCall};
use ethora_core::functions::IMPORT_USERS;
use ethora_core::import::{self, ImportOptions, UserSource};
use ethora_core::job_waits::{self, Abort, JobWaitCall};
use ethora_core::listing::{self, Listing, ListingCall, SharedListing, Step};
use ethora_core::response;
use ethora_core::{EthoraClient, EthoraError as CoreError};
use js_sys::{Function, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::errors::{js_result, to_js_error};
use crate::platform::listen_for_abort;
use crate::service::EthoraSDKService;
use crate::values::{to_js, values};

/// What `iterateUsers()` and its siblings return (not constructed directly): an async
/// iterable iterator over one listing. `next()` hands out a buffered item at once; only a
/// new page waits for `fetch`. `Symbol.asyncIterator` is installed on the prototype by the
/// entry modules (`edge/api.js`).
#[wasm_bindgen]
pub struct ListingIterator {
    listing: Arc<SharedListing>,
    client: Arc<EthoraClient>,
}

fn iterator_result(item: Option<&serde_json::value::RawValue>) -> JsValue {
    response::engine::parse(listing::iterator_result(item).as_str())
}

#[wasm_bindgen]
impl ListingIterator {
    /// The next item (`{ value, done: false }`) or the end (`{ done: true }`).
    #[wasm_bindgen(unchecked_return_type = "Promise<IteratorResult<unknown, undefined>>")]
    pub fn next(&self) -> Promise {
        if let Ok(mut listing) = self.listing.try_lock() {
            match listing.step() {
                Step::Item(item) => return Promise::resolve(&iterator_result(Some(&item))),
                Step::Done => return Promise::resolve(&iterator_result(None)),
                Step::Fetch => {}
            }
        }
        let listing = Arc::clone(&self.listing);
        let client = Arc::clone(&self.client);
        future_to_promise(async move {
            match listing::next_item(&listing, &client).await {
                Ok(item) => Ok(iterator_result(item.as_deref())),
                Err(error) => Err(to_js_error(&error)),
            }
        })
    }

    /// Ends the iteration (`break` out of `for await` calls this): nothing more is fetched.
    #[wasm_bindgen(
        js_name = "return",
        unchecked_return_type = "Promise<IteratorResult<unknown, undefined>>"
    )]
    pub fn finish(&self) -> Promise {
        if let Ok(mut listing) = self.listing.try_lock() {
            listing.close();
            return Promise::resolve(&iterator_result(None));
        }
        let listing = Arc::clone(&self.listing);
        future_to_promise(async move {
            listing.lock().await.close();
            Ok(iterator_result(None))
        })
    }
}

impl EthoraSDKService {
    /// A listing iterator: its arguments are checked now (a wrong one throws).
    pub(crate) fn iterate(
        &self,
        call: ListingCall,
        arguments: &[Option<String>],
    ) -> Result<ListingIterator, JsValue> {
        let listing = values(call.parameters(), arguments)
            .and_then(|values| Listing::new(call, self.client.app_id(), &values));
        Ok(ListingIterator {
            listing: js_result(listing)?.shared(),
            client: Arc::clone(&self.client),
        })
    }

    /// A job wait: reads the job until it has finished (see `ethora_core::job_waits`).
    pub(crate) fn wait_for_job(
        &self,
        call: JobWaitCall,
        ids: &[Option<String>],
        options: &JsValue,
    ) -> Promise {
        let client = Arc::clone(&self.client);
        let prepared = (|| {
            let mut values = values(call.read_call().parameters(), ids)?;
            let options = Options::read(options, &call.options_parameter())?;
            values.push(options.json);
            let (request, wait) = job_waits::job_wait_request(call, client.app_id(), &values)?;
            Ok((request, wait, abort_on(&options.signal)?))
        })();
        future_to_promise(async move {
            let (request, wait, abort) = prepared.map_err(|error| to_js_error(&error))?;
            let abort = abort.as_ref().map(|listener| &*listener.abort);
            job_waits::wait_for_job_until_aborted(&client, &request, wait, abort)
                .await
                .map(|job| to_js(&job))
                .map_err(|error| to_js_error(&error))
        })
    }

    /// An ensure: its arguments read by the rules of the method it names, then carried out
    /// as `ethora_core::ensure` says.
    pub(crate) fn ensure(&self, call: EnsureCall, arguments: &[Option<String>]) -> Promise {
        let client = Arc::clone(&self.client);
        let prepared = values(call.parameters(), arguments)
            .and_then(|values| ensure::prepare(call, client.app_id(), values));
        future_to_promise(async move {
            let prepared = prepared.map_err(|error| to_js_error(&error))?;
            ensure::run(&client, prepared)
                .await
                .map(|outcome| response::engine::parse(outcome.as_str()))
                .map_err(|error| to_js_error(&error))
        })
    }
}

/// `object[key]` of an object the facade made.
fn field(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// An options object as the facade read it: its JSON part, `onProgress`, `signal`.
struct Options {
    json: Option<Value>,
    on_progress: JsValue,
    signal: JsValue,
}

impl Options {
    fn read(
        options: &JsValue,
        parameter: &ethora_core::api::Parameter,
    ) -> Result<Options, CoreError> {
        let text = field(options, "json").as_string();
        Ok(Options {
            json: Argument::read(text.as_deref()).value(parameter)?,
            on_progress: field(options, "onProgress"),
            signal: field(options, "signal"),
        })
    }
}

/// An `Abort` the caller's signal sets, and the listener that sets it, held for as long as
/// the operation runs: dropping it releases the listener (a signal that fires later finds it
/// released, which the shared `listenForAbort` ignores), so no call leaves memory behind.
struct AbortListener {
    abort: Arc<Abort>,
    _listener: Closure<dyn FnMut()>,
}

/// An [`AbortListener`] on the signal (through the shared `listenForAbort`): set at once if
/// the signal already is aborted, else from its `abort` event. `None` without a signal.
fn abort_on(signal: &JsValue) -> Result<Option<AbortListener>, CoreError> {
    let abort = Arc::new(Abort::new());
    let flag = Arc::clone(&abort);
    let listener = Closure::<dyn FnMut()>::new(move || flag.abort());
    let state = listen_for_abort(signal, listener.as_ref())
        .ok()
        .and_then(|state| state.as_string());
    Ok(
        job_waits::abort_listened(state.as_deref(), abort)?.map(|abort| AbortListener {
            abort,
            _listener: listener,
        }),
    )
}

/// The users, through the pull function the facade made with the shared `userPuller` (or
/// its refusal text), a chunk at a time.
fn user_source(users: &JsValue) -> Result<UserSource, CoreError> {
    let parameter = &IMPORT_USERS[0];
    let pull = match users.clone().dyn_into::<Function>() {
        Ok(pull) => pull,
        Err(refusal) => {
            let refusal = refusal.as_string();
            return Err(match Argument::read(refusal.as_deref()).value(parameter) {
                Err(error) => error,
                Ok(_) => parameter.unreadable(),
            });
        }
    };
    Ok(UserSource::pull(Box::new(move |count| {
        let chunk = pull.call1(&JsValue::NULL, &JsValue::from(count as f64));
        Box::pin(async move {
            let reason = |error: JsValue| {
                Reflect::get(&error, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|message| message.as_string())
                    .unwrap_or_else(|| "the iterator threw".to_owned())
            };
            let chunk = chunk.map_err(|error| import::unreadable_users(&reason(error)))?;
            let chunk = JsFuture::from(Promise::resolve(&chunk))
                .await
                .map_err(|error| import::unreadable_users(&reason(error)))?;
            let text = chunk.as_string();
            match Argument::read(text.as_deref()).value(parameter)? {
                Some(Value::Array(users)) => Ok(users),
                _ => Err(import::unreadable_users("the adapter did not yield a list")),
            }
        })
    })))
}

#[wasm_bindgen(js_class = EthoraSDKService)]
impl EthoraSDKService {
    /// Creates many users in an app (the configured one unless `options.appId`): checks each,
    /// sends valid ones in batches of up to 100 (POST /v2/apps/{appId}/users/batch,
    /// `concurrency` at a time), waits for each batch's job, and resolves with what happened.
    /// A user that already exists counts as `existed`, so running an import again is safe.
    #[wasm_bindgen(js_name = importUsers, unchecked_return_type = "Promise<ImportReport>")]
    pub fn import_users(
        &self,
        #[wasm_bindgen(
            js_name = "users",
            unchecked_param_type = "Iterable<BatchUserData> | AsyncIterable<BatchUserData>"
        )]
        users: JsValue,
        #[wasm_bindgen(
            js_name = "options",
            unchecked_optional_param_type = "ImportUsersOptions"
        )]
        options: JsValue,
    ) -> Promise {
        let client = Arc::clone(&self.client);
        let prepared = (|| {
            // In the order of the Node build: the users, the options, their rules, the
            // callback, the signal.
            let source = user_source(&users)?;
            let options = Options::read(&options, &IMPORT_USERS[1])?;
            let import_options = ImportOptions::read(options.json.as_ref(), client.app_id())?;
            let progress = if options.on_progress.is_undefined() || options.on_progress.is_null() {
                None
            } else {
                let callback = options
                    .on_progress
                    .dyn_into::<Function>()
                    .map_err(|_| import::invalid_on_progress())?;
                Some(Box::new(move |report: Value| -> import::ProgressFuture {
                    // What the callback throws is reported as uncaught (as an event
                    // listener's) and the import goes on.
                    if let Err(error) = callback.call1(&JsValue::NULL, &to_js(&report)) {
                        let _ = crate::platform::report_callback_error(&error);
                    }
                    Box::pin(std::future::ready(()))
                }) as import::ProgressSink)
            };
            let abort = abort_on(&options.signal)?;
            Ok((source, import_options, progress, abort))
        })();
        future_to_promise(async move {
            let (source, options, progress, abort) =
                prepared.map_err(|error| to_js_error(&error))?;
            let abort_on = abort.as_ref().map(|listener| Arc::clone(&listener.abort));
            let report = import::import_users(&client, source, options, progress, abort_on).await;
            drop(abort);
            report
                .map(|report| to_js(&report.to_json()))
                .map_err(|error| to_js_error(&error))
        })
    }
}
