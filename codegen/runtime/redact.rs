//! `Debug` helpers that never print a credential.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use crate::primitives::Tristate;
use crate::runtime::sensitive::{is_sensitive_name, masks_all_values};

const MASK: &str = "<redacted>";

/// Shows the shape of a value (`None`, `Some(..)`, keys of a map) and hides
/// every leaf.
pub(crate) struct Secret<'a, T: ?Sized>(pub(crate) &'a T);

/// Shows free-form JSON with the values of credential-like keys hidden.
pub(crate) struct Redact<'a, T: ?Sized>(pub(crate) &'a T);

/// Types [`Secret`] knows how to hide.
pub(crate) trait Hide {
    fn hide(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// Types [`Redact`] knows how to walk.
pub(crate) trait Scrub {
    fn scrub(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<T: Hide + ?Sized> fmt::Debug for Secret<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hide(f)
    }
}

impl<T: Scrub + ?Sized> fmt::Debug for Redact<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.scrub(f)
    }
}

struct Masked;

impl fmt::Debug for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

macro_rules! hide_leaf {
    ($($t:ty),*) => {$(
        impl Hide for $t {
            fn hide(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(MASK)
            }
        }
    )*};
}

hide_leaf!(str, String, bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, uuid::Uuid, Value, Map<String, Value>);

impl<T: Hide + ?Sized> Hide for Box<T> {
    fn hide(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).hide(f)
    }
}

impl<T: Hide> Hide for Option<T> {
    fn hide(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            None => f.write_str("None"),
            Some(v) => f.debug_tuple("Some").field(&Secret(v)).finish(),
        }
    }
}

impl<T: Hide> Hide for Tristate<T> {
    fn hide(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tristate::Absent => f.write_str("Absent"),
            Tristate::Null => f.write_str("Null"),
            Tristate::Value(v) => f.debug_tuple("Value").field(&Secret(v)).finish(),
        }
    }
}

impl<T: Hide> Hide for Vec<T> {
    fn hide(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(Secret)).finish()
    }
}

impl<T: Hide> Hide for BTreeMap<String, T> {
    fn hide(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter().map(|(k, v)| (k, Secret(v)))).finish()
    }
}

impl Scrub for Value {
    fn scrub(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Object(m) => m.scrub(f),
            Value::Array(items) => f.debug_list().entries(items.iter().map(Redact)).finish(),
            other => fmt::Debug::fmt(other, f),
        }
    }
}

impl Scrub for Map<String, Value> {
    fn scrub(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in self {
            if is_sensitive_name(k) || (masks_all_values(k) && !v.is_null()) {
                m.entry(k, &Secret(v));
            } else {
                m.entry(k, &Redact(v));
            }
        }
        m.finish()
    }
}

impl<T: Scrub + ?Sized> Scrub for Box<T> {
    fn scrub(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).scrub(f)
    }
}

impl<T: Scrub> Scrub for Option<T> {
    fn scrub(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            None => f.write_str("None"),
            Some(v) => f.debug_tuple("Some").field(&Redact(v)).finish(),
        }
    }
}

impl<T: Scrub> Scrub for Tristate<T> {
    fn scrub(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tristate::Absent => f.write_str("Absent"),
            Tristate::Null => f.write_str("Null"),
            Tristate::Value(v) => f.debug_tuple("Value").field(&Redact(v)).finish(),
        }
    }
}

impl<T: Scrub> Scrub for Vec<T> {
    fn scrub(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(Redact)).finish()
    }
}

impl<T: Scrub> Scrub for BTreeMap<String, T> {
    fn scrub(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter().map(|(k, v)| (k, Redact(v)))).finish()
    }
}

/// A JSON text with credential-like values replaced, for logs.
pub(crate) fn scrub_json(value: &Value) -> Value {
    match value {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let hidden = is_sensitive_name(k) || (masks_all_values(k) && !v.is_null());
                    (k.clone(), if hidden { Value::String(MASK.into()) } else { scrub_json(v) })
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(scrub_json).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_hides_leaves_but_shows_shape() {
        assert_eq!(format!("{:?}", Secret(&Some("k".to_owned()))), "Some(<redacted>)");
        assert_eq!(format!("{:?}", Secret(&None::<String>)), "None");
        let headers: BTreeMap<String, String> = [("Authorization".into(), "Bearer x".into())].into();
        assert_eq!(format!("{:?}", Secret(&headers)), r#"{"Authorization": <redacted>}"#);
        assert_eq!(format!("{:?}", Secret(&Tristate::<String>::Null)), "Null");
    }

    #[test]
    fn redact_masks_credential_keys_at_any_depth() {
        let v = serde_json::json!({"baseUrl": "https://x", "secretKey": "sk-1", "nested": [{"password": "p"}],
            "headers": {"X": "y"}});
        let shown = format!("{:?}", Redact(&v));
        for secret in ["sk-1", "\"p\"", "\"y\""] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("https://x"), "{shown}");
        let scrubbed = scrub_json(&v);
        assert_eq!(scrubbed["secretKey"], MASK);
        assert_eq!(scrubbed["nested"][0]["password"], MASK);
        assert_eq!(scrubbed["baseUrl"], "https://x");
    }
}
