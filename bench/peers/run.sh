#!/usr/bin/env bash
# bench/peers/run.sh: salesmetrics vs DuckDB, Polars and pandas on the reference queries Q1-Q5.
#
#   ./run.sh SIZE          SIZE = 1M | 10M | 100M (only when asked: slow) | a plain activity count
#   ./run.sh scaling       our Q1-Q5 at 1M, 3M, 10M, 30M, 100M: time and peak memory -> results/scaling.svg
#
# Environment: RUNS=7 (timed runs per query, after one warm-up), THREADS=1,2,
#   ENGINES="salesmetrics cpp duckdb polars polars-streaming pandas" (a subset runs only those;
#   cpp is the hand-written single-threaded loop of ../shared/peers/cpp/queries.cpp, compiled from
#   there when that directory exists beside the repository: the "abstraction costs nothing" bar),
#   SCALING_SIZES="1M 3M 10M 30M 100M", SCALING_RUNS=5, CXX=g++.
# It installs what is missing (npm packages of package.json here, Debian python3-pandas), builds
# the C++ programs with g++ against ../../include, generates the data once per size with OUR
# generator (data/<SIZE>/, cached), measures the memory read bandwidth, runs every engine, checks
# that all results agree (check.py) and writes results/<SIZE>/report.md (report.py).
# Never part of ctest: it takes minutes and needs the network for the first npm install.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
REPO=$(cd ../.. && pwd)
MODE=${1:-10M}
RUNS=${RUNS:-7}
THREADS=${THREADS:-1,2}
SHARED_LOOP=$REPO/../shared/peers/cpp/queries.cpp
DEFAULT_ENGINES="salesmetrics duckdb polars polars-streaming pandas"
[ -f "$SHARED_LOOP" ] && DEFAULT_ENGINES="salesmetrics cpp duckdb polars polars-streaming pandas"
ENGINES=${ENGINES:-$DEFAULT_ENGINES}
CXX=${CXX:-g++}
PY=/usr/bin/python3   # Debian's interpreter: the python3 on PATH may be a pyenv without pandas

count_of() {
  case "$1" in
    *M) echo $(( ${1%M} * 1000000 )) ;;
    *K) echo $(( ${1%K} * 1000 )) ;;
    *[!0-9]*|"") echo "run.sh: bad size '$1' (use 1M, 10M, 100M or a number)" >&2; exit 2 ;;
    *) echo "$1" ;;
  esac
}

