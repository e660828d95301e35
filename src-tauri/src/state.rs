//! The shell's one piece of state: where the case store is, the clock, and the open store after
//! login. Locking (idle or by hand) drops the open store, so the key leaves memory with it.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use jiaowu_app::clock::{SharedClock, ShiftedClock, SystemClock};
use jiaowu_app::{zh, AppError, Core, ErrorKind};

pub struct Shell {
    pub db: PathBuf,
    pub clock: SharedClock,
    /// Shown on the login screen of a demo database.
    pub demo: bool,
    core: Arc<Mutex<Option<Core>>>,
    /// One sync at a time (the button and the automatic one share it).
    pub(crate) syncing: Arc<AtomicBool>,
    /// The automatic sync loop runs once per app, from the first login on.
    pub(crate) auto_sync: AtomicBool,
}

impl Shell {
    pub fn new(db: PathBuf, clock: SharedClock, demo: bool) -> Self {
        Shell {
            db,
            clock,
            demo,
            core: Arc::new(Mutex::new(None)),
            syncing: Arc::new(AtomicBool::new(false)),
            auto_sync: AtomicBool::new(false),
        }
    }

    /// `JIAOWU_DB` (else the user data directory), `JIAOWU_TODAY` (a known "today" for demos and
    /// end-to-end tests), `JIAOWU_DEMO=1` (show the demo account on the login screen).
    pub fn from_env() -> Self {
        let db = std::env::var_os("JIAOWU_DB")
            .map(PathBuf::from)
            .unwrap_or_else(|| dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("jiaowu").join("office.db"));
        let clock: SharedClock = match std::env::var("JIAOWU_TODAY").ok().and_then(|d| d.parse().ok()) {
            Some(day) => Arc::new(ShiftedClock::starting_on(day)),
            None => Arc::new(SystemClock),
        };
        let demo = std::env::var("JIAOWU_DEMO").is_ok_and(|v| v == "1");
        Shell::new(db, clock, demo)
    }

    pub fn initialised(&self) -> bool {
        self.db.exists()
    }

    /// Runs `f` on the open store, or refuses with "请先登录".
    pub fn with<T>(&self, f: impl FnOnce(&mut Core) -> Result<T, AppError>) -> Result<T, AppError> {
        let mut guard = self.core.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Some(core) => f(core),
            None => Err(AppError::new(ErrorKind::Auth, "", "session.none", zh::NOT_LOGGED_IN)),
        }
    }

    pub fn open(&self, core: Core) {
        *self.core.lock().unwrap_or_else(|p| p.into_inner()) = Some(core);
    }

    pub fn close(&self) {
        *self.core.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The open store, shared with the automatic sync loop.
    pub(crate) fn core_handle(&self) -> Arc<Mutex<Option<Core>>> {
        self.core.clone()
    }

    pub fn is_open(&self) -> bool {
        self.core.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }
}
