//! Applying online: a draft is started for a procedure, filled in and saved
//! as often as the applicant likes, files are uploaded to it, and it is
//! submitted once.
//!
//! - **Drafts keep what was typed**, right or wrong, so a mistake comes back
//!   to be corrected; checking happens when the applicant asks to continue
//!   and again at submission ([`check`]).
//! - **Uploads are streamed** to the blob storage's staging area, never held
//!   whole in memory; the first bytes are kept aside to recognise the file's
//!   type by its content (the `infer` crate), and an upload past the field's
//!   size limit is cut off as soon as it passes it.
//! - **Submitting is idempotent**: the draft's id becomes the dossier's id,
//!   so a double click or a retried request finds the dossier the first one
//!   made ([`Submitted::already`]) instead of making a second.
//! - The dossier **gets its code when it enters** (at submission) and keeps
//!   it for life; the legal clock waits for an officer to accept it, so the
//!   applicant is shown an **estimate** ([`estimate`]).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::address::{Address, Units};
use motcua_domain::calendar::{self, WorkCalendar};
use motcua_domain::catalog::{Competent, FieldKind, FormField, Procedure, ServiceLevel};
use motcua_domain::code;
use motcua_domain::forms::{self, FieldProblem, FieldValue, FormValues, Problem, RawForm};
use motcua_domain::lifecycle::{Channel, Clockwork, Dossier, Role};
use motcua_domain::postal::{self, EstimateRequest, Route};
use motcua_store::{
    Agency, AgencyKind, Applicant, CodeSource, Delivery, DossierId, DossierRecord, Draft,
    DraftFile, Hash, NewAttachment, NewDossier, ProcedureVersion, StoreError, TokenHash, User,
};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::{AppError, Services, notices, secret};

/// The inputs of the application page beside the procedure's own fields.
pub mod inputs {
    /// The address the result is posted to (an address field: its parts are
    /// `delivery.province`, `delivery.commune`, `delivery.detail`,
    /// `delivery.legacy`).
    pub const DELIVERY_ADDRESS: &str = "delivery";
    /// The agency that decides, when the procedure is decided by every
    /// agency of a kind (each commune for its own residents).
    pub const AGENCY: &str = "agency";
    /// Where a problem with the delivery choice itself is reported.
    pub const DELIVERY: &str = "delivery_choice";
    /// How the dossier reaches the agency: `post` when the public post
    /// collects the papers from the applicant's address (the address
    /// above); otherwise it is sent online with its files.
    pub const DISPATCH: &str = "dispatch";
    /// The day the post is to come (`yyyy-mm-dd`) and the part of it
    /// (`morning`, `afternoon`).
    pub const PICKUP_DAY: &str = "pickup.day";
    pub const PICKUP_SLOT: &str = "pickup.slot";
}

/// Whether the applicant asked the post to collect the papers of `draft`.
pub fn sent_by_post(draft: &Draft) -> bool {
    draft.inputs.get(inputs::DISPATCH).map(|s| s.trim()) == Some("post")
}

/// The most inputs a draft keeps, and the longest one (a long-text field is
/// at most a few thousand characters; this only bounds what is stored).
const MAX_INPUTS: usize = 300;
const MAX_INPUT_CHARS: usize = 20_000;
/// The most files one draft holds.
const MAX_FILES: usize = 50;
/// The longest file name kept.
const MAX_FILE_NAME_CHARS: usize = 150;
/// How many first bytes are kept to recognise a file's type.
const SNIFF_BYTES: usize = 8192;

/// Today in Vietnam.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    calendar::to_local(now).date()
}

/// The version of `code` a dossier filed now uses, if it can be filed
/// online.
pub async fn online_procedure(
    svc: &Services,
    code: &str,
    now: DateTime<Utc>,
) -> Result<ProcedureVersion, AppError> {
    let version = svc
        .store
        .procedure_in_force(code, today(now))
        .await?
        .ok_or(AppError::NotFound("procedure"))?;
    if !version.procedure.level.online() {
        return Err(AppError::NotOnline);
    }
    Ok(version)
}

