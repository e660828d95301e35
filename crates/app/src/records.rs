//! Recording what happened: one function per kind of record, plus `correct_record`, which
//! supersedes any record with a corrected copy and a reason (both stay; design.md §2).

use chrono::NaiveDate;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::text;
use jiaowu_store::*;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorKind, Problems};
use crate::{zh, Core};

/// Per-kind checks shared by new records and corrections.
pub(crate) trait Checked: WithInput {
    /// The subject the record is about, if it is subject-scoped.
    fn subject_of(i: &Self::Input) -> Option<SubjectId>;
    /// The record's own date: (input field, date). Must not be in the future or outside the term.
    fn date(i: &Self::Input) -> Option<(&'static str, NaiveDate)>;
    /// Field checks; may normalise text in place.
    fn check(_core: &Core, _i: &mut Self::Input, _p: &mut Problems) {}
}

fn need(p: &mut Problems, field: &str, v: &str, max: usize) {
    if v.trim().is_empty() {
        p.push(zh::required(field));
    } else if let Err(e) = text::free_text(v, max) {
        p.push(zh::text_error(field, &e));
    }
}

macro_rules! checked {
    ($t:ty, $date:ident, |$core:ident, $i:ident, $p:ident| $body:block) => {
        impl Checked for $t {
            fn subject_of(i: &Self::Input) -> Option<SubjectId> {
                Some(i.subject_id)
            }
            fn date(i: &Self::Input) -> Option<(&'static str, NaiveDate)> {
                Some((stringify!($date), i.$date))
            }
            #[allow(unused_variables)]
            fn check($core: &Core, $i: &mut Self::Input, $p: &mut Problems) $body
        }
    };
}

checked!(Visit, visit_date, |core, i, p| {
    need(p, "address", &i.address, 300);
    need(p, "findings", &i.findings, 5000);
    if i.visitors.iter().all(|v| v.trim().is_empty()) {
        p.push(zh::required("visitors"));
    }
});
checked!(Report, report_date, |core, i, p| {
    need(p, "received_by", &i.received_by, 50);
    need(p, "content", &i.content, 5000);
});
checked!(ItCheck, check_date, |core, i, p| {});
checked!(Talk, talk_date, |core, i, p| {
    need(p, "place", &i.place, 200);
    need(p, "content", &i.content, 10000);
    if i.talkers.iter().all(|v| v.trim().is_empty()) {
        p.push(zh::required("talkers"));
    }
});
checked!(MedicalReport, report_date, |core, i, p| {
    need(p, "result", &i.result, 5000);
});
checked!(TeamMember, joined_on, |core, i, p| {
    need(p, "member_name", &i.member_name, 50);
    need(p, "relation", &i.relation, 50);
});
checked!(CorrectionPlan, effective_from, |core, i, p| {
    need(p, "measures", &i.measures, 20000);
});
checked!(Assessment, period_end, |core, i, p| {
    if i.period_end < i.period_start {
        p.push(zh::end_before_start("period_start", "period_end", i.period_start, i.period_end));
    }
});
checked!(ReleaseStep, done_on, |core, i, p| {
    need(p, "content", &i.content, 20000);
});
checked!(LedgerEntry, entry_date, |core, i, p| {
    need(p, "content", &i.content, 5000);
});
checked!(Counselling, session_date, |core, i, p| {
    need(p, "counsellor", &i.counsellor, 50);
    need(p, "summary", &i.summary, 10000);
});
checked!(HelpRecord, help_date, |core, i, p| {
    need(p, "content", &i.content, 5000);
});
checked!(Sanction, proposed_on, |core, i, p| {
    need(p, "facts", &i.facts, 10000);
    need(p, "legal_basis", &i.legal_basis, 500);
});
checked!(ClassChange, proposed_on, |core, i, p| {
    need(p, "reason", &i.reason, 5000);
    if i.old_class == i.new_class {
        p.push(AppError::invalid("new_class", "class.same", zh::class_unchanged()));
    }
});
checked!(PlaceChange, applied_on, |core, i, p| {
    need(p, "reason", &i.reason, 5000);
});
checked!(TravelPermit, applied_on, |core, i, p| {
    need(p, "destinations", &i.destinations, 1000);
    need(p, "reason", &i.reason, 5000);
    if i.valid_to < i.valid_from {
        p.push(zh::end_before_start("valid_from", "valid_to", i.valid_from, i.valid_to));
    } else if i.valid_to > jiaowu_domain::calendar::add_months(i.valid_from, 6) {
        // 实施办法 Art 29: a standing permit for frequent cross-city travel is valid 6 months.
        p.push(AppError::invalid("valid_to", "permit.too_long", zh::permit_too_long(i.valid_from, i.valid_to)));
    }
});
checked!(TravelTrip, trip_start, |core, i, p| {
    if i.trip_end < i.trip_start {
        p.push(zh::end_before_start("trip_start", "trip_end", i.trip_start, i.trip_end));
    }
    // A trip is only covered by an approved permit of the same subject, within its validity
    // (实施办法 Art 29).
    match core.store.record::<TravelPermit>(i.permit_id) {
        Ok((permit, false)) if permit.subject_id == i.subject_id => {
            let approved = core
                .store
                .records_of::<Decision>(i.subject_id)
                .is_ok_and(|ds| queries::current(ds).iter().any(|d| d.target_id == permit.id && d.approve));
            if !approved {
                p.push(AppError::refused("permit_id", "permit.not_approved", zh::permit_not_approved()));
            } else if i.trip_start < permit.valid_from || i.trip_end > permit.valid_to {
                p.push(AppError::invalid(
                    "trip_start",
                    "permit.outside_validity",
                    zh::trip_outside_permit(permit.valid_from, permit.valid_to),
                ));
            }
        }
        _ => p.push(AppError::new(ErrorKind::NotFound, "permit_id", "permit.missing", zh::permit_missing())),
    }
});
checked!(LostContactEpisode, started_on, |core, i, p| {});
checked!(Hazard, found_on, |core, i, p| {
    need(p, "description", &i.description, 5000);
    // A hazard is found in a 排查 campaign of this office (domain.md §14, 风险隐患排查).
    match core.store.record::<ScreeningCampaign>(i.campaign_id) {
        Ok((c, false)) if c.office_id == core.office.id => {
            if i.found_on < c.start_date {
                p.push(AppError::invalid(
                    "found_on",
                    "hazard.before_campaign",
                    zh::hazard_before_campaign(c.start_date),
                ));
            }
        }
        _ => {
            p.push(AppError::new(ErrorKind::NotFound, "campaign_id", "hazard.campaign_missing", zh::campaign_missing()))
        }
    }
});
/// A 风险隐患排查 campaign: office-wide, dated by its first day.
impl Checked for ScreeningCampaign {
    fn subject_of(_: &Self::Input) -> Option<SubjectId> {
        None
    }
    fn date(i: &Self::Input) -> Option<(&'static str, NaiveDate)> {
        Some(("start_date", i.start_date))
    }
    fn check(core: &Core, i: &mut Self::Input, p: &mut Problems) {
        i.office_id = core.office.id;
        need(p, "name", &i.name, 100);
        if i.end_date < i.start_date {
            p.push(AppError::invalid(
                "end_date",
                "campaign.end_before_start",
                zh::campaign_ends_early(i.start_date, i.end_date),
            ));
        }
    }
}
checked!(SubjectEvent, event_date, |core, i, p| {});
/// `LostContactStep` is dated by an instant; its calendar day is in Beijing time.
impl Checked for LostContactStep {
    fn subject_of(i: &Self::Input) -> Option<SubjectId> {
        Some(i.subject_id)
    }
    fn date(i: &Self::Input) -> Option<(&'static str, NaiveDate)> {
        Some(("step_at", i.step_at.with_timezone(&crate::clock::shanghai()).date_naive()))
    }
    fn check(_core: &Core, i: &mut Self::Input, p: &mut Problems) {
        need(p, "result", &i.result, 5000);
    }
}

/// Kinds of record the user can enter or correct, by table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
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
    Help,
    Sanction,
    ClassChange,
    PlaceChange,
    TravelPermit,
    TravelTrip,
    LostContactEpisode,
    LostContactStep,
    Hazard,
    SubjectEvent,
}

