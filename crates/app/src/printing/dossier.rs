//! 工作档案 (domain.md §19): the documents of one subject in the configured section order,
//! chronological within each section; the gap check before printing; minors' dossiers
//! restricted (社区矫正法 Art 54; 刑事诉讼法 Art 286).

use jiaowu_documents::form::{CorrectionNote, Cover, Dossier, DossierDoc, Form, Notes};
use jiaowu_documents::Template;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::Role;
use jiaowu_store::queries::current;
use jiaowu_store::*;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{cn_date, label, staff_name, FormKind, Lookups, Printed};
use crate::{zh, AppError, Core};

use jiaowu_domain::dossier::check_order;
pub use jiaowu_domain::dossier::Section;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierRequest {
    pub subject_id: SubjectId,
    /// A section order for this print (every section once); `None`, as the app and the CLI
    /// send, is the county's order for this office, or domain.md §19's.
    #[serde(default)]
    pub order: Option<Vec<Section>>,
    /// Why a minor's dossier is printed (required for minors, logged).
    #[serde(default)]
    pub purpose: Option<String>,
    /// Page images of the first pages for a preview on screen.
    #[serde(default)]
    pub preview: bool,
}

/// Something missing or not signed off, found before printing.
#[derive(Debug, Clone, Serialize)]
pub struct DossierGap {
    pub section: String,
    pub message: String,
}

impl Core {
    /// 卷宗检查: what a dossier lacks (missing documents, decisions not recorded).
    pub fn dossier_gaps(&self, subject: SubjectId) -> Result<Vec<DossierGap>, AppError> {
        let s = self.subject_in_office(subject)?;
        let mut gaps = Vec::new();
        // Tagged with the section's name as the dossier dialog lists the order.
        let mut gap =
            |section: Section, message: String| gaps.push(DossierGap { section: section.label().into(), message });
        let events = self.store.records_of::<SubjectEvent>(s.id)?;
        if !events.iter().any(|e| e.kind == SubjectEventKind::Reported) && s.reported_on.is_none() {
            gap(Section::Intake, zh::GAP_NO_REPORT.into());
        }
        if !events.iter().any(|e| e.kind == SubjectEventKind::EntryAnnounced) {
            gap(Section::Intake, zh::GAP_NO_ANNOUNCEMENT.into());
        }
        if current(self.store.records_of::<TeamMember>(s.id)?).is_empty() {
            gap(Section::Intake, zh::GAP_NO_TEAM.into());
        }
        if current(self.store.records_of::<CorrectionPlan>(s.id)?).is_empty() {
            gap(Section::Intake, zh::GAP_NO_PLAN.into());
        }
        for t in current(self.store.records_of::<Talk>(s.id)?) {
            if t.note_taker.is_none() {
                gap(Section::Visits, zh::gap_unsigned("个别谈话记录", &cn_date(t.talk_date), "记录人"));
            }
        }
        for l in self.list_leaves(Some(s.id))? {
            let decided = l.events.iter().any(|e| e.approve.is_some());
            if !decided && !matches!(l.state, jiaowu_domain::leave::LeaveState::Cancelled) {
                gap(Section::Leaves, zh::gap_unsigned("外出审批表", &cn_date(l.leave.applied_on), "审批意见"));
            }
            let departed = l.events.iter().any(|e| e.kind == jiaowu_domain::leave::LeaveEventKind::Depart);
            let back = l.events.iter().any(|e| e.kind == jiaowu_domain::leave::LeaveEventKind::Return);
            if departed && !back && l.due_back < self.today() {
                gap(Section::Leaves, zh::gap_no_return(&cn_date(l.leave.start_date)));
            }
        }
        let decisions = self.store.records_of::<Decision>(s.id)?;
        for x in current(self.store.records_of::<Sanction>(s.id)?) {
            if !decisions.iter().any(|d| d.target_id == x.id) {
                gap(
                    Section::Assessments,
                    zh::gap_unsigned(
                        &format!("{}审批表", label("sanction_kind", x.kind)),
                        &cn_date(x.proposed_on),
                        "县级决定",
                    ),
                );
            }
        }
        for a in current(self.store.records_of::<Assessment>(s.id)?) {
            if a.reviewer.trim().is_empty() {
                gap(Section::Assessments, zh::gap_unsigned("月度考核表", &cn_date(a.period_end), "考核人"));
            }
        }
        if matches!(s.status, jiaowu_domain::SubjectStatus::Released)
            && current(self.store.records_of::<ReleaseStep>(s.id)?).is_empty()
        {
            gap(Section::Release, zh::GAP_NO_RELEASE.into());
        }
        Ok(gaps)
    }

