//! Who may do what: every mutation of the planning core against every kind of caller, as one
//! table. An allowed call must really succeed (its preconditions are met and its effect is
//! checked); a refused one must fail with the exact code and change nothing at all.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    /// A registered resident of Oro-oro Dowo, not verified yet.
    Unverified,
    /// A verified resident of Oro-oro Dowo: the proposer of the proposals acted on.
    Proposer,
    /// Another verified resident of Oro-oro Dowo.
    OtherResident,
    /// Moderator of Oro-oro Dowo's forum, where the proposals are.
    Moderator,
    /// Moderator of Kauman's forum (same kecamatan, other kelurahan).
    OtherModerator,
    /// Planner of Kota Malang.
    Planner,
    /// Planner of Kota Batu.
    OtherPlanner,
    Admin,
}

use Caller::*;

const CALLERS: [Caller; 9] = [
    Anonymous,
    Unverified,
    Proposer,
    OtherResident,
    Moderator,
    OtherModerator,
    Planner,
    OtherPlanner,
    Admin,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    Refused(&'static str),
}

const A: Expect = Expect::Allowed;
const U: Expect = Expect::Refused("UNAUTHENTICATED");
const F: Expect = Expect::Refused("FORBIDDEN");
/// Staff editing a status they may not edit in.
const P: Expect = Expect::Refused("FAILED_PRECONDITION");
/// Someone else's draft: not even its existence is told.
const N: Expect = Expect::Refused("NOT_FOUND");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Register,
    Login,
    Logout,
    VerifyAccount,
    GrantModerator,
    GrantPlanner,
    RevokeModerator,
    RevokePlanner,
    CreateRegion,
    CreateTopRegion,
    CreateAgency,
    CreateSector,
    CreateActivity,
    CreateCycle,
    SetCycleStatus,
    SetStage,
    LockStage,
    CreateForum,
    UpdateForum,
    SetForumStatus,
    RatifyForum,
    CreateProposal,
    CreatePokir,
    UpdateDraft,
    CorrectSubmitted,
    Submit,
    Verify,
    Return,
    Forward,
    Accept,
    Withdraw,
    AttachToDraft,
    AttachToSubmitted,
    AddRecommendation,
    AddComment,
    HideComment,
    CloseForum,
    PromoteReserve,
    CarryOver,
    ReportImplementation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Accounts,
    Planning,
    Proposals,
    Escalation,
}

impl Op {
    fn group(self) -> Group {
        use Op::*;
        match self {
            Register | Login | Logout | VerifyAccount | GrantModerator | GrantPlanner
            | RevokeModerator | RevokePlanner | CreateRegion | CreateTopRegion => Group::Accounts,
            CreateAgency | CreateSector | CreateActivity | CreateCycle | SetCycleStatus
            | SetStage | LockStage | CreateForum | UpdateForum | SetForumStatus | RatifyForum => {
                Group::Planning
            }
            CloseForum | PromoteReserve | CarryOver | ReportImplementation => Group::Escalation,
            _ => Group::Proposals,
        }
    }
}

