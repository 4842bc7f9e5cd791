//! The one harness of the integration tests: a fresh database per test (a temporary SQLite file
//! or a new PostgreSQL database), the real HTTP application on a free port of 127.0.0.1, a
//! GraphQL client speaking plain HTTP to it, and fixtures that build a city, its planning cycle,
//! forums and people through the API itself.
//!
//! Every scenario is an `async fn name(backend: Backend)`; `backend_tests!(name, …)` turns each
//! into the tests `name::sqlite` and `name::postgres`. The PostgreSQL variants fail (they do not
//! skip) when PostgreSQL cannot be reached: CI starts it.
#![allow(dead_code)]

pub mod smtp;

use std::{
    collections::BTreeMap,
    hash::{BuildHasher, Hasher},
    net::SocketAddr,
    path::PathBuf,
    sync::atomic::{AtomicU64, Ordering},
};

use chrono::{Duration, Utc};
use musrenbang::{db::Db, server::app, state::AppState};
use serde_json::{json, Value};

/// Where the PostgreSQL databases of the tests are created; override with this variable.
pub const POSTGRES_URL_VAR: &str = "MUSRENBANG_TEST_POSTGRES_URL";
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The password of every account the fixtures create.
pub const PASSWORD: &str = "rahasia-warga-2027";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Expands each scenario `async fn name(backend: Backend)` into the module `name` holding the
/// tests `sqlite` and `postgres` (shown as `name::sqlite`, `name::postgres`).
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::common::Backend::Sqlite).await;
                }

                #[tokio::test]
                async fn postgres() {
                    super::$name($crate::common::Backend::Postgres).await;
                }
            }
        )+
    };
}

/// A name no other test (in this process or another) will pick.
pub fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(Utc::now().timestamp_nanos_opt().unwrap_or_default() as u128);
    hasher.write_u32(std::process::id());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    hasher.write_u64(n);
    format!("{:016x}{n}", hasher.finish())
}

/// The settings as installed, but with rates a hundred times the defaults: fixtures register
/// and act as many people from one address (tests/abuse.rs tests the defaults).
pub fn roomy_settings() -> musrenbang::config::ServerSettings {
    use musrenbang::config::{Rate, RateLimits, ServerSettings};
    let roomy = |rate: Rate| Rate::new(rate.attempts * 100, rate.window_secs);
    let limits = RateLimits::default();
    let limits = RateLimits {
        login_per_identifier_and_address: limits.login_per_identifier_and_address,
        login_per_address: roomy(limits.login_per_address),
        login_per_identifier: limits.login_per_identifier,
        register_per_address: roomy(limits.register_per_address),
        comment_per_account: roomy(limits.comment_per_account),
        comment_per_address: roomy(limits.comment_per_address),
        proposal_per_account: roomy(limits.proposal_per_account),
        proposal_per_address: roomy(limits.proposal_per_address),
        chat_per_address: roomy(limits.chat_per_address),
        report_per_account: roomy(limits.report_per_account),
        report_per_address: roomy(limits.report_per_address),
        upload_per_account: roomy(limits.upload_per_account),
        upload_per_address: roomy(limits.upload_per_address),
        reset_request_per_address: roomy(limits.reset_request_per_address),
        reset_request_per_email: limits.reset_request_per_email,
        reset_attempt_per_address: roomy(limits.reset_attempt_per_address),
    };
    ServerSettings {
        limits,
        ..ServerSettings::default()
    }
}

enum Scratch {
    File(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// The application under test, serving on 127.0.0.1, with a database of its own.
pub struct TestApp {
    pub backend: Backend,
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The database URL, for a second connection.
    pub url: String,
    /// The application's own database handle (for fixtures and table snapshots).
    pub db: Db,
    pub client: reqwest::Client,
    /// Begins the in-process server's graceful shutdown.
    pub shutdown: musrenbang::state::Shutdown,
    server: tokio::task::JoinHandle<()>,
    scratch: Scratch,
}

impl TestApp {
    /// The application as installed, but with rates a hundred times the defaults: fixtures
    /// register and act as many people from one address (tests/abuse.rs tests the defaults).
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, roomy_settings()).await
    }

    /// The application with its operator's settings (limits, trusted proxies, switches).
    pub async fn spawn_with(
        backend: Backend,
        settings: musrenbang::config::ServerSettings,
    ) -> TestApp {
        Self::spawn_inner(backend, settings, None).await
    }

