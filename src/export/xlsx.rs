//! Excel workbooks: one sheet per forum, numbers typed as numbers, Rupiah formatted, the header
//! row frozen and filterable. Sheets are written in rust_xlsxwriter's constant-memory mode:
//! each row goes to a temporary file as soon as the next one starts, so a large export holds
//! one row in memory, not the sheet.
use std::collections::HashSet;

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::table::{score_value, Cell, PriorityRow, COLUMNS};

/// Widths in characters, in the order of `COLUMNS`.
const WIDTHS: [f64; 14] = [
    32.0, 10.0, 16.0, 45.0, 36.0, 22.0, 10.0, 10.0, 18.0, 32.0, 11.0, 14.0, 16.0, 50.0,
];
/// Excel's limit on sheet names.
const SHEET_NAME_MAX: usize = 31;

pub struct XlsxBook {
    workbook: Workbook,
    header: Format,
    text: Format,
    number: Format,
    rupiah: Format,
    sheet_names: HashSet<String>,
    /// The sheet being written and its next row.
    current: Option<(usize, u32)>,
    sheets: usize,
}

impl XlsxBook {
    pub fn new() -> Self {
        let top = Format::new().set_align(FormatAlign::Top);
        Self {
            workbook: Workbook::new(),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border_bottom(FormatBorder::Thin),
            text: top.clone().set_text_wrap(),
            number: top.clone(),
            rupiah: top.set_num_format("\"Rp\" #,##0"),
            sheet_names: HashSet::new(),
            current: None,
            sheets: 0,
        }
    }

    /// Starts the sheet of one forum: its header row, column widths and frozen first row.
    pub fn start_sheet(&mut self, forum_name: &str) -> Result<(), XlsxError> {
        self.finish_sheet()?;
        let name = self.unique_sheet_name(forum_name);
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (col, width) in WIDTHS.iter().enumerate() {
            sheet.set_column_width(col as u16, *width)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (col, title) in COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *title, &self.header)?;
        }
        self.current = Some((self.sheets, 1));
        self.sheets += 1;
        Ok(())
    }

    pub fn rows(&mut self, rows: &[PriorityRow]) -> Result<(), XlsxError> {
        let Some((index, mut next_row)) = self.current else {
            return Err(XlsxError::ParameterError(
                "rows written before a sheet was started".into(),
            ));
        };
        let sheet = self.workbook.worksheet_from_index(index)?;
        for row in rows {
            for (col, cell) in row.cells().iter().enumerate() {
                write_cell(
                    sheet,
                    next_row,
                    col as u16,
                    cell,
                    (&self.text, &self.number, &self.rupiah),
                )?;
            }
            next_row += 1;
        }
        self.current = Some((index, next_row));
        Ok(())
    }

    /// Writes the finished workbook. With no forum at all it still holds one sheet with the
    /// header, so the file opens.
    pub fn save(mut self, out: impl std::io::Write + Send) -> Result<(), XlsxError> {
        if self.sheets == 0 {
            self.start_sheet("Daftar prioritas")?;
        }
        self.finish_sheet()?;
        self.workbook.save_to_writer(out)
    }

    fn finish_sheet(&mut self) -> Result<(), XlsxError> {
        if let Some((index, next_row)) = self.current.take() {
            let last_col = COLUMNS.len() as u16 - 1;
            self.workbook.worksheet_from_index(index)?.autofilter(
                0,
                0,
                next_row.max(1) - 1,
                last_col,
            )?;
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
    use crate::export::table::{sample_row, Decision};

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

    #[test]
    fn a_sheet_per_forum_with_frozen_filtered_header() {
        let mut book = XlsxBook::new();
        book.start_sheet("Musrenbang Kelurahan Oro-oro Dowo")
            .unwrap();
        book.rows(&[
            sample_row(Some(1), Decision::Accommodated),
            sample_row(Some(2), Decision::Pending),
        ])
        .unwrap();
        book.start_sheet("Musrenbang Kelurahan Kauman").unwrap();
        let mut bytes = Vec::new();
        book.save(&mut bytes).unwrap();

        let first = sheet_xml(&bytes, 1);
        assert!(first.contains("<autoFilter ref=\"A1:N3\"/>"), "{first}");
        assert!(first.contains("state=\"frozen\""));
        // Pagu is a number cell (no t="inlineStr"), written as the integer it is.
        assert!(first.contains("<v>180000000</v>"));
        let second = sheet_xml(&bytes, 2);
        assert!(second.contains("<autoFilter ref=\"A1:N1\"/>"));
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
