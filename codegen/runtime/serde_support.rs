//! serde helpers shared by the generated types: string enums that keep
//! unknown values, and tagged unions that keep unknown members.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize as _;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::ser::{Error as _, Serialize, Serializer};
use serde_json::{Map, Value};

/// Reads a string into an enum through its `From<&str>`, without an
/// allocation for known values.
pub(crate) fn deserialize_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    deserializer.deserialize_str(EnumVisitor(PhantomData, false))
}

/// Like [`deserialize_enum`], and numbers and booleans are read as the text
/// they spell: for enums whose document lists `enum: [169]` under `type:
/// string`, as servers then send either form.
pub(crate) fn deserialize_enum_or_scalar<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    deserializer.deserialize_any(EnumVisitor(PhantomData, true))
}

struct EnumVisitor<T>(PhantomData<T>, bool);

impl<T: for<'a> From<&'a str>> Visitor<'_> for EnumVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.1 { "a string, number or boolean" } else { "a string" })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        if !self.1 {
            return Err(E::invalid_type(de::Unexpected::Bool(v), &self));
        }
        Ok(T::from(if v { "true" } else { "false" }))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        if !self.1 {
            return Err(E::invalid_type(de::Unexpected::Signed(v), &self));
        }
        Ok(T::from(v.to_string().as_str()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        if !self.1 {
            return Err(E::invalid_type(de::Unexpected::Unsigned(v), &self));
        }
        Ok(T::from(v.to_string().as_str()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        if !self.1 {
            return Err(E::invalid_type(de::Unexpected::Float(v), &self));
        }
        Ok(T::from(serde_json::Number::from_f64(v).map(|n| n.to_string()).unwrap_or_default().as_str()))
    }
}

/// Reads a tagged-union member: the object and the value of its tag.
pub(crate) fn read_tagged<'de, D: Deserializer<'de>>(
    deserializer: D,
    tag: &'static str,
) -> Result<(String, Map<String, Value>), D::Error> {
    let object = Map::<String, Value>::deserialize(deserializer)?;
    let value = match object.get(tag) {
        Some(Value::String(s)) => s.clone(),
        // Tags may be `true`/`false` or numbers; they match by their JSON text.
        Some(v @ (Value::Bool(_) | Value::Number(_))) => v.to_string(),
        Some(other) => {
            return Err(de::Error::custom(format_args!("the `{tag}` property must be a string, found {other}")));
        }
        None => return Err(de::Error::missing_field(tag)),
    };
    Ok((value, object))
}

/// Reads a known member of a tagged union whose struct leaves the tag to the
/// union. A payload that does not fit is an error naming the tag, never
/// silently an unknown member.
pub(crate) fn read_variant<T: DeserializeOwned, E: de::Error>(
    mut object: Map<String, Value>,
    tag: &str,
    value: &str,
) -> Result<T, E> {
    object.remove(tag);
    read_variant_with_tag(object, tag, value)
}

/// Like [`read_variant`], for a struct that has the tag as a field.
pub(crate) fn read_variant_with_tag<T: DeserializeOwned, E: de::Error>(
    object: Map<String, Value>,
    tag: &str,
    value: &str,
) -> Result<T, E> {
    T::deserialize(Value::Object(object)).map_err(|e| E::custom(format_args!("invalid `{tag}: {value}` member: {e}")))
}

/// Writes a member of a tagged union with its tag first.
pub(crate) fn write_tagged<S: Serializer, T: Serialize>(
    serializer: S,
    tag: &str,
    value: Value,
    inner: &T,
) -> Result<S::Ok, S::Error> {
    match serde_json::to_value(inner).map_err(S::Error::custom)? {
        Value::Object(fields) => {
            let mut out = Map::with_capacity(fields.len() + 1);
            out.insert(tag.to_owned(), value);
            for (k, v) in fields {
                if k != tag {
                    out.insert(k, v);
                }
            }
            out.serialize(serializer)
        }
        _ => Err(S::Error::custom("a tagged-union member must serialize to an object")),
    }
}

/// Converts any serializable value into a JSON object, for free-form object
/// parameters (`serde_json::json!({…})`, a map, or a typed struct).
pub(crate) fn to_json_map<T: Serialize>(value: T) -> Result<Map<String, Value>, String> {
    match serde_json::to_value(value) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!("expected a JSON object, got `{}`", short(&other))),
        Err(e) => Err(format!("does not serialize: {e}")),
    }
}

