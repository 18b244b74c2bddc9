#!/usr/bin/env bash
# Unpacks the self-contained gpubench archive in /tmp and runs it on the CUDA device; JSON lines go to
# stdout and to $OUT/gpubench.json (or ./gpubench.json without $OUT). Extra arguments go to gpubench
# (member counts, --reps N, --check K).
# Usage: bench/GpuBench/run-on-device.sh [--archive PATH] [gpubench args...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
archive="$here/../results/gpubench/gpubench.tar.xz"
if [[ "${1:-}" == "--archive" ]]; then archive="$2"; shift 2; fi
[[ -f "$archive" ]] || { echo "no archive at $archive (run bench/GpuBench/package.sh first)" >&2; exit 1; }
dest="$(mktemp -d /tmp/gpubench.XXXXXX)"
tar -xJf "$archive" -C "$dest"
out="${OUT:-$PWD}"
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true
"$dest/gpubench/gpubench" "$@" | tee "$out/gpubench.json"
rm -rf "$dest"
