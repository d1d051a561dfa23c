//! Accounts through the API: registration problems at their inputs, a
//! session token for `Bearer`, sign-out and expiry, password resets that
//! tell no one who is registered.

use chrono::{TimeDelta, Utc};
use motcua_store::{NewSession, TokenHash};
use serde_json::json;

use super::super::portal::portal;
use super::{Client, assert_problem, error_fields};

fn registration() -> serde_json::Value {
    json!({
        "business": false,
        "full_name": "Lê Thị Cúc",
        "identity": "087195000456",
        "phone": "0168 912 3456",
        "email": "Cuc@Example.VN",
        "password": "mat-khau-dai",
        "password_confirm": "mat-khau-dai",
        "language": "en"
    })
}

#[tokio::test]
async fn registration_with_a_wrong_cccd_names_the_identity_input() {
    let portal = portal().await;
    let client = Client::anonymous(&portal);
    let mut body = registration();
    body["identity"] = json!("08719500045");
    body["password_confirm"] = json!("khac-hoan-toan");
    let reply = client.post("/api/accounts", body).await;
    let problem = assert_problem(&reply, 422, "invalid-input");
    let fields = error_fields(&problem);
    assert!(fields.contains(&"identity".to_owned()), "{problem}");
    assert!(fields.contains(&"password_confirm".to_owned()), "{problem}");
    let identity = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "identity")
        .unwrap();
    assert!(!identity["code"].as_str().unwrap().is_empty());
    assert!(!identity["message"].as_str().unwrap().is_empty());
    assert!(
        portal
            .services
            .store
            .user_by_login("cuc@example.vn")
            .await
            .unwrap()
            .is_none(),
        "nothing kept"
    );
    // A field of the wrong type or an unknown field is refused too.
    let mut wrong = registration();
    wrong["language"] = json!("fr");
    assert_problem(
        &client.post("/api/accounts", wrong).await,
        422,
        "invalid-input",
    );
    let unsent = client
        .send(
            axum::http::Request::post("/api/accounts"),
            Some("text/plain"),
            axum::body::Body::from(registration().to_string()),
        )
        .await;
    assert_problem(&unsent, 415, "unsupported-media-type");
}

