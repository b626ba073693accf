//! The grammar of a declaration in the method list:
//!
//! ```text
//! #[doc = " One line for both faces' type declarations."]
//! promise  Variant rust_name jsName(required, ...; optional, ...) -> "Resolved type" => |a| builder;
//! iterator Variant rust_name jsName(...) -> "TypeScript return type" pages ListingVariant;
//! wait     Variant rust_name jsName(...; options "options" options: "WaitForJobOptions") -> "Resolved type" reads ReadVariant;
//! local    Variant rust_name jsName(...) -> "TypeScript return type";
//! ensure   Variant rust_name jsName -> "Resolved type" creates CreateVariant;
//! ensure   Variant rust_name jsName -> "Resolved type" grants GrantVariant;
//! ```
//!
//! An `ensure` has no parameter list: it takes the parameters of the `promise` it names, and
//! makes its change only where it is missing (see `ethora_core::ensure`).
//!
//! A parameter is `rust_name "jsName" kind: "TypeScript type"`; its kind names how the core
//! reads it (a constructor in `ethora_core::api`: `id`, `ids`, `json`, ...). Parameters after
//! `;` may be left out.

use proc_macro2::{Ident, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Expr, Lit, LitStr, Meta, Token};

/// Parses `list` and hands it to `expand`; a declaration that does not parse is a compile
/// error at its place in the list.
pub fn expand(
    list: proc_macro::TokenStream,
    expand: fn(&[Method]) -> TokenStream,
) -> proc_macro::TokenStream {
    match syn::parse::<MethodList>(list) {
        Ok(list) => expand(&list.0).into(),
        Err(error) => error.to_compile_error().into(),
    }
}

pub struct MethodList(pub Vec<Method>);

/// One declaration.
pub struct Method {
    pub docs: Vec<Attribute>,
    /// The doc lines joined, trimmed: what the type declarations show.
    pub doc_text: String,
    pub shape: Shape,
    /// The variant of the core's table (`CreateUser`).
    pub variant: Ident,
    /// The method's name in Rust (`create_user`).
    pub rust_name: Ident,
    /// The method's name in JavaScript (`createUser`).
    pub js_name: Ident,
    pub parameters: Vec<Parameter>,
}

/// What the method is, with what follows its parameters.
pub enum Shape {
    /// A request that resolves with the response; `build` turns the arguments (`|a|`, an
    /// `ethora_core::api::Arguments`) into the request.
    Promise {
        resolves: LitStr,
        build: TokenStream,
    },
    /// An async iterator over the items of the listing method `pages`.
    Iterator { returns: LitStr, pages: Ident },
    /// Reads a job with the method `reads` until it has finished; the last parameter is the
    /// wait's options.
    Wait { resolves: LitStr, reads: Ident },
    /// Answers at once, without a request (`createChatName`); each face carries it out in its
    /// `local` method.
    Local { returns: LitStr },
    /// Makes sure what `writes` makes exists: `creates` (a conflict means it did) or
    /// `grants` (only the members the room lacks).
    Ensure {
        returns: LitStr,
        how: Ident,
        writes: Ident,
    },
}

#[derive(Clone)]
pub struct Parameter {
    pub rust_name: Ident,
    pub js_name: LitStr,
    /// The constructor in `ethora_core::api` that describes it (`id`, `json`, ...).
    pub kind: Ident,
    pub ts_type: LitStr,
    pub optional: bool,
}

impl Method {
    pub fn required(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters.iter().filter(|p| !p.optional)
    }

    pub fn optional(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters.iter().filter(|p| p.optional)
    }
}

impl Parse for MethodList {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut methods: Vec<Method> = Vec::new();
        while !input.is_empty() {
            methods.push(input.parse()?);
        }
        // Each ensure takes the parameters of the promise it names.
        for index in 0..methods.len() {
            let Shape::Ensure { writes, .. } = &methods[index].shape else {
                continue;
            };
            let written = methods
                .iter()
                .find(|m| &m.variant == writes && matches!(m.shape, Shape::Promise { .. }))
                .ok_or_else(|| {
                    syn::Error::new(writes.span(), "an ensure names a `promise` of the list")
                })?;
            let parameters = written.parameters.clone();
            methods[index].parameters = parameters;
        }
        Ok(MethodList(methods))
    }
}

