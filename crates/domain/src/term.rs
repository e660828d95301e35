//! Correction-term arithmetic for the four sentence types (domain.md §3.1, §15.3).
//!
//! The term recorded for a subject is the one written in the documents; it is stored as given
//! and never silently recomputed (§15.3). This module computes a *suggested* term from the
//! sentence data so that a mismatch can be flagged, and checks the statutory bounds.
//!
//! Date convention: documents write 自A起至B止 with both ends counted, so a term of n months
//! starting on A ends the day before A's corresponding day n months later (one year from
//! 2024-03-15 ends 2025-03-14). When that month has no corresponding day (A = Jan 31 and one
//! month), the term ends on the last day of that month (Jan 31 + 1 month → Feb 29 in 2024,
//! Feb 28 in 2023). This is the rule of 民法典 Art 202 ("没有对应日的，月末日为期间的最后一日")
//! applied to a start day that counts; it never makes a term shorter than its shortest
//! natural reading and it is monotone (a later start never gives an earlier end).
//!
//! Bounds: "以上/以下" include the boundary (刑法 Art 99), so 3 months and 2 years are both
//! valid 管制 terms.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::rule_pack::PhaseRules;
use crate::{DateRange, Phase, SentenceType};

/// 刑法 Art 38: 管制 is 3 months to 2 years.
pub const CONTROL_MIN_MONTHS: u32 = 3;
pub const CONTROL_MAX_MONTHS: u32 = 24;
/// 刑法 Art 69: combined 管制 for several offences at most 3 years.
pub const CONTROL_COMBINED_MAX_MONTHS: u32 = 36;
/// 刑法 Art 41: each day of pre-trial detention counts as 2 days of 管制.
pub const CONTROL_DETENTION_CREDIT: i64 = 2;
/// 刑法 Art 83: parole from a life sentence is tested for 10 years.
pub const LIFE_PAROLE_MONTHS: u32 = 120;

/// The principal punishment that was suspended (缓刑 is only for 拘役 or 有期徒刑, 刑法 Art 72).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginalKind {
    /// 拘役
    Detention,
    /// 有期徒刑
    FixedTerm,
}

impl OriginalKind {
    /// Shortest original sentence: 拘役 1 month (刑法 Art 42); 有期徒刑 6 months (Art 45).
    pub fn min_months(self) -> u32 {
        match self {
            Self::Detention => 1,
            Self::FixedTerm => 6,
        }
    }
    /// Longest original sentence that can be suspended: 拘役 1 year (6 months, Art 42; up to
    /// 1 year when combined, Art 69); 有期徒刑 3 years (Art 72).
    pub fn max_suspendable_months(self) -> u32 {
        match self {
            Self::Detention => 12,
            Self::FixedTerm => 36,
        }
    }
    /// Shortest probation: 拘役 2 months; 有期徒刑 1 year (刑法 Art 73).
    pub fn min_probation_months(self) -> u32 {
        match self {
            Self::Detention => 2,
            Self::FixedTerm => 12,
        }
    }
    /// Longest probation: 拘役 1 year; 有期徒刑 5 years (刑法 Art 73).
    pub fn max_probation_months(self) -> u32 {
        match self {
            Self::Detention => 12,
            Self::FixedTerm => 60,
        }
    }
}

/// The original (suspended) sentence, in months as the judgment states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OriginalSentence {
    pub kind: OriginalKind,
    pub months: u32,
}

/// What the documents say about the sentence, per type (domain.md §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum TermInput {
    /// 管制: counts from the day execution begins (刑法 Art 41).
    Control {
        execution_start: NaiveDate,
        months: u32,
        /// Days of pre-trial detention; each credits 2 days (刑法 Art 41).
        detention_days: u32,
        /// Several offences combined: up to 3 years (刑法 Art 69).
        combined: bool,
    },
    /// 缓刑: counts from the day the judgment takes effect (刑法 Art 73).
    Probation { judgment_effective: NaiveDate, original: OriginalSentence, probation_months: u32 },
    /// 假释: counts from the day of parole (刑法 Art 83).
    Parole {
        parole_date: NaiveDate,
        /// Last day of the original fixed-term sentence; `None` for a life sentence.
        sentence_end: Option<NaiveDate>,
        life: bool,
    },
    /// 暂予监外执行: the time counts toward the sentence (刑事诉讼法 Arts 265, 268).
    TemporaryOutside {
        start: NaiveDate,
        /// Last day of the sentence being served.
        sentence_end: NaiveDate,
    },
}

