//! The complaint channel between forums: a report's workflow per role (allowed and refused),
//! privacy per mode (an anonymous reporter's name in no public field, event or Open311 answer),
//! the working-day clock across weekends and holidays, escalation past the clock, the
//! satisfaction index on a hand-checked example, a report turned into a proposal and followed,
//! duplicates merged, photos without metadata, live events, and the Open311 endpoints.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;
mod ws;

use std::time::Duration;

use chrono::{Datelike, Days, NaiveDate, Utc, Weekday};
use common::*;
use serde_json::{json, Value};
use ws::*;

const CATEGORY: &str = "mutation($input: CreateReportCategoryInput!) {
    createReportCategory(input: $input) { id code agencyId verifyDays followUpDays } }";
const FILE: &str = "mutation($input: FileReportInput!, $key: String) {
    fileReport(input: $input, idempotencyKey: $key) { id code status reporterName mine verifyDueAt dueAt } }";
const MOVE: &str = "mutation($input: MoveReportInput!) { moveReport(input: $input) {
    id status escalationLevel disputed agency { id } firstFollowUpAt answeredAt followUpDueAt } }";
const REPORT: &str = "query($id: Int!) { report(id: $id) {
    id code status privacy reporterName mine following coordinating handlingAgency overdue
    escalationLevel disputed availableMoves canRate followersCount verifyDueAt followUpDueAt
    agency { id name } proposal { id code status }
    history { actorRole fromStatus toStatus note }
    photos { id url thumbnailUrl fromAgency } } }";
const LIST: &str = "query($filter: ReportFilter) { reports(filter: $filter) {
    totalCount edges { node { id status reporterName overdue } } } }";
const RATE: &str = "mutation($id: Int!, $answers: SatisfactionInput!) { rateReport(reportId: $id, answers: $answers) }";

struct Channel {
    world: World,
    category: i32,
    planner: User,
    agency_staff: User,
    ani: User,
    budi: User,
}

async fn channel(app: &TestApp) -> Channel {
    let world = World::build(app).await;
    let category = id(&ok(&app
        .gql(
            CATEGORY,
            json!({ "input": { "code": "DRAINASE", "name": "Saluran air dan drainase", "agencyId": world.agency } }),
            world.admin_token(),
        )
        .await)["createReportCategory"]["id"]);
    let planner = world.planner(app, "Rina Bappeda", world.city).await;
    let agency_staff = register(app, "Dedi PUPR", json!({})).await;
    world
        .grant(
            app,
            json!({ "accountId": agency_staff.id, "role": "AGENCY", "agencyId": world.agency }),
        )
        .await;
    let ani = world.verified_resident(app, "Ani Wulandari").await;
    let budi = world.verified_resident(app, "Budi Santoso").await;
    Channel {
        world,
        category,
        planner,
        agency_staff,
        ani,
        budi,
    }
}

impl Channel {
    fn input(&self, changes: Value) -> Value {
        let mut input = json!({
            "kind": "COMPLAINT",
            "title": "Saluran tersumbat di Jl. Kawi",
            "body": "Saluran drainase tersumbat sampah, air meluap ke jalan setiap hujan.",
            "categoryId": self.category,
            "regionId": self.world.rw,
            "address": "Jl. Kawi No. 12, RT 03/RW 02",
            "latitude": -7.9712,
            "longitude": 112.6215,
            "privacy": "PUBLIC",
        });
        for (key, value) in changes.as_object().unwrap() {
            input[key] = value.clone();
        }
        input
    }

    async fn file(&self, app: &TestApp, user: &User, changes: Value) -> i32 {
        let response = app
            .gql(FILE, json!({ "input": self.input(changes) }), user.token())
            .await;
        id(&ok(&response)["fileReport"]["id"])
    }
}

async fn move_report(app: &TestApp, token: Option<&str>, report: i32, input: Value) -> Value {
    let mut input = input;
    input["reportId"] = json!(report);
    app.gql(MOVE, json!({ "input": input }), token).await
}

async fn moved(app: &TestApp, user: &User, report: i32, input: Value) -> Value {
    ok(&move_report(app, user.token(), report, input).await)["moveReport"].clone()
}

async fn report(app: &TestApp, token: Option<&str>, report: i32) -> Value {
    app.gql(REPORT, json!({ "id": report }), token).await
}

async fn seen(app: &TestApp, token: Option<&str>, id: i32) -> Value {
    ok(&report(app, token, id).await)["report"].clone()
}

fn all_fours() -> Value {
    json!({ "requirements": 4, "procedure": 4, "time": 4, "cost": 4, "product": 4,
            "competence": 4, "conduct": 4, "complaintHandling": 4, "facilities": 4 })
}

