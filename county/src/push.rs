//! Push (docs/sync-protocol.md §5): ops in seq order, idempotent by op id, each answered and its
//! answer stored beside it; authority per record type (§5.1, design.md §3).
//!
//! A push is applied atomically and answered only once committed (one fsync for the batch, not
//! one per op; pushes arriving together share a commit, sqlite.rs). A seq gap or a reused seq
//! stops the batch: what came before it is committed with its answers, and the client learns
//! them as duplicates when it sends again.

use chrono::{DateTime, Utc};
use jiaowu_store::AnyRecord;
use jiaowu_sync::signing::Signed;
use jiaowu_sync::wire::{
    Change, ConflictOutcome, ConflictRecord, ConflictState, ErrorCode, Op, OpKind, OpResult, Outcome, PushRequest,
    PushResponse,
};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::devices::Presigned;
use crate::error::ServerError;
use crate::model::{Device, Office};
use crate::server::Server;
use crate::store::{self, kind, CountyTx, EntityRow, Result, StoredOp};
use crate::zh;

/// A record op's record, decoded, and its JSON as the county keeps it; or why it is invalid.
type Decoded = std::result::Result<(Box<dyn AnyRecord>, Value), String>;

/// What can be worked out about an op before the county's state is read. It is done before the
/// writer's lock is taken, so that one push is decoded while another is applied.
struct Prepared {
    /// The op as received, as JSON text (kept beside its answer).
    text: String,
    /// A record op's record (none for subjects and an office's own information).
    record: Option<Decoded>,
}

fn prepare_all(req: &PushRequest) -> Result<Vec<Prepared>> {
    if req.ops.len() > jiaowu_sync::MAX_PUSH_OPS {
        return Ok(Vec::new()); // refused whole by `push_in`
    }
    req.ops.iter().map(prepare).collect()
}

fn prepare(op: &Op) -> Result<Prepared> {
    let text = serde_json::to_string(op).map_err(|e| ServerError::internal(e.to_string()))?;
    if OFFICE_INFO.contains(&op.entity.as_str()) || op.entity == "subjects" {
        return Ok(Prepared { text, record: None });
    }
    let record = match jiaowu_store::decode_record(&op.entity, Value::Object(op.payload.clone())) {
        None => Err(zh::unknown_entity(&op.entity)),
        Some(Err(e)) => Err(zh::bad_payload(&op.entity, &e.to_string())),
        Some(Ok(r)) => {
            let json = r.to_json();
            Ok((r, json))
        }
    };
    Ok(Prepared { text, record: Some(record) })
}

/// Subject fields that are the county's (identity and legal fields, design.md §3).
pub const COUNTY_FIELDS: &[&str] = &[
    "office_id",
    "external_no",
    "name",
    "former_name",
    "sex",
    "birth_date",
    "id_type",
    "id_number",
    "crime",
    "original_sentence",
    "sentence_type",
    "term_start",
    "term_end",
    "judgment_effective",
    "deciding_organ",
    "decision_doc_no",
    "injunction",
    "class",
    "is_minor_case",
    "medical_parole",
    "received_source",
];

/// Entities an office reports about itself; kept, never sent back.
const OFFICE_INFO: &[&str] = &["office", "staff"];

impl Server {
    pub fn push(&self, device: &Device, req: &PushRequest) -> Result<PushResponse> {
        let now = self.now();
        let mut prepared = prepare_all(req)?;
        self.write(|tx| self.push_in(tx, device.id, req, &mut prepared, now))?
    }

    /// A signed push: the request is authenticated and applied atomically. What needs no county
    /// state (decoding the ops, checking the signature of a known device) is done first, outside
    /// the writer's lock.
    pub fn push_signed(&self, signed: &Signed<'_>, signature: &str, req: &PushRequest) -> Result<PushResponse> {
        let now = self.now();
        let presigned = self.presigned(signed, signature);
        // Only a push that is surely signed is worth decoding ahead (others are in the lock).
        let mut prepared = match presigned {
            Presigned::Holds(_) => prepare_all(req)?,
            _ => Vec::new(),
        };
        self.write(|tx| match self.authenticate_in(tx, signed, signature, &presigned, now)? {
            Ok(device) => self.push_in(tx, device.id, req, &mut prepared, now),
            Err(refused) => Ok(Err(refused)),
        })?
    }

