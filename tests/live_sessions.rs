//! Live sessions end to end over HTTP and WebSocket: schedule, open, pause, resume, close; the
//! agenda with a current item and time boxes; attendance online and in the hall; chat with
//! replies, a rate limit, hidden messages and mutes; the speaker queue; live polls; decisions
//! that move proposals through the workflow; the minutes; and who may do what.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;
mod ws;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use ws::*;

const SCHEDULE: &str = "mutation($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id status place onlineUrl } }";
const STEP: &str =
    "mutation($id: Int!) { s: OPERATION(sessionId: $id) { id status openedAt closedAt } }";
const ADD_ITEM: &str = "mutation($input: AgendaItemInput!) { addAgendaItem(input: $input) { id position title proposalId timeBoxMinutes } }";
const MOVE_ITEM: &str = "mutation($id: Int!, $position: Int!) { moveAgendaItem(itemId: $id, position: $position) { id position } }";
const SET_CURRENT: &str = "mutation($session: Int!, $item: Int) { setCurrentItem(sessionId: $session, itemId: $item) { currentItem { id startedAt endsAt timeBoxMinutes } } }";
const DECIDE: &str = "mutation($input: DecideItemInput!) { decideAgendaItem(input: $input) { id decision decisionNote mergedIntoId proposal { id status } } }";
const CHECK_IN: &str = "mutation($session: Int!, $gender: Gender, $role: String) { checkIn(sessionId: $session, gender: $gender, roleOrInstitution: $role) { id accountId name roleOrInstitution gender channel } }";
const MARK_PRESENT: &str = "mutation($input: MarkPresentInput!) { markPresent(input: $input) { id accountId name channel recordedBy } }";
const CHAT: &str = "mutation($session: Int!, $body: String!, $reply: Int) { sendChatMessage(sessionId: $session, body: $body, replyToId: $reply) { id body replyToId } }";
const HIDE: &str = "mutation($id: Int!, $reason: String!) { hideChatMessage(messageId: $id, reason: $reason) { id hidden hiddenReason body } }";
const MUTE: &str = "mutation($session: Int!, $account: Int!, $minutes: Int!) { muteParticipant(sessionId: $session, accountId: $account, minutes: $minutes, reason: \"Mengganggu\") { until } }";
const RAISE: &str =
    "mutation($session: Int!) { raiseHand(sessionId: $session) { id status accountId } }";
const LOWER: &str = "mutation($session: Int!, $account: Int) { lowerHand(sessionId: $session, accountId: $account) { id status } }";
const FLOOR: &str = "mutation($session: Int!, $account: Int, $seconds: Int) { giveFloor(sessionId: $session, accountId: $account, seconds: $seconds) { id accountId status floorSeconds endsAt } }";
const NEXT: &str = "mutation($session: Int!) { nextSpeaker(sessionId: $session, seconds: 120) { id accountId status } }";
const END_FLOOR: &str = "mutation($session: Int!) { endFloor(sessionId: $session) { id status } }";
const OPEN_POLL: &str = "mutation($input: OpenPollInput!) { openPoll(input: $input) { id options agendaItemId isOpen } }";
const ANSWER: &str = "mutation($poll: Int!, $choice: Int!) { answerPoll(pollId: $poll, choice: $choice) { id results { total options { label votes } } } }";
const CLOSE_POLL: &str = "mutation($poll: Int!) { closePoll(pollId: $poll) { id isOpen results { total options { index label votes } } } }";
const SESSION: &str = "query($id: Int!) { liveSession(id: $id) {
    status lastSequence viewerIsModerator viewerCheckedIn viewerMutedUntil
    currentItem { id } agenda { id position title decision }
    attendanceCounts { present awaiting male female unspecified } chat(last: 100) { id body hidden hiddenReason replyToId author { name } }
    speakerQueue { accountId status } polls { id isOpen results { total } myAnswer }
    minutes { number header { forumName title place chair closedAt planYear regionName }
      attendance { number name roleOrInstitution gender channel }
      attendanceSummary { total male female genderUnspecified online inHall }
      agenda { position title proposalId proposalCode proposalStatus decision note mergedIntoCode polls { question kind results { total options { label votes } } } }
      priorities { source roundId rule rows { rank proposalId code selected list status support } } } } }";

fn step(operation: &str) -> String {
    STEP.replace("OPERATION", operation)
}

async fn run(app: &TestApp, query: &str, variables: Value, user: Option<&User>) -> Value {
    app.gql(query, variables, user.and_then(|u| u.token()))
        .await
}

async fn must(app: &TestApp, query: &str, variables: Value, user: &User) -> Value {
    let response = run(app, query, variables, Some(user)).await;
    ok(&response).clone()
}

async fn seen_by(app: &TestApp, session: i32, viewer: Option<&User>) -> Value {
    run(app, SESSION, json!({ "id": session }), viewer).await
}

