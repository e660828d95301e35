use thiserror::Error;

/// Everything the case store can refuse or fail with. The app maps each variant to a stable
/// code and a Chinese message (crates/app/src/messages.rs).
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database file not found: {0}")]
    NotFound(String),
    #[error("a database already exists at {0}")]
    AlreadyExists(String),
    #[error("key file missing or unreadable: {0}")]
    KeyFileMissing(String),
    #[error("key file is damaged: {0}")]
    KeyFileDamaged(String),
    #[error("wrong user name or password ({failures} failed attempts)")]
    WrongPassword { failures: u32 },
    #[error("account locked until {until}")]
    Locked { until: String },
    #[error("wrong recovery key")]
    WrongRecoveryKey,
    #[error("unknown account {0}")]
    UnknownAccount(String),
    #[error("account {0} exists")]
    AccountExists(String),
    #[error("account {0} is disabled")]
    AccountDisabled(String),
    #[error("database was written by a newer version (schema {found}, this app supports {supported})")]
    NewerSchema { found: u32, supported: u32 },
    #[error("not a 矫务通 database (application_id {0:#x})")]
    ForeignFile(i64),
    #[error("database is damaged or truncated: {0}")]
    Corrupt(String),
    #[error("record {what} {id} not found")]
    RecordNotFound { what: &'static str, id: String },
    #[error("record {0} was already corrected")]
    AlreadySuperseded(String),
    #[error("stale version of {id}: expected {expected}, found {found}")]
    StaleVersion { id: String, expected: i64, found: i64 },
    #[error("duplicate: {0}")]
    Duplicate(String),
    #[error("encoding: {0}")]
    Encoding(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// SQLite's "file is not a database" / HMAC failure after a good key means damage.
    pub(crate) fn from_open(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, msg)
                if matches!(f.code, rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) =>
            {
                StoreError::Corrupt(msg.clone().unwrap_or_else(|| f.to_string()))
            }
            _ => StoreError::Sqlite(e),
        }
    }
}
