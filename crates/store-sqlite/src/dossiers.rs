//! Dossiers and their timelines. Every change is one `BEGIN IMMEDIATE`
//! transaction: SQLite then has a single writer, so reading the current
//! state and writing the next one cannot interleave with another writer.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use motcua_domain::calendar;
use motcua_domain::code::DossierCode;
use motcua_domain::forms::FormValues;
use motcua_domain::lifecycle::Dossier;
use motcua_domain::regime::Regime;
use motcua_domain::text::fold;
use motcua_store::hash::micros;
use motcua_store::timeline::{self, Prepared};
use motcua_store::{
    Applicant, Attachment, AttachmentId, CodeSource, Delivery, DossierId, DossierRecord,
    EventRecord, ImportedDossier, NewAttachment, NewDossier, NewEvent, NewJob, Page, StateColumns,
    StoreError, StoreResult, TokenHash,
};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Row, SqliteConnection};

use crate::convert::{
    count_u32, count_u64, day, db_err, from_day, from_key, from_us, hash, id_after, id_before, key,
    opt_from_us, opt_parse, opt_us, parse, to_i64, us,
};
use crate::{jobs, packed, timelines};

pub(crate) const COLUMNS: &str =
    "id, code, procedure_code, procedure_version, receiving_unit, deciding_agency,
    delivery, pin_hash, stage, channel, regime_decree, regime_circular, regime_evaluation,
    entered_at, accepted_at, due_at, original_due_at, paused_since, rescheduled_at, decided_at,
    returned_at, ended_at, packed, head_hash, event_count, created_at, updated_at, in_office,
    work_due_at, assignee";

/// What a dossier's row keeps packed ([`crate::packed`]): what the applicant
/// declared and the domain state. Borrowed when written, owned when read.
#[derive(Serialize, Deserialize)]
struct Packed<'a> {
    applicant: Cow<'a, Applicant>,
    form: Cow<'a, FormValues>,
    state: Cow<'a, Dossier>,
}

impl Packed<'_> {
    fn pack(applicant: &Applicant, form: &FormValues, state: &Dossier) -> StoreResult<Vec<u8>> {
        packed::pack(&Packed {
            applicant: Cow::Borrowed(applicant),
            form: Cow::Borrowed(form),
            state: Cow::Borrowed(state),
        })
    }
}

pub(crate) fn from_row(row: &SqliteRow) -> StoreResult<DossierRecord> {
    let get_s = |c: &str| row.try_get::<String, _>(c).map_err(db_err);
    let get_t = |c: &str| {
        row.try_get::<Option<i64>, _>(c)
            .map_err(db_err)
            .and_then(opt_from_us)
    };
    let columns = StateColumns {
        stage: from_key(&get_s("stage")?, "stage")?,
        channel: from_key(&get_s("channel")?, "channel")?,
        regime: motcua_domain::regime::RegimeKey {
            decree: from_key(&get_s("regime_decree")?, "decree")?,
            circular: from_key(&get_s("regime_circular")?, "circular")?,
            evaluation: from_key(&get_s("regime_evaluation")?, "evaluation")?,
        },
        entered_at: from_us(row.try_get("entered_at").map_err(db_err)?)?,
        accepted_at: get_t("accepted_at")?,
        due: get_t("due_at")?,
        original_due: get_t("original_due_at")?,
        paused_since: get_t("paused_since")?,
        rescheduled_at: get_t("rescheduled_at")?,
        decided_at: get_t("decided_at")?,
        returned_at: get_t("returned_at")?,
        ended_at: get_t("ended_at")?,
        in_office: row.try_get::<i64, _>("in_office").map_err(db_err)? != 0,
        work_due: get_t("work_due_at")?,
        assignee: row.try_get("assignee").map_err(db_err)?,
    };
    let delivery = get_s("delivery")?;
    let Packed {
        applicant,
        form,
        state,
    } = packed::unpack(
        &row.try_get::<Vec<u8>, _>("packed").map_err(db_err)?,
        "dossier",
    )?;
    Ok(DossierRecord {
        id: parse(&get_s("id")?, "dossier id")?,
        code: DossierCode::upstream(&get_s("code")?)?,
        procedure_code: get_s("procedure_code")?,
        procedure_version: from_day(&get_s("procedure_version")?)?,
        receiving_unit: parse(&get_s("receiving_unit")?, "agency id")?,
        deciding_agency: parse(&get_s("deciding_agency")?, "agency id")?,
        applicant: applicant.into_owned(),
        delivery: Delivery::from_key(&delivery)
            .ok_or_else(|| StoreError::corrupt(format!("delivery {delivery}")))?,
        pin_hash: TokenHash(hash(
            &row.try_get::<Vec<u8>, _>("pin_hash").map_err(db_err)?,
        )?),
        form: form.into_owned(),
        state: state.into_owned(),
        columns,
        head_hash: hash(&row.try_get::<Vec<u8>, _>("head_hash").map_err(db_err)?)?,
        event_count: count_u32(row.try_get("event_count").map_err(db_err)?, "event count")?,
        created_at: from_us(row.try_get("created_at").map_err(db_err)?)?,
        updated_at: from_us(row.try_get("updated_at").map_err(db_err)?)?,
    })
}

