//! The `motcua` binary: one command tree for the server and its tools.
//!
//! Scripts call these commands, so their names, flags and output formats are
//! part of the interface. Every command fails with a non-zero exit status and
//! one clear line on standard error, in the user's language, and leaves no
//! half-written file behind.
#![forbid(unsafe_code)]

mod admin_cmd;
mod backup_cmd;
mod blob_check;
mod calendar_cmd;
mod catalog_cmd;
mod data_cmd;
mod demo_cmd;
mod error;
mod output;
mod payments_cmd;
mod phone_cmd;
mod recount;
mod report_cmd;
mod serve;
mod storage;
mod usage;

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
    /// Create or upgrade the database schema.
    Migrate(data_cmd::MigrateArgs),
    /// Check every dossier's hash chain and replay, the audit log and every
    /// attachment's bytes.
    Verify(data_cmd::VerifyArgs),
    /// Write a consistent backup of the embedded database and attachments.
    Backup(backup_cmd::BackupArgs),
    /// Restore a backup into an empty data folder, verifying it first.
    Restore(backup_cmd::RestoreArgs),
    /// Officials: create the first system administrator.
    #[command(subcommand)]
    Admin(admin_cmd::AdminCommand),
    /// The demonstration province: synthetic dossiers.
    #[command(subcommand)]
    Demo(demo_cmd::DemoCommand),
    /// Import or export the procedure catalog (YAML or JSON).
    #[command(subcommand)]
    Catalog(catalog_cmd::CatalogCommand),
    /// The legal clock: lunar dates, holidays, due dates.
    #[command(subcommand)]
    Calendar(calendar_cmd::CalendarCommand),
    /// Vietnamese phone numbers across the 2017 and 2018 renumberings.
    #[command(subcommand)]
    Phone(phone_cmd::PhoneCommand),
    /// Fees paid online: a day's report and the settlement file's check.
    #[command(subcommand)]
    Payments(payments_cmd::PaymentsCommand),
    /// The review of a period (Biểu II.06a, the indicators) as XLSX, PDF
    /// or HTML.
    Report(report_cmd::ReportArgs),
}

fn main() -> ExitCode {
    // `args_os`: a file name that is not UTF-8 must not panic here.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => match usage::message(&err, usage::requested_lang(&args)) {
            Some(line) => {
                eprintln!("motcua: {line}");
                return ExitCode::from(2);
            }
            None => {
                // Help and version: clap prints them (and exits 2 when the
                // help stands in for a missing command).
                let _ = err.print();
                return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
            }
        },
    };
    let lang = cli.lang;
    let result: Result<ExitCode, CliError> = match cli.command {
        Command::Serve(args) => serve::run(args, lang),
        Command::Migrate(args) => data_cmd::migrate(args, lang),
        Command::Verify(args) => data_cmd::verify(args, lang),
        Command::Backup(args) => backup_cmd::backup(args, lang),
        Command::Restore(args) => backup_cmd::restore(args, lang),
        Command::Admin(cmd) => admin_cmd::run(cmd, lang),
        Command::Catalog(cmd) => catalog_cmd::run(cmd, lang),
        Command::Demo(cmd) => demo_cmd::run(cmd, lang),
        Command::Calendar(cmd) => calendar_cmd::run(cmd, lang),
        Command::Phone(cmd) => phone_cmd::run(cmd, lang),
        Command::Payments(cmd) => payments_cmd::run(cmd, lang),
        Command::Report(args) => report_cmd::run(args, lang),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`| head`): nothing more to say.
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("motcua: {}", err.localize(lang));
            ExitCode::FAILURE
        }
    }
}
