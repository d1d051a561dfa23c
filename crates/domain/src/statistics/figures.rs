//! The figures of a group of dossiers (a field, an agency, a procedure, the
//! province) over a period, added up one dossier at a time.

use serde::Serialize;

use super::placement::{Column, Fate, columns_of, fates_of};
use crate::catalog::ServiceLevel;
use crate::indicators::{Conclusion, Counting, Received, Timeliness};
use crate::lifecycle::{Channel, Outcome};

/// What the statistics need to know about a dossier beyond how it counts:
/// read from its record, its procedure and what was recorded about it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facts {
    pub channel: Channel,
    /// Its procedure's level, when the catalog still knows the version.
    pub level: Option<ServiceLevel>,
    /// The working days of its legal period it used, if decided.
    pub processing_days: Option<f64>,
    /// Its procedure has fees or charges to pay (a financial obligation).
    pub has_fees: bool,
    /// A payment for it was settled online.
    pub paid_online: bool,
    /// Documents of it were digitised (captured) by an official.
    pub digitised: bool,
    /// Its applicant's rating, if given: satisfied (very or simply) or not.
    pub satisfied: Option<bool>,
    /// Its result goes back by post.
    pub result_by_post: bool,
    /// How many times the applicant was asked to complete it (at
    /// reception, after appraisal): TT 01 Art. 13 index 3.
    pub supplement_requests: u8,
    /// Filed without coming in and its result not collected in person: the
    /// applicant contacted no office (TT 01 Art. 13 index 4).
    pub no_visit: bool,
}

/// The figures of one group. Every count is counted on its own from the
/// dossiers; none is the sum of others.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Biểu II.06a columns 3 to 13, in [`Column::ALL`] order.
    pub columns: [u64; 11],
    /// Dossiers received anew in the period (columns 4 and 5's dossiers).
    pub new: u64,
    /// … of them, handed over by the public post.
    pub new_by_post: u64,
    /// … of them, of a procedure offered in full online (level 4).
    pub new_level4: u64,
    /// … and of those, filed online (TT 23/2018's level-4 rate).
    pub new_level4_online: u64,
    /// … of them, with fees or charges to pay.
    pub new_with_fees: u64,
    /// … of them, paid online.
    pub new_paid_online: u64,
    /// … of them, with documents digitised.
    pub new_digitised: u64,
    /// Decided in the period with a refusal (in the resolved columns).
    pub refused: u64,
    /// Withdrawn after acceptance in the period.
    pub withdrawn: u64,
    /// Stopped after acceptance in the period (at the applicant's request,
    /// by a sector law, or closed for a missing supplement).
    pub stopped: u64,
    /// Awaiting an appraisal supplement at the end of the period (counted
    /// in column 9, yet still open: the next period carries them over with
    /// the pending ones).
    pub awaiting_supplement: u64,
    /// Ended in the period without ever being received (refused at
    /// reception, withdrawn or stopped before acceptance).
    pub not_received: u64,
    /// Decided in the period with their result going back by post.
    pub results_by_post: u64,
    /// Decided in the period, with the working days each used, in
    /// thousandths of a day (whole numbers, so every engine and order of
    /// adding gives the same total).
    pub decided: u64,
    pub processing_millidays: u64,
    /// Decided in the period, by the decision against the due date (the
    /// withdrawn, stopped and waiting are not among them): early, on time,
    /// late. TT 01 Art. 13 index 1.
    pub decided_timeliness: [u64; 3],
    /// … by how many times the applicant was asked for more: none, once,
    /// more (index 3).
    pub decided_contacts: [u64; 3],
    /// … by the offices the applicant had to contact: none (online both
    /// ways), only the one-stop unit (index 4).
    pub decided_visits: [u64; 2],
    /// … filed online and decided late (index 9 wants none).
    pub late_online: u64,
    /// Ratings of dossiers concluded in the period, and how many satisfied.
    pub rated: u64,
    pub satisfied: u64,
}

