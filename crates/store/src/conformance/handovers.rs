//! The cases of hand-over records: a post office serves the agencies it
//! is given; a record lists only consignments ready to change hands, each
//! on one record, numbered in its post office's series; it is confirmed
//! once; a record not yet confirmed may be discarded, freeing what it
//! listed; two records drafted at once never list one consignment twice.

use std::sync::Arc;

use chrono::TimeDelta;
use motcua_domain::address::Address;
use motcua_domain::postal::consignment::{Leg, Status, Step};

use super::TestDatabase;
use super::fixtures::{Fixture, vn};
use crate::Store;
use crate::error::StoreError;
use crate::ids::{AgencyId, ConsignmentId, DossierId, HandoverId, UserId};
use crate::model::{
    AgencyKind, Confirmation, ConsignmentRecord, HandoverNumber, NewAgency, NewConsignment,
    NewConsignmentStep, NewHandover, NewUser, UserKind,
};

async fn person(store: &dyn Store, name: &str) -> UserId {
    store
        .create_user(NewUser {
            kind: UserKind::Official,
            full_name: name.into(),
            email: None,
            phone: None,
            identity_number: None,
            password_hash: None,
            representative: None,
            language: String::new(),
        })
        .await
        .unwrap()
        .id
}

async fn post_office(store: &dyn Store, parent: AgencyId) -> AgencyId {
    // Each case's post office has its own identifier: a database may hold
    // several cases' agencies.
    let id = AgencyId::new();
    let identifier = format!("BC.{}", id.uuid().simple()).to_uppercase();
    store
        .create_agency(NewAgency {
            id,
            parent: Some(parent),
            identifier: motcua_domain::code::AgencyId::new(&identifier).unwrap(),
            name: "Bưu cục Cao Lãnh".into(),
            kind: AgencyKind::PostOffice,
            office_hours: motcua_domain::calendar::OfficeHours::standard(),
            receives_any_procedure: false,
            commune: None,
        })
        .await
        .unwrap()
        .id
}

