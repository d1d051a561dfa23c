//! What the generator reads from the record once (the catalog, the
//! agencies and their officials, the calendar) and how it makes dossier `i`
//! of a plan from that.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use motcua_domain::address::{Commune, Units};
use motcua_domain::calendar::{self, WorkCalendar};
use motcua_domain::catalog::{Competent, Procedure};
use motcua_domain::lifecycle::{Channel, Clockwork, Dossier, Handover, Recipient, Role};
use motcua_store::{
    Agency, AgencyKind, CodeSource, Delivery, DossierId, ImportedDossier, NewDossier, TokenHash,
};

use super::people;
use super::plan::{Plan, PlanProblem};
use super::story::{self, Cast, Setting};
use crate::{AppError, Services, apply};

/// An agency with the officials who act for it.
struct Desk {
    agency: Agency,
    reception: Option<motcua_store::UserId>,
    specialist: Option<motcua_store::UserId>,
    approver: Option<motcua_store::UserId>,
    returner: Option<motcua_store::UserId>,
}

/// A procedure's versions (oldest first) and who decides and receives it.
struct Offer {
    versions: Vec<Procedure>,
    /// Each version's first group of agency steps, as one hand-over.
    groups: Vec<Option<Handover>>,
    /// `(deciding, receiving)` desks.
    desks: Vec<(usize, usize)>,
}

pub(super) struct World {
    plan: Plan,
    start: DateTime<Utc>,
    until: DateTime<Utc>,
    calendar: std::sync::Arc<WorkCalendar>,
    units: &'static Units,
    communes: Vec<&'static Commune>,
    desks: Vec<Desk>,
    offers: Vec<Offer>,
    /// Desks of departments, for inter-agency steps.
    departments: Vec<usize>,
    /// The working days of the period, in order: when dossiers are taken
    /// in at a counter or handed over by the post.
    office_days: Vec<NaiveDate>,
}

impl World {
    pub(super) async fn load(
        svc: &Services,
        plan: &Plan,
        now: DateTime<Utc>,
    ) -> Result<World, AppError> {
        plan.check(now).map_err(AppError::Plan)?;
        let calendar = apply::work_calendar(svc).await?;
        let units = Units::bundled().map_err(|e| AppError::Internal(e.to_string()))?;
        let agencies = apply::all_agencies(svc).await?;
        let mut desks = Vec::with_capacity(agencies.len());
        for agency in agencies {
            let grants = svc.store.grants_at(agency.id).await?;
            let first = |role: Role| grants.iter().find(|g| g.role == role).map(|g| g.user);
            desks.push(Desk {
                reception: first(Role::ReceptionOfficer),
                specialist: first(Role::Specialist),
                approver: first(Role::Approver),
                returner: first(Role::ReturnOfficer),
                agency,
            });
        }
        let offers = offers(svc, &desks).await?;
        let earliest = offers
            .iter()
            .filter_map(|o| o.versions.first().map(|p| p.effective_from))
            .min();
        if earliest.is_none_or(|e| e > plan.from) {
            return Err(AppError::Plan(PlanProblem::NoProcedure {
                from: plan.from,
                earliest,
            }));
        }
        let province = desks
            .iter()
            .filter_map(|d| d.agency.commune)
            .filter_map(|c| units.commune(c))
            .map(|c| c.province)
            .next();
        let communes = match province {
            Some(p) => units.communes_of(p),
            None => units.communes().iter().collect(),
        };
        let departments = desks
            .iter()
            .enumerate()
            .filter(|(_, d)| d.agency.kind == AgencyKind::Department)
            .map(|(i, _)| i)
            .collect();
        let start = calendar::to_utc(plan.from.and_time(NaiveTime::MIN));
        let end = calendar::to_utc(
            plan.to
                .succ_opt()
                .unwrap_or(plan.to)
                .and_time(NaiveTime::MIN),
        );
        let until = end.min(now);
        let office_days = working_days(&calendar, plan.from, calendar::to_local(until).date())?;
        Ok(World {
            plan: plan.clone(),
            start,
            until,
            calendar,
            units,
            communes,
            desks,
            offers,
            departments,
            office_days,
        })
    }

    pub(super) fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Dossier `index`'s share of the period (its place among the plan's
    /// dossiers, jittered), its nominal entry instant at that share of the
    /// period and its id: the first draws of its own random source, so the
    /// id is known without making the dossier.
    fn base(&self, rng: &mut fastrand::Rng, index: u64) -> (f64, DateTime<Utc>, DossierId) {
        let span = (self.until - self.start).num_milliseconds().max(1) as f64;
        let share = (index as f64 + rng.f64()) / self.plan.dossiers as f64;
        let at = self.start + TimeDelta::milliseconds((span * share) as i64);
        let mut random = [0u8; 10];
        rng.fill(&mut random);
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
        let uuid = uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid();
        (share, at, DossierId::from_uuid(uuid))
    }

