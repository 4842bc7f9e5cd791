//! Subscriptions over WebSocket against the real server: authentication in `connection_init`
//! (a bad token closes with 4403), keep-alive pings, both protocols, the forum activity stream,
//! reconnecting with `since` (no gap, no duplicate), live tallies (coalesced, ending on the
//! final totals), a slow consumer, and several server processes on one PostgreSQL database.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;
mod ws;

use std::{collections::BTreeSet, time::Duration};

use common::*;
use serde_json::{json, Value};
use ws::*;

const WAIT: Duration = Duration::from_secs(15);

const CHAT: &str = "mutation($session: Int!, $body: String!) { sendChatMessage(sessionId: $session, body: $body) { id } }";

/// A session of Oro-oro Dowo's forum, scheduled and opened by `moderator`.
async fn chat(app: &TestApp, user: &User, session: i32, body: &str) -> i32 {
    id(&ok(&app
        .gql(
            CHAT,
            json!({ "session": session, "body": body }),
            user.token(),
        )
        .await)["sendChatMessage"]["id"])
}

/// Reads `n` events of a subscription (its `field`), in arrival order.
async fn events(client: &mut WsClient, subscription: &str, field: &str, n: usize) -> Vec<Value> {
    let mut list = Vec::with_capacity(n);
    while list.len() < n {
        list.push(client.next_data(subscription).await[field].clone());
    }
    list
}

fn sequences(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|e| e["sequence"].as_i64().expect("a sequence"))
        .collect()
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["kind"].as_str().expect("a kind"))
        .collect()
}

