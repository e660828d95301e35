//! Pull (docs/sync-protocol.md §6): an office's change feed from an opaque cursor, in commit
//! order, paged; the scope digest on the last page; snapshot and record fetches for repair.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use jiaowu_sync::digest::{ScopeDigest, TableDigest};
use jiaowu_sync::wire::{Change, ErrorCode, PullResponse};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::error::ServerError;
use crate::model::Device;
use crate::push::feed_upsert;
use crate::server::Server;
use crate::store::{CountyTx, EntityRow, Result};
use crate::zh;

/// Tables an office holds a copy of (its own `office`/`staff` reports are not sent back).
pub fn synced_table(entity: &str) -> bool {
    entity == "subjects" || jiaowu_store::RECORD_TABLES.contains(&entity)
}

/// `GET /snapshot` answer: ids and versions in id order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotPage {
    pub entity: String,
    pub items: Vec<SnapshotItem>,
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotItem {
    pub entity_id: Uuid,
    pub version: i64,
}

/// `POST /records` request and answer: current copies as upsert changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordsRequest {
    pub entity: String,
    pub ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordsResponse {
    pub changes: Vec<Change>,
}

/// `GET /pull` as the server writes it: `wire::PullResponse` with the changes kept as the JSON
/// text they were stored as.
#[derive(Debug, Serialize)]
pub struct PullPage {
    pub server_time: chrono::DateTime<chrono::Utc>,
    pub cursor: String,
    pub more: bool,
    pub changes: Vec<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<ScopeDigest>,
}

impl PullPage {
    /// The page as a client reads it.
    pub fn parsed(&self) -> Result<PullResponse> {
        let text = serde_json::to_string(self).map_err(|e| ServerError::internal(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| ServerError::internal(e.to_string()))
    }
}

fn encode_cursor(epoch: &str, seq: i64) -> String {
    B64.encode(format!("1:{epoch}:{seq}"))
}

fn decode_cursor(cursor: &str) -> Option<(String, i64)> {
    let text = String::from_utf8(B64.decode(cursor).ok()?).ok()?;
    let mut parts = text.splitn(3, ':');
    if parts.next()? != "1" {
        return None;
    }
    let epoch = parts.next()?.to_string();
    let seq = parts.next()?.parse().ok()?;
    Some((epoch, seq))
}

impl Server {
    /// The feed seq behind a cursor this server handed out.
    pub(crate) fn cursor_seq(&self, cursor: Option<&str>) -> Result<i64> {
        match cursor {
            None | Some("") => Ok(0),
            Some(c) => match decode_cursor(c) {
                Some((epoch, seq)) if epoch == self.feed_epoch => Ok(seq),
                Some(_) => Err(ServerError::new(ErrorCode::CursorReset, zh::CURSOR_RESET)),
                None => Err(ServerError::new(ErrorCode::Malformed, zh::MALFORMED).field("cursor")),
            },
        }
    }

    pub fn pull(&self, device: &Device, cursor: Option<&str>, limit: usize) -> Result<PullPage> {
        let limit = limit.clamp(1, jiaowu_sync::MAX_PULL_CHANGES);
        let now = self.now();
        let reset = || ServerError::new(ErrorCode::CursorReset, zh::CURSOR_RESET);
        let after = self.cursor_seq(cursor)?;
        self.write(|tx| {
            if after > tx.last_change_seq()? {
                // The feed is shorter than a cursor it handed out: this database was restored.
                return Err(reset());
            }
            if let Some(mut d) = crate::store::get::<Device>(tx, crate::store::kind::DEVICE, &device.id.to_string())? {
                if after > d.pulled_through {
                    d.pulled_through = after;
                    crate::store::put(tx, crate::store::kind::DEVICE, &d.id.to_string(), &d)?;
                }
            }
            let mut rows = tx.changes_after(device.office_id, after, limit + 1)?;
            let more = rows.len() > limit;
            rows.truncate(limit);
            let last = rows.last().map(|r| r.seq).unwrap_or(after);
            // Stored changes are passed through as they are: no parse, no re-serialisation.
            let changes = rows
                .into_iter()
                .map(|r| RawValue::from_string(r.change).map_err(|e| ServerError::internal(e.to_string())))
                .collect::<Result<Vec<Box<RawValue>>>>()?;
            let digest = if more { None } else { Some(scope_digest(tx, device.office_id)?) };
            Ok(PullPage { server_time: now, cursor: encode_cursor(&self.feed_epoch, last), more, changes, digest })
        })
    }

