//! What each official form says (domain.md §18). Printed wording is here, as on the paper forms.

use jiaowu_documents::form::Form;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::leave::LeaveEventKind as K;
use jiaowu_store::*;
use serde::Serialize;
use sha2::Digest;

use super::{cn_date, label, opt, staff_name, Built, FormKind, Lookups};
use crate::leave::LeaveView;
use crate::{zh, AppError, Core};

const QR_PREFIX: &str = "JWT-WCZM:1";

impl Core {
    /// The form `kind` for record `id`; `look` holds what the forms of one print share (a
    /// dossier reads the staff names once, and each participant once, for all its forms).
    pub(super) fn build_form(&mut self, kind: FormKind, id: RecordId, look: &Lookups) -> Result<Built, AppError> {
        let names = &look.names;
        let office = self.office.name.clone();
        let mut files = Vec::new();
        let (form, subject) = match kind {
            FormKind::BasicInfo => {
                let s = self.subject_in_office(SubjectId::parse(&id.to_string()).expect("ids are uuids"))?;
                (self.basic_info(&s)?, s.id)
            }
            FormKind::LeaveApproval | FormKind::LeaveCertificate | FormKind::LeaveReturn => {
                let l = self.leave_view(id)?;
                let s = self.subject_in_office(l.leave.subject_id)?;
                let f = match kind {
                    FormKind::LeaveApproval => leave_approval(&office, &s, &l),
                    FormKind::LeaveCertificate => {
                        // 实施办法 Art 27: a certificate only for a leave someone with authority approved.
                        use jiaowu_domain::leave::LeaveState as St;
                        let approved = l.events.iter().any(|e| e.approve == Some(true) && e.kind != K::DecideExtension);
                        if !approved || matches!(l.state, St::Rejected { .. } | St::Cancelled | St::Draft) {
                            return Err(AppError::refused(
                                "id",
                                "print.leave_not_approved",
                                zh::print_leave_not_approved(&l.state_label),
                            ));
                        }
                        let qr = certificate_qr(&l.leave);
                        files.push(("qr.svg".to_string(), jiaowu_documents::qr::svg(&qr).map_err(AppError::internal)?));
                        leave_certificate(&office, &self.office.county_name, &s, &l)
                    }
                    _ => leave_return(&office, &s, &l),
                };
                (f, s.id)
            }
            FormKind::Visit => {
                let (v, _) = self.store.record::<Visit>(id)?;
                let s = self.subject_in_office(v.subject_id)?;
                (visit(&office, &s, &v, &staff_name(names, &v.recorded.recorded_by)), s.id)
            }
            FormKind::Talk => {
                let (t, _) = self.store.record::<Talk>(id)?;
                let s = self.subject_in_office(t.subject_id)?;
                (talk(&office, &s, &t), s.id)
            }
            FormKind::StudySignIn | FormKind::StudyRecord => {
                let (session, _) = self.store.record::<StudySession>(id)?;
                let rows = self.attendance_rows(&session, look)?;
                return Ok((study(kind, &office, &session, rows, look.only), files, None));
            }
            FormKind::ServiceRecord => {
                let (a, _) = self.store.record::<ServiceActivity>(id)?;
                let rows = self.participant_rows(&a, look)?;
                let rows = rows.into_iter().filter(|(s, _)| look.only.is_none_or(|only| s.id == only)).collect();
                return Ok((service(&office, &a, rows), files, None));
            }
            FormKind::SanctionApproval => {
                let (x, _) = self.store.record::<Sanction>(id)?;
                let s = self.subject_in_office(x.subject_id)?;
                let decision = self.store.records_of::<Decision>(s.id)?.into_iter().find(|d| d.target_id == x.id);
                let class = self.class_on(&s, x.proposed_on)?;
                (sanction(&office, &s, &x, decision.as_ref(), class), s.id)
            }
            FormKind::MonthlyAssessment => {
                let (a, _) = self.store.record::<Assessment>(id)?;
                let s = self.subject_in_office(a.subject_id)?;
                let class = self.class_on(&s, a.period_start)?;
                (assessment(&office, &s, &a, class), s.id)
            }
        };
        Ok((form, files, Some(subject.to_string())))
    }