    /// 打印卷宗: the whole work dossier as one PDF.
    pub fn print_dossier(&mut self, req: DossierRequest) -> Result<Printed, AppError> {
        let s = self.subject_in_office(req.subject_id)?;
        let purpose = req.purpose.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
        if s.is_minor_case {
            // 社区矫正法 Art 54: a minor's archive is given to no one but those the law names.
            if self.session.role != Role::Head {
                return Err(AppError::forbidden("print.minor_head_only", zh::PRINT_MINOR_HEAD_ONLY));
            }
            if purpose.is_none() {
                return Err(AppError::invalid("purpose", "print.minor_purpose", zh::PRINT_MINOR_PURPOSE));
            }
        }
        let order = match &req.order {
            Some(order) => {
                check_order(order).map_err(|p| AppError::invalid("order", "print.dossier_order", p.to_string()))?;
                order.clone()
            }
            None => self.dossier_order()?.sections.into_iter().map(|s| s.section).collect(),
        };
        let look = Lookups::for_subject(self.store.staff_names()?, s.id);
        let names = &look.names;
        let mut docs = Vec::new();
        for section in &order {
            let mut part = self.section_docs(&s, *section, &look)?;
            part.sort_by(|a, b| a.0.cmp(&b.0));
            docs.extend(part.into_iter().map(|(_, d)| d));
        }
        let corrections = self.corrections(&s, names)?;
        // 起止日期: the earliest and latest document, whatever order the sections are in (ISO
        // dates compare as text).
        let dated = || docs.iter().map(|d| d.date.clone()).filter(|d| !d.is_empty());
        let (first, last) = (dated().min().unwrap_or_default(), dated().max().unwrap_or_default());
        let me = staff_name(names, &self.session.staff_id);
        let dossier = Dossier {
            cover: Cover {
                title: "社区矫正工作档案".into(),
                fields: vec![
                    (
                        "档号".into(),
                        format!(
                            "{}-{}",
                            self.office.division_code,
                            s.external_no.clone().unwrap_or_else(|| s.id_number.chars().skip(6).take(8).collect())
                        ),
                    ),
                    ("对象姓名".into(), s.name.clone()),
                    ("矫正类别".into(), label("sentence_type", s.sentence_type)),
                    ("矫正期限".into(), format!("{}至{}", cn_date(s.term_start), cn_date(s.term_end))),
                    ("立卷单位".into(), self.office.name.clone()),
                    ("起止日期".into(), format!("{first}至{last}")),
                    ("保管期限".into(), "定期30年".into()),
                ],
                restricted: s.is_minor_case.then(|| zh::PRINT_MINOR_RESTRICTED.to_string()),
            },
            docs,
            notes: Notes {
                note: if s.is_minor_case {
                    format!("打印用途：{}", purpose.clone().unwrap_or_default())
                } else {
                    String::new()
                },
                corrections,
                filed_by: me,
                filed_on: cn_date(self.today()),
            },
            watermark: Some(self.watermark()),
        };
        let data = serde_json::to_value(&dossier).map_err(AppError::internal)?;
        let all_text = data.to_string();
        let mut printed = self.typeset(
            Template::Dossier,
            data,
            Vec::new(),
            &all_text,
            &format!("{}社区矫正工作档案", s.name),
            req.preview,
        )?;
        // Named like the forms; a minor's by initials (社区矫正法 Art 54).
        printed.file_name = format!("{}-社区矫正工作档案-{}.pdf", super::file_label(&s), self.today().format("%Y%m%d"));
        self.log_print(
            "print_dossier",
            &s.id.to_string(),
            serde_json::json!({ "documents": dossier.docs.len(), "pages": printed.pages, "purpose": purpose, "minor": s.is_minor_case }),
        )?;
        Ok(printed)
    }

