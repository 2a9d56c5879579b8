//! Each rule of the type mapping, shown on the generated crate.

use std::collections::BTreeMap;

use openrouter_observability::primitives::Tristate;
use openrouter_observability::types::*;
use serde_json::{Value, json};

fn destination(kind: &str, config: Value) -> Value {
    json!({
        "id": "99999999-aaaa-bbbb-cccc-000000000001",
        "workspace_id": "550e8400-e29b-41d4-a716-446655440000",
        "name": "Prod", "enabled": true, "privacy_mode": false,
        "broadcast_generation_cost": false, "broadcast_generation_identity": false,
        "broadcast_generation_request_context": false, "sampling_rate": 0.5,
        "api_key_hashes": null, "filter_rules": null,
        "created_at": "2025-08-24T10:30:00Z", "updated_at": "2025-08-24T15:45:00Z",
        "type": kind, "config": config
    })
}

fn langfuse() -> ObservabilityLangfuseDestination {
    match serde_json::from_value(destination("langfuse", json!({"publicKey": "pk-1", "secretKey": "sk-secret-1"})))
        .unwrap()
    {
        ObservabilityDestination::Langfuse(d) => d,
        other => panic!("{other:?}"),
    }
}

#[test]
fn properties_use_rust_names_and_wire_names() {
    let d = langfuse();
    // `publicKey` on the wire, `public_key` in Rust; `type` is written by the union.
    let _: &String = &d.config.public_key;
    let v = serde_json::to_value(ObservabilityDestination::Langfuse(d)).unwrap();
    assert_eq!(v["config"]["publicKey"], "pk-1");
    assert_eq!(v["type"], "langfuse");
    let req = CreateObservabilityDestinationRequest::new(
        serde_json::Map::new(),
        "n",
        CreateObservabilityDestinationRequestType::Langfuse,
    );
    assert_eq!(serde_json::to_value(&req).unwrap()["type"], "langfuse");
}

#[test]
fn required_properties_are_plain_and_must_be_present() {
    let d = langfuse();
    let _: uuid::Uuid = d.id;
    let _: f64 = d.sampling_rate;
    let _: bool = d.enabled;
    let mut v = destination("langfuse", json!({"publicKey": "p", "secretKey": "s"}));
    v.as_object_mut().unwrap().remove("enabled");
    let err = serde_json::from_value::<ObservabilityDestination>(v).unwrap_err().to_string();
    assert!(err.contains("missing field `enabled`"), "{err}");
}

