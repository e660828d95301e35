//! 打印: forms, dossiers and ledgers are written as files in the print folder (the user's
//! 文档/矫务通打印, or `JIAOWU_PRINT_DIR`), shown as page images (the WebView shows no PDF), and
//! opened in the PC's PDF reader to print. The reader is only ever asked to open files of that folder.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use jiaowu_app::printing::{CertificateCheck, DossierGap, DossierRequest, FormRequest, LedgerRequest, Printed};
use jiaowu_app::{zh, AppError};
use serde::Serialize;
use tauri::State;

use crate::Shell;

type R<T> = Result<T, AppError>;

#[derive(Debug, Clone, Serialize)]
pub struct PrintedView {
    pub title: String,
    pub path: String,
    pub pages: usize,
    pub missing_glyphs: Vec<String>,
    /// `data:image/png;base64,…` of the first pages.
    pub previews: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SavedView {
    pub path: String,
    pub bytes: usize,
}

pub fn print_dir() -> PathBuf {
    std::env::var_os("JIAOWU_PRINT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs::document_dir().unwrap_or_else(std::env::temp_dir).join("矫务通打印"))
}

/// Writes `bytes` under `name` in the print folder without replacing an earlier print.
fn save(name: &str, bytes: &[u8]) -> R<PathBuf> {
    let dir = print_dir();
    std::fs::create_dir_all(&dir).map_err(|e| AppError::refused("", "print.write", zh::io_error(&e.to_string())))?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "pdf"));
    let mut path = dir.join(name);
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}（{n}）.{ext}"));
        n += 1;
    }
    std::fs::write(&path, bytes).map_err(|e| AppError::refused("", "print.write", zh::io_error(&e.to_string())))?;
    Ok(path)
}

fn view(p: Printed) -> R<PrintedView> {
    let path = save(&p.file_name, &p.pdf)?;
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(PrintedView {
        title: p.title,
        path: path.display().to_string(),
        pages: p.pages,
        missing_glyphs: p.missing_glyphs,
        previews: p.previews.iter().map(|png| format!("data:image/png;base64,{}", b64.encode(png))).collect(),
    })
}

#[tauri::command]
pub async fn print_form(shell: State<'_, Shell>, request: FormRequest) -> R<PrintedView> {
    view(shell.with(|c| c.print_form(request))?)
}

#[tauri::command]
pub async fn dossier_gaps(
    shell: State<'_, Shell>,
    subject_id: jiaowu_app::domain::ids::SubjectId,
) -> R<Vec<DossierGap>> {
    shell.with(|c| c.dossier_gaps(subject_id))
}

#[tauri::command]
pub async fn print_dossier(shell: State<'_, Shell>, request: DossierRequest) -> R<PrintedView> {
    view(shell.with(|c| c.print_dossier(request))?)
}

#[tauri::command]
pub async fn export_ledgers(shell: State<'_, Shell>, request: LedgerRequest) -> R<SavedView> {
    let name = zh::cli::ledger_file(&request.from.to_string(), &request.to.to_string());
    let bytes = shell.with(|c| c.export_ledgers(request))?;
    let path = save(&name, &bytes)?;
    Ok(SavedView { path: path.display().to_string(), bytes: bytes.len() })
}

#[tauri::command]
pub async fn verify_leave_certificate(shell: State<'_, Shell>, text: String) -> R<CertificateCheck> {
    shell.with(|c| c.verify_leave_certificate(&text))
}

/// Opens a printed file in the PC's own reader (which prints it), or its folder.
#[tauri::command]
pub async fn open_printed(path: String, folder: Option<bool>) -> R<()> {
    let dir = print_dir()
        .canonicalize()
        .map_err(|e| AppError::refused("path", "print.open", zh::io_error(&e.to_string())))?;
    let file = Path::new(&path)
        .canonicalize()
        .map_err(|e| AppError::refused("path", "print.open", zh::io_error(&e.to_string())))?;
    if !file.starts_with(&dir) {
        return Err(AppError::refused("path", "print.open", zh::PRINT_OUTSIDE_FOLDER));
    }
    let target = if folder == Some(true) { dir } else { file };
    open::that_detached(&target)
        .map_err(|e| AppError::refused("path", "print.open", zh::print_open_failed(&e.to_string())))
}
