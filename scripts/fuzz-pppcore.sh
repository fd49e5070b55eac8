#!/usr/bin/env bash
# Fuzzes PPPCore's decoders and client with libFuzzer for SECONDS (default 60) and exits non-zero
# on a crash. Usage: scripts/fuzz-pppcore.sh [SECONDS]. Crash inputs land in .build-fuzz/crashes;
# replay one with `swift run ppp-fuzz FILE` (a plain build of ppp-fuzz replays files).
set -euo pipefail
seconds="${1:-60}"
cd "$(dirname "$0")/.."
scratch=.build-fuzz
# PPPCORE_FUZZ=1 makes Package.swift build ppp-fuzz as a library-style module whose entry point is
# LLVMFuzzerTestOneInput, leaving `main` to libFuzzer.
export PPPCORE_FUZZ=1
# ASan's runtime makes gold print one "Cannot export local symbol" line per symbol: noise, filtered.
swift build --scratch-path "$scratch" -c debug -Xswiftc -sanitize=fuzzer,address --product ppp-fuzz 2>&1 \
    | { grep -v "Cannot export local symbol" || true; }
corpus="$scratch/corpus"
crashes="$scratch/crashes"
mkdir -p "$corpus" "$crashes"
# Seed the corpus with the recorded rp-pppoe frames (mode byte 0 = raw frames, 0x7E separates them).
if [ -z "$(ls -A "$corpus")" ]; then
    hex="00$(grep -v '^#' Tests/PPPCoreTests/Resources/rp-pppoe-discovery.hex | sed 's/$/7e/' | tr -d '\n')"
    printf '%b' "$(printf '%s' "$hex" | sed 's/../\\x&/g')" > "$corpus/rp-pppoe-discovery"
fi
echo "fuzzing PPPCore for ${seconds}s"
if ! "$scratch/debug/ppp-fuzz" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$crashes/" \
    "$corpus"; then
    echo "error: ppp-fuzz found a crash; the input is in $crashes (replay: swift run ppp-fuzz FILE)" >&2
    exit 1
fi