    /// The application on a new database of the PostgreSQL server at `admin_url` (one a test
    /// started itself, to stop it).
    pub async fn spawn_on_postgres(admin_url: &str) -> TestApp {
        Self::spawn_inner(
            Backend::Postgres,
            roomy_settings(),
            Some(admin_url.to_owned()),
        )
        .await
    }

    async fn spawn_inner(
        backend: Backend,
        settings: musrenbang::config::ServerSettings,
        postgres_admin_url: Option<String>,
    ) -> TestApp {
        let suffix = unique_suffix();
        let (url, scratch) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("musrenbang_t_{suffix}.db"));
                (format!("sqlite://{}", path.display()), Scratch::File(path))
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url.unwrap_or_else(|| {
                    std::env::var(POSTGRES_URL_VAR)
                        .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
                });
                let name = format!("musrenbang_t_{suffix}");
                create_postgres_database(&admin_url, &name).await;
                let mut url = reqwest::Url::parse(&admin_url).expect("a postgres:// URL");
                url.set_path(&format!("/{name}"));
                (url.to_string(), Scratch::Postgres { admin_url, name })
            }
        };
        let db = Db::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
        db.migrate().await.expect("migrations apply");
        let state = AppState::with_settings(db.clone(), settings);
        let shutdown = state.shutdown.clone();
        let router = app(state, None);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let addr = listener.local_addr().expect("bound address");
        let stopping = shutdown.clone();
        let server = tokio::spawn(async move {
            musrenbang::server::serve(listener, router, stopping, std::future::pending())
                .await
                .expect("server runs");
        });
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("HTTP client");
        TestApp {
            backend,
            addr,
            base: format!("http://{addr}"),
            url,
            db,
            client,
            shutdown,
            server,
            scratch,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("{}/graphql", self.base)
    }

    /// POSTs a GraphQL request as `application/json` and returns the response body. The HTTP
    /// status must be 200 (as GraphQL over HTTP prescribes for `application/json`).
    pub async fn gql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        self.post_gql(None, query, variables, token).await
    }

    /// `gql` as if from the client `address`, behind a proxy on 127.0.0.1 (which the app must
    /// be told to trust: `ServerSettings::trusted_proxies`).
    pub async fn gql_from(
        &self,
        address: &str,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> Value {
        self.post_gql(Some(address), query, variables, token).await
    }

    async fn post_gql(
        &self,
        forwarded_for: Option<&str>,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> Value {
        let mut request = self
            .client
            .post(self.endpoint())
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(address) = forwarded_for {
            request = request.header("x-forwarded-for", address);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        assert_eq!(status, 200, "HTTP status of {query}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    /// `gql` that must succeed; returns `data`.
    #[track_caller]
    pub fn ok<'a>(&self, response: &'a Value) -> &'a Value {
        ok(response)
    }

    /// Every row of every table, ordered by id: compared before and after failing mutations.
    pub async fn snapshot(&self) -> BTreeMap<String, Vec<Value>> {
        snapshot(&self.db).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        match &self.scratch {
            Scratch::File(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Scratch::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; a thread with its own runtime does the
                // asynchronous work. FORCE ends the connections the app's pool still holds.
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    runtime.block_on(async {
                        use sqlx::Connection;
                        let mut conn = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .execute(&mut conn)
                            .await
                            .ok()?;
                        Some(())
                    })
                })
                .join();
                if !matches!(dropped, Ok(Some(()))) {
                    eprintln!("note: could not drop the test database {}", self.url);
                }
            }
        }
    }
}

async fn create_postgres_database(admin_url: &str, name: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable at {admin_url} ({e}). The PostgreSQL variants of the \
             integration tests need it: start it, or set {POSTGRES_URL_VAR}."
            )
        });
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
    let _ = conn.close().await;
}

