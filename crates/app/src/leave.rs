//! 外出请假/销假: the leave lifecycle (社区矫正法 Art 27; 实施办法 Arts 26–28; domain.md §8).
//! Rules are in `jiaowu_domain::leave`; this module stores each step as an append-only event and
//! keeps a derived state for lists.

use std::collections::HashMap;

use chrono::NaiveDate;
use jiaowu_domain::ids::{LeaveId, RecordId, SubjectId};
use jiaowu_domain::leave::{
    self, Actor, Authority, Destination, LeaveAssessment, LeaveContext, LeaveEvent as DomainEvent, LeaveEventKind,
    LeaveFacts, LeaveReasonKind, LeaveRequestDraft, LeaveState, OtherLeave, OtherLeaveStatus,
};
use jiaowu_domain::{DateRange, ReportMethod, Role, SubjectStatus};
use jiaowu_store::leave_status::LeaveStatusRow;
use jiaowu_store::{queries, LeaveEvent, LeaveEventInput, LeaveRequest, LeaveRequestInput, Subject, WithInput};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorKind};
use crate::{zh, Core};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveForm {
    pub subject_id: SubjectId,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Day the written application was handed in; today when omitted.
    #[serde(default)]
    pub applied_on: Option<NaiveDate>,
    pub destination_code: String,
    pub destination_detail: String,
    /// The trip goes abroad (always refused: 出境入境管理法 Art 12).
    #[serde(default)]
    pub abroad: bool,
    #[serde(default)]
    pub destination_contact: Option<String>,
    pub reason_kind: LeaveReasonKind,
    pub reason_text: String,
    #[serde(default)]
    pub transport: Option<String>,
    #[serde(default)]
    pub urgent: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    pub warning: bool,
    pub message: String,
}