async fn the_workflow_moves_by_role_and_refuses_everyone_else(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = channel(&app).await;
    let report_id = c.file(&app, &c.ani, json!({})).await;
    let filed = seen(&app, c.ani.token(), report_id).await;
    assert_eq!(filed["status"], "SUBMITTED");
    assert_eq!(filed["mine"], true);
    assert_eq!(filed["availableMoves"], json!([]));

    // Another resident, the agency before it holds it, and the reporter cannot verify.
    for token in [c.budi.token(), c.agency_staff.token(), c.ani.token()] {
        let refused = move_report(&app, token, report_id, json!({ "to": "VERIFIED" })).await;
        let code = error_code(&refused).unwrap();
        assert!(code == "FORBIDDEN" || code == "NOT_FOUND", "{refused}");
    }
    // A rejection needs a note and a reason.
    let bare = move_report(
        &app,
        c.planner.token(),
        report_id,
        json!({ "to": "REJECTED" }),
    )
    .await;
    assert_field_code(&bare, "note", "required");
    let no_reason = move_report(
        &app,
        c.planner.token(),
        report_id,
        json!({ "to": "REJECTED", "note": "Bukan kewenangan kota" }),
    )
    .await;
    assert_field_code(&no_reason, "reason", "required");
    assert_eq!(
        seen(&app, c.planner.token(), report_id).await["status"],
        "SUBMITTED"
    );

    let verified = moved(&app, &c.planner, report_id, json!({ "to": "VERIFIED" })).await;
    assert_eq!(verified["status"], "VERIFIED");
    // Disposition goes to the category's agency when none is named; its clock starts.
    let disposed = moved(&app, &c.planner, report_id, json!({ "to": "DISPOSED" })).await;
    assert_eq!(disposed["agency"]["id"], json!(c.world.agency));
    assert!(disposed["followUpDueAt"].is_string());
    // The reporter cannot answer; the agency must say what it did.
    let by_reporter = move_report(
        &app,
        c.ani.token(),
        report_id,
        json!({ "to": "ANSWERED", "note": "Sudah" }),
    )
    .await;
    assert_code(&by_reporter, "FORBIDDEN");
    let silent = move_report(
        &app,
        c.agency_staff.token(),
        report_id,
        json!({ "to": "IN_PROGRESS" }),
    )
    .await;
    assert_field_code(&silent, "note", "required");
    let working = moved(
        &app,
        &c.agency_staff,
        report_id,
        json!({ "to": "IN_PROGRESS", "note": "Tim UPT drainase dijadwalkan Senin" }),
    )
    .await;
    assert!(working["firstFollowUpAt"].is_string());
    moved(
        &app,
        &c.agency_staff,
        report_id,
        json!({ "to": "ANSWERED", "note": "Saluran sudah dikeruk" }),
    )
    .await;
    // The agency cannot close it for the reporter, once answered either.
    let closing = move_report(
        &app,
        c.agency_staff.token(),
        report_id,
        json!({ "to": "CLOSED", "note": "x" }),
    )
    .await;
    assert_code(&closing, "FORBIDDEN");
    // The reporter disputes once: reopened and escalated.
    let disputed = moved(
        &app,
        &c.ani,
        report_id,
        json!({ "to": "REOPENED", "note": "Masih tergenang" }),
    )
    .await;
    assert_eq!(disputed["disputed"], true);
    assert_eq!(disputed["escalationLevel"], 1);
    moved(
        &app,
        &c.agency_staff,
        report_id,
        json!({ "to": "ANSWERED", "note": "Gorong-gorong diganti" }),
    )
    .await;
    let again = move_report(
        &app,
        c.ani.token(),
        report_id,
        json!({ "to": "REOPENED", "note": "Belum" }),
    )
    .await;
    assert_code(&again, "FAILED_PRECONDITION");
    assert!(
        !seen(&app, c.ani.token(), report_id).await["availableMoves"]
            .as_array()
            .unwrap()
            .contains(&json!("REOPENED"))
    );
    moved(&app, &c.ani, report_id, json!({ "to": "CLOSED" })).await;
    // Closed is final.
    let after = move_report(
        &app,
        c.planner.token(),
        report_id,
        json!({ "to": "DISPOSED", "agencyId": c.world.agency }),
    )
    .await;
    assert_code(&after, "FAILED_PRECONDITION");

    // The survey: the reporter, once.
    let stranger = app
        .gql(
            RATE,
            json!({ "id": report_id, "answers": all_fours() }),
            c.budi.token(),
        )
        .await;
    assert_code(&stranger, "FORBIDDEN");
    let invalid = app
        .gql(RATE, json!({ "id": report_id, "answers": { "requirements": 5, "procedure": 4, "time": 4,
            "cost": 4, "product": 4, "competence": 4, "conduct": 4, "complaintHandling": 4, "facilities": 0 } }), c.ani.token())
        .await;
    assert_field_code(&invalid, "requirements", "range");
    assert_eq!(seen(&app, c.ani.token(), report_id).await["canRate"], true);
    ok(&app
        .gql(
            RATE,
            json!({ "id": report_id, "answers": all_fours() }),
            c.ani.token(),
        )
        .await);
    let twice = app
        .gql(
            RATE,
            json!({ "id": report_id, "answers": all_fours() }),
            c.ani.token(),
        )
        .await;
    assert_code(&twice, "CONFLICT");

    // The history names capacities, never people.
    let done = seen(&app, None, report_id).await;
    let steps: Vec<(String, String)> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["actorRole"].as_str().unwrap().to_owned(),
                s["toStatus"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("REPORTER", "SUBMITTED"),
        ("COORDINATOR", "VERIFIED"),
        ("COORDINATOR", "DISPOSED"),
        ("AGENCY", "IN_PROGRESS"),
        ("AGENCY", "ANSWERED"),
        ("REPORTER", "REOPENED"),
        ("AGENCY", "ANSWERED"),
        ("REPORTER", "CLOSED"),
    ];
    assert_eq!(
        steps,
        expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    );
    assert!(!done.to_string().contains("Dedi PUPR"));
    assert!(!done.to_string().contains("Rina Bappeda"));
}