impl Parse for Method {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let docs = input.call(Attribute::parse_outer)?;
        let doc_text = doc_text(&docs)?;
        let kind: Ident = input.parse()?;
        let variant = input.parse()?;
        let rust_name = input.parse()?;
        let js_name = input.parse()?;
        // An ensure's parameters are those of the promise it names (see `MethodList`).
        let parameters = if kind == "ensure" {
            Vec::new()
        } else {
            let inside;
            syn::parenthesized!(inside in input);
            parameters(&inside)?
        };
        let shape = match kind.to_string().as_str() {
            "promise" => {
                input.parse::<Token![->]>()?;
                let resolves = input.parse()?;
                input.parse::<Token![=>]>()?;
                Shape::Promise {
                    resolves,
                    build: until_semicolon(input)?,
                }
            }
            "iterator" => {
                input.parse::<Token![->]>()?;
                let returns = input.parse()?;
                keyword(input, "pages")?;
                Shape::Iterator {
                    returns,
                    pages: input.parse()?,
                }
            }
            "wait" => {
                input.parse::<Token![->]>()?;
                let resolves = input.parse()?;
                keyword(input, "reads")?;
                let reads = input.parse()?;
                if parameters.iter().filter(|p| p.optional).count() != 1 {
                    return Err(syn::Error::new(
                        kind.span(),
                        "a wait has one optional parameter, its options, after `;`",
                    ));
                }
                Shape::Wait { resolves, reads }
            }
            "local" => {
                input.parse::<Token![->]>()?;
                Shape::Local {
                    returns: input.parse()?,
                }
            }
            "ensure" => {
                input.parse::<Token![->]>()?;
                let returns = input.parse()?;
                let how: Ident = input.parse()?;
                if how != "creates" && how != "grants" {
                    return Err(syn::Error::new(
                        how.span(),
                        "expected `creates` or `grants`",
                    ));
                }
                Shape::Ensure {
                    returns,
                    how,
                    writes: input.parse()?,
                }
            }
            _ => {
                return Err(syn::Error::new(
                    kind.span(),
                    "expected `promise`, `iterator`, `wait`, `local` or `ensure`",
                ))
            }
        };
        input.parse::<Token![;]>()?;
        Ok(Method {
            docs,
            doc_text,
            shape,
            variant,
            rust_name,
            js_name,
            parameters,
        })
    }
}

/// `a "a" id: "UUID", b "b" json: "B"; c "c" query: "C"`
fn parameters(input: ParseStream) -> syn::Result<Vec<Parameter>> {
    let mut parameters = Vec::new();
    let mut optional = false;
    while !input.is_empty() {
        if input.peek(Token![;]) {
            if optional {
                return Err(
                    input.error("only one `;` between the required and optional parameters")
                );
            }
            input.parse::<Token![;]>()?;
            optional = true;
            continue;
        }
        let rust_name = input.parse()?;
        let js_name = input.parse()?;
        let kind = input.parse()?;
        input.parse::<Token![:]>()?;
        let ts_type = input.parse()?;
        parameters.push(Parameter {
            rust_name,
            js_name,
            kind,
            ts_type,
            optional,
        });
        // A comma between two parameters of a group; none after the last one.
        if !input.is_empty() && !input.peek(Token![;]) {
            input.parse::<Token![,]>()?;
            if input.is_empty() || input.peek(Token![;]) {
                return Err(input.error("a parameter after `,`"));
            }
        }
    }
    Ok(parameters)
}

fn keyword(input: ParseStream, word: &str) -> syn::Result<()> {
    let found: Ident = input.parse()?;
    if found != word {
        return Err(syn::Error::new(found.span(), format!("expected `{word}`")));
    }
    Ok(())
}

/// The tokens up to the next `;` outside any brackets (a builder closure).
fn until_semicolon(input: ParseStream) -> syn::Result<TokenStream> {
    input.step(|cursor| {
        let mut tokens = TokenStream::new();
        let mut rest = *cursor;
        while let Some((tree, next)) = rest.token_tree() {
            if matches!(&tree, TokenTree::Punct(p) if p.as_char() == ';') {
                return Ok((tokens, rest));
            }
            tokens.extend([tree]);
            rest = next;
        }
        Err(cursor.error("a builder must end with `;`"))
    })
}

/// The `#[doc = "..."]` lines joined as `concat!` joins them, trimmed.
fn doc_text(docs: &[Attribute]) -> syn::Result<String> {
    let mut text = String::new();
    for attribute in docs {
        match &attribute.meta {
            Meta::NameValue(pair) if pair.path.is_ident("doc") => match &pair.value {
                Expr::Lit(literal) => match &literal.lit {
                    Lit::Str(line) => text.push_str(&line.value()),
                    other => return Err(syn::Error::new(other.span(), "a doc line is a string")),
                },
                other => return Err(syn::Error::new_spanned(other, "a doc line is a string")),
            },
            _ => {
                return Err(syn::Error::new_spanned(
                    attribute,
                    "only `#[doc = \"...\"]` lines",
                ))
            }
        }
    }
    Ok(text.trim_ascii().to_owned())
}

