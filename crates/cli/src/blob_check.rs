//! The attachments part of `motcua verify`: every attachment's bytes are
//! still there and still hash to what the database recorded.

use std::collections::HashMap;

use motcua_blobs::{BlobError, BlobKey, BlobStore};
use motcua_i18n::Lang;
use motcua_store::{AttachmentId, DossierId, Page, Store};

use crate::error::CliError;
use crate::storage::{blob_error, store_error};

/// An attachment whose bytes are missing or wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenBlob {
    pub key: String,
    pub dossier: DossierId,
    pub reason: String,
}

/// What the attachment check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlobReport {
    /// Attachments checked.
    pub checked: u64,
    pub broken: Vec<BrokenBlob>,
}

impl BlobReport {
    pub fn is_ok(&self) -> bool {
        self.broken.is_empty()
    }
}

/// Checks every attachment. Each distinct blob is read and hashed once; an
/// unreachable storage is an error (nothing can be said), a missing or
/// altered blob is a finding.
pub async fn check_all(
    store: &dyn Store,
    blobs: &dyn BlobStore,
    lang: Lang,
) -> Result<BlobReport, CliError> {
    let mut report = BlobReport::default();
    // key → size found, or why it could not be read.
    let mut seen: HashMap<String, Result<u64, String>> = HashMap::new();
    let mut page: Page<AttachmentId> = Page::first(1000);
    loop {
        let attachments = store
            .all_attachments(page)
            .await
            .map_err(|e| store_error(e, lang))?;
        let Some(last) = attachments.last().map(|a| a.id) else {
            break;
        };
        for a in attachments {
            report.checked += 1;
            let found = match seen.get(&a.blob_key) {
                Some(found) => found.clone(),
                None => {
                    let found = match BlobKey::parse(&a.blob_key) {
                        Err(e) => Err(e.to_string()),
                        Ok(key) => match blobs.verify(&key).await {
                            Ok(info) => Ok(info.size),
                            Err(e @ (BlobError::NotFound { .. } | BlobError::Corrupt { .. })) => {
                                Err(e.to_string())
                            }
                            Err(e) => return Err(blob_error(&e, lang)),
                        },
                    };
                    seen.insert(a.blob_key.clone(), found.clone());
                    found
                }
            };
            let reason = match found {
                Err(reason) => Some(reason),
                Ok(_) if a.sha256.to_hex() != a.blob_key => Some(format!(
                    "recorded SHA-256 {} differs from its key",
                    a.sha256
                )),
                Ok(size) if size != a.size => {
                    Some(format!("{size} bytes stored, {} recorded", a.size))
                }
                Ok(_) => None,
            };
            if let Some(reason) = reason {
                report.broken.push(BrokenBlob {
                    key: a.blob_key.clone(),
                    dossier: a.dossier,
                    reason,
                });
            }
        }
        page.after = Some(last);
    }
    Ok(report)
}
