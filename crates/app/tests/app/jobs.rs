//! The job runner on a real SQLite store: handled jobs complete, failures are
//! retried then dead-lettered (permanent ones at once), unknown kinds fail
//! with a clear message, and the loop stops when told to, after the job it is
//! running, handing back the jobs it did not start.

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use motcua_app::jobs::{Clock, Handlers, JobError, JobHandler, JobOutcome, Runner, RunnerConfig};
use motcua_app::outbox::{
    DeliveryError, EMAIL_JOB, EmailMessage, Mailer, SMS_JOB, SmsMessage, SmsSender,
};
use motcua_store::{Job, JobId, JobState, NewJob, Store};
use serde_json::json;
use tokio::sync::{Notify, watch};

use super::sqlite;

/// Counts its calls and answers with a fixed result.
struct Fixed {
    calls: Arc<AtomicUsize>,
    result: Result<(), JobError>,
}

#[async_trait::async_trait]
impl JobHandler for Fixed {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.result.clone()
    }
}

fn fixed(result: Result<(), JobError>) -> (Fixed, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    (
        Fixed {
            calls: Arc::clone(&calls),
            result,
        },
        calls,
    )
}

/// A clock that tests move forward, in seconds.
fn movable_clock() -> (Clock, Arc<AtomicI64>) {
    let offset = Arc::new(AtomicI64::new(0));
    let seen = Arc::clone(&offset);
    let clock: Clock =
        Arc::new(move || Utc::now() + TimeDelta::seconds(seen.load(Ordering::SeqCst)));
    (clock, offset)
}

async fn enqueue(store: &dyn Store, job: NewJob) -> JobId {
    store.enqueue(job).await.unwrap().unwrap()
}

