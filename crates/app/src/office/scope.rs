//! Who an official is and which dossiers they may see and act on.
//!
//! A dossier is seen by the officials of its receiving unit, of its
//! deciding agency and of every agency it was sent to for a step (and by
//! its applicant, on the portal side). Only the roles that handle dossiers
//! count: an agency administrator manages people, not dossiers. An agency
//! that absorbed others in a merger carries on their work: its officials
//! handle their dossiers — the archive, a result to correct — in the roles
//! they hold at the agency that absorbed them.

use motcua_blobs::BlobReader;
use motcua_domain::lifecycle::{ActionKind, Role};
use motcua_store::{
    AgencyId, Attachment, AttachmentId, DossierId, DossierRecord, RoleGrant, User, UserKind,
};

use crate::{AppError, Services};

/// The roles that handle dossiers.
pub const HANDLING_ROLES: [Role; 4] = [
    Role::ReceptionOfficer,
    Role::Specialist,
    Role::Approver,
    Role::ReturnOfficer,
];

/// A signed-in official and every role they hold.
#[derive(Debug, Clone)]
pub struct Official {
    pub user: User,
    pub grants: Vec<RoleGrant>,
    /// The handling roles they carry at agencies merged (at any remove)
    /// into one where they hold them.
    pub inherited: Vec<RoleGrant>,
}

impl Official {
    /// The official behind an account: an enabled official account, or
    /// "not found" (a citizen cannot reach the back office).
    pub async fn of(svc: &Services, user: User) -> Result<Official, AppError> {
        if user.kind != UserKind::Official || user.disabled {
            return Err(AppError::NotFound("official"));
        }
        let grants = svc.store.roles(user.id).await?;
        let inherited = inherited(svc, &grants).await?;
        Ok(Official {
            user,
            grants,
            inherited,
        })
    }

    /// Their own grants and those carried over from merged agencies.
    fn all_grants(&self) -> impl Iterator<Item = &RoleGrant> {
        self.grants.iter().chain(&self.inherited)
    }

    /// Whether they hold `role` at `agency`.
    pub fn holds(&self, role: Role, agency: AgencyId) -> bool {
        self.all_grants()
            .any(|g| g.role == role && g.agency == agency)
    }

    /// The roles they hold at any of `agencies`, their own first.
    pub fn roles_at(&self, agencies: &[AgencyId]) -> impl Iterator<Item = Role> {
        self.all_grants()
            .filter(|g| agencies.contains(&g.agency))
            .map(|g| g.role)
    }

    /// Whether they hold `role` anywhere.
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The agencies where they handle dossiers, without repeats.
    pub fn handling_agencies(&self) -> Vec<AgencyId> {
        let mut found: Vec<AgencyId> = Vec::new();
        for g in self.all_grants() {
            if HANDLING_ROLES.contains(&g.role) && !found.contains(&g.agency) {
                found.push(g.agency);
            }
        }
        found
    }

    /// The user id as the timeline names an assignee.
    pub fn assignee_key(&self) -> String {
        self.user.id.to_string()
    }
}

/// The handling roles `grants` carry over to every agency merged, at any
/// remove, into one of theirs: one query per agency they handle dossiers
/// at (every request asks), and one per agency found merged.
async fn inherited(svc: &Services, grants: &[RoleGrant]) -> Result<Vec<RoleGrant>, AppError> {
    let handling: Vec<&RoleGrant> = grants
        .iter()
        .filter(|g| HANDLING_ROLES.contains(&g.role))
        .collect();
    let mut seen: Vec<AgencyId> = Vec::new();
    let mut pending: Vec<(AgencyId, Vec<RoleGrant>)> = Vec::new();
    for g in &handling {
        if !seen.contains(&g.agency) {
            seen.push(g.agency);
            let held = handling.iter().filter(|h| h.agency == g.agency);
            pending.push((g.agency, held.map(|h| (*h).clone()).collect()));
        }
    }
    let mut found = Vec::new();
    while let Some((agency, held)) = pending.pop() {
        for merged in svc.store.merged_agencies(agency).await? {
            // Roles of their own there (granted again since) stand alone.
            if seen.contains(&merged.id) {
                continue;
            }
            seen.push(merged.id);
            let carried: Vec<RoleGrant> = held
                .iter()
                .map(|g| RoleGrant {
                    agency: merged.id,
                    ..g.clone()
                })
                .collect();
            found.extend(carried.iter().cloned());
            pending.push((merged.id, carried));
        }
    }
    Ok(found)
}

