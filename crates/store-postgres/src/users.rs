//! Accounts, roles, sessions and API tokens.

use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::Role;
use motcua_domain::text::{fold, nfc};
use motcua_store::hash::micros;
use motcua_store::{
    AgencyId, ApiToken, ApiTokenId, NewApiToken, NewSession, NewUser, NewUserToken, RoleGrant,
    Session, SessionId, StoreError, StoreResult, TokenHash, TokenPurpose, User, UserId, UserKind,
};
use sqlx::Postgres;
use sqlx::postgres::{PgArguments, PgPool, PgRow};
use sqlx::query::Query;

use crate::convert::{db_err, get, get_hash, get_key, key, opt_ts, ts};

const USER_COLUMNS: &str =
    "id, kind, full_name, email, phone, identity_number, password_hash, disabled,
    created_at, email_verified_at, representative, language";

fn user_from_row(row: &PgRow) -> StoreResult<User> {
    let kind: String = get(row, "kind")?;
    Ok(User {
        id: UserId::from_uuid(get(row, "id")?),
        kind: UserKind::from_key(&kind)
            .ok_or_else(|| StoreError::corrupt(format!("user kind {kind}")))?,
        full_name: get(row, "full_name")?,
        email: get(row, "email")?,
        phone: get(row, "phone")?,
        identity_number: get(row, "identity_number")?,
        password_hash: get(row, "password_hash")?,
        disabled: get(row, "disabled")?,
        created_at: get(row, "created_at")?,
        email_verified_at: get(row, "email_verified_at")?,
        representative: get(row, "representative")?,
        language: get(row, "language")?,
    })
}

/// NFC, trimmed; blanks are absent.
fn clean(value: Option<String>) -> Option<String> {
    value
        .map(|v| nfc(v.trim()).into_owned())
        .filter(|v| !v.is_empty())
}

pub(crate) async fn create(pool: &PgPool, new: NewUser) -> StoreResult<User> {
    let user = User {
        id: UserId::new(),
        kind: new.kind,
        full_name: nfc(new.full_name.trim()).into_owned(),
        // E-mails are compared without case.
        email: clean(new.email).map(|e| e.to_lowercase()),
        phone: clean(new.phone),
        identity_number: clean(new.identity_number),
        password_hash: new.password_hash,
        disabled: false,
        created_at: micros(Utc::now()),
        email_verified_at: None,
        representative: motcua_store::clean::optional_text(new.representative.as_deref())?,
        language: motcua_store::clean::language(&new.language)?,
    };
    sqlx::query(
        "INSERT INTO users (id, kind, full_name, name_folded, email, phone, identity_number, password_hash, disabled,
            created_at, representative, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false, $9, $10, $11)",
    )
    .bind(user.id.uuid())
    .bind(user.kind.key())
    .bind(&user.full_name)
    .bind(fold(&user.full_name))
    .bind(&user.email)
    .bind(&user.phone)
    .bind(&user.identity_number)
    .bind(&user.password_hash)
    .bind(ts(user.created_at))
    .bind(&user.representative)
    .bind(&user.language)
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(user)
}

pub(crate) async fn get_one(pool: &PgPool, id: UserId) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.uuid())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(user_from_row)
        .transpose()
}

pub(crate) async fn by_login(pool: &PgPool, login: &str) -> StoreResult<Option<User>> {
    let login = nfc(login.trim()).into_owned();
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE email = $1 OR phone = $2 OR identity_number = $2
         ORDER BY id LIMIT 2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(login.to_lowercase())
        .bind(&login)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    let mut users = rows
        .iter()
        .map(user_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    // A login names one account or none: one person's phone number that is
    // another's identity number must not pick either of them.
    if users.len() > 1 {
        return Err(StoreError::conflict(
            "this login belongs to more than one account; sign in with your e-mail",
        ));
    }
    Ok(users.pop())
}

/// Runs an update of one row; `NotFound` when there is none.
async fn update_one(
    pool: &PgPool,
    query: Query<'_, Postgres, PgArguments>,
    what: String,
) -> StoreResult<()> {
    let done = query.execute(pool).await.map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found(what));
    }
    Ok(())
}

