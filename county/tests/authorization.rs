//! Authorization and bad input against the real router (in-process through tower, no socket):
//! requests are built and signed by hand, the way a third-party client would (protocol §3, §7,
//! §9). Each refusal is checked for its code and for changing nothing.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use chrono::{TimeZone, Utc};
use ed25519_dalek::SigningKey;
use jiaowu_county::{router, ManualClock, Server, SqliteStore};
use jiaowu_sync::signing::{public_key_to_base64, Signed};
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;

struct Env {
    server: Arc<Server>,
    token: String,
    _dir: tempfile::TempDir,
}

async fn send(
    s: &Arc<Server>,
    method: &str,
    path: &str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut b = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        b = b.header(k, v);
    }
    let resp = router(s.clone()).oneshot(b.body(Body::from(body)).unwrap()).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), 16 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

impl Env {
    async fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(&dir.path().join("county.db")).unwrap());
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()));
        let server = Arc::new(Server::open(store, clock, Some(11), "正定县社区矫正管理局").unwrap());
        server.add_user("wang", "王科长", "pw").unwrap();
        let token = server.login("wang", "pw").unwrap().token;
        Env { server, token, _dir: dir }
    }

    async fn console(&self, method: &str, path: &str, body: Value) -> Value {
        let headers = vec![
            ("authorization".into(), format!("Bearer {}", self.token)),
            ("content-type".into(), "application/json".into()),
        ];
        let body = if body.is_null() { vec![] } else { serde_json::to_vec(&body).unwrap() };
        let (status, v) = send(&self.server, method, &format!("/api/v1/county{path}"), headers, body).await;
        assert_eq!(status, 200, "{path}: {v}");
        v
    }

    /// An office with an enrolled device whose key the test holds.
    async fn device(&self, name: &str, delegated: bool, seed: u8) -> Device {
        let o = self
            .console("POST", "/offices", json!({"name": name, "division_code": "130123", "leave_delegated": delegated}))
            .await;
        let office = o["id"].as_str().unwrap().to_string();
        let code = self.console("POST", &format!("/offices/{office}/enrolment-codes"), Value::Null).await;
        let key = SigningKey::from_bytes(&[seed; 32]);
        let body = json!({"code": code["code"], "public_key": public_key_to_base64(&key.verifying_key()),
            "device_name": name, "app_version": "0.1.0", "schema_version": 1, "device_time": "2030-01-01T00:00:00Z"});
        let (status, v) = send(&self.server, "POST", "/api/v1/enrol", vec![], serde_json::to_vec(&body).unwrap()).await;
        assert_eq!(status, 200, "{v}");
        Device { id: Uuid::parse_str(v["device_id"].as_str().unwrap()).unwrap(), key, counter: 0, seq: 0, office }
    }
}

struct Device {
    id: Uuid,
    key: SigningKey,
    counter: u64,
    seq: u64,
    office: String,
}

impl Device {
    fn headers(&mut self, method: &str, path: &str, body: &[u8]) -> Vec<(String, String)> {
        self.counter += 1;
        let time = "2030-01-01T00:00:00Z";
        let sig = Signed { method, path, device: self.id, counter: self.counter, time, body }.sign(&self.key);
        vec![
            ("jiaowu-device".into(), self.id.to_string()),
            ("jiaowu-counter".into(), self.counter.to_string()),
            ("jiaowu-time".into(), time.into()),
            ("jiaowu-signature".into(), sig),
            ("content-type".into(), "application/json".into()),
        ]
    }

    async fn call(&mut self, s: &Arc<Server>, method: &str, path: &str, body: Vec<u8>) -> (u16, Value) {
        let h = self.headers(method, path, &body);
        send(s, method, path, h, body).await
    }

    /// Pushes one record-creating op; returns the op's result.
    async fn push(&mut self, s: &Arc<Server>, entity: &str, payload: Value) -> Value {
        self.seq += 1;
        let id = payload["id"].as_str().unwrap().to_string();
        let body = json!({"first_seq": self.seq, "ops": [{"op_id": Uuid::now_v7(), "seq": self.seq, "entity": entity,
            "entity_id": id, "kind": "create", "base_version": null, "payload": payload,
            "device_time": "2030-01-01T00:00:00Z", "schema_version": 1, "app_version": "0.1.0", "clock_skew_ms": null}]});
        let (status, v) = self.call(s, "POST", "/api/v1/push", serde_json::to_vec(&body).unwrap()).await;
        assert_eq!(status, 200, "{v}");
        v["results"][0].clone()
    }

