//! The SQLite backend: one county on one machine (the default). One writing connection behind a
//! mutex: SQLite has one writer anyway, and the feed's seq order is then commit order by
//! construction. Writes that queue up behind each other are committed together (`Writer`); a
//! second connection only checkpoints (`checkpointer`).

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Condvar, Mutex};

use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use crate::error::ServerError;
use crate::store::{ChangeRow, CountyStore, CountyTx, EntityHead, EntityRow, Result, StoredOp};

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
    writer: Mutex<Writer>,
    /// Signalled after each commit, for the writers whose work is in it.
    committed: Condvar,
    /// Writers waiting for the connection.
    queued: AtomicUsize,
    /// Tells the checkpointer that a commit happened; dropped (and the thread joined) with the
    /// store.
    nudge: Option<SyncSender<()>>,
    checkpointer: Option<std::thread::JoinHandle<()>>,
    /// Checkpoints the checkpointer has run.
    checkpoints: Arc<AtomicU64>,
}

/// The writing connection and the transaction it has open. Writes that arrive together share
/// one transaction (group commit): each runs in its own savepoint, and the last of the group
/// commits for all. No writer returns before the commit of its group, so nothing is answered
/// that is not on disk (nor refused on the strength of work that then failed to commit), and
/// one fsync serves many pushes.
struct Writer {
    conn: Connection,
    /// Number of the open transaction, or of the last one when none is open.
    group: u64,
    open: bool,
    /// Writes run in the open transaction, and of them those waiting for its commit.
    members: usize,
    waiting: usize,
    /// The last group committed or given up.
    done: u64,
    /// Groups whose commit failed (rare: a full disk, an I/O error): why, and how many of its
    /// writers have yet to read it.
    failed: Vec<(u64, String, usize)>,
}

/// A group is closed after this many writes even if more are waiting (bounds the wait of its
/// first member).
const MAX_GROUP: usize = 32;

/// The WAL is copied into the database file by a thread of its own (`checkpointer`), so a commit
/// writes and syncs only its own pages. Should that thread fall behind, the writer checkpoints
/// itself past this many pages (80 MB), so the WAL cannot grow without bound; once checkpointed,
/// the WAL file is cut back to 16 MB.
const WAL_LIMIT_PAGES: u32 = 20_000;
const WAL_KEEP_BYTES: u32 = 16 << 20;

/// Checkpoints are run at most this often (each one syncs the database file).
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

impl SqliteStore {
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path).map_err(db)?;
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;
             PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = {WAL_LIMIT_PAGES};
             PRAGMA journal_size_limit = {WAL_KEEP_BYTES};"
        ))
        .map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        // Every statement the rules run stays prepared (a push runs a dozen per op).
        conn.set_prepared_statement_cache_capacity(64);
        let (nudge, nudged) = sync_channel(1);
        let checkpoints = Arc::new(AtomicU64::new(0));
        let thread = checkpointer(Connection::open(path).map_err(db)?, nudged, checkpoints.clone())?;
        Ok(SqliteStore {
            writer: Mutex::new(Writer {
                conn,
                group: 0,
                open: false,
                members: 0,
                waiting: 0,
                done: 0,
                failed: Vec::new(),
            }),
            committed: Condvar::new(),
            queued: AtomicUsize::new(0),
            nudge: Some(nudge),
            checkpointer: Some(thread),
            checkpoints,
        })
    }

    /// Checkpoints run so far by the checkpointer thread.
    pub fn checkpoints(&self) -> u64 {
        self.checkpoints.load(Ordering::Relaxed)
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        drop(self.nudge.take());
        if let Some(t) = self.checkpointer.take() {
            let _ = t.join();
        }
    }
}

