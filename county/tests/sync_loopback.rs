//! The real county server on a loopback port, two real office case stores (encrypted SQLite
//! files) syncing with it over HTTP through the real engine, and county actions through the
//! console API (issue 4, "Integration").

use jiaowu_app::domain::ids::{RecordId, SubjectId};
use jiaowu_app::domain::leave::{Authority, LeaveState};
use jiaowu_app::leave::{LeaveStep, LeaveStepInput};
use jiaowu_app::store::{Talk, Visit};
use serde_json::{json, Value};

mod common;
use common::*;

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
    let leave = a.core.submit_leave_request(ten_day_leave(sid)).unwrap();
    assert_eq!(leave.leave.authority, Authority::County);
    send_up(&mut a.core, leave.leave.id);
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
    // Once A knows, it refuses new writes itself (the county would refuse them: authorization.rs).
    let late = a.core.record_visit(visit(sid)).unwrap_err();
    assert_eq!(late.code(), "subject.transferred_away", "{}", late.message());
    assert!(late.message().contains("其他司法所"), "{}", late.message());
    let r = a.sync().await;
    assert_eq!((r.pushed, r.rejected), (0, 0), "{r:?}");
    let listed = a.core.list_subjects("").unwrap().into_iter().find(|s| s.id == sid).unwrap();
    assert_eq!(listed.status_label, "已调至他所（档案）", "A's list says the subject is only an archive now");
    let devices = c.server.devices().unwrap();
    assert_eq!(devices.len(), 2);
}

/// Protocol §5 and 实施办法 Art 27: the office learned by sync that the county entrusted it with
/// leave of up to 7 days; the county withdraws that before the office's next sync, so the 5-day
/// leave the clerk approves meanwhile is refused (需要处理, with the county's reason) and the same
/// sync tells the office. Once the county entrusts it again, 重新提交 sends the same decision as a
/// new op and it is applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_decision_is_resubmitted_once_the_county_entrusts_the_office() {
    let c = county().await;
    let (a_id, a_code) = c.office("城关镇司法所", true).await;
    // The PC was set up before it was told; the county's setting wins at the first sync.
    let mut a = office_delegated(&c, "城关镇司法所", &a_code, false).await;
    let s = c.console("POST", "/subjects", intake_body(&a_id)).await;
    let sid = SubjectId::parse(s["id"].as_str().unwrap()).unwrap();
    a.sync().await;
    assert!(a.core.leave_delegated().unwrap(), "the county's delegation reached the office");

    c.console("POST", &format!("/offices/{a_id}/leave-delegation"), json!({"leave_delegated": false})).await;
    let mut form = ten_day_leave(sid);
    form.end_date = d("2026-12-05");
    let leave = a.core.submit_leave_request(form).unwrap();
    assert_eq!(leave.leave.authority, Authority::Office);
    a.core
        .record_leave_step(LeaveStepInput {
            leave_id: leave.leave.id,
            step: LeaveStep::OfficeDecide { approve: true, reason: String::new() },
            on: None,
        })
        .unwrap();
    let r = a.sync().await;
    assert_eq!(r.rejected, 1, "{r:?}");
    assert!(!a.core.leave_delegated().unwrap(), "the withdrawal came down with the refusal");
    assert!(!a.core.sync_status().unwrap().leave_delegated, "and the sync page says so");
    let refused = a.core.rejected_ops().unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].entity, "leave_events");
    assert!(refused[0].message.contains("7日") || refused[0].message.contains("委托"), "{}", refused[0].message);

    // The county entrusts the office again; the clerk resubmits the refused decision, once.
    c.console("POST", &format!("/offices/{a_id}/leave-delegation"), json!({"leave_delegated": true})).await;
    assert_eq!(a.core.resubmit_rejected(refused[0].seq).unwrap(), 1);
    assert!(a.core.rejected_ops().unwrap().is_empty(), "it left 需要处理");
    assert_eq!(a.core.sync_status().unwrap().waiting, 1);
    let e = a.core.resubmit_rejected(refused[0].seq).unwrap_err();
    assert_eq!(e.code(), "sync.not_rejected");
    let r = a.sync().await;
    assert_eq!((r.rejected, r.acknowledged), (0, 1), "{r:?}");
    assert!(a.core.leave_delegated().unwrap());
    assert_eq!(a.core.sync_status().unwrap().waiting, 0);
    assert_eq!(a.core.sync_status().unwrap().needs_attention, 0);
    assert_eq!(a.core.leave_view(leave.leave.id).unwrap().state, LeaveState::Approved { by: Authority::Office });
}

