//! Accounts of citizens and businesses: register, prove the e-mail address,
//! sign in and out, reset a forgotten password.
//!
//! Passwords are hashed with argon2id (the `argon2` crate's defaults, the
//! OWASP baseline: 19 MiB, 2 passes) on a blocking thread, since a hash
//! takes tens of milliseconds of CPU. Failed sign-ins are counted in the
//! database per login, so a cluster of nodes shares one count; after
//! [`LOGIN_FAILURES_ALLOWED`] in [`LOGIN_WINDOW`] the login waits.

use chrono::{DateTime, TimeDelta, Utc};
use motcua_domain::forms::{self, FieldProblem, Problem};
use motcua_domain::identity::{PersonalNumber, TaxCode};
use motcua_domain::phone::{self, Recorded};
use motcua_domain::text;
use motcua_i18n::{Arg, Lang};
use motcua_store::{
    NewSession, NewUser, NewUserToken, Session, StoreError, TokenHash, TokenPurpose, User, UserId,
    UserKind,
};

use crate::outbox::EmailMessage;
use crate::{AppError, Services, secret};

/// The shortest password accepted (NIST SP 800-63B asks for at least 8).
pub const PASSWORD_MIN_CHARS: u32 = 8;
/// The longest password accepted (hashing cost grows with length).
pub const PASSWORD_MAX_CHARS: u32 = 128;
/// How long a browser session lasts without use.
pub const SESSION_IDLE: TimeDelta = TimeDelta::hours(12);
/// Failed sign-ins allowed per login in [`LOGIN_WINDOW`].
pub const LOGIN_FAILURES_ALLOWED: u32 = 5;
pub const LOGIN_WINDOW: TimeDelta = TimeDelta::minutes(15);
/// How long an e-mail verification link works.
pub const VERIFY_LINK_LIFE: TimeDelta = TimeDelta::days(3);
/// How long a password-reset link works.
pub const RESET_LINK_LIFE: TimeDelta = TimeDelta::hours(1);
/// Reset e-mails per address in [`RESET_WINDOW`] (so no one can flood an
/// inbox through the form).
pub const RESETS_ALLOWED: u32 = 3;
pub const RESET_WINDOW: TimeDelta = TimeDelta::hours(1);

/// Who registers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registration {
    /// `true` for a business (then `full_name` is its name, `identity` its
    /// tax code and `representative` who acts for it).
    pub business: bool,
    pub full_name: String,
    /// The personal identification number (CCCD), or a business's tax code.
    pub identity: String,
    pub representative: String,
    pub phone: String,
    pub email: String,
    pub password: String,
    pub password_confirm: String,
    pub language: Lang,
}

/// The field names problems are reported under, for the form to show them
/// at the right input.
pub mod fields {
    pub const FULL_NAME: &str = "full_name";
    pub const IDENTITY: &str = "identity";
    pub const REPRESENTATIVE: &str = "representative";
    pub const PHONE: &str = "phone";
    pub const EMAIL: &str = "email";
    pub const PASSWORD: &str = "password";
    pub const PASSWORD_CONFIRM: &str = "password_confirm";
    pub const LOGIN: &str = "login";
}

/// Trimmed NFC text, `None` when blank.
pub(crate) fn clean(text: &str) -> Option<String> {
    let t = text::nfc(text.trim()).into_owned();
    (!t.is_empty()).then_some(t)
}

pub(crate) fn check_password(password: &str, confirm: &str, problems: &mut Vec<FieldProblem>) {
    let chars = password.chars().count() as u32;
    let problem = if password.is_empty() {
        Some(Problem::Required)
    } else if chars < PASSWORD_MIN_CHARS {
        Some(Problem::TooShort {
            min: PASSWORD_MIN_CHARS,
        })
    } else if chars > PASSWORD_MAX_CHARS {
        Some(Problem::TooLong {
            max: PASSWORD_MAX_CHARS,
        })
    } else {
        None
    };
    if let Some(problem) = problem {
        problems.push(FieldProblem {
            field: fields::PASSWORD.into(),
            problem,
        });
    } else if password != confirm {
        problems.push(FieldProblem {
            field: fields::PASSWORD_CONFIRM.into(),
            problem: Problem::Mismatch,
        });
    }
}

/// The checked parts of a registration.
struct Checked {
    kind: UserKind,
    full_name: String,
    identity: String,
    representative: Option<String>,
    phone: Option<String>,
    email: String,
}

