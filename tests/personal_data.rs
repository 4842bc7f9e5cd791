//! Accounts residents can rely on and personal data as UU 27/2022 expects: who sees contact
//! details and home regions (a matrix of viewers), anonymous proposers, attendance counts for
//! the public, password resets through a real SMTP server and by a code from the hall, changes
//! of password and contact details, the data export and the erasure, scoped audit log and
//! catalogue.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::{smtp::*, *};
use serde_json::{json, Value};

const PERSONAL: &str = "query($id: Int!) { proposal(id: $id) { proposerName anonymousToPublic
    proposer { id name email phone verification verifiedAt homeRegion { id } roles { role } } } }";

fn strong() -> &'static str {
    "kopi tubruk di pasar besar"
}

async fn personal_fields_follow_the_viewers_scope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Hartono").await;
    let moderator_here = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let moderator_elsewhere = world
        .moderator(&app, "Fasilitator Kauman", world.forum_kelurahan_b)
        .await;
    let planner_city = world.planner(&app, "Perencana Kota", world.city).await;
    let planner_rw = world.planner(&app, "Perencana RW", world.rw).await;
    let planner_elsewhere = world
        .planner(&app, "Perencana Kota Batu", world.other_city)
        .await;
    let proposal = world.verified(&app, &ani, json!({})).await;

    let viewers: Vec<(&str, Option<&str>, bool)> = vec![
        ("anonymous", None, false),
        ("another resident", budi.token(), false),
        ("the person", ani.token(), true),
        ("moderator of her kelurahan", moderator_here.token(), true),
        (
            "moderator of another kelurahan",
            moderator_elsewhere.token(),
            false,
        ),
        ("planner of her city", planner_city.token(), true),
        (
            "planner of an RW she does not live in",
            planner_rw.token(),
            false,
        ),
        ("planner of another city", planner_elsewhere.token(), false),
        ("administrator", world.admin_token(), true),
    ];
    for (who, token, sees) in &viewers {
        let answer = app.gql(PERSONAL, json!({ "id": proposal }), *token).await;
        let proposer = ok(&answer)["proposal"]["proposer"].clone();
        assert_eq!(
            proposer["name"], "Ani Wulandari",
            "{who}: the name is public"
        );
        let personal = [
            proposer["email"].clone(),
            proposer["verification"].clone(),
            proposer["verifiedAt"].clone(),
            proposer["homeRegion"].clone(),
        ];
        if *sees {
            assert_eq!(
                proposer["email"],
                ani.email.as_str(),
                "{who} sees the email"
            );
            assert_eq!(proposer["verification"], "VERIFIED", "{who}");
            assert_eq!(proposer["homeRegion"]["id"], world.kelurahan, "{who}");
            assert_eq!(proposer["roles"][0]["role"], "RESIDENT", "{who}");
        } else {
            assert!(
                personal.iter().all(Value::is_null),
                "{who} sees no personal field: {proposer}"
            );
            assert_eq!(proposer["roles"], json!([]), "{who}");
        }
    }

    // A proposer anonymous to the public is "Warga <kelurahan>" to those outside the scope.
    let hidden = world
        .verified(
            &app,
            &ani,
            json!({ "title": "Lampu jalan gang Melati", "anonymousToPublic": true }),
        )
        .await;
    for (who, token, sees) in &viewers {
        let answer = app.gql(PERSONAL, json!({ "id": hidden }), *token).await;
        let seen = ok(&answer)["proposal"].clone();
        assert_eq!(seen["anonymousToPublic"], true);
        if *sees {
            assert_eq!(seen["proposerName"], "Ani Wulandari", "{who}");
            assert_eq!(seen["proposer"]["id"], ani.id, "{who}");
        } else {
            assert_eq!(seen["proposerName"], "Warga Oro-oro Dowo", "{who}");
            assert_eq!(seen["proposer"], Value::Null, "{who}");
        }
    }
    // Only the proposer chooses.
    assert_code(
        &app.gql(
            "mutation($input: UpdateProposalInput!) { updateProposal(input: $input) { id } }",
            json!({ "input": { "id": hidden, "anonymousToPublic": false } }),
            moderator_here.token(),
        )
        .await,
        "FORBIDDEN",
    );
}