/// Every row of every table (but bookkeeping: migrations, rate-limit counters), each table
/// ordered by id.
pub async fn snapshot(db: &Db) -> BTreeMap<String, Vec<Value>> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, FromQueryResult, JsonValue, Statement};
    let conn = db.reader();
    let backend = conn.get_database_backend();
    let list = match backend {
        DatabaseBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        _ => "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    };
    let names = JsonValue::find_by_statement(Statement::from_string(backend, list))
        .all(conn)
        .await
        .expect("list the tables");
    let mut tables = BTreeMap::new();
    for name in names.iter().filter_map(|row| row["name"].as_str()) {
        // Migrations' bookkeeping, the rate limits' counters, which count every attempt,
        // refused ones too, and kept rankings, which a read may write (none is data a mutation
        // writes).
        // The mail outbox, which the mail worker fills and empties on its own, is left out too.
        if [
            "seaql_migrations",
            "rate_limits",
            "round_rankings",
            "mail_outbox",
        ]
        .contains(&name)
        {
            continue;
        }
        let mut rows = JsonValue::find_by_statement(Statement::from_string(
            backend,
            format!("SELECT * FROM \"{name}\""),
        ))
        .all(conn)
        .await
        .unwrap_or_else(|e| panic!("read {name}: {e}"));
        rows.sort_by_key(|row| row["id"].as_i64());
        if name == "notifications" {
            // Whether a notification was mailed yet: the mail worker moves it at its own pace.
            for row in &mut rows {
                if let Some(row) = row.as_object_mut() {
                    row.remove("mail_state");
                }
            }
        }
        tables.insert(name.to_owned(), rows);
    }
    assert!(
        tables.contains_key("proposals") && tables.contains_key("audit_log"),
        "tables found: {:?}",
        tables.keys()
    );
    tables
}

// ---------------------------------------------------------------------------------------------
// Reading responses
// ---------------------------------------------------------------------------------------------

/// The response's `data`, after asserting that it carries no error.
#[track_caller]
pub fn ok(response: &Value) -> &Value {
    assert!(
        response
            .get("errors")
            .is_none_or(|e| e.as_array().is_some_and(|a| a.is_empty())),
        "expected success, got {response:#}"
    );
    &response["data"]
}

/// `extensions.code` of the first error, if any.
pub fn error_code(response: &Value) -> Option<&str> {
    response["errors"][0]["extensions"]["code"].as_str()
}

/// Asserts that the request failed with `code` (and that no other error was returned).
#[track_caller]
pub fn assert_code(response: &Value, code: &str) {
    let Some(errors) = response["errors"].as_array() else {
        panic!("expected {code}, got success: {response:#}");
    };
    assert_eq!(errors.len(), 1, "expected exactly one error: {response:#}");
    assert_eq!(
        error_code(response),
        Some(code),
        "expected {code}: {response:#}"
    );
}

/// Asserts BAD_USER_INPUT naming `field` in `extensions.fields`; returns that entry.
#[track_caller]
pub fn assert_field<'a>(response: &'a Value, field: &str) -> &'a Value {
    assert_code(response, "BAD_USER_INPUT");
    let Some(fields) = response["errors"][0]["extensions"]["fields"].as_array() else {
        panic!("BAD_USER_INPUT without extensions.fields: {response:#}");
    };
    match fields.iter().find(|f| f["field"] == field) {
        Some(entry) => entry,
        None => panic!("expected a problem with `{field}`: {response:#}"),
    }
}

/// Asserts BAD_USER_INPUT naming `field` with the problem `code` (e.g. `unique`, `length`).
#[track_caller]
pub fn assert_field_code(response: &Value, field: &str, code: &str) {
    let entry = assert_field(response, field);
    assert_eq!(
        entry["code"], code,
        "problem code of `{field}`: {response:#}"
    );
    assert!(
        entry["message"].as_str().is_some_and(|m| !m.is_empty()),
        "a message for `{field}`"
    );
}

/// An integer id out of a JSON value.
#[track_caller]
pub fn id(value: &Value) -> i32 {
    match value.as_i64() {
        Some(id) => id as i32,
        None => panic!("not an id: {value}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub token: String,
}

impl User {
    pub fn token(&self) -> Option<&str> {
        Some(&self.token)
    }
}

pub const REGISTER: &str = "mutation($input: RegisterInput!) {
    register(input: $input) { confirmationMailed token account { id name email phone verification } } }";

pub const CREATE_REGION: &str = "mutation($input: CreateRegionInput!) {
    createRegion(input: $input) { id code name level parentId } }";

pub const CREATE_PROPOSAL: &str = "mutation($input: CreateProposalInput!) {
    createProposal(input: $input) { id code status level forum { id } } }";

pub const TRANSITION: &str = "mutation($input: TransitionInput!) {
    transitionProposal(input: $input) { id status level forum { id } } }";

pub const GRANT_ROLE: &str = "mutation($input: GrantRoleInput!) {
    grantRole(input: $input) { id accountId role forumId regionId grantedBy } }";

