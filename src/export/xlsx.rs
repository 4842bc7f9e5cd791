//! Excel workbooks: one sheet per forum, opening with a title block (forum, cycle, ceiling,
//! status, date), then the list with numbers typed as numbers, Rupiah formatted, the header
//! frozen, filterable and repeated on every printed page (A4 landscape, one page wide), and
//! the main list's totals under it. A workbook of several forums opens with a summary sheet.
//! Forum sheets are written in rust_xlsxwriter's constant-memory mode: each row goes to a
//! temporary file as soon as the next one starts, so a large export holds one row in memory.
use std::collections::HashSet;

use rust_xlsxwriter::{
    utility::row_col_to_cell, Color, Format, FormatAlign, FormatBorder, Formula, Workbook,
    Worksheet, XlsxError,
};

use super::table::{score_value, Cell, PriorityRow, Standing, COLUMNS};

/// Widths in characters, in the order of `COLUMNS`.
const WIDTHS: [f64; 17] = [
    32.0, 10.0, 16.0, 45.0, 36.0, 24.0, 22.0, 16.0, 10.0, 10.0, 18.0, 32.0, 11.0, 14.0, 16.0, 50.0,
    40.0,
];
/// Excel's limit on sheet names.
const SHEET_NAME_MAX: usize = 31;
/// The title block takes the rows above the header.
pub const HEADER_ROW: u32 = 5;
const TITLE_COLUMN: u16 = 3;
const COST_COLUMN: u16 = 10;
const LIST_COLUMN: u16 = 13;
/// Excel's paper size code for A4.
const A4: u8 = 9;
const SUMMARY_SHEET: &str = "Ringkasan";
const SUMMARY_COLUMNS: [&str; 7] = [
    "Forum",
    "Status",
    "Pagu indikatif (Rp)",
    "Usulan dalam daftar",
    "Daftar utama (usulan)",
    "Pagu daftar utama (Rp)",
    "Sisa pagu (Rp)",
];

/// What the title block of a forum's sheet says.
pub struct SheetTitle<'a> {
    pub forum_name: &'a str,
    pub cycle_name: &'a str,
    pub region_name: &'a str,
    pub budget_ceiling: Option<i64>,
    /// "Ditutup", "Dalam musyawarah", ….
    pub status: &'a str,
    /// The date of the export, as documents write it.
    pub exported_on: &'a str,
}

/// The sheet being written: where its rows are and what its main list adds up to.
struct OpenSheet {
    index: usize,
    next_row: u32,
    forum_name: String,
    status: String,
    budget_ceiling: Option<i64>,
    rows: u64,
    main_count: u64,
    main_cost: i64,
}

pub struct XlsxBook {
    workbook: Workbook,
    formats: Formats,
    sheet_names: HashSet<String>,
    current: Option<OpenSheet>,
    /// The summary sheet's index and its next row, when the workbook has one.
    summary: Option<(usize, u32)>,
    sheets: usize,
}

struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    number: Format,
    rupiah: Format,
    total_label: Format,
    total_rupiah: Format,
}

impl Formats {
    fn new() -> Self {
        let top = Format::new().set_align(FormatAlign::Top);
        let total = Format::new().set_bold().set_border_top(FormatBorder::Thin);
        Self {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new(),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border_bottom(FormatBorder::Thin),
            text: top.clone().set_text_wrap(),
            number: top.clone(),
            rupiah: top.set_num_format("\"Rp\" #,##0"),
            total_label: total.clone(),
            total_rupiah: total.set_num_format("\"Rp\" #,##0"),
        }
    }
}

impl XlsxBook {
    pub fn new() -> Self {
        Self {
            workbook: Workbook::new(),
            formats: Formats::new(),
            sheet_names: HashSet::new(),
            current: None,
            summary: None,
            sheets: 0,
        }
    }

    /// A workbook of several forums: a summary sheet first, a row per forum.
    pub fn with_summary() -> Result<Self, XlsxError> {
        let mut book = Self::new();
        book.sheet_names.insert(SUMMARY_SHEET.to_lowercase());
        let sheet = book.workbook.add_worksheet();
        sheet.set_name(SUMMARY_SHEET)?;
        sheet.set_column_width(0, 40.0)?;
        for col in 1..SUMMARY_COLUMNS.len() as u16 {
            sheet.set_column_width(col, 20.0)?;
        }
        for (col, title) in SUMMARY_COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *title, &book.formats.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet
            .set_landscape()
            .set_paper_size(A4)
            .set_print_fit_to_pages(1, 0);
        book.summary = Some((0, 1));
        book.sheets = 1;
        Ok(book)
    }

