//! The one integration-test binary of motcua-blobs: real files in temporary
//! folders, and a real S3-compatible server (Garage on loopback) whenever
//! `MOTCUA_TEST_S3_ENDPOINT` and its companions are set
//! (`eval "$(.ci/blobs-test-services.sh)"` starts one).
//!
//! Panics are how a test fails, so this binary allows them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;
mod keys;
mod local;
mod s3;
mod urls;
