//! `AppError`: every refusal and failure a user can meet, with a stable code, the input field it
//! concerns and a Chinese message that names the field and the rule. The messages themselves live
//! in `zh.rs`, the one place for user-visible strings on the Rust side.

use serde::Serialize;

/// What kind of refusal: decides the CLI exit code and how a screen reacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input is malformed (bad ID number, end before start …). Fix the field.
    Invalid,
    /// The input is well-formed but a rule forbids it (overlapping leave, office approving 10 days).
    Refused,
    /// The logged-in role may not do this.
    Forbidden,
    /// Wrong password, locked account, wrong recovery key.
    Auth,
    NotFound,
    /// Someone else changed the record first, or it was already corrected.
    Conflict,
    /// The database is damaged, truncated, foreign or from a newer version.
    Damaged,
    Internal,
}

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The input field (snake_case, as in the DTO), or "" for the whole request.
    pub field: String,
    /// Stable machine code, e.g. `id_number.check_character`.
    pub code: String,
    /// Chinese message naming the field and the rule.
    pub message: String,
}

#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{}", self.message())]
pub struct AppError {
    pub kind: ErrorKind,
    pub problems: Vec<Problem>,
}

impl AppError {
    pub fn new(kind: ErrorKind, field: &str, code: &str, message: impl Into<String>) -> Self {
        AppError { kind, problems: vec![Problem { field: field.into(), code: code.into(), message: message.into() }] }
    }
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, field, code, message)
    }
    pub fn refused(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Refused, field, code, message)
    }
    pub fn forbidden(code: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, "", code, message)
    }
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::Internal, "", "internal", crate::zh::internal(&detail.to_string()))
    }
    /// All messages, one per line.
    pub fn message(&self) -> String {
        self.problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("\n")
    }
    pub fn code(&self) -> &str {
        self.problems.first().map(|p| p.code.as_str()).unwrap_or("internal")
    }
    pub fn field(&self) -> Option<&str> {
        self.problems.first().map(|p| p.field.as_str()).filter(|f| !f.is_empty())
    }
    /// Process exit code for the CLI: scripts can branch on the kind of failure.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Internal => 1,
            ErrorKind::Invalid => 3,
            ErrorKind::Refused => 4,
            ErrorKind::Forbidden => 5,
            ErrorKind::Auth => 6,
            ErrorKind::NotFound => 7,
            ErrorKind::Conflict => 8,
            ErrorKind::Damaged => 9,
        }
    }
}

/// Collects field problems so a form shows all of them at once.
#[derive(Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    pub fn push(&mut self, e: AppError) {
        self.0.extend(e.problems);
    }
    pub fn check<T>(&mut self, r: Result<T, AppError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(e);
                None
            }
        }
    }
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError { kind: ErrorKind::Invalid, problems: self.0 })
        }
    }
}

impl From<jiaowu_store::StoreError> for AppError {
    fn from(e: jiaowu_store::StoreError) -> Self {
        crate::zh::store_error(&e)
    }
}
