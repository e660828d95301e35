//! Everything the month and period views need: the activities from the session's index, the
//! small tables read whole. One pass per table keeps the home page linear in the records.

use chrono::NaiveDate;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::obligations::{Activity, ActivityKind};
use jiaowu_domain::{DateRange, SupervisionClass};
use jiaowu_store::*;

use crate::activity_index::Dated;
use crate::error::AppError;
use crate::Core;

pub(crate) struct Caseload {
    pub subjects: Vec<Subject>,
    /// What each subject did that counts toward a duty.
    pub activities: Vec<(SubjectId, Activity)>,
    /// Every activity in force, as the ledger counts them (visits without the subject too).
    pub dated: Vec<Dated>,
    pub subject_events: Vec<SubjectEvent>,
    pub sanctions: Vec<Sanction>,
    pub decisions: Vec<Decision>,
    pub class_changes: Vec<ClassChange>,
    pub travel_permits: Vec<TravelPermit>,
    pub lost_contact: Vec<LostContactEpisode>,
    pub lost_steps: Vec<LostContactStep>,
    pub plans: Vec<CorrectionPlan>,
    pub leaves: Vec<crate::leave::LeaveView>,
}

/// Current (not superseded) records of the whole office, or of one subject.
fn cur<R: Record>(store: &Store, scope: Option<SubjectId>) -> Result<Vec<R>, AppError> {
    let all = match scope {
        Some(id) if R::SELECT_BY_SUBJECT.is_some() => store.records_of::<R>(id)?,
        _ => store.all_records::<R>()?,
    };
    Ok(queries::current(all))
}

/// How an activity row counts toward duties (None: it does not).
fn counted(d: &Dated) -> Option<Activity> {
    let kind = match d.detail {
        ActivityDetail::Report(m) => ActivityKind::Report(m),
        // Only visits where the subject was seen count toward the visit duty (domain.md §7.2).
        ActivityDetail::Visit { subject_present } => subject_present.then_some(ActivityKind::Visit)?,
        ActivityDetail::Talk => ActivityKind::Talk,
        ActivityDetail::ItCheck => ActivityKind::ItCheck,
        ActivityDetail::Study { .. } if d.minutes > 0 => ActivityKind::Study,
        ActivityDetail::Service { .. } if d.minutes > 0 => ActivityKind::Service,
        ActivityDetail::Medical(MedicalReportKind::HealthReport) => ActivityKind::HealthReport,
        ActivityDetail::Medical(MedicalReportKind::Reexamination) => ActivityKind::MedicalReexam,
        ActivityDetail::Release(ReleaseStepKind::PersonalSummary) => ActivityKind::PersonalSummary,
        ActivityDetail::Release(ReleaseStepKind::Appraisal) => ActivityKind::ReleaseAppraisal,
        _ => return None,
    };
    Some(Activity { kind, date: d.date, minutes: d.minutes })
}

impl Core {
    pub(crate) fn caseload(&self) -> Result<Caseload, AppError> {
        self.caseload_scope(None)
    }

    /// The caseload restricted to one subject (the detail page).
    pub(crate) fn caseload_of(&self, s: &Subject) -> Result<Caseload, AppError> {
        self.caseload_scope(Some(s.id))
    }

    /// Activities come from the session's index (rows added since the last call are read, the
    /// rest is kept); the other tables are small and read whole.
    fn caseload_scope(&self, scope: Option<SubjectId>) -> Result<Caseload, AppError> {
        let st = &self.store;
        let dated = {
            let mut index = self.activity_index.lock().unwrap_or_else(|p| p.into_inner());
            index.refresh(st)?;
            index.dated(scope)
        };
        Ok(Caseload {
            subjects: match scope {
                Some(id) => vec![st.subject(id)?],
                // A subject the county moved to another office is kept here as an archive only:
                // no duties, not on this office's register (protocol §6 `scope_exit`).
                None => {
                    let exited = self.exited()?;
                    st.subjects()?.into_iter().filter(|s| !exited.contains(&s.id.to_string())).collect()
                }
            },
            activities: dated.iter().filter_map(|d| counted(d).map(|a| (d.subject, a))).collect(),
            dated,
            subject_events: cur(st, scope)?,
            sanctions: cur(st, scope)?,
            decisions: cur(st, scope)?,
            class_changes: cur(st, scope)?,
            travel_permits: cur(st, scope)?,
            lost_contact: cur(st, scope)?,
            lost_steps: cur(st, scope)?,
            plans: cur(st, scope)?,
            leaves: self.list_leaves(scope)?,
        })
    }
}

impl Caseload {
    pub fn approved(&self, target: DecisionTarget, id: RecordId) -> Option<&Decision> {
        self.decisions.iter().find(|d| d.target_table == target && d.target_id == id && d.approve)
    }

    /// Class changes the county approved: `(from date, class)`, oldest first, starting with the
    /// class the subject had before the first change.
    pub fn class_history(&self, s: &Subject) -> Vec<(NaiveDate, SupervisionClass)> {
        class_history(s, &self.class_changes, &self.decisions)
    }

    /// Periods in custody from 羁押/羁押结束 events (社区矫正法 Art 32).
    pub fn custody(&self, s: &Subject, today: NaiveDate) -> Vec<DateRange> {
        let mut evs: Vec<&SubjectEvent> = self.subject_events.iter().filter(|e| e.subject_id == s.id).collect();
        evs.sort_by_key(|e| e.event_date);
        let mut out = Vec::new();
        let mut open: Option<NaiveDate> = None;
        for e in evs {
            match e.kind {
                SubjectEventKind::Detained => open = Some(e.event_date),
                SubjectEventKind::DetentionEnded => {
                    if let Some(st) = open.take() {
                        out.push(DateRange::new(st, e.event_date));
                    }
                }
                _ => {}
            }
        }
        if let Some(st) = open {
            out.push(DateRange::new(st, today.max(st)));
        }
        out
    }

    /// Approved leave periods (as approved, with approved extensions).
    pub fn leave_ranges(&self, s: SubjectId) -> Vec<DateRange> {
        use jiaowu_domain::leave::LeaveState as L;
        self.leaves
            .iter()
            .filter(|l| l.leave.subject_id == s)
            .filter(|l| {
                matches!(
                    l.state,
                    L::Approved { .. }
                        | L::CertificateIssued
                        | L::OnLeave { .. }
                        | L::ExtensionPending { .. }
                        | L::Recalled { .. }
                        | L::Returned { .. }
                        | L::ReturnedLate { .. }
                )
            })
            .map(|l| DateRange::new(l.leave.start_date, l.due_back.max(l.leave.start_date)))
            .collect()
    }
}

/// Class changes the county approved among `changes` and `decisions`: `(from date, class)`,
/// oldest first, starting with the class the subject had before the first change.
pub(crate) fn class_history(
    s: &Subject,
    changes: &[ClassChange],
    decisions: &[Decision],
) -> Vec<(NaiveDate, SupervisionClass)> {
    let approved = |id| {
        decisions.iter().find(|d| d.target_table == DecisionTarget::ClassChanges && d.target_id == id && d.approve)
    };
    let mut changes: Vec<(NaiveDate, &ClassChange)> = changes
        .iter()
        .filter(|c| c.subject_id == s.id)
        .filter_map(|c| approved(c.id).map(|d| (d.decision_date, c)))
        .collect();
    changes.sort_by_key(|(d, _)| *d);
    let Some((_, first)) = changes.first() else { return Vec::new() };
    let mut h = vec![(s.term_start, first.old_class)];
    h.extend(changes.iter().map(|(d, c)| (*d, c.new_class)));
    h
}
