#!/usr/bin/env bash
# The main job on the embedded defaults, until the daemon exists: import the sample project and
# test CVLAN ranges into a fresh SQLite store, show the activation list, judge a sample set of
# readings against the build and user limits, and read live optics from simulated OLTs.
set -euo pipefail
cd "$(dirname "$0")/.."

ctl=.build/debug/ftthctl
store=var/demo.sqlite
rm -f "$store" "$store-wal" "$store-shm"

step() { printf '\n== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }

step "Import the sample project export (2 projects, 2 OLTs of different vendors, 8 splitters)" \
  $ctl import projects config/sample-project.csv --store "$store"
step "Import the test CVLAN ranges" \
  $ctl import cvlans config/sample-cvlans.csv --store "$store"
step "Projects in the store" \
  $ctl projects --store "$store"
step "Activation list of project P2026-0412 (first 10 ports)" \
  bash -c "$ctl ports --project P2026-0412 --store $store | head -11"
step "Threshold profiles from config/ftth-acceptd.toml" \
  $ctl thresholds
step "Judge sample readings against the build limits" \
  $ctl evaluate --profile build --csv config/sample-readings.csv
step "The same readings as JSON, for the resource system (first row)" \
  bash -c "$ctl evaluate --profile build --csv config/sample-readings.csv --json | head -8"
step "The same readings against the user limits" \
  $ctl evaluate --profile user --csv config/sample-readings.csv

# Live optics from olt-sim's sample city (config/olt-sim.toml): a Huawei MA5800 and a ZTE C300
# with faults on some ports, over real SNMP, Telnet and SSH on loopback.
sim_log=$(mktemp)
.build/debug/olt-sim --config config/olt-sim.toml >"$sim_log" 2>&1 &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null; wait $sim_pid 2>/dev/null; rm -f "$sim_log"' EXIT
for _ in $(seq 100); do grep -q "olt-sim ready" "$sim_log" && break; kill -0 $sim_pid || break; sleep 0.1; done
grep -q "olt-sim ready" "$sim_log" || { cat "$sim_log"; echo "olt-sim did not start" >&2; exit 1; }
step "olt-sim is serving the sample city" cat "$sim_log"
step "Huawei MA5800 PON 0/1/0 over SNMPv3 (a dirty connector on customer-0002, a macrobend on SP02)" \
  $ctl olt optics --driver huawei-snmp --host 127.0.0.1 --port 16101 --v3-user ftth --auth-proto SHA \
    --auth-key ftth-auth-pass --priv-proto AES --priv-key ftth-priv-pass --pon 0/1/0
step "ZTE C300 PON 1/2/1 over SNMPv2c (ONU 2 never registers), as JSON" \
  $ctl olt optics --driver zte-snmp --host 127.0.0.1 --port 16102 --community public --pon 1/2/1 --json
# The same OLTs over their command lines: Telnet, and SSH with the host key olt-sim printed pinned.
huawei_key=$(sed -n 's/^HW-OLT-East CLI: .*host key //p' "$sim_log")
export FTTH_OLT_PASSWORD=admin
step "The same Huawei PON over the CLI, SSH with its host key pinned (display ont optical-info)" \
  $ctl olt optics --driver huawei-cli --host 127.0.0.1 --port 2222 --ssh --host-key "$huawei_key" \
    --username admin --pon 0/1/0
step "The same ZTE PON over the CLI, Telnet (show pon power attenuation)" \
  $ctl olt optics --driver zte-cli --host 127.0.0.1 --port 2324 --username admin --pon 1/2/1

printf '\nThe store is in %s; run `%s --help` for more.\n' "$store" "$ctl"
