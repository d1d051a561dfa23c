//! The `motcua` binary: one command tree for the server and its tools.
//!
//! Scripts call these commands, so their names, flags and output formats are
//! part of the interface. Every command fails with a non-zero exit status and
//! one clear line on standard error, in the user's language, and leaves no
//! half-written file behind.
#![forbid(unsafe_code)]

mod calendar_cmd;
mod error;
mod phone_cmd;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use motcua_i18n::{Lang, Localized};

use crate::error::CliError;

/// motcua — dịch vụ công trực tuyến và một cửa điện tử cho một tỉnh
/// (online public services and the one-stop back office of a province).
#[derive(Debug, Parser)]
#[command(name = "motcua", version, propagate_version = true)]
struct Cli {
    /// Language of messages: vi (default) or en.
    #[arg(long, global = true, env = "MOTCUA_LANG", default_value = "vi")]
    lang: Lang,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (embedded SQLite and a local folder by default).
    Serve(serve::ServeArgs),
    /// The legal clock: lunar dates, holidays, due dates.
    #[command(subcommand)]
    Calendar(calendar_cmd::CalendarCommand),
    /// Vietnamese phone numbers across the 2017 and 2018 renumberings.
    #[command(subcommand)]
    Phone(phone_cmd::PhoneCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang;
    let result: Result<ExitCode, CliError> = match cli.command {
        Command::Serve(args) => serve::run(args, lang),
        Command::Calendar(cmd) => calendar_cmd::run(cmd, lang),
        Command::Phone(cmd) => phone_cmd::run(cmd, lang),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("motcua: {}", err.localize(lang));
            ExitCode::FAILURE
        }
    }
}
