//! Registration, sign-in by email or phone, login throttling and logout.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use common::*;
use serde_json::{json, Value};

const ME: &str = "{ me { id name email phone verification roles { role forumId regionId } } }";

async fn me(app: &TestApp, token: Option<&str>) -> Value {
    ok(&app.gql(ME, json!({}), token).await)["me"].clone()
}

async fn register_raw(app: &TestApp, input: Value) -> Value {
    app.gql(REGISTER, json!({ "input": input }), None).await
}

async fn registration(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(me(&app, None).await, Value::Null, "nobody is signed in");

    // By email: trimmed and lowercased; an unverified resident, signed in at once.
    let response = register_raw(&app, json!({ "name": "  Siti Aminah ", "email": "Siti.Aminah@Example.ID", "password": PASSWORD })).await;
    let payload = &ok(&response)["register"];
    assert_eq!(payload["account"]["name"], "Siti Aminah");
    assert_eq!(payload["account"]["verification"], "UNVERIFIED");
    assert_eq!(
        payload["account"]["email"], "siti.aminah@example.id",
        "the new account sees its own address"
    );
    let siti = payload["token"].as_str().unwrap().to_owned();
    assert_eq!(siti.len(), 64, "a 256-bit hex token");
    let siti_me = me(&app, Some(&siti)).await;
    assert_eq!(siti_me["id"], payload["account"]["id"]);
    assert_eq!(siti_me["email"], "siti.aminah@example.id");
    assert_eq!(
        siti_me["roles"],
        json!([{ "role": "RESIDENT", "forumId": null, "regionId": null }])
    );

    // By phone: Indonesian numbers in any usual spelling are stored as +62….
    let response = register_raw(
        &app,
        json!({ "name": "Budi Santoso", "phone": "0812-3456-7890", "password": PASSWORD }),
    )
    .await;
    let budi = me(&app, ok(&response)["register"]["token"].as_str()).await;
    assert_eq!(budi["phone"], "+6281234567890");
    assert_eq!(
        ok(&response)["register"]["account"]["phone"],
        "+6281234567890"
    );
    assert_eq!(budi["email"], Value::Null);

    // Both, with the phone already in international form.
    let response = register_raw(
        &app,
        json!({ "name": "Dewi Lestari", "email": "dewi@example.id", "phone": "+62 857 1234 5678", "password": PASSWORD }),
    )
    .await;
    let dewi = me(&app, ok(&response)["register"]["token"].as_str()).await;
    assert_eq!(
        (dewi["email"].as_str(), dewi["phone"].as_str()),
        (Some("dewi@example.id"), Some("+6285712345678"))
    );

    // Duplicates, whatever their spelling, name the field that clashes.
    let response = register_raw(
        &app,
        json!({ "name": "Siti Lain", "email": "SITI.AMINAH@example.id", "password": PASSWORD }),
    )
    .await;
    assert_field_code(&response, "email", "unique");
    let response = register_raw(
        &app,
        json!({ "name": "Budi Lain", "phone": "6281234567890", "password": PASSWORD }),
    )
    .await;
    assert_field_code(&response, "phone", "unique");

    // Invalid input.
    let response = register_raw(
        &app,
        json!({ "name": "Tanpa Kontak", "password": PASSWORD }),
    )
    .await;
    assert_field_code(&response, "email", "required");
    let response = register_raw(
        &app,
        json!({ "name": "X", "email": "x@example.id", "password": PASSWORD }),
    )
    .await;
    assert_field_code(&response, "name", "length");
    let response = register_raw(
        &app,
        json!({ "name": "Surel Salah", "email": "bukan-surel", "password": PASSWORD }),
    )
    .await;
    assert_field_code(&response, "email", "email");
    let response = register_raw(
        &app,
        json!({ "name": "Sandi Pendek", "email": "pendek@example.id", "password": "1234567" }),
    )
    .await;
    assert_field_code(&response, "password", "length");
    for phone in ["021-555-1234", "12345", "0812", "0812abcd5678"] {
        let response = register_raw(
            &app,
            json!({ "name": "Nomor Salah", "phone": phone, "password": PASSWORD }),
        )
        .await;
        assert_field_code(&response, "phone", "phone");
    }
    let response = register_raw(
        &app,
        json!({ "name": "Dua Salah", "email": "bukan-surel", "password": "pendek", "phone": "999" }),
    )
    .await;
    for field in ["email", "password", "phone"] {
        assert_field(&response, field);
    }
    let response = register_raw(&app, json!({ "name": "Wilayah Asing", "email": "asing@example.id", "password": PASSWORD, "homeRegionId": 999_999 })).await;
    assert_code(&response, "NOT_FOUND");

    // Exactly the three accounts that succeeded exist, each with one token and one grant.
    let tables = app.snapshot().await;
    assert_eq!(tables["accounts"].len(), 3);
    assert_eq!(tables["auth_tokens"].len(), 3);
    assert_eq!(tables["role_grants"].len(), 3);
    assert!(tables["accounts"].iter().all(|a| a["password_hash"]
        .as_str()
        .is_some_and(|h| h.starts_with("$argon2id$"))));
}

