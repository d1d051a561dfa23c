//! How the domain's errors ask to be worded. Each error names a stable
//! message key (in the catalogs of `motcua-i18n`) and its arguments, typed so
//! the edge formats them in the user's style: a date as dd/mm/yyyy, an
//! instant in Vietnam's time, a key as the word it stands for.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};

/// An argument of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageArg {
    /// Shown as is (a number's digits, a prefix, a reason typed by a user).
    Text(Cow<'static, str>),
    /// A catalog key, shown as the word it stands for in the user's
    /// language (a stage, an action, a role).
    Key(Cow<'static, str>),
    /// A count.
    Count(u64),
    /// A date.
    Date(NaiveDate),
    /// An instant, shown in Vietnam's time.
    Instant(DateTime<Utc>),
}

impl MessageArg {
    pub fn text(s: impl Into<Cow<'static, str>>) -> Self {
        MessageArg::Text(s.into())
    }

    pub fn key(prefix: &'static str, key: &'static str) -> Self {
        MessageArg::Key(Cow::Owned(format!("{prefix}{key}")))
    }
}

/// Something the user can be told about: a message key and its arguments.
pub trait Message {
    /// The stable key of the message.
    fn message_key(&self) -> &'static str;
    /// The message's named arguments.
    fn message_args(&self) -> Vec<(&'static str, MessageArg)>;
}
