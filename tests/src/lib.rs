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
        e.click().await.unwrap_or_else(|err| panic!("click {css}: {err}"));
    }

    /// Clears an input and types `text` (Chinese included) into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.visible(css).await;
        e.clear().await.ok();
        e.send_keys(text).await.unwrap_or_else(|err| panic!("type into {css}: {err}"));
    }

    /// Types a date into an Element Plus date picker (display format YYYY年M月D日) and closes it.
    pub async fn date(&self, css: &str, iso: &str) {
        let parts: Vec<u32> = iso.split('-').map(|p| p.parse().expect("ISO date")).collect();
        let shown = format!("{}年{}月{}日", parts[0], parts[1], parts[2]);
        self.fill(css, &shown).await;
        self.visible(css).await.send_keys("\u{E007}").await.ok(); // Enter commits the typed date
    }

    /// Picks the option labelled `label` in an Element Plus select.
    pub async fn select(&self, css: &str, label: &str) {
        self.click(css).await;
        let xpath = format!("//li[contains(@class,'el-select-dropdown__item')][normalize-space(.)='{label}']");
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

    pub async fn text(&self, css: &str) -> String {
        self.el(css).await.text().await.unwrap_or_default()
    }

    /// Waits until the element's text contains `needle`; returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let t = match self.c.find(Locator::Css(css)).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if t.contains(needle) {
                return t;
            }
            assert!(start.elapsed() < WAIT, "{css} never showed {needle:?}; last text: {t}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    pub async fn shot(&self, name: &str) {
        let png = self.c.screenshot().await.expect("screenshot");
        std::fs::write(artifacts_dir().join(format!("{name}.png")), png).expect("write screenshot");
    }
}
