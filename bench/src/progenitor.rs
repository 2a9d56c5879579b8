//! progenitor, the Rust peer the benchmarks compare with: installed at bench
//! time (`cargo install cargo-progenitor`, pinned) so it never enters the
//! project's build, and fed the same documents after the edits it needs.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// The pinned version.
pub const VERSION: &str = "0.15.1";

/// `cargo-progenitor`, installed under `tools/` unless it already is.
pub fn install(tools: &Path) -> Result<PathBuf, String> {
    let bin = tools.join("bin").join(format!("cargo-progenitor{}", std::env::consts::EXE_SUFFIX));
    if bin.exists() {
        return Ok(bin);
    }
    eprintln!("bench: installing cargo-progenitor {VERSION} into {} (once)", tools.display());
    let status = Command::new(crate::cargo())
        .args(["install", "--quiet", "--locked", "cargo-progenitor", "--version", VERSION, "--root"])
        .arg(tools)
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() || !bin.exists() {
        return Err(format!("`cargo install cargo-progenitor --version {VERSION}` failed"));
    }
    Ok(bin)
}

/// Writes the document as progenitor can read it to `out`, and says what had
/// to change. progenitor reads only OpenAPI 3.0, so 3.1 goes through our
/// normaliser (type arrays → `nullable`, `const` → one-value `enum`,
/// `examples` → `example`, numeric exclusive bounds → booleans); and it
/// accepts one error body type per operation, so the error responses of an
/// operation that has several are given the first one's body.
pub fn prepare(spec: &Path, out: &Path) -> Result<Vec<String>, String> {
    let label = spec.display().to_string();
    let doc = codegen::load::load_file(spec, &label).map_err(|d| d.to_string())?;
    let mut tree = doc.value;
    let mut diags = codegen::Diagnostics::default();
    codegen::bundle::bundle(&mut tree, spec, &mut diags);
    let version = codegen::normalise::normalise(&mut tree, &mut diags);
    let mut edits = Vec::new();
    if version.as_ref().is_some_and(|v| v.is_31()) {
        edits.push("converted from OpenAPI 3.1 to 3.0 (our normaliser)".to_owned());
    }
    let merged = merge_error_bodies(&mut tree);
    if merged > 0 {
        edits.push(format!("error responses given one body type in {merged} operations"));
    }
    std::fs::write(out, serde_json::to_vec_pretty(&tree).map_err(|e| e.to_string())?)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(edits)
}

/// Gives every error response (4XX/5XX/default) of an operation the body of
/// its first one that has a body; returns how many operations changed.
fn merge_error_bodies(tree: &mut Value) -> usize {
    let mut changed = 0;
    let Some(Value::Object(paths)) = tree.get_mut("paths") else { return 0 };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        for (method, op) in item.iter_mut() {
            if !["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&method.as_str()) {
                continue;
            }
            let Some(Value::Object(responses)) = op.get_mut("responses") else { continue };
            let is_error = |code: &str| !code.starts_with('2') && !code.starts_with('1') && !code.starts_with('3');
            let first: Option<Value> = responses
                .iter()
                .filter(|(code, _)| is_error(code))
                .find_map(|(_, r)| r.get("content").cloned().or_else(|| r.get("$ref").map(|r| json!({"$ref": r}))));
            let Some(first) = first else { continue };
            let mut differs = false;
            for (code, r) in responses.iter_mut() {
                if !is_error(code) {
                    continue;
                }
                let replacement = match &first {
                    Value::Object(o) if o.contains_key("$ref") => first.clone(),
                    content => {
                        json!({"description": r.get("description").cloned().unwrap_or(json!("error")), "content": content})
                    }
                };
                if *r != replacement {
                    differs = true;
                    *r = replacement;
                }
            }
            if differs {
                changed += 1;
            }
        }
    }
    changed
}

/// The command that generates a crate from `input` into `out`.
pub fn command(bin: &Path, input: &Path, out: &Path, name: &str) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("progenitor").arg("-i").arg(input).arg("-o").arg(out);
    cmd.args(["-n", name, "-v", "0.1.0", "--interface", "builder"]);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_merged_per_operation() {
        let mut tree = json!({"paths": {"/a": {"get": {"responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
            "404": {"description": "nf", "content": {"application/json": {"schema": {"$ref": "#/x/NotFound"}}}},
            "500": {"description": "ise", "content": {"application/json": {"schema": {"$ref": "#/x/Internal"}}}}
        }}}}});
        assert_eq!(merge_error_bodies(&mut tree), 1);
        let r = &tree["paths"]["/a"]["get"]["responses"];
        assert_eq!(r["500"]["content"], r["404"]["content"]);
        assert_eq!(r["500"]["description"], "ise");
        assert_eq!(r["200"]["content"]["application/json"]["schema"]["type"], "string");
        assert_eq!(merge_error_bodies(&mut tree), 0, "nothing left to merge");
    }
}