    /// The digest of everything an office should hold (what its last pull page carries).
    pub fn scope_digest(&self, office: Uuid) -> Result<ScopeDigest> {
        self.write(|tx| scope_digest(tx, office))
    }

    /// Every synced row of an office's scope as (entity, payload), subjects first (the benchmark's
    /// raw-insert baseline reads what the office should end up holding).
    pub fn scope_rows(&self, office: Uuid) -> Result<Vec<(String, serde_json::Value)>> {
        self.write(|tx| {
            let mut out = Vec::new();
            let subjects = tx.subjects_of_office(office)?;
            for s in &subjects {
                out.push((s.entity.clone(), s.payload.clone()));
            }
            for row in tx.office_rows(office)? {
                if synced_table(&row.entity) {
                    out.push((row.entity, row.payload));
                }
            }
            for s in &subjects {
                for row in tx.entities_of_subject(s.id)? {
                    if row.entity != "subjects" && synced_table(&row.entity) {
                        out.push((row.entity, row.payload));
                    }
                }
            }
            Ok(out)
        })
    }

    /// Up to `n` entity rows the server holds, with fresh ids (the county ingest baseline).
    pub fn sample_entities(&self, n: usize) -> Result<Vec<crate::store::EntityRow>> {
        let offices: Vec<crate::model::Office> = self.write(|tx| crate::store::all(tx, crate::store::kind::OFFICE))?;
        let mut out = Vec::new();
        for o in offices {
            let rows = self.write(|tx| {
                let mut rows = Vec::new();
                for s in tx.subjects_of_office(o.id)? {
                    rows.extend(tx.entities_of_subject(s.id)?);
                }
                Ok(rows)
            })?;
            for mut r in rows {
                if out.len() == n {
                    return Ok(out);
                }
                r.id = self.new_id();
                out.push(r);
            }
        }
        Ok(out)
    }

    /// An op as received, with the answer the server gave.
    pub fn stored_op(&self, op_id: Uuid) -> Result<Option<crate::store::StoredOp>> {
        self.write(|tx| tx.op_by_id(op_id))
    }

    /// How many ops the server holds.
    pub fn op_count(&self) -> Result<u64> {
        self.write(|tx| tx.op_count())
    }

    /// Ids and versions of one table in the office's scope, in id order, after `after`.
    pub fn snapshot(&self, device: &Device, entity: &str, after: Option<Uuid>, limit: usize) -> Result<SnapshotPage> {
        let limit = limit.clamp(1, jiaowu_sync::MAX_PULL_CHANGES);
        self.write(|tx| {
            let mut items: Vec<SnapshotItem> = tx
                .scope_versions(device.office_id)?
                .into_iter()
                .filter(|(e, id, _)| e == entity && after.is_none_or(|a| *id > a))
                .map(|(_, entity_id, version)| SnapshotItem { entity_id, version })
                .collect();
            items.sort_by_key(|i| i.entity_id);
            let more = items.len() > limit;
            items.truncate(limit);
            Ok(SnapshotPage { entity: entity.to_string(), items, more })
        })
    }

