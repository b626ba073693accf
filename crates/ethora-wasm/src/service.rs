//! `EthoraSDKService`, the class: its constructor, and every method expanded from the core's
//! one declaration (`sdk_methods!`).

use std::sync::Arc;

use ethora_core::api::arguments;
use ethora_core::api::{self, ApiCall};
use ethora_core::boundary::Argument;
use ethora_core::ensure::EnsureCall;
use ethora_core::functions::{self, LocalCall};
use ethora_core::job_waits::JobWaitCall;
use ethora_core::listing::ListingCall;
use ethora_core::{EthoraClient, EthoraError as CoreError};
use js_sys::Promise;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::dispatch;
use crate::errors::{js_result, to_js_error};
use crate::iterate::ListingIterator;
use crate::observe::WasmObserver;
use crate::platform::{console_sink, runtime_env, timer_sleeper};
use crate::values::{to_js, values};

/// The Ethora chat service client: `@ethora/sdk-backend`'s `EthoraSDKService` with the same
/// methods and requests, and the additions listed in the README.
#[wasm_bindgen(js_name = EthoraSDKService)]
pub struct EthoraSDKService {
    pub(crate) client: Arc<EthoraClient>,
}

impl EthoraSDKService {
    pub(crate) fn build(config: Option<&Value>) -> Result<EthoraSDKService, CoreError> {
        // Keeps the generated interfaces of `ethora-types` in the link (see there).
        std::hint::black_box(ethora_types::link_type_declarations());
        let input = ethora_core::config::config_input(config, "config")?;
        let client = EthoraClient::from_input(input, runtime_env)?
            .with_sleeper(timer_sleeper())
            .with_log_sink(console_sink());
        client.set_observer(Arc::new(WasmObserver));
        Ok(EthoraSDKService {
            client: Arc::new(client),
        })
    }

    /// A network method: its arguments (the reader's text, from the facade) go to the core's
    /// table; its first attempt goes out through `driveExchange` (`crates/ethora-wasm/js/fetch.js`), which moves
    /// the call on from there.
    fn call(&self, call: ApiCall, arguments: &[Option<String>]) -> Promise {
        let readings = arguments.iter().map(|text| Argument::read(text.as_deref()));
        let exchange = api::build_request_from(call, self.client.app_id(), readings)
            .and_then(|request| self.client.exchange(request));
        match exchange {
            Ok(exchange) => dispatch::start(&self.client, exchange),
            Err(error) => Promise::reject(&to_js_error(&error)),
        }
    }

    /// A local method (`createChatName`, `createChatUserJwtToken`): the reader's text,
    /// answered at once.
    fn local(&self, call: LocalCall, arguments: &[Option<String>]) -> Result<String, JsValue> {
        js_result(
            values(call.parameters(), arguments).and_then(|values| match call {
                LocalCall::CreateChatName => functions::chat_name(self.client.app_id(), &values),
                LocalCall::CreateChatUserJwtToken => {
                    let user_id = arguments::id(values[0].as_ref(), "userId")?;
                    let expires_in = functions::client_token_expiry(values[1].as_ref())?;
                    Ok(self.client.expiring_client_token(user_id, expires_in))
                }
            }),
        )
    }
}

// Every method the core's one declaration lists (`ethora_core::sdk_methods!`), with the
// TypeScript signatures of the Node face: each hands the reader's text to `call`, `iterate`
// (iterate.rs), `wait_for_job` (iterate.rs) or `local`.
ethora_core::sdk_methods!(ethora_methods::wasm_methods);

#[wasm_bindgen(js_class = EthoraSDKService)]
impl EthoraSDKService {
    /// Explicit config values win over `ETHORA_CHAT_*` variables of the runtime's environment
    /// (`process.env` or `Deno.env`); on Workers pass `configFromEnv(env)`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = "config", unchecked_optional_param_type = "EthoraSDKConfig")]
        config: Option<String>,
    ) -> Result<EthoraSDKService, JsValue> {
        let config = Argument::read(config.as_deref()).value(&functions::SERVICE_CONFIG[0]);
        js_result(
            functions::read_config(config)
                .and_then(|config| EthoraSDKService::build(config.as_ref())),
        )
    }

    /// What `console.log` / `JSON.stringify` show: the app and URL, never the secret.
    /// The core's number of this client, for the facade's `on` / `off`.
    #[wasm_bindgen(js_name = __clientId, skip_typescript)]
    pub fn client_id(&self) -> u32 {
        self.client.id()
    }

    /// How the client's next calls are observed (`callRoute`'s bits, from the facade).
    #[wasm_bindgen(js_name = __observeNextCalls, skip_typescript)]
    pub fn observe_next_calls(&self, bits: u8) {
        self.client
            .observe_next_calls(ethora_core::observe::Observing::from_bits(bits));
    }

    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "any")]
    pub fn to_json(&self) -> JsValue {
        to_js(&serde_json::json!({
            "chatApiUrl": self.client.config().api_url,
            "chatAppId": self.client.app_id(),
        }))
    }
}
