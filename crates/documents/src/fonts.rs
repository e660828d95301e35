//! Which fonts print the forms. Official documents use 仿宋 for text, 宋体 for tables and 黑体
//! for headings (GB/T 9704-2012 §7); Windows PCs have them as FangSong, SimSun and SimHei, and
//! SimSun-ExtB for the rare name characters outside the BMP. Elsewhere the free Noto CJK faces
//! stand in (SIL OFL, embedding allowed), with HanaMin (花園明朝) for Extension B and beyond.
//! Only these files are read, not every font on the PC.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::DocError;

/// Font files by name, official faces first. Lower-case file names.
const WANTED: &[&str] = &[
    "simfang.ttf",
    "simsun.ttc",
    "simhei.ttf",
    "simsunb.ttf",
    "notoserifcjk-regular.ttc",
    "notoserifcjk-bold.ttc",
    "notosanscjk-regular.ttc",
    "notosanscjk-bold.ttc",
    "hanamina.ttf",
    "hanaminb.ttf",
];

/// Family lists handed to typst; it takes each character from the first family that has it.
pub const TEXT_FAMILIES: &[&str] = &["FangSong", "Noto Serif CJK SC", "SimSun-ExtB", "HanaMinA", "HanaMinB"];
pub const TABLE_FAMILIES: &[&str] = &["SimSun", "Noto Serif CJK SC", "SimSun-ExtB", "HanaMinA", "HanaMinB"];
pub const HEADING_FAMILIES: &[&str] = &["SimHei", "Noto Sans CJK SC", "SimSun-ExtB", "HanaMinA", "HanaMinB"];

/// The fonts found on this PC, loaded once per process.
pub struct FontSet {
    pub(crate) book: LazyHash<FontBook>,
    pub(crate) fonts: Vec<Font>,
    /// The files read, for the record and for error messages.
    pub files: Vec<PathBuf>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet").field("files", &self.files).finish()
    }
}

/// Where font files may be: `JIAOWU_FONT_DIRS` (separated like PATH) first, then the fonts
/// shipped beside the program, then the system's font folders.
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("JIAOWU_FONT_DIRS").map(|v| std::env::split_paths(&v).collect()).unwrap_or_default();
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        dirs.push(exe_dir.join("fonts"));
    }
    if cfg!(windows) {
        let windir = std::env::var_os("WINDIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(r"C:\Windows"));
        dirs.push(windir.join("Fonts"));
        if let Some(local) = std::env::var_os("LOCALAPPDATA") {
            dirs.push(PathBuf::from(local).join(r"Microsoft\Windows\Fonts"));
        }
    } else {
        dirs.extend(
            ["/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts", "/Library/Fonts"]
                .map(PathBuf::from),
        );
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(PathBuf::from(&home).join(".local/share/fonts"));
            dirs.push(PathBuf::from(home).join("Library/Fonts"));
        }
    }
    dirs
}

impl FontSet {
    /// The process-wide set (reading the files takes ~0.1 s; every document after the first reuses it).
    pub fn shared() -> Result<Arc<FontSet>, DocError> {
        static SET: OnceLock<Result<Arc<FontSet>, String>> = OnceLock::new();
        // Keeps the searched folders, not the message, so the error is not worded twice.
        let searched = |e| match e {
            DocError::NoFonts(dirs) => dirs,
            e => e.to_string(),
        };
        SET.get_or_init(|| FontSet::load(&search_dirs()).map(Arc::new).map_err(searched))
            .clone()
            .map_err(DocError::NoFonts)
    }

    /// Loads the wanted files found under `dirs` (searched two levels deep; the first file of a
    /// name wins).
    pub fn load(dirs: &[PathBuf]) -> Result<FontSet, DocError> {
        let mut found: Vec<(usize, PathBuf)> = Vec::new();
        for dir in dirs {
            collect(dir, 0, &mut found);
        }
        found.sort_by_key(|(rank, _)| *rank);
        found.dedup_by_key(|(rank, _)| *rank);
        let mut fonts = Vec::new();
        let mut files = Vec::new();
        for (_, path) in found {
            let Ok(bytes) = std::fs::read(&path) else { continue };
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(bytes)));
            if fonts.len() > before {
                files.push(path);
            }
        }
        let set = FontSet { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts, files };
        if !set.has_cjk() {
            let searched = dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ");
            return Err(DocError::NoFonts(searched));
        }
        Ok(set)
    }

    fn has_cjk(&self) -> bool {
        self.missing_glyphs("社区矫正").is_empty()
    }

    /// Characters of `text` that no loaded font can draw (a rare name character, say): the
    /// app warns before printing rather than let a box reach the paper.
    /// Each character is looked up once, in the order it first appears.
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        // A dossier's text is hundreds of kilobytes of a few thousand distinct characters: a
        // bit per BMP character tells the new ones cheaply (a hash set took milliseconds).
        let mut bmp = vec![0u64; 0x10000 / 64];
        let mut astral = std::collections::HashSet::new();
        let mut first_time = |c: char| {
            let n = c as usize;
            if n < 0x10000 {
                let (word, bit) = (n / 64, 1u64 << (n % 64));
                let new = bmp[word] & bit == 0;
                bmp[word] |= bit;
                new
            } else {
                astral.insert(c)
            }
        };
        text.chars()
            .filter(|c| !c.is_whitespace() && !c.is_control() && first_time(*c))
            .filter(|c| !self.fonts.iter().any(|f| f.info().coverage.contains(*c as u32)))
            .collect()
    }

    /// The family that draws `c` first in `families` order (for tests and the font report).
    pub fn family_for(&self, c: char, families: &[&str]) -> Option<String> {
        families.iter().find_map(|fam| {
            self.fonts
                .iter()
                .find(|f| f.info().family.eq_ignore_ascii_case(fam) && f.info().coverage.contains(c as u32))
                .map(|f| f.info().family.clone())
        })
    }
}

fn collect(dir: &Path, depth: usize, found: &mut Vec<(usize, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            if depth < 2 {
                collect(&path, depth + 1, found);
            }
            continue;
        }
        let name = e.file_name().to_string_lossy().to_lowercase();
        if let Some(rank) = WANTED.iter().position(|w| *w == name) {
            found.push((rank, path));
        }
    }
}
