//! Use cases against a real encrypted store in a temporary directory, with a fixed clock.
//! Each refusal test checks the Chinese message names the field and that nothing was written.

use std::sync::Arc;

use chrono::NaiveDate;
use jiaowu_app::clock::FixedClock;
use jiaowu_app::domain::ids::{RecordId, SubjectId};
use jiaowu_app::domain::leave::{Authority, LeaveReasonKind, LeaveState};
use jiaowu_app::domain::obligations::{ObligationKind, ObligationStatus};
use jiaowu_app::domain::ReportMethod;
use jiaowu_app::leave::{LeaveForm, LeaveStep, LeaveStepInput};
use jiaowu_app::obligations::ObligationsQuery;
use jiaowu_app::sessions::{AttendanceLine, StudySessionForm};
use jiaowu_app::store::*;
use jiaowu_app::subjects::RegisterSubjectInput;
use jiaowu_app::*;

const TODAY: &str = "2026-11-23";

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn cheap() -> KdfParams {
    KdfParams { m_kib: 1024, t: 1, p: 1 }
}

struct T {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    core: Core,
}

fn office(delegated: bool) -> T {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.db");
    let input = InitOfficeInput {
        office_name: "城关镇司法所".into(),
        county_name: "某县社区矫正管理局".into(),
        division_code: "130123".into(),
        leave_delegated: delegated,
        rule_family: None,
        username: "zhang".into(),
        display_name: "张所长".into(),
        password: "correct-horse-1".into(),
    };
    let (core, view) = init_office(&path, input, Arc::new(FixedClock::on(d(TODAY))), cheap()).unwrap();
    assert_eq!(view.recovery_key.len(), 79, "16 groups of 4 hex digits");
    T { _dir: dir, path, core }
}

fn id18(first17: &str) -> String {
    format!("{first17}{}", jiaowu_app::domain::id_number::check_digit(first17).unwrap())
}

fn person(name: &str, id17: &str) -> RegisterSubjectInput {
    serde_json::from_value(serde_json::json!({
        "name": name,
        "id_number": id18(id17),
        "phone": "13800138000",
        "residence_code": "130123",
        "residence_detail": "正定镇某村1号",
        "crime": "盗窃罪",
        "original_sentence": "有期徒刑一年，缓刑二年",
        "sentence_type": "probation",
        "term_start": "2026-01-10",
        "term_end": "2028-01-09",
        "judgment_effective": "2026-01-10",
        "reported_on": "2026-01-15",
        "class": "ordinary"
    }))
    .unwrap()
}

fn ops(t: &T) -> i64 {
    t.core.pending_ops_for_tests()
}

fn leave(subject: SubjectId, start: &str, end: &str) -> LeaveForm {
    LeaveForm {
        subject_id: subject,
        start_date: d(start),
        end_date: d(end),
        applied_on: Some(d(TODAY)),
        destination_code: "440106".into(),
        destination_detail: "广州市天河区某医院".into(),
        abroad: false,
        destination_contact: None,
        reason_kind: LeaveReasonKind::Medical,
        reason_text: "陪同母亲就医".into(),
        transport: None,
        urgent: false,
    }
}

fn step(t: &mut T, leave: RecordId, s: LeaveStep) -> Result<jiaowu_app::leave::LeaveView, AppError> {
    t.core.record_leave_step(LeaveStepInput { leave_id: leave, step: s, on: None })
}

#[test]
fn an_invalid_check_digit_is_refused_with_the_field_and_rule_and_nothing_is_written() {
    let mut t = office(true);
    let before = ops(&t);
    let mut p = person("张三", "13012319800101001");
    p.id_number.pop();
    p.id_number.push(if p.id_number.ends_with('0') { '1' } else { '0' });
    // Make sure the last char is really wrong.
    let e = t.core.register_subject(p).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!(e.field(), Some("id_number"));
    assert!(e.message().contains("公民身份号码") && e.message().contains("校验码"), "{}", e.message());
    assert_eq!(ops(&t), before);
}

#[test]
fn an_impossible_birth_date_is_refused() {
    let mut t = office(true);
    let e = t.core.register_subject(person("李四", "13012319800230001")).unwrap_err();
    assert_eq!(e.code(), "id_number.birth_date");
    assert!(e.message().contains("19800230"));
}

