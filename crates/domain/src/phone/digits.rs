//! `Digits`: a short ASCII string held inline, so reading a number allocates
//! nothing. It holds phone numbers in national (`0912345678`) or E.164
//! (`+84912345678`) spelling, and the leading digits of a foreign number.

use std::fmt;

/// A short string of ASCII digits, possibly starting with `+`, held inline
/// (at most [`Digits::CAP`] bytes; longer input is cut, never a panic).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digits {
    buf: [u8; Digits::CAP],
    len: u8,
}

impl Digits {
    /// The most bytes a `Digits` holds. National numbers have 10 or 11
    /// digits and E.164 ones 12 or 13 characters, so this leaves room.
    pub const CAP: usize = 16;

    /// The empty string.
    pub const fn new() -> Self {
        Digits {
            buf: [0; Digits::CAP],
            len: 0,
        }
    }

    /// Copies `bytes` (cut at [`Digits::CAP`]).
    pub(crate) fn from_bytes(bytes: &[u8]) -> Self {
        let mut d = Digits::new();
        d.extend(bytes);
        d
    }

    /// Appends one byte; `false` (and nothing appended) when full.
    pub(crate) fn push(&mut self, byte: u8) -> bool {
        match self.buf.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = byte;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// Appends as many of `bytes` as fit.
    pub(crate) fn extend(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if !self.push(b) {
                break;
            }
        }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever pushed, so this never falls back.
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether there is nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Default for Digits {
    fn default() -> Self {
        Digits::new()
    }
}

impl fmt::Display for Digits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Digits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl AsRef<str> for Digits {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Digits {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Digits {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
