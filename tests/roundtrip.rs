//! Every `example` in the spec, and every JSON response body in the official
//! SDK's wire capture, goes through the generated types: parsed, written back
//! and parsed again, with nothing lost on the way.

use std::collections::BTreeSet;
use std::fmt::Debug;

use codegen::ir::{Api, Example, TypeId, TypeKind, TypeRef};
use openrouter_observability::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

macro_rules! table {
    ($($t:ident),* $(,)?) => {
        /// Every generated type, by name.
        const NAMES: &[&str] = &[$(stringify!($t)),*];

        /// Parses `v` as the named type, writes it back and parses it again.
        fn roundtrip(name: &str, v: &Value) -> Option<Result<Value, String>> {
            match name {
                $(stringify!($t) => Some(rt::<types::$t>(v)),)*
                _ => None,
            }
        }
    };
}

table!(
    BadRequestResponse,
    BadRequestResponseErrorData,
    ConflictResponse,
    ConflictResponseErrorData,
    CreateObservabilityDestinationRequest,
    CreateObservabilityDestinationRequestType,
    CreateObservabilityDestinationResponse,
    DeleteObservabilityDestinationResponse,
    ForbiddenResponse,
    ForbiddenResponseErrorData,
    GetObservabilityDestinationResponse,
    InternalServerResponse,
    InternalServerResponseErrorData,
    ListObservabilityDestinationsResponse,
    NotFoundResponse,
    NotFoundResponseErrorData,
    ObservabilityArizeDestination,
    ObservabilityArizeDestinationConfig,
    ObservabilityBraintrustDestination,
    ObservabilityBraintrustDestinationConfig,
    ObservabilityClickhouseDestination,
    ObservabilityClickhouseDestinationConfig,
    ObservabilityDatadogDestination,
    ObservabilityDatadogDestinationConfig,
    ObservabilityDestination,
    ObservabilityFilterRuleGroup,
    ObservabilityFilterRuleGroupLogic,
    ObservabilityFilterRuleGroupRule,
    ObservabilityFilterRuleGroupRuleField,
    ObservabilityFilterRuleGroupRuleOperator,
    ObservabilityFilterRuleGroupRuleValue,
    ObservabilityFilterRulesConfig,
    ObservabilityFilterRulesConfigNullable,
    ObservabilityGrafanaDestination,
    ObservabilityGrafanaDestinationConfig,
    ObservabilityLangfuseDestination,
    ObservabilityLangfuseDestinationConfig,
    ObservabilityLangsmithDestination,
    ObservabilityLangsmithDestinationConfig,
    ObservabilityNewrelicDestination,
    ObservabilityNewrelicDestinationConfig,
    ObservabilityNewrelicDestinationConfigRegion,
    ObservabilityOpikDestination,
    ObservabilityOpikDestinationConfig,
    ObservabilityOtelCollectorDestination,
    ObservabilityOtelCollectorDestinationConfig,
    ObservabilityPosthogDestination,
    ObservabilityPosthogDestinationConfig,
    ObservabilityRampDestination,
    ObservabilityRampDestinationConfig,
    ObservabilityS3Destination,
    ObservabilityS3DestinationConfig,
    ObservabilitySentryDestination,
    ObservabilitySentryDestinationConfig,
    ObservabilitySnowflakeDestination,
    ObservabilitySnowflakeDestinationConfig,
    ObservabilityWeaveDestination,
    ObservabilityWeaveDestinationConfig,
    ObservabilityWebhookDestination,
    ObservabilityWebhookDestinationConfig,
    ObservabilityWebhookDestinationConfigMethod,
    UnauthorizedResponse,
    UnauthorizedResponseErrorData,
    UpdateObservabilityDestinationRequest,
    UpdateObservabilityDestinationResponse,
);

