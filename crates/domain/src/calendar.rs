//! Calendar arithmetic: months, working days and statutory deadlines.
//!
//! Working days need the State Council holiday table (调休), which changes every year, so the
//! table is data ([`HolidayCalendar`], loadable from TOML) with a built-in copy for the years we
//! know. Statutory deadlines follow 刑事诉讼法 Art 105 (domain.md header).

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::DateRange;

/// Why a holiday table was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    /// The TOML text could not be read; `message` is the parser's explanation (line, column).
    #[error("holiday calendar is not valid TOML: {message}")]
    Toml { message: String },
    /// The same date is listed both as a holiday and as a makeup working day.
    #[error("{date} is listed both as a holiday and as a makeup working day")]
    HolidayAndWorkday { date: NaiveDate },
    /// A makeup working day (调休上班) falls on Monday–Friday, where it changes nothing: almost
    /// certainly a typing mistake in the table.
    #[error("makeup working day {date} is not a Saturday or Sunday")]
    MakeupWorkdayNotWeekend { date: NaiveDate },
}

/// Saturday or Sunday (公休日).
pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Last day of a month, `None` if the year is outside chrono's range or `month` is not 1..=12.
fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (next_year, next_month) = if month == 12 { (year.checked_add(1)?, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

/// `d` moved by `n` calendar months; a day that does not exist in the target month is clamped
/// to its last day (Jan 31 + 1 month = Feb 28/29). Month-based periods are counted this way in
/// practice (刑法 Art 99 convention, domain.md §15.3). Saturates at chrono's date limits.
pub fn add_months(d: NaiveDate, n: i32) -> NaiveDate {
    let saturated = if n < 0 { NaiveDate::MIN } else { NaiveDate::MAX };
    let total = i64::from(d.year()) * 12 + i64::from(d.month0()) + i64::from(n);
    let Ok(year) = i32::try_from(total.div_euclid(12)) else {
        return saturated;
    };
    // rem_euclid(12) is 0..=11, so the cast cannot truncate.
    let month = total.rem_euclid(12) as u32 + 1;
    match last_day_of_month(year, month) {
        Some(last) => NaiveDate::from_ymd_opt(year, month, d.day().min(last.day())).unwrap_or(saturated),
        None => saturated,
    }
}

/// The whole calendar month as a closed range (1st to last day).
///
/// # Panics
/// If `month` is not 1..=12 or `year` is outside chrono's range (a programming error: callers
/// take both from a `NaiveDate`).
pub fn month_range(year: i32, month: u32) -> DateRange {
    let start = NaiveDate::from_ymd_opt(year, month, 1).expect("month_range: month must be 1..=12");
    let end = last_day_of_month(year, month).expect("month_range: year out of range");
    DateRange::new(start, end)
}

/// `d` itself if it is a working day, otherwise the first working day after it.
pub fn same_or_next_working_day(d: NaiveDate, cal: &HolidayCalendar) -> NaiveDate {
    let mut day = d;
    // Terminates: the holiday set is finite, so a working day comes within |holidays| + 2 days.
    while !cal.is_working_day(day) {
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    day
}

/// Deadline of a period of `days` days starting on `start` (刑事诉讼法 Art 105): the start day is
/// not counted; if the last day is a holiday or weekend (节假日) the deadline moves to the next
/// working day. Example: report within 10 days of the judgment taking effect (社区矫正法 Art 21).
///
/// Art 105 does not extend periods over holidays for a person in custody; such periods end on
/// `start + days` and must not use this function.
pub fn statutory_deadline(start: NaiveDate, days: u32, cal: &HolidayCalendar) -> NaiveDate {
    let last = start.checked_add_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MAX);
    same_or_next_working_day(last, cal)
}

/// Public holidays and 调休 working days. A day is a working day when it is a makeup working
/// day, or a Monday–Friday that is not a holiday. Years without entries fall back to weekends
/// only, so the table must be extended every year from the State Council notice (国务院办公厅关于
/// 部分节假日安排的通知, usually published in October–November for the next year).
///
/// TOML form (dates as TOML dates or `"YYYY-MM-DD"` strings):
/// ```toml
/// holidays = [2025-01-01, 2025-01-28]
/// makeup_workdays = [2025-01-26]
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendar {
    /// Days off, including the weekend days inside a holiday period.
    #[serde(default, deserialize_with = "date_set")]
    pub holidays: BTreeSet<NaiveDate>,
    /// Saturdays and Sundays that are working days (调休上班).
    #[serde(default, deserialize_with = "date_set")]
    pub makeup_workdays: BTreeSet<NaiveDate>,
}

/// Dates as `"YYYY-MM-DD"` strings (JSON, TOML) or bare TOML dates, which chrono cannot read:
/// TOML hands them over as its own datetime type.
fn date_set<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<BTreeSet<NaiveDate>, D::Error> {
    use serde::de::Error;
    let values = Vec::<toml::Value>::deserialize(deserializer)?;
    values
        .into_iter()
        .map(|value| match value {
            toml::Value::String(s) => {
                NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| D::Error::custom(format!("not a date: {s:?}")))
            }
            toml::Value::Datetime(toml::value::Datetime { date: Some(date), time: None, offset: None }) => {
                NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day))
                    .ok_or_else(|| D::Error::custom(format!("not a date: {date}")))
            }
            other => Err(D::Error::custom(format!("expected a date, found {other}"))),
        })
        .collect()
}

