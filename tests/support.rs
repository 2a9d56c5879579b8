//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// The project's own spec.
pub fn spec() -> PathBuf {
    root().join("spec/openrouter-observability.yaml")
}

/// A file from `../shared/reference/`, or `None` with a printed note when
/// this clone has no `../shared` (a user's clone; CI always has it).
pub fn shared_reference(name: &str) -> Option<PathBuf> {
    let path = root().join("../shared/reference").join(name);
    if path.exists() {
        Some(path)
    } else {
        println!("note: {} is absent; skipping the part of this test that reads it", path.display());
        None
    }
}

/// Reads a YAML or JSON file into a JSON value.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    codegen::load::parse_text(&text, path.extension().is_some_and(|e| e == "json"))
        .unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

/// Lines of `a` and `b` that differ, for readable assertion messages.
pub fn line_diff(a: &str, b: &str) -> String {
    let left: std::collections::BTreeSet<&str> = a.lines().collect();
    let right: std::collections::BTreeSet<&str> = b.lines().collect();
    let mut out = String::new();
    for l in left.difference(&right) {
        out.push_str(&format!("- {l}\n"));
    }
    for l in right.difference(&left) {
        out.push_str(&format!("+ {l}\n"));
    }
    out
}
