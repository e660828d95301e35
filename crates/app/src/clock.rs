//! Time comes in through `Clock`, so rules and tests never read the PC clock directly. "Today"
//! and "this month" are computed in Asia/Shanghai (UTC+8, no daylight saving) — design.md §1.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&shanghai()).date_naive()
    }
}

pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant: tests and demos.
pub struct FixedClock(pub DateTime<Utc>);

impl FixedClock {
    /// Noon in Beijing on `day`.
    pub fn on(day: NaiveDate) -> Self {
        let local = day.and_hms_opt(12, 0, 0).expect("noon exists");
        FixedClock(local.and_local_timezone(shanghai()).unwrap().with_timezone(&Utc))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

pub type SharedClock = Arc<dyn Clock>;

/// The system clock moved to another day: time runs, but "today" starts at `day` (demos and the
/// desktop's end-to-end tests, which need a known date and distinct timestamps).
pub struct ShiftedClock(chrono::Duration);

impl ShiftedClock {
    pub fn starting_on(day: NaiveDate) -> Self {
        ShiftedClock(FixedClock::on(day).0 - Utc::now())
    }
}

impl ShiftedClock {
    /// The system clock moved by whole days so that today is `day`, the time of day kept:
    /// `--today` on the command line. Its records are stamped in the order they happen, and on
    /// the real date nothing moves (the county sees no clock skew).
    pub fn on_day(day: NaiveDate) -> Self {
        let today = Utc::now().with_timezone(&shanghai()).date_naive();
        ShiftedClock(chrono::Duration::days((day - today).num_days()))
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_moved_to_a_day_keeps_the_time_of_day_and_runs() {
        let real = SystemClock.now();
        let today = SystemClock.today();
        // On the real date, nothing moves.
        let same = ShiftedClock::on_day(today);
        assert!((same.now() - real).num_seconds().abs() < 60);
        let moved = ShiftedClock::on_day(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(moved.today(), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        let (a, b) = (moved.now(), moved.now());
        assert!(b >= a, "time runs");
        assert_eq!((moved.now() - real).num_seconds().rem_euclid(86_400) / 60, 0, "same time of day");
    }
}
