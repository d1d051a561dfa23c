//! The conformance suite: what every engine must do, identically.
//!
//! Each engine crate's integration tests call [`conformance_tests!`] with a
//! factory that creates a fresh, empty database and returns a
//! [`TestDatabase`] for it (or `None` when the engine's server is not
//! configured, to skip). A case that stands for several app nodes opens
//! several [`Store`]s on the database, each with its own connection pool.
//!
//! Panics are how a test fails, so this module allows them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cases;
mod fixtures;
mod handovers;
mod kept;
mod payments;
mod postal;
mod statistics;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::{Dossier, Stage};

use crate::Hash;
use crate::Store;
use crate::ids::{AgencyId, DossierId};
use crate::model::EventRecord;

pub use cases::*;
pub use fixtures::{Fixture, cw, procedure, vn};
pub use handovers::*;
pub use kept::*;
pub use payments::*;
pub use postal::*;
pub use statistics::*;

/// Edits made behind the store's back, to prove `verify` notices them.
#[derive(Debug, Clone)]
pub enum Tamper {
    /// Changes the reason column of an event.
    EventReason {
        dossier: DossierId,
        seq: u32,
        reason: String,
    },
    /// Deletes an event row.
    DeleteEvent { dossier: DossierId, seq: u32 },
    /// Renumbers an event (to reorder or make room).
    RenumberEvent {
        dossier: DossierId,
        from: u32,
        to: u32,
    },
    /// Inserts an event row as given (hash and all).
    InsertEvent { record: Box<EventRecord> },
    /// Sets the stage column of a dossier.
    Stage { dossier: DossierId, stage: Stage },
    /// Sets the due-date column of a dossier.
    Due {
        dossier: DossierId,
        due: DateTime<Utc>,
    },
    /// Replaces the stored state of a dossier.
    State {
        dossier: DossierId,
        state: Box<Dossier>,
    },
    /// Writes JSON that is not a state at all into the state column.
    StateText { dossier: DossierId, text: String },
    /// Hands the dossier to another deciding agency (who may see it).
    DecidingAgency {
        dossier: DossierId,
        agency: AgencyId,
    },
    /// Points an attachment at other bytes: its SHA-256 and blob key.
    AttachmentBlob { dossier: DossierId, sha256: Hash },
    /// Rewrites the form column of a dossier (JSON).
    Form {
        dossier: DossierId,
        form: serde_json::Value,
    },
    /// Sets the field every attachment of a dossier answers.
    AttachmentField {
        dossier: DossierId,
        field: Option<String>,
    },
    /// Changes the details of an audit entry.
    AuditDetails {
        seq: u64,
        details: serde_json::Value,
    },
}

/// One fresh database of an engine, for one test.
#[async_trait]
pub trait TestDatabase: Send + Sync {
    /// A new store on this database, with its own connection pool (as a
    /// separate app node would have).
    async fn open(&self) -> Arc<dyn Store>;
    /// Changes the database directly.
    async fn tamper(&self, tamper: Tamper);
}

/// Defines one `#[tokio::test]` per conformance case for an engine.
/// `$factory` is an async expression giving `Option<impl TestDatabase>`;
/// `None` skips the case (the engine's server is not configured).
#[macro_export]
macro_rules! conformance_tests {
    ($factory:expr) => {
        $crate::conformance_tests!(@cases $factory;
            agencies_form_a_tree,
            users_log_in_by_email_phone_or_identity,
            roles_are_granted_per_agency,
            sessions_and_tokens_are_kept_by_hash,
            procedures_are_versioned_by_date,
            the_catalog_is_searched_as_it_stands_on_a_day,
            a_dossier_is_created_with_its_code_event_attachments_and_jobs,
            codes_run_per_agency_and_day,
            upstream_codes_are_kept,
            events_append_with_the_state_in_one_transaction,
            a_stale_or_illegal_append_leaves_nothing,
            both_engines_hash_alike,
            concurrent_creations_get_unique_gap_free_codes,
            jobs_are_claimed_once_and_retried_then_dead_lettered,
            two_workers_never_hold_the_same_lease,
            recurring_work_runs_once_per_period,
            holidays_are_seeded_once_and_replaced_by_year,
            the_audit_log_is_chained,
            verify_names_every_tampered_dossier,
            text_with_a_nul_is_refused_alike,
            verify_names_what_it_cannot_read_and_what_changed_hands,
            a_job_that_kills_its_worker_is_dead_lettered,
            a_permanent_failure_is_dead_lettered_at_once,
            a_claimed_job_is_released_without_its_attempt,
            upstream_codes_in_our_form_move_our_counter,
            an_ambiguous_login_names_no_one,
            accounts_keep_their_language_representative_and_verified_email,
            one_time_tokens_are_used_once,
            concurrent_uses_of_a_token_give_it_to_one,
            drafts_are_saved_replaced_listed_and_deleted,
            a_submitted_draft_stays_as_it_was,
            a_draft_saved_during_its_submission_is_saved_before_or_refused,
            failures_are_counted_since_an_instant_and_cleared,
            applicants_list_their_dossiers_a_page_at_a_time,
            a_dossier_is_rated_once,
            a_form_and_its_attachment_fields_round_trip,
            verify_catches_an_edited_form_or_attachment_field,
            a_duplicate_dossier_id_is_a_conflict_that_changes_nothing,
            the_office_queue_puts_the_most_urgent_first,
            an_agency_sent_a_step_may_see_the_dossier,
            captured_documents_are_found_by_their_holder,
            a_transfer_moves_the_dossier_and_its_timeline_still_verifies,
            whole_dossiers_are_read_by_range_as_they_are_one_by_one,
            a_units_dossiers_are_listed_in_the_order_they_came_in,
            a_period_counts_what_was_open_in_it_or_ended_unreceived_in_it,
            kept_sums_take_back_an_old_contribution_and_drop_a_stale_recount,
            imported_dossiers_are_written_as_if_created_then_appended,
            a_payment_settles_once_with_its_receipt_and_an_event_per_dossier,
            concurrent_settlements_settle_once,
            refunds_stay_within_what_was_paid,
            consignments_record_each_step_once,
            carrier_pushes_change_the_record_once,
            the_same_push_on_three_nodes_at_once_records_one_step,
            hand_over_records_list_ready_consignments_once,
            two_records_drafted_at_once_never_list_one_consignment_twice,
            a_draft_has_one_pickup_in_force_and_a_result_one_delivery,
        );
    };
    (@cases $factory:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let Some(db) = $factory.await else {
                    eprintln!("skipped: the engine's test server is not configured");
                    return;
                };
                $crate::conformance::$case(&db).await;
            }
        )*
    };
}
