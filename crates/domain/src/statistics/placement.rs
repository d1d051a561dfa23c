//! Where each kind of dossier is counted in Biểu II.06a (DOMAIN §4).
//!
//! The placement is data ([`PLACEMENT`]): each [`Fate`] names every column
//! it counts in, totals included, so each column is counted on its own and
//! the table's identities (3 = 4 + 5 + 6, 7 = 8 + 9 + 10, 11 = 12 + 13,
//! 3 = 7 + 11) are checks on the placement rather than arithmetic.

use serde::Serialize;

use crate::indicators::{Conclusion, Counting, Intake, Pending, Received, Timeliness};

/// A column of Biểu II.06a that holds a count (1 and 2 are the row's
/// number and field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Column {
    /// 3: received, in total.
    Received,
    /// 4: received online.
    ReceivedOnline,
    /// 5: received in person or by post.
    ReceivedInPerson,
    /// 6: carried over from the period before.
    CarriedOver,
    /// 7: resolved, in total.
    Resolved,
    /// 8: resolved before the due date.
    Early,
    /// 9: resolved on the due date (with those awaiting a supplement,
    /// returned or withdrawn).
    OnTime,
    /// 10: resolved late.
    Late,
    /// 11: pending, in total.
    Pending,
    /// 12: pending within the limit.
    WithinLimit,
    /// 13: pending overdue.
    Overdue,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Column::Received,
        Column::ReceivedOnline,
        Column::ReceivedInPerson,
        Column::CarriedOver,
        Column::Resolved,
        Column::Early,
        Column::OnTime,
        Column::Late,
        Column::Pending,
        Column::WithinLimit,
        Column::Overdue,
    ];

    /// Its number in the form.
    pub fn number(self) -> u8 {
        self as u8 + 3
    }

    /// Its position among [`Column::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The message key of its heading.
    pub fn key(self) -> &'static str {
        match self {
            Column::Received => "stats-col-received",
            Column::ReceivedOnline => "stats-col-received-online",
            Column::ReceivedInPerson => "stats-col-received-in-person",
            Column::CarriedOver => "stats-col-carried-over",
            Column::Resolved => "stats-col-resolved",
            Column::Early => "stats-col-early",
            Column::OnTime => "stats-col-on-time",
            Column::Late => "stats-col-late",
            Column::Pending => "stats-col-pending",
            Column::WithinLimit => "stats-col-within-limit",
            Column::Overdue => "stats-col-overdue",
        }
    }
}

/// What became of a received dossier in a period, in the terms of the form.
/// A received dossier has one fate of how it came in and one of how it
/// stood at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fate {
    NewOnline,
    NewInPerson,
    CarriedOver,
    ResolvedEarly,
    ResolvedOnTime,
    ResolvedLate,
    Withdrawn,
    Stopped,
    AwaitingSupplement,
    PendingWithinLimit,
    PendingOverdue,
}

/// Every fate and the columns it counts in.
pub const PLACEMENT: &[(Fate, &[Column])] = &[
    (Fate::NewOnline, &[Column::Received, Column::ReceivedOnline]),
    (
        Fate::NewInPerson,
        &[Column::Received, Column::ReceivedInPerson],
    ),
    (Fate::CarriedOver, &[Column::Received, Column::CarriedOver]),
    (Fate::ResolvedEarly, &[Column::Resolved, Column::Early]),
    (Fate::ResolvedOnTime, &[Column::Resolved, Column::OnTime]),
    (Fate::ResolvedLate, &[Column::Resolved, Column::Late]),
    // DOMAIN §4: column 9 includes dossiers withdrawn, returned (stopped,
    // closed for a missing supplement) and awaiting a supplement.
    (Fate::Withdrawn, &[Column::Resolved, Column::OnTime]),
    (Fate::Stopped, &[Column::Resolved, Column::OnTime]),
    (
        Fate::AwaitingSupplement,
        &[Column::Resolved, Column::OnTime],
    ),
    (
        Fate::PendingWithinLimit,
        &[Column::Pending, Column::WithinLimit],
    ),
    (Fate::PendingOverdue, &[Column::Pending, Column::Overdue]),
];

/// The columns a fate counts in.
pub fn columns_of(fate: Fate) -> &'static [Column] {
    PLACEMENT
        .iter()
        .find(|(f, _)| *f == fate)
        .map_or(&[], |(_, columns)| columns)
}

/// The fates of a dossier as classified for a period: none if it was not
/// received, otherwise how it came in and how it stood at the end.
pub fn fates_of(c: &Counting) -> Vec<Fate> {
    let Some(received) = c.received else {
        return Vec::new();
    };
    let came = match received {
        Received::New(Intake::Online) => Fate::NewOnline,
        Received::New(Intake::CounterOrPost) => Fate::NewInPerson,
        Received::CarriedOver => Fate::CarriedOver,
    };
    let stood = match (c.concluded, c.pending) {
        (Some(Conclusion::Resolved { timeliness, .. }), _) => Some(match timeliness {
            Timeliness::Early => Fate::ResolvedEarly,
            Timeliness::OnTime => Fate::ResolvedOnTime,
            Timeliness::Late => Fate::ResolvedLate,
        }),
        (Some(Conclusion::Withdrawn), _) => Some(Fate::Withdrawn),
        (Some(Conclusion::Stopped), _) => Some(Fate::Stopped),
        (None, Some(_)) if c.awaiting_supplement => Some(Fate::AwaitingSupplement),
        (None, Some(Pending::WithinLimit)) => Some(Fate::PendingWithinLimit),
        (None, Some(Pending::Overdue)) => Some(Fate::PendingOverdue),
        (None, None) => None,
    };
    std::iter::once(came).chain(stood).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fate_is_placed_once_and_columns_are_numbered_as_the_form() {
        let numbers: Vec<u8> = Column::ALL.iter().map(|c| c.number()).collect();
        assert_eq!(numbers, (3..=13).collect::<Vec<u8>>());
        for (i, (fate, columns)) in PLACEMENT.iter().enumerate() {
            assert!(!columns.is_empty());
            assert!(
                PLACEMENT[i + 1..].iter().all(|(f, _)| f != fate),
                "{fate:?} twice"
            );
        }
    }

    #[test]
    fn the_placement_holds_the_forms_identities_for_each_fate() {
        // Each fate adds to a total exactly when it adds to one of the
        // total's parts, and to exactly one part.
        let parts = [
            (
                Column::Received,
                &[
                    Column::ReceivedOnline,
                    Column::ReceivedInPerson,
                    Column::CarriedOver,
                ][..],
            ),
            (
                Column::Resolved,
                &[Column::Early, Column::OnTime, Column::Late][..],
            ),
            (Column::Pending, &[Column::WithinLimit, Column::Overdue][..]),
        ];
        for (fate, columns) in PLACEMENT {
            for (total, its_parts) in parts {
                let in_parts = its_parts.iter().filter(|p| columns.contains(p)).count();
                assert_eq!(
                    usize::from(columns.contains(&total)),
                    in_parts,
                    "{fate:?} in {total:?}"
                );
            }
        }
    }

    #[test]
    fn column_nine_takes_the_withdrawn_the_returned_and_those_awaiting_a_supplement() {
        for fate in [
            Fate::Withdrawn,
            Fate::Stopped,
            Fate::AwaitingSupplement,
            Fate::ResolvedOnTime,
        ] {
            assert_eq!(columns_of(fate), &[Column::Resolved, Column::OnTime]);
        }
        assert_eq!(
            columns_of(Fate::PendingOverdue),
            &[Column::Pending, Column::Overdue]
        );
    }
}
