//! Stage 2: bring an OpenAPI 3.0 or 3.1 document to the 3.0 shape that the
//! `openapiv3` types read.
//!
//! 3.1 is JSON Schema 2020-12; the constructs that matter for types are
//! rewritten here, in the JSON tree, where the pointer of each one is known:
//! `type: [X, "null"]`, `const`, `examples`, numeric `exclusiveMinimum` and
//! `exclusiveMaximum`, `$ref` with sibling keywords, boolean schemas and
//! `webhooks`. Constructs we cannot represent are reported with their pointer.

use serde_json::{Map, Value, json};

use crate::diag::{Diagnostic, Diagnostics, push_pointer};

/// The OpenAPI version the document declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecVersion {
    pub raw: String,
    pub minor: u32,
}

impl SpecVersion {
    pub fn is_31(&self) -> bool {
        self.minor >= 1
    }
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Keywords that change what a value may look like and have no Rust form.
const UNSUPPORTED_SCHEMA_KEYWORDS: [&str; 2] = ["$dynamicRef", "$recursiveRef"];

/// Keywords that only validate: a client's types do not depend on them.
const VALIDATION_ONLY: [&str; 12] = [
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "contentSchema",
];

/// Rewrites `doc` in place. Returns the declared version.
pub fn normalise(doc: &mut Value, diags: &mut Diagnostics) -> Option<SpecVersion> {
    let Some(root) = doc.as_object_mut() else {
        diags.push(Diagnostic::error("", "the document is not a mapping; an OpenAPI document starts with `openapi:`"));
        return None;
    };
    let version = match root.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(other) => {
            diags.push(Diagnostic::error("/openapi", format!("`openapi` must be a version string, found {other}")));
            return None;
        }
        None if root.contains_key("swagger") => {
            diags.push(Diagnostic::error(
                "/swagger",
                "Swagger 2.0 documents are not supported; convert the document to OpenAPI 3 first",
            ));
            return None;
        }
        None => {
            diags.push(Diagnostic::error("", "missing `openapi` version field; this is not an OpenAPI 3 document"));
            return None;
        }
    };
    let minor = match version.split('.').collect::<Vec<_>>()[..] {
        ["3", minor, ..] => match minor.parse::<u32>() {
            Ok(m @ 0..=1) => m,
            _ => {
                diags.push(Diagnostic::error(
                    "/openapi",
                    format!("unsupported OpenAPI version `{version}` (3.0.x and 3.1.x are)"),
                ));
                return None;
            }
        },
        _ => {
            diags.push(Diagnostic::error(
                "/openapi",
                format!("unsupported OpenAPI version `{version}` (3.0.x and 3.1.x are)"),
            ));
            return None;
        }
    };
    let version = SpecVersion { raw: version, minor };
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    if root.remove("webhooks").is_some() {
        diags.push(Diagnostic::note("/webhooks", "webhooks are not part of a client; skipped"));
    }
    root.remove("jsonSchemaDialect");
    // 3.1 makes `paths` optional; the 3.0 types require it.
    root.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    // `info` is required by the types; diagnose here with a pointer.
    if !root.get("info").is_some_and(Value::is_object) {
        diags.push(Diagnostic::error("/info", "missing `info` object"));
    }

    inline_path_item_refs(root, diags);
    strip_query_from_path_keys(root, diags);
    let mut w = Walker { diags };
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            w.path_item(item, &push_pointer("/paths", path));
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        w.components(components);
    }
    Some(version)
}

