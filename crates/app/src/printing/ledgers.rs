//! 台账 (domain.md §20) as one .xlsx workbook for a month or a year: subjects on register,
//! visits, leaves, study attendance, public-welfare hours, sanctions, and the statistics page
//! (the same figures as 台账统计 on screen).

use chrono::NaiveDate;
use jiaowu_documents::ledger::{workbook, Cell, Sheet};
use jiaowu_store::queries::current;
use jiaowu_store::*;
use serde::Deserialize;

use super::{label, opt};
use crate::statistics::{Figure, StatisticsQuery};
use crate::{zh, AppError, Core};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Core {
    /// 导出台账: the office's ledgers for the period as .xlsx bytes.
    pub fn export_ledgers(&mut self, req: LedgerRequest) -> Result<Vec<u8>, AppError> {
        let (from, to) = (req.from, req.to);
        let stats = self.office_statistics(StatisticsQuery { from, to })?;
        let period = format!("{}（{}至{}）", self.office.name, from, to);
        let subjects = self.store.subjects()?;
        let exited = self.exited()?;
        let by_id: std::collections::HashMap<_, _> = subjects.iter().map(|s| (s.id, s)).collect();
        let name = |id: &jiaowu_domain::ids::SubjectId| by_id.get(id).map(|s| s.name.clone()).unwrap_or_default();
        let within = |d: NaiveDate| from <= d && d <= to;

        let register = subjects
            .iter()
            .filter(|s| s.status.on_register() && !exited.contains(&s.id.to_string()))
            .map(|s| {
                vec![
                    s.name.clone().into(),
                    label("sex", s.sex).into(),
                    label("sentence_type", s.sentence_type).into(),
                    s.crime.clone().into(),
                    s.term_start.to_string().into(),
                    s.term_end.to_string().into(),
                    label("class", s.class).into(),
                    label("status", s.status).into(),
                    (if s.is_minor_case { "是" } else { "否" }).into(),
                ]
            })
            .collect();
        let visits = current(self.store.all_records::<Visit>()?)
            .into_iter()
            .filter(|v| within(v.visit_date))
            .map(|v| {
                vec![
                    v.visit_date.to_string().into(),
                    name(&v.subject_id).into(),
                    label("place_type", v.place_type).into(),
                    label("contact_method", v.method).into(),
                    v.visitors.join("、").into(),
                    v.findings.into(),
                ]
            })
            .collect();
        let leaves = self
            .list_leaves(None)?
            .into_iter()
            .filter(|l| within(l.leave.applied_on) || within(l.leave.start_date))
            .map(|l| {
                vec![
                    l.leave.applied_on.to_string().into(),
                    l.subject_name.clone().into(),
                    format!("{}至{}", l.leave.start_date, l.leave.end_date).into(),
                    i64::from(l.leave.days).into(),
                    l.leave.destination_detail.clone().into(),
                    label("leave_reason", l.leave.reason_kind).into(),
                    label("authority", l.decided_by).into(),
                    l.state_label.clone().into(),
                ]
            })
            .collect();
        let sessions: std::collections::HashMap<_, _> =
            current(self.store.all_records::<StudySession>()?).into_iter().map(|x| (x.id, x)).collect();
        let attendance = current(self.store.all_records::<StudyAttendance>()?);
        let study = dated_rows(attendance.into_iter().filter_map(|a| {
            let x = sessions.get(&a.session_id).filter(|x| within(x.session_date))?;
            let rest = vec![label("attendance", a.attendance).into(), hours(a.credited_minutes)];
            Some((x.session_date, name(&a.subject_id), x.topic.clone(), rest))
        }));
        let activities: std::collections::HashMap<_, _> =
            current(self.store.all_records::<ServiceActivity>()?).into_iter().map(|x| (x.id, x)).collect();
        let participation = current(self.store.all_records::<ServiceParticipation>()?);
        let service = dated_rows(participation.into_iter().filter_map(|p| {
            let x = activities.get(&p.activity_id).filter(|x| within(x.activity_date))?;
            let rest = vec![hours(p.credited_minutes), opt(&p.exempt_reason).into()];
            Some((x.activity_date, name(&p.subject_id), x.content.clone(), rest))
        }));
        let decisions = self.store.all_records::<Decision>()?;
        let sanctions = current(self.store.all_records::<Sanction>()?)
            .into_iter()
            .filter(|x| within(x.proposed_on))
            .map(|x| {
                let d = decisions.iter().find(|d| d.target_id == x.id);
                vec![
                    x.proposed_on.to_string().into(),
                    name(&x.subject_id).into(),
                    label("sanction_kind", x.kind).into(),
                    x.facts.into(),
                    d.map(|d| if d.approve { "批准" } else { "不批准" }).unwrap_or("待决定").into(),
                    d.and_then(|d| d.doc_no.clone()).unwrap_or_default().into(),
                ]
            })
            .collect();
        let mut stat_rows = Vec::new();
        // Numbers as numbers, so the sheet sums them: a kind of act as two rows (人次, 人), hours
        // exact (the screen rounds them to 0.1).
        for sec in &stats.sections {
            for r in &sec.rows {
                let mut push =
                    |label: String, value: f64| stat_rows.push(vec![sec.title.into(), label.into(), value.into()]);
                match r.figure {
                    Figure::Acts { events, subjects } => {
                        push(zh::ledger_per_events(&r.label), f64::from(events));
                        push(zh::ledger_per_subjects(&r.label), f64::from(subjects));
                    }
                    Figure::Count(n) => push(r.label.clone(), n as f64),
                    Figure::Minutes(m) => push(r.label.clone(), m as f64 / 60.0),
                }
            }
        }
        let sheet = |name: &str, columns: &[&str], rows: Vec<Vec<Cell>>| Sheet {
            name: name.into(),
            title: format!("{name}　{period}"),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
        };
        let sheets = vec![
            sheet(zh::LEDGER_STATS, &["项目", "指标", "数值"], stat_rows),
            sheet(
                zh::LEDGER_REGISTER,
                &["姓名", "性别", "矫正类别", "罪名", "矫正起日", "矫正止日", "管理等级", "状态", "未成年"],
                register,
            ),
            sheet(zh::LEDGER_VISITS, &["走访日期", "姓名", "地点", "方式", "走访人员", "走访情况"], visits),
            sheet(
                zh::LEDGER_LEAVES,
                &["申请日期", "姓名", "外出期间", "天数", "目的地", "事由", "审批层级", "状态"],
                leaves,
            ),
            sheet(zh::LEDGER_STUDY, &["学习日期", "姓名", "学习内容", "出勤", "计入小时"], study),
            sheet(zh::LEDGER_SERVICE, &["活动日期", "姓名", "活动内容", "计入小时", "免除/减少原因"], service),
            sheet(zh::LEDGER_SANCTIONS, &["提请日期", "姓名", "类别", "事实", "决定", "文号"], sanctions),
        ];
        let bytes = workbook(&sheets).map_err(AppError::internal)?;
        let (session, now) = (self.session.clone(), self.clock.now());
        let detail = serde_json::json!({ "from": from, "to": to, "sheets": sheets.iter().map(|s| (s.name.clone(), s.rows.len())).collect::<Vec<_>>() });
        self.store.write(&session, now, |tx| {
            tx.audit_only("export_ledger", "documents", &format!("{from}..{to}"), &detail)
        })?;
        Ok(bytes)
    }
}

/// Rows of the study and service sheets, `[date, name, what, ..rest]`, by date, then name, then
/// what (one subject at two sessions on a day). Sorted on the values, not on the cells' text.
fn dated_rows(items: impl Iterator<Item = (NaiveDate, String, String, Vec<Cell>)>) -> Vec<Vec<Cell>> {
    let mut items: Vec<_> = items.collect();
    items.sort_by(|a, b| (a.0, &a.1, &a.2).cmp(&(b.0, &b.1, &b.2)));
    items
        .into_iter()
        .map(|(date, name, what, rest)| {
            let mut row: Vec<Cell> = vec![date.to_string().into(), name.into(), what.into()];
            row.extend(rest);
            row
        })
        .collect()
}

/// Credited minutes as the hours the ledgers count in.
fn hours(minutes: u32) -> Cell {
    (f64::from(minutes) / 60.0).into()
}
