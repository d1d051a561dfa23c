//! `motcua serve`: the web server on the embedded default or at scale.
//!
//! On start it checks its arguments (before printing anything, so a mistake
//! is one line on standard error), binds the address, creates the data
//! folder and its `blobs/` subfolder, prints `Listening on http://ADDR`
//! (localized; the URL is always the last word of that line on standard
//! output, for scripts and tests), then serves until Ctrl-C or SIGTERM. On
//! a signal it stops accepting, lets the requests in flight finish (at most
//! [`GRACE`]), and exits 0. Logs go to standard error through `tracing`
//! (`RUST_LOG`, default `info`).
//!
//! Not here yet, said plainly rather than pretended: the database (the
//! Store issue brings SQLite and PostgreSQL), S3 attachments, demo data.

use std::future::Future;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use motcua_i18n::{Arg, Lang, Localized};
use motcua_web::{AppState, BuildInfo};
use tokio::net::TcpListener;
use tokio::sync::watch;

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

/// How long requests in flight may take to finish after a stop signal: the
/// request timeout plus a margin, so no answer is cut short.
pub const GRACE: Duration = Duration::from_secs(motcua_web::REQUEST_TIMEOUT.as_secs() + 5);

/// What `serve` can refuse, each in the user's words.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("--database-url has an unsupported scheme `{scheme}`")]
    BadDatabaseUrl { scheme: String },
    #[error("PostgreSQL is not supported yet")]
    PostgresNotYet,
    #[error("--blobs has an unsupported scheme `{scheme}`")]
    BadBlobsUrl { scheme: String },
    #[error("--blobs file: URL without a usable path")]
    BadFileUrl,
    #[error("S3 attachments are not supported yet")]
    S3NotYet,
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
            ServeError::BadDatabaseUrl { scheme } => lang.tr_args(
                "serve-bad-database-url",
                &[("scheme", scheme.as_str().into())],
            ),
            ServeError::PostgresNotYet => lang.tr("serve-postgres-not-yet"),
            ServeError::BadBlobsUrl { scheme } => {
                lang.tr_args("serve-bad-blobs-url", &[("scheme", scheme.as_str().into())])
            }
            ServeError::BadFileUrl => lang.tr("serve-bad-file-url"),
            ServeError::S3NotYet => lang.tr("serve-s3-not-yet"),
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

/// Where the database will live. Only the embedded default and `sqlite:`
/// are accepted; neither is opened until the Store exists.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Database {
    /// `DATA/` (the SQLite file will be created there by the Store).
    Embedded(PathBuf),
    /// An explicit `sqlite:` URL.
    Sqlite,
}

/// The arguments, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    database: Database,
    blobs_dir: PathBuf,
}

/// The scheme of a URL for an error message: never the rest, which may hold
/// a password.
fn scheme_of(url: &str) -> String {
    match url.split_once(':') {
        Some((scheme, _)) => scheme.chars().take(20).collect(),
        None => url.chars().take(20).collect(),
    }
}

impl Plan {
    fn from_args(args: &ServeArgs) -> Result<Plan, ServeError> {
        let database = match &args.database_url {
            None => Database::Embedded(args.data.clone()),
            Some(url) => match scheme_of(url).to_ascii_lowercase().as_str() {
                "sqlite" => Database::Sqlite,
                "postgres" | "postgresql" => return Err(ServeError::PostgresNotYet),
                _ => {
                    return Err(ServeError::BadDatabaseUrl {
                        scheme: scheme_of(url),
                    });
                }
            },
        };
        let blobs_dir = match &args.blobs {
            None => args.data.join("blobs"),
            Some(url) => match scheme_of(url).to_ascii_lowercase().as_str() {
                "file" => file_url_path(url).ok_or(ServeError::BadFileUrl)?,
                "s3" => return Err(ServeError::S3NotYet),
                _ => {
                    return Err(ServeError::BadBlobsUrl {
                        scheme: scheme_of(url),
                    });
                }
            },
        };
        Ok(Plan {
            database,
            blobs_dir,
        })
    }
}

