#!/bin/sh
# Regenerates docs/screenshots/*.png: starts the demo on a fresh data folder, waits for mail and deliveries, and lets
# headless Chromium (Debian's chromium) take the main pages at 1280 px wide. Not run in CI.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$(mktemp -d)
port=${PORT:-5391}
password=screenshots-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
dotnet build "$root/src/Credo.Server" >/dev/null
CREDO_ADMIN_PASSWORD=$password dotnet "$root/src/Credo.Server/bin/Debug/net10.0/credo.dll" serve --demo --data "$data" --urls "http://127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server=$!
# Two sample mails (one every 20 s) and their deliveries.
sleep "${WAIT:-75}"
dotnet run "$root/docs/screenshots/Screenshots.cs" -- "http://127.0.0.1:$port" "$password" "$root/docs/screenshots"