fn rt<T: DeserializeOwned + Serialize + PartialEq + Debug>(v: &Value) -> Result<Value, String> {
    let parsed: T = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    let back = serde_json::to_value(&parsed).map_err(|e| e.to_string())?;
    let again: T = serde_json::from_value(back.clone()).map_err(|e| format!("written form does not parse: {e}"))?;
    if again != parsed {
        return Err(format!("not stable through a round trip: {parsed:?} became {again:?}"));
    }
    Ok(back)
}

/// Parses `v` as the named type and checks that everything the type
/// describes came back out unchanged. Properties the type does not describe
/// (newer server fields) are ignored by design.
fn roundtrip_keeping(api: &Api, name: &str, v: &Value) -> Result<(), String> {
    let back = roundtrip(name, v).unwrap_or_else(|| Err(format!("{name} is not in the table")))?;
    let id =
        api.types.iter().position(|t| t.name == name).map(TypeId).ok_or_else(|| format!("{name} is not generated"))?;
    keeps(api, &TypeRef::Named(id), v, &back, "")
}

/// Everything in `orig` that `t` describes is still in `back` (numbers
/// compared by value; a `null` may be left out).
fn keeps(api: &Api, t: &TypeRef, orig: &Value, back: &Value, at: &str) -> Result<(), String> {
    match (t, orig, back) {
        (TypeRef::Named(id), Value::Object(a), Value::Object(b)) => match &api.ty(*id).kind {
            TypeKind::Struct(s) => {
                for (k, v) in a {
                    let field = s.fields.iter().find(|f| &f.wire == k);
                    let Some(field) = field else {
                        if s.dropped_tag.as_deref() == Some(k.as_str()) || s.additional.is_none() {
                            continue; // written by the union, or not described
                        }
                        match b.get(k) {
                            Some(w) if w == v => continue,
                            _ => return Err(format!("{at}/{k}: an additional property was dropped")),
                        }
                    };
                    match b.get(k) {
                        Some(w) => keeps(api, &field.ty, v, w, &format!("{at}/{k}"))?,
                        None if v.is_null() => {}
                        None => return Err(format!("{at}/{k} was dropped")),
                    }
                }
                Ok(())
            }
            TypeKind::Union(u) => {
                let tag = a.get(&u.tag).and_then(Value::as_str).unwrap_or_default();
                if b.get(&u.tag) != a.get(&u.tag) {
                    return Err(format!("{at}/{}: the tag was not written back", u.tag));
                }
                match u.variants.iter().find(|v| v.tag_value == tag) {
                    Some(v) => keeps(api, &TypeRef::Named(v.ty), orig, back, at),
                    None if orig == back => Ok(()),
                    None => Err(format!("{at}: an unknown member was not kept verbatim")),
                }
            }
            TypeKind::Untagged(_) | TypeKind::Enum(_) => same(orig, back, at),
        },
        (TypeRef::Array(inner), Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().try_for_each(|(i, (v, w))| keeps(api, inner, v, w, &format!("{at}/{i}")))
        }
        (TypeRef::Map(inner), Value::Object(a), Value::Object(b)) => a.iter().try_for_each(|(k, v)| match b.get(k) {
            Some(w) => keeps(api, inner, v, w, &format!("{at}/{k}")),
            None => Err(format!("{at}/{k} was dropped")),
        }),
        _ => same(orig, back, at),
    }
}

/// Equal, with numbers compared by value (`1` and `1.0` are the same number).
fn same(a: &Value, b: &Value, at: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().try_for_each(|(i, (v, w))| same(v, w, &format!("{at}/{i}")))
        }
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() => x.iter().try_for_each(|(k, v)| match y.get(k) {
            Some(w) => same(v, w, &format!("{at}/{k}")),
            None => Err(format!("{at}/{k} was dropped")),
        }),
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("{at}: {a} became {b}")),
    }
}

fn api() -> Api {
    let opts = codegen::Options::new(tests::spec(), "spec/openrouter-observability.yaml");
    codegen::generate(&opts).expect("the spec generates").api
}

