//! `motcua-app`: the use cases — what a citizen, an official or an
//! administrator does — written on the domain (the rules), the store (what
//! is kept) and the blob storage (attachment bytes).
//!
//! Nothing here knows about HTTP or the command line: the web layer and the
//! binary call these functions and word their errors. Every use case that
//! a national-portal intake will need later takes plain values, not forms.
#![forbid(unsafe_code)]

pub mod catalog;
pub mod jobs;
pub mod outbox;
