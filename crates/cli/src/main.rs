//! `jiaowu`: the office's case store on the command line. Each command calls one use case of
//! `jiaowu-app`, the same functions the desktop app calls; output is Chinese for people and JSON
//! (`--json`) for scripts; exit codes tell scripts what kind of failure happened
//! (0 ok, 1 internal, 2 usage, 3 invalid input, 4 refused by a rule, 5 role, 6 login,
//! 7 not found, 8 conflict, 9 damaged or newer database).

/// `println!` that ends the program quietly when the reader has gone (`jiaowu … | head`): the
/// work is done by then, and a panic would report a failure that did not happen.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            $crate::output_failed(e);
        }
    }};
}

/// The output could not be written: a reader that has gone is no failure (exit 0); anything
/// else (a full disk under `--json > file`) is, and says so (exit 1).
fn output_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("{}", jiaowu_app::zh::cli::error_prefix(&jiaowu_app::zh::io_error(&e.to_string())));
    std::process::exit(1);
}

mod args;
mod print;
mod run;

use clap::{CommandFactory, FromArgMatches};
use jiaowu_clap_zh::chinese;

/// A refused command line, said in Chinese (exit 2, usage).
fn usage_error(e: clap::Error) -> ! {
    let u = jiaowu_clap_zh::usage(&e);
    eprintln!("{}", jiaowu_app::zh::cli::error_prefix(&u.message("jiaowu")));
    std::process::exit(2);
}

fn main() {
    let matches = chinese(args::Cli::command()).try_get_matches().unwrap_or_else(|e| usage_error(e));
    let cli = args::Cli::from_arg_matches(&matches).unwrap_or_else(|e| usage_error(e));
    let json = cli.json;
    match run::run(cli) {
        Ok(()) => {}
        Err(e) => {
            if json {
                // The failure's own exit code, even when the reader has gone.
                use std::io::Write as _;
                let _ = writeln!(std::io::stdout(), "{}", serde_json::json!({ "error": e }));
            } else {
                eprintln!("{}", jiaowu_app::zh::cli::error_prefix(&e.message()));
            }
            std::process::exit(e.exit_code());
        }
    }
}
