//! The public-post leg of a dossier as the app runs it. So far: what the
//! return leg costs and takes, shown before submitting ([`quote`]), and
//! the status pushes a postal operator's own system sends: their signature
//! ([`push`]) and what they record ([`carrier`]).
//! The consignment rules are the domain's
//! ([`motcua_domain::postal::consignment`]).

pub mod carrier;
pub mod push;
pub mod quote;
