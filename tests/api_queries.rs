//! Reading: paginated, filtered and sorted lists, the query depth limit, and the verification
//! queue of residents scoped to the staff member's region.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::{json, Value};

const PROPOSALS: &str = "query($filter: ProposalFilter = {}, $sort: ProposalSort = NEWEST, $first: Int, $after: String) {
    proposals(filter: $filter, sort: $sort, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id title estimatedCost beneficiaries } } } }";

struct Listing {
    ids: Vec<i32>,
    total: i64,
    has_next: bool,
    has_previous: bool,
    end_cursor: Option<String>,
}

async fn list(
    app: &TestApp,
    token: Option<&str>,
    filter: Value,
    sort: &str,
    first: Option<i32>,
    after: Option<&str>,
) -> Listing {
    let response = app
        .gql(
            PROPOSALS,
            json!({ "filter": filter, "sort": sort, "first": first, "after": after }),
            token,
        )
        .await;
    let page = &ok(&response)["proposals"];
    Listing {
        ids: page["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| id(&e["node"]["id"]))
            .collect(),
        total: page["totalCount"].as_i64().unwrap(),
        has_next: page["pageInfo"]["hasNextPage"].as_bool().unwrap(),
        has_previous: page["pageInfo"]["hasPreviousPage"].as_bool().unwrap(),
        end_cursor: page["pageInfo"]["endCursor"].as_str().map(str::to_owned),
    }
}

async fn ids(app: &TestApp, filter: Value) -> Vec<i32> {
    let mut found = list(app, None, filter, "OLDEST", Some(100), None).await.ids;
    found.sort();
    found
}

async fn lists_filter_sort_and_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let warga = w.verified_resident(&app, "Sri Wahyuni").await;
    let kauman = w.resident(&app, "Ahmad Kauman", w.kelurahan_b).await;

    let at_b = |changes: Value| {
        let mut changes = changes;
        changes["forumId"] = json!(w.forum_kelurahan_b);
        changes["regionId"] = json!(w.kelurahan_b);
        changes
    };
    let drainage = w.submitted(&app, &warga, json!({ "title": "Perbaikan saluran DRAINASE Jl. Kawi", "estimatedCost": 180_000_000, "beneficiaries": 450 })).await;
    let posyandu = w
        .submitted(&app, &warga, json!({ "title": "Posyandu balita RW 02", "sectorId": w.sector_b, "physical": false, "activityId": null,
            "estimatedCost": 45_000_000, "beneficiaries": 1200, "unit": "paket", "volume": 1.0 }))
        .await;
    let asphalt = w.submitted(&app, &kauman, at_b(json!({ "title": "Pengaspalan Jl. Kauman", "estimatedCost": 320_000_000, "beneficiaries": 800 }))).await;
    let lamps = w.verified(&app, &warga, json!({ "title": "Lampu jalan Jl. Kawi, 50% padam", "estimatedCost": 95_000_000, "beneficiaries": 300 })).await;
    let draft = w.draft(&app, &warga, json!({ "title": "Draf taman bermain anak", "estimatedCost": 10_000_000, "beneficiaries": 90 })).await;
    let training = w
        .submitted(&app, &kauman, at_b(json!({ "title": "Pelatihan kader_kesehatan lansia", "sectorId": w.sector_b, "activityId": null,
            "problem": "Kader posyandu lansia belum pernah dilatih.", "estimatedCost": 60_000_000, "beneficiaries": 150 })))
        .await;
    w.transition(
        &app,
        &w.admin,
        training,
        "REJECTED",
        Some("Sudah didanai Dinkes"),
    )
    .await;
    let forwarded = w.verified(&app, &warga, json!({ "title": "Rehabilitasi balai RW 02", "estimatedCost": 250_000_000, "beneficiaries": 600 })).await;
    w.transition(&app, &w.admin, forwarded, "FORWARDED", None)
        .await;
    let mut visible = vec![drainage, posyandu, asphalt, lamps, training, forwarded];
    visible.sort();

    // Pages of two, newest first, until the end.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for page in 0..3 {
        let listing = list(&app, None, json!({}), "NEWEST", Some(2), after.as_deref()).await;
        assert_eq!(listing.total, 6, "the draft is not counted");
        assert_eq!(listing.ids.len(), 2);
        assert_eq!(listing.has_next, page < 2, "page {page}");
        assert_eq!(listing.has_previous, page > 0, "page {page}");
        seen.extend(listing.ids);
        after = listing.end_cursor;
    }
    let newest_first: Vec<i32> = visible.iter().rev().copied().collect();
    assert_eq!(seen, newest_first);
    let beyond = list(&app, None, json!({}), "NEWEST", Some(2), after.as_deref()).await;
    assert!(beyond.ids.is_empty() && !beyond.has_next && beyond.total == 6);
    // The proposer also sees the draft.
    let own = list(&app, warga.token(), json!({}), "NEWEST", Some(100), None).await;
    assert_eq!(own.total, 7);
    assert_eq!(own.ids[0], forwarded);
    assert!(own.ids.contains(&draft));

    // Filters.
    assert_eq!(ids(&app, json!({ "cycleId": w.cycle })).await, visible);
    assert_eq!(
        ids(&app, json!({ "cycleId": w.cycle + 100 })).await,
        Vec::<i32>::new()
    );
    assert_eq!(
        ids(&app, json!({ "forumId": w.forum_kelurahan })).await,
        vec![drainage, posyandu, lamps]
    );
    assert_eq!(
        ids(&app, json!({ "forumId": w.forum_kecamatan })).await,
        vec![forwarded]
    );
    assert_eq!(
        ids(&app, json!({ "regionId": w.kecamatan })).await,
        visible,
        "the region's whole subtree"
    );
    assert_eq!(
        ids(&app, json!({ "regionId": w.kelurahan })).await,
        vec![drainage, posyandu, lamps, forwarded]
    );
    assert_eq!(
        ids(&app, json!({ "regionId": w.kelurahan_b })).await,
        vec![asphalt, training]
    );
    assert_eq!(
        ids(&app, json!({ "regionId": w.other_city })).await,
        Vec::<i32>::new()
    );
    assert_eq!(
        ids(&app, json!({ "statuses": ["SUBMITTED"] })).await,
        vec![drainage, posyandu, asphalt]
    );
    assert_eq!(
        ids(&app, json!({ "statuses": ["VERIFIED", "REJECTED"] })).await,
        vec![lamps, training]
    );
    assert_eq!(
        ids(&app, json!({ "statuses": ["DRAFT"] })).await,
        Vec::<i32>::new()
    );
    assert_eq!(
        ids(&app, json!({ "sectorId": w.sector_b })).await,
        vec![posyandu, training]
    );
    assert_eq!(
        ids(&app, json!({ "level": "KECAMATAN" })).await,
        vec![forwarded]
    );
    assert_eq!(
        ids(&app, json!({ "proposerId": kauman.id })).await,
        vec![asphalt, training]
    );
    assert_eq!(
        ids(&app, json!({ "sectorId": w.sector, "regionId": w.kelurahan, "statuses": ["SUBMITTED", "VERIFIED"] })).await,
        vec![drainage, lamps],
        "filters combine"
    );
    let response = app
        .gql(
            PROPOSALS,
            json!({ "filter": { "regionId": 424_242 } }),
            None,
        )
        .await;
    assert_code(&response, "NOT_FOUND");

    // Text search: any case, in the code, title, problem or solution; LIKE wildcards are text.
    let code = ok(&w.proposal(&app, None, asphalt).await)["proposal"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    for (term, expected) in [
        ("drainase", vec![drainage]),
        ("  POSYANDU ", vec![posyandu, training]),
        ("jl. kawi", vec![drainage, lamps]),
        (code.as_str(), vec![asphalt]),
        (&code.to_lowercase(), vec![asphalt]),
        ("50%", vec![lamps]),
        ("kader_kes", vec![training]),
        ("r_s", vec![]),
        ("%", vec![lamps]),
        ("taman bermain", vec![]),
    ] {
        assert_eq!(
            ids(&app, json!({ "search": term })).await,
            expected,
            "search {term:?}"
        );
    }
    // A search with a typo that finds nothing suggests what it meant, from titles the caller
    // may list: never a word of someone else's draft.
    let suggestion = |term: &'static str, filter: Value, token: Option<String>| {
        let app = &app;
        async move {
            let mut filter = filter;
            filter["search"] = json!(term);
            ok(&app
                .gql(
                    "query($filter: ProposalFilter!) { proposalSearchSuggestion(filter: $filter) }",
                    json!({ "filter": filter }),
                    token.as_deref(),
                )
                .await)["proposalSearchSuggestion"]
                .clone()
        }
    };
    assert_eq!(suggestion("drainse", json!({}), None).await, "drainase");
    assert_eq!(
        suggestion("salurn drainase", json!({}), None).await,
        "saluran drainase"
    );
    assert_eq!(
        suggestion("drainase", json!({}), None).await,
        Value::Null,
        "it finds"
    );
    assert_eq!(
        suggestion("pengaspalam", json!({ "forumId": w.forum_kelurahan }), None).await,
        Value::Null,
        "Kauman's asphalt is not in this forum"
    );
    assert_eq!(suggestion("bermian", json!({}), None).await, Value::Null);
    assert_eq!(
        suggestion("bermian", json!({}), warga.token().map(str::to_owned)).await,
        "bermain",
        "the proposer's own draft"
    );

    // Sorting, ties broken by id.
    let order = |sort: &'static str| {
        let app = &app;
        async move { list(app, None, json!({}), sort, Some(100), None).await.ids }
    };
    assert_eq!(order("OLDEST").await, visible);
    assert_eq!(
        order("COST_ASC").await,
        vec![posyandu, training, lamps, drainage, forwarded, asphalt]
    );
    assert_eq!(
        order("COST_DESC").await,
        vec![asphalt, forwarded, drainage, lamps, training, posyandu]
    );
    assert_eq!(
        order("BENEFICIARIES_DESC").await,
        vec![posyandu, asphalt, forwarded, drainage, lamps, training]
    );
    assert_eq!(
        order("TITLE").await,
        vec![lamps, training, asphalt, drainage, posyandu, forwarded]
    );

    // Windows the API refuses.
    for (first, after, field) in [
        (Some(101), None, "first"),
        (Some(-1), None, "first"),
        (None, Some("bukan-kursor"), "after"),
    ] {
        let response = app
            .gql(PROPOSALS, json!({ "first": first, "after": after }), None)
            .await;
        assert_field(&response, field);
    }
    let empty = list(&app, None, json!({}), "NEWEST", Some(0), None).await;
    assert!(empty.ids.is_empty() && empty.total == 6 && empty.has_next);
}

