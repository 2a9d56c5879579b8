//! Configuring a client.
use std::time::Duration;

use openrouter_observability::{Client, RetryConfig};

fn main() {
    let built = Client::builder()
        .api_key("sk-or-example")
        .base_url("https://openrouter.ai/api/v1")
        .http_referer("https://example.com")
        .app_title("Example")
        .app_categories("cli-agent")
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(5))
        .retry_config(RetryConfig::standard().with_max_attempts(5).with_max_elapsed(Duration::from_secs(60)))
        .user_agent("example/1.0")
        .http_client(reqwest::Client::new())
        .log_bodies(false)
        .ignore_environment()
        .build();
    let client: Client = built.expect("a key was given");
    let _ = format!("{client:?}");
}
