//! Exports for planners (`GET /export`): the priority list as CSV, Excel and JSON read back with
//! real readers, the minutes as PDF read with `pdftotext`, the ballots as `.pb` through the
//! Pabulib parser, and who may export what.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect
mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::*;
use serde_json::{json, Value};

const OPEN_ROUND: &str =
    "mutation($input: OpenRoundInput!) { openVotingRound(input: $input) { id } }";
const CAST: &str = "mutation($round: Int!, $choices: [ChoiceInput!]!) { castBallot(roundId: $round, choices: $choices) { receipt } }";

const DRAINAGE: &str = "Saluran drainase Jl. Kawi – tahap \"2\", RT 03";
const LAMPS: &str = "Lampu penerangan jalan Jl. Ijen";
const POSYANDU: &str = "Renovasi Posyandu Melati (gedung & halaman)";
const REJECTED_NOTE: &str = "Lokasi di luar wilayah kelurahan";

struct Download {
    status: u16,
    content_type: String,
    disposition: String,
    body: Vec<u8>,
}

impl Download {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    fn error_code(&self) -> String {
        self.json()["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

async fn download(app: &TestApp, query: &str, token: Option<&str>) -> Download {
    let mut request = app.client.get(format!("{}/export?{query}", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("a body").to_vec();
    Download {
        status,
        content_type,
        disposition,
        body,
    }
}

/// Oro-oro Dowo's forum with three verified proposals (Rp 300 + 250 + 200 million against a
/// ceiling of Rp 650 million) and one rejected during verification; returns their ids.
async fn forum_with_proposals(app: &TestApp, w: &World) -> [i32; 4] {
    let ani = w.verified_resident(app, "Ani Wulandari").await;
    let drainage = w
        .verified(
            app,
            &ani,
            json!({ "title": DRAINAGE, "estimatedCost": 300_000_000i64 }),
        )
        .await;
    let lamps = w
        .verified(
            app,
            &ani,
            json!({ "title": LAMPS, "estimatedCost": 250_000_000i64, "activityId": null,
                "volume": 24.0, "unit": "titik", "regionId": w.kelurahan }),
        )
        .await;
    let posyandu = w
        .verified(
            app,
            &ani,
            json!({ "title": POSYANDU, "estimatedCost": 200_000_000i64 }),
        )
        .await;
    let rejected = w
        .submitted(
            app,
            &ani,
            json!({ "title": "Gapura batas kelurahan", "estimatedCost": 90_000_000i64 }),
        )
        .await;
    w.transition(app, &w.admin, rejected, "REJECTED", Some(REJECTED_NOTE))
        .await;
    [drainage, lamps, posyandu, rejected]
}

fn csv_records(body: &[u8]) -> Vec<Vec<String>> {
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "CSV starts with a BOM");
    let text = std::str::from_utf8(&body[3..]).expect("UTF-8");
    assert!(text.contains("\r\n"), "CRLF line ends");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect()
}

async fn closed_forum_exports_in_every_format(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    forum_with_proposals(&app, &w).await;
    w.close_forum(&app, w.forum_kelurahan).await;
    let query = |format: &str| format!("format={format}&forum={}", w.forum_kelurahan);

    // CSV, anonymously: the results of a closed forum are public.
    let csv = download(&app, &query("csv"), None).await;
    assert_eq!(csv.status, 200, "{}", String::from_utf8_lossy(&csv.body));
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    assert_eq!(
        csv.disposition,
        "attachment; filename=\"daftar-prioritas-musrenbang-kelurahan-oro-oro-dowo.csv\""
    );
    let text = String::from_utf8_lossy(&csv.body[3..]).into_owned();
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "Forum,Peringkat,Kode usulan,Program/Kegiatan,Kegiatan (katalog),Bidang,Lokasi (desa/kelurahan),RT/RW,Volume,Satuan,Pagu (Rp),OPD penanggung jawab,Suara/Skor,Daftar,Keputusan,Keterangan,Lampiran"
    );
    let records = csv_records(&csv.body);
    assert_eq!(records.len(), 4, "{records:?}");
    let titles: Vec<&str> = records.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(
        titles,
        [DRAINAGE, LAMPS, POSYANDU, "Gapura batas kelurahan"]
    );
    let first = &records[0];
    assert_eq!(first[0], "Musrenbang Kelurahan Oro-oro Dowo");
    assert_eq!(first[1], "1");
    assert_eq!(first[4], "Pembangunan saluran drainase lingkungan");
    assert_eq!(first[5], "Pekerjaan Umum dan Penataan Ruang");
    // The proposal lies in an RW: its location is the kelurahan above it, its RT/RW the RW.
    assert_eq!(first[6], "Oro-oro Dowo");
    assert_eq!(first[7], "RW 02 Oro-oro Dowo");
    assert_eq!(first[8].parse::<f64>().unwrap(), 120.0);
    assert_eq!(first[10].parse::<i64>().unwrap(), 300_000_000);
    assert_eq!(first[11], "Dinas Pekerjaan Umum dan Penataan Ruang");
    assert_eq!(first[13], "Utama");
    assert_eq!(first[14], "Diakomodir");
    assert_eq!(records[1][4], "", "no catalogue activity");
    assert_eq!(records[1][9], "titik");
    assert_eq!(records[1][7], "", "the lamps lie in the kelurahan itself");
    assert_eq!(records[1][14], "Diakomodir");
    // Rp 200 million no longer fits the ceiling: not forwarded.
    assert_ne!(records[2][14], "Diakomodir");
    let rejected = &records[3];
    assert_eq!(rejected[1], "", "never ranked");
    assert_eq!(rejected[13], "Ditolak saat verifikasi");
    assert_eq!(rejected[14], "Tidak diakomodir");
    assert!(rejected[15].contains(REJECTED_NOTE), "{rejected:?}");

    // The command line writes the same bytes, and refuses a format it does not know.
    let forum = w.forum_kelurahan.to_string();
    let cli = musrenbang_export(&app, &["--format", "csv", "--forum", &forum, "--out", "-"]);
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert_eq!(cli.stdout, csv.body);
    let refused = musrenbang_export(&app, &["--format", "docx", "--forum", &forum]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("invalid format: must be csv, xlsx, json, pdf or pb"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    // Excel: numbers are numbers, one sheet for the forum.
    let xlsx = download(&app, &query("xlsx"), None).await;
    assert_eq!(xlsx.status, 200);
    assert_eq!(
        xlsx.content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(xlsx.disposition.ends_with(".xlsx\""));
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.body)).expect("a workbook");
    assert_eq!(
        book.sheet_names(),
        vec!["Kelurahan Oro-oro Dowo".to_owned()]
    );
    let sheet = book.worksheet_range("Kelurahan Oro-oro Dowo").unwrap();
    // The title block: forum, cycle and region, ceiling, status and date.
    let text = |row: u32, col: u32| match sheet.get_value((row, col)) {
        Some(Data::String(text)) => text.clone(),
        other => panic!("({row}, {col}): {other:?}"),
    };
    assert_eq!(
        text(0, 0),
        "Daftar Prioritas Musrenbang Kelurahan Oro-oro Dowo"
    );
    assert_eq!(
        text(1, 0),
        "Musrenbang RKPD Kota Malang 2027 · Wilayah Oro-oro Dowo"
    );
    assert_eq!(text(2, 0), "Pagu indikatif: Rp 650.000.000");
    assert!(text(3, 0).starts_with("Status: Ditutup · Diekspor "));
    // The list under its header, then the main list's totals and what is left of the ceiling.
    assert_eq!(text(5, 10), "Pagu (Rp)");
    assert_eq!(text(5, 7), "RT/RW");
    assert_eq!(sheet.get_value((6, 1)), Some(&Data::Float(1.0)));
    assert_eq!(text(6, 3), DRAINAGE);
    assert_eq!(text(6, 5), "Pekerjaan Umum dan Penataan Ruang");
    assert_eq!(sheet.get_value((6, 8)), Some(&Data::Float(120.0)));
    assert_eq!(sheet.get_value((6, 10)), Some(&Data::Float(300_000_000.0)));
    assert_eq!(sheet.get_value((7, 10)), Some(&Data::Float(250_000_000.0)));
    assert_eq!(sheet.get_value((9, 1)), Some(&Data::Empty));
    assert_eq!(text(9, 14), "Tidak diakomodir");
    assert_eq!(text(11, 2), "Jumlah daftar utama");
    assert_eq!(text(11, 3), "2 usulan");
    assert_eq!(sheet.get_value((11, 10)), Some(&Data::Float(550_000_000.0)));
    assert_eq!(text(12, 2), "Sisa pagu indikatif");
    assert_eq!(sheet.get_value((12, 10)), Some(&Data::Float(100_000_000.0)));

    // JSON: one array of objects.
    let json = download(&app, &query("json"), None).await;
    assert_eq!(json.status, 200);
    assert_eq!(json.content_type, "application/json");
    let rows = json.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["cost"], 300_000_000i64);
    assert_eq!(rows[0]["decision"], "ACCOMMODATED");
    assert_eq!(rows[3]["standing"], "REJECTED_AT_VERIFICATION");

    // The minutes: header, agreements, annexes, both lists.
    let pdf = download(&app, &query("pdf"), None).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.content_type, "application/pdf");
    assert_eq!(
        pdf.disposition,
        "attachment; filename=\"berita-acara-musrenbang-kelurahan-oro-oro-dowo.pdf\""
    );
    let text = pdf_text(&pdf.body);
    for expected in [
        "BERITA ACARA",
        "MUSRENBANG KELURAHAN ORO-ORO DOWO",
        "Musrenbang RKPD Kota Malang 2027 (RKPD Tahun 2027)",
        "1. Sebanyak 2 usulan dengan jumlah pagu Rp 550.000.000 diteruskan ke Musrenbang Kecamatan Klojen",
        "Pimpinan Sidang",
        "LAMPIRAN I: DAFTAR HADIR",
        "Tidak ada sesi musyawarah yang tercatat",
        "LAMPIRAN II: DAFTAR PRIORITAS",
        "Lampu penerangan jalan Jl. Ijen",
        "Rp 300.000.000",
        "DAFTAR USULAN YANG TIDAK DISEPAKATI",
        REJECTED_NOTE,
        "Halaman 1 dari",
    ] {
        assert!(
            text.contains(expected),
            "the minutes lack {expected:?}:\n{text}"
        );
    }
}

/// Runs `musrenbang export` (the real binary) against the app's database.
fn musrenbang_export(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_musrenbang"))
        .arg("export")
        .args(args)
        .args(["--database-url", &app.url])
        .output()
        .expect("the musrenbang binary runs")
}

async fn a_cycle_scope_gives_a_sheet_per_forum(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    forum_with_proposals(&app, &w).await;
    w.close_forum(&app, w.forum_kelurahan).await;
    w.close_forum(&app, w.forum_kelurahan_b).await;

    let query = format!(
        "format=xlsx&cycle={}&level=DESA_KELURAHAN&region={}",
        w.cycle, w.kecamatan
    );
    let xlsx = download(&app, &query, None).await;
    assert_eq!(xlsx.status, 200, "{}", String::from_utf8_lossy(&xlsx.body));
    assert_eq!(
        xlsx.disposition,
        "attachment; filename=\"daftar-prioritas-musrenbang-rkpd-kota-malang-2027-desa-kelurahan-klojen.xlsx\""
    );
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.body)).expect("a workbook");
    assert_eq!(
        book.sheet_names(),
        vec![
            "Ringkasan".to_owned(),
            "Kelurahan Kauman".to_owned(),
            "Kelurahan Oro-oro Dowo".to_owned()
        ]
    );
    // The summary: a row per forum, in the sheets' order.
    let summary = book.worksheet_range("Ringkasan").unwrap();
    assert_eq!(summary.height(), 3);
    assert_eq!(
        summary.get_value((1, 0)),
        Some(&Data::String("Musrenbang Kelurahan Kauman".into()))
    );
    assert_eq!(summary.get_value((1, 2)), Some(&Data::Empty), "no ceiling");
    assert_eq!(summary.get_value((2, 2)), Some(&Data::Float(650_000_000.0)));
    assert_eq!(summary.get_value((2, 4)), Some(&Data::Float(2.0)));
    assert_eq!(summary.get_value((2, 5)), Some(&Data::Float(550_000_000.0)));
    assert_eq!(summary.get_value((2, 6)), Some(&Data::Float(100_000_000.0)));
    let kauman = book.worksheet_range("Kelurahan Kauman").unwrap();
    assert_eq!(
        kauman.get_value((5, 0)),
        Some(&Data::String("Forum".into()))
    );
    assert_eq!(kauman.get_value((6, 0)), Some(&Data::Empty), "no proposal");
    let oro = book.worksheet_range("Kelurahan Oro-oro Dowo").unwrap();
    assert_eq!(oro.get_value((6, 10)), Some(&Data::Float(300_000_000.0)));

