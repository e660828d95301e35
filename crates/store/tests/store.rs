//! The case store against real encrypted SQLite files in temporary directories.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use jiaowu_domain::ids::{OfficeId, RecordId, SubjectId};
use jiaowu_domain::{ReportMethod, SentenceType, Sex, SubjectStatus, SupervisionClass};
use jiaowu_store::*;

fn cheap() -> KdfParams {
    KdfParams { m_kib: 1024, t: 1, p: 1 }
}

fn now() -> DateTime<Utc> {
    "2026-03-02T01:00:00Z".parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    session: Session,
    subject: SubjectId,
}

fn office_row(store: &mut Store, session: &Session) -> OfficeId {
    let id = OfficeId::new();
    store
        .write(session, now(), |tx| {
            tx.conn().execute(
                "INSERT INTO office (id, name, county_name, division_code, leave_delegated, rule_family, created_at)
                 VALUES (?1, '城关司法所', '某县社区矫正中心', '110105', 1, 'national', ?2)",
                rusqlite::params![id.to_string(), now().to_rfc3339()],
            )?;
            Ok(())
        })
        .unwrap();
    id
}

fn subject(office: OfficeId, name: &str, id_number: &str) -> Subject {
    Subject {
        id: SubjectId::new(),
        office_id: office,
        external_no: None,
        name: name.into(),
        former_name: None,
        name_initials: "zs".into(),
        sex: Sex::Male,
        ethnicity: Some("汉族".into()),
        birth_date: d("1949-12-31"),
        id_type: "resident_id".into(),
        id_number: id_number.into(),
        phone: Some("13800138000".into()),
        residence_code: "110105".into(),
        residence_detail: "朝阳区某街道1号".into(),
        household_code: None,
        household_detail: None,
        employer: None,
        education: None,
        crime: "盗窃罪".into(),
        original_sentence: "有期徒刑一年".into(),
        sentence_type: SentenceType::Probation,
        term_start: d("2026-01-10"),
        term_end: d("2027-01-09"),
        judgment_effective: Some(d("2026-01-10")),
        deciding_organ: Some("某县人民法院".into()),
        decision_doc_no: None,
        injunction: None,
        reported_on: Some(d("2026-01-15")),
        class: SupervisionClass::Ordinary,
        status: SubjectStatus::InCorrection,
        is_minor_case: false,
        medical_parole: false,
        able_to_work: true,
        guardian_name: None,
        guardian_phone: None,
        notes: None,
        received_source: ReceivedSource::Court,
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.db");
    let (mut store, session, _rec) = Store::create(&path, "zhang", "正确的密码", "张所长", cheap(), now()).unwrap();
    let office = office_row(&mut store, &session);
    let s = subject(office, "张三", "11010519491231002X");
    let sid = s.id;
    store.write(&session, now(), |tx| tx.insert_subject(&s)).unwrap();
    Fixture { _dir: dir, path, store, session, subject: sid }
}

fn report(subject: SubjectId, by: &str, content: &str) -> Report {
    Report {
        id: RecordId::new(),
        subject_id: subject,
        report_date: d("2026-03-01"),
        report_time: None,
        method: ReportMethod::Phone,
        received_by: "李四".into(),
        content: content.into(),
        anomalies: None,
        follow_up: None,
        recorded: Recorded { recorded_by: by.into(), recorded_at: now(), supersedes: None, correction_reason: None },
    }
}

fn file_hash(p: &Path) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(p).unwrap()).to_vec()
}

