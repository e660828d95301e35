//! The startup check (reliability-security.md §3.1: "quick_check at start") run beside the
//! session instead of in front of it. On a three-year, 3,000-subject file (~1 GB) quick_check
//! takes 10–12 s here (jiaowu-bench); the clerk should not wait for that to see the home page.
//!
//! What keeps "corruption is detected, not served": every page SQLite reads is HMAC-checked by
//! SQLCipher, so a damaged page fails the read that touches it; and no case data is written
//! until the check has passed (`Store::write` waits for it). Only the login entry of the audit
//! log is appended before (it is an append to the log's last page).

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::connection;
use crate::error::{Result, StoreError};
use crate::keyfile::DbKey;

pub(crate) enum StartupCheck {
    Running(Running),
    Passed(Duration),
    Failed(String),
}

pub(crate) struct Running {
    outcome: mpsc::Receiver<std::result::Result<Duration, String>>,
    interrupt: Option<rusqlite::InterruptHandle>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StartupCheck {
    /// Starts `quick_check` on its own connection (same key) in a thread.
    pub(crate) fn spawn(path: PathBuf, key: &DbKey) -> StartupCheck {
        let key = key.duplicate();
        let (tx, rx) = mpsc::channel();
        let (handle_tx, handle_rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let start = Instant::now();
            let outcome = connection::open_keyed(&path, &key, false).and_then(|conn| {
                let _ = handle_tx.send(conn.get_interrupt_handle());
                connection::quick_check(&conn)
            });
            drop(key);
            let _ = tx.send(outcome.map(|()| start.elapsed()).map_err(|e| match e {
                StoreError::Corrupt(d) => d,
                other => other.to_string(),
            }));
        });
        // The handle arrives once the connection is open (or never, if opening failed).
        let interrupt = handle_rx.recv().ok();
        StartupCheck::Running(Running { outcome: rx, interrupt, thread: Some(thread) })
    }

    /// Waits for the check if it still runs; the file's state is then known.
    pub(crate) fn wait(&mut self) -> Result<Duration> {
        if let StartupCheck::Running(r) = self {
            let outcome = r.outcome.recv();
            if let Some(t) = r.thread.take() {
                let _ = t.join();
            }
            *self = match outcome {
                Ok(Ok(took)) => StartupCheck::Passed(took),
                Ok(Err(d)) => StartupCheck::Failed(d),
                Err(_) => StartupCheck::Failed("startup check stopped".into()),
            };
        }
        match self {
            StartupCheck::Passed(took) => Ok(*took),
            StartupCheck::Failed(d) => Err(StoreError::Corrupt(d.clone())),
            StartupCheck::Running(_) => unreachable!("resolved above"),
        }
    }
}

impl Drop for Running {
    /// A store closed before its check finished (a short CLI command, a logout) stops the check
    /// and waits for the thread, so no SQLCipher work outlives the store or races process exit.
    fn drop(&mut self) {
        if let Some(i) = &self.interrupt {
            i.interrupt();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
