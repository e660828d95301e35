//! The layouts against real fonts and poppler: text read back from the PDF, page numbers of the
//! 卷内目录 against the pages, a rare name character with a glyph.

use std::process::Command;

use jiaowu_documents::form::{CorrectionNote, Cover, Dossier, DossierDoc, Form, Notes};
use jiaowu_documents::{render, Document, FontSet, Template};

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// Text of each page of a PDF, by poppler's pdftotext.
fn pages_text(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().split('\u{c}').map(str::to_owned).filter(|p| !p.trim().is_empty()).collect()
}

/// Each word of a PDF with its bounding box, as poppler's `pdftotext -bbox` gives them.
fn word_boxes(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext").arg("-bbox").arg(&path).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(str::to_owned)
        .collect()
}

/// Keeps the PDF and a PNG of each page for review (`target/document-artifacts/`, issue 5).
fn keep(name: &str, pdf: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/document-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let ok = Command::new("pdftoppm")
        .args(["-r", "70", "-png"])
        .arg(&path)
        .arg(dir.join(name))
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(ok.success());
}

fn visit_form(name: &str, n: usize) -> Form {
    let mut f = Form::new("visit", "社区矫正对象走访记录", "城关司法所");
    f.row(&[("姓名", name.into()), ("矫正类别", "缓刑".into()), ("走访日期", format!("2026年3月{}日", n % 28 + 1))])
        .row(&[("走访地点", "家庭".into()), ("地址", "城关镇某村".into())])
        .block("走访情况", format!("第{n}次走访：本人在家，情况正常。"), 4)
        .opinion("司法所意见", "", "负责人签名", true, None);
    f
}

#[test]
fn a_form_reads_back_with_its_fields_and_a_rare_name_character() {
    let fonts = FontSet::shared().unwrap();
    // 𠮷 (U+20BB7) is in CJK Extension B, outside the BMP.
    let name = "王𠮷祥";
    assert_eq!(fonts.missing_glyphs(name), Vec::<char>::new(), "fonts loaded: {:?}", fonts.files);
    // A character no font draws (a private-use code point) is reported once, however often it
    // appears: the warning lists characters, not occurrences.
    assert_eq!(fonts.missing_glyphs("\u{10FFFD}王\u{10FFFD}祥"), vec!['\u{10FFFD}']);
    // Each missing character once, in the order met, in the BMP (U+0378 is unassigned) too.
    assert_eq!(fonts.missing_glyphs("\u{378}王\u{10FFFD}\u{378}"), vec!['\u{378}', '\u{10FFFD}']);
    let doc = Document {
        template: Template::Form,
        data: serde_json::to_value(visit_form(name, 1)).unwrap(),
        files: vec![],
        today: today(),
    };
    let out = render(&fonts, &doc).unwrap();
    keep("test-visit", &out.pdf);
    assert_eq!(out.pages, 1);
    // CJK–Latin spacing puts spaces around digits; compare without them.
    let text: String = pages_text(&out.pdf).join("").chars().filter(|c| !c.is_whitespace()).collect();
    for want in
        ["社区矫正对象走访记录", "填表单位：城关司法所", "走访情况", "第1次走访", "司法所意见", "（公章）", name]
    {
        assert!(text.contains(want), "missing {want} in:\n{text}");
    }
}

#[test]
fn the_table_of_contents_gives_each_documents_real_page() {
    let fonts = FontSet::shared().unwrap();
    // Documents of uneven length: some spill onto a second page. Thirty of them, so that they
    // are typeset in shares (src/dossier.rs) and the numbers must carry across.
    let docs: Vec<DossierDoc> = (1..=30)
        .map(|i| {
            let mut f = visit_form("张三", i);
            if i % 4 == 0 {
                f.block("补充情况", "很长的情况说明。".repeat(400), 4);
            }
            f.title = format!("走访记录之{i}");
            DossierDoc {
                title: f.title.clone(),
                doc_no: None,
                author: "城关司法所".into(),
                date: format!("2026-03-{i:02}"),
                remark: None,
                data: f,
            }
        })
        .collect();
    let dossier = Dossier {
        cover: Cover {
            title: "社区矫正工作档案".into(),
            fields: vec![("对象姓名".into(), "张三".into())],
            restricted: None,
        },
        docs,
        notes: Notes {
            note: "".into(),
            corrections: vec![CorrectionNote {
                record: "走访记录".into(),
                before: "在家".into(),
                after: "外出务工".into(),
                reason: "笔误".into(),
                by: "李四".into(),
                at: "2026-03-05".into(),
            }],
            filed_by: "李四".into(),
            filed_on: "2026年11月23日".into(),
        },
        // None here: the diagonal watermark would run through the 目录's rows as this test
        // reads them (crates/app/tests/printing.rs checks the watermark on every page).
        watermark: None,
    };
    let doc = Document {
        template: Template::Dossier,
        data: serde_json::to_value(&dossier).unwrap(),
        files: vec![],
        today: today(),
    };
    let out = render(&fonts, &doc).unwrap();
    keep("test-dossier", &out.pdf);
    let pages = pages_text(&out.pdf);
    assert_eq!(pages.len(), out.pages);
    // The 卷内目录 on page 2: 序号 … 页号 per line.
    let toc: Vec<(usize, String)> = pages[1]
        .lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let i: usize = cols.first()?.parse().ok()?;
            // 序号 … 日期 页号: the page is the column after the date.
            let date = cols.iter().position(|c| c.len() == 10 && c.starts_with("2026-"))?;
            Some((i, cols.get(date + 1)?.to_string()))
        })
        .collect();
    assert_eq!(toc.len(), 30, "{}", pages[1]);
    for (i, pageno) in toc {
        let first: usize = pageno.split('–').next().unwrap().parse().unwrap();
        // Document pages start after the cover and the 目录 (2 pages); each stamps its number top right.
        let pdf_page = &pages[first + 1];
        let squeezed: String = pdf_page.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            squeezed.contains(&format!("走访记录之{i}填表单位")),
            "document {i} is not on page {first}:\n{pdf_page}"
        );
        assert_eq!(pdf_page.lines().find(|l| !l.trim().is_empty()).unwrap().trim(), first.to_string());
    }
    let last = pages.last().unwrap();
    assert!(last.contains("备考表") && last.contains("外出务工") && last.contains("笔误"), "{last}");
}

