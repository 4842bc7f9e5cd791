//! Escalation between levels and after the plan: a proposal walks from the kelurahan forum to
//! the kecamatan forum, the city forum and into the plan; reserve promotion within the limit;
//! count limits; carry-over into the next cycle; implementation milestones; the resident's
//! view of the whole path.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::{json, Value};

const CLOSE: &str =
    "mutation($input: CloseForumInput!) { closeForum(input: $input) { id status closedAt } }";
const SET_STATUS: &str = "mutation($id: Int!, $status: ForumStatus!) { setForumStatus(forumId: $id, status: $status) { status } }";
const PRIORITY: &str = "query($id: Int!) { forum(id: $id) { status priorityList { fixed roundId budget
    rows { rank list reason support cost outcome note proposal { id status level forum { id } } } } } }";
const PROMOTE: &str = "mutation($f: Int!, $p: Int!) { promoteReserve(forumId: $f, proposalId: $p) { id status level } }";
const REPORT: &str = "mutation($input: ReportImplementationInput!) { reportImplementation(input: $input) { id status happenedOn note photoUrl } }";
const CARRY: &str = "mutation($input: CarryOverInput!) { carryOverProposal(input: $input) { id code status title estimatedCost forum { id } carriedOverFrom { id } history { toStatus note } } }";
const PATH: &str = "query($id: Int!) { proposal(id: $id) { status implementationStatus path {
    inPlan implementationStatus carriedOverFromId carriedOverToId
    implementation { status note photoUrl }
    levels { forumId forumName level status arrivedAt leftAt
      changes { fromStatus toStatus note }
      votes { roundId ballots votes closed }
      priority { rank list reason outcome note } } } } }";

async fn open_session(app: &TestApp, token: Option<&str>, forum: i32) {
    for status in ["SCHEDULED", "IN_SESSION"] {
        ok(&app
            .gql(SET_STATUS, json!({ "id": forum, "status": status }), token)
            .await);
    }
}

async fn close(app: &TestApp, token: Option<&str>, forum: i32, order: Option<&[i32]>) -> Value {
    app.gql(
        CLOSE,
        json!({ "input": { "forumId": forum, "agreedOrder": order } }),
        token,
    )
    .await
}

async fn priority(app: &TestApp, forum: i32) -> Value {
    ok(&app.gql(PRIORITY, json!({ "id": forum }), None).await)["forum"].clone()
}

fn rows_by_proposal(list: &Value) -> Vec<(i32, Value)> {
    list["priorityList"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (id(&r["proposal"]["id"]), r.clone()))
        .collect()
}