/// What the form shows live as dates change: days, who approves, totals, warnings.
#[derive(Debug, Clone, Serialize)]
pub struct LeaveAssessmentView {
    pub days: u32,
    pub authority: Authority,
    pub authority_label: &'static str,
    pub approver: String,
    pub cumulative_days: u32,
    pub cumulative_window: DateRange,
    pub notices: Vec<NoticeView>,
    pub assessment: LeaveAssessment,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeaveView {
    pub leave: LeaveRequest,
    pub subject_name: String,
    pub state: LeaveState,
    pub state_label: String,
    /// The day the subject must be back (approved end or last approved extension).
    pub due_back: NaiveDate,
    /// Days overdue when away past `due_back` without 销假 (domain.md §8.2 OVERDUE).
    pub days_overdue: Option<i64>,
    /// Who decides (or decided) it: the level assessed at submission, or the county when the
    /// office sent up a leave it was once entrusted with (实施办法 Art 27).
    pub decided_by: Authority,
    /// Waiting on the office, may the office decide it itself (实施办法 Art 27: entrusted, at
    /// most 7 days, within the two-month total)? Otherwise its step is the opinion for the
    /// county. The screen offers what this says, not its own reading of the rules.
    pub office_decides: bool,
    pub events: Vec<LeaveEvent>,
}

/// A step in the lifecycle, as the user enters it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveStepInput {
    pub leave_id: RecordId,
    pub step: LeaveStep,
    /// When the step happened, for decisions transcribed from paper days later; defaults to
    /// today. Steps that carry their own date (depart, return, recall) ignore it.
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LeaveStep {
    /// 司法所 decides under delegation (负责人).
    OfficeDecide {
        approve: bool,
        #[serde(default)]
        reason: String,
    },
    /// 司法所意见, passing the request to the county (负责人).
    OfficeOpinion {
        text: String,
    },
    /// A county decision received on paper, transcribed with its document number (负责人).
    CountyDecide {
        approve: bool,
        #[serde(default)]
        reason: String,
        doc_no: String,
    },
    /// The county sent the request up (transcribed).
    EscalateToHigher {
        doc_no: String,
    },
    /// The level above decided (transcribed).
    HigherDecide {
        approve: bool,
        #[serde(default)]
        reason: String,
        doc_no: String,
    },
    /// 外出证明 printed and handed over.
    IssueCertificate,
    Depart {
        date: NaiveDate,
    },
    RequestExtension {
        new_end: NaiveDate,
        reason: String,
    },
    /// Extension decided by the office (within delegation) or transcribed from the county.
    DecideExtension {
        approve: bool,
        by: Authority,
        #[serde(default)]
        doc_no: Option<String>,
    },
    /// 销假.
    Return {
        date: NaiveDate,
        method: ReportMethod,
        summary: String,
    },
    /// 责令返回.
    Recall {
        date: NaiveDate,
        reason: String,
    },
    Cancel {
        reason: String,
    },
}

fn leave_id(r: RecordId) -> LeaveId {
    LeaveId(r.0)
}

/// The stored columns of a domain event: kind, approve, new_end, method, note, own date.
type EventRow = (LeaveEventKind, Option<bool>, Option<NaiveDate>, Option<String>, Option<String>, Option<NaiveDate>);

/// The stored row of a domain event.
fn to_row(e: &DomainEvent) -> EventRow {
    match e {
        DomainEvent::Submit => (LeaveEventKind::Submit, None, None, None, None, None),
        DomainEvent::OfficeDecide { approve, reason } => {
            (LeaveEventKind::OfficeDecide, Some(*approve), None, None, Some(reason.clone()), None)
        }
        DomainEvent::OfficeOpinion { text } => {
            (LeaveEventKind::OfficeOpinion, None, None, None, Some(text.clone()), None)
        }
        DomainEvent::CountyDecide { approve, reason } => {
            (LeaveEventKind::CountyDecide, Some(*approve), None, None, Some(reason.clone()), None)
        }
        DomainEvent::EscalateToHigher => (LeaveEventKind::EscalateToHigher, None, None, None, None, None),
        DomainEvent::HigherDecide { approve, reason } => {
            (LeaveEventKind::HigherDecide, Some(*approve), None, None, Some(reason.clone()), None)
        }
        DomainEvent::IssueCertificate => (LeaveEventKind::IssueCertificate, None, None, None, None, None),
        DomainEvent::Depart { date } => (LeaveEventKind::Depart, None, None, None, None, Some(*date)),
        DomainEvent::RequestExtension { new_end } => {
            (LeaveEventKind::RequestExtension, None, Some(*new_end), None, None, None)
        }
        DomainEvent::DecideExtension { approve, .. } => {
            (LeaveEventKind::DecideExtension, Some(*approve), None, None, None, None)
        }
        DomainEvent::Return { date, verified_by_method, summary } => (
            LeaveEventKind::Return,
            None,
            None,
            serde_json::to_value(verified_by_method).ok().and_then(|v| v.as_str().map(str::to_owned)),
            Some(summary.clone()),
            Some(*date),
        ),
        DomainEvent::Recall { date, reason } => {
            (LeaveEventKind::Recall, None, None, None, Some(reason.clone()), Some(*date))
        }
        DomainEvent::Cancel { reason } => (LeaveEventKind::Cancel, None, None, None, Some(reason.clone()), None),
    }
}

fn from_row(r: &LeaveEvent) -> DomainEvent {
    let note = r.note.clone().unwrap_or_default();
    let approve = r.approve.unwrap_or(false);
    match r.kind {
        LeaveEventKind::Submit => DomainEvent::Submit,
        LeaveEventKind::OfficeDecide => DomainEvent::OfficeDecide { approve, reason: note },
        LeaveEventKind::OfficeOpinion => DomainEvent::OfficeOpinion { text: note },
        LeaveEventKind::CountyDecide => DomainEvent::CountyDecide { approve, reason: note },
        LeaveEventKind::EscalateToHigher => DomainEvent::EscalateToHigher,
        LeaveEventKind::HigherDecide => DomainEvent::HigherDecide { approve, reason: note },
        LeaveEventKind::IssueCertificate => DomainEvent::IssueCertificate,
        LeaveEventKind::Depart => DomainEvent::Depart { date: r.event_date },
        LeaveEventKind::RequestExtension => {
            DomainEvent::RequestExtension { new_end: r.new_end.unwrap_or(r.event_date) }
        }
        LeaveEventKind::DecideExtension => DomainEvent::DecideExtension { approve, by: r.actor_level },
        LeaveEventKind::Return => DomainEvent::Return {
            date: r.event_date,
            verified_by_method: r
                .method
                .as_deref()
                .and_then(|m| serde_json::from_value(serde_json::Value::String(m.into())).ok())
                .unwrap_or(ReportMethod::InPerson),
            summary: note,
        },
        LeaveEventKind::Recall => DomainEvent::Recall { date: r.event_date, reason: note },
        LeaveEventKind::Cancel => DomainEvent::Cancel { reason: note },
    }
}

fn actor_for(level: Authority, delegated: bool) -> Actor {
    match level {
        Authority::Office => Actor::Office { delegated },
        Authority::County => Actor::County,
        Authority::Higher => Actor::Higher,
    }
}

fn other_status(s: LeaveState) -> OtherLeaveStatus {
    match s {
        LeaveState::Draft | LeaveState::Submitted | LeaveState::AwaitingCounty | LeaveState::AwaitingHigher => {
            OtherLeaveStatus::Pending
        }
        LeaveState::Approved { .. } | LeaveState::CertificateIssued => OtherLeaveStatus::Approved,
        LeaveState::OnLeave { .. } | LeaveState::ExtensionPending { .. } | LeaveState::Recalled { .. } => {
            OtherLeaveStatus::OnLeave
        }
        LeaveState::Returned { .. } | LeaveState::ReturnedLate { .. } => OtherLeaveStatus::Completed,
        LeaveState::Rejected { .. } | LeaveState::Cancelled => OtherLeaveStatus::Void,
    }
}

/// One leave with its events in order.
struct Loaded {
    leave: LeaveRequest,
    events: Vec<LeaveEvent>,
}

impl Core {
    fn leaves_of(&self, subject: SubjectId) -> Result<Vec<Loaded>, AppError> {
        let leaves = queries::current(self.store.records_of::<LeaveRequest>(subject)?);
        let events = queries::current(self.store.records_of::<LeaveEvent>(subject)?);
        Ok(leaves
            .into_iter()
            .map(|leave| {
                let ev = events.iter().filter(|e| e.leave_id == leave.id).cloned().collect();
                Loaded { leave, events: ev }
            })
            .collect())
    }

