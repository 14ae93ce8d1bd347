#!/usr/bin/env python3
"""lcplan's CPU kernels beside independent ones on this machine, interleaved so that both see the same load.

1. Causal attention, fp32, d = 128, 8 heads, every core, L = 1K..16K: lcplan's fastest kernel
   (`lcplan-bench attention L`) against PyTorch's CPU flash kernel (torch.nn.functional.scaled_dot_product_attention
   with is_causal=True, which dispatches to _scaled_dot_product_flash_attention_for_cpu) and numpy (matmul,
   masked softmax, matmul: O(L^2) memory, one head at a time). GFLOP/s under both conventions: the causal half
   (4 d per attended pair, L (L + 1) / 2 pairs per head) and the full square (4 d L^2), the ratio lcplan / PyTorch,
   and the fraction of this CPU's FMA peak as `lcplan-bench peak` measures it.
2. `lcplan calibrate` against numpy's fp32 matmul at the same size and a numpy copy (read + written, threads
   splitting it) of the same 512 MiB: the ratio of each figure (issue 12 asks for agreement within 30%).

Medians of `--rounds` rounds (default 3); each round runs lcplan and the others back to back at each size.
Usage: scripts/cpu-side-by-side.py [--rounds N] [--lengths 1024,2048,...] [--skip-calibrate]
(make bench-cpu builds the release binaries first.) PyTorch is optional: without it the attention table has
numpy only and says so. On these machines `pip install "torch==2.13.0+cpu"` installs the CPU wheel.
"""
import argparse
import concurrent.futures
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.environ.get("LCPLAN_BENCH_BIN", os.path.join(ROOT, ".build/release/lcplan-bench"))
LCPLAN = os.environ.get("LCPLAN_BIN", os.path.join(ROOT, ".build/release/lcplan"))
THREADS = os.cpu_count() or 1
HEADS, D = 8, 128


def run(args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def lcplan_attention(length):
    """lcplan-bench's line for one length: seconds (median of its 3 runs) and the kernel it ran."""
    lines = run([BENCH, "attention", str(length)]).strip().splitlines()
    fields = lines[-1].split()
    return float(fields[1]), fields[-1]


def median_seconds(function, runs=3):
    function()  # warm-up (first-touch pages, dispatch caches)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def inputs(length, seed=3):
    generator = np.random.default_rng(seed)
    shape = (HEADS, length, D)
    return [generator.uniform(-1, 1, shape).astype(np.float32) for _ in range(3)]


def torch_attention(length):
    import torch

    torch.set_num_threads(THREADS)
    q, k, v = (torch.from_numpy(x).unsqueeze(0) for x in inputs(length))
    return median_seconds(lambda: torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True))


def numpy_attention(length):
    q, k, v = inputs(length)
    scale = np.float32(1 / np.sqrt(D))
    mask = np.triu(np.ones((length, length), dtype=bool), 1)

    def attend():
        for h in range(HEADS):
            s = (q[h] @ k[h].T) * scale
            s[mask] = -np.inf
            s -= s.max(axis=1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=1, keepdims=True)
            _ = s @ v[h]

    return median_seconds(attend, runs=1 if length >= 8192 else 3)


def rates(seconds, length):
    causal = 4.0 * D * HEADS * length * (length + 1) / 2
    full = 4.0 * D * HEADS * length * length
    return causal / seconds / 1e9, full / seconds / 1e9


