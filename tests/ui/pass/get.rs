//! Getting one destination, by string or by UUID.
use openrouter_observability::Client;
use openrouter_observability::types::ObservabilityDestination;

async fn get(client: &Client, id: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
    let r = client.observability().get(id).app_title("Dashboard").send().await?;
    if let ObservabilityDestination::Langfuse(d) = &r.data {
        let _: &str = &d.config.base_url;
    }
    let _ = client.observability().get("99999999-aaaa-bbbb-cccc-dddddddddddd").send().await?.into_body();
    Ok(())
}

fn main() {
    let _ = get;
}
