//! Real elections in and out: a `.pb` file imported as a forum gives the reference outcome,
//! and the round exported again as `.pb` gives the same outcome when tallied.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use musrenbang::{domain, pabulib, ranking};
use serde_json::json;

const PABULIB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/pabulib");

fn expected(stem: &str, rule: &str) -> Vec<String> {
    let text = std::fs::read_to_string(format!("{PABULIB}/expected/{stem}__{rule}.txt"))
        .expect("reference outcome");
    text.lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Imported proposals carry the file's project id in brackets at the end of their title.
fn file_id(title: &str) -> String {
    title
        .rsplit_once('[')
        .and_then(|(_, rest)| rest.strip_suffix(']'))
        .expect("an id in brackets")
        .to_owned()
}

async fn imported_election_keeps_its_outcome(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let stem = "Netherlands_Assen_2024";
    let election = pabulib::read_file(std::path::Path::new(&format!("{PABULIB}/files/{stem}.pb")))
        .expect("the file parses");
    let imported = domain::open_data::import_pb(&app.db, &election)
        .await
        .expect("import");
    assert_eq!(
        (imported.proposals, imported.ballots),
        (election.projects.len(), election.votes.len())
    );

    // Assen declared equal shares: the round uses mes_add1 and selects what the reference does.
    let outcome = domain::outcome::outcome(&app.db, imported.round_id)
        .await
        .expect("outcome of a closed round");
    assert_eq!(outcome.rule, "mes_add1");
    let mut selected: Vec<String> = outcome
        .rows
        .iter()
        .filter(|r| r.selected)
        .map(|r| file_id(&r.title))
        .collect();
    selected.sort();
    assert_eq!(selected, expected(stem, "mes_add1"));
    assert!(outcome
        .rows
        .iter()
        .filter(|r| !r.selected)
        .all(|r| r.reason != entity::enums::OutcomeReason::Selected));

    // The anonymous ballots are public and the round can be exported and tallied again.
    let round = app
        .gql(
            "query($id: Int!) { votingRound(id: $id) { isClosed tally { ballots } pabulib } }",
            json!({ "id": imported.round_id }),
            None,
        )
        .await;
    let round = ok(&round)["votingRound"].clone();
    assert_eq!(round["tally"]["ballots"], election.votes.len());
    let exported = pabulib::parse(round["pabulib"].as_str().unwrap()).expect("the export parses");
    for rule in ["greedy", "mes_add1"] {
        let again = ranking::select(&exported.to_instance(), rule.parse().unwrap()).unwrap();
        let mut ids: Vec<String> = again
            .selected_ids()
            .into_iter()
            .map(|code| {
                let project = exported.projects.iter().find(|p| p.id == code).unwrap();
                file_id(project.fields[0].as_deref().unwrap())
            })
            .collect();
        ids.sort();
        assert_eq!(ids, expected(stem, rule), "{rule} after export");
    }
}

backend_tests!(imported_election_keeps_its_outcome);
