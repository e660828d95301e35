//! `jiaowu-print-bench`: issue 5's figure. A three-year dossier from a generated office, timed
//! beside a PDF of the same page count in the same faces with plain text only, in the same run;
//! reported as a ratio (target ≤ 2×) with both files' sizes.
//!
//!     cargo run --release -p jiaowu-bench --bin jiaowu-print-bench -- [--subjects 20] [--years 3] [--runs 9]

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiaowu_app::clock::FixedClock;
use jiaowu_app::demo::DemoSpec;
use jiaowu_app::printing::DossierRequest;
use jiaowu_app::store::KdfParams;
use jiaowu_app::{init_office, InitOfficeInput};
use jiaowu_documents::{evict_caches, render, Document, FontSet, Template};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The faces a PDF embeds (its descendant fonts' names, subset tags dropped), so the report
/// shows that the floor and the dossier carry the same ones.
fn faces(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    let mut names: Vec<String> = text
        .split("/BaseFont/")
        .skip(1)
        .map(|rest| rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '-')).next().unwrap_or(""))
        .filter(|name| !name.ends_with("-Identity-H"))
        .map(|name| name.split_once('+').map_or(name, |(_, face)| face).to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let (subjects, years, runs) =
        (arg("--subjects", 20) as usize, arg("--years", 3) as u32, arg("--runs", 9).max(1) as usize);
    let dir = tempfile::tempdir().expect("temp dir");
    let today = "2026-11-23".parse().expect("date");
    let input = InitOfficeInput {
        office_name: "城关镇司法所".into(),
        county_name: "某县社区矫正管理局".into(),
        division_code: "130123".into(),
        leave_delegated: true,
        rule_family: None,
        username: "zhang".into(),
        display_name: "张所长".into(),
        password: "correct-horse-1".into(),
    };
    let (mut core, _) =
        init_office(&dir.path().join("o.db"), input, Arc::new(FixedClock::on(today)), KdfParams::default())
            .expect("office");
    core.seed_demo(&DemoSpec { seed: 42, subjects, years }).expect("demo data");
    // The adult subject with the longest file.
    let fattest = core
        .list_subjects("")
        .expect("subjects")
        .into_iter()
        .filter(|s| !s.is_minor_case)
        .max_by_key(|s| core.subject_timeline(s.id).map(|t| t.len()).unwrap_or(0))
        .expect("a subject");
    let fonts = FontSet::shared().expect("fonts");
    println!("fonts: {}", fonts.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "));

    let print = |core: &mut jiaowu_app::Core| {
        let req = DossierRequest { subject_id: fattest.id, order: None, purpose: None, preview: false };
        core.print_dossier(req).expect("dossier")
    };
    // Once untimed, for the page count the floor must match.
    let dossier = print(&mut core);

    // The floor: the same number of pages in the same faces, each a page of plain text that
    // differs from the others (identical pages would be laid out once and reused): a title in
    // bold 黑体, a line in 黑体 and paragraphs in 仿宋, with a name that needs the rare-character
    // face, as the dossier's pages have.
    const SENTENCES: [&str; 7] = [
        "社区矫正对象在矫正期间应当遵守法律、行政法规，履行判决、裁定、暂予监外执行决定等法律文书确定的义务。",
        "遵守国务院司法行政部门关于报告、会客、外出、迁居、保外就医等监督管理规定，服从社区矫正机构的管理。",
        "社区矫正机构根据社区矫正对象的个人特点和日常表现，确定适当的管理级别，实施分类管理、个别化矫正。",
        "司法所根据社区矫正机构的委托，承担社区矫正相关工作，对社区矫正对象进行实地查访和个别谈话。",
        "社区矫正对象离开所居住的市、县，应当报经社区矫正机构批准，并按时返回办理销假手续。",
        "社区矫正对象违反监督管理规定的，社区矫正机构应当视情节依法给予训诫、警告。",
        "对有劳动能力的社区矫正对象，根据其特长和社会需要，组织参加公益活动，修复社会关系。",
    ];
    const TITLES: [&str; 4] =
        ["社区矫正对象个别谈话记录", "社区矫正对象集中教育学习记录", "电话报告记录", "社区矫正对象月度考核表"];
    let pages: Vec<serde_json::Value> = (0..dossier.pages)
        .map(|n| {
            serde_json::json!({
                "title": TITLES[n % TITLES.len()],
                "head": format!("填表单位：城关镇司法所　　对象：王𪚥　　第{}页", n + 1),
                "body": (0..12).map(|k| format!("{}（{}）", SENTENCES[(n + k) % SENTENCES.len()], n * 12 + k)).collect::<String>(),
            })
        })
        .collect();
    let plain = Document {
        template: Template::PlainPages,
        data: serde_json::json!({ "pages": pages }),
        files: Vec::new(),
        today,
    };
    // Runs alternate dossier and floor, each cold (typst's memo cache would otherwise make a
    // repeat of the same document nearly free), and the ratio is taken within each pair: this
    // machine's speed drifts by a third from one second to the next, and a pair sees the same.
    let (mut dossier_times, mut plain_times, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let mut plain_out = None;
    for _ in 0..runs {
        evict_caches();
        let t = Instant::now();
        let printed = print(&mut core);
        let d = t.elapsed();
        assert_eq!(printed.pages, dossier.pages, "the same dossier each run");
        evict_caches();
        let t = Instant::now();
        let out = render(&fonts, &plain).expect("plain pages");
        let p = t.elapsed();
        dossier_times.push(d);
        plain_times.push(p);
        ratios.push(d.as_secs_f64() / p.as_secs_f64());
        plain_out = Some(out);
    }
    let plain_out = plain_out.expect("one run");
    let (d, p) = (median(dossier_times), median(plain_times));
    ratios.sort_by(f64::total_cmp);
    println!(
        "dossier of {} ({} timeline records): {} pages, {:.2} s, {} KB",
        fattest.name,
        core.subject_timeline(fattest.id).map(|t| t.len()).unwrap_or(0),
        dossier.pages,
        d.as_secs_f64(),
        dossier.pdf.len() / 1024
    );
    println!(
        "plain pages, same faces: {} pages, {:.2} s, {} KB",
        plain_out.pages,
        p.as_secs_f64(),
        plain_out.pdf.len() / 1024
    );
    let (dossier_faces, plain_faces) = (faces(&dossier.pdf), faces(&plain_out.pdf));
    println!("faces embedded: dossier {}; plain {}", dossier_faces.join(", "), plain_faces.join(", "));
    println!(
        "ratio dossier / plain: {:.2} (target ≤ 2.00), median of {runs} paired runs (lowest {:.2}, highest {:.2})",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    );
}
