#!/usr/bin/env bash
# A prepared A/B device check (one call): the base archive (bench/results/gpubench/gpubench.tar.xz, package.sh at the
# baseline commit) against a variant — the same archive with the Diffrax and gpubench assemblies of another build laid
# over it (bench/results/gpubench/variantB.tar.xz; self-contained archives are too large to carry two) — on the same
# card in the same call, with the hand-written CUDA references, launch-bounds sweeps of the variant, GBM at 4x the
# steps (per-path overhead against per-step cost), and JAX Diffrax last. Steps run in order of importance, each under
# its own timeout, each writing its own file under $OUT, so a call cut short still returns what it finished.
# Usage (on the device, from the repository root): bench/GpuBench/device-ab.sh [--adaptive]
# --adaptive: the shorter plan for a change to the adaptive kernels — the variant at 10^5..10^7 (every case), the base's
# adaptive cases at the same sizes, the CUDA references, the variant's adaptive kernels under launch bounds, and JAX
# Diffrax at 10^5 and 10^6.
# --tsit5: the variant's Tsit5 kernels (Lorenz ensemble, rho sweep) against the hand-written CUDA Tsit5 kernel
# (bench/reference/lorenz_tsit5.cu) at 10^5..10^7, alternated twice; with bench/results/gpubench/variantC.tar.xz (a
# third build's assemblies, laid over the base like B) also that build in each round.
# --sde: a change to the SDE kernel — every case of the variant at 10^5..10^7 (the ODE kernels' agreement with the CPU
# runner included), the GBM case of A and B alternated twice with the hand-written CUDA kernel, B's GBM kernel under
# four launch bounds, GBM at 4x the steps, and the CUDA RK4 and Tsit5 references.
# --ode: a change to the ODE kernels — variant C (variantC.tar.xz) against B, alternated twice at 10^5..10^7 (C's
# first run with every case and its checks), C's kernels under other launch bounds, the hand-written CUDA Tsit5 and
# RK4 kernels, and their register counts (nvcc -Xptxas -v) and SASS (cuobjdump) for comparison.
# --profile: variant C against B (both every case at 10^5..10^7, alternated twice), C's kernels under other launch
# bounds, the hand-written CUDA kernels, and Nsight Compute (ncu) sections for C's GBM kernel and the CUDA GBM kernel
# at 10^6 paths (occupancy, warp states, instructions executed).
# --source: Nsight Compute's per-instruction execution counts (SourceCounters, SASS) of variant C's GBM and RK4 kernels
# at 10^5 members, and C's RK4 kernel under four more launch bounds at 10^6 and 10^7 members.
# --jax: variant C's adaptive kernels and JAX Diffrax (diffrax_reference.py) at 10^5 and 10^6 members, in that order.
# DEADLINE_S: steps that could run past this many seconds of the script are skipped.
# With bench/results/gpubench/variantA.tar.xz present, A is the base archive with that build's assemblies laid over it.
set -uo pipefail
plan=full; [[ "${1:-}" == "--adaptive" ]] && plan=adaptive; [[ "${1:-}" == "--tsit5" ]] && plan=tsit5; [[ "${1:-}" == "--sde" ]] && plan=sde; [[ "${1:-}" == "--ode" ]] && plan=ode; [[ "${1:-}" == "--profile" ]] && plan=profile; [[ "${1:-}" == "--source" ]] && plan=source; [[ "${1:-}" == "--jax" ]] && plan=jax
# Results go to a scratch folder packed into $OUT/all.tgz at the end (a device call returns at most 8 files); without
# $OUT they stay in ./device-out.
dest="${OUT:-}"; out="$(mktemp -d /tmp/device-out.XXXXXX)"
[[ -n "$dest" ]] || { out="$PWD/device-out"; mkdir -p "$out"; }
trap '[[ -n "$dest" ]] && tar -C "$out" -czf "$dest/all.tgz" .' EXIT
trap 'exit 143' TERM
export PATH="$PATH:/usr/local/cuda/bin"
res=bench/results/gpubench
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > "$out/gpu.txt" 2>&1
a="$(mktemp -d /tmp/gpubenchA.XXXXXX)"; b="$(mktemp -d /tmp/gpubenchB.XXXXXX)"
tar -xJf "$res/gpubench.tar.xz" -C "$a"; [[ -f "$res/variantA.tar.xz" ]] && tar -xJf "$res/variantA.tar.xz" -C "$a"
tar -xJf "$res/gpubench.tar.xz" -C "$b" && tar -xJf "$res/variantB.tar.xz" -C "$b"
c=""; if [[ -f "$res/variantC.tar.xz" ]]; then c="$(mktemp -d /tmp/gpubenchC.XXXXXX)"; tar -xJf "$res/gpubench.tar.xz" -C "$c" && tar -xJf "$res/variantC.tar.xz" -C "$c"; fi
( nvcc -O3 -arch=sm_90 -o /tmp/gbm_em_cuda bench/reference/gbm_em.cu
  nvcc -O3 -arch=sm_90 -DNSTEPS=1008 -o /tmp/gbm_em_cuda_1008 bench/reference/gbm_em.cu
  if [[ $plan != full ]]; then nvcc -O3 -arch=sm_90 -o /tmp/lorenz_tsit5_cuda bench/reference/lorenz_tsit5.cu; fi
  nvcc -O3 -arch=sm_90 -o /tmp/lorenz_rk4_cuda bench/reference/lorenz_rk4.cu ) > "$out/nvcc.log" 2>&1 &