pub(crate) fn attachment_from_row(row: &SqliteRow) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: parse(
            &row.try_get::<String, _>("id").map_err(db_err)?,
            "attachment id",
        )?,
        dossier: parse(
            &row.try_get::<String, _>("dossier_id").map_err(db_err)?,
            "dossier id",
        )?,
        event_seq: count_u32(row.try_get("event_seq").map_err(db_err)?, "sequence")?,
        file_name: row.try_get("file_name").map_err(db_err)?,
        media_type: row.try_get("media_type").map_err(db_err)?,
        size: count_u64(row.try_get("size").map_err(db_err)?, "size")?,
        sha256: hash(&row.try_get::<Vec<u8>, _>("sha256").map_err(db_err)?)?,
        blob_key: row.try_get("blob_key").map_err(db_err)?,
        field: row.try_get("field").map_err(db_err)?,
        added_by: opt_parse(row.try_get("added_by").map_err(db_err)?, "user id")?,
        added_at: from_us(row.try_get("added_at").map_err(db_err)?)?,
    })
}

/// Allocates `count` consecutive sequences of each (agency, day) in
/// `wanted`, in one statement: the first of each is returned. In the
/// caller's transaction, so a rollback gives them back and codes have no
/// gaps.
async fn next_sequences(
    conn: &mut SqliteConnection,
    wanted: &BTreeMap<(String, String), u32>,
) -> StoreResult<BTreeMap<(String, String), u32>> {
    let mut first = BTreeMap::new();
    let rows: Vec<_> = wanted.iter().collect();
    for chunk in rows.chunks(SEQUENCE_ROWS) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO code_sequences (agency_identifier, day, last) ",
        );
        q.push_values(chunk, |mut b, ((agency, day), count)| {
            b.push_bind(agency.clone())
                .push_bind(day.clone())
                .push_bind(i64::from(**count));
        });
        q.push(
            " ON CONFLICT (agency_identifier, day) DO UPDATE SET last = last + excluded.last
             RETURNING agency_identifier, day, last",
        );
        let returned: Vec<(String, String, i64)> = q
            .build_query_as()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
        for (agency, day, last) in returned {
            let key = (agency, day);
            let count = wanted.get(&key).copied().unwrap_or(0);
            first.insert(key, count_u32(last, "code sequence")? + 1 - count);
        }
    }
    Ok(first)
}

