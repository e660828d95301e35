//! The append-only legal records of schema.sql, one struct per table.
//!
//! `record!` writes the struct, its literal SQL (column lists come from the field names, so a
//! field without a column fails the schema test) and the row mapping. Every record carries the
//! legal metadata: who recorded it, when, and which earlier record it corrects and why.

use chrono::{DateTime, NaiveDate, Utc};
use jiaowu_domain::ids::{OfficeId, RecordId, SubjectId};
use jiaowu_domain::leave::{Authority, LeaveEventKind, LeaveReasonKind};
use jiaowu_domain::{ReportMethod, Sex, SupervisionClass};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::sqlvalue::{to_sql, Columns};

/// Who recorded a record and what it corrects (design.md §2: corrections supersede, both stay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub supersedes: Option<RecordId>,
    pub correction_reason: Option<String>,
}

pub trait Record: Serialize + Sized {
    /// Table name, also the entity name in audit entries and sync ops.
    const TABLE: &'static str;
    const INSERT: &'static str;
    const SELECT: &'static str;
    const EXISTS: &'static str;
    const SELECT_ONE: &'static str;
    const IS_SUPERSEDED: &'static str;
    /// Subject-scoped tables can be listed per subject; office-level ones (sessions) cannot.
    const SELECT_BY_SUBJECT: Option<&'static str>;
    fn id(&self) -> RecordId;
    fn recorded(&self) -> &Recorded;
    fn subject(&self) -> Option<SubjectId>;
    fn params(&self) -> Vec<(&'static str, rusqlite::types::Value)>;
    fn from_row(row: &rusqlite::Row<'_>) -> Result<Self>;
}

/// A record built from what the user entered; used by the app for new records and corrections.
pub trait WithInput: Record {
    type Input: Serialize + serde::de::DeserializeOwned + Clone + std::fmt::Debug;
    fn from_input(id: RecordId, input: Self::Input, recorded: Recorded) -> Self;
    fn to_input(&self) -> Self::Input;
}

macro_rules! record {
    (@subject_sql subject, $table:literal, $($f:ident),*) => {
        Some(concat!("SELECT id, subject_id", $(", ", stringify!($f),)* ", recorded_by, recorded_at, supersedes, correction_reason FROM ", $table, " WHERE subject_id = ?1 ORDER BY recorded_at, id"))
    };
    (@subject_sql office, $table:literal, $($f:ident),*) => { None };
    (@subject_get subject, $s:expr) => { Some($s.subject_id) };
    (@subject_get office, $s:expr) => { None };
    (
        $(#[$meta:meta])*
        $name:ident, $input:ident, $table:literal, $scope:ident, { $($(#[$fm:meta])* $f:ident : $t:ty),* $(,)? }
    ) => {
        record!(@define $scope $(#[$meta])* $name, $table, { $($(#[$fm])* $f : $t),* });
        record!(@input $scope $name, $input, { $($(#[$fm])* $f : $t),* });
    };
    (@input subject $name:ident, $input:ident, { $($(#[$fm:meta])* $f:ident : $t:ty),* }) => {
        /// What the user enters for this record: its fields without id and legal metadata.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $input {
            pub subject_id: SubjectId,
            $($(#[$fm])* pub $f: $t,)*
        }
        impl WithInput for $name {
            type Input = $input;
            fn from_input(id: RecordId, i: $input, recorded: Recorded) -> Self {
                $name { id, subject_id: i.subject_id, $($f: i.$f,)* recorded }
            }
            fn to_input(&self) -> $input {
                $input { subject_id: self.subject_id, $($f: self.$f.clone(),)* }
            }
        }
    };
    (@input office $name:ident, $input:ident, { $($(#[$fm:meta])* $f:ident : $t:ty),* }) => {
        /// What the user enters for this record: its fields without id and legal metadata.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $input {
            $($(#[$fm])* pub $f: $t,)*
        }
        impl WithInput for $name {
            type Input = $input;
            fn from_input(id: RecordId, i: $input, recorded: Recorded) -> Self {
                $name { id, $($f: i.$f,)* recorded }
            }
            fn to_input(&self) -> $input {
                $input { $($f: self.$f.clone(),)* }
            }
        }
    };
    (@define subject $(#[$meta:meta])* $name:ident, $table:literal, { $($(#[$fm:meta])* $f:ident : $t:ty),* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            pub id: RecordId,
            pub subject_id: SubjectId,
            $($(#[$fm])* pub $f: $t,)*
            #[serde(flatten)]
            pub recorded: Recorded,
        }
        record!(@impl subject $name, $table, { $($f),* });
    };
    (@define office $(#[$meta:meta])* $name:ident, $table:literal, { $($(#[$fm:meta])* $f:ident : $t:ty),* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            pub id: RecordId,
            $($(#[$fm])* pub $f: $t,)*
            #[serde(flatten)]
            pub recorded: Recorded,
        }
        record!(@impl office $name, $table, { $($f),* });
    };
    (@impl $scope:ident $name:ident, $table:literal, { $($f:ident),* }) => {
        impl Record for $name {
            const TABLE: &'static str = $table;
            const INSERT: &'static str = record!(@insert $scope $table, $($f),*);
            const SELECT: &'static str = record!(@select $scope $table, $($f),*);
            const EXISTS: &'static str = concat!("SELECT count(*) FROM ", $table, " WHERE id = ?1");
            const IS_SUPERSEDED: &'static str = concat!("SELECT count(*) FROM ", $table, " WHERE supersedes = ?1");
            const SELECT_ONE: &'static str = concat!(record!(@select $scope $table, $($f),*), " WHERE id = ?1");
            const SELECT_BY_SUBJECT: Option<&'static str> = record!(@subject_sql $scope, $table, $($f),*);
            fn id(&self) -> RecordId { self.id }
            fn recorded(&self) -> &Recorded { &self.recorded }
            fn subject(&self) -> Option<SubjectId> { record!(@subject_get $scope, self) }
            fn params(&self) -> Vec<(&'static str, rusqlite::types::Value)> {
                let mut p = vec![(":id", to_sql(&self.id))];
                record!(@push_subject $scope p, self);
                $(p.push((concat!(":", stringify!($f)), to_sql(&self.$f)));)*
                p.push((":recorded_by", to_sql(&self.recorded.recorded_by)));
                p.push((":recorded_at", to_sql(&self.recorded.recorded_at)));
                p.push((":supersedes", to_sql(&self.recorded.supersedes)));
                p.push((":correction_reason", to_sql(&self.recorded.correction_reason)));
                p
            }
            fn from_row(row: &rusqlite::Row<'_>) -> Result<Self> {
                Ok(record!(@build $scope $name, row, { $($f),* }))
            }
        }
    };
    (@push_subject subject $p:ident, $s:expr) => { $p.push((":subject_id", to_sql(&$s.subject_id))); };
    (@push_subject office $p:ident, $s:expr) => {};
    (@insert subject $table:literal, $($f:ident),*) => {
        concat!("INSERT INTO ", $table, " (id, subject_id", $(", ", stringify!($f),)*
            ", recorded_by, recorded_at, supersedes, correction_reason) VALUES (:id, :subject_id",
            $(", :", stringify!($f),)* ", :recorded_by, :recorded_at, :supersedes, :correction_reason)")
    };
    (@insert office $table:literal, $($f:ident),*) => {
        concat!("INSERT INTO ", $table, " (id", $(", ", stringify!($f),)*
            ", recorded_by, recorded_at, supersedes, correction_reason) VALUES (:id",
            $(", :", stringify!($f),)* ", :recorded_by, :recorded_at, :supersedes, :correction_reason)")
    };
    (@select subject $table:literal, $($f:ident),*) => {
        concat!("SELECT id, subject_id", $(", ", stringify!($f),)* ", recorded_by, recorded_at, supersedes, correction_reason FROM ", $table)
    };
    (@select office $table:literal, $($f:ident),*) => {
        concat!("SELECT id", $(", ", stringify!($f),)* ", recorded_by, recorded_at, supersedes, correction_reason FROM ", $table)
    };
    (@build subject $name:ident, $row:ident, { $($f:ident),* }) => {
        {
            // Fields are built in SELECT order (@select lists them from the same list).
            let mut c = Columns::new($row);
            $name {
                id: c.read("id")?,
                subject_id: c.read("subject_id")?,
                $($f: c.read(stringify!($f))?,)*
                recorded: Recorded {
                    recorded_by: c.read("recorded_by")?,
                    recorded_at: c.read("recorded_at")?,
                    supersedes: c.read("supersedes")?,
                    correction_reason: c.read("correction_reason")?,
                },
            }
        }
    };
    (@build office $name:ident, $row:ident, { $($f:ident),* }) => {
        {
            let mut c = Columns::new($row);
            $name {
                id: c.read("id")?,
                $($f: c.read(stringify!($f))?,)*
                recorded: Recorded {
                    recorded_by: c.read("recorded_by")?,
                    recorded_at: c.read("recorded_at")?,
                    supersedes: c.read("supersedes")?,
                    correction_reason: c.read("correction_reason")?,
                },
            }
        }
    };
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vm:meta])* $v:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),* }
    };
}

text_enum!(/// Kinds of case events (domain.md §4, §15).
SubjectEventKind { Reported, EntryAnnounced, Detained, DetentionEnded, TransferredIn, TransferredOut,
    ReleasedExpiry, ReleasedAmnesty, RevokedProbation, RevokedParole, ReturnedToPrison, Died });
text_enum!(PlaceType { Home, Workplace, School, VillageCommittee, Other });
text_enum!(ContactMethod { InPerson, Phone, Video });
text_enum!(ItCheckMethod { AppCheckin, PhoneLocation, VideoCall, FaceRecognition, Other });
text_enum!(ItCheckResult { Normal, Anomaly, Unreachable });
text_enum!(TalkType { Entry, Routine, Violation, BeforeLeave, OnReturn, PreRelease, Psychological });
text_enum!(MedicalReportKind { HealthReport, Reexamination });
text_enum!(StudyMode { InPerson, Online, Video });
text_enum!(Attendance { Present, AbsentLeave, AbsentIll, AbsentOther });
text_enum!(PermitKind { FrequentTravel, BusinessTravel });
text_enum!(/// 表扬, 训诫, 警告 and the proposals the county sends on (domain.md §12.2).
SanctionKind { Praise, Admonition, Warning, PolicePenalty, RevokeProbation, RevokeParole, ReturnToPrison, Arrest, SentenceReduction });
text_enum!(DecisionTarget { Sanctions, ClassChanges, PlaceChanges, TravelPermits });
text_enum!(DecidedBy { Office, County, Higher, Court, Police });
text_enum!(Grade { Good, Pass, Fail });
text_enum!(LostContactStepKind { Search, PoliceNotified, ProcuratorateNotified, Found });
text_enum!(ReleaseStepKind { PersonalSummary, Appraisal, Announcement, Handover });
text_enum!(LedgerTheme { Ledger, Checklist, Case, Reminder, Guidance });
text_enum!(ViolationKind { Fighting, DrunkDriving, Gambling, DefyingSupervision, Other });
text_enum!(/// The eight kinds of loss of 账本式 education (domain.md §28).
CostKind { Freedom, Income, FamilyParents, FamilyChildren, Marriage, Reputation, Employment, Property });
text_enum!(CounsellingKind { Psychological, Legal });
text_enum!(HelpKind { Employment, Subsistence, Medical, Schooling, Skills, Other });

/// A person interviewed during a visit (domain.md §7.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interviewee {
    pub name: String,
    pub relation: String,
    #[serde(default)]
    pub phone: Option<String>,
}

record!(SubjectEvent, SubjectEventInput, "subject_events", subject, {
    kind: SubjectEventKind, event_date: NaiveDate, doc_no: Option<String>, organ: Option<String>, detail: Option<String>,
});
record!(TeamMember, TeamMemberInput, "team_members", subject, {
    member_name: String, relation: String, unit: Option<String>, phone: Option<String>, sex: Sex,
    is_leader: bool, joined_on: NaiveDate, left_on: Option<NaiveDate>,
});
record!(CorrectionPlan, CorrectionPlanInput, "correction_plans", subject, {
    plan_version: u32, effective_from: NaiveDate, basic_info: String, assessment: String, psychology: String,
    measures: String, extra_duties: Option<String>, adjustment_reason: Option<String>,
});
record!(Report, ReportInput, "reports", subject, {
    report_date: NaiveDate, report_time: Option<String>, method: ReportMethod, received_by: String,
    content: String, anomalies: Option<String>, follow_up: Option<String>,
});
record!(Visit, VisitInput, "visits", subject, {
    visit_date: NaiveDate, start_time: Option<String>, end_time: Option<String>, place_type: PlaceType,
    address: String, method: ContactMethod, visitors: Vec<String>, interviewees: Vec<Interviewee>,
    subject_present: bool, findings: String, problems: Option<String>, follow_up: Option<String>,
});
record!(ItCheck, ItCheckInput, "it_checks", subject, {
    check_date: NaiveDate, method: ItCheckMethod, result: ItCheckResult, anomalies: Option<String>, device_id: Option<String>,
});
record!(Talk, TalkInput, "talks", subject, {
    talk_date: NaiveDate, start_time: Option<String>, end_time: Option<String>, place: String, talk_type: TalkType,
    talkers: Vec<String>, note_taker: Option<String>, content: String, problems: Option<String>, follow_up: Option<String>,
});
record!(MedicalReport, MedicalReportInput, "medical_reports", subject, {
    report_date: NaiveDate, kind: MedicalReportKind, hospital: Option<String>, result: String,
});
record!(StudySession, StudySessionInput, "study_sessions", office, {
    office_id: OfficeId, session_date: NaiveDate, start_time: Option<String>, end_time: Option<String>, minutes: u32,
    place: String, organiser: String, speaker: Option<String>, topic: String, summary: Option<String>, mode: StudyMode,
});
record!(StudyAttendance, StudyAttendanceInput, "study_attendance", subject, {
    session_id: RecordId, attendance: Attendance, credited_minutes: u32, sign_in: Option<String>,
    sign_out: Option<String>, note: Option<String>,
});
record!(ServiceActivity, ServiceActivityInput, "service_activities", office, {
    office_id: OfficeId, activity_date: NaiveDate, start_time: Option<String>, end_time: Option<String>, minutes: u32,
    place: String, content: String, supervisor: String,
});
record!(ServiceParticipation, ServiceParticipationInput, "service_participation", subject, {
    activity_id: RecordId, credited_minutes: u32, performance: Option<String>, exempt_reason: Option<String>,
});
record!(LeaveRequest, LeaveRequestInput, "leave_requests", subject, {
    applied_on: NaiveDate, start_date: NaiveDate, end_date: NaiveDate, days: u32, destination_code: String,
    destination_detail: String, destination_contact: Option<String>, reason_kind: LeaveReasonKind,
    reason_text: String, transport: Option<String>, urgent: bool, authority: Authority,
});
record!(LeaveEvent, LeaveEventInput, "leave_events", subject, {
    leave_id: RecordId, kind: LeaveEventKind, actor_level: Authority, event_date: NaiveDate,
    approve: Option<bool>, new_end: Option<NaiveDate>, method: Option<String>, note: Option<String>,
});
record!(TravelPermit, TravelPermitInput, "travel_permits", subject, {
    kind: PermitKind, business_name: Option<String>, destinations: String, reason: String, frequency: String,
    applied_on: NaiveDate, valid_from: NaiveDate, valid_to: NaiveDate,
});
record!(TravelTrip, TravelTripInput, "travel_trips", subject, {
    permit_id: RecordId, trip_start: NaiveDate, trip_end: NaiveDate, destination: String, reported_via: String,
});
record!(Sanction, SanctionInput, "sanctions", subject, {
    kind: SanctionKind, proposed_on: NaiveDate, facts: String, evidence: Option<String>, legal_basis: String,
    office_opinion: Option<String>,
});
record!(ClassChange, ClassChangeInput, "class_changes", subject, {
    old_class: SupervisionClass, new_class: SupervisionClass, reason: String, proposed_on: NaiveDate,
    office_opinion: Option<String>,
});
record!(PlaceChange, PlaceChangeInput, "place_changes", subject, {
    applied_on: NaiveDate, new_residence_code: String, new_residence_detail: String, reason: String,
    office_opinion: Option<String>,
});
record!(Decision, DecisionInput, "decisions", subject, {
    target_table: DecisionTarget, target_id: RecordId, decided_by: DecidedBy, approve: bool,
    decision_date: NaiveDate, doc_no: Option<String>, reason: Option<String>,
});
record!(Assessment, AssessmentInput, "assessments", subject, {
    period_start: NaiveDate, period_end: NaiveDate, grade: Grade, score: Option<u32>, items: String, reviewer: String,
});
record!(LostContactEpisode, LostContactEpisodeInput, "lost_contact_episodes", subject, {
    started_on: NaiveDate, last_contact_on: Option<NaiveDate>,
});
record!(LostContactStep, LostContactStepInput, "lost_contact_steps", subject, {
    episode_id: RecordId, kind: LostContactStepKind, step_at: DateTime<Utc>, method: Option<String>, result: String,
});
record!(ReleaseStep, ReleaseStepInput, "release_steps", subject, {
    kind: ReleaseStepKind, done_on: NaiveDate, content: String,
});
record!(LedgerEntry, LedgerEntryInput, "violation_ledger", subject, {
    entry_date: NaiveDate, theme: LedgerTheme, violation_kind: ViolationKind, cost_kind: CostKind,
    content: String, reflection: Option<String>,
});
record!(Counselling, CounsellingInput, "counselling_records", subject, {
    session_date: NaiveDate, kind: CounsellingKind, counsellor: String, summary: String, follow_up: Option<String>,
});
record!(HelpRecord, HelpRecordInput, "help_records", subject, {
    help_date: NaiveDate, kind: HelpKind, content: String, outcome: Option<String>,
});
record!(ScreeningCampaign, ScreeningCampaignInput, "screening_campaigns", office, {
    office_id: OfficeId, name: String, start_date: NaiveDate, end_date: NaiveDate, scope: Option<String>,
});
record!(Hazard, HazardInput, "hazards", subject, {
    campaign_id: RecordId, found_on: NaiveDate, description: String, measures: Option<String>, resolved_on: Option<NaiveDate>,
});

/// Any record, whatever its table: what sync needs to check and store a record it received as
/// JSON (the county validates pushed payloads with it; the office applies pulled ones).
pub trait AnyRecord: Send + Sync + std::fmt::Debug {
    fn table(&self) -> &'static str;
    fn record_id(&self) -> RecordId;
    fn subject_id(&self) -> Option<SubjectId>;
    fn metadata(&self) -> &Recorded;
    fn to_json(&self) -> serde_json::Value;
    /// Inserts the row without audit entry or outbox op.
    fn insert_row(&self, tx: &crate::store::Tx<'_>) -> Result<()>;
}

impl<R: Record + Send + Sync + std::fmt::Debug> AnyRecord for R {
    fn table(&self) -> &'static str {
        R::TABLE
    }
    fn record_id(&self) -> RecordId {
        self.id()
    }
    fn subject_id(&self) -> Option<SubjectId> {
        self.subject()
    }
    fn metadata(&self) -> &Recorded {
        self.recorded()
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    fn insert_row(&self, tx: &crate::store::Tx<'_>) -> Result<()> {
        tx.insert_row(self)
    }
}

macro_rules! record_tables {
    ($($t:ident),* $(,)?) => {
        /// Every append-only record table, in schema order.
        pub const RECORD_TABLES: &[&str] = &[$(<$t as Record>::TABLE),*];

        /// Reads a record of `table` from its JSON (the shape `Tx::insert` logs). `None` for a
        /// table that holds no append-only records.
        pub fn decode_record(
            table: &str,
            payload: serde_json::Value,
        ) -> Option<std::result::Result<Box<dyn AnyRecord>, serde_json::Error>> {
            $(
                if table == <$t as Record>::TABLE {
                    return Some(serde_json::from_value::<$t>(payload).map(|r| Box::new(r) as Box<dyn AnyRecord>));
                }
            )*
            None
        }
    };
}

record_tables!(
    SubjectEvent,
    TeamMember,
    CorrectionPlan,
    Report,
    Visit,
    ItCheck,
    Talk,
    MedicalReport,
    StudySession,
    StudyAttendance,
    ServiceActivity,
    ServiceParticipation,
    LeaveRequest,
    LeaveEvent,
    TravelPermit,
    TravelTrip,
    Sanction,
    ClassChange,
    PlaceChange,
    Decision,
    Assessment,
    LostContactEpisode,
    LostContactStep,
    ReleaseStep,
    LedgerEntry,
    Counselling,
    HelpRecord,
    ScreeningCampaign,
    Hazard,
);
