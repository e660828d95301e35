//! Group work for many subjects at once: 集中教育学习 with attendance and credited hours, and
//! 公益活动 with hours (社区矫正法 Arts 36, 42; 实施办法 Arts 43–44; domain.md §16). One form,
//! one transaction: the session and every subject's line commit together.

use std::collections::HashSet;

use chrono::NaiveDate;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_store::*;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problems};
use crate::{zh, Core};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendanceLine {
    pub subject_id: SubjectId,
    pub attendance: Attendance,
    /// Minutes credited; defaults to the whole session when present, 0 when absent.
    #[serde(default)]
    pub credited_minutes: Option<u32>,
    #[serde(default)]
    pub sign_in: Option<String>,
    #[serde(default)]
    pub sign_out: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudySessionForm {
    pub session_date: NaiveDate,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub end_time: Option<String>,
    pub minutes: u32,
    pub place: String,
    pub organiser: String,
    #[serde(default)]
    pub speaker: Option<String>,
    pub topic: String,
    #[serde(default)]
    pub summary: Option<String>,
    pub mode: StudyMode,
    pub attendance: Vec<AttendanceLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StudySessionView {
    pub session: StudySession,
    pub attendance: Vec<StudyAttendance>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipationLine {
    pub subject_id: SubjectId,
    /// Minutes credited; defaults to the whole activity. 0 with an exemption reason for subjects
    /// unable to work (实施办法 Art 44: arranged by ability to work and health).
    #[serde(default)]
    pub credited_minutes: Option<u32>,
    #[serde(default)]
    pub performance: Option<String>,
    #[serde(default)]
    pub exempt_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceActivityForm {
    pub activity_date: NaiveDate,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub end_time: Option<String>,
    pub minutes: u32,
    pub place: String,
    pub content: String,
    pub supervisor: String,
    pub participants: Vec<ParticipationLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceActivityView {
    pub activity: ServiceActivity,
    pub participants: Vec<ServiceParticipation>,
}

impl Core {
    /// Checks that every listed subject is this office's, on register, listed once, and that
    /// minors and adults are not mixed (社区矫正法 Art 52: minors are corrected separately).
    fn check_group(&self, field: &str, ids: &[SubjectId], date: NaiveDate, p: &mut Problems) {
        let mut seen = HashSet::new();
        let (mut minors, mut adults) = (0, 0);
        for id in ids {
            if !seen.insert(*id) {
                p.push(AppError::invalid(field, "group.duplicate", zh::group_duplicate(&id.to_string())));
                continue;
            }
            match self.subject_for_write(*id) {
                Err(e) if e.code() == "subject.transferred_away" => {
                    p.push(AppError::refused(field, e.code(), e.message()))
                }
                Err(_) => {
                    p.push(AppError::refused(field, "group.not_in_office", zh::group_not_in_office(&id.to_string())))
                }
                Ok(s) if !s.status.on_register() => p.push(AppError::refused(
                    field,
                    "group.not_on_register",
                    zh::subject_closed(&s.name, zh::status(s.status)),
                )),
                Ok(s) if date < s.term_start => p.push(AppError::invalid(
                    field,
                    "group.before_term",
                    zh::group_before_term(&s.name, date, s.term_start),
                )),
                Ok(s) => {
                    if s.is_minor_case {
                        minors += 1
                    } else {
                        adults += 1
                    }
                }
            }
        }
        if minors > 0 && adults > 0 {
            p.push(AppError::refused(field, "group.minors_mixed", zh::minors_mixed()));
        }
    }

    /// 集中教育学习: the session and its sign-in sheet with hours for each subject.
    pub fn record_study_session(&mut self, form: StudySessionForm) -> Result<StudySessionView, AppError> {
        let today = self.today();
        let mut p = Problems::default();
        if form.session_date > today {
            p.push(zh::date_in_future("session_date", form.session_date, today));
        }
        if form.minutes == 0 || form.minutes > 12 * 60 {
            p.push(AppError::invalid("minutes", "session.minutes", zh::session_minutes(form.minutes)));
        }
        for (f, v) in [("place", &form.place), ("organiser", &form.organiser), ("topic", &form.topic)] {
            if v.trim().is_empty() {
                p.push(zh::required(f));
            }
        }
        if form.attendance.is_empty() {
            p.push(zh::required("attendance"));
        }
        let ids: Vec<_> = form.attendance.iter().map(|a| a.subject_id).collect();
        self.check_group("attendance", &ids, form.session_date, &mut p);
        for a in &form.attendance {
            if a.credited_minutes.is_some_and(|m| m > form.minutes) {
                p.push(AppError::invalid(
                    "credited_minutes",
                    "session.credit_exceeds",
                    zh::credit_exceeds(a.credited_minutes.unwrap_or(0), form.minutes),
                ));
            }
            if a.attendance != Attendance::Present && a.credited_minutes.unwrap_or(0) > 0 {
                p.push(AppError::invalid("credited_minutes", "session.absent_credit", zh::absent_credit()));
            }
        }
        p.finish()?;
        let session = StudySession::from_input(
            RecordId::new(),
            StudySessionInput {
                office_id: self.office.id,
                session_date: form.session_date,
                start_time: form.start_time,
                end_time: form.end_time,
                minutes: form.minutes,
                place: form.place.trim().into(),
                organiser: form.organiser.trim().into(),
                speaker: form.speaker,
                topic: form.topic.trim().into(),
                summary: form.summary,
                mode: form.mode,
            },
            self.recorded(),
        );
        let lines: Vec<StudyAttendance> = form
            .attendance
            .into_iter()
            .map(|a| {
                let credited = match a.attendance {
                    Attendance::Present => a.credited_minutes.unwrap_or(form.minutes),
                    _ => 0,
                };
                StudyAttendance::from_input(
                    RecordId::new(),
                    StudyAttendanceInput {
                        subject_id: a.subject_id,
                        session_id: session.id,
                        attendance: a.attendance,
                        credited_minutes: credited,
                        sign_in: a.sign_in,
                        sign_out: a.sign_out,
                        note: a.note,
                    },
                    self.recorded(),
                )
            })
            .collect();
        let (s, now) = (self.session.clone(), self.clock.now());
        self.store.write(&s, now, |tx| {
            tx.insert(&session)?;
            for l in &lines {
                tx.insert(l)?;
            }
            Ok(())
        })?;
        Ok(StudySessionView { session, attendance: lines })
    }

    /// 公益活动: the activity and each subject's credited hours or exemption.
    pub fn record_service_activity(&mut self, form: ServiceActivityForm) -> Result<ServiceActivityView, AppError> {
        let today = self.today();
        let mut p = Problems::default();
        if form.activity_date > today {
            p.push(zh::date_in_future("activity_date", form.activity_date, today));
        }
        if form.minutes == 0 || form.minutes > 12 * 60 {
            p.push(AppError::invalid("minutes", "session.minutes", zh::session_minutes(form.minutes)));
        }
        for (f, v) in [("place", &form.place), ("content", &form.content), ("supervisor", &form.supervisor)] {
            if v.trim().is_empty() {
                p.push(zh::required(f));
            }
        }
        if form.participants.is_empty() {
            p.push(zh::required("participants"));
        }
        let ids: Vec<_> = form.participants.iter().map(|a| a.subject_id).collect();
        self.check_group("participants", &ids, form.activity_date, &mut p);
        for a in &form.participants {
            if a.credited_minutes.is_some_and(|m| m > form.minutes) {
                p.push(AppError::invalid(
                    "credited_minutes",
                    "session.credit_exceeds",
                    zh::credit_exceeds(a.credited_minutes.unwrap_or(0), form.minutes),
                ));
            }
        }
        p.finish()?;
        let activity = ServiceActivity::from_input(
            RecordId::new(),
            ServiceActivityInput {
                office_id: self.office.id,
                activity_date: form.activity_date,
                start_time: form.start_time,
                end_time: form.end_time,
                minutes: form.minutes,
                place: form.place.trim().into(),
                content: form.content.trim().into(),
                supervisor: form.supervisor.trim().into(),
            },
            self.recorded(),
        );
        let lines: Vec<ServiceParticipation> = form
            .participants
            .into_iter()
            .map(|a| {
                let exempt = a.exempt_reason.filter(|r| !r.trim().is_empty());
                let credited = if exempt.is_some() { 0 } else { a.credited_minutes.unwrap_or(form.minutes) };
                ServiceParticipation::from_input(
                    RecordId::new(),
                    ServiceParticipationInput {
                        subject_id: a.subject_id,
                        activity_id: activity.id,
                        credited_minutes: credited,
                        performance: a.performance,
                        exempt_reason: exempt,
                    },
                    self.recorded(),
                )
            })
            .collect();
        let (s, now) = (self.session.clone(), self.clock.now());
        self.store.write(&s, now, |tx| {
            tx.insert(&activity)?;
            for l in &lines {
                tx.insert(l)?;
            }
            Ok(())
        })?;
        Ok(ServiceActivityView { activity, participants: lines })
    }
}
