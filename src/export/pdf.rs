//! The minutes (berita acara) of a forum as an A4 PDF in Bahasa Indonesia: the header, the
//! numbered agreements, the signatories, annex I the attendance list and annex II the priority
//! list with the proposals not agreed. Built with pdf-writer and the standard Helvetica fonts
//! (no font is embedded: WinAnsiEncoding covers Indonesian text), through a small layout helper
//! that wraps table cells and breaks pages.
use chrono::{DateTime, Datelike, FixedOffset, Weekday};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::table::{Decision, PriorityRow, Standing};
use crate::domain::escalation::rupiah;

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

const HARI: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];
const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// "23 November 2026".
pub fn tanggal(at: impl Datelike) -> String {
    format!("{} {} {}", at.day(), BULAN[at.month0() as usize], at.year())
}

fn hari(day: Weekday) -> &'static str {
    HARI[day.num_days_from_monday() as usize]
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
    let mut doc = Layout::new();
    doc.page(Orientation::Portrait);
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
    doc.finish(&format!("Berita Acara {}", minutes.forum_name))
}

fn programme(row: &PriorityRow) -> String {
    match &row.activity {
        Some(activity) => format!("{}\n({activity})", row.title),
        None => row.title.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Layout: pages, wrapped text and tables.
// ---------------------------------------------------------------------------------------------

const A4: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 48.0;
/// Room kept at the bottom of each page for its number.
const FOOTER: f32 = 28.0;
const CELL_PADDING: f32 = 3.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Orientation {
    Portrait,
    Landscape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> Name<'static> {
        match self {
            Self::Regular => Name(b"F1"),
            Self::Bold => Name(b"F2"),
        }
    }

    /// Helvetica's advance widths (thousandths of the size) for WinAnsi codes 32..=255, from
    /// Adobe's AFM metrics; codes the encoding leaves unused are 0.
    fn widths(self) -> &'static [u16; 224] {
        match self {
            Self::Regular => &HELVETICA_WIDTHS,
            Self::Bold => &HELVETICA_BOLD_WIDTHS,
        }
    }

    fn width(self, text: &[u8], size: f32) -> f32 {
        let widths = self.widths();
        let units: u32 = text
            .iter()
            .map(|&b| u32::from(widths[usize::from(b.max(32)) - 32]))
            .sum();
        units as f32 * size / 1000.0
    }
}

struct Column {
    title: &'static str,
    /// Share of the text width.
    share: f32,
    font: Font,
}

impl Column {
    fn new(title: &'static str, share: f32, font: Font) -> Self {
        Self { title, share, font }
    }
}

struct Page {
    size: (f32, f32),
    content: Content,
}

