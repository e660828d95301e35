//! Obligations engine: for one subject and one calendar month, every duty that applies, with its
//! status and the rule it comes from (domain.md §5, §6, §7.2, §11, §15.1, §16).
//!
//! Decisions (domain.md is silent on these; each is a \[PROPOSAL\] of this module):
//!
//! * **Windows.** Class duties use the calendar-aligned windows of [`Period`]. For the month asked
//!   the engine lists every weekly window that *ends* in the month (a week straddling two months
//!   belongs to the month of its Sunday), the month itself, and the two-month period or quarter
//!   *containing* the month — so a 1-per-quarter visit is shown in every month of its quarter until
//!   done (it is `Due` in the first two months and `Overdue` after the quarter if still missing).
//!   Medical cadences (health report, re-examination) are counted in whole months from the day
//!   supervision started (实施办法第二十四条 "每个月"/"每三个月"); a month lists the cadence
//!   window that ends in it and the one still open at its last day.
//! * **Rules in force.** The pack and the class in force on the first day of a window (or on the
//!   first day of supervision inside it) decide that window's numbers, even if the class changes
//!   later in the window. A window starting before the first pack in the book uses the pack in
//!   force on its last day.
//! * **Term.** Supervision runs from the report date (报到; the term start when the report date
//!   is unknown) to the term end. Nothing is due for subjects no longer on the register. Deadline
//!   duties that fall before the first pack of the book (i.e. under the 2012 rules) are not judged.
//! * **Proration.** A counted duty scales with the share of its window spent in correction (and
//!   not in custody), rounded half up: a weekly report applies from 4 days of 7; a window whose
//!   share rounds to 0 carries no duty. Hour quotas are prorated by days in correction and
//!   rounded **up** to whole hours. Approved leave does not reduce hours (missed hours are made up,
//!   domain.md §16, 旺苍).
//! * **Leave.** A window whose days in correction are all on approved leave (or in custody) is
//!   `Exempt` for in-person reports and visits; phone, video and written reports still apply while
//!   away (实施办法第二十八条).
//! * **Custody.** Days in custody (被羁押, 社区矫正法第三十二条) are not days in correction for any
//!   periodic duty; a window spent wholly in custody is `Exempt`.
//! * **Which activities count.** A phone-report duty is met by a report by phone, by video or in
//!   person (the stronger channel carries the same report, 实施办法第二十四条 does not fix the
//!   channel); an in-person duty only by a report in person; a written duty only by a written one.
//! * **Deadlines.** Report-in: judgment effective date + `report_days`, start day not counted; a
//!   last day on a Saturday or Sunday moves to Monday (刑事诉讼法第一百零五条). Statutory
//!   holidays and 调休 need the holiday table and are not applied here. Only for 管制/缓刑/假释
//!   (暂予监外执行 subjects are handed over by the organs, 社区矫正法第二十一条). First visit:
//!   report date + `first_visit_days` calendar days. A deadline duty is listed in every month its
//!   window touches and, while unmet, in every later month up to the term end; one met late is
//!   `DoneLate` in the month it was met.
//! * **Release.** Personal summary and appraisal are listed from `prep_reminder_days` before the
//!   term end and due `appraisal_days_before_end` before it; not for 暂予监外执行, whose release
//!   the prison or detention centre handles (domain.md §15.1).
//! * **Individual plan** (实施办法第二十二条) may add duties or raise them; a plan duty replaces the
//!   class duty of the same kind only when it is strictly more demanding; it never lowers the
//!   class minimum set by classified management.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::rule_pack::{ClassPolicy, Duty, Period, RuleBook, RulePack};
use crate::{DateRange, ReportMethod, SentenceType, SubjectStatus, SupervisionClass};

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// What happened, as recorded by the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// 报告 by the subject (实施办法第二十四条).
    Report(ReportMethod),
    /// 实地查访/走访 (社区矫正法第二十六条).
    Visit,
    /// 个别教育/谈话 (社区矫正法第三十六条).
    Talk,
    /// 信息化核查 (社区矫正法第二十六条).
    ItCheck,
    /// 集中教育学习 attendance; `minutes` credited.
    Study,
    /// 公益活动 participation; `minutes` credited.
    Service,
    /// 暂予监外执行 health report (实施办法第二十四条).
    HealthReport,
    /// 保外就医 re-examination result submitted (实施办法第二十四条).
    MedicalReexam,
    /// 个人总结 before release.
    PersonalSummary,
    /// 解除矫正鉴定 written by the office.
    ReleaseAppraisal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub kind: ActivityKind,
    pub date: NaiveDate,
    /// Credited minutes (study, service); ignored for counted activities.
    pub minutes: u32,
}

