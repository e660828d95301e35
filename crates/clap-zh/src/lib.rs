//! Chinese help screens and usage errors for the two command lines (`jiaowu` at the office,
//! `jiaowu-county` at the county): clap's own words are English, and a clerk or the county's
//! technician reads these screens.

use clap::error::{ContextKind, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The help screens in Chinese: clap's headings, its -h/-V lines and its [default]/[env] notes.
pub fn chinese(cmd: Command) -> Command {
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

/// What was wrong with a refused command line, for each binary to say in its own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// value, missing, unknown, subcommand, conflict, no_command or other.
    pub kind: &'static str,
    /// The argument concerned, without clap's `<PLACEHOLDER>` after an option.
    pub arg: String,
    pub value: String,
    /// The values the argument takes, when clap knows them.
    pub valid: String,
}

impl Usage {
    /// The refusal in Chinese, pointing to `program --help`.
    pub fn message(&self, program: &str) -> String {
        let (arg, value, valid) = (&self.arg, &self.value, &self.valid);
        let what = match self.kind {
            "value" if !valid.is_empty() => format!("参数 {arg} 的值“{value}”无效（可选：{valid}）"),
            "value" if value.contains('-') && value.chars().any(|c| c.is_ascii_digit()) => {
                format!("参数 {arg} 的值“{value}”无效（日期写成 YYYY-MM-DD，且须是存在的日期）")
            }
            "value" => format!("参数 {arg} 的值“{value}”无效"),
            "missing" => format!("缺少必需的参数：{arg}"),
            "unknown" => format!("不认识的参数：{arg}"),
            "subcommand" => format!("没有这个命令：{arg}"),
            "conflict" => format!("参数 {arg} 给了两次，或与另一参数不能同用"),
            "no_command" => "缺少命令".to_string(),
            _ => format!("命令行有误：{arg}"),
        };
        format!("{what}。用法见 {program} --help（或在命令后加 --help）。")
    }
}

/// A clap error as a [`Usage`]; help and version requests are printed and exit here, as
/// clap does.
pub fn usage(e: &clap::Error) -> Usage {
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
    let context = |k: ContextKind| e.get(k).map(|v| bare(&v.to_string())).unwrap_or_default();
    let arg = match kind {
        "subcommand" => context(ContextKind::InvalidSubcommand),
        "other" => e.kind().to_string(),
        _ => context(ContextKind::InvalidArg),
    };
    Usage { kind, arg, value: context(ContextKind::InvalidValue), valid: context(ContextKind::ValidValue) }
}

/// "--dest <DEST>" → "--dest": an option's value placeholder is clap's word, not the clerk's.
/// A positional's own placeholder is its only name, and stays.
fn bare(s: &str) -> String {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_go_and_positionals_stay() {
        assert_eq!(bare("--dest <DEST>"), "--dest");
        assert_eq!(bare("--from <FROM>, --to <TO>"), "--from, --to");
        assert_eq!(bare("<对象>"), "<对象>");
    }

    #[test]
    fn help_is_in_chinese_and_errors_are_classified() {
        let cmd = || {
            chinese(
                Command::new("t")
                    .about("测试")
                    .arg(Arg::new("db").long("db").default_value("x.db").env("T_DB").help("数据库"))
                    .subcommand(Command::new("go").arg(Arg::new("n").long("n").required(true))),
            )
        };
        let help = cmd().render_help().to_string();
        assert!(help.contains("用法：") && help.contains("选项") && help.contains("命令"), "{help}");
        assert!(help.contains("（默认：x.db）") && help.contains("（环境变量 T_DB）"), "{help}");
        assert!(!help.contains("Usage") && !help.contains("[default"), "{help}");
        let e = cmd().try_get_matches_from(["t", "go"]).unwrap_err();
        assert_eq!(usage(&e), Usage { kind: "missing", arg: "--n".into(), value: String::new(), valid: String::new() });
        let e = cmd().try_get_matches_from(["t", "stop"]).unwrap_err();
        assert_eq!((usage(&e).kind, usage(&e).arg.as_str()), ("subcommand", "stop"));
        assert_eq!(usage(&e).message("t"), "没有这个命令：stop。用法见 t --help（或在命令后加 --help）。");
    }
}
