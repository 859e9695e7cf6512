#!/usr/bin/env bash
# Sets this machine up for the whole test suite, then (given a command) runs it with
# TOOLKIT_TEST_POSTGRES_URL set. `make test` runs `tools/test-machine.sh make pytest`; `.ci/run` runs
# `make test`. Without a command it prints `export TOOLKIT_TEST_POSTGRES_URL=…` on stdout, so
# `eval "$(tools/test-machine.sh)"` prepares a shell for running pytest by hand.
#
# What the suite needs beyond .venv (Debian packages, installed only where missing):
#   chromium, fonts-dejavu-core  tests/browser: Debian's headless Chromium (Playwright never downloads
#                                a browser here), fonts with Vietnamese glyphs for screenshots
#   nginx                        tests/browser/test_deployment.py (the README's multi-server deployment)
#   postgresql                   the store tests' second database, and test_deployment.py
#   python3-venv, make           only where python3 is Debian's own / make is missing
#   nodejs, npm                  only where missing: gift-pegjs (tests/external) reads our GIFT export
# and a PostgreSQL cluster listening on loopback only, started, with a throwaway role and database
# (pbgdpl / pbgdpl_test). On a machine that has all of it, this only checks (well under a second):
# no apt, no network. Packages never start their services (nginx on port 80): tests start what they need.
#
# As root it installs and starts what is missing. Any other user gets the one command to run as root
# and a non-zero exit. Opt-outs, each skipping its tests knowingly (the skip reasons say so):
#   TOOLKIT_SKIP_BROWSER=1             no browser tests: Chromium, fonts and nginx are not needed
#   TOOLKIT_SKIP_POSTGRES=1            no PostgreSQL runs: no server is needed
#   TOOLKIT_TEST_POSTGRES_URL=…        use that server instead of a local cluster (kept as given)
# `.ci/run` clears the two SKIP variables: CI always runs everything.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
pg_role=pbgdpl
pg_database=pbgdpl_test
pg_password=pbgdpl

say() { printf '%s\n' "$*" >&2; }
is_root() { [ "$(id -u)" -eq 0 ]; }
skip_browser() { [ "${TOOLKIT_SKIP_BROWSER:-}" = 1 ]; }
want_local_postgres() { [ "${TOOLKIT_SKIP_POSTGRES:-}" != 1 ] && [ -z "${TOOLKIT_TEST_POSTGRES_URL:-}" ]; }

# ------------------------------------------------------------------ packages

missing=()
if ! skip_browser; then
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
    [ -x /usr/sbin/nginx ] || missing+=(nginx)
fi
if want_local_postgres; then
    # The server itself, not only the client (postgresql-client also fills /usr/lib/postgresql/N/bin).
    command -v pg_ctlcluster >/dev/null 2>&1 && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null \
        || missing+=(postgresql)
fi
command -v make >/dev/null 2>&1 || missing+=(make)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# python3 is whatever PATH gives (pyenv on our machines, which ships venv/ensurepip);
# python3-venv only matters where python3 is Debian's own.
"$python" -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)

need_root() {
    # $1: what is missing, in Vietnamese; $2: the same in English.
    local command="sudo $repo/tools/test-machine.sh"
    [ -x "$repo/tools/test-machine.sh" ] || command="sudo bash $repo/tools/test-machine.sh"
    say ""
    say "Máy này chưa sẵn sàng để chạy toàn bộ kiểm thử: $1."
    say "Chạy một lệnh này (cần quyền root), rồi chạy lại make test:"
    say ""
    say "    $command"
    say ""
    say "This machine is not ready for the whole test suite: $2."
    say "Run this one command (it needs root), then run make test again:"
    say ""
    say "    $command"
    say ""
    say "Bỏ qua có chủ ý / to skip knowingly: TOOLKIT_SKIP_BROWSER=1 (kiểm thử trình duyệt / browser tests),"
    say "TOOLKIT_SKIP_POSTGRES=1 (chạy trên PostgreSQL / PostgreSQL runs), hoặc / or"
    say "TOOLKIT_TEST_POSTGRES_URL=postgresql+psycopg://… (máy chủ PostgreSQL có sẵn / an existing server)."
    exit 1
}