pub const SET_STAGE: &str = "mutation($input: SetStageInput!) {
    setStage(input: $input) { id cycleId level opensAt closesAt locked } }";

pub const CREATE_FORUM: &str = "mutation($input: CreateForumInput!) {
    createForum(input: $input) { id name level status budgetCeiling parentForum { id } } }";

pub const ADD_COMMENT: &str = "mutation($proposalId: Int!, $parentId: Int, $body: String!) {
    addComment(proposalId: $proposalId, parentId: $parentId, body: $body) { id parentId body hidden } }";

/// The city the tests plan for, built through the API: Provinsi Jawa Timur › Kota Malang ›
/// Kecamatan Klojen › Kelurahan Oro-oro Dowo (with an RW) and Kelurahan Kauman, beside Kota Batu;
/// the catalogue; the 2027 cycle with its kelurahan, kecamatan and kota stages open now; and
/// the forums kelurahan → kecamatan → kota with their budget ceilings.
#[derive(Debug, Clone)]
pub struct World {
    pub admin: User,
    pub province: i32,
    pub city: i32,
    pub kecamatan: i32,
    pub kelurahan: i32,
    pub rw: i32,
    pub kelurahan_b: i32,
    pub other_city: i32,
    pub other_kecamatan: i32,
    pub other_kelurahan: i32,
    pub agency: i32,
    pub agency_b: i32,
    pub sector: i32,
    pub sector_b: i32,
    pub activity: i32,
    pub cycle: i32,
    pub plan_year: i32,
    pub stage_kelurahan: i32,
    pub stage_kecamatan: i32,
    pub stage_kota: i32,
    pub forum_kota: i32,
    pub forum_kecamatan: i32,
    pub forum_kelurahan: i32,
    pub forum_kelurahan_b: i32,
}

/// An RFC 3339 time `days` from now.
pub fn days_from_now(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339()
}