impl TermInput {
    pub fn sentence_type(&self) -> SentenceType {
        match self {
            Self::Control { .. } => SentenceType::Control,
            Self::Probation { .. } => SentenceType::Probation,
            Self::Parole { .. } => SentenceType::Parole,
            Self::TemporaryOutside { .. } => SentenceType::TemporaryOutside,
        }
    }
}

/// A statutory bound violated or a term that cannot exist. Each variant carries the limit.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum TermError {
    /// 管制 shorter than 3 months (刑法 Art 38).
    #[error("管制 of {months} months is shorter than the minimum of {min}")]
    ControlTooShort { months: u32, min: u32 },
    /// 管制 longer than 2 years, or 3 years when `combined` (刑法 Arts 38, 69).
    #[error("管制 of {months} months exceeds the maximum of {max} (combined: {combined})")]
    ControlTooLong { months: u32, max: u32, combined: bool },
    /// The detention credit (2 days per day, 刑法 Art 41) leaves no term: the credited end
    /// would not fall after the start. `term_days` is the uncredited term, both ends counted.
    #[error("detention credit of {credit_days} days leaves nothing of a {term_days}-day term")]
    DetentionCreditExhaustsTerm { credit_days: i64, term_days: i64 },
    /// The suspended sentence is shorter than the law allows for its kind (刑法 Arts 42, 45).
    #[error("original {kind:?} of {months} months is shorter than {min}")]
    OriginalSentenceTooShort { kind: OriginalKind, months: u32, min: u32 },
    /// The sentence is too long to be suspended: 有期徒刑 over 3 years (刑法 Art 72), 拘役
    /// over 1 year (Arts 42, 69).
    #[error("original {kind:?} of {months} months exceeds {max}: 缓刑 is not available")]
    OriginalSentenceTooLong { kind: OriginalKind, months: u32, max: u32 },
    /// Probation shorter than the minimum for its kind: 2 months / 1 year (刑法 Art 73).
    #[error("probation of {months} months for {kind:?} is shorter than {min}")]
    ProbationTooShort { kind: OriginalKind, months: u32, min: u32 },
    /// Probation shorter than the original sentence (刑法 Art 73: 原判刑期以上).
    #[error("probation of {probation_months} months is shorter than the original {original_months}")]
    ProbationShorterThanOriginal { probation_months: u32, original_months: u32 },
    /// Probation longer than the maximum for its kind: 1 year / 5 years (刑法 Art 73).
    #[error("probation of {months} months for {kind:?} exceeds {max}")]
    ProbationTooLong { kind: OriginalKind, months: u32, max: u32 },
    /// 假释 from a fixed-term sentence needs the sentence end (刑法 Art 83: 没有执行完毕的刑期).
    #[error("parole from a fixed-term sentence needs the sentence end date")]
    ParoleSentenceEndMissing,
    /// A life sentence has no end date, yet one was given.
    #[error("a life sentence has no end date, but {sentence_end} was given")]
    ParoleLifeWithSentenceEnd { sentence_end: NaiveDate },
    /// 假释 or 暂予监外执行 starting on or after the last day of the sentence: nothing is left
    /// to serve in the community.
    #[error("the term would start on {start}, not before the sentence end {sentence_end}")]
    SentenceAlreadyServed { start: NaiveDate, sentence_end: NaiveDate },
    /// A term whose end is not after its start (domain.md §23.2: term_end > term_start).
    #[error("term end {end} is not after its start {start}")]
    EndNotAfterStart { start: NaiveDate, end: NaiveDate },
    /// Date arithmetic left chrono's range (absurd input such as year 200000).
    #[error("date out of range")]
    DateOutOfRange,
}

