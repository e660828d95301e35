//! 工作台: what the office must do now, from one read of the caseload. Duties of the month by
//! urgency, leaves under way, what waits for the county, the sanction advisor's alerts and the
//! legal deadline clocks, and the state of sync.

use chrono::{Datelike, NaiveDate};
use jiaowu_domain::calendar::statutory_deadline;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::leave::LeaveState;
use jiaowu_domain::obligations::{self, ObligationKind, ObligationStatus};
use jiaowu_domain::sanction::Suggestion;
use jiaowu_domain::{SentenceType, SubjectStatus};
use jiaowu_store::*;
use serde::Serialize;

use crate::advice::AdviceView;
use crate::caseload::Caseload;
use crate::error::AppError;
use crate::obligations::ObligationView;
use crate::{zh, Core};

/// How many duties of each group the home page lists. It is a triage list: a 3,000-subject office
/// has ~9,000 open duties in a month (5.6 MB of JSON, seconds to send to the webview); the full
/// month is in the subject list's "本月有未完成事项" filter and each subject's page.
pub const HOME_LIST_LIMIT: usize = 100;

/// One open duty with the form that discharges it.
#[derive(Debug, Clone, Serialize)]
pub struct DutyItem {
    pub subject_id: SubjectId,
    pub name: String,
    pub id_number_masked: String,
    pub obligation: ObligationView,
    /// Days from today to the due date (negative when past).
    pub days_left: i64,
    /// The form to open: `visit`, `report`, `talk`, `it_check`, `study`, `service`,
    /// `medical_report`, `subject_event`, `release_step`.
    pub action: &'static str,
    /// Fields to prefill in that form.
    pub prefill: serde_json::Value,
}

/// A leave the office must watch.
#[derive(Debug, Clone, Serialize)]
pub struct LeaveLine {
    pub leave_id: RecordId,
    pub subject_id: SubjectId,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub due_back: NaiveDate,
    pub days: u32,
    pub destination: String,
    pub state_label: String,
    pub days_overdue: Option<i64>,
}

/// Something the office proposed and the county (or the level above) has not decided yet.
#[derive(Debug, Clone, Serialize)]
pub struct PendingItem {
    /// `leave`, `sanction`, `class_change`, `travel_permit`.
    pub kind: &'static str,
    pub id: RecordId,
    pub subject_id: SubjectId,
    pub name: String,
    pub what: String,
    pub since: NaiveDate,
    pub waiting_days: i64,
}

/// A running legal deadline.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineClock {
    pub subject_id: SubjectId,
    pub name: String,
    pub what: String,
    pub deadline: Option<NaiveDate>,
    /// Days left until the deadline, or days elapsed for a running episode (negative).
    pub days: i64,
    pub basis: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct SyncStatusView {
    pub connected: bool,
    pub label: String,
    pub pending_ops: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    pub today: NaiveDate,
    pub year: i32,
    pub month: u32,
    pub on_register: usize,
    /// The most urgent duties of each group, at most `HOME_LIST_LIMIT`; the totals count all.
    pub overdue: Vec<DutyItem>,
    pub due_this_week: Vec<DutyItem>,
    pub due_this_month: Vec<DutyItem>,
    pub overdue_total: usize,
    pub due_this_week_total: usize,
    pub due_this_month_total: usize,
    pub done_this_month: usize,
    pub leaves_under_way: Vec<LeaveLine>,
    pub overdue_returns: Vec<LeaveLine>,
    pub awaiting_decision: Vec<PendingItem>,
    pub alerts: Vec<AdviceView>,
    pub clocks: Vec<DeadlineClock>,
    pub sync: SyncStatusView,
}

/// The form that discharges a duty, with its prefill.
fn action_for(kind: ObligationKind) -> (&'static str, serde_json::Value) {
    use serde_json::json;
    use ObligationKind as K;
    match kind {
        K::Visit | K::FirstVisit => ("visit", json!({})),
        K::PhoneReport => ("report", json!({ "method": "phone" })),
        K::InPersonReport => ("report", json!({ "method": "in_person" })),
        K::WrittenReport => ("report", json!({ "method": "written" })),
        K::HealthReport => ("medical_report", json!({})),
        K::MedicalReexam => ("medical_report", json!({})),
        K::Talk => ("talk", json!({})),
        K::ItCheck => ("it_check", json!({})),
        K::StudyHours => ("study", json!({})),
        K::ServiceHours => ("service", json!({})),
        K::IntakeReport => ("subject_event", json!({ "kind": "reported" })),
        K::ReleaseSummary => ("release_step", json!({ "kind": "personal_summary" })),
        K::ReleaseAppraisal => ("release_step", json!({ "kind": "appraisal" })),
    }
}

fn leave_line(l: &crate::leave::LeaveView) -> LeaveLine {
    LeaveLine {
        leave_id: l.leave.id,
        subject_id: l.leave.subject_id,
        name: l.subject_name.clone(),
        start_date: l.leave.start_date,
        end_date: l.leave.end_date,
        due_back: l.due_back,
        days: l.leave.days,
        destination: l.leave.destination_detail.clone(),
        state_label: l.state_label.clone(),
        days_overdue: l.days_overdue,
    }
}

