//! `jiaowu-sync-bench`: the figures of the sync issue, each beside a baseline from the same run,
//! over the real county server on loopback and real encrypted office stores:
//!
//! - initial sync of one office's scope (default 300 subjects, three years) to a new PC:
//!   records/s, beside inserting the same rows into an empty store directly (no audit, no outbox,
//!   one transaction per 500 rows); target ≥ 50 % of the raw rate;
//! - county ingest, 30 offices pushing a day's work at once: ops/s, beside inserting the same
//!   rows into the county's entity table directly; target ≥ 25 %;
//! - a sync with nothing to do: round trips and bytes on the wire (counted by a TCP proxy in
//!   front of the server, headers included); target 1 round trip, ≤ 2 KB;
//! - bytes on the wire per record, initial and incremental.
//!
//! Usage: `jiaowu-sync-bench [--subjects N] [--offices K] [--days D] [--dir PATH]`. Build with `--release`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiaowu_app::clock::FixedClock;
use jiaowu_app::demo::DemoSpec;
use jiaowu_app::{init_office, Core, InitOfficeInput};
use jiaowu_county::console::NewOffice;
use jiaowu_county::{router, Server, SqliteStore, SystemClock};
use jiaowu_store::KdfParams;
use jiaowu_sync::transport::{HttpTransport, Transport, TransportError, WireRequest, WireResponse};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TODAY: &str = "2026-11-23";

/// A pause before each timed part of the ingest figure, so that one part's background disk
/// work (a checkpoint) is not billed to the next.
const SETTLE: Duration = Duration::from_millis(500);

struct Args {
    subjects: usize,
    offices: usize,
    /// Days of county ingest measured (the median is reported).
    days: usize,
    dir: PathBuf,
}

fn args() -> Args {
    let mut a = Args { subjects: 300, offices: 30, days: 5, dir: PathBuf::from("target/bench/sync") };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--subjects" => a.subjects = v.parse().expect("--subjects N"),
            "--offices" => a.offices = v.parse().expect("--offices K"),
            "--days" => a.days = v.parse().expect("--days D"),
            "--dir" => a.dir = PathBuf::from(v),
            _ => panic!("unknown argument {k}"),
        }
    }
    a
}

/// Counts the bytes that cross it in both directions.
#[derive(Default)]
struct Wire {
    up: AtomicU64,
    down: AtomicU64,
}

impl Wire {
    fn total(&self) -> u64 {
        self.up.load(Ordering::Relaxed) + self.down.load(Ordering::Relaxed)
    }
}

async fn counting_proxy(upstream: SocketAddr, wire: Arc<Wire>) -> SocketAddr {
    let front = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = front.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = front.accept().await else { continue };
            let wire = wire.clone();
            tokio::spawn(async move {
                let Ok(server) = tokio::net::TcpStream::connect(upstream).await else { return };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let w1 = wire.clone();
                let up = tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = cr.read(&mut buf).await {
                        if n == 0 || sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        w1.up.fetch_add(n as u64, Ordering::Relaxed);
                    }
                    let _ = sw.shutdown().await;
                });
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n) = sr.read(&mut buf).await {
                    if n == 0 || cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    wire.down.fetch_add(n as u64, Ordering::Relaxed);
                }
                let _ = cw.shutdown().await;
                let _ = up.await;
            });
        }
    });
    addr
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::on(TODAY.parse().expect("date")))
}

fn new_office(path: &Path, name: &str) -> Core {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(format!("{}.keys", path.display()));
    let input = InitOfficeInput {
        office_name: name.into(),
        county_name: "基准测试县社区矫正管理局".into(),
        division_code: "130123".into(),
        leave_delegated: true,
        rule_family: None,
        username: "bench".into(),
        display_name: "基准".into(),
        password: "bench-password-1".into(),
    };
    init_office(path, input, clock(), KdfParams { m_kib: 1024, t: 1, p: 1 }).expect("office").0
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(f)
}

fn sync(core: &mut Core, url: &str) -> jiaowu_sync::engine::SyncReport {
    block(jiaowu_app::sync::sync_now(core, HttpTransport::new(url).expect("url"))).expect("sync")
}