async fn the_reporter_of_an_anonymous_or_secret_report_stays_hidden(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = channel(&app).await;
    let anonymous = c
        .file(
            &app,
            &c.ani,
            json!({ "privacy": "ANONYMOUS", "title": "Lampu jalan mati di Jl. Kawi" }),
        )
        .await;
    let secret = c
        .file(
            &app,
            &c.ani,
            json!({ "privacy": "SECRET", "title": "Pungutan liar di kelurahan",
        "body": "Ada pungutan liar saat mengurus surat di kantor kelurahan." }),
        )
        .await;
    // Unverified reports are not published, whatever their mode.
    assert_code(&report(&app, None, anonymous).await, "NOT_FOUND");
    assert_code(&report(&app, c.budi.token(), anonymous).await, "NOT_FOUND");
    for id in [anonymous, secret] {
        moved(&app, &c.planner, id, json!({ "to": "VERIFIED" })).await;
        moved(&app, &c.planner, id, json!({ "to": "DISPOSED" })).await;
    }
    // Anonymous: published, the name only to the reporter and the coordinators.
    assert_eq!(
        seen(&app, None, anonymous).await["reporterName"],
        Value::Null
    );
    assert_eq!(
        seen(&app, c.budi.token(), anonymous).await["reporterName"],
        Value::Null
    );
    assert_eq!(
        seen(&app, c.agency_staff.token(), anonymous).await["reporterName"],
        Value::Null
    );
    assert_eq!(
        seen(&app, c.planner.token(), anonymous).await["reporterName"],
        "Ani Wulandari"
    );
    assert_eq!(
        seen(&app, c.ani.token(), anonymous).await["reporterName"],
        "Ani Wulandari"
    );
    // Secret: absent for the public and other residents; the agency holding it sees it.
    assert_code(&report(&app, None, secret).await, "NOT_FOUND");
    assert_code(&report(&app, c.budi.token(), secret).await, "NOT_FOUND");
    let at_agency = seen(&app, c.agency_staff.token(), secret).await;
    assert_eq!(at_agency["handlingAgency"], true);
    assert_eq!(at_agency["reporterName"], Value::Null);
    let public = ok(&app.gql(LIST, json!({ "filter": {} }), None).await)["reports"].clone();
    let ids: Vec<i32> = public["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| id(&e["node"]["id"]))
        .collect();
    assert_eq!(ids, vec![anonymous]);
    // Her own list has both; the agency's queue has both; another resident's has none.
    let mine = ok(&app
        .gql(LIST, json!({ "filter": { "view": "MINE" } }), c.ani.token())
        .await)["reports"]["totalCount"]
        .clone();
    assert_eq!(mine, 2);
    let queue = ok(&app
        .gql(
            LIST,
            json!({ "filter": { "view": "QUEUE" } }),
            c.agency_staff.token(),
        )
        .await)["reports"]["totalCount"]
        .clone();
    assert_eq!(queue, 2);
    let theirs = ok(&app
        .gql(
            LIST,
            json!({ "filter": { "view": "MINE" } }),
            c.budi.token(),
        )
        .await)["reports"]["totalCount"]
        .clone();
    assert_eq!(theirs, 0);
    assert_code(
        &app.gql(
            LIST,
            json!({ "filter": { "view": "QUEUE" } }),
            c.budi.token(),
        )
        .await,
        "FORBIDDEN",
    );
    // With her leave, the agency may know who she is.
    let shared = c
        .file(
            &app,
            &c.ani,
            json!({ "privacy": "ANONYMOUS", "shareIdentityWithAgency": true }),
        )
        .await;
    moved(&app, &c.planner, shared, json!({ "to": "DISPOSED" })).await;
    assert_eq!(
        seen(&app, c.agency_staff.token(), shared).await["reporterName"],
        "Ani Wulandari"
    );
    assert_eq!(seen(&app, None, shared).await["reporterName"], Value::Null);

    // No stored event and no Open311 answer carries her name or account.
    let events = app.snapshot().await["events"].clone();
    let text = serde_json::to_string(&events).unwrap();
    assert!(!text.contains("Ani Wulandari"), "{text}");
    for row in &events {
        if row["stream_key"]
            .as_str()
            .unwrap_or_default()
            .contains("report")
        {
            assert_ne!(row["actor_id"], json!(c.ani.id), "{row}");
        }
    }
    let open311 = app
        .client
        .get(format!("{}/open311/v2/requests.json", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!open311.contains("Ani"), "{open311}");
    assert!(!open311.contains("pungutan liar"), "{open311}");
    assert!(open311.contains("tersumbat"), "{open311}");

    // The public dashboard counts the secret report in the year's total, but no row of one
    // or two reports tells that a secret report of its kind exists.
    let other_category = id(&ok(&app
        .gql(
            CATEGORY,
            json!({ "input": { "code": "PUNGLI", "name": "Pungutan liar", "agencyId": c.world.agency } }),
            c.world.admin_token(),
        )
        .await)["createReportCategory"]["id"]);
    c.file(
        &app,
        &c.budi,
        json!({ "privacy": "SECRET", "categoryId": other_category }),
    )
    .await;
    let dashboard = ok(&app
        .gql(
            "query($year: Int!) { reportDashboard(year: $year) { reports categories { category { code } reports } } }",
            json!({ "year": Utc::now().year() }),
            None,
        )
        .await)["reportDashboard"]
        .clone();
    assert_eq!(dashboard["reports"], 4, "{dashboard}");
    let codes: Vec<&Value> = dashboard["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| &row["category"]["code"])
        .collect();
    assert_eq!(codes, [&json!("DRAINASE")], "{dashboard}");
    assert_eq!(dashboard["categories"][0]["reports"], 3, "{dashboard}");
}

fn expected_deadline(start: NaiveDate, working_days: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut day = start;
    let mut left = working_days;
    while left > 0 {
        day = day + Days::new(1);
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend && !holidays.contains(&day) {
            left -= 1;
        }
    }
    day
}

async fn the_clock_skips_weekends_and_holidays_and_escalates_when_it_runs_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = channel(&app).await;
    // The next two weekdays (WIB) are holidays: the clock must step over them.
    let today = (Utc::now() + chrono::Duration::hours(7)).date_naive();
    let mut holidays = Vec::new();
    let mut day = today;
    while holidays.len() < 2 {
        day = day + Days::new(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            holidays.push(day);
        }
    }
    for year in [today.year(), today.year() + 1] {
        let days: Vec<Value> = holidays
            .iter()
            .filter(|d| d.year() == year)
            .map(|d| json!({ "day": d.to_string(), "name": "Cuti bersama", "kind": "COLLECTIVE_LEAVE" }))
            .collect();
        let set = app
            .gql(
                "mutation($year: Int!, $days: [HolidayInput!]!) { setHolidays(year: $year, holidays: $days) { day kind } }",
                json!({ "year": year, "days": days }),
                c.world.admin_token(),
            )
            .await;
        ok(&set);
    }
    // Only administrators set the calendar; a day outside the year is refused.
    let refused = app
        .gql(
            "mutation($days: [HolidayInput!]!) { setHolidays(year: 2026, holidays: $days) { day } }",
            json!({ "days": [{ "day": "2026-12-25", "name": "Natal" }] }),
            c.planner.token(),
        )
        .await;
    assert_code(&refused, "FORBIDDEN");
    let wrong_year = app
        .gql(
            "mutation($days: [HolidayInput!]!) { setHolidays(year: 2026, holidays: $days) { day } }",
            json!({ "days": [{ "day": "2027-01-01", "name": "Tahun baru" }] }),
            c.world.admin_token(),
        )
        .await;
    assert_field_code(&wrong_year, "holidays.0.day", "year");

    let report_id = c.file(&app, &c.ani, json!({})).await;
    let filed = seen(&app, c.ani.token(), report_id).await;
    let due = chrono::DateTime::parse_from_rfc3339(filed["verifyDueAt"].as_str().unwrap()).unwrap();
    let due_local = due.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap());
    // The deadline is the midnight that ends the third working day.
    let last_day = due_local.date_naive() - Days::new(1);
    assert_eq!(last_day, expected_deadline(today, 3, &holidays), "{filed}");
    assert_eq!(due_local.time(), chrono::NaiveTime::MIN);
    assert_eq!(filed["overdue"], false);

    // Nothing is escalated before its clock runs out; after, once per missed clock.
    let escalate = |at: chrono::DateTime<Utc>| {
        let db = app.db.clone();
        async move {
            musrenbang::domain::complaints::escalate_overdue(&db, at)
                .await
                .unwrap()
        }
    };
    assert_eq!(escalate(Utc::now()).await, 0);
    let later = Utc::now() + chrono::Duration::days(30);
    assert_eq!(escalate(later).await, 1);
    assert_eq!(escalate(later).await, 0, "a missed clock escalates once");
    let escalated = seen(&app, c.planner.token(), report_id).await;
    assert_eq!(escalated["escalationLevel"], 1);
    let last = escalated["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["actorRole"], "SYSTEM");

    // The agency's clock (another report, sent on the day it came): no follow-up within its
    // five working days: escalated; a follow-up stops that clock.
    let sent = c.file(&app, &c.budi, json!({})).await;
    moved(&app, &c.planner, sent, json!({ "to": "DISPOSED" })).await;
    let disposed = seen(&app, c.planner.token(), sent).await;
    let follow_up_due =
        chrono::DateTime::parse_from_rfc3339(disposed["followUpDueAt"].as_str().unwrap()).unwrap();
    let follow_up_local =
        follow_up_due.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap());
    assert_eq!(
        follow_up_local.date_naive() - Days::new(1),
        expected_deadline(today, 5, &holidays)
    );
    assert_eq!(escalate(Utc::now()).await, 0);
    assert_eq!(escalate(later).await, 1);
    let overdue_at_agency = seen(&app, c.agency_staff.token(), sent).await;
    assert_eq!(overdue_at_agency["escalationLevel"], 1);
    let queue = ok(&app
        .gql(
            LIST,
            json!({ "filter": { "view": "QUEUE" } }),
            c.planner.token(),
        )
        .await)["reports"]["edges"]
        .clone();
    assert_eq!(queue.as_array().unwrap().len(), 2);
    moved(
        &app,
        &c.agency_staff,
        sent,
        json!({ "to": "IN_PROGRESS", "note": "Survei lokasi" }),
    )
    .await;
    assert_eq!(escalate(later + chrono::Duration::days(30)).await, 0);
}

async fn the_satisfaction_index_matches_a_hand_checked_example(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = channel(&app).await;
    let cici = c.world.verified_resident(&app, "Cici Rahayu").await;
    // Element sums 11, 10, 9, 12, 10, 11, 12, 8, 9 over three respondents: 85.19, grade B.
    let answers = [
        [4, 3, 3, 4, 3, 4, 4, 3, 3],
        [4, 4, 3, 4, 4, 4, 4, 3, 3],
        [3, 3, 3, 4, 3, 3, 4, 2, 3],
    ];
    for (reporter, row) in [&c.ani, &c.budi, &cici].into_iter().zip(answers) {
        let id = c.file(&app, reporter, json!({})).await;
        moved(&app, &c.planner, id, json!({ "to": "DISPOSED" })).await;
        moved(
            &app,
            &c.agency_staff,
            id,
            json!({ "to": "ANSWERED", "note": "Selesai dikerjakan" }),
        )
        .await;
        moved(&app, reporter, id, json!({ "to": "CLOSED" })).await;
        let names = [
            "requirements",
            "procedure",
            "time",
            "cost",
            "product",
            "competence",
            "conduct",
            "complaintHandling",
            "facilities",
        ];
        let mut input = json!({});
        for (name, value) in names.iter().zip(row) {
            input[*name] = json!(value);
        }
        ok(&app
            .gql(
                RATE,
                json!({ "id": id, "answers": input }),
                reporter.token(),
            )
            .await);
    }
    let year = Utc::now().year();
    let dashboard = ok(&app
        .gql(
            "query($year: Int!) { reportDashboard(year: $year) { reports closed overdueNow
                satisfaction { value grade respondents }
                agencies { agency { id } received answered followedUpOnTime onTimeShare
                    satisfaction { value grade respondents elementMeans } }
                categories { category { code } reports closed } } }",
            json!({ "year": year }),
            None,
        )
        .await)["reportDashboard"]
        .clone();
    assert_eq!(dashboard["reports"], 3);
    assert_eq!(dashboard["closed"], 3);
    assert_eq!(dashboard["satisfaction"]["value"], 85.19);
    assert_eq!(dashboard["satisfaction"]["grade"], "B");
    let agency = &dashboard["agencies"][0];
    assert_eq!(agency["agency"]["id"], json!(c.world.agency));
    assert_eq!(agency["received"], 3);
    assert_eq!(agency["answered"], 3);
    assert_eq!(agency["followedUpOnTime"], 3);
    assert_eq!(agency["onTimeShare"], 1.0);
    assert_eq!(agency["satisfaction"]["respondents"], 3);
    assert_eq!(agency["satisfaction"]["elementMeans"][7], 2.67);
    assert_eq!(dashboard["categories"][0]["category"]["code"], "DRAINASE");
    // The same figures as CSV for spreadsheets, with `;` and decimal commas.
    let csv = app
        .client
        .get(format!("{}/statistik/laporan.csv?tahun={year}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("sep=;\n"), "{csv}");
    assert!(csv.contains(";85,19;B;3"), "{csv}");
    // And as a workbook with a title block and totals, read back with a real reader.
    let bytes = app
        .client
        .get(format!("{}/statistik/laporan.xlsx?tahun={year}", app.base))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("Per perangkat daerah").unwrap();
    let cells: Vec<String> = sheet
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        cells.iter().any(|c| c.starts_with("Statistik laporan")),
        "{cells:?}"
    );
    assert!(cells.contains(&"85.19".to_owned()), "{cells:?}");
    assert!(cells.contains(&"Jumlah".to_owned()), "{cells:?}");
    let bad_year = app
        .client
        .get(format!("{}/statistik/laporan.csv?tahun=abc", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_year.status(), 400);
}

async fn a_report_becomes_a_proposal_that_its_reporter_follows_into_the_plan(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = channel(&app).await;
    let report_id = c.file(&app, &c.ani, json!({})).await;
    let input = c.world.proposal_input(json!({}));
    let early = app
        .gql(
            "mutation($r: Int!, $p: CreateProposalInput!) { reportToProposal(reportId: $r, proposal: $p) { id } }",
            json!({ "r": report_id, "p": input }),
            c.planner.token(),
        )
        .await;
    assert_code(&early, "FAILED_PRECONDITION");
    moved(&app, &c.planner, report_id, json!({ "to": "VERIFIED" })).await;
    let suggested = ok(&app
        .gql(
            "query($id: Int!) { report(id: $id) { suggestedForum { id } } }",
            json!({ "id": report_id }),
            c.planner.token(),
        )
        .await)["report"]["suggestedForum"]["id"]
        .clone();
    assert_eq!(suggested, json!(c.world.forum_kelurahan));
    let for_resident = ok(&app
        .gql(
            "query($id: Int!) { report(id: $id) { suggestedForum { id } } }",
            json!({ "id": report_id }),
            c.budi.token(),
        )
        .await)["report"]["suggestedForum"]
        .clone();
    assert_eq!(for_resident, Value::Null);
    let by_resident = app
        .gql(
            "mutation($r: Int!, $p: CreateProposalInput!) { reportToProposal(reportId: $r, proposal: $p) { id } }",
            json!({ "r": report_id, "p": input }),
            c.budi.token(),
        )
        .await;
    assert_code(&by_resident, "FORBIDDEN");
    let made = app
        .gql(
            "mutation($r: Int!, $p: CreateProposalInput!) { reportToProposal(reportId: $r, proposal: $p) {
                id code status sourceReport { id } } }",
            json!({ "r": report_id, "p": input }),
            c.planner.token(),
        )
        .await;
    let proposal = ok(&made)["reportToProposal"].clone();
    assert_eq!(proposal["status"], "DRAFT");
    assert_eq!(proposal["sourceReport"]["id"], json!(report_id));
    let twice = app
        .gql(
            "mutation($r: Int!, $p: CreateProposalInput!) { reportToProposal(reportId: $r, proposal: $p) { id } }",
            json!({ "r": report_id, "p": input }),
            c.planner.token(),
        )
        .await;
    assert_code(&twice, "CONFLICT");
    // A draft is the planner's until submitted; then the reporter follows it from the report.
    assert_eq!(
        seen(&app, c.ani.token(), report_id).await["proposal"],
        Value::Null
    );
    let proposal_id = id(&proposal["id"]);
    c.world
        .transition(&app, &c.planner, proposal_id, "SUBMITTED", None)
        .await;
    c.world
        .transition(&app, &c.world.admin, proposal_id, "VERIFIED", None)
        .await;
    let followed = seen(&app, c.ani.token(), report_id).await;
    assert_eq!(followed["proposal"]["id"], json!(proposal_id));
    assert_eq!(followed["proposal"]["status"], "VERIFIED");
    let back = ok(&app
        .gql(
            "query($id: Int!) { proposal(id: $id) { sourceReport { id code } } }",
            json!({ "id": proposal_id }),
            None,
        )
        .await)["proposal"]["sourceReport"]["id"]
        .clone();
    assert_eq!(back, json!(report_id));
    // The reporter was told, with the proposal's code.
    let notes = ok(&app
        .gql(
            "query { notifications { kind summary details { reportId } } }",
            json!({}),
            c.ani.token(),
        )
        .await)["notifications"]
        .clone();
    let told = notes.as_array().unwrap().iter().any(|n| {
        n["kind"] == "REPORT_STATUS"
            && n["summary"]
                .as_str()
                .unwrap()
                .contains(proposal["code"].as_str().unwrap())
    });
    assert!(told, "{notes:#}");
}

