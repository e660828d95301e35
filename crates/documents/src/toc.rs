//! The 卷内目录's rows (DA/T 22), typeset beside the documents (see dossier.rs).
//!
//! The 目录 is one long table that typst lays out page after page on one thread while the
//! documents take the other cores. A row of unknown height costs a measuring pass over each of
//! its cells in every page it might break onto: on the 328-row benchmark 目录 that was 0.10–0.13 s
//! of the dossier's time, against 0.06–0.07 s with rows of known height. So a row whose every
//! cell surely holds its text on one line gets the height of one line outright (the height an
//! auto row of one line has, so the page looks the same); a row that might wrap stays auto.

use serde_json::{json, Value};
use typst::layout::Point;
use typst_layout::PagedDocument;

use crate::dossier::place_of;
use crate::fonts::FontSet;
use crate::pdf::{compile, with_data};
use crate::width::{width_em, PT_PER_MM, TEXT_WIDTH_MM};
use crate::DocError;

const TEMPLATE: &str = include_str!("../templates/dossier_toc.typ");

/// The columns in mm, `None` for 题名 (the rest of the line): 序号, 文号, 责任者, 题名, 日期,
/// 页号, 备注. Wide enough that 序号, an office name as 责任者, a date and "347–348" as 页号
/// stay on one line. The templates take them from here.
pub(crate) const COLUMNS_MM: [Option<f64>; 7] =
    [Some(11.0), Some(18.0), Some(24.0), None, Some(23.0), Some(16.0), Some(14.0)];
/// lib.typ's toc-inset on either side of a cell, and the rows' text size.
const INSET_X_PT: f64 = 3.0;
const SIZE_PT: f64 = 9.5;

/// Typesets the 目录's rows for `docs`, each 页号 cell holding a mark (label `jiaowu-toc-i`);
/// returns the pages and where each mark landed. With `known_heights` false every row is auto
/// (the test below checks the two agree).
pub(crate) fn typeset(
    fonts: &FontSet,
    docs: &[Value],
    watermark: &Value,
    files: &[(String, Vec<u8>)],
    today: chrono::NaiveDate,
    known_heights: bool,
) -> Result<(PagedDocument, Vec<(usize, Point)>), DocError> {
    let rows: Vec<Value> = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            json!({ "title": doc["title"], "doc_no": doc["doc_no"], "author": doc["author"], "date": doc["date"],
                    "remark": doc["remark"], "one_line": known_heights && one_line(&cells(i, doc)) })
        })
        .collect();
    let data = json!({ "toc": rows, "columns": COLUMNS_MM, "watermark": watermark });
    let out = compile(fonts, TEMPLATE, &with_data(files, &data)?, today)?;
    let marks = (0..docs.len()).map(|i| place_of(&out, &format!("jiaowu-toc-{i}"))).collect::<Result<_, _>>()?;
    Ok((out, marks))
}

/// The texts of row `i`'s cells (the 页号 cell is empty here).
fn cells(i: usize, doc: &Value) -> [String; 7] {
    let text = |key: &str| doc[key].as_str().unwrap_or("").to_string();
    [(i + 1).to_string(), text("doc_no"), text("author"), text("title"), text("date"), String::new(), text("remark")]
}

/// Whether every cell of a row surely fits its column on one line.
fn one_line(cells: &[String; 7]) -> bool {
    let fixed: f64 = COLUMNS_MM.iter().flatten().sum();
    cells.iter().zip(COLUMNS_MM).all(|(text, mm)| {
        let room = mm.unwrap_or(TEXT_WIDTH_MM - fixed) * PT_PER_MM - 2.0 * INSET_X_PT;
        width_em(text, true).is_some_and(|em| em * SIZE_PT <= room - 0.5)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, date: &str) -> [String; 7] {
        ["328".into(), String::new(), "城关镇司法所".into(), title.into(), date.into(), String::new(), String::new()]
    }

    #[test]
    fn rows_that_might_wrap_keep_an_auto_height() {
        assert!(one_line(&row("社区矫正对象走访（实地查访）记录", "2025-03-15")));
        // Seventeen full-width characters are more than 题名 holds.
        assert!(!one_line(&row("社区矫正对象走访（实地查访）记录表", "2025-03-15")));
        // A rare character may come from another face.
        assert!(!one_line(&row("王𪚥的报告", "2025-03-15")));
    }

    /// The heights given outright are the heights the rows take when typst measures them: every
    /// mark (where each 页号 goes) lands on the same page at the same place either way.
    #[test]
    fn known_heights_lay_the_rows_out_as_measured_rows() {
        let fonts = FontSet::shared().expect("fonts");
        let titles = [
            "社区矫正对象走访（实地查访）记录",
            "社区矫正对象基本信息表",
            "矫正方案（第2版）",
            "社区矫正对象走访（实地查访）记录表，另附照片三张",
            "电话报告记录",
            "王𪚥的书面报告",
            "GPS定位核查记录",
        ];
        let docs: Vec<Value> = (0..90)
            .map(|i| {
                json!({ "title": titles[i % titles.len()], "doc_no": if i % 7 == 0 { json!("城司矫〔2025〕12号") } else { Value::Null },
                        "author": "城关镇司法所", "date": "2025-03-15", "remark": Value::Null })
            })
            .collect();
        let known = docs.iter().enumerate().filter(|(i, doc)| one_line(&cells(*i, doc))).count();
        assert!((40..80).contains(&known), "{known} of 90 rows have a known height");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let (fixed_doc, fixed) = typeset(&fonts, &docs, &Value::Null, &[], today, true).unwrap();
        let (auto_doc, auto) = typeset(&fonts, &docs, &Value::Null, &[], today, false).unwrap();
        assert!(fixed_doc.pages().len() > 1, "the 目录 runs over pages");
        assert_eq!(fixed_doc.pages().len(), auto_doc.pages().len());
        for (i, (f, a)) in fixed.iter().zip(&auto).enumerate() {
            assert_eq!(f.0, a.0, "row {i}: page");
            assert!((f.1.y - a.1.y).to_pt().abs() < 0.01, "row {i}: {:?} against {:?}", f.1, a.1);
        }
    }
}
