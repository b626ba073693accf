//! Each face's methods: the signature its binding generator (napi-rs, wasm-bindgen) reads,
//! with the TypeScript types of the declaration, and a body that hands the arguments to the
//! face's own `EthoraSDKService` methods, in list order.

use proc_macro2::TokenStream;
use quote::quote;

use crate::grammar::{Method, Shape};

/// The Node face (`src/service.rs`): arguments arrive as napi-rs `Unknown`s, read as JSON
/// under their parameters' names by `EthoraSDKService::call`, `iterate::listing`,
/// `iterate::wait_for_job` and `iterate::ensure`; a local method's by `EthoraSDKService::local`.
pub fn node(methods: &[Method]) -> TokenStream {
    let each = methods.iter().map(|method| {
        let Method { docs, rust_name, variant, .. } = method;
        let required: Vec<_> = method.required().map(|p| &p.rust_name).collect();
        let required_ts = method.required().map(|p| &p.ts_type);
        let optional: Vec<_> = method.optional().map(|p| &p.rust_name).collect();
        let optional_ts = method.optional().map(|p| &p.ts_type);
        let parameters = quote! {
            #(#[napi(ts_arg_type = #required_ts)] #required: Unknown,)*
            #(#[napi(ts_arg_type = #optional_ts)] #optional: Option<Unknown>,)*
        };
        // A method that returns a promise of `resolves`, settled by `body`.
        let promise = |resolves: &syn::LitStr, body: TokenStream| {
            let returns = promised(resolves);
            quote! {
                #(#docs)*
                #[napi(ts_return_type = #returns)]
                pub fn #rust_name<'env>(&self, env: &'env Env, #parameters) -> PendingResponse<'env> {
                    #body
                }
            }
        };
        match &method.shape {
            Shape::Promise { resolves, .. } => promise(
                resolves,
                quote! { self.call(env, ApiCall::#variant, [#(Some(#required),)* #(#optional,)*]) },
            ),
            Shape::Iterator { returns, .. } => quote! {
                #(#docs)*
                #[napi(ts_return_type = #returns)]
                pub fn #rust_name(&self, env: Env, #parameters) -> Result<iterate::ListingIterator> {
                    iterate::listing(&env, &self.client, ListingCall::#variant, vec![#(Some(#required),)* #(#optional,)*])
                }
            },
            // The grammar makes the options the one optional parameter of a wait.
            Shape::Wait { resolves, .. } => promise(
                resolves,
                quote! { iterate::wait_for_job(env, &self.client, JobWaitCall::#variant, vec![#(#required,)*], #(#optional)*) },
            ),
            Shape::Ensure { returns, .. } => promise(
                returns,
                quote! { iterate::ensure(env, &self.client, EnsureCall::#variant, vec![#(Some(#required),)* #(#optional,)*]) },
            ),
            // Every argument taken as it came (napi-rs would read `null` as absent, where
            // JavaScript's truthiness reads it as false), the signature written out for it.
            Shape::Local { returns } => {
                let signature = method
                    .parameters
                    .iter()
                    .map(|p| format!("{}{}: {}", p.js_name.value(), if p.optional { "?" } else { "" }, p.ts_type.value()))
                    .collect::<Vec<_>>()
                    .join(", ");
                let all = method.parameters.iter().map(|p| &p.rust_name);
                let all_again = all.clone();
                quote! {
                    #(#docs)*
                    #[napi(ts_args_type = #signature, ts_return_type = #returns)]
                    pub fn #rust_name(&self, env: Env, #(#all: Unknown,)*) -> Result<String> {
                        self.local(&env, LocalCall::#variant, &[#(#all_again,)*])
                    }
                }
            }
        }
    });
    quote! {
        #[napi]
        impl EthoraSDKService {
            #(#each)*
        }
    }
}

/// `Promise<T>` of a resolved type, as a string literal.
fn promised(resolves: &syn::LitStr) -> TokenStream {
    let returns = format!("Promise<{}>", resolves.value());
    quote! { #returns }
}

/// The WebAssembly face (`crates/ethora-wasm/src/service.rs`): arguments arrive as the
/// reader's text from the facade, handed to `EthoraSDKService::call`, `iterate`,
/// `wait_for_job`, `ensure` and `local`.
pub fn wasm(methods: &[Method]) -> TokenStream {
    let each = methods.iter().map(|method| {
        let Method { docs, rust_name, js_name, variant, .. } = method;
        let required: Vec<_> = method.required().map(|p| &p.rust_name).collect();
        let required_js = method.required().map(|p| &p.js_name);
        let required_ts = method.required().map(|p| &p.ts_type);
        let optional: Vec<_> = method.optional().map(|p| &p.rust_name).collect();
        let optional_js: Vec<_> = method.optional().map(|p| &p.js_name).collect();
        let optional_ts: Vec<_> = method.optional().map(|p| &p.ts_type).collect();
        let required_parameters = quote! {
            #(#[wasm_bindgen(js_name = #required_js, unchecked_param_type = #required_ts)] #required: Option<String>,)*
        };
        // Every argument as the reader's text, or (a wait's options) a JavaScript value.
        let parameters = |optional_type: TokenStream| {
            quote! {
                #required_parameters
                #(#[wasm_bindgen(js_name = #optional_js, unchecked_optional_param_type = #optional_ts)] #optional: #optional_type,)*
            }
        };
        let (returns, result, body) = match &method.shape {
            Shape::Promise { resolves, .. } => (
                promised(resolves),
                quote! { Promise },
                quote! { self.call(ApiCall::#variant, &[#(#required,)* #(#optional,)*]) },
            ),
            Shape::Iterator { returns, .. } => (
                quote! { #returns },
                quote! { Result<ListingIterator, JsValue> },
                quote! { self.iterate(ListingCall::#variant, &[#(#required,)* #(#optional,)*]) },
            ),
            Shape::Wait { resolves, .. } => (
                promised(resolves),
                quote! { Promise },
                quote! { self.wait_for_job(JobWaitCall::#variant, &[#(#required,)*], #(&#optional)*) },
            ),
            Shape::Local { returns } => (
                quote! { #returns },
                quote! { Result<String, JsValue> },
                quote! { self.local(LocalCall::#variant, &[#(#required,)* #(#optional,)*]) },
            ),
            Shape::Ensure { returns, .. } => (
                promised(returns),
                quote! { Promise },
                quote! { self.ensure(EnsureCall::#variant, &[#(#required,)* #(#optional,)*]) },
            ),
        };
        // The options of a wait stay a JavaScript value: they may hold an `AbortSignal`.
        let parameters = match &method.shape {
            Shape::Wait { .. } => parameters(quote! { JsValue }),
            _ => parameters(quote! { Option<String> }),
        };
        quote! {
            #(#docs)*
            #[wasm_bindgen(js_name = #js_name, unchecked_return_type = #returns)]
            pub fn #rust_name(&self, #parameters) -> #result {
                #body
            }
        }
    });
    quote! {
        #[wasm_bindgen(js_class = EthoraSDKService)]
        impl EthoraSDKService {
            #(#each)*
        }
    }
}