/// Moves the counter of `agency` on `day` to at least `seq` (an upstream
/// code took that number).
async fn skip_sequence(
    conn: &mut SqliteConnection,
    agency: &str,
    day: &str,
    seq: u32,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO code_sequences (agency_identifier, day, last) VALUES ($1, $2, $3)
         ON CONFLICT (agency_identifier, day) DO UPDATE SET last = MAX(last, excluded.last)",
    )
    .bind(agency)
    .bind(day)
    .bind(i64::from(seq))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn insert_attachments(
    conn: &mut SqliteConnection,
    dossier: DossierId,
    seq: u32,
    actor: Option<motcua_store::UserId>,
    at: chrono::DateTime<Utc>,
    attachments: &[NewAttachment],
) -> StoreResult<()> {
    for a in attachments {
        sqlx::query(
            "INSERT INTO attachments (id, dossier_id, event_seq, file_name, media_type, size, sha256, blob_key, field,
                added_by, added_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(AttachmentId::new().to_string())
        .bind(dossier.to_string())
        .bind(i64::from(seq))
        .bind(&a.file_name)
        .bind(&a.media_type)
        .bind(to_i64(a.size)?)
        .bind(a.sha256.as_bytes().to_vec())
        .bind(&a.blob_key)
        .bind(&a.field)
        .bind(actor.map(|u| u.to_string()))
        .bind(us(at))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

async fn insert_jobs(conn: &mut SqliteConnection, new: &[NewJob]) -> StoreResult<()> {
    for job in new {
        jobs::insert(&mut *conn, job).await?;
    }
    Ok(())
}

/// Refuses a NUL in what a new dossier or event names (PostgreSQL cannot
/// store one; both engines refuse it alike).
fn refuse_nul_names<'a>(
    procedure_code: Option<&'a str>,
    attachments: impl Iterator<Item = &'a NewAttachment>,
) -> StoreResult<()> {
    motcua_store::refuse_nul(procedure_code.into_iter().chain(attachments.flat_map(|a| {
        [
            a.file_name.as_str(),
            a.media_type.as_str(),
            a.blob_key.as_str(),
        ]
    })))
}

/// What comes with a written event: its attachments; when it hands the
/// dossier to other agencies for a step, their right to see it, and which
/// of them still owe a step; when it digitises a document, the document
/// under its holder.
async fn insert_extras(conn: &mut SqliteConnection, p: &Prepared) -> StoreResult<()> {
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
        .bind(e.dossier.to_string())
        .bind(agency)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    if let Some(owing) = timeline::owing_agencies(&e.event, &p.state) {
        let owing = serde_json::to_string(&owing)
            .map_err(|err| StoreError::invalid(format!("agency identifiers: {err}")))?;
        sqlx::query(
            "UPDATE dossier_agencies SET owes = agency_id IN
                 (SELECT id FROM agencies WHERE identifier IN (SELECT value FROM json_each($2)))
             WHERE dossier_id = $1",
        )
        .bind(e.dossier.to_string())
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
        .bind(e.dossier.to_string())
        .bind(moved.receiving_unit.map(|a| a.to_string()))
        .bind(moved.deciding_agency.map(|a| a.to_string()))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    if let Some(document) = timeline::captured_document(&e.event) {
        sqlx::query(
            "INSERT INTO captured_documents (dossier_id, event_seq, holder_identity, captured_at, packed)
             SELECT id, $2, applicant_identity, $3, $4 FROM dossiers WHERE id = $1",
        )
        .bind(e.dossier.to_string())
        .bind(i64::from(e.seq))
        .bind(us(e.at))
        .bind(packed::pack(document)?)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// A new dossier with its code allocated, not yet prepared.
struct Coded {
    new: NewDossier,
    later: Vec<NewEvent>,
    entry: (motcua_domain::lifecycle::Event, Dossier),
    code: DossierCode,
}

/// A new dossier ready to be written: its row and events prepared, its row
/// document and timeline packed.
struct Staged {
    written: timeline::NewTimeline,
    jobs: Vec<NewJob>,
    packed: Vec<u8>,
    timeline: Vec<u8>,
}

/// Allocates the codes of new dossiers, in order and in the caller's
/// transaction: one statement for the whole batch, however many agencies
/// and days it spans.
async fn allocate(
    conn: &mut SqliteConnection,
    batch: Vec<(NewDossier, Vec<NewEvent>)>,
) -> StoreResult<Vec<Coded>> {
    // Each dossier's entry, and the sequence it needs, if any.
    let mut entered = Vec::with_capacity(batch.len());
    let mut wanted: BTreeMap<(String, String), u32> = BTreeMap::new();
    for (new, later) in batch {
        refuse_nul_names(
            Some(new.procedure_code.as_str()),
            new.attachments
                .iter()
                .chain(later.iter().flat_map(|e| e.attachments.iter())),
        )?;
        let (entry, state) = timeline::entry_state(new.entry.clone())?;
        let key = match &new.code {
            CodeSource::Allocate { agency } => {
                let local_day = day(calendar::to_local(state.entered_at).date());
                let key = (agency.as_str().to_owned(), local_day);
                *wanted.entry(key.clone()).or_default() += 1;
                Some(key)
            }
            CodeSource::Upstream(code) => {
                // A code from upstream in a form we also allocate: our counter
                // for that agency and day moves past it, so ours never collide.
                if let Some(parts) = code.parts() {
                    skip_sequence(&mut *conn, parts.agency, &day(parts.date), parts.sequence)
                        .await?;
                }
                None
            }
        };
        entered.push((new, later, (entry, state), key));
    }
    let mut next = next_sequences(&mut *conn, &wanted).await?;
    let mut coded = Vec::with_capacity(entered.len());
    for (new, later, (entry, state), key) in entered {
        let code = match (&new.code, key) {
            (CodeSource::Allocate { agency }, Some(key)) => {
                let seq = next.get_mut(&key).ok_or_else(|| {
                    StoreError::Database("a code sequence was not allocated".into())
                })?;
                let format = Regime::of(state.regime).circular.code;
                let code = DossierCode::issue(agency, state.entered_at, *seq, format)?;
                *seq += 1;
                code
            }
            (CodeSource::Upstream(code), _) => code.clone(),
            (CodeSource::Allocate { .. }, None) => {
                return Err(StoreError::Database(
                    "a code sequence was not asked for".into(),
                ));
            }
        };
        coded.push(Coded {
            new,
            later,
            entry: (entry, state),
            code,
        });
    }
    Ok(coded)
}

/// Prepares a coded dossier with its entry and later events — the same
/// checks and chain as events appended one by one — and packs it. No I/O.
fn stage(c: Coded, now: chrono::DateTime<Utc>) -> StoreResult<Staged> {
    let header = timeline::header_of(&c.new, c.code)?;
    let jobs = timeline::jobs_of(&c.new, &c.later);
    let written = timeline::prepare_dossier(&c.new, c.entry, header, c.later, now)?;
    let r = &written.record;
    let packed = Packed::pack(&r.applicant, &r.form, &r.state)?;
    let events: Vec<&EventRecord> = written.events.iter().map(|p| &p.event).collect();
    let timeline = timelines::pack(&events)?;
    Ok(Staged {
        written,
        jobs,
        packed,
        timeline,
    })
}

/// Dossiers in a batch below which preparing them on other threads costs
/// more than it saves.
const PARALLEL_FROM: usize = 64;

/// [`stage`] for a whole batch, in order: a large batch (the generator's, an
/// import's) is shared among the cores, since preparing — replaying,
/// hashing, packing — is most of the work of writing a dossier.
async fn stage_all(coded: Vec<Coded>) -> StoreResult<Vec<Staged>> {
    let now = micros(Utc::now());
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if coded.len() < PARALLEL_FROM || threads < 2 {
        return coded.into_iter().map(|c| stage(c, now)).collect();
    }
    let share = coded.len().div_ceil(threads);
    let mut rest = coded.into_iter();
    let mut handles = Vec::with_capacity(threads);
    loop {
        let part: Vec<Coded> = rest.by_ref().take(share).collect();
        if part.is_empty() {
            break;
        }
        handles.push(tokio::task::spawn_blocking(move || {
            part.into_iter()
                .map(|c| stage(c, now))
                .collect::<StoreResult<Vec<Staged>>>()
        }));
    }
    let mut staged = Vec::new();
    for handle in handles {
        let part = handle
            .await
            .map_err(|e| StoreError::Database(format!("preparing dossiers: {e}")))??;
        staged.extend(part);
    }
    Ok(staged)
}

/// Rows per multi-row `INSERT`: SQLite takes at most 32,766 parameters in
/// a statement.
const DOSSIER_ROWS: usize = 400;
const SEQUENCE_ROWS: usize = 5_000;

/// Writes staged dossiers: their rows, then every event (many rows to a
/// statement: a generator's batch is thousands), then what came with the
/// events.
async fn write_staged(conn: &mut SqliteConnection, staged: &[Staged]) -> StoreResult<()> {
    for chunk in staged.chunks(DOSSIER_ROWS) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO dossiers (id, code, procedure_code, procedure_version, receiving_unit, deciding_agency,
            applicant_user, applicant_name_folded, delivery, pin_hash, stage, national_status, channel,
            regime_decree, regime_circular, regime_evaluation, entered_at, accepted_at, due_at, original_due_at,
            paused_since, rescheduled_at, decided_at, returned_at, ended_at, packed, head_hash, event_count,
            created_at, updated_at, in_office, work_due_at, assignee, applicant_identity) ",
        );
        let mut rows = Vec::with_capacity(chunk.len());
        for s in chunk {
            let r = &s.written.record;
            let c = &r.columns;
            rows.push((
                r,
                key(&c.stage)?,
                key(&c.channel)?,
                [
                    key(&c.regime.decree)?,
                    key(&c.regime.circular)?,
                    key(&c.regime.evaluation)?,
                ],
                &s.packed,
            ));
        }
        q.push_values(
            rows,
            |mut b, (r, stage, channel, [decree, circular, evaluation], packed)| {
                let c = &r.columns;
                b.push_bind(r.id.to_string())
                    .push_bind(r.code.as_str().to_owned())
                    .push_bind(r.procedure_code.clone())
                    .push_bind(day(r.procedure_version))
                    .push_bind(r.receiving_unit.to_string())
                    .push_bind(r.deciding_agency.to_string())
                    .push_bind(r.applicant.user.map(|u| u.to_string()))
                    .push_bind(fold(&r.applicant.name))
                    .push_bind(r.delivery.key())
                    .push_bind(r.pin_hash.0.as_bytes().to_vec())
                    .push_bind(stage)
                    .push_bind(i64::from(c.stage.national_status() as u8))
                    .push_bind(channel)
                    .push_bind(decree)
                    .push_bind(circular)
                    .push_bind(evaluation)
                    .push_bind(us(c.entered_at))
                    .push_bind(opt_us(c.accepted_at))
                    .push_bind(opt_us(c.due))
                    .push_bind(opt_us(c.original_due))
                    .push_bind(opt_us(c.paused_since))
                    .push_bind(opt_us(c.rescheduled_at))
                    .push_bind(opt_us(c.decided_at))
                    .push_bind(opt_us(c.returned_at))
                    .push_bind(opt_us(c.ended_at))
                    .push_bind(packed)
                    .push_bind(r.head_hash.as_bytes().to_vec())
                    .push_bind(i64::from(r.event_count))
                    .push_bind(us(r.created_at))
                    .push_bind(us(r.updated_at))
                    .push_bind(i64::from(c.in_office))
                    .push_bind(opt_us(c.work_due))
                    .push_bind(c.assignee.clone())
                    .push_bind(r.applicant.identity_number.clone());
            },
        );
        q.build().execute(&mut *conn).await.map_err(db_err)?;
    }
    let rows = staged
        .iter()
        .map(|s| (s.written.record.id, s.timeline.clone()))
        .collect();
    timelines::insert(&mut *conn, rows).await?;
    for prepared in staged.iter().flat_map(|s| &s.written.events) {
        insert_extras(&mut *conn, prepared).await?;
    }
    for s in staged {
        insert_jobs(&mut *conn, &s.jobs).await?;
    }
    Ok(())
}

pub(crate) async fn create(pool: &SqlitePool, new: NewDossier) -> StoreResult<DossierRecord> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let staged = stage_all(allocate(&mut tx, vec![(new, Vec::new())]).await?).await?;
    write_staged(&mut tx, &staged).await?;
    let Some(staged) = staged.into_iter().next() else {
        return Err(StoreError::Database("a staged dossier went missing".into()));
    };
    tx.commit().await.map_err(db_err)?;
    Ok(staged.written.record)
}

pub(crate) async fn import(pool: &SqlitePool, batch: Vec<ImportedDossier>) -> StoreResult<usize> {
    let count = batch.len();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    // A bulk writer checkpoints the WAL every 256 MB instead of every 8 MB:
    // the index pages each batch touches all over the file are then copied
    // back once for many batches, not once for each.
    sqlx::query("PRAGMA wal_autocheckpoint = 32768")
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let coded = allocate(
        &mut tx,
        batch.into_iter().map(|d| (d.new, d.events)).collect(),
    )
    .await?;
    let staged = stage_all(coded).await?;
    write_staged(&mut tx, &staged).await?;
    // Freeing a large batch's documents is a measurable share of writing
    // it: done beside the commit, not before it.
    tokio::task::spawn_blocking(move || drop(staged));
    tx.commit().await.map_err(db_err)?;
    Ok(count)
}

async fn load(conn: &mut SqliteConnection, id: DossierId) -> StoreResult<Option<DossierRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM dossiers WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn append(
    pool: &SqlitePool,
    id: DossierId,
    expected: u32,
    new: NewEvent,
) -> StoreResult<DossierRecord> {
    refuse_nul_names(None, new.attachments.iter())?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
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

/// Loads a dossier inside a transaction that writes to it.
pub(crate) async fn load_current(
    conn: &mut SqliteConnection,
    id: DossierId,
) -> StoreResult<DossierRecord> {
    load(conn, id)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("dossier {id}")))
}

/// Writes a prepared event of `current` (its row, attachments and the new
/// state) and the jobs it causes, inside the caller's transaction; returns
/// the dossier as it is once committed.
pub(crate) async fn write_appended(
    conn: &mut SqliteConnection,
    current: DossierRecord,
    prepared: Prepared,
    jobs: &[NewJob],
) -> StoreResult<DossierRecord> {
    let id = current.id;
    let now = micros(Utc::now());
    timelines::append(&mut *conn, id, &prepared.event).await?;
    insert_extras(&mut *conn, &prepared).await?;
    let c = &prepared.columns;
    sqlx::query(
        "UPDATE dossiers SET stage = $2, national_status = $3, accepted_at = $4, due_at = $5, original_due_at = $6,
            paused_since = $7, rescheduled_at = $8, decided_at = $9, returned_at = $10, ended_at = $11,
            packed = $12, head_hash = $13, event_count = $14, updated_at = $15, in_office = $16,
            work_due_at = $17, assignee = $18
         WHERE id = $1",
    )
    .bind(id.to_string())
    .bind(key(&c.stage)?)
    .bind(i64::from(c.stage.national_status() as u8))
    .bind(opt_us(c.accepted_at))
    .bind(opt_us(c.due))
    .bind(opt_us(c.original_due))
    .bind(opt_us(c.paused_since))
    .bind(opt_us(c.rescheduled_at))
    .bind(opt_us(c.decided_at))
    .bind(opt_us(c.returned_at))
    .bind(opt_us(c.ended_at))
    .bind(Packed::pack(
        &current.applicant,
        &current.form,
        &prepared.state,
    )?)
    .bind(prepared.event.hash.as_bytes().to_vec())
    .bind(i64::from(prepared.event.seq))
    .bind(us(now))
    .bind(i64::from(c.in_office))
    .bind(opt_us(c.work_due))
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

pub(crate) async fn get(pool: &SqlitePool, id: DossierId) -> StoreResult<Option<DossierRecord>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    load(&mut conn, id).await
}

pub(crate) async fn by_code(pool: &SqlitePool, code: &str) -> StoreResult<Option<DossierRecord>> {
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

pub(crate) async fn events(pool: &SqlitePool, id: DossierId) -> StoreResult<Vec<EventRecord>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    timelines::read(&mut conn, id).await
}

pub(crate) const ATTACHMENT_COLUMNS: &str =
    "id, dossier_id, event_seq, file_name, media_type, size, sha256, blob_key, field,
    added_by, added_at";

pub(crate) async fn attachments(pool: &SqlitePool, id: DossierId) -> StoreResult<Vec<Attachment>> {
    let sql = format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE dossier_id = $1 ORDER BY event_seq, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(attachment_from_row)
        .collect()
}

pub(crate) async fn all_attachments(
    pool: &SqlitePool,
    page: Page<AttachmentId>,
) -> StoreResult<Vec<Attachment>> {
    let sql =
        format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE id > $1 ORDER BY id LIMIT $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id_after(page.after))
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(attachment_from_row)
        .collect()
}

