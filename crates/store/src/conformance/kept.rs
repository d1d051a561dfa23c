//! The kept statistics: marks made by the database, contributions swapped
//! old for new, stale recounts dropped, sums read by day and by month.

use chrono::NaiveDate;
use motcua_domain::lifecycle::{Action, Role};
use motcua_domain::regime::EvaluationId;
use motcua_domain::statistics::contribution::{Day, Delta, Measure, day_number, month_of};

use super::TestDatabase;
use super::fixtures::{Fixture, vn};
use super::payments::payer;
use crate::ids::DossierId;
use crate::model::{CellKey, Grain, Marked, Rating, Recount, Satisfaction};

fn day(y: i32, m: u32, d: u32) -> Day {
    day_number(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn delta(day: Day, measure: Measure, n: i64) -> Delta {
    Delta { day, measure, n }
}

/// The sums of `measures` over `from..=to` at `grain`, as (procedure,
/// measure, n), sorted, without zeros.
async fn sums(
    store: &dyn crate::Store,
    from: Day,
    to: Day,
    grain: Grain,
    measures: &[Measure],
) -> Vec<(String, Measure, i64)> {
    let mut out: Vec<_> = store
        .summed(from, to, grain, measures)
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.n != 0)
        .map(|s| (s.cell.procedure, s.measure, s.n))
        .collect();
    out.sort();
    out
}

async fn marks_of(store: &dyn crate::Store, id: DossierId) -> Vec<Marked> {
    store
        .marked_for_recount(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.dossier == id)
        .collect()
}

pub async fn kept_sums_take_back_an_old_contribution_and_drop_a_stale_recount(
    db: &dyn TestDatabase,
) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let start = vn(2025, 10, 6, 8, 0);
    let (oct6, nov4) = (day(2025, 10, 6), day(2025, 11, 4));
    let cell = |procedure: &str| CellKey {
        agency: f.department.id,
        procedure: procedure.into(),
        evaluation: EvaluationId::Tt01Art13,
    };
    let all = Measure::ALL;

    // A new dossier is marked by its insertion.
    let a = f.create(start).await;
    let first_mark = marks_of(store.as_ref(), a.id).await;
    assert_eq!(first_mark.len(), 1);
    assert_eq!(store.recount_backlog().await.unwrap(), 1);
    let received = vec![
        delta(oct6, Measure::NewOnline, 1),
        delta(oct6, Measure::OpenWithinLimit, 1),
    ];
    let n = store
        .recount(&[Recount {
            marked: first_mark[0],
            contribution: Some((cell("P1"), received.clone())),
        }])
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(store.recount_backlog().await.unwrap(), 0);
    assert_eq!(
        sums(store.as_ref(), oct6, oct6, Grain::Day, &all).await,
        vec![
            ("P1".into(), Measure::NewOnline, 1),
            ("P1".into(), Measure::OpenWithinLimit, 1)
        ]
    );

    // A change to the dossier marks it again, with a newer mark.
    let a = f
        .act(&a, Action::Accept, Role::ReceptionOfficer, start)
        .await;
    let second_mark = marks_of(store.as_ref(), a.id).await;
    assert_eq!(second_mark.len(), 1);
    assert!(second_mark[0].mark > first_mark[0].mark);
    // A recount made from the reading before the change is dropped whole.
    let n = store
        .recount(&[Recount {
            marked: first_mark[0],
            contribution: Some((cell("P1"), vec![delta(oct6, Measure::Refused, 7)])),
        }])
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(store.recount_backlog().await.unwrap(), 1);
    // The current one takes the old contribution back and adds the new.
    let resolved = vec![
        delta(oct6, Measure::NewOnline, 1),
        delta(oct6, Measure::OpenWithinLimit, 1),
        delta(nov4, Measure::ResolvedEarly, 1),
        delta(nov4, Measure::OpenWithinLimit, -1),
    ];
    let n = store
        .recount(&[Recount {
            marked: second_mark[0],
            contribution: Some((cell("P1"), resolved)),
        }])
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        sums(store.as_ref(), oct6, nov4, Grain::Day, &all).await,
        vec![
            ("P1".into(), Measure::NewOnline, 1),
            ("P1".into(), Measure::ResolvedEarly, 1),
        ]
    );
    assert_eq!(
        sums(
            store.as_ref(),
            nov4,
            nov4,
            Grain::Day,
            &[Measure::OpenWithinLimit]
        )
        .await,
        vec![("P1".into(), Measure::OpenWithinLimit, -1)]
    );
    // Month by month: October and November each hold their days' sums.
    let (oct, nov) = (month_of(oct6), month_of(nov4));
    assert_eq!(
        sums(store.as_ref(), oct, oct, Grain::Month, &all).await,
        vec![
            ("P1".into(), Measure::NewOnline, 1),
            ("P1".into(), Measure::OpenWithinLimit, 1)
        ]
    );
    assert_eq!(
        sums(
            store.as_ref(),
            oct,
            nov,
            Grain::Month,
            &[Measure::OpenWithinLimit]
        )
        .await,
        vec![]
    );

    // A second dossier in another cell, and what is recorded elsewhere
    // about the first marks it: a rating.
    let b = f.create(start).await;
    let b_mark = marks_of(store.as_ref(), b.id).await;
    let citizen = payer(&store).await;
    store
        .rate_dossier(&Rating {
            dossier: a.id,
            user: citizen,
            overall: Satisfaction::Satisfied,
            convenience: Satisfaction::Satisfied,
            timeliness: Satisfaction::Satisfied,
            attitude: Satisfaction::Satisfied,
            comment: None,
            rated_at: start,
        })
        .await
        .unwrap();
    let rated_mark = marks_of(store.as_ref(), a.id).await;
    assert_eq!(rated_mark.len(), 1);
    assert!(rated_mark[0].mark > second_mark[0].mark);
    // One batch: the first dossier no longer adds anything, the second
    // adds to its own cell.
    let n = store
        .recount(&[
            Recount {
                marked: rated_mark[0],
                contribution: None,
            },
            Recount {
                marked: b_mark[0],
                contribution: Some((cell("P2"), received.clone())),
            },
        ])
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        sums(store.as_ref(), oct6, nov4, Grain::Day, &all).await,
        vec![
            ("P2".into(), Measure::NewOnline, 1),
            ("P2".into(), Measure::OpenWithinLimit, 1)
        ]
    );
    assert_eq!(
        sums(store.as_ref(), oct, nov, Grain::Month, &all).await,
        vec![
            ("P2".into(), Measure::NewOnline, 1),
            ("P2".into(), Measure::OpenWithinLimit, 1)
        ]
    );

    // A new basis marks every dossier, and is kept with them.
    assert_eq!(store.statistics_basis().await.unwrap(), None);
    assert_eq!(store.recount_everything("basis-1").await.unwrap(), 2);
    assert_eq!(store.recount_backlog().await.unwrap(), 2);
    assert_eq!(
        store.statistics_basis().await.unwrap().as_deref(),
        Some("basis-1")
    );
    let again = store.marked_for_recount(1).await.unwrap();
    assert_eq!(again.len(), 1, "a batch is no larger than asked");
}
