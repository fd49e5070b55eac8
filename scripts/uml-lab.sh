#!/usr/bin/env bash
# The service probe against real peers: boots Debian's User-Mode Linux kernel once (the host's /
# read-only as its root; the host kernel has no PPP) and runs scripts/uml-lab-init.sh inside,
# which dials rp-pppoe's pppoe-server (spawning real pppd) with our ftth-probe in every case.
#
#   scripts/uml-lab.sh [--probe PATH] [--results DIR] [--cases pap,chap,...] [--bench PATH]
#
# Results (one JSON object per case, logs) go to DIR (default var/uml-lab); see
# scripts/uml-lab-init.sh for the cases and the files. Exits 0 when the lab ran to its end
# (whatever the cases found: the tests judge them), 1 when it did not, with its log.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

probe=.build/debug/ftth-probe
results=var/uml-lab
cases=""
bench=""
while [ $# -gt 0 ]; do
  case "$1" in
    --probe) probe=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --bench) bench=$2; shift 2 ;;
    *) echo "usage: $0 [--probe PATH] [--results DIR] [--cases pap,chap,...] [--bench PATH]" >&2; exit 2 ;;
  esac
done

kernel=$(command -v linux.uml || true)
modules=$(ls -d /usr/lib/uml/modules/* 2>/dev/null | head -1 || true)
if [ -z "$kernel" ] || [ -z "$modules" ]; then
  echo "error: no User-Mode Linux kernel (linux.uml) or modules: apt-get install user-mode-linux" >&2
  exit 1
fi
for tool in pppoe-server pppd iperf3 ip busybox; do
  command -v "$tool" >/dev/null || { echo "error: $tool missing: run scripts/install-deps.sh" >&2; exit 1; }
done
case "$probe" in /*) ;; *) probe=$root/$probe ;; esac
case "$results" in /*) ;; *) results=$root/$results ;; esac
case "$bench" in /* | "") ;; *) bench=$root/$bench ;; esac
if [ ! -x "$probe" ]; then
  echo "error: no probe at $probe: swift build --product ftth-probe first" >&2
  exit 1
fi
# Paths reach the kernel command line: spaces would split them.
case "$probe$results$root$bench$cases" in *" "*) echo "error: the paths must not contain spaces" >&2; exit 1 ;; esac

rm -rf "$results"
mkdir -p "$results/bin"
# The lab mounts tmpfs over /tmp (and /run, …) of the read-only root, which would hide a checkout
# under /tmp: the executables go in with the results directory, the one host folder it mounts.
cp "$probe" "$results/bin/ftth-probe"
lab_probe=/mnt/results/bin/ftth-probe
lab_bench=""
if [ -n "$bench" ]; then
  cp "$bench" "$results/bin/$(basename "$bench")"
  lab_bench=/mnt/results/bin/$(basename "$bench")
fi
begin=$(date +%s.%N)
# UML keeps its memory in a file under TMPDIR; a fresh one per run. Its console goes to a file.
umltmp=$(mktemp -d)
trap 'rm -rf "$umltmp"' EXIT
set +e
TMPDIR=$umltmp timeout 300 "$kernel" mem=512M rootfstype=hostfs rootflags=/ ro \
  init="$root/scripts/uml-lab-init.sh" con=null con0=fd:0,fd:1 \
  FTTH_LAB_RESULTS="$results" FTTH_LAB_PROBE="$lab_probe" FTTH_LAB_CASES="$cases" \
  FTTH_LAB_MODULES="$modules" FTTH_LAB_BENCH="$lab_bench" FTTH_LAB_BENCH_RUNS="${FTTH_LAB_BENCH_RUNS:-5}" \
  FTTH_LAB_BENCH_SECONDS="${FTTH_LAB_BENCH_SECONDS:-4}" FTTH_LAB_BENCH_ROUNDS="${FTTH_LAB_BENCH_ROUNDS:-3}" </dev/null >"$results/kernel.log" 2>&1
status=$?
set -e
end=$(date +%s.%N)
awk -v b="$begin" -v e="$end" -v s="$status" 'BEGIN { printf "lab: %.1f s (User-Mode Linux exit status %s)\n", e - b, s }'
if [ ! -f "$results/done" ]; then
  echo "error: the lab did not run to its end; its log ($results/lab.log) and the kernel's last lines:" >&2
  cat "$results/lab.log" >&2 2>/dev/null || true
  tail -20 "$results/kernel.log" >&2
  exit 1
fi
for json in "$results"/*.json; do
  case "$json" in *.iperf.json) continue ;; esac
  [ -f "$json" ] && printf '%s: %s\n' "$(basename "$json" .json)" \
    "$(grep -o '"result":"[a-z]*"' "$json" || echo 'no result')"
done
exit 0