if [ "${#missing[@]}" -gt 0 ]; then
    is_root || need_root "thiếu gói Debian ${missing[*]}" "Debian packages ${missing[*]} are missing"
    command -v apt-get >/dev/null 2>&1 || { say "Missing ${missing[*]}, and there is no apt-get to install them."; exit 1; }
    say "test-machine: installing ${missing[*]}"
    policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod +x "$policy"
        trap 'rm -f "$policy"' EXIT
    fi
    # stdout stays for the URL (see the top): apt's progress goes to stderr.
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
    # Removed here, not only by the trap: `exec` below does not run EXIT traps.
    [ -z "$policy" ] || { rm -f "$policy"; trap - EXIT; }
fi

# ------------------------------------------------------------------ PostgreSQL

if want_local_postgres; then
    pg_version=$(for server in /usr/lib/postgresql/*/bin/postgres; do basename "${server%/bin/postgres}"; done \
        | sort -V | tail -n 1)
    # "VERSION main PORT STATUS OWNER DATADIR LOG" of the cluster, or nothing.
    cluster() { pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main"'; }
    online() { [ "$(cluster | awk '{print $4}')" = online ]; }
    port() { cluster | awk '{print $3}'; }
    connects() {
        PGPASSWORD=$pg_password PGCONNECT_TIMEOUT=5 psql -h 127.0.0.1 -p "$(port)" -U "$pg_role" -d "$pg_database" \
            -XtAqc 'SELECT 1' >/dev/null 2>&1
    }
    # Fast path: the cluster is up and the test role reaches its database.
    if ! { online && connects; }; then
        is_root || need_root \
            "cụm PostgreSQL $pg_version/main chưa chạy, hoặc chưa có vai trò $pg_role và cơ sở dữ liệu $pg_database" \
            "PostgreSQL cluster $pg_version/main is not running, or has no role $pg_role and database $pg_database"
        if [ -z "$(cluster)" ]; then
            say "test-machine: creating PostgreSQL cluster $pg_version/main"
            pg_createcluster "$pg_version" main >&2
        fi
        if ! online; then
            # Loopback only (Debian's default too), whatever the cluster's configuration said.
            pg_conftool "$pg_version" main set listen_addresses localhost >&2
            say "test-machine: starting PostgreSQL $pg_version/main"
            pg_ctlcluster "$pg_version" main start >&2
        fi
        as_postgres() { su postgres -s /bin/sh -c "psql -p $(port) -XtAq $1"; }
        [ "$(as_postgres "-c \"SELECT 1 FROM pg_roles WHERE rolname = '$pg_role'\"")" = 1 ] \
            || as_postgres "-c \"CREATE USER $pg_role PASSWORD '$pg_password' CREATEDB\"" >&2
        [ "$(as_postgres "-c \"SELECT 1 FROM pg_database WHERE datname = '$pg_database'\"")" = 1 ] \
            || as_postgres "-c \"CREATE DATABASE $pg_database OWNER $pg_role\"" >&2
        connects || { say "test-machine: cannot connect as $pg_role to 127.0.0.1:$(port)/$pg_database"; exit 1; }
    fi
    pg_port=$(port)
    export TOOLKIT_TEST_POSTGRES_URL="postgresql+psycopg://$pg_role:$pg_password@127.0.0.1:$pg_port/$pg_database"
fi

# ------------------------------------------------------------------ run

if [ "$#" -gt 0 ]; then
    exec "$@"
fi
if [ -n "${TOOLKIT_TEST_POSTGRES_URL:-}" ]; then
    printf "export TOOLKIT_TEST_POSTGRES_URL='%s'\n" "$TOOLKIT_TEST_POSTGRES_URL"
fi
say "test-machine: ready"
