//! Every rule that turns a name from the document into a Rust identifier, in
//! one place, with the tricky cases pinned by tests.

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2024 (`gen` included).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Spells out characters that carry meaning in enum values and would
/// otherwise vanish (`+1` vs `-1`, `Etc/GMT+1` vs `Etc/GMT-1`).
fn spell_symbols(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let chars: Vec<char> = raw.chars().collect();
    let has_alnum = chars.iter().any(|c| c.is_alphanumeric());
    for (i, &c) in chars.iter().enumerate() {
        let next_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let word = match c {
            '+' => Some("plus"),
            '-' if next_digit => Some("minus"),
            _ if has_alnum => None,
            '*' => Some("star"),
            '/' => Some("slash"),
            '.' => Some("dot"),
            '<' => Some("lt"),
            '>' => Some("gt"),
            '=' => Some("eq"),
            '!' => Some("bang"),
            '%' => Some("percent"),
            '&' => Some("and"),
            '|' => Some("or"),
            '@' => Some("at"),
            '#' => Some("hash"),
            '$' => Some("dollar"),
            '~' => Some("tilde"),
            '^' => Some("caret"),
            '?' => Some("question"),
            ':' => Some("colon"),
            ',' => Some("comma"),
            '-' => Some("dash"),
            '_' => Some("underscore"),
            _ => None,
        };
        match word {
            Some(w) => {
                out.push(' ');
                out.push_str(w);
                out.push(' ');
            }
            None => out.push(c),
        }
    }
    out
}

/// Keeps only characters valid in an identifier (ASCII, so the output is
/// predictable); others become word breaks.
fn ascii_words(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { ' ' }).collect()
}

/// `UpperCamelCase` name for a type from a schema or a context path.
pub fn type_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if name == "Self" {
        name = "SelfType".into();
    }
    name
}

/// Longest name an inline schema gets before words are dropped.
const MAX_INLINE_NAME: usize = 48;

/// [`type_name`] for an inline schema, kept short: past
/// `MAX_INLINE_NAME` characters, the words in the middle go (the first word
/// says where, the last ones say what).
pub fn short_type_name(hint: &str) -> String {
    let full = type_name(hint);
    if full.len() <= MAX_INLINE_NAME {
        return full;
    }
    let words = crate::sensitive::words(&full);
    let cap = |w: &String| {
        let mut c = w.chars();
        c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
    };
    let first = cap(&words[0]);
    let mut tail: Vec<String> = Vec::new();
    for w in words[1..].iter().rev() {
        let len: usize = first.len() + tail.iter().map(String::len).sum::<usize>() + w.len();
        if len > MAX_INLINE_NAME && !tail.is_empty() {
            break;
        }
        tail.insert(0, cap(w));
    }
    format!("{first}{}", tail.concat())
}

/// `UpperCamelCase` name for an enum variant from a wire value.
pub fn variant_name(raw: &str) -> String {
    if raw.is_empty() {
        return "Empty".into();
    }
    let mut name = ascii_words(&spell_symbols(raw)).to_upper_camel_case();
    if name.is_empty() {
        // Non-ASCII only: keep it distinct and stable.
        name = format!("U{}", raw.chars().map(|c| format!("{:X}", c as u32)).collect::<Vec<_>>().join("U"));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name = "SelfValue".into();
    }
    name
}

/// `snake_case` name for a field, parameter or method.
pub fn field_name(raw: &str) -> String {
    let mut name = ascii_words(&spell_symbols_in_field(raw)).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// Longest module name: the module is a file (`src/operations/NAME.rs`), and
/// file systems refuse names over 255 bytes; long ones are unreadable anyway.
const MAX_MODULE: usize = 96;

/// `snake_case` module (and file) name for an operation. A name over
/// 96 bytes is cut at a word and ends with a hash of the whole
/// name, so two long names that share a beginning stay apart.
pub fn module_name(raw: &str) -> String {
    let name = field_name(raw);
    if name.len() <= MAX_MODULE {
        return name;
    }
    // FNV-1a: stable across runs and platforms, unlike `DefaultHasher`.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let keep = &name[..MAX_MODULE - 9];
    let keep = keep.rfind('_').filter(|&i| i > MAX_MODULE / 2).map_or(keep, |i| &keep[..i]);
    format!("{keep}_{:08x}", hash as u32)
}

/// Field names keep `+`/`-` before digits distinct too, but nothing else.
fn spell_symbols_in_field(raw: &str) -> String {
    if raw.chars().any(|c| c.is_alphanumeric()) {
        let chars: Vec<char> = raw.chars().collect();
        let mut out = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let next_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
            match c {
                '+' => out.push_str(" plus "),
                '-' if next_digit && (i == 0 || !chars[i - 1].is_alphanumeric()) => out.push_str(" minus "),
                c => out.push(c),
            }
        }
        out
    } else {
        spell_symbols(raw)
    }
}