async fn a_proposal_walks_from_kelurahan_into_the_plan(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let moderator = w
        .moderator(&app, "Fasilitator Oro-oro Dowo", w.forum_kelurahan)
        .await;
    let ani = w.verified_resident(&app, "Ani Wulandari").await;
    let budi = w.verified_resident(&app, "Budi Hartono").await;
    let citra = w.verified_resident(&app, "Citra Dewi").await;
    let drainage = w
        .verified(
            &app,
            &ani,
            json!({ "title": "Saluran drainase Jl. Kawi", "estimatedCost": 300_000_000i64 }),
        )
        .await;
    let lamps = w
        .verified(
            &app,
            &budi,
            json!({ "title": "Lampu jalan Jl. Ijen", "estimatedCost": 250_000_000i64 }),
        )
        .await;
    let posyandu = w
        .verified(
            &app,
            &citra,
            json!({ "title": "Posyandu Melati", "estimatedCost": 200_000_000i64 }),
        )
        .await;

    // The forum votes: drainage 3, lamps 2, posyandu 1; within Rp 650 juta the third does not fit.
    let round = id(&ok(&app
        .gql(
            "mutation($input: OpenRoundInput!) { openVotingRound(input: $input) { id } }",
            json!({ "input": { "forumId": w.forum_kelurahan, "title": "Pemungutan suara 2027", "method": "APPROVAL",
                "maxChoices": 2, "rule": "greedy", "opensAt": days_from_now(-1), "closesAt": days_from_now(2) } }),
            moderator.token(),
        )
        .await)["openVotingRound"]["id"]);
    for (voter, picks) in [
        (&ani, [drainage, lamps]),
        (&budi, [drainage, posyandu]),
        (&citra, [drainage, lamps]),
    ] {
        let choices: Vec<Value> = picks.iter().map(|p| json!({ "proposalId": p })).collect();
        ok(&app
            .gql(
                "mutation($r: Int!, $c: [ChoiceInput!]!) { castBallot(roundId: $r, choices: $c) { receipt } }",
                json!({ "r": round, "c": choices }),
                voter.token(),
            )
            .await);
    }
    open_session(&app, moderator.token(), w.forum_kelurahan).await;
    // A round still open blocks the close.
    let response = close(&app, moderator.token(), w.forum_kelurahan, None).await;
    assert_code(&response, "FAILED_PRECONDITION");
    assert!(response["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("close the voting round first"));
    ok(&app
        .gql(
            "mutation($id: Int!) { closeVotingRound(roundId: $id) { isClosed } }",
            json!({ "id": round }),
            moderator.token(),
        )
        .await);

    // Before the close, everyone sees the list as closing would fix it.
    let draft = priority(&app, w.forum_kelurahan).await;
    assert_eq!(draft["priorityList"]["fixed"], false);
    assert_eq!(draft["priorityList"]["budget"], 650_000_000i64);
    let ranks: Vec<(i32, String, Value)> = rows_by_proposal(&draft)
        .into_iter()
        .map(|(p, r)| {
            (
                p,
                r["list"].as_str().unwrap().to_owned(),
                r["outcome"].clone(),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        vec![
            (drainage, "MAIN".into(), Value::Null),
            (lamps, "MAIN".into(), Value::Null),
            (posyandu, "RESERVE".into(), Value::Null)
        ]
    );

    // Residents cannot close a forum; an agreed order is refused when the forum voted.
    assert_code(
        &close(&app, ani.token(), w.forum_kelurahan, None).await,
        "FORBIDDEN",
    );
    assert_field_code(
        &close(
            &app,
            moderator.token(),
            w.forum_kelurahan,
            Some(&[lamps, drainage, posyandu]),
        )
        .await,
        "agreedOrder",
        "voted",
    );
    assert_eq!(
        app.snapshot().await["priority_entries"].len(),
        0,
        "nothing fixed by refused closes"
    );

    let closed = close(&app, moderator.token(), w.forum_kelurahan, None).await;
    assert_eq!(ok(&closed)["closeForum"]["status"], "CLOSED");
    assert!(ok(&closed)["closeForum"]["closedAt"].is_string());
    let fixed = priority(&app, w.forum_kelurahan).await;
    assert_eq!(fixed["priorityList"]["fixed"], true);
    assert_eq!(fixed["priorityList"]["roundId"], round);
    let rows = rows_by_proposal(&fixed);
    assert_eq!(rows[0].1["outcome"], "FORWARDED");
    assert_eq!(rows[0].1["support"], "3");
    assert_eq!(rows[0].1["proposal"]["level"], "KECAMATAN");
    assert_eq!(id(&rows[0].1["proposal"]["forum"]["id"]), w.forum_kecamatan);
    assert_eq!(rows[1].1["outcome"], "FORWARDED");
    assert_eq!(rows[2].1["outcome"], "RESERVE");
    assert_eq!(rows[2].1["reason"], "DID_NOT_FIT_REMAINING_BUDGET");
    assert_eq!(
        rows[2].1["note"],
        "Tidak cukup pagu: sisa Rp 100.000.000 saat gilirannya"
    );
    assert_eq!(rows[2].1["proposal"]["status"], "RESERVE");

    // Rp 100 juta remain: the Rp 200 juta reserve cannot be promoted.
    let refused = app
        .gql(
            PROMOTE,
            json!({ "f": w.forum_kelurahan, "p": posyandu }),
            moderator.token(),
        )
        .await;
    assert_code(&refused, "FAILED_PRECONDITION");
    assert!(refused["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Rp 100.000.000 remain"));
    assert_code(
        &app.gql(
            PROMOTE,
            json!({ "f": w.forum_kelurahan, "p": posyandu }),
            citra.token(),
        )
        .await,
        "FORBIDDEN",
    );

    // Kecamatan: the forum verifies what arrived and agrees an order without voting.
    for p in [drainage, lamps] {
        w.transition(&app, &w.admin, p, "VERIFIED", None).await;
    }
    open_session(&app, w.admin_token(), w.forum_kecamatan).await;
    assert_field_code(
        &close(&app, w.admin_token(), w.forum_kecamatan, Some(&[lamps])).await,
        "agreedOrder",
        "set",
    );
    ok(&close(
        &app,
        w.admin_token(),
        w.forum_kecamatan,
        Some(&[lamps, drainage]),
    )
    .await);
    let kecamatan = rows_by_proposal(&priority(&app, w.forum_kecamatan).await);
    assert_eq!(kecamatan[0].0, lamps, "the agreed order");
    assert_eq!(kecamatan[0].1["rank"], 1);
    assert!(kecamatan.iter().all(|(_, r)| r["outcome"] == "FORWARDED"));

    // The city forum: the highest level; its main list enters the plan.
    for p in [drainage, lamps] {
        w.transition(&app, &w.admin, p, "VERIFIED", None).await;
    }
    open_session(&app, w.admin_token(), w.forum_kota).await;
    ok(&close(&app, w.admin_token(), w.forum_kota, None).await);
    let kota = rows_by_proposal(&priority(&app, w.forum_kota).await);
    assert!(kota
        .iter()
        .all(|(_, r)| r["outcome"] == "ACCEPTED" && r["proposal"]["status"] == "ACCEPTED"));

    // The responsible agency reports progress; others may not; the date cannot be in the future.
    let dinas = w.resident(&app, "Staf Dinas PU", w.kelurahan).await;
    w.grant(
        &app,
        json!({ "accountId": dinas.id, "role": "AGENCY", "agencyId": w.agency }),
    )
    .await;
    // Dates are Kota Malang's (WIB, UTC+7): from 17:00 UTC its today is UTC's tomorrow.
    let wib_today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .date_naive();
    let report = |user: &User, changes: Value| {
        let mut input = json!({ "proposalId": drainage, "status": "IN_PROGRESS",
            "happenedOn": wib_today.to_string(),
            "note": "Galian saluran dimulai", "photoUrl": "https://foto.example/galian.jpg" });
        for (k, v) in changes.as_object().unwrap() {
            input[k] = v.clone();
        }
        let token = user.token().map(str::to_owned);
        let app = &app;
        async move {
            app.gql(REPORT, json!({ "input": input }), token.as_deref())
                .await
        }
    };
    assert_code(&report(&ani, json!({})).await, "FORBIDDEN");
    assert_field_code(
        &report(&dinas, json!({ "happenedOn": "2999-01-01" })).await,
        "happenedOn",
        "future",
    );
    assert_field_code(
        &report(
            &dinas,
            json!({ "happenedOn": wib_today.succ_opt().unwrap().to_string() }),
        )
        .await,
        "happenedOn",
        "future",
    );
    assert_code(
        &report(&dinas, json!({ "proposalId": posyandu })).await,
        "FAILED_PRECONDITION",
    );
    let reported = report(&dinas, json!({})).await;
    assert_eq!(
        ok(&reported)["reportImplementation"]["status"],
        "IN_PROGRESS"
    );

    // The proposer follows the whole path.
    let path = ok(&app.gql(PATH, json!({ "id": drainage }), ani.token()).await)["proposal"].clone();
    assert_eq!(path["status"], "ACCEPTED");
    assert_eq!(path["implementationStatus"], "IN_PROGRESS");
    let levels = path["path"]["levels"].as_array().unwrap();
    let names: Vec<&str> = levels
        .iter()
        .map(|l| l["level"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["DESA_KELURAHAN", "KECAMATAN", "KABUPATEN_KOTA"]);
    assert_eq!(levels[0]["votes"][0]["votes"], 3);
    assert_eq!(levels[0]["votes"][0]["ballots"], 3);
    assert_eq!(levels[0]["priority"]["rank"], 1);
    assert_eq!(levels[0]["priority"]["outcome"], "FORWARDED");
    assert!(levels[0]["leftAt"].is_string());
    assert_eq!(levels[1]["priority"]["rank"], 2);
    assert_eq!(levels[2]["priority"]["outcome"], "ACCEPTED");
    assert_eq!(levels[2]["status"], "ACCEPTED");
    assert_eq!(path["path"]["inPlan"], true);
    assert_eq!(
        path["path"]["implementation"][0]["photoUrl"],
        "https://foto.example/galian.jpg"
    );
}

async fn a_count_limit_sends_up_the_first_and_keeps_the_reserve(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let ani = w.verified_resident(&app, "Ani Wulandari").await;
    ok(&app
        .gql(
            "mutation($input: UpdateForumInput!) { updateForum(input: $input) { maxCount } }",
            json!({ "input": { "id": w.forum_kelurahan_b, "selectionLimit": "COUNT", "maxCount": 1 } }),
            w.admin_token(),
        )
        .await);
    let at_kauman = json!({ "forumId": w.forum_kelurahan_b, "regionId": w.kelurahan_b });
    let first = w.verified(&app, &ani, at_kauman.clone()).await;
    let second = w.verified(&app, &ani, at_kauman.clone()).await;
    let returned = w.submitted(&app, &ani, at_kauman).await;
    w.transition(&app, &w.admin, returned, "RETURNED", Some("Lengkapi RAB"))
        .await;
    open_session(&app, w.admin_token(), w.forum_kelurahan_b).await;
    ok(&close(&app, w.admin_token(), w.forum_kelurahan_b, None).await);
    let rows = rows_by_proposal(&priority(&app, w.forum_kelurahan_b).await);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].0, rows[0].1["outcome"].as_str()),
        (first, Some("FORWARDED"))
    );
    assert_eq!(
        (rows[1].0, rows[1].1["reason"].as_str()),
        (second, Some("COUNT_LIMIT_REACHED"))
    );
    assert_eq!(rows[1].1["outcome"], "RESERVE");
    let refused = app
        .gql(
            PROMOTE,
            json!({ "f": w.forum_kelurahan_b, "p": second }),
            w.admin_token(),
        )
        .await;
    assert_code(&refused, "FAILED_PRECONDITION");
    // The proposal returned for revision and never resubmitted is closed with the reason.
    let closed = ok(&w.proposal(&app, w.admin_token(), returned).await)["proposal"].clone();
    assert_eq!(closed["status"], "REJECTED");
    assert_eq!(
        closed["history"].as_array().unwrap().last().unwrap()["note"],
        "Tidak diajukan kembali sebelum forum ditutup"
    );

    // With the limit raised, the reserve moves up.
    let forum = musrenbang::domain::find::<entity::forum::Entity>(
        app.db.reader(),
        w.forum_kelurahan_b,
        "forum",
    )
    .await
    .unwrap();
    let mut raised: entity::forum::ActiveModel = forum.into();
    raised.max_count = sea_orm::Set(Some(2));
    sea_orm::ActiveModelTrait::update(raised, app.db.writer())
        .await
        .unwrap();
    let promoted = app
        .gql(
            PROMOTE,
            json!({ "f": w.forum_kelurahan_b, "p": second }),
            w.admin_token(),
        )
        .await;
    assert_eq!(ok(&promoted)["promoteReserve"]["status"], "FORWARDED");
    assert_eq!(ok(&promoted)["promoteReserve"]["level"], "KECAMATAN");
    let again = app
        .gql(
            PROMOTE,
            json!({ "f": w.forum_kelurahan_b, "p": second }),
            w.admin_token(),
        )
        .await;
    assert_code(&again, "FAILED_PRECONDITION");
}

async fn carry_over_continues_a_proposal_in_the_next_cycle(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let ani = w.verified_resident(&app, "Ani Wulandari").await;
    let budi = w.verified_resident(&app, "Budi Hartono").await;
    let rejected = w
        .verified(&app, &ani, json!({ "title": "Taman bermain RW 02" }))
        .await;
    let in_play = w.verified(&app, &ani, json!({})).await;
    w.transition(
        &app,
        &w.admin,
        rejected,
        "REJECTED",
        Some("Lahan belum tersedia"),
    )
    .await;

    let (next, next_forum) = w.next_year(&app, true).await;

    let carry = |user: &User, proposal: i32, cycle: i32| {
        let token = user.token().map(str::to_owned);
        let app = &app;
        async move {
            app.gql(
                CARRY,
                json!({ "input": { "proposalId": proposal, "cycleId": cycle } }),
                token.as_deref(),
            )
            .await
        }
    };
    assert_code(&carry(&budi, rejected, next).await, "FORBIDDEN");
    assert_code(&carry(&ani, in_play, next).await, "FAILED_PRECONDITION");
    assert_field_code(&carry(&ani, rejected, w.cycle).await, "cycleId", "later");
    let before = app.snapshot().await["proposals"].len();
    let carried = carry(&ani, rejected, next).await;
    let carried = ok(&carried)["carryOverProposal"].clone();
    assert_eq!(app.snapshot().await["proposals"].len(), before + 1);
    assert_eq!(carried["status"], "SUBMITTED");
    assert_eq!(carried["title"], "Taman bermain RW 02");
    assert!(carried["code"].as_str().unwrap().starts_with("USL-2028-"));
    assert_eq!(id(&carried["forum"]["id"]), next_forum);
    assert_eq!(id(&carried["carriedOverFrom"]["id"]), rejected);
    assert!(
        carried["history"].as_array().unwrap().last().unwrap()["note"]
            .as_str()
            .unwrap()
            .starts_with("Dilanjutkan dari usulan USL-")
    );
    assert_code(&carry(&ani, rejected, next).await, "CONFLICT");
    let original =
        ok(&app.gql(PATH, json!({ "id": rejected }), ani.token()).await)["proposal"].clone();
    assert_eq!(id(&original["path"]["carriedOverToId"]), id(&carried["id"]));
}

backend_tests!(
    a_proposal_walks_from_kelurahan_into_the_plan,
    a_count_limit_sends_up_the_first_and_keeps_the_reserve,
    carry_over_continues_a_proposal_in_the_next_cycle,
);
