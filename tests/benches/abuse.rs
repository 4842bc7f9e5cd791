//! The attacks of issue 12, from one machine and without an account (unless said), against the
//! release server in its own process on a SQLite file with the demo data: for each, `/healthz`
//! p99 while it runs and the server's peak RSS, next to the same figures with no attack measured
//! in the same run. `cargo bench --bench abuse`. Prints a Markdown table.
//!
//! The server trusts 127.0.0.1 as a proxy, so an attack that rotates `X-Forwarded-For` plays a
//! botnet of many addresses: the bounds under test are the ones no per-address rate helps with.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
use std::{
    future::Future,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

const LOGIN: &str = "mutation($id: String!, $password: String!) { login(identifier: $id, password: $password) { token } }";

struct Server {
    child: Child,
    base: String,
    addr: String,
    http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    async fn start(database: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_musrenbang"))
            .args(["serve", "--demo", "--bind", &addr])
            .args(["--database-url", database])
            .args(["--trusted-proxies", "127.0.0.1"])
            .args(["--frontend-dir", "/nonexistent"])
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the release server");
        let server = Server {
            child,
            base: format!("http://{addr}"),
            addr,
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(512)
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        };
        let started = Instant::now();
        loop {
            if let Ok(answer) = server.http.get(server.url("/healthz")).send().await {
                if answer.status().is_success() {
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn rss_kib(&self) -> u64 {
        rss_kib(self.child.id())
    }

    /// A GraphQL request as the client at `address` (through the trusted proxy).
    async fn gql(&self, address: &str, query: &str, variables: Value) -> Value {
        match self
            .http
            .post(self.url("/graphql"))
            .header("x-forwarded-for", address)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
        {
            Ok(answer) => answer
                .json()
                .await
                .unwrap_or_else(|_| json!({ "transport": "unreadable" })),
            Err(err) => json!({ "transport": err.to_string() }),
        }
    }
}

/// The resident set of process `pid` in KiB (0 once it is gone).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn code(answer: &Value) -> String {
    if answer.get("transport").is_some() {
        return "TRANSPORT".into();
    }
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .map_or_else(|| "OK".into(), str::to_owned)
}

fn tally(codes: impl IntoIterator<Item = String>) -> String {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for code in codes {
        *counts.entry(code).or_default() += 1;
    }
    counts
        .iter()
        .map(|(code, n)| format!("{n} {code}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn client_address(i: usize) -> String {
    format!("10.{}.{}.{}", i / 65_536 % 256, i / 256 % 256, i % 256)
}

struct Measured {
    healthz_p99_ms: f64,
    healthz_max_ms: f64,
    rss_before_mib: f64,
    rss_peak_mib: f64,
    /// 3 s after the attack ended: memory the allocator gave back shows here.
    rss_after_mib: f64,
    seconds: f64,
    result: String,
}

/// Runs `attack` while a prober asks `/healthz` every 10 ms and a sampler reads the server's RSS.
async fn measure<F: Future<Output = String>>(server: &Server, attack: F) -> Measured {
    let stop = Arc::new(AtomicBool::new(false));
    let prober = {
        let stop = stop.clone();
        let http = reqwest::Client::new();
        let url = server.url("/healthz");
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let asked = Instant::now();
                let healthy = http
                    .get(&url)
                    .timeout(Duration::from_secs(30))
                    .send()
                    .await
                    .is_ok_and(|a| a.status().is_success());
                let took = asked.elapsed().as_secs_f64() * 1000.0;
                latencies.push(if healthy { took } else { took.max(30_000.0) });
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            latencies
        })
    };
    let rss_before = server.rss_kib();
    let sampler = {
        let stop = stop.clone();
        let pid = server.child.id();
        tokio::spawn(async move {
            let mut peak = 0u64;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(rss_kib(pid));
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            peak
        })
    };
    let started = Instant::now();
    let result = attack.await;
    let seconds = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut latencies = prober.await.unwrap();
    let peak = sampler.await.unwrap().max(server.rss_kib());
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_after = server.rss_kib();
    latencies.sort_by(f64::total_cmp);
    let p99 = latencies
        .get(((latencies.len() as f64) * 0.99) as usize)
        .or(latencies.last())
        .copied()
        .unwrap_or(f64::NAN);
    Measured {
        healthz_p99_ms: p99,
        healthz_max_ms: latencies.last().copied().unwrap_or(f64::NAN),
        rss_before_mib: rss_before as f64 / 1024.0,
        rss_peak_mib: peak as f64 / 1024.0,
        rss_after_mib: rss_after as f64 / 1024.0,
        seconds,
        result,
    }
}

fn report(attack: &str, m: &Measured) {
    println!(
        "| {attack} | {:.1} | {:.1} | {:.0} | {:+.0} | {:+.0} | {:.1} | {} |",
        m.healthz_p99_ms,
        m.healthz_max_ms,
        m.rss_peak_mib,
        m.rss_peak_mib - m.rss_before_mib,
        m.rss_after_mib - m.rss_before_mib,
        m.seconds,
        m.result
    );
}

/// `clients` concurrent callers, each running `call(client, attempt)` until `duration` ends.
async fn flood<F, Fut>(clients: usize, duration: Duration, call: F) -> Vec<String>
where
    F: Fn(usize, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = String> + Send,
{
    let call = Arc::new(call);
    let until = Instant::now() + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut codes = Vec::new();
                let mut attempt = 0;
                while Instant::now() < until {
                    codes.push(call(client, attempt).await);
                    attempt += 1;
                }
                codes
            })
        })
        .collect();
    let mut codes = Vec::new();
    for task in tasks {
        codes.extend(task.await.unwrap());
    }
    codes
}

/// Refusal times of `document` sent by `clients` at once, `rounds` times each.
async fn refusals(server: &Arc<Server>, clients: usize, rounds: usize, document: String) -> String {
    let document = Arc::new(document);
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let server = server.clone();
            let document = document.clone();
            tokio::spawn(async move {
                let mut answers = Vec::new();
                for _ in 0..rounds {
                    let asked = Instant::now();
                    let answer = server
                        .gql(&client_address(50_000 + client), &document, json!({}))
                        .await;
                    answers.push((asked.elapsed().as_secs_f64() * 1000.0, code(&answer)));
                }
                answers
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut codes = Vec::new();
    for task in tasks {
        for (ms, code) in task.await.unwrap() {
            times.push(ms);
            codes.push(code);
        }
    }
    times.sort_by(f64::total_cmp);
    format!(
        "{} bytes; {}; refused in p50 {:.1} ms, max {:.1} ms",
        document.len(),
        tally(codes),
        times[times.len() / 2],
        times[times.len() - 1]
    )
}

async fn websocket(
    server: &Server,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("ws://{}/graphql", server.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    tokio_tungstenite::connect_async(request).await.unwrap().0
}

#[tokio::main]
async fn main() {
    let path = std::env::temp_dir().join(format!("musrenbang_abuse_{}.db", std::process::id()));
    let server = Arc::new(Server::start(&format!("sqlite://{}", path.display())).await);
    println!("| attack | /healthz p99 ms | /healthz max ms | peak RSS MiB | RSS growth MiB | RSS 3 s after, vs before, MiB | s | what the server answered |");
    println!("|---|---|---|---|---|---|---|---|");

    let idle = measure(&server, async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        "no attack (the reference)".to_owned()
    })
    .await;
    report("none", &idle);

    let flooded = measure(&server, {
        let server = server.clone();
        async move {
            let codes = flood(200, Duration::from_secs(6), move |client, attempt| {
                let server = server.clone();
                async move {
                    code(
                        &server
                            .gql(
                                &client_address(client),
                                LOGIN,
                                json!({ "id": format!("nobody{client}.{attempt}@example.org"),
                                    "password": "not the password at all" }),
                            )
                            .await,
                    )
                }
            })
            .await;
            tally(codes)
        }
    })
    .await;
    report(
        "200 clients (200 addresses) sign in as unknown emails, 6 s",
        &flooded,
    );

    let long_identifiers = measure(&server, {
        let server = server.clone();
        async move {
            let identifier = "a".repeat(1 << 20);
            let tasks: Vec<_> = (0..100)
                .map(|i| {
                    let server = server.clone();
                    let identifier = identifier.clone();
                    tokio::spawn(async move {
                        code(
                            &server
                                .gql(
                                    &client_address(1_000 + i),
                                    LOGIN,
                                    json!({ "id": identifier, "password": "x" }),
                                )
                                .await,
                        )
                    })
                })
                .collect();
            let mut codes = Vec::new();
            for task in tasks {
                codes.push(task.await.unwrap());
            }
            tally(codes)
        }
    })
    .await;
    report("100 sign-ins with 1 MB identifiers", &long_identifiers);

    let guessed = measure(&server, {
        let server = server.clone();
        async move {
            let tasks: Vec<_> = (0..40)
                .map(|i| {
                    let server = server.clone();
                    tokio::spawn(async move {
                        code(
                            &server
                                .gql(
                                    &client_address(2_000 + i),
                                    LOGIN,
                                    json!({ "id": "warga01@musrenbang.test", "password": format!("guess number {i}") }),
                                )
                                .await,
                        )
                    })
                })
                .collect();
            let mut codes = Vec::new();
            for task in tasks {
                codes.push(task.await.unwrap());
            }
            let owner = server
                .gql(
                    "192.168.1.20",
                    LOGIN,
                    json!({ "id": "warga01@musrenbang.test", "password": musrenbang::demo::DEMO_PASSWORD }),
                )
                .await;
            format!("{}; then the owner signs in: {}", tally(codes), code(&owner))
        }
    })
    .await;
    report(
        "40 wrong passwords at once for one account (40 addresses)",
        &guessed,
    );

    let mut bomb = String::from("query { ...F0 }");
    for i in 0..24 {
        bomb.push_str(&format!(
            " fragment F{i} on Query {{ ...F{} ...F{} }}",
            i + 1,
            i + 1
        ));
    }
    bomb.push_str(" fragment F24 on Query { regions { totalCount } }");
    let bombed = measure(&server, refusals(&server, 3, 50, bomb)).await;
    report(
        "fragment bomb (24 fragments each spreading the next twice), 3 at once",
        &bombed,
    );

    let aliases: String = (0..1_600)
        .map(|i| format!(" r{i}: votingRound(id: 1) {{ outcome {{ ballots }} }}"))
        .collect();
    let aliased = measure(
        &server,
        refusals(&server, 3, 20, format!("query {{{aliases} }}")),
    )
    .await;
    report("`votingRound { outcome }` aliased 1,600 times", &aliased);

    let cursor = measure(&server, {
        let server = server.clone();
        async move {
            let answer = server
                .gql(
                    "10.9.9.9",
                    "query($after: String) { regions(first: 5, after: $after) { totalCount } }",
                    json!({ "after": "offset:9223372036854775807" }),
                )
                .await;
            code(&answer)
        }
    })
    .await;
    report("`after: \"offset:9223372036854775807\"`", &cursor);

    let subscriptions = measure(&server, async {
        let mut socket = websocket(&server).await;
        socket
            .send(Message::text(
                json!({ "type": "connection_init", "payload": {} }).to_string(),
            ))
            .await
            .unwrap();
        let _ack = socket.next().await;
        for i in 0..1_000 {
            let subscribe = json!({ "id": format!("s{i}"), "type": "subscribe", "payload": {
                "query": "subscription { forumActivity(forumId: 1, since: 0) { sequence } }" } });
            if socket
                .send(Message::text(subscribe.to_string()))
                .await
                .is_err()
            {
                break;
            }
        }
        let mut refused = 0;
        let mut events = 0;
        let deadline = tokio::time::sleep(Duration::from_secs(3));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                message = socket.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        let value: Value = serde_json::from_str(&text).unwrap_or_default();
                        match value["type"].as_str() {
                            Some("error") => refused += 1,
                            Some("next") => events += 1,
                            _ => {}
                        }
                    }
                    Some(Ok(_)) => {}
                    _ => break,
                }
            }
        }
        format!(
            "{} running, {refused} refused; {events} replayed events",
            1_000 - refused
        )
    })
    .await;
    report(
        "1,000 `since: 0` subscriptions on one WebSocket",
        &subscriptions,
    );

    let pinged = measure(&server, async {
        let mut socket = websocket(&server).await;
        let opened = Instant::now();
        let _ = socket
            .send(Message::text(json!({ "type": "ping" }).to_string()))
            .await;
        let mut closed = None;
        while opened.elapsed() < Duration::from_secs(20) {
            match tokio::time::timeout(Duration::from_secs(1), socket.next()).await {
                Ok(Some(Ok(Message::Close(frame)))) => {
                    closed = Some(frame.map(|f| u16::from(f.code)).unwrap_or(0));
                    break;
                }
                Ok(None) | Ok(Some(Err(_))) => {
                    closed = Some(0);
                    break;
                }
                _ => {
                    let _ = socket
                        .send(Message::text(json!({ "type": "ping" }).to_string()))
                        .await;
                }
            }
        }
        match closed {
            Some(code) => format!(
                "closed ({code}) after {:.1} s",
                opened.elapsed().as_secs_f64()
            ),
            None => "still open after 20 s".into(),
        }
    })
    .await;
    report("pings instead of `connection_init`", &pinged);

    let registered = measure(&server, {
        let server = server.clone();
        async move {
            let tasks: Vec<_> = (0..200)
                .map(|i| {
                    let server = server.clone();
                    tokio::spawn(async move {
                        code(&server
                            .gql(
                                "10.7.7.7",
                                "mutation($input: RegisterInput!) { register(input: $input) { token } }",
                                json!({ "input": { "name": format!("Warga Burst {i}"),
                                    "email": format!("burst{i}@example.org"),
                                    "password": "kopi tubruk di pasar besar" } }),
                            )
                            .await)
                    })
                })
                .collect();
            let mut codes = Vec::new();
            for task in tasks {
                codes.push(task.await.unwrap());
            }
            tally(codes)
        }
    })
    .await;
    report("200 registrations at once from one address", &registered);

    // Issue 18: memory after a rush of password hashing (real accounts, no rate refusing any).
    let rush = measure(&server, {
        let server = server.clone();
        async move {
            let register = (0..200).map(|i| {
                let server = server.clone();
                tokio::spawn(async move {
                    code(&server
                        .gql(
                            &client_address(20_000 + i),
                            "mutation($input: RegisterInput!) { register(input: $input) { token } }",
                            json!({ "input": { "name": format!("Warga Ramai {i}"),
                                "email": format!("ramai{i}@example.org"),
                                "password": "kopi tubruk di pasar besar" } }),
                        )
                        .await)
                })
            });
            let mut codes = Vec::new();
            for task in register.collect::<Vec<_>>() {
                codes.push(task.await.unwrap());
            }
            let sign_in = (0..400).map(|n| {
                let server = server.clone();
                tokio::spawn(async move {
                    code(&server
                        .gql(
                            &client_address(30_000 + n),
                            LOGIN,
                            json!({ "id": format!("ramai{}@example.org", n % 200),
                                "password": "kopi tubruk di pasar besar" }),
                        )
                        .await)
                })
            });
            for task in sign_in.collect::<Vec<_>>() {
                codes.push(task.await.unwrap());
            }
            tally(codes)
        }
    })
    .await;
    report(
        "200 registrations (200 addresses), then 400 sign-ins of them at once",
        &rush,
    );

    drop(server);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
