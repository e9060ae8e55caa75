#!/usr/bin/env bash
# Reliability check of the alert outbox (issue #6): 1,000 npm packages are tracked and polled; then 100 of them gain a
# token publish. The dashboard polls (every 10 s) and dispatches (every 10 s) to a local webhook receiver that answers
# slowly; while deliveries are in flight the app is killed with SIGKILL and started again. Pass: the receiver ends
# with exactly 100 distinct critical alerts (one per affected package), every signature valid; resends after the
# crash carry the same idempotency key and are counted as duplicates the receiver dropped.
# Loopback only; every process stops by itself (15 min at most).
# usage: bench/alerts-reliability/run.sh [--packages N] [--kill-after DELIVERIES]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
packages=1000; kill_after=25
while [ $# -gt 0 ]; do
  case "$1" in
    --packages) packages=$2; shift 2;; --kill-after) kill_after=$2; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
gained=$(( (packages + 9) / 10 ))
here="$root/bench/alerts-reliability"
work=$(mktemp -d /tmp/tpd-alerts.XXXXXX)
pids=(); app_pid=""
cleanup() { [ -n "$app_pid" ] && kill -9 "$app_pid" 2>/dev/null; for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

echo "publishing the app (Release)…" >&2
dotnet publish TrustedPublishDashboard/TrustedPublishDashboard.csproj -c Release -o "$root/artifacts/bench-publish" --nologo -v quiet >&2
app="$root/artifacts/bench-publish/TrustedPublishDashboard"

key="bench-key-$RANDOM$RANDOM"
node "$here/registry.mjs" "$packages" "$work/registry.port" 900 & pids+=($!)
node "$here/receiver.mjs" "$key" "$work/received.log" "$work/receiver.port" 150 900 & pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/registry.port" ] && [ -s "$work/receiver.port" ] && break; sleep 0.1; done
registry="http://127.0.0.1:$(cat "$work/registry.port")/"
receiver="http://127.0.0.1:$(cat "$work/receiver.port")"
stats() { curl -fs "$receiver/stats"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

export ConnectionStrings__Dashboard="Data Source=$work/alerts.db" Logging__LogLevel__Default=Warning Registries__Npm__BaseUrl="$registry"
"$app" alerts add-webhook --name reliability --url "$receiver/hook" --key "$key" --min-severity critical --no-digest >/dev/null
echo "baseline poll of $packages packages (all published with a trusted publisher)…" >&2
"$app" poll $(seq -f 'npm:rel-%04g' 0 $((packages - 1))) >/dev/null
curl -fs -X POST "${registry}-/bench/gain" >/dev/null
echo "$gained packages now have a token-published version; starting the dashboard (poll and dispatch every 10 s)…" >&2

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_app() {
  "$app" --urls "http://127.0.0.1:$port" --Jobs:npm-poll:Interval=00:00:10 --Jobs:alert-dispatch:Interval=00:00:10 >> "$work/app.log" 2>&1 &
  app_pid=$!
}
start=$(date +%s)
start_app
for _ in $(seq 1 1200); do
  d=$(stats | field deliveries)
  [ "$d" -ge "$kill_after" ] && break
  sleep 0.1
done
kill -9 "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
at_kill=$(stats)
echo "killed the app with SIGKILL after $(( $(date +%s) - start )) s: receiver $at_kill" >&2

start_app
for _ in $(seq 1 180); do
  s=$(stats)
  pending=$(python3 -c "import sqlite3; c=sqlite3.connect('$work/alerts.db'); print(c.execute(\"SELECT COUNT(*) FROM alerts WHERE dispatch_state='pending'\").fetchone()[0])" 2>/dev/null || echo "?")
  if [ "$(echo "$s" | field distinct)" -ge "$gained" ] && [ "$pending" = "0" ]; then break; fi
  sleep 1
done
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
final=$(stats)

python3 - "$work/alerts.db" "$work/received.log" "$final" "$gained" "$(( $(date +%s) - start ))" <<'PY'
import json, sqlite3, sys, collections
db, log, final, expected, seconds = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
lines = [json.loads(l) for l in open(log)]
by_key = collections.Counter(l["idem"] for l in lines)
packages = {l["package"] for l in lines}
c = sqlite3.connect(db)
alerts = dict(c.execute("SELECT dispatch_state, COUNT(*) FROM alerts GROUP BY dispatch_state").fetchall())
kinds = dict(c.execute("SELECT kind, COUNT(*) FROM alerts GROUP BY kind").fetchall())
attempts = c.execute("SELECT COALESCE(SUM(attempts),0), COUNT(*), SUM(state='sent') FROM alert_deliveries").fetchone()
print(f"receiver: {final['deliveries']} deliveries, {final['distinct']} distinct idempotency keys, {final['critical']} critical, "
      f"{final['duplicates']} duplicate(s) dropped by key, {final['badSignatures']} bad signature(s)")
print(f"distinct packages alerted: {len(packages)}; keys delivered more than once: {sum(1 for v in by_key.values() if v > 1)}")
print(f"database: alerts by state {alerts}, by kind {kinds}; deliveries: {attempts[1]} rows, {attempts[2]} sent, {attempts[0]} attempts")
ok = final["distinct"] == expected and final["critical"] == expected and len(packages) == expected and final["badSignatures"] == 0 \
     and alerts.get("pending", 0) == 0 and sum(alerts.values()) == expected
print(f"{'PASS' if ok else 'FAIL'}: expected exactly {expected} critical alerts, each once (after de-duplication by idempotency key); {seconds} s")
sys.exit(0 if ok else 1)
PY
