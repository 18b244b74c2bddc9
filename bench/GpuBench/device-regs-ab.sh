#!/usr/bin/env bash
# The device check of the eighth session's register-state kernels (one call, bench/gpu/h200-2026-11-26-s8-regs/):
# variant B (bench/results/gpubench/variantB.tar.xz) against variant C (variantC.tar.xz), both laid over the base
# archive; C's adaptive kernels under three launch bounds and its RK4 kernel under three more; the hand-written CUDA
# Tsit5 and RK4 kernels. Results packed into $OUT/all.tgz.
# Usage (on the device, from the repository root): bench/GpuBench/device-regs-ab.sh
set -u; export PATH=$PATH:/usr/local/cuda/bin; out=$(mktemp -d); trap 'tar -C "$out" -czf "$OUT/all.tgz" .' EXIT
res=bench/results/gpubench; b=$(mktemp -d); c=$(mktemp -d)
tar -xJf $res/gpubench.tar.xz -C $b && tar -xJf $res/variantB.tar.xz -C $b; tar -xJf $res/gpubench.tar.xz -C $c && tar -xJf $res/variantC.tar.xz -C $c
(nvcc -O3 -arch=sm_90 -o /tmp/t5 bench/reference/lorenz_tsit5.cu > $out/nvcc.log 2>&1; nvcc -O3 -arch=sm_90 -o /tmp/rk4 bench/reference/lorenz_rk4.cu >> $out/nvcc.log 2>&1) &
cs=tsit5-adaptive,dopri5-adaptive,tsit5-sweep-t5
st() { local n=$1 l=$2; shift 2; local t0=$SECONDS; timeout $l "$@" > $out/$n.json 2> $out/$n.err; echo "$n rc=$? $((SECONDS-t0))s"; }
st C-all 60 $c/gpubench/gpubench 1e5 1e6 1e7 --reps 5
st B-ad 40 $b/gpubench/gpubench 1e5 1e6 1e7 --reps 5 --no-gbm --cases $cs
for bd in 128,3 128,4 256,2; do st C-ad-$bd 25 $c/gpubench/gpubench 1e5 1e6 1e7 --reps 5 --no-gbm --cases $cs --bounds $bd; done
for bd in none 256,3 128,4; do st C-rk4-$bd 20 $c/gpubench/gpubench 1e6 1e7 --reps 5 --no-gbm --cases rk4-fixed-dt1e-3 --bounds $bd; done
wait; st cuda-t5 30 bash -c 'for p in lorenz sweep; do for n in 100000 1000000 10000000; do /tmp/t5 $p $n 5; done; done'
st cuda-rk4 20 bash -c 'for n in 1000000 10000000; do /tmp/rk4 $n 5; done'
