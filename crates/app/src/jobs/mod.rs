//! The job runner: claims due jobs from the store, hands each to the handler
//! registered for its kind, and records the outcome (done, retried later,
//! dead-lettered).
//!
//! This room knows the store's job calls and the [`JobHandler`] trait; it
//! knows no transport, no template and no HTTP. What each kind of job does
//! lives in its handler (the notification handlers are in [`delivery`]).
//!
//! One [`Runner`] is one claiming loop with a name of its own
//! ([`worker_name`]); any number of them may run, in one process or on many
//! nodes, because the store leases each job to one worker at a time. A job
//! runs at least once: a handler must be idempotent or accept that a job
//! whose worker died mid-way runs again.
//!
//! How a failure is recorded depends on what the handler says of it: a
//! [`JobError::Temporary`] one is retried with backoff until the job's
//! attempts run out (`Store::fail_job`); a [`JobError::Permanent`] one (an
//! address refused, a payload that does not parse) is dead-lettered at once
//! (`Store::dead_letter_job`), since retrying it for hours mends nothing.
//! When the runner stops in the middle of a batch, the jobs it claimed but
//! did not start are handed back (`Store::release_job`): due again at once
//! for another worker, without the attempt their claim counted.

pub mod delivery;

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_store::{FailOutcome, Job, Store, StoreError};
use tokio::sync::watch;

pub use delivery::{EmailHandler, SmsHandler};

use crate::outbox::{EMAIL_JOB, Mailer, SMS_JOB, SmsSender};

/// Why a job did not succeed this time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Worth trying again later (a relay is down, a timeout).
    #[error("{0}")]
    Temporary(String),
    /// Will never work (the payload is malformed, the address refused).
    #[error("permanent: {0}")]
    Permanent(String),
}

impl JobError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, JobError::Permanent(_))
    }
}

impl From<crate::outbox::DeliveryError> for JobError {
    fn from(e: crate::outbox::DeliveryError) -> Self {
        match e {
            crate::outbox::DeliveryError::Temporary(m) => JobError::Temporary(m),
            crate::outbox::DeliveryError::Permanent(m) => JobError::Permanent(m),
        }
    }
}

/// Does the work of one kind of job.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync + 'static {
    async fn run(&self, job: &Job) -> Result<(), JobError>;
}

/// The handlers of a runner, by job kind.
#[derive(Clone, Default)]
pub struct Handlers {
    by_kind: HashMap<String, Arc<dyn JobHandler>>,
}

impl Handlers {
    pub fn new() -> Self {
        Handlers::default()
    }

    /// The e-mail and text-message handlers (`email.send`, `sms.send`).
    pub fn notifications(mailer: Arc<dyn Mailer>, sms: Arc<dyn SmsSender>) -> Self {
        Handlers::new()
            .with(EMAIL_JOB, EmailHandler(mailer))
            .with(SMS_JOB, SmsHandler(sms))
    }

    /// Adds (or replaces) the handler of `kind`.
    pub fn with(mut self, kind: impl Into<String>, handler: impl JobHandler) -> Self {
        self.insert(kind, Arc::new(handler));
        self
    }

    /// Adds (or replaces) the handler of `kind`.
    pub fn insert(&mut self, kind: impl Into<String>, handler: Arc<dyn JobHandler>) {
        self.by_kind.insert(kind.into(), handler);
    }

    pub fn get(&self, kind: &str) -> Option<&Arc<dyn JobHandler>> {
        self.by_kind.get(kind)
    }

    /// The kinds handled, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        let mut kinds: Vec<&str> = self.by_kind.keys().map(String::as_str).collect();
        kinds.sort_unstable();
        kinds
    }
}

impl fmt::Debug for Handlers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handlers")
            .field("kinds", &self.kinds())
            .finish()
    }
}

/// How a runner paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunnerConfig {
    /// How long the loop sleeps when it found nothing to do.
    pub poll_interval: Duration,
    /// Jobs claimed at a time; they run one after another.
    pub batch: u32,
    /// How long one job may run before it counts as a temporary failure.
    pub job_timeout: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            poll_interval: Duration::from_secs(1),
            batch: 4,
            job_timeout: Duration::from_secs(120),
        }
    }
}

impl RunnerConfig {
    /// The lease a batch is claimed under: long enough for every job of the
    /// batch to run out its timeout, plus a minute, so a live worker never
    /// loses a job to another.
    pub fn lease(&self) -> TimeDelta {
        let per_job = TimeDelta::from_std(self.job_timeout).unwrap_or(TimeDelta::hours(1));
        per_job
            .checked_mul(i32::try_from(self.batch.max(1)).unwrap_or(i32::MAX))
            .and_then(|all| all.checked_add(&TimeDelta::minutes(1)))
            .unwrap_or(TimeDelta::days(1))
    }
}

