//! The derived cache of each leave's state (the fold of its events), for lists and the home page.
//! Not a legal record: rewritten whenever an event is appended, never synced.

use chrono::NaiveDate;
use jiaowu_domain::ids::{RecordId, SubjectId};

use crate::error::Result;
use crate::store::{Store, Tx};

#[derive(Debug, Clone, PartialEq)]
pub struct LeaveStatusRow {
    pub leave_id: RecordId,
    pub subject_id: SubjectId,
    /// JSON of the domain `LeaveState`.
    pub state: String,
    pub current_end: NaiveDate,
}

impl Tx<'_> {
    pub fn set_leave_status(&self, row: &LeaveStatusRow) -> Result<()> {
        self.conn().execute(
            "INSERT INTO leave_status (leave_id, subject_id, state, current_end, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (leave_id) DO UPDATE SET state = excluded.state,
                 current_end = excluded.current_end, updated_at = excluded.updated_at",
            rusqlite::params![
                row.leave_id.to_string(),
                row.subject_id.to_string(),
                row.state,
                row.current_end.to_string(),
                self.now.to_rfc3339()
            ],
        )?;
        Ok(())
    }
}

impl Store {
    pub fn leave_statuses(&self) -> Result<Vec<LeaveStatusRow>> {
        let mut st = self.conn().prepare_cached("SELECT leave_id, subject_id, state, current_end FROM leave_status")?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (l, s, state, end) = row?;
            out.push(LeaveStatusRow {
                leave_id: RecordId::parse(&l).unwrap_or_default(),
                subject_id: SubjectId::parse(&s).unwrap_or_default(),
                state,
                current_end: end.parse().unwrap_or_default(),
            });
        }
        Ok(out)
    }
}
