//! The error envelope every operation returns.
//!
//! [`Error<E>`] says what went wrong in transport terms; `E` is the operation's
//! own enum of the error statuses its description lists. Nothing here ever
//! shows a credential: bodies are shown bounded and with credential-like JSON
//! values masked, and URLs without their query.

use std::error::Error as StdError;
use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// How many bytes of a body error messages show.
const SNIPPET: usize = 512;

/// Everything that can go wrong with a call.
///
/// The variants hold their details boxed, so a `Result` of a call stays
/// small.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with a status other than the operation's success
    /// status. The operation's error enum says which one.
    Service(Box<ServiceError<E>>),
    /// The request did not get a complete response: connection refused or
    /// reset, timeout, TLS failure, connection closed early.
    Transport(Box<TransportError>),
    /// The success response could not be read as the operation's type.
    Decode(Box<DecodeError>),
    /// The request could not be built (an invalid header value, an empty path
    /// parameter, a body that does not serialize). Nothing was sent.
    Build(BuildError),
}

impl<E> Error<E> {
    /// The operation's error, when the server answered with an error status.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            Error::Service(s) => Some(s.err()),
            _ => None,
        }
    }

    /// Consumes the error, returning the operation's error when there is one.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            Error::Service(s) => Some((*s).into_err()),
            _ => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Service(s) => Some(s.raw().status()),
            Error::Decode(d) => Some(d.status),
            Error::Transport(_) | Error::Build(_) => None,
        }
    }

    /// The response that came back, when one did.
    pub fn raw_response(&self) -> Option<&RawResponse> {
        match self {
            Error::Service(s) => Some(s.raw()),
            Error::Decode(d) => Some(&d.raw),
            Error::Transport(_) | Error::Build(_) => None,
        }
    }

    /// Whether retrying the same call later could succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(t) => t.kind != TransportErrorKind::Tls,
            Error::Service(s) => matches!(s.raw().status().as_u16(), 429 | 500 | 502 | 503 | 504),
            Error::Decode(_) | Error::Build(_) => false,
        }
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(s) => fmt::Display::fmt(s, f),
            Error::Transport(t) => fmt::Display::fmt(t, f),
            Error::Decode(d) => fmt::Display::fmt(d, f),
            Error::Build(b) => fmt::Display::fmt(b, f),
        }
    }
}

impl<E: StdError + 'static> StdError for Error<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Service(s) => Some(s.err()),
            Error::Transport(t) => Some(t.as_ref()),
            Error::Decode(d) => Some(d.as_ref()),
            Error::Build(b) => Some(b),
        }
    }
}

/// A response that arrived: status, headers and the whole body.
#[derive(Clone)]
pub struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl RawResponse {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as it came.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The `Content-Type`, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// Whether the body is declared as JSON (`application/json` or `…+json`,
    /// parameters allowed).
    pub fn is_json(&self) -> bool {
        self.content_type().is_some_and(|c| {
            let essence = c.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
        })
    }

    /// A bounded, credential-free rendering of the body for messages.
    pub(crate) fn snippet(&self) -> String {
        snippet(&self.body)
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("body", &self.snippet())
            .finish()
    }
}

/// A body for an error message: credential-like JSON values masked, at most
/// [`SNIPPET`] bytes, never split inside a character.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => crate::runtime::redact::scrub_json(&v).to_string(),
        // One line, whatever the body.
        Err(_) => String::from_utf8_lossy(body).replace(['\n', '\r'], " "),
    };
    if text.len() <= SNIPPET {
        return text;
    }
    let mut end = SNIPPET;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes)", &text[..end], text.len() - end)
}

/// An error status, with the operation's reading of it.
pub struct ServiceError<E> {
    pub(crate) err: E,
    pub(crate) raw: RawResponse,
    pub(crate) operation: &'static str,
}

impl<E> ServiceError<E> {
    /// The operation's error.
    pub fn err(&self) -> &E {
        &self.err
    }

    /// Takes the operation's error.
    pub fn into_err(self) -> E {
        self.err
    }

    /// The response as it came.
    pub fn raw(&self) -> &RawResponse {
        &self.raw
    }

    /// The operation that failed (its `operationId`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }
}

impl<E: fmt::Debug> fmt::Debug for ServiceError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("operation", &self.operation)
            .field("err", &self.err)
            .field("raw", &self.raw)
            .finish()
    }
}

impl<E: fmt::Display> fmt::Display for ServiceError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.raw.status;
        write!(f, "{} failed with {}: {}", self.operation, status, self.err)
    }
}

/// A status the operation's description does not list, or a listed status
/// whose body does not have the described shape.
#[derive(Clone)]
pub struct UnhandledError {
    pub(crate) raw: RawResponse,
    /// Why a listed status's body could not be read, when that is the case.
    pub(crate) parse_error: Option<String>,
}

impl UnhandledError {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.raw.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.raw.headers
    }

    /// The body as it came.
    pub fn body(&self) -> &[u8] {
        &self.raw.body
    }

    /// Why the body could not be read as the documented error type, if the
    /// status is one the operation lists.
    pub fn parse_error(&self) -> Option<&str> {
        self.parse_error.as_deref()
    }
}

