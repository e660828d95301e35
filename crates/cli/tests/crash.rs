//! SIGKILL during writes (reliability-security.md A2; issue: "killing the CLI with SIGKILL
//! mid-write leaves a database that passes verify with no acknowledged write missing").
//!
//! Each round starts `jiaowu record report` and kills it after a seeded random delay. A write
//! is acknowledged when the process printed its id (after COMMIT returned). At the end the
//! database must pass `jiaowu verify` and hold every acknowledged id. Set JIAOWU_CRASH_ROUNDS to
//! run more rounds; a failure prints its seed, and JIAOWU_CRASH_SEED replays it.

mod common;
use std::collections::HashSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use rand::{Rng, SeedableRng};

#[test]
fn sigkill_mid_write_loses_no_acknowledged_write_and_keeps_the_database_sound() {
    let o = office();
    let s = add_subject(&o.db, "张三", "13012319800101001");
    let rounds: usize = std::env::var("JIAOWU_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let seed: u64 = std::env::var("JIAOWU_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(20261123);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);

    // Measure one full write to spread kills across the whole run of the process.
    let t0 = Instant::now();
    ok(
        &o.db,
        &[
            "--json",
            "record",
            "report",
            "--subject",
            &s,
            "--date",
            "2026-11-20",
            "--method",
            "phone",
            "--received-by",
            "李干事",
            "--content",
            "基准",
        ],
    );
    let full = t0.elapsed().as_millis().max(20) as u64;

    let mut acked = HashSet::new();
    let mut killed = 0;
    for i in 0..rounds {
        let content = format!("第{i}次报告");
        let mut child = jiaowu(&o.db)
            .args([
                "--json",
                "record",
                "report",
                "--subject",
                &s,
                "--date",
                "2026-11-20",
                "--method",
                "phone",
                "--received-by",
                "李干事",
                "--content",
                &content,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..full + full / 2)));
        let _ = child.kill(); // SIGKILL on Unix
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            let v: serde_json::Value =
                serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            acked.insert(v["id"].as_str().unwrap().to_string());
        } else {
            killed += 1;
        }
    }
    assert!(killed > 0, "seed {seed}: no round was killed; the delays are too long");

    let v = ok(&o.db, &["verify"]);
    assert!(v.contains("校验通过"), "seed {seed}: {v}");
    let store = jiaowu_app::store::Store::open_with_recovery(&o.db, &o.recovery).unwrap();
    let held: HashSet<String> = store
        .records_of::<jiaowu_app::store::Report>(jiaowu_app::domain::ids::SubjectId::parse(&s).unwrap())
        .unwrap()
        .into_iter()
        .map(|r| r.id.to_string())
        .collect();
    let missing: Vec<_> = acked.difference(&held).collect();
    assert!(missing.is_empty(), "seed {seed}: acknowledged but missing: {missing:?}");
    eprintln!("seed {seed}: {rounds} rounds, {killed} killed, {} acknowledged, all present", acked.len());
}
