//! Amounts and dates as Indonesian documents and screens write them: "Rp 1.250.000",
//! "Senin", "23 November 2026". The domain's notes and every export use these.
use chrono::{Datelike, Weekday};

/// "Rp 1.250.000", as Indonesian documents write amounts.
pub fn rupiah(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    if amount < 0 {
        format!("-Rp {grouped}")
    } else {
        format!("Rp {grouped}")
    }
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

/// "Senin": the day of the week.
pub fn hari(day: Weekday) -> &'static str {
    HARI[day.num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupiah_groups_thousands_with_dots() {
        assert_eq!(rupiah(0), "Rp 0");
        assert_eq!(rupiah(999), "Rp 999");
        assert_eq!(rupiah(1000), "Rp 1.000");
        assert_eq!(rupiah(1_250_000), "Rp 1.250.000");
        assert_eq!(rupiah(-65_000), "-Rp 65.000");
    }
}
