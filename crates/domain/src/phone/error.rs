//! Why an input is not one phone number today, as data. Each error has a
//! stable message key and typed arguments ([`PhoneError::message_key`],
//! [`PhoneError::message_args`]) so the edges (CLI, web) word it in the
//! user's language from their catalogs (`phone.ftl`); the `Display` text is
//! English, for logs.

use chrono::NaiveDate;

use super::Recorded;
use super::digits::Digits;
use super::plan::Kind;
use super::readings::Readings;
use crate::message::{Message, MessageArg};

/// Why an input does not give one phone number today.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing but spaces and separators.
    #[error("no digits")]
    Empty,
    /// A letter (an extension, a name, a note…).
    #[error("contains a letter ({ch:?})")]
    Letters {
        /// The first letter found.
        ch: char,
    },
    /// A character that is neither a digit nor a separator.
    #[error("unexpected character {ch:?}")]
    UnexpectedCharacter {
        /// The character.
        ch: char,
    },
    /// Fewer than 10 digits once read as a national number.
    #[error("too short: read as {national} ({} digits)", national.len())]
    TooShort {
        /// The national number it was read as.
        national: Digits,
    },
    /// More than 11 digits once read as a national number.
    #[error("too long: {digits} digits")]
    TooLong {
        /// How many digits the national number would have.
        digits: usize,
    },
    /// An international number with another country code.
    #[error("not a Vietnamese number (+{country}…)")]
    NotVietnamese {
        /// The first (up to three) digits after `+` or `00`.
        country: Digits,
    },
    /// A service or short number (113, 1080, 1900xxxx, 1800xxxx…).
    #[error("{number} is a service or short number, not a subscriber's")]
    ServiceNumber {
        /// The digits.
        number: Digits,
    },
    /// No prefix of the plan starts the number.
    #[error("{national}: prefix not in the numbering plan")]
    UnknownPrefix {
        /// The national number it was read as.
        national: Digits,
    },
    /// The prefix is known but the number has the wrong length for it.
    #[error("{national}: a {} number with prefix {prefix} has {expected} digits", kind.as_str())]
    WrongLength {
        /// The national number it was read as.
        national: Digits,
        /// What the prefix is for.
        kind: Kind,
        /// The prefix recognised.
        prefix: &'static str,
        /// Digits a number with that prefix has.
        expected: usize,
    },
    /// A landline whose subscriber number starts with 0 or 1.
    #[error("{national}: a landline subscriber number after {prefix} cannot start with 0 or 1")]
    BadSubscriber {
        /// The national number it was read as.
        national: Digits,
        /// The area code recognised.
        prefix: &'static str,
    },
    /// Every reading uses a prefix that came into use after the recording
    /// date (e.g. `032…` recorded in 2015).
    #[error("{national}: prefix {prefix} in use only from {from}, {recorded}")]
    NotInUse {
        /// The national number it was read as.
        national: Digits,
        /// The prefix.
        prefix: &'static str,
        /// The first day it was in use.
        from: NaiveDate,
        /// When the number was recorded.
        recorded: Recorded,
    },
    /// Several readings give different numbers today; none is chosen.
    #[error("{national} is ambiguous: {} readings", readings.len())]
    Ambiguous {
        /// The national number as read (first reading).
        national: Digits,
        /// The readings that remain, one per number today (boxed: the
        /// only allocation of a call, and only in this case).
        readings: Box<Readings>,
    },
}

impl Message for PhoneError {
    /// The stable message key (in `phone.ftl`).
    fn message_key(&self) -> &'static str {
        match self {
            PhoneError::Empty => "phone-error-empty",
            PhoneError::Letters { .. } => "phone-error-letters",
            PhoneError::UnexpectedCharacter { .. } => "phone-error-unexpected-character",
            PhoneError::TooShort { .. } => "phone-error-too-short",
            PhoneError::TooLong { .. } => "phone-error-too-long",
            PhoneError::NotVietnamese { .. } => "phone-error-not-vietnamese",
            PhoneError::ServiceNumber { .. } => "phone-error-service-number",
            PhoneError::UnknownPrefix { .. } => "phone-error-unknown-prefix",
            PhoneError::WrongLength { .. } => "phone-error-wrong-length",
            PhoneError::BadSubscriber { .. } => "phone-error-bad-subscriber",
            PhoneError::NotInUse {
                recorded: Recorded::Before(_),
                ..
            } => "phone-error-not-in-use-before",
            PhoneError::NotInUse { .. } => "phone-error-not-in-use-on",
            PhoneError::Ambiguous { .. } => "phone-error-ambiguous",
        }
    }

    /// The message's arguments. For [`PhoneError::Ambiguous`] the caller
    /// adds `candidates`, the readings worded in its language.
    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        use MessageArg as A;
        let digits = |d: Digits| A::text(d.to_string());
        let count = |n: usize| A::Count(n as u64);
        match *self {
            PhoneError::Empty => vec![],
            PhoneError::Letters { ch } | PhoneError::UnexpectedCharacter { ch } => {
                vec![("char", A::text(ch.to_string()))]
            }
            PhoneError::TooShort { national } => vec![
                ("national", digits(national)),
                ("digits", count(national.len())),
            ],
            PhoneError::TooLong { digits } => vec![("digits", count(digits))],
            PhoneError::NotVietnamese { country } => vec![("country", digits(country))],
            PhoneError::ServiceNumber { number } => vec![("number", digits(number))],
            PhoneError::UnknownPrefix { national } => vec![("national", digits(national))],
            PhoneError::WrongLength {
                national,
                kind,
                prefix,
                expected,
            } => vec![
                ("national", digits(national)),
                ("digits", count(national.len())),
                ("kind", A::text(kind.as_str())),
                ("prefix", A::text(prefix)),
                ("expected", count(expected)),
            ],
            PhoneError::BadSubscriber { national, prefix } => {
                vec![("national", digits(national)), ("prefix", A::text(prefix))]
            }
            PhoneError::NotInUse {
                national,
                prefix,
                from,
                recorded,
            } => {
                let mut args = vec![
                    ("national", digits(national)),
                    ("prefix", A::text(prefix)),
                    ("from", A::Date(from)),
                ];
                if let Recorded::On(d) | Recorded::Before(d) = recorded {
                    args.push(("date", A::Date(d)));
                }
                args
            }
            PhoneError::Ambiguous {
                national,
                ref readings,
            } => vec![
                ("national", digits(national)),
                ("count", count(readings.len())),
            ],
        }
    }
}

impl PhoneError {
    /// Whether the input is a number with several meanings (as opposed to
    /// not a number at all).
    pub fn is_ambiguous(&self) -> bool {
        matches!(self, PhoneError::Ambiguous { .. })
    }

    /// The competing readings of an ambiguous number; empty otherwise.
    pub fn readings(&self) -> &[super::Reading] {
        match self {
            PhoneError::Ambiguous { readings, .. } => readings.as_slice(),
            _ => &[],
        }
    }
}
