//! The demonstration province (`motcua serve --demo`): the demo catalog of
//! `data/catalog/demo.yaml`, a small agency tree of Đồng Tháp, and accounts
//! whose log-ins are printed at start and listed in the README.
//!
//! Loading is idempotent: what exists already is left as it is (so a
//! demonstration database keeps its dossiers across restarts), and the
//! catalog is imported again (the same versions replace themselves).
//!
//! The agency identifiers are placeholders of the right shape, not the
//! province's real QCVN 102 identifiers. The provincial offices are placed
//! in Phường Mỹ Tho, the seat of the merged province (unverified).

use chrono::{DateTime, Utc};
use motcua_domain::address::CommuneCode;
use motcua_domain::calendar::OfficeHours;
use motcua_domain::code;
use motcua_domain::lifecycle::Role;
use motcua_store::{AgencyId, AgencyKind, FeeAccount, NewAgency, NewUser, StoreError, UserKind};

use crate::{AppError, Services, accounts, catalog};

/// The demo catalog, compiled in.
pub const CATALOG_YAML: &str = include_str!("../../../data/catalog/demo.yaml");

/// The province the demonstration is of.
pub const PROVINCE_NAME: &str = "Tỉnh Đồng Tháp";

/// The password of every demo account.
pub const PASSWORD: &str = "motcua-demo";

/// A demo account, as printed at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub role: &'static str,
    pub login: &'static str,
    pub name: &'static str,
}

/// The demo accounts: two applicants, then the officials of the back
/// office.
pub const ACCOUNTS: [DemoAccount; 7] = [
    DemoAccount {
        role: "citizen",
        login: "an@demo.motcua.vn",
        name: "Nguyễn Văn An",
    },
    DemoAccount {
        role: "business",
        login: "senhong@demo.motcua.vn",
        name: "Công ty TNHH Sen Hồng",
    },
    DemoAccount {
        role: "reception-officer",
        login: "tiepnhan@demo.motcua.vn",
        name: "Trần Thị Hoa",
    },
    DemoAccount {
        role: "specialist",
        login: "chuyenvien@demo.motcua.vn",
        name: "Lê Văn Minh",
    },
    DemoAccount {
        role: "approver",
        login: "lanhdao@demo.motcua.vn",
        name: "Phạm Quốc Hùng",
    },
    DemoAccount {
        role: "system-admin",
        login: "quantri@demo.motcua.vn",
        name: "Võ Thị Lan",
    },
    DemoAccount {
        role: "postal-worker",
        login: "buudien@demo.motcua.vn",
        name: "Đỗ Văn Phát",
    },
];

/// The roles of the demo officials (by login): every commune of the demo
/// and the service centre, so a dossier filed with any of them can be taken
/// through to its return. The province holds the administrator; the post
/// office, the postal worker.
fn demo_roles(login: &str) -> &'static [Role] {
    match login {
        "tiepnhan@demo.motcua.vn" => &[Role::ReceptionOfficer, Role::ReturnOfficer],
        "chuyenvien@demo.motcua.vn" => &[Role::Specialist],
        "lanhdao@demo.motcua.vn" => &[Role::Approver],
        "quantri@demo.motcua.vn" => &[Role::SystemAdmin],
        "buudien@demo.motcua.vn" => &[Role::PostalWorker],
        _ => &[],
    }
}

struct DemoAgency {
    identifier: &'static str,
    name: &'static str,
    kind: AgencyKind,
    receives_any_procedure: bool,
    /// The commune code of its office (from `data/addresses/`).
    commune: u32,
}

/// The province first; everything else under it.
const AGENCIES: [DemoAgency; 8] = [
    DemoAgency {
        identifier: "000.00.00.H82",
        name: "Ủy ban nhân dân tỉnh Đồng Tháp",
        kind: AgencyKind::Province,
        receives_any_procedure: false,
        commune: 28261,
    },
    DemoAgency {
        identifier: "000.00.31.H82",
        name: "Trung tâm Phục vụ hành chính công tỉnh Đồng Tháp",
        kind: AgencyKind::ServiceCentre,
        receives_any_procedure: true,
        commune: 28261,
    },
    DemoAgency {
        identifier: "000.00.60.H29",
        name: "Công an tỉnh Đồng Tháp",
        kind: AgencyKind::Department,
        receives_any_procedure: false,
        commune: 28261,
    },
    DemoAgency {
        identifier: "000.41.01.H82",
        name: "Ủy ban nhân dân phường Cao Lãnh",
        kind: AgencyKind::Commune,
        receives_any_procedure: false,
        commune: 29869,
    },
    DemoAgency {
        identifier: "000.41.02.H82",
        name: "Ủy ban nhân dân phường Mỹ Tho",
        kind: AgencyKind::Commune,
        receives_any_procedure: false,
        commune: 28261,
    },
    DemoAgency {
        identifier: "000.41.03.H82",
        name: "Ủy ban nhân dân phường Sa Đéc",
        kind: AgencyKind::Commune,
        receives_any_procedure: false,
        commune: 29905,
    },
    DemoAgency {
        identifier: "000.41.04.H82",
        name: "Ủy ban nhân dân xã Tháp Mười",
        kind: AgencyKind::Commune,
        receives_any_procedure: false,
        commune: 30037,
    },
    // The public post's office that collects and delivers for every
    // one-stop unit of the demo (its code is a placeholder too).
    DemoAgency {
        identifier: "BD.870000",
        name: "Bưu điện tỉnh Đồng Tháp",
        kind: AgencyKind::PostOffice,
        receives_any_procedure: false,
        commune: 28261,
    },
];