    /// The class `s` was under on `date`, not today's: from the class changes the county
    /// approved, as they stand after any correction (实施办法 Art 21).
    fn class_on(&self, s: &Subject, date: chrono::NaiveDate) -> Result<jiaowu_domain::SupervisionClass, AppError> {
        use jiaowu_store::queries::current;
        let history = crate::caseload::class_history(
            s,
            &current(self.store.records_of::<ClassChange>(s.id)?),
            &current(self.store.records_of::<Decision>(s.id)?),
        );
        Ok(jiaowu_domain::obligations::class_on(&history, s.class, date))
    }

    fn basic_info(&self, s: &Subject) -> Result<Form, AppError> {
        let mut f = Form::new("basic_info", "社区矫正对象基本信息表", &self.office.name);
        f.subtitle = Some(format!("（{}）", self.office.county_name));
        // domain.md §18 F1: the master data and a photo (贴照片处 beside the first rows).
        f.photo(4);
        header(&mut f, s);
        f.row(&[("出生日期", cn_date(s.birth_date)), ("民族", opt(&s.ethnicity))])
            .row(&[("曾用名", opt(&s.former_name)), ("联系电话", opt(&s.phone)), ("文化程度", opt(&s.education))])
            .row(&[("工作单位", opt(&s.employer))])
            .row(&[("居住地", s.residence_detail.clone()), ("行政区划代码", s.residence_code.clone())])
            .row(&[(
                "户籍地",
                s.household_detail.clone().map(|d| format!("{d}（{}）", opt(&s.household_code))).unwrap_or_default(),
            )])
            .row(&[("罪名", s.crime.clone()), ("原判刑罚", s.original_sentence.clone())])
            .row(&[
                ("决定机关", opt(&s.deciding_organ)),
                ("文书编号", opt(&s.decision_doc_no)),
                ("生效日期", s.judgment_effective.map(cn_date).unwrap_or_default()),
            ])
            .row(&[
                ("报到日期", s.reported_on.map(cn_date).unwrap_or_default()),
                ("管理等级", label("class", s.class)),
                ("状态", label("status", s.status)),
            ])
            .row(&[("禁止令", opt(&s.injunction))]);
        if s.is_minor_case {
            f.row(&[("监护人", opt(&s.guardian_name)), ("监护人电话", opt(&s.guardian_phone))]);
        }
        let team: Vec<Vec<String>> = jiaowu_store::queries::current(self.store.records_of::<TeamMember>(s.id)?)
            .into_iter()
            .filter(|m| m.left_on.is_none())
            .map(|m| {
                vec![
                    m.member_name,
                    label("sex", m.sex),
                    m.relation,
                    m.unit.unwrap_or_default(),
                    m.phone.unwrap_or_default(),
                    if m.is_leader { "组长".into() } else { "成员".into() },
                ]
            })
            .collect();
        f.table(&["矫正小组成员", "性别", "身份", "单位", "电话", "职责"], team);
        f.block("备注", opt(&s.notes), 2).sign(&["填表人", "负责人"]);
        f.footnote = Some("依据《社区矫正法》第二十二条、《社区矫正法实施办法》第十七条建立；一式三份（县级社区矫正机构、司法所、公安派出所）。".into());
        Ok(f)
    }

    fn attendance_rows(
        &self,
        session: &StudySession,
        look: &Lookups,
    ) -> Result<Vec<(Subject, StudyAttendance)>, AppError> {
        self.members("session_id", session.id, look)
    }

    fn participant_rows(
        &self,
        a: &ServiceActivity,
        look: &Lookups,
    ) -> Result<Vec<(Subject, ServiceParticipation)>, AppError> {
        self.members("activity_id", a.id, look)
    }

