#!/usr/bin/env bash
# How long a listener whose server fails takes to show Error, by failure kind, as an operator sees it: a real
# `credo serve`, real sockets, and `credo listeners list --json` read every second. Failure kinds: an EWS server that
# refuses connections, a host that does not resolve, an IMAP server that refuses connections (each timed from when the
# listener is added), and an EWS server that dies after the listener is OK (timed from the kill).
#
# Usage: bench/truthful-status.sh [path/to/credo.dll] [poll interval in seconds, default 30] [give up after, default 600 s]
# Build first: dotnet build src/Credo.Server (the default path is its Debug output). Runs only on loopback.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dll=${1:-src/Credo.Server/bin/Debug/net10.0/credo.dll}
interval=${2:-30}
limit=${3:-600}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

credo() { dotnet "$dll" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_for() { for _ in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "timed out waiting for '$2' in $1" >&2; return 1; }

a=$(free_port); b=$(free_port); web=$(free_port); closed_ews=$(free_port); closed_imap=$(free_port)
# Background processes run dotnet itself (not the shell function), so that their pid is the server's own.
dotnet "$dll" sandbox --urls "http://127.0.0.1:$a" >"$work/a.log" 2>&1 & pids+=($!)
dotnet "$dll" sandbox --urls "http://127.0.0.1:$b" >"$work/b.log" 2>&1 & dying=$!; pids+=($dying)
wait_for "$work/a.log" "token endpoint"; wait_for "$work/b.log" "token endpoint"
dotnet "$dll" serve --data "$work/data" --urls "http://127.0.0.1:$web" >"$work/serve.log" 2>&1 & pids+=($!)
wait_for "$work/serve.log" "Console"

# Releases with Resource Hosts need the test hosts listed; earlier ones know no such flag.
hosts=(); credo credentials add --help | grep -q -- --resource-hosts && hosts=(--resource-hosts "127.0.0.1 mail.credo-test.invalid")
for s in a b; do
    port=${!s}
    echo sandbox-secret | credo credentials add --data "$work/data" --name "Sandbox $s" --client-id sandbox-client --client-secret-stdin \
        --token-endpoint "http://127.0.0.1:$port/connect/token" --scope https://outlook.office365.com/.default "${hosts[@]}" >/dev/null
done

add() { credo listeners add --data "$work/data" --name "$1" --mailbox demo@sandbox.test --poll-interval "${interval}s" "${@:2}" >/dev/null; date +%s.%N; }
status() { credo listeners list --data "$work/data" --json | python3 -c 'import json,sys; print(" ".join(l["name"].replace(" ","_") + "=" + l["status"] for l in json.load(sys.stdin)))'; }

# The dying server's listener first records its mail and is OK; then its server is killed.
add "Dies" --credential "Sandbox b" --ews-url "http://127.0.0.1:$b/EWS/Exchange.asmx" >/dev/null
for _ in $(seq 120); do status | grep -q "Dies=OK" && break; sleep 1; done
declare -A start=()
start[Refused]=$(add "Refused" --credential "Sandbox a" --ews-url "http://127.0.0.1:$closed_ews/EWS/Exchange.asmx")
start[Unresolvable]=$(add "Unresolvable" --credential "Sandbox a" --ews-url "https://mail.credo-test.invalid/EWS/Exchange.asmx")
start[IMAP_refused]=$(add "IMAP refused" --credential "Sandbox a" --protocol imap --imap-host 127.0.0.1 --imap-port "$closed_imap" --imap-security none)
kill "$dying"; start[Dies]=$(date +%s.%N)

declare -A shown=()
end=$(( $(date +%s) + limit ))
while (( $(date +%s) < end )) && (( ${#shown[@]} < 4 )); do
    now=$(date +%s.%N)
    for pair in $(status); do
        name=${pair%%=*}; state=${pair#*=}
        if [[ -z ${shown[$name]:-} && ( $state == Error || $state == Stalled ) ]]; then
            shown[$name]=$(python3 -c "print(f'{$now - ${start[$name]}:.1f} s ({\"$state\"})')")
        fi
    done
    sleep 1
done

echo "poll interval ${interval} s; $(basename "$(dirname "$(dirname "$(dirname "$dll")")")") $(cd "$(dirname "$dll")" && git rev-parse --short HEAD 2>/dev/null || true)"
printf '%-14s %s\n' "failure" "seconds to Error (or Stalled)"
for name in Refused Unresolvable IMAP_refused Dies; do
    printf '%-14s %s\n' "$name" "${shown[$name]:-not within ${limit} s}"
done
