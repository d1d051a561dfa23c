//! Accounts and sessions: register, prove the e-mail address, sign in (a
//! session token for `Authorization: Bearer`) and out, reset a forgotten
//! password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use motcua_app::accounts::{self, Registration};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiApplicant;
use super::schema::{
    Account, BadRequest, InvalidInput, Language, Problem, TooManyRequests, Unauthenticated,
    Unavailable, UnsupportedMediaType,
};
use crate::error::WebError;
use crate::extract::Json;
use crate::state::AppState;

/// Who registers. Every problem is reported at once, each at its input.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegistrationRequest {
    /// `true` for a business: then `full_name` is its name, `identity` its
    /// tax code and `representative` who acts for it.
    #[serde(default)]
    business: bool,
    #[schema(example = "Lê Thị Cúc")]
    full_name: String,
    /// The personal identification number (CCCD, 12 digits), or a
    /// business's tax code.
    #[schema(example = "087195000456")]
    identity: String,
    /// A business's legal representative (required for a business).
    #[serde(default)]
    representative: String,
    /// Optional; any common spelling, old 11-digit mobile numbers included.
    #[serde(default)]
    #[schema(example = "0912 345 678")]
    phone: String,
    #[schema(example = "cuc@example.vn")]
    email: String,
    /// 8 to 128 characters.
    password: String,
    password_confirm: String,
    /// The language of the messages the account receives.
    #[serde(default)]
    language: Language,
}

/// `POST /api/accounts`.
#[utoipa::path(
    post,
    path = "/api/accounts",
    tag = "accounts",
    operation_id = "register",
    summary = "Register a citizen's or a business's account",
    description = "Creates the account and e-mails the link that proves its address \
                   (its token goes to `POST /api/accounts/email-verification`). An e-mail, \
                   phone or identity number already used is refused at its input (`taken`).",
    request_body = RegistrationRequest,
    responses(
        (status = 201, description = "The account", body = Account),
        (status = 400, response = BadRequest),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = InvalidInput),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn register(
    State(state): State<AppState>,
    Json(body): Json<RegistrationRequest>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let registration = Registration {
        business: body.business,
        full_name: body.full_name,
        identity: body.identity,
        representative: body.representative,
        phone: body.phone,
        email: body.email,
        password: body.password,
        password_confirm: body.password_confirm,
        language: body.language.into(),
    };
    let user = accounts::register(svc, registration, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(Account::from(&user))).into_response())
}

/// A one-time token from an e-mailed link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenRequest {
    /// The `token` parameter of the link.
    token: String,
}

/// `POST /api/accounts/email-verification`.
#[utoipa::path(
    post,
    path = "/api/accounts/email-verification",
    tag = "accounts",
    operation_id = "verifyEmail",
    summary = "Prove an account's e-mail address",
    description = "Uses up the token of the verification link.",
    request_body = TokenRequest,
    responses(
        (status = 204, description = "The address is verified"),
        (status = 400, response = BadRequest),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "The link is unknown, used or expired", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn verify_email(
    State(state): State<AppState>,
    Json(body): Json<TokenRequest>,
) -> Result<StatusCode, WebError> {
    let svc = state.require_services()?;
    accounts::verify_email(svc, &body.token, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A sign-in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignInRequest {
    /// An e-mail address, phone number or identity number.
    #[schema(example = "an@demo.motcua.vn")]
    login: String,
    password: String,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionCreated {
    /// Send it as `Authorization: Bearer <token>`; keep it secret.
    token: String,
    /// When the session ends at the latest (it also ends after 12 hours
    /// unused, and at sign-out or a password reset).
    expires_at: DateTime<Utc>,
    user: Account,
}

/// `POST /api/sessions`.
#[utoipa::path(
    post,
    path = "/api/sessions",
    tag = "accounts",
    operation_id = "signIn",
    summary = "Sign in: a session token for `Authorization: Bearer`",
    description = "Failed attempts are counted per login; after 5 in 15 minutes the login \
                   waits (429).",
    request_body = SignInRequest,
    responses(
        (status = 201, description = "Signed in", body = SessionCreated),
        (status = 400, response = BadRequest),
        (status = 401, description = "Wrong login or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is disabled", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = InvalidInput),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    Json(body): Json<SignInRequest>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let signed = accounts::sign_in(svc, &body.login, &body.password, Utc::now()).await?;
    let created = SessionCreated {
        user: Account::from(&signed.user),
        token: signed.token,
        expires_at: signed.expires_at,
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// `DELETE /api/sessions/current`.
#[utoipa::path(
    delete,
    path = "/api/sessions/current",
    tag = "accounts",
    operation_id = "signOut",
    summary = "Sign out: the session's token stops working",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, response = Unauthenticated),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    applicant: ApiApplicant,
) -> Result<StatusCode, WebError> {
    let svc = state.require_services()?;
    accounts::sign_out(svc, applicant.0.token.expose(), Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who forgot their password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetRequest {
    #[schema(example = "an@demo.motcua.vn")]
    email: String,
}

/// `POST /api/password-resets`.
#[utoipa::path(
    post,
    path = "/api/password-resets",
    tag = "accounts",
    operation_id = "requestPasswordReset",
    summary = "E-mail a password-reset link",
    description = "The answer is the same whether or not an account has the address, so it \
                   tells no one who is registered. The link's token goes to \
                   `POST /api/password-resets/confirm`.",
    request_body = ResetRequest,
    responses(
        (status = 202, description = "If an account has this address, a link is on its way"),
        (status = 400, response = BadRequest),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "Not an e-mail address", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn request_reset(
    State(state): State<AppState>,
    Json(body): Json<ResetRequest>,
) -> Result<StatusCode, WebError> {
    let svc = state.require_services()?;
    accounts::request_password_reset(svc, &body.email, Utc::now()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A new password, with the token of the reset link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetConfirm {
    token: String,
    /// 8 to 128 characters.
    password: String,
    password_confirm: String,
}

/// `POST /api/password-resets/confirm`.
#[utoipa::path(
    post,
    path = "/api/password-resets/confirm",
    tag = "accounts",
    operation_id = "confirmPasswordReset",
    summary = "Set a new password with a reset link's token",
    description = "Every open session of the account ends.",
    request_body = ResetConfirm,
    responses(
        (status = 204, description = "The password is changed"),
        (status = 400, response = BadRequest),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "A password too short or not confirmed, or a link unknown, used or expired", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn confirm_reset(
    State(state): State<AppState>,
    Json(body): Json<ResetConfirm>,
) -> Result<StatusCode, WebError> {
    let svc = state.require_services()?;
    accounts::reset_password(
        svc,
        &body.token,
        &body.password,
        &body.password_confirm,
        Utc::now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