/// How a recorded term differs from the suggestion (domain.md §15.3: flag, never overwrite).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TermWarning {
    /// The sentence data itself breaks a statutory bound, so no suggestion can be made.
    OutsideStatutoryBounds { error: TermError },
    /// The recorded start date differs from the suggested one.
    StartDiffers { recorded: NaiveDate, suggested: NaiveDate },
    /// The recorded end date differs from the suggested one.
    EndDiffers { recorded: NaiveDate, suggested: NaiveDate },
}

/// Last day of a term of `months` months whose first day is `start` (see the module note for
/// the month-end rule). `months == 0` gives the day before `start` (an empty term). `None`
/// only outside chrono's date range.
pub fn term_end(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    let corresponding = start.checked_add_months(Months::new(months))?;
    if corresponding.day() != start.day() {
        // No corresponding day: chrono clamped to the month's last day, which ends the term.
        Some(corresponding)
    } else {
        corresponding.pred_opt()
    }
}

/// Suggests the term from the sentence data, checking the statutory bounds (domain.md §3.1).
pub fn suggest_term(input: &TermInput) -> Result<DateRange, TermError> {
    match *input {
        TermInput::Control { execution_start, months, detention_days, combined } => {
            // 刑法 Art 38: 3 months to 2 years; Art 69: combined at most 3 years.
            if months < CONTROL_MIN_MONTHS {
                return Err(TermError::ControlTooShort { months, min: CONTROL_MIN_MONTHS });
            }
            let max = if combined { CONTROL_COMBINED_MAX_MONTHS } else { CONTROL_MAX_MONTHS };
            if months > max {
                return Err(TermError::ControlTooLong { months, max, combined });
            }
            // 刑法 Art 41: from the day execution begins; detention credits 2 days per day.
            let nominal_end = term_end(execution_start, months).ok_or(TermError::DateOutOfRange)?;
            let term_days = (nominal_end - execution_start).num_days() + 1;
            let credit_days = i64::from(detention_days) * CONTROL_DETENTION_CREDIT;
            if credit_days >= term_days - 1 {
                return Err(TermError::DetentionCreditExhaustsTerm { credit_days, term_days });
            }
            let end = nominal_end.checked_sub_days(Days::new(credit_days as u64)).ok_or(TermError::DateOutOfRange)?;
            Ok(DateRange::new(execution_start, end))
        }
        TermInput::Probation { judgment_effective, original, probation_months } => {
            let kind = original.kind;
            // 刑法 Arts 42, 45: the original sentence itself must be possible.
            if original.months < kind.min_months() {
                return Err(TermError::OriginalSentenceTooShort {
                    kind,
                    months: original.months,
                    min: kind.min_months(),
                });
            }
            // 刑法 Art 72: only 拘役 or 有期徒刑 of at most 3 years can be suspended.
            if original.months > kind.max_suspendable_months() {
                return Err(TermError::OriginalSentenceTooLong {
                    kind,
                    months: original.months,
                    max: kind.max_suspendable_months(),
                });
            }
            // 刑法 Art 73: 原判刑期以上 … 但是不能少于二个月/一年; at most 1 year / 5 years.
            if probation_months < kind.min_probation_months() {
                return Err(TermError::ProbationTooShort {
                    kind,
                    months: probation_months,
                    min: kind.min_probation_months(),
                });
            }
            if probation_months < original.months {
                return Err(TermError::ProbationShorterThanOriginal {
                    probation_months,
                    original_months: original.months,
                });
            }
            if probation_months > kind.max_probation_months() {
                return Err(TermError::ProbationTooLong {
                    kind,
                    months: probation_months,
                    max: kind.max_probation_months(),
                });
            }
            // 刑法 Art 73: counts from the day the judgment takes effect.
            let end = term_end(judgment_effective, probation_months).ok_or(TermError::DateOutOfRange)?;
            Ok(DateRange::new(judgment_effective, end))
        }
        TermInput::Parole { parole_date, sentence_end, life } => match (life, sentence_end) {
            // 刑法 Art 83: 无期徒刑的假释考验期限为十年, from the day of parole.
            (true, None) => {
                let end = term_end(parole_date, LIFE_PAROLE_MONTHS).ok_or(TermError::DateOutOfRange)?;
                Ok(DateRange::new(parole_date, end))
            }
            (true, Some(sentence_end)) => Err(TermError::ParoleLifeWithSentenceEnd { sentence_end }),
            (false, None) => Err(TermError::ParoleSentenceEndMissing),
            // 刑法 Art 83: the unserved remainder, from the day of parole to the sentence end.
            (false, Some(sentence_end)) => remainder(parole_date, sentence_end),
        },
        // 刑事诉讼法 Arts 265, 268: time outside counts toward the sentence, which ends it.
        TermInput::TemporaryOutside { start, sentence_end } => remainder(start, sentence_end),
    }
}

