//! A run's results: the ceilings, every phase, the server's start and
//! memory; as the Markdown table of BENCHMARKS.md and as JSON.

use std::fmt::Write;
use std::time::Duration;

use serde::Serialize;

use crate::drive::Outcome;
use crate::scenarios::Scenario;
use crate::server::Memory;

/// One scenario at one connection count.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    #[serde(serialize_with = "scenario_name")]
    pub scenario: Scenario,
    pub outcome: Outcome,
    /// The server's memory right after the phase.
    pub memory: Memory,
}

fn scenario_name<S: serde::Serializer>(s: &Scenario, to: S) -> Result<S::Ok, S::Error> {
    to.serialize_str(s.name())
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub label: String,
    /// From starting `motcua serve` to its first answer.
    pub cold_start_ms: f64,
    /// The server's memory once it answered.
    pub idle_memory: Memory,
    pub read_ceiling: Vec<Outcome>,
    pub write_ceiling: Vec<Outcome>,
    pub phases: Vec<Phase>,
    /// The server's memory at the end (its peak over the run included).
    pub final_memory: Memory,
    pub submitted: usize,
}

impl Results {
    pub fn new(label: &str, started_in: Duration, idle: Memory) -> Self {
        Results {
            label: label.to_owned(),
            cold_start_ms: started_in.as_secs_f64() * 1000.0,
            idle_memory: idle,
            read_ceiling: Vec::new(),
            write_ceiling: Vec::new(),
            phases: Vec::new(),
            final_memory: Memory::default(),
            submitted: 0,
        }
    }

    pub fn ceiling(&mut self, writes: bool, outcome: Outcome) {
        if writes {
            self.write_ceiling.push(outcome);
        } else {
            self.read_ceiling.push(outcome);
        }
    }

    pub fn phase(&mut self, phase: Phase) {
        self.phases.push(phase);
    }

    pub fn finish(&mut self, memory: Memory, submitted: usize) {
        self.final_memory = memory;
        self.submitted = submitted;
    }

    /// The ceiling a phase is compared with: the same kind, the same
    /// connection count.
    fn ceiling_of(&self, phase: &Phase) -> Option<&Outcome> {
        let ceilings = if phase.scenario.writes() {
            &self.write_ceiling
        } else {
            &self.read_ceiling
        };
        ceilings
            .iter()
            .find(|c| c.connections == phase.outcome.connections)
    }

    /// What went wrong first, if anything did: a phase with errors, or one
    /// that did nothing at all.
    pub fn first_failure(&self) -> Option<String> {
        let ceilings = self.read_ceiling.iter().map(|o| ("read ceiling", o));
        let ceilings = ceilings.chain(self.write_ceiling.iter().map(|o| ("write ceiling", o)));
        let phases = self.phases.iter().map(|p| (p.scenario.name(), &p.outcome));
        ceilings.chain(phases).find_map(|(name, o)| {
            let at = format!("{name} at {} connections", o.connections);
            match (&o.first_error, o.ops) {
                (Some(error), _) => Some(format!("{at}: {} errors, the first: {error}", o.errors)),
                (None, 0) => Some(format!("{at}: no operation completed")),
                (None, _) => None,
            }
        })
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let mb = |m: Option<f64>| m.map_or("?".to_owned(), |v| format!("{v:.0}"));
        let _ = writeln!(out, "### {}\n", self.label);
        let _ = writeln!(
            out,
            "Cold start (spawn to first answer): {:.0} ms. Server memory: {} MB idle, {} MB at the end, {} MB at its peak. Dossiers submitted in the run: {}.\n",
            self.cold_start_ms,
            mb(self.idle_memory.rss_mb),
            mb(self.final_memory.rss_mb),
            mb(self.final_memory.peak_mb),
            self.submitted,
        );
        let _ = writeln!(
            out,
            "| scenario | conns | ops/s | × ceiling | p50 ms | p95 ms | p99 ms | errors | server RSS MB |"
        );
        let _ = writeln!(out, "|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        let row = |out: &mut String, name: &str, o: &Outcome, ratio: String, rss: String| {
            let _ = writeln!(
                out,
                "| {name} | {} | {:.1} | {ratio} | {:.2} | {:.2} | {:.2} | {} | {rss} |",
                o.connections, o.throughput, o.p50_ms, o.p95_ms, o.p99_ms, o.errors
            );
        };
        for o in &self.read_ceiling {
            row(
                &mut out,
                "*read ceiling* (bare handler, small JSON)",
                o,
                "1".into(),
                "".into(),
            );
        }
        for o in &self.write_ceiling {
            row(
                &mut out,
                "*write ceiling* (200 KB file flushed and renamed, one row committed)",
                o,
                "1".into(),
                "".into(),
            );
        }
        for phase in &self.phases {
            let ratio = self
                .ceiling_of(phase)
                .filter(|c| c.throughput > 0.0)
                .map_or("?".to_owned(), |c| {
                    format!("{:.2}", phase.outcome.throughput / c.throughput)
                });
            row(
                &mut out,
                phase.scenario.name(),
                &phase.outcome,
                ratio,
                mb(phase.memory.rss_mb),
            );
        }
        out
    }
}
