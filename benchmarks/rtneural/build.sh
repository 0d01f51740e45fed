#!/usr/bin/env bash
# Builds the RTNeural side of NetGen's comparisons (issue 11): harness.cpp against RTNeural's compile-time API, once per
# backend (Eigen, xsimd, STL), g++ -O3 -march=native, and a wrapper that runs all three.
#
#   benchmarks/rtneural/build.sh [path/to/RTNeural]
#
# With a path, that RTNeural checkout is used (its modules/xsimd must hold the xsimd commit RTNeural pins: Debian's xsimd
# 8.1 is too old). Without one, RTNeural is cloned at the commit the published numbers were measured on, with its pinned
# xsimd submodule, into benchmarks/rtneural/.deps (not committed). Then:
#
#   NETGEN_RTNEURAL_BENCH=$PWD/benchmarks/rtneural/bin/rtneural-bench \
#     dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- rtneural --repeat 3
#
# Without NETGEN_RTNEURAL_BENCH the benchmarks run without RTNeural and say so.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
commit=1fb1f075a5d66e85bfc8f488c3f3626840cb3a1d   # jatinchowdhury18/RTNeural; its modules/xsimd pins xsimd a00c81f7b9e8
if [ $# -ge 1 ]; then
  rtneural="$(cd "$1" && pwd)"
else
  rtneural="$here/.deps/RTNeural"
  if [ ! -d "$rtneural/.git" ]; then
    git clone --quiet https://github.com/jatinchowdhury18/RTNeural "$rtneural"
  fi
  git -C "$rtneural" checkout --quiet "$commit"
  git -C "$rtneural" submodule update --quiet --init modules/xsimd
fi
for dir in RTNeural modules/Eigen modules/xsimd/include; do
  if [ ! -d "$rtneural/$dir" ]; then
    echo "build.sh: $rtneural/$dir is missing (an RTNeural checkout with its Eigen and xsimd modules is needed)" >&2
    exit 1
  fi
done
mkdir -p "$here/bin"
common=(-std=c++17 -O3 -march=native -DNDEBUG -DRTNEURAL_DEFAULT_ALIGNMENT=32 -I"$rtneural" -w)
g++ "${common[@]}" -DRTNEURAL_USE_EIGEN=1 -DEIGEN_STACK_ALLOCATION_LIMIT=0 -I"$rtneural/modules/Eigen" \
  -DBACKEND_NAME='"Eigen"' "$here/harness.cpp" -o "$here/bin/bench_eigen" &
g++ "${common[@]}" -DRTNEURAL_USE_XSIMD=1 -I"$rtneural/modules/xsimd/include" \
  -DBACKEND_NAME='"xsimd"' "$here/harness.cpp" -o "$here/bin/bench_xsimd" &
g++ "${common[@]}" -DBACKEND_NAME='"STL"' "$here/harness.cpp" -o "$here/bin/bench_stl" &
wait
cat > "$here/bin/rtneural-bench" <<'WRAP'
#!/bin/sh
# NETGEN_RTNEURAL_BENCH entry point: runs each backend's program on the protocol directory.
d="$(dirname "$0")"
for b in eigen xsimd stl; do "$d/bench_$b" "$@" || exit $?; done
WRAP
chmod +x "$here/bin/rtneural-bench"
echo "built: NETGEN_RTNEURAL_BENCH=$here/bin/rtneural-bench"
