//! Small types the generated data types are built from.

use std::fmt;

/// A property that can be absent, explicitly `null`, or set.
///
/// Request bodies use it where the API gives `null` a meaning of its own: in
/// an update, [`Tristate::Null`] clears a value, [`Tristate::Absent`] (the
/// default) leaves it untouched and is not sent at all.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub enum Tristate<T> {
    /// Not sent.
    #[default]
    Absent,
    /// Sent as `null`.
    Null,
    /// Sent as the value.
    Value(T),
}

impl<T> Tristate<T> {
    /// Whether the property is left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Tristate::Absent)
    }

    /// Whether the property is sent as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Tristate::Null)
    }

    /// The value, when there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Tristate::Value(v) => Some(v),
            Tristate::Absent | Tristate::Null => None,
        }
    }

    /// Converts to `None` (absent), `Some(None)` (null) or `Some(Some(v))`.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Tristate::Absent => None,
            Tristate::Null => Some(None),
            Tristate::Value(v) => Some(Some(v)),
        }
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Tristate<&T> {
        match self {
            Tristate::Absent => Tristate::Absent,
            Tristate::Null => Tristate::Null,
            Tristate::Value(v) => Tristate::Value(v),
        }
    }
}

/// `None` becomes [`Tristate::Null`]: an `Option` given on purpose is sent.
impl<T> From<Option<T>> for Tristate<T> {
    fn from(v: Option<T>) -> Self {
        match v {
            Some(v) => Tristate::Value(v),
            None => Tristate::Null,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Tristate<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tristate::Absent => f.write_str("Absent"),
            Tristate::Null => f.write_str("Null"),
            Tristate::Value(v) => f.debug_tuple("Value").field(v).finish(),
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Tristate<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Fields skip `Absent`; anywhere else it can only mean null.
            Tristate::Absent | Tristate::Null => serializer.serialize_none(),
            Tristate::Value(v) => serializer.serialize_some(v),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Tristate<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A missing field never reaches here: fields default to `Absent`.
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

/// Bytes: a file to upload, or a body that is not JSON.
///
/// In a multipart body it is a file part (with its file name and content
/// type when set); as a whole body it is sent as it is; inside JSON it is
/// base64 text.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Binary {
    data: bytes::Bytes,
    filename: Option<String>,
    content_type: Option<String>,
}

impl Binary {
    /// Bytes without a file name or content type.
    pub fn new(data: impl Into<bytes::Bytes>) -> Self {
        Binary { data: data.into(), filename: None, content_type: None }
    }

    /// Sets the file name sent with a multipart file part.
    pub fn with_filename(mut self, name: impl Into<String>) -> Self {
        self.filename = Some(name.into());
        self
    }

    /// Sets the content type of a multipart file part.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.data
    }

    /// Takes the bytes.
    pub fn into_bytes(self) -> bytes::Bytes {
        self.data
    }

    /// The file name, if set (or sent by the server).
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// The content type, if set (or sent by the server).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The bytes as text, when they are UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }
}

impl From<Vec<u8>> for Binary {
    fn from(v: Vec<u8>) -> Self {
        Binary::new(v)
    }
}

impl From<&'static [u8]> for Binary {
    fn from(v: &'static [u8]) -> Self {
        Binary::new(v)
    }
}

impl From<bytes::Bytes> for Binary {
    fn from(v: bytes::Bytes) -> Self {
        Binary::new(v)
    }
}

impl From<String> for Binary {
    fn from(v: String) -> Self {
        Binary::new(v)
    }
}

impl From<&'static str> for Binary {
    fn from(v: &'static str) -> Self {
        Binary::new(v.as_bytes())
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The bytes may be anything, credentials included: their size only.
        f.debug_struct("Binary")
            .field("len", &self.data.len())
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl serde::Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.data))
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        let text = String::deserialize(deserializer)?;
        // Base64 when it is; otherwise the text's own bytes.
        let data = base64::engine::general_purpose::STANDARD.decode(&text).unwrap_or_else(|_| text.into_bytes());
        Ok(Binary::new(data))
    }
}

