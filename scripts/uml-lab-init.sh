#!/bin/sh
# PID 1 of the probe lab inside User-Mode Linux (started by scripts/uml-lab.sh, never by hand).
#
# The host's / is the read-only root. This script mounts what must be writable, loads PPP, veth,
# macvlan, 8021q and TUN from Debian's UML modules, builds the network in namespaces:
#
#   ns cl: veth-cl ── veth ── ns ac: veth-ac ─┬─ mv1 (macvlan): pppoe-server -C AC-ONE
#                                             ├─ mv2 (macvlan): pppoe-server -C AC-TWO (two-AC case)
#                                             └─ veth-ac.100 (802.1Q): pppoe-server (VLAN case)
#
# and runs each case with rp-pppoe's pppoe-server (spawning real pppd) on the ac side and our
# ftth-probe on the cl side. Per case CASE it writes, into the results directory (a hostfs mount):
# CASE.json (the probe's JSON), CASE.log (the probe's log), CASE-server.log (pppoe-server and the
# server pppd's logs), CASE.status (the probe's exit status). Then lab.log, done, and power off.
#
# Parameters come from the kernel command line as environment variables: FTTH_LAB_RESULTS (host
# path of the results directory), FTTH_LAB_PROBE (host path of ftth-probe), FTTH_LAB_CASES
# (comma-separated case names, empty for all), FTTH_LAB_MODULES (the UML modules directory).

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts 2>/dev/null
mount -t devpts devpts /dev/pts
for dir in /run /tmp /etc/ppp /var/log /mnt; do mount -t tmpfs tmpfs $dir; done
mkdir -p /mnt/results /run/lock
mount -t hostfs none /mnt/results -o "$FTTH_LAB_RESULTS"
R=/mnt/results
export TMPDIR=/run HOME=/run
exec >$R/lab.log 2>&1
started=$(cut -d' ' -f1 /proc/uptime)
say() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }
finish() {
  say "lab done"
  echo "$started $(cut -d' ' -f1 /proc/uptime)" >$R/done
  sync
  echo o >/proc/sysrq-trigger
  sleep 10
}
say "booted; results in $FTTH_LAB_RESULTS, probe $FTTH_LAB_PROBE"
PROBE=$FTTH_LAB_PROBE
if [ ! -x "$PROBE" ]; then say "error: no executable probe at $PROBE"; finish; fi

# Modules from modules.dep, dependencies first (busybox insmod: Debian's kmod is not needed).
M=${FTTH_LAB_MODULES:-/usr/lib/uml/modules/$(uname -r)}
load() {
  grep -qx "$1" /run/loaded 2>/dev/null && return 0
  for dependency in $(grep "^$1:" "$M/modules.dep" | cut -d: -f2); do load "$dependency"; done
  busybox insmod "$M/$1" && echo "$1" >>/run/loaded
}
for module in drivers/net/ppp/pppoe drivers/net/ppp/ppp_async drivers/net/ppp/ppp_synctty \
  drivers/net/veth drivers/net/macvlan drivers/net/tun net/8021q/8021q; do
  load "kernel/$module.ko" || say "error: cannot load $module from $M"
done
say "modules loaded"

mkdir -p /run/netns
ip netns add ac
ip netns add cl
ip link add veth-ac type veth peer name veth-cl
ip link set veth-ac netns ac
ip link set veth-cl netns cl
ip -n ac link set lo up
ip -n cl link set lo up
ip -n ac link set veth-ac up
ip -n cl link set veth-cl up
for i in 1 2; do
  ip -n ac link add mv$i link veth-ac type macvlan mode bridge
  ip -n ac link set mv$i up
done
ip -n ac link add link veth-ac name veth-ac.100 type vlan id 100
ip -n ac link set veth-ac.100 up
say "network ready"

# The server pppd's options (one file per authentication) and the test accounts.
touch /etc/ppp/options
for auth in pap chap; do
  cat >/etc/ppp/options-$auth <<EOF
require-$auth
ms-dns 10.67.0.53
ms-dns 10.67.0.54
noipv6
lcp-echo-interval 5
lcp-echo-failure 3
debug
logfile /run/pppd-server.log
EOF
done
printf '"probe-test" * "s3cret-Pa55" *\n' >/etc/ppp/pap-secrets
printf '"probe-test" * "s3cret-Pa55" *\n' >/etc/ppp/chap-secrets
printf 's3cret-Pa55\n' >/run/password
printf 'not-the-password\n' >/run/wrong-password

servers=""
# start_server INTERFACE AC-NAME AUTH: one pppoe-server, foreground, its pid kept.
start_server() {
  ip netns exec ac pppoe-server -F -I "$1" -C "$2" -S internet -O /etc/ppp/options-$3 \
    -L 10.67.0.1 -R 10.67.0.10 -N 64 >>/run/pppoe-server.log 2>&1 &
  servers="$servers $!"
}
# The case is over: the server pppd need not wait for a Terminate-Ack from a probe that left.
stop_servers() {
  for pid in $servers; do kill "$pid" 2>/dev/null; done
  for pid in $(pgrep -x pppd); do kill -KILL "$pid"; done
  for pid in $servers; do wait "$pid" 2>/dev/null; done
  servers=""
  for _ in $(seq 50); do pgrep -x pppd >/dev/null || break; sleep 0.1; done
}
# Until the server's packet socket is open: pppoe-server answers nothing before that.
wait_servers() { sleep 0.3; }