async fn login_by_email_and_phone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let registered = register(
        &app,
        "Rina Wati",
        json!({ "email": "rina@example.id", "phone": "081398765432" }),
    )
    .await;

    for identifier in [
        "rina@example.id",
        "  RINA@Example.id ",
        "081398765432",
        "+6281398765432",
        "62 813-9876-5432",
    ] {
        let response = login(&app, identifier, PASSWORD).await;
        let payload = &ok(&response)["login"];
        assert_eq!(id(&payload["account"]["id"]), registered.id, "{identifier}");
        let token = payload["token"].as_str().unwrap();
        assert_ne!(token, registered.token, "every sign-in gets its own token");
        assert_eq!(id(&me(&app, Some(token)).await["id"]), registered.id);
    }

    for (identifier, password) in [
        ("rina@example.id", "salah-sandi-123"),
        ("081398765432", "salah-sandi-123"),
        ("tidak.ada@example.id", PASSWORD),
        ("bukan identitas", PASSWORD),
    ] {
        assert_code(&login(&app, identifier, password).await, "UNAUTHENTICATED");
    }
    // An unknown bearer token is nobody, not an error; a mutation with it is refused.
    assert_eq!(me(&app, Some("0123456789abcdef")).await, Value::Null);
    let response = app
        .gql(
            "mutation { createSector(input: { code: \"9\", name: \"Lainnya\" }) { id } }",
            json!({}),
            Some("0123456789abcdef"),
        )
        .await;
    assert_code(&response, "UNAUTHENTICATED");
}

