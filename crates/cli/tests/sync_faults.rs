//! The real `jiaowu sync` against the real county server on loopback, through a fault-injecting
//! TCP proxy (connections reset mid-body in either direction, stalls longer than the client's
//! timeout, a slow link, a captive portal's HTML answer), and SIGKILL of the office process in
//! the middle of a sync (issue 4). After healing: every op answered, each stored on the server
//! exactly once, and the office equal to the server's view of its scope.
//!
//! `JIAOWU_FAULT_SEED` replays a run; a failure prints its seed.

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use jiaowu_county::console::NewOffice;
use jiaowu_county::{router, Server, SqliteStore, SystemClock};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy)]
enum Fault {
    Pass,
    /// Forward this many bytes of the request, then reset.
    CutRequest(usize),
    /// Forward this many bytes of the answer, then reset.
    CutAnswer(usize),
    /// Hold the answer longer than the client waits.
    Stall,
    /// 64 bytes every 5 ms.
    Slow,
    Captive,
}

struct Proxy {
    rng: Mutex<ChaCha8Rng>,
    healed: AtomicBool,
    slow_only: AtomicBool,
    connections: AtomicU64,
}

impl Proxy {
    fn next(&self) -> Fault {
        self.connections.fetch_add(1, Ordering::Relaxed);
        if self.healed.load(Ordering::Relaxed) {
            return Fault::Pass;
        }
        if self.slow_only.load(Ordering::Relaxed) {
            return Fault::Slow;
        }
        let mut r = self.rng.lock().unwrap();
        match r.gen_range(0..100) {
            0..=14 => Fault::CutRequest(r.gen_range(0..600)),
            15..=34 => Fault::CutAnswer(r.gen_range(0..400)),
            35..=42 => Fault::Stall,
            43..=57 => Fault::Slow,
            58..=65 => Fault::Captive,
            _ => Fault::Pass,
        }
    }
}

async fn pipe(
    mut from: tokio::io::ReadHalf<TcpStream>,
    mut to: tokio::io::WriteHalf<TcpStream>,
    limit: Option<usize>,
    slow: bool,
    stall: bool,
) {
    let mut buf = vec![0u8; if slow { 64 } else { 16 * 1024 }];
    let mut sent = 0usize;
    let mut first = true;
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if stall && first {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        first = false;
        let n = match limit {
            Some(l) if sent + n >= l => {
                let _ = to.write_all(&buf[..l - sent]).await;
                return; // dropping both halves resets the connection
            }
            _ => n,
        };
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
        sent += n;
        if slow {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let _ = to.shutdown().await;
}

async fn handle(client: TcpStream, upstream: SocketAddr, fault: Fault) {
    if let Fault::Captive = fault {
        let (mut r, mut w) = tokio::io::split(client);
        let mut buf = [0u8; 1024];
        let _ = r.read(&mut buf).await;
        let page = "<html><head><title>认证</title></head><body>请先登录无线网络</body></html>";
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            page.len()
        );
        let _ = w.write_all(head.as_bytes()).await;
        let _ = w.write_all(page.as_bytes()).await;
        return;
    }
    let Ok(server) = TcpStream::connect(upstream).await else { return };
    let (cr, cw) = tokio::io::split(client);
    let (sr, sw) = tokio::io::split(server);
    let (up_limit, down_limit) = match fault {
        Fault::CutRequest(n) => (Some(n), None),
        Fault::CutAnswer(n) => (None, Some(n)),
        _ => (None, None),
    };
    let slow = matches!(fault, Fault::Slow);
    let stall = matches!(fault, Fault::Stall);
    let up = tokio::spawn(pipe(cr, sw, up_limit, slow, false));
    let down = tokio::spawn(pipe(sr, cw, down_limit, slow, stall));
    let _ = tokio::join!(up, down);
}

struct World {
    rt: tokio::runtime::Runtime,
    server: Arc<Server>,
    proxy: Arc<Proxy>,
    url: String,
    office_id: uuid::Uuid,
    _dir: tempfile::TempDir,
}

fn world(seed: u64) -> World {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("county.db")).unwrap());
    let server = Arc::new(Server::open(store, Arc::new(SystemClock), Some(seed), "某县社区矫正管理局").unwrap());
    let office = server
        .create_office(
            &NewOffice { name: "城关镇司法所".into(), division_code: "130123".into(), leave_delegated: true },
            "t",
        )
        .unwrap();
    let proxy = Arc::new(Proxy {
        rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
        healed: AtomicBool::new(true),
        slow_only: AtomicBool::new(false),
        connections: AtomicU64::new(0),
    });
    let url = rt.block_on(async {
        let upstream = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let up_addr = upstream.local_addr().unwrap();
        let app = router(server.clone());
        tokio::spawn(async move { axum::serve(upstream, app).await.unwrap() });
        let front = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", front.local_addr().unwrap());
        let p = proxy.clone();
        tokio::spawn(async move {
            loop {
                let Ok((c, _)) = front.accept().await else { continue };
                let fault = p.next();
                tokio::spawn(handle(c, up_addr, fault));
            }
        });
        url
    });
    World { rt, server, proxy, url, office_id: office.id, _dir: dir }
}

