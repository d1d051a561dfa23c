#!/usr/bin/env python3
"""Trains a Zstandard dictionary for the SQLite engine's packed documents.

How crates/store-sqlite/dictionary/motcua-1.zdict was made (see
crates/store-sqlite/src/packed.rs). A dictionary is part of the storage
format: once documents are packed with it, it never changes. A better one
is added beside it under a new id, and the reader learns to pick it.

    motcua demo generate --dossiers 20000 --database-url sqlite://gen.db
    tools/zdict/train.py gen.db motcua-2.zdict 32770

Samples are the documents as the engine packs them: a dossier's timeline
(a JSON array of its events) and its packed row document (applicant, form,
state), 4,500 and 4,500 of each taken at random. Needs the `zstd` command
(Debian: zstd); packed documents already in the file are unpacked with the
current dictionary. Standard library only.
"""

import json
import pathlib
import random
import sqlite3
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
CURRENT = HERE.parent.parent / "crates/store-sqlite/dictionary/motcua-1.zdict"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def plain(blob: bytes) -> bytes:
    """The JSON text of a packed document."""
    if not blob.startswith(ZSTD_MAGIC):
        return blob
    return subprocess.run(
        ["zstd", "-q", "-d", "-c", "-D", str(CURRENT)],
        input=blob, capture_output=True, check=True,
    ).stdout


def compact(text: bytes) -> str:
    # The engine writes serde_json's compact form with sorted keys.
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    database, out, dict_id = sys.argv[1], sys.argv[2], sys.argv[3]
    db = sqlite3.connect(database)
    rng = random.Random(7)
    ids = [row[0] for row in db.execute("SELECT dossier_id FROM dossier_timelines")]
    picked = rng.sample(ids, min(9000, len(ids)))
    with tempfile.TemporaryDirectory() as tmp:
        samples = pathlib.Path(tmp)
        for i, dossier in enumerate(picked):
            if i % 2 == 0:
                (blob,) = db.execute(
                    "SELECT events FROM dossier_timelines WHERE dossier_id = ?", (dossier,)
                ).fetchone()
            else:
                (blob,) = db.execute(
                    "SELECT packed FROM dossiers WHERE id = ?", (dossier,)
                ).fetchone()
            (samples / str(i)).write_text(compact(plain(blob)), encoding="utf-8")
        subprocess.run(
            ["zstd", "-q", "--train", "-r", str(samples), "-o", out,
             "--maxdict=112640", f"--dictID={dict_id}"],
            check=True,
        )
    print(f"{out}: trained on {len(picked)} documents")


if __name__ == "__main__":
    main()
