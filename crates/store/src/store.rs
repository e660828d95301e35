//! The case store: one encrypted SQLite file per office PC, one writer.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use jiaowu_domain::Role;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::audit;
use crate::connection::{self, APPLICATION_ID};
use crate::error::{Result, StoreError};
use crate::keyfile::{key_path, DbKey, KdfParams, KeyFile};
use crate::migrate;
use crate::records::Record;
use crate::startup_check::StartupCheck;

/// Who is logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub staff_id: String,
    pub username: String,
    pub role: Role,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    key: DbKey,
    kdf: KdfParams,
    check: StartupCheck,
}

/// The kind of change an outbox op carries (design.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Create,
    Update,
    Supersede,
    Event,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
            Op::Supersede => "supersede",
            Op::Event => "event",
        }
    }
}

/// One write transaction: data, audit entry and outbox op commit together or not at all.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    pub actor: String,
    pub now: DateTime<Utc>,
}

impl Tx<'_> {
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Appends the audit entry and the outbox op for a change.
    pub fn log(
        &self,
        op: Op,
        entity: &str,
        entity_id: &str,
        base_version: Option<i64>,
        payload: &serde_json::Value,
    ) -> Result<()> {
        let body = payload.to_string();
        audit::append(&self.tx, self.now, &self.actor, op.as_str(), entity, entity_id, &body)?;
        self.tx.execute(
            "INSERT INTO outbox (op_id, entity, entity_id, op, base_version, payload, device_time)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                entity,
                entity_id,
                op.as_str(),
                base_version,
                body,
                self.now.to_rfc3339()
            ],
        )?;
        Ok(())
    }

    /// An audit entry without a sync op: logins, views of a file, prints, exports.
    pub fn audit_only(&self, action: &str, entity: &str, entity_id: &str, detail: &serde_json::Value) -> Result<()> {
        audit::append(&self.tx, self.now, &self.actor, action, entity, entity_id, &detail.to_string())?;
        Ok(())
    }

    /// Inserts an append-only legal record (a correction when `supersedes` is set).
    pub fn insert<R: Record>(&self, rec: &R) -> Result<()> {
        self.insert_row(rec)?;
        let op = if rec.recorded().supersedes.is_some() { Op::Supersede } else { Op::Create };
        let payload = serde_json::to_value(rec).map_err(|e| StoreError::Encoding(e.to_string()))?;
        self.log(op, R::TABLE, &rec.id().to_string(), None, &payload)
    }

    /// The row alone: no audit entry, no outbox op (callers add what fits, see replica.rs).
    pub(crate) fn insert_row<R: Record>(&self, rec: &R) -> Result<()> {
        let params = rec.params();
        let refs: Vec<(&str, &dyn rusqlite::ToSql)> =
            params.iter().map(|(k, v)| (*k, v as &dyn rusqlite::ToSql)).collect();
        if let Some(old) = rec.recorded().supersedes {
            let exists: bool =
                self.tx.query_row(R::EXISTS, [old.to_string()], |r| r.get::<_, i64>(0)).map(|n| n > 0)?;
            if !exists {
                return Err(StoreError::RecordNotFound { what: R::TABLE, id: old.to_string() });
            }
        }
        self.tx.execute(R::INSERT, refs.as_slice()).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.starts_with("already superseded") => {
                StoreError::AlreadySuperseded(rec.recorded().supersedes.map(|s| s.to_string()).unwrap_or_default())
            }
            other => StoreError::Sqlite(other),
        })?;
        Ok(())
    }
}

