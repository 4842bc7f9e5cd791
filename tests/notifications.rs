//! Notifications: what happens to a resident's proposals reaches them in the app (live, over
//! the WebSocket) and by mail as each person chooses; mail goes through a durable outbox to a
//! real SMTP server, survives the server's outage, and stops with a link that needs no sign-in.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;
mod ws;

use std::time::Duration;

use common::{smtp::*, *};
use musrenbang::domain::notifications;
use serde_json::{json, Value};
use ws::*;

const LIST: &str = "query($unread: Boolean) { notifications(unreadOnly: $unread) {
    id kind proposalId forumId readAt summary
    details { proposalCode toStatus note authorName excerpt forumName title } } }";
const COUNT: &str = "query { unreadNotificationCount }";
const MARK: &str = "mutation($ids: [Int!]) { markNotificationsRead(ids: $ids) }";
const PREFER: &str = "mutation($kind: NotificationKind!, $delivery: NotificationDelivery!) {
    setNotificationPreference(kind: $kind, delivery: $delivery) { kind delivery } }";
const UNSUBSCRIBE: &str = "mutation($token: String!) { unsubscribeFromMail(token: $token) }";

async fn list(app: &TestApp, user: &User) -> Vec<Value> {
    ok(&app.gql(LIST, json!({}), user.token()).await)["notifications"]
        .as_array()
        .unwrap()
        .clone()
}

async fn unread(app: &TestApp, user: &User) -> i64 {
    ok(&app.gql(COUNT, json!({}), user.token()).await)["unreadNotificationCount"]
        .as_i64()
        .unwrap()
}

async fn prefer(app: &TestApp, user: &User, kind: &str, delivery: &str) {
    let response = app
        .gql(
            PREFER,
            json!({ "kind": kind, "delivery": delivery }),
            user.token(),
        )
        .await;
    let choices = ok(&response)["setNotificationPreference"]
        .as_array()
        .unwrap();
    assert!(choices.contains(&json!({ "kind": kind, "delivery": delivery })));
}

async fn comment(
    app: &TestApp,
    user: &User,
    proposal: i32,
    parent: Option<i32>,
    body: &str,
) -> i32 {
    let response = app
        .gql(
            ADD_COMMENT,
            json!({ "proposalId": proposal, "parentId": parent, "body": body }),
            user.token(),
        )
        .await;
    id(&ok(&response)["addComment"]["id"])
}

async fn outbox(app: &TestApp) -> Vec<entity::mail_outbox::Model> {
    use sea_orm::EntityTrait;
    entity::mail_outbox::Entity::find()
        .all(app.db.reader())
        .await
        .unwrap()
}

