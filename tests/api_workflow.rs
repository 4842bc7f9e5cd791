//! The proposal workflow across levels: every allowed transition by the right party, every
//! refused one, forwarding up the forum tree, merging, editing rules, drafts' privacy, and the
//! stage and forum preconditions.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::{json, Value};

/// The people of a workflow scenario.
struct Cast {
    world: World,
    /// Proposes (verified resident of Oro-oro Dowo).
    warga: User,
    /// Another verified resident.
    tetangga: User,
    /// Moderator of Oro-oro Dowo's forum.
    fasilitator: User,
    /// Bappeda planner of Kota Malang.
    bappeda: User,
}

async fn cast(app: &TestApp) -> Cast {
    let world = World::build(app).await;
    let warga = world.verified_resident(app, "Sri Wahyuni").await;
    let tetangga = world.verified_resident(app, "Joko Purnomo").await;
    let fasilitator = world
        .moderator(app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let bappeda = world.planner(app, "Perencana Bappeda", world.city).await;
    Cast {
        world,
        warga,
        tetangga,
        fasilitator,
        bappeda,
    }
}

fn history(proposal: &Value) -> Vec<(Value, Value, i32, Value, Value, i32)> {
    proposal["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| {
            (
                h["fromStatus"].clone(),
                h["toStatus"].clone(),
                id(&h["actorId"]),
                h["note"].clone(),
                h["level"].clone(),
                id(&h["forumId"]),
            )
        })
        .collect()
}

async fn proposal_as_admin(app: &TestApp, c: &Cast, proposal: i32) -> Value {
    ok(&c.world.proposal(app, c.world.admin_token(), proposal).await)["proposal"].clone()
}

async fn audit_actions(
    app: &TestApp,
    token: Option<&str>,
) -> Vec<(String, Option<i64>, Option<i64>)> {
    let response = app
        .gql(
            "{ auditLog(first: 100) { edges { node { action actorId entityId } } } }",
            json!({}),
            token,
        )
        .await;
    ok(&response)["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["action"].as_str().unwrap().to_owned(),
                n["actorId"].as_i64(),
                n["entityId"].as_i64(),
            )
        })
        .collect()
}

