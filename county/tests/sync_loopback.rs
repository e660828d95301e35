//! The real county server on a loopback port, two real office case stores (encrypted SQLite
//! files) syncing with it over HTTP through the real engine, and county actions through the
//! console API (issue 4, "Integration").

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use jiaowu_app::clock::FixedClock;
use jiaowu_app::domain::ids::{RecordId, SubjectId};
use jiaowu_app::domain::leave::{Authority, LeaveReasonKind, LeaveState};
use jiaowu_app::leave::{LeaveForm, LeaveStep, LeaveStepInput};
use jiaowu_app::store::{KdfParams, Talk, Visit};
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_leave_decision_and_transfer_between_two_offices() {
    let c = county().await;
    let (a_id, a_code) = c.office("城关镇司法所", false).await;
    let (b_id, b_code) = c.office("北关镇司法所", false).await;
    let mut a = office(&c, "城关镇司法所", &a_code).await;
    let mut b = office(&c, "北关镇司法所", &b_code).await;
    // A code works once (protocol §4).
    let (status, v) = call(
        &c.url,
        "POST",
        "/api/v1/enrol",
        None,
        json!({"code": a_code, "public_key": "1Fw0oG5y9yO1i3hmk0dxZr8rVvxWSPWCQ6lDO0zVu9Q=",
        "device_name": "x", "app_version": "0", "schema_version": 1, "device_time": "2026-11-23T08:15:00Z"}),
    )
    .await;
    assert_eq!((status, v["error"]["code"].as_str()), (403, Some("enrol_code_used")), "{v}");

    // Intake at the county, assigned to office A: A sees the subject after its sync.
    let s = c.console("POST", "/subjects", intake_body(&a_id)).await;
    let sid = SubjectId::parse(s["id"].as_str().unwrap()).unwrap();
    let first = a.sync().await;
    assert!(first.pushed > 0, "A's own setup ops (office, staff) go up: {first:?}");
    assert_eq!(first.rejected, 0, "{first:?}");
    let held = a.core.find_subject(&sid.to_string()).expect("A holds the assigned subject");
    assert_eq!(held.name, "李四");
    assert_eq!(held.office_id, a.core.office().id, "the county's office id is mapped to A's own");
    b.sync().await;
    assert!(b.core.find_subject(&sid.to_string()).is_err(), "B does not hold A's subject");

    // A records a visit and a 10-day leave, gives its opinion and sends it up (实施办法 Art 27:
    // 8–30 days are the county's).
    let v = a.core.record_visit(visit(sid)).unwrap();
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
    assert_eq!(leave.leave.authority, Authority::County);
    a.core
        .record_leave_step(LeaveStepInput {
            leave_id: leave.leave.id,
            step: LeaveStep::OfficeOpinion { text: "同意外出，报请县局审批".into() },
            on: None,
        })
        .unwrap();
    let r = a.sync().await;
    assert_eq!((r.rejected, r.conflicts), (0, 0), "{r:?}");
    assert_eq!(a.core.sync_status().unwrap().waiting, 0, "everything acknowledged");

    // An enrolled office cannot transcribe the county's decision by hand: it comes by sync.
    let e = a
        .core
        .record_leave_step(LeaveStepInput {
            leave_id: leave.leave.id,
            step: LeaveStep::CountyDecide { approve: true, reason: String::new(), doc_no: "手抄文号".into() },
            on: None,
        })
        .unwrap_err();
    assert_eq!(e.code(), "leave.county_decides_by_sync", "{}", e.message());

    // The county sees it waiting and approves; A sees the decision after its next sync.
    let pending = c.console("GET", "/leave-requests", Value::Null).await;
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    c.console(
        "POST",
        &format!("/leave-requests/{}/decision", leave.leave.id),
        json!({"approve": true, "note": "正社矫外〔2026〕31号", "decided_on": TODAY}),
    )
    .await;
    let r = a.sync().await;
    assert_eq!(r.applied.applied, 1, "one new record: the county's decision {r:?}");
    let view = a.core.leave_view(leave.leave.id).unwrap();
    assert_eq!(view.state, LeaveState::Approved { by: Authority::County });
    let decision = view.events.iter().find(|e| e.actor_level == Authority::County).unwrap();
    assert_eq!(decision.note.as_deref(), Some("正社矫外〔2026〕31号"));
    // Idle: nothing to push, one pull round trip, a small answer.
    let idle = a.sync().await;
    assert_eq!((idle.pushed, idle.pulled, idle.round_trips), (0, 0, 1), "{idle:?}");

    // A records a talk while offline; meanwhile the county transfers the subject to B.
    let talk: jiaowu_app::store::TalkInput = serde_json::from_value(json!({
        "subject_id": sid, "talk_date": "2026-11-23", "talk_type": "routine",
        "place": "司法所", "talkers": ["张所长"], "content": "了解近况"
    }))
    .unwrap();
    let t = a.core.record_talk(talk).unwrap();
    c.console("POST", &format!("/subjects/{sid}/transfer"), json!({"office_id": b_id})).await;
    // A's next sync sends the talk made before it knew (accepted for B), then learns it left.
    let r = a.sync().await;
    assert_eq!((r.rejected, r.conflicts), (0, 0), "the talk made before A knew is accepted: {r:?}");
    let r = b.sync().await;
    assert_eq!(r.rejected, 0);
    let b_has = |id: RecordId| -> bool {
        b.core.subject_records::<Visit>(sid).unwrap().iter().any(|x| x.id == id)
            || b.core.subject_records::<Talk>(sid).unwrap().iter().any(|x| x.id == id)
    };
    assert!(b.core.find_subject(&sid.to_string()).is_ok(), "B holds the subject now");
    assert!(b_has(v.id) && b_has(t.id), "B has A's visit and the late talk");
    let bl = b.core.leave_view(leave.leave.id).unwrap();
    assert_eq!(bl.state, LeaveState::Approved { by: Authority::County }, "the decision moved with the subject");
    // A keeps what it recorded as an archive, and is out of scope for new writes.
    assert!(a.core.subject_records::<Visit>(sid).unwrap().iter().any(|x| x.id == v.id), "A loses nothing it had");
    let late: jiaowu_app::store::VisitInput = visit(sid);
    a.core.record_visit(late).unwrap();
    let r = a.sync().await;
    assert_eq!(r.rejected, 1, "after A knew of the transfer, its writes for the subject are refused");
    let attention = a.core.rejected_ops().unwrap();
    assert_eq!(attention.len(), 1);
    assert!(attention[0].message.contains("不属于本所"), "{}", attention[0].message);
    let devices = c.server.devices().unwrap();
    assert_eq!(devices.len(), 2);
}
