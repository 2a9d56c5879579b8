//! The constructs of `tests/specs/`, generated into `tests/fixtures/` and
//! exercised against servers on 127.0.0.1: parameter locations and styles,
//! body media types, response shapes, schema composition and recursion,
//! multi-file documents, servers and security.

use serde_json::{Value, json};
use tests::http::{self, Reply};
use wiremock::MockServer;

async fn only(server: &MockServer) -> wiremock::Request {
    let mut r = server.received_requests().await.unwrap();
    assert_eq!(r.len(), 1, "one request");
    r.remove(0)
}

mod params {
    use super::*;
    use fixture_params::types::{Filter, Point};

    fn client(uri: &str) -> fixture_params::Client {
        fixture_params::Client::builder().base_url(format!("{uri}/api")).ignore_environment().build().unwrap()
    }

    #[tokio::test]
    async fn every_location_and_style_on_the_wire() {
        let (server, _) = http::serve(vec![Reply::json(200, json!({"ok": true}))]).await;
        let r = client(&server.uri())
            .get_item("a/b", [1, 2], ["x", "y"], ["p", "q"], "99999999-aaaa-bbbb-cccc-000000000001")
            .color(["red", "green blue"])
            .sizes([1, 2])
            .words(["a", "b"])
            .pipes(["c", "d"])
            .filter(Filter { name: Some("n m".into()), min: Some(3) })
            .point(Point { x: Some(1), y: Some(2) })
            .spread(Point { x: Some(5), y: None })
            .sort("desc")
            .x_flags(["f1", "f2"])
            .session("s1")
            .theme("dark")
            .type_("keyword")
            .type_2("header")
            .send_2(true)
            .user_id("u1")
            .user_id_2("u2")
            .self_("me")
            .send()
            .await
            .unwrap();
        assert_eq!(r.ok, Some(true));
        let req = only(&server).await;
        assert_eq!(req.url.path(), "/api/items/a%2Fb/tags/1,2/.x.y/;matrix=p,q");
        assert_eq!(
            req.url.query().unwrap(),
            "limit=10&color=red&color=green%20blue&sizes=1%2C2&words=a%20b&pipes=c%7Cd&filter[name]=n%20m&filter[min]=3\
             &point=x%2C1%2Cy%2C2&x=5&sort=desc&type=keyword&send=true&user-id=u1&userId=u2&self=me"
        );
        assert_eq!(req.headers["x-request-id"], "99999999-aaaa-bbbb-cccc-000000000001");
        assert_eq!(req.headers["x-flags"], "f1,f2");
        assert_eq!(req.headers["type"], "header");
        assert_eq!(req.headers["cookie"], "session=s1; theme=dark");
        assert!(req.headers.get("authorization").is_none(), "no security: no credential");
    }

    #[tokio::test]
    async fn an_operation_without_an_id_gets_a_name_from_method_and_path() {
        let (server, _) = http::serve(vec![Reply::raw(204, None, "")]).await;
        client(&server.uri()).delete_no_operation_id_by_thing_id(7).send().await.unwrap();
        let req = only(&server).await;
        assert_eq!((req.method.as_str(), req.url.path()), ("DELETE", "/api/no-operation-id/7"));
    }

    #[tokio::test]
    async fn a_query_string_in_the_path_key_and_a_path_item_ref() {
        let (server, _) = http::serve(vec![Reply::raw(204, None, ""), Reply::raw(204, None, "")]).await;
        let c = client(&server.uri());
        c.search("a b").send().await.unwrap();
        c.delete_things_alias_by_thing_id(8).send().await.unwrap();
        let r = server.received_requests().await.unwrap();
        assert_eq!((r[0].url.path(), r[0].url.query()), ("/api/search", Some("kind=full&q=a%20b")));
        assert_eq!((r[1].method.as_str(), r[1].url.path()), ("DELETE", "/api/things-alias/8"));
    }
}