    fn rules_on(&self, date: NaiveDate) -> Result<&jiaowu_domain::rule_pack::RulePack, AppError> {
        self.rules.pack_for(date).ok_or_else(|| AppError::refused("", "rules.none", zh::no_rule_pack(date)))
    }

    /// Folds a leave's events into its state. Events were checked when recorded, so a replay
    /// only fails on data that bypassed the checks; such an event is left out.
    fn fold(&self, l: &Loaded, others: &[OtherLeave], term: DateRange) -> LeaveState {
        let rules = match self.rules.pack_for(l.leave.start_date) {
            Some(p) => &p.leave,
            None => return LeaveState::Submitted,
        };
        let facts = LeaveFacts {
            period: DateRange::new(l.leave.start_date, l.leave.end_date),
            term,
            others,
            rules,
            decided_by: l.leave.authority,
        };
        // Events are listed by their recorded time, but those times come from different clocks
        // (this PC, the county server) and PC clocks can be years off (design.md §3: device
        // time is data, never order). So each round applies the first pending event that fits
        // the state reached; an event that fits nowhere is left out.
        // The delegation an office event was recorded under is not kept, but its kind tells it:
        // a decision was taken entrusted, an opinion when the office could not decide
        // (实施办法 Art 27).
        let actor = |e: &LeaveEvent| actor_for(e.actor_level, e.kind != LeaveEventKind::OfficeOpinion);
        let mut state = LeaveState::Draft;
        let mut pending: Vec<&LeaveEvent> = l.events.iter().collect();
        while let Some(i) = pending.iter().position(|e| leave::apply(state, &from_row(e), actor(e), &facts).is_ok()) {
            let e = pending.remove(i);
            if let Ok(s) = leave::apply(state, &from_row(e), actor(e), &facts) {
                state = s;
            }
        }
        state
    }

