//! Reading uploads without holding them: a multipart form's file parts
//! stream through `apply::store_file` (checked by content and cut off at
//! the field's limit); text parts are bounded as they are read.
//!
//! The portal's forms carry a CSRF token, which must be the first part —
//! checked before any other part is read ([`CsrfGate`]); the API
//! authenticates by `Bearer` only and reads without a gate.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use axum::extract::multipart::Field;
use axum::http::HeaderMap;
use futures::TryStreamExt;
use motcua_app::apply::{self, StoredFile};
use motcua_app::{AppError, Services};
use motcua_domain::catalog::FormField;
use motcua_domain::forms::Problem;
use tokio_util::io::StreamReader;

use crate::csrf;
use crate::error::{DomainText, ProblemKind, WebError};

/// The longest text part of a multipart form (a summary is at most a few
/// thousand characters).
const MAX_TEXT_PART: usize = 64 * 1024;

/// The most files one request carries.
const MAX_FILES: usize = 50;

/// Why an upload was not taken: the use case refused it (shown on the
/// form), or the request itself is wrong.
#[derive(Debug)]
pub(crate) enum UploadError {
    App(AppError),
    Web(WebError),
}

impl From<WebError> for UploadError {
    fn from(e: WebError) -> Self {
        UploadError::Web(e)
    }
}

impl From<UploadError> for WebError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::App(e) => upload_error(e),
            UploadError::Web(e) => e,
        }
    }
}

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

/// The CSRF check of a page's multipart form, read part by part: the
/// token must be the first part, before any other part (a file above all)
/// is read.
pub(crate) struct CsrfGate<'h> {
    headers: &'h HeaderMap,
    checked: bool,
}

impl<'h> CsrfGate<'h> {
    pub fn new(headers: &'h HeaderMap) -> Self {
        CsrfGate {
            headers,
            checked: false,
        }
    }

    /// The form's token arrived.
    pub fn token(&mut self, value: &str) -> Result<(), WebError> {
        csrf::verify(self.headers, Some(value))?;
        self.checked = true;
        Ok(())
    }

    /// Takes a text part: the token if it is the first, else checks that
    /// the token came. Returns whether the part was the token.
    fn text(&mut self, name: &str, value: &str) -> Result<bool, WebError> {
        if name == csrf::FIELD && !self.checked {
            self.token(value)?;
            return Ok(true);
        }
        self.check()?;
        Ok(false)
    }

    /// Whether the token came first; called before a file part is read
    /// and at the end.
    pub fn check(&self) -> Result<(), WebError> {
        if self.checked {
            Ok(())
        } else {
            csrf::verify(self.headers, None)
        }
    }
}

/// The next part of a multipart form.
pub(crate) async fn next_part(multipart: &mut Multipart) -> Result<Option<Field<'_>>, WebError> {
    multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest {
            reason: e.body_text(),
        })
}

/// The name and text of a text part, read chunk by chunk up to
/// [`MAX_TEXT_PART`].
pub(crate) async fn part_text(mut part: Field<'_>) -> Result<(String, String), WebError> {
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

/// A file part as a stream of bytes.
pub(crate) fn part_reader(part: Field<'_>) -> impl tokio::io::AsyncRead + Unpin + Send + '_ {
    StreamReader::new(part.map_err(std::io::Error::other))
}

/// Reads a multipart form: every file part (whatever its name) is stored
/// as it streams, checked against `field`; text parts are kept by name.
/// With a gate, the CSRF token must come first.
pub(crate) async fn files_and_fields(
    svc: &Services,
    mut multipart: Multipart,
    field: &FormField,
    mut gate: Option<CsrfGate<'_>>,
) -> Result<(BTreeMap<String, String>, Vec<StoredFile>), UploadError> {
    let mut fields = BTreeMap::new();
    let mut files = Vec::new();
    while let Some(part) = next_part(&mut multipart).await? {
        match part.file_name() {
            // A file input left empty sends a part with an empty name.
            Some("") => {
                if let Some(gate) = &gate {
                    gate.check()?;
                }
            }
            Some(name) => {
                if let Some(gate) = &gate {
                    gate.check()?;
                }
                if files.len() >= MAX_FILES {
                    return Err(UploadError::App(AppError::field(
                        &field.id,
                        Problem::TooManyFiles,
                    )));
                }
                let name = name.to_owned();
                let mut reader = part_reader(part);
                let stored = apply::store_file(svc, field, &name, &mut reader)
                    .await
                    .map_err(UploadError::App)?;
                files.push(stored);
            }
            None => {
                let (name, value) = part_text(part).await?;
                let was_token = match &mut gate {
                    Some(gate) => gate.text(&name, &value)?,
                    None => false,
                };
                if !was_token {
                    fields.insert(name, value);
                }
            }
        }
    }
    if let Some(gate) = &gate {
        gate.check()?;
    }
    Ok((fields, files))
}
