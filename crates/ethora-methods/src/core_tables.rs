//! The core's tables: one enum per kind of method, with what the core needs of each
//! declaration (its JavaScript name, parameters, doc line, and how it is carried out).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::grammar::{Method, Parameter, Shape};

/// `crate::api::id("userId", "UUID", false)`: the core's description of a parameter.
fn parameter(parameter: &Parameter) -> TokenStream {
    let Parameter {
        js_name,
        kind,
        ts_type,
        optional,
        ..
    } = parameter;
    quote! { crate::api::#kind(#js_name, #ts_type, #optional) }
}

/// The declarations `pick` takes, each with what it took from the declaration's shape.
fn of_shape<'a, T>(
    methods: &'a [Method],
    pick: impl Fn(&'a Shape) -> Option<T>,
) -> (Vec<&'a Method>, Vec<T>) {
    methods
        .iter()
        .filter_map(|m| pick(&m.shape).map(|taken| (m, taken)))
        .unzip()
}

/// What every table has: the enum (`what` says what its variants are), `ALL`, `js_name`,
/// and, where `with_parameters`, `parameters` and `doc`; `more` is the rest of its `impl`.
fn table(
    name: &str,
    what: &str,
    methods: &[&Method],
    with_parameters: bool,
    more: TokenStream,
) -> TokenStream {
    let table: Ident = format_ident!("{name}");
    let enum_doc = format!(" Every {what} of `EthoraSDKService`.");
    let variants: Vec<_> = methods.iter().map(|m| &m.variant).collect();
    let js_names = methods.iter().map(|m| m.js_name.to_string());
    let described = with_parameters.then(|| {
        let parameters = methods.iter().map(|m| {
            let each = m.parameters.iter().map(parameter);
            quote! { const { &[#(#each,)*] } }
        });
        let docs = methods.iter().map(|m| &m.doc_text);
        quote! {
            /// The parameters, in order.
            pub const fn parameters(self) -> &'static [Parameter] {
                match self { #(#table::#variants => #parameters,)* }
            }

            /// The method's doc line, as both bindings' type declarations show it.
            pub const fn doc(self) -> &'static str {
                match self { #(#table::#variants => #docs,)* }
            }
        }
    });
    quote! {
        #[doc = #enum_doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum #table {
            #(#variants,)*
        }

        impl #table {
            /// All of them, in the declarations' order.
            pub const ALL: &'static [#table] = &[#(#table::#variants,)*];

            /// The method name in JavaScript.
            pub const fn js_name(self) -> &'static str {
                match self { #(#table::#variants => #js_names,)* }
            }

            #described

            #more
        }
    }
}

/// `ApiCall` (every `promise`) and `build_request`.
pub fn api_calls(methods: &[Method]) -> TokenStream {
    let (promises, shapes) = of_shape(methods, |shape| match shape {
        Shape::Promise { resolves, build } => Some((resolves, build)),
        _ => None,
    });
    let (resolves, builds): (Vec<_>, Vec<_>) = shapes.into_iter().unzip();
    let variants: Vec<_> = promises.iter().map(|m| &m.variant).collect();
    let more = quote! {
        /// The TypeScript type the method's promise resolves with.
        pub const fn resolves(self) -> &'static str {
            match self { #(ApiCall::#variants => #resolves,)* }
        }
    };
    let head = table("ApiCall", "network method", &promises, true, more);
    quote! {
        #head

        /// Builds the request of `call` from its arguments, with the builder its declaration
        /// names. `app_id` is the configured app, used by the methods that work on it
        /// implicitly.
        pub fn build_request(
            call: ApiCall,
            app_id: &str,
            values: &[Option<Value>],
        ) -> Result<ApiRequest> {
            let arguments = Arguments { call, app_id, values };
            match call {
                #(ApiCall::#variants => build_with(&arguments, #builds),)*
            }
        }
    }
}

/// `ListingCall` (every `iterator`).
pub fn listing_calls(methods: &[Method]) -> TokenStream {
    let (iterators, shapes) = of_shape(methods, |shape| match shape {
        Shape::Iterator { returns, pages } => Some((returns, pages)),
        _ => None,
    });
    let (returns, pages): (Vec<_>, Vec<_>) = shapes.into_iter().unzip();
    let variants: Vec<_> = iterators.iter().map(|m| &m.variant).collect();
    let more = quote! {
        /// The listing method each page is fetched with.
        pub fn page_call(self) -> ApiCall {
            match self { #(ListingCall::#variants => ApiCall::#pages,)* }
        }

        /// The TypeScript type the method returns.
        pub fn return_type(self) -> &'static str {
            match self { #(ListingCall::#variants => #returns,)* }
        }
    };
    table("ListingCall", "listing iterator", &iterators, true, more)
}

/// `JobWaitCall` (every `wait`).
pub fn job_wait_calls(methods: &[Method]) -> TokenStream {
    let (waits, reads) = of_shape(methods, |shape| match shape {
        Shape::Wait { reads, .. } => Some(reads),
        _ => None,
    });
    let variants: Vec<_> = waits.iter().map(|m| &m.variant).collect();
    // The grammar makes sure a wait's options are its last parameter.
    let options = waits.iter().map(|m| m.parameters.last().map(parameter));
    let more = quote! {
        /// The options parameter (last).
        pub fn options_parameter(self) -> crate::api::Parameter {
            match self { #(JobWaitCall::#variants => #options,)* }
        }

        /// The method each read of the job is.
        pub fn read_call(self) -> ApiCall {
            match self { #(JobWaitCall::#variants => ApiCall::#reads,)* }
        }
    };
    table("JobWaitCall", "job wait", &waits, false, more)
}

/// `LocalCall` (every `local`): the methods each face answers itself, without a request.
pub fn local_calls(methods: &[Method]) -> TokenStream {
    let (locals, returns) = of_shape(methods, |shape| match shape {
        Shape::Local { returns } => Some(returns),
        _ => None,
    });
    let variants: Vec<_> = locals.iter().map(|m| &m.variant).collect();
    let more = quote! {
        /// The TypeScript type the method returns.
        pub const fn return_type(self) -> &'static str {
            match self { #(LocalCall::#variants => #returns,)* }
        }
    };
    table("LocalCall", "local method", &locals, true, more)
}

/// `EnsureCall` (every `ensure`).
pub fn ensure_calls(methods: &[Method]) -> TokenStream {
    let (ensures, shapes) = of_shape(methods, |shape| match shape {
        Shape::Ensure {
            returns,
            how,
            writes,
        } => Some((returns, how, writes)),
        _ => None,
    });
    let variants: Vec<_> = ensures.iter().map(|m| &m.variant).collect();
    let writes = shapes.iter().map(|(_, _, writes)| writes);
    let grants = shapes.iter().map(|(_, how, _)| *how == "grants");
    let more = quote! {
        /// The method whose change it makes.
        pub fn write_call(self) -> ApiCall {
            match self { #(EnsureCall::#variants => ApiCall::#writes,)* }
        }

        /// Whether it grants access (else it creates).
        pub fn grants(self) -> bool {
            match self { #(EnsureCall::#variants => #grants,)* }
        }
    };
    table("EnsureCall", "ensure method", &ensures, true, more)
}
