#!/usr/bin/env bash
# `motcua demo generate` and `motcua verify` on the embedded SQLite default,
# against this machine's own ceiling measured in the same run: writing the
# same number of bytes as the finished database with `dd ... conv=fsync` to
# the same folder. Also reports the bytes a dossier takes, to size a
# province's disk. Usage: bench/generate.sh [DOSSIERS]   (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
dossiers=${1:-200000}
work=$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin motcua
bin=target/release/motcua

seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); python3 -c "print($e-$s)"; }
# A fixed period and seed, so runs compare.
t_gen=$(seconds "$bin" demo generate --dossiers "$dossiers" --from 2025-07-01 --to 2026-10-31 --data "$work/data")
summary=$("$bin" demo generate --dossiers "$dossiers" --from 2025-07-01 --to 2026-10-31 --data "$work/data" 2>&1 | tail -n 1)
events=$(sqlite3 "$work/data/motcua.sqlite3" "SELECT count(*) FROM dossier_events" 2>/dev/null || echo 0)
bytes=$(stat -c %s "$work/data/motcua.sqlite3")
t_verify=$(seconds "$bin" verify --data "$work/data")
mib=$(( (bytes + 1048575) / 1048576 ))
t_dd=$(seconds dd if=/dev/zero of="$work/ceiling" bs=1M count="$mib" conv=fsync)

python3 - "$dossiers" "$events" "$bytes" "$t_gen" "$t_verify" "$t_dd" "$summary" <<'PY'
import sys
n, events, size = map(int, sys.argv[1:4])
t_gen, t_verify, t_dd = map(float, sys.argv[4:7])
summary = sys.argv[7]
mib = size / 1048576
print(f"{n} dossiers, {events} events, database {mib:.0f} MiB ({size / n:.0f} bytes a dossier)")
print("| step | seconds | dossiers/s | MiB/s | ratio to dd |")
print("|---|---|---|---|---|")
print(f"| dd the same bytes, fsync (ceiling) | {t_dd:.1f} | | {mib / t_dd:.0f} | 1 |")
print(f"| motcua demo generate | {t_gen:.1f} | {n / t_gen:.0f} | {mib / t_gen:.1f} | {t_dd / t_gen:.3f} |")
print(f"| motcua verify | {t_verify:.1f} | {n / t_verify:.0f} | | |")
print(f"10 million dossiers at this rate: {1e7 / (n / t_gen) / 60:.0f} min, {size / n * 1e7 / 1e9:.0f} GB")
print(f"rerun (resume) said: {summary}")
PY
