//! Every response the client can get, against a server on 127.0.0.1: the
//! documented error statuses of every operation, undocumented ones, bodies
//! that are not what they say, and success bodies with newer values.

use openrouter_observability::error::{DecodeErrorKind, UnhandledError};
use openrouter_observability::operations::{
    create_observability_destination::CreateObservabilityDestinationError as CreateError,
    delete_observability_destination::DeleteObservabilityDestinationError as DeleteError,
    get_observability_destination::GetObservabilityDestinationError as GetError,
    list_observability_destinations::ListObservabilityDestinationsError as ListError,
    update_observability_destination::UpdateObservabilityDestinationError as UpdateError,
};
use openrouter_observability::types::ObservabilityDestination;
use openrouter_observability::{Client, Error};
use serde_json::json;
use tests::http::{self, Reply, error_body};

const STATUSES: [u16; 10] = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503];

/// Which variant an error is, as `"Variant(message)"`, and its status.
fn describe<E: std::fmt::Display>(e: &Error<E>, variant: impl Fn(&E) -> &'static str) -> (String, u16) {
    match e {
        Error::Service(s) => (format!("{}({})", variant(s.err()), s.err()), s.raw().status().as_u16()),
        other => panic!("expected a service error, got {other}"),
    }
}

async fn call(op: &str, client: &Client) -> (String, u16) {
    let o = client.observability();
    match op {
        "list" => describe(&o.list().send().await.unwrap_err(), |e| match e {
            ListError::BadRequest(_) => "BadRequest",
            ListError::Unauthorized(_) => "Unauthorized",
            ListError::InternalServerError(_) => "InternalServerError",
            ListError::Unhandled(_) => "Unhandled",
            _ => "other",
        }),
        "create" => describe(&o.create(json!({}), "n", "langfuse").send().await.unwrap_err(), |e| match e {
            CreateError::BadRequest(_) => "BadRequest",
            CreateError::Unauthorized(_) => "Unauthorized",
            CreateError::Forbidden(_) => "Forbidden",
            CreateError::Conflict(_) => "Conflict",
            CreateError::InternalServerError(_) => "InternalServerError",
            CreateError::Unhandled(_) => "Unhandled",
            _ => "other",
        }),
        "get" => describe(&o.get("x").send().await.unwrap_err(), |e| match e {
            GetError::Unauthorized(_) => "Unauthorized",
            GetError::NotFound(_) => "NotFound",
            GetError::InternalServerError(_) => "InternalServerError",
            GetError::Unhandled(_) => "Unhandled",
            _ => "other",
        }),
        "update" => describe(&o.update("x").name("n").send().await.unwrap_err(), |e| match e {
            UpdateError::BadRequest(_) => "BadRequest",
            UpdateError::Unauthorized(_) => "Unauthorized",
            UpdateError::Forbidden(_) => "Forbidden",
            UpdateError::NotFound(_) => "NotFound",
            UpdateError::Conflict(_) => "Conflict",
            UpdateError::InternalServerError(_) => "InternalServerError",
            UpdateError::Unhandled(_) => "Unhandled",
            _ => "other",
        }),
        "delete" => describe(&o.delete("x").send().await.unwrap_err(), |e| match e {
            DeleteError::Unauthorized(_) => "Unauthorized",
            DeleteError::NotFound(_) => "NotFound",
            DeleteError::InternalServerError(_) => "InternalServerError",
            DeleteError::Unhandled(_) => "Unhandled",
            _ => "other",
        }),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn every_status_of_every_operation_maps_to_its_variant() {
    // The statuses each operation documents, as the published contract lists them.
    let documented: &[(&str, &[(u16, &str)])] = &[
        ("list", &[(400, "BadRequest"), (401, "Unauthorized"), (500, "InternalServerError")]),
        (
            "create",
            &[
                (400, "BadRequest"),
                (401, "Unauthorized"),
                (403, "Forbidden"),
                (409, "Conflict"),
                (500, "InternalServerError"),
            ],
        ),
        ("get", &[(401, "Unauthorized"), (404, "NotFound"), (500, "InternalServerError")]),
        (
            "update",
            &[
                (400, "BadRequest"),
                (401, "Unauthorized"),
                (403, "Forbidden"),
                (404, "NotFound"),
                (409, "Conflict"),
                (500, "InternalServerError"),
            ],
        ),
        ("delete", &[(401, "Unauthorized"), (404, "NotFound"), (500, "InternalServerError")]),
    ];
    let replies = documented
        .iter()
        .flat_map(|_| {
            STATUSES.iter().map(|s| {
                Reply::json(*s, error_body(*s, &format!("boom {s}"))).header("X-Request-Id", &format!("req-{s}"))
            })
        })
        .collect();
    let (server, _) = http::serve(replies).await;
    let client = http::client(&server.uri());
    for (op, statuses) in documented {
        for status in STATUSES {
            let (got, code) = call(op, &client).await;
            let expected = match statuses.iter().find(|(s, _)| *s == status) {
                Some((_, v)) => format!("{v}(boom {status})"),
                None => format!("Unhandled(boom {status})"),
            };
            assert_eq!((got.as_str(), code), (expected.as_str(), status), "{op} {status}");
        }
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 50, "no retries with RetryConfig::none()");
}

#[tokio::test]
async fn a_typed_error_keeps_its_body_headers_and_status() {
    let body =
        json!({"error": {"code": 404, "message": "Resource not found", "metadata": {"k": "v"}}, "user_id": "u1"});
    let (server, _) = http::serve(vec![Reply::json(404, body).header("X-Request-Id", "r1")]).await;
    let err = http::client(&server.uri()).observability().get("x").send().await.unwrap_err();
    assert_eq!(err.to_string(), "getObservabilityDestination failed with 404 Not Found: Resource not found");
    let Error::Service(s) = &err else { panic!("{err:?}") };
    let GetError::NotFound(nf) = s.err() else { panic!("{:?}", s.err()) };
    assert_eq!(nf.error.code, 404);
    assert_eq!(nf.error.metadata.as_ref().unwrap()["k"], "v");
    assert_eq!(nf.user_id.as_deref(), Some("u1"));
    assert_eq!(s.raw().headers()["x-request-id"], "r1");
    assert_eq!(s.operation(), "getObservabilityDestination");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn error_bodies_that_do_not_parse_still_give_status_and_body() {
    let (server, _) = http::serve(vec![
        Reply::raw(401, Some("text/html; charset=utf-8"), "<h1>nope</h1>"),
        Reply::raw(404, None, ""),
        Reply::json(404, json!({"message": "not found"})),
        Reply::json(404, json!({"error": {"code": 404, "message": ""}})),
        Reply::json(500, json!({"error": {"code": "500", "message": "x"}})),
        Reply::raw(500, Some("text/plain"), "upstream died"),
        Reply::json(418, json!({"error": {"code": 418, "message": "teapot"}})),
        Reply::raw(304, None, ""),
    ])
    .await;
    let client = http::client(&server.uri());
    let mut results = Vec::new();
    for _ in 0..8 {
        let err = client.observability().get("x").send().await.unwrap_err();
        let status = err.status().unwrap().as_u16();
        let line = err.to_string();
        assert_eq!(line.lines().count(), 1, "{line}");
        let kind = match err.into_service_error().expect("a service error") {
            GetError::Unhandled(u) => {
                let u: UnhandledError = u;
                format!(
                    "Unhandled parse_error={} body={:?}",
                    u.parse_error().is_some(),
                    String::from_utf8_lossy(u.body())
                )
            }
            GetError::NotFound(nf) => format!("NotFound message={:?}", nf.error.message),
            other => format!("{other:?}"),
        };
        results.push((status, kind, line));
    }
    let kinds: Vec<(u16, &str)> = results.iter().map(|(s, k, _)| (*s, k.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (401, "Unhandled parse_error=true body=\"<h1>nope</h1>\""),
            (404, "Unhandled parse_error=true body=\"\""),
            (404, "Unhandled parse_error=true body=\"{\\\"message\\\":\\\"not found\\\"}\""),
            (404, "NotFound message=\"\""),
            (
                500,
                "Unhandled parse_error=true body=\"{\\\"error\\\":{\\\"code\\\":\\\"500\\\",\\\"message\\\":\\\"x\\\"}}\""
            ),
            (500, "Unhandled parse_error=true body=\"upstream died\""),
            (
                418,
                "Unhandled parse_error=false body=\"{\\\"error\\\":{\\\"code\\\":418,\\\"message\\\":\\\"teapot\\\"}}\""
            ),
            (304, "Unhandled parse_error=false body=\"\""),
        ]
    );
    assert_eq!(
        results[3].2, "getObservabilityDestination failed with 404 Not Found: NotFound",
        "an empty message says which status"
    );
    assert!(results[0].2.contains("content type text/html; charset=utf-8 is not JSON"), "{}", results[0].2);
}

#[tokio::test]
async fn a_redirect_is_followed() {
    let target = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(404).set_body_json(error_body(404, "Resource not found")))
        .mount(&target)
        .await;
    let (server, _) =
        http::serve(vec![Reply::raw(302, None, "").header("Location", &format!("{}/nowhere", target.uri()))]).await;
    let err = http::client(&server.uri()).observability().get("x").send().await.unwrap_err();
    assert!(matches!(err.as_service_error(), Some(GetError::NotFound(_))), "{err:?}");
}

#[tokio::test]
async fn success_only_on_the_documented_status() {
    let (server, _) = http::serve(vec![Reply::json(200, http::one(1)), Reply::raw(204, None, "")]).await;
    let client = http::client(&server.uri());
    let err = client.observability().create(json!({}), "n", "langfuse").send().await.unwrap_err();
    assert!(matches!(err.as_service_error(), Some(CreateError::Unhandled(u)) if u.status() == 200), "{err:?}");
    let err = client.observability().delete("x").send().await.unwrap_err();
    assert!(matches!(err.as_service_error(), Some(DeleteError::Unhandled(u)) if u.status() == 204), "{err:?}");
}

#[tokio::test]
async fn success_bodies_that_are_not_json() {
    let secret_body = json!({"data": {"type": "langfuse", "config": {"secretKey": "sk-live-123"}}});
    let (server, _) = http::serve(vec![
        Reply::raw(200, Some("text/html"), "<html>maintenance</html>"),
        Reply::raw(200, Some("application/json"), "{not json"),
        Reply::json(200, secret_body),
        Reply::json(200, http::one(1)).header("content-type", "application/json; charset=utf-8"),
    ])
    .await;
    let client = http::client(&server.uri());
    let get = || client.observability().get("x").send();
    let err = get().await.unwrap_err();
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert_eq!(d.kind(), DecodeErrorKind::ContentType);
    assert!(err.to_string().contains("expected JSON, got `text/html`"), "{err}");
    let err = get().await.unwrap_err();
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert_eq!(d.kind(), DecodeErrorKind::InvalidJson);
    assert!(err.to_string().contains("body: {not json"), "a bounded snippet of the body: {err}");
    let err = get().await.unwrap_err();
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert_eq!(d.kind(), DecodeErrorKind::Schema);
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("sk-live-123"), "credentials never show: {shown}");
    }
    assert!(get().await.is_ok(), "parameters after the media type are fine");
}

