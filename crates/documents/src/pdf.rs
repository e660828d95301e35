//! One call from a document's data to PDF bytes.

use serde::Serialize;
use typst_layout::PagedDocument;

use crate::fonts::FontSet;
use crate::world::DocWorld;
use crate::DocError;

/// A printable document: which template, and its data.
#[derive(Debug, Clone)]
pub struct Document {
    pub template: Template,
    /// What the template reads as `json("data.json")`.
    pub data: serde_json::Value,
    /// Further files the template reads by name (the QR code of a 外出证明, say).
    pub files: Vec<(String, Vec<u8>)>,
    /// The date typst's `datetime.today()` answers (the app's clock, not the PC's).
    pub today: chrono::NaiveDate,
}

/// The main file of each kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Template {
    /// One form, chosen by `data.form`.
    Form,
    /// A subject's whole dossier: cover, 卷内目录, the documents, 备考表.
    Dossier,
    /// Plain text pages in the same fonts: the benchmark's floor under a dossier.
    PlainPages,
}

impl Template {
    pub(crate) fn main(self) -> &'static str {
        match self {
            Template::Form => include_str!("../templates/form_main.typ"),
            // The frame around the documents (src/dossier.rs typesets those).
            Template::Dossier => include_str!("../templates/dossier.typ"),
            Template::PlainPages => include_str!("../templates/plain.typ"),
        }
    }
}

/// Forgets what typst memoised from earlier documents (the benchmark measures each run cold).
pub fn evict_caches() {
    comemo::evict(0);
}

/// A typeset document.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// PNGs of the first pages, when asked for (the app's preview).
    pub previews: Vec<Vec<u8>>,
}

/// One typst run over `main` with `files` beside it.
pub(crate) fn compile(
    fonts: &FontSet,
    main: &str,
    files: &[(String, Vec<u8>)],
    today: chrono::NaiveDate,
) -> Result<PagedDocument, DocError> {
    let world = DocWorld::new(fonts, main, files, today);
    typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errs| DocError::Typeset(errs.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")))
}

/// The files a template sees: `files`, and `data` as `data.json`.
pub(crate) fn with_data(
    files: &[(String, Vec<u8>)],
    data: &serde_json::Value,
) -> Result<Vec<(String, Vec<u8>)>, DocError> {
    let mut all = files.to_vec();
    all.push(("data.json".into(), serde_json::to_vec(data).map_err(|e| DocError::Typeset(e.to_string()))?));
    Ok(all)
}

/// Typesets `doc` and writes it as PDF (fonts embedded as subsets).
pub fn render(fonts: &FontSet, doc: &Document) -> Result<Rendered, DocError> {
    render_with_previews(fonts, doc, 0)
}

/// As `render`, with PNGs of the first `previews` pages at 96 dpi for a preview on screen.
pub fn render_with_previews(fonts: &FontSet, doc: &Document, previews: usize) -> Result<Rendered, DocError> {
    let compiled = match doc.template {
        Template::Dossier => crate::dossier::typeset(fonts, &doc.data, &doc.files, doc.today)?,
        template => compile(fonts, template.main(), &with_data(&doc.files, &doc.data)?, doc.today)?,
    };
    // Untagged: the tagged structure makes files ~9× larger (build-notes.md §6) and no reader
    // of these files needs it.
    let options = typst_pdf::PdfOptions { tagged: false, ..Default::default() };
    let pdf = typst_pdf::pdf(&compiled, &options)
        .map_err(|errs| DocError::Typeset(errs.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    let previews = compiled
        .pages()
        .iter()
        .take(previews)
        .map(|page| {
            typst_render::render(
                page,
                &typst_render::RenderOptions { pixel_per_pt: (96.0_f64 / 72.0).into(), render_bleed: false },
            )
            .encode_png()
            .map_err(|e| DocError::Typeset(format!("preview: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rendered { pdf, pages: compiled.pages().len(), previews })
}
