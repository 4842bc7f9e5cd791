//! Many concurrent subscribers to one live session: the real server binary in its own process
//! (so that its memory can be read from /proc), and 10,000 WebSocket clients in this one, all on
//! 127.0.0.1, all on this machine's cores. Each round the moderator posts a chat message over
//! HTTP; the time from sending that mutation to each subscriber reading the event is recorded.
//!
//! `cargo bench --bench subscribers` (release). Environment:
//! `MUSRENBANG_BENCH_SUBSCRIBERS` (default 10000), `MUSRENBANG_BENCH_ROUNDS` (default 101, the first a warm-up),
//! `MUSRENBANG_BENCH_DB=postgres` to use PostgreSQL at MUSRENBANG_TEST_POSTGRES_URL (default
//! postgres://postgres@127.0.0.1:5432/test) instead of a SQLite file. The open-file limit is
//! raised to its hard limit (both processes need one descriptor per connection); if the hard
//! limit is too low, raise it first (`ulimit -Hn`, limits.conf, or the container's settings).
//! Prints a Markdown table.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use chrono::Utc;
use entity::{
    account, auth_token, cycle,
    enums::{
        CycleStatus, ForumLevel, ForumStatus, RegionLevel, Role, SelectionLimit, VerificationStatus,
    },
    forum, role_grant,
};
use futures_util::{SinkExt, StreamExt};
use musrenbang::{
    auth,
    db::Db,
    domain::access::Actor,
    domain::{
        self,
        sessions::{self, ScheduleSessionInput, Step},
    },
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::{
    client::IntoClientRequest, http::HeaderValue, protocol::WebSocketConfig, Message,
};

/// `getrlimit`/`setrlimit` of the C library, declared here to stay with std only.
mod rlimit {
    #[repr(C)]
    struct Limit {
        current: u64,
        max: u64,
    }
    extern "C" {
        fn getrlimit(resource: i32, limit: *mut Limit) -> i32;
        fn setrlimit(resource: i32, limit: *const Limit) -> i32;
    }
    const RLIMIT_NOFILE: i32 = 7;

    /// Raises the soft limit on open files to the hard limit; returns (before, after).
    pub fn raise_open_files() -> (u64, u64) {
        let mut limit = Limit { current: 0, max: 0 };
        // SAFETY: valid pointers to a struct laid out as the C `struct rlimit` on Linux.
        unsafe {
            if getrlimit(RLIMIT_NOFILE, &mut limit) != 0 {
                return (0, 0);
            }
            let before = limit.current;
            let raised = Limit {
                current: limit.max,
                max: limit.max,
            };
            if setrlimit(RLIMIT_NOFILE, &raised) == 0 {
                (before, limit.max)
            } else {
                (before, before)
            }
        }
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory of a process in KiB, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

/// CPU time (user + system) a process has used, in milliseconds (from /proc, 100 ticks/s).
fn cpu_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses): state is field 3; utime 14, stime 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(14) + ticks(15)) * 10.0
}

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(database_url: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_musrenbang"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            database_url,
            "--frontend-dir",
            "/nonexistent",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the musrenbang binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let (found, address) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut found = Some(found);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("running at http://").nth(1) {
                if let Some(tx) = found.take() {
                    let _ = tx.send(rest.split('/').next().unwrap_or_default().to_owned());
                }
            }
        }
    });
    let addr = address
        .recv_timeout(Duration::from_secs(60))
        .expect("the server reports its address");
    Server { child, addr }
}