/// Environment-variable suffix for a global parameter (`X-OpenRouter-Title` →
/// `X_OPEN_ROUTER_TITLE`).
pub fn env_suffix(wire: &str) -> String {
    ascii_words(wire).to_shouty_snake_case()
}

/// Makes `candidate` unique within `taken` by appending `2`, `3`, … and
/// records it.
pub fn unique(taken: &mut BTreeSet<String>, candidate: String) -> String {
    unique_with(taken, candidate, "")
}

/// Like [`unique`], with a separator before the number (`_` for snake case).
pub fn unique_with(taken: &mut BTreeSet<String>, candidate: String, sep: &str) -> String {
    if taken.insert(candidate.clone()) {
        return candidate;
    }
    // `type_` + `_` + 2 would be `type__2`, which is not snake case.
    let stem = if sep == "_" { candidate.trim_end_matches('_') } else { candidate.as_str() };
    (2..)
        .map(|n| format!("{stem}{sep}{n}"))
        .find(|c| !taken.contains(c))
        .inspect(|c| {
            taken.insert(c.clone());
        })
        .expect("an unused suffix exists")
}

/// The singular of an English plural, for naming array items (`rules` →
/// `rule`); `None` when the word does not look plural.
pub fn singular(word: &str) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    if lower.len() <= 3 || lower.ends_with("ss") || lower.ends_with("us") || lower.ends_with("is") {
        return None;
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return Some(format!("{stem}y"));
    }
    if lower.ends_with("sses") || lower.ends_with("xes") || lower.ends_with("ches") || lower.ends_with("shes") {
        return Some(word[..word.len() - 2].to_owned());
    }
    word.strip_suffix('s').map(str::to_owned)
}

/// Name for an inline schema found under property `prop` of the type
/// `parent`: `ObservabilityArizeDestination` + `config`.
pub fn inline_type_name(parent: &str, prop: &str) -> String {
    type_name(&format!("{parent} {}", ascii_words(prop)))
}

/// Name for the items of an array found under `prop` of `parent`.
pub fn item_type_name(parent: &str, prop: &str) -> String {
    match singular(prop) {
        Some(one) => inline_type_name(parent, &one),
        None => inline_type_name(parent, &format!("{prop} item")),
    }
}

/// Name of the variant that keeps values a spec does not list; it gives way
/// when the spec itself has an `Unknown` value.
pub fn unknown_variant<'a>(mut names: impl Iterator<Item = &'a str> + Clone) -> String {
    ["Unknown", "UnknownValue", "Unrecognized", "Other"]
        .into_iter()
        .find(|c| !names.clone().any(|n| n == *c))
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let n = (2..).find(|n| !names.any(|x| x == format!("Unknown{n}"))).expect("free");
            format!("Unknown{n}")
        })
}

/// Name of the error-enum variant for a status (`404` → `NotFound`).
pub fn status_variant(status: &crate::ir::StatusMatch) -> String {
    use crate::ir::StatusMatch;
    match status {
        StatusMatch::Code(code) => match reason_phrase(*code) {
            Some(phrase) => type_name(phrase),
            None => format!("Status{code}"),
        },
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(r) => format!("Status{r}xx"),
        StatusMatch::Default => "Default".into(),
    }
}

/// The standard reason phrase of a status code.
fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "Non Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi Status",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "Uri Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "Im A Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "Http Version Not Supported",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

/// Whether a property name looks like it holds a credential; such values are
/// masked in `Debug` output and logs. The rule lives in the runtime so the
/// generated crate applies the same one to free-form JSON.
pub fn is_sensitive(wire: &str) -> bool {
    crate::sensitive::is_sensitive_name(wire)
}

