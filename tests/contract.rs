//! Our spec describes exactly the published wire contract: both documents go
//! through the generator and what it derives (operations, parameters, fields
//! with type/required/nullable/default/constraints, enum values,
//! discriminator mapping, status codes, names) must be the same.

use codegen::Selection;

fn contract(path: &std::path::Path) -> String {
    let loaded = codegen::load_api(path, &path.display().to_string(), &Selection::default())
        .unwrap_or_else(|d| panic!("{} does not load:\n{d}", path.display()));
    codegen::contract::describe(&loaded.api)
}

#[test]
fn our_spec_has_the_published_contract() {
    let Some(published) = tests::shared_reference("openrouter-observability.openapi.yaml") else { return };
    let theirs = contract(&published);
    let ours = contract(&tests::spec());
    assert!(ours == theirs, "contracts differ (- published, + ours):\n{}", tests::line_diff(&theirs, &ours));
}

/// The comparison is not vacuous: it sees every operation, status and kind.
#[test]
fn contract_covers_the_whole_api() {
    let c = contract(&tests::spec());
    for needle in [
        "operation listObservabilityDestinations GET /observability/destinations group=Some(\"Observability\") name=list",
        "operation createObservabilityDestination POST /observability/destinations group=Some(\"Observability\") name=create",
        "operation getObservabilityDestination GET /observability/destinations/{id} group=Some(\"Observability\") name=get",
        "operation updateObservabilityDestination PATCH /observability/destinations/{id} group=Some(\"Observability\") name=update",
        "operation deleteObservabilityDestination DELETE /observability/destinations/{id} group=Some(\"Observability\") name=delete",
        "  param query limit name=limit type=Int(I64) required=false nullable=false default=50 style=form explode=true global=None [maximum=100 minimum=1]",
        "  param query offset name=offset type=Int(I64) required=false nullable=true default=0 style=form explode=true global=None [minimum=0]",
        "  param header X-OpenRouter-Title name=app_title type=String required=false nullable=false default=- style=simple explode=false global=Some(\"app_title\")",
        "  response 409 application/json type=ConflictResponse",
        "    otel-collector => ObservabilityOtelCollectorDestination (OtelCollector)",
        "global app_categories header X-OpenRouter-Categories env=X_OPEN_ROUTER_CATEGORIES",
    ] {
        assert!(c.contains(needle), "missing from the contract: {needle}\n{c}");
    }
    assert_eq!(c.matches("\n    ").count(), 17, "17 destination kinds");
}
