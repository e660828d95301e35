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
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

/// The help screens in Chinese: clap's headings, its -h/-V lines and its [default]/[env] notes
/// are English, and a clerk reads these screens.
fn chinese(cmd: Command) -> Command {
    let cmd = cmd
        .help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示帮助"));
    let cmd = if cmd.get_version().is_some() {
        cmd.disable_version_flag(true)
            .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("显示版本"))
    } else {
        cmd
    };
    let ids: Vec<clap::Id> = cmd.get_arguments().map(|a| a.get_id().clone()).collect();
    let cmd = ids.into_iter().fold(cmd, |cmd, id| {
        cmd.mut_arg(id, |mut a| {
            let mut help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            let takes_value = a.get_action().takes_values();
            if takes_value && !a.get_default_values().is_empty() {
                let d: Vec<String> = a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
                if d.iter().any(|v| !v.is_empty()) {
                    help = format!("{help}（默认：{}）", d.join(","));
                }
                a = a.hide_default_value(true);
            }
            if let Some(env) = a.get_env() {
                help = format!("{help}（环境变量 {}）", env.to_string_lossy());
                a = a.hide_env(true);
            }
            let heading = if a.is_positional() { "参数" } else { "选项" };
            a.help(help).help_heading(heading)
        })
    });
    let subs: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    subs.into_iter().fold(cmd, |cmd, name| cmd.mut_subcommand(name, chinese))
}

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
    // "--dest <DEST>" → "--dest": an option's value placeholder is clap's word, not the
    // clerk's. A positional's own placeholder is its only name, and stays.
    let bare = |s: String| {
        let mut words: Vec<String> = Vec::new();
        for w in s.split(' ') {
            match words.last_mut() {
                Some(option) if w.starts_with('<') && option.starts_with('-') && !option.ends_with(',') => {
                    if w.ends_with(',') {
                        option.push(',');
                    }
                }
                _ => words.push(w.to_string()),
            }
        }
        words.join(" ")
    };
    let context = |k: ContextKind| e.get(k).map(|v| bare(v.to_string())).unwrap_or_default();
    let arg = match kind {
        "subcommand" => context(ContextKind::InvalidSubcommand),
        "unknown" | "conflict" => context(ContextKind::InvalidArg),
        "other" => e.kind().to_string(),
        _ => context(ContextKind::InvalidArg),
    };
    eprintln!(
        "{}",
        jiaowu_app::zh::cli::error_prefix(&jiaowu_app::zh::cli::usage(
            kind,
            &arg,
            &context(ContextKind::InvalidValue),
            &context(ContextKind::ValidValue)
        ))
    );
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