def attention_table(lengths, rounds):
    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    peak = float(run([BENCH, "peak"]).split()[1])
    print(f"causal attention, fp32, d {D}, {HEADS} heads, {THREADS} threads; medians of {rounds} rounds")
    print(f"fp32 FMA peak here (lcplan-bench peak): {peak:.1f} GFLOP/s")
    missing = 'not installed (pip install "torch==2.13.0+cpu")'
    print(f"PyTorch: {torch_version or missing}; numpy {np.__version__}")
    header = f"{'L':>6} {'lcplan':>8} {'(full)':>8} {'torch':>8} {'(full)':>8} {'ratio':>6} {'numpy':>8} {'(full)':>8} {'lcplan/peak':>11} {'torch/peak':>10}  kernel"
    print(header)
    for length in lengths:
        ours, theirs, plain = [], [], []
        kernel = "?"
        for _ in range(rounds):
            seconds, kernel = lcplan_attention(length)
            ours.append(seconds)
            if torch_version:
                theirs.append(torch_attention(length))
            if length <= 16384:
                plain.append(numpy_attention(length))
        o = rates(statistics.median(ours), length)
        t = rates(statistics.median(theirs), length) if theirs else (float("nan"),) * 2
        n = rates(statistics.median(plain), length) if plain else (float("nan"),) * 2
        print(
            f"{length:>6} {o[0]:8.1f} {o[1]:8.1f} {t[0]:8.1f} {t[1]:8.1f} {o[0] / t[0]:6.2f} {n[0]:8.1f} {n[1]:8.1f}"
            f" {o[0] / peak:11.2f} {t[0] / peak:10.2f}  {kernel}"
        )
    print("GFLOP/s: the causal half (4 d L (L + 1) / 2 per head), and (full) the whole square, 4 d L^2")


def numpy_matmul(n):
    generator = np.random.default_rng(1)
    a = generator.uniform(-0.5, 0.5, (n, n)).astype(np.float32)
    b = generator.uniform(-0.5, 0.5, (n, n)).astype(np.float32)
    return 2.0 * n**3 / median_seconds(lambda: a @ b, runs=5)


def numpy_copy(total_bytes=512 << 20):
    """Bytes read plus written per second, the threads each copying a slice (numpy releases the GIL)."""
    source = np.full(total_bytes // 8, 1.5)
    target = np.zeros_like(source)
    slices = np.array_split(np.arange(len(source)), THREADS)
    bounds = [(s[0], s[-1] + 1) for s in slices]
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:

        def copy():
            list(pool.map(lambda r: np.copyto(target[r[0] : r[1]], source[r[0] : r[1]]), bounds))

        return 2.0 * source.nbytes / median_seconds(copy, runs=5)


def calibrate_table(rounds):
    print()
    print(f"lcplan calibrate beside numpy, {THREADS} threads; medians of {rounds} rounds")
    ours_mm, ours_copy, np_mm, np_copy = [], [], [], []
    with tempfile.TemporaryDirectory() as directory:
        for _ in range(rounds):
            out = run([LCPLAN, "calibrate", "--output", os.path.join(directory, "local.yaml"), "--runs", "5"])
            figures = {}
            for line in out.splitlines():
                parts = line.split()
                if len(parts) >= 3 and parts[-1] in ("GFLOP/s", "GB/s"):
                    figures[" ".join(parts[:-2])] = float(parts[-2])
            ours_mm.append(figures["fp32 matmul"])
            ours_copy.append(figures["memory copy"])
            np_mm.append(numpy_matmul(1024) / 1e9)
            np_copy.append(numpy_copy() / 1e9)
    rows = [
        ("fp32 matmul 1024^3 (GFLOP/s)", statistics.median(ours_mm), statistics.median(np_mm)),
        ("copy 512 MiB, read + written (GB/s)", statistics.median(ours_copy), statistics.median(np_copy)),
    ]
    print(f"{'figure':<38} {'lcplan':>8} {'numpy':>8} {'ratio':>6}  within 30%")
    for name, ours, theirs in rows:
        ratio = ours / theirs
        print(f"{name:<38} {ours:8.1f} {theirs:8.1f} {ratio:6.2f}  {'yes' if 0.7 <= ratio <= 1.3 else 'no'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lengths", default="1024,2048,4096,8192,16384")
    parser.add_argument("--skip-calibrate", action="store_true")
    args = parser.parse_args()
    for binary in (BENCH, LCPLAN):
        if not os.access(binary, os.X_OK):
            sys.exit(f"{binary} is missing: swift build -c release (or make bench-cpu)")
    attention_table([int(x) for x in args.lengths.split(",")], args.rounds)
    if not args.skip_calibrate:
        calibrate_table(args.rounds)


if __name__ == "__main__":
    main()
