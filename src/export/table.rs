//! One row of an exported priority list (daftar prioritas) and the columns every tabular format
//! shares, in the order of the regulation's form.
use serde::Serialize;

/// What became of a proposal at the forum, as the form names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Decision {
    /// Diakomodir: forwarded to the parent forum or accepted into the plan.
    Accommodated,
    /// Tidak diakomodir: not selected, or rejected during verification.
    NotAccommodated,
    /// Menunggu: in reserve, or the forum has not closed yet.
    Pending,
}

impl Decision {
    pub fn label(self) -> &'static str {
        match self {
            Self::Accommodated => "Diakomodir",
            Self::NotAccommodated => "Tidak diakomodir",
            Self::Pending => "Menunggu",
        }
    }
}

/// Where the proposal stands on the forum's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Standing {
    Main,
    Reserve,
    Out,
    /// Never reached the list: the forum rejected it when verifying proposals.
    RejectedAtVerification,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Self::Main => "Utama",
            Self::Reserve => "Cadangan",
            Self::Out => "Tidak masuk",
            Self::RejectedAtVerification => "Ditolak saat verifikasi",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriorityRow {
    pub forum_id: i32,
    pub proposal_id: i32,
    pub forum_name: String,
    /// Empty for proposals rejected during verification: they were never ranked.
    pub rank: Option<i32>,
    pub code: String,
    /// The programme or activity as proposed.
    pub title: String,
    /// The catalogue activity it was costed against, if any.
    pub activity: Option<String>,
    /// The sector (bidang urusan) the proposer chose.
    pub sector: Option<String>,
    /// The desa/kelurahan the proposal lies in.
    pub location: String,
    /// Its RT/RW ("RT 03 / RW 02"), when the proposal names one.
    pub neighbourhood: String,
    pub volume: f64,
    pub unit: String,
    /// Pagu in Rupiah.
    pub cost: i64,
    /// The responsible agency (OPD).
    pub agency: Option<String>,
    /// Votes, points or score exactly as the round counted them ("12", "7/2"); empty without a vote.
    pub support: String,
    pub standing: Standing,
    pub decision: Decision,
    /// The reason, in Bahasa Indonesia.
    pub note: String,
    /// Links to the proposal's own photos and documents.
    pub attachments: Vec<String>,
}

/// The header of every tabular export.
pub const COLUMNS: [&str; 17] = [
    "Forum",
    "Peringkat",
    "Kode usulan",
    "Program/Kegiatan",
    "Kegiatan (katalog)",
    "Bidang",
    "Lokasi (desa/kelurahan)",
    "RT/RW",
    "Volume",
    "Satuan",
    "Pagu (Rp)",
    "OPD penanggung jawab",
    "Suara/Skor",
    "Daftar",
    "Keputusan",
    "Keterangan",
    "Lampiran",
];

/// One value of a row, typed so spreadsheets keep numbers as numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    Integer(i64),
    Decimal(f64),
    /// Rupiah.
    Money(i64),
    /// Support as counted: a number when it reads as one ("12", "7/2"), else text.
    Score(&'a str),
    /// Addresses, one per line.
    Links(&'a [String]),
    Empty,
}

impl PriorityRow {
    /// The row's values in the order of `COLUMNS`.
    pub fn cells(&self) -> [Cell<'_>; 17] {
        [
            Cell::Text(&self.forum_name),
            self.rank
                .map_or(Cell::Empty, |rank| Cell::Integer(rank.into())),
            Cell::Text(&self.code),
            Cell::Text(&self.title),
            self.activity.as_deref().map_or(Cell::Empty, Cell::Text),
            self.sector.as_deref().map_or(Cell::Empty, Cell::Text),
            Cell::Text(&self.location),
            if self.neighbourhood.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(&self.neighbourhood)
            },
            Cell::Decimal(self.volume),
            Cell::Text(&self.unit),
            Cell::Money(self.cost),
            self.agency.as_deref().map_or(Cell::Empty, Cell::Text),
            if self.support.is_empty() {
                Cell::Empty
            } else {
                Cell::Score(&self.support)
            },
            Cell::Text(self.standing.label()),
            Cell::Text(self.decision.label()),
            Cell::Text(&self.note),
            match self.attachments.as_slice() {
                [] => Cell::Empty,
                links => Cell::Links(links),
            },
        ]
    }
}

/// A score as a number: an integer, a decimal or an exact fraction "p/q".
pub fn score_value(score: &str) -> Option<f64> {
    let score = score.trim();
    match score.split_once('/') {
        Some((numerator, denominator)) => {
            let numerator: f64 = numerator.trim().parse().ok()?;
            let denominator: f64 = denominator.trim().parse().ok()?;
            (denominator != 0.0).then(|| numerator / denominator)
        }
        None => score.parse().ok(),
    }
}

/// Plain text of a cell, as CSV and PDF write it: integers without separators so they re-import.
pub fn plain(cell: &Cell<'_>) -> String {
    match cell {
        Cell::Text(text) | Cell::Score(text) => (*text).to_owned(),
        Cell::Integer(n) | Cell::Money(n) => n.to_string(),
        Cell::Decimal(x) => x.to_string(),
        Cell::Links(links) => links.join("\n"),
        Cell::Empty => String::new(),
    }
}

#[cfg(test)]
pub(crate) fn sample_row(rank: Option<i32>, decision: Decision) -> PriorityRow {
    PriorityRow {
        forum_id: 3,
        proposal_id: 41,
        forum_name: "Musrenbang Kelurahan Oro-oro Dowo".into(),
        rank,
        code: "USL-2027-0001".into(),
        title: "Perbaikan saluran drainase Jl. Kawi, \"tahap 2\"".into(),
        activity: Some("Pembangunan saluran drainase lingkungan".into()),
        sector: Some("Pekerjaan umum dan penataan ruang".into()),
        location: "Oro-oro Dowo".into(),
        neighbourhood: "RW 02".into(),
        volume: 120.5,
        unit: "meter".into(),
        cost: 180_000_000,
        agency: Some("Dinas Pekerjaan Umum dan Penataan Ruang".into()),
        support: "7/2".into(),
        standing: Standing::Main,
        decision,
        note: "Masuk daftar prioritas; diteruskan ke kecamatan — sesuai mufakat".into(),
        attachments: vec!["https://musrenbang.example/media/7".into()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_read_as_numbers_when_they_are() {
        assert_eq!(score_value("12"), Some(12.0));
        assert_eq!(score_value("7/2"), Some(3.5));
        assert_eq!(score_value("1/0"), None);
        assert_eq!(score_value("banyak"), None);
    }

    #[test]
    fn cells_follow_the_columns() {
        let row = sample_row(None, Decision::NotAccommodated);
        let cells = row.cells();
        assert_eq!(cells.len(), COLUMNS.len());
        assert_eq!(cells[1], Cell::Empty);
        assert_eq!(cells[10], Cell::Money(180_000_000));
        assert_eq!(plain(&cells[8]), "120.5");
        assert_eq!(plain(&cells[14]), "Tidak diakomodir");
        assert_eq!(plain(&cells[7]), "RW 02");
    }
}
