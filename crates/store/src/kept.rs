//! The kept statistics, as both engines store them: each dossier's
//! contribution packed in one row (so a recount can take it back), and
//! the sums of every contribution per cell, day and measure, and again per
//! month (so a period's figures read a few rows, not every dossier).
//!
//! A recount nets a batch's old and new contributions here, so an engine
//! writes each touched sum once per batch, in key order: two nodes
//! recounting at once lock the same rows in the same order.

use std::collections::BTreeMap;

use motcua_domain::statistics::contribution::{Day, Delta, Measure, month_of};
use serde::{Deserialize, Serialize};

use crate::{StoreError, StoreResult};

/// One delta as packed: its measure's code, its day as the distance from
/// the previous delta's (the first from day 0) and its count. postcard
/// writes the numbers as variable-length integers, so a dossier's usual
/// fifteen deltas take some fifty bytes.
#[derive(Serialize, Deserialize)]
struct Packed(u8, i32, i64);

/// `deltas` packed for storage, in day order.
pub fn pack(deltas: &[Delta]) -> StoreResult<Vec<u8>> {
    let mut sorted: Vec<&Delta> = deltas.iter().collect();
    sorted.sort_by_key(|d| (d.day, d.measure));
    let mut previous = 0;
    let packed: Vec<Packed> = sorted
        .into_iter()
        .map(|d| {
            let step = d.day.wrapping_sub(previous);
            previous = d.day;
            Packed(d.measure.code(), step, d.n)
        })
        .collect();
    postcard::to_allocvec(&packed)
        .map_err(|e| StoreError::invalid(format!("packing a contribution: {e}")))
}

/// The deltas `bytes` hold.
pub fn unpack(bytes: &[u8]) -> StoreResult<Vec<Delta>> {
    let packed: Vec<Packed> = postcard::from_bytes(bytes)
        .map_err(|e| StoreError::corrupt(format!("a kept contribution: {e}")))?;
    let mut day: Day = 0;
    packed
        .into_iter()
        .map(|Packed(code, step, n)| {
            day = day.wrapping_add(step);
            let measure = Measure::from_code(code)
                .ok_or_else(|| StoreError::corrupt(format!("measure code {code}")))?;
            Ok(Delta { day, measure, n })
        })
        .collect()
}

/// The net change a batch of recounts makes to the sums, by an engine's
/// cell number.
#[derive(Debug, Default)]
pub struct Net {
    days: BTreeMap<(Day, i64, u8), i64>,
    months: BTreeMap<(Day, i64, u8), i64>,
}

impl Net {
    /// Adds `deltas` of cell `cell`, or takes them back (`sign` -1).
    pub fn add(&mut self, cell: i64, deltas: &[Delta], sign: i64) {
        for d in deltas {
            let code = d.measure.code();
            *self.days.entry((d.day, cell, code)).or_default() += sign * d.n;
            *self
                .months
                .entry((month_of(d.day), cell, code))
                .or_default() += sign * d.n;
        }
    }

    /// The changed day sums: (day, cell, measure code, change), in key
    /// order, without those that cancelled out.
    pub fn days(&self) -> impl Iterator<Item = (Day, i64, u8, i64)> + '_ {
        Self::changed(&self.days)
    }

    /// The changed month sums, keyed by each month's first day.
    pub fn months(&self) -> impl Iterator<Item = (Day, i64, u8, i64)> + '_ {
        Self::changed(&self.months)
    }

    fn changed(
        sums: &BTreeMap<(Day, i64, u8), i64>,
    ) -> impl Iterator<Item = (Day, i64, u8, i64)> + '_ {
        sums.iter()
            .filter(|(_, n)| **n != 0)
            .map(|((day, cell, code), n)| (*day, *cell, *code, *n))
    }
}

/// `measures` as an SQL list of their codes (`3, 7, 12`): codes are
/// small numbers, so the list is written into the query, not bound.
pub fn code_list(measures: &[Measure]) -> String {
    let codes: Vec<String> = measures.iter().map(|m| m.code().to_string()).collect();
    codes.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contribution_comes_back_as_it_was_packed_in_day_order() {
        let deltas = vec![
            Delta {
                day: 20_500,
                measure: Measure::OpenWithinLimit,
                n: -1,
            },
            Delta {
                day: 20_480,
                measure: Measure::NewOnline,
                n: 1,
            },
            Delta {
                day: 20_480,
                measure: Measure::OpenWithinLimit,
                n: 1,
            },
            Delta {
                day: 20_500,
                measure: Measure::ProcessingMillidays,
                n: 12_345,
            },
            Delta {
                day: -3,
                measure: Measure::NotReceived,
                n: 1,
            },
        ];
        let bytes = pack(&deltas).unwrap();
        assert!(bytes.len() < 30, "{} bytes", bytes.len());
        let mut back = unpack(&bytes).unwrap();
        let mut expected = deltas.clone();
        expected.sort_by_key(|d| (d.day, d.measure));
        back.sort_by_key(|d| (d.day, d.measure));
        assert_eq!(back, expected);
        assert!(unpack(&[0xff, 0xff]).is_err());
    }

    #[test]
    fn a_batch_nets_old_and_new_so_unchanged_sums_are_not_written() {
        let old = [
            Delta {
                day: 10,
                measure: Measure::NewOnline,
                n: 1,
            },
            Delta {
                day: 10,
                measure: Measure::OpenWithinLimit,
                n: 1,
            },
        ];
        let new = [
            Delta {
                day: 10,
                measure: Measure::NewOnline,
                n: 1,
            },
            Delta {
                day: 10,
                measure: Measure::OpenWithinLimit,
                n: 1,
            },
            Delta {
                day: 40,
                measure: Measure::OpenWithinLimit,
                n: -1,
            },
        ];
        let mut net = Net::default();
        net.add(7, &old, -1);
        net.add(7, &new, 1);
        let days: Vec<_> = net.days().collect();
        assert_eq!(days, vec![(40, 7, Measure::OpenWithinLimit.code(), -1)]);
        let months: Vec<_> = net.months().collect();
        assert_eq!(
            months,
            vec![(month_of(40), 7, Measure::OpenWithinLimit.code(), -1)]
        );
    }
}