impl RecordKind {
    pub const ALL: [RecordKind; 21] = [
        Self::Visit,
        Self::Report,
        Self::ItCheck,
        Self::Talk,
        Self::MedicalReport,
        Self::TeamMember,
        Self::CorrectionPlan,
        Self::Assessment,
        Self::ReleaseStep,
        Self::LedgerEntry,
        Self::Counselling,
        Self::Help,
        Self::Sanction,
        Self::ClassChange,
        Self::PlaceChange,
        Self::TravelPermit,
        Self::TravelTrip,
        Self::LostContactEpisode,
        Self::LostContactStep,
        Self::Hazard,
        Self::SubjectEvent,
    ];
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.replace('-', "_"))).ok()
    }
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectRecordInput {
    pub kind: RecordKind,
    pub record_id: RecordId,
    pub reason: String,
    /// The fields that change, as in the record's input; the others are copied from the old record.
    pub changes: serde_json::Map<String, serde_json::Value>,
}

impl Core {
    /// Validates and appends a record in one transaction (with its audit entry and outbox op).
    pub(crate) fn append<R: Checked>(
        &mut self,
        input: R::Input,
        supersedes: Option<(RecordId, String)>,
    ) -> Result<R, AppError> {
        self.append_moving(input, supersedes, None)
    }

