#!/usr/bin/env bash
# Checks the daemon against its own OpenAPI document (make test):
#   1. starts ftth-acceptd on loopback with a temporary SQLite store holding the sample project
#      (config/sample-project.csv) and an admin and a probe token made with `ftthctl token create`;
#   2. reads GET /v1/openapi.yaml as served and parses it with PyYAML strictly (a duplicate key
#      is an error too), so a document a client cannot load fails here with its line;
#   3. runs schemathesis (PyPI, pinned) against the served document for SECONDS in all (default 60),
#      with the checks not_a_server_error, status_code_conformance, content_type_conformance and
#      response_schema_conformance: no 5xx, and every status, content type and body documented.
# Usage: scripts/schemathesis.sh [SECONDS]   (FTTH_BIN: the built executables, default .build/debug)
# The first run creates a virtual environment at .venv-schemathesis in the package root. Reports
# (JUnit and a pytest file that replays each failure) are kept, after a failure, in the temporary
# folder it names, with the daemon's log.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds=${1:-60}
bin=${FTTH_BIN:-.build/debug}
version=4.32.5
venv="$root/.venv-schemathesis"

for exe in ftth-acceptd ftthctl; do
  if [[ ! -x $bin/$exe ]]; then
    echo "error: $bin/$exe is not built: run 'swift build' first (or set FTTH_BIN to the folder holding it)" >&2
    exit 1
  fi
done

if [[ ! -x $venv/bin/schemathesis ]] || ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  python="${PYTHON:-python3}"
  command -v "$python" >/dev/null || {
    echo "error: $python not found: install python3 and python3-venv (scripts/install-deps.sh)" >&2
    exit 1
  }
  rm -rf "$venv"
  "$python" -m venv "$venv" || {
    echo "error: '$python -m venv $venv' failed: install python3-venv (scripts/install-deps.sh)" >&2
    rm -rf "$venv"
    exit 1
  }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" || {
    echo "error: pip could not install schemathesis==$version from PyPI (is PyPI reachable?)" >&2
    rm -rf "$venv"
    exit 1
  }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ftth-schemathesis.XXXXXX")
daemon_pid=""
cleanup() {
  if [[ -n $daemon_pid ]]; then
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# A free port on loopback, chosen by the kernel.
port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
store=$work/store.sqlite
cat >"$work/acceptd.toml" <<EOF
[api]
host = "127.0.0.1"
port = $port

[store]
path = "$store"

[[cvlan_ranges]]
name = "schemathesis"
first = 3000
last = 3099
EOF

"$bin/ftthctl" import projects --store "$store" config/sample-project.csv >"$work/import.log"
declare -A tokens
for role in admin probe; do
  tokens[$role]=$("$bin/ftthctl" token create --name "schemathesis-$role" --role "$role" --store "$store" 2>/dev/null)
done
token=${tokens[admin]}

"$bin/ftth-acceptd" --config "$work/acceptd.toml" >"$work/acceptd.log" 2>&1 &
daemon_pid=$!
base=http://127.0.0.1:$port
for _ in $(seq 1 100); do
  grep -q "serving the API" "$work/acceptd.log" && break
  if ! kill -0 "$daemon_pid" 2>/dev/null; then
    echo "error: ftth-acceptd stopped before serving the API; its log, $work/acceptd.log:" >&2
    cat "$work/acceptd.log" >&2
    exit 1
  fi
  sleep 0.1
done
grep -q "serving the API" "$work/acceptd.log" || {
  echo "error: ftth-acceptd did not serve the API within 10 s; see $work/acceptd.log" >&2
  exit 1
}

# The served document, parsed strictly: PyYAML's safe loader, made to refuse a key given twice.
# It is kept in a file for schemathesis: a probe token may not read it from the daemon.
"$venv/bin/python" - "$base/v1/openapi.yaml" "$token" "$work/openapi.yaml" <<'EOF'
import sys, urllib.request, yaml

class StrictLoader(yaml.SafeLoader):
    pass

def mapping(loader, node):
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is given twice", key_node.start_mark)
        keys.add(key)
    return loader.construct_mapping(node, deep=True)

StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
url, token, path = sys.argv[1], sys.argv[2], sys.argv[3]
request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
text = urllib.request.urlopen(request, timeout=10).read().decode("utf-8")
with open(path, "w", encoding="utf-8") as file:
    file.write(text)
try:
    document = yaml.load(text, Loader=StrictLoader)
except yaml.YAMLError as error:
    sys.exit(f"error: the served OpenAPI document (Sources/FTTHAPI/Resources/openapi.yaml) is not valid YAML: {error}")
if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
    sys.exit("error: the served document is YAML but not an OpenAPI 3 document (no 'openapi: 3.x' at the top)")
print(f"the served OpenAPI document is valid YAML: {len(document.get('paths', {}))} paths")
EOF

# Two runs: an admin token for every route, then a probe token for the two routes only a probe
# may take (with the admin's they answer nothing but 403); a third of the time goes to the second.
probe_seconds=$(((seconds + 2) / 3))
admin_seconds=$((seconds - probe_seconds > 0 ? seconds - probe_seconds : 1))
run() { # ROLE SECONDS [schemathesis options]
  local role=$1 budget=$2
  shift 2
  echo "schemathesis $version against $base with its served document as $role for ${budget}s"
  # From the temporary folder: schemathesis keeps a cache (.schemathesis/) where it runs.
  # One worker: with two, both threads describe Hypothesis strategies with ast.parse at once, and
  # CPython 3.11's parser then fails now and then with "SystemError: AST constructor recursion
  # depth mismatch" -- a runtime error in the tool, not an answer of the daemon, that failed CI.
  (cd "$work" && "$venv/bin/schemathesis" --no-color run "$work/openapi.yaml" \
    --url "$base" \
    --header "Authorization: Bearer ${tokens[$role]}" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-time "$budget" \
    --request-timeout 10 \
    --workers 1 \
    --seed 12 \
    --generation-database none \
    --report junit,pytest --report-dir "$work/$role" \
    "$@")
}
status=0
run admin "$admin_seconds" --exclude-path-regex '^/v1/service-tests/' || status=$?
run probe "$probe_seconds" --include-path-regex '^/v1/service-tests/' || status=$?
if [[ $status -ne 0 ]]; then
  echo "error: schemathesis found responses the document does not describe (above); the daemon's log is $work/acceptd.log and $work holds a pytest file that replays each failure" >&2
  exit "$status"
fi
cleanup
daemon_pid=""
rm -rf "$work"
