//! Ballots nobody can stuff, lose, count late or trace back to a voter (docs/ballot-secrecy.md):
//! ballots racing the close, paper ballots only for people present at a session with one answer
//! to every refusal, no voter → choice link left anywhere after the close, open data in an
//! order that ignores the casting order, running totals in steps, polls without actors, and
//! who may take part in a session.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use common::*;
use serde_json::{json, Value};

const OPEN_ROUND: &str =
    "mutation($input: OpenRoundInput!) { openVotingRound(input: $input) { id } }";
const CAST: &str = "mutation($round: Int!, $choices: [ChoiceInput!]!) { castBallot(roundId: $round, choices: $choices) { receipt castAt } }";
const PAPER: &str =
    "mutation($input: PaperBallotInput!) { enterPaperBallot(input: $input) { receipt } }";
const CLOSE: &str = "mutation($id: Int!) { closeVotingRound(roundId: $id) { closedAt } }";
const TALLY: &str = "query($id: Int!) { votingRound(id: $id) { tally { ballots counted withheld minimumBallots rows { proposalId votes } } } }";
const MY_BALLOT: &str = "query($id: Int!) { votingRound(id: $id) { myBallot { channel receipt choices { proposalId } sealed paperNumber sessionId enteredByName contestedAt contestReason } } }";
const PUBLISHED: &str = "query($id: Int!) { votingRound(id: $id) { countedReceipts publishedBallots { choices { proposalId points } } pabulib } }";

fn choices(ids: &[i32]) -> Value {
    Value::Array(ids.iter().map(|id| json!({ "proposalId": id })).collect())
}

/// The choices as the server stores them (`[[proposal, points], …]`).
fn stored(ids: &[i32]) -> String {
    serde_json::to_string(&ids.iter().map(|id| (*id, 1)).collect::<Vec<_>>()).unwrap()
}

/// Three verified proposals of the kelurahan forum.
async fn three_proposals(app: &TestApp, world: &World, proposer: &User) -> [i32; 3] {
    let mut ids = [0; 3];
    for (i, title) in [
        "Saluran drainase Jl. Kawi",
        "Lampu jalan Jl. Ijen",
        "Posyandu Melati",
    ]
    .iter()
    .enumerate()
    {
        ids[i] = world
            .verified(
                app,
                proposer,
                json!({ "title": title, "estimatedCost": 100_000_000i64 * (i as i64 + 1) }),
            )
            .await;
    }
    ids
}

async fn open_round(app: &TestApp, world: &World, staff: &User, live: bool) -> i32 {
    let input = json!({ "forumId": world.forum_kelurahan, "title": "Pemungutan suara usulan 2027", "method": "APPROVAL",
        "maxChoices": 2, "rule": "greedy", "opensAt": days_from_now(-1), "closesAt": days_from_now(2), "liveTally": live });
    id(&ok(&app
        .gql(OPEN_ROUND, json!({ "input": input }), staff.token())
        .await)["openVotingRound"]["id"])
}

async fn residents(app: &TestApp, world: &World, prefix: &str, n: usize) -> Vec<User> {
    let mut users = Vec::new();
    for i in 0..n {
        users.push(world.verified_resident(app, &format!("{prefix} {i}")).await);
    }
    users
}

/// What one voter heard back while ballots raced the close.
#[derive(Debug, Default)]
struct Heard {
    /// (receipt, castAt, choices) of every acknowledged ballot, in order.
    acknowledged: Vec<(String, String, Vec<i32>)>,
    refusals: Vec<String>,
}

