//! Read models over the records: current rows, a subject's timeline, activities in a window.

use chrono::NaiveDate;
use jiaowu_domain::ids::SubjectId;

use crate::error::Result;
use crate::records::Record;
use crate::store::Store;

/// Runs a cached statement and maps every row: the one loop behind every list read.
pub(crate) fn collect<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
    mut map: impl FnMut(&rusqlite::Row<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut st = conn.prepare_cached(sql)?;
    let mut rows = st.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(map(r)?);
    }
    Ok(out)
}

impl Store {
    /// Every row of a record type for a subject, corrections included, oldest first.
    pub fn records_of<R: Record>(&self, subject: SubjectId) -> Result<Vec<R>> {
        let Some(sql) = R::SELECT_BY_SUBJECT else { return Ok(Vec::new()) };
        collect(self.conn(), sql, [subject.to_string()], R::from_row)
    }

    /// One record by id, and whether a later record supersedes it.
    pub fn record<R: Record>(&self, id: jiaowu_domain::ids::RecordId) -> Result<(R, bool)> {
        let mut st = self.conn().prepare_cached(R::SELECT_ONE)?;
        let mut rows = st.query([id.to_string()])?;
        let rec = match rows.next()? {
            Some(r) => R::from_row(r)?,
            None => return Err(crate::StoreError::RecordNotFound { what: R::TABLE, id: id.to_string() }),
        };
        drop(rows);
        let superseded = self.conn().query_row(R::IS_SUPERSEDED, [id.to_string()], |r| r.get::<_, i64>(0))? > 0;
        Ok((rec, superseded))
    }

    /// Every row of a record type that belongs to one parent record (attendance of a study
    /// session, participation in a service activity), corrections included. `column` is the
    /// parent's column, named in code; it has an index (schema.sql).
    pub fn records_in<R: Record>(&self, column: &'static str, parent: jiaowu_domain::ids::RecordId) -> Result<Vec<R>> {
        collect(self.conn(), &format!("{} WHERE {column} = ?1", R::SELECT), [parent.to_string()], R::from_row)
    }

    /// Every row of a record type (all subjects), corrections included.
    pub fn all_records<R: Record>(&self) -> Result<Vec<R>> {
        collect(self.conn(), R::SELECT, [], R::from_row)
    }
}

/// Drops rows that a later row supersedes: what is in force now.
pub fn current<R: Record>(rows: Vec<R>) -> Vec<R> {
    let superseded: std::collections::HashSet<_> = rows.iter().filter_map(|r| r.recorded().supersedes).collect();
    rows.into_iter().filter(|r| !superseded.contains(&r.id())).collect()
}

/// A date in a half-open month window helper for callers.
pub fn in_range(d: NaiveDate, from: NaiveDate, to: NaiveDate) -> bool {
    from <= d && d <= to
}
