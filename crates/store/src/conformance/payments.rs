//! The cases of fees paid online: settled once with a gap-free receipt
//! number and an event on every dossier covered, refunds kept within what
//! was paid, nothing half-written when one is refused.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_domain::lifecycle::{Action, ActionKind, Stage};

use super::TestDatabase;
use super::fixtures::{Fixture, vn};
use crate::Store;
use crate::error::StoreError;
use crate::ids::{AgencyId, CheckoutId, DossierId, PaymentId, RefundId, UserId};
use crate::model::{
    DossierRecord, FeeAccount, NewPayment, NewRefund, NewUser, PaymentItem, PaymentState,
    ReceiptNumber, Settled, Settlement, UserKind,
};

pub(super) async fn payer(store: &Arc<dyn Store>) -> UserId {
    store
        .create_user(NewUser {
            kind: UserKind::Citizen,
            full_name: "Lê Văn Tám".into(),
            email: Some("tam@example.vn".into()),
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

pub(super) fn account(agency: AgencyId, symbol: &str) -> FeeAccount {
    FeeAccount {
        agency,
        number: " 3511.0.1053472 ".into(),
        holder: "Sở Tư pha\u{301}p tỉnh Đồng Tháp".into(),
        treasury: "Kho bạc Nhà nước khu vực XVIII".into(),
        receipt_symbol: symbol.into(),
    }
}

pub(super) fn item(
    dossier: DossierId,
    fee: &str,
    amount_vnd: u64,
    refundable: bool,
) -> PaymentItem {
    PaymentItem {
        dossier,
        fee: fee.into(),
        count: 1,
        amount_vnd,
        refundable,
    }
}

pub(super) fn payment(
    reference: &str,
    payer: UserId,
    beneficiary: AgencyId,
    items: Vec<PaymentItem>,
    at: DateTime<Utc>,
) -> NewPayment {
    NewPayment {
        id: PaymentId::new(),
        reference: reference.into(),
        checkout: CheckoutId::new(),
        payer,
        beneficiary,
        provider: "sandbox".into(),
        amount_vnd: items.iter().map(|i| i.amount_vnd).sum(),
        items,
        created_at: at,
    }
}

pub(super) fn settlement(reference: &str, at: DateTime<Utc>) -> Settlement {
    Settlement {
        reference: reference.into(),
        provider_txn: format!("TXN{reference}"),
        paid_at: at - TimeDelta::seconds(5),
        at,
    }
}

async fn last_action(store: &Arc<dyn Store>, dossier: &DossierRecord) -> (u32, Action) {
    let events = store.events(dossier.id).await.unwrap();
    let last = events.last().unwrap();
    (events.len() as u32, last.event.action.clone())
}

pub async fn a_payment_settles_once_with_its_receipt_and_an_event_per_dossier(
    db: &dyn TestDatabase,
) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let payer = payer(&store).await;
    let at = vn(2026, 3, 2, 9, 0);
    let a = f.create(at).await;
    let b = f.create(at).await;
    let new = payment(
        "MC0001",
        payer,
        f.department.id,
        vec![
            item(a.id, "Phí cung cấp thông tin", 200_000, false),
            item(b.id, "Phí cung cấp thông tin", 200_000, false),
            item(b.id, "Phí cấp bản sao", 8_000, true),
        ],
        at + TimeDelta::nanoseconds(1_500),
    );
    let created = store.create_payment(new.clone()).await.unwrap();
    assert_eq!(created.state, PaymentState::Pending);
    assert_eq!(created.amount_vnd, 408_000);
    assert_eq!(created.dossiers(), vec![a.id, b.id]);
    assert_eq!(created.amount_for(b.id), 208_000);
    assert_eq!(
        store.payment_by_reference("MC0001").await.unwrap(),
        Some(created.clone())
    );
    // A reference is used once; a sum that is not the items' is refused.
    assert!(matches!(
        store
            .create_payment(NewPayment {
                id: PaymentId::new(),
                ..new.clone()
            })
            .await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(matches!(
        store
            .create_payment(NewPayment {
                id: PaymentId::new(),
                reference: "MC0002".into(),
                amount_vnd: 1,
                ..new.clone()
            })
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .create_payment(NewPayment {
                id: PaymentId::new(),
                reference: "MC-0002".into(),
                ..new.clone()
            })
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(
        store.payments_of_dossier(a.id).await.unwrap(),
        vec![created.clone()]
    );
    // Starting to pay is on each dossier's timeline, with its part; the
    // refused attempts wrote nothing.
    for (dossier, amount) in [(&a, 200_000), (&b, 208_000)] {
        assert_eq!(
            last_action(&store, dossier).await,
            (
                2,
                Action::FeePaymentStarted {
                    payment: "MC0001".into(),
                    amount_vnd: amount,
                }
            )
        );
    }
    assert_eq!(
        store.payments_of_checkout(new.checkout).await.unwrap(),
        vec![created.clone()]
    );

    // Without the beneficiary's account nothing can be receipted: refused,
    // nothing written.
    let later = at + TimeDelta::minutes(10);
    assert!(matches!(
        store.settle_payment(settlement("MC0001", later)).await,
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(
        store
            .payment_by_reference("MC0001")
            .await
            .unwrap()
            .unwrap()
            .state,
        PaymentState::Pending
    );
    assert_eq!(store.events(a.id).await.unwrap().len(), 2);

    store
        .set_fee_account(&account(f.department.id, "BL-STP"))
        .await
        .unwrap();
    let read = store.fee_account(f.department.id).await.unwrap().unwrap();
    assert_eq!(read.number, "3511.0.1053472");
    assert_eq!(read.holder, "Sở Tư pháp tỉnh Đồng Tháp");
    assert!(store.fee_account(f.commune.id).await.unwrap().is_none());
    assert!(matches!(
        store
            .set_fee_account(&FeeAccount {
                number: "  ".into(),
                ..account(f.commune.id, "X")
            })
            .await,
        Err(StoreError::Invalid { .. })
    ));

    let Settled::Now(settled) = store
        .settle_payment(settlement("MC0001", later))
        .await
        .unwrap()
    else {
        panic!("a pending payment settles now");
    };
    assert_eq!(settled.state, PaymentState::Settled);
    let receipt = ReceiptNumber {
        symbol: "BL-STP".into(),
        year: 2026,
        number: 1,
    };
    assert_eq!(settled.receipt, Some(receipt.clone()));
    assert_eq!(settled.provider_txn.as_deref(), Some("TXNMC0001"));
    assert_eq!(
        store.payment_by_reference("MC0001").await.unwrap(),
        Some(settled.clone())
    );
    for (dossier, amount) in [(&a, 200_000), (&b, 208_000)] {
        let (count, action) = last_action(&store, dossier).await;
        assert_eq!(count, 3);
        assert_eq!(
            action,
            Action::FeePaid {
                payment: "MC0001".into(),
                amount_vnd: amount,
                receipt: receipt.to_string(),
            }
        );
        let now = store.dossier(dossier.id).await.unwrap().unwrap();
        // Money moves no stage.
        assert_eq!(now.state.stage, dossier.state.stage);
        assert_eq!(now.state.stage, Stage::AwaitingReception);
        assert_eq!(now.event_count, 3);
    }

    // Twice: nothing more.
    let again = store
        .settle_payment(settlement("MC0001", later + TimeDelta::minutes(1)))
        .await
        .unwrap();
    assert_eq!(again, Settled::Already(settled.clone()));
    assert_eq!(store.events(a.id).await.unwrap().len(), 3);

    // The series runs on without gaps; a failed payment that the provider
    // later confirms is settled too (the money was taken).
    let c = f.create(at).await;
    store
        .create_payment(payment(
            "MC0003",
            payer,
            f.department.id,
            vec![item(c.id, "Phí", 50_000, false)],
            at,
        ))
        .await
        .unwrap();
    assert!(
        store
            .fail_payment("MC0003", "khách hàng hủy", later)
            .await
            .unwrap()
    );
    assert!(!store.fail_payment("MC0003", "again", later).await.unwrap());
    let failed = store.payment_by_reference("MC0003").await.unwrap().unwrap();
    assert_eq!(failed.state, PaymentState::Failed);
    assert_eq!(failed.failure.as_deref(), Some("khách hàng hủy"));
    // Failing is on the timeline once; an unworded failure is refused.
    assert_eq!(
        last_action(&store, &c).await,
        (
            3,
            Action::FeePaymentFailed {
                payment: "MC0003".into(),
                reason: "khách hàng hủy".into(),
            }
        )
    );
    assert!(matches!(
        store.fail_payment("MC0001", " ", later).await,
        Err(StoreError::Invalid { .. })
    ));
    let Settled::Now(third) = store
        .settle_payment(settlement("MC0003", later))
        .await
        .unwrap()
    else {
        panic!("a failed payment the provider confirms settles");
    };
    assert_eq!(third.receipt.unwrap().number, 2);
    assert!(!store.fail_payment("MC0003", "late", later).await.unwrap());

    assert!(matches!(
        store.settle_payment(settlement("MC9999", later)).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn concurrent_settlements_settle_once(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let payer = payer(&store).await;
    store
        .set_fee_account(&account(f.department.id, "BL-STP"))
        .await
        .unwrap();
    let at = vn(2026, 3, 2, 9, 0);
    let d = f.create(at).await;
    store
        .create_payment(payment(
            "MC0100",
            payer,
            f.department.id,
            vec![item(d.id, "Phí", 200_000, false)],
            at,
        ))
        .await
        .unwrap();
    let nodes = [db.open().await, db.open().await, db.open().await];
    let tasks: Vec<_> = nodes
        .iter()
        .map(|node| {
            let node = node.clone();
            tokio::spawn(async move {
                node.settle_payment(settlement("MC0100", vn(2026, 3, 2, 9, 5)))
                    .await
            })
        })
        .collect();
    let mut now = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(Settled::Now(_)) => now += 1,
            Ok(Settled::Already(_)) => {}
            // SQLite's single writer may make a node wait past its busy
            // timeout; it then settles nothing.
            Err(StoreError::Unavailable(_) | StoreError::Conflict { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(now, 1);
    // Two attempts started at once on the same dossier (a double click on
    // two nodes) both land: neither waits on a lock the other must upgrade.
    let starts: Vec<_> = ["MC0101", "MC0102"]
        .into_iter()
        .zip(&nodes)
        .map(|(reference, node)| {
            let node = node.clone();
            let new = payment(
                reference,
                payer,
                f.department.id,
                vec![item(d.id, "Phí", 200_000, false)],
                vn(2026, 3, 2, 9, 6),
            );
            tokio::spawn(async move { node.create_payment(new).await })
        })
        .collect();
    for start in starts {
        start.await.unwrap().unwrap();
    }
    let events = store.events(d.id).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == ActionKind::FeePaymentStarted)
            .count(),
        3
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == ActionKind::FeePaid)
            .count(),
        1
    );
    for node in nodes {
        node.close().await;
    }
}

pub async fn refunds_stay_within_what_was_paid(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let payer = payer(&store).await;
    store
        .set_fee_account(&account(f.department.id, "BL-STP"))
        .await
        .unwrap();
    let at = vn(2026, 3, 2, 9, 0);
    let d = f.create(at).await;
    let other = f.create(at).await;
    store
        .create_payment(payment(
            "MC0200",
            payer,
            f.department.id,
            vec![
                item(d.id, "Lệ phí", 100_000, true),
                item(d.id, "Phí không hoàn", 20_000, false),
            ],
            at,
        ))
        .await
        .unwrap();
    let pending = store.payment_by_reference("MC0200").await.unwrap().unwrap();
    let refund = |amount_vnd, dossier, minutes, refunded_before| NewRefund {
        id: RefundId::new(),
        payment: pending.id,
        dossier,
        amount_vnd,
        refunded_before,
        reason: "Hồ sơ bị từ chối".into(),
        provider_ref: Some("RF1".into()),
        at: at + TimeDelta::minutes(minutes),
    };
    // Nothing to give back before it is paid.
    assert!(matches!(
        store.record_refund(refund(100_000, d.id, 5, 0)).await,
        Err(StoreError::Invalid { .. })
    ));
    store
        .settle_payment(settlement("MC0200", at + TimeDelta::minutes(1)))
        .await
        .unwrap();
    // Within what it collected for that dossier (120,000) only; nothing
    // written when refused.
    for (amount, dossier) in [(120_001, d.id), (1_000, other.id)] {
        assert!(matches!(
            store.record_refund(refund(amount, dossier, 5, 0)).await,
            Err(StoreError::Invalid { .. })
        ));
    }
    assert_eq!(store.events(d.id).await.unwrap().len(), 3);
    let first = store
        .record_refund(refund(60_000, d.id, 5, 0))
        .await
        .unwrap();
    assert_eq!(first.reason, "Hồ sơ bị từ chối");
    let (count, action) = last_action(&store, &d).await;
    assert_eq!(count, 4);
    assert_eq!(
        action,
        Action::FeeRefunded {
            payment: "MC0200".into(),
            amount_vnd: 60_000,
            reason: "Hồ sơ bị từ chối".into(),
        }
    );
    assert!(matches!(
        store.record_refund(refund(60_001, d.id, 6, 60_000)).await,
        Err(StoreError::Invalid { .. })
    ));
    // A caller working from an older reading (nothing given back yet) is
    // refused, though the amount would fit: another refund came first.
    assert!(matches!(
        store.record_refund(refund(10_000, d.id, 6, 0)).await,
        Err(StoreError::Conflict { .. })
    ));
    let second = store
        .record_refund(refund(60_000, d.id, 6, 60_000))
        .await
        .unwrap();
    assert_eq!(
        store.refunds_of_payment(pending.id).await.unwrap(),
        vec![first.clone(), second.clone()]
    );
    // A day's reading: refunds by when they were made, payments by when
    // they were started or closed.
    let minutes = |m| at + TimeDelta::minutes(m);
    assert_eq!(
        store
            .refunds_between(minutes(0), minutes(60))
            .await
            .unwrap(),
        vec![first, second.clone()]
    );
    assert_eq!(
        store.refunds_between(minutes(6), minutes(7)).await.unwrap(),
        vec![second]
    );
    let ids = |list: Vec<crate::model::Payment>| list.into_iter().map(|p| p.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .payments_between(minutes(0), minutes(1))
            .await
            .unwrap()),
        vec![pending.id]
    );
    assert_eq!(
        ids(store
            .payments_between(minutes(1), minutes(2))
            .await
            .unwrap()),
        vec![pending.id]
    );
    assert!(
        store
            .payments_between(minutes(2), minutes(60))
            .await
            .unwrap()
            .is_empty()
    );
    // The timeline still verifies with the money events in it.
    let record = store.dossier(d.id).await.unwrap().unwrap();
    let events = store.events(d.id).await.unwrap();
    let attachments = store.attachments(d.id).await.unwrap();
    assert!(crate::timeline::check(&record, &events, &attachments).is_empty());
}
