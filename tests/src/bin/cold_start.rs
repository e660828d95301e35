//! Cold-start benchmark of the desktop app (issue 3 figure "start ≤ 1.5× the empty window"),
//! under Xvfb through tauri-driver, each launch a new process:
//!
//! - the empty window (`src-tauri/examples/empty_window.rs`): launch → its empty page loaded;
//! - 矫务通: launch → the login form accepts input (the first screen a clerk can use);
//! - 矫务通: password submitted → the home page shows the month's figures (key unwrap, opening
//!   the file, the first home page of the session; the startup check runs beside it).
//!
//! Usage: `cold-start --app PATH --empty PATH --db OFFICE.db --user U --password P [--runs N]`.
//! Medians of N launches, alternating the two binaries so drift hits both alike.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jiaowu_acceptance::Driver;

struct Args {
    app: PathBuf,
    empty: PathBuf,
    db: PathBuf,
    user: String,
    password: String,
    runs: usize,
}

fn args() -> Args {
    let mut a = Args {
        app: PathBuf::from("target/release/jiaowu-desktop"),
        empty: PathBuf::from("target/release/examples/empty_window"),
        db: PathBuf::from("target/bench/office.db"),
        user: "bench".into(),
        password: "bench-password-1".into(),
        runs: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--app" => a.app = v.into(),
            "--empty" => a.empty = v.into(),
            "--db" => a.db = v.into(),
            "--user" => a.user = v,
            "--password" => a.password = v,
            "--runs" => a.runs = v.parse().expect("--runs N"),
            _ => panic!("unknown argument {k}"),
        }
    }
    a
}

/// Polls `script` (returns true when ready) every 10 ms; the time from `since`.
async fn until(c: &fantoccini::Client, script: &str, since: Instant) -> Duration {
    loop {
        if c.execute(script, vec![]).await.ok().and_then(|v| v.as_bool()) == Some(true) {
            return since.elapsed();
        }
        assert!(since.elapsed() < Duration::from_secs(120), "never ready: {script}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

const EMPTY_READY: &str = "return document.readyState === 'complete' && document.title === '空窗口';";
const LOGIN_READY: &str = "const u = document.querySelector('#login-username'); \
     return !!u && !u.disabled && u.offsetParent !== null;";
const HOME_READY: &str = "const h = document.querySelector('#home'); \
     return !!h && h.textContent.includes('本月已完成');";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let a = args();
    for p in [&a.app, &a.empty, &a.db] {
        assert!(p.exists(), "{} is missing (scripts/bench.sh builds it)", p.display());
    }
    let db = a.db.display().to_string();
    let driver = Driver::start(4460, &[("JIAOWU_DB", db.as_str())]);
    let (mut empty, mut start, mut login) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..a.runs {
        let t = Instant::now();
        let c = driver.session(&a.empty).await;
        empty.push(until(&c, EMPTY_READY, t).await);
        c.close().await.expect("close empty window");

        let t = Instant::now();
        let c = driver.session(&a.app).await;
        start.push(until(&c, LOGIN_READY, t).await);
        let ui = jiaowu_acceptance::Ui { c };
        ui.fill("#login-username", &a.user).await;
        ui.fill("#login-password", &a.password).await;
        let t = Instant::now();
        ui.click("#login-submit").await;
        let shell = until(&ui.c, "return !!document.querySelector('#home');", t).await;
        login.push(until(&ui.c, HOME_READY, t).await);
        eprintln!("login: home page drawn at {:.0} ms, figures at {:.0} ms", ms(shell), ms(*login.last().unwrap()));
        ui.c.close().await.expect("close app");
    }
    let (e, s, l) = (median(empty), median(start), median(login));
    println!("empty Tauri window: launch → page loaded {:.0} ms (median of {})", ms(e), a.runs);
    println!(
        "矫务通: launch → login form ready {:.0} ms, ratio {:.2} (target ≤ 1.5)",
        ms(s),
        s.as_secs_f64() / e.as_secs_f64()
    );
    println!("矫务通: login submitted → home page figures shown {:.0} ms ({})", ms(l), db);
    println!(
        "{}",
        serde_json::json!({ "empty_ms": ms(e), "start_ms": ms(s), "start_ratio": s.as_secs_f64() / e.as_secs_f64(), "login_to_home_ms": ms(l) })
    );
}
