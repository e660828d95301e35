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

use super::{cn_date, label, opt, staff_name, FormKind, Lookups, Printed};
use crate::records::RecordKind;
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
        // Applications and proposals with no decision on file yet (实施办法 Arts 21, 29, 30).
        let undecided = |id: RecordId| !decisions.iter().any(|d| d.target_id == id);
        for c in current(self.store.records_of::<ClassChange>(s.id)?).into_iter().filter(|c| undecided(c.id)) {
            gap(Section::Intake, zh::gap_unsigned("分类管理审批表", &cn_date(c.proposed_on), "县级决定"));
        }
        for p in current(self.store.records_of::<TravelPermit>(s.id)?).into_iter().filter(|p| undecided(p.id)) {
            let title = format!("{}审批表", label("permit_kind", p.kind));
            gap(Section::Leaves, zh::gap_unsigned(&title, &cn_date(p.applied_on), "审批决定"));
        }
        for c in current(self.store.records_of::<PlaceChange>(s.id)?).into_iter().filter(|c| undecided(c.id)) {
            gap(Section::Leaves, zh::gap_unsigned("变更执行地申请", &cn_date(c.applied_on), "县级决定"));
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

    /// The documents of one section, each with the date it sorts by: the section's forms that
    /// are not records of one kind (基本信息表, leave, group sessions), then every kind of record
    /// filed under it (`filed_under`).
    fn section_docs(
        &mut self,
        s: &Subject,
        section: Section,
        look: &Lookups,
    ) -> Result<Vec<(String, DossierDoc)>, AppError> {
        let mut out = Vec::new();
        let author = toc_author(&self.office.name);
        let sid = s.id;
        match section {
            Section::Intake => {
                let id = RecordId::parse(&sid.to_string()).expect("ids are uuids");
                out.push(self.form_doc(
                    look,
                    FormKind::BasicInfo,
                    id,
                    s.reported_on.unwrap_or(s.term_start),
                    author.clone(),
                )?);
            }
            Section::Leaves => {
                for l in self.list_leaves(Some(sid))? {
                    let mut approval =
                        self.form_doc(look, FormKind::LeaveApproval, l.leave.id, l.leave.applied_on, author.clone())?;
                    approval.1.doc_no = super::forms::leave_doc_no(&l);
                    out.push(approval);
                    // Dated the day the subject reported back.
                    let back = l.events.iter().find(|e| e.kind == jiaowu_domain::leave::LeaveEventKind::Return);
                    if let Some(back) = back {
                        out.push(self.form_doc(
                            look,
                            FormKind::LeaveReturn,
                            l.leave.id,
                            back.event_date,
                            author.clone(),
                        )?);
                    }
                }
            }
            Section::Education => {
                let attended: HashSet<RecordId> =
                    current(self.store.records_of::<StudyAttendance>(sid)?).into_iter().map(|a| a.session_id).collect();
                for x in
                    current(self.store.all_records::<StudySession>()?).into_iter().filter(|x| attended.contains(&x.id))
                {
                    out.push(self.form_doc(look, FormKind::StudyRecord, x.id, x.session_date, author.clone())?);
                }
                let served: HashSet<RecordId> = current(self.store.records_of::<ServiceParticipation>(sid)?)
                    .into_iter()
                    .map(|p| p.activity_id)
                    .collect();
                for a in
                    current(self.store.all_records::<ServiceActivity>()?).into_iter().filter(|a| served.contains(&a.id))
                {
                    out.push(self.form_doc(look, FormKind::ServiceRecord, a.id, a.activity_date, author.clone())?);
                }
            }
            Section::Reports | Section::Visits | Section::Help | Section::Assessments | Section::Release => {}
        }
        for kind in RecordKind::ALL.into_iter().filter(|k| filed_under(*k).contains(&section)) {
            self.kind_docs(s, kind, section, look, &mut out)?;
        }
        Ok(out)
    }

    /// The documents for one subject's records of one kind, in `section`.
    fn kind_docs(
        &mut self,
        s: &Subject,
        kind: RecordKind,
        section: Section,
        look: &Lookups,
        out: &mut Vec<(String, DossierDoc)>,
    ) -> Result<(), AppError> {
        let names = &look.names;
        let office = self.office.name.clone();
        let author = toc_author(&office);
        let sid = s.id;
        let signed = |fields: &[(String, serde_json::Value)]| {
            let field = |k: &str| fields.iter().find(|(f, _)| f == k).and_then(|(_, v)| v.as_str());
            let by = field("recorded_by").map(|id| staff_name(names, id)).unwrap_or_default();
            let at = field("recorded_at").map(crate::zh::local_time).unwrap_or_default();
            (by, at)
        };
        // A record without a form of its own, laid out from its fields; `more` adds what the
        // record points to (a decision, the steps of an episode).
        let generic = |out: &mut Vec<(String, DossierDoc)>,
                       title: &str,
                       date: chrono::NaiveDate,
                       rec: &dyn erased::Json,
                       more: &dyn Fn(&mut Form)| {
            let fields = rec.fields();
            let mut f = generic_form(&office, s, title, date, &fields);
            more(&mut f);
            let (by, at) = signed(&fields);
            f.row(&[("登记人", by), ("登记时间", at)]);
            out.push((date.to_string(), doc(f, author.clone(), date)));
        };
        let none = |_: &mut Form| {};
        // The 目录's 文号 of a document a decision answered: the decision's number.
        let numbered = |out: &mut Vec<(String, DossierDoc)>, ds: &[Decision], id: RecordId| {
            if let Some(last) = out.last_mut() {
                last.1.doc_no = decision_of(ds, id).and_then(|d| d.doc_no.clone());
            }
        };
        use RecordKind as K;
        match kind {
            K::SubjectEvent => {
                let release = section == Section::Release;
                for e in current(self.store.records_of::<SubjectEvent>(sid)?)
                    .into_iter()
                    .filter(|e| ends_correction(e.kind) == release)
                {
                    generic(out, zh::subject_event(e.kind), e.event_date, &e, &none);
                    // The 目录's 文号: the organ's document the event rests on.
                    if let Some(last) = out.last_mut() {
                        last.1.doc_no = e.doc_no.clone().filter(|n| !n.trim().is_empty());
                    }
                }
            }
            K::TeamMember => {
                // One list of the 矫正小组 (实施办法 Art 19), as the team's 责任书 names it.
                let members = current(self.store.records_of::<TeamMember>(sid)?);
                if let Some(first) = members.iter().map(|m| m.joined_on).min() {
                    let mut f = Form::new("record", "矫正小组成员名单", &office);
                    f.row(&[("姓名", s.name.clone()), ("矫正类别", label("sentence_type", s.sentence_type))]);
                    let rows = members
                        .iter()
                        .map(|m| {
                            vec![
                                m.member_name.clone(),
                                label("sex", m.sex),
                                // 组长 once, whether or not the relation already says so.
                                match m.is_leader && !m.relation.contains("组长") {
                                    true => format!("{}（组长）", m.relation),
                                    false => m.relation.clone(),
                                },
                                opt(&m.unit),
                                opt(&m.phone),
                                cn_date(m.joined_on),
                                m.left_on.map(cn_date).unwrap_or_default(),
                            ]
                        })
                        .collect();
                    // Shares of 100: a date (6.5 em) and a mobile number each on one line.
                    let columns = [
                        ("姓名", 9),
                        ("性别", 6),
                        ("身份", 16),
                        ("工作单位", 16),
                        ("联系电话", 15),
                        ("加入日期", 19),
                        ("退出日期", 19),
                    ];
                    f.table_weighted(&columns, rows);
                    out.push((first.to_string(), doc(f, author.clone(), first)));
                }
            }
            K::CorrectionPlan => {
                for p in current(self.store.records_of::<CorrectionPlan>(sid)?) {
                    generic(out, &format!("矫正方案（第{}版）", p.plan_version), p.effective_from, &p, &none);
                }
            }
            K::ClassChange => {
                let ds = current(self.store.records_of::<Decision>(sid)?);
                for c in current(self.store.records_of::<ClassChange>(sid)?) {
                    generic(out, "分类管理审批表", c.proposed_on, &c, &|f| decided(f, &ds, c.id));
                    numbered(out, &ds, c.id);
                }
            }
            K::Hazard => {
                let campaigns = current(self.store.all_records::<ScreeningCampaign>()?);
                for h in current(self.store.records_of::<Hazard>(sid)?) {
                    let campaign = campaigns.iter().find(|c| c.id == h.campaign_id).map(|c| c.name.clone());
                    // A hazard's measures are 防控措施, not a plan's 矫正措施.
                    let fields = erased::Fields(
                        erased::Json::fields(&h)
                            .into_iter()
                            .map(|(k, v)| (if k == "measures" { "prevention".into() } else { k }, v))
                            .collect(),
                    );
                    generic(out, "风险隐患排查记录", h.found_on, &fields, &|f| {
                        f.row(&[("排查活动", campaign.clone().unwrap_or_default())]);
                    });
                }
            }
            K::Report => {
                for r in current(self.store.records_of::<Report>(sid)?) {
                    generic(out, &format!("{}记录", label("report_method", r.method)), r.report_date, &r, &none);
                }
            }
            K::MedicalReport => {
                // 暂予监外执行: health reports and re-examinations (实施办法 Art 24).
                for r in current(self.store.records_of::<MedicalReport>(sid)?) {
                    generic(out, &format!("{}记录", label("medical_report_kind", r.kind)), r.report_date, &r, &none);
                }
            }
            K::Visit => {
                for v in current(self.store.records_of::<Visit>(sid)?) {
                    out.push(self.form_doc(look, FormKind::Visit, v.id, v.visit_date, author.clone())?);
                }
            }
            K::ItCheck => {
                for c in current(self.store.records_of::<ItCheck>(sid)?) {
                    generic(out, "信息化核查记录", c.check_date, &c, &none);
                }
            }
            K::Talk => {
                for t in current(self.store.records_of::<Talk>(sid)?) {
                    out.push(self.form_doc(look, FormKind::Talk, t.id, t.talk_date, author.clone())?);
                }
            }
            K::LostContactEpisode => {
                // 失联 and the search for the subject, step by step (社区矫正法 Art 30).
                let steps = current(self.store.records_of::<LostContactStep>(sid)?);
                for e in current(self.store.records_of::<LostContactEpisode>(sid)?) {
                    let rows: Vec<Vec<String>> = steps
                        .iter()
                        .filter(|st| st.episode_id == e.id)
                        .map(|st| {
                            vec![
                                crate::zh::local_time(&st.step_at.to_rfc3339()),
                                label("lost_contact_step_kind", st.kind),
                                opt(&st.method),
                                st.result.clone(),
                            ]
                        })
                        .collect();
                    generic(out, "失联查找记录", e.started_on, &e, &|f| {
                        f.table_weighted(&[("时间", 2), ("类别", 2), ("方式", 2), ("情况", 5)], rows.clone());
                    });
                }
            }
            // Printed with their episode.
            K::LostContactStep => {}
            K::TravelPermit => {
                // 经常性跨市县活动 / 经营性外出 (实施办法 Art 29), its decision and the trips made on it.
                let ds = current(self.store.records_of::<Decision>(sid)?);
                let trips = current(self.store.records_of::<TravelTrip>(sid)?);
                for p in current(self.store.records_of::<TravelPermit>(sid)?) {
                    let rows: Vec<Vec<String>> = trips
                        .iter()
                        .filter(|t| t.permit_id == p.id)
                        .map(|t| {
                            vec![
                                cn_date(t.trip_start),
                                cn_date(t.trip_end),
                                t.destination.clone(),
                                t.reported_via.clone(),
                            ]
                        })
                        .collect();
                    let title = format!("{}审批表", label("permit_kind", p.kind));
                    generic(out, &title, p.applied_on, &p, &|f| {
                        decided(f, &ds, p.id);
                        if !rows.is_empty() {
                            let columns = [("外出日期", 2), ("返回日期", 2), ("目的地", 3), ("报告方式", 3)];
                            f.table_weighted(&columns, rows.clone());
                        }
                    });
                    numbered(out, &ds, p.id);
                }
            }
            // Printed with their permit.
            K::TravelTrip => {}
            K::PlaceChange => {
                let ds = current(self.store.records_of::<Decision>(sid)?);
                for c in current(self.store.records_of::<PlaceChange>(sid)?) {
                    generic(out, "变更执行地申请", c.applied_on, &c, &|f| decided(f, &ds, c.id));
                    numbered(out, &ds, c.id);
                }
            }
            K::LedgerEntry => {
                for e in current(self.store.records_of::<LedgerEntry>(sid)?) {
                    generic(out, "账本式教育记录", e.entry_date, &e, &none);
                }
            }
            K::Help => {
                for h in current(self.store.records_of::<HelpRecord>(sid)?) {
                    generic(out, "帮扶记录", h.help_date, &h, &none);
                }
            }
            K::Counselling => {
                for c in current(self.store.records_of::<Counselling>(sid)?) {
                    let title = format!("{}记录", label("counselling_kind", c.kind));
                    generic(out, &title, c.session_date, &c, &none);
                }
            }
            K::Assessment => {
                for a in current(self.store.records_of::<Assessment>(sid)?) {
                    out.push(self.form_doc(look, FormKind::MonthlyAssessment, a.id, a.period_end, author.clone())?);
                }
            }
            K::Sanction => {
                let ds = current(self.store.records_of::<Decision>(sid)?);
                for x in current(self.store.records_of::<Sanction>(sid)?) {
                    let mut d = self.form_doc(look, FormKind::SanctionApproval, x.id, x.proposed_on, author.clone())?;
                    d.1.doc_no = decision_of(&ds, x.id).and_then(|d| d.doc_no.clone());
                    out.push(d);
                }
            }
            K::ReleaseStep => {
                for r in current(self.store.records_of::<ReleaseStep>(sid)?) {
                    generic(out, &label("release_step_kind", r.kind), r.done_on, &r, &none);
                }
            }
        }
        Ok(())
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
        // Every kind of record a clerk can correct (`RecordKind::ALL`), by the name the app gives it.
        use RecordKind as K;
        scan!(Visit => zh::record_kind(K::Visit), Report => zh::record_kind(K::Report), ItCheck => zh::record_kind(K::ItCheck),
              Talk => zh::record_kind(K::Talk), MedicalReport => zh::record_kind(K::MedicalReport),
              TeamMember => zh::record_kind(K::TeamMember), CorrectionPlan => zh::record_kind(K::CorrectionPlan),
              Assessment => zh::record_kind(K::Assessment), ReleaseStep => zh::record_kind(K::ReleaseStep),
              LedgerEntry => zh::record_kind(K::LedgerEntry), Counselling => zh::record_kind(K::Counselling),
              HelpRecord => zh::record_kind(K::Help), Sanction => zh::record_kind(K::Sanction),
              ClassChange => zh::record_kind(K::ClassChange), PlaceChange => zh::record_kind(K::PlaceChange),
              TravelPermit => zh::record_kind(K::TravelPermit), TravelTrip => zh::record_kind(K::TravelTrip),
              LostContactEpisode => zh::record_kind(K::LostContactEpisode),
              LostContactStep => zh::record_kind(K::LostContactStep), Hazard => zh::record_kind(K::Hazard),
              SubjectEvent => zh::record_kind(K::SubjectEvent));
        Ok(out)
    }
}