#[tokio::test]
async fn newer_values_in_success_bodies_parse() {
    let mut future = http::destination(1);
    future["type"] = json!("brand-new");
    future["config"] = json!({"anything": true});
    let mut newer = http::destination(2);
    newer["regions"] = json!(["antarctica"]);
    newer["extra_field"] = json!(1);
    newer["filter_rules"] = json!({"enabled": true, "groups": [{"logic": "nand", "rules": [{"field": "zzz", "operator": "yyy", "value": 3}]}]});
    let (server, _) =
        http::serve(vec![Reply::json(200, json!({"data": future})), Reply::json(200, json!({"data": newer}))]).await;
    let client = http::client(&server.uri());
    let r = client.observability().get("x").send().await.unwrap();
    let ObservabilityDestination::Unknown(u) = &r.data else { panic!("{:?}", r.data) };
    assert_eq!(u.tag(), "brand-new");
    let r = client.observability().get("x").send().await.unwrap();
    let ObservabilityDestination::Langfuse(d) = &r.data else { panic!("{:?}", r.data) };
    let group = &d.filter_rules.as_ref().unwrap().groups[0];
    assert_eq!(group.logic.as_ref().unwrap().as_str(), "nand");
    assert_eq!(group.rules[0].operator.as_str(), "yyy");
    assert_eq!(r.status().as_u16(), 200);
}
