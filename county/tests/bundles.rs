//! USB file bundles (protocol §10) between a real office store and the real county server; the
//! office enrols over loopback once, then carries everything on signed files.

use jiaowu_app::domain::ids::SubjectId;
use jiaowu_app::domain::leave::{Authority, LeaveState};
use serde_json::json;

mod common;
use common::*;

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
    let leave = a.core.submit_leave_request(ten_day_leave(sid)).unwrap();
    send_up(&mut a.core, leave.leave.id);
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

/// Protocol §10: a 回执 answers one PC's 数据包. Imported on another PC of the same office, or
/// at another office, it is refused before anything is read: its answers are for that PC's seqs
/// and would mark this PC's unsent work as received.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_for_another_pc_or_office_is_refused() {
    let c = county().await;
    let (a_id, a_code) = c.office("城关镇司法所", false).await;
    let (_, a2_code) =
        (a_id.clone(), c.console("POST", &format!("/offices/{a_id}/enrolment-codes"), json!(null)).await);
    let (_, b_code) = c.office("北关镇司法所", false).await;
    let mut a = office(&c, "城关镇司法所", &a_code).await;
    let mut a2 = office(&c, "城关镇司法所", a2_code["code"].as_str().unwrap()).await;
    let mut b = office(&c, "北关镇司法所", &b_code).await;
    let s = c.console("POST", "/subjects", intake_body(&a_id)).await;
    let sid = SubjectId::parse(s["id"].as_str().unwrap()).unwrap();
    a.sync().await;
    a2.sync().await;
    a.core.record_visit(visit(sid)).unwrap();
    // The other PC's answer will answer its own seq 1.
    a2.core.record_visit(visit(sid)).unwrap();
    let waiting = a.core.sync_status().unwrap().waiting;
    assert!(waiting > 0);

    let usb = tempfile::tempdir().unwrap();
    let answer_for = |core: &mut jiaowu_app::Core, dir: &std::path::Path| -> std::path::PathBuf {
        let push = jiaowu_app::sync::export_bundle(core, dir).unwrap();
        let bytes = std::fs::read(&push).unwrap();
        let sig = std::fs::read_to_string(format!("{}.sig", push.display())).unwrap();
        let answer = c.server.import_push_bundle(&bytes, &sig).unwrap();
        let back = dir.join(format!("answer-{}", answer.name));
        std::fs::write(&back, &answer.bytes).unwrap();
        std::fs::write(format!("{}.sig", back.display()), &answer.signature).unwrap();
        back
    };
    for (who, other) in [("a2", answer_for(&mut a2.core, usb.path())), ("b", answer_for(&mut b.core, usb.path()))] {
        let e = jiaowu_app::sync::import_bundle(&mut a.core, &other).unwrap_err();
        assert_eq!(e.code(), "bundle.not_ours", "{who}: {}", e.message());
        assert_eq!(a.core.sync_status().unwrap().waiting, waiting, "{who}: nothing marked sent");
    }
    let own = answer_for(&mut a.core, usb.path());
    jiaowu_app::sync::import_bundle(&mut a.core, &own).unwrap();
    assert_eq!(a.core.sync_status().unwrap().waiting, 0);
}
