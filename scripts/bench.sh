#!/usr/bin/env bash
# Median wall time of `lcplan plan` on every example (release build), over N runs each.
# Usage: scripts/bench.sh [runs]   (make bench builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-21}
bin=.build/release/lcplan
[ -x "$bin" ] || { echo "build first: swift build -c release" >&2; exit 1; }
printf '%-52s %10s %10s\n' example median_ms min_ms
for spec in examples/*.yaml; do
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$bin" plan "$spec" --format json >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  median=${sorted[$(( runs / 2 ))]}
  awk -v s="$spec" -v m="$median" -v n="${sorted[0]}" 'BEGIN { printf "%-52s %10.2f %10.2f\n", s, m / 1000, n / 1000 }'
done
