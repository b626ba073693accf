//! `EthoraSDKService`, the class: its constructor, `toJSON`, `importUsers`, and every method
//! expanded from the core's one declaration (`sdk_methods!`).

use std::sync::Arc;

use ethora_core::api::arguments::id;
use ethora_core::api::{self, ApiCall, Parameter};
use ethora_core::boundary::Argument;
use ethora_core::client::{Answered, Parsing};
use ethora_core::config::config_input;
use ethora_core::ensure::EnsureCall;
use ethora_core::functions::{self, LocalCall};
use ethora_core::job_waits::JobWaitCall;
use ethora_core::listing::ListingCall;
use ethora_core::{ApiRequest, EthoraClient};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::to_js_error;
use crate::iterate;
use crate::raw::arguments;
use crate::raw::dispatch::{self, Outcome, PendingResponse};
use crate::raw::fast_mint::MintsClientTokens;
use crate::relay;

type CoreResult<T> = ethora_core::Result<T>;

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
            Ok(use_id(id(value.as_ref(), parameter.name)?))
        }
    })
}

/// The Ethora chat service client: `@ethora/sdk-backend`'s `EthoraSDKService` with the same
/// methods and requests, and the additions listed in the README.
#[napi(js_name = "EthoraSDKService")]
pub struct EthoraSDKService {
    pub(crate) client: Arc<EthoraClient>,
}

impl EthoraSDKService {
    /// A client for the config as the core read it (`None`: from the environment only).
    pub(crate) fn from_config(env: &Env, config: Option<&Value>) -> CoreResult<EthoraSDKService> {
        let input = config_input(config, "config")?;
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
        dispatch::start_settling(env, |guard| async move {
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
        })
    }

    /// A network method: its arguments go to the core's table, the request to the transport.
    fn call<'env, const N: usize>(
        &self,
        env: &'env Env,
        call: ApiCall,
        arguments: [Option<Unknown>; N],
    ) -> PendingResponse<'env> {
        let request = arguments::values(call.parameters(), arguments)
            .and_then(|values| api::build_request(call, self.app_id(), &values));
        self.send(env, request)
    }

    fn app_id(&self) -> &str {
        self.client.app_id()
    }

    /// A local method (`createChatName`, `createChatUserJwtToken`): its arguments as they
    /// came, answered at once. The token's direct entry (`raw::fast_mint`) replaces
    /// `createChatUserJwtToken` when the addon loads; both mint through `mint_client_token`.
    fn local(&self, env: &Env, call: LocalCall, arguments: &[Unknown]) -> Result<String> {
        let argument = |index: usize| arguments.get(index).copied();
        let answer = match call {
            LocalCall::CreateChatName => {
                arguments::values(call.parameters(), [argument(0), argument(1)])
                    .and_then(|values| functions::chat_name(self.app_id(), &values))
            }
            LocalCall::CreateChatUserJwtToken => match argument(0) {
                Some(user_id) => self.mint_client_token(user_id, argument(1)),
                None => Err(call.parameters()[0].unreadable()),
            },
        };
        answer.map_err(|e| to_js_error(env, &e))
    }
}

impl MintsClientTokens for EthoraSDKService {
    const CLASS: &'static str = "EthoraSDKService";

    /// The token for `user_id`, expiring as `options` say: the one implementation both entries
    /// call. `options` is `None` when the call passed none (the hot path).
    fn mint_client_token(
        &self,
        user_id: Unknown,
        options: Option<Unknown>,
    ) -> ethora_core::Result<String> {
        let parameters = LocalCall::CreateChatUserJwtToken.parameters();
        // The id first, then the options, both read before either refuses (as everywhere).
        let read_options = || arguments::value(options, &parameters[1]);
        let minted = with_id(user_id, &parameters[0], |id| {
            let options = read_options()?;
            let expires_in = ethora_core::functions::client_token_expiry(options.as_ref())?;
            Ok(self.client.expiring_client_token(id, expires_in))
        });
        match minted {
            Ok(minted) => minted,
            Err(refused_id) => {
                let _ = read_options();
                Err(refused_id)
            }
        }
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
        iterate::import(env, &self.client, users, options)
    }
}

// Every method the core's one declaration lists (`ethora_core::sdk_methods!`): each reads its
// arguments as JSON under its parameters' names and hands them to the core (`call`,
// `iterate::listing`, `iterate::wait_for_job`), or answers at once (`local`).
ethora_core::sdk_methods!(ethora_methods::node_methods);