/// Starts a draft of `code` for `user`, with a fresh tracking PIN kept until
/// submission.
pub async fn start(
    svc: &Services,
    user: &User,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Draft, AppError> {
    let version = online_procedure(svc, code, now).await?;
    let draft = Draft {
        id: DossierId::new(),
        user: user.id,
        procedure_code: version.procedure.code.clone(),
        inputs: prefilled(&version.procedure, user),
        files: Vec::new(),
        delivery: None,
        pin: secret::pin()?,
        created_at: now,
        updated_at: now,
    };
    svc.store.save_draft(&draft).await?;
    Ok(draft)
}

/// What the account already says, written into the first field of each
/// kind that asks for it (TT 32/2017 Art. 11: forms are filled in
/// automatically where the system knows the answer): the personal
/// identification number of a citizen, the phone number, the e-mail.
fn prefilled(procedure: &Procedure, user: &User) -> BTreeMap<String, String> {
    let mut inputs = BTreeMap::new();
    let known = |kind: &FieldKind| match kind {
        FieldKind::IdentityNumber if user.kind == motcua_store::UserKind::Citizen => {
            user.identity_number.clone()
        }
        FieldKind::Phone => user.phone.clone(),
        FieldKind::Email => user.email.clone(),
        _ => None,
    };
    let mut filled: Vec<std::mem::Discriminant<FieldKind>> = Vec::new();
    for field in &procedure.form {
        let kind = std::mem::discriminant(&field.kind);
        if filled.contains(&kind) {
            continue;
        }
        if let Some(value) = known(&field.kind) {
            inputs.insert(field.id.clone(), value);
            filled.push(kind);
        }
    }
    inputs
}

/// The draft `id` if it is `user`'s (someone else's is not found).
pub async fn draft_of(svc: &Services, user: &User, id: DossierId) -> Result<Draft, AppError> {
    match svc.store.draft(id).await? {
        Some(draft) if draft.user == user.id => Ok(draft),
        _ => Err(AppError::NotFound("draft")),
    }
}

/// The drafts `user` is still writing, newest first (drafts already
/// submitted are left out).
pub async fn drafts(svc: &Services, user: &User) -> Result<Vec<Draft>, AppError> {
    let mut open = Vec::new();
    for draft in svc.store.drafts_of_user(user.id).await? {
        if svc.store.dossier(draft.id).await?.is_none() {
            open.push(draft);
        }
    }
    Ok(open)
}

/// Saves what the applicant typed, as typed (NFC). Nothing is judged here
/// but the size of what is kept.
pub async fn save(
    svc: &Services,
    user: &User,
    id: DossierId,
    typed: RawForm,
    delivery: Option<Delivery>,
    now: DateTime<Utc>,
) -> Result<Draft, AppError> {
    let mut draft = draft_of(svc, user, id).await?;
    crate::postal::pickup::refuse_if_with_post(svc, id).await?;
    if typed.len() > MAX_INPUTS {
        return Err(AppError::field(inputs::DELIVERY, Problem::UnknownField));
    }
    let mut kept = BTreeMap::new();
    for (name, value) in typed {
        let value = motcua_domain::text::nfc(&value).into_owned();
        if value.chars().count() > MAX_INPUT_CHARS {
            return Err(AppError::field(
                &name,
                Problem::TooLong {
                    max: MAX_INPUT_CHARS as u32,
                },
            ));
        }
        kept.insert(name, value);
    }
    draft.inputs = kept;
    draft.delivery = delivery;
    draft.updated_at = now;
    svc.store
        .save_draft(&draft)
        .await
        .map_err(already_submitted)?;
    Ok(draft)
}

/// A draft that is already a dossier cannot change.
fn already_submitted(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { .. } => AppError::NotFound("draft"),
        e => e.into(),
    }
}

/// A file name as it is kept: the last path component, NFC, without
/// control characters, at most [`MAX_FILE_NAME_CHARS`].
pub fn clean_file_name(name: &str) -> String {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = motcua_domain::text::nfc(name.trim())
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let cleaned = if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "tep".to_owned()
    } else {
        cleaned
    };
    match cleaned.char_indices().nth(MAX_FILE_NAME_CHARS) {
        // Keep the extension: cut the middle of a long name.
        Some(_) => {
            let ext = cleaned
                .rsplit_once('.')
                .map(|(_, e)| e)
                .filter(|e| e.chars().count() <= 10);
            let head: String = cleaned.chars().take(MAX_FILE_NAME_CHARS - 12).collect();
            match ext {
                Some(ext) => format!("{head}….{ext}"),
                None => head,
            }
        }
        None => cleaned,
    }
}

