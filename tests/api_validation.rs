//! Invalid input for every mutation: BAD_USER_INPUT naming the field (camelCase, as the API
//! names it) and the problem, NOT_FOUND for unknown ids, CONFLICT for duplicates and
//! FAILED_PRECONDITION where a rule forbids the change now. None of them writes anything.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// BAD_USER_INPUT with this field and problem code (`None`: any problem code).
    Field(&'static str, Option<&'static str>),
    Code(&'static str),
}

use Outcome::*;

struct Case {
    label: &'static str,
    query: &'static str,
    variables: Value,
    token: Option<String>,
    outcome: Outcome,
}

fn case(
    label: &'static str,
    query: &'static str,
    variables: Value,
    token: Option<&str>,
    outcome: Outcome,
) -> Case {
    Case {
        label,
        query,
        variables,
        token: token.map(str::to_owned),
        outcome,
    }
}

const GRANT: &str = GRANT_ROLE;
const REVOKE: &str = "mutation($id: Int!) { revokeRole(grantId: $id) { id } }";
const VERIFY: &str =
    "mutation($id: Int!) { verifyAccount(accountId: $id, decision: VERIFIED) { id } }";
const AGENCY: &str = "mutation($input: CreateAgencyInput!) { createAgency(input: $input) { id } }";
const SECTOR: &str = "mutation($input: CreateSectorInput!) { createSector(input: $input) { id } }";
const ACTIVITY: &str =
    "mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }";
const CYCLE: &str = "mutation($input: CreateCycleInput!) { createCycle(input: $input) { id } }";
const CYCLE_STATUS: &str =
    "mutation($id: Int!, $s: CycleStatus!) { setCycleStatus(cycleId: $id, status: $s) { id } }";
const LOCK: &str = "mutation($id: Int!) { lockStage(stageId: $id, locked: true) { id } }";
const UPDATE_FORUM: &str =
    "mutation($input: UpdateForumInput!) { updateForum(input: $input) { id } }";
const FORUM_STATUS: &str =
    "mutation($id: Int!, $s: ForumStatus!) { setForumStatus(forumId: $id, status: $s) { id } }";
const UPDATE_PROPOSAL: &str =
    "mutation($input: UpdateProposalInput!) { updateProposal(input: $input) { id } }";
const ATTACH: &str =
    "mutation($input: AddAttachmentInput!) { addAttachment(input: $input) { id } }";
const RECOMMEND: &str =
    "mutation($input: AddRecommendationInput!) { addRecommendation(input: $input) { id } }";
const HIDE: &str =
    "mutation($id: Int!, $reason: String!) { hideComment(commentId: $id, reason: $reason) { id } }";

fn merged(base: &Value, changes: Value) -> Value {
    let mut out = base.clone();
    for (key, value) in changes.as_object().unwrap() {
        out[key] = value.clone();
    }
    out
}