    /// The current rows of a group record (attendance, participation) whose `column` is
    /// `parent`, with their subjects, in pinyin order as sign-in sheets list them.
    fn members<R: Record>(
        &self,
        column: &'static str,
        parent: RecordId,
        look: &Lookups,
    ) -> Result<Vec<(Subject, R)>, AppError> {
        let mut out: Vec<(Subject, R)> = jiaowu_store::queries::current(self.store.records_in::<R>(column, parent)?)
            .into_iter()
            .filter_map(|r| r.subject().and_then(|id| look.subject(&self.store, id)).map(|s| (s, r)))
            .collect();
        out.sort_by(|a, b| a.0.name_initials.cmp(&b.0.name_initials));
        Ok(out)
    }
}

/// The common first rows: who the form is about (domain.md §18: name, ID, class of correction, term).
fn header(f: &mut Form, s: &Subject) {
    f.row(&[("姓名", s.name.clone()), ("性别", label("sex", s.sex))])
        .row(&[("身份证号", s.id_number.clone()), ("矫正类别", label("sentence_type", s.sentence_type))])
        .row(&[("矫正期限", format!("{}至{}", cn_date(s.term_start), cn_date(s.term_end)))]);
}

/// A form's 时间 field: "start—end" when both times were noted, else `otherwise` (each form
/// has its own fallback: what was noted, the length, or blank).
fn time_range(start: &Option<String>, end: &Option<String>, otherwise: String) -> String {
    match (start, end) {
        (Some(a), Some(b)) => format!("{a}—{b}"),
        _ => otherwise,
    }
}

fn event<'a>(l: &'a LeaveView, kinds: &[K]) -> Option<&'a LeaveEvent> {
    l.events.iter().rev().find(|e| kinds.contains(&e.kind))
}

fn decision_text(e: &LeaveEvent) -> String {
    let verdict = match e.approve {
        Some(true) => "同意外出。",
        Some(false) => "不同意外出。",
        None => "",
    };
    format!("{verdict}{}", e.note.clone().unwrap_or_default())
}

/// 外出审批表 (实施办法 Art 27: ≤7 days by the office, 8–30 by the county, longer by the higher level).
fn leave_approval(office: &str, s: &Subject, l: &LeaveView) -> Form {
    let r = &l.leave;
    let mut f = Form::new("leave_approval", "社区矫正对象外出审批表", office);
    header(&mut f, s);
    // domain.md §18 (2012 national form): who the subject is, where he lives and how to reach him.
    f.row(&[("出生日期", cn_date(s.birth_date)), ("联系电话", opt(&s.phone)), ("罪名", s.crime.clone())])
        .row(&[("居住地", s.residence_detail.clone())])
        .row(&[
            ("申请日期", cn_date(r.applied_on)),
            ("外出天数", format!("{}天", r.days)),
            ("审批层级", label("authority", l.decided_by)),
        ])
        .row(&[("外出期间", format!("自{}至{}，共{}天", cn_date(r.start_date), cn_date(r.end_date), r.days))])
        .row(&[("目的地", destination(r)), ("目的地联系人", opt(&r.destination_contact))])
        .row(&[
            ("外出事由", format!("{}：{}", label("leave_reason", r.reason_kind), r.reason_text)),
            ("交通方式", opt(&r.transport)),
        ])
        .block("本人承诺", "本人保证外出期间遵守法律法规和监督管理规定，按时返回并办理销假手续。", 2);
    let office_op = event(l, &[K::OfficeOpinion, K::OfficeDecide]);
    f.opinion(
        "司法所意见",
        office_op.map(decision_text).unwrap_or_default(),
        "负责人签名",
        true,
        office_op.map(|e| cn_date(e.event_date)),
    );
    // The county's box whenever the county decides: by the leave's length, or because the
    // office sent up one it could no longer decide.
    if l.decided_by != jiaowu_domain::leave::Authority::Office {
        let county = event(l, &[K::CountyDecide]);
        f.opinion(
            "县级社区矫正机构意见",
            county.map(decision_text).unwrap_or_default(),
            "负责人签名",
            true,
            county.map(|e| cn_date(e.event_date)),
        );
    }
    if l.decided_by == jiaowu_domain::leave::Authority::Higher {
        let higher = event(l, &[K::HigherDecide]);
        f.opinion(
            "上一级社区矫正机构意见",
            higher.map(decision_text).unwrap_or_default(),
            "负责人签名",
            true,
            higher.map(|e| cn_date(e.event_date)),
        );
    }
    let asked = extensions(l);
    if !asked.is_empty() {
        f.block("延期", asked.join("\n"), 2);
    }
    // A withdrawn application stays in the dossier (it was made and signed), marked as such so
    // nobody reads its opinions as a leave granted.
    if let (jiaowu_domain::leave::LeaveState::Cancelled, Some(c)) = (l.state, event(l, &[K::Cancel])) {
        f.block("备注", format!("本申请已于{}撤回，未外出。撤回原因：{}", cn_date(c.event_date), opt(&c.note)), 2);
    }
    f.footnote = Some("依据《社区矫正法实施办法》第二十七条：七日内由司法所批准（受委托），超过七日由县级社区矫正机构批准；每次不超过一个月。".into());
    f
}