struct Layout {
    pages: Vec<Page>,
    /// The baseline of the next line, from the bottom of the page.
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: Vec::new(),
            y: 0.0,
        }
    }

    fn page(&mut self, orientation: Orientation) {
        let size = match orientation {
            Orientation::Portrait => A4,
            Orientation::Landscape => (A4.1, A4.0),
        };
        self.pages.push(Page {
            size,
            content: Content::new(),
        });
        self.y = size.1 - MARGIN;
    }

    fn current(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a page was started")
    }

    fn text_width(&self) -> f32 {
        self.pages.last().map_or(A4.0, |p| p.size.0) - 2.0 * MARGIN
    }

    /// Starts a page of the same orientation when less than `height` is left.
    fn keep_together(&mut self, height: f32) {
        if self.y - height < MARGIN + FOOTER {
            let orientation = match self.current().size {
                (w, h) if w > h => Orientation::Landscape,
                _ => Orientation::Portrait,
            };
            self.page(orientation);
        }
    }

    fn space(&mut self, height: f32) {
        self.y -= height;
    }

    fn show(&mut self, x: f32, y: f32, text: &str, font: Font, size: f32) {
        let encoded = winansi(text);
        self.current()
            .content
            .begin_text()
            .set_font(font.resource(), size)
            .next_line(x, y)
            .show(Str(&encoded))
            .end_text();
    }

    fn centered(&mut self, text: &str, font: Font, size: f32) {
        let width = self.text_width();
        for line in wrap(text, font, size, width) {
            self.keep_together(size * 1.3);
            self.y -= size * 1.3;
            let x = MARGIN + (width - font.width(&winansi(&line), size)) / 2.0;
            self.show(x, self.y, &line, font, size);
        }
    }

    fn heading(&mut self, text: &str) {
        self.keep_together(60.0);
        self.centered(text, Font::Bold, 11.0);
        self.space(8.0);
    }

    fn paragraph(&mut self, text: &str, font: Font, size: f32, indent: f32) {
        let width = self.text_width() - indent;
        for line in wrap(text, font, size, width) {
            self.keep_together(size * 1.4);
            self.y -= size * 1.4;
            self.show(MARGIN + indent, self.y, &line, font, size);
        }
    }

    /// A clause "1. text", its lines indented under the text.
    fn numbered(&mut self, number: &str, text: &str, size: f32) {
        let indent = 18.0;
        self.keep_together(size * 1.4);
        let y = self.y - size * 1.4;
        self.show(MARGIN, y, number, Font::Regular, size);
        self.paragraph(text, Font::Regular, size, indent);
        self.space(2.0);
    }

    /// Signature blocks side by side: a role above, a name in brackets below the space to sign.
    fn signatures(&mut self, blocks: &[Vec<String>], size: f32) {
        let column = self.text_width() / blocks.len() as f32;
        let top = self.y;
        let mut lowest = top;
        for (index, block) in blocks.iter().enumerate() {
            let mut y = top;
            for line in block.iter().flat_map(|part| part.split('\n')) {
                y -= size * 1.5;
                let font = if y == top - size * 1.5 {
                    Font::Bold
                } else {
                    Font::Regular
                };
                let x = MARGIN
                    + column * index as f32
                    + (column - font.width(&winansi(line), size)) / 2.0;
                self.show(x, y, line, font, size);
            }
            lowest = lowest.min(y);
        }
        self.y = lowest;
    }

    /// A table with wrapped cells; rows never split, the header repeats on every page.
    fn table(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32, header: bool) {
        let total = self.text_width();
        let widths: Vec<f32> = columns.iter().map(|c| c.share * total).collect();
        let leading = size * 1.25;
        let titles: Vec<String> = columns.iter().map(|c| c.title.to_owned()).collect();
        let header_fonts = vec![Font::Bold; columns.len()];
        let body_fonts: Vec<Font> = columns.iter().map(|c| c.font).collect();
        if header {
            self.keep_together(4.0 * leading);
            self.table_row(&widths, &titles, &header_fonts, size, true);
        }
        for row in rows {
            let height = row_height(&widths, row, &body_fonts, size);
            if self.y - height < MARGIN + FOOTER {
                let orientation = match self.current().size {
                    (w, h) if w > h => Orientation::Landscape,
                    _ => Orientation::Portrait,
                };
                self.page(orientation);
                if header {
                    self.table_row(&widths, &titles, &header_fonts, size, true);
                }
            }
            self.table_row(&widths, row, &body_fonts, size, false);
        }
    }

    fn table_row(
        &mut self,
        widths: &[f32],
        cells: &[String],
        fonts: &[Font],
        size: f32,
        shaded: bool,
    ) {
        let leading = size * 1.25;
        let height = row_height(widths, cells, fonts, size);
        let top = self.y;
        let mut x = MARGIN;
        if shaded {
            let total: f32 = widths.iter().sum();
            self.current()
                .content
                .set_fill_gray(0.88)
                .rect(MARGIN, top - height, total, height)
                .fill_nonzero()
                .set_fill_gray(0.0);
        }
        for ((width, cell), font) in widths.iter().zip(cells).zip(fonts) {
            self.current()
                .content
                .set_line_width(0.5)
                .rect(x, top - height, *width, height)
                .stroke();
            let mut y = top - CELL_PADDING;
            for line in wrap(cell, *font, size, width - 2.0 * CELL_PADDING) {
                y -= leading;
                self.show(x + CELL_PADDING, y + size * 0.25, &line, *font, size);
            }
            x += width;
        }
        self.y = top - height;
    }

    fn finish(mut self, title: &str) -> Vec<u8> {
        let count = self.pages.len();
        for (index, page) in self.pages.iter_mut().enumerate() {
            let label = format!("Halaman {} dari {count}", index + 1);
            let encoded = winansi(&label);
            let x = page.size.0 - MARGIN - Font::Regular.width(&encoded, 8.0);
            page.content
                .begin_text()
                .set_font(Font::Regular.resource(), 8.0)
                .next_line(x, MARGIN - 14.0)
                .show(Str(&encoded))
                .end_text();
        }

        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let first_page = 6;
        let page_ids: Vec<Ref> = (0..count)
            .map(|i| Ref::new(first_page + 2 * i as i32))
            .collect();
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(count as i32);
        pdf.type1_font(regular)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold)
            .base_font(Name(b"Helvetica-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("Musrenbang"));
        for (page, id) in self.pages.into_iter().zip(&page_ids) {
            let content_id = Ref::new(id.get() + 1);
            let mut writer = pdf.page(*id);
            writer
                .parent(tree)
                .media_box(Rect::new(0.0, 0.0, page.size.0, page.size.1))
                .contents(content_id);
            {
                let mut resources = writer.resources();
                let mut fonts = resources.fonts();
                fonts.pair(Font::Regular.resource(), regular);
                fonts.pair(Font::Bold.resource(), bold);
            }
            writer.finish();
            let data = page.content.finish();
            pdf.stream(content_id, &data);
        }
        pdf.finish()
    }
}

