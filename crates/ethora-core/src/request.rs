//! A transport-independent description of one API call.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// What an operation resolves to when the server says the target does not exist
/// (HTTP 422 with "not found" in the body), instead of failing.
#[derive(Debug, Clone, PartialEq)]
pub enum NotFound {
    Fail,
    ResolveWith(Value),
}

/// Method, encoded path and query, JSON body: everything needed to send one call.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    pub method: HttpMethod,
    /// The path with placeholders for its ids (`/v2/apps/{appId}`): what traces and events
    /// name, never the ids themselves.
    pub route: &'static str,
    /// Starts with `/`; every id segment is already percent-encoded.
    pub path: String,
    /// Empty, or `?` followed by the encoded query.
    pub query: String,
    pub body: Option<Value>,
    pub not_found: NotFound,
}

impl ApiRequest {
    /// A request to `path`, an instance of `route`.
    pub fn at(route: &'static str, method: HttpMethod, path: String) -> Self {
        ApiRequest {
            method,
            route,
            path,
            query: String::new(),
            body: None,
            not_found: NotFound::Fail,
        }
    }

    /// A request to a path without ids.
    pub fn fixed(method: HttpMethod, path: &'static str) -> Self {
        Self::at(path, method, path.to_owned())
    }

    pub fn with_body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn with_query(mut self, query: String) -> Self {
        self.query = query;
        self
    }

    pub fn resolving_not_found_with(mut self, value: Value) -> Self {
        self.not_found = NotFound::ResolveWith(value);
        self
    }

    /// Path and query, as they follow the base URL.
    pub fn path_and_query(&self) -> String {
        format!("{}{}", self.path, self.query)
    }
}
