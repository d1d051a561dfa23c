use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::Role;
use serde::{Deserialize, Serialize};

use crate::hash::Hash;
use crate::ids::{AgencyId, ApiTokenId, SessionId, UserId};

/// Who an account belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UserKind {
    Citizen,
    Business,
    Official,
}

impl UserKind {
    pub fn key(self) -> &'static str {
        match self {
            UserKind::Citizen => "citizen",
            UserKind::Business => "business",
            UserKind::Official => "official",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [UserKind::Citizen, UserKind::Business, UserKind::Official]
            .into_iter()
            .find(|k| k.key() == key)
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub kind: UserKind,
    pub full_name: String,
    /// Lower case; unique.
    pub email: Option<String>,
    /// Today's national form (`domain::phone`); unique.
    pub phone: Option<String>,
    /// Personal identity number (CCCD) or business tax code; unique.
    pub identity_number: Option<String>,
    /// An argon2id PHC string; never the password.
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    /// When the account proved that `email` is its own (the link of a
    /// [`crate::TokenPurpose::VerifyEmail`] token was followed).
    pub email_verified_at: Option<DateTime<Utc>>,
    /// A business account's legal representative (*người đại diện theo
    /// pháp luật*): `full_name` is then the business's name and
    /// `identity_number` its tax code.
    pub representative: Option<String>,
    /// The language messages to this person are written in: one of
    /// [`User::LANGUAGES`].
    pub language: String,
}

impl User {
    /// The languages an account may choose, the default first.
    pub const LANGUAGES: [&'static str; 2] = ["vi", "en"];
    /// The language of an account that did not choose one.
    pub const DEFAULT_LANGUAGE: &'static str = "vi";
}

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub kind: UserKind,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub identity_number: Option<String>,
    pub password_hash: Option<String>,
    /// A business account's legal representative.
    pub representative: Option<String>,
    /// One of [`User::LANGUAGES`] (any case); blank for the default.
    pub language: String,
}

/// A role an official holds in an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub user: UserId,
    pub agency: AgencyId,
    pub role: Role,
    pub granted_at: DateTime<Utc>,
}

/// The SHA-256 of a secret token (session cookie, API token, tracking PIN):
/// the store keeps only this, so a leaked database holds no usable secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub Hash);

impl TokenHash {
    pub fn of(secret: &str) -> Self {
        TokenHash(Hash::of(secret.as_bytes()))
    }
}

/// A browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user: UserId,
    pub token_hash: TokenHash,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A session to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub user: UserId,
    pub token_hash: TokenHash,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A token an API client presents as `Authorization: Bearer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user: UserId,
    pub name: String,
    pub token_hash: TokenHash,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// An API token to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    pub user: UserId,
    pub name: String,
    pub token_hash: TokenHash,
    pub now: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}