pub(crate) async fn set_password_hash(
    pool: &PgPool,
    user: UserId,
    password_hash: &str,
) -> StoreResult<()> {
    let q = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user.uuid())
        .bind(password_hash.to_owned());
    update_one(pool, q, format!("user {user}")).await
}

pub(crate) async fn set_disabled(pool: &PgPool, user: UserId, disabled: bool) -> StoreResult<()> {
    let q = sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1")
        .bind(user.uuid())
        .bind(disabled);
    update_one(pool, q, format!("user {user}")).await
}

pub(crate) async fn set_email_verified(
    pool: &PgPool,
    user: UserId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let q = sqlx::query("UPDATE users SET email_verified_at = $2 WHERE id = $1")
        .bind(user.uuid())
        .bind(ts(at));
    update_one(pool, q, format!("user {user}")).await
}

pub(crate) async fn grant_role(
    pool: &PgPool,
    user: UserId,
    agency: AgencyId,
    role: Role,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO role_grants (user_id, agency_id, role, granted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, agency_id, role) DO NOTHING",
    )
    .bind(user.uuid())
    .bind(agency.uuid())
    .bind(key(&role)?)
    .bind(ts(at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn revoke_role(
    pool: &PgPool,
    user: UserId,
    agency: AgencyId,
    role: Role,
) -> StoreResult<bool> {
    let done =
        sqlx::query("DELETE FROM role_grants WHERE user_id = $1 AND agency_id = $2 AND role = $3")
            .bind(user.uuid())
            .bind(agency.uuid())
            .bind(key(&role)?)
            .execute(pool)
            .await
            .map_err(db_err)?;
    Ok(done.rows_affected() > 0)
}

fn grant_from_row(row: &PgRow) -> StoreResult<RoleGrant> {
    Ok(RoleGrant {
        user: UserId::from_uuid(get(row, "user_id")?),
        agency: AgencyId::from_uuid(get(row, "agency_id")?),
        role: get_key(row, "role")?,
        granted_at: get(row, "granted_at")?,
    })
}

pub(crate) async fn roles(pool: &PgPool, user: UserId) -> StoreResult<Vec<RoleGrant>> {
    let rows = sqlx::query(
        "SELECT user_id, agency_id, role, granted_at FROM role_grants WHERE user_id = $1
         ORDER BY agency_id, role",
    )
    .bind(user.uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter().map(grant_from_row).collect()
}

/// Every grant at one agency, by role.
pub(crate) async fn grants_at(pool: &PgPool, agency: AgencyId) -> StoreResult<Vec<RoleGrant>> {
    let rows = sqlx::query(
        "SELECT user_id, agency_id, role, granted_at FROM role_grants WHERE agency_id = $1
         ORDER BY role, user_id",
    )
    .bind(agency.uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter().map(grant_from_row).collect()
}

const SESSION_COLUMNS: &str =
    "id, user_id, token_hash, created_at, last_seen_at, expires_at, revoked_at";

fn session_from_row(row: &PgRow) -> StoreResult<Session> {
    Ok(Session {
        id: SessionId::from_uuid(get(row, "id")?),
        user: UserId::from_uuid(get(row, "user_id")?),
        token_hash: TokenHash(get_hash(row, "token_hash")?),
        created_at: get(row, "created_at")?,
        last_seen_at: get(row, "last_seen_at")?,
        expires_at: get(row, "expires_at")?,
        revoked_at: get(row, "revoked_at")?,
    })
}

pub(crate) async fn create_session(pool: &PgPool, new: NewSession) -> StoreResult<Session> {
    let session = Session {
        id: SessionId::new(),
        user: new.user,
        token_hash: new.token_hash,
        created_at: micros(new.now),
        last_seen_at: micros(new.now),
        expires_at: micros(new.expires_at),
        revoked_at: None,
    };
    sqlx::query(
        "INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(session.id.uuid())
    .bind(session.user.uuid())
    .bind(session.token_hash.0.as_bytes().as_slice())
    .bind(session.created_at)
    .bind(session.expires_at)
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(session)
}

pub(crate) async fn session(pool: &PgPool, token_hash: &TokenHash) -> StoreResult<Option<Session>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token_hash.0.as_bytes().as_slice())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(session_from_row)
        .transpose()
}

pub(crate) async fn touch_session(
    pool: &PgPool,
    id: SessionId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let q = sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
        .bind(id.uuid())
        .bind(ts(at));
    update_one(pool, q, format!("session {id}")).await
}

pub(crate) async fn revoke_session(
    pool: &PgPool,
    id: SessionId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let q = sqlx::query("UPDATE sessions SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
        .bind(id.uuid())
        .bind(ts(at));
    update_one(pool, q, format!("session {id}")).await
}

pub(crate) async fn revoke_user_sessions(
    pool: &PgPool,
    user: UserId,
    at: DateTime<Utc>,
) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user.uuid())
    .bind(ts(at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(done.rows_affected())
}

const TOKEN_COLUMNS: &str = "id, user_id, name, token_hash, created_at, expires_at, revoked_at";

fn token_from_row(row: &PgRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: ApiTokenId::from_uuid(get(row, "id")?),
        user: UserId::from_uuid(get(row, "user_id")?),
        name: get(row, "name")?,
        token_hash: TokenHash(get_hash(row, "token_hash")?),
        created_at: get(row, "created_at")?,
        expires_at: get(row, "expires_at")?,
        revoked_at: get(row, "revoked_at")?,
    })
}

pub(crate) async fn create_api_token(pool: &PgPool, new: NewApiToken) -> StoreResult<ApiToken> {
    let token = ApiToken {
        id: ApiTokenId::new(),
        user: new.user,
        name: nfc(new.name.trim()).into_owned(),
        token_hash: new.token_hash,
        created_at: micros(new.now),
        expires_at: new.expires_at.map(micros),
        revoked_at: None,
    };
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token.id.uuid())
    .bind(token.user.uuid())
    .bind(&token.name)
    .bind(token.token_hash.0.as_bytes().as_slice())
    .bind(token.created_at)
    .bind(opt_ts(token.expires_at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(token)
}

pub(crate) async fn api_token(
    pool: &PgPool,
    token_hash: &TokenHash,
) -> StoreResult<Option<ApiToken>> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token_hash.0.as_bytes().as_slice())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(token_from_row)
        .transpose()
}

pub(crate) async fn revoke_api_token(
    pool: &PgPool,
    id: ApiTokenId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let q =
        sqlx::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
            .bind(id.uuid())
            .bind(ts(at));
    update_one(pool, q, format!("API token {id}")).await
}

pub(crate) async fn create_user_token(pool: &PgPool, new: NewUserToken) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new.token_hash.0.as_bytes().as_slice())
    .bind(new.user.uuid())
    .bind(new.purpose.key())
    .bind(ts(new.now))
    .bind(ts(new.expires_at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// One UPDATE: it locks the token's row, and a concurrent use waiting on
/// that lock re-checks `used_at IS NULL` once it is released, finds the
/// token used, and updates nothing.
pub(crate) async fn consume_user_token(
    pool: &PgPool,
    purpose: TokenPurpose,
    token_hash: &TokenHash,
    now: DateTime<Utc>,
) -> StoreResult<Option<UserId>> {
    let user: Option<uuid::Uuid> = sqlx::query_scalar(
        "UPDATE user_tokens SET used_at = $3
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
         RETURNING user_id",
    )
    .bind(token_hash.0.as_bytes().as_slice())
    .bind(purpose.key())
    .bind(ts(now))
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    Ok(user.map(UserId::from_uuid))
}
