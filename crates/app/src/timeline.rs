//! A subject's file as the detail page shows it: every record in date order, corrections with
//! what they replaced, and a twelve-month compliance summary.

use chrono::{Datelike, NaiveDate};
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::obligations::{self, ObligationStatus};
use jiaowu_store::*;
use serde::Serialize;

use crate::error::AppError;
use crate::records::{Checked, RecordKind};
use crate::{zh, Core};

#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    /// A `RecordKind` in snake_case, or `leave_request`, `leave_event`, `study_attendance`,
    /// `service_participation` (entered through their own forms).
    pub kind: String,
    pub kind_label: &'static str,
    /// Whether "correct this record" applies (`correct_record` with `kind`).
    pub correctable: bool,
    pub id: RecordId,
    pub date: NaiveDate,
    pub summary: String,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    pub supersedes: Option<RecordId>,
    pub correction_reason: Option<String>,
    /// The record that replaced this one, if it was corrected.
    pub superseded_by: Option<RecordId>,
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComplianceSummary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Decided 训诫 and 警告 in the window (实施办法 Arts 34–35).
    pub admonitions: usize,
    pub warnings: usize,
    /// Duties of past months left overdue or short.
    pub missed_duties: usize,
    pub missed_by_kind: Vec<(String, usize)>,
    /// Days of approved leave starting in the window.
    pub leave_days: u32,
}

/// The text that best sums up a record, from the first descriptive field present.
fn summary_of(v: &serde_json::Value) -> String {
    const FIELDS: [&str; 13] = [
        "findings",
        "content",
        "summary",
        "result",
        "facts",
        "reason",
        "description",
        "measures",
        "member_name",
        "destination",
        "detail",
        "destination_detail",
        "note",
    ];
    let text = FIELDS.iter().find_map(|f| v.get(f).and_then(|x| x.as_str()).filter(|s| !s.trim().is_empty()));
    let t = text.unwrap_or("");
    let mut out: String = t.chars().take(80).collect();
    if t.chars().count() > 80 {
        out.push('…');
    }
    out
}