/// The proposer hears of each step, live and in the list; nobody else reads it.
async fn a_proposer_hears_of_each_step(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Santoso").await;
    let proposal = world.submitted(&app, &ani, json!({})).await;

    let mut client = WsClient::connect(app.addr, TRANSPORT_WS).await;
    client.init_ok(ani.token()).await;
    let live = client
        .subscribe(
            "subscription { myNotifications { kind subjectId data } }",
            json!({}),
        )
        .await;

    world
        .transition(
            &app,
            &world.admin,
            proposal,
            "RETURNED",
            Some("Lengkapi foto lokasi"),
        )
        .await;
    let event = client.next_data(&live).await["myNotifications"].clone();
    assert_eq!(event["kind"], "NOTIFICATION_ADDED");
    let notification = id(&event["subjectId"]);
    assert_eq!(event["data"]["notificationId"], json!(notification));

    let mine = list(&app, &ani).await;
    assert_eq!(mine.len(), 1, "{mine:#?}");
    assert_eq!(mine[0]["id"], json!(notification));
    assert_eq!(mine[0]["kind"], "PROPOSAL_STATUS");
    assert_eq!(mine[0]["proposalId"], json!(proposal));
    assert_eq!(mine[0]["details"]["toStatus"], "RETURNED");
    assert_eq!(mine[0]["details"]["note"], "Lengkapi foto lokasi");
    assert!(mine[0]["summary"]
        .as_str()
        .unwrap()
        .contains("Lengkapi foto lokasi"));

    // A comment on her proposal reaches her; her own reply does not notify her; a reply to
    // Budi's comment reaches Budi.
    let budis = comment(
        &app,
        &budi,
        proposal,
        None,
        "Saya dukung, saluran itu sering meluap",
    )
    .await;
    let anis = comment(&app, &ani, proposal, Some(budis), "Terima kasih, Pak Budi").await;
    let mine = list(&app, &ani).await;
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0]["kind"], "COMMENT_REPLY");
    assert_eq!(mine[0]["details"]["authorName"], "Budi Santoso");
    let his = list(&app, &budi).await;
    assert_eq!(his.len(), 1, "{his:#?}");
    assert_eq!(his[0]["kind"], "COMMENT_REPLY");
    assert_eq!(his[0]["details"]["excerpt"], "Terima kasih, Pak Budi");
    let _ = anis;

    // Marking read: her own only.
    assert_eq!(unread(&app, &ani).await, 2);
    let by_budi = app
        .gql(MARK, json!({ "ids": [notification] }), budi.token())
        .await;
    assert_eq!(ok(&by_budi)["markNotificationsRead"], 0);
    assert_eq!(unread(&app, &ani).await, 2);
    let by_ani = app
        .gql(MARK, json!({ "ids": [notification] }), ani.token())
        .await;
    assert_eq!(ok(&by_ani)["markNotificationsRead"], 1);
    assert_eq!(unread(&app, &ani).await, 1);
    let unread_list = app.gql(LIST, json!({ "unread": true }), ani.token()).await;
    assert_eq!(
        ok(&unread_list)["notifications"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        ok(&app.gql(MARK, json!({}), ani.token()).await)["markNotificationsRead"],
        1
    );
    assert_eq!(unread(&app, &ani).await, 0);

    // Signed out: no list, no stream; the count is 0.
    assert_code(&app.gql(LIST, json!({}), None).await, "UNAUTHENTICATED");
    assert_eq!(
        ok(&app.gql(COUNT, json!({}), None).await)["unreadNotificationCount"],
        0
    );
    let mut anonymous = WsClient::connect(app.addr, TRANSPORT_WS).await;
    anonymous.init_ok(None).await;
    let refused = anonymous
        .subscribe("subscription { myNotifications { kind } }", json!({}))
        .await;
    let answer = anonymous
        .next_result(&refused, Duration::from_secs(5))
        .await;
    assert_eq!(
        answer
            .as_ref()
            .and_then(|a| a["errors"][0]["extensions"]["code"].as_str()),
        Some("UNAUTHENTICATED"),
        "{answer:?}"
    );
    client.close().await;
}

/// Each kind can be turned off or kept in the app only; forum-wide news reaches the forum's
/// residents.
async fn preferences_decide_what_arrives(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Santoso").await;
    let proposal = world.submitted(&app, &ani, json!({})).await;

    let defaults = app
        .gql(
            "query { notificationPreferences { kind delivery } }",
            json!({}),
            ani.token(),
        )
        .await;
    let defaults = ok(&defaults)["notificationPreferences"]
        .as_array()
        .unwrap()
        .clone();
    assert!(defaults.contains(&json!({ "kind": "PROPOSAL_STATUS", "delivery": "EMAIL" })));
    assert!(defaults.contains(&json!({ "kind": "ROUND_OPENED", "delivery": "DIGEST" })));

    prefer(&app, &ani, "COMMENT_REPLY", "OFF").await;
    comment(&app, &budi, proposal, None, "Setuju").await;
    assert!(
        list(&app, &ani).await.is_empty(),
        "a kind turned off writes nothing"
    );

    prefer(&app, &ani, "PROPOSAL_STATUS", "IN_APP").await;
    world
        .transition(&app, &world.admin, proposal, "VERIFIED", None)
        .await;
    assert_eq!(list(&app, &ani).await.len(), 1);

    // A session scheduled in the kelurahan's forum reaches the residents living there.
    let input = json!({ "forumId": world.forum_kelurahan, "title": "Musyawarah RW 01",
        "startsAt": days_from_now(3), "place": "Balai RW 01" });
    ok(&app
        .gql(
            "mutation($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id } }",
            json!({ "input": input }),
            world.admin_token(),
        )
        .await);
    let news = list(&app, &budi).await;
    assert!(
        news.iter().any(|n| n["kind"] == "SESSION_SCHEDULED"),
        "{news:#?}"
    );
    assert_code(
        &app.gql(
            PREFER,
            json!({ "kind": "PROPOSAL_STATUS", "delivery": "EMAIL" }),
            None,
        )
        .await,
        "UNAUTHENTICATED",
    );
}

