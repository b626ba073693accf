//! Node.js face of the Ethora SDK: hands JavaScript values to `ethora-core` and back.
//!
//! Every argument is read as `ethora_core::boundary` describes (plain strings directly,
//! anything else through the shared reader in js/shared.js) and checked by the core's rules,
//! so a wrong value is an `EthoraError` with `code: 'ETHORA_VALIDATION'` that names the
//! argument (a rejected promise for network methods), never a bare conversion error.
//! Network methods build their request with a pure core operation, send it on the tokio
//! runtime through the client's shared connection pool, and return a promise.

#![deny(clippy::all)]

mod arguments;
mod convert;
mod dispatch;
mod errors;
mod fast;
mod iterate;
mod observe;
mod relay;

use std::mem::ManuallyDrop;
use std::sync::Arc;

use ethora_core::boundary::Argument;
use ethora_core::calls::{self, ApiCall, Parameter};
use ethora_core::client::{Answered, Parsing};
use ethora_core::functions;
use ethora_core::jobs::JobWaitCall;
use ethora_core::listing::ListingCall;
use ethora_core::{args, ApiRequest, EthoraClient};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::dispatch::Outcome;
use crate::errors::to_js_error;
pub use crate::errors::EthoraError;
pub use ethora_types::*;

/// See Cargo.toml: the addon's allocator on Linux.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub(crate) type CoreResult<T> = ethora_core::Result<T>;

/// Runs `use_id` on an id argument: a short plain string without running any JavaScript
/// (the hot path of `createChatUserJwtToken`), anything else as the core reads it.
fn with_id<R>(
    value: Unknown,
    parameter: &Parameter,
    use_id: impl FnOnce(&str) -> R,
) -> CoreResult<R> {
    arguments::with_argument(Some(value), parameter, |argument| match argument {
        Argument::String(id) => {
            ethora_core::naming::require_id(parameter.name, id)?;
            Ok(use_id(id))
        }
        other => {
            let value = other.value(parameter)?;
            Ok(use_id(args::id(value.as_ref(), parameter.name)?))
        }
    })
}

/// The Ethora chat service client: the same class, methods and requests as
/// `@ethora/sdk-backend`'s `EthoraSDKService`.
#[napi(js_name = "EthoraSDKService")]
pub struct EthoraSDKService {
    client: Arc<EthoraClient>,
}

/// The promise of a network call.
pub(crate) type PendingResponse<'env> = Result<PromiseRaw<'env, Unknown<'env>>>;

impl EthoraSDKService {
    /// A client for the config as the core read it (`None`: from the environment only).
    fn from_config(env: &Env, config: Option<&Value>) -> CoreResult<EthoraSDKService> {
        let input = args::config_input(config, "config")?;
        let client = EthoraClient::from_input(input, |name| arguments::runtime_env(env, name))?;
        relay::attach(env, &client).map_err(|_| {
            ethora_core::EthoraError::config("could not start the SDK's dispatcher")
        })?;
        Ok(EthoraSDKService {
            client: Arc::new(client),
        })
    }

    /// Sends the built request (or rejects with its validation error) on the I/O thread; its
    /// exchange is made here, so the request's JSON body is serialised and freed on the
    /// thread that built it.
    fn send<'env>(&self, env: &'env Env, request: CoreResult<ApiRequest>) -> PendingResponse<'env> {
        let client = Arc::clone(&self.client);
        let buffer = dispatch::spare_buffer();
        relay::choose_route(env, &client);
        let exchange = request.and_then(|request| client.exchange(request));
        let promise = dispatch::start_settling(env, |guard| async move {
            let exchange = match exchange {
                Ok(exchange) => exchange,
                Err(error) => return guard.finish(Outcome::Judged(Err(error))),
            };
            let answering = Arc::clone(&client);
            let settle = |answered| {
                guard.finish(match answered {
                    Answered::Judged(judged) => Outcome::Judged(judged),
                    Answered::Unparsed(unparsed) => Outcome::Unparsed(answering, unparsed),
                })
            };
            client
                .run_exchange_delivering(exchange, buffer, Parsing::Engine, settle)
                .await
        })?;
        Ok(PromiseRaw::new(env.raw(), promise))
    }

    /// A network method: its arguments go to the core's table, the request to the transport.
    fn call<'env, const N: usize>(
        &self,
        env: &'env Env,
        call: ApiCall,
        arguments: [Option<Unknown>; N],
    ) -> PendingResponse<'env> {
        let request = arguments::values(call.parameters(), arguments)
            .and_then(|values| calls::build_request(call, self.app_id(), &values));
        self.send(env, request)
    }

    fn app_id(&self) -> &str {
        self.client.app_id()
    }
}

