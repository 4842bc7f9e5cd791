//! Proof against the reference: on 44 real Pabulib elections, every rule selects exactly the
//! projects pabutools 1.2.3 selects (`shared/pabulib/expected/<stem>__<rule>.txt`).
//!
//! Run with `cargo test --release`: the largest files hold over 100,000 ballots.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use musrenbang::pabulib;
use musrenbang::ranking::{self, Rule};

fn data_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/pabulib")).to_path_buf()
}

fn election_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(data_dir().join("files"))
        .expect("shared/pabulib/files is readable")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "pb"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("file names are UTF-8")
        .to_string()
}

fn expected_path(stem: &str, rule: Rule) -> PathBuf {
    data_dir()
        .join("expected")
        .join(format!("{stem}__{}.txt", rule.name()))
}

fn read_expected(path: &Path) -> BTreeSet<String> {
    fs::read_to_string(path)
        .expect("expected file is readable")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// Runs `check` on every election, spread over the available cores, and collects the problems
/// it reports (all of them, so that one run shows every mismatch).
fn check_all_files(check: impl Fn(&Path, &str, &mut Vec<String>) + Sync) -> Vec<String> {
    let files = election_files();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let mut found = Vec::new();
                    check(path, &stem(path), &mut found);
                    failures.lock().expect("no worker panics").extend(found);
                }
            });
        }
    });
    let mut failures = failures.into_inner().expect("no worker panics");
    failures.sort();
    failures
}

#[test]
fn every_rule_selects_exactly_the_reference_projects() {
    assert_eq!(election_files().len(), 44, "the data set has 44 elections");
    let expected_files = fs::read_dir(data_dir().join("expected"))
        .expect("shared/pabulib/expected is readable")
        .count();
    let checked = AtomicUsize::new(0);
    let failures = check_all_files(|path, stem, failures| {
        let election = match pabulib::read_file(path) {
            Ok(election) => election,
            Err(e) => {
                failures.push(format!("{stem}: parse error {e}"));
                return;
            }
        };
        let instance = election.to_instance();
        for rule in Rule::ALL {
            let expected_file = expected_path(stem, rule);
            if !expected_file.exists() {
                continue;
            }
            checked.fetch_add(1, Ordering::Relaxed);
            let expected = read_expected(&expected_file);
            let outcome = match ranking::select(&instance, rule) {
                Ok(outcome) => outcome,
                Err(e) => {
                    failures.push(format!("{stem} {rule}: {e}"));
                    continue;
                }
            };
            let got: BTreeSet<String> = outcome
                .selected_ids()
                .into_iter()
                .map(str::to_string)
                .collect();
            if got != expected {
                let missing: Vec<&String> = expected.difference(&got).collect();
                let extra: Vec<&String> = got.difference(&expected).collect();
                failures.push(format!(
                    "{stem} {rule}: missing {missing:?}, unexpected {extra:?}"
                ));
            }
        }
    });
    let checked = checked.into_inner();
    eprintln!("checked {checked} (election, rule) pairs over 44 elections");
    assert!(
        failures.is_empty(),
        "{} of {checked} outcomes differ from the reference:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        checked, expected_files,
        "every expected file belongs to an election and a rule"
    );
}

#[test]
fn writing_and_reparsing_keeps_election_and_outcomes() {
    let failures = check_all_files(|path, stem, failures| {
        let election = pabulib::read_file(path).expect("reference files parse");
        let text = pabulib::write(&election);
        let reparsed = match pabulib::parse(&text) {
            Ok(reparsed) => reparsed,
            Err(e) => {
                failures.push(format!("{stem}: written text does not parse: {e}"));
                return;
            }
        };
        if reparsed != election {
            failures.push(format!("{stem}: reparsed election differs"));
            return;
        }
        let (before, after) = (election.to_instance(), reparsed.to_instance());
        for rule in Rule::ALL {
            if !expected_path(stem, rule).exists() {
                continue;
            }
            if ranking::select(&before, rule) != ranking::select(&after, rule) {
                failures.push(format!("{stem} {rule}: outcome changed after writing"));
            }
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
