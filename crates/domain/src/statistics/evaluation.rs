//! Evaluation per regime, from the figures: the nine indices of TT 01/2018
//! Art. 13 scored per Art. 15 for dossiers under ND 61, and the criteria
//! of ND 118/2025 Art. 32 (the six groups of QĐ 766) for dossiers under
//! ND 118 (DOMAIN §2.8, §9.9).
//!
//! An index whose inputs the system does not record is *not measured*: it
//! gets no score, never a default one, and the total and the grade, which
//! need every index, are then not given either.

use serde::Serialize;

use super::figures::{Figures, share};

/// A TT 01 index: its number, its message key, and its score (the mean of
/// 2/1/0 over what it counts, to one decimal) if measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Index {
    pub number: u8,
    pub key: &'static str,
    /// Whether the system records what the index needs at all.
    pub recorded: bool,
    /// The score, when recorded and anything was counted.
    pub score: Option<f64>,
    /// How many dossiers (or units) the score is over.
    pub over: u64,
}

/// The grade of an agency by its total (Art. 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    Excellent,
    Good,
    FairlyGood,
    Average,
    Weak,
}

impl Grade {
    /// ≥15 excellent, 12–<15 good, 9–<12 fairly good, 6–<9 average, <6 weak.
    pub fn of(total: f64) -> Grade {
        match total {
            t if t >= 15.0 => Grade::Excellent,
            t if t >= 12.0 => Grade::Good,
            t if t >= 9.0 => Grade::FairlyGood,
            t if t >= 6.0 => Grade::Average,
            _ => Grade::Weak,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Grade::Excellent => "eval-grade-excellent",
            Grade::Good => "eval-grade-good",
            Grade::FairlyGood => "eval-grade-fairly-good",
            Grade::Average => "eval-grade-average",
            Grade::Weak => "eval-grade-weak",
        }
    }
}

/// The TT 01 evaluation of a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tt01 {
    pub indices: Vec<Index>,
    /// The sum of the nine scores, when all nine are measured.
    pub total: Option<f64>,
    pub grade: Option<Grade>,
}

/// Rounds to one decimal, as Art. 15 does.
fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The mean score of counts scored 2, 1 and 0.
fn mean(twos: u64, ones: u64, zeros: u64) -> (Option<f64>, u64) {
    let n = twos + ones + zeros;
    let score = (n > 0).then(|| one_decimal((2 * twos + ones) as f64 / n as f64));
    (score, n)
}

/// What a unit's index 9 needs beyond its figures: how many of the
/// procedures it handled are offered online (level 3 or 4), of how many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OnlineOffer {
    pub online: u64,
    pub procedures: u64,
}

/// Index 9, online services, for one unit: 2 with at least 20% of its
/// procedures online, an online share of at least 30% and no online dossier
/// late; 1 with procedures online, a share of 15% to 30% and none late; 0
/// otherwise.
fn online_services(f: &Figures, offer: OnlineOffer) -> Option<f64> {
    let offered = share(offer.online, offer.procedures)?;
    let online = f.online_share()?;
    let score = if offered >= 0.2 && online >= 0.3 && f.late_online == 0 {
        2.0
    } else if offer.online > 0 && online >= 0.15 && f.late_online == 0 {
        1.0
    } else {
        0.0
    };
    Some(score)
}

const NOT_MEASURED: [(u8, &str); 5] = [
    (2, "eval-tt01-2"),
    (5, "eval-tt01-5"),
    (6, "eval-tt01-6"),
    (7, "eval-tt01-7"),
    (8, "eval-tt01-8"),
];

/// The TT 01 Art. 13 indices of a unit's dossiers under ND 61.
pub fn tt01(f: &Figures, offer: OnlineOffer) -> Tt01 {
    let [early, on_time, late] = f.decided_timeliness;
    let (index1, n1) = mean(early, on_time, late);
    let [none, once, more] = f.decided_contacts;
    let (index3, n3) = mean(none, once, more);
    let [no_visit, one_stop] = f.decided_visits;
    let (index4, n4) = mean(no_visit, one_stop, 0);
    let index9 = online_services(f, offer);
    let mut indices = vec![
        Index {
            number: 1,
            key: "eval-tt01-1",
            recorded: true,
            score: index1,
            over: n1,
        },
        Index {
            number: 3,
            key: "eval-tt01-3",
            recorded: true,
            score: index3,
            over: n3,
        },
        Index {
            number: 4,
            key: "eval-tt01-4",
            recorded: true,
            score: index4,
            over: n4,
        },
        Index {
            number: 9,
            key: "eval-tt01-9",
            recorded: true,
            score: index9,
            over: u64::from(index9.is_some()),
        },
    ];
    // What the system does not record: each unit's own time on a linked
    // dossier (2), the share processed wholly at the one-stop unit (5),
    // where procedures are posted (6), complaints about staff (7) and the
    // handling of feedback (8).
    indices.extend(NOT_MEASURED.iter().map(|(number, key)| Index {
        number: *number,
        key,
        recorded: false,
        score: None,
        over: 0,
    }));
    indices.sort_by_key(|i| i.number);
    let total = indices
        .iter()
        .map(|i| i.score)
        .sum::<Option<f64>>()
        .map(one_decimal);
    Tt01 {
        indices,
        total,
        grade: total.map(Grade::of),
    }
}

