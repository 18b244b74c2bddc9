#!/usr/bin/env bash
# get-ptxas.sh - make NVIDIA's `ptxas` available WITHOUT installing the CUDA toolkit.
#
# Downloads Debian's non-free `nvidia-cuda-toolkit` .deb (bookworm: CUDA 11.8,
# sm_90 / PTX ISA 7.8) with a private, throw-away apt configuration (own
# sources, own lists dir, nothing under /etc or /var is modified, root not
# required), unpacks only `ptxas` (plus, on request, `cuobjdump` + `nvdisasm`)
# from it with `dpkg-deb --fsys-tarfile | tar -x`, and deletes the .deb.  Nothing is
# installed.
#
# Output: the absolute path of a working ptxas is the LAST line on stdout.
# All progress / apt chatter goes to stderr.  Exits non-zero on failure.
# Idempotent: if the cache is already populated it only re-checks
# `ptxas --version` and prints the path (a few milliseconds).
#
# Environment (all optional):
#   PTXAS                 path to an existing ptxas; if executable, it is used as is
#   PTXAS_CACHE_DIR       cache dir            (default: <repo>/.tools/ptxas)
#   PTXAS_DEB_PACKAGE     package name         (default: nvidia-cuda-toolkit)
#   PTXAS_DEB_VERSION     exact version to pin (default: apt candidate)
#   PTXAS_DEBIAN_SUITE    suite                (default: VERSION_CODENAME from /etc/os-release)
#   PTXAS_DEBIAN_MIRROR   mirror URI(s), space separated (default: taken from the
#                         system's apt sources entries for that suite)
#   PTXAS_APT_COMPONENTS  components           (default: "contrib non-free")
#   PTXAS_WITH_DISASM=1   also unpack cuobjdump + nvdisasm (+52 MB) into the same bin/
#                         dir, for `cuobjdump -sass x.cubin` (needs nvdisasm on PATH)
#   PTXAS_FORCE=1         re-download even if the cache looks fine
set -euo pipefail

log() { printf 'get-ptxas: %s\n' "$*" >&2; }
die() { printf 'get-ptxas: ERROR: %s\n' "$*" >&2; exit 1; }

# Minimum CUDA release whose ptxas knows sm_90 / PTX ISA 7.8.
MIN_MAJOR=11
MIN_MINOR=8

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
cache_dir=${PTXAS_CACHE_DIR:-$repo_root/.tools/ptxas}
pkg=${PTXAS_DEB_PACKAGE:-nvidia-cuda-toolkit}
components=${PTXAS_APT_COMPONENTS:-contrib non-free}
ptxas_bin=$cache_dir/bin/ptxas
stamp=$cache_dir/.complete
with_disasm=${PTXAS_WITH_DISASM:-0}

# cache_ok: stamp present, ptxas works, and the optional tools are there if asked for.
cache_ok() {
    [[ ${PTXAS_FORCE:-0} != 1 && -f $stamp ]] || return 1
    if [[ $with_disasm == 1 ]]; then
        [[ -x $cache_dir/bin/cuobjdump && -x $cache_dir/bin/nvdisasm ]] || return 1
    fi
    check_ptxas "$ptxas_bin"
}

