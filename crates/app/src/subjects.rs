//! Registering and finding 社区矫正对象 (domain.md §3.2), and recording case events that change
//! their state (§4).

use chrono::{Datelike, NaiveDate};
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::{id_number, term, text, DateRange, Phase, SentenceType, Sex, SubjectStatus, SupervisionClass};
use jiaowu_store::{
    ReceivedSource, Recorded, Subject, SubjectEvent, SubjectEventInput, SubjectEventKind, SubjectRow, WithInput,
};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problems};
use crate::{zh, Core};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterSubjectInput {
    pub name: String,
    #[serde(default)]
    pub former_name: Option<String>,
    /// Taken from the ID number when omitted; checked against it when given.
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    pub id_number: String,
    #[serde(default)]
    pub ethnicity: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    pub residence_code: String,
    pub residence_detail: String,
    #[serde(default)]
    pub household_code: Option<String>,
    #[serde(default)]
    pub household_detail: Option<String>,
    #[serde(default)]
    pub employer: Option<String>,
    #[serde(default)]
    pub education: Option<String>,
    pub crime: String,
    pub original_sentence: String,
    pub sentence_type: SentenceType,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    #[serde(default)]
    pub judgment_effective: Option<NaiveDate>,
    #[serde(default)]
    pub deciding_organ: Option<String>,
    #[serde(default)]
    pub decision_doc_no: Option<String>,
    #[serde(default)]
    pub injunction: Option<String>,
    #[serde(default)]
    pub reported_on: Option<NaiveDate>,
    /// Defaults to 严管 while the rule pack keeps new subjects strict, else 普管.
    #[serde(default)]
    pub class: Option<SupervisionClass>,
    /// Defaults to "under 18 on the judgment date" (社区矫正法 Art 58 keeps it for the whole term).
    #[serde(default)]
    pub is_minor_case: Option<bool>,
    #[serde(default)]
    pub medical_parole: bool,
    #[serde(default = "yes")]
    pub able_to_work: bool,
    #[serde(default)]
    pub guardian_name: Option<String>,
    #[serde(default)]
    pub guardian_phone: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub received_source: Option<ReceivedSource>,
    #[serde(default)]
    pub external_no: Option<String>,
}

fn yes() -> bool {
    true
}

