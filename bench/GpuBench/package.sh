#!/usr/bin/env bash
# Builds a self-contained linux-x64 gpubench (no .NET needed on the device; no trimming — it breaks ILGPU)
# and packs it as bench/results/gpubench/gpubench.tar.xz (bench/results/ is git-ignored).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../results/gpubench"
stage="$out/stage"
rm -rf "$stage"
mkdir -p "$stage"
dotnet publish "$here/GpuBench.csproj" -c Release -r linux-x64 --self-contained true \
    -p:PublishTrimmed=false -p:DebugType=None -p:GenerateDocumentationFile=false -o "$stage/gpubench" >&2
tar -C "$stage" -cf - gpubench | xz -T0 -6 > "$out/gpubench.tar.xz"
rm -rf "$stage"
size=$(stat -c %s "$out/gpubench.tar.xz")
echo "packed $(( size / 1024 / 1024 )) MiB" >&2
if (( size >= 60 * 1024 * 1024 )); then echo "archive is not under 60 MiB" >&2; exit 1; fi
echo "$out/gpubench.tar.xz"
