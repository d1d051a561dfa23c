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
//! Beside the server runs the job runner (`motcua_app::jobs`), which
//! delivers the outbox: e-mail through `--smtp-url`, or as `.eml` files in
//! `OUTBOX/mail` without one; text messages recorded in `OUTBOX/sms`. It
//! stops on the same signal, after the job it is running.
//!
//! The portal's pages and API work on the store and the attachment storage
//! through `motcua_app::Services`. `--demo` loads the demonstration
//! province (`motcua_app::demo`: the demo catalog, an agency tree of Đồng
//! Tháp, demo accounts) and prints the demo log-ins after the listening
//! line. Links in e-mails start with `--public-url` (default: the listening
//! address).

use motcua_domain::statistics::CutOff;
use std::future::Future;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use motcua_app::jobs::{self, Handlers, Runner};
use motcua_app::office::{closures, digest};
use motcua_app::outbox::{Mailer, SmsSender};
use motcua_app::{Services, Settings, statistics};
use motcua_blobs::BlobLocation;
use motcua_i18n::{Arg, Lang, Localized};
use motcua_notify::{FileMailer, NotifyError, RecordedSms, SmtpMailer};
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
    /// Load the demonstration province (demo catalog, agencies and
    /// accounts; kept across restarts).
    #[arg(long)]
    pub demo: bool,
    /// Where people reach this portal, for links in e-mails and the QR code
    /// on receipts (e.g. `https://dichvucong.dongthap.gov.vn`) [default:
    /// http://LISTEN].
    #[arg(long, env = "MOTCUA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The province (or office) named in the page header and in e-mails.
    #[arg(long, env = "MOTCUA_PROVINCE")]
    pub province: Option<String>,
    /// The day a reporting month starts on the statistics pages (ND
    /// 09/2019: the 15th); 1 for calendar months.
    #[arg(long, default_value_t = 15, env = "MOTCUA_REPORT_CUT_OFF_DAY")]
    pub report_cut_off_day: u8,
    /// SMTP relay for e-mail: `smtp://user:password@host` (STARTTLS, port
    /// 587), `smtps://user:password@host` (TLS, 465), `smtp://127.0.0.1:25?tls=none`
    /// (a relay on this machine). Without it e-mails are written as .eml
    /// files in OUTBOX/mail.
    #[arg(long, env = "MOTCUA_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of every e-mail, e.g. `Một cửa tỉnh Đồng Tháp <no-reply@dongthap.gov.vn>`.
    #[arg(
        long,
        env = "MOTCUA_MAIL_FROM",
        default_value = "motcua <no-reply@localhost>"
    )]
    pub mail_from: String,
    /// Folder of the e-mails written without a relay (`mail/`) and of the
    /// recorded text messages (`sms/`) [default: DATA/outbox, also with
    /// --database-url].
    #[arg(long, env = "MOTCUA_OUTBOX_DIR")]
    pub outbox_dir: Option<PathBuf>,
    /// The merchant's terminal code (vnp_TmnCode) with the VNPay gateway.
    /// With --vnpay-secret, fees are paid through VNPay; without both, only
    /// the sandbox takes them (--payments-sandbox or --demo), or nobody.
    #[arg(long, env = "MOTCUA_VNPAY_TMN_CODE")]
    pub vnpay_tmn_code: Option<String>,
    /// The merchant's hash secret with the VNPay gateway.
    #[arg(long, env = "MOTCUA_VNPAY_HASH_SECRET", hide_env_values = true)]
    pub vnpay_secret: Option<String>,
    /// Take fees in the built-in sandbox gateway (no real money; anyone
    /// can sign its notices, so never with real fees). On with --demo.
    #[arg(long, env = "MOTCUA_PAYMENTS_SANDBOX")]
    pub payments_sandbox: bool,
    /// The VNPay payment page.
    #[arg(
        long,
        env = "MOTCUA_VNPAY_PAY_URL",
        default_value = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    )]
    pub vnpay_url: String,
    /// The secret a postal operator signs its status pushes with
    /// (`POST /api/postal/pushes`; at least 32 characters). Without it,
    /// pushes are not taken.
    #[arg(long, env = "MOTCUA_POSTAL_PUSH_SECRET", hide_env_values = true)]
    pub postal_push_secret: Option<String>,
}