/// A criteria group of ND 118 Art. 32 (QĐ 766): its code, its weight in
/// points, and the rate measured for it, if the system records it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Group {
    pub code: &'static str,
    pub key: &'static str,
    pub points: u8,
    /// Whether the system records what the group needs at all.
    pub recorded: bool,
    /// The rate, when recorded and anything was counted.
    pub rate: Option<f64>,
}

/// The ND 118 criteria of a unit's dossiers. The rates are the record's;
/// QĐ 766's formulas turning them into points were not found (DOMAIN §4),
/// so no points are given.
pub fn nd118(f: &Figures) -> Vec<Group> {
    vec![
        // Publication and synchronisation with DVCQG are not recorded.
        Group {
            code: "CKMB",
            key: "eval-nd118-ckmb",
            points: 18,
            recorded: false,
            rate: None,
        },
        Group {
            code: "TDGQ",
            key: "eval-nd118-tdgq",
            points: 20,
            recorded: true,
            rate: f.timely_share(),
        },
        Group {
            code: "CLGQ",
            key: "eval-nd118-clgq",
            points: 12,
            recorded: true,
            rate: f.online_share(),
        },
        Group {
            code: "TTTT",
            key: "eval-nd118-tttt",
            points: 10,
            recorded: true,
            rate: f.paid_online_share(),
        },
        Group {
            code: "MDHL",
            key: "eval-nd118-mdhl",
            points: 18,
            recorded: true,
            rate: f.satisfied_share(),
        },
        Group {
            code: "MDSH",
            key: "eval-nd118-mdsh",
            points: 22,
            recorded: true,
            rate: f.digitised_share(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_means_to_one_decimal_and_unmeasured_indices_withhold_the_grade() {
        let f = Figures {
            decided_timeliness: [2, 1, 1],
            decided_contacts: [3, 0, 1],
            decided_visits: [1, 3],
            new: 10,
            columns: {
                let mut c = [0; 11];
                c[super::super::Column::ReceivedOnline.index()] = 4;
                c
            },
            ..Figures::default()
        };
        let e = tt01(
            &f,
            OnlineOffer {
                online: 1,
                procedures: 4,
            },
        );
        let score = |n: u8| e.indices.iter().find(|i| i.number == n).unwrap().score;
        assert_eq!(score(1), Some(1.3)); // (2·2 + 1) / 4 = 1.25
        assert_eq!(score(3), Some(1.5)); // (3·2 + 0) / 4
        assert_eq!(score(4), Some(1.3)); // (1·2 + 3) / 4 = 1.25
        assert_eq!(score(9), Some(2.0)); // 25% online, 40% filed online, none late
        assert_eq!(score(2), None);
        assert_eq!(e.indices.len(), 9);
        assert_eq!((e.total, e.grade), (None, None));
        let late = Figures {
            late_online: 1,
            ..f
        };
        let e = tt01(
            &late,
            OnlineOffer {
                online: 1,
                procedures: 4,
            },
        );
        assert_eq!(e.indices[8].score, Some(0.0));
        assert_eq!(Grade::of(15.0), Grade::Excellent);
        assert_eq!(Grade::of(14.9), Grade::Good);
        assert_eq!(Grade::of(5.9), Grade::Weak);
    }

    #[test]
    fn nothing_counted_is_not_measured() {
        let e = tt01(&Figures::default(), OnlineOffer::default());
        assert!(e.indices.iter().all(|i| i.score.is_none()));
        assert!(nd118(&Figures::default()).iter().all(|g| g.rate.is_none()));
        assert_eq!(
            nd118(&Figures::default())
                .iter()
                .map(|g| u32::from(g.points))
                .sum::<u32>(),
            100
        );
    }
}