/// A path item may be a `$ref` to another (`#/paths/~1other`, or
/// `#/components/pathItems/X`, where external files are bundled): the
/// referenced item is copied in place, with the referring item's own fields
/// (summary, description) on top.
fn inline_path_item_refs(root: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let Some(Value::Object(paths)) = root.get("paths") else { return };
    let referring: Vec<String> =
        paths.iter().filter(|(_, v)| v.get("$ref").is_some_and(Value::is_string)).map(|(k, _)| k.clone()).collect();
    for key in referring {
        let ptr = push_pointer("/paths", &key);
        let mut item = root["paths"][&key].clone();
        let mut hops = 0;
        while let Some(Value::String(r)) = item.get("$ref").cloned() {
            hops += 1;
            let target = r.strip_prefix('#').and_then(|p| pointer_value(root, p));
            let Some(Value::Object(target)) = target.filter(|_| hops <= 16) else {
                diags.push(Diagnostic::error(
                    &ptr,
                    format!("path item `$ref: {r}` does not resolve to a path item in this document"),
                ));
                item = Value::Null;
                break;
            };
            let Value::Object(mut own) = item else { break };
            own.remove("$ref");
            let mut merged = target.clone();
            merged.extend(own);
            item = Value::Object(merged);
        }
        if let Some(Value::Object(paths)) = root.get_mut("paths") {
            if item.is_null() {
                // Rebuilt rather than removed from: the order of paths is the
                // order of the generated operations.
                *paths = std::mem::take(paths).into_iter().filter(|(k, _)| *k != key).collect();
            } else {
                paths.insert(key, item);
            }
        }
    }
}

