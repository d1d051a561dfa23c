//! The figures of recent requests, kept a few minutes: the dashboard is
//! public, and each computation reads every dossier of its period, so a
//! crowd (or a crawler) asking for the same period is answered from here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use motcua_app::statistics::Statistics;

/// How long a computation is served again.
const FRESH_FOR: Duration = Duration::from_secs(300);
/// How long one read before a recount caught up is served again: the
/// page shows the recount's progress.
const BEHIND_FRESH_FOR: Duration = Duration::from_secs(15);
/// How many periods are kept.
const ENTRIES: usize = 32;

pub struct StatsCache {
    entries: Mutex<HashMap<String, (Instant, Arc<Statistics>)>>,
    /// One computation at a time: a crowd asking for periods not yet kept
    /// queues here instead of reading the record many times over, and the
    /// ones behind the first find its result kept.
    computing: tokio::sync::Semaphore,
}

impl Default for StatsCache {
    fn default() -> Self {
        StatsCache {
            entries: Mutex::default(),
            computing: tokio::sync::Semaphore::new(1),
        }
    }
}

impl StatsCache {
    /// Waits for the turn to compute.
    pub(crate) async fn turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.computing.acquire().await.ok()
    }

    pub(crate) fn get(&self, key: &str) -> Option<Arc<Statistics>> {
        let entries = self.entries.lock().ok()?;
        let (at, stats) = entries.get(key)?;
        (at.elapsed() < fresh_for(stats)).then(|| Arc::clone(stats))
    }

    pub(crate) fn put(&self, key: String, stats: Arc<Statistics>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        entries.retain(|_, (at, stats)| at.elapsed() < fresh_for(stats));
        if entries.len() >= ENTRIES
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
        entries.insert(key, (Instant::now(), stats));
    }
}

fn fresh_for(stats: &Statistics) -> Duration {
    if stats.behind.is_some() {
        BEHIND_FRESH_FOR
    } else {
        FRESH_FOR
    }
}