#[cfg(test)]
mod tests {
    use super::{MethodList, Shape};
    use quote::quote;

    fn parse(list: proc_macro2::TokenStream) -> syn::Result<MethodList> {
        syn::parse2::<MethodList>(list)
    }

    #[test]
    fn reads_each_kind_of_declaration() {
        let list = parse(quote! {
            #[doc = " POST /v2/chats."]
            #[doc = " Second line. "]
            promise CreateChatRoom create_chat_room createChatRoom(chat_id "chatId" id: "UUID"; room_data "roomData" json: "Partial<R>") -> "Reply" => |a| { let x = a.id(0)?; build(x, a.value(1)) };
            iterator IterateUsers iterate_users iterateUsers(; params "params" query: "P") -> "AsyncIterableIterator<U>" pages GetUsers;
            wait WaitForJob wait_for_job waitForJob(app_id "appId" id: "UUID"; options "options" options: "O") -> "Job" reads GetJob;
            local CreateName create_name createName(chat_id "chatId" id: "UUID"; full "full" flag: "boolean") -> "string";
            ensure EnsureRoom ensure_room ensureRoom -> "E" creates CreateChatRoom;
        })
        .map_err(|e| e.to_string())
        .unwrap_or_else(|e| panic!("{e}"));
        let [promise, iterator, wait, local, ensure] = &list.0[..] else {
            panic!("five declarations")
        };
        assert_eq!(promise.doc_text, "POST /v2/chats. Second line.");
        assert_eq!(promise.js_name, "createChatRoom");
        assert_eq!(promise.required().count(), 1);
        assert_eq!(
            promise
                .optional()
                .map(|p| p.js_name.value())
                .collect::<Vec<_>>(),
            ["roomData"]
        );
        assert!(
            matches!(&promise.shape, Shape::Promise { resolves, build } if resolves.value() == "Reply" && build.to_string().contains("let x"))
        );
        assert!(
            matches!(&iterator.shape, Shape::Iterator { returns, pages } if returns.value() == "AsyncIterableIterator<U>" && pages == "GetUsers")
        );
        assert_eq!(iterator.required().count(), 0);
        assert!(
            matches!(&wait.shape, Shape::Wait { resolves, reads } if resolves.value() == "Job" && reads == "GetJob")
        );
        assert!(matches!(&local.shape, Shape::Local { returns } if returns.value() == "string"));
        assert_eq!(local.optional().count(), 1);
        assert!(
            matches!(&ensure.shape, Shape::Ensure { returns, how, writes } if returns.value() == "E" && how == "creates" && writes == "CreateChatRoom")
        );
        // The ensure took the parameters of the promise it names.
        assert_eq!(
            ensure
                .parameters
                .iter()
                .map(|p| p.js_name.value())
                .collect::<Vec<_>>(),
            ["chatId", "roomData"]
        );
    }

    #[test]
    fn refuses_what_the_grammar_does_not_allow() {
        let refused = [
            quote! { request A a a(); },
            quote! { promise A a a() => |a| f(a); },
            quote! { wait A a a(; o "o" options: "O") reads B; },
            quote! { wait A a a(x "x" id: "UUID") reads B; },
            quote! { promise A a a(x "x" id: "UUID"; y "y" json: "Y"; z "z" json: "Z") => |a| f(a); },
            quote! { promise A a a(x "x" id: "UUID") => |a| f(a) },
            quote! { iterator A a a() -> "T" walks B; },
            quote! { local A a a() => |a| f(a); },
            quote! { wait A a a(x "x" id: "UUID"; o "o" options: "O", p "p" json: "P") reads B; },
            quote! { promise A a a(x "x" id: "UUID" y "y" id: "UUID") => |a| f(a); },
            quote! { promise A a a(x "x" id: "UUID",; y "y" json: "Y") => |a| f(a); },
            quote! { promise A a a(x "x" id: "UUID"; y "y" json: "Y",) => |a| f(a); },
            quote! { #[inline] promise A a a() => |a| f(a); },
            quote! { ensure A a a -> "T" makes B; },
            quote! { ensure A a a creates B; },
            quote! { ensure A a a -> "T" creates Missing; },
            quote! { ensure A a a(x "x" id: "UUID") -> "T" creates B; },
        ];
        for list in refused {
            assert!(parse(list.clone()).is_err(), "{list}");
        }
    }
}
