//! Officials and their roles: the first system administrator (made from
//! the command line), and the officials an agency administrator or a system
//! administrator adds. Every account and grant made here is written to the
//! audit log.
//!
//! A new official gets no password from whoever adds them: they receive
//! a one-time link to set their own, valid for [`WELCOME_LINK_LIFE`].

use chrono::{DateTime, Utc};
use motcua_domain::calendar::OfficeHours;
use motcua_domain::code;
use motcua_domain::forms::{self, FieldProblem, Problem};
use motcua_domain::lifecycle::Role;
use motcua_store::{
    Agency, AgencyId, AgencyKind, NewAgency, NewAuditEntry, NewUser, StoreError, User, UserId,
    UserKind,
};
use serde_json::json;

use super::scope::{HANDLING_ROLES, Official};
use crate::accounts::{self, check_password, clean, fields};
use crate::{AppError, Services};

/// The roles an agency administrator may grant (and a system administrator
/// any, including the two administrators'), where they fit the agency
/// ([`fits`]).
pub const GRANTABLE_BY_AGENCY_ADMIN: [Role; 5] = [
    HANDLING_ROLES[0],
    HANDLING_ROLES[1],
    HANDLING_ROLES[2],
    HANDLING_ROLES[3],
    Role::PostalWorker,
];

/// Whether `role` is held at an agency of `kind`: a post office has postal
/// workers (and its administrator), a state agency everyone else.
pub fn fits(kind: AgencyKind, role: Role) -> bool {
    match kind {
        AgencyKind::PostOffice => matches!(role, Role::PostalWorker | Role::AgencyAdmin),
        _ => role != Role::PostalWorker,
    }
}

/// Who an official is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialDetails {
    pub full_name: String,
    pub email: String,
    pub phone: String,
}

/// The province the first administrator is made for, when the database has
/// no agency yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    pub name: String,
    /// Its identifier in the national list (QCVN 102), `000.00.00.H82`.
    pub identifier: String,
}

/// The checked name and e-mail of an official.
fn check_details(
    d: &OfficialDetails,
    problems: &mut Vec<FieldProblem>,
) -> (String, String, Option<String>) {
    let mut at = |field: &str, problem: Problem| {
        problems.push(FieldProblem {
            field: field.into(),
            problem,
        })
    };
    let name = clean(&d.full_name).unwrap_or_default();
    if name.is_empty() {
        at(fields::FULL_NAME, Problem::Required);
    } else if name.chars().count() > 200 {
        at(fields::FULL_NAME, Problem::TooLong { max: 200 });
    }
    let email = match clean(&d.email) {
        None => {
            at(fields::EMAIL, Problem::Required);
            String::new()
        }
        Some(e) => forms::parse_email(&e).unwrap_or_else(|| {
            at(fields::EMAIL, Problem::Email);
            String::new()
        }),
    };
    let phone = match clean(&d.phone) {
        None => None,
        Some(p) => motcua_domain::phone::normalize(&p, motcua_domain::phone::Recorded::Unknown)
            .map(|n| n.national().to_owned())
            .map_err(|e| at(fields::PHONE, Problem::Phone(e)))
            .ok(),
    };
    (name, email, phone)
}

/// The root of the agency tree: the province.
pub async fn province(svc: &Services) -> Result<Option<Agency>, AppError> {
    let roots = svc.store.child_agencies(None).await?;
    Ok(roots
        .iter()
        .find(|a| a.kind == AgencyKind::Province)
        .or(roots.first())
        .cloned())
}

/// Makes a system administrator with the password given (read by the
/// command line from the terminal or standard input, never from an
/// argument). The grant is at the province; when the database has no
/// agency yet, `province` names it and it is created.
pub async fn create_system_admin(
    svc: &Services,
    details: &OfficialDetails,
    password: &str,
    province_if_new: Option<&Province>,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let mut problems = Vec::new();
    let (full_name, email, phone) = check_details(details, &mut problems);
    check_password(password, password, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let root = match province(svc).await? {
        Some(root) => root,
        None => {
            let Some(p) = province_if_new else {
                return Err(AppError::field("province", Problem::Required));
            };
            let identifier = code::AgencyId::new(p.identifier.trim())
                .map_err(|_| AppError::field("identifier", Problem::NotAnOption))?;
            let name = clean(&p.name).ok_or(AppError::field("province", Problem::Required))?;
            svc.store
                .create_agency(NewAgency {
                    id: AgencyId::new(),
                    parent: None,
                    identifier,
                    name,
                    kind: AgencyKind::Province,
                    office_hours: OfficeHours::standard(),
                    receives_any_procedure: false,
                    commune: None,
                })
                .await?
        }
    };
    let hash = accounts::hash_password(password.to_owned()).await?;
    let user = svc
        .store
        .create_user(NewUser {
            kind: UserKind::Official,
            full_name,
            email: Some(email),
            phone,
            identity_number: None,
            password_hash: Some(hash),
            representative: None,
            language: User::DEFAULT_LANGUAGE.to_owned(),
        })
        .await
        .map_err(taken)?;
    // Whoever runs the command on the server vouches for the address.
    svc.store.set_email_verified(user.id, now).await?;
    svc.store
        .grant_role(user.id, root.id, Role::SystemAdmin, now)
        .await?;
    svc.store
        .audit(NewAuditEntry {
            at: now,
            actor: None,
            action: "official.create-system-admin".into(),
            subject: user.id.to_string(),
            details: json!({ "agency": root.id.to_string(), "email": user.email }),
        })
        .await?;
    Ok(user)
}

/// An e-mail or phone number used by another account.
fn taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { what } => {
            let field = if what.contains("phone") {
                fields::PHONE
            } else {
                fields::EMAIL
            };
            AppError::field(field, Problem::Taken)
        }
        e => e.into(),
    }
}

