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

use clap::error::{ContextKind, ErrorKind};
use clap::Parser;

/// clap's own words are English: help and version pass through, a refused command line is
/// said in Chinese (exit 2, usage).
fn usage_error(e: clap::Error) -> ! {
    let kind = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            e.exit()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "value",
        ErrorKind::MissingRequiredArgument => "missing",
        ErrorKind::UnknownArgument => "unknown",
        ErrorKind::InvalidSubcommand => "subcommand",
        ErrorKind::ArgumentConflict => "conflict",
        ErrorKind::MissingSubcommand => "no_command",
        _ => "other",
    };
    let context = |k: ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let arg = match kind {
        "subcommand" => context(ContextKind::InvalidSubcommand),
        "unknown" | "conflict" => context(ContextKind::InvalidArg),
        "other" => e.kind().to_string(),
        _ => context(ContextKind::InvalidArg),
    };
    eprintln!(
        "{}",
        jiaowu_app::zh::cli::error_prefix(&jiaowu_app::zh::cli::usage(kind, &arg, &context(ContextKind::InvalidValue)))
    );
    std::process::exit(2);
}

fn main() {
    let cli = args::Cli::try_parse().unwrap_or_else(|e| usage_error(e));
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
