//! Dossiers and their timelines. A creation takes its code from the day's
//! counter row inside its own transaction (the row stays locked until the
//! commit, a rollback gives the number back); an append locks the dossier
//! row with `FOR UPDATE` and checks the event count the caller decided on.
//! What the rows contain is computed in `motcua_store::timeline`.

use chrono::{DateTime, Utc};
use motcua_domain::calendar;
use motcua_domain::code::DossierCode;
use motcua_domain::regime::{Regime, RegimeKey};
use motcua_domain::text::fold;
use motcua_store::hash::micros;
use motcua_store::timeline::{self, Prepared};
use motcua_store::{
    AgencyId, Attachment, AttachmentId, CodeSource, Delivery, DossierId, DossierRecord,
    EventRecord, ImportedDossier, NewAttachment, NewDossier, NewEvent, NewJob, Page, StateColumns,
    StoreError, StoreResult, TokenHash, UserId,
};
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::types::Json;
use uuid::Uuid;

use crate::convert::{
    count_u32, count_u64, db_err, get, get_hash, get_json, get_key, key, opt_ts, to_i32, to_i64, ts,
};
use crate::{jobs, portal};

pub(crate) const COLUMNS: &str = "id, code, procedure_code, procedure_version, receiving_unit, deciding_agency,
    applicant, delivery, pin_hash, stage, channel, regime_decree, regime_circular, regime_evaluation,
    entered_at, accepted_at, due_at, original_due_at, paused_since, rescheduled_at, decided_at,
    returned_at, ended_at, state, head_hash, event_count, created_at, updated_at, form, in_office,
    work_due_at, assignee";

pub(crate) fn from_row(row: &PgRow) -> StoreResult<DossierRecord> {
    let columns = StateColumns {
        stage: get_key(row, "stage")?,
        channel: get_key(row, "channel")?,
        regime: RegimeKey {
            decree: get_key(row, "regime_decree")?,
            circular: get_key(row, "regime_circular")?,
            evaluation: get_key(row, "regime_evaluation")?,
        },
        entered_at: get(row, "entered_at")?,
        accepted_at: get(row, "accepted_at")?,
        due: get(row, "due_at")?,
        original_due: get(row, "original_due_at")?,
        paused_since: get(row, "paused_since")?,
        rescheduled_at: get(row, "rescheduled_at")?,
        decided_at: get(row, "decided_at")?,
        returned_at: get(row, "returned_at")?,
        ended_at: get(row, "ended_at")?,
        in_office: get(row, "in_office")?,
        work_due: get(row, "work_due_at")?,
        assignee: get(row, "assignee")?,
    };
    let delivery: String = get(row, "delivery")?;
    Ok(DossierRecord {
        id: DossierId::from_uuid(get(row, "id")?),
        code: DossierCode::upstream(&get::<String>(row, "code")?)?,
        procedure_code: get(row, "procedure_code")?,
        procedure_version: get(row, "procedure_version")?,
        receiving_unit: AgencyId::from_uuid(get(row, "receiving_unit")?),
        deciding_agency: AgencyId::from_uuid(get(row, "deciding_agency")?),
        applicant: get_json(row, "applicant")?,
        delivery: Delivery::from_key(&delivery)
            .ok_or_else(|| StoreError::corrupt(format!("delivery {delivery}")))?,
        pin_hash: TokenHash(get_hash(row, "pin_hash")?),
        form: get_json(row, "form")?,
        state: get_json(row, "state")?,
        columns,
        head_hash: get_hash(row, "head_hash")?,
        event_count: count_u32(get(row, "event_count")?, "event count")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

pub(crate) fn event_from_row(row: &PgRow) -> StoreResult<EventRecord> {
    let payload: serde_json::Value = get_json(row, "payload")?;
    Ok(EventRecord {
        dossier: DossierId::from_uuid(get(row, "dossier_id")?),
        seq: count_u32(get(row, "seq")?, "sequence")?,
        at: get(row, "at")?,
        actor: get::<Option<Uuid>>(row, "actor")?.map(UserId::from_uuid),
        role: get_key(row, "role")?,
        action: get_key(row, "action")?,
        reason: get(row, "reason")?,
        // `jsonb` keeps the document's values but not its key order or
        // spacing; the hash is over its canonical JSON, which is the same.
        event: timeline::event_of(&payload)?,
        payload,
        prev_hash: get_hash(row, "prev_hash")?,
        hash: get_hash(row, "hash")?,
    })
}

pub(crate) fn attachment_from_row(row: &PgRow) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: AttachmentId::from_uuid(get(row, "id")?),
        dossier: DossierId::from_uuid(get(row, "dossier_id")?),
        event_seq: count_u32(get(row, "event_seq")?, "sequence")?,
        file_name: get(row, "file_name")?,
        media_type: get(row, "media_type")?,
        size: count_u64(get(row, "size")?, "size")?,
        sha256: get_hash(row, "sha256")?,
        blob_key: get(row, "blob_key")?,
        field: get(row, "field")?,
        added_by: get::<Option<Uuid>>(row, "added_by")?.map(UserId::from_uuid),
        added_at: get(row, "added_at")?,
    })
}

