//! The cases of the public post's consignments: each step recorded once
//! against the version the caller read, a waybill on one consignment only,
//! an operator's push taken once (a replay refused, a retried event a
//! no-op), nothing written when a step is refused.

use chrono::TimeDelta;
use motcua_domain::address::Address;
use motcua_domain::postal::consignment::{Leg, Status, Step};

use super::TestDatabase;
use super::fixtures::{Fixture, vn};
use crate::error::StoreError;
use crate::ids::{ConsignmentId, DossierId};
use crate::model::{
    NewCarrierPush, NewConsignment, NewConsignmentStep, NewUser, PickupWindow, PushRecorded,
    PushSeen, UserKind,
};

pub async fn consignments_record_each_step_once(db: &dyn TestDatabase) {
    let store = db.open().await;
    let agency = Fixture::load_or_new(store.clone()).await.commune.id;
    let calendar = motcua_domain::calendar::WorkCalendar::bundled().unwrap();
    let postman = store
        .create_user(NewUser {
            kind: UserKind::Official,
            full_name: "Phạm Văn Bưu".into(),
            email: Some("buu@example.vn".into()),
            phone: None,
            identity_number: None,
            password_hash: None,
            representative: None,
            language: String::new(),
        })
        .await
        .unwrap();
    // A pickup is booked for a draft: its dossier does not exist yet.
    let draft = DossierId::new();
    let at = vn(2026, 3, 2, 8, 0);
    let address: Address = serde_json::from_str(
        r#"{"unit":{"commune":"29869","detail":"số 12 đường Lý Thường Kiệt"}}"#,
    )
    .unwrap();
    let booking = |id, window| NewConsignment {
        id,
        dossier: draft,
        agency,
        leg: Leg::Pickup,
        address: address.clone(),
        window,
        postage_vnd: 26_000,
        at,
    };
    // A window that ends before it starts is refused, nothing written.
    let backwards = PickupWindow {
        from: vn(2026, 3, 2, 14, 0),
        to: vn(2026, 3, 2, 9, 0),
    };
    assert!(matches!(
        store
            .create_consignment(booking(ConsignmentId::new(), Some(backwards)))
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(
        store
            .consignments_of_dossier(draft)
            .await
            .unwrap()
            .is_empty()
    );
    let window = PickupWindow {
        from: vn(2026, 3, 2, 14, 0),
        to: vn(2026, 3, 2, 17, 0),
    };
    let booked = store
        .create_consignment(booking(ConsignmentId::new(), Some(window)))
        .await
        .unwrap();
    assert_eq!(booked.state.status, Status::Booked);
    assert_eq!(booked.steps, 0);
    assert_eq!(
        store.consignment(booked.id).await.unwrap(),
        Some(booked.clone())
    );

    // Collected: the slip's waybill, found by it afterwards.
    let pick_up = Step::PickUp {
        waybill: "EE473124829VN".into(),
        postage_vnd: 26_000,
        fees_vnd: 10_000,
        post_office: None,
    };
    let picked_at = vn(2026, 3, 2, 15, 0);
    let next = booked.state.apply(&pick_up, picked_at, &calendar).unwrap();
    let step = |expected_steps, step: Step, next, at| NewConsignmentStep {
        consignment: booked.id,
        expected_steps,
        actor: Some(postman.id),
        step,
        next,
        at,
    };
    let picked = store
        .record_consignment_step(step(0, pick_up.clone(), next.clone(), picked_at))
        .await
        .unwrap();
    assert_eq!(picked.steps, 1);
    assert_eq!(picked.state.status, Status::PickedUp);
    assert_eq!(
        store.consignment_by_waybill("EE473124829VN").await.unwrap(),
        Some(picked.clone())
    );
    assert_eq!(
        store.consignment(booked.id).await.unwrap(),
        Some(picked.clone())
    );

    // A caller that read the booking before the pickup is refused.
    assert!(matches!(
        store
            .record_consignment_step(step(0, pick_up.clone(), next.clone(), picked_at))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // So is a step that would change the leg.
    let mut other_leg = next.clone();
    other_leg.leg = Leg::Delivery;
    assert!(matches!(
        store
            .record_consignment_step(step(1, pick_up.clone(), other_leg, picked_at))
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let steps = store.consignment_steps(booked.id).await.unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(
        (steps[0].seq, steps[0].actor, &steps[0].step, steps[0].at),
        (1, Some(postman.id), &pick_up, picked_at)
    );

    // Another consignment cannot take the same waybill (refused as
    // invalid: retrying will not help); nothing of that step is written.
    let delivery = store
        .create_consignment(NewConsignment {
            leg: Leg::Delivery,
            window: None,
            at: at + TimeDelta::days(3),
            ..booking(ConsignmentId::new(), None)
        })
        .await
        .unwrap();
    assert_eq!(delivery.state.status, Status::AwaitingPost);
    let hand = Step::HandToPost {
        record: "BB-2026-001".into(),
        waybill: "EE473124829VN".into(),
    };
    let handed_at = at + TimeDelta::days(3);
    let next = delivery.state.apply(&hand, handed_at, &calendar).unwrap();
    assert!(matches!(
        store
            .record_consignment_step(NewConsignmentStep {
                consignment: delivery.id,
                expected_steps: 0,
                actor: None,
                step: hand,
                next,
                at: handed_at,
            })
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(
        store
            .consignment_steps(delivery.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.consignment(delivery.id).await.unwrap().unwrap().steps,
        0
    );

    // The dossier's consignments, oldest first.
    let ids: Vec<ConsignmentId> = store
        .consignments_of_dossier(draft)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, [booked.id, delivery.id]);
    assert!(
        store
            .consignment_by_waybill("EE000000005VN")
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn carrier_pushes_change_the_record_once(db: &dyn TestDatabase) {
    let store = db.open().await;
    let agency = Fixture::load_or_new(store.clone()).await.commune.id;
    let calendar = motcua_domain::calendar::WorkCalendar::bundled().unwrap();
    let at = vn(2026, 3, 4, 8, 0);
    let address: Address =
        serde_json::from_str(r#"{"legacy":"Phường 1, TP Cao Lãnh, Đồng Tháp"}"#).unwrap();
    let delivery = store
        .create_consignment(NewConsignment {
            id: ConsignmentId::new(),
            dossier: DossierId::new(),
            agency,
            leg: Leg::Delivery,
            address,
            window: None,
            postage_vnd: 30_000,
            at,
        })
        .await
        .unwrap();
    let hand = Step::HandToPost {
        record: "BB-2026-002".into(),
        waybill: "CT0012345".into(),
    };
    let with_post = store
        .record_consignment_step(NewConsignmentStep {
            consignment: delivery.id,
            expected_steps: 0,
            actor: None,
            next: delivery.state.apply(&hand, at, &calendar).unwrap(),
            step: hand,
            at,
        })
        .await
        .unwrap();
    let failed_at = vn(2026, 3, 5, 10, 0);
    let attempt = Step::Attempt {
        note: "Không có người nhận".into(),
    };
    let push = |event: &str, signature: &str, expected_steps| NewCarrierPush {
        event_id: event.into(),
        signature: signature.into(),
        step: NewConsignmentStep {
            consignment: delivery.id,
            expected_steps,
            actor: None,
            step: attempt.clone(),
            next: with_post
                .state
                .apply(&attempt, failed_at, &calendar)
                .unwrap(),
            at: failed_at,
        },
        received_at: failed_at + chrono::TimeDelta::minutes(2),
    };
    // A push whose step is refused (the caller read an old version) leaves
    // no trace: the same event is taken later.
    assert!(matches!(
        store.record_carrier_push(push("E-1", "sig-a", 0)).await,
        Err(StoreError::Conflict { .. })
    ));
    let Ok(PushRecorded::Now(recorded)) = store.record_carrier_push(push("E-1", "sig-b", 1)).await
    else {
        panic!("a new event is recorded");
    };
    assert_eq!(recorded.state.status, Status::NotDelivered);
    assert_eq!(recorded.steps, 2);
    // The same signed request again is a replay; the same event re-signed
    // (the operator's retry) changes nothing.
    assert!(matches!(
        store.record_carrier_push(push("E-1", "sig-b", 2)).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        store
            .record_carrier_push(push("E-1", "sig-c", 2))
            .await
            .unwrap(),
        PushRecorded::Already
    );
    assert_eq!(store.consignment_steps(delivery.id).await.unwrap().len(), 2);
    assert_eq!(
        store.consignment(delivery.id).await.unwrap(),
        Some(recorded)
    );
    for (event, signature, seen) in [
        ("E-1", "sig-b", PushSeen::Signature),
        ("E-1", "sig-z", PushSeen::Event(delivery.id)),
        ("E-9", "sig-a", PushSeen::No),
    ] {
        assert_eq!(
            store.carrier_push_seen(event, signature).await.unwrap(),
            seen,
            "{event} {signature}"
        );
    }
}

pub async fn the_same_push_on_three_nodes_at_once_records_one_step(db: &dyn TestDatabase) {
    let store = db.open().await;
    let agency = Fixture::load_or_new(store.clone()).await.commune.id;
    let calendar = motcua_domain::calendar::WorkCalendar::bundled().unwrap();
    let at = vn(2026, 3, 4, 8, 0);
    let address: Address = serde_json::from_str(r#"{"legacy":"Phường 2, TP Sa Đéc"}"#).unwrap();
    let made = store
        .create_consignment(NewConsignment {
            id: ConsignmentId::new(),
            dossier: DossierId::new(),
            agency,
            leg: Leg::Delivery,
            address,
            window: None,
            postage_vnd: 30_000,
            at,
        })
        .await
        .unwrap();
    let hand = Step::HandToPost {
        record: "BB-2026-010".into(),
        waybill: "CT0077777".into(),
    };
    let with_post = store
        .record_consignment_step(NewConsignmentStep {
            consignment: made.id,
            expected_steps: 0,
            actor: None,
            next: made.state.apply(&hand, at, &calendar).unwrap(),
            step: hand,
            at,
        })
        .await
        .unwrap();
    // The operator's system sends one event three times at once, each
    // copy to another node, all read the same version.
    let failed_at = vn(2026, 3, 4, 10, 0);
    let attempt = Step::Attempt {
        note: "Sai địa chỉ".into(),
    };
    let next = with_post
        .state
        .apply(&attempt, failed_at, &calendar)
        .unwrap();
    let nodes = [db.open().await, db.open().await, db.open().await];
    let tasks: Vec<_> = nodes
        .iter()
        .map(|node| {
            let node = node.clone();
            let push = NewCarrierPush {
                event_id: "E-SAME".into(),
                signature: "sig-same".into(),
                step: NewConsignmentStep {
                    consignment: made.id,
                    expected_steps: 1,
                    actor: None,
                    step: attempt.clone(),
                    next: next.clone(),
                    at: failed_at,
                },
                received_at: failed_at,
            };
            tokio::spawn(async move { node.record_carrier_push(push).await })
        })
        .collect();
    let mut recorded = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(PushRecorded::Now(_)) => recorded += 1,
            Ok(PushRecorded::Already) => {}
            // Another copy won: the version moved or the row exists; on
            // SQLite a copy may also wait past its busy timeout.
            Err(StoreError::Conflict { .. } | StoreError::Unavailable(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(recorded, 1);
    assert_eq!(store.consignment_steps(made.id).await.unwrap().len(), 2);
    assert_eq!(
        store.carrier_push_seen("E-SAME", "sig-same").await.unwrap(),
        PushSeen::Signature
    );
    for node in nodes {
        node.close().await;
    }
}