/// A proposal walks from the kelurahan to the city plan; its history keeps every step with the
/// level and forum where it was decided.
async fn from_kelurahan_to_the_city_plan(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = cast(&app).await;
    let w = &c.world;

    let response = app
        .gql(
            CREATE_PROPOSAL,
            json!({ "input": w.proposal_input(json!({})) }),
            c.warga.token(),
        )
        .await;
    let created = &ok(&response)["createProposal"];
    let p = id(&created["id"]);
    assert_eq!(created["status"], "DRAFT");
    assert_eq!(created["level"], "DESA_KELURAHAN");
    assert_eq!(created["code"], format!("USL-2027-{p:06}"));

    let moved = w.transition(&app, &c.warga, p, "SUBMITTED", None).await;
    assert_eq!(moved["status"], "SUBMITTED");
    let moved = w
        .transition(
            &app,
            &c.fasilitator,
            p,
            "VERIFIED",
            Some("Lokasi sudah dicek bersama ketua RW"),
        )
        .await;
    assert_eq!(moved["status"], "VERIFIED");
    let moved = w
        .transition(
            &app,
            &c.fasilitator,
            p,
            "FORWARDED",
            Some("Prioritas 1 kelurahan"),
        )
        .await;
    assert_eq!(
        (
            moved["status"].as_str(),
            moved["level"].as_str(),
            id(&moved["forum"]["id"])
        ),
        (Some("FORWARDED"), Some("KECAMATAN"), w.forum_kecamatan),
        "forwarding carries the proposal to the kecamatan forum"
    );
    // At the kecamatan the kelurahan's moderator no longer runs it; the city's planner does.
    assert_code(
        &transition(&app, c.fasilitator.token(), p, "VERIFIED", None).await,
        "FORBIDDEN",
    );
    w.transition(&app, &c.bappeda, p, "VERIFIED", None).await;
    let moved = w.transition(&app, &c.bappeda, p, "FORWARDED", None).await;
    assert_eq!(
        (moved["level"].as_str(), id(&moved["forum"]["id"])),
        (Some("KABUPATEN_KOTA"), w.forum_kota)
    );
    w.transition(&app, &c.bappeda, p, "VERIFIED", None).await;
    let moved = w
        .transition(&app, &c.bappeda, p, "ACCEPTED", Some("Masuk RKPD 2027"))
        .await;
    assert_eq!(moved["status"], "ACCEPTED");

    let seen = ok(&w.proposal(&app, None, p).await)["proposal"].clone();
    let (kel, kec, kota) = (w.forum_kelurahan, w.forum_kecamatan, w.forum_kota);
    let (warga, fas, bap) = (c.warga.id, c.fasilitator.id, c.bappeda.id);
    let n = Value::Null;
    let s = |v: &str| json!(v);
    assert_eq!(
        history(&seen),
        vec![
            (
                n.clone(),
                s("DRAFT"),
                warga,
                n.clone(),
                s("DESA_KELURAHAN"),
                kel
            ),
            (
                s("DRAFT"),
                s("SUBMITTED"),
                warga,
                n.clone(),
                s("DESA_KELURAHAN"),
                kel
            ),
            (
                s("SUBMITTED"),
                s("VERIFIED"),
                fas,
                s("Lokasi sudah dicek bersama ketua RW"),
                s("DESA_KELURAHAN"),
                kel
            ),
            (
                s("VERIFIED"),
                s("FORWARDED"),
                fas,
                s("Prioritas 1 kelurahan"),
                s("DESA_KELURAHAN"),
                kel
            ),
            (
                s("FORWARDED"),
                s("VERIFIED"),
                bap,
                n.clone(),
                s("KECAMATAN"),
                kec
            ),
            (
                s("VERIFIED"),
                s("FORWARDED"),
                bap,
                n.clone(),
                s("KECAMATAN"),
                kec
            ),
            (
                s("FORWARDED"),
                s("VERIFIED"),
                bap,
                n.clone(),
                s("KABUPATEN_KOTA"),
                kota
            ),
            (
                s("VERIFIED"),
                s("ACCEPTED"),
                bap,
                s("Masuk RKPD 2027"),
                s("KABUPATEN_KOTA"),
                kota
            ),
        ]
    );
    assert_eq!(seen["status"], "ACCEPTED");
    assert_eq!(seen["level"], "KABUPATEN_KOTA");

    // Staff decisions are audited, the proposer's own steps are not.
    let audited: Vec<_> = audit_actions(&app, c.bappeda.token())
        .await
        .into_iter()
        .filter(|(action, _, entity)| action == "proposal.transition" && *entity == Some(p as i64))
        .map(|(_, actor, _)| actor.unwrap() as i32)
        .collect();
    assert_eq!(audited, vec![bap, bap, bap, bap, fas, fas], "newest first");
}

/// The statuses a proposal may move to, as the README and `workflow.rs` state them.
const ALLOWED: &[(&str, &[&str])] = &[
    ("DRAFT", &["SUBMITTED", "WITHDRAWN"]),
    (
        "SUBMITTED",
        &["DRAFT", "WITHDRAWN", "RETURNED", "VERIFIED", "REJECTED"],
    ),
    ("RETURNED", &["SUBMITTED", "WITHDRAWN"]),
    (
        "VERIFIED",
        &[
            "REJECTED",
            "MERGED",
            "RESERVE",
            "FORWARDED",
            "ACCEPTED",
            "NOT_ACCEPTED",
        ],
    ),
    ("FORWARDED", &["VERIFIED", "REJECTED"]),
    (
        "RESERVE",
        &["VERIFIED", "REJECTED", "MERGED", "ACCEPTED", "NOT_ACCEPTED"],
    ),
    ("REJECTED", &[]),
    ("MERGED", &[]),
    ("ACCEPTED", &[]),
    ("NOT_ACCEPTED", &[]),
    ("WITHDRAWN", &[]),
];

const STATUSES: [&str; 11] = [
    "DRAFT",
    "SUBMITTED",
    "RETURNED",
    "VERIFIED",
    "FORWARDED",
    "REJECTED",
    "MERGED",
    "RESERVE",
    "ACCEPTED",
    "NOT_ACCEPTED",
    "WITHDRAWN",
];

