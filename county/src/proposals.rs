//! The county's decisions on what offices propose and cannot decide themselves: 训诫、警告 and
//! other sanctions (社区矫正法 Art 28, 实施办法 Arts 34–36) and changes of supervision class
//! (实施办法 Art 21). Each decision is a `decisions` record the office receives by sync; an
//! approved class change also moves the subject's class, which is the county's field.

use chrono::NaiveDate;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_store::{DecidedBy, Decision, DecisionInput, DecisionTarget, WithInput};
use jiaowu_sync::wire::ErrorCode;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use crate::error::ServerError;
use crate::model::{Office, User};
use crate::push::{feed_upsert, put_county_record};
use crate::server::Server;
use crate::store::{self, kind, EntityRow, Result};
use crate::zh;

/// What the county decided, with its document number (and the reason when it refuses).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalDecision {
    pub approve: bool,
    pub doc_no: String,
    #[serde(default)]
    pub reason: Option<String>,
    pub decided_on: NaiveDate,
}

fn invalid(field: &str, message: impl Into<String>) -> ServerError {
    ServerError::new(ErrorCode::Invalid, message).field(field)
}

/// The two kinds of proposal the console decides, by their table.
fn target(table: &str) -> Option<DecisionTarget> {
    match table {
        "sanctions" => Some(DecisionTarget::Sanctions),
        "class_changes" => Some(DecisionTarget::ClassChanges),
        _ => None,
    }
}

impl Server {
    /// Proposals (sanctions, class changes) that no decision answers yet, oldest first.
    pub fn pending_proposals(&self) -> Result<Vec<Value>> {
        self.write(|tx| {
            let mut out = Vec::new();
            for office in store::all::<Office>(tx, kind::OFFICE)? {
                for s in tx.subjects_of_office(office.id)? {
                    let rows = tx.entities_of_subject(s.id)?;
                    for row in rows.iter().filter(|r| target(&r.entity).is_some() && county_decides(r)) {
                        if decision_on(&rows, row.id).is_none() && !superseded(&rows, row) {
                            out.push(serde_json::json!({ "office": office.name, "entity": row.entity, "proposal": row.payload }));
                        }
                    }
                }
            }
            out.sort_by(|a, b| a["proposal"]["proposed_on"].as_str().cmp(&b["proposal"]["proposed_on"].as_str()));
            Ok(out)
        })
    }

    /// 县级决定 on a sanction or class change the office proposed: stored as the county's
    /// `decisions` record and sent to the subject's office.
    pub fn decide_proposal(&self, table: &str, id: Uuid, d: &ProposalDecision, user: &User) -> Result<Value> {
        let target_table = target(table).ok_or_else(|| invalid("entity", zh::unknown_entity(table)))?;
        if d.decided_on > self.now().date_naive() + chrono::Duration::days(1) {
            return Err(invalid("decided_on", zh::DECIDED_IN_FUTURE));
        }
        if d.doc_no.trim().is_empty() {
            return Err(invalid("doc_no", zh::required(zh::what::DOC_NO)));
        }
        let reason = d.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        if !d.approve && reason.is_none() {
            return Err(invalid("reason", zh::required(zh::what::REFUSAL_REASON)));
        }
        let now = self.now();
        let decision_id = self.new_id();
        self.write(|tx| {
            let proposal = tx
                .entity(table, id)?
                .ok_or_else(|| invalid("id", zh::not_found(zh::parent_name(table), &id.to_string())))?;
            let subject_id = proposal.subject_id.ok_or_else(|| ServerError::internal("proposal without subject"))?;
            let rows = tx.entities_of_subject(subject_id)?;
            if decision_on(&rows, id).is_some() {
                return Err(invalid("id", zh::ALREADY_DECIDED));
            }
            if superseded(&rows, &proposal) {
                return Err(invalid("id", zh::PROPOSAL_CORRECTED));
            }
            // 实施办法 Arts 33–35: the county decides praise, 训诫 and 警告 itself; revocation,
            // return to prison, arrest, sentence reduction and police penalties go on to the
            // court or the police, which decide them (their decisions are transcribed at the office).
            if !county_decides(&proposal) {
                return Err(invalid("id", zh::NOT_COUNTY_SANCTION));
            }
            let proposed_on =
                proposal.payload.get("proposed_on").and_then(Value::as_str).and_then(|p| p.parse::<NaiveDate>().ok());
            if proposed_on.is_some_and(|p| d.decided_on < p) {
                return Err(invalid("decided_on", zh::DECIDED_BEFORE_PROPOSED));
            }
            let mut subject = tx
                .entity("subjects", subject_id)?
                .ok_or_else(|| ServerError::internal("proposal of a missing subject"))?;
            // 实施办法 Art 21: an approved class change moves the subject's class, if it is still
            // the class the proposal started from.
            let new_class = if target_table == DecisionTarget::ClassChanges && d.approve {
                let old = proposal.payload.get("old_class").cloned().unwrap_or(Value::Null);
                if subject.payload.get("class") != Some(&old) {
                    return Err(invalid("id", zh::CLASS_MOVED));
                }
                proposal.payload.get("new_class").cloned()
            } else {
                None
            };
            let input = DecisionInput {
                subject_id: SubjectId(subject_id),
                target_table,
                target_id: RecordId(id),
                decided_by: DecidedBy::County,
                approve: d.approve,
                decision_date: d.decided_on,
                doc_no: Some(d.doc_no.trim().to_string()),
                reason: reason.clone(),
            };
            let make = |recorded| Decision::from_input(RecordId(decision_id), input, recorded);
            let row = put_county_record(tx, "decisions", decision_id, subject_id, make, &user.id.to_string(), now)?;
            if let Some(class) = new_class {
                subject.version += 1;
                if let Value::Object(m) = &mut subject.payload {
                    m.insert("class".into(), class);
                    m.insert("version".into(), serde_json::json!(subject.version));
                    m.insert("updated_at".into(), serde_json::json!(now));
                }
                tx.put_entity(&subject)?;
                if let Some(office) = subject.office_id {
                    feed_upsert(tx, office, subject.clone(), None, now)?;
                }
            }
            tx.audit(
                &now.to_rfc3339(),
                &user.username,
                "decide_proposal",
                &id.to_string(),
                &serde_json::json!({ "entity": table, "approve": d.approve, "doc_no": d.doc_no }),
            )?;
            Ok(row.payload.clone())
        })
    }
}

