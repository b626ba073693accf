//! The benchmark's probes (`npm run bench`): the trip to the I/O thread alone, and a
//! network method's request sent as built. Not part of the API: no type declarations, not
//! re-exported by the package entry.

use std::sync::Arc;

use ethora_core::api::{self, ApiCall};
use ethora_core::EthoraClient;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::to_js_error;
use crate::raw::arguments;
use crate::raw::dispatch::{self, PendingResponse};
use crate::service::EthoraSDKService;

/// The benchmark's floor probe: the trip every network call makes from JavaScript to the
/// I/O thread and back (promise, task, wake-up, settle), with no request; resolves `null`.
/// Not part of the API: no type declaration, not re-exported by the package entry.
#[napi(js_name = "__dispatchRoundTrip", skip_typescript)]
pub fn dispatch_round_trip(env: &Env) -> PendingResponse<'_> {
    dispatch::start(env, async {
        Ok(ethora_core::response::JsonText::from_value(&Value::Null))
    })
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
        .and_then(|values| api::build_request(call, client.app_id(), &values))
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
    dispatch::start(env, async move {
        let body = body.map(String::into_bytes);
        client.send_unjudged(&exchange, body, &mut buffer).await
    })
}