# check_ptxas PATH: succeeds if PATH runs and reports CUDA >= MIN_MAJOR.MIN_MINOR.
check_ptxas() {
    local exe=$1 out rel major minor
    [[ -x $exe ]] || return 1
    out=$("$exe" --version 2>&1) || { log "'$exe --version' failed: $out"; return 1; }
    rel=$(printf '%s\n' "$out" | sed -n 's/.*release \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n1)
    [[ -n $rel ]] || { log "cannot parse release from '$exe --version': $out"; return 1; }
    major=${rel%%.*}; minor=${rel#*.}
    if (( major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR) )); then
        log "$exe is CUDA $rel, need >= $MIN_MAJOR.$MIN_MINOR (sm_90 / PTX ISA 7.8)"
        return 1
    fi
}

# 0. Explicit override.
if [[ -n ${PTXAS:-} ]]; then
    check_ptxas "$PTXAS" || die "PTXAS=$PTXAS is not a usable ptxas (CUDA >= $MIN_MAJOR.$MIN_MINOR)"
    (cd "$(dirname "$PTXAS")" && printf '%s/%s\n' "$(pwd)" "$(basename "$PTXAS")")
    exit 0
fi

# 1. Fast path: already in the cache.
if cache_ok; then
    printf '%s\n' "$ptxas_bin"
    exit 0
fi

for tool in apt-get dpkg-deb tar sed awk; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found; this script needs a Debian-based system (apt + dpkg)"
done
[[ $(uname -m) == x86_64 ]] || die "only x86_64 is supported (got $(uname -m))"

mkdir -p "$cache_dir" || die "cannot create cache dir $cache_dir"
cache_dir=$(cd "$cache_dir" && pwd)
[[ $cache_dir != / ]] || die "refusing to use / as the cache dir"
ptxas_bin=$cache_dir/bin/ptxas
stamp=$cache_dir/.complete

# Serialize concurrent runs (parallel CI jobs sharing a checkout).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$cache_dir/.lock"
    flock 9 || die "cannot lock $cache_dir/.lock"
    # Someone else may have finished while we waited.
    if cache_ok; then
        printf '%s\n' "$ptxas_bin"
        exit 0
    fi
fi

# 2. Private apt configuration.
suite=${PTXAS_DEBIAN_SUITE:-}
if [[ -z $suite && -r /etc/os-release ]]; then
    # shellcheck disable=SC1091
    suite=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
fi
[[ -n $suite ]] || die "cannot determine the Debian suite; set PTXAS_DEBIAN_SUITE (e.g. bookworm)"

apt_dir=$cache_dir/apt
rm -rf "$apt_dir" "$cache_dir/download" "$cache_dir/staging"
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/apt.conf.d" "$apt_dir/preferences.d" \
         "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
         "$cache_dir/download" "$cache_dir/staging"
: >"$apt_dir/status"
src_file=$apt_dir/sources.list.d/ptxas.sources

if [[ -n ${PTXAS_DEBIAN_MIRROR:-} ]]; then
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$PTXAS_DEBIAN_MIRROR" "$suite" "$components" >"$src_file"
else
    # Re-use the system's `deb` entries for exactly $suite (keeping their URIs and
    # options such as Signed-By), but ask for $components instead of theirs.
    : >"$src_file"
    shopt -s nullglob
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -r $f ]] || continue
        # one-line format: deb [opts] URI suite comp...
        awk -v suite="$suite" -v comps="$components" '
            { sub(/#.*/, "") }
            $1 != "deb" { next }
            {
                i = 2; opts = ""
                if ($2 ~ /^\[/) {
                    while (i <= NF) { opts = opts (opts == "" ? "" : " ") $i; if ($i ~ /\]$/) { i++; break } i++ }
                }
                uri = $i; s = $(i + 1)
                if (s != suite) next
                print "deb " (opts == "" ? "" : opts " ") uri " " s " " comps
            }' "$f" >>"$apt_dir/sources.list"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -r $f ]] || continue
        # deb822 format: keep paragraphs with Types incl. "deb" and Suites incl. $suite.
        awk -v suite="$suite" -v comps="$components" '
            function flush(   k, n, t, keep, i, line) {
                if (nf == 0) return
                keep = 0
                n = split(val["types"], t, /[ \t]+/)
                for (i = 1; i <= n; i++) if (t[i] == "deb") keep = 1
                if (tolower(val["enabled"]) == "no") keep = 0
                found = 0
                n = split(val["suites"], t, /[ \t]+/)
                for (i = 1; i <= n; i++) if (t[i] == suite) found = 1
                if (keep && found && val["uris"] != "") {
                    print "Types: deb"
                    print "URIs: " val["uris"]
                    print "Suites: " suite
                    print "Components: " comps
                    for (i = 1; i <= nf; i++) {
                        k = key[i]
                        if (k == "types" || k == "uris" || k == "suites" || k == "components" || k == "enabled") continue
                        print raw[i]
                    }
                    print ""
                }
                nf = 0; delete val; delete key; delete raw
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]/ { if (nf > 0) { raw[nf] = raw[nf] "\n" $0; val[key[nf]] = val[key[nf]] " " $0 } next }
            {
                k = tolower($0); sub(/:.*/, "", k)
                v = $0; sub(/^[^:]*:[ \t]*/, "", v)
                nf++; key[nf] = k; raw[nf] = $0; val[k] = v
            }
            END { flush() }' "$f" >>"$src_file"
    done
    shopt -u nullglob
    [[ -f $apt_dir/sources.list ]] || : >"$apt_dir/sources.list"
    if [[ ! -s $src_file && ! -s $apt_dir/sources.list ]]; then
        log "no apt source for suite '$suite' found in /etc/apt; falling back to http://deb.debian.org/debian"
        printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: %s\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            "$suite" "$components" >"$src_file"
    fi
fi
[[ -f $apt_dir/sources.list ]] || : >"$apt_dir/sources.list"

# Keep the system's Acquire::* settings (proxies, timeouts, transports) but none
# of its hooks / extra index targets; everything else points into $apt_dir.
{
    apt-config dump 2>/dev/null | grep -E '^Acquire::' | grep -vE '^Acquire::(IndexTargets|Languages)' || true
    cat <<EOF
Acquire::Languages "none";
Dir::Etc::main "/dev/null";
Dir::Etc::Parts "$apt_dir/apt.conf.d";
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::Etc::SourceParts "$apt_dir/sources.list.d";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "$apt_dir/preferences.d";
Dir::State "$apt_dir";
Dir::State::Lists "$apt_dir/lists";
Dir::State::Status "$apt_dir/status";
Dir::Cache "$apt_dir/cache";
Dir::Log "$apt_dir";
APT::Get::List-Cleanup "false";
EOF
} >"$apt_dir/apt.conf"
export APT_CONFIG=$apt_dir/apt.conf

log "apt sources used:"
cat "$apt_dir/sources.list" "$src_file" | sed 's/^/    /' >&2

# 3. Fetch package index (contrib + non-free only: ~0.3 MB) and the .deb (~84 MB).
log "apt-get update (private lists in $apt_dir)"
# Not --error-on=any: copied third-party entries (docker, ...) may be unreachable or
# lack these components; that only warns.  What matters is whether $pkg is found.
apt-get -q update >&2 || die "apt-get update failed (see messages above)"

spec=$pkg
[[ -n ${PTXAS_DEB_VERSION:-} ]] && spec="$pkg=$PTXAS_DEB_VERSION"
version=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
if [[ -z $version || $version == "(none)" ]]; then
    die "package '$pkg' not found in $suite ($components); check the apt sources and any 'W: Failed to fetch' lines above (or set PTXAS_DEBIAN_MIRROR)"
fi
[[ -n ${PTXAS_DEB_VERSION:-} ]] && version=$PTXAS_DEB_VERSION
log "downloading $spec (version $version)"
# Let apt's unprivileged '_apt' download user write there (avoids a sandbox warning).
if [[ $(id -u) == 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$cache_dir/download" 2>/dev/null || true; fi
(cd "$cache_dir/download" && apt-get -q download "$spec" >&2) || die "apt-get download $spec failed"

deb=$(find "$cache_dir/download" -maxdepth 1 -name '*.deb' -print -quit)
[[ -n $deb ]] || die "apt-get download produced no .deb"
deb_size=$(stat -c %s "$deb")
log "downloaded $(basename "$deb") ($deb_size bytes)"

# 4. Unpack just what we need (no install, no maintainer scripts).
tools=(ptxas)
[[ $with_disasm == 1 ]] && tools+=(cuobjdump nvdisasm)
members=()
for t in "${tools[@]}"; do members+=("./usr/bin/$t"); done
dpkg-deb --fsys-tarfile "$deb" \
    | tar -x -C "$cache_dir/staging" "${members[@]}" ./usr/share/doc/"$pkg"/copyright \
    || die "could not extract ${tools[*]} from $deb"

# ptxas only links against glibc (libc, libm, libpthread) in 11.8; verify anyway.
if command -v ldd >/dev/null 2>&1; then
    missing=$(ldd "$cache_dir/staging/usr/bin/ptxas" 2>&1 | grep 'not found' || true)
    [[ -z $missing ]] || die "ptxas needs shared libraries that are not present: $missing"
fi

rm -rf "${cache_dir:?}/bin" "${cache_dir:?}/share" "$stamp"
mkdir -p "$cache_dir/bin" "$cache_dir/share"
for t in "${tools[@]}"; do mv "$cache_dir/staging/usr/bin/$t" "$cache_dir/bin/"; done
mv "$cache_dir/staging/usr/share/doc/$pkg/copyright" "$cache_dir/share/copyright"
rm -rf "$cache_dir/staging" "$cache_dir/download" "$apt_dir"

check_ptxas "$ptxas_bin" || die "extracted $ptxas_bin does not work"
printf 'package=%s\nversion=%s\nsuite=%s\ndeb_bytes=%s\n' "$pkg" "$version" "$suite" "$deb_size" >"$cache_dir/VERSION"
: >"$stamp"
log "ready: $("$ptxas_bin" --version | tail -n 2 | head -n 1)"
printf '%s\n' "$ptxas_bin"
