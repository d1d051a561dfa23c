#!/usr/bin/env bash
# A single-node Garage (S3-compatible object storage) on loopback for the
# motcua-blobs tests. Prints `export MOTCUA_TEST_S3_...=` lines and nothing
# else on stdout, for CI to evaluate:
#
#     s3_env=$(.ci/blobs-test-services.sh)   # fails CI if Garage cannot start
#     eval "$s3_env"
#
# `.ci/blobs-test-services.sh stop` stops the Garage this script started.
#
# - Installs Garage (`cargo install garage --locked`, ~8-9 minutes on 2 cores)
#   only when it is missing; waits for an install already in progress rather
#   than starting a second build.
# - Idempotent: a Garage started by an earlier call is reused if it still
#   answers, otherwise stopped and replaced.
# - Everything lives in one folder outside the repository (default
#   /tmp/motcua-garage, or $MOTCUA_GARAGE_DIR): configuration, data, the
#   server's log, and the generated key (mode 600). No secret enters the repo.
# - Ports: 3900 (S3), 3901 (RPC), 3903 (admin), all on 127.0.0.1.
set -euo pipefail

export PATH="$HOME/.cargo/bin:$PATH"
dir="${MOTCUA_GARAGE_DIR:-${TMPDIR:-/tmp}/motcua-garage}"
config="$dir/garage.toml"
pidfile="$dir/garage.pid"
envfile="$dir/test-env.sh"
install_log=/tmp/garage-install.log
bucket=motcua-test
s3_port=3900
rpc_port=3901
admin_port=3903

log() { printf 'blobs-test-services: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
g() { garage -c "$config" "$@"; }

# The pid of the Garage server this script started, if it still runs.
our_pid() {
    [[ -f "$pidfile" ]] || return 1
    local pid
    pid=$(cat "$pidfile")
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    # Only a garage server started with our configuration counts (a reused
    # pid belongs to someone else).
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "-c $config server" || return 1
    echo "$pid"
}

stop_ours() {
    local pid
    if pid=$(our_pid); then
        log "stopping the Garage started earlier (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

port_taken() {
    # Bash's /dev/tcp: succeeds when something listens.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ensure_garage() {
    if command -v garage >/dev/null 2>&1; then
        return
    fi
    # Another process may be building it (its log is $install_log): wait for
    # it instead of building twice.
    exec 9>"$install_log.lock"
    if ! flock -n 9; then
        log "another call is installing Garage; waiting for it"
        flock 9
    fi
    local waited=0
    while ! command -v garage >/dev/null 2>&1 &&
        pgrep -f 'cargo install garage' >/dev/null 2>&1; do
        if ((waited % 60 == 0)); then
            log "waiting for the Garage build in progress ($(tail -n 1 "$install_log" 2>/dev/null | tr -d '\r' | cut -c1-80))"
        fi
        sleep 5
        waited=$((waited + 5))
        ((waited < 3600)) || die "gave up waiting for the Garage build in progress after an hour"
    done
    if ! command -v garage >/dev/null 2>&1; then
        log "installing Garage with cargo (about 8-9 minutes on 2 cores; log: $install_log)"
        local started=$SECONDS
        cargo install garage --locked >"$install_log" 2>&1 ||
            die "cargo install garage failed; see $install_log"
        log "Garage installed in $((SECONDS - started))s"
    fi
    flock -u 9
    command -v garage >/dev/null 2>&1 || die "garage is still not on PATH"
}

# A Garage from an earlier call that still answers, with its bucket and key.
reusable() {
    our_pid >/dev/null || return 1
    [[ -s "$envfile" ]] || return 1
    g bucket info "$bucket" >/dev/null 2>&1 || return 1
    port_taken "$s3_port"
}

start_fresh() {
    stop_ours
    for port in "$s3_port" "$rpc_port" "$admin_port"; do
        if port_taken "$port"; then
            die "127.0.0.1:$port is in use by another program; stop it (this script only stops the Garage it started)"
        fi
    done
    rm -rf "$dir"
    mkdir -p "$dir/meta" "$dir/data"
    chmod 700 "$dir"
    local rpc_secret
    rpc_secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
    (
        umask 077
        cat >"$config" <<EOF
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$rpc_port"
rpc_public_addr = "127.0.0.1:$rpc_port"
rpc_secret = "$rpc_secret"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3_port"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:$admin_port"
EOF
    )
    log "starting Garage in $dir"
    nohup garage -c "$config" server </dev/null >"$dir/server.log" 2>&1 &
    local started_pid=$!
    echo "$started_pid" >"$pidfile"

    # `node id` reads the node's key from disk and answers before the server
    # listens; `status` goes through RPC, so once it answers the layout
    # commands below reach the server.
    local node=""
    for _ in $(seq 1 300); do
        # Liveness by pid, not by command line: until the forked shell has
        # exec'd garage, /proc/PID/cmdline still shows this script, and on a
        # loaded machine the first check can land in that window.
        if ! kill -0 "$started_pid" 2>/dev/null; then
            log "Garage stopped at start; the end of $dir/server.log:"
            tail -n 20 "$dir/server.log" >&2 || true
            exit 1
        fi
        g status >/dev/null 2>&1 && node=$(g node id -q 2>/dev/null) && break
        node=""
        sleep 0.2
    done
    if [[ -z "$node" ]]; then
        log "Garage did not answer within 60 s; the end of $dir/server.log:"
        tail -n 20 "$dir/server.log" >&2 || true
        exit 1
    fi
    node=${node%%@*}
    g layout assign -z dc1 -c 1G "$node" >/dev/null
    g layout apply --version 1 >/dev/null
    for _ in $(seq 1 100); do
        g json-api GetClusterHealth 2>/dev/null | grep -q '"status": *"healthy"' && break
        sleep 0.2
    done
    g bucket create "$bucket" >/dev/null

    local created key_id secret
    created=$(g json-api CreateKey '{"name":"motcua-test"}')
    key_id=$(printf '%s' "$created" | sed -n 's/.*"accessKeyId": *"\([^"]*\)".*/\1/p' | sed -n 1p)
    secret=$(printf '%s' "$created" | sed -n 's/.*"secretAccessKey": *"\([^"]*\)".*/\1/p' | sed -n 1p)
    [[ -n "$key_id" && -n "$secret" ]] || die "could not read the key Garage created"
    g bucket allow --read --write --owner "$bucket" --key "$key_id" >/dev/null

    (
        umask 077
        cat >"$envfile" <<EOF
export MOTCUA_TEST_S3_ENDPOINT=http://127.0.0.1:$s3_port
export MOTCUA_TEST_S3_REGION=garage
export MOTCUA_TEST_S3_BUCKET=$bucket
export MOTCUA_TEST_S3_ACCESS_KEY_ID=$key_id
export MOTCUA_TEST_S3_SECRET_ACCESS_KEY=$secret
EOF
    )
    log "Garage ready: bucket $bucket on http://127.0.0.1:$s3_port (pid $(cat "$pidfile"))"
}

case "${1:-start}" in
stop)
    stop_ours
    exit 0
    ;;
start) ;;
*) die "usage: $0 [start|stop]" ;;
esac

ensure_garage
if reusable; then
    log "reusing the Garage started earlier (pid $(our_pid))"
else
    start_fresh
fi
cat "$envfile"
