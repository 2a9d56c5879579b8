//! The baseline the generated client is measured against: what a careful
//! person writes by hand with `reqwest` and `serde` for the same requests
//! (typed structs for the destination kinds the benchmark pages hold, an
//! internally tagged enum for the kinds, strings for small enums).

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
pub struct Page {
    pub data: Vec<Destination>,
    pub total_count: i64,
}

#[derive(Debug, Deserialize)]
pub struct One {
    pub data: Destination,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Destination {
    Langfuse(Common<LangfuseConfig>),
    Webhook(Common<WebhookConfig>),
    Datadog(Common<DatadogConfig>),
    S3(Common<S3Config>),
}

#[derive(Debug, Deserialize)]
pub struct Common<C> {
    pub id: uuid::Uuid,
    pub workspace_id: uuid::Uuid,
    pub name: Option<String>,
    pub enabled: bool,
    pub privacy_mode: bool,
    pub broadcast_generation_cost: bool,
    pub broadcast_generation_identity: bool,
    pub broadcast_generation_request_context: bool,
    pub sampling_rate: f64,
    pub api_key_hashes: Option<Vec<String>>,
    pub filter_rules: Option<FilterRules>,
    pub created_at: String,
    pub updated_at: String,
    pub config: C,
}

#[derive(Debug, Deserialize)]
pub struct FilterRules {
    pub groups: Vec<Group>,
    #[serde(default)]
    pub enabled: bool,
}

#[derive(Debug, Deserialize)]
pub struct Group {
    pub rules: Vec<Rule>,
    pub logic: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Rule {
    pub field: String,
    pub operator: String,
    pub value: Option<RuleValue>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RuleValue {
    String(String),
    Number(f64),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LangfuseConfig {
    pub secret_key: String,
    pub public_key: String,
    pub base_url: String,
    pub headers: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
pub struct WebhookConfig {
    pub url: String,
    pub method: String,
    pub headers: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatadogConfig {
    pub api_key: String,
    pub ml_app: String,
    pub url: String,
    pub headers: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Config {
    pub bucket_name: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub prefix: Option<String>,
    pub path_template: Option<String>,
    pub headers: Option<std::collections::BTreeMap<String, String>>,
}

/// The body of a create, with the defaults the official SDK sends (and so
/// the generated client too): both clients send the same bytes.
#[derive(Serialize)]
pub struct CreateRequest<'a> {
    pub config: &'a serde_json::Value,
    pub name: &'a str,
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub broadcast_generation_cost: bool,
    pub broadcast_generation_identity: bool,
    pub broadcast_generation_request_context: bool,
    pub enabled: bool,
    pub privacy_mode: bool,
}

impl<'a> CreateRequest<'a> {
    pub fn new(config: &'a serde_json::Value, name: &'a str, kind: &'a str) -> Self {
        CreateRequest {
            config,
            name,
            kind,
            broadcast_generation_cost: false,
            broadcast_generation_identity: false,
            broadcast_generation_request_context: false,
            enabled: true,
            privacy_mode: false,
        }
    }
}

/// The hand-written client: a `reqwest::Client`, a base URL and a key.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub auth: String,
}

impl Client {
    pub fn new(base: &str, key: &str) -> Client {
        let http = reqwest::Client::builder()
            .user_agent("handwritten/0.1")
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("client");
        Client { http, base: base.to_owned(), auth: format!("Bearer {key}") }
    }

    pub async fn get(&self, id: &str) -> Result<One, Box<dyn std::error::Error>> {
        self.send(self.http.get(format!("{}/observability/destinations/{id}", self.base)), 200).await
    }

    pub async fn list(&self, limit: u32) -> Result<Page, Box<dyn std::error::Error>> {
        let url = format!("{}/observability/destinations?offset=0&limit={limit}", self.base);
        self.send(self.http.get(url), 200).await
    }

    pub async fn create(&self, body: &CreateRequest<'_>) -> Result<One, Box<dyn std::error::Error>> {
        let request = self
            .http
            .post(format!("{}/observability/destinations", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(serde_json::to_vec(body)?);
        self.send(request, 201).await
    }

    /// Sends with the key, expects `status` and decodes the body.
    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        status: u16,
    ) -> Result<T, Box<dyn std::error::Error>> {
        let r = request
            .header(reqwest::header::AUTHORIZATION, &self.auth)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await?;
        if r.status() != status {
            return Err(format!("status {}", r.status()).into());
        }
        Ok(serde_json::from_slice(&r.bytes().await?)?)
    }
}

/// A destination of one of the four kinds, as the server sends it.
pub fn destination(i: usize) -> serde_json::Value {
    let kind = ["langfuse", "webhook", "datadog", "s3"][i % 4];
    let config = match kind {
        "langfuse" => {
            serde_json::json!({"secretKey": "sk-l...AbCd", "publicKey": "pk-l...EfGh", "baseUrl": "https://us.cloud.langfuse.com"})
        }
        "webhook" => {
            serde_json::json!({"url": "https://hooks.example.com/traces", "method": "POST", "headers": {"X-Team": "ml"}})
        }
        "datadog" => serde_json::json!({"apiKey": "dd-...1234", "mlApp": "chat", "url": "https://api.datadoghq.com"}),
        _ => {
            serde_json::json!({"bucketName": "traces", "accessKeyId": "AKIA...", "secretAccessKey": "wJal...", "region": "us-east-1"})
        }
    };
    let filter = if i % 3 == 0 {
        serde_json::json!({"enabled": true, "groups": [{"logic": "and", "rules": [
            {"field": "model", "operator": "equals", "value": "openai/gpt-4o"},
            {"field": "total_cost", "operator": "gt", "value": 0.01}
        ]}]})
    } else {
        serde_json::Value::Null
    };
    serde_json::json!({
        "id": format!("99999999-aaaa-bbbb-cccc-{i:012}"),
        "workspace_id": "11111111-2222-3333-4444-555555555555",
        "name": format!("Destination {i}"),
        "type": kind,
        "enabled": true,
        "privacy_mode": i % 2 == 0,
        "broadcast_generation_cost": false,
        "broadcast_generation_identity": true,
        "broadcast_generation_request_context": false,
        "sampling_rate": 0.5,
        "api_key_hashes": if i % 5 == 0 { serde_json::json!(["a1b2c3", "d4e5f6"]) } else { serde_json::Value::Null },
        "filter_rules": filter,
        "created_at": "2025-08-24T10:30:00Z",
        "updated_at": "2025-08-24T10:30:00Z",
        "config": config,
    })
}

/// A page of `n` destinations as JSON bytes.
pub fn page(n: usize) -> Vec<u8> {
    let data: Vec<serde_json::Value> = (0..n).map(destination).collect();
    serde_json::to_vec(&serde_json::json!({"data": data, "total_count": n})).expect("serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both models read the benchmark's pages completely and agree.
    #[test]
    fn hand_written_and_generated_types_read_the_same_page() {
        let bytes = page(100);
        let hand: Page = serde_json::from_slice(&bytes).unwrap();
        let generated: openrouter_observability::types::ListObservabilityDestinationsResponse =
            serde_json::from_slice(&bytes).unwrap();
        assert_eq!(hand.data.len(), 100);
        assert_eq!(generated.data.len(), 100);
        for (h, g) in hand.data.iter().zip(&generated.data) {
            let (id, tag) = match h {
                Destination::Langfuse(c) => (c.id, "langfuse"),
                Destination::Webhook(c) => (c.id, "webhook"),
                Destination::Datadog(c) => (c.id, "datadog"),
                Destination::S3(c) => (c.id, "s3"),
            };
            assert_eq!(g.id(), Some(&id));
            assert_eq!(g.tag(), tag);
        }
    }
}
