//! Sync with the county from the desktop (design.md §3): on the 立即同步 button with a progress
//! bar, and by itself every few minutes while someone is logged in. It runs on a second
//! connection to the store (`Core::sibling`) in a thread of its own, so the clerk keeps working
//! while a slow link is busy.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiaowu_app::sync::{SyncAttentionView, SyncStatusView};
use jiaowu_app::{zh, AppError, Core};
use jiaowu_sync::engine::{Progress, ProgressFn, SyncReport};
use jiaowu_sync::transport::HttpTransport;
use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::Shell;

type R<T> = Result<T, AppError>;

/// How often the app syncs by itself while logged in.
const AUTO_SYNC_EVERY: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolInput {
    pub url: String,
    pub code: String,
    pub device_name: String,
}

fn transport(url: &str) -> R<HttpTransport> {
    HttpTransport::new(url).map_err(|e| AppError::invalid("url", "sync.url", zh::cli::sync_bad_url(&e.0)))
}

/// Runs a future that needs a `&mut Core` to the end on a thread of its own.
async fn on_sync_thread<T: Send + 'static>(mut core: Core, f: impl AsyncJob<T>) -> R<T> {
    tauri::async_runtime::spawn_blocking(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(AppError::internal)?;
        rt.block_on(f.run(&mut core))
    })
    .await
    .map_err(AppError::internal)?
}

/// A piece of sync work over a store (a trait so the closure can borrow the `Core` it is given).
trait AsyncJob<T>: Send + 'static {
    fn run(self, core: &mut Core) -> impl std::future::Future<Output = R<T>>;
}

struct SyncJob {
    progress: Option<ProgressFn>,
}

impl AsyncJob<SyncReport> for SyncJob {
    async fn run(self, core: &mut Core) -> R<SyncReport> {
        let t = jiaowu_app::sync::county_transport(core, Duration::from_secs(60))?;
        jiaowu_app::sync::sync_with_progress(core, t, self.progress).await
    }
}

struct EnrolJob(EnrolInput);

impl AsyncJob<()> for EnrolJob {
    async fn run(self, core: &mut Core) -> R<()> {
        let i = self.0;
        jiaowu_app::sync::enrol(core, transport(&i.url)?, i.url.trim(), &i.code, &i.device_name).await.map(|_| ())
    }
}

/// One sync on a sibling connection, unless one is already running.
async fn run_sync(core: Core, syncing: Arc<AtomicBool>, progress: Option<ProgressFn>) -> R<SyncReport> {
    if !core.sync_status()?.enrolled {
        return Err(AppError::refused("", "sync.not_enrolled", zh::SYNC_NOT_ENROLLED));
    }
    if syncing.swap(true, Ordering::SeqCst) {
        return Err(AppError::refused("", "sync.running", zh::SYNC_RUNNING));
    }
    let out = on_sync_thread(core, SyncJob { progress }).await;
    syncing.store(false, Ordering::SeqCst);
    out
}

#[tauri::command]
pub async fn sync_status(shell: State<'_, Shell>) -> R<SyncStatusView> {
    shell.with(|c| c.sync_status())
}

#[tauri::command]
pub async fn sync_attention(shell: State<'_, Shell>) -> R<SyncAttentionView> {
    shell.with(|c| c.sync_attention())
}

/// 重新提交 a refused op (and the refused ops that wait on it).
#[tauri::command]
pub async fn resubmit_rejected(shell: State<'_, Shell>, seq: i64) -> R<usize> {
    shell.with(|c| c.resubmit_rejected(seq))
}

/// 登记本机 with the county's one-time code (负责人).
#[tauri::command]
pub async fn enrol_device(shell: State<'_, Shell>, input: EnrolInput) -> R<SyncStatusView> {
    let core = shell.with(|c| c.sibling())?;
    on_sync_thread(core, EnrolJob(input)).await?;
    shell.with(|c| c.sync_status())
}

/// 立即同步, reporting progress on `on_progress`.
#[tauri::command]
pub async fn sync_now(shell: State<'_, Shell>, on_progress: Channel<Progress>) -> R<SyncReport> {
    let core = shell.with(|c| c.sibling())?;
    let progress: ProgressFn = Arc::new(move |p| {
        let _ = on_progress.send(p);
    });
    run_sync(core, shell.syncing.clone(), Some(progress)).await
}

/// Starts the automatic sync loop once per app run (called after login).
pub fn start_auto_sync(shell: &Shell) {
    if shell.auto_sync.swap(true, Ordering::SeqCst) {
        return;
    }
    let (core, syncing) = (shell.core_handle(), shell.syncing.clone());
    tauri::async_runtime::spawn(async move {
        // The first one soon after login, when the home page has been drawn.
        let mut wait = Duration::from_secs(20);
        loop {
            tokio::time::sleep(wait).await;
            wait = AUTO_SYNC_EVERY;
            if let Some(sibling) = sibling_if_enrolled(&core) {
                // Failures (no link) are normal here; the status line shows the last success.
                let _ = run_sync(sibling, syncing.clone(), None).await;
            }
        }
    });
}

fn sibling_if_enrolled(core: &Arc<Mutex<Option<Core>>>) -> Option<Core> {
    let mut guard = core.lock().unwrap_or_else(|p| p.into_inner());
    let c = guard.as_mut()?;
    if !c.sync_status().ok()?.enrolled {
        return None;
    }
    c.sibling().ok()
}
