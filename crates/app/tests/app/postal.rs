//! An operator's status pushes, end to end on the store: a failed attempt
//! and a delivery recorded; a bad signature, an old timestamp, a replayed
//! request and an unknown waybill each refused with nothing changed; the
//! same event sent twice changing the record once.

use chrono::{DateTime, TimeDelta, Utc};
use motcua_app::postal::carrier::{self, PushRefusal, Received};
use motcua_app::postal::push;
use motcua_domain::address::Address;
use motcua_domain::postal::consignment::{Leg, Status, Step};
use motcua_store::{
    ConsignmentId, ConsignmentRecord, DossierId, NewConsignment, NewConsignmentStep,
};

use super::office::{office, vn};

const SECRET: &[u8] = b"buu-dien-dong-thap-test-secret-0001";

/// A result with the post: handed over on a record.
async fn with_post(svc: &motcua_app::Services, at: DateTime<Utc>) -> ConsignmentRecord {
    with_post_as(svc, at, "EE473124829VN").await
}

/// A result with the post under `waybill`.
async fn with_post_as(
    svc: &motcua_app::Services,
    at: DateTime<Utc>,
    waybill: &str,
) -> ConsignmentRecord {
    let calendar = motcua_app::apply::work_calendar(svc).await.unwrap();
    let address: Address =
        serde_json::from_str(r#"{"unit":{"commune":"29869","detail":"số 12 Lý Thường Kiệt"}}"#)
            .unwrap();
    let made = svc
        .store
        .create_consignment(NewConsignment {
            id: ConsignmentId::new(),
            dossier: DossierId::new(),
            agency: motcua_app::apply::all_agencies(svc).await.unwrap()[0].id,
            leg: Leg::Delivery,
            address,
            window: None,
            postage_vnd: 30_000,
            at,
        })
        .await
        .unwrap();
    let hand = Step::HandToPost {
        record: "BB-2026-007".into(),
        waybill: waybill.into(),
    };
    svc.store
        .record_consignment_step(NewConsignmentStep {
            consignment: made.id,
            expected_steps: 0,
            actor: None,
            next: made.state.apply(&hand, at, &calendar).unwrap(),
            step: hand,
            at,
        })
        .await
        .unwrap()
}

/// A push of `body`, signed `seconds` (Unix) with `secret`, received at
/// `now`.
async fn send(
    svc: &motcua_app::Services,
    secret: &[u8],
    seconds: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Received, PushRefusal> {
    let signature = push::sign(secret, seconds, body.as_bytes());
    carrier::receive(
        svc,
        SECRET,
        &seconds.to_string(),
        &signature,
        body.as_bytes(),
        now,
    )
    .await
}

#[tokio::test]
async fn pushes_change_a_consignment_once_and_refusals_change_nothing() {
    let o = office().await;
    let svc = &o.svc;
    let at = vn(2026, 3, 4, 8, 0);
    let c = with_post(svc, at).await;
    let steps = |id| async move { svc.store.consignment_steps(id).await.unwrap().len() };

    let now = vn(2026, 3, 4, 10, 5);
    let seconds = now.timestamp();
    let failed = r#"{"event_id":"VNP-1","waybill":"ee 473124829 vn","status":"not-delivered","at":"2026-03-04T10:00:00+07:00","note":"Không có người nhận"}"#;
    let Ok(Received::Recorded(after)) = send(svc, SECRET, seconds, failed, now).await else {
        panic!("a failed attempt is recorded");
    };
    assert_eq!(after.state.status, Status::NotDelivered);
    assert_eq!(steps(c.id).await, 2);

    // Each refused, nothing changed.
    let signature = push::sign(SECRET, seconds, failed.as_bytes());
    let replay = carrier::receive(
        svc,
        SECRET,
        &seconds.to_string(),
        &signature,
        failed.as_bytes(),
        now,
    )
    .await;
    assert!(matches!(replay, Err(PushRefusal::Replay)), "{replay:?}");
    let forged = send(svc, b"not-the-secret", seconds, failed, now).await;
    assert_eq!(forged.unwrap_err().code(), "bad-signature");
    let old = send(svc, SECRET, seconds - 3600, failed, now).await;
    assert_eq!(old.unwrap_err().code(), "stale-timestamp");
    let unknown = r#"{"event_id":"VNP-2","waybill":"CT9999999","status":"not-delivered","at":"2026-03-04T10:00:00+07:00","note":"x"}"#;
    assert_eq!(
        send(svc, SECRET, seconds, unknown, now)
            .await
            .unwrap_err()
            .code(),
        "unknown-consignment"
    );
    let garbled = r#"{"event_id":"VNP-3","status":"lost"}"#;
    assert_eq!(
        send(svc, SECRET, seconds, garbled, now)
            .await
            .unwrap_err()
            .code(),
        "bad-body"
    );
    // Taken back too soon: the rules refuse it (two attempts, two working
    // days apart, come first).
    let back = r#"{"event_id":"VNP-4","waybill":"EE473124829VN","status":"returned","at":"2026-03-04T10:04:00+07:00"}"#;
    assert_eq!(
        send(svc, SECRET, seconds, back, now)
            .await
            .unwrap_err()
            .code(),
        "step-refused"
    );
    assert_eq!(steps(c.id).await, 2);
    // The refused event left no trace: it is not "seen".
    let back_signature = push::sign(SECRET, seconds, back.as_bytes());
    assert_eq!(
        svc.store
            .carrier_push_seen("VNP-4", &back_signature)
            .await
            .unwrap(),
        motcua_store::PushSeen::No
    );
    // Dated in the future: refused, or it would block the real steps.
    let ahead = failed
        .replace("VNP-1", "VNP-5a")
        .replace("2026-03-04T10:00:00+07:00", "2026-03-09T10:00:00+07:00");
    assert_eq!(
        send(svc, SECRET, seconds, &ahead, now)
            .await
            .unwrap_err()
            .code(),
        "bad-body"
    );
    // The first event's id used for another consignment: refused.
    let other = with_post_as(svc, at, "CT0054321").await;
    let reused = failed.replace("ee 473124829 vn", "CT0054321");
    assert_eq!(
        send(svc, SECRET, seconds + 2, &reused, now)
            .await
            .unwrap_err()
            .code(),
        "event-reused"
    );
    assert_eq!(steps(other.id).await, 1);

    // The operator retries the first event, signed anew: nothing changes.
    let later = now + TimeDelta::minutes(1);
    assert_eq!(
        send(svc, SECRET, later.timestamp(), failed, later)
            .await
            .unwrap(),
        Received::Already
    );
    assert_eq!(steps(c.id).await, 2);

    // Delivered two days later, to the applicant whose document was
    // checked.
    let next_day = vn(2026, 3, 6, 9, 30);
    let delivered = r#"{"event_id":"VNP-5","waybill":"EE473124829VN","status":"delivered","at":"2026-03-06T09:25:00+07:00","recipient":"Nguyễn Văn An","identity":"087095000123"}"#;
    let Ok(Received::Recorded(done)) =
        send(svc, SECRET, next_day.timestamp(), delivered, next_day).await
    else {
        panic!("a delivery is recorded");
    };
    assert_eq!(done.state.status, Status::Delivered);
    assert_eq!(steps(c.id).await, 3);
}