/// src/grid.rs gives the rows whose height it knows (one line, a short text box, a list row of
/// one line) that height outright instead of letting typst measure them. The page must come out
/// exactly as with every row measured: the same places, for rows of one to four pairs, empty
/// values, a value that wraps, a rare character, text boxes and a sign-in list.
#[test]
fn rows_of_known_height_lay_out_as_measured_rows() {
    let fonts = FontSet::shared().unwrap();
    let mut f = Form::new("basic_info", "社区矫正对象基本信息表", "城关镇司法所");
    f.row(&[("姓名", "张三".into()), ("性别", "男".into())])
        .row(&[("身份证号", "11010519491231002X".into()), ("矫正类别", "缓刑".into())])
        .row(&[("矫正期限", "2026年1月10日至2028年1月9日".into())])
        .row(&[("曾用名", String::new()), ("民族", String::new()), ("出生日期", String::new())])
        .row(&[("联系电话", "5550123".into()), ("文化程度", "初中".into()), ("工作单位", "无".into())])
        .row(&[("居住地", "河北省石家庄市正定县正定镇某村某街某号，与父母同住，".repeat(3))])
        .row(&[("罪名", "盗窃罪".into()), ("对象", "王𪚥".into())])
        .row(&[("甲", "1".into()), ("乙", "2".into()), ("丙", String::new()), ("丁", "4".into())])
        .row(&[("申请日期", "2026年11月16日".into()), ("外出天数", "3天".into()), ("审批层级", "司法所".into())])
        .block("备注", "无", 2)
        .block("谈话内容", "近期在家务农，按时报告。\n家属配合监督。", 4)
        .block("情况说明", "长".repeat(130), 4)
        .table(
            &["序号", "姓名", "签到时间", "签退时间", "本人签名", "备注"],
            vec![
                vec!["1".into(), "张三".into(), "09:00".into(), "11:00".into(), String::new(), String::new()],
                vec!["2".into(), "王𪚥".into(), "09:05".into(), "11:00".into(), String::new(), String::new()],
                vec![
                    "3".into(),
                    "李四".into(),
                    "09:10".into(),
                    "11:00".into(),
                    String::new(),
                    "因病请假，由家属代为说明".into(),
                ],
                vec!["4".into(), "赵五".into(), String::new(), String::new(), String::new(), String::new()],
            ],
        );
    let known = serde_json::to_value(&f).unwrap();
    let grid_rows: Vec<u64> =
        known["parts"][0]["grid"]["rows"].as_array().unwrap().iter().map(|r| r.as_u64().unwrap()).collect();
    // The wrapping address, the rare character and the long text box are measured; the short
    // boxes are as high as their lines; the rest are one line.
    assert_eq!(grid_rows, [1, 1, 1, 1, 1, 0, 0, 1, 1, 2, 4, 0]);
    let list_rows: Vec<bool> =
        known["parts"][1]["table"]["one_line"].as_array().unwrap().iter().map(|r| r.as_bool().unwrap()).collect();
    assert_eq!(list_rows, [true, false, false, true], "a rare character and a long remark are measured");
    let mut measured = known.clone();
    for r in measured["parts"][0]["grid"]["rows"].as_array_mut().unwrap() {
        *r = serde_json::json!(0);
    }
    for r in measured["parts"][1]["table"]["one_line"].as_array_mut().unwrap() {
        *r = serde_json::json!(false);
    }
    // Where each word lands (poppler's bounding boxes, to a hundredth of a point).
    let words = |data: serde_json::Value| {
        let doc = Document { template: Template::Form, data, files: Vec::new(), today: today() };
        word_boxes(&render(&fonts, &doc).unwrap().pdf)
    };
    let (a, b) = (words(known), words(measured));
    assert!(a.len() > 40, "{a:?}");
    assert_eq!(a, b, "a row of known height differs from the measured row");
}
