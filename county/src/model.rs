//! The county's administrative documents (store.rs keeps them as JSON by kind and id).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A 司法所 of the county.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Office {
    pub id: Uuid,
    pub name: String,
    pub division_code: String,
    /// The county has delegated approval of leave ≤ 7 days to this office (实施办法 Art 27).
    pub leave_delegated: bool,
    /// The order of the sections of this office's work dossiers; `None` is domain.md §19's.
    #[serde(default)]
    pub dossier_order: Option<Vec<jiaowu_domain::dossier::Section>>,
    /// Counts the changes to these settings; the office applies the newest it has seen.
    #[serde(default)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

/// A member of the county's staff who uses the console.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

/// A console session; the document id is the SHA-256 of the bearer token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsoleSession {
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
}

/// A one-time enrolment code (protocol §4); the document id is the code without dashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolCode {
    pub office_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub attempts: u32,
    pub used_by: Option<Uuid>,
}

/// An enrolled office PC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub id: Uuid,
    pub office_id: Uuid,
    pub name: String,
    /// Base64 Ed25519 public key.
    pub public_key: String,
    pub app_version: String,
    pub enrolled_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Highest request counter accepted (replay guard, protocol §3).
    pub last_counter: u64,
    /// Every op up to this seq has an answer.
    pub acked_through: u64,
    pub last_seen: Option<DateTime<Utc>>,
    /// Device clock minus server clock at the last request, in ms (protocol §8).
    pub last_skew_ms: Option<i64>,
    /// Times a seq came back with another op id: a PC restored from an old backup (protocol §5).
    pub seq_reuse_alarms: u32,
    /// The feed seq this device has confirmed applying (the cursor of its latest pull request).
    #[serde(default)]
    pub pulled_through: i64,
}