fn sync_cmd(db: &PathBuf) -> std::process::Command {
    let mut c = jiaowu(db);
    c.env("JIAOWU_SYNC_TIMEOUT_SECS", "1").args(["sync"]);
    c
}

fn report(db: &PathBuf, s: &str, i: usize) {
    ok(
        db,
        &[
            "record",
            "report",
            "--subject",
            s,
            "--date",
            "2026-11-20",
            "--method",
            "phone",
            "--received-by",
            "李干事",
            "--content",
            &format!("第{i}次电话报告"),
        ],
    );
}

/// Heals the link, syncs until quiet and checks the invariants.
fn heal_and_check(w: &World, o: &Office, seed: u64) {
    w.proxy.healed.store(true, Ordering::Relaxed);
    for _ in 0..2 {
        let out = sync_cmd(&o.db).output().unwrap();
        assert!(out.status.success(), "seed {seed}: sync after healing: {}", String::from_utf8_lossy(&out.stderr));
    }
    let v = json(&o.db, &["sync", "status"]);
    assert_eq!(v["status"]["waiting"], 0, "seed {seed}: {v}");
    assert_eq!(v["status"]["needs_attention"], 0, "seed {seed}: {v}");
    let mut core = jiaowu_app::login(
        &o.db,
        jiaowu_app::LoginInput { username: "zhang".into(), password: PASSWORD.into() },
        Arc::new(jiaowu_app::clock::FixedClock::on(TODAY.parse().unwrap())),
    )
    .unwrap();
    let ops = core.outbox_op_ids().unwrap();
    for op in &ops {
        assert!(w.server.stored_op(op.parse().unwrap()).unwrap().is_some(), "seed {seed}: op {op} lost");
    }
    assert_eq!(w.server.op_count().unwrap(), ops.len() as u64, "seed {seed}: an op stored twice or from nowhere");
    let held = jiaowu_app::sync::held_digest(&mut core).unwrap();
    let server_view = w.server.scope_digest(w.office_id).unwrap();
    assert_eq!(held, server_view, "seed {seed}: the office differs from the server's view of its scope");
}

fn enrolled_office(w: &World) -> (Office, String) {
    let o = office();
    let s = add_subject(&o.db, "张三", "13012319800101001");
    let code = w.server.issue_enrolment_code(w.office_id, "t").unwrap().code;
    ok(&o.db, &["sync", "enrol", "--url", &w.url, "--code", &code]);
    (o, s)
}

#[test]
fn sync_through_a_faulty_link_loses_and_duplicates_nothing() {
    let seed: u64 = std::env::var("JIAOWU_FAULT_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(20261129);
    let w = world(seed);
    let (o, s) = enrolled_office(&w);
    w.proxy.healed.store(false, Ordering::Relaxed);
    let mut failures = 0;
    for i in 0..12 {
        report(&o.db, &s, i);
        let out = sync_cmd(&o.db).stderr(Stdio::piped()).output().unwrap();
        if !out.status.success() {
            failures += 1;
            let err = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            // A failed sync says in Chinese that nothing is lost; it is never a crash.
            assert!(err.contains("连不上县级平台") && err.contains("不会丢失"), "seed {seed}: {:?} {err}", out.status);
        }
    }
    assert!(
        failures > 0,
        "seed {seed}: the faults never bit ({} connections)",
        w.proxy.connections.load(Ordering::Relaxed)
    );
    heal_and_check(&w, &o, seed);
    drop(w.rt);
}

#[test]
fn sigkill_of_the_office_during_sync_loses_and_duplicates_nothing() {
    let seed: u64 = std::env::var("JIAOWU_FAULT_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(20261130);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let w = world(seed);
    let (o, s) = enrolled_office(&w);
    // A slow link keeps each sync long enough to be killed in the middle of it.
    w.proxy.healed.store(false, Ordering::Relaxed);
    w.proxy.slow_only.store(true, Ordering::Relaxed);
    let mut killed = 0;
    for i in 0..10 {
        for j in 0..3 {
            report(&o.db, &s, i * 10 + j);
        }
        let mut child = sync_cmd(&o.db).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(20..400)));
        let _ = child.kill(); // SIGKILL on Unix
        if !child.wait().unwrap().success() {
            killed += 1;
        }
    }
    assert!(killed >= 5, "seed {seed}: only {killed} syncs were killed mid-way");
    heal_and_check(&w, &o, seed);
    let v = json(&o.db, &["verify"]);
    assert_eq!(v["ok"], true, "seed {seed}: {v}");
    drop(w.rt);
}
