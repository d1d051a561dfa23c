//! Hand-over records (*biên bản giao nhận*) between a post office and an
//! agency (QĐ 45/2016 Art. 7 and 9): the dossiers the post brings in, or
//! the results it takes out. One side drafts the record listing the
//! consignments; the other side confirms it. The confirmation is the moment
//! the papers changed hands: for a dossier brought in, its legal filing
//! time.

use std::fmt;

use chrono::{DateTime, Utc};
use motcua_domain::postal::consignment::{Leg, Status};

use crate::error::{StoreError, StoreResult};
use crate::ids::{AgencyId, ConsignmentId, HandoverId, UserId};
use crate::model::postal::ConsignmentRecord;

/// A record's number: its post office's series, restarted each year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HandoverNumber {
    pub year: i32,
    pub number: u32,
}

impl fmt::Display for HandoverNumber {
    /// `0012/2026`, as written on the record.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}/{}", self.number, self.year)
    }
}

/// A record to draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHandover {
    pub id: HandoverId,
    /// `Pickup`: dossiers the post hands to the agency; `Delivery`: results
    /// the agency hands to the post.
    pub leg: Leg,
    pub post_office: AgencyId,
    pub agency: AgencyId,
    pub consignments: Vec<ConsignmentId>,
    pub drafted_by: UserId,
    pub at: DateTime<Utc>,
}

impl NewHandover {
    /// The status a consignment must have to be listed: picked up (on its
    /// way to the agency) or waiting for the post.
    pub fn listable(&self) -> Status {
        match self.leg {
            Leg::Pickup => Status::PickedUp,
            Leg::Delivery => Status::AwaitingPost,
        }
    }

    /// Whether `consignment` may be listed on this record; both engines
    /// check each one in the drafting transaction. Being on another record
    /// is checked apart (a unique index).
    pub fn may_list(&self, consignment: &ConsignmentRecord) -> StoreResult<()> {
        if consignment.agency != self.agency || consignment.state.leg != self.leg {
            return Err(StoreError::invalid(format!(
                "consignment {} is not a {} of this agency",
                consignment.id,
                self.leg.key()
            )));
        }
        if consignment.state.status != self.listable() {
            return Err(StoreError::conflict(format!(
                "consignment {} is {}, not {}",
                consignment.id,
                consignment.state.status.key(),
                self.listable().key()
            )));
        }
        Ok(())
    }

    /// The record's own checks: something listed, nothing twice.
    pub fn check(&self) -> StoreResult<()> {
        if self.consignments.is_empty() {
            return Err(StoreError::invalid("a hand-over record lists something"));
        }
        let mut seen = std::collections::BTreeSet::new();
        if !self.consignments.iter().all(|c| seen.insert(*c)) {
            return Err(StoreError::invalid(
                "a hand-over record lists a consignment once",
            ));
        }
        Ok(())
    }
}

/// A record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub id: HandoverId,
    pub number: HandoverNumber,
    pub leg: Leg,
    pub post_office: AgencyId,
    pub agency: AgencyId,
    /// Oldest consignment first.
    pub consignments: Vec<ConsignmentId>,
    pub drafted_by: UserId,
    pub drafted_at: DateTime<Utc>,
    /// Who confirmed it on the other side, and when: the hand-over itself.
    pub confirmed: Option<(UserId, DateTime<Utc>)>,
}

/// What confirming a record did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// Confirmed now.
    Now(Handover),
    /// It had been confirmed before: the first confirmation stands.
    Already(Handover),
}

impl Confirmation {
    pub fn record(&self) -> &Handover {
        match self {
            Confirmation::Now(h) | Confirmation::Already(h) => h,
        }
    }
}