    pub(super) fn id_of(&self, index: u64) -> DossierId {
        let mut rng = fastrand::Rng::with_seed(self.plan.seed_of(index));
        self.base(&mut rng, index).2
    }

    /// The working day at `share` of the period's working days, and how far
    /// into it: a counter or the post takes dossiers in only then, spread
    /// over every working day. Moving those that fall on a weekend or a
    /// holiday to the next opening instead would pile days of them onto one
    /// morning — after a long Tết break, more than the 9,999 a unit may
    /// number in a day.
    fn office_day(&self, share: f64) -> Option<(NaiveDate, f64)> {
        let days = self.office_days.len() as f64;
        let place = (share * days).clamp(0.0, (days - 1.0).max(0.0));
        let day = self.office_days.get(place as usize)?;
        Some((*day, place.fract()))
    }

    /// Dossier `index` of the plan, with everything that happened to it by
    /// the end of the period.
    pub(super) fn dossier(&self, index: u64) -> Result<ImportedDossier, AppError> {
        let mut rng = fastrand::Rng::with_seed(self.plan.seed_of(index));
        let rng = &mut rng;
        let (share, base, id) = self.base(rng, index);
        let office_day = self.office_day(share);
        // The earlier of the two days the dossier may enter on: a version
        // in force then is in force on either.
        let day = calendar::to_local(base)
            .date()
            .min(office_day.map_or(NaiveDate::MAX, |(d, _)| d));
        let (procedure, workflow_group, deciding, receiving) = self.offer_on(rng, day);
        let hours = &receiving.agency.office_hours;
        let cw = Clockwork {
            calendar: &self.calendar,
            hours,
        };
        let channel = channel(rng, procedure);
        let entered_at = if channel == Channel::Online {
            base
        } else {
            // At the counter or from the post: in office hours, on a
            // working day of its share.
            let (from, into) = match office_day {
                Some((day, part)) => {
                    let length = hours.day_length().num_milliseconds() as f64;
                    let into = TimeDelta::milliseconds((length * part) as i64);
                    (calendar::to_utc(day.and_time(NaiveTime::MIN)), into)
                }
                None => (base, TimeDelta::zero()),
            };
            let opened = cw.add_working_time(from, into.max(TimeDelta::minutes(1)))?;
            if opened <= self.until { opened } else { base }
        };
        let (state, entry) = Dossier::enter(
            channel,
            procedure.processing_time,
            story::entry_role(channel),
            entered_at,
            cw,
        )?;
        let who = people::person(rng, &self.communes, day);
        let form = people::form(rng, &procedure.form, &who, day, self.units)
            .map_err(|e| AppError::Internal(format!("{}: {e}", procedure.code)))?;
        let delivery = delivery(rng, procedure, channel);
        let pin: String = (0..crate::PIN_DIGITS)
            .map(|_| char::from(b'0' + rng.u8(0..10)))
            .collect();
        let recipient = Recipient {
            name: who.name.clone(),
            identity: who.identity_number.clone(),
        };
        let step_agency = match self.departments.as_slice() {
            [] => None,
            list => {
                let d = &self.desks[list[rng.usize(..list.len())]];
                (d.agency.id != deciding.agency.id).then_some(d.agency.identifier.as_str())
            }
        };
        let setting = Setting {
            cw,
            delivery,
            has_fees: !procedure.fees.is_empty(),
            step_agency,
            workflow_group,
            cast: Cast {
                reception: receiving.reception,
                specialist: deciding.specialist,
                approver: deciding.approver,
                returner: receiving.returner,
            },
            until: self.until,
            recipient: &recipient,
        };
        let events = story::live(rng, setting, state.clone())?;
        let new = NewDossier {
            id,
            code: CodeSource::Allocate {
                agency: apply::code_agency(&state, &receiving.agency, &deciding.agency, channel),
            },
            procedure_code: procedure.code.clone(),
            procedure_version: procedure.effective_from,
            receiving_unit: receiving.agency.id,
            deciding_agency: deciding.agency.id,
            applicant: who.applicant(self.units),
            delivery,
            pin_hash: TokenHash::of(&pin),
            form,
            actor: match channel {
                Channel::Counter => receiving.reception,
                _ => None,
            },
            entry,
            attachments: Vec::new(),
            jobs: Vec::new(),
        };
        Ok(ImportedDossier { new, events })
    }

