//! `motcua phone …`: normalise and convert Vietnamese phone numbers.

use std::process::ExitCode;

use clap::Subcommand;
use motcua_i18n::Lang;

use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum PhoneCommand {}

pub fn run(cmd: PhoneCommand, _lang: Lang) -> Result<ExitCode, CliError> {
    match cmd {}
}
