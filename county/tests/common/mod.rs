//! Shared by the county's integration tests: the real server on a loopback port with a console
//! user, HTTP console calls, and real office stores enrolled with it.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use jiaowu_app::clock::FixedClock;
use jiaowu_app::domain::ids::SubjectId;
use jiaowu_app::store::KdfParams;
use jiaowu_app::{init_office, Core, InitOfficeInput};
use jiaowu_county::{router, ManualClock, Server, SqliteStore};
use jiaowu_sync::transport::{HttpTransport, Transport, WireRequest};
use serde_json::{json, Value};

pub const TODAY: &str = "2026-11-23";

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub struct County {
    pub url: String,
    pub server: Arc<Server>,
    pub token: String,
    pub _dir: tempfile::TempDir,
}

pub async fn county() -> County {
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
pub async fn call(url: &str, method: &'static str, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
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
    pub async fn console(&self, method: &'static str, path: &str, body: Value) -> Value {
        let (status, v) = call(&self.url, method, &format!("/api/v1/county{path}"), Some(&self.token), body).await;
        assert_eq!(status, 200, "{path}: {v}");
        v
    }

    pub async fn office(&self, name: &str, delegated: bool) -> (String, String) {
        let o = self
            .console("POST", "/offices", json!({"name": name, "division_code": "130123", "leave_delegated": delegated}))
            .await;
        let id = o["id"].as_str().unwrap().to_string();
        let code = self.console("POST", &format!("/offices/{id}/enrolment-codes"), Value::Null).await;
        (id, code["code"].as_str().unwrap().to_string())
    }
}

pub struct Office {
    pub core: Core,
    pub url: String,
    pub _dir: tempfile::TempDir,
}

pub async fn office(c: &County, name: &str, code: &str) -> Office {
    office_delegated(c, name, code, false).await
}

/// An office whose own settings say whether the county entrusted it with leave of ≤ 7 days
/// (they may disagree with the county's, which decides).
pub async fn office_delegated(c: &County, name: &str, code: &str, leave_delegated: bool) -> Office {
    let dir = tempfile::tempdir().unwrap();
    let input = InitOfficeInput {
        office_name: name.into(),
        county_name: "正定县社区矫正管理局".into(),
        division_code: "130123".into(),
        leave_delegated,
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
    pub async fn sync(&mut self) -> jiaowu_sync::engine::SyncReport {
        jiaowu_app::sync::sync_now(&mut self.core, HttpTransport::new(&self.url).unwrap()).await.unwrap()
    }
}

pub fn id18(first17: &str) -> String {
    format!("{first17}{}", jiaowu_app::domain::id_number::check_digit(first17).unwrap())
}

pub fn intake_body(office: &str) -> Value {
    json!({ "office_id": office, "subject": {
        "name": "李四", "sex": "male", "birth_date": "1980-01-01", "id_type": "resident_id",
        "id_number": id18("13012319800101001"), "residence_code": "130123", "residence_detail": "正定镇某村1号",
        "crime": "盗窃罪", "original_sentence": "有期徒刑一年，缓刑二年", "sentence_type": "probation",
        "term_start": "2026-01-10", "term_end": "2028-01-09", "reported_on": "2026-01-15",
        "class": "ordinary", "status": "in_correction", "is_minor_case": false, "medical_parole": false,
        "able_to_work": true, "received_source": "court" } })
}

pub fn visit(s: SubjectId) -> jiaowu_app::store::VisitInput {
    serde_json::from_value(json!({
        "subject_id": s, "visit_date": "2026-11-20", "place_type": "home", "address": "正定镇某村1号", "method": "in_person",
        "visitors": ["张所长"], "subject_present": true, "interviewees": [], "findings": "在家，情绪稳定"
    }))
    .unwrap()
}

/// The 10-day medical leave both integration tests submit (8–30 days: the county's, 实施办法 Art 27).
pub fn ten_day_leave(s: SubjectId) -> jiaowu_app::leave::LeaveForm {
    jiaowu_app::leave::LeaveForm {
        subject_id: s,
        start_date: d("2026-12-01"),
        end_date: d("2026-12-10"),
        applied_on: Some(d(TODAY)),
        destination_code: "440106".into(),
        destination_detail: "广州市天河区某医院".into(),
        abroad: false,
        destination_contact: None,
        reason_kind: jiaowu_app::domain::leave::LeaveReasonKind::Medical,
        reason_text: "陪同母亲就医".into(),
        transport: None,
        urgent: false,
    }
}

/// The office's opinion, which sends a county-level leave up (实施办法 Art 27).
pub fn send_up(core: &mut Core, leave: jiaowu_app::domain::ids::RecordId) {
    core.record_leave_step(jiaowu_app::leave::LeaveStepInput {
        leave_id: leave,
        step: jiaowu_app::leave::LeaveStep::OfficeOpinion { text: "同意外出，报请县局审批".into() },
        on: None,
    })
    .unwrap();
}

/// The text of a PDF as poppler reads it (pdftotext, from poppler-utils), whitespace dropped.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&p)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8(out.stdout).unwrap().chars().filter(|c| !c.is_whitespace()).collect()
}