/// The form field `field_id` of `procedure` if it takes files.
fn file_field<'p>(procedure: &'p Procedure, field_id: &str) -> Result<&'p FormField, AppError> {
    procedure
        .form
        .iter()
        .find(|f| f.id == field_id && matches!(f.kind, FieldKind::File { .. }))
        .ok_or_else(|| AppError::field(field_id, Problem::NotAFileField))
}

/// What a stored file is, as a dossier attachment or a draft file.
pub struct StoredFile {
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: Hash,
    pub blob_key: String,
}

impl StoredFile {
    /// The file as an attachment of an event, answering no form field.
    pub fn into_attachment(self) -> NewAttachment {
        NewAttachment {
            file_name: self.file_name,
            media_type: self.media_type,
            size: self.size,
            sha256: self.sha256,
            blob_key: self.blob_key,
            field: None,
        }
    }
}

/// Streams `body` into the blob storage as an answer to `field`: refused as
/// soon as it passes the field's size limit, and refused if its content is
/// not of an accepted type. Nothing is stored unless it is accepted.
pub async fn store_file(
    svc: &Services,
    field: &FormField,
    file_name: &str,
    body: &mut (dyn AsyncRead + Unpin + Send),
) -> Result<StoredFile, AppError> {
    let FieldKind::File { max_bytes, .. } = field.kind else {
        return Err(AppError::field(&field.id, Problem::NotAFileField));
    };
    let problem = |p: Problem| AppError::field(&field.id, p);
    let mut staging = svc.blobs.begin().await?;
    let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = body
            .read(&mut buffer)
            .await
            .map_err(|e| AppError::Internal(format!("reading the upload: {e}")))?;
        let Some(chunk) = buffer.get(..n) else { break };
        if chunk.is_empty() {
            break;
        }
        if staging.size() + n as u64 > max_bytes {
            // Dropping the staging file discards what came so far.
            return Err(problem(Problem::FileTooLarge { max_bytes }));
        }
        if head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(chunk.get(..take).unwrap_or(chunk));
        }
        staging.write(chunk).await?;
    }
    if staging.size() == 0 {
        return Err(problem(Problem::Required));
    }
    let media_type = infer::get(&head).map(|t| t.mime_type());
    forms::check_upload(field, media_type, staging.size()).map_err(problem)?;
    let staged = staging.finish().await?;
    let info = svc.blobs.commit(staged).await?;
    let sha256 = Hash::from_slice(&hex::decode(info.key.to_hex()).unwrap_or_default())
        .ok_or_else(|| AppError::Internal("a blob key is not a SHA-256".into()))?;
    Ok(StoredFile {
        file_name: clean_file_name(file_name),
        media_type: media_type.unwrap_or("application/octet-stream").to_owned(),
        size: info.size,
        sha256,
        blob_key: info.key.to_hex(),
    })
}

/// Uploads a file to a draft's file field. A field that takes one file has
/// its previous file replaced.
pub async fn upload(
    svc: &Services,
    user: &User,
    id: DossierId,
    field_id: &str,
    file_name: &str,
    body: &mut (dyn AsyncRead + Unpin + Send),
    now: DateTime<Utc>,
) -> Result<DraftFile, AppError> {
    let mut draft = draft_of(svc, user, id).await?;
    crate::postal::pickup::refuse_if_with_post(svc, id).await?;
    let version = online_procedure(svc, &draft.procedure_code, now).await?;
    let field = file_field(&version.procedure, field_id)?;
    if draft.files.len() >= MAX_FILES {
        return Err(AppError::field(field_id, Problem::TooManyFiles));
    }
    let stored = store_file(svc, field, file_name, body).await?;
    let file = DraftFile {
        field: field_id.to_owned(),
        file_name: stored.file_name,
        media_type: stored.media_type,
        size: stored.size,
        sha256: stored.sha256,
        blob_key: stored.blob_key,
    };
    if !matches!(field.kind, FieldKind::File { multiple: true, .. }) {
        draft.files.retain(|f| f.field != field_id);
    }
    draft.files.push(file.clone());
    draft.updated_at = now;
    svc.store
        .save_draft(&draft)
        .await
        .map_err(already_submitted)?;
    Ok(file)
}