/// Builds a proposal of `c.warga` in status `status`. VERIFIED, RESERVE, ACCEPTED and
/// NOT_ACCEPTED proposals stand at the top (kota) forum when `at_top`; FORWARDED ones at the
/// kecamatan. Returns the proposal id.
async fn proposal_in(app: &TestApp, c: &Cast, status: &str, at_top: bool) -> i32 {
    let w = &c.world;
    let staff = &c.fasilitator;
    let note = Some("Catatan fasilitator");
    match status {
        "DRAFT" => w.draft(app, &c.warga, json!({})).await,
        "SUBMITTED" => w.submitted(app, &c.warga, json!({})).await,
        "RETURNED" | "WITHDRAWN" | "REJECTED" => {
            let p = w.submitted(app, &c.warga, json!({})).await;
            let actor = if status == "WITHDRAWN" {
                &c.warga
            } else {
                staff
            };
            w.transition(app, actor, p, status, note).await;
            p
        }
        "VERIFIED" | "RESERVE" | "MERGED" | "ACCEPTED" | "NOT_ACCEPTED" => {
            let p = if at_top || matches!(status, "ACCEPTED" | "NOT_ACCEPTED") {
                w.verified_at_top(app, &c.warga).await
            } else {
                w.verified(app, &c.warga, json!({})).await
            };
            let decider = if at_top { &c.bappeda } else { staff };
            match status {
                "RESERVE" => {
                    w.transition(app, decider, p, "RESERVE", None).await;
                }
                "MERGED" => {
                    let other = if at_top {
                        w.verified_at_top(app, &c.tetangga).await
                    } else {
                        w.verified(app, &c.tetangga, json!({})).await
                    };
                    let response = app
                        .gql(TRANSITION, json!({ "input": { "proposalId": p, "to": "MERGED", "mergedIntoId": other } }), decider.token())
                        .await;
                    ok(&response);
                }
                "ACCEPTED" | "NOT_ACCEPTED" => {
                    w.transition(app, &c.bappeda, p, status, note).await;
                }
                _ => {}
            }
            p
        }
        "FORWARDED" => {
            let p = w.verified(app, &c.warga, json!({})).await;
            w.transition(app, staff, p, "FORWARDED", None).await;
            p
        }
        other => panic!("no recipe for {other}"),
    }
}

/// Every allowed transition succeeds for the right party and records who, when, why and where.
async fn every_allowed_transition(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = cast(&app).await;
    let w = &c.world;
    for &(from, targets) in ALLOWED {
        for to in targets.iter().copied() {
            // Plan decisions are taken at the top forum; everything else at the kelurahan (or, for
            // a forwarded proposal, at the kecamatan).
            let top = matches!(to, "ACCEPTED" | "NOT_ACCEPTED");
            let p = proposal_in(&app, &c, from, top).await;
            let before = proposal_as_admin(&app, &c, p).await;
            let (actor, note) = match (from, to) {
                (_, "DRAFT" | "SUBMITTED" | "WITHDRAWN") => (&c.warga, None),
                ("FORWARDED", _) => (&c.bappeda, Some("Keputusan kecamatan")),
                (_, "ACCEPTED" | "NOT_ACCEPTED") => (&c.bappeda, Some("Keputusan kota")),
                _ => (&c.fasilitator, Some("Keputusan kelurahan")),
            };
            let mut input = json!({ "proposalId": p, "to": to, "note": note });
            let mut target = None;
            if to == "MERGED" {
                let other = w.verified(&app, &c.tetangga, json!({})).await;
                input["mergedIntoId"] = json!(other);
                target = Some(other);
            }
            let response = app
                .gql(TRANSITION, json!({ "input": input }), actor.token())
                .await;
            assert!(
                response.get("errors").is_none(),
                "{from} → {to} by {}: {response:#}",
                actor.name
            );
            let after = proposal_as_admin(&app, &c, p).await;
            let expected_status = to;
            assert_eq!(after["status"], expected_status, "{from} → {to}");
            let last = history(&after).pop().unwrap();
            assert_eq!(
                last,
                (
                    json!(from),
                    json!(to),
                    actor.id,
                    json!(note),
                    before["level"].clone(),
                    id(&before["forum"]["id"])
                ),
                "{from} → {to}: the history records the step where it was decided"
            );
            assert_eq!(history(&after).len(), history(&before).len() + 1);
            if let Some(target) = target {
                assert_eq!(id(&after["mergedInto"]["id"]), target);
            }
            if to == "FORWARDED" {
                assert_eq!(after["level"], "KECAMATAN");
                assert_eq!(id(&after["forum"]["id"]), w.forum_kecamatan);
            } else {
                assert_eq!(
                    after["forum"], before["forum"],
                    "{from} → {to} stays at its forum"
                );
            }
        }
    }
}