/// `root` at a JSON pointer (`/paths/~1a`).
fn pointer_value<'v>(root: &'v Map<String, Value>, pointer: &str) -> Option<&'v Value> {
    let mut tokens = crate::diag::pointer_tokens(pointer)?.into_iter();
    let first = tokens.next()?;
    tokens.try_fold(root.get(&first)?, |v, t| match v {
        Value::Object(m) => m.get(&t),
        Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// Some documents write query parameters into the path key
/// (`/search?query={query}`). The templated pairs are dropped from the path
/// (the parameters they name are sent as the operation declares them); fixed
/// pairs (`?action=list`) stay and are sent as written.
fn strip_query_from_path_keys(root: &mut Map<String, Value>, diags: &mut Diagnostics) {
    let Some(Value::Object(paths)) = root.get_mut("paths") else { return };
    if !paths.keys().any(|k| k.contains('?')) {
        return;
    }
    let methods_of = |v: &Value| -> Vec<&'static str> { METHODS.into_iter().filter(|m| v.get(*m).is_some()).collect() };
    let original: std::collections::HashMap<String, Vec<&str>> =
        paths.iter().filter(|(k, _)| !k.contains('?')).map(|(k, v)| (k.clone(), methods_of(v))).collect();
    let mut out = Map::new();
    for (key, item) in std::mem::take(paths) {
        let Some((base, query)) = key.split_once('?') else {
            merge_path_item(&mut out, key, item);
            continue;
        };
        let fixed: Vec<&str> = query.split('&').filter(|pair| !pair.is_empty() && !pair.contains('{')).collect();
        let new_key = if fixed.is_empty() { base.to_owned() } else { format!("{base}?{}", fixed.join("&")) };
        let mine = methods_of(&item);
        let taken_by = |methods: &[&str]| methods.iter().any(|m| mine.contains(m));
        let clash = out.get(&new_key).is_some_and(|v| taken_by(&methods_of(v)))
            || original.get(&new_key).is_some_and(|m| taken_by(m));
        if new_key == key || clash {
            // A clash is left as it is: the undeclared `{name}` is reported there.
            merge_path_item(&mut out, key, item);
            continue;
        }
        diags.push(Diagnostic::note(
            push_pointer("/paths", &key),
            format!("a path key holds a query string; the path is `{new_key}`, its parameters are sent as declared"),
        ));
        merge_path_item(&mut out, new_key, item);
    }
    *paths = out;
}

/// Adds a path item, merging its operations into an item already there.
fn merge_path_item(paths: &mut Map<String, Value>, key: String, item: Value) {
    match (paths.get_mut(&key), item) {
        (Some(Value::Object(existing)), Value::Object(item)) => existing.extend(item),
        (_, item) => {
            paths.insert(key, item);
        }
    }
}

struct Walker<'a> {
    diags: &'a mut Diagnostics,
}

impl Walker<'_> {
    fn components(&mut self, c: &mut Map<String, Value>) {
        let each = |c: &mut Map<String, Value>, key: &str, w: &mut Self, f: fn(&mut Self, &mut Value, &str)| {
            if let Some(Value::Object(m)) = c.get_mut(key) {
                let base = push_pointer("/components", key);
                for (name, v) in m.iter_mut() {
                    f(w, v, &push_pointer(&base, name));
                }
            }
        };
        each(c, "schemas", self, Self::schema);
        each(c, "parameters", self, Self::parameter);
        each(c, "requestBodies", self, Self::content_holder);
        each(c, "responses", self, Self::response);
        each(c, "headers", self, Self::parameter);
        each(c, "pathItems", self, Self::path_item);
    }

    fn path_item(&mut self, item: &mut Value, ptr: &str) {
        let Some(item) = item.as_object_mut() else { return };
        self.parameters(item, ptr);
        for m in METHODS {
            if let Some(Value::Object(op)) = item.get_mut(m) {
                let op_ptr = push_pointer(ptr, m);
                self.parameters(op, &op_ptr);
                if let Some(body) = op.get_mut("requestBody") {
                    self.content_holder(body, &push_pointer(&op_ptr, "requestBody"));
                }
                if let Some(Value::Object(responses)) = op.get_mut("responses") {
                    let rp = push_pointer(&op_ptr, "responses");
                    // `2xx` is common; the types read only `2XX`.
                    let lower: Vec<String> = responses.keys().filter(|k| k.ends_with("xx")).cloned().collect();
                    for k in lower {
                        if let Some(v) = responses.remove(&k) {
                            responses.insert(k.to_ascii_uppercase(), v);
                        }
                    }
                    for (code, r) in responses.iter_mut() {
                        let p = push_pointer(&rp, code);
                        if !is_response_key(code) {
                            // The types would drop it without a word.
                            self.diags.push(Diagnostic::error(
                                &p,
                                format!("`{code}` is not a status code, a range like `4XX`, or `default`"),
                            ));
                        }
                        self.response(r, &p);
                    }
                }
                if op.remove("callbacks").is_some() {
                    self.diags.push(Diagnostic::note(
                        push_pointer(&op_ptr, "callbacks"),
                        "callbacks are requests the server makes; skipped",
                    ));
                }
            }
        }
    }

    fn parameters(&mut self, holder: &mut Map<String, Value>, ptr: &str) {
        if let Some(Value::Array(params)) = holder.get_mut("parameters") {
            let pp = push_pointer(ptr, "parameters");
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(p, &push_pointer(&pp, &i.to_string()));
            }
        }
    }

    fn parameter(&mut self, p: &mut Value, ptr: &str) {
        let Some(p) = p.as_object_mut() else { return };
        if let Some(s) = p.get_mut("schema") {
            self.schema(s, &push_pointer(ptr, "schema"));
        }
        self.content(p, ptr);
    }

    fn response(&mut self, r: &mut Value, ptr: &str) {
        let Some(obj) = r.as_object_mut() else { return };
        if let Some(Value::Object(headers)) = obj.get_mut("headers") {
            let hp = push_pointer(ptr, "headers");
            for (name, h) in headers.iter_mut() {
                self.parameter(h, &push_pointer(&hp, name));
            }
        }
        self.content(obj, ptr);
    }

    fn content_holder(&mut self, v: &mut Value, ptr: &str) {
        if let Some(obj) = v.as_object_mut() {
            self.content(obj, ptr);
        }
    }

    fn content(&mut self, holder: &mut Map<String, Value>, ptr: &str) {
        if let Some(Value::Object(content)) = holder.get_mut("content") {
            let cp = push_pointer(ptr, "content");
            for (media, m) in content.iter_mut() {
                if let Some(s) = m.get_mut("schema") {
                    self.schema(s, &push_pointer(&push_pointer(&cp, media), "schema"));
                }
            }
        }
    }

    /// Keywords whose value has the wrong JSON type (`pattern: 0`,
    /// `required: true` on a property, `minLength: "3"`) are left out with a
    /// note: they only constrain values, and the rest of the schema stands.
    fn keyword_types(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        const STRINGS: [&str; 4] = ["pattern", "format", "title", "description"];
        const COUNTS: [&str; 6] = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];
        const NUMBERS: [&str; 3] = ["minimum", "maximum", "multipleOf"];
        const FLAGS: [&str; 5] = ["nullable", "readOnly", "writeOnly", "deprecated", "uniqueItems"];
        let mut wrong = Vec::new();
        for (key, v) in obj.iter_mut() {
            let ok = match key.as_str() {
                k if STRINGS.contains(&k) => v.is_string(),
                k if COUNTS.contains(&k) => v.is_u64(),
                k if NUMBERS.contains(&k) => v.is_number(),
                k if FLAGS.contains(&k) => match v.as_str() {
                    Some(t @ ("true" | "false")) => {
                        *v = Value::Bool(t == "true");
                        true
                    }
                    _ => v.is_boolean(),
                },
                "required" => match v {
                    Value::Array(items) => {
                        items.retain(Value::is_string);
                        true
                    }
                    _ => false,
                },
                "enum" => v.is_array(),
                "properties" => v.is_object(),
                _ => true,
            };
            if !ok {
                wrong.push(key.clone());
            }
        }
        for key in wrong {
            let v = obj.remove(&key).expect("present");
            self.diags.push(Diagnostic::note(
                push_pointer(ptr, &key),
                format!("`{key}: {}` has the wrong type for `{key}`; ignored", short_json(&v)),
            ));
        }
    }

    /// Rewrites one schema and, recursively, the schemas inside it.
    fn schema(&mut self, s: &mut Value, ptr: &str) {
        // 3.1 allows `true` (anything) and `false` (nothing) as schemas.
        match s {
            Value::Bool(true) => {
                *s = json!({});
                return;
            }
            Value::Bool(false) => {
                // Nothing is valid here, so nothing will ever be sent or received.
                self.diags.push(Diagnostic::note(ptr, "the schema `false` allows no value; typed as any JSON"));
                *s = json!({ "not": {} });
                return;
            }
            Value::Object(_) => {}
            _ => {
                self.diags.push(Diagnostic::error(ptr, "a schema must be a mapping"));
                *s = json!({});
                return;
            }
        }
        let obj = s.as_object_mut().expect("checked above");

        // `$ref` with siblings: 3.1 applies both; keep the annotations by
        // wrapping the reference in a one-member `allOf`.
        if obj.contains_key("$ref") && obj.len() > 1 {
            let r = obj.remove("$ref").expect("present");
            obj.insert("allOf".into(), json!([{ "$ref": r }]));
        } else if obj.contains_key("$ref") {
            return;
        }

        self.keyword_types(obj, ptr);
        for kw in UNSUPPORTED_SCHEMA_KEYWORDS {
            if obj.contains_key(kw) {
                self.diags.push(Diagnostic::error(
                    push_pointer(ptr, kw),
                    format!("the JSON Schema keyword `{kw}` is not supported"),
                ));
                obj.remove(kw);
            }
        }
        for kw in VALIDATION_ONLY.iter().chain(&["$schema", "$id", "$anchor", "$comment"]) {
            obj.remove(*kw);
        }
        // Local definitions stay where `$ref`s can point at them.
        for kw in ["$defs", "definitions"] {
            if let Some(Value::Object(defs)) = obj.get_mut(kw) {
                let dp = push_pointer(ptr, kw);
                for (name, d) in defs.iter_mut() {
                    self.schema(d, &push_pointer(&dp, name));
                }
            }
        }
        // `patternProperties`: a map whose keys match patterns. One pattern is a
        // typed map; several are a map of any JSON.
        if let Some(Value::Object(patterns)) = obj.remove("patternProperties") {
            if !obj.contains_key("additionalProperties") {
                let value = if patterns.len() == 1 { patterns.into_iter().next().map(|(_, v)| v) } else { None };
                if value.is_none() {
                    self.diags.push(Diagnostic::note(
                        push_pointer(ptr, "patternProperties"),
                        "several `patternProperties`: values typed as any JSON",
                    ));
                }
                obj.insert("additionalProperties".into(), value.unwrap_or(json!({})));
                obj.entry("type").or_insert_with(|| json!("object"));
            }
        }
        // `prefixItems`: a tuple. Kept as a list of its items' common form.
        if let Some(items) = obj.remove("prefixItems") {
            self.diags.push(Diagnostic::note(
                push_pointer(ptr, "prefixItems"),
                format!("tuple of {} items typed as a list of JSON values", items.as_array().map_or(0, Vec::len)),
            ));
            obj.insert("items".into(), json!({}));
            obj.entry("type").or_insert_with(|| json!("array"));
        }

        // type arrays
        if let Some(Value::Array(types)) = obj.get("type").cloned() {
            let mut rest: Vec<String> = Vec::new();
            let mut nullable = false;
            for t in &types {
                match t.as_str() {
                    Some("null") => nullable = true,
                    Some(t) => {
                        if !rest.iter().any(|r| r == t) {
                            rest.push(t.to_owned());
                        }
                    }
                    None => {
                        self.diags.push(Diagnostic::error(push_pointer(ptr, "type"), "`type` entries must be strings"))
                    }
                }
            }
            obj.remove("type");
            if nullable {
                obj.insert("nullable".into(), Value::Bool(true));
            }
            match rest.len() {
                0 => {}
                1 => {
                    obj.insert("type".into(), Value::String(rest.remove(0)));
                }
                _ => split_multi_type(obj, &rest),
            }
        } else if obj.get("type").and_then(Value::as_str) == Some("null") {
            obj.remove("type");
            obj.insert("nullable".into(), Value::Bool(true));
        }

        if let Some(c) = obj.remove("const") {
            if c.is_null() {
                obj.insert("nullable".into(), Value::Bool(true));
            } else if !obj.contains_key("enum") {
                obj.insert("enum".into(), Value::Array(vec![c]));
            }
        }
        // `enum: [a, null]` means nullable in both versions.
        if let Some(Value::Array(values)) = obj.get_mut("enum")
            && values.iter().any(Value::is_null)
        {
            values.retain(|v| !v.is_null());
            let empty = values.is_empty();
            obj.insert("nullable".into(), Value::Bool(true));
            if empty {
                obj.remove("enum");
            }
        }
        if let Some(examples) = obj.remove("examples")
            && !obj.contains_key("example")
            && let Some(first) = examples.as_array().and_then(|a| a.first())
        {
            obj.insert("example".into(), first.clone());
        }
        for (kw, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            if let Some(Value::Number(n)) = obj.get(kw).cloned() {
                obj.insert(bound.into(), Value::Number(n));
                obj.insert(kw.into(), Value::Bool(true));
            }
        }
        // `items` as an array is the draft-4 tuple form.
        if obj.get("items").is_some_and(Value::is_array) {
            self.diags.push(Diagnostic::error(
                push_pointer(ptr, "items"),
                "tuple `items` (an array of schemas) is not supported",
            ));
            obj.remove("items");
        }

        // recurse
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            let pp = push_pointer(ptr, "properties");
            for (name, p) in props.iter_mut() {
                self.schema(p, &push_pointer(&pp, name));
            }
        }
        for kw in ["items", "additionalProperties", "not"] {
            if let Some(v) = obj.get_mut(kw) {
                if kw == "additionalProperties" && v.is_boolean() {
                    continue;
                }
                self.schema(v, &push_pointer(ptr, kw));
            }
        }
        for kw in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = obj.get_mut(kw) {
                let mp = push_pointer(ptr, kw);
                for (i, m) in members.iter_mut().enumerate() {
                    self.schema(m, &push_pointer(&mp, &i.to_string()));
                }
            }
        }
    }
}

