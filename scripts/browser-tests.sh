#!/usr/bin/env bash
# The web pages in a real browser (make test): headless Chromium from Debian (chromium,
# chromium-driver) driven by Selenium from PyPI (pinned, in .venv-browser). Starts olt-sim and
# ftth-acceptd over HTTPS on the demo's data with scripts/serve.sh, then runs
# scripts/browser_test.py: sign in, test a port live against olt-sim, a crew session refused an
# administrator's page, a sign-in link's QR code read back from the screen by zbarimg and used by
# a Chromium without JavaScript to test a port by forms alone (scripts/browser_nojs.py),
# screenshots at 360 and 1280 px into SCREENSHOT_DIR; then scripts/browser_evidence.py: photos
# refused and attached, the powers arriving live; scripts/browser_admin.py: review, activation
# list, port and threshold pages; scripts/browser_reports.py: the report page printed to PDF, the XLSX read back with openpyxl
# (PyPI, pinned) against report.csv, an import's problems listed before anything is saved. Every
# page shown is checked for names, contrast and keyboard reach (scripts/browser_a11y.py).
# Usage: scripts/browser-tests.sh [SCREENSHOT_DIR]   (default: a temporary directory it names)
# FTTH_BIN: the built executables (default .build/debug). Gives up after 420 s.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
shots=${1:-$(mktemp -d "${TMPDIR:-/tmp}/ftth-screenshots.XXXXXX")}
selenium=4.27.1
openpyxl=3.1.5
venv="$root/.venv-browser"
for tool in chromium chromedriver; do
  command -v $tool >/dev/null || { echo "error: $tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done
if ! "$venv/bin/python" -c "import selenium, openpyxl, sys; sys.exit(selenium.__version__ != '$selenium' or openpyxl.__version__ != '$openpyxl')" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv" || { echo "error: python3 -m venv failed: install python3-venv" >&2; exit 1; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "selenium==$selenium" "openpyxl==$openpyxl" || {
    echo "error: pip could not install selenium==$selenium and openpyxl==$openpyxl from PyPI (is PyPI reachable?)" >&2
    rm -rf "$venv"
    exit 1
  }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ftth-browser.XXXXXX")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
serve_pid=""
cleanup() {
  if [[ -n $serve_pid ]]; then
    kill "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

scripts/serve.sh --port "$port" --dir "$work/serve" --links-file "$work/links" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 600); do
  [[ -s $work/links ]] && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -s $work/links ]] || { cat "$work/serve.log" >&2; echo "error: scripts/serve.sh did not start (above)" >&2; exit 1; }
serial=$(awk -F'\t' '$3 == "GC2-B1-SP01" && $4 == 3 { print $5 }' "$work/serve/test-onts.tsv")
# The administrator's flow (scripts/browser_admin.py) approves a project of one port, imported
# beside the demo's, and reads the test ONTs' serials.
"${FTTH_BIN:-.build/debug}/ftthctl" import projects scripts/browser-admin-project.csv \
  --store "$work/serve/ftth-acceptd.sqlite" >>"$work/serve/import.log"
printf 'onts %s\n' "$work/serve/test-onts.tsv" >>"$work/links"
if ! timeout 420 "$venv/bin/python" scripts/browser_test.py "$work/links" "$shots" "$serial"; then
  echo "error: the browser tests failed; the daemon's log is $work/serve/ftth-acceptd.log, screenshots in $shots" >&2
  trap - EXIT
  cleanup
  exit 1
fi
echo "screenshots in $shots"
rm -rf "$work"
