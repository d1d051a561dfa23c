//! `motcua-domain`: the law written as code.
//!
//! This crate is pure: no I/O, no async, no clock reads. Everything that
//! depends on "now" takes the instant as an argument, and everything that
//! depends on data (official holiday schedules, regimes) takes it as a value,
//! so the store, the web layer and the statistics all reach the same answer.
//!
//! Rooms:
//! - [`address`]: the administrative units in force (two tiers since 2025), name search, addresses.
//! - [`calendar`]: the legal clock (lunar calendar, holidays, working days, typed periods).
//! - [`catalog`]: procedures as data, and how a catalog file is checked.
//! - [`regime`]: which decree and circular govern a dossier, fixed at its entry instant.
//! - [`lifecycle`]: the dossier state machine and what each action does to the clock.
//! - [`indicators`]: how a dossier counts in a reporting period.
//! - [`statistics`]: reporting periods, Biểu II.06a's columns, figures.
//! - [`code`]: dossier codes.
//! - [`forms`]: an application form filled in, checked against its field definitions.
//! - [`identity`]: personal identification numbers (CCCD) and tax codes.
//! - [`postal`]: public-post legs: TT 17 route classes and J+n, the route rule and postage as data, estimates.
//! - [`printout`]: a legal form filled in for printing, and the renderer trait that draws it.
//! - [`phone`]: Vietnamese phone numbers across the 2017 and 2018 renumberings.
//! - [`text`]: NFC normalisation and search folding.
//! - [`message`]: how errors ask to be worded (keys and typed arguments).
#![forbid(unsafe_code)]

pub mod address;
pub mod calendar;
pub mod catalog;
pub mod code;
pub mod forms;
pub mod identity;
pub mod indicators;
pub mod lifecycle;
pub mod message;
pub mod phone;
pub mod postal;
pub mod printout;
pub mod regime;
pub mod statistics;
pub mod text;
