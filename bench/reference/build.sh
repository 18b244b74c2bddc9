#!/usr/bin/env bash
# Builds the hand-written C/C++ reference programs into bench/reference/bin/.
# Works from any directory. Installs libboost-dev (header-only Boost.Odeint) with apt
# only if it is missing; gcc's OpenMP runtime (libgomp) ships with gcc.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$HERE/bin"
CC="${CC:-gcc}"
CXX="${CXX:-g++}"
FLAGS=(-O3 -march=native -fopenmp)

need_apt=()
command -v "$CC"  >/dev/null 2>&1 || need_apt+=(gcc)
command -v "$CXX" >/dev/null 2>&1 || need_apt+=(g++)
[ -f /usr/include/boost/numeric/odeint.hpp ] || need_apt+=(libboost-dev)
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "build.sh: installing ${need_apt[*]}" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

mkdir -p "$BIN"
set -x
"$CC"  "${FLAGS[@]}" -o "$BIN/lorenz_rk4"           "$HERE/lorenz_rk4.c" -lm
# -fno-math-errno: lets gcc vectorise sqrt (no errno side effect); results unchanged.
"$CC"  "${FLAGS[@]}" -fno-math-errno -o "$BIN/gbm_em" "$HERE/gbm_em.c" -lm
"$CXX" "${FLAGS[@]}" -o "$BIN/lorenz_dopri5_odeint" "$HERE/lorenz_dopri5_odeint.cpp"
{ set +x; } 2>/dev/null
echo "build.sh: built $(ls "$BIN" | tr '\n' ' ')in $BIN"