/// Other connections: regions, forums, cycles and the audit log page the same way.
async fn other_connections(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let response = app
        .gql(
            "query($city: Int!, $kec: Int!, $cycle: Int!, $forum: Int!) {
                within: regions(within: $city) { totalCount edges { node { code } } }
                children: regions(parentId: $kec) { totalCount edges { node { name level } } }
                kelurahan: regions(level: DESA_KELURAHAN, search: \"KAU\") { totalCount edges { node { name } } }
                forums(filter: { cycleId: $cycle, level: DESA_KELURAHAN }) { totalCount edges { node { name parentForum { name } stage { level locked } } } }
                under: forums(filter: { parentForumId: $forum }) { totalCount }
                subtree: forums(filter: { regionId: $kec }) { totalCount }
                cycle(id: $cycle) { planYear status region { code } stages { level } forums(first: 1) { totalCount pageInfo { hasNextPage } } }
                cycles { totalCount edges { node { name } } }
            }",
            json!({ "city": w.city, "kec": w.kecamatan, "cycle": w.cycle, "forum": w.forum_kecamatan }),
            None,
        )
        .await;
    let data = ok(&response);
    assert_eq!(
        data["within"]["totalCount"], 5,
        "Kota Malang, Klojen, two kelurahan and an RW"
    );
    assert_eq!(data["within"]["edges"][0]["node"]["code"], "35.73");
    assert_eq!(data["children"]["totalCount"], 2);
    assert_eq!(
        data["kelurahan"]["edges"],
        json!([{ "node": { "name": "Kauman" } }])
    );
    assert_eq!(data["forums"]["totalCount"], 2);
    assert_eq!(
        data["forums"]["edges"][0]["node"]["parentForum"]["name"],
        "Musrenbang Kecamatan Klojen"
    );
    assert_eq!(
        data["forums"]["edges"][0]["node"]["stage"],
        json!({ "level": "DESA_KELURAHAN", "locked": false })
    );
    assert_eq!(
        data["under"]["totalCount"], 2,
        "the kelurahan forums report to the kecamatan forum"
    );
    assert_eq!(
        data["subtree"]["totalCount"], 3,
        "the kecamatan forum and both kelurahan forums"
    );
    assert_eq!(
        data["cycle"],
        json!({ "planYear": 2027, "status": "ACTIVE", "region": { "code": "35.73" },
            "stages": [{ "level": "DESA_KELURAHAN" }, { "level": "KECAMATAN" }, { "level": "KABUPATEN_KOTA" }],
            "forums": { "totalCount": 4, "pageInfo": { "hasNextPage": true } } })
    );
    assert_eq!(data["cycles"]["totalCount"], 1);

    // The audit log: staff only, newest first.
    let log = "query($first: Int, $after: String) { auditLog(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { action actorId } } } }";
    let response = app.gql(log, json!({ "first": 3 }), w.admin_token()).await;
    let page = &ok(&response)["auditLog"];
    let total = page["totalCount"].as_i64().unwrap();
    assert!(
        total > 20,
        "every privileged action of the fixture: {total}"
    );
    assert_eq!(page["edges"][0]["node"]["action"], "forum.create");
    assert_eq!(id(&page["edges"][0]["node"]["actorId"]), w.admin.id);
    let next = app
        .gql(
            log,
            json!({ "first": 3, "after": page["pageInfo"]["endCursor"] }),
            w.admin_token(),
        )
        .await;
    assert_eq!(ok(&next)["auditLog"]["edges"].as_array().unwrap().len(), 3);
    let resident = w.resident(&app, "Warga Penasaran", w.kelurahan).await;
    assert_code(
        &app.gql(log, json!({}), resident.token()).await,
        "FORBIDDEN",
    );
    assert_code(&app.gql(log, json!({}), None).await, "UNAUTHENTICATED");
    assert_code(
        &app.gql("{ forum(id: 999) { id } }", json!({}), None).await,
        "NOT_FOUND",
    );
}

