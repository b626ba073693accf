//! One HTTP exchange: reqwest natively (tokio, rustls, the connection pool), the runtime's
//! own `fetch` on wasm. The client builds the request and reads the outcome the same way on
//! both; only sending and reading the body differ.

use std::time::Duration;

use http::{HeaderName, HeaderValue};

use crate::error::TlsReason;
use crate::request::HttpMethod;
use crate::retry::Delivery;

/// What to send.
pub struct Outgoing<'a> {
    pub method: HttpMethod,
    pub url: &'a str,
    pub headers: [(HeaderName, HeaderValue); 6],
    pub body: Option<bytes::Bytes>,
    /// The attempt's time limit: a binding's relay applies it (the native transport's client
    /// has the same limit of its own; on wasm the client's timer bounds the attempt and
    /// dropping it aborts the fetch).
    pub timeout: Duration,
    /// The config's `transport` (on the edge build in Node: whether a hooked `http.request`
    /// may carry the attempt).
    pub transport: crate::config::TransportChoice,
    /// Header lines (`name\nvalue\n`) of the attempt's trace context, when it is traced.
    pub trace_headers: Option<&'a str>,
}

impl Failure {
    /// The failure js/transport.js's exchanges report by code (0: not sent, 1: timed out,
    /// 2: broken after sending); any other code counts as not sent.
    pub fn from_exchange_code(code: u32) -> Failure {
        match code {
            1 => Failure::TimedOut(Delivery::MaybeSent),
            2 => Failure::Broken(Delivery::MaybeSent),
            _ => Failure::Broken(Delivery::NotSent),
        }
    }
}

/// `name\nvalue\n` header lines as pairs (an odd last line is dropped).
pub fn header_pairs(lines: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut parts = lines.split('\n');
    std::iter::from_fn(move || Some((parts.next()?, parts.next()?)))
}

