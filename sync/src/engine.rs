//! The office sync engine (docs/sync-protocol.md §3–§8): enrolment, then push of the outbox in
//! seq order and pull of the change feed, with the digest check and repair. It reads and writes
//! the case store only through `Replica`, and the county only through `Transport`, so the same
//! engine runs against the real server on loopback, in-process in the simulation, and through
//! the fault proxy.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::digest::ScopeDigest;
use crate::signing::{public_key_to_base64, Signed};
use crate::transport::{Transport, WireRequest, WireResponse};
use crate::wire::{
    Change, EnrolRequest, EnrolResponse, ErrorBody, ErrorCode, Op, OpResult, PullResponse, PushRequest, PushResponse,
};

/// Keys of the office's sync bookkeeping (`sync_state` in schema.sql).
pub mod keys {
    pub const URL: &str = "county_url";
    pub const DEVICE_ID: &str = "device_id";
    pub const DEVICE_KEY: &str = "device_key";
    pub const COUNTY_NAME: &str = "county_name";
    pub const COUNTY_SIGNING_KEY: &str = "county_signing_key";
    pub const SERVER_OFFICE_ID: &str = "server_office_id";
    /// Last request counter used (replay guard, §3).
    pub const COUNTER: &str = "counter";
    /// Every op up to this wire seq has an answer from the county.
    pub const ACKED_THROUGH: &str = "acked_through";
    /// wire seq = local outbox seq + offset (changes after a restored backup, §5).
    pub const SEQ_OFFSET: &str = "seq_offset";
    pub const CURSOR: &str = "cursor";
    pub const LAST_SYNC: &str = "last_sync_server_time";
    pub const SKEW_MS: &str = "clock_skew_ms";
    /// SHA-256 of the county certificate's public key (SPKI), taken at enrolment (HTTPS only).
    pub const CERT_PIN: &str = "county_cert_pin";
}

/// One op of the local outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalOp {
    pub local_seq: i64,
    /// The op with `seq` still to be set.
    pub op: Op,
}

/// What the engine needs from the office's case store.
pub trait Replica {
    fn get(&self, key: &str) -> Result<Option<String>, SyncError>;
    /// Writes bookkeeping values together.
    fn set(&mut self, values: &[(&str, String)]) -> Result<(), SyncError>;
    /// Outbox ops after a local seq, answered or not, in seq order.
    fn ops_after(&self, local_seq: i64, limit: usize) -> Result<Vec<LocalOp>, SyncError>;
    /// How many ops wait for an answer (for progress).
    fn waiting(&self) -> Result<u64, SyncError>;
    /// The local seq of the first op the county has not answered, if any.
    fn first_unanswered(&self) -> Result<Option<i64>, SyncError>;
    /// Stores the county's answers, and `acked_through`, in one transaction.
    fn record_results(&mut self, results: &[(i64, OpResult)], acked_through: u64) -> Result<(), SyncError>;
    /// Applies pulled changes and stores `cursor` with them in one transaction (None: a repair
    /// fetch, the cursor stays).
    fn apply(&mut self, changes: &[Change], cursor: Option<&str>) -> Result<ApplyStats, SyncError>;
    /// The digest of what the office holds in scope.
    fn digest(&self) -> Result<ScopeDigest, SyncError>;
    /// (id, version) held for one table, for repair.
    fn held(&self, table: &str) -> Result<Vec<(Uuid, i64)>, SyncError>;
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ApplyStats {
    pub applied: u64,
    pub already_held: u64,
    /// Held back because the entity has local ops the county has not answered (the gate).
    pub gated: u64,
    pub conflicts: u64,
}

/// What one sync did, for the status line and `jiaowu sync`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SyncReport {
    pub pushed: u64,
    pub acknowledged: u64,
    pub rejected: u64,
    pub conflicts: u64,
    pub pulled: u64,
    pub applied: ApplyStats,
    pub repaired_tables: Vec<String>,
    pub round_trips: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub server_time: Option<DateTime<Utc>>,
    pub clock_skew_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    #[error("no connection to the county: {0}")]
    Offline(String),
    #[error("{message}")]
    Refused {
        code: ErrorCode,
        message: String,
        /// The request field at fault, when the county named one.
        field: Option<String>,
        detail: serde_json::Map<String, serde_json::Value>,
    },
    #[error("this PC is not enrolled")]
    NotEnrolled,
    #[error("{0}")]
    Local(String),
}

