#!/usr/bin/env bash
# What the browser test (crates/cli/tests/browser) needs: Debian's chromium
# and chromium-driver, and axe-core's axe.min.js. Installs or fetches only
# what is missing, then prints `export ...=` lines and nothing else on
# stdout, for CI (or a developer) to evaluate:
#
#     eval "$(.ci/browser-test-deps.sh)"
#     cargo test -p motcua-cli --test browser
#
# - chromium + chromium-driver from apt (a few seconds when only the driver
#   is missing; never a downloaded browser).
# - axe-core is pinned and fetched with `npm pack` into a cache outside the
#   repository ($MOTCUA_CACHE_DIR, default ~/.cache/motcua): it is MPL-2.0
#   and 650 KB, so it is not committed. npm checks the registry's integrity
#   hash of the package.
set -euo pipefail

axe_version=4.14.1
cache="${MOTCUA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/motcua}"
axe_dir="$cache/axe-core-$axe_version"

log() { printf 'browser-test-deps: %s\n' "$*" >&2; }

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    log "installing chromium and chromium-driver (apt)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1; then
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    fi
fi
log "$(chromium --version 2>/dev/null | tail -n 1); $(chromedriver --version | cut -d' ' -f1-2)"

if [[ ! -s "$axe_dir/axe.min.js" ]]; then
    log "fetching axe-core $axe_version (npm pack)"
    command -v npm >/dev/null 2>&1 || {
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
    }
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack --silent "axe-core@$axe_version" >/dev/null)
    tar -xzf "$work/axe-core-$axe_version.tgz" -C "$work" package/axe.min.js package/LICENSE
    mkdir -p "$axe_dir"
    mv "$work/package/LICENSE" "$axe_dir/LICENSE"
    mv "$work/package/axe.min.js" "$axe_dir/axe.min.js"
fi
head -c 40 "$axe_dir/axe.min.js" | grep -q "axe v$axe_version" || {
    log "$axe_dir/axe.min.js is not axe-core $axe_version"
    exit 1
}

printf 'export MOTCUA_AXE_JS=%q\n' "$axe_dir/axe.min.js"
printf 'export MOTCUA_REQUIRE_BROWSER=1\n'
