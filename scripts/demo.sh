#!/usr/bin/env bash
# The main job on the embedded defaults: the acceptance of the sample project by the daemon.
#
# Starts olt-sim's sample city (config/olt-sim.toml: a Huawei MA5800 and a ZTE C300, 8 splitters
# of two projects, faults on some ports), a stand-in for the account-opening system
# (scripts/demo-receiver.py) and ftth-acceptd on SQLite (config/demo-acceptd.toml). Then, as a
# crew and an administrator would, through the daemon's API with ftthctl: tests every port,
# prints the report, approves the project that passed (its test ONUs are removed and its ports
# pushed), and sends the other back with the report's reasons.
#
# The service test (as root, with network namespaces): the ports of P2026-0414 are also dialled
# through the test ONT. A namespace ftth-demo-probe stands for the probe box: its veth ont0 is the
# test ONT's LAN port, whose other end (ftthdemo-bras, on this host) olt-sim answers as the BRAS
# (config/demo-bras.toml: PPPoE in user space, plan 100 Mbit/s, faults on four test accounts);
# its veth mgmt0 (10.66.0.2/30) is its way to the daemon (10.66.0.1). An iperf3 server listens on
# the BRAS's address 10.67.0.1. `ftth-probe run` in the namespace takes each port's service test,
# dials, measures and posts the result; the report shows line, service and overall verdicts.
# Without root or namespaces it says so and runs the line tests only. Stops everything it
# started and removes the namespace and links, also when interrupted or when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${FTTH_BIN:-.build/debug}
ctl=$bin/ftthctl
dir=var/demo
store=$dir/ftth-acceptd.sqlite
export FTTH_SERVER=http://127.0.0.1:18080
export FTTH_OLT_PASSWORD=admin
netns=ftth-demo-probe
service_project=P2026-0414