async fn ballots_racing_the_close(backend: Backend) {
    let app = Arc::new(TestApp::spawn(backend).await);
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let voters = residents(&app, &world, "Pemilih", 24).await;
    let [p1, p2, p3] = three_proposals(&app, &world, &voters[0]).await;
    let round = open_round(&app, &world, &moderator, false).await;

    // Every voter casts again and again until refused; the moderator closes meanwhile.
    let options = [
        vec![p1],
        vec![p2],
        vec![p3],
        vec![p1, p2],
        vec![p2, p3],
        vec![p1, p3],
    ];
    let mut tasks = Vec::new();
    for (i, voter) in voters.iter().enumerate() {
        let (app, token, options) = (app.clone(), voter.token.clone(), options.clone());
        tasks.push(tokio::spawn(async move {
            let mut heard = Heard::default();
            for attempt in 0..400 {
                let pick = options[(i + attempt) % options.len()].clone();
                let response = app
                    .gql(
                        CAST,
                        json!({ "round": round, "choices": choices(&pick) }),
                        Some(&token),
                    )
                    .await;
                match error_code(&response) {
                    None => {
                        let cast = &response["data"]["castBallot"];
                        heard.acknowledged.push((
                            cast["receipt"].as_str().unwrap().to_owned(),
                            cast["castAt"].as_str().unwrap().to_owned(),
                            pick,
                        ));
                    }
                    Some(code) => {
                        heard.refusals.push(code.to_owned());
                        break;
                    }
                }
            }
            heard
        }));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let closed = app
        .gql(CLOSE, json!({ "id": round }), moderator.token())
        .await;
    let closed_at: chrono::DateTime<chrono::Utc> = ok(&closed)["closeVotingRound"]["closedAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let mut heard = Vec::new();
    for task in tasks {
        heard.push(task.await.unwrap());
    }

    // Every voter who heard a refusal heard FAILED_PRECONDITION, and none was acknowledged
    // after the close.
    let refused: usize = heard.iter().map(|h| h.refusals.len()).sum();
    assert_eq!(refused, voters.len(), "every voter was refused at the end");
    assert!(heard
        .iter()
        .flat_map(|h| &h.refusals)
        .all(|code| code == "FAILED_PRECONDITION"));
    let acknowledged: Vec<&(String, String, Vec<i32>)> =
        heard.iter().flat_map(|h| &h.acknowledged).collect();
    assert!(
        acknowledged.len() > voters.len(),
        "ballots were cast, and changed, before the close"
    );
    for (_, cast_at, _) in &acknowledged {
        let cast_at: chrono::DateTime<chrono::Utc> = cast_at.parse().unwrap();
        assert!(
            cast_at < closed_at,
            "acknowledged at {cast_at}, closed at {closed_at}"
        );
    }

    // Every voter's last acknowledged ballot is counted, and nothing else.
    let mut expected: Vec<Vec<i32>> = heard
        .iter()
        .filter_map(|h| h.acknowledged.last().map(|(_, _, pick)| pick.clone()))
        .collect();
    let mut expected_receipts: Vec<String> = heard
        .iter()
        .filter_map(|h| h.acknowledged.last().map(|(receipt, _, _)| receipt.clone()))
        .collect();
    for h in &heard {
        assert!(
            h.acknowledged
                .iter()
                .all(|(r, _, _)| *r == h.acknowledged[0].0),
            "one receipt per voter, whatever they changed"
        );
    }
    let published = app.gql(PUBLISHED, json!({ "id": round }), None).await;
    let published = ok(&published)["votingRound"].clone();
    let mut counted: Vec<Vec<i32>> = published["publishedBallots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let mut ids: Vec<i32> = b["choices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| id(&c["proposalId"]))
                .collect();
            ids.sort();
            ids
        })
        .collect();
    expected.iter_mut().for_each(|ids| ids.sort());
    expected.sort();
    counted.sort();
    assert_eq!(counted, expected);
    expected_receipts.sort();
    assert_eq!(published["countedReceipts"], json!(expected_receipts));

    // The tally and the outcome equal a recount of the published ballots.
    let mut recount: BTreeMap<i32, i64> = BTreeMap::new();
    for ballot in &counted {
        for proposal in ballot {
            *recount.entry(*proposal).or_default() += 1;
        }
    }
    let tally = app.gql(TALLY, json!({ "id": round }), None).await;
    let tally = ok(&tally)["votingRound"]["tally"].clone();
    assert_eq!(tally["ballots"], json!(counted.len()));
    assert_eq!(tally["withheld"], false);
    for row in tally["rows"].as_array().unwrap() {
        assert_eq!(
            row["votes"],
            json!(recount.get(&id(&row["proposalId"])).copied().unwrap_or(0))
        );
    }
    let outcome = app
        .gql(
            "query($id: Int!) { votingRound(id: $id) { outcome { ballots rows { proposalId support } } } }",
            json!({ "id": round }),
            None,
        )
        .await;
    let outcome = ok(&outcome)["votingRound"]["outcome"].clone();
    assert_eq!(outcome["ballots"], json!(counted.len()));
    for row in outcome["rows"].as_array().unwrap() {
        let support = recount.get(&id(&row["proposalId"])).copied().unwrap_or(0);
        assert_eq!(row["support"], json!(support.to_string()));
    }
}

