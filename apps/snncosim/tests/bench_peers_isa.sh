#!/bin/sh
# scripts/bench-peers --isa avx2 with the anchors absent: a binary whose event kernels are not
# AVX2 is refused with one error line and exit 2 (naming the CMake option); one built for AVX2
# is measured with oneDNN capped to AVX2. Which case applies is read from the binary itself.
# usage: bench_peers_isa.sh SNNCOSIM SOURCE_DIR SCRATCH_DIR
set -u
bin=$1 src=$2 scratch=$3
isa=$("$bin" --json -q bench train --workload fc --iterations 1 --warmup 0 |
      sed -n 's/.*"kernel_isa": "\([a-z0-9]*\)".*/\1/p')
out=$("$src/scripts/bench-peers" --snncosim "$bin" --anchors "$scratch/no_anchors" --isa avx2 \
      --workloads fc --threads 1 --activity init --rounds 1 2>&1)
rc=$?
echo "$out"
echo "kernel_isa of the binary: $isa, exit $rc"
if [ "$isa" = avx2 ]; then
  [ $rc -eq 0 ] && echo "$out" | grep -q "instruction sets capped to avx2" && echo "PASS measured"
else
  [ $rc -eq 2 ] && echo "$out" | grep -q "runs event kernels $isa and oneDNN avx2; build it with cmake -DSNNCOSIM_KERNEL_MARCH=x86-64-v3" &&
    [ "$(echo "$out" | grep -c '^error:')" -eq 1 ] && echo "PASS refused"
fi
