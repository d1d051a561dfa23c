#!/usr/bin/env bash
# The load harness: a generated record, `motcua serve` on it, and each
# scenario (submission with a 200 KB PDF, tracking, catalog search, the
# officer's inbox, a workflow action, the statistics page, the six-month
# review) at several connection counts, each against this machine's read or
# write ceiling measured in the same run (crates/bench).
#
# Usage: bench/load.sh [DOSSIERS]            (default 10000; release build)
#        bench/load.sh --smoke                (CI: the debug binaries already
#                                              built, a small record, short
#                                              phases; fails on any error)
# Environment:
#   MOTCUA_BENCH_ENGINES="sqlite postgres"   which engines (default sqlite)
#   MOTCUA_BENCH_POSTGRES_URL=postgres://…   a server where scratch databases
#                                             are made and dropped after
#   MOTCUA_BENCH_DATA=DIR                     measure on this generated SQLite
#                                             folder instead of generating one
#                                             (the run adds its submissions)
#   MOTCUA_BENCH_DATABASE_URL=postgres://…    the same for PostgreSQL
#   MOTCUA_BENCH_SECONDS=10                   the longest phase
#   MOTCUA_BENCH_CONNECTIONS=1,16,64          connection counts
# Load goes to 127.0.0.1 only; every phase is bounded in time and count.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

smoke=
if [ "${1:-}" = "--smoke" ]; then
    smoke=1
    shift
fi
dossiers=${1:-10000}
seconds=${MOTCUA_BENCH_SECONDS:-10}
connections=${MOTCUA_BENCH_CONNECTIONS:-1,16,64}
max_ops=100000
profile=(--release)
target=release
if [ -n "$smoke" ]; then
    dossiers=300
    seconds=1
    connections=1,4
    max_ops=12
    # the dev profile the tests built: no release build in CI
    profile=()
    target=debug
fi
# One at a time: each binary keeps its own feature set, so neither is
# rebuilt when the other was built last (bench/statistics.sh builds motcua).
cargo build "${profile[@]}" --quiet --bin motcua
cargo build "${profile[@]}" --quiet --bin motcua-bench
bin=$PWD/target/$target

work=$(mktemp -d "${TMPDIR:-/tmp}/motcua-load.XXXXXX")
dbs=()
pg_admin=${MOTCUA_BENCH_POSTGRES_URL:-}
cleanup() {
    for db in "${dbs[@]}"; do
        psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# A scratch database on the PostgreSQL server; prints its URL.
scratch_db() {
    local db="motcua_load_$1_$$"
    psql "$pg_admin" -qc "CREATE DATABASE $db" >/dev/null
    dbs+=("$db")
    python3 -c "import sys, urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path='/' + sys.argv[2]).geturl())" "$pg_admin" "$db"
}

generate() {
    timeout 7200 "$bin/motcua" demo generate --dossiers "$dossiers" \
        --from 2025-07-01 --to 2026-10-31 "$@" >"$work/generate.log" 2>&1 || {
        cat "$work/generate.log" >&2
        return 1
    }
}

# Runs the harness on one engine: NAME LABEL [motcua-bench flags] -- [serve flags]
measure() {
    local name=$1 label=$2
    shift 2
    "$bin/motcua-bench" run --motcua "$bin/motcua" --scratch "$work/$name" \
        --connections "$connections" --seconds "$seconds" --max-ops "$max_ops" \
        --json "$work/$name.json" --label "$label" "$@"
}

engines=${MOTCUA_BENCH_ENGINES:-sqlite}
if [[ " $engines " == *" sqlite "* ]]; then
    data=${MOTCUA_BENCH_DATA:-}
    if [ -z "$data" ]; then
        data=$work/sqlite-data
        generate --data "$data"
    fi
    n=$(sqlite3 "$data/motcua.sqlite3" "SELECT count(*) FROM dossiers" 2>/dev/null || echo "$dossiers")
    measure sqlite "SQLite, $n dossiers" -- --data "$data"
fi
if [[ " $engines " == *" postgres "* ]]; then
    url=${MOTCUA_BENCH_DATABASE_URL:-}
    blobs=$work/pg-blobs
    mkdir -p "$blobs"
    if [ -z "$url" ]; then
        [ -n "$pg_admin" ] || { echo "MOTCUA_BENCH_POSTGRES_URL names no server" >&2; exit 1; }
        url=$(scratch_db data)
        generate --database-url "$url" --blobs "$blobs"
    fi
    [ -n "$pg_admin" ] || pg_admin=$url
    n=$(psql "$url" -tAc "SELECT count(*) FROM dossiers" 2>/dev/null || echo "$dossiers")
    measure postgres "PostgreSQL, $n dossiers" \
        --ceiling-database-url "$(scratch_db ceiling)" \
        -- --database-url "$url" --blobs "$blobs"
fi
