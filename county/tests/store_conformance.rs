//! One conformance suite for every county store backend (issue 4): SQLite files, and a real
//! PostgreSQL server started by the test from Debian's packages (`scripts/setup.sh` installs
//! them) in a throwaway cluster on a private socket. `JIAOWU_TEST_PG` (a libpq connection
//! string) points the suite at an existing server instead.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use jiaowu_county::console::NewOffice;
use jiaowu_county::store::{self, CountyStore, EntityHead, EntityRow, StoredOp};
use jiaowu_county::{ManualClock, PgStore, Server, ServerError, SqliteStore};
use jiaowu_sync::wire::Change;
use serde_json::json;
use uuid::Uuid;

/// A PostgreSQL cluster of our own for the length of the test run.
struct Cluster {
    admin: String,
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = pg(
            &self.bin,
            self.as_postgres,
            "pg_ctl",
            &["-D", &self.dir.join("data").to_string_lossy(), "-m", "immediate", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn pg(bin: &std::path::Path, as_postgres: bool, tool: &str, args: &[&str]) -> std::process::Output {
    let exe = bin.join(tool);
    let mut cmd = if as_postgres {
        // initdb and postgres refuse to run as root.
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    cmd.args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"))
}

fn start_cluster() -> Cluster {
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed: run scripts/setup.sh (Debian package postgresql)")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .max()
        .expect("no initdb under /usr/lib/postgresql/*/bin");
    let as_postgres = is_root();
    let dir = std::env::temp_dir().join(format!("jiaowu-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    if as_postgres {
        let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status().unwrap().success();
        assert!(ok, "chown of the cluster directory");
    }
    let data = dir.join("data");
    let out = pg(
        &bin,
        as_postgres,
        "initdb",
        &["-D", &data.to_string_lossy(), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
    );
    assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
    let port = 20000 + std::process::id() % 20000;
    let opts = format!("-p {port} -k {} -c listen_addresses='' -c fsync=off", dir.display());
    let log = dir.join("log");
    let out = pg(
        &bin,
        as_postgres,
        "pg_ctl",
        &["-D", &data.to_string_lossy(), "-o", &opts, "-l", &log.to_string_lossy(), "-w", "start"],
    );
    assert!(
        out.status.success(),
        "pg_ctl start: {} {}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    Cluster {
        admin: format!("host={} port={port} user=postgres dbname=postgres", dir.display()),
        dir,
        bin,
        as_postgres,
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

static DB_COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh, empty database on `admin`'s server for one check.
fn pg_store(admin: &str) -> Arc<dyn CountyStore> {
    let name = format!("jiaowu_t{}_{}", std::process::id(), DB_COUNTER.fetch_add(1, Ordering::SeqCst));
    let mut c = postgres::Client::connect(admin, postgres::NoTls).expect("connect to the test PostgreSQL");
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let params = admin.split_whitespace().filter(|p| !p.starts_with("dbname=")).collect::<Vec<_>>().join(" ");
    Arc::new(PgStore::connect(&format!("{params} dbname={name}")).unwrap())
}

fn sqlite_store(dir: &tempfile::TempDir) -> Arc<dyn CountyStore> {
    Arc::new(SqliteStore::open(&dir.path().join("county.db")).unwrap())
}

type Check = fn(Arc<dyn CountyStore>);

const CHECKS: &[(&str, Check)] = &[
    ("documents", documents_are_stored_replaced_and_listed_in_id_order),
    ("rollback", a_failed_transaction_leaves_nothing_behind),
    ("ops", ops_are_found_by_id_and_by_device_seq_and_an_op_id_is_stored_once),
    ("entities", entities_are_replaced_in_place_and_found_by_subject_office_and_alt_key),
    ("feed", the_change_feed_is_numbered_in_commit_order_and_read_per_office),
    ("server", the_server_keeps_its_keys_and_serves_the_same_protocol_on_every_backend),
    ("old offices", offices_of_an_older_server_send_their_settings_once),
];

#[test]
fn sqlite_backend_conforms() {
    for (name, check) in CHECKS {
        eprintln!("sqlite: {name}");
        let dir = tempfile::tempdir().unwrap();
        check(sqlite_store(&dir));
    }
}

/// One cluster for all checks, stopped when the test ends (also when a check panics).
#[test]
fn postgres_backend_conforms() {
    let own;
    let admin = match std::env::var("JIAOWU_TEST_PG") {
        Ok(s) => s,
        Err(_) => {
            own = start_cluster();
            own.admin.clone()
        }
    };
    for (name, check) in CHECKS {
        eprintln!("postgres: {name}");
        check(pg_store(&admin));
    }
}

fn entity(entity: &str, id: Uuid, subject: Option<Uuid>, office: Option<Uuid>, version: i64) -> EntityRow {
    EntityRow {
        entity: entity.into(),
        id,
        subject_id: subject,
        office_id: office,
        alt_key: None,
        version,
        payload: json!({"v": version}),
    }
}

fn documents_are_stored_replaced_and_listed_in_id_order(s: Arc<dyn CountyStore>) {
    store::write(s.as_ref(), |tx| {
        tx.put_doc("office", "b", &json!({"name": "北关"}))?;
        tx.put_doc("office", "a", &json!({"name": "城关"}))?;
        tx.put_doc("office", "b", &json!({"name": "北关镇"}))?;
        tx.put_doc("device", "a", &json!({"x": 1}))
    })
    .unwrap();
    let (one, all, none) =
        store::write(s.as_ref(), |tx| Ok((tx.doc("office", "b")?, tx.docs("office")?, tx.doc("office", "c")?)))
            .unwrap();
    assert_eq!(one, Some(json!({"name": "北关镇"})), "{}", s.backend());
    assert_eq!(all, vec![json!({"name": "城关"}), json!({"name": "北关镇"})], "{}", s.backend());
    assert_eq!(none, None);
}

fn a_failed_transaction_leaves_nothing_behind(s: Arc<dyn CountyStore>) {
    let r: Result<(), ServerError> = store::write(s.as_ref(), |tx| {
        tx.put_doc("office", "a", &json!({}))?;
        tx.append_change(Uuid::nil(), &Change::ScopeEnter { subject_id: Uuid::nil() })?;
        Err(ServerError::internal("boom"))
    });
    assert!(r.is_err());
    let (doc, seq) = store::write(s.as_ref(), |tx| Ok((tx.doc("office", "a")?, tx.last_change_seq()?))).unwrap();
    assert_eq!((doc, seq), (None, 0), "{}", s.backend());
}

fn ops_are_found_by_id_and_by_device_seq_and_an_op_id_is_stored_once(s: Arc<dyn CountyStore>) {
    let device = Uuid::now_v7();
    let op = |seq: u64| StoredOp {
        op_id: Uuid::now_v7(),
        device_id: device,
        seq,
        received_at: Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap(),
        op: json!({"seq": seq}).to_string(),
        result: json!({"outcome": "applied"}).to_string(),
    };
    let (a, b) = (op(1), op(2));
    store::write(s.as_ref(), |tx| {
        tx.insert_op(&a)?;
        tx.insert_op(&b)
    })
    .unwrap();
    let again = store::write(s.as_ref(), |tx| tx.insert_op(&a));
    assert!(again.is_err(), "{}: the same op id twice", s.backend());
    let same_seq = StoredOp { op_id: Uuid::now_v7(), ..b.clone() };
    assert!(store::write(s.as_ref(), |tx| tx.insert_op(&same_seq)).is_err(), "one op per device seq");
    let (by_id, by_seq, missing, count) = store::write(s.as_ref(), |tx| {
        Ok((tx.op_by_id(a.op_id)?, tx.op_by_seq(device, 2)?, tx.op_by_seq(device, 3)?, tx.op_count()?))
    })
    .unwrap();
    // The JSON read back means the same (a JSONB column spaces it its own way).
    let parsed = |o: Option<StoredOp>| {
        o.map(|o| {
            let v = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
            (o.op_id, o.device_id, o.seq, o.received_at, v(&o.op), v(&o.result))
        })
    };
    assert_eq!(parsed(by_id), parsed(Some(a.clone())), "{}", s.backend());
    assert_eq!(parsed(by_seq), parsed(Some(b.clone())));
    assert_eq!((missing, count), (None, 2));
}

fn entities_are_replaced_in_place_and_found_by_subject_office_and_alt_key(s: Arc<dyn CountyStore>) {
    let (office, other) = (Uuid::now_v7(), Uuid::now_v7());
    let subject = Uuid::now_v7();
    let visit = Uuid::now_v7();
    let session = Uuid::now_v7();
    let mut subj = entity("subjects", subject, Some(subject), Some(office), 1);
    subj.alt_key = Some("13012319800101001X".into());
    store::write(s.as_ref(), |tx| {
        tx.put_entity(&subj)?;
        tx.put_entity(&entity("visits", visit, Some(subject), Some(office), 1))?;
        tx.put_entity(&entity("study_sessions", session, None, Some(office), 1))?;
        tx.put_entity(&entity("study_sessions", Uuid::now_v7(), None, Some(other), 1))
    })
    .unwrap();
    // A new version replaces the row and keeps its place.
    // Attendance at another office's session is not in this office's scope (it cannot hold the
    // session); attendance at its own session is.
    let (foreign_session, own_att, foreign_att) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    store::write(s.as_ref(), |tx| {
        tx.put_entity(&entity("study_sessions", foreign_session, None, Some(other), 1))?;
        let mut a = entity("study_attendance", own_att, Some(subject), Some(office), 1);
        a.payload = json!({ "session_id": session });
        tx.put_entity(&a)?;
        let mut b = entity("study_attendance", foreign_att, Some(subject), Some(other), 1);
        b.payload = json!({ "session_id": foreign_session });
        tx.put_entity(&b)
    })
    .unwrap();
    let ids: Vec<Uuid> =
        store::write(s.as_ref(), |tx| tx.scope_versions(office)).unwrap().into_iter().map(|v| v.1).collect();
    assert!(ids.contains(&own_att) && !ids.contains(&foreign_att), "{}: {ids:?}", s.backend());
    let mut v2 = subj.clone();
    v2.version = 2;
    v2.payload = json!({"v": 2});
    store::write(s.as_ref(), |tx| tx.put_entity(&v2)).unwrap();
    let got = store::write(s.as_ref(), |tx| {
        Ok((
            tx.entity("subjects", subject)?,
            tx.entity_by_alt_key("subjects", "13012319800101001X")?.map(|r| r.id),
            tx.entities_of_subject(subject)?.into_iter().map(|r| (r.entity, r.version)).collect::<Vec<_>>(),
            tx.subjects_of_office(office)?.len(),
            tx.office_rows(office)?.into_iter().map(|r| r.id).collect::<Vec<_>>(),
            tx.scope_versions(office)?.len(),
            tx.scope_versions(other)?.len(),
        ))
    })
    .unwrap();
    assert_eq!(got.0, Some(v2.clone()), "{}", s.backend());
    assert_eq!(got.1, Some(subject));
    assert_eq!(got.2[..2], [("subjects".to_string(), 2), ("visits".to_string(), 1)], "{}", s.backend());
    assert_eq!((got.3, got.4, got.5, got.6), (1, vec![session], 4, 2), "{}", s.backend());
    // The head of a row is its owner and version, without the payload; none for another table.
    let heads = store::write(s.as_ref(), |tx| {
        Ok((tx.entity_head("subjects", subject)?, tx.entity_head("visits", subject)?, tx.entity_head("visits", visit)?))
    })
    .unwrap();
    let head = |subject_id, version| Some(EntityHead { subject_id, office_id: Some(office), version });
    assert_eq!(heads, (head(Some(subject), 2), None, head(Some(subject), 1)), "{}", s.backend());
}

fn the_change_feed_is_numbered_in_commit_order_and_read_per_office(s: Arc<dyn CountyStore>) {
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let seqs = store::write(s.as_ref(), |tx| {
        let mut v = Vec::new();
        for i in 0..5 {
            // The subject id numbers the entries, to read them back by.
            let n = Uuid::from_u128(i);
            v.push(tx.append_change(if i % 2 == 0 { a } else { b }, &Change::ScopeEnter { subject_id: n })?);
        }
        Ok(v)
    })
    .unwrap();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{}: {seqs:?}", s.backend());
    let (first, rest, last) = store::write(s.as_ref(), |tx| {
        Ok((tx.changes_after(a, 0, 2)?, tx.changes_after(a, seqs[2], 10)?, tx.last_change_seq()?))
    })
    .unwrap();
    let is: Vec<_> = first
        .iter()
        .map(|c| match serde_json::from_str::<Change>(&c.change).unwrap() {
            Change::ScopeEnter { subject_id } => subject_id.as_u128(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(is, vec![0, 2], "{}", s.backend());
    assert_eq!(rest.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![seqs[4]]);
    assert_eq!(last, seqs[4]);
}

fn the_server_keeps_its_keys_and_serves_the_same_protocol_on_every_backend(s: Arc<dyn CountyStore>) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()));
    let server = Server::open(s.clone(), clock.clone(), Some(3), "县局").unwrap();
    let again = Server::open(s.clone(), clock, Some(99), "另一个名字").unwrap();
    assert_eq!(again.signing_key.to_bytes(), server.signing_key.to_bytes(), "{}", s.backend());
    assert_eq!((again.feed_epoch.as_str(), again.county_name.as_str()), (server.feed_epoch.as_str(), "县局"));
    let office = server
        .create_office(
            &NewOffice { name: "城关镇司法所".into(), division_code: "130123".into(), leave_delegated: true },
            "t",
        )
        .unwrap();
    let code = server.issue_enrolment_code(office.id, "t").unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&[4; 32]);
    let req = jiaowu_sync::wire::EnrolRequest {
        code: code.code.to_lowercase(),
        public_key: jiaowu_sync::signing::public_key_to_base64(&key.verifying_key()),
        device_name: "pc".into(),
        app_version: "0".into(),
        schema_version: 1,
        device_time: Utc.with_ymd_and_hms(2028, 1, 1, 0, 0, 0).unwrap(),
    };
    let enrolled = server.enrol(&req).unwrap();
    assert_eq!(enrolled.office.id, office.id);
    let again = server.enrol(&req).unwrap_err();
    assert_eq!(again.code, jiaowu_sync::wire::ErrorCode::EnrolCodeUsed, "{}", s.backend());
    let device = server.devices().unwrap().pop().unwrap();
    assert!(device.last_skew_ms.unwrap() > 365 * 86_400_000, "a PC a year ahead is measured, not refused");
    let page = server.pull(&device, None, 100).unwrap().parsed().unwrap();
    // A new office's feed holds only its settings (protocol §6, `offices`).
    assert_eq!((page.changes.len(), page.more), (1, false));
    assert!(
        matches!(&page.changes[0], jiaowu_sync::wire::Change::Upsert { entity, entity_id, version: 1, .. }
            if entity == "offices" && *entity_id == office.id),
        "{:?}",
        page.changes
    );
    assert_eq!(page.digest, Some(server.scope_digest(office.id).unwrap()));
}

/// An office stored by a server from before settings went down the feed (no `version`, no
/// `dossier_order`, nothing in its feed) gets one `offices` entry when the server next opens,
/// and only one however often it opens after that (protocol §6).
fn offices_of_an_older_server_send_their_settings_once(s: Arc<dyn CountyStore>) {
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()));
    let id = Uuid::from_u128(42);
    let old = json!({ "id": id, "name": "城关镇司法所", "division_code": "130123", "leave_delegated": true,
                      "created_at": "2025-01-01T00:00:00Z" });
    store::write(s.as_ref(), |tx| tx.put_doc(store::kind::OFFICE, &id.to_string(), &old)).unwrap();
    let feed = |s: &Arc<dyn CountyStore>| store::write(s.as_ref(), |tx| tx.changes_after(id, 0, 10)).unwrap();
    assert!(feed(&s).is_empty());
    Server::open(s.clone(), clock.clone(), Some(3), "县局").unwrap();
    Server::open(s.clone(), clock, Some(3), "县局").unwrap();
    let changes = feed(&s);
    assert_eq!(changes.len(), 1, "{}: {changes:?}", s.backend());
    match serde_json::from_str::<Change>(&changes[0].change).unwrap() {
        Change::Upsert { entity, entity_id, version, payload, .. } => {
            assert_eq!((entity.as_str(), entity_id, version), ("offices", id, 1));
            assert_eq!(
                (payload["leave_delegated"].clone(), payload["dossier_order"].clone()),
                (json!(true), json!(null))
            );
        }
        other => panic!("{other:?}"),
    }
}