    /// The documents of one section, each with the date it sorts by.
    fn section_docs(
        &mut self,
        s: &Subject,
        section: Section,
        look: &Lookups,
    ) -> Result<Vec<(String, DossierDoc)>, AppError> {
        let names = &look.names;
        let mut out = Vec::new();
        let office = self.office.name.clone();
        let sid = s.id;
        // A record without a form of its own, laid out from its fields.
        let generic =
            |out: &mut Vec<(String, DossierDoc)>, title: &str, date: chrono::NaiveDate, rec: &dyn erased::Json| {
                let json = rec.json();
                let by = json["recorded_by"].as_str().map(|id| staff_name(names, id)).unwrap_or_default();
                let at = json["recorded_at"].as_str().map(crate::zh::local_time).unwrap_or_default();
                let doc = generic_doc(&office, s, title, date, &json, (by, at), office.clone());
                out.push((date.to_string(), doc));
            };
        match section {
            Section::Intake => {
                let id = RecordId::parse(&sid.to_string()).expect("ids are uuids");
                out.push(self.form_doc(
                    look,
                    FormKind::BasicInfo,
                    id,
                    s.reported_on.unwrap_or(s.term_start),
                    office.clone(),
                )?);
                for e in current(self.store.records_of::<SubjectEvent>(sid)?)
                    .into_iter()
                    .filter(|e| !ends_correction(e.kind))
                {
                    generic(&mut out, zh::subject_event(e.kind), e.event_date, &e);
                }
                for p in current(self.store.records_of::<CorrectionPlan>(sid)?) {
                    generic(&mut out, &format!("矫正方案（第{}版）", p.plan_version), p.effective_from, &p);
                }
                for c in current(self.store.records_of::<ClassChange>(sid)?) {
                    generic(&mut out, "分类管理审批表", c.proposed_on, &c);
                }
            }
            Section::Reports => {
                for r in current(self.store.records_of::<Report>(sid)?) {
                    generic(&mut out, &format!("{}记录", label("report_method", r.method)), r.report_date, &r);
                }
            }
            Section::Visits => {
                for v in current(self.store.records_of::<Visit>(sid)?) {
                    out.push(self.form_doc(look, FormKind::Visit, v.id, v.visit_date, office.clone())?);
                }
                for c in current(self.store.records_of::<ItCheck>(sid)?) {
                    generic(&mut out, "信息化核查记录", c.check_date, &c);
                }
                for t in current(self.store.records_of::<Talk>(sid)?) {
                    out.push(self.form_doc(look, FormKind::Talk, t.id, t.talk_date, office.clone())?);
                }
            }
            Section::Leaves => {
                for l in self.list_leaves(Some(sid))? {
                    out.push(self.form_doc(
                        look,
                        FormKind::LeaveApproval,
                        l.leave.id,
                        l.leave.applied_on,
                        office.clone(),
                    )?);
                    if l.events.iter().any(|e| e.kind == jiaowu_domain::leave::LeaveEventKind::Return) {
                        out.push(self.form_doc(look, FormKind::LeaveReturn, l.leave.id, l.due_back, office.clone())?);
                    }
                }
            }
            Section::Education => {
                let attended: HashSet<RecordId> =
                    current(self.store.records_of::<StudyAttendance>(sid)?).into_iter().map(|a| a.session_id).collect();
                for x in
                    current(self.store.all_records::<StudySession>()?).into_iter().filter(|x| attended.contains(&x.id))
                {
                    out.push(self.form_doc(look, FormKind::StudyRecord, x.id, x.session_date, office.clone())?);
                }
                let served: HashSet<RecordId> = current(self.store.records_of::<ServiceParticipation>(sid)?)
                    .into_iter()
                    .map(|p| p.activity_id)
                    .collect();
                for a in
                    current(self.store.all_records::<ServiceActivity>()?).into_iter().filter(|a| served.contains(&a.id))
                {
                    out.push(self.form_doc(look, FormKind::ServiceRecord, a.id, a.activity_date, office.clone())?);
                }
            }
            Section::Help => {
                for h in current(self.store.records_of::<HelpRecord>(sid)?) {
                    generic(&mut out, "帮扶记录", h.help_date, &h);
                }
                for c in current(self.store.records_of::<Counselling>(sid)?) {
                    generic(&mut out, "心理/法律辅导记录", c.session_date, &c);
                }
            }
            Section::Assessments => {
                for a in current(self.store.records_of::<Assessment>(sid)?) {
                    out.push(self.form_doc(look, FormKind::MonthlyAssessment, a.id, a.period_end, office.clone())?);
                }
                for x in current(self.store.records_of::<Sanction>(sid)?) {
                    out.push(self.form_doc(look, FormKind::SanctionApproval, x.id, x.proposed_on, office.clone())?);
                }
            }
            Section::Release => {
                for e in
                    current(self.store.records_of::<SubjectEvent>(sid)?).into_iter().filter(|e| ends_correction(e.kind))
                {
                    generic(&mut out, zh::subject_event(e.kind), e.event_date, &e);
                }
                for r in current(self.store.records_of::<ReleaseStep>(sid)?) {
                    generic(&mut out, &label("release_step_kind", r.kind), r.done_on, &r);
                }
            }
        }
        Ok(out)
    }

