//! The `jiaowu` command line as a clerk or a script uses it: Chinese output, JSON for scripts,
//! exit codes by kind of failure.

mod common;
use std::path::PathBuf;

use common::*;

#[test]
fn check_id_accepts_valid_numbers_and_explains_bad_ones() {
    let db = PathBuf::from("/nonexistent/never-created.db");
    let out = ok(&db, &["check-id", "11010519491231002X"]);
    assert!(out.contains("有效") && out.contains("1949-12-31"), "{out}");
    let o = run(&db, &["check-id", "110105194912310021"]);
    assert_eq!(o.status.code(), Some(3), "invalid input exits 3");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("校验码") && err.contains("X"), "{err}");
    // 15-digit numbers only by explicit conversion (domain.md §23.1).
    let o = run(&db, &["check-id", "110105491231002"]);
    assert_eq!(o.status.code(), Some(3));
    let out = ok(&db, &["check-id", "110105491231002", "--convert"]);
    assert!(out.contains("11010519491231002X"), "{out}");
}

#[test]
fn a_new_office_records_and_routes_leave_from_the_command_line() {
    let o = office();
    let s = add_subject(&o.db, "张三", "13012319800101001");
    let a = json(
        &o.db,
        &[
            "leave",
            "assess",
            "--subject",
            &s,
            "--start",
            "2026-12-01",
            "--end",
            "2026-12-31",
            "--dest-code",
            "440106",
            "--dest",
            "广州市越秀区某医院",
            "--reason",
            "就医",
        ],
    );
    assert_eq!(a["days"], 31);
    assert_eq!(a["authority"], "higher");
    let human = ok(
        &o.db,
        &[
            "leave",
            "assess",
            "--subject",
            &s,
            "--start",
            "2026-12-01",
            "--end",
            "2026-12-05",
            "--dest-code",
            "440106",
            "--dest",
            "广州市越秀区某医院",
            "--reason",
            "就医",
        ],
    );
    assert!(human.contains("司法所") && human.contains("实施办法第二十七条"), "{human}");
    // Reversed dates: exit 3 with the field named.
    let r = run(
        &o.db,
        &[
            "leave",
            "submit",
            "--subject",
            &s,
            "--start",
            "2026-12-05",
            "--end",
            "2026-12-01",
            "--dest-code",
            "440106",
            "--dest",
            "广州市越秀区某医院",
            "--reason",
            "就医",
        ],
    );
    assert_eq!(r.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&r.stderr).contains("外出结束日期"));
    // The month's duties name their source.
    let m = ok(&o.db, &["obligations", "--month", "2026-11"]);
    assert!(m.contains("依据") && m.contains("张三"), "{m}");
    // The dossier check lists the gaps and the section order, here domain.md §19's default (no
    // county has set one for this PC).
    let c = ok(&o.db, &["dossier", &s, "--check"]);
    assert!(c.contains("缺少矫正方案"), "{c}");
    assert!(c.contains("卷内顺序（默认顺序）：1.接收与矫正方案 2.报告"), "{c}");
}

