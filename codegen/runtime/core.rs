//! The client's engine: configuration, building requests, sending them with
//! retries and timeouts, and tracing.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use tracing::Instrument;

use crate::runtime::error::{BuildError, ConfigError, RawResponse, TransportError, TransportErrorKind};
use crate::runtime::retry::{self, Outcome, RetryConfig};

/// How long a call may take, the first byte to the last, unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long connecting may take, unless configured.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where an API key goes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AuthKind {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic base64(key)`, the key being `user:password`.
    Basic,
    /// A header of this name.
    Header(&'static str),
    /// A query parameter of this name.
    Query(&'static str),
    /// A cookie of this name.
    Cookie(&'static str),
    /// The API needs no credential.
    None,
}

/// A parameter the client sets on every call (`x-speakeasy-globals`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct GlobalInfo {
    pub(crate) wire: &'static str,
    pub(crate) env: &'static str,
}

/// A variable of the server URL (`https://{region}.example.com`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ServerVariable {
    pub(crate) name: &'static str,
    pub(crate) default: &'static str,
    /// The values allowed, when the description lists them.
    pub(crate) values: &'static [&'static str],
}

/// What the generator knows about the API, for building a client.
#[derive(Debug)]
pub(crate) struct ApiInfo {
    /// The first server's URL, its variables as `{name}`.
    pub(crate) default_base_url: &'static str,
    pub(crate) server_variables: &'static [ServerVariable],
    pub(crate) api_key_env: &'static str,
    pub(crate) auth: AuthKind,
    /// Whether some operation needs the credential.
    pub(crate) key_required: bool,
    pub(crate) user_agent: &'static str,
    pub(crate) globals: &'static [GlobalInfo],
}

/// A value that never shows in `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Secret(value)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Settings collected by a client builder.
#[derive(Clone, Debug, Default)]
pub(crate) struct CoreBuilder {
    pub(crate) api_key: Option<Secret>,
    pub(crate) base_url: Option<String>,
    pub(crate) server_variables: Vec<(String, String)>,
    pub(crate) globals: Vec<(&'static str, String)>,
    pub(crate) timeout: Option<Option<Duration>>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryConfig>,
    pub(crate) user_agent: Option<String>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) log_bodies: bool,
    pub(crate) from_env: bool,
}

impl CoreBuilder {
    pub(crate) fn new() -> Self {
        CoreBuilder { from_env: true, ..CoreBuilder::default() }
    }

    pub(crate) fn set_global(&mut self, wire: &'static str, value: String) {
        self.globals.retain(|(w, _)| *w != wire);
        self.globals.push((wire, value));
    }

