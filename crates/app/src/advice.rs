//! The sanction advisor for one subject (实施办法 Arts 34–35, 46–48; domain.md §12.3): it counts
//! what the county decided and what is running (lost contact, late report-in) and proposes the
//! next step with its legal basis. It never decides; a proposal is a separate user action.

use jiaowu_domain::calendar::statutory_deadline;
use jiaowu_domain::ids::SubjectId;
use jiaowu_domain::sanction::{self, Advice, BreachKind, Episode, SanctionFacts, SanctionRecord};
use jiaowu_domain::{DateRange, SentenceType};
use jiaowu_store::*;
use serde::{Deserialize, Serialize};

use crate::caseload::Caseload;
use crate::error::AppError;
use crate::{zh, Core};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdviceQuery {
    pub subject_id: SubjectId,
    /// The breach being considered now, if any.
    #[serde(default)]
    pub breach: Option<BreachKind>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AdviceView {
    pub subject_id: SubjectId,
    pub name: String,
    pub advice: Advice,
    pub suggestion_label: &'static str,
    pub decided_by_label: &'static str,
    pub reasons: Vec<String>,
}

impl Core {
    pub(crate) fn sanction_facts(&self, c: &Caseload, s: &Subject) -> SanctionFacts {
        let today = self.today();
        let decided = |kind: SanctionKind| -> Vec<SanctionRecord> {
            c.sanctions
                .iter()
                .filter(|x| x.subject_id == s.id && x.kind == kind)
                .filter_map(|x| c.approved(DecisionTarget::Sanctions, x.id))
                .map(|d| SanctionRecord { date: d.decision_date, revoked: false })
                .collect()
        };
        let lost = c
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
                Episode { start: e.last_contact_on.unwrap_or(e.started_on), end: found }
            })
            .max_by_key(|e| e.start);
        // Late 报到: the deadline counts from the judgment taking effect (社区矫正法 Art 21;
        // 刑事诉讼法 Art 105). 暂予监外执行 subjects are handed over, not reporting in.
        let late_intake = match (s.judgment_effective, s.sentence_type) {
            (Some(j), t) if t != SentenceType::TemporaryOutside => {
                let days = self.rules.pack_for(j).map(|p| p.intake.report_days).unwrap_or(10);
                let deadline = statutory_deadline(j, days, &self.calendar);
                match s.reported_on {
                    Some(r) if r > deadline => Some(Episode { start: deadline, end: Some(r) }),
                    None if today > deadline => Some(Episode { start: deadline, end: None }),
                    _ => None,
                }
            }
            _ => None,
        };
        SanctionFacts {
            sentence_type: s.sentence_type,
            medical_parole: s.medical_parole,
            term: DateRange::new(s.term_start, s.term_end),
            admonitions: decided(SanctionKind::Admonition),
            warnings: decided(SanctionKind::Warning),
            police_penalties: decided(SanctionKind::PolicePenalty),
            lost_contact: lost.filter(|e| e.start <= today),
            late_intake: late_intake.filter(|e| e.start <= today),
        }
    }

    /// What the law suggests next for one subject, with the reasons and their sources.
    pub fn sanction_advice(&self, q: AdviceQuery) -> Result<AdviceView, AppError> {
        let s = self.subject_in_office(q.subject_id)?;
        let c = self.caseload()?;
        self.advice_for(&c, &s, q.breach)
    }

    pub(crate) fn advice_for(
        &self,
        c: &Caseload,
        s: &Subject,
        breach: Option<BreachKind>,
    ) -> Result<AdviceView, AppError> {
        let facts = self.sanction_facts(c, s);
        let rules = &self
            .rules
            .pack_for(self.today())
            .ok_or_else(|| AppError::refused("", "rules.none", zh::no_rule_pack(self.today())))?
            .sanctions;
        let advice = sanction::advise(&facts, breach, self.today(), rules)
            .map_err(|e| AppError::refused("breach", "sanction.not_applicable", zh::sanction_error(&e.to_string())))?;
        Ok(AdviceView {
            subject_id: s.id,
            name: s.name.clone(),
            suggestion_label: advice.suggestion.label_zh(),
            decided_by_label: zh::deciding_body(advice.decided_by),
            reasons: advice.reasons.iter().map(zh::advice_reason).collect(),
            advice,
        })
    }
}
