//! Accounts: register, sign in and out, prove the e-mail address, reset a
//! forgotten password.

use askama::Template;
use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use motcua_app::accounts::{self, Registration};
use serde::Deserialize;

use super::form::{Errors, errors_or};
use crate::auth::{Credentials, Token, clear_session_cookie, request_is_https, session_cookie};
use crate::csrf::Posted;
use crate::error::WebError;
use crate::extract::Query;
use crate::lang::safe_next;
use crate::page::{PageCtx, render};
use crate::state::AppState;
use crate::visitor::Applicant;

/// A 303 to `to`.
pub(crate) fn see_other(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

// --- registration ---------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RegisterForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    identity: String,
    #[serde(default)]
    representative: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

#[derive(Template)]
#[template(path = "portal/register.html")]
struct RegisterPage {
    ctx: PageCtx,
    form: RegisterForm,
    errors: Errors,
}

pub(crate) async fn register_form(ctx: PageCtx) -> Result<Response, WebError> {
    let lang = ctx.lang();
    render(
        lang,
        StatusCode::OK,
        &RegisterPage {
            ctx,
            form: RegisterForm::default(),
            errors: Errors::none(),
        },
    )
}

#[derive(Template)]
#[template(path = "portal/message.html")]
struct MessagePage {
    ctx: PageCtx,
    title: String,
    body: String,
    link: Option<(String, String)>,
}

fn message(
    ctx: PageCtx,
    status: StatusCode,
    title_key: &str,
    body: String,
    link: Option<(&str, &str)>,
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    let page = MessagePage {
        title: ctx.t(title_key),
        body,
        link: link.map(|(href, key)| (href.to_owned(), ctx.t(key))),
        ctx,
    };
    render(lang, status, &page)
}

pub(crate) async fn register(
    State(state): State<AppState>,
    ctx: PageCtx,
    Posted(mut form): Posted<RegisterForm>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let registration = Registration {
        business: form.kind == "business",
        full_name: form.full_name.clone(),
        identity: form.identity.clone(),
        representative: form.representative.clone(),
        phone: form.phone.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        password_confirm: form.password_confirm.clone(),
        language: lang,
    };
    match accounts::register(svc, registration, Utc::now()).await {
        Ok(user) => {
            let body = ctx.t1(
                "register-done-body",
                "email",
                user.email.unwrap_or_default(),
            );
            message(
                ctx,
                StatusCode::CREATED,
                "register-done-title",
                body,
                Some(("/dang-nhap", "register-done-sign-in")),
            )
        }
        Err(err) => {
            let errors = errors_or(lang, err)?;
            // Passwords are never sent back to the browser.
            form.password.clear();
            form.password_confirm.clear();
            render(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                &RegisterPage { ctx, form, errors },
            )
        }
    }
}

// --- signing in and out -------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NextParam {
    #[serde(default)]
    tiep: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    tiep: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/sign_in.html")]
struct SignInPage {
    ctx: PageCtx,
    login: String,
    next: String,
    errors: Errors,
}

pub(crate) async fn sign_in_form(
    ctx: PageCtx,
    Query(params): Query<NextParam>,
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    let next = safe_next(params.tiep.as_deref()).to_owned();
    render(
        lang,
        StatusCode::OK,
        &SignInPage {
            ctx,
            login: String::new(),
            next,
            errors: Errors::none(),
        },
    )
}

pub(crate) async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ctx: PageCtx,
    Posted(form): Posted<SignInForm>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let next = safe_next(form.tiep.as_deref()).to_owned();
    match accounts::sign_in(svc, &form.login, &form.password, Utc::now()).await {
        Ok(signed) => {
            let token = Token::parse(&signed.token)
                .ok_or_else(|| WebError::internal("a session token of a bad shape"))?;
            // Without a page to come back to, each goes to their own work.
            let landing = match (next.as_str(), signed.user.kind) {
                ("/", motcua_store::UserKind::Official) => "/can-bo",
                ("/", _) => "/ho-so",
                (other, _) => other,
            };
            let mut response = see_other(landing);
            let cookie = session_cookie(&token, request_is_https(&headers));
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(err) => {
            let status = match &err {
                motcua_app::AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                motcua_app::AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::UNAUTHORIZED,
            };
            let errors = errors_or(lang, err)?;
            render(
                lang,
                status,
                &SignInPage {
                    ctx,
                    login: form.login,
                    next,
                    errors,
                },
            )
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Empty {}

pub(crate) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Posted(_): Posted<Empty>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    if let Credentials::Session(token) = Credentials::from_headers(&headers)? {
        accounts::sign_out(svc, token.expose(), Utc::now()).await?;
    }
    let mut response = see_other("/");
    if let Ok(value) = HeaderValue::from_str(&clear_session_cookie(request_is_https(&headers))) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    Ok(response)
}

// --- e-mail verification -----------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenParam {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "portal/confirm_link.html")]
struct ConfirmLinkPage {
    ctx: PageCtx,
    token: String,
}

/// The link in the e-mail opens a page with a button, so a mail scanner
/// that follows links does not use the token up.
pub(crate) async fn verify_form(
    ctx: PageCtx,
    Query(params): Query<TokenParam>,
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    render(
        lang,
        StatusCode::OK,
        &ConfirmLinkPage {
            ctx,
            token: params.token,
        },
    )
}

pub(crate) async fn verify(
    State(state): State<AppState>,
    ctx: PageCtx,
    Posted(form): Posted<TokenParam>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    match accounts::verify_email(svc, &form.token, Utc::now()).await {
        Ok(_) => {
            let body = ctx.t("verify-done-body");
            message(
                ctx,
                StatusCode::OK,
                "verify-done-title",
                body,
                Some(("/ho-so", "nav-my-dossiers")),
            )
        }
        Err(motcua_app::AppError::BadLink) => {
            let body = ctx.t("app-error-bad-link");
            message(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "verify-failed-title",
                body,
                None,
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn resend_verification(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    Posted(_): Posted<Empty>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    accounts::resend_verification(svc, applicant.user(), Utc::now()).await?;
    let body = ctx.t1(
        "register-done-body",
        "email",
        applicant.user().email.clone().unwrap_or_default(),
    );
    message(
        ctx,
        StatusCode::OK,
        "verify-sent-title",
        body,
        Some(("/ho-so", "nav-my-dossiers")),
    )
}

// --- password reset -------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ForgotForm {
    #[serde(default)]
    email: String,
}

#[derive(Template)]
#[template(path = "portal/forgot.html")]
struct ForgotPage {
    ctx: PageCtx,
    email: String,
    errors: Errors,
}

pub(crate) async fn forgot_form(ctx: PageCtx) -> Result<Response, WebError> {
    let lang = ctx.lang();
    render(
        lang,
        StatusCode::OK,
        &ForgotPage {
            ctx,
            email: String::new(),
            errors: Errors::none(),
        },
    )
}

pub(crate) async fn forgot(
    State(state): State<AppState>,
    ctx: PageCtx,
    Posted(form): Posted<ForgotForm>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    match accounts::request_password_reset(svc, &form.email, Utc::now()).await {
        Ok(()) => {
            let body = ctx.t("forgot-sent-body");
            message(ctx, StatusCode::OK, "forgot-sent-title", body, None)
        }
        Err(err) => {
            let errors = errors_or(lang, err)?;
            render(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                &ForgotPage {
                    ctx,
                    email: form.email,
                    errors,
                },
            )
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

#[derive(Template)]
#[template(path = "portal/reset.html")]
struct ResetPage {
    ctx: PageCtx,
    token: String,
    errors: Errors,
}

pub(crate) async fn reset_form(
    ctx: PageCtx,
    Query(params): Query<TokenParam>,
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    render(
        lang,
        StatusCode::OK,
        &ResetPage {
            ctx,
            token: params.token,
            errors: Errors::none(),
        },
    )
}

pub(crate) async fn reset(
    State(state): State<AppState>,
    ctx: PageCtx,
    Posted(form): Posted<ResetForm>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    match accounts::reset_password(
        svc,
        &form.token,
        &form.password,
        &form.password_confirm,
        Utc::now(),
    )
    .await
    {
        Ok(_) => {
            let body = ctx.t("reset-done-body");
            message(
                ctx,
                StatusCode::OK,
                "reset-done-title",
                body,
                Some(("/dang-nhap", "nav-sign-in")),
            )
        }
        Err(err) => {
            let errors = errors_or(lang, err)?;
            render(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                &ResetPage {
                    ctx,
                    token: form.token,
                    errors,
                },
            )
        }
    }
}
