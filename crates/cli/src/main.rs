//! `jiaowu`: the office's case store on the command line. Each command calls one use case of
//! `jiaowu-app`, the same functions the desktop app calls; output is Chinese for people and JSON
//! (`--json`) for scripts; exit codes tell scripts what kind of failure happened
//! (0 ok, 1 internal, 2 usage, 3 invalid input, 4 refused by a rule, 5 role, 6 login,
//! 7 not found, 8 conflict, 9 damaged or newer database).

mod args;
mod print;
mod run;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    let json = cli.json;
    match run::run(cli) {
        Ok(()) => {}
        Err(e) => {
            if json {
                println!("{}", serde_json::json!({ "error": e }));
            } else {
                eprintln!("{}", jiaowu_app::zh::cli::error_prefix(&e.message()));
            }
            std::process::exit(e.exit_code());
        }
    }
}
