//! 打印: forms, dossiers and ledgers are written as files in the print folder (the user's
//! 文档/矫务通打印, or `JIAOWU_PRINT_DIR`), shown as page images (the WebView shows no PDF), and
//! opened in the PC's PDF reader to print, or saved elsewhere through the PC's own save dialog
//! (另存为). The reader is only ever asked to open, and the dialog to copy, files of that folder.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use jiaowu_app::county_settings::DossierOrderView;
use jiaowu_app::printing::{CertificateCheck, DossierGap, DossierRequest, FormRequest, LedgerRequest, Printed};
use jiaowu_app::{zh, AppError};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State, WebviewWindow};
use tauri_plugin_dialog::DialogExt;

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
    jiaowu_app::printing::print_dir_or(|| dirs::document_dir().unwrap_or_else(std::env::temp_dir).join("矫务通打印"))
}

/// Writes `bytes` under `name` in the print folder without replacing an earlier print.
fn save(name: &str, bytes: &[u8]) -> R<PathBuf> {
    jiaowu_app::printing::save_print(&print_dir(), name, bytes)
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

/// The order the dossier's sections print in, and whether the county set it.
#[tauri::command]
pub async fn dossier_order(shell: State<'_, Shell>) -> R<DossierOrderView> {
    shell.with(|c| c.dossier_order())
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

/// The print folder and `path`, if it names a file of that folder (the page may only point at
/// what was printed).
fn printed_file(path: &str) -> R<(PathBuf, PathBuf)> {
    printed_file_in(&print_dir(), path)
}

fn printed_file_in(dir: &Path, path: &str) -> R<(PathBuf, PathBuf)> {
    let io = |e: std::io::Error| AppError::refused("path", "print.open", zh::io_error(&e.to_string()));
    let dir = dir.canonicalize().map_err(io)?;
    let file = Path::new(path).canonicalize().map_err(io)?;
    if !file.starts_with(&dir) || !file.is_file() {
        return Err(AppError::refused("path", "print.open", zh::PRINT_OUTSIDE_FOLDER));
    }
    Ok((dir, file))
}

/// Opens a printed file in the PC's own reader (which prints it), or its folder.
#[tauri::command]
pub async fn open_printed(path: String, folder: Option<bool>) -> R<()> {
    let (dir, file) = printed_file(&path)?;
    let target = if folder == Some(true) { dir } else { file };
    open::that_detached(&target)
        .map_err(|e| AppError::refused("path", "print.open", zh::print_open_failed(&e.to_string())))
}

/// 另存为: copies a printed file to where the clerk chooses in the PC's own save dialog (a USB
/// stick for the county, say). The page names only the printed file; the destination comes from
/// the dialog, never from the page. `None` when the clerk cancels.
#[tauri::command]
pub async fn save_printed_as<Rt: Runtime>(
    app: AppHandle<Rt>,
    window: WebviewWindow<Rt>,
    path: String,
) -> R<Option<SavedView>> {
    let (_, file) = printed_file(&path)?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = file.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    // The dialog answers through a callback: no worker thread waits while the clerk chooses,
    // so the automatic sync and other commands go on meanwhile.
    let (answer, chosen) = tokio::sync::oneshot::channel();
    // Owned by the app's window: modal over it, never hidden behind it on an old PC's taskbar.
    let mut dialog = app.dialog().file().set_parent(&window).set_title(zh::PRINT_SAVE_AS_TITLE).set_file_name(&name);
    if !ext.is_empty() {
        dialog = dialog.add_filter(zh::print_save_as_filter(&ext), &[ext.as_str()]);
    }
    dialog.save_file(move |path| {
        let _ = answer.send(path);
    });
    let Some(chosen) = chosen.await.ok().flatten() else { return Ok(None) };
    let to = chosen
        .into_path()
        .map_err(|e| AppError::refused("path", "print.save_as", zh::print_save_as_failed(&e.to_string())))?;
    copy_printed(&file, &to).map(Some)
}

/// Copies `from` to `to` (the dialog has already asked before replacing a file there).
fn copy_printed(from: &Path, to: &Path) -> R<SavedView> {
    if from.canonicalize().ok() == to.canonicalize().ok() {
        return Ok(SavedView {
            path: to.display().to_string(),
            bytes: std::fs::metadata(from).map_or(0, |m| m.len() as usize),
        });
    }
    let bytes = std::fs::copy(from, to)
        .map_err(|e| AppError::refused("path", "print.save_as", zh::print_save_as_failed(&e.to_string())))?;
    Ok(SavedView { path: to.display().to_string(), bytes: bytes as usize })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_of_the_print_folder_are_opened_or_saved_elsewhere() {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("打印");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("卷宗.pdf"), b"%PDF-1.7").unwrap();
        std::fs::write(root.path().join("secret.db"), b"x").unwrap();
        assert!(printed_file_in(&folder, folder.join("卷宗.pdf").to_str().unwrap()).is_ok());
        for outside in [root.path().join("secret.db"), folder.join("../secret.db"), folder.clone()] {
            let err = printed_file_in(&folder, outside.to_str().unwrap()).unwrap_err();
            assert_eq!(err.to_string(), zh::PRINT_OUTSIDE_FOLDER, "{outside:?}");
        }

        // The copy lands where the dialog said, byte for byte; a failed copy says so in Chinese.
        let usb = root.path().join("U盘");
        std::fs::create_dir_all(&usb).unwrap();
        let saved = copy_printed(&folder.join("卷宗.pdf"), &usb.join("田福来卷宗.pdf")).unwrap();
        assert_eq!(saved.bytes, 8);
        assert_eq!(std::fs::read(usb.join("田福来卷宗.pdf")).unwrap(), b"%PDF-1.7");
        let err = copy_printed(&folder.join("卷宗.pdf"), &root.path().join("没有的盘/卷宗.pdf")).unwrap_err();
        assert!(err.to_string().starts_with("另存失败"), "{err}");
    }
}