#[test]
fn optional_properties_are_omitted_when_none() {
    let empty = UpdateObservabilityDestinationRequest::default();
    assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
    let named =
        UpdateObservabilityDestinationRequest { name: Some("N".into()), enabled: Some(false), ..Default::default() };
    assert_eq!(serde_json::to_string(&named).unwrap(), r#"{"enabled":false,"name":"N"}"#);
}

#[test]
fn required_nullable_properties_are_always_sent() {
    let mut d = langfuse();
    d.name = None;
    d.api_key_hashes = None;
    let v = serde_json::to_value(ObservabilityDestination::Langfuse(d)).unwrap();
    assert_eq!(v["name"], Value::Null);
    assert!(v.as_object().unwrap().contains_key("name"));
    assert!(v.as_object().unwrap().contains_key("api_key_hashes"));
    assert!(v.as_object().unwrap().contains_key("filter_rules"));
}

#[test]
fn optional_nullable_request_properties_have_three_states() {
    let clear = UpdateObservabilityDestinationRequest { api_key_hashes: Tristate::Null, ..Default::default() };
    assert_eq!(serde_json::to_string(&clear).unwrap(), r#"{"api_key_hashes":null}"#);
    let set = UpdateObservabilityDestinationRequest {
        api_key_hashes: Tristate::Value(vec!["h".into()]),
        ..Default::default()
    };
    assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"api_key_hashes":["h"]}"#);
    let untouched = UpdateObservabilityDestinationRequest { enabled: Some(false), ..Default::default() };
    assert_eq!(serde_json::to_string(&untouched).unwrap(), r#"{"enabled":false}"#);
    let rules = UpdateObservabilityDestinationRequest { filter_rules: Tristate::Null, ..Default::default() };
    assert_eq!(serde_json::to_string(&rules).unwrap(), r#"{"filter_rules":null}"#);
    // Nothing unset is injected: a PATCH with rules sends only what was given.
    let groups = UpdateObservabilityDestinationRequest {
        filter_rules: Tristate::Value(ObservabilityFilterRulesConfigNullable::new(Vec::new())),
        ..Default::default()
    };
    assert_eq!(serde_json::to_string(&groups).unwrap(), r#"{"filter_rules":{"groups":[]}}"#);
}

#[test]
fn the_union_has_a_variant_per_kind_and_writes_the_tag_back() {
    let kinds = [
        ("arize", json!({"apiKey": "a", "spaceKey": "s", "modelId": "m"})),
        ("braintrust", json!({"apiKey": "a", "projectId": "p"})),
        ("clickhouse", json!({"host": "h", "database": "d", "username": "u", "password": "p"})),
        ("datadog", json!({"apiKey": "a", "mlApp": "m"})),
        ("grafana", json!({"apiKey": "a", "instanceId": "i"})),
        ("langfuse", json!({"publicKey": "p", "secretKey": "s"})),
        ("langsmith", json!({"apiKey": "a"})),
        ("newrelic", json!({"licenseKey": "l"})),
        ("opik", json!({"apiKey": "a", "workspace": "w", "projectName": "p"})),
        ("otel-collector", json!({"endpoint": "e"})),
        ("posthog", json!({"apiKey": "a"})),
        ("ramp", json!({"apiKey": "a"})),
        ("s3", json!({"bucketName": "b", "accessKeyId": "a", "secretAccessKey": "s"})),
        ("sentry", json!({"otlpEndpoint": "o", "dsn": "https://k@o1.ingest.sentry.io/1"})),
        ("snowflake", json!({"account": "a", "token": "t"})),
        ("weave", json!({"apiKey": "a", "entity": "e", "project": "p"})),
        ("webhook", json!({"url": "https://example.com/hook"})),
    ];
    for (kind, config) in kinds {
        let v = destination(kind, config);
        let d: ObservabilityDestination = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(d.tag(), kind);
        assert!(!matches!(d, ObservabilityDestination::Unknown(_)), "{kind} is known");
        let back = serde_json::to_value(&d).unwrap();
        assert_eq!(back["type"], kind);
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(text.matches("\"type\"").count(), 1, "one tag: {text}");
    }
    let d: ObservabilityDestination =
        serde_json::from_value(destination("otel-collector", json!({"endpoint": "e"}))).unwrap();
    assert!(matches!(d, ObservabilityDestination::OtelCollector(_)));
}

#[test]
fn an_unknown_kind_keeps_its_raw_json() {
    let v = destination("future-dest", json!({"token": "tok-123", "x": 1}));
    let d: ObservabilityDestination = serde_json::from_value(v.clone()).unwrap();
    let ObservabilityDestination::Unknown(u) = &d else { panic!("{d:?}") };
    assert_eq!(u.tag(), "future-dest");
    assert_eq!(u.raw()["config"]["x"], 1);
    assert_eq!(serde_json::to_value(&d).unwrap(), v);
    assert!(!format!("{d:?}").contains("tok-123"), "Debug masks the credential");
}

#[test]
fn a_known_kind_with_an_invalid_payload_is_an_error() {
    let err = serde_json::from_value::<ObservabilityDestination>(destination("webhook", json!({}))).unwrap_err();
    assert!(err.to_string().contains("invalid `type: webhook` member: missing field `url`"), "{err}");
    let err = serde_json::from_value::<ObservabilityDestination>(json!({"id": 1})).unwrap_err();
    assert!(err.to_string().contains("missing field `type`"), "{err}");
}

#[test]
fn string_enums_keep_unknown_values() {
    let known: ObservabilityFilterRuleGroupRuleOperator = serde_json::from_value(json!("not_equals")).unwrap();
    assert_eq!(known, ObservabilityFilterRuleGroupRuleOperator::NotEquals);
    assert_eq!(known.as_str(), "not_equals");
    assert_eq!(known.to_string(), "not_equals");
    let unknown: ObservabilityFilterRuleGroupRuleOperator = "between".parse().unwrap();
    let ObservabilityFilterRuleGroupRuleOperator::Unknown(raw) = &unknown else { panic!("{unknown:?}") };
    assert_eq!(raw.as_str(), "between");
    assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("between"));
    // A known value never ends up as `Unknown`.
    assert_eq!(ObservabilityFilterRuleGroupRuleOperator::from("gte"), ObservabilityFilterRuleGroupRuleOperator::Gte);
    assert_eq!(
        CreateObservabilityDestinationRequestType::from("otel-collector"),
        CreateObservabilityDestinationRequestType::OtelCollector
    );
    assert_eq!(CreateObservabilityDestinationRequestType::KNOWN_VALUES.len(), 17);
    assert!(serde_json::from_value::<ObservabilityWebhookDestinationConfigMethod>(json!(3)).is_err());
}

#[test]
fn string_or_number_is_an_untagged_enum() {
    let s: ObservabilityFilterRuleGroupRuleValue = serde_json::from_value(json!("gpt")).unwrap();
    assert_eq!(s, ObservabilityFilterRuleGroupRuleValue::String("gpt".into()));
    let n: ObservabilityFilterRuleGroupRuleValue = serde_json::from_value(json!(5)).unwrap();
    assert_eq!(n, ObservabilityFilterRuleGroupRuleValue::Number(5.0));
    assert_eq!(serde_json::to_string(&n).unwrap(), "5.0");
    assert_eq!(
        ObservabilityFilterRuleGroupRuleValue::from("x"),
        ObservabilityFilterRuleGroupRuleValue::String("x".into())
    );
    assert!(serde_json::from_value::<ObservabilityFilterRuleGroupRuleValue>(json!([1])).is_err());
}

#[test]
fn formats_pick_rust_types() {
    let d = langfuse();
    let _: uuid::Uuid = d.workspace_id;
    let list: ListObservabilityDestinationsResponse =
        serde_json::from_value(json!({"data": [], "total_count": 3})).unwrap();
    let _: i64 = list.total_count;
    let mut v = destination("langfuse", json!({"publicKey": "p", "secretKey": "s"}));
    v["id"] = json!("not-a-uuid");
    assert!(serde_json::from_value::<ObservabilityDestination>(v).is_err());
}

#[test]
fn maps_free_form_and_typed() {
    // `additionalProperties: {}` is a JSON map.
    let mut config = serde_json::Map::new();
    config.insert("baseUrl".into(), json!("https://x"));
    config.insert("nested".into(), json!({"a": [1, null]}));
    let req =
        CreateObservabilityDestinationRequest::new(config, "n", CreateObservabilityDestinationRequestType::Langfuse);
    assert_eq!(serde_json::to_value(&req).unwrap()["config"]["nested"]["a"][1], Value::Null);
    // `additionalProperties: {type: string}` is a map of strings.
    let cfg: ObservabilityLangfuseDestinationConfig =
        serde_json::from_value(json!({"publicKey": "p", "secretKey": "s", "headers": {"X-A": "b"}})).unwrap();
    let headers: &BTreeMap<String, String> = cfg.headers.as_ref().unwrap();
    assert_eq!(headers["X-A"], "b");
    assert!(
        serde_json::from_value::<ObservabilityLangfuseDestinationConfig>(
            json!({"publicKey": "p", "secretKey": "s", "headers": {"X-A": 1}})
        )
        .is_err()
    );
}

#[test]
fn spec_defaults_fill_missing_response_fields() {
    let cfg: ObservabilityLangfuseDestinationConfig =
        serde_json::from_value(json!({"publicKey": "p", "secretKey": "s"})).unwrap();
    assert_eq!(cfg.base_url, "https://us.cloud.langfuse.com");
    let cfg: ObservabilityWebhookDestinationConfig = serde_json::from_value(json!({"url": "u"})).unwrap();
    assert_eq!(cfg.method, ObservabilityWebhookDestinationConfigMethod::Post);
    let cfg: ObservabilityNewrelicDestinationConfig = serde_json::from_value(json!({"licenseKey": "l"})).unwrap();
    assert_eq!(cfg.region, ObservabilityNewrelicDestinationConfigRegion::Us);
    let cfg: ObservabilityS3DestinationConfig =
        serde_json::from_value(json!({"bucketName": "b", "accessKeyId": "a", "secretAccessKey": "s"})).unwrap();
    assert_eq!((cfg.prefix.as_str(), cfg.path_template.as_str()), ("openrouter-traces", "{prefix}/{date}"));
    let rules: ObservabilityFilterRulesConfig = serde_json::from_value(json!({"groups": [{"rules": []}]})).unwrap();
    assert!(rules.enabled);
    assert_eq!(rules.groups[0].logic, Some(ObservabilityFilterRuleGroupLogic::And));
    // `const: true` means true when missing.
    let deleted: DeleteObservabilityDestinationResponse = serde_json::from_value(json!({})).unwrap();
    assert!(deleted.deleted);
}

#[test]
fn unknown_response_fields_are_ignored() {
    let mut v = destination("langfuse", json!({"publicKey": "p", "secretKey": "s", "newThing": 1}));
    v["regions"] = json!(["global"]);
    v["broadcast_generation_cost_allocation"] = json!(true);
    assert!(matches!(
        serde_json::from_value::<ObservabilityDestination>(v).unwrap(),
        ObservabilityDestination::Langfuse(_)
    ));
}

#[test]
fn debug_never_shows_credentials() {
    let mut d = langfuse();
    d.config.headers = Some([("Authorization".to_owned(), "Bearer hdr-secret".to_owned())].into());
    let shown = format!("{:?}", ObservabilityDestination::Langfuse(d));
    assert!(!shown.contains("sk-secret-1"), "{shown}");
    assert!(!shown.contains("hdr-secret"), "{shown}");
    assert!(shown.contains("pk-1"), "non-secret values stay visible: {shown}");

    let mut config = serde_json::Map::new();
    config.insert("secretKey".into(), json!("sk-in-map"));
    config.insert("password".into(), json!("pw-in-map"));
    let req =
        CreateObservabilityDestinationRequest::new(config, "n", CreateObservabilityDestinationRequestType::Langfuse);
    let shown = format!("{req:?}");
    assert!(!shown.contains("sk-in-map") && !shown.contains("pw-in-map"), "{shown}");

    let s3: ObservabilityS3DestinationConfig = serde_json::from_value(
        json!({"bucketName": "b", "accessKeyId": "AKIA", "secretAccessKey": "s3-secret", "sessionToken": "s3-token"}),
    )
    .unwrap();
    let shown = format!("{s3:?}");
    assert!(!shown.contains("s3-secret") && !shown.contains("s3-token"), "{shown}");
}

#[test]
fn inline_schemas_get_short_names_from_where_they_sit() {
    // The config of each kind, the items of `rules`, and their enums.
    let _ = std::any::type_name::<ObservabilityArizeDestinationConfig>();
    let rule = ObservabilityFilterRuleGroupRule::new(
        ObservabilityFilterRuleGroupRuleField::Model,
        ObservabilityFilterRuleGroupRuleOperator::Equals,
    );
    assert_eq!(serde_json::to_string(&rule).unwrap(), r#"{"field":"model","operator":"equals"}"#);
    let src = std::fs::read_to_string(tests::root().join("generated/src/types.rs")).unwrap();
    let longest = src
        .lines()
        .filter_map(|l| l.strip_prefix("pub struct ").or_else(|| l.strip_prefix("pub enum ")))
        .map(|l| l.split([' ', '{']).next().unwrap_or("").len())
        .max()
        .unwrap();
    assert!(longest <= 45, "type names stay short: {longest}");
}

#[test]
fn descriptions_become_docs() {
    let src = std::fs::read_to_string(tests::root().join("generated/src/types.rs")).unwrap();
    let spec = tests::read_json(&tests::spec());
    let d =
        spec.pointer("/components/schemas/ObservabilityFilterRuleGroup/description").and_then(Value::as_str).unwrap();
    assert!(src.contains(&format!("/// {}", d.trim())), "the schema description is a doc comment");
    let lib = std::fs::read_to_string(tests::root().join("generated/src/lib.rs")).unwrap();
    assert!(lib.contains("#![deny(missing_docs)]"));
}
