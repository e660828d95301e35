//! USB file bundles (protocol §10) between a real office store and the real county server; the
//! office enrols over loopback once, then carries everything on signed files.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use jiaowu_app::clock::FixedClock;
use jiaowu_app::domain::ids::SubjectId;
use jiaowu_app::domain::leave::{Authority, LeaveReasonKind, LeaveState};
use jiaowu_app::leave::{LeaveForm, LeaveStep, LeaveStepInput};
use jiaowu_app::store::KdfParams;
use jiaowu_app::{init_office, Core, InitOfficeInput};
use jiaowu_county::{router, ManualClock, Server, SqliteStore};
use jiaowu_sync::transport::{HttpTransport, Transport, WireRequest};
use serde_json::{json, Value};

const TODAY: &str = "2026-11-23";

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct County {
    url: String,
    server: Arc<Server>,
    token: String,
    _dir: tempfile::TempDir,
}

async fn county() -> County {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("county.db")).unwrap());
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()));
    let server = Arc::new(Server::open(store, clock, Some(7), "正定县社区矫正管理局").unwrap());
    server.add_user("wang", "王科长", "county-pass-1").unwrap();
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = router(server.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let login =
        call(&url, "POST", "/api/v1/county/login", None, json!({"username": "wang", "password": "county-pass-1"}))
            .await;
    County { url, server, token: login.1["token"].as_str().unwrap().to_string(), _dir: dir }
}

/// A console call over HTTP: (status, body).
async fn call(url: &str, method: &'static str, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let t = HttpTransport::new(url).unwrap();
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    if let Some(tok) = token {
        headers.push(("authorization".into(), format!("Bearer {tok}")));
    }
    let body = if body.is_null() { Vec::new() } else { serde_json::to_vec(&body).unwrap() };
    let r = t.send(WireRequest { method, path: path.into(), headers, body }).await.unwrap();
    (r.status, serde_json::from_slice(&r.body).unwrap_or(Value::Null))
}

impl County {
    async fn console(&self, method: &'static str, path: &str, body: Value) -> Value {
        let (status, v) = call(&self.url, method, &format!("/api/v1/county{path}"), Some(&self.token), body).await;
        assert_eq!(status, 200, "{path}: {v}");
        v
    }

    async fn office(&self, name: &str, delegated: bool) -> (String, String) {
        let o = self
            .console("POST", "/offices", json!({"name": name, "division_code": "130123", "leave_delegated": delegated}))
            .await;
        let id = o["id"].as_str().unwrap().to_string();
        let code = self.console("POST", &format!("/offices/{id}/enrolment-codes"), Value::Null).await;
        (id, code["code"].as_str().unwrap().to_string())
    }
}

struct Office {
    core: Core,
    url: String,
    _dir: tempfile::TempDir,
}

async fn office(c: &County, name: &str, code: &str) -> Office {
    let dir = tempfile::tempdir().unwrap();
    let input = InitOfficeInput {
        office_name: name.into(),
        county_name: "正定县社区矫正管理局".into(),
        division_code: "130123".into(),
        leave_delegated: false,
        rule_family: None,
        username: "zhang".into(),
        display_name: format!("{name}负责人"),
        password: "office-pass-1".into(),
    };
    let kdf = KdfParams { m_kib: 1024, t: 1, p: 1 };
    let (mut core, _) =
        init_office(&dir.path().join("office.db"), input, Arc::new(FixedClock::on(d(TODAY))), kdf).unwrap();
    let t = HttpTransport::new(&c.url).unwrap();
    let answer = jiaowu_app::sync::enrol(&mut core, t, &c.url, code, &format!("{name}-办公室电脑")).await.unwrap();
    assert_eq!(answer.county.name, "正定县社区矫正管理局");
    Office { core, url: c.url.clone(), _dir: dir }
}

impl Office {
    async fn sync(&mut self) -> jiaowu_sync::engine::SyncReport {
        jiaowu_app::sync::sync_now(&mut self.core, HttpTransport::new(&self.url).unwrap()).await.unwrap()
    }
}

fn id18(first17: &str) -> String {
    format!("{first17}{}", jiaowu_app::domain::id_number::check_digit(first17).unwrap())
}

fn intake_body(office: &str) -> Value {
    json!({ "office_id": office, "subject": {
        "name": "李四", "sex": "male", "birth_date": "1980-01-01", "id_type": "resident_id",
        "id_number": id18("13012319800101001"), "residence_code": "130123", "residence_detail": "正定镇某村1号",
        "crime": "盗窃罪", "original_sentence": "有期徒刑一年，缓刑二年", "sentence_type": "probation",
        "term_start": "2026-01-10", "term_end": "2028-01-09", "reported_on": "2026-01-15",
        "class": "ordinary", "status": "in_correction", "is_minor_case": false, "medical_parole": false,
        "able_to_work": true, "received_source": "court" } })
}

fn visit(s: SubjectId) -> jiaowu_app::store::VisitInput {
    serde_json::from_value(json!({
        "subject_id": s, "visit_date": "2026-11-20", "place_type": "home", "address": "正定镇某村1号", "method": "in_person",
        "visitors": ["张所长"], "subject_present": true, "interviewees": [], "findings": "在家，情绪稳定"
    }))
    .unwrap()
}

