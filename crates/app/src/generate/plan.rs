//! What a generator run is asked to make, and why a plan is refused.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::calendar;
use motcua_domain::message::{Message, MessageArg};
use sha2::{Digest, Sha256};

/// How many dossiers, entering over which days, from which seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub dossiers: u64,
    /// The first day dossiers enter (Vietnam's date).
    pub from: NaiveDate,
    /// The last day dossiers enter; the simulated clock stops at its end or
    /// now, whichever is earlier.
    pub to: NaiveDate,
    pub seed: u64,
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanProblem {
    #[error("no dossiers to make")]
    NoDossiers,
    #[error("the period ends ({to}) before it starts ({from})")]
    EmptyPeriod { from: NaiveDate, to: NaiveDate },
    #[error("the period ends in the future ({to}; today is {today})")]
    InFuture { to: NaiveDate, today: NaiveDate },
    /// The catalog has no procedure in force on the first day (the
    /// earliest day one is, if any).
    #[error("no procedure of the catalog is in force on {from}")]
    NoProcedure {
        from: NaiveDate,
        earliest: Option<NaiveDate>,
    },
    /// No agency of the record decides a procedure in force.
    #[error("no agency decides procedure {code}")]
    NoAgency { code: String },
}

impl Message for PlanProblem {
    fn message_key(&self) -> &'static str {
        match self {
            PlanProblem::NoDossiers => "generate-no-dossiers",
            PlanProblem::EmptyPeriod { .. } => "generate-empty-period",
            PlanProblem::InFuture { .. } => "generate-in-future",
            PlanProblem::NoProcedure { earliest: None, .. } => "generate-no-catalog",
            PlanProblem::NoProcedure { .. } => "generate-no-procedure",
            PlanProblem::NoAgency { .. } => "generate-no-agency",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            PlanProblem::NoDossiers => Vec::new(),
            PlanProblem::EmptyPeriod { from, to } => {
                vec![
                    ("from", MessageArg::Date(*from)),
                    ("to", MessageArg::Date(*to)),
                ]
            }
            PlanProblem::InFuture { to, today } => {
                vec![
                    ("to", MessageArg::Date(*to)),
                    ("today", MessageArg::Date(*today)),
                ]
            }
            PlanProblem::NoProcedure { from, earliest } => {
                let mut args = vec![("from", MessageArg::Date(*from))];
                if let Some(earliest) = earliest {
                    args.push(("earliest", MessageArg::Date(*earliest)));
                }
                args
            }
            PlanProblem::NoAgency { code } => vec![("code", MessageArg::Text(code.clone().into()))],
        }
    }
}

impl Plan {
    /// The checks that need no record.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), PlanProblem> {
        let today = calendar::to_local(now).date();
        if self.dossiers == 0 {
            return Err(PlanProblem::NoDossiers);
        }
        if self.to < self.from {
            return Err(PlanProblem::EmptyPeriod {
                from: self.from,
                to: self.to,
            });
        }
        if self.to > today {
            return Err(PlanProblem::InFuture { to: self.to, today });
        }
        Ok(())
    }

    /// The seed of dossier `index`: the plan's whole identity goes in, so
    /// another plan never makes the same dossiers.
    pub fn seed_of(&self, index: u64) -> u64 {
        let mut h = Sha256::new();
        h.update(b"motcua-generate-1");
        h.update(self.dossiers.to_le_bytes());
        h.update(self.from.to_string().as_bytes());
        h.update(self.to.to_string().as_bytes());
        h.update(self.seed.to_le_bytes());
        h.update(index.to_le_bytes());
        let digest = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first)
    }
}