    fn push_in(
        &self,
        tx: &mut dyn CountyTx,
        device_id: Uuid,
        req: &PushRequest,
        prepared: &mut Vec<Prepared>,
        now: DateTime<Utc>,
    ) -> Result<Result<PushResponse>> {
        if req.ops.len() > jiaowu_sync::MAX_PUSH_OPS {
            return Ok(Err(ServerError::new(ErrorCode::TooLarge, zh::TOO_LARGE)));
        }
        if prepared.len() != req.ops.len() {
            *prepared = prepare_all(req)?;
        }
        // A cursor from another database tells nothing; the pull that follows will reset it.
        let seen = self.cursor_seq(req.cursor.as_deref()).unwrap_or(0);
        {
            let mut d: Device = store::get(tx, kind::DEVICE, &device_id.to_string())?
                .ok_or_else(|| ServerError::internal("device vanished"))?;
            let office: Office = store::get(tx, kind::OFFICE, &d.office_id.to_string())?
                .ok_or_else(|| ServerError::internal("device of a missing office"))?;
            d.pulled_through = d.pulled_through.max(seen);
            let mut results = Vec::new();
            let mut stop = None;
            for (op, prep) in req.ops.iter().zip(prepared.iter_mut()) {
                let expected = d.acked_through + 1;
                if let Some(stored) = tx.op_by_id(op.op_id)? {
                    // A lost answer: repeat the first one. A duplicate at the expected seq
                    // still fills that seq (the client renumbered it after a restore).
                    results.push(duplicate(op, &stored));
                    if op.seq == expected {
                        d.acked_through = expected;
                    }
                    continue;
                }
                if op.seq > expected {
                    stop = Some(
                        ServerError::new(ErrorCode::SeqGap, zh::seq_gap(expected)).detail("expected_seq", expected),
                    );
                    break;
                }
                if op.seq < expected {
                    d.seq_reuse_alarms += 1;
                    tx.audit(
                        &now.to_rfc3339(),
                        &format!("device:{}", d.id),
                        "seq_reused",
                        &d.id.to_string(),
                        &json!({ "seq": op.seq, "op_id": op.op_id, "acked_through": d.acked_through }),
                    )?;
                    stop = Some(
                        ServerError::new(ErrorCode::SeqReused, zh::seq_reused(d.acked_through))
                            .detail("acked_through", d.acked_through),
                    );
                    break;
                }
                let result = self.apply_op(tx, &office, &d, op, prep.record.take(), now)?;
                tx.insert_op(&StoredOp {
                    op_id: op.op_id,
                    device_id: d.id,
                    seq: op.seq,
                    received_at: now,
                    op: std::mem::take(&mut prep.text),
                    result: serde_json::to_string(&result).map_err(|e| ServerError::internal(e.to_string()))?,
                })?;
                results.push(result);
                d.acked_through = expected;
            }
            store::put(tx, kind::DEVICE, &d.id.to_string(), &d)?;
            Ok(match stop {
                Some(e) => Err(e),
                None => Ok(PushResponse { server_time: now, acked_through: d.acked_through, results }),
            })
        }
    }

