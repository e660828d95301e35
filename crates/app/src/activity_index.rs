//! What every subject did, kept in memory for the session and topped up with the rows added since
//! the last look. The home page, the month's duties, the advisor and the ledger all count these;
//! reading three years of full records on each of them cost ~1.7 s for 3,000 subjects (bench),
//! while the activity tables are append-only (corrections are new rows), so the rows read once
//! stay true and only new rowids need reading.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_store::{ActivityDetail, ActivityRow, ActivityTable, Store};

use crate::error::AppError;

#[derive(Default)]
pub(crate) struct ActivityIndex {
    /// Highest rowid read per table, and the id of that row.
    after: HashMap<ActivityTable, (i64, RecordId)>,
    rows: HashMap<ActivityTable, Vec<ActivityRow>>,
}

/// One activity in force, dated (attendance and participation by their session or activity).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dated {
    pub subject: SubjectId,
    pub date: NaiveDate,
    pub minutes: u32,
    pub detail: ActivityDetail,
}

impl ActivityIndex {
    /// Reads the rows added since the last call (all of them on the first). If the last row
    /// read is no longer where it was (the file was restored or rebuilt), reads everything again.
    pub fn refresh(&mut self, store: &Store) -> Result<(), AppError> {
        for t in ActivityTable::ALL {
            let mut after = 0;
            if let Some(&(rowid, id)) = self.after.get(&t) {
                if store.activity_id_at(t, rowid)? == Some(id) {
                    after = rowid;
                } else {
                    self.after.remove(&t);
                    self.rows.remove(&t);
                }
            }
            let new = store.activity_rows_after(t, after)?;
            if let Some(last) = new.last() {
                self.after.insert(t, (last.rowid, last.id));
                self.rows.entry(t).or_default().extend(new);
            }
        }
        Ok(())
    }

    fn table(&self, t: ActivityTable) -> &[ActivityRow] {
        self.rows.get(&t).map_or(&[], Vec::as_slice)
    }

    /// Rows of `t` that no later row corrects.
    fn current(&self, t: ActivityTable) -> impl Iterator<Item = &ActivityRow> {
        let rows = self.table(t);
        let superseded: HashSet<RecordId> = rows.iter().filter_map(|r| r.supersedes).collect();
        rows.iter().filter(move |r| !superseded.contains(&r.id))
    }

