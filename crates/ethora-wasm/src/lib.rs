//! Edge face of the Ethora SDK (Cloudflare Workers, Vercel Edge, Deno): wasm-bindgen over
//! `ethora-core`, HTTP through the runtime's `fetch` (`crates/ethora-wasm/js/fetch.js`, which also drives each
//! network call over the core's attempt state machine).
//!
//! Like the Node face it only hands values over. The classes and functions here are the
//! inner half of the edge build: the public ones are the facade in `edge/api.js`, which
//! checks every method's receiver (a wrong `this` never reaches WebAssembly) and reads every
//! argument with the shared reader (`readArgument` in `js/shared.js`, as the Node face reads
//! every argument that is not a plain string), so what arrives here is the reader's text
//! (`ethora_core::boundary`), whatever the caller passed. Results come back through
//! `JSON.parse`; errors are the shared `EthoraError` class with the core's fields.
//!
//! The same file names as the Node face (`src/`) for the same jobs: `service.rs` (the
//! class), `functions.rs` (the module's functions), `iterate.rs`, `errors.rs`, `observe.rs`,
//! `dispatch.rs` (moving calls on: here through crates/ethora-wasm/js/fetch.js). Only this face has
//! `platform.rs` (the runtime's timers, console and environment) and `values.rs`.
//!
//! Only the wasm32 build has content; `npm test` lints it with
//! `cargo clippy --target wasm32-unknown-unknown`.

#![cfg(target_arch = "wasm32")]
#![forbid(unsafe_code)]

mod dispatch;
mod errors;
mod functions;
mod iterate;
mod observe;
mod platform;
mod service;
mod values;

pub use crate::service::EthoraSDKService;
use wasm_bindgen::prelude::*;

// What the generator cannot express, shared with the Node face's `index.d.ts`: the `UUID`
// alias, open index signatures, the `EthoraError` fields and `ChatRepository`.
#[wasm_bindgen(typescript_custom_section)]
const TYPE_HEADER: &str = include_str!("../../../src/typedef-header.d.ts");

// Declarations of what the entry modules add beside the generated glue (see `edge/`): the
// error class from `js/shared.js` and the JID domain constant, declared as napi
// declares them for Node.
#[wasm_bindgen(typescript_custom_section)]
const ENTRY_EXPORTS: &str = r#"
export declare class EthoraError {}

/** Conference domain of Ethora Cloud room JIDs, as the reference exports it. */
export declare const ETHORA_JID_DOMAIN: string
"#;