step() { printf '\n== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }
say() { printf '\n== %s\n' "$*"; }

# The service test needs root (namespaces, veth, libpcap, a TUN device), iproute2 and iperf3.
service=yes
why_not=""
if [[ $(id -u) -ne 0 ]]; then
  why_not="it needs root (network namespaces, veth links, raw PPPoE frames and a TUN device)"
elif ! command -v ip >/dev/null || ! command -v iperf3 >/dev/null; then
  why_not="ip (iproute2) or iperf3 is missing; run scripts/install-deps.sh"
elif [[ ! -c /dev/net/tun ]]; then
  why_not="/dev/net/tun is missing (modprobe tun)"
elif ip -4 -o address show | grep -qE ' inet 10\.6[67]\.0\.'; then
  why_not="this host already uses 10.66.0.0/30 or 10.67.0.0/24 (ip -4 address), which the demo's probe link and BRAS need"
fi
[[ -n $why_not ]] && service=no

# Ports the demo uses: a process left over from an interrupted run, or another program.
ports=(18080 18081 2222 2223 2323 2324)
[[ $service == yes ]] && ports+=(5201)
for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port on 127.0.0.1 is in use: stop what listens there (ss -ltnp | grep :$port) and run make demo again" >&2
    exit 1
  fi
done

rm -rf "$dir"
mkdir -p "$dir"
# The certificate `make serve` serves the web pages with (kept across demos, outside $dir).
scripts/tls-cert.sh var/tls
pids=()
probe_pid=""
# SIGTERM to each process, then up to 10 s for all of them to end, then SIGKILL (and its
# children, such as an iperf3 the probe started), so that cleaning up never hangs.
stop() {
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  local alive
  for _ in $(seq 100); do
    alive=no
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=yes; done
    [[ $alive == no ]] && break
    sleep 0.1
  done
  local child
  for pid in "$@"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "process $pid ($(ps -o comm= -p "$pid")) did not stop within 10 s of SIGTERM: killing it" >&2
      for child in $(ps -o pid= --ppid "$pid"); do kill -KILL "$child" 2>/dev/null || true; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}
cleanup() {
  # The probe first, so that it hangs its session up while the BRAS still answers.
  [[ -n $probe_pid ]] && stop "$probe_pid"
  [[ ${#pids[@]} -gt 0 ]] && stop "${pids[@]}"
  if [[ $service == yes ]]; then
    ip netns delete "$netns" 2>/dev/null || true
    ip link delete ftthdemo-bras 2>/dev/null || true
    ip link delete ftthdemo-mgmt 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $service == yes ]]; then
  # Left over from a run that was killed before it could clean up.
  ip netns delete "$netns" 2>/dev/null || true
  ip link delete ftthdemo-bras 2>/dev/null || true
  ip link delete ftthdemo-mgmt 2>/dev/null || true
  if ! ip netns add "$netns" 2>"$dir/netns.err"; then
    service=no
    why_not="cannot create a network namespace: $(cat "$dir/netns.err")"
  fi
fi
if [[ $service == yes ]]; then
  say "The probe's network: namespace $netns, ont0 ↔ ftthdemo-bras (the test ONT's LAN port ↔ the BRAS), mgmt0 10.66.0.2 ↔ ftthdemo-mgmt 10.66.0.1"
  ip link add ftthdemo-bras type veth peer name ont0 netns "$netns"
  ip link add ftthdemo-mgmt type veth peer name mgmt0 netns "$netns"
  ip address add 10.66.0.1/30 dev ftthdemo-mgmt
  ip -n "$netns" address add 10.66.0.2/30 dev mgmt0
  ip link set ftthdemo-bras up
  ip link set ftthdemo-mgmt up
  ip -n "$netns" link set lo up
  ip -n "$netns" link set ont0 up
  ip -n "$netns" link set mgmt0 up
  ip -n "$netns" -br link
else
  say "No service test in this run: $why_not. Running the line tests only; the ports of $service_project (which need the service test) are left untested."
fi

# wait_for FILE TEXT PID WHAT
source scripts/wait-for.sh

step "Import the sample project export (3 projects, 2 OLTs of different vendors, 9 splitters, 74 ports; $service_project with the service test)" \
  $ctl import projects config/sample-project.csv --store "$store"
step "Import the PPPoE test accounts the service tests dial with" \
  $ctl import accounts config/demo-accounts.csv --store "$store"
say "Tokens for a crew member, an administrator and the probe (the secrets go to files, never to the screen)"
$ctl token create --name crew-1 --role crew --store "$store" >"$dir/crew.token"
$ctl token create --name admin-1 --role admin --store "$store" >"$dir/admin.token"
$ctl token create --name probe-1 --role probe --store "$store" >"$dir/probe.token"

# The sample city, and with the service test its BRAS.
cp config/olt-sim.toml "$dir/olt-sim.toml"
[[ $service == yes ]] && cat config/demo-bras.toml >>"$dir/olt-sim.toml"
$bin/olt-sim --config "$dir/olt-sim.toml" >"$dir/olt-sim.log" 2>&1 &
pids+=($!)
wait_for "$dir/olt-sim.log" "olt-sim ready" "${pids[-1]}" olt-sim
step "olt-sim serves the sample city" grep -v "^bras: " "$dir/olt-sim.log"

if [[ $service == yes ]]; then
  # A test whose session died (echo_stops) is given up after 3 s without acknowledgements (or 5 s
  # without data), so the server is free for the next port's test.
  iperf3 --server --bind 10.67.0.1 --port 5201 --forceflush --snd-timeout 3000 --rcv-timeout 5000 >"$dir/iperf3.log" 2>&1 &
  pids+=($!)
  wait_for "$dir/iperf3.log" "Server listening" "${pids[-1]}" "iperf3 -s on 10.67.0.1"
  say "iperf3 listens on the BRAS's address 10.67.0.1:5201, behind the BRAS's TUN interface"
fi

python3 scripts/demo-receiver.py 18081 "$dir/pushes.log" &
pids+=($!)

$bin/ftth-acceptd --config config/demo-acceptd.toml >"$dir/ftth-acceptd.log" 2>&1 &
pids+=($!)
wait_for "$dir/ftth-acceptd.log" "serving the API" "${pids[-1]}" ftth-acceptd
step "ftth-acceptd is up (log in $dir/ftth-acceptd.log)" grep -m3 "notice" "$dir/ftth-acceptd.log"

if [[ $service == yes ]]; then
  mkdir -p "$dir/probe-spool"
  ip netns exec "$netns" $bin/ftth-probe run --interface ont0 --server http://10.66.0.1:18080 \
    --token-file "$dir/probe.token" --spool "$dir/probe-spool" --poll-interval 1 --echo-interval 1 \
    >"$dir/ftth-probe.log" 2>&1 &
  probe_pid=$!
  say "The probe box (ftth-probe run in $netns, on ont0) takes service tests from http://10.66.0.1:18080; its log is $dir/ftth-probe.log"
fi

export FTTH_TOKEN
FTTH_TOKEN=$(cat "$dir/crew.token")
step "The crew tests port 3 of GC2-B1-SP01 with the test ONT plugged in, following it live" \
  $ctl test start --project P2026-0412 --splitter GC2-B1-SP01 --port 3 --serial HWTC7E570001

# Every other port: the test ONT in each port is listed by olt-sim (its test_onts key).
$bin/olt-sim --config config/olt-sim.toml --list-onts >"$dir/onts.tsv"
if [[ $service == yes ]]; then
  say "Start the tests of the other 73 ports; the daemon runs them side by side, at most 8 per OLT; the 6 ports of $service_project then wait for the probe"
else
  say "Start the tests of the other 67 ports; the daemon runs them side by side, at most 8 per OLT"
fi
started=0
while IFS=, read -r project splitter ratio count; do
  ports=${count:-${ratio#1:}}
  for port in $(seq "$ports"); do
    [[ $project == P2026-0412 && $splitter == GC2-B1-SP01 && $port == 3 ]] && continue
    [[ $project == "$service_project" && $service == no ]] && continue
    serial=$(awk -F'\t' -v s="$splitter" -v p="$port" '$3 == s && $4 == p { print $5 }' "$dir/onts.tsv")
    $ctl test start --project "$project" --splitter "$splitter" --port "$port" --serial "$serial" --no-wait >/dev/null
    started=$((started + 1))
  done
done < <(python3 -c '
import csv
for r in csv.DictReader(open("config/sample-project.csv", encoding="utf-8")):
    print(",".join([r["project_code"], r["splitter_name"], r["splitter_ratio"], r["splitter_ports"]]))')
echo "$started tests started"

# The projects leave "testing" once every port has a result: review when all passed, else rework.
# The probe takes the service tests one after another; a BRAS that never answers costs 30 s.
for _ in $(seq 480); do
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
# The failures above, located: the macrobend and the cut are in front of their splitters, not in
# eight drop connectors (docs/diagnosis.md; the design comes with the import).
say "Where the light is lost in P2026-0413, splitter by splitter"
$ctl results --project P2026-0413 | sed -n '/^where light is lost/,$p'

# The service project's report: line, service and overall verdicts, the Mbit/s each way.
service_report() {
  $ctl report --project "$1" --format csv --output "$dir/$1.csv"
  python3 - "$dir/$1.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
cols = [("splitter", "splitter", 11), ("splitter_port", "port", 4), ("onu_rx_dbm", "ONU rx", 6),
        ("line_verdict", "line", 4), ("service_verdict", "service", 7), ("overall_verdict", "overall", 7),
        ("down_mbps", "down", 6), ("up_mbps", "up", 6), ("plan_mbps", "plan", 5)]
print(" ".join(h.rjust(w) if i > 0 else h.ljust(w) for i, (_, h, w) in enumerate(cols)) + "  service reason")
for r in rows:
    def cell(k, w, i):
        v = r.get(k) or "-"
        if k in ("down_mbps", "up_mbps") and v != "-":
            v = "%.1f" % float(v)
        return v.rjust(w) if i > 0 else v.ljust(w)
    reason = r.get("service_reason") or ""
    shown = reason if len(reason) <= 120 else reason[:118] + " …"
    print(" ".join(cell(k, w, i) for i, (k, _, w) in enumerate(cols)) + "  " + shown)
EOF
}
if [[ $service == yes ]]; then
  say "Report of $service_project (Harbour View, Huawei MA5800): line and service test; each port dialled through its test ONT with its own test account (Mbit/s each way through the session, plan 100)"
  service_report "$service_project"
  step "What the probe did, test by test" grep -E "service test [0-9]+: (dial|up as|down |throughput|pass|fail)" "$dir/ftth-probe.log"
fi

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

printf '\nThe store is %s, the daemon log %s/ftth-acceptd.log. Everything the demo started is stopped now' "$store" "$dir"
if [[ $service == yes ]]; then
  printf ', and the namespace %s and its links are removed.\n' "$netns"
else
  printf '.\n'
fi