/// Removes the `index`-th file of a draft.
pub async fn remove_file(
    svc: &Services,
    user: &User,
    id: DossierId,
    index: usize,
    now: DateTime<Utc>,
) -> Result<Draft, AppError> {
    let mut draft = draft_of(svc, user, id).await?;
    crate::postal::pickup::refuse_if_with_post(svc, id).await?;
    if index >= draft.files.len() {
        return Err(AppError::NotFound("file"));
    }
    draft.files.remove(index);
    draft.updated_at = now;
    svc.store
        .save_draft(&draft)
        .await
        .map_err(already_submitted)?;
    Ok(draft)
}

/// Throws a draft away. (Its files stay in the blob storage, which is
/// content-addressed and shared; no other record points at them.)
pub async fn discard(svc: &Services, user: &User, id: DossierId) -> Result<(), AppError> {
    draft_of(svc, user, id).await?;
    crate::postal::pickup::refuse_if_with_post(svc, id).await?;
    if svc.store.dossier(id).await?.is_some() {
        return Err(AppError::NotFound("draft"));
    }
    svc.store.delete_draft(id).await?;
    Ok(())
}

/// A draft that passed every check: what the dossier will hold.
#[derive(Debug, Clone)]
pub struct Checked {
    pub form: FormValues,
    pub delivery: Delivery,
    pub delivery_address: Option<Address>,
    pub deciding: Agency,
    pub receiving: Agency,
    /// The papers are collected by the post (at the delivery address)
    /// rather than sent online.
    pub by_post: bool,
}

/// The address field the delivery address is read with.
fn delivery_address_field() -> FormField {
    FormField {
        id: inputs::DELIVERY_ADDRESS.to_owned(),
        label: String::new(),
        label_en: None,
        kind: FieldKind::Address,
        required: true,
        help: None,
    }
}

/// Every agency of the province, parents before their children. The tree
/// is small (a province, its departments and communes: a few hundred).
pub async fn all_agencies(svc: &Services) -> Result<Vec<Agency>, AppError> {
    let mut found = Vec::new();
    let mut queue = vec![None];
    while let Some(parent) = queue.pop() {
        for agency in svc.store.child_agencies(parent).await? {
            queue.push(Some(agency.id));
            found.push(agency);
        }
    }
    Ok(found)
}

/// The agency named `identifier` as it works now: itself, or the one it was
/// merged into (and so on, after later reorganisations).
pub async fn agency_now(svc: &Services, identifier: &str) -> Result<Option<Agency>, AppError> {
    let Some(mut agency) = svc.store.agency_by_identifier(identifier).await? else {
        return Ok(None);
    };
    // A chain longer than the tree would be a loop.
    for _ in 0..64 {
        let Some(next) = agency.merged_into else {
            return Ok(Some(agency));
        };
        agency = svc
            .store
            .agency(next)
            .await?
            .ok_or_else(|| AppError::Internal(format!("agency {next} is missing")))?;
    }
    Err(AppError::Internal(format!(
        "agency {identifier} is merged in a loop"
    )))
}

/// The agencies that may decide a procedure decided by every agency of a
/// kind (`commune`), by name; a unit merged into another is not one.
pub async fn agencies_of_kind(svc: &Services, kind: &str) -> Result<Vec<Agency>, AppError> {
    let Some(kind) = AgencyKind::from_key(kind) else {
        return Ok(Vec::new());
    };
    let mut found: Vec<Agency> = all_agencies(svc)
        .await?
        .into_iter()
        .filter(|a| a.kind == kind && a.merged_into.is_none())
        .collect();
    found.sort_by(|a, b| {
        motcua_domain::text::fold(&a.name).cmp(&motcua_domain::text::fold(&b.name))
    });
    Ok(found)
}

/// The one-stop unit that receives dossiers decided by `deciding`: a
/// commune receives its own; a department's are received by the
/// province's service centre when there is one.
pub(crate) async fn receiving_unit(svc: &Services, deciding: &Agency) -> Result<Agency, AppError> {
    if matches!(
        deciding.kind,
        AgencyKind::Commune | AgencyKind::ServiceCentre
    ) {
        return Ok(deciding.clone());
    }
    let centres = agencies_of_kind(svc, AgencyKind::ServiceCentre.key()).await?;
    Ok(centres
        .into_iter()
        .find(|c| c.receives_any_procedure)
        .unwrap_or_else(|| deciding.clone()))
}

