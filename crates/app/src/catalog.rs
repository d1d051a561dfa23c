//! The procedure catalog as files: reading YAML or JSON, checking it whole,
//! importing it all or nothing, and writing it back out.

use chrono::{DateTime, Utc};
use motcua_domain::catalog::{Catalog, CatalogError, FORMAT_VERSION};
use motcua_store::{ProcedureVersion, Store, StoreError};

/// The format of a catalog file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// The format a file name suggests (`.json`; otherwise YAML).
    pub fn of_path(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// Why a catalog was not imported.
#[derive(Debug, thiserror::Error)]
pub enum CatalogFileError {
    /// The file is not YAML or JSON of the catalog's shape.
    #[error("{0}")]
    Parse(String),
    /// The catalog could not be written in the asked format.
    #[error("the catalog cannot be written: {0}")]
    Write(String),
    /// The catalog is readable but breaks rules; every problem is listed.
    #[error("the catalog has {} problems", .0.len())]
    Invalid(Vec<CatalogError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads a catalog file's text and checks it.
pub fn parse(text: &str, format: Format) -> Result<Catalog, CatalogFileError> {
    let catalog: Catalog = match format {
        Format::Json => {
            serde_json::from_str(text).map_err(|e| CatalogFileError::Parse(e.to_string()))?
        }
        Format::Yaml => {
            serde_yaml_ng::from_str(text).map_err(|e| CatalogFileError::Parse(e.to_string()))?
        }
    };
    catalog.validate().map_err(CatalogFileError::Invalid)?;
    Ok(catalog)
}

/// Imports a checked catalog: every version, in one transaction.
pub async fn import(
    store: &dyn Store,
    catalog: Catalog,
    now: DateTime<Utc>,
) -> Result<usize, CatalogFileError> {
    catalog.validate().map_err(CatalogFileError::Invalid)?;
    let versions: Vec<ProcedureVersion> = catalog
        .procedures
        .into_iter()
        .map(|procedure| ProcedureVersion {
            procedure,
            updated_at: now,
        })
        .collect();
    Ok(store.import_procedures(&versions).await?)
}

/// The whole catalog as stored, every version.
pub async fn export(store: &dyn Store) -> Result<Catalog, StoreError> {
    Ok(Catalog {
        version: FORMAT_VERSION,
        procedures: store
            .all_procedure_versions()
            .await?
            .into_iter()
            .map(|v| v.procedure)
            .collect(),
    })
}

/// A catalog written out.
pub fn write(catalog: &Catalog, format: Format) -> Result<String, CatalogFileError> {
    match format {
        Format::Json => serde_json::to_string_pretty(catalog)
            .map_err(|e| CatalogFileError::Write(e.to_string())),
        Format::Yaml => {
            serde_yaml_ng::to_string(catalog).map_err(|e| CatalogFileError::Write(e.to_string()))
        }
    }
}
