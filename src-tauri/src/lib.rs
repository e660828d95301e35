//! 矫务通 desktop shell. Holds the one open case store (after login) and exposes one thin
//! command per `jiaowu-app` use case; every rule and message lives below this crate.

mod commands;
mod state;

pub use state::Shell;

use tauri::Runtime;

/// Registers the shell's state and commands on a builder (generic so tests use `MockRuntime`).
pub fn setup<R: Runtime>(builder: tauri::Builder<R>, shell: Shell) -> tauri::Builder<R> {
    builder.manage(shell).invoke_handler(tauri::generate_handler![
        commands::app_info,
        commands::init_office,
        commands::login,
        commands::logout,
        commands::session,
        commands::form_options,
        commands::home,
        commands::list_subjects,
        commands::get_subject,
        commands::register_subject,
        commands::subject_timeline,
        commands::compliance_summary,
        commands::month_obligations,
        commands::record,
        commands::correct_record,
        commands::record_subject_event,
        commands::assess_leave,
        commands::submit_leave_request,
        commands::record_leave_step,
        commands::list_leaves,
        commands::leave_view,
        commands::record_study_session,
        commands::record_service_activity,
        commands::office_statistics,
        commands::sanction_advice,
        commands::record_decision,
        commands::add_staff,
        commands::change_password,
    ])
}

/// Starts the app on the database named by `JIAOWU_DB`, or the user's data directory.
pub fn run() {
    let shell = Shell::from_env();
    setup(tauri::Builder::default(), shell)
        .run(tauri::generate_context!())
        .expect("矫务通无法启动（窗口系统初始化失败）");
}
