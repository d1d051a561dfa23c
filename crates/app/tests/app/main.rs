//! The app's integration tests, on the embedded SQLite store (one test
//! binary for the crate: each module is an area).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod generate;
mod jobs;
mod office;
mod payments;
mod post_journey;
mod postal;
mod printouts;
mod statistics;

use std::sync::Arc;

use motcua_store::{NewUser, Store, User, UserKind};
use motcua_store_sqlite::SqliteStore;
use tempfile::TempDir;

/// A fresh SQLite database in its own temporary folder (kept as long as the
/// value lives).
pub struct TestStore {
    pub store: Arc<dyn Store>,
    _dir: TempDir,
}

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("motcua.sqlite3"))
        .await
        .unwrap();
    TestStore {
        store: Arc::new(store),
        _dir: dir,
    }
}

/// A citizen's account with a name and an e-mail address.
pub async fn citizen(store: &dyn Store, name: &str, email: &str) -> User {
    store
        .create_user(NewUser {
            kind: UserKind::Citizen,
            full_name: name.into(),
            email: Some(email.into()),
            phone: None,
            identity_number: None,
            password_hash: None,
            representative: None,
            language: String::new(),
        })
        .await
        .unwrap()
}