/// The dossiers `user` filed, newest first (ids are UUID v7, ordered by
/// creation).
pub(crate) async fn of_applicant(
    pool: &SqlitePool,
    user: motcua_store::UserId,
    page: Page<DossierId>,
) -> StoreResult<Vec<DossierRecord>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM dossiers WHERE applicant_user = $1 AND id < $2
         ORDER BY id DESC LIMIT $3"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.to_string())
        .bind(id_before(page.after))
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

/// The first page starts at `from` with the empty id, which every id
/// sorts after, so the row-value bound is never NULL and stays an index
/// range on `dossiers_by_entry`.
pub(crate) async fn received_between(
    pool: &SqlitePool,
    unit: motcua_store::AgencyId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    page: Page<(DateTime<Utc>, DossierId)>,
) -> StoreResult<Vec<DossierRecord>> {
    let (after_at, after_id) = match page.after {
        Some((at, id)) => (at, id.to_string()),
        None => (from, String::new()),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM dossiers
         WHERE receiving_unit = $1 AND entered_at >= $2 AND entered_at < $3
           AND (entered_at, id) > ($4, $5)
         ORDER BY entered_at, id LIMIT $6"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(unit.to_string())
        .bind(us(from))
        .bind(us(to))
        .bind(us(after_at))
        .bind(after_id)
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

pub(crate) async fn ids(pool: &SqlitePool, page: Page<DossierId>) -> StoreResult<Vec<DossierId>> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT id FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(id_after(page.after))
            .bind(i64::from(page.limit))
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
    rows.iter().map(|s| parse(s, "dossier id")).collect()
}
