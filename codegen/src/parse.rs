//! Reads the normalised JSON tree into `openapiv3` types, reporting where the
//! document does not fit them as a JSON pointer.
//!
//! serde loses track of the position inside flattened and untagged types (and
//! `openapiv3` uses both), so when the whole document fails to read, the
//! parts are read one by one to find the innermost one that is wrong.

use openapiv3::{
    Header, Info, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityScheme, Server,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, push_pointer};

pub fn read_openapi(value: &Value) -> Result<openapiv3::OpenAPI, Diagnostics> {
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(value).map_err(|e| {
        let outer = path_to_pointer(e.path());
        let inner = e.into_inner().to_string();
        let d = locate(value)
            .unwrap_or_else(|| Diagnostic::error(outer, format!("does not match the OpenAPI 3 structure: {inner}")));
        Diagnostics::from(d)
    })
}

/// Reads any value of an `openapiv3` type from the tree (used for `$ref`s
/// that point somewhere other than `components`).
pub fn read_at<T: DeserializeOwned>(value: &Value, pointer: &str) -> Result<T, Diagnostics> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| Diagnostics::from(at_error(e, pointer)))
}

fn at_error(e: serde_path_to_error::Error<serde_json::Error>, pointer: &str) -> Diagnostic {
    let inner_ptr = path_to_pointer(e.path());
    let inner = e.into_inner().to_string();
    Diagnostic::error(format!("{pointer}{inner_ptr}"), format!("is not valid here: {inner}"))
}

/// The problem with reading `value` as a `T`, if there is one.
fn try_at<T: DeserializeOwned>(value: &Value, pointer: &str) -> Option<Diagnostic> {
    serde_path_to_error::deserialize::<_, T>(value).err().map(|e| at_error(e, pointer))
}

/// Finds the innermost part of the document that does not read.
fn locate(doc: &Value) -> Option<Diagnostic> {
    if let Some(info) = doc.get("info")
        && let Some(d) = try_at::<Info>(info, "/info")
    {
        return Some(d);
    }
    if let Some(Value::Array(servers)) = doc.get("servers") {
        for (i, s) in servers.iter().enumerate() {
            if let Some(d) = try_at::<Server>(s, &format!("/servers/{i}")) {
                return Some(d);
            }
        }
    }
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            let ptr = push_pointer("/paths", path);
            if path.starts_with("x-") {
                continue;
            }
            if let Some(d) = try_at::<ReferenceOr<PathItem>>(item, &ptr) {
                return Some(locate_path_item(item, &ptr).unwrap_or(d));
            }
        }
    }
    if let Some(Value::Object(c)) = doc.get("components") {
        type Check = fn(&Value, &str) -> Option<Diagnostic>;
        let sections: [(&str, Check); 5] = [
            ("schemas", |v, p| locate_schema(v, p, 0)),
            ("parameters", try_at::<ReferenceOr<Parameter>>),
            ("requestBodies", try_at::<ReferenceOr<RequestBody>>),
            ("responses", try_at::<ReferenceOr<Response>>),
            ("securitySchemes", try_at::<ReferenceOr<SecurityScheme>>),
        ];
        for (section, check) in sections {
            if let Some(Value::Object(m)) = c.get(section) {
                let base = push_pointer("/components", section);
                for (name, v) in m {
                    if let Some(d) = check(v, &push_pointer(&base, name)) {
                        return Some(d);
                    }
                }
            }
        }
        if let Some(Value::Object(m)) = c.get("headers") {
            for (name, v) in m {
                if let Some(d) = try_at::<ReferenceOr<Header>>(v, &push_pointer("/components/headers", name)) {
                    return Some(d);
                }
            }
        }
    }
    None
}

fn locate_path_item(item: &Value, ptr: &str) -> Option<Diagnostic> {
    let Value::Object(item) = item else { return None };
    for (key, v) in item {
        let p = push_pointer(ptr, key);
        let found = match key.as_str() {
            "parameters" => locate_list::<ReferenceOr<Parameter>>(v, &p),
            "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                try_at::<Operation>(v, &p).map(|d| locate_operation(v, &p).unwrap_or(d))
            }
            "servers" => locate_list::<Server>(v, &p),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn locate_list<T: DeserializeOwned>(v: &Value, ptr: &str) -> Option<Diagnostic> {
    match v {
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, x)| try_at::<T>(x, &push_pointer(ptr, &i.to_string())))
        }
        _ => Some(Diagnostic::error(ptr, "expected a list")),
    }
}

fn locate_operation(op: &Value, ptr: &str) -> Option<Diagnostic> {
    let Value::Object(op) = op else { return None };
    let id = op.get("operationId").and_then(Value::as_str);
    let found = op.iter().find_map(|(key, v)| {
        let p = push_pointer(ptr, key);
        match key.as_str() {
            "parameters" => locate_list::<ReferenceOr<Parameter>>(v, &p),
            "requestBody" => try_at::<ReferenceOr<RequestBody>>(v, &p),
            "responses" => match v {
                Value::Object(rs) => rs.iter().find_map(|(code, r)| {
                    let rp = push_pointer(&p, code);
                    if !code.starts_with("x-") && code != "default" && !is_status_key(code) {
                        return Some(Diagnostic::error(
                            &rp,
                            format!("`{code}` is not a status code, a range like `4XX`, or `default`"),
                        ));
                    }
                    try_at::<ReferenceOr<Response>>(r, &rp)
                }),
                _ => Some(Diagnostic::error(&p, "`responses` must be a mapping")),
            },
            _ => None,
        }
    });
    found.map(|d| d.with_operation(id))
}

fn is_status_key(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 3 && (b'1'..=b'5').contains(&b[0]) && ((b[1..].iter().all(u8::is_ascii_digit)) || &code[1..] == "XX")
}

fn locate_schema(v: &Value, ptr: &str, depth: usize) -> Option<Diagnostic> {
    let err = try_at::<ReferenceOr<Schema>>(v, ptr)?;
    if depth > 64 {
        return Some(err);
    }
    let Value::Object(s) = v else { return Some(err) };
    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = s.get(key).filter(|c| c.is_object())
            && let Some(d) = locate_schema(child, &push_pointer(ptr, key), depth + 1)
        {
            return Some(d);
        }
    }
    if let Some(Value::Object(props)) = s.get("properties") {
        let pp = push_pointer(ptr, "properties");
        for (k, child) in props {
            if let Some(d) = locate_schema(child, &push_pointer(&pp, k), depth + 1) {
                return Some(d);
            }
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = s.get(key) {
            let mp = push_pointer(ptr, key);
            for (i, child) in members.iter().enumerate() {
                if let Some(d) = locate_schema(child, &push_pointer(&mp, &i.to_string()), depth + 1) {
                    return Some(d);
                }
            }
        }
    }
    Some(err)
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Map { key } => out = push_pointer(&out, key),
            Segment::Seq { index } => out = push_pointer(&out, &index.to_string()),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn structural_error_names_the_place() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"operationId": "getX", "responses": {"200": {"description": 5}}}}}});
        let d = read_openapi(&doc).unwrap_err();
        assert_eq!(d.0[0].pointer, "/paths/~1x/get/responses/200");
        assert_eq!(d.0[0].operation_id.as_deref(), Some("getX"));
    }

    #[test]
    fn schema_error_names_the_property() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"S": {"type": "object", "properties": {"a": {"type": "object", "required": "a"}}}}}});
        let d = read_openapi(&doc).unwrap_err();
        assert_eq!(d.0[0].pointer, "/components/schemas/S/properties/a");
    }
}