/// Any record as the fields the generic form lays out, in the order the record declares them
/// (a `serde_json::Value` would sort them by name: 司法所意见 before 理由).
mod erased {
    use serde::de::{MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde_json::Value;

    pub trait Json {
        fn fields(&self) -> Vec<(String, Value)>;
    }
    impl<T: serde::Serialize> Json for T {
        fn fields(&self) -> Vec<(String, Value)> {
            // The text keeps the declared order; reading it back entry by entry keeps it too.
            let text = serde_json::to_string(self).unwrap_or_default();
            let mut de = serde_json::Deserializer::from_str(&text);
            serde::Deserializer::deserialize_map(&mut de, Entries).unwrap_or_default()
        }
    }

    struct Entries;
    impl<'de> Visitor<'de> for Entries {
        type Value = Vec<(String, Value)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a record")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(entry) = map.next_entry::<String, Value>()? {
                out.push(entry);
            }
            Ok(out)
        }
    }

    /// Fields already taken apart (to rename one), laid out in their order.
    pub struct Fields(pub Vec<(String, Value)>);
    impl serde::Serialize for Fields {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                m.serialize_entry(k, v)?;
            }
            m.end()
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
fn generic_form(
    office: &str,
    s: &Subject,
    title: &str,
    date: chrono::NaiveDate,
    fields: &[(String, serde_json::Value)],
) -> Form {
    let mut f = Form::new("record", title, office);
    f.row(&[("姓名", s.name.clone()), ("矫正类别", label("sentence_type", s.sentence_type)), ("日期", cn_date(date))]);
    for (k, v) in fields {
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
    f
}

/// The decision on a proposal or application (the county's, or the office's where delegated),
/// as its latest current decision stands.
fn decided(f: &mut Form, decisions: &[Decision], target: RecordId) {
    let d = decision_of(decisions, target);
    let by = d.map(|d| d.decided_by).unwrap_or(DecidedBy::County);
    let (text, date) = super::forms::decision_opinion(d);
    let who = if by == DecidedBy::County { "县级社区矫正机构意见" } else { "司法所意见" };
    f.opinion(who, text, "负责人签名", true, date);
}

/// The office as the 卷内目录's 责任者: its usual short name (DA/T 22 takes the full name or
/// its standard short form), so that the narrow column holds it on one line. A note in
/// brackets and the county before the township go: "正定县城关镇司法所（演示）" → "城关镇司法所".
fn toc_author(office: &str) -> String {
    let mut name = office.trim();
    if let Some(i) = name.find(['（', '(']).filter(|i| *i > 0) {
        name = name[..i].trim_end();
    }
    // Beyond six characters the column wraps (toc.rs COLUMNS_MM).
    if name.chars().count() > 6 {
        if let Some((i, c)) = name.char_indices().rfind(|(_, c)| matches!(c, '县' | '市' | '区' | '旗')) {
            let rest = &name[i + c.len_utf8()..];
            if rest.chars().count() >= 4 {
                name = rest;
            }
        }
    }
    name.to_string()
}

/// The latest current decision on a record.
fn decision_of(decisions: &[Decision], target: RecordId) -> Option<&Decision> {
    decisions.iter().filter(|d| d.target_id == target).max_by_key(|d| d.decision_date)
}

/// Where each kind of record is filed in the work dossier (domain.md §19: team, plan, risk and
/// class decisions with the intake; medical reports with the reports; the search for a lost
/// subject with the checks on where they are; travel permits and change of place with the
/// leave approvals; 账本式教育 with education). Exhaustive, so that a new kind of record
/// cannot be left out of the dossier unnoticed.
fn filed_under(kind: RecordKind) -> &'static [Section] {
    use RecordKind as K;
    use Section as S;
    match kind {
        K::SubjectEvent => &[S::Intake, S::Release],
        K::TeamMember | K::CorrectionPlan | K::ClassChange | K::Hazard => &[S::Intake],
        K::Report | K::MedicalReport => &[S::Reports],
        K::Visit | K::ItCheck | K::Talk | K::LostContactEpisode | K::LostContactStep => &[S::Visits],
        K::TravelPermit | K::TravelTrip | K::PlaceChange => &[S::Leaves],
        K::LedgerEntry => &[S::Education],
        K::Help | K::Counselling => &[S::Help],
        K::Assessment | K::Sanction => &[S::Assessments],
        K::ReleaseStep => &[S::Release],
    }
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
        "member_name" => "姓名",
        "relation" => "身份",
        "unit" => "工作单位",
        "is_leader" => "组长",
        "joined_on" => "加入日期",
        "left_on" => "退出日期",
        "hospital" => "医院",
        "business_name" => "经营主体",
        "destinations" => "目的地",
        "frequency" => "外出频次",
        "valid_from" => "有效期起日",
        "trip_start" => "外出日期",
        "trip_end" => "返回日期",
        "destination" => "目的地",
        "reported_via" => "报告方式",
        "found_on" => "发现日期",
        "description" => "隐患情况",
        "prevention" => "防控措施",
        "resolved_on" => "消除日期",
        "started_on" => "失联日期",
        "last_contact_on" => "最后联系日期",
        "step_at" => "时间",
        "new_residence_code" => "新执行地行政区划代码",
        "new_residence_detail" => "新执行地详细地址",
        "entry_date" => "日期",
        "theme" => "教育形式",
        "violation_kind" => "违规类型",
        "cost_kind" => "代价",
        "reflection" => "本人感想",
        "decided_by" => "决定机关",
        "approve" => "是否批准",
        "decision_date" => "决定日期",
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

    #[test]
    fn the_toc_names_the_office_short() {
        assert_eq!(toc_author("城关镇司法所（演示）"), "城关镇司法所");
        assert_eq!(toc_author("正定县城关镇司法所"), "城关镇司法所");
        assert_eq!(toc_author("石家庄市长安区建北街道司法所"), "建北街道司法所");
        // A short name, or one with no county before it, stays as it is.
        assert_eq!(toc_author("城关司法所"), "城关司法所");
        assert_eq!(toc_author("东湖新技术开发区司法所"), "东湖新技术开发区司法所");
    }

    /// Every field a correction can change is named on the 备考表 and on the dossier's record
    /// pages (no "该项：…"): each kind of record, as the demo office writes them.
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
        each!(
            Visit,
            Report,
            ItCheck,
            Talk,
            MedicalReport,
            TeamMember,
            CorrectionPlan,
            Assessment,
            ReleaseStep,
            LedgerEntry,
            Counselling,
            HelpRecord,
            Sanction,
            ClassChange,
            PlaceChange,
            TravelPermit,
            TravelTrip,
            LostContactEpisode,
            LostContactStep,
            Hazard,
            SubjectEvent
        );
        assert!(unnamed.is_empty(), "printed as 该项: {unnamed:?}");
    }
}
