//! serde helpers shared by the generated types: string enums that keep
//! unknown values, and tagged unions that keep unknown members.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
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

/// A tagged union, as the generated code describes it to
/// [`deserialize_union`].
pub(crate) trait Members: Sized {
    /// The property that selects the member.
    const TAG: &'static str;
    /// The tag values this description knows, each with whether its
    /// member's struct keeps the tag as a field of its own.
    const KNOWN: &'static [(&'static str, bool)];
    /// Reads member `index` (of [`Members::KNOWN`]) from what `member` yields.
    fn read<'de, D: Deserializer<'de>>(index: usize, member: D) -> Result<Self, D::Error>;
    /// A member whose tag this description does not list.
    fn unknown(member: crate::primitives::UnknownVariant) -> Self;
}

/// Reads a tagged union in one pass. The entries before the tag are held as
/// JSON values; once the tag is known, the held entries and then the rest of
/// the object stream into the member's struct, so nothing after the tag is
/// buffered. A known tag whose payload does not fit is an error naming the
/// tag, never silently an unknown member; an unknown tag keeps the whole
/// object. Tags may be `true`/`false` or numbers: they match by their JSON
/// text.
pub(crate) fn deserialize_union<'de, D: Deserializer<'de>, U: Members>(deserializer: D) -> Result<U, D::Error> {
    deserializer.deserialize_map(UnionVisitor(PhantomData))
}

struct UnionVisitor<U>(PhantomData<U>);

impl<'de, U: Members> Visitor<'de> for UnionVisitor<U> {
    type Value = U;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` property", U::TAG)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<U, A::Error> {
        let mut before: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key != U::TAG {
                before.push((key, map.next_value()?));
                continue;
            }
            let tag_json: Value = map.next_value()?;
            let text = match &tag_json {
                Value::String(s) => s.clone(),
                Value::Bool(_) | Value::Number(_) => tag_json.to_string(),
                other => {
                    return Err(de::Error::custom(format_args!(
                        "the `{}` property must be a string, found {other}",
                        U::TAG
                    )));
                }
            };
            let Some(index) = U::KNOWN.iter().position(|(known, _)| *known == text) else {
                let mut raw = Map::with_capacity(before.len() + 8);
                raw.extend(before);
                raw.insert(key, tag_json);
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    raw.insert(k, v);
                }
                return Ok(U::unknown(crate::primitives::UnknownVariant::new(text, raw)));
            };
            let tag = U::KNOWN[index].1.then_some((key, tag_json));
            let member = Member { held: before.into_iter().chain(tag), pending: None, rest: map };
            return U::read(index, member)
                .map_err(|e| de::Error::custom(format_args!("invalid `{}: {text}` member: {e}", U::TAG)));
        }
        Err(de::Error::missing_field(U::TAG))
    }
}

/// The rest of a union's object as the member sees it: the held entries,
/// then the entries still to come.
struct Member<H, A> {
    held: H,
    pending: Option<Value>,
    rest: A,
}

impl<'de, H: Iterator<Item = (String, Value)>, A: de::MapAccess<'de>> Deserializer<'de> for Member<H, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, H: Iterator<Item = (String, Value)>, A: de::MapAccess<'de>> de::MapAccess<'de> for Member<H, A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match self.held.next() {
            Some((key, value)) => {
                self.pending = Some(value);
                seed.deserialize(de::value::StringDeserializer::<A::Error>::new(key)).map(Some)
            }
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<S: de::DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        match self.pending.take() {
            Some(value) => seed.deserialize(value).map_err(de::Error::custom),
            None => self.rest.next_value_seed(seed),
        }
    }
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
    use serde::Deserialize;

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

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct A {
        x: u8,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct B {
        kind: String,
        y: Vec<u8>,
    }

    #[derive(Debug, PartialEq)]
    enum U {
        A(A),
        B(B),
        Other(crate::primitives::UnknownVariant),
    }

    impl Members for U {
        const TAG: &'static str = "kind";
        const KNOWN: &'static [(&'static str, bool)] = &[("a", false), ("true", false), ("b", true)];
        fn read<'de, D: Deserializer<'de>>(index: usize, member: D) -> Result<Self, D::Error> {
            match index {
                0 | 1 => A::deserialize(member).map(U::A),
                _ => B::deserialize(member).map(U::B),
            }
        }
        fn unknown(member: crate::primitives::UnknownVariant) -> Self {
            U::Other(member)
        }
    }

    fn union(text: &str) -> Result<U, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        deserialize_union::<_, U>(&mut de).map_err(|e| e.to_string())
    }

    #[test]
    fn unions_read_members_wherever_the_tag_is() {
        assert_eq!(union(r#"{"kind": "a", "x": 1}"#).unwrap(), U::A(A { x: 1 }));
        assert_eq!(union(r#"{"x": 2, "kind": "a"}"#).unwrap(), U::A(A { x: 2 }), "tag last");
        assert_eq!(union(r#"{"kind": true, "x": 3}"#).unwrap(), U::A(A { x: 3 }), "a boolean tag");
        assert_eq!(
            union(r#"{"y": [1], "kind": "b", "z": null}"#).unwrap(),
            U::B(B { kind: "b".into(), y: vec![1] }),
            "a member that keeps its tag gets it"
        );
        // Also from a JSON value rather than text.
        let v = serde_json::json!({"x": 4, "kind": "a"});
        assert_eq!(deserialize_union::<_, U>(v).unwrap(), U::A(A { x: 4 }));
    }

    #[test]
    fn unions_keep_unknown_members_whole_and_reject_bad_known_ones() {
        let U::Other(o) = union(r#"{"x": 1, "kind": "c", "deep": {"a": [1]}}"#).unwrap() else { panic!() };
        assert_eq!(o.tag(), "c");
        assert_eq!(
            serde_json::Value::Object(o.into_raw()),
            serde_json::json!({"x": 1, "kind": "c", "deep": {"a": [1]}})
        );
        let err = union(r#"{"kind": "a", "x": "nope"}"#).unwrap_err();
        assert!(err.contains("invalid `kind: a` member: invalid type: string"), "{err}");
        let err = union(r#"{"x": 300, "kind": "a"}"#).unwrap_err();
        assert!(err.contains("invalid `kind: a` member"), "{err}");
        assert!(union(r#"{"x": 1}"#).unwrap_err().contains("missing field `kind`"));
        assert!(union(r#"{"kind": [1]}"#).unwrap_err().contains("must be a string"));
        assert!(union("[1]").is_err());
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
}
