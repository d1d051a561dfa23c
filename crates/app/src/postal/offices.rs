//! Post offices and their postal workers. A post office is an agency of
//! kind [`AgencyKind::PostOffice`]; a postal worker is an official holding
//! [`Role::PostalWorker`] there; the office collects and delivers for the
//! agencies the system administrator gives it.

use motcua_domain::lifecycle::Role;
use motcua_store::{Agency, AgencyId, AgencyKind};

use super::PostalProblem;
use crate::office::scope::Official;
use crate::{AppError, Services};

/// A post office a postal worker works at, and the agencies it serves.
#[derive(Debug, Clone)]
pub struct PostSeat {
    pub post_office: Agency,
    pub serves: Vec<AgencyId>,
}

/// The post offices `official` works at as a postal worker (none for
/// anyone else).
pub async fn seats(svc: &Services, official: &Official) -> Result<Vec<PostSeat>, AppError> {
    let mut seats = Vec::new();
    for grant in official
        .grants
        .iter()
        .filter(|g| g.role == Role::PostalWorker)
    {
        let Some(office) = svc.store.agency(grant.agency).await? else {
            continue;
        };
        if office.kind != AgencyKind::PostOffice
            || seats
                .iter()
                .any(|s: &PostSeat| s.post_office.id == office.id)
        {
            continue;
        }
        let serves = svc.store.served_agencies(office.id).await?;
        seats.push(PostSeat {
            post_office: office,
            serves,
        });
    }
    Ok(seats)
}

/// The seat from which `official` works for `agency`, or why not.
pub async fn seat_for(
    svc: &Services,
    official: &Official,
    agency: AgencyId,
) -> Result<PostSeat, AppError> {
    seats(svc, official)
        .await?
        .into_iter()
        .find(|s| s.serves.contains(&agency))
        .ok_or(AppError::Postal(PostalProblem::NotServed))
}

/// Every agency `official` works for as a postal worker.
pub fn served(seats: &[PostSeat]) -> Vec<AgencyId> {
    let mut all: Vec<AgencyId> = seats
        .iter()
        .flat_map(|s| s.serves.iter().copied())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// The post office that takes `agency`'s results: the first serving it.
pub async fn post_office_of(svc: &Services, agency: AgencyId) -> Result<Agency, AppError> {
    for id in svc.store.post_offices_of(agency).await? {
        if let Some(office) = svc.store.agency(id).await?
            && office.kind == AgencyKind::PostOffice
        {
            return Ok(office);
        }
    }
    Err(AppError::Postal(PostalProblem::NoPostOffice))
}

/// A system administrator sets the agencies a post office serves.
pub async fn serve(
    svc: &Services,
    by: &Official,
    post_office: AgencyId,
    agencies: &[AgencyId],
) -> Result<(), AppError> {
    if !by.has_role(Role::SystemAdmin) {
        return Err(AppError::NotFound("agency"));
    }
    match svc.store.agency(post_office).await? {
        Some(a) if a.kind == AgencyKind::PostOffice => {}
        _ => return Err(AppError::NotFound("agency")),
    }
    for agency in agencies {
        match svc.store.agency(*agency).await? {
            Some(a) if a.kind != AgencyKind::PostOffice => {}
            _ => return Err(AppError::NotFound("agency")),
        }
    }
    svc.store.set_served_agencies(post_office, agencies).await?;
    Ok(())
}
