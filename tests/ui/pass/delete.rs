//! Deleting, with per-call settings.
use std::time::Duration;

use openrouter_observability::{Client, RetryConfig};

async fn delete(client: &Client) -> Result<bool, Box<dyn std::error::Error>> {
    let r = client
        .observability()
        .delete("99999999-aaaa-bbbb-cccc-dddddddddddd")
        .retry_config(RetryConfig::none())
        .timeout(Duration::from_secs(5))
        .header("X-Request-Id", "abc")
        .send()
        .await?;
    Ok(r.deleted)
}

fn main() {
    let _ = delete;
}