#[test]
fn full_width_digits_and_lower_x_are_normalised_and_ext_b_names_kept() {
    let mut t = office(true);
    // 11010519491231002X written with full-width digits and a lowercase x.
    let mut p = person("𠀀𪚥王", "13012319800101001");
    p.id_number = "１１０１０５１９４９１２３１００２x".into();
    let s = t.core.register_subject(p).unwrap();
    assert_eq!(s.subject.id_number, "11010519491231002X");
    assert_eq!(s.subject.name.as_bytes(), "𠀀𪚥王".as_bytes());
    assert_eq!(s.summary.id_number_masked, "110105********002X");
}

#[test]
fn a_term_ending_before_it_starts_is_refused() {
    let mut t = office(true);
    let mut p = person("赵五", "13012319800101001");
    p.term_end = d("2025-01-01");
    let e = t.core.register_subject(p).unwrap_err();
    assert_eq!(e.field(), Some("term_end"));
}

#[test]
fn leave_dates_reversed_beyond_term_or_overlapping_are_refused() {
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let before = ops(&t);
    // Reversed (实施办法 Art 27 form: 自…至…).
    let e = t.core.submit_leave_request(leave(s, "2026-12-05", "2026-12-01")).unwrap_err();
    assert_eq!(e.code(), "leave.end_before_start");
    assert!(e.message().contains("外出结束日期"), "{}", e.message());
    // Beyond the term (社区矫正法 Art 27: leave exists only within the term).
    let e = t.core.submit_leave_request(leave(s, "2028-01-05", "2028-01-12")).unwrap_err();
    assert_eq!(e.code(), "leave.outside_term");
    assert_eq!(ops(&t), before);
    // Overlapping an active leave.
    t.core.submit_leave_request(leave(s, "2026-12-01", "2026-12-05")).unwrap();
    let e = t.core.submit_leave_request(leave(s, "2026-12-04", "2026-12-06")).unwrap_err();
    assert_eq!(e.code(), "leave.overlap");
}

#[test]
fn destinations_abroad_or_inside_the_same_county_are_refused() {
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let mut f = leave(s, "2026-12-01", "2026-12-03");
    f.destination_code = "810000".into();
    assert_eq!(t.core.assess_leave(f.clone()).unwrap_err().code(), "leave.abroad");
    f.destination_code = "130123".into();
    assert_eq!(t.core.assess_leave(f).unwrap_err().code(), "leave.same_city");
}

#[test]
fn a_five_day_leave_is_decided_in_the_office_and_closes_on_return() {
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let a = t.core.assess_leave(leave(s, "2026-11-24", "2026-11-28")).unwrap();
    assert_eq!((a.days, a.authority), (5, Authority::Office));
    let l = t.core.submit_leave_request(leave(s, "2026-11-24", "2026-11-28")).unwrap().leave.id;
    // 实施办法 Art 27: entrusted, the office decides it itself; the county takes such a leave up
    // only once it withdraws the delegation.
    let before = ops(&t);
    let e = step(&mut t, l, LeaveStep::OfficeOpinion { text: "同意".into() }).unwrap_err();
    assert_eq!(e.code(), "leave.office_decides");
    assert_eq!((ops(&t), t.core.leave_view(l).unwrap().state), (before, LeaveState::Submitted));
    assert!(t.core.leave_view(l).unwrap().office_decides, "the screen offers the office's decision");
    step(&mut t, l, LeaveStep::OfficeDecide { approve: true, reason: String::new() }).unwrap();
    step(&mut t, l, LeaveStep::IssueCertificate).unwrap();
    // Departure cannot be dated in the future relative to the clock (2026-11-23).
    assert!(step(&mut t, l, LeaveStep::Depart { date: d("2026-11-24") }).is_err());
}