    /// As `append`, and moves the subject to `status` in the same transaction.
    pub(crate) fn append_moving<R: Checked>(
        &mut self,
        mut input: R::Input,
        supersedes: Option<(RecordId, String)>,
        status: Option<jiaowu_domain::SubjectStatus>,
    ) -> Result<R, AppError> {
        let today = self.today();
        let mut p = Problems::default();
        if let Some(sid) = R::subject_of(&input) {
            let s = self.subject_for_write(sid)?;
            if supersedes.is_none() && !s.status.on_register() {
                return Err(AppError::refused(
                    "subject_id",
                    "subject.closed",
                    zh::subject_closed(&s.name, zh::status(s.status)),
                ));
            }
            if let Some((f, d)) = R::date(&input) {
                if d < s.term_start.min(s.reported_on.unwrap_or(s.term_start)) {
                    p.push(AppError::invalid(f, "date.before_term", zh::before_term(f, d, s.term_start)));
                }
            }
        }
        if let Some((f, d)) = R::date(&input) {
            if d > today {
                p.push(zh::date_in_future(f, d, today));
            }
        }
        R::check(self, &mut input, &mut p);
        p.finish()?;
        let mut recorded = self.recorded();
        if let Some((old, reason)) = supersedes {
            recorded.supersedes = Some(old);
            recorded.correction_reason = Some(reason);
        }
        let rec = R::from_input(RecordId::new(), input, recorded);
        let moved = match (status, rec.subject()) {
            (Some(st), Some(sid)) => {
                let mut n = self.store.subject(sid)?;
                n.status = st;
                Some(n)
            }
            _ => None,
        };
        let (session, now) = (self.session.clone(), self.clock.now());
        self.store.write(&session, now, |tx| {
            tx.insert(&rec)?;
            if let Some(n) = &moved {
                tx.update_subject(n, n.version)?;
            }
            Ok(())
        })?;
        Ok(rec)
    }

