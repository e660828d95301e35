//! 台账 indicators for an office and a period `[from, to]` (domain.md §20.2), with the
//! identities of §20.1–20.2 checked by [`Ledger::check_identities`].
//!
//! Conventions (\[PROPOSAL\]; domain.md is silent):
//! * **Stock at a date** is the end-of-day register: received on or before the date and not yet
//!   exited. The exit date is the first day off the register (a subject released on 31 Dec is not
//!   in the 31 Dec stock). So `stock(to) = stock(from − 1) + received − exits`, with received and
//!   exits both dated inside `[from, to]`.
//! * **Exits** ("解矫"/"解除" in county reports, §20.1) are *all* exits: release (期满, 赦免),
//!   termination (撤销缓刑, 撤销假释, 收监执行, 死亡) and transfer out (迁出). A transfer in counts
//!   as received.
//! * **Age band** is the age in whole years on the stock date: <18, 18–45, 46–60, >60. `minor_cases`
//!   counts `is_minor_case`, fixed at intake and never recomputed (社区矫正法第五十八条).
//! * **Class** on the stock date follows the class history (as in the obligations engine).
//! * **Acts**: `events` = 人次 (each event), `subjects` = 人 (distinct subjects); only events dated
//!   in `[from, to]` count.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ids::{SessionId, SubjectId};
use crate::obligations::class_on;
use crate::{SentenceType, Sex, SupervisionClass};

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// 接收来源 (domain.md §20.2 新接收 split).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceivedSource {
    /// 法院判决、裁定 (管制、缓刑; court-decided 暂予监外执行).
    Court,
    /// 监狱 (假释, prison-approved 暂予监外执行).
    Prison,
    /// 看守所 (including police-approved 暂予监外执行).
    DetentionCentre,
    /// 迁入 (变更执行地, domain.md §9).
    TransferIn,
}

/// How a subject left this office's register (社区矫正法第四十四条、第四十五条; domain.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitKind {
    /// 矫正期满 (解除)
    Expired,
    /// 赦免 (解除)
    Amnesty,
    /// 撤销缓刑 (终止)
    RevokedProbation,
    /// 撤销假释 (终止)
    RevokedParole,
    /// 收监执行 (终止)
    ReturnedToPrison,
    /// 死亡 (终止)
    Death,
    /// 迁出 (变更执行地)
    TransferredOut,
}

/// A span of days, both ends included; `end: None` = still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl Span {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && self.end.is_none_or(|e| d <= e)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectHistory {
    pub id: SubjectId,
    pub sentence_type: SentenceType,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub is_minor_case: bool,
    pub class: SupervisionClass,
    #[serde(default)]
    pub class_history: Vec<(NaiveDate, SupervisionClass)>,
    pub received_on: NaiveDate,
    pub received_source: ReceivedSource,
    pub exit: Option<(NaiveDate, ExitKind)>,
    /// 外出 periods.
    #[serde(default)]
    pub leaves: Vec<Span>,
    /// 失联/脱管 episodes.
    #[serde(default)]
    pub lost_contact: Vec<Span>,
    /// 被羁押 periods.
    #[serde(default)]
    pub detained: Vec<Span>,
    /// 禁止令 periods.
    #[serde(default)]
    pub injunctions: Vec<Span>,
    /// 电子定位 periods.
    #[serde(default)]
    pub e_monitoring: Vec<Span>,
}

impl SubjectHistory {
    /// On the register at the end of `date` (see module conventions).
    pub fn on_register(&self, date: NaiveDate) -> bool {
        self.received_on <= date && self.exit.is_none_or(|(e, _)| date < e)
    }
}

/// 外出审批 authority (实施办法第二十七条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveAuthority {
    /// 司法所 (delegated, ≤7 days)
    Office,
    /// 县级社区矫正机构
    County,
    /// 上一级社区矫正机构
    Higher,
}