impl Store {
    /// Creates a new encrypted database with its first account (a 负责人) and key file.
    /// Returns the store, the session and the recovery key text to show once.
    pub fn create(
        path: &Path,
        username: &str,
        password: &str,
        display_name: &str,
        kdf: KdfParams,
        now: DateTime<Utc>,
    ) -> Result<(Store, Session, zeroize::Zeroizing<String>)> {
        let kpath = key_path(path);
        if path.exists() || kpath.exists() {
            return Err(StoreError::AlreadyExists(path.display().to_string()));
        }
        let staff_id = uuid::Uuid::now_v7().to_string();
        let (kf, key, recovery) = KeyFile::create(username, password, &staff_id, Role::Head.as_str(), kdf)?;
        let result = (|| {
            // Made private before SQLite writes to it; its -wal and -shm take the same mode.
            crate::keyfile::private_file(path)?;
            let mut conn = connection::open_keyed(path, &key, true)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            migrate::migrate(&mut conn)?;
            let device_id = uuid::Uuid::now_v7().to_string();
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('db_id', ?1), ('device_id', ?2), ('created_at', ?3)",
                rusqlite::params![kf.db_id, device_id, now.to_rfc3339()],
            )?;
            kf.save(&kpath)?;
            // A file made just now needs no startup check.
            let check = StartupCheck::Passed(std::time::Duration::ZERO);
            let mut store = Store { conn, path: path.to_path_buf(), key, kdf, check };
            let session = Session { staff_id: staff_id.clone(), username: username.into(), role: Role::Head };
            store.write(&session, now, |tx| insert_staff(tx, &staff_id, username, display_name, Role::Head))?;
            Ok((store, session))
        })();
        match result {
            Ok((store, session)) => Ok((store, session, recovery)),
            Err(e) => {
                // Leave nothing half-made behind.
                for p in [path.to_path_buf(), kpath, wal(path, "-wal"), wal(path, "-shm")] {
                    let _ = std::fs::remove_file(p);
                }
                Err(e)
            }
        }
    }

    /// Opens with a staff password. A wrong password changes nothing in the database; only the
    /// failure counter in the key file goes up.
    pub fn open(path: &Path, username: &str, password: &str, now: DateTime<Utc>) -> Result<(Store, Session)> {
        if !path.exists() {
            return Err(StoreError::NotFound(path.display().to_string()));
        }
        let kpath = key_path(path);
        // Files made by an older version were readable by every account on the PC.
        for p in [path.to_path_buf(), kpath.clone(), wal(path, "-wal"), wal(path, "-shm")] {
            crate::keyfile::make_private(&p);
        }
        let mut kf = KeyFile::load(&kpath)?;
        let had_failures = kf.lockout(username).failures > 0;
        let unlocked = kf.unlock(username, password, now);
        if unlocked.is_err() || had_failures {
            kf.save(&kpath)?;
        }
        let u = unlocked?;
        let role = Role::parse(&u.role).ok_or_else(|| StoreError::KeyFileDamaged("role".into()))?;
        let store = Self::open_with_key(path, u.key, &kf)?;
        let active: Option<bool> =
            store.conn.query_row("SELECT active FROM staff WHERE id = ?1", [&u.staff_id], |r| r.get(0)).optional()?;
        match active {
            Some(true) => {}
            Some(false) => return Err(StoreError::AccountDisabled(username.into())),
            None => return Err(StoreError::UnknownAccount(username.into())),
        }
        Ok((store, Session { staff_id: u.staff_id, username: username.into(), role }))
    }

    /// Opens with the recovery key printed at setup (to reset a forgotten password).
    pub fn open_with_recovery(path: &Path, recovery: &str) -> Result<Store> {
        let kf = KeyFile::load(&key_path(path))?;
        let key = kf.unlock_recovery(recovery)?;
        Self::open_with_key(path, key, &kf)
    }

    fn open_with_key(path: &Path, key: DbKey, kf: &KeyFile) -> Result<Store> {
        let mut conn = connection::open_keyed(path, &key, false)?;
        let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        if app_id != APPLICATION_ID {
            return Err(StoreError::ForeignFile(app_id));
        }
        let found = migrate::check_version(&conn)?;
        let db_id: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'db_id'", [], |r| r.get(0)).optional()?;
        if db_id.as_deref() != Some(kf.db_id.as_str()) {
            return Err(StoreError::KeyFileDamaged("key file belongs to another database".into()));
        }
        let store_path = path.to_path_buf();
        let check = if found < migrate::CURRENT {
            // An upgrade rewrites the file: check first, then back up (design.md §2).
            connection::quick_check(&conn)?;
            let bak = PathBuf::from(format!("{}.bak-v{found}", path.display()));
            backup_conn(&conn, &bak, &key)?;
            migrate::migrate(&mut conn)?;
            StartupCheck::Passed(std::time::Duration::ZERO)
        } else {
            StartupCheck::spawn(path.to_path_buf(), &key)
        };
        Ok(Store { conn, path: store_path, key, kdf: KdfParams::default(), check })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A second connection to the same file with the same key, for work that runs beside the
    /// clerk (sync): SQLite serialises the writes of both. Waits for the startup check first.
    pub fn sibling(&mut self) -> Result<Store> {
        self.check.wait()?;
        let conn = connection::open_keyed(&self.path, &self.key, false)?;
        Ok(Store {
            conn,
            path: self.path.clone(),
            key: self.key.clone(),
            kdf: self.kdf,
            check: StartupCheck::Passed(std::time::Duration::ZERO),
        })
    }

    /// Read access for queries in this crate's repositories.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one IMMEDIATE transaction: all of its writes, audit entries and outbox ops
    /// commit together, or none do.
    /// Waits, before the first write of a session, for the startup check to pass.
    pub fn write<T>(
        &mut self,
        session: &Session,
        now: DateTime<Utc>,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.check.wait()?;
        self.write_unchecked(session, now, f)
    }

    /// The login entry of the audit log, appended while the startup check may still run (see
    /// startup_check.rs). Nothing else may use this.
    pub fn write_login_entry(&mut self, session: &Session, now: DateTime<Utc>) -> Result<()> {
        self.write_unchecked(session, now, |tx| {
            tx.audit_only("login", "staff", &session.staff_id, &serde_json::json!({}))
        })
    }

    /// Waits for the startup check; how long it took (zero for a new or just upgraded file).
    pub fn startup_check(&mut self) -> Result<std::time::Duration> {
        self.check.wait()
    }

    fn write_unchecked<T>(
        &mut self,
        session: &Session,
        now: DateTime<Utc>,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut t = Tx { tx, actor: session.staff_id.clone(), now };
        let out = f(&mut t)?;
        t.tx.commit()?;
        Ok(out)
    }

    pub fn set_kdf(&mut self, kdf: KdfParams) {
        self.kdf = kdf;
    }

    /// Adds a staff account: a key slot in the key file and a staff row (负责人 only; checked by the app).
    pub fn add_account(
        &mut self,
        session: &Session,
        now: DateTime<Utc>,
        username: &str,
        password: &str,
        display_name: &str,
        role: Role,
    ) -> Result<String> {
        let kpath = key_path(&self.path);
        let mut kf = KeyFile::load(&kpath)?;
        if kf.account(username).is_some() {
            return Err(StoreError::AccountExists(username.into()));
        }
        let staff_id = uuid::Uuid::now_v7().to_string();
        self.write(session, now, |tx| insert_staff(tx, &staff_id, username, display_name, role))?;
        kf.add_account(&self.key, username, password, &staff_id, role.as_str(), self.kdf)?;
        kf.save(&kpath)?;
        Ok(staff_id)
    }

    /// Sets a new password for an account (own password, or any account after recovery).
    pub fn set_password(&mut self, username: &str, password: &str) -> Result<()> {
        let kpath = key_path(&self.path);
        let mut kf = KeyFile::load(&kpath)?;
        let acc = kf.account(username).cloned().ok_or_else(|| StoreError::UnknownAccount(username.into()))?;
        kf.set_password(&self.key, username, password, &acc.staff_id, &acc.role, self.kdf);
        kf.save(&kpath)
    }

    pub fn unlock_account(&mut self, username: &str) -> Result<()> {
        let kpath = key_path(&self.path);
        let mut kf = KeyFile::load(&kpath)?;
        kf.unlock_account(username);
        kf.save(&kpath)
    }

    /// The raw key, for the holder of the recovery key who must open the file with the
    /// `sqlcipher` shell (support and inspection).
    pub fn raw_key_hex(&self) -> zeroize::Zeroizing<String> {
        self.key.to_hex()
    }

    /// A consistent online copy through SQLite's backup API (never a file copy), written to a
    /// temporary file, checked, then renamed into place; the key file goes beside it.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        backup_conn(&self.conn, dest, &self.key)?;
        let kf = KeyFile::load(&key_path(&self.path))?;
        kf.save(&key_path(dest))
    }

    /// Full verification: SQLite integrity, foreign keys, SQLCipher page HMACs, and the audit chain.
    pub fn verify(&self) -> Result<VerifyReport> {
        let mut integrity = Vec::new();
        {
            let mut s = self.conn.prepare("PRAGMA integrity_check")?;
            let mut rows = s.query([])?;
            while let Some(r) = rows.next()? {
                let line: String = r.get(0)?;
                if line != "ok" {
                    integrity.push(line);
                }
            }
        }
        let mut fk = 0;
        {
            let mut s = self.conn.prepare("PRAGMA foreign_key_check")?;
            let mut rows = s.query([])?;
            while rows.next()?.is_some() {
                fk += 1;
            }
        }
        let mut cipher = Vec::new();
        {
            let mut s = self.conn.prepare("PRAGMA cipher_integrity_check")?;
            let mut rows = s.query([])?;
            while let Some(r) = rows.next()? {
                cipher.push(r.get::<_, String>(0)?);
            }
        }
        let chain = audit::verify_chain(&self.conn)?;
        Ok(VerifyReport { integrity_errors: integrity, foreign_key_violations: fk, cipher_errors: cipher, chain })
    }

    /// How many ops wait in the outbox (shown as "changes waiting" until sync exists).
    pub fn pending_ops(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM outbox WHERE state <> 'acked'", [], |r| r.get(0))?)
    }

    /// Staff id → display name, for showing who recorded what.
    pub fn staff_names(&self) -> Result<std::collections::HashMap<String, String>> {
        let mut st = self.conn.prepare("SELECT id, display_name FROM staff")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub integrity_errors: Vec<String>,
    pub foreign_key_violations: i64,
    pub cipher_errors: Vec<String>,
    pub chain: audit::ChainReport,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.integrity_errors.is_empty()
            && self.foreign_key_violations == 0
            && self.cipher_errors.is_empty()
            && self.chain.first_break.is_none()
    }
}

fn wal(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

fn insert_staff(tx: &Tx<'_>, id: &str, username: &str, display_name: &str, role: Role) -> Result<()> {
    tx.conn().execute(
        "INSERT INTO staff (id, username, display_name, role, active, created_at) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
        rusqlite::params![id, username, display_name, role.as_str(), tx.now.to_rfc3339()],
    )?;
    tx.log(
        Op::Create,
        "staff",
        id,
        None,
        &serde_json::json!({ "id": id, "username": username, "display_name": display_name, "role": role.as_str() }),
    )
}

pub(crate) fn backup_conn(src: &Connection, dest: &Path, key: &DbKey) -> Result<()> {
    let tmp = PathBuf::from(format!("{}.partial", dest.display()));
    let _ = std::fs::remove_file(&tmp);
    crate::keyfile::private_file(&tmp)?;
    {
        let mut dst = connection::open_keyed(&tmp, key, true)?;
        {
            let b = rusqlite::backup::Backup::new(src, &mut dst)?;
            b.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        }
        // The copy must itself be a sound database before it counts.
        connection::quick_check(&dst)?;
        dst.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
    }
    std::fs::rename(&tmp, dest)?;
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(wal(&tmp, s));
    }
    Ok(())
}