/// Checks a value against a type reference: named types through the table,
/// primitives by their JSON kind.
fn check(api: &Api, t: &TypeRef, nullable: bool, v: &Value) -> Result<(), String> {
    if v.is_null() && nullable {
        return Ok(());
    }
    let ok = match t {
        TypeRef::Named(id) => return roundtrip_keeping(api, &api.ty(*id).name, v),
        TypeRef::Array(inner) => {
            return v.as_array().ok_or("not an array")?.iter().try_for_each(|x| check(api, inner, false, x));
        }
        TypeRef::Map(inner) => {
            return v.as_object().ok_or("not an object")?.values().try_for_each(|x| check(api, inner, false, x));
        }
        TypeRef::Bool => v.is_boolean(),
        TypeRef::Int(_) => v.is_i64() || v.is_u64(),
        TypeRef::F32 | TypeRef::F64 => v.is_number(),
        TypeRef::String => v.is_string(),
        TypeRef::Uuid => v.as_str().is_some_and(|s| s.parse::<uuid::Uuid>().is_ok()),
        TypeRef::Binary => v.is_string(),
        TypeRef::Json => true,
        TypeRef::JsonMap => v.is_object(),
    };
    if ok { Ok(()) } else { Err(format!("{v} is not a {t:?}")) }
}

#[test]
fn the_table_names_every_generated_type() {
    let names: BTreeSet<&str> = NAMES.iter().copied().collect();
    for t in &api().types {
        assert!(names.contains(t.name.as_str()), "add {} to the table in tests/roundtrip.rs", t.name);
    }
}

#[test]
fn every_example_in_the_spec_parses() {
    let api = api();
    let mut checked: Vec<(&Example, Result<(), String>)> = Vec::new();
    for t in &api.types {
        if let Some(e) = &t.example {
            // A union member's example reads through the union, which owns the tag.
            let union = api.types.iter().find(|u| match &u.kind {
                TypeKind::Union(un) => un.variants.iter().any(|v| api.ty(v.ty).name == t.name),
                _ => false,
            });
            let name = union.map(|u| u.name.as_str()).unwrap_or(&t.name);
            checked.push((e, roundtrip_keeping(&api, name, &e.value)));
        }
        if let TypeKind::Struct(s) = &t.kind {
            for f in &s.fields {
                if let Some(e) = &f.example {
                    checked.push((e, check(&api, &f.ty, f.nullable, &e.value)));
                }
            }
        }
    }
    for op in &api.operations {
        for p in &op.params {
            if let Some(e) = &p.example {
                checked.push((e, check(&api, &p.ty, p.nullable, &e.value)));
            }
        }
        if let Some(b) = &op.body
            && let Some(e) = &b.example
        {
            checked.push((e, check(&api, &b.ty, false, &e.value)));
        }
        for r in &op.responses {
            if let Some(b) = &r.body
                && let Some(e) = &b.example
            {
                checked.push((e, check(&api, &b.ty, false, &e.value)));
            }
        }
    }
    let failures: Vec<String> =
        checked.iter().filter_map(|(e, r)| r.as_ref().err().map(|m| format!("#{}: {m}", e.pointer))).collect();
    assert!(failures.is_empty(), "examples that do not parse:\n{}", failures.join("\n"));

    // Every example in the document was reached, except the one on the shared
    // destination fields, which only exist merged into each destination (where
    // their own examples are checked).
    let covered: BTreeSet<&str> = checked.iter().map(|(e, _)| e.pointer.as_str()).collect();
    let doc = tests::read_json(&tests::spec());
    let mut in_doc = BTreeSet::new();
    find_examples(&doc, "", &mut in_doc);
    // `example: null` reads as no example at all; it is valid exactly when
    // the schema allows null.
    in_doc.retain(|p| {
        let v = doc.pointer(p).expect("found there");
        if !v.is_null() {
            return true;
        }
        let schema = doc.pointer(&p[..p.len() - "/example".len()]).expect("parent");
        let allows_null =
            schema["type"].as_array().is_some_and(|t| t.iter().any(|x| x == "null")) || schema["nullable"] == true;
        assert!(allows_null, "#{p}: `example: null` on a schema that does not allow null");
        false
    });
    let merged_only = "/components/schemas/ObservabilityDestinationCommon/example";
    let missed: Vec<&String> =
        in_doc.iter().filter(|p| !covered.contains(p.as_str()) && p.as_str() != merged_only).collect();
    assert!(missed.is_empty(), "examples no test reached: {missed:?}");
    assert!(in_doc.len() > 100, "the spec has its examples ({})", in_doc.len());
}