fn check(reg: &Registration) -> Result<Checked, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut at = |field: &str, problem: Problem| {
        problems.push(FieldProblem {
            field: field.into(),
            problem,
        })
    };
    let full_name = clean(&reg.full_name);
    match &full_name {
        None => at(fields::FULL_NAME, Problem::Required),
        Some(n) if n.chars().count() > 200 => at(fields::FULL_NAME, Problem::TooLong { max: 200 }),
        Some(_) => {}
    }
    let identity = match clean(&reg.identity) {
        None => {
            at(fields::IDENTITY, Problem::Required);
            None
        }
        Some(id) if reg.business => TaxCode::parse(&id)
            .map(|c| c.as_str().to_owned())
            .map_err(|e| at(fields::IDENTITY, Problem::Identity(e)))
            .ok(),
        Some(id) => PersonalNumber::parse(&id)
            .map(|n| n.as_str().to_owned())
            .map_err(|e| at(fields::IDENTITY, Problem::Identity(e)))
            .ok(),
    };
    let representative = clean(&reg.representative);
    if reg.business && representative.is_none() {
        at(fields::REPRESENTATIVE, Problem::Required);
    }
    let phone = match clean(&reg.phone) {
        None => None,
        Some(p) => phone::normalize(&p, Recorded::Unknown)
            .map(|n| n.national().to_owned())
            .map_err(|e| at(fields::PHONE, Problem::Phone(e)))
            .ok(),
    };
    let email = match clean(&reg.email) {
        None => {
            at(fields::EMAIL, Problem::Required);
            None
        }
        Some(e) => {
            let parsed = forms::parse_email(&e);
            if parsed.is_none() {
                at(fields::EMAIL, Problem::Email);
            }
            parsed
        }
    };
    check_password(&reg.password, &reg.password_confirm, &mut problems);
    match (full_name, identity, email) {
        (Some(full_name), Some(identity), Some(email)) if problems.is_empty() => Ok(Checked {
            kind: if reg.business {
                UserKind::Business
            } else {
                UserKind::Citizen
            },
            full_name,
            identity,
            representative: if reg.business { representative } else { None },
            phone,
            email,
        }),
        _ => Err(problems),
    }
}

/// Registers an account and sends the link that proves its e-mail address.
/// Every problem of the form is reported at once; an e-mail, phone or
/// identity number already used by an account is [`Problem::Taken`].
pub async fn register(
    svc: &Services,
    reg: Registration,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let checked = check(&reg).map_err(AppError::Invalid)?;
    let mut taken = Vec::new();
    for (field, value) in [
        (fields::EMAIL, Some(&checked.email)),
        (fields::PHONE, checked.phone.as_ref()),
        (fields::IDENTITY, Some(&checked.identity)),
    ] {
        let Some(value) = value else { continue };
        match svc.store.user_by_login(value).await {
            Ok(None) => {}
            Ok(Some(_)) | Err(StoreError::Conflict { .. }) => taken.push(FieldProblem {
                field: field.into(),
                problem: Problem::Taken,
            }),
            Err(e) => return Err(e.into()),
        }
    }
    if !taken.is_empty() {
        return Err(AppError::Invalid(taken));
    }
    let hash = hash_password(reg.password).await?;
    let user = svc
        .store
        .create_user(NewUser {
            kind: checked.kind,
            full_name: checked.full_name,
            email: Some(checked.email),
            phone: checked.phone,
            identity_number: Some(checked.identity),
            password_hash: Some(hash),
            representative: checked.representative,
            language: reg.language.tag().to_owned(),
        })
        .await
        .map_err(|e| match e {
            // Someone registered the same details a moment ago.
            StoreError::Conflict { .. } => AppError::field(fields::EMAIL, Problem::Taken),
            e => e.into(),
        })?;
    send_verification(svc, &user, now).await?;
    Ok(user)
}

/// Verification e-mails a signed-in person may ask for again in
/// [`RESET_WINDOW`] (so no one floods an inbox through the button).
pub const RESENDS_ALLOWED: u32 = 3;

/// Sends the link again, at the account holder's request; quietly does
/// nothing past [`RESENDS_ALLOWED`] an hour or once the address is proved.
pub async fn resend_verification(
    svc: &Services,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if user.email_verified_at.is_some() {
        return Ok(());
    }
    let key = format!("verify:{}", user.id);
    if svc.store.failures_since(&key, now - RESET_WINDOW).await? >= RESENDS_ALLOWED {
        return Err(AppError::Throttled {
            until: now + RESET_WINDOW,
        });
    }
    svc.store.record_failure(&key, now).await?;
    send_verification(svc, user, now).await
}

