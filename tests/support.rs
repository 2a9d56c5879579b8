//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// The project's own spec.
pub fn spec() -> PathBuf {
    root().join("spec/openrouter-observability.yaml")
}

/// A file from `../shared/reference/`, or `None` with a printed note when
/// this clone has no `../shared` (a user's clone; CI always has it).
pub fn shared_reference(name: &str) -> Option<PathBuf> {
    let path = root().join("../shared/reference").join(name);
    if path.exists() {
        Some(path)
    } else {
        println!("note: {} is absent; skipping the part of this test that reads it", path.display());
        None
    }
}

/// Reads a YAML or JSON file into a JSON value.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    codegen::load::parse_text(&text, path.extension().is_some_and(|e| e == "json"))
        .unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

/// Lines of `a` and `b` that differ, for readable assertion messages.
pub fn line_diff(a: &str, b: &str) -> String {
    let left: std::collections::BTreeSet<&str> = a.lines().collect();
    let right: std::collections::BTreeSet<&str> = b.lines().collect();
    let mut out = String::new();
    for l in left.difference(&right) {
        out.push_str(&format!("- {l}\n"));
    }
    for l in right.difference(&left) {
        out.push_str(&format!("+ {l}\n"));
    }
    out
}

/// HTTP servers on 127.0.0.1 for the client tests.
pub mod http {
    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use openrouter_observability::{Client, ClientBuilder, RetryConfig};
    use serde_json::{Value, json};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::any};

    /// The key the tests use.
    pub const KEY: &str = "sk-or-test-key";

    /// One canned response.
    #[derive(Clone, Debug)]
    pub struct Reply {
        pub status: u16,
        pub content_type: Option<String>,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
        pub delay: Option<Duration>,
    }

    impl Reply {
        pub fn json(status: u16, body: Value) -> Self {
            Reply {
                status,
                content_type: Some("application/json".into()),
                headers: Vec::new(),
                body: serde_json::to_vec(&body).unwrap(),
                delay: None,
            }
        }

        pub fn raw(status: u16, content_type: Option<&str>, body: &str) -> Self {
            Reply {
                status,
                content_type: content_type.map(str::to_owned),
                headers: Vec::new(),
                body: body.as_bytes().to_vec(),
                delay: None,
            }
        }

        pub fn header(mut self, name: &str, value: &str) -> Self {
            self.headers.push((name.into(), value.into()));
            self
        }

        pub fn delay(mut self, d: Duration) -> Self {
            self.delay = Some(d);
            self
        }

        fn template(&self) -> ResponseTemplate {
            let mut t = ResponseTemplate::new(self.status);
            t = match &self.content_type {
                Some(ct) => t.set_body_raw(self.body.clone(), ct),
                None => t.set_body_bytes(self.body.clone()),
            };
            for (k, v) in &self.headers {
                t = t.insert_header(k.as_str(), v.as_str());
            }
            if let Some(d) = self.delay {
                t = t.set_delay(d);
            }
            t
        }
    }

    /// Answers requests with the replies in order (the last one repeats), and
    /// records when each request arrived.
    pub struct Replay {
        replies: Mutex<VecDeque<Reply>>,
        last: Mutex<Option<Reply>>,
        pub arrivals: Arc<Mutex<Vec<Instant>>>,
    }

    impl Respond for Replay {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            self.arrivals.lock().unwrap().push(Instant::now());
            let next = self.replies.lock().unwrap().pop_front();
            let mut last = self.last.lock().unwrap();
            let reply = match next {
                Some(r) => {
                    *last = Some(r.clone());
                    r
                }
                None => last.clone().unwrap_or_else(|| Reply::raw(599, None, "no reply left")),
            };
            reply.template()
        }
    }

    /// A server that answers with `replies`; the arrival times are shared.
    pub async fn serve(replies: Vec<Reply>) -> (MockServer, Arc<Mutex<Vec<Instant>>>) {
        let server = MockServer::start().await;
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let replay = Replay { replies: Mutex::new(replies.into()), last: Mutex::new(None), arrivals: arrivals.clone() };
        Mock::given(any()).respond_with(replay).mount(&server).await;
        (server, arrivals)
    }

    /// The gaps between consecutive arrivals.
    pub fn gaps(arrivals: &Mutex<Vec<Instant>>) -> Vec<Duration> {
        let a = arrivals.lock().unwrap();
        a.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// A client for `uri`: test key, no environment, no retries.
    pub fn builder(uri: &str) -> ClientBuilder {
        Client::builder().api_key(KEY).base_url(uri).ignore_environment().retry_config(RetryConfig::none())
    }

    pub fn client(uri: &str) -> Client {
        builder(uri).build().unwrap()
    }

    /// A fast retry policy: 100 ms ×2 up to 1 s, no jitter.
    pub fn fast_retries() -> RetryConfig {
        RetryConfig::standard()
            .with_max_attempts(10)
            .with_initial_interval(Duration::from_millis(100))
            .with_multiplier(2.0)
            .with_max_interval(Duration::from_secs(1))
            .with_max_elapsed(Duration::from_secs(10))
            .with_jitter(0.0)
    }

    /// A langfuse destination numbered `i`.
    pub fn destination(i: usize) -> Value {
        json!({
            "id": format!("99999999-aaaa-bbbb-cccc-{i:012}"),
            "workspace_id": "550e8400-e29b-41d4-a716-446655440000",
            "name": format!("Production Langfuse {i}"),
            "enabled": true, "privacy_mode": false,
            "broadcast_generation_cost": false, "broadcast_generation_identity": false,
            "broadcast_generation_request_context": false, "sampling_rate": 1,
            "api_key_hashes": null, "filter_rules": null,
            "created_at": "2025-08-24T10:30:00Z", "updated_at": "2025-08-24T15:45:00Z",
            "type": "langfuse",
            "config": {"baseUrl": "https://us.cloud.langfuse.com", "publicKey": "pk-l...EfGh", "secretKey": "sk-l...AbCd"}
        })
    }

    /// `{"data": destination(i)}`.
    pub fn one(i: usize) -> Value {
        json!({ "data": destination(i) })
    }

    /// A page of destinations `from..to` out of `total`.
    pub fn page(from: usize, to: usize, total: usize) -> Value {
        json!({ "data": (from..to).map(destination).collect::<Vec<_>>(), "total_count": total })
    }

    /// The error envelope the API uses.
    pub fn error_body(status: u16, message: &str) -> Value {
        json!({ "error": { "code": status, "message": message } })
    }

    /// A server that reads each request and closes the connection without a
    /// response, `drops` times; afterwards it answers `reply` (status and
    /// JSON body). Returns its URL and how many connections it saw.
    pub async fn closing_server(drops: usize, reply: Option<(u16, Value)>) -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(AtomicUsize::new(0));
        let count = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else { return };
                let n = count.fetch_add(1, Ordering::SeqCst);
                let reply = reply.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    let mut head = Vec::new();
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(k) => head.extend_from_slice(&buf[..k]),
                        }
                    }
                    if n < drops {
                        return; // dropping the socket closes the connection
                    }
                    if let Some((status, body)) = reply {
                        let body = serde_json::to_vec(&body).unwrap();
                        let head = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = sock.write_all(head.as_bytes()).await;
                        let _ = sock.write_all(&body).await;
                    }
                });
            }
        });
        (format!("http://{addr}"), seen)
    }

    /// A URL where nothing listens.
    pub fn closed_port() -> String {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        drop(l);
        format!("http://{addr}")
    }
}

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
