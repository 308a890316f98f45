#!/usr/bin/env bash
# mailguard as the "mailguard" path of the shared relay benchmark (../shared/bench/run_bench.py):
#   MAILGUARD_CMD=bench/serve-for-bench.sh python3 ../shared/bench/run_bench.py ...
# Listens on $MG_LISTEN_HOST:$MG_LISTEN_PORT and relays to $MG_UPSTREAM_HOST:$MG_UPSTREAM_PORT,
# with what production has: the store on disk, fsync'd before every 250, and the default
# policy's checks and rules. The policy is policies/default.yaml with the benchmark's domains
# (smtp-source sends from example.com to example.net) as the internal ones, so every message is
# inspected by every check and then passes and is delivered, as the harness counts deliveries.
# MG_INSPECTORS (default 1: mail from 64 KiB on is inspected beside the relay, on the other
# core) sets `inspection_processes`, MG_PROCESSES (default 1) `processes`,
# MAILGUARD_PYTHON the interpreter.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mailguard-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

python="${MAILGUARD_PYTHON:-}"
if [[ -z "$python" ]]; then
    python="$repo/.venv/bin/python"
    [[ -x "$python" ]] || python=python3
fi

mkdir -p "$work/policies"
sed -E 's/^(  internal_domains:) \[[^]]*\]/\1 [example.com, example.net]/' \
    "$repo/policies/default.yaml" >"$work/policies/default.yaml"
cp "$repo"/policies/*.csv "$work/policies/"

cat >"$work/mailguard.yaml" <<YAML
smtp:
  listeners: [{host: "${MG_LISTEN_HOST}", port: ${MG_LISTEN_PORT}}]
  hostname: mailguard.bench.test
  max_sessions: 1000
upstream: {kind: smtp, host: "${MG_UPSTREAM_HOST}", port: ${MG_UPSTREAM_PORT}, tls: none}
store: {path: var/mailguard.sqlite3, fsync: true}
delivery: {workers: 20}
web: {port: 0}
processes: ${MG_PROCESSES:-1}
inspection_processes: ${MG_INSPECTORS:-1}
policy: policies/default.yaml
log: {level: info, format: json}
YAML

# Not exec: the EXIT trap removes the work directory once the relay has stopped (SIGTERM).
PYTHONPATH="$repo" "$python" -m mailguard serve --config "$work/mailguard.yaml" 2>"$work/serve.log" &
relay=$!
trap 'kill -TERM "$relay" 2>/dev/null || true' TERM INT
wait "$relay" || wait "$relay"
