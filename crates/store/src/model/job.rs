use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use crate::ids::JobId;

/// Work to do after a commit (the outbox) or at a time (the scheduler).
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What kind of work (`email.send`, `sms.send`, `dossier.close-missing-supplement`, …).
    pub kind: String,
    pub payload: Value,
    pub run_at: DateTime<Utc>,
    /// At most one job ever exists per key: recurring work uses a key per
    /// period (`digest:2025-03-03`), so however many nodes schedule it, it
    /// runs once.
    pub idempotency_key: Option<String>,
    /// Attempts before the job is dead-lettered.
    pub max_attempts: u32,
}

impl NewJob {
    pub fn new(kind: impl Into<String>, payload: Value, run_at: DateTime<Utc>) -> Self {
        NewJob {
            kind: kind.into(),
            payload,
            run_at,
            idempotency_key: None,
            max_attempts: 8,
        }
    }

    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    /// Waiting for its time, or for a retry.
    Pending,
    /// Leased to a worker until its lease ends.
    Running,
    Done,
    /// Failed `max_attempts` times; an administrator decides.
    Dead,
}

impl JobState {
    pub fn key(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [
            JobState::Pending,
            JobState::Running,
            JobState::Done,
            JobState::Dead,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: Value,
    pub run_at: DateTime<Utc>,
    pub idempotency_key: Option<String>,
    pub attempts: u32,
    pub max_attempts: u32,
    pub state: JobState,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// What a failed attempt led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// Tried again at this time.
    Retry { at: DateTime<Utc> },
    /// No attempts left: dead-lettered.
    Dead,
    /// The worker no longer held the lease (it expired and another took it):
    /// nothing changed.
    LeaseLost,
}

/// How long to wait before attempt `attempts + 1`: 30 s doubling each time,
/// at most 6 hours.
pub fn backoff(attempts: u32) -> TimeDelta {
    let exp = attempts.saturating_sub(1).min(16);
    let seconds = 30i64.saturating_mul(1i64 << exp);
    TimeDelta::seconds(seconds.min(6 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), TimeDelta::seconds(30));
        assert_eq!(backoff(2), TimeDelta::seconds(60));
        assert_eq!(backoff(5), TimeDelta::seconds(480));
        assert_eq!(backoff(40), TimeDelta::hours(6));
    }
}