/// Every transition the table does not list is refused as FAILED_PRECONDITION, even to an
/// administrator, and changes nothing.
async fn every_unlisted_transition_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = cast(&app).await;
    for &(from, allowed) in ALLOWED {
        let p = proposal_in(&app, &c, from, false).await;
        let before = proposal_as_admin(&app, &c, p).await;
        for to in STATUSES.iter().filter(|to| !allowed.contains(to)) {
            let response = app
                .gql(
                    TRANSITION,
                    json!({ "input": { "proposalId": p, "to": to, "note": "Alasan yang cukup panjang" } }),
                    c.world.admin_token(),
                )
                .await;
            assert_eq!(
                error_code(&response),
                Some("FAILED_PRECONDITION"),
                "{from} → {to}: {response:#}"
            );
        }
        assert_eq!(
            proposal_as_admin(&app, &c, p).await,
            before,
            "{from} is unchanged"
        );
    }
}

/// Refusals with their reasons: the wrong party, a missing note, the top and non-top forums.
async fn refused_transitions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = cast(&app).await;
    let w = &c.world;

    // Residents never verify, not even their own proposals; staff never submit for them.
    let p = w.submitted(&app, &c.warga, json!({})).await;
    for to in ["VERIFIED", "RETURNED", "REJECTED"] {
        assert_code(
            &transition(&app, c.warga.token(), p, to, Some("Sudah benar")).await,
            "FORBIDDEN",
        );
    }
    assert_code(
        &transition(&app, c.tetangga.token(), p, "WITHDRAWN", None).await,
        "FORBIDDEN",
    );
    assert_code(
        &transition(&app, None, p, "WITHDRAWN", None).await,
        "UNAUTHENTICATED",
    );
    let draft = w.draft(&app, &c.warga, json!({})).await;
    assert_code(
        &transition(&app, c.fasilitator.token(), draft, "SUBMITTED", None).await,
        "FORBIDDEN",
    );
    assert_code(
        &transition(&app, c.fasilitator.token(), draft, "VERIFIED", None).await,
        "FAILED_PRECONDITION",
    );

    // Refusals must say why.
    for to in ["REJECTED", "RETURNED"] {
        assert_field_code(
            &transition(&app, c.fasilitator.token(), p, to, None).await,
            "note",
            "required",
        );
        assert_field_code(
            &transition(&app, c.fasilitator.token(), p, to, Some("   ")).await,
            "note",
            "required",
        );
    }
    assert_field_code(
        &transition(&app, c.fasilitator.token(), p, "REJECTED", Some("x")).await,
        "note",
        "length",
    );

    // Accepting into the plan is for the top forum's planners.
    let v = w.verified(&app, &c.warga, json!({})).await;
    assert_code(
        &transition(&app, c.fasilitator.token(), v, "ACCEPTED", None).await,
        "FORBIDDEN",
    );
    assert_code(
        &transition(&app, c.bappeda.token(), v, "ACCEPTED", None).await,
        "FAILED_PRECONDITION",
    );
    assert_code(
        &transition(
            &app,
            c.bappeda.token(),
            v,
            "NOT_ACCEPTED",
            Some("Bukan di sini"),
        )
        .await,
        "FAILED_PRECONDITION",
    );

    // Nothing is above the kota forum.
    let top = w.verified_at_top(&app, &c.warga).await;
    assert_code(
        &transition(&app, c.bappeda.token(), top, "FORWARDED", None).await,
        "FAILED_PRECONDITION",
    );
    assert_field_code(
        &transition(&app, c.bappeda.token(), top, "NOT_ACCEPTED", None).await,
        "note",
        "required",
    );
    assert_code(
        &transition(&app, c.fasilitator.token(), top, "ACCEPTED", None).await,
        "FORBIDDEN",
    );

    // Unknown proposals.
    assert_code(
        &transition(&app, c.warga.token(), 987_654, "SUBMITTED", None).await,
        "NOT_FOUND",
    );

    // None of the refusals left a trace.
    for (proposal, status, steps) in [
        (p, "SUBMITTED", 2),
        (draft, "DRAFT", 1),
        (v, "VERIFIED", 3),
        (top, "VERIFIED", 7),
    ] {
        let seen = proposal_as_admin(&app, &c, proposal).await;
        assert_eq!(seen["status"], status);
        assert_eq!(history(&seen).len(), steps);
    }
}

