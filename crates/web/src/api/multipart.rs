//! Reading uploads without holding them: a raw body or a multipart form's
//! file parts stream through `apply::store_file` (checked by content and cut
//! off at the field's limit); text parts are bounded as they are read.
//!
//! Unlike the portal's forms (`portal::apply::MultipartGate`), nothing here
//! looks for a CSRF token: the API authenticates by `Bearer` only.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use axum::extract::multipart::Field;
use futures::TryStreamExt;
use motcua_app::apply::{self, StoredFile};
use motcua_app::{AppError, Services};
use motcua_domain::catalog::FormField;
use motcua_domain::forms::Problem;
use tokio_util::io::StreamReader;

use crate::error::{DomainText, ProblemKind, WebError};

/// The longest text part of a multipart form (a summary is at most a few
/// thousand characters).
const MAX_TEXT_PART: usize = 64 * 1024;

/// The most files one request carries.
const MAX_FILES: usize = 50;

/// A use case's refusal of an upload: a file past its field's limit is
/// `413`, with the field's own words; anything else as usual.
pub(crate) fn upload_error(err: AppError) -> WebError {
    if let AppError::Invalid(problems) = &err
        && let Some(too_large) = problems
            .iter()
            .find(|p| matches!(p.problem, Problem::FileTooLarge { .. }))
    {
        return WebError::Refused {
            kind: ProblemKind::PayloadTooLarge,
            message: DomainText::of(too_large),
            retry_after: None,
        };
    }
    err.into()
}

/// The next part of a multipart form.
async fn next_part(multipart: &mut Multipart) -> Result<Option<Field<'_>>, WebError> {
    multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest {
            reason: e.body_text(),
        })
}

/// The name and text of a text part, read chunk by chunk up to
/// [`MAX_TEXT_PART`].
async fn part_text(mut part: Field<'_>) -> Result<(String, String), WebError> {
    let name = part.name().unwrap_or_default().to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = part.chunk().await.map_err(|e| WebError::BadRequest {
        reason: e.body_text(),
    })? {
        if bytes.len() + chunk.len() > MAX_TEXT_PART {
            return Err(WebError::PayloadTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    let value = String::from_utf8(bytes).map_err(|_| WebError::BadRequest {
        reason: format!("the part `{name}` is not UTF-8 text"),
    })?;
    Ok((name, value))
}

/// Reads a multipart form: every file part (whatever its name) is stored
/// as it streams, checked against `field`; text parts are kept by name.
pub(crate) async fn files_and_fields(
    svc: &Services,
    mut multipart: Multipart,
    field: &FormField,
) -> Result<(BTreeMap<String, String>, Vec<StoredFile>), WebError> {
    let mut fields = BTreeMap::new();
    let mut files = Vec::new();
    while let Some(part) = next_part(&mut multipart).await? {
        match part.file_name() {
            // A file input left empty sends a part with an empty name.
            Some("") => continue,
            Some(name) => {
                if files.len() >= MAX_FILES {
                    return Err(AppError::field(&field.id, Problem::TooManyFiles).into());
                }
                let name = name.to_owned();
                let mut reader = StreamReader::new(part.map_err(std::io::Error::other));
                let stored = apply::store_file(svc, field, &name, &mut reader)
                    .await
                    .map_err(upload_error)?;
                files.push(stored);
            }
            None => {
                let (name, value) = part_text(part).await?;
                fields.insert(name, value);
            }
        }
    }
    Ok((fields, files))
}