/// 外出目的地 as printed: the address written on the application; an older record without an
/// address shows its area code, never a gap.
fn destination(r: &LeaveRequest) -> String {
    match r.destination_detail.trim() {
        "" => format!("行政区划代码{}所辖地", r.destination_code),
        d => d.to_string(),
    }
}

/// The document number of a leave's decision (the county's or the higher level's), as the
/// decision's note carries it ("文号：…；理由").
pub(super) fn leave_doc_no(l: &LeaveView) -> Option<String> {
    event(l, &[K::HigherDecide, K::CountyDecide, K::OfficeDecide])
        .and_then(|e| e.note.clone())
        .filter(|n| n.contains('号'))
        .map(|n| n.trim_start_matches("文号：").split('；').next().unwrap_or_default().to_string())
}

/// 延期 on the 审批表: each request to extend and the decision on it (实施办法 Art 28).
fn extensions(l: &LeaveView) -> Vec<String> {
    let mut out = Vec::new();
    for (i, e) in l.events.iter().enumerate().filter(|(_, e)| e.kind == K::RequestExtension) {
        let decision = l.events[i + 1..].iter().find(|d| d.kind == K::DecideExtension);
        let verdict = match decision {
            Some(d) if d.approve == Some(true) => format!("{}批准", cn_date(d.event_date)),
            Some(d) => format!("{}不予批准", cn_date(d.event_date)),
            None => "尚未决定".to_string(),
        };
        let number = decision.and_then(|d| d.note.clone()).filter(|n| n.contains('号')).unwrap_or_default();
        out.push(format!(
            "{}申请延期至{}，理由：{}；{verdict}{}",
            cn_date(e.event_date),
            e.new_end.map(cn_date).unwrap_or_default(),
            opt(&e.note),
            if number.is_empty() { String::new() } else { format!("（{number}）") },
        ));
    }
    out
}

/// 外出证明, with a QR code the app checks against its own record.
fn leave_certificate(office: &str, county: &str, s: &Subject, l: &LeaveView) -> Form {
    let r = &l.leave;
    let mut f = Form::new("leave_certificate", "社区矫正对象外出证明", office);
    // The heading prints 编号 before it.
    f.doc_no = leave_doc_no(l);
    // domain.md §18: reason, destination, period, the duties while away and on return, seal, date.
    let reason = match r.reason_text.trim() {
        "" => label("leave_reason", r.reason_kind),
        t => t.to_string(),
    };
    // Printed before 开具 is recorded, the date is left for the hand that seals it.
    let issued =
        event(l, &[K::IssueCertificate]).map(|e| cn_date(e.event_date)).unwrap_or_else(|| "　　年　　月　　日".into());
    f.text(format!(
        "兹有社区矫正对象{}（身份证号：{}），矫正类别：{}，因{}，经批准于{}至{}（共{}天）前往{}。",
        s.name,
        s.id_number,
        label("sentence_type", s.sentence_type),
        reason,
        cn_date(r.start_date),
        cn_date(r.end_date),
        r.days,
        destination(r),
    ))
    .text(format!(
        "外出期间，该社区矫正对象应遵守法律法规和监督管理规定，按要求通过电话或视频向{office}报告情况；应于{}前返回，并到{office}办理销假手续。外出期间如有违法违规情形，请及时告知我单位。",
        cn_date(l.due_back),
    ))
    .qr("qr.svg", format!("扫码核验：矫务通“核验外出证明”可离线核对本证明与{office}的记录是否一致。"))
    // One date: the day it was issued, beside who issued it.
    .sign_on(&["经办人"], Some(format!("开具日期：{issued}")));
    f.footnote = Some(format!("{office}（公章）　　{county}"));
    f
}

