//! Fuzzing, bounded for CI: what an anonymous client or an operator's file can feed the server
//! (a `.pb` file, a region CSV, ballot choices, a GraphQL request body) is generated at random,
//! from raw bytes and from the format's own tokens so the generator reaches deep into each
//! reader, and every input must be answered — accepted or refused with an error — never with a
//! panic. The toolchain here is stable Rust, so `cargo fuzz` (nightly) is not used; proptest
//! drives the same targets. Inputs that once crashed are kept below as regression cases.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
use std::collections::HashMap;

use chrono::Utc;
use entity::{enums::BallotMethod, voting_round};
use musrenbang::{
    domain::{regions, voting},
    graphql::limits,
    pabulib,
};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

/// Text made of a format's tokens and some noise, joined without structure.
fn tokens(words: &'static [&'static str], len: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::sample::select(words).prop_map(str::to_owned),
            1 => "[ -~]{0,4}",
            1 => any::<char>().prop_map(|c| c.to_string()),
        ],
        0..len,
    )
    .prop_map(|parts| parts.concat())
}

const PB_WORDS: &[&str] = &[
    "META\n",
    "PROJECTS\n",
    "VOTES\n",
    "key;value\n",
    "project_id;cost;name\n",
    "voter_id;vote;points\n",
    "vote_type;",
    "approval\n",
    "ordinal\n",
    "cumulative\n",
    "scoring\n",
    "choose-1\n",
    "budget;",
    "num_projects;",
    "num_votes;",
    "max_sum_points;",
    "1",
    "2",
    "10",
    "0",
    "-5",
    "1.5",
    "1e9",
    ";",
    ",",
    "\n",
    "\"",
    "None",
    "v1",
    "p1",
    "99999999999999999999",
];

const CSV_WORDS: &[&str] = &[
    "code,name,level,parent_code\n",
    "code,name\n",
    "35",
    "35.73",
    ".",
    "01",
    "1001",
    ",",
    "\n",
    "\"",
    "Jawa Timur",
    "provinsi",
    "kecamatan",
    "rt",
    "rw",
    "desa_kelurahan",
    "",
    "x",
];

const GRAPHQL_WORDS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "...",
    "fragment ",
    "F0",
    "F1",
    " on ",
    "Query",
    "query ",
    "mutation ",
    "subscription ",
    "regions",
    "first",
    ":",
    "5",
    "$x",
    "\"s\"",
    "@skip",
    "(if: true)",
    " ",
    "__typename",
    "votingRound",
    "id",
    "outcome",
    "[",
    "]",
    "=",
    "!",
    "Int",
    "#",
];

fn round(method: BallotMethod) -> voting_round::Model {
    voting_round::Model {
        id: 1,
        forum_id: 1,
        title: "Putaran".into(),
        method,
        max_choices: Some(3),
        points_budget: Some(10),
        max_points_per_proposal: Some(5),
        cost_limit: Some(1_000),
        rule: "greedy".into(),
        opens_at: Utc::now(),
        closes_at: Utc::now(),
        closed_at: None,
        live_tally: false,
        sealed_at: None,
        created_by: 1,
        created_at: Utc::now(),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn pabulib_reader_answers_any_text(text in tokens(PB_WORDS, 80)) {
        let _ = pabulib::parse(&text);
    }

    #[test]
    fn pabulib_reader_answers_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = pabulib::parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn region_csv_reader_answers_any_text(text in tokens(CSV_WORDS, 60)) {
        let _ = regions::parse_region_csv(text.as_bytes());
    }

    #[test]
    fn region_csv_reader_answers_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = regions::parse_region_csv(bytes.as_slice());
    }

    #[test]
    fn ballot_checks_answer_any_choices(
        method in prop::sample::select(vec![
            BallotMethod::Approval,
            BallotMethod::Knapsack,
            BallotMethod::Cumulative,
            BallotMethod::Ranking,
            BallotMethod::ChooseOne,
        ]),
        choices in prop::collection::vec((any::<i32>(), prop::option::of(any::<i32>())), 0..12),
    ) {
        let costs: HashMap<i32, i64> = (1..=5).map(|id| (id, i64::from(id) * 300)).collect();
        let input: Vec<voting::ChoiceInput> = choices
            .iter()
            .map(|(id, points)| voting::ChoiceInput { proposal_id: id.rem_euclid(7), points: *points })
            .collect();
        if let Ok(checked) = voting::check_ballot(&round(method), &costs, &input) {
            // What is accepted stays within the round's limits.
            prop_assert!(!checked.is_empty());
            prop_assert!(checked.iter().all(|(id, _)| costs.contains_key(id)));
            if method == BallotMethod::Cumulative {
                prop_assert!(checked.iter().map(|(_, p)| i64::from(*p)).sum::<i64>() <= 10);
            }
            if method == BallotMethod::Knapsack {
                prop_assert!(checked.iter().map(|(id, _)| costs[id]).sum::<i64>() <= 1_000);
            }
        }
    }

    #[test]
    fn graphql_request_decoding_answers_any_body(query in tokens(GRAPHQL_WORDS, 120)) {
        // As the server reads a POST body: JSON, then the document, then its expanded size.
        let body = serde_json::json!({ "query": query }).to_string();
        let request: async_graphql::Request = serde_json::from_str(&body).expect("a JSON body");
        if let Ok(document) = async_graphql::parser::parse_query(&request.query) {
            let _ = limits::expanded_fields(&document);
        }
    }

    #[test]
    fn graphql_request_decoding_answers_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(request) = serde_json::from_slice::<async_graphql::Request>(&bytes) {
            if let Ok(document) = async_graphql::parser::parse_query(&request.query) {
                let _ = limits::expanded_fields(&document);
            }
        }
    }
}

#[test]
fn a_deeply_nested_document_is_refused_not_overflowed() {
    // Nesting beyond the parser's recursion limit must be an error, not a stack overflow.
    let query = format!("{}{}", "{ a ".repeat(5_000), "}".repeat(5_000));
    assert!(async_graphql::parser::parse_query(&query).is_err());
}
