//! The statistics: reporting periods, where each dossier counts in
//! Biểu II.06a, and the figures of a group of dossiers.
//!
//! Every figure is added up from dossiers classified by
//! [`crate::indicators::classify`], the same classification the back office
//! warns with, so a report and the queue never disagree.

pub mod contribution;
pub mod evaluation;
pub mod figures;
pub mod period;
pub mod placement;
pub mod review;

pub use figures::{Facts, Figures, share};
pub use period::{CutOff, PeriodError, PeriodKind, PeriodSpec};
pub use placement::{Column, Fate, PLACEMENT, columns_of, fates_of};
pub use review::Review;
