//! Stage 1b: references to other files are brought into the document.
//!
//! Every `$ref` that names another file (`pet.yaml`, `common.yaml#/components/schemas/Id`,
//! `../shared/errors.json#/Error`) is resolved relative to the file it is in,
//! the value it points to is copied into the document's `components` (under
//! the section the reference sits in, and a name from the pointer or the
//! file), and the reference is rewritten to point there. References inside
//! copied values are followed the same way, relative to their own file, so
//! chains across files work; each target is copied once.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Diagnostics, percent_decode, pointer_tokens, push_pointer};

/// A value to walk: which file it came from, and where it now sits.
struct Job {
    file: PathBuf,
    /// Pointer of the value in the main document.
    at: String,
}

struct Bundler {
    /// Parsed files, by canonical path.
    files: HashMap<PathBuf, Value>,
    /// `(file, fragment)` → the local reference it was copied to.
    copied: HashMap<(PathBuf, String), String>,
    diags: Diagnostics,
}

/// Resolves every external `$ref` in `doc`, which was read from `path`.
pub fn bundle(doc: &mut Value, path: &Path, diags: &mut Diagnostics) {
    let main = canonical(path);
    let mut b = Bundler { files: HashMap::new(), copied: HashMap::new(), diags: Diagnostics::default() };
    let mut jobs = vec![Job { file: main.clone(), at: String::new() }];
    while let Some(job) = jobs.pop() {
        // Collect the references under this job's value first, then rewrite.
        let mut refs = Vec::new();
        if let Some(v) = pointer_get(doc, &job.at) {
            collect_refs(v, &job.at, &mut refs);
        }
        for (at, reference) in refs {
            let new_ref = if let Some(local) = reference.strip_prefix('#') {
                if job.file == main {
                    continue;
                }
                // Local to the other file: it names something in that file.
                b.import(doc, &job.file, local, &at, &mut jobs)
            } else if reference.contains("://") {
                b.diags.push(Diagnostic::error(
                    &at,
                    format!("`$ref: {reference}` is a URL; remote documents are not fetched (download it and refer to the file)"),
                ));
                None
            } else {
                let (file_part, fragment) = reference.split_once('#').unwrap_or((&reference, ""));
                let base = job.file.parent().map(Path::to_path_buf).unwrap_or_default();
                let target = canonical(&base.join(percent_decode(file_part)));
                if target == main {
                    Some(format!("#{fragment}"))
                } else {
                    b.import(doc, &target, fragment, &at, &mut jobs)
                }
            };
            if let Some(r) = new_ref
                && let Some(Value::Object(o)) = pointer_get_mut(doc, &at)
            {
                o.insert("$ref".into(), Value::String(r));
            }
        }
    }
    diags.extend(b.diags);
}

impl Bundler {
    /// Copies `file#fragment` into the document's components, once, and
    /// returns the local reference to it.
    fn import(
        &mut self,
        doc: &mut Value,
        file: &Path,
        fragment: &str,
        from: &str,
        jobs: &mut Vec<Job>,
    ) -> Option<String> {
        let fragment = percent_decode(fragment);
        let key = (file.to_path_buf(), fragment.clone());
        if let Some(r) = self.copied.get(&key) {
            return Some(r.clone());
        }
        let value = match self.file(file, from) {
            Some(root) => match pointer_get(root, &fragment) {
                Some(v) => v.clone(),
                None => {
                    self.diags.push(Diagnostic::error(
                        from,
                        format!("`$ref` to {}#{fragment} does not resolve: nothing at that pointer", file.display()),
                    ));
                    return None;
                }
            },
            None => return None,
        };
        let tokens = pointer_tokens(&fragment).unwrap_or_default();
        let (section, name) = match tokens.as_slice() {
            [c, section, name] if c == "components" => (section.clone(), name.clone()),
            _ => {
                let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("external").to_owned();
                let name = tokens.last().cloned().unwrap_or(stem);
                (section_for(from), name)
            }
        };
        let root = doc.as_object_mut()?;
        let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(components) = components else { return None };
        let section_map = components.entry(section.clone()).or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(section_map) = section_map else { return None };
        let taken: BTreeSet<String> = section_map.keys().cloned().collect();
        let mut unique = name.clone();
        let mut n = 2;
        while taken.contains(&unique) && section_map.get(&unique) != Some(&value) {
            unique = format!("{name}{n}");
            n += 1;
        }
        section_map.insert(unique.clone(), value);
        let at = push_pointer(&push_pointer("/components", &section), &unique);
        let local = format!("#{at}");
        self.copied.insert(key, local.clone());
        jobs.push(Job { file: file.to_path_buf(), at });
        Some(local)
    }

    fn file(&mut self, path: &Path, from: &str) -> Option<&Value> {
        if !self.files.contains_key(path) {
            let label = path.display().to_string();
            match crate::load::load_file(path, &label) {
                Ok(d) => {
                    self.files.insert(path.to_path_buf(), d.value);
                }
                Err(e) => {
                    for mut d in e.0 {
                        // Name the referring place too: the file is only known through it.
                        d.message = format!("{} (referred to from #{from})", d.message);
                        self.diags.push(d);
                    }
                    return None;
                }
            }
        }
        self.files.get(path)
    }
}

