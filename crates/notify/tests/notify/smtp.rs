//! E-mail through a real SMTP server on loopback: aiosmtpd (PyPI), started
//! by the test on a free port with `smtp_sink.py`.
//!
//! When aiosmtpd is missing the tests print why and pass, unless
//! `MOTCUA_REQUIRE_SMTP` is set (CI sets it, after installing aiosmtpd with
//! `pip install aiosmtpd`), so CI never skips them.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use motcua_app::outbox::{DeliveryError, Mailer};
use motcua_notify::SmtpMailer;
use tempfile::TempDir;

use super::{FROM, assert_delivered_intact, vietnamese_email};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/notify/smtp_sink.py");

/// A running `smtp_sink.py`; stopped when dropped.
struct Sink {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        // Closing its standard input stops it; kill in case it hangs.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sink {
    /// The `n`-th message received (from 1): its raw bytes and envelope.
    fn received(&self, n: usize) -> (Vec<u8>, serde_json::Value) {
        let base = self.dir.path().join(format!("{n:04}"));
        let raw = std::fs::read(base.with_extension("eml")).unwrap();
        let meta = std::fs::read(base.with_extension("json")).unwrap();
        (raw, serde_json::from_slice(&meta).unwrap())
    }

    fn count(&self) -> usize {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))
            })
            .count()
    }
}

fn python() -> String {
    std::env::var("MOTCUA_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Starts the server, requiring `user:password` when given; `None` (after
/// saying why) when aiosmtpd is not installed and CI did not require it.
fn start(credentials: Option<&str>, test: &str) -> Option<Sink> {
    let found = Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var_os("MOTCUA_REQUIRE_SMTP").is_some() {
            panic!(
                "MOTCUA_REQUIRE_SMTP is set but {} cannot import aiosmtpd (pip install aiosmtpd)",
                python()
            );
        }
        eprintln!(
            "skipping smtp::{test}: aiosmtpd is not installed (pip install aiosmtpd; CI sets MOTCUA_REQUIRE_SMTP=1 so it never skips)"
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(python());
    command.arg(SCRIPT).arg(dir.path());
    if let Some(credentials) = credentials {
        command.arg(credentials);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let Ok(port) = line.trim().parse() else {
        let _ = child.kill();
        panic!("smtp_sink.py did not start (printed {line:?})");
    };
    Some(Sink { child, port, dir })
}

fn mailer(url: &str) -> SmtpMailer {
    SmtpMailer::from_url(url, FROM).unwrap()
}

#[tokio::test]
async fn vietnamese_mail_arrives_intact_through_a_real_server() {
    let Some(sink) = start(Some("motcua:p@ss w:ord"), "vietnamese_mail") else {
        return;
    };
    let mailer = mailer(&format!(
        "smtp://motcua:p%40ss%20w%3Aord@127.0.0.1:{}?tls=none&timeout=20",
        sink.port
    ));
    let email = vietnamese_email("nguyen.anh.tuyet@example.vn");
    mailer.send(&email).await.unwrap();

    let (raw, envelope) = sink.received(1);
    assert_delivered_intact(&raw, &email);
    assert_eq!(envelope["mail_from"], "no-reply@dongthap.example");
    assert_eq!(
        envelope["rcpt_tos"],
        serde_json::json!(["nguyen.anh.tuyet@example.vn"])
    );
    assert_eq!(envelope["login"], "motcua");

    // A second message goes over a new connection.
    mailer
        .send(&vietnamese_email("b@example.vn"))
        .await
        .unwrap();
    assert_eq!(sink.count(), 2);
}

#[tokio::test]
async fn refusals_are_permanent_and_deferrals_temporary() {
    let Some(sink) = start(None, "refusals") else {
        return;
    };
    let mailer = mailer(&format!("smtp://127.0.0.1:{}?tls=none", sink.port));
    let refused = mailer
        .send(&vietnamese_email("x@refused.invalid"))
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, DeliveryError::Permanent(m) if m.contains("550")),
        "{refused:?}"
    );
    let later = mailer
        .send(&vietnamese_email("y@later.invalid"))
        .await
        .unwrap_err();
    assert!(
        matches!(&later, DeliveryError::Temporary(m) if m.contains("451")),
        "{later:?}"
    );
    assert_eq!(sink.count(), 0);
}

#[tokio::test]
async fn a_wrong_password_is_temporary_until_the_configuration_is_fixed() {
    let Some(sink) = start(Some("motcua:right"), "wrong_password") else {
        return;
    };
    let error = mailer(&format!(
        "smtp://motcua:wrong@127.0.0.1:{}?tls=none",
        sink.port
    ))
    .send(&vietnamese_email("a@example.vn"))
    .await
    .unwrap_err();
    assert!(
        matches!(&error, DeliveryError::Temporary(m) if m.contains("535")),
        "{error:?}"
    );
    assert!(!error.to_string().contains("wrong"), "{error}");
    assert_eq!(sink.count(), 0);
}

/// A free port with nothing listening on it.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn no_relay_is_a_temporary_failure() {
    let error = mailer(&format!("smtp://127.0.0.1:{}?tls=none", closed_port()))
        .send(&vietnamese_email("a@example.vn"))
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Temporary(_)), "{error:?}");
}

#[tokio::test]
async fn a_relay_that_never_answers_is_cut_off_by_the_timeout() {
    // Accepts connections (the kernel's backlog) but never greets.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let started = std::time::Instant::now();
    let error = mailer(&format!("smtp://127.0.0.1:{port}?tls=none&timeout=1"))
        .send(&vietnamese_email("a@example.vn"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, DeliveryError::Temporary(m) if m.contains("within 1 s")),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(silent);
}

/// The whole way a notification goes: queued in the outbox as a job, run by
/// the job runner, sent through the relay, read back from the server.
#[tokio::test]
async fn a_queued_notification_is_delivered_by_the_job_runner() {
    use std::sync::Arc;

    use motcua_app::jobs::{Handlers, Runner};
    use motcua_notify::RecordedSms;
    use motcua_store::{JobState, Store};

    let Some(sink) = start(None, "queued_notification") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(
        motcua_store_sqlite::SqliteStore::open(&dir.path().join("motcua.db"))
            .await
            .unwrap(),
    );
    let email = vietnamese_email("an@example.vn");
    let job = email
        .job("dossier:x:submitted:email", chrono::Utc::now())
        .unwrap();
    let id = store.enqueue(job.clone()).await.unwrap().unwrap();
    // Queued twice under the same key: one message.
    assert!(store.enqueue(job).await.unwrap().is_none());

    let mailer = mailer(&format!(
        "smtp://127.0.0.1:{}?tls=none&timeout=20",
        sink.port
    ));
    let handlers = Handlers::notifications(
        Arc::new(mailer),
        Arc::new(RecordedSms::new(dir.path().join("sms"))),
    );
    let runner = Runner::new(Arc::clone(&store), handlers, "test-worker");
    runner.run_once().await.unwrap();

    assert_eq!(store.job(id).await.unwrap().unwrap().state, JobState::Done);
    assert_eq!(sink.count(), 1);
    let (raw, envelope) = sink.received(1);
    assert_delivered_intact(&raw, &email);
    assert_eq!(envelope["rcpt_tos"], serde_json::json!(["an@example.vn"]));
}