/// A duty of the individual correction plan (实施办法第二十二条). `kind` must be a periodic
/// counted kind (reports, visits, talks, IT checks).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDuty {
    pub kind: ObligationKind,
    pub duty: Duty,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlanOverrides {
    pub duties: Vec<PlanDuty>,
    pub study_hours_per_month: Option<u32>,
    pub service_hours_per_month: Option<u32>,
    /// Citation for the hour overrides, e.g. `矫正方案（2024年3月调整）；实施办法第二十二条`.
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectFacts {
    pub sentence_type: SentenceType,
    /// Current class; used for every date when `class_history` is empty.
    pub class: SupervisionClass,
    /// Class changes `(from date, class)`. When given it must include the current class as its
    /// latest entry; dates before the first entry use the first entry's class.
    #[serde(default)]
    pub class_history: Vec<(NaiveDate, SupervisionClass)>,
    pub term: DateRange,
    /// 报到 date.
    pub reported_on: Option<NaiveDate>,
    pub judgment_effective: Option<NaiveDate>,
    pub status: SubjectStatus,
    /// 保外就医 (among 暂予监外执行).
    pub medical_parole: bool,
    /// 公益活动 only for subjects able to work (实施办法第四十四条).
    pub able_to_work: bool,
    pub plan: Option<PlanOverrides>,
    /// Approved leave (外出) periods.
    #[serde(default)]
    pub leaves: Vec<DateRange>,
    /// Periods in custody (拘留、强制隔离戒毒、刑事强制措施; 社区矫正法第三十二条).
    #[serde(default)]
    pub custody: Vec<DateRange>,
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObligationKind {
    /// 报到 within `intake.report_days` of the judgment taking effect.
    IntakeReport,
    /// First 实地查访 after reporting.
    FirstVisit,
    PhoneReport,
    InPersonReport,
    WrittenReport,
    Visit,
    Talk,
    ItCheck,
    StudyHours,
    ServiceHours,
    HealthReport,
    MedicalReexam,
    ReleaseSummary,
    ReleaseAppraisal,
}

impl ObligationKind {
    /// Periodic counted kinds set by the class policy or the plan.
    pub const PERIODIC: [ObligationKind; 6] =
        [Self::PhoneReport, Self::InPersonReport, Self::WrittenReport, Self::Visit, Self::Talk, Self::ItCheck];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::IntakeReport => "报到",
            Self::FirstVisit => "首次实地查访",
            Self::PhoneReport => "电话报告",
            Self::InPersonReport => "当面报告",
            Self::WrittenReport => "书面报告",
            Self::Visit => "实地查访",
            Self::Talk => "个别教育谈话",
            Self::ItCheck => "信息化核查",
            Self::StudyHours => "集中教育学习",
            Self::ServiceHours => "公益活动",
            Self::HealthReport => "身体情况报告",
            Self::MedicalReexam => "病情复查",
            Self::ReleaseSummary => "个人总结",
            Self::ReleaseAppraisal => "解矫鉴定",
        }
    }

    /// Whether `activity` fulfils (one unit of) this duty. See the module notes for reports.
    pub fn counts(self, activity: ActivityKind) -> bool {
        use ActivityKind as A;
        use ReportMethod as R;
        matches!(
            (self, activity),
            (Self::PhoneReport, A::Report(R::Phone | R::Video | R::InPerson))
                | (Self::InPersonReport, A::Report(R::InPerson))
                | (Self::WrittenReport, A::Report(R::Written))
                | (Self::Visit | Self::FirstVisit, A::Visit)
                | (Self::Talk, A::Talk)
                | (Self::ItCheck, A::ItCheck)
                | (Self::StudyHours, A::Study)
                | (Self::ServiceHours, A::Service)
                | (Self::HealthReport, A::HealthReport)
                | (Self::MedicalReexam, A::MedicalReexam)
                | (Self::ReleaseSummary, A::PersonalSummary)
                | (Self::ReleaseAppraisal, A::ReleaseAppraisal)
        )
    }

    /// Duties that need the subject at home: exempt for a window spent wholly on approved
    /// leave (实施办法第二十八条: while away, supervision is by phone or video).
    pub fn exempt_on_leave(self) -> bool {
        matches!(self, Self::InPersonReport | Self::Visit)
    }

    fn class_duty(self, policy: &ClassPolicy) -> Option<&Duty> {
        match self {
            Self::PhoneReport => policy.phone_reports.as_ref(),
            Self::InPersonReport => policy.in_person_reports.as_ref(),
            Self::WrittenReport => policy.written_reports.as_ref(),
            Self::Visit => policy.visits.as_ref(),
            Self::Talk => policy.talks.as_ref(),
            Self::ItCheck => policy.it_checks.as_ref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Times,
    Minutes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObligationStatus {
    /// Met within its window.
    Done,
    /// A deadline duty met after its deadline (e.g. late 报到: a sanction matter, §12).
    DoneLate,
    /// Window still open (or not yet started) and not met.
    Due,
    /// Counted duty whose window ended unmet.
    Overdue,
    /// Hour quota whose month ended short; `required` and `done` show by how much.
    Shortfall,
    /// Not owed in this window (leave, custody); `basis` says why.
    Exempt,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Obligation {
    pub kind: ObligationKind,
    pub window: DateRange,
    pub due: NaiveDate,
    pub required: u32,
    pub done: u32,
    pub unit: Unit,
    pub status: ObligationStatus,
    /// Chinese citation shown beside the duty.
    pub basis: String,
    pub pack_id: String,
    /// `required` was reduced because only part of the window was spent in correction.
    pub prorated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObligationError {
    #[error("月份无效: {year}-{month}")]
    InvalidMonth { year: i32, month: u32 },
    #[error("矫正期限止日 {end} 早于起日 {start}")]
    TermEndsBeforeStart { start: NaiveDate, end: NaiveDate },
    #[error("{date} 没有适用的规则包")]
    NoRulePack { date: NaiveDate },
    #[error("矫正方案中的 {kind:?} 不是周期性义务，不能调整")]
    PlanKindNotPeriodic { kind: ObligationKind },
}

// ---------------------------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------------------------

/// Every duty of one subject for the calendar month `year`-`month`, judged as of `today`.
/// Sorted by due date, then kind.
pub fn obligations_for_month(
    facts: &SubjectFacts,
    activities: &[Activity],
    year: i32,
    month: u32,
    today: NaiveDate,
    book: &RuleBook,
) -> Result<Vec<Obligation>, ObligationError> {
    let acts: Vec<&Activity> = activities.iter().collect();
    compute(facts, &acts, year, month, today, book)
}

/// [`obligations_for_month`] for many subjects. `activities` carry the key of their subject;
/// activities of subjects not listed are ignored. Keys must be unique among `subjects`. One pass groups the activities, so the work is
/// linear in the number of activities (each is then matched against the ≤ ~20 windows of its own
/// subject's month).
pub fn obligations_for_month_many<K: Eq + Hash + Clone>(
    subjects: &[(K, SubjectFacts)],
    activities: &[(K, Activity)],
    year: i32,
    month: u32,
    today: NaiveDate,
    book: &RuleBook,
) -> Vec<(K, Result<Vec<Obligation>, ObligationError>)> {
    let index: HashMap<&K, usize> = subjects.iter().enumerate().map(|(i, (k, _))| (k, i)).collect();
    let mut buckets: Vec<Vec<&Activity>> = vec![Vec::new(); subjects.len()];
    for (k, a) in activities {
        if let Some(&i) = index.get(k) {
            buckets[i].push(a);
        }
    }
    subjects
        .iter()
        .zip(buckets)
        .map(|((k, facts), acts)| (k.clone(), compute(facts, &acts, year, month, today, book)))
        .collect()
}

/// The class in force on `date` (see [`SubjectFacts::class_history`]).
pub fn class_on(
    history: &[(NaiveDate, SupervisionClass)],
    current: SupervisionClass,
    date: NaiveDate,
) -> SupervisionClass {
    let earliest = history.iter().min_by_key(|(d, _)| *d);
    let latest_before = history.iter().filter(|(d, _)| *d <= date).max_by_key(|(d, _)| *d);
    latest_before.or(earliest).map_or(current, |(_, c)| *c)
}

/// First and last day of a calendar month.
pub fn month_range(year: i32, month: u32) -> Option<DateRange> {
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    let end = start.checked_add_months(Months::new(1))? - Days::new(1);
    Some(DateRange::new(start, end))
}

// ---------------------------------------------------------------------------------------------
// Engine
// ---------------------------------------------------------------------------------------------

// \[PROPOSAL\]: prorating around custody is this module's proposal; the note cites the law.
const CUSTODY_NOTE: &str = "（参考标准）被羁押期间不计；羁押情形见社区矫正法第三十二条";
const LEAVE_NOTE: &str = "经批准外出期间免除（实施办法第二十八条：外出期间以电话、视频等方式监管）";

struct Engine<'a> {
    facts: &'a SubjectFacts,
    /// Activities near the month (for windows).
    recent: Vec<&'a Activity>,
    /// All activities of the subject (for deadlines met long ago).
    all: &'a [&'a Activity],
    today: NaiveDate,
    book: &'a RuleBook,
    month: DateRange,
    out: Vec<Obligation>,
}

fn compute(
    facts: &SubjectFacts,
    acts: &[&Activity],
    year: i32,
    month: u32,
    today: NaiveDate,
    book: &RuleBook,
) -> Result<Vec<Obligation>, ObligationError> {
    let m = month_range(year, month).ok_or(ObligationError::InvalidMonth { year, month })?;
    if facts.term.end < facts.term.start {
        return Err(ObligationError::TermEndsBeforeStart { start: facts.term.start, end: facts.term.end });
    }
    if let Some(plan) = &facts.plan {
        if let Some(bad) = plan.duties.iter().find(|d| !ObligationKind::PERIODIC.contains(&d.kind)) {
            return Err(ObligationError::PlanKindNotPeriodic { kind: bad.kind });
        }
    }
    // 在册 only (SubjectStatus::on_register): released, terminated or transferred subjects owe
    // nothing to this office.
    if !facts.status.on_register() {
        return Ok(Vec::new());
    }
    // Windows reach at most 12 months back (medical cadence ≤ 12 months) and 3 months forward.
    let lo = m.start.checked_sub_months(Months::new(13)).unwrap_or(m.start);
    let hi = m.end.checked_add_months(Months::new(13)).unwrap_or(m.end);
    let recent = acts.iter().copied().filter(|a| lo <= a.date && a.date <= hi).collect();
    let mut e = Engine { facts, recent, all: acts, today, book, month: m, out: Vec::new() };

    e.intake();
    if facts.status != SubjectStatus::PendingIntake {
        let start = facts.reported_on.map_or(facts.term.start, |r| r.max(facts.term.start));
        if start <= facts.term.end {
            let sup = DateRange::new(start, facts.term.end);
            e.first_visit();
            e.periodic(sup)?;
            e.hours(sup)?;
            e.medical(sup)?;
            e.release(sup);
        }
    }
    let mut out = e.out;
    out.sort_by_key(|o| (o.due, o.kind, o.window.start));
    Ok(out)
}

impl Engine<'_> {
    fn pack_near(&self, start: NaiveDate, end: NaiveDate) -> Result<&RulePack, ObligationError> {
        self.book.pack_for(start).or_else(|| self.book.pack_for(end)).ok_or(ObligationError::NoRulePack { date: start })
    }

    fn class_at(&self, date: NaiveDate) -> SupervisionClass {
        class_on(&self.facts.class_history, self.facts.class, date)
    }

    fn count_in(&self, kind: ObligationKind, range: DateRange) -> u32 {
        let n = self.recent.iter().filter(|a| kind.counts(a.kind) && range.contains(a.date)).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    fn minutes_in(&self, kind: ObligationKind, range: DateRange) -> u32 {
        self.recent
            .iter()
            .filter(|a| kind.counts(a.kind) && range.contains(a.date))
            .fold(0u32, |acc, a| acc.saturating_add(a.minutes))
    }

    fn first_done_on_or_after(&self, kind: ObligationKind, from: NaiveDate) -> Option<NaiveDate> {
        self.all.iter().filter(|a| kind.counts(a.kind) && a.date >= from).map(|a| a.date).min()
    }

    fn custody_days(&self, range: DateRange) -> i64 {
        covered_days(&self.facts.custody, range)
    }

    /// Counted periodic duty in `window`; `active` is the part of the window in supervision.
    fn push_counted(
        &mut self,
        kind: ObligationKind,
        window: DateRange,
        active: DateRange,
        times: u32,
        basis: &str,
        pack_id: &str,
    ) {
        let window_days = window.days_inclusive();
        let term_days = active.days_inclusive();
        if prorate_half_up(times, term_days, window_days) == 0 {
            return; // too little of the window in correction to owe anything
        }
        let free = term_days - self.custody_days(active);
        let required = prorate_half_up(times, free, window_days);
        let done = self.count_in(kind, active);
        let on_leave = kind.exempt_on_leave()
            && covered_days(&[self.facts.leaves.as_slice(), self.facts.custody.as_slice()].concat(), active)
                == term_days;
        let (status, basis) = if required == 0 {
            (ObligationStatus::Exempt, format!("{basis}；{CUSTODY_NOTE}"))
        } else if on_leave {
            (ObligationStatus::Exempt, format!("{basis}；{LEAVE_NOTE}"))
        } else {
            (self.counted_status(required, done, window.end), basis.to_owned())
        };
        self.out.push(Obligation {
            kind,
            window,
            due: window.end,
            required,
            done,
            unit: Unit::Times,
            status,
            basis,
            pack_id: pack_id.to_owned(),
            prorated: free < window_days,
        });
    }

    fn counted_status(&self, required: u32, done: u32, end: NaiveDate) -> ObligationStatus {
        if done >= required {
            ObligationStatus::Done
        } else if end < self.today {
            ObligationStatus::Overdue
        } else {
            ObligationStatus::Due
        }
    }

    /// Deadline duty listed per the module rule; `open..=due` is its window.
    fn push_deadline(
        &mut self,
        kind: ObligationKind,
        open: NaiveDate,
        due: NaiveDate,
        done_on: Option<NaiveDate>,
        basis: String,
        pack_id: &str,
    ) {
        let window = DateRange::new(open.min(due), due);
        let m = self.month;
        // Carried while unmet, but never into months after the term (nothing is owed then).
        let carried = m.start > due && m.start <= self.facts.term.end && done_on.is_none_or(|d| d >= m.start);
        let listed = m.overlaps(&window) || carried;
        if !listed {
            return;
        }
        let status = match done_on {
            Some(d) if d <= due => ObligationStatus::Done,
            Some(_) => ObligationStatus::DoneLate,
            None if due < self.today => ObligationStatus::Overdue,
            None => ObligationStatus::Due,
        };
        self.out.push(Obligation {
            kind,
            window,
            due,
            required: 1,
            done: u32::from(done_on.is_some()),
            unit: Unit::Times,
            status,
            basis,
            pack_id: pack_id.to_owned(),
            prorated: false,
        });
    }

    /// 报到 (社区矫正法第二十一条; 刑事诉讼法第一百零五条).
    fn intake(&mut self) {
        let f = self.facts;
        let applies = matches!(f.sentence_type, SentenceType::Control | SentenceType::Probation | SentenceType::Parole)
            && (f.status == SubjectStatus::PendingIntake || f.reported_on.is_some());
        let Some(effective) = f.judgment_effective.filter(|_| applies) else {
            return;
        };
        let Some(pack) = self.book.pack_for(effective) else {
            return;
        };
        let nominal = effective + Days::new(u64::from(pack.intake.report_days));
        let due = roll_past_weekend(nominal);
        let mut basis = pack.intake.report_basis.clone();
        if due != nominal {
            basis.push_str("；期满日为休息日，顺延至其后第一日（刑事诉讼法第一百零五条）");
        }
        let id = pack.id.clone();
        self.push_deadline(ObligationKind::IntakeReport, effective, due, f.reported_on, basis, &id);
    }

    /// First 实地查访 after 报到 (\[PROPOSAL\] domain.md §7.2).
    fn first_visit(&mut self) {
        let Some(reported) = self.facts.reported_on else {
            return;
        };
        let Some(pack) = self.book.pack_for(reported) else {
            return;
        };
        let due = reported + Days::new(u64::from(pack.intake.first_visit_days));
        let done_on = self.first_done_on_or_after(ObligationKind::FirstVisit, reported);
        let (basis, id) = (pack.intake.first_visit_basis.clone(), pack.id.clone());
        self.push_deadline(ObligationKind::FirstVisit, reported, due, done_on, basis, &id);
    }

    /// Class (and plan) counted duties on calendar-aligned windows.
    fn periodic(&mut self, sup: DateRange) -> Result<(), ObligationError> {
        for period in Period::ALL {
            for window in windows_in_month(period, self.month) {
                let Some(active) = intersect(window, sup) else {
                    continue;
                };
                let pack = self.pack_near(active.start, window.end)?;
                let policy = pack.classes.get(self.class_at(active.start));
                let mut owed = Vec::new();
                for kind in ObligationKind::PERIODIC {
                    if let Some(duty) = effective_duty(kind, policy, self.facts.plan.as_ref()) {
                        if duty.per == period {
                            owed.push((kind, duty.times, duty.basis.clone()));
                        }
                    }
                }
                let id = pack.id.clone();
                for (kind, times, basis) in owed {
                    self.push_counted(kind, window, active, times, &basis, &id);
                }
            }
        }
        Ok(())
    }

    /// 集中教育学习 and 公益活动 hours for the calendar month.
    fn hours(&mut self, sup: DateRange) -> Result<(), ObligationError> {
        let window = self.month;
        let Some(active) = intersect(window, sup) else {
            return Ok(());
        };
        let pack = self.pack_near(active.start, window.end)?;
        let policy = pack.classes.get(self.class_at(active.start));
        let plan = self.facts.plan.as_ref();
        let mut quotas = vec![(
            ObligationKind::StudyHours,
            merge_hours(
                policy.study_hours_per_month.as_ref().map(|h| (h.hours, h.basis.as_str())),
                plan.and_then(|p| p.study_hours_per_month.map(|h| (h, p.basis.as_str()))),
            ),
        )];
        // 公益活动 by ability to work (实施办法第四十四条).
        if self.facts.able_to_work {
            quotas.push((
                ObligationKind::ServiceHours,
                merge_hours(
                    policy.service_hours_per_month.as_ref().map(|h| (h.hours, h.basis.as_str())),
                    plan.and_then(|p| p.service_hours_per_month.map(|h| (h, p.basis.as_str()))),
                ),
            ));
        }
        let id = pack.id.clone();
        let window_days = window.days_inclusive();
        let term_days = active.days_inclusive();
        let free = term_days - self.custody_days(active);
        for (kind, quota) in quotas {
            let Some((hours, basis)) = quota else {
                continue;
            };
            let required_hours = prorate_up(hours, free, window_days);
            let done = self.minutes_in(kind, active);
            let (status, basis) = if required_hours == 0 {
                (ObligationStatus::Exempt, format!("{basis}；{CUSTODY_NOTE}"))
            } else if done >= required_hours * 60 {
                (ObligationStatus::Done, basis)
            } else if window.end < self.today {
                (ObligationStatus::Shortfall, basis)
            } else {
                (ObligationStatus::Due, basis)
            };
            self.out.push(Obligation {
                kind,
                window,
                due: window.end,
                required: required_hours * 60,
                done,
                unit: Unit::Minutes,
                status,
                basis,
                pack_id: id.clone(),
                prorated: free < window_days,
            });
        }
        Ok(())
    }

    /// 暂予监外执行: health report every N months; 保外就医 re-examination every N months
    /// (实施办法第二十四条), counted from the start of supervision.
    fn medical(&mut self, sup: DateRange) -> Result<(), ObligationError> {
        if self.facts.sentence_type != SentenceType::TemporaryOutside {
            return Ok(());
        }
        let at = self.month.start.max(sup.start).min(sup.end);
        let pack = self.pack_near(at, at)?;
        let mut cadences = vec![(ObligationKind::HealthReport, pack.medical.health_report_months)];
        if self.facts.medical_parole {
            cadences.push((ObligationKind::MedicalReexam, pack.medical.reexam_months));
        }
        for (kind, n) in cadences {
            for window in anchored_windows(sup.start, n, self.month) {
                let Some(active) = intersect(window, sup) else {
                    continue;
                };
                let pack = self.pack_near(active.start, window.end)?;
                let (basis, id) = (pack.medical.basis.clone(), pack.id.clone());
                self.push_counted(kind, window, active, 1, &basis, &id);
            }
        }
        Ok(())
    }

    /// Personal summary and appraisal before expiry (domain.md §15.1).
    fn release(&mut self, sup: DateRange) {
        if self.facts.sentence_type == SentenceType::TemporaryOutside {
            return;
        }
        let end = self.facts.term.end;
        let Some(pack) = self.book.pack_for(end).or_else(|| self.book.pack_for(sup.start)) else {
            return;
        };
        let r = &pack.release;
        let open = (end - Days::new(u64::from(r.prep_reminder_days))).max(sup.start);
        let due = end - Days::new(u64::from(r.appraisal_days_before_end));
        let (basis, id) = (r.basis.clone(), pack.id.clone());
        for kind in [ObligationKind::ReleaseSummary, ObligationKind::ReleaseAppraisal] {
            let done_on = self.first_done_on_or_after(kind, sup.start);
            self.push_deadline(kind, open, due, done_on, basis.clone(), &id);
        }
    }
}

/// Class duty, or the plan's duty of the same kind when strictly more demanding.
fn effective_duty<'a>(
    kind: ObligationKind,
    policy: &'a ClassPolicy,
    plan: Option<&'a PlanOverrides>,
) -> Option<&'a Duty> {
    let class = kind.class_duty(policy);
    let planned = plan
        .into_iter()
        .flat_map(|p| &p.duties)
        .filter(|d| d.kind == kind)
        .map(|d| &d.duty)
        .reduce(|a, b| if b.more_demanding_than(a) { b } else { a });
    match (class, planned) {
        (Some(c), Some(p)) if p.more_demanding_than(c) => Some(p),
        (Some(c), _) => Some(c),
        (None, p) => p,
    }
}

fn merge_hours(class: Option<(u32, &str)>, plan: Option<(u32, &str)>) -> Option<(u32, String)> {
    match (class, plan) {
        (Some(c), Some(p)) if p.0 > c.0 => Some((p.0, p.1.to_owned())),
        (Some(c), _) => Some((c.0, c.1.to_owned())),
        (None, Some(p)) => Some((p.0, p.1.to_owned())),
        (None, None) => None,
    }
}

/// The windows of `period` listed for month `m` (see module notes).
fn windows_in_month(period: Period, m: DateRange) -> Vec<DateRange> {
    match period {
        Period::Week => {
            let mut out = Vec::new();
            // The first week ending in the month is the one containing its first day.
            let mut w = Period::Week.window_containing(m.start);
            while w.end <= m.end {
                out.push(w);
                w = DateRange::new(w.start + Days::new(7), w.end + Days::new(7));
            }
            out
        }
        _ => vec![period.window_containing(m.start)],
    }
}

/// Windows of `n` months counted from `anchor` that end in `m` or are open at its last day.
fn anchored_windows(anchor: NaiveDate, n: u32, m: DateRange) -> Vec<DateRange> {
    let n = n.max(1);
    let months_between = (m.start.year() - anchor.year()) * 12 + m.start.month() as i32 - anchor.month() as i32;
    let k0 = (months_between.max(0) as u32 / n).saturating_sub(1);
    let mut out = Vec::new();
    for k in k0..k0 + 4 {
        let (Some(start), Some(next)) =
            (anchor.checked_add_months(Months::new(k * n)), anchor.checked_add_months(Months::new((k + 1) * n)))
        else {
            break;
        };
        if start > m.end {
            break;
        }
        let w = DateRange::new(start, next - Days::new(1));
        if m.contains(w.end) || w.contains(m.end) {
            out.push(w);
        }
    }
    out
}

fn intersect(a: DateRange, b: DateRange) -> Option<DateRange> {
    let r = DateRange::new(a.start.max(b.start), a.end.min(b.end));
    (r.start <= r.end).then_some(r)
}

/// Days of `range` covered by the union of `spans`.
fn covered_days(spans: &[DateRange], range: DateRange) -> i64 {
    let mut parts: Vec<DateRange> = spans.iter().filter_map(|s| intersect(*s, range)).collect();
    parts.sort_by_key(|p| p.start);
    let mut total = 0;
    let mut cursor: Option<NaiveDate> = None; // last day already counted
    for p in parts {
        let from = match cursor {
            Some(c) if c >= p.end => continue,
            Some(c) if c >= p.start => c + Days::new(1),
            _ => p.start,
        };
        total += (p.end - from).num_days() + 1;
        cursor = Some(p.end);
    }
    total
}

/// `times × days / window_days`, rounded half up.
fn prorate_half_up(times: u32, days: i64, window_days: i64) -> u32 {
    if days <= 0 || window_days <= 0 {
        return 0;
    }
    let v = (2 * i64::from(times) * days + window_days) / (2 * window_days);
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// `hours × days / window_days`, rounded up to whole hours.
fn prorate_up(hours: u32, days: i64, window_days: i64) -> u32 {
    if days <= 0 || window_days <= 0 {
        return 0;
    }
    let v = (i64::from(hours) * days + window_days - 1) / window_days;
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// 刑事诉讼法第一百零五条: a period whose last day is a rest day ends on the next day after it.
/// Only weekends here; statutory holidays need the holiday table.
fn roll_past_weekend(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d + Days::new(1);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule_pack::{HoursDuty, RuleBook};
    use ObligationKind as K;
    use ObligationStatus as S;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn r(a: NaiveDate, b: NaiveDate) -> DateRange {
        DateRange::new(a, b)
    }

    fn act(kind: ActivityKind, date: NaiveDate) -> Activity {
        Activity { kind, date, minutes: 0 }
    }

    fn mins(kind: ActivityKind, date: NaiveDate, minutes: u32) -> Activity {
        Activity { kind, date, minutes }
    }

    fn probation(class: SupervisionClass) -> SubjectFacts {
        SubjectFacts {
            sentence_type: SentenceType::Probation,
            class,
            class_history: Vec::new(),
            term: r(d(2023, 1, 10), d(2026, 1, 9)),
            reported_on: Some(d(2023, 1, 12)),
            judgment_effective: Some(d(2023, 1, 10)),
            status: SubjectStatus::InCorrection,
            medical_parole: false,
            able_to_work: true,
            plan: None,
            leaves: Vec::new(),
            custody: Vec::new(),
        }
    }

    fn province_a() -> RuleBook {
        RuleBook::builtin_for_region("province-a").unwrap()
    }

    fn of(obs: &[Obligation], kind: ObligationKind) -> Vec<&Obligation> {
        obs.iter().filter(|o| o.kind == kind).collect()
    }

    /// A pack where 严管 has every periodic duty, to exercise each kind.
    fn every_duty_book() -> RuleBook {
        let mut pack = RuleBook::builtin().pack_by_id("national-2020").unwrap().clone();
        pack.id = "test-every-duty".into();
        pack.region = Some("test".into());
        pack.classes.strict.it_checks =
            Some(Duty { times: 2, per: Period::Week, basis: "[TEST] 信息化核查".into() });
        pack.classes.strict.visits =
            Some(Duty { times: 1, per: Period::Quarter, basis: "[TEST] 每季度查访".into() });
        pack.classes.strict.written_reports =
            Some(Duty { times: 1, per: Period::TwoMonths, basis: "[TEST] 两月书面".into() });
        pack.classes.strict.study_hours_per_month =
            Some(HoursDuty { hours: 10, basis: "[TEST] 学习10小时".into() });
        let mut book = RuleBook::builtin();
        book.add(pack).unwrap();
        book.with_region(Some("test")).unwrap()
    }

    /// Rules: 实施办法第二十四条 (reports), 社区矫正法第二十六条 (visits, IT checks), 第三十六条
    /// (talks, study), 第四十二条 (service) — one window of each kind with the pack's basis.
    #[test]
    fn each_periodic_duty_kind_is_listed_with_its_basis() {
        let book = every_duty_book();
        let facts = probation(SupervisionClass::Strict);
        // May 2024: weeks ending 5, 12, 19, 26 May; two-month period May–Jun; quarter Apr–Jun.
        let obs = obligations_for_month(&facts, &[], 2024, 5, d(2024, 5, 1), &book).unwrap();
        for kind in [K::PhoneReport, K::InPersonReport, K::Talk, K::ItCheck] {
            assert_eq!(of(&obs, kind).len(), 4, "{kind:?}");
        }
        assert_eq!(of(&obs, K::ItCheck)[0].required, 2);
        assert_eq!(of(&obs, K::ItCheck)[0].basis, "[TEST] 信息化核查");
        let written = of(&obs, K::WrittenReport);
        assert_eq!(written.len(), 1);
        assert_eq!(written[0].window, r(d(2024, 5, 1), d(2024, 6, 30)));
        let visit = of(&obs, K::Visit);
        assert_eq!(visit[0].window, r(d(2024, 4, 1), d(2024, 6, 30)));
        assert_eq!(visit[0].basis, "[TEST] 每季度查访");
        let study = of(&obs, K::StudyHours);
        assert_eq!((study[0].required, study[0].unit), (600, Unit::Minutes));
        let service = of(&obs, K::ServiceHours);
        assert_eq!(service[0].required, 480);
        assert!(service[0].basis.contains("第十六条"));
        assert!(obs.iter().all(|o| o.pack_id == "test-every-duty"));
        assert!(obs.iter().filter(|o| o.kind != K::FirstVisit).all(|o| o.status == S::Due));
        // No visit was ever recorded: the first visit (due 22 Jan 2023) is carried as Overdue.
        assert_eq!(of(&obs, K::FirstVisit)[0].status, S::Overdue);
    }

    /// Rule: 实施办法第四十四条 — 公益活动 only for subjects able to work.
    #[test]
    fn service_hours_only_for_subjects_able_to_work() {
        let mut facts = probation(SupervisionClass::Ordinary);
        facts.able_to_work = false;
        let obs = obligations_for_month(&facts, &[], 2024, 5, d(2024, 5, 1), &province_a()).unwrap();
        assert!(of(&obs, K::ServiceHours).is_empty());
        assert_eq!(of(&obs, K::StudyHours).len(), 1);
    }

    /// Rule: 某省分类管理办法（严管）每周当面报告 — June 2024 has five Sundays, so five weekly
    /// windows, the first starting in May; the week ending 7 July is not June's.
    #[test]
    fn weekly_duties_in_a_month_spanning_five_weeks() {
        let facts = probation(SupervisionClass::Strict);
        let obs = obligations_for_month(&facts, &[], 2024, 6, d(2024, 6, 1), &province_a()).unwrap();
        let weekly = of(&obs, K::InPersonReport);
        let ends: Vec<u32> = weekly.iter().map(|o| o.window.end.day()).collect();
        assert_eq!(ends, vec![2, 9, 16, 23, 30]);
        assert_eq!(weekly[0].window.start, d(2024, 5, 27));
        // July 2024 has four Sundays; the week 1–7 July belongs to July.
        let july = obligations_for_month(&facts, &[], 2024, 7, d(2024, 6, 1), &province_a()).unwrap();
        assert_eq!(of(&july, K::InPersonReport).len(), 4);
        assert_eq!(of(&july, K::InPersonReport)[0].window, r(d(2024, 7, 1), d(2024, 7, 7)));
    }

    /// Rule: status by `today` — Due while open, Overdue/Shortfall after, Done when met.
    #[test]
    fn status_transitions_by_today() {
        let facts = probation(SupervisionClass::Strict);
        let book = province_a();
        let week = r(d(2024, 6, 3), d(2024, 6, 9));
        let weekly = |acts: &[Activity], today| {
            let obs = obligations_for_month(&facts, acts, 2024, 6, today, &book).unwrap();
            obs.into_iter().find(|o| o.kind == K::InPersonReport && o.window == week).unwrap()
        };
        assert_eq!(weekly(&[], d(2024, 6, 9)).status, S::Due, "last day of the window is still open");
        assert_eq!(weekly(&[], d(2024, 6, 10)).status, S::Overdue);
        let report = [act(ActivityKind::Report(ReportMethod::InPerson), d(2024, 6, 5))];
        let done = weekly(&report, d(2024, 6, 20));
        assert_eq!((done.status, done.done, done.required), (S::Done, 1, 1));
        // A phone call is not an in-person report.
        let phone = [act(ActivityKind::Report(ReportMethod::Phone), d(2024, 6, 5))];
        assert_eq!(weekly(&phone, d(2024, 6, 20)).status, S::Overdue);

        // Hours: 12 h 严管 study; 5 h done → Due in June, Shortfall after June.
        let study = [mins(ActivityKind::Study, d(2024, 6, 14), 300)];
        let hours = |today| {
            let obs = obligations_for_month(&facts, &study, 2024, 6, today, &book).unwrap();
            obs.into_iter().find(|o| o.kind == K::StudyHours).unwrap()
        };
        assert_eq!(hours(d(2024, 6, 30)).status, S::Due);
        let short = hours(d(2024, 7, 1));
        assert_eq!((short.status, short.required, short.done), (S::Shortfall, 720, 300));
        let full = [mins(ActivityKind::Study, d(2024, 6, 14), 400), mins(ActivityKind::Study, d(2024, 6, 28), 320)];
        let obs = obligations_for_month(&facts, &full, 2024, 6, d(2024, 7, 1), &book).unwrap();
        assert_eq!(of(&obs, K::StudyHours)[0].status, S::Done);
    }

    /// Rule: the class in force at a window's start decides it (实施办法第二十一条 classes;
    /// 某省分类管理办法). 普管 until 14 Feb 2024, 严管 from 15 Feb.
    #[test]
    fn class_change_mid_month() {
        let mut facts = probation(SupervisionClass::Strict);
        facts.class_history =
            vec![(d(2023, 3, 12), SupervisionClass::Ordinary), (d(2024, 2, 15), SupervisionClass::Strict)];
        let obs = obligations_for_month(&facts, &[], 2024, 2, d(2024, 2, 1), &province_a()).unwrap();
        let weekly: Vec<_> =
            of(&obs, K::InPersonReport).into_iter().filter(|o| o.window.days_inclusive() == 7).collect();
        assert_eq!(weekly.len(), 1, "only the week starting 19 Feb is under 严管");
        assert_eq!(weekly[0].window, r(d(2024, 2, 19), d(2024, 2, 25)));
        assert!(weekly[0].basis.contains("严管"));
        // The month window started on 1 Feb under 普管: 2 in-person reports, 8 h study.
        let monthly: Vec<_> =
            of(&obs, K::InPersonReport).into_iter().filter(|o| o.window.days_inclusive() == 29).collect();
        assert_eq!(monthly.len(), 1);
        assert_eq!(monthly[0].required, 2);
        assert_eq!(of(&obs, K::StudyHours)[0].required, 8 * 60);
        // March is wholly 严管: 12 h.
        let march = obligations_for_month(&facts, &[], 2024, 3, d(2024, 3, 1), &province_a()).unwrap();
        assert_eq!(of(&march, K::StudyHours)[0].required, 12 * 60);
        assert_eq!(class_on(&facts.class_history, facts.class, d(2020, 1, 1)), SupervisionClass::Ordinary);
    }

    /// Rule: the pack in force at a window's start decides it — province-a-2021 from 1 Jan 2021;
    /// the week 28 Dec 2020 – 3 Jan 2021 still follows the national pack.
    #[test]
    fn pack_change_by_effective_date() {
        let mut facts = probation(SupervisionClass::Strict);
        facts.term = r(d(2020, 7, 10), d(2023, 7, 9));
        facts.reported_on = Some(d(2020, 7, 12));
        facts.judgment_effective = Some(d(2020, 7, 10));
        let book = province_a();
        let dec = obligations_for_month(&facts, &[], 2020, 12, d(2021, 2, 1), &book).unwrap();
        assert_eq!(of(&dec, K::StudyHours)[0].required, 8 * 60);
        assert_eq!(of(&dec, K::StudyHours)[0].pack_id, "national-2020");
        assert!(!of(&dec, K::PhoneReport).is_empty(), "national baseline has weekly phone reports");
        let jan = obligations_for_month(&facts, &[], 2021, 1, d(2021, 2, 1), &book).unwrap();
        assert_eq!(of(&jan, K::StudyHours)[0].required, 12 * 60);
        assert_eq!(of(&jan, K::StudyHours)[0].pack_id, "province-a-2021");
        let weekly = of(&jan, K::InPersonReport);
        assert_eq!(weekly[0].window, r(d(2020, 12, 28), d(2021, 1, 3)));
        assert_eq!(weekly[0].pack_id, "national-2020");
        assert!(weekly[1..].iter().all(|o| o.pack_id == "province-a-2021"));
        let phone = of(&jan, K::PhoneReport);
        assert_eq!(phone.len(), 1, "only the straddling week keeps the national phone duty");
    }

    /// Rule: a successor pack version takes over on its effective date.
    #[test]
    fn successor_pack_version_changes_numbers() {
        let mut book = RuleBook::builtin();
        let mut v2 = book.pack_by_id("national-2020").unwrap().clone();
        v2.id = "national-2024".into();
        v2.version = 2;
        v2.effective_from = d(2024, 7, 1);
        v2.classes.ordinary.study_hours_per_month = Some(HoursDuty { hours: 6, basis: "[TEST] v2".into() });
        book.add(v2).unwrap();
        let facts = probation(SupervisionClass::Ordinary);
        let june = obligations_for_month(&facts, &[], 2024, 6, d(2024, 6, 1), &book).unwrap();
        let july = obligations_for_month(&facts, &[], 2024, 7, d(2024, 6, 1), &book).unwrap();
        assert_eq!(of(&june, K::StudyHours)[0].required, 480);
        assert_eq!(of(&july, K::StudyHours)[0].required, 360);
        assert_eq!(of(&july, K::StudyHours)[0].pack_id, "national-2024");
    }

    /// Rule: 实施办法第二十八条 — a week wholly on approved leave exempts in-person reports and
    /// visits, not phone reports; a partly covered week is owed in full.
    #[test]
    fn leave_exemption() {
        let mut facts = probation(SupervisionClass::Strict);
        facts.leaves = vec![r(d(2024, 6, 2), d(2024, 6, 11))]; // covers the week 3–9 June
        let book = RuleBook::builtin(); // national: weekly phone + weekly in person for 严管
        let obs = obligations_for_month(&facts, &[], 2024, 6, d(2024, 7, 1), &book).unwrap();
        let week = r(d(2024, 6, 3), d(2024, 6, 9));
        let in_person = of(&obs, K::InPersonReport).into_iter().find(|o| o.window == week).unwrap();
        assert_eq!(in_person.status, S::Exempt);
        assert!(in_person.basis.contains("第二十八条"));
        let phone = of(&obs, K::PhoneReport).into_iter().find(|o| o.window == week).unwrap();
        assert_eq!(phone.status, S::Overdue);
        let written = of(&obs, K::WrittenReport).into_iter().find(|o| o.window == week).unwrap();
        assert_eq!(written.status, S::Overdue, "written reports are not exempt");
        let next = of(&obs, K::InPersonReport).into_iter().find(|o| o.window.start == d(2024, 6, 10)).unwrap();
        assert_eq!(next.status, S::Overdue, "partly on leave: still owed");
        // Visits (monthly for 严管) are not exempt when only part of the month is leave.
        assert_eq!(of(&obs, K::Visit)[0].status, S::Overdue);
    }

    /// Rule (proration, \[PROPOSAL\]): reported on Thursday 13 June 2024. The week 10–16 June has
    /// 4 days in correction → owed; hours prorated 18/30 of 12 h → 7.2 → 8 h.
    #[test]
    fn proration_at_term_start() {
        let mut facts = probation(SupervisionClass::Strict);
        facts.term = r(d(2024, 6, 13), d(2027, 6, 12));
        facts.judgment_effective = Some(d(2024, 6, 13));
        facts.reported_on = Some(d(2024, 6, 13));
        let obs = obligations_for_month(&facts, &[], 2024, 6, d(2024, 6, 13), &province_a()).unwrap();
        let weekly = of(&obs, K::InPersonReport);
        assert_eq!(weekly.iter().map(|o| o.window.end.day()).collect::<Vec<_>>(), vec![16, 23, 30]);
        assert!(weekly[0].prorated && weekly[0].required == 1);
        assert!(!weekly[1].prorated);
        let study = of(&obs, K::StudyHours)[0];
        assert_eq!((study.required, study.prorated), (8 * 60, true));
        // Reported on Friday 14 June: only 3 days of that week → no duty for it.
        facts.reported_on = Some(d(2024, 6, 14));
        let obs = obligations_for_month(&facts, &[], 2024, 6, d(2024, 6, 14), &province_a()).unwrap();
        assert_eq!(of(&obs, K::InPersonReport).len(), 2);
        // Nothing before reporting: May is empty except nothing at all.
        let may = obligations_for_month(&facts, &[], 2024, 5, d(2024, 6, 14), &province_a()).unwrap();
        assert!(may.is_empty(), "{may:?}");
    }

    /// Rule (proration): the last month of the term — term ends 9 Jan 2026.
    #[test]
    fn proration_at_term_end_and_nothing_after() {
        let facts = probation(SupervisionClass::Ordinary);
        let jan = obligations_for_month(&facts, &[], 2026, 1, d(2026, 1, 1), &province_a()).unwrap();
        let study = of(&jan, K::StudyHours)[0];
        assert_eq!(study.required, 3 * 60, "8 h × 9/31 = 2.3 → 3 h");
        // 2 in person a month × 9/31 = 0.58 → 1.
        assert_eq!(of(&jan, K::InPersonReport)[0].required, 1);
        let feb = obligations_for_month(&facts, &[], 2026, 2, d(2026, 1, 1), &province_a()).unwrap();
        assert!(feb.is_empty(), "{feb:?}");
    }

    /// Rule: 1-per-quarter visit (宽管, \[PROPOSAL\] §7.2) is listed in every month of its quarter,
    /// Due until the quarter ends, Done once visited.
    #[test]
    fn quarterly_visit_listed_every_month_of_the_quarter() {
        let facts = probation(SupervisionClass::Lenient);
        let book = province_a();
        for month in [4, 5, 6] {
            let obs = obligations_for_month(&facts, &[], 2024, month, d(2024, 4, 2), &book).unwrap();
            let v = of(&obs, K::Visit);
            assert_eq!(v.len(), 1, "month {month}");
            assert_eq!(v[0].window, r(d(2024, 4, 1), d(2024, 6, 30)));
            assert_eq!(v[0].status, S::Due);
        }
        let visited = [act(ActivityKind::Visit, d(2024, 5, 20))];
        let obs = obligations_for_month(&facts, &visited, 2024, 4, d(2024, 5, 21), &book).unwrap();
        assert_eq!(of(&obs, K::Visit)[0].status, S::Done);
        let obs = obligations_for_month(&facts, &[], 2024, 5, d(2024, 7, 1), &book).unwrap();
        assert_eq!(of(&obs, K::Visit)[0].status, S::Overdue);
    }

    /// Rule: 实施办法第二十四条 — 暂予监外执行 health report monthly, 保外就医 re-examination every
    /// 3 months, counted from the start of supervision (20 Jan 2024).
    #[test]
    fn temporary_outside_reexam_cadence() {
        let mut facts = probation(SupervisionClass::Ordinary);
        facts.sentence_type = SentenceType::TemporaryOutside;
        facts.medical_parole = true;
        facts.term = r(d(2024, 1, 20), d(2025, 12, 31));
        facts.reported_on = Some(d(2024, 1, 20));
        facts.judgment_effective = None;
        let book = RuleBook::builtin();
        let reexam = |month, acts: &[Activity], today| {
            let obs = obligations_for_month(&facts, acts, 2024, month, today, &book).unwrap();
            obs.into_iter().filter(|o| o.kind == K::MedicalReexam).collect::<Vec<_>>()
        };
        let first = r(d(2024, 1, 20), d(2024, 4, 19));
        let second = r(d(2024, 4, 20), d(2024, 7, 19));
        assert_eq!(reexam(1, &[], d(2024, 1, 20)).iter().map(|o| o.window).collect::<Vec<_>>(), vec![first]);
        assert_eq!(reexam(3, &[], d(2024, 1, 20)).iter().map(|o| o.window).collect::<Vec<_>>(), vec![first]);
        assert_eq!(reexam(4, &[], d(2024, 1, 20)).iter().map(|o| o.window).collect::<Vec<_>>(), vec![first, second]);
        assert_eq!(
            reexam(7, &[], d(2024, 1, 20)).iter().map(|o| o.window).collect::<Vec<_>>(),
            vec![second, r(d(2024, 7, 20), d(2024, 10, 19))]
        );
        let april = reexam(4, &[act(ActivityKind::MedicalReexam, d(2024, 4, 10))], d(2024, 4, 25));
        assert_eq!(april[0].status, S::Done);
        assert_eq!(april[1].status, S::Due);
        assert_eq!(reexam(4, &[], d(2024, 4, 25))[0].status, S::Overdue);
        assert!(april[0].basis.contains("第二十四条"));
        // Monthly health report: February lists 20 Jan–19 Feb and 20 Feb–19 Mar.
        let obs = obligations_for_month(&facts, &[], 2024, 2, d(2024, 2, 1), &book).unwrap();
        let health: Vec<_> = of(&obs, K::HealthReport).iter().map(|o| o.window).collect();
        assert_eq!(health, vec![r(d(2024, 1, 20), d(2024, 2, 19)), r(d(2024, 2, 20), d(2024, 3, 19))]);
        // No re-examination without 保外就医; no release preparation for 暂予监外执行.
        facts.medical_parole = false;
        let obs = obligations_for_month(&facts, &[], 2025, 12, d(2025, 12, 1), &book).unwrap();
        assert!(of(&obs, K::MedicalReexam).is_empty());
        assert!(of(&obs, K::ReleaseSummary).is_empty());
        assert!(!of(&obs, K::HealthReport).is_empty());
    }

    /// Rule: 社区矫正法第二十一条 — report within 10 days of the judgment taking effect, start day
    /// not counted; a Saturday deadline moves to Monday (刑事诉讼法第一百零五条).
    #[test]
    fn intake_deadline() {
        let mut facts = probation(SupervisionClass::Strict);
        facts.status = SubjectStatus::PendingIntake;
        facts.reported_on = None;
        facts.judgment_effective = Some(d(2024, 3, 6)); // +10 = Sat 16 March → Mon 18 March
        facts.term = r(d(2024, 3, 6), d(2026, 3, 5));
        let book = RuleBook::builtin();
        let obs = obligations_for_month(&facts, &[], 2024, 3, d(2024, 3, 18), &book).unwrap();
        assert_eq!(obs.len(), 1, "pending intake: only the report-in duty: {obs:?}");
        assert_eq!((obs[0].kind, obs[0].due, obs[0].status), (K::IntakeReport, d(2024, 3, 18), S::Due));
        assert!(obs[0].basis.contains("第二十一条") && obs[0].basis.contains("顺延"));
        let obs = obligations_for_month(&facts, &[], 2024, 3, d(2024, 3, 19), &book).unwrap();
        assert_eq!(obs[0].status, S::Overdue);
        // Still unmet: shown in April too.
        let obs = obligations_for_month(&facts, &[], 2024, 4, d(2024, 4, 2), &book).unwrap();
        assert_eq!((obs[0].kind, obs[0].status), (K::IntakeReport, S::Overdue));
        // Reported late on 2 April: DoneLate in April, gone in May.
        facts.status = SubjectStatus::InCorrection;
        facts.reported_on = Some(d(2024, 4, 2));
        let obs = obligations_for_month(&facts, &[], 2024, 4, d(2024, 4, 3), &book).unwrap();
        assert_eq!(of(&obs, K::IntakeReport)[0].status, S::DoneLate);
        let obs = obligations_for_month(&facts, &[], 2024, 5, d(2024, 5, 3), &book).unwrap();
        assert!(of(&obs, K::IntakeReport).is_empty());
        // On time: a weekday deadline is not moved.
        facts.judgment_effective = Some(d(2024, 3, 1)); // +10 = Mon 11 March
        facts.reported_on = Some(d(2024, 3, 11));
        let obs = obligations_for_month(&facts, &[], 2024, 3, d(2024, 3, 20), &book).unwrap();
        let intake = of(&obs, K::IntakeReport)[0];
        assert_eq!((intake.due, intake.status), (d(2024, 3, 11), S::Done));
        assert!(!intake.basis.contains("顺延"));
    }

    /// Rule: \[PROPOSAL\] domain.md §7.2 — first visit within 10 days of reporting.
    #[test]
    fn first_visit_deadline() {
        let facts = probation(SupervisionClass::Strict); // reported 12 Jan 2023 → due 22 Jan
        let book = RuleBook::builtin();
        let obs = obligations_for_month(&facts, &[], 2023, 1, d(2023, 1, 20), &book).unwrap();
        let fv = of(&obs, K::FirstVisit)[0];
        assert_eq!((fv.due, fv.status), (d(2023, 1, 22), S::Due));
        let obs = obligations_for_month(&facts, &[], 2023, 1, d(2023, 1, 23), &book).unwrap();
        assert_eq!(of(&obs, K::FirstVisit)[0].status, S::Overdue);
        let visit = [act(ActivityKind::Visit, d(2023, 1, 18))];
        let obs = obligations_for_month(&facts, &visit, 2023, 1, d(2023, 1, 23), &book).unwrap();
        assert_eq!(of(&obs, K::FirstVisit)[0].status, S::Done);
        // The visit also counts for the monthly 严管 visit.
        assert_eq!(of(&obs, K::Visit)[0].status, S::Done);
        let obs = obligations_for_month(&facts, &visit, 2023, 2, d(2023, 2, 2), &book).unwrap();
        assert!(of(&obs, K::FirstVisit).is_empty());
    }

    /// Rule: domain.md §15.1 — personal summary and appraisal listed from 30 days before the term
    /// ends (9 Jan 2026), due 7 days before it.
    #[test]
    fn release_preparation() {
        let facts = probation(SupervisionClass::Lenient);
        let book = RuleBook::builtin();
        let nov = obligations_for_month(&facts, &[], 2025, 11, d(2025, 11, 1), &book).unwrap();
        assert!(of(&nov, K::ReleaseSummary).is_empty());
        let dec = obligations_for_month(&facts, &[], 2025, 12, d(2025, 12, 10), &book).unwrap();
        let s = of(&dec, K::ReleaseSummary)[0];
        assert_eq!((s.window.start, s.due, s.status), (d(2025, 12, 10), d(2026, 1, 2), S::Due));
        let acts = [act(ActivityKind::PersonalSummary, d(2025, 12, 20))];
        let jan = obligations_for_month(&facts, &acts, 2026, 1, d(2026, 1, 3), &book).unwrap();
        assert_eq!(of(&jan, K::ReleaseSummary)[0].status, S::Done);
        assert_eq!(of(&jan, K::ReleaseAppraisal)[0].status, S::Overdue);
    }

    /// Rule: subjects no longer on the register (SubjectStatus::on_register) owe nothing here.
    #[test]
    fn nothing_for_subjects_off_register() {
        for status in [SubjectStatus::Released, SubjectStatus::Terminated, SubjectStatus::TransferredOut] {
            let mut facts = probation(SupervisionClass::Strict);
            facts.status = status;
            assert!(obligations_for_month(&facts, &[], 2024, 6, d(2024, 6, 1), &province_a()).unwrap().is_empty());
        }
    }

    /// Rule (custody, \[PROPOSAL\]; 社区矫正法第三十二条): a week in custody is exempt for all
    /// duties; a month half in custody halves the hours.
    #[test]
    fn custody_exempts_and_prorates() {
        let mut facts = probation(SupervisionClass::Strict);
        facts.custody = vec![r(d(2024, 6, 1), d(2024, 6, 15))];
        let obs = obligations_for_month(&facts, &[], 2024, 6, d(2024, 7, 1), &province_a()).unwrap();
        let week = of(&obs, K::WrittenReport).into_iter().find(|o| o.window.start == d(2024, 6, 3)).unwrap();
        assert_eq!(week.status, S::Exempt);
        assert!(week.basis.contains("羁押"));
        assert_eq!(of(&obs, K::StudyHours)[0].required, 6 * 60, "12 h × 15/30");
    }

    /// Rule: 实施办法第二十二条 — the plan may raise or add duties but never lower them.
    #[test]
    fn plan_raises_but_never_lowers() {
        let mut facts = probation(SupervisionClass::Lenient);
        let plan_basis = "矫正方案（2024年）；实施办法第二十二条";
        facts.plan = Some(PlanOverrides {
            duties: vec![
                PlanDuty { kind: K::Visit, duty: Duty { times: 1, per: Period::Month, basis: plan_basis.into() } },
                PlanDuty { kind: K::Talk, duty: Duty { times: 1, per: Period::TwoMonths, basis: plan_basis.into() } },
                PlanDuty { kind: K::ItCheck, duty: Duty { times: 1, per: Period::Week, basis: plan_basis.into() } },
            ],
            study_hours_per_month: Some(10),
            service_hours_per_month: Some(1),
            basis: plan_basis.into(),
        });
        let obs = obligations_for_month(&facts, &[], 2024, 5, d(2024, 5, 1), &province_a()).unwrap();
        let visit = of(&obs, K::Visit);
        assert_eq!((visit.len(), visit[0].window), (1, r(d(2024, 5, 1), d(2024, 5, 31))), "monthly replaces quarterly");
        assert_eq!(visit[0].basis, plan_basis);
        let talk = of(&obs, K::Talk);
        assert_eq!(talk[0].window, r(d(2024, 5, 1), d(2024, 6, 30)), "1/2 months beats 1/quarter");
        assert_eq!(of(&obs, K::ItCheck).len(), 4, "added duty");
        assert_eq!(of(&obs, K::StudyHours)[0].required, 600);
        assert_eq!(of(&obs, K::ServiceHours)[0].required, 240, "plan cannot lower 4 h to 1 h");
        // A plan may not carry a deadline kind.
        facts
            .plan
            .as_mut()
            .unwrap()
            .duties
            .push(PlanDuty { kind: K::FirstVisit, duty: Duty { times: 1, per: Period::Month, basis: "x".into() } });
        assert_eq!(
            obligations_for_month(&facts, &[], 2024, 5, d(2024, 5, 1), &province_a()),
            Err(ObligationError::PlanKindNotPeriodic { kind: K::FirstVisit })
        );
    }

    /// Rule (which activities count): a phone-report duty is met by phone, video or in person.
    #[test]
    fn phone_duty_met_by_video_or_in_person() {
        let facts = probation(SupervisionClass::Ordinary);
        let book = RuleBook::builtin();
        let acts = [
            act(ActivityKind::Report(ReportMethod::Video), d(2024, 6, 4)),
            act(ActivityKind::Report(ReportMethod::InPerson), d(2024, 6, 12)),
            act(ActivityKind::Report(ReportMethod::Written), d(2024, 6, 19)),
        ];
        let obs = obligations_for_month(&facts, &acts, 2024, 6, d(2024, 7, 1), &book).unwrap();
        let statuses: Vec<_> = of(&obs, K::PhoneReport).iter().map(|o| o.status).collect();
        assert_eq!(statuses, vec![S::Overdue, S::Done, S::Done, S::Overdue, S::Overdue]);
    }

    #[test]
    fn errors_are_precise() {
        let facts = probation(SupervisionClass::Strict);
        let book = RuleBook::builtin();
        assert_eq!(
            obligations_for_month(&facts, &[], 2024, 13, d(2024, 1, 1), &book),
            Err(ObligationError::InvalidMonth { year: 2024, month: 13 })
        );
        let mut bad = facts.clone();
        bad.term = r(d(2024, 2, 1), d(2024, 1, 1));
        assert!(matches!(
            obligations_for_month(&bad, &[], 2024, 1, d(2024, 1, 1), &book),
            Err(ObligationError::TermEndsBeforeStart { .. })
        ));
        let mut old = facts.clone();
        old.term = r(d(2019, 1, 1), d(2022, 1, 1));
        old.reported_on = Some(d(2019, 1, 5));
        old.judgment_effective = Some(d(2019, 1, 1));
        assert_eq!(
            obligations_for_month(&old, &[], 2019, 6, d(2024, 1, 1), &book),
            Err(ObligationError::NoRulePack { date: d(2019, 5, 27) })
        );
        // Deadlines from before the first pack are not judged; July 2020 works.
        let july = obligations_for_month(&old, &[], 2020, 7, d(2024, 1, 1), &book).unwrap();
        assert!(of(&july, K::FirstVisit).is_empty() && of(&july, K::IntakeReport).is_empty());
        assert!(!july.is_empty());
    }

    /// Helper for many subjects gives the same answers as one at a time.
    #[test]
    fn many_matches_single() {
        let book = province_a();
        let mut subjects = Vec::new();
        let mut acts = Vec::new();
        for i in 0..3000u32 {
            let class = SupervisionClass::ALL[(i % 3) as usize];
            let mut f = probation(class);
            if i % 7 == 0 {
                f.sentence_type = SentenceType::TemporaryOutside;
                f.medical_parole = true;
            }
            subjects.push((i, f));
            for k in 0..20u32 {
                let date = d(2024, 5, 1) + Days::new(u64::from((i + k * 3) % 61));
                let kind = [
                    ActivityKind::Report(ReportMethod::InPerson),
                    ActivityKind::Visit,
                    ActivityKind::Study,
                    ActivityKind::MedicalReexam,
                ][(k % 4) as usize];
                acts.push((i, mins(kind, date, 90)));
            }
        }
        acts.push((99_999, act(ActivityKind::Visit, d(2024, 6, 1)))); // unknown subject: ignored
        let many = obligations_for_month_many(&subjects, &acts, 2024, 6, d(2024, 6, 20), &book);
        assert_eq!(many.len(), 3000);
        for probe in [0u32, 1, 7, 2999] {
            let own: Vec<Activity> = acts.iter().filter(|(k, _)| *k == probe).map(|(_, a)| *a).collect();
            let single = obligations_for_month(&subjects[probe as usize].1, &own, 2024, 6, d(2024, 6, 20), &book);
            assert_eq!(many[probe as usize].1, single, "subject {probe}");
            assert!(single.unwrap().iter().any(|o| o.done > 0));
        }
    }

    #[test]
    fn covered_days_merges_overlaps() {
        let spans =
            [r(d(2024, 1, 1), d(2024, 1, 5)), r(d(2024, 1, 3), d(2024, 1, 8)), r(d(2024, 1, 20), d(2024, 2, 5))];
        assert_eq!(covered_days(&spans, r(d(2024, 1, 1), d(2024, 1, 31))), 8 + 12);
        assert_eq!(prorate_half_up(1, 4, 7), 1);
        assert_eq!(prorate_half_up(1, 3, 7), 0);
        assert_eq!(prorate_up(8, 1, 31), 1);
    }
}
