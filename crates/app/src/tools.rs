//! Actions that need no login: checking an ID number, and the support key for the sqlcipher shell.

use std::path::Path;

use chrono::NaiveDate;
use jiaowu_domain::id_number;
use jiaowu_domain::Sex;
use serde::Serialize;

use crate::clock::SharedClock;
use crate::error::AppError;
use crate::zh;

#[derive(Debug, Clone, Serialize)]
pub struct CheckIdView {
    pub number: String,
    pub address_code: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub sex_label: &'static str,
    /// The 15-digit number this was converted from, if any.
    pub converted_from: Option<String>,
}

/// GB 11643-1999 check of a resident ID number; `convert` turns a 15-digit number into 18 digits
/// first (only on request: domain.md §23.1).
pub fn check_id(number: &str, convert: bool, today: NaiveDate) -> Result<CheckIdView, AppError> {
    let norm = id_number::normalize(number);
    let (input, from) = if convert && norm.chars().count() == 15 {
        (id_number::convert_legacy_15(&norm).map_err(|e| zh::id_number_error("id_number", &e))?, Some(norm))
    } else {
        (norm, None)
    };
    let r = id_number::parse_resident_id(&input, today).map_err(|e| zh::id_number_error("id_number", &e))?;
    Ok(CheckIdView {
        number: r.number,
        address_code: r.address_code,
        birth_date: r.birth_date,
        sex: r.sex,
        sex_label: zh::sex(r.sex),
        converted_from: from,
    })
}

/// The `PRAGMA key` line for the sqlcipher shell, for whoever holds the recovery key. Audited.
pub fn raw_key(path: &Path, recovery: &str, clock: SharedClock) -> Result<String, AppError> {
    let mut store = jiaowu_store::Store::open_with_recovery(path, recovery)?;
    let key = store.raw_key_hex();
    let session = jiaowu_store::Session {
        staff_id: "recovery-key".into(),
        username: "recovery-key".into(),
        role: jiaowu_domain::Role::Head,
    };
    store.write(&session, clock.now(), |tx| tx.audit_only("raw_key_shown", "database", "", &serde_json::json!({})))?;
    Ok(format!("PRAGMA key = \"x'{}'\";", key.as_str()))
}
