//! A postal operator's status push over HTTP: recorded once, a replay and
//! a bad signature and an unknown waybill refused with their problems,
//! nothing taken where no secret is configured.

use axum::body::Body;
use axum::http::Request;
use chrono::Utc;
use motcua_app::postal::push;
use motcua_domain::address::Address;
use motcua_domain::postal::consignment::{Leg, Step};
use motcua_store::{ConsignmentId, DossierId, NewConsignment, NewConsignmentStep};
use motcua_web::{AppState, BuildInfo};
use serde_json::Value;

use super::super::portal::portal;
use super::super::{Reply, send};

const SECRET: &[u8] = b"buu-dien-dong-thap-test-secret-0001";

async fn push_to(app: &axum::Router, secret: &[u8], seconds: i64, body: &str) -> Reply {
    let request = Request::post("/api/postal/pushes")
        .header("content-type", "application/json")
        .header(push::TIMESTAMP_HEADER, seconds.to_string())
        .header(
            push::SIGNATURE_HEADER,
            push::sign(secret, seconds, body.as_bytes()),
        )
        .header("accept-language", "vi")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send(app.clone(), request).await
}

#[tokio::test]
async fn a_push_is_recorded_once_and_refusals_are_problems() {
    let portal = portal().await;
    let svc = &portal.services;
    // A result handed to the post an hour ago.
    let now = Utc::now();
    let at = now - chrono::TimeDelta::hours(1);
    let calendar = motcua_app::apply::work_calendar(svc).await.unwrap();
    let address: Address = serde_json::from_str(r#"{"legacy":"Phường 1, TP Cao Lãnh"}"#).unwrap();
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
        record: "BB-2026-009".into(),
        waybill: "CT0012345".into(),
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
        .unwrap();

    let app = motcua_web::router(
        AppState::new(BuildInfo::from_crate())
            .with_services(svc.clone())
            .with_postal_push_secret(SECRET),
    );
    let event_at = (now - chrono::TimeDelta::minutes(5)).to_rfc3339();
    let body = format!(
        r#"{{"event_id":"VNP-77","waybill":"CT0012345","status":"not-delivered","at":"{event_at}","note":"Không có người nhận"}}"#
    );
    let seconds = now.timestamp();
    let reply = push_to(&app, SECRET, seconds, &body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(answer["result"], "recorded");
    assert_eq!(answer["status"], "not-delivered");

    // The same request again: a replay.
    let again = push_to(&app, SECRET, seconds, &body).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(
        again.headers["content-type"], "application/problem+json",
        "a refusal is a problem"
    );
    assert!(
        again.body.contains("đã được nhận trước đó"),
        "{}",
        again.body
    );
    // Signed with another key.
    let forged = push_to(&app, b"another-secret-another-secret-00", seconds, &body).await;
    assert_eq!(forged.status, 401, "{}", forged.body);
    assert!(forged.body.contains("Chữ ký"), "{}", forged.body);
    // A waybill nobody has.
    let unknown = body
        .replace("CT0012345", "CT0099999")
        .replace("VNP-77", "VNP-78");
    assert_eq!(push_to(&app, SECRET, seconds, &unknown).await.status, 404);
    // Not JSON of a push.
    let garbled = push_to(&app, SECRET, seconds, "{}").await;
    assert_eq!(garbled.status, 400, "{}", garbled.body);
    // The operator's retry of the event, signed anew: nothing changes.
    let retry = push_to(&app, SECRET, seconds + 1, &body).await;
    assert_eq!(retry.status, 200, "{}", retry.body);
    assert!(retry.body.contains("already"), "{}", retry.body);
    assert_eq!(svc.store.consignment_steps(made.id).await.unwrap().len(), 2);

    // The portal started without a secret takes no push at all.
    assert_eq!(
        push_to(&portal.app, SECRET, seconds, &body).await.status,
        404
    );
}

async fn pull(app: &axum::Router, secret: &[u8], seconds: i64, target: &str) -> Reply {
    let request = Request::get(target)
        .header(push::TIMESTAMP_HEADER, seconds.to_string())
        .header(
            push::SIGNATURE_HEADER,
            push::sign(secret, seconds, target.as_bytes()),
        )
        .header("accept-language", "vi")
        .body(Body::empty())
        .unwrap();
    send(app.clone(), request).await
}

#[tokio::test]
async fn an_operator_pulls_what_awaits_the_post_signed() {
    let portal = portal().await;
    let svc = &portal.services;
    let now = Utc::now();
    let agency = motcua_app::apply::all_agencies(svc).await.unwrap()[3].clone();
    let address: Address =
        serde_json::from_str(r#"{"legacy":"Số 5, Phường 1, TP Cao Lãnh"}"#).unwrap();
    for leg in [Leg::Pickup, Leg::Delivery] {
        svc.store
            .create_consignment(NewConsignment {
                id: ConsignmentId::new(),
                dossier: DossierId::new(),
                agency: agency.id,
                leg,
                address: address.clone(),
                window: None,
                postage_vnd: 26_000,
                at: now - chrono::TimeDelta::hours(1),
            })
            .await
            .unwrap();
    }
    let app = motcua_web::router(
        AppState::new(BuildInfo::from_crate())
            .with_services(svc.clone())
            .with_postal_push_secret(SECRET),
    );
    let seconds = now.timestamp();
    let all = pull(&app, SECRET, seconds, "/api/postal/consignments").await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.headers["cache-control"], "no-store");
    let listed = all.json()["consignments"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["agency"], agency.identifier.as_str());
    assert_eq!(listed[0]["address"], "Số 5, Phường 1, TP Cao Lãnh");
    let booked = pull(
        &app,
        SECRET,
        seconds,
        "/api/postal/consignments?status=booked",
    )
    .await;
    let booked = booked.json()["consignments"].as_array().unwrap().clone();
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0]["leg"], "pickup");
    // The signature covers the query: another query, the same signature,
    // is refused; so is an unknown status, and a stale request.
    let request = Request::get("/api/postal/consignments?status=with-post")
        .header(push::TIMESTAMP_HEADER, seconds.to_string())
        .header(
            push::SIGNATURE_HEADER,
            push::sign(SECRET, seconds, b"/api/postal/consignments?status=booked"),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(app.clone(), request).await.status, 401);
    assert_eq!(
        pull(
            &app,
            SECRET,
            seconds,
            "/api/postal/consignments?status=lost"
        )
        .await
        .status,
        400
    );
    assert_eq!(
        pull(&app, SECRET, seconds - 3600, "/api/postal/consignments")
            .await
            .status,
        401
    );
    // No secret, no integration.
    assert_eq!(
        pull(&portal.app, SECRET, seconds, "/api/postal/consignments")
            .await
            .status,
        404
    );
}