/// Mail waits in the outbox while the SMTP server is down and leaves when it is back; the daily
/// digest gathers what was chosen for it; the unsubscribe link works without signing in.
async fn mail_survives_an_outage_and_stops_on_request(backend: Backend) {
    let port = free_port();
    let down_url = format!("smtp://127.0.0.1:{port}");
    let settings = musrenbang::config::ServerSettings {
        mailer: musrenbang::mail::Mailer::smtp(&down_url, "Musrenbang <no-reply@musrenbang.test>")
            .unwrap(),
        public_url: "http://musrenbang.test".into(),
        ..roomy_settings()
    };
    let app = TestApp::spawn_with(backend, settings).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let proposal = world.submitted(&app, &ani, json!({})).await;

    // Acknowledged while the mail server is away: nothing waits for it, nothing is lost.
    world
        .transition(
            &app,
            &world.admin,
            proposal,
            "RETURNED",
            Some("Lengkapi foto lokasi"),
        )
        .await;
    let mut failed = false;
    for _ in 0..100 {
        failed = outbox(&app)
            .await
            .iter()
            .any(|m| m.to_address == ani.email && m.attempts >= 1 && m.sent_at.is_none());
        if failed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed, "the mail was tried and kept");

    // The server comes back; the retry is made due now rather than in 30 s.
    let mut smtp = SmtpServer::start_on(port).await;
    {
        use sea_orm::{sea_query::Expr, EntityTrait};
        entity::mail_outbox::Entity::update_many()
            .col_expr(
                entity::mail_outbox::Column::NextAttemptAt,
                Expr::value(chrono::Utc::now()),
            )
            .exec(app.db.writer())
            .await
            .unwrap();
    }
    let mail = readable(&smtp.next_message().await);
    assert!(mail.contains(&format!("To: {}", ani.email)), "{mail}");
    assert!(mail.contains("Lengkapi foto lokasi"), "{mail}");
    assert!(
        mail.contains(&format!("http://musrenbang.test/usulan/{proposal}")),
        "{mail}"
    );
    let token = mail
        .split("http://musrenbang.test/berhenti-langganan?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("an unsubscribe link in {mail}"))
        .to_owned();

    // The digest: one mail with what was chosen for it, at the digest hour.
    prefer(&app, &ani, "PROPOSAL_STATUS", "DIGEST").await;
    world
        .transition(&app, &ani, proposal, "SUBMITTED", None)
        .await;
    world
        .transition(&app, &world.admin, proposal, "VERIFIED", None)
        .await;
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let written = notifications::send_digests(&app.db, "http://musrenbang.test", tomorrow, 7)
        .await
        .unwrap();
    assert_eq!(written, 1, "one digest for Ani");
    let digest = readable(&smtp.next_message().await);
    assert!(digest.contains(&format!("To: {}", ani.email)), "{digest}");
    assert!(digest.contains("kini berstatus"), "{digest}");
    assert_eq!(
        notifications::send_digests(&app.db, "http://musrenbang.test", tomorrow, 7)
            .await
            .unwrap(),
        0,
        "a digest is sent once"
    );

    // Unsubscribing needs no sign-in; a wrong token changes nothing.
    assert_eq!(
        ok(&app
            .gql(UNSUBSCRIBE, json!({ "token": "f".repeat(64) }), None)
            .await)["unsubscribeFromMail"],
        false
    );
    assert_eq!(
        ok(&app.gql(UNSUBSCRIBE, json!({ "token": token }), None).await)["unsubscribeFromMail"],
        true
    );
    let choices = app
        .gql(
            "query { notificationPreferences { kind delivery } }",
            json!({}),
            ani.token(),
        )
        .await;
    for choice in ok(&choices)["notificationPreferences"].as_array().unwrap() {
        assert!(
            choice["delivery"] == "IN_APP" || choice["delivery"] == "OFF",
            "{choice}"
        );
    }
    world
        .transition(&app, &world.admin, proposal, "FORWARDED", None)
        .await;
    let before = outbox(&app).await.len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        outbox(&app).await.len(),
        before,
        "no mail after unsubscribing"
    );
    assert!(
        list(&app, &ani).await.len() >= 3,
        "the app still shows them"
    );
}

backend_tests!(
    a_proposer_hears_of_each_step,
    preferences_decide_what_arrives,
    mail_survives_an_outage_and_stops_on_request,
);