#[test]
fn every_connection_has_the_required_settings() {
    // reliability-security.md A1 / design.md §2.
    let f = fixture();
    let c = f.store.conn();
    let q = |p: &str| -> String {
        c.query_row(&format!("PRAGMA {p}"), [], |r| r.get::<_, rusqlite::types::Value>(0))
            .map(|v| match v {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
            .unwrap()
    };
    assert_eq!(q("journal_mode"), "wal");
    assert_eq!(q("synchronous"), "2"); // FULL
    assert_eq!(q("foreign_keys"), "1");
    assert_eq!(q("trusted_schema"), "0");
    assert_eq!(q("secure_delete"), "1");
    assert_eq!(q("temp_store"), "2"); // MEMORY
    assert_eq!(q("busy_timeout"), "5000");
    assert!(c.db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE).unwrap());
    let v: String = c.query_row("PRAGMA cipher_version", [], |r| r.get(0)).unwrap();
    assert!(v.starts_with('4'), "SQLCipher 4 expected, got {v}");
}

#[test]
fn the_file_is_unreadable_without_the_key() {
    let f = fixture();
    let path = f.path.clone();
    drop(f.store);
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
    let needle = "11010519491231002X".as_bytes();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle), "plaintext ID number in the file");
    // Opening without a key fails like the sqlite3 shell does.
    let raw = rusqlite::Connection::open(&path).unwrap();
    assert!(raw.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_err());
}

/// The database, its WAL, its key file and a backup are the office's alone: on a shared PC no
/// other account may read them (reliability-security.md: data at rest).
#[cfg(unix)]
#[test]
fn the_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let f = fixture();
    let backup = f.path.with_file_name("backup.db");
    f.store.backup_to(&backup).unwrap();
    let keys = f.path.with_file_name("office.db.keys");
    for p in [&f.path, &f.path.with_file_name("office.db-wal"), &keys, &backup] {
        let mode = std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode();
        assert_eq!(mode & 0o077, 0, "{} has mode {:o}", p.display(), mode & 0o777);
    }
    // A database an older version left readable to all is made private when next opened.
    let path = f.path.clone();
    drop(f.store);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o644)).unwrap();
    Store::open(&path, "zhang", "正确的密码", now()).unwrap();
    for p in [&path, &keys] {
        assert_eq!(std::fs::metadata(p).unwrap().permissions().mode() & 0o777, 0o600, "{}", p.display());
    }
}

#[test]
fn a_wrong_password_changes_nothing_in_the_database() {
    let f = fixture();
    let path = f.path.clone();
    drop(f.store);
    let before = file_hash(&path);
    match Store::open(&path, "zhang", "错误的密码", now()) {
        Err(StoreError::WrongPassword { failures: 1 }) => {}
        other => panic!("expected WrongPassword, got {:?}", other.err()),
    }
    assert_eq!(before, file_hash(&path));
    let (store, session) = Store::open(&path, "zhang", "正确的密码", now()).unwrap();
    assert_eq!(session.role, jiaowu_domain::Role::Head);
    assert_eq!(store.subjects().unwrap().len(), 1);
}

#[test]
fn lockout_persists_across_restarts() {
    let f = fixture();
    let path = f.path.clone();
    drop(f.store);
    for _ in 0..keyfile::MAX_FAILURES {
        let _ = Store::open(&path, "zhang", "bad", now());
    }
    assert!(matches!(Store::open(&path, "zhang", "正确的密码", now()), Err(StoreError::Locked { .. })));
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let f = fixture();
    f.store.conn().pragma_update(None, "user_version", migrate::CURRENT + 1).unwrap();
    let path = f.path.clone();
    drop(f.store);
    match Store::open(&path, "zhang", "正确的密码", now()) {
        Err(StoreError::NewerSchema { found, supported }) => {
            assert_eq!(found, migrate::CURRENT + 1);
            assert_eq!(supported, migrate::CURRENT);
        }
        other => panic!("expected NewerSchema, got {:?}", other.err()),
    }
}

#[test]
fn a_truncated_file_is_reported_as_damaged() {
    let f = fixture();
    let path = f.path.clone();
    drop(f.store);
    let len = std::fs::metadata(&path).unwrap().len();
    // Checkpointed on close, so the main file holds everything; cut it in half.
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(len / 2).unwrap();
    drop(file);
    let _ = std::fs::remove_file(format!("{}-wal", path.display()));
    match Store::open(&path, "zhang", "正确的密码", now()) {
        Err(StoreError::Corrupt(_)) => {}
        other => panic!("expected Corrupt, got {:?}", other.err().map(|e| e.to_string())),
    }
}

