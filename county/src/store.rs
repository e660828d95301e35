//! The county store interface. The rules of the server (push.rs, pull.rs, console.rs) are
//! written once against `CountyTx`; each backend (SQLite here, PostgreSQL for province scale)
//! implements these few primitives, and one conformance suite (tests/store_conformance.rs)
//! runs against every backend.
//!
//! Low-volume administrative data (offices, users, sessions, enrolment codes, devices,
//! conflicts, settings) are JSON documents by kind and id; the high-volume parts (ops, entities,
//! the change feed) have their own indexed tables.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use uuid::Uuid;

use crate::error::ServerError;

pub type Result<T, E = ServerError> = std::result::Result<T, E>;

/// Kinds of documents.
pub mod kind {
    pub const SETTING: &str = "setting";
    pub const OFFICE: &str = "office";
    pub const USER: &str = "user";
    pub const SESSION: &str = "session";
    pub const ENROL_CODE: &str = "enrol_code";
    pub const DEVICE: &str = "device";
    pub const CONFLICT: &str = "conflict";
    /// Who last wrote each field of a subject (county or an office), for merges (protocol §5.1).
    pub const FIELD_AUTHORS: &str = "field_authors";
    /// `<old office>:<subject>` → the feed seq of the scope_exit: until the old office has pulled
    /// that far, its ops about the subject are still accepted (made before it knew, §6).
    pub const TRANSFER_GRACE: &str = "transfer_grace";
}

/// An op as the server keeps it, with the answer it gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredOp {
    pub op_id: Uuid,
    pub device_id: Uuid,
    pub seq: u64,
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// The op as received (JSON text of `wire::Op`; written straight from the op, not through a
    /// `Value`, on the ingest path).
    pub op: String,
    /// The answer (JSON text of `wire::OpResult`).
    pub result: String,
}

/// The server's copy of one entity (a subject or a record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityRow {
    pub entity: String,
    pub id: Uuid,
    /// The subject it belongs to (the subject itself for `subjects`); none for office-level rows.
    pub subject_id: Option<Uuid>,
    /// The office holding it: the assigned office for subjects, the recording office otherwise.
    pub office_id: Option<Uuid>,
    /// A second lookup key: the ID number of a subject.
    pub alt_key: Option<String>,
    pub version: i64,
    pub payload: serde_json::Value,
}

/// What the rules ask of an entity most often: whose it is, not what it says (no payload parsed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntityHead {
    pub subject_id: Option<Uuid>,
    pub office_id: Option<Uuid>,
    pub version: i64,
}

/// One entry of an office's change feed; `seq` numbers the whole feed in commit order.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    pub seq: i64,
    pub office_id: Uuid,
    /// JSON text of `wire::Change`, as stored: a pull passes it through without parsing it.
    pub change: String,
}

/// The primitives the server's rules need, inside one transaction.
pub trait CountyTx {
    fn doc(&mut self, kind: &str, id: &str) -> Result<Option<serde_json::Value>>;
    fn put_doc(&mut self, kind: &str, id: &str, body: &serde_json::Value) -> Result<()>;
    fn docs(&mut self, kind: &str) -> Result<Vec<serde_json::Value>>;

    fn op_by_id(&mut self, op_id: Uuid) -> Result<Option<StoredOp>>;
    fn op_by_seq(&mut self, device_id: Uuid, seq: u64) -> Result<Option<StoredOp>>;
    fn insert_op(&mut self, op: &StoredOp) -> Result<()>;
    fn op_count(&mut self) -> Result<u64>;

    fn entity(&mut self, entity: &str, id: Uuid) -> Result<Option<EntityRow>>;
    /// `entity` without its payload (for scope and existence checks on the push path).
    fn entity_head(&mut self, entity: &str, id: Uuid) -> Result<Option<EntityHead>>;
    fn entity_by_alt_key(&mut self, entity: &str, alt_key: &str) -> Result<Option<EntityRow>>;
    /// Inserts or replaces (same entity and id).
    fn put_entity(&mut self, row: &EntityRow) -> Result<()>;
    /// Every entity of a subject (the subject row included), in insertion order.
    fn entities_of_subject(&mut self, subject_id: Uuid) -> Result<Vec<EntityRow>>;
    /// Subjects assigned to an office.
    fn subjects_of_office(&mut self, office_id: Uuid) -> Result<Vec<EntityRow>>;
    /// Office-level rows (no subject) recorded by an office.
    fn office_rows(&mut self, office_id: Uuid) -> Result<Vec<EntityRow>>;

    /// (entity, id, version) of everything in an office's scope: the rows of its subjects (less
    /// those that hang on another office's session or activity, push.rs `CHILDREN`) and its own
    /// office-level rows (the scope digest, protocol §6).
    fn scope_versions(&mut self, office_id: Uuid) -> Result<Vec<(String, Uuid, i64)>>;

    /// Appends to the change feed; returns its seq. Seqs grow in commit order.
    fn append_change(&mut self, office_id: Uuid, change: &jiaowu_sync::wire::Change) -> Result<i64>;
    fn changes_after(&mut self, office_id: Uuid, after: i64, limit: usize) -> Result<Vec<ChangeRow>>;
    fn last_change_seq(&mut self) -> Result<i64>;

    fn audit(&mut self, at: &str, actor: &str, action: &str, target: &str, detail: &serde_json::Value) -> Result<()>;
}

/// A county store: runs closures in transactions. Writes are serialised (one writer), which is
/// what makes the change feed's seq order equal commit order.
pub trait CountyStore: Send + Sync + 'static {
    fn write(&self, f: &mut dyn FnMut(&mut dyn CountyTx) -> Result<()>) -> Result<()>;
    /// Which backend, for logs and the benchmark.
    fn backend(&self) -> &'static str;
}

/// Runs `f` in a write transaction and returns its value.
pub fn write<T>(store: &dyn CountyStore, mut f: impl FnMut(&mut dyn CountyTx) -> Result<T>) -> Result<T> {
    let mut out = None;
    store.write(&mut |tx| {
        out = Some(f(tx)?);
        Ok(())
    })?;
    Ok(out.expect("closure ran"))
}

/// Typed access to documents.
pub fn get<T: DeserializeOwned>(tx: &mut dyn CountyTx, kind: &str, id: &str) -> Result<Option<T>> {
    match tx.doc(kind, id)? {
        Some(v) => Ok(Some(serde_json::from_value(v).map_err(|e| ServerError::internal(e.to_string()))?)),
        None => Ok(None),
    }
}

pub fn put<T: Serialize>(tx: &mut dyn CountyTx, kind: &str, id: &str, value: &T) -> Result<()> {
    let v = serde_json::to_value(value).map_err(|e| ServerError::internal(e.to_string()))?;
    tx.put_doc(kind, id, &v)
}

pub fn all<T: DeserializeOwned>(tx: &mut dyn CountyTx, kind: &str) -> Result<Vec<T>> {
    tx.docs(kind)?
        .into_iter()
        .map(|v| serde_json::from_value(v).map_err(|e| ServerError::internal(e.to_string())))
        .collect()
}
