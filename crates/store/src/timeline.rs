//! A dossier's timeline, engine-independent: what a new or appended event
//! writes (state, columns, hash), and how a stored timeline is checked.
//!
//! The engines only move rows; every rule about what a row must contain is
//! here, so SQLite and PostgreSQL write and verify the same bytes.

use chrono::{DateTime, Utc};
use motcua_domain::code::DossierCode;
use motcua_domain::lifecycle::{Action, ActionKind, CapturedDocument, Dossier, Event};
use serde_json::Value;

use crate::error::{StoreError, StoreResult};
use crate::hash::{EventFields, Hash, event_hash, micros};
use crate::ids::{AgencyId, DossierId, UserId};
use crate::model::{
    Attachment, DossierHeader, DossierRecord, EventRecord, NewAttachment, NewDossier, NewEvent,
    NewJob, StateColumns,
};

/// An event ready to be written with the dossier state it leads to.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The event row, its document in `payload`.
    pub event: EventRecord,
    /// The attachments to insert with it, as the document records them
    /// (names in NFC, trimmed).
    pub attachments: Vec<NewAttachment>,
    pub state: Dossier,
    pub columns: StateColumns,
}

/// Every instant of an event truncated to microseconds, as both engines
/// store them (so a replay rebuilds the stored state exactly).
pub fn normalize(mut event: Event) -> Event {
    let m = |t: &mut DateTime<Utc>| *t = micros(*t);
    let mo = |t: &mut Option<DateTime<Utc>>| {
        if let Some(t) = t {
            *t = micros(*t);
        }
    };
    m(&mut event.at);
    mo(&mut event.effect.original_due);
    mo(&mut event.effect.due);
    mo(&mut event.effect.deadline);
    if let Action::Apologize { new_due, .. } = &mut event.action {
        m(new_due);
    }
    event
}

/// Attachments as stored: file names and fields in NFC, trimmed (a blank
/// field is none).
fn clean(attachments: &[NewAttachment]) -> Vec<NewAttachment> {
    attachments
        .iter()
        .map(|a| NewAttachment {
            file_name: motcua_domain::text::nfc(a.file_name.trim()).into_owned(),
            media_type: a.media_type.trim().to_ascii_lowercase(),
            field: a
                .field
                .as_deref()
                .map(|f| motcua_domain::text::nfc(f.trim()).into_owned())
                .filter(|f| !f.is_empty()),
            ..a.clone()
        })
        .collect()
}

/// The event document: what the payload column holds and the hash covers.
pub fn document(
    event: &Event,
    header: Option<&DossierHeader>,
    attachments: &[NewAttachment],
) -> StoreResult<Value> {
    let encode = |what: &str, e: serde_json::Error| {
        StoreError::invalid(format!("{what} cannot be encoded: {e}"))
    };
    let mut doc = serde_json::Map::new();
    doc.insert(
        "event".into(),
        serde_json::to_value(event).map_err(|e| encode("event", e))?,
    );
    doc.insert(
        "attachments".into(),
        serde_json::to_value(attachments).map_err(|e| encode("attachments", e))?,
    );
    if let Some(header) = header {
        doc.insert(
            "dossier".into(),
            serde_json::to_value(header).map_err(|e| encode("dossier", e))?,
        );
    }
    let doc = Value::Object(doc);
    // Neither engine stores a NUL (PostgreSQL cannot): refused alike.
    crate::error::refuse_nul_json(&doc)?;
    Ok(doc)
}

fn record(
    dossier: DossierId,
    seq: u32,
    actor: Option<UserId>,
    event: Event,
    payload: Value,
    prev: Hash,
) -> EventRecord {
    let reason = event.action.text().map(str::to_owned);
    let hash = event_hash(&EventFields {
        dossier: dossier.uuid(),
        seq,
        at: event.at,
        actor: actor.map(UserId::uuid),
        role: event.role.key(),
        action: event.action.kind().key(),
        reason: reason.as_deref(),
        payload: &payload,
        prev: &prev,
    });
    EventRecord {
        dossier,
        seq,
        at: event.at,
        actor,
        role: event.role,
        action: event.action.kind(),
        reason,
        event,
        payload,
        prev_hash: prev,
        hash,
    }
}

/// The entry event, normalised, and the state it creates: what an engine
/// needs (the entry instant, the regime) to allocate the dossier's code.
pub fn entry_state(entry: Event) -> StoreResult<(Event, Dossier)> {
    let entry = normalize(entry);
    if entry.action.kind() != ActionKind::Enter {
        return Err(StoreError::invalid(
            "a dossier's first event must be its entry",
        ));
    }
    let state = Dossier::replay(std::slice::from_ref(&entry))?;
    Ok((entry, state))
}