impl Core {
    /// Every record of one subject, newest first; corrected records stay, marked.
    pub fn subject_timeline(&self, subject: SubjectId) -> Result<Vec<TimelineEntry>, AppError> {
        self.subject_in_office(subject)?;
        let names = self.store.staff_names()?;
        let mut out: Vec<TimelineEntry> = Vec::new();
        let mut push = |kind: String, label, correctable, r: &dyn ErasedRecord, date: NaiveDate| {
            let rec = r.recorded();
            let data = r.json();
            out.push(TimelineEntry {
                kind,
                kind_label: label,
                correctable,
                id: r.id(),
                date,
                summary: summary_of(&data),
                recorded_by: names.get(&rec.recorded_by).cloned().unwrap_or_else(|| rec.recorded_by.clone()),
                recorded_at: rec.recorded_at,
                supersedes: rec.supersedes,
                correction_reason: rec.correction_reason.clone(),
                superseded_by: None,
                data,
            });
        };
        macro_rules! kind {
            ($t:ty, $k:expr) => {{
                for r in self.store.records_of::<$t>(subject)? {
                    let date = <$t as Checked>::date(&r.to_input())
                        .map(|(_, d)| d)
                        .unwrap_or(Record::recorded(&r).recorded_at.date_naive());
                    let k = $k;
                    push(
                        serde_json::to_value(k).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                        zh::record_kind(k),
                        k != RecordKind::SubjectEvent,
                        &r,
                        date,
                    );
                }
            }};
        }
        kind!(Visit, RecordKind::Visit);
        kind!(Report, RecordKind::Report);
        kind!(ItCheck, RecordKind::ItCheck);
        kind!(Talk, RecordKind::Talk);
        kind!(MedicalReport, RecordKind::MedicalReport);
        kind!(TeamMember, RecordKind::TeamMember);
        kind!(CorrectionPlan, RecordKind::CorrectionPlan);
        kind!(Assessment, RecordKind::Assessment);
        kind!(ReleaseStep, RecordKind::ReleaseStep);
        kind!(LedgerEntry, RecordKind::LedgerEntry);
        kind!(Counselling, RecordKind::Counselling);
        kind!(HelpRecord, RecordKind::Help);
        kind!(Sanction, RecordKind::Sanction);
        kind!(ClassChange, RecordKind::ClassChange);
        kind!(PlaceChange, RecordKind::PlaceChange);
        kind!(TravelPermit, RecordKind::TravelPermit);
        kind!(TravelTrip, RecordKind::TravelTrip);
        kind!(LostContactEpisode, RecordKind::LostContactEpisode);
        kind!(LostContactStep, RecordKind::LostContactStep);
        kind!(Hazard, RecordKind::Hazard);
        kind!(SubjectEvent, RecordKind::SubjectEvent);
        for r in self.store.records_of::<LeaveRequest>(subject)? {
            push("leave_request".into(), zh::TIMELINE_LEAVE, false, &r, r.applied_on);
        }
        for r in self.store.records_of::<LeaveEvent>(subject)? {
            push("leave_event".into(), zh::TIMELINE_LEAVE_EVENT, false, &r, r.event_date);
        }
        for r in self.store.records_of::<Decision>(subject)? {
            push("decision".into(), zh::TIMELINE_DECISION, false, &r, r.decision_date);
        }
        for r in self.store.records_of::<StudyAttendance>(subject)? {
            let date = self.store.record::<StudySession>(r.session_id).map(|(s, _)| s.session_date)?;
            push("study_attendance".into(), zh::TIMELINE_STUDY, false, &r, date);
        }
        for r in self.store.records_of::<ServiceParticipation>(subject)? {
            let date = self.store.record::<ServiceActivity>(r.activity_id).map(|(s, _)| s.activity_date)?;
            push("service_participation".into(), zh::TIMELINE_SERVICE, false, &r, date);
        }
        let replaced: std::collections::HashMap<RecordId, RecordId> =
            out.iter().filter_map(|e| e.supersedes.map(|old| (old, e.id))).collect();
        for e in &mut out {
            e.superseded_by = replaced.get(&e.id).copied();
        }
        out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| b.recorded_at.cmp(&a.recorded_at)));
        Ok(out)
    }

    /// The last twelve months in figures: sanctions decided, duties missed, leave days.
    pub fn compliance_summary(&self, subject: SubjectId) -> Result<ComplianceSummary, AppError> {
        let s = self.subject_in_office(subject)?;
        let today = self.today();
        let from = jiaowu_domain::calendar::add_months(today, -12) + chrono::Duration::days(1);
        let c = self.caseload_of(&s)?;
        let in_window = |d: NaiveDate| d >= from && d <= today;
        let decided = |kind: SanctionKind| {
            c.sanctions
                .iter()
                .filter(|x| x.kind == kind)
                .filter_map(|x| c.approved(DecisionTarget::Sanctions, x.id))
                .filter(|d| in_window(d.decision_date))
                .count()
        };
        let facts = vec![(s.id, self.facts(&c, &s, today))];
        let mut missed: std::collections::BTreeMap<String, usize> = Default::default();
        // Whole months before the current one: the current month is still running.
        let mut month = jiaowu_domain::calendar::add_months(today.with_day(1).unwrap_or(today), -12);
        while month < today.with_day(1).unwrap_or(today) {
            for (_, res) in obligations::obligations_for_month_many(
                &facts,
                &c.activities,
                month.year(),
                month.month(),
                today,
                &self.rules,
            ) {
                for o in res.unwrap_or_default() {
                    if matches!(o.status, ObligationStatus::Overdue | ObligationStatus::Shortfall) {
                        *missed.entry(o.kind.label_zh().to_string()).or_default() += 1;
                    }
                }
            }
            month = jiaowu_domain::calendar::add_months(month, 1);
        }
        let leave_days = c
            .leaves
            .iter()
            .filter(|l| in_window(l.leave.start_date))
            .filter(|l| {
                !matches!(
                    l.state,
                    jiaowu_domain::leave::LeaveState::Rejected { .. }
                        | jiaowu_domain::leave::LeaveState::Cancelled
                        | jiaowu_domain::leave::LeaveState::Submitted
                        | jiaowu_domain::leave::LeaveState::AwaitingCounty
                        | jiaowu_domain::leave::LeaveState::AwaitingHigher
                        | jiaowu_domain::leave::LeaveState::Draft
                )
            })
            .map(|l| l.leave.days)
            .sum();
        Ok(ComplianceSummary {
            from,
            to: today,
            admonitions: decided(SanctionKind::Admonition),
            warnings: decided(SanctionKind::Warning),
            missed_duties: missed.values().sum(),
            missed_by_kind: missed.into_iter().collect(),
            leave_days,
        })
    }
}

/// What the timeline needs from any record, object-safe.
trait ErasedRecord {
    fn id(&self) -> RecordId;
    fn recorded(&self) -> &Recorded;
    fn json(&self) -> serde_json::Value;
}

impl<R: Record> ErasedRecord for R {
    fn id(&self) -> RecordId {
        Record::id(self)
    }
    fn recorded(&self) -> &Recorded {
        Record::recorded(self)
    }
    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}