/// The payment provider the flags name: VNPay with both its code and
/// secret; the sandbox when asked for (or with --demo); else none, and
/// fees are paid at the counter.
fn payment_provider(
    args: &ServeArgs,
    public_url: &str,
    lang: Lang,
) -> Result<Arc<dyn motcua_app::payments::PaymentProvider>, CliError> {
    use motcua_app::payments::{VnPay, vnpay::Merchant};
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
    match (given(&args.vnpay_tmn_code), given(&args.vnpay_secret)) {
        (Some(tmn_code), Some(secret)) => {
            tracing::info!(
                "{}",
                lang.tr_args(
                    "serve-payments-vnpay",
                    &[("url", Arg::from(args.vnpay_url.clone()))]
                )
            );
            Ok(Arc::new(VnPay::gateway(Merchant {
                tmn_code: tmn_code.to_owned(),
                secret: secret.to_owned(),
                pay_url: args.vnpay_url.clone(),
            })))
        }
        (None, None) if args.payments_sandbox || args.demo => {
            tracing::warn!("{}", lang.tr("serve-payments-sandbox"));
            Ok(Arc::new(VnPay::sandbox(public_url)))
        }
        (None, None) => {
            tracing::info!("{}", lang.tr("serve-payments-off"));
            Ok(Arc::new(motcua_app::payments::NoPayments))
        }
        _ => Err(CliError::Message(lang.tr("serve-payments-half"))),
    }
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
    let outbox = Outbox::from_args(&args, lang)?;
    // A short secret can be guessed.
    if args
        .postal_push_secret
        .as_deref()
        .is_some_and(|secret| secret.trim().chars().count() < 32)
    {
        return Err(CliError::Message(lang.tr("serve-postal-secret-short")));
    }
    let cut_off = CutOff::starting_on(args.report_cut_off_day)
        .map_err(|e| CliError::Message(lang.describe(&e)))?;
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(database, blobs, outbox, cut_off, &args, lang))
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
    outbox: Outbox,
    cut_off: CutOff,
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
    let blobs = open_blobs(blobs, lang).await?;
    let handlers = outbox.prepare(&database, lang)?;

    let province = match (&args.province, args.demo) {
        (Some(name), _) => Some(name.trim().to_owned()),
        (None, true) => Some(motcua_app::demo::PROVINCE_NAME.to_owned()),
        (None, false) => None,
    };
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let payments = payment_provider(args, &public_url, lang)?;
    let services = Arc::new(Services {
        memo: Default::default(),
        store: Arc::clone(&store),
        blobs,
        payments,
        settings: Settings {
            public_url,
            province_name: province
                .clone()
                .unwrap_or_else(|| lang.tr("web-province-placeholder")),
        },
        renderer: Arc::new(motcua_reports::Reports::new()),
    });
    let demo_accounts = if args.demo {
        let loaded = motcua_app::demo::load(&services, chrono::Utc::now())
            .await
            .map_err(|e| CliError::Message(lang.describe(&e)))?;
        tracing::info!(
            "{}",
            lang.tr_args(
                "serve-demo-loaded",
                &[
                    ("agencies", loaded.agencies.into()),
                    ("procedures", loaded.procedures.into()),
                    ("accounts", loaded.accounts.into()),
                ],
            )
        );
        true
    } else {
        false
    };
    let handlers = handlers
        .with(
            digest::DIGEST_JOB,
            digest::DigestHandler(Arc::clone(&services)),
        )
        .with(
            closures::CLOSURES_JOB,
            closures::ClosuresHandler(Arc::clone(&services)),
        );
    let mut state = AppState::new(BuildInfo {
        version: env!("CARGO_PKG_VERSION"),
    })
    .with_services(Arc::clone(&services))
    .with_report_cut_off(cut_off);
    if let Some(secret) = args.postal_push_secret.as_deref().map(str::trim) {
        // Its length was checked in `run`.
        state = state.with_postal_push_secret(secret.as_bytes());
    }
    if let Some(name) = province {
        state = state.with_province_name(name);
    }
    let (stop, stopped) = watch::channel(false);
    let jobs = tokio::spawn(
        Runner::new(Arc::clone(&store), handlers, jobs::worker_name()).run(stop.subscribe()),
    );
    let scheduler = tokio::spawn(schedule_recurring(Arc::clone(&services), stop.subscribe()));
    let keeper = tokio::spawn(keep_statistics(services, stop.subscribe()));
    let server = motcua_web::serve(listener, state, wait_for_stop(stopped));
    tokio::pin!(server);

    let url = format!("http://{addr}");
    tracing::info!(%addr, "serving");
    // A closed standard output must not stop a running server.
    let _ = crate::output::line(lang.tr_args("serve-listening", &[("url", url.into())]));
    if demo_accounts {
        let _ = crate::output::line(lang.tr_args(
            "serve-demo-accounts",
            &[("password", motcua_app::demo::PASSWORD.into())],
        ));
        for account in &motcua_app::demo::ACCOUNTS {
            let _ = crate::output::line(format!(
                "  {} — {} ({})",
                account.login,
                account.name,
                lang.tr(&format!("serve-demo-role-{}", account.role))
            ));
        }
    }

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
    stop_jobs(jobs, lang).await;
    scheduler.abort();
    keeper.abort();
    // Closing waits for connections still in use; a request the grace
    // period cut short may hold one, so the wait is bounded too.
    let _ = tokio::time::timeout(GRACE, store.close()).await;
    tracing::info!("{}", lang.tr("serve-stopped"));
    Ok(ExitCode::SUCCESS)
}