    fn form_doc(
        &mut self,
        look: &Lookups,
        kind: FormKind,
        id: RecordId,
        date: chrono::NaiveDate,
        author: String,
    ) -> Result<(String, DossierDoc), AppError> {
        let (form, _, _) = self.build_form(kind, id, look)?;
        Ok((date.to_string(), doc(form, author, date)))
    }

    /// 备考表's corrections: each corrected record with the fields it changed.
    fn corrections(
        &self,
        s: &Subject,
        names: &std::collections::HashMap<String, String>,
    ) -> Result<Vec<CorrectionNote>, AppError> {
        let mut out = Vec::new();
        macro_rules! scan {
            ($($t:ty => $title:expr),* $(,)?) => {$({
                let rows = self.store.records_of::<$t>(s.id)?;
                for new in rows.iter().filter(|r| r.recorded.supersedes.is_some()) {
                    let Some(old) = rows.iter().find(|r| Some(r.id) == new.recorded.supersedes) else { continue };
                    let (before, after) = changed(&serde_json::to_value(old).unwrap_or_default(), &serde_json::to_value(new).unwrap_or_default());
                    out.push(CorrectionNote {
                        record: $title.to_string(),
                        before,
                        after,
                        reason: new.recorded.correction_reason.clone().unwrap_or_default(),
                        by: staff_name(names, &new.recorded.recorded_by),
                        at: crate::zh::local_time(&new.recorded.recorded_at.to_rfc3339()),
                    });
                }
            })*};
        }
        scan!(Visit => "走访记录", Talk => "谈话记录", Report => "报告记录", ItCheck => "信息化核查记录", Assessment => "月度考核表",
              Sanction => "奖惩审批表", CorrectionPlan => "矫正方案", HelpRecord => "帮扶记录", Counselling => "辅导记录", ReleaseStep => "解矫手续");
        Ok(out)
    }
}

