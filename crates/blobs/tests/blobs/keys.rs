//! Keys: 64 lowercase hexadecimal digits, nothing else.

use motcua_blobs::{BlobError, BlobKey};

#[test]
fn a_good_key_round_trips() {
    let hex = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    let key = BlobKey::parse(hex).unwrap();
    assert_eq!(key, BlobKey::of(b"hello"));
    assert_eq!(key.to_string(), hex);
    assert_eq!(key.to_hex(), hex);
    assert_eq!(hex.parse::<BlobKey>().unwrap(), key);
    assert_eq!(BlobKey::from_digest(*key.digest()), key);
    assert_eq!(key.relative_path(), format!("2c/f2/{hex}"));
    assert_eq!(format!("{key:?}"), format!("BlobKey({hex})"));
}

#[test]
fn bad_keys_are_refused() {
    let good = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    let long = "a".repeat(500);
    let bad = [
        "",
        "2cf24dba",
        &good.to_uppercase(),
        &good[..63],
        &format!("{good}0"),
        &format!(" {}", &good[1..]),
        &format!("{}\n", &good[..63]),
        "../../../../../../../../../../../../../../../../../../../etc/passwd",
        "2c/f2/2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b",
        "g cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        "gcf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        "ảcf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b98",
        &long,
    ];
    for text in bad {
        match BlobKey::parse(text) {
            Err(e @ BlobError::BadKey { .. }) => {
                let message = e.to_string();
                assert!(message.starts_with("not a blob key"), "{message}");
                // A long input is cut short in the message.
                assert!(message.len() < 300, "{message}");
            }
            other => panic!("{text:?} should be refused, got {other:?}"),
        }
    }
}
