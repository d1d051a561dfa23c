//! Writing results to standard output. A closed pipe (`motcua … | head`) is
//! reported as an I/O error that `main` ends quietly on, instead of the
//! panic `println!` would raise.

use std::fmt::Display;
use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressStyle};

use crate::error::CliError;

/// Writes one line of a command's result.
pub fn line(text: impl Display) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(())
}

/// A progress bar on a terminal, nothing otherwise.
pub fn bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{wide_bar} {pos}/{len} ({per_sec}, {eta})") {
        bar.set_style(style);
    }
    bar
}