/// The last day of a leave with its approved extensions (实施办法 Art 28): an extension counts
/// once the decision on it approves it.
fn approved_end(l: &LeaveView) -> chrono::NaiveDate {
    let (mut asked, mut end) = (None, l.leave.end_date);
    for e in &l.events {
        match e.kind {
            K::RequestExtension => asked = Some(e.new_end.unwrap_or(e.event_date)),
            K::DecideExtension if e.approve == Some(true) => end = asked.take().unwrap_or(end),
            K::DecideExtension => asked = None,
            _ => {}
        }
    }
    end
}

/// Days back later than due (实施办法 Art 28): to the return when the leave says it was late,
/// to today while still away.
fn overdue_days(l: &LeaveView) -> String {
    use jiaowu_domain::leave::LeaveState as St;
    let late = match l.state {
        St::ReturnedLate { on } => (on - approved_end(l)).num_days(),
        St::Returned { .. } => 0,
        _ => l.days_overdue.unwrap_or(0),
    };
    if late > 0 {
        format!("{late}天")
    } else {
        "无".into()
    }
}

/// 销假记录.
fn leave_return(office: &str, s: &Subject, l: &LeaveView) -> Form {
    let r = &l.leave;
    let mut f = Form::new("leave_return", "社区矫正对象外出销假记录", office);
    header(&mut f, s);
    let depart = event(l, &[K::Depart]);
    let back = event(l, &[K::Return]);
    // A period of two dates has a row of its own (in a pair's half row it wraps).
    let end = approved_end(l);
    let period = match end == r.end_date {
        true => format!("{}至{}", cn_date(r.start_date), cn_date(r.end_date)),
        false => format!("{}至{}（经批准延期至{}）", cn_date(r.start_date), cn_date(r.end_date), cn_date(end)),
    };
    f.row(&[("批准外出期间", period)])
        .row(&[("应返回日期", cn_date(end)), ("逾期天数", overdue_days(l))])
        .row(&[
            ("实际离开日期", depart.map(|e| cn_date(e.event_date)).unwrap_or_default()),
            ("实际返回日期", back.map(|e| cn_date(e.event_date)).unwrap_or_default()),
        ])
        .row(&[(
            "销假方式",
            back.and_then(|e| e.method.as_deref()).map(|m| label("report_method", m)).unwrap_or_default(),
        )])
        .block("外出期间情况", back.and_then(|e| e.note.clone()).unwrap_or_default(), 4)
        .opinion("司法所意见", "", "经办人签名", false, back.map(|e| cn_date(e.event_date)));
    f.footnote = Some(
        "依据《社区矫正法实施办法》第二十八条：外出期满应及时返回，向执行地县级社区矫正机构或司法所报告（销假）。"
            .into(),
    );
    f
}

