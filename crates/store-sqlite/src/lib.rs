//! `motcua-store-sqlite`: the embedded default. One SQLite file in WAL mode
//! with `synchronous = FULL` (an acknowledged write survives a crash), every
//! read-then-write in a `BEGIN IMMEDIATE` transaction (SQLite's single writer
//! makes code allocation and job claims race-free), and the schema migrated
//! from `migrations/` at open.
//!
//! This room only moves rows: what a row must contain is decided in
//! `motcua-store`.
#![forbid(unsafe_code)]

mod agencies;
mod audit;
mod captured;
mod connect;
mod convert;
mod dossiers;
mod handovers;
mod holidays;
mod jobs;
mod kept;
pub mod packed;
mod payments;
mod portal;
mod postal;
mod procedures;
mod queue;
mod statistics;
mod timelines;
mod users;
mod whole;

use std::path::Path;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_domain::calendar::OfficialBreak;
use motcua_domain::lifecycle::Role;
use motcua_domain::postal::consignment::Status;
use motcua_store::{
    Agency, AgencyId, ApiToken, ApiTokenId, Attachment, AttachmentId, AuditEntry, CapturedRecord,
    Confirmation, DossierId, DossierRecord, Draft, Engine, EventRecord, FailOutcome, Handover,
    HandoverId, ImportedDossier, Job, JobId, NewAgency, NewApiToken, NewAuditEntry, NewDossier,
    NewEvent, NewHandover, NewJob, NewSession, NewUser, NewUserToken, Page, ProcedureQuery,
    ProcedureVersion, QueueCounts, QueueQuery, Rating, RoleGrant, Session, SessionId, Store,
    StoreError, StoreResult, TokenHash, TokenPurpose, User, UserId, WholeDossier,
};
use motcua_store::{
    CheckoutId, FeeAccount, NewPayment, NewRefund, Payment, PaymentId, Refund, Settled, Settlement,
};
use motcua_store::{
    ConsignmentId, ConsignmentRecord, ConsignmentStep, NewCarrierPush, NewConsignment,
    NewConsignmentStep, PushRecorded, PushSeen,
};
use motcua_store::{CountedDossier, Marked, Recount, Span, SumPart, Summed};
use sqlx::sqlite::SqlitePool;

use crate::convert::db_err;

/// The database file inside a data folder.
pub const DATABASE_FILE: &str = "motcua.sqlite3";