mod bodies {
    use super::*;
    use fixture_bodies::primitives::Binary;

    fn client(uri: &str) -> fixture_bodies::Client {
        fixture_bodies::Client::builder().base_url(uri).ignore_environment().build().unwrap()
    }

    fn ok() -> Vec<Reply> {
        vec![Reply::raw(200, None, "")]
    }

    fn content_type(r: &wiremock::Request) -> String {
        r.headers["content-type"].to_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn json_form_text_and_bytes() {
        let (server, _) = http::serve(ok()).await;
        let c = client(&server.uri());
        c.post_json("hello").tags(["a", "b"]).clear_priority().send().await.unwrap();
        c.post_form("hello world").tags(["a", "b"]).priority(2).send().await.unwrap();
        c.post_text("plain text").send().await.unwrap();
        c.put_raw(vec![0u8, 159, 146, 150]).send().await.unwrap();
        let reqs = server.received_requests().await.unwrap();
        assert_eq!(content_type(&reqs[0]), "application/json");
        assert_eq!(String::from_utf8_lossy(&reqs[0].body), r#"{"title":"hello","tags":["a","b"],"priority":null}"#);
        assert_eq!(content_type(&reqs[1]), "application/x-www-form-urlencoded");
        assert_eq!(String::from_utf8_lossy(&reqs[1].body), "title=hello%20world&tags=a&tags=b&priority=2");
        assert_eq!(content_type(&reqs[2]), "text/plain");
        assert_eq!(reqs[2].body, b"plain text");
        assert_eq!(content_type(&reqs[3]), "application/octet-stream");
        assert_eq!(reqs[3].body, [0u8, 159, 146, 150]);
    }

    #[tokio::test]
    async fn multipart_with_files() {
        let (server, _) = http::serve(ok()).await;
        let file = Binary::new(&b"\x89PNG data"[..]).with_filename("pic.png").with_content_type("image/png");
        client(&server.uri())
            .upload(file)
            .description("a picture")
            .attachments([Binary::new(&b"one"[..]), Binary::new(&b"two"[..]).with_filename("2.txt")])
            .meta(fixture_bodies::types::UploadRequestMeta { size: Some(9) })
            .send()
            .await
            .unwrap_err(); // 201 is the documented success, the reply was 200
        let req = only(&server).await;
        let ct = content_type(&req);
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").expect("multipart");
        let body = String::from_utf8_lossy(&req.body);
        let parts: Vec<&str> =
            body.split(&format!("--{boundary}")).filter(|p| !p.trim().is_empty() && p.trim() != "--").collect();
        assert_eq!(parts.len(), 5, "{body}");
        assert!(
            parts[0].contains("name=\"file\"; filename=\"pic.png\"\r\nContent-Type: image/png\r\n\r\n\u{fffd}PNG data"),
            "{}",
            parts[0]
        );
        assert!(parts[1].contains("name=\"description\"\r\n\r\na picture\r\n"), "{}", parts[1]);
        assert!(parts[2].contains(
            "name=\"attachments\"; filename=\"attachments\"\r\nContent-Type: application/octet-stream\r\n\r\none"
        ));
        assert!(parts[3].contains("filename=\"2.txt\""));
        assert!(
            parts[4].contains("name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"size\":9}"),
            "{}",
            parts[4]
        );
    }

    #[tokio::test]
    async fn one_body_in_several_media_types() {
        let (server, _) = http::serve(ok()).await;
        let c = client(&server.uri());
        c.post_either("t").tags(["x"]).send().await.unwrap();
        c.post_either("t").tags(["x"]).as_form().send().await.unwrap();
        c.post_either("t").tags(["x"]).as_multipart().send().await.unwrap();
        let reqs = server.received_requests().await.unwrap();
        assert_eq!(content_type(&reqs[0]), "application/json", "JSON is the default");
        assert_eq!(String::from_utf8_lossy(&reqs[1].body), "title=t&tags=x");
        assert!(content_type(&reqs[2]).starts_with("multipart/form-data; boundary="));
        assert!(
            String::from_utf8_lossy(&reqs[2].body)
                .contains("name=\"tags\"\r\nContent-Type: application/json\r\n\r\n[\"x\"]")
        );
    }
}

mod responses {
    use super::*;
    use fixture_responses::Error;
    use fixture_responses::operations::delete_all::DeleteAllError;
    use fixture_responses::operations::get_report::GetReportError;
    use fixture_responses::operations::put_thing::{PutThingError, PutThingOutput};

    fn client(uri: &str) -> fixture_responses::Client {
        fixture_responses::Client::builder()
            .base_url(uri)
            .retry_config(fixture_responses::RetryConfig::none())
            .ignore_environment()
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn several_successes_ranges_and_default() {
        let problem = json!({"type": "about:blank", "title": "Bad", "status": 422, "detail": "no good"});
        let (server, _) = http::serve(vec![
            Reply::json(200, json!({"id": "1", "name": "n"})),
            Reply::json(201, json!({"id": "2", "location": "/things/2"})),
            Reply::raw(204, None, ""),
            Reply::raw(422, Some("application/problem+json"), &problem.to_string()),
            Reply::json(503, json!({"title": "Down"})),
        ])
        .await;
        let c = client(&server.uri());
        let put = || c.put_thing().send();
        assert!(matches!(put().await.unwrap().into_body(), PutThingOutput::Ok(t) if t.id == "1"));
        assert!(matches!(put().await.unwrap().into_body(), PutThingOutput::Created(t) if t.location == "/things/2"));
        assert!(matches!(put().await.unwrap().into_body(), PutThingOutput::NoContent));
        let err = put().await.unwrap_err();
        assert!(
            matches!(err.as_service_error(), Some(PutThingError::ClientError(p)) if p.status == Some(422)),
            "{err:?}"
        );
        assert!(err.to_string().ends_with(": no good"), "{err}");
        let err = put().await.unwrap_err();
        assert!(
            matches!(err.as_service_error(), Some(PutThingError::Default(p)) if p.title.as_deref() == Some("Down")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn text_and_bytes_bodies() {
        let (server, _) = http::serve(vec![
            Reply::raw(200, Some("text/csv"), "a,b\n1,2\n"),
            Reply::raw(404, Some("text/plain"), "no report"),
            Reply::raw(206, Some("image/png"), "\u{89}PNG"),
        ])
        .await;
        let c = client(&server.uri());
        assert_eq!(c.get_report("x").send().await.unwrap().into_body(), "a,b\n1,2\n");
        let err = c.get_report("x").send().await.unwrap_err();
        assert!(matches!(err.as_service_error(), Some(GetReportError::NotFound(t)) if t == "no report"), "{err:?}");
        let img = c.get_image("x").send().await.unwrap();
        assert_eq!(img.status().as_u16(), 206, "2XX covers 206");
        assert_eq!(img.content_type(), Some("image/png"));
        assert_eq!(img.bytes(), "\u{89}PNG".as_bytes());
    }

    #[tokio::test]
    async fn default_only_and_no_content() {
        let (server, _) = http::serve(vec![
            Reply::json(200, json!({"id": "9"})),
            Reply::json(500, json!({"id": "boom"})),
            Reply::raw(204, None, ""),
            Reply::raw(409, None, ""),
        ])
        .await;
        let c = client(&server.uri());
        assert_eq!(c.default_only().send().await.unwrap().id, "9", "`default` is the success body for 2xx");
        let err = c.default_only().send().await.unwrap_err();
        assert_eq!(err.status().unwrap().as_u16(), 500);
        let () = c.delete_all().send().await.unwrap().into_body();
        let err = c.delete_all().send().await.unwrap_err();
        assert!(matches!(err, Error::Service(ref s) if matches!(s.err(), DeleteAllError::Conflict)), "{err:?}");
    }
}

mod schemas {
    use super::*;
    use fixture_schemas::types::*;

    fn zoo() -> Value {
        json!({
            "animals": [
                {"kind": "dog", "name": "Rex", "age": 3},
                {"kind": "cat", "name": "Tom", "lives": 9}
            ],
            "shapes": [{"shape": "circle", "r": 1.5}, {"shape": "square", "side": 2}],
            "results": [{"ok": true, "value": "v"}, {"ok": false, "error": "e"}],
            "tree": {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]},
            "list": {"value": "a", "next": {"value": "b", "next": {"value": "c"}}},
            "expr": {"left": 1, "right": {"left": 2, "right": 3}},
            "counts": {"a": 1},
            "extra": {"free": ["form", 1]},
            "anything": [null, {"x": 1}],
            "numbers": {"i8": -8, "u8": 255, "u64": 18446744073709551615u64, "f32": 0.5, "big": 9007199254740993i64},
            "blob": "aGk=",
            "when": "2025-08-24T10:30:00Z",
            "maybe": null,
            "zone": "Etc/GMT-1",
            "tricky": {"group": "g", "_group": "g2", "user-id": "a", "userId": "b", "type": "t", "1st": 1, "$ref": "r",
                       "additional_properties": "field", "surprise": "kept"},
            "either": true,
            "point": {"x": 1, "y": 2, "z": 3},
            "legacy": null
        })
    }

    #[test]
    fn everything_parses_into_its_type() {
        let z: Zoo = serde_json::from_value(zoo()).unwrap();
        assert!(
            matches!(&z.animals[0], Animal::Dog(d) if d.name == "Rex" && d.barks == Some(true)),
            "the default fills in"
        );
        assert!(matches!(&z.animals[1], Animal::Cat(c) if c.lives == 9u8));
        assert!(matches!(&z.shapes.as_ref().unwrap()[0], Shape::Circle(c) if c.r == 1.5f32));
        let results = z.results.as_ref().unwrap();
        assert!(matches!(&results[0], Result::True(s) if s.value == "v"), "a boolean tag: {results:?}");
        assert!(matches!(&results[1], Result::False(f) if f.error == "e"));
        let tree = z.tree.as_ref().unwrap();
        assert_eq!(tree.children.as_ref().unwrap()[0].children.as_ref().unwrap()[0].value, 3);
        let list = z.list.as_ref().unwrap();
        assert_eq!(list.next.as_ref().unwrap().next.as_ref().unwrap().value, "c", "recursion through a Box");
        let Some(Expr::Sum(sum)) = &z.expr else { panic!("{:?}", z.expr) };
        assert!(matches!(&*sum.right, Expr::Sum(inner) if matches!(*inner.left, Expr::Number(n) if n == 2.0)));
        let n = z.numbers.as_ref().unwrap();
        assert_eq!((n.i8, n.u8, n.u64, n.big), (Some(-8i8), Some(255u8), Some(u64::MAX), Some(9007199254740993i64)));
        assert_eq!(z.zone, Some(TimeZone::EtcGmtMinus1));
        assert_eq!(z.version, Some(2), "`const` fills in a missing value");
        let t = z.tricky.as_ref().unwrap();
        assert_eq!((t.group.as_deref(), t.group_2.as_deref()), (Some("g"), Some("g2")));
        assert_eq!(
            (t.user_id.as_deref(), t.user_id_2.as_deref(), t.ref_.as_deref()),
            (Some("a"), Some("b"), Some("r"))
        );
        assert_eq!(t.additional_properties_["surprise"], "kept");
        assert_eq!(z.either, Some(ZooEither::Bool(true)));
        let p = z.point.as_ref().unwrap();
        assert_eq!((p.x, p.y, p.z), (1.0, 2.0, Some(3.0)), "allOf merged across levels");
    }

    #[test]
    fn mistakes_real_documents_make_still_parse() {
        let m: Messy = serde_json::from_value(json!({
            "ratio": 169,
            "payment": {"type": "card", "last4": "4242"},
            "vehicles": [{"type": "Car", "doors": 4}, {"type": "Bike", "gears": 21}, {"type": "Boat"}],
            "order": [{"name": "a", "items": [{"name": "b"}]}],
            "code": "x",
            "flag": true
        }))
        .unwrap();
        assert_eq!(m.ratio, Some(MessyRatio::V169), "a number where the document lists `169`");
        let again: Messy = serde_json::from_value(json!({"ratio": "169"})).unwrap();
        assert_eq!(again.ratio, Some(MessyRatio::V169), "and the string form");
        assert_eq!(serde_json::to_value(MessyRatio::V43).unwrap(), "43");
        assert!(matches!(&m.payment, Some(Payment::Card(c)) if c.last4 == "4242"));
        let other: Messy = serde_json::from_value(json!({"payment": {"iban": "x"}})).unwrap();
        assert!(matches!(&other.payment, Some(Payment::Json(v)) if v["iban"] == "x"), "the untyped member");
        let v = m.vehicles.as_ref().unwrap();
        assert!(matches!(&v[0], Vehicle::Car(c) if c.doors == Some(4)));
        assert!(matches!(&v[1], Vehicle::Bike(b) if b.gears == Some(21)));
        assert!(matches!(&v[2], Vehicle::Unknown(_)));
        assert_eq!(m.order.as_ref().unwrap()[0].items.as_ref().unwrap()[0].name.as_deref(), Some("b"));
        let back = serde_json::to_value(&m).unwrap();
        assert_eq!(back["vehicles"][1], json!({"type": "Bike", "gears": 21}));
    }

    #[test]
    fn everything_writes_back_as_it_came() {
        let z: Zoo = serde_json::from_value(zoo()).unwrap();
        let back = serde_json::to_value(&z).unwrap();
        assert_eq!(back["animals"][0]["kind"], "dog");
        assert_eq!(back["results"][0]["ok"], true, "a boolean tag stays a boolean");
        assert_eq!(back["shapes"][1]["shape"], "square");
        assert_eq!(back["zone"], "Etc/GMT-1");
        assert_eq!(back["tricky"]["surprise"], "kept");
        assert_eq!(back["tricky"]["$ref"], "r");
        assert_eq!(back["expr"]["right"]["left"], 2.0);
        let again: Zoo = serde_json::from_value(back).unwrap();
        assert_eq!(again, z);
    }

    #[test]
    fn awkward_enum_values_have_distinct_names() {
        for (v, wire) in [
            (TimeZone::EtcGmtPlus1, "Etc/GMT+1"),
            (TimeZone::EtcGmtMinus1, "Etc/GMT-1"),
            (TimeZone::Plus1, "+1"),
            (TimeZone::Minus1, "-1"),
            (TimeZone::Empty, ""),
            (TimeZone::V1st, "1st"),
            (TimeZone::SelfValue, "self"),
            (TimeZone::Type, "type"),
            (TimeZone::Abc, "ABC"),
            (TimeZone::Abc2, "abc"),
            (TimeZone::WithSpace, "with space"),
            (TimeZone::Unknown, "Unknown"),
        ] {
            assert_eq!(v.as_str(), wire);
            assert_eq!(TimeZone::from(wire), v);
        }
        assert!(
            matches!(TimeZone::from("Mars/Olympus"), TimeZone::UnknownValue(_)),
            "the spec's own `Unknown` keeps its name"
        );
    }

    #[tokio::test]
    async fn the_zoo_goes_through_a_server() {
        let (server, _) = http::serve(vec![Reply::json(200, zoo())]).await;
        let c = fixture_schemas::Client::builder().base_url(server.uri()).ignore_environment().build().unwrap();
        let z: Zoo = serde_json::from_value(zoo()).unwrap();
        let echoed = c.echo_zoo(z.animals.clone()).shapes(z.shapes.clone().unwrap()).send().await.unwrap();
        assert_eq!(echoed.into_body(), z);
        let sent: Value = serde_json::from_slice(&only(&server).await.body).unwrap();
        assert_eq!(sent["animals"][1]["kind"], "cat");
        assert_eq!(sent["version"], 2);
    }
}

mod documents {
    use super::*;
    use fixture_documents::error::TransportErrorKind;
    use fixture_documents::{Client, Error};

    #[test]
    fn types_come_from_other_files() {
        // pet.yaml, people.yaml and ids.yaml, chained: Pet → Person → Pet.
        let pet: fixture_documents::types::Pet = serde_json::from_value(
            json!({"id": 5, "name": "Rex", "owner": {"name": "Ann", "pets": [{"id": 6, "name": "Tom"}]}}),
        )
        .unwrap();
        let _: i64 = pet.id;
        assert_eq!(pet.owner.unwrap().pets.unwrap()[0].name, "Tom");
    }

    #[tokio::test]
    async fn server_variables_security_and_operation_servers() {
        let (server, _) = http::serve(vec![Reply::json(200, json!([{"id": 1, "name": "Rex"}]))]).await;
        let port = server.address().port().to_string();
        let c = Client::builder()
            .api_key("tok")
            .server_variable("host", "127.0.0.1")
            .server_variable("port", port)
            .server_variable("base", "v2")
            .ignore_environment()
            .build()
            .unwrap();
        let pets = c.pets().list_pets().limit(5).send().await.unwrap();
        assert_eq!(pets[0].name, "Rex");
        let req = only(&server).await;
        assert_eq!(req.url.path(), "/v2/pets");
        assert_eq!(req.url.query(), Some("limit=5"));
        assert_eq!(req.headers["authorization"], "Bearer tok");

        // `health` has its own server and no security: it goes there, without the key.
        let err = c.status().health().retry_config(fixture_documents::RetryConfig::none()).send().await.unwrap_err();
        let Error::Transport(t) = &err else { panic!("{err:?}") };
        assert_eq!(t.kind(), TransportErrorKind::Connect);
        assert!(err.to_string().contains("http://localhost:9/status/health"), "{err}");

        let bad =
            Client::builder().api_key("k").server_variable("base", "v3").ignore_environment().build().unwrap_err();
        assert!(bad.to_string().contains("`v3` is not a value of the server variable `base`"), "{bad}");
        let unknown =
            Client::builder().api_key("k").server_variable("region", "eu").ignore_environment().build().unwrap_err();
        assert!(unknown.to_string().contains("no variable `region`"), "{unknown}");
    }

    #[tokio::test]
    async fn an_explicit_base_url_wins_and_other_schemes_get_no_bearer() {
        let (server, _) = http::serve(vec![Reply::raw(200, Some("text/plain"), "ok")]).await;
        let c = Client::builder().api_key("tok").base_url(server.uri()).ignore_environment().build().unwrap();
        assert_eq!(c.status().health().send().await.unwrap().into_body(), "ok");
        c.list_keys().send().await.unwrap();
        let reqs = server.received_requests().await.unwrap();
        assert_eq!(reqs[0].url.path(), "/health");
        assert!(reqs[0].headers.get("authorization").is_none(), "`security: []`");
        assert!(reqs[1].headers.get("authorization").is_none(), "a scheme the client does not hold");
    }

    #[tokio::test]
    async fn basic_auth_and_webhooks_left_out() {
        let (server, _) = http::serve(vec![Reply::raw(204, None, "")]).await;
        let c = fixture_webhooks::Client::builder()
            .basic_auth("user", "pass")
            .base_url(server.uri())
            .ignore_environment()
            .build()
            .unwrap();
        c.ping().send().await.unwrap();
        assert_eq!(only(&server).await.headers["authorization"], "Basic dXNlcjpwYXNz");
    }
}
