//! The SQLite backend: one county on one machine (the default). One connection behind a mutex:
//! SQLite has one writer anyway, and the feed's seq order is then commit order by construction.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use uuid::Uuid;

use crate::error::ServerError;
use crate::store::{ChangeRow, CountyStore, CountyTx, EntityRow, Result, StoredOp};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id)
) STRICT;
CREATE TABLE IF NOT EXISTS ops (
    op_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, seq INTEGER NOT NULL, received_at TEXT NOT NULL,
    op TEXT NOT NULL, result TEXT NOT NULL, UNIQUE (device_id, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS entities (
    entity TEXT NOT NULL, id TEXT NOT NULL, subject_id TEXT, office_id TEXT, alt_key TEXT,
    version INTEGER NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (entity, id)
) STRICT;
CREATE INDEX IF NOT EXISTS entities_subject ON entities(subject_id);
CREATE INDEX IF NOT EXISTS entities_office ON entities(office_id) WHERE subject_id IS NULL OR entity = 'subjects';
CREATE INDEX IF NOT EXISTS entities_alt ON entities(entity, alt_key) WHERE alt_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, office_id TEXT NOT NULL, change TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS changes_office ON changes(office_id, seq);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS audit_append_only_u BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_d BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER IF NOT EXISTS ops_append_only_d BEFORE DELETE ON ops BEGIN SELECT RAISE(ABORT, 'append-only'); END;
";

pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path).map_err(db)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;
             PRAGMA cache_size = -65536;",
        )
        .map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        Ok(SqliteStore { conn: Mutex::new(conn) })
    }
}

fn db(e: rusqlite::Error) -> ServerError {
    ServerError::internal(format!("sqlite: {e}"))
}

fn json(s: String) -> Result<serde_json::Value> {
    serde_json::from_str(&s).map_err(|e| ServerError::internal(format!("stored json: {e}")))
}

fn uuid(s: Option<String>) -> Option<Uuid> {
    s.and_then(|s| Uuid::parse_str(&s).ok())
}

impl CountyStore for SqliteStore {
    fn write(&self, f: &mut dyn FnMut(&mut dyn CountyTx) -> Result<()>) -> Result<()> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        let mut t = SqliteTx { tx };
        f(&mut t)?;
        t.tx.commit().map_err(db)
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

struct SqliteTx<'a> {
    tx: rusqlite::Transaction<'a>,
}

const ENTITY_COLUMNS: &str = "SELECT entity, id, subject_id, office_id, alt_key, version, payload FROM entities";

fn entity_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(EntityRow, String)> {
    Ok((
        EntityRow {
            entity: r.get(0)?,
            id: Uuid::parse_str(&r.get::<_, String>(1)?).unwrap_or_default(),
            subject_id: uuid(r.get(2)?),
            office_id: uuid(r.get(3)?),
            alt_key: r.get(4)?,
            version: r.get(5)?,
            payload: serde_json::Value::Null,
        },
        r.get(6)?,
    ))
}