    fn others(&self, all: &[Loaded], except: Option<RecordId>, term: DateRange) -> Vec<OtherLeave> {
        // First pass without "others" is enough to classify each leave for overlap and totals.
        all.iter()
            .filter(|l| Some(l.leave.id) != except)
            .map(|l| {
                let st = self.fold(l, &[], term);
                let end = st.effective_end(l.leave.end_date);
                OtherLeave {
                    id: leave_id(l.leave.id),
                    range: DateRange::new(l.leave.start_date, end.max(l.leave.start_date)),
                    status: other_status(st),
                    days: l.leave.days.max(((end - l.leave.start_date).num_days() + 1).max(0) as u32),
                }
            })
            .collect()
    }

    fn draft_of(&self, form: &LeaveForm) -> LeaveRequestDraft {
        LeaveRequestDraft {
            start: form.start_date,
            end: form.end_date,
            applied_on: form.applied_on.unwrap_or_else(|| self.today()),
            destination: Destination {
                division_code: form.destination_code.trim().into(),
                detail: form.destination_detail.clone(),
                abroad: form.abroad,
            },
            reason_kind: form.reason_kind,
            reason_text: form.reason_text.clone(),
            urgent: form.urgent,
        }
    }

    fn assess(&self, s: &Subject, form: &LeaveForm) -> Result<LeaveAssessment, AppError> {
        let term = DateRange::new(s.term_start, s.term_end);
        let all = self.leaves_of(s.id)?;
        let ctx = LeaveContext {
            term,
            status: s.status,
            residence_code: s.residence_code.clone(),
            other_leaves: self.others(&all, None, term),
        };
        let pack = self.rules_on(form.start_date)?;
        let mut rules = pack.leave.clone();
        rules.office_delegated = self.leave_delegated()?;
        leave::assess_leave(&self.draft_of(form), &ctx, &rules, &self.calendar).map_err(|e| zh::leave_error(&e))
    }

    /// Live check of a leave form: days, who approves, warnings. Writes nothing.
    pub fn assess_leave(&self, form: LeaveForm) -> Result<LeaveAssessmentView, AppError> {
        let s = self.subject_in_office(form.subject_id)?;
        let a = self.assess(&s, &form)?;
        Ok(LeaveAssessmentView {
            days: a.days,
            authority: a.authority,
            authority_label: zh::authority(a.authority),
            approver: zh::approver(a.authority, self.leave_delegated()?),
            cumulative_days: a.cumulative.days,
            cumulative_window: a.cumulative.window,
            notices: a
                .notices
                .iter()
                .map(|n| NoticeView { warning: n.level() == leave::NoticeLevel::Warning, message: zh::leave_notice(n) })
                .collect(),
            assessment: a,
        })
    }