    async fn pull_all(&mut self, s: &Arc<Server>) -> Vec<Value> {
        let (status, v) = self.call(s, "GET", "/api/v1/pull?limit=1000", vec![]).await;
        assert_eq!(status, 200, "{v}");
        v["changes"].as_array().unwrap().clone()
    }
}

fn id18(first17: &str) -> String {
    format!("{first17}{}", jiaowu_domain::id_number::check_digit(first17).unwrap())
}

async fn intake(env: &Env, office: &str, id17: &str) -> String {
    let s = env
        .console(
            "POST",
            "/subjects",
            json!({"office_id": office, "subject": {
            "name": "李四", "sex": "male", "birth_date": "1980-01-01", "id_type": "resident_id",
            "id_number": id18(id17), "residence_code": "130123", "residence_detail": "正定镇某村1号",
            "crime": "盗窃罪", "original_sentence": "有期徒刑一年，缓刑二年", "sentence_type": "probation",
            "term_start": "2026-01-10", "term_end": "2028-01-09", "class": "ordinary", "status": "in_correction",
            "is_minor_case": false, "medical_parole": false, "able_to_work": true, "received_source": "court"}}),
        )
        .await;
    s["id"].as_str().unwrap().to_string()
}

fn visit(subject: &str) -> Value {
    json!({"id": Uuid::now_v7(), "subject_id": subject, "visit_date": "2026-11-20", "start_time": null, "end_time": null,
        "place_type": "home", "address": "某村", "method": "in_person", "visitors": ["张"], "interviewees": [],
        "subject_present": true, "findings": "在家", "problems": null, "follow_up": null,
        "recorded_by": Uuid::now_v7(), "recorded_at": "2026-11-20T02:00:00Z", "supersedes": null, "correction_reason": null})
}

fn leave_request(subject: &str, days: u32, authority: &str) -> Value {
    json!({"id": Uuid::now_v7(), "subject_id": subject, "applied_on": "2026-11-23", "start_date": "2026-12-01",
        "end_date": format!("2026-12-{:02}", days), "days": days, "destination_code": "440106",
        "destination_detail": "广州", "destination_contact": null, "reason_kind": "medical", "reason_text": "就医",
        "transport": null, "urgent": false, "authority": authority,
        "recorded_by": Uuid::now_v7(), "recorded_at": "2026-11-23T02:00:00Z", "supersedes": null, "correction_reason": null})
}

fn leave_event(subject: &str, leave: &str, kind: &str, level: &str) -> Value {
    json!({"id": Uuid::now_v7(), "subject_id": subject, "leave_id": leave, "kind": kind, "actor_level": level,
        "event_date": "2026-11-23", "approve": true, "new_end": null, "method": null, "note": "同意",
        "recorded_by": Uuid::now_v7(), "recorded_at": "2026-11-23T02:00:00Z", "supersedes": null, "correction_reason": null})
}

#[tokio::test]
async fn office_a_can_neither_read_nor_write_office_b_subjects() {
    let env = Env::new().await;
    let mut a = env.device("城关镇司法所", true, 1).await;
    let mut b = env.device("北关镇司法所", true, 2).await;
    let sb = intake(&env, &b.office.clone(), "13012319800101001").await;
    // Write: A's visit for B's subject is refused and not stored.
    let r = a.push(&env.server, "visits", visit(&sb)).await;
    assert_eq!((r["outcome"].as_str(), r["reason"].as_str()), (Some("rejected"), Some("out_of_scope")), "{r}");
    // Read: nothing of B's subject is in A's feed, by pull or by fetching it by id.
    assert!(a.pull_all(&env.server).await.iter().all(|c| !c.to_string().contains(&sb)));
    let body = serde_json::to_vec(&json!({"entity": "subjects", "ids": [sb]})).unwrap();
    let (status, v) = a.call(&env.server, "POST", "/api/v1/records", body).await;
    assert_eq!((status, v["changes"].as_array().map(Vec::len)), (200, Some(0)), "{v}");
    // B sees its subject and no visit of A's.
    let feed = b.pull_all(&env.server).await;
    assert!(feed.iter().any(|c| c["entity_id"].as_str() == Some(&sb)));
    assert!(feed.iter().all(|c| c["entity"].as_str() != Some("visits")));
}

