#!/usr/bin/env bash
# libFuzzer over the spec loader + full analysis, the Hugging Face importer + analysis, the command-line
# parser, and lcplan's file handling on generated trees of awkward files (make fuzz). Seeds: the examples, the invalid-spec fixtures, the HF fixtures and saved findings.
# Usage: scripts/fuzz.sh [seconds per target] [jobs]   (FUZZ_TARGETS="FuzzSpec" limits the targets;
# FUZZ_SANITIZE=fuzzer,address adds AddressSanitizer). Crashes land in .build-fuzz/findings/TARGET/; once
# fixed, copy them to Tests/Fixtures/fuzz/{spec,hf,cli,fs}/ so the tests replay them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
jobs=${2:-2}
sanitize=${FUZZ_SANITIZE:-fuzzer}
targets=${FUZZ_TARGETS:-FuzzSpec FuzzHFConfig FuzzCommandLine FuzzFileSystem}
export LCPLAN_FUZZ=1 SWIFT_BACKTRACE=enable=no
args=()
for s in ${sanitize//,/ }; do args+=(--sanitize="$s"); done
# Build from scratch: incremental Swift builds here have kept stale cross-module struct layouts after a
# stored property changed, which shows up as bogus crashes in the fuzzer (a clean build costs ~80 s).
rm -rf .build-fuzz/x86_64-unknown-linux-gnu .build-fuzz/release
total=0
for target in $targets; do
  swift build -c release --scratch-path .build-fuzz "${args[@]}" --product "$target" 2>&1 \
    | grep -v "ld.gold: warning: Cannot export local symbol" | tail -1
  corpus=.build-fuzz/corpus/$target findings=.build-fuzz/findings/$target
  mkdir -p "$corpus" "$findings"
  case $target in
    FuzzSpec) cp examples/*.yaml Tests/Fixtures/invalid/*.yaml Tests/Fixtures/fuzz/spec/* "$corpus"/ 2>/dev/null || true ;;
    FuzzHFConfig) cp Tests/Fixtures/hf/*.json Tests/Fixtures/hf-*/config.json examples/hf/*.json Tests/Fixtures/fuzz/hf/* "$corpus"/ 2>/dev/null || true ;;
    FuzzCommandLine) printf 'plan\nexamples/llama-3.1-8b-h200-128k.yaml' > "$corpus/plan"
      printf 'rope\n--model\nllama-3.1-8b\n--context\n1M\n--digits\n30' > "$corpus/rope"
      printf 'check\n-\n--format\nsarif\n--fail-on\nwarning' > "$corpus/check"
      cp Tests/Fixtures/fuzz/cli/* "$corpus"/ 2>/dev/null || true ;;
    FuzzFileSystem) printf '\x08\x00\x00\x01\x01\x02\x02\x03\x04\x04\x03\x05\x00\x06\x04\x02\x04\x00\x02\x01\x03\x02\x04' > "$corpus/tree"
      cp Tests/Fixtures/fuzz/fs/* "$corpus"/ 2>/dev/null || true ;;
  esac
  log=.build-fuzz/$target.log
  ".build-fuzz/release/$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=16384 \
    -jobs="$jobs" -workers="$jobs" -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" >"$log" 2>&1 || true
  runs=$(grep -h "stat::number_of_executed_units" "$log" fuzz-*.log 2>/dev/null | awk '{ s += $2 } END { print s + 0 }')
  rm -f fuzz-*.log
  crashes=$(find "$findings" -type f | wc -l)
  printf '%-18s %12d executions, %d findings (%s)\n' "$target" "$runs" "$crashes" "$findings"
  total=$((total + runs))
done
echo "total executions: $total"
