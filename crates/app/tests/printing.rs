//! Printing from a real store (issue 5): every form of a demo office renders and reads back with
//! its fields; the dossier's 卷内目录 matches its pages; a 外出证明's QR verifies against the
//! office's own record and an altered one does not; minors' dossiers are restricted
//! (社区矫正法 Art 54); ledger cells equal the store's statistics; every print is audited.

use std::collections::HashMap;

use chrono::Datelike;
use std::process::Command;
use std::sync::Arc;

use jiaowu_app::clock::FixedClock;
use jiaowu_app::demo::DemoSpec;
use jiaowu_app::domain::ids::RecordId;
use jiaowu_app::leave::{LeaveStep, LeaveStepInput};
use jiaowu_app::printing::{DossierRequest, FormKind, FormRequest, LedgerRequest};
use jiaowu_app::store::{KdfParams, Store};
use jiaowu_app::{init_office, Core, InitOfficeInput};

fn demo() -> (tempfile::TempDir, Core) {
    let dir = tempfile::tempdir().unwrap();
    let input = InitOfficeInput {
        office_name: "城关镇司法所".into(),
        county_name: "某县社区矫正管理局".into(),
        division_code: "130123".into(),
        leave_delegated: true,
        rule_family: None,
        username: "zhang".into(),
        display_name: "张所长".into(),
        password: "correct-horse-1".into(),
    };
    let today = "2026-11-23".parse().unwrap();
    let (mut core, _) = init_office(
        &dir.path().join("o.db"),
        input,
        Arc::new(FixedClock::on(today)),
        KdfParams { m_kib: 1024, t: 1, p: 1 },
    )
    .unwrap();
    core.seed_demo(&DemoSpec { seed: 7, subjects: 12, years: 1 }).unwrap();
    (dir, core)
}

fn text_of(pdf: &[u8]) -> Vec<String> {
    pages_of(pdf, "-layout")
}

/// Each page's text in the order it was drawn, whitespace dropped: the diagonal watermark
/// reads as one run this way (-layout scatters its rotated characters among the rows).
fn raw_text_of(pdf: &[u8]) -> Vec<String> {
    pages_of(pdf, "-raw")
}

fn pages_of(pdf: &[u8], mode: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args([mode, "-enc", "UTF-8"])
        .arg(&p)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
        .collect()
}

/// A leave to 广州市天河区 for `subject`: `(start, end, applied on)`, `(reason kind, reason)`.
fn leave_form(
    subject: jiaowu_app::domain::ids::SubjectId,
    (start, end, applied): (&str, &str, &str),
    (kind, reason): (&str, &str),
) -> jiaowu_app::leave::LeaveForm {
    serde_json::from_value(serde_json::json!({
        "subject_id": subject, "start_date": start, "end_date": end, "applied_on": applied,
        "destination_code": "440106", "destination_detail": "广州市天河区", "abroad": false,
        "reason_kind": kind, "reason_text": reason, "urgent": false
    }))
    .unwrap()
}

fn keep(name: &str, pdf: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/document-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    assert!(Command::new("pdftoppm")
        .args(["-r", "70", "-png", "-f", "1", "-l", "2"])
        .arg(&path)
        .arg(dir.join(name))
        .status()
        .unwrap()
        .success());
}

/// A second connection to the office's file, as the clerk's own password opens it: the test
/// reads what the app wrote without the app offering test-only doors.
fn reader(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("o.db"), "zhang", "correct-horse-1", chrono::Utc::now()).unwrap().0
}

fn audits(store: &Store, action: &str) -> i64 {
    store.conn().query_row("SELECT count(*) FROM audit_log WHERE action = ?1", [action], |r| r.get(0)).unwrap()
}