fn enrol(core: &mut Core, server: &Server, office: uuid::Uuid, url: &str) {
    let code = server.issue_enrolment_code(office, "bench").expect("code").code;
    block(jiaowu_app::sync::enrol(core, HttpTransport::new(url).expect("url"), url, &code, "bench")).expect("enrol");
}

fn main() {
    let a = args();
    std::fs::create_dir_all(&a.dir).expect("dir");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let county_db = a.dir.join("county.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", county_db.display()));
    }
    let server = Arc::new(
        Server::open(Arc::new(SqliteStore::open(&county_db).expect("county")), Arc::new(SystemClock), None, "基准县")
            .expect("server"),
    );
    let wire = Arc::new(Wire::default());
    let url = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let upstream = listener.local_addr().expect("addr");
        let app = router(server.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        format!("http://{}", counting_proxy(upstream, wire.clone()).await)
    });
    let mut report = serde_json::Map::new();

    // 1. The office as it was before the county server: N subjects, three years of records.
    let office = server
        .create_office(
            &NewOffice { name: "基准测试司法所".into(), division_code: "130123".into(), leave_delegated: true },
            "bench",
        )
        .expect("office");
    let mut source = new_office(&a.dir.join("source.db"), "基准测试司法所");
    let t = Instant::now();
    let s = source.seed_demo(&DemoSpec { seed: 20261123, subjects: a.subjects, years: 3 }).expect("seed");
    println!("generated {} subjects, {} records in {:.1} s", s.subjects, s.records_total, t.elapsed().as_secs_f64());
    enrol(&mut source, &server, office.id, &url);
    let before = wire.total();
    let t = Instant::now();
    let up = sync(&mut source, &url);
    let push_time = t.elapsed();
    let push_bytes = wire.total() - before;
    println!(
        "first upload of the office's history: {} ops in {:.1} s ({:.0} ops/s), {:.0} bytes/op on the wire",
        up.pushed,
        push_time.as_secs_f64(),
        up.pushed as f64 / push_time.as_secs_f64(),
        push_bytes as f64 / up.pushed.max(1) as f64
    );

    // 2. Initial sync of the scope to a new PC, beside inserting the same rows directly.
    let mut fresh = new_office(&a.dir.join("new-pc.db"), "基准测试司法所");
    enrol(&mut fresh, &server, office.id, &url);
    let before = wire.total();
    let t = Instant::now();
    let down = sync(&mut fresh, &url);
    let pull_time = t.elapsed();
    let pull_bytes = wire.total() - before;
    let records = down.applied.applied;
    let held = jiaowu_app::sync::held_digest(&mut fresh).expect("digest");
    assert_eq!(held, server.scope_digest(office.id).expect("digest"), "the new PC holds exactly the office's scope");
    let pull_rate = records as f64 / pull_time.as_secs_f64();
    let raw_time = raw_insert(&a.dir.join("raw.db"), &server, office.id);
    let raw_rate = records as f64 / raw_time.as_secs_f64();
    println!(
        "initial sync to a new PC: {records} records in {:.2} s = {:.0} records/s; the same rows inserted directly: \
         {:.2} s = {:.0} records/s; ratio {:.2} (target ≥ 0.50); {:.0} bytes/record on the wire ({} round trips)",
        pull_time.as_secs_f64(),
        pull_rate,
        raw_time.as_secs_f64(),
        raw_rate,
        pull_rate / raw_rate,
        pull_bytes as f64 / records.max(1) as f64,
        down.round_trips
    );
    report.insert("initial_records".into(), records.into());
    report.insert("initial_ratio".into(), (pull_rate / raw_rate).into());

    // 3. A sync with nothing to do.
    let before = wire.total();
    let idle = sync(&mut fresh, &url);
    let idle_bytes = wire.total() - before;
    println!("idle sync: {} round trip(s), {idle_bytes} bytes on the wire (target 1 and ≤ 2048)", idle.round_trips);
    report.insert("idle_bytes".into(), idle_bytes.into());

    // 4. Incremental: a day's visits on one PC, received by the other.
    let subjects: Vec<_> = source.list_subjects("").expect("list").into_iter().take(40).collect();
    for s in &subjects {
        let v: jiaowu_app::store::VisitInput = serde_json::from_value(json!({
            "subject_id": s.id, "visit_date": TODAY, "place_type": "home", "address": "某村", "method": "in_person",
            "visitors": ["张"], "interviewees": [], "subject_present": true, "findings": "在家，情绪稳定"
        }))
        .expect("visit");
        let _ = source.record_visit(v);
    }
    let before = wire.total();
    let inc_up = sync(&mut source, &url);
    let up_bytes = wire.total() - before;
    let before = wire.total();
    let inc_down = sync(&mut fresh, &url);
    let down_bytes = wire.total() - before;
    println!(
        "incremental: {} ops up at {:.0} bytes/op; {} records down at {:.0} bytes/record",
        inc_up.pushed,
        up_bytes as f64 / inc_up.pushed.max(1) as f64,
        inc_down.applied.applied,
        down_bytes as f64 / inc_down.applied.applied.max(1) as f64
    );

    // 5. County ingest: K offices push a day's work at the same moment.
    let ingest_ratio = ingest(&a, &server, &url, &rt);
    report.insert("ingest_ratio".into(), ingest_ratio.into());
    println!("{}", serde_json::Value::Object(report));
}

