//! Voting rounds end to end: eligibility, one ballot per resident (changeable online, paper
//! entered by the moderator for someone present at the session, never both), secrecy,
//! receipts, tallies, the outcome with its reasons, the forum's override, and the round as a
//! `.pb` file tallied again. The secrecy guarantees in depth: tests/ballot_secrecy.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::{json, Value};

const OPEN_ROUND: &str = "mutation($input: OpenRoundInput!) { openVotingRound(input: $input) { id isOpen rule proposals { id } } }";
const CAST: &str = "mutation($round: Int!, $choices: [ChoiceInput!]!) { castBallot(roundId: $round, choices: $choices) { receipt castAt } }";
const PAPER: &str =
    "mutation($input: PaperBallotInput!) { enterPaperBallot(input: $input) { receipt } }";
const ROUND: &str = "query($id: Int!) { votingRound(id: $id) {
    isOpen isClosed myBallot { channel receipt choices { proposalId points } }
    tally { ballots withheld rows { proposalId votes } } } }";

fn choices(ids: &[i32]) -> Value {
    Value::Array(ids.iter().map(|id| json!({ "proposalId": id })).collect())
}

async fn cast(app: &TestApp, user: &User, round: i32, ids: &[i32]) -> Value {
    app.gql(
        CAST,
        json!({ "round": round, "choices": choices(ids) }),
        user.token(),
    )
    .await
}

