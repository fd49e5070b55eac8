#!/usr/bin/env bash
# The administrator's activation-list page of a 5,000-port project under load (issue 14): wrk on
# loopback at 50 connections against GET /admin/projects/BIG/ports (the first page of 100 rows),
# a page deep in the list, and a filtered page, with an administrator's session cookie.
# Makes a fresh store in a temporary directory: one project BIG of 625 splitters of 8 ports
# (16 splitters, 128 ports, per PON port; 40 PON ports of one OLT), an administrator signed in with
# a one-time code; runs ftth-acceptd on plain HTTP (the page, not TLS, is measured).
# Usage: scripts/admin-list-bench.sh [SECONDS]   FTTH_BIN: the built executables (default .build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${FTTH_BIN:-.build/release}
seconds=${1:-20}
for exe in ftth-acceptd ftthctl; do
  [[ -x $bin/$exe ]] || { echo "error: $bin/$exe is not built: swift build -c release" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "error: wrk is missing: run scripts/install-deps.sh" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ftth-admin-bench.XXXXXX")
pid=""
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
store=$work/store.sqlite
python3 - "$work/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("project_code,project_name,olt_name,olt_ip,olt_dialect,pon,svlan,splitter_name,splitter_ratio,splitter_ports\n")
    for s in range(625):
        pon = s // 16
        f.write(f"BIG,Five thousand ports,HW-BENCH,10.99.0.1,huawei-ma5800,0/{1 + pon // 16}/{pon % 16},"
                f"{1000 + pon},BIG-SP{s:03d},1:8,8\n")
PY
$bin/ftthctl import projects "$work/big.csv" --store "$store" >/dev/null
$bin/ftthctl account create --name bench-admin --role admin --language en --store "$store" 2>/dev/null
cat >"$work/acceptd.toml" <<TOML
[api]
host = "127.0.0.1"
port = $port

[store]
path = "$store"
TOML
$bin/ftth-acceptd --config "$work/acceptd.toml" >"$work/acceptd.log" 2>&1 &
pid=$!
source scripts/wait-for.sh
wait_for "$work/acceptd.log" "serving the API" "$pid" ftth-acceptd
base="http://127.0.0.1:$port"
link=$($bin/ftthctl account code --name bench-admin --minutes 10 --base-url "$base" --store "$store")
code=${link##*/}
cookie=$(curl -s -o /dev/null -D - -H "Origin: $base" --data "code=$code" "$base/code" |
  sed -n 's/^[Ss]et-[Cc]ookie: ftth_session=\([^;]*\).*/\1/p')
[[ -n $cookie ]] || { echo "error: the sign-in code was not accepted" >&2; exit 1; }
for path in "/admin/projects/BIG/ports" "/admin/projects/BIG/ports?page=45" \
  "/admin/projects/BIG/ports?splitter=BIG-SP600&state=untested"; do
  bytes=$(curl -s -H "Cookie: ftth_session=$cookie" "$base$path" | wc -c)
  echo "== GET $path ($bytes bytes)"
  wrk -t2 -c50 -d"${seconds}s" --latency -H "Cookie: ftth_session=$cookie" "$base$path" |
    grep -E "Requests/sec|Latency |  50%|  99%|Non-2xx|Socket errors"
done