/// The startup check runs beside the session (store/startup_check.rs): a damaged page that
/// opening and logging in never touch is still found, and no case data is written onto it.
/// reliability-security.md §3.1: "corruption is detected, not served".
#[test]
fn a_damaged_page_found_by_the_startup_check_stops_every_write() {
    let mut f = fixture();
    f.store
        .write(&f.session, now(), |tx| {
            for i in 0..400 {
                tx.insert(&report(f.subject, &f.session.staff_id, &format!("第{i}次电话报告，情况正常。").repeat(8)))?;
            }
            Ok(())
        })
        .unwrap();
    let page: i64 = f
        .store
        .conn()
        .query_row(
            "SELECT pageno FROM dbstat WHERE name = 'reports' AND pagetype = 'leaf' LIMIT 1 OFFSET 10",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let path = f.path.clone();
    drop(f.store);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = (page as usize - 1) * 4096 + 1000;
    for b in &mut bytes[at..at + 16] {
        *b ^= 0x5A;
    }
    std::fs::write(&path, &bytes).unwrap();

    let (mut store, session) = Store::open(&path, "zhang", "正确的密码", now()).expect("opening reads no report page");
    store.write_login_entry(&session, now()).expect("the login entry is appended during the check");
    let refused =
        store.write(&session, now(), |tx| tx.insert(&report(f.subject, &session.staff_id, "检查未通过时不应写入")));
    assert!(matches!(refused, Err(StoreError::Corrupt(_))), "{:?}", refused.err().map(|e| e.to_string()));
    assert!(matches!(store.startup_check(), Err(StoreError::Corrupt(_))));
}

#[test]
fn every_write_is_data_audit_and_outbox_together() {
    let mut f = fixture();
    let ops_before = f.store.pending_ops().unwrap();
    let r = report(f.subject, &f.session.staff_id, "按时电话报告");
    f.store.write(&f.session, now(), |tx| tx.insert(&r)).unwrap();
    assert_eq!(f.store.pending_ops().unwrap(), ops_before + 1);
    // A failing write leaves nothing: the row, its audit entry and its op roll back together.
    let audit_before: i64 = f.store.conn().query_row("SELECT count(*) FROM audit_log", [], |x| x.get(0)).unwrap();
    let r2 = report(f.subject, &f.session.staff_id, "不会保存");
    let res: Result<()> = f.store.write(&f.session, now(), |tx| {
        tx.insert(&r2)?;
        Err(StoreError::Duplicate("forced".into()))
    });
    assert!(res.is_err());
    let audit_after: i64 = f.store.conn().query_row("SELECT count(*) FROM audit_log", [], |x| x.get(0)).unwrap();
    assert_eq!(audit_before, audit_after);
    assert_eq!(f.store.pending_ops().unwrap(), ops_before + 1);
    assert_eq!(f.store.records_of::<Report>(f.subject).unwrap().len(), 1);
}

#[test]
fn legal_records_are_append_only_and_corrections_keep_both() {
    let mut f = fixture();
    let r = report(f.subject, &f.session.staff_id, "原记录");
    f.store.write(&f.session, now(), |tx| tx.insert(&r)).unwrap();
    let err = f.store.conn().execute("UPDATE reports SET content = 'x'", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert!(f.store.conn().execute("DELETE FROM reports", []).is_err());

    let mut fix = report(f.subject, &f.session.staff_id, "更正后的记录");
    fix.recorded.supersedes = Some(r.id);
    fix.recorded.correction_reason = Some("日期记错".into());
    f.store.write(&f.session, now(), |tx| tx.insert(&fix)).unwrap();
    let all = f.store.records_of::<Report>(f.subject).unwrap();
    assert_eq!(all.len(), 2);
    let cur = queries::current(all);
    assert_eq!(cur.len(), 1);
    assert_eq!(cur[0].content, "更正后的记录");

    // The same record cannot be corrected twice (the second would fork history).
    let mut again = report(f.subject, &f.session.staff_id, "再次更正");
    again.recorded.supersedes = Some(r.id);
    again.recorded.correction_reason = Some("x".into());
    assert!(matches!(f.store.write(&f.session, now(), |tx| tx.insert(&again)), Err(StoreError::AlreadySuperseded(_))));
}

#[test]
fn hostile_strings_are_stored_verbatim() {
    // The issue's bad-input list: quotes, SQL fragments, NUL, bidi overrides.
    let mut f = fixture();
    let hostile = [
        "'; DROP TABLE subjects; --",
        "\"双引号\" and 'single'",
        "a\u{0}b",
        "\u{202E}txt.exe",
        "𠀀𪚥 Ext-B",
        "Robert'); DELETE FROM audit_log;--",
    ];
    for h in hostile {
        let r = report(f.subject, &f.session.staff_id, h);
        f.store.write(&f.session, now(), |tx| tx.insert(&r)).unwrap();
    }
    let got: Vec<String> = f.store.records_of::<Report>(f.subject).unwrap().into_iter().map(|r| r.content).collect();
    assert_eq!(got, hostile);
    assert_eq!(f.store.subjects().unwrap().len(), 1);
    assert!(f.store.verify().unwrap().ok());
}

#[test]
fn verify_finds_an_audit_entry_edited_behind_the_apps_back() {
    let mut f = fixture();
    for i in 0..5 {
        let r = report(f.subject, &f.session.staff_id, &format!("报告{i}"));
        f.store.write(&f.session, now(), |tx| tx.insert(&r)).unwrap();
    }
    assert!(f.store.verify().unwrap().ok());
    let c = f.store.conn();
    c.execute_batch("DROP TRIGGER audit_log_append_only_u;").unwrap();
    c.execute("UPDATE audit_log SET detail = replace(detail, '报告3', '报告X') WHERE detail LIKE '%报告3%'", [])
        .unwrap();
    let rep = f.store.verify().unwrap();
    assert!(!rep.ok());
    assert!(matches!(rep.chain.first_break, Some(audit::ChainBreak::Content { .. })), "{:?}", rep.chain);
}

#[test]
fn verify_finds_a_deleted_audit_entry() {
    let mut f = fixture();
    for i in 0..3 {
        let r = report(f.subject, &f.session.staff_id, &format!("报告{i}"));
        f.store.write(&f.session, now(), |tx| tx.insert(&r)).unwrap();
    }
    let c = f.store.conn();
    c.execute_batch("DROP TRIGGER audit_log_append_only_d;").unwrap();
    c.execute("DELETE FROM audit_log WHERE seq = 2", []).unwrap();
    assert!(matches!(
        f.store.verify().unwrap().chain.first_break,
        Some(audit::ChainBreak::Gap { expected: 2, found: 3 })
    ));
}

#[test]
fn backup_copies_everything_and_opens_with_the_same_password() {
    let mut f = fixture();
    for i in 0..20 {
        let r = report(f.subject, &f.session.staff_id, &format!("报告{i}"));
        f.store.write(&f.session, now(), |tx| tx.insert(&r)).unwrap();
    }
    let dest = f.path.with_file_name("backup.db");
    f.store.backup_to(&dest).unwrap();
    let (copy, _) = Store::open(&dest, "zhang", "正确的密码", now()).unwrap();
    assert_eq!(copy.records_of::<Report>(f.subject).unwrap(), f.store.records_of::<Report>(f.subject).unwrap());
    let (a, b) = (copy.verify().unwrap(), f.store.verify().unwrap());
    assert!(a.ok());
    assert_eq!(a.chain.head, b.chain.head);
}

#[test]
fn subject_updates_are_versioned_and_audited_with_old_values() {
    let mut f = fixture();
    let s = f.store.subject(f.subject).unwrap();
    let mut changed = s.clone();
    changed.phone = Some("13900139000".into());
    let next = f.store.write(&f.session, now(), |tx| tx.update_subject(&changed, s.version)).unwrap();
    assert_eq!(next.version, 2);
    // Writing against the old version again is refused.
    assert!(matches!(
        f.store.write(&f.session, now(), |tx| tx.update_subject(&changed, s.version)),
        Err(StoreError::StaleVersion { .. })
    ));
    let detail: String = f
        .store
        .conn()
        .query_row("SELECT detail FROM audit_log WHERE action = 'update' ORDER BY seq DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(v["phone"]["old"], "13800138000");
    assert_eq!(v["phone"]["new"], "13900139000");
}

#[test]
fn the_same_id_number_cannot_be_registered_twice() {
    let mut f = fixture();
    let office: OfficeId = f.store.subject(f.subject).unwrap().office_id;
    let dup = subject(office, "张三二", "11010519491231002X");
    assert!(matches!(f.store.write(&f.session, now(), |tx| tx.insert_subject(&dup)), Err(StoreError::Duplicate(_))));
}

macro_rules! check_sql {
    ($conn:expr, $($t:ty),*) => {$(
        $conn.prepare(<$t as Record>::INSERT).unwrap_or_else(|e| panic!("{}: {e}", <$t as Record>::TABLE));
        $conn.prepare(<$t as Record>::SELECT).unwrap();
    )*};
}

#[test]
fn every_record_type_matches_its_table() {
    let f = fixture();
    let c = f.store.conn();
    check_sql!(
        c,
        SubjectEvent,
        TeamMember,
        CorrectionPlan,
        Report,
        Visit,
        ItCheck,
        Talk,
        MedicalReport,
        StudySession,
        StudyAttendance,
        ServiceActivity,
        ServiceParticipation,
        LeaveRequest,
        LeaveEvent,
        TravelPermit,
        TravelTrip,
        Sanction,
        ClassChange,
        PlaceChange,
        Decision,
        Assessment,
        LostContactEpisode,
        LostContactStep,
        ReleaseStep,
        LedgerEntry,
        Counselling,
        HelpRecord,
        ScreeningCampaign,
        Hazard
    );
}

#[test]
fn attachments_are_stored_once_by_content_and_linked_per_record() {
    let mut f = fixture();
    let r = report(f.subject, &f.session.staff_id, "书面报告");
    let scan = vec![7u8; 4096];
    let (a, b) = f
        .store
        .write(&f.session, now(), |tx| {
            tx.insert(&r)?;
            let a = tx.attach(Some(f.subject), "reports", &r.id.to_string(), "思想汇报.jpg", "image/jpeg", &scan)?;
            let b = tx.attach(Some(f.subject), "reports", &r.id.to_string(), "副本.jpg", "image/jpeg", &scan)?;
            Ok((a, b))
        })
        .unwrap();
    assert_eq!(a, b);
    let n: i64 = f.store.conn().query_row("SELECT count(*) FROM attachments", [], |x| x.get(0)).unwrap();
    let links: i64 = f.store.conn().query_row("SELECT count(*) FROM attachment_links", [], |x| x.get(0)).unwrap();
    assert_eq!((n, links), (1, 2));
    assert_eq!(f.store.attachment(&a).unwrap().unwrap().1, scan);
    assert!(f.store.conn().execute("DELETE FROM attachments", []).is_err());
}

/// docs/sync-protocol.md §6: a record the county refused stays in the office (需要处理) but was
/// never held by the county, so it is not in the scope digest; every other record is.
#[test]
fn a_record_the_county_refused_is_kept_but_not_in_the_digest() {
    let mut f = fixture();
    let kept = report(f.subject, &f.session.staff_id, "县级已接收");
    let refused = report(f.subject, &f.session.staff_id, "县级未接收");
    f.store.write(&f.session, now(), |tx| tx.insert(&kept)).unwrap();
    f.store.write(&f.session, now(), |tx| tx.insert(&refused)).unwrap();
    let seq_of = |store: &Store, id: RecordId| -> i64 {
        store.outbox_after(0, 1000).unwrap().into_iter().find(|o| o.entity_id == id.to_string()).unwrap().seq
    };
    let (kept_seq, refused_seq) = (seq_of(&f.store, kept.id), seq_of(&f.store, refused.id));
    f.store
        .write(&f.session, now(), |tx| {
            tx.set_op_state(kept_seq, OpState::Acked, None)?;
            tx.set_op_state(refused_seq, OpState::Rejected, Some("{}"))
        })
        .unwrap();
    let held: Vec<String> = f.store.held_versions("reports").unwrap().into_iter().map(|(id, _, _)| id).collect();
    assert_eq!(held, vec![kept.id.to_string()]);
    assert_eq!(f.store.records_of::<Report>(f.subject).unwrap().len(), 2, "the refused record is still here");
}

/// 重新提交 (docs/sync-protocol.md §5): a refused op goes again as a new op at the end of the
/// outbox, with the refused ops that hang on its record behind it; the old ops keep the county's
/// answer and leave 需要处理; an unrelated refused op stays there.
#[test]
fn a_refused_op_is_resubmitted_with_what_waits_on_it() {
    let mut f = fixture();
    let first = report(f.subject, &f.session.staff_id, "县级未接收");
    let mut fix = report(f.subject, &f.session.staff_id, "更正");
    fix.recorded.supersedes = Some(first.id);
    fix.recorded.correction_reason = Some("笔误".into());
    let other = report(f.subject, &f.session.staff_id, "另一条");
    for r in [&first, &fix, &other] {
        f.store.write(&f.session, now(), |tx| tx.insert(r)).unwrap();
    }
    let ops = f.store.outbox_after(0, 1000).unwrap();
    let seq = |id: RecordId| ops.iter().find(|o| o.entity_id == id.to_string()).unwrap().seq;
    let refused = |reason: &str| format!(r#"{{"outcome":"rejected","reason":"{reason}","message":"x"}}"#);
    f.store
        .write(&f.session, now(), |tx| {
            tx.set_op_state(seq(first.id), OpState::Rejected, Some(&refused("forbidden")))?;
            tx.set_op_state(seq(fix.id), OpState::Rejected, Some(&refused("invalid")))?;
            tx.set_op_state(seq(other.id), OpState::Rejected, Some(&refused("waits_on")))
        })
        .unwrap();
    let last = ops.iter().map(|o| o.seq).max().unwrap();
    let (waiting, rejected) = f.store.outbox_counts().unwrap();
    assert_eq!(rejected, 3);

    let again = f.store.write(&f.session, now(), |tx| tx.resubmit(seq(first.id))).unwrap();
    assert_eq!(again, vec![seq(first.id), seq(fix.id)]);
    let new: Vec<_> = f.store.outbox_after(last, 1000).unwrap();
    assert_eq!(
        new.iter().map(|o| o.entity_id.clone()).collect::<Vec<_>>(),
        vec![first.id.to_string(), fix.id.to_string()]
    );
    for (n, old) in new.iter().zip([seq(first.id), seq(fix.id)]) {
        let old = f.store.outbox_op(old).unwrap().unwrap();
        assert_eq!(old.state, OpState::Resubmitted);
        assert_eq!(
            old.result.as_deref(),
            Some(refused(if old.kind == "create" { "forbidden" } else { "invalid" }).as_str())
        );
        assert_eq!(
            (n.state, n.payload.as_str(), n.kind.as_str()),
            (OpState::Pending, old.payload.as_str(), old.kind.as_str())
        );
        assert_ne!(n.op_id, old.op_id, "a new op id: the county judges it afresh");
    }
    let still: Vec<i64> = f.store.outbox_rejected().unwrap().iter().map(|o| o.seq).collect();
    assert_eq!(still, vec![seq(other.id)]);
    assert_eq!(f.store.outbox_counts().unwrap(), (waiting + 2, 1));
    // An old answer to a resubmitted op that comes again (a push resent after a seq gap, an
    // older bundle) does not bring it back to 需要处理.
    f.store
        .write(&f.session, now(), |tx| tx.set_op_state(seq(first.id), OpState::Rejected, Some(&refused("forbidden"))))
        .unwrap();
    assert_eq!(f.store.outbox_op(seq(first.id)).unwrap().unwrap().state, OpState::Resubmitted);
    // Only a refused op can be resubmitted, and only once.
    assert!(f.store.write(&f.session, now(), |tx| tx.resubmit(seq(first.id))).is_err());
    assert_eq!(f.store.outbox_after(last, 1000).unwrap().len(), 2);
}
