//! The typst world a document compiles in: our templates, one data file, the fonts. Nothing
//! else: no packages, no network, no file system (build-notes.md §6 (a)).

use std::collections::HashMap;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts::FontSet;

/// Templates every document may import.
pub(crate) const SHARED: &[(&str, &str)] =
    &[("lib.typ", include_str!("../templates/lib.typ")), ("forms.typ", include_str!("../templates/forms.typ"))];

pub(crate) struct DocWorld<'a> {
    library: &'static LazyHash<Library>,
    fonts: &'a FontSet,
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    today: chrono::NaiveDate,
}

fn file_id(name: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(name).expect("template names are plain")).intern()
}

impl<'a> DocWorld<'a> {
    pub(crate) fn new(fonts: &'a FontSet, main: &str, files: &[(String, Vec<u8>)], today: chrono::NaiveDate) -> Self {
        let main_id = file_id("main.typ");
        let mut sources = HashMap::new();
        sources.insert(main_id, Source::new(main_id, main.to_string()));
        for (name, text) in SHARED {
            let id = file_id(name);
            sources.insert(id, Source::new(id, (*text).to_string()));
        }
        let files = files.iter().map(|(n, b)| (file_id(n), Bytes::new(b.clone()))).collect();
        // The standard library is the same for every document: built (and hashed) once, not
        // once for each of a dossier's parts.
        static LIBRARY: std::sync::LazyLock<LazyHash<Library>> =
            std::sync::LazyLock::new(|| LazyHash::new(Library::default()));
        DocWorld { library: &LIBRARY, fonts, main: main_id, sources, files, today }
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or(FileError::AccessDenied)
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(b) = self.files.get(&id) {
            return Ok(b.clone());
        }
        self.sources.get(&id).map(|s| Bytes::from_string(s.text().to_string())).ok_or(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        use chrono::Datelike;
        Datetime::from_ymd(self.today.year(), self.today.month() as u8, self.today.day() as u8)
    }
}