async fn attendance_is_counted_for_the_public_and_listed_for_staff(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let session = world.open_session(&app, &moderator).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Hartono").await;
    let guest = world
        .resident(&app, "Tamu Dari Kauman", world.kelurahan_b)
        .await;
    check_in(&app, session, &ani).await;
    check_in(&app, session, &budi).await;
    check_in(&app, session, &guest).await;
    const SESSION: &str = "query($id: Int!) { liveSession(id: $id) {
        attendanceCounts { present awaiting male female unspecified } attendance { name accountId } } }";
    for (token, refusal) in [(None, "UNAUTHENTICATED"), (budi.token(), "FORBIDDEN")] {
        let answer = app.gql(SESSION, json!({ "id": session }), token).await;
        assert_eq!(
            answer["data"]["liveSession"]["attendanceCounts"],
            json!({ "present": 2, "awaiting": 1, "male": 0, "female": 0, "unspecified": 2 })
        );
        assert_eq!(answer["data"]["liveSession"]["attendance"], Value::Null);
        assert_code(&answer, refusal);
    }
    let staff = app
        .gql(SESSION, json!({ "id": session }), moderator.token())
        .await;
    let names: Vec<&str> = ok(&staff)["liveSession"]["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["Ani Wulandari", "Budi Hartono", "Tamu Dari Kauman"]
    );
    // What followers of the session receive names nobody.
    let snapshot = app.snapshot().await;
    let checked_in: Vec<&Value> = snapshot["events"]
        .iter()
        .filter(|e| e["kind"] == "attendee_checked_in")
        .collect();
    assert_eq!(checked_in.len(), 3, "{:?}", snapshot["events"]);
    for event in checked_in {
        let data = event["data"].as_str().unwrap();
        assert!(!data.contains("Ani") && !data.contains("Tamu"), "{data}");
        assert!(!data.contains("accountId"), "{data}");
        assert_eq!(event["actor_id"], Value::Null, "{event}");
    }
}

const REQUEST_RESET: &str = "mutation($email: String!) { requestPasswordReset(email: $email) }";
const RESET: &str = "mutation($token: String!, $password: String!) {
    resetPassword(token: $token, newPassword: $password) { token account { id } } }";
const ME: &str = "query { me { id email } }";

/// Whom a token signs in as (`me`; null for an ended session).
async fn signed_in_as(app: &TestApp, token: Option<&str>) -> Value {
    ok(&app.gql(ME, json!({}), token).await)["me"]["id"].clone()
}

async fn a_forgotten_password_is_reset_by_mail(backend: Backend) {
    let mut smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, mail_settings(&smtp)).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;

    // The same answer for an address without an account; no mail leaves for it.
    let unknown = app
        .gql(
            REQUEST_RESET,
            json!({ "email": "nobody@warga.example.id" }),
            None,
        )
        .await;
    assert_eq!(ok(&unknown)["requestPasswordReset"], true);
    let known = app
        .gql(
            REQUEST_RESET,
            json!({ "email": ani.email.to_uppercase() }),
            None,
        )
        .await;
    assert_eq!(
        known, unknown,
        "the answers do not tell the addresses apart"
    );
    let mail = smtp.next_message().await;
    assert!(mail.contains(&format!("To: {}", ani.email)), "{mail}");
    assert!(!mail.contains("nobody@"), "{mail}");
    let token = mail
        .split("http://musrenbang.test/atur-sandi?token=")
        .nth(1)
        .expect("a link in the mail")
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect::<String>();
    assert_eq!(token.len(), 64, "{mail}");

    assert_field_code(
        &app.gql(
            RESET,
            json!({ "token": token, "password": "password1" }),
            None,
        )
        .await,
        "newPassword",
        "weak",
    );
    assert_field_code(
        &app.gql(
            RESET,
            json!({ "token": "0".repeat(64), "password": strong() }),
            None,
        )
        .await,
        "token",
        "invalid",
    );
    let reset = app
        .gql(RESET, json!({ "token": token, "password": strong() }), None)
        .await;
    let fresh = ok(&reset)["resetPassword"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Every earlier session ended; the new one works, so does the new password.
    assert_eq!(signed_in_as(&app, ani.token()).await, Value::Null);
    assert_eq!(
        ok(&app.gql(ME, json!({}), Some(&fresh)).await)["me"]["id"],
        ani.id
    );
    ok(&login(&app, &ani.email, strong()).await);
    assert_code(&login(&app, &ani.email, PASSWORD).await, "UNAUTHENTICATED");
    // The link works once.
    assert_field_code(
        &app.gql(
            RESET,
            json!({ "token": token, "password": "teh manis di warung kopi" }),
            None,
        )
        .await,
        "token",
        "invalid",
    );
}