nvccpid=$!
deadline=${DEADLINE_S:-100000}
step() { local name="$1" limit="$2"; shift 2; local t0=$SECONDS; if (( SECONDS + limit > deadline )); then echo "$name skipped (deadline)"; return; fi; timeout "$limit" "$@" > "$out/$name.json" 2> "$out/$name.err"; echo "$name rc=$? $((SECONDS - t0)) s"; }
if [[ $plan == tsit5 ]]; then
  wait "$nvccpid"; echo "nvcc rc=$?"
  for r in 1 2; do
    step "B-tsit5-$r" 90 "$b/gpubench/gpubench" 1e5 1e6 1e7 --reps 5 --no-gbm --cases tsit5-adaptive,tsit5-sweep-t5
    [[ -n "$c" ]] && step "C-all-$r" 150 "$c/gpubench/gpubench" 1e5 1e6 1e7 --reps 5
    step "cuda-tsit5-$r" 60 bash -c 'for p in lorenz sweep; do for n in 100000 1000000 10000000; do /tmp/lorenz_tsit5_cuda $p $n 5; done; done'
  done
  rm -rf "$a" "$b"; exit 0
fi
if [[ $plan == jax ]]; then
  step C-adaptive 60 "$c/gpubench/gpubench" 1e5 1e6 --reps 5 --no-gbm --check 10 --cases tsit5-adaptive,dopri5-adaptive,tsit5-sweep-t5
  PYTHONUNBUFFERED=1 step diffrax 170 python3 bench/GpuBench/diffrax_reference.py 1e5 1e6 --reps 5
  rm -rf "$a" "$b" "$c"; exit 0
fi
if [[ $plan == source ]]; then
  ncu=$(command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null | head -1)
  src="--section SourceCounters --page source --print-source sass --csv"
  step ncu-source-gbm 60 "$ncu" $src -k regex:Kernel_Sde --launch-skip 1 --launch-count 1 "$c/gpubench/gpubench" 1e5 --reps 5 --only-gbm --check 10
  step ncu-source-rk4 60 "$ncu" $src -k regex:Kernel_Ode --launch-skip 1 --launch-count 1 "$c/gpubench/gpubench" 1e5 --reps 5 --no-gbm --check 10 --cases rk4-fixed-dt1e-3
  for bd in 256,4 256,3 128,6 128,5; do step "C-rk4-bounds-${bd/,/-}" 25 "$c/gpubench/gpubench" 1e6 1e7 --reps 5 --no-gbm --check 10 --cases rk4-fixed-dt1e-3 --bounds "$bd"; done
  rm -rf "$a" "$b" "$c"; exit 0
