#!/usr/bin/env bash
# Benchmark: the dashboard's `audit` against what a user would script instead (`npm view` in a loop), and against
# the floor (curl fetching the same documents at the same concurrency), on a local registry with 1,000 generated
# packuments. Also: second-poll bytes as a share of the first (conditional requests), and peak memory while parsing
# the largest document and a 50 MB / 20,000-version packument.
# usage: bench/audit-vs-npm/run.sh [--count N] [--npm-sample N] [--concurrency N]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
count=1000; npm_sample=1000; concurrency=8
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count=$2; shift 2;; --npm-sample) npm_sample=$2; shift 2;; --concurrency) concurrency=$2; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
command -v /usr/bin/time >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

work=$(mktemp -d /tmp/tpd-bench.XXXXXX)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

app="$root/artifacts/bench-publish/TrustedPublishDashboard"
echo "publishing the app (Release)…" >&2
dotnet publish TrustedPublishDashboard/TrustedPublishDashboard.csproj -c Release -o "$root/artifacts/bench-publish" --nologo -v quiet >&2

node bench/audit-vs-npm/generate.mjs "$work/data" "$count"
node bench/audit-vs-npm/server.mjs "$work/data" "$work/port" 2400 & server_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
registry="http://127.0.0.1:$(cat "$work/port")/"
mapfile -t names < "$work/data/names.txt"
specs=(); for n in "${names[@]}"; do specs+=("npm:$n"); done

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# (a) audit over all packages
t0=$(now)
"$app" audit --npm-registry "$registry" --format json --concurrency "$concurrency" "${specs[@]}" > "$work/audit.json" 2> "$work/audit.err" || true
t1=$(now); a=$(elapsed "$t0" "$t1")
python3 - "$work/audit.json" <<'PY'
import json, sys, collections
doc = json.load(open(sys.argv[1]))
c = collections.Counter(p["status"] for p in doc["packages"])
print("audit statuses:", dict(c), "| versions:", sum(len(p["versions"]) for p in doc["packages"]))
PY
tail -1 "$work/audit.err"

