//! The SDK's method list (`ethora_core::sdk_methods!`, in `crates/ethora-core/src/api/methods.rs`)
//! is read here, once: [`grammar`] parses it, and each macro below expands it for one part of
//! the SDK. The list calls the macro it is given with every declaration, so
//! `ethora_core::sdk_methods!(ethora_methods::node_methods)` writes the Node face's methods.
//!
//! - [`core_api_calls`], [`core_listing_calls`], [`core_job_wait_calls`],
//!   [`core_local_calls`], [`core_ensure_calls`]: the core's tables (`ApiCall`,
//!   `ListingCall`, `JobWaitCall`, `LocalCall`, `EnsureCall`), in `api/mod.rs`,
//!   `listing.rs`, `job_waits.rs`, `functions.rs`, `ensure.rs`.
//! - [`node_methods`]: the methods of the Node face's `EthoraSDKService` (`src/service.rs`).
//! - [`wasm_methods`]: the same for the WebAssembly face (`crates/ethora-wasm/src/service.rs`).
//!
//! Each face's method is a one-line call into its own source (`call`, `iterate`, `wait`,
//! `local`, `ensure`), so what a call does stays there.
#![forbid(unsafe_code)]

mod core_tables;
mod faces;
mod grammar;

use proc_macro::TokenStream;

/// The core's `ApiCall` table and `build_request`, from the list's `promise` declarations.
#[proc_macro]
pub fn core_api_calls(list: TokenStream) -> TokenStream {
    grammar::expand(list, core_tables::api_calls)
}

/// The core's `ListingCall` table, from the list's `iterator` declarations.
#[proc_macro]
pub fn core_listing_calls(list: TokenStream) -> TokenStream {
    grammar::expand(list, core_tables::listing_calls)
}

/// The core's `JobWaitCall` table, from the list's `wait` declarations.
#[proc_macro]
pub fn core_job_wait_calls(list: TokenStream) -> TokenStream {
    grammar::expand(list, core_tables::job_wait_calls)
}

/// The core's `LocalCall` table, from the list's `local` declarations.
#[proc_macro]
pub fn core_local_calls(list: TokenStream) -> TokenStream {
    grammar::expand(list, core_tables::local_calls)
}

/// The core's `EnsureCall` table, from the list's `ensure` declarations.
#[proc_macro]
pub fn core_ensure_calls(list: TokenStream) -> TokenStream {
    grammar::expand(list, core_tables::ensure_calls)
}

/// Every method of the Node face's `EthoraSDKService` that the list declares.
#[proc_macro]
pub fn node_methods(list: TokenStream) -> TokenStream {
    grammar::expand(list, faces::node)
}

/// Every method of the WebAssembly face's `EthoraSDKService` that the list declares.
#[proc_macro]
pub fn wasm_methods(list: TokenStream) -> TokenStream {
    grammar::expand(list, faces::wasm)
}
