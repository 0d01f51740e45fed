#!/usr/bin/env bash
# Before/after speed check for a generator change: builds the benchmark project of two checkouts and runs their
# `quick NetGen` modes alternately, ROUNDS times each, then prints per benchmark the best (fastest) and the median time of
# each build and the ratio after/before (> 1: slower). Usage:
#   benchmarks/scripts/before-after.sh /path/to/before-checkout /path/to/after-checkout [rounds=5] [filter=NetGen]
set -euo pipefail
before=$1; after=$2; rounds=${3:-5}; filter=${4:-NetGen}
out=$(mktemp -d)
for side in before after; do
  dir=$([ $side = before ] && echo "$before" || echo "$after")
  dotnet build -c Release "$dir/benchmarks/NetGen.Benchmarks" -o "$out/$side-bin" >/dev/null
done
for r in $(seq 1 "$rounds"); do
  for side in before after; do
    dotnet "$out/$side-bin/NetGen.Benchmarks.dll" quick "$filter" | sed "s/^/$side $r /" >> "$out/results.txt"
  done
done
python3 - "$out/results.txt" <<'PY'
import sys, statistics, collections
times = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    side, _, name, value, _ns = line.split()
    times[name][side].append(float(value))
print(f"| Benchmark | before best | after best | ratio (best) | before median | after median | ratio (median) |")
print(f"|---|---:|---:|---:|---:|---:|---:|")
for name, sides in times.items():
    b, a = sides["before"], sides["after"]
    print(f"| {name} | {min(b):,.1f} | {min(a):,.1f} | {min(a)/min(b):.3f} | {statistics.median(b):,.1f} | {statistics.median(a):,.1f} | {statistics.median(a)/statistics.median(b):.3f} |")
PY
echo "raw: $out/results.txt"
