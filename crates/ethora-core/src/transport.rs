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
    /// The attempt's time limit, natively (on wasm the client's timer bounds the attempt and
    /// dropping it aborts the fetch).
    pub timeout: Duration,
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
pub use native::{Incoming, Transport};
#[cfg(target_arch = "wasm32")]
pub use web::{Incoming, Transport};

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::{Failure, Outgoing};
    use crate::config::ClientConfig;
    use crate::error::{EthoraError, Result, TlsReason};
    use crate::request::HttpMethod;
    use crate::retry::Delivery;

    pub struct Transport {
        http: reqwest::Client,
    }

    pub struct Incoming {
        response: reqwest::Response,
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
            Ok(Transport { http })
        }

        pub async fn send(&self, outgoing: Outgoing<'_>) -> std::result::Result<Incoming, Failure> {
            let mut builder = self
                .http
                .request(method(outgoing.method), outgoing.url)
                .timeout(outgoing.timeout);
            for (name, value) in outgoing.headers {
                builder = builder.header(name, value);
            }
            if let Some(body) = outgoing.body {
                builder = builder.body(body);
            }
            let response = builder.send().await.map_err(|e| failure(&e))?;
            Ok(Incoming { response })
        }
    }

    impl Incoming {
        pub fn status(&self) -> u16 {
            self.response.status().as_u16()
        }

        pub fn header(&self, name: &str) -> Option<String> {
            let value = self.response.headers().get(name)?;
            value.to_str().ok().map(str::to_owned)
        }

        /// Reads the body into `buffer` (cleared first, sized from Content-Length when the
        /// server sent one); `false` as soon as it grows past `limit` bytes.
        pub async fn read_body(
            &mut self,
            limit: usize,
            buffer: &mut Vec<u8>,
        ) -> std::result::Result<bool, Failure> {
            buffer.clear();
            match self.response.content_length() {
                Some(length) if length > limit as u64 => return Ok(false),
                Some(length) => buffer.reserve(length as usize),
                None => {}
            }
            while let Some(chunk) = self.response.chunk().await.map_err(|e| failure(&e))? {
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
}

#[cfg(target_arch = "wasm32")]
mod web {
    //! The runtime's `fetch`, called directly with the URL and an init object (no `Request`
    //! object, no `AbortController`): its signal is `AbortSignal.timeout(timeout)`, which
    //! bounds the exchange, the body's reading included, without a timer of ours. The body
    //! is read as one `ArrayBuffer`. (reqwest's wasm client aborted every request's
    //! controller when done, which builds an `AbortError` per call, and copied every
    //! response header through JSON.) An exchange dropped unfinished (an aborted bulk
    //! import) is not cancelled: it ends by itself, at the latest at its time limit.

    use js_sys::{Promise, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{AbortSignal, Headers, RequestInit, Response};

    use super::{Failure, Outgoing};
    use crate::config::ClientConfig;
    use crate::error::Result;
    use crate::retry::Delivery;

    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = fetch)]
        fn fetch_with_init(url: &str, init: &RequestInit) -> Promise;
        #[wasm_bindgen(js_namespace = AbortSignal, js_name = timeout)]
        fn abort_signal_timeout(milliseconds: f64) -> AbortSignal;
    }

    /// Whether a rejection is the time limit's (`AbortSignal.timeout` rejects with a
    /// `TimeoutError` DOMException).
    fn timed_out(error: &JsValue) -> bool {
        Reflect::get(error, &JsValue::from_str("name"))
            .ok()
            .and_then(|name| name.as_string())
            .is_some_and(|name| name == "TimeoutError")
    }

    pub struct Transport;

    pub struct Incoming {
        response: Response,
    }

    impl Transport {
        pub fn new(_config: &ClientConfig) -> Result<Self> {
            Ok(Transport)
        }

        /// Sends through `fetch`. A rejected fetch counts as not sent (a fetch rejects
        /// before the request when it cannot connect), unless the time limit ended it.
        pub async fn send(&self, outgoing: Outgoing<'_>) -> std::result::Result<Incoming, Failure> {
            let broken = |_| Failure::Broken(Delivery::NotSent);
            let headers = Headers::new().map_err(broken)?;
            for (name, value) in &outgoing.headers {
                let value = value
                    .to_str()
                    .map_err(|_| Failure::Broken(Delivery::NotSent))?;
                headers.append(name.as_str(), value).map_err(broken)?;
            }
            let init = RequestInit::new();
            init.set_method(outgoing.method.as_str());
            init.set_headers(&headers);
            init.set_signal(Some(&abort_signal_timeout(
                outgoing.timeout.as_millis() as f64
            )));
            if let Some(body) = &outgoing.body {
                init.set_body(&Uint8Array::from(body.as_ref()));
            }
            let response = JsFuture::from(fetch_with_init(outgoing.url, &init))
                .await
                .map_err(|error| {
                    if timed_out(&error) {
                        Failure::TimedOut(Delivery::MaybeSent)
                    } else {
                        Failure::Broken(Delivery::NotSent)
                    }
                })?
                .dyn_into::<Response>()
                .map_err(broken)?;
            Ok(Incoming { response })
        }
    }

    impl Incoming {
        pub fn status(&self) -> u16 {
            self.response.status()
        }

        pub fn header(&self, name: &str) -> Option<String> {
            self.response.headers().get(name).ok().flatten()
        }

        /// Reads the body into `buffer`; `false` when it is longer than `limit` bytes (fetch
        /// hands it over whole).
        pub async fn read_body(
            &mut self,
            limit: usize,
            buffer: &mut Vec<u8>,
        ) -> std::result::Result<bool, Failure> {
            let failed = |error: JsValue| {
                if timed_out(&error) {
                    Failure::TimedOut(Delivery::MaybeSent)
                } else {
                    Failure::Broken(Delivery::MaybeSent)
                }
            };
            let read = self.response.array_buffer().map_err(failed)?;
            let bytes = Uint8Array::new(&JsFuture::from(read).await.map_err(failed)?);
            buffer.clear();
            let length = bytes.length() as usize;
            if length > limit {
                return Ok(false);
            }
            buffer.resize(length, 0);
            bytes.copy_to(buffer);
            Ok(true)
        }
    }
}