#[test]
fn the_plain_sqlite3_shell_cannot_read_the_database() {
    let o = office();
    add_subject(&o.db, "张三", "13012319800101001");
    let bytes = std::fs::read(&o.db).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
    if let Ok(out) = std::process::Command::new("sqlite3").arg(&o.db).arg("SELECT count(*) FROM subjects;").output() {
        assert!(!out.status.success() || String::from_utf8_lossy(&out.stderr).contains("not a database"));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("not a database"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_wrong_password_exits_6_and_changes_nothing() {
    let o = office();
    let before = std::fs::read(&o.db).unwrap();
    let r = jiaowu(&o.db).env("JIAOWU_PASSWORD", "wrong-pass-9").arg("whoami").output().unwrap();
    assert_eq!(r.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&r.stderr).contains("密码错误"));
    assert_eq!(before, std::fs::read(&o.db).unwrap());
}

#[test]
fn verify_finds_an_audit_entry_edited_behind_the_apps_back() {
    let o = office();
    let s = add_subject(&o.db, "张三", "13012319800101001");
    let r = report(&o.db, &s, "phone");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(ok(&o.db, &["verify"]).contains("校验通过"));
    // Someone with the raw key edits the log with SQL, bypassing the app.
    let store = jiaowu_app::store::Store::open_with_recovery(&o.db, &o.recovery).unwrap();
    store.conn().execute_batch("DROP TRIGGER audit_log_append_only_u;").unwrap();
    store
        .conn()
        .execute(
            "UPDATE audit_log SET detail = replace(detail, '本周在家', '本周外出') WHERE detail LIKE '%本周在家%'",
            [],
        )
        .unwrap();
    drop(store);
    let r = run(&o.db, &["verify"]);
    assert_eq!(r.status.code(), Some(9));
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(out.contains("审计日志第") && out.contains("被修改"), "{out}");
}

#[test]
fn a_talk_names_its_recorder_and_prints_land_in_the_print_folder_by_subject_name() {
    let o = office();
    let s = add_subject(&o.db, "李四", "13012319800101002");
    // A clerk names the subject; the list shows names and masked ID numbers only.
    let by_name = json(&o.db, &["subject", "show", "李四"]);
    assert_eq!(by_name["subject"]["id"].as_str(), Some(s.as_str()), "{by_name}");
    let none = run(&o.db, &["subject", "show", "王五"]);
    assert_eq!(none.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&none.stderr).contains("找不到“王五”"));
    let t = json(
        &o.db,
        &[
            "record",
            "talk",
            "--subject",
            &s,
            "--date",
            "2026-11-20",
            "--place",
            "司法所谈话室",
            "--talkers",
            "张所长,李干事",
            "--content",
            "了解近况",
        ],
    );
    // The 谈话记录's 记录人 is whoever recorded it (here the one account, 张所长), so the
    // dossier check does not flag the talk as unsigned.
    assert_eq!(t["note_taker"], "张所长", "{t}");
    let gaps = ok(&o.db, &["dossier", &s, "--check"]);
    assert!(!gaps.contains("记录人"), "{gaps}");

    let prints = o.dir.path().join("prints");
    let id = t["id"].as_str().unwrap();
    for _ in 0..2 {
        let out = jiaowu(&o.db).env("JIAOWU_PRINT_DIR", &prints).args(["form", "talk", id]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let mut names: Vec<String> =
        std::fs::read_dir(&prints).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        ["李四-社区矫正对象个别谈话记录-20261123.pdf", "李四-社区矫正对象个别谈话记录-20261123（2）.pdf"],
        "the second print stands beside the first"
    );
    // Named with -o, a second print does not replace the first either.
    let named = o.dir.path().join("谈话.pdf");
    for _ in 0..2 {
        ok(&o.db, &["form", "talk", id, "-o", named.to_str().unwrap()]);
    }
    assert!(named.exists() && o.dir.path().join("谈话（2）.pdf").exists());
    // A certificate text that matches no record is said so, and the exit says so too.
    let v = run(&o.db, &["verify-certificate", "JWT-WCZM:1|not-a-leave"]);
    assert_eq!(v.status.code(), Some(4), "{}", String::from_utf8_lossy(&v.stdout));
    // A folder given as -o takes the print under its own name.
    ok(&o.db, &["form", "talk", id, "-o", o.dir.path().to_str().unwrap()]);
    assert!(o.dir.path().join("李四-社区矫正对象个别谈话记录-20261123.pdf").exists());
    // Two of the same name: the clerk is asked for the ID number.
    add_subject(&o.db, "李四", "13012319800101003");
    let two = run(&o.db, &["subject", "show", "李四"]);
    assert_eq!(two.status.code(), Some(3));
    let err = String::from_utf8_lossy(&two.stderr);
    assert!(err.contains("2名“李四”") && err.contains(&format!("编号 {s}")), "{err}");
    // The 编号 it names finds the one meant.
    assert_eq!(json(&o.db, &["subject", "show", &s])["subject"]["name"], "李四");
}

/// `jiaowu … | head`: once the reader has gone, the program ends quietly with success, not
/// with a panic and exit 101.
#[test]
fn output_cut_short_by_the_reader_is_not_a_failure() {
    let o = office();
    // About 95 KB of JSON below: more than a pipe holds, so the write meets the closed pipe.
    ok(&o.db, &["demo", "--subjects", "12", "--years", "1"]);
    let mut child = jiaowu(&o.db)
        .args(["--json", "obligations", "--show", "all"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// `record report` for `subject` on 2026-11-20, received by 李干事, by `method`.
fn report(db: &PathBuf, subject: &str, method: &str) -> std::process::Output {
    run(
        db,
        &[
            "record",
            "report",
            "--subject",
            subject,
            "--date",
            "2026-11-20",
            "--method",
            method,
            "--received-by",
            "李干事",
            "--content",
            "本周在家",
        ],
    )
}

/// A choice is given as the app shows it (电话) or by its code (phone); a wrong one is refused
/// with every choice listed, and the help lists them too.
#[test]
fn choices_are_taken_in_chinese_and_a_wrong_one_lists_them() {
    let o = office();
    let s = add_subject(&o.db, "张三", "13012319800101001");
    for method in ["电话报告", "phone"] {
        let r = report(&o.db, &s, method);
        assert_eq!(r.status.code(), Some(0), "{method}: {}", String::from_utf8_lossy(&r.stderr));
    }
    let r = report(&o.db, &s, "飞鸽传书");
    assert_ne!(r.status.code(), Some(0));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("飞鸽传书") && err.contains("电话报告（phone）") && err.contains("当面报告（in_person）"),
        "{err}"
    );
    let help = ok(&o.db, &["record", "report", "--help"]);
    assert!(help.contains("书面报告（written）"), "{help}");
    // The month's duties, all of them, asked for in Chinese.
    assert!(ok(&o.db, &["obligations", "--show", "全部"]).contains("张三"));
}

/// A clerk reads the help and the refusals of the command line: in Chinese, clap's English
/// headings and notes replaced, a bad date named with its option.
#[test]
fn help_and_usage_errors_are_in_chinese() {
    let db = PathBuf::from("/nonexistent/never-created.db");
    for args in [&["--help"][..], &["leave", "county", "--help"], &["record", "visit", "--help"]] {
        let help = ok(&db, args);
        assert!(help.contains("用法：") && help.contains("选项") && help.contains("显示帮助"), "{help}");
        for english in ["Usage:", "Options:", "Arguments:", "Commands:", "Print help", "[default", "[env"] {
            assert!(!help.contains(english), "{args:?} shows {english}:\n{help}");
        }
    }
    let o = run(&db, &["record", "visit", "--subject", "张三", "--date", "2026-13-01"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--date") && err.contains("2026-13-01") && err.contains("YYYY-MM-DD"), "{err}");
    assert!(!err.contains("error:") && !err.contains("invalid value"), "{err}");
    // A value not among the choices is refused with them listed (it was once taken silently);
    // missing options are named as typed, without clap's <PLACEHOLDERS>.
    let o = run(&db, &["obligations", "--show", "bogus"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bogus") && err.contains("可选：all, open, overdue") && !err.contains('<'), "{err}");
    let o = run(&db, &["leave", "submit"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("缺少必需的参数：--subject") && err.contains("--dest") && !err.contains('<'), "{err}");
}