#[test]
fn an_office_cannot_approve_ten_days_and_the_county_decision_is_transcribed() {
    // 实施办法 Art 27: ≤ 7 days the office (delegated); 8–30 days the county.
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let l = t.core.submit_leave_request(leave(s, "2026-12-01", "2026-12-10")).unwrap();
    assert_eq!(l.leave.authority, Authority::County);
    let before = ops(&t);
    let e = step(&mut t, l.leave.id, LeaveStep::OfficeDecide { approve: true, reason: String::new() }).unwrap_err();
    assert_eq!(e.code(), "leave.office_lacks_authority");
    assert!(e.message().contains("10日"), "{}", e.message());
    assert_eq!(ops(&t), before);
    step(&mut t, l.leave.id, LeaveStep::OfficeOpinion { text: "同意外出，报请县局审批".into() }).unwrap();
    let v = t.core.leave_view(l.leave.id).unwrap();
    assert_eq!(v.state, LeaveState::AwaitingCounty);
    let v = step(
        &mut t,
        l.leave.id,
        LeaveStep::CountyDecide { approve: true, reason: String::new(), doc_no: "某司矫外〔2026〕12号".into() },
    )
    .unwrap();
    assert_eq!(v.state, LeaveState::Approved { by: Authority::County });
}

#[test]
fn an_eight_day_leave_without_delegation_and_a_31_day_leave_go_up() {
    let mut t = office(false);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let l = t.core.submit_leave_request(leave(s, "2026-12-01", "2026-12-08")).unwrap().leave.id;
    assert!(!t.core.leave_view(l).unwrap().office_decides, "the screen offers the opinion for the county");
    let e = step(&mut t, l, LeaveStep::OfficeDecide { approve: true, reason: String::new() }).unwrap_err();
    assert!(matches!(e.code(), "leave.not_delegated" | "leave.office_lacks_authority"), "{}", e.code());
    // Without delegation even 3 days go to the county.
    let a = t.core.assess_leave(leave(s, "2027-01-01", "2027-01-03")).unwrap();
    assert_eq!(a.authority, Authority::County);
    // 31 days: the level above decides (实施办法 Art 27: each county approval ≤ 30 days).
    let a = t.core.assess_leave(leave(s, "2027-02-01", "2027-03-03")).unwrap();
    assert_eq!((a.days, a.authority), (31, Authority::Higher));
    let l31 = t.core.submit_leave_request(leave(s, "2027-02-01", "2027-03-03")).unwrap().leave.id;
    step(&mut t, l31, LeaveStep::OfficeOpinion { text: "同意".into() }).unwrap();
    let e = step(&mut t, l31, LeaveStep::CountyDecide { approve: true, reason: String::new(), doc_no: "x".into() })
        .unwrap_err();
    assert_eq!(e.code(), "leave.county_must_escalate");
}

