#!/usr/bin/env bash
# Sets up (packaging/setup.sh), builds and runs every test suite, against real redis-servers
# that the tests start themselves; widget tests run offscreen. Benchmarks run in their quick
# mode here (label "bench"); run build/tests/bench/bench_* by hand for full figures. Before
# them the .deb is built, installed, started and removed (packaging/check-deb.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/packaging/setup.sh"

cd "$root"
export QT_QPA_PLATFORM=offscreen
# The package first, so that CTest's summary is what the run ends with.
bash "$root/packaging/check-deb.sh"
# The fuzz targets (clang, ASan, UBSan): every committed input replayed, then each target
# fuzzed for 30 s (README, "Fuzzing").
cmake --preset fuzz
cmake --build --preset fuzz
ctest --preset fuzz
ctest --preset default --timeout 900 "$@"