/// The first event of a new dossier, from [`entry_state`]'s result, the
/// dossier's header (its code allocated) and the attachments that came with
/// it.
pub fn prepare_entry(
    dossier: DossierId,
    actor: Option<UserId>,
    (entry, state): (Event, Dossier),
    header: &DossierHeader,
    attachments: &[NewAttachment],
) -> StoreResult<Prepared> {
    let attachments = clean(attachments);
    let payload = document(&entry, Some(header), &attachments)?;
    Ok(Prepared {
        columns: StateColumns::of(&state),
        event: record(dossier, 1, actor, entry, payload, Hash::GENESIS),
        attachments,
        state,
    })
}

/// An event appended to a stored dossier. The new state is computed here
/// from the stored one — never taken from the caller — and the event must be
/// one the stored state allows (the same checks a replay makes).
pub fn prepare_append(
    current: &DossierRecord,
    actor: Option<UserId>,
    event: Event,
    attachments: &[NewAttachment],
) -> StoreResult<Prepared> {
    let event = normalize(event);
    // Re-check the event against the state it is appended to: the caller's
    // decision may have been made on a state that has since changed.
    let mut state = current.state.clone();
    state.replay_onto(std::slice::from_ref(&event))?;
    let seq = current
        .event_count
        .checked_add(1)
        .ok_or_else(|| StoreError::invalid("too many events"))?;
    let attachments = clean(attachments);
    let payload = document(&event, None, &attachments)?;
    Ok(Prepared {
        columns: StateColumns::of(&state),
        event: record(current.id, seq, actor, event, payload, current.head_hash),
        attachments,
        state,
    })
}

/// The money event `action` ([`Action::FeePaid`], [`Action::FeeRefunded`])
/// decided on the stored state at `at` and prepared to be appended: the
/// engines call this inside the transaction that moves the money, so the
/// event is on the timeline exactly when the money is in the record.
pub fn prepare_money(
    current: &DossierRecord,
    action: Action,
    at: DateTime<Utc>,
) -> StoreResult<Prepared> {
    // Never before the last event (another node's clock may run ahead).
    let at = micros(at).max(current.state.last_event_at);
    let event = current.state.record_money(action, at)?;
    prepare_append(current, None, event, &[])
}

/// A new dossier ready to be written: its row and every event, in order.
#[derive(Debug, Clone)]
pub struct NewTimeline {
    pub record: DossierRecord,
    pub events: Vec<Prepared>,
}

/// A new dossier with its entry (from [`entry_state`], the code allocated
/// into `header`) and the events that follow it, each prepared as
/// [`prepare_append`] prepares an event appended to the stored dossier: the
/// same checks, the same chain. The row is the state after the last one.
pub fn prepare_dossier(
    new: &NewDossier,
    entry: (Event, Dossier),
    header: DossierHeader,
    later: Vec<NewEvent>,
    now: DateTime<Utc>,
) -> StoreResult<NewTimeline> {
    let first = prepare_entry(new.id, new.actor, entry, &header, &new.attachments)?;
    let mut record = DossierRecord {
        id: new.id,
        code: header.code,
        procedure_code: header.procedure_code,
        procedure_version: header.procedure_version,
        receiving_unit: header.receiving_unit,
        deciding_agency: header.deciding_agency,
        applicant: header.applicant,
        delivery: header.delivery,
        pin_hash: new.pin_hash,
        form: header.form,
        state: first.state.clone(),
        columns: first.columns.clone(),
        head_hash: first.event.hash,
        event_count: 1,
        created_at: now,
        updated_at: now,
    };
    let mut events = Vec::with_capacity(later.len() + 1);
    events.push(first);
    for next in later {
        let prepared = prepare_append(&record, next.actor, next.event, &next.attachments)?;
        record.state = prepared.state.clone();
        record.columns = prepared.columns.clone();
        record.head_hash = prepared.event.hash;
        record.event_count = prepared.event.seq;
        events.push(prepared);
    }
    Ok(NewTimeline { record, events })
}

/// What a new dossier's entry records about it: `new` with its code
/// allocated, its applicant and form as stored.
pub fn header_of(new: &NewDossier, code: DossierCode) -> StoreResult<DossierHeader> {
    Ok(DossierHeader {
        code,
        procedure_code: new.procedure_code.clone(),
        procedure_version: new.procedure_version,
        receiving_unit: new.receiving_unit,
        deciding_agency: new.deciding_agency,
        applicant: crate::clean::applicant(new.applicant.clone()),
        delivery: new.delivery,
        pin_hash: new.pin_hash.0,
        form: crate::clean::form(&new.form)?,
    })
}

