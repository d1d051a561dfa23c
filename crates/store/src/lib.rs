//! `motcua-store`: one Store API, two engines.
//!
//! This room defines what the system keeps and the rules every engine obeys;
//! it holds no SQL. `motcua-store-sqlite` (the embedded default) and
//! `motcua-store-postgres` (many app nodes) implement [`Store`], each with its
//! own migrations, and both pass the same conformance suite
//! ([`conformance`], behind the `conformance` feature). The binary picks the
//! engine from the database URL at start-up and holds it as
//! `Arc<dyn Store>`, so everything above compiles once.
//!
//! The rules every engine keeps:
//! - **A dossier changes in one transaction**: its new state, its event (hash
//!   chained to the previous one, [`hash`]), the attachments' metadata and
//!   the jobs the change causes are written together or not at all. The new
//!   state is computed here from the stored one ([`timeline`]); the engine
//!   only writes it.
//! - **Dossier codes** are allocated in that same transaction from a counter
//!   per agency identifier and day: unique and without gaps, whatever the
//!   number of app nodes.
//! - **Instants** are stored as microseconds (UTC); both engines read back
//!   exactly what they wrote, so hashes agree.
//! - **Jobs** are claimed under a lease; a job whose key exists is not
//!   created twice.
//! - **The audit log** is append-only and hash chained.
//! - **The kept statistics** ([`kept`]): the database itself marks a dossier
//!   for a recount in the transaction of every change the statistics read,
//!   and a recount swaps the dossier's old contribution for its new one in
//!   one transaction, unless it was marked again after it was read.
//! - **One-time tokens** are used once however many nodes try at the same
//!   moment, and **failure counters** (logins, tracking PINs) are kept in
//!   the database, so a cluster counts them as one.
#![forbid(unsafe_code)]

pub mod clean;
pub mod error;
pub mod hash;
pub mod ids;
pub mod kept;
pub mod model;
pub mod timeline;
pub mod verify;

#[cfg(feature = "conformance")]
pub mod conformance;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_domain::calendar::OfficialBreak;
use motcua_domain::lifecycle::Role;
use motcua_domain::postal::consignment::Status;

pub use error::{StoreError, StoreResult, refuse_nul, refuse_nul_json};
pub use hash::Hash;
pub use ids::{
    AgencyId, ApiTokenId, AttachmentId, CheckoutId, ConsignmentId, DossierId, HandoverId, JobId,
    PaymentId, RefundId, SessionId, UserId,
};
pub use model::*;