    pub(crate) fn build(self, api: &'static ApiInfo, default_retry: RetryConfig) -> Result<Core, ConfigError> {
        let env = |name: &str| if self.from_env { std::env::var(name).ok().filter(|v| !v.is_empty()) } else { None };
        let api_key = self.api_key.clone().or_else(|| env(api.api_key_env).map(Secret));
        if api_key.is_none() && api.key_required && !matches!(api.auth, AuthKind::None) {
            return Err(ConfigError {
                message: format!(
                    "no API key: set one with `.api_key(…)` on the client builder or in the {} environment variable",
                    api.api_key_env
                ),
            });
        }
        for (name, _) in &self.server_variables {
            if !api.server_variables.iter().any(|v| v.name == name) {
                let known: Vec<&str> = api.server_variables.iter().map(|v| v.name).collect();
                return Err(ConfigError {
                    message: format!("the server has no variable `{name}` (it has: {known:?})"),
                });
            }
        }
        let mut template = api.default_base_url.to_owned();
        for v in api.server_variables {
            let value = self.server_variables.iter().find(|(n, _)| n == v.name).map_or(v.default, |(_, x)| x.as_str());
            if !v.values.is_empty() && !v.values.contains(&value) {
                return Err(ConfigError {
                    message: format!(
                        "`{value}` is not a value of the server variable `{}` (one of {:?})",
                        v.name, v.values
                    ),
                });
            }
            template = template.replace(&format!("{{{}}}", v.name), value);
        }
        let base_url_explicit = self.base_url.is_some();
        let base_url = self.base_url.clone().unwrap_or(template);
        let base_url = base_url.strip_suffix('/').unwrap_or(&base_url).to_owned();
        match reqwest::Url::parse(&base_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            Ok(_) => {
                return Err(ConfigError { message: format!("base URL `{base_url}` must be an http or https URL") });
            }
            Err(e) => return Err(ConfigError { message: format!("base URL `{base_url}` is not a URL: {e}") }),
        }
        let mut globals = Vec::new();
        for g in api.globals {
            let set = self.globals.iter().find(|(w, _)| *w == g.wire).map(|(_, v)| v.clone());
            if let Some(v) = set.or_else(|| env(g.env)) {
                globals.push((g.wire, v));
            }
        }
        let user_agent = self.user_agent.clone().unwrap_or_else(|| api.user_agent.to_owned());
        let user_agent = HeaderValue::from_str(&user_agent)
            .map_err(|_| ConfigError { message: format!("user agent `{user_agent}` is not a valid header value") })?;
        let http = match self.http {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .build()
                .map_err(|e| ConfigError { message: format!("cannot build the HTTP client: {e}") })?,
        };
        let auth = match (api.auth, api_key) {
            (AuthKind::None, _) | (_, None) => None,
            (kind, Some(key)) => Some(auth_value(kind, key)?),
        };
        Ok(Core {
            http,
            base_url,
            base_url_explicit,
            auth,
            globals,
            timeout: self.timeout.unwrap_or(Some(DEFAULT_TIMEOUT)),
            retry: self.retry.unwrap_or(default_retry),
            user_agent,
            log_bodies: self.log_bodies,
        })
    }
}

/// How the credential is attached to each request.
#[derive(Clone)]
pub(crate) enum Auth {
    Header(HeaderName, HeaderValue),
    Query(&'static str, Secret),
    Cookie(&'static str, Secret),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Header(name, _) => write!(f, "Header({name}: <redacted>)"),
            Auth::Query(name, _) => write!(f, "Query({name}=<redacted>)"),
            Auth::Cookie(name, _) => write!(f, "Cookie({name}=<redacted>)"),
        }
    }
}

fn auth_value(kind: AuthKind, key: Secret) -> Result<Auth, ConfigError> {
    let invalid = || ConfigError { message: "the API key contains characters a header cannot carry".into() };
    let header = |name: HeaderName, text: String| {
        let mut v = HeaderValue::from_str(&text).map_err(|_| invalid())?;
        v.set_sensitive(true);
        Ok(Auth::Header(name, v))
    };
    match kind {
        AuthKind::Bearer => {
            let k = key.expose();
            // A key that already carries its scheme is sent as it is.
            let has_scheme = k.len() > 7 && k.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("bearer "));
            let text = if has_scheme { k.to_owned() } else { format!("Bearer {k}") };
            header(reqwest::header::AUTHORIZATION, text)
        }
        AuthKind::Basic => {
            use base64::Engine as _;
            let encoded = base64::engine::general_purpose::STANDARD.encode(key.expose().as_bytes());
            header(reqwest::header::AUTHORIZATION, format!("Basic {encoded}"))
        }
        AuthKind::Header(name) => header(HeaderName::from_static(name), key.expose().to_owned()),
        AuthKind::Query(name) => Ok(Auth::Query(name, key)),
        AuthKind::Cookie(name) => Ok(Auth::Cookie(name, key)),
        AuthKind::None => Err(invalid()),
    }
}

/// A configured client's shared state.
#[derive(Debug)]
pub(crate) struct Core {
    // Field order is `Debug` order; nothing here prints a credential.
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// Set by the caller: it wins over operation-level servers too.
    pub(crate) base_url_explicit: bool,
    pub(crate) auth: Option<Auth>,
    pub(crate) globals: Vec<(&'static str, String)>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: RetryConfig,
    pub(crate) user_agent: HeaderValue,
    pub(crate) log_bodies: bool,
}

impl Core {
    /// The client-wide value of a global parameter, by wire name.
    pub(crate) fn global(&self, wire: &str) -> Option<&str> {
        self.globals.iter().find(|(w, _)| *w == wire).map(|(_, v)| v.as_str())
    }

