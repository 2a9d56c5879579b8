//! Offset/limit pagination against a server on 127.0.0.1.

use openrouter_observability::RetryConfig;
use tests::http::{self, Reply, page};
use wiremock::MockServer;

async fn queries(server: &MockServer) -> Vec<String> {
    server.received_requests().await.unwrap().iter().map(|r| r.url.query().unwrap_or("").to_owned()).collect()
}

fn ids(items: &[openrouter_observability::types::ObservabilityDestination]) -> Vec<String> {
    items
        .iter()
        .map(|d| match d {
            openrouter_observability::types::ObservabilityDestination::Langfuse(l) => l.id.to_string(),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn seven_items_with_limit_three_take_three_requests() {
    let (server, _) = http::serve(vec![
        Reply::json(200, page(0, 3, 7)),
        Reply::json(200, page(3, 6, 7)),
        Reply::json(200, page(6, 7, 7)),
    ])
    .await;
    let client = http::client(&server.uri());
    let items = client.observability().list().limit(3).into_stream().try_collect().await.unwrap();
    assert_eq!(items.len(), 7);
    assert_eq!(ids(&items)[6], "99999999-aaaa-bbbb-cccc-000000000006");
    assert_eq!(queries(&server).await, ["offset=0&limit=3", "offset=3&limit=3", "offset=6&limit=3"]);
}

#[tokio::test]
async fn an_exact_multiple_of_the_limit_costs_no_extra_request() {
    let (server, _) = http::serve(vec![Reply::json(200, page(0, 3, 6)), Reply::json(200, page(3, 6, 6))]).await;
    let client = http::client(&server.uri());
    let items = client.observability().list().limit(3).into_stream().try_collect().await.unwrap();
    assert_eq!(items.len(), 6);
    assert_eq!(queries(&server).await, ["offset=0&limit=3", "offset=3&limit=3"], "total_count ends it");
}

#[tokio::test]
async fn pages_one_at_a_time_with_next() {
    let (server, _) = http::serve(vec![Reply::json(200, page(2, 5, 7)), Reply::json(200, page(5, 7, 7))]).await;
    let client = http::client(&server.uri());
    let first = client.observability().list().offset(2).limit(3).send().await.unwrap();
    assert_eq!(first.items().len(), 3);
    assert_eq!(first.total_count, 7, "the page derefs to the body");
    assert!(first.has_next());
    let second = first.next().await.unwrap().expect("a second page");
    assert_eq!(ids(second.items()), ["99999999-aaaa-bbbb-cccc-000000000005", "99999999-aaaa-bbbb-cccc-000000000006"]);
    assert!(!second.has_next(), "offset 7 reaches the total");
    assert!(second.next().await.unwrap().is_none());
    assert_eq!(queries(&server).await, ["offset=2&limit=3", "offset=5&limit=3"], "a start offset is kept");
}

#[tokio::test]
async fn a_short_page_or_an_empty_page_ends_the_walk() {
    // 2 of limit 3 although total_count says 7: the server has no more.
    let (server, _) = http::serve(vec![Reply::json(200, page(0, 2, 7))]).await;
    let client = http::client(&server.uri());
    let first = client.observability().list().limit(3).send().await.unwrap();
    assert!(first.next().await.unwrap().is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // No total: an empty page ends it.
    let (server, _) = http::serve(vec![
        Reply::json(200, serde_json::json!({"data": [http::destination(0)], "total_count": 9})),
        Reply::json(200, serde_json::json!({"data": [], "total_count": 9})),
    ])
    .await;
    let client = http::client(&server.uri());
    let items = client.observability().list().limit(1).into_stream().try_collect().await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(queries(&server).await, ["offset=0&limit=1", "offset=1&limit=1"]);
}

#[tokio::test]
async fn filters_headers_and_settings_carry_over_to_every_page() {
    let ws = "550e8400-e29b-41d4-a716-446655440000";
    let (server, _) = http::serve(vec![
        Reply::json(200, page(0, 2, 4)),
        Reply::json(503, http::error_body(503, "busy")),
        Reply::json(200, page(2, 4, 4)),
    ])
    .await;
    let client = http::client(&server.uri());
    let items = client
        .observability()
        .list()
        .limit(2)
        .workspace_id(ws)
        .header("X-Trace", "abc")
        .app_title("Pager")
        .retry_config(http::fast_retries())
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 4, "the 503 on page 2 was retried with the call's retry policy");
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        assert_eq!(r.url.query_pairs().find(|(k, _)| k == "workspace_id").unwrap().1, ws);
        assert_eq!(r.url.query_pairs().find(|(k, _)| k == "limit").unwrap().1, "2");
        assert_eq!(r.headers["x-trace"], "abc");
        assert_eq!(r.headers["x-openrouter-title"], "Pager");
    }
}

#[tokio::test]
async fn without_offset_and_limit_the_default_limit_paces_the_pages() {
    let ws = "550e8400-e29b-41d4-a716-446655440000";
    let (server, _) = http::serve(vec![Reply::json(200, page(0, 50, 60)), Reply::json(200, page(50, 60, 60))]).await;
    let client = http::client(&server.uri());
    let first = client.observability().list().unset_offset().unset_limit().workspace_id(ws).send().await.unwrap();
    let second = first.next().await.unwrap().unwrap();
    assert_eq!(second.items().len(), 10);
    assert_eq!(queries(&server).await, [format!("workspace_id={ws}"), format!("offset=50&workspace_id={ws}")]);
}

#[tokio::test]
async fn an_error_on_a_later_page_is_returned_by_the_stream() {
    let (server, _) =
        http::serve(vec![Reply::json(200, page(0, 2, 4)), Reply::json(401, http::error_body(401, "no"))]).await;
    let client = http::client(&server.uri());
    let mut stream = client.observability().list().limit(2).retry_config(RetryConfig::none()).into_stream();
    assert!(stream.next().await.unwrap().is_ok());
    assert!(stream.next().await.unwrap().is_ok());
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(stream.next().await.is_none(), "the stream ends after an error");
}

#[tokio::test]
async fn the_stream_is_a_futures_stream() {
    use futures_util::StreamExt;
    let (server, _) = http::serve(vec![Reply::json(200, page(0, 3, 3))]).await;
    let client = http::client(&server.uri());
    let got: Vec<_> = client.observability().list().into_stream().collect().await;
    assert_eq!(got.len(), 3);
}
