//! Loading official region codes from CSV (`musrenbang import-regions`): parents and levels
//! follow from the codes, rows may come in any order, a second run renames, and a broken file
//! imports nothing and names its line.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use musrenbang::{
    domain::regions::{import_csv, ImportReport},
    error::AppError,
};
use serde_json::{json, Value};

const REGIONS: &str = "query($code: String!) { regions(search: $code, first: 100) { totalCount edges { node { id code name level parentId } } } }";

/// Every region, by code.
async fn tree(app: &TestApp) -> Vec<(String, String, String, Option<String>)> {
    let response = app
        .gql(
            "{ regions(first: 100) { totalCount edges { node { id code name level parentId } } } }",
            json!({}),
            None,
        )
        .await;
    let nodes: Vec<Value> = ok(&response)["regions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    let code_of = |parent: &Value| {
        nodes
            .iter()
            .find(|n| n["id"] == *parent)
            .map(|n| n["code"].as_str().unwrap().to_owned())
    };
    nodes
        .iter()
        .map(|n| {
            (
                n["code"].as_str().unwrap().to_owned(),
                n["name"].as_str().unwrap().to_owned(),
                n["level"].as_str().unwrap().to_owned(),
                code_of(&n["parentId"]),
            )
        })
        .collect()
}

fn row(
    code: &str,
    name: &str,
    level: &str,
    parent: Option<&str>,
) -> (String, String, String, Option<String>) {
    (
        code.into(),
        name.into(),
        level.into(),
        parent.map(Into::into),
    )
}

fn report(created: usize, renamed: usize, unchanged: usize) -> ImportReport {
    ImportReport {
        created,
        renamed,
        unchanged,
    }
}

/// The line-numbered messages of a refused import.
#[track_caller]
fn problems(result: Result<ImportReport, AppError>) -> Vec<String> {
    match result {
        Err(AppError::BadUserInput { fields, .. }) => {
            assert!(fields.iter().all(|f| f.field == "file"), "{fields:?}");
            fields.into_iter().map(|f| f.message).collect()
        }
        other => panic!("expected BAD_USER_INPUT, got {other:?}"),
    }
}

async fn import_builds_the_tree(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Saved from Excel: a byte-order mark, CRLF line ends, children before their parents.
    let file = "\u{feff}code,name\r\n\
        35.77.01.1001,Kelurahan Satu\r\n\
        35.77.01,Kecamatan Satu\r\n\
        35.77,Kota Contoh\r\n\
        35.77.02, Kecamatan Dua \r\n\
        35,Jawa Timur\r\n\
        35.77.01.1002,Kelurahan Dua\r\n";
    assert_eq!(
        import_csv(&app.db, file.as_bytes()).await.expect("imports"),
        report(6, 0, 0)
    );
    let mut expected = vec![
        row("35", "Jawa Timur", "PROVINSI", None),
        row("35.77", "Kota Contoh", "KABUPATEN_KOTA", Some("35")),
        row("35.77.01", "Kecamatan Satu", "KECAMATAN", Some("35.77")),
        row(
            "35.77.01.1001",
            "Kelurahan Satu",
            "DESA_KELURAHAN",
            Some("35.77.01"),
        ),
        row(
            "35.77.01.1002",
            "Kelurahan Dua",
            "DESA_KELURAHAN",
            Some("35.77.01"),
        ),
        row("35.77.02", "Kecamatan Dua", "KECAMATAN", Some("35.77")),
    ];
    assert_eq!(tree(&app).await, expected);
    // The subtree of the kecamatan is found through the stored paths.
    let kecamatan = tree_id(&app, "35.77.01").await;
    let response = app
        .gql(
            "query($id: Int!) { regions(within: $id) { totalCount } }",
            json!({ "id": kecamatan }),
            None,
        )
        .await;
    assert_eq!(ok(&response)["regions"]["totalCount"], 3);

    // A second run: one renamed, one new with explicit level and parent columns, the rest
    // unchanged.
    let file = "level,code,name,parent_code\n\
        kecamatan,35.77.02,Kecamatan Dua Baru,\n\
        ,35.77.01.1001,Kelurahan Satu,\n\
        rw,35.77.01.1001.0001,RW 01,35.77.01.1001\n\
        ,35,Jawa Timur,\n";
    assert_eq!(
        import_csv(&app.db, file.as_bytes()).await.expect("imports"),
        report(1, 1, 2)
    );
    expected[5].1 = "Kecamatan Dua Baru".into();
    expected.insert(
        4,
        row("35.77.01.1001.0001", "RW 01", "RW", Some("35.77.01.1001")),
    );
    assert_eq!(tree(&app).await, expected);

    // Each import is one audit entry.
    let imports: Vec<Value> = app.snapshot().await["audit_log"]
        .iter()
        .filter(|e| e["action"] == "region.import")
        .cloned()
        .collect();
    assert_eq!(imports.len(), 2);
}

async fn tree_id(app: &TestApp, code: &str) -> i32 {
    let response = app.gql(REGIONS, json!({ "code": "" }), None).await;
    let edges = ok(&response)["regions"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    id(&edges.iter().find(|e| e["node"]["code"] == code).unwrap()["node"]["id"])
}

async fn a_broken_file_imports_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    import_csv(
        &app.db,
        "code,name\n35,Jawa Timur\n35.77,Kota Contoh\n".as_bytes(),
    )
    .await
    .expect("imports");
    let before = app.snapshot().await;

    // A parent neither in the file nor in the database: valid rows were written before it.
    let file = "code,name\n35.78,Kota Lain\n35.78.01,Kecamatan Lain\n35.79.01.1001,Kelurahan Tanpa Induk\n";
    assert_eq!(
        problems(import_csv(&app.db, file.as_bytes()).await),
        vec!["line 4: parent 35.79.01 of 35.79.01.1001 is neither in the file nor in the database"]
    );
    // A level that does not fit under its parent.
    let file = "code,name,level\n35.77.03,Kecamatan Tiga,kecamatan\n35.77.03.1001,Salah Tingkat,kecamatan\n";
    let found = problems(import_csv(&app.db, file.as_bytes()).await);
    assert!(
        found.len() == 1 && found[0].starts_with("line 3: "),
        "{found:?}"
    );
    // Empty cells, all reported at once.
    let file = "code,name\n35.77.04,Kecamatan Empat\n,Tanpa Kode\n35.77.05,\n";
    assert_eq!(
        problems(import_csv(&app.db, file.as_bytes()).await),
        vec![
            "line 3: the code is empty",
            "line 4: the name of 35.77.05 is empty"
        ]
    );
    // An unknown level, a code too deep to tell its level, no usable header.
    let found = problems(
        import_csv(
            &app.db,
            "code,name,level\n35.77.06,Kecamatan Enam,distrik\n".as_bytes(),
        )
        .await,
    );
    assert!(found[0].starts_with("line 2: "), "{found:?}");
    let found = problems(
        import_csv(
            &app.db,
            "code,name\n35.77.06.1001.01.001.9,Terlalu Dalam\n".as_bytes(),
        )
        .await,
    );
    assert!(found[0].starts_with("line 2: "), "{found:?}");
    let found =
        problems(import_csv(&app.db, "kode,nama\n35.77.06,Kecamatan Enam\n".as_bytes()).await);
    assert!(found[0].starts_with("line 1: "), "{found:?}");

    assert_eq!(
        app.snapshot().await,
        before,
        "nothing was imported, nothing audited"
    );
}

backend_tests!(import_builds_the_tree, a_broken_file_imports_nothing);
