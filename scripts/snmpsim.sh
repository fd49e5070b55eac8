#!/usr/bin/env bash
# Runs snmpsim's command responder (PyPI snmpsim 1.2.2), which replays .snmprec recordings of real
# agents. The first run creates a virtual environment at .venv-snmpsim in the package root; later
# runs reuse it. Every argument goes to snmpsim-command-responder, e.g.
#   scripts/snmpsim.sh --data-dir=DIR --cache-dir=DIR2 --agent-udpv4-endpoint=127.0.0.1:1161 \
#     --process-user=root --process-group=root
# snmpsim also needs pysmi and cryptography, which its metadata does not list.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-snmpsim"
responder="$venv/bin/snmpsim-command-responder"

if [ ! -x "$responder" ]; then
  python="${PYTHON:-python3}"
  if ! command -v "$python" >/dev/null; then
    echo "error: $python not found: install python3 and python3-venv (scripts/install-deps.sh)" >&2
    exit 1
  fi
  # Tests may start several responders at once: only one of them builds the environment (the
  # lock is on this script itself, so no lock file is left behind).
  exec 9<"${BASH_SOURCE[0]}"
  flock 9
  if [ ! -x "$responder" ]; then
    rm -rf "$venv"
    "$python" -m venv "$venv" >&2 || {
      echo "error: '$python -m venv' failed: install python3-venv (scripts/install-deps.sh)" >&2
      rm -rf "$venv"
      exit 1
    }
    "$venv/bin/pip" install --quiet --disable-pip-version-check snmpsim==1.2.2 pysmi cryptography >&2 || {
      echo "error: pip could not install snmpsim==1.2.2 pysmi cryptography from PyPI" >&2
      rm -rf "$venv"
      exit 1
    }
  fi
  flock -u 9
  exec 9>&-
fi

exec "$responder" "$@"
