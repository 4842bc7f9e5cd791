//! The complaint channel's yearly figures as a workbook: a title block, one row per agency
//! (volumes, answers on time, time to the first follow-up, satisfaction index and grade) with
//! totals, then the counts per category; landscape, fitted to the page width, header repeated.
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::domain::complaints::dashboard::Dashboard;

const AGENCY_COLUMNS: [&str; 10] = [
    "Perangkat daerah",
    "Diterima",
    "Dijawab",
    "Tindak lanjut tepat waktu",
    "% tepat waktu",
    "Median jam ke tindak lanjut",
    "Terlambat saat ini",
    "IKM",
    "Mutu",
    "Responden",
];

fn title_block(
    sheet: &mut Worksheet,
    dashboard: &Dashboard,
    bold: &Format,
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(0, 0, "Statistik laporan dan pengaduan warga", bold)?;
    sheet.write_string(1, 0, format!("Tahun {}", dashboard.year))?;
    sheet.write_string(
        2,
        0,
        format!(
            "Laporan: {} · selesai: {} · ditolak: {} · terlambat saat ini: {}",
            dashboard.reports, dashboard.closed, dashboard.rejected, dashboard.overdue_now
        ),
    )?;
    if let Some(index) = &dashboard.satisfaction {
        sheet.write_string(
            3,
            0,
            format!(
                "Indeks Kepuasan Masyarakat: {:.2} ({:?}, {} responden)",
                index.value, index.grade, index.respondents
            ),
        )?;
    }
    Ok(5)
}

pub fn workbook(dashboard: &Dashboard) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border_bottom(FormatBorder::Thin);
    let percent = Format::new().set_num_format("0.0%");
    let decimal = Format::new().set_num_format("0.00");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Per perangkat daerah")?;
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    let first = title_block(sheet, dashboard, &bold)?;
    sheet.set_repeat_rows(first, first)?;
    sheet.set_column_width(0, 42.0)?;
    for col in 1..AGENCY_COLUMNS.len() as u16 {
        sheet.set_column_width(col, 14.0)?;
    }
    for (col, title) in AGENCY_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(first, col as u16, *title, &header)?;
    }
    let mut row = first + 1;
    for stats in &dashboard.agencies {
        sheet.write_string(row, 0, &stats.agency.name)?;
        sheet.write_number(row, 1, stats.received as f64)?;
        sheet.write_number(row, 2, stats.answered as f64)?;
        sheet.write_number(row, 3, stats.followed_up_on_time as f64)?;
        if let Some(share) = stats.on_time_share {
            sheet.write_number_with_format(row, 4, share, &percent)?;
        }
        if let Some(hours) = stats.median_hours_to_first_follow_up {
            sheet.write_number(row, 5, hours)?;
        }
        sheet.write_number(row, 6, stats.overdue_now as f64)?;
        if let Some(index) = &stats.satisfaction {
            sheet.write_number_with_format(row, 7, index.value, &decimal)?;
            sheet.write_string(
                row,
                8,
                format!("{:?} ({})", index.grade, index.grade.label()),
            )?;
            sheet.write_number(row, 9, index.respondents as f64)?;
        }
        row += 1;
    }
    let sum = |f: &dyn Fn(&crate::domain::complaints::dashboard::AgencyStats) -> u64| {
        dashboard.agencies.iter().map(f).sum::<u64>() as f64
    };
    sheet.write_string_with_format(row, 0, "Jumlah", &bold)?;
    sheet.write_number_with_format(row, 1, sum(&|s| s.received), &bold)?;
    sheet.write_number_with_format(row, 2, sum(&|s| s.answered), &bold)?;
    sheet.write_number_with_format(row, 3, sum(&|s| s.followed_up_on_time), &bold)?;
    sheet.write_number_with_format(row, 6, sum(&|s| s.overdue_now), &bold)?;

    let sheet = workbook.add_worksheet();
    sheet.set_name("Per kategori")?;
    sheet.set_column_width(0, 42.0)?;
    for (col, title) in ["Kategori", "Laporan", "Selesai"].iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &header)?;
    }
    for (index, count) in dashboard.categories.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, &count.category.name)?;
        sheet.write_number(row, 1, count.reports as f64)?;
        sheet.write_number(row, 2, count.closed as f64)?;
    }
    workbook.save_to_buffer()
}
