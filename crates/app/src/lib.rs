//! `motcua-app`: the use cases — what a citizen, an official or an
//! administrator does — written on the domain (the rules), the store (what
//! is kept) and the blob storage (attachment bytes).
//!
//! Nothing here knows about HTTP or the command line: the web layer and the
//! binary call these functions and word their errors. Every use case that
//! a national-portal intake will need later takes plain values, not forms.
//! Each takes the instant it happens at (`now`) rather than reading a clock,
//! so tests and replays decide time.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod applicant;
pub mod apply;
pub mod catalog;
pub mod demo;
mod error;
pub mod find;
pub mod generate;
pub mod jobs;
pub mod memo;
pub mod notices;
pub mod office;
pub mod outbox;
pub mod payments;
pub mod postal;
pub mod printouts;
mod secret;
mod services;
pub mod statistics;
pub mod timeline;
pub mod track;

pub use error::AppError;
pub use secret::{PIN_DIGITS, pin, token};
pub use services::{Services, Settings};