/// Where a dossier stands for an official: the agencies in play.
#[derive(Debug, Clone)]
pub struct Seat {
    pub receiving: AgencyId,
    pub deciding: AgencyId,
    /// Agencies it was sent to for a step.
    pub steps: Vec<AgencyId>,
}

impl Seat {
    pub async fn of(svc: &Services, dossier: &DossierRecord) -> Result<Seat, AppError> {
        Ok(Seat {
            receiving: dossier.receiving_unit,
            deciding: dossier.deciding_agency,
            steps: svc.store.dossier_step_agencies(dossier.id).await?,
        })
    }

    /// Whether `official` handles dossiers at one of its agencies.
    pub fn visible_to(&self, official: &Official) -> bool {
        official
            .handling_agencies()
            .iter()
            .any(|a| *a == self.receiving || *a == self.deciding || self.steps.contains(a))
    }

    /// The agencies where holding `role` lets one take `action` here:
    /// reception and return at the receiving unit (or the deciding agency,
    /// which receives its own at a commune); appraisal and approval at the
    /// deciding agency; an agency the dossier was sent to answers its own
    /// step.
    pub fn acting_agencies(&self, role: Role, action: ActionKind) -> Vec<AgencyId> {
        match role {
            Role::ReceptionOfficer | Role::ReturnOfficer => vec![self.receiving, self.deciding],
            Role::Specialist if action == ActionKind::ReturnFromAgency => {
                let mut v = vec![self.deciding];
                v.extend(self.steps.iter().copied());
                v
            }
            Role::Specialist | Role::Approver => vec![self.deciding],
            _ => Vec::new(),
        }
    }

    /// The role `official` takes `action` in here: the first of the
    /// action's roles they hold at an agency where it counts.
    pub fn role_for(&self, official: &Official, action: ActionKind) -> Option<Role> {
        action.allowed_roles().iter().copied().find(|role| {
            self.acting_agencies(*role, action)
                .iter()
                .any(|a| official.holds(*role, *a))
        })
    }
}

/// The identifiers of `agencies`: how a hand-over's steps name them.
pub async fn identifiers(
    svc: &Services,
    agencies: impl IntoIterator<Item = AgencyId>,
) -> Result<Vec<String>, AppError> {
    let mut found = Vec::new();
    for id in agencies {
        if let Some(agency) = svc.store.agency(id).await? {
            found.push(agency.identifier.to_string());
        }
    }
    Ok(found)
}

/// A dossier `official` may see, with where it stands; "not found"
/// otherwise.
pub async fn visible(
    svc: &Services,
    official: &Official,
    id: DossierId,
) -> Result<(DossierRecord, Seat), AppError> {
    let Some(dossier) = svc.store.dossier(id).await? else {
        return Err(AppError::NotFound("dossier"));
    };
    let seat = Seat::of(svc, &dossier).await?;
    if !seat.visible_to(official) {
        return Err(AppError::NotFound("dossier"));
    }
    Ok((dossier, seat))
}

/// The same, by dossier code.
pub async fn visible_by_code(
    svc: &Services,
    official: &Official,
    code: &str,
) -> Result<(DossierRecord, Seat), AppError> {
    let Some(dossier) = svc
        .store
        .dossier_by_code(&crate::track::normalise_code(code))
        .await?
    else {
        return Err(AppError::NotFound("dossier"));
    };
    visible(svc, official, dossier.id).await
}

/// A file of a dossier `official` may see, and its bytes.
pub async fn attachment(
    svc: &Services,
    official: &Official,
    id: DossierId,
    attachment: AttachmentId,
) -> Result<(Attachment, BlobReader), AppError> {
    visible(svc, official, id).await?;
    crate::applicant::open_attachment(svc, id, attachment).await
}
