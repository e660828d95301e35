//! Sanction advisor (domain.md §12.2–12.3). **Advisory only**: it says which measure the facts
//! point to and why; the county (or the court, police, deciding organ) decides, and only an
//! authorised user records a decision (实施办法第三十二条; domain.md §12.3).
//!
//! Sources: 社区矫正法第二十八条、第四十六条至第四十九条、第五十九条; 实施办法第三十四条（训诫）、
//! 第三十五条（警告）、第三十六条（治安管理处罚）、第四十六条（撤销缓刑）、第四十七条（撤销假释）、
//! 第四十八条（收监执行）; 刑法第三十八条、第七十七条、第八十六条; 刑事诉讼法第二百六十八条.
//!
//! Decisions (domain.md silent; \[PROPOSAL\]):
//! * **Counting window.** 训诫, 警告 and police penalties count only when dated inside the current
//!   correction term (up to `today`) and not revoked or superseded. A new term (new sentence)
//!   starts from zero; earlier terms are history, not escalation grounds.
//! * **"仍不改正" (not corrected).** Judged by a *new* breach: the breach under consideration or a
//!   lost-contact episode of at least one day. Late intake is not a new breach (it precedes any
//!   sanction of the term). For 暂予监外执行, two warnings suffice alone (实施办法第四十八条).
//! * **Day counting.** Out-of-supervision days = found date (or `today`) − start date; late days =
//!   report date (or `today`) − deadline (start day not counted, 刑事诉讼法第一百零五条).
//!   "超过一个月" = the end is after start + 1 calendar month (so 15 Jan → 15 Feb is one month,
//!   a 警告; 15 Jan → 16 Feb exceeds it). "十日以内" includes 10 (刑法第九十九条).
//! * **管制** has no revocation or 收监: where the others would be revoked, the advisor suggests a
//!   proposal for a public-security penalty (社区矫正法第五十九条; 刑法第三十八条第四款 for
//!   injunctions) and says so in the reason.
//! * The final suggestion is the most severe of the reasons; every reason is kept for the record.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::rule_pack::SanctionRules;
use crate::{DateRange, SentenceType};

/// A recorded 训诫, 警告 or police penalty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanctionRecord {
    pub date: NaiveDate,
    /// Revoked (撤销) or superseded by a later decision: not counted.
    #[serde(default)]
    pub revoked: bool,
}

/// A span of days; `end: None` = still running on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanctionFacts {
    pub sentence_type: SentenceType,
    /// 保外就医 (for re-examination breaches).
    #[serde(default)]
    pub medical_parole: bool,
    /// Current correction term; only records inside it count.
    pub term: DateRange,
    /// 训诫 decisions.
    #[serde(default)]
    pub admonitions: Vec<SanctionRecord>,
    /// 警告 decisions.
    #[serde(default)]
    pub warnings: Vec<SanctionRecord>,
    /// 治安管理处罚 for breaching supervision rules (社区矫正法第五十九条).
    #[serde(default)]
    pub police_penalties: Vec<SanctionRecord>,
    /// Current 脱管 episode: start = last verified contact; end = date found.
    pub lost_contact: Option<Episode>,
    /// Late 报到: start = the report-in deadline; end = date reported.
    pub late_intake: Option<Episode>,
}

/// The breach being considered now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachKind {
    /// 轻微违反报告、会客、外出、迁居等规定；其他轻微违规 (实施办法第三十四条第（二）、（四）项).
    Minor,
    /// 不按规定参加教育学习等活动，经教育仍不改正 (第三十四条第（三）项).
    NotAttendingEducation,
    /// 违反报告、会客、外出、迁居等规定，情节较重；其他较重违规 (第三十五条第（三）、（六）项).
    MoreSerious,
    /// 违反禁止令，情节轻微 (第三十五条第（一）项) — 管制、缓刑 only.
    InjunctionMinor,
    /// 违反禁止令，情节严重 (刑法第七十七条第二款; 第四十六条第（一）项) — 管制、缓刑 only.
    InjunctionSerious,
    /// 保外就医 无正当理由不按时提交病情复查情况，经教育仍不改正 (第三十五条第（四）项).
    MissedReexam,
    /// 保外就医 未按规定提交病情复查情况，经警告拒不改正 (第四十八条第（五）项).
    MissedReexamAfterWarning,
    /// 违反监督管理规定或者禁止令，依法应予治安管理处罚 (社区矫正法第五十九条; 第三十六条).
    WarrantsPolicePenalty,
    /// 暂予监外执行: 未经批准擅自离开所居住的市、县，经警告拒不改正 (第四十八条第（二）项).
    LeftCityAfterWarning,
    /// 暂予监外执行: 不符合暂予监外执行条件 (第四十八条第（一）项).
    ConditionsNotMet,
    /// 暂予监外执行: 暂予监外执行的情形消失后，刑期未满 (第四十八条第（六）项; 刑事诉讼法第二百六十八条).
    GroundsEnded,
    /// 暂予监外执行: 保证人丧失保证条件或者不履行义务，未在规定期限内提出新的保证人 (第四十八条第（七）项).
    GuarantorLost,
    /// 其他违反监督管理规定，情节严重 (第四十六条第（五）项、第四十七条第（三）项、第四十八条第（八）项).
    Serious,
}

