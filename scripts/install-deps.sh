#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the demo need, when any is missing.
# Runs `apt-get update` first, as a fresh machine's package lists are empty or stale.
set -euo pipefail

packages=(
  libsqlite3-dev   # GRDB links the system SQLite
  sqlite3          # to inspect a store by hand
  libsnmp-dev      # the SNMP client links net-snmp
  snmp             # snmpget/snmpbulkwalk: tests compare them with our client and olt-sim
  snmpd            # a real agent for the client tests
  python3-venv     # snmpsim runs in a virtual environment (scripts/snmpsim.sh)
  time             # /usr/bin/time: the benchmarks read other tools' CPU and peak memory with it
  openssh-client   # ssh: the tests log in to olt-sim's SSH server with OpenSSH's client
  libssh-dev       # the CLI client's SSH (legacy algorithms real OLTs offer) links libssh
  openssh-server   # sshd: the SSH client's tests log in to a real OpenSSH server on loopback
  sshpass          # gives ssh the password in those tests
  busybox-static   # its telnetd (missing from Debian's plain busybox) is the CLI client's real Telnet peer in tests
  libpcap-dev      # the service probe sends and receives PPPoE frames through libpcap
  iproute2         # ip netns/veth/tuntap: the demo's and the probe tests' hosts and links
  ppp              # pppd: the real PPP peer of the probe tests (inside User-Mode Linux)
  pppoe            # rp-pppoe's pppoe-server: the real access concentrator of the probe tests
  iperf3           # throughput through the dialled session, and its tests' server
  wrk              # `make bench-import`: GET /v1/projects at 50 connections
  user-mode-linux  # a kernel with PPP for the probe tests: the host kernel has none
  openssl          # `make demo`/`make serve` and the TLS tests make a self-signed certificate
  chromium         # the web pages' browser tests (scripts/browser-tests.sh), headless
  chromium-driver  # chromedriver: Selenium (PyPI, in a venv) drives Chromium through it
  zbar-tools       # zbarimg: the tests decode the sign-in QR codes with a real decoder
  libreoffice-calc-nogui  # soffice --headless: the browser tests open the XLSX report in LibreOffice Calc
  fonts-wqy-microhei  # a CJK font, so the screenshots of the Chinese pages show characters
  postgresql       # initdb/pg_ctl/psql: the store and cluster tests start a PostgreSQL server of their own
  prometheus       # promtool lints the daemon's /metrics, and a real Prometheus scrapes it in the tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing missing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "error: ${missing[*]} missing and not root; install them with apt-get as root" >&2
    exit 1
  fi
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"

if ! command -v swift >/dev/null; then
  echo "error: no Swift toolchain on PATH: install Swift 6.1 or newer (https://www.swift.org/install/linux/)" >&2
  exit 1
fi
