//! Client configuration, headers, paths and tracing, seen from a server on
//! 127.0.0.1.

use openrouter_observability::{Client, Error};
use serde_json::json;
use tests::http::{self, KEY, Reply};
use wiremock::MockServer;

async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut r = server.received_requests().await.unwrap();
    assert_eq!(r.len(), 1);
    r.remove(0)
}

#[tokio::test]
async fn requests_carry_the_key_accept_and_user_agent() {
    let (server, _) = http::serve(vec![Reply::json(200, http::one(1))]).await;
    http::client(&server.uri()).observability().get("99999999-aaaa-bbbb-cccc-000000000001").send().await.unwrap();
    let r = only_request(&server).await;
    assert_eq!(r.method.as_str(), "GET");
    assert_eq!(r.url.path(), "/observability/destinations/99999999-aaaa-bbbb-cccc-000000000001");
    assert_eq!(r.headers["authorization"], format!("Bearer {KEY}"));
    assert_eq!(r.headers["accept"], "application/json");
    assert_eq!(r.headers["user-agent"], "openrouter-observability-rust/0.1.0");
    assert!(r.headers.get("content-type").is_none(), "no body, no content type");
    for h in ["http-referer", "x-openrouter-title", "x-openrouter-categories"] {
        assert!(r.headers.get(h).is_none(), "{h} is sent only when set");
    }
}

#[tokio::test]
async fn a_key_that_has_its_scheme_is_sent_as_is() {
    let (server, _) = http::serve(vec![Reply::json(200, http::one(1))]).await;
    let client = http::builder(&server.uri()).api_key("bearer lower").build().unwrap();
    client.observability().get("x").send().await.unwrap();
    assert_eq!(only_request(&server).await.headers["authorization"], "bearer lower");
}

#[tokio::test]
async fn globals_from_the_builder_and_per_call_overrides() {
    let (server, _) = http::serve(vec![Reply::json(200, http::one(1))]).await;
    let client = http::builder(&server.uri())
        .http_referer("https://global.example")
        .app_title("Global Title")
        .app_categories("cli-agent,cloud-agent")
        .build()
        .unwrap();
    client.observability().get("x").app_title("Per Call Title").send().await.unwrap();
    client
        .observability()
        .get("x")
        .header("X-Extra", "1")
        .header("User-Agent", "custom-ua")
        .header("Accept", "text/plain")
        .send()
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    let h = &reqs[0].headers;
    assert_eq!(
        (h["http-referer"].to_str().unwrap(), h["x-openrouter-title"].to_str().unwrap()),
        ("https://global.example", "Per Call Title")
    );
    assert_eq!(h["x-openrouter-categories"], "cli-agent,cloud-agent");
    let h = &reqs[1].headers;
    assert_eq!(h["x-openrouter-title"], "Global Title");
    assert_eq!(h["x-extra"], "1");
    assert_eq!(h.get_all("user-agent").iter().collect::<Vec<_>>(), ["custom-ua"], "replaced, not doubled");
    assert_eq!(h["accept"], "text/plain");
}

/// Everything that reads the process environment, in one test so no other
/// test sees it changed.
#[tokio::test]
async fn the_environment_supplies_the_key_and_globals() {
    let (server, _) = http::serve(vec![Reply::json(200, http::one(1))]).await;
    let vars = [
        ("OPENROUTER_API_KEY", "sk-from-env"),
        ("OPENROUTER_HTTP_REFERER", "https://env.example"),
        ("OPENROUTER_X_OPEN_ROUTER_TITLE", "Env Title"),
        ("OPENROUTER_X_OPEN_ROUTER_CATEGORIES", "env-cat"),
    ];
    for (k, v) in vars {
        // SAFETY: this is the only test in this binary that touches the environment.
        unsafe { std::env::set_var(k, v) };
    }
    let from_env = Client::builder().base_url(server.uri()).build();
    let ignoring = Client::builder().base_url(server.uri()).ignore_environment().build();
    for (k, _) in vars {
        // SAFETY: as above.
        unsafe { std::env::remove_var(k) };
    }
    let client = from_env.unwrap();
    client.observability().get("x").send().await.unwrap();
    let r = only_request(&server).await;
    assert_eq!(r.headers["authorization"], "Bearer sk-from-env");
    assert_eq!(r.headers["http-referer"], "https://env.example");
    assert_eq!(r.headers["x-openrouter-title"], "Env Title");
    assert_eq!(r.headers["x-openrouter-categories"], "env-cat");

    let err = ignoring.unwrap_err();
    assert!(err.to_string().contains("no API key"), "{err}");
    assert!(err.to_string().contains("OPENROUTER_API_KEY"), "{err}");
    assert!(Client::builder().build().is_err(), "no key anywhere: a clear error at build()");
}