/// An enum value the API description did not list, kept verbatim so it can
/// be read and sent back.
///
/// Obtain one by converting a string into the enum (`"new-kind".parse()`);
/// known values always become their own variant, never this one.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    // Used by generated string enums; an API may have none.
    #[allow(dead_code)]
    pub(crate) fn new(value: impl Into<Box<str>>) -> Self {
        UnknownValue(value.into())
    }

    /// The value as it appears on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A member of a tagged union whose tag this version of the API description
/// does not know, kept as the JSON object the server sent.
///
/// Its `Debug` output masks credential-like properties.
#[derive(Clone, PartialEq)]
pub struct UnknownVariant {
    tag: String,
    raw: serde_json::Map<String, serde_json::Value>,
}

impl UnknownVariant {
    // Used by generated unions; an API may have none.
    #[allow(dead_code)]
    pub(crate) fn new(tag: String, raw: serde_json::Map<String, serde_json::Value>) -> Self {
        UnknownVariant { tag, raw }
    }

    /// The tag value the server sent.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The whole object, tag included.
    pub fn raw(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.raw
    }

    /// Takes the whole object, tag included.
    pub fn into_raw(self) -> serde_json::Map<String, serde_json::Value> {
        self.raw
    }
}

impl fmt::Debug for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownVariant")
            .field("tag", &self.tag)
            .field("raw", &crate::runtime::redact::Redact(&self.raw))
            .finish()
    }
}

impl serde::Serialize for UnknownVariant {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Tristate::is_absent")]
        hashes: Tristate<Vec<String>>,
    }

    #[test]
    fn tristate_has_three_wire_forms() {
        let absent = Patch { hashes: Tristate::Absent };
        let null = Patch { hashes: Tristate::Null };
        let set = Patch { hashes: Tristate::Value(vec!["h".into()]) };
        assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&null).unwrap(), r#"{"hashes":null}"#);
        assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"hashes":["h"]}"#);
        for p in [absent, null, set] {
            let back: Patch = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
            assert_eq!(back, p);
        }
    }

    #[test]
    fn tristate_conversions() {
        assert_eq!(Tristate::from(None::<u8>), Tristate::Null);
        assert_eq!(Tristate::from(Some(1)).value(), Some(&1));
        assert_eq!(Tristate::<u8>::Absent.into_option(), None);
        assert_eq!(Tristate::<u8>::Null.into_option(), Some(None));
        assert!(Tristate::<u8>::default().is_absent());
        assert_eq!(format!("{:?}", Tristate::Value(2)), "Value(2)");
    }

    #[test]
    fn binary_round_trips_as_base64_and_hides_its_bytes() {
        let b = Binary::new(&b"secret-bytes"[..]).with_filename("f.txt");
        assert_eq!(serde_json::to_string(&b).unwrap(), r#""c2VjcmV0LWJ5dGVz""#);
        let back: Binary = serde_json::from_str(r#""c2VjcmV0LWJ5dGVz""#).unwrap();
        assert_eq!(back.bytes(), b"secret-bytes");
        assert!(!format!("{b:?}").contains("secret"));
        assert_eq!(b.filename(), Some("f.txt"));
    }

    #[test]
    fn unknown_variant_debug_masks_secrets() {
        let raw = serde_json::json!({"type": "future", "config": {"apiKey": "sk-live-123", "region": "eu"}});
        let serde_json::Value::Object(raw) = raw else { unreachable!() };
        let v = UnknownVariant::new("future".into(), raw);
        let shown = format!("{v:?}");
        assert!(!shown.contains("sk-live-123"), "{shown}");
        assert!(shown.contains("eu"), "{shown}");
        assert_eq!(v.tag(), "future");
        assert_eq!(serde_json::to_value(&v).unwrap()["config"]["apiKey"], "sk-live-123");
    }
}