impl World {
    pub async fn build(app: &TestApp) -> World {
        // The first administrator: registered through the API (which hands out a token), then
        // made an administrator the way an installation gets one, from the command line.
        let admin = register(
            app,
            "Admin Bappeda",
            json!({ "email": "admin@malangkota.go.id" }),
        )
        .await;
        musrenbang::domain::accounts::bootstrap_admin(
            &app.db,
            "Admin Bappeda",
            &admin.email,
            PASSWORD,
        )
        .await
        .expect("bootstrap_admin");
        let a = Some(admin.token.as_str());
        let region = |code: &'static str,
                      name: &'static str,
                      level: &'static str,
                      parent: Option<i32>| {
            let vars = json!({ "input": { "code": code, "name": name, "level": level, "parentId": parent } });
            async move { id(&ok(&app.gql(CREATE_REGION, vars, a).await)["createRegion"]["id"]) }
        };
        let province = region("35", "Jawa Timur", "PROVINSI", None).await;
        let city = region("35.73", "Kota Malang", "KABUPATEN_KOTA", Some(province)).await;
        let kecamatan = region("35.73.05", "Klojen", "KECAMATAN", Some(city)).await;
        let kelurahan = region(
            "35.73.05.1005",
            "Oro-oro Dowo",
            "DESA_KELURAHAN",
            Some(kecamatan),
        )
        .await;
        let rw = region(
            "35.73.05.1005.02",
            "RW 02 Oro-oro Dowo",
            "RW",
            Some(kelurahan),
        )
        .await;
        let kelurahan_b =
            region("35.73.05.1009", "Kauman", "DESA_KELURAHAN", Some(kecamatan)).await;
        let other_city = region("35.79", "Kota Batu", "KABUPATEN_KOTA", Some(province)).await;
        let other_kecamatan = region("35.79.01", "Batu", "KECAMATAN", Some(other_city)).await;
        let other_kelurahan = region(
            "35.79.01.1005",
            "Sisir",
            "DESA_KELURAHAN",
            Some(other_kecamatan),
        )
        .await;

        let data = ok(&app
            .gql(
                "mutation {
                    pu: createAgency(input: { code: \"1.03.01\", name: \"Dinas Pekerjaan Umum dan Penataan Ruang\", abbreviation: \"PUPR\" }) { id }
                    dinkes: createAgency(input: { code: \"1.02.01\", name: \"Dinas Kesehatan\", abbreviation: \"Dinkes\" }) { id }
                    works: createSector(input: { code: \"1.03\", name: \"Pekerjaan Umum dan Penataan Ruang\" }) { id }
                    health: createSector(input: { code: \"1.02\", name: \"Kesehatan\" }) { id }
                }",
                json!({}),
                a,
            )
            .await)
            .clone();
        let (agency, agency_b) = (id(&data["pu"]["id"]), id(&data["dinkes"]["id"]));
        let (sector, sector_b) = (id(&data["works"]["id"]), id(&data["health"]["id"]));
        let activity = id(&ok(&app
            .gql(
                "mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }",
                json!({ "input": { "code": "1.03.10.2.01.0021", "name": "Pembangunan saluran drainase lingkungan",
                    "sectorId": sector, "agencyId": agency, "unit": "meter", "unitCost": 1_500_000, "physical": true } }),
                a,
            )
            .await)["createActivity"]["id"]);

        let plan_year = 2027;
        let cycle = id(&ok(&app
            .gql(
                "mutation($input: CreateCycleInput!) { createCycle(input: $input) { id } }",
                json!({ "input": { "planYear": plan_year, "name": "Musrenbang RKPD Kota Malang 2027", "regionId": city } }),
                a,
            )
            .await)["createCycle"]["id"]);
        ok(&app
            .gql(
                "mutation($id: Int!) { setCycleStatus(cycleId: $id, status: ACTIVE) { status } }",
                json!({ "id": cycle }),
                a,
            )
            .await);
        let stage = |level: &'static str| {
            let vars = json!({ "input": { "cycleId": cycle, "level": level, "opensAt": days_from_now(-1), "closesAt": days_from_now(30) } });
            async move { id(&ok(&app.gql(SET_STAGE, vars, a).await)["setStage"]["id"]) }
        };
        let stage_kelurahan = stage("DESA_KELURAHAN").await;
        let stage_kecamatan = stage("KECAMATAN").await;
        let stage_kota = stage("KABUPATEN_KOTA").await;

        let forum = |vars: Value| async move {
            id(&ok(&app.gql(CREATE_FORUM, json!({ "input": vars }), a).await)["createForum"]["id"])
        };
        let forum_kota = forum(json!({ "cycleId": cycle, "level": "KABUPATEN_KOTA", "regionId": city,
            "name": "Musrenbang Kota Malang 2027", "budgetCeiling": 250_000_000_000i64, "selectionLimit": "BUDGET" }))
        .await;
        let forum_kecamatan = forum(json!({ "cycleId": cycle, "level": "KECAMATAN", "regionId": kecamatan,
            "parentForumId": forum_kota, "name": "Musrenbang Kecamatan Klojen", "budgetCeiling": 6_500_000_000i64,
            "selectionLimit": "BUDGET", "tolerancePercent": 5 }))
        .await;
        let forum_kelurahan = forum(
            json!({ "cycleId": cycle, "level": "DESA_KELURAHAN", "regionId": kelurahan,
            "parentForumId": forum_kecamatan, "name": "Musrenbang Kelurahan Oro-oro Dowo",
            "budgetCeiling": 650_000_000i64, "selectionLimit": "BUDGET" }),
        )
        .await;
        let forum_kelurahan_b = forum(
            json!({ "cycleId": cycle, "level": "DESA_KELURAHAN", "regionId": kelurahan_b,
            "parentForumId": forum_kecamatan, "name": "Musrenbang Kelurahan Kauman",
            "selectionLimit": "COUNT", "maxCount": 10 }),
        )
        .await;
        World {
            admin,
            province,
            city,
            kecamatan,
            kelurahan,
            rw,
            kelurahan_b,
            other_city,
            other_kecamatan,
            other_kelurahan,
            agency,
            agency_b,
            sector,
            sector_b,
            activity,
            cycle,
            plan_year,
            stage_kelurahan,
            stage_kecamatan,
            stage_kota,
            forum_kota,
            forum_kecamatan,
            forum_kelurahan,
            forum_kelurahan_b,
        }
    }

    pub fn admin_token(&self) -> Option<&str> {
        self.admin.token()
    }

    /// A resident living in `region` (unverified).
    pub async fn resident(&self, app: &TestApp, name: &str, region: i32) -> User {
        register(app, name, json!({ "homeRegionId": region })).await
    }

    /// A resident of Oro-oro Dowo, verified by the administrator.
    pub async fn verified_resident(&self, app: &TestApp, name: &str) -> User {
        let user = self.resident(app, name, self.kelurahan).await;
        self.verify(app, user.id).await;
        user
    }

    pub async fn verify(&self, app: &TestApp, account: i32) {
        let response = app
            .gql(
                "mutation($id: Int!) { verifyAccount(accountId: $id, decision: VERIFIED) { verification } }",
                json!({ "id": account }),
                self.admin_token(),
            )
            .await;
        assert_eq!(ok(&response)["verifyAccount"]["verification"], "VERIFIED");
    }

    /// A Bappeda planner of `region` (and its subtree).
    pub async fn planner(&self, app: &TestApp, name: &str, region: i32) -> User {
        let user = register(app, name, json!({})).await;
        self.grant(
            app,
            json!({ "accountId": user.id, "role": "PLANNER", "regionId": region }),
        )
        .await;
        user
    }

    /// A moderator (fasilitator) of `forum`.
    pub async fn moderator(&self, app: &TestApp, name: &str, forum: i32) -> User {
        let user = register(app, name, json!({})).await;
        self.grant(
            app,
            json!({ "accountId": user.id, "role": "MODERATOR", "forumId": forum }),
        )
        .await;
        user
    }

    pub async fn grant(&self, app: &TestApp, input: Value) -> i32 {
        id(&ok(&app
            .gql(GRANT_ROLE, json!({ "input": input }), self.admin_token())
            .await)["grantRole"]["id"])
    }

    /// A realistic proposal input for Oro-oro Dowo's forum, with `changes` merged in.
    pub fn proposal_input(&self, changes: Value) -> Value {
        let mut input = json!({
            "forumId": self.forum_kelurahan,
            "title": "Perbaikan saluran drainase Jl. Kawi",
            "problem": "Saluran tersumbat sehingga jalan tergenang setiap hujan deras.",
            "solution": "Normalisasi dan pembangunan ulang saluran sepanjang 120 meter.",
            "sectorId": self.sector,
            "physical": true,
            "activityId": self.activity,
            "regionId": self.rw,
            "address": "Jl. Kawi No. 12, RT 03/RW 02",
            "latitude": -7.9712,
            "longitude": 112.6215,
            "volume": 120.0,
            "unit": "meter",
            "estimatedCost": 180_000_000i64,
            "beneficiaries": 450,
            "initialAgencyId": self.agency,
        });
        if let (Some(base), Some(changes)) = (input.as_object_mut(), changes.as_object()) {
            for (key, value) in changes {
                base.insert(key.clone(), value.clone());
            }
        }
        input
    }

    /// Creates a draft as `user`; returns its id.
    pub async fn draft(&self, app: &TestApp, user: &User, changes: Value) -> i32 {
        let response = app
            .gql(
                CREATE_PROPOSAL,
                json!({ "input": self.proposal_input(changes) }),
                user.token(),
            )
            .await;
        id(&ok(&response)["createProposal"]["id"])
    }

    /// Moves a proposal to `to` as `user`; panics unless it succeeds.
    pub async fn transition(
        &self,
        app: &TestApp,
        user: &User,
        proposal: i32,
        to: &str,
        note: Option<&str>,
    ) -> Value {
        let response = transition(app, user.token(), proposal, to, note).await;
        ok(&response)["transitionProposal"].clone()
    }

    /// A submitted proposal of `proposer`.
    pub async fn submitted(&self, app: &TestApp, proposer: &User, changes: Value) -> i32 {
        let id = self.draft(app, proposer, changes).await;
        self.transition(app, proposer, id, "SUBMITTED", None).await;
        id
    }

    /// A proposal of `proposer` verified at the kelurahan forum by the administrator.
    pub async fn verified(&self, app: &TestApp, proposer: &User, changes: Value) -> i32 {
        let id = self.submitted(app, proposer, changes).await;
        self.transition(app, &self.admin, id, "VERIFIED", None)
            .await;
        id
    }

    /// A proposal of `proposer` carried up to the kota forum and verified there.
    pub async fn verified_at_top(&self, app: &TestApp, proposer: &User) -> i32 {
        let id = self.verified(app, proposer, json!({})).await;
        for _ in 0..2 {
            self.transition(app, &self.admin, id, "FORWARDED", None)
                .await;
            self.transition(app, &self.admin, id, "VERIFIED", None)
                .await;
        }
        id
    }

    /// Closes a forum through its lifecycle (draft → scheduled → in session → closed).
    pub async fn close_forum(&self, app: &TestApp, forum: i32) {
        for status in ["SCHEDULED", "IN_SESSION", "CLOSED"] {
            let response = app
                .gql(
                    "mutation($id: Int!, $status: ForumStatus!) { setForumStatus(forumId: $id, status: $status) { status } }",
                    json!({ "id": forum, "status": status }),
                    self.admin_token(),
                )
                .await;
            assert_eq!(ok(&response)["setForumStatus"]["status"], status);
        }
    }

    /// Next year's (2028) cycle with a kelurahan forum for Oro-oro Dowo: (cycle, forum). When
    /// `open`, the cycle is active and its kelurahan stage open; otherwise never scheduled.
    pub async fn next_year(&self, app: &TestApp, open: bool) -> (i32, i32) {
        let a = self.admin_token();
        let cycle = id(&ok(&app
            .gql(
                "mutation($r: Int!) { createCycle(input: { planYear: 2028, name: \"Musrenbang RKPD 2028\", regionId: $r }) { id } }",
                json!({ "r": self.city }),
                a,
            )
            .await)["createCycle"]["id"]);
        if open {
            ok(&app
                .gql(
                    "mutation($id: Int!) { setCycleStatus(cycleId: $id, status: ACTIVE) { status } }",
                    json!({ "id": cycle }),
                    a,
                )
                .await);
            let stage = json!({ "input": { "cycleId": cycle, "level": "DESA_KELURAHAN",
                "opensAt": days_from_now(-1), "closesAt": days_from_now(30) } });
            ok(&app.gql(SET_STAGE, stage, a).await);
        }
        let forum = id(&ok(&app
            .gql(
                CREATE_FORUM,
                json!({ "input": { "cycleId": cycle, "level": "DESA_KELURAHAN", "regionId": self.kelurahan,
                    "name": "Musrenbang Kelurahan Oro-oro Dowo 2028", "selectionLimit": "UNLIMITED" } }),
                a,
            )
            .await)["createForum"]["id"]);
        (cycle, forum)
    }

    /// Schedules a live session of the kelurahan forum and opens it (as `staff`).
    pub async fn open_session(&self, app: &TestApp, staff: &User) -> i32 {
        let input = json!({ "forumId": self.forum_kelurahan, "title": "Musrenbang Kelurahan Oro-oro Dowo",
            "startsAt": days_from_now(0), "place": "Aula Kantor Kelurahan Oro-oro Dowo" });
        let session = id(&ok(&app
            .gql(
                "mutation($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id } }",
                json!({ "input": input }),
                staff.token(),
            )
            .await)["scheduleSession"]["id"]);
        let opened = app
            .gql(
                "mutation($id: Int!) { openSession(sessionId: $id) { status } }",
                json!({ "id": session }),
                staff.token(),
            )
            .await;
        assert_eq!(ok(&opened)["openSession"]["status"], "OPEN");
        session
    }

    /// Reschedules a stage of the cycle (as the administrator).
    pub async fn schedule(
        &self,
        app: &TestApp,
        level: &str,
        opens_in_days: i64,
        closes_in_days: i64,
    ) {
        let vars = json!({ "input": { "cycleId": self.cycle, "level": level,
            "opensAt": days_from_now(opens_in_days), "closesAt": days_from_now(closes_in_days) } });
        ok(&app.gql(SET_STAGE, vars, self.admin_token()).await);
    }

    pub async fn lock_stage(&self, app: &TestApp, stage: i32, locked: bool) {
        let response = app
            .gql(
                "mutation($id: Int!, $locked: Boolean!) { lockStage(stageId: $id, locked: $locked) { locked } }",
                json!({ "id": stage, "locked": locked }),
                self.admin_token(),
            )
            .await;
        assert_eq!(ok(&response)["lockStage"]["locked"], locked);
    }

    /// A proposal as `viewer` sees it, with its history.
    pub async fn proposal(&self, app: &TestApp, viewer: Option<&str>, proposal: i32) -> Value {
        app.gql(
            "query($id: Int!) { proposal(id: $id) { id code status level title address estimatedCost
                forum { id level } mergedInto { id } finalAgency { id }
                history { fromStatus toStatus actorId note level forumId } } }",
            json!({ "id": proposal }),
            viewer,
        )
        .await
    }
}

/// Checks `user` in to a live session; returns the attendance entry (`id status`).
pub async fn check_in(app: &TestApp, session: i32, user: &User) -> Value {
    let response = app
        .gql(
            "mutation($session: Int!) { checkIn(sessionId: $session) { id status } }",
            json!({ "session": session }),
            user.token(),
        )
        .await;
    ok(&response)["checkIn"].clone()
}

/// Registers an account with the given extra input (email, phone, homeRegionId); without an
/// email or phone one is derived from the name.
pub async fn register(app: &TestApp, name: &str, extra: Value) -> User {
    let mut input = json!({ "name": name, "password": PASSWORD });
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
        .collect();
    if extra.get("email").is_none() && extra.get("phone").is_none() {
        input["email"] = json!(format!("{slug}@warga.example.id"));
    }
    if let (Some(base), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            base.insert(key.clone(), value.clone());
        }
    }
    let email = input["email"].as_str().unwrap_or_default().to_owned();
    let response = app.gql(REGISTER, json!({ "input": input }), None).await;
    let mut payload = ok(&response)["register"].clone();
    if payload["confirmationMailed"] == json!(true) {
        payload = confirm_registration(app, &email).await;
    }
    User {
        id: id(&payload["account"]["id"]),
        name: name.to_owned(),
        email,
        token: payload["token"].as_str().expect("a token").to_owned(),
    }
}

/// A registration an app with an SMTP server confirms by mail. The harness does not read that
/// mail (tests/personal_data.rs does): it gives the pending registration a token it knows and
/// opens the link with it, through the same mutation as the mailed link.
async fn confirm_registration(app: &TestApp, email: &str) -> Value {
    use entity::registration_request;
    use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
    let (token, hash) = musrenbang::auth::new_token();
    registration_request::Entity::update_many()
        .col_expr(registration_request::Column::TokenHash, Expr::value(hash))
        .filter(registration_request::Column::Email.eq(email.to_lowercase()))
        .exec(app.db.writer())
        .await
        .expect("the pending registration");
    let response = app
        .gql(
            "mutation($token: String!) { confirmRegistration(token: $token) {
                token account { id name email phone verification } } }",
            json!({ "token": token }),
            None,
        )
        .await;
    ok(&response)["confirmRegistration"].clone()
}

pub async fn transition(
    app: &TestApp,
    token: Option<&str>,
    proposal: i32,
    to: &str,
    note: Option<&str>,
) -> Value {
    app.gql(
        TRANSITION,
        json!({ "input": { "proposalId": proposal, "to": to, "note": note } }),
        token,
    )
    .await
}

pub async fn login(app: &TestApp, identifier: &str, password: &str) -> Value {
    app.gql(
        "mutation($identifier: String!, $password: String!) {
            login(identifier: $identifier, password: $password) { token account { id } } }",
        json!({ "identifier": identifier, "password": password }),
        None,
    )
    .await
}

