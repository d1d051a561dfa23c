//! Typed identifiers. Every row is keyed by a UUID v7 (time-ordered, so
//! indexes stay compact), wrapped in a type per entity so an agency id can
//! never be passed where a user id is wanted.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new identifier (UUID v7: ordered by creation time).
            pub fn new() -> Self {
                $name(Uuid::now_v7())
            }

            pub fn from_uuid(uuid: Uuid) -> Self {
                $name(uuid)
            }

            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map($name)
            }
        }
    };
}

id_type!(
    /// An agency (a node of the administrative tree).
    AgencyId
);
id_type!(
    /// A person or business with an account, or an official.
    UserId
);
id_type!(
    /// A dossier.
    DossierId
);
id_type!(
    /// A browser session.
    SessionId
);
id_type!(
    /// An API token.
    ApiTokenId
);
id_type!(
    /// An attachment of a dossier.
    AttachmentId
);
id_type!(
    /// A job of the outbox or the scheduler.
    JobId
);
id_type!(
    /// A payment of fees through a provider.
    PaymentId
);
id_type!(
    /// One checkout of a payer: the payments it made, one per beneficiary.
    CheckoutId
);
id_type!(
    /// A refund against a payment.
    RefundId
);
id_type!(
    /// A consignment of the public post (a pickup or a delivery).
    ConsignmentId
);
id_type!(
    /// A hand-over record between a post office and an agency.
    HandoverId
);