fn visit(office: &str, s: &Subject, v: &Visit, recorder: &str) -> Form {
    let mut f = Form::new("visit", "社区矫正对象走访（实地查访）记录", office);
    header(&mut f, s);
    // A visit may have only its start time noted.
    let time = time_range(&v.start_time, &v.end_time, opt(&v.start_time));
    let interviewees =
        v.interviewees.iter().map(|i| format!("{}（{}）", i.name, i.relation)).collect::<Vec<_>>().join("、");
    f.row(&[("走访日期", cn_date(v.visit_date)), ("时间", time), ("方式", label("contact_method", v.method))])
        .row(&[("走访地点", label("place_type", v.place_type)), ("地址", v.address.clone())])
        .row(&[
            ("走访人员", v.visitors.join("、")),
            ("本人是否在场", if v.subject_present { "在场".into() } else { "不在场".into() }),
        ])
        .row(&[("走访对象", interviewees)])
        .block("走访情况", v.findings.clone(), 5)
        .block("发现的问题", opt(&v.problems), 2)
        .block("处理措施", opt(&v.follow_up), 2)
        .sign(&["走访人", "记录人"]);
    f.footnote = Some(format!("记录人：{recorder}。依据《社区矫正法实施办法》第二十四条（实地查访）。"));
    f
}

fn talk(office: &str, s: &Subject, t: &Talk) -> Form {
    let mut f = Form::new("talk", "社区矫正对象个别谈话记录", office);
    header(&mut f, s);
    let time = time_range(&t.start_time, &t.end_time, String::new());
    f.row(&[("谈话日期", cn_date(t.talk_date)), ("时间", time), ("类型", label("talk_type", t.talk_type))])
        .row(&[("谈话地点", t.place.clone()), ("谈话人", t.talkers.join("、")), ("记录人", opt(&t.note_taker))])
        .block("谈话内容", t.content.clone(), 8)
        .block("存在的问题", opt(&t.problems), 2)
        .block("后续措施", opt(&t.follow_up), 2)
        .sign(&["谈话人", "记录人", "被谈话人"]);
    f.footnote =
        Some("被谈话人核对无误后签名（捺印）。依据《社区矫正法》第三十六条、《社区矫正法实施办法》第四十三条。".into());
    f
}

/// `only`: in a subject's dossier, the one subject the record may name (the counts stay the
/// session's).
fn study(
    kind: FormKind,
    office: &str,
    x: &StudySession,
    rows: Vec<(Subject, StudyAttendance)>,
    only: Option<SubjectId>,
) -> Form {
    let time = time_range(&x.start_time, &x.end_time, format!("共{}小时", zh::hours(x.minutes)));
    if kind == FormKind::StudySignIn {
        let mut f = Form::new("study_sign_in", "社区矫正对象集中教育学习签到表", office);
        f.row(&[("日期", cn_date(x.session_date)), ("时间", time), ("地点", x.place.clone())])
            .row(&[("学习内容", x.topic.clone()), ("组织人", x.organiser.clone())]);
        let rows = rows
            .iter()
            .filter(|(s, _)| only.is_none_or(|only| s.id == only))
            .enumerate()
            .map(|(i, (s, a))| {
                vec![
                    (i + 1).to_string(),
                    s.name.clone(),
                    label("sentence_type", s.sentence_type),
                    a.sign_in.clone().unwrap_or_default(),
                    a.sign_out.clone().unwrap_or_default(),
                    String::new(),
                    if a.attendance == Attendance::Present { String::new() } else { label("attendance", a.attendance) },
                ]
            })
            .collect();
        f.table(&["序号", "姓名", "矫正类别", "签到时间", "签退时间", "本人签名", "备注"], rows);
        f.footnote = Some(
            "依据《社区矫正法实施办法》第四十三条（教育学习）。未成年人与成年人分别组织（《社区矫正法》第五十二条）。"
                .into(),
        );
        return f;
    }
    let mut f = Form::new("study_record", "社区矫正对象集中教育学习记录", office);
    let present = rows.iter().filter(|(_, a)| a.attendance == Attendance::Present).count();
    let absent: Vec<String> = rows
        .iter()
        .filter(|(s, a)| a.attendance != Attendance::Present && only.is_none_or(|only| s.id == only))
        .map(|(s, a)| format!("{}（{}）", s.name, label("attendance", a.attendance)))
        .collect();
    f.row(&[("日期", cn_date(x.session_date)), ("时间", time), ("形式", label("study_mode", x.mode))])
        .row(&[("地点", x.place.clone()), ("组织人", x.organiser.clone()), ("授课人", opt(&x.speaker))])
        .row(&[
            ("应到人数", rows.len().to_string()),
            ("实到人数", present.to_string()),
            ("学习时长", format!("{}小时", zh::hours(x.minutes))),
        ]);
    // In a subject's dossier, what the session was for him: present or not, hours credited.
    match only.and_then(|only| rows.iter().find(|(s, _)| s.id == only)) {
        Some((s, a)) => f.row(&[
            ("姓名", s.name.clone()),
            ("出勤情况", label("attendance", a.attendance)),
            ("计入时长", format!("{}小时", zh::hours(a.credited_minutes))),
        ]),
        None => f.row(&[("缺席人员", absent.join("、"))]),
    };
    f.block("学习主题", x.topic.clone(), 1).block("内容及效果", opt(&x.summary), 6).sign(&["记录人", "负责人"]);
    f
}