/// The `components` section a reference found at `pointer` belongs in.
fn section_for(pointer: &str) -> String {
    let tokens = pointer_tokens(pointer).unwrap_or_default();
    let n = tokens.len();
    let parent = |i: usize| tokens.get(n.wrapping_sub(i)).map(String::as_str);
    let section = match (parent(2), parent(3)) {
        (Some("parameters"), _) => "parameters",
        (_, Some("responses")) if !tokens.iter().any(|t| t == "schema" || t == "content") => "responses",
        (_, Some("headers")) => "headers",
        _ if parent(1) == Some("requestBody") => "requestBodies",
        _ if parent(2) == Some("paths") => "pathItems",
        _ => "schemas",
    };
    section.to_owned()
}

/// `(pointer, reference)` of every `$ref` string under `v`.
fn collect_refs(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let mut stack = vec![(v, at.to_owned())];
    while let Some((v, at)) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push((at.clone(), r.clone()));
                }
                for (k, x) in m {
                    if k != "$ref" && (x.is_object() || x.is_array()) {
                        stack.push((x, push_pointer(&at, k)));
                    }
                }
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    stack.push((x, push_pointer(&at, &i.to_string())));
                }
            }
            _ => {}
        }
    }
}

fn pointer_get<'v>(v: &'v Value, pointer: &str) -> Option<&'v Value> {
    pointer_tokens(pointer)?.iter().try_fold(v, |v, t| match v {
        Value::Object(m) => m.get(t),
        Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

fn pointer_get_mut<'v>(v: &'v mut Value, pointer: &str) -> Option<&'v mut Value> {
    pointer_tokens(pointer)?.iter().try_fold(v, |v, t| match v {
        Value::Object(m) => m.get_mut(t),
        Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A fresh directory with a `sub/` folder, removed when the test ends.
    fn dir(name: &str) -> tempfile::TempDir {
        let d = tempfile::Builder::new().prefix(&format!("codegen-bundle-{name}-")).tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("sub")).unwrap();
        d
    }

    #[test]
    fn files_fragments_and_chains_are_brought_in() {
        let d = dir("chain");
        let d = d.path();
        std::fs::write(
            d.join("pet.yaml"),
            "type: object\nproperties:\n  owner: {$ref: 'sub/people.yaml#/components/schemas/Person'}\n",
        )
        .unwrap();
        std::fs::write(
            d.join("sub/people.yaml"),
            "components:\n  schemas:\n    Person: {type: object, properties: {pet: {$ref: '../pet.yaml'}, id: {$ref: '#/components/schemas/Id'}}}\n    Id: {type: string}\n",
        )
        .unwrap();
        let mut doc = json!({"openapi": "3.1.0", "paths": {"/pets": {"get": {"responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "pet.yaml"}}}}}}}}});
        let mut diags = Diagnostics::default();
        bundle(&mut doc, &d.join("main.yaml"), &mut diags);
        assert!(diags.0.is_empty(), "{diags}");
        let s = &doc["components"]["schemas"];
        assert_eq!(
            doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/pet"
        );
        assert_eq!(s["pet"]["properties"]["owner"]["$ref"], "#/components/schemas/Person");
        assert_eq!(s["Person"]["properties"]["pet"]["$ref"], "#/components/schemas/pet", "a cycle across files");
        assert_eq!(s["Person"]["properties"]["id"]["$ref"], "#/components/schemas/Id", "local to the other file");
        assert_eq!(s["Id"]["type"], "string");
    }

    #[test]
    fn missing_files_and_urls_are_errors_with_pointers() {
        let d = dir("missing");
        let d = d.path();
        let mut doc = json!({"components": {"schemas": {"A": {"$ref": "nope.yaml#/X"}, "B": {"$ref": "https://example.com/s.json"}}}});
        let mut diags = Diagnostics::default();
        bundle(&mut doc, &d.join("main.yaml"), &mut diags);
        let text = diags.to_string();
        assert!(
            text.contains("cannot read the file") && text.contains("referred to from #/components/schemas/A"),
            "{text}"
        );
        assert!(text.contains("#/components/schemas/B") && text.contains("remote documents are not fetched"), "{text}");
    }

    #[test]
    fn parameters_go_to_their_section() {
        let d = dir("params");
        let d = d.path();
        std::fs::write(d.join("params.yaml"), "Limit: {name: limit, in: query, schema: {type: integer}}\n").unwrap();
        let mut doc =
            json!({"paths": {"/x": {"get": {"parameters": [{"$ref": "params.yaml#/Limit"}], "responses": {}}}}});
        let mut diags = Diagnostics::default();
        bundle(&mut doc, &d.join("main.yaml"), &mut diags);
        assert!(diags.0.is_empty(), "{diags}");
        assert_eq!(doc["paths"]["/x"]["get"]["parameters"][0]["$ref"], "#/components/parameters/Limit");
        assert_eq!(doc["components"]["parameters"]["Limit"]["name"], "limit");
    }
}
