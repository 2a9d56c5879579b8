//! Updating: set, clear (send `null`) where the API allows it, or leave alone.
use openrouter_observability::Client;

async fn update(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    client
        .observability()
        .update("99999999-aaaa-bbbb-cccc-dddddddddddd")
        .name("Renamed")
        .enabled(true)
        .config(serde_json::json!({"secretKey": "sk-new"}))
        .clear_api_key_hashes()
        .clear_filter_rules()
        .send()
        .await?;
    Ok(())
}

fn main() {
    let _ = update;
}
