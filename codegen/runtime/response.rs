//! What a successful call returns, and how responses are read.

use std::ops::Deref;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::runtime::core::SendError;
use crate::runtime::error::{DecodeError, DecodeErrorKind, Error, RawResponse, ServiceError, UnhandledError};

/// A successful response: the typed body, with the status and headers.
///
/// It dereferences to the body, so `response.data` reads a field of it.
#[derive(Clone, Debug)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Takes everything apart.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }

    /// Changes the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

/// Reads a success response whose body is JSON of type `T`.
pub(crate) fn json<T: DeserializeOwned, E>(operation: &'static str, raw: RawResponse) -> Result<Response<T>, Error<E>> {
    let fail = |kind, message: String, raw: RawResponse| {
        Err(Error::Decode(Box::new(DecodeError { kind, operation, status: raw.status, raw, message })))
    };
    if !raw.is_json() {
        let ct = raw.content_type().map(|c| format!("`{c}`")).unwrap_or_else(|| "no content type".into());
        return fail(DecodeErrorKind::ContentType, format!("expected JSON, got {ct}"), raw);
    }
    match serde_json::from_slice::<T>(&raw.body) {
        Ok(body) => Ok(Response { status: raw.status, headers: raw.headers, body }),
        Err(e) => {
            let kind = if e.is_data() { DecodeErrorKind::Schema } else { DecodeErrorKind::InvalidJson };
            fail(kind, e.to_string(), raw)
        }
    }
}

/// Reads a success response whose body is text.
pub(crate) fn text<E>(operation: &'static str, raw: RawResponse) -> Result<Response<String>, Error<E>> {
    match String::from_utf8(raw.body.to_vec()) {
        Ok(body) => Ok(Response { status: raw.status, headers: raw.headers, body }),
        Err(e) => Err(Error::Decode(Box::new(DecodeError {
            kind: DecodeErrorKind::InvalidText,
            operation,
            status: raw.status,
            message: format!("the text is not UTF-8: {e}"),
            raw,
        }))),
    }
}

/// Reads a success response whose body is bytes.
pub(crate) fn binary<E>(raw: RawResponse) -> Result<Response<crate::primitives::Binary>, Error<E>> {
    let mut body = crate::primitives::Binary::new(raw.body.clone());
    if let Some(ct) = raw.content_type() {
        body = body.with_content_type(ct);
    }
    Ok(Response { status: raw.status, headers: raw.headers, body })
}

/// Reads a success response without a body.
pub(crate) fn empty<E>(raw: RawResponse) -> Result<Response<()>, Error<E>> {
    Ok(Response { status: raw.status, headers: raw.headers, body: () })
}

/// Reads an error status whose body the description types as `B`; a body
/// that is not that JSON is kept, unread, in the `unhandled` variant.
pub(crate) fn error_json<B: DeserializeOwned, E>(
    operation: &'static str,
    raw: RawResponse,
    wrap: impl FnOnce(B) -> E,
    unhandled: impl FnOnce(UnhandledError) -> E,
) -> Error<E> {
    let err = if !raw.is_json() {
        let ct = raw.content_type().unwrap_or("none").to_owned();
        unhandled(UnhandledError { raw: raw.clone(), parse_error: Some(format!("content type {ct} is not JSON")) })
    } else {
        match serde_json::from_slice::<B>(&raw.body) {
            Ok(b) => wrap(b),
            Err(e) => unhandled(UnhandledError { raw: raw.clone(), parse_error: Some(e.to_string()) }),
        }
    };
    Error::Service(Box::new(ServiceError { err, raw, operation }))
}

/// Reads an error status whose documented body is text.
pub(crate) fn error_text<E>(
    operation: &'static str,
    raw: RawResponse,
    wrap: impl FnOnce(String) -> E,
    unhandled: impl FnOnce(UnhandledError) -> E,
) -> Error<E> {
    let err = match std::str::from_utf8(&raw.body) {
        Ok(t) => wrap(t.to_owned()),
        Err(e) => {
            unhandled(UnhandledError { raw: raw.clone(), parse_error: Some(format!("the text is not UTF-8: {e}")) })
        }
    };
    Error::Service(Box::new(ServiceError { err, raw, operation }))
}

/// Reads an error status whose documented body is bytes.
pub(crate) fn error_binary<E>(
    operation: &'static str,
    raw: RawResponse,
    wrap: impl FnOnce(crate::primitives::Binary) -> E,
) -> Error<E> {
    let err = wrap(crate::primitives::Binary::new(raw.body.clone()));
    Error::Service(Box::new(ServiceError { err, raw, operation }))
}

/// An error status without a documented body.
pub(crate) fn error_empty<E>(operation: &'static str, raw: RawResponse, wrap: impl FnOnce() -> E) -> Error<E> {
    Error::Service(Box::new(ServiceError { err: wrap(), raw, operation }))
}

/// A status the description does not list.
pub(crate) fn unhandled<E>(
    operation: &'static str,
    raw: RawResponse,
    wrap: impl FnOnce(UnhandledError) -> E,
) -> Error<E> {
    let err = wrap(UnhandledError { raw: raw.clone(), parse_error: None });
    Error::Service(Box::new(ServiceError { err, raw, operation }))
}

/// A call that ended without a response.
pub(crate) fn send_error<E>(e: SendError) -> Error<E> {
    match e {
        SendError::Build(b) => Error::Build(b),
        SendError::Transport(t) => Error::Transport(Box::new(t)),
    }
}