async fn login_throttling(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    register(
        &app,
        "Agus Salim",
        json!({ "email": "agus@example.id", "phone": "085212345678" }),
    )
    .await;
    register(&app, "Wati Susanti", json!({ "email": "wati@example.id" })).await;

    // A success clears the count: four failures, a success, then four more are still plain
    // refusals.
    for _ in 0..4 {
        assert_code(
            &login(&app, "agus@example.id", "salah-sandi-123").await,
            "UNAUTHENTICATED",
        );
    }
    ok(&login(&app, "agus@example.id", PASSWORD).await);
    for _ in 0..4 {
        assert_code(
            &login(&app, "agus@example.id", "salah-sandi-123").await,
            "UNAUTHENTICATED",
        );
    }
    // The fifth failure in a row locks the identifier, even against the right password.
    assert_code(
        &login(&app, "AGUS@example.id", "salah-sandi-123").await,
        "UNAUTHENTICATED",
    );
    for password in ["salah-sandi-123", PASSWORD] {
        let response = login(&app, "agus@example.id", password).await;
        assert_code(&response, "RATE_LIMITED");
        let retry = response["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .expect("retryAfterSeconds");
        assert!(
            (800..=900).contains(&retry),
            "about fifteen minutes, got {retry}"
        );
    }
    // Other identifiers are not affected.
    ok(&login(&app, "wati@example.id", PASSWORD).await);

    // Failures against one spelling of a phone number count for every spelling of it.
    for _ in 0..5 {
        assert_code(
            &login(&app, "0852-1234-5678", "salah-sandi-123").await,
            "UNAUTHENTICATED",
        );
    }
    for spelling in [
        "085212345678",
        "+6285212345678",
        "62 852 1234 5678",
        "(0852) 1234-5678",
    ] {
        assert_code(&login(&app, spelling, PASSWORD).await, "RATE_LIMITED");
    }
}

async fn logout_revokes_the_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = register(
        &app,
        "Hendra Gunawan",
        json!({ "email": "hendra@example.id" }),
    )
    .await;
    let second = ok(&login(&app, "hendra@example.id", PASSWORD).await)["login"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let create_sector =
        "mutation { createSector(input: { code: \"9\", name: \"Lainnya\" }) { id } }";

    assert_code(
        &app.gql("mutation { logout { ok } }", json!({}), None).await,
        "UNAUTHENTICATED",
    );
    let response = app
        .gql("mutation { logout { ok } }", json!({}), user.token())
        .await;
    assert_eq!(ok(&response)["logout"]["ok"], true);

    assert_eq!(
        me(&app, user.token()).await,
        Value::Null,
        "the revoked token is nobody"
    );
    assert_code(
        &app.gql(create_sector, json!({}), user.token()).await,
        "UNAUTHENTICATED",
    );
    assert_code(
        &app.gql("{ myProposals { totalCount } }", json!({}), user.token())
            .await,
        "UNAUTHENTICATED",
    );
    // A revoked token cannot be used to log out again either.
    assert_code(
        &app.gql("mutation { logout { ok } }", json!({}), user.token())
            .await,
        "UNAUTHENTICATED",
    );

    // The other session goes on.
    assert_eq!(id(&me(&app, Some(&second)).await["id"]), user.id);
    let tokens = &app.snapshot().await["auth_tokens"];
    assert_eq!(tokens.len(), 2);
    assert!(
        tokens[0]["revoked_at"].is_string() && tokens[1]["revoked_at"].is_null(),
        "{tokens:#?}"
    );
}

/// A token that cannot be checked because the database fails is an error, never an anonymous
/// request (the web app would ask the person to sign in again, or show them the public view).
async fn a_failed_token_lookup_is_not_anonymous(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn(backend).await;
    let world = World::build(&app).await;
    let ani = world.verified_resident(&app, "Ani Wulandari").await;
    let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
    app.db
        .writer()
        .execute_unprepared(&rename("auth_tokens", "auth_tokens_away"))
        .await
        .unwrap();
    let answer = reqwest::Client::new()
        .post(app.endpoint())
        .bearer_auth(ani.token().unwrap())
        .json(&json!({ "query": "query { me { id } regions { totalCount } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 500);
    let failed: Value = answer.json().await.unwrap();
    assert_eq!(
        failed.get("data"),
        None,
        "no data, anonymous or not: {failed}"
    );
    assert_code(&failed, "INTERNAL_SERVER_ERROR");
    // Without a token nothing needs checking.
    ok(&app
        .gql("query { regions { totalCount } }", json!({}), None)
        .await);
    app.db
        .writer()
        .execute_unprepared(&rename("auth_tokens_away", "auth_tokens"))
        .await
        .unwrap();
    assert_eq!(
        ok(&app.gql("query { me { id } }", json!({}), ani.token()).await)["me"]["id"],
        ani.id
    );
}

backend_tests!(
    registration,
    login_by_email_and_phone,
    login_throttling,
    logout_revokes_the_token,
    a_failed_token_lookup_is_not_anonymous
);