/// Copies committed WAL frames into the database file after commits, from a connection of its
/// own (a passive checkpoint does not stop writers). Ends as soon as the store is dropped.
fn checkpointer(conn: Connection, nudged: Receiver<()>, count: Arc<AtomicU64>) -> Result<std::thread::JoinHandle<()>> {
    conn.execute_batch("PRAGMA busy_timeout = 5000;").map_err(db)?;
    std::thread::Builder::new()
        .name("county-checkpoint".into())
        .spawn(move || {
            while nudged.recv().is_ok() {
                // Commits close together share a checkpoint.
                if let Err(RecvTimeoutError::Disconnected) = nudged.recv_timeout(CHECKPOINT_EVERY) {
                    return;
                }
                // A failed checkpoint is retried after the next commit; the writer's own
                // limit is the backstop.
                if conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())).is_ok() {
                    count.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
        .map_err(|e| ServerError::internal(format!("checkpoint thread: {e}")))
}

impl Writer {
    /// Runs `f` in a savepoint of the open transaction (opening one if needed); on error or
    /// panic its work alone is undone.
    fn run(&mut self, f: &mut dyn FnMut(&mut dyn CountyTx) -> Result<()>) -> Result<std::thread::Result<Result<()>>> {
        if !self.open {
            self.conn.execute_batch("BEGIN IMMEDIATE").map_err(db)?;
            self.open = true;
            self.group += 1;
            self.members = 0;
            self.waiting = 0;
        }
        self.members += 1;
        self.conn.execute_batch("SAVEPOINT write").map_err(db)?;
        let out = std::panic::catch_unwind(AssertUnwindSafe(|| f(&mut SqliteTx { tx: &self.conn })));
        if matches!(out, Ok(Ok(()))) {
            self.conn.execute_batch("RELEASE write").map_err(db)?;
        } else {
            self.conn.execute_batch("ROLLBACK TO write; RELEASE write").map_err(db)?;
        }
        Ok(out)
    }

    fn commit(&mut self) -> Result<()> {
        let r = self.conn.execute_batch("COMMIT").map_err(db);
        match &r {
            Ok(()) => self.close(None),
            Err(e) => self.abandon(e),
        }
        r
    }

    /// A transaction that would not commit, or whose savepoint would not open or close: undone
    /// whole, and every writer in it told.
    fn abandon(&mut self, e: &ServerError) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.close(Some(e.message.clone()));
        }
    }

    fn close(&mut self, failure: Option<String>) {
        self.open = false;
        self.done = self.group;
        if let Some(why) = failure {
            if self.waiting > 0 {
                self.failed.push((self.group, why, self.waiting));
            }
        }
    }

    /// How the commit of `group` went (once `done` has reached it), for one of its waiting
    /// writers: each reads it once.
    fn outcome(&mut self, group: u64) -> Result<()> {
        let Some(i) = self.failed.iter().position(|(g, _, _)| *g == group) else { return Ok(()) };
        let why = format!("sqlite: commit: {}", self.failed[i].1);
        self.failed[i].2 -= 1;
        if self.failed[i].2 == 0 {
            self.failed.remove(i);
        }
        Err(ServerError::internal(why))
    }
}

impl CountyStore for SqliteStore {
    fn write(&self, f: &mut dyn FnMut(&mut dyn CountyTx) -> Result<()>) -> Result<()> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let out = match w.run(f) {
            Ok(out) => out,
            Err(e) => {
                w.abandon(&e);
                self.committed.notify_all();
                return Err(e);
            }
        };
        let group = w.group;
        let committed = if self.queued.load(Ordering::SeqCst) > 0 && w.members < MAX_GROUP {
            // Someone is waiting to write: they (or the last of them) commit for us.
            w.waiting += 1;
            while w.done < group {
                w = self.committed.wait(w).unwrap_or_else(|p| p.into_inner());
            }
            w.outcome(group)
        } else {
            let r = w.commit();
            self.committed.notify_all();
            if let Some(n) = &self.nudge {
                let _ = n.try_send(());
            }
            r
        };
        drop(w);
        match out {
            // Our own work: as its commit went.
            Ok(Ok(())) => committed,
            // Refused or failed: our answer, given once the group's fate is known.
            Ok(Err(e)) => Err(e),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    fn backend(&self) -> &'static str {
        "sqlite"
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

struct SqliteTx<'a> {
    tx: &'a Connection,
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
        let found = self.tx.prepare_cached(sql).map_err(db)?.query_row(params, op_row).optional().map_err(db)?;
        let Some((op_id, device_id, seq, at, op, result)) = found else { return Ok(None) };
        Ok(Some(StoredOp {
            op_id,
            device_id,
            seq,
            received_at: at.parse().map_err(|_| ServerError::internal("stored time"))?,
            op,
            result,
        }))
    }
}

