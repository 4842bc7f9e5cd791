//! GraphQL over HTTP as the specification has it: POST and GET, content negotiation between
//! `application/graphql-response+json` and `application/json`, and the status codes of refused
//! requests; plus GraphiQL, the health check and the web app's placeholder.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

struct Reply {
    status: StatusCode,
    content_type: String,
    allow: Option<String>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send(
    app: &TestApp,
    method: Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let mut request = app
        .client
        .request(method, format!("{}{path_and_query}", app.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body.to_owned());
    }
    let response = request.send().await.expect("the server answers");
    let header = |name: header::HeaderName| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let content_type = header(header::CONTENT_TYPE).unwrap_or_default();
    let allow = header(header::ALLOW);
    let status = response.status();
    Reply {
        status,
        content_type,
        allow,
        body: response.text().await.unwrap(),
    }
}

async fn post(app: &TestApp, accept: Option<&str>, content_type: &str, body: &str) -> Reply {
    let mut headers = vec![("content-type", content_type)];
    if let Some(accept) = accept {
        headers.push(("accept", accept));
    }
    send(app, Method::POST, "/graphql", &headers, Some(body)).await
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// A POST with no Accept header at all, over a plain TCP connection; returns the whole answer.
async fn raw_post(app: &TestApp, path: &str, content_type: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        app.addr,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("receive");
    answer
}

async fn content_negotiation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let valid = r#"{"query":"{ __typename }"}"#;
    let invalid = r#"{"query":"{ noSuchField }"}"#;

    // application/graphql-response+json: a request the server refuses before execution is 400
    // with no `data` at all.
    let reply = post(&app, Some(GRAPHQL_RESPONSE), "application/json", valid).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.content_type.starts_with(GRAPHQL_RESPONSE),
        "{}",
        reply.content_type
    );
    assert_eq!(reply.json(), json!({ "data": { "__typename": "Query" } }));
    let reply = post(&app, Some(GRAPHQL_RESPONSE), "application/json", invalid).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.content_type.starts_with(GRAPHQL_RESPONSE));
    let body = reply.json();
    assert!(body.get("data").is_none(), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("noSuchField"),
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    let reply = post(
        &app,
        Some(GRAPHQL_RESPONSE),
        "application/json",
        r#"{"query":"{ __typename "}"#,
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "a syntax error: {}",
        reply.body
    );
    assert_eq!(
        reply.json()["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
    // A variable of the wrong type is the caller's mistake, said with a code too.
    let reply = post(
        &app,
        Some(GRAPHQL_RESPONSE),
        "application/json",
        r#"{"query":"query($id: Int!) { proposal(id: $id) { id } }","variables":{"id":"tiga"}}"#,
    )
    .await;
    let body = reply.json();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    // A resolver's error is not a request error: 200, with the error at its path.
    let reply = post(
        &app,
        Some(GRAPHQL_RESPONSE),
        "application/json",
        r#"{"query":"{ proposal(id: 404) { id } }"}"#,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(body["errors"][0]["path"], json!(["proposal"]));

    // application/json: always 200.
    let reply = post(&app, Some("application/json"), "application/json", invalid).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.content_type.starts_with("application/json"),
        "{}",
        reply.content_type
    );
    assert!(reply.json()["errors"].is_array());

    // The Accept header decides; without one a legacy client gets application/json. (reqwest
    // always sends one, so this request is written by hand.)
    let raw = raw_post(&app, "/graphql", "application/json", valid).await;
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    assert!(
        raw.to_lowercase()
            .contains("\r\ncontent-type: application/json"),
        "{raw}"
    );
    let raw = raw_post(&app, "/graphql", "application/json", invalid).await;
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    for (accept, expected) in [
        (Some(""), "application/json"),
        (Some("*/*"), GRAPHQL_RESPONSE),
        (Some("application/*"), GRAPHQL_RESPONSE),
        (
            Some("application/json, application/graphql-response+json"),
            "application/json",
        ),
        (
            Some("application/graphql-response+json;q=0, application/json"),
            "application/json",
        ),
        (
            Some("text/html, application/json;q=0.9"),
            "application/json",
        ),
    ] {
        let reply = post(&app, accept, "application/json; charset=utf-8", valid).await;
        assert_eq!(reply.status, StatusCode::OK, "{accept:?}");
        assert!(
            reply.content_type.starts_with(expected),
            "{accept:?} gave {}",
            reply.content_type
        );
    }
    for accept in [
        "text/plain",
        "text/html",
        "application/json;q=0",
        "application/xml",
    ] {
        let reply = post(&app, Some(accept), "application/json", valid).await;
        assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE, "{accept}");
        assert!(reply.json()["errors"].is_array());
    }

    // Only JSON bodies.
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "",
    ] {
        let reply = post(&app, Some(GRAPHQL_RESPONSE), content_type, valid).await;
        assert_eq!(
            reply.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert!(reply.content_type.starts_with(GRAPHQL_RESPONSE));
    }
    for body in ["{\"query\": ", "not json", "{\"query\": 42}"] {
        for accept in ["application/json", GRAPHQL_RESPONSE] {
            let reply = post(&app, Some(accept), "application/json", body).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{body:?}: {}",
                reply.body
            );
            assert!(reply.json()["errors"][0]["message"].is_string());
        }
    }
    // A JSON body without a query is refused as a request error.
    let reply = post(
        &app,
        Some(GRAPHQL_RESPONSE),
        "application/json",
        "{\"variables\": {}}",
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.json().get("data").is_none());
}

