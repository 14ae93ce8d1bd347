#!/bin/sh
# Three questions a newcomer brings, answered with the commands the README shows and nothing else
# (issue 25). Run from the repository root after `make run` (or with LCPLAN naming a binary); the tests
# run it and compare its output with Tests/Snapshots/newcomer/newcomer.txt.
set -u
lcplan=${LCPLAN:-.build/release/lcplan}
[ -x "$lcplan" ] || lcplan=.build/debug/lcplan
ask() {
    printf '\n$ lcplan %s\n' "$*"
    "$lcplan" "$@"
    printf '(exit %s)\n' "$?"
}

echo "Q1. Does Llama 3.1 70B serve a 128K context on 2 H100s with an fp8 KV cache?"
ask plan --model llama-3.1-70b --device h100 --count 2 --context 128k --set workload.kv_cache=fp8 --brief
echo "... and with fp8 weights too?"
ask plan --model llama-3.1-70b --device h100 --count 2 --context 128k --set workload.kv_cache=fp8 --set workload.dtype=fp8 --brief

echo
echo "Q2. How many A100s does fine-tuning Llama 3.1 8B at 64K take? (the devices objective: the fewest of 64)"
ask plan --model llama-3.1-8b --device a100 --count 64 --context 64k --set workload.mode=training --set search.objective=devices --brief

echo
echo "Q3. Does Llama 3.2 3B run on a Raspberry Pi 5 at 32K (int4 weights, int8 KV cache)?"
ask plan --model llama-3.2-3b --device raspberry-pi-5 --context 32k --set workload.dtype=int4 --set workload.kv_cache=int8 --brief