async fn websocket_authentication(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    app.db.events().configure(|c| {
        c.keepalive = Duration::from_millis(150);
        c.init_timeout = Duration::from_millis(700);
    });
    let me = "query { me { id name } }";
    for protocol in [TRANSPORT_WS, LEGACY_WS] {
        // A good token: the connection acts for its account.
        let mut client = WsClient::connect(app.addr, protocol).await;
        client.init_ok(world.admin_token()).await;
        let query = client.subscribe(me, json!({})).await;
        assert_eq!(
            client.next_data(&query).await["me"]["id"],
            json!(world.admin.id),
            "{protocol}"
        );
        assert_eq!(
            client.next_result(&query, WAIT).await,
            None,
            "a query completes after its result"
        );
        // A subscription the schema refuses ends with an error that carries its code.
        let unknown = client
            .subscribe("subscription { noSuchStream }", json!({}))
            .await;
        let refused = client.next_result(&unknown, WAIT).await.expect("an error");
        assert_eq!(
            refused["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{protocol}: {refused}"
        );
        assert_eq!(client.next_result(&unknown, WAIT).await, None);
        // The server keeps the connection alive with pings (answered by this client).
        assert_eq!(client.recv(Duration::from_millis(800)).await, None);
        assert!(
            client.pings >= 3,
            "{protocol}: {} keep-alive messages in 800 ms",
            client.pings
        );
        client.close().await;

        // `Authorization: Bearer …` in the payload works too; no token means anonymous.
        let mut client = WsClient::connect(app.addr, protocol).await;
        let answer = client
            .init(json!({ "Authorization": format!("Bearer {}", world.admin.token) }))
            .await;
        assert_eq!(answer, Incoming::Json(json!({ "type": "connection_ack" })));
        client.close().await;
        let mut client = WsClient::connect(app.addr, protocol).await;
        client.init_ok(None).await;
        let query = client.subscribe(me, json!({})).await;
        assert_eq!(client.next_data(&query).await["me"], Value::Null);
        client.close().await;

        // A bad token closes the socket with 4403.
        let mut client = WsClient::connect(app.addr, protocol).await;
        let mut answer = client.init(json!({ "token": "0000-not-a-token" })).await;
        if protocol == LEGACY_WS {
            assert_eq!(
                answer,
                Incoming::Json(
                    json!({ "type": "connection_error", "payload": { "message": "Forbidden" } })
                )
            );
            answer = client.recv(WAIT).await.expect("a close frame");
        }
        assert!(
            matches!(answer, Incoming::Close(4403, _)),
            "{protocol}: {answer:?}"
        );

        // A revoked token is a bad token.
        let user = world
            .resident(&app, &format!("Warga Keluar {protocol}"), world.kelurahan)
            .await;
        ok(&app
            .gql("mutation { logout { ok } }", json!({}), user.token())
            .await);
        let mut client = WsClient::connect(app.addr, protocol).await;
        let mut answer = client.init(json!({ "token": user.token })).await;
        if protocol == LEGACY_WS {
            answer = client.recv(WAIT).await.expect("a close frame");
        }
        assert!(
            matches!(answer, Incoming::Close(4403, _)),
            "{protocol}: {answer:?}"
        );

        // Signing out closes the account's open sockets (only its own): the socket must not
        // go on acting for a token that no longer stands for anyone.
        let leaving = world
            .resident(&app, &format!("Warga Pamit {protocol}"), world.kelurahan)
            .await;
        let staying = world
            .resident(&app, &format!("Warga Tetap {protocol}"), world.kelurahan)
            .await;
        let mut client = WsClient::connect(app.addr, protocol).await;
        client.init_ok(leaving.token()).await;
        ok(&app
            .gql("mutation { logout { ok } }", json!({}), staying.token())
            .await);
        assert_eq!(
            client.recv(Duration::from_millis(300)).await,
            None,
            "{protocol}: another account's sign-out leaves this socket open"
        );
        ok(&app
            .gql("mutation { logout { ok } }", json!({}), leaving.token())
            .await);
        let answer = client.recv(WAIT).await;
        assert!(
            matches!(answer, Some(Incoming::Close(4403, _))),
            "{protocol}: {answer:?}"
        );
    }
    // A moderator whose role is revoked is disconnected too, and reconnects as a resident.
    let moderator = world
        .moderator(&app, "Fasilitator Sementara", world.forum_kelurahan)
        .await;
    let mut client = WsClient::connect(app.addr, TRANSPORT_WS).await;
    client.init_ok(moderator.token()).await;
    let grant = ok(&app
        .gql("{ me { roles { id } } }", json!({}), moderator.token())
        .await)["me"]["roles"][0]["id"]
        .clone();
    ok(&app
        .gql(
            "mutation($id: Int!) { revokeRole(grantId: $id) { id } }",
            json!({ "id": grant }),
            world.admin_token(),
        )
        .await);
    let answer = client.recv(WAIT).await;
    assert!(
        matches!(answer, Some(Incoming::Close(4403, _))),
        "{answer:?}"
    );
    // No connection_init in time: 4408.
    let mut client = WsClient::connect(app.addr, TRANSPORT_WS).await;
    assert!(matches!(
        client.recv(WAIT).await,
        Some(Incoming::Close(4408, _))
    ));
    // Without a known subprotocol the upgrade is refused.
    let refused = app
        .client
        .get(app.endpoint())
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status(), 400);
    // Plain GET queries still work on the same path.
    let plain = app
        .client
        .get(format!("{}?query={{me{{id}}}}", app.endpoint()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(plain.status(), 200);
}

async fn forum_activity_stream(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let mut watcher = WsClient::connect(app.addr, TRANSPORT_WS).await;
    watcher.init_ok(None).await;
    let live = watcher
        .subscribe(
            FORUM_ACTIVITY,
            json!({ "forum": world.forum_kelurahan, "since": 0 }),
        )
        .await;

    // A draft is private: nothing is published until it is submitted.
    let proposal = world
        .draft(&app, &ani, json!({ "title": "Lampu jalan Jl. Ijen" }))
        .await;
    world
        .transition(&app, &ani, proposal, "SUBMITTED", None)
        .await;
    world
        .transition(&app, &moderator, proposal, "VERIFIED", None)
        .await;
    let comment = id(&ok(&app
        .gql(
            ADD_COMMENT,
            json!({ "proposalId": proposal, "body": "Setuju, jalan gelap sekali." }),
            ani.token(),
        )
        .await)["addComment"]["id"]);
    ok(&app.gql("mutation($id: Int!) { hideComment(commentId: $id, reason: \"Data pribadi\") { hidden } }", json!({ "id": comment }), moderator.token()).await);
    world
        .transition(&app, &moderator, proposal, "FORWARDED", None)
        .await;

    let got = events(&mut watcher, &live, "forumActivity", 5).await;
    assert_eq!(sequences(&got), vec![1, 2, 3, 4, 5]);
    assert_eq!(
        kinds(&got),
        vec![
            "PROPOSAL_SUBMITTED",
            "PROPOSAL_STATUS_CHANGED",
            "COMMENT_ADDED",
            "COMMENT_HIDDEN",
            "PROPOSAL_STATUS_CHANGED"
        ]
    );
    assert!(got
        .iter()
        .all(|e| e["stream"] == format!("forum:{}", world.forum_kelurahan)));
    assert_eq!(got[0]["data"]["proposalId"], json!(proposal));
    assert_eq!(got[0]["actorId"], json!(ani.id));
    assert_eq!(
        (
            got[1]["data"]["from"].as_str(),
            got[1]["data"]["to"].as_str()
        ),
        (Some("SUBMITTED"), Some("VERIFIED"))
    );
    assert_eq!(
        got[2]["data"]["body"], "Setuju, jalan gelap sekali.",
        "live subscribers saw the comment before it was hidden"
    );
    assert_eq!(got[3]["data"]["reason"], "Data pribadi");
    assert_eq!(got[4]["data"]["to"], "FORWARDED");
    assert_eq!(got[4]["data"]["forumId"], json!(world.forum_kecamatan));

    // A latecomer replays the stream: the hidden comment's text is gone from the record.
    let mut latecomer = WsClient::connect(app.addr, LEGACY_WS).await;
    latecomer.init_ok(None).await;
    let replay = latecomer
        .subscribe(
            FORUM_ACTIVITY,
            json!({ "forum": world.forum_kelurahan, "since": 2 }),
        )
        .await;
    let got = events(&mut latecomer, &replay, "forumActivity", 3).await;
    assert_eq!(sequences(&got), vec![3, 4, 5]);
    assert_eq!(got[0]["data"]["body"], Value::Null);
    assert_eq!(got[0]["data"]["hidden"], true);
    // The forum it was forwarded to shows the arrival; the log is also readable over HTTP.
    let log = app.gql("query($f: Int!) { forumEvents(forumId: $f, since: 0) { sequence kind data } forumEventSequence(forumId: $f) }", json!({ "f": world.forum_kecamatan }), None).await;
    assert_eq!(ok(&log)["forumEvents"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        ok(&log)["forumEvents"][0]["data"]["proposalId"],
        json!(proposal)
    );
    assert_eq!(ok(&log)["forumEventSequence"], 1);

    // A failed mutation publishes nothing.
    let refused = transition(&app, ani.token(), proposal, "VERIFIED", None).await;
    assert!(error_code(&refused).is_some());
    let after = app
        .gql(
            "query($f: Int!) { forumEventSequence(forumId: $f) }",
            json!({ "f": world.forum_kelurahan }),
            None,
        )
        .await;
    assert_eq!(ok(&after)["forumEventSequence"], 5);
    // Unknown forum: the subscription fails with NOT_FOUND.
    let missing = watcher
        .subscribe(FORUM_ACTIVITY, json!({ "forum": 999_999 }))
        .await;
    let result = watcher.next_result(&missing, WAIT).await.expect("an error");
    assert_eq!(
        result["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{result}"
    );
}

async fn reconnect_with_since(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let session = world.open_session(&app, &moderator).await;

    let mut first = WsClient::connect(app.addr, TRANSPORT_WS).await;
    first.init_ok(None).await;
    let subscription = first
        .subscribe(SESSION_EVENTS, json!({ "session": session, "since": 0 }))
        .await;
    for i in 0..5 {
        chat(&app, &moderator, session, &format!("Pesan {i}")).await;
    }
    let seen = events(&mut first, &subscription, "sessionEvents", 7).await;
    assert_eq!(sequences(&seen), (1..=7).collect::<Vec<_>>());
    assert_eq!(
        kinds(&seen)[..2],
        ["SESSION_SCHEDULED", "SESSION_STATUS_CHANGED"]
    );
    drop(first.into_inner());

    // Offline: five messages; then, while the client reconnects, twenty more.
    for i in 5..10 {
        chat(&app, &moderator, session, &format!("Pesan {i}")).await;
    }
    let producer = {
        let (endpoint, token, client) =
            (app.endpoint(), moderator.token.clone(), app.client.clone());
        tokio::spawn(async move {
            for i in 10..30 {
                let body = json!({ "query": CHAT, "variables": { "session": session, "body": format!("Pesan {i}") } });
                let reply: Value = client
                    .post(&endpoint)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(
                    reply["data"]["sendChatMessage"]["id"].is_number(),
                    "{reply}"
                );
            }
        })
    };
    let mut again = WsClient::connect(app.addr, TRANSPORT_WS).await;
    again.init_ok(None).await;
    let resumed = again
        .subscribe(SESSION_EVENTS, json!({ "session": session, "since": 7 }))
        .await;
    let rest = events(&mut again, &resumed, "sessionEvents", 25).await;
    producer.await.expect("the producer finishes");
    assert_eq!(
        sequences(&rest),
        (8..=32).collect::<Vec<_>>(),
        "every missed and new event once, in order"
    );
    let bodies: Vec<&str> = rest
        .iter()
        .map(|e| e["data"]["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        (5..30).map(|i| format!("Pesan {i}")).collect::<Vec<_>>()
    );
    // Nothing more.
    assert_eq!(again.recv(Duration::from_millis(300)).await, None);
    // Two subscriptions on one socket, one live-only from now.
    let now_only = again
        .subscribe(SESSION_EVENTS, json!({ "session": session }))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    chat(&app, &moderator, session, "Pesan terakhir").await;
    let mut by_subscription = std::collections::HashMap::new();
    for _ in 0..2 {
        match again.recv(WAIT).await {
            Some(Incoming::Json(message)) => {
                by_subscription.insert(
                    message["id"].as_str().unwrap().to_owned(),
                    message["payload"]["data"]["sessionEvents"]["sequence"].clone(),
                );
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(by_subscription.get(&resumed), Some(&json!(33)));
    assert_eq!(by_subscription.get(&now_only), Some(&json!(33)));

    // Simple selections are rendered once per event for all subscribers; anything else (here
    // a fragment) runs through the executor. Both say exactly the same.
    let mut both = WsClient::connect(app.addr, LEGACY_WS).await;
    both.init_ok(None).await;
    let simple = "subscription($s: Int!) { feed: sessionEvents(sessionId: $s, since: 30) { sequence n: sequence stream kind at actorId subjectId data __typename } }";
    let general = "subscription($s: Int!) { feed: sessionEvents(sessionId: $s, since: 30) { ... on LiveEvent { sequence n: sequence stream kind at actorId subjectId data __typename } } }";
    let fast = both.subscribe(simple, json!({ "s": session })).await;
    let executed = both.subscribe(general, json!({ "s": session })).await;
    let mut results = std::collections::HashMap::new();
    while results
        .values()
        .map(|v: &Vec<Value>| v.len())
        .sum::<usize>()
        < 6
    {
        match both.recv(WAIT).await {
            Some(Incoming::Json(message)) => results
                .entry(message["id"].as_str().unwrap().to_owned())
                .or_insert_with(Vec::new)
                .push(message["payload"].clone()),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(results[&fast].len(), 3);
    assert_eq!(results[&fast], results[&executed]);
    assert_eq!(results[&fast][0]["data"]["feed"]["__typename"], "LiveEvent");
    // Both ends the same way for a session that does not exist.
    let missing_fast = both.subscribe(simple, json!({ "s": 999_999 })).await;
    let missing_executed = both.subscribe(general, json!({ "s": 999_999 })).await;
    for id in [missing_fast, missing_executed] {
        let result = both.next_result(&id, WAIT).await.expect("an error");
        assert_eq!(
            result["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{result}"
        );
        assert_eq!(both.next_result(&id, WAIT).await, None);
    }
    // A client may stop a subscription; the server confirms and sends nothing more for it.
    both.stop(&fast).await;
    assert_eq!(both.next_result(&fast, WAIT).await, None);
    chat(&app, &moderator, session, "Sesudah berhenti").await;
    let next = both
        .next_result(&executed, WAIT)
        .await
        .expect("the other subscription continues");
    assert_eq!(next["data"]["feed"]["sequence"], 34);
    assert_eq!(both.recv(Duration::from_millis(300)).await, None);
}

async fn live_tally(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    // Steps of one ballot, so that coalescing alone is seen here (steps: tests/ballot_secrecy.rs).
    app.db.events().configure(|c| {
        c.tally_interval = Duration::from_millis(250);
        c.tally_minimum = 1;
    });
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let mut voters = Vec::new();
    for i in 0..8 {
        voters.push(world.verified_resident(&app, &format!("Pemilih {i}")).await);
    }
    let p1 = world
        .verified(
            &app,
            &voters[0],
            json!({ "title": "Saluran drainase Jl. Kawi" }),
        )
        .await;
    let p2 = world
        .verified(&app, &voters[1], json!({ "title": "Lampu jalan Jl. Ijen" }))
        .await;
    let open = "mutation($input: OpenRoundInput!) { openVotingRound(input: $input) { id } }";
    let round_input = |live: bool| {
        json!({ "input": { "forumId": world.forum_kelurahan, "title": "Pemungutan suara", "method": "APPROVAL", "maxChoices": 2,
            "rule": "greedy", "opensAt": days_from_now(-1), "closesAt": days_from_now(2), "liveTally": live } })
    };
    let round = id(
        &ok(&app.gql(open, round_input(true), moderator.token()).await)["openVotingRound"]["id"],
    );
    let tally = "subscription($round: Int!) { votingTally(roundId: $round) { roundId ballots withheld final computedAt rows { proposalId votes } } }";

    let mut watcher = WsClient::connect(app.addr, TRANSPORT_WS).await;
    watcher.init_ok(None).await;
    let subscription = watcher.subscribe(tally, json!({ "round": round })).await;
    let initial = watcher.next_data(&subscription).await["votingTally"].clone();
    assert_eq!(
        (initial["ballots"].clone(), initial["final"].clone()),
        (json!(0), json!(false))
    );

    let cast = "mutation($round: Int!, $choices: [ChoiceInput!]!) { castBallot(roundId: $round, choices: $choices) { receipt } }";
    for (i, voter) in voters.iter().enumerate() {
        let choices = if i % 2 == 0 {
            json!([{ "proposalId": p1 }, { "proposalId": p2 }])
        } else {
            json!([{ "proposalId": p2 }])
        };
        ok(&app
            .gql(
                cast,
                json!({ "round": round, "choices": choices }),
                voter.token(),
            )
            .await);
    }
    // Updates come coalesced (at least an interval apart) until all eight ballots show.
    let mut updates = vec![initial];
    while updates.last().unwrap()["ballots"] != 8 {
        updates.push(watcher.next_data(&subscription).await["votingTally"].clone());
    }
    assert!(updates.len() <= 9);
    let times: Vec<chrono::DateTime<chrono::Utc>> = updates
        .iter()
        .map(|u| u["computedAt"].as_str().unwrap().parse().unwrap())
        .collect();
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= chrono::Duration::milliseconds(240),
            "updates {:?} apart",
            pair[1] - pair[0]
        );
    }
    // The close ends the stream on the exact final totals.
    ok(&app
        .gql(
            "mutation($id: Int!) { closeVotingRound(roundId: $id) { id } }",
            json!({ "id": round }),
            moderator.token(),
        )
        .await);
    let last = loop {
        let update = watcher.next_data(&subscription).await["votingTally"].clone();
        if update["final"] == true {
            break update;
        }
    };
    assert_eq!(last["ballots"], 8);
    assert_eq!(
        last["rows"],
        json!([{ "proposalId": p2, "votes": 8 }, { "proposalId": p1, "votes": 4 }])
    );
    assert_eq!(
        watcher.next_result(&subscription, WAIT).await,
        None,
        "the stream completes after the final totals"
    );
    let query = app.gql("query($id: Int!) { votingRound(id: $id) { tally { ballots rows { proposalId votes } } } }", json!({ "id": round }), None).await;
    assert_eq!(ok(&query)["votingRound"]["tally"]["rows"], last["rows"]);

    // A round without live totals: only the turnout while it runs, for residents and its staff
    // alike (a moderator who sees who votes must not read their votes).
    let voters_left = world.verified_resident(&app, "Pemilih Rahasia").await;
    let secret = id(
        &ok(&app.gql(open, round_input(false), moderator.token()).await)["openVotingRound"]["id"],
    );
    let hidden = watcher.subscribe(tally, json!({ "round": secret })).await;
    let public_view = watcher.next_data(&hidden).await["votingTally"].clone();
    assert_eq!(
        (
            public_view["ballots"].clone(),
            public_view["withheld"].clone()
        ),
        (json!(0), json!(true))
    );
    let mut staff = WsClient::connect(app.addr, LEGACY_WS).await;
    staff.init_ok(moderator.token()).await;
    let staff_view = staff.subscribe(tally, json!({ "round": secret })).await;
    assert_eq!(
        staff.next_data(&staff_view).await["votingTally"]["ballots"],
        0
    );
    ok(&app
        .gql(
            cast,
            json!({ "round": secret, "choices": [{ "proposalId": p1 }] }),
            voters_left.token(),
        )
        .await);
    let after = staff.next_data(&staff_view).await["votingTally"].clone();
    assert_eq!(
        (
            after["ballots"].clone(),
            after["withheld"].clone(),
            after["rows"].clone()
        ),
        (json!(1), json!(true), json!([]))
    );
}

async fn slow_consumer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    // Small buffers, so that falling behind is quick to provoke.
    app.db.events().configure(|c| c.buffer = 64);
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let session = world.open_session(&app, &moderator).await;

    let mut slow = WsClient::connect_with_buffer(app.addr, TRANSPORT_WS, Some(4096)).await;
    slow.init_ok(None).await;
    let slow_id = slow
        .subscribe(SESSION_EVENTS, json!({ "session": session, "since": 2 }))
        .await;
    let mut fast = WsClient::connect(app.addr, TRANSPORT_WS).await;
    fast.init_ok(None).await;
    let fast_id = fast
        .subscribe(SESSION_EVENTS, json!({ "session": session, "since": 2 }))
        .await;
    // The slow client stops reading; the fast one keeps up while 300 long messages go out.
    let slow_socket = slow.into_inner();
    let long = "x".repeat(900);
    let messages = 300;
    let reader = tokio::spawn(async move {
        let got = events(&mut fast, &fast_id, "sessionEvents", messages).await;
        (got, fast)
    });
    let started = std::time::Instant::now();
    for i in 0..messages {
        chat(&app, &moderator, session, &format!("{i:03} {long}")).await;
    }
    let produced_in = started.elapsed();
    let (got, _fast) = tokio::time::timeout(Duration::from_secs(30), reader)
        .await
        .expect("the fast client keeps up")
        .unwrap();
    assert_eq!(
        sequences(&got),
        (3..3 + messages as i64).collect::<Vec<_>>()
    );
    eprintln!("{messages} events produced in {produced_in:?} with a stalled subscriber");

    // The slow client reads again: what was buffered arrives in order, then it is told to
    // resync (or, had it stayed silent, its socket would have been closed with 4008).
    let mut slow = WsClient::from_inner(slow_socket, TRANSPORT_WS, 1);
    let mut delivered = Vec::new();
    let resync_from = loop {
        match slow.next_result(&slow_id, WAIT).await {
            Some(result) if result["errors"].is_array() => {
                let error = &result["errors"][0];
                assert_eq!(error["extensions"]["code"], "RESYNC_REQUIRED", "{result}");
                break error["extensions"]["lastSequence"].as_i64().unwrap();
            }
            Some(result) => delivered.push(
                result["data"]["sessionEvents"]["sequence"]
                    .as_i64()
                    .unwrap(),
            ),
            None => panic!("completed without being told to resync after {delivered:?}"),
        }
    };
    assert!(
        delivered.len() < messages,
        "the slow client fell behind ({} delivered)",
        delivered.len()
    );
    assert_eq!(
        delivered,
        (3..3 + delivered.len() as i64).collect::<Vec<_>>()
    );
    assert_eq!(resync_from, 2 + delivered.len() as i64);
    assert_eq!(
        slow.next_result(&slow_id, WAIT).await,
        None,
        "the subscription ends after the resync error"
    );
    // Resubscribing with `since` fills the gap exactly.
    let resumed = slow
        .subscribe(
            SESSION_EVENTS,
            json!({ "session": session, "since": resync_from }),
        )
        .await;
    let rest = events(
        &mut slow,
        &resumed,
        "sessionEvents",
        messages - delivered.len(),
    )
    .await;
    let mut all = delivered.clone();
    all.extend(sequences(&rest));
    assert_eq!(all, (3..3 + messages as i64).collect::<Vec<_>>());
    assert_eq!(app.db.events().followed_streams(), 1);

    // A client that never reads again is cut off once a message waits too long for it; the
    // others go on, and its stream is released.
    app.db
        .events()
        .configure(|c| c.send_timeout = Duration::from_millis(300));
    let mut stalled = WsClient::connect_with_buffer(app.addr, TRANSPORT_WS, Some(4096)).await;
    stalled.init_ok(None).await;
    let stalled_id = stalled
        .subscribe(
            SESSION_EVENTS,
            json!({ "session": session, "since": 2 + messages as i64 }),
        )
        .await;
    let stalled_socket = stalled.into_inner();
    for i in 0..150 {
        chat(&app, &moderator, session, &format!("lagi {i:03} {long}")).await;
    }
    assert_eq!(
        events(&mut slow, &resumed, "sessionEvents", 150)
            .await
            .len(),
        150,
        "the reading client got everything"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut stalled = WsClient::from_inner(stalled_socket, TRANSPORT_WS, 1);
    // It gets what was buffered for it, then either the socket ends (4008, if the close
    // frame still fits) or, if its subscription fell behind before its writes stalled, it
    // is told to resync.
    let mut received = 0;
    let end = loop {
        match stalled.recv(WAIT).await {
            Some(Incoming::Json(message)) if message["id"] == stalled_id.as_str() => {
                if message["payload"]["errors"][0]["extensions"]["code"] == "RESYNC_REQUIRED" {
                    break "resync";
                }
                assert_eq!(message["type"], "next", "{message}");
                received += 1;
            }
            Some(Incoming::Close(4008, _)) | Some(Incoming::Ended) => break "cut off",
            other => panic!("unexpected {other:?} after {received} events"),
        }
    };
    assert!(received < 150, "{end} after {received} events");
    assert_eq!(
        app.db.events().followed_streams(),
        1,
        "only the reading client follows the session"
    );
}

backend_tests!(
    websocket_authentication,
    forum_activity_stream,
    reconnect_with_since,
    live_tally,
    slow_consumer
);

/// Three instances on one PostgreSQL database: the in-process test server and two processes
/// of the real binary, each with its own pool and LISTEN connection. Events written through
/// any of them reach live subscribers on all of them.
#[tokio::test]
async fn instances_share_events_on_postgres() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let session = world.open_session(&app, &moderator).await;
    let (b, c) = (
        ServerProcess::spawn(&app.url),
        ServerProcess::spawn(&app.url),
    );

    let mut watchers = Vec::new();
    for addr in [app.addr, b.addr, c.addr] {
        let mut client = WsClient::connect(addr, TRANSPORT_WS).await;
        client.init_ok(None).await;
        let subscription = client
            .subscribe(SESSION_EVENTS, json!({ "session": session, "since": 0 }))
            .await;
        // Caught up with the two past events: what follows can only come live.
        assert_eq!(
            sequences(&events(&mut client, &subscription, "sessionEvents", 2).await),
            vec![1, 2]
        );
        watchers.push((client, subscription));
    }
    let write = |instance: usize, body: String| {
        let (b, c, app, moderator) = (&b, &c, &app, &moderator);
        async move {
            let variables = json!({ "session": session, "body": body });
            let reply = match instance {
                0 => app.gql(CHAT, variables, moderator.token()).await,
                1 => b.gql(&app.client, CHAT, variables, moderator.token()).await,
                _ => c.gql(&app.client, CHAT, variables, moderator.token()).await,
            };
            assert!(
                reply["data"]["sendChatMessage"]["id"].is_number(),
                "{reply}"
            );
        }
    };
    let mut expected = Vec::new();
    for round in 0..3 {
        for instance in [2, 1, 0] {
            let body = format!("dari instance {instance}, putaran {round}");
            write(instance, body.clone()).await;
            expected.push(body);
        }
    }
    for (client, subscription) in &mut watchers {
        let got = events(client, subscription, "sessionEvents", expected.len()).await;
        assert_eq!(
            sequences(&got),
            (3..3 + expected.len() as i64).collect::<Vec<_>>()
        );
        let bodies: Vec<&str> = got
            .iter()
            .map(|e| e["data"]["body"].as_str().unwrap())
            .collect();
        assert_eq!(bodies, expected);
    }

    // Concurrent writers on different instances get distinct, gapless sequence numbers.
    let mut writers = Vec::new();
    for instance in 0..3 {
        let (addr, client, token) = (
            [app.addr, b.addr, c.addr][instance],
            app.client.clone(),
            moderator.token.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0..10 {
                let body = json!({ "query": CHAT, "variables": { "session": session, "body": format!("paralel {instance}-{i}") } });
                let reply: Value = client.post(format!("http://{addr}/graphql")).bearer_auth(&token).json(&body).send().await.unwrap().json().await.unwrap();
                assert!(reply["data"]["sendChatMessage"]["id"].is_number(), "{reply}");
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let first = 3 + expected.len() as i64;
    let mut seen = Vec::new();
    for (client, subscription) in &mut watchers {
        let got = events(client, subscription, "sessionEvents", 30).await;
        assert_eq!(sequences(&got), (first..first + 30).collect::<Vec<_>>());
        seen.push(
            got.iter()
                .map(|e| e["data"]["body"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>(),
        );
    }
    assert!(
        seen.windows(2).all(|w| w[0] == w[1]),
        "every instance delivers the same order"
    );
    assert_eq!(seen[0].iter().collect::<BTreeSet<_>>().len(), 30);

    // Live tallies follow ballots cast through another instance.
    let voter = world
        .verified_resident(&app, "Pemilih Lintas Instance")
        .await;
    let proposal = world.verified(&app, &voter, json!({})).await;
    let round_input = json!({ "input": { "forumId": world.forum_kelurahan, "title": "Pemungutan suara", "method": "APPROVAL", "maxChoices": 1,
        "rule": "greedy", "opensAt": days_from_now(-1), "closesAt": days_from_now(2), "liveTally": true } });
    let round = id(&ok(&app
        .gql(
            "mutation($input: OpenRoundInput!) { openVotingRound(input: $input) { id } }",
            round_input,
            moderator.token(),
        )
        .await)["openVotingRound"]["id"]);
    let mut tally = WsClient::connect(b.addr, TRANSPORT_WS).await;
    tally.init_ok(None).await;
    let subscription = tally
        .subscribe(VOTING_TALLY, json!({ "round": round }))
        .await;
    assert_eq!(
        tally.next_data(&subscription).await["votingTally"]["ballots"],
        0
    );
    let cast = "mutation($round: Int!, $choices: [ChoiceInput!]!) { castBallot(roundId: $round, choices: $choices) { receipt } }";
    let reply = c
        .gql(
            &app.client,
            cast,
            json!({ "round": round, "choices": [{ "proposalId": proposal }] }),
            voter.token(),
        )
        .await;
    assert!(
        reply["data"]["castBallot"]["receipt"].is_string(),
        "{reply}"
    );
    assert_eq!(
        tally.next_data(&subscription).await["votingTally"]["ballots"],
        1
    );

    // Signing out through one instance closes the account's socket on another.
    let mut voter_socket = WsClient::connect(c.addr, TRANSPORT_WS).await;
    voter_socket.init_ok(voter.token()).await;
    ok(&app
        .gql("mutation { logout { ok } }", json!({}), voter.token())
        .await);
    let answer = voter_socket.recv(WAIT).await;
    assert!(
        matches!(answer, Some(Incoming::Close(4403, _))),
        "{answer:?}"
    );
}