    /// Authorises, validates and merges one op; refusals are answers, not errors.
    fn apply_op(
        &self,
        tx: &mut dyn CountyTx,
        office: &Office,
        device: &Device,
        op: &Op,
        record: Option<Decoded>,
        now: DateTime<Utc>,
    ) -> Result<OpResult> {
        let refused = |code, message| rejected(op, code, message);
        if OFFICE_INFO.contains(&op.entity.as_str()) {
            let payload = Value::Object(op.payload.clone());
            let row = EntityRow {
                entity: op.entity.clone(),
                id: op.entity_id,
                subject_id: None,
                office_id: Some(office.id),
                alt_key: None,
                version: 1,
                payload,
            };
            tx.put_entity(&row)?;
            return Ok(applied(op, 1));
        }
        if op.entity == "subjects" {
            return self.apply_subject_op(tx, office, op, now);
        }
        let (rec, json) = match record {
            None => return Err(ServerError::internal("op not prepared")),
            Some(Err(message)) => return Ok(refused(ErrorCode::Invalid, message)),
            Some(Ok(decoded)) => decoded,
        };
        if rec.record_id().0 != op.entity_id || !matches!(op.kind, OpKind::Create | OpKind::Supersede) {
            return Ok(refused(ErrorCode::Invalid, zh::bad_payload(&op.entity, "entity_id/kind")));
        }
        // Scope: the subject must be this office's now (§7).
        let subject_id = rec.subject_id().map(|s| s.0);
        // The office the record goes to: the subject's office now (after a transfer, the ops the
        // old office made before it learned of it go to the new office).
        let mut feed_office = office.id;
        if let Some(sid) = subject_id {
            match tx.entity_head("subjects", sid)? {
                Some(s) if s.office_id == Some(office.id) => {}
                Some(s) if in_grace(tx, office.id, device, sid)? => feed_office = s.office_id.unwrap_or(office.id),
                Some(_) => return Ok(refused(ErrorCode::OutOfScope, zh::out_of_scope(zh::what::THIS_SUBJECT))),
                // A subject the county has never held: one this office registered whose own op
                // was refused. Its records wait for it (and go again with it when resubmitted).
                None => {
                    let name = zh::parent_name("subjects");
                    return Ok(refused(ErrorCode::WaitsOn, zh::waits_on(name, &sid.to_string())));
                }
            }
        }
        if let Some(reason) = self.authority(tx, office, rec.table(), &json)? {
            return Ok(refused(ErrorCode::Forbidden, reason));
        }
        // A record that hangs on another (an event on its leave request, an attendance on its
        // session, a decision on what it decides) waits until the county holds that one: stored
        // without it, it would be an orphan the county cannot read (§5, `waits_on`).
        if let Some((table, parent)) = parent_of(rec.table(), &json) {
            let held = match Uuid::parse_str(&parent) {
                Ok(id) => tx.entity_head(table, id)?.is_some(),
                Err(_) => false,
            };
            if !held {
                return Ok(refused(ErrorCode::WaitsOn, zh::waits_on(zh::parent_name(table), &parent)));
            }
        }
        let supersedes = rec.metadata().supersedes.map(|s| s.to_string());
        if let Some(old) = &supersedes {
            let Ok(old_id) = Uuid::parse_str(old) else {
                return Ok(refused(ErrorCode::Invalid, zh::bad_payload(&op.entity, "supersedes")));
            };
            if tx.entity_head(&op.entity, old_id)?.is_none() {
                return Ok(refused(ErrorCode::Invalid, zh::not_found(zh::what::CORRECTED_RECORD, old)));
            }
        }
        if let Some(existing) = tx.entity_head(&op.entity, op.entity_id)? {
            // Same record id from another op: the same record sent twice under two op ids.
            return Ok(applied(op, existing.version));
        }
        // A leave event against a request the county already decided is kept, not applied (§5.1).
        let stale_leave = self.late_leave_event(tx, rec.as_ref(), &json)?;
        // A second correction of the same record: both kept, a conflict for the county (§5.1).
        let second_correction = match &supersedes {
            Some(old) => tx.entity_by_alt_key(&op.entity, old)?,
            None => None,
        };
        if stale_leave || second_correction.is_some() {
            let county_value = second_correction.map(|r| r.payload).unwrap_or(Value::Null);
            let conflict = self.conflict(
                tx,
                office.id,
                op,
                vec![],
                json!({}),
                county_value,
                Value::Object(op.payload.clone()),
                if stale_leave { ConflictOutcome::CountyKept } else { ConflictOutcome::BothKept },
                now,
            )?;
            if stale_leave {
                return Ok(OpResult {
                    outcome: Outcome::Conflict,
                    conflict_id: Some(conflict),
                    message: Some(zh::leave_already_decided().into()),
                    ..applied(op, 0)
                });
            }
            self.store_record(tx, office.id, feed_office, op, json, subject_id, supersedes.clone(), now)?;
            return Ok(OpResult { outcome: Outcome::Conflict, conflict_id: Some(conflict), ..applied(op, 1) });
        }
        self.store_record(tx, office.id, feed_office, op, json, subject_id, supersedes, now)?;
        Ok(applied(op, 1))
    }