/// 实施办法 Art 27: a 5-day leave submitted while the office was entrusted is the office's to
/// decide, so it may not send it up. Once the county withdraws the delegation, the office can no
/// longer decide it: its opinion sends it up, and the county decides it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_leave_goes_to_the_county_once_the_delegation_is_withdrawn() {
    let c = county().await;
    let (a_id, a_code) = c.office("城关镇司法所", true).await;
    let mut a = office_delegated(&c, "城关镇司法所", &a_code, true).await;
    let s = c.console("POST", "/subjects", intake_body(&a_id)).await;
    let sid = SubjectId::parse(s["id"].as_str().unwrap()).unwrap();
    a.sync().await;
    let mut form = ten_day_leave(sid);
    form.end_date = d("2026-12-05");
    let id = a.core.submit_leave_request(form).unwrap().leave.id;
    let opinion = LeaveStepInput { leave_id: id, step: LeaveStep::OfficeOpinion { text: "同意".into() }, on: None };
    assert_eq!(a.core.record_leave_step(opinion.clone()).unwrap_err().code(), "leave.office_decides");

    assert!(a.core.leave_view(id).unwrap().office_decides);
    c.console("POST", &format!("/offices/{a_id}/leave-delegation"), json!({"leave_delegated": false})).await;
    a.sync().await;
    assert!(!a.core.leave_view(id).unwrap().office_decides, "the screen now offers the opinion");
    assert_eq!(a.core.record_leave_step(opinion).unwrap().state, LeaveState::AwaitingCounty);
    a.sync().await;
    c.console(
        "POST",
        &format!("/leave-requests/{id}/decision"),
        json!({"approve": true, "note": "正社矫外〔2026〕33号", "decided_on": TODAY}),
    )
    .await;
    a.sync().await;
    let v = a.core.leave_view(id).unwrap();
    assert_eq!((v.state, v.decided_by), (LeaveState::Approved { by: Authority::County }, Authority::County));
}

