//! The cli's one integration-test binary: runs the built `motcua`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod calendar;
mod catalog;
mod data;
mod phone;
mod report;
mod serve;