# (c) the floor: curl fetching the same packuments at the same concurrency, discarding them
: > "$work/curl.cfg"
for n in "${names[@]}"; do printf 'url = "%s%s"\noutput = "/dev/null"\n' "$registry" "${n/\//%2f}" >> "$work/curl.cfg"; done
t0=$(now); curl -s --no-progress-meter -Z --parallel-max "$concurrency" -K "$work/curl.cfg"; t1=$(now); c=$(elapsed "$t0" "$t1")
# (c2) the same, plus every attestation document the audit also fetched: all the bytes the audit moves
cp "$work/curl.cfg" "$work/curl2.cfg"
for f in "$work"/data/attestations/*.json; do
  b=$(basename "$f" .json); printf 'url = "%s-/npm/v1/attestations/%s"\noutput = "/dev/null"\n' "$registry" "$b" >> "$work/curl2.cfg"
done
t0=$(now); curl -s --no-progress-meter -Z --parallel-max "$concurrency" -K "$work/curl2.cfg"; t1=$(now); c2=$(elapsed "$t0" "$t1")

# (b) what a user would script: npm view in a loop (a sample, extrapolated when --npm-sample < count)
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
t0=$(now)
for n in "${names[@]:0:$npm_sample}"; do
  npm view "$n" --json --registry "$registry" --cache "$work/npm-cache" > /dev/null 2>&1 || true
done
t1=$(now); b_sample=$(elapsed "$t0" "$t1")
b=$(python3 -c "print(f'{$b_sample * $count / $npm_sample:.2f}')")

# polling twice: the second poll of unchanged documents should cost almost nothing
export ConnectionStrings__Dashboard="Data Source=$work/poll.db"
p1=$("$app" poll --npm-registry "$registry" --concurrency "$concurrency" "${specs[@]}" 2>"$work/poll1.err") || { cat "$work/poll1.err" >&2; exit 1; }
p2=$("$app" poll --npm-registry "$registry" --concurrency "$concurrency" 2>"$work/poll2.err") || { cat "$work/poll2.err" >&2; exit 1; }

# peak memory: smallest vs largest document of the set, and a generated 50 MB / 20,000-version packument
rss() { { /usr/bin/time -f '%M' "$app" audit --npm-registry "$registry" --format json "npm:$1" 2>&1 >/dev/null || true; } | tail -1; }
small=$(cat "$work/data/smallest.txt"); large=$(cat "$work/data/largest.txt")
node -e '
const fs = require("fs"); const dir = process.argv[1]; const versions = {}; const time = {};
for (let i = 0; i < 20000; i++) { const v = `1.${Math.floor(i/100)}.${i%100}`;
  versions[v] = { name: "bench-huge", version: v, description: "x".repeat(1900), dependencies: { a: "^1" },
    _npmUser: i % 10 ? { name: "GitHub Actions", email: "npm-oidc-no-reply@github.com", trustedPublisher: { id: "github", oidcConfigId: "oidc:h" } } : { name: "legacy", email: "l@example.test" },
    dist: { shasum: "f".repeat(40), tarball: "http://bench.invalid/x.tgz" } };
  time[v] = new Date(Date.UTC(2020,0,1) + i * 3600e3).toISOString(); }
fs.writeFileSync(dir + "/packuments/bench-huge.json", JSON.stringify({ name: "bench-huge", "dist-tags": { latest: "1.199.99" }, versions, time }));
' "$work/data"
huge_mb=$(python3 -c "import os; print(f'{os.path.getsize(\"$work/data/packuments/bench-huge.json\")/1e6:.1f}')")
rss_small=$(rss "$small"); rss_large=$(rss "$large"); rss_huge=$(rss bench-huge)
large_mb=$(python3 -c "import os; print(f'{os.path.getsize(\"$work/data/packuments/${large/\//%2f}.json\")/1e6:.1f}')")

python3 - "$a" "$b" "$c" "$b_sample" "$npm_sample" "$count" "$p1" "$p2" "$rss_small" "$rss_large" "$rss_huge" "$large_mb" "$huge_mb" "$c2" <<'PY'
import json, sys
a, b, c, b_sample = map(float, sys.argv[1:5]); npm_sample, count = int(sys.argv[5]), int(sys.argv[6])
p1, p2 = json.loads(sys.argv[7]), json.loads(sys.argv[8])
rs, rl, rh = (int(x) / 1024 for x in sys.argv[9:12]); large_mb, huge_mb = sys.argv[12], sys.argv[13]; c2 = float(sys.argv[14])
print()
print(f"(a) audit, {count} packages:                 {a:8.2f} s")
print(f"(b) npm view loop:                          {b:8.2f} s" + ("" if npm_sample == count else f"  (measured {b_sample:.2f} s for {npm_sample}, extrapolated)"))
print(f"(c) curl floor, same documents:             {c:8.2f} s")
print(f"(c2) curl, packuments + attestations:       {c2:8.2f} s   (every document the audit fetches)")
print(f"b/a = {b / a:7.1f}x   (goal >= 100x)")
print(f"a/c = {a / c:7.2f}x   (goal <= 3x)     a/c2 = {a / c2:5.2f}x")
print(f"poll 1: {p1['bytes']:,} bytes, {p1['requests']} requests, {p1['seconds']} s; poll 2: {p2['bytes']:,} bytes, {p2['requests']} requests ({p2['notModified']} not modified), {p2['seconds']} s")
print(f"second poll bytes = {100 * p2['bytes'] / max(1, p1['bytes']):.3f} % of the first   (goal <= 2 %)")
print(f"peak RSS: smallest document {rs:.0f} MB; largest of the set ({large_mb} MB) {rl:.0f} MB (+{rl - rs:.0f} MB); 20,000-version packument ({huge_mb} MB) {rh:.0f} MB (+{rh - rs:.0f} MB, goal <= ~200 MB extra)")
PY
