# Sourced by scripts/demo.sh and scripts/serve.sh.
# wait_for FILE TEXT PID WHAT: waits (up to 30 s) until FILE contains TEXT while PID runs; shows
# FILE and exits 1 otherwise.
wait_for() {
  local file=$1 text=$2 pid=$3 what=$4
  for _ in $(seq 300); do
    grep -q "$text" "$file" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$file" >&2
  echo "$what did not start; its output is above" >&2
  exit 1
}
