//! What a signed-in applicant does with their own dossiers: list them, read
//! the whole timeline, answer a supplement request with documents, amend or
//! withdraw (ND 118/2025 Art. 21), download the result, and rate the
//! service once it is returned (TT 32/2017 Art. 12).
//!
//! A dossier that is not the applicant's is "not found", never "forbidden",
//! so no one learns which dossiers exist.

use chrono::{DateTime, Utc};
use motcua_blobs::{BlobKey, BlobReader};
use motcua_domain::catalog::{FieldKind, FormField, Procedure};
use motcua_domain::forms::Problem;
use motcua_domain::lifecycle::{Action, ActionKind, Clockwork, Role, Stage};
use motcua_domain::text;
use motcua_store::{
    Attachment, AttachmentId, DossierId, DossierRecord, EventRecord, NewEvent, Page, Rating,
    Satisfaction, StoreError, User,
};

use crate::apply::{self, StoredFile};
use crate::{AppError, Services, notices};

/// The longest reason or summary an applicant writes.
pub const MAX_REASON_CHARS: u32 = 2000;

/// A dossier with everything its applicant may see.
#[derive(Debug, Clone)]
pub struct DossierView {
    pub dossier: DossierRecord,
    pub procedure: Option<Procedure>,
    pub events: Vec<EventRecord>,
    pub attachments: Vec<Attachment>,
    pub rating: Option<Rating>,
}

impl DossierView {
    /// The actions the applicant can take now.
    pub fn can(&self, kind: ActionKind) -> bool {
        applicant_can(&self.dossier, kind)
    }

    /// Whether the applicant can rate it now.
    pub fn can_rate(&self) -> bool {
        self.dossier.state.stage == Stage::Returned && self.rating.is_none()
    }

    /// The attachments that came with the result (approval or return).
    pub fn result_files(&self) -> Vec<&Attachment> {
        let result_events: Vec<u32> = self
            .events
            .iter()
            .filter(|e| {
                matches!(
                    e.action,
                    ActionKind::Approve | ActionKind::ReturnResult | ActionKind::Refuse
                )
            })
            .map(|e| e.seq)
            .collect();
        self.attachments
            .iter()
            .filter(|a| result_events.contains(&a.event_seq))
            .collect()
    }
}

/// Whether the applicant may take `kind` on the dossier in its stage.
pub fn applicant_can(dossier: &DossierRecord, kind: ActionKind) -> bool {
    let stage = dossier.state.stage;
    match kind {
        ActionKind::CompleteReceptionSupplement => stage == Stage::ReceptionSupplement,
        ActionKind::CompleteAppraisalSupplement => stage == Stage::AppraisalSupplement,
        ActionKind::Withdraw => {
            ActionKind::Withdraw
                .allowed_roles()
                .contains(&Role::Applicant)
                && !stage.is_final()
                && !matches!(
                    stage,
                    Stage::ResultReady | Stage::Returned | Stage::CorrectingResult
                )
        }
        ActionKind::Amend => {
            dossier.state.channel.is_online()
                && matches!(
                    stage,
                    Stage::AwaitingReception
                        | Stage::ReceptionSupplement
                        | Stage::Accepted
                        | Stage::InProcess
                        | Stage::AtOtherAgency
                        | Stage::AwaitingApproval
                        | Stage::AppraisalSupplement
                )
        }
        _ => false,
    }
}

/// The dossiers `user` filed, newest first, a page at a time.
pub async fn my_dossiers(
    svc: &Services,
    user: &User,
    page: Page<DossierId>,
) -> Result<Vec<DossierRecord>, AppError> {
    Ok(svc.store.dossiers_of_applicant(user.id, page).await?)
}

/// The dossier `id` if `user` filed it.
pub async fn mine(svc: &Services, user: &User, id: DossierId) -> Result<DossierRecord, AppError> {
    match svc.store.dossier(id).await? {
        Some(d) if d.applicant.user == Some(user.id) => Ok(d),
        _ => Err(AppError::NotFound("dossier")),
    }
}

/// Everything about one of `user`'s dossiers.
pub async fn view(svc: &Services, user: &User, id: DossierId) -> Result<DossierView, AppError> {
    let dossier = mine(svc, user, id).await?;
    let procedure = svc
        .store
        .procedure_in_force(&dossier.procedure_code, dossier.procedure_version)
        .await?
        .map(|v| v.procedure);
    let events = svc.store.events(id).await?;
    let attachments = svc.store.attachments(id).await?;
    let rating = svc.store.rating(id).await?;
    Ok(DossierView {
        dossier,
        procedure,
        events,
        attachments,
        rating,
    })
}

/// A reason or summary as kept: trimmed NFC, required, bounded.
pub(crate) fn reason_text(field: &str, text_in: &str) -> Result<String, AppError> {
    let t = text::nfc(text_in.trim()).into_owned();
    if t.is_empty() {
        return Err(AppError::field(field, Problem::Required));
    }
    if t.chars().count() > MAX_REASON_CHARS as usize {
        return Err(AppError::field(
            field,
            Problem::TooLong {
                max: MAX_REASON_CHARS,
            },
        ));
    }
    Ok(t)
}