/// Any record as the JSON the generic form lays out.
mod erased {
    pub trait Json {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}

fn doc(form: Form, author: String, date: chrono::NaiveDate) -> DossierDoc {
    DossierDoc {
        title: form.title.clone(),
        doc_no: form.doc_no.clone(),
        author,
        date: date.format("%Y-%m-%d").to_string(),
        remark: None,
        data: form,
    }
}

/// Fields a printed record does not show (ids and bookkeeping).
const HIDDEN: &[&str] = &[
    "id",
    "subject_id",
    "recorded",
    "office_id",
    "session_id",
    "activity_id",
    "leave_id",
    "episode_id",
    "permit_id",
    "campaign_id",
    "target_id",
    "supersedes",
    "correction_reason",
    // Printed as one 登记 row, with a name rather than an account id.
    "recorded_by",
    "recorded_at",
];

/// A record without a form of its own: its fields in order, labelled.
fn generic_doc(
    office: &str,
    s: &Subject,
    title: &str,
    date: chrono::NaiveDate,
    json: &serde_json::Value,
    (recorded_by, recorded_at): (String, String),
    author: String,
) -> DossierDoc {
    let mut f = Form::new("record", title, office);
    f.row(&[("姓名", s.name.clone()), ("矫正类别", label("sentence_type", s.sentence_type)), ("日期", cn_date(date))]);
    if let Some(obj) = json.as_object() {
        for (k, v) in obj {
            if HIDDEN.contains(&k.as_str()) || v.is_null() {
                continue;
            }
            let text = value_text(v);
            if text.chars().count() > 40 {
                f.block(field_label(k), text, 3);
            } else {
                f.row(&[(field_label(k), text)]);
            }
        }
    }
    f.row(&[("登记人", recorded_by), ("登记时间", recorded_at)]);
    doc(f, author, date)
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.parse::<chrono::NaiveDate>().map(cn_date).unwrap_or_else(|_| option_label(s)),
        serde_json::Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        serde_json::Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

/// An enum value's label from whichever option group knows it (values are distinct enough).
fn option_label(s: &str) -> String {
    crate::options::any_option_label(s).unwrap_or(s).to_string()
}

/// Printed labels of record fields (the generic form).
fn field_label(k: &str) -> &'static str {
    match k {
        "kind" => "类别",
        "event_date" => "日期",
        "doc_no" => "文书编号",
        "organ" => "机关",
        "detail" => "情况",
        "plan_version" => "版本",
        "effective_from" => "施行日期",
        "basic_info" => "基本情况",
        "assessment" => "评估",
        "psychology" => "心理状况",
        "measures" => "矫正措施",
        "extra_duties" => "其他义务",
        "adjustment_reason" => "调整理由",
        "old_class" => "原管理等级",
        "new_class" => "拟调整为",
        "reason" => "理由",
        "proposed_on" => "提请日期",
        "office_opinion" => "司法所意见",
        "report_date" => "报告日期",
        "report_time" => "时间",
        "method" => "方式",
        "received_by" => "接收人",
        "content" => "内容",
        "anomalies" => "异常情况",
        "follow_up" => "后续措施",
        "check_date" => "核查日期",
        "result" => "结果",
        "device_id" => "设备",
        "help_date" => "日期",
        "outcome" => "效果",
        "session_date" => "日期",
        "counsellor" => "辅导人",
        "summary" => "概要",
        "done_on" => "日期",
        "start_time" => "开始时间",
        "end_time" => "结束时间",
        "place_type" => "走访地点类别",
        "address" => "地址",
        "visitors" => "走访人员",
        "interviewees" => "走访对象",
        "subject_present" => "本人在场",
        "problems" => "存在的问题",
        "place" => "地点",
        "talk_type" => "谈话类型",
        "talkers" => "谈话人",
        "note_taker" => "记录人",
        "period_start" => "考核起日",
        "period_end" => "考核止日",
        "grade" => "考核结果",
        "score" => "考核得分",
        "items" => "考核情况",
        "reviewer" => "考核人",
        "facts" => "事实",
        "evidence" => "证据",
        "legal_basis" => "依据",
        other => zh::field(other),
    }
}

/// The fields that differ between two versions of a record, as "label：value" lists.
fn changed(old: &serde_json::Value, new: &serde_json::Value) -> (String, String) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    if let (Some(o), Some(n)) = (old.as_object(), new.as_object()) {
        for (k, nv) in n {
            if HIDDEN.contains(&k.as_str()) {
                continue;
            }
            let ov = o.get(k).cloned().unwrap_or(serde_json::Value::Null);
            if &ov != nv {
                before.push(format!("{}：{}", field_label(k), value_text(&ov)));
                after.push(format!("{}：{}", field_label(k), value_text(nv)));
            }
        }
    }
    (before.join("；"), after.join("；"))
}

/// Events that end the correction (解除、终止: 社区矫正法 ch. 6) are filed under 解除矫正 with
/// the release steps, not with the intake's 报到 and 宣告.
fn ends_correction(kind: SubjectEventKind) -> bool {
    use SubjectEventKind as K;
    matches!(
        kind,
        K::ReleasedExpiry | K::ReleasedAmnesty | K::RevokedProbation | K::RevokedParole | K::ReturnedToPrison | K::Died
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field a correction can change is named on the 备考表 (no "该项：…"): each kind of
    /// record the 备考表 lists, as the demo office writes them.
    #[test]
    fn every_corrected_field_has_a_printed_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut core = crate::testing::office(dir.path(), crate::testing::day(2026, 11, 23), true);
        core.seed_demo(&crate::demo::DemoSpec { seed: 7, subjects: 12, years: 1 }).unwrap();
        let mut unnamed = Vec::new();
        let mut check = |kind: &str, json: Option<serde_json::Value>| {
            let json = json.unwrap_or_else(|| panic!("the demo has no {kind}"));
            for k in json.as_object().unwrap().keys().filter(|k| !HIDDEN.contains(&k.as_str())) {
                if field_label(k) == zh::field("no such field") {
                    unnamed.push(format!("{kind}.{k}"));
                }
            }
        };
        macro_rules! each {
            ($($t:ty),*) => {$(
                let first = core.store.all_records::<$t>().unwrap().into_iter().next();
                check(stringify!($t), first.map(|r| serde_json::to_value(r).unwrap()));
            )*};
        }
        each!(Visit, Talk, Report, ItCheck, Assessment, Sanction, CorrectionPlan, HelpRecord, Counselling, ReleaseStep);
        assert!(unnamed.is_empty(), "printed as 该项: {unnamed:?}");
    }
}
