//! The baseline of the cold-start benchmark (`tests/src/bin/cold_start.rs`): the same Tauri,
//! webview and window size as 矫务通, showing an empty page. Built as an example so the `.deb`
//! never ships it.

fn main() {
    let mut context = tauri::generate_context!();
    // The configured window would load the 矫务通 UI; open an empty page instead.
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::App("empty.html".into()))
                .title("空窗口")
                .inner_size(1366.0, 768.0)
                .build()?;
            Ok(())
        })
        .run(context)
        .expect("空窗口无法启动");
}