    /// 外出申请: records the written application and submits it.
    pub fn submit_leave_request(&mut self, form: LeaveForm) -> Result<LeaveView, AppError> {
        let s = self.subject_for_write(form.subject_id)?;
        let a = self.assess(&s, &form)?;
        let applied_on = form.applied_on.unwrap_or_else(|| self.today());
        if applied_on > self.today() {
            return Err(zh::date_in_future("applied_on", applied_on, self.today()));
        }
        let input = LeaveRequestInput {
            subject_id: s.id,
            applied_on,
            start_date: form.start_date,
            end_date: form.end_date,
            days: a.days,
            destination_code: form.destination_code.trim().into(),
            destination_detail: form.destination_detail.clone(),
            destination_contact: form.destination_contact.clone(),
            reason_kind: form.reason_kind,
            reason_text: form.reason_text.clone(),
            transport: form.transport.clone(),
            urgent: form.urgent,
            authority: a.authority,
        };
        let rec = LeaveRequest::from_input(RecordId::new(), input, self.recorded());
        let ev = self.event_record(&rec, &DomainEvent::Submit, Authority::Office, applied_on, None);
        let status = LeaveStatusRow {
            leave_id: rec.id,
            subject_id: s.id,
            state: serde_json::to_string(&LeaveState::Submitted).unwrap_or_default(),
            current_end: rec.end_date,
        };
        let (session, now) = (self.session.clone(), self.clock.now());
        self.store.write(&session, now, |tx| {
            tx.insert(&rec)?;
            tx.insert(&ev)?;
            tx.set_leave_status(&status)
        })?;
        self.leave_view(rec.id)
    }

    /// The stored event; `note` is what the paper shows that the domain event does not keep.
    fn event_record(
        &self,
        leave: &LeaveRequest,
        e: &DomainEvent,
        level: Authority,
        date: NaiveDate,
        note: Option<String>,
    ) -> LeaveEvent {
        let (kind, approve, new_end, method, own_note, dated) = to_row(e);
        let note = own_note.or(note);
        let input = LeaveEventInput {
            subject_id: leave.subject_id,
            leave_id: leave.id,
            kind,
            actor_level: level,
            event_date: dated.unwrap_or(date),
            approve,
            new_end,
            method,
            note,
        };
        LeaveEvent::from_input(RecordId::new(), input, self.recorded())
    }