    /// A call's value for a global parameter, else the client's.
    pub(crate) fn or_global(&self, wire: &str, value: Option<String>) -> Option<String> {
        value.or_else(|| self.global(wire).map(str::to_owned))
    }
}

/// Settings for one call, over the client's.
#[derive(Clone, Default)]
pub(crate) struct CallOptions {
    pub(crate) retry: Option<RetryConfig>,
    pub(crate) timeout: Option<Option<Duration>>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// Problems found while setting options, reported when the call is sent.
    pub(crate) errors: Vec<String>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials: names only.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("headers", &names)
            .field("errors", &self.errors)
            .finish()
    }
}

impl CallOptions {
    pub(crate) fn header(&mut self, name: &str, value: &str) {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(n), Ok(v)) => self.headers.push((n, v)),
            (Err(_), _) => self.errors.push(format!("`{name}` is not a valid header name")),
            (_, Err(_)) => self.errors.push(format!("the value of header `{name}` is not a valid header value")),
        }
    }
}

/// A request ready to send, independent of retries.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    /// The path with its parameters filled in and encoded.
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) cookies: Vec<(&'static str, String)>,
    /// The operation's own server, used unless the caller set a base URL.
    pub(crate) server: Option<&'static str>,
    /// Whether the credential goes with this call.
    pub(crate) auth: bool,
    /// Content type and bytes.
    pub(crate) body: Option<(String, Bytes)>,
}

impl Request {
    pub(crate) fn new(operation: &'static str, method: Method, path_template: &'static str) -> Self {
        Request {
            operation,
            method,
            path_template,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            server: None,
            auth: true,
            body: None,
        }
    }

    /// Adds a query parameter, when it has a value.
    pub(crate) fn query(&mut self, wire: &'static str, value: Option<String>) {
        if let Some(v) = value {
            self.query.push((wire.to_owned(), v));
        }
    }

    /// Adds an array query parameter in its style.
    pub(crate) fn query_list(&mut self, wire: &'static str, values: Option<Vec<String>>, style: Style, explode: bool) {
        let Some(values) = values else { return };
        let sep = match style {
            Style::Form if explode => {
                self.query.extend(values.into_iter().map(|v| (wire.to_owned(), v)));
                return;
            }
            Style::SpaceDelimited => " ",
            Style::PipeDelimited => "|",
            _ => ",",
        };
        self.query.push((wire.to_owned(), values.join(sep)));
    }

    /// Adds an object query parameter in its style: each property as its own
    /// parameter (`form`, exploded), `name=k,v,…` (`form`), or `name[k]=v`
    /// (`deepObject`).
    pub(crate) fn query_object(
        &mut self,
        wire: &'static str,
        value: Option<serde_json::Value>,
        style: Style,
        explode: bool,
    ) {
        let Some(value) = value else { return };
        let serde_json::Value::Object(props) = value else {
            self.query.push((wire.to_owned(), scalar_text(&value)));
            return;
        };
        let props = props.into_iter().filter(|(_, v)| !v.is_null());
        match style {
            Style::DeepObject => self.query.extend(props.map(|(k, v)| (format!("{wire}[{k}]"), scalar_text(&v)))),
            _ if explode => self.query.extend(props.map(|(k, v)| (k, scalar_text(&v)))),
            _ => {
                let joined: Vec<String> = props.flat_map(|(k, v)| [k, scalar_text(&v)]).collect();
                self.query.push((wire.to_owned(), joined.join(",")));
            }
        }
    }

    /// Adds a cookie parameter, when it has a value.
    pub(crate) fn cookie(&mut self, wire: &'static str, value: Option<String>) {
        if let Some(v) = value {
            self.cookies.push((wire, v));
        }
    }