fn find_examples(v: &Value, at: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = codegen::diag::push_pointer(at, k);
                if k == "example" {
                    out.insert(p.clone());
                }
                // `properties` maps names to schemas: a property called `example` is not one.
                if k != "example" {
                    find_examples(x, &p, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                find_examples(x, &codegen::diag::push_pointer(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// The body type an exchange's response should parse as.
fn expected_type(method: &str, path: &str, status: u16) -> Option<&'static str> {
    let item = path.strip_prefix("/observability/destinations");
    let on_item = item.is_some_and(|rest| rest.starts_with('/'));
    Some(match (status, method, item.is_some(), on_item) {
        (200, "GET", true, false) => "ListObservabilityDestinationsResponse",
        (200 | 201, "POST", true, false) => "CreateObservabilityDestinationResponse",
        (200, "GET", true, true) => "GetObservabilityDestinationResponse",
        (200, "PATCH", true, true) => "UpdateObservabilityDestinationResponse",
        (200, "DELETE", true, true) => "DeleteObservabilityDestinationResponse",
        (400, ..) => "BadRequestResponse",
        (401, ..) => "UnauthorizedResponse",
        (403, ..) => "ForbiddenResponse",
        (404, ..) => "NotFoundResponse",
        (409, ..) => "ConflictResponse",
        // Other statuses carry the same envelope; it reads as any of them.
        (400..=599, ..) => "InternalServerResponse",
        _ => return None,
    })
}

/// Bodies in the capture that are wrong on purpose, and must not parse.
const MUST_FAIL: &[(&str, &str)] = &[
    ("get_missing_type_field", "a destination without `type` cannot be told apart"),
    ("get_200_invalid_json", "not JSON"),
    ("create_explicit_nulls", "a known `webhook` kind with `config: {}` lacks the required `url`"),
    // The capture's mock server echoes the request's `config`; these echoes are
    // not valid `langfuse` destinations, and a known kind that does not fit
    // its schema is an error rather than an unknown member.
    ("create_filter_rules_defaults", "`langfuse` with `config: {}` lacks `publicKey` and `secretKey`"),
    ("update_all_fields", "`langfuse` with `config: {secretKey}` lacks `publicKey`"),
    ("retry_default_on_post_and_patch#1", "`langfuse` with `config: {}` lacks `publicKey` and `secretKey`"),
    ("error_nonjson_and_bad_shapes#2", "`{\"message\": ...}` has no `error` envelope"),
    ("error_nonjson_and_bad_shapes#4", "`code` is the string \"500\", not an integer"),
];

#[test]
fn every_response_in_the_wire_capture_parses() {
    let Some(path) = tests::shared_reference("python-sdk-wire-transcript.json") else { return };
    let api = api();
    let capture = tests::read_json(&path);
    let scenarios = capture["scenarios"].as_array().expect("scenarios");
    assert_eq!(scenarios.len(), 63);
    let mut parsed = 0;
    let mut failed_as_expected = BTreeSet::new();
    let mut problems = Vec::new();
    let mut seen_kinds = BTreeSet::new();
    for s in scenarios {
        let name = s["name"].as_str().expect("name");
        for (i, e) in s["exchanges"].as_array().expect("exchanges").iter().enumerate() {
            let r = &e["response"];
            let (Some(status), Some(body)) = (r["status"].as_u64(), r["body"].as_str()) else { continue };
            let json_type = r["content_type"].as_str().is_some_and(|c| c.starts_with("application/json"));
            if !json_type || body.is_empty() {
                continue; // not a JSON body; the client's error handling covers these
            }
            let Some(ty) =
                expected_type(e["method"].as_str().unwrap_or(""), e["path"].as_str().unwrap_or(""), status as u16)
            else {
                continue;
            };
            let id = format!("{name}#{i}");
            let must_fail = MUST_FAIL.iter().any(|(k, _)| *k == name || *k == id);
            let result = serde_json::from_str::<Value>(body).map_err(|e| e.to_string()).and_then(|v| {
                collect_kinds(&v, &mut seen_kinds);
                roundtrip_keeping(&api, ty, &v)
            });
            match (result, must_fail) {
                (Ok(_), false) => parsed += 1,
                (Err(_), true) => {
                    failed_as_expected
                        .insert(MUST_FAIL.iter().find(|(k, _)| *k == name || *k == id).expect("listed").0);
                }
                (Ok(_), true) => problems.push(format!("{id}: parsed as {ty} but is wrong on purpose")),
                (Err(err), false) => problems.push(format!("{id}: {ty}: {err}")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let expected: BTreeSet<&str> = MUST_FAIL.iter().map(|(k, _)| *k).collect();
    assert_eq!(failed_as_expected, expected, "every deliberately broken body was seen and refused");
    assert!(parsed > 100, "parsed {parsed} bodies");
    // The capture carries the newer fields and unknown values the spec does not list.
    for kind in ["regions", "broadcast_generation_cost_allocation", "type:future-dest"] {
        assert!(seen_kinds.contains(kind), "the capture exercises {kind}: {seen_kinds:?}");
    }
}

fn collect_kinds(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "regions" || k == "broadcast_generation_cost_allocation" {
                    out.insert(k.clone());
                }
                if k == "type"
                    && let Some(t) = x.as_str()
                {
                    out.insert(format!("type:{t}"));
                }
                collect_kinds(x, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|x| collect_kinds(x, out)),
        _ => {}
    }
}

/// Values the spec does not list survive a round trip.
#[test]
fn unknown_kinds_and_values_are_kept() {
    let body = serde_json::json!({
        "data": {
            "id": "99999999-aaaa-bbbb-cccc-000000000001",
            "workspace_id": "550e8400-e29b-41d4-a716-446655440000",
            "name": "x", "enabled": true, "privacy_mode": false,
            "broadcast_generation_cost": false, "broadcast_generation_identity": false,
            "broadcast_generation_request_context": false, "sampling_rate": 1,
            "api_key_hashes": null,
            "filter_rules": {"enabled": true, "groups": [{"logic": "xor", "rules": [
                {"field": "latency_ms", "operator": "between", "value": 5}]}]},
            "created_at": "2025-08-24T10:30:00Z", "updated_at": "2025-08-24T10:30:00Z",
            "type": "langfuse", "regions": ["mars"],
            "config": {"publicKey": "pk", "secretKey": "sk"}
        }
    });
    let r: types::GetObservabilityDestinationResponse = serde_json::from_value(body).unwrap();
    let types::ObservabilityDestination::Langfuse(d) = &r.data else { panic!("{:?}", r.data) };
    let group = &d.filter_rules.as_ref().unwrap().groups[0];
    let logic = group.logic.as_ref().expect("sent");
    assert_eq!(logic.as_str(), "xor");
    assert!(matches!(logic, types::ObservabilityFilterRuleGroupLogic::Unknown(_)));
    assert_eq!(group.rules[0].field.to_string(), "latency_ms");
    assert_eq!(group.rules[0].operator.as_str(), "between");
    let back = serde_json::to_value(&r).unwrap();
    assert_eq!(back["data"]["filter_rules"]["groups"][0]["logic"], "xor");
    assert_eq!(back["data"]["type"], "langfuse");
}
