//! The command line's one error type. Each variant knows how to say itself in
//! the user's language; `main` prints it as one line and exits non-zero.

use std::path::PathBuf;

use motcua_i18n::{Lang, Localized};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A message already worded by the command (for domain errors that
    /// localise themselves).
    #[error("{0}")]
    Message(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Any other I/O failure (terminal, socket, signal handler).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl CliError {
    pub fn file(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CliError::File {
            path: path.into(),
            source,
        }
    }
}

impl Localized for CliError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            CliError::Message(m) => m.clone(),
            CliError::File { path, source } => lang.tr_args(
                "cli-file-error",
                &[
                    ("path", path.display().to_string().into()),
                    ("reason", source.to_string().into()),
                ],
            ),
            CliError::Io(e) => lang.tr_args("cli-io-error", &[("reason", e.to_string().into())]),
        }
    }
}