/// What the viewer may do next, for the app's buttons.
async fn available_transitions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = cast(&app).await;
    let w = &c.world;
    let query =
        "query($id: Int!) { proposal(id: $id) { availableTransitions { to noteRequired } } }";
    let available = |p: i32, user: Option<&User>| {
        let token = user.and_then(|u| u.token()).map(str::to_owned);
        let app = &app;
        async move {
            let response = app.gql(query, json!({ "id": p }), token.as_deref()).await;
            let mut list: Vec<(String, bool)> = ok(&response)["proposal"]["availableTransitions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    (
                        t["to"].as_str().unwrap().to_owned(),
                        t["noteRequired"].as_bool().unwrap(),
                    )
                })
                .collect();
            list.sort();
            list
        }
    };
    let p = w.submitted(&app, &c.warga, json!({})).await;
    // Before verification the proposer may take it back to correct it, or withdraw it.
    assert_eq!(
        available(p, Some(&c.warga)).await,
        vec![("DRAFT".into(), false), ("WITHDRAWN".into(), false)]
    );
    assert_eq!(
        available(p, Some(&c.fasilitator)).await,
        vec![
            ("REJECTED".into(), true),
            ("RETURNED".into(), true),
            ("VERIFIED".into(), false)
        ]
    );
    assert_eq!(available(p, Some(&c.tetangga)).await, vec![]);
    assert_eq!(available(p, None).await, vec![]);
    let top = w.verified_at_top(&app, &c.warga).await;
    assert_eq!(
        available(top, Some(&c.bappeda)).await,
        vec![
            ("ACCEPTED".into(), false),
            ("MERGED".into(), false),
            ("NOT_ACCEPTED".into(), true),
            ("REJECTED".into(), true),
            ("RESERVE".into(), false),
        ],
        "no forwarding from the top forum"
    );
    assert_eq!(available(top, Some(&c.fasilitator)).await, vec![]);
}

async fn merging(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = cast(&app).await;
    let w = &c.world;
    let p = w.verified(&app, &c.warga, json!({})).await;
    let same_forum = w
        .verified(
            &app,
            &c.tetangga,
            json!({ "title": "Normalisasi saluran Jl. Kawi" }),
        )
        .await;
    let kauman = w
        .verified(
            &app,
            &c.tetangga,
            json!({ "forumId": w.forum_kelurahan_b, "regionId": w.kelurahan_b }),
        )
        .await;
    let draft = w.draft(&app, &c.tetangga, json!({})).await;
    let rejected = w.submitted(&app, &c.tetangga, json!({})).await;
    w.transition(
        &app,
        &c.fasilitator,
        rejected,
        "REJECTED",
        Some("Duplikat usulan tahun lalu"),
    )
    .await;
    let merge = |target: Value| {
        let app = &app;
        let token = c.fasilitator.token().map(str::to_owned);
        async move {
            let input = json!({ "proposalId": p, "to": "MERGED", "mergedIntoId": target });
            app.gql(TRANSITION, json!({ "input": input }), token.as_deref())
                .await
        }
    };
    assert_field_code(&merge(Value::Null).await, "mergedIntoId", "required");
    for target in [p, kauman, draft, rejected] {
        assert_field_code(&merge(json!(target)).await, "mergedIntoId", "target");
    }
    assert_code(&merge(json!(424_242)).await, "NOT_FOUND");
    assert_eq!(proposal_as_admin(&app, &c, p).await["status"], "VERIFIED");

    let merged = ok(&merge(json!(same_forum)).await)["transitionProposal"].clone();
    assert_eq!(merged["status"], "MERGED");
    let seen = proposal_as_admin(&app, &c, p).await;
    assert_eq!(id(&seen["mergedInto"]["id"]), same_forum);
}