    /// Every activity in force, of every subject or of one.
    pub fn dated(&self, scope: Option<SubjectId>) -> Vec<Dated> {
        let dates =
            |t| -> HashMap<RecordId, NaiveDate> { self.current(t).filter_map(|r| r.date.map(|d| (r.id, d))).collect() };
        let sessions = dates(ActivityTable::StudySessions);
        let activities = dates(ActivityTable::ServiceActivities);
        let mut out = Vec::new();
        for t in ActivityTable::ALL {
            for r in self.current(t) {
                let Some(subject) = r.subject_id else { continue };
                if scope.is_some_and(|s| s != subject) {
                    continue;
                }
                let date = match r.detail {
                    ActivityDetail::Study { session, .. } => sessions.get(&session).copied(),
                    ActivityDetail::Service { activity } => activities.get(&activity).copied(),
                    _ => r.date,
                };
                // Attendance of a session that was itself corrected away counts for nothing.
                if let Some(date) = date {
                    out.push(Dated { subject, date, minutes: r.minutes, detail: r.detail });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use jiaowu_domain::obligations::ActivityKind;
    use jiaowu_store::*;

    use crate::demo::DemoSpec;
    use crate::testing::{day, office};

    /// The activities the duty engine sees, computed the long way from full records: the oracle
    /// the index must agree with.
    fn from_full_records(store: &Store) -> Vec<(jiaowu_domain::ids::SubjectId, ActivityKind, chrono::NaiveDate, u32)> {
        let mut out = Vec::new();
        for r in queries::current(store.all_records::<Report>().unwrap()) {
            out.push((r.subject_id, ActivityKind::Report(r.method), r.report_date, 0));
        }
        for v in queries::current(store.all_records::<Visit>().unwrap()) {
            if v.subject_present {
                out.push((v.subject_id, ActivityKind::Visit, v.visit_date, 0));
            }
        }
        for t in queries::current(store.all_records::<Talk>().unwrap()) {
            out.push((t.subject_id, ActivityKind::Talk, t.talk_date, 0));
        }
        for c in queries::current(store.all_records::<ItCheck>().unwrap()) {
            out.push((c.subject_id, ActivityKind::ItCheck, c.check_date, 0));
        }
        let sessions: std::collections::HashMap<_, _> = queries::current(store.all_records::<StudySession>().unwrap())
            .into_iter()
            .map(|s| (s.id, s.session_date))
            .collect();
        for a in queries::current(store.all_records::<StudyAttendance>().unwrap()) {
            if let (Some(d), true) = (sessions.get(&a.session_id), a.credited_minutes > 0) {
                out.push((a.subject_id, ActivityKind::Study, *d, a.credited_minutes));
            }
        }
        let acts: std::collections::HashMap<_, _> = queries::current(store.all_records::<ServiceActivity>().unwrap())
            .into_iter()
            .map(|s| (s.id, s.activity_date))
            .collect();
        for a in queries::current(store.all_records::<ServiceParticipation>().unwrap()) {
            if let (Some(d), true) = (acts.get(&a.activity_id), a.credited_minutes > 0) {
                out.push((a.subject_id, ActivityKind::Service, *d, a.credited_minutes));
            }
        }
        for m in queries::current(store.all_records::<MedicalReport>().unwrap()) {
            let k = match m.kind {
                MedicalReportKind::HealthReport => ActivityKind::HealthReport,
                MedicalReportKind::Reexamination => ActivityKind::MedicalReexam,
            };
            out.push((m.subject_id, k, m.report_date, 0));
        }
        for r in queries::current(store.all_records::<ReleaseStep>().unwrap()) {
            match r.kind {
                ReleaseStepKind::PersonalSummary => {
                    out.push((r.subject_id, ActivityKind::PersonalSummary, r.done_on, 0))
                }
                ReleaseStepKind::Appraisal => out.push((r.subject_id, ActivityKind::ReleaseAppraisal, r.done_on, 0)),
                _ => {}
            }
        }
        out.sort_by_key(|(s, k, d, m)| (*s, format!("{k:?}"), *d, *m));
        out
    }

    fn from_index(core: &crate::Core) -> Vec<(jiaowu_domain::ids::SubjectId, ActivityKind, chrono::NaiveDate, u32)> {
        let c = core.caseload().unwrap();
        let mut v: Vec<_> = c.activities.iter().map(|(s, a)| (*s, a.kind, a.date, a.minutes)).collect();
        v.sort_by_key(|(s, k, d, m)| (*s, format!("{k:?}"), *d, *m));
        v
    }

    /// The index agrees with reading every record, on a demo office with corrections, and stays
    /// in agreement after records and corrections are added between two reads.
    #[test]
    fn index_equals_full_read_before_and_after_new_rows() {
        let dir = tempfile::tempdir().unwrap();
        let today = day(2026, 11, 23);
        let mut core = office(dir.path(), today, true);
        core.seed_demo(&DemoSpec { seed: 7, subjects: 12, years: 1 }).unwrap();
        let first = from_index(&core);
        assert!(first.len() > 500, "a year of a dozen subjects: {}", first.len());
        assert_eq!(first, from_full_records(&core.store));

        // New rows after the first read: a visit, and a correction that replaces a report.
        let s = core.store.subjects().unwrap().into_iter().find(|s| s.status.on_register()).unwrap();
        let report = queries::current(core.store.records_of::<Report>(s.id).unwrap()).pop().unwrap();
        let visit = queries::current(core.store.records_of::<Visit>(s.id).unwrap()).pop().unwrap();
        let mut again = visit.to_input();
        again.visit_date = today;
        again.subject_present = true;
        core.record_visit(again).unwrap();
        let mut changes = serde_json::Map::new();
        changes.insert("report_date".into(), serde_json::json!(today - chrono::Days::new(1)));
        changes.insert("method".into(), serde_json::json!("in_person"));
        core.correct_record(crate::records::CorrectRecordInput {
            kind: crate::records::RecordKind::Report,
            record_id: report.id,
            reason: "日期登记错误".into(),
            changes,
        })
        .unwrap();
        let second = from_index(&core);
        assert_eq!(second, from_full_records(&core.store));
        assert_ne!(first, second);

        // The file changed under the index (a restore): the row at the remembered rowid is not
        // the one read, and what was kept is stale (here: half of it). All is read again.
        {
            let mut index = core.activity_index.lock().unwrap();
            let last = index.after.get_mut(&ActivityTable::Reports).unwrap();
            last.1 = jiaowu_domain::ids::RecordId::new();
            let kept = index.rows.get_mut(&ActivityTable::Reports).unwrap();
            kept.truncate(kept.len() / 2);
        }
        assert_eq!(from_index(&core), second);
    }
}