fn row_height(widths: &[f32], cells: &[String], fonts: &[Font], size: f32) -> f32 {
    let lines = widths
        .iter()
        .zip(cells)
        .zip(fonts)
        .map(|((width, cell), font)| wrap(cell, *font, size, width - 2.0 * CELL_PADDING).len())
        .max()
        .unwrap_or(1)
        .max(1);
    lines as f32 * size * 1.25 + 2.0 * CELL_PADDING
}

/// Greedy line breaking at spaces (and at `\n`); a word wider than the line is cut.
fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<String> {
    let fits = |line: &str| font.width(&winansi(line), size) <= width;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if fits(&candidate) {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for ch in word.chars() {
                line.push(ch);
                if !fits(&line) && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, ch.to_string()));
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// Text in WinAnsiEncoding (Windows-1252): Latin-1 plus the typographic marks; anything else
/// becomes '?'.
fn winansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{A0}'..='\u{FF}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '\t' => b' ',
            _ => b'?',
        })
        .collect()
}

#[rustfmt::skip]
static HELVETICA_WIDTHS: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 222, 333, 333, 389, 584, 278, 584, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    222, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 0, 0, 0, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 0, 0, 0, 0, 0, 0, 0, 0,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

#[rustfmt::skip]
static HELVETICA_BOLD_WIDTHS: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 278, 333, 333, 389, 584, 278, 584, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    278, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
    556, 0, 0, 0, 0, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 278, 278, 500, 500, 350, 556, 1000, 0, 0, 0, 0, 0, 0, 0, 0,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

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
        }
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
        // Sixty rows do not fit one landscape page.
        assert!(text.matches("/MediaBox").count() >= 4);
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        let lines = wrap(
            "Perbaikan saluran drainase lingkungan RT 03/RW 02 sepanjang 120 meter",
            Font::Regular,
            10.0,
            100.0,
        );
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(Font::Regular.width(&winansi(line), 10.0) <= 100.0, "{line}");
        }
        assert_eq!(wrap("", Font::Regular, 10.0, 100.0), vec![String::new()]);
        assert_eq!(winansi("Rp 1.000 — é ✓"), b"Rp 1.000 \x97 \xE9 ?".to_vec());
    }
}
