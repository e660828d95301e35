//! Unit-test helpers shared by the modules of this crate (the integration tests in tests/ have
//! their own, through the public API only).

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::clock::FixedClock;
use crate::{init_office, Core, InitOfficeInput};

/// A new office on `dir` whose clock stands still on `today`, with a cheap key derivation.
pub(crate) fn office(dir: &Path, today: NaiveDate, delegated: bool) -> Core {
    let input = InitOfficeInput {
        office_name: "城关镇司法所".into(),
        county_name: "正定县社区矫正管理局".into(),
        division_code: "130123".into(),
        leave_delegated: delegated,
        rule_family: None,
        username: "demo".into(),
        display_name: "刘建华".into(),
        password: "demo-2026".into(),
    };
    let kdf = jiaowu_store::KdfParams { m_kib: 1024, t: 1, p: 1 };
    init_office(&dir.join("office.db"), input, Arc::new(FixedClock::on(today)), kdf).unwrap().0
}

pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