fn remainder(start: NaiveDate, sentence_end: NaiveDate) -> Result<DateRange, TermError> {
    if start >= sentence_end {
        return Err(TermError::SentenceAlreadyServed { start, sentence_end });
    }
    Ok(DateRange::new(start, sentence_end))
}

/// Compares the term written in the documents with the suggestion. The recorded term stays
/// authoritative (domain.md §15.3); an end before the start is [`validate_term`]'s business.
pub fn check_recorded_term(recorded: DateRange, input: &TermInput) -> Vec<TermWarning> {
    let suggested = match suggest_term(input) {
        Ok(s) => s,
        Err(error) => return vec![TermWarning::OutsideStatutoryBounds { error }],
    };
    let mut out = Vec::new();
    if recorded.start != suggested.start {
        out.push(TermWarning::StartDiffers { recorded: recorded.start, suggested: suggested.start });
    }
    if recorded.end != suggested.end {
        out.push(TermWarning::EndDiffers { recorded: recorded.end, suggested: suggested.end });
    }
    out
}

/// A term's end must be after its start (domain.md §23.2).
pub fn validate_term(range: DateRange) -> Result<(), TermError> {
    if range.end <= range.start {
        return Err(TermError::EndNotAfterStart { start: range.start, end: range.end });
    }
    Ok(())
}

/// The correction phase on `date` (domain.md §4.6): 入矫教育 for the first `entry_months`
/// months of the term, 解矫教育 for the last `exit_months` months, 常规教育 in between.
///
/// "Within the first n months" means `date ≤ term_end(term.start, n)`; "within the last n
/// months" means a span of n months starting on `date` reaches the term end. When the term is
/// too short for both phases they overlap, and entry wins: the subject has not yet had entry
/// education, which comes first (实施办法 Art 19 announcement, then education). Dates outside
/// the term are treated as its first or last day. A zero length disables that phase.
pub fn phase_on(term: DateRange, date: NaiveDate, rules: &PhaseRules) -> Phase {
    let date = date.max(term.start).min(term.end);
    if rules.entry_months > 0 && term_end(term.start, rules.entry_months).is_none_or(|e| date <= e) {
        return Phase::Entry;
    }
    if rules.exit_months > 0 && term_end(date, rules.exit_months).is_none_or(|e| e >= term.end) {
        return Phase::PreRelease;
    }
    Phase::Regular
}