#[tokio::test]
async fn an_office_cannot_approve_a_ten_day_leave_nor_record_a_county_decision() {
    // 实施办法 Art 27: 8–30 days are the county's; ≤ 7 days the office's only when delegated.
    let env = Env::new().await;
    let mut a = env.device("城关镇司法所", true, 1).await;
    let s = intake(&env, &a.office.clone(), "13012319800101001").await;
    let l10 = leave_request(&s, 10, "county");
    let leave10 = l10["id"].as_str().unwrap().to_string();
    assert_eq!(a.push(&env.server, "leave_requests", l10).await["outcome"], "applied");
    let r = a.push(&env.server, "leave_events", leave_event(&s, &leave10, "office_decide", "office")).await;
    assert_eq!((r["outcome"].as_str(), r["reason"].as_str()), (Some("rejected"), Some("forbidden")), "{r}");
    assert!(r["message"].as_str().unwrap().contains("10日"), "{r}");
    let r = a.push(&env.server, "leave_events", leave_event(&s, &leave10, "county_decide", "county")).await;
    assert_eq!(r["reason"], "forbidden", "{r}");
    // A warning (社区矫正法 Art 28) is the county's decision.
    let decision = json!({"id": Uuid::now_v7(), "subject_id": s, "target_table": "sanctions", "target_id": Uuid::now_v7(),
        "decided_by": "county", "approve": true, "decision_date": "2026-11-23", "doc_no": "x", "reason": null,
        "recorded_by": Uuid::now_v7(), "recorded_at": "2026-11-23T02:00:00Z", "supersedes": null, "correction_reason": null});
    assert_eq!(a.push(&env.server, "decisions", decision).await["reason"], "forbidden");
    // A delegated office decides a 5-day leave itself.
    let l5 = leave_request(&s, 5, "office");
    let leave5 = l5["id"].as_str().unwrap().to_string();
    a.push(&env.server, "leave_requests", l5).await;
    let r = a.push(&env.server, "leave_events", leave_event(&s, &leave5, "office_decide", "office")).await;
    assert_eq!(r["outcome"], "applied", "{r}");
    // Nothing refused reached the feed.
    let feed = a.pull_all(&env.server).await;
    let events = feed.iter().filter(|c| c["entity"] == "leave_events").count();
    assert_eq!(events, 1);
}

#[tokio::test]
async fn an_op_that_hangs_on_a_rejected_record_waits_for_it_and_blocks_nothing_else() {
    // Protocol §5: a rejected op blocks no unrelated op; an op that depends on it (here the 销假
    // of a leave request the county refused to take) is not stored as an orphan but answered
    // `waits_on`, naming the record it waits for.
    let env = Env::new().await;
    let mut a = env.device("城关镇司法所", true, 1).await;
    let s = intake(&env, &a.office.clone(), "13012319800101001").await;
    let mut bad = leave_request(&s, 5, "office");
    bad["days"] = json!("五天");
    let leave = bad["id"].as_str().unwrap().to_string();
    let r = a.push(&env.server, "leave_requests", bad).await;
    assert_eq!((r["outcome"].as_str(), r["reason"].as_str()), (Some("rejected"), Some("invalid")), "{r}");
    assert_eq!(a.push(&env.server, "visits", visit(&s)).await["outcome"], "applied");
    let r = a.push(&env.server, "leave_events", leave_event(&s, &leave, "return", "office")).await;
    assert_eq!((r["outcome"].as_str(), r["reason"].as_str()), (Some("rejected"), Some("waits_on")), "{r}");
    // The office's own decision on it waits too (not `forbidden`): it goes again with its request.
    let r = a.push(&env.server, "leave_events", leave_event(&s, &leave, "office_decide", "office")).await;
    assert_eq!((r["outcome"].as_str(), r["reason"].as_str()), (Some("rejected"), Some("waits_on")), "{r}");
    assert!(r["message"].as_str().unwrap().contains(&leave), "{r}");
    assert!(r["message"].as_str().unwrap().contains("外出申请"), "{r}");
    // A visit to a subject the county has never held (one the office registered, refused): it
    // waits for that subject, rather than being out of scope.
    let unknown = Uuid::now_v7().to_string();
    let r = a.push(&env.server, "visits", visit(&unknown)).await;
    assert_eq!((r["outcome"].as_str(), r["reason"].as_str()), (Some("rejected"), Some("waits_on")), "{r}");
    assert!(r["message"].as_str().unwrap().contains("社区矫正对象登记"), "{r}");
    // The same kind of event on a leave request the county holds is applied.
    let good = leave_request(&s, 5, "office");
    let held = good["id"].as_str().unwrap().to_string();
    assert_eq!(a.push(&env.server, "leave_requests", good).await["outcome"], "applied");
    assert_eq!(
        a.push(&env.server, "leave_events", leave_event(&s, &held, "return", "office")).await["outcome"],
        "applied"
    );
    let feed = a.pull_all(&env.server).await;
    let events: Vec<&Value> = feed.iter().filter(|c| c["entity"] == "leave_events").collect();
    assert_eq!(events.len(), 1, "no orphan event: {events:?}");
    assert!(events[0].to_string().contains(&held));
}

