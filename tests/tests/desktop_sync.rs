//! The real app under Xvfb with a real county server on loopback (issue 4): the 负责人 enrols
//! the PC with the county's code, the office's 10-day leave goes up, the county approves it and
//! the app shows the decision; the link is cut and restored in between. Screenshots are kept in
//! target/e2e-artifacts/. Run with `scripts/e2e.sh`.

use std::net::SocketAddr;
use std::sync::Arc;

use jiaowu_acceptance::{app_binary, Driver, Ui};
use jiaowu_app::clock::FixedClock;
use jiaowu_app::domain::leave::LeaveReasonKind;
use jiaowu_app::leave::{LeaveForm, LeaveStep, LeaveStepInput};
use jiaowu_app::store::KdfParams;
use jiaowu_county::console::{LeaveDecision, NewOffice};
use jiaowu_county::{router, Server, SqliteStore, SystemClock};

const TODAY: &str = "2026-11-23";

/// Serves the county until the returned sender is fired (the link is cut).
async fn serve(server: Arc<Server>, addr: SocketAddr) -> tokio::sync::oneshot::Sender<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let app = router(server);
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
            .ok();
    });
    tx
}

#[tokio::test(flavor = "multi_thread")]
async fn the_office_enrols_and_receives_the_county_decision_through_the_app() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The county, on a fixed loopback port (it is restarted on the same address below).
    let store = Arc::new(SqliteStore::open(&dir.path().join("county.db")).expect("county db"));
    let county = Arc::new(Server::open(store, Arc::new(SystemClock), None, "正定县社区矫正管理局").expect("server"));
    let user = county.add_user("wang", "王科长", "county-pass-1").expect("user");
    let office = county
        .create_office(
            &NewOffice { name: "城关镇司法所".into(), division_code: "130123".into(), leave_delegated: true },
            "wang",
        )
        .expect("office");
    let code = county.issue_enrolment_code(office.id, "wang").expect("code").code;
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let addr = probe.local_addr().expect("addr");
    drop(probe);
    let mut cut = serve(county.clone(), addr).await;
    let url = format!("http://{addr}");

    // The office before it knew the county server: 李四 and a 10-day leave sent up with its opinion.
    let db = dir.path().join("office.db");
    let input = jiaowu_app::InitOfficeInput {
        office_name: "城关镇司法所".into(),
        county_name: "正定县社区矫正管理局".into(),
        division_code: "130123".into(),
        leave_delegated: true,
        rule_family: None,
        username: "zhang".into(),
        display_name: "张所长".into(),
        password: "correct-horse-1".into(),
    };
    let clock = Arc::new(FixedClock::on(TODAY.parse().expect("date")));
    let kdf = KdfParams { m_kib: 1024, t: 1, p: 1 };
    let (mut core, _) = jiaowu_app::init_office(&db, input, clock, kdf).expect("office");
    let subject: jiaowu_app::subjects::RegisterSubjectInput = serde_json::from_value(serde_json::json!({
        "name": "李四", "id_number": "130123198202020022", "residence_code": "130123", "residence_detail": "正定镇某村2号",
        "crime": "盗窃罪", "original_sentence": "有期徒刑一年，缓刑二年", "sentence_type": "probation",
        "term_start": "2026-01-10", "term_end": "2028-01-09", "reported_on": "2026-01-15", "class": "ordinary"
    }))
    .expect("subject");
    let s = core.register_subject(subject).expect("register").subject.id;
    let leave = core
        .submit_leave_request(LeaveForm {
            subject_id: s,
            start_date: "2026-12-01".parse().expect("date"),
            end_date: "2026-12-10".parse().expect("date"),
            applied_on: None,
            destination_code: "440106".into(),
            destination_detail: "广州市天河区某小区".into(),
            abroad: false,
            destination_contact: None,
            reason_kind: LeaveReasonKind::Family,
            reason_text: "处理父亲房产过户".into(),
            transport: None,
            urgent: false,
        })
        .expect("leave");
    core.record_leave_step(LeaveStepInput {
        leave_id: leave.leave.id,
        step: LeaveStep::OfficeOpinion { text: "情况属实，同意外出，报请县局审批".into() },
        on: None,
    })
    .expect("opinion");
    drop(core);

    let driver = Driver::start(4448, &[("JIAOWU_DB", db.to_str().expect("utf-8")), ("JIAOWU_TODAY", TODAY)]);
    let ui = Ui { c: driver.session(&app_binary()).await };
    ui.fill("#login-username", "zhang").await;
    ui.fill("#login-password", "correct-horse-1").await;
    ui.click("#login-submit").await;
    ui.wait_text("#sync-line", "未登记县级平台").await;

    // Enrolment: a wrong code is refused under its field; the right one, typed in lower case
    // without dashes, is accepted.
    ui.click("#nav-sync").await;
    ui.fill("#enrol-url", &url).await;
    ui.fill("#enrol-code", "2222-3333-4444").await;
    ui.click("#enrol-submit").await;
    ui.wait_text("#err-code", "登记码不正确").await;
    ui.shot("15-sync-enrol-refused").await;
    ui.fill("#enrol-code", &code.replace('-', "").to_lowercase()).await;
    ui.click("#enrol-submit").await;
    ui.wait_text("#sync-status", "正定县社区矫正管理局").await;

    // The link is cut: sync says so in Chinese and nothing is lost.
    let _ = cut.send(());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    ui.click("#sync-now").await;
    ui.wait_text("body", "连不上县级平台").await;
    ui.shot("16-sync-offline").await;
    let waiting: u32 = ui.text("#sync-waiting").await.trim().parse().expect("count");
    assert!(waiting > 0, "the office's records still wait");

    // Restored: everything goes up.
    cut = serve(county.clone(), addr).await;
    ui.click("#sync-now").await;
    ui.wait_text("#sync-result", "同步完成").await;
    ui.wait_text("#sync-waiting", "0").await;
    ui.shot("17-sync-done").await;
    let pending = county.pending_leaves().expect("pending");
    assert_eq!(pending.len(), 1, "the county sees the leave waiting: {pending:?}");

    // The county approves; the office sees the decision after its next sync.
    let decision =
        LeaveDecision {
            approve: true, note: "正社矫外〔2026〕31号".into(), decided_on: TODAY.parse().expect("date")
        };
    county.decide_leave(leave.leave.id.0, &decision, &user).expect("decide");
    ui.click("#sync-now").await;
    ui.wait_text("#sync-result", "接收 1 条").await;
    ui.click("#nav-leaves").await;
    let list = ui.wait_text("#leave-list", "已批准").await;
    assert!(list.contains("李四"), "{list}");
    ui.shot("18-leave-approved-by-county").await;
    let _ = cut.send(());
    ui.c.close().await.ok();
}
