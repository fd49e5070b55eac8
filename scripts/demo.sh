#!/usr/bin/env bash
# The main job on the embedded defaults, until the daemon exists: import the sample project and
# test CVLAN ranges into a fresh SQLite store, show the activation list, and judge a sample set
# of readings against the build and user limits.
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
printf '\nThe store is in %s; run `%s --help` for more.\n' "$store" "$ctl"
