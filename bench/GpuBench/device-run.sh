#!/usr/bin/env bash
# The prepared device check (one call): builds the hand-written CUDA references (GBM Euler–Maruyama, Lorenz RK4) with
# nvcc, runs gpubench (GBM and the Lorenz cases) and the CUDA references at the same sizes, and optionally JAX Diffrax.
# Results are packed into $OUT/all.tgz.
# Usage (on the device, from the repository root): [GPUBENCH_ARGS=--only-gbm] bench/GpuBench/device-run.sh [--jax] [sizes...]
set -uo pipefail
jax=0
if [[ "${1:-}" == "--jax" ]]; then jax=1; shift; fi
sizes=("$@"); [[ ${#sizes[@]} -gt 0 ]] || sizes=(1e5 1e6 1e7)
# Results are written to a scratch folder and packed into $OUT/all.tgz at the end (a device call returns at most 8
# files); without $OUT they stay in ./device-out.
dest="${OUT:-}"; out="$(mktemp -d /tmp/device-out.XXXXXX)"
[[ -n "$dest" ]] || { out="$PWD/device-out"; mkdir -p "$out"; }
trap '[[ -n "$dest" ]] && tar -C "$out" -czf "$dest/all.tgz" .' EXIT
export PATH="$PATH:/usr/local/cuda/bin"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > "$out/gpu.txt" 2>&1
nvcc -O3 -arch=sm_90 -o /tmp/gbm_em_cuda bench/reference/gbm_em.cu 2> "$out/nvcc.err" || echo "nvcc failed (gbm)" >&2
nvcc -O3 -arch=sm_90 -o /tmp/lorenz_rk4_cuda bench/reference/lorenz_rk4.cu 2>> "$out/nvcc.err" || echo "nvcc failed (rk4)" >&2
OUT="$out" timeout 300 bash bench/GpuBench/run-on-device.sh "${sizes[@]}" --reps 5 ${GPUBENCH_ARGS:-} 2> "$out/ours.err"; echo "gpubench rc=$?"
if [[ -x /tmp/gbm_em_cuda ]]; then
  for n in "${sizes[@]}"; do timeout 60 /tmp/gbm_em_cuda "$(python3 -c "print(int(float('$n')))")" 5 12345; done > "$out/gbm_cuda.json" 2>> "$out/nvcc.err"
  cat "$out/gbm_cuda.json"
fi
if [[ -x /tmp/lorenz_rk4_cuda ]]; then
  for n in "${sizes[@]}"; do timeout 60 /tmp/lorenz_rk4_cuda "$(python3 -c "print(int(float('$n')))")" 5; done > "$out/rk4_cuda.json" 2>> "$out/nvcc.err"
  cat "$out/rk4_cuda.json"
fi
if [[ $jax == 1 ]]; then
  PYTHONUNBUFFERED=1 timeout 170 python3 bench/GpuBench/diffrax_reference.py 1e5 1e6 --reps 5 > "$out/diffrax.json" 2> "$out/diffrax.err"; echo "jax rc=$?"
fi
