//! `motcua calendar …`: the legal clock from the command line.

use std::process::ExitCode;

use clap::Subcommand;
use motcua_i18n::Lang;

use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {}

pub fn run(cmd: CalendarCommand, _lang: Lang) -> Result<ExitCode, CliError> {
    match cmd {}
}
