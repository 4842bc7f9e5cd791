//! Faults an operator meets, each against the real binary or a real database, bounded in time:
//! kill -9 during a ballot storm, SIGTERM under load, a PostgreSQL outage (on a server this test
//! starts on its own port, never the machine's), another SQLite writer holding the lock, and a
//! backup taken under load. docs/reliability.md says what each promises.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;
mod ws;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use common::*;
use serde_json::{json, Value};
use ws::*;

const OPEN_ROUND: &str =
    "mutation($input: OpenRoundInput!) { openVotingRound(input: $input) { id } }";
const CAST: &str = "mutation($round: Int!, $choices: [ChoiceInput!]!) {
    castBallot(roundId: $round, choices: $choices) { receipt } }";
const MY_BALLOT: &str = "query($id: Int!) { votingRound(id: $id) {
    myBallot { receipt choices { proposalId } } } }";
const CLOSE_ROUND: &str = "mutation($id: Int!) { closeVotingRound(roundId: $id) { isClosed } }";
const TALLY: &str = "query($id: Int!) { votingRound(id: $id) {
    tally { ballots rows { proposalId votes } } } }";
const LOGIN: &str = "mutation($identifier: String!, $password: String!) {
    login(identifier: $identifier, password: $password) { token } }";
const CHAT: &str = "mutation($session: Int!, $body: String!) {
    sendChatMessage(sessionId: $session, body: $body) { id } }";

/// How many residents vote at once in the storms.
const VOTERS: usize = 64;

/// A forum with three verified proposals, an open approval round (up to two choices) and
/// `voters` verified residents who may vote in it.
struct Election {
    world: World,
    moderator: User,
    round: i32,
    proposals: [i32; 3],
    voters: Vec<User>,
}

