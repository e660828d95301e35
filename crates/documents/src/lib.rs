//! Printed output of 矫务通 (issue 5): official forms and case dossiers as PDF, ledgers as .xlsx.
//!
//! This crate knows layouts, not the case store: the app assembles each document's data as JSON
//! (labels already in Chinese) and hands it here. Templates are typst files compiled into the
//! binary; the data reaches them as a file (`data.json`), never spliced into markup, so no text a
//! clerk typed can change a layout.

mod dossier;
pub mod fonts;
pub mod form;
mod grid;
pub mod ledger;
pub mod pdf;
pub mod qr;
mod toc;
mod width;
mod world;

pub use fonts::FontSet;
pub use pdf::{evict_caches, render, render_with_previews, Document, Rendered, Template};

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// No CJK font on this PC (none of the official faces, no free fallback).
    #[error("no CJK font found in {0}")]
    NoFonts(String),
    /// The template did not compile or lay out (a bug in a template or in the data's shape).
    #[error("typesetting failed: {0}")]
    Typeset(String),
    #[error("spreadsheet: {0}")]
    Xlsx(String),
}
