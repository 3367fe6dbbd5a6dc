#!/usr/bin/env bash
# HTTP load test of a release build: seeds a fresh installation with a 60-node value chain, then runs
# wrk (Debian package) against a read API endpoint, the SVG diagram and the diagram page of the web UI.
# Usage: bash scripts/loadtest.sh [seconds] [connections]     (default 20 s, 32 connections)
# Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
CONNS="${2:-32}"
PORT=18199
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p sanso
BIN=target/release/sanso
DIR="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DIR"' EXIT
echo "a long password" | $BIN --data-dir "$DIR" admin create --email load@example.com --name Load --workspace Load >/dev/null
WS="$($BIN --data-dir "$DIR" workspace list | cut -f1)"
TOKEN="$($BIN --data-dir "$DIR" token create --email load@example.com)"
{
    echo "format: sanso.value-chain/v1"
    echo "nodes:"
    echo "  - {key: buyer, kind: organization, name: Buyer}"
    for i in $(seq 1 20); do echo "  - {key: s$i, kind: organization, name: Supplier $i, category: supplier}"; done
    for i in $(seq 1 15); do echo "  - {key: d$i, kind: component, name: Device $i, category: IoT device}"; done
    for i in $(seq 1 12); do echo "  - {key: y$i, kind: system, name: System $i}"; done
    for i in $(seq 1 12); do echo "  - {key: a$i, kind: data, name: Data set $i}"; done
    echo "connections:"
    for i in $(seq 1 20); do echo "  - {from: s$i, to: buyer, layer: L1, kind: supplies}"; done
    for i in $(seq 1 15); do echo "  - {from: d$i, to: y$(( (i % 12) + 1 )), layer: L2, kind: senses}"; done
    for i in $(seq 1 12); do echo "  - {from: y$i, to: a$i, layer: L3, kind: transfers_data}"; done
    for i in $(seq 1 12); do echo "  - {from: buyer, to: y$i, layer: L1, kind: operates}"; done
} > "$DIR/model.yaml"
$BIN --data-dir "$DIR" model import "$DIR/model.yaml" --workspace "$WS" >/dev/null
$BIN --data-dir "$DIR" serve --listen "127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
# A browser session for the UI page: the login form's CSRF token, then the session cookie.
JAR="$DIR/cookies"
PAGE="$(curl -s -c "$JAR" "http://127.0.0.1:$PORT/login")"
CSRF="$(printf '%s' "$PAGE" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)"
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "_csrf=$CSRF" --data-urlencode "email=load@example.com" \
    --data-urlencode "password=a long password" "http://127.0.0.1:$PORT/login"
COOKIE="$(awk '$6 ~ /^sanso_/ {printf "%s=%s; ", $6, $7}' "$JAR")"
echo "nodes: $(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/workspaces/$WS/nodes" | grep -o '"id"' | wc -l)"
run() {
    echo "== $1"
    shift
    wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" | grep -E "Requests/sec|Latency  |  50%|  99%|Non-2xx|Socket errors"
}
run "GET /api/v1/workspaces/{ws}/nodes (JSON, bearer token)" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/workspaces/$WS/nodes"
run "GET /w/{ws}/diagram (HTML page with the SVG, session cookie)" -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/w/$WS/diagram"
run "GET /api/v1/workspaces/{ws}/diagram.svg (bearer token)" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/workspaces/$WS/diagram.svg"