impl Election {
    async fn build(app: &TestApp, voters: usize) -> Election {
        let world = World::build(app).await;
        let moderator = world
            .moderator(app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
            .await;
        let mut people = Vec::with_capacity(voters);
        for chunk in (0..voters).collect::<Vec<_>>().chunks(8) {
            let registered = futures_util::future::join_all(chunk.iter().map(|i| {
                let name = format!("Pemilih Nomor {i}");
                let world = &world;
                async move { world.verified_resident(app, &name).await }
            }))
            .await;
            people.extend(registered);
        }
        let mut proposals = [0; 3];
        for (slot, title) in proposals.iter_mut().zip([
            "Saluran drainase Jl. Kawi",
            "Lampu jalan Jl. Ijen",
            "Posyandu Melati",
        ]) {
            *slot = world
                .verified(
                    app,
                    &people[0],
                    json!({ "title": title, "estimatedCost": 200_000_000i64 }),
                )
                .await;
        }
        let input = json!({ "forumId": world.forum_kelurahan, "title": "Pemungutan suara 2027",
            "method": "APPROVAL", "maxChoices": 2, "rule": "greedy",
            "opensAt": days_from_now(-1), "closesAt": days_from_now(2) });
        let round = id(&ok(&app
            .gql(OPEN_ROUND, json!({ "input": input }), moderator.token())
            .await)["openVotingRound"]["id"]);
        Election {
            world,
            moderator,
            round,
            proposals,
            voters: people,
        }
    }

    /// The choices of a voter's `n`-th ballot: consecutive ballots differ.
    fn choices(&self, n: usize) -> Vec<i32> {
        let [a, b, c] = self.proposals;
        match n % 3 {
            0 => vec![a],
            1 => vec![b, c],
            _ => vec![a, c],
        }
    }
}

/// What one voter of a storm was told: how many ballots were acknowledged (the last one is
/// the `acknowledged - 1`-th), and whether one more was on its way when the storm ended.
#[derive(Debug, Clone, Copy, Default)]
struct VoterLog {
    acknowledged: usize,
    in_flight: bool,
}

/// Transport failures and answers of a storm's requests.
#[derive(Debug, Default)]
struct StormReport {
    logs: Vec<VoterLog>,
    /// Requests answered with an HTTP status other than 200, or with GraphQL errors.
    refused: Vec<String>,
    /// Requests that got no answer; `cut` those that were sent and then lost their connection.
    unanswered: usize,
}

/// Every voter casts ballot after ballot at `base` until `stop` is set or its connection is
/// refused (the server is gone).
async fn storm(base: String, election: &Election, stop: Arc<AtomicBool>) -> StormReport {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let voters = election.voters.iter().enumerate().map(|(index, voter)| {
        let (client, base, stop) = (client.clone(), base.clone(), stop.clone());
        let token = voter.token.clone();
        let choices: Vec<Vec<i32>> = (0..3).map(|n| election.choices(n)).collect();
        let round = election.round;
        async move {
            let mut log = VoterLog::default();
            let mut refused = Vec::new();
            let mut unanswered = 0;
            while !stop.load(Ordering::Relaxed) {
                let ids = &choices[log.acknowledged % 3];
                let body = json!({ "query": CAST, "variables": {
                    "round": round,
                    "choices": ids.iter().map(|id| json!({ "proposalId": id })).collect::<Vec<_>>() } });
                log.in_flight = true;
                let sent = client
                    .post(format!("{base}/graphql"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await;
                let answer = match sent {
                    Ok(response) => {
                        let status = response.status();
                        match response.text().await {
                            Ok(text) => Some((status, text)),
                            Err(_) => None,
                        }
                    }
                    Err(_) => None,
                };
                match answer {
                    Some((status, text)) if status == 200 && !text.contains("\"errors\"") => {
                        log.acknowledged += 1;
                        log.in_flight = false;
                    }
                    Some((status, text)) => {
                        log.in_flight = false;
                        refused.push(format!("voter {index}: {status} {text}"));
                        break;
                    }
                    None => {
                        // Sent (perhaps) and lost: it may or may not have been stored.
                        unanswered += 1;
                        break;
                    }
                }
            }
            (log, refused, unanswered)
        }
    });
    let results = futures_util::future::join_all(voters).await;
    let mut report = StormReport::default();
    for (log, refused, unanswered) in results {
        report.logs.push(log);
        report.refused.extend(refused);
        report.unanswered += unanswered;
    }
    report
}

/// After a storm: each voter's stored ballot is the last acknowledged one, or the one that was
/// on its way when the storm ended (stored or not, the voter was never told). Nothing
/// acknowledged is lost.
async fn assert_acknowledged_ballots_kept(
    app: &TestApp,
    election: &Election,
    report: &StormReport,
) {
    let acknowledged: usize = report.logs.iter().map(|l| l.acknowledged).sum();
    let in_flight = report.logs.iter().filter(|l| l.in_flight).count();
    eprintln!(
        "measured ({:?}): {acknowledged} ballots acknowledged, {in_flight} in flight at the end",
        app.backend
    );
    assert!(
        acknowledged >= VOTERS,
        "the storm acknowledged only {acknowledged} ballots"
    );
    for (voter, log) in election.voters.iter().zip(&report.logs) {
        let answer = app
            .gql(MY_BALLOT, json!({ "id": election.round }), voter.token())
            .await;
        let stored = &ok(&answer)["votingRound"]["myBallot"];
        let stored_choices: Option<Vec<i32>> = stored["choices"]
            .as_array()
            .map(|list| list.iter().map(|c| id(&c["proposalId"])).collect());
        let mut allowed = Vec::new();
        if log.acknowledged > 0 {
            allowed.push(Some(election.choices(log.acknowledged - 1)));
        } else {
            allowed.push(None);
        }
        if log.in_flight {
            allowed.push(Some(election.choices(log.acknowledged)));
        }
        let mut stored_sorted = stored_choices.clone();
        if let Some(list) = stored_sorted.as_mut() {
            list.sort_unstable();
        }
        assert!(
            allowed.iter().any(|a| {
                let mut a = a.clone();
                if let Some(list) = a.as_mut() {
                    list.sort_unstable();
                }
                a == stored_sorted
            }),
            "{}: stored {stored_choices:?}, acknowledged {} ballots, in flight {}",
            voter.name,
            log.acknowledged,
            log.in_flight
        );
    }
}

/// kill -9 of the real binary in the middle of a 64-voter storm; a new process on the same
/// database finds every acknowledged ballot.
async fn kill_9_during_ballot_storm(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let election = Election::build(&app, VOTERS).await;
    let server = ServerProcess::spawn(&app.url);
    let stop = Arc::new(AtomicBool::new(false));
    let storming = {
        let base = format!("http://{}", server.addr);
        let stop = stop.clone();
        let election = &election;
        async move { storm(base, election, stop).await }
    };
    let killer = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        server.signal("KILL");
    };
    let (report, ()) = tokio::join!(storming, killer);
    drop(server);
    assert!(
        report.refused.is_empty(),
        "refused before the kill: {:?}",
        report.refused
    );
    // A new process recovers the file or the database as the old one left it.
    let again = ServerProcess::spawn(&app.url);
    let answer = again
        .gql(&app.client, "{ health: __typename }", json!({}), None)
        .await;
    assert_eq!(answer["data"]["health"], "Query", "{answer}");
    assert_acknowledged_ballots_kept(&app, &election, &report).await;
}

/// SIGTERM while logins queue for the password hasher, voters storm and a subscriber listens:
/// every request in flight is answered, the subscriber is told 1001 (going away), the process
/// exits 0, and every acknowledged ballot is there.
async fn sigterm_finishes_requests_in_flight(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let election = Election::build(&app, VOTERS).await;
    let session = election.world.open_session(&app, &election.moderator).await;
    let mut server = ServerProcess::spawn(&app.url);

    let mut subscriber = WsClient::connect(server.addr, TRANSPORT_WS).await;
    subscriber.init_ok(None).await;
    let subscription = subscriber
        .subscribe(SESSION_EVENTS, json!({ "session": session }))
        .await;

    let stop = Arc::new(AtomicBool::new(false));
    let base = format!("http://{}", server.addr);
    let storming = storm(base.clone(), &election, stop.clone());
    let signalled = Mutex::new(None::<Instant>);
    let logins_and_signal = async {
        // 32 sign-ins wait for the hasher (two at a time); the signal comes while they wait.
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let logins = election.voters[..32].iter().map(|voter| {
            let client = client.clone();
            let url = format!("{base}/graphql");
            let body = json!({ "query": LOGIN,
                "variables": { "identifier": voter.email, "password": PASSWORD } });
            async move {
                let response = client
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| format!("no answer: {e}"))?;
                let status = response.status();
                let text = response.text().await.map_err(|e| format!("cut: {e}"))?;
                if status == 200 && text.contains("\"token\"") && !text.contains("\"errors\"") {
                    Ok(())
                } else {
                    Err(format!("{status}: {text}"))
                }
            }
        });
        let signal = async {
            tokio::time::sleep(Duration::from_millis(400)).await;
            *signalled.lock().unwrap() = Some(Instant::now());
            server.signal("TERM");
        };
        let (answers, ()) = tokio::join!(futures_util::future::join_all(logins), signal);
        answers
    };
    let (report, logins) = tokio::join!(storming, logins_and_signal);
    let failed: Vec<&String> = logins.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failed.is_empty(),
        "sign-ins in flight at SIGTERM must be answered: {failed:?}"
    );
    // The subscriber hears "going away" (it may first receive the storm's session events).
    let mut close = None;
    for _ in 0..1000 {
        match subscriber.recv(Duration::from_secs(25)).await {
            Some(Incoming::Close(code, reason)) => {
                close = Some((code, reason));
                break;
            }
            Some(Incoming::Json(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
    let (code, _) = close.expect("a close frame");
    assert_eq!(code, 1001, "close code of a subscriber at shutdown");
    let _ = subscription;
    let status = server
        .wait_exit(Duration::from_secs(30))
        .await
        .expect("the server exits after SIGTERM");
    let at = signalled.lock().unwrap().expect("signalled");
    eprintln!(
        "measured ({backend:?}): SIGTERM → exit {:?} in {:?}; {} sign-ins in flight answered",
        status.code(),
        at.elapsed(),
        logins.len()
    );
    assert_eq!(status.code(), Some(0), "exit status after SIGTERM");
    // Ballots whose requests were under way at the signal were answered, not cut: a voter
    // could only fail to connect afterwards (the listener was closed).
    assert!(report.refused.is_empty(), "refused: {:?}", report.refused);
    assert!(signalled.lock().unwrap().is_some());
    assert_acknowledged_ballots_kept(&app, &election, &report).await;
}

// ---------------------------------------------------------------------------------------------
// A PostgreSQL server of the test's own
// ---------------------------------------------------------------------------------------------

/// A PostgreSQL cluster in a temporary directory on a free port, run as the system's
/// `postgres` user when the test runs as root. Stopped and removed when dropped.
struct OwnPostgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

fn postgres_bin_dir() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's server programs under /usr/lib/postgresql")
        .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
        .filter(|bin| bin.join("pg_ctl").is_file())
        .collect();
    found.sort_by_key(|bin| {
        bin.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().expect("a PostgreSQL version with pg_ctl")
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl OwnPostgres {
    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let mut command = if running_as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let output = command
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn start_new() -> OwnPostgres {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("musrenbang_pg_{}", unique_suffix()));
        std::fs::create_dir_all(&dir).expect("the cluster's directory");
        if running_as_root() {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("chown");
            assert!(status.success(), "chown postgres {}", dir.display());
        }
        let pg = OwnPostgres {
            bin: postgres_bin_dir(),
            dir,
            port,
        };
        let data = pg.dir.join("data");
        pg.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
            ],
        );
        pg.start();
        pg
    }

    fn start(&self) {
        let data = self.dir.join("data");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
    }

    fn stop(&self) {
        let data = self.dir.join("data");
        self.run(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", "fast", "-w", "stop"],
        );
    }

    fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let path = self.bin.join("pg_ctl");
        let mut command = if running_as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let _ = command
            .args([
                "-D",
                data.to_str().unwrap_or_default(),
                "-m",
                "immediate",
                "stop",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// POSTs `query` and returns the status, the Retry-After header, the body and how long it took.
async fn timed_post(
    app: &TestApp,
    query: &str,
    variables: Value,
    token: Option<&str>,
) -> (u16, Option<String>, Value, Duration) {
    let started = Instant::now();
    let mut request = app
        .client
        .post(app.endpoint())
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.json().await.expect("JSON");
    (status, retry_after, body, started.elapsed())
}

/// PostgreSQL stops under a running server: signed-in requests answer UNAVAILABLE (503,
/// Retry-After) within the pool's 2 s, never UNAUTHENTICATED; readiness says 503 within a
/// second while liveness stays 200; after PostgreSQL returns, the server serves again without
/// a restart and a subscriber resumes with `since` without a gap.
#[tokio::test]
async fn postgres_outage_is_reported_fast_and_recovered() {
    let pg = OwnPostgres::start_new();
    let app = TestApp::spawn_on_postgres(&pg.admin_url()).await;
    let world = World::build(&app).await;
    let moderator = world
        .moderator(&app, "Fasilitator Oro-oro Dowo", world.forum_kelurahan)
        .await;
    let session = world.open_session(&app, &moderator).await;
    let first = ok(&app
        .gql(
            CHAT,
            json!({ "session": session, "body": "Sebelum" }),
            moderator.token(),
        )
        .await)["sendChatMessage"]["id"]
        .clone();
    assert!(first.is_number());
    let mut watcher = WsClient::connect(app.addr, TRANSPORT_WS).await;
    watcher.init_ok(None).await;
    let watching = watcher
        .subscribe(SESSION_EVENTS, json!({ "session": session, "since": 0 }))
        .await;
    let mut seen: Vec<i64> = Vec::new();
    // Scheduled, opened, the first chat message.
    while seen.len() < 3 {
        let event = watcher.next_data(&watching).await;
        seen.push(event["sessionEvents"]["sequence"].as_i64().unwrap());
    }

    pg.stop();
    let (status, retry_after, body, took) = timed_post(
        &app,
        CHAT,
        json!({ "session": session, "body": "Saat padam" }),
        moderator.token(),
    )
    .await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{body}");
    assert!(retry_after.is_some(), "Retry-After with the 503");
    assert!(took < Duration::from_secs(4), "UNAVAILABLE after {took:?}");
    eprintln!("measured: a signed-in mutation during the outage: 503 UNAVAILABLE after {took:?}");
    let (status, _, body, _) = timed_post(&app, "{ forums { totalCount } }", json!({}), None).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{body}");

    let started = Instant::now();
    let ready = app
        .client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    eprintln!(
        "measured: /readyz during the outage: 503 after {:?}",
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "readiness answered after {:?}",
        started.elapsed()
    );
    let health = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 503);
    let live = app
        .client
        .get(format!("{}/livez", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);

    pg.start();
    let back = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = app
            .client
            .get(format!("{}/readyz", app.base))
            .send()
            .await
            .unwrap();
        if ready.status() == 200 {
            eprintln!(
                "measured: ready again {:?} after PostgreSQL started",
                back.elapsed()
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not ready 30 s after PostgreSQL returned"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for i in 0..3 {
        ok(&app
            .gql(
                CHAT,
                json!({ "session": session, "body": format!("Sesudah {i}") }),
                moderator.token(),
            )
            .await);
    }
    // The subscriber that stayed connected gets what came after; one that reconnects with
    // `since` gets the same, without a gap.
    while seen.len() < 6 {
        let event = watcher.next_data(&watching).await;
        seen.push(event["sessionEvents"]["sequence"].as_i64().unwrap());
    }
    assert_eq!(seen, (1..=6).collect::<Vec<_>>());
    let mut returning = WsClient::connect(app.addr, TRANSPORT_WS).await;
    returning.init_ok(moderator.token()).await;
    let resumed = returning
        .subscribe(SESSION_EVENTS, json!({ "session": session, "since": 3 }))
        .await;
    let mut again = Vec::new();
    while again.len() < 3 {
        let event = returning.next_data(&resumed).await;
        again.push(event["sessionEvents"]["sequence"].as_i64().unwrap());
    }
    assert_eq!(again, vec![4, 5, 6]);
    drop(app);
}

/// Another process holds the SQLite file's write lock for 3 s (as an operator's command
/// would): ballots and the round's close wait for it and succeed; operator commands run
/// against the live file.
#[tokio::test]
async fn sqlite_writes_wait_for_another_writer() {
    use sqlx::{Connection, Executor};
    let app = TestApp::spawn(Backend::Sqlite).await;
    let election = Election::build(&app, 4).await;
    let path = app.url.trim_start_matches("sqlite://").to_owned();
    let mut other = sqlx::SqliteConnection::connect(&app.url)
        .await
        .expect("a second connection");
    other
        .execute("BEGIN IMMEDIATE")
        .await
        .expect("the other writer takes the lock");
    let held_from = Instant::now();
    let release = async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        other.execute("COMMIT").await.expect("commit");
    };
    let voting = async {
        let casts = election.voters.iter().enumerate().map(|(i, voter)| {
            let ids = election.choices(i);
            app.gql(
                CAST,
                json!({ "round": election.round,
                    "choices": ids.iter().map(|id| json!({ "proposalId": id })).collect::<Vec<_>>() }),
                voter.token(),
            )
        });
        let answers = futures_util::future::join_all(casts).await;
        let closed = app
            .gql(
                CLOSE_ROUND,
                json!({ "id": election.round }),
                election.moderator.token(),
            )
            .await;
        (answers, closed, held_from.elapsed())
    };
    let ((answers, closed, took), ()) = tokio::join!(voting, release);
    for answer in &answers {
        assert!(ok(answer)["castBallot"]["receipt"].is_string(), "{answer}");
    }
    assert_eq!(
        ok(&closed)["closeVotingRound"]["isClosed"],
        true,
        "{closed}"
    );
    assert!(
        took >= Duration::from_millis(2500),
        "the writes did not wait for the lock ({took:?})"
    );
    eprintln!("measured: 4 ballots and the close done {took:?} after the other writer took the lock for 3 s");
    let tally = app.gql(TALLY, json!({ "id": election.round }), None).await;
    assert_eq!(ok(&tally)["votingRound"]["tally"]["ballots"], 4, "{tally}");

    // Operator commands on the live file, while the server runs.
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_musrenbang"))
        .args([
            "create-admin",
            "--email",
            "operator@malangkota.go.id",
            "--name",
            "Operator",
            "--database-url",
            &app.url,
        ])
        .env("MUSRENBANG_ADMIN_PASSWORD", PASSWORD)
        .output()
        .await
        .expect("create-admin runs");
    assert!(
        output.status.success(),
        "create-admin on the live file: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(Path::new(&path).exists());
    let signed_in = login(&app, "operator@malangkota.go.id", PASSWORD).await;
    assert!(ok(&signed_in)["login"]["token"].is_string());
}

// ---------------------------------------------------------------------------------------------
// Backups
// ---------------------------------------------------------------------------------------------

/// Runs an operator's command of the real binary (without blocking the test's runtime, which
/// serves the application meanwhile).
async fn musrenbang(args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_musrenbang"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("the binary runs")
}

#[track_caller]
fn assert_success(output: &std::process::Output, what: &str) {
    assert!(
        output.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A database to restore into: a new SQLite path, or a new PostgreSQL database.
async fn empty_target(app: &TestApp) -> (String, Option<String>) {
    match app.backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("musrenbang_r_{}.db", unique_suffix()));
            (format!("sqlite://{}", path.display()), None)
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let name = format!("musrenbang_r_{}", unique_suffix());
            let admin =
                std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .await
                .unwrap();
            let mut url = reqwest::Url::parse(&admin).unwrap();
            url.set_path(&format!("/{name}"));
            (url.to_string(), Some(name))
        }
    }
}

async fn drop_target(url: &str, postgres_name: Option<String>) {
    match postgres_name {
        None => {
            let path = url.trim_start_matches("sqlite://");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        Some(name) => {
            use sqlx::Connection;
            let admin =
                std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }
}

/// A backup taken while 64 voters storm restores to a database whose event log is the
/// original's as of the copy; one taken after the round closed restores to identical tables,
/// tally and event log. Restore refuses a database in use and one with data unless told to
/// replace it.
async fn backup_under_load_restores(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let election = Election::build(&app, VOTERS).await;
    let scratch = std::env::temp_dir().join(format!("musrenbang_b_{}", unique_suffix()));
    std::fs::create_dir_all(&scratch).unwrap();
    let during = scratch.join("during.backup");
    let after = scratch.join("after.backup");

    let stop = Arc::new(AtomicBool::new(false));
    let storming = storm(app.base.clone(), &election, stop.clone());
    let backing_up = async {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let output = musrenbang(&[
            "backup",
            "--out",
            during.to_str().unwrap(),
            "--database-url",
            &app.url,
        ])
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop.store(true, Ordering::Relaxed);
        output
    };
    let (report, output) = tokio::join!(storming, backing_up);
    assert_success(&output, "backup under load");
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert_eq!(report.unanswered, 0);
    // A backup never overwrites.
    let again = musrenbang(&[
        "backup",
        "--out",
        during.to_str().unwrap(),
        "--database-url",
        &app.url,
    ])
    .await;
    assert!(
        !again.status.success(),
        "a second backup onto the same file"
    );

    ok(&app
        .gql(
            CLOSE_ROUND,
            json!({ "id": election.round }),
            election.moderator.token(),
        )
        .await);
    let output = musrenbang(&[
        "backup",
        "--out",
        after.to_str().unwrap(),
        "--database-url",
        &app.url,
    ])
    .await;
    assert_success(&output, "backup after the close");
    let original = app.snapshot().await;
    let original_tally = app.gql(TALLY, json!({ "id": election.round }), None).await;

    // Mid-storm copy: consistent, with the original's events as of that moment.
    let (target, name) = empty_target(&app).await;
    let output = musrenbang(&[
        "restore",
        during.to_str().unwrap(),
        "--database-url",
        &target,
    ])
    .await;
    assert_success(&output, "restore of the mid-storm backup");
    {
        let restored = musrenbang::db::Db::connect(&target).await.unwrap();
        let copy = snapshot(&restored).await;
        let events = &copy["events"];
        assert!(!events.is_empty());
        let by_id: HashMap<i64, &Value> = original["events"]
            .iter()
            .map(|e| (e["id"].as_i64().unwrap(), e))
            .collect();
        for event in events {
            assert_eq!(
                Some(&event),
                by_id.get(&event["id"].as_i64().unwrap()),
                "an event of the copy differs from the original"
            );
        }
        assert_eq!(copy["accounts"], original["accounts"]);
        restored.close().await;
    }
    // Restoring over a database that holds data needs --replace.
    let output = musrenbang(&[
        "restore",
        after.to_str().unwrap(),
        "--database-url",
        &target,
    ])
    .await;
    assert!(
        !output.status.success(),
        "restore over data without --replace"
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--replace"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // A database a server has open is refused.
    let live = musrenbang(&[
        "restore",
        after.to_str().unwrap(),
        "--replace",
        "--database-url",
        &app.url,
    ])
    .await;
    assert!(!live.status.success(), "restore onto the live database");
    assert!(String::from_utf8_lossy(&live.stderr).contains("stop every server"));

    let output = musrenbang(&[
        "restore",
        after.to_str().unwrap(),
        "--replace",
        "--database-url",
        &target,
    ])
    .await;
    assert_success(&output, "restore of the final backup");
    let restored = musrenbang::db::Db::connect(&target).await.unwrap();
    assert_eq!(snapshot(&restored).await, original, "restored tables");
    restored.close().await;
    // A server on the restored database tells the same tally.
    let server = ServerProcess::spawn(&target);
    let tally = server
        .gql(&app.client, TALLY, json!({ "id": election.round }), None)
        .await;
    assert_eq!(tally["data"], original_tally["data"]);
    drop(server);
    drop_target(&target, name).await;
    let _ = std::fs::remove_dir_all(&scratch);
}

backend_tests!(
    kill_9_during_ballot_storm,
    sigterm_finishes_requests_in_flight,
    backup_under_load_restores
);

/// A rolling restart on PostgreSQL: two instances under load, one stopped with SIGTERM. A
/// client whose request found no server (refused, or the connection closed before an answer)
/// sends it again to the other instance, as a load balancer's client would; no request is
/// refused, every voter's last ballot is stored, and a subscriber told 1001 resumes on the
/// other instance with `since` without a gap.
#[tokio::test]
async fn rolling_restart_loses_nothing() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let election = Election::build(&app, 32).await;
    let session = election.world.open_session(&app, &election.moderator).await;
    let mut first = ServerProcess::spawn(&app.url);
    let second = ServerProcess::spawn(&app.url);
    let bases = [first.url(""), second.url("")];

    let mut subscriber = WsClient::connect(first.addr, TRANSPORT_WS).await;
    subscriber.init_ok(None).await;
    let watching = subscriber
        .subscribe(SESSION_EVENTS, json!({ "session": session, "since": 0 }))
        .await;
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let event = subscriber.next_data(&watching).await;
        seen.push(event["sessionEvents"]["sequence"].as_i64().unwrap());
    }

    const BALLOTS: usize = 15;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let voters = election.voters.iter().enumerate().map(|(index, voter)| {
        let (client, bases) = (client.clone(), bases.clone());
        let election = &election;
        async move {
            let mut refused = Vec::new();
            let mut resent = 0;
            for n in 0..BALLOTS {
                let ids = election.choices(n);
                let body = json!({ "query": CAST, "variables": { "round": election.round,
                    "choices": ids.iter().map(|id| json!({ "proposalId": id })).collect::<Vec<_>>() } });
                let mut target = (index + n) % 2;
                let mut stored = false;
                for _attempt in 0..6 {
                    let answer = client
                        .post(format!("{}/graphql", bases[target]))
                        .bearer_auth(&voter.token)
                        .json(&body)
                        .send()
                        .await;
                    let text = match answer {
                        Ok(response) => {
                            let status = response.status();
                            response.text().await.map(|t| (status, t))
                        }
                        Err(err) => Err(err),
                    };
                    match text {
                        Ok((status, text)) if status == 200 && !text.contains("\"errors\"") => {
                            stored = true;
                            break;
                        }
                        Ok((status, text)) => {
                            refused.push(format!("{status} {text}"));
                            break;
                        }
                        Err(_) => {
                            resent += 1;
                            target = 1 - target;
                        }
                    }
                }
                if !stored {
                    refused.push(format!("{} ballot {n} never stored", voter.name));
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (refused, resent)
        }
    });
    let restart = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        first.signal("TERM");
        let status = first
            .wait_exit(Duration::from_secs(30))
            .await
            .expect("the first instance exits");
        assert_eq!(status.code(), Some(0));
        // A chat message while only the second instance runs.
        let chatted = second
            .gql(
                &app.client,
                CHAT,
                json!({ "session": session, "body": "Selama restart" }),
                election.moderator.token(),
            )
            .await;
        assert!(
            chatted["data"]["sendChatMessage"]["id"].is_number(),
            "{chatted}"
        );
        ServerProcess::spawn(&app.url)
    };
    let (results, replacement) = tokio::join!(futures_util::future::join_all(voters), restart);
    let refused: Vec<&String> = results.iter().flat_map(|(r, _)| r).collect();
    let resent: usize = results.iter().map(|(_, n)| n).sum();
    eprintln!("measured: rolling restart, {resent} requests sent again to the other instance");
    assert!(
        refused.is_empty(),
        "refused during the rolling restart: {refused:?}"
    );
    for voter in &election.voters {
        let answer = app
            .gql(MY_BALLOT, json!({ "id": election.round }), voter.token())
            .await;
        let mut stored: Vec<i32> = ok(&answer)["votingRound"]["myBallot"]["choices"]
            .as_array()
            .expect("a stored ballot")
            .iter()
            .map(|c| id(&c["proposalId"]))
            .collect();
        stored.sort_unstable();
        let mut last = election.choices(BALLOTS - 1);
        last.sort_unstable();
        assert_eq!(stored, last, "{}'s last ballot", voter.name);
    }
    // The subscriber of the stopped instance was told to go, and resumes on another.
    let mut closed = None;
    for _ in 0..100 {
        match subscriber.recv(Duration::from_secs(10)).await {
            Some(Incoming::Close(code, _)) => {
                closed = Some(code);
                break;
            }
            Some(Incoming::Json(message)) => {
                if let Some(sequence) =
                    message["payload"]["data"]["sessionEvents"]["sequence"].as_i64()
                {
                    seen.push(sequence);
                }
            }
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
    assert_eq!(closed, Some(1001));
    let last = *seen.last().unwrap();
    let mut resumed = WsClient::connect(replacement.addr, TRANSPORT_WS).await;
    resumed.init_ok(None).await;
    let again = resumed
        .subscribe(SESSION_EVENTS, json!({ "session": session, "since": last }))
        .await;
    while seen.len() < 3 {
        let event = resumed.next_data(&again).await;
        seen.push(event["sessionEvents"]["sequence"].as_i64().unwrap());
    }
    assert_eq!(seen, vec![1, 2, 3]);
    drop(second);
}