/// The jobs a new dossier and the events imported with it bring.
pub fn jobs_of(new: &NewDossier, later: &[NewEvent]) -> Vec<NewJob> {
    new.jobs
        .iter()
        .chain(later.iter().flat_map(|e| e.jobs.iter()))
        .cloned()
        .collect()
}

/// The identifiers of the agencies an event hands the dossier to for a
/// step, or moves a step to after a merger: they may see the dossier from
/// then on.
pub fn step_agencies(event: &Event) -> impl Iterator<Item = &str> {
    let (steps, moved) = match &event.action {
        Action::SendToAgency(handover) => (handover.steps.as_slice(), None),
        Action::Transfer { step, .. } => (&[][..], step.as_ref()),
        _ => (&[][..], None),
    };
    steps
        .iter()
        .map(|s| s.agency.as_str())
        .chain(moved.map(|m| m.into.as_str()))
        .map(str::trim)
}

/// After an event that opens, answers or moves a step, the identifiers of
/// the agencies that still owe `state` one: the dossier is in their queue
/// while they do. `None` for an event that leaves the steps as they were.
pub fn owing_agencies<'a>(event: &Event, state: &'a Dossier) -> Option<Vec<&'a str>> {
    let changes = matches!(
        &event.action,
        Action::SendToAgency(_)
            | Action::ReturnFromAgency { .. }
            | Action::Transfer { step: Some(_), .. }
    );
    changes.then(|| state.open_steps.iter().map(|s| s.agency.as_str()).collect())
}

/// Where an event moves the dossier after a reorganisation: its new
/// receiving unit and deciding agency (either may stay).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub receiving_unit: Option<AgencyId>,
    pub deciding_agency: Option<AgencyId>,
}

/// The move an event records, if it is a transfer.
pub fn moved(event: &Event) -> StoreResult<Option<Moved>> {
    let Action::Transfer {
        receiving_unit,
        deciding_agency,
        ..
    } = &event.action
    else {
        return Ok(None);
    };
    let id = |text: &Option<String>| {
        text.as_deref()
            .map(|t| {
                t.parse::<AgencyId>()
                    .map_err(|_| StoreError::corrupt(format!("transfer to agency {t}")))
            })
            .transpose()
    };
    Ok(Some(Moved {
        receiving_unit: id(receiving_unit)?,
        deciding_agency: id(deciding_agency)?,
    }))
}

impl Moved {
    /// Moves a receiving unit and deciding agency as the transfer says.
    pub fn apply_to(self, receiving: &mut AgencyId, deciding: &mut AgencyId) {
        if let Some(r) = self.receiving_unit {
            *receiving = r;
        }
        if let Some(d) = self.deciding_agency {
            *deciding = d;
        }
    }
}

/// The receiving unit and deciding agency of `current` once `event` is
/// appended (a transfer moves them).
pub fn seat_after(current: &DossierRecord, event: &Event) -> StoreResult<(AgencyId, AgencyId)> {
    let mut seat = (current.receiving_unit, current.deciding_agency);
    if let Some(m) = moved(event)? {
        m.apply_to(&mut seat.0, &mut seat.1);
    }
    Ok(seat)
}

/// The document an event digitises, if it does.
pub fn captured_document(event: &Event) -> Option<&CapturedDocument> {
    match &event.action {
        Action::CaptureData(document) => Some(document),
        _ => None,
    }
}

/// What is wrong with a stored dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Defect {
    /// Sequence numbers are not 1, 2, 3, … (an event deleted, inserted or
    /// moved).
    Sequence { expected: u32, found: u32 },
    /// An event's `prev_hash` is not the previous event's hash.
    BrokenLink { seq: u32 },
    /// An event's hash does not match its content (edited).
    BadHash { seq: u32 },
    /// The row's head hash is not the last event's hash.
    Head,
    /// The row's event count is not the number of events.
    Count { row: u32, events: u32 },
    /// The events cannot be replayed (out of order, illegal, not decodable).
    Replay(String),
    /// The stored state is not what the events lead to.
    State,
    /// The state columns are not what the events lead to.
    Columns,
    /// The dossier's code, agencies, applicant, delivery, PIN or form are
    /// not what its entry event recorded.
    Header,
    /// The attachments recorded with an event are not those in the table.
    Attachments { seq: u32 },
    /// The stored rows cannot be read at all.
    Unreadable(String),
}

