#!/usr/bin/env bash
# Makes a self-signed TLS certificate for this machine in DIR (cert.pem, key.pem), unless one is
# there: what `make demo` and `make serve` serve HTTPS with. A phone's browser warns once about a
# self-signed certificate; in the field, configure one your CA signed ([api] tls_certificate).
# Usage: scripts/tls-cert.sh DIR
set -euo pipefail
dir=${1:?usage: scripts/tls-cert.sh DIR}
[[ -s $dir/cert.pem && -s $dir/key.pem ]] && exit 0
command -v openssl >/dev/null || { echo "error: openssl is missing: run scripts/install-deps.sh" >&2; exit 1; }
mkdir -p "$dir"
chmod 700 "$dir"
names="DNS:localhost,IP:127.0.0.1"
host=$(hostname 2>/dev/null || true)
[[ -n $host && $host != localhost ]] && names+=",DNS:$host"
for ip in $(hostname -I 2>/dev/null || true); do [[ $ip == *.* ]] && names+=",IP:$ip"; done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
  -subj "/CN=ftth-acceptd local" -addext "subjectAltName=$names" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 600 "$dir/key.pem"
echo "made a self-signed certificate in $dir for $names"
