//! 矫务通 desktop shell. Holds the one open case store (after login) and exposes one thin
//! command per `jiaowu-app` use case; every rule and message lives below this crate.

mod commands;
mod printing;
mod state;
mod sync;

pub use state::Shell;

use tauri::Runtime;

/// Registers the shell's state and commands on a builder (generic so tests use `MockRuntime`).
pub fn setup<R: Runtime>(builder: tauri::Builder<R>, shell: Shell) -> tauri::Builder<R> {
    builder.manage(shell).plugin(tauri_plugin_dialog::init()).invoke_handler(tauri::generate_handler![
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
        sync::sync_status,
        sync::sync_attention,
        sync::resubmit_rejected,
        sync::enrol_device,
        sync::sync_now,
        printing::print_form,
        printing::dossier_gaps,
        printing::dossier_order,
        printing::print_dossier,
        printing::export_ledgers,
        printing::verify_leave_certificate,
        printing::open_printed,
        printing::save_printed_as,
    ])
}

/// Starts the app on the database named by `JIAOWU_DB`, or the user's data directory.
pub fn run() {
    let shell = Shell::from_env();
    setup(tauri::Builder::default(), shell)
        .run(tauri::generate_context!())
        .expect("矫务通无法启动（窗口系统初始化失败）");
}

#[cfg(test)]
mod tests {
    //! The commands through real IPC (MockRuntime, no display): names and argument keys must match
    //! what ui/src/api/tauri.ts sends, and refusals must arrive as `AppError` JSON.
    use std::sync::Arc;

    use jiaowu_app::clock::FixedClock;
    use serde_json::{json, Value};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::WebviewWindow;

    fn invoke(wv: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            wv,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().expect("url"),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().expect("json"))
    }

    #[test]
    fn the_ui_calls_reach_the_use_cases_and_refusals_come_back_as_app_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let day = "2026-11-23".parse().expect("date");
        let shell = super::Shell::new(dir.path().join("office.db"), Arc::new(FixedClock::on(day)), false);
        let app = super::setup(mock_builder(), shell).build(mock_context(noop_assets())).expect("mock app");
        let wv = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");

        assert_eq!(invoke(&wv, "app_info", json!({})).unwrap()["initialised"], json!(false));
        // Before login every use case is refused with a Chinese message.
        let e = invoke(&wv, "home", json!({})).unwrap_err();
        assert_eq!((e["kind"].as_str(), e["problems"][0]["message"].as_str()), (Some("auth"), Some("请先登录。")));

        let init = json!({ "input": {
            "office_name": "城关镇司法所", "county_name": "某县社区矫正管理局", "division_code": "130123",
            "leave_delegated": true, "username": "zhang", "display_name": "张所长", "password": "correct-horse-1"
        }});
        let v = invoke(&wv, "init_office", init.clone()).unwrap();
        assert_eq!(v["recovery_key"].as_str().map(str::len), Some(79));
        assert_eq!(invoke(&wv, "init_office", init).unwrap_err()["kind"], json!("conflict"));
        assert_eq!(invoke(&wv, "session", json!({})).unwrap()["display_name"], json!("张所长"));

        // A bad ID number is refused field by field.
        let e = invoke(
            &wv,
            "register_subject",
            json!({ "input": {
                "name": "张三", "id_number": "130123198001010015", "residence_code": "130123",
                "residence_detail": "东关村1号", "crime": "盗窃罪", "original_sentence": "有期徒刑一年，缓刑二年",
                "sentence_type": "probation", "term_start": "2026-11-01", "term_end": "2028-10-31"
            }}),
        )
        .unwrap_err();
        assert_eq!(e["problems"][0]["field"], json!("id_number"));

        // Printing: a form is written to the print folder with page images for the preview; the
        // reader may be asked to open only files of that folder.
        let prints = dir.path().join("打印");
        std::env::set_var("JIAOWU_PRINT_DIR", &prints);
        let id17 = "13012319800101001";
        let id = format!("{id17}{}", jiaowu_app::domain::id_number::check_digit(id17).unwrap());
        let s = invoke(
            &wv,
            "register_subject",
            json!({ "input": {
                "name": "张三", "sex": "male", "birth_date": "1980-01-01", "id_number": id, "residence_code": "130123",
                "residence_detail": "东关村1号", "crime": "盗窃罪", "original_sentence": "有期徒刑一年，缓刑二年",
                "sentence_type": "probation", "term_start": "2026-11-01", "term_end": "2028-10-31"
            }}),
        )
        .unwrap();
        let sid = s["subject"]["id"].clone();
        let p = invoke(&wv, "print_form", json!({ "request": { "kind": "basic_info", "id": sid, "preview": true } }))
            .unwrap();
        let path = std::path::PathBuf::from(p["path"].as_str().unwrap());
        assert!(path.starts_with(&prints) && path.exists(), "{p}");
        assert_eq!(p["pages"], json!(1));
        assert!(p["previews"][0].as_str().unwrap().starts_with("data:image/png;base64,"));
        let gaps = invoke(&wv, "dossier_gaps", json!({ "subjectId": sid })).unwrap();
        assert!(gaps.as_array().unwrap().iter().any(|g| g["message"].as_str().unwrap().contains("矫正方案")), "{gaps}");
        let order = invoke(&wv, "dossier_order", json!({})).unwrap();
        assert_eq!(
            (order["set_by_county"].clone(), order["sections"][0]["section"].clone()),
            (json!(false), json!("intake"))
        );
        let outside = dir.path().join("office.db").display().to_string();
        let e = invoke(&wv, "open_printed", json!({ "path": outside, "folder": false })).unwrap_err();
        assert_eq!(e["problems"][0]["code"], json!("print.open"), "{e}");

        // camelCase argument keys as the UI sends them.
        assert_eq!(invoke(&wv, "list_leaves", json!({ "subjectId": null })).unwrap(), json!([]));
        assert!(invoke(&wv, "form_options", json!({})).unwrap().as_array().is_some_and(|g| g.len() > 20));
        let h = invoke(&wv, "home", json!({})).unwrap();
        assert_eq!(h["sync"]["label"], json!("未连接县级中心"));
        invoke(&wv, "change_password", json!({ "newPassword": "battery-staple-2" })).unwrap();

        // Sync: not enrolled yet; an address that is neither https nor loopback is refused under
        // its field before anything goes on the wire.
        assert_eq!(invoke(&wv, "sync_status", json!({})).unwrap()["enrolled"], json!(false));
        assert_eq!(invoke(&wv, "sync_attention", json!({})).unwrap()["rejected"], json!([]));
        let e = invoke(
            &wv,
            "enrol_device",
            json!({ "input": { "url": "http://sqjz.example.gov.cn", "code": "7K3M-Q9RT-2WXA", "device_name": "办公室电脑" } }),
        )
        .unwrap_err();
        assert_eq!(e["problems"][0]["field"], json!("url"), "{e}");
        assert!(e["problems"][0]["message"].as_str().unwrap().contains("https://"), "{e}");

        // Lock: the store closes; the new password opens it, the old one does not.
        invoke(&wv, "logout", json!({})).unwrap();
        assert_eq!(invoke(&wv, "home", json!({})).unwrap_err()["kind"], json!("auth"));
        let bad = json!({ "input": { "username": "zhang", "password": "correct-horse-1" } });
        assert_eq!(invoke(&wv, "login", bad).unwrap_err()["kind"], json!("auth"));
        let good = json!({ "input": { "username": "zhang", "password": "battery-staple-2" } });
        assert_eq!(invoke(&wv, "login", good).unwrap()["role"], json!("head"));
    }
}