/// The folder a `file:` URL names: `file:///abs`, `file://localhost/abs`,
/// `file:/abs` or `file:relative`, percent-decoded.
fn file_url_path(url: &str) -> Option<PathBuf> {
    let rest = url.get("file:".len()..)?;
    let path = match rest.strip_prefix("//") {
        Some(authority_and_path) => {
            let slash = authority_and_path.find('/')?;
            let (host, path) = authority_and_path.split_at(slash);
            if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
                return None;
            }
            path
        }
        None => rest,
    };
    let decoded = percent_decode(path)?;
    (!decoded.is_empty()).then(|| PathBuf::from(decoded))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

pub fn run(args: ServeArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let plan = Plan::from_args(&args).map_err(|e| CliError::Message(e.localize(lang)))?;
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(plan, &args, lang))
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

async fn serve(plan: Plan, args: &ServeArgs, lang: Lang) -> Result<ExitCode, CliError> {
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

    if let Database::Embedded(data) = &plan.database {
        create_dir(data)?;
        tracing::info!(
            "{}",
            lang.tr_args("serve-data-dir", &[("path", shown(data))])
        );
    }
    create_dir(&plan.blobs_dir)?;
    tracing::info!(
        "{}",
        lang.tr_args("serve-blobs-dir", &[("path", shown(&plan.blobs_dir))])
    );
    tracing::warn!("{}", lang.tr("serve-no-database-yet"));
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

fn create_dir(dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir).map_err(|e| CliError::file(dir, e))
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

    fn args(database_url: Option<&str>, blobs: Option<&str>) -> ServeArgs {
        ServeArgs {
            data: PathBuf::from("motcua-data"),
            database_url: database_url.map(str::to_owned),
            blobs: blobs.map(str::to_owned),
            listen: "127.0.0.1:0".parse().unwrap(),
            demo: false,
        }
    }

    #[test]
    fn the_embedded_default_keeps_blobs_in_the_data_folder() {
        let plan = Plan::from_args(&args(None, None)).unwrap();
        assert_eq!(plan.database, Database::Embedded("motcua-data".into()));
        assert_eq!(plan.blobs_dir, PathBuf::from("motcua-data/blobs"));
    }

    #[test]
    fn database_urls_are_checked_without_echoing_secrets() {
        assert_eq!(
            Plan::from_args(&args(Some("sqlite:db.sqlite"), None))
                .unwrap()
                .database,
            Database::Sqlite
        );
        for url in ["postgres://u:p@h/db", "postgresql://h/db", "POSTGRES://h"] {
            assert!(matches!(
                Plan::from_args(&args(Some(url), None)),
                Err(ServeError::PostgresNotYet)
            ));
        }
        let err = Plan::from_args(&args(Some("mysql://root:hunter2@h/db"), None)).unwrap_err();
        let line = err.localize(Lang::En);
        assert!(line.contains("mysql"), "{line}");
        assert!(!line.contains("hunter2"), "{line}");
    }

    #[test]
    fn blob_urls_are_checked() {
        let plan = |url| Plan::from_args(&args(None, Some(url)));
        assert_eq!(
            plan("file:///srv/motcua/blobs").unwrap().blobs_dir,
            PathBuf::from("/srv/motcua/blobs")
        );
        assert_eq!(
            plan("file://localhost/srv/a%20b").unwrap().blobs_dir,
            PathBuf::from("/srv/a b")
        );
        assert_eq!(
            plan("file:rel/dir").unwrap().blobs_dir,
            PathBuf::from("rel/dir")
        );
        assert!(matches!(
            plan("file://otherhost/x"),
            Err(ServeError::BadFileUrl)
        ));
        assert!(matches!(plan("file:"), Err(ServeError::BadFileUrl)));
        assert!(matches!(plan("s3://bucket"), Err(ServeError::S3NotYet)));
        assert!(matches!(
            plan("ftp://x"),
            Err(ServeError::BadBlobsUrl { .. })
        ));
    }

    #[test]
    fn every_refusal_reads_in_both_languages() {
        let errors = [
            ServeError::BadDatabaseUrl { scheme: "x".into() },
            ServeError::PostgresNotYet,
            ServeError::BadBlobsUrl { scheme: "x".into() },
            ServeError::BadFileUrl,
            ServeError::S3NotYet,
            ServeError::AddrInUse {
                addr: "127.0.0.1:1".parse().unwrap(),
            },
        ];
        for err in errors {
            for lang in Lang::ALL {
                let line = err.localize(lang);
                assert!(!line.is_empty() && !line.contains('\n'), "{line}");
                assert!(!line.contains("Unknown localization"), "{line}");
            }
        }
    }
}
