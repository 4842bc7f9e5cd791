//! The minutes (berita acara) of a forum as an A4 PDF in Bahasa Indonesia: the header, the
//! numbered agreements, the signatories, annex I the attendance list and annex II the priority
//! list with the proposals not agreed. Built with pdf-writer and the standard Helvetica fonts
//! (no font is embedded: WinAnsiEncoding covers Indonesian text), through the small layout
//! module (`layout`) that wraps table cells and breaks pages. This file is the document: what
//! the minutes say, in the order the regulation's form has it.
mod layout;

use chrono::{DateTime, Datelike, FixedOffset};

use self::layout::{Column, Font, Layout, Orientation};
use super::table::{Decision, PriorityRow, Standing};
use crate::domain::format::{hari, rupiah, tanggal};

/// Everything the minutes say, gathered by the service.
#[derive(Debug, Clone)]
pub struct Minutes {
    pub number: String,
    pub forum_name: String,
    pub region_name: String,
    pub cycle_name: String,
    pub plan_year: i32,
    /// Where the forum's proposals go when it closes, if it has a parent forum.
    pub parent_forum_name: Option<String>,
    /// Whether the forum has closed and its list is fixed.
    pub fixed: bool,
    /// Local time where the forum met.
    pub held_at: DateTime<FixedOffset>,
    pub place: Option<String>,
    pub chair: Option<String>,
    /// Annex I; `None` when no live session was recorded.
    pub attendance: Option<Vec<Attendee>>,
    /// Annex II, in rank order, followed by the proposals rejected during verification.
    pub rows: Vec<PriorityRow>,
    /// Annex III: the recorded session's agenda, what was decided on each item and the polls;
    /// `None` when no live session was recorded.
    pub agenda: Option<Vec<AgendaRecord>>,
}

