//! What the store holds. Text is NFC (the store normalises what it is given)
//! and searched through folded copies computed with `domain::text`.

mod agency;
mod audit;
mod dossier;
mod handover;
mod job;
mod payment;
mod portal;
mod postal;
mod procedure;
mod queue;
mod statistics;
mod user;

pub use agency::{Agency, AgencyKind, NewAgency};
pub use audit::{AuditEntry, NewAuditEntry};
pub use dossier::{
    Applicant, Attachment, CapturedRecord, CodeSource, Delivery, DossierHeader, DossierRecord,
    EventRecord, ImportedDossier, NewAttachment, NewDossier, NewEvent, StateColumns, WholeDossier,
};
pub use handover::{Confirmation, Handover, HandoverNumber, NewHandover};
pub use job::{FailOutcome, Job, JobState, NewJob, backoff};
pub use payment::{
    FeeAccount, NewPayment, NewRefund, Payment, PaymentItem, PaymentState, ReceiptNumber, Refund,
    Settled, Settlement, refund_allowed,
};
pub use portal::{Draft, DraftFile, NewUserToken, Rating, Satisfaction, TokenPurpose};
pub use postal::{
    ConsignmentRecord, ConsignmentStep, NewCarrierPush, NewConsignment, NewConsignmentStep,
    PickupWindow, PushRecorded, PushSeen, step_allowed, waybill_taken,
};
pub use procedure::{ProcedureColumns, ProcedureQuery, ProcedureVersion, like_pattern};
pub use queue::{QueueCounts, QueueQuery};
pub use statistics::{CellKey, CountedDossier, Grain, Marked, Recount, Span, SumPart, Summed};
pub use user::{
    ApiToken, NewApiToken, NewSession, NewUser, RoleGrant, Session, TokenHash, User, UserKind,
};

/// A page of a listing: at most `limit` rows after the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page<C> {
    pub after: Option<C>,
    pub limit: u32,
}

impl<C> Page<C> {
    pub fn first(limit: u32) -> Self {
        Page { after: None, limit }
    }
}