async fn voting_round_end_to_end(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Hartono").await;
    let citra = world.verified_resident(&app, "Citra Dewi").await;
    let dedi = world
        .resident(&app, "Dedi Unverified", world.kelurahan)
        .await;
    let p1 = world
        .verified(
            &app,
            &ani,
            json!({ "title": "Saluran drainase Jl. Kawi", "estimatedCost": 300_000_000i64 }),
        )
        .await;
    let p2 = world
        .verified(
            &app,
            &budi,
            json!({ "title": "Lampu jalan Jl. Ijen", "estimatedCost": 250_000_000i64 }),
        )
        .await;
    let p3 = world
        .verified(
            &app,
            &citra,
            json!({ "title": "Posyandu Melati", "estimatedCost": 200_000_000i64 }),
        )
        .await;

    let input = json!({ "forumId": world.forum_kelurahan, "title": "Pemungutan suara usulan 2027", "method": "APPROVAL",
        "maxChoices": 2, "rule": "greedy", "opensAt": days_from_now(-1), "closesAt": days_from_now(2) });
    // Residents cannot open a round; the rule must fit the method.
    assert_code(
        &app.gql(OPEN_ROUND, json!({ "input": input }), ani.token())
            .await,
        "FORBIDDEN",
    );
    let mut wrong_rule = input.clone();
    wrong_rule["rule"] = json!("greedy_borda");
    assert_field_code(
        &app.gql(
            OPEN_ROUND,
            json!({ "input": wrong_rule }),
            moderator.token(),
        )
        .await,
        "rule",
        "method",
    );
    let opened = app
        .gql(OPEN_ROUND, json!({ "input": input }), moderator.token())
        .await;
    let round = id(&ok(&opened)["openVotingRound"]["id"]);
    let on_ballot: Vec<i32> = ok(&opened)["openVotingRound"]["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| id(&p["id"]))
        .collect();
    assert_eq!(on_ballot, vec![p1, p2, p3]);

    // Eligibility and ballot limits.
    assert_code(&cast(&app, &dedi, round, &[p1]).await, "FORBIDDEN");
    assert_field_code(
        &cast(&app, &budi, round, &[p1, p2, p3]).await,
        "choices",
        "ballot",
    );
    assert_field_code(
        &cast(&app, &budi, round, &[p1, p1]).await,
        "choices",
        "ballot",
    );
    assert_field_code(&cast(&app, &budi, round, &[]).await, "choices", "ballot");

    // Ani votes, then changes her mind: the last ballot counts and the receipt stays (so it
    // never shows that she changed it).
    let first = ok(&cast(&app, &ani, round, &[p1, p2]).await)["castBallot"]["receipt"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = ok(&cast(&app, &ani, round, &[p1]).await)["castBallot"]["receipt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(first, second);
    assert_eq!(second.len(), 24);
    ok(&cast(&app, &budi, round, &[p2]).await);

    // Citra votes on paper at the forum's session; she cannot vote online too, nor Ani on paper.
    let session = world.open_session(&app, &moderator).await;
    assert_eq!(check_in(&app, session, &citra).await["status"], "PRESENT");
    assert_eq!(check_in(&app, session, &ani).await["status"], "PRESENT");
    let paper = |voter: i32, number: &str, ids: &[i32]| json!({ "input": { "roundId": round, "voterId": voter, "paperNumber": number, "choices": choices(ids) } });
    assert_code(
        &app.gql(PAPER, paper(citra.id, "007", &[p2, p3]), ani.token())
            .await,
        "FORBIDDEN",
    );
    let citra_receipt = ok(&app
        .gql(PAPER, paper(citra.id, "007", &[p2, p3]), moderator.token())
        .await)["enterPaperBallot"]["receipt"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_code(&cast(&app, &citra, round, &[p1]).await, "CONFLICT");
    assert_code(
        &app.gql(PAPER, paper(ani.id, "008", &[p3]), moderator.token())
            .await,
        "FAILED_PRECONDITION",
    );
    let dewi = world.verified_resident(&app, "Dewi Lestari").await;
    check_in(&app, session, &dewi).await;
    assert_code(
        &app.gql(PAPER, paper(dewi.id, "007", &[p3]), moderator.token())
            .await,
        "FAILED_PRECONDITION",
    );

    // Secrecy: a voter sees only her own ballot; totals and ballots wait for the close.
    let seen = app.gql(ROUND, json!({ "id": round }), ani.token()).await;
    assert_eq!(
        ok(&seen)["votingRound"]["tally"],
        json!({ "ballots": 3, "withheld": true, "rows": [] })
    );
    let mine = app.gql("query($id: Int!) { votingRound(id: $id) { myBallot { channel receipt choices { proposalId } } } }", json!({ "id": round }), ani.token()).await;
    assert_eq!(
        ok(&mine)["votingRound"]["myBallot"]["choices"],
        json!([{ "proposalId": p1 }])
    );
    assert_eq!(
        ok(&mine)["votingRound"]["myBallot"]["receipt"],
        json!(second)
    );
    let published = app
        .gql(
            "query($id: Int!) { votingRound(id: $id) { publishedBallots { choices { proposalId } } } }",
            json!({ "id": round }),
            None,
        )
        .await;
    assert_code(&published, "FAILED_PRECONDITION");
    let no_voter_field = app
        .gql(
            "query($id: Int!) { votingRound(id: $id) { publishedBallots { voterId } } }",
            json!({ "id": round }),
            moderator.token(),
        )
        .await;
    assert!(
        no_voter_field["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("voterId"),
        "{no_voter_field}"
    );

    // The moderator closes the round; voting stops, totals and ballots are published.
    assert_code(
        &app.gql(
            "mutation($id: Int!) { closeVotingRound(roundId: $id) { id } }",
            json!({ "id": round }),
            ani.token(),
        )
        .await,
        "FORBIDDEN",
    );
    ok(&app
        .gql(
            "mutation($id: Int!) { closeVotingRound(roundId: $id) { isClosed } }",
            json!({ "id": round }),
            moderator.token(),
        )
        .await);
    assert_code(
        &cast(&app, &budi, round, &[p3]).await,
        "FAILED_PRECONDITION",
    );
    let closed = app.gql(ROUND, json!({ "id": round }), None).await;
    let tally = &ok(&closed)["votingRound"]["tally"];
    assert_eq!(tally["ballots"], 3);
    let votes = |proposal: i32| {
        tally["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| id(&r["proposalId"]) == proposal)
            .unwrap()["votes"]
            .clone()
    };
    assert_eq!(
        (votes(p1), votes(p2), votes(p3)),
        (json!(1), json!(2), json!(1))
    );
    let ballots = app.gql("query($id: Int!) { votingRound(id: $id) { countedReceipts publishedBallots { choices { proposalId } } } }", json!({ "id": round }), None).await;
    let published = ok(&ballots)["votingRound"].clone();
    let ballots = published["publishedBallots"].as_array().unwrap().clone();
    assert_eq!(ballots.len(), 3, "Ani's replaced ballot is not published");
    let mut expected_receipts = vec![json!(second), json!(citra_receipt)];
    let budi_receipt = app.gql("query($id: Int!) { votingRound(id: $id) { myBallot { receipt choices { proposalId } sealed } } }", json!({ "id": round }), budi.token()).await;
    let budi_ballot = ok(&budi_receipt)["votingRound"]["myBallot"].clone();
    assert_eq!(
        (
            budi_ballot["choices"].clone(),
            budi_ballot["sealed"].clone()
        ),
        (Value::Null, json!(true)),
        "after the close nobody, the voter included, can show how they voted"
    );
    expected_receipts.push(budi_ballot["receipt"].clone());
    expected_receipts.sort_by_key(|r| r.as_str().unwrap().to_owned());
    assert_eq!(published["countedReceipts"], json!(expected_receipts));
    let check = "query($round: Int!, $receipt: String!) { checkReceipt(roundId: $round, receipt: $receipt) { counted } }";
    let checked = app
        .gql(
            check,
            json!({ "round": round, "receipt": citra_receipt }),
            None,
        )
        .await;
    assert_eq!(ok(&checked)["checkReceipt"], json!({ "counted": true }));
    let unknown = app
        .gql(
            check,
            json!({ "round": round, "receipt": "0123456789abcdef01234567" }),
            None,
        )
        .await;
    assert_eq!(ok(&unknown)["checkReceipt"], json!({ "counted": false }));

    // The outcome: greedy within the 650 million ceiling. p2 (2 votes) then p1 (tie with p3,
    // the older proposal first) fit; p3 finds only 100 million left.
    const OUTCOME: &str = "query($id: Int!) { votingRound(id: $id) { outcome { rule budget ballots totalCost
        rows { proposalId rank support selectedBySelection: selectedByRule selected list reason remainingBudget decisionReason } } } }";
    let outcome = app.gql(OUTCOME, json!({ "id": round }), None).await;
    let outcome = ok(&outcome)["votingRound"]["outcome"].clone();
    assert_eq!(outcome["budget"], 650_000_000i64);
    let rows = outcome["rows"].as_array().unwrap();
    let order: Vec<i32> = rows.iter().map(|r| id(&r["proposalId"])).collect();
    assert_eq!(order, vec![p2, p1, p3]);
    assert_eq!(rows[0]["reason"], "SELECTED");
    assert_eq!(rows[1]["list"], "MAIN");
    assert_eq!(rows[2]["reason"], "DID_NOT_FIT_REMAINING_BUDGET");
    assert_eq!(rows[2]["remainingBudget"], 100_000_000i64);
    assert_eq!(rows[2]["list"], "RESERVE");
    assert_eq!(outcome["totalCost"], 550_000_000i64);

    // The forum decides by consensus to fund p3 as well; the reason is kept.
    const DECIDE: &str = "mutation($round: Int!, $proposal: Int!, $reason: String!) {
        decideOutcome(roundId: $round, proposalId: $proposal, selected: true, reason: $reason) { id selected reason } }";
    assert_code(
        &app.gql(
            DECIDE,
            json!({ "round": round, "proposal": p3, "reason": "Mufakat forum" }),
            ani.token(),
        )
        .await,
        "FORBIDDEN",
    );
    assert_field_code(
        &app.gql(
            DECIDE,
            json!({ "round": round, "proposal": p3, "reason": "" }),
            moderator.token(),
        )
        .await,
        "reason",
        "length",
    );
    ok(&app
        .gql(
            DECIDE,
            json!({ "round": round, "proposal": p3, "reason": "Mufakat forum: posyandu mendesak" }),
            moderator.token(),
        )
        .await);
    let decided = app.gql(OUTCOME, json!({ "id": round }), None).await;
    let row = ok(&decided)["votingRound"]["outcome"]["rows"][2].clone();
    assert_eq!(
        (row["selected"].clone(), row["reason"].clone()),
        (json!(true), json!("FORUM_DECISION"))
    );
    assert_eq!(row["decisionReason"], "Mufakat forum: posyandu mendesak");

    // Open data: the round as a .pb file gives the same outcome when tallied again.
    let exported = app
        .gql(
            "query($id: Int!) { votingRound(id: $id) { pabulib } }",
            json!({ "id": round }),
            None,
        )
        .await;
    let text = ok(&exported)["votingRound"]["pabulib"]
        .as_str()
        .unwrap()
        .to_owned();
    let election = musrenbang::pabulib::parse(&text).expect("the export parses");
    assert_eq!(election.votes.len(), 3);
    let again =
        musrenbang::ranking::select(&election.to_instance(), "greedy".parse().unwrap()).unwrap();
    let mut again_ids: Vec<String> = again
        .selected_ids()
        .into_iter()
        .map(str::to_owned)
        .collect();
    again_ids.sort();
    let codes = app.gql("query($a: Int!, $b: Int!) { a: proposal(id: $a) { code } b: proposal(id: $b) { code } }", json!({ "a": p1, "b": p2 }), None).await;
    let mut expected = vec![
        ok(&codes)["a"]["code"].as_str().unwrap().to_owned(),
        ok(&codes)["b"]["code"].as_str().unwrap().to_owned(),
    ];
    expected.sort();
    assert_eq!(again_ids, expected);
    assert!(
        !text.contains(&ani.name) && !text.contains(&ani.email),
        "the export names no voter"
    );
}

backend_tests!(voting_round_end_to_end);
