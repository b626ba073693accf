//! The listing iterators (`iterateUsers`, ...), the bulk import and the job waits of the
//! edge face: conversions around `ethora_core::listing`, `ethora_core::import` and
//! `ethora_core::jobs`. Everything runs on the runtime's one thread.

use std::sync::Arc;

use ethora_core::import::{self, ImportOptions, UserSource};
use ethora_core::jobs::{self, Abort, JobWaitCall};
use ethora_core::listing::{self, Listing, ListingCall, SharedListing, Step};
use ethora_core::response;
use ethora_core::{EthoraClient, EthoraError as CoreError};
use js_sys::{Array, Function, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::{
    js_result, json_argument, json_arguments, json_value, to_js, to_js_error, EthoraSdkService,
};

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

impl EthoraSdkService {
    /// A listing iterator: its arguments are checked now (a wrong one throws).
    fn iterate(
        &self,
        call: ListingCall,
        arguments: &[&JsValue],
    ) -> Result<ListingIterator, JsValue> {
        let listing = json_arguments(call.parameters(), arguments)
            .and_then(|values| Listing::new(call, self.client.app_id(), &values));
        Ok(ListingIterator {
            listing: js_result(listing)?.shared(),
            client: Arc::clone(&self.client),
        })
    }

    /// A job wait: reads the job until it has finished (see `ethora_core::jobs`).
    fn wait_for_job(
        &self,
        call: JobWaitCall,
        arguments: &[&JsValue],
        options: &JsValue,
    ) -> Promise {
        let client = Arc::clone(&self.client);
        let prepared = (|| {
            let mut values = json_arguments(call.read_call().parameters(), arguments)?;
            let abort = abort_on(option(options, "signal"))?;
            // JSON.stringify turns the signal into `{}`: it was read above.
            values.push(json_argument(options, "options")?);
            let (request, wait) = jobs::job_wait_request(call, client.app_id(), &values)?;
            Ok((request, wait, abort))
        })();
        future_to_promise(async move {
            let (request, wait, abort) = prepared.map_err(|error| to_js_error(&error))?;
            jobs::wait_for_job_until_aborted(&client, &request, wait, abort.as_deref())
                .await
                .map(|job| to_js(&job))
                .map_err(|error| to_js_error(&error))
        })
    }
}

/// `options[key]` when `options` is an object, else `undefined`.
fn option(options: &JsValue, key: &str) -> JsValue {
    if options.is_object() {
        Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// An `Abort` the signal sets: at once if it is already aborted, else from its `abort`
/// event. `None` without a signal.
fn abort_on(signal: JsValue) -> Result<Option<Arc<Abort>>, CoreError> {
    if signal.is_undefined() || signal.is_null() {
        return Ok(None);
    }
    let not_a_signal = || CoreError::validation("options.signal", "must be an AbortSignal");
    let aborted = Reflect::get(&signal, &JsValue::from_str("aborted"))
        .ok()
        .and_then(|aborted| aborted.as_bool())
        .ok_or_else(not_a_signal)?;
    let abort = Arc::new(Abort::new());
    if aborted {
        abort.abort();
        return Ok(Some(abort));
    }
    let add = Reflect::get(&signal, &JsValue::from_str("addEventListener"))
        .ok()
        .and_then(|add| add.dyn_into::<Function>().ok())
        .ok_or_else(not_a_signal)?;
    let flag = Arc::clone(&abort);
    let listener = Closure::once_into_js(move || flag.abort());
    add.call2(&signal, &JsValue::from_str("abort"), &listener)
        .map_err(|_| not_a_signal())?;
    Ok(Some(abort))
}

/// The users: an array as JSON, anything else through the shared adapter, a chunk at a time.
fn user_source(users: &JsValue) -> Result<UserSource, CoreError> {
    if Array::is_array(users) {
        let list = json_argument(users, "users")?;
        return match list {
            Some(Value::Array(list)) => Ok(UserSource::list(list)),
            _ => Err(ethora_core::calls::not_json("users")),
        };
    }
    let pull = crate::user_puller(users)
        .dyn_into::<Function>()
        .map_err(|_| {
            CoreError::validation(
                "users",
                "must be an array or an iterable or async iterable of users",
            )
        })?;
    Ok(UserSource::pull(Box::new(move |count| {
        let chunk = pull.call1(&JsValue::NULL, &JsValue::from(count as f64));
        Box::pin(async move {
            let unreadable = |reason: String| {
                CoreError::validation("users", format!("could not be read: {reason}"))
            };
            let reason = |error: JsValue| {
                Reflect::get(&error, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|message| message.as_string())
                    .unwrap_or_else(|| "the iterator threw".to_owned())
            };
            let chunk = chunk.map_err(|error| unreadable(reason(error)))?;
            let chunk = JsFuture::from(Promise::resolve(&chunk))
                .await
                .map_err(|error| unreadable(reason(error)))?;
            match json_value(&chunk, || ethora_core::calls::not_json("users"))? {
                Some(Value::Array(users)) => Ok(users),
                _ => Err(unreadable("the adapter did not yield a list".into())),
            }
        })
    })))
}

#[wasm_bindgen(js_class = EthoraSDKService)]
impl EthoraSdkService {
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
            if !(options.is_undefined() || options.is_null() || options.is_object()) {
                return Err(CoreError::validation("options", "must be an object"));
            }
            let on_progress = option(&options, "onProgress");
            let progress = if on_progress.is_undefined() || on_progress.is_null() {
                None
            } else {
                let callback = on_progress.dyn_into::<Function>().map_err(|_| {
                    CoreError::validation("options.onProgress", "must be a function")
                })?;
                Some(Box::new(move |report: Value| -> import::ProgressFuture {
                    // What the callback throws is reported as uncaught (as an event
                    // listener's) and the import goes on.
                    if let Err(error) = callback.call1(&JsValue::NULL, &to_js(&report)) {
                        crate::report_callback_error(&error);
                    }
                    Box::pin(std::future::ready(()))
                }) as import::ProgressSink)
            };
            let abort = abort_on(option(&options, "signal"))?;
            // JSON.stringify leaves the function out and turns the signal into `{}`: both
            // were read above; the core reads the rest.
            let json = json_argument(&options, "options")?;
            let import_options = ImportOptions::read(json.as_ref(), client.app_id())?;
            let source = user_source(&users)?;
            Ok((source, import_options, progress, abort))
        })();
        future_to_promise(async move {
            let (source, options, progress, abort) =
                prepared.map_err(|error| to_js_error(&error))?;
            import::import_users(&client, source, options, progress, abort)
                .await
                .map(|report| to_js(&report.to_json()))
                .map_err(|error| to_js_error(&error))
        })
    }
}