    // The whole cycle includes the open kecamatan and city forums: only their staff may export.
    let whole = format!("format=csv&cycle={}", w.cycle);
    assert_eq!(
        download(&app, &whole, None).await.error_code(),
        "UNAUTHENTICATED"
    );
    let csv = download(&app, &whole, w.admin_token()).await;
    assert_eq!(csv.status, 200);
    let records = csv_records(&csv.body);
    // Forums by level, then name: Kauman has no proposals, Oro-oro Dowo's rows come first.
    assert!(records.len() >= 4);
    assert_eq!(records[0][0], "Musrenbang Kelurahan Oro-oro Dowo");
    assert!(records
        .iter()
        .all(|r| r[0] != "Musrenbang Kota Malang 2027" || r[14] == "Menunggu"));

    // Minutes of several forums come as one ZIP archive.
    let zip = download(
        &app,
        &format!(
            "format=pdf&cycle={}&level=DESA_KELURAHAN&region={}",
            w.cycle, w.kecamatan
        ),
        None,
    )
    .await;
    assert_eq!(zip.status, 200);
    assert_eq!(zip.content_type, "application/zip");
    let mut archive = zip::ZipArchive::new(Cursor::new(zip.body)).expect("a ZIP archive");
    let mut names: Vec<String> = archive
        .file_names()
        .map(|name| name.expect("a member name").into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "berita-acara-musrenbang-kelurahan-kauman.pdf",
            "berita-acara-musrenbang-kelurahan-oro-oro-dowo.pdf"
        ]
    );
    for (name, forum) in [
        (&names[0], "MUSRENBANG KELURAHAN KAUMAN"),
        (&names[1], "MUSRENBANG KELURAHAN ORO-ORO DOWO"),
    ] {
        let mut member = Vec::new();
        std::io::Read::read_to_end(&mut archive.by_name(name).unwrap(), &mut member).unwrap();
        let text = pdf_text(&member);
        assert!(
            text.contains("BERITA ACARA") && text.contains(forum),
            "{name}: {text}"
        );
    }
}