    /// Adds a header parameter, when it has a value.
    pub(crate) fn header(&mut self, wire: &'static str, value: Option<String>) {
        if let Some(v) = value {
            self.headers.push((wire, v));
        }
    }

    /// Sets a JSON body.
    pub(crate) fn json<T: serde::Serialize>(&mut self, body: &T, content_type: &str) -> Result<(), BuildError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| BuildError::new(self.operation, format!("the body does not serialize: {e}")))?;
        self.body = Some((content_type.to_owned(), Bytes::from(bytes)));
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body from an object:
    /// arrays repeat their key, nested objects are JSON.
    pub(crate) fn form<T: serde::Serialize>(&mut self, body: &T, content_type: &str) -> Result<(), BuildError> {
        let value = serde_json::to_value(body)
            .map_err(|e| BuildError::new(self.operation, format!("the body does not serialize: {e}")))?;
        let serde_json::Value::Object(fields) = value else {
            return Err(BuildError::new(self.operation, "a form body must be an object"));
        };
        let mut out = String::new();
        let mut add = |k: &str, v: &serde_json::Value| {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(percent_encoding::utf8_percent_encode(k, COMPONENT));
            out.push('=');
            out.extend(percent_encoding::utf8_percent_encode(&scalar_text(v), COMPONENT));
        };
        for (k, v) in &fields {
            match v {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) => items.iter().for_each(|x| add(k, x)),
                other => add(k, other),
            }
        }
        self.body = Some((content_type.to_owned(), Bytes::from(out)));
        Ok(())
    }

    /// Sets a text body.
    pub(crate) fn text(&mut self, body: &str, content_type: &str) {
        self.body = Some((content_type.to_owned(), Bytes::copy_from_slice(body.as_bytes())));
    }

    /// Sets a body of bytes.
    pub(crate) fn binary(&mut self, body: &crate::primitives::Binary, content_type: &str) {
        self.body = Some((content_type.to_owned(), Bytes::copy_from_slice(body.bytes())));
    }

    /// Sets a `multipart/form-data` body.
    pub(crate) fn multipart(&mut self, parts: Vec<Part>) {
        // A boundary that cannot occur in the parts.
        let mut boundary = format!("----rust-client-{:016x}", fastrand::u64(..));
        while parts.iter().any(|p| contains(&p.data, boundary.as_bytes())) {
            boundary = format!("----rust-client-{:016x}", fastrand::u64(..));
        }
        let mut out = Vec::new();
        for p in &parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let name = p.name.replace('"', "%22");
            match &p.filename {
                Some(f) => out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\n",
                        f.replace('"', "%22")
                    )
                    .as_bytes(),
                ),
                None => {
                    out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes())
                }
            }
            if let Some(ct) = &p.content_type {
                out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&p.data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.body = Some((format!("multipart/form-data; boundary={boundary}"), Bytes::from(out)));
    }
}