/// domain.md §19, 档案法实施条例 2024 Art 19: the county fixes the order of its offices' work
/// dossiers. An order that would leave a section out is refused with the reason; a good one
/// reaches the office by sync, the office's dossier prints in it, and the county can go back to
/// the default. Another office's settings do not reach this one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_county_sets_the_dossier_order_and_the_office_prints_in_it() {
    use jiaowu_app::printing::DossierRequest;
    let c = county().await;
    let (a_id, a_code) = c.office("城关镇司法所", false).await;
    let (b_id, _) = c.office("北关镇司法所", false).await;
    let mut a = office(&c, "城关镇司法所", &a_code).await;
    let s = c.console("POST", "/subjects", intake_body(&a_id)).await;
    let sid = SubjectId::parse(s["id"].as_str().unwrap()).unwrap();
    a.sync().await;
    a.core.record_visit(visit(sid)).unwrap();
    let before = a.core.dossier_order().unwrap();
    assert!(!before.set_by_county);
    assert_eq!(before.sections[0].label, "接收与矫正方案");

    let (status, v) = call(
        &c.url,
        "POST",
        &format!("/api/v1/county/offices/{a_id}/dossier-order"),
        Some(&c.token),
        json!({"order": ["visits", "intake", "reports", "leaves", "education", "help", "assessments"]}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["error"]["field"], "order", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("解除矫正"), "names what is missing: {v}");
    // An unknown name is refused with the names there are; an empty body resets nothing.
    let path = format!("/api/v1/county/offices/{a_id}/dossier-order");
    let (status, v) = call(&c.url, "POST", &path, Some(&c.token), json!({"order": ["visits", "archive"]})).await;
    assert_eq!((status, v["error"]["field"].as_str()), (400, Some("order")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("visits（走访、信息化核查与谈话）"), "{v}");
    let (status, v) = call(&c.url, "POST", &path, Some(&c.token), json!({})).await;
    assert_eq!(status, 400, "{v}");

    // Office B's order is B's alone: set first, twice (a higher version than A's), so a B entry
    // in A's feed would win there.
    let reversed = json!(["release", "assessments", "help", "education", "leaves", "visits", "reports", "intake"]);
    for _ in 0..2 {
        c.console("POST", &format!("/offices/{b_id}/dossier-order"), json!({ "order": reversed })).await;
    }
    let order = json!(["visits", "intake", "reports", "leaves", "education", "help", "assessments", "release"]);
    c.console("POST", &format!("/offices/{a_id}/dossier-order"), json!({ "order": order })).await;
    a.sync().await;
    let after = a.core.dossier_order().unwrap();
    assert!(after.set_by_county);
    assert_eq!(serde_json::to_value(after.sections.iter().map(|s| s.section).collect::<Vec<_>>()).unwrap(), order);

    // The 卷内目录 lists the visit before the 基本信息表 now.
    let printed =
        a.core.print_dossier(DossierRequest { subject_id: sid, order: None, purpose: None, preview: false }).unwrap();
    let text = pdf_text(&printed.pdf);
    let (visit, basic) = (text.find("走访").expect("the visit"), text.find("基本信息表").expect("the form"));
    assert!(visit < basic, "visits first: {text}");

    c.console("POST", &format!("/offices/{a_id}/dossier-order"), json!({ "order": null })).await;
    a.sync().await;
    assert!(!a.core.dossier_order().unwrap().set_by_county, "back to the default");
}

/// 社区矫正法 Art 28, 实施办法 Arts 21 and 35: the office proposes a warning and a change to
/// strict supervision; the county decides both in its console; the office receives the decisions
/// and the subject's new class by sync, and cannot transcribe a decision by hand once enrolled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_county_decides_a_proposed_warning_and_class_change() {
    use jiaowu_app::domain::types::SupervisionClass;
    use jiaowu_app::store::{
        ClassChangeInput, DecidedBy, Decision, DecisionInput, DecisionTarget, SanctionInput, SanctionKind,
    };
    let c = county().await;
    let (a_id, a_code) = c.office("城关镇司法所", false).await;
    let mut a = office(&c, "城关镇司法所", &a_code).await;
    let s = c.console("POST", "/subjects", intake_body(&a_id)).await;
    let sid = SubjectId::parse(s["id"].as_str().unwrap()).unwrap();
    a.sync().await;
    let warning = a
        .core
        .propose_sanction(SanctionInput {
            subject_id: sid,
            kind: SanctionKind::Warning,
            proposed_on: d("2026-11-20"),
            facts: "未经批准离开所居住市县".into(),
            evidence: Some("信息化核查记录".into()),
            legal_basis: "《社区矫正法实施办法》第三十五条".into(),
            office_opinion: Some("建议给予警告".into()),
        })
        .unwrap();
    let change = a
        .core
        .propose_class_change(ClassChangeInput {
            subject_id: sid,
            old_class: SupervisionClass::Ordinary,
            new_class: SupervisionClass::Strict,
            reason: "受到警告".into(),
            proposed_on: d("2026-11-21"),
            office_opinion: Some("建议调整为严管".into()),
        })
        .unwrap();
    // Revoking probation is the court's decision (刑法 Art 77, 实施办法 Art 46): the county
    // passes it on, it does not decide it here.
    let revoke = a
        .core
        .propose_sanction(SanctionInput {
            subject_id: sid,
            kind: SanctionKind::RevokeProbation,
            proposed_on: d("2026-11-21"),
            facts: "受到警告后再次违反监督管理规定".into(),
            evidence: None,
            legal_basis: "《刑法》第七十七条".into(),
            office_opinion: None,
        })
        .unwrap();
    let r = a.sync().await;
    assert_eq!(r.rejected, 0, "{r:?}");
    let pending = c.console("GET", "/proposals", Value::Null).await;
    assert_eq!(pending.as_array().unwrap().len(), 2, "the warning and the class change: {pending}");
    let (status, v) = call(
        &c.url,
        "POST",
        &format!("/api/v1/county/sanctions/{}/decision", revoke.id),
        Some(&c.token),
        json!({"approve": true, "doc_no": "正社矫〔2026〕1号", "decided_on": TODAY}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("人民法院"), "{v}");
    let (status, v) = call(
        &c.url,
        "POST",
        &format!("/api/v1/county/sanctions/{}/decision", warning.id),
        Some(&c.token),
        json!({"approve": true, "doc_no": "正社矫惩〔2026〕3号", "decided_on": "2026-11-19"}),
    )
    .await;
    assert_eq!((status, v["error"]["field"].as_str()), (400, Some("decided_on")), "before the proposal: {v}");

    // A refusal needs its reason; then the county decides both.
    let (status, v) = call(
        &c.url,
        "POST",
        &format!("/api/v1/county/sanctions/{}/decision", warning.id),
        Some(&c.token),
        json!({"approve": false, "doc_no": "正社矫惩〔2026〕3号", "decided_on": TODAY}),
    )
    .await;
    assert_eq!((status, v["error"]["field"].as_str()), (400, Some("reason")), "{v}");
    c.console(
        "POST",
        &format!("/sanctions/{}/decision", warning.id),
        json!({"approve": true, "doc_no": "正社矫惩〔2026〕3号", "decided_on": TODAY}),
    )
    .await;
    c.console(
        "POST",
        &format!("/class-changes/{}/decision", change.id),
        json!({"approve": true, "doc_no": "正社矫分〔2026〕9号", "decided_on": TODAY}),
    )
    .await;
    let (status, v) = call(
        &c.url,
        "POST",
        &format!("/api/v1/county/sanctions/{}/decision", warning.id),
        Some(&c.token),
        json!({"approve": true, "doc_no": "再次", "decided_on": TODAY}),
    )
    .await;
    assert_eq!(status, 400, "decided once only: {v}");
    assert!(c.console("GET", "/proposals", Value::Null).await.as_array().unwrap().is_empty());

    // The office receives both decisions and the new class.
    a.sync().await;
    let decisions = a.core.subject_records::<Decision>(sid).unwrap();
    assert_eq!(decisions.len(), 2, "{decisions:?}");
    assert!(decisions.iter().all(|d| d.decided_by == DecidedBy::County && d.approve));
    let warned = decisions.iter().find(|d| d.target_table == DecisionTarget::Sanctions).unwrap();
    assert_eq!((warned.target_id, warned.doc_no.as_deref()), (warning.id, Some("正社矫惩〔2026〕3号")));
    assert_eq!(a.core.find_subject(&sid.to_string()).unwrap().class, SupervisionClass::Strict);

    // Once enrolled, the office cannot type in a county decision of its own.
    let e = a
        .core
        .record_decision(DecisionInput {
            subject_id: sid,
            target_table: DecisionTarget::Sanctions,
            target_id: warning.id,
            decided_by: DecidedBy::County,
            approve: true,
            decision_date: d(TODAY),
            doc_no: Some("手抄".into()),
            reason: None,
        })
        .unwrap_err();
    assert_eq!(e.code(), "decision.by_sync");
}

/// Protocol §6: the county's database is restored from a backup taken before its last changes.
/// The PC's cursor is then past the feed's end: the server answers `cursor_reset`, the PC reads
/// the feed again from the start and takes the restored county's settings, although their
/// versions are lower than those it held (the county re-decides after a restore; its word wins).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_county_is_restored_from_a_backup_its_settings_win() {
    use tower::ServiceExt;
    let dir = tempfile::tempdir().unwrap();
    let clock = std::sync::Arc::new(jiaowu_county::ManualClock::new(
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 23, 2, 0, 0).unwrap(),
    ));
    let open = |file: &str| {
        let store = std::sync::Arc::new(jiaowu_county::SqliteStore::open(&dir.path().join(file)).unwrap());
        std::sync::Arc::new(jiaowu_county::Server::open(store, clock.clone(), Some(7), "正定县社区矫正管理局").unwrap())
    };
    let first = open("county.db");
    first.add_user("wang", "王科长", "county-pass-1").unwrap();
    // One address whose server can be swapped, as a restored county comes back on the same one.
    let current = std::sync::Arc::new(std::sync::Mutex::new(jiaowu_county::router(first.clone())));
    let serve = current.clone();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let r = serve.lock().unwrap().clone();
        async move { r.oneshot(req).await.unwrap() }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let login =
        call(&url, "POST", "/api/v1/county/login", None, json!({"username": "wang", "password": "county-pass-1"}))
            .await;
    let c = County {
        url,
        server: first.clone(),
        token: login.1["token"].as_str().unwrap().into(),
        _dir: tempfile::tempdir().unwrap(),
    };
    let (a_id, a_code) = c.office("城关镇司法所", false).await;
    let mut a = office(&c, "城关镇司法所", &a_code).await;
    a.sync().await;
    rusqlite::Connection::open(dir.path().join("county.db"))
        .unwrap()
        .execute_batch(&format!("VACUUM INTO '{}'", dir.path().join("backup.db").display()))
        .unwrap();

    // After the backup: the county entrusts the office and sets an order; the PC follows.
    c.console("POST", &format!("/offices/{a_id}/leave-delegation"), json!({"leave_delegated": true})).await;
    let reversed = json!(["release", "assessments", "help", "education", "leaves", "visits", "reports", "intake"]);
    c.console("POST", &format!("/offices/{a_id}/dossier-order"), json!({ "order": reversed })).await;
    a.sync().await;
    assert!(a.core.leave_delegated().unwrap());
    assert_eq!(a.core.dossier_order().unwrap().sections[0].label, "解除矫正");

    // The county is restored: the office is not entrusted there, and the county sets another order.
    *current.lock().unwrap() = jiaowu_county::router(open("backup.db"));
    let order = json!(["visits", "intake", "reports", "leaves", "education", "help", "assessments", "release"]);
    c.console("POST", &format!("/offices/{a_id}/dossier-order"), json!({ "order": order })).await;
    a.sync().await;
    assert!(!a.core.leave_delegated().unwrap(), "the restored county's delegation");
    let held = a.core.dossier_order().unwrap();
    assert_eq!(serde_json::to_value(held.sections.iter().map(|s| s.section).collect::<Vec<_>>()).unwrap(), order);
}

