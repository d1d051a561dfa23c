//! `motcua serve`: the web server on the embedded default or at scale.
//!
//! On start it checks its arguments (before printing anything, so a mistake
//! is one line on standard error), binds the address, opens the database
//! (creating and migrating the embedded one in `DATA/`, seeding the holiday
//! schedule on first use) and the attachment storage, prints `Listening on http://ADDR`
//! (localized; the URL is always the last word of that line on standard
//! output, for scripts and tests), then serves until Ctrl-C or SIGTERM. On
//! a signal it stops accepting, lets the requests in flight finish (at most
//! [`GRACE`]), and exits 0. Logs go to standard error through `tracing`
//! (`RUST_LOG`, default `info`).
//!
//! Not here yet, said plainly rather than pretended: demo data (`--demo`
//! arrives with the citizen portal and the back office).

use std::future::Future;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use motcua_blobs::BlobLocation;
use motcua_i18n::{Arg, Lang, Localized};
use motcua_web::{AppState, BuildInfo};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::error::CliError;
use crate::storage::{DataArgs, DatabaseLocation, open_blobs, open_store};

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "MOTCUA_LISTEN")]
    pub listen: SocketAddr,
    /// Load the demonstration province.
    #[arg(long)]
    pub demo: bool,
}

/// How long requests in flight may take to finish after a stop signal: the
/// request timeout plus a margin, so no answer is cut short.
pub const GRACE: Duration = Duration::from_secs(motcua_web::REQUEST_TIMEOUT.as_secs() + 5);

/// What `serve` can refuse, each in the user's words.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{addr} is already in use")]
    AddrInUse { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

impl Localized for ServeError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ServeError::AddrInUse { addr } => {
                lang.tr_args("serve-addr-in-use", &[("addr", addr.to_string().into())])
            }
            ServeError::Listen { addr, source } => lang.tr_args(
                "serve-listen-failed",
                &[
                    ("addr", addr.to_string().into()),
                    ("reason", source.to_string().into()),
                ],
            ),
        }
    }
}

pub fn run(args: ServeArgs, lang: Lang) -> Result<ExitCode, CliError> {
    // Checked before anything is printed or opened.
    let database = args.data.database(lang)?;
    let blobs = args.data.blobs_location(lang)?;
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(database, blobs, &args, lang))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Fails only if a subscriber is already installed; then that one logs.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

async fn serve(
    database: DatabaseLocation,
    blobs: BlobLocation,
    args: &ServeArgs,
    lang: Lang,
) -> Result<ExitCode, CliError> {
    let say = |e: ServeError| CliError::Message(e.localize(lang));
    // Bind first: a busy port is then the only line the user sees.
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AddrInUse => say(ServeError::AddrInUse { addr: args.listen }),
            _ => say(ServeError::Listen {
                addr: args.listen,
                source,
            }),
        })?;
    let addr = listener.local_addr()?;
    let signals = shutdown_signal()?;

    if let DatabaseLocation::Embedded(data) = &database {
        tracing::info!(
            "{}",
            lang.tr_args("serve-data-dir", &[("path", shown(data))])
        );
    }
    let store = open_store(&database, lang).await?;
    tracing::info!(
        "{}",
        lang.tr_args(
            "serve-database",
            &[("engine", store.engine().name().into())]
        )
    );
    if let BlobLocation::Local(folder) = &blobs {
        std::fs::create_dir_all(folder).map_err(|e| CliError::file(folder, e))?;
        tracing::info!(
            "{}",
            lang.tr_args("serve-blobs-dir", &[("path", shown(folder))])
        );
    }
    let _blobs = open_blobs(blobs, lang).await?;
    if args.demo {
        tracing::warn!("{}", lang.tr("serve-demo-not-yet"));
    }

    let state = AppState::new(BuildInfo {
        version: env!("CARGO_PKG_VERSION"),
    });
    let (stop, stopped) = watch::channel(false);
    let server = motcua_web::serve(listener, state, wait_for_stop(stopped));
    tokio::pin!(server);

    let url = format!("http://{addr}");
    tracing::info!(%addr, "serving");
    // A closed standard output must not stop a running server.
    let _ = crate::output::line(lang.tr_args("serve-listening", &[("url", url.into())]));

    tokio::select! {
        // The server only ends by itself on an error of the listener.
        result = &mut server => {
            result?;
            return Ok(ExitCode::SUCCESS);
        }
        () = signals => {}
    }
    tracing::info!("{}", lang.tr("serve-shutting-down"));
    // `send` fails only if the server already dropped its receiver.
    let _ = stop.send(true);
    match tokio::time::timeout(GRACE, server).await {
        Ok(result) => result?,
        Err(_) => tracing::warn!(
            "{}",
            lang.tr_args(
                "serve-shutdown-forced",
                &[("seconds", GRACE.as_secs().into())]
            )
        ),
    }
    tracing::info!("{}", lang.tr("serve-stopped"));
    Ok(ExitCode::SUCCESS)
}

/// A folder as the user should see it: absolute when it can be.
fn shown(dir: &Path) -> Arg {
    std::fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string()
        .into()
}

async fn wait_for_stop(mut stopped: watch::Receiver<bool>) {
    // An error means the sender is gone: stop as well.
    let _ = stopped.wait_for(|&stop| stop).await;
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM. Handlers are installed now, so
/// a failure to install them is reported before serving.
fn shutdown_signal() -> Result<impl Future<Output = ()>, CliError> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    Ok(async move {
        let ctrl_c = async {
            if tokio::signal::ctrl_c().await.is_err() {
                // No Ctrl-C handler: wait for the other signal only.
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        tokio::select! {
            () = ctrl_c => {}
            _ = terminate.recv() => {}
        }
        #[cfg(not(unix))]
        ctrl_c.await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_reads_in_both_languages() {
        let errors = [ServeError::AddrInUse {
            addr: "127.0.0.1:1".parse().unwrap(),
        }];
        for err in errors {
            for lang in Lang::ALL {
                let line = err.localize(lang);
                assert!(!line.is_empty() && !line.contains('\n'), "{line}");
                assert!(!line.contains("Unknown localization"), "{line}");
            }
        }
    }
}
