use openrouter_observability::Client;
use openrouter_observability::types::ObservabilityFilterRuleGroupLogic;

fn main() {
    let client = Client::builder().api_key("k").build().unwrap();
    let _ = client.observability().create(serde_json::json!({}), "n", ObservabilityFilterRuleGroupLogic::And);
}
