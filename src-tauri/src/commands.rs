//! One command per `jiaowu-app` use case. Commands are `async` so the work runs off the UI
//! thread; each only unpacks its arguments, calls the use case and returns its DTO or `AppError`.

use jiaowu_app::advice::{AdviceQuery, AdviceView};
use jiaowu_app::domain::ids::{RecordId, SubjectId};
use jiaowu_app::home::HomeView;
use jiaowu_app::leave::{LeaveAssessmentView, LeaveForm, LeaveStepInput, LeaveView};
use jiaowu_app::obligations::{MonthObligations, ObligationsQuery};
use jiaowu_app::records::{CorrectRecordInput, RecordKind};
use jiaowu_app::sessions::{ServiceActivityForm, ServiceActivityView, StudySessionForm, StudySessionView};
use jiaowu_app::statistics::{StatisticsQuery, StatisticsView};
use jiaowu_app::store::{Decision, DecisionInput, KdfParams, SubjectEvent, SubjectEventInput};
use jiaowu_app::subjects::{RegisterSubjectInput, SubjectDetail, SubjectSummary};
use jiaowu_app::timeline::{ComplianceSummary, TimelineEntry};
use jiaowu_app::{
    zh, AddStaffInput, AppError, ErrorKind, InitOfficeInput, InitOfficeView, LoginInput, SessionView, StaffView,
};
use serde::Serialize;
use tauri::State;

use crate::Shell;

type R<T> = Result<T, AppError>;

#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    pub db_path: String,
    pub initialised: bool,
    pub demo: bool,
    pub logged_in: bool,
    pub today: chrono::NaiveDate,
    pub version: &'static str,
}

