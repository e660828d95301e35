//! 台账 statistics for the office and a period (domain.md §20), with the identities they must
//! satisfy checked before they are shown.

use chrono::NaiveDate;
use jiaowu_domain::ids::SessionId;
use jiaowu_domain::leave::LeaveEventKind;
use jiaowu_domain::statistics::{
    self, Event, EventKind, ExitKind, IdentityViolation, LeaveAuthority, Ledger, Span, SubjectHistory,
};
use jiaowu_store::*;
use serde::{Deserialize, Serialize};

use crate::caseload::Caseload;
use crate::error::AppError;
use crate::{zh, Core};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatisticsQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatisticsView {
    pub office: String,
    pub ledger: Ledger,
    /// Empty when the figures add up (在册 = 接收 − 解矫; the four types sum to the register).
    pub identity_violations: Vec<IdentityViolation>,
    /// The same figures as labelled rows, in the order of the county's 台账 (domain.md §20).
    pub sections: Vec<StatSection>,
    pub identities_ok: bool,
    pub identity_messages: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatRow {
    pub label: String,
    /// The figure as the screen shows it.
    pub value: String,
    /// The figure itself, for the .xlsx ledger (numbers the sheet can sum).
    #[serde(skip)]
    pub figure: Figure,
}

impl StatRow {
    /// A row whose shown value is its figure as the screen writes it.
    fn new(label: impl Into<String>, figure: Figure) -> StatRow {
        let value = match figure {
            Figure::Count(n) => n.to_string(),
            Figure::Minutes(m) => zh::hours(m as u32),
            Figure::Acts { events, subjects } => zh::act_count(events, subjects),
        };
        StatRow { label: label.into(), value, figure }
    }
}

/// A statistics row's figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Count(u64),
    /// Credited time, in minutes (shown as hours).
    Minutes(u64),
    /// A kind of act: how many times (人次), how many people (人).
    Acts {
        events: u32,
        subjects: u32,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct StatSection {
    pub title: &'static str,
    pub rows: Vec<StatRow>,
}

/// The ledger as labelled rows (the screen, the CLI and the .xlsx ledger show the same).
pub fn sections(l: &Ledger) -> Vec<StatSection> {
    use jiaowu_domain::{SentenceType as T, SupervisionClass as C};
    let row = |label: &str, value: u64| StatRow::new(label, Figure::Count(value));
    let hours = |label: &str, minutes: u64| StatRow::new(label, Figure::Minutes(minutes));
    let s = &l.stock_after;
    let f = &l.flows;
    let w = &l.work;
    let mut acts: Vec<StatRow> = l
        .acts
        .iter()
        .map(|a| StatRow::new(zh::event_kind(a.kind), Figure::Acts { events: a.events, subjects: a.subjects }))
        .collect();
    acts.sort_by(|a, b| a.label.cmp(&b.label));
    vec![
        StatSection {
            title: zh::STAT_REGISTER,
            rows: vec![
                row(zh::STAT_REGISTER_BEFORE, l.stock_before.total.into()),
                row(zh::STAT_RECEIVED, f.received.into()),
                row(zh::STAT_EXITS, f.exits.into()),
                row(zh::STAT_REGISTER_AFTER, s.total.into()),
                row(zh::STAT_CUMULATIVE_RECEIVED, l.cumulative.received.into()),
                row(zh::STAT_CUMULATIVE_EXITS, l.cumulative.exits.into()),
            ],
        },
        StatSection {
            title: zh::STAT_BY_TYPE,
            rows: vec![
                row(zh::sentence_type(T::Control), s.by_type.control.into()),
                row(zh::sentence_type(T::Probation), s.by_type.probation.into()),
                row(zh::sentence_type(T::Parole), s.by_type.parole.into()),
                row(zh::sentence_type(T::TemporaryOutside), s.by_type.temporary_outside.into()),
            ],
        },
        StatSection {
            title: zh::STAT_BY_CLASS,
            rows: vec![
                row(zh::class(C::Strict), s.by_class.strict.into()),
                row(zh::class(C::Ordinary), s.by_class.ordinary.into()),
                row(zh::class(C::Lenient), s.by_class.lenient.into()),
            ],
        },
        StatSection {
            title: zh::STAT_SITUATION,
            rows: vec![
                row(zh::STAT_MALE, s.by_sex.male.into()),
                row(zh::STAT_FEMALE, s.by_sex.female.into()),
                row(zh::STAT_MINORS, s.minor_cases.into()),
                row(zh::STAT_ON_LEAVE, s.on_leave.into()),
                row(zh::STAT_LOST, s.lost_contact.into()),
                row(zh::STAT_DETAINED, s.detained.into()),
            ],
        },
        StatSection {
            title: zh::STAT_EXIT_KINDS,
            rows: vec![
                row(zh::STAT_EXPIRED, f.released_expired.into()),
                row(zh::STAT_AMNESTY, f.released_amnesty.into()),
                row(zh::STAT_REVOKED_PROBATION, f.terminated_revoked_probation.into()),
                row(zh::STAT_REVOKED_PAROLE, f.terminated_revoked_parole.into()),
                row(zh::STAT_RETURNED, f.terminated_returned_to_prison.into()),
                row(zh::STAT_DEATH, f.terminated_death.into()),
                row(zh::STAT_TRANSFERRED_OUT, f.transferred_out.into()),
            ],
        },
        StatSection {
            title: zh::STAT_WORK,
            rows: vec![
                row(zh::STAT_VISITS, w.visits.into()),
                row(zh::STAT_TALKS, w.talks.into()),
                row(zh::STAT_IT_CHECKS, w.it_checks.into()),
                row(zh::STAT_STUDY_SESSIONS, w.study_sessions.into()),
                row(zh::STAT_STUDY_ATTENDANCES, w.study_attendances.into()),
                hours(zh::STAT_STUDY_HOURS, w.study_minutes),
                row(zh::STAT_SERVICE_SESSIONS, w.service_sessions.into()),
                row(zh::STAT_SERVICE_ATTENDANCES, w.service_attendances.into()),
                hours(zh::STAT_SERVICE_HOURS, w.service_minutes),
            ],
        },
        StatSection { title: zh::STAT_ACTS, rows: acts },
    ]
}

fn exit_of(c: &Caseload, s: &Subject) -> Option<(NaiveDate, ExitKind)> {
    c.subject_events
        .iter()
        .filter(|e| e.subject_id == s.id)
        .filter_map(|e| {
            let k = match e.kind {
                SubjectEventKind::ReleasedExpiry => ExitKind::Expired,
                SubjectEventKind::ReleasedAmnesty => ExitKind::Amnesty,
                SubjectEventKind::RevokedProbation => ExitKind::RevokedProbation,
                SubjectEventKind::RevokedParole => ExitKind::RevokedParole,
                SubjectEventKind::ReturnedToPrison => ExitKind::ReturnedToPrison,
                SubjectEventKind::Died => ExitKind::Death,
                SubjectEventKind::TransferredOut => ExitKind::TransferredOut,
                _ => return None,
            };
            Some((e.event_date, k))
        })
        .min_by_key(|(d, _)| *d)
}

impl Core {
    fn histories(&self, c: &Caseload) -> Vec<SubjectHistory> {
        let today = self.today();
        c.subjects
            .iter()
            .map(|s| {
                let received_on = s.reported_on.unwrap_or(s.term_start);
                let lost: Vec<Span> = c
                    .lost_contact
                    .iter()
                    .filter(|e| e.subject_id == s.id)
                    .map(|e| {
                        let found = c
                            .lost_steps
                            .iter()
                            .filter(|st| st.episode_id == e.id && st.kind == LostContactStepKind::Found)
                            .map(|st| st.step_at.with_timezone(&crate::clock::shanghai()).date_naive())
                            .min();
                        Span { start: e.started_on, end: found }
                    })
                    .collect();
                SubjectHistory {
                    id: s.id,
                    sentence_type: s.sentence_type,
                    sex: s.sex,
                    birth_date: s.birth_date,
                    is_minor_case: s.is_minor_case,
                    class: s.class,
                    class_history: c.class_history(s),
                    received_on,
                    received_source: s.received_source,
                    exit: exit_of(c, s).map(|(d, k)| (d.max(received_on), k)),
                    leaves: c
                        .leave_ranges(s.id)
                        .into_iter()
                        .map(|r| Span { start: r.start, end: Some(r.end) })
                        .collect(),
                    lost_contact: lost,
                    detained: c
                        .custody(s, today)
                        .into_iter()
                        .map(|r| Span { start: r.start, end: Some(r.end) })
                        .collect(),
                    injunctions: if s.injunction.is_some() {
                        vec![Span { start: s.term_start, end: Some(s.term_end) }]
                    } else {
                        vec![]
                    },
                    e_monitoring: vec![],
                }
            })
            .collect()
    }

    fn events(&self, c: &Caseload) -> Vec<Event> {
        let ev =
            |subject, date, kind, minutes, session: Option<SessionId>| Event { subject, date, kind, minutes, session };
        let mut out = Vec::new();
        for d in &c.dated {
            let (kind, session) = match d.detail {
                ActivityDetail::Visit { .. } => (EventKind::Visit, None),
                ActivityDetail::Talk => (EventKind::Talk, None),
                ActivityDetail::ItCheck => (EventKind::ItCheck, None),
                ActivityDetail::Study { session, attendance: Attendance::Present } => {
                    (EventKind::Study, Some(SessionId(session.0)))
                }
                ActivityDetail::Service { activity } if d.minutes > 0 => {
                    (EventKind::Service, Some(SessionId(activity.0)))
                }
                _ => continue,
            };
            out.push(ev(d.subject, d.date, kind, d.minutes, session));
        }
        for l in &c.leaves {
            for e in &l.events {
                let auth = match (e.kind, e.actor_level) {
                    (LeaveEventKind::OfficeDecide, _) => LeaveAuthority::Office,
                    (LeaveEventKind::CountyDecide, _) => LeaveAuthority::County,
                    (LeaveEventKind::HigherDecide, _) => LeaveAuthority::Higher,
                    _ => continue,
                };
                out.push(ev(
                    e.subject_id,
                    e.event_date,
                    EventKind::LeaveDecision { authority: auth, approved: e.approve.unwrap_or(false) },
                    0,
                    None,
                ));
            }
        }
        for p in &c.travel_permits {
            if let Some(d) = c.approved(DecisionTarget::TravelPermits, p.id) {
                out.push(ev(p.subject_id, d.decision_date, EventKind::FrequentTravelApproval, 0, None));
            }
        }
        for s in &c.sanctions {
            // Praise, 训诫 and 警告 count when decided; proposals count when proposed (domain.md §20.2).
            let decided = c.approved(DecisionTarget::Sanctions, s.id).map(|d| d.decision_date);
            let (kind, date) = match s.kind {
                SanctionKind::Praise => (EventKind::Praise, decided),
                SanctionKind::Admonition => (EventKind::Admonition, decided),
                SanctionKind::Warning => (EventKind::Warning, decided),
                SanctionKind::PolicePenalty => (EventKind::PolicePenaltyProposal, Some(s.proposed_on)),
                SanctionKind::RevokeProbation => (EventKind::RevokeProbationProposal, Some(s.proposed_on)),
                SanctionKind::RevokeParole => (EventKind::RevokeParoleProposal, Some(s.proposed_on)),
                SanctionKind::ReturnToPrison => (EventKind::ReturnToPrisonProposal, Some(s.proposed_on)),
                SanctionKind::Arrest => (EventKind::ArrestRequest, Some(s.proposed_on)),
                SanctionKind::SentenceReduction => (EventKind::SentenceReductionProposal, Some(s.proposed_on)),
            };
            if let Some(d) = date {
                out.push(ev(s.subject_id, d, kind, 0, None));
            }
        }
        out.extend(c.lost_contact.iter().map(|e| ev(e.subject_id, e.started_on, EventKind::LostContactCase, 0, None)));
        out
    }

    /// The office's 台账 figures for a period.
    pub fn office_statistics(&self, q: StatisticsQuery) -> Result<StatisticsView, AppError> {
        if q.to < q.from {
            return Err(zh::end_before_start("from", "to", q.from, q.to));
        }
        let c = self.caseload()?;
        let ledger = statistics::build_ledger(&self.histories(&c), &self.events(&c), q.from, q.to)
            .map_err(|e| AppError::refused("", "statistics.data", zh::statistics_error(&e.to_string())))?;
        let identity_violations = ledger.check_identities();
        Ok(StatisticsView {
            office: self.office.name.clone(),
            sections: sections(&ledger),
            identities_ok: identity_violations.is_empty(),
            identity_messages: identity_violations.iter().map(zh::identity_violation).collect(),
            ledger,
            identity_violations,
        })
    }
}
