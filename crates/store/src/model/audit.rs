use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::hash::Hash;
use crate::ids::UserId;

/// An entry to append to the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    /// What happened (`user.login`, `agency.update`, …).
    pub action: String,
    /// What it happened to (an id, a code).
    pub subject: String,
    pub details: Value,
}

/// An entry of the append-only, hash-chained audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    pub action: String,
    pub subject: String,
    pub details: Value,
    pub prev_hash: Hash,
    pub hash: Hash,
}
