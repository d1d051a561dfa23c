//! Moving values between Rust and SQLite columns: instants as INTEGER
//! microseconds, ids as text, hashes as BLOBs, enums by their serde names,
//! structured values as JSON text — and database errors into `StoreError`.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use motcua_store::hash::micros;
use motcua_store::{Hash, StoreError, StoreResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A database error as the store reports it.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::conflict(d.message().to_owned())
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(e.to_string())
        }
        sqlx::Error::RowNotFound => StoreError::not_found("row"),
        _ => StoreError::Database(e.to_string()),
    }
}

/// An instant as stored: microseconds since the epoch.
pub(crate) fn us(t: DateTime<Utc>) -> i64 {
    micros(t).timestamp_micros()
}

pub(crate) fn opt_us(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(us)
}

pub(crate) fn from_us(v: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(v).ok_or_else(|| StoreError::corrupt(format!("instant {v}")))
}

pub(crate) fn opt_from_us(v: Option<i64>) -> StoreResult<Option<DateTime<Utc>>> {
    v.map(from_us).transpose()
}

pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn from_day(s: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::corrupt(format!("date {s}")))
}

/// The lower bound of a page of ids read in ascending order: the cursor,
/// or the empty text, which sorts before every id. A bound that is never
/// NULL lets SQLite seek the index to it; `($1 IS NULL OR id > $1)` cannot
/// be planned as a seek, so every page was read from the first row on and a
/// walk over ten million dossiers took quadratic time.
pub(crate) fn id_after(cursor: Option<impl std::fmt::Display>) -> String {
    cursor.map(|c| c.to_string()).unwrap_or_default()
}

/// The upper bound of a page of ids read in descending order: the cursor,
/// or `~`, which sorts after every id (hexadecimal digits and hyphens).
pub(crate) fn id_before(cursor: Option<impl std::fmt::Display>) -> String {
    cursor.map_or_else(|| "~".to_owned(), |c| c.to_string())
}

pub(crate) fn parse<T: FromStr>(s: &str, what: &str) -> StoreResult<T> {
    s.parse()
        .map_err(|_| StoreError::corrupt(format!("{what} `{s}`")))
}

pub(crate) fn opt_parse<T: FromStr>(s: Option<String>, what: &str) -> StoreResult<Option<T>> {
    s.map(|s| parse(&s, what)).transpose()
}

pub(crate) fn hash(bytes: &[u8]) -> StoreResult<Hash> {
    Hash::from_slice(bytes).ok_or_else(|| StoreError::corrupt("a hash of the wrong length"))
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    let value = serde_json::to_value(value)
        .map_err(|e| StoreError::invalid(format!("cannot encode: {e}")))?;
    motcua_store::refuse_nul_json(&value)?;
    serde_json::to_string(&value).map_err(|e| StoreError::invalid(format!("cannot encode: {e}")))
}

pub(crate) fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::corrupt(format!("{what}: {e}")))
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

/// Counts as stored (SQLite integers are signed 64-bit).
pub(crate) fn count_u32(v: i64, what: &str) -> StoreResult<u32> {
    u32::try_from(v).map_err(|_| StoreError::corrupt(format!("{what} {v}")))
}

pub(crate) fn count_u64(v: i64, what: &str) -> StoreResult<u64> {
    u64::try_from(v).map_err(|_| StoreError::corrupt(format!("{what} {v}")))
}

pub(crate) fn to_i64(v: u64) -> StoreResult<i64> {
    i64::try_from(v).map_err(|_| StoreError::invalid(format!("{v} is too large")))
}
