#!/usr/bin/env bash
# Runs one libFuzzer target the way CTest (and a developer) wants it:
#   run-fuzzer.sh regression BINARY CORPUS FINDINGS
#       every committed input once; fails if any of them crashes or breaks a check.
#   run-fuzzer.sh fuzz BINARY CORPUS FINDINGS SECONDS WORKDIR
#       fuzzes for SECONDS, starting from the committed inputs; new inputs go to WORKDIR,
#       never into the source tree. A finding is saved in WORKDIR and the run fails.
set -euo pipefail

mode=$1 binary=$2 corpus=$3 findings=$4
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$corpus" "$findings"

case "$mode" in
regression)
    mapfile -d '' inputs < <(find "$corpus" "$findings" -type f ! -name 'README*' -print0 | sort -z)
    if [ ${#inputs[@]} -eq 0 ]; then
        echo "run-fuzzer: no inputs in $corpus or $findings" >&2
        exit 1
    fi
    echo "run-fuzzer: replaying ${#inputs[@]} inputs"
    # Batches keep the command line short; each input runs once.
    log=$(mktemp)
    status=0
    printf '%s\0' "${inputs[@]}" | xargs -0 -n 500 "$binary" -rss_limit_mb=4096 -timeout=60 \
        >"$log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        grep -v '^Executed \|^Running: ' "$log" | tail -n 80 >&2
        echo "run-fuzzer: an input failed (see above)" >&2
    else
        echo "run-fuzzer: all ${#inputs[@]} inputs pass"
    fi
    rm -f "$log"
    exit "$status"
    ;;
fuzz)
    seconds=$5 work=$6
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    status=0
    "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
        "$work/corpus" "$corpus" "$findings" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "run-fuzzer: FINDING in $(basename "$binary"); the input is in $work/artifacts:" >&2
        ls -l "$work/artifacts" >&2 || true
        echo "run-fuzzer: fix it, then add the input to $findings so it is replayed on every run." >&2
    fi
    exit "$status"
    ;;
*)
    echo "usage: run-fuzzer.sh regression|fuzz BINARY CORPUS FINDINGS [SECONDS WORKDIR]" >&2
    exit 2
    ;;
esac
