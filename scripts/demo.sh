#!/usr/bin/env bash
# The main job on the embedded defaults: the acceptance of the sample project by the daemon.
#
# Starts olt-sim's sample city (config/olt-sim.toml: a Huawei MA5800 and a ZTE C300, 8 splitters
# of two projects, faults on some ports), a stand-in for the account-opening system
# (scripts/demo-receiver.py) and ftth-acceptd on SQLite (config/demo-acceptd.toml). Then, as a
# crew and an administrator would, through the daemon's API with ftthctl: tests every port,
# prints the report, approves the project that passed (its test ONUs are removed and its ports
# pushed), and sends the other back with the report's reasons. Stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.build/debug
ctl=$bin/ftthctl
dir=var/demo
store=$dir/ftth-acceptd.sqlite
export FTTH_SERVER=http://127.0.0.1:18080
export FTTH_OLT_PASSWORD=admin

step() { printf '\n== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }
say() { printf '\n== %s\n' "$*"; }

# Ports the demo uses: a process left over from an interrupted run, or another program.
for port in 18080 18081 2222 2223 2323 2324; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port on 127.0.0.1 is in use: stop what listens there (ss -ltnp | grep :$port) and run make demo again" >&2
    exit 1
  fi
done

rm -rf "$dir"
mkdir -p "$dir"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# Waits until FILE contains TEXT, while PID runs; shows FILE and fails otherwise.
wait_for() {
  local file=$1 text=$2 pid=$3 what=$4
  for _ in $(seq 300); do
    grep -q "$text" "$file" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$file" >&2
  echo "$what did not start; its output is above" >&2
  exit 1
}

step "Import the sample project export (2 projects, 2 OLTs of different vendors, 8 splitters, 68 ports)" \
  $ctl import projects config/sample-project.csv --store "$store"
say "Tokens for a crew member and an administrator (the secrets go to files, never to the screen)"
$ctl token create --name crew-1 --role crew --store "$store" >"$dir/crew.token"
$ctl token create --name admin-1 --role admin --store "$store" >"$dir/admin.token"

$bin/olt-sim --config config/olt-sim.toml >"$dir/olt-sim.log" 2>&1 &
pids+=($!)
wait_for "$dir/olt-sim.log" "olt-sim ready" "${pids[-1]}" olt-sim
step "olt-sim serves the sample city" cat "$dir/olt-sim.log"

python3 scripts/demo-receiver.py 18081 "$dir/pushes.log" &
pids+=($!)

$bin/ftth-acceptd --config config/demo-acceptd.toml >"$dir/ftth-acceptd.log" 2>&1 &
pids+=($!)
wait_for "$dir/ftth-acceptd.log" "serving the API" "${pids[-1]}" ftth-acceptd
step "ftth-acceptd is up (log in $dir/ftth-acceptd.log)" grep -m3 "notice" "$dir/ftth-acceptd.log"

export FTTH_TOKEN
FTTH_TOKEN=$(cat "$dir/crew.token")
step "The crew tests port 3 of GC2-B1-SP01 with the test ONT plugged in, following it live" \
  $ctl test start --project P2026-0412 --splitter GC2-B1-SP01 --port 3 --serial HWTC7E570001

# Every other port: the test ONT in each port is listed by olt-sim (its test_onts key).
$bin/olt-sim --config config/olt-sim.toml --list-onts >"$dir/onts.tsv"
say "Start the tests of the other 67 ports; the daemon runs them side by side, at most 8 per OLT"
started=0
while IFS=, read -r project splitter ratio count; do
  ports=${count:-${ratio#1:}}
  for port in $(seq "$ports"); do
    [[ $project == P2026-0412 && $splitter == GC2-B1-SP01 && $port == 3 ]] && continue
    serial=$(awk -F'\t' -v s="$splitter" -v p="$port" '$3 == s && $4 == p { print $5 }' "$dir/onts.tsv")
    $ctl test start --project "$project" --splitter "$splitter" --port "$port" --serial "$serial" --no-wait >/dev/null
    started=$((started + 1))
  done
done < <(python3 -c '
import csv
for r in csv.DictReader(open("config/sample-project.csv", encoding="utf-8")):
    print(",".join([r["project_code"], r["splitter_name"], r["splitter_ratio"], r["splitter_ports"]]))')
echo "$started tests started"

# Both projects leave "testing" once every port has a result: review when all passed, else rework.
for _ in $(seq 240); do
  states=$($ctl projects --store "$store" | awk 'NR > 1 { print $1, $2 }')
  grep -q testing <<<"$states" || break
  sleep 0.5
done
step "Projects after the tests" $ctl projects --store "$store"

# The report per port: the four powers, both attenuations, the verdict and its reasons.
report() {
  $ctl report --project "$1" --format csv --output "$dir/$1.csv"
  python3 - "$dir/$1.csv" <<'EOF'
import csv, sys, unicodedata
def width(text):  # a Chinese character takes two columns in a terminal
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
def pad(text, w, right):
    fill = " " * max(0, w - width(text))
    return fill + text if right else text + fill
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
cols = [("splitter", "splitter", 20), ("splitter_port", "port", 4), ("olt_tx_dbm", "OLT tx", 6),
        ("olt_rx_dbm", "OLT rx", 6), ("onu_tx_dbm", "ONU tx", 6), ("onu_rx_dbm", "ONU rx", 6),
        ("downstream_attenuation_db", "down dB", 7), ("upstream_attenuation_db", "up dB", 6),
        ("line_verdict", "line", 4)]
print(" ".join(pad(h, w, i > 0) for i, (_, h, w) in enumerate(cols)) + "  reasons")
for r in rows:
    reasons = r.get("reasons") or ""
    if r.get("warnings"):
        reasons = (reasons + "; " if reasons else "") + "warning: " + r["warnings"]
    # Long reasons are cut here; the CSV has them whole.
    shown = reasons if len(reasons) <= 110 else reasons[:108] + " …"
    print(" ".join(pad(r.get(k) or "-", w, i > 0) for i, (k, _, w) in enumerate(cols)) + "  " + shown)
EOF
}
say "Report of P2026-0412 (Garden Court, Huawei MA5800 over Telnet)"
report P2026-0412
say "Report of P2026-0413 (Riverside, ZTE C300 over Telnet): a dirty connector, a dead test ONT, a macrobend, a cut feeder"
report P2026-0413

FTTH_TOKEN=$(cat "$dir/admin.token")
step "The administrator approves P2026-0412" $ctl approve --project P2026-0412
say "The daemon removes its 36 test ONUs from the OLT, then pushes each port to account opening"
for _ in $(seq 120); do
  $ctl projects --store "$store" | grep -q "P2026-0412.*pushed" && break
  sleep 0.5
done
step "Projects now" $ctl projects --store "$store"
step "What the account-opening stand-in received: one push per port, none twice" \
  bash -c "cut -f1 $dir/pushes.log | sort | uniq -c; head -3 $dir/pushes.log"
step "No test ONU is left on the Huawei PON 0/1/0 (read over SSH, the host key olt-sim printed pinned)" \
  $ctl olt optics --driver huawei-cli --host 127.0.0.1 --port 2222 --ssh \
    --host-key "$(sed -n 's/^HW-OLT-East CLI: .*host key //p' "$dir/olt-sim.log")" --username admin --pon 0/1/0
step "The customers of the splitter in service, ZTE PON 1/2/3 over SNMPv2c (ONU 3 never registers)" \
  $ctl olt optics --driver zte-snmp --host 127.0.0.1 --port 16102 --community public --pon 1/2/3

printf '\nThe store is %s, the daemon log %s/ftth-acceptd.log. Everything the demo started is stopped now.\n' \
  "$store" "$dir"