async fn who_may_export_what(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    forum_with_proposals(&app, &w).await;
    let moderator = w
        .moderator(&app, "Fasilitator Oro-oro Dowo", w.forum_kelurahan)
        .await;
    let planner = w.planner(&app, "Perencana Klojen", w.kecamatan).await;
    let other_planner = w.planner(&app, "Perencana Batu", w.other_city).await;
    let resident = w.verified_resident(&app, "Budi Hartono").await;
    let open = format!("format=csv&forum={}", w.forum_kelurahan);

    let anonymous = download(&app, &open, None).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
    assert!(anonymous.content_type.starts_with("application/json"));
    for (who, token) in [
        ("resident", resident.token()),
        ("planner elsewhere", other_planner.token()),
    ] {
        let refused = download(&app, &open, token).await;
        assert_eq!(refused.status, 403, "{who}");
        assert_eq!(refused.error_code(), "FORBIDDEN", "{who}");
    }
    for (who, token) in [
        ("moderator", moderator.token()),
        ("planner above", planner.token()),
        ("admin", w.admin_token()),
    ] {
        let allowed = download(&app, &open, token).await;
        assert_eq!(allowed.status, 200, "{who}");
        // Before the forum closes, every decision is pending.
        let records = csv_records(&allowed.body);
        assert_eq!(records[0][14], "Menunggu", "{who}");
    }

    // Bad parameters name the parameter.
    for (query, field) in [
        (format!("forum={}", w.forum_kelurahan), "format"),
        (format!("format=docx&forum={}", w.forum_kelurahan), "format"),
        ("format=csv".to_owned(), "forum"),
        ("format=csv&forum=abc".to_owned(), "forum"),
        (format!("format=csv&cycle={}&level=DUSUN", w.cycle), "level"),
        (
            format!(
                "format=csv&forum={}&region={}",
                w.forum_kelurahan, w.kecamatan
            ),
            "region",
        ),
    ] {
        let bad = download(&app, &query, w.admin_token()).await;
        assert_eq!(bad.status, 400, "{query}");
        assert_eq!(bad.error_code(), "BAD_USER_INPUT", "{query}");
        assert_eq!(
            bad.json()["errors"][0]["extensions"]["fields"][0]["field"],
            field,
            "{query}"
        );
    }
    let missing = download(&app, "format=csv&forum=999999", w.admin_token()).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_code(), "NOT_FOUND");

    // Semicolons on request, as spreadsheets set to Indonesian read CSV; nothing else is taken.
    let semicolons = download(&app, &format!("{open}&sep=semicolon"), w.admin_token()).await;
    assert_eq!(semicolons.status, 200);
    let text = String::from_utf8_lossy(&semicolons.body).to_string();
    assert!(
        text.trim_start_matches('\u{feff}')
            .starts_with("Forum;Peringkat;"),
        "{text}"
    );
    let tab = download(&app, &format!("{open}&sep=tab"), w.admin_token()).await;
    assert_eq!(tab.status, 400);
    assert_eq!(
        tab.json()["errors"][0]["extensions"]["fields"][0]["field"],
        "sep"
    );

    // Once the forum closes its results are public.
    w.close_forum(&app, w.forum_kelurahan).await;
    assert_eq!(download(&app, &open, None).await.status, 200);
    assert_eq!(download(&app, &open, resident.token()).await.status, 200);
}

