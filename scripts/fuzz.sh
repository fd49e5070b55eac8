#!/usr/bin/env bash
# Fuzzes every parser of outside bytes with libFuzzer, SECONDS each (default 15), and exits non-zero
# on a crash. Usage: scripts/fuzz.sh [SECONDS] [TARGET...] (targets: ppp snmp telnet cli csv json
# toml upload xlsx; default all). One build (FTTH_FUZZ=1, -sanitize=fuzzer,address) makes the one executable
# ftth-fuzz that holds every target. Corpora grow in .build-fuzz/corpus/TARGET (seeded from the
# recorded fixtures on the first run), crash inputs land in .build-fuzz/crashes/TARGET, and each
# run's libFuzzer output in .build-fuzz/logs/TARGET.log. Replay an input with a plain build:
# `swift run ftth-fuzz TARGET FILE`.
set -euo pipefail
seconds="${1:-15}"
shift || true
cd "$(dirname "$0")/.."
all=(ppp snmp telnet cli csv json toml upload xlsx)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
scratch=.build-fuzz
# FTTH_FUZZ=1 makes Package.swift build ftth-fuzz with libFuzzer's driver as its entry point.
export FTTH_FUZZ=1
# ASan's runtime makes gold print one "Cannot export local symbol" line per symbol: noise, filtered.
swift build --scratch-path "$scratch" -c debug -Xswiftc -sanitize=fuzzer,address --product ftth-fuzz 2>&1 \
    | { grep -v "Cannot export local symbol" || true; }
fuzz="$scratch/debug/ftth-fuzz"

# Seeds a target's empty corpus from the fixtures the tests already hold.
seed() {
    local target="$1" corpus="$2"
    case "$target" in
    ppp)
        # The recorded rp-pppoe frames (mode byte 0 = raw frames, 0x7E separates them).
        local hex
        hex="00$(grep -v '^#' Tests/PPPCoreTests/Resources/rp-pppoe-discovery.hex | sed 's/$/7e/' | tr -d '\n')"
        printf '%b' "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$corpus/rp-pppoe-discovery"
        ;;
    snmp) "$fuzz" seed snmp "$corpus" Tests/FTTHSNMPTests/Resources/*.snmprec ;;
    telnet) "$fuzz" seed telnet "$corpus" Tests/FTTHDriversTests/Resources/*.txt ;;
    cli)
        cp Tests/FTTHDriversTests/Resources/*.txt "$corpus/"
        "$fuzz" seed cli "$corpus"
        ;;
    csv) cp Tests/FTTHCoreTests/Resources/*.csv config/*.csv "$corpus/" ;;
    json) "$fuzz" seed json "$corpus" config/sample-project.csv ;;
    toml) cp config/*.toml "$corpus/" ;;
    upload) "$fuzz" seed upload "$corpus" ;;
    xlsx) "$fuzz" seed xlsx "$corpus" ;;
    *)
        echo "error: no fuzz target '$target'; targets: ${all[*]}" >&2
        exit 2
        ;;
    esac
}

mkdir -p "$scratch/logs"
summary=()
failed=()
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target"
    crashes="$scratch/crashes/$target"
    log="$scratch/logs/$target.log"
    mkdir -p "$corpus" "$crashes"
    [ -n "$(ls -A "$corpus")" ] || seed "$target" "$corpus"
    echo "fuzzing $target for ${seconds}s"
    status=0
    leaks=1
    # TOMLKit leaks: TOMLTable.keys never frees the key array it gets from C++, and a parse error
    # leaks the table it began (bytes per configuration load). LeakSanitizer, during the run and
    # at its end, would report TOMLKit's leaks instead of our parsers' faults.
    [ "$target" != toml ] || leaks=0
    # XLSX: FoundationXML leaks the error objects of a failed XMLParser parse (per unreadable
    # upload; a dependency's leak, docs/fuzzing.md).
    [ "$target" != xlsx ] || leaks=0
    # -timeout: an input that takes 10 s is a hang, reported like a crash.
    ASAN_OPTIONS="detect_leaks=$leaks" "$fuzz" "$target" -max_total_time="$seconds" -timeout=10 \
        -detect_leaks="$leaks" -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1 \
        || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    coverage=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
    summary+=("$(printf '%-7s %10s runs %7s/s  %s' "$target" "${runs:-?}" "${rate:-?}" "${coverage:-?}")")
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        grep -E "ERROR|error:|Fatal error|Assertion|Test unit written" "$log" | head -5 >&2 || true
        echo "error: ftth-fuzz $target failed (exit $status); the input is in $crashes, the log in $log" \
            "(replay: swift run ftth-fuzz $target FILE)" >&2
    fi
done
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "error: crashes in: ${failed[*]}" >&2
    exit 1
fi