# ---- dependencies (idempotent) -------------------------------------------------------------------
need_apt=()
[ -x /usr/bin/time ] || need_apt+=(time)
if [[ " $ENGINES " == *" pandas "* ]] && ! $PY -c 'import pandas' 2>/dev/null; then need_apt+=(python3-pandas python3-numpy); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== apt-get install ${need_apt[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${need_apt[@]}" ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${need_apt[@]}"; }
fi
if [[ " $ENGINES " == *" duckdb "* || " $ENGINES " == *" polars"* ]]; then
  if [ ! -d node_modules/@duckdb/node-api ] || [ ! -d node_modules/nodejs-polars-linux-x64-gnu ]; then
    echo "== npm install"
    # Not `npm ci`: a lockfile written on one platform lacks the other platforms' optional packages.
    npm install --no-audit --no-fund
  fi
fi

# ---- build (single job: the machine is shared) -------------------------------------------------------
mkdir -p build
FLAGS=(-std=c++20 -O3 -march=native -Wall -Wextra -Wpedantic -Werror -I "$REPO/include" -isystem /usr/include/eigen3)
build() {  # build OUT SRC [extra flags]: rebuilt when the source or any library header is newer
  local out=$1 src=$2; shift 2
  if [ ! -x "build/$out" ] || [ "$src" -nt "build/$out" ] ||
     [ -n "$(find "$REPO/include" -name '*.hpp' -newer "build/$out" -print -quit)" ]; then
    echo "== building $out"
    "$CXX" "${FLAGS[@]}" "$@" -o "build/$out" "$src"
  fi
}
build export export.cpp
build salesmetrics_queries salesmetrics_queries.cpp -pthread
build bandwidth bandwidth.cpp -pthread
if [[ " $ENGINES " == *" cpp "* ]]; then
  [ -f "$SHARED_LOOP" ] || { echo "run.sh: engine cpp needs $SHARED_LOOP" >&2; exit 2; }
  if [ ! -x build/plain_loop ] || [ "$SHARED_LOOP" -nt build/plain_loop ]; then
    echo "== building plain_loop from $SHARED_LOOP"
    "$CXX" -std=c++20 -O3 -march=native -o build/plain_loop "$SHARED_LOOP"
  fi
fi

ensure_data() {  # ensure_data SIZE [--bin-only]
  local size=$1 flag=${2:-}
  local dir=data/$size
  # Regenerated when missing, or when the exporter was rebuilt since (the generator may have changed).
  if [ ! -f "$dir/meta.json" ] || [ build/export -nt "$dir/meta.json" ] ||
     { [ -z "$flag" ] && [ ! -f "$dir/csv/stage_history.csv" ]; }; then
    echo "== generating $size activities into $dir ${flag}"
    rm -rf "$dir"
    ./build/export "$(count_of "$size")" "$dir" $flag
  fi
}

machine() {
  echo "cpus: $(nproc); $(lscpu | sed -n 's/^Model name: *//p'); $(lscpu | grep -E '^(L1d|L2|L3)' | tr -s ' ' | paste -sd';')"
  echo "memory: $(free -g | awk '/^Mem:/{print $2}') GiB; kernel $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "compiler: $($CXX --version | head -1); node $(node --version 2>/dev/null || echo '-'); python $($PY --version 2>&1 | cut -d' ' -f2)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---- scaling mode ------------------------------------------------------------------------------------
if [ "$MODE" = scaling ]; then
  SIZES=${SCALING_SIZES:-"1M 3M 10M 30M 100M"}
  SRUNS=${SCALING_RUNS:-5}
  OUT=results/scaling
  mkdir -p "$OUT"
  machine > "$OUT/machine.txt"
  for s in $SIZES; do
    ensure_data "$s" --bin-only
    mkdir -p "$OUT/$s"
    for q in q1 q2 q3 q4 q5; do   # one process per query: its peak memory is its own
      echo "== scaling $s $q"
      /usr/bin/time -f '%M' -o "$OUT/$s/rss-$q.txt" ./build/salesmetrics_queries "data/$s/bin" "$OUT/$s/$q" "$SRUNS" 1 "$q"
    done
  done
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
  $PY scaling.py "$OUT" $SIZES
  exit 0
fi

# ---- one size: every engine --------------------------------------------------------------------------
SIZE=$MODE
N=$(count_of "$SIZE")
DATA=data/$SIZE
RES=results/$SIZE
ensure_data "$SIZE"
mkdir -p "$RES"
for e in $ENGINES; do rm -rf "$RES/$e"-t* "$RES/rss-$e"*.txt; done
machine | tee "$RES/machine.txt"
echo "== memory read bandwidth"
./build/bandwidth "$RES/bandwidth.json" 7

timed() {  # timed NAME CMD...: runs CMD, recording its peak resident memory in rss-NAME.txt
  local name=$1; shift
  /usr/bin/time -f '%M' -o "$RES/rss-$name.txt" "$@"
}
for e in $ENGINES; do
  echo "== $e"
  case $e in
    salesmetrics) timed salesmetrics ./build/salesmetrics_queries "$DATA/bin" "$RES/salesmetrics" "$RUNS" "$THREADS" ;;
    cpp) timed cpp-t1 ./build/plain_loop "$DATA/bin" "$RES/cpp-t1" "$RUNS" ;;  # writes cpp-t1.json and cpp-t1/q*.csv
    duckdb) timed duckdb node duckdb.mjs "$DATA/csv" "$RES/duckdb" "$RUNS" "$THREADS" ;;
    polars|polars-streaming)
      engine=auto; [ "$e" = polars-streaming ] && engine=streaming
      for t in ${THREADS//,/ }; do
        POLARS_ENGINE=$engine POLARS_MAX_THREADS=$t timed "$e-t$t" node polars.js "$DATA/csv" "$RES/$e" "$RUNS" 2> >(grep -v 'Sortedness of columns' >&2)
      done ;;
    pandas) timed pandas $PY pandas_queries.py "$DATA/csv" "$RES/pandas" "$RUNS" ;;
    *) echo "run.sh: unknown engine $e" >&2; exit 2 ;;
  esac
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RES/machine.txt"

echo "== checking that all engines agree"
status=0
$PY check.py "$RES" salesmetrics-t1 > "$RES/check.txt" || status=$?
cat "$RES/check.txt"
$PY report.py "$RES" "$DATA" > "$RES/report.md"
echo "== $RES/report.md"
sed -n '/^## Ratio table/,/^## All timings/p' "$RES/report.md" | head -n -1
exit $status