    /// Starts the sheet of one forum: the title block, the header row, column widths, the
    /// frozen header and the print set-up.
    pub fn start_sheet(&mut self, title: &SheetTitle<'_>) -> Result<(), XlsxError> {
        self.finish_sheet()?;
        let name = self.unique_sheet_name(title.forum_name);
        let f = &self.formats;
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (col, width) in WIDTHS.iter().enumerate() {
            sheet.set_column_width(col as u16, *width)?;
        }
        sheet.write_string_with_format(
            0,
            0,
            format!("Daftar Prioritas {}", title.forum_name),
            &f.title,
        )?;
        sheet.write_string_with_format(
            1,
            0,
            format!("{} · Wilayah {}", title.cycle_name, title.region_name),
            &f.subtitle,
        )?;
        let ceiling = match title.budget_ceiling {
            Some(amount) => format!("Pagu indikatif: {}", crate::domain::format::rupiah(amount)),
            None => "Tanpa pagu indikatif".to_owned(),
        };
        sheet.write_string_with_format(2, 0, ceiling, &f.subtitle)?;
        sheet.write_string_with_format(
            3,
            0,
            format!("Status: {} · Diekspor {}", title.status, title.exported_on),
            &f.subtitle,
        )?;
        for (col, heading) in COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(HEADER_ROW, col as u16, *heading, &f.header)?;
        }
        sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
        sheet
            .set_landscape()
            .set_paper_size(A4)
            .set_print_fit_to_pages(1, 0)
            .set_footer("&L&A&RHalaman &P dari &N");
        sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
        self.current = Some(OpenSheet {
            index: self.sheets,
            next_row: HEADER_ROW + 1,
            forum_name: title.forum_name.to_owned(),
            status: title.status.to_owned(),
            budget_ceiling: title.budget_ceiling,
            rows: 0,
            main_count: 0,
            main_cost: 0,
        });
        self.sheets += 1;
        Ok(())
    }

    pub fn rows(&mut self, rows: &[PriorityRow]) -> Result<(), XlsxError> {
        let Some(open) = self.current.as_mut() else {
            return Err(XlsxError::ParameterError(
                "rows written before a sheet was started".into(),
            ));
        };
        let f = &self.formats;
        let sheet = self.workbook.worksheet_from_index(open.index)?;
        for row in rows {
            for (col, cell) in row.cells().iter().enumerate() {
                write_cell(
                    sheet,
                    open.next_row,
                    col as u16,
                    cell,
                    (&f.text, &f.number, &f.rupiah),
                )?;
            }
            open.next_row += 1;
            open.rows += 1;
            if row.standing == Standing::Main {
                open.main_count += 1;
                open.main_cost += row.cost;
            }
        }
        Ok(())
    }

    /// Writes the finished workbook. With no forum at all it still holds one sheet with the
    /// header, so the file opens.
    pub fn save(mut self, out: impl std::io::Write + Send) -> Result<(), XlsxError> {
        if self.sheets == usize::from(self.summary.is_some()) {
            self.start_sheet(&SheetTitle {
                forum_name: "",
                cycle_name: "",
                region_name: "",
                budget_ceiling: None,
                status: "tidak ada forum",
                exported_on: "",
            })?;
        }
        self.finish_sheet()?;
        self.workbook.save_to_writer(out)
    }

    /// Closes the open sheet: the filter over its list, the main list's totals under it (as
    /// formulas, with their values, so a reader without a calculator sees them too), and its
    /// row in the summary.
    fn finish_sheet(&mut self) -> Result<(), XlsxError> {
        let Some(open) = self.current.take() else {
            return Ok(());
        };
        let f = &self.formats;
        let sheet = self.workbook.worksheet_from_index(open.index)?;
        let last_col = COLUMNS.len() as u16 - 1;
        let last_row = open.next_row - 1;
        sheet.autofilter(HEADER_ROW, 0, last_row, last_col)?;
        let total_row = open.next_row + 1;
        let (first, last) = (HEADER_ROW + 1, last_row.max(HEADER_ROW + 1));
        let list = format!(
            "{}:{}",
            row_col_to_cell(first, LIST_COLUMN),
            row_col_to_cell(last, LIST_COLUMN)
        );
        let costs = format!(
            "{}:{}",
            row_col_to_cell(first, COST_COLUMN),
            row_col_to_cell(last, COST_COLUMN)
        );
        let main = Standing::Main.label();
        sheet.write_string_with_format(
            total_row,
            TITLE_COLUMN - 1,
            "Jumlah daftar utama",
            &f.total_label,
        )?;
        sheet.write_formula_with_format(
            total_row,
            TITLE_COLUMN,
            Formula::new(format!("=COUNTIF({list},\"{main}\")&\" usulan\""))
                .set_result(format!("{} usulan", open.main_count)),
            &f.total_label,
        )?;
        sheet.write_formula_with_format(
            total_row,
            COST_COLUMN,
            Formula::new(format!("=SUMIF({list},\"{main}\",{costs})"))
                .set_result(open.main_cost.to_string()),
            &f.total_rupiah,
        )?;
        if let Some(ceiling) = open.budget_ceiling {
            sheet.write_string_with_format(
                total_row + 1,
                TITLE_COLUMN - 1,
                "Sisa pagu indikatif",
                &f.total_label,
            )?;
            sheet.write_formula_with_format(
                total_row + 1,
                COST_COLUMN,
                Formula::new(format!(
                    "={ceiling}-{}",
                    row_col_to_cell(total_row, COST_COLUMN)
                ))
                .set_result((ceiling - open.main_cost).to_string()),
                &f.total_rupiah,
            )?;
        }
        if let Some((index, row)) = self.summary {
            let summary = self.workbook.worksheet_from_index(index)?;
            summary.write_string_with_format(row, 0, &open.forum_name, &f.text)?;
            summary.write_string_with_format(row, 1, &open.status, &f.text)?;
            if let Some(ceiling) = open.budget_ceiling {
                summary.write_number_with_format(row, 2, ceiling as f64, &f.rupiah)?;
                summary.write_number_with_format(
                    row,
                    6,
                    (ceiling - open.main_cost) as f64,
                    &f.rupiah,
                )?;
            }
            summary.write_number_with_format(row, 3, open.rows as f64, &f.number)?;
            summary.write_number_with_format(row, 4, open.main_count as f64, &f.number)?;
            summary.write_number_with_format(row, 5, open.main_cost as f64, &f.rupiah)?;
            self.summary = Some((index, row + 1));
        }
        Ok(())
    }

    /// Excel's rules: at most 31 characters, none of `[]:*?/\`, unique regardless of case.
    fn unique_sheet_name(&mut self, forum_name: &str) -> String {
        let cleaned: String = forum_name
            .trim_start_matches("Musrenbang ")
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
            .collect();
        let cleaned = cleaned.trim_matches(|c: char| c == '\'' || c.is_whitespace());
        let base = if cleaned.is_empty() { "Forum" } else { cleaned };
        let mut attempt = 1;
        loop {
            let suffix = if attempt == 1 {
                String::new()
            } else {
                format!(" ({attempt})")
            };
            let room = SHEET_NAME_MAX - suffix.chars().count();
            let name: String = base
                .chars()
                .take(room)
                .collect::<String>()
                .trim_end()
                .to_owned()
                + &suffix;
            if self.sheet_names.insert(name.to_lowercase()) {
                return name;
            }
            attempt += 1;
        }
    }
}