    /// Records one lifecycle step after checking it against the state machine and the actor's
    /// authority (实施办法 Art 27).
    pub fn record_leave_step(&mut self, input: LeaveStepInput) -> Result<LeaveView, AppError> {
        let today = self.today();
        let (leave_rec, _) = self.store.record::<LeaveRequest>(input.leave_id).map_err(|_| {
            AppError::new(
                ErrorKind::NotFound,
                "leave_id",
                "leave.not_found",
                zh::leave_not_found(&input.leave_id.to_string()),
            )
        })?;
        let s = self.subject_for_write(leave_rec.subject_id)?;
        // A step cannot predate the application nor lie in the future.
        let in_window = |field: &str, d: NaiveDate| -> Result<NaiveDate, AppError> {
            if d > today {
                Err(zh::date_in_future(field, d, today))
            } else if d < leave_rec.applied_on {
                Err(zh::before_application(field, d, leave_rec.applied_on))
            } else {
                Ok(d)
            }
        };
        let step_date = in_window("on", input.on.unwrap_or(today))?;
        let head = self.session.role == Role::Head;
        let need_head = |what: &str| -> Result<(), AppError> {
            if head {
                Ok(())
            } else {
                Err(AppError::forbidden("role.head_only", zh::head_only(what)))
            }
        };
        let doc = |d: &str| -> Result<String, AppError> {
            if d.trim().is_empty() {
                Err(zh::required("doc_no"))
            } else {
                Ok(d.trim().to_string())
            }
        };
        // An enrolled office receives the county's and the level above's decisions by sync;
        // transcribing them by hand would make a second, unauthorised copy (design.md §3).
        let county_step = matches!(
            input.step,
            LeaveStep::CountyDecide { .. } | LeaveStep::EscalateToHigher { .. } | LeaveStep::HigherDecide { .. }
        );
        if county_step && self.store.sync_value(jiaowu_sync::engine::keys::DEVICE_ID)?.is_some() {
            return Err(AppError::refused("step", "leave.county_decides_by_sync", zh::COUNTY_DECISION_BY_SYNC));
        }
        // What the domain event does not keep but the paper shows: the reason given for an
        // extension, the number of the decision on it.
        let note = match &input.step {
            LeaveStep::RequestExtension { reason, .. } => Some(reason.trim().to_string()),
            LeaveStep::DecideExtension { doc_no: Some(d), .. } if !d.trim().is_empty() => {
                Some(zh::with_doc_no(d.trim(), ""))
            }
            _ => None,
        };
        let (event, level) = match input.step {
            LeaveStep::OfficeDecide { approve, reason } => {
                need_head("审批外出")?;
                (DomainEvent::OfficeDecide { approve, reason }, Authority::Office)
            }
            LeaveStep::OfficeOpinion { text } => {
                need_head("签署司法所意见")?;
                (DomainEvent::OfficeOpinion { text }, Authority::Office)
            }
            LeaveStep::CountyDecide { approve, reason, doc_no } => {
                need_head("登记县级审批结果")?;
                let d = doc(&doc_no)?;
                (DomainEvent::CountyDecide { approve, reason: zh::with_doc_no(&d, &reason) }, Authority::County)
            }
            LeaveStep::EscalateToHigher { doc_no } => {
                need_head("登记县级报请上一级审批")?;
                let _ = doc(&doc_no)?;
                (DomainEvent::EscalateToHigher, Authority::County)
            }
            LeaveStep::HigherDecide { approve, reason, doc_no } => {
                need_head("登记上一级审批结果")?;
                let d = doc(&doc_no)?;
                (DomainEvent::HigherDecide { approve, reason: zh::with_doc_no(&d, &reason) }, Authority::Higher)
            }
            LeaveStep::IssueCertificate => (DomainEvent::IssueCertificate, Authority::Office),
            LeaveStep::Depart { date } => {
                in_window("date", date)?;
                (DomainEvent::Depart { date }, Authority::Office)
            }
            LeaveStep::RequestExtension { new_end, reason } => {
                if reason.trim().is_empty() {
                    return Err(zh::required("reason"));
                }
                (DomainEvent::RequestExtension { new_end }, Authority::Office)
            }
            LeaveStep::DecideExtension { approve, by, doc_no } => {
                need_head("审批延期")?;
                if by != Authority::Office {
                    doc(doc_no.as_deref().unwrap_or(""))?;
                }
                (DomainEvent::DecideExtension { approve, by }, by)
            }
            LeaveStep::Return { date, method, summary } => {
                in_window("date", date)?;
                if summary.trim().is_empty() {
                    return Err(zh::required("summary"));
                }
                (DomainEvent::Return { date, verified_by_method: method, summary }, Authority::Office)
            }
            LeaveStep::Recall { date, reason } => {
                in_window("date", date)?;
                if reason.trim().is_empty() {
                    return Err(zh::required("reason"));
                }
                (DomainEvent::Recall { date, reason }, Authority::Office)
            }
            LeaveStep::Cancel { reason } => {
                if reason.trim().is_empty() {
                    return Err(zh::required("reason"));
                }
                (DomainEvent::Cancel { reason }, Authority::Office)
            }
        };

        let term = DateRange::new(s.term_start, s.term_end);
        let all = self.leaves_of(s.id)?;
        let me = all.iter().find(|l| l.leave.id == leave_rec.id).ok_or_else(|| AppError::internal("leave vanished"))?;
        let others = self.others(&all, Some(leave_rec.id), term);
        let state = self.fold(me, &others, term);
        let mut rules = self.rules_on(leave_rec.start_date)?.leave.clone();
        let delegated = self.leave_delegated()?;
        rules.office_delegated = delegated;
        let facts = LeaveFacts {
            period: DateRange::new(leave_rec.start_date, leave_rec.end_date),
            term,
            others: &others,
            rules: &rules,
            decided_by: leave_rec.authority,
        };
        let next = leave::apply(state, &event, actor_for(level, delegated), &facts).map_err(|e| zh::leave_error(&e))?;

        if let DomainEvent::Depart { .. } = event {
            if s.status != SubjectStatus::InCorrection {
                return Err(AppError::refused(
                    "subject_id",
                    "leave.subject_status",
                    zh::cannot_depart(zh::status(s.status)),
                ));
            }
        }
        let ev = self.event_record(&leave_rec, &event, level, step_date, note);
        let status = LeaveStatusRow {
            leave_id: leave_rec.id,
            subject_id: s.id,
            state: serde_json::to_string(&next).unwrap_or_default(),
            current_end: next.effective_end(leave_rec.end_date),
        };
        // Departure and return move the subject's own status (domain.md §4: ON_LEAVE).
        let subject_change = match event {
            DomainEvent::Depart { .. } => Some(SubjectStatus::OnLeave),
            DomainEvent::Return { .. } if s.status == SubjectStatus::OnLeave => Some(SubjectStatus::InCorrection),
            _ => None,
        };
        let (session, now) = (self.session.clone(), self.clock.now());
        self.store.write(&session, now, |tx| {
            tx.insert(&ev)?;
            tx.set_leave_status(&status)?;
            if let Some(st) = subject_change {
                let mut n = s.clone();
                n.status = st;
                tx.update_subject(&n, s.version)?;
            }
            Ok(())
        })?;
        self.leave_view(leave_rec.id)
    }