#[tauri::command]
pub async fn app_info(shell: State<'_, Shell>) -> R<AppInfo> {
    Ok(AppInfo {
        db_path: shell.db.display().to_string(),
        initialised: shell.initialised(),
        demo: shell.demo,
        logged_in: shell.is_open(),
        today: shell.clock.today(),
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// First run: creates the office database and logs its first 负责人 in.
#[tauri::command]
pub async fn init_office(shell: State<'_, Shell>, input: InitOfficeInput) -> R<InitOfficeView> {
    if shell.initialised() {
        return Err(AppError::new(ErrorKind::Conflict, "", "office.exists", zh::ALREADY_INITIALISED));
    }
    if let Some(dir) = shell.db.parent() {
        std::fs::create_dir_all(dir).map_err(AppError::internal)?;
    }
    let (core, view) = jiaowu_app::init_office(&shell.db, input, shell.clock.clone(), KdfParams::default())?;
    shell.open(core);
    Ok(view)
}

#[tauri::command]
pub async fn login(shell: State<'_, Shell>, input: LoginInput) -> R<SessionView> {
    if !shell.initialised() {
        return Err(AppError::new(ErrorKind::NotFound, "", "office.missing", zh::NOT_INITIALISED));
    }
    let core = jiaowu_app::login(&shell.db, input, shell.clock.clone())?;
    let session = core.session();
    shell.open(core);
    crate::sync::start_auto_sync(&shell);
    Ok(session)
}

/// Logout, switch user and the idle lock all close the store.
#[tauri::command]
pub async fn logout(shell: State<'_, Shell>) -> R<()> {
    shell.close();
    Ok(())
}

#[tauri::command]
pub async fn session(shell: State<'_, Shell>) -> R<SessionView> {
    shell.with(|c| Ok(c.session()))
}

/// Every form's choices with their Chinese labels (the UI keeps no statutory terms of its own).
#[tauri::command]
pub async fn form_options() -> R<Vec<jiaowu_app::options::OptionGroup>> {
    Ok(jiaowu_app::options::form_options())
}

#[tauri::command]
pub async fn home(shell: State<'_, Shell>) -> R<HomeView> {
    shell.with(|c| c.home())
}

#[tauri::command]
pub async fn list_subjects(shell: State<'_, Shell>, query: String) -> R<Vec<SubjectSummary>> {
    shell.with(|c| c.list_subjects(&query))
}

#[tauri::command]
pub async fn get_subject(shell: State<'_, Shell>, id: SubjectId) -> R<SubjectDetail> {
    shell.with(|c| c.get_subject(id))
}

#[tauri::command]
pub async fn register_subject(shell: State<'_, Shell>, input: RegisterSubjectInput) -> R<SubjectDetail> {
    shell.with(|c| c.register_subject(input))
}

#[tauri::command]
pub async fn subject_timeline(shell: State<'_, Shell>, id: SubjectId) -> R<Vec<TimelineEntry>> {
    shell.with(|c| c.subject_timeline(id))
}

#[tauri::command]
pub async fn compliance_summary(shell: State<'_, Shell>, id: SubjectId) -> R<ComplianceSummary> {
    shell.with(|c| c.compliance_summary(id))
}

#[tauri::command]
pub async fn month_obligations(shell: State<'_, Shell>, query: ObligationsQuery) -> R<MonthObligations> {
    shell.with(|c| c.month_obligations(query))
}

/// Any record kind from its form (visit, report, talk, IT check, ledger entry …).
#[tauri::command]
pub async fn record(shell: State<'_, Shell>, kind: RecordKind, input: serde_json::Value) -> R<serde_json::Value> {
    shell.with(|c| c.record_json(kind, input))
}

#[tauri::command]
pub async fn correct_record(shell: State<'_, Shell>, input: CorrectRecordInput) -> R<serde_json::Value> {
    shell.with(|c| c.correct_record(input))
}

#[tauri::command]
pub async fn record_subject_event(shell: State<'_, Shell>, input: SubjectEventInput) -> R<SubjectEvent> {
    shell.with(|c| c.record_subject_event(input))
}

#[tauri::command]
pub async fn assess_leave(shell: State<'_, Shell>, form: LeaveForm) -> R<LeaveAssessmentView> {
    shell.with(|c| c.assess_leave(form))
}

#[tauri::command]
pub async fn submit_leave_request(shell: State<'_, Shell>, form: LeaveForm) -> R<LeaveView> {
    shell.with(|c| c.submit_leave_request(form))
}

#[tauri::command]
pub async fn record_leave_step(shell: State<'_, Shell>, input: LeaveStepInput) -> R<LeaveView> {
    shell.with(|c| c.record_leave_step(input))
}

#[tauri::command]
pub async fn list_leaves(shell: State<'_, Shell>, subject_id: Option<SubjectId>) -> R<Vec<LeaveView>> {
    shell.with(|c| c.list_leaves(subject_id))
}

#[tauri::command]
pub async fn leave_view(shell: State<'_, Shell>, id: RecordId) -> R<LeaveView> {
    shell.with(|c| c.leave_view(id))
}

#[tauri::command]
pub async fn record_study_session(shell: State<'_, Shell>, form: StudySessionForm) -> R<StudySessionView> {
    shell.with(|c| c.record_study_session(form))
}

#[tauri::command]
pub async fn record_service_activity(shell: State<'_, Shell>, form: ServiceActivityForm) -> R<ServiceActivityView> {
    shell.with(|c| c.record_service_activity(form))
}

#[tauri::command]
pub async fn office_statistics(shell: State<'_, Shell>, query: StatisticsQuery) -> R<StatisticsView> {
    shell.with(|c| c.office_statistics(query))
}

#[tauri::command]
pub async fn sanction_advice(shell: State<'_, Shell>, query: AdviceQuery) -> R<AdviceView> {
    shell.with(|c| c.sanction_advice(query))
}

#[tauri::command]
pub async fn record_decision(shell: State<'_, Shell>, input: DecisionInput) -> R<Decision> {
    shell.with(|c| c.record_decision(input))
}

#[tauri::command]
pub async fn add_staff(shell: State<'_, Shell>, input: AddStaffInput) -> R<StaffView> {
    shell.with(|c| c.add_staff(input))
}

#[tauri::command]
pub async fn change_password(shell: State<'_, Shell>, new_password: String) -> R<()> {
    shell.with(|c| c.change_password(&new_password))
}
