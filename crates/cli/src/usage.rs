//! Usage errors (an unknown flag, a missing argument) as one line in the
//! user's language. clap words its own errors in English over several lines;
//! this keeps the argument names clap found and says the rest ourselves.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use motcua_i18n::{Arg, Lang};

/// The language asked for on the command line or in `MOTCUA_LANG`, read
/// without clap (which has just failed).
pub fn requested_lang(args: &[std::ffi::OsString]) -> Lang {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let from_args = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--lang=")
            .map(str::to_owned)
            .or_else(|| (a == "--lang").then(|| args.get(i + 1).cloned()).flatten())
    });
    from_args
        .or_else(|| std::env::var("MOTCUA_LANG").ok())
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_default()
}

fn context(err: &clap::Error, kind: ContextKind) -> String {
    match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// One line saying what is wrong, or `None` for help and version output,
/// which clap prints itself.
pub fn message(err: &clap::Error, lang: Lang) -> Option<String> {
    let arg = || Arg::from(context(err, ContextKind::InvalidArg));
    let (key, args): (&str, Vec<(&'static str, Arg)>) = match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::UnknownArgument => ("usage-unknown-argument", vec![("arg", arg())]),
        ErrorKind::InvalidSubcommand => (
            "usage-unknown-command",
            vec![(
                "command",
                context(err, ContextKind::InvalidSubcommand).into(),
            )],
        ),
        ErrorKind::MissingRequiredArgument => ("usage-missing-argument", vec![("arg", arg())]),
        ErrorKind::MissingSubcommand => ("usage-missing-command", vec![]),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => (
            "usage-invalid-value",
            vec![
                ("arg", arg()),
                ("value", context(err, ContextKind::InvalidValue).into()),
            ],
        ),
        ErrorKind::ArgumentConflict => (
            "usage-conflict",
            vec![
                ("arg", arg()),
                ("other", context(err, ContextKind::PriorArg).into()),
            ],
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            ("usage-value-count", vec![("arg", arg())])
        }
        _ => {
            let first = err
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_owned();
            ("usage-other", vec![("detail", first.into())])
        }
    };
    Some(lang.tr_args(key, &args))
}
