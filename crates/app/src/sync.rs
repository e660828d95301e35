//! Sync with the county (design.md §3, docs/sync-protocol.md): the case store as the engine's
//! `Replica`, and the user actions — enrol this PC, sync now, see what waits, what the county
//! refused and what conflicts it recorded.

use std::collections::{BTreeSet, HashSet};

use jiaowu_domain::ids::RecordId;
use jiaowu_store::{decode_record, Applied, OpState, Subject};
use jiaowu_sync::digest::ScopeDigest;
use jiaowu_sync::engine::{keys, ApplyStats, Engine, LocalOp, Replica, SyncError, SyncReport};
use jiaowu_sync::transport::{HttpTransport, Transport};
use jiaowu_sync::wire::{Change, ConflictRecord, Op, OpKind, OpResult, Outcome};
use serde::Serialize;
use uuid::Uuid;

use crate::core::Core;
use crate::error::AppError;
use crate::zh;

/// Subjects that left this office's scope (transfer out, §6 `scope_exit`): kept as a read-only
/// archive, left out of the digest.
const EXITED: &str = "scope_exited";
/// Leaves whose state must be folded again after pulled events (a crash between the two writes
/// leaves them listed here, and the next sync folds them).
const REFOLD: &str = "leaves_to_refold";
const CONFLICT_PREFIX: &str = "conflict:";

/// The sync line of the app's status bar.
#[derive(Debug, Clone, Serialize)]
pub struct SyncStatusView {
    pub enrolled: bool,
    pub county_name: Option<String>,
    pub county_url: Option<String>,
    /// Server time of the last successful sync.
    pub last_sync: Option<String>,
    pub waiting: i64,
    pub needs_attention: i64,
    pub open_conflicts: usize,
    pub clock_skew_ms: Option<i64>,
    /// First 16 hex digits of the county certificate's pin, to compare with the printed
    /// enrolment slip (HTTPS only).
    pub county_pin_prefix: Option<String>,
    /// Shown when the PC clock is off by more than 10 minutes (protocol §8).
    pub clock_warning: Option<String>,
    /// Whether the county entrusts this office with leave of up to 7 days (实施办法 Art 27), as
    /// its last word reached this PC.
    pub leave_delegated: bool,
}

/// An op the county refused: the 需要处理 list.
#[derive(Debug, Clone, Serialize)]
pub struct RejectedOpView {
    pub seq: i64,
    pub entity: String,
    pub entity_label: String,
    pub entity_id: String,
    pub message: String,
}

/// One field of a conflict, both values side by side.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictField {
    pub field: String,
    pub label: String,
    pub county_value: String,
    pub office_value: String,
}

/// A conflict the county recorded, for the conflict list.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictView {
    pub id: String,
    pub entity_label: String,
    pub entity_id: String,
    pub fields: Vec<ConflictField>,
    pub outcome_label: String,
    pub open: bool,
    pub received_at: String,
    pub resolution_note: Option<String>,
}

/// What needs a person: ops the county refused, and conflicts.
#[derive(Debug, Clone, Serialize)]
pub struct SyncAttentionView {
    pub rejected: Vec<RejectedOpView>,
    pub conflicts: Vec<ConflictView>,
}