fi
if [[ $plan == profile ]]; then
  step C-all-1 100 "$c/gpubench/gpubench" 1e5 1e6 1e7 --reps 5
  step B-all-1 60 "$b/gpubench/gpubench" 1e5 1e6 1e7 --reps 5 --check 10
  wait "$nvccpid"; echo "nvcc rc=$?"
  step cuda-gbm 25 bash -c 'for n in 100000 1000000 10000000; do /tmp/gbm_em_cuda $n 5 12345; done'
  step cuda-rk4 25 bash -c 'for n in 100000 1000000 10000000; do /tmp/lorenz_rk4_cuda $n 5; done'
  step cuda-tsit5 35 bash -c 'for p in lorenz sweep; do for n in 100000 1000000 10000000; do /tmp/lorenz_tsit5_cuda $p $n 5; done; done'
  step C-all-2 60 "$c/gpubench/gpubench" 1e5 1e6 1e7 --reps 5 --check 10
  step B-all-2 60 "$b/gpubench/gpubench" 1e5 1e6 1e7 --reps 5 --check 10
  for bd in 128,3 256,2; do step "C-adaptive-bounds-${bd/,/-}" 30 "$c/gpubench/gpubench" 1e6 1e7 --reps 5 --no-gbm --check 10 --cases tsit5-adaptive,dopri5-adaptive,tsit5-sweep-t5 --bounds "$bd"; done
  for bd in 128,4 256,3 none; do step "C-rk4-bounds-${bd/,/-}" 25 "$c/gpubench/gpubench" 1e6 1e7 --reps 5 --no-gbm --check 10 --cases rk4-fixed-dt1e-3 --bounds "$bd"; done
  ncu=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
  echo "ncu: ${ncu:-none}"
  if [[ -n "$ncu" ]]; then
    secs="--section SpeedOfLight --section Occupancy --section LaunchStats --section WarpStateStats --section InstructionStats --section ComputeWorkloadAnalysis"
    step ncu-ours-gbm 70 "$ncu" $secs -k regex:Kernel_Sde --launch-skip 1 --launch-count 1 "$c/gpubench/gpubench" 1e6 --reps 5 --only-gbm --check 10
    step ncu-cuda-gbm 40 "$ncu" $secs -k regex:gbm_em --launch-skip 1 --launch-count 1 /tmp/gbm_em_cuda 1000000 2 12345
    step ncu-ours-rk4 70 "$ncu" $secs -k regex:Kernel_Ode --launch-skip 1 --launch-count 1 "$c/gpubench/gpubench" 1e6 --reps 5 --no-gbm --check 10 --cases rk4-fixed-dt1e-3
    step ncu-cuda-rk4 40 "$ncu" $secs -k regex:lorenz --launch-skip 1 --launch-count 1 /tmp/lorenz_rk4_cuda 1000000 2
  fi
  rm -rf "$a" "$b" "$c"; exit 0
fi
if [[ $plan == ode ]]; then
  odes=tsit5-adaptive,dopri5-adaptive,rk4-fixed-dt1e-3,tsit5-sweep-t5
  step C-all 120 "$c/gpubench/gpubench" 1e5 1e6 1e7 --reps 5
  step B-ode-1 60 "$b/gpubench/gpubench" 1e5 1e6 1e7 --reps 5 --no-gbm --check 10
  wait "$nvccpid"; echo "nvcc rc=$?"
  step cuda-tsit5-1 35 bash -c 'for p in lorenz sweep; do for n in 100000 1000000 10000000; do /tmp/lorenz_tsit5_cuda $p $n 5; done; done'
  step cuda-rk4-1 25 bash -c 'for n in 100000 1000000 10000000; do /tmp/lorenz_rk4_cuda $n 5; done'
  step C-ode-2 60 "$c/gpubench/gpubench" 1e5 1e6 1e7 --reps 5 --no-gbm --check 10
  step B-ode-2 60 "$b/gpubench/gpubench" 1e5 1e6 1e7 --reps 5 --no-gbm --check 10
  for bd in 128,4 256,2 none; do step "C-adaptive-bounds-${bd/,/-}" 30 "$c/gpubench/gpubench" 1e6 1e7 --reps 5 --no-gbm --check 10 --cases tsit5-adaptive,dopri5-adaptive,tsit5-sweep-t5 --bounds "$bd"; done
  for bd in 128,5 256,3 128,3; do step "C-rk4-bounds-${bd/,/-}" 25 "$c/gpubench/gpubench" 1e6 1e7 --reps 5 --no-gbm --check 10 --cases rk4-fixed-dt1e-3 --bounds "$bd"; done
  ( for f in gbm_em lorenz_rk4 lorenz_tsit5; do echo "== $f"; nvcc -O3 -arch=sm_90 -Xptxas -v -cubin -o "/tmp/$f.cubin" "bench/reference/$f.cu" 2>&1; cuobjdump -sass "/tmp/$f.cubin" > "$out/sass-$f.txt" 2>&1; done ) > "$out/ptxas-references.txt" 2>&1
  rm -rf "$a" "$b" "$c"; exit 0
