#!/bin/sh
# The benchmark's throughput part inside the probe lab (scripts/uml-lab-init.sh, case bench):
# run by `ftth-probe dial --exec` while our session is up (the probe is $PPID; FTTH_PROBE_IP,
# FTTH_PROBE_PEER and FTTH_PROBE_TUN name the session), in the client's namespace. Brings up
# Debian's pppd with the rp-pppoe plugin (kernel PPP) beside it on the macvlan mvc, routes each
# session's source address through its own interface (both peers are the same 10.67.0.1), then
# runs iperf3 through ours and pppd's in turn, FTTH_BENCH_ROUNDS times each way, the order
# swapped every round. Writes FTTH_BENCH_RESULTS/bench-{ours,pppd}-{up,down}-ROUND.iperf.json and
# bench-ours-cpu.txt (the probe's /proc/PID/stat around each of its iperf3 runs, its VmHWM).
R=$FTTH_BENCH_RESULTS
seconds=${FTTH_BENCH_SECONDS:-4}
rounds=${FTTH_BENCH_ROUNDS:-3}
probe=$PPID
cpu=$R/bench-ours-cpu.txt
echo "clock_ticks $(getconf CLK_TCK)" >$cpu

pppd plugin rp-pppoe.so mvc user probe-test password s3cret-Pa55 noauth nodetach noipdefault noipv6 \
  maxfail 1 logfile /run/pppd-client.log >/dev/null 2>&1 &
client=$!
pppd_ip=""
for _ in $(seq 400); do
  pppd_ip=$(ip -4 addr show ppp0 2>/dev/null | sed -n 's/.*inet \([0-9.]*\) .*/\1/p')
  [ -n "$pppd_ip" ] && break
  sleep 0.02
done
if [ -z "$pppd_ip" ]; then
  echo "bench: pppd got no address: $(cat /run/pppd-client.log)" >&2
fi
ip rule add from "$FTTH_PROBE_IP" lookup 101
ip route add "$FTTH_PROBE_PEER" dev "$FTTH_PROBE_TUN" src "$FTTH_PROBE_IP" table 101
if [ -n "$pppd_ip" ]; then
  ip rule add from "$pppd_ip" lookup 102
  ip route add "$FTTH_PROBE_PEER" dev ppp0 src "$pppd_ip" table 102
fi

# measure PATH WAY ROUND: one iperf3 run; ours between two samples of the probe's CPU.
measure() {
  flag=""
  [ "$2" = down ] && flag=-R
  bind=$FTTH_PROBE_IP
  if [ "$1" = pppd ]; then
    [ -n "$pppd_ip" ] || return 0
    bind=$pppd_ip
  fi
  [ "$1" = ours ] && echo "counters-before $1-$2-$3 $(grep -h -E '^(voluntary_ctxt_switches|syscr|syscw)' \
    /proc/$probe/status /proc/$probe/io | tr -s '\t\n' '  ') tun $(ip -s -o link show dev "$FTTH_PROBE_TUN" | tr -s ' ' | cut -d'\' -f4,6)" >>$cpu
  [ "$1" = ours ] && echo "before $(date +%s.%N) $(cat /proc/$probe/stat)" >>$cpu
  iperf3 -c "$FTTH_PROBE_PEER" -B "$bind" -t "$seconds" $flag -J >$R/bench-$1-$2-$3.iperf.json
  [ "$1" = ours ] && echo "after $(date +%s.%N) $(cat /proc/$probe/stat)" >>$cpu
  # Wake-ups (voluntary context switches) and read/write system calls of the probe so far.
  [ "$1" = ours ] && echo "counters $1-$2-$3 $(grep -h -E '^(voluntary_ctxt_switches|syscr|syscw)' \
    /proc/$probe/status /proc/$probe/io | tr -s '\t\n' '  ') tun $(ip -s -o link show dev "$FTTH_PROBE_TUN" | tr -s ' ' | cut -d'\' -f4,6)" >>$cpu
  return 0
}
for round in $(seq "$rounds"); do
  for way in up down; do
    if [ $((round % 2)) = 1 ]; then
      measure ours $way $round; measure pppd $way $round
    else
      measure pppd $way $round; measure ours $way $round
    fi
  done
done
grep -E 'VmHWM|VmRSS' /proc/$probe/status >>$cpu
kill $client
wait $client
exit 0
