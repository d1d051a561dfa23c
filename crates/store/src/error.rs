//! The store's one error type.

use motcua_domain::code::CodeError;
use motcua_domain::lifecycle::LifecycleError;
use motcua_domain::message::{Message, MessageArg};
use motcua_domain::regime::RegimeError;

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// What was asked for does not exist.
    #[error("{what} not found")]
    NotFound { what: String },
    /// A unique value is taken (an e-mail, an identifier, a code), or the
    /// dossier changed since it was read (another officer acted first).
    #[error("conflict: {what}")]
    Conflict { what: String },
    /// The request breaks a rule of the domain.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error(transparent)]
    Regime(#[from] RegimeError),
    /// The request is not valid for another reason.
    #[error("invalid: {reason}")]
    Invalid { reason: String },
    /// The database was written by a newer motcua.
    #[error(
        "the database schema is at version {database}, newer than this motcua knows ({binary}); upgrade motcua before using this database"
    )]
    SchemaTooNew { database: i64, binary: i64 },
    /// The database has not been migrated to this motcua's schema (or is
    /// empty): `motcua migrate` first.
    #[error(
        "the database schema is at version {database}, older than this motcua's ({binary}); run `motcua migrate` first"
    )]
    SchemaOutdated { database: i64, binary: i64 },
    /// This engine cannot do that (e.g. an online backup of PostgreSQL,
    /// which its own tools do).
    #[error("not supported by the {engine} engine: {what}")]
    Unsupported { engine: &'static str, what: String },
    /// A stored value cannot be read back (corrupt or edited by hand).
    #[error("corrupt data: {what}")]
    Corrupt { what: String },
    /// The database cannot be reached.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(String),
}

impl StoreError {
    pub fn not_found(what: impl Into<String>) -> Self {
        StoreError::NotFound { what: what.into() }
    }

    pub fn conflict(what: impl Into<String>) -> Self {
        StoreError::Conflict { what: what.into() }
    }

    pub fn invalid(reason: impl Into<String>) -> Self {
        StoreError::Invalid {
            reason: reason.into(),
        }
    }

    pub fn corrupt(what: impl Into<String>) -> Self {
        StoreError::Corrupt { what: what.into() }
    }
}

/// Refuses text holding a NUL character: PostgreSQL cannot store one (in
/// text or in JSON), so neither engine accepts it and both answer alike.
pub fn refuse_nul<'a>(fields: impl IntoIterator<Item = &'a str>) -> StoreResult<()> {
    if fields.into_iter().any(|f| f.contains('\0')) {
        return Err(nul_error());
    }
    Ok(())
}

/// [`refuse_nul`] for every string and key of a JSON value.
pub fn refuse_nul_json(value: &serde_json::Value) -> StoreResult<()> {
    use serde_json::Value;
    let bad = match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => return items.iter().try_for_each(refuse_nul_json),
        Value::Object(map) => {
            for (k, v) in map {
                refuse_nul([k.as_str()])?;
                refuse_nul_json(v)?;
            }
            false
        }
        _ => false,
    };
    if bad { Err(nul_error()) } else { Ok(()) }
}

fn nul_error() -> StoreError {
    StoreError::invalid("text may not contain a NUL character")
}

/// The store's result.
pub type StoreResult<T> = Result<T, StoreError>;

impl Message for StoreError {
    fn message_key(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "store-error-not-found",
            StoreError::Conflict { .. } => "store-error-conflict",
            StoreError::Lifecycle(e) => e.message_key(),
            StoreError::Code(e) => e.message_key(),
            StoreError::Regime(e) => e.message_key(),
            StoreError::Invalid { .. } => "store-error-invalid",
            StoreError::SchemaTooNew { .. } => "store-error-schema-too-new",
            StoreError::SchemaOutdated { .. } => "store-error-schema-outdated",
            StoreError::Unsupported { .. } => "store-error-unsupported",
            StoreError::Corrupt { .. } => "store-error-corrupt",
            StoreError::Unavailable(_) => "store-error-unavailable",
            StoreError::Database(_) => "store-error-database",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        let text = |name, value: &String| vec![(name, MessageArg::text(value.clone()))];
        match self {
            StoreError::NotFound { what }
            | StoreError::Conflict { what }
            | StoreError::Corrupt { what } => text("what", what),
            StoreError::Lifecycle(e) => e.message_args(),
            StoreError::Code(e) => e.message_args(),
            StoreError::Regime(e) => e.message_args(),
            StoreError::Invalid { reason } => text("reason", reason),
            StoreError::SchemaTooNew { database, binary }
            | StoreError::SchemaOutdated { database, binary } => vec![
                ("database", MessageArg::text(database.to_string())),
                ("binary", MessageArg::text(binary.to_string())),
            ],
            StoreError::Unsupported { engine, what } => vec![
                ("engine", MessageArg::text(*engine)),
                ("what", MessageArg::text(what.clone())),
            ],
            StoreError::Unavailable(reason) | StoreError::Database(reason) => {
                text("reason", reason)
            }
        }
    }
}
