//! `jiaowu-bench`: the figures of the desktop issue over a generated office (default 3,000
//! subjects, three years of records), each beside a bare-SQLite baseline measured in the same run:
//!
//! - subject search through `list_subjects` vs its own SQL run bare, every column read raw;
//! - the home page (`home`: every duty of the month for every subject, leaves, alerts, clocks),
//!   the first of a session and one after recording a visit, vs reading every row of the tables
//!   it reads with a bare `SELECT *`;
//! - login (key unwrap + open) as an absolute figure.
//!
//! Usage: `jiaowu-bench [--subjects N] [--years Y] [--db PATH] [--runs R] [--only search|home]`. An existing PATH is
//! reused (generation is the slow part); a new one is generated first and its rate reported.
//! Build with `--release`: debug figures are not meaningful.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiaowu_app::clock::FixedClock;
use jiaowu_app::demo::DemoSpec;
use jiaowu_app::{init_office, login, InitOfficeInput, LoginInput};
use jiaowu_store::KdfParams;

const USER: &str = "bench";
const PASSWORD: &str = "bench-password-1";

struct Args {
    subjects: usize,
    years: u32,
    db: PathBuf,
    runs: usize,
    /// `search` or `home`: time one part only (for profiling).
    only: Option<String>,
}

fn args() -> Args {
    let mut a = Args { subjects: 3000, years: 3, db: PathBuf::from("target/bench/office.db"), runs: 15, only: None };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--subjects" => a.subjects = v.parse().expect("--subjects N"),
            "--years" => a.years = v.parse().expect("--years Y"),
            "--db" => a.db = PathBuf::from(v),
            "--runs" => a.runs = v.parse().expect("--runs R"),
            "--only" => a.only = Some(v),
            _ => panic!("unknown argument {k}"),
        }
    }
    a
}

/// Median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    middle(
        (0..runs)
            .map(|_| {
                let s = Instant::now();
                f();
                s.elapsed()
            })
            .collect(),
    )
}

fn middle(mut t: Vec<Duration>) -> Duration {
    t.sort();
    t[t.len() / 2]
}

