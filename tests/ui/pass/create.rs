//! Creating: required inputs as arguments, optional ones as setters.
use openrouter_observability::types::{
    CreateObservabilityDestinationRequestType, ObservabilityFilterRuleGroup, ObservabilityFilterRuleGroupRule,
    ObservabilityFilterRuleGroupRuleField, ObservabilityFilterRuleGroupRuleOperator, ObservabilityFilterRulesConfigNullable,
};
use openrouter_observability::Client;

async fn create(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let rule = ObservabilityFilterRuleGroupRule::new(ObservabilityFilterRuleGroupRuleField::Model, ObservabilityFilterRuleGroupRuleOperator::Equals);
    let rules = ObservabilityFilterRulesConfigNullable::new(vec![ObservabilityFilterRuleGroup::new(vec![rule])]);
    let created = client
        .observability()
        .create(serde_json::json!({"publicKey": "pk", "secretKey": "sk"}), "Production", CreateObservabilityDestinationRequestType::Langfuse)
        .enabled(false)
        .sampling_rate(0.5)
        .api_key_hashes(["hash-1"])
        .filter_rules(rules)
        .workspace_id(uuid::Uuid::nil())
        .send()
        .await?;
    let _ = created.status();
    let _ = client.observability().create(serde_json::Map::new(), String::from("n"), "webhook").clear_filter_rules().unset_enabled();
    Ok(())
}

fn main() {
    let _ = create;
}