#[tokio::test]
async fn the_base_url_takes_a_path_and_a_trailing_slash() {
    let (server, _) = http::serve(vec![Reply::json(200, http::page(0, 1, 1))]).await;
    let client = http::builder(&format!("{}/api/v1/", server.uri())).build().unwrap();
    client.observability().list().send().await.unwrap();
    let r = only_request(&server).await;
    assert_eq!(r.url.path(), "/api/v1/observability/destinations");
    assert_eq!(r.url.query(), Some("offset=0&limit=50"), "the documented defaults are sent");

    let default = Client::builder().api_key("k").ignore_environment().build().unwrap();
    assert!(format!("{default:?}").contains("https://openrouter.ai/api/v1"), "{default:?}");
    for bad in ["not a url", "ftp://example.com", "/relative"] {
        let err = Client::builder().api_key("k").ignore_environment().base_url(bad).build().unwrap_err();
        assert!(err.to_string().contains("base URL"), "{bad}: {err}");
    }
}

#[tokio::test]
async fn debug_output_never_shows_the_key() {
    let builder = Client::builder().api_key("sk-or-very-secret").ignore_environment();
    assert!(!format!("{builder:?}").contains("sk-or-very-secret"));
    let client = builder.build().unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("sk-or-very-secret"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    let call = client.observability().get("x").header("Authorization", "Bearer other-secret");
    assert!(!format!("{call:?}").contains("other-secret"), "{call:?}");
}

#[tokio::test]
async fn path_parameters_are_one_encoded_segment() {
    let (server, _) = http::serve(vec![Reply::json(404, http::error_body(404, "Resource not found"))]).await;
    let client = http::client(&server.uri());
    for id in ["a/b?x#y", "a b", "ünï"] {
        client.observability().get(id).send().await.unwrap_err();
    }
    let id = uuid::Uuid::parse_str("99999999-aaaa-bbbb-cccc-000000000001").unwrap();
    client.observability().get(id).send().await.unwrap_err();
    let paths: Vec<String> =
        server.received_requests().await.unwrap().iter().map(|r| r.url.path().to_owned()).collect();
    assert_eq!(
        paths,
        [
            "/observability/destinations/a%2Fb%3Fx%23y",
            "/observability/destinations/a%20b",
            "/observability/destinations/%C3%BCn%C3%AF",
            "/observability/destinations/99999999-aaaa-bbbb-cccc-000000000001",
        ]
    );
    let queries: Vec<Option<String>> =
        server.received_requests().await.unwrap().iter().map(|r| r.url.query().map(str::to_owned)).collect();
    assert!(queries.iter().all(Option::is_none), "nothing leaked into a query: {queries:?}");
}

#[tokio::test]
async fn invalid_inputs_fail_before_anything_is_sent() {
    let (server, _) = http::serve(vec![Reply::json(200, http::one(1))]).await;
    let client = http::client(&server.uri());
    let err = client.observability().get("").send().await.unwrap_err();
    assert!(matches!(err, Error::Build(_)) && err.to_string().contains("path parameter `id` is empty"), "{err}");
    let err = client.observability().get("x").header("bad header", "v").send().await.unwrap_err();
    assert!(matches!(err, Error::Build(_)), "{err}");
    let err = client.observability().get("x").app_title("line\nbreak").send().await.unwrap_err();
    assert!(matches!(err, Error::Build(_)) && err.to_string().contains("X-OpenRouter-Title"), "{err}");
    let err = client.observability().create(json!([1, 2]), "n", "langfuse").send().await.unwrap_err();
    assert!(err.to_string().contains("`config` expected a JSON object"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_caller_supplied_reqwest_client_is_used() {
    let (server, _) = http::serve(vec![Reply::json(200, http::one(1))]).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-from-own-client", "yes".parse().unwrap());
    let own = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let client = http::builder(&server.uri()).http_client(own).build().unwrap();
    client.observability().get("x").send().await.unwrap();
    assert_eq!(only_request(&server).await.headers["x-from-own-client"], "yes");
}
