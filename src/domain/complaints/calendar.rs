//! The working-day calendar of the service clocks: Monday to Friday, less national holidays
//! and collective leave (cuti bersama), which the government sets anew each year and the
//! administrators enter (`set_holidays`). A clock of n working days that starts on some day
//! runs out when the n-th working day after it ends, in the region's own time zone.
use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone as _, Utc, Weekday};

use crate::domain::regions::TimeZone;

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self {
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The n-th working day after `day` (`day` itself never counts: a report filed at 16.00
    /// has its whole first day).
    pub fn nth_working_day_after(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut current = day;
        let mut counted = 0;
        while counted < n {
            current = current + Days::new(1);
            if self.is_working_day(current) {
                counted += 1;
            }
        }
        current
    }

    /// When a clock of `working_days` started at `start` runs out: the midnight that ends
    /// the last working day it allows, local time of `zone`.
    pub fn deadline(
        &self,
        start: DateTime<Utc>,
        working_days: u32,
        zone: TimeZone,
    ) -> DateTime<Utc> {
        let offset = zone.offset();
        let local_day = start.with_timezone(&offset).date_naive();
        let last = self.nth_working_day_after(local_day, working_days);
        let end = (last + Days::new(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default();
        offset
            .from_local_datetime(&end)
            .single()
            .map_or(start, |at| at.with_timezone(&Utc))
    }

    /// Working days from `from`'s local day to `to`'s (0 on the same day), for reports.
    pub fn working_days_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        zone: TimeZone,
    ) -> i64 {
        let offset = zone.offset();
        let mut day = from.with_timezone(&offset).date_naive();
        let last = to.with_timezone(&offset).date_naive();
        let mut count = 0;
        while day < last {
            day = day + Days::new(1);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_clock_skips_the_weekend() {
        let calendar = Calendar::default();
        // Thursday 3 December 2026 + 3 working days: Fri 4, Mon 7, Tue 8.
        assert_eq!(
            calendar.nth_working_day_after(day("2026-12-03"), 3),
            day("2026-12-08")
        );
        // Filed on a Saturday: Mon, Tue, Wed.
        assert_eq!(
            calendar.nth_working_day_after(day("2026-12-05"), 3),
            day("2026-12-09")
        );
    }

    #[test]
    fn a_clock_skips_holidays_and_collective_leave() {
        // Christmas (Fri 25 December 2026) and a collective leave day on Thursday 24.
        let calendar = Calendar::new([day("2026-12-24"), day("2026-12-25")]);
        // Wednesday 23 + 3 working days: Mon 28, Tue 29, Wed 30.
        assert_eq!(
            calendar.nth_working_day_after(day("2026-12-23"), 3),
            day("2026-12-30")
        );
        assert!(!calendar.is_working_day(day("2026-12-25")));
        assert!(calendar.is_working_day(day("2026-12-28")));
    }

    #[test]
    fn the_deadline_is_local_midnight() {
        let calendar = Calendar::default();
        // 23.30 WIB on Thursday 3 December is 16.30 UTC; the day still counts as Thursday.
        let start = Utc.with_ymd_and_hms(2026, 12, 3, 16, 30, 0).unwrap();
        let due = calendar.deadline(start, 3, TimeZone::Wib);
        // The end of Tuesday 8 December, WIB = 17.00 UTC that day.
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 12, 8, 17, 0, 0).unwrap());
        // Papua (WIT, UTC+9): 16.30 UTC is already Friday 4 there: Mon 7, Tue 8, Wed 9.
        let due = calendar.deadline(start, 3, TimeZone::Wit);
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 12, 9, 15, 0, 0).unwrap());
    }

    #[test]
    fn working_days_between_counts_what_the_clock_counts() {
        let calendar = Calendar::new([day("2026-12-25")]);
        let from = Utc.with_ymd_and_hms(2026, 12, 23, 3, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2026, 12, 29, 3, 0, 0).unwrap();
        // Thu 24, (Fri 25 holiday), Mon 28, Tue 29.
        assert_eq!(calendar.working_days_between(from, to, TimeZone::Wib), 3);
    }
}