impl std::fmt::Display for Defect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Defect::Sequence { expected, found } => {
                write!(f, "event {found} where event {expected} should be")
            }
            Defect::BrokenLink { seq } => write!(f, "event {seq} does not chain to the one before"),
            Defect::BadHash { seq } => write!(f, "event {seq} does not match its hash"),
            Defect::Head => f.write_str("the head hash is not the last event's"),
            Defect::Count { row, events } => {
                write!(f, "the row counts {row} events, the timeline has {events}")
            }
            Defect::Replay(e) => write!(f, "the events cannot be replayed: {e}"),
            Defect::State => f.write_str("the stored state is not what the events lead to"),
            Defect::Columns => f.write_str("the state columns are not what the events lead to"),
            Defect::Header => f.write_str("the dossier's identity is not what its entry recorded"),
            Defect::Attachments { seq } => {
                write!(f, "the attachments of event {seq} are not those recorded")
            }
            Defect::Unreadable(e) => write!(f, "its rows cannot be read: {e}"),
        }
    }
}

/// Whether the header recorded at entry, moved by every later transfer, is
/// the stored row's.
fn entry_header_matches(
    record: &DossierRecord,
    events: &[EventRecord],
    recorded: Option<&Value>,
) -> bool {
    let Some(recorded) = recorded else {
        return false;
    };
    let Ok(mut header) = serde_json::from_value::<DossierHeader>(recorded.clone()) else {
        return false;
    };
    // The recorded document itself must be what the header encodes.
    if serde_json::to_value(&header).ok().as_ref() != Some(recorded) {
        return false;
    }
    for e in events {
        match moved(&e.event) {
            Ok(Some(m)) => m.apply_to(&mut header.receiving_unit, &mut header.deciding_agency),
            Ok(None) => {}
            Err(_) => return false,
        }
    }
    header == record.header()
}

/// Checks one stored dossier against its timeline: every hash and link, the
/// head and the count, its identity and attachments against what the events
/// recorded, and a replay that must rebuild the stored state and columns
/// exactly.
pub fn check(
    record: &DossierRecord,
    events: &[EventRecord],
    attachments: &[Attachment],
) -> Vec<Defect> {
    let mut defects = Vec::new();
    let mut prev = Hash::GENESIS;
    for (i, e) in events.iter().enumerate() {
        let expected = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if e.seq != expected {
            defects.push(Defect::Sequence {
                expected,
                found: e.seq,
            });
        }
        if e.prev_hash != prev {
            defects.push(Defect::BrokenLink { seq: e.seq });
        }
        let recomputed = event_hash(&EventFields {
            dossier: record.id.uuid(),
            seq: e.seq,
            at: e.at,
            actor: e.actor.map(UserId::uuid),
            role: e.role.key(),
            action: e.action.key(),
            reason: e.reason.as_deref(),
            payload: &e.payload,
            prev: &e.prev_hash,
        });
        let consistent = e.at == e.event.at
            && e.role == e.event.role
            && e.action == e.event.action.kind()
            && e.reason.as_deref() == e.event.action.text();
        if recomputed != e.hash || !consistent {
            defects.push(Defect::BadHash { seq: e.seq });
        }
        if e.seq == 1 && !entry_header_matches(record, events, e.payload.get("dossier")) {
            defects.push(Defect::Header);
        }
        let mut stored: Vec<Value> = attachments
            .iter()
            .filter(|a| a.event_seq == e.seq)
            .filter_map(|a| serde_json::to_value(a.as_new()).ok())
            .collect();
        let mut recorded: Vec<Value> = e
            .payload
            .get("attachments")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let order = |v: &Value| crate::hash::canonical_json(v);
        stored.sort_by_key(order);
        recorded.sort_by_key(order);
        if stored != recorded {
            defects.push(Defect::Attachments { seq: e.seq });
        }
        prev = e.hash;
    }
    let seqs: Vec<u32> = events.iter().map(|e| e.seq).collect();
    if attachments.iter().any(|a| !seqs.contains(&a.event_seq)) {
        defects.push(Defect::Attachments { seq: 0 });
    }
    if record.head_hash != prev {
        defects.push(Defect::Head);
    }
    let count = u32::try_from(events.len()).unwrap_or(u32::MAX);
    if record.event_count != count {
        defects.push(Defect::Count {
            row: record.event_count,
            events: count,
        });
    }
    let domain_events: Vec<Event> = events.iter().map(|e| e.event.clone()).collect();
    match Dossier::replay(&domain_events) {
        Ok(state) => {
            if state != record.state {
                defects.push(Defect::State);
            }
            if StateColumns::of(&state) != record.columns {
                defects.push(Defect::Columns);
            }
        }
        Err(e) => defects.push(Defect::Replay(e.to_string())),
    }
    defects
}

/// Decodes the domain event of a stored event document.
pub fn event_of(payload: &Value) -> StoreResult<Event> {
    let event = payload
        .get("event")
        .ok_or_else(|| StoreError::corrupt("an event document without its event"))?;
    serde_json::from_value(event.clone()).map_err(|e| StoreError::corrupt(format!("event: {e}")))
}