/// The applicant as stored: NFC, blanks dropped.
/// Allocates the next sequence of `agency` on `day` in the caller's
/// transaction. The upsert locks the counter row until that transaction
/// ends: a concurrent creation for the same agency and day waits, then
/// counts on from the committed value — or from the old one, if this
/// transaction rolled back — so codes have neither duplicates nor gaps.
async fn next_sequence(
    conn: &mut PgConnection,
    agency: &str,
    day: chrono::NaiveDate,
) -> StoreResult<u32> {
    let last: i32 = sqlx::query_scalar(
        "INSERT INTO code_sequences (agency_identifier, day, last) VALUES ($1, $2, 1)
         ON CONFLICT (agency_identifier, day) DO UPDATE SET last = code_sequences.last + 1
         RETURNING last",
    )
    .bind(agency)
    .bind(day)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)?;
    count_u32(last, "code sequence")
}

/// Moves the counter of `agency` on `day` to at least `seq` (an upstream
/// code took that number).
async fn skip_sequence(
    conn: &mut PgConnection,
    agency: &str,
    day: chrono::NaiveDate,
    seq: u32,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO code_sequences (agency_identifier, day, last) VALUES ($1, $2, $3)
         ON CONFLICT (agency_identifier, day) DO UPDATE
         SET last = GREATEST(code_sequences.last, excluded.last)",
    )
    .bind(agency)
    .bind(day)
    .bind(to_i32(seq, "code sequence")?)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn insert_event(conn: &mut PgConnection, p: &Prepared) -> StoreResult<()> {
    let e = &p.event;
    sqlx::query(
        "INSERT INTO dossier_events (dossier_id, seq, at, actor, role, action, reason, payload, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(e.dossier.uuid())
    .bind(to_i32(e.seq, "event")?)
    .bind(ts(e.at))
    .bind(e.actor.map(UserId::uuid))
    .bind(e.role.key())
    .bind(e.action.key())
    .bind(&e.reason)
    .bind(&e.payload)
    .bind(e.prev_hash.as_bytes().as_slice())
    .bind(e.hash.as_bytes().as_slice())
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn insert_attachments(
    conn: &mut PgConnection,
    dossier: DossierId,
    seq: u32,
    actor: Option<UserId>,
    at: DateTime<Utc>,
    attachments: &[NewAttachment],
) -> StoreResult<()> {
    for a in attachments {
        sqlx::query(
            "INSERT INTO attachments (id, dossier_id, event_seq, file_name, media_type, size, sha256, blob_key, field,
                added_by, added_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(AttachmentId::new().uuid())
        .bind(dossier.uuid())
        .bind(to_i32(seq, "event")?)
        .bind(&a.file_name)
        .bind(&a.media_type)
        .bind(to_i64(a.size)?)
        .bind(a.sha256.as_bytes().as_slice())
        .bind(&a.blob_key)
        .bind(&a.field)
        .bind(actor.map(UserId::uuid))
        .bind(ts(at))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

async fn insert_jobs(conn: &mut PgConnection, new: &[NewJob]) -> StoreResult<()> {
    for job in new {
        jobs::insert(&mut *conn, job).await?;
    }
    Ok(())
}

/// Writes an event with its attachments and, when it hands the dossier to
/// other agencies for a step, their right to see it and which of them still
/// owe a step; when it digitises a document, the document under its holder.
async fn insert_prepared(conn: &mut PgConnection, p: &Prepared) -> StoreResult<()> {
    insert_event(&mut *conn, p).await?;
    let e = &p.event;
    insert_attachments(&mut *conn, e.dossier, e.seq, e.actor, e.at, &p.attachments).await?;
    for agency in timeline::step_agencies(&e.event) {
        // An identifier no agency here has (an agency outside the province)
        // adds no one.
        sqlx::query(
            "INSERT INTO dossier_agencies (dossier_id, agency_id)
             SELECT $1, id FROM agencies WHERE identifier = $2
             ON CONFLICT DO NOTHING",
        )
        .bind(e.dossier.uuid())
        .bind(agency)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    if let Some(owing) = timeline::owing_agencies(&e.event, &p.state) {
        sqlx::query(
            "UPDATE dossier_agencies SET owes = agency_id IN
                 (SELECT id FROM agencies WHERE identifier = ANY($2))
             WHERE dossier_id = $1",
        )
        .bind(e.dossier.uuid())
        .bind(owing)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    if let Some(moved) = timeline::moved(&e.event)? {
        sqlx::query(
            "UPDATE dossiers SET receiving_unit = COALESCE($2, receiving_unit),
                 deciding_agency = COALESCE($3, deciding_agency)
             WHERE id = $1",
        )
        .bind(e.dossier.uuid())
        .bind(moved.receiving_unit.map(AgencyId::uuid))
        .bind(moved.deciding_agency.map(AgencyId::uuid))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    if let Some(document) = timeline::captured_document(&e.event) {
        sqlx::query(
            "INSERT INTO captured_documents (dossier_id, event_seq, holder_identity, captured_at, document)
             SELECT id, $2, applicant_identity, $3, $4 FROM dossiers WHERE id = $1",
        )
        .bind(e.dossier.uuid())
        .bind(to_i32(e.seq, "event")?)
        .bind(ts(e.at))
        .bind(Json(document))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// Allocates a new dossier's code and writes it with its entry and the
/// `later` events, in the caller's transaction.
async fn insert_new(
    conn: &mut PgConnection,
    new: NewDossier,
    later: Vec<NewEvent>,
) -> StoreResult<DossierRecord> {
    let (entry, state) = timeline::entry_state(new.entry.clone())?;
    let entered_at = state.entered_at;
    let now = micros(Utc::now());
    // A draft saved under this id waits for this creation, then finds the
    // dossier (taken before the code counter's row lock, which a draft
    // save never takes: no two transactions wait on each other in turn).
    portal::lock_id(&mut *conn, new.id).await?;
    let code = match &new.code {
        CodeSource::Allocate { agency } => {
            let format = Regime::of(state.regime).circular.code;
            let local_day = calendar::to_local(entered_at).date();
            let seq = next_sequence(&mut *conn, agency.as_str(), local_day).await?;
            DossierCode::issue(agency, entered_at, seq, format)?
        }
        CodeSource::Upstream(code) => {
            // A code from upstream in a form we also allocate: our counter for
            // that agency and day moves past it, so ours never collide.
            if let Some(parts) = code.parts() {
                skip_sequence(&mut *conn, parts.agency, parts.date, parts.sequence).await?;
            }
            code.clone()
        }
    };
    let header = timeline::header_of(&new, code)?;
    let jobs = timeline::jobs_of(&new, &later);
    let written = timeline::prepare_dossier(&new, (entry, state), header, later, now)?;
    let record = written.record;
    let c = &record.columns;
    sqlx::query(
        "INSERT INTO dossiers (id, code, procedure_code, procedure_version, receiving_unit, deciding_agency,
            applicant_user, applicant, applicant_name_folded, delivery, pin_hash, stage, national_status, channel,
            regime_decree, regime_circular, regime_evaluation, entered_at, accepted_at, due_at, original_due_at,
            paused_since, rescheduled_at, decided_at, returned_at, ended_at, state, head_hash, event_count,
            created_at, updated_at, form, in_office, work_due_at, assignee, applicant_identity)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
            $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36)",
    )
    .bind(record.id.uuid())
    .bind(record.code.as_str())
    .bind(&record.procedure_code)
    .bind(record.procedure_version)
    .bind(record.receiving_unit.uuid())
    .bind(record.deciding_agency.uuid())
    .bind(record.applicant.user.map(UserId::uuid))
    .bind(Json(&record.applicant))
    .bind(fold(&record.applicant.name))
    .bind(record.delivery.key())
    .bind(record.pin_hash.0.as_bytes().as_slice())
    .bind(key(&c.stage)?)
    .bind(i16::from(c.stage.national_status() as u8))
    .bind(key(&c.channel)?)
    .bind(key(&c.regime.decree)?)
    .bind(key(&c.regime.circular)?)
    .bind(key(&c.regime.evaluation)?)
    .bind(ts(c.entered_at))
    .bind(opt_ts(c.accepted_at))
    .bind(opt_ts(c.due))
    .bind(opt_ts(c.original_due))
    .bind(opt_ts(c.paused_since))
    .bind(opt_ts(c.rescheduled_at))
    .bind(opt_ts(c.decided_at))
    .bind(opt_ts(c.returned_at))
    .bind(opt_ts(c.ended_at))
    .bind(Json(&record.state))
    .bind(record.head_hash.as_bytes().as_slice())
    .bind(to_i32(record.event_count, "event")?)
    .bind(now)
    .bind(now)
    .bind(Json(&record.form))
    .bind(c.in_office)
    .bind(opt_ts(c.work_due))
    .bind(&c.assignee)
    .bind(&record.applicant.identity_number)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    for prepared in &written.events {
        insert_prepared(&mut *conn, prepared).await?;
    }
    insert_jobs(&mut *conn, &jobs).await?;
    Ok(record)
}

pub(crate) async fn create(pool: &PgPool, new: NewDossier) -> StoreResult<DossierRecord> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let record = insert_new(&mut tx, new, Vec::new()).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(record)
}

pub(crate) async fn import(pool: &PgPool, batch: Vec<ImportedDossier>) -> StoreResult<usize> {
    let count = batch.len();
    let mut tx = pool.begin().await.map_err(db_err)?;
    for dossier in batch {
        insert_new(&mut tx, dossier.new, dossier.events).await?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(count)
}

/// The dossier row, locked until the end of the caller's transaction.
async fn load_for_update(
    conn: &mut PgConnection,
    id: DossierId,
) -> StoreResult<Option<DossierRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM dossiers WHERE id = $1 FOR UPDATE");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn append(
    pool: &PgPool,
    id: DossierId,
    expected: u32,
    new: NewEvent,
) -> StoreResult<DossierRecord> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let current = load_current(&mut tx, id).await?;
    if current.event_count != expected {
        return Err(StoreError::conflict(format!(
            "dossier {} changed: it has {} events, not {expected}",
            current.code, current.event_count
        )));
    }
    let prepared = timeline::prepare_append(&current, new.actor, new.event, &new.attachments)?;
    let record = write_appended(&mut tx, current, prepared, &new.jobs).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(record)
}

/// Loads a dossier, locked, inside a transaction that writes to it.
pub(crate) async fn load_current(
    conn: &mut PgConnection,
    id: DossierId,
) -> StoreResult<DossierRecord> {
    load_for_update(conn, id)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("dossier {id}")))
}

/// Writes a prepared event of `current` (its row, attachments and the new
/// state) and the jobs it causes, inside the caller's transaction; returns
/// the dossier as it is once committed.
pub(crate) async fn write_appended(
    conn: &mut PgConnection,
    current: DossierRecord,
    prepared: Prepared,
    jobs: &[NewJob],
) -> StoreResult<DossierRecord> {
    let id = current.id;
    let now = micros(Utc::now());
    insert_prepared(&mut *conn, &prepared).await?;
    let c = &prepared.columns;
    sqlx::query(
        "UPDATE dossiers SET stage = $2, national_status = $3, accepted_at = $4, due_at = $5, original_due_at = $6,
            paused_since = $7, rescheduled_at = $8, decided_at = $9, returned_at = $10, ended_at = $11,
            state = $12, head_hash = $13, event_count = $14, updated_at = $15, in_office = $16,
            work_due_at = $17, assignee = $18
         WHERE id = $1",
    )
    .bind(id.uuid())
    .bind(key(&c.stage)?)
    .bind(i16::from(c.stage.national_status() as u8))
    .bind(opt_ts(c.accepted_at))
    .bind(opt_ts(c.due))
    .bind(opt_ts(c.original_due))
    .bind(opt_ts(c.paused_since))
    .bind(opt_ts(c.rescheduled_at))
    .bind(opt_ts(c.decided_at))
    .bind(opt_ts(c.returned_at))
    .bind(opt_ts(c.ended_at))
    .bind(Json(&prepared.state))
    .bind(prepared.event.hash.as_bytes().as_slice())
    .bind(to_i32(prepared.event.seq, "event")?)
    .bind(now)
    .bind(c.in_office)
    .bind(opt_ts(c.work_due))
    .bind(&c.assignee)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    insert_jobs(&mut *conn, jobs).await?;
    let (receiving_unit, deciding_agency) = timeline::seat_after(&current, &prepared.event.event)?;
    Ok(DossierRecord {
        receiving_unit,
        deciding_agency,
        state: prepared.state,
        columns: prepared.columns,
        head_hash: prepared.event.hash,
        event_count: prepared.event.seq,
        updated_at: now,
        ..current
    })
}

pub(crate) async fn get_one(pool: &PgPool, id: DossierId) -> StoreResult<Option<DossierRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM dossiers WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.uuid())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn by_code(pool: &PgPool, code: &str) -> StoreResult<Option<DossierRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM dossiers WHERE code = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code.trim())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn events(pool: &PgPool, id: DossierId) -> StoreResult<Vec<EventRecord>> {
    sqlx::query(
        "SELECT dossier_id, seq, at, actor, role, action, reason, payload, prev_hash, hash
         FROM dossier_events WHERE dossier_id = $1 ORDER BY seq",
    )
    .bind(id.uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?
    .iter()
    .map(event_from_row)
    .collect()
}

pub(crate) const ATTACHMENT_COLUMNS: &str =
    "id, dossier_id, event_seq, file_name, media_type, size, sha256, blob_key, field,
    added_by, added_at";

pub(crate) async fn attachments(pool: &PgPool, id: DossierId) -> StoreResult<Vec<Attachment>> {
    let sql = format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE dossier_id = $1 ORDER BY event_seq, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.uuid())
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(attachment_from_row)
        .collect()
}

pub(crate) async fn all_attachments(
    pool: &PgPool,
    page: Page<AttachmentId>,
) -> StoreResult<Vec<Attachment>> {
    let sql = format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM attachments
         WHERE id > $1 ORDER BY id LIMIT $2"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(page.after.map_or(Uuid::nil(), AttachmentId::uuid))
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(attachment_from_row)
        .collect()
}

/// Dossiers that `agency` receives or decides, in `stages` (any stage when
/// empty), newest first (ids are UUID v7, ordered by creation).
/// The dossiers `user` filed, newest first (ids are UUID v7, ordered by
/// creation).
pub(crate) async fn of_applicant(
    pool: &PgPool,
    user: UserId,
    page: Page<DossierId>,
) -> StoreResult<Vec<DossierRecord>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM dossiers
         WHERE applicant_user = $1 AND id < $2
         ORDER BY id DESC LIMIT $3"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.uuid())
        .bind(page.after.map_or(Uuid::max(), DossierId::uuid))
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

/// The first page starts at `from` with the nil id, which every id sorts
/// after, so the row-value bound is never NULL and stays an index range on
/// `dossiers_by_entry`.
pub(crate) async fn received_between(
    pool: &PgPool,
    unit: AgencyId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    page: Page<(DateTime<Utc>, DossierId)>,
) -> StoreResult<Vec<DossierRecord>> {
    let (after_at, after_id) = match page.after {
        Some((at, id)) => (at, id.uuid()),
        None => (from, Uuid::nil()),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM dossiers
         WHERE receiving_unit = $1 AND entered_at >= $2 AND entered_at < $3
           AND (entered_at, id) > ($4, $5)
         ORDER BY entered_at, id LIMIT $6"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(unit.uuid())
        .bind(from)
        .bind(to)
        .bind(after_at)
        .bind(after_id)
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

/// The first page starts after the nil id (no dossier has it), so the
/// bound is never NULL: `($1 IS NULL OR id > $1)` cannot be planned as an
/// index seek once PostgreSQL settles on a generic plan for the statement.
pub(crate) async fn ids(pool: &PgPool, page: Page<DossierId>) -> StoreResult<Vec<DossierId>> {
    let rows: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(page.after.map_or(Uuid::nil(), DossierId::uuid))
            .bind(i64::from(page.limit))
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
    Ok(rows.into_iter().map(DossierId::from_uuid).collect())
}