impl CountyTx for SqliteTx<'_> {
    fn doc(&mut self, kind: &str, id: &str) -> Result<Option<serde_json::Value>> {
        let body: Option<String> = self
            .tx
            .prepare_cached("SELECT body FROM docs WHERE kind = ?1 AND id = ?2")
            .map_err(db)?
            .query_row([kind, id], |r| r.get(0))
            .optional()
            .map_err(db)?;
        body.map(json).transpose()
    }

    fn put_doc(&mut self, kind: &str, id: &str, body: &serde_json::Value) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO docs (kind, id, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            )
            .map_err(db)?
            .execute([kind, id, &body.to_string()])
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
            .prepare_cached(
                "INSERT INTO ops (op_id, device_id, seq, received_at, op, result) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(db)?
            .execute(rusqlite::params![
                op.op_id.to_string(),
                op.device_id.to_string(),
                op.seq as i64,
                op.received_at.to_rfc3339(),
                op.op,
                op.result
            ])
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

    fn entity_head(&mut self, entity: &str, id: Uuid) -> Result<Option<EntityHead>> {
        self.tx
            .prepare_cached("SELECT subject_id, office_id, version FROM entities WHERE entity = ?1 AND id = ?2")
            .map_err(db)?
            .query_row([entity, &id.to_string()], |r| {
                Ok(EntityHead { subject_id: uuid(r.get(0)?), office_id: uuid(r.get(1)?), version: r.get(2)? })
            })
            .optional()
            .map_err(db)
    }

    fn entity_by_alt_key(&mut self, entity: &str, alt_key: &str) -> Result<Option<EntityRow>> {
        let sql = format!("{ENTITY_COLUMNS} WHERE entity = ?1 AND alt_key = ?2 ORDER BY rowid LIMIT 1");
        Ok(self.entities(&sql, [entity, alt_key])?.pop())
    }

    fn put_entity(&mut self, row: &EntityRow) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO entities (entity, id, subject_id, office_id, alt_key, version, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (entity, id) DO UPDATE SET subject_id = excluded.subject_id,
                     office_id = excluded.office_id, alt_key = excluded.alt_key,
                     version = excluded.version, payload = excluded.payload",
            )
            .map_err(db)?
            .execute(rusqlite::params![
                row.entity,
                row.id.to_string(),
                row.subject_id.map(|s| s.to_string()),
                row.office_id.map(|s| s.to_string()),
                row.alt_key,
                row.version,
                row.payload.to_string()
            ])
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

    fn append_change(&mut self, office_id: Uuid, change: &jiaowu_sync::wire::Change) -> Result<i64> {
        let text = serde_json::to_string(change).map_err(|e| ServerError::internal(e.to_string()))?;
        self.tx
            .prepare_cached("INSERT INTO changes (office_id, change) VALUES (?1, ?2)")
            .map_err(db)?
            .execute([office_id.to_string(), text])
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
            .prepare_cached("INSERT INTO audit (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)")
            .map_err(db)?
            .execute([at, actor, action, target, &detail.to_string()])
            .map_err(db)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Barrier};

    use super::*;
    use crate::store;

    fn committed_docs(path: &Path) -> Vec<String> {
        let c = Connection::open(path).unwrap();
        let mut st = c.prepare("SELECT id FROM docs ORDER BY id").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }

    /// Runs `n` writers at once (behind a barrier), writer `i` writing doc `{i:02}` of `kind(i)`
    /// in a write that takes 2 ms (so that others queue) and then ends as `end(i)` says. Returns,
    /// for each, what it was answered (none if it panicked) and whether its doc was on disk, seen
    /// by another connection, the moment it was answered. A writer left waiting for a commit
    /// that never comes fails the test rather than hanging it.
    fn race(
        store: &Arc<SqliteStore>,
        path: &Path,
        n: usize,
        kind: fn(usize) -> &'static str,
        end: fn(usize) -> Result<()>,
    ) -> Vec<(usize, Option<bool>, bool)> {
        let start = Arc::new(Barrier::new(n));
        let (answers, answered) = std::sync::mpsc::channel();
        for i in 0..n {
            let (store, start, path, answers) = (store.clone(), start.clone(), path.to_path_buf(), answers.clone());
            std::thread::spawn(move || {
                start.wait();
                let id = format!("{i:02}");
                let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    store::write(store.as_ref(), |tx| {
                        tx.put_doc(kind(i), &id, &serde_json::json!(i))?;
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        end(i)
                    })
                }));
                let on_disk = committed_docs(&path).contains(&id);
                answers.send((i, r.map(|r| r.is_ok()).ok(), on_disk)).unwrap();
            });
        }
        (0..n).map(|_| answered.recv_timeout(std::time::Duration::from_secs(30)).unwrap()).collect()
    }

    /// Writers that arrive together share commits, but each returns only once its work is on
    /// disk (seen by another connection), and a failing or panicking writer's work alone is
    /// undone.
    #[test]
    fn writers_arriving_together_are_each_answered_after_their_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("county.db");
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        let n = 24;
        let answers = race(
            &store,
            &path,
            n,
            |_| "t",
            |i| match i % 8 {
                3 => Err(ServerError::internal("refused")),
                5 => panic!("writer {i} panics"),
                _ => Ok(()),
            },
        );
        for (i, answered_ok, on_disk) in answers {
            match i % 8 {
                3 => assert_eq!((answered_ok, on_disk), (Some(false), false), "writer {i}"),
                5 => assert_eq!((answered_ok, on_disk), (None, false), "writer {i}"),
                _ => assert_eq!((answered_ok, on_disk), (Some(true), true), "writer {i}"),
            }
        }
        let kept = committed_docs(&path);
        assert_eq!(kept.len(), n - 2 * n / 8, "{kept:?}");
        let w = store.writer.lock().unwrap();
        assert!(!w.open, "no transaction is left open");
        // Fewer commits than writers: they were grouped (the reason for all this).
        assert!(w.group < n as u64, "{} commits for {n} writers", w.group);
    }

    /// A group whose commit fails (here a deferred constraint that one writer breaks, checked
    /// only at COMMIT) is undone whole, and every writer in it is told: no writer is answered
    /// Ok unless its row is on disk, and none is refused whose row is.
    #[test]
    fn when_a_group_commit_fails_every_writer_in_it_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("county.db");
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        store
            .writer
            .lock()
            .unwrap()
            .conn
            .execute_batch(
                "PRAGMA foreign_keys = ON;
                 CREATE TABLE guard_parent (id TEXT PRIMARY KEY);
                 CREATE TABLE guard (pid TEXT REFERENCES guard_parent(id) DEFERRABLE INITIALLY DEFERRED);
                 CREATE TRIGGER poison AFTER INSERT ON docs WHEN NEW.kind = 'poison'
                 BEGIN INSERT INTO guard VALUES ('none'); END;",
            )
            .unwrap();
        let mut refused = 0;
        for (i, ok, on_disk) in race(&store, &path, 16, |i| if i == 7 { "poison" } else { "t" }, |_| Ok(())) {
            let ok = ok.unwrap();
            assert_eq!(ok, on_disk, "writer {i}: answered ok = {ok}, on disk = {on_disk}");
            refused += usize::from(!ok);
        }
        // The poisoned writer, at least, was refused; the store goes on working.
        assert!(refused >= 1);
        store::write(store.as_ref(), |tx| tx.put_doc("t", "after", &serde_json::json!(1))).unwrap();
        assert!(committed_docs(&path).contains(&"after".to_string()));
        assert!(store.writer.lock().unwrap().failed.is_empty(), "every failure was read by its writers");
    }

    /// Commits land in the WAL; the checkpointer thread, not the writer, moves them into the
    /// database file (the writer's own limit is far away).
    #[test]
    fn the_checkpointer_moves_commits_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("county.db");
        let store = SqliteStore::open(&path).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        let big = serde_json::json!("几".repeat(2000));
        for i in 0..100 {
            store::write(&store, |tx| tx.put_doc("t", &i.to_string(), &big)).unwrap();
        }
        // 100 rows of 6 KB: about 150 pages, far below the writer's limit of 20,000.
        let size = || std::fs::metadata(&path).unwrap().len();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while size() < before + 400_000 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(store.checkpoints() > 0, "no checkpoint ran");
        let after = size();
        assert!(after > before + 400_000, "database file {before} → {after} bytes");
    }
}