/// What loading did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loaded {
    pub agencies: usize,
    pub procedures: usize,
    pub accounts: usize,
}

/// Loads the demonstration province into the store.
pub async fn load(svc: &Services, now: DateTime<Utc>) -> Result<Loaded, AppError> {
    let mut loaded = Loaded::default();
    let mut province: Option<AgencyId> = None;
    let mut handling: Vec<AgencyId> = Vec::new();
    let mut post_office: Option<AgencyId> = None;
    for a in &AGENCIES {
        let identifier =
            code::AgencyId::new(a.identifier).map_err(|e| AppError::Internal(e.to_string()))?;
        let agency = match svc.store.agency_by_identifier(a.identifier).await? {
            Some(existing) => existing,
            None => {
                loaded.agencies += 1;
                svc.store
                    .create_agency(NewAgency {
                        id: AgencyId::new(),
                        parent: province,
                        identifier,
                        name: a.name.to_owned(),
                        kind: a.kind,
                        office_hours: OfficeHours::standard(),
                        receives_any_procedure: a.receives_any_procedure,
                        commune: CommuneCode::new(a.commune),
                    })
                    .await?
            }
        };
        if !matches!(a.kind, AgencyKind::Province | AgencyKind::PostOffice)
            && svc.store.fee_account(agency.id).await?.is_none()
        {
            // An account to collect fees into, clearly not a real one.
            svc.store
                .set_fee_account(&FeeAccount {
                    agency: agency.id,
                    number: "3511.0.DEMO".to_owned(),
                    holder: agency.name.clone(),
                    treasury: "Kho bạc Nhà nước (tài khoản minh họa)".to_owned(),
                    receipt_symbol: format!("BL-{}", a.identifier),
                })
                .await?;
        }
        if a.kind == AgencyKind::Province {
            province = Some(agency.id);
        } else if a.kind == AgencyKind::PostOffice {
            post_office = Some(agency.id);
        } else if matches!(a.kind, AgencyKind::Commune | AgencyKind::ServiceCentre) {
            handling.push(agency.id);
        }
    }
    if let Some(office) = post_office {
        svc.store.set_served_agencies(office, &handling).await?;
    }
    let parsed = catalog::parse(CATALOG_YAML, catalog::Format::Yaml)
        .map_err(|e| AppError::Internal(format!("the demo catalog: {e}")))?;
    loaded.procedures = catalog::import(svc.store.as_ref(), parsed, now)
        .await
        .map_err(|e| match e {
            catalog::CatalogFileError::Store(e) => AppError::Store(e),
            other => AppError::Internal(other.to_string()),
        })?;
    let people = [
        (
            &ACCOUNTS[0],
            UserKind::Citizen,
            "087095000123",
            Some("0912345678"),
            None,
        ),
        (
            &ACCOUNTS[1],
            UserKind::Business,
            "1400100123",
            Some("02773851234"),
            Some("Trần Thị Bình"),
        ),
    ];
    let hash = accounts::hash_password(PASSWORD.to_owned()).await?;
    for account in ACCOUNTS.iter().skip(people.len()) {
        if svc.store.user_by_login(account.login).await?.is_some() {
            continue;
        }
        let user = match svc
            .store
            .create_user(NewUser {
                kind: UserKind::Official,
                full_name: account.name.to_owned(),
                email: Some(account.login.to_owned()),
                phone: None,
                identity_number: None,
                password_hash: Some(hash.clone()),
                representative: None,
                language: "vi".to_owned(),
            })
            .await
        {
            Ok(user) => user,
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        svc.store.set_email_verified(user.id, now).await?;
        for role in demo_roles(account.login) {
            let at: &[AgencyId] = match role {
                Role::SystemAdmin => province.as_slice(),
                Role::PostalWorker => post_office.as_slice(),
                _ => &handling,
            };
            for agency in at {
                svc.store.grant_role(user.id, *agency, *role, now).await?;
            }
        }
        loaded.accounts += 1;
    }
    for (account, kind, identity, phone, representative) in people {
        if svc.store.user_by_login(account.login).await?.is_some() {
            continue;
        }
        let created = svc
            .store
            .create_user(NewUser {
                kind,
                full_name: account.name.to_owned(),
                email: Some(account.login.to_owned()),
                phone: phone.map(str::to_owned),
                identity_number: Some(identity.to_owned()),
                password_hash: Some(hash.clone()),
                representative: representative.map(str::to_owned),
                language: "vi".to_owned(),
            })
            .await;
        match created {
            Ok(user) => {
                svc.store.set_email_verified(user.id, now).await?;
                loaded.accounts += 1;
            }
            // Someone registered the same phone or number by hand.
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(loaded)
}