fn service(office: &str, a: &ServiceActivity, rows: Vec<(Subject, ServiceParticipation)>) -> Form {
    let mut f = Form::new("service_record", "社区矫正对象公益活动记录", office);
    let time = time_range(&a.start_time, &a.end_time, format!("共{}小时", zh::hours(a.minutes)));
    f.row(&[("日期", cn_date(a.activity_date)), ("时间", time), ("地点", a.place.clone())])
        .row(&[("活动内容", a.content.clone()), ("现场负责人", a.supervisor.clone())]);
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, (s, p))| {
            vec![
                (i + 1).to_string(),
                s.name.clone(),
                zh::hours(p.credited_minutes),
                p.performance.clone().unwrap_or_default(),
                p.exempt_reason.clone().unwrap_or_default(),
                String::new(),
            ]
        })
        .collect();
    f.table(&["序号", "姓名", "计入时长（小时）", "表现", "免除/减少原因", "本人签名"], rows);
    f.sign(&["记录人", "负责人"]);
    f.footnote = Some("依据《社区矫正法》第四十二条、《社区矫正法实施办法》第四十四条：根据社区矫正对象的劳动能力、健康状况等组织参加公益活动。".into());
    f
}

/// 训诫/警告（表扬）审批表 (实施办法 Art 34–35: decided by the county on the office's proposal).
fn sanction(
    office: &str,
    s: &Subject,
    x: &Sanction,
    d: Option<&Decision>,
    class: jiaowu_domain::SupervisionClass,
) -> Form {
    let kind = label("sanction_kind", x.kind);
    let mut f = Form::new("sanction_approval", &format!("社区矫正对象{kind}审批表"), office);
    header(&mut f, s);
    f.row(&[("提请日期", cn_date(x.proposed_on)), ("管理等级", label("class", class))])
        .block("事实及理由", x.facts.clone(), 5)
        .block("证据材料", opt(&x.evidence), 2)
        .block("法律依据", x.legal_basis.clone(), 2)
        .opinion("司法所意见", opt(&x.office_opinion), "负责人签名", true, Some(cn_date(x.proposed_on)));
    let (text, date) = decision_opinion(d);
    f.opinion("县级社区矫正机构意见", text, "负责人签名", true, date);
    f.footnote = Some("依据《社区矫正法》第二十八条、《社区矫正法实施办法》第三十四条至第三十五条。".into());
    f
}

/// A decision as its opinion box reads: 同意/不同意, the 文号, the reason; and its date.
pub(super) fn decision_opinion(d: Option<&Decision>) -> (String, Option<String>) {
    match d {
        Some(d) => (
            format!(
                "{}{}{}",
                if d.approve { "同意。" } else { "不同意。" },
                d.doc_no.clone().map(|n| format!("（{n}）")).unwrap_or_default(),
                opt(&d.reason)
            ),
            Some(cn_date(d.decision_date)),
        ),
        None => (String::new(), None),
    }
}