async fn staff_hand_over_a_reset_code_in_the_hall(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let moderator_elsewhere = world
        .moderator(&app, "Fasilitator Kauman", world.forum_kelurahan_b)
        .await;
    let siti = register(
        &app,
        "Siti Tanpa Email",
        json!({ "phone": "0812 3456 7000", "homeRegionId": world.kelurahan }),
    )
    .await;
    // A resident of the same kelurahan who moderates another forum is staff.
    let colleague = world.verified_resident(&app, "Rudi Kolega").await;
    world
        .grant(
            &app,
            json!({ "accountId": colleague.id, "role": "MODERATOR", "forumId": world.forum_kelurahan_b }),
        )
        .await;
    const ISSUE: &str =
        "mutation($id: Int!) { issuePasswordResetCode(accountId: $id) { code expiresAt } }";
    assert_code(
        &app.gql(ISSUE, json!({ "id": siti.id }), moderator_elsewhere.token())
            .await,
        "FORBIDDEN",
    );
    assert_code(
        &app.gql(ISSUE, json!({ "id": siti.id }), None).await,
        "UNAUTHENTICATED",
    );
    assert_code(
        &app.gql(ISSUE, json!({ "id": colleague.id }), moderator.token())
            .await,
        "FORBIDDEN",
    );
    ok(&app
        .gql(ISSUE, json!({ "id": colleague.id }), world.admin_token())
        .await);
    let issued = app
        .gql(ISSUE, json!({ "id": siti.id }), moderator.token())
        .await;
    let code = ok(&issued)["issuePasswordResetCode"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 14, "{code}");
    // Typed by hand: lower case, spaces for dashes.
    let typed = code.to_lowercase().replace('-', " ");
    ok(&app
        .gql(RESET, json!({ "token": typed, "password": strong() }), None)
        .await);
    ok(&login(&app, "0812 3456 7000", strong()).await);
    assert_field_code(
        &app.gql(RESET, json!({ "token": code, "password": strong() }), None)
            .await,
        "token",
        "invalid",
    );
    // The audit says who handed over a code, never the code.
    let snapshot = app.snapshot().await;
    let entries: Vec<&Value> = snapshot["audit_log"]
        .iter()
        .filter(|e| e["action"] == "account.password_reset_code")
        .collect();
    assert_eq!(entries.len(), 2);
    assert!(!serde_json::to_string(&snapshot["audit_log"])
        .unwrap()
        .contains(&code));
}