impl Default for XlsxBook {
    fn default() -> Self {
        Self::new()
    }
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell<'_>,
    (text, number, rupiah): (&Format, &Format, &Format),
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(value) => sheet.write_string_with_format(row, col, *value, text)?,
        Cell::Integer(value) => sheet.write_number_with_format(row, col, *value as f64, number)?,
        Cell::Decimal(value) => sheet.write_number_with_format(row, col, *value, number)?,
        Cell::Money(value) => sheet.write_number_with_format(row, col, *value as f64, rupiah)?,
        Cell::Links(links) => sheet.write_string_with_format(row, col, links.join("\n"), text)?,
        Cell::Score(value) => match score_value(value) {
            Some(score) => sheet.write_number_with_format(row, col, score, number)?,
            None => sheet.write_string_with_format(row, col, *value, text)?,
        },
        Cell::Empty => sheet,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::export::table::{sample_row, Decision, Standing};

    fn sheet_xml(bytes: &[u8], index: usize) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name(&format!("xl/worksheets/sheet{index}.xml"))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    fn title(forum_name: &str) -> SheetTitle<'_> {
        SheetTitle {
            forum_name,
            cycle_name: "Musrenbang RKPD Kota Malang 2027",
            region_name: "Oro-oro Dowo",
            budget_ceiling: Some(500_000_000),
            status: "Ditutup",
            exported_on: "1 Desember 2026",
        }
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn a_sheet_per_forum_with_title_block_totals_and_print_set_up() {
        let mut book = XlsxBook::new();
        book.start_sheet(&title("Musrenbang Kelurahan Oro-oro Dowo"))
            .unwrap();
        let mut reserve = sample_row(Some(2), Decision::Pending);
        reserve.standing = Standing::Reserve;
        book.rows(&[sample_row(Some(1), Decision::Accommodated), reserve])
            .unwrap();
        book.start_sheet(&title("Musrenbang Kelurahan Kauman"))
            .unwrap();
        let mut bytes = Vec::new();
        book.save(&mut bytes).unwrap();

        let first = sheet_xml(&bytes, 1);
        assert!(first.contains("<autoFilter ref=\"A6:Q8\"/>"), "{first}");
        assert!(first.contains("state=\"frozen\""));
        assert!(first.contains("Daftar Prioritas Musrenbang Kelurahan Oro-oro Dowo"));
        assert!(first.contains("Pagu indikatif: Rp 500.000.000"));
        // Pagu is a number cell (no t="inlineStr"), written as the integer it is.
        assert!(first.contains("<v>180000000</v>"));
        // The main list's total counts the main row only; the rest of the ceiling under it.
        assert!(
            first.contains("<f>SUMIF(N7:N8,\"Utama\",K7:K8)</f><v>180000000</v>"),
            "{first}"
        );
        assert!(first.contains("<v>320000000</v>"), "{first}");
        assert!(first.contains("orientation=\"landscape\""), "{first}");
        assert!(first.contains("fitToHeight=\"0\""), "{first}");
        assert!(first.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{first}");
        let workbook = part(&bytes, "xl/workbook.xml");
        assert!(workbook.contains("_xlnm.Print_Titles"), "{workbook}");
        assert!(workbook.contains("$6:$6"), "{workbook}");
        let second = sheet_xml(&bytes, 2);
        assert!(second.contains("<autoFilter ref=\"A6:Q6\"/>"));
    }

    #[test]
    fn several_forums_open_with_a_summary() {
        let mut book = XlsxBook::with_summary().unwrap();
        book.start_sheet(&title("Musrenbang Kelurahan Oro-oro Dowo"))
            .unwrap();
        book.rows(&[sample_row(Some(1), Decision::Accommodated)])
            .unwrap();
        book.start_sheet(&title("Musrenbang Kelurahan Kauman"))
            .unwrap();
        let mut bytes = Vec::new();
        book.save(&mut bytes).unwrap();
        let summary = sheet_xml(&bytes, 1);
        let workbook = part(&bytes, "xl/workbook.xml");
        assert!(
            workbook.contains("<sheet name=\"Ringkasan\" sheetId=\"1\""),
            "{workbook}"
        );
        assert!(summary.contains("<v>180000000</v>"), "{summary}");
        assert!(summary.contains("<v>320000000</v>"), "{summary}");
        assert!(summary.contains("<v>500000000</v>"), "{summary}");
    }

    #[test]
    fn sheet_names_follow_excels_rules() {
        let mut book = XlsxBook::new();
        assert_eq!(
            book.unique_sheet_name("Musrenbang Kelurahan Oro-oro Dowo"),
            "Kelurahan Oro-oro Dowo"
        );
        let long = "Musrenbang Kecamatan Sukolilo Baru Sekali: Tahap [1/2]";
        let first = book.unique_sheet_name(long);
        assert_eq!(first, "Kecamatan Sukolilo Baru Sekali-");
        assert_eq!(first.chars().count(), 31);
        let second = book.unique_sheet_name(long);
        assert_eq!(second, "Kecamatan Sukolilo Baru Sek (2)");
        assert_eq!(book.unique_sheet_name("   "), "Forum");
    }
}