#[napi]
impl EthoraSDKService {
    /// Explicit config values win over `ETHORA_CHAT_*` environment variables.
    /// (A call without `new` never reaches here: the class is exported behind the shared
    /// script's `guardConstructor`.)
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "EthoraSDKConfig")] config: Option<Unknown>,
    ) -> Result<Self> {
        functions::read_config(arguments::value(config, &functions::SERVICE_CONFIG[0]))
            .and_then(|config| EthoraSDKService::from_config(&env, config.as_ref()))
            .map_err(|error| to_js_error(&env, &error))
    }

    /// `{appId}_{chatId}`, with `full` (default true) the room JID on Ethora Cloud's
    /// conference domain. Already-prefixed ids and JIDs are not prefixed again.
    // `full` is taken raw: napi-rs would read `null` as absent (`true`), where JavaScript's
    // truthiness makes it `false`.
    #[napi(ts_args_type = "chatId: UUID, full?: boolean")]
    pub fn create_chat_name(&self, env: Env, chat_id: Unknown, full: Unknown) -> Result<String> {
        arguments::values(functions::CREATE_CHAT_NAME, [Some(chat_id), Some(full)])
            .and_then(|values| functions::chat_name(self.app_id(), &values))
            .map_err(|e| to_js_error(&env, &e))
    }

    /// A client JWT for the user (what the front end logs in with); with
    /// `options.expiresIn` it expires that many seconds from now.
    #[napi(ts_return_type = "string")]
    pub fn create_chat_user_jwt_token<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] user_id: Unknown,
        #[napi(ts_arg_type = "ClientTokenOptions")] options: Option<Unknown>,
    ) -> Result<napi::JsString<'env>> {
        // The addon installs `fast::create_chat_user_jwt_token` over this method when it
        // loads; both mint through `fast::mint_client_token`.
        let token =
            fast::mint_client_token(self, user_id, options).map_err(|e| to_js_error(env, &e))?;
        // A JWT is ASCII: handing it over as Latin-1 spares the engine a UTF-8 decode.
        env.create_string_latin1(token.as_bytes())
    }

    /// The core's number of this client, for the shared script (`on` / `off`). Not part of
    /// the API.
    #[napi(js_name = "__clientId", skip_typescript)]
    pub fn client_id(&self) -> u32 {
        self.client.id()
    }

    /// What `console.log` / `util.inspect` show: the app and URL, never the secret.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "chatApiUrl": self.client.config().api_url,
            "chatAppId": self.app_id(),
        })
    }
}

#[napi]
impl EthoraSDKService {
    /// Creates many users in an app (the configured one unless `options.appId`): checks each,
    /// sends valid ones in batches of up to 100 (POST /v2/apps/{appId}/users/batch,
    /// `concurrency` at a time), waits for each batch's job, and resolves with what happened.
    /// A user that already exists counts as `existed`, so running an import again is safe.
    #[napi(ts_return_type = "Promise<ImportReport>")]
    pub fn import_users<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "Iterable<BatchUserData> | AsyncIterable<BatchUserData>")]
        users: Unknown,
        #[napi(ts_arg_type = "ImportUsersOptions")] options: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.import(env, users, options)
    }
}

