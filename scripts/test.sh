#!/usr/bin/env bash
# The test command: release build of everything (tests, examples, benchmarks) and its tests,
# then an ASan+UBSan build of the tests and its tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build/release -j"$jobs"
ctest --test-dir build/release --output-on-failure -j"$jobs"
# -g1 (line tables only): ASan/UBSan reports keep their file:line stack frames, inlined ones
# included, and each translation unit compiles faster than with full -g. The examples ran in
# the release build; here they would cost 45 % of the sanitizer build's compile time (236 s of
# CPU), while the tests already load the same bundled data sets (Maven, Enron, Olist) and call
# every module the examples call.
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DSALESMETRICS_SANITIZE=ON -DSALESMETRICS_BUILD_BENCH=OFF -DSALESMETRICS_COMPILE_TESTS=OFF \
  -DSALESMETRICS_BUILD_EXAMPLES=OFF
cmake --build build/asan -j"$jobs"
# The consumer tests build other projects and ran in the release build.
ctest --test-dir build/asan --output-on-failure -j"$jobs" -E '^consumer\.'
