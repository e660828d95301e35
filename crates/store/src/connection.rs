//! Opening the encrypted database with the settings every connection must have
//! (design.md §2; reliability-security.md §3.1, asserted by the `connection_settings` test).

use std::path::Path;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use crate::error::{Result, StoreError};
use crate::keyfile::DbKey;

/// `application_id` of a 矫务通 office database ("JWTS"): refuses foreign SQLite files.
pub const APPLICATION_ID: i64 = 0x4A57_5453;

pub(crate) fn open_keyed(path: &Path, key: &DbKey, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    } else if !path.exists() {
        return Err(StoreError::NotFound(path.display().to_string()));
    }
    let conn = Connection::open_with_flags(path, flags)?;
    // The key must be the first statement; raw 256-bit key, no SQLCipher KDF (ours is Argon2id).
    let lit = key.pragma_literal();
    conn.execute_batch(&format!("PRAGMA key = {};", lit.as_str()))?;
    // A wrong key or a damaged file only shows at the first read.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map_err(StoreError::from_open)?;
    configure(&conn)?;
    Ok(conn)
}

/// The per-connection settings. WAL + synchronous=FULL: an acknowledged commit survives a power
/// cut on honest storage; defensive mode and trusted_schema=OFF harden against crafted files;
/// secure_delete and temp_store=MEMORY keep plaintext out of freed pages and temp files.
/// Every page read from the file is HMAC-checked and decrypted (the main cost of a read in the
/// profile), so a 64 MiB page cache keeps a large office's caseload pages decrypted between
/// refreshes of the home page; that memory is affordable on the 4 GB reference PC.
pub(crate) fn configure(conn: &Connection) -> Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 5000;
         PRAGMA trusted_schema = OFF;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;
         PRAGMA mmap_size = 0;
         PRAGMA cell_size_check = ON;
         PRAGMA journal_size_limit = 67108864;",
    )?;
    Ok(())
}

/// Startup check (reliability-security.md §3.1): detect damage before serving.
pub(crate) fn quick_check(conn: &Connection) -> Result<()> {
    let r: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0)).map_err(StoreError::from_open)?;
    if r != "ok" {
        return Err(StoreError::Corrupt(r));
    }
    Ok(())
}