async fn passwords_and_contacts_change_with_the_password(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Hartono").await;
    let other_device = ok(&login(&app, &ani.email, PASSWORD).await)["login"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    const CHANGE: &str = "mutation($current: String!, $new: String!) {
        changePassword(currentPassword: $current, newPassword: $new) }";
    assert_field_code(
        &app.gql(
            CHANGE,
            json!({ "current": "not it at all", "new": strong() }),
            ani.token(),
        )
        .await,
        "currentPassword",
        "wrong",
    );
    assert_field_code(
        &app.gql(
            CHANGE,
            json!({ "current": PASSWORD, "new": "ani wulandari" }),
            ani.token(),
        )
        .await,
        "newPassword",
        "weak",
    );
    assert_code(
        &app.gql(
            CHANGE,
            json!({ "current": PASSWORD, "new": strong() }),
            None,
        )
        .await,
        "UNAUTHENTICATED",
    );
    ok(&app
        .gql(
            CHANGE,
            json!({ "current": PASSWORD, "new": strong() }),
            ani.token(),
        )
        .await);
    assert_eq!(signed_in_as(&app, Some(&other_device)).await, Value::Null);
    ok(&app.gql(ME, json!({}), ani.token()).await);

    const EMAIL: &str = "mutation($password: String!, $email: String) {
        changeEmail(password: $password, email: $email) { email phone } }";
    const PHONE: &str = "mutation($password: String!, $phone: String) {
        changePhone(password: $password, phone: $phone) { email phone } }";
    assert_field_code(
        &app.gql(
            EMAIL,
            json!({ "password": PASSWORD, "email": "ani.baru@warga.example.id" }),
            ani.token(),
        )
        .await,
        "password",
        "wrong",
    );
    assert_field_code(
        &app.gql(
            EMAIL,
            json!({ "password": strong(), "email": budi.email }),
            ani.token(),
        )
        .await,
        "email",
        "unique",
    );
    assert_field_code(
        &app.gql(
            EMAIL,
            json!({ "password": strong(), "email": "not an address" }),
            ani.token(),
        )
        .await,
        "email",
        "email",
    );
    assert_field_code(
        &app.gql(
            EMAIL,
            json!({ "password": strong(), "email": null }),
            ani.token(),
        )
        .await,
        "email",
        "required",
    );
    let phoned = app
        .gql(
            PHONE,
            json!({ "password": strong(), "phone": "0812-1111-2222" }),
            ani.token(),
        )
        .await;
    assert_eq!(ok(&phoned)["changePhone"]["phone"], "+6281211112222");
    let emailed = app
        .gql(
            EMAIL,
            json!({ "password": strong(), "email": null }),
            ani.token(),
        )
        .await;
    assert_eq!(
        ok(&emailed)["changeEmail"],
        json!({ "email": null, "phone": "+6281211112222" })
    );
    ok(&login(&app, "081211112222", strong()).await);
    let snapshot = app.snapshot().await;
    let changes: Vec<&Value> = snapshot["audit_log"]
        .iter()
        .filter(|e| {
            [
                "account.password_change",
                "account.email_change",
                "account.phone_change",
            ]
            .contains(&e["action"].as_str().unwrap_or_default())
        })
        .collect();
    assert_eq!(changes.len(), 3);
    let written = serde_json::to_string(&changes).unwrap();
    assert!(
        !written.contains("2222") && !written.contains(&ani.email),
        "{written}"
    );
}

