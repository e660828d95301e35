//! File bundles for offices with no link at all (docs/sync-protocol.md §10): the same push and
//! pull messages, carried on a USB stick. A push bundle is signed by the device like a request
//! (method `BUNDLE`, path `/push-bundle`); a pull bundle is signed by the county's key given at
//! enrolment. Import is idempotent on both sides for the same reasons as online sync.

use std::io::{Read, Write};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::engine::{keys, LocalOp, Replica, SyncError, SyncReport};
use crate::signing::Signed;
use crate::wire::{Op, PullResponse, PushRequest, PushResponse};

pub const PUSH_FORMAT: &str = "jiaowu-push-bundle/1";
pub const PULL_FORMAT: &str = "jiaowu-pull-bundle/1";
/// Path in the signed text of a push bundle.
pub const PUSH_PATH: &str = "/push-bundle";
/// Largest bundle read (a year of an office's work is a few MB).
pub const MAX_BUNDLE: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushBundle {
    pub format: String,
    pub device_id: Uuid,
    pub counter: u64,
    pub created_at: DateTime<Utc>,
    pub request: PushRequest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullBundle {
    pub format: String,
    pub office_id: Uuid,
    /// The PC whose push bundle this answers (its `push_results` are that PC's seqs); absent in
    /// bundles from servers before it was added.
    #[serde(default)]
    pub device_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub push_results: Option<PushResponse>,
    pub pages: Vec<PullResponse>,
}

/// A bundle as files: the gzip'd document and its detached signature (base64).
#[derive(Debug, Clone, PartialEq)]
pub struct BundleFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub signature: String,
}

/// gzip at `level` (requests use the fastest, bundles the default).
pub fn gzip(body: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), level);
    let _ = enc.write_all(body);
    enc.finish().unwrap_or_default()
}

pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, SyncError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_BUNDLE)
        .read_to_end(&mut out)
        .map_err(|_| SyncError::Local("bundle is not gzip".into()))?;
    Ok(out)
}

/// The signed text of a push bundle (protocol §10).
pub fn push_signed<'a>(device: Uuid, counter: u64, time: &'a str, bytes: &'a [u8]) -> Signed<'a> {
    Signed { method: "BUNDLE", path: PUSH_PATH, device, counter, time, body: bytes }
}

/// Writes everything the county has not answered into a push bundle, signed by this device.
/// The request counter is spent, as for a request.
pub fn export_push<R: Replica>(replica: &mut R, now: DateTime<Utc>) -> Result<BundleFile, SyncError> {
    let (device, key) = crate::engine::device_identity(replica)?;
    let num = |v: Option<String>| v.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let acked = num(replica.get(keys::ACKED_THROUGH)?);
    let offset = num(replica.get(keys::SEQ_OFFSET)?);
    let mut ops: Vec<Op> = Vec::new();
    let mut after = acked - offset;
    loop {
        let batch: Vec<LocalOp> = replica.ops_after(after, crate::MAX_PUSH_OPS)?;
        let Some(last) = batch.last() else { break };
        after = last.local_seq;
        for l in batch {
            let mut op = l.op;
            op.seq = (l.local_seq + offset) as u64;
            ops.push(op);
        }
    }
    let first_seq = ops.first().map(|o| o.seq).unwrap_or(acked as u64 + 1);
    let last_seq = ops.last().map(|o| o.seq).unwrap_or(acked as u64);
    let counter = num(replica.get(keys::COUNTER)?) as u64 + 1;
    replica.set(&[(keys::COUNTER, counter.to_string())])?;
    let cursor = replica.get(keys::CURSOR)?.filter(|c| !c.is_empty());
    let doc = PushBundle {
        format: PUSH_FORMAT.into(),
        device_id: device,
        counter,
        created_at: now,
        request: PushRequest { first_seq, ops, cursor },
    };
    let bytes =
        gzip(&serde_json::to_vec(&doc).map_err(|e| SyncError::Local(e.to_string()))?, flate2::Compression::default());
    let time = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let signature = push_signed(device, counter, &time, &bytes).sign(&key);
    let office = replica.get(keys::SERVER_OFFICE_ID)?.unwrap_or_default();
    Ok(BundleFile { name: format!("{office}-{device}-{first_seq}-{last_seq}.jwpush"), bytes, signature })
}

/// Reads a push bundle (the county checks the signature with the device's key).
pub fn read_push(bytes: &[u8]) -> Result<PushBundle, SyncError> {
    let doc: PushBundle =
        serde_json::from_slice(&gunzip(bytes)?).map_err(|e| SyncError::Local(format!("push bundle: {e}")))?;
    if doc.format != PUSH_FORMAT {
        return Err(SyncError::Local(format!("not a push bundle: {}", doc.format)));
    }
    Ok(doc)
}

/// The county's side: a pull bundle signed with its key.
pub fn write_pull(doc: &PullBundle, key: &SigningKey) -> Result<BundleFile, SyncError> {
    let bytes =
        gzip(&serde_json::to_vec(doc).map_err(|e| SyncError::Local(e.to_string()))?, flate2::Compression::default());
    let signature = B64.encode(key.sign(&bytes).to_bytes());
    let cursor = doc.pages.last().map(|p| p.cursor.clone()).unwrap_or_default();
    Ok(BundleFile { name: format!("{}-{cursor}.jwpull", doc.office_id), bytes, signature })
}

/// Checks a pull bundle against the county key stored at enrolment before reading anything.
pub fn read_pull(bytes: &[u8], signature: &str, county_key: &[u8; 32]) -> Result<PullBundle, SyncError> {
    let key = VerifyingKey::from_bytes(county_key).map_err(|_| SyncError::Local("county key".into()))?;
    let sig: [u8; 64] = B64
        .decode(signature.trim())
        .ok()
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| SyncError::Local("bundle signature is not base64 of 64 bytes".into()))?;
    key.verify(bytes, &Signature::from_bytes(&sig)).map_err(|_| SyncError::Local("bundle signature".into()))?;
    let doc: PullBundle =
        serde_json::from_slice(&gunzip(bytes)?).map_err(|e| SyncError::Local(format!("pull bundle: {e}")))?;
    if doc.format != PULL_FORMAT {
        return Err(SyncError::Local(format!("not a pull bundle: {}", doc.format)));
    }
    Ok(doc)
}

/// Applies a verified pull bundle: the county's answers to the pushed ops, then each page with its
/// cursor, exactly as pulled pages. Pages already applied (an older cursor) change nothing.
pub fn import_pull<R: Replica>(replica: &mut R, doc: &PullBundle) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    if let Some(resp) = &doc.push_results {
        let num = |v: Option<String>| v.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        let offset = num(replica.get(keys::SEQ_OFFSET)?);
        let acked = num(replica.get(keys::ACKED_THROUGH)?) as u64;
        let answers: Vec<(i64, crate::wire::OpResult)> =
            resp.results.iter().map(|r| (r.seq as i64 - offset, r.clone())).collect();
        report.pushed = answers.len() as u64;
        replica.record_results(&answers, resp.acked_through.max(acked))?;
    }
    for page in &doc.pages {
        report.pulled += page.changes.len() as u64;
        let stats = replica.apply(&page.changes, Some(&page.cursor))?;
        report.applied.applied += stats.applied;
        report.applied.already_held += stats.already_held;
        report.applied.gated += stats.gated;
        report.applied.conflicts += stats.conflicts;
        report.server_time = Some(page.server_time);
    }
    if let Some(t) = report.server_time {
        replica.set(&[(keys::LAST_SYNC, t.to_rfc3339())])?;
    }
    Ok(report)
}
