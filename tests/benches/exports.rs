//! Exporting a whole cycle: 100 closed kelurahan forums with 1,000 proposals each on their fixed
//! priority lists (100,000 rows), from an SQLite file, to CSV and to XLSX. Each export runs in a
//! child process of this binary, so its peak memory (VmHWM) is its own and not the seeding's.
//! `cargo bench --bench exports` prints a Markdown table.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
use std::{process::Command, time::Instant};

use chrono::Utc;
use entity::{account, cycle, enums::*, forum, priority_entry, proposal};
use musrenbang::{db::Db, domain, export};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

const FORUMS: usize = 100;
const PROPOSALS_PER_FORUM: usize = 1_000;
/// Rows per INSERT: SQLite allows 32,766 bound values, a proposal row has about 30.
const CHUNK: usize = 500;
const CHILD_VAR: &str = "MUSRENBANG_BENCH_EXPORT";
/// Set to keep the seeded database (and print its URL) after the run.
const KEEP_VAR: &str = "MUSRENBANG_BENCH_KEEP";

#[tokio::main]
async fn main() {
    if let Ok(spec) = std::env::var(CHILD_VAR) {
        return child(&spec).await;
    }
    let path = std::env::temp_dir().join(format!("musrenbang_export_{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let started = Instant::now();
    let cycle_id = seed(&url).await;
    eprintln!(
        "seeded {} proposals in {:.1} s",
        FORUMS * PROPOSALS_PER_FORUM,
        started.elapsed().as_secs_f64()
    );
    println!("| format | rows | forums | wall time | peak RSS (VmHWM) | file size |");
    println!("|---|---|---|---|---|---|");
    for format in ["csv", "xlsx"] {
        let out =
            std::env::temp_dir().join(format!("musrenbang_export_{}.{format}", std::process::id()));
        let output = Command::new(std::env::current_exe().expect("own path"))
            .env(
                CHILD_VAR,
                format!("{url}|{cycle_id}|{format}|{}", out.display()),
            )
            .output()
            .expect("the child runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        println!(
            "| {format} | {} | {FORUMS} | {} | {:.1} MB |",
            FORUMS * PROPOSALS_PER_FORUM,
            String::from_utf8_lossy(&output.stdout).trim(),
            size as f64 / 1e6
        );
        let _ = std::fs::remove_file(out);
    }
    if std::env::var_os(KEEP_VAR).is_some() {
        // For profiling one export: MUSRENBANG_BENCH_EXPORT='URL|CYCLE|csv|OUT' perf record …
        eprintln!("kept {url} (cycle {cycle_id})");
        return;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// One export; prints "wall time | peak RSS".
async fn child(spec: &str) {
    let parts: Vec<&str> = spec.split('|').collect();
    let (url, cycle_id, format, out) = (parts[0], parts[1], parts[2], parts[3]);
    let db = Db::connect(url).await.expect("the database opens");
    let started = Instant::now();
    let scope = export::Scope::Cycle {
        cycle_id: cycle_id.parse().unwrap(),
        level: None,
        region_id: None,
    };
    let prepared = export::prepare(&db, None, true, format.parse().unwrap(), scope)
        .await
        .map_err(|e| e.message())
        .unwrap();
    let mut file = tokio::fs::File::create(out).await.unwrap();
    export::write(&db, &prepared, &mut file)
        .await
        .map_err(|e| e.message())
        .unwrap();
    let elapsed = started.elapsed();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().to_owned())
        .unwrap_or_else(|| "?".into());
    let peak_mb = peak
        .trim_end_matches(" kB")
        .parse::<f64>()
        .map(|kb| format!("{:.0} MB", kb / 1024.0))
        .unwrap_or(peak);
    println!("{:.2} s | {peak_mb}", elapsed.as_secs_f64());
}

async fn seed(url: &str) -> i32 {
    let db = Db::connect(url).await.expect("the database opens");
    db.migrate().await.expect("migrations apply");
    let conn = db.writer();
    let now = Utc::now();
    let city = domain::regions::insert(
        conn,
        "35.73",
        "Kota Malang",
        RegionLevel::KabupatenKota,
        None,
    )
    .await
    .expect("city");
    let kecamatan = domain::regions::insert(
        conn,
        "35.73.05",
        "Klojen",
        RegionLevel::Kecamatan,
        Some(&city),
    )
    .await
    .expect("kecamatan");
    let plan = cycle::ActiveModel {
        plan_year: Set(2027),
        name: Set("Musrenbang RKPD Kota Malang 2027".into()),
        region_id: Set(city.id),
        status: Set(CycleStatus::Active),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .expect("cycle");
    let proposer = account::ActiveModel {
        name: Set("Pengusul".into()),
        email: Set(Some("pengusul@bench.test".into())),
        password_hash: Set("-".into()),
        home_region_id: Set(Some(city.id)),
        verification: Set(VerificationStatus::Verified),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .expect("account");
    let mut code = 0;
    for f in 0..FORUMS {
        let village = domain::regions::insert(
            conn,
            &format!("35.73.05.{:04}", 1001 + f),
            &format!("Kelurahan Uji {f:03}"),
            RegionLevel::DesaKelurahan,
            Some(&kecamatan),
        )
        .await
        .expect("kelurahan");
        let closed = forum::ActiveModel {
            cycle_id: Set(plan.id),
            level: Set(ForumLevel::DesaKelurahan),
            region_id: Set(village.id),
            name: Set(format!("Musrenbang Kelurahan Uji {f:03}")),
            status: Set(ForumStatus::Closed),
            budget_ceiling: Set(Some(650_000_000)),
            selection_limit: Set(SelectionLimit::Budget),
            tolerance_percent: Set(0),
            created_at: Set(now),
            closed_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(conn)
        .await
        .expect("forum");
        let txn = db.begin().await.expect("a transaction");
        let mut ids = Vec::with_capacity(PROPOSALS_PER_FORUM);
        for chunk in (0..PROPOSALS_PER_FORUM).collect::<Vec<_>>().chunks(CHUNK) {
            let rows: Vec<proposal::ActiveModel> = chunk
                .iter()
                .map(|i| {
                    code += 1;
                    proposal::ActiveModel {
                        code: Set(format!("USL-2027-{code:06}")),
                        cycle_id: Set(plan.id),
                        forum_id: Set(closed.id),
                        level: Set(ForumLevel::DesaKelurahan),
                        status: Set(if *i < 40 {
                            ProposalStatus::Forwarded
                        } else {
                            ProposalStatus::NotAccepted
                        }),
                        title: Set(format!(
                            "Perbaikan saluran drainase lingkungan RT {i:03}, tahap \"{}\"",
                            i % 3 + 1
                        )),
                        problem: Set(
                            "Saluran tersumbat sehingga jalan tergenang setiap hujan deras.".into(),
                        ),
                        solution: Set("Normalisasi dan pembangunan ulang saluran.".into()),
                        physical: Set(true),
                        region_id: Set(village.id),
                        address: Set(format!("Jl. Kawi No. {i}")),
                        volume: Set(120.0),
                        unit: Set("meter".into()),
                        estimated_cost: Set(15_000_000 + *i as i64 * 1_000),
                        beneficiaries: Set(450),
                        proposer_type: Set(ProposerType::Resident),
                        proposer_id: Set(proposer.id),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    }
                })
                .collect();
            let first = proposal::Entity::insert_many(rows)
                .exec(&txn)
                .await
                .expect("proposals")
                .last_insert_id;
            // SQLite hands out consecutive ids within one INSERT; the last one is reported.
            let count = chunk.len() as i32;
            ids.extend((first - count + 1)..=first);
        }
        for (chunk_index, chunk) in ids.chunks(CHUNK).enumerate() {
            let entries: Vec<priority_entry::ActiveModel> = chunk
                .iter()
                .enumerate()
                .map(|(j, proposal_id)| {
                    let rank = (chunk_index * CHUNK + j) as i32 + 1;
                    let main = rank <= 40;
                    priority_entry::ActiveModel {
                        forum_id: Set(closed.id),
                        proposal_id: Set(*proposal_id),
                        round_id: Set(None),
                        rank: Set(rank),
                        list: Set(if main {
                            OutcomeList::Main
                        } else {
                            OutcomeList::Out
                        }),
                        reason: Set(if main {
                            OutcomeReason::Selected
                        } else {
                            OutcomeReason::DidNotFitRemainingBudget
                        }),
                        support: Set(format!("{}", 1_000 - rank)),
                        cost: Set(15_000_000 + rank as i64 * 1_000),
                        outcome: Set(if main {
                            PriorityOutcome::Forwarded
                        } else {
                            PriorityOutcome::NotSelected
                        }),
                        note: Set(if main {
                            "Masuk daftar prioritas".into()
                        } else {
                            "Tidak cukup pagu: sisa Rp 1.250.000 saat gilirannya".into()
                        }),
                        promoted_at: Set(None),
                        created_at: Set(now),
                        ..Default::default()
                    }
                })
                .collect();
            priority_entry::Entity::insert_many(entries)
                .exec(&txn)
                .await
                .expect("priority entries");
        }
        txn.commit().await.expect("commit");
    }
    plan.id
}
