#!/usr/bin/env bash
# `make serve`: keeps olt-sim's sample city and ftth-acceptd running on the demo's data, over
# HTTPS, so a person can open the web pages and test a port. Prints the URL and one-time sign-in
# links for a crew member (crew-1, Chinese pages) and an administrator (admin-1, English pages).
# Ctrl-C stops everything it started.
#
# Usage: scripts/serve.sh [--port N] [--dir DIR] [--links-file FILE]
#   --port        the HTTPS port (default 18443)
#   --dir         where the store and logs go (default var/serve; emptied first)
#   --links-file  also write "crew URL", "admin URL" and "base URL" lines there (the browser tests)
# FTTH_BIN: the built executables (default .build/debug).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${FTTH_BIN:-.build/debug}
port=18443
dir=var/serve
links_file=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --port) port=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --links-file) links_file=$2; shift 2 ;;
    *) echo "usage: scripts/serve.sh [--port N] [--dir DIR] [--links-file FILE]" >&2; exit 2 ;;
  esac
done
for exe in ftth-acceptd ftthctl olt-sim; do
  [[ -x $bin/$exe ]] || { echo "error: $bin/$exe is not built: run 'make demo' (or swift build) first" >&2; exit 1; }
done
export FTTH_OLT_PASSWORD=admin
for p in "$port" 2222 2223 2323 2324; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p on 127.0.0.1 is in use (a demo still running?): stop what listens there (ss -ltnp | grep :$p)" >&2
    exit 1
  fi
done

rm -rf "$dir"
mkdir -p "$dir"
scripts/tls-cert.sh var/tls
store=$dir/ftth-acceptd.sqlite
sed -e "s|^port = 18443|port = $port|" -e "s|var/serve/ftth-acceptd.sqlite|$store|" \
  config/serve-acceptd.toml >"$dir/acceptd.toml"

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for FILE TEXT PID WHAT
source scripts/wait-for.sh

$bin/ftthctl import projects config/sample-project.csv --store "$store" >"$dir/import.log"
$bin/ftthctl account create --name crew-1 --role crew --language zh --store "$store" 2>>"$dir/import.log"
$bin/ftthctl account create --name admin-1 --role admin --language en --store "$store" 2>>"$dir/import.log"

$bin/olt-sim --config config/olt-sim.toml >"$dir/olt-sim.log" 2>&1 &
pids+=($!)
wait_for "$dir/olt-sim.log" "olt-sim ready" "${pids[-1]}" olt-sim
$bin/olt-sim --config config/olt-sim.toml --list-onts >"$dir/test-onts.tsv"

$bin/ftth-acceptd --config "$dir/acceptd.toml" >"$dir/ftth-acceptd.log" 2>&1 &
pids+=($!)
wait_for "$dir/ftth-acceptd.log" "serving the API" "${pids[-1]}" ftth-acceptd

base="https://localhost:$port"
crew=$($bin/ftthctl account code --name crew-1 --minutes 120 --base-url "$base" --store "$store")
admin=$($bin/ftthctl account code --name admin-1 --minutes 120 --base-url "$base" --store "$store")
if [[ -n $links_file ]]; then
  printf 'crew %s\nadmin %s\nbase %s\n' "$crew" "$admin" "$base" >"$links_file.tmp"
  mv "$links_file.tmp" "$links_file"
fi
cat <<TEXT

The web pages: $base/   (self-signed certificate from var/tls: the browser warns once)
From a phone on this network: https://<this machine's address>:$port/ (sign-in links below use localhost)

One-time sign-in links (valid 2 hours, each works once):
  crew member crew-1 (Chinese): $crew
  administrator admin-1 (English): $admin

The test ONT in each port of the sample city, to type as its serial (olt-sim --list-onts):
$(awk -F'\t' 'NR <= 9 { printf "  %s\n", $0 }' "$dir/test-onts.tsv")
  … all of them in $dir/test-onts.tsv

Logs: $dir/ftth-acceptd.log, $dir/olt-sim.log. Ctrl-C stops olt-sim and ftth-acceptd.
TEXT
wait -n "${pids[@]}" || true
echo "a process this script started has ended; stopping the others (logs in $dir)" >&2