#[tokio::test]
async fn register_verify_sign_in_and_out() {
    let portal = portal().await;
    let client = Client::anonymous(&portal);
    let reply = client.post("/api/accounts", registration()).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let account = reply.json();
    assert_eq!(account["email"], "cuc@example.vn");
    assert_eq!(account["phone"], "0389123456", "the 2018 prefix converted");
    assert_eq!(account["kind"], "citizen");
    assert_eq!(account["language"], "en");
    assert_eq!(account["email_verified_at"], serde_json::Value::Null);
    assert!(
        !reply.body.contains("argon2") && !reply.body.contains("password"),
        "no hash, no password: {}",
        reply.body
    );
    // Registered twice: taken, at its inputs.
    let again = client.post("/api/accounts", registration()).await;
    let problem = assert_problem(&again, 422, "invalid-input");
    assert!(error_fields(&problem).contains(&"email".to_owned()));

    // The verification link's token, as the e-mail carries it.
    let jobs = portal
        .services
        .store
        .claim_jobs("test", Utc::now(), TimeDelta::minutes(1), 100)
        .await
        .unwrap();
    let text = jobs
        .iter()
        .find(|j| j.kind == "email.send" && j.payload["to"] == "cuc@example.vn")
        .unwrap()
        .payload["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = text
        .split("token=")
        .nth(1)
        .unwrap()
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap()
        .to_owned();
    let bad = client
        .post(
            "/api/accounts/email-verification",
            json!({"token": "not-a-token"}),
        )
        .await;
    assert_problem(&bad, 422, "invalid-input");
    let verified = client
        .post("/api/accounts/email-verification", json!({"token": token}))
        .await;
    assert_eq!(verified.status, 204, "{}", verified.body);

    // Signing in gives a token for Bearer.
    let wrong = client
        .post(
            "/api/sessions",
            json!({"login": "cuc@example.vn", "password": "sai-mat-khau"}),
        )
        .await;
    assert_problem(&wrong, 401, "unauthenticated");
    let reply = client
        .post(
            "/api/sessions",
            json!({"login": " CUC@example.vn ", "password": "mat-khau-dai"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let session = reply.json();
    assert!(
        reply.headers.get("set-cookie").is_none(),
        "the API sets no cookie"
    );
    let token = session["token"].as_str().unwrap().to_owned();
    assert!(session["expires_at"].as_str().unwrap().ends_with('Z'));
    assert!(session["user"]["email_verified_at"].is_string());
    let signed = Client {
        portal: &portal,
        token: Some(token.clone()),
    };
    assert_eq!(signed.get("/api/drafts").await.status, 200);
    // Signing out ends the session: the token stops working.
    assert_eq!(signed.delete("/api/sessions/current").await.status, 204);
    let after = signed.get("/api/drafts").await;
    assert_problem(&after, 401, "unauthenticated");
    assert_problem(
        &signed.delete("/api/sessions/current").await,
        401,
        "unauthenticated",
    );
}

#[tokio::test]
async fn an_expired_or_unknown_token_is_refused() {
    let portal = portal().await;
    let store = &portal.services.store;
    let user = store
        .user_by_login("an@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    let long_ago = Utc::now() - TimeDelta::days(2);
    store
        .create_session(NewSession {
            user: user.id,
            token_hash: TokenHash::of("an-expired-session-token"),
            now: long_ago,
            expires_at: long_ago + TimeDelta::hours(12),
        })
        .await
        .unwrap();
    for token in ["an-expired-session-token", "never-issued", "a b"] {
        let client = Client {
            portal: &portal,
            token: Some(token.to_owned()),
        };
        let reply = client
            .post("/api/drafts", json!({"procedure": "2.000815"}))
            .await;
        assert_problem(&reply, 401, "unauthenticated");
    }
    assert!(store.drafts_of_user(user.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_password_reset_answers_alike_and_ends_every_session() {
    let portal = portal().await;
    let client = Client::anonymous(&portal);
    let signed = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    for email in ["an@demo.motcua.vn", "nobody@example.vn"] {
        let reply = client
            .post("/api/password-resets", json!({"email": email}))
            .await;
        assert_eq!(reply.status, 202, "{email}: {}", reply.body);
        assert_eq!(reply.body, "");
    }
    let not_email = client
        .post("/api/password-resets", json!({"email": "an"}))
        .await;
    assert_problem(&not_email, 422, "invalid-input");

    let jobs = portal
        .services
        .store
        .claim_jobs("test", Utc::now(), TimeDelta::minutes(1), 100)
        .await
        .unwrap();
    let mails: Vec<_> = jobs
        .iter()
        .filter(|j| {
            j.kind == "email.send"
                && j.payload["text"]
                    .as_str()
                    .unwrap()
                    .contains("dat-lai-mat-khau?token=")
        })
        .collect();
    assert_eq!(mails.len(), 1, "only the account's address gets a link");
    let text = mails[0].payload["text"].as_str().unwrap();
    let token = text
        .split("token=")
        .nth(1)
        .unwrap()
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap();
    let short = client
        .post(
            "/api/password-resets/confirm",
            json!({"token": token, "password": "ngan", "password_confirm": "ngan"}),
        )
        .await;
    let problem = assert_problem(&short, 422, "invalid-input");
    assert_eq!(error_fields(&problem), ["password"]);
    let done = client
        .post(
            "/api/password-resets/confirm",
            json!({"token": token, "password": "mat-khau-moi-dai", "password_confirm": "mat-khau-moi-dai"}),
        )
        .await;
    assert_eq!(done.status, 204, "{}", done.body);
    assert_problem(&signed.get("/api/drafts").await, 401, "unauthenticated");
    let used = client
        .post(
            "/api/password-resets/confirm",
            json!({"token": token, "password": "mat-khau-khac-dai", "password_confirm": "mat-khau-khac-dai"}),
        )
        .await;
    assert_problem(&used, 422, "invalid-input");
    let new = client
        .post(
            "/api/sessions",
            json!({"login": "an@demo.motcua.vn", "password": "mat-khau-moi-dai"}),
        )
        .await;
    assert_eq!(new.status, 201);
}
