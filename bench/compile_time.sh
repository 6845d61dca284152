#!/usr/bin/env bash
# bench/compile_time.sh: user CPU seconds g++ spends on a user's translation unit (best of RUNS=3).
#   1. the 12-metric scorecard with metrics/catalog.hpp, -O2
#   2. the same scorecard with the umbrella salesmetrics.hpp, -O2   (issue #3's goal: < 10 s)
#   3. the umbrella alone, -fsyntax-only
# User time, not wall time: the machine is shared. CXX (default g++) and EIGEN (default
# /usr/include/eigen3) can be overridden.
set -euo pipefail
cd "$(dirname "$0")"
CXX=${CXX:-g++}
EIGEN=${EIGEN:-/usr/include/eigen3}
RUNS=${RUNS:-3}
FLAGS=(-std=c++20 -O2 -I ../include -isystem "$EIGEN" -c -o /dev/null)
best() {  # best LABEL ARGS...: prints the smallest user time of RUNS compilations
  local label=$1; shift
  local b=""
  for _ in $(seq "$RUNS"); do
    local t
    t=$( { /usr/bin/time -f '%U' "$CXX" "$@" >/dev/null; } 2>&1 | tail -1)
    if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$t; fi
  done
  printf '%-62s %6s s\n' "$label" "$b"
}
echo "$($CXX --version | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
best "catalog.hpp + 12-metric scorecard, -O2" "${FLAGS[@]}" compile_time/scorecard.cpp
best "salesmetrics.hpp (umbrella) + 12-metric scorecard, -O2" "${FLAGS[@]}" -DSALESMETRICS_UMBRELLA compile_time/scorecard.cpp
best "salesmetrics.hpp (umbrella) alone, -fsyntax-only" -std=c++20 -fsyntax-only -I ../include -isystem "$EIGEN" -x c++ ../include/salesmetrics/salesmetrics.hpp
