#!/usr/bin/env bash
# Runs every test on a fresh Debian machine: installs what is missing, runs the test suite, then checks the
# published (Docker-equivalent) build starts and answers /healthz, and that the local-only guard refuses
# a non-loopback bind. Usage: ./test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

say() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

# --- prerequisites -----------------------------------------------------------------------------------
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
fc-list 2>/dev/null | grep -qi liberation || need_apt+=(fonts-liberation)
# A real SMTP server on loopback for the email channel's tests.
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need_apt+=(python3-aiosmtpd)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "Installing ${need_apt[*]} (Debian packages)"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || { echo "The .NET SDK (dotnet) 10 or newer is required: see README.md." >&2; exit 1; }
# The projects target net10.0 (Directory.Build.props): an older SDK fails later with a less helpful message.
sdk_major=$(dotnet --version 2>/dev/null | cut -d. -f1)
[ "${sdk_major:-0}" -ge 10 ] 2>/dev/null || { echo "The .NET SDK 10 or newer is required (found $(dotnet --version 2>&1 | head -1)): see README.md." >&2; exit 1; }

# --- unit, integration and browser tests -------------------------------------------------------------
say "dotnet test"
rm -rf artifacts/screenshots artifacts/test-results
mkdir -p artifacts
set +e
dotnet test TrustedPublishDashboard.Tests/TrustedPublishDashboard.Tests.csproj --nologo \
  --results-directory artifacts/test-results "$@" 2>&1 | tee artifacts/test.log
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E '(Passed|Failed)!' artifacts/test.log | tail -1 || true)
[ "$status" -eq 0 ] || { echo "dotnet test failed" >&2; exit "$status"; }

# --- the published app, as the Dockerfile builds it ---------------------------------------------------
say "dotnet publish (same command as the Dockerfile)"
publish_dir="$root/artifacts/publish"
rm -rf "$publish_dir"
dotnet publish TrustedPublishDashboard/TrustedPublishDashboard.csproj -c Release -o "$publish_dir" --nologo -v quiet
du -sh "$publish_dir" | awk '{print "published output size: " $1}'

smoke_dir=$(mktemp -d)
trap 'kill "${app_pid:-0}" 2>/dev/null || true; rm -rf "$smoke_dir"' EXIT

say "Local-only guard: a non-loopback bind without an identity provider must be refused"
set +e
guard_out=$(cd "$smoke_dir" && "$publish_dir/TrustedPublishDashboard" --urls http://0.0.0.0:0 2>&1)
guard_code=$?
set -e
if [ "$guard_code" -eq 0 ] || ! grep -q "Refusing to listen on http://0.0.0.0:0" <<<"$guard_out"; then
  echo "expected a refusal, got exit $guard_code: $guard_out" >&2; exit 1
fi
echo "refused with exit code $guard_code: $(head -c 120 <<<"$guard_out")…"

say "Starting the published binary on loopback until /healthz answers 200"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)
t0=$(date +%s%N)
(cd "$smoke_dir" && ConnectionStrings__Dashboard="Data Source=$smoke_dir/data/dashboard.db" \
  exec "$publish_dir/TrustedPublishDashboard" --urls "http://127.0.0.1:$port") >"$smoke_dir/app.log" 2>&1 &
app_pid=$!
ok=""
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/healthz" -o "$smoke_dir/health.json" 2>/dev/null; then ok=1; break; fi
  kill -0 "$app_pid" 2>/dev/null || break
  sleep 0.1
done
t1=$(date +%s%N)
if [ -z "$ok" ]; then echo "the published app did not become healthy:" >&2; cat "$smoke_dir/app.log" >&2; exit 1; fi
echo "cold start to first /healthz 200: $(( (t1 - t0) / 1000000 )) ms"
cat "$smoke_dir/health.json"; echo
grep -q "Open http://127.0.0.1:$port" "$smoke_dir/app.log" || { echo "the app did not print the URL to open" >&2; cat "$smoke_dir/app.log" >&2; exit 1; }
for path in /packages /_framework/blazor.web.js /_content/MudBlazor/MudBlazor.min.js /_content/MudBlazor/MudBlazor.min.css /favicon.svg; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
  [ "$code" = 200 ] || { echo "published app: GET $path answered $code" >&2; exit 1; }
done
echo "published app serves pages and static assets"
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true

say "Done in $(( $(date +%s) - started )) s"
# The plain closing line CI reads.
if [[ "$summary" =~ Failed:\ +([0-9]+),\ +Passed:\ +([0-9]+),\ +Skipped:\ +([0-9]+) ]]; then
  echo "${BASH_REMATCH[2]} passed, ${BASH_REMATCH[1]} failed, ${BASH_REMATCH[3]} skipped"
fi