/// One item of the recorded session's agenda.
#[derive(Debug, Clone)]
pub struct AgendaRecord {
    pub title: String,
    pub proposal_code: Option<String>,
    /// In words ("diterima"); `None` when the session closed before a decision.
    pub decision: Option<String>,
    pub note: Option<String>,
    /// One line per poll: the question and its results.
    pub polls: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Attendee {
    pub name: String,
    pub role_or_institution: String,
    /// "L" or "P", empty when not given.
    pub gender: String,
    /// "HH:MM WIB": the local time of check-in.
    pub time: String,
}

/// The numbered agreements (kesepakatan) of the minutes.
pub fn agreements(minutes: &Minutes) -> Vec<String> {
    let count_and_cost = |decision: Decision, standing: Option<Standing>| {
        let rows: Vec<&PriorityRow> = minutes
            .rows
            .iter()
            .filter(|r| r.decision == decision && standing.is_none_or(|s| r.standing == s))
            .collect();
        (rows.len(), rows.iter().map(|r| r.cost).sum::<i64>())
    };
    let mut clauses = Vec::new();
    if minutes.fixed {
        let (sent, sent_cost) = count_and_cost(Decision::Accommodated, None);
        let destination = match &minutes.parent_forum_name {
            Some(parent) => format!("diteruskan ke {parent}"),
            None => format!(
                "diakomodir dalam Rencana Kerja Pemerintah Daerah (RKPD) Tahun {}",
                minutes.plan_year
            ),
        };
        clauses.push(format!(
            "Sebanyak {sent} usulan dengan jumlah pagu {} {destination}, sesuai urutan prioritas pada Lampiran II.",
            rupiah(sent_cost)
        ));
        let (reserve, reserve_cost) = count_and_cost(Decision::Pending, Some(Standing::Reserve));
        if reserve > 0 {
            clauses.push(format!(
                "Sebanyak {reserve} usulan dengan jumlah pagu {} ditetapkan sebagai cadangan dan diteruskan apabila masih tersedia pagu.",
                rupiah(reserve_cost)
            ));
        }
    } else {
        let (pending, pending_cost) = count_and_cost(Decision::Pending, None);
        clauses.push(format!(
            "Daftar prioritas pada Lampiran II bersifat sementara karena forum belum ditutup: {pending} usulan dengan jumlah pagu {} menunggu penetapan.",
            rupiah(pending_cost)
        ));
    }
    let (refused, _) = count_and_cost(Decision::NotAccommodated, None);
    if refused > 0 {
        clauses.push(format!(
            "Sebanyak {refused} usulan tidak diakomodir, dengan alasan sebagaimana tercantum dalam daftar usulan yang tidak disepakati pada Lampiran II."
        ));
    }
    clauses.push(
        "Berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya."
            .to_owned(),
    );
    clauses
}

/// The whole document.
pub fn render(minutes: &Minutes) -> Vec<u8> {
    let mut doc = Layout::new(Orientation::Portrait);
    doc.centered("BERITA ACARA", Font::Bold, 14.0);
    doc.centered(
        "MUSYAWARAH PERENCANAAN PEMBANGUNAN (MUSRENBANG)",
        Font::Bold,
        12.0,
    );
    doc.centered(&minutes.forum_name.to_uppercase(), Font::Bold, 12.0);
    doc.centered(&format!("Nomor: {}", minutes.number), Font::Regular, 10.0);
    doc.space(14.0);

    let date = tanggal(minutes.held_at);
    // Without a recorded session the minutes name the region; the chair signs by hand.
    let place = minutes
        .place
        .clone()
        .unwrap_or_else(|| minutes.region_name.clone());
    let chair = minutes.chair.clone().unwrap_or_else(|| "-".to_owned());
    doc.table(
        &[
            Column::new("", 0.28, Font::Bold),
            Column::new("", 0.72, Font::Regular),
        ],
        &[
            vec!["Forum".into(), minutes.forum_name.clone()],
            vec!["Wilayah".into(), minutes.region_name.clone()],
            vec![
                "Siklus perencanaan".into(),
                format!("{} (RKPD Tahun {})", minutes.cycle_name, minutes.plan_year),
            ],
            vec![
                "Hari, tanggal".into(),
                format!("{}, {date}", hari(minutes.held_at.weekday())),
            ],
            vec!["Tempat".into(), place.clone()],
            vec!["Pimpinan sidang".into(), chair.clone()],
        ],
        10.0,
        false,
    );
    doc.space(10.0);
    doc.paragraph(
        &format!(
            "Pada hari ini, {}, tanggal {date}, bertempat di {place}, telah diselenggarakan {} \
             dalam rangka penyusunan Rencana Kerja Pemerintah Daerah (RKPD) Tahun {}. \
             Setelah membahas usulan-usulan yang masuk, forum menyepakati hal-hal sebagai berikut:",
            hari(minutes.held_at.weekday()),
            minutes.forum_name,
            minutes.plan_year
        ),
        Font::Regular,
        10.0,
        0.0,
    );
    doc.space(4.0);
    for (index, clause) in agreements(minutes).iter().enumerate() {
        doc.numbered(&format!("{}.", index + 1), clause, 10.0);
    }
    doc.space(16.0);
    doc.paragraph(
        &format!("{}, {date}", minutes.region_name),
        Font::Regular,
        10.0,
        0.0,
    );
    doc.space(6.0);
    let signature = |role: &str, name: &str| vec![role.to_owned(), format!("\n\n\n\n( {name} )")];
    let signatories = [
        signature("Pimpinan Sidang", &chair),
        signature("Notulis", "............................"),
        signature("Perwakilan Peserta", "............................"),
    ];
    doc.keep_together(110.0);
    doc.signatures(&signatories, 10.0);

    doc.page(Orientation::Portrait);
    doc.heading("LAMPIRAN I: DAFTAR HADIR");
    let attendance_columns = [
        Column::new("No", 0.06, Font::Regular),
        Column::new("Nama", 0.34, Font::Regular),
        Column::new("Peran / lembaga", 0.32, Font::Regular),
        Column::new("L/P", 0.08, Font::Regular),
        Column::new("Jam hadir", 0.2, Font::Regular),
    ];
    match &minutes.attendance {
        Some(people) => {
            let rows: Vec<Vec<String>> = people
                .iter()
                .enumerate()
                .map(|(index, person)| {
                    vec![
                        (index + 1).to_string(),
                        person.name.clone(),
                        person.role_or_institution.clone(),
                        person.gender.clone(),
                        person.time.clone(),
                    ]
                })
                .collect();
            doc.paragraph(
                &format!("Jumlah peserta yang hadir: {} orang.", people.len()),
                Font::Regular,
                10.0,
                0.0,
            );
            doc.space(4.0);
            doc.table(&attendance_columns, &rows, 9.0, true);
        }
        None => {
            doc.paragraph(
                "Tidak ada sesi musyawarah yang tercatat di sistem; daftar hadir diisi secara manual.",
                Font::Regular,
                10.0,
                0.0,
            );
            doc.space(4.0);
            let blank: Vec<Vec<String>> = (1..=10)
                .map(|n| {
                    let mut row = vec![n.to_string()];
                    row.extend(std::iter::repeat_n(String::new(), 4));
                    row
                })
                .collect();
            doc.table(&attendance_columns, &blank, 9.0, true);
        }
    }

    doc.page(Orientation::Landscape);
    doc.heading("LAMPIRAN II: DAFTAR PRIORITAS");
    let ranked: Vec<Vec<String>> = minutes
        .rows
        .iter()
        .filter(|r| r.standing != Standing::RejectedAtVerification)
        .map(|r| {
            vec![
                r.rank.map(|n| n.to_string()).unwrap_or_default(),
                r.code.clone(),
                programme(r),
                r.location.clone(),
                format!("{} {}", r.volume, r.unit),
                rupiah(r.cost),
                r.agency.clone().unwrap_or_default(),
                r.support.clone(),
                r.decision.label().to_owned(),
                r.note.clone(),
            ]
        })
        .collect();
    let priority_columns = [
        Column::new("No", 0.04, Font::Regular),
        Column::new("Kode", 0.11, Font::Regular),
        Column::new("Program / kegiatan", 0.18, Font::Regular),
        Column::new("Lokasi", 0.09, Font::Regular),
        Column::new("Volume", 0.07, Font::Regular),
        Column::new("Pagu", 0.1, Font::Regular),
        Column::new("OPD", 0.12, Font::Regular),
        Column::new("Suara", 0.05, Font::Regular),
        Column::new("Keputusan", 0.08, Font::Regular),
        Column::new("Keterangan", 0.16, Font::Regular),
    ];
    if ranked.is_empty() {
        doc.paragraph(
            "Tidak ada usulan pada daftar prioritas.",
            Font::Regular,
            10.0,
            0.0,
        );
    } else {
        doc.table(&priority_columns, &ranked, 8.0, true);
    }
    doc.space(14.0);
    doc.heading("DAFTAR USULAN YANG TIDAK DISEPAKATI");
    let refused: Vec<Vec<String>> = minutes
        .rows
        .iter()
        .filter(|r| r.decision == Decision::NotAccommodated)
        .enumerate()
        .map(|(index, r)| {
            vec![
                (index + 1).to_string(),
                r.code.clone(),
                programme(r),
                r.location.clone(),
                rupiah(r.cost),
                r.standing.label().to_owned(),
                r.note.clone(),
            ]
        })
        .collect();
    if refused.is_empty() {
        doc.paragraph("Tidak ada usulan yang ditolak.", Font::Regular, 10.0, 0.0);
    } else {
        doc.table(
            &[
                Column::new("No", 0.04, Font::Regular),
                Column::new("Kode", 0.11, Font::Regular),
                Column::new("Program / kegiatan", 0.25, Font::Regular),
                Column::new("Lokasi", 0.12, Font::Regular),
                Column::new("Pagu", 0.11, Font::Regular),
                Column::new("Tahap", 0.12, Font::Regular),
                Column::new("Alasan", 0.25, Font::Regular),
            ],
            &refused,
            8.0,
            true,
        );
    }
    doc.page(Orientation::Landscape);
    doc.heading("LAMPIRAN III: KEPUTUSAN SIDANG DAN JAJAK PENDAPAT");
    match &minutes.agenda {
        Some(items) if !items.is_empty() => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let title = match &item.proposal_code {
                        Some(code) => format!("{} ({code})", item.title),
                        None => item.title.clone(),
                    };
                    vec![
                        (index + 1).to_string(),
                        title,
                        item.decision
                            .clone()
                            .unwrap_or_else(|| UNDECIDED.to_owned()),
                        item.note.clone().unwrap_or_default(),
                        item.polls.join("\n"),
                    ]
                })
                .collect();
            doc.table(
                &[
                    Column::new("No", 0.04, Font::Regular),
                    Column::new("Acara", 0.3, Font::Regular),
                    Column::new("Keputusan", 0.14, Font::Regular),
                    Column::new("Catatan", 0.22, Font::Regular),
                    Column::new("Jajak pendapat", 0.3, Font::Regular),
                ],
                &rows,
                8.0,
                true,
            );
        }
        Some(_) => doc.paragraph("Sidang tidak memiliki acara.", Font::Regular, 10.0, 0.0),
        None => doc.paragraph(
            "Tidak ada sesi musyawarah yang tercatat di sistem; keputusan dicatat secara manual.",
            Font::Regular,
            10.0,
            0.0,
        ),
    }
    doc.finish(&format!("Berita Acara {}", minutes.forum_name))
}