/// The time a runner goes by (a test sets its own).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What became of one claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Done,
    /// Failed; tried again at this time.
    Retry {
        at: DateTime<Utc>,
        error: JobError,
    },
    /// Failed on its last attempt, or permanently: dead-lettered.
    Dead {
        error: JobError,
    },
    /// The lease was lost (it ran out and another worker took the job):
    /// this worker's outcome was not recorded.
    LeaseLost,
    /// Claimed but not started because the runner was stopping; handed
    /// back, due at once and with its attempt unspent.
    NotRun,
}

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// Each claimed job with its outcome, in the order they ran.
    pub jobs: Vec<(motcua_store::JobId, String, JobOutcome)>,
}

impl Batch {
    pub fn claimed(&self) -> usize {
        self.jobs.len()
    }

    pub fn done(&self) -> usize {
        self.count(|o| matches!(o, JobOutcome::Done))
    }

    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, JobOutcome::Retry { .. } | JobOutcome::Dead { .. }))
    }

    fn count(&self, f: impl Fn(&JobOutcome) -> bool) -> usize {
        self.jobs.iter().filter(|(_, _, o)| f(o)).count()
    }
}

/// One claiming loop.
pub struct Runner {
    store: Arc<dyn Store>,
    handlers: Handlers,
    worker: String,
    config: RunnerConfig,
    clock: Clock,
}