/// Checks a draft against its procedure: the form, the delivery choice,
/// the deciding agency. Every problem is listed, each at its input.
pub async fn check(
    svc: &Services,
    draft: &Draft,
    procedure: &Procedure,
) -> Result<Checked, AppError> {
    let units = Units::bundled().map_err(|e| AppError::Internal(e.to_string()))?;
    let own: RawForm = draft
        .inputs
        .iter()
        .filter(|(name, _)| !is_portal_input(name))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let by_post = sent_by_post(draft);
    let mut files: BTreeMap<String, usize> = BTreeMap::new();
    for f in &draft.files {
        *files.entry(f.field.clone()).or_default() += 1;
    }
    if by_post {
        // The papers come with the post: a document field need not be
        // uploaded (what is uploaded is kept as well).
        for field in &procedure.form {
            if matches!(field.kind, FieldKind::File { .. }) {
                let n = files.entry(field.id.clone()).or_default();
                *n = (*n).max(1);
            }
        }
    }
    let mut problems = Vec::new();
    let form = match forms::fill(&procedure.form, &own, &files, units) {
        Ok(values) => values,
        Err(found) => {
            problems.extend(found);
            FormValues::default()
        }
    };
    let at = |field: &str, problem: Problem| FieldProblem {
        field: field.to_owned(),
        problem,
    };
    // How the result comes back.
    let delivery = match draft.delivery {
        None => {
            problems.push(at(inputs::DELIVERY, Problem::Required));
            None
        }
        Some(Delivery::Online) if procedure.level != ServiceLevel::Full => {
            problems.push(at(inputs::DELIVERY, Problem::NotAnOption));
            None
        }
        Some(Delivery::Post) if !procedure.by_post => {
            problems.push(at(inputs::DELIVERY, Problem::NotAnOption));
            None
        }
        Some(d) => Some(d),
    };
    if by_post && !procedure.by_post {
        problems.push(at(inputs::DISPATCH, Problem::NotAnOption));
    }
    let mut delivery_address = None;
    if delivery == Some(Delivery::Post) || by_post {
        let raw: RawForm = draft
            .inputs
            .iter()
            .filter(|(name, _)| name.starts_with("delivery."))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        match forms::fill(&[delivery_address_field()], &raw, &BTreeMap::new(), units) {
            Ok(values) => {
                if let Some(FieldValue::Address(a)) = values.get(inputs::DELIVERY_ADDRESS) {
                    delivery_address = Some(a.clone());
                }
            }
            Err(found) => problems.extend(found),
        }
    }
    // Who decides.
    let deciding = match &procedure.competent {
        Competent::Agency(identifier) => agency_now(svc, identifier).await?,
        Competent::Level(kind) => {
            let chosen = draft
                .inputs
                .get(inputs::AGENCY)
                .map(|s| s.trim())
                .unwrap_or("");
            if chosen.is_empty() {
                problems.push(at(inputs::AGENCY, Problem::Required));
                None
            } else {
                let found = svc.store.agency_by_identifier(chosen).await?;
                match found {
                    Some(a) if a.kind.key() == kind && a.merged_into.is_none() => Some(a),
                    _ => {
                        problems.push(at(inputs::AGENCY, Problem::NotAnOption));
                        None
                    }
                }
            }
        }
    };
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let (Some(delivery), Some(deciding)) = (delivery, deciding) else {
        // The catalog names an agency this deployment does not have.
        return Err(AppError::NotOnline);
    };
    let receiving = receiving_unit(svc, &deciding).await?;
    Ok(Checked {
        form: with_delivery_address(form, delivery_address.as_ref()),
        delivery,
        delivery_address,
        deciding,
        receiving,
        by_post,
    })
}

/// The form values with the delivery address among them, so the address is
/// part of what the entry event's hash covers.
fn with_delivery_address(mut form: FormValues, address: Option<&Address>) -> FormValues {
    if let Some(address) = address {
        form.0.insert(
            inputs::DELIVERY_ADDRESS.to_owned(),
            FieldValue::Address(address.clone()),
        );
    }
    form
}

/// Whether `name` is one of the portal's own inputs rather than a field of
/// the procedure's form.
fn is_portal_input(name: &str) -> bool {
    name == inputs::AGENCY
        || name.starts_with("delivery.")
        || name == inputs::DISPATCH
        || name.starts_with("pickup.")
}