    #[allow(clippy::too_many_arguments)]
    fn store_record(
        &self,
        tx: &mut dyn CountyTx,
        office: Uuid,
        feed_office: Uuid,
        op: &Op,
        json: Value,
        subject_id: Option<Uuid>,
        supersedes: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let row = EntityRow {
            entity: op.entity.clone(),
            id: op.entity_id,
            subject_id,
            office_id: Some(office),
            alt_key: supersedes,
            version: 1,
            payload: with_county_office_id(json, office),
        };
        tx.put_entity(&row)?;
        feed_upsert(tx, feed_office, row, Some(op.op_id), now)
    }

    /// Who may record this (design.md §3): county and higher decisions are not the office's.
    /// `v` is the record's JSON (made once, in `prepare`).
    fn authority(&self, tx: &mut dyn CountyTx, office: &Office, table: &str, v: &Value) -> Result<Option<String>> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        match table {
            "leave_events" => {
                if s("actor_level") != "office" {
                    return Ok(Some(zh::FORBIDDEN_COUNTY_ACTION.into()));
                }
                if s("kind") == "office_decide" {
                    let leave = Uuid::parse_str(&s("leave_id")).ok();
                    let req = match leave {
                        Some(l) => tx.entity("leave_requests", l)?,
                        None => None,
                    };
                    // A leave request the county does not hold: the parent check answers it
                    // (`waits_on`), so that it goes again with its request.
                    let Some(req) = req else { return Ok(None) };
                    let days = req.payload.get("days").and_then(Value::as_u64).unwrap_or(0) as u32;
                    let authority = req.payload.get("authority").and_then(Value::as_str).unwrap_or("");
                    // 实施办法 Art 27: ≤ 7 days by the office only under the county's delegation.
                    if authority != "office" || days > 7 || !office.leave_delegated {
                        return Ok(Some(zh::leave_not_delegated(days)));
                    }
                }
                Ok(None)
            }
            "decisions" => {
                let by = s("decided_by");
                let target = s("target_table");
                // 社区矫正法 Art 28, 实施办法 Art 21: 训诫、警告 and class changes are decided in the
                // county's console, never pushed by an office; no decision is the office's own
                // (实施办法 Arts 29–30: permits and changes of place are the county's too). What an
                // office may push is its transcription of a paper decision on a travel permit or
                // a change of place, which the county has no screen for yet.
                if by == "office" || matches!(target.as_str(), "sanctions" | "class_changes") {
                    return Ok(Some(zh::FORBIDDEN_COUNTY_ACTION.into()));
                }
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    /// An office's decision, opinion, cancellation or resubmission on a leave the county (or the
    /// level above) has decided.
    fn late_leave_event(&self, tx: &mut dyn CountyTx, rec: &dyn AnyRecord, v: &Value) -> Result<bool> {
        if rec.table() != "leave_events" {
            return Ok(false);
        }
        let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
        if !matches!(kind, "office_decide" | "office_opinion" | "cancel" | "submit") {
            return Ok(false);
        }
        let leave = v.get("leave_id").and_then(Value::as_str).unwrap_or("");
        let Some(subject) = rec.subject_id() else { return Ok(false) };
        let events = tx.entities_of_subject(subject.0)?;
        Ok(events.iter().any(|e| {
            e.entity == "leave_events"
                && e.payload.get("leave_id").and_then(Value::as_str) == Some(leave)
                && matches!(e.payload.get("kind").and_then(Value::as_str), Some("county_decide" | "higher_decide"))
        }))
    }

    fn apply_subject_op(
        &self,
        tx: &mut dyn CountyTx,
        office: &Office,
        op: &Op,
        now: DateTime<Utc>,
    ) -> Result<OpResult> {
        let refused = |code, message| rejected(op, code, message);
        match op.kind {
            OpKind::Create => {
                let mut subject: jiaowu_store::Subject = match serde_json::from_value(Value::Object(op.payload.clone()))
                {
                    Ok(s) => s,
                    Err(e) => {
                        return Ok(refused(ErrorCode::Invalid, zh::bad_payload(zh::what::SUBJECT, &e.to_string())))
                    }
                };
                if let Some(existing) = tx.entity_head("subjects", op.entity_id)? {
                    if existing.office_id != Some(office.id) {
                        return Ok(refused(ErrorCode::OutOfScope, zh::out_of_scope(zh::what::THIS_SUBJECT)));
                    }
                    return Ok(applied(op, existing.version));
                }
                if tx.entity_by_alt_key("subjects", &subject.id_number)?.is_some() {
                    return Ok(refused(ErrorCode::Invalid, zh::duplicate_id_number(&subject.id_number)));
                }
                subject.office_id = jiaowu_domain::ids::OfficeId(office.id);
                subject.version = 1;
                let payload = serde_json::to_value(&subject).map_err(|e| ServerError::internal(e.to_string()))?;
                let row = EntityRow {
                    entity: "subjects".into(),
                    id: op.entity_id,
                    subject_id: Some(op.entity_id),
                    office_id: Some(office.id),
                    alt_key: Some(subject.id_number.clone()),
                    version: 1,
                    payload,
                };
                tx.put_entity(&row)?;
                let authors: Map<String, Value> =
                    op.payload.keys().map(|k| (k.clone(), Value::String("office".into()))).collect();
                tx.put_doc(kind::FIELD_AUTHORS, &op.entity_id.to_string(), &Value::Object(authors))?;
                feed_upsert(tx, office.id, row, Some(op.op_id), now)?;
                Ok(applied(op, 1))
            }
            OpKind::Update => self.merge_subject_update(tx, office, op, now),
            _ => Ok(refused(ErrorCode::Invalid, zh::bad_payload(zh::what::SUBJECT, "kind"))),
        }
    }

    /// Field-level merge of an office's subject edit against its base version (§5.1).
    fn merge_subject_update(
        &self,
        tx: &mut dyn CountyTx,
        office: &Office,
        op: &Op,
        now: DateTime<Utc>,
    ) -> Result<OpResult> {
        let Some(mut row) = tx.entity("subjects", op.entity_id)? else {
            return Ok(rejected(op, ErrorCode::Invalid, zh::not_found(zh::what::SUBJECT, &op.entity_id.to_string())));
        };
        if row.office_id != Some(office.id) {
            return Ok(rejected(op, ErrorCode::OutOfScope, zh::out_of_scope(zh::what::THIS_SUBJECT)));
        }
        let mut authors = match tx.doc(kind::FIELD_AUTHORS, &op.entity_id.to_string())? {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let current = row.payload.as_object().cloned().unwrap_or_default();
        let mut next = current.clone();
        let (mut conflict_fields, mut base, mut county_value, mut office_value) =
            (Vec::new(), Map::new(), Map::new(), Map::new());
        let mut county_kept = false;
        for (field, change) in &op.payload {
            let (old, new) = (change.get("old").cloned().unwrap_or(Value::Null), change.get("new").cloned());
            let Some(new) = new else { continue };
            let now_value = current.get(field).cloned().unwrap_or(Value::Null);
            if now_value == new {
                continue;
            }
            let county_field = COUNTY_FIELDS.contains(&field.as_str());
            let changed_since = now_value != old;
            let county_wrote = authors.get(field).and_then(Value::as_str) == Some("county");
            if county_field || (changed_since && county_wrote) {
                county_kept = true;
            } else {
                next.insert(field.clone(), new.clone());
                authors.insert(field.clone(), Value::String("office".into()));
            }
            if county_field || changed_since {
                conflict_fields.push(field.clone());
                base.insert(field.clone(), old);
                county_value.insert(field.clone(), now_value);
                office_value.insert(field.clone(), new);
            }
        }
        let changed = next != current;
        if changed {
            row.version += 1;
            next.insert("version".into(), json!(row.version));
            row.payload = Value::Object(next);
            tx.put_entity(&row)?;
            tx.put_doc(kind::FIELD_AUTHORS, &op.entity_id.to_string(), &Value::Object(authors))?;
            feed_upsert(tx, office.id, row.clone(), Some(op.op_id), now)?;
        }
        if conflict_fields.is_empty() {
            return Ok(applied(op, row.version));
        }
        let outcome = if county_kept { ConflictOutcome::CountyKept } else { ConflictOutcome::OfficeKept };
        let message = county_kept.then(|| zh::county_field_conflict(&conflict_fields.join("、")));
        let id = self.conflict(
            tx,
            office.id,
            op,
            conflict_fields,
            Value::Object(base),
            Value::Object(county_value),
            Value::Object(office_value),
            outcome,
            now,
        )?;
        Ok(OpResult { outcome: Outcome::Conflict, conflict_id: Some(id), message, ..applied(op, row.version) })
    }

    /// Writes a conflict record and sends it to the office (§5.3).
    #[allow(clippy::too_many_arguments)]
    fn conflict(
        &self,
        tx: &mut dyn CountyTx,
        office_id: Uuid,
        op: &Op,
        fields: Vec<String>,
        base: Value,
        county_value: Value,
        office_value: Value,
        outcome: ConflictOutcome,
        now: DateTime<Utc>,
    ) -> Result<Uuid> {
        let record = ConflictRecord {
            id: self.new_id(),
            entity: op.entity.clone(),
            entity_id: op.entity_id,
            fields,
            base,
            county_value,
            office_value,
            office_op_id: op.op_id,
            received_at: now,
            outcome,
            state: ConflictState::Open,
            resolved_by: None,
            resolution_note: None,
        };
        store::put(tx, kind::CONFLICT, &record.id.to_string(), &(office_id, &record))?;
        let change = Change::Conflict { conflict: record.clone() };
        tx.append_change(office_id, &change)?;
        Ok(record.id)
    }
}

/// Office-level records name their office by the id the recording PC gave it; the county keeps
/// its own id for the office, which every PC of the office maps back to its own (§6).
fn with_county_office_id(mut payload: Value, office: Uuid) -> Value {
    if let Some(v) = payload.get_mut("office_id") {
        *v = Value::String(office.to_string());
    }
    payload
}

/// Whether an office may still send ops about a subject transferred away from it: only until it
/// has pulled the scope_exit (its engine pushes before it pulls, so these ops were made before
/// it knew).
fn in_grace(tx: &mut dyn CountyTx, office: Uuid, device: &Device, subject: Uuid) -> Result<bool> {
    match tx.doc(kind::TRANSFER_GRACE, &format!("{office}:{subject}"))? {
        Some(v) => Ok(device.pulled_through < v.as_i64().unwrap_or(0)),
        None => Ok(false),
    }
}

/// The record `rec` depends on (schema.sql's references other than subject, office, staff and
/// `supersedes`, which is checked on its own): its table and id. `v` is the record's JSON.
fn parent_of(table: &str, v: &Value) -> Option<(&'static str, String)> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    match table {
        "leave_events" => Some(("leave_requests", s("leave_id")?)),
        "study_attendance" => Some(("study_sessions", s("session_id")?)),
        "service_participation" => Some(("service_activities", s("activity_id")?)),
        "travel_trips" => Some(("travel_permits", s("permit_id")?)),
        "decisions" => {
            let table = match s("target_table")?.as_str() {
                "sanctions" => "sanctions",
                "class_changes" => "class_changes",
                "place_changes" => "place_changes",
                "travel_permits" => "travel_permits",
                _ => return None,
            };
            Some((table, s("target_id")?))
        }
        _ => None,
    }
}

fn applied(op: &Op, version: i64) -> OpResult {
    OpResult {
        op_id: op.op_id,
        seq: op.seq,
        outcome: Outcome::Applied,
        version: Some(version),
        conflict_id: None,
        reason: None,
        message: None,
        previous: None,
    }
}

/// Not applied: the op stays with the office under 需要处理 with this reason.
fn rejected(op: &Op, code: ErrorCode, message: String) -> OpResult {
    OpResult { outcome: Outcome::Rejected, version: None, reason: Some(code), message: Some(message), ..applied(op, 0) }
}

fn duplicate(op: &Op, stored: &StoredOp) -> OpResult {
    let previous: Option<OpResult> = serde_json::from_str(&stored.result).ok();
    OpResult {
        op_id: op.op_id,
        seq: op.seq,
        outcome: Outcome::Duplicate,
        version: previous.as_ref().and_then(|p| p.version),
        conflict_id: previous.as_ref().and_then(|p| p.conflict_id),
        reason: None,
        message: None,
        previous: previous.map(Box::new),
    }
}

/// Records that hang on an office-level record (a study session, a public-welfare activity, a
/// screening campaign): (child table, parent field, parent table).
pub(crate) const CHILDREN: &[(&str, &str, &str)] = &[
    ("study_attendance", "session_id", "study_sessions"),
    ("service_participation", "activity_id", "service_activities"),
    ("hazards", "campaign_id", "screening_campaigns"),
];

/// Whether `row` hangs on another office's session or activity. Such rows stay with the county
/// and the office that held the session: an office store names only its own office, so it
/// cannot hold another office's session (known limit: a transferred subject's past attendance
/// at the old office is not sent to the new one; it is kept at the county).
pub(crate) fn foreign_child(tx: &mut dyn CountyTx, office_id: Uuid, row: &EntityRow) -> Result<bool> {
    let Some((_, field, parent)) = CHILDREN.iter().find(|(t, _, _)| *t == row.entity) else { return Ok(false) };
    let Some(pid) = row.payload.get(*field).and_then(Value::as_str).and_then(|p| Uuid::parse_str(p).ok()) else {
        return Ok(false);
    };
    Ok(tx.entity_head(parent, pid)?.is_some_and(|p| p.office_id != Some(office_id)))
}

/// A record the county itself makes (a leave decision, a decision on a proposal), by console
/// user `user` now: stored, and sent to the subject's office if one holds it. Returns its row.
pub(crate) fn put_county_record<R: serde::Serialize>(
    tx: &mut dyn CountyTx,
    entity: &str,
    id: Uuid,
    subject_id: Uuid,
    make: impl FnOnce(jiaowu_store::Recorded) -> R,
    user: &str,
    now: DateTime<Utc>,
) -> Result<EntityRow> {
    let recorded = jiaowu_store::Recorded {
        recorded_by: user.to_string(),
        recorded_at: now,
        supersedes: None,
        correction_reason: None,
    };
    let row = EntityRow {
        entity: entity.into(),
        id,
        subject_id: Some(subject_id),
        office_id: None,
        alt_key: None,
        version: 1,
        payload: serde_json::to_value(make(recorded)).map_err(|e| ServerError::internal(e.to_string()))?,
    };
    tx.put_entity(&row)?;
    if let Some(office) = tx.entity_head("subjects", subject_id)?.and_then(|s| s.office_id) {
        feed_upsert(tx, office, row.clone(), None, now)?;
    }
    Ok(row)
}

/// Appends an upsert of `row` to an office's feed (not a row the office cannot hold).
pub(crate) fn feed_upsert(
    tx: &mut dyn CountyTx,
    office_id: Uuid,
    row: EntityRow,
    origin: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    if foreign_child(tx, office_id, &row)? {
        return Ok(());
    }
    let payload = match row.payload {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let change = Change::Upsert {
        entity: row.entity,
        entity_id: row.id,
        version: row.version,
        payload,
        origin_op_id: origin,
        recorded_at: now,
    };
    tx.append_change(office_id, &change)?;
    Ok(())
}