/// Runs `sql` and touches every column of every row without decoding: what SQLite alone costs.
fn read_raw(conn: &rusqlite::Connection, sql: &str, params: impl rusqlite::Params) {
    let mut st = conn.prepare_cached(sql).expect("prepare");
    let cols = st.column_count();
    let n = st
        .query_map(params, |r| {
            for i in 0..cols {
                std::hint::black_box(r.get_ref(i)?);
            }
            Ok(())
        })
        .expect("query")
        .count();
    std::hint::black_box(n);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Tables the home page reads (crates/app/src/caseload.rs).
const CASELOAD_TABLES: [&str; 21] = [
    "subjects",
    "reports",
    "visits",
    "talks",
    "it_checks",
    "medical_reports",
    "release_steps",
    "study_sessions",
    "study_attendance",
    "service_activities",
    "service_participation",
    "subject_events",
    "sanctions",
    "decisions",
    "class_changes",
    "travel_permits",
    "lost_contact_episodes",
    "lost_contact_steps",
    "correction_plans",
    "leave_requests",
    "leave_events",
];

fn main() {
    let a = args();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let clock = Arc::new(FixedClock::on(today));
    let mut report = serde_json::Map::new();

    if !a.db.exists() {
        if let Some(dir) = a.db.parent() {
            std::fs::create_dir_all(dir).expect("bench dir");
        }
        let input = InitOfficeInput {
            office_name: "基准测试司法所".into(),
            county_name: "基准测试县社区矫正管理局".into(),
            division_code: "130123".into(),
            leave_delegated: true,
            rule_family: None,
            username: USER.into(),
            display_name: "基准".into(),
            password: PASSWORD.into(),
        };
        let (mut core, _) = init_office(&a.db, input, clock.clone(), KdfParams::default()).expect("init");
        let start = Instant::now();
        let s = core.seed_demo(&DemoSpec { seed: 20261123, subjects: a.subjects, years: a.years }).expect("seed");
        let took = start.elapsed();
        println!(
            "generated {} subjects, {} records over {} years in {:.1} s ({:.0} records/s through the use cases)",
            s.subjects,
            s.records_total,
            a.years,
            took.as_secs_f64(),
            s.records_total as f64 / took.as_secs_f64()
        );
        report.insert("generated_records".into(), s.records_total.into());
        report.insert("generation_s".into(), took.as_secs_f64().into());
    }

    let start = Instant::now();
    let mut core =
        login(&a.db, LoginInput { username: USER.into(), password: PASSWORD.into() }, clock.clone()).expect("login");
    let login_time = start.elapsed();
    // The first home page, as after a real login: while the startup check still runs beside it.
    let start = Instant::now();
    let first_home = core.home().expect("home");
    let first = start.elapsed();
    let check_time = core.startup_check().expect("startup check");
    let (raw, _) = jiaowu_store::Store::open(&a.db, USER, PASSWORD, clock.0).expect("raw open");
    let conn = raw.conn();
    let subjects: i64 = conn.query_row("SELECT count(*) FROM subjects", [], |r| r.get(0)).expect("count");
    println!(
        "office: {subjects} subjects; login (Argon2id unwrap + open) {:.0} ms; first home page {:.0} ms; \
         the startup quick_check beside them {:.0} ms",
        ms(login_time),
        ms(first),
        ms(check_time)
    );

    // Subject search: the use case vs the same LIKE query returning raw columns.
    let part = |p: &str| a.only.as_deref().is_none_or(|o| o == p);
    let queries: &[&str] = if part("search") { &["张", "zs", "1301", "王", "li"] } else { &[] };
    let mut worst: f64 = 0.0;
    for &q in queries {
        let app = median(a.runs, || {
            core.list_subjects(q).expect("search");
        });
        let like = format!("%{q}%"); // the queries hold no LIKE metacharacters to escape
        let prefix = format!("{}%", q.to_lowercase());
        let bare = median(a.runs, || {
            // The use case's own SQL with every column read raw, in the same order.
            read_raw(conn, jiaowu_store::SEARCH_ROWS, [&like, &prefix]);
        });
        let ratio = app.as_secs_f64() / bare.as_secs_f64();
        worst = worst.max(ratio);
        println!(
            "search {q:>5}: use case {:.2} ms, bare query {:.2} ms, ratio {:.2} (target ≤ 2)",
            ms(app),
            ms(bare),
            ratio
        );
    }
    report.insert("search_worst_ratio".into(), worst.into());

    // Home page: every duty of the month for every subject, vs reading the same rows bare.
    if !part("home") {
        return;
    }
    let home_runs = if a.only.is_some() { a.runs } else { a.runs.min(7) };
    // The first home page of a session reads every activity; later ones read only the rows added
    // since (activity_index.rs). Each later run first records a visit, as a clerk would between
    // two looks at the home page (the bench file grows by one visit per run).
    let mut h = first_home;
    let someone = core.list_subjects("").expect("subjects").into_iter().find(|s| s.days_remaining > 0).expect("one");
    let visit: jiaowu_store::VisitInput = serde_json::from_value(serde_json::json!({
        "subject_id": someone.id, "visit_date": today, "start_time": null, "end_time": null,
        "place_type": "home", "address": "基准测试村", "method": "in_person", "visitors": ["基准"],
        "interviewees": [], "subject_present": true, "findings": "在家，情况正常", "problems": null,
        "follow_up": null
    }))
    .expect("visit input");
    let mut timed = Vec::new();
    for _ in 0..home_runs {
        core.record_visit(visit.clone()).expect("visit");
        let s = Instant::now();
        h = core.home().expect("home");
        timed.push(s.elapsed());
    }
    let app = middle(timed);
    let bare = median(home_runs, || {
        for t in CASELOAD_TABLES {
            read_raw(conn, &format!("SELECT * FROM {t}"), []);
        }
    });
    let rows: i64 = CASELOAD_TABLES
        .iter()
        .map(|t| conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0)).expect("count"))
        .sum();
    // What crosses to the webview: the desktop sends the whole view as JSON.
    let t = Instant::now();
    let json = serde_json::to_string(&h).expect("json");
    println!(
        "home page as JSON: {:.1} MB in {:.0} ms ({} leaves under way, {} overdue returns, {} awaiting decision, {} alerts, {} clocks)",
        json.len() as f64 / 1e6,
        ms(t.elapsed()),
        h.leaves_under_way.len(),
        h.overdue_returns.len(),
        h.awaiting_decision.len(),
        h.alerts.len(),
        h.clocks.len()
    );
    report.insert("home_json_bytes".into(), json.len().into());
    println!(
        "home page: first of the session {:.0} ms, after recording a visit {:.0} ms, for {} subjects ({} open duties); \
         reading the same {} rows bare {:.0} ms; ratios {:.1} and {:.2}",
        ms(first),
        ms(app),
        h.on_register,
        h.overdue_total + h.due_this_week_total + h.due_this_month_total,
        rows,
        ms(bare),
        first.as_secs_f64() / bare.as_secs_f64(),
        app.as_secs_f64() / bare.as_secs_f64()
    );
    report.insert("home_first_ms".into(), ms(first).into());
    report.insert("home_ms".into(), ms(app).into());
    report.insert("home_bare_ms".into(), ms(bare).into());
    report.insert("home_rows".into(), rows.into());
    report.insert("login_ms".into(), ms(login_time).into());
    report.insert("startup_check_ms".into(), ms(check_time).into());

    // Where the bytes go: the startup check reads every page, so size is start-up time.
    let file = std::fs::metadata(&a.db).map(|m| m.len()).unwrap_or(0);
    let records: i64 = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("audit count");
    println!(
        "file {:.1} MB, {} audit entries, {:.0} bytes per audited change",
        file as f64 / 1e6,
        records,
        file as f64 / records.max(1) as f64
    );
    let mut st =
        conn.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8").expect("dbstat");
    let sizes: Vec<(String, i64)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("dbstat").map(|r| r.expect("row")).collect();
    for (name, bytes) in &sizes {
        println!("  {name:<32} {:>8.1} MB", *bytes as f64 / 1e6);
    }
    report.insert("file_mb".into(), (file as f64 / 1e6).into());
    println!("{}", serde_json::Value::Object(report));
}