/// One record id per form kind that has a record in the demo office (each gets printed).
fn printable_ids(core: &Core, store: &Store) -> HashMap<String, RecordId> {
    use jiaowu_app::domain::leave::{LeaveEventKind, LeaveState};
    use jiaowu_app::store::{Assessment, Record, Sanction, ServiceActivity, StudySession, Talk, Visit};
    fn first<R: Record>(store: &Store) -> Option<RecordId> {
        store.all_records::<R>().unwrap().first().map(|r| r.id())
    }
    let leaves = core.list_leaves(None).unwrap();
    let approved = leaves
        .iter()
        .find(|l| matches!(l.state, LeaveState::Approved { .. }) || l.events.iter().any(|e| e.approve == Some(true)));
    let returned = leaves.iter().find(|l| l.events.iter().any(|e| e.kind == LeaveEventKind::Return));
    let session = first::<StudySession>(store);
    [
        (FormKind::LeaveApproval, leaves.first().map(|l| l.leave.id)),
        (FormKind::LeaveCertificate, approved.map(|l| l.leave.id)),
        (FormKind::LeaveReturn, returned.map(|l| l.leave.id)),
        (FormKind::Visit, first::<Visit>(store)),
        (FormKind::Talk, first::<Talk>(store)),
        (FormKind::StudySignIn, session),
        (FormKind::StudyRecord, session),
        (FormKind::ServiceRecord, first::<ServiceActivity>(store)),
        (FormKind::SanctionApproval, first::<Sanction>(store)),
        (FormKind::MonthlyAssessment, first::<Assessment>(store)),
    ]
    .into_iter()
    .filter_map(|(k, id)| id.map(|id| (k.name(), id)))
    .collect()
}

#[test]
fn every_form_prints_from_the_demo_office_and_reads_back() {
    let (dir, mut core) = demo();
    let store = reader(&dir);
    let subjects = core.list_subjects("").unwrap();
    let adult = subjects.iter().find(|s| !s.is_minor_case).unwrap();
    let ids = printable_ids(&core, &store);
    let mut printed = 0;
    for kind in FormKind::ALL {
        let id = match kind {
            FormKind::BasicInfo => RecordId::parse(&adult.id.to_string()).unwrap(),
            other => match ids.get(&other.name()) {
                Some(id) => *id,
                None => panic!("the demo office has no record for {}", other.name()),
            },
        };
        let before = audits(&store, "print_form");
        let p = core
            .print_form(FormRequest { kind, id, preview: kind == FormKind::Visit })
            .unwrap_or_else(|e| panic!("{}: {}", kind.name(), e.message()));
        assert_eq!(audits(&store, "print_form"), before + 1, "{} is audited", kind.name());
        keep(&format!("form-{}", kind.name()), &p.pdf);
        // Page images only when the desktop asks for a preview.
        assert_eq!(p.previews.len(), usize::from(kind == FormKind::Visit), "{}", kind.name());
        let text = text_of(&p.pdf).join("");
        let title: String = p.title.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&title), "{}: title {title} not in\n{text}", kind.name());
        assert!(text.contains("城关镇司法所"), "{}: the office", kind.name());
        // Choices print as the app shows them, never as their codes.
        for code in ["in_person", "phone", "video", "written", "present", "absent_"] {
            assert!(!text.contains(code), "{}: the code {code} is printed:\n{text}", kind.name());
        }
        printed += 1;
    }
    assert_eq!(printed, 11);
    // A print's file name says whose it is, except a minor's (社区矫正法 Art 54: initials).
    let adult_form = core
        .print_form(FormRequest {
            kind: FormKind::BasicInfo,
            id: RecordId::parse(&adult.id.to_string()).unwrap(),
            preview: false,
        })
        .unwrap();
    assert!(adult_form.file_name.starts_with(&format!("{}-", adult.name)), "{}", adult_form.file_name);
    let minor = subjects.iter().find(|s| s.is_minor_case).expect("the demo office has a minor");
    let minor_form = core
        .print_form(FormRequest {
            kind: FormKind::BasicInfo,
            id: RecordId::parse(&minor.id.to_string()).unwrap(),
            preview: false,
        })
        .unwrap();
    assert!(!minor_form.file_name.contains(&minor.name), "{}", minor_form.file_name);
    // …and the form says on its face that it is confidential; an adult's does not.
    assert!(text_of(&minor_form.pdf).join("").contains("严格保密"));
    assert!(!text_of(&adult_form.pdf).join("").contains("严格保密"));
}

