//! `GET /api/dossiers/{id}/timeline`: the applicant and the officials who
//! may see a dossier get its events with their hashes, and the chain
//! recomputed from the JSON alone ends at the head the public look-up shows;
//! anyone else is told it does not exist.

use motcua_store::hash::{EventFields, event_hash};
use motcua_store::{DossierId, Hash, UserId};
use serde_json::{Value, json};

use super::super::portal::portal;
use super::{Client, assert_problem, submitted};

/// Recomputes the chain from the response and returns its head.
fn recompute(timeline: &Value) -> String {
    let dossier = timeline["dossier_id"]
        .as_str()
        .unwrap()
        .parse::<DossierId>()
        .unwrap()
        .uuid();
    let mut prev = Hash::GENESIS;
    for e in timeline["events"].as_array().unwrap() {
        assert_eq!(e["prev_hash"], prev.to_hex());
        let at = chrono::DateTime::from_timestamp_micros(e["at_micros"].as_i64().unwrap()).unwrap();
        let actor = e["actor"]
            .as_str()
            .map(|a| a.parse::<UserId>().unwrap().uuid());
        let hash = event_hash(&EventFields {
            dossier,
            seq: u32::try_from(e["seq"].as_u64().unwrap()).unwrap(),
            at,
            actor,
            role: e["role"].as_str().unwrap(),
            action: e["action"].as_str().unwrap(),
            reason: e["reason"].as_str(),
            payload: &e["payload"],
            prev: &prev,
        });
        assert_eq!(hash.to_hex(), e["hash"], "event {}", e["seq"]);
        prev = hash;
    }
    prev.to_hex()
}

#[tokio::test]
async fn those_who_may_see_a_dossier_can_recompute_its_chain() {
    let portal = portal().await;
    let citizen = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let (id, code, pin) = submitted(&citizen).await;

    let by_code = citizen.get(&format!("/api/dossiers/{code}/timeline")).await;
    assert_eq!(by_code.status, 200, "{}", by_code.body);
    let timeline = by_code.json();
    assert_eq!(timeline["verifies"], true);
    assert_eq!(timeline["hash_rule"], "motcua/dossier-event/1");
    assert_eq!(timeline["events"][0]["action"], "enter");
    let head = recompute(&timeline);
    assert_eq!(timeline["head_hash"], head);
    // The public look-up by code and PIN shows the same head.
    let tracked = Client::anonymous(&portal)
        .post("/api/track", json!({"code": code, "pin": pin}))
        .await;
    assert_eq!(tracked.json()["head_hash"], head);

    // An official of the receiving commune sees it by id; the system
    // administrator (who handles no dossier) and another applicant do not.
    let officer = Client::signed_in(&portal, "tiepnhan@demo.motcua.vn").await;
    let seen = officer.get(&format!("/api/dossiers/{id}/timeline")).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.json()["head_hash"], head);
    for login in ["quantri@demo.motcua.vn", "senhong@demo.motcua.vn"] {
        let other = Client::signed_in(&portal, login).await;
        let refused = other.get(&format!("/api/dossiers/{id}/timeline")).await;
        assert_problem(&refused, 404, "not-found");
    }
    let anonymous = Client::anonymous(&portal)
        .get(&format!("/api/dossiers/{code}/timeline"))
        .await;
    assert_problem(&anonymous, 401, "unauthenticated");
    let unknown = citizen.get("/api/dossiers/KHONG-CO/timeline").await;
    assert_problem(&unknown, 404, "not-found");
}
