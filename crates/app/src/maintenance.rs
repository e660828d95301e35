//! Backup, restore and verification of the case store (design.md §2; reliability-security.md A7).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::clock::SharedClock;
use crate::error::{AppError, ErrorKind};
use crate::{zh, Core, LoginInput};

#[derive(Debug, Clone, Serialize)]
pub struct BackupView {
    pub path: PathBuf,
    pub bytes: u64,
    pub audit_head: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyView {
    pub ok: bool,
    pub audit_entries: i64,
    pub audit_head: String,
    pub problems: Vec<String>,
}

impl Core {
    /// A verified copy of the database (and its key file) at `dest`, made with SQLite's backup API.
    pub fn backup(&mut self, dest: &Path) -> Result<BackupView, AppError> {
        if dest.exists() {
            return Err(AppError::refused("dest", "backup.exists", zh::backup_exists(&dest.display().to_string())));
        }
        self.store.backup_to(dest)?;
        let report = self.store.verify()?;
        let (s, now) = (self.session.clone(), self.clock.now());
        self.store.write(&s, now, |tx| {
            tx.audit_only(
                "backup",
                "database",
                &dest.display().to_string(),
                &serde_json::json!({ "audit_head": report.chain.head }),
            )
        })?;
        Ok(BackupView {
            path: dest.to_path_buf(),
            bytes: std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0),
            audit_head: report.chain.head,
        })
    }

    /// Waits for the startup check that runs beside the session; how long it took.
    pub fn startup_check(&mut self) -> Result<std::time::Duration, AppError> {
        Ok(self.store.startup_check()?)
    }

    /// Integrity check, foreign keys, SQLCipher page HMACs and the audit hash chain.
    pub fn verify(&self) -> Result<VerifyView, AppError> {
        let r = self.store.verify()?;
        let mut problems: Vec<String> = r.integrity_errors.iter().map(|e| zh::integrity_problem(e)).collect();
        if r.foreign_key_violations > 0 {
            problems.push(zh::fk_problem(r.foreign_key_violations));
        }
        problems.extend(r.cipher_errors.iter().map(|e| zh::integrity_problem(e)));
        if let Some(b) = &r.chain.first_break {
            problems.push(zh::chain_break(b));
        }
        Ok(VerifyView { ok: problems.is_empty(), audit_entries: r.chain.entries, audit_head: r.chain.head, problems })
    }
}

/// Replaces the database at `target` with the backup at `backup`. The backup must open with the
/// given account and pass verification first; the current files are moved aside, never deleted.
pub fn restore(backup: &Path, target: &Path, login: LoginInput, clock: SharedClock) -> Result<PathBuf, AppError> {
    let from = crate::login(backup, login.clone(), clock.clone())?;
    let v = from.verify()?;
    if !v.ok {
        return Err(AppError::new(
            ErrorKind::Damaged,
            "backup",
            "restore.backup_damaged",
            zh::backup_damaged(&v.problems.join("；")),
        ));
    }
    let stamp = clock.now().format("%Y%m%dT%H%M%S").to_string();
    let aside = PathBuf::from(format!("{}.before-restore-{stamp}", target.display()));
    for suffix in ["", ".keys", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", target.display()));
        if p.exists() {
            std::fs::rename(&p, format!("{}{suffix}", aside.display()))
                .map_err(|e| AppError::new(ErrorKind::Internal, "", "io", zh::io_error(&e.to_string())))?;
        }
    }
    from.store.backup_to(target)?;
    drop(from);
    let mut restored = crate::login(target, login, clock.clone())?;
    let (s, now) = (restored.session.clone(), clock.now());
    restored.store.write(&s, now, |tx| {
        tx.audit_only(
            "restored_from_backup",
            "database",
            &backup.display().to_string(),
            &serde_json::json!({ "set_aside": aside.display().to_string() }),
        )
    })?;
    Ok(aside)
}
