//! `motcua serve`: the web server on the embedded default or at scale.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use motcua_i18n::Lang;

use crate::error::CliError;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Folder for the embedded database and attachments (created if missing).
    #[arg(long, default_value = "motcua-data", conflicts_with = "database_url")]
    pub data: PathBuf,
    /// Database URL (`sqlite:` or `postgres:`) instead of the embedded default.
    #[arg(long, env = "MOTCUA_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Attachment storage URL (`file:` or `s3:`) instead of `DATA/blobs`.
    #[arg(long, env = "MOTCUA_BLOBS")]
    pub blobs: Option<String>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "MOTCUA_LISTEN")]
    pub listen: SocketAddr,
    /// Load the demonstration province.
    #[arg(long)]
    pub demo: bool,
}

pub fn run(_args: ServeArgs, _lang: Lang) -> Result<ExitCode, CliError> {
    Err(CliError::Message("serve: not built yet".into()))
}
