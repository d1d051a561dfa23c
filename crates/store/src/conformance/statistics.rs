//! The dossiers a reporting period counts, and what is read about each.

use chrono::{NaiveDate, TimeDelta};
use motcua_domain::lifecycle::{Action, CapturedDocument, Role};

use super::TestDatabase;
use super::fixtures::{Fixture, vn};
use super::payments::{account, item, payer, payment, settlement};
use crate::ids::DossierId;
use crate::model::{Page, Rating, Satisfaction, Span};

pub async fn a_period_counts_what_was_open_in_it_or_ended_unreceived_in_it(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let hour = TimeDelta::hours(1);
    // The period: October 2025, in Vietnam's days.
    let span = Span {
        from: vn(2025, 10, 1, 0, 0),
        to: vn(2025, 11, 1, 0, 0),
    };
    // Returned in September: not counted.
    let done_before = f
        .walk_to_return(f.create(vn(2025, 9, 8, 8, 0)).await, vn(2025, 9, 8, 8, 0))
        .await;
    // Accepted in September, still open: carried over.
    let start = vn(2025, 9, 29, 8, 0);
    let carried = f.create(start).await;
    let carried = f
        .act(&carried, Action::Accept, Role::ReceptionOfficer, start)
        .await;
    // Accepted and returned in October, paid online, rated, digitised.
    let start = vn(2025, 10, 6, 8, 0);
    let returned = f.create(start).await;
    let returned = f
        .act(&returned, Action::Accept, Role::ReceptionOfficer, start)
        .await;
    let returned = f
        .act(
            &returned,
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
            start + hour,
        )
        .await;
    let returned = f.walk_from_accepted(returned, start + hour * 2).await;
    let citizen = payer(&store).await;
    store
        .set_fee_account(&account(f.department.id, "TP/25E"))
        .await
        .unwrap();
    store
        .create_payment(payment(
            "MC0900",
            citizen,
            f.department.id,
            vec![item(returned.id, "Lệ phí", 50_000, false)],
            start + hour,
        ))
        .await
        .unwrap();
    store
        .settle_payment(settlement("MC0900", start + hour * 2))
        .await
        .unwrap();
    store
        .rate_dossier(&Rating {
            dossier: returned.id,
            user: citizen,
            overall: Satisfaction::Satisfied,
            convenience: Satisfaction::Satisfied,
            timeliness: Satisfaction::Satisfied,
            attitude: Satisfaction::VerySatisfied,
            comment: None,
            rated_at: start + hour * 9,
        })
        .await
        .unwrap();
    // Refused at reception in October: counted (not received).
    let refused = f.create(vn(2025, 10, 7, 8, 0)).await;
    let refused = f
        .act(
            &refused,
            Action::RefuseAtReception {
                reason: "không thuộc thẩm quyền".into(),
            },
            Role::ReceptionOfficer,
            vn(2025, 10, 7, 9, 0),
        )
        .await;
    // Entered in October and still unchecked: not counted (not received,
    // not ended). Accepted in November: not counted.
    let unchecked = f.create(vn(2025, 10, 8, 8, 0)).await;
    let later = f.create(vn(2025, 11, 3, 8, 0)).await;
    let later = f
        .act(
            &later,
            Action::Accept,
            Role::ReceptionOfficer,
            vn(2025, 11, 3, 8, 0),
        )
        .await;

    let mut expected: Vec<DossierId> = vec![carried.id, returned.id, refused.id];
    expected.sort();
    // Two at a time, so the cursor is crossed.
    let mut got = Vec::new();
    let mut page = Page::first(2);
    loop {
        let rows = store.counted_dossiers(span, page).await.unwrap();
        let Some(last) = rows.last() else { break };
        page = Page {
            after: Some(last.record.id),
            limit: 2,
        };
        got.extend(rows);
    }
    assert_eq!(
        got.iter().map(|c| c.record.id).collect::<Vec<_>>(),
        expected
    );
    for excluded in [done_before.id, unchecked.id, later.id] {
        assert!(got.iter().all(|c| c.record.id != excluded));
    }
    let of = |id: DossierId| got.iter().find(|c| c.record.id == id).unwrap();
    let r = of(returned.id);
    assert_eq!(r.record, store.dossier(returned.id).await.unwrap().unwrap());
    assert_eq!(
        (r.digitised, r.rating, r.paid_online),
        (1, Some(Satisfaction::Satisfied), true)
    );
    let c = of(carried.id);
    assert_eq!((c.digitised, c.rating, c.paid_online), (0, None, false));
}