impl fmt::Debug for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runner")
            .field("worker", &self.worker)
            .field("handlers", &self.handlers)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Runner {
    /// A runner named `worker`, which must be unique among the loops that
    /// share the store ([`worker_name`] makes one).
    pub fn new(store: Arc<dyn Store>, handlers: Handlers, worker: impl Into<String>) -> Self {
        Runner {
            store,
            handlers,
            worker: worker.into(),
            config: RunnerConfig::default(),
            clock: Arc::new(Utc::now),
        }
    }

    pub fn config(mut self, config: RunnerConfig) -> Self {
        self.config = config;
        self
    }

    /// Replaces the wall clock (tests move time forward to reach retries).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// Claims one batch of due jobs and runs them all: for tests, and for a
    /// command that drains the queue deterministically.
    pub async fn run_once(&self) -> Result<Batch, StoreError> {
        self.batch(None).await
    }

    /// Claims and runs jobs until `shutdown` turns true (or its sender is
    /// dropped). When it does, the job running finishes and the loop ends;
    /// when idle, the loop ends at once. A store that cannot be reached is
    /// logged and tried again, waiting longer each time (at most a minute).
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(worker = %self.worker, kinds = ?self.handlers.kinds(), "job runner started");
        let mut store_errors: u32 = 0;
        while !stop_requested(&shutdown) {
            let pause = match self.batch(Some(&shutdown)).await {
                Ok(batch) if batch.claimed() > 0 => {
                    store_errors = 0;
                    continue;
                }
                Ok(_) => {
                    store_errors = 0;
                    self.config.poll_interval
                }
                Err(e) => {
                    store_errors = store_errors.saturating_add(1);
                    let pause = self
                        .config
                        .poll_interval
                        .saturating_mul(1 << store_errors.min(6))
                        .min(Duration::from_secs(60));
                    tracing::warn!(worker = %self.worker, error = %e, retry_in = ?pause, "job runner: store error");
                    pause
                }
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                // An error means the sender is gone: stop as well.
                _ = shutdown.wait_for(|&stop| stop) => break,
            }
        }
        tracing::info!(worker = %self.worker, "job runner stopped");
    }

    async fn batch(&self, shutdown: Option<&watch::Receiver<bool>>) -> Result<Batch, StoreError> {
        let jobs = self
            .store
            .claim_jobs(
                &self.worker,
                (self.clock)(),
                self.config.lease(),
                self.config.batch.max(1),
            )
            .await?;
        let mut batch = Batch::default();
        for job in jobs {
            let outcome = if shutdown.is_some_and(stop_requested) {
                self.hand_back(&job).await?
            } else {
                self.run_job(&job).await?
            };
            batch.jobs.push((job.id, job.kind, outcome));
        }
        Ok(batch)
    }

    /// Runs one claimed job and records its outcome.
    async fn run_job(&self, job: &Job) -> Result<JobOutcome, StoreError> {
        let result = self.execute(job).await;
        let now = (self.clock)();
        let error = match result {
            Ok(()) => {
                return Ok(
                    if self.store.complete_job(job.id, &self.worker, now).await? {
                        tracing::debug!(job = %job.id, kind = %job.kind, "job done");
                        JobOutcome::Done
                    } else {
                        tracing::warn!(job = %job.id, kind = %job.kind, "job done, but its lease was lost: it may run again");
                        JobOutcome::LeaseLost
                    },
                );
            }
            Err(error) => error,
        };
        // The payload is never logged: it holds addresses and phone numbers.
        let message = error.to_string();
        let outcome = if error.is_permanent() {
            self.store
                .dead_letter_job(job.id, &self.worker, &message, now)
                .await?
        } else {
            self.store
                .fail_job(job.id, &self.worker, &message, now)
                .await?
        };
        Ok(match outcome {
            FailOutcome::Retry { at } => {
                tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %at, %error, "job failed; will retry");
                JobOutcome::Retry { at, error }
            }
            FailOutcome::Dead if error.is_permanent() => {
                tracing::error!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed permanently: dead-lettered");
                JobOutcome::Dead { error }
            }
            FailOutcome::Dead => {
                tracing::error!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed on its last attempt: dead-lettered");
                JobOutcome::Dead { error }
            }
            FailOutcome::LeaseLost => {
                tracing::warn!(job = %job.id, kind = %job.kind, %error, "job failed, and its lease was lost");
                JobOutcome::LeaseLost
            }
        })
    }

    /// Gives back a claimed job the runner will not start: due again at
    /// once for another worker, its attempt unspent.
    async fn hand_back(&self, job: &Job) -> Result<JobOutcome, StoreError> {
        Ok(
            if self
                .store
                .release_job(job.id, &self.worker, (self.clock)())
                .await?
            {
                tracing::debug!(job = %job.id, kind = %job.kind, "job handed back: the worker is stopping");
                JobOutcome::NotRun
            } else {
                tracing::warn!(job = %job.id, kind = %job.kind, "job not run, and its lease was lost");
                JobOutcome::LeaseLost
            },
        )
    }

    /// Calls the job's handler on a task of its own, so a handler that
    /// panics or hangs fails its job instead of the runner.
    async fn execute(&self, job: &Job) -> Result<(), JobError> {
        let Some(handler) = self.handlers.get(&job.kind) else {
            // Temporary, not permanent: during a rolling upgrade an older
            // node may claim a kind that only newer nodes know.
            return Err(JobError::Temporary(format!(
                "no handler for job kind “{}” on worker {}",
                job.kind, self.worker
            )));
        };
        let handler = Arc::clone(handler);
        let owned = job.clone();
        let task = tokio::spawn(async move { handler.run(&owned).await });
        let abort = task.abort_handle();
        match tokio::time::timeout(self.config.job_timeout, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(e)) if e.is_panic() => {
                Err(JobError::Temporary("the job's handler panicked".into()))
            }
            Ok(Err(_)) => Err(JobError::Temporary(
                "the job's handler was cancelled".into(),
            )),
            Err(_) => {
                abort.abort();
                Err(JobError::Temporary(format!(
                    "timed out after {:?}",
                    self.config.job_timeout
                )))
            }
        }
    }
}

fn stop_requested(shutdown: &watch::Receiver<bool>) -> bool {
    *shutdown.borrow() || shutdown.has_changed().is_err()
}

/// A worker name unique to one loop: the host, the process and a random
/// part (`host/1234/9f2c…`).
pub fn worker_name() -> String {
    let host = ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().chars().take(64).collect::<String>())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    // A hasher seeded at random by the standard library: no extra crate.
    let mut random = RandomState::new().build_hasher();
    random.write_u64(u64::from(std::process::id()));
    format!("{host}/{}/{:016x}", std::process::id(), random.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_names_differ_within_a_process() {
        let a = worker_name();
        let b = worker_name();
        assert_ne!(a, b);
        assert!(a.contains(&format!("/{}/", std::process::id())), "{a}");
    }

    #[test]
    fn the_lease_outlasts_a_whole_batch() {
        let config = RunnerConfig {
            batch: 4,
            job_timeout: Duration::from_secs(120),
            ..RunnerConfig::default()
        };
        assert_eq!(config.lease(), TimeDelta::minutes(9));
    }

    #[test]
    fn a_permanent_error_says_so() {
        assert_eq!(
            JobError::Permanent("bad address".into()).to_string(),
            "permanent: bad address"
        );
        assert_eq!(JobError::Temporary("down".into()).to_string(), "down");
    }
}
