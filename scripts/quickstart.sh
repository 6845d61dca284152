#!/usr/bin/env bash
# Quick start: install what is missing, build, and run the main example on the bundled data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build/release --target quickstart -j"$(nproc)"
./build/release/examples/quickstart "$@"
