//! The direction of imports (docs/architecture.md): server → graphql → state → domain and
//! export → db → events → entity and error; ranking is pure. A module that reaches upwards
//! fails here, with the file and the module it named.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect

use std::{collections::BTreeSet, fs, path::Path};

/// The crate's top-level modules a file names (`crate::domain::…`, `use crate::{db, events}`),
/// comments left out.
fn crate_modules_named(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut named = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut start = 0;
            for (index, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => {
                        named.insert(first_ident(&group[start..index]));
                        start = index + 1;
                    }
                    _ => {}
                }
                if depth == 0 {
                    named.insert(first_ident(&group[start..index]));
                    break;
                }
            }
        } else {
            named.insert(first_ident(rest));
        }
    }
    named.remove("");
    named
}

fn first_ident(text: &str) -> String {
    text.trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn rust_files(path: &Path) -> Vec<std::path::PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(path).unwrap() {
        files.extend(rust_files(&entry.unwrap().path()));
    }
    files.retain(|f| f.extension().is_some_and(|e| e == "rs"));
    files
}

/// Every file under `path` names only crate modules from `allowed` (and its own).
fn check(path: &str, own: &str, allowed: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for file in rust_files(&root.join(path)) {
        let source = fs::read_to_string(&file).unwrap();
        for module in crate_modules_named(&source) {
            if module != own && !allowed.contains(&module.as_str()) {
                problems.push(format!(
                    "{} names crate::{module} (allowed: {allowed:?})",
                    file.strip_prefix(&root).unwrap().display()
                ));
            }
        }
    }
    problems
}

#[test]
fn imports_point_one_way() {
    let below_domain = ["error", "events", "db", "files", "auth"];
    let mut problems = Vec::new();
    problems.extend(check("error.rs", "error", &[]));
    problems.extend(check("events", "events", &["error"]));
    problems.extend(check("db.rs", "db", &["error", "events", "files"]));
    problems.extend(check("files.rs", "files", &["error"]));
    problems.extend(check("auth.rs", "auth", &["error"]));
    problems.extend(check("ranking", "ranking", &[]));
    problems.extend(check(
        "domain",
        "domain",
        &[&below_domain[..], &["config", "ranking", "pabulib", "mail"]].concat(),
    ));
    problems.extend(check(
        "export",
        "export",
        &[
            &below_domain[..],
            &["domain", "config", "ranking", "pabulib"],
        ]
        .concat(),
    ));
    problems.extend(check(
        "state.rs",
        "state",
        &[&below_domain[..], &["domain", "config", "mail"]].concat(),
    ));
    problems.extend(check(
        "graphql",
        "graphql",
        &[
            &below_domain[..],
            &["domain", "state", "config", "export", "ranking", "mail"],
        ]
        .concat(),
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_sees_grouped_and_inline_paths() {
    let named = crate_modules_named(
        "use crate::{\n    db::Db,\n    domain::{access, voting::live::X},\n    error::AppError,\n};\n\
         // crate::server is only mentioned\nfn f() { crate::graphql::sdl(); }",
    );
    let expected: BTreeSet<String> = ["db", "domain", "error", "graphql"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(named, expected);
}

#[test]
fn ranking_does_no_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ranking");
    for file in rust_files(&root) {
        let source = fs::read_to_string(&file).unwrap();
        for io in ["sea_orm", "tokio", "std::fs", "std::net", "reqwest"] {
            assert!(
                !source.contains(io),
                "{} uses {io}: the ranking rules are pure",
                file.display()
            );
        }
    }
}

/// Events are published with their typed data (`domain::live_events`), so a kind and its data
/// cannot disagree and the web app's generated types describe every event.
#[test]
fn events_are_published_only_with_typed_data() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let typed = root.join("domain/live_events.rs");
    let mut untyped = Vec::new();
    for file in rust_files(&root) {
        if file.starts_with(root.join("events")) || file == typed {
            continue;
        }
        let source = fs::read_to_string(&file).unwrap();
        for call in ["events::publish(", "events::redact("] {
            let typed_calls = source.matches(&format!("live_{call}")).count();
            if source.matches(call).count() > typed_calls {
                untyped.push(format!("{} calls {call}", file.display()));
            }
        }
    }
    assert!(untyped.is_empty(), "{}", untyped.join("\n"));
}