/// The text of a PDF as `pdftotext` (poppler) reads it, lines joined by spaces.
pub fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("musrenbang_export_{}.pdf", unique_suffix()));
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let _ = std::fs::remove_file(&path);
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// The real binary
// ---------------------------------------------------------------------------------------------

/// A server process of its own (the real binary `musrenbang serve`), on a free port of
/// 127.0.0.1, over the database at `database_url`. Killed when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    pub addr: SocketAddr,
}

impl ServerProcess {
    pub fn spawn(database_url: &str) -> ServerProcess {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_musrenbang"));
        command.args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ]);
        Self::spawn_command(command)
    }

    /// Runs `command` (a `serve` on 127.0.0.1:0) and waits for the address it reports.
    pub fn spawn_command(mut command: std::process::Command) -> ServerProcess {
        use std::io::{BufRead, BufReader};
        let mut child = command
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
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
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the server reports its address");
        ServerProcess {
            child,
            addr: addr.parse().expect("an address"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs a GraphQL request and returns the body, whatever the HTTP status.
    pub async fn gql(
        &self,
        client: &reqwest::Client,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> Value {
        let mut request = client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("an answer")
            .json()
            .await
            .expect("JSON")
    }

    /// Sends a signal by name (TERM, KILL, INT) with the system's `kill`.
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{name}");
    }

    /// Waits for the process to end, up to `limit`; its exit status, or None if still running.
    pub async fn wait_exit(
        &mut self,
        limit: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
