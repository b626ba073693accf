//! Node.js face of the Ethora SDK: hands JavaScript values to `ethora-core` and back.
//!
//! Every argument is read as `ethora_core::boundary` describes (plain strings directly,
//! anything else through the shared reader in js/shared.js) and checked by the core's rules,
//! so a wrong value is an `EthoraError` with `code: 'ETHORA_VALIDATION'` that names the
//! argument (a rejected promise for network methods), never a bare conversion error.
//! Network methods build their request with a pure core operation, send it on the tokio
//! runtime through the client's shared connection pool, and return a promise.
//!
//! The same file names as the WebAssembly face (`crates/ethora-wasm/src/`) for the same
//! jobs: `service.rs` (the class), `functions.rs` (the module's functions), `iterate.rs`,
//! `errors.rs`, `observe.rs`. Only this face has `start.rs` (what runs when Node loads the
//! addon), `relay.rs` (sending through Node's HTTP stack), `bench_probes.rs` and `raw/`, the
//! one folder allowed `unsafe`.

#![deny(clippy::all)]
#![deny(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]
// Under `cargo test` napi-rs registers nothing, so the exported items look unused.
#![cfg_attr(test, allow(dead_code))]

#[cfg(feature = "bench-probes")]
mod bench_probes;
mod errors;
mod functions;
mod iterate;
mod observe;
#[allow(unsafe_code)]
mod raw;
mod relay;
mod service;
mod start;

pub use crate::errors::EthoraError;
pub use crate::service::EthoraSDKService;
pub use ethora_types::*;

/// The addon's allocator on Linux (why: ARCHITECTURE.md, "Allocator").
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
