//! What runs when Node loads the addon: the shared script evaluated, the error class, the
//! listing iterators' protocol, the argument reader, the relay and observer hooks, the direct
//! token entry, the class's guard against a call without `new`, and `JSON.parse` captured.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::raw::{arguments, fast_mint, js_values, script};

#[cfg_attr(test, allow(dead_code))]
#[napi(module_exports)]
pub fn start(mut exports: Object, env: Env) -> Result<()> {
    let shared = script::load(&env)?;
    crate::errors::install(&mut exports, &shared)?;
    crate::iterate::install(&exports, &shared)?;
    arguments::install(&shared)?;
    crate::relay::install(&exports, &shared)?;
    crate::observe::install(&env);
    fast_mint::install::<crate::service::EthoraSDKService>(&exports, &env)?;
    let class: Unknown = exports.get_named_property("EthoraSDKService")?;
    let hooks: Function<Unknown, Unknown> = shared.get_named_property("installNativeHooks")?;
    hooks.call(class)?;
    // Last: what is exported as the class is the guarded one (see `guardConstructor`).
    let class: Unknown = exports.get_named_property("EthoraSDKService")?;
    let guard: Function<Unknown, Unknown> = shared.get_named_property("guardConstructor")?;
    exports.set("EthoraSDKService", guard.call(class)?)?;
    js_values::capture_json_parse(&env)
}
