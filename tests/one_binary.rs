//! The binary is the whole product: copied alone into an empty directory and started there, it
//! serves the web app built into it (with cache headers that suit hashed assets) and the API.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::ServerProcess;
use reqwest::StatusCode;

#[tokio::test]
async fn the_binary_alone_in_an_empty_directory_serves_the_web_app() {
    let place = tempfile::tempdir().unwrap();
    let binary = place.path().join("musrenbang");
    std::fs::copy(env!("CARGO_BIN_EXE_musrenbang"), &binary).unwrap();
    let database = format!("sqlite://{}", place.path().join("city.db").display());
    let mut command = std::process::Command::new(&binary);
    command
        .current_dir(place.path())
        .env_remove("MUSRENBANG_FRONTEND_DIR")
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &database,
        ]);
    let server = ServerProcess::spawn_command(command);
    let client = reqwest::Client::new();

    let page = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], "no-cache");
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let etag = page.headers()["etag"].clone();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"<div id="app">"#),
        "the built web app (build it first: npm --prefix frontend run build), not the placeholder: {html}"
    );
    let script = html
        .split("src=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .find(|src| src.starts_with("/assets/") && src.ends_with(".js"))
        .expect("the page loads its script from /assets/");

    let asset = client.get(server.url(script)).send().await.unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(asset.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let plain = asset.bytes().await.unwrap();
    assert!(!plain.is_empty());
    // The copy compressed at build time goes to a client that takes brotli (or gzip), marked so.
    for (coding, magic) in [("br", None), ("gzip", Some([0x1f_u8, 0x8b]))] {
        let compressed = client
            .get(server.url(script))
            .header("accept-encoding", coding)
            .send()
            .await
            .unwrap();
        assert_eq!(compressed.headers()["content-encoding"], coding);
        assert_eq!(compressed.headers()["vary"], "accept-encoding");
        let body = compressed.bytes().await.unwrap();
        assert!(
            body.len() * 2 < plain.len(),
            "{coding}: {} of {}",
            body.len(),
            plain.len()
        );
        if let Some(magic) = magic {
            assert_eq!(body[..2], magic);
        }
    }
    let refused = client
        .get(server.url(script))
        .header("accept-encoding", "br;q=0, identity")
        .send()
        .await
        .unwrap();
    assert!(refused.headers().get("content-encoding").is_none());
    assert_eq!(refused.bytes().await.unwrap().len(), plain.len());

    let unchanged = client
        .get(server.url("/"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);

    // The app's own routes get the page; a missing asset does not.
    let route = client.get(server.url("/usulan/12")).send().await.unwrap();
    assert_eq!(route.status(), StatusCode::OK);
    assert!(route.text().await.unwrap().contains(r#"<div id="app">"#));
    let missing = client
        .get(server.url("/assets/no-such-file.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let api = server
        .gql(&client, "{ __typename }", serde_json::json!({}), None)
        .await;
    assert_eq!(api["data"]["__typename"], "Query");
}