/// How often each server asks for the recurring work to be queued (each
/// is queued once per period, whoever asks first).
const RECURRING_EVERY: Duration = Duration::from_secs(10 * 60);

/// Queues the recurring work until the server stops: the officials' daily
/// digest of each working day, and the hourly closure of dossiers whose
/// supplement never came. A failure is logged and tried at the next tick.
async fn schedule_recurring(services: Arc<Services>, mut stop: watch::Receiver<bool>) {
    loop {
        let now = chrono::Utc::now();
        if let Err(e) = digest::schedule(&services, now).await {
            tracing::warn!(error = %e, "the daily digest could not be queued");
        }
        if let Err(e) = closures::schedule(&services, now).await {
            tracing::warn!(error = %e, "the closure sweep could not be queued");
        }
        tokio::select! {
            () = tokio::time::sleep(RECURRING_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}

/// How often the kept statistics are brought up to date in the background
/// (a dashboard or report brings them up to date itself before reading).
const STATISTICS_EVERY: Duration = Duration::from_secs(30);

/// Keeps the statistics current until the server stops, so a dashboard
/// never waits for more than the last half minute's changes — nor, after
/// an upgrade or an import, for the whole record. A failure is logged and
/// tried at the next tick.
async fn keep_statistics(services: Arc<Services>, mut stop: watch::Receiver<bool>) {
    loop {
        match statistics::kept::catch_up(&services, |_| {}).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(dossiers = n, "kept statistics brought up to date"),
            Err(e) => {
                tracing::warn!(error = %e, "the kept statistics could not be brought up to date")
            }
        }
        tokio::select! {
            () = tokio::time::sleep(STATISTICS_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}

/// A folder as the user should see it: absolute when it can be.
fn shown(dir: &Path) -> Arg {
    std::fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string()
        .into()
}

// --- the outbox -------------------------------------------------------------

/// How long the job runner may take, once the server has stopped, to
/// finish the job it is running (an SMTP send is bounded by its own
/// timeout, 60 s by default). A job cut short runs again later.
const JOBS_GRACE: Duration = Duration::from_secs(60);

/// Where the outbox's messages go, checked before anything is printed.
struct Outbox {
    mailer: Arc<dyn Mailer>,
    /// The relay (no password), or else the `.eml` folder.
    mail_to: Result<String, PathBuf>,
    sms: Arc<dyn SmsSender>,
    sms_dir: PathBuf,
}

impl Outbox {
    fn from_args(args: &ServeArgs, lang: Lang) -> Result<Self, CliError> {
        let bad = |key: &str, e: NotifyError| {
            let reason = match e {
                NotifyError::SmtpUrl(reason) => reason,
                other => other.to_string(),
            };
            CliError::Message(lang.tr_args(key, &[("reason", reason.into())]))
        };
        // The default is beside the data even with --database-url, where
        // `--data` keeps its default: ./motcua-data/outbox.
        let dir = args
            .outbox_dir
            .clone()
            .unwrap_or_else(|| args.data.data.join("outbox"));
        let (mailer, mail_to): (Arc<dyn Mailer>, _) = match &args.smtp_url {
            Some(url) => {
                let mailer = SmtpMailer::from_url(url, &args.mail_from).map_err(|e| match e {
                    NotifyError::SmtpUrl(_) => bad("serve-bad-smtp-url", e),
                    _ => bad("serve-bad-mail-from", e),
                })?;
                let relay = mailer.settings().to_string();
                (Arc::new(mailer), Ok(relay))
            }
            None => {
                let mail_dir = dir.join("mail");
                let mailer = FileMailer::new(&mail_dir, &args.mail_from)
                    .map_err(|e| bad("serve-bad-mail-from", e))?;
                (Arc::new(mailer), Err(mail_dir))
            }
        };
        let sms_dir = dir.join("sms");
        Ok(Outbox {
            mailer,
            mail_to,
            sms: Arc::new(RecordedSms::new(&sms_dir)),
            sms_dir,
        })
    }

    /// Creates the folders, says where messages go, and gives the job
    /// runner its handlers.
    fn prepare(self, database: &DatabaseLocation, lang: Lang) -> Result<Handlers, CliError> {
        match &self.mail_to {
            Ok(relay) => tracing::info!(
                "{}",
                lang.tr_args("serve-mail-smtp", &[("relay", relay.clone().into())])
            ),
            Err(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| CliError::file(dir, e))?;
                tracing::info!(
                    "{}",
                    lang.tr_args("serve-mail-files", &[("path", shown(dir))])
                );
                if matches!(database, DatabaseLocation::Postgres(_)) {
                    tracing::warn!("{}", lang.tr("serve-mail-files-many-nodes"));
                }
            }
        }
        std::fs::create_dir_all(&self.sms_dir).map_err(|e| CliError::file(&self.sms_dir, e))?;
        tracing::info!(
            "{}",
            lang.tr_args("serve-sms-recorded", &[("path", shown(&self.sms_dir))])
        );
        Ok(Handlers::notifications(self.mailer, self.sms))
    }
}

/// Waits for the job runner (told to stop with the server) to finish.
async fn stop_jobs(jobs: tokio::task::JoinHandle<()>, lang: Lang) {
    match tokio::time::timeout(JOBS_GRACE, jobs).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "the job runner failed"),
        Err(_) => tracing::warn!(
            "{}",
            lang.tr_args(
                "serve-jobs-forced",
                &[("seconds", JOBS_GRACE.as_secs().into())]
            )
        ),
    }
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

    #[test]
    fn the_outbox_messages_read_in_both_languages() {
        let args: [(&'static str, Arg); 4] = [
            ("reason", "r".into()),
            ("relay", "relay.example.vn:587 (STARTTLS)".into()),
            ("path", "/srv/motcua/outbox/mail".into()),
            ("seconds", 60u64.into()),
        ];
        for key in [
            "serve-bad-smtp-url",
            "serve-bad-mail-from",
            "serve-mail-smtp",
            "serve-mail-files",
            "serve-mail-files-many-nodes",
            "serve-sms-recorded",
            "serve-jobs-forced",
        ] {
            for lang in Lang::ALL {
                let line = lang.tr_args(key, &args);
                assert!(!line.is_empty() && !line.contains('\n'), "{line}");
                assert!(!line.contains("Unknown localization"), "{key}: {line}");
                assert!(!line.contains("{ $"), "{key}: {line}");
            }
        }
    }

    fn outbox_of(extra: &[&str]) -> Result<Outbox, CliError> {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            serve: ServeArgs,
        }
        let cli = <Cli as clap::Parser>::try_parse_from(
            ["motcua", "--data", "/srv/motcua"].iter().chain(extra),
        )
        .unwrap();
        Outbox::from_args(&cli.serve, Lang::En)
    }

    #[test]
    fn the_outbox_defaults_to_files_beside_the_data() {
        let outbox = outbox_of(&[]).unwrap();
        assert_eq!(
            outbox.mail_to,
            Err(PathBuf::from("/srv/motcua/outbox/mail"))
        );
        assert_eq!(outbox.sms_dir, PathBuf::from("/srv/motcua/outbox/sms"));
        let outbox = outbox_of(&["--outbox-dir", "/var/spool/motcua"]).unwrap();
        assert_eq!(outbox.sms_dir, PathBuf::from("/var/spool/motcua/sms"));
    }

    #[test]
    fn a_relay_is_named_without_its_password() {
        let outbox = outbox_of(&["--smtp-url", "smtps://motcua:secret@relay.example.vn"]).unwrap();
        assert_eq!(
            outbox.mail_to,
            Ok("relay.example.vn:465 (TLS, user motcua)".into())
        );
        let Err(CliError::Message(line)) = outbox_of(&[
            "--smtp-url",
            "smtp://motcua:secret@relay.example.vn?tls=none",
        ]) else {
            panic!("a password over plain text to another host is refused");
        };
        assert!(line.starts_with("--smtp-url is not valid: "), "{line}");
        assert!(!line.contains("secret"), "{line}");
        assert!(matches!(
            outbox_of(&["--mail-from", "not an address"]),
            Err(CliError::Message(line)) if line.starts_with("--mail-from is not valid")
        ));
    }
}