# probe CASE ARGS...: runs the probe in ns cl with the test account; JSON, log and status kept.
probe() {
  probe_case=$1
  shift
  ip netns exec cl "$PROBE" dial --interface veth-cl --username probe-test --json "$@" \
    >$R/$probe_case.json 2>$R/$probe_case.log
  echo $? >$R/$probe_case.status
}
# Copies the servers' logs of the case, then clears them for the next.
server_logs() {
  cat /run/pppoe-server.log /run/pppd-server.log >$R/$1-server.log 2>/dev/null
  : >/run/pppoe-server.log
  : >/run/pppd-server.log
}

case_pap() {
  start_server mv1 AC-ONE pap; wait_servers
  probe pap --password-file /run/password
}
case_chap() {
  start_server mv1 AC-ONE chap; wait_servers
  probe chap --password-file /run/password
}
case_wrong_password() {
  start_server mv1 AC-ONE pap; wait_servers
  probe wrong_password --password-file /run/wrong-password
}
case_no_ac() {
  probe no_ac --password-file /run/password --discovery-timeout 0.5 --discovery-attempts 3
}
case_two_acs() {
  start_server mv1 AC-ONE pap
  start_server mv2 AC-TWO pap; wait_servers
  probe two_acs --password-file /run/password
}
case_two_acs_named() {
  start_server mv1 AC-ONE pap
  start_server mv2 AC-TWO pap; wait_servers
  probe two_acs_named --password-file /run/password --ac AC-TWO
}
case_echo_stop() {
  start_server mv1 AC-ONE pap; wait_servers
  probe echo_stop --password-file /run/password --echo-interval 1 --echo-misses 3 --hold 30 --tun ftth-echo &
  prober=$!
  for _ in $(seq 100); do ip -n cl link show ftth-echo >/dev/null 2>&1 && break; sleep 0.1; done
  say "echo_stop: session up; stopping the server's pppd: $(pgrep -x pppd | tr '\n' ' ')"
  for pid in $(pgrep -x pppd); do kill -STOP "$pid"; done
  wait $prober
}
# SIGTERM while the session is up: the probe hangs up (LCP Terminate-Request, PADT) and passes.
case_sigterm() {
  start_server mv1 AC-ONE pap; wait_servers
  probe sigterm --password-file /run/password --hold 60 --tun ftth-term &
  prober=$!
  for _ in $(seq 100); do ip -n cl link show ftth-term >/dev/null 2>&1 && break; sleep 0.1; done
  say "sigterm: session up; SIGTERM to ftth-probe $(pgrep -x ftth-probe)"
  kill -TERM $(pgrep -x ftth-probe)
  wait $prober
}
case_vlan() {
  start_server veth-ac.100 AC-VLAN pap; wait_servers
  probe vlan --password-file /run/password --vlan 100
}
case_throughput() {
  start_server mv1 AC-ONE pap; wait_servers
  ip netns exec ac iperf3 -s -D -I /run/iperf3.pid
  probe throughput --password-file /run/password --exec sh -c \
    'iperf3 -c "$FTTH_PROBE_PEER" -B "$FTTH_PROBE_IP" -t 3 -J >'"$R"'/throughput-up.iperf.json;
     iperf3 -c "$FTTH_PROBE_PEER" -B "$FTTH_PROBE_IP" -t 3 -R -J >'"$R"'/throughput-down.iperf.json'
  # The probe's own measurement: dial --iperf3 fills down_mbps, up_mbps and rtt_ms.
  probe throughput_dial --password-file /run/password --iperf3 10.67.0.1 --duration 2
  kill "$(cat /run/iperf3.pid)" 2>/dev/null
}
# The baseline: Debian's pppd with the rp-pppoe plugin (kernel PPP) against the same server.
case_pppd_baseline() {
  start_server mv1 AC-ONE pap; wait_servers
  begin=$(cut -d' ' -f1 /proc/uptime)
  ip netns exec cl pppd plugin rp-pppoe.so veth-cl user probe-test password s3cret-Pa55 noauth nodetach \
    noipdefault noipv6 maxfail 1 logfile $R/pppd_baseline-client.log >/dev/null 2>&1 &
  client=$!
  for _ in $(seq 200); do ip -n cl addr show ppp0 2>/dev/null | grep -q 'inet ' && break; sleep 0.05; done
  end=$(cut -d' ' -f1 /proc/uptime)
  ip -n cl addr show ppp0 >$R/pppd_baseline.addr 2>&1
  echo "$begin $end" >$R/pppd_baseline.times
  kill $client; wait $client
}