    /// Current copies of records in the office's scope (ids out of scope are left out).
    pub fn records(&self, device: &Device, req: &RecordsRequest) -> Result<RecordsResponse> {
        if req.ids.len() > jiaowu_sync::MAX_PULL_CHANGES {
            return Err(ServerError::new(ErrorCode::TooLarge, zh::TOO_LARGE));
        }
        let now = self.now();
        self.write(|tx| {
            let mut changes = Vec::new();
            for id in &req.ids {
                let Some(row) = tx.entity(&req.entity, *id)? else { continue };
                if !in_scope(tx, device.office_id, &row)?
                    || !synced_table(&row.entity)
                    || crate::push::foreign_child(tx, device.office_id, &row)?
                {
                    continue;
                }
                changes.push(upsert_of(&row, now));
            }
            Ok(RecordsResponse { changes })
        })
    }
}

fn upsert_of(row: &EntityRow, now: chrono::DateTime<chrono::Utc>) -> Change {
    Change::Upsert {
        entity: row.entity.clone(),
        entity_id: row.id,
        version: row.version,
        payload: row.payload.as_object().cloned().unwrap_or_default(),
        origin_op_id: None,
        recorded_at: now,
    }
}

/// Whether a row is in an office's scope: its subject is assigned there, or it is the office's
/// own office-level record.
pub(crate) fn in_scope(tx: &mut dyn CountyTx, office: Uuid, row: &EntityRow) -> Result<bool> {
    match row.subject_id {
        Some(s) => Ok(tx.entity_head("subjects", s)?.and_then(|s| s.office_id) == Some(office)),
        None => Ok(row.office_id == Some(office)),
    }
}

/// The digest of everything an office should hold (§6).
pub(crate) fn scope_digest(tx: &mut dyn CountyTx, office: Uuid) -> Result<ScopeDigest> {
    let mut tables: BTreeMap<String, TableDigest> = BTreeMap::new();
    for (entity, id, version) in tx.scope_versions(office)? {
        if synced_table(&entity) {
            tables.entry(entity).or_default().add(id, version);
        }
    }
    Ok(ScopeDigest { tables })
}

/// Sends a subject and everything recorded about it to an office that just received it.
pub(crate) fn send_snapshot(
    tx: &mut dyn CountyTx,
    office: Uuid,
    subject: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let enter = Change::ScopeEnter { subject_id: subject };
    tx.append_change(office, &enter)?;
    for row in tx.entities_of_subject(subject)? {
        if synced_table(&row.entity) {
            feed_upsert(tx, office, row, None, now)?;
        }
    }
    Ok(())
}

impl Server {
    /// County console: imports a push bundle carried on USB (protocol §10) and answers with a
    /// pull bundle for the same office: the results of its ops and every change it has not
    /// seen, signed with the county's key.
    pub fn import_push_bundle(&self, bytes: &[u8], signature: &str) -> Result<jiaowu_sync::bundle::BundleFile> {
        use jiaowu_sync::bundle;
        let doc = bundle::read_push(bytes).map_err(|e| ServerError::new(ErrorCode::Malformed, e.to_string()))?;
        let time = doc.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let signed = bundle::push_signed(doc.device_id, doc.counter, &time, bytes);
        let results = self.push_signed(&signed, signature, &doc.request)?;
        let device: Device = self
            .write(|tx| crate::store::get(tx, crate::store::kind::DEVICE, &doc.device_id.to_string()))?
            .ok_or_else(|| ServerError::internal("device vanished"))?;
        let mut pages = Vec::new();
        let mut cursor = doc.request.cursor.clone();
        loop {
            let page = self.pull(&device, cursor.as_deref(), jiaowu_sync::MAX_PULL_CHANGES)?.parsed()?;
            cursor = Some(page.cursor.clone());
            let more = page.more;
            pages.push(page);
            if !more {
                break;
            }
        }
        let out = bundle::PullBundle {
            format: bundle::PULL_FORMAT.into(),
            office_id: device.office_id,
            device_id: Some(device.id),
            created_at: self.now(),
            push_results: Some(results),
            pages,
        };
        bundle::write_pull(&out, &self.signing_key).map_err(|e| ServerError::internal(e.to_string()))
    }
}
