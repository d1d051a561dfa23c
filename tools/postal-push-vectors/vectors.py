#!/usr/bin/env python3
"""Test vectors for the signature of a postal operator's status push,
computed independently of motcua's Rust code from the documented scheme:
HMAC-SHA256, keyed with the operator's shared secret, over the string
`<timestamp>.<body>` (the X-Motcua-Timestamp header in Unix seconds, a
full stop, the raw request body), in lower-case hex, sent as
`X-Motcua-Signature: sha256=<hex>`.

Prints the vectors as Rust constants for crates/app/src/postal/push.rs;
`--check FILE` verifies that the file holds exactly these values.
"""
import hashlib
import hmac
import sys

SECRET = b"buu-dien-dong-thap-test-secret-0001"
TIMESTAMP = "1772416800"  # 02/03/2026 09:00 in Vietnam (UTC+7)
BODY = (
    '{"event_id":"VNP-EV-000123","waybill":"EE473124829VN",'
    '"status":"delivered","at":"2026-03-02T08:55:00+07:00",'
    '"recipient":"Trần Thị Bích"}'
).encode("utf-8")


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def constants() -> list[str]:
    return [
        f'    pub const SIGNATURE: &str = "{signature(SECRET, TIMESTAMP, BODY)}";',
    ]


if __name__ == "__main__":
    lines = constants()
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        # Compared without white space: rustfmt may wrap the line.
        text = "".join(open(sys.argv[2], encoding="utf-8").read().split())
        missing = [line for line in lines if "".join(line.split()) not in text]
        for line in missing:
            print(f"{sys.argv[2]} lacks: {line.strip()}", file=sys.stderr)
        sys.exit(1 if missing else 0)
    print("\n".join(lines))
