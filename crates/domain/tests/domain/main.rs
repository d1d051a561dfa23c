//! The domain crate's one integration-test binary (one binary to link keeps
//! the build quick on two cores); each room of the domain has its module.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod address;
mod calendar;
mod forms;
mod identity;
mod lifecycle;
mod phone;
mod postal;
mod statistics;
