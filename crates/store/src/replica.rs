//! What sync needs from the case store (design.md §3, docs/sync-protocol.md): the outbox in seq
//! order with the county's answer to each op, sync bookkeeping, and storing what the county sent
//! without making new ops of it (a pulled record is audited as `sync_in`, never pushed back).

use std::collections::HashSet;

use rusqlite::OptionalExtension;

use crate::error::{Result, StoreError};
use crate::queries::collect;
use crate::records::AnyRecord;
use crate::store::{Store, Tx};
use crate::subjects::Subject;

/// One op of the outbox, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxOp {
    pub seq: i64,
    pub op_id: String,
    pub entity: String,
    pub entity_id: String,
    pub kind: String,
    pub base_version: Option<i64>,
    pub payload: String,
    pub device_time: String,
    pub state: OpState,
    /// The county's answer (JSON of the push result) once there is one.
    pub result: Option<String>,
}

/// Where an op stands. `Rejected` ops stay, listed as 需要处理, until someone deals with them:
/// 重新提交 sends the record again as a new op and leaves the old one `Resubmitted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpState {
    Pending,
    Sent,
    Acked,
    Rejected,
    Resubmitted,
}

impl OpState {
    pub fn as_str(self) -> &'static str {
        match self {
            OpState::Pending => "pending",
            OpState::Sent => "sent",
            OpState::Acked => "acked",
            OpState::Rejected => "rejected",
            OpState::Resubmitted => "resubmitted",
        }
    }
    fn parse(s: &str) -> OpState {
        match s {
            "sent" => OpState::Sent,
            "acked" => OpState::Acked,
            "rejected" => OpState::Rejected,
            "resubmitted" => OpState::Resubmitted,
            _ => OpState::Pending,
        }
    }
}

const OUTBOX_COLUMNS: &str =
    "SELECT seq, op_id, entity, entity_id, op, base_version, payload, device_time, state, result FROM outbox";

fn outbox_row(r: &rusqlite::Row<'_>) -> Result<OutboxOp> {
    Ok(OutboxOp {
        seq: r.get(0)?,
        op_id: r.get(1)?,
        entity: r.get(2)?,
        entity_id: r.get(3)?,
        kind: r.get(4)?,
        base_version: r.get(5)?,
        payload: r.get(6)?,
        device_time: r.get(7)?,
        state: OpState::parse(&r.get::<_, String>(8)?),
        result: r.get(9)?,
    })
}

/// What applying a pulled record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Inserted,
    /// The office holds it already (its own op coming back, or a page read twice).
    AlreadyHeld,
    /// A second correction of a record the office has corrected already: the county keeps both
    /// (a conflict record shows them); this store holds one correction per record.
    SecondCorrection,
}

impl Store {
    /// Ops the county has not answered yet, from seq `after` + 1 on, in seq order.
    pub fn outbox_unanswered(&self, after: i64, limit: usize) -> Result<Vec<OutboxOp>> {
        let sql = format!("{OUTBOX_COLUMNS} WHERE seq > ?1 AND state IN ('pending', 'sent') ORDER BY seq LIMIT ?2");
        collect(self.conn(), &sql, rusqlite::params![after, limit as i64], outbox_row)
    }

    /// Every op after seq `after`, answered or not (a county restored from backup asks for ops
    /// again from an earlier seq).
    pub fn outbox_after(&self, after: i64, limit: usize) -> Result<Vec<OutboxOp>> {
        let sql = format!("{OUTBOX_COLUMNS} WHERE seq > ?1 ORDER BY seq LIMIT ?2");
        collect(self.conn(), &sql, rusqlite::params![after, limit as i64], outbox_row)
    }

    /// Ops the county refused: the 需要处理 list.
    pub fn outbox_rejected(&self) -> Result<Vec<OutboxOp>> {
        let sql = format!("{OUTBOX_COLUMNS} WHERE state = 'rejected' ORDER BY seq");
        collect(self.conn(), &sql, [], outbox_row)
    }

    /// One op by seq.
    pub fn outbox_op(&self, seq: i64) -> Result<Option<OutboxOp>> {
        let sql = format!("{OUTBOX_COLUMNS} WHERE seq = ?1");
        Ok(collect(self.conn(), &sql, [seq], outbox_row)?.pop())
    }