/// Converts any serializable value into JSON.
pub(crate) fn to_json<T: Serialize>(value: T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| format!("does not serialize: {e}"))
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 40 { format!("{}…", &s[..s.char_indices().nth(40).map(|(i, _)| i).unwrap_or(s.len())]) } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Color {
        Red,
        Other(String),
    }

    impl From<&str> for Color {
        fn from(s: &str) -> Self {
            match s {
                "red" => Color::Red,
                other => Color::Other(other.to_owned()),
            }
        }
    }

    #[test]
    fn enums_read_known_and_unknown_values() {
        let mut de = serde_json::Deserializer::from_str(r#""red""#);
        assert_eq!(deserialize_enum::<_, Color>(&mut de).unwrap(), Color::Red);
        let mut de = serde_json::Deserializer::from_str(r#""teal""#);
        assert_eq!(deserialize_enum::<_, Color>(&mut de).unwrap(), Color::Other("teal".into()));
        let mut de = serde_json::Deserializer::from_str("5");
        assert!(deserialize_enum::<_, Color>(&mut de).is_err());
        // Where the document lists numbers, they are read as the text they spell.
        let mut de = serde_json::Deserializer::from_str("5");
        assert_eq!(deserialize_enum_or_scalar::<_, Color>(&mut de).unwrap(), Color::Other("5".into()));
        let mut de = serde_json::Deserializer::from_str("true");
        assert_eq!(deserialize_enum_or_scalar::<_, Color>(&mut de).unwrap(), Color::Other("true".into()));
        let mut de = serde_json::Deserializer::from_str("[1]");
        assert!(deserialize_enum_or_scalar::<_, Color>(&mut de).is_err());
    }

    #[test]
    fn tagged_reads_require_a_string_tag() {
        let mut de = serde_json::Deserializer::from_str(r#"{"type": "a", "x": 1}"#);
        let (tag, obj) = read_tagged(&mut de, "type").unwrap();
        assert_eq!(tag, "a");
        assert_eq!(obj["x"], 1);
        let mut de = serde_json::Deserializer::from_str(r#"{"x": 1}"#);
        assert!(read_tagged(&mut de, "type").unwrap_err().to_string().contains("missing field `type`"));
        let mut de = serde_json::Deserializer::from_str(r#"{"type": true}"#);
        assert_eq!(read_tagged(&mut de, "type").unwrap().0, "true");
        let mut de = serde_json::Deserializer::from_str(r#"{"type": [1]}"#);
        assert!(read_tagged(&mut de, "type").is_err());
    }

    #[test]
    fn json_maps_from_anything_serializable() {
        assert_eq!(to_json_map(serde_json::json!({"a": 1})).unwrap()["a"], 1);
        let mut m = std::collections::BTreeMap::new();
        m.insert("k", "v");
        assert_eq!(to_json_map(&m).unwrap()["k"], "v");
        assert!(to_json_map(vec![1, 2]).unwrap_err().contains("expected a JSON object"));
    }

    #[test]
    fn tagged_writes_put_the_tag_first() {
        #[derive(serde::Serialize)]
        struct A {
            x: u8,
        }
        let mut out = Vec::new();
        write_tagged(&mut serde_json::Serializer::new(&mut out), "type", "a".into(), &A { x: 1 }).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"type":"a","x":1}"#);
        let mut out = Vec::new();
        write_tagged(&mut serde_json::Serializer::new(&mut out), "ok", Value::Bool(true), &A { x: 1 }).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"ok":true,"x":1}"#, "a boolean tag stays a boolean");
    }

    #[test]
    fn invalid_known_member_names_the_tag() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct A {
            x: u8,
        }
        let err = read_variant::<A, serde_json::Error>(Map::new(), "type", "a").unwrap_err();
        assert!(err.to_string().contains("invalid `type: a` member: missing field `x`"), "{err}");
    }
}