#[test]
fn a_leave_certificate_verifies_against_the_store_and_an_altered_one_does_not() {
    let (dir, mut core) = demo();
    let id = printable_ids(&core, &reader(&dir))["leave_certificate"];
    let leave = core.leave_view(id).unwrap().leave;
    let qr = jiaowu_app::printing::verify_leave_certificate_text(&leave);
    let ok = core.verify_leave_certificate(&qr).unwrap();
    assert!(ok.genuine, "{}", ok.message);
    // The end date pushed a week later, as a forger would.
    let later = (leave.end_date + chrono::Duration::days(7)).format("%Y%m%d").to_string();
    let forged = qr.replace(&leave.end_date.format("%Y%m%d").to_string(), &later);
    let bad = core.verify_leave_certificate(&forged).unwrap();
    assert!(!bad.genuine && bad.message.contains("不一致"), "{}", bad.message);
    assert!(!core.verify_leave_certificate("https://example.com").unwrap().genuine);
    // No certificate for a leave nobody approved (实施办法 Art 27).
    let someone = core
        .list_subjects("")
        .unwrap()
        .into_iter()
        .find(|s| s.status_label == "在矫")
        .expect("a subject in correction");
    let form = leave_form(someone.id, ("2026-12-20", "2026-12-24", "2026-11-23"), ("medical", "复查"));
    let pending = core.submit_leave_request(form).unwrap();
    let e = core
        .print_form(FormRequest { kind: FormKind::LeaveCertificate, id: pending.leave.id, preview: false })
        .unwrap_err();
    assert_eq!(e.code(), "print.leave_not_approved", "{}", e.message());

    // A withdrawn application keeps its 审批表, marked so that nobody reads it as a leave granted.
    let cancel = LeaveStep::Cancel { reason: "家属已出院，不再外出".into() };
    core.record_leave_step(LeaveStepInput { leave_id: pending.leave.id, step: cancel, on: None }).unwrap();
    let p =
        core.print_form(FormRequest { kind: FormKind::LeaveApproval, id: pending.leave.id, preview: false }).unwrap();
    let text = text_of(&p.pdf).join("");
    assert!(text.contains("撤回") && text.contains("家属已出院"), "{text}");
    assert!(p.file_name.starts_with(&someone.name), "{}", p.file_name);

    // domain.md §18: the certificate names the reason as written, the destination and the duty
    // to report while away.
    let p = core.print_form(FormRequest { kind: FormKind::LeaveCertificate, id, preview: false }).unwrap();
    let text: String = text_of(&p.pdf).join("").chars().filter(|c| !c.is_whitespace()).collect();
    let reason: String = leave.reason_text.chars().filter(|c| !c.is_whitespace()).collect();
    let place: String = leave.destination_detail.chars().filter(|c| !c.is_whitespace()).take(6).collect();
    assert!(text.contains(&reason) && text.contains(&place), "{reason} / {place} not in {text}");
    assert!(text.contains("电话或视频"), "{text}");

    // A leave the county decided prints the county's document number once, after 编号.
    let form = leave_form(someone.id, ("2027-01-04", "2027-01-15", "2026-11-23"), ("medical", "住院治疗"));
    let long = core.submit_leave_request(form).unwrap().leave.id;
    for step in [
        LeaveStep::OfficeOpinion { text: "情况属实，建议批准".into() },
        LeaveStep::CountyDecide { approve: true, reason: "同意".into(), doc_no: "某司矫〔2026〕8号".into() },
    ] {
        core.record_leave_step(LeaveStepInput { leave_id: long, step, on: None }).unwrap();
    }
    let p = core.print_form(FormRequest { kind: FormKind::LeaveCertificate, id: long, preview: false }).unwrap();
    let text: String = text_of(&p.pdf).join("").chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("编号：某司矫〔2026〕8号"), "{text}");
    assert!(!text.contains("编号：文号"), "the number once: {text}");
}