/// Why an exchange did not produce a complete response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The server's certificate was refused, before anything was sent.
    Tls(TlsReason),
    /// The time limit ran out.
    TimedOut(Delivery),
    /// The connection failed or broke.
    Broken(Delivery),
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::{Incoming, Relay, RelayRequest, RelayedResponse, ResponseHeaders, Transport};
#[cfg(target_arch = "wasm32")]
pub use web::{fetch_exchange, FetchRequest, Incoming, ResponseHeaders, Transport};

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::{Failure, Outgoing};
    use crate::config::ClientConfig;
    use crate::error::{EthoraError, Result, TlsReason};
    use crate::request::HttpMethod;
    use crate::retry::Delivery;

    pub struct Transport {
        http: reqwest::Client,
        base: Option<BaseUrl>,
    }

    /// The configured API URL, parsed once: a request's URL is a copy of it with the
    /// request's path and query set, so that its scheme and host are not parsed again on
    /// every call (ARCHITECTURE.md, "Sustained load").
    struct BaseUrl {
        text: String,
        parsed: reqwest::Url,
        /// What the path of a request's URL starts with.
        path_prefix: String,
    }

    impl BaseUrl {
        /// `None` where the configured text is not already in the form the URL parser
        /// writes (then every URL is parsed whole, as written).
        fn new(text: &str) -> Option<BaseUrl> {
            let parsed = reqwest::Url::parse(text).ok()?;
            if parsed.cannot_be_a_base() || parsed.query().is_some() || parsed.fragment().is_some()
            {
                return None;
            }
            let path_prefix = if parsed.as_str() == text {
                parsed.path().to_owned()
            } else if parsed.path() == "/" && parsed.as_str().strip_suffix('/') == Some(text) {
                String::new()
            } else {
                return None;
            };
            Some(BaseUrl {
                text: text.to_owned(),
                parsed,
                path_prefix,
            })
        }

        /// The URL `full` parses to, when `full` is this base followed by a path (from
        /// `/`) and a query.
        fn join(&self, full: &str) -> Option<reqwest::Url> {
            let rest = full.strip_prefix(self.text.as_str())?;
            if !rest.starts_with('/') || rest.contains('#') {
                return None;
            }
            let (path, query) = match rest.split_once('?') {
                Some((path, query)) => (path, Some(query)),
                None => (rest, None),
            };
            let mut url = self.parsed.clone();
            if self.path_prefix.is_empty() {
                url.set_path(path);
            } else {
                url.set_path(&format!("{}{path}", self.path_prefix));
            }
            url.set_query(query);
            Some(url)
        }
    }

    /// A response: from the connection pool, or read whole by a binding's relay.
    pub enum Incoming {
        Pooled(reqwest::Response),
        Relayed(RelayedResponse),
    }

    /// An attempt as a binding's relay sends it (the Node face's route through Node's own
    /// HTTP stack, where a test interceptor or an APM agent sees it).
    pub struct RelayRequest {
        pub method: &'static str,
        pub url: String,
        /// `name\nvalue\n` for each header (names and values hold no line feed).
        pub header_lines: String,
        pub body: Option<bytes::Bytes>,
        pub timeout: std::time::Duration,
        /// A body longer than this may be cut short (it fails as too long either way).
        pub max_response_bytes: usize,
    }

    impl RelayRequest {
        pub fn new(outgoing: Outgoing<'_>, max_response_bytes: usize) -> Self {
            let mut header_lines = String::with_capacity(512);
            for (name, value) in &outgoing.headers {
                // Every header the client sets is visible ASCII.
                if let Ok(value) = value.to_str() {
                    header_lines.push_str(name.as_str());
                    header_lines.push('\n');
                    header_lines.push_str(value);
                    header_lines.push('\n');
                }
            }
            header_lines.push_str(outgoing.trace_headers.unwrap_or_default());
            RelayRequest {
                method: outgoing.method.as_str(),
                url: outgoing.url.to_owned(),
                header_lines,
                body: outgoing.body,
                timeout: outgoing.timeout,
                max_response_bytes,
            }
        }
    }

    /// A response a relay read whole.
    pub struct RelayedResponse {
        status: u16,
        headers: http::HeaderMap,
        body: Vec<u8>,
    }

    impl RelayedResponse {
        /// `header_lines` as [`RelayRequest::header_lines`]; lines that are not a valid
        /// header are left out.
        pub fn new(status: u16, header_lines: &str, body: Vec<u8>) -> Self {
            let mut headers = http::HeaderMap::new();
            for (name, value) in super::header_pairs(header_lines) {
                let name = http::HeaderName::from_bytes(name.as_bytes());
                let value = http::HeaderValue::from_str(value);
                if let (Ok(name), Ok(value)) = (name, value) {
                    headers.append(name, value);
                }
            }
            RelayedResponse {
                status,
                headers,
                body,
            }
        }
    }

    /// A binding's way of sending one attempt itself; resolves with the whole response or
    /// the exchange's failure, within the request's time limit.
    pub trait Relay: Send + Sync {
        fn send(
            &self,
            request: RelayRequest,
        ) -> std::pin::Pin<
            Box<
                dyn std::future::Future<Output = std::result::Result<RelayedResponse, Failure>>
                    + Send,
            >,
        >;
    }

    /// A response's headers, kept apart from it.
    pub struct ResponseHeaders(http::HeaderMap);

    impl ResponseHeaders {
        pub fn get(&self, name: &str) -> Option<String> {
            header_text(&self.0, name)
        }
    }

    /// A header's value as text (`None` when absent or not visible ASCII).
    fn header_text(headers: &http::HeaderMap, name: &str) -> Option<String> {
        let value = headers.get(name)?;
        value.to_str().ok().map(str::to_owned)
    }

    impl Transport {
        /// Trusts what Node trusts and more (trust.rs): the system's store, the bundled
        /// roots, the `ca` option and `NODE_EXTRA_CA_CERTS`. Proxies: `HTTPS_PROXY` /
        /// `HTTP_PROXY` / `NO_PROXY` (reqwest reads them) unless the `proxy` option says
        /// otherwise.
        pub fn new(config: &ClientConfig) -> Result<Self> {
            use crate::config::ProxySetting;
            let mut builder = reqwest::Client::builder()
                .timeout(config.timeout)
                .connect_timeout(config.connect_timeout)
                .pool_idle_timeout(std::time::Duration::from_secs(30))
                .pool_max_idle_per_host(config.max_connections)
                .tcp_nodelay(true);
            builder =
                builder.use_preconfigured_tls(crate::trust::tls_config(&config.extra_ca_pem)?);
            builder = match &config.proxy {
                ProxySetting::FromEnvironment => builder,
                ProxySetting::Off => builder.no_proxy(),
                ProxySetting::Url(url) => builder.proxy(crate::config::proxy_for(url)?),
            };
            let http = builder
                .build()
                .map_err(|_| EthoraError::config("could not initialise the HTTP client"))?;
            Ok(Transport {
                http,
                base: BaseUrl::new(&config.api_url),
            })
        }

        pub async fn send(&self, outgoing: Outgoing<'_>) -> std::result::Result<Incoming, Failure> {
            // The client's own time limit is the attempt's (`Outgoing::timeout`, set from
            // the same config), so none is set per request.
            let method = method(outgoing.method);
            let mut builder = match self.base.as_ref().and_then(|base| base.join(outgoing.url)) {
                Some(url) => self.http.request(method, url),
                None => self.http.request(method, outgoing.url),
            };
            for (name, value) in outgoing.headers {
                builder = builder.header(name, value);
            }
            // Only pairs that are valid headers (the trace context is the application's propagator's).
            for (name, value) in super::header_pairs(outgoing.trace_headers.unwrap_or_default()) {
                let name = http::HeaderName::from_bytes(name.as_bytes());
                if let (Ok(name), Ok(value)) = (name, http::HeaderValue::from_str(value)) {
                    builder = builder.header(name, value);
                }
            }
            if let Some(body) = outgoing.body {
                builder = builder.body(body);
            }
            let response = builder.send().await.map_err(|e| failure(&e))?;
            Ok(Incoming::Pooled(response))
        }
    }

    impl Incoming {
        pub fn status(&self) -> u16 {
            match self {
                Incoming::Pooled(response) => response.status().as_u16(),
                Incoming::Relayed(response) => response.status,
            }
        }

        fn headers(&self) -> &http::HeaderMap {
            match self {
                Incoming::Pooled(response) => response.headers(),
                Incoming::Relayed(response) => &response.headers,
            }
        }

        pub fn header(&self, name: &str) -> Option<String> {
            header_text(self.headers(), name)
        }

        /// The response's headers, moved out (for a judgment made after the response is
        /// gone).
        pub fn take_headers(&mut self) -> ResponseHeaders {
            ResponseHeaders(std::mem::take(match self {
                Incoming::Pooled(response) => response.headers_mut(),
                Incoming::Relayed(response) => &mut response.headers,
            }))
        }

        /// Reads the body into `buffer` (cleared first, sized from Content-Length when the
        /// server sent one); `false` as soon as it grows past `limit` bytes.
        pub async fn read_body(
            &mut self,
            limit: usize,
            buffer: &mut Vec<u8>,
        ) -> std::result::Result<bool, Failure> {
            buffer.clear();
            let response = match self {
                Incoming::Pooled(response) => response,
                Incoming::Relayed(relayed) => {
                    if relayed.body.len() > limit {
                        return Ok(false);
                    }
                    std::mem::swap(buffer, &mut relayed.body);
                    return Ok(true);
                }
            };
            match response.content_length() {
                Some(length) if length > limit as u64 => return Ok(false),
                Some(length) => buffer.reserve(length as usize),
                None => {}
            }
            while let Some(chunk) = response.chunk().await.map_err(|e| failure(&e))? {
                if buffer.len() + chunk.len() > limit {
                    return Ok(false);
                }
                buffer.extend_from_slice(&chunk);
            }
            Ok(true)
        }
    }

    fn method(method: HttpMethod) -> reqwest::Method {
        match method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Patch => reqwest::Method::PATCH,
            HttpMethod::Delete => reqwest::Method::DELETE,
        }
    }

    fn failure(error: &reqwest::Error) -> Failure {
        if let Some(reason) = certificate_refusal(error) {
            return Failure::Tls(reason);
        }
        let delivery = if error.is_connect() {
            Delivery::NotSent
        } else {
            Delivery::MaybeSent
        };
        if error.is_timeout() {
            Failure::TimedOut(delivery)
        } else {
            Failure::Broken(delivery)
        }
    }

    /// Why the server's certificate was refused, when that is what failed: rustls's verdict,
    /// found in the error's source chain (an `io::Error` hides the error it wraps from
    /// `source()`, so each one is opened).
    fn certificate_refusal(error: &reqwest::Error) -> Option<TlsReason> {
        use rustls::CertificateError;
        let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(current) = next {
            // hyper-util and tokio-rustls wrap rustls's error in one io::Error inside another.
            let mut unwrapped = current;
            while let Some(inner) = unwrapped
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
            {
                unwrapped = inner;
            }
            let rustls_error = unwrapped.downcast_ref::<rustls::Error>();
            if let Some(rustls::Error::InvalidCertificate(reason)) = rustls_error {
                return Some(match reason {
                    CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                        TlsReason::Untrusted
                    }
                    CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                        TlsReason::Expired
                    }
                    CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                        TlsReason::NotYetValid
                    }
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. } => {
                        TlsReason::HostnameMismatch
                    }
                    _ => TlsReason::Invalid,
                });
            }
            next = current.source();
        }
        None
    }

    #[cfg(test)]
    mod tests {
        use super::BaseUrl;

        /// A URL set from the parsed base is the URL the whole text parses to.
        #[test]
        fn joined_urls_are_the_parsed_urls() {
            let bases = [
                "http://127.0.0.1:4000",
                "http://127.0.0.1:4000/",
                "https://api.ethoradev.com/v1",
                "https://API.Example.com:443/api/",
                "http://[::1]:8080/a%20b",
                "https://bücher.example/x",
                "http://host/a/../b",
            ];
            let rests = [
                "/v2/chats/users?chatName=app_room&limit=10",
                "/v2/users/batch",
                "/v2/apps/a%2Fb/chats/%E2%9C%93?limit=5&before=x%26y",
                "/v1/users/batch?",
                "/v2/apps/x y/é?q=a b&r=é",
                "/v2/./a/../b?x=\\",
                "/v2/a\\b",
            ];
            for base in bases {
                let prepared = BaseUrl::new(base);
                for rest in rests {
                    let full = format!("{base}{rest}");
                    let parsed = reqwest::Url::parse(&full).map(|url| url.to_string()).ok();
                    let joined = prepared
                        .as_ref()
                        .and_then(|b| b.join(&full))
                        .map(|url| url.to_string());
                    if prepared.is_some() {
                        assert_eq!(joined, parsed, "{full}");
                    }
                }
            }
            assert!(BaseUrl::new("http://127.0.0.1:4000").is_some());
            assert!(BaseUrl::new("https://api.ethoradev.com/v1").is_some());
            assert!(BaseUrl::new("https://API.Example.com:443/api/").is_none());
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod web {
    //! The runtime's `fetch`, through `exchange` (`crates/ethora-wasm/js/fetch.js`, beside the generated glue):
    //! the request, the body read whole and the time limit in one JavaScript promise, so an
    //! exchange crosses the WebAssembly boundary once each way. The headers go out as one
    //! string; the time limit is a timer cleared when the exchange ends (workerd refuses a
    //! request's 10,001st pending timer, and an `AbortSignal.timeout` stays pending for its
    //! whole time). (reqwest's wasm client built a `Request`, an `AbortController` and an
    //! `AbortError` per call and copied every response header through JSON.) An exchange
    //! dropped unfinished (an aborted bulk import) is not cancelled: it ends by itself, at
    //! the latest at its time limit.

    use js_sys::{Array, Promise, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::Response;

    use super::{Failure, Outgoing};
    use crate::config::ClientConfig;
    use crate::error::Result;
    use crate::retry::Delivery;

    #[wasm_bindgen::prelude::wasm_bindgen(raw_module = "./transport.js")]
    extern "C" {
        /// Resolves with `[response, bodyBytes, url]` or `[null, failure]`; never rejects.
        fn exchange(
            url: &str,
            method: &str,
            header_lines: &str,
            body: Option<&str>,
            timeout_ms: f64,
            node_hooks: bool,
        ) -> Promise;
    }

    pub struct Transport;

    /// A response as read once, through `Reflect` (a getter that throws, on a `Response`
    /// subclass a patched `fetch` returned, never unwinds through WebAssembly).
    pub struct Incoming {
        status: u16,
        headers: web_sys::Headers,
        body: Uint8Array,
    }

    /// A response's headers, kept apart from it.
    pub struct ResponseHeaders(web_sys::Headers);

    impl ResponseHeaders {
        pub fn get(&self, name: &str) -> Option<String> {
            self.0.get(name).ok().flatten()
        }
    }

    impl Transport {
        pub fn new(_config: &ClientConfig) -> Result<Self> {
            Ok(Transport)
        }

        /// Sends through `fetch` and reads the body.
        pub async fn send(&self, outgoing: Outgoing<'_>) -> std::result::Result<Incoming, Failure> {
            let settled = JsFuture::from(fetch_exchange(outgoing)?)
                .await
                .map_err(|_| Failure::Broken(Delivery::NotSent))?;
            Incoming::from_settled(settled)
        }
    }

    /// An attempt as `exchange` takes it, in forms that cross into JavaScript without a
    /// call of their own: the headers as `name\nvalue\n...` (one string instead of two per
    /// header) and the body as text (the core's bodies are serialised JSON, so UTF-8).
    pub struct FetchRequest<'a> {
        pub url: &'a str,
        pub method: &'static str,
        pub header_lines: String,
        pub body: Option<&'a str>,
        pub timeout_ms: f64,
        /// Whether a hooked Node `http.request` may carry it (`transport` is not `native`).
        pub node_hooks: bool,
    }

    impl<'a> FetchRequest<'a> {
        pub fn new(outgoing: &'a Outgoing<'_>) -> std::result::Result<Self, Failure> {
            let not_sent = || Failure::Broken(Delivery::NotSent);
            let mut header_lines = String::with_capacity(512);
            for (name, value) in &outgoing.headers {
                // The core's header values are ASCII (a header value holds no line feed);
                // `from_utf8` checks that a word at a time, `to_str` a byte at a time.
                let value = std::str::from_utf8(value.as_bytes()).map_err(|_| not_sent())?;
                header_lines.push_str(name.as_str());
                header_lines.push('\n');
                header_lines.push_str(value);
                header_lines.push('\n');
            }
            header_lines.push_str(outgoing.trace_headers.unwrap_or_default());
            let body = match &outgoing.body {
                Some(body) => Some(std::str::from_utf8(body).map_err(|_| not_sent())?),
                None => None,
            };
            Ok(FetchRequest {
                url: outgoing.url,
                method: outgoing.method.as_str(),
                header_lines,
                body,
                timeout_ms: outgoing.timeout.as_millis() as f64,
                node_hooks: outgoing.transport != crate::config::TransportChoice::Native,
            })
        }
    }

    /// Starts the exchange through `fetch`: a promise of what [`Incoming::from_settled`]
    /// reads (a binding that drives the exchange from JavaScript awaits it there).
    pub fn fetch_exchange(outgoing: Outgoing<'_>) -> std::result::Result<Promise, Failure> {
        let request = FetchRequest::new(&outgoing)?;
        Ok(exchange(
            request.url,
            request.method,
            &request.header_lines,
            request.body,
            request.timeout_ms,
            request.node_hooks,
        ))
    }

    impl Incoming {
        /// The response `exchange`'s promise resolved with, or why there is none: a
        /// rejected fetch counts as not sent (a fetch rejects before the request when it
        /// cannot connect), unless the time limit ended it.
        pub fn from_settled(settled: JsValue) -> std::result::Result<Incoming, Failure> {
            let settled = settled.unchecked_into::<Array>();
            let (first, second) = (settled.get(0), settled.get(1));
            match first.dyn_into::<Response>() {
                Ok(response) => {
                    let read =
                        |name: &str| js_sys::Reflect::get(&response, &JsValue::from_str(name));
                    let status = read("status").ok().and_then(|status| status.as_f64());
                    let headers = read("headers")
                        .ok()
                        .and_then(|headers| headers.dyn_into::<web_sys::Headers>().ok());
                    match (status, headers) {
                        (Some(status), Some(headers)) if (0.0..=999.0).contains(&status) => {
                            Ok(Incoming {
                                status: status as u16,
                                headers,
                                body: second.unchecked_into(),
                            })
                        }
                        _ => Err(Failure::Broken(Delivery::MaybeSent)),
                    }
                }
                Err(_) => Err(second
                    .as_f64()
                    .map_or(Failure::Broken(Delivery::NotSent), |code| {
                        Failure::from_exchange_code(code as u32)
                    })),
            }
        }

        pub fn body_length(&self) -> usize {
            self.body.length() as usize
        }

        pub fn status(&self) -> u16 {
            self.status
        }

        pub fn header(&self, name: &str) -> Option<String> {
            self.headers.get(name).ok().flatten()
        }

        /// The response's headers, kept apart from it.
        pub fn take_headers(&mut self) -> ResponseHeaders {
            ResponseHeaders(self.headers.clone())
        }

        /// Copies the body (read whole by `exchange`) into `buffer`; `false` when it is
        /// longer than `limit` bytes.
        pub async fn read_body(
            &mut self,
            limit: usize,
            buffer: &mut Vec<u8>,
        ) -> std::result::Result<bool, Failure> {
            Ok(self.copy_body(limit, buffer))
        }

        /// [`read_body`](Self::read_body) outside an async context.
        pub fn copy_body(&self, limit: usize, buffer: &mut Vec<u8>) -> bool {
            buffer.clear();
            let length = self.body_length();
            if length > limit {
                return false;
            }
            buffer.resize(length, 0);
            self.body.copy_to(buffer);
            true
        }
    }
}