    /// A procedure in force on `day` (there is one: the plan starts on or
    /// after the earliest, and versions are never withdrawn), the desk
    /// deciding it and the one receiving it.
    fn offer_on(
        &self,
        rng: &mut fastrand::Rng,
        day: NaiveDate,
    ) -> (&Procedure, Option<&Handover>, &Desk, &Desk) {
        let in_force = |o: &&Offer| o.versions.first().is_some_and(|p| p.effective_from <= day);
        let count = self.offers.iter().filter(in_force).count().max(1);
        let pick = rng.usize(..count);
        let offer = self
            .offers
            .iter()
            .filter(in_force)
            .nth(pick)
            .unwrap_or(&self.offers[0]);
        let v = offer
            .versions
            .iter()
            .rposition(|p| p.effective_from <= day)
            .unwrap_or(0);
        let (d, r) = offer.desks[rng.usize(..offer.desks.len())];
        (
            &offer.versions[v],
            offer.groups.get(v).and_then(Option::as_ref),
            &self.desks[d],
            &self.desks[r],
        )
    }
}

/// The working days from `from` to `to`, both included.
fn working_days(
    calendar: &WorkCalendar,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<NaiveDate>, AppError> {
    let mut days = Vec::new();
    for day in from.iter_days().take_while(|d| *d <= to) {
        if calendar.is_working_day(day)? {
            days.push(day);
        }
    }
    Ok(days)
}

/// Every procedure of the catalog with the desks that decide and receive
/// it. A procedure no agency here decides is a plan problem.
async fn offers(svc: &Services, desks: &[Desk]) -> Result<Vec<Offer>, AppError> {
    let mut versions = svc.store.all_procedure_versions().await?;
    versions.sort_by(|a, b| (a.code(), a.effective_from()).cmp(&(b.code(), b.effective_from())));
    let mut offers: Vec<Offer> = Vec::new();
    for version in versions {
        let procedure = version.procedure;
        let group = procedure
            .agency_groups()
            .first()
            .map(|g| Handover::of_catalog(g));
        match offers.last_mut() {
            Some(o) if o.versions[0].code == procedure.code => {
                o.versions.push(procedure);
                o.groups.push(group);
            }
            _ => offers.push(Offer {
                versions: vec![procedure],
                groups: vec![group],
                desks: Vec::new(),
            }),
        }
    }
    let find = |identifier: &str| {
        desks
            .iter()
            .position(|d| d.agency.identifier.as_str() == identifier)
    };
    let centre = desks.iter().position(|d| {
        d.agency.kind == AgencyKind::ServiceCentre && d.agency.receives_any_procedure
    });
    for offer in &mut offers {
        let Some(latest) = offer.versions.last() else {
            continue;
        };
        let deciders: Vec<usize> = match &latest.competent {
            Competent::Agency(identifier) => find(identifier).into_iter().collect(),
            Competent::Level(kind) => desks
                .iter()
                .enumerate()
                .filter(|(_, d)| d.agency.kind.key() == kind)
                .map(|(i, _)| i)
                .collect(),
        };
        if deciders.is_empty() {
            return Err(AppError::Plan(PlanProblem::NoAgency {
                code: latest.code.clone(),
            }));
        }
        // As the portal routes it: a commune (or a centre) receives its
        // own; a department's go to the centre when there is one.
        offer.desks = deciders
            .into_iter()
            .map(|d| {
                let kind = desks[d].agency.kind;
                let own = matches!(kind, AgencyKind::Commune | AgencyKind::ServiceCentre);
                (d, if own { d } else { centre.unwrap_or(d) })
            })
            .collect();
    }
    Ok(offers)
}

/// How the dossier comes in: online for most procedures offered online,
/// otherwise at the counter, some by post.
fn channel(rng: &mut fastrand::Rng, procedure: &Procedure) -> Channel {
    let roll = rng.f64();
    if procedure.level.online() && roll < 0.6 {
        Channel::Online
    } else if procedure.by_post && roll > 0.9 {
        Channel::Post
    } else {
        Channel::Counter
    }
}

/// How the result goes back: online only at level 4, by post where the
/// procedure allows it.
fn delivery(rng: &mut fastrand::Rng, procedure: &Procedure, channel: Channel) -> Delivery {
    let roll = rng.f64();
    let full = procedure.level == motcua_domain::catalog::ServiceLevel::Full;
    match channel {
        Channel::Post if procedure.by_post => Delivery::Post,
        Channel::Online | Channel::NationalPortal if full && roll < 0.4 => Delivery::Online,
        _ if procedure.by_post && roll > 0.8 => Delivery::Post,
        _ => Delivery::Counter,
    }
}