#[test]
fn the_dossier_lists_each_document_on_its_real_page_and_minors_are_restricted() {
    let (dir, mut core) = demo();
    let subjects = core.list_subjects("").unwrap();
    let adult = subjects.iter().find(|s| !s.is_minor_case).unwrap();
    let p = core
        .print_dossier(DossierRequest { subject_id: adult.id, order: None, purpose: None, preview: false })
        .unwrap();
    keep("dossier-demo", &p.pdf);
    assert!(p.file_name.starts_with(&format!("{}-社区矫正工作档案-", adult.name)), "{}", p.file_name);
    let pages = text_of(&p.pdf);
    assert!(pages[0].contains("社区矫正工作档案") && pages[0].contains(&adult.name));
    // Every page carries who printed it and when (domain.md §19), the documents' pages too
    // (they are typeset apart from the frame that stamps them).
    let watermark = "城关镇司法所张所长2026年11月23日";
    let raw = raw_text_of(&p.pdf);
    assert_eq!(raw.len(), pages.len());
    for (i, page) in raw.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
        assert!(page.contains(watermark) && page.contains("打印"), "page {}: {page}", i + 1);
    }
    // The documents' pages are stamped 1, 2, 3… in order, from the first document's page to the
    // page before the 备考表 (crates/documents/tests/render.rs checks the 目录 against them).
    let start = pages.iter().position(|t| t.contains("填表单位")).expect("a document page");
    let end = pages.iter().rposition(|t| t.contains("备考表")).expect("the 备考表");
    assert!(end - start >= 3, "a year of records makes documents");
    for (k, t) in pages[start..end].iter().enumerate() {
        // text_of drops whitespace: the number runs into the title, which never starts with a digit.
        let stamp: String = t.chars().take_while(char::is_ascii_digit).collect();
        assert_eq!(stamp, (k + 1).to_string(), "document page {}: {t}", k + 1);
    }
    // A record without a form of its own shows who entered it and when, by name, and none of
    // its bookkeeping fields (ids, timestamps) as unlabelled rows.
    let all = pages.join("\n");
    // Group records (study, public welfare) name only this subject: the others who took part
    // are not in this file's business (社区矫正法 Art 4, Art 54 for minors).
    assert!(all.contains("公益活动记录"), "the file has a public-welfare record (which lists its participants)");
    for other in subjects.iter().filter(|o| o.id != adult.id && o.name.chars().count() >= 3) {
        assert!(!all.contains(&other.name), "{} appears in {}'s dossier", other.name, adult.name);
    }
    assert!(all.contains("登记人") && all.contains("登记时间"), "generic records carry their 登记 row");
    assert!(!all.contains("该项"), "a field without a printed label leaked into the dossier");
    // 期满解除矫正 is filed under 解除矫正, the last section, not with the intake's 报到
    // (domain.md §19): in the 目录 it follows every 走访 and 报告 row.
    let released = subjects.iter().find(|s| s.status_label == "已解除矫正").expect("the demo has a released subject");
    let p = core
        .print_dossier(DossierRequest { subject_id: released.id, order: None, purpose: None, preview: false })
        .unwrap();
    let pages = text_of(&p.pdf);
    let first_doc = pages.iter().position(|t| t.contains("填表单位")).unwrap();
    let toc = pages[1..first_doc].join("");
    let release = toc.find("期满解除矫正").expect("a release event in the 目录");
    assert!(toc.rfind("报告记录").is_none_or(|r| r < release), "{toc}");
    // …with the number of the certificate it rests on in the 文号 column.
    let events = reader(&dir).records_of::<jiaowu_app::store::SubjectEvent>(released.id).unwrap();
    let number = events.iter().rev().find_map(|e| e.doc_no.clone()).expect("the release has a number");
    let raw_toc = raw_text_of(&p.pdf)[1..first_doc].join("");
    assert!(raw_toc.contains(&format!("{number}城关镇司法所期满解除矫正")), "{number} in {raw_toc}");
    if let Some(minor) = subjects.iter().find(|s| s.is_minor_case) {
        let e = core
            .print_dossier(DossierRequest { subject_id: minor.id, order: None, purpose: None, preview: false })
            .unwrap_err();
        assert_eq!(e.code(), "print.minor_purpose", "{}", e.message());
        let p = core
            .print_dossier(DossierRequest {
                subject_id: minor.id,
                order: None,
                purpose: Some("检察院巡回检察调阅".into()),
                preview: false,
            })
            .unwrap();
        let cover = &text_of(&p.pdf)[0];
        assert!(cover.contains("未成年人案件"), "{cover}");
        assert!(!p.file_name.contains(&minor.name), "a minor's name stays off the file: {}", p.file_name);
    }
}