impl fmt::Debug for UnhandledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnhandledError").field("raw", &self.raw).field("parse_error", &self.parse_error).finish()
    }
}

impl fmt::Display for UnhandledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.parse_error {
            Some(e) => write!(f, "unreadable error body ({e}): {}", self.raw.snippet()),
            None if self.raw.body.is_empty() => f.write_str("no body"),
            None => match message_of(&self.raw.body) {
                Some(m) => f.write_str(&m),
                None => f.write_str(&self.raw.snippet()),
            },
        }
    }
}

/// The human message of a JSON error body in one of the common shapes
/// (`{"error": {"message": …}}`, `{"message": …}`, `{"detail": …}`).
fn message_of(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let m = v
        .pointer("/error/message")
        .or_else(|| v.get("message"))
        .or_else(|| v.get("detail"))
        .or_else(|| v.get("error").filter(|e| e.is_string()))?
        .as_str()?;
    (!m.is_empty()).then(|| m.replace(['\n', '\r'], " "))
}

impl StdError for UnhandledError {}

/// What kind of transport failure happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, unreachable, DNS). The
    /// request was not sent.
    Connect,
    /// No complete response within the timeout.
    Timeout,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The connection closed before a complete response arrived.
    ConnectionClosed,
    /// Any other I/O or protocol failure.
    Other,
}

/// The request did not get a complete response.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) kind: TransportErrorKind,
    pub(crate) operation: &'static str,
    /// Scheme, host and path; never the query, which may carry a credential.
    pub(crate) url: String,
    pub(crate) source: Box<dyn StdError + Send + Sync>,
    pub(crate) attempts: u32,
}

impl TransportError {
    /// What kind of failure it was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect to",
            TransportErrorKind::Timeout => "timed out waiting for",
            TransportErrorKind::Tls => "TLS failed with",
            TransportErrorKind::ConnectionClosed => "connection closed before a response from",
            TransportErrorKind::Other => "transport error talking to",
        };
        write!(f, "{}: {what} {}", self.operation, self.url)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        write!(f, ": {}", innermost(self.source.as_ref()))
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.source.as_ref())
    }
}

/// The most specific message in an error chain ("Connection refused" rather
/// than "error sending request").
fn innermost(e: &(dyn StdError + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Why a success response could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The `Content-Type` is not JSON.
    ContentType,
    /// The body is not valid JSON.
    InvalidJson,
    /// The body is JSON of the wrong shape.
    Schema,
    /// A text body is not UTF-8.
    InvalidText,
}

/// A success status whose body could not be read as the operation's type.
#[derive(Debug)]
pub struct DecodeError {
    pub(crate) kind: DecodeErrorKind,
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) raw: RawResponse,
    pub(crate) message: String,
}

impl DecodeError {
    /// Why the body could not be read.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// The response as it came.
    pub fn raw(&self) -> &RawResponse {
        &self.raw
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the {} response could not be read: {}; body: {}",
            self.operation,
            self.status,
            self.message,
            self.raw.snippet()
        )
    }
}

impl StdError for DecodeError {}

/// The request could not be built; nothing was sent.
#[derive(Debug)]
pub struct BuildError {
    pub(crate) operation: &'static str,
    pub(crate) message: String,
}

impl BuildError {
    pub(crate) fn new(operation: &'static str, message: impl Into<String>) -> Self {
        BuildError { operation, message: message.into() }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the request could not be built: {}", self.operation, self.message)
    }
}

impl StdError for BuildError {}

/// Building a client failed.
#[derive(Debug)]
pub struct ConfigError {
    pub(crate) message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, ct: &str, body: &str) -> RawResponse {
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::CONTENT_TYPE, ct.parse().unwrap());
        RawResponse { status: StatusCode::from_u16(status).unwrap(), headers, body: Bytes::from(body.to_owned()) }
    }

    #[test]
    fn json_media_types() {
        assert!(raw(200, "application/json", "").is_json());
        assert!(raw(200, "application/json; charset=utf-8", "").is_json());
        assert!(raw(200, "application/problem+json", "").is_json());
        assert!(!raw(200, "text/html", "").is_json());
    }

    #[test]
    fn snippets_are_bounded_and_masked() {
        let long = "é".repeat(1000);
        let s = snippet(long.as_bytes());
        assert!(s.len() < 600 && s.ends_with("more bytes)"), "{s}");
        let s = snippet(br#"{"config": {"secretKey": "sk-live"}, "name": "n"}"#);
        assert!(!s.contains("sk-live") && s.contains("\"n\""), "{s}");
    }

    #[test]
    fn errors_stay_small() {
        assert!(std::mem::size_of::<Error<UnhandledError>>() <= 48);
    }

    #[test]
    fn display_is_one_line() {
        let e: Error<UnhandledError> = Error::Service(Box::new(ServiceError {
            err: UnhandledError { raw: raw(418, "text/plain", "teapot\nhere"), parse_error: None },
            raw: raw(418, "text/plain", "teapot"),
            operation: "getThing",
        }));
        assert_eq!(e.to_string(), "getThing failed with 418 I'm a teapot: teapot here");
        assert_eq!(e.status(), Some(StatusCode::IM_A_TEAPOT));
    }
}
