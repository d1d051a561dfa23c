//! The kept statistics: marks made by the database, contributions swapped
//! old for new, stale recounts dropped, sums read by day and by month.

use chrono::NaiveDate;
use motcua_domain::lifecycle::{Action, CapturedDocument, Role};
use motcua_domain::regime::EvaluationId;
use motcua_domain::statistics::contribution::{Day, Delta, Measure, day_number, month_of};

use super::TestDatabase;
use super::fixtures::{Fixture, vn};
use super::payments::payer;
use crate::ids::DossierId;
use crate::model::{CellKey, Grain, Marked, Rating, Recount, Satisfaction, SumPart};

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
        .summed(&[SumPart {
            from,
            to,
            grain,
            measures: measures.to_vec(),
        }])
        .await
        .unwrap()
        .into_iter()
        .flatten()
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
    // The kept statistics start on no basis; a recount names the basis it
    // counted on.
    assert_eq!(store.statistics_basis().await.unwrap(), None);
    assert_eq!(store.recount_everything(BASIS).await.unwrap(), 0);
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
        .recount(
            BASIS,
            &[Recount {
                marked: first_mark[0],
                contribution: Some((cell("P1"), received.clone())),
            }],
        )
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
        .recount(
            BASIS,
            &[Recount {
                marked: first_mark[0],
                contribution: Some((cell("P1"), vec![delta(oct6, Measure::Refused, 7)])),
            }],
        )
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
        .recount(
            BASIS,
            &[Recount {
                marked: second_mark[0],
                contribution: Some((cell("P1"), resolved)),
            }],
        )
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
        .recount(
            BASIS,
            &[
                Recount {
                    marked: rated_mark[0],
                    contribution: None,
                },
                Recount {
                    marked: b_mark[0],
                    contribution: Some((cell("P2"), received.clone())),
                },
            ],
        )
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

    // A new basis marks every dossier not marked yet, and is kept with
    // them; a dossier marked already keeps its mark.
    // (a document digitised: marked again)
    let a = f
        .act(
            &a,
            Action::CaptureData(CapturedDocument {
                type_code: "GKS".into(),
                number: Some("12/2020".into()),
                title: "Giấy khai sinh".into(),
                summary: "Nguyễn Văn A".into(),
                issued_on: NaiveDate::from_ymd_opt(2020, 2, 10),
                issuer: None,
                valid_until: None,
                scope: None,
            }),
            Role::Specialist,
            start + chrono::TimeDelta::hours(1),
        )
        .await;
    let a_mark = marks_of(store.as_ref(), a.id).await;
    assert_eq!(a_mark.len(), 1);
    assert_eq!(store.recount_everything("basis-2").await.unwrap(), 1);
    assert_eq!(store.recount_backlog().await.unwrap(), 2);
    assert_eq!(marks_of(store.as_ref(), a.id).await, a_mark);
    assert_eq!(
        store.statistics_basis().await.unwrap().as_deref(),
        Some("basis-2")
    );
    // A recount counted on the old basis is refused and writes nothing.
    let refused = store
        .recount(
            BASIS,
            &[Recount {
                marked: a_mark[0],
                contribution: Some((cell("P3"), received.clone())),
            }],
        )
        .await;
    assert!(
        matches!(refused, Err(crate::StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert_eq!(store.recount_backlog().await.unwrap(), 2);
    let again = store.marked_for_recount(1).await.unwrap();
    assert_eq!(again.len(), 1, "a batch is no larger than asked");
}

const BASIS: &str = "basis-1";
