//! Retries, backoff, `Retry-After`, budgets and timeouts, against servers on
//! 127.0.0.1. Timing assertions use wide bounds: a wait must be at least what
//! was asked for, and not absurdly longer.

use std::time::{Duration, Instant};

use openrouter_observability::error::TransportErrorKind;
use openrouter_observability::{Error, RetryConfig};
use serde_json::json;
use tests::http::{self, Reply, error_body, fast_retries};

fn busy() -> Reply {
    Reply::json(503, error_body(503, "boom 503"))
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

#[tokio::test]
async fn two_503s_then_success_waits_the_backoff() {
    let (server, arrivals) = http::serve(vec![busy(), busy(), Reply::json(200, http::one(1))]).await;
    let client = http::builder(&server.uri()).retry_config(fast_retries()).build().unwrap();
    let r = client.observability().get("99999999-aaaa-bbbb-cccc-000000000001").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let gaps = http::gaps(&arrivals);
    assert_eq!(gaps.len(), 2, "3 requests");
    assert!((95..700).contains(&ms(gaps[0])), "first wait ~100 ms: {gaps:?}");
    assert!((190..900).contains(&ms(gaps[1])), "second wait ~200 ms: {gaps:?}");
}

#[tokio::test]
async fn jitter_only_shortens_waits() {
    let (server, arrivals) = http::serve(vec![busy(), busy(), busy(), Reply::json(200, http::one(1))]).await;
    let cfg = fast_retries().with_jitter(0.5);
    let client = http::builder(&server.uri()).retry_config(cfg).build().unwrap();
    client.observability().get("x").send().await.unwrap();
    for (gap, nominal) in http::gaps(&arrivals).iter().zip([100u128, 200, 400]) {
        assert!(ms(*gap) + 5 >= nominal / 2 && ms(*gap) < nominal + 500, "{gap:?} for a nominal {nominal} ms");
    }
}

#[tokio::test]
async fn the_default_policy_comes_from_the_spec() {
    // 500 ms ×1.5 with jitter, 3 attempts: one 503 then success.
    let (server, arrivals) = http::serve(vec![busy(), Reply::json(200, http::one(1))]).await;
    let client = openrouter_observability::Client::builder()
        .api_key(http::KEY)
        .base_url(server.uri())
        .ignore_environment()
        .build()
        .unwrap();
    client.observability().get("x").send().await.unwrap();
    let gap = http::gaps(&arrivals)[0];
    assert!((245..1200).contains(&ms(gap)), "half to all of 500 ms: {gap:?}");
}

#[tokio::test]
async fn retry_after_is_honoured_in_every_form() {
    // The date first: it is computed now, and whole seconds only.
    let cases: Vec<(Reply, u128, u128)> = vec![
        (
            busy()
                .header("Retry-After", &httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2))),
            900,
            2600,
        ),
        (busy().header("Retry-After", "1"), 990, 1600),
        (busy().header("retry-after-ms", "250").header("Retry-After", "2"), 245, 900),
        (busy().header("Retry-After", "0"), 95, 700),
        (busy().header("Retry-After", "soon"), 95, 700),
    ];
    for (reply, lo, hi) in cases {
        let (server, arrivals) = http::serve(vec![reply.clone(), Reply::json(200, http::one(1))]).await;
        let client = http::builder(&server.uri()).retry_config(fast_retries()).build().unwrap();
        client.observability().get("x").send().await.unwrap();
        let gap = ms(http::gaps(&arrivals)[0]);
        assert!((lo..hi).contains(&gap), "{:?}: waited {gap} ms", reply.headers);
    }
}

#[tokio::test]
async fn retry_after_is_capped() {
    let (server, arrivals) =
        http::serve(vec![busy().header("Retry-After", "30"), Reply::json(200, http::one(1))]).await;
    let cfg = fast_retries().with_max_retry_after(Duration::from_millis(300));
    let client = http::builder(&server.uri()).retry_config(cfg).build().unwrap();
    client.observability().get("x").send().await.unwrap();
    let gap = ms(http::gaps(&arrivals)[0]);
    assert!((295..1000).contains(&gap), "capped at 300 ms: {gap}");
}

#[tokio::test]
async fn the_budget_stops_retrying_without_overshooting() {
    let (server, _) = http::serve(vec![busy()]).await;
    let cfg = fast_retries().with_max_elapsed(Duration::from_millis(700));
    let client = http::builder(&server.uri()).retry_config(cfg).build().unwrap();
    let start = Instant::now();
    let err = client.observability().get("x").send().await.unwrap_err();
    let took = start.elapsed();
    // 0, 100, 300 ms; a fourth attempt would start at 700 ms, past the budget once requests take any time.
    let n = server.received_requests().await.unwrap().len();
    assert!((3..=4).contains(&n), "{n} attempts");
    assert!(took < Duration::from_millis(700) + Duration::from_millis(400), "{took:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "the last response is the error");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn the_attempt_cap_stops_retrying() {
    let (server, _) = http::serve(vec![busy()]).await;
    let client = http::builder(&server.uri()).retry_config(fast_retries().with_max_attempts(2)).build().unwrap();
    client.observability().get("x").send().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400u16, 401, 403, 404, 409, 422] {
        let (server, _) = http::serve(vec![Reply::json(status, error_body(status, "no"))]).await;
        let client = http::builder(&server.uri()).retry_config(fast_retries()).build().unwrap();
        client.observability().get("x").send().await.unwrap_err();
        assert_eq!(server.received_requests().await.unwrap().len(), 1, "{status}");
    }
}

