//! CSV as spreadsheets open it: UTF-8 with a byte-order mark (else Excel reads Indonesian text
//! as ANSI), RFC 4180 quoting, CRLF line ends, and plain integer Rupiah so it re-imports.
//! Written a page at a time into a buffer that the caller sends on.
use std::io;

use ::csv::{Terminator, WriterBuilder};

use super::table::{plain, PriorityRow, COLUMNS};

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// The field separator: commas (RFC 4180), or semicolons, which spreadsheet programs set to
/// Indonesian (where the comma is the decimal mark) expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Separator {
    #[default]
    Comma,
    Semicolon,
}

impl Separator {
    /// `sep=comma` (the default) or `sep=semicolon` (also `;`).
    pub fn from_param(value: Option<&str>) -> Result<Self, crate::error::AppError> {
        match value.map(str::trim) {
            None | Some("" | "comma" | ",") => Ok(Self::Comma),
            Some("semicolon" | ";") => Ok(Self::Semicolon),
            Some(_) => Err(crate::error::AppError::field(
                "sep",
                "invalid",
                "must be comma or semicolon",
            )),
        }
    }

    fn byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Semicolon => b';',
        }
    }
}

fn writer(out: &mut Vec<u8>, separator: Separator) -> ::csv::Writer<&mut Vec<u8>> {
    WriterBuilder::new()
        .delimiter(separator.byte())
        .terminator(Terminator::CRLF)
        .from_writer(out)
}

/// The byte-order mark and the header line.
pub fn header(out: &mut Vec<u8>, separator: Separator) -> io::Result<()> {
    out.extend_from_slice(BYTE_ORDER_MARK);
    let mut csv = writer(out, separator);
    csv.write_record(COLUMNS)?;
    csv.flush()
}

pub fn rows(out: &mut Vec<u8>, rows: &[PriorityRow], separator: Separator) -> io::Result<()> {
    let mut csv = writer(out, separator);
    for row in rows {
        csv.write_record(row.cells().iter().map(|cell| inert(plain(cell))))?;
    }
    csv.flush()
}

/// A cell a spreadsheet will not run: text starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return is a formula to Excel and LibreOffice (`=HYPERLINK(…)`), so it gets a leading
/// apostrophe, which they show as plain text. Numbers are left as they are.
fn inert(cell: String) -> String {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table::{sample_row, Decision};

    #[test]
    fn formulas_are_written_as_text() {
        assert_eq!(
            inert("=HYPERLINK(\"http://x\")".into()),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(inert("+cmd|' /C calc'!A0".into()), "'+cmd|' /C calc'!A0");
        assert_eq!(inert("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(inert("\t=1".into()), "'\t=1");
        assert_eq!(inert("-".into()), "'-");
        assert_eq!(inert("-5".into()), "-5", "a number stays a number");
        assert_eq!(inert("Saluran = drainase".into()), "Saluran = drainase");
    }

    #[test]
    fn bom_crlf_quoting_and_plain_numbers() {
        let mut out = Vec::new();
        header(&mut out, Separator::Comma).unwrap();
        rows(
            &mut out,
            &[sample_row(Some(1), Decision::Accommodated)],
            Separator::Comma,
        )
        .unwrap();
        assert!(out.starts_with(BYTE_ORDER_MARK));
        let text = std::str::from_utf8(&out[3..]).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines.len(), 3, "two records and the final CRLF: {text:?}");
        assert!(lines[0].starts_with("Forum,Peringkat,Kode usulan,"));
        assert!(lines[1].contains(",\"Perbaikan saluran drainase Jl. Kawi, \"\"tahap 2\"\"\","));
        assert!(lines[1].contains(",180000000,"));
        assert!(lines[1].contains(",7/2,Utama,Diakomodir,"));
        assert!(lines[1].ends_with("kecamatan — sesuai mufakat,https://musrenbang.example/media/7"));
    }

    #[test]
    fn semicolons_for_indonesian_spreadsheets() {
        let mut out = Vec::new();
        header(&mut out, Separator::Semicolon).unwrap();
        rows(
            &mut out,
            &[sample_row(Some(1), Decision::Accommodated)],
            Separator::Semicolon,
        )
        .unwrap();
        let text = std::str::from_utf8(&out[3..]).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(lines[0].starts_with("Forum;Peringkat;Kode usulan;"));
        // A comma inside text needs no quoting now; a semicolon would.
        assert!(lines[1].contains(";180000000;"));
        assert_eq!(
            Separator::from_param(Some("semicolon")).unwrap(),
            Separator::Semicolon
        );
        assert_eq!(Separator::from_param(None).unwrap(), Separator::Comma);
        assert!(Separator::from_param(Some("tab")).is_err());
    }
}