    /// Writes the derived state of a leave again from its events (after sync brought events
    /// recorded elsewhere, such as the county's decision).
    pub(crate) fn refresh_leave_status(&mut self, id: RecordId) -> Result<(), AppError> {
        let view = self.leave_view(id)?;
        let status = LeaveStatusRow {
            leave_id: view.leave.id,
            subject_id: view.leave.subject_id,
            state: serde_json::to_string(&view.state).unwrap_or_default(),
            current_end: view.state.effective_end(view.leave.end_date),
        };
        let (session, now) = (self.session.clone(), self.clock.now());
        self.store.write(&session, now, |tx| tx.set_leave_status(&status))?;
        Ok(())
    }

    pub fn leave_view(&self, id: RecordId) -> Result<LeaveView, AppError> {
        let (leave_rec, _) = self.store.record::<LeaveRequest>(id)?;
        let s = self.subject_in_office(leave_rec.subject_id)?;
        let term = DateRange::new(s.term_start, s.term_end);
        let all = self.leaves_of(s.id)?;
        let me = all.iter().find(|l| l.leave.id == id).ok_or_else(|| AppError::internal("leave vanished"))?;
        let others = self.others(&all, Some(id), term);
        let state = self.fold(me, &others, term);
        // Only a leave still waiting on a decision asks who may take it (reading the office's
        // delegation then, not for every leave a dossier prints).
        let decides =
            state == LeaveState::Submitted && self.office_decides(me, state, &others, term, self.leave_delegated()?);
        Ok(self.view_of(me, &s.name, state, decides))
    }

    /// Whether the office's own decision would be accepted on a leave waiting on it.
    fn office_decides(
        &self,
        l: &Loaded,
        state: LeaveState,
        others: &[OtherLeave],
        term: DateRange,
        delegated: bool,
    ) -> bool {
        let Some(pack) = self.rules.pack_for(l.leave.start_date) else { return false };
        if state != LeaveState::Submitted {
            return false;
        }
        let mut rules = pack.leave.clone();
        rules.office_delegated = delegated;
        let facts = LeaveFacts {
            period: DateRange::new(l.leave.start_date, l.leave.end_date),
            term,
            others,
            rules: &rules,
            decided_by: l.leave.authority,
        };
        let approve = DomainEvent::OfficeDecide { approve: true, reason: String::new() };
        leave::apply(state, &approve, actor_for(Authority::Office, delegated), &facts).is_ok()
    }