async fn duplicates_are_offered_to_staff_and_merged_with_their_reporters_following(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let c = channel(&app).await;
    let first = c.file(&app, &c.ani, json!({})).await;
    // 60 m away, same category, days apart: a likely duplicate; 5 km away is not.
    let near = c
        .file(
            &app,
            &c.budi,
            json!({ "latitude": -7.9717, "longitude": 112.6217 }),
        )
        .await;
    let far = c
        .file(
            &app,
            &c.budi,
            json!({ "latitude": -8.0150, "longitude": 112.6215 }),
        )
        .await;
    let query = "query($id: Int!) { report(id: $id) { likelyDuplicates { report { id } distanceMetres } } }";
    let found = ok(&app
        .gql(query, json!({ "id": first }), c.planner.token())
        .await)["report"]["likelyDuplicates"]
        .clone();
    let ids: Vec<i32> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|d| id(&d["report"]["id"]))
        .collect();
    assert_eq!(ids, vec![near], "{found}");
    let metres = found[0]["distanceMetres"].as_f64().unwrap();
    assert!((40.0..80.0).contains(&metres), "{metres}");
    let _ = far;
    assert_code(
        &app.gql(query, json!({ "id": first }), c.ani.token()).await,
        "FORBIDDEN",
    );

    let merge = "mutation($r: Int!, $into: Int!) { mergeReport(reportId: $r, intoId: $into) { id status } }";
    assert_code(
        &app.gql(merge, json!({ "r": near, "into": first }), c.budi.token())
            .await,
        "NOT_FOUND",
    );
    let merged = ok(&app
        .gql(
            merge,
            json!({ "r": near, "into": first }),
            c.planner.token(),
        )
        .await)["mergeReport"]
        .clone();
    assert_eq!(merged["status"], "MERGED");
    // Budi follows Ani's report now, and hears of its changes.
    let followed = seen(&app, c.budi.token(), first).await;
    assert_eq!(followed["following"], true);
    assert_eq!(followed["followersCount"], 1);
    moved(&app, &c.planner, first, json!({ "to": "DISPOSED" })).await;
    let notes = ok(&app
        .gql(
            "query { notifications { kind details { reportId toStatus } } }",
            json!({}),
            c.budi.token(),
        )
        .await)["notifications"]
        .clone();
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["details"]["reportId"] == json!(first)
                && n["details"]["toStatus"] == "DISPOSED"),
        "{notes:#}"
    );
}