#[test]
fn a_staff_member_cannot_decide_leave() {
    let mut t = office(true);
    t.core
        .add_staff(AddStaffInput {
            username: "li".into(),
            display_name: "李干事".into(),
            password: "staff-pass-1".into(),
            role: jiaowu_app::domain::Role::Staff,
        })
        .unwrap();
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let l = t.core.submit_leave_request(leave(s, "2026-12-01", "2026-12-03")).unwrap().leave.id;
    let path = t.path.clone();
    let mut staff = login(
        &path,
        LoginInput { username: "li".into(), password: "staff-pass-1".into() },
        Arc::new(FixedClock::on(d(TODAY))),
    )
    .unwrap();
    let e = staff
        .record_leave_step(LeaveStepInput {
            leave_id: l,
            step: LeaveStep::OfficeDecide { approve: true, reason: String::new() },
            on: None,
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Forbidden);
}

#[test]
fn attendance_for_a_subject_not_in_the_office_is_refused_and_nothing_is_written() {
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let before = ops(&t);
    let stranger = SubjectId::new();
    let line = |id| AttendanceLine {
        subject_id: id,
        attendance: Attendance::Present,
        credited_minutes: None,
        sign_in: None,
        sign_out: None,
        note: None,
    };
    let form = StudySessionForm {
        session_date: d("2026-11-20"),
        start_time: None,
        end_time: None,
        minutes: 120,
        place: "司法所会议室".into(),
        organiser: "张所长".into(),
        speaker: None,
        topic: "法治教育".into(),
        summary: None,
        mode: StudyMode::InPerson,
        attendance: vec![line(s), line(stranger)],
    };
    let e = t.core.record_study_session(form).unwrap_err();
    assert_eq!(e.code(), "group.not_in_office");
    assert!(e.message().contains("不是本司法所在册对象"));
    assert_eq!(ops(&t), before);
}

#[test]
fn hostile_strings_are_stored_verbatim_through_the_use_cases() {
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let hostile = "'\"; DROP TABLE subjects; --\u{0}\u{202E}伪造";
    let v = t
        .core
        .record_visit(VisitInput {
            subject_id: s,
            visit_date: d("2026-11-20"),
            start_time: None,
            end_time: None,
            place_type: PlaceType::Home,
            address: hostile.into(),
            method: ContactMethod::InPerson,
            visitors: vec!["张所长".into(), "李干事".into()],
            interviewees: vec![],
            subject_present: true,
            findings: hostile.into(),
            problems: None,
            follow_up: None,
        })
        .unwrap();
    let back = t.core.subject_records::<Visit>(s).unwrap();
    assert_eq!(back[0].findings, hostile);
    assert_eq!(back[0].id, v.id);
    assert_eq!(t.core.list_subjects("").unwrap().len(), 1);
}

#[test]
fn recording_a_visit_turns_the_visit_duty_done() {
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let q = || ObligationsQuery { month: Some("2026-11".into()), subject_id: Some(s) };
    let visit_status = |t: &T| {
        let m = t.core.month_obligations(q()).unwrap();
        m.subjects[0].obligations.iter().find(|o| o.kind == ObligationKind::Visit).map(|o| o.status)
    };
    // 普管: one visit per two months (national preset, [PROPOSAL] domain.md §7.2): Nov–Dec is open.
    assert_eq!(visit_status(&t), Some(ObligationStatus::Due));
    t.core
        .record_visit(VisitInput {
            subject_id: s,
            visit_date: d("2026-11-20"),
            start_time: None,
            end_time: None,
            place_type: PlaceType::Home,
            address: "正定镇某村1号".into(),
            method: ContactMethod::InPerson,
            visitors: vec!["张所长".into(), "李干事".into()],
            interviewees: vec![],
            subject_present: true,
            findings: "在家，情绪稳定".into(),
            problems: None,
            follow_up: None,
        })
        .unwrap();
    assert_eq!(visit_status(&t), Some(ObligationStatus::Done));
    let m = t.core.month_obligations(q()).unwrap();
    assert!(m.subjects[0].obligations.iter().all(|o| !o.basis.is_empty()), "every duty cites its rule");
}

#[test]
fn a_correction_supersedes_and_keeps_the_original() {
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let r = t
        .core
        .record_report(ReportInput {
            subject_id: s,
            report_date: d("2026-11-20"),
            report_time: None,
            method: ReportMethod::Phone,
            received_by: "李干事".into(),
            content: "本周在家务农".into(),
            anomalies: None,
            follow_up: None,
        })
        .unwrap();
    let mut changes = serde_json::Map::new();
    changes.insert("report_date".into(), serde_json::json!("2026-11-19"));
    let fixed = t
        .core
        .correct_record(jiaowu_app::records::CorrectRecordInput {
            kind: jiaowu_app::records::RecordKind::Report,
            record_id: r.id,
            reason: "日期登记错误".into(),
            changes,
        })
        .unwrap();
    assert_eq!(fixed["supersedes"], serde_json::json!(r.id.to_string()));
    let all = t.core.subject_records::<Report>(s).unwrap();
    assert_eq!(all.len(), 2);
    // The timeline shows both, the old one pointing at its replacement, with who recorded it.
    let tl = t.core.subject_timeline(s).unwrap();
    let reports: Vec<_> = tl.iter().filter(|e| e.kind == "report").collect();
    assert_eq!(reports.len(), 2);
    let old = reports.iter().find(|e| e.id == r.id).unwrap();
    let new = reports.iter().find(|e| e.id != r.id).unwrap();
    assert_eq!(old.superseded_by, Some(new.id));
    assert_eq!((new.supersedes, new.correction_reason.as_deref()), (Some(r.id), Some("日期登记错误")));
    assert_eq!((new.date, old.date), (d("2026-11-19"), d("2026-11-20")));
    assert_eq!((new.recorded_by.as_str(), new.summary.as_str()), ("张所长", "本周在家务农"));
    // Nothing but this report since January: the past months' visits and study were missed.
    let c = t.core.compliance_summary(s).unwrap();
    assert_eq!((c.from, c.to), (d("2025-11-24"), d(TODAY)));
    assert!(c.missed_by_kind.iter().any(|(k, n)| k == "实地查访" && *n > 0), "{:?}", c.missed_by_kind);
    assert!(c.missed_by_kind.iter().any(|(k, n)| k == "集中教育学习" && *n >= 9), "{:?}", c.missed_by_kind);
    assert_eq!((c.admonitions, c.warnings, c.leave_days), (0, 0, 0));
}

#[test]
fn wrong_password_newer_database_and_truncated_file_are_clear_refusals() {
    let T { _dir, path, core } = office(true);
    drop(core);
    let clock = Arc::new(FixedClock::on(d(TODAY)));
    let e = login(&path, LoginInput { username: "zhang".into(), password: "wrong-pass-1".into() }, clock.clone())
        .err()
        .unwrap();
    assert_eq!((e.kind, e.code()), (ErrorKind::Auth, "auth.wrong_password"));
    assert!(e.message().contains("密码错误"));
    let e = login(
        &path.with_file_name("none.db"),
        LoginInput { username: "zhang".into(), password: "x".into() },
        clock.clone(),
    )
    .err()
    .unwrap();
    assert_eq!(e.kind, ErrorKind::NotFound);
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(std::fs::metadata(&path).unwrap().len() / 3).unwrap();
    let _ = std::fs::remove_file(format!("{}-wal", path.display()));
    let e =
        login(&path, LoginInput { username: "zhang".into(), password: "correct-horse-1".into() }, clock).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Damaged);
    assert!(e.message().contains("损坏"), "{}", e.message());
}