    pub fn record_visit(&mut self, input: VisitInput) -> Result<Visit, AppError> {
        self.append(input, None)
    }
    pub fn record_report(&mut self, input: ReportInput) -> Result<Report, AppError> {
        self.append(input, None)
    }
    pub fn record_it_check(&mut self, input: ItCheckInput) -> Result<ItCheck, AppError> {
        self.append(input, None)
    }
    pub fn record_talk(&mut self, input: TalkInput) -> Result<Talk, AppError> {
        self.append(input, None)
    }
    pub fn record_medical_report(&mut self, input: MedicalReportInput) -> Result<MedicalReport, AppError> {
        self.append(input, None)
    }
    pub fn add_team_member(&mut self, input: TeamMemberInput) -> Result<TeamMember, AppError> {
        self.append(input, None)
    }
    pub fn record_correction_plan(&mut self, input: CorrectionPlanInput) -> Result<CorrectionPlan, AppError> {
        self.append(input, None)
    }
    pub fn record_assessment(&mut self, input: AssessmentInput) -> Result<Assessment, AppError> {
        self.append(input, None)
    }
    pub fn record_release_step(&mut self, input: ReleaseStepInput) -> Result<ReleaseStep, AppError> {
        self.append(input, None)
    }
    pub fn record_ledger_entry(&mut self, input: LedgerEntryInput) -> Result<LedgerEntry, AppError> {
        self.append(input, None)
    }
    pub fn record_counselling(&mut self, input: CounsellingInput) -> Result<Counselling, AppError> {
        self.append(input, None)
    }
    pub fn record_help(&mut self, input: HelpRecordInput) -> Result<HelpRecord, AppError> {
        self.append(input, None)
    }
    /// 提请 训诫/警告/… : the office proposes; the county decides (实施办法 Arts 34–36).
    pub fn propose_sanction(&mut self, input: SanctionInput) -> Result<Sanction, AppError> {
        self.append(input, None)
    }
    pub fn propose_class_change(&mut self, input: ClassChangeInput) -> Result<ClassChange, AppError> {
        self.append(input, None)
    }
    pub fn apply_place_change(&mut self, input: PlaceChangeInput) -> Result<PlaceChange, AppError> {
        self.append(input, None)
    }
    /// 经常性跨市县活动 or business-travel permit application (实施办法 Art 29; domain.md §28).
    pub fn apply_travel_permit(&mut self, input: TravelPermitInput) -> Result<TravelPermit, AppError> {
        self.append(input, None)
    }
    pub fn record_travel_trip(&mut self, input: TravelTripInput) -> Result<TravelTrip, AppError> {
        self.append(input, None)
    }
    /// 开展风险隐患排查: the office opens a campaign; hazards found are recorded against it.
    pub fn open_screening_campaign(&mut self, input: ScreeningCampaignInput) -> Result<ScreeningCampaign, AppError> {
        self.append(input, None)
    }
    pub fn record_hazard(&mut self, input: HazardInput) -> Result<Hazard, AppError> {
        self.append(input, None)
    }
    /// A search step, a notification, or the finding. Finding the subject closes the episode
    /// and returns them to 在矫 (社区矫正法 Art 30; domain.md §14).
    pub fn record_lost_contact_step(&mut self, input: LostContactStepInput) -> Result<LostContactStep, AppError> {
        let s = self.subject_for_write(input.subject_id)?;
        let episode = self.store.record::<LostContactEpisode>(input.episode_id).ok().map(|(e, _)| e);
        if episode.is_none_or(|e| e.subject_id != s.id) {
            return Err(AppError::new(
                ErrorKind::NotFound,
                "episode_id",
                "lost_contact.episode_missing",
                zh::episode_missing(),
            ));
        }
        if s.status != jiaowu_domain::SubjectStatus::LostContact {
            return Err(AppError::refused(
                "subject_id",
                "lost_contact.not_lost",
                zh::not_lost(&s.name, zh::status(s.status)),
            ));
        }
        let found = input.kind == LostContactStepKind::Found;
        self.append_moving(input, None, found.then_some(jiaowu_domain::SubjectStatus::InCorrection))
    }