/// Issue 5's hand check: the demo's showcase subject has a record of every kind a 缓刑 case can
/// have (all but the 暂予监外执行 medical reports), and each kind reaches his dossier, filed in
/// its section (domain.md §19) — the search for him when he was lost with the intake's team
/// before it, the refused change of place with the leave approvals, and so on.
#[test]
fn the_showcase_dossier_files_every_kind_of_record_in_its_section() {
    use jiaowu_app::records::RecordKind as K;
    use jiaowu_app::store::*;
    let (dir, mut core) = demo();
    let store = reader(&dir);
    let showcase = core
        .list_subjects("")
        .unwrap()
        .into_iter()
        .find(|s| s.name == jiaowu_app::demo::SHOWCASE_NAME)
        .expect("an office of 12 has the showcase subject");
    let sid = showcase.id;
    macro_rules! count {
        ($t:ty) => {
            store.records_of::<$t>(sid).unwrap().len()
        };
    }
    let counts = [
        (K::Visit, count!(Visit)),
        (K::Report, count!(Report)),
        (K::ItCheck, count!(ItCheck)),
        (K::Talk, count!(Talk)),
        (K::MedicalReport, count!(MedicalReport)),
        (K::TeamMember, count!(TeamMember)),
        (K::CorrectionPlan, count!(CorrectionPlan)),
        (K::Assessment, count!(Assessment)),
        (K::ReleaseStep, count!(ReleaseStep)),
        (K::LedgerEntry, count!(LedgerEntry)),
        (K::Counselling, count!(Counselling)),
        (K::Help, count!(HelpRecord)),
        (K::Sanction, count!(Sanction)),
        (K::ClassChange, count!(ClassChange)),
        (K::PlaceChange, count!(PlaceChange)),
        (K::TravelPermit, count!(TravelPermit)),
        (K::TravelTrip, count!(TravelTrip)),
        (K::LostContactEpisode, count!(LostContactEpisode)),
        (K::LostContactStep, count!(LostContactStep)),
        (K::Hazard, count!(Hazard)),
        (K::SubjectEvent, count!(SubjectEvent)),
    ];
    assert_eq!(counts.len(), K::ALL.len(), "every kind of record is counted");
    for (kind, n) in counts {
        // 实施办法 Art 24's medical reports are for 暂予监外执行 only.
        assert_eq!(n > 0, kind != K::MedicalReport, "{kind:?}: {n} records");
    }
    assert!(!store.records_of::<StudyAttendance>(sid).unwrap().is_empty());
    assert!(!store.records_of::<ServiceParticipation>(sid).unwrap().is_empty());
    assert!(!core.list_leaves(Some(sid)).unwrap().is_empty());

    // His file is complete: every proposal and application has its decision (实施办法 Arts 21,
    // 29, 30, 35) …
    let gaps = core.dossier_gaps(sid).unwrap();
    assert!(gaps.is_empty(), "{gaps:?}");
    let p = core.print_dossier(DossierRequest { subject_id: sid, order: None, purpose: None, preview: false }).unwrap();
    keep("dossier-showcase", &p.pdf);
    let pages = text_of(&p.pdf);
    let first_doc = pages.iter().position(|t| t.contains("填表单位")).unwrap();
    let toc = pages[1..first_doc].join("");
    // Titles by section, in the sections' default order (chronological within each): every
    // title of a section comes after all of the section before it, so a kind filed in the
    // wrong section is caught.
    let sections: [&[&str]; 8] = [
        &["社区矫正对象基本信息表", "矫正小组成员名单", "风险隐患排查记录", "分类管理审批表"],
        &["报告记录"],
        &["走访（实地查访）记录", "失联查找记录"],
        &["对象外出审批表", "经营性外出审批表", "变更执行地申请"],
        &["账本式教育记录"],
        &["帮扶记录", "辅导记录"],
        &["训诫审批表"],
        &["个人总结"],
    ];
    let mut floor = 0;
    for titles in sections {
        let found: Vec<usize> = titles
            .iter()
            .map(|t| floor + toc[floor..].find(t).unwrap_or_else(|| panic!("{t} not after {floor} in the 目录: {toc}")))
            .collect();
        floor = found.into_iter().max().unwrap();
    }
    let all = pages.join("");
    // The steps of the search and the trips on the permit print with their parent record.
    assert!(all.contains("通报公安机关") && all.contains("已找回"), "the search's steps");
    assert!(all.contains("返回日期") && all.contains("报告方式"), "the trips on the permit");
    // Decisions print on what they decide: the county refused the change of place.
    assert!(all.contains("县级社区矫正机构意见") && all.contains("不同意。"), "the refusal");
    assert!(all.contains("防控措施") && !all.contains("该项"), "every field named");
    // A record's fields print in the order the record keeps them: a change of place's reason
    // before the office's opinion on it.
    let place = pages.iter().find(|t| t.contains("变更执行地申请") && t.contains("填表单位")).unwrap();
    assert!(place.find("理由").unwrap() < place.find("司法所意见").unwrap(), "{place}");
    // His extended leave: the 审批表 records the extension and its decision, the 销假记录 the
    // period as extended, and the 目录 dates the 销假记录 by the day he reported back
    // (实施办法 Art 28).
    let leave = core.list_leaves(Some(sid)).unwrap().into_iter().find(|l| l.events.iter().any(|e| e.new_end.is_some()));
    let leave = leave.expect("the showcase's leave was extended");
    let new_end = leave.events.iter().find_map(|e| e.new_end).unwrap();
    let cn = |d: chrono::NaiveDate| format!("{}年{}月{}日", d.year(), d.month(), d.day());
    assert!(all.contains(&format!("申请延期至{}", cn(new_end))), "the extension on the 审批表");
    let reason = leave.events.iter().find(|e| e.new_end.is_some()).and_then(|e| e.note.clone()).unwrap_or_default();
    let raw = raw_text_of(&p.pdf).join("");
    assert!(!reason.is_empty() && raw.contains(&format!("理由：{reason}")), "the extension's reason is kept: {reason}");
    assert!(all.contains(&format!("经批准延期至{}", cn(new_end))), "the 销假记录's period");
    let back = leave.events.iter().find(|e| e.new_end.is_none() && e.method.is_some()).map(|e| e.event_date);
    let back = back.expect("returned").format("%Y-%m-%d").to_string();
    assert!(toc.contains(&format!("社区矫正对象外出销假记录{back}")), "销假 dated {back} in {toc}");
    // The 目录 carries the number of the decision that answered a document.
    let sanction = store.records_of::<Sanction>(sid).unwrap().remove(0);
    let decision = store.records_of::<Decision>(sid).unwrap().into_iter().find(|d| d.target_id == sanction.id);
    let number = decision.and_then(|d| d.doc_no).expect("the 训诫 was decided with a number");
    // (A long number wraps in its narrow column: read the cells in the order they were drawn.)
    let raw_toc = raw_text_of(&p.pdf)[1..first_doc].join("");
    assert!(raw_toc.contains(&format!("{number}城关镇司法所社区矫正对象训诫审批表")), "{number} in {raw_toc}");
    // A study record in his file says what the session was for him.
    assert!(all.contains(&format!("姓名{}出勤情况出席", showcase.name)), "his attendance on the study records");
    // … until a class change is proposed and not yet decided by the county.
    core.propose_class_change(ClassChangeInput {
        subject_id: sid,
        old_class: jiaowu_app::domain::SupervisionClass::Ordinary,
        new_class: jiaowu_app::domain::SupervisionClass::Lenient,
        reason: "表现良好，建议调整为宽管".into(),
        proposed_on: "2026-11-20".parse().unwrap(),
        office_opinion: None,
    })
    .unwrap();
    let gaps = core.dossier_gaps(sid).unwrap();
    assert!(gaps.iter().any(|g| g.message.contains("分类管理审批表") && g.message.contains("县级决定")), "{gaps:?}");
}

