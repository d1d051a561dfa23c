//! The one error type of the use cases.
//!
//! What the person asking can act on carries a message key
//! ([`motcua_domain::message::Message`]): the problems of a form, each at its
//! field; a wrong password; too many attempts; a link that has expired; an
//! action the dossier's stage does not allow. What they cannot act on (the
//! database or the blob storage failing) is passed up whole, for the edge to
//! log and answer "try again later".

use chrono::{DateTime, Utc};
use motcua_blobs::BlobError;
use motcua_domain::calendar::CalendarError;
use motcua_domain::forms::{FieldProblem, Problem};
use motcua_domain::lifecycle::LifecycleError;
use motcua_domain::message::{Message, MessageArg};
use motcua_domain::printout::RenderError;
use motcua_store::StoreError;

/// What a use case refuses, or what failed under it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input has problems, each named at its field.
    #[error("{} problems in the form", .0.len())]
    Invalid(Vec<FieldProblem>),
    /// Nothing of this kind with this name is visible to the one asking
    /// (also when it exists but belongs to someone else: no one learns what
    /// others have).
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The login or the password is wrong (which one is not said).
    #[error("wrong login or password")]
    BadCredentials,
    /// The account is disabled.
    #[error("the account is disabled")]
    Disabled,
    /// Too many failed attempts; the next is allowed from `until`.
    #[error("too many attempts; try again after {until}")]
    Throttled { until: DateTime<Utc> },
    /// A one-time link that is unknown, used or expired.
    #[error("the link is not valid any more")]
    BadLink,
    /// The procedure cannot be applied for online (information only, or
    /// not in force).
    #[error("this procedure is not offered online")]
    NotOnline,
    /// The dossier's state does not allow this (stage, role, regime).
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// A synthetic-data plan that cannot be made.
    #[error(transparent)]
    Plan(#[from] crate::generate::PlanProblem),
    /// The legal calendar cannot answer (no official schedule for a year).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The post's work refused (a dossier with the post, a post office
    /// that does not serve the agency, a consignment's rules).
    #[error(transparent)]
    Postal(#[from] crate::postal::PostalProblem),
    /// A reporting period that cannot be read or is empty.
    #[error(transparent)]
    Period(#[from] motcua_domain::statistics::PeriodError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    /// A form could not be drawn as a file (no engine in this build, or
    /// the engine failed).
    #[error(transparent)]
    Render(#[from] RenderError),
    /// Something that should not happen (a random source failing, a value
    /// that does not serialise).
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    /// One problem at one field.
    pub fn field(field: &str, problem: Problem) -> Self {
        AppError::Invalid(vec![FieldProblem {
            field: field.to_owned(),
            problem,
        }])
    }

    /// Whether the person asking can do something about it (a 4xx), as
    /// opposed to a failure underneath (a 5xx).
    pub fn is_refusal(&self) -> bool {
        !matches!(
            self,
            AppError::Store(
                StoreError::Unavailable(_)
                    | StoreError::Corrupt { .. }
                    | StoreError::Database(_)
                    | StoreError::SchemaTooNew { .. }
                    | StoreError::SchemaOutdated { .. }
                    | StoreError::Unsupported { .. }
            ) | AppError::Blob(_)
                | AppError::Render(_)
                | AppError::Internal(_)
        )
    }
}

impl Message for AppError {
    fn message_key(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "app-error-invalid",
            AppError::NotFound(_) => "app-error-not-found",
            AppError::BadCredentials => "app-error-bad-credentials",
            AppError::Disabled => "app-error-disabled",
            AppError::Throttled { .. } => "app-error-throttled",
            AppError::BadLink => "app-error-bad-link",
            AppError::NotOnline => "app-error-not-online",
            AppError::Lifecycle(e) => e.message_key(),
            AppError::Plan(e) => e.message_key(),
            AppError::Calendar(e) => e.message_key(),
            AppError::Store(e) => e.message_key(),
            AppError::Postal(e) => e.message_key(),
            AppError::Period(e) => e.message_key(),
            AppError::Render(RenderError::Unavailable { .. }) => "app-error-render-unavailable",
            AppError::Blob(_) | AppError::Render(_) | AppError::Internal(_) => "app-error-internal",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            AppError::Invalid(problems) => {
                vec![("count", MessageArg::Count(problems.len() as u64))]
            }
            AppError::NotFound(what) => vec![("what", MessageArg::key("app-thing-", what))],
            AppError::Throttled { until } => vec![("until", MessageArg::Instant(*until))],
            AppError::Lifecycle(e) => e.message_args(),
            AppError::Plan(e) => e.message_args(),
            AppError::Calendar(e) => e.message_args(),
            AppError::Store(e) => e.message_args(),
            AppError::Postal(e) => e.message_args(),
            AppError::Period(e) => e.message_args(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use motcua_i18n::Lang;

    use super::*;

    #[test]
    fn every_refusal_reads_in_both_languages() {
        let errors = [
            AppError::field("x", Problem::Required),
            AppError::NotFound("procedure"),
            AppError::NotFound("dossier"),
            AppError::NotFound("draft"),
            AppError::NotFound("file"),
            AppError::NotFound("account"),
            AppError::NotFound("official"),
            AppError::NotFound("agency"),
            AppError::NotFound("payment"),
            AppError::BadCredentials,
            AppError::Disabled,
            AppError::Throttled { until: Utc::now() },
            AppError::BadLink,
            AppError::NotOnline,
            AppError::Postal(crate::postal::PostalProblem::WithThePost),
            AppError::Period(motcua_domain::statistics::PeriodError::Malformed(
                "2025-H3".into(),
            )),
            AppError::Period(motcua_domain::statistics::PeriodError::Empty),
            AppError::Period(motcua_domain::statistics::PeriodError::CutOff(30)),
            AppError::Period(motcua_domain::statistics::PeriodError::NotYet),
            AppError::Postal(crate::postal::PostalProblem::NoPostOffice),
            AppError::Postal(crate::postal::PostalProblem::NotServed),
            AppError::Postal(crate::postal::PostalProblem::OtherSide),
            AppError::Postal(crate::postal::PostalProblem::OnARecord),
            AppError::Postal(crate::postal::PostalProblem::WaybillTaken {
                waybill: "EE473124829VN".into(),
            }),
            AppError::Postal(crate::postal::PostalProblem::NotEnterable {
                label: "EE473124829VN".into(),
            }),
            AppError::Postal(crate::postal::PostalProblem::NotForPost {
                code: "000.00.01.H29-260302-0001".into(),
            }),
            AppError::Postal(crate::postal::PostalProblem::PickupDay { days: 14 }),
            AppError::Internal("x".into()),
        ];
        for lang in Lang::ALL {
            for e in &errors {
                let text = lang.describe(e);
                assert!(lang.has(e.message_key()), "{lang} {}", e.message_key());
                assert!(
                    !text.contains('{') && !text.contains("app-thing"),
                    "{lang}: {text}"
                );
            }
        }
    }
}