/// 实施办法 Art 27 (domain.md §8): a leave of more than 30 days is decided a level above the
/// county. The office sends it up with its opinion; the county cannot decide it itself, sends it
/// up (报请上一级) and records the decision that comes back; the office receives both by sync
/// and the leave is approved by the level above. A step out of turn is refused with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leave_of_more_than_30_days_goes_up_through_the_county() {
    let c = county().await;
    let (a_id, a_code) = c.office("城关镇司法所", false).await;
    let mut a = office(&c, "城关镇司法所", &a_code).await;
    let s = c.console("POST", "/subjects", intake_body(&a_id)).await;
    let sid = SubjectId::parse(s["id"].as_str().unwrap()).unwrap();
    a.sync().await;
    let mut form = ten_day_leave(sid);
    form.end_date = d("2027-01-04"); // 35 days
    let leave = a.core.submit_leave_request(form).unwrap();
    assert_eq!(leave.leave.authority, Authority::Higher);
    send_up(&mut a.core, leave.leave.id);
    a.sync().await;
    let id = leave.leave.id;

    let refused = |path: &'static str, body: Value| {
        let c = &c;
        async move {
            call(&c.url, "POST", &format!("/api/v1/county/leave-requests/{id}/{path}"), Some(&c.token), body).await
        }
    };
    let decision = json!({"approve": true, "note": "冀社矫〔2026〕8号", "decided_on": TODAY});
    let (status, v) = refused("decision", decision.clone()).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("上一级"), "{v}");
    let (status, v) = refused("higher-decision", decision.clone()).await;
    assert_eq!(status, 400, "not yet sent up: {v}");

    let pending = c.console("GET", "/leave-requests", Value::Null).await;
    assert_eq!(pending[0]["state"], "awaiting_county", "{pending}");
    c.console(
        "POST",
        &format!("/leave-requests/{id}/escalation"),
        json!({"note": "正社矫〔2026〕40号 报请市局审批", "escalated_on": TODAY}),
    )
    .await;
    a.sync().await;
    assert_eq!(a.core.leave_view(id).unwrap().state, LeaveState::AwaitingHigher);
    assert_eq!(c.console("GET", "/leave-requests", Value::Null).await[0]["state"], "awaiting_higher");
    c.console("POST", &format!("/leave-requests/{id}/higher-decision"), decision).await;
    a.sync().await;
    assert_eq!(a.core.leave_view(id).unwrap().state, LeaveState::Approved { by: Authority::Higher });
    assert_eq!(c.console("GET", "/leave-requests", Value::Null).await, json!([]));
}