#[test]
fn ledger_cells_equal_the_statistics_of_the_store() {
    let (_d, mut core) = demo();
    let (from, to) = ("2026-01-01".parse().unwrap(), "2026-11-23".parse().unwrap());
    let bytes = core.export_ledgers(LedgerRequest { from, to }).unwrap();
    let stats = core.office_statistics(jiaowu_app::statistics::StatisticsQuery { from, to }).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("统计").unwrap();
    let cells: Vec<(String, f64)> = sheet
        .rows()
        .skip(2)
        .map(|r| {
            (
                r[1].to_string(),
                match r[2] {
                    calamine::Data::Float(f) => f,
                    calamine::Data::Int(i) => i as f64,
                    _ => f64::NAN,
                },
            )
        })
        .collect();
    let mut compared = 0;
    let cell = |label: &str| cells.iter().find(|(l, _)| l == label).unwrap_or_else(|| panic!("{label} missing")).1;
    use jiaowu_app::statistics::Figure;
    let mut hours = 0;
    for sec in &stats.sections {
        for row in &sec.rows {
            match row.figure {
                // A row of acts ("12 人次 / 5 人") is two numbers in the sheet.
                Figure::Acts { events, subjects } => {
                    assert_eq!(cell(&format!("{}（人次）", row.label)), f64::from(events), "{}", row.label);
                    assert_eq!(cell(&format!("{}（人）", row.label)), f64::from(subjects), "{}", row.label);
                }
                Figure::Count(n) => {
                    assert_eq!(cell(&row.label), n as f64, "{}", row.label);
                    assert_eq!(row.value, n.to_string(), "the screen shows the same count");
                }
                // Exact in the sheet (its detail rows sum to it); to 0.1 h on the screen.
                Figure::Minutes(m) => {
                    assert_eq!(cell(&row.label), m as f64 / 60.0, "{}", row.label);
                    let shown: f64 = row.value.parse().unwrap();
                    assert!((shown - m as f64 / 60.0).abs() <= 0.05, "{} shows {}", row.label, row.value);
                    hours += 1;
                }
            }
            compared += 1;
        }
    }
    assert_eq!(hours, 2, "study and public-welfare hours");
    // Every figure is a number the sheet can sum, not text.
    for r in sheet.rows().skip(2) {
        assert!(matches!(r[2], calamine::Data::Float(_) | calamine::Data::Int(_)), "{:?} is not a number", r);
    }
    assert!(compared > 20, "{compared}");
    let visits = book.worksheet_range("走访").unwrap().rows().count() - 2;
    assert_eq!(visits as u64, stats.ledger.work.visits as u64, "one ledger row per visit in the period");
}

