//! Why the post's work on a dossier is refused, in words the postal worker,
//! the officer or the applicant can act on.

use motcua_domain::message::{Message, MessageArg};
use motcua_domain::postal::consignment::ConsignmentError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostalProblem {
    /// The draft's papers are with the post (or it is booked to collect
    /// them): it cannot change until the pickup is cancelled, and it
    /// enters when the post hands it over.
    #[error("the post is collecting this dossier")]
    WithThePost,
    /// No post office serves the agency.
    #[error("no post office serves this agency")]
    NoPostOffice,
    /// The postal worker's post office does not serve the agency.
    #[error("your post office does not serve this agency")]
    NotServed,
    /// The dossier's result is not waiting to go by post (not ready, or to
    /// be collected at the counter or online).
    #[error("the result of {code} is not waiting for the post")]
    NotForPost { code: String },
    /// A hand-over record is confirmed by the side that did not draft
    /// it: the agency for papers coming in, the post for results going
    /// out.
    #[error("the other side confirms this record")]
    OtherSide,
    /// A dossier the post brought cannot be received as it stands (its
    /// draft or applicant gone, the procedure no longer offered online,
    /// its form no longer passing, another agency now receiving it): the
    /// record is left unconfirmed, for one without it.
    #[error("the dossier with waybill {label} cannot be received as it stands")]
    NotEnterable { label: String },
    /// A waybill number typed twice, or already another consignment's.
    #[error("the waybill {waybill} is used for another consignment")]
    WaybillTaken { waybill: String },
    /// Papers listed on a hand-over record cannot be given back: the
    /// record is discarded first.
    #[error("the papers are listed on a hand-over record")]
    OnARecord,
    /// The day chosen for the post to come is not a working day ahead.
    #[error("the post comes on a working day from tomorrow, within {days} days")]
    PickupDay { days: u32 },
    /// The consignment's rules refuse the step.
    #[error(transparent)]
    Rule(#[from] ConsignmentError),
}

impl Message for PostalProblem {
    fn message_key(&self) -> &'static str {
        match self {
            PostalProblem::WithThePost => "postal-problem-with-the-post",
            PostalProblem::NoPostOffice => "postal-problem-no-post-office",
            PostalProblem::NotServed => "postal-problem-not-served",
            PostalProblem::NotForPost { .. } => "postal-problem-not-for-post",
            PostalProblem::PickupDay { .. } => "postal-problem-pickup-day",
            PostalProblem::OtherSide => "postal-problem-other-side",
            PostalProblem::OnARecord => "postal-problem-on-a-record",
            PostalProblem::WaybillTaken { .. } => "postal-problem-waybill-taken",
            PostalProblem::NotEnterable { .. } => "postal-problem-not-enterable",
            PostalProblem::Rule(e) => e.message_key(),
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            PostalProblem::NotForPost { code } => vec![("code", MessageArg::text(code.clone()))],
            PostalProblem::WaybillTaken { waybill } => {
                vec![("waybill", MessageArg::text(waybill.clone()))]
            }
            PostalProblem::NotEnterable { label } => {
                vec![("label", MessageArg::text(label.clone()))]
            }
            PostalProblem::PickupDay { days } => {
                vec![("days", MessageArg::Count(u64::from(*days)))]
            }
            PostalProblem::Rule(e) => e.message_args(),
            _ => Vec::new(),
        }
    }
}