/// Whether `by` may manage the officials of `agency`: a system
/// administrator anywhere, or that agency's administrator (for the roles
/// that handle dossiers only).
fn may_manage(by: &Official, agency: AgencyId, role: Role) -> bool {
    by.has_role(Role::SystemAdmin)
        || (by.holds(Role::AgencyAdmin, agency) && GRANTABLE_BY_AGENCY_ADMIN.contains(&role))
}

/// Adds an official at `agency` with `roles`, and sends them the link to
/// set their password. `by` is `None` on the server's command line.
pub async fn add_official(
    svc: &Services,
    by: Option<&Official>,
    agency: AgencyId,
    details: &OfficialDetails,
    roles: &[Role],
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    if let Some(by) = by
        && !roles.iter().all(|r| may_manage(by, agency, *r))
    {
        return Err(AppError::NotFound("agency"));
    }
    let Some(kind) = svc.store.agency(agency).await?.map(|a| a.kind) else {
        return Err(AppError::NotFound("agency"));
    };
    let mut problems = Vec::new();
    let (full_name, email, phone) = check_details(details, &mut problems);
    if roles.is_empty()
        || roles
            .iter()
            .any(|r| matches!(r, Role::Applicant | Role::System) || !fits(kind, *r))
    {
        problems.push(FieldProblem {
            field: "roles".into(),
            problem: Problem::Required,
        });
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let user = svc
        .store
        .create_user(NewUser {
            kind: UserKind::Official,
            full_name,
            email: Some(email.clone()),
            phone,
            identity_number: None,
            password_hash: None,
            representative: None,
            language: User::DEFAULT_LANGUAGE.to_owned(),
        })
        .await
        .map_err(taken)?;
    // The address is the province's official mail system's, given by the
    // agency: the link below proves it.
    for role in roles {
        svc.store.grant_role(user.id, agency, *role, now).await?;
    }
    svc.store
        .audit(NewAuditEntry {
            at: now,
            actor: by.map(|b| b.user.id),
            action: "official.add".into(),
            subject: user.id.to_string(),
            details: json!({
                "agency": agency.to_string(),
                "roles": roles.iter().map(|r| r.key()).collect::<Vec<_>>(),
            }),
        })
        .await?;
    welcome(svc, &user, &email, now).await?;
    Ok(user)
}

/// How long a new official's link to set their first password lasts: long
/// enough to reach someone back on Monday.
pub const WELCOME_LINK_LIFE: chrono::TimeDelta = chrono::TimeDelta::days(3);

/// Queues the mail that lets a new official set their first password (a
/// one-time link, like a reset, that lasts [`WELCOME_LINK_LIFE`]).
async fn welcome(
    svc: &Services,
    user: &User,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let token = crate::secret::token()?;
    let token_hash = motcua_store::TokenHash::of(&token);
    svc.store
        .create_user_token(motcua_store::NewUserToken {
            user: user.id,
            purpose: motcua_store::TokenPurpose::ResetPassword,
            token_hash,
            now,
            expires_at: now + WELCOME_LINK_LIFE,
        })
        .await?;
    let lang = accounts::language_of(user);
    let link = svc
        .settings
        .link(&format!("/tai-khoan/dat-lai-mat-khau?token={token}"));
    let message = crate::outbox::EmailMessage {
        to: email.to_owned(),
        subject: lang.tr("mail-welcome-official-subject"),
        text: lang.tr_args(
            "mail-welcome-official-body",
            &[
                ("name", motcua_i18n::Arg::from(user.full_name.clone())),
                ("link", motcua_i18n::Arg::from(link)),
                ("days", motcua_i18n::Arg::from(WELCOME_LINK_LIFE.num_days())),
            ],
        ),
    };
    let job = message
        .job(format!("welcome:{}", token_hash.0.to_hex()), now)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    svc.store.enqueue(job).await?;
    Ok(())
}

/// Grants `role` at `agency` to an existing official.
pub async fn grant(
    svc: &Services,
    by: &Official,
    user: &User,
    agency: AgencyId,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if user.kind != UserKind::Official || !may_manage(by, agency, role) {
        return Err(AppError::NotFound("official"));
    }
    let Some(kind) = svc.store.agency(agency).await?.map(|a| a.kind) else {
        return Err(AppError::NotFound("agency"));
    };
    if !fits(kind, role) {
        return Err(AppError::field("roles", Problem::NotAnOption));
    }
    svc.store.grant_role(user.id, agency, role, now).await?;
    svc.store
        .audit(NewAuditEntry {
            at: now,
            actor: Some(by.user.id),
            action: "official.grant".into(),
            subject: user.id.to_string(),
            details: json!({ "agency": agency.to_string(), "role": role.key() }),
        })
        .await?;
    Ok(())
}

/// An official of `agency` whom `by` may change: not `by` themselves (an
/// administrator cannot lock themselves out), an official holding a role
/// there, at an agency `by` manages. Anyone else is "not found".
async fn managed_member(
    svc: &Services,
    by: &Official,
    user: UserId,
    agency: AgencyId,
) -> Result<(User, Vec<Role>), AppError> {
    let manages = by.has_role(Role::SystemAdmin) || by.holds(Role::AgencyAdmin, agency);
    if !manages || user == by.user.id {
        return Err(AppError::NotFound("official"));
    }
    let found = svc.store.user(user).await?;
    let Some(found) = found.filter(|u| u.kind == UserKind::Official) else {
        return Err(AppError::NotFound("official"));
    };
    let held: Vec<Role> = svc
        .store
        .roles(found.id)
        .await?
        .into_iter()
        .filter(|g| g.agency == agency)
        .map(|g| g.role)
        .collect();
    if held.is_empty() {
        return Err(AppError::NotFound("official"));
    }
    Ok((found, held))
}

/// Sets which of the roles `by` may grant at `agency` the official holds
/// there: the ones in `wanted` are granted, the others revoked. Roles `by`
/// may not grant stay as they are. Each change is audited. Returns the
/// roles the official holds at `agency` afterwards.
pub async fn set_roles(
    svc: &Services,
    by: &Official,
    user: UserId,
    agency: AgencyId,
    wanted: &[Role],
    now: DateTime<Utc>,
) -> Result<Vec<Role>, AppError> {
    let (member, mut held) = managed_member(svc, by, user, agency).await?;
    let agency = svc
        .store
        .agency(agency)
        .await?
        .ok_or(AppError::NotFound("agency"))?;
    for role in grantable(by, &agency) {
        let agency = agency.id;
        match (wanted.contains(&role), held.contains(&role)) {
            (true, false) => {
                grant(svc, by, &member, agency, role, now).await?;
                held.push(role);
            }
            (false, true) => {
                if svc.store.revoke_role(member.id, agency, role).await? {
                    svc.store
                        .audit(NewAuditEntry {
                            at: now,
                            actor: Some(by.user.id),
                            action: "official.revoke".into(),
                            subject: member.id.to_string(),
                            details: json!({ "agency": agency.to_string(), "role": role.key() }),
                        })
                        .await?;
                }
                held.retain(|r| *r != role);
            }
            _ => {}
        }
    }
    Ok(held)
}

/// Locks (or unlocks) an official's account: a locked one cannot sign in,
/// and their open sessions end at once. Their history stays.
pub async fn set_locked(
    svc: &Services,
    by: &Official,
    user: UserId,
    agency: AgencyId,
    locked: bool,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let (member, _) = managed_member(svc, by, user, agency).await?;
    svc.store.set_user_disabled(member.id, locked).await?;
    if locked {
        svc.store.revoke_user_sessions(member.id, now).await?;
    }
    svc.store
        .audit(NewAuditEntry {
            at: now,
            actor: Some(by.user.id),
            action: if locked {
                "official.lock"
            } else {
                "official.unlock"
            }
            .into(),
            subject: member.id.to_string(),
            details: json!({ "agency": agency.to_string() }),
        })
        .await?;
    Ok(User {
        disabled: locked,
        ..member
    })
}

/// Office hours as the officials' page writes them: `07:00-11:30, 13:30-17:00`.
pub fn office_hours_text(hours: &OfficeHours) -> String {
    hours
        .sessions()
        .iter()
        .map(|s| format!("{}-{}", s.start.format("%H:%M"), s.end.format("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads office hours written as [`office_hours_text`] writes them (an en
/// dash or `–` between the times is accepted too).
pub fn parse_office_hours(text: &str) -> Option<OfficeHours> {
    let time = |t: &str| chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
    let sessions = text
        .split([',', ';'])
        .map(|part| {
            let (start, end) = part.split_once(['-', '–'])?;
            Some(motcua_domain::calendar::Session {
                start: time(start)?,
                end: time(end)?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    OfficeHours::new(sessions).ok()
}

/// Sets an agency's office hours (its administrator or a system
/// administrator). Due dates already computed stay as they were; what is
/// counted from now on uses the new hours.
pub async fn set_office_hours(
    svc: &Services,
    by: &Official,
    agency: AgencyId,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Agency, AppError> {
    if !(by.has_role(Role::SystemAdmin) || by.holds(Role::AgencyAdmin, agency)) {
        return Err(AppError::NotFound("agency"));
    }
    let mut found = svc
        .store
        .agency(agency)
        .await?
        .ok_or(AppError::NotFound("agency"))?;
    let hours = parse_office_hours(text)
        .ok_or_else(|| AppError::field("office_hours", Problem::OfficeHours))?;
    let before = office_hours_text(&found.office_hours);
    found.office_hours = hours;
    svc.store.update_agency(&found).await?;
    svc.store
        .audit(NewAuditEntry {
            at: now,
            actor: Some(by.user.id),
            action: "agency.office_hours".into(),
            subject: agency.to_string(),
            details: json!({ "from": before, "to": office_hours_text(&found.office_hours) }),
        })
        .await?;
    Ok(found)
}

/// Renames an agency (a system administrator: units are renamed when the
/// province reorganises). Its dossiers keep pointing at it, so their
/// history stays whole; the old name is kept in the audit log.
pub async fn rename_agency(
    svc: &Services,
    by: &Official,
    agency: AgencyId,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Agency, AppError> {
    if !by.has_role(Role::SystemAdmin) {
        return Err(AppError::NotFound("agency"));
    }
    let mut found = svc
        .store
        .agency(agency)
        .await?
        .ok_or(AppError::NotFound("agency"))?;
    let name = clean(name).ok_or_else(|| AppError::field("agency_name", Problem::Required))?;
    if name.chars().count() > 200 {
        return Err(AppError::field(
            "agency_name",
            Problem::TooLong { max: 200 },
        ));
    }
    let before = std::mem::replace(&mut found.name, name);
    if before == found.name {
        return Ok(found);
    }
    svc.store.update_agency(&found).await?;
    svc.store
        .audit(NewAuditEntry {
            at: now,
            actor: Some(by.user.id),
            action: "agency.rename".into(),
            subject: agency.to_string(),
            details: json!({ "from": before, "to": found.name }),
        })
        .await?;
    Ok(found)
}

/// The agencies whose officials `by` manages: every agency for a system
/// administrator, their own for an agency administrator.
pub async fn managed_agencies(svc: &Services, by: &Official) -> Result<Vec<Agency>, AppError> {
    let all = crate::apply::all_agencies(svc).await?;
    if by.has_role(Role::SystemAdmin) {
        return Ok(all);
    }
    Ok(all
        .into_iter()
        .filter(|a| by.holds(Role::AgencyAdmin, a.id))
        .collect())
}

/// An official of an agency and the roles they hold there.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub user: User,
    pub roles: Vec<Role>,
}

/// The officials of `agency`, by name, if `by` manages it.
pub async fn staff(
    svc: &Services,
    by: &Official,
    agency: AgencyId,
) -> Result<Vec<StaffMember>, AppError> {
    if !(by.has_role(Role::SystemAdmin) || by.holds(Role::AgencyAdmin, agency)) {
        return Err(AppError::NotFound("agency"));
    }
    let mut members: Vec<StaffMember> = Vec::new();
    for grant in svc.store.grants_at(agency).await? {
        match members.iter_mut().find(|m| m.user.id == grant.user) {
            Some(m) => m.roles.push(grant.role),
            None => {
                if let Some(user) = svc.store.user(grant.user).await? {
                    members.push(StaffMember {
                        user,
                        roles: vec![grant.role],
                    });
                }
            }
        }
    }
    members.sort_by_key(|m| motcua_domain::text::fold(&m.user.full_name));
    Ok(members)
}

/// Every role an official can be given, in the order forms list them.
pub const OFFICIAL_ROLES: [Role; 7] = [
    Role::ReceptionOfficer,
    Role::Specialist,
    Role::Approver,
    Role::ReturnOfficer,
    Role::PostalWorker,
    Role::AgencyAdmin,
    Role::SystemAdmin,
];

/// The roles `by` may grant at `agency` (those that fit it).
pub fn grantable(by: &Official, agency: &Agency) -> Vec<Role> {
    OFFICIAL_ROLES
        .into_iter()
        .filter(|r| fits(agency.kind, *r) && may_manage(by, agency.id, *r))
        .collect()
}
