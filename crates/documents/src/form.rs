//! The vocabulary of printed forms: what the app says, what `lib.typ` lays out. A form is a
//! title and a list of items: rows of label/value cells, tall text boxes, opinion boxes with
//! signature and seal, list tables (sign-in sheets), a QR code.

use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Form {
    /// Which form (`visit`, `leave_approval`, …): for tests and the audit log.
    pub form: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// 填表单位.
    pub office: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_no: Option<String>,
    /// Printed in order; consecutive grid items go to the template as one worked-out grid.
    #[serde(rename = "parts", serialize_with = "parts")]
    pub items: Vec<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footnote: Option<String>,
    /// Printed by whom and when (only on a form printed alone; a dossier has its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watermark: Option<String>,
    /// A boxed confidentiality mark above the title (a minor's form), or none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// Label/value pairs sharing one row (1–4 of them).
    Row(Vec<(String, String)>),
    /// A tall box: label, text, at least so many lines high.
    Block((String, String, u32)),
    Opinion(Opinion),
    /// A full-width line of small print inside the grid.
    Note(String),
    /// A box for the subject's photo (贴照片处) at the right of the next rows (up to this many,
    /// each of one or two pairs), as the paper 基本信息表 has it.
    Photo(u32),
    Table(ListTable),
    Qr(Qr),
    /// A paragraph outside the grid (the body of a certificate).
    Text(String),
    /// Signature lines below everything, and their date.
    Sign(Signatures),
}

/// 意见 with who signs it: filled in when the record holds it, blank lines otherwise.
#[derive(Debug, Clone, Serialize)]
pub struct Opinion {
    pub label: String,
    pub text: String,
    pub signer: String,
    pub seal: bool,
    /// A filled date, or None for the blank 年 月 日 to write by hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// Who signs, and the date beside them: filled when the record holds it (a certificate's
/// 开具日期), else blank to write by hand.
#[derive(Debug, Clone, Serialize)]
pub struct Signatures {
    pub who: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Each column's share of the line; empty for equal shares.
    pub weights: Vec<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Qr {
    /// The file name the SVG is handed over as (see `Document::files`).
    pub file: String,
    pub caption: String,
}

/// The items as the template reads them: each run of grid items as one `{grid}`, a list table
/// as `{table}` with its rows' known heights (see grid.rs), everything else as itself.
fn parts<S: serde::Serializer>(items: &[Item], ser: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    #[derive(Serialize)]
    struct GridPart<'a> {
        grid: crate::grid::Grid<'a>,
    }
    #[derive(Serialize)]
    struct TablePart<'a> {
        table: crate::grid::List<'a>,
    }
    let mut seq = ser.serialize_seq(None)?;
    let mut rest = items;
    while let Some(first) = rest.first() {
        if crate::grid::in_grid(first) {
            let n = rest.iter().take_while(|i| crate::grid::in_grid(i)).count();
            seq.serialize_element(&GridPart { grid: crate::grid::grid(&rest[..n]) })?;
            rest = &rest[n..];
        } else if let Item::Table(t) = first {
            seq.serialize_element(&TablePart { table: crate::grid::list(t) })?;
            rest = &rest[1..];
        } else {
            seq.serialize_element(first)?;
            rest = &rest[1..];
        }
    }
    seq.end()
}

impl Form {
    pub fn new(form: &str, title: &str, office: &str) -> Self {
        Form { form: form.into(), title: title.into(), office: office.into(), ..Default::default() }
    }
    pub fn row(&mut self, pairs: &[(&str, String)]) -> &mut Self {
        self.items.push(Item::Row(pairs.iter().map(|(l, v)| (l.to_string(), v.clone())).collect()));
        self
    }
    pub fn block(&mut self, label: &str, text: impl Into<String>, lines: u32) -> &mut Self {
        self.items.push(Item::Block((label.into(), text.into(), lines)));
        self
    }
    pub fn opinion(
        &mut self,
        label: &str,
        text: impl Into<String>,
        signer: &str,
        seal: bool,
        date: Option<String>,
    ) -> &mut Self {
        self.items.push(Item::Opinion(Opinion {
            label: label.into(),
            text: text.into(),
            signer: signer.into(),
            seal,
            date,
        }));
        self
    }
    /// A photo box beside the next `rows` rows (see `Item::Photo`).
    pub fn photo(&mut self, rows: u32) -> &mut Self {
        self.items.push(Item::Photo(rows));
        self
    }
    pub fn note(&mut self, text: impl Into<String>) -> &mut Self {
        self.items.push(Item::Note(text.into()));
        self
    }
    pub fn table(&mut self, columns: &[&str], rows: Vec<Vec<String>>) -> &mut Self {
        let columns = columns.iter().map(|c| c.to_string()).collect();
        self.items.push(Item::Table(ListTable { columns, rows, weights: Vec::new() }));
        self
    }
    /// A table whose columns take `weight` shares of the line each: prose gets room, a date
    /// or a phone number no more than it needs. A column wider than every other is prose, set
    /// flush left.
    pub fn table_weighted(&mut self, columns: &[(&str, u32)], rows: Vec<Vec<String>>) -> &mut Self {
        let (names, weights) = columns.iter().map(|(c, w)| (c.to_string(), *w)).unzip();
        self.items.push(Item::Table(ListTable { columns: names, rows, weights }));
        self
    }
    pub fn text(&mut self, text: impl Into<String>) -> &mut Self {
        self.items.push(Item::Text(text.into()));
        self
    }
    pub fn sign(&mut self, who: &[&str]) -> &mut Self {
        self.sign_on(who, None)
    }
    /// Signature lines with their date filled in (or blank when `None`).
    pub fn sign_on(&mut self, who: &[&str], date: Option<String>) -> &mut Self {
        self.items.push(Item::Sign(Signatures { who: who.iter().map(|s| s.to_string()).collect(), date }));
        self
    }
    pub fn qr(&mut self, file: &str, caption: impl Into<String>) -> &mut Self {
        self.items.push(Item::Qr(Qr { file: file.into(), caption: caption.into() }));
        self
    }
    /// Every text the form prints, for the glyph check before printing.
    pub fn all_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A dossier: cover, the documents in order, the 备考表.
#[derive(Debug, Clone, Serialize)]
pub struct Dossier {
    pub cover: Cover,
    pub docs: Vec<DossierDoc>,
    pub notes: Notes,
    pub watermark: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cover {
    pub title: String,
    pub fields: Vec<(String, String)>,
    /// A boxed mark (未成年人案件 · 严格保密), or none.
    pub restricted: Option<String>,
}

/// One line of the 卷内目录 and the document it points to.
#[derive(Debug, Clone, Serialize)]
pub struct DossierDoc {
    pub title: String,
    pub doc_no: Option<String>,
    /// 责任者: who made the document.
    pub author: String,
    pub date: String,
    pub remark: Option<String>,
    pub data: Form,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notes {
    pub note: String,
    pub corrections: Vec<CorrectionNote>,
    pub filed_by: String,
    pub filed_on: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrectionNote {
    pub record: String,
    pub before: String,
    pub after: String,
    pub reason: String,
    pub by: String,
    pub at: String,
}