#[tokio::test]
async fn replayed_revoked_and_badly_signed_requests_are_refused() {
    let env = Env::new().await;
    let mut a = env.device("城关镇司法所", true, 1).await;
    let path = "/api/v1/pull?limit=10";
    let h = a.headers("GET", path, b"");
    assert_eq!(send(&env.server, "GET", path, h.clone(), vec![]).await.0, 200);
    // The same request again: its counter is not above the last one (§3).
    let (status, v) = send(&env.server, "GET", path, h, vec![]).await;
    assert_eq!((status, v["error"]["code"].as_str()), (401, Some("replayed")), "{v}");
    assert_eq!(v["error"]["detail"]["last_counter"], 1);
    // Signed for another path.
    let mut h = a.headers("GET", "/api/v1/pull?limit=11", b"");
    h.retain(|(k, _)| k != "jiaowu-counter");
    h.push(("jiaowu-counter".into(), "99".into()));
    let (status, v) = send(&env.server, "GET", path, h, vec![]).await;
    assert_eq!((status, v["error"]["code"].as_str()), (401, Some("bad_signature")));
    // Revoked: refused, however well signed.
    env.console("POST", &format!("/devices/{}/revoke", a.id), Value::Null).await;
    let (status, v) = a.call(&env.server, "GET", path, vec![]).await;
    assert_eq!((status, v["error"]["code"].as_str()), (401, Some("device_revoked")));
    assert!(v["error"]["message"].as_str().unwrap().contains("停用"));
}

#[tokio::test]
async fn oversized_and_malformed_pushes_get_a_structured_error_and_change_nothing() {
    let env = Env::new().await;
    let mut a = env.device("城关镇司法所", true, 1).await;
    let s = intake(&env, &a.office.clone(), "13012319800101001").await;
    let before = a.pull_all(&env.server).await.len();
    // Over 1 MiB as sent (§2).
    let big = serde_json::to_vec(&json!({"first_seq": 1, "ops": [], "pad": "x".repeat(1_100_000)})).unwrap();
    let (status, v) = a.call(&env.server, "POST", "/api/v1/push", big).await;
    assert_eq!((status, v["error"]["code"].as_str()), (413, Some("too_large")), "{v}");
    // Unknown field, wrong type: 400 naming the field.
    let bad = serde_json::to_vec(&json!({"first_seq": 1, "ops": [{"op_id": "not-a-uuid"}]})).unwrap();
    let (status, v) = a.call(&env.server, "POST", "/api/v1/push", bad).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("malformed")), "{v}");
    assert_eq!(v["error"]["field"], "ops[0].op_id", "{v}");
    let (status, v) = a.call(&env.server, "POST", "/api/v1/push", b"<html>captive</html>".to_vec()).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("malformed")));
    // A path the server does not have: 404, in the same shape (§9).
    for path in ["/api/v1/pushh", "/nothing"] {
        let (status, v) = send(&env.server, "GET", path, vec![], vec![]).await;
        assert_eq!((status, v["error"]["code"].as_str()), (404, Some("not_found")), "{path}: {v}");
    }
    // A record whose payload breaks its type is rejected per op, and nothing is stored.
    let mut v1 = visit(&s);
    v1["visit_date"] = json!("2026-13-45");
    let r = a.push(&env.server, "visits", v1).await;
    assert_eq!((r["outcome"].as_str(), r["reason"].as_str()), (Some("rejected"), Some("invalid")), "{r}");
    // A seq gap stops the batch (§5).
    a.seq += 5;
    let body = json!({"first_seq": a.seq + 1, "ops": [{"op_id": Uuid::now_v7(), "seq": a.seq + 1, "entity": "visits",
        "entity_id": Uuid::now_v7(), "kind": "create", "base_version": null, "payload": visit(&s),
        "device_time": "2030-01-01T00:00:00Z", "schema_version": 1, "app_version": "0.1.0", "clock_skew_ms": null}]});
    let (status, v) = a.call(&env.server, "POST", "/api/v1/push", serde_json::to_vec(&body).unwrap()).await;
    assert_eq!((status, v["error"]["code"].as_str()), (409, Some("seq_gap")), "{v}");
    assert_eq!(v["error"]["detail"]["expected_seq"], 2);
    // The feed is as it was: every refusal changed nothing.
    let (status, v) = a.call(&env.server, "GET", "/api/v1/pull?limit=1000", vec![]).await;
    assert_eq!(status, 200);
    assert_eq!(v["changes"].as_array().unwrap().len(), before);
}