/// The network methods, from the core's one declaration (`ethora_core::network_methods!`):
/// each reads its arguments as JSON under its parameters' names and hands them to the core's
/// table, which builds the request; the promise settles with the response.
macro_rules! node_network_methods {
    ($(
        $(#[doc = $doc:tt])*
        promise $variant:ident $rust_name:ident $js_name:ident (
            $($required:ident $required_js:literal $required_kind:ident : $required_ts:literal),*
            $(; $($optional:ident $optional_js:literal $optional_kind:ident : $optional_ts:literal),*)?
        );
    )*) => {
        #[napi]
        impl EthoraSDKService {
            $(
                $(#[doc = $doc])*
                #[napi(ts_return_type = "Promise<ApiResponse>")]
                pub fn $rust_name<'env>(
                    &self,
                    env: &'env Env,
                    $(#[napi(ts_arg_type = $required_ts)] $required: Unknown,)*
                    $($(#[napi(ts_arg_type = $optional_ts)] $optional: Option<Unknown>,)*)?
                ) -> PendingResponse<'env> {
                    self.call(
                        env,
                        ApiCall::$variant,
                        [$(Some($required),)* $($($optional,)*)?],
                    )
                }
            )*
        }
    };
}

ethora_core::network_methods!(node_network_methods);

/// The listing iterators, from the core's one declaration (`ethora_core::listing_methods!`):
/// each checks its arguments now and returns an async iterable iterator over the items.
macro_rules! node_listing_methods {
    ($(
        $(#[doc = $doc:tt])*
        iterator $variant:ident $rust_name:ident $js_name:ident (
            $($required:ident $required_js:literal $required_kind:ident : $required_ts:literal),*
            $(; $($optional:ident $optional_js:literal $optional_kind:ident : $optional_ts:literal),*)?
        ) -> $return_ts:literal pages $page_call:ident;
    )*) => {
        #[napi]
        impl EthoraSDKService {
            $(
                $(#[doc = $doc])*
                #[napi(ts_return_type = $return_ts)]
                pub fn $rust_name(
                    &self,
                    env: Env,
                    $(#[napi(ts_arg_type = $required_ts)] $required: Unknown,)*
                    $($(#[napi(ts_arg_type = $optional_ts)] $optional: Option<Unknown>,)*)?
                ) -> Result<iterate::ListingIterator> {
                    self.iterate(
                        &env,
                        ListingCall::$variant,
                        vec![$(Some($required),)* $($($optional,)*)?],
                    )
                }
            )*
        }
    };
}

ethora_core::listing_methods!(node_listing_methods);

/// The job waits, from the core's one declaration (`ethora_core::job_wait_methods!`).
macro_rules! node_job_wait_methods {
    ($(
        $(#[doc = $doc:tt])*
        wait $variant:ident $rust_name:ident $js_name:ident (
            $($required:ident $required_js:literal $required_kind:ident : $required_ts:literal),*
            ; $options:ident $options_js:literal $options_kind:ident : $options_ts:literal
        ) reads $read_call:ident;
    )*) => {
        #[napi]
        impl EthoraSDKService {
            $(
                $(#[doc = $doc])*
                #[napi(ts_return_type = "Promise<ApiResponse>")]
                pub fn $rust_name<'env>(
                    &self,
                    env: &'env Env,
                    $(#[napi(ts_arg_type = $required_ts)] $required: Unknown,)*
                    #[napi(ts_arg_type = $options_ts)] $options: Option<Unknown>,
                ) -> PendingResponse<'env> {
                    self.wait_for_job(env, JobWaitCall::$variant, vec![$($required,)*], $options)
                }
            )*
        }
    };
}

ethora_core::job_wait_methods!(node_job_wait_methods);

thread_local! {
    /// The instance `getEthoraSDKService()` returns, per JavaScript thread. Never dropped:
    /// releasing a napi reference during thread teardown is not allowed.
    static DEFAULT_SERVICE: std::cell::RefCell<Option<ManuallyDrop<Reference<EthoraSDKService>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Without a config: one shared instance built from the environment (the same object every
/// time). With a config: a new instance, not cached.
#[napi(js_name = "getEthoraSDKService", ts_return_type = "EthoraSDKService")]
pub fn get_ethora_sdk_service(
    env: Env,
    #[napi(ts_arg_type = "EthoraSDKConfig")] config: Option<Unknown>,
) -> Result<Reference<EthoraSDKService>> {
    let config = functions::read_config(arguments::value(config, &functions::SERVICE_CONFIG[0]))
        .map_err(|error| to_js_error(&env, &error))?;
    let construct = |config: Option<&Value>| {
        EthoraSDKService::from_config(&env, config).map_err(|error| to_js_error(&env, &error))
    };
    if !functions::wants_shared_instance(config.as_ref()) {
        return construct(config.as_ref())?.into_reference(env);
    }
    let existing = DEFAULT_SERVICE.with(|slot| {
        slot.borrow()
            .as_ref()
            .map(|reference| Reference::clone(reference, env))
            .transpose()
    })?;
    if let Some(reference) = existing {
        return Ok(reference);
    }
    let reference = construct(None)?.into_reference(env)?;
    let shared = reference.clone(env)?;
    DEFAULT_SERVICE.with(|slot| *slot.borrow_mut() = Some(ManuallyDrop::new(shared)));
    Ok(reference)
}

/// A client (user) JWT, as the reference's `createClientToken`; with `options.expiresIn` it
/// expires that many seconds from now.
#[napi]
pub fn create_client_token(
    env: Env,
    #[napi(ts_arg_type = "UUID")] user_id: Unknown,
    #[napi(ts_arg_type = "EthoraSDKConfig")] custom_secrets: Option<Unknown>,
    #[napi(ts_arg_type = "ClientTokenOptions")] options: Option<Unknown>,
) -> Result<String> {
    arguments::values(
        functions::CREATE_CLIENT_TOKEN,
        [Some(user_id), custom_secrets, options],
    )
    .and_then(|v| {
        functions::create_client_token(v[0].as_ref(), v[1].as_ref(), v[2].as_ref(), |name| {
            arguments::runtime_env(&env, name)
        })
    })
    .map_err(|e| to_js_error(&env, &e))
}

/// A server (B2B) JWT, as the reference's `createServerToken`.
#[napi]
pub fn create_server_token(
    env: Env,
    #[napi(ts_arg_type = "EthoraSDKConfig")] custom_secrets: Option<Unknown>,
    #[napi(ts_arg_type = "ServerTokenOptions")] options: Option<Unknown>,
) -> Result<String> {
    arguments::values(functions::CREATE_SERVER_TOKEN, [custom_secrets, options])
        .and_then(|v| {
            functions::create_server_token(v[0].as_ref(), v[1].as_ref(), |name| {
                arguments::runtime_env(&env, name)
            })
        })
        .map_err(|e| to_js_error(&env, &e))
}

/// Verifies a server or client token with its scoped key and returns its claims. With
/// `expectedType`, a token of the other type is refused. A token past its `exp` or before
/// its `nbf` is refused (`options.clockTolerance` seconds forgiven, default 5). No
/// raw-secret fallback.
#[napi(ts_return_type = "Record<string, unknown>")]
pub fn verify_jwt_token(
    env: Env,
    #[napi(ts_arg_type = "string")] token: Unknown,
    #[napi(ts_arg_type = "EthoraSDKConfig")] custom_secrets: Option<Unknown>,
    #[napi(ts_arg_type = "'server' | 'client'")] expected_type: Option<Unknown>,
    #[napi(ts_arg_type = "VerifyTokenOptions")] options: Option<Unknown>,
) -> Result<Value> {
    arguments::values(
        functions::VERIFY_JWT_TOKEN,
        [Some(token), custom_secrets, expected_type, options],
    )
    .and_then(|v| {
        functions::verify_jwt_token(
            v[0].as_ref(),
            v[1].as_ref(),
            v[2].as_ref(),
            v[3].as_ref(),
            |name| arguments::runtime_env(&env, name),
        )
    })
    .map(Value::Object)
    .map_err(|e| to_js_error(&env, &e))
}

/// The `EthoraSDKConfig` that the `ETHORA_CHAT_*` variables (and `ETHORA_LOG`) of `env`
/// describe: a Workers-style `env` object, or the process environment when omitted.
#[napi(ts_return_type = "EthoraSDKConfig")]
pub fn config_from_env(
    js_env: Env,
    #[napi(ts_arg_type = "Record<string, unknown>")] env: Option<Unknown>,
) -> Result<Value> {
    arguments::values(functions::CONFIG_FROM_ENV, [env])
        .and_then(|values| {
            functions::config_from_env_argument(values[0].as_ref(), |name| {
                arguments::runtime_env(&js_env, name)
            })
        })
        .map(Value::Object)
        .map_err(|error| to_js_error(&js_env, &error))
}

/// The official SDK's `getSecretsSync`: `{ chatApiUrl, chatAppId, chatAppSecret }` from the
/// `ETHORA_CHAT_*` variables, the truthy values of `overrides` winning; throws an
/// `ETHORA_CONFIG` error with the official message when one is missing.
#[napi(ts_return_type = "Secrets")]
pub fn get_secrets_sync(
    env: Env,
    #[napi(ts_arg_type = "Partial<Secrets>")] overrides: Option<Unknown>,
) -> Result<Value> {
    arguments::with_argument(overrides, &functions::GET_SECRETS[0], |overrides| {
        functions::get_secrets_from(overrides, |name| arguments::runtime_env(&env, name))
    })
    .map(Value::Object)
    .map_err(|e| to_js_error(&env, &e))
}

/// The official SDK's `getSecrets`: the same as `getSecretsSync` (synchronous there too),
/// read anew on every call.
#[napi(ts_return_type = "Secrets")]
pub fn get_secrets(
    env: Env,
    #[napi(ts_arg_type = "Partial<Secrets>")] overrides: Option<Unknown>,
) -> Result<Value> {
    get_secrets_sync(env, overrides)
}

/// The benchmark's floor probe: the trip every network call makes from JavaScript to the
/// I/O thread and back (promise, task, wake-up, settle), with no request; resolves `null`.
/// Not part of the API: no type declaration, not re-exported by the package entry.
#[napi(js_name = "__dispatchRoundTrip", skip_typescript)]
pub fn dispatch_round_trip(env: &Env) -> Result<PromiseRaw<'_, Unknown<'_>>> {
    let promise = dispatch::start(env, async {
        Ok(ethora_core::response::JsonText::from_value(&Value::Null))
    })?;
    Ok(PromiseRaw::new(env.raw(), promise))
}

/// The benchmark's transport floor (`EthoraClient::send_unjudged`): a network method's
/// request, built once, sent again and again as built through the service's transport, with
/// the same trip to the I/O thread and `JSON.parse` of the body as a call. Not part of the
/// API: no type declarations, not re-exported by the package entry.
pub struct TransportFloor {
    client: Arc<EthoraClient>,
    exchange: Arc<ethora_core::client::Exchange>,
}

/// The request `service[method](first, second)` would send, for `__transportFloorSend`.
#[napi(js_name = "__transportFloor", skip_typescript)]
pub fn transport_floor(
    env: Env,
    service: &EthoraSDKService,
    method: String,
    first: Option<Unknown>,
    second: Option<Unknown>,
) -> Result<External<TransportFloor>> {
    let call = ApiCall::ALL
        .iter()
        .copied()
        .find(|call| call.js_name() == method)
        .ok_or_else(|| Error::from_reason("not a network method"))?;
    let client = Arc::clone(&service.client);
    let exchange = arguments::values(call.parameters(), [first, second])
        .and_then(|values| calls::build_request(call, client.app_id(), &values))
        .and_then(|request| client.exchange(request))
        .map_err(|error| to_js_error(&env, &error))?;
    Ok(External::new(TransportFloor {
        client,
        exchange: Arc::new(exchange),
    }))
}

/// Sends a floor's request once (with `body`, JSON text, instead of its own when given);
/// resolves with the parsed body.
#[napi(js_name = "__transportFloorSend", skip_typescript)]
pub fn transport_floor_send<'env>(
    env: &'env Env,
    floor: &External<TransportFloor>,
    body: Option<String>,
) -> PendingResponse<'env> {
    let (client, exchange) = (Arc::clone(&floor.client), Arc::clone(&floor.exchange));
    let mut buffer = dispatch::spare_buffer();
    let promise = dispatch::start(env, async move {
        let body = body.map(String::into_bytes);
        client.send_unjudged(&exchange, body, &mut buffer).await
    })?;
    Ok(PromiseRaw::new(env.raw(), promise))
}

/// Conference domain of Ethora Cloud room JIDs, as the reference exports it.
#[napi]
pub const ETHORA_JID_DOMAIN: &str = ethora_core::naming::ETHORA_JID_DOMAIN;