/// A counted supervision act (domain.md §20.2 "Supervision acts" and "Work volume").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// 走访
    Visit,
    /// 谈话
    Talk,
    /// 信息化核查
    ItCheck,
    /// 集中教育学习 attendance (minutes and session on the event)
    Study,
    /// 公益活动 participation
    Service,
    /// 外出审批 decision
    LeaveDecision { authority: LeaveAuthority, approved: bool },
    /// 经常性跨市县活动 approval
    FrequentTravelApproval,
    /// 会客/进入特定区域 approval
    ContactOrPlaceApproval,
    /// 表扬
    Praise,
    /// 训诫
    Admonition,
    /// 警告
    Warning,
    /// 提请治安管理处罚
    PolicePenaltyProposal,
    /// 提请撤销缓刑
    RevokeProbationProposal,
    /// 提请撤销假释
    RevokeParoleProposal,
    /// 提请收监执行
    ReturnToPrisonProposal,
    /// 提请逮捕
    ArrestRequest,
    /// 减刑建议
    SentenceReductionProposal,
    /// 电子定位 started
    EMonitoringStarted,
    /// 电子定位 extended
    EMonitoringExtended,
    /// 电子定位 ended
    EMonitoringEnded,
    /// 失联 case opened
    LostContactCase,
    /// 追逃
    Pursuit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub subject: SubjectId,
    pub date: NaiveDate,
    pub kind: EventKind,
    /// Credited minutes (study, service).
    #[serde(default)]
    pub minutes: u32,
    /// Group session the attendance belongs to (study, service); `None` = a session of its own.
    #[serde(default)]
    pub session: Option<SessionId>,
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ByType {
    /// 管制
    pub control: u32,
    /// 缓刑
    pub probation: u32,
    /// 假释
    pub parole: u32,
    /// 暂予监外执行
    pub temporary_outside: u32,
}

