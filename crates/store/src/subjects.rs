//! 社区矫正对象 master data: the one mutable aggregate. Each change bumps `version` and is
//! audited with the changed fields (old and new), so history is never lost even though the row
//! is updated (sync patches fields against a base version, design.md §3).

use chrono::{DateTime, NaiveDate, Utc};
use jiaowu_domain::ids::{OfficeId, SubjectId};
use jiaowu_domain::{SentenceType, Sex, SubjectStatus, SupervisionClass};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::queries::collect;
use crate::sqlvalue::{to_sql, Columns};
use crate::store::{Op, Store, Tx};

/// Where the subject came from (domain.md §20.2 flows).
pub use jiaowu_domain::statistics::ReceivedSource;

macro_rules! subject_struct {
    ($($f:ident : $t:ty),* $(,)?) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct Subject {
            pub id: SubjectId,
            $(pub $f: $t,)*
            pub version: i64,
            pub created_at: DateTime<Utc>,
            pub updated_at: DateTime<Utc>,
        }

        const INSERT: &str = concat!("INSERT INTO subjects (id", $(", ", stringify!($f),)*
            ", version, created_at, updated_at) VALUES (:id", $(", :", stringify!($f),)*
            ", :version, :created_at, :updated_at)");
        const UPDATE: &str = concat!("UPDATE subjects SET id = :id", $(", ", stringify!($f), " = :", stringify!($f),)*
            ", version = :version, created_at = :created_at, updated_at = :updated_at WHERE id = :id");
        const SELECT: &str = concat!("SELECT id", $(", ", stringify!($f),)* ", version, created_at, updated_at FROM subjects");
        const SELECT_ONE: &str = concat!("SELECT id", $(", ", stringify!($f),)* ", version, created_at, updated_at FROM subjects WHERE id = ?1");
        const SELECT_BY_ID_NUMBER: &str = concat!("SELECT id", $(", ", stringify!($f),)* ", version, created_at, updated_at FROM subjects WHERE id_number = ?1");

        impl Subject {
            fn params(&self) -> Vec<(&'static str, rusqlite::types::Value)> {
                let mut p = vec![(":id", to_sql(&self.id))];
                $(p.push((concat!(":", stringify!($f)), to_sql(&self.$f)));)*
                p.push((":version", to_sql(&self.version)));
                p.push((":created_at", to_sql(&self.created_at)));
                p.push((":updated_at", to_sql(&self.updated_at)));
                p
            }
            pub(crate) fn from_row(r: &rusqlite::Row<'_>) -> Result<Self> {
                // Fields are built in the order of SELECT's column list.
                let mut c = Columns::new(r);
                Ok(Subject {
                    id: c.read("id")?,
                    $($f: c.read(stringify!($f))?,)*
                    version: c.read("version")?,
                    created_at: c.read("created_at")?,
                    updated_at: c.read("updated_at")?,
                })
            }
        }
    };
}

subject_struct! {
    office_id: OfficeId,
    external_no: Option<String>,
    name: String,
    former_name: Option<String>,
    name_initials: String,
    sex: Sex,
    ethnicity: Option<String>,
    birth_date: NaiveDate,
    id_type: String,
    id_number: String,
    phone: Option<String>,
    residence_code: String,
    residence_detail: String,
    household_code: Option<String>,
    household_detail: Option<String>,
    employer: Option<String>,
    education: Option<String>,
    crime: String,
    original_sentence: String,
    sentence_type: SentenceType,
    term_start: NaiveDate,
    term_end: NaiveDate,
    judgment_effective: Option<NaiveDate>,
    deciding_organ: Option<String>,
    decision_doc_no: Option<String>,
    injunction: Option<String>,
    reported_on: Option<NaiveDate>,
    class: SupervisionClass,
    status: SubjectStatus,
    is_minor_case: bool,
    medical_parole: bool,
    able_to_work: bool,
    guardian_name: Option<String>,
    guardian_phone: Option<String>,
    notes: Option<String>,
    received_source: ReceivedSource,
}

fn bind<'a>(p: &'a [(&'static str, rusqlite::types::Value)]) -> Vec<(&'static str, &'a dyn rusqlite::ToSql)> {
    p.iter().map(|(k, v)| (*k, v as &dyn rusqlite::ToSql)).collect()
}

fn map_unique(e: rusqlite::Error, id_number: &str) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
            StoreError::Duplicate(id_number.to_string())
        }
        other => StoreError::Sqlite(other),
    }
}

impl Tx<'_> {
    pub fn insert_subject(&self, s: &Subject) -> Result<()> {
        insert_row(self, s)?;
        let payload = serde_json::to_value(s).map_err(|e| StoreError::Encoding(e.to_string()))?;
        self.log(Op::Create, "subjects", &s.id.to_string(), None, &payload)
    }

    /// Writes a changed subject against the version it was read at. The audit/outbox payload
    /// holds only the changed fields with their old values.
    pub fn update_subject(&self, new: &Subject, base_version: i64) -> Result<Subject> {
        let old = get_subject(self.conn(), new.id)?;
        if old.version != base_version {
            return Err(StoreError::StaleVersion {
                id: new.id.to_string(),
                expected: base_version,
                found: old.version,
            });
        }
        let mut next = new.clone();
        next.version = old.version + 1;
        next.created_at = old.created_at;
        next.updated_at = self.now;
        let (a, b) = (
            serde_json::to_value(&old).map_err(|e| StoreError::Encoding(e.to_string()))?,
            serde_json::to_value(&next).map_err(|e| StoreError::Encoding(e.to_string()))?,
        );
        let mut changed = serde_json::Map::new();
        for (k, v) in b.as_object().into_iter().flatten() {
            if matches!(k.as_str(), "version" | "updated_at") {
                continue;
            }
            let before = &a[k];
            if before != v {
                changed.insert(k.clone(), serde_json::json!({ "old": before, "new": v }));
            }
        }
        if changed.is_empty() {
            return Ok(old);
        }
        let p = next.params();
        self.conn().execute(UPDATE, bind(&p).as_slice()).map_err(|e| map_unique(e, &next.id_number))?;
        self.log(
            Op::Update,
            "subjects",
            &next.id.to_string(),
            Some(base_version),
            &serde_json::Value::Object(changed),
        )?;
        Ok(next)
    }
}

