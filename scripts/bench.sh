#!/usr/bin/env bash
# Median wall time of `lcplan plan` on every example (release build), over N runs each, of the
# Men criterion at 1M positions (`lcplan rope`), of `lcplan validate` on every example, and layout
# evaluations per second, the full search and a 200-point sweep (lcplan-bench).
# Usage: scripts/bench.sh [runs]   (make bench builds the release binary first; LCPLAN_BIN=.build/static/lcplan
# measures the fully static one)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-21}
bin=${LCPLAN_BIN:-.build/release/lcplan}
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

# The Men criterion at 1M positions for a 128-dim head (issue target: under 2 s), median of N runs.
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$bin" rope --theta 500000 --rotary-dim 128 --context 1M --format json >/dev/null 2>&1 || true
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
awk -v s="rope --theta 500000 --rotary-dim 128 --context 1M" -v m="${sorted[$(( runs / 2 ))]}" -v n="${sorted[0]}" \
  'BEGIN { printf "%-52s %10.2f %10.2f\n", s, m / 1000, n / 1000 }'

# lcplan validate on every example (issue 12 target: each under 30 s), median of 3 runs.
echo
printf '%-52s %10s %10s\n' "validate example" median_s min_s
for spec in examples/*.yaml; do
  times=()
  for _ in 1 2 3; do
    start=$(date +%s%N)
    "$bin" validate "$spec" --quiet >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  awk -v s="$spec" -v m="${sorted[1]}" -v n="${sorted[0]}" 'BEGIN { printf "%-52s %10.2f %10.2f\n", s, m / 1000, n / 1000 }'
done

# Layout evaluations per second on one core (issue target: at least 1,000,000), medians of N runs.
bench_bin=${LCPLAN_BENCH_BIN:-.build/release/lcplan-bench}
if [ -x "$bench_bin" ]; then
  echo
  "$bench_bin" "$runs"
fi
