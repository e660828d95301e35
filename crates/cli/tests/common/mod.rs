//! Runs the real `jiaowu` binary against a database in a temporary directory.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub const PASSWORD: &str = "correct-horse-1";
pub const TODAY: &str = "2026-11-23";

pub struct Office {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub recovery: String,
}

pub fn jiaowu(db: &PathBuf) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jiaowu"));
    c.env("JIAOWU_DB", db)
        .env("JIAOWU_USER", "zhang")
        .env("JIAOWU_PASSWORD", PASSWORD)
        .env("JIAOWU_TODAY", TODAY)
        .env_remove("JIAOWU_RECOVERY_KEY");
    c
}

pub fn run(db: &PathBuf, args: &[&str]) -> Output {
    jiaowu(db).args(args).output().expect("run jiaowu")
}

pub fn ok(db: &PathBuf, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(
        o.status.success(),
        "jiaowu {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8(o.stdout).unwrap()
}

pub fn json(db: &PathBuf, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok(db, &a)).unwrap()
}

pub fn office() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let v = json(
        &db,
        &[
            "init",
            "--office",
            "城关镇司法所",
            "--county",
            "某县社区矫正管理局",
            "--division-code",
            "130123",
            "--display-name",
            "张所长",
        ],
    );
    Office { recovery: v["recovery_key"].as_str().unwrap().to_string(), dir, db }
}

pub fn id18(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = first17.chars().zip(W).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    format!("{first17}{}", "10X98765432".as_bytes()[(s % 11) as usize] as char)
}

pub fn add_subject(db: &PathBuf, name: &str, id17: &str) -> String {
    let v = json(
        db,
        &[
            "subject",
            "add",
            "--name",
            name,
            "--id-number",
            &id18(id17),
            "--residence-code",
            "130123",
            "--residence",
            "正定镇某村1号",
            "--crime",
            "盗窃罪",
            "--sentence",
            "有期徒刑一年，缓刑二年",
            "--type",
            "probation",
            "--term-start",
            "2026-01-10",
            "--term-end",
            "2028-01-09",
            "--reported-on",
            "2026-01-15",
            "--class",
            "ordinary",
        ],
    );
    v["subject"]["id"].as_str().unwrap().to_string()
}