/// Inserts every record of the office's scope, as the county holds it, into an empty store with
/// no audit entry and no outbox op, 500 rows a transaction: the floor under any sync.
fn raw_insert(path: &Path, server: &Server, office: uuid::Uuid) -> Duration {
    let rows = server.scope_rows(office).expect("rows");
    let mut core = new_office(path, "基准测试司法所");
    let t = Instant::now();
    core.bulk_load_for_benchmark(&rows).expect("raw insert");
    t.elapsed()
}

/// A day's work in every office: a visit and a report for each subject.
fn day_of_work(offices: &mut [Core]) {
    for core in offices {
        for s in core.list_subjects("").expect("list") {
            let v: jiaowu_app::store::VisitInput = serde_json::from_value(json!({
                "subject_id": s.id, "visit_date": TODAY, "place_type": "home", "address": "某村", "method": "in_person",
                "visitors": ["张"], "interviewees": [], "subject_present": true, "findings": "在家"
            }))
            .expect("visit");
            let _ = core.record_visit(v);
            let r: jiaowu_app::store::ReportInput = serde_json::from_value(json!({
                "subject_id": s.id, "report_date": TODAY, "method": "phone", "received_by": "李干事", "content": "电话报告近况"
            }))
            .expect("report");
            let _ = core.record_report(r);
        }
    }
}

/// Keeps the requests the engine makes instead of sending them (the county-side figure replays
/// them all at once, so the offices' own disk writes are not in it).
#[derive(Default)]
struct Capture(std::sync::Mutex<Vec<WireRequest>>);

impl Transport for &Capture {
    async fn send(&self, req: WireRequest) -> Result<WireResponse, TransportError> {
        self.0.lock().expect("capture").push(req);
        Err(TransportError("captured".into()))
    }
}

