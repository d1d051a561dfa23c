//! The public-post leg of a dossier as the app runs it (QĐ 45/2016,
//! TT 17/2017): what each leg costs and takes, shown before submitting
//! ([`quote`]); the post offices and the agencies they serve
//! ([`offices`]); the papers collected from the applicant ([`pickup`]);
//! the hand-over records both sides confirm ([`handover`]); the result
//! delivered ([`delivery`]); what follows each step ([`follow`]); and the
//! status pushes a postal operator's own system sends: their signature
//! ([`push`]) and what they record ([`carrier`]). The consignment rules
//! are the domain's ([`motcua_domain::postal::consignment`]).

pub mod board;
pub mod carrier;
pub mod delivery;
pub mod follow;
pub mod handover;
pub mod legs;
pub mod offices;
pub mod pickup;
mod problem;
pub mod push;
pub mod quote;
mod steps;

pub use problem::PostalProblem;