impl ByType {
    fn add(&mut self, t: SentenceType) {
        match t {
            SentenceType::Control => self.control += 1,
            SentenceType::Probation => self.probation += 1,
            SentenceType::Parole => self.parole += 1,
            SentenceType::TemporaryOutside => self.temporary_outside += 1,
        }
    }
    pub fn sum(&self) -> u32 {
        self.control + self.probation + self.parole + self.temporary_outside
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct BySex {
    pub male: u32,
    pub female: u32,
}

/// Age bands of county reports (广州 2014, domain.md §20.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ByAge {
    pub under_18: u32,
    pub from_18_to_45: u32,
    pub from_46_to_60: u32,
    pub over_60: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ByClass {
    pub strict: u32,
    pub ordinary: u32,
    pub lenient: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stock {
    pub date: NaiveDate,
    /// 在册
    pub total: u32,
    pub by_type: ByType,
    pub by_sex: BySex,
    pub by_age: ByAge,
    pub by_class: ByClass,
    pub minor_cases: u32,
    pub with_injunction: u32,
    pub e_monitored: u32,
    pub on_leave: u32,
    pub lost_contact: u32,
    pub detained: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct BySource {
    pub court: u32,
    pub prison: u32,
    pub detention_centre: u32,
    pub transfer_in: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Flows {
    /// 新接收 (including 迁入)
    pub received: u32,
    pub received_by_source: BySource,
    /// 解除: 期满
    pub released_expired: u32,
    /// 解除: 赦免
    pub released_amnesty: u32,
    /// 终止: 撤销缓刑
    pub terminated_revoked_probation: u32,
    /// 终止: 撤销假释
    pub terminated_revoked_parole: u32,
    /// 终止: 收监执行
    pub terminated_returned_to_prison: u32,
    /// 终止: 死亡
    pub terminated_death: u32,
    /// 迁出
    pub transferred_out: u32,
    /// All exits (解矫 in reports).
    pub exits: u32,
}

impl Flows {
    pub fn exits_by_kind_sum(&self) -> u32 {
        self.released_expired
            + self.released_amnesty
            + self.terminated_revoked_probation
            + self.terminated_revoked_parole
            + self.terminated_returned_to_prison
            + self.terminated_death
            + self.transferred_out
    }
}

/// Since the office's first record, through `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Cumulative {
    /// 累计接收
    pub received: u32,
    /// 累计解矫 (all exits)
    pub exits: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ActCount {
    pub kind: EventKind,
    /// 人次
    pub events: u32,
    /// 人
    pub subjects: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct WorkVolume {
    pub visits: u32,
    pub talks: u32,
    pub it_checks: u32,
    pub study_sessions: u32,
    pub study_attendances: u32,
    pub study_minutes: u64,
    pub service_sessions: u32,
    pub service_attendances: u32,
    pub service_minutes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ledger {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Stock at the end of `from − 1`.
    pub stock_before: Stock,
    /// Stock at the end of `to`.
    pub stock_after: Stock,
    pub flows: Flows,
    pub cumulative: Cumulative,
    /// Supervision acts, ordered by kind.
    pub acts: Vec<ActCount>,
    pub work: WorkVolume,
}

/// Which breakdown failed to add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    Type,
    Sex,
    Age,
    Class,
    Source,
    ExitKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityViolation {
    /// 在册(to) ≠ 在册(from−1) + 接收 − 解矫 (domain.md §20.2).
    RegisterFlow { before: u32, received: u32, exits: u32, after: u32 },
    /// 累计接收 − 累计解矫 ≠ 在册 (domain.md §20.1).
    Cumulative { received: u32, exits: u32, register: u32 },
    /// A breakdown does not add up to its total (four types = register, §20.2). `date` is set for
    /// stock breakdowns, `None` for flow breakdowns.
    BreakdownSum { breakdown: Breakdown, date: Option<NaiveDate>, sum: u32, total: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatisticsError {
    #[error("统计期间止日 {to} 早于起日 {from}")]
    PeriodReversed { from: NaiveDate, to: NaiveDate },
    #[error("对象 {subject} 的解矫日 {exit} 早于接收日 {received}")]
    ExitBeforeReceived { subject: SubjectId, received: NaiveDate, exit: NaiveDate },
    #[error("对象 {subject} 重复出现")]
    DuplicateSubject { subject: SubjectId },
    #[error("事件指向未知对象 {subject}")]
    EventForUnknownSubject { subject: SubjectId },
    #[error("日期超出范围: {date}")]
    DateOutOfRange { date: NaiveDate },
}

// ---------------------------------------------------------------------------------------------
// Computation
// ---------------------------------------------------------------------------------------------

/// Age in whole years on `date`.
pub fn age_on(birth: NaiveDate, date: NaiveDate) -> i32 {
    let before_birthday = (date.month(), date.day()) < (birth.month(), birth.day());
    date.year() - birth.year() - i32::from(before_birthday)
}

/// Stock (在册) at the end of `date`.
pub fn stock_at(histories: &[SubjectHistory], date: NaiveDate) -> Stock {
    let mut s = Stock {
        date,
        total: 0,
        by_type: ByType::default(),
        by_sex: BySex::default(),
        by_age: ByAge::default(),
        by_class: ByClass::default(),
        minor_cases: 0,
        with_injunction: 0,
        e_monitored: 0,
        on_leave: 0,
        lost_contact: 0,
        detained: 0,
    };
    let any = |spans: &[Span]| u32::from(spans.iter().any(|sp| sp.contains(date)));
    for h in histories.iter().filter(|h| h.on_register(date)) {
        s.total += 1;
        s.by_type.add(h.sentence_type);
        match h.sex {
            Sex::Male => s.by_sex.male += 1,
            Sex::Female => s.by_sex.female += 1,
        }
        match age_on(h.birth_date, date) {
            ..18 => s.by_age.under_18 += 1,
            18..=45 => s.by_age.from_18_to_45 += 1,
            46..=60 => s.by_age.from_46_to_60 += 1,
            _ => s.by_age.over_60 += 1,
        }
        match class_on(&h.class_history, h.class, date) {
            SupervisionClass::Strict => s.by_class.strict += 1,
            SupervisionClass::Ordinary => s.by_class.ordinary += 1,
            SupervisionClass::Lenient => s.by_class.lenient += 1,
        }
        s.minor_cases += u32::from(h.is_minor_case);
        s.with_injunction += any(&h.injunctions);
        s.e_monitored += any(&h.e_monitoring);
        s.on_leave += any(&h.leaves);
        s.lost_contact += any(&h.lost_contact);
        s.detained += any(&h.detained);
    }
    s
}

/// The ledger of an office for `[from, to]`. `histories` must hold every subject the office ever
/// had (for the cumulative figures); `events` may cover any dates.
pub fn build_ledger(
    histories: &[SubjectHistory],
    events: &[Event],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Ledger, StatisticsError> {
    if to < from {
        return Err(StatisticsError::PeriodReversed { from, to });
    }
    let before = from.pred_opt().ok_or(StatisticsError::DateOutOfRange { date: from })?;
    let mut ids = HashSet::with_capacity(histories.len());
    for h in histories {
        if !ids.insert(h.id) {
            return Err(StatisticsError::DuplicateSubject { subject: h.id });
        }
        if let Some((exit, _)) = h.exit {
            if exit < h.received_on {
                return Err(StatisticsError::ExitBeforeReceived { subject: h.id, received: h.received_on, exit });
            }
        }
    }
    let in_period = |d: NaiveDate| from <= d && d <= to;

    let mut flows = Flows::default();
    let mut cumulative = Cumulative::default();
    for h in histories {
        if h.received_on <= to {
            cumulative.received += 1;
        }
        if in_period(h.received_on) {
            flows.received += 1;
            let s = &mut flows.received_by_source;
            match h.received_source {
                ReceivedSource::Court => s.court += 1,
                ReceivedSource::Prison => s.prison += 1,
                ReceivedSource::DetentionCentre => s.detention_centre += 1,
                ReceivedSource::TransferIn => s.transfer_in += 1,
            }
        }
        let Some((exit, kind)) = h.exit else { continue };
        if exit <= to {
            cumulative.exits += 1;
        }
        if in_period(exit) {
            flows.exits += 1;
            match kind {
                ExitKind::Expired => flows.released_expired += 1,
                ExitKind::Amnesty => flows.released_amnesty += 1,
                ExitKind::RevokedProbation => flows.terminated_revoked_probation += 1,
                ExitKind::RevokedParole => flows.terminated_revoked_parole += 1,
                ExitKind::ReturnedToPrison => flows.terminated_returned_to_prison += 1,
                ExitKind::Death => flows.terminated_death += 1,
                ExitKind::TransferredOut => flows.transferred_out += 1,
            }
        }
    }

    let mut per_kind: BTreeMap<EventKind, (u32, HashSet<SubjectId>)> = BTreeMap::new();
    let mut work = WorkVolume::default();
    let mut study_sessions: HashMap<Option<SessionId>, u32> = HashMap::new();
    let mut service_sessions: HashMap<Option<SessionId>, u32> = HashMap::new();
    for e in events {
        if !ids.contains(&e.subject) {
            return Err(StatisticsError::EventForUnknownSubject { subject: e.subject });
        }
        if !in_period(e.date) {
            continue;
        }
        let entry = per_kind.entry(e.kind).or_default();
        entry.0 += 1;
        entry.1.insert(e.subject);
        match e.kind {
            EventKind::Visit => work.visits += 1,
            EventKind::Talk => work.talks += 1,
            EventKind::ItCheck => work.it_checks += 1,
            EventKind::Study => {
                work.study_attendances += 1;
                work.study_minutes += u64::from(e.minutes);
                *study_sessions.entry(e.session).or_default() += 1;
            }
            EventKind::Service => {
                work.service_attendances += 1;
                work.service_minutes += u64::from(e.minutes);
                *service_sessions.entry(e.session).or_default() += 1;
            }
            _ => {}
        }
    }
    // Attendances without a session id are each a session of their own.
    let sessions = |m: &HashMap<Option<SessionId>, u32>| {
        let named = m.keys().filter(|k| k.is_some()).count();
        u32::try_from(named).unwrap_or(u32::MAX) + m.get(&None).copied().unwrap_or(0)
    };
    work.study_sessions = sessions(&study_sessions);
    work.service_sessions = sessions(&service_sessions);
    let acts = per_kind
        .into_iter()
        .map(|(kind, (events, subjects))| ActCount {
            kind,
            events,
            subjects: u32::try_from(subjects.len()).unwrap_or(u32::MAX),
        })
        .collect();

    Ok(Ledger {
        from,
        to,
        stock_before: stock_at(histories, before),
        stock_after: stock_at(histories, to),
        flows,
        cumulative,
        acts,
        work,
    })
}

impl Ledger {
    /// Every identity of domain.md §20.1–20.2 that does not hold; empty for a sound ledger.
    pub fn check_identities(&self) -> Vec<IdentityViolation> {
        let mut v = Vec::new();
        let f = &self.flows;
        let (before, after) = (self.stock_before.total, self.stock_after.total);
        if i64::from(after) != i64::from(before) + i64::from(f.received) - i64::from(f.exits) {
            v.push(IdentityViolation::RegisterFlow { before, received: f.received, exits: f.exits, after });
        }
        let c = &self.cumulative;
        if i64::from(c.received) - i64::from(c.exits) != i64::from(after) {
            v.push(IdentityViolation::Cumulative { received: c.received, exits: c.exits, register: after });
        }
        for s in [&self.stock_before, &self.stock_after] {
            let sums = [
                (Breakdown::Type, s.by_type.sum()),
                (Breakdown::Sex, s.by_sex.male + s.by_sex.female),
                (
                    Breakdown::Age,
                    s.by_age.under_18 + s.by_age.from_18_to_45 + s.by_age.from_46_to_60 + s.by_age.over_60,
                ),
                (Breakdown::Class, s.by_class.strict + s.by_class.ordinary + s.by_class.lenient),
            ];
            for (breakdown, sum) in sums {
                if sum != s.total {
                    v.push(IdentityViolation::BreakdownSum { breakdown, date: Some(s.date), sum, total: s.total });
                }
            }
        }
        let src = &f.received_by_source;
        let source_sum = src.court + src.prison + src.detention_centre + src.transfer_in;
        if source_sum != f.received {
            v.push(IdentityViolation::BreakdownSum {
                breakdown: Breakdown::Source,
                date: None,
                sum: source_sum,
                total: f.received,
            });
        }
        if f.exits_by_kind_sum() != f.exits {
            v.push(IdentityViolation::BreakdownSum {
                breakdown: Breakdown::ExitKind,
                date: None,
                sum: f.exits_by_kind_sum(),
                total: f.exits,
            });
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn sid(n: u128) -> SubjectId {
        SubjectId(uuid::Uuid::from_u128(n))
    }

    fn subject(n: u128, st: SentenceType, received: NaiveDate, exit: Option<(NaiveDate, ExitKind)>) -> SubjectHistory {
        SubjectHistory {
            id: sid(n),
            sentence_type: st,
            sex: Sex::Male,
            birth_date: d(1980, 6, 15),
            is_minor_case: false,
            class: SupervisionClass::Ordinary,
            class_history: Vec::new(),
            received_on: received,
            received_source: ReceivedSource::Court,
            exit,
            leaves: Vec::new(),
            lost_contact: Vec::new(),
            detained: Vec::new(),
            injunctions: Vec::new(),
            e_monitoring: Vec::new(),
        }
    }

    fn event(n: u128, date: NaiveDate, kind: EventKind) -> Event {
        Event { subject: sid(n), date, kind, minutes: 0, session: None }
    }

    /// Rule: domain.md §20.1 — received 3,170, exits 2,467, on register 703 = 516 缓刑 + 110 假释
    /// + 77 暂予监外执行; "解矫" means all exits.
    #[test]
    fn seed_figures_of_domain_md_hold() {
        let mut hs = Vec::new();
        let mut n = 0u128;
        let kinds = [ExitKind::Expired, ExitKind::RevokedProbation, ExitKind::TransferredOut, ExitKind::Death];
        for (st, on_register) in
            [(SentenceType::Probation, 516), (SentenceType::Parole, 110), (SentenceType::TemporaryOutside, 77)]
        {
            for _ in 0..on_register {
                n += 1;
                hs.push(subject(n, st, d(2022, 1, 1) + Days::new((n % 300) as u64), None));
            }
        }
        for i in 0..2467u128 {
            n += 1;
            let received = d(2015, 1, 1) + Days::new((i % 2000) as u64);
            hs.push(subject(
                n,
                SentenceType::Probation,
                received,
                Some((received + Days::new(365), kinds[(i % 4) as usize])),
            ));
        }
        let ledger = build_ledger(&hs, &[], d(2023, 1, 1), d(2023, 12, 31)).unwrap();
        assert_eq!(ledger.cumulative, Cumulative { received: 3170, exits: 2467 });
        assert_eq!(ledger.stock_after.total, 703);
        assert_eq!(
            ledger.stock_after.by_type,
            ByType { control: 0, probation: 516, parole: 110, temporary_outside: 77 }
        );
        assert!(ledger.check_identities().is_empty(), "{:?}", ledger.check_identities());
    }

    /// Rule: flows split by source and by exit kind (domain.md §20.2); exit day is off register.
    #[test]
    fn flows_and_stock_boundaries() {
        let (from, to) = (d(2024, 1, 1), d(2024, 3, 31));
        let mut a = subject(1, SentenceType::Probation, d(2023, 5, 1), Some((d(2024, 1, 1), ExitKind::Expired)));
        a.sex = Sex::Female;
        let b = subject(2, SentenceType::Parole, d(2024, 3, 31), None);
        let mut c = subject(
            3,
            SentenceType::TemporaryOutside,
            d(2024, 2, 1),
            Some((d(2024, 3, 31), ExitKind::ReturnedToPrison)),
        );
        c.received_source = ReceivedSource::Prison;
        let mut e = subject(4, SentenceType::Control, d(2023, 1, 1), Some((d(2024, 4, 1), ExitKind::TransferredOut)));
        e.received_source = ReceivedSource::TransferIn;
        let hs = [a, b, c, e];
        let l = build_ledger(&hs, &[], from, to).unwrap();
        assert_eq!(l.stock_before.total, 2, "subjects 1 and 4 on 31 Dec 2023");
        assert_eq!(l.stock_before.by_sex, BySex { male: 1, female: 1 });
        assert_eq!(l.stock_after.total, 2, "subjects 2 and 4 on 31 Mar 2024");
        assert_eq!(l.flows.received, 2);
        assert_eq!(l.flows.received_by_source, BySource { court: 1, prison: 1, detention_centre: 0, transfer_in: 0 });
        assert_eq!((l.flows.released_expired, l.flows.terminated_returned_to_prison, l.flows.exits), (1, 1, 2));
        assert_eq!(l.flows.transferred_out, 0, "transfer on 1 April is outside the period");
        assert_eq!(l.cumulative, Cumulative { received: 4, exits: 2 });
        assert!(l.check_identities().is_empty());
    }

    /// Rule: stock breakdowns — age bands <18, 18–45, 46–60, >60 on the stock date; class by
    /// history; status facts on the date.
    #[test]
    fn stock_breakdowns() {
        let at = d(2024, 6, 30);
        let mut hs = Vec::new();
        for (n, birth) in [
            (1u128, d(2006, 7, 1)),
            (2, d(2006, 6, 30)),
            (3, d(1978, 7, 1)),
            (4, d(1978, 6, 30)),
            (5, d(1963, 7, 1)),
            (6, d(1963, 6, 30)),
        ] {
            let mut h = subject(n, SentenceType::Probation, d(2024, 1, 1), None);
            h.birth_date = birth;
            hs.push(h);
        }
        // ages on 30 June 2024: 17, 18, 45, 46, 60, 61
        hs[0].is_minor_case = true;
        hs[0].class_history =
            vec![(d(2024, 1, 1), SupervisionClass::Strict), (d(2024, 7, 1), SupervisionClass::Ordinary)];
        hs[1].class = SupervisionClass::Lenient;
        hs[2].leaves = vec![Span { start: d(2024, 6, 25), end: Some(d(2024, 6, 30)) }];
        hs[3].lost_contact = vec![Span { start: d(2024, 6, 1), end: None }];
        hs[4].detained = vec![Span { start: d(2024, 6, 1), end: Some(d(2024, 6, 29)) }];
        hs[5].injunctions = vec![Span { start: d(2024, 1, 1), end: None }];
        hs[5].e_monitoring = vec![Span { start: d(2024, 6, 30), end: Some(d(2024, 9, 29)) }];
        let s = stock_at(&hs, at);
        assert_eq!(s.by_age, ByAge { under_18: 1, from_18_to_45: 2, from_46_to_60: 2, over_60: 1 });
        assert_eq!(s.by_class, ByClass { strict: 1, ordinary: 4, lenient: 1 });
        assert_eq!(s.minor_cases, 1);
        assert_eq!((s.on_leave, s.lost_contact, s.detained, s.with_injunction, s.e_monitored), (1, 1, 0, 1, 1));
        assert_eq!(age_on(d(2008, 2, 29), d(2026, 2, 28)), 17);
        assert_eq!(age_on(d(2008, 2, 29), d(2026, 3, 1)), 18);
    }

    /// Rule: supervision acts count 人次 and 人 within the period; sessions are distinct.
    #[test]
    fn acts_and_work_volume() {
        let hs = [
            subject(1, SentenceType::Probation, d(2023, 1, 1), None),
            subject(2, SentenceType::Parole, d(2023, 1, 1), None),
        ];
        let s1 = SessionId(uuid::Uuid::from_u128(77));
        let office = LeaveAuthority::Office;
        let mut events = vec![
            event(1, d(2024, 1, 5), EventKind::Visit),
            event(1, d(2024, 1, 20), EventKind::Visit),
            event(2, d(2024, 1, 21), EventKind::Visit),
            event(2, d(2023, 12, 31), EventKind::Visit), // before the period
            event(1, d(2024, 1, 9), EventKind::Warning),
            event(1, d(2024, 1, 9), EventKind::LeaveDecision { authority: office, approved: true }),
            event(2, d(2024, 1, 9), EventKind::LeaveDecision { authority: office, approved: false }),
        ];
        for n in [1, 2] {
            events.push(Event {
                subject: sid(n),
                date: d(2024, 1, 10),
                kind: EventKind::Study,
                minutes: 120,
                session: Some(s1),
            });
        }
        events.push(Event {
            subject: sid(1),
            date: d(2024, 1, 25),
            kind: EventKind::Study,
            minutes: 60,
            session: None,
        });
        events.push(Event {
            subject: sid(2),
            date: d(2024, 1, 26),
            kind: EventKind::Service,
            minutes: 240,
            session: None,
        });
        let l = build_ledger(&hs, &events, d(2024, 1, 1), d(2024, 1, 31)).unwrap();
        let find = |k| l.acts.iter().find(|a| a.kind == k).copied();
        assert_eq!(find(EventKind::Visit), Some(ActCount { kind: EventKind::Visit, events: 3, subjects: 2 }));
        assert_eq!(find(EventKind::Warning).map(|a| (a.events, a.subjects)), Some((1, 1)));
        assert_eq!(find(EventKind::LeaveDecision { authority: office, approved: true }).map(|a| a.events), Some(1));
        assert_eq!(find(EventKind::LeaveDecision { authority: office, approved: false }).map(|a| a.events), Some(1));
        assert_eq!(l.work.visits, 3);
        assert_eq!((l.work.study_sessions, l.work.study_attendances, l.work.study_minutes), (2, 3, 300));
        assert_eq!((l.work.service_sessions, l.work.service_minutes), (1, 240));
        let json = serde_json::to_value(&l).unwrap();
        assert_eq!(json["stock_after"]["total"], 2);
    }

    /// Rule: a broken ledger is caught by each identity (domain.md §20.1–20.2).
    #[test]
    fn broken_ledger_is_caught() {
        let hs = [
            subject(1, SentenceType::Probation, d(2023, 1, 1), None),
            subject(2, SentenceType::Parole, d(2024, 2, 1), Some((d(2024, 3, 1), ExitKind::Expired))),
        ];
        let good = build_ledger(&hs, &[], d(2024, 1, 1), d(2024, 12, 31)).unwrap();
        assert!(good.check_identities().is_empty());

        let mut bad = good.clone();
        bad.flows.received += 1;
        bad.flows.received_by_source.court += 1;
        assert_eq!(
            bad.check_identities(),
            vec![IdentityViolation::RegisterFlow { before: 1, received: 2, exits: 1, after: 1 }]
        );

        let mut bad = good.clone();
        bad.stock_after.by_type.parole += 1;
        assert_eq!(
            bad.check_identities(),
            vec![IdentityViolation::BreakdownSum {
                breakdown: Breakdown::Type,
                date: Some(d(2024, 12, 31)),
                sum: 2,
                total: 1
            }]
        );

        let mut bad = good.clone();
        bad.cumulative.exits = 0;
        assert_eq!(bad.check_identities(), vec![IdentityViolation::Cumulative { received: 2, exits: 0, register: 1 }]);

        let mut bad = good.clone();
        bad.flows.released_expired = 0;
        assert!(matches!(
            bad.check_identities()[..],
            [IdentityViolation::BreakdownSum { breakdown: Breakdown::ExitKind, .. }]
        ));

        let mut bad = good;
        bad.stock_before.total += 1;
        let v = bad.check_identities();
        assert!(v.contains(&IdentityViolation::RegisterFlow { before: 2, received: 1, exits: 1, after: 1 }));
        assert!(v.iter().any(|x| matches!(x, IdentityViolation::BreakdownSum { breakdown: Breakdown::Sex, .. })));
    }

    #[test]
    fn bad_input_is_refused() {
        let a = subject(1, SentenceType::Probation, d(2024, 2, 1), Some((d(2024, 1, 1), ExitKind::Death)));
        assert!(matches!(
            build_ledger(std::slice::from_ref(&a), &[], d(2024, 1, 1), d(2024, 12, 31)),
            Err(StatisticsError::ExitBeforeReceived { .. })
        ));
        let b = subject(2, SentenceType::Probation, d(2024, 2, 1), None);
        assert_eq!(
            build_ledger(&[b.clone(), b.clone()], &[], d(2024, 1, 1), d(2024, 12, 31)),
            Err(StatisticsError::DuplicateSubject { subject: sid(2) })
        );
        assert_eq!(
            build_ledger(std::slice::from_ref(&b), &[], d(2024, 2, 1), d(2024, 1, 1)),
            Err(StatisticsError::PeriodReversed { from: d(2024, 2, 1), to: d(2024, 1, 1) })
        );
        let e = [event(9, d(2024, 3, 1), EventKind::Talk)];
        assert_eq!(
            build_ledger(&[b], &e, d(2024, 1, 1), d(2024, 12, 31)),
            Err(StatisticsError::EventForUnknownSubject { subject: sid(9) })
        );
    }

    /// (received offset, exit (offset, kind), type, male, birth offset, class, source).
    type RawHistory = (u16, Option<(u16, u8)>, u8, bool, u16, u8, u8);

    fn arb_history() -> impl Strategy<Value = RawHistory> {
        (
            0u16..3000,                                 // received offset (days from 2018-01-01)
            proptest::option::of((0u16..1500, 0u8..7)), // exit after received, kind
            0u8..4,                                     // sentence type
            any::<bool>(),                              // sex
            0u16..30000,                                // birth offset (days from 1940-01-01)
            0u8..3,                                     // class
            0u8..4,                                     // source
        )
    }

    proptest! {
        /// Identities (domain.md §20.1–20.2) hold for any set of histories and any period.
        #[test]
        fn identities_hold_for_random_histories(
            raw in proptest::collection::vec(arb_history(), 0..60),
            from_off in 0u16..4000,
            len in 0u16..800,
        ) {
            let base = d(2018, 1, 1);
            let hs: Vec<SubjectHistory> = raw.iter().enumerate().map(|(i, &(rec, exit, st, male, birth, class, src))| {
                let received = base + Days::new(u64::from(rec));
                let exits = [ExitKind::Expired, ExitKind::Amnesty, ExitKind::RevokedProbation, ExitKind::RevokedParole, ExitKind::ReturnedToPrison, ExitKind::Death, ExitKind::TransferredOut];
                let sources = [ReceivedSource::Court, ReceivedSource::Prison, ReceivedSource::DetentionCentre, ReceivedSource::TransferIn];
                SubjectHistory {
                    sex: if male { Sex::Male } else { Sex::Female },
                    birth_date: d(1940, 1, 1) + Days::new(u64::from(birth)),
                    class: SupervisionClass::ALL[usize::from(class)],
                    received_source: sources[usize::from(src)],
                    exit: exit.map(|(off, k)| (received + Days::new(u64::from(off)), exits[usize::from(k)])),
                    ..subject(i as u128, SentenceType::ALL[usize::from(st)], received, None)
                }
            }).collect();
            let from = base + Days::new(u64::from(from_off));
            let to = from + Days::new(u64::from(len));
            let l = build_ledger(&hs, &[], from, to).unwrap();
            prop_assert!(l.check_identities().is_empty(), "{:?}", l.check_identities());
            // Independent count of the register at `to`.
            let expect = hs.iter().filter(|h| h.received_on <= to && h.exit.is_none_or(|(e, _)| e > to)).count();
            prop_assert_eq!(l.stock_after.total as usize, expect);
        }
    }
}
