//! Where the data is: the flags every data command shares (`--data`,
//! `--database-url`, `--blobs`), checked before anything is opened, and the
//! opening itself — the engine picked from the URL scheme, held as
//! `Arc<dyn Store>`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use motcua_blobs::{BlobError, BlobLocation, BlobStore};
use motcua_domain::calendar::schedule;
use motcua_i18n::Lang;
use motcua_store::{Store, StoreError};
use motcua_store_sqlite::{DATABASE_FILE, SqliteStore};

use crate::error::CliError;

/// The data flags of every command that touches data.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Folder of the embedded database and attachments (created if missing).
    #[arg(long, default_value = "motcua-data", conflicts_with = "database_url")]
    pub data: PathBuf,
    /// Database URL (`sqlite:` or `postgres:`) instead of the embedded default.
    #[arg(long, env = "MOTCUA_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Attachment storage URL (`file:` or `s3:`) instead of `DATA/blobs`.
    #[arg(long, env = "MOTCUA_BLOBS")]
    pub blobs: Option<String>,
}

/// Where the database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    /// The embedded default: `DATA/motcua.sqlite3`.
    Embedded(PathBuf),
    /// A `sqlite:` URL.
    Sqlite(String),
    /// A `postgres:` or `postgresql:` URL.
    Postgres(String),
}

/// The scheme of a URL for an error message: never the rest, which may hold
/// a password.
pub fn scheme_of(url: &str) -> String {
    match url.split_once(':') {
        Some((scheme, _)) => scheme.chars().take(20).collect(),
        None => url.chars().take(20).collect(),
    }
}

impl DataArgs {
    /// The database the flags name, or why they name none.
    pub fn database(&self, lang: Lang) -> Result<DatabaseLocation, CliError> {
        let Some(url) = &self.database_url else {
            return Ok(DatabaseLocation::Embedded(self.data.clone()));
        };
        match scheme_of(url).to_ascii_lowercase().as_str() {
            "sqlite" => Ok(DatabaseLocation::Sqlite(url.clone())),
            "postgres" | "postgresql" => Ok(DatabaseLocation::Postgres(url.clone())),
            _ => Err(CliError::Message(lang.tr_args(
                "data-bad-database-url",
                &[("scheme", scheme_of(url).into())],
            ))),
        }
    }

    /// The attachment storage the flags name (`DATA/blobs` by default).
    pub fn blobs_location(&self, lang: Lang) -> Result<BlobLocation, CliError> {
        let default = self.data.join("blobs");
        let text = match &self.blobs {
            Some(url) => url.clone(),
            None => default.to_string_lossy().into_owned(),
        };
        BlobLocation::parse(&text, &|name| std::env::var(name).ok())
            .map_err(|e| blob_error(&e, lang))
    }
}

/// A blob-storage error in the user's words.
pub fn blob_error(e: &BlobError, lang: Lang) -> CliError {
    CliError::Message(lang.tr_args("blobs-error", &[("reason", e.to_string().into())]))
}

/// Opens the attachment storage, creating a local folder if needed.
pub async fn open_blobs(
    location: BlobLocation,
    lang: Lang,
) -> Result<Arc<dyn BlobStore>, CliError> {
    if let BlobLocation::Local(folder) = &location {
        std::fs::create_dir_all(folder).map_err(|e| CliError::file(folder, e))?;
    }
    let blobs = location.open().map_err(|e| blob_error(&e, lang))?;
    blobs.check().await.map_err(|e| blob_error(&e, lang))?;
    Ok(blobs)
}

/// Runs `work` and then closes `store`, whatever the outcome: SQLite folds
/// its write-ahead log into the database file only as its last connection
/// closes, so a command that just returned would leave the log beside it.
pub async fn closing<T>(store: &dyn Store, work: impl Future<Output = T>) -> T {
    let outcome = work.await;
    store.close().await;
    outcome
}

/// A store error in the user's words.
pub fn store_error(e: StoreError, lang: Lang) -> CliError {
    CliError::Message(lang.describe(&e))
}

/// The embedded database file of a data folder.
pub fn embedded_file(data: &Path) -> PathBuf {
    data.join(DATABASE_FILE)
}

/// Opens the database (creating the embedded one, migrating either) and
/// seeds the holiday schedule on first use.
pub async fn open_store(
    location: &DatabaseLocation,
    lang: Lang,
) -> Result<Arc<dyn Store>, CliError> {
    let store: Arc<dyn Store> = match location {
        DatabaseLocation::Embedded(data) => {
            std::fs::create_dir_all(data).map_err(|e| CliError::file(data, e))?;
            Arc::new(
                SqliteStore::open(&embedded_file(data))
                    .await
                    .map_err(|e| store_error(e, lang))?,
            )
        }
        DatabaseLocation::Sqlite(url) => Arc::new(
            SqliteStore::connect(url)
                .await
                .map_err(|e| store_error(e, lang))?,
        ),
        DatabaseLocation::Postgres(url) => Arc::new(
            motcua_store_postgres::PgStore::connect(url)
                .await
                .map_err(|e| store_error(e, lang))?,
        ),
    };
    let bundled = schedule::bundled().map_err(|e| CliError::Message(e.to_string()))?;
    store
        .seed_holidays(&bundled)
        .await
        .map_err(|e| store_error(e, lang))?;
    Ok(store)
}

/// Opens a database that exists already and is at this binary's schema,
/// changing nothing (for `verify` and `backup`: a wrong `--data` is an
/// error, not a new empty database that checks out).
pub async fn open_existing_store(
    location: &DatabaseLocation,
    lang: Lang,
) -> Result<Arc<dyn Store>, CliError> {
    let store: Arc<dyn Store> = match location {
        DatabaseLocation::Embedded(data) => {
            let file = embedded_file(data);
            if !file.is_file() {
                return Err(CliError::Message(lang.tr_args(
                    "data-no-database",
                    &[("path", file.display().to_string().into())],
                )));
            }
            Arc::new(
                SqliteStore::open_existing(&file)
                    .await
                    .map_err(|e| store_error(e, lang))?,
            )
        }
        DatabaseLocation::Sqlite(url) => {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or(path);
            Arc::new(
                SqliteStore::open_existing(Path::new(path))
                    .await
                    .map_err(|e| store_error(e, lang))?,
            )
        }
        DatabaseLocation::Postgres(url) => Arc::new(
            motcua_store_postgres::PgStore::connect_existing(url)
                .await
                .map_err(|e| store_error(e, lang))?,
        ),
    };
    Ok(store)
}

/// The use cases' services on the data the flags name, for a command that
/// acts as the server would (links in messages need no public URL here).
pub async fn open_services(data: &DataArgs, lang: Lang) -> Result<motcua_app::Services, CliError> {
    let location = data.database(lang)?;
    let blobs = data.blobs_location(lang)?;
    let store = open_store(&location, lang).await?;
    let blobs = open_blobs(blobs, lang).await?;
    Ok(motcua_app::Services {
        memo: Default::default(),
        store,
        blobs,
        settings: motcua_app::Settings {
            public_url: String::new(),
            province_name: String::new(),
        },
        renderer: Arc::new(motcua_reports::Reports::new()),
        // Commands take no payments.
        payments: Arc::new(motcua_app::payments::NoPayments),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_shown_without_the_rest() {
        assert_eq!(scheme_of("postgres://u:secret@h/db"), "postgres");
    }
}