/// Days from `today` to the last day of the term: 30 at T−30, 0 on the last day, negative
/// after expiry (how long ago it ended). Feeds the T−30/T−7 alerts (domain.md §23.2).
pub fn days_remaining(term: DateRange, today: NaiveDate) -> i64 {
    (term.end - today).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn r(a: NaiveDate, b: NaiveDate) -> DateRange {
        DateRange::new(a, b)
    }
    fn control(months: u32, detention_days: u32, combined: bool) -> TermInput {
        TermInput::Control { execution_start: d(2024, 3, 15), months, detention_days, combined }
    }
    fn probation(kind: OriginalKind, original: u32, probation_months: u32) -> TermInput {
        TermInput::Probation {
            judgment_effective: d(2024, 3, 15),
            original: OriginalSentence { kind, months: original },
            probation_months,
        }
    }
    use OriginalKind::{Detention, FixedTerm};

    // Document convention 自A起至B止: B = A + length − 1 day.
    #[test]
    fn term_end_convention() {
        assert_eq!(term_end(d(2024, 3, 15), 12), Some(d(2025, 3, 14)));
        assert_eq!(term_end(d(2024, 3, 1), 1), Some(d(2024, 3, 31)));
        assert_eq!(term_end(d(2024, 12, 1), 1), Some(d(2024, 12, 31)));
        assert_eq!(term_end(d(2024, 12, 31), 1), Some(d(2025, 1, 30)));
        assert_eq!(term_end(d(2024, 3, 15), 0), Some(d(2024, 3, 14)));
    }

    // Month-end rule (民法典 Art 202 by analogy): no corresponding day → month's last day.
    #[test]
    fn term_end_month_end_clamping() {
        assert_eq!(term_end(d(2024, 1, 31), 1), Some(d(2024, 2, 29)));
        assert_eq!(term_end(d(2023, 1, 31), 1), Some(d(2023, 2, 28)));
        assert_eq!(term_end(d(2024, 1, 30), 1), Some(d(2024, 2, 29)));
        assert_eq!(term_end(d(2023, 1, 29), 1), Some(d(2023, 2, 28)));
        assert_eq!(term_end(d(2024, 1, 29), 1), Some(d(2024, 2, 28)));
        assert_eq!(term_end(d(2024, 3, 31), 1), Some(d(2024, 4, 30)));
        assert_eq!(term_end(d(2024, 3, 30), 1), Some(d(2024, 4, 29)));
        assert_eq!(term_end(d(2024, 2, 29), 12), Some(d(2025, 2, 28)));
        assert_eq!(term_end(d(2024, 2, 29), 48), Some(d(2028, 2, 28)));
    }

    // 刑法 Art 38 (3 months–2 years) and Art 99 (以上/以下 include the boundary).
    #[test]
    fn control_bounds() {
        assert_eq!(suggest_term(&control(3, 0, false)), Ok(r(d(2024, 3, 15), d(2024, 6, 14))));
        assert_eq!(suggest_term(&control(2, 0, false)), Err(TermError::ControlTooShort { months: 2, min: 3 }));
        assert_eq!(suggest_term(&control(24, 0, false)), Ok(r(d(2024, 3, 15), d(2026, 3, 14))));
        assert_eq!(
            suggest_term(&control(25, 0, false)),
            Err(TermError::ControlTooLong { months: 25, max: 24, combined: false })
        );
    }

    // 刑法 Art 69: combined 管制 at most 3 years.
    #[test]
    fn control_combined_bound() {
        assert!(suggest_term(&control(25, 0, true)).is_ok());
        assert_eq!(suggest_term(&control(36, 0, true)), Ok(r(d(2024, 3, 15), d(2027, 3, 14))));
        assert_eq!(
            suggest_term(&control(37, 0, true)),
            Err(TermError::ControlTooLong { months: 37, max: 36, combined: true })
        );
        assert_eq!(suggest_term(&control(2, 0, true)), Err(TermError::ControlTooShort { months: 2, min: 3 }));
    }

    // 刑法 Art 41: each day of pre-trial detention credits 2 days.
    #[test]
    fn control_detention_credit() {
        // 6 months from 2024-03-15 ends 2024-09-14; 10 days detention → 20 days earlier.
        assert_eq!(suggest_term(&control(6, 10, false)), Ok(r(d(2024, 3, 15), d(2024, 8, 25))));
        // 3 months from 2024-03-15 = 92 days (to 2024-06-14). Credit 90 leaves 2 days.
        assert_eq!(suggest_term(&control(3, 45, false)), Ok(r(d(2024, 3, 15), d(2024, 3, 16))));
        // Credit 92 (46 days) would leave no day after the start.
        assert_eq!(
            suggest_term(&control(3, 46, false)),
            Err(TermError::DetentionCreditExhaustsTerm { credit_days: 92, term_days: 92 })
        );
    }

    // 刑法 Art 73: 拘役 probation ≥ original, ≥ 2 months, ≤ 1 year.
    #[test]
    fn probation_detention_bounds() {
        assert_eq!(suggest_term(&probation(Detention, 1, 2)), Ok(r(d(2024, 3, 15), d(2024, 5, 14))));
        assert_eq!(
            suggest_term(&probation(Detention, 1, 1)),
            Err(TermError::ProbationTooShort { kind: Detention, months: 1, min: 2 })
        );
        assert!(suggest_term(&probation(Detention, 4, 4)).is_ok());
        assert_eq!(
            suggest_term(&probation(Detention, 4, 3)),
            Err(TermError::ProbationShorterThanOriginal { probation_months: 3, original_months: 4 })
        );
        assert_eq!(suggest_term(&probation(Detention, 6, 12)), Ok(r(d(2024, 3, 15), d(2025, 3, 14))));
        assert_eq!(
            suggest_term(&probation(Detention, 6, 13)),
            Err(TermError::ProbationTooLong { kind: Detention, months: 13, max: 12 })
        );
    }

    // 刑法 Art 73: 有期徒刑 probation ≥ original, ≥ 1 year, ≤ 5 years.
    #[test]
    fn probation_fixed_term_bounds() {
        assert_eq!(suggest_term(&probation(FixedTerm, 6, 12)), Ok(r(d(2024, 3, 15), d(2025, 3, 14))));
        assert_eq!(
            suggest_term(&probation(FixedTerm, 6, 11)),
            Err(TermError::ProbationTooShort { kind: FixedTerm, months: 11, min: 12 })
        );
        assert!(suggest_term(&probation(FixedTerm, 30, 30)).is_ok());
        assert_eq!(
            suggest_term(&probation(FixedTerm, 30, 29)),
            Err(TermError::ProbationShorterThanOriginal { probation_months: 29, original_months: 30 })
        );
        assert_eq!(suggest_term(&probation(FixedTerm, 36, 60)), Ok(r(d(2024, 3, 15), d(2029, 3, 14))));
        assert_eq!(
            suggest_term(&probation(FixedTerm, 36, 61)),
            Err(TermError::ProbationTooLong { kind: FixedTerm, months: 61, max: 60 })
        );
    }

    // 刑法 Arts 42, 45, 72: which original sentences can be suspended.
    #[test]
    fn probation_original_sentence_bounds() {
        assert!(suggest_term(&probation(FixedTerm, 36, 36)).is_ok());
        assert_eq!(
            suggest_term(&probation(FixedTerm, 37, 48)),
            Err(TermError::OriginalSentenceTooLong { kind: FixedTerm, months: 37, max: 36 })
        );
        assert_eq!(
            suggest_term(&probation(FixedTerm, 5, 12)),
            Err(TermError::OriginalSentenceTooShort { kind: FixedTerm, months: 5, min: 6 })
        );
        assert_eq!(
            suggest_term(&probation(Detention, 0, 2)),
            Err(TermError::OriginalSentenceTooShort { kind: Detention, months: 0, min: 1 })
        );
        assert!(suggest_term(&probation(Detention, 12, 12)).is_ok());
        assert_eq!(
            suggest_term(&probation(Detention, 13, 12)),
            Err(TermError::OriginalSentenceTooLong { kind: Detention, months: 13, max: 12 })
        );
    }

    // 刑法 Art 83: fixed-term parole = the unserved remainder, from the parole date.
    #[test]
    fn parole_remainder() {
        let input = TermInput::Parole { parole_date: d(2024, 5, 20), sentence_end: Some(d(2025, 11, 3)), life: false };
        assert_eq!(suggest_term(&input), Ok(r(d(2024, 5, 20), d(2025, 11, 3))));
        let none = TermInput::Parole { parole_date: d(2024, 5, 20), sentence_end: None, life: false };
        assert_eq!(suggest_term(&none), Err(TermError::ParoleSentenceEndMissing));
        let served = TermInput::Parole { parole_date: d(2024, 5, 20), sentence_end: Some(d(2024, 5, 20)), life: false };
        assert_eq!(
            suggest_term(&served),
            Err(TermError::SentenceAlreadyServed { start: d(2024, 5, 20), sentence_end: d(2024, 5, 20) })
        );
        let one_day =
            TermInput::Parole { parole_date: d(2024, 5, 20), sentence_end: Some(d(2024, 5, 21)), life: false };
        assert_eq!(suggest_term(&one_day), Ok(r(d(2024, 5, 20), d(2024, 5, 21))));
    }

    // 刑法 Art 83: 无期徒刑的假释考验期限为十年.
    #[test]
    fn life_parole_ten_years() {
        let input = TermInput::Parole { parole_date: d(2024, 5, 20), sentence_end: None, life: true };
        assert_eq!(suggest_term(&input), Ok(r(d(2024, 5, 20), d(2034, 5, 19))));
        let leap = TermInput::Parole { parole_date: d(2024, 2, 29), sentence_end: None, life: true };
        assert_eq!(suggest_term(&leap), Ok(r(d(2024, 2, 29), d(2034, 2, 28))));
        let both = TermInput::Parole { parole_date: d(2024, 5, 20), sentence_end: Some(d(2030, 1, 1)), life: true };
        assert_eq!(suggest_term(&both), Err(TermError::ParoleLifeWithSentenceEnd { sentence_end: d(2030, 1, 1) }));
    }

    // 刑事诉讼法 Arts 265, 268: 暂予监外执行 runs to the sentence end.
    #[test]
    fn temporary_outside_to_sentence_end() {
        let input = TermInput::TemporaryOutside { start: d(2024, 7, 1), sentence_end: d(2026, 2, 14) };
        assert_eq!(suggest_term(&input), Ok(r(d(2024, 7, 1), d(2026, 2, 14))));
        assert_eq!(input.sentence_type(), SentenceType::TemporaryOutside);
        let late = TermInput::TemporaryOutside { start: d(2026, 3, 1), sentence_end: d(2026, 2, 14) };
        assert_eq!(
            suggest_term(&late),
            Err(TermError::SentenceAlreadyServed { start: d(2026, 3, 1), sentence_end: d(2026, 2, 14) })
        );
    }

    // domain.md §15.3: recorded dates are compared with the suggestion, never replaced.
    #[test]
    fn recorded_term_mismatches() {
        let input = probation(FixedTerm, 12, 24);
        assert!(check_recorded_term(r(d(2024, 3, 15), d(2026, 3, 14)), &input).is_empty());
        // A document that computed the end as A + length (off by one day).
        assert_eq!(
            check_recorded_term(r(d(2024, 3, 15), d(2026, 3, 15)), &input),
            vec![TermWarning::EndDiffers { recorded: d(2026, 3, 15), suggested: d(2026, 3, 14) }]
        );
        assert_eq!(
            check_recorded_term(r(d(2024, 3, 16), d(2026, 3, 15)), &input),
            vec![
                TermWarning::StartDiffers { recorded: d(2024, 3, 16), suggested: d(2024, 3, 15) },
                TermWarning::EndDiffers { recorded: d(2026, 3, 15), suggested: d(2026, 3, 14) },
            ]
        );
        assert_eq!(
            check_recorded_term(r(d(2024, 3, 15), d(2030, 3, 14)), &probation(FixedTerm, 12, 72)),
            vec![TermWarning::OutsideStatutoryBounds {
                error: TermError::ProbationTooLong { kind: FixedTerm, months: 72, max: 60 }
            }]
        );
    }

    // domain.md §23.2: term_end > term_start.
    #[test]
    fn validate_term_requires_end_after_start() {
        assert_eq!(validate_term(r(d(2024, 3, 15), d(2024, 3, 16))), Ok(()));
        assert_eq!(
            validate_term(r(d(2024, 3, 15), d(2024, 3, 15))),
            Err(TermError::EndNotAfterStart { start: d(2024, 3, 15), end: d(2024, 3, 15) })
        );
        assert!(validate_term(r(d(2024, 3, 15), d(2024, 3, 1))).is_err());
    }

    fn rules(entry_months: u32, exit_months: u32) -> PhaseRules {
        PhaseRules { entry_months, exit_months }
    }

    // domain.md §4.6: first month entry, last month pre-release, regular in between.
    #[test]
    fn phases_one_month_each() {
        let term = r(d(2024, 3, 15), d(2025, 3, 14));
        let p = rules(1, 1);
        assert_eq!(phase_on(term, d(2024, 3, 15), &p), Phase::Entry);
        assert_eq!(phase_on(term, d(2024, 4, 14), &p), Phase::Entry);
        assert_eq!(phase_on(term, d(2024, 4, 15), &p), Phase::Regular);
        assert_eq!(phase_on(term, d(2025, 2, 14), &p), Phase::Regular);
        assert_eq!(phase_on(term, d(2025, 2, 15), &p), Phase::PreRelease);
        assert_eq!(phase_on(term, d(2025, 3, 14), &p), Phase::PreRelease);
        // Outside the term: clamped to its ends.
        assert_eq!(phase_on(term, d(2024, 1, 1), &p), Phase::Entry);
        assert_eq!(phase_on(term, d(2026, 1, 1), &p), Phase::PreRelease);
    }

    // domain.md §4.6 (宜丰: 3-month entry phase) and the month-end rule.
    #[test]
    fn phases_three_month_entry_month_end() {
        let term = r(d(2024, 1, 31), d(2025, 1, 30));
        let p = rules(3, 1);
        // Entry ends on term_end(2024-01-31, 3) = 2024-04-30.
        assert_eq!(phase_on(term, d(2024, 4, 30), &p), Phase::Entry);
        assert_eq!(phase_on(term, d(2024, 5, 1), &p), Phase::Regular);
        // Last month: a month from 2024-12-31 ends 2025-01-30 = term end.
        assert_eq!(phase_on(term, d(2024, 12, 30), &p), Phase::Regular);
        assert_eq!(phase_on(term, d(2024, 12, 31), &p), Phase::PreRelease);
    }

    // Short term: the phases overlap and entry wins (documented choice).
    #[test]
    fn phases_short_term_entry_wins() {
        let term = r(d(2024, 3, 1), d(2024, 5, 31)); // 3 months
        let p = rules(2, 2);
        assert_eq!(phase_on(term, d(2024, 4, 15), &p), Phase::Entry); // in both; entry wins
        assert_eq!(phase_on(term, d(2024, 4, 30), &p), Phase::Entry);
        assert_eq!(phase_on(term, d(2024, 5, 1), &p), Phase::PreRelease);
        // Zero lengths disable a phase.
        assert_eq!(phase_on(term, d(2024, 3, 1), &rules(0, 1)), Phase::Regular);
        assert_eq!(phase_on(term, d(2024, 5, 31), &rules(1, 0)), Phase::Regular);
    }

    #[test]
    fn remaining_days() {
        let term = r(d(2024, 3, 15), d(2025, 3, 14));
        assert_eq!(days_remaining(term, d(2025, 2, 12)), 30); // T−30 alert day
        assert_eq!(days_remaining(term, d(2025, 3, 7)), 7);
        assert_eq!(days_remaining(term, d(2025, 3, 14)), 0);
        assert_eq!(days_remaining(term, d(2025, 3, 20)), -6);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..40_000).prop_map(|n| d(1950, 1, 1) + chrono::Duration::days(n))
    }

    proptest! {
        // Month-end rule: a later start never gives an earlier end.
        #[test]
        fn term_end_is_monotone(a in any_date(), gap in 0i64..400, months in 1u32..=120) {
            let b = a + chrono::Duration::days(gap);
            prop_assert!(term_end(a, months).unwrap() <= term_end(b, months).unwrap());
        }

        // Convention 自A起至B止: the day after B is A's corresponding day, or B is the last
        // day of a month that has no corresponding day.
        #[test]
        fn term_end_is_day_before_corresponding_day(a in any_date(), months in 1u32..=120) {
            let end = term_end(a, months).unwrap();
            let next = end.succ_opt().unwrap();
            let target = a.checked_add_months(Months::new(months)).unwrap();
            if next.day() == a.day() {
                prop_assert_eq!(next, target);
            } else {
                prop_assert_eq!(next.day(), 1, "end {} is not a month end", end);
                prop_assert!(a.day() > end.day());
                prop_assert_eq!((end.year(), end.month()), (target.year(), target.month()));
            }
        }

        // Phases run Entry → Regular → PreRelease in order over any term.
        #[test]
        fn phases_are_ordered(start in any_date(), months in 1u32..=60, entry in 0u32..4, exit in 0u32..4) {
            let term = DateRange::new(start, term_end(start, months).unwrap());
            let p = PhaseRules { entry_months: entry, exit_months: exit };
            let rank = |ph: Phase| match ph { Phase::Entry => 0, Phase::Regular => 1, Phase::PreRelease => 2 };
            let mut last = 0;
            let mut day = term.start;
            while day <= term.end {
                let now = rank(phase_on(term, day, &p));
                prop_assert!(now >= last, "phase went back on {}", day);
                last = now;
                day = day.succ_opt().unwrap();
            }
        }
    }
}
