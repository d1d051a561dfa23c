//! What the citizen portal keeps beside dossiers: one-time tokens sent by
//! e-mail, application drafts, failure counters for throttling, and
//! satisfaction ratings.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::dossier::Delivery;
use super::user::TokenHash;
use crate::hash::Hash;
use crate::ids::{DossierId, UserId};

/// What a one-time token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// The link that proves an e-mail address belongs to the account.
    VerifyEmail,
    /// The link that lets someone set a new password.
    ResetPassword,
}

impl TokenPurpose {
    pub fn key(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify-email",
            TokenPurpose::ResetPassword => "reset-password",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [TokenPurpose::VerifyEmail, TokenPurpose::ResetPassword]
            .into_iter()
            .find(|p| p.key() == key)
    }
}

/// A one-time token to record (only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUserToken {
    pub user: UserId,
    pub purpose: TokenPurpose,
    pub token_hash: TokenHash,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A file uploaded to a draft: its bytes are already in the blob store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftFile {
    /// The form field it answers.
    pub field: String,
    pub file_name: String,
    /// As read from its content, not as the browser claimed.
    pub media_type: String,
    pub size: u64,
    pub sha256: Hash,
    pub blob_key: String,
}

/// An application being written: what the applicant typed, exactly as
/// typed (so a wrong value comes back to be corrected), and what they
/// uploaded. Its id becomes the dossier's id on submission, which makes a
/// repeated submission of the same draft find the dossier it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: DossierId,
    pub user: UserId,
    pub procedure_code: String,
    /// The inputs, by name (`full_name`, `home.commune`, `delivery.detail`).
    pub inputs: BTreeMap<String, String>,
    pub files: Vec<DraftFile>,
    pub delivery: Option<Delivery>,
    /// The tracking PIN the dossier is issued with, in clear: made when the
    /// draft starts and kept after submission, so a repeated submission
    /// shows the applicant the same PIN (the dossier keeps only its hash).
    pub pin: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How satisfied an applicant is with one aspect (TT 32/2017 Art. 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Satisfaction {
    /// *Rất hài lòng*.
    VerySatisfied,
    /// *Hài lòng*.
    Satisfied,
    /// *Chưa hài lòng*.
    NotYetSatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [
        Satisfaction::VerySatisfied,
        Satisfaction::Satisfied,
        Satisfaction::NotYetSatisfied,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "very-satisfied",
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::NotYetSatisfied => "not-yet-satisfied",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Satisfaction::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// An applicant's rating of a returned dossier: overall, and for
/// convenience, timeliness and the staff's attitude (TT 32/2017 Art. 12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub dossier: DossierId,
    pub user: UserId,
    pub overall: Satisfaction,
    pub convenience: Satisfaction,
    pub timeliness: Satisfaction,
    pub attitude: Satisfaction,
    pub comment: Option<String>,
    pub rated_at: DateTime<Utc>,
}