impl Core {
    /// The home page for today.
    pub fn home(&self) -> Result<HomeView, AppError> {
        self.home_listing(HOME_LIST_LIMIT)
    }

    fn home_listing(&self, limit: usize) -> Result<HomeView, AppError> {
        let today = self.today();
        let c = self.caseload()?;
        let on_register: Vec<&Subject> = c.subjects.iter().filter(|s| s.status.on_register()).collect();
        let mut v = HomeView {
            today,
            year: today.year(),
            month: today.month(),
            on_register: on_register.len(),
            overdue: Vec::new(),
            due_this_week: Vec::new(),
            due_this_month: Vec::new(),
            overdue_total: 0,
            due_this_week_total: 0,
            due_this_month_total: 0,
            done_this_month: 0,
            leaves_under_way: Vec::new(),
            overdue_returns: Vec::new(),
            awaiting_decision: Vec::new(),
            alerts: Vec::new(),
            clocks: Vec::new(),
            sync: {
                let s = self.sync_status()?;
                SyncStatusView {
                    connected: s.enrolled,
                    label: match (s.enrolled, s.last_sync) {
                        (false, _) => zh::SYNC_NOT_CONNECTED.into(),
                        (true, None) => zh::SYNC_NEVER.into(),
                        (true, Some(t)) => zh::sync_last(&t),
                    },
                    pending_ops: s.waiting,
                }
            },
        };
        self.home_duties(&c, &on_register, &mut v, limit)?;
        for l in &c.leaves {
            match l.state {
                _ if l.days_overdue.is_some() => v.overdue_returns.push(leave_line(l)),
                LeaveState::OnLeave { .. } | LeaveState::ExtensionPending { .. } | LeaveState::Recalled { .. } => {
                    v.leaves_under_way.push(leave_line(l))
                }
                _ => {}
            }
        }
        self.home_pending(&c, &mut v);
        for s in &on_register {
            let a = self.advice_for(&c, s, None)?;
            if a.advice.suggestion != Suggestion::None {
                v.alerts.push(a);
            }
        }
        self.home_clocks(&c, &on_register, &mut v);
        Ok(v)
    }

    fn home_duties(&self, c: &Caseload, subjects: &[&Subject], v: &mut HomeView, limit: usize) -> Result<(), AppError> {
        let today = self.today();
        let facts: Vec<_> = subjects.iter().map(|s| (s.id, self.facts(c, s, today))).collect();
        let results =
            obligations::obligations_for_month_many(&facts, &c.activities, v.year, v.month, today, &self.rules);
        let week_end = today + chrono::Duration::days(6);
        let mut groups: [Vec<(&obligations::Obligation, &Subject)>; 3] = Default::default();
        let mut lists = Vec::with_capacity(results.len());
        for ((_, res), s) in results.into_iter().zip(subjects) {
            lists.push((res.map_err(|e| AppError::refused("month", "obligations.rules", e.to_string()))?, *s));
        }
        for (list, s) in &lists {
            for o in list {
                match o.status {
                    ObligationStatus::Overdue | ObligationStatus::Shortfall => groups[0].push((o, s)),
                    ObligationStatus::Due if o.due <= week_end => groups[1].push((o, s)),
                    ObligationStatus::Due => groups[2].push((o, s)),
                    ObligationStatus::Done | ObligationStatus::DoneLate => v.done_this_month += 1,
                    ObligationStatus::Exempt => {}
                }
            }
        }
        let totals = groups.each_ref().map(Vec::len);
        (v.overdue_total, v.due_this_week_total, v.due_this_month_total) = (totals[0], totals[1], totals[2]);
        let [overdue, week, month] = groups;
        for (group, out) in [(overdue, &mut v.overdue), (week, &mut v.due_this_week), (month, &mut v.due_this_month)] {
            let mut group = group;
            // Earliest due first: the longest overdue lead the list.
            group.sort_by(|(a, sa), (b, sb)| a.due.cmp(&b.due).then_with(|| sa.name.cmp(&sb.name)));
            out.extend(group.into_iter().take(limit).map(|(o, s)| {
                let (action, prefill) = action_for(o.kind);
                DutyItem {
                    subject_id: s.id,
                    name: s.name.clone(),
                    id_number_masked: jiaowu_domain::id_number::mask(&s.id_number),
                    obligation: crate::obligations::view(o),
                    days_left: (o.due - today).num_days(),
                    action,
                    prefill,
                }
            }));
        }
        Ok(())
    }