/// A share, as a fraction of one; `None` when nothing was counted.
pub fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl Figures {
    /// Adds a dossier, as classified for the period, with its facts.
    pub fn add(&mut self, counting: &Counting, facts: &Facts) {
        for fate in fates_of(counting) {
            self.awaiting_supplement += u64::from(fate == Fate::AwaitingSupplement);
            for column in columns_of(fate) {
                self.columns[column.index()] += 1;
            }
        }
        if counting.not_received.is_some() {
            self.not_received += 1;
        }
        if let Some(Received::New(_)) = counting.received {
            self.new += 1;
            self.new_by_post += u64::from(facts.channel == Channel::Post);
            if facts.level == Some(ServiceLevel::Full) {
                self.new_level4 += 1;
                self.new_level4_online += u64::from(facts.channel.is_online());
            }
            // A dossier paid for had something to pay, whatever the
            // catalog's version says.
            self.new_with_fees += u64::from(facts.has_fees || facts.paid_online);
            self.new_paid_online += u64::from(facts.paid_online);
            self.new_digitised += u64::from(facts.digitised);
        }
        match counting.concluded {
            Some(Conclusion::Resolved {
                outcome,
                timeliness,
            }) => {
                self.refused += u64::from(outcome == Outcome::Refused);
                self.decided_timeliness[timeliness as usize] += 1;
                self.decided_contacts[usize::from(facts.supplement_requests.min(2))] += 1;
                self.decided_visits[usize::from(!facts.no_visit)] += 1;
                self.late_online +=
                    u64::from(timeliness == Timeliness::Late && facts.channel.is_online());
                self.results_by_post += u64::from(facts.result_by_post);
                if let Some(days) = facts.processing_days.filter(|d| d.is_finite() && *d >= 0.0) {
                    self.decided += 1;
                    self.processing_millidays += (days * 1000.0).round() as u64;
                }
            }
            Some(Conclusion::Withdrawn) => self.withdrawn += 1,
            Some(Conclusion::Stopped) => self.stopped += 1,
            None => {}
        }
        if counting.concluded.is_some()
            && let Some(satisfied) = facts.satisfied
        {
            self.rated += 1;
            self.satisfied += u64::from(satisfied);
        }
    }

    /// Adds another group's figures (a field's into its agency's).
    pub fn merge(&mut self, other: &Figures) {
        for (a, b) in self.columns.iter_mut().zip(other.columns) {
            *a += b;
        }
        self.new += other.new;
        self.new_by_post += other.new_by_post;
        self.new_level4 += other.new_level4;
        self.new_level4_online += other.new_level4_online;
        self.new_with_fees += other.new_with_fees;
        self.new_paid_online += other.new_paid_online;
        self.new_digitised += other.new_digitised;
        self.refused += other.refused;
        self.withdrawn += other.withdrawn;
        self.stopped += other.stopped;
        self.awaiting_supplement += other.awaiting_supplement;
        self.not_received += other.not_received;
        self.results_by_post += other.results_by_post;
        self.decided += other.decided;
        self.processing_millidays += other.processing_millidays;
        for (a, b) in self
            .decided_timeliness
            .iter_mut()
            .zip(other.decided_timeliness)
        {
            *a += b;
        }
        for (a, b) in self.decided_contacts.iter_mut().zip(other.decided_contacts) {
            *a += b;
        }
        for (a, b) in self.decided_visits.iter_mut().zip(other.decided_visits) {
            *a += b;
        }
        self.late_online += other.late_online;
        self.rated += other.rated;
        self.satisfied += other.satisfied;
    }

    pub fn get(&self, column: Column) -> u64 {
        self.columns[column.index()]
    }

    /// Online filings among new receipts (column 4 of 4 + 5).
    pub fn online_share(&self) -> Option<f64> {
        share(self.get(Column::ReceivedOnline), self.new)
    }

    /// Filings handed over by the post among new receipts.
    pub fn postal_share(&self) -> Option<f64> {
        share(self.new_by_post, self.new)
    }

    /// TT 23/2018: online dossiers of level-4 procedures over all dossiers
    /// of those procedures.
    pub fn level4_share(&self) -> Option<f64> {
        share(self.new_level4_online, self.new_level4)
    }

    /// Decided early or on time among the decided (the withdrawn, stopped
    /// and waiting, which column 9 also holds, are left out).
    pub fn timely_share(&self) -> Option<f64> {
        let [early, on_time, late] = self.decided_timeliness;
        share(early + on_time, early + on_time + late)
    }

    /// Paid online among the new receipts that had something to pay.
    pub fn paid_online_share(&self) -> Option<f64> {
        share(self.new_paid_online, self.new_with_fees)
    }

    pub fn digitised_share(&self) -> Option<f64> {
        share(self.new_digitised, self.new)
    }

    pub fn satisfied_share(&self) -> Option<f64> {
        share(self.satisfied, self.rated)
    }

    /// The average working days a decided dossier used, waits for the
    /// applicant excluded.
    pub fn average_processing_days(&self) -> Option<f64> {
        (self.decided > 0).then(|| self.processing_millidays as f64 / 1000.0 / self.decided as f64)
    }

    /// Whether no dossier counted in any way.
    pub fn is_empty(&self) -> bool {
        *self == Figures::default()
    }
}
