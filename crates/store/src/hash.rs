//! The hash chains: a dossier's timeline and the audit log.
//!
//! Each entry's hash is the SHA-256 of a canonical byte encoding of every
//! field of the entry and of the previous entry's hash, so an entry cannot be
//! edited, removed, inserted or moved without every later hash changing. The
//! first entry chains to [`Hash::GENESIS`] (32 zero bytes).
//!
//! # Canonical encoding (version 1)
//!
//! Instants are truncated to whole microseconds before anything else (both
//! engines store microseconds), and written as the signed 64-bit count of
//! microseconds since 1970-01-01T00:00:00Z. Integers are big-endian. A
//! *string* is its UTF-8 length as a big-endian `u32` followed by its bytes.
//! An *optional* value is the byte `0` when absent, or `1` followed by the
//! value. A UUID is its 16 bytes. JSON is written canonically — object keys
//! sorted by their UTF-8 bytes, no white space, strings escaped as JSON
//! requires (`"`, `\`, control characters; everything else as UTF-8),
//! integers in decimal — and then encoded as a string.
//!
//! A dossier event, in order:
//! `string "motcua/dossier-event/1"`, dossier id (UUID), sequence (`u32`,
//! from 1), instant (`i64` µs), optional actor (UUID), role key (string),
//! action key (string), optional reason (string), payload (canonical JSON as
//! a string), previous hash (32 bytes). The payload is the *event document*
//! as stored: `{"event": the domain event, "attachments": [the files that
//! came with it: name, media type, size, SHA-256, blob key, and the form
//! field it answers when it names one]}`, and on the entry event also
//! `"dossier": {code, procedure and version, receiving unit, deciding
//! agency, applicant, delivery, PIN hash, and the filled form when it has
//! any value}` — so who may see a dossier, what the applicant declared and
//! which bytes it refers to are covered too. (A member that is left out when
//! absent or empty keeps the documents written before it existed hashing as
//! they did.) The hash is over the stored document, not over a re-encoding
//! of the decoded event, so an old chain stays checkable after the event
//! type grows.
//!
//! An audit entry, in order:
//! `string "motcua/audit/1"`, sequence (`u64`, from 1), instant (`i64` µs),
//! optional actor (UUID), action (string), subject (string), details
//! (canonical JSON as a string), previous hash (32 bytes).
//!
//! Test vectors: `crates/store/tests/vectors/hash-chain.json`, checked by
//! the Rust tests and by an independent Python script
//! (`tools/hash-vectors/check.py`).
//!
//! # What the chains prove, and what they cannot
//!
//! `verify` catches any edit, deletion (the last event included), insertion
//! or reordering of events, any edit of a dossier's stored state, its state
//! columns, its identity (code, agencies, applicant), its form or its
//! attachments' records (their fields included), and any edit or reordering of audit entries — made by someone
//! who does not also recompute the hashes. The chains are keyed by nothing
//! outside the database, so someone with write access to the database who
//! recomputes every later hash and the head, deletes a whole dossier, or
//! truncates the end of the audit log is not detected by the chains alone.
//! Closing that gap needs the heads anchored outside the database
//! (published or signed periodic checkpoints), which the scheduler's
//! recurring checkpoint job is for; until then, database write access is
//! the trust boundary.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// What the first entry of a chain chains to.
    pub const GENESIS: Hash = Hash([0; 32]);

    /// The SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Hash {
        Hash(Sha256::digest(bytes).into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Hash> {
        <[u8; 32]>::try_from(bytes).ok().map(Hash)
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Not 64 hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a hash is 64 hexadecimal digits")]
pub struct BadHash;

impl FromStr for Hash {
    type Err = BadHash;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = hex::decode(s).map_err(|_| BadHash)?;
        Hash::from_slice(&bytes).ok_or(BadHash)
    }
}

impl From<Hash> for String {
    fn from(h: Hash) -> Self {
        h.to_hex()
    }
}

impl TryFrom<String> for Hash {
    type Error = BadHash;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// `t` truncated to whole microseconds: what both engines store.
pub fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

/// Builds a canonical encoding.
#[derive(Default)]
struct Encoder(Vec<u8>);

impl Encoder {
    fn string(&mut self, s: &str) -> &mut Self {
        let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&len.to_be_bytes());
        self.0.extend_from_slice(s.as_bytes());
        self
    }

    fn optional<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Self, T)) -> &mut Self {
        match value {
            None => self.0.push(0),
            Some(v) => {
                self.0.push(1);
                write(self, v);
            }
        }
        self
    }

    fn uuid(&mut self, id: Uuid) -> &mut Self {
        self.0.extend_from_slice(id.as_bytes());
        self
    }

    fn instant(&mut self, t: DateTime<Utc>) -> &mut Self {
        self.0
            .extend_from_slice(&micros(t).timestamp_micros().to_be_bytes());
        self
    }

    fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.extend_from_slice(b);
        self
    }

    fn finish(&self) -> Hash {
        Hash::of(&self.0)
    }
}

/// The fields of a dossier event that its hash covers.
#[derive(Debug, Clone, Copy)]
pub struct EventFields<'a> {
    pub dossier: Uuid,
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor: Option<Uuid>,
    pub role: &'a str,
    pub action: &'a str,
    pub reason: Option<&'a str>,
    pub payload: &'a Value,
    pub prev: &'a Hash,
}

/// The hash of a dossier event.
pub fn event_hash(f: &EventFields<'_>) -> Hash {
    Encoder::default()
        .string("motcua/dossier-event/1")
        .uuid(f.dossier)
        .bytes(&f.seq.to_be_bytes())
        .instant(f.at)
        .optional(f.actor, |e, a| {
            e.uuid(a);
        })
        .string(f.role)
        .string(f.action)
        .optional(f.reason, |e, r| {
            e.string(r);
        })
        .string(&canonical_json(f.payload))
        .bytes(&f.prev.0)
        .finish()
}

/// The fields of an audit entry that its hash covers.
#[derive(Debug, Clone, Copy)]
pub struct AuditFields<'a> {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub actor: Option<Uuid>,
    pub action: &'a str,
    pub subject: &'a str,
    pub details: &'a Value,
    pub prev: &'a Hash,
}

/// The hash of an audit entry.
pub fn audit_hash(f: &AuditFields<'_>) -> Hash {
    Encoder::default()
        .string("motcua/audit/1")
        .bytes(&f.seq.to_be_bytes())
        .instant(f.at)
        .optional(f.actor, |e, a| {
            e.uuid(a);
        })
        .string(f.action)
        .string(f.subject)
        .string(&canonical_json(f.details))
        .bytes(&f.prev.0)
        .finish()
}

/// JSON with object keys sorted and no white space (see the module docs).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_and_escapes() {
        let v = json!({"b": [1, {"z": null, "a": true}], "a": "Đồng \"Tháp\"\n\u{1}"});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":"Đồng \"Tháp\"\n\u0001","b":[1,{"a":true,"z":null}]}"#
        );
    }

    #[test]
    fn instants_are_truncated_to_microseconds() {
        let t = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(micros(t).timestamp_subsec_nanos(), 123_456_000);
    }

    #[test]
    fn hashes_read_and_write_as_hex() {
        let h = Hash::of(b"abc");
        assert_eq!(
            h.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(h.to_hex().parse::<Hash>().unwrap(), h);
        assert!("xyz".parse::<Hash>().is_err());
    }
}
