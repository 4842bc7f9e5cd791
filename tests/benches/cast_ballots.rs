//! Casting ballots through the API with 64 concurrent clients, on SQLite and PostgreSQL,
//! against the database's own durable single-row insert rate measured in the same run.
//! `cargo bench --bench cast_ballots` (PostgreSQL at MUSRENBANG_TEST_POSTGRES_URL or
//! postgres://postgres@127.0.0.1:5432/test). Prints a Markdown table.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
use std::time::{Duration, Instant};

use chrono::Utc;
use entity::{account, auth_token, cycle, enums::*, forum, proposal, round_proposal, voting_round};
use musrenbang::{auth, db::Db, domain, server};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, Set};

const CLIENTS: usize = 64;
const BALLOTS_PER_CLIENT: usize = 40;
const PROPOSALS: usize = 10;

#[tokio::main]
async fn main() {
    println!("| database | single-row durable inserts/s | ballots/s (64 clients) | ratio | p50 ms | p99 ms | ballots stored / acknowledged |");
    println!("|---|---|---|---|---|---|---|");
    let sqlite_path =
        std::env::temp_dir().join(format!("musrenbang_bench_{}.db", std::process::id()));
    run(
        "SQLite (WAL, synchronous=FULL)",
        &format!("sqlite://{}", sqlite_path.display()),
    )
    .await;
    let _ = std::fs::remove_file(&sqlite_path);
    let admin = std::env::var("MUSRENBANG_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let name = format!("musrenbang_bench_{}", std::process::id());
    let admin_db = Db::connect(&admin).await.expect("PostgreSQL reachable");
    admin_db
        .writer()
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    let url = format!(
        "{}/{name}",
        admin
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&admin)
    );
    run("PostgreSQL 15 (fsync on)", &url).await;
    admin_db
        .writer()
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .ok();
}

async fn single_row_rate(db: &Db) -> f64 {
    let conn = db.writer();
    conn.execute_unprepared(
        "CREATE TABLE bench_rows (id integer PRIMARY KEY, payload text NOT NULL)",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut rows = 0;
    while started.elapsed() < Duration::from_secs(3) {
        conn.execute_unprepared(&format!(
            "INSERT INTO bench_rows (id, payload) VALUES ({rows}, 'durable row')"
        ))
        .await
        .unwrap();
        rows += 1;
    }
    rows as f64 / started.elapsed().as_secs_f64()
}

async fn run(label: &str, url: &str) {
    let db = Db::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let baseline = single_row_rate(&db).await;
    let (round, proposals, tokens) = seed(&db).await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = server::app(musrenbang::state::AppState::new(db.clone()), None);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .unwrap();
    let endpoint = format!("http://{addr}/graphql");

    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let client = client.clone();
        let endpoint = endpoint.clone();
        let mine: Vec<String> = tokens.iter().skip(c).step_by(CLIENTS).cloned().collect();
        let proposals = proposals.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for (i, token) in mine.iter().enumerate() {
                let choices = [proposals[(c + i) % PROPOSALS], proposals[(c + i + 3) % PROPOSALS]];
                let body = serde_json::json!({
                    "query": "mutation($r: Int!, $c: [ChoiceInput!]!) { castBallot(roundId: $r, choices: $c) { receipt } }",
                    "variables": { "r": round, "c": choices.iter().map(|p| serde_json::json!({ "proposalId": p })).collect::<Vec<_>>() },
                });
                let sent = Instant::now();
                let reply: serde_json::Value = client.post(&endpoint).bearer_auth(token).json(&body).send().await.unwrap().json().await.unwrap();
                latencies.push(sent.elapsed());
                assert!(reply["data"]["castBallot"]["receipt"].is_string(), "{reply}");
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let acknowledged = latencies.len();
    let rate = acknowledged as f64 / elapsed.as_secs_f64();
    let percentile = |p: f64| {
        latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64()
            * 1000.0
    };
    let stored = entity::ballot::Entity::find()
        .count(db.reader())
        .await
        .unwrap();
    println!(
        "| {label} | {baseline:.0} | {rate:.0} | {:.1}× | {:.1} | {:.1} | {stored} / {acknowledged} |",
        rate / baseline,
        percentile(0.5),
        percentile(0.99)
    );
    assert_eq!(
        stored as usize, acknowledged,
        "every acknowledged ballot is stored"
    );
}

/// A city, a forum, an open round on verified proposals, and verified voters with tokens.
async fn seed(db: &Db) -> (i32, Vec<i32>, Vec<String>) {
    let txn = db.begin().await.unwrap();
    let city = domain::regions::insert(
        &txn,
        "99.01",
        "Kota Bench",
        RegionLevel::KabupatenKota,
        None,
    )
    .await
    .unwrap();
    let now = Utc::now();
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
        budget_ceiling: Set(Some(1_000_000_000)),
        selection_limit: Set(SelectionLimit::Budget),
        tolerance_percent: Set(0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    let hash = auth::hash_password("bench-password".into()).await.unwrap();
    let proposer = account::ActiveModel {
        name: Set("Pengusul".into()),
        email: Set(Some("pengusul@bench.test".into())),
        password_hash: Set(hash.clone()),
        home_region_id: Set(Some(city.id)),
        verification: Set(VerificationStatus::Verified),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    let round = voting_round::ActiveModel {
        forum_id: Set(forum.id),
        title: Set("Bench round".into()),
        method: Set(BallotMethod::Approval),
        max_choices: Set(Some(3)),
        rule: Set("greedy".into()),
        opens_at: Set(now - chrono::Duration::hours(1)),
        closes_at: Set(now + chrono::Duration::hours(1)),
        live_tally: Set(true),
        created_by: Set(proposer.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    let mut proposals = Vec::new();
    for i in 0..PROPOSALS {
        let p = proposal::ActiveModel {
            code: Set(format!("USL-2027-{i:06}")),
            cycle_id: Set(plan.id),
            forum_id: Set(forum.id),
            level: Set(ForumLevel::KabupatenKota),
            status: Set(ProposalStatus::Verified),
            title: Set(format!("Usulan {i}")),
            problem: Set("Masalah".into()),
            solution: Set("Gagasan".into()),
            physical: Set(true),
            region_id: Set(city.id),
            address: Set("Jl. Bench".into()),
            volume: Set(1.0),
            unit: Set("paket".into()),
            estimated_cost: Set(100_000_000 + i as i64 * 10_000_000),
            beneficiaries: Set(100),
            proposer_type: Set(ProposerType::Resident),
            proposer_id: Set(proposer.id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .unwrap();
        round_proposal::ActiveModel {
            round_id: Set(round.id),
            proposal_id: Set(p.id),
            cost: Set(p.estimated_cost),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .unwrap();
        proposals.push(p.id);
    }
    let mut tokens = Vec::new();
    for i in 0..CLIENTS * BALLOTS_PER_CLIENT {
        let voter = account::ActiveModel {
            name: Set(format!("Warga {i}")),
            email: Set(Some(format!("warga{i}@bench.test"))),
            password_hash: Set(hash.clone()),
            home_region_id: Set(Some(city.id)),
            verification: Set(VerificationStatus::Verified),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .unwrap();
        let token = format!("bench-token-{i}");
        auth_token::ActiveModel {
            account_id: Set(voter.id),
            token_hash: Set(auth::token_hash(&token)),
            created_at: Set(now),
            expires_at: Set(now + chrono::Duration::days(1)),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .unwrap();
        tokens.push(token);
    }
    txn.commit().await.unwrap();
    (round.id, proposals, tokens)
}
