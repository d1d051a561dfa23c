//! Accounts, roles, sessions and API tokens.

use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::Role;
use motcua_domain::text::{fold, nfc};
use motcua_store::hash::micros;
use motcua_store::{
    AgencyId, ApiToken, ApiTokenId, NewApiToken, NewSession, NewUser, NewUserToken, RoleGrant,
    Session, SessionId, StoreError, StoreResult, TokenHash, TokenPurpose, User, UserId, UserKind,
};
use sqlx::Row;
use sqlx::sqlite::{SqlitePool, SqliteRow};

use crate::convert::{db_err, from_key, from_us, hash, key, opt_from_us, opt_us, parse, us};

const USER_COLUMNS: &str =
    "id, kind, full_name, email, phone, identity_number, password_hash, disabled,
    created_at, email_verified_at, representative, language";

fn user_from_row(row: &SqliteRow) -> StoreResult<User> {
    let kind: String = row.try_get("kind").map_err(db_err)?;
    Ok(User {
        id: parse(&row.try_get::<String, _>("id").map_err(db_err)?, "user id")?,
        kind: UserKind::from_key(&kind)
            .ok_or_else(|| StoreError::corrupt(format!("user kind {kind}")))?,
        full_name: row.try_get("full_name").map_err(db_err)?,
        email: row.try_get("email").map_err(db_err)?,
        phone: row.try_get("phone").map_err(db_err)?,
        identity_number: row.try_get("identity_number").map_err(db_err)?,
        password_hash: row.try_get("password_hash").map_err(db_err)?,
        disabled: row.try_get("disabled").map_err(db_err)?,
        created_at: from_us(row.try_get("created_at").map_err(db_err)?)?,
        email_verified_at: opt_from_us(row.try_get("email_verified_at").map_err(db_err)?)?,
        representative: row.try_get("representative").map_err(db_err)?,
        language: row.try_get("language").map_err(db_err)?,
    })
}

/// E-mails are compared without case; blanks are absent.
fn clean(value: Option<String>) -> Option<String> {
    value
        .map(|v| nfc(v.trim()).into_owned())
        .filter(|v| !v.is_empty())
}

pub(crate) async fn create(pool: &SqlitePool, new: NewUser) -> StoreResult<User> {
    motcua_store::refuse_nul(
        [
            Some(&new.full_name),
            new.email.as_ref(),
            new.phone.as_ref(),
            new.identity_number.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(String::as_str),
    )?;
    let user = User {
        id: UserId::new(),
        kind: new.kind,
        full_name: nfc(new.full_name.trim()).into_owned(),
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
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11)",
    )
    .bind(user.id.to_string())
    .bind(user.kind.key())
    .bind(&user.full_name)
    .bind(fold(&user.full_name))
    .bind(&user.email)
    .bind(&user.phone)
    .bind(&user.identity_number)
    .bind(&user.password_hash)
    .bind(us(user.created_at))
    .bind(&user.representative)
    .bind(&user.language)
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(user)
}

pub(crate) async fn get(pool: &SqlitePool, id: UserId) -> StoreResult<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(user_from_row)
        .transpose()
}

pub(crate) async fn by_login(pool: &SqlitePool, login: &str) -> StoreResult<Option<User>> {
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
    one_login(
        rows.iter()
            .map(user_from_row)
            .collect::<StoreResult<Vec<_>>>()?,
    )
}

/// A login names one account or none: one person's phone number that is
/// another's identity number must not pick either of them.
fn one_login(mut users: Vec<User>) -> StoreResult<Option<User>> {
    if users.len() > 1 {
        return Err(StoreError::conflict(
            "this login belongs to more than one account; sign in with your e-mail",
        ));
    }
    Ok(users.pop())
}

async fn update_one(
    pool: &SqlitePool,
    query: sqlx::query::Query<'_, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    what: String,
) -> StoreResult<()> {
    let done = query.execute(pool).await.map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found(what));
    }
    Ok(())
}