/// How long failure counters keep a failure: [`Store::record_failure`]
/// forgets that key's older ones.
pub const FAILURES_KEPT: TimeDelta = TimeDelta::days(7);

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// Everything motcua keeps, on any engine.
///
/// Every method is one transaction. Text given is normalised to NFC;
/// instants are truncated to microseconds.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn engine(&self) -> Engine;
    /// Closes every connection, waiting for those in use. SQLite folds its
    /// write-ahead log into the database file as the last one closes. The
    /// store is not used afterwards.
    async fn close(&self);

    // --- agencies --------------------------------------------------------

    async fn create_agency(&self, new: NewAgency) -> StoreResult<Agency>;
    async fn agency(&self, id: AgencyId) -> StoreResult<Option<Agency>>;
    async fn agency_by_identifier(&self, identifier: &str) -> StoreResult<Option<Agency>>;
    /// The agencies directly under `parent` (the roots for `None`), by name.
    async fn child_agencies(&self, parent: Option<AgencyId>) -> StoreResult<Vec<Agency>>;
    /// The agencies merged directly into `into`, by name.
    async fn merged_agencies(&self, into: AgencyId) -> StoreResult<Vec<Agency>>;
    /// Saves the name, kind, office hours and reception scope of an agency.
    async fn update_agency(&self, agency: &Agency) -> StoreResult<()>;

    // --- users, roles, sessions, tokens ------------------------------------

    async fn create_user(&self, new: NewUser) -> StoreResult<User>;
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// The account with this e-mail (any case), phone or identity number.
    async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>>;
    async fn set_password_hash(&self, user: UserId, hash: &str) -> StoreResult<()>;
    async fn set_user_disabled(&self, user: UserId, disabled: bool) -> StoreResult<()>;
    async fn grant_role(
        &self,
        user: UserId,
        agency: AgencyId,
        role: Role,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn revoke_role(&self, user: UserId, agency: AgencyId, role: Role) -> StoreResult<bool>;
    async fn roles(&self, user: UserId) -> StoreResult<Vec<RoleGrant>>;
    /// Every grant at one agency (its officials), by role.
    async fn grants_at(&self, agency: AgencyId) -> StoreResult<Vec<RoleGrant>>;

    async fn create_session(&self, new: NewSession) -> StoreResult<Session>;
    async fn session(&self, token_hash: &TokenHash) -> StoreResult<Option<Session>>;
    async fn touch_session(&self, id: SessionId, at: DateTime<Utc>) -> StoreResult<()>;
    async fn revoke_session(&self, id: SessionId, at: DateTime<Utc>) -> StoreResult<()>;
    /// Revokes every open session of a user (password change); how many.
    async fn revoke_user_sessions(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<u64>;

    async fn create_api_token(&self, new: NewApiToken) -> StoreResult<ApiToken>;
    async fn api_token(&self, token_hash: &TokenHash) -> StoreResult<Option<ApiToken>>;
    async fn revoke_api_token(&self, id: ApiTokenId, at: DateTime<Utc>) -> StoreResult<()>;

    /// Marks the account's e-mail as verified at `at` (`NotFound` for an
    /// unknown account).
    async fn set_email_verified(&self, user: UserId, at: DateTime<Utc>) -> StoreResult<()>;

    // --- one-time tokens (e-mail verification, password reset) ------------

    /// Records a one-time token (its hash only); a hash already recorded is
    /// [`StoreError::Conflict`].
    async fn create_user_token(&self, new: NewUserToken) -> StoreResult<()>;
    /// Uses a token once: if a token with this hash and purpose exists, is
    /// unused and not expired at `now` (it expires *at* `expires_at`),
    /// marks it used and returns its user — atomically, so two concurrent
    /// uses give the user to only one of them. Otherwise `None`.
    async fn consume_user_token(
        &self,
        purpose: TokenPurpose,
        token_hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<UserId>>;

    // --- drafts --------------------------------------------------------------

    /// Creates or replaces a draft (a replacement keeps the first
    /// `created_at`). A draft id that belongs to another user, or that is
    /// already a dossier's id, is [`StoreError::Conflict`]: a draft is
    /// frozen once submitted.
    async fn save_draft(&self, draft: &Draft) -> StoreResult<()>;
    async fn draft(&self, id: DossierId) -> StoreResult<Option<Draft>>;
    /// A user's drafts, most recently updated first.
    async fn drafts_of_user(&self, user: UserId) -> StoreResult<Vec<Draft>>;
    /// Deletes a draft; whether there was one.
    async fn delete_draft(&self, id: DossierId) -> StoreResult<bool>;

    // --- failure counters ------------------------------------------------------
    // Login attempts, tracking-PIN guesses: counted in the database so every
    // node of a cluster sees the same count.

    /// Records a failure under `key` at `at` (and forgets that key's
    /// failures older than [`FAILURES_KEPT`] before `at`).
    async fn record_failure(&self, key: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// How many failures were recorded for `key` at or after `since`.
    async fn failures_since(&self, key: &str, since: DateTime<Utc>) -> StoreResult<u32>;
    /// Forgets every failure of `key` (a successful login).
    async fn clear_failures(&self, key: &str) -> StoreResult<()>;

    // --- procedures --------------------------------------------------------

    /// Saves a version (replacing the one with the same code and date).
    async fn put_procedure_version(&self, version: &ProcedureVersion) -> StoreResult<()>;
    /// Saves many versions in one transaction: all or none (a catalog
    /// import). Returns how many.
    async fn import_procedures(&self, versions: &[ProcedureVersion]) -> StoreResult<usize>;
    /// The version of `code` in force on `on`.
    async fn procedure_in_force(
        &self,
        code: &str,
        on: NaiveDate,
    ) -> StoreResult<Option<ProcedureVersion>>;
    /// Every version of `code`, oldest first.
    async fn procedure_versions(&self, code: &str) -> StoreResult<Vec<ProcedureVersion>>;
    /// The versions in force on a day that match, by folded name then code.
    async fn search_procedures(&self, query: &ProcedureQuery)
    -> StoreResult<Vec<ProcedureVersion>>;
    /// The fields (*lĩnh vực*) of the procedures in force on `on`, sorted.
    async fn procedure_fields(&self, on: NaiveDate) -> StoreResult<Vec<String>>;
    /// Every version of every procedure (a catalog export), by code and date.
    async fn all_procedure_versions(&self) -> StoreResult<Vec<ProcedureVersion>>;

    // --- dossiers ----------------------------------------------------------

    /// Creates a dossier with its entry event, attachments and jobs, and
    /// allocates its code, in one transaction. An id (or an upstream code)
    /// that exists already is [`StoreError::Conflict`] and changes nothing
    /// (nor does it delete anything: the draft a dossier was submitted from
    /// stays, so a repeated submission finds both).
    async fn create_dossier(&self, new: NewDossier) -> StoreResult<DossierRecord>;
    /// Imports whole dossiers ([`ImportedDossier`]) in one transaction: all
    /// of them or, on the first one refused, none. Returns how many were
    /// written.
    async fn import_dossiers(&self, batch: Vec<ImportedDossier>) -> StoreResult<usize>;
    /// Refreshes what the query planner knows of the tables' sizes and
    /// spreads. A bulk import changes them wholesale, and a planner still
    /// believing the old figures picks plans for another database (on
    /// PostgreSQL, one believed 1.37 million dossiers in the office where
    /// there were 24,590). Samples, so it takes seconds, not a full pass.
    async fn refresh_planner_statistics(&self) -> StoreResult<()>;
    async fn dossier(&self, id: DossierId) -> StoreResult<Option<DossierRecord>>;
    async fn dossier_by_code(&self, code: &str) -> StoreResult<Option<DossierRecord>>;
    /// Appends an event if the dossier still has `expected_events` events
    /// (otherwise [`StoreError::Conflict`]: someone acted first), with its
    /// attachments and jobs, in one transaction.
    async fn append_event(
        &self,
        id: DossierId,
        expected_events: u32,
        new: NewEvent,
    ) -> StoreResult<DossierRecord>;
    /// The timeline, in order.
    async fn events(&self, id: DossierId) -> StoreResult<Vec<EventRecord>>;
    async fn attachments(&self, id: DossierId) -> StoreResult<Vec<Attachment>>;
    /// The dossiers filed by `user` (`applicant.user`), newest first, a
    /// page at a time (the cursor is the last id of the previous page).
    async fn dossiers_of_applicant(
        &self,
        user: UserId,
        page: Page<DossierId>,
    ) -> StoreResult<Vec<DossierRecord>>;
    /// The dossiers `unit` received with an entry instant in `[from, to)`,
    /// in the order they came in (entry instant, then id), a page at a time
    /// (the cursor is the entry instant and id of the previous page's last):
    /// the logbook.
    async fn received_between(
        &self,
        unit: AgencyId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        page: Page<(DateTime<Utc>, DossierId)>,
    ) -> StoreResult<Vec<DossierRecord>>;
    /// The back office's queue ([`QueueQuery`]).
    async fn office_queue(&self, query: &QueueQuery) -> StoreResult<Vec<DossierRecord>>;
    /// How many dossiers of the queue of `agencies` are open, overdue at
    /// `now`, and due before `soon`.
    async fn office_counts(
        &self,
        agencies: &[AgencyId],
        now: DateTime<Utc>,
        soon: DateTime<Utc>,
    ) -> StoreResult<QueueCounts>;
    /// The agencies a dossier has been sent to for a step (an inter-agency
    /// step or a consultation): they may see it from then on. Recorded with
    /// the event that sends it, for an agency known by that identifier.
    async fn dossier_step_agencies(&self, id: DossierId) -> StoreResult<Vec<AgencyId>>;
    /// The documents digitised on the dossiers of the applicant with
    /// identity number `identity`, newest first, at most `limit` (so an
    /// official reuses them instead of asking again). Recorded with the
    /// event that captures each.
    async fn captured_documents_of(
        &self,
        identity: &str,
        limit: u32,
    ) -> StoreResult<Vec<CapturedRecord>>;
    /// Every dossier id in order, a page at a time (for `verify`).
    async fn dossier_ids(&self, page: Page<DossierId>) -> StoreResult<Vec<DossierId>>;
    /// The dossiers with ids after `after` (from the first when `None`) up
    /// to and including `through`, each whole, in id order, as one
    /// consistent read: a range scan of each table instead of three point
    /// reads a dossier, so a walk over ten million stays sequential.
    async fn whole_dossiers(
        &self,
        after: Option<DossierId>,
        through: DossierId,
    ) -> StoreResult<Vec<WholeDossier>>;
    /// The dossiers that count in the period `span`, in id order, a page
    /// at a time (the cursor is the last id): those accepted before its end
    /// and not concluded (decided or ended) before its start, and those
    /// never accepted that ended within it. Each comes with what was
    /// recorded about it elsewhere ([`CountedDossier`]).
    async fn counted_dossiers(
        &self,
        span: Span,
        page: Page<DossierId>,
    ) -> StoreResult<Vec<CountedDossier>>;
    /// The dossiers among `ids` that exist, as [`Store::counted_dossiers`]
    /// gives them, in id order.
    async fn counted_dossiers_by_id(&self, ids: &[DossierId]) -> StoreResult<Vec<CountedDossier>>;

    // --- kept statistics (`kept`) ------------------------------------------

    /// Up to `limit` dossiers marked for a recount, oldest mark first. The
    /// database marks a dossier itself, in the transaction of every change
    /// to what the statistics read of it (its record, a digitised
    /// document, a rating, a payment covering it, its receiving unit's
    /// office hours).
    async fn marked_for_recount(&self, limit: u32) -> StoreResult<Vec<Marked>>;
    /// How many dossiers are marked for a recount.
    async fn recount_backlog(&self) -> StoreResult<u64>;
    /// Replaces the kept contribution of each dossier of `batch` whose mark
    /// is still the one given (one marked again since was read too early
    /// and is left for its next recount), all in one transaction, and
    /// returns how many were replaced. The batch was counted on `basis`:
    /// if the kept statistics are on another by now, nothing is written
    /// and the answer is [`StoreError::Conflict`].
    async fn recount(&self, basis: &str, batch: &[Recount]) -> StoreResult<u32>;
    /// What the kept statistics were counted on (a fingerprint of what the
    /// contributions read beyond the marked tables: the catalog's levels
    /// and fees, the official calendar), if anything.
    async fn statistics_basis(&self) -> StoreResult<Option<String>>;
    /// Marks every dossier not marked yet for a recount on a new `basis`,
    /// then sets the basis, and returns how many it marked. (A dossier
    /// marked already keeps its mark: a recount of it made on the old
    /// basis is refused by [`Store::recount`].) An engine may mark in
    /// slices, each its own transaction, so that writers never wait for
    /// the whole record: the basis is set with the last, so a failure
    /// midway leaves the old basis and the next call marks the rest.
    async fn recount_everything(&self, basis: &str) -> StoreResult<u64>;
    /// The kept sums of each of `parts`, per cell and measure, all read
    /// from one snapshot of the sums so they add up.
    async fn summed(&self, parts: &[SumPart]) -> StoreResult<Vec<Vec<Summed>>>;

    /// Every attachment in order, a page at a time (for `verify`).
    async fn all_attachments(&self, page: Page<AttachmentId>) -> StoreResult<Vec<Attachment>>;

    // --- satisfaction ----------------------------------------------------------

    /// Records an applicant's rating of a dossier; a second rating of the
    /// same dossier is [`StoreError::Conflict`], an unknown dossier
    /// [`StoreError::NotFound`].
    async fn rate_dossier(&self, rating: &Rating) -> StoreResult<()>;
    async fn rating(&self, dossier: DossierId) -> StoreResult<Option<Rating>>;

    // --- jobs ----------------------------------------------------------------

    /// Adds a job; `None` when its idempotency key already exists.
    async fn enqueue(&self, job: NewJob) -> StoreResult<Option<JobId>>;
    /// Leases up to `limit` due jobs to `worker` until `now + lease`. A lease
    /// is known by the worker's name, so each claiming loop needs a name of
    /// its own (host, process and a random part); `now` is the caller's
    /// clock, so app nodes keep their clocks in sync (NTP). A job whose last
    /// allowed attempt ran out its lease is dead-lettered here.
    async fn claim_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> StoreResult<Vec<Job>>;
    /// Marks a job done, if `worker` still holds it.
    async fn complete_job(&self, id: JobId, worker: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Records a failed attempt: retried later with backoff, or dead-lettered
    /// when it was the last allowed one. [`FailOutcome::LeaseLost`] when
    /// `worker` no longer holds the job: nothing changes then.
    async fn fail_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<FailOutcome>;
    /// Records a failure no retry can mend (an address refused, a payload
    /// that does not parse): the job is dead-lettered at once with `error`,
    /// whatever attempts it has left; the attempt that failed stays counted.
    /// [`FailOutcome::Dead`], or [`FailOutcome::LeaseLost`] when `worker` no
    /// longer holds the job (nothing changes then); never a retry.
    /// [`Store::retry_dead_job`] brings it back like any dead job.
    async fn dead_letter_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<FailOutcome>;
    /// Hands back a job `worker` claimed but never started (its runner is
    /// stopping): pending again and due at once, keeping its place in the
    /// queue (its time becomes the earlier of its own and `now`), lease
    /// cleared, and without the attempt its claim counted, so a job on its
    /// last attempt is not dead-lettered for a run that never happened; its
    /// last error stays. `false` when `worker` no longer holds the job
    /// (nothing changes then). Only for a job not started: one that ran and
    /// is handed back this way would never use up its attempts.
    async fn release_job(&self, id: JobId, worker: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    async fn job(&self, id: JobId) -> StoreResult<Option<Job>>;
    /// Dead-lettered jobs, oldest first.
    async fn dead_jobs(&self, limit: u32) -> StoreResult<Vec<Job>>;
    /// Gives a dead job a fresh set of attempts.
    async fn retry_dead_job(&self, id: JobId, now: DateTime<Utc>) -> StoreResult<bool>;

    // --- holidays ------------------------------------------------------------

    /// The official holiday schedule in force (seeded from the repository's
    /// files, then edited by administrators).
    async fn holiday_breaks(&self) -> StoreResult<Vec<OfficialBreak>>;
    /// Replaces the breaks of one holiday year.
    async fn replace_holiday_year(&self, year: i32, breaks: &[OfficialBreak]) -> StoreResult<()>;
    /// Seeds the schedule if the database has none yet; how many were added.
    async fn seed_holidays(&self, breaks: &[OfficialBreak]) -> StoreResult<usize>;

    // --- fees paid online -------------------------------------------------------

    /// Sets (or replaces) the account an agency collects fees into.
    async fn set_fee_account(&self, account: &FeeAccount) -> StoreResult<()>;
    async fn fee_account(&self, agency: AgencyId) -> StoreResult<Option<FeeAccount>>;
    /// Starts a payment. A reference that exists is
    /// [`StoreError::Conflict`].
    async fn create_payment(&self, new: NewPayment) -> StoreResult<Payment>;
    async fn payment_by_reference(&self, reference: &str) -> StoreResult<Option<Payment>>;
    /// The payments covering a dossier, oldest first.
    async fn payments_of_dossier(&self, dossier: DossierId) -> StoreResult<Vec<Payment>>;
    /// The payments of one checkout, in the order they were made.
    async fn payments_of_checkout(&self, checkout: CheckoutId) -> StoreResult<Vec<Payment>>;
    /// Settles a pending or failed payment in one transaction: the next
    /// number of its beneficiary's receipt series for the year of `at`
    /// (local time), and a [`FeePaid`](motcua_domain::lifecycle::Action::FeePaid)
    /// event on each dossier it covers. A payment settled before is
    /// [`Settled::Already`] and changes nothing; an unknown reference is
    /// [`StoreError::NotFound`]; a beneficiary without a fee account is
    /// [`StoreError::Invalid`].
    async fn settle_payment(&self, settlement: Settlement) -> StoreResult<Settled>;
    /// Marks a pending payment failed; false if it was not pending.
    async fn fail_payment(
        &self,
        reference: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records a refund and its
    /// [`FeeRefunded`](motcua_domain::lifecycle::Action::FeeRefunded) event
    /// on the dossier in one transaction. Refused ([`StoreError::Invalid`])
    /// unless the payment is settled and covers the dossier, and the
    /// dossier's refunds stay within what it paid.
    async fn record_refund(&self, new: NewRefund) -> StoreResult<Refund>;
    /// The refunds made against a payment, oldest first.
    async fn refunds_of_payment(&self, payment: PaymentId) -> StoreResult<Vec<Refund>>;
    /// The payments started or closed (settled, failed) in `[from, to)`,
    /// oldest first: a day's reconciliation.
    async fn payments_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Payment>>;
    /// The refunds made in `[from, to)`, oldest first.
    async fn refunds_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Refund>>;

    // --- the public post ------------------------------------------------------

    /// Makes a consignment in its first status (a pickup booked, a result
    /// waiting for the post). A second pickup in force for one draft, or a
    /// second delivery (not cancelled) of one dossier's result, is
    /// [`StoreError::Conflict`].
    async fn create_consignment(&self, new: NewConsignment) -> StoreResult<ConsignmentRecord>;
    async fn consignment(&self, id: ConsignmentId) -> StoreResult<Option<ConsignmentRecord>>;
    /// The consignment whose slip carries `waybill` (as
    /// [`waybill_number`](motcua_domain::postal::consignment::waybill_number)
    /// writes it).
    async fn consignment_by_waybill(&self, waybill: &str)
    -> StoreResult<Option<ConsignmentRecord>>;
    /// A dossier's consignments (its draft's too), oldest first.
    async fn consignments_of_dossier(
        &self,
        dossier: DossierId,
    ) -> StoreResult<Vec<ConsignmentRecord>>;
    /// Records a step and the state after it, if the consignment still has
    /// `expected_steps` steps; otherwise, or when the waybill is another
    /// consignment's, [`StoreError::Conflict`] and nothing is written.
    async fn record_consignment_step(
        &self,
        new: NewConsignmentStep,
    ) -> StoreResult<ConsignmentRecord>;
    /// A consignment's steps, in order.
    async fn consignment_steps(&self, id: ConsignmentId) -> StoreResult<Vec<ConsignmentStep>>;
    /// Records an operator's status push and its step in one transaction.
    /// An event recorded before is [`PushRecorded::Already`]; a signature
    /// seen before (a replay) is [`StoreError::Conflict`]; a refused step
    /// (see [`Store::record_consignment_step`]) records no push either.
    async fn record_carrier_push(&self, push: NewCarrierPush) -> StoreResult<PushRecorded>;
    /// Whether a push with this signature, or else this event id, was
    /// recorded.
    async fn carrier_push_seen(&self, event_id: &str, signature: &str) -> StoreResult<PushSeen>;
    /// The consignments of `agencies` in one of `statuses`, oldest first,
    /// at most `limit`: the post's queues (what to collect, what to
    /// deliver).
    async fn consignments_at(
        &self,
        agencies: &[AgencyId],
        statuses: &[Status],
        limit: u32,
    ) -> StoreResult<Vec<ConsignmentRecord>>;

    /// Sets the agencies a post office serves (replacing the list).
    async fn set_served_agencies(
        &self,
        post_office: AgencyId,
        agencies: &[AgencyId],
    ) -> StoreResult<()>;
    /// The agencies a post office serves.
    async fn served_agencies(&self, post_office: AgencyId) -> StoreResult<Vec<AgencyId>>;
    /// The post offices serving an agency.
    async fn post_offices_of(&self, agency: AgencyId) -> StoreResult<Vec<AgencyId>>;

    /// Drafts a hand-over record with the next number of its post office's
    /// series for the year, in one transaction: every consignment listed
    /// must be the agency's, of the record's leg and ready to hand over
    /// ([`NewHandover::may_list`]), and on no other record; else nothing
    /// is written.
    async fn create_handover(&self, new: NewHandover) -> StoreResult<Handover>;
    async fn handover(&self, id: HandoverId) -> StoreResult<Option<Handover>>;
    /// The record a consignment is listed on.
    async fn handover_of_consignment(
        &self,
        consignment: ConsignmentId,
    ) -> StoreResult<Option<Handover>>;
    /// The records with any of `parties` as post office or agency, newest
    /// first, at most `limit`; only the unconfirmed ones when asked.
    async fn handovers_of(
        &self,
        parties: &[AgencyId],
        unconfirmed_only: bool,
        limit: u32,
    ) -> StoreResult<Vec<Handover>>;
    /// Confirms a record once: a second confirmation changes nothing and
    /// answers [`Confirmation::Already`].
    async fn confirm_handover(
        &self,
        id: HandoverId,
        by: UserId,
        at: DateTime<Utc>,
    ) -> StoreResult<Confirmation>;
    /// Deletes a record not yet confirmed (drafted by mistake), freeing
    /// what it listed; whether there was one to delete. A confirmed record
    /// is [`StoreError::Conflict`].
    async fn discard_handover(&self, id: HandoverId) -> StoreResult<bool>;

    // --- audit ---------------------------------------------------------------

    async fn audit(&self, entry: NewAuditEntry) -> StoreResult<AuditEntry>;
    /// Entries after `after` (a sequence number), in order.
    async fn audit_entries(&self, after: Option<u64>, limit: u32) -> StoreResult<Vec<AuditEntry>>;

    // --- maintenance -----------------------------------------------------------

    /// Writes a consistent copy of the whole database to `path` while the
    /// store keeps serving (SQLite); PostgreSQL answers
    /// [`StoreError::Unsupported`]: use its own tools.
    async fn backup_database(&self, path: &std::path::Path) -> StoreResult<()>;
}