async fn state(store: &dyn Store, id: JobId) -> Job {
    store.job(id).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_handled_job_completes() {
    let db = sqlite().await;
    let (handler, calls) = fixed(Ok(()));
    let id = enqueue(
        &*db.store,
        NewJob::new("test.ok", json!({"n": 1}), Utc::now()),
    )
    .await;
    let runner = Runner::new(
        Arc::clone(&db.store),
        Handlers::new().with("test.ok", handler),
        "test-worker",
    );

    let batch = runner.run_once().await.unwrap();
    assert_eq!(batch.jobs, vec![(id, "test.ok".into(), JobOutcome::Done)]);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let job = state(&*db.store, id).await;
    assert_eq!(job.state, JobState::Done);
    assert!(job.finished_at.is_some());

    // Nothing is left to do.
    assert_eq!(runner.run_once().await.unwrap().claimed(), 0);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failing_job_is_retried_then_dead_lettered() {
    let db = sqlite().await;
    let (handler, calls) = fixed(Err(JobError::Temporary("relay down".into())));
    let id = enqueue(
        &*db.store,
        NewJob::new("test.flaky", json!({}), Utc::now()).max_attempts(2),
    )
    .await;
    let (clock, offset) = movable_clock();
    let runner = Runner::new(
        Arc::clone(&db.store),
        Handlers::new().with("test.flaky", handler),
        "test-worker",
    )
    .clock(clock);

    let first = runner.run_once().await.unwrap();
    let [(_, _, JobOutcome::Retry { at, error })] = first.jobs.as_slice() else {
        panic!("expected a retry: {first:?}");
    };
    assert_eq!(error, &JobError::Temporary("relay down".into()));
    assert!(*at > Utc::now() + TimeDelta::seconds(20), "backoff: {at}");
    let job = state(&*db.store, id).await;
    assert_eq!(job.state, JobState::Pending);
    assert_eq!(job.last_error.as_deref(), Some("relay down"));

    // Not due before its backoff.
    assert_eq!(runner.run_once().await.unwrap().claimed(), 0);
    offset.store(3600, Ordering::SeqCst);
    let second = runner.run_once().await.unwrap();
    assert!(
        matches!(second.jobs.as_slice(), [(_, _, JobOutcome::Dead { .. })]),
        "{second:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let dead = db.store.dead_jobs(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, id);
    assert_eq!(dead[0].attempts, 2);
    assert_eq!(dead[0].last_error.as_deref(), Some("relay down"));
}

#[tokio::test]
async fn a_permanent_failure_is_dead_lettered_at_once() {
    let db = sqlite().await;
    let (handler, calls) = fixed(Err(JobError::Permanent("no such mailbox".into())));
    // Eight attempts allowed (the default), yet one is enough.
    let id = enqueue(&*db.store, NewJob::new("test.bad", json!({}), Utc::now())).await;
    let (clock, offset) = movable_clock();
    let runner = Runner::new(
        Arc::clone(&db.store),
        Handlers::new().with("test.bad", handler),
        "test-worker",
    )
    .clock(clock);
    let batch = runner.run_once().await.unwrap();
    assert!(
        matches!(batch.jobs.as_slice(), [(_, _, JobOutcome::Dead { error })] if error.is_permanent()),
        "{batch:?}"
    );
    let job = state(&*db.store, id).await;
    assert_eq!(job.state, JobState::Dead);
    assert_eq!(job.attempts, 1);
    assert_eq!(
        job.last_error.as_deref(),
        Some("permanent: no such mailbox")
    );
    let dead = db.store.dead_jobs(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, id);

    // Not retried, however long one waits.
    offset.store(7 * 24 * 3600, Ordering::SeqCst);
    assert_eq!(runner.run_once().await.unwrap().claimed(), 0);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_job_nobody_handles_fails_with_its_kind_named() {
    let db = sqlite().await;
    let id = enqueue(
        &*db.store,
        NewJob::new("nobody.handles", json!({}), Utc::now()).max_attempts(1),
    )
    .await;
    let runner = Runner::new(Arc::clone(&db.store), Handlers::new(), "test-worker");
    let batch = runner.run_once().await.unwrap();
    assert!(
        matches!(batch.jobs.as_slice(), [(_, kind, JobOutcome::Dead { .. })] if kind == "nobody.handles"),
        "{batch:?}"
    );
    let job = state(&*db.store, id).await;
    assert_eq!(job.state, JobState::Dead);
    let error = job.last_error.unwrap();
    assert!(
        error.contains("no handler for job kind “nobody.handles”"),
        "{error}"
    );
}

struct Panics;

#[async_trait::async_trait]
impl JobHandler for Panics {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        panic!("a bug in a handler");
    }
}

struct Hangs;

#[async_trait::async_trait]
impl JobHandler for Hangs {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        Ok(())
    }
}

#[tokio::test]
async fn a_handler_that_panics_or_hangs_fails_its_job_not_the_runner() {
    let db = sqlite().await;
    let panicking = enqueue(&*db.store, NewJob::new("test.panic", json!({}), Utc::now())).await;
    let hanging = enqueue(&*db.store, NewJob::new("test.hang", json!({}), Utc::now())).await;
    let runner = Runner::new(
        Arc::clone(&db.store),
        Handlers::new()
            .with("test.panic", Panics)
            .with("test.hang", Hangs),
        "test-worker",
    )
    .config(RunnerConfig {
        job_timeout: Duration::from_millis(200),
        ..RunnerConfig::default()
    });
    let batch = runner.run_once().await.unwrap();
    assert_eq!(batch.failed(), 2, "{batch:?}");
    assert_eq!(
        state(&*db.store, panicking).await.last_error.as_deref(),
        Some("the job's handler panicked")
    );
    assert_eq!(
        state(&*db.store, hanging).await.last_error.as_deref(),
        Some("timed out after 200ms")
    );
}

/// Signals when it starts, then takes a while.
struct Slow {
    started: Arc<Notify>,
    finished: Arc<AtomicUsize>,
}

#[async_trait::async_trait]
impl JobHandler for Slow {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        self.started.notify_one();
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.finished.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn quick() -> RunnerConfig {
    RunnerConfig {
        poll_interval: Duration::from_millis(20),
        ..RunnerConfig::default()
    }
}

#[tokio::test]
async fn the_loop_runs_jobs_as_they_come_and_stops_when_told() {
    let db = sqlite().await;
    let (handler, calls) = fixed(Ok(()));
    let runner = Runner::new(
        Arc::clone(&db.store),
        Handlers::new().with("test.ok", handler),
        motcua_app::jobs::worker_name(),
    )
    .config(quick());
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(runner.run(stopped));

    // A job enqueued while the loop idles is picked up at the next poll.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let id = enqueue(&*db.store, NewJob::new("test.ok", json!({}), Utc::now())).await;
    for _ in 0..200 {
        if state(&*db.store, id).await.state == JobState::Done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(state(&*db.store, id).await.state, JobState::Done);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("the loop stops promptly when idle")
        .unwrap();
}

#[tokio::test]
async fn on_stop_the_running_job_finishes_and_the_rest_are_handed_back() {
    let db = sqlite().await;
    let started = Arc::new(Notify::new());
    let finished = Arc::new(AtomicUsize::new(0));
    let first = enqueue(
        &*db.store,
        NewJob::new("test.slow", json!({}), Utc::now() - TimeDelta::seconds(2)),
    )
    .await;
    // On its last attempt: handed back, it must not be dead-lettered.
    let second = enqueue(
        &*db.store,
        NewJob::new("test.slow", json!({}), Utc::now() - TimeDelta::seconds(1)).max_attempts(1),
    )
    .await;
    let runner = Runner::new(
        Arc::clone(&db.store),
        Handlers::new().with(
            "test.slow",
            Slow {
                started: Arc::clone(&started),
                finished: Arc::clone(&finished),
            },
        ),
        "test-worker",
    )
    .config(quick());
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(runner.run(stopped));

    started.notified().await;
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(finished.load(Ordering::SeqCst), 1);
    assert_eq!(state(&*db.store, first).await.state, JobState::Done);
    let handed_back = state(&*db.store, second).await;
    assert_eq!(handed_back.state, JobState::Pending);
    assert_eq!(handed_back.attempts, 0, "the claim's attempt is not spent");
    assert_eq!(handed_back.lease_owner, None);
    assert_eq!(handed_back.last_error, None);
    assert!(handed_back.run_at <= Utc::now());

    // Another worker takes it at once and runs it.
    let (handler, calls) = fixed(Ok(()));
    let other = Runner::new(
        Arc::clone(&db.store),
        Handlers::new().with("test.slow", handler),
        "other-worker",
    );
    let batch = other.run_once().await.unwrap();
    assert_eq!(
        batch.jobs,
        vec![(second, "test.slow".into(), JobOutcome::Done)]
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(state(&*db.store, second).await.attempts, 1);
}

/// Keeps what it is asked to send; fails when told to.
#[derive(Default)]
struct Recorder {
    mail: Mutex<Vec<EmailMessage>>,
    sms: Mutex<Vec<SmsMessage>>,
}

#[async_trait::async_trait]
impl Mailer for Recorder {
    async fn send(&self, message: &EmailMessage) -> Result<(), DeliveryError> {
        if message.to.ends_with("@refused.invalid") {
            return Err(DeliveryError::Permanent("550 no such user".into()));
        }
        self.mail.lock().unwrap().push(message.clone());
        Ok(())
    }
}

#[async_trait::async_trait]
impl SmsSender for Recorder {
    async fn send(&self, message: &SmsMessage) -> Result<(), DeliveryError> {
        self.sms.lock().unwrap().push(message.clone());
        Ok(())
    }
}

#[tokio::test]
async fn notification_jobs_reach_their_transports() {
    let db = sqlite().await;
    let recorder = Arc::new(Recorder::default());
    let email = EmailMessage {
        to: "dan@example.vn".into(),
        subject: "Hồ sơ đã được tiếp nhận".into(),
        text: "Kính gửi ông/bà,\nhồ sơ của ông/bà đã được tiếp nhận.".into(),
    };
    let sms = SmsMessage {
        to: "+84912345678".into(),
        text: "Ho so 000.00.01.H12-250101-0001 da duoc tiep nhan".into(),
    };
    let now = Utc::now();
    enqueue(&*db.store, email.job("k:email", now).unwrap()).await;
    enqueue(&*db.store, sms.job("k:sms", now).unwrap()).await;
    let refused = EmailMessage {
        to: "x@refused.invalid".into(),
        ..email.clone()
    };
    // Each of these fails for good: dead-lettered at its first attempt.
    let refused = enqueue(&*db.store, refused.job("k:refused", now).unwrap()).await;
    let garbled = enqueue(&*db.store, NewJob::new(EMAIL_JOB, json!({"to": 42}), now)).await;
    let garbled_sms = enqueue(&*db.store, NewJob::new(SMS_JOB, json!("hello"), now)).await;

    let runner = Runner::new(
        Arc::clone(&db.store),
        Handlers::notifications(recorder.clone(), recorder.clone()),
        "test-worker",
    )
    .config(RunnerConfig {
        batch: 10,
        ..RunnerConfig::default()
    });
    let batch = runner.run_once().await.unwrap();
    assert_eq!(batch.claimed(), 5);
    assert_eq!(batch.done(), 2, "{batch:?}");
    let dead: Vec<JobId> = db
        .store
        .dead_jobs(10)
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(dead.len(), 3, "{batch:?}");
    for id in [refused, garbled, garbled_sms] {
        assert!(dead.contains(&id));
        assert_eq!(state(&*db.store, id).await.attempts, 1);
    }

    assert_eq!(*recorder.mail.lock().unwrap(), vec![email]);
    assert_eq!(*recorder.sms.lock().unwrap(), vec![sms]);
    assert_eq!(
        state(&*db.store, refused).await.last_error.as_deref(),
        Some("permanent: 550 no such user")
    );
    let garbled = state(&*db.store, garbled).await.last_error.unwrap();
    assert!(
        garbled.starts_with("permanent: the payload is not an e-mail message"),
        "{garbled}"
    );
    let garbled_sms = state(&*db.store, garbled_sms).await.last_error.unwrap();
    assert!(
        garbled_sms.starts_with("permanent: the payload is not a text message"),
        "{garbled_sms}"
    );
}
