//! Documents as the SQLite engine keeps them: a dossier's state, applicant
//! and form, and its whole timeline, each as one *packed* document.
//!
//! A packed document is the JSON text of a value compressed as one
//! Zstandard frame with the dictionary in `dictionary/motcua-1.zdict`
//! (its id, 32769, is in every frame's header). The documents of one kind
//! repeat the same keys and values — stage names, regimes, roles, the
//! demo catalog's forms — so a dictionary trained on them packs a dossier's
//! ≈2.9 KB timeline into ≈0.3 KB, which is what lets ten million dossiers
//! fit one modest disk. The dictionary is part of the format: it is never
//! changed, only joined by another with a new id (`tools/zdict/README.md`
//! says how it was made).
//!
//! A document that is not a Zstandard frame is plain JSON text: that is how
//! migration 0008 moved the documents written before packing (SQL cannot
//! compress), and they stay readable as they are.
//!
//! Hashes never cover the packed bytes, only the values decoded from them,
//! so packing changes no chain.

use std::cell::RefCell;
use std::sync::LazyLock;

use motcua_store::{StoreError, StoreResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use zstd::bulk::{Compressor, Decompressor};
use zstd::dict::{DecoderDictionary, EncoderDictionary};
use zstd::zstd_safe;

/// The dictionary every packed document is compressed with.
const DICTIONARY: &[u8] = include_bytes!("../dictionary/motcua-1.zdict");
/// Its id, as written in each frame.
const DICTIONARY_ID: u32 = 32_769;
/// Zstandard's level 3 (its default): with the dictionary, level 5 made a
/// million generated dossiers' file 1% smaller and the generator 4% slower.
const LEVEL: i32 = 3;
/// No document of ours comes near this; a frame that claims more is
/// corrupt, and is refused before anything is allocated for it.
const LARGEST: u64 = 64 << 20;
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

static ENCODER: LazyLock<EncoderDictionary<'static>> =
    LazyLock::new(|| EncoderDictionary::copy(DICTIONARY, LEVEL));
static DECODER: LazyLock<DecoderDictionary<'static>> =
    LazyLock::new(|| DecoderDictionary::copy(DICTIONARY));

thread_local! {
    // A compression context is large to set up; each thread keeps one.
    static COMPRESSOR: RefCell<Option<Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<Decompressor<'static>>> = const { RefCell::new(None) };
}

fn packing_failed(e: std::io::Error) -> StoreError {
    StoreError::Database(format!("cannot pack a document: {e}"))
}

/// `value` as a packed document, its JSON written straight from the value
/// (no tree built on the way: the generator packs millions).
///
/// A NUL is not looked for here: everything packed — a dossier's events,
/// and its state, applicant and form, which come from them — has been
/// through [`motcua_store::timeline`]'s preparation, which refuses a NUL in
/// every event document as PostgreSQL would.
pub fn pack<T: Serialize>(value: &T) -> StoreResult<Vec<u8>> {
    let text = serde_json::to_vec(value)
        .map_err(|e| StoreError::invalid(format!("cannot encode: {e}")))?;
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let compressor = match &mut *slot {
            Some(c) => c,
            empty => {
                let mut c =
                    Compressor::with_prepared_dictionary(&ENCODER).map_err(packing_failed)?;
                c.include_checksum(false).map_err(packing_failed)?;
                empty.insert(c)
            }
        };
        compressor.compress(&text).map_err(packing_failed)
    })
}

/// The value a packed document holds; `what` names it in the error.
pub fn unpack<T: DeserializeOwned>(bytes: &[u8], what: &str) -> StoreResult<T> {
    let corrupt = |detail: String| StoreError::corrupt(format!("{what}: {detail}"));
    if !bytes.starts_with(&ZSTD_MAGIC) {
        return serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()));
    }
    let id = zstd_safe::get_dict_id_from_frame(bytes).map(|id| id.get());
    if id != Some(DICTIONARY_ID) {
        return Err(corrupt(format!(
            "packed with dictionary {id:?}, not {DICTIONARY_ID}"
        )));
    }
    let size = match zstd_safe::get_frame_content_size(bytes) {
        Ok(Some(size)) if size <= LARGEST => size,
        _ => return Err(corrupt("a packed document of no or impossible size".into())),
    };
    let text = DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let decompressor = match &mut *slot {
            Some(d) => d,
            empty => empty.insert(
                Decompressor::with_prepared_dictionary(&DECODER)
                    .map_err(|e| corrupt(e.to_string()))?,
            ),
        };
        // `size` is at most LARGEST, which fits any usize we build for.
        let capacity = usize::try_from(size).map_err(|e| corrupt(e.to_string()))?;
        decompressor
            .decompress(bytes, capacity)
            .map_err(|e| corrupt(e.to_string()))
    })?;
    serde_json::from_slice(&text).map_err(|e| corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn a_document_comes_back_as_it_went_in() {
        let doc = json!({"state": {"stage": "awaiting-reception", "event_count": 1},
            "applicant": {"name": "Nguyễn Thị Hoà", "identity_number": "087193751285"}});
        let packed = pack(&doc).unwrap();
        assert!(packed.starts_with(&ZSTD_MAGIC));
        assert_eq!(unpack::<Value>(&packed, "test").unwrap(), doc);
    }

    #[test]
    fn the_dictionary_makes_small_documents_small() {
        let doc = json!({"regime": {"circular": "tt01-2018", "decree": "nd118-2025",
            "evaluation": "nd118-art32"}, "stage": "awaiting-reception", "channel": "online"});
        let text = serde_json::to_vec(&doc).unwrap();
        let packed = pack(&doc).unwrap();
        assert!(
            packed.len() * 2 < text.len(),
            "{} of {}",
            packed.len(),
            text.len()
        );
    }

    #[test]
    fn plain_json_from_before_packing_is_read() {
        assert_eq!(
            unpack::<Value>(br#"{"a":[1,2]}"#, "test").unwrap(),
            json!({"a": [1, 2]})
        );
    }

    #[test]
    fn damaged_or_foreign_frames_are_corrupt_not_a_panic() {
        let mut packed = pack(&json!({"a": "b"})).unwrap();
        let last = packed.len() - 1;
        packed[last] ^= 0xff;
        assert!(unpack::<Value>(&packed, "test").is_err());
        // A frame made without our dictionary.
        let foreign = zstd::bulk::compress(br#"{"a":"b"}"#, 3).unwrap();
        let err = unpack::<Value>(&foreign, "test").unwrap_err();
        assert!(err.to_string().contains("dictionary"), "{err}");
        assert!(unpack::<Value>(&ZSTD_MAGIC, "test").is_err());
    }
}
