//! Harness for driving the real 矫务通 desktop app: tauri-driver (2.x) + WebKitWebDriver under
//! Xvfb (build-notes.md §4). A test starts the driver with the app's environment (database path,
//! "today"), opens WebDriver sessions on the built binary and saves screenshots as artifacts.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// tauri-driver, stopped with SIGTERM so its WebKitWebDriver child goes with it.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    /// Starts tauri-driver; `env` reaches the app (the driver's children inherit it).
    pub fn start(port: u16, env: &[(&str, &str)]) -> Driver {
        let bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        let mut cmd = Command::new(bin);
        cmd.args(["--port", &port.to_string(), "--native-port", &(port + 1).to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("tauri-driver is installed (scripts/setup.sh)");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(20), "tauri-driver did not open port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver { child, port }
    }

    /// A WebDriver session on the app binary (starts the app).
    pub async fn session(&self, app: &Path) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": app }));
        ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("webdriver session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
        // A test that panicked never closed its session; the app would outlive the driver.
        let _ = Command::new("pkill").arg("-f").arg(app_binary()).status();
    }
}

/// The debug (or `JIAOWU_APP`) desktop binary.
pub fn app_binary() -> PathBuf {
    if let Ok(p) = std::env::var("JIAOWU_APP") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
    root.join("target/debug/jiaowu-desktop")
}

/// Where screenshots go: `target/e2e-artifacts/` (kept by CI for review).
pub fn artifacts_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
    let dir =
        std::env::var("JIAOWU_ARTIFACTS").map(PathBuf::from).unwrap_or_else(|_| root.join("target/e2e-artifacts"));
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// Helpers over a session, each waiting for the UI as a user would.
pub struct Ui {
    pub c: Client,
}

const WAIT: Duration = Duration::from_secs(15);

impl Ui {
    pub async fn el(&self, css: &str) -> Element {
        self.c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("element {css} did not appear: {e}"))
    }

    /// The last visible element matching `css` (dialogs stack; the newest is last).
    pub async fn visible(&self, css: &str) -> Element {
        let start = Instant::now();
        loop {
            for e in self.c.find_all(Locator::Css(css)).await.unwrap_or_default().into_iter().rev() {
                if e.is_displayed().await.unwrap_or(false) {
                    return e;
                }
            }
            assert!(start.elapsed() < WAIT, "no visible {css}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        let e = self.visible(css).await;
        if let Err(err) = e.click().await {
            self.shot(&format!("FAILED-click-{}", css.trim_start_matches('#'))).await;
            panic!("click {css}: {err:?}");
        }
    }

    /// Clears an input and types `text` (Chinese included) into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.visible(css).await;
        // Select all and delete as a user would: WebDriver's clear() bypasses Vue's input events.
        e.send_keys("\u{E009}a\u{E000}\u{E003}").await.ok();
        e.send_keys(text).await.unwrap_or_else(|err| panic!("type into {css}: {err}"));
    }

    /// Types a date into an Element Plus date picker (display format YYYY年M月D日) and closes it.
    pub async fn date(&self, css: &str, iso: &str) {
        let parts: Vec<u32> = iso.split('-').map(|p| p.parse().expect("ISO date")).collect();
        let shown = format!("{}年{}月{}日", parts[0], parts[1], parts[2]);
        self.fill(css, &shown).await;
        let input = self.visible(css).await;
        input.send_keys("\u{E007}").await.ok(); // Enter commits the typed date
                                                // The calendar pops up over the buttons below; wait for it to close, Escape if it lingers.
        let start = Instant::now();
        while self.any_visible(".el-picker-panel").await {
            if start.elapsed() > Duration::from_secs(2) {
                input.send_keys("\u{E00C}").await.ok();
            }
            assert!(start.elapsed() < WAIT, "date picker for {css} did not close");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn any_visible(&self, css: &str) -> bool {
        for e in self.c.find_all(Locator::Css(css)).await.unwrap_or_default() {
            if e.is_displayed().await.unwrap_or(false) {
                return true;
            }
        }
        false
    }

    /// Picks the option labelled `label` in an Element Plus select.
    pub async fn select(&self, css: &str, label: &str) {
        // The id sits on a hidden input; the visible box is the select's wrapper.
        self.click(&format!(".el-select:has({css}) .el-select__wrapper")).await;
        let xpath =
            format!("//li[contains(@class,'el-select-dropdown__item')][contains(normalize-space(.),'{label}')]");
        let start = Instant::now();
        loop {
            for e in self.c.find_all(Locator::XPath(&xpath)).await.unwrap_or_default().into_iter().rev() {
                if e.is_displayed().await.unwrap_or(false) {
                    e.click().await.expect("click option");
                    return;
                }
            }
            assert!(start.elapsed() < WAIT, "option {label} for {css} did not appear");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks through JavaScript: for inputs Element Plus hides under a styled box (checkboxes).
    pub async fn js_click(&self, css: &str) {
        self.el(css).await;
        let script = "const all = document.querySelectorAll(arguments[0]); all[all.length - 1].click();";
        self.c.execute(script, vec![serde_json::json!(css)]).await.unwrap_or_else(|e| panic!("js click {css}: {e}"));
    }

    /// Clicks the `n`-th (0-based) visible element matching `css`.
    pub async fn click_nth(&self, css: &str, n: usize) {
        let start = Instant::now();
        loop {
            let mut shown = Vec::new();
            for e in self.c.find_all(Locator::Css(css)).await.unwrap_or_default() {
                if e.is_displayed().await.unwrap_or(false) {
                    shown.push(e);
                }
            }
            if let Some(e) = shown.into_iter().nth(n) {
                e.click().await.unwrap_or_else(|err| panic!("click {css}[{n}]: {err}"));
                return;
            }
            assert!(start.elapsed() < WAIT, "fewer than {} visible {css}", n + 1);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until no element matching `css` is visible (a dialog closed after saving).
    pub async fn gone(&self, css: &str) {
        let start = Instant::now();
        loop {
            if !self.any_visible(css).await {
                return;
            }
            assert!(start.elapsed() < WAIT, "{css} is still shown");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn text(&self, css: &str) -> String {
        self.el(css).await;
        self.dom_text(css).await
    }

    /// The element's textContent. WebKitWebDriver's rendered-text command drops some table
    /// cells of Element Plus tables, so assertions read the DOM instead.
    pub async fn dom_text(&self, css: &str) -> String {
        let script = "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';";
        match self.c.execute(script, vec![serde_json::json!(css)]).await {
            Ok(v) => v.as_str().unwrap_or_default().to_string(),
            Err(_) => String::new(),
        }
    }

    /// Waits until the element's text contains `needle`; returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let t = self.dom_text(css).await;
            if t.contains(needle) {
                return t;
            }
            if start.elapsed() > WAIT {
                // Keep what the screen showed: the failure is then readable from the artifacts.
                self.shot(&format!("FAILED-{}", css.trim_start_matches('#'))).await;
                panic!("{css} never showed {needle:?}; last text: {t}");
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    pub async fn shot(&self, name: &str) {
        let png = self.c.screenshot().await.expect("screenshot");
        std::fs::write(artifacts_dir().join(format!("{name}.png")), png).expect("write screenshot");
    }
}
