use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::code::{self, DossierCode};
use motcua_domain::forms::FormValues;
use motcua_domain::lifecycle::{
    ActionKind, CapturedDocument, Channel, Dossier, Event, Role, Stage,
};
use motcua_domain::regime::RegimeKey;
use serde::{Deserialize, Serialize};

use super::job::NewJob;
use super::user::TokenHash;
use crate::hash::Hash;
use crate::ids::{AgencyId, AttachmentId, DossierId, UserId};

/// How the applicant wants the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// Collected at the one-stop unit.
    Counter,
    /// Delivered by the public postal service.
    Post,
    /// Returned online (electronic result, level 4).
    Online,
}

impl Delivery {
    pub fn key(self) -> &'static str {
        match self {
            Delivery::Counter => "counter",
            Delivery::Post => "post",
            Delivery::Online => "online",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [Delivery::Counter, Delivery::Post, Delivery::Online]
            .into_iter()
            .find(|d| d.key() == key)
    }
}

/// Who the dossier is for, as given when it entered (an account may change
/// later; the dossier keeps what was declared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    /// The account that filed it, if any (a walk-in may have none).
    pub user: Option<UserId>,
    pub name: String,
    pub identity_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// How a new dossier gets its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeSource {
    /// Allocate the next code of this agency identifier on the entry date,
    /// in the format of the dossier's regime.
    Allocate { agency: code::AgencyId },
    /// Keep the code the national portal assigned.
    Upstream(DossierCode),
}

/// A file attached to a dossier; the bytes are in the blob store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAttachment {
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: Hash,
    pub blob_key: String,
    /// The form field it answers (a file field of the procedure's form),
    /// if any. Left out of the hashed document when absent, so events
    /// written before attachments named their field hash as they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An attachment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub dossier: DossierId,
    /// The event it came with.
    pub event_seq: u32,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: Hash,
    pub blob_key: String,
    /// The form field it answers, if any.
    pub field: Option<String>,
    pub added_by: Option<UserId>,
    pub added_at: DateTime<Utc>,
}

impl Attachment {
    /// What the hash chain records of it (see [`crate::hash`]).
    pub fn as_new(&self) -> NewAttachment {
        NewAttachment {
            file_name: self.file_name.clone(),
            media_type: self.media_type.clone(),
            size: self.size,
            sha256: self.sha256,
            blob_key: self.blob_key.clone(),
            field: self.field.clone(),
        }
    }
}

/// What a dossier is, fixed when it enters: the entry event's hash covers
/// it, so who may see the dossier (its agencies, its applicant) cannot be
/// changed without `verify` noticing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierHeader {
    pub code: DossierCode,
    pub procedure_code: String,
    pub procedure_version: NaiveDate,
    pub receiving_unit: AgencyId,
    pub deciding_agency: AgencyId,
    pub applicant: Applicant,
    pub delivery: Delivery,
    /// The tracking PIN's hash, in hex.
    pub pin_hash: Hash,
    /// The filled application form. Left out of the hashed document when
    /// empty, so entries written before dossiers carried a form hash as
    /// they did.
    #[serde(default, skip_serializing_if = "FormValues::is_empty")]
    pub form: FormValues,
}

/// A dossier to create: its entry event, what came with it, and the jobs
/// its entry causes — all written in one transaction.
#[derive(Debug, Clone)]
pub struct NewDossier {
    /// Chosen by the caller (a new [`DossierId`] normally), so a retried
    /// submission can be recognised.
    pub id: DossierId,
    pub code: CodeSource,
    pub procedure_code: String,
    pub procedure_version: NaiveDate,
    pub receiving_unit: AgencyId,
    pub deciding_agency: AgencyId,
    pub applicant: Applicant,
    pub delivery: Delivery,
    /// The hash of the tracking PIN issued at submission.
    pub pin_hash: TokenHash,
    /// The filled application form (checked by `domain::forms::fill`);
    /// its files are among `attachments`, each naming its field.
    pub form: FormValues,
    pub actor: Option<UserId>,
    /// The `Enter` event made by `domain::lifecycle::Dossier::enter`.
    pub entry: Event,
    pub attachments: Vec<NewAttachment>,
    pub jobs: Vec<NewJob>,
}

/// An event to append to a dossier's timeline, with what came with it.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub actor: Option<UserId>,
    /// Made by `domain::lifecycle::Dossier::decide` on the current state.
    pub event: Event,
    pub attachments: Vec<NewAttachment>,
    pub jobs: Vec<NewJob>,
}

/// A whole dossier to import: its entry and every later event, written as
/// [`Store::create_dossier`](crate::Store::create_dossier) and
/// [`Store::append_event`](crate::Store::append_event) would write them, one
/// after the other, with the same checks and hashes (the synthetic data
/// generator writes many in one transaction this way).
#[derive(Debug, Clone)]
pub struct ImportedDossier {
    pub new: NewDossier,
    /// In order; each must be allowed by the state the ones before lead to.
    pub events: Vec<NewEvent>,
}

