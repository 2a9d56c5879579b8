//! Stage 1: read the document (YAML or JSON) into a plain JSON tree.
//!
//! Everything after this stage works on `serde_json::Value`, so YAML-only
//! features (non-string keys, tags, anchors and merge keys) are resolved here,
//! and syntax errors carry the line and column the parser saw.

use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};

use crate::diag::{Diagnostic, Diagnostics, push_pointer};

/// A loaded document.
#[derive(Clone, Debug)]
pub struct Document {
    /// The path the user gave, used in diagnostics and in the generated header.
    pub label: String,
    pub path: PathBuf,
    pub value: Value,
}

/// Reads and parses `path`. `label` is how diagnostics name the file.
pub fn load_file(path: &Path, label: &str) -> Result<Document, Diagnostics> {
    let text = std::fs::read(path)
        .map_err(|e| Diagnostics::from(Diagnostic::error("", format!("cannot read the file: {e}"))).in_file(label))?;
    let text = String::from_utf8(text).map_err(|e| {
        let d = Diagnostic::error("", format!("the file is not UTF-8 (byte {})", e.utf8_error().valid_up_to()));
        Diagnostics::from(d).in_file(label)
    })?;
    let value = parse_text(&text, is_json_path(path)).map_err(|d| d.in_file(label))?;
    Ok(Document { label: label.to_owned(), path: path.to_owned(), value })
}

fn is_json_path(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Parses YAML or JSON text. JSON is parsed by the JSON parser when the file is
/// named `.json` or starts with `{`, so its errors point at the exact byte.
pub fn parse_text(text: &str, json: bool) -> Result<Value, Diagnostics> {
    let looks_json = json || text.trim_start().starts_with('{');
    if looks_json {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => return Ok(v),
            Err(e) if json => {
                let mut d = Diagnostic::error("", format!("invalid JSON: {}", strip_position(&e.to_string())));
                d.location = Some((e.line(), e.column()));
                return Err(d.into());
            }
            // Not JSON after all: YAML flow style starts with `{` too.
            Err(_) => {}
        }
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let mut d = Diagnostic::error("", format!("invalid YAML: {}", strip_position(&e.to_string())));
        d.location = e.location().map(|l| (l.line(), l.column()));
        Diagnostics::from(d)
    })?;
    let mut yaml = yaml;
    yaml.apply_merge().map_err(|e| Diagnostics::from(Diagnostic::error("", format!("invalid YAML merge key: {e}"))))?;
    let mut diags = Diagnostics::default();
    let value = yaml_to_json(yaml, "", &mut diags);
    if diags.has_errors() { Err(diags) } else { Ok(value) }
}

/// serde's messages end with " at line X column Y"; we report the location
/// separately.
fn strip_position(msg: &str) -> String {
    let Some(i) = msg.find(" at line ") else { return msg.to_owned() };
    let rest = &msg[i + " at line ".len()..];
    // skip "N column M"
    let after: &str = rest
        .split_once(" column ")
        .map(|(_, tail)| tail.trim_start_matches(|c: char| c.is_ascii_digit()))
        .unwrap_or("");
    format!("{}{}", &msg[..i], after)
}

fn yaml_to_json(v: serde_yaml::Value, pointer: &str, diags: &mut Diagnostics) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match Number::from_f64(f) {
                    Some(n) => Value::Number(n),
                    None => {
                        diags.push(Diagnostic::error(pointer, format!("the number `{f}` has no JSON form")));
                        Value::Null
                    }
                }
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &push_pointer(pointer, &i.to_string()), diags))
                .collect(),
        ),
        Y::Mapping(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                // YAML allows `200:` or `true:` as keys; OpenAPI means the string.
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    Y::Tagged(t) => match t.value {
                        Y::String(s) => s,
                        _ => {
                            diags.push(Diagnostic::error(pointer, "a mapping key must be a scalar"));
                            continue;
                        }
                    },
                    Y::Sequence(_) | Y::Mapping(_) => {
                        diags.push(Diagnostic::error(pointer, "a mapping key must be a scalar"));
                        continue;
                    }
                };
                let child = push_pointer(pointer, &key);
                out.insert(key, yaml_to_json(v, &child, diags));
            }
            Value::Object(out)
        }
        // Tags (`!foo value`) carry no meaning in OpenAPI; keep the value.
        Y::Tagged(t) => yaml_to_json(t.value, pointer, diags),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_numeric_keys_become_strings() {
        let v = parse_text("responses:\n  200:\n    description: ok\n", false).unwrap();
        assert_eq!(v["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn yaml_error_has_line_and_column() {
        let err = parse_text("a: [1, 2\nb: c\n", false).unwrap_err();
        let d = &err.0[0];
        assert!(d.message.starts_with("invalid YAML"), "{}", d.message);
        assert!(d.location.is_some());
    }

    #[test]
    fn positions_are_not_repeated_in_messages() {
        assert_eq!(strip_position("bad thing at line 5 column 1, while parsing"), "bad thing, while parsing");
        assert_eq!(strip_position("EOF at line 2 column 9"), "EOF");
        assert_eq!(strip_position("plain"), "plain");
    }

    #[test]
    fn json_error_has_line_and_column() {
        let err = parse_text("{\n  \"a\": 1,\n  \"b\": \n}", true).unwrap_err();
        assert_eq!(err.0[0].location, Some((4, 1)));
    }

    #[test]
    fn merge_keys_apply() {
        let v = parse_text("base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n", false).unwrap();
        assert_eq!(v["derived"]["x"], 1);
    }
}
