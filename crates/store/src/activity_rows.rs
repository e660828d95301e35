//! The activity tables read narrow: per row only what counting duties and ledger figures needs,
//! and only rows added after a known rowid. The tables are append-only (schema.sql triggers
//! refuse UPDATE and DELETE; a correction is a new row), so "rows after the last one read" is
//! exactly what changed, and a reader can keep what it read before.

use chrono::NaiveDate;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::ReportMethod;

use crate::error::Result;
use crate::queries::collect;
use crate::records::{Attendance, MedicalReportKind, ReleaseStepKind};
use crate::sqlvalue::Columns;
use crate::store::Store;

/// The tables that hold what subjects did (or what was done with them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityTable {
    Reports,
    Visits,
    Talks,
    ItChecks,
    MedicalReports,
    ReleaseSteps,
    StudySessions,
    StudyAttendance,
    ServiceActivities,
    ServiceParticipation,
}

impl ActivityTable {
    pub const ALL: [ActivityTable; 10] = [
        ActivityTable::Reports,
        ActivityTable::Visits,
        ActivityTable::Talks,
        ActivityTable::ItChecks,
        ActivityTable::MedicalReports,
        ActivityTable::ReleaseSteps,
        ActivityTable::StudySessions,
        ActivityTable::StudyAttendance,
        ActivityTable::ServiceActivities,
        ActivityTable::ServiceParticipation,
    ];

    /// Every query returns the same columns: rowid, id, supersedes, subject, date, parent, tag,
    /// minutes (NULL where the table has no such thing).
    fn sql(self) -> &'static str {
        macro_rules! q {
            ($subject:literal, $date:literal, $parent:literal, $tag:literal, $minutes:literal, $table:literal) => {
                concat!(
                    "SELECT rowid, id, supersedes, ",
                    $subject,
                    ", ",
                    $date,
                    ", ",
                    $parent,
                    ", ",
                    $tag,
                    ", ",
                    $minutes,
                    " FROM ",
                    $table,
                    " WHERE rowid > ?1 ORDER BY rowid"
                )
            };
        }
        use ActivityTable as T;
        match self {
            T::Reports => q!("subject_id", "report_date", "NULL", "method", "0", "reports"),
            T::Visits => q!("subject_id", "visit_date", "NULL", "subject_present", "0", "visits"),
            T::Talks => q!("subject_id", "talk_date", "NULL", "NULL", "0", "talks"),
            T::ItChecks => q!("subject_id", "check_date", "NULL", "NULL", "0", "it_checks"),
            T::MedicalReports => q!("subject_id", "report_date", "NULL", "kind", "0", "medical_reports"),
            T::ReleaseSteps => q!("subject_id", "done_on", "NULL", "kind", "0", "release_steps"),
            T::StudySessions => q!("NULL", "session_date", "NULL", "NULL", "0", "study_sessions"),
            T::StudyAttendance => {
                q!("subject_id", "NULL", "session_id", "attendance", "credited_minutes", "study_attendance")
            }
            T::ServiceActivities => q!("NULL", "activity_date", "NULL", "NULL", "0", "service_activities"),
            T::ServiceParticipation => {
                q!("subject_id", "NULL", "activity_id", "NULL", "credited_minutes", "service_participation")
            }
        }
    }
}

/// What kind of row, with the one field of it that counting looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityDetail {
    Report(ReportMethod),
    Visit { subject_present: bool },
    Talk,
    ItCheck,
    Medical(MedicalReportKind),
    Release(ReleaseStepKind),
    StudySession,
    Study { session: RecordId, attendance: Attendance },
    ServiceActivity,
    Service { activity: RecordId },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub rowid: i64,
    pub id: RecordId,
    pub supersedes: Option<RecordId>,
    /// None for sessions and activities (office-level rows).
    pub subject_id: Option<SubjectId>,
    /// None for attendance and participation: the session's date applies.
    pub date: Option<NaiveDate>,
    pub minutes: u32,
    pub detail: ActivityDetail,
}

impl ActivityTable {
    fn name(self) -> &'static str {
        use ActivityTable as T;
        match self {
            T::Reports => "reports",
            T::Visits => "visits",
            T::Talks => "talks",
            T::ItChecks => "it_checks",
            T::MedicalReports => "medical_reports",
            T::ReleaseSteps => "release_steps",
            T::StudySessions => "study_sessions",
            T::StudyAttendance => "study_attendance",
            T::ServiceActivities => "service_activities",
            T::ServiceParticipation => "service_participation",
        }
    }
}

impl Store {
    /// The id of the row at `rowid`: a reader that kept rows up to `rowid` checks that the row
    /// is still the one it read (a restored or rebuilt file renumbers rows).
    pub fn activity_id_at(&self, table: ActivityTable, rowid: i64) -> Result<Option<RecordId>> {
        let sql = format!("SELECT id FROM {} WHERE rowid = ?1", table.name());
        Ok(collect(self.conn(), &sql, [rowid], |r| Columns::new(r).read("id"))?.pop())
    }

    /// Rows of `table` with a rowid above `after`, in rowid order.
    pub fn activity_rows_after(&self, table: ActivityTable, after: i64) -> Result<Vec<ActivityRow>> {
        collect(self.conn(), table.sql(), [after], |r| {
            let mut c = Columns::new(r);
            let rowid: i64 = c.read("rowid")?;
            let id: RecordId = c.read("id")?;
            let supersedes: Option<RecordId> = c.read("supersedes")?;
            let subject_id: Option<SubjectId> = c.read("subject_id")?;
            let date = c.opt_date("date")?;
            let parent: Option<RecordId> = c.read("parent")?;
            use ActivityTable as T;
            let detail = match table {
                T::Reports => ActivityDetail::Report(c.read("method")?),
                T::Visits => ActivityDetail::Visit { subject_present: c.read("subject_present")? },
                T::Talks => ActivityDetail::Talk,
                T::ItChecks => ActivityDetail::ItCheck,
                T::MedicalReports => ActivityDetail::Medical(c.read("kind")?),
                T::ReleaseSteps => ActivityDetail::Release(c.read("kind")?),
                T::StudySessions => ActivityDetail::StudySession,
                T::StudyAttendance => ActivityDetail::Study {
                    session: parent.ok_or_else(|| missing("session_id"))?,
                    attendance: c.read("attendance")?,
                },
                T::ServiceActivities => ActivityDetail::ServiceActivity,
                T::ServiceParticipation => {
                    ActivityDetail::Service { activity: parent.ok_or_else(|| missing("activity_id"))? }
                }
            };
            let minutes = match r.get_ref(7)? {
                rusqlite::types::ValueRef::Integer(m) => u32::try_from(m).map_err(|_| missing("credited_minutes"))?,
                _ => 0,
            };
            Ok(ActivityRow { rowid, id, supersedes, subject_id, date, minutes, detail })
        })
    }
}

fn missing(column: &str) -> crate::StoreError {
    crate::StoreError::Encoding(format!("column {column}: missing or out of range"))
}
