//! `--skip-unsupported`: leave out what cannot be generated, keep the rest.
//!
//! A problem inside an operation removes that operation; a problem inside a
//! schema elsewhere makes that schema "any JSON". Each removal is recorded, so
//! the output and the generated crate can list what is missing.

use serde_json::Value;

use crate::diag::{Diagnostic, pointer_tokens, push_pointer};

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Keywords whose value is a schema: a problem pointing at one of them is a
/// problem of the schema that holds it.
const SCHEMA_KEYWORDS: [&str; 10] = [
    "items",
    "additionalProperties",
    "not",
    "prefixItems",
    "patternProperties",
    "$dynamicRef",
    "$recursiveRef",
    "allOf",
    "oneOf",
    "anyOf",
];

/// Something left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// What was removed: `operation getX` or `schema #/components/schemas/Y`.
    pub what: String,
    pub pointer: String,
    pub reason: String,
}

/// Removes from `doc` whatever each error points into. Returns what was
/// removed; an empty list means the errors cannot be worked around.
pub fn apply(doc: &mut Value, errors: &[&Diagnostic]) -> Vec<Skipped> {
    let mut out: Vec<Skipped> = Vec::new();
    for e in errors {
        let Some(tokens) = pointer_tokens(&e.pointer) else { continue };
        let reason = e.message.clone();
        // Inside an operation (or a path item): leave the operation out.
        if tokens.first().map(String::as_str) == Some("paths") && tokens.len() >= 2 {
            let path = &tokens[1];
            let method = tokens.get(2).filter(|m| METHODS.contains(&m.as_str()));
            let Some(Value::Object(item)) = doc.get_mut("paths").and_then(|p| p.get_mut(path)) else { continue };
            match method {
                Some(m) => {
                    let id = item
                        .get(m.as_str())
                        .and_then(|o| o.get("operationId"))
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    if item.remove(m.as_str()).is_some() {
                        let pointer = push_pointer(&push_pointer("/paths", path), m);
                        let what = match id.or_else(|| e.operation_id.clone()) {
                            Some(id) => format!("operation `{id}` ({} {path})", m.to_ascii_uppercase()),
                            None => format!("operation {} {path}", m.to_ascii_uppercase()),
                        };
                        out.push(Skipped { what, pointer, reason });
                    }
                }
                None => {
                    // A path-level problem (its parameters): every operation of the path.
                    let count = METHODS.iter().filter(|m| item.contains_key(**m)).count();
                    if let Some(Value::Object(paths)) = doc.get_mut("paths")
                        && paths.remove(path).is_some()
                    {
                        out.push(Skipped {
                            what: format!("path {path} ({count} operations)"),
                            pointer: push_pointer("/paths", path),
                            reason,
                        });
                    }
                }
            }
            continue;
        }
        // Elsewhere: the innermost schema holding the problem becomes any
        // JSON; if it already is (the problem is how its parent uses it, say
        // a union member that must be an object), the schema holding it.
        let mut target = tokens.clone();
        loop {
            while let Some(last) = target.last() {
                let is_keyword = SCHEMA_KEYWORDS.contains(&last.as_str())
                    && target.len() >= 2
                    && target[target.len() - 2] != "properties";
                if is_keyword || get(doc, &target).is_none() {
                    target.pop();
                } else {
                    break;
                }
            }
            // Never replace a whole section.
            if target.len() < 3 || target.first().map(String::as_str) != Some("components") {
                break;
            }
            let Some(slot) = get_mut(doc, &target) else { break };
            if *slot != Value::Object(Default::default()) {
                *slot = Value::Object(Default::default());
                let pointer = target.iter().fold(String::new(), |p, t| push_pointer(&p, t));
                out.push(Skipped { what: format!("schema #{pointer} (typed as any JSON)"), pointer, reason });
                break;
            }
            parent_schema(&mut target);
        }
    }
    out
}

/// From a schema's pointer to the schema that holds it: past the property
/// name and `properties`, the member index and `oneOf`, or `items`.
fn parent_schema(tokens: &mut Vec<String>) {
    const CONTAINERS: [&str; 8] =
        ["properties", "patternProperties", "$defs", "definitions", "allOf", "oneOf", "anyOf", "prefixItems"];
    tokens.pop();
    let n = tokens.len();
    if n >= 1 && CONTAINERS.contains(&tokens[n - 1].as_str()) && (n < 2 || tokens[n - 2] != "properties") {
        tokens.pop();
    }
}

fn get<'v>(v: &'v Value, tokens: &[String]) -> Option<&'v Value> {
    tokens.iter().try_fold(v, |v, t| match v {
        Value::Object(m) => m.get(t),
        Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

fn get_mut<'v>(v: &'v mut Value, tokens: &[String]) -> Option<&'v mut Value> {
    tokens.iter().try_fold(v, |v, t| match v {
        Value::Object(m) => m.get_mut(t),
        Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_and_schemas_are_left_out() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"operationId": "getA"}, "post": {}}},
            "components": {"schemas": {"S": {"type": "object", "properties": {"x": {"$dynamicRef": "#m"}}}}}
        });
        let errors = [
            Diagnostic::error("/paths/~1a/get/responses/200/content/application~1json/schema", "bad"),
            Diagnostic::error("/components/schemas/S/properties/x/$dynamicRef", "unsupported"),
        ];
        let refs: Vec<&Diagnostic> = errors.iter().collect();
        let skipped = apply(&mut doc, &refs);
        assert_eq!(skipped.len(), 2);
        assert_eq!(skipped[0].what, "operation `getA` (GET /a)");
        assert_eq!(skipped[1].pointer, "/components/schemas/S/properties/x");
        assert!(doc["paths"]["/a"].get("get").is_none() && doc["paths"]["/a"].get("post").is_some());
        assert_eq!(doc["components"]["schemas"]["S"]["properties"]["x"], json!({}));
        // The same problem again: the schema holding the emptied one goes.
        let skipped = apply(&mut doc, &refs[1..]);
        assert_eq!(skipped[0].pointer, "/components/schemas/S");
        assert!(apply(&mut doc, &refs[1..]).is_empty(), "nothing left to remove");
    }
}