/// Whether the county decides this proposal itself: class changes, and of sanctions praise, 训诫
/// and 警告 (实施办法 Arts 33–35); the rest go on to the court or the police.
fn county_decides(proposal: &EntityRow) -> bool {
    proposal.entity != "sanctions"
        || matches!(proposal.payload.get("kind").and_then(Value::as_str), Some("praise" | "admonition" | "warning"))
}

/// The decision that answers proposal `id` or any version of it (what it corrected, what
/// corrected it): a proposal is decided once, whichever version the county saw.
fn decision_on(rows: &[EntityRow], id: Uuid) -> Option<&EntityRow> {
    let versions = versions_of(rows, id);
    rows.iter().find(|r| {
        r.entity == "decisions"
            && r.payload.get("target_id").and_then(Value::as_str).is_some_and(|t| versions.iter().any(|v| v == t))
    })
}

/// The ids of every version of record `id` among `rows`, following `supersedes` both ways.
fn versions_of(rows: &[EntityRow], id: Uuid) -> Vec<String> {
    let supersedes = |r: &EntityRow| r.payload.get("supersedes").and_then(Value::as_str).map(str::to_owned);
    let mut found = vec![id.to_string()];
    let mut i = 0;
    while i < found.len() {
        let cur = found[i].clone();
        for r in rows {
            let rid = r.id.to_string();
            let linked = (rid == cur && supersedes(r).is_some()) || supersedes(r).as_deref() == Some(&cur);
            let other = if rid == cur { supersedes(r) } else { Some(rid) };
            if let Some(o) = other.filter(|o| linked && !found.contains(o)) {
                found.push(o);
            }
        }
        i += 1;
    }
    found
}

/// Whether a later correction replaced this proposal (the correction is the one to decide).
fn superseded(rows: &[EntityRow], row: &EntityRow) -> bool {
    let id = row.id.to_string();
    rows.iter().any(|r| r.entity == row.entity && r.payload.get("supersedes").and_then(Value::as_str) == Some(&id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(entity: &str, id: u128, supersedes: Option<u128>) -> EntityRow {
        EntityRow {
            entity: entity.into(),
            id: Uuid::from_u128(id),
            subject_id: None,
            office_id: None,
            alt_key: None,
            version: 1,
            payload: serde_json::json!({ "supersedes": supersedes.map(|s| Uuid::from_u128(s).to_string()) }),
        }
    }

    #[test]
    fn a_proposal_is_decided_once_whichever_version_the_county_saw() {
        // 1 ← 2 ← 3 (each corrects the one before); 9 is another proposal.
        let mut rows = vec![
            row("sanctions", 1, None),
            row("sanctions", 2, Some(1)),
            row("sanctions", 3, Some(2)),
            row("sanctions", 9, None),
        ];
        let mut from_middle = versions_of(&rows, Uuid::from_u128(2));
        from_middle.sort();
        let mut all =
            vec![Uuid::from_u128(1).to_string(), Uuid::from_u128(2).to_string(), Uuid::from_u128(3).to_string()];
        all.sort();
        assert_eq!(from_middle, all);
        assert!(decision_on(&rows, Uuid::from_u128(3)).is_none());
        let mut decided = row("decisions", 20, None);
        decided.payload["target_id"] = serde_json::json!(Uuid::from_u128(1).to_string());
        rows.push(decided);
        assert!(decision_on(&rows, Uuid::from_u128(3)).is_some(), "the correction of a decided proposal");
        assert!(decision_on(&rows, Uuid::from_u128(9)).is_none());
    }
}