/// A forum with an open live session and its moderator's token.
async fn seed(db: &Db) -> (i32, String) {
    let now = Utc::now();
    let txn = db.begin().await.unwrap();
    let city = domain::regions::insert(
        &txn,
        "99.02",
        "Kota Bench",
        RegionLevel::KabupatenKota,
        None,
    )
    .await
    .unwrap();
    let plan = cycle::ActiveModel {
        plan_year: Set(2027),
        name: Set("Bench".into()),
        region_id: Set(city.id),
        status: Set(CycleStatus::Active),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    let forum = forum::ActiveModel {
        cycle_id: Set(plan.id),
        level: Set(ForumLevel::KabupatenKota),
        region_id: Set(city.id),
        name: Set("Forum Bench".into()),
        status: Set(ForumStatus::InSession),
        selection_limit: Set(SelectionLimit::Unlimited),
        tolerance_percent: Set(0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    let moderator = account::ActiveModel {
        name: Set("Fasilitator Bench".into()),
        email: Set(Some("fasilitator@bench.test".into())),
        password_hash: Set(auth::hash_password("bench-password".into()).await.unwrap()),
        home_region_id: Set(Some(city.id)),
        verification: Set(VerificationStatus::Verified),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    let grant = role_grant::ActiveModel {
        account_id: Set(moderator.id),
        role: Set(Role::Moderator),
        forum_id: Set(Some(forum.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    let token = "bench-moderator-token".to_owned();
    auth_token::ActiveModel {
        account_id: Set(moderator.id),
        token_hash: Set(auth::token_hash(&token)),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::days(1)),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let actor = Actor {
        account: moderator,
        grants: vec![grant],
    };
    let input = ScheduleSessionInput {
        forum_id: forum.id,
        title: "Sesi Bench".into(),
        starts_at: now,
        place: Some("Aula Bench".into()),
        online_url: None,
    };
    let session = sessions::schedule(db, &actor, input).await.unwrap();
    sessions::step(db, &actor, session.id, Step::Open)
        .await
        .unwrap();
    (session.id, token)
}

/// What the clients record: per round, when each subscriber read the event.
struct Arrivals {
    started: Instant,
    rounds: usize,
    /// Nanoseconds since `started`, per (client, round); 0 = not yet.
    at: Vec<AtomicU64>,
    /// Subscribers that read each round's event.
    count: Vec<AtomicUsize>,
    /// The sequence number of round 0's event.
    first: AtomicU64,
    connected: AtomicUsize,
}

impl Arrivals {
    fn record(&self, client: usize, sequence: u64) {
        let first = self.first.load(Ordering::Acquire);
        if first == 0 || sequence < first {
            return;
        }
        let round = (sequence - first) as usize;
        if round < self.rounds {
            let nanos = self.started.elapsed().as_nanos() as u64;
            self.at[client * self.rounds + round].store(nanos, Ordering::Relaxed);
            self.count[round].fetch_add(1, Ordering::Release);
        }
    }
}

/// The sequence number in a `next` message, found without parsing the JSON.
fn sequence_of(text: &str) -> Option<u64> {
    let rest = &text[text.find("\"sequence\":")? + 11..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

async fn subscriber(
    index: usize,
    addr: String,
    session: i32,
    arrivals: Arc<Arrivals>,
    gate: Arc<Semaphore>,
) {
    let permit = gate.acquire_owned().await.unwrap();
    let mut request = format!("ws://{addr}/graphql")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut socket, _) =
        match tokio_tungstenite::connect_async_with_config(request, Some(config), true).await {
            Ok(connected) => connected,
            Err(err) => {
                eprintln!("subscriber {index}: {err}");
                return;
            }
        };
    socket
        .send(Message::Text(
            r#"{"type":"connection_init","payload":{}}"#.into(),
        ))
        .await
        .unwrap();
    let subscribe = serde_json::json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($s: Int!) { sessionEvents(sessionId: $s) { sequence kind data } }", "variables": { "s": session } } });
    socket
        .send(Message::Text(subscribe.to_string().into()))
        .await
        .unwrap();
    arrivals.connected.fetch_add(1, Ordering::Release);
    drop(permit);
    while let Some(Ok(message)) = socket.next().await {
        if let Message::Text(text) = message {
            if text.starts_with(r#"{"type":"ping""#) {
                let _ = socket
                    .send(Message::Text(r#"{"type":"pong"}"#.into()))
                    .await;
            } else if let Some(sequence) = sequence_of(&text) {
                arrivals.record(index, sequence);
            }
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize)
        .saturating_sub(1)
        .min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let subscribers = env_number("MUSRENBANG_BENCH_SUBSCRIBERS", 10_000);
    let rounds = env_number("MUSRENBANG_BENCH_ROUNDS", 101);
    let (before, after) = rlimit::raise_open_files();
    if (after as usize) < subscribers + 200 {
        eprintln!(
            "note: the open-file limit is {after} (hard); {subscribers} subscribers need more"
        );
    }
    let use_postgres =
        std::env::var("MUSRENBANG_BENCH_DB").is_ok_and(|v| v.eq_ignore_ascii_case("postgres"));
    let sqlite_path =
        std::env::temp_dir().join(format!("musrenbang_subscribers_{}.db", std::process::id()));
    let pg_name = format!("musrenbang_subscribers_{}", std::process::id());
    let pg_admin = std::env::var("MUSRENBANG_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let (label, url) = if use_postgres {
        let admin = Db::connect(&pg_admin).await.expect("PostgreSQL reachable");
        admin
            .writer()
            .execute_unprepared(&format!("CREATE DATABASE {pg_name}"))
            .await
            .expect("create database");
        (
            "PostgreSQL",
            format!(
                "{}/{pg_name}",
                pg_admin
                    .rsplit_once('/')
                    .map(|(base, _)| base)
                    .unwrap_or(&pg_admin)
            ),
        )
    } else {
        (
            "SQLite (WAL)",
            format!("sqlite://{}", sqlite_path.display()),
        )
    };
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let (session, token) = seed(&db).await;
    let server = start_server(&url);
    let pid = server.child.id();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let endpoint = format!("http://{}/graphql", server.addr);
    let post = |body: String| {
        let (http, endpoint, token) = (http.clone(), endpoint.clone(), token.clone());
        async move {
            let query = serde_json::json!({ "query": "mutation($s: Int!, $b: String!) { sendChatMessage(sessionId: $s, body: $b) { id } }",
                "variables": { "s": session, "b": body } });
            let reply: serde_json::Value = http
                .post(&endpoint)
                .bearer_auth(&token)
                .json(&query)
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
    };
    // Warm the server up (first queries, pools) before measuring its memory.
    post("pemanasan".into()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_idle = rss_kib(pid);

    let arrivals = Arc::new(Arrivals {
        started: Instant::now(),
        rounds,
        at: (0..subscribers * rounds)
            .map(|_| AtomicU64::new(0))
            .collect(),
        count: (0..rounds).map(|_| AtomicUsize::new(0)).collect(),
        first: AtomicU64::new(0),
        connected: AtomicUsize::new(0),
    });
    let connecting = Instant::now();
    let gate = Arc::new(Semaphore::new(200));
    for index in 0..subscribers {
        tokio::spawn(subscriber(
            index,
            server.addr.clone(),
            session,
            arrivals.clone(),
            gate.clone(),
        ));
    }
    while arrivals.connected.load(Ordering::Acquire) < subscribers {
        if connecting.elapsed() > Duration::from_secs(300) {
            panic!(
                "only {} of {subscribers} subscribers connected",
                arrivals.connected.load(Ordering::Acquire)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connect_time = connecting.elapsed();
    // Subscriptions start a moment after the subscribe message; give them time to settle,
    // then check every subscriber receives a warm-up event before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let last_sequence = musrenbang::events::last_sequence(
        db.reader(),
        musrenbang::events::StreamKey::Session(session),
    )
    .await
    .unwrap() as u64;
    arrivals.first.store(last_sequence + 1, Ordering::Release);
    let mut last_latencies = Vec::new();
    let mut deliveries = Vec::with_capacity(subscribers * rounds);
    let mut mutation_latencies = Vec::new();
    let mut rss_peak = 0;
    let mut missing = 0;
    let (mut server_cpu, mut client_cpu) = (0.0, 0.0);
    for round in 0..rounds {
        let cpu_before = (cpu_ms(pid), cpu_ms(std::process::id()));
        let sent = arrivals.started.elapsed();
        post(format!("Pengumuman nomor {round}")).await;
        mutation_latencies.push((arrivals.started.elapsed() - sent).as_secs_f64() * 1000.0);
        let deadline = Instant::now() + Duration::from_secs(20);
        while arrivals.count[round].load(Ordering::Acquire) < subscribers
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        rss_peak = rss_peak.max(rss_kib(pid));
        if round > 0 {
            server_cpu += cpu_ms(pid) - cpu_before.0;
            client_cpu += cpu_ms(std::process::id()) - cpu_before.1;
        }
        let sent = sent.as_nanos() as u64;
        let mut latest = 0.0f64;
        for client in 0..subscribers {
            let at = arrivals.at[client * rounds + round].load(Ordering::Relaxed);
            if at == 0 {
                missing += 1;
                continue;
            }
            let ms = at.saturating_sub(sent) as f64 / 1e6;
            latest = latest.max(ms);
            // Round 0 is the warm-up.
            if round > 0 {
                deliveries.push(ms);
            }
        }
        if round > 0 {
            last_latencies.push(latest);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let rss_connected = rss_kib(pid);
    let client_rss = rss_kib(std::process::id());
    last_latencies.sort_by(f64::total_cmp);
    deliveries.sort_by(f64::total_cmp);
    mutation_latencies.sort_by(f64::total_cmp);
    let per_connection = (rss_connected.saturating_sub(rss_idle)) as f64 / subscribers as f64;
    println!("| database | subscribers | rounds | connect all (s) | mutation → last subscriber p50 / p99 / max (ms) | mutation → each delivery p50 / p99 (ms) | mutation HTTP p50 (ms) | server RSS idle → connected (MiB) | server RSS per connection (KiB) | events missed |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {label} | {subscribers} | {} | {:.1} | {:.0} / {:.0} / {:.0} | {:.0} / {:.0} | {:.1} | {:.0} → {:.0} (peak {:.0}) | {:.1} | {missing} |",
        rounds - 1,
        connect_time.as_secs_f64(),
        percentile(&last_latencies, 0.5),
        percentile(&last_latencies, 0.99),
        last_latencies.last().copied().unwrap_or_default(),
        percentile(&deliveries, 0.5),
        percentile(&deliveries, 0.99),
        percentile(&mutation_latencies, 0.5),
        rss_idle as f64 / 1024.0,
        rss_connected as f64 / 1024.0,
        rss_peak as f64 / 1024.0,
        per_connection,
    );
    let measured = (rounds - 1).max(1) as f64;
    eprintln!(
        "open-file limit {before} → {after}; client process RSS {:.0} MiB; {} cores; CPU per event: server {:.0} ms, clients {:.0} ms",
        client_rss as f64 / 1024.0,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        server_cpu / measured,
        client_cpu / measured,
    );
    drop(server);
    if use_postgres {
        let admin = Db::connect(&pg_admin).await.expect("PostgreSQL reachable");
        let _ = admin
            .writer()
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)"))
            .await;
    } else {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", sqlite_path.display()));
        }
    }
}
