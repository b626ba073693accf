//! Every `unsafe` block of the addon: where it calls N-API's C interface directly, because
//! napi-rs's safe layer has no equivalent or costs what ARCHITECTURE.md's measurements show.
//! Each function outside this folder can call is safe; `unsafe` is denied everywhere else.

pub mod arguments;
pub mod dispatch;
pub mod fast_mint;
pub mod js_values;
pub mod script;