#[test]
fn a_transcribed_decision_keeps_its_paper_date_within_application_and_today() {
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let mut form = leave(s, "2026-12-01", "2026-12-10");
    form.applied_on = Some(d("2026-11-16"));
    let l = t.core.submit_leave_request(form).unwrap().leave.id;
    step(&mut t, l, LeaveStep::OfficeOpinion { text: "同意，报县局".into() }).unwrap();
    let county = |doc: &str| LeaveStep::CountyDecide { approve: true, reason: String::new(), doc_no: doc.into() };
    let before = ops(&t);
    for (on, code) in [("2026-11-15", "date.before_application"), ("2026-11-24", "date.future")] {
        let e = t.core.record_leave_step(LeaveStepInput { leave_id: l, step: county("12号"), on: Some(d(on)) });
        let e = e.unwrap_err();
        assert_eq!((e.code(), e.field()), (code, Some("on")), "{}", e.message());
        assert!(e.message().contains("办理日期"), "{}", e.message());
    }
    assert_eq!(ops(&t), before, "a refused step writes nothing");
    let v = t.core.record_leave_step(LeaveStepInput { leave_id: l, step: county("12号"), on: Some(d("2026-11-20")) });
    let v = v.unwrap();
    assert_eq!(v.events.last().unwrap().event_date, d("2026-11-20"));
}

#[test]
fn finding_a_lost_subject_returns_them_to_correction() {
    // 社区矫正法 Art 30: search, notify; once found the subject is supervised again.
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let other = t.core.register_subject(person("李四", "13012319810202002")).unwrap().subject.id;
    let ep = t
        .core
        .record_lost_contact(LostContactEpisodeInput {
            subject_id: s,
            started_on: d("2026-11-20"),
            last_contact_on: None,
        })
        .unwrap();
    assert_eq!(t.core.get_subject(s).unwrap().subject.status, jiaowu_app::domain::SubjectStatus::LostContact);
    let again = t
        .core
        .record_lost_contact(LostContactEpisodeInput {
            subject_id: s,
            started_on: d("2026-11-21"),
            last_contact_on: None,
        })
        .unwrap_err();
    assert_eq!(again.code(), "lost_contact.status");
    let step_for = |subject: SubjectId, kind: LostContactStepKind| LostContactStepInput {
        episode_id: ep.id,
        subject_id: subject,
        kind,
        step_at: "2026-11-22T02:00:00Z".parse().unwrap(),
        method: None,
        result: "在其亲属家中找到".into(),
    };
    // Another subject cannot borrow this episode.
    let e = t.core.record_lost_contact_step(step_for(other, LostContactStepKind::Found)).unwrap_err();
    assert_eq!(e.code(), "lost_contact.episode_missing");
    t.core.record_lost_contact_step(step_for(s, LostContactStepKind::Search)).unwrap();
    assert_eq!(t.core.get_subject(s).unwrap().subject.status, jiaowu_app::domain::SubjectStatus::LostContact);
    t.core.record_lost_contact_step(step_for(s, LostContactStepKind::Found)).unwrap();
    assert_eq!(t.core.get_subject(s).unwrap().subject.status, jiaowu_app::domain::SubjectStatus::InCorrection);
}