/// A 月度考核表 prints the class the subject was under in the month assessed, not today's
/// (the county classifies and reclassifies: 实施办法 Art 21, 社区矫正法 Art 24).
#[test]
fn an_assessment_before_a_class_change_prints_the_class_of_its_month() {
    use jiaowu_app::store::{Assessment, ClassChange, Decision, DecisionTarget};
    let (dir, mut core) = demo();
    let store = reader(&dir);
    let decisions = store.all_records::<Decision>().unwrap();
    let label = |c| match serde_json::to_value(c).unwrap().as_str().unwrap() {
        "strict" => "严管",
        "ordinary" => "普管",
        _ => "宽管",
    };
    let mut checked = 0;
    for change in store.all_records::<ClassChange>().unwrap() {
        let Some(d) = decisions
            .iter()
            .find(|d| d.target_table == DecisionTarget::ClassChanges && d.target_id == change.id && d.approve)
        else {
            continue;
        };
        let before = store
            .records_of::<Assessment>(change.subject_id)
            .unwrap()
            .into_iter()
            .filter(|a| a.period_end < change.proposed_on.min(d.decision_date))
            .max_by_key(|a| a.period_end);
        let Some(a) = before else { continue };
        // Only where today's class differs from the one then: otherwise today's would pass.
        let now = core.list_subjects("").unwrap().into_iter().find(|s| s.id == change.subject_id).unwrap().class;
        if now == change.old_class {
            continue;
        }
        let p = core.print_form(FormRequest { kind: FormKind::MonthlyAssessment, id: a.id, preview: false }).unwrap();
        let text = text_of(&p.pdf).join("");
        assert!(text.contains(&format!("管理等级{}", label(change.old_class))), "{text}");
        checked += 1;
    }
    assert!(checked > 0, "the demo has an assessment before a class change");
}