#[tokio::test]
async fn rate_limits_are_retried_even_for_posts() {
    let (server, _) =
        http::serve(vec![Reply::json(429, error_body(429, "slow down")), Reply::json(201, http::one(1))]).await;
    let client = http::builder(&server.uri()).retry_config(fast_retries()).build().unwrap();
    client.observability().create(json!({}), "n", "langfuse").send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_post_is_not_retried_where_it_may_have_been_processed() {
    let (server, _) =
        http::serve(vec![Reply::json(500, error_body(500, "boom")), Reply::json(201, http::one(1))]).await;
    let client = http::builder(&server.uri()).retry_config(fast_retries()).build().unwrap();
    let err = client.observability().create(json!({}), "n", "langfuse").send().await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 500);
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "POST on 500: not retried");

    let (server, _) =
        http::serve(vec![Reply::json(502, error_body(502, "boom")), Reply::json(200, http::one(1))]).await;
    let client = http::builder(&server.uri()).retry_config(fast_retries()).build().unwrap();
    client.observability().update("x").name("n").send().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "PATCH on 502: not retried");

    // 503 says the request was not processed: safe to retry.
    let (server, _) = http::serve(vec![busy(), Reply::json(201, http::one(1))]).await;
    let client = http::builder(&server.uri()).retry_config(fast_retries()).build().unwrap();
    client.observability().create(json!({}), "n", "langfuse").send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // Opting in retries everything.
    let (server, _) =
        http::serve(vec![Reply::json(500, error_body(500, "boom")), Reply::json(201, http::one(1))]).await;
    let client =
        http::builder(&server.uri()).retry_config(fast_retries().with_retry_non_idempotent(true)).build().unwrap();
    client.observability().create(json!({}), "n", "langfuse").send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn per_call_settings_override_the_client() {
    let (server, _) = http::serve(vec![busy(), Reply::json(200, http::one(1))]).await;
    let client = http::builder(&server.uri()).retry_config(fast_retries()).build().unwrap();
    let err = client.observability().get("x").retry_config(RetryConfig::none()).send().await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    client.observability().get("x").send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "the client's policy otherwise");
}

#[tokio::test]
async fn a_dropped_connection_is_retried_when_safe() {
    let (uri, seen) = http::closing_server(1, Some((200, http::one(1)))).await;
    let client = http::builder(&uri).retry_config(fast_retries()).build().unwrap();
    client.observability().get("x").send().await.unwrap();
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 2, "dropped once, then answered");

    let (uri, seen) = http::closing_server(5, None).await;
    let client = http::builder(&uri).retry_config(fast_retries()).build().unwrap();
    let err = client.observability().create(json!({}), "n", "langfuse").send().await.unwrap_err();
    let Error::Transport(t) = &err else { panic!("{err:?}") };
    assert_eq!(t.kind(), TransportErrorKind::ConnectionClosed);
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1, "a POST that may have arrived is not repeated");
    assert!(err.to_string().contains("connection closed before a response"), "{err}");
}

#[tokio::test]
async fn a_server_slower_than_the_timeout() {
    let slow = || Reply::json(200, http::one(1)).delay(Duration::from_secs(2));
    let (server, _) = http::serve(vec![slow()]).await;
    let client = http::builder(&server.uri()).timeout(Duration::from_millis(200)).build().unwrap();
    let start = Instant::now();
    let err = client.observability().get("x").send().await.unwrap_err();
    assert!(start.elapsed() < Duration::from_millis(1500), "{:?}", start.elapsed());
    let Error::Transport(t) = &err else { panic!("{err:?}") };
    assert_eq!(t.kind(), TransportErrorKind::Timeout);
    assert!(
        err.to_string().starts_with("getObservabilityDestination: timed out waiting for http://127.0.0.1:"),
        "{err}"
    );

    // Timed out once, retried, then answered in time (the per-call timeout wins).
    let (server, _) = http::serve(vec![slow(), Reply::json(200, http::one(1))]).await;
    let client = http::builder(&server.uri()).retry_config(fast_retries()).build().unwrap();
    client.observability().get("x").timeout(Duration::from_millis(200)).send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn connection_refused_is_retried_within_the_budget() {
    let uri = http::closed_port();
    let cfg = fast_retries().with_max_elapsed(Duration::from_millis(600));
    let client = http::builder(&uri).retry_config(cfg.clone()).build().unwrap();
    let start = Instant::now();
    let err = client.observability().create(json!({}), "n", "langfuse").send().await.unwrap_err();
    let Error::Transport(t) = &err else { panic!("{err:?}") };
    assert_eq!(t.kind(), TransportErrorKind::Connect);
    assert!(t.attempts() >= 3, "refused connections are safe to retry, even for POST: {}", t.attempts());
    assert!(start.elapsed() < Duration::from_millis(1000), "{:?}", start.elapsed());

    let client = http::builder(&uri).retry_config(cfg.with_retry_connection_errors(false)).build().unwrap();
    let Error::Transport(t) = client.observability().get("x").send().await.unwrap_err() else { panic!() };
    assert_eq!(t.attempts(), 1);
}

#[tokio::test]
async fn a_tls_failure_is_its_own_kind_and_not_retried() {
    // HTTPS to a plain-HTTP server: the handshake fails.
    let (server, _) = http::serve(vec![Reply::json(200, http::one(1))]).await;
    let https = server.uri().replace("http://", "https://");
    let client = http::builder(&https).retry_config(fast_retries()).build().unwrap();
    let err = client.observability().get("x").send().await.unwrap_err();
    let Error::Transport(t) = &err else { panic!("{err:?}") };
    assert_eq!(t.kind(), TransportErrorKind::Tls, "{err}");
    assert_eq!(t.attempts(), 1, "another try cannot fix a handshake");
    assert!(!err.is_retryable());
}
