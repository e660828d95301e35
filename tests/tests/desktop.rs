//! The real app under Xvfb through tauri-driver + WebKitWebDriver (issue 3): a clerk's first day,
//! from first run to a restart, with a screenshot of every main screen kept as an artifact.
//! Run with `scripts/e2e.sh` (builds the UI and the app, starts Xvfb).

use jiaowu_acceptance::{app_binary, Driver, Ui};

const TODAY: &str = "2026-11-23";

fn env(db: &str) -> Vec<(&'static str, &str)> {
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

/// The "done" figure of an open duty row on the home page ("王五集中教育学习…还有7天0/6小时…"), or
/// None when the subject has no open duty of that kind.
fn done(home: &str, name: &str, duty: &str) -> Option<String> {
    let at = home.find(&format!("{name}{duty}"))?;
    let rest = &home[at..];
    let slash = rest.find('/')?;
    let before: String = rest[..slash].chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    Some(before.chars().rev().collect())
}

/// A new subject through the 登记新对象 dialog; returns when the subject's page is open.
async fn add_subject(ui: &Ui, name: &str, id_number: &str, reported: &str) {
    fill_subject(ui, name, id_number, reported).await;
    ui.click("#subject-save").await;
    ui.wait_text("#subject-name", name).await;
}

/// Opens the 登记新对象 dialog and fills every field a clerk fills.
async fn fill_subject(ui: &Ui, name: &str, id_number: &str, reported: &str) {
    ui.click("#nav-subjects").await;
    ui.click("#subject-add").await;
    ui.fill("#s-name", name).await;
    ui.fill("#s-id_number", id_number).await;
    ui.fill("#s-phone", "13800138000").await;
    ui.fill("#s-residence_code", "130123").await;
    ui.fill("#s-residence_detail", "正定镇东关村1号").await;
    ui.fill("#s-crime", "盗窃罪").await;
    ui.fill("#s-original_sentence", "有期徒刑一年，缓刑二年").await;
    ui.select("#s-sentence_type", "缓刑").await;
    ui.date("#s-term_start", "2026-11-01").await;
    ui.date("#s-term_end", "2028-10-31").await;
    ui.date("#s-judgment_effective", "2026-11-01").await;
    ui.date("#s-reported_on", reported).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clerks_first_day_survives_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("office.db");
    let db = db.to_str().expect("utf-8 path");
    let prints = dir.path().join("打印");
    let prints_str = prints.to_str().expect("utf-8 path").to_string();
    let mut vars = env(db);
    vars.push(("JIAOWU_PRINT_DIR", prints_str.as_str()));
    let driver = Driver::start(4446, &vars);
    let ui = Ui { c: driver.session(&app_binary()).await };

    // First run: the office, its first 负责人, the recovery key shown once.
    ui.wait_text("body", "首次使用").await;
    ui.shot("03-first-run").await;
    ui.fill("#setup-office", "城关镇司法所").await;
    ui.fill("#setup-county", "正定县社区矫正管理局").await;
    ui.fill("#setup-division", "130123").await;
    ui.fill("#setup-display-name", "张所长").await;
    ui.fill("#setup-username", "zhang").await;
    ui.fill("#setup-password", "correct-horse-1").await;
    ui.fill("#setup-password-again", "correct-horse-1").await;
    ui.click("#setup-submit").await;
    let key = ui.wait_text("#recovery-key", "-").await;
    assert_eq!(key.trim().len(), 79, "16 groups of 4 hex digits: {key}");
    ui.shot("04-recovery-key").await;
    ui.js_click("#recovery-kept").await;
    ui.click("#recovery-done").await;
    ui.wait_text("#home", "工作台").await;
    ui.shot("05-home-empty").await;

    // A wrong check digit is refused under the field, in Chinese, and nothing is saved.
    fill_subject(&ui, "张三", "130123198001010015", "2026-11-05").await;
    ui.click("#subject-save").await;
    ui.wait_text("#err-s-id_number", "校验").await;
    ui.shot("06-subject-refused").await;
    ui.fill("#s-id_number", "130123198001010012").await;
    ui.click("#subject-save").await;
    ui.wait_text("#subject-name", "张三").await;
    ui.shot("07-subject-detail").await;
    // A visit for 张三.
    ui.click("#tab-month").await;
    let duties_before = ui.wait_text("#month-duties", "实地查访").await;
    assert!(duties_before.contains("实地查访"), "a new subject owes a visit: {duties_before}");
    ui.click("#rec-visit").await;
    ui.fill("#f-address", "正定镇东关村1号").await;
    ui.fill("#f-findings", "在家务农，情绪稳定").await;
    ui.click("#record-save").await;
    ui.gone("#form-visit").await;
    ui.click("#tab-timeline").await;
    ui.wait_text("#timeline", "走访").await;
    ui.shot("08-timeline").await;

    add_subject(&ui, "李四", "130123198202020022", "2026-11-05").await;
    add_subject(&ui, "王五", "130123198303030035", "2026-11-05").await;
    ui.click("#nav-subjects").await;
    ui.wait_text("#subject-table", "王五").await;
    ui.shot("08-subjects-list").await;

    // A 5-day leave for 张三, decided in the office under delegation (实施办法第二十七条).
    ui.click("#nav-leaves").await;
    ui.click("#leave-new").await;
    ui.select("#l-subject", "张三").await;
    ui.date("#l-start", "2026-11-25").await;
    ui.date("#l-end", "2026-11-29").await;
    ui.fill("#l-dest-code", "440106").await;
    ui.fill("#l-dest-detail", "广州市天河区某医院").await;
    ui.select("#l-reason-kind", "就医").await;
    ui.fill("#l-reason-text", "陪同母亲就医").await;
    ui.wait_text("#leave-assessment", "司法所").await;
    ui.shot("09-leave-5-days").await;
    ui.click("#leave-submit").await;
    ui.gone("#form-leave").await;
    ui.click("[data-action=office_decide_approve]").await;
    ui.click("#leave-step-save").await;
    ui.gone("#form-leave-step").await;
    ui.wait_text("#leave-list", "已批准").await;

    // Bad input a new clerk makes: the end before the start is refused next to the field, in
    // words; 31 days goes above the county (实施办法第二十七条), and the form says so before
    // anything is submitted. Then the real request: 10 days for 李四, decided by the county.
    ui.click("#leave-new").await;
    ui.select("#l-subject", "李四").await;
    ui.fill("#l-dest-code", "440106").await;
    ui.fill("#l-dest-detail", "广州市天河区某小区").await;
    ui.select("#l-reason-kind", "家庭").await;
    ui.fill("#l-reason-text", "处理父亲房产过户").await;
    ui.date("#l-start", "2026-12-10").await;
    ui.date("#l-end", "2026-12-01").await;
    ui.wait_text("#err-end_date", "早于起始日期").await;
    ui.shot("10a-leave-dates-reversed").await;
    ui.date("#l-start", "2026-12-01").await;
    ui.date("#l-end", "2026-12-31").await;
    ui.wait_text("#leave-assessment", "上一级社区矫正机构").await;
    ui.wait_text("#leave-assessment", "31天").await;
    ui.wait_text("#leave-assessment", "超过30日").await;
    assert!(ui.dom_text("#err-end_date").await.is_empty(), "the date refusal goes once the dates are right");
    ui.shot("10b-leave-31-days").await;
    ui.date("#l-end", "2026-12-10").await;
    ui.wait_text("#leave-assessment", "10天").await;
    ui.wait_text("#leave-assessment", "县级").await;
    ui.click("#leave-submit").await;
    ui.gone("#form-leave").await;
    ui.click("[data-action=office_opinion]").await;
    ui.fill("#ls-text", "情况属实，同意外出，报请县局审批").await;
    ui.click("#leave-step-save").await;
    ui.gone("#form-leave-step").await;
    ui.wait_text("#leave-list", "县级").await;
    ui.shot("10-leaves").await;

    // A study session with attendance for all three.
    ui.click("#nav-home").await;
    let home_before = ui.wait_text("#home", "本月已完成").await; // rendered once the figures are loaded
    ui.click("#nav-sessions").await;
    ui.fill("#st-topic", "社区矫正法律法规学习").await;
    ui.fill("#st-place", "司法所会议室").await;
    for n in 0..3 {
        ui.click_nth("#form-study .att-check", n).await;
    }
    ui.shot("11-study-session").await;
    ui.click("#study-save").await;
    ui.wait_text("body", "已保存").await;

    // The home page follows: the visit is done, study hours are credited, the county request waits.
    ui.click("#nav-home").await;
    let home = ui.wait_text("#awaiting-decision", "李四").await;
    assert!(home.contains("10 日"), "{home}");
    let home_after = ui.text("#home").await;
    // 集中教育学习: two hours credited to each of the three (实施办法第四十三条 monthly study).
    for name in ["张三", "李四", "王五"] {
        assert_eq!(done(&home_before, name, "集中教育学习").as_deref(), Some("0"), "{name} before: {home_before}");
        assert_eq!(done(&home_after, name, "集中教育学习").as_deref(), Some("2"), "{name} after: {home_after}");
    }
    // The visit recorded for 张三 discharged his visit duty; 李四 still owes one.
    let visit_open = |name| done(&home_after, name, "实地查访").or(done(&home_after, name, "首次实地查访"));
    assert!(visit_open("张三").is_none(), "{home_after}");
    assert!(visit_open("李四").is_some(), "{home_after}");
    ui.shot("12-home-after").await;
    ui.click("#nav-statistics").await;
    ui.wait_text("#statistics", "期末在册").await;
    ui.shot("13-statistics").await;
    ui.c.close().await.ok();

    // Restart: everything is still there.
    let ui = Ui { c: driver.session(&app_binary()).await };
    ui.fill("#login-username", "zhang").await;
    ui.fill("#login-password", "correct-horse-1").await;
    ui.click("#login-submit").await;
    ui.wait_text("#awaiting-decision", "李四").await;
    ui.click("#nav-subjects").await;
    let list = ui.wait_text("#subject-table", "王五").await;
    assert!(list.contains("张三") && list.contains("李四"), "{list}");
    ui.click("#nav-leaves").await;
    let leaves = ui.wait_text("#leave-list", "已批准").await;
    assert!(leaves.contains("李四"), "{leaves}");
    ui.shot("14-after-restart").await;

    // 打印 (issue 5): 李四's leave approval form from the leave list, then 张三's dossier after
    // the gap check; each PDF lands in the print folder with page images in the dialog.
    let pdfs = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&prints).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default()
    };
    ui.click("[data-form=leave_approval]").await;
    ui.wait_text("[data-test=print-path]", "外出审批表").await;
    ui.visible("[data-test=print-preview]").await;
    ui.shot("15-print-leave-approval").await;
    assert_eq!(pdfs().len(), 1, "{:?}", pdfs());
    ui.click("#print-close").await;
    ui.gone("[data-test=print-preview]").await;
    ui.gone(".el-overlay").await;
    ui.click("#nav-subjects").await;
    ui.wait_text("#subject-table", "张三").await;
    // Open 张三's page from the list (a click on his name; the row handles it).
    let script = "const n = [...document.querySelectorAll('#subject-table .name')].find(e => e.textContent.trim() === arguments[0]); if (n) n.click(); return !!n;";
    assert_eq!(ui.c.execute(script, vec![serde_json::json!("张三")]).await.expect("script"), serde_json::json!(true));
    ui.wait_text("#subject-name", "张三").await;
    ui.click("#print-dossier").await;
    let gaps = ui.wait_text("#dossier-gaps", "矫正方案").await;
    assert!(gaps.contains("缺少"), "the gap check lists what is missing: {gaps}");
    ui.shot("16-dossier-gaps").await;
    ui.click("#dossier-print").await;
    ui.wait_text("[data-test=print-path]", "社区矫正工作档案").await;
    ui.visible("[data-test=print-preview]").await;
    ui.gone("#dossier-print").await; // the gap dialog has faded; the screenshot shows the preview
    ui.shot("17-print-dossier").await;
    let files = pdfs();
    assert_eq!(files.len(), 2, "{files:?}");
    let dossier = files.iter().find(|p| p.to_string_lossy().contains("工作档案")).expect("the dossier file");
    assert!(std::fs::read(dossier).unwrap().starts_with(b"%PDF"), "a PDF");
    ui.c.close().await.ok();
}
