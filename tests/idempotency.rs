//! Writes sent twice: the web app's offline queue sends a proposal or comment again, with the
//! same key, when it cannot tell whether the first try arrived. The retry finds what the first
//! made; nothing is made twice, and a key is its sender's alone.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::{json, Value};

const CREATE: &str = "mutation($input: CreateProposalInput!, $key: String) {
    createProposal(input: $input, idempotencyKey: $key) { id title } }";
const COMMENT: &str = "mutation($proposal: Int!, $body: String!, $key: String) {
    addComment(proposalId: $proposal, body: $body, idempotencyKey: $key) { id body } }";

fn count(tables: &std::collections::BTreeMap<String, Vec<Value>>, table: &str) -> usize {
    tables[table].len()
}

async fn a_retried_write_is_made_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Santoso").await;
    let key = "7f1c2a9e-4b3d-4e21-9a0f-5c6d7e8f9a01";
    let input = world.proposal_input(json!({ "title": "Lampu jalan di gang buntu" }));

    let first = app
        .gql(CREATE, json!({ "input": input, "key": key }), ani.token())
        .await;
    let before = app.snapshot().await;
    let again = app
        .gql(CREATE, json!({ "input": input, "key": key }), ani.token())
        .await;
    assert_eq!(ok(&again)["createProposal"], ok(&first)["createProposal"]);
    assert_eq!(
        app.snapshot().await,
        before,
        "the retry wrote nothing (not even a second audit entry)"
    );

    // Another key is another proposal; the same key from someone else is theirs alone.
    let other = app
        .gql(
            CREATE,
            json!({ "input": input, "key": "7f1c2a9e-4b3d-4e21-9a0f-5c6d7e8f9a02" }),
            ani.token(),
        )
        .await;
    assert_ne!(
        ok(&other)["createProposal"]["id"],
        ok(&first)["createProposal"]["id"]
    );
    let budis = app
        .gql(CREATE, json!({ "input": input, "key": key }), budi.token())
        .await;
    assert_ne!(
        ok(&budis)["createProposal"]["id"],
        ok(&first)["createProposal"]["id"]
    );
    let tables = app.snapshot().await;
    assert_eq!(count(&tables, "proposals"), 3);

    // Comments: the retry returns the first comment, and the proposer hears of it once.
    let proposal = world.submitted(&app, &ani, json!({})).await;
    let comment_key = "c0ffee00-1111-2222-3333-444455556666";
    let said = app
        .gql(
            COMMENT,
            json!({ "proposal": proposal, "body": "Saya dukung", "key": comment_key }),
            budi.token(),
        )
        .await;
    let before = app.snapshot().await;
    let resent = app
        .gql(
            COMMENT,
            json!({ "proposal": proposal, "body": "Saya dukung", "key": comment_key }),
            budi.token(),
        )
        .await;
    assert_eq!(ok(&resent)["addComment"], ok(&said)["addComment"]);
    assert_eq!(app.snapshot().await, before);

    // A key reused for another kind of write is the client's mistake, said so.
    let reused = app
        .gql(
            COMMENT,
            json!({ "proposal": proposal, "body": "Lagi", "key": key }),
            ani.token(),
        )
        .await;
    assert_field_code(&reused, "idempotencyKey", "reused");
    for bad in ["short", "spasi di dalam kunci ini tidak boleh"] {
        let refused = app
            .gql(CREATE, json!({ "input": input, "key": bad }), ani.token())
            .await;
        assert_field_code(&refused, "idempotencyKey", "format");
    }
    assert_eq!(count(&app.snapshot().await, "proposals"), 4);
}

/// Two tries at once (the queue and a second tab): one proposal, and both get it.
async fn two_tries_at_once_make_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let input = world.proposal_input(json!({}));
    let key = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
    let vars = json!({ "input": input, "key": key });
    let (a, b) = tokio::join!(
        app.gql(CREATE, vars.clone(), ani.token()),
        app.gql(CREATE, vars.clone(), ani.token())
    );
    assert_eq!(
        ok(&a)["createProposal"]["id"],
        ok(&b)["createProposal"]["id"]
    );
    assert_eq!(count(&app.snapshot().await, "proposals"), 1);
}

backend_tests!(a_retried_write_is_made_once, two_tries_at_once_make_one);