/// An office with no link at all carries its work to the county on USB and brings back the
/// county's answer (protocol §10): the same messages as online sync, signed files instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_without_a_link_syncs_by_signed_files() {
    let c = county().await;
    let (a_id, a_code) = c.office("城关镇司法所", false).await;
    let mut a = office(&c, "城关镇司法所", &a_code).await;
    a.sync().await; // enrolment day, at the county: the last time this PC has a link
    let usb = tempfile::tempdir().unwrap();
    let s = c.console("POST", "/subjects", intake_body(&a_id)).await;
    let sid = SubjectId::parse(s["id"].as_str().unwrap()).unwrap();

    // Round 1: the office's (empty) bundle goes in, the county's answer brings the new subject.
    let round = |a: &mut Office| -> std::path::PathBuf {
        let push = jiaowu_app::sync::export_bundle(&mut a.core, usb.path()).unwrap();
        let bytes = std::fs::read(&push).unwrap();
        let sig = std::fs::read_to_string(format!("{}.sig", push.display())).unwrap();
        let answer = c.server.import_push_bundle(&bytes, &sig).unwrap();
        let back = usb.path().join(&answer.name);
        std::fs::write(&back, &answer.bytes).unwrap();
        std::fs::write(format!("{}.sig", back.display()), &answer.signature).unwrap();
        back
    };
    let back = round(&mut a);
    let r = jiaowu_app::sync::import_bundle(&mut a.core, &back).unwrap();
    assert!(r.applied.applied >= 1, "{r:?}");
    assert_eq!(a.core.find_subject(&sid.to_string()).unwrap().name, "李四");
    // The same answer imported twice changes nothing.
    let again = jiaowu_app::sync::import_bundle(&mut a.core, &back).unwrap();
    assert_eq!(again.applied.applied, 0, "{again:?}");

    // Round 2: a visit and a 10-day leave with the office's opinion go in on the stick.
    a.core.record_visit(visit(sid)).unwrap();
    let leave = a
        .core
        .submit_leave_request(LeaveForm {
            subject_id: sid,
            start_date: d("2026-12-01"),
            end_date: d("2026-12-10"),
            applied_on: Some(d(TODAY)),
            destination_code: "440106".into(),
            destination_detail: "广州市天河区某医院".into(),
            abroad: false,
            destination_contact: None,
            reason_kind: LeaveReasonKind::Medical,
            reason_text: "陪同母亲就医".into(),
            transport: None,
            urgent: false,
        })
        .unwrap();
    a.core
        .record_leave_step(LeaveStepInput {
            leave_id: leave.leave.id,
            step: LeaveStep::OfficeOpinion { text: "同意外出，报请县局审批".into() },
            on: None,
        })
        .unwrap();
    let push = jiaowu_app::sync::export_bundle(&mut a.core, usb.path()).unwrap();
    let bytes = std::fs::read(&push).unwrap();
    let sig = std::fs::read_to_string(format!("{}.sig", push.display())).unwrap();
    let answer = c.server.import_push_bundle(&bytes, &sig).unwrap();
    // The same stick read twice at the county: refused as a replay, nothing applied twice.
    let replay = c.server.import_push_bundle(&bytes, &sig).unwrap_err();
    assert_eq!(replay.code, jiaowu_sync::wire::ErrorCode::Replayed);
    // A tampered answer is refused before anything is read.
    let back = usb.path().join(&answer.name);
    let mut tampered = answer.bytes.clone();
    let mid = tampered.len() / 2;
    tampered[mid] ^= 0x01;
    std::fs::write(&back, &tampered).unwrap();
    std::fs::write(format!("{}.sig", back.display()), &answer.signature).unwrap();
    let e = jiaowu_app::sync::import_bundle(&mut a.core, &back).unwrap_err();
    assert_eq!(e.code(), "bundle.bad_signature", "{}", e.message());
    assert!(a.core.sync_status().unwrap().waiting > 0, "nothing was marked sent by a bad file");
    std::fs::write(&back, &answer.bytes).unwrap();
    jiaowu_app::sync::import_bundle(&mut a.core, &back).unwrap();
    assert_eq!(a.core.sync_status().unwrap().waiting, 0, "the county's answers reached the office");

    // Round 3: the county approves; the decision comes back on the stick.
    c.console(
        "POST",
        &format!("/leave-requests/{}/decision", leave.leave.id),
        json!({"approve": true, "note": "正社矫外〔2026〕31号", "decided_on": TODAY}),
    )
    .await;
    let back = round(&mut a);
    jiaowu_app::sync::import_bundle(&mut a.core, &back).unwrap();
    assert_eq!(a.core.leave_view(leave.leave.id).unwrap().state, LeaveState::Approved { by: Authority::County });
    let held = jiaowu_app::sync::held_digest(&mut a.core).unwrap();
    let a_uuid = uuid::Uuid::parse_str(&a_id).unwrap();
    assert_eq!(held, c.server.scope_digest(a_uuid).unwrap(), "the office equals the county's view of its scope");
}