    /// (waiting to be sent or answered, rejected).
    pub fn outbox_counts(&self) -> Result<(i64, i64)> {
        Ok(self.conn().query_row(
            "SELECT count(*) FILTER (WHERE state IN ('pending', 'sent')),
                    count(*) FILTER (WHERE state = 'rejected') FROM outbox WHERE state <> 'acked'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Entities with ops the county has not answered: their pulled copies must wait (the gate
    /// per entity of docs/sync-protocol.md §6). A refused op is an answer: the county's copy then
    /// stands, and the refused op stays in 需要处理.
    pub fn entities_with_unsent_ops(&self) -> Result<HashSet<String>> {
        let rows = collect(
            self.conn(),
            "SELECT DISTINCT entity_id FROM outbox WHERE state IN ('pending', 'sent')",
            [],
            |r| Ok(r.get::<_, String>(0)?),
        )?;
        Ok(rows.into_iter().collect())
    }

    /// Bookkeeping entries whose key starts with `prefix` (conflict records, for one).
    pub fn sync_values_with_prefix(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        collect(
            self.conn(),
            "SELECT key, value FROM sync_state WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key",
            [prefix],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    pub fn sync_value(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn().query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Every (id, version, subject id) of a synced table the office holds, for the scope digest:
    /// records are version 1 (a correction is a new record), subjects carry their own version.
    pub fn held_versions(&self, table: &str) -> Result<Vec<(String, i64, Option<String>)>> {
        if table == "subjects" {
            return collect(self.conn(), "SELECT id, version, id FROM subjects", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            });
        }
        if !crate::records::RECORD_TABLES.contains(&table) {
            return Err(StoreError::Encoding(format!("not a record table: {table}")));
        }
        let has_subject: bool = self.conn().query_row(
            "SELECT count(*) FROM pragma_table_info(?1) WHERE name = 'subject_id'",
            [table],
            |r| r.get::<_, i64>(0).map(|n| n > 0),
        )?;
        let subject = if has_subject { "subject_id" } else { "NULL" };
        // `table` is one of the constant names above, never user text. A record whose op the
        // county refused was never held there: it stays here (需要处理) but outside the digest.
        let sql = format!(
            "SELECT id, 1, {subject} FROM {table}
             WHERE id NOT IN (SELECT entity_id FROM outbox WHERE state = 'rejected')"
        );
        collect(self.conn(), &sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    }
}

impl Tx<'_> {
    /// Records the county's answer to op `seq`. An op already resubmitted keeps that state (an
    /// old answer to it can come again: a push resent after a seq gap, an older bundle): its
    /// copy is the one that counts now.
    pub fn set_op_state(&self, seq: i64, state: OpState, result: Option<&str>) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET state = CASE WHEN state = 'resubmitted' AND ?2 <> 'resubmitted' THEN state ELSE ?2 END,
                    result = coalesce(?3, result)
             WHERE seq = ?1",
            rusqlite::params![seq, state.as_str(), result],
        )?;
        Ok(())
    }

    /// 重新提交: the refused op `seq` once more, as a new op at the end of the outbox (a new op id,
    /// so the county judges it afresh; the old op keeps the county's answer and is marked
    /// resubmitted), followed by the refused ops that hang on its record: those answered
    /// `waits_on` and corrections of it, in their order. Returns the old seqs sent again.
    pub fn resubmit(&self, seq: i64) -> Result<Vec<i64>> {
        let sql = format!("{OUTBOX_COLUMNS} WHERE seq = ?1 AND state = 'rejected'");
        let first = collect(self.conn(), &sql, [seq], outbox_row)?
            .pop()
            .ok_or_else(|| StoreError::RecordNotFound { what: "rejected op", id: seq.to_string() })?;
        // An edit of a subject's fields carries the old and new values of its day; sent again
        // after later edits it would undo them. It is made afresh instead.
        if first.kind == "update" {
            return Err(StoreError::RecordNotFound { what: "resubmittable op", id: seq.to_string() });
        }
        let sql = format!("{OUTBOX_COLUMNS} WHERE state = 'rejected' AND seq <> ?1 ORDER BY seq");
        let anchor = first.entity_id.clone();
        let waiting: Vec<OutboxOp> = collect(self.conn(), &sql, [seq], outbox_row)?
            .into_iter()
            .filter(|o| {
                let answer: serde_json::Value =
                    o.result.as_deref().and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default();
                let waits = answer["reason"] == "waits_on" || answer["previous"]["reason"] == "waits_on";
                // The payload names the record it hangs on (a leave_id, a session_id, supersedes…).
                (waits || o.kind == "supersede") && o.kind != "update" && o.payload.contains(&anchor)
            })
            .collect();
        let mut again = Vec::new();
        for o in std::iter::once(first).chain(waiting) {
            self.conn().execute(
                "INSERT INTO outbox (op_id, entity, entity_id, op, base_version, payload, device_time)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![
                    uuid::Uuid::now_v7().to_string(),
                    o.entity,
                    o.entity_id,
                    o.kind,
                    o.base_version,
                    o.payload,
                    self.now.to_rfc3339()
                ],
            )?;
            self.set_op_state(o.seq, OpState::Resubmitted, None)?;
            self.audit_only("resubmit_op", &o.entity, &o.entity_id, &serde_json::json!({ "seq": o.seq }))?;
            again.push(o.seq);
        }
        Ok(again)
    }

    /// As `Store::sync_value`, inside the transaction.
    pub fn sync_value(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn().query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_sync_value(&self, key: &str, value: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Stores a record the county sent, without its own audit entry (the page it came in gets
    /// one). A record the office holds already is left as it is (append-only: same id, same
    /// content).
    /// `authors` remembers the staff rows already ensured in this transaction.
    pub fn apply_remote_record(
        &self,
        rec: &dyn AnyRecord,
        recorded_by_name: &str,
        authors: &mut HashSet<String>,
    ) -> Result<Applied> {
        if authors.insert(rec.metadata().recorded_by.clone()) {
            self.ensure_remote_staff(&rec.metadata().recorded_by, recorded_by_name)?;
        }
        // Held already: the primary key says so (cheaper than asking first, and most records of
        // a page are new). The caller writes one `sync_in` audit entry for the page.
        match rec.insert_row(self) {
            Ok(()) => Ok(Applied::Inserted),
            Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)))
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                Ok(Applied::AlreadyHeld)
            }
            // A correction: the trigger that allows one correction per record speaks before the
            // primary key. Held already (this very row), or a second correction the county kept
            // as a conflict, which this store cannot hold beside the first.
            Err(StoreError::AlreadySuperseded(_)) => {
                let id = rec.record_id().to_string();
                let sql = format!("SELECT count(*) FROM {} WHERE id = ?1", rec.table());
                let held: i64 = self.conn().query_row(&sql, [&id], |r| r.get(0))?;
                Ok(if held > 0 { Applied::AlreadyHeld } else { Applied::SecondCorrection })
            }
            Err(e) => Err(e),
        }
    }

    /// Stores the county's copy of a subject: new to the office, or different from what it holds
    /// (the caller checks that no local op of it waits, the gate of protocol §6).
    pub fn apply_remote_subject(&self, s: &Subject) -> Result<Applied> {
        match crate::subjects::get_subject(self.conn(), s.id) {
            Ok(held) if held == *s => return Ok(Applied::AlreadyHeld),
            Ok(_) => crate::subjects::overwrite(self, s)?,
            Err(StoreError::RecordNotFound { .. }) => crate::subjects::insert_row(self, s)?,
            Err(e) => return Err(e),
        }
        Ok(Applied::Inserted)
    }

    /// Records name their author by staff id; an author from the county or another office gets
    /// an inactive row here so the name can be shown (and the foreign key holds).
    pub fn ensure_remote_staff(&self, id: &str, display_name: &str) -> Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO staff (id, username, display_name, role, active, created_at)
             VALUES (?1, 'remote:' || ?1, ?2, 'staff', 0, ?3)",
            rusqlite::params![id, display_name, self.now.to_rfc3339()],
        )?;
        Ok(())
    }
}
