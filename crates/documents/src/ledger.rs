//! 台账 as .xlsx (domain.md §20): one sheet per ledger, a title row, a header row, then rows.
//! Numbers are written as numbers so a county clerk can sum them in Excel.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use serde::Serialize;

use crate::DocError;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.into())
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Number(n as f64)
    }
}
impl From<f64> for Cell {
    fn from(n: f64) -> Self {
        Cell::Number(n)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    /// The tab's name (Excel allows 31 characters).
    pub name: String,
    /// The title row above the header (office, period).
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Writes the sheets as one workbook.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, DocError> {
    let err = |e: rust_xlsxwriter::XlsxError| DocError::Xlsx(e.to_string());
    let mut wb = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_background_color("#EEEEEE");
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).map_err(err)?;
        let last = (s.columns.len().max(1) - 1) as u16;
        ws.merge_range(0, 0, 0, last, &s.title, &title).map_err(err)?;
        for (c, name) in s.columns.iter().enumerate() {
            ws.write_with_format(1, c as u16, name, &header).map_err(err)?;
            // CJK text is about two Latin widths per character.
            let widest = s
                .rows
                .iter()
                .filter_map(|r| match r.get(c) {
                    Some(Cell::Text(t)) => Some(t.chars().count()),
                    _ => None,
                })
                .chain(std::iter::once(name.chars().count()))
                .max()
                .unwrap_or(4);
            ws.set_column_width(c as u16, (widest.min(30) * 2 + 2) as f64).map_err(err)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = (r + 2) as u32;
            for (c, v) in row.iter().enumerate() {
                match v {
                    Cell::Text(t) => ws.write_with_format(r, c as u16, t, &cell).map_err(err)?,
                    Cell::Number(n) => ws.write_with_format(r, c as u16, *n, &cell).map_err(err)?,
                };
            }
        }
        ws.set_freeze_panes(2, 0).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}
