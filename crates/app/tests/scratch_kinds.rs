use std::sync::Arc;
use jiaowu_app::clock::FixedClock;
use jiaowu_app::demo::DemoSpec;
use jiaowu_app::store::KdfParams;
use jiaowu_app::{init_office, InitOfficeInput};

#[test]
#[ignore]
fn kinds() {
    let dir = tempfile::tempdir().unwrap();
    let input = InitOfficeInput {
        office_name: "城关镇司法所".into(), county_name: "某县社区矫正管理局".into(), division_code: "130123".into(),
        leave_delegated: true, rule_family: None, username: "zhang".into(), display_name: "张所长".into(),
        password: "correct-horse-1".into(),
    };
    let (mut core, _) = init_office(&dir.path().join("o.db"), input, Arc::new(FixedClock::on("2026-11-23".parse().unwrap())), KdfParams::default()).unwrap();
    core.seed_demo(&DemoSpec::default()).unwrap();
    let mut all = std::collections::BTreeSet::new();
    let mut best = Vec::new();
    for s in core.list_subjects("").unwrap() {
        let kinds: std::collections::BTreeSet<String> = core.subject_timeline(s.id).unwrap().into_iter().map(|t| t.kind).collect();
        all.extend(kinds.iter().cloned());
        best.push((kinds.len(), s.name.clone(), s.is_minor_case, kinds));
    }
    best.sort_by(|a, b| b.0.cmp(&a.0));
    eprintln!("ALL {} {:?}", all.len(), all);
    for b in best.iter().take(5) { eprintln!("{} {} minor={} missing {:?}", b.0, b.1, b.2, all.difference(&b.3).collect::<Vec<_>>()); }
}
