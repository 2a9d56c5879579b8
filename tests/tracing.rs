//! Tracing: a span per attempt with the request's shape; never the key, and
//! bodies only when asked for, with credentials masked. In a test binary of
//! its own: `tracing` caches which call sites are enabled process-wide.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::json;
use tests::http::{self, KEY, Reply};

/// Collects what `tracing` writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// The process-wide subscriber, writing to one buffer.
fn output() -> &'static Captured {
    static OUT: OnceLock<Captured> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(out.clone())
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        out
    })
}

async fn traced(log_bodies: bool) -> String {
    let out = output();
    out.0.lock().unwrap().clear();
    let mut body = http::one(1);
    body["data"]["config"]["secretKey"] = json!("sk-l-live-secret");
    let (server, _) = http::serve(vec![Reply::json(503, http::error_body(503, "busy")), Reply::json(200, body)]).await;
    let client =
        http::builder(&server.uri()).retry_config(http::fast_retries()).log_bodies(log_bodies).build().unwrap();
    client
        .observability()
        .create(json!({"publicKey": "pk", "secretKey": "sk-sent-secret"}), "n", "langfuse")
        .send()
        .await
        .unwrap_err();
    client.observability().update("99999999-aaaa-bbbb-cccc-000000000001").name("n").send().await.unwrap();
    String::from_utf8(out.0.lock().unwrap().clone()).unwrap()
}

#[tokio::test]
async fn tracing_spans_name_the_request_and_never_the_key() {
    let log = traced(false).await;
    assert!(log.contains("http_request{operation=\"createObservabilityDestination\" method=POST path=\"/observability/destinations\" attempt=1"), "{log}");
    assert!(
        log.contains("path=\"/observability/destinations/{id}\" attempt=1 status=200"),
        "the path template and the status: {log}"
    );
    assert!(!log.contains(KEY), "{log}");
    assert!(
        !log.contains("sk-sent-secret") && !log.contains("sk-l-live-secret") && !log.contains("\"pk\""),
        "no bodies by default: {log}"
    );

    let log = traced(true).await;
    assert!(log.contains("request body"), "{log}");
    assert!(log.contains("publicKey"), "bodies when asked for: {log}");
    assert!(
        !log.contains(KEY) && !log.contains("sk-sent-secret") && !log.contains("sk-l-live-secret"),
        "credentials masked: {log}"
    );
}