/// A leave extended and then closed within the extension is not overdue, and its 销假记录 says
/// when it was due back with the extension (实施办法 Art 28).
#[test]
fn a_return_within_an_approved_extension_is_on_time() {
    use jiaowu_app::domain::leave::Authority;
    use jiaowu_app::domain::ReportMethod;
    let (_d, mut core) = demo();
    let someone = core.list_subjects("").unwrap().into_iter().find(|s| s.status_label == "在矫").unwrap();
    let form = leave_form(someone.id, ("2026-11-06", "2026-11-08", "2026-11-02"), ("family", "探亲"));
    let id = core.submit_leave_request(form).unwrap().leave.id;
    let day = |d: &str| Some(d.parse().unwrap());
    for (step, on) in [
        (LeaveStep::OfficeDecide { approve: true, reason: String::new() }, day("2026-11-03")),
        (LeaveStep::IssueCertificate, day("2026-11-04")),
        (LeaveStep::Depart { date: "2026-11-06".parse().unwrap() }, day("2026-11-06")),
        (
            LeaveStep::RequestExtension { new_end: "2026-11-10".parse().unwrap(), reason: "亲属病重".into() },
            day("2026-11-08"),
        ),
        (LeaveStep::DecideExtension { approve: true, by: Authority::Office, doc_no: None }, day("2026-11-08")),
        (
            LeaveStep::Return {
                date: "2026-11-10".parse().unwrap(),
                method: ReportMethod::InPerson,
                summary: "按期返回".into(),
            },
            day("2026-11-10"),
        ),
    ] {
        core.record_leave_step(LeaveStepInput { leave_id: id, step, on }).unwrap_or_else(|e| panic!("{}", e.message()));
    }
    let p = core.print_form(FormRequest { kind: FormKind::LeaveReturn, id, preview: false }).unwrap();
    let text = text_of(&p.pdf).join("");
    assert!(text.contains("应返回日期2026年11月10日") && text.contains("逾期天数无"), "{text}");
}
