//! Closed-loop load: N connections, each sending its next operation as soon
//! as the last one answered, until the time or the count runs out.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::Serialize;

/// Why an operation did not count.
#[derive(Debug)]
pub enum Failure {
    /// Nothing is left to do (every submitted dossier was accepted): the
    /// connection stops, and nothing is counted.
    Exhausted,
    /// The operation failed: counted as an error, with what it said.
    Error(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Error(message)
    }
}

/// One kind of operation the connections repeat.
pub trait Operation: Send + Sync + 'static {
    /// Runs the operation numbered `seq` (0, 1, …, across all connections)
    /// on connection `connection`.
    fn once(
        &self,
        connection: usize,
        seq: u64,
    ) -> impl std::future::Future<Output = Result<(), Failure>> + Send;
}

/// How much load a phase sends.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connections: usize,
    /// No operation starts after this.
    pub duration: Duration,
    /// No more operations than this start.
    pub max_ops: u64,
}

/// What a phase measured.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub connections: usize,
    /// Operations that succeeded.
    pub ops: u64,
    pub errors: u64,
    /// What the first error said.
    pub first_error: Option<String>,
    pub seconds: f64,
    /// Successful operations per second.
    pub throughput: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Runs `op` on `limits.connections` connections at once.
pub async fn drive<O: Operation>(op: Arc<O>, limits: Limits) -> Result<Outcome, String> {
    // microseconds from 1 µs to an hour, three significant figures
    let empty = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3)
        .map_err(|e| format!("latency histogram: {e}"))?;
    let tickets = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + limits.duration;
    let mut tasks = Vec::with_capacity(limits.connections);
    for connection in 0..limits.connections {
        let op = Arc::clone(&op);
        let tickets = Arc::clone(&tickets);
        let mut tally = Tally::new(empty.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let seq = tickets.fetch_add(1, Ordering::Relaxed);
                if seq >= limits.max_ops || Instant::now() >= deadline {
                    break;
                }
                let began = Instant::now();
                match op.once(connection, seq).await {
                    Ok(()) => tally.record(began.elapsed()),
                    Err(Failure::Exhausted) => break,
                    Err(Failure::Error(message)) => tally.fail(message),
                }
            }
            tally
        }));
    }
    let mut total = Tally::new(empty);
    for task in tasks {
        match task.await {
            Ok(tally) => total.add(tally),
            Err(e) => total.fail(format!("a connection's task failed: {e}")),
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    Ok(total.outcome(limits.connections, seconds))
}

/// One connection's (then the phase's) counts and latencies.
struct Tally {
    latencies: Histogram<u64>,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn new(latencies: Histogram<u64>) -> Self {
        Tally {
            latencies,
            errors: 0,
            first_error: None,
        }
    }

    fn record(&mut self, took: Duration) {
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).max(1);
        self.latencies.saturating_record(micros);
    }

    fn fail(&mut self, message: String) {
        self.errors += 1;
        self.first_error.get_or_insert(message);
    }

    fn add(&mut self, other: Tally) {
        // Same bounds on both sides, so adding cannot run out of range.
        let _ = self.latencies.add(&other.latencies);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    fn outcome(self, connections: usize, seconds: f64) -> Outcome {
        let ms = |q: f64| self.latencies.value_at_quantile(q) as f64 / 1000.0;
        let ops = self.latencies.len();
        Outcome {
            connections,
            ops,
            errors: self.errors,
            first_error: self.first_error,
            seconds,
            throughput: if seconds > 0.0 {
                ops as f64 / seconds
            } else {
                0.0
            },
            p50_ms: ms(0.50),
            p95_ms: ms(0.95),
            p99_ms: ms(0.99),
            max_ms: self.latencies.max() as f64 / 1000.0,
        }
    }
}