/// Ordered by severity: a later variant outranks an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suggestion {
    None,
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
}

impl Suggestion {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::None => "暂无处理建议",
            Self::Admonition => "训诫",
            Self::Warning => "警告",
            Self::PolicePenaltyProposal => "提请治安管理处罚",
            Self::RevokeProbationProposal => "提请撤销缓刑",
            Self::RevokeParoleProposal => "提请撤销假释",
            Self::ReturnToPrisonProposal => "提请收监执行",
        }
    }

    /// Who takes the decision (社区矫正法第二十八条、第四十六条、第四十九条、第五十九条).
    pub fn decided_by(self) -> DecidingBody {
        match self {
            Self::None | Self::Admonition | Self::Warning => DecidingBody::County,
            Self::PolicePenaltyProposal => DecidingBody::Police,
            Self::RevokeProbationProposal | Self::RevokeParoleProposal => DecidingBody::Court,
            Self::ReturnToPrisonProposal => DecidingBody::DecidingOrgan,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidingBody {
    /// 县级社区矫正机构
    County,
    /// 人民法院
    Court,
    /// 公安机关
    Police,
    /// 社区矫正决定机关（暂予监外执行的决定或批准机关）
    DecidingOrgan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// 脱离监管 ≤ 10 days.
    LostContactShort,
    /// 脱离监管 11 days – 1 month.
    LostContactLong,
    /// 脱离监管 > 1 month.
    LostContactOverMonth,
    LateIntakeShort,
    LateIntakeLong,
    LateIntakeOverMonth,
    /// Enough 训诫 and a new breach.
    RepeatedAdmonitions,
    /// Enough 警告 and a new breach (or, for 暂予监外执行, alone).
    RepeatedWarnings,
    /// Police penalty and a new breach.
    PolicePenaltyNotCorrected,
    /// The breach under consideration.
    Breach(BreachKind),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: ReasonCode,
    /// What this reason alone points to.
    pub suggests: Suggestion,
    /// Chinese citation shown to the user.
    pub basis: String,
    /// Days (episodes) or number of records (counts); `None` for a single breach.
    pub count: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    pub suggestion: Suggestion,
    pub reasons: Vec<Reason>,
    pub decided_by: DecidingBody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EpisodeKind {
    LostContact,
    LateIntake,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SanctionError {
    #[error("{kind:?}: 结束日 {end} 早于开始日 {start}")]
    EpisodeEndsBeforeStart { kind: EpisodeKind, start: NaiveDate, end: NaiveDate },
    #[error("{kind:?}: 开始日 {start} 晚于今天 {today}")]
    EpisodeInFuture { kind: EpisodeKind, start: NaiveDate, today: NaiveDate },
    #[error("{breach:?} 不适用于 {sentence_type:?}")]
    BreachNotApplicable { breach: BreachKind, sentence_type: SentenceType },
    #[error("矫正期限止日 {end} 早于起日 {start}")]
    TermEndsBeforeStart { start: NaiveDate, end: NaiveDate },
}

const CONTROL_NO_REVOCATION: &str =
    "管制无撤销、收监程序，改为提请公安机关依法给予治安管理处罚（社区矫正法第五十九条）";

/// Advice for the facts and the breach under consideration (`None` = review the record only).
pub fn advise(
    facts: &SanctionFacts,
    breach: Option<BreachKind>,
    today: NaiveDate,
    rules: &SanctionRules,
) -> Result<Advice, SanctionError> {
    let st = facts.sentence_type;
    if facts.term.end < facts.term.start {
        return Err(SanctionError::TermEndsBeforeStart { start: facts.term.start, end: facts.term.end });
    }
    let mut reasons = Vec::new();

    // The breach under consideration.
    if let Some(b) = breach {
        let (suggests, basis) = breach_rule(b, st, facts.medical_parole)?;
        reasons.push(Reason { code: ReasonCode::Breach(b), suggests, basis, count: None });
    }

    // Out of supervision (实施办法第三十四条第（一）项、第三十五条第（二）项、第四十六条第（二）项、
    // 第四十七条第（一）项、第四十八条第（二）项).
    let lost_days = match facts.lost_contact {
        Some(ep) => {
            let (days, over) = measure(ep, EpisodeKind::LostContact, today, rules)?;
            if let Some(r) = episode_reason(EpisodeKind::LostContact, days, over, st, rules) {
                reasons.push(r);
            }
            days
        }
        None => 0,
    };
    // Late intake: same thresholds (same articles, "逾期报到").
    if let Some(ep) = facts.late_intake {
        let (days, over) = measure(ep, EpisodeKind::LateIntake, today, rules)?;
        if let Some(r) = episode_reason(EpisodeKind::LateIntake, days, over, st, rules) {
            reasons.push(r);
        }
    }

    let new_breach = breach.is_some() || lost_days > 0;
    let counted = |records: &[SanctionRecord]| {
        let n = records.iter().filter(|r| !r.revoked && facts.term.contains(r.date) && r.date <= today).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };

    // 实施办法第三十五条第（五）项: admonished (twice) and still not corrected → 警告.
    let admonitions = counted(&facts.admonitions);
    if admonitions >= rules.admonitions_before_warning && new_breach {
        reasons.push(Reason {
            code: ReasonCode::RepeatedAdmonitions,
            suggests: Suggestion::Warning,
            basis: format!("实施办法第三十五条第（五）项（本期已受训诫{admonitions}次，仍不改正）"),
            count: Some(admonitions),
        });
    }

    // Warned (twice) and still not corrected → revocation / 收监 (Arts 46(4), 47(2)); for
    // 暂予监外执行 the warnings alone suffice (Art 48(4)).
    let warnings = counted(&facts.warnings);
    let warnings_ground = match st {
        SentenceType::TemporaryOutside => true,
        _ => new_breach,
    };
    if warnings >= rules.warnings_before_revocation && warnings_ground {
        let (suggests, basis) = match st {
            SentenceType::Probation => (Suggestion::RevokeProbationProposal, format!("社区矫正法第四十六条；实施办法第四十六条第（四）项（本期受到警告{warnings}次，仍不改正）")),
            SentenceType::Parole => (Suggestion::RevokeParoleProposal, format!("社区矫正法第四十六条；刑法第八十六条；实施办法第四十七条第（二）项（本期受到警告{warnings}次，仍不改正）")),
            SentenceType::TemporaryOutside => (Suggestion::ReturnToPrisonProposal, format!("社区矫正法第四十九条；实施办法第四十八条第（四）项（本期受到警告{warnings}次）")),
            SentenceType::Control => (Suggestion::PolicePenaltyProposal, format!("本期受到警告{warnings}次，仍不改正；{CONTROL_NO_REVOCATION}")),
        };
        reasons.push(Reason { code: ReasonCode::RepeatedWarnings, suggests, basis, count: Some(warnings) });
    }

    // Penalised by the police for breaching supervision rules and still not corrected:
    // 缓刑 Art 46(3), 暂予监外执行 Art 48(3). 假释 and 管制 have no such ground.
    let penalties = counted(&facts.police_penalties);
    if penalties >= 1 && new_breach {
        let ground = match st {
            SentenceType::Probation => {
                Some((Suggestion::RevokeProbationProposal, "社区矫正法第四十六条；实施办法第四十六条第（三）项"))
            }
            SentenceType::TemporaryOutside => {
                Some((Suggestion::ReturnToPrisonProposal, "社区矫正法第四十九条；实施办法第四十八条第（三）项"))
            }
            SentenceType::Parole | SentenceType::Control => None,
        };
        if let Some((suggests, cite)) = ground {
            reasons.push(Reason {
                code: ReasonCode::PolicePenaltyNotCorrected,
                suggests,
                basis: format!("{cite}（本期因违反监督管理规定受到治安管理处罚{penalties}次，仍不改正）"),
                count: Some(penalties),
            });
        }
    }

    let suggestion = reasons.iter().map(|r| r.suggests).max().unwrap_or(Suggestion::None);
    Ok(Advice { suggestion, reasons, decided_by: suggestion.decided_by() })
}

/// Days and whether the episode exceeds the revocation threshold in calendar months.
fn measure(
    ep: Episode,
    kind: EpisodeKind,
    today: NaiveDate,
    rules: &SanctionRules,
) -> Result<(u32, bool), SanctionError> {
    if ep.start > today {
        return Err(SanctionError::EpisodeInFuture { kind, start: ep.start, today });
    }
    let end = ep.end.unwrap_or(today);
    if end < ep.start {
        return Err(SanctionError::EpisodeEndsBeforeStart { kind, start: ep.start, end });
    }
    let days = u32::try_from((end - ep.start).num_days()).unwrap_or(u32::MAX);
    let limit = ep.start.checked_add_months(Months::new(rules.lost_contact_revocation_after_months));
    Ok((days, limit.is_some_and(|l| end > l)))
}

fn episode_reason(
    kind: EpisodeKind,
    days: u32,
    over_limit: bool,
    st: SentenceType,
    rules: &SanctionRules,
) -> Option<Reason> {
    if days == 0 {
        return None;
    }
    let (what, short, long, over) = match kind {
        EpisodeKind::LostContact => {
            ("脱离监管", ReasonCode::LostContactShort, ReasonCode::LostContactLong, ReasonCode::LostContactOverMonth)
        }
        EpisodeKind::LateIntake => {
            ("逾期报到", ReasonCode::LateIntakeShort, ReasonCode::LateIntakeLong, ReasonCode::LateIntakeOverMonth)
        }
    };
    let max = rules.lost_contact_admonition_max_days;
    let months = rules.lost_contact_revocation_after_months;
    let (code, suggests, basis) = if over_limit {
        let (s, cite) = match (st, kind) {
            (SentenceType::Probation, _) => {
                (Suggestion::RevokeProbationProposal, "社区矫正法第四十六条；实施办法第四十六条第（二）项".to_owned())
            }
            (SentenceType::Parole, _) => (
                Suggestion::RevokeParoleProposal,
                "社区矫正法第四十六条；刑法第八十六条；实施办法第四十七条第（一）项".to_owned(),
            ),
            (SentenceType::TemporaryOutside, _) => {
                (Suggestion::ReturnToPrisonProposal, "社区矫正法第四十九条；实施办法第四十八条第（二）项".to_owned())
            }
            (SentenceType::Control, _) => (Suggestion::PolicePenaltyProposal, CONTROL_NO_REVOCATION.to_owned()),
        };
        (over, s, format!("{cite}（{what}{days}日，超过{months}个月）"))
    } else if days <= max {
        (short, Suggestion::Admonition, format!("实施办法第三十四条第（一）项（{what}{days}日，{max}日以内）"))
    } else {
        (long, Suggestion::Warning, format!("实施办法第三十五条第（二）项（{what}{days}日，超过{max}日）"))
    };
    Some(Reason { code, suggests, basis, count: Some(days) })
}

fn breach_rule(b: BreachKind, st: SentenceType, medical_parole: bool) -> Result<(Suggestion, String), SanctionError> {
    use BreachKind as B;
    use SentenceType as T;
    let na = Err(SanctionError::BreachNotApplicable { breach: b, sentence_type: st });
    let ok = |s: Suggestion, basis: &str| Ok((s, basis.to_owned()));
    match (b, st) {
        (B::Minor, _) => ok(Suggestion::Admonition, "实施办法第三十四条第（二）项、第（四）项（轻微违反监督管理规定）"),
        (B::NotAttendingEducation, _) => ok(Suggestion::Admonition, "实施办法第三十四条第（三）项（不按规定参加教育学习等活动，经教育仍不改正）"),
        (B::MoreSerious, _) => ok(Suggestion::Warning, "实施办法第三十五条第（三）项、第（六）项（违反监督管理规定，情节较重）"),
        // 禁止令 attaches only to 管制 and 缓刑 (刑法第三十八条、第七十二条).
        (B::InjunctionMinor, T::Control | T::Probation) => ok(Suggestion::Warning, "实施办法第三十五条第（一）项（违反禁止令，情节轻微）"),
        (B::InjunctionSerious, T::Probation) => ok(Suggestion::RevokeProbationProposal, "刑法第七十七条第二款；社区矫正法第四十六条；实施办法第四十六条第（一）项（违反禁止令，情节严重）"),
        (B::InjunctionSerious, T::Control) => ok(Suggestion::PolicePenaltyProposal, "刑法第三十八条第四款（违反禁止令的，由公安机关依照治安管理处罚法处罚）；社区矫正法第五十九条"),
        (B::InjunctionMinor | B::InjunctionSerious, _) => na,
        (B::MissedReexam, T::TemporaryOutside) if medical_parole => ok(Suggestion::Warning, "实施办法第三十五条第（四）项（保外就医无正当理由不按时提交病情复查情况，经教育仍不改正）"),
        (B::MissedReexamAfterWarning, T::TemporaryOutside) if medical_parole => ok(Suggestion::ReturnToPrisonProposal, "社区矫正法第四十九条；实施办法第四十八条第（五）项（未按规定提交病情复查情况，经警告拒不改正）"),
        (B::MissedReexam | B::MissedReexamAfterWarning, _) => na,
        (B::WarrantsPolicePenalty, _) => ok(Suggestion::PolicePenaltyProposal, "社区矫正法第五十九条；实施办法第三十六条（违反监督管理规定，依法应予治安管理处罚）"),
        (B::LeftCityAfterWarning, T::TemporaryOutside) => ok(Suggestion::ReturnToPrisonProposal, "社区矫正法第四十九条；实施办法第四十八条第（二）项（未经批准擅自离开所居住的市、县，经警告拒不改正）"),
        (B::ConditionsNotMet, T::TemporaryOutside) => ok(Suggestion::ReturnToPrisonProposal, "刑事诉讼法第二百六十八条；社区矫正法第四十九条；实施办法第四十八条第（一）项（不符合暂予监外执行条件）"),
        (B::GroundsEnded, T::TemporaryOutside) => ok(Suggestion::ReturnToPrisonProposal, "刑事诉讼法第二百六十八条；社区矫正法第四十九条；实施办法第四十八条第（六）项（暂予监外执行的情形消失，刑期未满）"),
        (B::GuarantorLost, T::TemporaryOutside) => ok(Suggestion::ReturnToPrisonProposal, "社区矫正法第四十九条；实施办法第四十八条第（七）项（保证人丧失保证条件，未在规定期限内提出新的保证人）"),
        (B::LeftCityAfterWarning | B::ConditionsNotMet | B::GroundsEnded | B::GuarantorLost, _) => na,
        (B::Serious, T::Probation) => ok(Suggestion::RevokeProbationProposal, "社区矫正法第四十六条；实施办法第四十六条第（五）项（其他违反监督管理规定，情节严重）"),
        (B::Serious, T::Parole) => ok(Suggestion::RevokeParoleProposal, "刑法第八十六条第三款；社区矫正法第四十六条；实施办法第四十七条第（三）项（违反监督管理规定，情节严重）"),
        (B::Serious, T::TemporaryOutside) => ok(Suggestion::ReturnToPrisonProposal, "社区矫正法第四十九条；实施办法第四十八条第（八）项（其他违反监督管理规定，情节严重）"),
        (B::Serious, T::Control) => ok(Suggestion::PolicePenaltyProposal, &format!("违反监督管理规定，情节严重；{CONTROL_NO_REVOCATION}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BreachKind as B;
    use SentenceType as T;
    use Suggestion as G;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rules() -> SanctionRules {
        SanctionRules {
            admonitions_before_warning: 2,
            warnings_before_revocation: 2,
            lost_contact_admonition_max_days: 10,
            lost_contact_revocation_after_months: 1,
        }
    }

    fn facts(st: T) -> SanctionFacts {
        SanctionFacts {
            sentence_type: st,
            medical_parole: st == T::TemporaryOutside,
            term: DateRange::new(d(2023, 1, 1), d(2026, 12, 31)),
            admonitions: Vec::new(),
            warnings: Vec::new(),
            police_penalties: Vec::new(),
            lost_contact: None,
            late_intake: None,
        }
    }

    fn rec(date: NaiveDate) -> SanctionRecord {
        SanctionRecord { date, revoked: false }
    }

    fn lost(st: T, start: NaiveDate, end: NaiveDate) -> Advice {
        let mut f = facts(st);
        f.lost_contact = Some(Episode { start, end: Some(end) });
        advise(&f, None, d(2024, 12, 31), &rules()).unwrap()
    }

    /// Rules: 实施办法第三十四条第（一）项 (≤10 days → 训诫) and 第三十五条第（二）项 (>10 → 警告).
    #[test]
    fn lost_contact_ten_and_eleven_days() {
        let a = lost(T::Probation, d(2024, 3, 1), d(2024, 3, 11));
        assert_eq!((a.suggestion, a.decided_by), (G::Admonition, DecidingBody::County));
        assert_eq!(a.reasons[0].code, ReasonCode::LostContactShort);
        assert_eq!(a.reasons[0].count, Some(10));
        assert!(a.reasons[0].basis.contains("第三十四条"));
        let a = lost(T::Probation, d(2024, 3, 1), d(2024, 3, 12));
        assert_eq!(a.suggestion, G::Warning);
        assert_eq!(a.reasons[0].count, Some(11));
        assert!(a.reasons[0].basis.contains("第三十五条第（二）项"));
        // Found the same day: nothing.
        assert_eq!(lost(T::Probation, d(2024, 3, 1), d(2024, 3, 1)).suggestion, G::None);
    }

    /// Rules: 实施办法第四十六条第（二）项、第四十七条第（一）项、第四十八条第（二）项 — more than one
    /// month out of supervision; exactly one month is still 警告.
    #[test]
    fn lost_contact_one_month_and_one_month_plus_a_day_per_sentence_type() {
        for (st, over) in [
            (T::Probation, G::RevokeProbationProposal),
            (T::Parole, G::RevokeParoleProposal),
            (T::TemporaryOutside, G::ReturnToPrisonProposal),
            (T::Control, G::PolicePenaltyProposal),
        ] {
            assert_eq!(lost(st, d(2024, 1, 15), d(2024, 2, 15)).suggestion, G::Warning, "{st:?}");
            let a = lost(st, d(2024, 1, 15), d(2024, 2, 16));
            assert_eq!(a.suggestion, over, "{st:?}");
            assert_eq!(a.reasons[0].code, ReasonCode::LostContactOverMonth);
        }
        // Month ends clamp: 31 Jan + 1 month = 29 Feb 2024.
        assert_eq!(lost(T::Parole, d(2024, 1, 31), d(2024, 2, 29)).suggestion, G::Warning);
        assert_eq!(lost(T::Parole, d(2024, 1, 31), d(2024, 3, 1)).suggestion, G::RevokeParoleProposal);
        assert_eq!(lost(T::Parole, d(2024, 1, 31), d(2024, 3, 1)).decided_by, DecidingBody::Court);
        assert_eq!(lost(T::TemporaryOutside, d(2024, 1, 31), d(2024, 3, 1)).decided_by, DecidingBody::DecidingOrgan);
        let control = lost(T::Control, d(2024, 1, 15), d(2024, 2, 16));
        assert_eq!(control.decided_by, DecidingBody::Police);
        assert!(control.reasons[0].basis.contains("管制无撤销"));
    }

    /// Rule: an episode still running counts to today.
    #[test]
    fn ongoing_lost_contact_counts_to_today() {
        let mut f = facts(T::Probation);
        f.lost_contact = Some(Episode { start: d(2024, 5, 1), end: None });
        assert_eq!(advise(&f, None, d(2024, 5, 11), &rules()).unwrap().suggestion, G::Admonition);
        assert_eq!(advise(&f, None, d(2024, 5, 12), &rules()).unwrap().suggestion, G::Warning);
        assert_eq!(advise(&f, None, d(2024, 6, 2), &rules()).unwrap().suggestion, G::RevokeProbationProposal);
    }

    /// Rule: late 报到 — same thresholds (实施办法第三十四条第（一）项、第三十五条第（二）项、
    /// 第四十六条第（二）项).
    #[test]
    fn late_intake_thresholds() {
        let late = |st, end| {
            let mut f = facts(st);
            f.late_intake = Some(Episode { start: d(2024, 3, 11), end: Some(end) });
            advise(&f, None, d(2024, 12, 31), &rules()).unwrap()
        };
        let a = late(T::Probation, d(2024, 3, 21));
        assert_eq!((a.suggestion, a.reasons[0].code), (G::Admonition, ReasonCode::LateIntakeShort));
        assert!(a.reasons[0].basis.contains("逾期报到10日"));
        assert_eq!(late(T::Probation, d(2024, 3, 22)).reasons[0].code, ReasonCode::LateIntakeLong);
        assert_eq!(late(T::Probation, d(2024, 4, 11)).suggestion, G::Warning);
        let a = late(T::Parole, d(2024, 4, 12));
        assert_eq!((a.suggestion, a.reasons[0].code), (G::RevokeParoleProposal, ReasonCode::LateIntakeOverMonth));
        assert_eq!(late(T::Control, d(2024, 4, 12)).suggestion, G::PolicePenaltyProposal);
    }

    /// Rule: 实施办法第三十五条第（五）项 — two 训诫 and a new breach → 警告; one 训诫 is not enough;
    /// two without a new breach suggest nothing.
    #[test]
    fn two_admonitions_and_a_new_breach_suggest_warning() {
        let mut f = facts(T::Probation);
        f.admonitions = vec![rec(d(2024, 1, 5))];
        assert_eq!(advise(&f, Some(B::Minor), d(2024, 6, 1), &rules()).unwrap().suggestion, G::Admonition);
        f.admonitions.push(rec(d(2024, 3, 5)));
        let a = advise(&f, Some(B::Minor), d(2024, 6, 1), &rules()).unwrap();
        assert_eq!(a.suggestion, G::Warning);
        let r = a.reasons.iter().find(|r| r.code == ReasonCode::RepeatedAdmonitions).unwrap();
        assert_eq!(r.count, Some(2));
        assert!(r.basis.contains("第三十五条第（五）项"));
        assert_eq!(advise(&f, None, d(2024, 6, 1), &rules()).unwrap().suggestion, G::None);
        // A revoked 训诫 does not count.
        f.admonitions[1].revoked = true;
        assert_eq!(advise(&f, Some(B::Minor), d(2024, 6, 1), &rules()).unwrap().suggestion, G::Admonition);
    }

    /// Rule: counts are within the current term: 训诫 from an earlier term do not escalate.
    #[test]
    fn records_outside_the_current_term_do_not_count() {
        let mut f = facts(T::Probation);
        f.admonitions = vec![rec(d(2021, 1, 5)), rec(d(2022, 12, 31)), rec(d(2024, 1, 5))];
        assert_eq!(advise(&f, Some(B::Minor), d(2024, 6, 1), &rules()).unwrap().suggestion, G::Admonition);
        f.warnings = vec![rec(d(2022, 1, 1)), rec(d(2024, 2, 1))];
        assert_eq!(advise(&f, Some(B::Minor), d(2024, 6, 1), &rules()).unwrap().suggestion, G::Admonition);
    }

    /// Rules: 实施办法第四十六条第（四）项、第四十七条第（二）项 (two warnings and not corrected),
    /// 第四十八条第（四）项 (暂予监外执行: two warnings suffice); 管制: police penalty (社区矫正法第五十九条).
    #[test]
    fn two_warnings_per_sentence_type() {
        for (st, with_breach, alone) in [
            (T::Probation, G::RevokeProbationProposal, G::None),
            (T::Parole, G::RevokeParoleProposal, G::None),
            (T::TemporaryOutside, G::ReturnToPrisonProposal, G::ReturnToPrisonProposal),
            (T::Control, G::PolicePenaltyProposal, G::None),
        ] {
            let mut f = facts(st);
            f.warnings = vec![rec(d(2024, 1, 5))];
            assert_eq!(
                advise(&f, Some(B::Minor), d(2024, 6, 1), &rules()).unwrap().suggestion,
                G::Admonition,
                "{st:?} one warning"
            );
            f.warnings.push(rec(d(2024, 2, 5)));
            let a = advise(&f, Some(B::Minor), d(2024, 6, 1), &rules()).unwrap();
            assert_eq!(a.suggestion, with_breach, "{st:?}");
            assert!(a.reasons.iter().any(|r| r.code == ReasonCode::RepeatedWarnings && r.count == Some(2)));
            assert_eq!(advise(&f, None, d(2024, 6, 1), &rules()).unwrap().suggestion, alone, "{st:?} alone");
        }
        // A lost-contact day is a new breach too.
        let mut f = facts(T::Parole);
        f.warnings = vec![rec(d(2024, 1, 5)), rec(d(2024, 2, 5))];
        f.lost_contact = Some(Episode { start: d(2024, 5, 1), end: Some(d(2024, 5, 3)) });
        assert_eq!(advise(&f, None, d(2024, 6, 1), &rules()).unwrap().suggestion, G::RevokeParoleProposal);
    }

    /// Rule: 2012 rules needed three warnings; a pack's threshold is honoured.
    #[test]
    fn warning_threshold_comes_from_the_pack() {
        let mut f = facts(T::Probation);
        f.warnings = vec![rec(d(2024, 1, 5)), rec(d(2024, 2, 5))];
        let three = SanctionRules { warnings_before_revocation: 3, ..rules() };
        assert_eq!(advise(&f, Some(B::Minor), d(2024, 6, 1), &three).unwrap().suggestion, G::Admonition);
    }

    /// Rules: 实施办法第四十六条第（三）项 (缓刑) and 第四十八条第（三）项 (暂予监外执行) — penalised by
    /// the police and still not corrected; no such ground for 假释 or 管制.
    #[test]
    fn police_penalty_and_not_corrected() {
        for (st, expect) in [
            (T::Probation, G::RevokeProbationProposal),
            (T::TemporaryOutside, G::ReturnToPrisonProposal),
            (T::Parole, G::Admonition),
            (T::Control, G::Admonition),
        ] {
            let mut f = facts(st);
            f.police_penalties = vec![rec(d(2024, 2, 1))];
            assert_eq!(advise(&f, Some(B::Minor), d(2024, 6, 1), &rules()).unwrap().suggestion, expect, "{st:?}");
        }
    }

    /// Rules: each breach kind maps to its article, per sentence type.
    #[test]
    fn breach_kinds_per_sentence_type() {
        let one = |st, b| advise(&facts(st), Some(b), d(2024, 6, 1), &rules());
        assert_eq!(one(T::Parole, B::NotAttendingEducation).unwrap().suggestion, G::Admonition);
        assert_eq!(one(T::Parole, B::MoreSerious).unwrap().suggestion, G::Warning);
        assert_eq!(one(T::Control, B::InjunctionMinor).unwrap().suggestion, G::Warning);
        assert_eq!(one(T::Probation, B::InjunctionSerious).unwrap().suggestion, G::RevokeProbationProposal);
        let c = one(T::Control, B::InjunctionSerious).unwrap();
        assert_eq!((c.suggestion, c.decided_by), (G::PolicePenaltyProposal, DecidingBody::Police));
        assert!(c.reasons[0].basis.contains("刑法第三十八条第四款"));
        assert_eq!(
            one(T::Parole, B::InjunctionMinor),
            Err(SanctionError::BreachNotApplicable { breach: B::InjunctionMinor, sentence_type: T::Parole })
        );
        assert_eq!(one(T::TemporaryOutside, B::MissedReexam).unwrap().suggestion, G::Warning);
        assert_eq!(
            one(T::TemporaryOutside, B::MissedReexamAfterWarning).unwrap().suggestion,
            G::ReturnToPrisonProposal
        );
        let mut not_medical = facts(T::TemporaryOutside);
        not_medical.medical_parole = false;
        assert!(matches!(
            advise(&not_medical, Some(B::MissedReexam), d(2024, 6, 1), &rules()),
            Err(SanctionError::BreachNotApplicable { .. })
        ));
        assert_eq!(one(T::Probation, B::WarrantsPolicePenalty).unwrap().suggestion, G::PolicePenaltyProposal);
        for b in [B::LeftCityAfterWarning, B::ConditionsNotMet, B::GroundsEnded, B::GuarantorLost] {
            assert_eq!(one(T::TemporaryOutside, b).unwrap().suggestion, G::ReturnToPrisonProposal, "{b:?}");
            assert!(one(T::Probation, b).is_err(), "{b:?}");
        }
        assert_eq!(one(T::Probation, B::Serious).unwrap().suggestion, G::RevokeProbationProposal);
        assert_eq!(one(T::Parole, B::Serious).unwrap().suggestion, G::RevokeParoleProposal);
        assert_eq!(one(T::TemporaryOutside, B::Serious).unwrap().suggestion, G::ReturnToPrisonProposal);
        assert_eq!(one(T::Control, B::Serious).unwrap().suggestion, G::PolicePenaltyProposal);
        assert_eq!(one(T::Control, B::Serious).unwrap().decided_by, DecidingBody::Police);
    }

    /// The strongest reason wins; all are kept.
    #[test]
    fn most_severe_reason_wins_and_all_are_kept() {
        let mut f = facts(T::Probation);
        f.admonitions = vec![rec(d(2024, 1, 5)), rec(d(2024, 2, 5))];
        f.lost_contact = Some(Episode { start: d(2024, 5, 1), end: Some(d(2024, 5, 4)) });
        let a = advise(&f, Some(B::Minor), d(2024, 6, 1), &rules()).unwrap();
        let codes: Vec<_> = a.reasons.iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            vec![ReasonCode::Breach(B::Minor), ReasonCode::LostContactShort, ReasonCode::RepeatedAdmonitions]
        );
        assert_eq!(a.suggestion, G::Warning);
        assert!(a.reasons.iter().all(|r| !r.basis.is_empty()));
    }

    #[test]
    fn bad_episodes_are_refused() {
        let mut f = facts(T::Probation);
        f.lost_contact = Some(Episode { start: d(2024, 5, 10), end: Some(d(2024, 5, 1)) });
        assert!(matches!(
            advise(&f, None, d(2024, 6, 1), &rules()),
            Err(SanctionError::EpisodeEndsBeforeStart { kind: EpisodeKind::LostContact, .. })
        ));
        f.lost_contact = Some(Episode { start: d(2024, 7, 1), end: None });
        assert!(matches!(advise(&f, None, d(2024, 6, 1), &rules()), Err(SanctionError::EpisodeInFuture { .. })));
        f.lost_contact = None;
        f.term = DateRange::new(d(2024, 1, 1), d(2023, 1, 1));
        assert!(matches!(advise(&f, None, d(2024, 6, 1), &rules()), Err(SanctionError::TermEndsBeforeStart { .. })));
    }

    #[test]
    fn advice_serialises_for_the_ui() {
        let a = lost(T::Probation, d(2024, 3, 1), d(2024, 3, 12));
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["suggestion"], "warning");
        assert_eq!(json["decided_by"], "county");
        assert_eq!(json["reasons"][0]["code"], "lost_contact_long");
    }
}