    fn home_pending(&self, c: &Caseload, v: &mut HomeView) {
        let today = self.today();
        let names: std::collections::HashMap<SubjectId, &str> =
            c.subjects.iter().map(|s| (s.id, s.name.as_str())).collect();
        let name = |id: SubjectId| names.get(&id).map(|n| n.to_string()).unwrap_or_default();
        let mut push = |kind, id, subject_id, what: String, since: NaiveDate| {
            v.awaiting_decision.push(PendingItem {
                kind,
                id,
                subject_id,
                name: name(subject_id),
                what,
                since,
                waiting_days: (today - since).num_days(),
            })
        };
        for l in &c.leaves {
            // Only requests the office has sent up; a submitted one still waits for the office itself.
            if matches!(l.state, LeaveState::AwaitingCounty | LeaveState::AwaitingHigher) {
                let what = zh::pending_leave(l.leave.days, &l.state_label);
                push("leave", l.leave.id, l.leave.subject_id, what, l.leave.applied_on);
            }
        }
        let decided = |id: RecordId| c.decisions.iter().any(|d| d.target_id == id);
        for x in c.sanctions.iter().filter(|x| !decided(x.id)) {
            push("sanction", x.id, x.subject_id, zh::pending_sanction(zh::sanction_kind(x.kind)), x.proposed_on);
        }
        for x in c.class_changes.iter().filter(|x| !decided(x.id)) {
            let what = zh::pending_class_change(zh::class(x.old_class), zh::class(x.new_class));
            push("class_change", x.id, x.subject_id, what, x.proposed_on);
        }
        for x in c.travel_permits.iter().filter(|x| !decided(x.id)) {
            push("travel_permit", x.id, x.subject_id, zh::PENDING_PERMIT.into(), x.applied_on);
        }
        v.awaiting_decision.sort_by_key(|p| p.since);
    }

    fn home_clocks(&self, c: &Caseload, subjects: &[&Subject], v: &mut HomeView) {
        let today = self.today();
        for s in subjects {
            // 报到 within 10 days of the judgment taking effect (社区矫正法 Art 21).
            if s.status == SubjectStatus::PendingIntake && s.sentence_type != SentenceType::TemporaryOutside {
                if let Some(j) = s.judgment_effective {
                    let days = self.rules.pack_for(j).map(|p| p.intake.report_days).unwrap_or(10);
                    let deadline = statutory_deadline(j, days, &self.calendar);
                    v.clocks.push(DeadlineClock {
                        subject_id: s.id,
                        name: s.name.clone(),
                        what: zh::CLOCK_INTAKE.into(),
                        deadline: Some(deadline),
                        days: (deadline - today).num_days(),
                        basis: zh::BASIS_INTAKE,
                    });
                }
            }
            // 失联: days since last contact, which decide the sanction path (实施办法 Art 38, 46–47).
            if s.status == SubjectStatus::LostContact {
                if let Some(e) = c.lost_contact.iter().filter(|e| e.subject_id == s.id).max_by_key(|e| e.started_on) {
                    let from = e.last_contact_on.unwrap_or(e.started_on);
                    v.clocks.push(DeadlineClock {
                        subject_id: s.id,
                        name: s.name.clone(),
                        what: zh::clock_lost(&from.to_string()),
                        deadline: None,
                        days: -(today - from).num_days(),
                        basis: zh::BASIS_LOST,
                    });
                }
            }
            // Release procedures start 30 days before expiry (domain.md §15.1; 社区矫正法 Art 44).
            let left = (s.term_end - today).num_days();
            if (0..=30).contains(&left) {
                v.clocks.push(DeadlineClock {
                    subject_id: s.id,
                    name: s.name.clone(),
                    what: zh::CLOCK_RELEASE.into(),
                    deadline: Some(s.term_end),
                    days: left,
                    basis: zh::BASIS_RELEASE,
                });
            }
        }
        v.clocks.sort_by_key(|k| k.days);
    }
}

#[cfg(test)]
mod tests {
    use crate::demo::DemoSpec;
    use crate::testing::{day, office};

    /// The lists stop at the limit, keep the longest overdue first, and the totals still count
    /// every open duty (the figures at the top of the page).
    #[test]
    fn the_home_lists_are_capped_but_the_totals_count_everything() {
        let dir = tempfile::tempdir().unwrap();
        let mut core = office(dir.path(), day(2026, 11, 23), true);
        core.seed_demo(&DemoSpec { seed: 11, subjects: 20, years: 1 }).unwrap();
        let all = core.home_listing(usize::MAX).unwrap();
        let capped = core.home_listing(2).unwrap();
        assert!(all.overdue.len() > 2 && all.due_this_month.len() > 2, "enough duties to cap: {}", all.overdue.len());
        for (full, cut, total) in [
            (&all.overdue, &capped.overdue, capped.overdue_total),
            (&all.due_this_week, &capped.due_this_week, capped.due_this_week_total),
            (&all.due_this_month, &capped.due_this_month, capped.due_this_month_total),
        ] {
            assert_eq!(total, full.len());
            assert_eq!(cut.len(), full.len().min(2));
            let due =
                |v: &Vec<super::DutyItem>| v.iter().map(|d| (d.subject_id, d.obligation.kind)).collect::<Vec<_>>();
            assert_eq!(due(cut), due(full)[..cut.len()].to_vec(), "the most urgent come first");
        }
        assert_eq!(capped.done_this_month, all.done_this_month);
    }
}
