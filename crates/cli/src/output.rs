//! Writing results to standard output. A closed pipe (`motcua … | head`) is
//! reported as an I/O error that `main` ends quietly on, instead of the
//! panic `println!` would raise.

use std::fmt::Display;
use std::io::Write;

use crate::error::CliError;

/// Writes one line of a command's result.
pub fn line(text: impl Display) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(())
}