async fn ballots_round_trip_as_pb(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let w = World::build(&app).await;
    let [drainage, lamps, posyandu, _] = forum_with_proposals(&app, &w).await;
    let moderator = w
        .moderator(&app, "Fasilitator Oro-oro Dowo", w.forum_kelurahan)
        .await;
    let input = json!({ "forumId": w.forum_kelurahan, "title": "Pemungutan suara usulan 2027",
        "method": "APPROVAL", "maxChoices": 2, "rule": "greedy",
        "opensAt": days_from_now(-1), "closesAt": days_from_now(2) });
    let round = id(&ok(&app
        .gql(OPEN_ROUND, json!({ "input": input }), moderator.token())
        .await)["openVotingRound"]["id"]);
    for (name, choices) in [
        ("Citra Dewi", vec![drainage, lamps]),
        ("Dedi Kurniawan", vec![drainage]),
        ("Eka Putri", vec![posyandu, lamps]),
    ] {
        let voter = w.verified_resident(&app, name).await;
        let choices: Vec<Value> = choices.iter().map(|p| json!({ "proposalId": p })).collect();
        ok(&app
            .gql(
                CAST,
                json!({ "round": round, "choices": choices }),
                voter.token(),
            )
            .await);
    }
    let query = format!("format=pb&forum={}", w.forum_kelurahan);
    // Before the round closes there is nothing to publish.
    let early = download(&app, &query, w.admin_token()).await;
    assert_eq!(early.error_code(), "FAILED_PRECONDITION");
    ok(&app
        .gql(
            "mutation($id: Int!) { closeVotingRound(roundId: $id) { id } }",
            json!({ "id": round }),
            moderator.token(),
        )
        .await);
    w.close_forum(&app, w.forum_kelurahan).await;

    let pb = download(&app, &query, None).await;
    assert_eq!(pb.status, 200, "{}", String::from_utf8_lossy(&pb.body));
    assert_eq!(pb.content_type, "text/plain; charset=utf-8");
    assert_eq!(
        pb.disposition,
        format!(
            "attachment; filename=\"suara-musrenbang-kelurahan-oro-oro-dowo-putaran-{round}.pb\""
        )
    );
    let election = musrenbang::pabulib::parse(std::str::from_utf8(&pb.body).unwrap())
        .expect("the export parses");
    assert_eq!(election.projects.len(), 3);
    assert_eq!(election.votes.len(), 3);

    // The priority list then carries the votes.
    let csv = download(
        &app,
        &format!("format=csv&forum={}", w.forum_kelurahan),
        None,
    )
    .await;
    let records = csv_records(&csv.body);
    assert_eq!(records[0][3], DRAINAGE);
    assert_eq!(records[0][12], "2");
}

backend_tests!(
    closed_forum_exports_in_every_format,
    a_cycle_scope_gives_a_sheet_per_forum,
    who_may_export_what,
    ballots_round_trip_as_pb,
);