/// A pickup for `agency`, picked up with `waybill` at `at`.
async fn picked_up(
    store: &dyn Store,
    agency: AgencyId,
    waybill: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> ConsignmentRecord {
    let calendar = motcua_domain::calendar::WorkCalendar::bundled().unwrap();
    let address: Address = serde_json::from_str(r#"{"legacy":"Phường 1, TP Cao Lãnh"}"#).unwrap();
    let made = store
        .create_consignment(NewConsignment {
            id: ConsignmentId::new(),
            dossier: DossierId::new(),
            agency,
            leg: Leg::Pickup,
            address,
            window: None,
            postage_vnd: 26_000,
            at,
        })
        .await
        .unwrap();
    let step = Step::PickUp {
        waybill: waybill.into(),
        postage_vnd: 26_000,
        fees_vnd: 0,
        post_office: None,
    };
    store
        .record_consignment_step(NewConsignmentStep {
            consignment: made.id,
            expected_steps: 0,
            actor: None,
            next: made.state.apply(&step, at, &calendar).unwrap(),
            step,
            at,
        })
        .await
        .unwrap()
}

pub async fn hand_over_records_list_ready_consignments_once(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::load_or_new(store.clone()).await;
    let office = post_office(&*store, f.province.id).await;
    let postman = person(&*store, "Phạm Văn Bưu").await;
    let officer = person(&*store, "Nguyễn Thị Tiếp").await;

    // The post office serves the commune and the centre; the list replaces.
    store
        .set_served_agencies(office, &[f.department.id])
        .await
        .unwrap();
    store
        .set_served_agencies(office, &[f.commune.id, f.centre.id, f.commune.id])
        .await
        .unwrap();
    let mut served = store.served_agencies(office).await.unwrap();
    served.sort();
    let mut expected = vec![f.commune.id, f.centre.id];
    expected.sort();
    assert_eq!(served, expected);
    assert_eq!(store.post_offices_of(f.commune.id).await.unwrap(), [office]);
    assert!(
        store
            .post_offices_of(f.department.id)
            .await
            .unwrap()
            .is_empty()
    );

    let at = vn(2026, 3, 2, 9, 0);
    let first = picked_up(&*store, f.commune.id, "CT0012345", at).await;
    let second = picked_up(
        &*store,
        f.commune.id,
        "CT0012346",
        at + TimeDelta::minutes(5),
    )
    .await;
    let elsewhere = picked_up(&*store, f.centre.id, "CT0012347", at).await;
    // The queue of the commune: what the post has picked up for it.
    let queue = store
        .consignments_at(&[f.commune.id], &[Status::PickedUp], 100)
        .await
        .unwrap();
    assert_eq!(
        queue.iter().map(|c| c.id).collect::<Vec<_>>(),
        [first.id, second.id]
    );
    assert!(
        store
            .consignments_at(&[f.commune.id], &[Status::Booked], 100)
            .await
            .unwrap()
            .is_empty()
    );

    let draft = |consignments: Vec<ConsignmentId>| NewHandover {
        id: HandoverId::new(),
        leg: Leg::Pickup,
        post_office: office,
        agency: f.commune.id,
        consignments,
        drafted_by: postman,
        at: at + TimeDelta::hours(2),
    };
    // Refused, nothing written: nothing listed, one listed twice, another
    // agency's, a consignment of the other leg's status.
    for bad in [
        draft(vec![]),
        draft(vec![first.id, first.id]),
        draft(vec![first.id, elsewhere.id]),
    ] {
        assert!(matches!(
            store.create_handover(bad).await,
            Err(StoreError::Invalid { .. })
        ));
    }
    assert!(matches!(
        store
            .create_handover(NewHandover {
                leg: Leg::Delivery,
                ..draft(vec![first.id])
            })
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(
        store
            .handover_of_consignment(first.id)
            .await
            .unwrap()
            .is_none()
    );

    let record = store
        .create_handover(draft(vec![second.id, first.id]))
        .await
        .unwrap();
    assert_eq!(
        record.number,
        HandoverNumber {
            year: 2026,
            number: 1
        }
    );
    assert_eq!(record.number.to_string(), "0001/2026");
    assert_eq!(record.consignments, [first.id, second.id]);
    assert_eq!(record.confirmed, None);
    assert_eq!(
        store.handover(record.id).await.unwrap(),
        Some(record.clone())
    );
    assert_eq!(
        store.handover_of_consignment(second.id).await.unwrap(),
        Some(record.clone())
    );
    // A consignment is on one record only.
    assert!(matches!(
        store.create_handover(draft(vec![first.id])).await,
        Err(StoreError::Conflict { .. })
    ));
    // Both parties see it among their unconfirmed records.
    for party in [office, f.commune.id] {
        let open = store.handovers_of(&[party], true, 10).await.unwrap();
        assert_eq!(open, std::slice::from_ref(&record));
    }
    assert!(
        store
            .handovers_of(&[f.department.id], false, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Discarded before confirmation, it frees what it listed; the number
    // series goes on (a number is never given twice).
    assert!(store.discard_handover(record.id).await.unwrap());
    assert!(!store.discard_handover(record.id).await.unwrap());
    assert_eq!(store.handover(record.id).await.unwrap(), None);
    let record = store
        .create_handover(draft(vec![first.id, second.id]))
        .await
        .unwrap();
    assert_eq!(record.number.number, 2);

    // Confirmed once: the first confirmation stands.
    let confirmed_at = at + TimeDelta::hours(3);
    assert!(matches!(
        store
            .confirm_handover(record.id, officer, at - TimeDelta::hours(1))
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let Confirmation::Now(done) = store
        .confirm_handover(record.id, officer, confirmed_at)
        .await
        .unwrap()
    else {
        panic!("confirmed now");
    };
    assert_eq!(done.confirmed, Some((officer, confirmed_at)));
    let Confirmation::Already(again) = store
        .confirm_handover(record.id, postman, confirmed_at + TimeDelta::hours(1))
        .await
        .unwrap()
    else {
        panic!("confirmed before");
    };
    assert_eq!(again.confirmed, Some((officer, confirmed_at)));
    assert!(matches!(
        store.discard_handover(record.id).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(
        store
            .handovers_of(&[office], true, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.handovers_of(&[office], false, 10).await.unwrap(),
        [done]
    );
    assert!(matches!(
        store
            .confirm_handover(HandoverId::new(), officer, confirmed_at)
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn two_records_drafted_at_once_never_list_one_consignment_twice(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::load_or_new(store.clone()).await;
    let office = post_office(&*store, f.province.id).await;
    let postman = person(&*store, "Phạm Văn Bưu").await;
    let at = vn(2026, 3, 2, 9, 0);
    let one = picked_up(&*store, f.commune.id, "CT0012348", at).await;
    let drafts = (0..3).map(|_| {
        let store: Arc<dyn Store> = store.clone();
        tokio::spawn(async move {
            store
                .create_handover(NewHandover {
                    id: HandoverId::new(),
                    leg: Leg::Pickup,
                    post_office: office,
                    agency: f.commune.id,
                    consignments: vec![one.id],
                    drafted_by: postman,
                    at: at + TimeDelta::hours(1),
                })
                .await
        })
    });
    let mut made = 0;
    for d in drafts {
        match d.await.unwrap() {
            Ok(_) => made += 1,
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!(made, 1);
    assert!(
        store
            .handover_of_consignment(one.id)
            .await
            .unwrap()
            .is_some()
    );
}

pub async fn a_draft_has_one_pickup_in_force_and_a_result_one_delivery(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::load_or_new(store.clone()).await;
    let calendar = motcua_domain::calendar::WorkCalendar::bundled().unwrap();
    let at = vn(2026, 3, 2, 9, 0);
    let address: Address = serde_json::from_str(r#"{"legacy":"Phường 1, TP Cao Lãnh"}"#).unwrap();
    let draft = DossierId::new();
    let new = |leg, dossier| NewConsignment {
        id: ConsignmentId::new(),
        dossier,
        agency: f.commune.id,
        leg,
        address: address.clone(),
        window: None,
        postage_vnd: 26_000,
        at,
    };
    let first = store
        .create_consignment(new(Leg::Pickup, draft))
        .await
        .unwrap();
    assert!(matches!(
        store.create_consignment(new(Leg::Pickup, draft)).await,
        Err(StoreError::Conflict { .. })
    ));
    // Cancelled, it is no longer in force: the applicant may book again.
    let cancel = Step::Cancel {
        reason: "đổi ngày".into(),
    };
    store
        .record_consignment_step(NewConsignmentStep {
            consignment: first.id,
            expected_steps: 0,
            actor: None,
            next: first.state.apply(&cancel, at, &calendar).unwrap(),
            step: cancel,
            at,
        })
        .await
        .unwrap();
    store
        .create_consignment(new(Leg::Pickup, draft))
        .await
        .unwrap();
    // One delivery of a result, beside its dossier's pickup.
    store
        .create_consignment(new(Leg::Delivery, draft))
        .await
        .unwrap();
    assert!(matches!(
        store.create_consignment(new(Leg::Delivery, draft)).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.consignments_of_dossier(draft).await.unwrap().len(), 3);
}
