//! One read of everything the month and period views need, grouped by subject. Reading each
//! table once keeps the home page linear in the number of records (3,000 subjects, issue 3).

use std::collections::HashMap;

use chrono::NaiveDate;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::obligations::{Activity, ActivityKind};
use jiaowu_domain::{DateRange, SupervisionClass};
use jiaowu_store::*;

use crate::error::AppError;
use crate::Core;

pub(crate) struct Caseload {
    pub subjects: Vec<Subject>,
    pub activities: Vec<(SubjectId, Activity)>,
    pub visits: Vec<Visit>,
    pub talks: Vec<Talk>,
    pub it_checks: Vec<ItCheck>,
    pub attendance: Vec<(StudyAttendance, NaiveDate)>,
    pub participation: Vec<(ServiceParticipation, NaiveDate)>,
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

impl Core {
    pub(crate) fn caseload(&self) -> Result<Caseload, AppError> {
        self.caseload_scope(None)
    }

    /// The caseload restricted to one subject (the detail page).
    pub(crate) fn caseload_of(&self, s: &Subject) -> Result<Caseload, AppError> {
        self.caseload_scope(Some(s.id))
    }

    fn caseload_scope(&self, scope: Option<SubjectId>) -> Result<Caseload, AppError> {
        let st = &self.store;
        let reports: Vec<Report> = cur(st, scope)?;
        let visits: Vec<Visit> = cur(st, scope)?;
        let talks: Vec<Talk> = cur(st, scope)?;
        let it_checks: Vec<ItCheck> = cur(st, scope)?;
        let medical: Vec<MedicalReport> = cur(st, scope)?;
        let release: Vec<ReleaseStep> = cur(st, scope)?;
        let sessions: HashMap<RecordId, NaiveDate> =
            cur::<StudySession>(st, scope)?.into_iter().map(|s| (s.id, s.session_date)).collect();
        let activities_by_id: HashMap<RecordId, NaiveDate> =
            cur::<ServiceActivity>(st, scope)?.into_iter().map(|a| (a.id, a.activity_date)).collect();
        let attendance: Vec<(StudyAttendance, NaiveDate)> = cur::<StudyAttendance>(st, scope)?
            .into_iter()
            .filter_map(|a| sessions.get(&a.session_id).map(|d| (a.clone(), *d)))
            .collect();
        let participation: Vec<(ServiceParticipation, NaiveDate)> = cur::<ServiceParticipation>(st, scope)?
            .into_iter()
            .filter_map(|a| activities_by_id.get(&a.activity_id).map(|d| (a.clone(), *d)))
            .collect();

        let mut acts = Vec::with_capacity(reports.len() + visits.len() + talks.len() + attendance.len());
        let a = |kind, date, minutes| Activity { kind, date, minutes };
        acts.extend(reports.iter().map(|r| (r.subject_id, a(ActivityKind::Report(r.method), r.report_date, 0))));
        // Only visits where the subject was seen count toward the visit duty (domain.md §7.2).
        acts.extend(
            visits
                .iter()
                .filter(|v| v.subject_present)
                .map(|v| (v.subject_id, a(ActivityKind::Visit, v.visit_date, 0))),
        );
        acts.extend(talks.iter().map(|t| (t.subject_id, a(ActivityKind::Talk, t.talk_date, 0))));
        acts.extend(it_checks.iter().map(|c| (c.subject_id, a(ActivityKind::ItCheck, c.check_date, 0))));
        acts.extend(
            attendance
                .iter()
                .filter(|(l, _)| l.credited_minutes > 0)
                .map(|(l, d)| (l.subject_id, a(ActivityKind::Study, *d, l.credited_minutes))),
        );
        acts.extend(
            participation
                .iter()
                .filter(|(l, _)| l.credited_minutes > 0)
                .map(|(l, d)| (l.subject_id, a(ActivityKind::Service, *d, l.credited_minutes))),
        );
        acts.extend(medical.iter().map(|m| {
            let k = match m.kind {
                MedicalReportKind::HealthReport => ActivityKind::HealthReport,
                MedicalReportKind::Reexamination => ActivityKind::MedicalReexam,
            };
            (m.subject_id, a(k, m.report_date, 0))
        }));
        acts.extend(release.iter().filter_map(|r| {
            let k = match r.kind {
                ReleaseStepKind::PersonalSummary => ActivityKind::PersonalSummary,
                ReleaseStepKind::Appraisal => ActivityKind::ReleaseAppraisal,
                _ => return None,
            };
            Some((r.subject_id, a(k, r.done_on, 0)))
        }));

        Ok(Caseload {
            subjects: match scope {
                Some(id) => vec![st.subject(id)?],
                None => st.subjects()?,
            },
            activities: acts,
            visits,
            talks,
            it_checks,
            attendance,
            participation,
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
        let mut changes: Vec<(NaiveDate, &ClassChange)> = self
            .class_changes
            .iter()
            .filter(|c| c.subject_id == s.id)
            .filter_map(|c| self.approved(DecisionTarget::ClassChanges, c.id).map(|d| (d.decision_date, c)))
            .collect();
        changes.sort_by_key(|(d, _)| *d);
        let Some((_, first)) = changes.first() else { return Vec::new() };
        let mut h = vec![(s.term_start, first.old_class)];
        h.extend(changes.iter().map(|(d, c)| (*d, c.new_class)));
        h
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