async fn invalid_input_for_every_mutation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let warga = w.verified_resident(&app, "Sri Wahyuni").await;
    let tetangga = w.verified_resident(&app, "Joko Purnomo").await;
    let fasilitator = w
        .moderator(&app, "Fasilitator Oro-oro Dowo", w.forum_kelurahan)
        .await;
    let draft = w.draft(&app, &warga, json!({})).await;
    let submitted = w.submitted(&app, &warga, json!({})).await;
    let other_submitted = w
        .submitted(
            &app,
            &warga,
            json!({ "title": "Usulan lain di forum yang sama" }),
        )
        .await;
    let rejected = w.submitted(&app, &warga, json!({})).await;
    w.transition(
        &app,
        &fasilitator,
        rejected,
        "REJECTED",
        Some("Sudah dianggarkan tahun ini"),
    )
    .await;
    let comment_on_other = id(&ok(&app
        .gql(
            ADD_COMMENT,
            json!({ "proposalId": other_submitted, "body": "Setuju sekali" }),
            tetangga.token(),
        )
        .await)["addComment"]["id"]);
    let hidden = id(&ok(&app
        .gql(
            ADD_COMMENT,
            json!({ "proposalId": submitted, "body": "Iklan pinjol" }),
            tetangga.token(),
        )
        .await)["addComment"]["id"]);
    ok(&app
        .gql(
            HIDE,
            json!({ "id": hidden, "reason": "Spam iklan" }),
            fasilitator.token(),
        )
        .await);
    let closed_forum = id(&ok(&app
        .gql(
            CREATE_FORUM,
            json!({ "input": { "cycleId": w.cycle, "level": "DESA_KELURAHAN", "regionId": w.kelurahan_b, "name": "Forum yang sudah ditutup", "selectionLimit": "UNLIMITED" } }),
            w.admin_token(),
        )
        .await)["createForum"]["id"]);
    w.close_forum(&app, closed_forum).await;
    let admin_grant = ok(&app
        .gql("{ me { roles { id role } } }", json!({}), w.admin_token())
        .await)["me"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["role"] == "ADMIN")
        .map(|g| id(&g["id"]))
        .unwrap();

    let admin = w.admin_token();
    let resident = warga.token();
    let staff = fasilitator.token();
    let missing = 987_654;
    let proposal = w.proposal_input(json!({}));
    let long = |n: usize| "a".repeat(n);
    let forum_base = json!({ "cycleId": w.cycle, "level": "DESA_KELURAHAN", "regionId": w.kelurahan_b, "parentForumId": w.forum_kecamatan,
        "name": "Forum baru", "selectionLimit": "UNLIMITED" });
    let activity_base = json!({ "code": "1.03.10.2.01.0099", "name": "Rehabilitasi jalan lingkungan", "sectorId": w.sector,
        "agencyId": w.agency, "unit": "meter", "unitCost": 750_000, "physical": true });
    let attachment_base = json!({ "proposalId": draft, "kind": "DOCUMENT", "fileName": "rab.pdf", "contentType": "application/pdf",
        "sizeBytes": 102_400, "url": "https://files.example.id/rab.pdf" });
    let recommendation_base = json!({ "proposalId": submitted, "recommender": "LURAH", "decision": "REVISE", "note": "Kurangi volume" });

    let cases = vec![
        // verifyAccount
        case(
            "verify unknown account",
            VERIFY,
            json!({ "id": missing }),
            admin,
            Code("NOT_FOUND"),
        ),
        // grantRole / revokeRole
        case(
            "moderator without forum",
            GRANT,
            json!({ "input": { "accountId": warga.id, "role": "MODERATOR" } }),
            admin,
            Field("forumId", Some("required")),
        ),
        case(
            "planner without region",
            GRANT,
            json!({ "input": { "accountId": warga.id, "role": "PLANNER" } }),
            admin,
            Field("regionId", Some("required")),
        ),
        case(
            "grant to unknown account",
            GRANT,
            json!({ "input": { "accountId": missing, "role": "ADMIN" } }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "moderator of unknown forum",
            GRANT,
            json!({ "input": { "accountId": warga.id, "role": "MODERATOR", "forumId": missing } }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "planner of unknown region",
            GRANT,
            json!({ "input": { "accountId": warga.id, "role": "PLANNER", "regionId": missing } }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "grant held already",
            GRANT,
            json!({ "input": { "accountId": fasilitator.id, "role": "MODERATOR", "forumId": w.forum_kelurahan } }),
            admin,
            Code("CONFLICT"),
        ),
        case(
            "revoke unknown grant",
            REVOKE,
            json!({ "id": missing }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "revoke own admin role",
            REVOKE,
            json!({ "id": admin_grant }),
            admin,
            Code("FAILED_PRECONDITION"),
        ),
        // createRegion
        case(
            "region without code",
            CREATE_REGION,
            json!({ "input": { "code": "", "name": "Tanpa kode", "level": "RW", "parentId": w.kelurahan } }),
            admin,
            Field("code", Some("length")),
        ),
        case(
            "region code too long",
            CREATE_REGION,
            json!({ "input": { "code": long(33), "name": "Kode panjang", "level": "RW", "parentId": w.kelurahan } }),
            admin,
            Field("code", Some("length")),
        ),
        case(
            "region without name",
            CREATE_REGION,
            json!({ "input": { "code": "35.73.05.1005.09", "name": "", "level": "RW", "parentId": w.kelurahan } }),
            admin,
            Field("name", Some("length")),
        ),
        case(
            "RT under a kecamatan",
            CREATE_REGION,
            json!({ "input": { "code": "35.73.05.77", "name": "RT 01", "level": "RT", "parentId": w.kecamatan } }),
            admin,
            Field("level", Some("hierarchy")),
        ),
        case(
            "kecamatan without parent",
            CREATE_REGION,
            json!({ "input": { "code": "35.99.01", "name": "Yatim", "level": "KECAMATAN" } }),
            admin,
            Field("level", Some("hierarchy")),
        ),
        case(
            "duplicate region code",
            CREATE_REGION,
            json!({ "input": { "code": "35.73.05.1009", "name": "Kauman lagi", "level": "DESA_KELURAHAN", "parentId": w.kecamatan } }),
            admin,
            Field("code", Some("unique")),
        ),
        case(
            "region under unknown parent",
            CREATE_REGION,
            json!({ "input": { "code": "35.73.05.1099", "name": "Entah", "level": "DESA_KELURAHAN", "parentId": missing } }),
            admin,
            Code("NOT_FOUND"),
        ),
        // catalogue
        case(
            "agency without code",
            AGENCY,
            json!({ "input": { "code": "", "name": "Dinas Sosial" } }),
            admin,
            Field("code", Some("length")),
        ),
        case(
            "agency name too short",
            AGENCY,
            json!({ "input": { "code": "1.06.01", "name": "D" } }),
            admin,
            Field("name", Some("length")),
        ),
        case(
            "agency abbreviation too long",
            AGENCY,
            json!({ "input": { "code": "1.06.01", "name": "Dinas Sosial", "abbreviation": long(41) } }),
            admin,
            Field("abbreviation", Some("length")),
        ),
        case(
            "duplicate agency code",
            AGENCY,
            json!({ "input": { "code": "1.03.01", "name": "Dinas PU kembar" } }),
            admin,
            Code("CONFLICT"),
        ),
        case(
            "sector code too long",
            SECTOR,
            json!({ "input": { "code": long(33), "name": "Sosial" } }),
            admin,
            Field("code", Some("length")),
        ),
        case(
            "sector without name",
            SECTOR,
            json!({ "input": { "code": "1.06", "name": "" } }),
            admin,
            Field("name", Some("length")),
        ),
        case(
            "duplicate sector code",
            SECTOR,
            json!({ "input": { "code": "1.02", "name": "Kesehatan kembar" } }),
            admin,
            Code("CONFLICT"),
        ),
        case(
            "activity with negative unit cost",
            ACTIVITY,
            json!({ "input": merged(&activity_base, json!({ "unitCost": -1 })) }),
            admin,
            Field("unitCost", Some("range")),
        ),
        case(
            "activity without unit",
            ACTIVITY,
            json!({ "input": merged(&activity_base, json!({ "unit": "" })) }),
            admin,
            Field("unit", Some("length")),
        ),
        case(
            "activity of unknown sector",
            ACTIVITY,
            json!({ "input": merged(&activity_base, json!({ "sectorId": missing })) }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "activity of unknown agency",
            ACTIVITY,
            json!({ "input": merged(&activity_base, json!({ "agencyId": missing })) }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "duplicate activity code",
            ACTIVITY,
            json!({ "input": merged(&activity_base, json!({ "code": "1.03.10.2.01.0021" })) }),
            admin,
            Code("CONFLICT"),
        ),
        // cycles and stages
        case(
            "cycle before 2000",
            CYCLE,
            json!({ "input": { "planYear": 1999, "name": "Siklus lama", "regionId": w.city } }),
            admin,
            Field("planYear", Some("range")),
        ),
        case(
            "cycle name too short",
            CYCLE,
            json!({ "input": { "planYear": 2029, "name": "ab", "regionId": w.city } }),
            admin,
            Field("name", Some("length")),
        ),
        case(
            "cycle of a kecamatan",
            CYCLE,
            json!({ "input": { "planYear": 2029, "name": "Siklus kecamatan", "regionId": w.kecamatan } }),
            admin,
            Field("regionId", Some("level")),
        ),
        case(
            "cycle of unknown region",
            CYCLE,
            json!({ "input": { "planYear": 2029, "name": "Siklus entah", "regionId": missing } }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "second cycle for 2027",
            CYCLE,
            json!({ "input": { "planYear": 2027, "name": "Siklus kembar", "regionId": w.city } }),
            admin,
            Code("CONFLICT"),
        ),
        case(
            "active cycle back to draft",
            CYCLE_STATUS,
            json!({ "id": w.cycle, "s": "DRAFT" }),
            admin,
            Code("FAILED_PRECONDITION"),
        ),
        case(
            "status of unknown cycle",
            CYCLE_STATUS,
            json!({ "id": missing, "s": "ACTIVE" }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "stage closing when it opens",
            SET_STAGE,
            json!({ "input": { "cycleId": w.cycle, "level": "KECAMATAN", "opensAt": "2026-02-01T00:00:00Z", "closesAt": "2026-02-01T00:00:00Z" } }),
            admin,
            Field("closesAt", Some("order")),
        ),
        case(
            "stage of unknown cycle",
            SET_STAGE,
            json!({ "input": { "cycleId": missing, "level": "KECAMATAN", "opensAt": "2026-02-01T00:00:00Z", "closesAt": "2026-02-20T00:00:00Z" } }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "lock unknown stage",
            LOCK,
            json!({ "id": missing }),
            admin,
            Code("NOT_FOUND"),
        ),
        // forums
        case(
            "forum name too short",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "name": "ab" })) }),
            admin,
            Field("name", Some("length")),
        ),
        case(
            "negative ceiling",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "budgetCeiling": -1 })) }),
            admin,
            Field("budgetCeiling", Some("range")),
        ),
        case(
            "budget limit without ceiling",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "selectionLimit": "BUDGET" })) }),
            admin,
            Field("budgetCeiling", Some("required")),
        ),
        case(
            "count limit without count",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "selectionLimit": "COUNT" })) }),
            admin,
            Field("maxCount", Some("required")),
        ),
        case(
            "count of zero",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "selectionLimit": "COUNT", "maxCount": 0 })) }),
            admin,
            Field("maxCount", Some("range")),
        ),
        case(
            "tolerance over 100%",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "tolerancePercent": 101 })) }),
            admin,
            Field("tolerancePercent", Some("range")),
        ),
        case(
            "forum in another city",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "regionId": w.other_kelurahan, "parentForumId": null })) }),
            admin,
            Field("regionId", Some("scope")),
        ),
        case(
            "kelurahan forum of a kecamatan",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "regionId": w.kecamatan })) }),
            admin,
            Field("regionId", Some("level")),
        ),
        case(
            "OPD forum without agency",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "level": "FORUM_OPD", "regionId": w.city, "parentForumId": w.forum_kota })) }),
            admin,
            Field("agencyId", Some("required")),
        ),
        case(
            "kelurahan forum with an agency",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "agencyId": w.agency })) }),
            admin,
            Field("agencyId", Some("unexpected")),
        ),
        case(
            "parent below the forum",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "level": "KECAMATAN", "regionId": w.kecamatan, "parentForumId": w.forum_kelurahan })) }),
            admin,
            Field("parentForumId", Some("level")),
        ),
        case(
            "forum of unknown cycle",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "cycleId": missing })) }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "forum under unknown parent",
            CREATE_FORUM,
            json!({ "input": merged(&forum_base, json!({ "parentForumId": missing })) }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "update: tolerance over 100%",
            UPDATE_FORUM,
            json!({ "input": { "id": w.forum_kelurahan, "tolerancePercent": 101 } }),
            admin,
            Field("tolerancePercent", Some("range")),
        ),
        case(
            "update: count limit without count",
            UPDATE_FORUM,
            json!({ "input": { "id": w.forum_kelurahan, "selectionLimit": "COUNT" } }),
            admin,
            Field("maxCount", Some("required")),
        ),
        case(
            "update unknown forum",
            UPDATE_FORUM,
            json!({ "input": { "id": missing, "name": "Entah" } }),
            admin,
            Code("NOT_FOUND"),
        ),
        case(
            "update a closed forum",
            UPDATE_FORUM,
            json!({ "input": { "id": closed_forum, "budgetCeiling": 1 } }),
            admin,
            Code("FAILED_PRECONDITION"),
        ),
        case(
            "draft forum straight to closed",
            FORUM_STATUS,
            json!({ "id": w.forum_kelurahan, "s": "CLOSED" }),
            admin,
            Code("FAILED_PRECONDITION"),
        ),
        case(
            "reopen a closed forum",
            FORUM_STATUS,
            json!({ "id": closed_forum, "s": "IN_SESSION" }),
            admin,
            Code("FAILED_PRECONDITION"),
        ),
        case(
            "status of unknown forum",
            FORUM_STATUS,
            json!({ "id": missing, "s": "SCHEDULED" }),
            admin,
            Code("NOT_FOUND"),
        ),
        // createProposal
        case(
            "title too short",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "title": "Jaln" })) }),
            resident,
            Field("title", Some("length")),
        ),
        case(
            "problem too short",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "problem": "Banjir" })) }),
            resident,
            Field("problem", Some("length")),
        ),
        case(
            "solution too long",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "solution": long(5001) })) }),
            resident,
            Field("solution", Some("length")),
        ),
        case(
            "negative cost",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "estimatedCost": -5 })) }),
            resident,
            Field("estimatedCost", Some("range")),
        ),
        case(
            "cost over a trillion",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "estimatedCost": 1_000_000_000_001i64 })) }),
            resident,
            Field("estimatedCost", Some("range")),
        ),
        case(
            "negative beneficiaries",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "beneficiaries": -1 })) }),
            resident,
            Field("beneficiaries", Some("range")),
        ),
        case(
            "latitude in Berlin",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "latitude": 52.52 })) }),
            resident,
            Field("latitude", Some("range")),
        ),
        case(
            "longitude in Berlin",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "longitude": 13.40 })) }),
            resident,
            Field("longitude", Some("range")),
        ),
        case(
            "zero volume",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "volume": 0.0 })) }),
            resident,
            Field("volume", Some("range")),
        ),
        case(
            "no unit",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "unit": "" })) }),
            resident,
            Field("unit", Some("length")),
        ),
        case(
            "address too short",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "address": "Jl" })) }),
            resident,
            Field("address", Some("length")),
        ),
        case(
            "location outside the forum",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "regionId": w.kelurahan_b })) }),
            resident,
            Field("regionId", Some("scope")),
        ),
        case(
            "unknown forum",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "forumId": missing })) }),
            resident,
            Code("NOT_FOUND"),
        ),
        case(
            "unknown location",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "regionId": missing })) }),
            resident,
            Code("NOT_FOUND"),
        ),
        case(
            "unknown sector",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "sectorId": missing })) }),
            resident,
            Code("NOT_FOUND"),
        ),
        case(
            "unknown activity",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "activityId": missing })) }),
            resident,
            Code("NOT_FOUND"),
        ),
        case(
            "unknown agency",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "initialAgencyId": missing })) }),
            resident,
            Code("NOT_FOUND"),
        ),
        case(
            "proposal to a closed forum",
            CREATE_PROPOSAL,
            json!({ "input": merged(&proposal, json!({ "forumId": closed_forum, "regionId": w.kelurahan_b })) }),
            resident,
            Code("FAILED_PRECONDITION"),
        ),
        // updateProposal
        case(
            "edit: title too short",
            UPDATE_PROPOSAL,
            json!({ "input": { "id": draft, "title": "Abc" } }),
            resident,
            Field("title", Some("length")),
        ),
        case(
            "edit: latitude at the pole",
            UPDATE_PROPOSAL,
            json!({ "input": { "id": draft, "latitude": -90.0 } }),
            resident,
            Field("latitude", Some("range")),
        ),
        case(
            "edit: negative volume",
            UPDATE_PROPOSAL,
            json!({ "input": { "id": draft, "volume": -3.0 } }),
            resident,
            Field("volume", Some("range")),
        ),
        case(
            "edit: unknown sector",
            UPDATE_PROPOSAL,
            json!({ "input": { "id": draft, "sectorId": missing } }),
            resident,
            Code("NOT_FOUND"),
        ),
        case(
            "edit: unknown proposal",
            UPDATE_PROPOSAL,
            json!({ "input": { "id": missing, "title": "Judul baru" } }),
            resident,
            Code("NOT_FOUND"),
        ),
        case(
            "edit a submitted proposal",
            UPDATE_PROPOSAL,
            json!({ "input": { "id": submitted, "title": "Judul baru" } }),
            resident,
            Code("FAILED_PRECONDITION"),
        ),
        // transitionProposal
        case(
            "note too short",
            TRANSITION,
            json!({ "input": { "proposalId": submitted, "to": "RETURNED", "note": "ok" } }),
            staff,
            Field("note", Some("length")),
        ),
        case(
            "reject without a note",
            TRANSITION,
            json!({ "input": { "proposalId": submitted, "to": "REJECTED" } }),
            staff,
            Field("note", Some("required")),
        ),
        case(
            "verify a draft",
            TRANSITION,
            json!({ "input": { "proposalId": draft, "to": "VERIFIED" } }),
            staff,
            Code("FAILED_PRECONDITION"),
        ),
        case(
            "resubmit a rejected proposal",
            TRANSITION,
            json!({ "input": { "proposalId": rejected, "to": "SUBMITTED" } }),
            resident,
            Code("FAILED_PRECONDITION"),
        ),
        // addAttachment
        case(
            "executable attachment",
            ATTACH,
            json!({ "input": merged(&attachment_base, json!({ "contentType": "application/x-msdownload" })) }),
            resident,
            Field("contentType", None),
        ),
        case(
            "javascript URL",
            ATTACH,
            json!({ "input": merged(&attachment_base, json!({ "url": "javascript:alert(1)" })) }),
            resident,
            Field("url", Some("url")),
        ),
        case(
            "empty file",
            ATTACH,
            json!({ "input": merged(&attachment_base, json!({ "sizeBytes": 0 })) }),
            resident,
            Field("sizeBytes", Some("range")),
        ),
        case(
            "file over 20 MB",
            ATTACH,
            json!({ "input": merged(&attachment_base, json!({ "sizeBytes": 20_971_521 })) }),
            resident,
            Field("sizeBytes", Some("range")),
        ),
        case(
            "file without a name",
            ATTACH,
            json!({ "input": merged(&attachment_base, json!({ "fileName": "" })) }),
            resident,
            Field("fileName", Some("length")),
        ),
        case(
            "attach to unknown proposal",
            ATTACH,
            json!({ "input": merged(&attachment_base, json!({ "proposalId": missing })) }),
            resident,
            Code("NOT_FOUND"),
        ),
        // addRecommendation
        case(
            "recommendation note too short",
            RECOMMEND,
            json!({ "input": merged(&recommendation_base, json!({ "note": "ok" })) }),
            staff,
            Field("note", Some("length")),
        ),
        case(
            "negative amount",
            RECOMMEND,
            json!({ "input": merged(&recommendation_base, json!({ "amount": -1 })) }),
            staff,
            Field("amount", Some("range")),
        ),
        case(
            "zero volume recommended",
            RECOMMEND,
            json!({ "input": merged(&recommendation_base, json!({ "volume": 0.0 })) }),
            staff,
            Field("volume", Some("range")),
        ),
        case(
            "recommend unknown proposal",
            RECOMMEND,
            json!({ "input": merged(&recommendation_base, json!({ "proposalId": missing })) }),
            staff,
            Code("NOT_FOUND"),
        ),
        case(
            "recommend a draft",
            RECOMMEND,
            json!({ "input": merged(&recommendation_base, json!({ "proposalId": draft })) }),
            staff,
            Code("FAILED_PRECONDITION"),
        ),
        case(
            "recommend a rejected proposal",
            RECOMMEND,
            json!({ "input": merged(&recommendation_base, json!({ "proposalId": rejected })) }),
            staff,
            Code("FAILED_PRECONDITION"),
        ),
        // addComment / hideComment
        case(
            "empty comment",
            ADD_COMMENT,
            json!({ "proposalId": submitted, "body": "   " }),
            resident,
            Field("body", Some("length")),
        ),
        case(
            "comment too long",
            ADD_COMMENT,
            json!({ "proposalId": submitted, "body": long(2001) }),
            resident,
            Field("body", Some("length")),
        ),
        case(
            "reply to another proposal's comment",
            ADD_COMMENT,
            json!({ "proposalId": submitted, "parentId": comment_on_other, "body": "Balasan" }),
            resident,
            Field("parentId", Some("scope")),
        ),
        case(
            "reply to unknown comment",
            ADD_COMMENT,
            json!({ "proposalId": submitted, "parentId": missing, "body": "Balasan" }),
            resident,
            Code("NOT_FOUND"),
        ),
        case(
            "comment on unknown proposal",
            ADD_COMMENT,
            json!({ "proposalId": missing, "body": "Halo" }),
            resident,
            Code("NOT_FOUND"),
        ),
        case(
            "hide without a reason",
            HIDE,
            json!({ "id": comment_on_other, "reason": "  " }),
            staff,
            Field("reason", Some("length")),
        ),
        case(
            "hide unknown comment",
            HIDE,
            json!({ "id": missing, "reason": "Spam iklan" }),
            staff,
            Code("NOT_FOUND"),
        ),
        case(
            "hide twice",
            HIDE,
            json!({ "id": hidden, "reason": "Spam iklan" }),
            staff,
            Code("FAILED_PRECONDITION"),
        ),
    ];

    let before = app.snapshot().await;
    let mut problems = Vec::new();
    for c in &cases {
        let response = app
            .gql(c.query, c.variables.clone(), c.token.as_deref())
            .await;
        let errors = response["errors"].as_array().cloned().unwrap_or_default();
        let first = errors.first().cloned().unwrap_or(Value::Null);
        let code = first["extensions"]["code"].as_str();
        let fine = match c.outcome {
            Code(expected) => errors.len() == 1 && code == Some(expected),
            Field(field, problem) => {
                code == Some("BAD_USER_INPUT")
                    && first["extensions"]["fields"]
                        .as_array()
                        .is_some_and(|fields| {
                            fields.iter().any(|f| {
                                f["field"] == field
                                    && problem.is_none_or(|p| f["code"] == p)
                                    && f["message"].as_str().is_some_and(|m| !m.is_empty())
                            })
                        })
            }
        };
        if !fine {
            problems.push(format!(
                "{}: expected {:?}, got {}",
                c.label, c.outcome, response
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} cases differ:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
    assert_eq!(
        app.snapshot().await,
        before,
        "a failed mutation wrote something"
    );
}

/// Several problems at once are all reported, sorted by field, in the error's message too.
async fn every_problem_is_reported(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let input = w.proposal_input(
        json!({ "title": "", "estimatedCost": -1, "latitude": 91.0, "volume": 0.0, "unit": "" }),
    );
    let response = app
        .gql(CREATE_PROPOSAL, json!({ "input": input }), w.admin_token())
        .await;
    assert_code(&response, "BAD_USER_INPUT");
    let fields: Vec<&str> = response["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec!["estimatedCost", "latitude", "title", "unit", "volume"]
    );
    assert_eq!(
        response["errors"][0]["message"],
        "invalid input: estimatedCost, latitude, title, unit, volume"
    );
    assert_eq!(response["data"], Value::Null);
    assert_eq!(response["errors"][0]["path"], json!(["createProposal"]));
}

backend_tests!(invalid_input_for_every_mutation, every_problem_is_reported);