pub(crate) async fn set_password_hash(
    pool: &SqlitePool,
    user: UserId,
    password_hash: &str,
) -> StoreResult<()> {
    let q = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user.to_string())
        .bind(password_hash.to_owned());
    update_one(pool, q, format!("user {user}")).await
}

pub(crate) async fn set_disabled(
    pool: &SqlitePool,
    user: UserId,
    disabled: bool,
) -> StoreResult<()> {
    let q = sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1")
        .bind(user.to_string())
        .bind(disabled);
    update_one(pool, q, format!("user {user}")).await
}

pub(crate) async fn set_email_verified(
    pool: &SqlitePool,
    user: UserId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let q = sqlx::query("UPDATE users SET email_verified_at = $2 WHERE id = $1")
        .bind(user.to_string())
        .bind(us(at));
    update_one(pool, q, format!("user {user}")).await
}

pub(crate) async fn grant_role(
    pool: &SqlitePool,
    user: UserId,
    agency: AgencyId,
    role: Role,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO role_grants (user_id, agency_id, role, granted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, agency_id, role) DO NOTHING",
    )
    .bind(user.to_string())
    .bind(agency.to_string())
    .bind(key(&role)?)
    .bind(us(at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn revoke_role(
    pool: &SqlitePool,
    user: UserId,
    agency: AgencyId,
    role: Role,
) -> StoreResult<bool> {
    let done =
        sqlx::query("DELETE FROM role_grants WHERE user_id = $1 AND agency_id = $2 AND role = $3")
            .bind(user.to_string())
            .bind(agency.to_string())
            .bind(key(&role)?)
            .execute(pool)
            .await
            .map_err(db_err)?;
    Ok(done.rows_affected() > 0)
}

fn grant_from_row(row: &SqliteRow) -> StoreResult<RoleGrant> {
    Ok(RoleGrant {
        user: parse(
            &row.try_get::<String, _>("user_id").map_err(db_err)?,
            "user id",
        )?,
        agency: parse(
            &row.try_get::<String, _>("agency_id").map_err(db_err)?,
            "agency id",
        )?,
        role: from_key(&row.try_get::<String, _>("role").map_err(db_err)?, "role")?,
        granted_at: from_us(row.try_get("granted_at").map_err(db_err)?)?,
    })
}

pub(crate) async fn roles(pool: &SqlitePool, user: UserId) -> StoreResult<Vec<RoleGrant>> {
    let rows = sqlx::query(
        "SELECT user_id, agency_id, role, granted_at FROM role_grants WHERE user_id = $1 ORDER BY agency_id, role",
    )
    .bind(user.to_string())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter().map(grant_from_row).collect()
}

/// Every grant at one agency, by role.
pub(crate) async fn grants_at(pool: &SqlitePool, agency: AgencyId) -> StoreResult<Vec<RoleGrant>> {
    let rows = sqlx::query(
        "SELECT user_id, agency_id, role, granted_at FROM role_grants WHERE agency_id = $1 ORDER BY role, user_id",
    )
    .bind(agency.to_string())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter().map(grant_from_row).collect()
}

fn session_from_row(row: &SqliteRow) -> StoreResult<Session> {
    Ok(Session {
        id: parse(
            &row.try_get::<String, _>("id").map_err(db_err)?,
            "session id",
        )?,
        user: parse(
            &row.try_get::<String, _>("user_id").map_err(db_err)?,
            "user id",
        )?,
        token_hash: TokenHash(hash(
            &row.try_get::<Vec<u8>, _>("token_hash").map_err(db_err)?,
        )?),
        created_at: from_us(row.try_get("created_at").map_err(db_err)?)?,
        last_seen_at: from_us(row.try_get("last_seen_at").map_err(db_err)?)?,
        expires_at: from_us(row.try_get("expires_at").map_err(db_err)?)?,
        revoked_at: opt_from_us(row.try_get("revoked_at").map_err(db_err)?)?,
    })
}

pub(crate) async fn create_session(pool: &SqlitePool, new: NewSession) -> StoreResult<Session> {
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
        "INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(session.id.to_string())
    .bind(session.user.to_string())
    .bind(session.token_hash.0.as_bytes().to_vec())
    .bind(us(session.created_at))
    .bind(us(session.expires_at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(session)
}

pub(crate) async fn session(
    pool: &SqlitePool,
    token_hash: &TokenHash,
) -> StoreResult<Option<Session>> {
    sqlx::query(
        "SELECT id, user_id, token_hash, created_at, last_seen_at, expires_at, revoked_at FROM sessions WHERE token_hash = $1",
    )
    .bind(token_hash.0.as_bytes().to_vec())
    .fetch_optional(pool)
    .await
    .map_err(db_err)?
    .as_ref()
    .map(session_from_row)
    .transpose()
}

pub(crate) async fn touch_session(
    pool: &SqlitePool,
    id: SessionId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let q = sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(us(at));
    update_one(pool, q, format!("session {id}")).await
}

pub(crate) async fn revoke_session(
    pool: &SqlitePool,
    id: SessionId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let q = sqlx::query("UPDATE sessions SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
        .bind(id.to_string())
        .bind(us(at));
    update_one(pool, q, format!("session {id}")).await
}

pub(crate) async fn revoke_user_sessions(
    pool: &SqlitePool,
    user: UserId,
    at: DateTime<Utc>,
) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user.to_string())
    .bind(us(at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(done.rows_affected())
}

fn token_from_row(row: &SqliteRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: parse(&row.try_get::<String, _>("id").map_err(db_err)?, "token id")?,
        user: parse(
            &row.try_get::<String, _>("user_id").map_err(db_err)?,
            "user id",
        )?,
        name: row.try_get("name").map_err(db_err)?,
        token_hash: TokenHash(hash(
            &row.try_get::<Vec<u8>, _>("token_hash").map_err(db_err)?,
        )?),
        created_at: from_us(row.try_get("created_at").map_err(db_err)?)?,
        expires_at: opt_from_us(row.try_get("expires_at").map_err(db_err)?)?,
        revoked_at: opt_from_us(row.try_get("revoked_at").map_err(db_err)?)?,
    })
}

pub(crate) async fn create_api_token(pool: &SqlitePool, new: NewApiToken) -> StoreResult<ApiToken> {
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
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token.id.to_string())
    .bind(token.user.to_string())
    .bind(&token.name)
    .bind(token.token_hash.0.as_bytes().to_vec())
    .bind(us(token.created_at))
    .bind(opt_us(token.expires_at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(token)
}

pub(crate) async fn api_token(
    pool: &SqlitePool,
    token_hash: &TokenHash,
) -> StoreResult<Option<ApiToken>> {
    sqlx::query(
        "SELECT id, user_id, name, token_hash, created_at, expires_at, revoked_at FROM api_tokens WHERE token_hash = $1",
    )
    .bind(token_hash.0.as_bytes().to_vec())
    .fetch_optional(pool)
    .await
    .map_err(db_err)?
    .as_ref()
    .map(token_from_row)
    .transpose()
}

pub(crate) async fn revoke_api_token(
    pool: &SqlitePool,
    id: ApiTokenId,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let q =
        sqlx::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
            .bind(id.to_string())
            .bind(us(at));
    update_one(pool, q, format!("API token {id}")).await
}

pub(crate) async fn create_user_token(pool: &SqlitePool, new: NewUserToken) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new.token_hash.0.as_bytes().to_vec())
    .bind(new.user.to_string())
    .bind(new.purpose.key())
    .bind(us(new.now))
    .bind(us(new.expires_at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// One statement, so SQLite's single writer makes it atomic: of two
/// concurrent uses, the second finds the token used.
pub(crate) async fn consume_user_token(
    pool: &SqlitePool,
    purpose: TokenPurpose,
    token_hash: &TokenHash,
    now: DateTime<Utc>,
) -> StoreResult<Option<UserId>> {
    let user: Option<String> = sqlx::query_scalar(
        "UPDATE user_tokens SET used_at = $3
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
         RETURNING user_id",
    )
    .bind(token_hash.0.as_bytes().to_vec())
    .bind(purpose.key())
    .bind(us(now))
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    user.map(|u| parse(&u, "user id")).transpose()
}