/// A JPEG with an EXIF block that gives the position away.
fn photo_with_position() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 90)
        .encode_image(&picture)
        .unwrap();
    let mut exif = b"Exif\0\0GPSLatitude=-7.971234;GPSLongitude=112.621567".to_vec();
    exif.extend_from_slice(b"");
    let length = u16::try_from(exif.len() + 2).unwrap().to_be_bytes();
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE1, length[0], length[1]];
    photo.extend_from_slice(&exif);
    photo.extend_from_slice(&encoded[2..]);
    photo
}

async fn upload_photo(app: &TestApp, token: Option<&str>, report: i32, bytes: Vec<u8>) -> Value {
    let query = "mutation($r: Int!, $f: Upload!) { uploadReportPhoto(reportId: $r, file: $f) { id url thumbnailUrl fromAgency } }";
    let operations = json!({ "query": query, "variables": { "r": report, "f": null } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes)
                .file_name("foto.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base))
        .multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

async fn photos_lose_their_position_and_follow_the_reports_privacy(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = channel(&app).await;
    let secret = c.file(&app, &c.ani, json!({ "privacy": "SECRET" })).await;
    let original = photo_with_position();
    assert!(String::from_utf8_lossy(&original).contains("GPSLatitude"));
    let uploaded = upload_photo(&app, c.ani.token(), secret, original.clone()).await;
    let photo = ok(&uploaded)["uploadReportPhoto"].clone();
    assert_eq!(photo["fromAgency"], false);
    let url = photo["url"].as_str().unwrap().to_owned();
    let refused = upload_photo(&app, c.budi.token(), secret, original.clone()).await;
    assert_code(&refused, "NOT_FOUND");
    let not_an_image = upload_photo(
        &app,
        c.ani.token(),
        secret,
        b"MZ\x90\x00 not a photo".to_vec(),
    )
    .await;
    assert_field_code(&not_an_image, "file", "type");

    let anonymous = app
        .client
        .get(format!("{}{url}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 404);
    let own = app
        .client
        .get(format!("{}{url}", app.base))
        .bearer_auth(&c.ani.token)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    assert!(own.headers()["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("private"));
    let bytes = own.bytes().await.unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("GPSLatitude"));
    assert!(image::load_from_memory(&bytes).is_ok());

    // The agency's photo of its answer is marked as such.
    moved(&app, &c.planner, secret, json!({ "to": "DISPOSED" })).await;
    moved(
        &app,
        &c.agency_staff,
        secret,
        json!({ "to": "ANSWERED", "note": "Sudah ditertibkan" }),
    )
    .await;
    let answer = upload_photo(&app, c.agency_staff.token(), secret, original).await;
    assert_eq!(ok(&answer)["uploadReportPhoto"]["fromAgency"], true);
    assert_eq!(
        seen(&app, c.ani.token(), secret).await["photos"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

async fn status_changes_reach_the_reporter_and_the_agency_live(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = channel(&app).await;
    let report_id = c.file(&app, &c.ani, json!({ "privacy": "SECRET" })).await;
    let mut reporter = WsClient::connect(app.addr, TRANSPORT_WS).await;
    reporter.init_ok(c.ani.token()).await;
    let mine = reporter
        .subscribe(
            "subscription($id: Int!) { reportEvents(reportId: $id) { kind subjectId data } }",
            json!({ "id": report_id }),
        )
        .await;
    let mut agency = WsClient::connect(app.addr, TRANSPORT_WS).await;
    agency.init_ok(c.agency_staff.token()).await;
    let queue = agency
        .subscribe(
            "subscription($id: Int!) { agencyReports(agencyId: $id) { kind subjectId data } }",
            json!({ "id": c.world.agency }),
        )
        .await;
    // Someone else may not follow a secret report, nor another agency's queue.
    let mut stranger = WsClient::connect(app.addr, TRANSPORT_WS).await;
    stranger.init_ok(c.budi.token()).await;
    let peek = stranger
        .subscribe(
            "subscription($id: Int!) { reportEvents(reportId: $id) { kind } }",
            json!({ "id": report_id }),
        )
        .await;
    let answer = stranger
        .next_result(&peek, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{answer}"
    );
    let other_queue = stranger
        .subscribe(
            "subscription($id: Int!) { agencyReports(agencyId: $id) { kind } }",
            json!({ "id": c.world.agency }),
        )
        .await;
    let answer = stranger
        .next_result(&other_queue, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{answer}"
    );

    // The coordinators' queue: the city's planner hears of the secret report; a moderator of
    // another kelurahan neither hears of it nor may follow the report's region.
    const QUEUE: &str =
        "subscription($region: Int) { reportQueue(regionId: $region) { kind subjectId data } }";
    let mut planner = WsClient::connect(app.addr, TRANSPORT_WS).await;
    planner.init_ok(c.planner.token()).await;
    let coordinators = planner.subscribe(QUEUE, json!({})).await;
    // A grant closes the account's open sockets once its signal arrives (on PostgreSQL through
    // LISTEN/NOTIFY, a moment later): wait for that on a first socket, then connect for good.
    let outsider = register(&app, "Fasilitator Lain", json!({})).await;
    let mut first = WsClient::connect(app.addr, TRANSPORT_WS).await;
    first.init_ok(outsider.token()).await;
    c.world
        .grant(
            &app,
            json!({ "accountId": outsider.id, "role": "MODERATOR", "forumId": c.world.forum_kelurahan_b }),
        )
        .await;
    loop {
        match first.recv(Duration::from_secs(10)).await {
            Some(Incoming::Close(..)) | Some(Incoming::Ended) => break,
            None => panic!("the grant did not reach the open socket"),
            Some(_) => continue,
        }
    }
    let mut elsewhere = WsClient::connect(app.addr, TRANSPORT_WS).await;
    elsewhere.init_ok(outsider.token()).await;
    let whole_area = elsewhere.subscribe(QUEUE, json!({})).await;
    let their_region = elsewhere
        .subscribe(QUEUE, json!({ "region": c.world.kelurahan }))
        .await;
    let answer = elsewhere
        .next_result(&their_region, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{answer}"
    );
    let replay = planner
        .subscribe("subscription { reportQueue(since: 0) { kind } }", json!({}))
        .await;
    let answer = planner
        .next_result(&replay, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{answer}"
    );
    let resident_queue = stranger.subscribe(QUEUE, json!({})).await;
    let answer = stranger
        .next_result(&resident_queue, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{answer}"
    );

    // Replays start after the filing; the disposition reaches both.
    moved(&app, &c.planner, report_id, json!({ "to": "DISPOSED" })).await;
    let queued = planner.next_data(&coordinators).await["reportQueue"].clone();
    assert_eq!(queued["subjectId"], json!(report_id));
    assert_eq!(queued["data"]["to"], "DISPOSED");
    assert!(
        queued["data"].get("title").is_none_or(Value::is_null),
        "{queued}"
    );
    let mut kinds = Vec::new();
    loop {
        let event = reporter.next_data(&mine).await["reportEvents"].clone();
        kinds.push(event["data"]["to"].as_str().unwrap().to_owned());
        if event["data"]["to"] == "DISPOSED" {
            assert_eq!(event["kind"], "REPORT_STATUS_CHANGED");
            assert_eq!(event["data"]["agencyId"], json!(c.world.agency));
            break;
        }
    }
    let at_agency = agency.next_data(&queue).await["agencyReports"].clone();
    assert_eq!(at_agency["subjectId"], json!(report_id));
    assert_eq!(at_agency["data"]["to"], "DISPOSED");
    moved(
        &app,
        &c.agency_staff,
        report_id,
        json!({ "to": "ANSWERED", "note": "Ditindaklanjuti Satpol PP" }),
    )
    .await;
    let answered = reporter.next_data(&mine).await["reportEvents"].clone();
    assert_eq!(answered["data"]["to"], "ANSWERED");
    assert_eq!(answered["data"]["note"], "Ditindaklanjuti Satpol PP");
    assert!(!answered.to_string().contains("Ani Wulandari"));
    let queued = planner.next_data(&coordinators).await["reportQueue"].clone();
    assert_eq!(queued["data"]["to"], "ANSWERED");
    // Both changes reached the coordinators; the other kelurahan's moderator heard of none.
    while let Some(message) = elsewhere.recv(Duration::from_millis(500)).await {
        // The refused subscription's end may still arrive; nothing else may.
        assert_eq!(
            message,
            Incoming::Json(json!({ "id": their_region, "type": "complete" })),
            "subscription {whole_area} heard of a report outside its area"
        );
    }
}

async fn open311(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/open311/v2/{path}", app.base))
        .send()
        .await
        .unwrap()
}

async fn open311_serves_services_and_requests_as_the_spec_shapes_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = channel(&app).await;
    let services: Value = open311(&app, "services.json").await.json().await.unwrap();
    assert_eq!(services[0]["service_code"], "DRAINASE");
    assert_eq!(services[0]["service_name"], "Saluran air dan drainase");
    assert_eq!(services[0]["type"], "realtime");
    assert_eq!(services[0]["metadata"], true);
    let xml = open311(&app, "services.xml").await;
    assert!(xml.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/xml"));
    let xml = xml.text().await.unwrap();
    assert!(
        xml.contains("<services><service><service_code>DRAINASE</service_code>"),
        "{xml}"
    );
    let definition: Value = open311(&app, "services/DRAINASE.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(definition["service_code"], "DRAINASE");
    assert_eq!(definition["attributes"][0]["code"], "privacy");
    assert_eq!(open311(&app, "services/NOPE.json").await.status(), 404);

    // Filing: `api_key` is a resident's token.
    let post = |form: Vec<(&'static str, String)>| {
        let request = app
            .client
            .post(format!("{}/open311/v2/requests.json", app.base))
            .form(&form);
        async move { request.send().await.unwrap() }
    };
    let anonymous = post(vec![
        ("service_code", "DRAINASE".into()),
        ("description", "Got mampet di depan sekolah".into()),
    ])
    .await;
    assert_eq!(anonymous.status(), 401);
    let error: Value = anonymous.json().await.unwrap();
    assert_eq!(error[0]["code"], 401);
    assert!(error[0]["description"].is_string());
    let bad = post(vec![
        ("api_key", c.ani.token.clone()),
        ("service_code", "DRAINASE".into()),
        ("description", "Got".into()),
        ("lat", "-7.97".into()),
        ("long", "112.62".into()),
    ])
    .await;
    assert_eq!(bad.status(), 400);
    let filed = post(vec![
        ("api_key", c.ani.token.clone()),
        ("service_code", "DRAINASE".into()),
        (
            "description",
            "Got mampet di depan SDN Oro-oro Dowo, air meluap ke jalan".into(),
        ),
        ("lat", "-7.9712".into()),
        ("long", "112.6215".into()),
        ("address_string", "Jl. Kawi depan SDN".into()),
    ])
    .await;
    assert_eq!(filed.status(), 201);
    let filed: Value = filed.json().await.unwrap();
    let request_id: i32 = filed[0]["service_request_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(filed[0]["service_notice"].is_string());
    let secret = post(vec![
        ("api_key", c.ani.token.clone()),
        ("service_code", "DRAINASE".into()),
        (
            "description",
            "Laporan rahasia tentang petugas lapangan".into(),
        ),
        ("attribute[privacy]", "secret".into()),
    ])
    .await;
    assert_eq!(secret.status(), 201);
    let secret_id: i32 = secret.json::<Value>().await.unwrap()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // The area defaults to the resident's home; the report is anonymous by default.
    let stored = seen(&app, c.planner.token(), request_id).await;
    assert_eq!(stored["privacy"], "ANONYMOUS");

    // Unverified requests are not published; verified ones are, without the reporter.
    let listed: Value = open311(&app, "requests.json").await.json().await.unwrap();
    assert_eq!(listed, json!([]));
    assert_eq!(
        open311(&app, &format!("requests/{request_id}.json"))
            .await
            .status(),
        404
    );
    for id in [request_id, secret_id] {
        moved(&app, &c.planner, id, json!({ "to": "DISPOSED" })).await;
    }
    let listed: Value = open311(&app, "requests.json").await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let one = &listed[0];
    assert_eq!(one["service_request_id"], request_id.to_string());
    assert_eq!(one["status"], "open");
    assert_eq!(one["service_code"], "DRAINASE");
    assert_eq!(one["lat"], -7.9712);
    assert!(one["agency_responsible"].is_string());
    assert!(one["expected_datetime"].as_str().unwrap().ends_with('Z'));
    assert!(one["requested_datetime"].is_string());
    assert!(!listed.to_string().contains("Ani"));
    assert_eq!(
        open311(&app, &format!("requests/{secret_id}.json"))
            .await
            .status(),
        404
    );
    // Filters of the spec.
    let closed: Value = open311(&app, "requests.json?status=closed")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed, json!([]));
    let by_code: Value = open311(&app, "requests.json?service_code=DRAINASE&status=open")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_code.as_array().unwrap().len(), 1);
    let by_id: Value = open311(
        &app,
        &format!("requests.json?service_request_id={request_id},{secret_id}"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(by_id.as_array().unwrap().len(), 1);
    let future: Value = open311(
        &app,
        "requests.json?start_date=2099-01-01T00:00:00Z&end_date=2099-02-01T00:00:00Z",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(future, json!([]));
    let wrong = open311(&app, "requests.json?start_date=yesterday").await;
    assert_eq!(wrong.status(), 400);
    let xml = open311(&app, &format!("requests/{request_id}.xml"))
        .await
        .text()
        .await
        .unwrap();
    assert!(xml.contains(&format!("<service_requests><request><service_request_id>{request_id}</service_request_id><status>open</status>")), "{xml}");
    // Closed once the reporter accepts the answer.
    moved(
        &app,
        &c.agency_staff,
        request_id,
        json!({ "to": "ANSWERED", "note": "Got sudah dibersihkan" }),
    )
    .await;
    moved(&app, &c.ani, request_id, json!({ "to": "CLOSED" })).await;
    let done: Value = open311(&app, &format!("requests/{request_id}.json"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done[0]["status"], "closed");
    assert_eq!(done[0]["status_notes"], "Got sudah dibersihkan");
}

async fn filing_twice_with_one_key_makes_one_report(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let c = channel(&app).await;
    let key = "laporan-offline-0001-abcdef";
    let first = app
        .gql(
            FILE,
            json!({ "input": c.input(json!({})), "key": key }),
            c.ani.token(),
        )
        .await;
    let second = app
        .gql(
            FILE,
            json!({ "input": c.input(json!({})), "key": key }),
            c.ani.token(),
        )
        .await;
    assert_eq!(
        ok(&first)["fileReport"]["id"],
        ok(&second)["fileReport"]["id"]
    );
    let mine = ok(&app
        .gql(LIST, json!({ "filter": { "view": "MINE" } }), c.ani.token())
        .await)["reports"]["totalCount"]
        .clone();
    assert_eq!(mine, 1);
    // Bad input: a clear field error and nothing written.
    let before = app.snapshot().await["reports"].clone();
    let bad = app
        .gql(
            FILE,
            json!({ "input": c.input(json!({ "title": "x", "categoryId": 999 })) }),
            c.ani.token(),
        )
        .await;
    assert_field_code(&bad, "title", "length");
    assert_eq!(app.snapshot().await["reports"], before);
    // A retired category takes no new reports; only administrators change categories.
    let update = "mutation($input: UpdateReportCategoryInput!) { updateReportCategory(input: $input) { id active verifyDays } }";
    assert_code(
        &app.gql(
            update,
            json!({ "input": { "id": c.category, "active": false } }),
            c.planner.token(),
        )
        .await,
        "FORBIDDEN",
    );
    let retired = app
        .gql(
            update,
            json!({ "input": { "id": c.category, "active": false, "verifyDays": 2 } }),
            c.world.admin_token(),
        )
        .await;
    assert_eq!(ok(&retired)["updateReportCategory"]["verifyDays"], 2);
    let after_retiring = app
        .gql(FILE, json!({ "input": c.input(json!({})) }), c.ani.token())
        .await;
    assert_field_code(&after_retiring, "categoryId", "unknown");
    let bad_days = app
        .gql(
            update,
            json!({ "input": { "id": c.category, "followUpDays": 0 } }),
            c.world.admin_token(),
        )
        .await;
    assert_field_code(&bad_days, "followUpDays", "range");
    ok(&app
        .gql(
            update,
            json!({ "input": { "id": c.category, "active": true } }),
            c.world.admin_token(),
        )
        .await);
    let unknown = app
        .gql(
            FILE,
            json!({ "input": c.input(json!({ "categoryId": 999 })) }),
            c.ani.token(),
        )
        .await;
    assert_field_code(&unknown, "categoryId", "unknown");
    assert_code(
        &app.gql(FILE, json!({ "input": c.input(json!({})) }), None)
            .await,
        "UNAUTHENTICATED",
    );
}

backend_tests!(
    the_workflow_moves_by_role_and_refuses_everyone_else,
    the_reporter_of_an_anonymous_or_secret_report_stays_hidden,
    the_clock_skips_weekends_and_holidays_and_escalates_when_it_runs_out,
    the_satisfaction_index_matches_a_hand_checked_example,
    a_report_becomes_a_proposal_that_its_reporter_follows_into_the_plan,
    duplicates_are_offered_to_staff_and_merged_with_their_reporters_following,
    photos_lose_their_position_and_follow_the_reports_privacy,
    status_changes_reach_the_reporter_and_the_agency_live,
    open311_serves_services_and_requests_as_the_spec_shapes_them,
    filing_twice_with_one_key_makes_one_report,
);
