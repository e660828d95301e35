//! The hash-chained audit log (design.md §2; reliability-security.md E10). Each entry's hash
//! covers the previous hash and the entry's own fields, so editing, deleting, inserting or
//! reordering an entry breaks the chain from that point on. Truncating the tail is only visible
//! against a head recorded elsewhere (sent to the county on each sync).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::Result;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    id: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different entries share a byte string.
    for part in [prev, &seq.to_string(), at, actor, action, entity, id, detail] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

pub(crate) fn head(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn append(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: &str,
) -> Result<String> {
    let (last, prev) = head(conn)?;
    let seq = last + 1;
    let at = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let hash = entry_hash(&prev, seq, &at, actor, action, entity, entity_id, detail);
    conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, at, actor, action, entity, entity_id, detail, prev, hash],
    )?;
    Ok(hash)
}

/// Where the chain first breaks, if it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ChainBreak {
    /// A sequence number is missing or repeated (an entry was deleted or inserted).
    Gap { expected: i64, found: i64 },
    /// The entry does not link to its predecessor.
    Link { seq: i64 },
    /// The entry's content does not match its hash (it was edited).
    Content { seq: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub entries: i64,
    pub head: String,
    pub first_break: Option<ChainBreak>,
}

pub fn verify_chain(conn: &Connection) -> Result<ChainReport> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let (at, actor, action, entity, id, detail, prev_hash, hash): (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
        ) = (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?);
        let brk = if seq != expected_seq {
            Some(ChainBreak::Gap { expected: expected_seq, found: seq })
        } else if prev_hash != prev {
            Some(ChainBreak::Link { seq })
        } else if entry_hash(&prev_hash, seq, &at, &actor, &action, &entity, &id, &detail) != hash {
            Some(ChainBreak::Content { seq })
        } else {
            None
        };
        if brk.is_some() {
            return Ok(ChainReport { entries: n, head: prev, first_break: brk });
        }
        n += 1;
        expected_seq += 1;
        prev = hash;
    }
    Ok(ChainReport { entries: n, head: prev, first_break: None })
}
