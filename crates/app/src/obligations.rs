//! 本月应办: every duty of every subject for a month, with status and legal source.

use chrono::{Datelike, NaiveDate};
use jiaowu_domain::ids::SubjectId;
use jiaowu_domain::obligations::{self, Obligation, ObligationKind, ObligationStatus, PlanOverrides, SubjectFacts};
use jiaowu_domain::DateRange;
use serde::{Deserialize, Serialize};

use crate::caseload::Caseload;
use crate::error::AppError;
use crate::{zh, Core};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObligationsQuery {
    /// `YYYY-MM`; the current month when omitted.
    #[serde(default)]
    pub month: Option<String>,
    /// One subject only.
    #[serde(default)]
    pub subject_id: Option<SubjectId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObligationView {
    pub kind: ObligationKind,
    pub label: String,
    pub window: DateRange,
    pub due: NaiveDate,
    pub required: u32,
    pub done: u32,
    /// "次" or "小时".
    pub unit_label: &'static str,
    /// Required and done in display units (hours for study/service).
    pub required_display: String,
    pub done_display: String,
    pub status: ObligationStatus,
    pub status_label: &'static str,
    pub basis: String,
    pub pack_id: String,
    pub prorated: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubjectObligations {
    pub subject_id: SubjectId,
    pub name: String,
    pub id_number_masked: String,
    pub class_label: &'static str,
    pub sentence_type_label: &'static str,
    pub obligations: Vec<ObligationView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthObligations {
    pub year: i32,
    pub month: u32,
    pub today: NaiveDate,
    pub subjects: Vec<SubjectObligations>,
    pub overdue: usize,
    pub shortfall: usize,
    pub due: usize,
    pub done: usize,
}

pub(crate) fn view(o: &Obligation) -> ObligationView {
    let hours = o.unit == obligations::Unit::Minutes;
    let fmt = |m: u32| if hours { zh::hours(m) } else { m.to_string() };
    ObligationView {
        kind: o.kind,
        label: o.kind.label_zh().to_string(),
        window: o.window,
        due: o.due,
        required: o.required,
        done: o.done,
        unit_label: if hours { "小时" } else { "次" },
        required_display: fmt(o.required),
        done_display: fmt(o.done),
        status: o.status,
        status_label: zh::obligation_status(o.status),
        basis: zh::basis_for_staff(&o.basis),
        pack_id: o.pack_id.clone(),
        prorated: o.prorated,
    }
}

pub fn parse_month(s: Option<&str>, today: NaiveDate) -> Result<(i32, u32), AppError> {
    match s {
        None => Ok((today.year(), today.month())),
        Some(t) => {
            let bad = || AppError::invalid("month", "month.format", zh::bad_month(t));
            let (y, m) = t.trim().split_once('-').ok_or_else(bad)?;
            let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            if !(1..=12).contains(&m) || !(2000..=2100).contains(&y) {
                return Err(bad());
            }
            Ok((y, m))
        }
    }
}

impl Core {
    pub(crate) fn facts(&self, c: &Caseload, s: &jiaowu_store::Subject, today: NaiveDate) -> SubjectFacts {
        let plan = c
            .plans
            .iter()
            .filter(|p| p.subject_id == s.id)
            .max_by_key(|p| p.plan_version)
            .and_then(|p| p.extra_duties.as_deref())
            .and_then(|j| serde_json::from_str::<PlanOverrides>(j).ok());
        SubjectFacts {
            sentence_type: s.sentence_type,
            class: s.class,
            class_history: c.class_history(s),
            term: DateRange::new(s.term_start, s.term_end),
            reported_on: s.reported_on,
            judgment_effective: s.judgment_effective,
            status: s.status,
            medical_parole: s.medical_parole,
            able_to_work: s.able_to_work,
            plan,
            leaves: c.leave_ranges(s.id),
            custody: c.custody(s, today),
        }
    }

    /// Every duty of the month for every subject on register (or one subject).
    pub fn month_obligations(&self, q: ObligationsQuery) -> Result<MonthObligations, AppError> {
        let today = self.today();
        let (year, month) = parse_month(q.month.as_deref(), today)?;
        let c = self.caseload()?;
        let subjects: Vec<&jiaowu_store::Subject> =
            c.subjects.iter().filter(|s| q.subject_id.is_none_or(|id| id == s.id)).collect();
        if let Some(id) = q.subject_id {
            if subjects.is_empty() {
                self.subject_in_office(id)?;
            }
        }
        let facts: Vec<(SubjectId, SubjectFacts)> = subjects.iter().map(|s| (s.id, self.facts(&c, s, today))).collect();
        let results = obligations::obligations_for_month_many(&facts, &c.activities, year, month, today, &self.rules);
        let mut out =
            MonthObligations { year, month, today, subjects: Vec::new(), overdue: 0, shortfall: 0, due: 0, done: 0 };
        for ((id, res), s) in results.into_iter().zip(subjects) {
            debug_assert_eq!(id, s.id);
            let list = res.map_err(|e| AppError::refused("month", "obligations.rules", e.to_string()))?;
            if list.is_empty() {
                continue;
            }
            for o in &list {
                match o.status {
                    ObligationStatus::Overdue => out.overdue += 1,
                    ObligationStatus::Shortfall => out.shortfall += 1,
                    ObligationStatus::Due => out.due += 1,
                    ObligationStatus::Done | ObligationStatus::DoneLate => out.done += 1,
                    ObligationStatus::Exempt => {}
                }
            }
            out.subjects.push(SubjectObligations {
                subject_id: s.id,
                name: s.name.clone(),
                id_number_masked: jiaowu_domain::id_number::mask(&s.id_number),
                class_label: zh::class(s.class),
                sentence_type_label: zh::sentence_type(s.sentence_type),
                obligations: list.iter().map(view).collect(),
            });
        }
        out.subjects.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
}