/// Sends the link that proves the account's e-mail address.
pub async fn send_verification(
    svc: &Services,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(email) = &user.email else {
        return Ok(());
    };
    let token = secret::token()?;
    svc.store
        .create_user_token(NewUserToken {
            user: user.id,
            purpose: TokenPurpose::VerifyEmail,
            token_hash: TokenHash::of(&token),
            now,
            expires_at: now + VERIFY_LINK_LIFE,
        })
        .await?;
    let lang = language_of(user);
    let link = svc
        .settings
        .link(&format!("/tai-khoan/xac-minh?token={token}"));
    let message = EmailMessage {
        to: email.clone(),
        subject: lang.tr("mail-verify-subject"),
        text: lang.tr_args(
            "mail-verify-body",
            &[
                ("name", Arg::from(user.full_name.clone())),
                ("link", Arg::from(link)),
                ("days", Arg::from(VERIFY_LINK_LIFE.num_days())),
            ],
        ),
    };
    let job = message
        .job(format!("verify:{}", TokenHash::of(&token).0.to_hex()), now)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    svc.store.enqueue(job).await?;
    Ok(())
}

/// Follows an e-mail verification link.
pub async fn verify_email(
    svc: &Services,
    token: &str,
    now: DateTime<Utc>,
) -> Result<UserId, AppError> {
    let user = svc
        .store
        .consume_user_token(TokenPurpose::VerifyEmail, &TokenHash::of(token), now)
        .await?
        .ok_or(AppError::BadLink)?;
    svc.store.set_email_verified(user, now).await?;
    Ok(user)
}

/// The language a person reads their messages in.
pub fn language_of(user: &User) -> Lang {
    Lang::from_tag(&user.language).unwrap_or_default()
}

/// The spellings an account may keep a login under, most likely first: an
/// e-mail in lower case; a personal identification number or tax code
/// without separators; a phone number in today's national form (an old
/// 11-digit mobile converted); the digits as typed without spaces or dots
/// (a 10-digit number that was also an old landline is ambiguous to
/// `phone::normalize`, yet it can only be today's number of an account;
/// a tax code opening with `03` reads as an old landline too).
pub fn login_candidates(login: &str) -> Vec<String> {
    let login = text::nfc(login.trim()).into_owned();
    if login.is_empty() {
        return Vec::new();
    }
    if login.contains('@') {
        return vec![login.to_lowercase()];
    }
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    if let Ok(n) = PersonalNumber::parse(&login) {
        add(n.as_str().to_owned());
    }
    if let Ok(n) = phone::normalize(&login, Recorded::Unknown) {
        add(n.national().to_owned());
    }
    if let Ok(code) = TaxCode::parse(&login) {
        add(code.as_str().to_owned());
    }
    let digits: String = login
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '\u{a0}'))
        .collect();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        add(digits);
    }
    add(login);
    out
}