async fn depth_limit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let deep = "{ proposals { edges { node { forum { parentForum { parentForum { cycle { forums { edges { node {
        parentForum { cycle { forums { edges { node { name } } } } } } } } } } } } } } } }";
    let response = app.gql(deep, json!({}), None).await;
    assert!(
        response.get("data").is_none_or(Value::is_null),
        "{response:#}"
    );
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.to_lowercase().contains("nested too deep"),
        "{message}"
    );
    // A reasonable nesting is fine.
    let fine =
        "{ proposals { edges { node { forum { parentForum { cycle { region { name } } } } } } } }";
    ok(&app.gql(fine, json!({}), None).await);
}

const QUEUE: &str = "query($filter: AccountFilter = {}) { accounts(filter: $filter, first: 100) { totalCount edges { node { id name verification email } } } }";

async fn queue(app: &TestApp, user: &User, filter: Value) -> Vec<String> {
    let response = app
        .gql(QUEUE, json!({ "filter": filter }), user.token())
        .await;
    let mut names: Vec<String> = ok(&response)["accounts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// Staff verify the residents of their own region: the queue and the decision are both scoped.
async fn verification_queue(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let ani = w.resident(&app, "Ani Oro-oro Dowo", w.kelurahan).await;
    let rt = w.resident(&app, "Bayu RW 02", w.rw).await;
    let citra = w.resident(&app, "Citra Kauman", w.kelurahan_b).await;
    let dodi = w.resident(&app, "Dodi Batu", w.other_kelurahan).await;
    let moderator = w
        .moderator(&app, "Fasilitator Oro-oro Dowo", w.forum_kelurahan)
        .await;
    let moderator_b = w
        .moderator(&app, "Fasilitator Kauman", w.forum_kelurahan_b)
        .await;
    let kecamatan = w
        .moderator(&app, "Fasilitator Klojen", w.forum_kecamatan)
        .await;
    let planner = w.planner(&app, "Bappeda Kota Malang", w.city).await;
    let planner_batu = w.planner(&app, "Bappeda Kota Batu", w.other_city).await;
    let unverified = json!({ "verification": "UNVERIFIED" });

    assert_eq!(
        queue(&app, &moderator, unverified.clone()).await,
        vec!["Ani Oro-oro Dowo", "Bayu RW 02"]
    );
    assert_eq!(
        queue(&app, &moderator_b, unverified.clone()).await,
        vec!["Citra Kauman"]
    );
    assert_eq!(
        queue(&app, &kecamatan, unverified.clone()).await,
        vec!["Ani Oro-oro Dowo", "Bayu RW 02", "Citra Kauman"]
    );
    assert_eq!(
        queue(&app, &planner, unverified.clone()).await,
        vec!["Ani Oro-oro Dowo", "Bayu RW 02", "Citra Kauman"]
    );
    assert_eq!(
        queue(&app, &planner_batu, unverified.clone()).await,
        vec!["Dodi Batu"]
    );
    // Administrators see everyone, staff without a home region included.
    assert_eq!(queue(&app, &w.admin, unverified.clone()).await.len(), 10);
    assert_eq!(
        queue(&app, &planner, json!({ "regionId": w.kelurahan_b })).await,
        vec!["Citra Kauman"]
    );
    assert_eq!(
        queue(&app, &planner, json!({ "search": "BAYU" })).await,
        vec!["Bayu RW 02"]
    );
    // Staff see contact details.
    let response = app
        .gql(
            QUEUE,
            json!({ "filter": { "search": "ani" } }),
            moderator.token(),
        )
        .await;
    assert_eq!(
        ok(&response)["accounts"]["edges"][0]["node"]["email"],
        "ani.oro.oro.dowo@warga.example.id"
    );
    assert_code(&app.gql(QUEUE, json!({}), ani.token()).await, "FORBIDDEN");
    assert_code(&app.gql(QUEUE, json!({}), None).await, "UNAUTHENTICATED");

    // Deciding, within scope only.
    let verify = "mutation($id: Int!, $d: VerificationStatus!) { verifyAccount(accountId: $id, decision: $d) { id verification verifiedAt } }";
    let response = app
        .gql(
            verify,
            json!({ "id": citra.id, "d": "VERIFIED" }),
            moderator.token(),
        )
        .await;
    assert_code(&response, "FORBIDDEN");
    let response = app
        .gql(
            verify,
            json!({ "id": dodi.id, "d": "VERIFIED" }),
            planner.token(),
        )
        .await;
    assert_code(&response, "FORBIDDEN");
    let response = app
        .gql(
            verify,
            json!({ "id": ani.id, "d": "VERIFIED" }),
            moderator.token(),
        )
        .await;
    let decided = &ok(&response)["verifyAccount"];
    assert_eq!(decided["verification"], "VERIFIED");
    assert!(decided["verifiedAt"].is_string());
    let response = app
        .gql(
            verify,
            json!({ "id": rt.id, "d": "REJECTED" }),
            moderator.token(),
        )
        .await;
    assert_eq!(ok(&response)["verifyAccount"]["verification"], "REJECTED");
    let response = app
        .gql(
            verify,
            json!({ "id": citra.id, "d": "VERIFIED" }),
            planner.token(),
        )
        .await;
    assert_eq!(ok(&response)["verifyAccount"]["verification"], "VERIFIED");
    let response = app
        .gql(
            verify,
            json!({ "id": 777_777, "d": "VERIFIED" }),
            planner.token(),
        )
        .await;
    assert_code(&response, "NOT_FOUND");

    assert_eq!(
        queue(&app, &moderator, unverified.clone()).await,
        Vec::<String>::new()
    );
    assert_eq!(
        queue(&app, &moderator, json!({ "verification": "REJECTED" })).await,
        vec!["Bayu RW 02"]
    );
    assert_eq!(
        queue(&app, &planner, json!({ "verification": "VERIFIED" })).await,
        vec!["Ani Oro-oro Dowo", "Citra Kauman"]
    );
    let me = app
        .gql("{ me { verification } }", json!({}), ani.token())
        .await;
    assert_eq!(ok(&me)["me"]["verification"], "VERIFIED");

    // Each decision is audited with who decided.
    let tables = app.snapshot().await;
    let decisions: Vec<(i64, i64)> = tables["audit_log"]
        .iter()
        .filter(|e| e["action"] == "account.verify")
        .map(|e| {
            (
                e["actor_id"].as_i64().unwrap(),
                e["entity_id"].as_i64().unwrap(),
            )
        })
        .collect();
    let m = moderator.id as i64;
    assert_eq!(
        decisions,
        vec![
            (m, ani.id as i64),
            (m, rt.id as i64),
            (planner.id as i64, citra.id as i64)
        ]
    );
}

/// The planner's dashboard: each forum of the cycle with its counts and budget use; only the
/// cycle's planners and administrators see it.
async fn planners_dashboard(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let warga = w.verified_resident(&app, "Sari Dewi").await;
    w.draft(&app, &warga, json!({})).await;
    w.submitted(&app, &warga, json!({})).await;
    w.verified(&app, &warga, json!({ "estimatedCost": 200_000_000i64 }))
        .await;
    w.verified(&app, &warga, json!({ "estimatedCost": 125_000_000i64 }))
        .await;
    let query = "query($c: Int!) { cycleProgress(cycleId: $c) { forumId forum { name budgetCeiling }
        proposals awaitingVerification verified verifiedCost ceilingShare stageClosesAt stageOverdue } }";
    let planner = w.planner(&app, "Perencana Kota", w.city).await;
    let rows = ok(&app
        .gql(query, json!({ "c": w.cycle }), planner.token())
        .await)["cycleProgress"]
        .clone();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let kelurahan = rows
        .iter()
        .find(|r| r["forumId"] == json!(w.forum_kelurahan))
        .unwrap();
    assert_eq!(
        kelurahan["proposals"], 3,
        "drafts are not counted: {kelurahan}"
    );
    assert_eq!(kelurahan["awaitingVerification"], 1);
    assert_eq!(kelurahan["verified"], 2);
    assert_eq!(kelurahan["verifiedCost"], 325_000_000i64);
    // 325 of a 650 million ceiling.
    assert_eq!(kelurahan["ceilingShare"], 0.5);
    assert_eq!(kelurahan["stageOverdue"], false);
    let other = rows
        .iter()
        .find(|r| r["forumId"] == json!(w.forum_kelurahan_b))
        .unwrap();
    assert_eq!(other["proposals"], 0);
    assert_eq!(other["ceilingShare"], Value::Null, "no ceiling: {other}");
    // A resident, and a planner of another city, are refused.
    assert_code(
        &app.gql(query, json!({ "c": w.cycle }), warga.token()).await,
        "FORBIDDEN",
    );
    let elsewhere = w.planner(&app, "Perencana Lain", w.other_city).await;
    assert_code(
        &app.gql(query, json!({ "c": w.cycle }), elsewhere.token())
            .await,
        "FORBIDDEN",
    );
}

backend_tests!(
    lists_filter_sort_and_page,
    other_connections,
    depth_limit,
    verification_queue,
    planners_dashboard
);
