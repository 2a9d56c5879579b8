//! The fixture specs under `tests/specs/` and the crates generated from them
//! under `tests/fixtures/`: each construct the generator supports, compiled
//! and exercised by the test suite.

/// `(spec under tests/specs/, crate directory under tests/fixtures/)`.
pub const FIXTURES: &[(&str, &str)] = &[
    ("params.yaml", "params"),
    ("bodies.yaml", "bodies"),
    ("responses.yaml", "responses"),
    ("schemas.yaml", "schemas"),
    ("documents/main.yaml", "documents"),
    ("webhooks.yaml", "webhooks"),
];
