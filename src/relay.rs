//! Calls routed through Node's own HTTP stack: with `transport: 'node'`, or `'auto'` when a
//! test interceptor or an APM agent hooked that stack (`nodeStackHooked` in js/transport.js,
//! asked at every call's start), a call's attempts are sent by `relayExchange` on the
//! JavaScript thread instead of the I/O thread's own client. The core still builds each
//! attempt, keeps its time limits and retries, and judges each answer: an attempt goes to the
//! JavaScript thread through the dispatcher's queue and its response comes back through
//! `__relayAnswer`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use ethora_core::config::TransportChoice;
use ethora_core::observe::Observing;
use ethora_core::retry::Delivery;
use ethora_core::transport::{Failure, Relay, RelayRequest, RelayedResponse};
use ethora_core::EthoraClient;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use tokio::sync::oneshot;

use crate::raw::dispatch::JsQueue;
use crate::raw::script;

type Reply = oneshot::Sender<std::result::Result<RelayedResponse, Failure>>;

/// One attempt on its way to the JavaScript thread, with where its response goes.
pub struct RelayJob {
    request: RelayRequest,
    reply: Reply,
}

/// A client's relay: the queue to the JavaScript thread of the environment that made it.
pub struct NodeRelay(JsQueue);

impl Relay for NodeRelay {
    fn send(
        &self,
        request: RelayRequest,
    ) -> Pin<Box<dyn Future<Output = std::result::Result<RelayedResponse, Failure>> + Send>> {
        let (reply, response) = oneshot::channel();
        self.0
            .push(Box::new(move |env| start(env, RelayJob { request, reply })));
        // A reply dropped unanswered: the environment went away with the attempt out.
        Box::pin(async move {
            response
                .await
                .unwrap_or(Err(Failure::Broken(Delivery::MaybeSent)))
        })
    }
}

/// Gives a new client its relay and its observer.
pub fn attach(env: &Env, client: &EthoraClient) -> Result<()> {
    let queue = JsQueue::of(env)?;
    client.set_relay(std::sync::Arc::new(NodeRelay(queue.clone())));
    client.set_observer(std::sync::Arc::new(crate::observe::NodeObserver::new(
        queue,
    )));
    Ok(())
}

thread_local! {
    /// Replies of attempts out on this thread, by id.
    static OUT: RefCell<(u32, HashMap<u32, Reply>)> = RefCell::new((0, HashMap::new()));
}

/// Captures `callRoute` and hands the shared script the answer function; called once when
/// the addon loads.
pub fn install(exports: &Object, shared: &Object) -> Result<()> {
    script::install_call_route(shared)?;
    let answer: Unknown = exports.get_named_property("__relayAnswer")?;
    let install: Function<Unknown, Unknown> = shared.get_named_property("installRelay")?;
    install.call(answer)?;
    Ok(())
}

/// Hands the shared script a `require` for Node's modules (from the package entry, sdk.js).
/// Not part of the API.
#[cfg_attr(test, allow(dead_code))]
#[napi(js_name = "__provideRequire", skip_typescript)]
pub fn provide_require(env: Env, require: Unknown) {
    let _ignored = script::call_shared(&env, c"provideRequire", &[require]);
}

/// Decides, as a call starts, whether its attempts are relayed and whether it is observed.
pub fn choose_route(env: &Env, client: &EthoraClient) {
    let auto = client.config().transport == TransportChoice::Auto;
    let bits = script::call_route(env, client.id(), auto);
    let relayed = match client.config().transport {
        TransportChoice::Native => false,
        TransportChoice::Node => true,
        TransportChoice::Auto => bits & 1 != 0,
    };
    client.relay_next_calls(relayed);
    client.observe_next_calls(Observing::from_bits(bits >> 1));
}

/// On the JavaScript thread: hands an attempt to `relayExchange`.
pub fn start(env: &Env, job: RelayJob) {
    let RelayJob { request, reply } = job;
    if reply.is_closed() {
        // The core gave the attempt up (its time ran out) while it waited here.
        return;
    }
    let id = OUT.with(|out| {
        let mut out = out.borrow_mut();
        let id = out.0;
        out.0 = out.0.wrapping_add(1);
        out.1.insert(id, reply);
        id
    });
    if send(env, id, request).is_err() {
        if let Some(reply) = take_reply(id) {
            let _gone = reply.send(Err(Failure::Broken(Delivery::NotSent)));
        }
    }
}

fn send(env: &Env, id: u32, request: RelayRequest) -> Result<()> {
    let body = match &request.body {
        Some(body) => env
            .create_string(
                std::str::from_utf8(body)
                    .map_err(|_| Error::from_reason("a request body is not text"))?,
            )?
            .to_unknown(),
        None => ().into_unknown(env)?,
    };
    let arguments = [
        env.create_uint32(id)?.to_unknown(),
        env.create_string(request.method)?.to_unknown(),
        env.create_string(&request.url)?.to_unknown(),
        env.create_string(&request.header_lines)?.to_unknown(),
        body,
        env.create_double(request.timeout.as_millis() as f64)?
            .to_unknown(),
        env.create_double(request.max_response_bytes as f64)?
            .to_unknown(),
    ];
    script::call_shared(env, c"relayExchange", &arguments)
        .map(drop)
        .ok_or_else(|| Error::from_reason("relayExchange could not run"))
}

fn take_reply(id: u32) -> Option<Reply> {
    OUT.with(|out| out.borrow_mut().1.remove(&id))
}

/// `relayExchange`'s answer for the attempt `id`: the response (`status`, `name\nvalue\n`
/// header lines, the body), or a negative status, `-1 -` why there is none (0: not sent,
/// 1: timed out, 2: broken). Not part of the API.
#[cfg_attr(test, allow(dead_code))]
#[napi(js_name = "__relayAnswer", skip_typescript)]
pub fn relay_answer(id: u32, status: i32, header_lines: String, body: Option<Uint8Array>) {
    let Some(reply) = take_reply(id) else {
        return;
    };
    let outcome = match status {
        0..=999 => Ok(RelayedResponse::new(
            status as u16,
            &header_lines,
            body.map(|body| body.to_vec()).unwrap_or_default(),
        )),
        _ => {
            let code = u32::try_from(-1 - i64::from(status)).unwrap_or(u32::MAX);
            Err(Failure::from_exchange_code(code))
        }
    };
    let _gone = reply.send(outcome);
}