/// The columns of a dossier row that repeat its state for queries (stage,
/// dates). `verify` checks them against a replay of the timeline too, so an
/// edit of either the columns or the stored state is caught.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateColumns {
    pub stage: Stage,
    pub channel: Channel,
    pub regime: RegimeKey,
    pub entered_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub due: Option<DateTime<Utc>>,
    pub original_due: Option<DateTime<Utc>>,
    pub paused_since: Option<DateTime<Utc>>,
    pub rescheduled_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The office still has something to do ([`Dossier::in_office`]).
    pub in_office: bool,
    /// The next deadline the office must meet ([`Dossier::work_due`]).
    pub work_due: Option<DateTime<Utc>>,
    /// The specialist it is assigned to (a user id as text).
    pub assignee: Option<String>,
}

impl StateColumns {
    /// The columns a state is stored with.
    pub fn of(state: &Dossier) -> Self {
        StateColumns {
            stage: state.stage,
            channel: state.channel,
            regime: state.regime,
            entered_at: state.entered_at,
            accepted_at: state.clock.accepted_at,
            due: state.clock.due,
            original_due: state.clock.original_due,
            paused_since: state.clock.paused_since,
            rescheduled_at: state.clock.rescheduled_at,
            decided_at: state.clock.decided_at,
            returned_at: state.clock.returned_at,
            ended_at: state.clock.ended_at,
            in_office: state.in_office(),
            work_due: state.work_due(),
            assignee: state.assignee.clone(),
        }
    }
}

/// A dossier as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierRecord {
    pub id: DossierId,
    pub code: DossierCode,
    pub procedure_code: String,
    pub procedure_version: NaiveDate,
    pub receiving_unit: AgencyId,
    pub deciding_agency: AgencyId,
    pub applicant: Applicant,
    pub delivery: Delivery,
    pub pin_hash: TokenHash,
    /// The filled application form, as the entry event recorded it.
    pub form: FormValues,
    /// The full state, as the last event left it.
    pub state: Dossier,
    /// The columns repeating it.
    pub columns: StateColumns,
    /// The hash of the last event.
    pub head_hash: Hash,
    pub event_count: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl DossierRecord {
    /// Its header, as the entry event recorded it.
    pub fn header(&self) -> DossierHeader {
        DossierHeader {
            code: self.code.clone(),
            procedure_code: self.procedure_code.clone(),
            procedure_version: self.procedure_version,
            receiving_unit: self.receiving_unit,
            deciding_agency: self.deciding_agency,
            applicant: self.applicant.clone(),
            delivery: self.delivery,
            pin_hash: self.pin_hash.0,
            form: self.form.clone(),
        }
    }
}

/// A dossier read whole, for walks over the whole record (`verify`): its
/// row, its timeline in order and its attachments in the order of
/// [`crate::Store::attachments`].
#[derive(Debug, Clone, PartialEq)]
pub struct WholeDossier {
    pub record: DossierRecord,
    pub events: Vec<EventRecord>,
    pub attachments: Vec<Attachment>,
}

impl WholeDossier {
    /// Puts together what an engine read by range: each record with the
    /// events and attachments of its dossier, keeping their order. Grouped
    /// by id rather than merged by position, so nothing depends on an
    /// engine sorting ids the way [`DossierId`] does.
    pub fn gather(
        records: Vec<DossierRecord>,
        events: Vec<EventRecord>,
        attachments: Vec<Attachment>,
    ) -> Vec<WholeDossier> {
        let mut events_of: HashMap<DossierId, Vec<EventRecord>> = HashMap::new();
        for e in events {
            events_of.entry(e.dossier).or_default().push(e);
        }
        let mut attachments_of: HashMap<DossierId, Vec<Attachment>> = HashMap::new();
        for a in attachments {
            attachments_of.entry(a.dossier).or_default().push(a);
        }
        records
            .into_iter()
            .map(|record| WholeDossier {
                events: events_of.remove(&record.id).unwrap_or_default(),
                attachments: attachments_of.remove(&record.id).unwrap_or_default(),
                record,
            })
            .collect()
    }
}

/// An event of a dossier's timeline, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub dossier: DossierId,
    /// 1 for the entry, then one more per event.
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    pub role: Role,
    pub action: ActionKind,
    /// The reason or summary the action carries, if any.
    pub reason: Option<String>,
    /// The domain event (action with its data, and its effect), decoded
    /// from `payload`.
    pub event: Event,
    /// The event document as stored and hashed: `{"event": …, "attachments":
    /// […]}`, with `"dossier": {header}` on the entry (see [`crate::hash`]).
    pub payload: serde_json::Value,
    /// The hash this event chains to: the one of the event before it.
    pub prev_hash: Hash,
    /// This event's hash. An engine may keep only the head and compute the
    /// others as it reads (SQLite does); either way the last must be the
    /// dossier's head hash.
    pub hash: Hash,
}

/// A document digitised with its data on a dossier (ND 118 Art. 19(2)),
/// as found again for its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedRecord {
    pub dossier: DossierId,
    pub code: DossierCode,
    /// The event that recorded it.
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub document: CapturedDocument,
}