/// The account a login names, trying its spellings in turn.
async fn account_of(svc: &Services, candidates: &[String]) -> Result<Option<User>, AppError> {
    for candidate in candidates {
        match svc.store.user_by_login(candidate).await {
            Ok(Some(user)) => return Ok(Some(user)),
            Ok(None) => {}
            // A login shared by two accounts signs in neither.
            Err(StoreError::Conflict { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// A signed-in session: the secret for the cookie (or `Bearer`), and whose.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

/// Signs in with an e-mail, phone number or identity number and a
/// password.
pub async fn sign_in(
    svc: &Services,
    login: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<SignedIn, AppError> {
    let candidates = login_candidates(login);
    let Some(first) = candidates.first() else {
        return Err(AppError::field(fields::LOGIN, Problem::Required));
    };
    // Failures are counted under the login's most likely spelling.
    let key = format!("login:{first}");
    if svc.store.failures_since(&key, now - LOGIN_WINDOW).await? >= LOGIN_FAILURES_ALLOWED {
        return Err(AppError::Throttled {
            until: now + LOGIN_WINDOW,
        });
    }
    let user = account_of(svc, &candidates).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    // Without an account, a password is still checked against a dummy hash,
    // so the answer takes as long either way.
    let matches = verify_password(password.to_owned(), stored).await?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            svc.store.record_failure(&key, now).await?;
            return Err(AppError::BadCredentials);
        }
    };
    if user.disabled {
        return Err(AppError::Disabled);
    }
    svc.store.clear_failures(&key).await?;
    let token = secret::token()?;
    let expires_at = now + SESSION_IDLE;
    svc.store
        .create_session(NewSession {
            user: user.id,
            token_hash: TokenHash::of(&token),
            now,
            expires_at,
        })
        .await?;
    Ok(SignedIn {
        token,
        user,
        expires_at,
    })
}

/// How often a session's last use is written (not on every request).
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(5);

/// The account behind a session token, if the session is open: not
/// revoked, used within [`SESSION_IDLE`], and its account not disabled.
pub async fn session_user(
    svc: &Services,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(User, Session)>, AppError> {
    let Some(session) = svc.store.session(&TokenHash::of(token)).await? else {
        return Ok(None);
    };
    let open = session.revoked_at.is_none()
        && session.expires_at > now
        && session.last_seen_at + SESSION_IDLE > now;
    if !open {
        return Ok(None);
    }
    let Some(user) = svc.store.user(session.user).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_EVERY {
        svc.store.touch_session(session.id, now).await?;
    }
    Ok(Some((user, session)))
}

/// Signs out: the session ends everywhere it was used.
pub async fn sign_out(svc: &Services, token: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    if let Some(session) = svc.store.session(&TokenHash::of(token)).await? {
        svc.store.revoke_session(session.id, now).await?;
    }
    Ok(())
}

/// Sends a password-reset link to `email` if an account has it. The answer
/// is the same whether or not one does, so the form tells no one who is
/// registered.
pub async fn request_password_reset(
    svc: &Services,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(email) = forms::parse_email(email) else {
        return Err(AppError::field(fields::EMAIL, Problem::Email));
    };
    let key = format!("reset:{email}");
    if svc.store.failures_since(&key, now - RESET_WINDOW).await? >= RESETS_ALLOWED {
        // Quietly: the previous links are still in the inbox.
        return Ok(());
    }
    svc.store.record_failure(&key, now).await?;
    let user = match svc.store.user_by_login(&email).await {
        Ok(Some(user)) if user.email.as_deref() == Some(email.as_str()) && !user.disabled => user,
        Ok(_) | Err(StoreError::Conflict { .. }) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let token = secret::token()?;
    svc.store
        .create_user_token(NewUserToken {
            user: user.id,
            purpose: TokenPurpose::ResetPassword,
            token_hash: TokenHash::of(&token),
            now,
            expires_at: now + RESET_LINK_LIFE,
        })
        .await?;
    let lang = language_of(&user);
    let link = svc
        .settings
        .link(&format!("/tai-khoan/dat-lai-mat-khau?token={token}"));
    let message = EmailMessage {
        to: email,
        subject: lang.tr("mail-reset-subject"),
        text: lang.tr_args(
            "mail-reset-body",
            &[
                ("name", Arg::from(user.full_name.clone())),
                ("link", Arg::from(link)),
                ("minutes", Arg::from(RESET_LINK_LIFE.num_minutes())),
            ],
        ),
    };
    let job = message
        .job(format!("reset:{}", TokenHash::of(&token).0.to_hex()), now)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    svc.store.enqueue(job).await?;
    Ok(())
}

/// Sets a new password with a reset link; every open session of the
/// account ends (whoever knew the old password is signed out).
pub async fn reset_password(
    svc: &Services,
    token: &str,
    password: &str,
    confirm: &str,
    now: DateTime<Utc>,
) -> Result<UserId, AppError> {
    let mut problems = Vec::new();
    check_password(password, confirm, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let user = svc
        .store
        .consume_user_token(TokenPurpose::ResetPassword, &TokenHash::of(token), now)
        .await?
        .ok_or(AppError::BadLink)?;
    let hash = hash_password(password.to_owned()).await?;
    svc.store.set_password_hash(user, &hash).await?;
    svc.store.revoke_user_sessions(user, now).await?;
    Ok(user)
}

/// An argon2id PHC string of `password`, computed off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| AppError::Internal(format!("random source: {e}")))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// A hash of a password no one has, checked when there is no account so a
/// wrong login costs the same time as a wrong password. Made once, with the
/// same parameters as real hashes.
fn dummy_hash() -> &'static str {
    use argon2::password_hash::{PasswordHasher, SaltString};
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        SaltString::encode_b64(b"motcua-no-account")
            .ok()
            .and_then(|salt| {
                argon2::Argon2::default()
                    .hash_password(b"no account has this password", &salt)
                    .ok()
                    .map(|h| h.to_string())
            })
            .unwrap_or_default()
    })
}

/// Whether `password` matches the stored hash (`None`: no account).
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        let ok = argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        known && ok
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::login_candidates;

    #[test]
    fn logins_are_tried_as_accounts_keep_them() {
        let first = |s: &str| login_candidates(s).into_iter().next().unwrap_or_default();
        assert_eq!(login_candidates(" An@Example.VN "), ["an@example.vn"]);
        assert_eq!(first("0168 912 3456"), "0389123456");
        assert!(login_candidates("0389 123 456").contains(&"0389123456".to_owned()));
        assert_eq!(first("087.095.000.123"), "087095000123");
        assert_eq!(first("1400100123 - 001"), "1400100123-001");
        // A tax code that reads as an old landline is still tried as itself.
        assert!(login_candidates("0301234567").contains(&"0301234567".to_owned()));
        assert!(login_candidates("  ").is_empty());
    }
}