/// A value for a message, cut short.
fn short_json(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

fn is_response_key(code: &str) -> bool {
    let b = code.as_bytes();
    code == "default"
        || code.starts_with("x-")
        || (b.len() == 3
            && (b'1'..=b'5').contains(&b[0])
            && (b[1..].iter().all(u8::is_ascii_digit) || &code[1..] == "XX"))
}

/// `type: [string, integer]` becomes `anyOf` with one member per type; the
/// keywords that belong to one type move into its member.
fn split_multi_type(obj: &mut Map<String, Value>, types: &[String]) {
    const BY_TYPE: [(&str, &[&str]); 5] = [
        ("string", &["format", "pattern", "minLength", "maxLength", "enum"]),
        ("number", &["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum"]),
        ("integer", &["format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "enum"]),
        ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
        ("object", &["properties", "required", "additionalProperties", "minProperties", "maxProperties"]),
    ];
    let mut members = Vec::new();
    for t in types {
        let mut m = Map::new();
        m.insert("type".into(), Value::String(t.clone()));
        if let Some((_, kws)) = BY_TYPE.iter().find(|(name, _)| name == t) {
            for kw in *kws {
                if let Some(v) = obj.get(*kw) {
                    m.insert((*kw).into(), v.clone());
                }
            }
        }
        members.push(Value::Object(m));
    }
    for (_, kws) in BY_TYPE {
        for kw in kws {
            obj.remove(*kw);
        }
    }
    obj.insert("anyOf".into(), Value::Array(members));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `schema` as component `S` of a 3.1 document, normalised: notes are fine, errors fail.
    fn norm(schema: Value) -> Value {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": schema}}});
        let mut d = Diagnostics::default();
        normalise(&mut doc, &mut d).unwrap();
        assert!(!d.has_errors(), "{d}");
        doc["components"]["schemas"]["S"].take()
    }

    fn norm_paths(paths: Value) -> (Value, Diagnostics) {
        let mut doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths,
            "components": {"pathItems": {"P": {"get": {"responses": {}}}}}});
        let mut d = Diagnostics::default();
        normalise(&mut doc, &mut d).unwrap();
        (doc["paths"].take(), d)
    }

    #[test]
    fn path_item_refs_are_copied_in_place() {
        let (paths, d) = norm_paths(json!({
            "/a": {"$ref": "#/paths/~1b", "summary": "mine"},
            "/b": {"$ref": "#/components/pathItems/P"},
            "/c": {"$ref": "#/paths/~1nowhere"},
            "/d": {"post": {"responses": {}}}
        }));
        assert_eq!(paths["/a"], json!({"get": {"responses": {}}, "summary": "mine"}), "a chain of two");
        assert_eq!(paths["/b"], json!({"get": {"responses": {}}}));
        let keys: Vec<&String> = paths.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["/a", "/b", "/d"], "the unresolvable one goes, the order stays");
        assert!(d.to_string().contains("#/paths/~1c") && d.to_string().contains("does not resolve"), "{d}");
    }

    #[test]
    fn query_strings_leave_path_keys() {
        let (paths, d) = norm_paths(json!({
            "/s?q={q}": {"get": {"responses": {}}},
            "/s": {"post": {"responses": {}}},
            "/t?action=list&x={x}": {"get": {"responses": {}}},
            "/u?a={a}": {"get": {"responses": {}}},
            "/u": {"get": {"responses": {}}}
        }));
        let keys: Vec<&String> = paths.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["/s", "/t?action=list", "/u?a={a}", "/u"], "merged, fixed pairs kept, a clash left alone");
        assert!(paths["/s"].get("get").is_some() && paths["/s"].get("post").is_some());
        assert!(!d.has_errors(), "{d}");
    }

    #[test]
    fn keywords_of_the_wrong_type_are_dropped_with_a_note() {
        let mut doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": {"type": "string", "pattern": 0, "minLength": "3", "readOnly": "true",
                "required": true, "description": "kept"}}}});
        let mut d = Diagnostics::default();
        normalise(&mut doc, &mut d).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "string", "readOnly": true, "description": "kept"})
        );
        assert_eq!(d.notes().count(), 3, "{d:?}");
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        assert_eq!(norm(json!({"type": ["string", "null"]})), json!({"type": "string", "nullable": true}));
        assert_eq!(norm(json!({"type": ["null"]})), json!({"nullable": true}));
    }

    #[test]
    fn const_becomes_single_enum() {
        assert_eq!(norm(json!({"type": "string", "const": "x"})), json!({"type": "string", "enum": ["x"]}));
        assert_eq!(norm(json!({"type": "boolean", "const": true})), json!({"type": "boolean", "enum": [true]}));
    }

    #[test]
    fn numeric_exclusive_bounds_and_examples() {
        assert_eq!(
            norm(json!({"type": "number", "exclusiveMinimum": 0, "examples": [1, 2]})),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "example": 1})
        );
    }

    #[test]
    fn multi_type_becomes_any_of() {
        assert_eq!(
            norm(json!({"type": ["string", "integer", "null"], "format": "int64"})),
            json!({"nullable": true, "anyOf": [{"type": "string", "format": "int64"}, {"type": "integer", "format": "int64"}]})
        );
    }

    #[test]
    fn ref_with_siblings_keeps_annotations() {
        assert_eq!(
            norm(json!({"$ref": "#/components/schemas/T", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
    }

    #[test]
    fn nested_schemas_are_rewritten() {
        let s = norm(json!({"type": "object", "properties": {"a": {"type": ["integer", "null"]}},
            "additionalProperties": {"const": 1}}));
        assert_eq!(s["properties"]["a"], json!({"type": "integer", "nullable": true}));
        assert_eq!(s["additionalProperties"], json!({"enum": [1]}));
    }

    #[test]
    fn versions_and_swagger() {
        let mut d = Diagnostics::default();
        assert!(normalise(&mut json!({"swagger": "2.0"}), &mut d).is_none());
        assert!(d.0[0].message.contains("Swagger 2.0"));
        let mut d = Diagnostics::default();
        assert!(normalise(&mut json!({"openapi": "4.0.0", "info": {}}), &mut d).is_none());
        assert_eq!(d.0[0].pointer, "/openapi");
    }

    #[test]
    fn bad_status_keys_are_reported() {
        let mut doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"responses": {"ok": {"description": "d"}, "2xx": {"description": "d"}}}}}});
        let mut d = Diagnostics::default();
        normalise(&mut doc, &mut d);
        assert_eq!(d.0.len(), 1, "{d}");
        assert_eq!(d.0[0].pointer, "/paths/~1x/get/responses/ok");
        assert!(doc["paths"]["/x"]["get"]["responses"].get("2XX").is_some());
    }

    #[test]
    fn unsupported_keyword_is_reported_with_pointer() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": {"$dynamicRef": "#meta"}}}});
        let mut d = Diagnostics::default();
        normalise(&mut doc, &mut d);
        assert_eq!(d.0[0].pointer, "/components/schemas/S/$dynamicRef");
        assert!(d.has_errors());
    }

    #[test]
    fn tuples_and_pattern_maps_get_a_form() {
        let s = norm(json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}));
        assert_eq!(s, json!({"type": "array", "items": {}}));
        let s = norm(json!({"patternProperties": {"^x-": {"type": "string"}}}));
        assert_eq!(s, json!({"additionalProperties": {"type": "string"}, "type": "object"}));
        let s = norm(json!({"type": "object", "unevaluatedProperties": false, "if": {}, "then": {}}));
        assert_eq!(s, json!({"type": "object"}));
        assert_eq!(norm(json!(false)), json!({"not": {}}));
    }
}
