//! `pb tally` speed on the largest real elections: parse, then every rule that applies, each
//! timed as the median of several runs. `cargo bench --bench pb_tally` prints a Markdown table
//! to compare with the reference times in ../shared/pabulib/README.md.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
use std::time::{Duration, Instant};

use musrenbang::{pabulib, ranking};

const FILES: [&str; 3] = [
    "Poland_Lodz_2022",
    "Poland_Krakow_2024",
    "Poland_Wroclaw_2017",
];
const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/pabulib/files");
    println!("| file | voters × projects | parse (+ instance) | rule | rule time | selected |");
    println!("|---|---|---|---|---|---|");
    for stem in FILES {
        let path = std::path::PathBuf::from(format!("{dir}/{stem}.pb"));
        // "Parse" covers reading the file and building the rules' input from it.
        let mut parse_times = Vec::new();
        let mut parsed = None;
        for _ in 0..RUNS {
            let started = Instant::now();
            let election = pabulib::read_file(&path).expect("the file parses");
            let instance = election.to_instance();
            parse_times.push(started.elapsed());
            parsed = Some((election, instance));
        }
        let (election, instance) = parsed.expect("parsed");
        let parse = median(parse_times);
        for rule in ranking::Rule::ALL
            .into_iter()
            .filter(|r| r.accepts(instance.kind))
        {
            let mut times = Vec::new();
            let mut selected = 0;
            for _ in 0..RUNS {
                let started = Instant::now();
                let outcome = ranking::select(&instance, rule).expect("the rule applies");
                times.push(started.elapsed());
                selected = outcome.main_list.len();
            }
            println!(
                "| {stem} | {} × {} | {} | {rule} | {} | {selected} |",
                election.votes.len(),
                election.projects.len(),
                ms(parse),
                ms(median(times))
            );
        }
    }
}
