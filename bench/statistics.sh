#!/usr/bin/env bash
# The statistics at scale: a generated record of DOSSIERS dossiers on the
# embedded SQLite default (and on PostgreSQL when MOTCUA_BENCH_POSTGRES_URL
# names a server: a fresh database is made there and dropped after), then
#   - the recount that fills the kept sums (what `demo generate` does last),
#   - `motcua report` of a half year from the kept sums, and the same
#     counted from the record (`--from-record`),
#   - the public dashboard and its open data, first (uncached) request,
# against this machine's floor measured in the same run: the same report
# on a database of one dossier (starting the binary, opening the store, rendering).
# Load goes to 127.0.0.1 only; every step is bounded in time.
# Usage: bench/statistics.sh [DOSSIERS]   (default 1000000)
#        MOTCUA_BENCH_ENGINES=postgres bench/statistics.sh ...   (one engine)
#        MOTCUA_BENCH_KEEP_DATABASE=1 …   keeps the PostgreSQL database made
set -euo pipefail
shopt -s inherit_errexit  # a failed step inside $(...) stops the run too
cd "$(dirname "$0")/.."
dossiers=${1:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench.XXXXXX")
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --quiet --bin motcua
bin=$PWD/target/release/motcua
period=2026-H1
port=18391

# The seconds a step takes; a step that fails stops the run with what it
# said (a failed step timed would look fast).
seconds() {
    local s e
    s=$(date +%s.%N)
    if ! timeout 3600 "$@" >/dev/null 2>"$work/step.err"; then
        echo "step failed: $*" >&2
        cat "$work/step.err" >&2
        return 1
    fi
    e=$(date +%s.%N)
    python3 -c "print(round($e-$s, 3))"
}

# A report's figures without the line saying when they were computed.
figures() { grep -v -E 'tổng hợp tự động|computed automatically' "$1"; }

# One engine: DATA_FLAGS name the database; prints a row per step.
measure() {
    local name=$1; shift
    local flags=("$@")
    local log="$work/$name-generate.log"
    local s e
    s=$(date +%s.%N)
    timeout 7200 "$bin" demo generate --dossiers "$dossiers" --from 2025-07-01 --to 2026-10-31 \
        "${flags[@]}" >"$log" 2>&1
    e=$(date +%s.%N)
    local t_gen recount
    t_gen=$(python3 -c "print(round($e-$s, 1))")
    recount=$(grep -oE '(Counted|Đã tính) [0-9]+ [^0-9]+ [0-9]+ (s|giây)' "$log" | grep -oE '[0-9]+ (s|giây)$' | grep -oE '[0-9]+' || echo "?")
    local t_kept t_record
    t_kept=$(seconds "$bin" report --period "$period" --format xlsx -o "$work/kept.xlsx" "${flags[@]}")
    # The kept sums must give what counting the record gives.
    seconds "$bin" report --period "$period" --format html -o "$work/kept.html" "${flags[@]}" >/dev/null
    t_record=$(seconds "$bin" report --period "$period" --format html --from-record -o "$work/record.html" "${flags[@]}")
    if ! diff <(figures "$work/kept.html") <(figures "$work/record.html") >&2; then
        echo "$name: the kept sums differ from the record" >&2
        return 1
    fi
    MOTCUA_LANG=vi "$bin" serve --listen "127.0.0.1:$port" "${flags[@]}" >"$work/$name-serve.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/thong-ke/du-lieu.json?ky=2025-Q4" >/dev/null 2>&1 && break; sleep 0.2; done
    local t_page t_json
    t_page=$(seconds curl -fs --max-time 600 "http://127.0.0.1:$port/thong-ke?ky=$period")
    # Read before any recount caught up, the page would say so.
    if curl -fs "http://127.0.0.1:$port/thong-ke?ky=$period" | grep -q -E 'chưa đầy đủ'; then
        echo "$name: the dashboard was read before the recount caught up" >&2
        return 1
    fi
    t_json=$(seconds curl -fs --max-time 600 "http://127.0.0.1:$port/thong-ke/du-lieu.json?ky=2026-Q2")
    kill "$server"; wait "$server" 2>/dev/null || true; server=
    echo "$name|$t_gen|$recount|$t_kept|$t_record|$t_page|$t_json"
}

# The floor: the same report on a database of one dossier.
"$bin" demo generate --dossiers 1 --from 2025-07-01 --to 2026-10-31 --data "$work/empty" >/dev/null 2>&1
t_floor=$(seconds "$bin" report --period "$period" --format xlsx -o "$work/empty.xlsx" --data "$work/empty")

engines=${MOTCUA_BENCH_ENGINES:-sqlite postgres}
rows=()
bytes=0
if [[ " $engines " == *" sqlite "* ]]; then
    rows+=("$(measure sqlite --data "$work/data")")
    bytes=$(stat -c %s "$work/data/motcua.sqlite3")
fi
if [[ " $engines " == *" postgres "* ]] && [ -n "${MOTCUA_BENCH_POSTGRES_URL:-}" ]; then
    db="motcua_bench_$$"
    psql "$MOTCUA_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
    pg_url=$(python3 -c "import sys, urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path='/$db').geturl())" "$MOTCUA_BENCH_POSTGRES_URL")
    mkdir -p "$work/pg-blobs"
    rows+=("$(measure postgres --database-url "$pg_url" --blobs "$work/pg-blobs")")
    if [ -n "${MOTCUA_BENCH_KEEP_DATABASE:-}" ]; then
        # kept for bench/load.sh (MOTCUA_BENCH_DATABASE_URL); its blobs
        # folder goes with the work folder, and no scenario reads old blobs
        echo "kept the PostgreSQL database: $pg_url" >&2
    else
        psql "$MOTCUA_BENCH_POSTGRES_URL" -qc "DROP DATABASE $db" >/dev/null || true
    fi
fi

python3 - "$dossiers" "$bytes" "$t_floor" "${rows[@]}" <<'PY'
import sys
n, size = int(sys.argv[1]), int(sys.argv[2])
floor = float(sys.argv[3])
print(f"{n} dossiers (01/07/2025–31/10/2026)" + (f"; SQLite file {size / 2**20:.0f} MiB" if size else ""))
print(f"floor: the same report on a database of one dossier, {floor:.2f} s")
print()
print("| engine | generate (s) | recount into the kept sums (s) | report, kept sums (s) | ratio to floor | report from the record (s) | dashboard, first request (s) | open data JSON (s) |")
print("|---|---|---|---|---|---|---|---|")
for row in sys.argv[4:]:
    name, gen, recount, kept, record, page, js = row.split("|")
    print(f"| {name} | {gen} | {recount} | {float(kept):.2f} | {floor / float(kept):.2f} | {float(record):.2f} | {float(page):.2f} | {float(js):.2f} |")
PY