# The benchmark (Benchmarks/ProbeBench, FTTH_LAB_BENCH names its executable): RUNS dials each of
# ours and pppd's, timed on the wire by `probe-bench capture`; then iperf3 both ways through our
# session, through pppd's session and over the plain veth; the probe's CPU and peak memory from
# /proc while its session carries the traffic.
bench_seconds=${FTTH_LAB_BENCH_SECONDS:-4}
bench_runs=${FTTH_LAB_BENCH_RUNS:-5}
bench_rounds=${FTTH_LAB_BENCH_ROUNDS:-3}
now() { date +%s.%N; }
pppd_address=""
pppd_up() {
  ip netns exec cl pppd plugin rp-pppoe.so veth-cl user probe-test password s3cret-Pa55 noauth nodetach \
    noipdefault noipv6 maxfail 1 logfile /run/pppd-client.log >/dev/null 2>&1 &
  client=$!
  for _ in $(seq 400); do
    pppd_address=$(ip -n cl -4 addr show ppp0 2>/dev/null | sed -n 's/.*inet \([0-9.]*\) .*/\1/p')
    [ -n "$pppd_address" ] && return 0
    sleep 0.02
  done
  say "bench: pppd got no address: $(cat /run/pppd-client.log)"
}
pppd_down() { kill $client; wait $client; }
iperf_both() { # NAME SERVER BIND: from ns cl, up (client sends) and down (-R)
  ip netns exec cl iperf3 -c "$2" -B "$3" -t $bench_seconds -J >$R/bench-$1-up.iperf.json
  ip netns exec cl iperf3 -c "$2" -B "$3" -t $bench_seconds -R -J >$R/bench-$1-down.iperf.json
}
case_bench() {
  if [ ! -x "$FTTH_LAB_BENCH" ]; then say "error: no probe-bench at $FTTH_LAB_BENCH"; return; fi
  start_server mv1 AC-ONE pap; wait_servers
  ip netns exec ac iperf3 -s -D -I /run/iperf3.pid
  ip netns exec cl "$FTTH_LAB_BENCH" capture --interface veth-cl --output $R/bench-wire.txt --ready /run/capture.ready &
  capture=$!
  for _ in $(seq 100); do [ -f /run/capture.ready ] && break; sleep 0.1; done
  : >$R/bench-runs.txt
  for run in $(seq $bench_runs); do
    echo "ours $(now)" >>$R/bench-runs.txt
    probe bench-ours-$run --password-file /run/password
    sleep 0.3
    echo "pppd $(now)" >>$R/bench-runs.txt
    pppd_up; pppd_down
    sleep 0.3
  done
  kill $capture
  # Throughput: our session and pppd's up side by side (pppd on a macvlan with its own address,
  # so our capture never wakes for its frames), measured in turn, ROUNDS times each way, the
  # order swapped every round: a host whose load changes during the run weighs on both alike.
  ip -n cl link add mvc link veth-cl type macvlan mode bridge
  ip -n cl link set mvc up
  export FTTH_BENCH_RESULTS=$R FTTH_BENCH_SECONDS=$bench_seconds FTTH_BENCH_ROUNDS=$bench_rounds
  probe bench-ours-throughput --password-file /run/password --exec sh "$(dirname "$0")/uml-lab-bench-throughput.sh"
  ip -n cl link del mvc
  ip -n ac addr add 10.99.0.1/24 dev veth-ac
  ip -n cl addr add 10.99.0.2/24 dev veth-cl
  iperf_both veth 10.99.0.1 10.99.0.2
  ip -n ac addr del 10.99.0.1/24 dev veth-ac
  ip -n cl addr del 10.99.0.2/24 dev veth-cl
  kill "$(cat /run/iperf3.pid)" 2>/dev/null
  cp /run/pppd-client.log $R/bench-pppd-client.log 2>/dev/null
  echo 0 >$R/bench.status
}

# System calls per packet (not in the default list): the probe's session carries iperf3 each way
# while strace -c counts its calls (every thread); the TUN's packet counters before and after.
case_syscalls() {
  start_server mv1 AC-ONE pap; wait_servers
  ip netns exec ac iperf3 -s -D -I /run/iperf3.pid
  probe syscalls --password-file /run/password --exec sh -c \
    'for way in up down; do
       flag=""; [ $way = down ] && flag=-R
       ip -s link show "$FTTH_PROBE_TUN" >'$R'/syscalls-$way-before.txt
       strace -f -c -o '$R'/syscalls-$way.txt -p $PPID & tracer=$!
       sleep 1
       iperf3 -c "$FTTH_PROBE_PEER" -B "$FTTH_PROBE_IP" -t '$bench_seconds' $flag -J >'$R'/syscalls-$way.iperf.json
       kill -INT $tracer; wait $tracer
       ip -s link show "$FTTH_PROBE_TUN" >'$R'/syscalls-$way-after.txt
     done'
  kill "$(cat /run/iperf3.pid)" 2>/dev/null
}

all="pap chap wrong_password no_ac two_acs two_acs_named echo_stop sigterm vlan throughput pppd_baseline"
cases=$(echo "${FTTH_LAB_CASES:-$all}" | tr ',' ' ')
for name in $cases; do
  say "case $name"
  case_$name
  stop_servers
  server_logs $name
  say "case $name done (exit status $(cat $R/$name.status 2>/dev/null))"
done
finish