fi
if [[ $plan == sde ]]; then
  step B-all 120 "$b/gpubench/gpubench" 1e5 1e6 1e7 --reps 5
  wait "$nvccpid"; echo "nvcc rc=$?"
  for r in 1 2; do
    step "A-gbm-$r" 35 "$a/gpubench/gpubench" 1e5 1e6 1e7 --reps 5 --only-gbm
    step "B-gbm-$r" 35 "$b/gpubench/gpubench" 1e5 1e6 1e7 --reps 5 --only-gbm
    step "cuda-gbm-$r" 25 bash -c 'for n in 100000 1000000 10000000; do /tmp/gbm_em_cuda $n 5 12345; done'
  done
  for bd in none 256,2 256,3 128,4; do step "B-gbm-bounds-${bd/,/-}" 25 "$b/gpubench/gpubench" 1e6 1e7 --reps 5 --only-gbm --bounds "$bd"; done
  step B-gbm-1008 25 "$b/gpubench/gpubench" 1e7 --reps 5 --only-gbm --gbm-steps 1008
  step A-gbm-1008 25 "$a/gpubench/gpubench" 1e7 --reps 5 --only-gbm --gbm-steps 1008
  step cuda-gbm-1008 15 /tmp/gbm_em_cuda_1008 10000000 5 12345
  step cuda-rk4 25 bash -c 'for n in 100000 1000000 10000000; do /tmp/lorenz_rk4_cuda $n 5; done'
  step cuda-tsit5 35 bash -c 'for p in lorenz sweep; do for n in 100000 1000000 10000000; do /tmp/lorenz_tsit5_cuda $p $n 5; done; done'
  rm -rf "$a" "$b"; exit 0
fi
if [[ $plan == adaptive ]]; then
  adaptive=tsit5-adaptive,dopri5-adaptive,tsit5-sweep-t5
  step B-all 150 "$b/gpubench/gpubench" 1e5 1e6 1e7 --reps 5
  step A-adaptive 100 "$a/gpubench/gpubench" 1e5 1e6 1e7 --reps 5 --no-gbm --cases "$adaptive"
  wait "$nvccpid"; echo "nvcc rc=$?"
  step cuda-gbm 40 bash -c 'for n in 100000 1000000 10000000; do /tmp/gbm_em_cuda $n 5 12345; done'
  step cuda-rk4 40 bash -c 'for n in 100000 1000000 10000000; do /tmp/lorenz_rk4_cuda $n 5; done'
  step cuda-tsit5 60 bash -c 'for p in lorenz sweep; do for n in 100000 1000000 10000000; do /tmp/lorenz_tsit5_cuda $p $n 5; done; done'
  for bd in 256,2 256,3 128,4; do step "B-adaptive-bounds-${bd/,/-}" 45 "$b/gpubench/gpubench" 1e7 --reps 5 --no-gbm --cases "$adaptive" --bounds "$bd"; done
  PYTHONUNBUFFERED=1 step diffrax 130 python3 bench/GpuBench/diffrax_reference.py 1e5 1e6 --reps 5
  rm -rf "$a" "$b"; exit 0
fi
step B-all "120" "$b/gpubench/gpubench" 1e6 1e7 --reps 5
wait "$nvccpid"; echo "nvcc rc=$?"
step cuda-gbm "60" bash -c 'for n in 1000000 10000000; do /tmp/gbm_em_cuda $n 5 12345; done'
step cuda-rk4 "60" bash -c 'for n in 1000000 10000000; do /tmp/lorenz_rk4_cuda $n 5; done'
step A-all "120" "$a/gpubench/gpubench" 1e6 1e7 --reps 5
for bd in 256,3 256,4 128,6; do step "B-gbm-bounds-${bd/,/-}" 40 "$b/gpubench/gpubench" 1e7 --reps 5 --only-gbm --bounds "$bd"; done
for bd in 256,4 256,5 256,6; do step "B-rk4-bounds-${bd/,/-}" 40 "$b/gpubench/gpubench" 1e7 --reps 5 --no-gbm --cases rk4-fixed-dt1e-3 --bounds "$bd"; done
for bd in 256,3 256,4; do step "B-adaptive-bounds-${bd/,/-}" 60 "$b/gpubench/gpubench" 1e7 --reps 5 --no-gbm --cases tsit5-adaptive,tsit5-sweep-t5 --bounds "$bd"; done
step B-gbm-1008 40 "$b/gpubench/gpubench" 1e7 --reps 5 --only-gbm --gbm-steps 1008
step A-gbm-1008 40 "$a/gpubench/gpubench" 1e7 --reps 5 --only-gbm --gbm-steps 1008
step cuda-gbm-1008 30 /tmp/gbm_em_cuda_1008 10000000 5 12345
PYTHONUNBUFFERED=1 step diffrax 130 python3 bench/GpuBench/diffrax_reference.py 1e6 --reps 5
rm -rf "$a" "$b"
