//! Every mutation runs in one transaction: a failed one leaves every table exactly as it was,
//! read through a second, independent connection to the same database.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use musrenbang::{db::Db, domain::regions::import_csv, error::AppError};
use serde_json::json;

async fn failed_mutations_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let warga = register(
        &app,
        "Sri Wahyuni",
        json!({ "phone": "081234567890", "homeRegionId": w.kelurahan }),
    )
    .await;
    let fasilitator = w
        .moderator(&app, "Fasilitator Oro-oro Dowo", w.forum_kelurahan)
        .await;
    let draft = w.draft(&app, &warga, json!({})).await;
    let submitted = w.submitted(&app, &warga, json!({})).await;

    let observer = Db::connect(&app.url).await.expect("a second connection");
    let before = snapshot(&observer).await;
    assert!(before["proposals"].len() == 2 && !before["audit_log"].is_empty());

    // Invalid input.
    let response = app
        .gql(
            CREATE_PROPOSAL,
            json!({ "input": w.proposal_input(json!({ "title": "Abc" })) }),
            warga.token(),
        )
        .await;
    assert_field(&response, "title");
    // Forbidden.
    let response = app
        .gql(
            "mutation { createSector(input: { code: \"9\", name: \"Lainnya\" }) { id } }",
            json!({}),
            warga.token(),
        )
        .await;
    assert_code(&response, "FORBIDDEN");
    assert_code(
        &transition(&app, warga.token(), submitted, "VERIFIED", None).await,
        "FORBIDDEN",
    );
    // A rule forbids it now.
    assert_code(
        &transition(&app, fasilitator.token(), draft, "VERIFIED", None).await,
        "FAILED_PRECONDITION",
    );
    // Refused inside the transaction, after its reads: a duplicate region code, a phone number
    // that is taken (after the password was hashed), a moderator appointed twice.
    let response = app
        .gql(
            CREATE_REGION,
            json!({ "input": { "code": "35.73.05.1005", "name": "Oro-oro Dowo (ganda)", "level": "DESA_KELURAHAN", "parentId": w.kecamatan } }),
            w.admin_token(),
        )
        .await;
    assert_field_code(&response, "code", "unique");
    let response = app
        .gql(REGISTER, json!({ "input": { "name": "Sri Ganda", "phone": "+62 812-3456-7890", "password": PASSWORD } }), None)
        .await;
    assert_field_code(&response, "phone", "unique");
    let response = app
        .gql(
            GRANT_ROLE,
            json!({ "input": { "accountId": fasilitator.id, "role": "MODERATOR", "forumId": w.forum_kelurahan } }),
            w.admin_token(),
        )
        .await;
    assert_code(&response, "CONFLICT");
    // Refused by the database itself: the INSERT breaks a unique index.
    let response = app
        .gql("mutation { createAgency(input: { code: \"1.03.01\", name: \"Dinas PU kembar\" }) { id } }", json!({}), w.admin_token())
        .await;
    assert_code(&response, "CONFLICT");
    // Refused after writing: an import whose provinsi and kota rows are inserted before a
    // kelurahan row turns out to have no parent.
    let csv =
        "code,name\n36,Banten\n36.71,Kota Tangerang\n36.71.01.1001,Kelurahan Tanpa Kecamatan\n";
    let error = import_csv(&app.db, csv.as_bytes())
        .await
        .expect_err("a broken file");
    assert!(
        matches!(&error, AppError::BadUserInput { fields, .. } if fields[0].message.starts_with("line 4:")),
        "{error:?}"
    );

    let after = snapshot(&observer).await;
    assert_eq!(
        after["audit_log"].len(),
        before["audit_log"].len(),
        "no audit entry for a failed action"
    );
    for (table, rows) in &before {
        assert_eq!(&after[table], rows, "table {table} changed");
    }
    assert_eq!(after, before);

    // The observer does see a successful mutation, with its audit entry.
    let response = app
        .gql(
            "mutation { createSector(input: { code: \"9\", name: \"Lainnya\" }) { id } }",
            json!({}),
            w.admin_token(),
        )
        .await;
    ok(&response);
    let after = snapshot(&observer).await;
    assert_eq!(after["sectors"].len(), before["sectors"].len() + 1);
    assert_eq!(after["audit_log"].len(), before["audit_log"].len() + 1);
    assert_eq!(
        after["audit_log"].last().unwrap()["action"],
        "sector.create"
    );
}

backend_tests!(failed_mutations_change_nothing);