/// A submitted dossier and its tracking PIN.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub dossier: DossierRecord,
    pub pin: String,
    /// When the applicant can expect the result (an estimate).
    pub estimate: Option<NaiveDate>,
    /// `true` when this submission had been made already (a repeated
    /// request): nothing new was created.
    pub already: bool,
}

/// The agency whose identifier opens a new dossier's code: the receiving
/// unit's under TT 01/2018 Art. 19 (ND 61), the deciding agency's under ND
/// 118 Art. 28(a). A single procedure filed here is never a linked group.
pub fn code_agency(
    state: &Dossier,
    receiving: &Agency,
    deciding: &Agency,
    channel: Channel,
) -> code::AgencyId {
    code::code_agency(
        state.regime().decree.code_agency,
        &receiving.identifier,
        &deciding.identifier,
        false,
        channel,
        &deciding.identifier,
    )
    .clone()
}

/// The calendar the legal clock counts on: the official schedule in the
/// store, read every time (administrators edit it on any node); the
/// calendar itself is built again only when the schedule has changed.
pub async fn work_calendar(svc: &Services) -> Result<std::sync::Arc<WorkCalendar>, AppError> {
    svc.memo.calendar_of(svc.store.holiday_breaks().await?)
}

/// The working calendar of the official holiday schedule `breaks`.
pub(crate) fn calendar_of(
    breaks: Vec<motcua_domain::calendar::OfficialBreak>,
) -> Result<WorkCalendar, AppError> {
    WorkCalendar::new(breaks).map_err(|e| AppError::Internal(e.to_string()))
}

/// Submits a draft: checks it, and in one transaction the dossier enters
/// with its code, its form, its files and its entry event; then the
/// confirmation is queued. Submitting the same draft again returns the
/// dossier the first submission made.
pub async fn submit(
    svc: &Services,
    user: &User,
    id: DossierId,
    now: DateTime<Utc>,
) -> Result<Submitted, AppError> {
    let draft = draft_of(svc, user, id).await?;
    if let Some(dossier) = svc.store.dossier(id).await? {
        return resubmitted(svc, user, &draft, dossier).await;
    }
    let version = online_procedure(svc, &draft.procedure_code, now).await?;
    let procedure = &version.procedure;
    let checked = check(svc, &draft, procedure).await?;
    if checked.by_post {
        // Its papers are collected by the post: it enters at the hand-over
        // ([`crate::postal::pickup::book`] books the collection).
        return Err(AppError::field(inputs::DISPATCH, Problem::NotAnOption));
    }
    let calendar = work_calendar(svc).await?;
    let entering = Entering {
        channel: Channel::Online,
        role: Role::Applicant,
        actor: user.id,
        at: now,
    };
    let dossier = match enter(svc, user, &draft, procedure, checked, &calendar, entering).await {
        Ok(dossier) => dossier,
        // A concurrent submission of the same draft won the race.
        Err(AppError::Store(StoreError::Conflict { .. })) => match svc.store.dossier(id).await? {
            Some(dossier) => return resubmitted(svc, user, &draft, dossier).await,
            None => return Err(AppError::Store(StoreError::conflict("dossier id"))),
        },
        Err(e) => return Err(e),
    };
    let estimate = estimate(svc, &dossier, procedure, &calendar).await.ok();
    notices::submitted(svc, user, &dossier, procedure, &draft.pin, estimate, now).await?;
    Ok(Submitted {
        dossier,
        pin: draft.pin,
        estimate,
        already: false,
    })
}

/// How a dossier enters: its channel, the role and user recorded as
/// entering it, the instant (the submission, or the confirmation of the
/// post's hand-over record).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entering {
    pub channel: Channel,
    pub role: Role,
    pub actor: motcua_store::UserId,
    pub at: DateTime<Utc>,
}