/// The proposer edits while drafting or revising; staff correct a proposal under review, and
/// that correction is audited.
async fn editing_rules(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = cast(&app).await;
    let w = &c.world;
    let update = "mutation($input: UpdateProposalInput!) {
        updateProposal(input: $input) { id title address estimatedCost finalAgency { id } status } }";
    let edit = |user: &User, input: Value| {
        let app = &app;
        let token = user.token.clone();
        async move {
            app.gql(update, json!({ "input": input }), Some(&token))
                .await
        }
    };

    let p = w.draft(&app, &c.warga, json!({})).await;
    let data = ok(&edit(&c.warga, json!({ "id": p, "title": "Perbaikan drainase Jl. Kawi (revisi)", "estimatedCost": 175_000_000 })).await).clone();
    assert_eq!(
        data["updateProposal"]["title"],
        "Perbaikan drainase Jl. Kawi (revisi)"
    );
    assert_eq!(data["updateProposal"]["estimatedCost"], 175_000_000);
    assert_code(
        &edit(
            &c.tetangga,
            json!({ "id": p, "title": "Bukan usulan saya" }),
        )
        .await,
        // Someone else's draft is invisible: editing it cannot reveal that it exists.
        "NOT_FOUND",
    );
    assert_code(
        &edit(
            &c.fasilitator,
            json!({ "id": p, "title": "Koreksi terlalu dini" }),
        )
        .await,
        "FAILED_PRECONDITION",
    );
    assert_field_code(
        &edit(&c.warga, json!({ "id": p, "regionId": w.kelurahan_b })).await,
        "regionId",
        "scope",
    );
    assert_field_code(
        &edit(&c.warga, json!({ "id": p, "title": "Abc" })).await,
        "title",
        "length",
    );

    w.transition(&app, &c.warga, p, "SUBMITTED", None).await;
    assert_code(
        &edit(&c.warga, json!({ "id": p, "title": "Terlambat mengubah" })).await,
        "FAILED_PRECONDITION",
    );
    w.transition(
        &app,
        &c.fasilitator,
        p,
        "RETURNED",
        Some("Lengkapi alamat lokasi"),
    )
    .await;
    let data = ok(&edit(
        &c.warga,
        json!({ "id": p, "address": "Jl. Kawi No. 12-14, RT 03/RW 02" }),
    )
    .await)
    .clone();
    assert_eq!(
        data["updateProposal"]["address"],
        "Jl. Kawi No. 12-14, RT 03/RW 02"
    );
    assert_eq!(data["updateProposal"]["status"], "RETURNED");
    w.transition(&app, &c.warga, p, "SUBMITTED", None).await;

    let audit_before = audit_actions(&app, c.bappeda.token()).await;
    assert!(
        !audit_before.iter().any(|(a, _, _)| a == "proposal.correct"),
        "the proposer's own edits are not audited"
    );
    // Staff correct the target agency of a proposal under review.
    let data = ok(&edit(
        &c.fasilitator,
        json!({ "id": p, "finalAgencyId": w.agency_b }),
    )
    .await)
    .clone();
    assert_eq!(id(&data["updateProposal"]["finalAgency"]["id"]), w.agency_b);
    let audit_after = audit_actions(&app, c.bappeda.token()).await;
    assert_eq!(audit_after.len(), audit_before.len() + 1);
    assert_eq!(
        audit_after[0],
        (
            "proposal.correct".to_owned(),
            Some(c.fasilitator.id as i64),
            Some(p as i64)
        )
    );
    let entry = ok(&app
        .gql(
            "{ auditLog(first: 1) { edges { node { before after } } } }",
            json!({}),
            c.bappeda.token(),
        )
        .await)["auditLog"]["edges"][0]["node"]
        .clone();
    let before: Value = serde_json::from_str(entry["before"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(entry["after"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            id(&before["final_agency_id"]),
            id(&after["final_agency_id"])
        ),
        (w.agency, w.agency_b)
    );

    // A final proposal is nobody's to edit.
    w.transition(
        &app,
        &c.fasilitator,
        p,
        "REJECTED",
        Some("Di luar kewenangan kota"),
    )
    .await;
    assert_code(
        &edit(&c.fasilitator, json!({ "id": p, "title": "Sudah final" })).await,
        "FAILED_PRECONDITION",
    );
    assert_code(
        &edit(&c.warga, json!({ "id": p, "title": "Sudah final" })).await,
        "FAILED_PRECONDITION",
    );
    assert_code(
        &edit(&c.warga, json!({ "id": 31_337, "title": "Tidak ada" })).await,
        "NOT_FOUND",
    );
}

/// A draft is its proposer's (and the forum staff's) until it is submitted.
async fn drafts_are_private(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = cast(&app).await;
    let w = &c.world;
    let draft = w
        .draft(
            &app,
            &c.warga,
            json!({ "title": "Draf lampu jalan gang buntu" }),
        )
        .await;
    let public = w
        .submitted(
            &app,
            &c.warga,
            json!({ "title": "Lampu penerangan jalan Jl. Kawi" }),
        )
        .await;

    for viewer in [None, c.tetangga.token()] {
        assert_code(&w.proposal(&app, viewer, draft).await, "NOT_FOUND");
        ok(&w.proposal(&app, viewer, public).await);
    }
    ok(&w.proposal(&app, c.warga.token(), draft).await);
    ok(&w.proposal(&app, c.fasilitator.token(), draft).await);
    let other_moderator = w
        .moderator(&app, "Fasilitator Kauman", w.forum_kelurahan_b)
        .await;
    assert_code(
        &w.proposal(&app, other_moderator.token(), draft).await,
        "NOT_FOUND",
    );

    let lists = "query($forum: Int!) {
        proposals { totalCount edges { node { id } } }
        forum(id: $forum) { proposals { totalCount edges { node { id } } } } }";
    let ids = |data: &Value, path: &[&str]| -> Vec<i32> {
        let mut node = data;
        for key in path {
            node = &node[*key];
        }
        node["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| id(&e["node"]["id"]))
            .collect()
    };
    for viewer in [None, c.tetangga.token(), c.fasilitator.token()] {
        let response = app
            .gql(lists, json!({ "forum": w.forum_kelurahan }), viewer)
            .await;
        let data = ok(&response);
        assert_eq!(ids(data, &["proposals"]), vec![public]);
        assert_eq!(data["proposals"]["totalCount"], 1);
        assert_eq!(ids(data, &["forum", "proposals"]), vec![public]);
    }
    let response = app
        .gql(
            "{ myProposals { totalCount edges { node { id status } } } }",
            json!({}),
            c.warga.token(),
        )
        .await;
    let mine = &ok(&response)["myProposals"];
    assert_eq!(mine["totalCount"], 2);
    assert_eq!(
        ids(&json!({ "m": mine }), &["m"]),
        vec![public, draft],
        "newest first"
    );
    let response = app
        .gql(
            "{ myProposals { totalCount } }",
            json!({}),
            c.tetangga.token(),
        )
        .await;
    assert_eq!(ok(&response)["myProposals"]["totalCount"], 0);
    assert_code(
        &app.gql("{ myProposals { totalCount } }", json!({}), None)
            .await,
        "UNAUTHENTICATED",
    );

    // Not open for discussion, and not there at all for others.
    let comment = |user: &User| {
        let app = &app;
        let token = user.token.clone();
        async move {
            app.gql(
                ADD_COMMENT,
                json!({ "proposalId": draft, "body": "Setuju!" }),
                Some(&token),
            )
            .await
        }
    };
    assert_code(&comment(&c.warga).await, "FAILED_PRECONDITION");
    assert_code(&comment(&c.tetangga).await, "NOT_FOUND");
}

/// Proposals change only while their level's stage is open and unlocked and their forum is not
/// closed.
async fn stage_and_forum_preconditions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = cast(&app).await;
    let w = &c.world;
    let draft = w.draft(&app, &c.warga, json!({})).await;
    let submitted = w.submitted(&app, &c.warga, json!({})).await;
    let verified = w.verified(&app, &c.warga, json!({})).await;
    let update = "mutation($input: UpdateProposalInput!) { updateProposal(input: $input) { id } }";

    let attempts = |reason: &'static str| {
        let app = &app;
        let (warga, fas) = (c.warga.token.clone(), c.fasilitator.token.clone());
        let input = w.proposal_input(json!({}));
        async move {
            let tries = [
                app.gql(CREATE_PROPOSAL, json!({ "input": input }), Some(&warga))
                    .await,
                app.gql(
                    update,
                    json!({ "input": { "id": draft, "title": "Judul yang diubah" } }),
                    Some(&warga),
                )
                .await,
                transition(app, Some(&warga), draft, "SUBMITTED", None).await,
                transition(app, Some(&fas), submitted, "VERIFIED", None).await,
                transition(app, Some(&fas), verified, "FORWARDED", None).await,
            ];
            for (i, response) in tries.iter().enumerate() {
                assert_eq!(
                    error_code(response),
                    Some("FAILED_PRECONDITION"),
                    "attempt {i}: {response:#}"
                );
                let message = response["errors"][0]["message"].as_str().unwrap();
                assert!(message.contains(reason), "attempt {i}: {message}");
            }
        }
    };

    let before = app.snapshot().await["proposals"].clone();
    // Closed.
    w.schedule(&app, "DESA_KELURAHAN", -10, -1).await;
    attempts("stage closed at").await;
    // Not open yet.
    w.schedule(&app, "DESA_KELURAHAN", 1, 10).await;
    attempts("stage opens at").await;
    // Open but locked: and a locked stage cannot be rescheduled either.
    w.schedule(&app, "DESA_KELURAHAN", -1, 30).await;
    w.lock_stage(&app, w.stage_kelurahan, true).await;
    attempts("stage is locked").await;
    let vars = json!({ "input": { "cycleId": w.cycle, "level": "DESA_KELURAHAN", "opensAt": days_from_now(-1), "closesAt": days_from_now(60) } });
    assert_code(
        &app.gql(SET_STAGE, vars, w.admin_token()).await,
        "FAILED_PRECONDITION",
    );
    assert_eq!(app.snapshot().await["proposals"], before, "nothing moved");
    // Unlocked, everything works again.
    w.lock_stage(&app, w.stage_kelurahan, false).await;
    w.transition(&app, &c.warga, draft, "SUBMITTED", None).await;
    w.transition(&app, &c.fasilitator, submitted, "VERIFIED", None)
        .await;

    // A closed forum takes no new proposal and moves none; nor does a closed parent accept one.
    let second = w.verified(&app, &c.warga, json!({})).await;
    w.close_forum(&app, w.forum_kecamatan).await;
    let closed = |response: Value, forum: &str| {
        assert_code(&response, "FAILED_PRECONDITION");
        assert_eq!(
            response["errors"][0]["message"],
            format!("{forum} is closed")
        );
    };
    closed(
        transition(&app, c.fasilitator.token(), second, "FORWARDED", None).await,
        "Musrenbang Kecamatan Klojen",
    );
    let fresh = w.draft(&app, &c.warga, json!({})).await;
    // Its parent closed, the kelurahan cannot send its selection up: closing refuses.
    let set_status = |status: &'static str| {
        app.gql(
            "mutation($id: Int!, $status: ForumStatus!) { setForumStatus(forumId: $id, status: $status) { status } }",
            json!({ "id": w.forum_kelurahan, "status": status }),
            w.admin_token(),
        )
    };
    ok(&set_status("SCHEDULED").await);
    ok(&set_status("IN_SESSION").await);
    closed(set_status("CLOSED").await, "Musrenbang Kecamatan Klojen");
    let listed = ok(&app
        .gql(
            "query($id: Int!) { forum(id: $id) { proposals(statuses: [VERIFIED, RESERVE], first: 100) { nodes { id } } } }",
            json!({ "id": w.forum_kelurahan }),
            w.admin_token(),
        )
        .await)["forum"]["proposals"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| id(&p["id"]))
        .collect::<Vec<_>>();
    assert!(listed.contains(&submitted) && listed.contains(&second));
    for verified in listed {
        w.transition(
            &app,
            &c.fasilitator,
            verified,
            "REJECTED",
            Some("Forum kecamatan sudah ditutup"),
        )
        .await;
    }
    assert_eq!(
        ok(&set_status("CLOSED").await)["setForumStatus"]["status"],
        "CLOSED"
    );
    // The forum's close is the deadline for the proposal it never verified.
    let unverified = w.proposal(&app, w.admin_token(), draft).await;
    assert_eq!(ok(&unverified)["proposal"]["status"], "REJECTED");
    assert_eq!(
        ok(&unverified)["proposal"]["history"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["note"],
        "Belum diverifikasi saat forum ditutup"
    );
    let kelurahan = "Musrenbang Kelurahan Oro-oro Dowo";
    closed(
        app.gql(
            CREATE_PROPOSAL,
            json!({ "input": w.proposal_input(json!({})) }),
            c.warga.token(),
        )
        .await,
        kelurahan,
    );
    closed(
        transition(&app, c.warga.token(), fresh, "SUBMITTED", None).await,
        kelurahan,
    );

    // A stage that was never scheduled: a forum of next year's cycle.
    let (_, forum) = w.next_year(&app, false).await;
    let response = app
        .gql(
            CREATE_PROPOSAL,
            json!({ "input": w.proposal_input(json!({ "forumId": forum })) }),
            c.warga.token(),
        )
        .await;
    assert_code(&response, "FAILED_PRECONDITION");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not scheduled"),
        "{response:#}"
    );
}

backend_tests!(
    from_kelurahan_to_the_city_plan,
    every_allowed_transition,
    every_unlisted_transition_is_refused,
    refused_transitions,
    available_transitions,
    merging,
    editing_rules,
    drafts_are_private,
    stage_and_forum_preconditions,
);
