//! Decisions on the office's proposals. Sanctions, class changes, changes of place of execution
//! and travel permits are decided by the county (实施办法 Arts 21, 29, 30, 34–36): until sync
//! brings them, the 负责人 transcribes the county's paper decision with its document number.
//! The office itself decides none of them.

use jiaowu_domain::ids::RecordId;
use jiaowu_store::*;

use crate::error::{AppError, ErrorKind};
use crate::{zh, Core};

impl Core {
    pub fn record_decision(&mut self, input: DecisionInput) -> Result<Decision, AppError> {
        self.require_head("登记审批决定")?;
        let s = self.subject_for_write(input.subject_id)?;
        if input.decided_by == DecidedBy::Office {
            return Err(AppError::refused("decided_by", "decision.office_cannot_decide", zh::office_cannot_decide()));
        }
        // An enrolled office receives the county's decisions on sanctions and class changes by
        // sync (POST /county/sanctions|class-changes/{id}/decision); a transcribed copy would
        // be a second, unauthorised one (design.md §3). Other decisions (travel permits, place
        // changes, the court's and police's) are still transcribed from paper.
        let by_sync = input.decided_by == DecidedBy::County
            && matches!(input.target_table, DecisionTarget::Sanctions | DecisionTarget::ClassChanges);
        if by_sync && self.store.sync_value(jiaowu_sync::engine::keys::DEVICE_ID)?.is_some() {
            return Err(AppError::refused("decided_by", "decision.by_sync", zh::COUNTY_DECISION_BY_SYNC));
        }
        if input.doc_no.as_deref().is_none_or(|d| d.trim().is_empty()) {
            return Err(zh::required("doc_no"));
        }
        if !input.approve && input.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(AppError::invalid("reason", "decision.reason", zh::rejection_needs_reason()));
        }
        if input.decision_date > self.today() {
            return Err(zh::date_in_future("decision_date", input.decision_date, self.today()));
        }
        let (owner, already) = match input.target_table {
            DecisionTarget::Sanctions => self.target::<Sanction>(input.target_id)?,
            DecisionTarget::ClassChanges => self.target::<ClassChange>(input.target_id)?,
            DecisionTarget::PlaceChanges => self.target::<PlaceChange>(input.target_id)?,
            DecisionTarget::TravelPermits => self.target::<TravelPermit>(input.target_id)?,
        };
        if owner != s.id {
            return Err(AppError::invalid("target_id", "decision.other_subject", zh::decision_other_subject()));
        }
        let decided = self
            .store
            .records_of::<Decision>(s.id)?
            .into_iter()
            .any(|d| d.target_id == input.target_id && d.recorded.supersedes.is_none());
        if decided || already {
            return Err(AppError::new(ErrorKind::Conflict, "target_id", "decision.exists", zh::decision_exists()));
        }
        let rec = Decision::from_input(RecordId::new(), input.clone(), self.recorded());
        // An approved class change moves the subject's class (实施办法 Art 21).
        let class_update = if input.target_table == DecisionTarget::ClassChanges && input.approve {
            let (cc, _) = self.store.record::<ClassChange>(input.target_id)?;
            if cc.old_class != s.class {
                // The class moved since the proposal was written; it must be proposed afresh.
                return Err(AppError::new(
                    ErrorKind::Conflict,
                    "target_id",
                    "decision.class_stale",
                    zh::class_change_stale(zh::class(cc.old_class), zh::class(s.class)),
                ));
            }
            let mut next = s.clone();
            next.class = cc.new_class;
            Some(next)
        } else {
            None
        };
        let (session, now) = (self.session.clone(), self.clock.now());
        self.store.write(&session, now, |tx| {
            tx.insert(&rec)?;
            if let Some(n) = &class_update {
                tx.update_subject(n, s.version)?;
            }
            Ok(())
        })?;
        Ok(rec)
    }

    /// The subject a proposal belongs to, and whether it was superseded.
    fn target<R: Record>(&self, id: RecordId) -> Result<(jiaowu_domain::ids::SubjectId, bool), AppError> {
        let (r, superseded) = self.store.record::<R>(id).map_err(|_| {
            AppError::new(ErrorKind::NotFound, "target_id", "decision.target_missing", zh::decision_target_missing())
        })?;
        Ok((r.subject().unwrap_or_default(), superseded))
    }
}
