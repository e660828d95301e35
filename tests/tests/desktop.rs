//! The real app under Xvfb through tauri-driver + WebKitWebDriver (issue 3): a clerk's first day,
//! from first run to a restart, with a screenshot of every main screen kept as an artifact.
//! Run with `scripts/e2e.sh` (builds the UI and the app, starts Xvfb).

use jiaowu_acceptance::{app_binary, Driver, Ui};

const TODAY: &str = "2026-11-23";

fn env<'a>(db: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![("JIAOWU_DB", db), ("JIAOWU_TODAY", TODAY)]
}

#[tokio::test(flavor = "multi_thread")]
async fn a_demo_office_logs_in_and_shows_its_home_page() {
    let demo = std::env::var("JIAOWU_DEMO_DB").ok();
    let Some(db) = demo else {
        eprintln!("JIAOWU_DEMO_DB not set; skipped (scripts/e2e.sh sets it)");
        return;
    };
    let driver = Driver::start(4444, &[("JIAOWU_DB", db.as_str()), ("JIAOWU_DEMO", "1"), ("JIAOWU_TODAY", TODAY)]);
    let ui = Ui { c: driver.session(&app_binary()).await };
    ui.wait_text("#demo-hint", "demo2026").await;
    ui.shot("01-login").await;
    ui.fill("#login-username", "demo").await;
    ui.fill("#login-password", "demo2026").await;
    ui.click("#login-submit").await;
    ui.wait_text("#home", "工作台").await;
    ui.wait_text("#duties-overdue", "实施办法").await;
    ui.shot("02-home-demo").await;
    ui.c.close().await.ok();
}
