//! The one-stop back office (DOMAIN §2, §9): officials and their roles, who
//! may see a dossier, the actions they take on it, and their queue.
//!
//! An official acts *in a role at an agency*: a role granted at the
//! receiving unit lets them receive and return, one at the deciding agency
//! lets them appraise and approve. Whoever cannot see a dossier is told it
//! does not exist, never that it is forbidden.

pub mod act;
pub mod admins;
pub mod bulk;
pub mod calendar;
pub mod capture;
pub mod closures;
pub mod digest;
pub mod inbox;
pub mod intake;
pub mod plan;
pub mod reorganise;
pub mod scope;
pub mod system;

pub use scope::Official;
