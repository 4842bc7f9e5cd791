//! Threaded discussion of proposals; moderators hide a comment with a reason and the row stays.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::{json, Value};

const COMMENTS: &str = "query($id: Int!) { proposal(id: $id) {
    commentCount comments { id parentId body hidden hiddenReason author { id name } } } }";

async fn comments_as(app: &TestApp, token: Option<&str>, proposal: i32) -> Value {
    ok(&app.gql(COMMENTS, json!({ "id": proposal }), token).await)["proposal"].clone()
}

async fn threads_and_hiding(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let warga = w.verified_resident(&app, "Sri Wahyuni").await;
    let tetangga = w.resident(&app, "Joko Purnomo", w.kelurahan).await;
    let fasilitator = w
        .moderator(&app, "Fasilitator Oro-oro Dowo", w.forum_kelurahan)
        .await;
    let fasilitator_b = w
        .moderator(&app, "Fasilitator Kauman", w.forum_kelurahan_b)
        .await;
    let bappeda = w.planner(&app, "Bappeda Kota Malang", w.city).await;
    let bappeda_batu = w.planner(&app, "Bappeda Kota Batu", w.other_city).await;
    let p = w.submitted(&app, &warga, json!({})).await;
    let other = w
        .submitted(
            &app,
            &warga,
            json!({ "title": "Usulan lain untuk dibandingkan" }),
        )
        .await;

    let add = |user: &User, parent: Option<i32>, body: &str| {
        let app = &app;
        let token = user.token.clone();
        let vars = json!({ "proposalId": p, "parentId": parent, "body": body });
        async move { id(&ok(&app.gql(ADD_COMMENT, vars, Some(&token)).await)["addComment"]["id"]) }
    };
    let root = add(
        &tetangga,
        None,
        "Saluran di depan rumah saya juga sering meluap.",
    )
    .await;
    let reply = add(
        &warga,
        Some(root),
        "  Betul, sudah kami masukkan ke lokasi usulan.  ",
    )
    .await;
    let rude = add(&tetangga, Some(reply), "Dasar pengurus RW tidak becus!").await;
    let staff_reply = add(
        &fasilitator,
        Some(root),
        "Terima kasih, akan dicek saat verifikasi lapangan.",
    )
    .await;
    assert_code(
        &app.gql(
            ADD_COMMENT,
            json!({ "proposalId": p, "body": "Anonim" }),
            None,
        )
        .await,
        "UNAUTHENTICATED",
    );

    let seen = comments_as(&app, None, p).await;
    assert_eq!(seen["commentCount"], 4);
    let thread: Vec<(i32, Value, Value)> = seen["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (id(&c["id"]), c["parentId"].clone(), c["body"].clone()))
        .collect();
    assert_eq!(
        thread,
        vec![
            (
                root,
                Value::Null,
                json!("Saluran di depan rumah saya juga sering meluap.")
            ),
            (
                reply,
                json!(root),
                json!("Betul, sudah kami masukkan ke lokasi usulan.")
            ),
            (rude, json!(reply), json!("Dasar pengurus RW tidak becus!")),
            (
                staff_reply,
                json!(root),
                json!("Terima kasih, akan dicek saat verifikasi lapangan.")
            ),
        ],
        "oldest first, replies naming their parent, text trimmed"
    );
    assert_eq!(seen["comments"][1]["author"]["name"], "Sri Wahyuni");
    assert_eq!(
        comments_as(&app, None, other).await["comments"],
        json!([]),
        "comments stay on their proposal"
    );

    // Only the forum's staff hide, and they must say why.
    let hide = "mutation($id: Int!, $reason: String!) { hideComment(commentId: $id, reason: $reason) { id body hidden hiddenReason } }";
    for user in [&warga, &tetangga, &fasilitator_b, &bappeda_batu] {
        let response = app
            .gql(
                hide,
                json!({ "id": rude, "reason": "Melanggar tata tertib" }),
                user.token(),
            )
            .await;
        assert_code(&response, "FORBIDDEN");
    }
    let response = app
        .gql(
            hide,
            json!({ "id": rude, "reason": "Melanggar tata tertib forum" }),
            fasilitator.token(),
        )
        .await;
    assert_eq!(
        ok(&response)["hideComment"],
        json!({ "id": rude, "body": "Dasar pengurus RW tidak becus!", "hidden": true, "hiddenReason": "Melanggar tata tertib forum" })
    );

    // Residents and the public see that it was hidden and why, not what it said; staff see it.
    for viewer in [
        None,
        warga.token(),
        tetangga.token(),
        fasilitator_b.token(),
        bappeda_batu.token(),
    ] {
        let seen = comments_as(&app, viewer, p).await;
        assert_eq!(seen["commentCount"], 3, "hidden comments are not counted");
        assert_eq!(
            seen["comments"].as_array().unwrap().len(),
            4,
            "the thread keeps its place"
        );
        let c = &seen["comments"][2];
        assert_eq!(
            (
                c["body"].clone(),
                c["hidden"].clone(),
                c["hiddenReason"].clone()
            ),
            (
                Value::Null,
                json!(true),
                json!("Melanggar tata tertib forum")
            )
        );
        assert_eq!(
            seen["comments"][0]["body"],
            "Saluran di depan rumah saya juga sering meluap."
        );
    }
    for viewer in [fasilitator.token(), bappeda.token(), w.admin_token()] {
        let seen = comments_as(&app, viewer, p).await;
        assert_eq!(
            seen["comments"][2]["body"],
            "Dasar pengurus RW tidak becus!"
        );
        assert_eq!(seen["comments"][2]["hidden"], true);
    }

    // The row is kept, with who hid it; the hiding is audited.
    let tables = app.snapshot().await;
    let row = tables["comments"].iter().find(|c| c["id"] == rude).unwrap();
    assert_eq!(row["body"], "Dasar pengurus RW tidak becus!");
    assert_eq!(row["hidden_by"], fasilitator.id);
    assert!(
        row["hidden_at"].is_string() || row["hidden_at"].is_object(),
        "{row}"
    );
    let audit: Vec<&Value> = tables["audit_log"]
        .iter()
        .filter(|e| e["action"] == "comment.hide")
        .collect();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0]["actor_id"].clone(), audit[0]["entity_id"].clone()),
        (json!(fasilitator.id), json!(rude))
    );
    let response = app
        .gql(
            hide,
            json!({ "id": rude, "reason": "Sekali lagi" }),
            bappeda.token(),
        )
        .await;
    assert_code(&response, "FAILED_PRECONDITION");

    // The discussion goes on under a hidden comment; planners of the city may hide too.
    let answer = add(&warga, Some(rude), "Mari berdiskusi dengan sopan.").await;
    let response = app
        .gql(
            hide,
            json!({ "id": answer, "reason": "Di luar topik usulan" }),
            bappeda.token(),
        )
        .await;
    assert_eq!(ok(&response)["hideComment"]["hidden"], true);
}

backend_tests!(threads_and_hiding);