fn assessment(office: &str, s: &Subject, a: &Assessment, class: jiaowu_domain::SupervisionClass) -> Form {
    let mut f = Form::new("monthly_assessment", "社区矫正对象月度考核表", office);
    header(&mut f, s);
    // A period of two dates has a row of its own (in a pair's half row it wraps).
    f.row(&[("考核期间", format!("{}至{}", cn_date(a.period_start), cn_date(a.period_end)))])
        .row(&[
            ("管理等级", label("class", class)),
            ("考核得分", a.score.map(|x| x.to_string()).unwrap_or_default()),
            ("考核结果", label("grade", a.grade)),
        ])
        .row(&[("考核人", a.reviewer.clone())])
        .block("考核情况", a.items.clone(), 8)
        .opinion("司法所意见", "", "负责人签名", true, None)
        .sign(&["社区矫正对象"]);
    f.footnote = Some("依据《社区矫正法》第二十八条（考核奖惩）、《社区矫正法实施办法》第三十三条。".into());
    f
}

/// What a 外出证明's QR code says: the leave, its dates, and a check digest over the record
/// (including when it was recorded, which only the office's own database knows).
fn certificate_qr(r: &LeaveRequest) -> String {
    format!(
        "{QR_PREFIX}:{}:{}:{}:{}",
        r.id,
        r.start_date.format("%Y%m%d"),
        r.end_date.format("%Y%m%d"),
        certificate_digest(r)
    )
}

fn certificate_digest(r: &LeaveRequest) -> String {
    let text = format!(
        "{}|{}|{}|{}|{}|{}",
        r.id,
        r.subject_id,
        r.start_date,
        r.end_date,
        r.destination_code,
        r.recorded.recorded_at.to_rfc3339()
    );
    hex::encode(&sha2::Sha256::digest(text.as_bytes())[..8])
}

/// The result of checking a 外出证明's QR code against this office's records.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateCheck {
    pub genuine: bool,
    pub message: String,
    pub subject_name: Option<String>,
    pub period: Option<String>,
    pub destination: Option<String>,
    pub state_label: Option<String>,
}

impl Core {
    /// 核验外出证明: reads the text of the QR code (a USB scanner types it) and compares it with
    /// the leave in this office's own store, offline.
    pub fn verify_leave_certificate(&mut self, qr_text: &str) -> Result<CertificateCheck, AppError> {
        let bad = |m: String| CertificateCheck {
            genuine: false,
            message: m,
            subject_name: None,
            period: None,
            destination: None,
            state_label: None,
        };
        let parts: Vec<&str> = qr_text.trim().split(':').collect();
        let [p0, p1, id, start, end, digest] = parts.as_slice() else { return Ok(bad(zh::CERT_NOT_OURS.into())) };
        if format!("{p0}:{p1}") != QR_PREFIX {
            return Ok(bad(zh::CERT_NOT_OURS.into()));
        }
        let Some(id) = RecordId::parse(id) else { return Ok(bad(zh::CERT_NOT_OURS.into())) };
        let Ok(l) = self.leave_view(id) else { return Ok(bad(zh::CERT_UNKNOWN_LEAVE.into())) };
        let r = &l.leave;
        let ok = *start == r.start_date.format("%Y%m%d").to_string()
            && *end == r.end_date.format("%Y%m%d").to_string()
            && *digest == certificate_digest(r);
        let (session, now) = (self.session.clone(), self.clock.now());
        self.store.write(&session, now, |tx| {
            tx.audit_only(
                "verify_certificate",
                "leave_requests",
                &id.to_string(),
                &serde_json::json!({ "genuine": ok }),
            )
        })?;
        Ok(CertificateCheck {
            genuine: ok,
            message: if ok { zh::cert_genuine(&l.state_label) } else { zh::CERT_ALTERED.into() },
            subject_name: Some(l.subject_name.clone()),
            period: Some(format!("{}至{}", cn_date(r.start_date), cn_date(r.end_date))),
            destination: Some(r.destination_detail.clone()),
            state_label: Some(l.state_label.clone()),
        })
    }
}

/// The QR text of a leave's certificate (for tests and the CLI).
pub fn verify_leave_certificate_text(r: &LeaveRequest) -> String {
    certificate_qr(r)
}
