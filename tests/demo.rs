//! The demo (`serve --demo`) loads on both databases, and what it shows holds together: last
//! year's proposals can be followed level by level into the plan and its implementation, and
//! the ones not selected can be carried over into this year's cycle.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::json;

const MY_PROPOSALS: &str = "query($id: Int!) { proposal(id: $id) { code status implementationStatus
    path { inPlan levels { level status priority { outcome note } } implementation { status note } } } }";

async fn the_demo_follows_last_years_proposals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let printed = musrenbang::demo::load_if_empty(&app.db)
        .await
        .expect("the demo loads")
        .expect("on an empty database");
    assert!(
        printed.contains("2026 cycle closed with 24 proposals"),
        "{printed}"
    );
    assert!(
        musrenbang::demo::load_if_empty(&app.db)
            .await
            .unwrap()
            .is_none(),
        "loads once"
    );
    let admin = login(
        &app,
        "admin@musrenbang.test",
        musrenbang::demo::DEMO_PASSWORD,
    )
    .await;
    let token = ok(&admin)["login"]["token"].as_str().unwrap().to_owned();

    let accepted = ok(&app
        .gql(
            "{ proposals(filter: { statuses: [ACCEPTED] }, first: 50) { totalCount nodes { id } } }",
            json!({}),
            Some(&token),
        )
        .await)["proposals"]
        .clone();
    assert_eq!(accepted["totalCount"], 6);
    let first = id(&accepted["nodes"][0]["id"]);
    let followed = ok(&app
        .gql(MY_PROPOSALS, json!({ "id": first }), Some(&token))
        .await)["proposal"]
        .clone();
    assert!(followed["code"].as_str().unwrap().starts_with("USL-2026-"));
    let levels: Vec<&str> = followed["path"]["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["DESA_KELURAHAN", "KECAMATAN", "KABUPATEN_KOTA"]);
    assert_eq!(
        followed["path"]["levels"][2]["priority"]["outcome"],
        "ACCEPTED"
    );
    assert_eq!(followed["path"]["inPlan"], true);
    let milestones = followed["path"]["implementation"].as_array().unwrap();
    assert!(!milestones.is_empty());
    assert_eq!(
        milestones.last().unwrap()["status"],
        followed["implementationStatus"]
    );

    // A proposal not selected last year continues into 2027 in one action.
    let not_selected = ok(&app
        .gql(
            "{ proposals(filter: { statuses: [REJECTED], search: \"(2026)\" }, first: 1) { nodes { id proposer { id } } } }",
            json!({}),
            Some(&token),
        )
        .await)["proposals"]["nodes"][0]
        .clone();
    let cycle_2027 = ok(&app
        .gql(
            "{ cycles(first: 5) { nodes { id planYear } } }",
            json!({}),
            None,
        )
        .await)["cycles"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["planYear"] == 2027)
        .map(|c| id(&c["id"]))
        .unwrap();
    let carried = app
        .gql(
            "mutation($p: Int!, $c: Int!) { carryOverProposal(input: { proposalId: $p, cycleId: $c }) { status level code } }",
            json!({ "p": id(&not_selected["id"]), "c": cycle_2027 }),
            Some(&token),
        )
        .await;
    assert_eq!(ok(&carried)["carryOverProposal"]["status"], "SUBMITTED");
    assert_eq!(ok(&carried)["carryOverProposal"]["level"], "DESA_KELURAHAN");
}

backend_tests!(the_demo_follows_last_years_proposals);