#[test]
fn case_events_follow_the_subject_state_machine() {
    // domain.md §4: release on expiry only from 在矫; detention ends only when detained.
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let ev = |kind: SubjectEventKind, on: &str| SubjectEventInput {
        subject_id: s,
        kind,
        event_date: d(on),
        doc_no: None,
        organ: Some("某县公安局".into()),
        detail: None,
    };
    let e = t.core.record_subject_event(ev(SubjectEventKind::DetentionEnded, "2026-11-20")).unwrap_err();
    assert_eq!(e.code(), "subject.event_not_allowed");
    assert!(e.message().contains("羁押解除") && e.message().contains("在矫"), "{}", e.message());
    t.core.record_subject_event(ev(SubjectEventKind::Detained, "2026-11-20")).unwrap();
    let e = t.core.record_subject_event(ev(SubjectEventKind::Reported, "2026-11-21")).unwrap_err();
    assert_eq!(e.code(), "subject.event_not_allowed");
    t.core.record_subject_event(ev(SubjectEventKind::DetentionEnded, "2026-11-22")).unwrap();
    assert_eq!(t.core.get_subject(s).unwrap().subject.status, jiaowu_app::domain::SubjectStatus::InCorrection);
}

#[test]
fn the_home_page_groups_duties_by_urgency_and_lists_what_waits_for_the_county() {
    let mut t = office(true);
    let s = t.core.register_subject(person("张三", "13012319800101001")).unwrap().subject.id;
    let h = t.core.home().unwrap();
    assert_eq!(h.on_register, 1);
    assert_eq!(h.sync.label, "未连接县级中心");
    assert_eq!(h.sync.pending_ops, ops(&t));
    let open: Vec<_> = h.overdue.iter().chain(&h.due_this_week).chain(&h.due_this_month).collect();
    assert!(!open.is_empty(), "a new subject has duties this month");
    for item in &open {
        assert!(!item.obligation.basis.is_empty(), "{} cites its rule", item.obligation.label);
        assert_eq!(item.days_left, (item.obligation.due - d(TODAY)).num_days());
        // Overdue items are past; this week's fall within 7 days; the rest later.
        match item.obligation.status {
            ObligationStatus::Overdue => assert!(item.days_left < 0),
            ObligationStatus::Due => assert!(item.days_left >= 0),
            _ => {}
        }
    }
    assert!(h.due_this_week.iter().all(|i| i.days_left <= 6));
    assert!(h.due_this_month.iter().all(|i| i.days_left > 6));
    let visit = open.iter().find(|i| i.obligation.kind == ObligationKind::Visit).expect("visit due");
    assert_eq!(visit.action, "visit");

    // A 10-day leave with the office's opinion waits for the county (实施办法 Art 27).
    let l = t.core.submit_leave_request(leave(s, "2026-12-01", "2026-12-10")).unwrap().leave.id;
    let h = t.core.home().unwrap();
    assert!(h.awaiting_decision.is_empty(), "not sent to the county until the office signs its opinion");
    step(&mut t, l, LeaveStep::OfficeOpinion { text: "同意，报县局".into() }).unwrap();
    let h = t.core.home().unwrap();
    let w = h.awaiting_decision.iter().find(|p| p.id == l).expect("leave waits for the county");
    assert_eq!((w.kind, w.name.as_str()), ("leave", "张三"));
    assert!(w.what.contains("10 日"), "{}", w.what);
    assert_eq!(h.sync.pending_ops, ops(&t), "each write queued one op for the county");
}