async fn get_requests(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = register(&app, "Sri Wahyuni", json!({})).await;

    let reply = send(
        &app,
        Method::GET,
        "/graphql?query=%7B%20__typename%20%7D",
        &[("accept", GRAPHQL_RESPONSE)],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.content_type.starts_with(GRAPHQL_RESPONSE));
    assert_eq!(reply.json(), json!({ "data": { "__typename": "Query" } }));

    // Variables and the bearer token work by GET too.
    let bearer = format!("bearer {}", user.token);
    let reply = send(
        &app,
        Method::GET,
        "/graphql?query=query(%24n%3A%20Int)%20%7B%20me%20%7B%20id%20%7D%20regions(first%3A%20%24n)%20%7B%20totalCount%20%7D%20%7D&variables=%7B%22n%22%3A1%7D",
        &[("accept", "application/json"), ("authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.json()["data"],
        json!({ "me": { "id": user.id }, "regions": { "totalCount": 0 } })
    );

    // No mutations by GET: 405 and Allow: POST, whatever the Accept header.
    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        let reply = send(
            &app,
            Method::GET,
            "/graphql?query=mutation%20%7B%20logout%20%7B%20ok%20%7D%20%7D",
            &[("accept", accept), ("authorization", &bearer)],
            None,
        )
        .await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(reply.allow.as_deref(), Some("POST"));
    }
    // The operation named decides.
    let document =
        "query%20Q%20%7B%20__typename%20%7D%20mutation%20M%20%7B%20logout%20%7B%20ok%20%7D%20%7D";
    let reply = send(
        &app,
        Method::GET,
        &format!("/graphql?query={document}&operationName=M"),
        &[],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    let reply = send(
        &app,
        Method::GET,
        &format!("/graphql?query={document}&operationName=Q"),
        &[],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["data"]["__typename"], "Query");
    // The token survived: the GET mutation never ran.
    let me = app.gql("{ me { id } }", json!({}), user.token()).await;
    assert_eq!(ok(&me)["me"]["id"], user.id);

    // A GET without a query: GraphiQL for a browser, 400 for anything else.
    let reply = send(
        &app,
        Method::GET,
        "/graphql",
        &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type.starts_with("text/html"));
    assert!(
        reply.body.to_lowercase().contains("graphiql"),
        "GraphiQL page"
    );
    let reply = send(
        &app,
        Method::GET,
        "/graphql",
        &[("accept", "application/json")],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = send(
        &app,
        Method::GET,
        "/graphql?query=%7B%20__typename%20%7D",
        &[("accept", "text/plain")],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE);
    let reply = send(
        &app,
        Method::GET,
        "/graphql?query=%7B%20nope%20%7D",
        &[("accept", GRAPHQL_RESPONSE)],
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.json().get("data").is_none());
    // Other methods are not GraphQL.
    let reply = send(
        &app,
        Method::PUT,
        "/graphql",
        &[("content-type", "application/json")],
        Some("{}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
}

async fn health_and_web_app(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reply = send(&app, Method::GET, "/healthz", &[], None).await;
    assert_eq!(reply.status, StatusCode::OK);
    // Without a built web app every other path answers with the placeholder page.
    for path in ["/", "/usulan/12", "/peta"] {
        let reply = send(&app, Method::GET, path, &[("accept", "text/html")], None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.content_type.starts_with("text/html"), "{path}");
        assert!(
            reply.body.contains("<html")
                || reply.body.contains("<!doctype")
                || reply.body.contains("<!DOCTYPE"),
            "{path}"
        );
    }
}

/// Text goes compressed to clients that accept it; what is compressed already does not.
async fn responses_are_compressed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let query = json!({ "query": "{ regions(first: 50) { nodes { id name code level } } }" });
    for (accepted, expected) in [("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")] {
        let reply = app
            .client
            .post(format!("{}/graphql", app.base))
            .header(header::ACCEPT_ENCODING, accepted)
            .json(&query)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::OK);
        assert_eq!(
            reply.headers()[header::CONTENT_ENCODING],
            expected,
            "{accepted}"
        );
    }
    let plain = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&query)
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    let page = app
        .client
        .get(format!("{}/", app.base))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()[header::CONTENT_ENCODING], "gzip");
    let xlsx = app
        .client
        .get(format!(
            "{}/export?format=xlsx&forum={}",
            app.base, world.forum_kelurahan
        ))
        .bearer_auth(world.admin.token.clone())
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(
        xlsx.headers().get(header::CONTENT_ENCODING).is_none(),
        "an XLSX is a ZIP already"
    );
}

backend_tests!(
    content_negotiation,
    get_requests,
    health_and_web_app,
    responses_are_compressed
);