async fn my_data_is_exported_and_an_account_erased(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let sari = register(
        &app,
        "Sari Terhapus Kusumawati",
        json!({ "homeRegionId": world.kelurahan, "phone": "0813 9876 5432",
            "email": "sari.terhapus@warga.example.id" }),
    )
    .await;
    world.verify(&app, sari.id).await;
    let proposal = world
        .verified(&app, &sari, json!({ "title": "Taman bermain anak RW 02" }))
        .await;
    ok(&app
        .gql(
            "mutation($proposal: Int!, $body: String!) { addComment(proposalId: $proposal, body: $body) { id } }",
            json!({ "proposal": proposal, "body": "Anak-anak butuh tempat bermain yang aman. WA saya 081398765432." }),
            sari.token(),
        )
        .await);
    // Someone else writes about her: her name and address in their comment, which also
    // notifies her.
    let budi = world.verified_resident(&app, "Budi Tetangga").await;
    ok(&app
        .gql(
            "mutation($proposal: Int!, $body: String!) { addComment(proposalId: $proposal, body: $body) { id } }",
            json!({ "proposal": proposal, "body": "Setuju dengan Sari Terhapus Kusumawati, tulis ke sari.terhapus@warga.example.id" }),
            budi.token(),
        )
        .await);
    let session = world.open_session(&app, &moderator).await;
    check_in(&app, session, &sari).await;

    let data = app.gql("query { myData }", json!({}), sari.token()).await;
    let data = ok(&data)["myData"].clone();
    assert_eq!(data["account"]["email"], "sari.terhapus@warga.example.id");
    assert_eq!(data["account"]["phone"], "+6281398765432");
    assert_eq!(data["proposals"][0]["id"], proposal);
    assert_eq!(data["comments"].as_array().unwrap().len(), 1);
    assert_eq!(data["attendance"][0]["sessionId"], session);
    let reply = data["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "comment_reply")
        .expect("the reply's notification in her data");
    assert_eq!(reply["details"]["authorName"], "Budi Tetangga");
    assert_code(
        &app.gql("query { myData }", json!({}), None).await,
        "UNAUTHENTICATED",
    );

    const ERASE: &str = "mutation($password: String!) { eraseMyAccount(password: $password) }";
    assert_field_code(
        &app.gql(
            ERASE,
            json!({ "password": "not my password" }),
            sari.token(),
        )
        .await,
        "password",
        "wrong",
    );
    ok(&app
        .gql(ERASE, json!({ "password": PASSWORD }), sari.token())
        .await);
    assert_eq!(signed_in_as(&app, sari.token()).await, Value::Null);
    assert_code(
        &login(&app, "sari.terhapus@warga.example.id", PASSWORD).await,
        "UNAUTHENTICATED",
    );
    // Her name, e-mail and phone are nowhere in the database, in any text column.
    let everything = serde_json::to_string(&app.snapshot().await).unwrap();
    for erased in [
        "Sari Terhapus",
        "sari.terhapus",
        "6281398765432",
        "0813 9876 5432",
    ] {
        assert!(
            !everything.contains(erased),
            "{erased} is still stored somewhere"
        );
    }
    // Nor in the mail outbox (left out of the snapshot, which the mail worker moves).
    use sea_orm::EntityTrait;
    let outbox = entity::mail_outbox::Entity::find()
        .all(app.db.reader())
        .await
        .unwrap();
    assert!(
        outbox
            .iter()
            .all(|m| !m.to_address.contains("sari.terhapus") && !m.body.contains("Sari Terhapus")),
        "{outbox:?}"
    );
    // What she contributed stays, under an anonymous name.
    let kept = world.proposal(&app, None, proposal).await;
    assert_eq!(ok(&kept)["proposal"]["title"], "Taman bermain anak RW 02");
    let shown = app.gql(PERSONAL, json!({ "id": proposal }), None).await;
    assert_eq!(
        ok(&shown)["proposal"]["proposerName"],
        "Warga (akun dihapus)"
    );
    assert!(everything.contains("account.erase"));
}

async fn audit_log_and_catalogue_follow_the_planners_region(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let here = world.verified(&app, &ani, json!({})).await;
    let planner_city = world.planner(&app, "Perencana Kota", world.city).await;
    let planner_elsewhere = world
        .planner(&app, "Perencana Kota Batu", world.other_city)
        .await;
    let planner_kelurahan = world
        .planner(&app, "Perencana Kauman", world.kelurahan_b)
        .await;
    const AUDIT: &str =
        "query { auditLog(first: 100) { totalCount nodes { action entityType entityId } } }";
    let about_here = |answer: &Value| -> usize {
        answer["auditLog"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                (e["entityType"] == "proposal" && e["entityId"] == here)
                    || (e["entityType"] == "account" && e["entityId"] == ani.id)
            })
            .count()
    };
    let all = app.gql(AUDIT, json!({}), world.admin_token()).await;
    let city = app.gql(AUDIT, json!({}), planner_city.token()).await;
    let elsewhere = app.gql(AUDIT, json!({}), planner_elsewhere.token()).await;
    assert!(about_here(ok(&all)) > 0);
    assert_eq!(about_here(ok(&city)), about_here(ok(&all)));
    assert_eq!(about_here(ok(&elsewhere)), 0);
    assert!(
        ok(&elsewhere)["auditLog"]["totalCount"].as_i64()
            < ok(&all)["auditLog"]["totalCount"].as_i64()
    );
    assert_code(&app.gql(AUDIT, json!({}), ani.token()).await, "FORBIDDEN");

    const SECTOR: &str =
        "mutation($input: CreateSectorInput!) { createSector(input: $input) { id } }";
    let sector =
        |code: &str| json!({ "input": { "code": code, "name": format!("Bidang {code}") } });
    assert_code(
        &app.gql(SECTOR, sector("9.01"), planner_kelurahan.token())
            .await,
        "FORBIDDEN",
    );
    ok(&app.gql(SECTOR, sector("9.02"), planner_city.token()).await);
    ok(&app.gql(SECTOR, sector("9.03"), world.admin_token()).await);
}

