#!/usr/bin/env bash
# Every check sanso has, as CI runs them: formatting, lints, the whole test suite on SQLite, the
# database-backed suites again on PostgreSQL, and the browser tests in headless Chromium.
#
# It installs what a fresh Debian machine lacks (Chromium and its WebDriver, the PostgreSQL client,
# compliance-trestle for the OSCAL checks). PostgreSQL is taken from SANSO_TEST_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/postgres; when CI=true an unreachable database fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

step "checking what this machine needs"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v pg_isready >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! python3 -c "import trestle" 2>/dev/null; then
    echo "installing compliance-trestle (reads sanso's OSCAL output in the tests)"
    python3 -m pip install -q compliance-trestle
fi
command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked
if [ ! -d ../shared/data ]; then
    echo "error: ../shared/data (reference data for the conformance tests) is missing beside the repository" >&2
    exit 1
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests on SQLite (whole workspace, browser tests included)"
env -u SANSO_TEST_DATABASE_URL cargo nextest run --workspace --locked --no-fail-fast

PG_URL="${SANSO_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
step "tests on PostgreSQL ($PG_URL)"
if pg_isready -q -d "$PG_URL" -t 10; then
    SANSO_TEST_DATABASE_URL="$PG_URL" cargo nextest run --locked --no-fail-fast -p sanso-store -p sanso-server -p sanso
else
    if [ "${CI:-}" = "true" ]; then
        echo "error: PostgreSQL at $PG_URL is unreachable; CI must test both databases" >&2
        exit 1
    fi
    echo "WARNING: PostgreSQL at $PG_URL is unreachable: the PostgreSQL run was NOT done" >&2
fi

step "all checks passed"