    fn view_of(&self, l: &Loaded, name: &str, state: LeaveState, office_decides: bool) -> LeaveView {
        let today = self.today();
        let due = state.effective_end(l.leave.end_date);
        let overdue = match leave::derived_status(state, l.leave.end_date, today) {
            leave::DerivedLeaveStatus::Overdue { days_overdue, .. } => Some(days_overdue),
            _ => None,
        };
        LeaveView {
            leave: l.leave.clone(),
            subject_name: name.to_string(),
            state,
            state_label: if overdue.is_some() {
                format!("{}（逾期未归）", zh::leave_state(state))
            } else {
                zh::leave_state(state).to_string()
            },
            due_back: due,
            days_overdue: overdue,
            decided_by: decider(state, &l.events, l.leave.authority),
            office_decides,
            events: l.events.clone(),
        }
    }

    /// Every leave of the office (or of one subject), newest first, with its derived state.
    /// The office-wide list reads both tables once and groups them (not two queries per subject).
    pub fn list_leaves(&self, subject: Option<SubjectId>) -> Result<Vec<LeaveView>, AppError> {
        let (subjects, mut loaded) = match subject {
            Some(id) => {
                let s = self.subject_in_office(id)?;
                let all = self.leaves_of(id)?;
                (vec![s], HashMap::from([(id, all)]))
            }
            None => (self.store.subjects()?, self.all_leaves()?),
        };
        let mut out = Vec::new();
        let delegated = self.leave_delegated()?;
        for s in subjects {
            let term = DateRange::new(s.term_start, s.term_end);
            let all = loaded.remove(&s.id).unwrap_or_default();
            for l in &all {
                let others = self.others(&all, Some(l.leave.id), term);
                let state = self.fold(l, &others, term);
                let decides = self.office_decides(l, state, &others, term, delegated);
                out.push(self.view_of(l, &s.name, state, decides));
            }
        }
        out.sort_by_key(|l| std::cmp::Reverse(l.leave.start_date));
        Ok(out)
    }

    /// Every current leave of the office with its events, by subject.
    fn all_leaves(&self) -> Result<HashMap<SubjectId, Vec<Loaded>>, AppError> {
        let mut events: HashMap<RecordId, Vec<LeaveEvent>> = HashMap::new();
        for e in queries::current(self.store.all_records::<LeaveEvent>()?) {
            events.entry(e.leave_id).or_default().push(e);
        }
        let mut out: HashMap<SubjectId, Vec<Loaded>> = HashMap::new();
        for leave in queries::current(self.store.all_records::<LeaveRequest>()?) {
            let mut ev = events.remove(&leave.id).unwrap_or_default();
            // Same order as `records_of`: as recorded.
            ev.sort_by_key(|e| (e.recorded.recorded_at, e.id));
            out.entry(leave.subject_id).or_default().push(Loaded { leave, events: ev });
        }
        for v in out.values_mut() {
            v.sort_by_key(|l| (l.leave.recorded.recorded_at, l.leave.id));
        }
        Ok(out)
    }
}

/// The level that decides a leave, as its state and steps show it: the one that decided, the
/// one it waits on, or the one it was sent up to; else the level assessed at submission.
fn decider(state: LeaveState, events: &[LeaveEvent], submitted_for: Authority) -> Authority {
    match state {
        LeaveState::Approved { by } | LeaveState::Rejected { by } => by,
        LeaveState::AwaitingCounty => Authority::County,
        LeaveState::AwaitingHigher => Authority::Higher,
        _ => {
            let has = |kinds: &[LeaveEventKind]| events.iter().any(|e| kinds.contains(&e.kind));
            if has(&[LeaveEventKind::HigherDecide, LeaveEventKind::EscalateToHigher]) {
                Authority::Higher
            } else if has(&[LeaveEventKind::CountyDecide, LeaveEventKind::OfficeOpinion]) {
                submitted_for.max(Authority::County)
            } else {
                submitted_for
            }
        }
    }
}
