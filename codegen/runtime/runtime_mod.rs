//! Hand-written support code, copied into every generated crate.
//!
//! Not every API uses every helper, so unused ones are allowed here.
#![allow(dead_code)]

pub(crate) mod core;
pub(crate) mod error;
pub(crate) mod pagination;
pub(crate) mod redact;
pub(crate) mod response;
pub(crate) mod retry;
pub(crate) mod sensitive;
pub(crate) mod serde_support;