/// Holiday periods `(first, last)` and makeup working days of the built-in table.
type YearTable = (&'static [(&'static str, &'static str)], &'static [&'static str]);

/// State Council holiday notices. Included years: 2024, 2025, 2026. Update yearly.
const BUILTIN: &[YearTable] = &[
    // 2024: 国务院办公厅关于2024年部分节假日安排的通知 (2023-10-25)
    (
        &[
            ("2024-01-01", "2024-01-01"), // 元旦
            ("2024-02-10", "2024-02-17"), // 春节
            ("2024-04-04", "2024-04-06"), // 清明节
            ("2024-05-01", "2024-05-05"), // 劳动节
            ("2024-06-10", "2024-06-10"), // 端午节
            ("2024-09-15", "2024-09-17"), // 中秋节
            ("2024-10-01", "2024-10-07"), // 国庆节
        ],
        &[
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ],
    ),
    // 2025: 国办发明电〔2024〕12号 (2024-11-12), first year with the two extra days of the
    // revised 全国年节及纪念日放假办法.
    (
        &[
            ("2025-01-01", "2025-01-01"), // 元旦
            ("2025-01-28", "2025-02-04"), // 春节
            ("2025-04-04", "2025-04-06"), // 清明节
            ("2025-05-01", "2025-05-05"), // 劳动节
            ("2025-05-31", "2025-06-02"), // 端午节
            ("2025-10-01", "2025-10-08"), // 国庆节、中秋节
        ],
        &["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    ),
    // 2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)
    (
        &[
            ("2026-01-01", "2026-01-03"), // 元旦
            ("2026-02-15", "2026-02-23"), // 春节
            ("2026-04-04", "2026-04-06"), // 清明节
            ("2026-05-01", "2026-05-05"), // 劳动节
            ("2026-06-19", "2026-06-21"), // 端午节
            ("2026-09-25", "2026-09-27"), // 中秋节
            ("2026-10-01", "2026-10-07"), // 国庆节
        ],
        &["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    ),
];

fn builtin_date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("built-in holiday table holds valid dates")
}

impl HolidayCalendar {
    /// No holidays: Monday–Friday are working days.
    pub fn weekends_only() -> Self {
        Self::default()
    }

    /// The State Council tables for 2024, 2025 and 2026. Other years: weekends only.
    pub fn china_builtin() -> Self {
        let mut cal = Self::default();
        for (periods, makeups) in BUILTIN {
            for (first, last) in periods.iter() {
                let (first, last) = (builtin_date(first), builtin_date(last));
                cal.holidays.extend(first.iter_days().take_while(|d| *d <= last));
            }
            cal.makeup_workdays.extend(makeups.iter().map(|s| builtin_date(s)));
        }
        cal
    }

    /// Reads a table from TOML and checks it with [`HolidayCalendar::validate`].
    pub fn from_toml_str(text: &str) -> Result<Self, CalendarError> {
        let cal: Self = toml::from_str(text).map_err(|e| CalendarError::Toml { message: e.to_string() })?;
        cal.validate()?;
        Ok(cal)
    }

    /// Refuses contradictory tables: a date both off and on, or a makeup day on a weekday.
    pub fn validate(&self) -> Result<(), CalendarError> {
        if let Some(date) = self.holidays.intersection(&self.makeup_workdays).next() {
            return Err(CalendarError::HolidayAndWorkday { date: *date });
        }
        if let Some(date) = self.makeup_workdays.iter().find(|d| !is_weekend(**d)) {
            return Err(CalendarError::MakeupWorkdayNotWeekend { date: *date });
        }
        Ok(())
    }

    /// Whether the table has any entry in `year`; without one, that year is weekends only and
    /// the UI should say the holiday table needs updating.
    pub fn covers_year(&self, year: i32) -> bool {
        let Some(range) = year_range(year) else {
            return false;
        };
        self.holidays.range(range.start..=range.end).next().is_some()
            || self.makeup_workdays.range(range.start..=range.end).next().is_some()
    }

    /// Listed as a public holiday (the weekend days inside a holiday period included).
    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        self.holidays.contains(&d)
    }

    /// Makeup working day, or a weekday that is not a holiday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        self.makeup_workdays.contains(&d) || (!is_weekend(d) && !self.holidays.contains(&d))
    }

    /// The `n`-th working day after `from` (`from` itself not counted, as in 刑事诉讼法 Art 105);
    /// a negative `n` counts backwards (the `|n|`-th working day before `from`); `0` returns
    /// `from`. Saturates at chrono's date limits.
    pub fn add_working_days(&self, from: NaiveDate, n: i64) -> NaiveDate {
        let mut day = from;
        let mut left = n.unsigned_abs();
        while left > 0 {
            let next = if n > 0 { day.succ_opt() } else { day.pred_opt() };
            let Some(next) = next else { return day };
            day = next;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days `d` with `a < d ≤ b` (the first day not counted, the last counted), so
    /// `working_days_between(a, add_working_days(a, n)) == n` for `n ≥ 0`. Negative when `b < a`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let weekdays = weekdays_up_to(b) - weekdays_up_to(a);
        let Some(first) = a.succ_opt() else { return 0 };
        if first > b {
            return 0;
        }
        let holidays_on_weekdays = self.holidays.range(first..=b).filter(|d| !is_weekend(**d)).count();
        let makeups_on_weekends = self.makeup_workdays.range(first..=b).filter(|d| is_weekend(**d)).count();
        // Counts are bounded by the table size, far below i64::MAX.
        weekdays - holidays_on_weekdays as i64 + makeups_on_weekends as i64
    }
}

fn year_range(year: i32) -> Option<DateRange> {
    Some(DateRange::new(NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?))
}

/// Monday–Friday count from a fixed Monday up to and including `d` (may be negative); only
/// differences are meaningful.
fn weekdays_up_to(d: NaiveDate) -> i64 {
    // num_days_from_ce() of 0001-01-01 is 1 and that day is a Monday, so day 1 = Monday.
    let n = i64::from(d.num_days_from_ce()) - 1;
    let weeks = n.div_euclid(7);
    let rest = n.rem_euclid(7); // 0 = Monday … 6 = Sunday
    weeks * 5 + rest.min(4) + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        // Month periods end on the same day number, or the month's last day when it is missing.
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2025-01-31"), 1), d("2025-02-28"));
        assert_eq!(add_months(d("2025-03-31"), -1), d("2025-02-28"));
        assert_eq!(add_months(d("2025-03-31"), -2), d("2025-01-31"));
        assert_eq!(add_months(d("2025-12-15"), 1), d("2026-01-15"));
        assert_eq!(add_months(d("2025-01-15"), -13), d("2023-12-15"));
        assert_eq!(add_months(d("2025-05-20"), 0), d("2025-05-20"));
    }

    #[test]
    fn add_months_saturates_instead_of_panicking() {
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(add_months(NaiveDate::MIN, -1), NaiveDate::MIN);
    }

    #[test]
    fn month_range_covers_the_whole_month() {
        assert_eq!(month_range(2024, 2), DateRange::new(d("2024-02-01"), d("2024-02-29")));
        assert_eq!(month_range(2025, 2), DateRange::new(d("2025-02-01"), d("2025-02-28")));
        assert_eq!(month_range(2025, 12), DateRange::new(d("2025-12-01"), d("2025-12-31")));
    }

    #[test]
    fn builtin_table_is_consistent_and_covers_2024_to_2026() {
        let cal = HolidayCalendar::china_builtin();
        assert_eq!(cal.validate(), Ok(()));
        for year in [2024, 2025, 2026] {
            assert!(cal.covers_year(year), "{year} should be in the built-in table");
        }
        assert!(!cal.covers_year(2023));
        assert!(!cal.covers_year(2027));
    }

    #[test]
    fn builtin_spring_festival_lengths() {
        // 2024: 8 days (Feb 10–17); 2025: 8 days (Jan 28–Feb 4); 2026: 9 days (Feb 15–23).
        let cal = HolidayCalendar::china_builtin();
        let count =
            |a: &str, b: &str| d(a).iter_days().take_while(|x| *x <= d(b)).filter(|x| cal.is_holiday(*x)).count();
        assert_eq!(count("2024-02-01", "2024-02-29"), 8);
        assert_eq!(count("2025-01-20", "2025-02-10"), 8);
        assert_eq!(count("2026-02-01", "2026-02-28"), 9);
    }

    #[test]
    fn working_day_follows_the_state_council_table() {
        let cal = HolidayCalendar::china_builtin();
        // 调休: Sunday 2025-01-26 and Saturday 2025-02-08 are working days.
        assert!(cal.is_working_day(d("2025-01-26")));
        assert!(cal.is_working_day(d("2025-02-08")));
        assert!(cal.is_working_day(d("2024-02-18")));
        assert!(cal.is_working_day(d("2026-01-04")));
        // Holidays on weekdays are not.
        assert!(!cal.is_working_day(d("2025-01-28")));
        assert!(!cal.is_working_day(d("2026-02-23")));
        assert!(!cal.is_working_day(d("2025-10-08")));
        // Ordinary days.
        assert!(cal.is_working_day(d("2025-03-03")));
        assert!(!cal.is_working_day(d("2025-03-01")));
    }

    #[test]
    fn unknown_year_falls_back_to_weekends_only() {
        // 2023-10-02 was a holiday in reality, but 2023 is not in the table.
        let cal = HolidayCalendar::china_builtin();
        assert!(cal.is_working_day(d("2023-10-02")));
        assert!(!cal.is_working_day(d("2023-10-07")));
    }

    #[test]
    fn same_or_next_working_day_skips_the_national_day_week() {
        let cal = HolidayCalendar::china_builtin();
        assert_eq!(same_or_next_working_day(d("2025-10-01"), &cal), d("2025-10-09"));
        assert_eq!(same_or_next_working_day(d("2025-10-09"), &cal), d("2025-10-09"));
        assert_eq!(same_or_next_working_day(d("2025-03-01"), &cal), d("2025-03-03"));
    }

    #[test]
    fn add_working_days_counts_makeup_saturdays_and_skips_holidays() {
        let cal = HolidayCalendar::china_builtin();
        assert_eq!(cal.add_working_days(d("2025-09-30"), 1), d("2025-10-09"));
        assert_eq!(cal.add_working_days(d("2025-10-10"), 1), d("2025-10-11"));
        assert_eq!(cal.add_working_days(d("2025-03-03"), 0), d("2025-03-03"));
        // Backwards: the 3rd working day before Thursday 2025-03-06 is Monday 03-03.
        assert_eq!(cal.add_working_days(d("2025-03-06"), -3), d("2025-03-03"));
        // Backwards over the holiday: Sep 30, Sep 29, Sep 28 (makeup Sunday).
        assert_eq!(cal.add_working_days(d("2025-10-09"), -3), d("2025-09-28"));
    }

    #[test]
    fn working_days_between_excludes_first_includes_last() {
        let cal = HolidayCalendar::china_builtin();
        assert_eq!(cal.working_days_between(d("2025-03-03"), d("2025-03-07")), 4);
        assert_eq!(cal.working_days_between(d("2025-03-07"), d("2025-03-03")), -4);
        assert_eq!(cal.working_days_between(d("2025-03-03"), d("2025-03-03")), 0);
        // Sep 30 → Oct 11: Oct 9, Oct 10, Oct 11 (makeup Saturday).
        assert_eq!(cal.working_days_between(d("2025-09-30"), d("2025-10-11")), 3);
        // Across a weekend with no holidays: Fri → next Mon is 1.
        assert_eq!(cal.working_days_between(d("2025-03-07"), d("2025-03-10")), 1);
    }

    #[test]
    fn statutory_deadline_art105() {
        let cal = HolidayCalendar::china_builtin();
        // 社区矫正法 Art 21 (10 days), 刑事诉讼法 Art 105: start day not counted.
        assert_eq!(statutory_deadline(d("2025-03-03"), 10, &cal), d("2025-03-13"));
        // Last day Saturday → Monday.
        assert_eq!(statutory_deadline(d("2025-03-05"), 10, &cal), d("2025-03-17"));
        // Last day in the National Day holiday → first working day after it.
        assert_eq!(statutory_deadline(d("2025-09-25"), 10, &cal), d("2025-10-09"));
        // Last day is a makeup Saturday: a working day, no extension.
        assert_eq!(statutory_deadline(d("2025-10-01"), 10, &cal), d("2025-10-11"));
    }

    #[test]
    fn toml_accepts_strings_and_bare_dates() {
        let text = "holidays = [\"2027-01-01\", 2027-01-02]\nmakeup_workdays = [2027-01-09]\n";
        let cal = HolidayCalendar::from_toml_str(text).unwrap();
        assert!(cal.is_holiday(d("2027-01-01")));
        assert!(cal.is_holiday(d("2027-01-02")));
        assert!(cal.is_working_day(d("2027-01-09")));
    }

    #[test]
    fn toml_round_trips_the_builtin_table() {
        let cal = HolidayCalendar::china_builtin();
        let text = toml::to_string(&cal).unwrap();
        assert_eq!(HolidayCalendar::from_toml_str(&text).unwrap(), cal);
    }

    #[test]
    fn json_reads_date_strings() {
        let cal: HolidayCalendar = serde_json::from_str(r#"{"holidays":["2027-01-01"],"makeup_workdays":[]}"#).unwrap();
        assert!(cal.is_holiday(d("2027-01-01")));
    }

    #[test]
    fn toml_missing_lists_mean_empty() {
        assert_eq!(HolidayCalendar::from_toml_str("").unwrap(), HolidayCalendar::weekends_only());
    }

    #[test]
    fn toml_refuses_contradictions() {
        let both = "holidays = [2027-01-09]\nmakeup_workdays = [2027-01-09]\n";
        assert_eq!(
            HolidayCalendar::from_toml_str(both),
            Err(CalendarError::HolidayAndWorkday { date: d("2027-01-09") })
        );
        let weekday = "makeup_workdays = [2027-01-11]\n";
        assert_eq!(
            HolidayCalendar::from_toml_str(weekday),
            Err(CalendarError::MakeupWorkdayNotWeekend { date: d("2027-01-11") })
        );
        assert!(matches!(HolidayCalendar::from_toml_str("holidays = [1"), Err(CalendarError::Toml { .. })));
        assert!(matches!(
            HolidayCalendar::from_toml_str("holidays = [\"2027-13-01\"]"),
            Err(CalendarError::Toml { .. })
        ));
        // A date with a time of day is not a calendar day.
        assert!(matches!(
            HolidayCalendar::from_toml_str("holidays = [2027-01-01T08:00:00]"),
            Err(CalendarError::Toml { .. })
        ));
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..(4 * 366)).prop_map(|n| d("2023-06-01") + chrono::Duration::days(n))
    }

    proptest! {
        #[test]
        fn working_days_between_inverts_add_working_days(a in any_date(), n in 0i64..400) {
            let cal = HolidayCalendar::china_builtin();
            prop_assert_eq!(cal.working_days_between(a, cal.add_working_days(a, n)), n);
        }

        #[test]
        fn working_days_between_matches_day_by_day_count(a in any_date(), len in 0i64..200) {
            let cal = HolidayCalendar::china_builtin();
            let b = a + chrono::Duration::days(len);
            let slow = a.iter_days().skip(1).take_while(|x| *x <= b).filter(|x| cal.is_working_day(*x)).count() as i64;
            prop_assert_eq!(cal.working_days_between(a, b), slow);
        }

        #[test]
        fn statutory_deadline_is_a_working_day_not_before_the_last_day(a in any_date(), days in 0u32..60) {
            let cal = HolidayCalendar::china_builtin();
            let deadline = statutory_deadline(a, days, &cal);
            prop_assert!(cal.is_working_day(deadline));
            prop_assert!(deadline >= a + chrono::Duration::days(i64::from(days)));
        }
    }
}
