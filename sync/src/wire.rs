//! Request and response bodies (docs/sync-protocol.md §4–§9). Unknown fields are refused
//! (`deny_unknown_fields`): a malformed body must change nothing and say which field is wrong.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /api/v1/enrol` (§4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    pub code: String,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub device_name: String,
    pub app_version: String,
    pub schema_version: u32,
    pub device_time: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolResponse {
    pub device_id: Uuid,
    pub office: OfficeRef,
    pub county: CountyRef,
    pub server_time: DateTime<Utc>,
    pub next_counter: u64,
    pub next_seq: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeRef {
    pub id: Uuid,
    pub name: String,
    pub division_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountyRef {
    pub name: String,
    /// Base64 Ed25519 public key that signs pull bundles (§10).
    pub signing_key: String,
}

/// What an op does (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    Create,
    Supersede,
    Update,
    Event,
}

/// One change made on a device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Op {
    pub op_id: Uuid,
    pub seq: u64,
    /// A table of schema.sql.
    pub entity: String,
    pub entity_id: Uuid,
    pub kind: OpKind,
    pub base_version: Option<i64>,
    pub payload: serde_json::Map<String, serde_json::Value>,
    pub device_time: DateTime<Utc>,
    pub schema_version: u32,
    pub app_version: String,
    pub clock_skew_ms: Option<i64>,
}

/// `POST /api/v1/push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub first_seq: u64,
    pub ops: Vec<Op>,
    /// The client's pull cursor: what it has applied of its feed. Ops about a subject transferred
    /// away are accepted only from a client that has not yet seen the transfer (§6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    Duplicate,
    Conflict,
    Rejected,
}

/// The answer for one op. `previous` repeats the first answer of a duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpResult {
    pub op_id: Uuid,
    pub seq: u64,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ErrorCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Box<OpResult>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushResponse {
    pub server_time: DateTime<Utc>,
    pub acked_through: u64,
    pub results: Vec<OpResult>,
}

/// One entry of the change feed (§6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    Upsert {
        entity: String,
        entity_id: Uuid,
        version: i64,
        payload: serde_json::Map<String, serde_json::Value>,
        origin_op_id: Option<Uuid>,
        recorded_at: DateTime<Utc>,
    },
    ScopeEnter {
        subject_id: Uuid,
    },
    ScopeExit {
        subject_id: Uuid,
    },
    Conflict {
        conflict: ConflictRecord,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictOutcome {
    CountyKept,
    OfficeKept,
    BothKept,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictState {
    Open,
    Resolved,
}

/// Both values of a disagreement, kept until someone at the county resolves it (§5.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConflictRecord {
    pub id: Uuid,
    pub entity: String,
    pub entity_id: Uuid,
    pub fields: Vec<String>,
    pub base: serde_json::Value,
    pub county_value: serde_json::Value,
    pub office_value: serde_json::Value,
    pub office_op_id: Uuid,
    pub received_at: DateTime<Utc>,
    pub outcome: ConflictOutcome,
    pub state: ConflictState,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
}

/// `GET /api/v1/pull`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullResponse {
    pub server_time: DateTime<Utc>,
    /// Opaque: stored and sent back, never interpreted.
    pub cursor: String,
    pub more: bool,
    pub changes: Vec<Change>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<crate::digest::ScopeDigest>,
}

/// Every error code of §9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Malformed,
    Invalid,
    /// No such endpoint (a wrong path, or a client newer than the server).
    NotFound,
    DeviceUnknown,
    DeviceRevoked,
    BadSignature,
    Replayed,
    Forbidden,
    OutOfScope,
    EnrolCodeInvalid,
    EnrolCodeExpired,
    EnrolCodeUsed,
    EnrolAttemptsExceeded,
    SeqGap,
    SeqReused,
    /// Per op only: the record it depends on (the leave request of a leave event, the session of
    /// an attendance, …) is not on the server, most often because that op was rejected.
    WaitsOn,
    CursorReset,
    TooLarge,
    UpgradeRequired,
    SlowDown,
    Internal,
}

impl ErrorCode {
    /// The HTTP status that carries this code (§9).
    pub fn status(self) -> u16 {
        use ErrorCode as E;
        match self {
            E::Malformed | E::Invalid => 400,
            E::NotFound => 404,
            E::DeviceUnknown | E::DeviceRevoked | E::BadSignature | E::Replayed => 401,
            E::Forbidden
            | E::OutOfScope
            | E::EnrolCodeInvalid
            | E::EnrolCodeExpired
            | E::EnrolCodeUsed
            | E::EnrolAttemptsExceeded => 403,
            E::SeqGap | E::SeqReused | E::WaitsOn => 409,
            E::CursorReset => 410,
            E::TooLarge => 413,
            E::UpgradeRequired => 426,
            E::SlowDown => 429,
            E::Internal => 500,
        }
    }
}

/// Body of every non-2xx response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// Chinese, for the clerk.
    pub message: String,
    pub field: Option<String>,
    #[serde(default)]
    pub detail: serde_json::Map<String, serde_json::Value>,
}