/// Whether every value of a map under this property should be masked.
pub fn masks_all_values(wire: &str) -> bool {
    crate::sensitive::masks_all_values(wire)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(type_name("ObservabilityDestination"), "ObservabilityDestination");
        assert_eq!(type_name("observability-destination"), "ObservabilityDestination");
        assert_eq!(type_name("2fa_setting"), "T2faSetting");
        assert_eq!(type_name("Self"), "SelfType");
        assert_eq!(type_name(""), "Unnamed");
        assert_eq!(inline_type_name("ObservabilityArizeDestination", "config"), "ObservabilityArizeDestinationConfig");
        assert_eq!(item_type_name("ObservabilityFilterRuleGroup", "rules"), "ObservabilityFilterRuleGroupRule");
        assert_eq!(item_type_name("Foo", "data"), "FooDataItem");
        assert_eq!(item_type_name("Foo", "categories"), "FooCategory");
    }

    #[test]
    fn inline_names_stay_short() {
        assert_eq!(short_type_name("Pet owner"), "PetOwner");
        let long =
            short_type_name("ReposCreateOrUpdateEnvironment 200 response data deployment branch policy item value");
        assert!(long.len() <= 48, "{long}");
        assert!(long.starts_with("Repos") && long.ends_with("ItemValue"), "{long}");
    }

    #[test]
    fn variant_names_keep_values_distinct() {
        assert_eq!(variant_name("otel-collector"), "OtelCollector");
        assert_eq!(variant_name("s3"), "S3");
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("Etc/GMT+1"), "EtcGmtPlus1");
        assert_eq!(variant_name("Etc/GMT-1"), "EtcGmtMinus1");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("1st place"), "V1stPlace");
        assert_eq!(variant_name("*"), "Star");
        assert_eq!(variant_name("Self"), "SelfValue");
        assert_eq!(variant_name("self"), "SelfValue");
        assert_eq!(variant_name("POST"), "Post");
        assert_eq!(variant_name("not_equals"), "NotEquals");
        assert_eq!(variant_name("ü"), "UFC");
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name("apiKey"), "api_key");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("user-id"), "user_id");
        assert_eq!(field_name("userId"), "user_id");
        assert_eq!(field_name("_group"), "group");
        assert_eq!(field_name("HTTP-Referer"), "http_referer");
        assert_eq!(field_name("1st"), "_1st");
        assert_eq!(field_name("+1"), "plus_1");
        assert_eq!(field_name("-1"), "minus_1");
        assert_eq!(field_name(""), "value");
        assert_eq!(field_name("$"), "dollar");
    }

    #[test]
    fn long_module_names_are_cut_with_a_hash() {
        let id = "identityGovernance.entitlementManagement.accessPackageAssignments.accessPackage.\
                  accessPackageResourceRoleScopes.accessPackageResourceScope.GetAccessPackageResourceEnvironment";
        let m = module_name(id);
        assert!(m.len() <= MAX_MODULE, "{m}");
        assert!(m.starts_with("identity_governance_entitlement_management_access_package_assignments_"), "{m}");
        assert_eq!(m, module_name(id), "deterministic");
        assert_ne!(m, module_name(&id.replace("GetAccess", "ListAccess")), "a shared beginning stays apart");
        assert_eq!(module_name("listPets"), "list_pets");
    }

    #[test]
    fn collisions_get_numbers() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique_with(&mut taken, field_name("group"), "_"), "group");
        assert_eq!(unique_with(&mut taken, field_name("_group"), "_"), "group_2");
        assert_eq!(unique_with(&mut taken, field_name("type"), "_"), "type_");
        assert_eq!(unique_with(&mut taken, field_name("Type"), "_"), "type_2");
        let mut taken = BTreeSet::new();
        assert_eq!(unique(&mut taken, variant_name("ABC")), "Abc");
        assert_eq!(unique(&mut taken, variant_name("abc")), "Abc2");
    }

    #[test]
    fn env_suffixes() {
        assert_eq!(env_suffix("X-OpenRouter-Title"), "X_OPEN_ROUTER_TITLE");
        assert_eq!(env_suffix("X-OpenRouter-Categories"), "X_OPEN_ROUTER_CATEGORIES");
        assert_eq!(env_suffix("HTTP-Referer"), "HTTP_REFERER");
    }

    #[test]
    fn status_variants() {
        use crate::ir::StatusMatch;
        assert_eq!(status_variant(&StatusMatch::Code(404)), "NotFound");
        assert_eq!(status_variant(&StatusMatch::Code(500)), "InternalServerError");
        assert_eq!(status_variant(&StatusMatch::Code(499)), "Status499");
        assert_eq!(status_variant(&StatusMatch::Range(4)), "ClientError");
        assert_eq!(status_variant(&StatusMatch::Default), "Default");
    }

    #[test]
    fn unknown_variant_gives_way() {
        assert_eq!(unknown_variant(["And", "Or"].into_iter()), "Unknown");
        assert_eq!(unknown_variant(["Unknown"].into_iter()), "UnknownValue");
    }
}
