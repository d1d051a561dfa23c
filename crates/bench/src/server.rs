//! The processes under test: `motcua serve` on a loopback port, and the
//! read ceiling (this binary again), started, waited for, watched (their
//! memory) and stopped.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http::{As, Http};

/// How long a process may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A started process that answers on `base`.
pub struct Process {
    child: Child,
    pub base: String,
    /// From the spawn to the first successful answer.
    pub started_in: Duration,
}

impl Process {
    /// Starts `program args…` (its output to `log`) and waits until `GET
    /// probe` on `port` answers 200.
    pub async fn start(
        program: &Path,
        args: &[String],
        port: u16,
        probe: &str,
        log: &Path,
    ) -> Result<Process, String> {
        let out = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("{}: {e}", log.display()))?;
        let began = Instant::now();
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", program.display()))?;
        let base = format!("http://127.0.0.1:{port}");
        let http = Http::new(&base);
        loop {
            if let Ok(reply) = http.get(probe, As::Anonymous).await
                && reply.status.as_u16() == 200
            {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "{} stopped at start ({status}); see {}",
                    program.display(),
                    log.display()
                ));
            }
            if began.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "{} did not answer within {} s; see {}",
                    program.display(),
                    START_TIMEOUT.as_secs(),
                    log.display()
                ));
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Ok(Process {
            started_in: began.elapsed(),
            child,
            base,
        })
    }

    /// The process's memory now and at its highest, in megabytes (Linux).
    pub fn memory(&self) -> Memory {
        let pid = self.child.id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<f64>()
                        .ok()
                })
                .map(|kb| kb / 1024.0)
        };
        Memory {
            rss_mb: field("VmRSS:"),
            peak_mb: field("VmHWM:"),
        }
    }

    /// Stops the process and waits for it.
    pub fn stop(self) {
        // Drop does it.
    }
}

impl Drop for Process {
    /// A process under test never outlives the run, even one that failed.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A process's resident memory.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Memory {
    pub rss_mb: Option<f64>,
    pub peak_mb: Option<f64>,
}
