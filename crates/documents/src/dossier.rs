//! A dossier in two kinds of typst runs, so that nothing on a page waits for another page.
//!
//! The 卷内目录 (before the documents) needs the page on which each document begins, and each
//! document page needs its stamped number. Asked of typst directly (`locate`, `here()`), that
//! makes typst lay the whole dossier out a second time, and its tables are measured afresh each
//! time: three times the work of the pages themselves (measured on the 348-page benchmark
//! dossier: 1.5 s against 0.5 s). Instead:
//!
//! 1. the documents are typeset alone, in as many shares as the PC has cores (each share its
//!    own typst run on its own thread); each document's first page is read back from its label;
//! 2. the frame (cover, 目录, one stamp page per document page, 备考表) is typeset with those
//!    numbers as plain data;
//! 3. the pages are put together: frame pages, then each document page with its stamp page laid
//!    over it, then the rest of the frame.

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

/// Shares below this many documents are not worth a thread of their own.
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

    // 1. The documents, in shares typeset side by side.
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let shares = cores.min(docs.len() / MIN_SHARE).max(1);
    let per_share = docs.len().div_ceil(shares).max(1);
    let typeset_share = |share: &[Value]| -> Result<(PagedDocument, Vec<usize>), DocError> {
        let data = json!({ "docs": share, "watermark": watermark });
        let out = compile(fonts, DOCS_TEMPLATE, &with_data(files, &data)?, today)?;
        let starts =
            (0..share.len()).map(|i| first_page(&out, &format!("jiaowu-doc-{i}"))).collect::<Result<_, _>>()?;
        Ok((out, starts))
    };
    let typeset: Vec<Result<(PagedDocument, Vec<usize>), DocError>> = if docs.is_empty() {
        Vec::new()
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = docs.chunks(per_share).map(|share| s.spawn(move || typeset_share(share))).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(DocError::Typeset("a dossier share panicked".into()))))
                .collect()
        })
    };
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

    // 2. The frame, with the numbers as data. DA/T 22: each document's first page; the last
    // document gets first–last.
    let toc: Vec<Value> = docs
        .iter()
        .zip(&firsts)
        .enumerate()
        .map(|(i, (doc, &first))| {
            let pages =
                if i + 1 == docs.len() && total > first { format!("{first}–{total}") } else { first.to_string() };
            json!({
                "title": doc["title"], "doc_no": doc["doc_no"], "author": doc["author"],
                "date": doc["date"], "remark": doc["remark"], "pages": pages,
            })
        })
        .collect();
    let data = json!({
        "cover": dossier["cover"], "notes": dossier["notes"], "watermark": watermark,
        "toc": toc, "total": total,
    });
    let frame = compile(fonts, Template::Dossier.main(), &with_data(files, &data)?, today)?;

    // 3. Put together.
    let stamps = if total == 0 { 0 } else { first_page(&frame, "jiaowu-stamps")? - 1 };
    let frame_pages = frame.pages();
    if frame_pages.len() < stamps + total {
        return Err(DocError::Typeset(format!(
            "{} stamp pages for {total} document pages",
            frame_pages.len() - stamps
        )));
    }
    let mut pages: Vec<Page> = Vec::with_capacity(frame_pages.len());
    pages.extend(frame_pages[..stamps].iter().cloned());
    for (k, mut page) in doc_pages.into_iter().enumerate() {
        page.frame.push_frame(Point::zero(), frame_pages[stamps + k].frame.clone());
        pages.push(page);
    }
    pages.extend(frame_pages[stamps + total..].iter().cloned());
    Ok(PagedDocument::new(pages.into_iter().collect(), DocumentInfo::default()))
}

/// The page (from 1) on which the element labelled `name` landed.
fn first_page(doc: &PagedDocument, name: &str) -> Result<usize, DocError> {
    let missing = || DocError::Typeset(format!("label {name} is not in the document"));
    let label = Label::new(PicoStr::intern(name)).ok_or_else(missing)?;
    let elem = doc.introspector().query_label(label).map_err(|_| missing())?;
    let loc = elem.location().ok_or_else(missing)?;
    doc.introspector().page(loc).map(NonZeroUsize::get).ok_or_else(missing)
}