/// The listing iterators, from the core's one declaration (`ethora_core::listing_methods!`).
macro_rules! wasm_listing_methods {
    ($(
        $(#[doc = $doc:tt])*
        iterator $variant:ident $rust_name:ident $js_name:ident (
            $($required:ident $required_js:literal $required_kind:ident : $required_ts:literal),*
            $(; $($optional:ident $optional_js:literal $optional_kind:ident : $optional_ts:literal),*)?
        ) -> $return_ts:literal pages $page_call:ident;
    )*) => {
        #[wasm_bindgen(js_class = EthoraSDKService)]
        impl EthoraSdkService {
            $(
                $(#[doc = $doc])*
                #[wasm_bindgen(js_name = $js_name, unchecked_return_type = $return_ts)]
                pub fn $rust_name(
                    &self,
                    $(#[wasm_bindgen(js_name = $required_js, unchecked_param_type = $required_ts)] $required: JsValue,)*
                    $($(#[wasm_bindgen(js_name = $optional_js, unchecked_optional_param_type = $optional_ts)] $optional: JsValue,)*)?
                ) -> Result<ListingIterator, JsValue> {
                    self.iterate(ListingCall::$variant, &[$(&$required,)* $($(&$optional,)*)?])
                }
            )*
        }
    };
}

ethora_core::listing_methods!(wasm_listing_methods);

/// The job waits, from the core's one declaration (`ethora_core::job_wait_methods!`).
macro_rules! wasm_job_wait_methods {
    ($(
        $(#[doc = $doc:tt])*
        wait $variant:ident $rust_name:ident $js_name:ident (
            $($required:ident $required_js:literal $required_kind:ident : $required_ts:literal),*
            ; $options:ident $options_js:literal $options_kind:ident : $options_ts:literal
        ) reads $read_call:ident;
    )*) => {
        #[wasm_bindgen(js_class = EthoraSDKService)]
        impl EthoraSdkService {
            $(
                $(#[doc = $doc])*
                #[wasm_bindgen(js_name = $js_name, unchecked_return_type = "Promise<ApiResponse>")]
                pub fn $rust_name(
                    &self,
                    $(#[wasm_bindgen(js_name = $required_js, unchecked_param_type = $required_ts)] $required: JsValue,)*
                    #[wasm_bindgen(js_name = $options_js, unchecked_optional_param_type = $options_ts)] $options: JsValue,
                ) -> Promise {
                    self.wait_for_job(JobWaitCall::$variant, &[$(&$required,)*], &$options)
                }
            )*
        }
    };
}

ethora_core::job_wait_methods!(wasm_job_wait_methods);