const REGISTER_ONLY: &str = "mutation($input: RegisterInput!) {
    register(input: $input) { confirmationMailed token account { id } } }";
const CONFIRM: &str = "mutation($token: String!) {
    confirmRegistration(token: $token) { token account { id email } } }";

/// With a mail server, registering answers the same whether or not the address has an
/// account: a new address gets a link that creates the account, a registered one a notice.
async fn registration_by_mail_does_not_tell_registered_addresses_apart(backend: Backend) {
    let mut smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(backend, mail_settings(&smtp)).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let fresh = "baru.daftar@warga.example.id";
    let attempt = |email: &str| {
        json!({ "input": {
            "name": "Penyusup Coba", "email": email, "password": strong(),
            "homeRegionId": world.kelurahan } })
    };

    let taken = app
        .gql(REGISTER_ONLY, attempt(&ani.email.to_uppercase()), None)
        .await;
    let new = app.gql(REGISTER_ONLY, attempt(fresh), None).await;
    assert_eq!(
        ok(&taken)["register"],
        json!({ "confirmationMailed": true, "token": null, "account": null })
    );
    assert_eq!(taken, new, "the answers do not tell the addresses apart");
    // Nobody is signed in as Ani, and no account exists for the new address yet.
    assert_code(&login(&app, &ani.email, strong()).await, "UNAUTHENTICATED");
    assert_code(&login(&app, fresh, strong()).await, "UNAUTHENTICATED");

    let (mut to_ani, mut to_fresh) = (None, None);
    while to_ani.is_none() || to_fresh.is_none() {
        let mail = smtp.next_message_of_any_kind().await;
        if mail.contains(&format!("To: {}", ani.email)) {
            to_ani = Some(mail);
        } else if mail.contains(&format!("To: {fresh}")) {
            to_fresh = Some(mail);
        }
    }
    let to_ani = to_ani.unwrap();
    assert!(to_ani.contains("sudah memiliki akun"), "{to_ani}");
    assert!(
        to_ani.contains("http://musrenbang.test/lupa-sandi"),
        "{to_ani}"
    );
    assert!(!to_ani.contains("konfirmasi-daftar"), "{to_ani}");
    let to_fresh = to_fresh.unwrap();
    let token = to_fresh
        .split("http://musrenbang.test/konfirmasi-daftar?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("a confirmation link in {to_fresh}"))
        .to_owned();

    let confirmed = app.gql(CONFIRM, json!({ "token": token }), None).await;
    let signed = &ok(&confirmed)["confirmRegistration"];
    assert_eq!(signed["account"]["email"], fresh);
    assert_eq!(
        signed_in_as(&app, signed["token"].as_str()).await,
        signed["account"]["id"]
    );
    assert!(ok(&login(&app, fresh, strong()).await)["login"]["token"].is_string());
    // The link works once.
    assert_field_code(
        &app.gql(CONFIRM, json!({ "token": token }), None).await,
        "token",
        "invalid",
    );
    assert_field_code(
        &app.gql(CONFIRM, json!({ "token": "0".repeat(64) }), None)
            .await,
        "token",
        "invalid",
    );
    // Ani's account is as it was: her password, not the one the attempt gave.
    assert!(ok(&login(&app, &ani.email, PASSWORD).await)["login"]["token"].is_string());
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let pending = entity::registration_request::Entity::find()
        .count(app.db.reader())
        .await
        .unwrap();
    assert_eq!(pending, 0, "the notice to Ani kept no registration");
    let anis = entity::account::Entity::find()
        .filter(entity::account::Column::Email.eq(ani.email.to_lowercase()))
        .count(app.db.reader())
        .await
        .unwrap();
    assert_eq!(anis, 1);
}

backend_tests!(
    registration_by_mail_does_not_tell_registered_addresses_apart,
    personal_fields_follow_the_viewers_scope,
    attendance_is_counted_for_the_public_and_listed_for_staff,
    a_forgotten_password_is_reset_by_mail,
    staff_hand_over_a_reset_code_in_the_hall,
    passwords_and_contacts_change_with_the_password,
    my_data_is_exported_and_an_account_erased,
    audit_log_and_catalogue_follow_the_planners_region,
);