    /// Supersedes a record with a corrected copy; the old one stays, marked as replaced.
    pub fn correct_record(&mut self, input: CorrectRecordInput) -> Result<serde_json::Value, AppError> {
        if input.reason.trim().is_empty() {
            return Err(zh::required("correction_reason"));
        }
        macro_rules! go {
            ($t:ty) => {{
                let (old, superseded) = self.store.record::<$t>(input.record_id)?;
                if superseded {
                    return Err(AppError::new(
                        ErrorKind::Conflict,
                        "record_id",
                        "record.already_corrected",
                        zh::already_corrected(),
                    ));
                }
                let mut v = serde_json::to_value(old.to_input()).map_err(AppError::internal)?;
                let obj = v.as_object_mut().expect("inputs are objects");
                for (k, val) in &input.changes {
                    if k == "subject_id" {
                        return Err(AppError::invalid("subject_id", "record.subject_fixed", zh::subject_fixed()));
                    }
                    obj.insert(k.clone(), val.clone());
                }
                let new_input: <$t as WithInput>::Input = serde_json::from_value(v)
                    .map_err(|e| AppError::invalid("changes", "record.bad_changes", zh::bad_changes(&e.to_string())))?;
                let rec: $t = self.append(new_input, Some((input.record_id, input.reason.trim().to_string())))?;
                serde_json::to_value(rec).map_err(AppError::internal)
            }};
        }
        match input.kind {
            RecordKind::Visit => go!(Visit),
            RecordKind::Report => go!(Report),
            RecordKind::ItCheck => go!(ItCheck),
            RecordKind::Talk => go!(Talk),
            RecordKind::MedicalReport => go!(MedicalReport),
            RecordKind::TeamMember => go!(TeamMember),
            RecordKind::CorrectionPlan => go!(CorrectionPlan),
            RecordKind::Assessment => go!(Assessment),
            RecordKind::ReleaseStep => go!(ReleaseStep),
            RecordKind::LedgerEntry => go!(LedgerEntry),
            RecordKind::Counselling => go!(Counselling),
            RecordKind::Help => go!(HelpRecord),
            RecordKind::Sanction => go!(Sanction),
            RecordKind::ClassChange => go!(ClassChange),
            RecordKind::PlaceChange => go!(PlaceChange),
            RecordKind::TravelPermit => go!(TravelPermit),
            RecordKind::TravelTrip => go!(TravelTrip),
            RecordKind::LostContactEpisode => go!(LostContactEpisode),
            RecordKind::LostContactStep => go!(LostContactStep),
            RecordKind::Hazard => go!(Hazard),
            RecordKind::SubjectEvent => {
                Err(AppError::refused("kind", "record.not_correctable", zh::event_not_correctable()))
            }
        }
    }

    /// Records any kind from its JSON input (the CLI's `record <kind> --input`).
    pub fn record_json(&mut self, kind: RecordKind, input: serde_json::Value) -> Result<serde_json::Value, AppError> {
        macro_rules! go {
            ($f:ident) => {{
                let i = serde_json::from_value(input)
                    .map_err(|e| AppError::invalid("input", "input.json", zh::bad_input_json(&e.to_string())))?;
                serde_json::to_value(self.$f(i)?).map_err(AppError::internal)
            }};
        }
        match kind {
            RecordKind::Visit => go!(record_visit),
            RecordKind::Report => go!(record_report),
            RecordKind::ItCheck => go!(record_it_check),
            RecordKind::Talk => go!(record_talk),
            RecordKind::MedicalReport => go!(record_medical_report),
            RecordKind::TeamMember => go!(add_team_member),
            RecordKind::CorrectionPlan => go!(record_correction_plan),
            RecordKind::Assessment => go!(record_assessment),
            RecordKind::ReleaseStep => go!(record_release_step),
            RecordKind::LedgerEntry => go!(record_ledger_entry),
            RecordKind::Counselling => go!(record_counselling),
            RecordKind::Help => go!(record_help),
            RecordKind::Sanction => go!(propose_sanction),
            RecordKind::ClassChange => go!(propose_class_change),
            RecordKind::PlaceChange => go!(apply_place_change),
            RecordKind::TravelPermit => go!(apply_travel_permit),
            RecordKind::TravelTrip => go!(record_travel_trip),
            RecordKind::LostContactEpisode => go!(record_lost_contact),
            RecordKind::LostContactStep => go!(record_lost_contact_step),
            RecordKind::Hazard => go!(record_hazard),
            RecordKind::SubjectEvent => go!(record_subject_event),
        }
    }

    /// 失联: opens an episode and marks the subject as lost contact (社区矫正法 Art 30).
    pub fn record_lost_contact(&mut self, input: LostContactEpisodeInput) -> Result<LostContactEpisode, AppError> {
        use jiaowu_domain::SubjectStatus as St;
        let s = self.subject_for_write(input.subject_id)?;
        if !matches!(s.status, St::InCorrection | St::OnLeave) {
            return Err(AppError::refused(
                "subject_id",
                "lost_contact.status",
                zh::cannot_lose_contact(&s.name, zh::status(s.status)),
            ));
        }
        self.append_moving(input, None, Some(St::LostContact))
    }
}