/// What the minutes say of an item the session closed without deciding.
pub const UNDECIDED: &str = "belum diputuskan";

fn programme(row: &PriorityRow) -> String {
    match &row.activity {
        Some(activity) => format!("{}\n({activity})", row.title),
        None => row.title.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Layout: pages, wrapped text and tables.
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table::sample_row;

    fn minutes(fixed: bool, attendance: Option<Vec<Attendee>>) -> Minutes {
        let mut refused = sample_row(None, Decision::NotAccommodated);
        refused.code = "USL-2027-0009".into();
        refused.standing = Standing::RejectedAtVerification;
        refused.note = "Ditolak saat verifikasi: lokasi di luar kelurahan".into();
        Minutes {
            number: "BA/3/2026".into(),
            forum_name: "Musrenbang Kelurahan Oro-oro Dowo".into(),
            region_name: "Oro-oro Dowo".into(),
            cycle_name: "Musrenbang RKPD Kota Malang 2027".into(),
            plan_year: 2027,
            parent_forum_name: Some("Musrenbang Kecamatan Klojen".into()),
            fixed,
            held_at: "2026-11-23T09:00:00+07:00".parse().unwrap(),
            place: Some("Aula Kelurahan".into()),
            chair: Some("Siti Rahayu".into()),
            attendance,
            rows: (1..=60)
                .map(|rank| sample_row(Some(rank), Decision::Accommodated))
                .chain([refused])
                .collect(),
            agenda: None,
        }
    }

    #[test]
    fn items_the_session_did_not_decide_say_so() {
        let mut recorded = minutes(true, Some(Vec::new()));
        recorded.agenda = Some(vec![
            AgendaRecord {
                title: "Pembukaan".into(),
                proposal_code: None,
                decision: None,
                note: None,
                polls: Vec::new(),
            },
            AgendaRecord {
                title: "Perbaikan saluran".into(),
                proposal_code: Some("USL-2027-000001".into()),
                decision: Some("diterima".into()),
                note: None,
                polls: vec!["Setuju? : Setuju 12, Tidak setuju 3 (jumlah 15)".into()],
            },
        ]);
        let text = String::from_utf8_lossy(&render(&recorded)).into_owned();
        assert!(
            text.contains(&format!("({UNDECIDED})")),
            "no undecided item"
        );
        assert!(text.contains("(diterima)"));
        assert!(text.contains("Setuju 12"));
    }

    #[test]
    fn agreements_count_what_was_decided() {
        let clauses = agreements(&minutes(true, None));
        assert_eq!(clauses.len(), 3);
        assert!(clauses[0].starts_with("Sebanyak 60 usulan dengan jumlah pagu Rp 10.800.000.000 diteruskan ke Musrenbang Kecamatan Klojen"));
        assert!(clauses[1].starts_with("Sebanyak 1 usulan tidak diakomodir"));
        let open = agreements(&minutes(false, None));
        assert!(open[0].contains("bersifat sementara"));
    }

    #[test]
    fn a_multi_page_document_with_its_annexes() {
        let attendance = vec![Attendee {
            name: "Budi Santoso".into(),
            role_or_institution: "Ketua RW 02".into(),
            gender: "L".into(),
            time: "09:05 WIB".into(),
        }];
        let bytes = render(&minutes(true, Some(attendance)));
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/BaseFont /Helvetica-Bold"));
        assert!(text.contains("/WinAnsiEncoding"));
        assert!(text.contains("(LAMPIRAN II: DAFTAR PRIORITAS)"));
        assert!(text.contains("(LAMPIRAN III: KEPUTUSAN SIDANG DAN JAJAK PENDAPAT)"));
        assert!(text.contains("Tidak ada sesi musyawarah yang tercatat di sistem; keputusan"));
        // Sixty rows do not fit one landscape page.
        assert!(text.matches("/MediaBox").count() >= 4);
    }
}