fn op_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Uuid, Uuid, u64, String, String, String)> {
    Ok((
        Uuid::parse_str(&r.get::<_, String>(0)?).unwrap_or_default(),
        Uuid::parse_str(&r.get::<_, String>(1)?).unwrap_or_default(),
        r.get::<_, i64>(2)? as u64,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

impl SqliteTx<'_> {
    fn entities(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<EntityRow>> {
        let mut st = self.tx.prepare_cached(sql).map_err(db)?;
        let rows = st.query_map(params, entity_row).map_err(db)?;
        let mut out = Vec::new();
        for r in rows {
            let (mut row, payload) = r.map_err(db)?;
            row.payload = json(payload)?;
            out.push(row);
        }
        Ok(out)
    }

    fn op(&self, sql: &str, params: impl rusqlite::Params) -> Result<Option<StoredOp>> {
        let found = self.tx.query_row(sql, params, op_row).optional().map_err(db)?;
        let Some((op_id, device_id, seq, at, op, result)) = found else { return Ok(None) };
        Ok(Some(StoredOp {
            op_id,
            device_id,
            seq,
            received_at: at.parse().map_err(|_| ServerError::internal("stored time"))?,
            op: json(op)?,
            result: json(result)?,
        }))
    }
}

impl CountyTx for SqliteTx<'_> {
    fn doc(&mut self, kind: &str, id: &str) -> Result<Option<serde_json::Value>> {
        let body: Option<String> = self
            .tx
            .query_row("SELECT body FROM docs WHERE kind = ?1 AND id = ?2", [kind, id], |r| r.get(0))
            .optional()
            .map_err(db)?;
        body.map(json).transpose()
    }

    fn put_doc(&mut self, kind: &str, id: &str, body: &serde_json::Value) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO docs (kind, id, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
                [kind, id, &body.to_string()],
            )
            .map_err(db)?;
        Ok(())
    }

    fn docs(&mut self, kind: &str) -> Result<Vec<serde_json::Value>> {
        let mut st = self.tx.prepare_cached("SELECT body FROM docs WHERE kind = ?1 ORDER BY id").map_err(db)?;
        let rows = st.query_map([kind], |r| r.get::<_, String>(0)).map_err(db)?;
        rows.map(|r| json(r.map_err(db)?)).collect()
    }

    fn op_by_id(&mut self, op_id: Uuid) -> Result<Option<StoredOp>> {
        self.op("SELECT op_id, device_id, seq, received_at, op, result FROM ops WHERE op_id = ?1", [op_id.to_string()])
    }

    fn op_by_seq(&mut self, device_id: Uuid, seq: u64) -> Result<Option<StoredOp>> {
        self.op(
            "SELECT op_id, device_id, seq, received_at, op, result FROM ops WHERE device_id = ?1 AND seq = ?2",
            rusqlite::params![device_id.to_string(), seq as i64],
        )
    }

    fn insert_op(&mut self, op: &StoredOp) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO ops (op_id, device_id, seq, received_at, op, result) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![
                    op.op_id.to_string(),
                    op.device_id.to_string(),
                    op.seq as i64,
                    op.received_at.to_rfc3339(),
                    op.op.to_string(),
                    op.result.to_string()
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn op_count(&mut self) -> Result<u64> {
        self.tx.query_row("SELECT count(*) FROM ops", [], |r| r.get::<_, i64>(0)).map(|n| n as u64).map_err(db)
    }

    fn entity(&mut self, entity: &str, id: Uuid) -> Result<Option<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE entity = ?1 AND id = ?2");
        Ok(self.entities(&sql, [entity, &id.to_string()])?.pop())
    }

    fn entity_by_alt_key(&mut self, entity: &str, alt_key: &str) -> Result<Option<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE entity = ?1 AND alt_key = ?2 ORDER BY rowid LIMIT 1");
        Ok(self.entities(&sql, [entity, alt_key])?.pop())
    }

    fn put_entity(&mut self, row: &EntityRow) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO entities (entity, id, subject_id, office_id, alt_key, version, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (entity, id) DO UPDATE SET subject_id = excluded.subject_id,
                     office_id = excluded.office_id, alt_key = excluded.alt_key,
                     version = excluded.version, payload = excluded.payload",
                rusqlite::params![
                    row.entity,
                    row.id.to_string(),
                    row.subject_id.map(|s| s.to_string()),
                    row.office_id.map(|s| s.to_string()),
                    row.alt_key,
                    row.version,
                    row.payload.to_string()
                ],
            )
            .map_err(db)?;
        Ok(())
    }

    fn entities_of_subject(&mut self, subject_id: Uuid) -> Result<Vec<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE subject_id = ?1 ORDER BY rowid");
        self.entities(&sql, [subject_id.to_string()])
    }

    fn subjects_of_office(&mut self, office_id: Uuid) -> Result<Vec<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE office_id = ?1 AND entity = 'subjects' ORDER BY rowid");
        self.entities(&sql, [office_id.to_string()])
    }

    fn office_rows(&mut self, office_id: Uuid) -> Result<Vec<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE office_id = ?1 AND subject_id IS NULL ORDER BY rowid");
        self.entities(&sql, [office_id.to_string()])
    }

    fn scope_versions(&mut self, office_id: Uuid) -> Result<Vec<(String, Uuid, i64)>> {
        let mut st = self
            .tx
            .prepare_cached(
                "SELECT e.entity, e.id, e.version FROM entities e WHERE e.subject_id IN
                     (SELECT id FROM entities WHERE entity = 'subjects' AND office_id = ?1)
                   AND NOT EXISTS (SELECT 1 FROM entities p
                       WHERE p.entity = CASE e.entity WHEN 'study_attendance' THEN 'study_sessions'
                                 WHEN 'service_participation' THEN 'service_activities'
                                 WHEN 'hazards' THEN 'screening_campaigns' END
                         AND p.id = CASE e.entity WHEN 'study_attendance' THEN json_extract(e.payload, '$.session_id')
                                 WHEN 'service_participation' THEN json_extract(e.payload, '$.activity_id')
                                 WHEN 'hazards' THEN json_extract(e.payload, '$.campaign_id') END
                         AND p.office_id <> ?1)
                 UNION ALL
                 SELECT entity, id, version FROM entities WHERE subject_id IS NULL AND office_id = ?1",
            )
            .map_err(db)?;
        let rows = st
            .query_map([office_id.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
            })
            .map_err(db)?;
        let mut out = Vec::new();
        for r in rows {
            let (e, id, v) = r.map_err(db)?;
            out.push((e, Uuid::parse_str(&id).unwrap_or_default(), v));
        }
        Ok(out)
    }

    fn append_change(&mut self, office_id: Uuid, change: &serde_json::Value) -> Result<i64> {
        self.tx
            .execute(
                "INSERT INTO changes (office_id, change) VALUES (?1, ?2)",
                [office_id.to_string(), change.to_string()],
            )
            .map_err(db)?;
        Ok(self.tx.last_insert_rowid())
    }

    fn changes_after(&mut self, office_id: Uuid, after: i64, limit: usize) -> Result<Vec<ChangeRow>> {
        let mut st = self
            .tx
            .prepare_cached("SELECT seq, change FROM changes WHERE office_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3")
            .map_err(db)?;
        let rows = st
            .query_map(rusqlite::params![office_id.to_string(), after, limit as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(db)?;
        let mut out = Vec::new();
        for r in rows {
            let (seq, change) = r.map_err(db)?;
            out.push(ChangeRow { seq, office_id, change });
        }
        Ok(out)
    }

    fn last_change_seq(&mut self) -> Result<i64> {
        self.tx.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0)).map_err(db)
    }

    fn audit(&mut self, at: &str, actor: &str, action: &str, target: &str, detail: &serde_json::Value) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO audit (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                [at, actor, action, target, &detail.to_string()],
            )
            .map_err(db)?;
        Ok(())
    }
}