/// A line of the subject list: ID numbers masked (domain.md §21.3).
#[derive(Debug, Clone, Serialize)]
pub struct SubjectSummary {
    pub id: SubjectId,
    pub name: String,
    pub name_initials: String,
    pub sex: &'static str,
    pub id_number_masked: String,
    pub sentence_type: SentenceType,
    pub sentence_type_label: &'static str,
    pub class: SupervisionClass,
    pub class_label: &'static str,
    pub status: SubjectStatus,
    pub status_label: &'static str,
    pub phase_label: &'static str,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    pub days_remaining: i64,
    pub is_minor_case: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubjectDetail {
    pub subject: Subject,
    pub summary: SubjectSummary,
}

/// Pinyin initials of a name for search (张三 → zs); letters pass through, others drop.
pub fn initials(name: &str) -> String {
    use pinyin::ToPinyin;
    name.chars()
        .filter_map(|c| match c.to_pinyin() {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

pub(crate) fn opt_text(p: &mut Problems, field: &str, v: &Option<String>, max: usize) -> Option<String> {
    match v.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => p.check(text::free_text(s, max).map_err(|e| zh::text_error(field, &e))),
    }
}

pub(crate) fn opt_phone(p: &mut Problems, field: &str, v: &Option<String>) -> Option<String> {
    match v.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => p.check(text::normalize_phone(s).map(|ph| ph.number).map_err(|e| zh::text_error(field, &e))),
    }
}

pub(crate) fn required_text(p: &mut Problems, field: &str, v: &str, max: usize) -> String {
    if v.trim().is_empty() {
        p.push(zh::required(field));
        return String::new();
    }
    p.check(text::free_text(v, max).map_err(|e| zh::text_error(field, &e))).unwrap_or_default()
}

fn division_code(p: &mut Problems, field: &str, v: &str) {
    if v.len() < 6 || v.len() > 12 || !v.chars().all(|c| c.is_ascii_digit()) {
        p.push(AppError::invalid(field, "division_code", zh::bad_division_code(v)));
    }
}

/// A list line. Takes the row by value (its strings move into the summary) and the day and
/// phase rules computed once per list.
fn row_summary(
    s: SubjectRow,
    today: NaiveDate,
    phases: Option<&jiaowu_domain::rule_pack::PhaseRules>,
) -> SubjectSummary {
    let range = DateRange::new(s.term_start, s.term_end);
    let phase = phases.map(|p| term::phase_on(range, today, p)).unwrap_or(Phase::Regular);
    SubjectSummary {
        id: s.id,
        id_number_masked: id_number::mask(&s.id_number),
        name: s.name,
        name_initials: s.name_initials,
        sex: zh::sex(s.sex),
        sentence_type: s.sentence_type,
        sentence_type_label: zh::sentence_type(s.sentence_type),
        class: s.class,
        class_label: zh::class(s.class),
        status: s.status,
        status_label: zh::status(s.status),
        phase_label: zh::phase(phase),
        term_start: s.term_start,
        term_end: s.term_end,
        days_remaining: term::days_remaining(range, today),
        is_minor_case: s.is_minor_case,
    }
}

impl Core {
    pub(crate) fn summary(&self, s: &Subject) -> SubjectSummary {
        let today = self.today();
        row_summary(SubjectRow::from(s), today, self.rules.pack_for(today).map(|p| &p.phases))
    }

    /// 接收登记: registers a subject assigned to this office.
    pub fn register_subject(&mut self, input: RegisterSubjectInput) -> Result<SubjectDetail, AppError> {
        let today = self.today();
        let mut p = Problems::default();
        let name = p.check(text::normalize_name(&input.name).map_err(|e| zh::text_error("name", &e)));
        let former_name = match input.former_name.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(n) => p.check(text::normalize_name(n).map_err(|e| zh::text_error("former_name", &e))),
        };
        let rid = p.check(
            id_number::parse_resident_id(&input.id_number, today).map_err(|e| zh::id_number_error("id_number", &e)),
        );
        if let Some(rid) = &rid {
            for m in id_number::check_against_record(rid, input.birth_date, input.sex) {
                p.push(zh::id_mismatch(&m));
            }
        }
        let phone = opt_phone(&mut p, "phone", &input.phone);
        let guardian_phone = opt_phone(&mut p, "guardian_phone", &input.guardian_phone);
        division_code(&mut p, "residence_code", &input.residence_code);
        if let Some(h) = &input.household_code {
            division_code(&mut p, "household_code", h);
        }
        let residence_detail = required_text(&mut p, "residence_detail", &input.residence_detail, 200);
        let crime = required_text(&mut p, "crime", &input.crime, 200);
        let original_sentence = required_text(&mut p, "original_sentence", &input.original_sentence, 200);
        let term = DateRange::new(input.term_start, input.term_end);
        p.check(term::validate_term(term).map_err(|e| zh::term_error("term_end", &e)));
        if let Some(r) = input.reported_on {
            if r > today {
                p.push(zh::date_in_future("reported_on", r, today));
            }
        }
        if input.medical_parole && input.sentence_type != SentenceType::TemporaryOutside {
            p.push(AppError::invalid("medical_parole", "subject.medical_parole", zh::medical_parole_only_outside()));
        }
        let notes = opt_text(&mut p, "notes", &input.notes, 2000);
        let injunction = opt_text(&mut p, "injunction", &input.injunction, 2000);
        p.finish()?;
        let rid = rid.expect("checked");
        let name = name.expect("checked");

        let class = input.class.unwrap_or_else(|| {
            // Province A: new subjects are 严管 for their first months (domain.md §5.2).
            let strict_start =
                self.rules.pack_for(input.term_start).map(|p| p.intake.initial_strict_months > 0).unwrap_or(false);
            if strict_start {
                SupervisionClass::Strict
            } else {
                SupervisionClass::Ordinary
            }
        });
        let decided_on = input.judgment_effective.unwrap_or(input.term_start);
        let adult_on =
            NaiveDate::from_ymd_opt(rid.birth_date.year() + 18, rid.birth_date.month(), rid.birth_date.day())
                .unwrap_or_else(|| NaiveDate::from_ymd_opt(rid.birth_date.year() + 18, 3, 1).expect("valid"));
        let now = self.clock.now();
        let s = Subject {
            id: SubjectId::new(),
            office_id: self.office.id,
            external_no: input.external_no.filter(|x| !x.trim().is_empty()),
            name_initials: initials(&name),
            name,
            former_name,
            sex: rid.sex,
            ethnicity: input.ethnicity.filter(|x| !x.trim().is_empty()),
            birth_date: rid.birth_date,
            id_type: "resident_id".into(),
            id_number: rid.number.clone(),
            phone,
            residence_code: input.residence_code,
            residence_detail,
            household_code: input.household_code,
            household_detail: input.household_detail,
            employer: input.employer,
            education: input.education,
            crime,
            original_sentence,
            sentence_type: input.sentence_type,
            term_start: input.term_start,
            term_end: input.term_end,
            judgment_effective: input.judgment_effective,
            deciding_organ: input.deciding_organ,
            decision_doc_no: input.decision_doc_no,
            injunction,
            reported_on: input.reported_on,
            class,
            status: if input.reported_on.is_some() {
                SubjectStatus::InCorrection
            } else {
                SubjectStatus::PendingIntake
            },
            is_minor_case: input.is_minor_case.unwrap_or(decided_on < adult_on),
            medical_parole: input.medical_parole,
            able_to_work: input.able_to_work,
            guardian_name: input.guardian_name,
            guardian_phone,
            notes,
            received_source: input.received_source.unwrap_or(ReceivedSource::Court),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let session = self.session.clone();
        self.store.write(&session, now, |tx| tx.insert_subject(&s))?;
        Ok(SubjectDetail { summary: self.summary(&s), subject: s })
    }

    /// Subjects matching a name fragment, pinyin initials or ID-number fragment, sorted by pinyin.
    pub fn list_subjects(&self, query: &str) -> Result<Vec<SubjectSummary>, AppError> {
        let q = query.trim();
        let mut all = if q.is_empty() { self.store.subject_rows()? } else { self.store.search_subjects(q)? };
        all.sort_by(|a, b| a.name_initials.cmp(&b.name_initials).then_with(|| a.name.cmp(&b.name)));
        let today = self.today();
        let phases = self.rules.pack_for(today).map(|p| &p.phases);
        let exited = self.exited()?;
        Ok(all
            .into_iter()
            .map(|s| {
                let mut row = row_summary(s, today, phases);
                if exited.contains(&row.id.to_string()) {
                    row.status_label = zh::TRANSFERRED_AWAY;
                    row.phase_label = zh::TRANSFERRED_AWAY;
                }
                row
            })
            .collect())
    }

    /// Opens one subject's file. Every view is written to the audit log (design.md §2).
    pub fn get_subject(&mut self, id: SubjectId) -> Result<SubjectDetail, AppError> {
        let s = self.subject_in_office(id)?;
        let (session, now) = (self.session.clone(), self.clock.now());
        self.store
            .write(&session, now, |tx| tx.audit_only("view", "subjects", &id.to_string(), &serde_json::json!({})))?;
        Ok(SubjectDetail { summary: self.summary(&s), subject: s })
    }

    /// The subject, if it belongs to this office.
    pub(crate) fn subject_in_office(&self, id: SubjectId) -> Result<Subject, AppError> {
        match self.store.subject(id) {
            Ok(s) if s.office_id == self.office.id => Ok(s),
            Ok(_) | Err(jiaowu_store::StoreError::RecordNotFound { .. }) => Err(AppError::new(
                crate::ErrorKind::NotFound,
                "subject_id",
                "subject.not_in_office",
                zh::subject_not_in_office(&id.to_string()),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// The subject, if this office may still write about them: in the office and not moved to
    /// another office by the county (kept here as a read-only archive, protocol §6 `scope_exit`).
    /// A write about such a subject would only come back refused from the county.
    pub(crate) fn subject_for_write(&self, id: SubjectId) -> Result<Subject, AppError> {
        let s = self.subject_in_office(id)?;
        if self.exited()?.contains(&id.to_string()) {
            return Err(AppError::refused(
                "subject_id",
                "subject.transferred_away",
                zh::subject_transferred_away(&s.name),
            ));
        }
        Ok(s)
    }

    /// Finds a subject by id, ID number or name (for the CLI, where people type names and ID
    /// numbers, not UUIDs); a name two subjects share is refused with both masked numbers.
    pub fn find_subject(&self, key: &str) -> Result<Subject, AppError> {
        if let Some(id) = SubjectId::parse(key) {
            return self.subject_in_office(id);
        }
        let norm = id_number::normalize(key);
        if let Some(s) = self.store.subject_by_id_number(&norm)? {
            if s.office_id == self.office.id {
                return Ok(s);
            }
        }
        // By name, as clerks know their subjects; two of the same name need the ID number.
        let name = key.trim();
        let mut same: Vec<Subject> = Vec::new();
        for row in self.store.subject_rows()?.into_iter().filter(|r| !name.is_empty() && r.name == name) {
            if let Ok(s) = self.subject_in_office(row.id) {
                same.push(s);
            }
        }
        match same.len() {
            1 => Ok(same.remove(0)),
            0 => Err(AppError::new(
                crate::ErrorKind::NotFound,
                "subject_id",
                "subject.not_in_office",
                zh::subject_not_in_office(key),
            )),
            _ => Err(AppError::invalid(
                "subject_id",
                "subject.ambiguous_name",
                zh::subject_name_ambiguous(
                    name,
                    &same.iter().map(|s| (id_number::mask(&s.id_number), s.id.to_string())).collect::<Vec<_>>(),
                ),
            )),
        }
    }

    /// Records a case event (报到, 羁押, 解除, 终止 …) and moves the subject's status with it.
    pub fn record_subject_event(&mut self, input: SubjectEventInput) -> Result<SubjectEvent, AppError> {
        let today = self.today();
        let s = self.subject_for_write(input.subject_id)?;
        if input.event_date > today {
            return Err(zh::date_in_future("event_date", input.event_date, today));
        }
        let new_status = match input.kind {
            SubjectEventKind::Reported
            | SubjectEventKind::EntryAnnounced
            | SubjectEventKind::DetentionEnded
            | SubjectEventKind::TransferredIn => SubjectStatus::InCorrection,
            SubjectEventKind::Detained => SubjectStatus::Detained,
            SubjectEventKind::TransferredOut => SubjectStatus::TransferredOut,
            SubjectEventKind::ReleasedExpiry | SubjectEventKind::ReleasedAmnesty => SubjectStatus::Released,
            SubjectEventKind::RevokedProbation
            | SubjectEventKind::RevokedParole
            | SubjectEventKind::ReturnedToPrison
            | SubjectEventKind::Died => SubjectStatus::Terminated,
        };
        if !s.status.on_register() {
            return Err(AppError::refused(
                "subject_id",
                "subject.closed",
                zh::subject_closed(&s.name, zh::status(s.status)),
            ));
        }
        if !event_allowed_from(input.kind, s.status) {
            return Err(AppError::refused(
                "kind",
                "subject.event_not_allowed",
                zh::event_not_allowed(zh::subject_event(input.kind), &s.name, zh::status(s.status)),
            ));
        }
        if input.kind == SubjectEventKind::ReleasedExpiry && input.event_date < s.term_end {
            return Err(AppError::refused(
                "event_date",
                "subject.release_before_expiry",
                zh::release_before_expiry(input.event_date, s.term_end),
            ));
        }
        let rec = SubjectEvent::from_input(RecordId::new(), input.clone(), self.recorded());
        let mut next = s.clone();
        next.status = new_status;
        if input.kind == SubjectEventKind::Reported {
            next.reported_on = Some(input.event_date);
        }
        let (session, now) = (self.session.clone(), self.clock.now());
        self.store.write(&session, now, |tx| {
            tx.insert(&rec)?;
            tx.update_subject(&next, s.version)?;
            Ok(())
        })?;
        Ok(rec)
    }

    pub(crate) fn recorded(&self) -> Recorded {
        Recorded {
            recorded_by: self.session.staff_id.clone(),
            recorded_at: self.clock.now(),
            supersedes: None,
            correction_reason: None,
        }
    }
}

/// Which status a subject must be in for an event to happen to them (domain.md §4: the
/// subject state machine; 社区矫正法 Arts 21–23 intake, 27 transfer, 32 detention, 44–46 end).
fn event_allowed_from(kind: SubjectEventKind, from: SubjectStatus) -> bool {
    use SubjectEventKind as K;
    use SubjectStatus as S;
    match kind {
        K::Reported | K::TransferredIn => from == S::PendingIntake,
        K::EntryAnnounced => matches!(from, S::PendingIntake | S::InCorrection),
        K::Detained => matches!(from, S::InCorrection | S::OnLeave | S::LostContact),
        K::DetentionEnded => from == S::Detained,
        K::TransferredOut => matches!(from, S::InCorrection | S::TransferOutPending),
        K::ReleasedExpiry | K::ReleasedAmnesty => from == S::InCorrection,
        // Revocation, return to prison and death can reach a subject in any state on register.
        K::RevokedProbation | K::RevokedParole | K::ReturnedToPrison | K::Died => from.on_register(),
    }
}
