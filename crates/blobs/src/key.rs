//! Blob keys: the lowercase hexadecimal SHA-256 of the bytes, and nothing
//! else. A key is never built from a name or a path a user typed, so it can
//! name a file or an object without any escaping.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::BlobError;

/// The content address of a blob: the SHA-256 of its bytes.
///
/// Shown (and stored by the database) as 64 lowercase hexadecimal digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobKey([u8; 32]);

impl BlobKey {
    /// Parses a key: exactly 64 lowercase hexadecimal digits.
    ///
    /// Anything else (upper case, a path, a name, surrounding spaces) is
    /// refused with [`BlobError::BadKey`].
    pub fn parse(text: &str) -> Result<Self, BlobError> {
        let bad = |reason: &'static str| BlobError::BadKey {
            shown: shown(text),
            reason,
        };
        if text.len() != 64 {
            return Err(bad("a blob key has exactly 64 characters"));
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(bad(
                "a blob key holds only the digits 0-9 and the lowercase letters a-f",
            ));
        }
        let mut digest = [0u8; 32];
        hex::decode_to_slice(text, &mut digest).map_err(|_| bad("a blob key is hexadecimal"))?;
        Ok(BlobKey(digest))
    }

    /// The key of a digest already computed (e.g. one the store recorded).
    pub const fn from_digest(digest: [u8; 32]) -> Self {
        BlobKey(digest)
    }

    /// The key of `bytes` (hashes them).
    pub fn of(bytes: &[u8]) -> Self {
        BlobKey(Sha256::digest(bytes).into())
    }

    /// The 32 bytes of the SHA-256 digest.
    pub const fn digest(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 64 lowercase hexadecimal digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Where the blob lives below the root of a store, with two levels of
    /// fan-out: `ab/cd/abcd…` (the first two and the next two digits name the
    /// folders). The same layout is used on disk and in a bucket, so a blob
    /// folder copied into a bucket (or back) needs no renaming.
    pub fn relative_path(&self) -> String {
        let hex = self.to_hex();
        let (a, rest) = hex.split_at(2);
        let (b, _) = rest.split_at(2);
        format!("{a}/{b}/{hex}")
    }
}

/// At most 80 characters of a refused key, escaped, for the error message.
fn shown(text: &str) -> String {
    let mut cut: String = text.chars().take(80).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

impl fmt::Display for BlobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for BlobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobKey({})", self.to_hex())
    }
}

impl FromStr for BlobKey {
    type Err = BlobError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        BlobKey::parse(text)
    }
}