/// One part of a multipart body.
#[derive(Clone, Debug)]
pub(crate) struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl Part {
    /// A field: scalars as text, anything else as JSON.
    pub(crate) fn field<T: serde::Serialize>(name: &str, value: &T) -> Option<Part> {
        let v = serde_json::to_value(value).ok()?;
        if v.is_null() {
            return None;
        }
        let content_type = (v.is_object() || v.is_array()).then(|| "application/json".to_owned());
        Some(Part { name: name.to_owned(), filename: None, content_type, data: Bytes::from(scalar_text(&v)) })
    }

    /// A file.
    pub(crate) fn file(name: &str, file: &crate::primitives::Binary) -> Part {
        Part {
            name: name.to_owned(),
            filename: Some(file.filename().unwrap_or(name).to_owned()),
            content_type: Some(file.content_type().unwrap_or("application/octet-stream").to_owned()),
            data: Bytes::copy_from_slice(file.bytes()),
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// How a parameter's arrays and objects are written (OpenAPI `style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Form,
    Simple,
    Label,
    Matrix,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

/// A JSON value as parameter text: strings as they are, other scalars as
/// JSON, nested values as compact JSON.
pub(crate) fn scalar_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A path parameter in its style, each value encoded so it stays inside its
/// segment.
pub(crate) fn path_param(
    operation: &'static str,
    name: &str,
    values: &[String],
    style: Style,
    explode: bool,
) -> Result<String, BuildError> {
    if values.is_empty() || (style == Style::Simple && values.iter().any(String::is_empty)) {
        return Err(BuildError::new(operation, format!("path parameter `{name}` is empty")));
    }
    let enc: Vec<String> =
        values.iter().map(|v| percent_encoding::utf8_percent_encode(v, COMPONENT).to_string()).collect();
    Ok(match style {
        Style::Label => format!(".{}", enc.join(if explode { "." } else { "," })),
        Style::Matrix if explode => enc.iter().map(|v| format!(";{name}={v}")).collect(),
        Style::Matrix => format!(";{name}={}", enc.join(",")),
        _ => enc.join(","),
    })
}

/// Why a call ended without a response to classify.
#[derive(Debug)]
pub(crate) enum SendError {
    Build(BuildError),
    Transport(TransportError),
}

/// Sends `req` with the client's and the call's settings, retrying as the
/// retry configuration says. Returns the final response, whatever its status.
pub(crate) async fn execute(core: &Arc<Core>, req: Request, opts: &CallOptions) -> Result<RawResponse, SendError> {
    if let Some(e) = opts.errors.first() {
        return Err(SendError::Build(BuildError::new(req.operation, e.clone())));
    }
    let retry = opts.retry.as_ref().unwrap_or(&core.retry);
    let timeout = opts.timeout.unwrap_or(core.timeout);
    let url = url_for(core, &req).map_err(SendError::Build)?;
    // Built once and moved into the first attempt; a retry builds them again
    // (rare, and cheaper than cloning them for every call).
    let mut headers = Some(headers_for(core, &req, opts).map_err(SendError::Build)?);
    let idempotent = retry::is_idempotent(&req.method);
    let start = Instant::now();
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        let span = tracing::info_span!(
            "http_request",
            operation = req.operation,
            method = %req.method,
            path = req.path_template,
            attempt,
            status = tracing::field::Empty,
        );
        let headers = match headers.take() {
            Some(h) => h,
            None => headers_for(core, &req, opts).map_err(SendError::Build)?,
        };
        let result = send_once(core, &req, headers, url.clone(), timeout).instrument(span.clone()).await;
        let outcome = match &result {
            Ok(raw) => retry::status_outcome(raw.status),
            Err((outcome, _, _)) => *outcome,
        };
        if attempt < retry.max_attempts && retry::should_retry(retry, outcome, idempotent) {
            // Only a call that may be retried looks at `Retry-After` and the clock.
            let wait_hint = result.as_ref().ok().and_then(|raw| retry::retry_after(&raw.headers, SystemTime::now()));
            let wait = wait_hint
                .map(|w| w.min(retry.max_retry_after))
                .unwrap_or_else(|| retry.wait(attempt - 1, fastrand::f64()));
            if start.elapsed() + wait <= retry.max_elapsed {
                tracing::debug!(parent: &span, ?outcome, wait_ms = wait.as_millis() as u64, "retrying");
                tokio::time::sleep(wait).await;
                continue;
            }
        }
        return result.map_err(|(_, kind, source)| {
            SendError::Transport(TransportError {
                kind,
                operation: req.operation,
                // Without the query, which may hold a credential; built only
                // here, as formatting the origin costs more than it seems.
                url: format!("{}{}", url.origin().ascii_serialization(), url.path()),
                source,
                attempts: attempt,
            })
        });
    }
}

type AttemptError = (Outcome, TransportErrorKind, Box<dyn std::error::Error + Send + Sync>);

async fn send_once(
    core: &Core,
    req: &Request,
    headers: HeaderMap,
    url: reqwest::Url,
    timeout: Option<Duration>,
) -> Result<RawResponse, AttemptError> {
    // A `reqwest::Request` filled in directly: a `RequestBuilder` would copy
    // the headers into a map of its own one by one.
    let mut request = reqwest::Request::new(req.method.clone(), url);
    *request.headers_mut() = headers;
    *request.timeout_mut() = timeout;
    if let Some((_, bytes)) = &req.body {
        if core.log_bodies {
            tracing::debug!(body = %crate::runtime::error::snippet(bytes), "request body");
        }
        *request.body_mut() = Some(bytes.clone().into());
    }
    tracing::debug!("sending");
    let mut response = core.http.execute(request).await.map_err(classify)?;
    let status: StatusCode = response.status();
    tracing::Span::current().record("status", status.as_u16());
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(classify)?;
    tracing::debug!(status = status.as_u16(), bytes = body.len(), "received");
    if core.log_bodies {
        tracing::debug!(body = %crate::runtime::error::snippet(&body), "response body");
    }
    Ok(RawResponse { status, headers, body })
}

/// Every header of the request, in the order they apply: ours, the
/// operation's parameters, the credential, then the caller's own, which
/// replace any of the same name.
fn headers_for(core: &Core, req: &Request, opts: &CallOptions) -> Result<HeaderMap, BuildError> {
    let mut headers = HeaderMap::new();
    headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(reqwest::header::USER_AGENT, core.user_agent.clone());
    let mut cookies: Vec<(&str, &str)> = req.cookies.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if req.auth
        && let Some(Auth::Cookie(name, secret)) = &core.auth
    {
        cookies.push((name, secret.expose()));
    }
    if !cookies.is_empty() {
        let text: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let value = HeaderValue::from_str(&text.join("; "))
            .map_err(|_| BuildError::new(req.operation, "a cookie value is not a valid header value"))?;
        headers.insert(reqwest::header::COOKIE, value);
    }
    for (wire, value) in &req.headers {
        let name = HeaderName::from_bytes(wire.as_bytes())
            .map_err(|_| BuildError::new(req.operation, format!("`{wire}` is not a valid header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            BuildError::new(req.operation, format!("the value of header `{wire}` is not a valid header value"))
        })?;
        headers.insert(name, value);
    }
    if req.auth
        && let Some(Auth::Header(name, value)) = &core.auth
    {
        headers.insert(name.clone(), value.clone());
    }
    if let Some((content_type, _)) = &req.body {
        let value = HeaderValue::from_str(content_type)
            .map_err(|_| BuildError::new(req.operation, "the content type is not a valid header value"))?;
        headers.insert(reqwest::header::CONTENT_TYPE, value);
    }
    for (name, value) in &opts.headers {
        headers.insert(name.clone(), value.clone());
    }
    Ok(headers)
}

/// Sorts a transport failure into what the retry policy needs to know.
fn classify(e: reqwest::Error) -> AttemptError {
    let (outcome, kind) = if e.is_timeout() {
        (Outcome::TimedOut, TransportErrorKind::Timeout)
    } else if is_tls(&e) {
        (Outcome::Fatal, TransportErrorKind::Tls)
    } else if e.is_connect() {
        (Outcome::ConnectFailed, TransportErrorKind::Connect)
    } else if closed_early(&e) {
        (Outcome::ClosedEarly, TransportErrorKind::ConnectionClosed)
    } else {
        (Outcome::Fatal, TransportErrorKind::Other)
    };
    // The URL may carry a credential in its query; it is reported separately.
    (outcome, kind, Box::new(e.without_url()))
}

fn chain<'a>(e: &'a (dyn std::error::Error + 'static)) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |e| e.source())
}

fn is_tls(e: &reqwest::Error) -> bool {
    chain(e).any(|s| {
        // `io::Error` hides what it wraps from `source()`; unwrap it by hand.
        let mut cur: &(dyn std::error::Error + 'static) = s;
        loop {
            if cur.is::<rustls::Error>() {
                return true;
            }
            match cur.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
                Some(inner) => cur = inner,
                None => return false,
            }
        }
    })
}

fn closed_early(e: &reqwest::Error) -> bool {
    chain(e).any(|s| {
        s.downcast_ref::<hyper::Error>().is_some_and(|h| h.is_incomplete_message() || h.is_canceled())
            || s.downcast_ref::<std::io::Error>().is_some_and(|io| {
                matches!(
                    io.kind(),
                    std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::BrokenPipe
                        | std::io::ErrorKind::UnexpectedEof
                )
            })
    })
}

/// Characters left as they are in a path segment or query value: RFC 3986's
/// unreserved set. Everything else is percent-encoded, so a value can never
/// change the path (`a/b` stays one segment) or start a query or fragment.
const COMPONENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Query keys keep the brackets of `deepObject` (`filter[name]`), as servers expect.
const QUERY_KEY: &percent_encoding::AsciiSet = &COMPONENT.remove(b'[').remove(b']');

fn url_for(core: &Core, req: &Request) -> Result<reqwest::Url, BuildError> {
    let base = match req.server {
        Some(server) if !core.base_url_explicit => server.strip_suffix('/').unwrap_or(server),
        _ => core.base_url.as_str(),
    };
    let mut text = String::with_capacity(base.len() + req.path.len() + 32);
    text.push_str(base);
    text.push_str(&req.path);
    let mut query: Vec<(&str, &str)> = req.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let key;
    if req.auth
        && let Some(Auth::Query(name, secret)) = &core.auth
    {
        key = secret.expose().to_owned();
        query.push((name, &key));
    }
    // A path may carry fixed query pairs of its own (`/search?kind=full`).
    let mut first = !req.path.contains('?');
    for (k, v) in &query {
        text.push(if first { '?' } else { '&' });
        first = false;
        text.extend(percent_encoding::utf8_percent_encode(k, QUERY_KEY));
        text.push('=');
        text.extend(percent_encoding::utf8_percent_encode(v, COMPONENT));
    }
    reqwest::Url::parse(&text).map_err(|e| BuildError::new(req.operation, format!("invalid URL: {e}")))
}

/// The settings every call builder has: retries, timeout and extra headers
/// for this call only.
macro_rules! call_options {
    ($builder:ty) => {
        impl $builder {
            /// Retries this call with `config` instead of the client's policy
            /// ([`RetryConfig::none`](crate::RetryConfig::none) for a single attempt).
            pub fn retry_config(mut self, config: crate::RetryConfig) -> Self {
                self.options.retry = ::std::option::Option::Some(config);
                self
            }

            /// Gives this call `timeout` instead of the client's (for each attempt).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout = ::std::option::Option::Some(::std::option::Option::Some(timeout));
                self
            }

            /// Adds a header to this call; it replaces any header of the same
            /// name the client would send. An invalid name or value fails the
            /// call with [`Error::Build`](crate::Error::Build).
            pub fn header(
                mut self,
                name: impl ::std::convert::AsRef<str>,
                value: impl ::std::convert::AsRef<str>,
            ) -> Self {
                self.options.header(name.as_ref(), value.as_ref());
                self
            }
        }
    };
}

pub(crate) use call_options;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_one_segment() {
        let one = |v: &str| path_param("op", "id", &[v.to_owned()], Style::Simple, false);
        assert_eq!(one("a/b?x#y").unwrap(), "a%2Fb%3Fx%23y");
        assert_eq!(one("a b").unwrap(), "a%20b");
        assert_eq!(one("ün").unwrap(), "%C3%BCn");
        assert_eq!(one("9-a.b_c~d").unwrap(), "9-a.b_c~d");
        assert!(one("").unwrap_err().to_string().contains("`id` is empty"));
    }

    #[test]
    fn bodies_in_every_encoding() {
        let mut r = Request::new("op", Method::POST, "/");
        r.form(
            &serde_json::json!({"a": "x y", "tags": ["p", "q"], "n": null, "o": {"k": 1}}),
            "application/x-www-form-urlencoded",
        )
        .unwrap();
        let (ct, body) = r.body.clone().unwrap();
        assert_eq!(ct, "application/x-www-form-urlencoded");
        assert_eq!(body, "a=x%20y&tags=p&tags=q&o=%7B%22k%22%3A1%7D");
        let file = crate::primitives::Binary::new(&b"PNG..."[..]).with_filename("a.png").with_content_type("image/png");
        let parts = vec![Part::field("title", &"hi").unwrap(), Part::file("upload", &file)];
        r.multipart(parts);
        let (ct, body) = r.body.clone().unwrap();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(
            text.starts_with(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhi\r\n")),
            "{text}"
        );
        assert!(
            text.contains("name=\"upload\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG...\r\n"),
            "{text}"
        );
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert!(Part::field("n", &Option::<u8>::None).is_none());
    }

    #[test]
    fn parameter_styles() {
        let vals = ["a b".to_owned(), "c/d".to_owned()];
        assert_eq!(path_param("op", "id", &vals, Style::Simple, false).unwrap(), "a%20b,c%2Fd");
        assert_eq!(path_param("op", "id", &vals, Style::Label, false).unwrap(), ".a%20b,c%2Fd");
        assert_eq!(path_param("op", "id", &vals, Style::Label, true).unwrap(), ".a%20b.c%2Fd");
        assert_eq!(path_param("op", "id", &vals, Style::Matrix, false).unwrap(), ";id=a%20b,c%2Fd");
        assert_eq!(path_param("op", "id", &vals, Style::Matrix, true).unwrap(), ";id=a%20b;id=c%2Fd");
        assert!(path_param("op", "id", &[], Style::Simple, false).is_err());

        let mut r = Request::new("op", Method::GET, "/");
        r.query_list("a", Some(vec!["1".into(), "2".into()]), Style::Form, true);
        r.query_list("b", Some(vec!["1".into(), "2".into()]), Style::Form, false);
        r.query_list("c", Some(vec!["1".into(), "2".into()]), Style::SpaceDelimited, false);
        r.query_list("d", Some(vec!["1".into(), "2".into()]), Style::PipeDelimited, false);
        let obj = serde_json::json!({"x": 1, "y": "z", "n": null});
        r.query_object("e", Some(obj.clone()), Style::DeepObject, true);
        r.query_object("f", Some(obj.clone()), Style::Form, false);
        r.query_object("g", Some(obj), Style::Form, true);
        let pairs: Vec<String> = r.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(pairs, ["a=1", "a=2", "b=1,2", "c=1 2", "d=1|2", "e[x]=1", "e[y]=z", "f=x,1,y,z", "x=1", "y=z"]);
    }

    #[test]
    fn basic_credentials_are_base64() {
        let Auth::Header(_, v) = auth_value(AuthKind::Basic, Secret("user:pass".into())).unwrap() else { panic!() };
        assert_eq!(v.to_str().unwrap(), "Basic dXNlcjpwYXNz");
    }

    #[test]
    fn bearer_keys_keep_an_existing_scheme() {
        let Auth::Header(_, v) = auth_value(AuthKind::Bearer, Secret("k1".into())).unwrap() else { panic!() };
        assert_eq!(v.to_str().unwrap(), "Bearer k1");
        assert!(v.is_sensitive());
        let Auth::Header(_, v) = auth_value(AuthKind::Bearer, Secret("bearer lower".into())).unwrap() else { panic!() };
        assert_eq!(v.to_str().unwrap(), "bearer lower");
    }

    #[test]
    fn keys_that_cannot_be_headers_are_an_error_not_a_panic() {
        // Non-ASCII keys are sent as bytes; control characters are refused.
        for key in ["sk-or-…", "bearer…", "ünï"] {
            assert!(auth_value(AuthKind::Bearer, Secret(key.into())).is_ok(), "{key}");
        }
        assert!(auth_value(AuthKind::Bearer, Secret("a\nb".into())).is_err());
    }

    #[test]
    fn debug_hides_the_key() {
        let auth = auth_value(AuthKind::Bearer, Secret("sk-or-secret".into())).unwrap();
        assert!(!format!("{auth:?}").contains("sk-or-secret"));
        let b = CoreBuilder { api_key: Some(Secret("sk-or-secret".into())), ..CoreBuilder::new() };
        assert!(!format!("{b:?}").contains("sk-or-secret"));
    }
}