/// A store on one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and migrates
    /// it.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let pool = connect::pool_for_path(path).await?;
        connect::migrate(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// Opens a database file that exists already and is at this binary's
    /// schema, without creating or migrating anything (for `verify` and
    /// `backup`, which must not change what they look at).
    pub async fn open_existing(path: &Path) -> StoreResult<Self> {
        let pool = connect::pool_for_existing(path).await?;
        connect::require_current(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// Opens a `sqlite:` URL (e.g. `sqlite:///srv/motcua/motcua.sqlite3`).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = connect::pool_for_url(url).await?;
        connect::migrate(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// The connection pool (for engine-specific tests and tools).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection, checkpointing the WAL into the main file.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }
    async fn close(&self) {
        SqliteStore::close(self).await;
    }

    async fn create_agency(&self, new: NewAgency) -> StoreResult<Agency> {
        agencies::create(&self.pool, new).await
    }
    async fn agency(&self, id: AgencyId) -> StoreResult<Option<Agency>> {
        agencies::get(&self.pool, id).await
    }
    async fn agency_by_identifier(&self, identifier: &str) -> StoreResult<Option<Agency>> {
        agencies::by_identifier(&self.pool, identifier).await
    }
    async fn child_agencies(&self, parent: Option<AgencyId>) -> StoreResult<Vec<Agency>> {
        agencies::children(&self.pool, parent).await
    }
    async fn merged_agencies(&self, into: AgencyId) -> StoreResult<Vec<Agency>> {
        agencies::merged_into(&self.pool, into).await
    }
    async fn update_agency(&self, agency: &Agency) -> StoreResult<()> {
        agencies::update(&self.pool, agency).await
    }

    async fn create_user(&self, new: NewUser) -> StoreResult<User> {
        users::create(&self.pool, new).await
    }
    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        users::get(&self.pool, id).await
    }
    async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>> {
        users::by_login(&self.pool, login).await
    }
    async fn set_password_hash(&self, user: UserId, hash: &str) -> StoreResult<()> {
        users::set_password_hash(&self.pool, user, hash).await
    }
    async fn set_user_disabled(&self, user: UserId, disabled: bool) -> StoreResult<()> {
        users::set_disabled(&self.pool, user, disabled).await
    }
    async fn grant_role(
        &self,
        user: UserId,
        agency: AgencyId,
        role: Role,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        users::grant_role(&self.pool, user, agency, role, at).await
    }
    async fn revoke_role(&self, user: UserId, agency: AgencyId, role: Role) -> StoreResult<bool> {
        users::revoke_role(&self.pool, user, agency, role).await
    }
    async fn grants_at(&self, agency: AgencyId) -> StoreResult<Vec<RoleGrant>> {
        users::grants_at(&self.pool, agency).await
    }
    async fn roles(&self, user: UserId) -> StoreResult<Vec<RoleGrant>> {
        users::roles(&self.pool, user).await
    }

    async fn create_session(&self, new: NewSession) -> StoreResult<Session> {
        users::create_session(&self.pool, new).await
    }
    async fn session(&self, token_hash: &TokenHash) -> StoreResult<Option<Session>> {
        users::session(&self.pool, token_hash).await
    }
    async fn touch_session(&self, id: SessionId, at: DateTime<Utc>) -> StoreResult<()> {
        users::touch_session(&self.pool, id, at).await
    }
    async fn revoke_session(&self, id: SessionId, at: DateTime<Utc>) -> StoreResult<()> {
        users::revoke_session(&self.pool, id, at).await
    }
    async fn revoke_user_sessions(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<u64> {
        users::revoke_user_sessions(&self.pool, user, at).await
    }
    async fn create_api_token(&self, new: NewApiToken) -> StoreResult<ApiToken> {
        users::create_api_token(&self.pool, new).await
    }
    async fn api_token(&self, token_hash: &TokenHash) -> StoreResult<Option<ApiToken>> {
        users::api_token(&self.pool, token_hash).await
    }
    async fn revoke_api_token(&self, id: ApiTokenId, at: DateTime<Utc>) -> StoreResult<()> {
        users::revoke_api_token(&self.pool, id, at).await
    }
    async fn set_email_verified(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<()> {
        users::set_email_verified(&self.pool, user, at).await
    }

    async fn create_user_token(&self, new: NewUserToken) -> StoreResult<()> {
        users::create_user_token(&self.pool, new).await
    }
    async fn consume_user_token(
        &self,
        purpose: TokenPurpose,
        token_hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<UserId>> {
        users::consume_user_token(&self.pool, purpose, token_hash, now).await
    }

    async fn save_draft(&self, draft: &Draft) -> StoreResult<()> {
        portal::save_draft(&self.pool, draft).await
    }
    async fn draft(&self, id: DossierId) -> StoreResult<Option<Draft>> {
        portal::draft(&self.pool, id).await
    }
    async fn drafts_of_user(&self, user: UserId) -> StoreResult<Vec<Draft>> {
        portal::drafts_of_user(&self.pool, user).await
    }
    async fn delete_draft(&self, id: DossierId) -> StoreResult<bool> {
        portal::delete_draft(&self.pool, id).await
    }

    async fn record_failure(&self, key: &str, at: DateTime<Utc>) -> StoreResult<()> {
        portal::record_failure(&self.pool, key, at).await
    }
    async fn failures_since(&self, key: &str, since: DateTime<Utc>) -> StoreResult<u32> {
        portal::failures_since(&self.pool, key, since).await
    }
    async fn clear_failures(&self, key: &str) -> StoreResult<()> {
        portal::clear_failures(&self.pool, key).await
    }

    async fn put_procedure_version(&self, version: &ProcedureVersion) -> StoreResult<()> {
        procedures::put(&self.pool, version).await
    }
    async fn import_procedures(&self, versions: &[ProcedureVersion]) -> StoreResult<usize> {
        procedures::import(&self.pool, versions).await
    }
    async fn procedure_in_force(
        &self,
        code: &str,
        on: NaiveDate,
    ) -> StoreResult<Option<ProcedureVersion>> {
        procedures::in_force(&self.pool, code, on).await
    }
    async fn procedure_versions(&self, code: &str) -> StoreResult<Vec<ProcedureVersion>> {
        procedures::versions(&self.pool, code).await
    }
    async fn search_procedures(
        &self,
        query: &ProcedureQuery,
    ) -> StoreResult<Vec<ProcedureVersion>> {
        procedures::search(&self.pool, query).await
    }
    async fn procedure_fields(&self, on: NaiveDate) -> StoreResult<Vec<String>> {
        procedures::fields(&self.pool, on).await
    }
    async fn all_procedure_versions(&self) -> StoreResult<Vec<ProcedureVersion>> {
        procedures::all(&self.pool).await
    }

    async fn create_dossier(&self, new: NewDossier) -> StoreResult<DossierRecord> {
        dossiers::create(&self.pool, new).await
    }
    async fn import_dossiers(&self, batch: Vec<ImportedDossier>) -> StoreResult<usize> {
        dossiers::import(&self.pool, batch).await
    }
    async fn refresh_planner_statistics(&self) -> StoreResult<()> {
        connect::refresh_planner_statistics(&self.pool).await
    }
    async fn dossier(&self, id: DossierId) -> StoreResult<Option<DossierRecord>> {
        dossiers::get(&self.pool, id).await
    }
    async fn dossier_by_code(&self, code: &str) -> StoreResult<Option<DossierRecord>> {
        dossiers::by_code(&self.pool, code).await
    }
    async fn append_event(
        &self,
        id: DossierId,
        expected_events: u32,
        new: NewEvent,
    ) -> StoreResult<DossierRecord> {
        dossiers::append(&self.pool, id, expected_events, new).await
    }
    async fn events(&self, id: DossierId) -> StoreResult<Vec<EventRecord>> {
        dossiers::events(&self.pool, id).await
    }
    async fn attachments(&self, id: DossierId) -> StoreResult<Vec<Attachment>> {
        dossiers::attachments(&self.pool, id).await
    }
    async fn dossiers_of_applicant(
        &self,
        user: UserId,
        page: Page<DossierId>,
    ) -> StoreResult<Vec<DossierRecord>> {
        dossiers::of_applicant(&self.pool, user, page).await
    }
    async fn received_between(
        &self,
        unit: AgencyId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        page: Page<(DateTime<Utc>, DossierId)>,
    ) -> StoreResult<Vec<DossierRecord>> {
        dossiers::received_between(&self.pool, unit, from, to, page).await
    }
    async fn office_queue(&self, query: &QueueQuery) -> StoreResult<Vec<DossierRecord>> {
        queue::queue(&self.pool, query).await
    }
    async fn office_counts(
        &self,
        agencies: &[AgencyId],
        now: DateTime<Utc>,
        soon: DateTime<Utc>,
    ) -> StoreResult<QueueCounts> {
        queue::counts(&self.pool, agencies, now, soon).await
    }
    async fn dossier_step_agencies(&self, id: DossierId) -> StoreResult<Vec<AgencyId>> {
        queue::step_agencies(&self.pool, id).await
    }
    async fn captured_documents_of(
        &self,
        identity: &str,
        limit: u32,
    ) -> StoreResult<Vec<CapturedRecord>> {
        captured::of_holder(&self.pool, identity, limit).await
    }
    async fn dossier_ids(&self, page: Page<DossierId>) -> StoreResult<Vec<DossierId>> {
        dossiers::ids(&self.pool, page).await
    }
    async fn whole_dossiers(
        &self,
        after: Option<DossierId>,
        through: DossierId,
    ) -> StoreResult<Vec<WholeDossier>> {
        whole::range(&self.pool, after, through).await
    }
    async fn counted_dossiers(
        &self,
        span: Span,
        page: Page<DossierId>,
    ) -> StoreResult<Vec<CountedDossier>> {
        statistics::counted(&self.pool, span, page).await
    }
    async fn all_attachments(&self, page: Page<AttachmentId>) -> StoreResult<Vec<Attachment>> {
        dossiers::all_attachments(&self.pool, page).await
    }
    async fn counted_dossiers_by_id(&self, ids: &[DossierId]) -> StoreResult<Vec<CountedDossier>> {
        statistics::counted_by_id(&self.pool, ids).await
    }
    async fn marked_for_recount(&self, limit: u32) -> StoreResult<Vec<Marked>> {
        kept::marked(&self.pool, limit).await
    }
    async fn recount_backlog(&self) -> StoreResult<u64> {
        kept::backlog(&self.pool).await
    }
    async fn recount(&self, basis: &str, batch: &[Recount]) -> StoreResult<u32> {
        kept::recount(&self.pool, basis, batch).await
    }
    async fn statistics_basis(&self) -> StoreResult<Option<String>> {
        kept::basis(&self.pool).await
    }
    async fn recount_everything(&self, basis: &str) -> StoreResult<u64> {
        kept::recount_everything(&self.pool, basis).await
    }
    async fn summed(&self, parts: &[SumPart]) -> StoreResult<Vec<Vec<Summed>>> {
        kept::summed(&self.pool, parts).await
    }

    async fn rate_dossier(&self, rating: &Rating) -> StoreResult<()> {
        portal::rate_dossier(&self.pool, rating).await
    }
    async fn rating(&self, dossier: DossierId) -> StoreResult<Option<Rating>> {
        portal::rating(&self.pool, dossier).await
    }

    async fn set_fee_account(&self, account: &FeeAccount) -> StoreResult<()> {
        payments::set_fee_account(&self.pool, account).await
    }
    async fn fee_account(&self, agency: AgencyId) -> StoreResult<Option<FeeAccount>> {
        payments::fee_account(&self.pool, agency).await
    }
    async fn create_payment(&self, new: NewPayment) -> StoreResult<Payment> {
        payments::create(&self.pool, new).await
    }
    async fn payment_by_reference(&self, reference: &str) -> StoreResult<Option<Payment>> {
        payments::get(&self.pool, reference).await
    }
    async fn payments_of_dossier(&self, dossier: DossierId) -> StoreResult<Vec<Payment>> {
        payments::of_dossier(&self.pool, dossier).await
    }
    async fn payments_of_checkout(&self, checkout: CheckoutId) -> StoreResult<Vec<Payment>> {
        payments::of_checkout(&self.pool, checkout).await
    }
    async fn settle_payment(&self, settlement: Settlement) -> StoreResult<Settled> {
        payments::settle(&self.pool, settlement).await
    }
    async fn fail_payment(
        &self,
        reference: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        payments::fail(&self.pool, reference, reason, at).await
    }
    async fn record_refund(&self, new: NewRefund) -> StoreResult<Refund> {
        payments::refund(&self.pool, new).await
    }
    async fn refunds_of_payment(&self, payment: PaymentId) -> StoreResult<Vec<Refund>> {
        payments::refunds_of(&self.pool, payment).await
    }
    async fn payments_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Payment>> {
        payments::between(&self.pool, from, to).await
    }
    async fn refunds_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Refund>> {
        payments::refunds_between(&self.pool, from, to).await
    }

    async fn create_consignment(&self, new: NewConsignment) -> StoreResult<ConsignmentRecord> {
        postal::create(&self.pool, new).await
    }
    async fn consignment(&self, id: ConsignmentId) -> StoreResult<Option<ConsignmentRecord>> {
        postal::get_one(&self.pool, id).await
    }
    async fn consignment_by_waybill(
        &self,
        waybill: &str,
    ) -> StoreResult<Option<ConsignmentRecord>> {
        postal::by_waybill(&self.pool, waybill).await
    }
    async fn consignments_of_dossier(
        &self,
        dossier: DossierId,
    ) -> StoreResult<Vec<ConsignmentRecord>> {
        postal::of_dossier(&self.pool, dossier).await
    }
    async fn record_consignment_step(
        &self,
        new: NewConsignmentStep,
    ) -> StoreResult<ConsignmentRecord> {
        postal::record_step(&self.pool, new).await
    }
    async fn consignment_steps(&self, id: ConsignmentId) -> StoreResult<Vec<ConsignmentStep>> {
        postal::steps(&self.pool, id).await
    }
    async fn record_carrier_push(&self, push: NewCarrierPush) -> StoreResult<PushRecorded> {
        postal::record_push(&self.pool, push).await
    }
    async fn carrier_push_seen(&self, event_id: &str, signature: &str) -> StoreResult<PushSeen> {
        postal::push_seen(&self.pool, event_id, signature).await
    }
    async fn consignments_at(
        &self,
        agencies: &[AgencyId],
        statuses: &[Status],
        limit: u32,
    ) -> StoreResult<Vec<ConsignmentRecord>> {
        postal::at_agencies(&self.pool, agencies, statuses, limit).await
    }
    async fn set_served_agencies(
        &self,
        post_office: AgencyId,
        agencies: &[AgencyId],
    ) -> StoreResult<()> {
        handovers::set_served(&self.pool, post_office, agencies).await
    }
    async fn served_agencies(&self, post_office: AgencyId) -> StoreResult<Vec<AgencyId>> {
        handovers::served(&self.pool, post_office).await
    }
    async fn post_offices_of(&self, agency: AgencyId) -> StoreResult<Vec<AgencyId>> {
        handovers::post_offices_of(&self.pool, agency).await
    }
    async fn create_handover(&self, new: NewHandover) -> StoreResult<Handover> {
        handovers::create(&self.pool, new).await
    }
    async fn handover(&self, id: HandoverId) -> StoreResult<Option<Handover>> {
        handovers::get_one(&self.pool, id).await
    }
    async fn handover_of_consignment(
        &self,
        consignment: ConsignmentId,
    ) -> StoreResult<Option<Handover>> {
        handovers::of_consignment(&self.pool, consignment).await
    }
    async fn handovers_of(
        &self,
        parties: &[AgencyId],
        unconfirmed_only: bool,
        limit: u32,
    ) -> StoreResult<Vec<Handover>> {
        handovers::of_parties(&self.pool, parties, unconfirmed_only, limit).await
    }
    async fn confirm_handover(
        &self,
        id: HandoverId,
        by: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<Confirmation> {
        handovers::confirm(&self.pool, id, by, at).await
    }
    async fn discard_handover(&self, id: HandoverId) -> StoreResult<bool> {
        handovers::discard(&self.pool, id).await
    }

    async fn enqueue(&self, job: NewJob) -> StoreResult<Option<JobId>> {
        jobs::enqueue(&self.pool, job).await
    }
    async fn claim_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> StoreResult<Vec<Job>> {
        jobs::claim(&self.pool, worker, now, lease, limit).await
    }
    async fn complete_job(&self, id: JobId, worker: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        jobs::complete(&self.pool, id, worker, now).await
    }
    async fn fail_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<FailOutcome> {
        jobs::fail(&self.pool, id, worker, error, now, jobs::Failure::MayRetry).await
    }
    async fn dead_letter_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<FailOutcome> {
        jobs::fail(&self.pool, id, worker, error, now, jobs::Failure::Permanent).await
    }
    async fn release_job(&self, id: JobId, worker: &str, now: DateTime<Utc>) -> StoreResult<bool> {
        jobs::release(&self.pool, id, worker, now).await
    }
    async fn job(&self, id: JobId) -> StoreResult<Option<Job>> {
        jobs::get(&self.pool, id).await
    }
    async fn dead_jobs(&self, limit: u32) -> StoreResult<Vec<Job>> {
        jobs::dead(&self.pool, limit).await
    }
    async fn retry_dead_job(&self, id: JobId, now: DateTime<Utc>) -> StoreResult<bool> {
        jobs::retry_dead(&self.pool, id, now).await
    }

    async fn holiday_breaks(&self) -> StoreResult<Vec<OfficialBreak>> {
        holidays::all(&self.pool).await
    }
    async fn replace_holiday_year(&self, year: i32, breaks: &[OfficialBreak]) -> StoreResult<()> {
        holidays::replace_year(&self.pool, year, breaks).await
    }
    async fn seed_holidays(&self, breaks: &[OfficialBreak]) -> StoreResult<usize> {
        holidays::seed(&self.pool, breaks).await
    }

    async fn audit(&self, entry: NewAuditEntry) -> StoreResult<AuditEntry> {
        audit::append(&self.pool, entry).await
    }
    async fn audit_entries(&self, after: Option<u64>, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        audit::entries(&self.pool, after, limit).await
    }

    async fn backup_database(&self, path: &Path) -> StoreResult<()> {
        if path.exists() {
            return Err(StoreError::invalid(format!(
                "{} exists already",
                path.display()
            )));
        }
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::invalid("the backup path is not valid UTF-8"))?;
        // VACUUM INTO reads one consistent snapshot while writers go on, and
        // writes a compact copy.
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