async fn schedule(app: &TestApp, world: &World, user: &User) -> Value {
    let input = json!({ "forumId": world.forum_kelurahan, "title": "Musrenbang Kelurahan Oro-oro Dowo 2027",
        "startsAt": days_from_now(0), "place": "Aula Kantor Kelurahan Oro-oro Dowo", "onlineUrl": "https://meet.malangkota.go.id/musrenbang-oro-oro-dowo" });
    run(app, SCHEDULE, json!({ "input": input }), Some(user)).await
}

async fn live_session_end_to_end(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    // Poll results after every answer (steps of one); the minimum: tests/ballot_secrecy.rs.
    app.db.events().configure(|c| c.tally_minimum = 1);
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Hartono").await;
    let citra = world.verified_resident(&app, "Citra Dewi").await;
    let dedi = world
        .resident(&app, "Dedi Kurniawan", world.kelurahan)
        .await;
    let p1 = world
        .verified(&app, &ani, json!({ "title": "Saluran drainase Jl. Kawi" }))
        .await;
    let p2 = world
        .verified(&app, &budi, json!({ "title": "Lampu jalan Jl. Ijen" }))
        .await;
    let p3 = world
        .submitted(&app, &citra, json!({ "title": "Posyandu Melati" }))
        .await;
    let p4 = world
        .verified(
            &app,
            &ani,
            json!({ "title": "Saluran drainase Jl. Kawi ujung" }),
        )
        .await;

    let scheduled = schedule(&app, &world, &moderator).await;
    let session = id(&ok(&scheduled)["scheduleSession"]["id"]);
    assert_eq!(ok(&scheduled)["scheduleSession"]["status"], "SCHEDULED");
    let mut watcher = WsClient::connect(app.addr, TRANSPORT_WS).await;
    watcher.init_ok(None).await;
    let live = watcher
        .subscribe(SESSION_EVENTS, json!({ "session": session, "since": 0 }))
        .await;

    // The agenda: four proposals and a free topic, one moved around.
    let item = |proposal: Option<i32>, title: Option<&str>, minutes: Option<i32>| json!({ "input": { "sessionId": session, "proposalId": proposal, "title": title, "timeBoxMinutes": minutes } });
    let i3 = id(
        &must(&app, ADD_ITEM, item(Some(p3), None, Some(10)), &moderator).await["addAgendaItem"]
            ["id"],
    );
    let i2 = id(
        &must(&app, ADD_ITEM, item(Some(p2), None, Some(10)), &moderator).await["addAgendaItem"]
            ["id"],
    );
    let i4 = id(
        &must(&app, ADD_ITEM, item(Some(p4), None, None), &moderator).await["addAgendaItem"]["id"],
    );
    let i1 = id(
        &must(&app, ADD_ITEM, item(Some(p1), None, None), &moderator).await["addAgendaItem"]["id"],
    );
    let topic = must(
        &app,
        ADD_ITEM,
        item(None, Some("Lain-lain: jadwal kerja bakti"), Some(5)),
        &moderator,
    )
    .await;
    assert_eq!(topic["addAgendaItem"]["position"], 5);
    let topic = id(&topic["addAgendaItem"]["id"]);
    assert_code(
        &run(&app, ADD_ITEM, item(Some(p1), None, None), Some(&moderator)).await,
        "CONFLICT",
    );
    assert_field_code(
        &run(&app, ADD_ITEM, item(None, None, None), Some(&moderator)).await,
        "title",
        "required",
    );
    let moved = must(
        &app,
        MOVE_ITEM,
        json!({ "id": topic, "position": 1 }),
        &moderator,
    )
    .await;
    assert_eq!(
        moved["moveAgendaItem"][0],
        json!({ "id": topic, "position": 1 })
    );
    must(
        &app,
        MOVE_ITEM,
        json!({ "id": topic, "position": 5 }),
        &moderator,
    )
    .await;

    // Nobody acts in a session that has not opened; then it opens.
    assert_code(
        &run(
            &app,
            CHAT,
            json!({ "session": session, "body": "Halo" }),
            Some(&moderator),
        )
        .await,
        "FAILED_PRECONDITION",
    );
    assert_eq!(
        must(
            &app,
            &step("openSession"),
            json!({ "id": session }),
            &moderator
        )
        .await["s"]["status"],
        "OPEN"
    );

    // Attendance: three residents online, two people marked in the hall.
    must(
        &app,
        CHECK_IN,
        json!({ "session": session, "gender": "FEMALE" }),
        &ani,
    )
    .await;
    must(
        &app,
        CHECK_IN,
        json!({ "session": session, "gender": "MALE", "role": "Ketua RT 03" }),
        &budi,
    )
    .await;
    let citra_entry = must(&app, CHECK_IN, json!({ "session": session }), &citra).await;
    let again = must(&app, CHECK_IN, json!({ "session": session }), &citra).await;
    assert_eq!(
        again["checkIn"]["id"], citra_entry["checkIn"]["id"],
        "checking in twice is harmless"
    );
    let rw = json!({ "input": { "sessionId": session, "name": "Bapak Sutrisno", "roleOrInstitution": "Ketua RW 02", "gender": "MALE" } });
    assert_eq!(
        must(&app, MARK_PRESENT, rw, &moderator).await["markPresent"]["channel"],
        "IN_HALL"
    );
    let marked = json!({ "input": { "sessionId": session, "accountId": dedi.id, "name": "Dedi Kurniawan", "roleOrInstitution": "Karang Taruna" } });
    must(&app, MARK_PRESENT, marked.clone(), &moderator).await;
    assert_code(
        &run(&app, MARK_PRESENT, marked, Some(&moderator)).await,
        "CONFLICT",
    );

    // Chat with a reply; a rate limit per participant; a hidden message; a mute.
    let first = id(&must(
        &app,
        CHAT,
        json!({ "session": session, "body": "Selamat pagi semuanya" }),
        &ani,
    )
    .await["sendChatMessage"]["id"]);
    let reply = must(
        &app,
        CHAT,
        json!({ "session": session, "body": "Nomor HP saya 0812-3456-7890", "reply": first }),
        &budi,
    )
    .await;
    assert_eq!(reply["sendChatMessage"]["replyToId"], json!(first));
    let reply = id(&reply["sendChatMessage"]["id"]);
    must(
        &app,
        CHAT,
        json!({ "session": session, "body": "Saya hadir dari karang taruna" }),
        &dedi,
    )
    .await;
    for i in 0..5 {
        must(
            &app,
            CHAT,
            json!({ "session": session, "body": format!("Usul {i}") }),
            &citra,
        )
        .await;
    }
    let limited = run(
        &app,
        CHAT,
        json!({ "session": session, "body": "Usul 5" }),
        Some(&citra),
    )
    .await;
    assert_code(&limited, "RATE_LIMITED");
    assert!(
        limited["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .is_some_and(|s| (1..=10).contains(&s)),
        "{limited}"
    );
    let hidden = must(
        &app,
        HIDE,
        json!({ "id": reply, "reason": "Memuat data pribadi" }),
        &moderator,
    )
    .await;
    assert_eq!(hidden["hideChatMessage"]["hidden"], true);
    assert_code(
        &run(
            &app,
            HIDE,
            json!({ "id": reply, "reason": "Lagi" }),
            Some(&moderator),
        )
        .await,
        "FAILED_PRECONDITION",
    );
    must(
        &app,
        MUTE,
        json!({ "session": session, "account": dedi.id, "minutes": 10 }),
        &moderator,
    )
    .await;
    assert_code(
        &run(
            &app,
            CHAT,
            json!({ "session": session, "body": "Kenapa saya dibisukan?" }),
            Some(&dedi),
        )
        .await,
        "FORBIDDEN",
    );
    assert_code(
        &run(
            &app,
            MUTE,
            json!({ "session": session, "account": moderator.id, "minutes": 10 }),
            Some(&moderator),
        )
        .await,
        "FAILED_PRECONDITION",
    );
    let public = seen_by(&app, session, None).await;
    let message = |view: &Value| {
        ok(view)["liveSession"]["chat"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == json!(reply))
            .cloned()
            .unwrap()
    };
    assert_eq!(message(&public)["body"], Value::Null);
    assert_eq!(message(&public)["hiddenReason"], "Memuat data pribadi");
    assert_eq!(
        message(&seen_by(&app, session, Some(&moderator)).await)["body"],
        "Nomor HP saya 0812-3456-7890"
    );
    let dedi_view = seen_by(&app, session, Some(&dedi)).await;
    assert!(ok(&dedi_view)["liveSession"]["viewerMutedUntil"].is_string());
    assert_eq!(ok(&dedi_view)["liveSession"]["viewerCheckedIn"], true);

    // The speaker queue.
    must(&app, RAISE, json!({ "session": session }), &ani).await;
    must(&app, RAISE, json!({ "session": session }), &budi).await;
    assert_code(
        &run(&app, RAISE, json!({ "session": session }), Some(&ani)).await,
        "CONFLICT",
    );
    assert_eq!(
        must(&app, LOWER, json!({ "session": session }), &budi).await["lowerHand"]["status"],
        "LOWERED"
    );
    must(&app, RAISE, json!({ "session": session }), &citra).await;
    let floor = must(
        &app,
        FLOOR,
        json!({ "session": session, "seconds": 120 }),
        &moderator,
    )
    .await;
    assert_eq!(
        (
            floor["giveFloor"]["accountId"].clone(),
            floor["giveFloor"]["status"].clone()
        ),
        (json!(ani.id), json!("SPEAKING"))
    );
    assert!(floor["giveFloor"]["endsAt"].is_string());
    let queue = ok(&seen_by(&app, session, None).await)["liveSession"]["speakerQueue"].clone();
    assert_eq!(
        queue,
        json!([{ "accountId": ani.id, "status": "SPEAKING" }, { "accountId": citra.id, "status": "WAITING" }])
    );
    assert_eq!(
        must(&app, NEXT, json!({ "session": session }), &moderator).await["nextSpeaker"]
            ["accountId"],
        json!(citra.id)
    );
    assert_eq!(
        must(&app, END_FLOOR, json!({ "session": session }), &moderator).await["endFloor"]
            ["status"],
        "DONE"
    );
    assert_eq!(
        must(&app, NEXT, json!({ "session": session }), &moderator).await["nextSpeaker"],
        Value::Null
    );
    let direct = must(
        &app,
        FLOOR,
        json!({ "session": session, "account": budi.id }),
        &moderator,
    )
    .await;
    assert_eq!(
        direct["giveFloor"]["floorSeconds"], 180,
        "the default speaking time"
    );

    // The first item: a poll, then the decision to accept (SUBMITTED → VERIFIED).
    let poll_input = json!({ "input": { "sessionId": session, "question": "Setuju Posyandu Melati diprioritaskan?", "kind": "YES_NO_ABSTAIN" } });
    assert_code(
        &run(&app, OPEN_POLL, poll_input.clone(), Some(&moderator)).await,
        "FAILED_PRECONDITION",
    );
    let current = must(
        &app,
        SET_CURRENT,
        json!({ "session": session, "item": i3 }),
        &moderator,
    )
    .await;
    assert_eq!(current["setCurrentItem"]["currentItem"]["id"], json!(i3));
    assert!(current["setCurrentItem"]["currentItem"]["endsAt"].is_string());
    let poll = must(&app, OPEN_POLL, poll_input, &moderator).await;
    assert_eq!(poll["openPoll"]["options"], json!(["YES", "NO", "ABSTAIN"]));
    assert_eq!(poll["openPoll"]["agendaItemId"], json!(i3));
    let poll = id(&poll["openPoll"]["id"]);
    must(&app, ANSWER, json!({ "poll": poll, "choice": 0 }), &ani).await;
    must(&app, ANSWER, json!({ "poll": poll, "choice": 0 }), &budi).await;
    must(&app, ANSWER, json!({ "poll": poll, "choice": 1 }), &citra).await;
    assert_code(
        &run(
            &app,
            ANSWER,
            json!({ "poll": poll, "choice": 2 }),
            Some(&ani),
        )
        .await,
        "CONFLICT",
    );
    assert_field_code(
        &run(
            &app,
            ANSWER,
            json!({ "poll": poll, "choice": 7 }),
            Some(&dedi),
        )
        .await,
        "choice",
        "range",
    );
    let outsider = world.verified_resident(&app, "Eka Tidak Hadir").await;
    assert_code(
        &run(
            &app,
            ANSWER,
            json!({ "poll": poll, "choice": 0 }),
            Some(&outsider),
        )
        .await,
        "FORBIDDEN",
    );
    let closed = must(&app, CLOSE_POLL, json!({ "poll": poll }), &moderator).await;
    assert_eq!(closed["closePoll"]["results"]["total"], 3);
    assert_eq!(
        closed["closePoll"]["results"]["options"][0],
        json!({ "index": 0, "label": "YES", "votes": 2 })
    );
    assert_code(
        &run(
            &app,
            ANSWER,
            json!({ "poll": poll, "choice": 0 }),
            Some(&dedi),
        )
        .await,
        "FAILED_PRECONDITION",
    );
    let decide = |item: i32, decision: &str, note: Option<&str>, merged: Option<i32>| json!({ "input": { "itemId": item, "decision": decision, "note": note, "mergedIntoId": merged } });
    let accepted = must(
        &app,
        DECIDE,
        decide(i3, "ACCEPTED", Some("Disepakati sebagai prioritas"), None),
        &moderator,
    )
    .await;
    assert_eq!(
        accepted["decideAgendaItem"]["proposal"]["status"],
        "VERIFIED"
    );
    assert_code(
        &run(
            &app,
            DECIDE,
            decide(i3, "REJECTED", Some("Berubah pikiran"), None),
            Some(&moderator),
        )
        .await,
        "FAILED_PRECONDITION",
    );

    // The others: rejected (a note is required, as in the workflow), merged, accepted while
    // already verified, and the topic deferred.
    must(
        &app,
        SET_CURRENT,
        json!({ "session": session, "item": i2 }),
        &moderator,
    )
    .await;
    assert_field_code(
        &run(
            &app,
            DECIDE,
            decide(i2, "REJECTED", None, None),
            Some(&moderator),
        )
        .await,
        "note",
        "required",
    );
    assert_eq!(
        must(
            &app,
            DECIDE,
            decide(
                i2,
                "REJECTED",
                Some("Sudah dianggarkan dinas tahun ini"),
                None
            ),
            &moderator
        )
        .await["decideAgendaItem"]["proposal"]["status"],
        "REJECTED"
    );
    must(
        &app,
        SET_CURRENT,
        json!({ "session": session, "item": i4 }),
        &moderator,
    )
    .await;
    let merged = must(
        &app,
        DECIDE,
        decide(i4, "MERGED", Some("Satu ruas jalan yang sama"), Some(p1)),
        &moderator,
    )
    .await;
    assert_eq!(
        (
            merged["decideAgendaItem"]["proposal"]["status"].clone(),
            merged["decideAgendaItem"]["mergedIntoId"].clone()
        ),
        (json!("MERGED"), json!(p1))
    );
    must(
        &app,
        SET_CURRENT,
        json!({ "session": session, "item": i1 }),
        &moderator,
    )
    .await;
    assert_eq!(
        must(&app, DECIDE, decide(i1, "ACCEPTED", None, None), &moderator).await
            ["decideAgendaItem"]["proposal"]["status"],
        "VERIFIED"
    );
    must(
        &app,
        SET_CURRENT,
        json!({ "session": session, "item": topic }),
        &moderator,
    )
    .await;
    assert_field_code(
        &run(
            &app,
            DECIDE,
            decide(topic, "MERGED", None, Some(p1)),
            Some(&moderator),
        )
        .await,
        "decision",
        "topic",
    );
    must(
        &app,
        DECIDE,
        decide(topic, "DEFERRED", Some("Dibahas di rapat RW"), None),
        &moderator,
    )
    .await;

    // A pause stops the floor and the agenda, not the chat; then the session resumes.
    assert_eq!(
        must(
            &app,
            &step("pauseSession"),
            json!({ "id": session }),
            &moderator
        )
        .await["s"]["status"],
        "PAUSED"
    );
    assert_code(
        &run(&app, FLOOR, json!({ "session": session }), Some(&moderator)).await,
        "FAILED_PRECONDITION",
    );
    must(
        &app,
        CHAT,
        json!({ "session": session, "body": "Istirahat sebentar" }),
        &ani,
    )
    .await;
    assert_code(
        &run(
            &app,
            &step("pauseSession"),
            json!({ "id": session }),
            Some(&moderator),
        )
        .await,
        "FAILED_PRECONDITION",
    );
    assert_eq!(
        must(
            &app,
            &step("resumeSession"),
            json!({ "id": session }),
            &moderator
        )
        .await["s"]["status"],
        "OPEN"
    );
    let options = json!({ "input": { "sessionId": session, "question": "Tanggal kerja bakti?", "kind": "OPTIONS", "options": ["Sabtu", "Minggu"] } });
    let open_poll = id(&must(&app, OPEN_POLL, options, &moderator).await["openPoll"]["id"]);
    must(
        &app,
        ANSWER,
        json!({ "poll": open_poll, "choice": 1 }),
        &budi,
    )
    .await;
    let bad_options = json!({ "input": { "sessionId": session, "question": "Pilih", "kind": "OPTIONS", "options": ["Sabtu", "Sabtu"] } });
    assert_field_code(
        &run(&app, OPEN_POLL, bad_options, Some(&moderator)).await,
        "options",
        "options",
    );
    must(&app, RAISE, json!({ "session": session }), &ani).await;

    // The close: the floor, hands and open polls end; the minutes are assembled.
    let closed = must(
        &app,
        &step("closeSession"),
        json!({ "id": session }),
        &moderator,
    )
    .await;
    assert_eq!(closed["s"]["status"], "CLOSED");
    assert_code(
        &run(
            &app,
            CHAT,
            json!({ "session": session, "body": "Terlambat" }),
            Some(&ani),
        )
        .await,
        "FAILED_PRECONDITION",
    );
    assert_code(
        &run(
            &app,
            CHECK_IN,
            json!({ "session": session }),
            Some(&outsider),
        )
        .await,
        "FAILED_PRECONDITION",
    );
    assert_code(
        &run(
            &app,
            &step("openSession"),
            json!({ "id": session }),
            Some(&moderator),
        )
        .await,
        "FAILED_PRECONDITION",
    );
    let view = seen_by(&app, session, None).await;
    let view = &ok(&view)["liveSession"];
    assert_eq!(view["speakerQueue"], json!([]));
    assert!(view["polls"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["isOpen"] == false));
    let minutes = &view["minutes"];
    assert_eq!(
        minutes["number"],
        format!(
            "BA/{}/{}/{}",
            world.forum_kelurahan,
            session,
            chrono::Utc::now()
                .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
                .format("%Y")
        )
    );
    assert_eq!(
        minutes["header"]["forumName"],
        "Musrenbang Kelurahan Oro-oro Dowo"
    );
    assert_eq!(
        minutes["header"]["place"],
        "Aula Kantor Kelurahan Oro-oro Dowo"
    );
    assert_eq!(minutes["header"]["chair"], "Fasilitator Oro-oro Dowo");
    assert_eq!(minutes["header"]["regionName"], "Oro-oro Dowo");
    assert_eq!(
        minutes["attendanceSummary"],
        json!({ "total": 5, "male": 2, "female": 1, "genderUnspecified": 2, "online": 3, "inHall": 2 })
    );
    assert_eq!(
        minutes["attendance"][1],
        json!({ "number": 2, "name": "Budi Hartono", "roleOrInstitution": "Ketua RT 03", "gender": "MALE", "channel": "ONLINE" })
    );
    assert_eq!(minutes["attendance"][3]["roleOrInstitution"], "Ketua RW 02");

    // The berita acara's attendance annex gives check-in times in Kota Malang's zone (WIB).
    let pdf = app
        .client
        .get(format!(
            "{}/export?format=pdf&forum={}",
            app.base, world.forum_kelurahan
        ))
        .bearer_auth(moderator.token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    let text = pdf_text(&pdf.bytes().await.unwrap());
    assert!(text.contains("LAMPIRAN I: DAFTAR HADIR") && text.contains("Budi Hartono"));
    // Annex III: what the session decided on each item, and the polls.
    let annex = text
        .split("LAMPIRAN III: KEPUTUSAN SIDANG DAN JAJAK PENDAPAT")
        .nth(1)
        .unwrap_or_else(|| panic!("no annex III:\n{text}"));
    for expected in ["diterima", "ditolak", "digabungkan", "ditunda", "Setuju 2"] {
        assert!(
            annex.contains(expected),
            "{expected} missing from annex III:\n{annex}"
        );
    }
    assert!(annex.contains("Sudah dianggarkan dinas"), "{annex}");
    let wib = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
    let now = chrono::Utc::now().with_timezone(&wib);
    let checked_in_recently = (0..10).any(|minutes_ago| {
        let at = now - chrono::Duration::minutes(minutes_ago);
        text.contains(&at.format("%H:%M WIB").to_string())
    });
    assert!(checked_in_recently, "no WIB check-in time:\n{text}");
    let agenda = minutes["agenda"].as_array().unwrap();
    let decisions: Vec<(Value, Value, Value)> = agenda
        .iter()
        .map(|i| {
            (
                i["proposalId"].clone(),
                i["decision"].clone(),
                i["proposalStatus"].clone(),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        vec![
            (json!(p3), json!("ACCEPTED"), json!("VERIFIED")),
            (json!(p2), json!("REJECTED"), json!("REJECTED")),
            (json!(p4), json!("MERGED"), json!("MERGED")),
            (json!(p1), json!("ACCEPTED"), json!("VERIFIED")),
            (Value::Null, json!("DEFERRED"), Value::Null),
        ]
    );
    assert_eq!(
        agenda[0]["polls"][0]["results"]["options"][0],
        json!({ "label": "YES", "votes": 2 })
    );
    assert_eq!(agenda[1]["note"], "Sudah dianggarkan dinas tahun ini");
    assert_eq!(agenda[2]["mergedIntoCode"], format!("USL-2027-{p1:06}"));
    assert_eq!(
        agenda[4]["polls"][0]["results"]["total"], 1,
        "the poll left open was closed with the session"
    );
    assert_eq!(minutes["priorities"]["source"], "VERIFIED_PROPOSALS");
    let ranked: Vec<Value> = minutes["priorities"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["proposalId"].clone())
        .collect();
    assert_eq!(ranked, vec![json!(p1), json!(p3)]);

    // Every step went out live, numbered without gaps.
    let last = view["lastSequence"].as_i64().unwrap();
    let mut got = Vec::new();
    while (got.len() as i64) < last {
        got.push(watcher.next_data(&live).await["sessionEvents"].clone());
    }
    let numbers: Vec<i64> = got
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=last).collect::<Vec<_>>());
    let kinds: std::collections::BTreeSet<&str> =
        got.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in [
        "SESSION_SCHEDULED",
        "SESSION_STATUS_CHANGED",
        "AGENDA_ITEM_ADDED",
        "AGENDA_REORDERED",
        "CURRENT_ITEM_CHANGED",
        "ITEM_DECIDED",
        "ATTENDEE_CHECKED_IN",
        "CHAT_MESSAGE",
        "CHAT_MESSAGE_HIDDEN",
        "PARTICIPANT_MUTED",
        "HAND_RAISED",
        "HAND_LOWERED",
        "FLOOR_GIVEN",
        "FLOOR_ENDED",
        "POLL_OPENED",
        "POLL_RESULTS",
        "POLL_CLOSED",
    ] {
        assert!(kinds.contains(kind), "no {kind} event in {kinds:?}");
    }
    let floor_given = got.iter().find(|e| e["kind"] == "FLOOR_GIVEN").unwrap();
    assert_eq!(floor_given["data"]["speaker"]["name"], "Ani Wulandari");
    assert_eq!(floor_given["data"]["queue"][0]["name"], "Citra Dewi");
    let checked_in = got
        .iter()
        .filter(|e| e["kind"] == "ATTENDEE_CHECKED_IN")
        .count();
    assert_eq!(checked_in, 5, "checking in twice published once");
    let closing = got.last().unwrap();
    assert_eq!(
        (closing["kind"].clone(), closing["data"]["status"].clone()),
        (json!("SESSION_STATUS_CHANGED"), json!("CLOSED"))
    );
    // A late reader of the record does not get the hidden text.
    let log = app.gql("query($s: Int!) { sessionEvents(sessionId: $s, since: 0, first: 500) { kind subjectId data } }", json!({ "s": session }), None).await;
    let hidden_message = ok(&log)["sessionEvents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "CHAT_MESSAGE" && e["subjectId"] == json!(reply))
        .cloned()
        .unwrap();
    assert_eq!(hidden_message["data"]["body"], Value::Null);
    // The decisions reached the forum's activity and the proposals' histories.
    let forum_log = app.gql("query($f: Int!) { forumEvents(forumId: $f, since: 0, first: 500) { kind subjectId data } }", json!({ "f": world.forum_kelurahan }), None).await;
    let forum_log = ok(&forum_log)["forumEvents"].as_array().unwrap().clone();
    for (proposal, to) in [(p3, "VERIFIED"), (p2, "REJECTED"), (p4, "MERGED")] {
        assert!(
            forum_log
                .iter()
                .any(|e| e["subjectId"] == json!(proposal) && e["data"]["to"] == to),
            "{proposal} → {to} on the forum's stream"
        );
    }
    assert!(
        forum_log
            .iter()
            .filter(|e| e["subjectId"] == json!(session))
            .count()
            >= 3,
        "the session's schedule, opening and close"
    );
    let history = world.proposal(&app, None, p2).await;
    assert_eq!(
        ok(&history)["proposal"]["history"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["note"],
        "Sudah dianggarkan dinas tahun ini"
    );
    let audit = app
        .gql(
            "query { auditLog(first: 100) { edges { node { action } } } }",
            json!({}),
            world.admin_token(),
        )
        .await;
    let actions: Vec<&str> = ok(&audit)["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    for action in [
        "session.schedule",
        "session.open",
        "session.close",
        "agenda.decide",
        "chat.hide",
        "chat.mute",
        "attendance.mark",
        "poll.open",
        "speakers.floor",
    ] {
        assert!(actions.contains(&action), "{action} audited: {actions:?}");
    }
}

async fn session_moderation_rights(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let elsewhere = world
        .moderator(&app, "Fasilitator Kauman", world.forum_kelurahan_b)
        .await;
    let planner = world.planner(&app, "Perencana Bappeda", world.city).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Hartono").await;
    let proposal = world.verified(&app, &ani, json!({})).await;

    for outsider in [&ani, &elsewhere] {
        assert_code(&schedule(&app, &world, outsider).await, "FORBIDDEN");
    }
    assert_code(&app.gql(SCHEDULE, json!({ "input": { "forumId": world.forum_kelurahan, "title": "Sesi", "startsAt": days_from_now(0) } }), None).await, "UNAUTHENTICATED");
    let no_place = json!({ "input": { "forumId": world.forum_kelurahan, "title": "Sesi tanpa tempat", "startsAt": days_from_now(0) } });
    assert_field_code(
        &run(&app, SCHEDULE, no_place, Some(&moderator)).await,
        "place",
        "required",
    );
    let bad_link = json!({ "input": { "forumId": world.forum_kelurahan, "title": "Sesi daring", "startsAt": days_from_now(0), "onlineUrl": "zoom meeting 123" } });
    assert_field_code(
        &run(&app, SCHEDULE, bad_link, Some(&moderator)).await,
        "onlineUrl",
        "url",
    );
    // A planner above the forum moderates it too.
    let session = id(&ok(&schedule(&app, &world, &planner).await)["scheduleSession"]["id"]);
    let item = id(&must(
        &app,
        ADD_ITEM,
        json!({ "input": { "sessionId": session, "proposalId": proposal } }),
        &moderator,
    )
    .await["addAgendaItem"]["id"]);
    for outsider in [&ani, &elsewhere] {
        assert_code(
            &run(
                &app,
                &step("openSession"),
                json!({ "id": session }),
                Some(outsider),
            )
            .await,
            "FORBIDDEN",
        );
    }
    must(
        &app,
        &step("openSession"),
        json!({ "id": session }),
        &moderator,
    )
    .await;

    // Residents who have not checked in cannot take part.
    assert_code(
        &run(
            &app,
            CHAT,
            json!({ "session": session, "body": "Halo" }),
            Some(&ani),
        )
        .await,
        "FORBIDDEN",
    );
    assert_code(
        &run(&app, RAISE, json!({ "session": session }), Some(&ani)).await,
        "FORBIDDEN",
    );
    assert_code(
        &run(&app, CHECK_IN, json!({ "session": session }), None).await,
        "UNAUTHENTICATED",
    );
    must(&app, CHECK_IN, json!({ "session": session }), &ani).await;
    must(&app, CHECK_IN, json!({ "session": session }), &budi).await;
    let message = id(&must(
        &app,
        CHAT,
        json!({ "session": session, "body": "Halo" }),
        &budi,
    )
    .await["sendChatMessage"]["id"]);
    must(&app, RAISE, json!({ "session": session }), &budi).await;
    must(
        &app,
        SET_CURRENT,
        json!({ "session": session, "item": item }),
        &moderator,
    )
    .await;
    let poll_input = json!({ "input": { "sessionId": session, "question": "Setuju?", "kind": "YES_NO_ABSTAIN" } });
    let poll = id(&must(&app, OPEN_POLL, poll_input.clone(), &moderator).await["openPoll"]["id"]);

    // A checked-in resident still cannot moderate, and a refused action writes nothing.
    let before = app.snapshot().await;
    let refused: Vec<(&str, Value)> = vec![
        (
            ADD_ITEM,
            json!({ "input": { "sessionId": session, "title": "Topik warga" } }),
        ),
        (MOVE_ITEM, json!({ "id": item, "position": 1 })),
        (SET_CURRENT, json!({ "session": session, "item": null })),
        (
            DECIDE,
            json!({ "input": { "itemId": item, "decision": "ACCEPTED" } }),
        ),
        (
            MARK_PRESENT,
            json!({ "input": { "sessionId": session, "name": "Teman Saya", "roleOrInstitution": "Warga" } }),
        ),
        (HIDE, json!({ "id": message, "reason": "Tidak suka" })),
        (
            MUTE,
            json!({ "session": session, "account": budi.id, "minutes": 5 }),
        ),
        (LOWER, json!({ "session": session, "account": budi.id })),
        (FLOOR, json!({ "session": session })),
        (NEXT, json!({ "session": session })),
        (END_FLOOR, json!({ "session": session })),
        (OPEN_POLL, poll_input),
        (CLOSE_POLL, json!({ "poll": poll })),
    ];
    for (mutation, variables) in &refused {
        for outsider in [&ani, &elsewhere] {
            let response = run(&app, mutation, variables.clone(), Some(outsider)).await;
            assert_code(&response, "FORBIDDEN");
        }
    }
    for operation in ["pauseSession", "closeSession"] {
        assert_code(
            &run(&app, &step(operation), json!({ "id": session }), Some(&ani)).await,
            "FORBIDDEN",
        );
    }
    assert_eq!(
        before,
        app.snapshot().await,
        "refused actions leave no trace, no event either"
    );
    // The moderator may lower someone's hand, and close.
    must(
        &app,
        LOWER,
        json!({ "session": session, "account": budi.id }),
        &moderator,
    )
    .await;
    assert_code(
        &run(&app, LOWER, json!({ "session": session }), Some(&budi)).await,
        "NOT_FOUND",
    );
    must(
        &app,
        &step("closeSession"),
        json!({ "id": session }),
        &planner,
    )
    .await;
    // A subscription to a session that does not exist fails.
    let mut client = WsClient::connect(app.addr, TRANSPORT_WS).await;
    client.init_ok(ani.token()).await;
    let missing = client
        .subscribe(SESSION_EVENTS, json!({ "session": 999_999 }))
        .await;
    let result = client
        .next_result(&missing, Duration::from_secs(10))
        .await
        .expect("an error");
    assert_eq!(result["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let negative = client
        .subscribe(SESSION_EVENTS, json!({ "session": session, "since": -1 }))
        .await;
    let result = client
        .next_result(&negative, Duration::from_secs(10))
        .await
        .expect("an error");
    assert_eq!(result["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

async fn minutes_list_the_round_outcome(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let budi = world.verified_resident(&app, "Budi Hartono").await;
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
    let round_input = json!({ "input": { "forumId": world.forum_kelurahan, "title": "Pemungutan suara", "method": "APPROVAL", "maxChoices": 2,
        "rule": "greedy", "opensAt": days_from_now(-1), "closesAt": days_from_now(2), "liveTally": false } });
    let round = id(&must(
        &app,
        "mutation($input: OpenRoundInput!) { openVotingRound(input: $input) { id } }",
        round_input,
        &moderator,
    )
    .await["openVotingRound"]["id"]);
    let cast = "mutation($round: Int!, $choices: [ChoiceInput!]!) { castBallot(roundId: $round, choices: $choices) { receipt } }";
    must(
        &app,
        cast,
        json!({ "round": round, "choices": [{ "proposalId": p2 }] }),
        &ani,
    )
    .await;
    must(
        &app,
        cast,
        json!({ "round": round, "choices": [{ "proposalId": p2 }, { "proposalId": p1 }] }),
        &budi,
    )
    .await;
    must(
        &app,
        "mutation($id: Int!) { closeVotingRound(roundId: $id) { id } }",
        json!({ "id": round }),
        &moderator,
    )
    .await;

    let session = id(&ok(&schedule(&app, &world, &moderator).await)["scheduleSession"]["id"]);
    must(
        &app,
        &step("openSession"),
        json!({ "id": session }),
        &moderator,
    )
    .await;
    must(
        &app,
        &step("closeSession"),
        json!({ "id": session }),
        &moderator,
    )
    .await;
    let view = run(&app, SESSION, json!({ "id": session }), None).await;
    let priorities = &ok(&view)["liveSession"]["minutes"]["priorities"];
    assert_eq!(
        (
            priorities["source"].clone(),
            priorities["roundId"].clone(),
            priorities["rule"].clone()
        ),
        (json!("VOTING_ROUND"), json!(round), json!("greedy"))
    );
    let outcome = app.gql("query($id: Int!) { votingRound(id: $id) { outcome { rows { proposalId rank selected support } } } }", json!({ "id": round }), None).await;
    let expected: Vec<Value> = ok(&outcome)["votingRound"]["outcome"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r["proposalId"], r["rank"], r["selected"], r["support"]]))
        .collect();
    let got: Vec<Value> = priorities["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r["proposalId"], r["rank"], r["selected"], r["support"]]))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(got[0], json!([p2, 1, true, "2"]));
    assert_eq!(
        ok(&view)["liveSession"]["minutes"]["attendanceSummary"]["total"],
        0
    );
}

backend_tests!(
    live_session_end_to_end,
    session_moderation_rights,
    minutes_list_the_round_outcome
);