/// Appends the applicant's action with its files; tells the applicant.
async fn act(
    svc: &Services,
    user: &User,
    dossier: DossierRecord,
    action: Action,
    files: Vec<StoredFile>,
    now: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let calendar = apply::work_calendar(svc).await?;
    let hours = match svc.store.agency(dossier.receiving_unit).await? {
        Some(a) => a.office_hours,
        None => motcua_domain::calendar::OfficeHours::standard(),
    };
    let event = dossier.state.decide(
        action,
        Role::Applicant,
        now,
        Clockwork {
            calendar: &calendar,
            hours: &hours,
        },
    )?;
    let attachments = files.into_iter().map(StoredFile::into_attachment).collect();
    let updated = svc
        .store
        .append_event(
            dossier.id,
            dossier.event_count,
            NewEvent {
                actor: Some(user.id),
                event,
                attachments,
                jobs: Vec::new(),
            },
        )
        .await
        .map_err(|e| match e {
            // Someone acted on the dossier a moment before: the applicant
            // sees the new state and decides again.
            StoreError::Conflict { what } => AppError::Store(StoreError::Conflict { what }),
            e => e.into(),
        })?;
    if let Some(procedure) = svc
        .store
        .procedure_in_force(&updated.procedure_code, updated.procedure_version)
        .await?
    {
        notices::stage_changed(
            svc,
            &updated,
            &procedure.procedure,
            updated.event_count,
            None,
            now,
        )
        .await?;
    }
    Ok(updated)
}

/// The field a supplement's or an amendment's files are checked against:
/// any type and the largest size the procedure's own file fields accept.
pub fn extra_files_field(procedure: Option<&Procedure>) -> FormField {
    let mut accept: Vec<String> = Vec::new();
    let mut max_bytes = 10 * 1024 * 1024;
    for field in procedure.map(|p| p.form.as_slice()).unwrap_or_default() {
        if let FieldKind::File {
            accept: a,
            max_bytes: m,
            ..
        } = &field.kind
        {
            for t in a {
                if !accept.contains(t) {
                    accept.push(t.clone());
                }
            }
            max_bytes = max_bytes.max(*m);
        }
    }
    if accept.is_empty() {
        accept = vec![
            "application/pdf".into(),
            "image/jpeg".into(),
            "image/png".into(),
        ];
    }
    FormField {
        id: "files".into(),
        label: String::new(),
        label_en: None,
        kind: FieldKind::File {
            accept,
            max_bytes,
            multiple: true,
        },
        required: true,
        help: None,
    }
}

/// Answers a supplement request with the documents asked for.
pub async fn supplement(
    svc: &Services,
    user: &User,
    id: DossierId,
    files: Vec<StoredFile>,
    now: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let dossier = mine(svc, user, id).await?;
    let action = match dossier.state.stage {
        Stage::ReceptionSupplement => Action::CompleteReceptionSupplement,
        Stage::AppraisalSupplement => Action::CompleteAppraisalSupplement,
        _ => return Err(AppError::NotFound("dossier")),
    };
    if files.is_empty() {
        return Err(AppError::field("files", Problem::Required));
    }
    act(svc, user, dossier, action, files, now).await
}

/// Amends an online dossier: a summary of what changes, and the corrected
/// documents.
pub async fn amend(
    svc: &Services,
    user: &User,
    id: DossierId,
    summary: &str,
    files: Vec<StoredFile>,
    now: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let dossier = mine(svc, user, id).await?;
    let summary = reason_text("summary", summary)?;
    act(svc, user, dossier, Action::Amend { summary }, files, now).await
}

/// Withdraws a dossier before it is decided.
pub async fn withdraw(
    svc: &Services,
    user: &User,
    id: DossierId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let dossier = mine(svc, user, id).await?;
    let reason = reason_text("reason", reason)?;
    let updated = act(
        svc,
        user,
        dossier,
        Action::Withdraw {
            reason: reason.clone(),
        },
        Vec::new(),
        now,
    )
    .await?;
    crate::office::act::refund_if_ended(svc, &updated, ActionKind::Withdraw, Some(&reason), now)
        .await;
    Ok(updated)
}

/// An attachment of one of `user`'s dossiers and its bytes.
pub async fn attachment(
    svc: &Services,
    user: &User,
    id: DossierId,
    attachment: AttachmentId,
) -> Result<(Attachment, BlobReader), AppError> {
    mine(svc, user, id).await?;
    open_attachment(svc, id, attachment).await
}

/// A file of dossier `id` and its bytes, for someone already allowed to see
/// the dossier.
pub(crate) async fn open_attachment(
    svc: &Services,
    id: DossierId,
    attachment: AttachmentId,
) -> Result<(Attachment, BlobReader), AppError> {
    let found = svc
        .store
        .attachments(id)
        .await?
        .into_iter()
        .find(|a| a.id == attachment)
        .ok_or(AppError::NotFound("file"))?;
    let key = BlobKey::parse(&found.blob_key)?;
    let reader = svc.blobs.open(&key).await?;
    Ok((found, reader))
}

/// How satisfied the applicant is, overall and in detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Satisfactions {
    pub overall: Satisfaction,
    pub convenience: Satisfaction,
    pub timeliness: Satisfaction,
    pub attitude: Satisfaction,
}

/// Rates a returned dossier, once.
pub async fn rate(
    svc: &Services,
    user: &User,
    id: DossierId,
    answers: Satisfactions,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<Rating, AppError> {
    let dossier = mine(svc, user, id).await?;
    if dossier.state.stage != Stage::Returned {
        return Err(AppError::NotFound("dossier"));
    }
    let comment = text::nfc(comment.trim()).into_owned();
    if comment.chars().count() > MAX_REASON_CHARS as usize {
        return Err(AppError::field(
            "comment",
            Problem::TooLong {
                max: MAX_REASON_CHARS,
            },
        ));
    }
    let rating = Rating {
        dossier: id,
        user: user.id,
        overall: answers.overall,
        convenience: answers.convenience,
        timeliness: answers.timeliness,
        attitude: answers.attitude,
        comment: (!comment.is_empty()).then_some(comment),
        rated_at: now,
    };
    svc.store.rate_dossier(&rating).await.map_err(|e| match e {
        StoreError::Conflict { .. } => AppError::NotFound("dossier"),
        e => e.into(),
    })?;
    Ok(rating)
}