/// The table. Columns, in order: anonymous, unverified resident, the proposer (a verified
/// resident), another verified resident, moderator of this forum, moderator of another forum,
/// planner of this city, planner of another city, administrator.
#[rustfmt::skip]
const MATRIX: &[(Op, [Expect; 9])] = &[
    //                         anon unv  prop other mod  omod plan oplan admin
    (Op::Register,          [A,   A,   A,   A,    A,   A,   A,   A,    A]),
    (Op::Login,             [A,   A,   A,   A,    A,   A,   A,   A,    A]),
    (Op::Logout,            [U,   A,   A,   A,    A,   A,   A,   A,    A]),
    (Op::VerifyAccount,     [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    (Op::GrantModerator,    [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::GrantPlanner,      [U,   F,   F,   F,    F,   F,   F,   F,    A]),
    (Op::RevokeModerator,   [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::RevokePlanner,     [U,   F,   F,   F,    F,   F,   F,   F,    A]),
    (Op::CreateRegion,      [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::CreateTopRegion,   [U,   F,   F,   F,    F,   F,   F,   F,    A]),
    // The catalogue is shared by every region: any planner keeps it.
    (Op::CreateAgency,      [U,   F,   F,   F,    F,   F,   A,   A,    A]),
    (Op::CreateSector,      [U,   F,   F,   F,    F,   F,   A,   A,    A]),
    (Op::CreateActivity,    [U,   F,   F,   F,    F,   F,   A,   A,    A]),
    (Op::CreateCycle,       [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::SetCycleStatus,    [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::SetStage,          [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::LockStage,         [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::CreateForum,       [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::UpdateForum,       [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::SetForumStatus,    [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    (Op::RatifyForum,       [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::CreateProposal,    [U,   A,   A,   A,    A,   A,   A,   A,    A]),
    (Op::CreatePokir,       [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    (Op::UpdateDraft,       [U,   N,   A,   N,    P,   N,   P,   N,    P]),
    (Op::CorrectSubmitted,  [U,   F,   P,   F,    A,   F,   A,   F,    A]),
    (Op::Submit,            [U,   N,   A,   N,    F,   N,   F,   N,    F]),
    (Op::Verify,            [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    (Op::Return,            [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    (Op::Forward,           [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    (Op::Accept,            [U,   F,   F,   F,    F,   F,   A,   F,    A]),
    (Op::Withdraw,          [U,   F,   A,   F,    F,   F,   F,   F,    F]),
    (Op::AttachToDraft,     [U,   N,   A,   N,    A,   N,   A,   N,    A]),
    (Op::AttachToSubmitted, [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    (Op::AddRecommendation, [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    (Op::AddComment,        [U,   A,   A,   A,    A,   A,   A,   A,    A]),
    (Op::HideComment,       [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    (Op::CloseForum,        [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    (Op::PromoteReserve,    [U,   F,   F,   F,    A,   F,   A,   F,    A]),
    // The proposer carries their own proposal over; the forum's staff may do it for them.
    (Op::CarryOver,         [U,   F,   A,   F,    A,   F,   A,   F,    A]),
    // The responsible agency reports; of this table's callers, planners and administrators.
    (Op::ReportImplementation, [U, F,  F,   F,    F,   F,   A,   F,    A]),
];

/// The people and standing records the table is run against.
struct Fixture<'a> {
    app: &'a TestApp,
    world: World,
    users: Vec<(Caller, User)>,
    /// An account roles are granted to and revoked from; it never acts itself.
    grantee: User,
    /// A resident of Oro-oro Dowo whose verification is decided (and re-decided).
    applicant: User,
    applicant_status: &'static str,
    moderator_grant: Option<i32>,
    planner_grant: Option<i32>,
    forum_status: &'static str,
    /// The proposer's draft and submitted proposal at Oro-oro Dowo's forum.
    draft: i32,
    submitted: i32,
    stage_opd: i32,
    /// The next year's cycle proposals are carried over into, made on first use.
    next_cycle: Option<i32>,
    serial: u32,
}

impl Fixture<'_> {
    fn user(&self, caller: Caller) -> Option<&User> {
        self.users
            .iter()
            .find(|(c, _)| *c == caller)
            .map(|(_, u)| u)
    }

    fn proposer(&self) -> User {
        self.user(Proposer).unwrap().clone()
    }

    fn next(&mut self) -> u32 {
        self.serial += 1;
        self.serial
    }
}

async fn fixture(app: &TestApp) -> Fixture<'_> {
    let world = World::build(app).await;
    let mut users = Vec::new();
    users.push((
        Unverified,
        world
            .resident(app, "Warga Belum Terverifikasi", world.kelurahan)
            .await,
    ));
    users.push((Proposer, world.verified_resident(app, "Sri Wahyuni").await));
    users.push((
        OtherResident,
        world.verified_resident(app, "Joko Purnomo").await,
    ));
    users.push((
        Moderator,
        world
            .moderator(app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
            .await,
    ));
    users.push((
        OtherModerator,
        world
            .moderator(app, "Fasilitator Kauman", world.forum_kelurahan_b)
            .await,
    ));
    users.push((
        Planner,
        world.planner(app, "Bappeda Kota Malang", world.city).await,
    ));
    users.push((
        OtherPlanner,
        world
            .planner(app, "Bappeda Kota Batu", world.other_city)
            .await,
    ));
    users.push((Admin, world.admin.clone()));
    let grantee = register(app, "Calon Petugas", json!({})).await;
    let applicant = world
        .resident(app, "Pemohon Verifikasi", world.kelurahan)
        .await;
    let proposer = users[1].1.clone();
    let draft = world
        .draft(app, &proposer, json!({ "title": "Draf pelebaran gang" }))
        .await;
    let submitted = world
        .submitted(
            app,
            &proposer,
            json!({ "title": "Pengadaan tempat sampah terpilah" }),
        )
        .await;
    let vars = json!({ "input": { "cycleId": world.cycle, "level": "FORUM_OPD", "opensAt": days_from_now(-1), "closesAt": days_from_now(30) } });
    let stage_opd = id(&ok(&app.gql(SET_STAGE, vars, world.admin_token()).await)["setStage"]["id"]);
    Fixture {
        app,
        world,
        users,
        grantee,
        applicant,
        applicant_status: "UNVERIFIED",
        moderator_grant: None,
        planner_grant: None,
        forum_status: "DRAFT",
        draft,
        submitted,
        stage_opd,
        next_cycle: None,
        serial: 0,
    }
}

/// One call of the table: the request and, for an allowed call, what its answer must say.
struct Call {
    query: &'static str,
    variables: Value,
    /// Replaces the caller's usual token (logout signs out a session of its own).
    token: Option<String>,
    /// A path into `data` and the value expected there when the call is allowed.
    expect: (&'static [&'static str], Value),
}

fn call(
    query: &'static str,
    variables: Value,
    path: &'static [&'static str],
    value: Value,
) -> Call {
    Call {
        query,
        variables,
        token: None,
        expect: (path, value),
    }
}

/// Builds what the call needs, fresh where the call consumes it.
async fn prepare(fx: &mut Fixture<'_>, op: Op, caller: Caller) -> Call {
    let app = fx.app;
    let n = fx.next();
    let w = fx.world.clone();
    let proposer = fx.proposer();
    match op {
        Op::Register => call(
            REGISTER,
            json!({ "input": { "name": format!("Pendaftar {n}"), "email": format!("pendaftar{n}@example.id"), "password": PASSWORD } }),
            &["register", "account", "name"],
            json!(format!("Pendaftar {n}")),
        ),
        Op::Login => call(
            "mutation($id: String!, $pw: String!) { login(identifier: $id, password: $pw) { account { id } } }",
            json!({ "id": fx.applicant.email, "pw": PASSWORD }),
            &["login", "account", "id"],
            json!(fx.applicant.id),
        ),
        Op::Logout => {
            let mut c = call("mutation { logout { ok } }", json!({}), &["logout", "ok"], json!(true));
            if let Some(user) = fx.user(caller) {
                let response = login(app, &user.email, PASSWORD).await;
                c.token = Some(ok(&response)["login"]["token"].as_str().unwrap().to_owned());
            }
            c
        }
        Op::VerifyAccount => {
            let decision = if fx.applicant_status == "VERIFIED" { "REJECTED" } else { "VERIFIED" };
            call(
                "mutation($id: Int!, $d: VerificationStatus!) { verifyAccount(accountId: $id, decision: $d) { verification } }",
                json!({ "id": fx.applicant.id, "d": decision }),
                &["verifyAccount", "verification"],
                json!(decision),
            )
        }
        Op::GrantModerator | Op::GrantPlanner => {
            let slot = if op == Op::GrantModerator { &mut fx.moderator_grant } else { &mut fx.planner_grant };
            if let Some(grant) = slot.take() {
                revoke(app, w.admin_token(), grant).await;
            }
            let (role, input) = if op == Op::GrantModerator {
                ("MODERATOR", json!({ "accountId": fx.grantee.id, "role": "MODERATOR", "forumId": w.forum_kelurahan }))
            } else {
                ("PLANNER", json!({ "accountId": fx.grantee.id, "role": "PLANNER", "regionId": w.city }))
            };
            call(GRANT_ROLE, json!({ "input": input }), &["grantRole", "role"], json!(role))
        }
        Op::RevokeModerator | Op::RevokePlanner => {
            let moderator = op == Op::RevokeModerator;
            let current = if moderator { fx.moderator_grant } else { fx.planner_grant };
            let grant = match current {
                Some(grant) => grant,
                None => {
                    let input = if moderator {
                        json!({ "accountId": fx.grantee.id, "role": "MODERATOR", "forumId": w.forum_kelurahan })
                    } else {
                        json!({ "accountId": fx.grantee.id, "role": "PLANNER", "regionId": w.city })
                    };
                    let grant = w.grant(app, input).await;
                    if moderator {
                        fx.moderator_grant = Some(grant);
                    } else {
                        fx.planner_grant = Some(grant);
                    }
                    grant
                }
            };
            call(
                "mutation($id: Int!) { revokeRole(grantId: $id) { id } }",
                json!({ "id": grant }),
                &["revokeRole", "id"],
                json!(grant),
            )
        }
        Op::CreateRegion => call(
            CREATE_REGION,
            json!({ "input": { "code": format!("35.73.05.20{n:02}"), "name": format!("Kelurahan Baru {n}"), "level": "DESA_KELURAHAN", "parentId": w.kecamatan } }),
            &["createRegion", "parentId"],
            json!(w.kecamatan),
        ),
        Op::CreateTopRegion => call(
            CREATE_REGION,
            json!({ "input": { "code": format!("{}", 70 + n), "name": format!("Provinsi Baru {n}"), "level": "PROVINSI" } }),
            &["createRegion", "level"],
            json!("PROVINSI"),
        ),
        Op::CreateAgency => call(
            "mutation($input: CreateAgencyInput!) { createAgency(input: $input) { code } }",
            json!({ "input": { "code": format!("9.99.{n}"), "name": format!("Badan Baru {n}") } }),
            &["createAgency", "code"],
            json!(format!("9.99.{n}")),
        ),
        Op::CreateSector => call(
            "mutation($input: CreateSectorInput!) { createSector(input: $input) { code } }",
            json!({ "input": { "code": format!("9.{n}"), "name": format!("Urusan Baru {n}") } }),
            &["createSector", "code"],
            json!(format!("9.{n}")),
        ),
        Op::CreateActivity => call(
            "mutation($input: CreateActivityInput!) { createActivity(input: $input) { code } }",
            json!({ "input": { "code": format!("9.99.9.{n}"), "name": format!("Kegiatan baru {n}"), "sectorId": w.sector,
                "unit": "paket", "unitCost": 25_000_000, "physical": false } }),
            &["createActivity", "code"],
            json!(format!("9.99.9.{n}")),
        ),
        Op::CreateCycle => call(
            "mutation($input: CreateCycleInput!) { createCycle(input: $input) { planYear status } }",
            json!({ "input": { "planYear": 2030 + n, "name": format!("Siklus {}", 2030 + n), "regionId": w.city } }),
            &["createCycle", "planYear"],
            json!(2030 + n),
        ),
        Op::SetCycleStatus => {
            let response = app
                .gql(
                    "mutation($input: CreateCycleInput!) { createCycle(input: $input) { id } }",
                    json!({ "input": { "planYear": 2030 + n, "name": format!("Siklus {}", 2030 + n), "regionId": w.city } }),
                    w.admin_token(),
                )
                .await;
            let cycle = id(&ok(&response)["createCycle"]["id"]);
            call(
                "mutation($id: Int!) { setCycleStatus(cycleId: $id, status: ACTIVE) { status } }",
                json!({ "id": cycle }),
                &["setCycleStatus", "status"],
                json!("ACTIVE"),
            )
        }
        Op::SetStage => call(
            SET_STAGE,
            json!({ "input": { "cycleId": w.cycle, "level": "REMBUK_RW", "opensAt": days_from_now(-1), "closesAt": days_from_now(10 + n as i64) } }),
            &["setStage", "level"],
            json!("REMBUK_RW"),
        ),
        Op::LockStage => call(
            "mutation($id: Int!) { lockStage(stageId: $id, locked: true) { locked } }",
            json!({ "id": fx.stage_opd }),
            &["lockStage", "locked"],
            json!(true),
        ),
        Op::CreateForum => call(
            CREATE_FORUM,
            json!({ "input": { "cycleId": w.cycle, "level": "DESA_KELURAHAN", "regionId": w.kelurahan_b, "parentForumId": w.forum_kecamatan,
                "name": format!("Forum tambahan {n}"), "selectionLimit": "UNLIMITED" } }),
            &["createForum", "name"],
            json!(format!("Forum tambahan {n}")),
        ),
        Op::UpdateForum => call(
            "mutation($input: UpdateForumInput!) { updateForum(input: $input) { budgetCeiling } }",
            json!({ "input": { "id": w.forum_kelurahan, "budgetCeiling": 600_000_000 + n as i64 } }),
            &["updateForum", "budgetCeiling"],
            json!(600_000_000 + n as i64),
        ),
        Op::SetForumStatus => {
            let to = if fx.forum_status == "DRAFT" { "SCHEDULED" } else { "DRAFT" };
            call(
                "mutation($id: Int!, $s: ForumStatus!) { setForumStatus(forumId: $id, status: $s) { status } }",
                json!({ "id": w.forum_kelurahan, "s": to }),
                &["setForumStatus", "status"],
                json!(to),
            )
        }
        Op::RatifyForum => {
            let response = app
                .gql(
                    CREATE_FORUM,
                    json!({ "input": { "cycleId": w.cycle, "level": "DESA_KELURAHAN", "regionId": w.kelurahan,
                        "name": format!("Musrenbang susulan {n}"), "selectionLimit": "UNLIMITED" } }),
                    w.admin_token(),
                )
                .await;
            let forum = id(&ok(&response)["createForum"]["id"]);
            // The moderator of this table moderates this forum too.
            let moderator = fx.user(Moderator).unwrap().id;
            w.grant(app, json!({ "accountId": moderator, "role": "MODERATOR", "forumId": forum })).await;
            w.close_forum(app, forum).await;
            call(
                "mutation($id: Int!) { setForumStatus(forumId: $id, status: RATIFIED) { status } }",
                json!({ "id": forum }),
                &["setForumStatus", "status"],
                json!("RATIFIED"),
            )
        }
        Op::CreateProposal | Op::CreatePokir => {
            let proposer_type = if op == Op::CreatePokir { "DPRD_MEMBER" } else { "RESIDENT" };
            call(
                CREATE_PROPOSAL,
                json!({ "input": w.proposal_input(json!({ "title": format!("Usulan nomor {n}"), "proposerType": proposer_type })) }),
                &["createProposal", "status"],
                json!("DRAFT"),
            )
        }
        Op::UpdateDraft | Op::CorrectSubmitted => {
            let target = if op == Op::UpdateDraft { fx.draft } else { fx.submitted };
            call(
                "mutation($input: UpdateProposalInput!) { updateProposal(input: $input) { title } }",
                json!({ "input": { "id": target, "title": format!("Judul diperbaiki {n}") } }),
                &["updateProposal", "title"],
                json!(format!("Judul diperbaiki {n}")),
            )
        }
        Op::Submit | Op::Verify | Op::Return | Op::Forward | Op::Accept | Op::Withdraw => {
            let (proposal, to, note) = match op {
                Op::Submit => (w.draft(app, &proposer, json!({})).await, "SUBMITTED", None),
                Op::Verify => (w.submitted(app, &proposer, json!({})).await, "VERIFIED", None),
                Op::Return => (w.submitted(app, &proposer, json!({})).await, "RETURNED", Some("Lengkapi foto lokasi")),
                Op::Forward => (w.verified(app, &proposer, json!({})).await, "FORWARDED", None),
                Op::Accept => (w.verified_at_top(app, &proposer).await, "ACCEPTED", None),
                _ => (w.submitted(app, &proposer, json!({})).await, "WITHDRAWN", None),
            };
            call(
                TRANSITION,
                json!({ "input": { "proposalId": proposal, "to": to, "note": note } }),
                &["transitionProposal", "status"],
                json!(to),
            )
        }
        Op::AttachToDraft | Op::AttachToSubmitted => {
            let target = if op == Op::AttachToDraft { fx.draft } else { fx.submitted };
            call(
                "mutation($input: AddAttachmentInput!) { addAttachment(input: $input) { fileName } }",
                json!({ "input": { "proposalId": target, "kind": "PHOTO", "fileName": format!("lokasi-{n}.jpg"),
                    "contentType": "image/jpeg", "sizeBytes": 245_760, "url": format!("/uploads/lokasi-{n}.jpg") } }),
                &["addAttachment", "fileName"],
                json!(format!("lokasi-{n}.jpg")),
            )
        }
        Op::AddRecommendation => call(
            "mutation($input: AddRecommendationInput!) { addRecommendation(input: $input) { decision } }",
            json!({ "input": { "proposalId": fx.submitted, "recommender": "LURAH", "decision": "AGREE", "amount": 150_000_000, "note": "Layak, sesuai kebutuhan warga" } }),
            &["addRecommendation", "decision"],
            json!("AGREE"),
        ),
        Op::AddComment => call(
            ADD_COMMENT,
            json!({ "proposalId": fx.submitted, "body": format!("Komentar warga {n}") }),
            &["addComment", "body"],
            json!(format!("Komentar warga {n}")),
        ),
        Op::CloseForum => {
            let forum = staffed_forum(fx, n, json!({ "selectionLimit": "UNLIMITED" })).await;
            open_forum_session(fx, forum).await;
            call(
                "mutation($id: Int!) { closeForum(input: { forumId: $id }) { status } }",
                json!({ "id": forum }),
                &["closeForum", "status"],
                json!("CLOSED"),
            )
        }
        Op::PromoteReserve => {
            // At most one moves up; once the limit is raised the reserve has room.
            let forum = staffed_forum(fx, n, json!({ "selectionLimit": "COUNT", "maxCount": 1 })).await;
            let here = json!({ "forumId": forum });
            w.verified(app, &proposer, here.clone()).await;
            let reserve = w.verified(app, &proposer, here).await;
            open_forum_session(fx, forum).await;
            ok(&app
                .gql(
                    "mutation($id: Int!) { closeForum(input: { forumId: $id }) { status } }",
                    json!({ "id": forum }),
                    w.admin_token(),
                )
                .await);
            let closed = musrenbang::domain::find::<entity::forum::Entity>(app.db.reader(), forum, "forum")
                .await
                .unwrap();
            let mut raised: entity::forum::ActiveModel = closed.into();
            raised.max_count = sea_orm::Set(Some(2));
            sea_orm::ActiveModelTrait::update(raised, app.db.writer()).await.unwrap();
            call(
                "mutation($f: Int!, $p: Int!) { promoteReserve(forumId: $f, proposalId: $p) { status } }",
                json!({ "f": forum, "p": reserve }),
                &["promoteReserve", "status"],
                json!("ACCEPTED"),
            )
        }
        Op::CarryOver => {
            let next_cycle = match fx.next_cycle {
                Some(cycle) => cycle,
                None => {
                    let (cycle, _) = fx.world.next_year(app, true).await;
                    fx.next_cycle = Some(cycle);
                    cycle
                }
            };
            let rejected = w.verified(app, &proposer, json!({})).await;
            w.transition(app, &w.admin, rejected, "REJECTED", Some("Tidak sesuai prioritas")).await;
            call(
                "mutation($p: Int!, $c: Int!) { carryOverProposal(input: { proposalId: $p, cycleId: $c }) { status } }",
                json!({ "p": rejected, "c": next_cycle }),
                &["carryOverProposal", "status"],
                json!("SUBMITTED"),
            )
        }
        Op::ReportImplementation => {
            let accepted = w.verified_at_top(app, &proposer).await;
            w.transition(app, &w.admin, accepted, "ACCEPTED", None).await;
            call(
                "mutation($input: ReportImplementationInput!) { reportImplementation(input: $input) { status } }",
                json!({ "input": { "proposalId": accepted, "status": "IN_PROGRESS",
                    "happenedOn": chrono::Utc::now().date_naive().to_string(), "note": "Pengerjaan dimulai" } }),
                &["reportImplementation", "status"],
                json!("IN_PROGRESS"),
            )
        }
        Op::HideComment => {
            let other = fx.user(OtherResident).unwrap().token.clone();
            let response = app
                .gql(ADD_COMMENT, json!({ "proposalId": fx.submitted, "body": "Komentar yang kasar" }), Some(&other))
                .await;
            let comment = id(&ok(&response)["addComment"]["id"]);
            call(
                "mutation($id: Int!) { hideComment(commentId: $id, reason: \"Melanggar tata tertib\") { hidden } }",
                json!({ "id": comment }),
                &["hideComment", "hidden"],
                json!(true),
            )
        }
    }
}

/// A fresh kelurahan forum of this cycle that the table's moderator moderates too.
async fn staffed_forum(fx: &Fixture<'_>, n: u32, limits: Value) -> i32 {
    let mut input = json!({ "cycleId": fx.world.cycle, "level": "DESA_KELURAHAN",
        "regionId": fx.world.kelurahan, "name": format!("Musrenbang susulan {n}") });
    for (key, value) in limits.as_object().unwrap() {
        input[key] = value.clone();
    }
    let response = fx
        .app
        .gql(
            CREATE_FORUM,
            json!({ "input": input }),
            fx.world.admin_token(),
        )
        .await;
    let forum = id(&ok(&response)["createForum"]["id"]);
    let moderator = fx.user(Moderator).unwrap().id;
    fx.world
        .grant(
            fx.app,
            json!({ "accountId": moderator, "role": "MODERATOR", "forumId": forum }),
        )
        .await;
    forum
}

async fn open_forum_session(fx: &Fixture<'_>, forum: i32) {
    for status in ["SCHEDULED", "IN_SESSION"] {
        ok(&fx
            .app
            .gql(
                "mutation($id: Int!, $s: ForumStatus!) { setForumStatus(forumId: $id, status: $s) { status } }",
                json!({ "id": forum, "s": status }),
                fx.world.admin_token(),
            )
            .await);
    }
}

async fn revoke(app: &TestApp, token: Option<&str>, grant: i32) {
    ok(&app
        .gql(
            "mutation($id: Int!) { revokeRole(grantId: $id) { id } }",
            json!({ "id": grant }),
            token,
        )
        .await);
}

/// Records the effect of an allowed call on the fixture's standing state.
fn after_success(fx: &mut Fixture<'_>, op: Op, data: &Value) {
    match op {
        Op::VerifyAccount => {
            fx.applicant_status = if data["verifyAccount"]["verification"] == "VERIFIED" {
                "VERIFIED"
            } else {
                "REJECTED"
            };
        }
        // Kept so that the next row can take the grant back.
        Op::GrantModerator => fx.moderator_grant = Some(id(&data["grantRole"]["id"])),
        Op::GrantPlanner => fx.planner_grant = Some(id(&data["grantRole"]["id"])),
        Op::RevokeModerator => fx.moderator_grant = None,
        Op::RevokePlanner => fx.planner_grant = None,
        Op::SetForumStatus => {
            fx.forum_status = if data["setForumStatus"]["status"] == "SCHEDULED" {
                "SCHEDULED"
            } else {
                "DRAFT"
            };
        }
        _ => {}
    }
}

async fn run_matrix(backend: Backend, group: Group) {
    let app = TestApp::spawn(backend).await;
    let mut fx = fixture(&app).await;
    let mut mismatches = Vec::new();
    let mut rows = 0;
    for (op, expectations) in MATRIX.iter().filter(|(op, _)| op.group() == group) {
        for (caller, expect) in CALLERS.iter().zip(expectations) {
            rows += 1;
            let c = prepare(&mut fx, *op, *caller).await;
            let token = c
                .token
                .clone()
                .or_else(|| fx.user(*caller).map(|u| u.token.clone()));
            let before = match expect {
                Expect::Refused(_) => Some(app.snapshot().await),
                Expect::Allowed => None,
            };
            let response = app
                .gql(c.query, c.variables.clone(), token.as_deref())
                .await;
            let label = format!("{op:?} by {caller:?}");
            match expect {
                Expect::Allowed => {
                    if response.get("errors").is_some() {
                        mismatches.push(format!(
                            "{label}: expected success, got {}",
                            response["errors"]
                        ));
                        continue;
                    }
                    let mut value = &response["data"];
                    for key in c.expect.0 {
                        value = &value[*key];
                    }
                    if *value != c.expect.1 {
                        mismatches.push(format!(
                            "{label}: expected {} at {:?}, got {value}",
                            c.expect.1, c.expect.0
                        ));
                    }
                    if *op == Op::Logout {
                        let me = app.gql("{ me { id } }", json!({}), token.as_deref()).await;
                        if ok(&me)["me"] != Value::Null {
                            mismatches.push(format!("{label}: the token still works after logout"));
                        }
                    }
                    after_success(&mut fx, *op, &response["data"]);
                }
                Expect::Refused(code) => {
                    if error_code(&response) != Some(code) {
                        mismatches.push(format!("{label}: expected {code}, got {response}"));
                    }
                    if Some(app.snapshot().await) != before {
                        mismatches.push(format!("{label}: the refused call changed the database"));
                    }
                }
            }
        }
    }
    assert!(rows >= 36, "only {rows} rows ran");
    assert!(
        mismatches.is_empty(),
        "{} of {rows} rows differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

async fn accounts_and_regions(backend: Backend) {
    run_matrix(backend, Group::Accounts).await;
}

async fn catalogue_cycles_and_forums(backend: Backend) {
    run_matrix(backend, Group::Planning).await;
}

async fn proposals_and_comments(backend: Backend) {
    run_matrix(backend, Group::Proposals).await;
}

async fn escalation_and_after_the_plan(backend: Backend) {
    run_matrix(backend, Group::Escalation).await;
}

/// Every mutation of the planning core has a row, and the table has a column for every caller.
#[test]
fn the_table_covers_every_mutation() {
    let schema = include_str!("../src/graphql/mutation.rs");
    let covered = [
        ("register", Op::Register),
        ("login", Op::Login),
        ("logout", Op::Logout),
        ("verify_account", Op::VerifyAccount),
        ("grant_role", Op::GrantModerator),
        ("revoke_role", Op::RevokeModerator),
        ("create_region", Op::CreateRegion),
        ("create_agency", Op::CreateAgency),
        ("create_sector", Op::CreateSector),
        ("create_activity", Op::CreateActivity),
        ("create_cycle", Op::CreateCycle),
        ("set_cycle_status", Op::SetCycleStatus),
        ("set_stage", Op::SetStage),
        ("lock_stage", Op::LockStage),
        ("create_forum", Op::CreateForum),
        ("update_forum", Op::UpdateForum),
        ("set_forum_status", Op::SetForumStatus),
        ("create_proposal", Op::CreateProposal),
        ("update_proposal", Op::UpdateDraft),
        ("transition_proposal", Op::Submit),
        ("add_attachment", Op::AttachToDraft),
        ("add_recommendation", Op::AddRecommendation),
        ("add_comment", Op::AddComment),
        ("hide_comment", Op::HideComment),
        ("close_forum", Op::CloseForum),
        ("promote_reserve", Op::PromoteReserve),
        ("carry_over_proposal", Op::CarryOver),
        ("report_implementation", Op::ReportImplementation),
    ];
    for (resolver, op) in covered {
        assert!(
            schema.contains(&format!("async fn {resolver}(")),
            "{resolver} is no longer a mutation"
        );
        assert!(MATRIX.iter().any(|(o, _)| *o == op), "{op:?} has no row");
    }
}

backend_tests!(
    accounts_and_regions,
    catalogue_cycles_and_forums,
    proposals_and_comments,
    escalation_and_after_the_plan
);
