#!/usr/bin/env python3
"""Recomputes motcua's hash-chain test vectors from the documented encoding.

An implementation independent of the Rust code (standard library only), so
that crates/store/tests/vectors/hash-chain.json is confirmed by two readings
of the specification in crates/store/src/hash.rs. Usage:

    python3 tools/hash-vectors/check.py [crates/store/tests/vectors/hash-chain.json]
"""
import hashlib
import json
import struct
import sys
import uuid


def string(s):
    b = s.encode("utf-8")
    return struct.pack(">I", len(b)) + b


def optional(value, encode):
    return b"\x00" if value is None else b"\x01" + encode(value)


def uuid_bytes(s):
    return uuid.UUID(s).bytes


def canonical(value):
    # Keys sorted by their UTF-8 bytes, no white space, UTF-8 kept as is.
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: kv[0].encode("utf-8"))
        return "{" + ",".join(canonical(k) + ":" + canonical(v) for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, str):
        out = ['"']
        for c in value:
            if c == '"':
                out.append('\\"')
            elif c == "\\":
                out.append("\\\\")
            elif c == "\n":
                out.append("\\n")
            elif c == "\r":
                out.append("\\r")
            elif c == "\t":
                out.append("\\t")
            elif c == "\b":
                out.append("\\b")
            elif c == "\f":
                out.append("\\f")
            elif ord(c) < 0x20:
                out.append("\\u%04x" % ord(c))
            else:
                out.append(c)
        out.append('"')
        return "".join(out)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    raise ValueError("unexpected value in a payload: %r" % (value,))


def event_hash(e):
    data = (
        string("motcua/dossier-event/1")
        + uuid_bytes(e["dossier"])
        + struct.pack(">I", e["seq"])
        + struct.pack(">q", e["at_micros"])
        + optional(e["actor"], uuid_bytes)
        + string(e["role"])
        + string(e["action"])
        + optional(e["reason"], string)
        + string(canonical(e["payload"]))
        + bytes.fromhex(e["prev_hash"])
    )
    return hashlib.sha256(data).hexdigest()


def audit_hash(a):
    data = (
        string("motcua/audit/1")
        + struct.pack(">Q", a["seq"])
        + struct.pack(">q", a["at_micros"])
        + optional(a["actor"], uuid_bytes)
        + string(a["action"])
        + string(a["subject"])
        + string(canonical(a["details"]))
        + bytes.fromhex(a["prev_hash"])
    )
    return hashlib.sha256(data).hexdigest()


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "crates/store/tests/vectors/hash-chain.json"
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)
    failures = 0
    # Each list is one dossier's timeline, chained from the genesis hash.
    for chain in ("events", "form_events"):
        prev = "0" * 64
        for e in vectors[chain]:
            ok = event_hash(e) == e["hash"] and e["prev_hash"] == prev
            failures += not ok
            print("%s %d: %s" % (chain, e["seq"], "ok" if ok else "MISMATCH"))
            prev = e["hash"]
    for a in vectors["audit"]:
        ok = audit_hash(a) == a["hash"]
        failures += not ok
        print("audit %d: %s" % (a["seq"], "ok" if ok else "MISMATCH"))
    if failures:
        sys.exit("%d vector(s) do not match" % failures)
    print("all vectors match")


if __name__ == "__main__":
    main()
