//! A dossier's timeline with its hashes, for whoever may see the dossier:
//! its applicant, or an official of an agency that receives, decides or
//! was sent a step of it. With the events, their stored documents and
//! hashes, anyone can recompute the chain (`motcua_store::hash`, version 1)
//! and compare its head with the one printed on the receipt.

use motcua_store::{Attachment, DossierId, DossierRecord, EventRecord, User, UserKind};

use crate::office::{Official, scope};
use crate::{AppError, Services, applicant};

/// A dossier's timeline and whether the stored chain verifies.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub dossier: DossierRecord,
    pub events: Vec<EventRecord>,
    pub attachments: Vec<Attachment>,
    /// The chain, the head and the replay all check out
    /// (`motcua_store::timeline::check`).
    pub verifies: bool,
}

/// The timeline of the dossier with this id or code, if `user` may see it.
pub async fn of(svc: &Services, user: &User, id_or_code: &str) -> Result<Timeline, AppError> {
    let id = match id_or_code.trim().parse::<DossierId>() {
        Ok(id) => id,
        Err(_) => match svc
            .store
            .dossier_by_code(&crate::track::normalise_code(id_or_code))
            .await?
        {
            Some(d) => d.id,
            None => return Err(AppError::NotFound("dossier")),
        },
    };
    let dossier = match user.kind {
        UserKind::Citizen | UserKind::Business => applicant::mine(svc, user, id).await?,
        UserKind::Official => {
            let official = Official::of(svc, user.clone()).await?;
            scope::visible(svc, &official, id).await?.0
        }
    };
    let events = svc.store.events(dossier.id).await?;
    let attachments = svc.store.attachments(dossier.id).await?;
    let verifies = motcua_store::timeline::check(&dossier, &events, &attachments).is_empty();
    Ok(Timeline {
        dossier,
        events,
        attachments,
        verifies,
    })
}
