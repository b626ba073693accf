//! Binding-agnostic core of `@ethora-rs/sdk-backend`.
//!
//! - [`api`]: the method table, the argument reader, and each API call as a pure function
//!   from arguments to an [`ApiRequest`], one module per resource.
//! - [`client::EthoraClient`]: configuration, derived signing keys and the one transport.
//! - [`token`]: the reference SDK's scoped HS256 tokens.
//!
//! It compiles natively and for `wasm32-unknown-unknown`; the Node (napi) and edge
//! (wasm-bindgen) bindings only convert types and call into it.

#![forbid(unsafe_code)]

pub mod api;
pub mod boundary;
pub mod client;
pub mod config;
pub mod encode;
pub mod ensure;
pub mod error;
pub mod functions;
pub mod import;
pub mod javascript;
pub mod job_waits;
pub mod listing;
pub mod logging;
pub mod naming;
pub mod observe;
pub mod request;
pub mod response;
pub mod retry;
pub mod token;
pub mod transport;
#[cfg(not(target_arch = "wasm32"))]
pub mod trust;

pub use client::EthoraClient;
pub use config::{ClientConfig, ConfigInput};
pub use error::{ErrorCode, EthoraError, Result};
pub use request::{ApiRequest, HttpMethod, NotFound};
