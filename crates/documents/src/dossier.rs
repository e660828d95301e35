//! A dossier in typst runs that never wait on one another's pages.
//!
//! The 卷内目录 (before the documents) needs the page on which each document begins, and each
//! document page needs its stamped number. Asked of typst directly (`locate`, `here()`), that
//! makes typst lay the whole dossier out a second time, and its tables are measured afresh each
//! time: three times the work of the pages themselves (measured on the 348-page benchmark
//! dossier: 1.5 s against 0.5 s). Instead:
//!
//! 1. side by side on rayon's pool: the documents, in as many shares as the PC has cores, and
//!    the 目录's rows with a mark in each 页号 cell (rows do not depend on the numbers). Each
//!    document's first page is read back from its label, each mark's place from its own;
//! 2. the frame is typeset with those numbers and places as plain data: cover, one layer per
//!    目录 page with the numbers where the marks are, one stamp page per document page, 备考表;
//! 3. the pages are put together: cover, 目录 pages with their layers over them, document
//!    pages with their stamps over them, 备考表.

use std::num::NonZeroUsize;

use serde_json::{json, Value};
use typst::foundations::Label;
use typst::introspection::Introspector;
use typst::layout::Point;
use typst::model::DocumentInfo;
use typst::utils::PicoStr;
use typst_layout::{Page, PagedDocument};

use crate::fonts::FontSet;
use crate::pdf::{compile, with_data, Template};
use crate::DocError;

const DOCS_TEMPLATE: &str = include_str!("../templates/dossier_docs.typ");

/// Shares below this many documents are not worth a typst run of their own.
const MIN_SHARE: usize = 8;

/// Typesets a dossier whose data is `dossier` (the shape of `form::Dossier`).
pub(crate) fn typeset(
    fonts: &FontSet,
    dossier: &Value,
    files: &[(String, Vec<u8>)],
    today: chrono::NaiveDate,
) -> Result<PagedDocument, DocError> {
    let docs = dossier["docs"].as_array().map(Vec::as_slice).unwrap_or_default();
    let watermark = &dossier["watermark"];

    // 1. The documents, in shares, and the 目录's rows, typeset side by side on rayon's pool,
    // where typst lays out their pages too (parts on threads of their own each handed their
    // pages to the pool and waited).
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let shares = cores.min(docs.len() / MIN_SHARE).max(1);
    let per_share = docs.len().div_ceil(shares).max(1);
    let typeset_share = |share: &[Value]| -> Result<(PagedDocument, Vec<usize>), DocError> {
        let data = json!({ "docs": share, "watermark": watermark });
        let out = compile(fonts, DOCS_TEMPLATE, &with_data(files, &data)?, today)?;
        let starts = (0..share.len())
            .map(|i| place_of(&out, &format!("jiaowu-doc-{i}")).map(|(page, _)| page))
            .collect::<Result<_, _>>()?;
        Ok((out, starts))
    };
    let typeset_toc = || crate::toc::typeset(fonts, docs, watermark, files, today, true);
    let (toc, typeset) = rayon::join(
        || unpanicked(typeset_toc),
        || {
            use rayon::prelude::*;
            docs.par_chunks(per_share).map(|share| unpanicked(|| typeset_share(share))).collect::<Vec<_>>()
        },
    );
    let (toc, marks) = toc?;
    let mut doc_pages: Vec<Page> = Vec::new();
    let mut firsts: Vec<usize> = Vec::with_capacity(docs.len());
    for result in typeset {
        let (out, starts) = result?;
        // Pages count from 1 at the first document (physical pages, so nothing can make the
        // 目录 and the stamps disagree).
        firsts.extend(starts.iter().map(|p| doc_pages.len() + p));
        doc_pages.extend(out.pages().iter().cloned());
    }
    let total = doc_pages.len();

    // 2. The frame, with the numbers and where they go as data. DA/T 22: each document's first
    // page; the last document gets first–last.
    let numbers: Vec<Value> = firsts
        .iter()
        .zip(&marks)
        .enumerate()
        .map(|(i, (&first, (page, at)))| {
            let pages =
                if i + 1 == docs.len() && total > first { format!("{first}–{total}") } else { first.to_string() };
            json!({ "page": page, "x": at.x.to_pt(), "y": at.y.to_pt(), "pages": pages })
        })
        .collect();
    let data = json!({
        "cover": dossier["cover"], "notes": dossier["notes"], "watermark": watermark,
        "toc": numbers, "toc_pages": toc.pages().len(), "total": total, "columns": crate::toc::COLUMNS_MM,
    });
    let frame = compile(fonts, Template::Dossier.main(), &with_data(files, &data)?, today)?;

    // 3. Put together.
    let cover = place_of(&frame, "jiaowu-toc-layer")?.0 - 1;
    let frame_pages = frame.pages();
    let layers = &frame_pages[cover..];
    if layers.len() < toc.pages().len() + total {
        return Err(DocError::Typeset(format!("{} layers for {} pages", layers.len(), toc.pages().len() + total)));
    }
    let mut pages: Vec<Page> = Vec::with_capacity(frame_pages.len());
    pages.extend(frame_pages[..cover].iter().cloned());
    for (mut page, layer) in toc.pages().iter().cloned().chain(doc_pages).zip(layers) {
        page.frame.push_frame(Point::zero(), layer.frame.clone());
        pages.push(page);
    }
    pages.extend(layers[toc.pages().len() + total..].iter().cloned());
    Ok(PagedDocument::new(pages.into_iter().collect(), DocumentInfo::default()))
}

/// A part's result, or an error if it panicked (a bug in typst or a template must not take
/// the app down with it).
fn unpanicked<T>(part: impl FnOnce() -> Result<T, DocError>) -> Result<T, DocError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(part))
        .unwrap_or_else(|_| Err(DocError::Typeset("a dossier part panicked".into())))
}

/// The page (from 1) on which the element labelled `name` landed, and where on it.
pub(crate) fn place_of(doc: &PagedDocument, name: &str) -> Result<(usize, Point), DocError> {
    let missing = || DocError::Typeset(format!("label {name} is not in the document"));
    let label = Label::new(PicoStr::intern(name)).ok_or_else(missing)?;
    let elem = doc.introspector().query_label(label).map_err(|_| missing())?;
    let loc = elem.location().ok_or_else(missing)?;
    let at = doc.introspector().position(loc).ok_or_else(missing)?;
    Ok((at.page.get(), at.point))
}
