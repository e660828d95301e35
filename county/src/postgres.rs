//! The PostgreSQL backend: province-scale deployments and PG-wire compatible 信创 databases.
//! Same interface and same conformance suite as SQLite. Writes go through one connection behind a
//! mutex, so the change feed's seq order is commit order here too (a pool with an advisory lock
//! around the feed append is the next step when one county outgrows a connection).

use std::sync::Mutex;

use postgres::{Client, NoTls};
use uuid::Uuid;

use crate::error::ServerError;
use crate::store::{ChangeRow, CountyStore, CountyTx, EntityHead, EntityRow, Result, StoredOp};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL, id TEXT NOT NULL, body JSONB NOT NULL, PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS ops (
    op_id UUID PRIMARY KEY, device_id UUID NOT NULL, seq BIGINT NOT NULL, received_at TIMESTAMPTZ NOT NULL,
    op JSONB NOT NULL, result JSONB NOT NULL, UNIQUE (device_id, seq)
);
CREATE TABLE IF NOT EXISTS entities (
    ord BIGSERIAL, entity TEXT NOT NULL, id UUID NOT NULL, subject_id UUID, office_id UUID, alt_key TEXT,
    version BIGINT NOT NULL, payload JSONB NOT NULL, PRIMARY KEY (entity, id)
);
CREATE INDEX IF NOT EXISTS entities_subject ON entities(subject_id);
CREATE INDEX IF NOT EXISTS entities_office ON entities(office_id);
CREATE INDEX IF NOT EXISTS entities_alt ON entities(entity, alt_key) WHERE alt_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS changes (
    seq BIGSERIAL PRIMARY KEY, office_id UUID NOT NULL, change JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_office ON changes(office_id, seq);
CREATE TABLE IF NOT EXISTS audit (
    seq BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail JSONB NOT NULL
);
CREATE OR REPLACE FUNCTION jiaowu_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'append-only: %', TG_TABLE_NAME; END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_append_only ON audit;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION jiaowu_append_only();
DROP TRIGGER IF EXISTS ops_append_only ON ops;
CREATE TRIGGER ops_append_only BEFORE DELETE ON ops FOR EACH ROW EXECUTE FUNCTION jiaowu_append_only();
";

pub struct PgStore {
    client: Mutex<Client>,
}

impl PgStore {
    /// Connects (a libpq-style string: `host=/run/postgresql user=jiaowu dbname=county`) and
    /// creates the tables if they are missing.
    pub fn connect(params: &str) -> Result<PgStore> {
        let mut client = Client::connect(params, NoTls).map_err(db)?;
        client.batch_execute(SCHEMA).map_err(db)?;
        Ok(PgStore { client: Mutex::new(client) })
    }
}

fn db(e: postgres::Error) -> ServerError {
    ServerError::internal(format!("postgres: {e}"))
}

impl CountyStore for PgStore {
    fn write(&self, f: &mut dyn FnMut(&mut dyn CountyTx) -> Result<()>) -> Result<()> {
        let mut client = self.client.lock().unwrap_or_else(|p| p.into_inner());
        let tx = client.transaction().map_err(db)?;
        let mut t = PgTx { tx };
        f(&mut t)?;
        t.tx.commit().map_err(db)
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}

struct PgTx<'a> {
    tx: postgres::Transaction<'a>,
}

const ENTITY_COLUMNS: &str = "SELECT entity, id, subject_id, office_id, alt_key, version, payload FROM entities";

fn entity_row(r: &postgres::Row) -> EntityRow {
    EntityRow {
        entity: r.get(0),
        id: r.get(1),
        subject_id: r.get(2),
        office_id: r.get(3),
        alt_key: r.get(4),
        version: r.get(5),
        payload: r.get(6),
    }
}

fn op_row(r: &postgres::Row) -> StoredOp {
    StoredOp {
        op_id: r.get(0),
        device_id: r.get(1),
        seq: r.get::<_, i64>(2) as u64,
        received_at: r.get(3),
        op: r.get(4),
        result: r.get(5),
    }
}

const OP_COLUMNS: &str = "SELECT op_id, device_id, seq, received_at, op::text, result::text FROM ops";

impl PgTx<'_> {
    fn entities(&mut self, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<Vec<EntityRow>> {
        Ok(self.tx.query(sql, params).map_err(db)?.iter().map(entity_row).collect())
    }
}

impl CountyTx for PgTx<'_> {
    fn doc(&mut self, kind: &str, id: &str) -> Result<Option<serde_json::Value>> {
        let row = self.tx.query_opt("SELECT body FROM docs WHERE kind = $1 AND id = $2", &[&kind, &id]).map_err(db)?;
        Ok(row.map(|r| r.get(0)))
    }

    fn put_doc(&mut self, kind: &str, id: &str, body: &serde_json::Value) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO docs (kind, id, body) VALUES ($1, $2, $3)
                 ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
                &[&kind, &id, body],
            )
            .map_err(db)?;
        Ok(())
    }

    fn docs(&mut self, kind: &str) -> Result<Vec<serde_json::Value>> {
        let rows =
            self.tx.query("SELECT body FROM docs WHERE kind = $1 ORDER BY id COLLATE \"C\"", &[&kind]).map_err(db)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn op_by_id(&mut self, op_id: Uuid) -> Result<Option<StoredOp>> {
        let sql = format!("{OP_COLUMNS} WHERE op_id = $1");
        Ok(self.tx.query_opt(&sql, &[&op_id]).map_err(db)?.as_ref().map(op_row))
    }

    fn op_by_seq(&mut self, device_id: Uuid, seq: u64) -> Result<Option<StoredOp>> {
        let sql = format!("{OP_COLUMNS} WHERE device_id = $1 AND seq = $2");
        Ok(self.tx.query_opt(&sql, &[&device_id, &(seq as i64)]).map_err(db)?.as_ref().map(op_row))
    }

    fn insert_op(&mut self, op: &StoredOp) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO ops (op_id, device_id, seq, received_at, op, result)
                 VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb)",
                &[&op.op_id, &op.device_id, &(op.seq as i64), &op.received_at, &op.op, &op.result],
            )
            .map_err(db)?;
        Ok(())
    }

    fn op_count(&mut self) -> Result<u64> {
        let n: i64 = self.tx.query_one("SELECT count(*) FROM ops", &[]).map_err(db)?.get(0);
        Ok(n as u64)
    }

    fn entity(&mut self, entity: &str, id: Uuid) -> Result<Option<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE entity = $1 AND id = $2");
        Ok(self.entities(&sql, &[&entity, &id])?.pop())
    }

    fn entity_head(&mut self, entity: &str, id: Uuid) -> Result<Option<EntityHead>> {
        let row = self
            .tx
            .query_opt(
                "SELECT subject_id, office_id, version FROM entities WHERE entity = $1 AND id = $2",
                &[&entity, &id],
            )
            .map_err(db)?;
        Ok(row.map(|r| EntityHead { subject_id: r.get(0), office_id: r.get(1), version: r.get(2) }))
    }

    fn entity_by_alt_key(&mut self, entity: &str, alt_key: &str) -> Result<Option<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE entity = $1 AND alt_key = $2 ORDER BY ord LIMIT 1");
        Ok(self.entities(&sql, &[&entity, &alt_key])?.pop())
    }

    fn put_entity(&mut self, row: &EntityRow) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO entities (entity, id, subject_id, office_id, alt_key, version, payload)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (entity, id) DO UPDATE SET subject_id = excluded.subject_id,
                     office_id = excluded.office_id, alt_key = excluded.alt_key,
                     version = excluded.version, payload = excluded.payload",
                &[&row.entity, &row.id, &row.subject_id, &row.office_id, &row.alt_key, &row.version, &row.payload],
            )
            .map_err(db)?;
        Ok(())
    }

    fn entities_of_subject(&mut self, subject_id: Uuid) -> Result<Vec<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE subject_id = $1 ORDER BY ord");
        self.entities(&sql, &[&subject_id])
    }

    fn subjects_of_office(&mut self, office_id: Uuid) -> Result<Vec<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE office_id = $1 AND entity = 'subjects' ORDER BY ord");
        self.entities(&sql, &[&office_id])
    }

    fn office_rows(&mut self, office_id: Uuid) -> Result<Vec<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE office_id = $1 AND subject_id IS NULL ORDER BY ord");
        self.entities(&sql, &[&office_id])
    }

    fn scope_versions(&mut self, office_id: Uuid) -> Result<Vec<(String, Uuid, i64)>> {
        let rows = self
            .tx
            .query(
                "SELECT e.entity, e.id, e.version FROM entities e WHERE e.subject_id IN
                     (SELECT id FROM entities WHERE entity = 'subjects' AND office_id = $1)
                   AND NOT EXISTS (SELECT 1 FROM entities p
                       WHERE p.entity = CASE e.entity WHEN 'study_attendance' THEN 'study_sessions'
                                 WHEN 'service_participation' THEN 'service_activities'
                                 WHEN 'hazards' THEN 'screening_campaigns' END
                         AND p.id::text = CASE e.entity WHEN 'study_attendance' THEN e.payload->>'session_id'
                                 WHEN 'service_participation' THEN e.payload->>'activity_id'
                                 WHEN 'hazards' THEN e.payload->>'campaign_id' END
                         AND p.office_id <> $1)
                 UNION ALL
                 SELECT entity, id, version FROM entities WHERE subject_id IS NULL AND office_id = $1",
                &[&office_id],
            )
            .map_err(db)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }

    fn append_change(&mut self, office_id: Uuid, change: &jiaowu_sync::wire::Change) -> Result<i64> {
        let change = serde_json::to_value(change).map_err(|e| ServerError::internal(e.to_string()))?;
        let row = self
            .tx
            .query_one("INSERT INTO changes (office_id, change) VALUES ($1, $2) RETURNING seq", &[&office_id, &change])
            .map_err(db)?;
        Ok(row.get(0))
    }

    fn changes_after(&mut self, office_id: Uuid, after: i64, limit: usize) -> Result<Vec<ChangeRow>> {
        let rows = self
            .tx
            .query(
                "SELECT seq, change::text FROM changes WHERE office_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                &[&office_id, &after, &(limit as i64)],
            )
            .map_err(db)?;
        Ok(rows.iter().map(|r| ChangeRow { seq: r.get(0), office_id, change: r.get(1) }).collect())
    }

    fn last_change_seq(&mut self) -> Result<i64> {
        let row = self.tx.query_one("SELECT coalesce(max(seq), 0)::BIGINT FROM changes", &[]).map_err(db)?;
        Ok(row.get(0))
    }

    fn audit(&mut self, at: &str, actor: &str, action: &str, target: &str, detail: &serde_json::Value) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO audit (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
                &[&at, &actor, &action, &target, detail],
            )
            .map_err(db)?;
        Ok(())
    }
}