/// Enters the dossier of `draft` (filed by `owner`) in one transaction:
/// its code, its form, its files and its entry event. An id that exists
/// already is a [`StoreError::Conflict`].
pub(crate) async fn enter(
    svc: &Services,
    owner: &User,
    draft: &Draft,
    procedure: &Procedure,
    checked: Checked,
    calendar: &WorkCalendar,
    entering: Entering,
) -> Result<DossierRecord, AppError> {
    let clockwork = Clockwork {
        calendar,
        hours: &checked.receiving.office_hours,
    };
    let (state, entry) = Dossier::enter(
        entering.channel,
        procedure.processing_time,
        entering.role,
        entering.at,
        clockwork,
    )?;
    let units = Units::bundled().map_err(|e| AppError::Internal(e.to_string()))?;
    let applicant = Applicant {
        user: Some(owner.id),
        name: owner.full_name.clone(),
        identity_number: owner.identity_number.clone(),
        phone: owner.phone.clone(),
        email: owner.email.clone(),
        address: checked
            .delivery_address
            .as_ref()
            .and_then(|a| a.display(units).ok()),
    };
    let attachments = draft
        .files
        .iter()
        .map(|f| NewAttachment {
            file_name: f.file_name.clone(),
            media_type: f.media_type.clone(),
            size: f.size,
            sha256: f.sha256,
            blob_key: f.blob_key.clone(),
            field: Some(f.field.clone()),
        })
        .collect();
    let new = NewDossier {
        id: draft.id,
        code: CodeSource::Allocate {
            agency: code_agency(
                &state,
                &checked.receiving,
                &checked.deciding,
                entering.channel,
            ),
        },
        procedure_code: procedure.code.clone(),
        procedure_version: procedure.effective_from,
        receiving_unit: checked.receiving.id,
        deciding_agency: checked.deciding.id,
        applicant,
        delivery: checked.delivery,
        pin_hash: TokenHash::of(&draft.pin),
        actor: Some(entering.actor),
        entry,
        form: checked.form,
        attachments,
        jobs: Vec::new(),
    };
    Ok(svc.store.create_dossier(new).await?)
}

/// The answer to a submission that was made already.
async fn resubmitted(
    svc: &Services,
    user: &User,
    draft: &Draft,
    dossier: DossierRecord,
) -> Result<Submitted, AppError> {
    if dossier.applicant.user != Some(user.id) {
        return Err(AppError::NotFound("draft"));
    }
    let estimate = match svc
        .store
        .procedure_in_force(&dossier.procedure_code, dossier.procedure_version)
        .await?
    {
        Some(v) => {
            let calendar = work_calendar(svc).await?;
            estimate(svc, &dossier, &v.procedure, &calendar).await.ok()
        }
        None => None,
    };
    // The confirmation is queued again under the same key: if the first
    // request stopped before queueing it, it goes now; otherwise nothing new.
    if let Some(v) = svc
        .store
        .procedure_in_force(&dossier.procedure_code, dossier.procedure_version)
        .await?
    {
        notices::submitted(
            svc,
            user,
            &dossier,
            &v.procedure,
            &draft.pin,
            estimate,
            dossier.created_at,
        )
        .await?;
    }
    Ok(Submitted {
        dossier,
        pin: draft.pin.clone(),
        estimate,
        already: true,
    })
}

/// The route the post carries the result on, from the deciding agency's
/// commune to the delivery address's ([`crate::postal::quote::route_between`]).
pub(crate) async fn return_route(
    svc: &Services,
    dossier: &DossierRecord,
) -> Result<Route, AppError> {
    let from = svc
        .store
        .agency(dossier.deciding_agency)
        .await?
        .and_then(|a| a.commune);
    let to = match dossier.form.get(inputs::DELIVERY_ADDRESS) {
        Some(FieldValue::Address(address)) => address.commune(),
        _ => None,
    };
    Ok(crate::postal::quote::route_between(from, to)?.0)
}

/// The day the applicant can expect the result, before the legal clock
/// starts: the processing time from submission (the officer assumed to
/// accept at once), plus the post's return leg when the result goes by
/// post ([`postal::estimate`] states every assumption).
pub async fn estimate(
    svc: &Services,
    dossier: &DossierRecord,
    procedure: &Procedure,
    calendar: &WorkCalendar,
) -> Result<NaiveDate, AppError> {
    let hours = match svc.store.agency(dossier.receiving_unit).await? {
        Some(agency) => agency.office_hours,
        None => motcua_domain::calendar::OfficeHours::standard(),
    };
    let delivery = match dossier.delivery {
        Delivery::Post => Some(return_route(svc, dossier).await?),
        Delivery::Counter | Delivery::Online => None,
    };
    let request = EstimateRequest {
        submitted: calendar::to_local(dossier.state.entered_at),
        processing: procedure.processing_time,
        pickup: None,
        delivery,
    };
    let estimate = postal::estimate(calendar, &hours, &request)?;
    Ok(estimate.ready)
}