fn ingest(a: &Args, server: &Arc<Server>, url: &str, rt: &tokio::runtime::Runtime) -> f64 {
    let mut offices = Vec::new();
    for i in 0..a.offices {
        let o = server
            .create_office(
                &NewOffice { name: format!("第{i}司法所"), division_code: "130123".into(), leave_delegated: true },
                "bench",
            )
            .expect("office");
        let mut core = new_office(&a.dir.join(format!("ingest-{i}.db")), &format!("第{i}司法所"));
        core.seed_demo(&DemoSpec { seed: i as u64, subjects: 20, years: 1 }).expect("seed");
        enrol(&mut core, server, o.id, url);
        sync(&mut core, url);
        offices.push(core);
    }

    // End to end: every office pushes its day at the same moment (their own stores included).
    day_of_work(&mut offices);
    let waiting: i64 = offices.iter().map(|c| c.sync_status().expect("status").waiting).sum();
    let t = Instant::now();
    let pushed: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = offices
            .iter_mut()
            .map(|core| {
                scope.spawn(move || {
                    block(jiaowu_app::sync::push_now(core, HttpTransport::new(url).expect("url"))).expect("push").pushed
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("office thread")).sum()
    });
    let e2e = t.elapsed();
    assert_eq!(pushed as i64, waiting, "every op of the day went up");

    // The county alone: the next days' pushes, signed and ready, arrive all at once, a day at a
    // time; each day beside its raw insert, and the medians compared (one day is ~0.1 s, too
    // short for one measurement to be stable on a shared 2-core machine).
    let (mut county_times, mut raw_times, mut ops) = (Vec::new(), Vec::new(), 0);
    for day in 0..a.days {
        let (n, county_time) = county_day(&mut offices, url, rt);
        county_times.push(county_time);
        // The disk settles (the county's checkpoint of the day) before the raw insert is timed.
        std::thread::sleep(SETTLE);
        raw_times.push(raw_county_insert(&a.dir.join(format!("county-raw-{day}.db")), server, n));
        ops = n;
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (county_time, raw) = (median(&mut county_times), median(&mut raw_times));
    let raw_rate = ops as f64 / raw.as_secs_f64();
    let county_rate = ops as f64 / county_time.as_secs_f64();
    println!(
        "county ingest: {} offices' pushes ({ops} ops) arriving at once absorbed in {:.3} s = {:.0} ops/s \
         (median of {} days); the same rows inserted directly into the county store, a transaction per office: \
         {:.0} rows/s; ratio {:.2} (target ≥ 0.25). End to end, offices' own writes included: {pushed} ops in \
         {:.3} s = {:.0} ops/s (ratio {:.2})",
        a.offices,
        county_time.as_secs_f64(),
        county_rate,
        a.days,
        raw_rate,
        county_rate / raw_rate,
        e2e.as_secs_f64(),
        pushed as f64 / e2e.as_secs_f64(),
        pushed as f64 / e2e.as_secs_f64() / raw_rate
    );
    county_rate / raw_rate
}

/// One day's work in every office, pushed at the same moment: the ops in it, and how long the
/// county took to answer them all.
fn county_day(offices: &mut [Core], url: &str, rt: &tokio::runtime::Runtime) -> (usize, Duration) {
    day_of_work(offices);
    let capture = Capture::default();
    for core in offices.iter_mut() {
        let _ = block(jiaowu_app::sync::push_now(core, &capture));
    }
    let requests = capture.0.into_inner().expect("capture");
    // The offices' own writes and the last raw insert settle before the county is timed.
    std::thread::sleep(SETTLE);
    let ops: usize = requests
        .iter()
        .map(|r| {
            let gz = r.headers.iter().any(|(k, v)| k == "content-encoding" && v == "gzip");
            let body = if gz { jiaowu_sync::bundle::gunzip(&r.body).expect("gzip") } else { r.body.clone() };
            serde_json::from_slice::<serde_json::Value>(&body)
                .map(|v| v["ops"].as_array().map_or(0, Vec::len))
                .unwrap_or(0)
        })
        .sum();
    // Each office has its own client already (making one is not the county's work).
    let clients: Vec<_> = requests.iter().map(|_| HttpTransport::new(url).expect("url")).collect();
    let t = Instant::now();
    let answered: usize = rt.block_on(async {
        let sends = requests.into_iter().zip(clients).map(|(r, client)| async move {
            let resp = client.send(r).await.expect("send");
            assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
            let v: serde_json::Value = serde_json::from_slice(&resp.body).expect("json");
            v["results"].as_array().map_or(0, Vec::len)
        });
        let handles: Vec<_> = sends.map(tokio::spawn).collect();
        let mut n = 0;
        for h in handles {
            n += h.await.expect("task");
        }
        n
    });
    let county_time = t.elapsed();
    assert_eq!(answered, ops, "every op answered");
    // The offices take their answers (the next day's push starts from them).
    for core in offices.iter_mut() {
        let _ = block(jiaowu_app::sync::push_now(core, HttpTransport::new(url).expect("url")));
    }
    (ops, county_time)
}

/// The county's floor: the same number of entity rows (copied from what it holds) inserted into
/// a fresh county file, one transaction per office's worth.
fn raw_county_insert(path: &Path, server: &Server, n: usize) -> Duration {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let sample = server.sample_entities(n).expect("sample");
    let store = SqliteStore::open(path).expect("raw county");
    let per_tx = (n / 30).max(1);
    let t = Instant::now();
    for chunk in sample.chunks(per_tx) {
        jiaowu_county::store::write(&store, |tx| {
            for row in chunk {
                tx.put_entity(row)?;
            }
            Ok(())
        })
        .expect("insert");
    }
    t.elapsed()
}