fn shown(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => zh::EMPTY_VALUE.into(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn conflict_view(c: &ConflictRecord) -> ConflictView {
    let fields = if c.fields.is_empty() {
        // A whole record (a second correction, a late leave event): the record on each side.
        vec![ConflictField {
            field: String::new(),
            label: zh::table_label(&c.entity).into(),
            county_value: shown(Some(&c.county_value)),
            office_value: shown(Some(&c.office_value)),
        }]
    } else {
        c.fields
            .iter()
            .map(|f| ConflictField {
                field: f.clone(),
                label: zh::field(f).into(),
                county_value: shown(c.county_value.get(f)),
                office_value: shown(c.office_value.get(f)),
            })
            .collect()
    };
    ConflictView {
        id: c.id.to_string(),
        entity_label: zh::table_label(&c.entity).into(),
        entity_id: c.entity_id.to_string(),
        fields,
        outcome_label: zh::conflict_outcome(c.outcome).into(),
        open: c.state == jiaowu_sync::wire::ConflictState::Open,
        received_at: zh::beijing_time(&c.received_at.to_rfc3339()),
        resolution_note: c.resolution_note.clone(),
    }
}

pub struct CoreReplica<'a> {
    core: &'a mut Core,
}

fn local(e: impl std::fmt::Display) -> SyncError {
    SyncError::Local(e.to_string())
}

impl Core {
    fn sync_value(&self, key: &str) -> Result<Option<String>, AppError> {
        Ok(self.store.sync_value(key)?)
    }

    pub(crate) fn exited(&self) -> Result<HashSet<String>, AppError> {
        Ok(self.sync_value(EXITED)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }

    pub fn sync_status(&self) -> Result<SyncStatusView, AppError> {
        let (waiting, needs_attention) = self.store.outbox_counts()?;
        let skew: Option<i64> = self.sync_value(keys::SKEW_MS)?.and_then(|v| v.parse().ok());
        Ok(SyncStatusView {
            enrolled: self.sync_value(keys::DEVICE_ID)?.is_some(),
            county_name: self.sync_value(keys::COUNTY_NAME)?,
            county_url: self.sync_value(keys::URL)?,
            last_sync: self.sync_value(keys::LAST_SYNC)?.map(|t| zh::beijing_time(&t)),
            waiting,
            needs_attention,
            open_conflicts: self
                .sync_conflicts()?
                .iter()
                .filter(|c| c.state == jiaowu_sync::wire::ConflictState::Open)
                .count(),
            clock_skew_ms: skew,
            county_pin_prefix: self.sync_value(keys::CERT_PIN)?.map(|p| p.chars().take(16).collect()),
            clock_warning: skew.filter(|s| s.abs() > 10 * 60 * 1000).map(zh::clock_skew_warning),
            leave_delegated: self.leave_delegated()?,
        })
    }

    /// 重新提交: a refused op goes up again at the next sync, as a new op (after the county granted
    /// what it lacked, say), followed by the refused ops that wait on its record (protocol §5).
    /// Returns how many ops were queued.
    pub fn resubmit_rejected(&mut self, seq: i64) -> Result<usize, AppError> {
        let (session, now) = (self.session.clone(), self.clock.now());
        match self.store.write(&session, now, |tx| tx.resubmit(seq)) {
            Ok(again) => Ok(again.len()),
            Err(jiaowu_store::StoreError::RecordNotFound { what: "resubmittable op", .. }) => {
                Err(AppError::refused("seq", "sync.update_not_resubmitted", zh::SYNC_UPDATE_NOT_RESUBMITTED))
            }
            Err(jiaowu_store::StoreError::RecordNotFound { .. }) => {
                Err(AppError::refused("seq", "sync.not_rejected", zh::SYNC_NOT_REJECTED))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Ops the county refused, with its reason, oldest first.
    pub fn rejected_ops(&self) -> Result<Vec<RejectedOpView>, AppError> {
        Ok(self
            .store
            .outbox_rejected()?
            .into_iter()
            .map(|o| {
                let result: Option<OpResult> = o.result.as_deref().and_then(|r| serde_json::from_str(r).ok());
                let message = result
                    .and_then(|r| r.message.clone().or_else(|| r.previous.and_then(|p| p.message)))
                    .unwrap_or_default();
                RejectedOpView {
                    seq: o.seq,
                    entity_label: zh::table_label(&o.entity).to_string(),
                    entity: o.entity,
                    entity_id: o.entity_id,
                    message,
                }
            })
            .collect())
    }

    /// Conflicts the county recorded about this office's changes, newest state of each.
    pub fn sync_conflicts(&self) -> Result<Vec<ConflictRecord>, AppError> {
        let rows = self.store.sync_values_with_prefix(CONFLICT_PREFIX)?;
        Ok(rows.into_iter().filter_map(|(_, v)| serde_json::from_str(&v).ok()).collect())
    }

    /// 需要处理 and 冲突 together, for the sync page.
    pub fn sync_attention(&self) -> Result<SyncAttentionView, AppError> {
        Ok(SyncAttentionView {
            rejected: self.rejected_ops()?,
            conflicts: self.sync_conflicts()?.iter().map(conflict_view).collect(),
        })
    }

    /// Folds again the leaves that pulled events touched.
    fn refold_pending(&mut self) -> Result<(), AppError> {
        let ids: BTreeSet<String> =
            self.sync_value(REFOLD)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
        for id in &ids {
            if let Some(id) = RecordId::parse(id) {
                self.refresh_leave_status(id)?;
            }
        }
        if !ids.is_empty() {
            let (session, now) = (self.session.clone(), self.clock.now());
            self.store.write(&session, now, |tx| tx.set_sync_value(REFOLD, "[]"))?;
        }
        Ok(())
    }
}

fn change_version(c: &Change) -> i64 {
    match c {
        Change::Upsert { version, .. } => *version,
        _ => 0,
    }
}

fn op_of(o: jiaowu_store::OutboxOp) -> Result<LocalOp, SyncError> {
    let kind = match o.kind.as_str() {
        "create" => OpKind::Create,
        "update" => OpKind::Update,
        "supersede" => OpKind::Supersede,
        _ => OpKind::Event,
    };
    let payload = match serde_json::from_str(&o.payload).map_err(local)? {
        serde_json::Value::Object(m) => m,
        _ => return Err(local("outbox payload is not an object")),
    };
    Ok(LocalOp {
        local_seq: o.seq,
        op: Op {
            op_id: Uuid::parse_str(&o.op_id).map_err(local)?,
            seq: 0,
            entity: o.entity,
            entity_id: Uuid::parse_str(&o.entity_id).map_err(local)?,
            kind,
            base_version: o.base_version,
            payload,
            device_time: o.device_time.parse().map_err(local)?,
            schema_version: 1,
            app_version: env!("CARGO_PKG_VERSION").into(),
            clock_skew_ms: None,
        },
    })
}

impl Replica for CoreReplica<'_> {
    fn get(&self, key: &str) -> Result<Option<String>, SyncError> {
        self.core.store.sync_value(key).map_err(local)
    }

    fn set(&mut self, values: &[(&str, String)]) -> Result<(), SyncError> {
        let (session, now) = (self.core.session.clone(), self.core.clock.now());
        self.core
            .store
            .write(&session, now, |tx| {
                for (k, v) in values {
                    tx.set_sync_value(k, v)?;
                }
                Ok(())
            })
            .map_err(local)
    }

    fn ops_after(&self, local_seq: i64, limit: usize) -> Result<Vec<LocalOp>, SyncError> {
        self.core.store.outbox_after(local_seq, limit).map_err(local)?.into_iter().map(op_of).collect()
    }

    fn waiting(&self) -> Result<u64, SyncError> {
        Ok(self.core.store.outbox_counts().map_err(local)?.0 as u64)
    }

    fn first_unanswered(&self) -> Result<Option<i64>, SyncError> {
        Ok(self.core.store.outbox_unanswered(0, 1).map_err(local)?.first().map(|o| o.seq))
    }

    fn record_results(&mut self, results: &[(i64, OpResult)], acked_through: u64) -> Result<(), SyncError> {
        let (session, now) = (self.core.session.clone(), self.core.clock.now());
        self.core
            .store
            .write(&session, now, |tx| {
                for (seq, r) in results {
                    let outcome = r.previous.as_ref().map(|p| p.outcome).unwrap_or(r.outcome);
                    let state = if outcome == Outcome::Rejected { OpState::Rejected } else { OpState::Acked };
                    let json = serde_json::to_string(r).unwrap_or_default();
                    tx.set_op_state(*seq, state, Some(&json))?;
                }
                tx.set_sync_value(keys::ACKED_THROUGH, &acked_through.to_string())
            })
            .map_err(local)
    }

    fn apply(&mut self, changes: &[Change], cursor: Option<&str>) -> Result<ApplyStats, SyncError> {
        let gate = self.core.store.entities_with_unsent_ops().map_err(local)?;
        let mut exited = self.core.exited().map_err(local)?;
        let mut refold: BTreeSet<String> =
            self.get(REFOLD)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
        let server_office = self.get(keys::SERVER_OFFICE_ID)?.unwrap_or_default();
        // A page read with no cursor behind it starts the feed again (first sync, or the county's
        // database was restored).
        let from_start = self.get(keys::CURSOR)?.is_none_or(|c| c.is_empty());
        let office_id = self.core.office.id.to_string();
        let mut stats = ApplyStats::default();
        let mut received = Vec::new();
        let mut authors = HashSet::new();
        let (session, now) = (self.core.session.clone(), self.core.clock.now());
        self.core
            .store
            .write(&session, now, |tx| {
                if from_start {
                    crate::county_settings::forget_version(tx)?;
                }
                for change in changes {
                    match change {
                        Change::Upsert { entity, entity_id, version, payload, .. } if entity == "offices" => {
                            // The county's settings for this office; another office's are not
                            // this store's business.
                            if entity_id.to_string() == server_office
                                && crate::county_settings::apply(tx, *version, payload)?
                            {
                                received.push(serde_json::json!([entity, entity_id, version]));
                            }
                        }
                        Change::Upsert { entity, entity_id, payload, .. } => {
                            if gate.contains(&entity_id.to_string()) {
                                stats.gated += 1;
                                continue;
                            }
                            let mut payload = payload.clone();
                            // The county names offices by its own ids; this store by its own.
                            if let Some(v) = payload.get_mut("office_id") {
                                if v.as_str() == Some(server_office.as_str()) || entity == "subjects" {
                                    *v = serde_json::Value::String(office_id.clone());
                                }
                            }
                            let applied = if entity == "subjects" {
                                let mut s: Subject = serde_json::from_value(serde_json::Value::Object(payload))
                                    .map_err(|e| jiaowu_store::StoreError::Encoding(e.to_string()))?;
                                s.name_initials = crate::subjects::initials(&s.name);
                                tx.apply_remote_subject(&s)?
                            } else {
                                let Some(rec) = decode_record(entity, serde_json::Value::Object(payload)) else {
                                    continue;
                                };
                                let rec = rec.map_err(|e| jiaowu_store::StoreError::Encoding(e.to_string()))?;
                                if entity == "leave_events" || entity == "leave_requests" {
                                    let v = rec.to_json();
                                    let leave = v.get("leave_id").and_then(|l| l.as_str()).map(str::to_owned);
                                    refold.insert(leave.unwrap_or_else(|| entity_id.to_string()));
                                }
                                tx.apply_remote_record(rec.as_ref(), zh::COUNTY_STAFF, &mut authors)?
                            };
                            match applied {
                                Applied::Inserted => {
                                    stats.applied += 1;
                                    received.push(serde_json::json!([entity, entity_id, change_version(change)]));
                                }
                                Applied::AlreadyHeld => stats.already_held += 1,
                                Applied::SecondCorrection => stats.conflicts += 1,
                            }
                        }
                        Change::ScopeEnter { subject_id } => {
                            exited.remove(&subject_id.to_string());
                        }
                        Change::ScopeExit { subject_id } => {
                            exited.insert(subject_id.to_string());
                        }
                        Change::Conflict { conflict } => {
                            stats.conflicts += 1;
                            let json = serde_json::to_string(conflict).unwrap_or_default();
                            tx.set_sync_value(&format!("{CONFLICT_PREFIX}{}", conflict.id), &json)?;
                        }
                    }
                }
                if !received.is_empty() {
                    // One audit entry for what this page brought: [table, id, version] each.
                    let detail = serde_json::json!({ "from": "county", "records": received });
                    tx.audit_only("sync_in", "sync", cursor.unwrap_or("repair"), &detail)?;
                }
                tx.set_sync_value(EXITED, &serde_json::to_string(&exited).unwrap_or_default())?;
                tx.set_sync_value(REFOLD, &serde_json::to_string(&refold).unwrap_or_default())?;
                if let Some(c) = cursor {
                    tx.set_sync_value(keys::CURSOR, c)?;
                }
                Ok(())
            })
            .map_err(local)?;
        self.core.refold_pending().map_err(|e| local(e.message()))?;
        Ok(stats)
    }

    fn digest(&self) -> Result<ScopeDigest, SyncError> {
        let exited = self.core.exited().map_err(local)?;
        let mut d = ScopeDigest::default();
        let tables = std::iter::once("subjects").chain(jiaowu_store::RECORD_TABLES.iter().copied());
        for table in tables {
            for (id, version) in self.held_in_scope(table, &exited)? {
                d.tables.entry(table.to_string()).or_default().add(id, version);
            }
        }
        Ok(d)
    }

    fn held(&self, table: &str) -> Result<Vec<(Uuid, i64)>, SyncError> {
        let exited = self.core.exited().map_err(local)?;
        self.held_in_scope(table, &exited)
    }
}

impl CoreReplica<'_> {
    /// What the office holds of a table, less the archive of subjects that left its scope.
    fn held_in_scope(&self, table: &str, exited: &HashSet<String>) -> Result<Vec<(Uuid, i64)>, SyncError> {
        Ok(self
            .core
            .store
            .held_versions(table)
            .map_err(local)?
            .into_iter()
            .filter(|(_, _, s)| s.as_ref().is_none_or(|s| !exited.contains(s)))
            .filter_map(|(id, v, _)| Uuid::parse_str(&id).ok().map(|u| (u, v)))
            .collect())
    }
}

fn sync_error(e: SyncError) -> AppError {
    match e {
        SyncError::Refused { code, message, field, .. } => {
            let code = serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            AppError::refused(field.as_deref().unwrap_or(""), &format!("sync.{code}"), message)
        }
        SyncError::Offline(detail) if detail.contains(jiaowu_sync::transport::PIN_MISMATCH) => {
            AppError::refused("", "sync.certificate_mismatch", zh::CERT_PIN_MISMATCH)
        }
        SyncError::Offline(detail) => AppError::refused("", "sync.offline", zh::sync_offline(&detail)),
        SyncError::NotEnrolled => AppError::refused("", "sync.not_enrolled", zh::SYNC_NOT_ENROLLED),
        SyncError::Local(detail) => AppError::internal(detail),
    }
}

/// The transport to this office's county: its address and the certificate pin taken at
/// enrolment. `timeout`: seconds without progress before a request is given up.
pub fn county_transport(core: &Core, timeout: std::time::Duration) -> Result<HttpTransport, AppError> {
    let url =
        core.sync_value(keys::URL)?.ok_or_else(|| AppError::refused("", "sync.not_enrolled", zh::SYNC_NOT_ENROLLED))?;
    let pin = core.sync_value(keys::CERT_PIN)?;
    HttpTransport::pinned(&url, pin.as_deref(), timeout)
        .map_err(|e| AppError::invalid("url", "sync.url", zh::cli::sync_bad_url(&e.0)))
}

/// 登记本机: enrols this PC with the county's one-time code (负责人 only).
pub async fn enrol<T: Transport>(
    core: &mut Core,
    transport: T,
    url: &str,
    code: &str,
    device_name: &str,
) -> Result<jiaowu_sync::wire::EnrolResponse, AppError> {
    if core.session.role != jiaowu_domain::Role::Head {
        return Err(AppError::forbidden("role.head_only", zh::head_only("登记本机")));
    }
    if core.sync_value(keys::DEVICE_ID)?.is_some() {
        return Err(AppError::refused("code", "sync.already_enrolled", zh::SYNC_ALREADY_ENROLLED));
    }
    let clock = core.clock.clone();
    let engine = Engine::new(transport, std::sync::Arc::new(move || clock.now()));
    let mut replica = CoreReplica { core };
    engine
        .enrol(&mut replica, url, code, device_name, jiaowu_sync::engine::new_device_secret())
        .await
        .map_err(sync_error)
}

/// 同步: pushes what waits and pulls what the county has for this office.
pub async fn sync_now<T: Transport>(core: &mut Core, transport: T) -> Result<SyncReport, AppError> {
    sync_with_progress(core, transport, None).await
}

/// 上报 only: sends what waits without pulling (closing the app, a county ingest benchmark).
pub async fn push_now<T: Transport>(core: &mut Core, transport: T) -> Result<SyncReport, AppError> {
    let clock = core.clock.clone();
    let engine = Engine::new(transport, std::sync::Arc::new(move || clock.now()));
    let mut replica = CoreReplica { core };
    engine.push(&mut replica).await.map_err(sync_error)
}

/// 同步, telling `progress` how far it is (the desktop's progress bar).
pub async fn sync_with_progress<T: Transport>(
    core: &mut Core,
    transport: T,
    progress: Option<jiaowu_sync::engine::ProgressFn>,
) -> Result<SyncReport, AppError> {
    let clock = core.clock.clone();
    let mut engine = Engine::new(transport, std::sync::Arc::new(move || clock.now()));
    engine.progress = progress;
    reread_once(core)?;
    let mut replica = CoreReplica { core };
    engine.sync(&mut replica).await.map_err(sync_error)
}

/// An enrolled PC that holds no settings from the county reads its feed from the start, once: an
/// app from before the `offices` entries (protocol §6) skipped them. Records it holds already
/// are recognised and left as they are.
fn reread_once(core: &mut Core) -> Result<(), AppError> {
    let (session, now) = (core.session.clone(), core.clock.now());
    core.store.write(&session, now, |tx| {
        if tx.sync_value(keys::DEVICE_ID)?.is_some() && crate::county_settings::needs_reread(tx)? {
            tx.set_sync_value(keys::CURSOR, "")?;
            crate::county_settings::reread_done(tx)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// The digest of what this office holds in its scope (the same the county sends on its last pull
/// page): for support ("sync doctor") and the simulation.
pub fn held_digest(core: &mut Core) -> Result<ScopeDigest, AppError> {
    CoreReplica { core }.digest().map_err(sync_error)
}

impl Core {
    /// The benchmark's floor under an initial sync (`jiaowu-sync-bench`): the same rows stored
    /// with no audit entry, no outbox op and no checks, 500 a transaction. Not a use case.
    pub fn bulk_load_for_benchmark(&mut self, rows: &[(String, serde_json::Value)]) -> Result<(), AppError> {
        let office_id = serde_json::Value::String(self.office.id.to_string());
        let (session, now) = (self.session.clone(), self.clock.now());
        let mut authors = HashSet::new();
        for chunk in rows.chunks(500) {
            self.store.write(&session, now, |tx| {
                for (entity, payload) in chunk {
                    let mut payload = payload.clone();
                    if let Some(v) = payload.get_mut("office_id") {
                        *v = office_id.clone();
                    }
                    if entity == "subjects" {
                        let s: Subject = serde_json::from_value(payload)
                            .map_err(|e| jiaowu_store::StoreError::Encoding(e.to_string()))?;
                        tx.apply_remote_subject(&s)?;
                        continue;
                    }
                    let Some(rec) = decode_record(entity, payload) else { continue };
                    let rec = rec.map_err(|e| jiaowu_store::StoreError::Encoding(e.to_string()))?;
                    if authors.insert(rec.metadata().recorded_by.clone()) {
                        tx.ensure_remote_staff(&rec.metadata().recorded_by, zh::COUNTY_STAFF)?;
                    }
                    rec.insert_row(tx)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    /// Every op id this PC ever made, oldest first.
    pub fn outbox_op_ids(&self) -> Result<Vec<String>, AppError> {
        Ok(self.store.outbox_after(0, usize::MAX >> 1)?.into_iter().map(|o| o.op_id).collect())
    }
}

/// 导出数据包: what waits, as a signed push bundle written into `dir` (protocol §10). Returns
/// the file written (its `.sig` beside it).
pub fn export_bundle(core: &mut Core, dir: &std::path::Path) -> Result<std::path::PathBuf, AppError> {
    let now = core.clock.now();
    let file = jiaowu_sync::bundle::export_push(&mut CoreReplica { core }, now).map_err(sync_error)?;
    let path = dir.join(&file.name);
    std::fs::write(&path, &file.bytes).map_err(AppError::internal)?;
    std::fs::write(format!("{}.sig", path.display()), &file.signature).map_err(AppError::internal)?;
    Ok(path)
}

/// 导入回执: applies a pull bundle from the county after checking the county's signature.
pub fn import_bundle(core: &mut Core, path: &std::path::Path) -> Result<SyncReport, AppError> {
    let bytes =
        std::fs::read(path).map_err(|_| AppError::refused("file", "bundle.missing", zh::bundle_missing(path)))?;
    let sig = std::fs::read_to_string(format!("{}.sig", path.display()))
        .map_err(|_| AppError::refused("file", "bundle.no_signature", zh::bundle_missing(path)))?;
    let key = core
        .sync_value(jiaowu_sync::engine::keys::COUNTY_SIGNING_KEY)?
        .and_then(|k| jiaowu_sync::engine::decode_key(&k))
        .ok_or_else(|| AppError::refused("", "sync.not_enrolled", zh::SYNC_NOT_ENROLLED))?;
    let doc = jiaowu_sync::bundle::read_pull(&bytes, &sig, &key)
        .map_err(|_| AppError::refused("file", "bundle.bad_signature", zh::BUNDLE_BAD_SIGNATURE))?;
    // A 回执 answers one PC's 数据包: another office's, or another PC's, would mark this PC's
    // unsent work as received.
    let office = core.sync_value(keys::SERVER_OFFICE_ID)?.unwrap_or_default();
    let device = core.sync_value(keys::DEVICE_ID)?.unwrap_or_default();
    if doc.office_id.to_string() != office || doc.device_id.is_some_and(|d| d.to_string() != device) {
        return Err(AppError::refused("file", "bundle.not_ours", zh::BUNDLE_NOT_OURS));
    }
    let mut replica = CoreReplica { core };
    jiaowu_sync::bundle::import_pull(&mut replica, &doc).map_err(sync_error)
}