/// Where the engine reads the device's clock (only for `Jiaowu-Time` and skew).
pub type DeviceClock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What a sync is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Push,
    Pull,
    Repair,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub phase: Phase,
    pub done: u64,
    /// Known for push (the ops waiting); a pull does not know how much is coming.
    pub total: Option<u64>,
}

pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

pub struct Engine<T: Transport> {
    transport: T,
    clock: DeviceClock,
    pub app_version: String,
    pub schema_version: u32,
    pub progress: Option<ProgressFn>,
}

const PUSH_BATCH: usize = crate::MAX_PUSH_OPS;
const PULL_PAGE: usize = crate::MAX_PULL_CHANGES;
/// Bodies over this are gzip'd before signing (§2).
const COMPRESS_OVER: usize = 1024;

fn get_num<R: Replica + ?Sized>(r: &R, key: &str) -> Result<i64, SyncError> {
    Ok(r.get(key)?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

impl<T: Transport> Engine<T> {
    pub fn new(transport: T, clock: DeviceClock) -> Engine<T> {
        Engine { transport, clock, app_version: env!("CARGO_PKG_VERSION").into(), schema_version: 1, progress: None }
    }

    fn report_progress(&self, phase: Phase, done: u64, total: Option<u64>) {
        if let Some(p) = &self.progress {
            p(Progress { phase, done, total });
        }
    }

    /// Enrols this PC with a one-time code (§4) and stores what the county answered.
    pub async fn enrol<R: Replica>(
        &self,
        replica: &mut R,
        url: &str,
        code: &str,
        device_name: &str,
        secret: [u8; 32],
    ) -> Result<EnrolResponse, SyncError> {
        if replica.get(keys::DEVICE_ID)?.is_some() {
            return Err(SyncError::Local("already enrolled".into()));
        }
        let key = SigningKey::from_bytes(&secret);
        let req = EnrolRequest {
            code: code.to_string(),
            public_key: public_key_to_base64(&key.verifying_key()),
            device_name: device_name.to_string(),
            app_version: self.app_version.clone(),
            schema_version: self.schema_version,
            device_time: (self.clock)(),
        };
        let body = serde_json::to_vec(&req).map_err(|e| SyncError::Local(e.to_string()))?;
        let wire = WireRequest {
            method: "POST",
            path: "/api/v1/enrol".into(),
            headers: vec![("jiaowu-protocol".into(), "1".into()), ("content-type".into(), "application/json".into())],
            body,
        };
        let resp = self.transport.send(wire).await.map_err(|e| SyncError::Offline(e.0))?;
        let answer: EnrolResponse = decode(&resp)?;
        if let Some(pin) = self.transport.presented_pin() {
            replica.set(&[(keys::CERT_PIN, pin)])?;
        }
        replica.set(&[
            (keys::URL, url.to_string()),
            (keys::DEVICE_ID, answer.device_id.to_string()),
            (keys::DEVICE_KEY, hex::encode(secret)),
            (keys::COUNTY_NAME, answer.county.name.clone()),
            (keys::COUNTY_SIGNING_KEY, answer.county.signing_key.clone()),
            (keys::SERVER_OFFICE_ID, answer.office.id.to_string()),
            (keys::COUNTER, (answer.next_counter - 1).to_string()),
            (keys::ACKED_THROUGH, (answer.next_seq - 1).to_string()),
            (keys::SEQ_OFFSET, "0".into()),
        ])?;
        Ok(answer)
    }

    /// One full sync: push everything waiting, pull everything new, check the digest.
    pub async fn sync<R: Replica>(&self, replica: &mut R) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        self.push_all(replica, &mut report).await?;
        self.pull_all(replica, &mut report).await?;
        Ok(report)
    }

    /// Push only: what waits goes up, nothing is pulled.
    pub async fn push<R: Replica>(&self, replica: &mut R) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        self.push_all(replica, &mut report).await?;
        Ok(report)
    }

    async fn push_all<R: Replica>(&self, replica: &mut R, report: &mut SyncReport) -> Result<(), SyncError> {
        let mut restarts = 0;
        let total = replica.waiting()?;
        let mut done = 0;
        self.report_progress(Phase::Push, 0, Some(total));
        loop {
            let acked = get_num(replica, keys::ACKED_THROUGH)?;
            let offset = get_num(replica, keys::SEQ_OFFSET)?;
            let ops = replica.ops_after(acked - offset, PUSH_BATCH)?;
            if ops.is_empty() {
                return Ok(());
            }
            let skew = replica.get(keys::SKEW_MS)?.and_then(|v| v.parse().ok());
            let wire_ops: Vec<Op> = ops
                .iter()
                .map(|l| {
                    let mut op = l.op.clone();
                    op.seq = (l.local_seq + offset) as u64;
                    op.clock_skew_ms = skew;
                    op
                })
                .collect();
            let cursor = replica.get(keys::CURSOR)?.filter(|c| !c.is_empty());
            let req = PushRequest { first_seq: wire_ops[0].seq, ops: wire_ops, cursor };
            let body = serde_json::to_vec(&req).map_err(|e| SyncError::Local(e.to_string()))?;
            match self.call::<PushResponse, R>(replica, "POST", "/api/v1/push".into(), body, report).await {
                Ok(resp) => {
                    report.pushed += req.ops.len() as u64;
                    let by_seq: HashMap<u64, i64> =
                        ops.iter().map(|l| ((l.local_seq + offset) as u64, l.local_seq)).collect();
                    let mut answers = Vec::new();
                    for r in resp.results {
                        let Some(local) = by_seq.get(&r.seq) else { continue };
                        let outcome = r.previous.as_ref().map(|p| p.outcome).unwrap_or(r.outcome);
                        match outcome {
                            crate::wire::Outcome::Rejected => report.rejected += 1,
                            crate::wire::Outcome::Conflict => report.conflicts += 1,
                            _ => report.acknowledged += 1,
                        }
                        answers.push((*local, r));
                    }
                    replica.record_results(&answers, resp.acked_through)?;
                    done += answers.len() as u64;
                    self.report_progress(Phase::Push, done.min(total), Some(total));
                    if resp.acked_through <= acked as u64 {
                        // No progress: the county answered nothing new; do not spin.
                        return Ok(());
                    }
                }
                Err(SyncError::Refused { code: ErrorCode::SeqGap, detail, .. }) if restarts < 3 => {
                    // The county has less than we think (restored on its side): send again from
                    // the seq it expects; our ops are all kept.
                    restarts += 1;
                    let expected = detail.get("expected_seq").and_then(|v| v.as_i64()).unwrap_or(1);
                    replica.set(&[(keys::ACKED_THROUGH, (expected - 1).to_string())])?;
                }
                Err(SyncError::Refused { code: ErrorCode::SeqReused, detail, .. }) if restarts < 3 => {
                    // This PC was restored from an old backup: renumber what is unanswered to
                    // follow what the county has; op ids stay, so nothing applies twice.
                    restarts += 1;
                    let county_acked = detail.get("acked_through").and_then(|v| v.as_i64()).unwrap_or(0);
                    let first = replica.first_unanswered()?.unwrap_or(acked - offset + 1);
                    replica.set(&[
                        (keys::ACKED_THROUGH, county_acked.to_string()),
                        (keys::SEQ_OFFSET, (county_acked + 1 - first).to_string()),
                    ])?;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn pull_all<R: Replica>(&self, replica: &mut R, report: &mut SyncReport) -> Result<(), SyncError> {
        let mut reset = false;
        loop {
            let cursor = replica.get(keys::CURSOR)?;
            let path = match &cursor {
                Some(c) => format!("/api/v1/pull?cursor={c}&limit={PULL_PAGE}"),
                None => format!("/api/v1/pull?limit={PULL_PAGE}"),
            };
            let page = match self.call::<PullResponse, R>(replica, "GET", path, Vec::new(), report).await {
                Ok(p) => p,
                Err(SyncError::Refused { code: ErrorCode::CursorReset, .. }) if !reset => {
                    // The county's database went back in time: read everything again; the
                    // digest below repairs what differs.
                    reset = true;
                    replica.set(&[(keys::CURSOR, String::new())])?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            report.pulled += page.changes.len() as u64;
            self.report_progress(Phase::Pull, report.pulled, None);
            let stats = replica.apply(&page.changes, Some(&page.cursor))?;
            add(&mut report.applied, stats);
            replica.set(&[(keys::LAST_SYNC, page.server_time.to_rfc3339())])?;
            report.server_time = Some(page.server_time);
            if page.more {
                continue;
            }
            if let Some(server) = page.digest {
                let mine = replica.digest()?;
                for table in mine.differing(&server) {
                    self.report_progress(Phase::Repair, report.repaired_tables.len() as u64, None);
                    if self.repair(replica, table, report).await? {
                        report.repaired_tables.push(table.to_string());
                    }
                }
            }
            return Ok(());
        }
    }

    /// Compares one table with the county's snapshot and fetches what is missing or stale.
    /// Returns whether anything was fetched.
    async fn repair<R: Replica>(
        &self,
        replica: &mut R,
        table: &str,
        report: &mut SyncReport,
    ) -> Result<bool, SyncError> {
        let held: BTreeMap<Uuid, i64> = replica.held(table)?.into_iter().collect();
        let mut want = Vec::new();
        let mut after: Option<Uuid> = None;
        loop {
            let path = match after {
                Some(a) => format!("/api/v1/snapshot?entity={table}&after={a}&limit=1000"),
                None => format!("/api/v1/snapshot?entity={table}&limit=1000"),
            };
            let page: SnapshotPage = self.call(replica, "GET", path, Vec::new(), report).await?;
            for item in &page.items {
                if held.get(&item.entity_id) != Some(&item.version) {
                    want.push(item.entity_id);
                }
            }
            after = page.items.last().map(|i| i.entity_id);
            if !page.more || after.is_none() {
                break;
            }
        }
        for chunk in want.chunks(crate::MAX_PULL_CHANGES) {
            let body = serde_json::to_vec(&serde_json::json!({ "entity": table, "ids": chunk }))
                .map_err(|e| SyncError::Local(e.to_string()))?;
            let got: RecordsResponse = self.call(replica, "POST", "/api/v1/records".into(), body, report).await?;
            let stats = replica.apply(&got.changes, None)?;
            add(&mut report.applied, stats);
        }
        Ok(!want.is_empty())
    }

    /// One signed request; `replayed` (a restored PC) moves the counter on and retries once.
    async fn call<V: DeserializeOwned + Answer, R: Replica>(
        &self,
        replica: &mut R,
        method: &'static str,
        path: String,
        body: Vec<u8>,
        report: &mut SyncReport,
    ) -> Result<V, SyncError> {
        let (device, key) = device_identity(replica)?;
        let (body, gz) = if body.len() > COMPRESS_OVER {
            (crate::bundle::gzip(&body, flate2::Compression::fast()), true)
        } else {
            (body, false)
        };
        for attempt in 0..2 {
            let counter = get_num(replica, keys::COUNTER)? as u64 + 1;
            // The counter is spent before the request leaves: a crash never reuses it.
            replica.set(&[(keys::COUNTER, counter.to_string())])?;
            let sent_at = (self.clock)();
            let time = sent_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let signature = Signed { method, path: &path, device, counter, time: &time, body: &body }.sign(&key);
            let mut headers = vec![
                ("jiaowu-protocol".to_string(), "1".to_string()),
                ("jiaowu-device".to_string(), device.to_string()),
                ("jiaowu-counter".to_string(), counter.to_string()),
                ("jiaowu-time".to_string(), time),
                ("jiaowu-signature".to_string(), signature),
                ("accept-encoding".to_string(), "gzip".to_string()),
            ];
            if !body.is_empty() {
                headers.push(("content-type".into(), "application/json".into()));
            }
            if gz {
                headers.push(("content-encoding".into(), "gzip".into()));
            }
            let req = WireRequest { method, path: path.clone(), headers, body: body.clone() };
            report.round_trips += 1;
            report.bytes_sent += (req.body.len() + req.path.len() + 400) as u64;
            let resp = self.transport.send(req).await.map_err(|e| SyncError::Offline(e.0))?;
            let received_at = (self.clock)();
            report.bytes_received += resp.body.len() as u64;
            match decode::<V>(&resp) {
                Err(SyncError::Refused { code: ErrorCode::Replayed, detail, .. }) if attempt == 0 => {
                    let last = detail.get("last_counter").and_then(|v| v.as_u64()).unwrap_or(counter);
                    replica.set(&[(keys::COUNTER, last.to_string())])?;
                }
                Ok(v) => {
                    if let Some(server_time) = v.server_time() {
                        // skew = device − (server − rtt/2), §8.
                        let rtt = received_at - sent_at;
                        let skew = (sent_at + rtt / 2 - server_time).num_milliseconds();
                        replica.set(&[(keys::SKEW_MS, skew.to_string())])?;
                        report.clock_skew_ms = Some(skew);
                    }
                    return Ok(v);
                }
                Err(e) => return Err(e),
            }
        }
        Err(SyncError::Offline("replayed twice".into()))
    }
}

/// This PC's device id and signing key, as stored at enrolment.
pub(crate) fn device_identity<R: Replica + ?Sized>(replica: &R) -> Result<(Uuid, SigningKey), SyncError> {
    let device: Uuid =
        replica.get(keys::DEVICE_ID)?.and_then(|d| Uuid::parse_str(&d).ok()).ok_or(SyncError::NotEnrolled)?;
    let secret: [u8; 32] = replica
        .get(keys::DEVICE_KEY)?
        .and_then(|k| hex::decode(k).ok())
        .and_then(|k| k.try_into().ok())
        .ok_or(SyncError::NotEnrolled)?;
    Ok((device, SigningKey::from_bytes(&secret)))
}

fn add(total: &mut ApplyStats, s: ApplyStats) {
    total.applied += s.applied;
    total.already_held += s.already_held;
    total.gated += s.gated;
    total.conflicts += s.conflicts;
}

/// An answer of the county, and the server time it carries (for the skew, §8).
trait Answer {
    fn server_time(&self) -> Option<DateTime<Utc>> {
        None
    }
}

impl Answer for PushResponse {
    fn server_time(&self) -> Option<DateTime<Utc>> {
        Some(self.server_time)
    }
}

impl Answer for PullResponse {
    fn server_time(&self) -> Option<DateTime<Utc>> {
        Some(self.server_time)
    }
}

impl Answer for SnapshotPage {}
impl Answer for RecordsResponse {}

/// A 2xx body of the expected shape, a §9 error, or — for anything else (a captive portal's HTML,
/// a proxy's error page, a cut body) — "no connection" (§9).
fn decode<V: DeserializeOwned>(resp: &WireResponse) -> Result<V, SyncError> {
    if (200..300).contains(&resp.status) {
        return serde_json::from_slice(&resp.body)
            .map_err(|_| SyncError::Offline(format!("unexpected answer (status {})", resp.status)));
    }
    match serde_json::from_slice::<ErrorBody>(&resp.body) {
        Ok(e) => Err(SyncError::Refused {
            code: e.error.code,
            message: e.error.message,
            field: e.error.field,
            detail: e.error.detail,
        }),
        Err(_) => Err(SyncError::Offline(format!("unexpected answer (status {})", resp.status))),
    }
}

/// `GET /snapshot` answer (§6).
#[derive(Debug, Clone, serde::Deserialize)]
struct SnapshotPage {
    items: Vec<SnapshotItem>,
    more: bool,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct SnapshotItem {
    entity_id: Uuid,
    version: i64,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct RecordsResponse {
    changes: Vec<Change>,
}

/// A fresh device key from the OS's randomness.
pub fn new_device_secret() -> [u8; 32] {
    use rand::RngCore;
    let mut s = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut s);
    s
}

/// The county's public signing key as stored at enrolment.
pub fn decode_key(b64: &str) -> Option<[u8; 32]> {
    B64.decode(b64).ok()?.try_into().ok()
}
