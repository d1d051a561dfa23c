//! Moving values between Rust and PostgreSQL columns — ids as `uuid`,
//! instants as `timestamptz`, hashes as `bytea`, enums by their serde names,
//! structured values as `jsonb` — and database errors into `StoreError`.

use chrono::{DateTime, Utc};
use motcua_store::hash::micros;
use motcua_store::{Hash, StoreError, StoreResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::postgres::{PgRow, Postgres};
use sqlx::{Decode, Row, Type};

/// A database error as the store reports it.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) => {
            let code = d.code().map(|c| c.into_owned()).unwrap_or_default();
            match code.as_str() {
                // unique_violation: an e-mail, identifier, code or id taken.
                "23505" => StoreError::conflict(d.message().to_owned()),
                // serialization_failure, deadlock_detected: another
                // transaction won; the caller may try again.
                "40001" | "40P01" => {
                    StoreError::conflict(format!("concurrent change: {}", d.message()))
                }
                // Text PostgreSQL cannot hold (a NUL character).
                "22021" | "22P05" => StoreError::invalid(d.message().to_owned()),
                // The server is going away, starting, full, or (after a
                // failover) a read-only replica.
                c if c.starts_with("08") || c.starts_with("57P") => {
                    StoreError::Unavailable(d.message().to_owned())
                }
                "53300" | "25006" => StoreError::Unavailable(d.message().to_owned()),
                _ => StoreError::Database(e.to_string()),
            }
        }
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::corrupt(e.to_string())
        }
        sqlx::Error::RowNotFound => StoreError::not_found("row"),
        _ => StoreError::Database(e.to_string()),
    }
}

/// A column of a row.
pub(crate) fn get<'r, T>(row: &'r PgRow, column: &str) -> StoreResult<T>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    row.try_get(column).map_err(db_err)
}

/// An instant as stored: truncated to the microsecond (sqlx would round
/// instants before 2000 towards 2000; the hash encoding truncates).
pub(crate) fn ts(t: DateTime<Utc>) -> DateTime<Utc> {
    micros(t)
}

pub(crate) fn opt_ts(t: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    t.map(micros)
}

pub(crate) fn hash(bytes: &[u8]) -> StoreResult<Hash> {
    Hash::from_slice(bytes).ok_or_else(|| StoreError::corrupt("a hash of the wrong length"))
}

/// A hash column.
pub(crate) fn get_hash(row: &PgRow, column: &str) -> StoreResult<Hash> {
    hash(&get::<Vec<u8>>(row, column)?)
}

/// A `jsonb` column decoded into `T`.
pub(crate) fn get_json<T: DeserializeOwned>(row: &PgRow, column: &str) -> StoreResult<T> {
    let value: serde_json::Value = get(row, column)?;
    serde_json::from_value(value).map_err(|e| StoreError::corrupt(format!("{column}: {e}")))
}

/// The serde name of an enum value (`awaiting-reception`, `nd118-2025`, …).
pub(crate) fn key<T: Serialize>(value: &T) -> StoreResult<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::invalid("not a plain enum value")),
    }
}

/// An enum value from its serde name.
pub(crate) fn from_key<T: DeserializeOwned>(text: &str, what: &str) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| StoreError::corrupt(format!("{what} `{text}`")))
}

/// An enum column.
pub(crate) fn get_key<T: DeserializeOwned>(row: &PgRow, column: &str) -> StoreResult<T> {
    from_key(&get::<String>(row, column)?, column)
}

/// A count as stored (`integer`) read back.
pub(crate) fn count_u32(v: i32, what: &str) -> StoreResult<u32> {
    u32::try_from(v).map_err(|_| StoreError::corrupt(format!("{what} {v}")))
}

/// A `bigint` read back as an unsigned count.
pub(crate) fn count_u64(v: i64, what: &str) -> StoreResult<u64> {
    u64::try_from(v).map_err(|_| StoreError::corrupt(format!("{what} {v}")))
}

/// A count for an `integer` column.
pub(crate) fn to_i32(v: u32, what: &str) -> StoreResult<i32> {
    i32::try_from(v).map_err(|_| StoreError::invalid(format!("{what} {v} is too large")))
}

/// A count for a `bigint` column.
pub(crate) fn to_i64(v: u64) -> StoreResult<i64> {
    i64::try_from(v).map_err(|_| StoreError::invalid(format!("{v} is too large")))
}