/// The row alone (sync applies the county's copy this way, replica.rs).
pub(crate) fn insert_row(tx: &Tx<'_>, s: &Subject) -> Result<()> {
    let p = s.params();
    tx.conn().execute(INSERT, bind(&p).as_slice()).map_err(|e| map_unique(e, &s.id_number))?;
    Ok(())
}

/// Replaces the row with the county's newer copy, version included.
pub(crate) fn overwrite(tx: &Tx<'_>, s: &Subject) -> Result<()> {
    let p = s.params();
    tx.conn().execute(UPDATE, bind(&p).as_slice()).map_err(|e| map_unique(e, &s.id_number))?;
    Ok(())
}

pub(crate) fn get_subject(conn: &rusqlite::Connection, id: SubjectId) -> Result<Subject> {
    // Cached: parsing this 40-column statement cost more than running it, and a sign-in sheet
    // or a dossier reads a subject per row.
    let mut st = conn.prepare_cached(SELECT_ONE)?;
    st.query_row([id.to_string()], |r| Ok(Subject::from_row(r)))
        .optional()?
        .transpose()?
        .ok_or_else(|| StoreError::RecordNotFound { what: "subjects", id: id.to_string() })
}

impl Store {
    pub fn subject(&self, id: SubjectId) -> Result<Subject> {
        get_subject(self.conn(), id)
    }

    pub fn subject_by_id_number(&self, id_number: &str) -> Result<Option<Subject>> {
        let mut st = self.conn().prepare_cached(SELECT_BY_ID_NUMBER)?;
        let mut rows = st.query([id_number])?;
        match rows.next()? {
            Some(r) => Ok(Some(Subject::from_row(r)?)),
            None => Ok(None),
        }
    }

    /// All subjects of the office, in no particular order (callers sort by pinyin).
    pub fn subjects(&self) -> Result<Vec<Subject>> {
        collect(self.conn(), SELECT, [], Subject::from_row)
    }

    /// Search by name fragment, pinyin initials prefix or ID-number fragment: the list columns
    /// only (a list of 3,000 need not decode 40 columns per row).
    pub fn search_subjects(&self, q: &str) -> Result<Vec<SubjectRow>> {
        let esc = |t: &str| t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let (like, prefix) = (format!("%{}%", esc(q)), format!("{}%", esc(&q.to_lowercase())));
        collect(self.conn(), SEARCH_ROWS, [like, prefix], SubjectRow::from_row)
    }

    /// Every subject of the office as a list row.
    pub fn subject_rows(&self) -> Result<Vec<SubjectRow>> {
        collect(self.conn(), SELECT_ROWS, [], SubjectRow::from_row)
    }
}

/// What a list of subjects shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectRow {
    pub id: SubjectId,
    pub name: String,
    pub name_initials: String,
    pub sex: Sex,
    pub id_number: String,
    pub sentence_type: SentenceType,
    pub class: SupervisionClass,
    pub status: SubjectStatus,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    pub is_minor_case: bool,
}

/// The columns of `SubjectRow`, in the order `from_row` reads them.
macro_rules! row_select {
    () => {
        "SELECT id, name, name_initials, sex, id_number, sentence_type, class, status, term_start, term_end, \
         is_minor_case FROM subjects"
    };
}
/// The search as SQL; the bench runs it bare beside the use case.
pub const SEARCH_ROWS: &str = concat!(
    row_select!(),
    " WHERE name LIKE ?1 ESCAPE '\\' OR id_number LIKE ?1 ESCAPE '\\' OR name_initials LIKE ?2 ESCAPE '\\' \
     ORDER BY name_initials"
);
const SELECT_ROWS: &str = row_select!();

impl SubjectRow {
    fn from_row(r: &rusqlite::Row<'_>) -> Result<Self> {
        let mut c = Columns::new(r);
        Ok(SubjectRow {
            id: c.read("id")?,
            name: c.read("name")?,
            name_initials: c.read("name_initials")?,
            sex: c.read("sex")?,
            id_number: c.read("id_number")?,
            sentence_type: c.read("sentence_type")?,
            class: c.read("class")?,
            status: c.read("status")?,
            term_start: c.date("term_start")?,
            term_end: c.date("term_end")?,
            is_minor_case: c.read("is_minor_case")?,
        })
    }
}

impl From<&Subject> for SubjectRow {
    fn from(s: &Subject) -> Self {
        SubjectRow {
            id: s.id,
            name: s.name.clone(),
            name_initials: s.name_initials.clone(),
            sex: s.sex,
            id_number: s.id_number.clone(),
            sentence_type: s.sentence_type,
            class: s.class,
            status: s.status,
            term_start: s.term_start,
            term_end: s.term_end,
            is_minor_case: s.is_minor_case,
        }
    }
}