/// The errors of a response, without the path (which names the mutation's alias).
fn refusal(response: &Value) -> Value {
    let error = &response["errors"][0];
    json!({ "message": error["message"], "extensions": error["extensions"] })
}

async fn paper_ballots_only_for_people_present(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let present = residents(&app, &world, "Warga Hadir", 3).await;
    let online_voter = world.verified_resident(&app, "Warga Daring").await;
    let absent = world.verified_resident(&app, "Warga Tidak Hadir").await;
    let unverified = world
        .resident(&app, "Warga Belum Diverifikasi", world.kelurahan)
        .await;
    let elsewhere = world
        .resident(&app, "Warga Kelurahan Lain", world.other_kelurahan)
        .await;
    world.verify(&app, elsewhere.id).await;
    let [p1, p2, _] = three_proposals(&app, &world, &present[0]).await;
    let round = open_round(&app, &world, &moderator, false).await;

    // Before any session runs, nobody can be entered on paper.
    let paper = |voter: i32, number: &str| json!({ "input": { "roundId": round, "voterId": voter, "paperNumber": number, "choices": choices(&[p1]) } });
    let no_session = app
        .gql(PAPER, paper(present[0].id, "001"), moderator.token())
        .await;
    assert_code(&no_session, "FAILED_PRECONDITION");

    let session = world.open_session(&app, &moderator).await;
    for person in present.iter().chain([&online_voter]) {
        assert_eq!(check_in(&app, session, person).await["status"], "PRESENT");
    }
    // Guests from outside the forum's eligibility wait for the moderator, who lets them in.
    for guest in [&unverified, &elsewhere] {
        let entry = check_in(&app, session, guest).await;
        assert_eq!(entry["status"], "AWAITING_APPROVAL");
        let decided = app
            .gql(
                "mutation($id: Int!) { decideAttendance(attendanceId: $id, approve: true) { status } }",
                json!({ "id": id(&entry["id"]) }),
                moderator.token(),
            )
            .await;
        assert_eq!(ok(&decided)["decideAttendance"]["status"], "PRESENT");
    }
    ok(&app
        .gql(
            CAST,
            json!({ "round": round, "choices": choices(&[p2]) }),
            online_voter.token(),
        )
        .await);

    // A resident cannot enter paper ballots; the staff can, for someone present.
    assert_code(
        &app.gql(PAPER, paper(present[1].id, "001"), present[0].token())
            .await,
        "FORBIDDEN",
    );
    let entered = app
        .gql(PAPER, paper(present[0].id, "001"), moderator.token())
        .await;
    assert_eq!(
        ok(&entered)["enterPaperBallot"]["receipt"]
            .as_str()
            .unwrap()
            .len(),
        24
    );

    // Every refusal about the voter or the paper is the same answer, whatever the voter did.
    let attempts = [
        paper(present[1].id, "001"),   // the paper number was used
        paper(present[0].id, "002"),   // voted on paper already
        paper(online_voter.id, "003"), // voted online
        paper(absent.id, "004"),       // not at the session
        paper(unverified.id, "005"),   // present, but may not vote
        paper(elsewhere.id, "006"),    // present, lives elsewhere
        paper(987_654, "007"),         // nobody
    ];
    let mut answers = Vec::new();
    for attempt in &attempts {
        answers.push(refusal(
            &app.gql(PAPER, attempt.clone(), moderator.token()).await,
        ));
    }
    assert_eq!(answers[0]["extensions"]["code"], "FAILED_PRECONDITION");
    for answer in &answers {
        assert_eq!(answer, &answers[0]);
    }
    // … and each attempt is on record for the auditors.
    let audit = app
        .gql(
            "query { auditLog(first: 100) { edges { node { action actorId } } } }",
            json!({}),
            world.admin_token(),
        )
        .await;
    let refused_on_record = ok(&audit)["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["action"] == "ballot.paper_refused")
        .count();
    assert_eq!(
        refused_on_record,
        attempts.len() + 1,
        "with the one before the session"
    );

    // Online, the same people are refused for what they are.
    for (voter, code) in [(&unverified, "FORBIDDEN"), (&elsewhere, "FORBIDDEN")] {
        assert_code(
            &app.gql(
                CAST,
                json!({ "round": round, "choices": choices(&[p1]) }),
                voter.token(),
            )
            .await,
            code,
        );
    }
    assert_code(
        &app.gql(
            CAST,
            json!({ "round": round, "choices": choices(&[p1]) }),
            None,
        )
        .await,
        "UNAUTHENTICATED",
    );

    // The voter sees the paper ballot recorded in her name, without its choices, and contests it.
    let mine = app
        .gql(MY_BALLOT, json!({ "id": round }), present[0].token())
        .await;
    let mine = ok(&mine)["votingRound"]["myBallot"].clone();
    assert_eq!(mine["channel"], "PAPER");
    assert_eq!(mine["choices"], Value::Null);
    assert_eq!(mine["paperNumber"], "001");
    assert_eq!(mine["sessionId"], json!(session));
    assert_eq!(mine["enteredByName"], "Fasilitator Oro-oro Dowo");
    const CONTEST: &str = "mutation($round: Int!, $reason: String!) { contestPaperBallot(roundId: $round, reason: $reason) { contestedAt contestReason } }";
    assert_field_code(
        &app.gql(
            CONTEST,
            json!({ "round": round, "reason": "no" }),
            present[0].token(),
        )
        .await,
        "reason",
        "length",
    );
    assert_code(
        &app.gql(
            CONTEST,
            json!({ "round": round, "reason": "Saya tidak memilih di kertas" }),
            present[1].token(),
        )
        .await,
        "NOT_FOUND",
    );
    let contested = app
        .gql(
            CONTEST,
            json!({ "round": round, "reason": "Saya tidak mengisi surat suara kertas" }),
            present[0].token(),
        )
        .await;
    assert!(ok(&contested)["contestPaperBallot"]["contestedAt"].is_string());
    assert_code(
        &app.gql(
            CONTEST,
            json!({ "round": round, "reason": "Sekali lagi, bukan saya" }),
            present[0].token(),
        )
        .await,
        "CONFLICT",
    );
    const CONTESTS: &str = "query($id: Int!) { votingRound(id: $id) { paperBallotContests { voterId voterName paperNumber enteredByName reason } } }";
    assert_code(
        &app.gql(CONTESTS, json!({ "id": round }), present[1].token())
            .await,
        "FORBIDDEN",
    );
    let contests = app
        .gql(CONTESTS, json!({ "id": round }), moderator.token())
        .await;
    assert_eq!(
        ok(&contests)["votingRound"]["paperBallotContests"],
        json!([{ "voterId": present[0].id, "voterName": present[0].name, "paperNumber": "001",
            "enteredByName": "Fasilitator Oro-oro Dowo", "reason": "Saya tidak mengisi surat suara kertas" }])
    );

    // The staff annul it while the round is open; she then votes online herself.
    const ANNUL: &str = "mutation($round: Int!, $voter: Int!) { annulPaperBallot(roundId: $round, voterId: $voter, note: \"Disanggah pemilih, dibatalkan\") }";
    let annul = json!({ "round": round, "voter": present[0].id });
    assert_code(
        &app.gql(ANNUL, annul.clone(), present[1].token()).await,
        "FORBIDDEN",
    );
    assert_eq!(
        ok(&app.gql(ANNUL, annul.clone(), moderator.token()).await)["annulPaperBallot"],
        true
    );
    let mine = app
        .gql(MY_BALLOT, json!({ "id": round }), present[0].token())
        .await;
    assert_eq!(ok(&mine)["votingRound"]["myBallot"], Value::Null);
    ok(&app
        .gql(
            CAST,
            json!({ "round": round, "choices": choices(&[p2]) }),
            present[0].token(),
        )
        .await);
    assert_code(&app.gql(ANNUL, annul, moderator.token()).await, "NOT_FOUND");
}

async fn nothing_links_voters_to_choices_after_the_close(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let voters = residents(&app, &world, "Pemilih", 5).await;
    let [p1, p2, p3] = three_proposals(&app, &world, &voters[0]).await;
    let round = open_round(&app, &world, &moderator, false).await;
    let session = world.open_session(&app, &moderator).await;
    // Five different ballots, the last on paper, so each choice names one voter.
    let picks = [vec![p1], vec![p2], vec![p3], vec![p1, p2], vec![p2, p3]];
    let mut receipts = Vec::new();
    for (voter, pick) in voters.iter().zip(&picks).take(4) {
        let cast = app
            .gql(
                CAST,
                json!({ "round": round, "choices": choices(pick) }),
                voter.token(),
            )
            .await;
        receipts.push(
            ok(&cast)["castBallot"]["receipt"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    check_in(&app, session, &voters[4]).await;
    let paper = json!({ "input": { "roundId": round, "voterId": voters[4].id, "paperNumber": "A-17", "choices": choices(&picks[4]) } });
    receipts.push(
        ok(&app.gql(PAPER, paper, moderator.token()).await)["enterPaperBallot"]["receipt"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    let encoded: Vec<String> = picks.iter().map(|p| stored(p)).collect();
    let voter_ids: Vec<i64> = voters.iter().map(|v| i64::from(v.id)).collect();

    // While the round is open the server knows whose ballot is whose (a ballot can be replaced).
    let before = app.snapshot().await;
    assert!(before["ballots"].iter().all(|b| !b["voter_id"].is_null()));

    ok(&app
        .gql(CLOSE, json!({ "id": round }), moderator.token())
        .await);

    // Afterwards: the choices live only in `ballots`, whose rows name no account and no time,
    // ordered by their content; no other row of any table holds a choice.
    let after = app.snapshot().await;
    let mut seen = Vec::new();
    for (table, rows) in &after {
        for row in rows {
            let text = row.to_string();
            let holds: Vec<&String> = encoded
                .iter()
                .filter(|c| text.contains(c.as_str()))
                .collect();
            if holds.is_empty() {
                continue;
            }
            assert_eq!(table, "ballots", "a choice in {table}: {row}");
            for (column, value) in row.as_object().unwrap() {
                if !["id", "round_id", "choices"].contains(&column.as_str()) {
                    assert!(
                        value.is_null(),
                        "ballots.{column} = {value} after the close"
                    );
                }
            }
            for receipt in &receipts {
                assert!(
                    !text.contains(receipt.as_str()),
                    "a receipt next to choices: {row}"
                );
            }
            seen.push(row["choices"].as_str().unwrap().to_owned());
        }
    }
    let mut sorted = encoded.clone();
    sorted.sort();
    assert_eq!(
        seen, sorted,
        "one row per ballot, in the order of their content"
    );
    // Who voted is still known (one person, one vote), with their receipts and nothing chosen.
    let participations = &after["round_participations"];
    assert_eq!(participations.len(), 5);
    for p in participations {
        assert!(voter_ids.contains(&p["voter_id"].as_i64().unwrap()));
        assert!(receipts.contains(&p["receipt"].as_str().unwrap().to_owned()));
    }
    // The voter can check her receipt, but not show anyone what she chose.
    let mine = app
        .gql(MY_BALLOT, json!({ "id": round }), voters[0].token())
        .await;
    let mine = ok(&mine)["votingRound"]["myBallot"].clone();
    assert_eq!(
        (mine["sealed"].clone(), mine["choices"].clone()),
        (json!(true), Value::Null)
    );
    assert_eq!(mine["receipt"], json!(receipts[0]));
}

async fn open_data_order_ignores_the_casting_order(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let voters = residents(&app, &world, "Pemilih", 4).await;
    let [p1, p2, p3] = three_proposals(&app, &world, &voters[0]).await;
    let picks = [vec![p3], vec![p1, p2], vec![p2], vec![p1, p3]];
    let mut published = Vec::new();
    for reversed in [false, true] {
        let round = open_round(&app, &world, &moderator, false).await;
        let mut order: Vec<usize> = (0..voters.len()).collect();
        if reversed {
            order.reverse();
        }
        for i in order {
            ok(&app
                .gql(
                    CAST,
                    json!({ "round": round, "choices": choices(&picks[i]) }),
                    voters[i].token(),
                )
                .await);
        }
        ok(&app
            .gql(CLOSE, json!({ "id": round }), moderator.token())
            .await);
        let data = app.gql(PUBLISHED, json!({ "id": round }), None).await;
        let data = ok(&data)["votingRound"].clone();
        let pb = data["pabulib"].as_str().unwrap();
        let votes = pb[pb.find("VOTES").unwrap()..].to_owned();
        published.push((data["publishedBallots"].clone(), votes));
    }
    assert_eq!(published[0], published[1]);
}

async fn running_totals_advance_in_steps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.db.events().configure(|c| c.tally_minimum = 3);
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let voters = residents(&app, &world, "Pemilih", 7).await;
    let [p1, p2, _] = three_proposals(&app, &world, &voters[0]).await;
    let live = open_round(&app, &world, &moderator, true).await;
    let mut seen = Vec::new();
    for (i, voter) in voters.iter().enumerate() {
        let pick = if i % 2 == 0 { vec![p1] } else { vec![p2] };
        ok(&app
            .gql(
                CAST,
                json!({ "round": live, "choices": choices(&pick) }),
                voter.token(),
            )
            .await);
        // Residents and the moderator see the same totals.
        let public = app.gql(TALLY, json!({ "id": live }), None).await;
        let staff = app
            .gql(TALLY, json!({ "id": live }), moderator.token())
            .await;
        assert_eq!(ok(&public), ok(&staff));
        let tally = ok(&public)["votingRound"]["tally"].clone();
        seen.push((
            tally["ballots"].clone(),
            tally["counted"].clone(),
            tally["withheld"].clone(),
        ));
        if tally["counted"] == 3 {
            assert_eq!(
                tally["rows"].as_array().unwrap()[0],
                json!({ "proposalId": p1, "votes": 2 })
            );
        }
    }
    assert_eq!(
        seen,
        [
            (1, 0, true),
            (2, 0, true),
            (3, 3, false),
            (4, 3, false),
            (5, 3, false),
            (6, 6, false),
            (7, 6, false)
        ]
        .iter()
        .map(|(b, c, w)| (json!(b), json!(c), json!(w)))
        .collect::<Vec<_>>(),
        "no two published totals differ by fewer than three ballots"
    );
    // A round that publishes at the close shows only its turnout, to its staff too.
    let secret = open_round(&app, &world, &moderator, false).await;
    for voter in &voters[..4] {
        ok(&app
            .gql(
                CAST,
                json!({ "round": secret, "choices": choices(&[p1]) }),
                voter.token(),
            )
            .await);
    }
    let staff = app
        .gql(TALLY, json!({ "id": secret }), moderator.token())
        .await;
    assert_eq!(
        ok(&staff)["votingRound"]["tally"],
        json!({ "ballots": 4, "counted": 0, "withheld": true, "minimumBallots": 3, "rows": [] })
    );
    ok(&app
        .gql(CLOSE, json!({ "id": secret }), moderator.token())
        .await);
    let closed = app.gql(TALLY, json!({ "id": secret }), None).await;
    let closed = ok(&closed)["votingRound"]["tally"].clone();
    assert_eq!(
        (closed["counted"].clone(), closed["withheld"].clone()),
        (json!(4), json!(false))
    );
}

async fn live_polls_publish_totals_without_actors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.db.events().configure(|c| c.tally_minimum = 3);
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let people = residents(&app, &world, "Peserta", 4).await;
    let session = world.open_session(&app, &moderator).await;
    for person in &people {
        check_in(&app, session, person).await;
    }
    let item = id(&ok(&app
        .gql(
            "mutation($input: AgendaItemInput!) { addAgendaItem(input: $input) { id } }",
            json!({ "input": { "sessionId": session, "title": "Prioritas drainase" } }),
            moderator.token(),
        )
        .await)["addAgendaItem"]["id"]);
    ok(&app
        .gql(
            "mutation($s: Int!, $i: Int) { setCurrentItem(sessionId: $s, itemId: $i) { id } }",
            json!({ "s": session, "i": item }),
            moderator.token(),
        )
        .await);
    let poll = id(&ok(&app
        .gql(
            "mutation($input: OpenPollInput!) { openPoll(input: $input) { id } }",
            json!({ "input": { "sessionId": session, "question": "Setuju drainase diprioritaskan?", "kind": "YES_NO_ABSTAIN" } }),
            moderator.token(),
        )
        .await)["openPoll"]["id"]);
    const ANSWER: &str = "mutation($poll: Int!, $choice: Int!) { answerPoll(pollId: $poll, choice: $choice) { results { total answers withheld options { votes } } myAnswer } }";
    let mut results = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let answered = app
            .gql(
                ANSWER,
                json!({ "poll": poll, "choice": usize::from(i == 3) }),
                person.token(),
            )
            .await;
        assert_eq!(
            ok(&answered)["answerPoll"]["myAnswer"],
            json!(usize::from(i == 3))
        );
        results.push(ok(&answered)["answerPoll"]["results"].clone());
    }
    let votes = |r: &Value| -> Vec<i64> {
        r["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["votes"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(
        (results[1]["withheld"].clone(), votes(&results[1])),
        (json!(true), vec![0, 0, 0])
    );
    assert_eq!(results[1]["answers"], 2);
    assert_eq!(
        (results[2]["total"].clone(), votes(&results[2])),
        (json!(3), vec![3, 0, 0])
    );
    assert_eq!(
        (
            results[3]["total"].clone(),
            results[3]["answers"].clone(),
            votes(&results[3])
        ),
        (json!(3), json!(4), vec![3, 0, 0]),
        "the fourth answer waits for the next step"
    );
    let closed = app
        .gql(
            "mutation($poll: Int!) { closePoll(pollId: $poll) { results { total withheld options { votes } } myAnswer } }",
            json!({ "poll": poll }),
            people[0].token(),
        )
        .await;
    assert_code(&closed, "FORBIDDEN");
    let closed = app
        .gql(
            "mutation($poll: Int!) { closePoll(pollId: $poll) { results { total withheld options { votes } } myAnswer } }",
            json!({ "poll": poll }),
            moderator.token(),
        )
        .await;
    assert_eq!(votes(&ok(&closed)["closePoll"]["results"]), vec![3, 1, 0]);

    // The stream shows one results step and the close; results events name no actor.
    let events = app
        .gql(
            "query($s: Int!) { sessionEvents(sessionId: $s) { kind actorId data } }",
            json!({ "s": session }),
            None,
        )
        .await;
    let polls: Vec<Value> = ok(&events)["sessionEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"].as_str().unwrap().starts_with("POLL_"))
        .cloned()
        .collect();
    let kinds: Vec<&str> = polls.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["POLL_OPENED", "POLL_RESULTS", "POLL_CLOSED"]);
    assert_eq!(polls[1]["actorId"], Value::Null);
    assert_eq!(polls[1]["data"]["results"]["total"], 3);
    // After the close only the totals are kept: no answer, nobody's own answer.
    assert!(app.snapshot().await["poll_answers"].is_empty());
    let mine = app
        .gql(
            "query($s: Int!) { liveSession(id: $s) { polls { myAnswer results { total } } } }",
            json!({ "s": session }),
            people[3].token(),
        )
        .await;
    assert_eq!(
        ok(&mine)["liveSession"]["polls"],
        json!([{ "myAnswer": null, "results": { "total": 4 } }])
    );
}

async fn only_the_forums_people_take_part(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let resident = world.verified_resident(&app, "Warga Oro-oro Dowo").await;
    let guest = world
        .resident(&app, "Tamu Dinas", world.other_kelurahan)
        .await;
    world.verify(&app, guest.id).await;
    let refused = world
        .resident(&app, "Tamu Ditolak", world.other_kelurahan)
        .await;
    let session = world.open_session(&app, &moderator).await;
    const CHAT: &str =
        "mutation($s: Int!) { sendChatMessage(sessionId: $s, body: \"Selamat pagi\") { id } }";
    const RAISE: &str = "mutation($s: Int!) { raiseHand(sessionId: $s) { id } }";
    const DECIDE: &str = "mutation($id: Int!, $approve: Boolean!) { decideAttendance(attendanceId: $id, approve: $approve) { status } }";

    assert_eq!(
        check_in(&app, session, &resident).await["status"],
        "PRESENT"
    );
    ok(&app
        .gql(CHAT, json!({ "s": session }), resident.token())
        .await);
    let guest_entry = check_in(&app, session, &guest).await;
    assert_eq!(guest_entry["status"], "AWAITING_APPROVAL");
    for operation in [CHAT, RAISE] {
        assert_code(
            &app.gql(operation, json!({ "s": session }), guest.token())
                .await,
            "FORBIDDEN",
        );
    }
    // Anyone may follow the session meanwhile.
    ok(&app
        .gql(
            "query($s: Int!) { liveSession(id: $s) { status } }",
            json!({ "s": session }),
            guest.token(),
        )
        .await);
    let decide =
        |entry: &Value, approve: bool| json!({ "id": id(&entry["id"]), "approve": approve });
    assert_code(
        &app.gql(DECIDE, decide(&guest_entry, true), resident.token())
            .await,
        "FORBIDDEN",
    );
    assert_eq!(
        ok(&app
            .gql(DECIDE, decide(&guest_entry, true), moderator.token())
            .await)["decideAttendance"]["status"],
        "PRESENT"
    );
    ok(&app.gql(CHAT, json!({ "s": session }), guest.token()).await);

    let refused_entry = check_in(&app, session, &refused).await;
    assert_eq!(
        ok(&app
            .gql(DECIDE, decide(&refused_entry, false), moderator.token())
            .await)["decideAttendance"]["status"],
        "REFUSED"
    );
    assert_code(
        &app.gql(CHAT, json!({ "s": session }), refused.token())
            .await,
        "FORBIDDEN",
    );
    assert_code(
        &app.gql(
            "mutation($s: Int!) { checkIn(sessionId: $s) { id } }",
            json!({ "s": session }),
            None,
        )
        .await,
        "UNAUTHENTICATED",
    );
}

backend_tests!(
    ballots_racing_the_close,
    paper_ballots_only_for_people_present,
    nothing_links_voters_to_choices_after_the_close,
    open_data_order_ignores_the_casting_order,
    running_totals_advance_in_steps,
    live_polls_publish_totals_without_actors,
    only_the_forums_people_take_part,
);
