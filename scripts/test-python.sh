#!/usr/bin/env bash
# The Python and C-interface suite, on what a user installs: pip-installs the package into a fresh
# virtual environment (reusing the CMake build directory $1, so nothing is compiled twice), runs
# pytest against the installed copy from outside the source tree, solves the demo job with
# python/examples/solve_demo.py, installs the build into a scratch prefix and builds
# examples/embed.c as strict C99 against libbtpow.so through pkg-config, and checks that the
# shared library exports only the C interface. Exits non-zero on the first failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
source "$here/deps.sh"
btpow_install_deps
build=$(cd "${1:-$root/build}" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

btpow_python_venv "$work" "$build"

cd "$work"  # away from python/, so that only the installed copy can be imported
"$work/venv/bin/python" -c 'import btpow, sys; sys.exit("site-packages" not in btpow.__file__)'
BTPOW_TEST_DATA="$root/tests/data" BTPOW_SOURCE_ROOT="$root" "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/python"
"$work/venv/bin/python" "$root/python/examples/solve_demo.py"

echo "btpow: building examples/embed.c against the installed libbtpow.so" >&2
cmake --install "$build" --prefix "$work/prefix" >/dev/null
pc_dir=$(dirname "$(find "$work/prefix" -name btpow.pc | head -n 1)")
export PKG_CONFIG_PATH="$pc_dir"
libdir=$(pkg-config --variable=libdir btpow)
cc -std=c99 -Wall -Wextra -Werror -pedantic "$root/examples/embed.c" $(pkg-config --cflags --libs btpow) \
    -Wl,-rpath,"$libdir" -o "$work/embed"
"$work/embed"

exported=$(nm -D --defined-only "$libdir/libbtpow.so" | awk '{print $3}' | grep -v '^btpow_' | grep -v '^BTPOW_' || true)
if [ -n "$exported" ]; then
    echo "btpow: libbtpow.so exports more than the C interface: $exported" >&2
    exit 1
fi
echo "btpow: python suite passed (pytest, solve_demo.py, embed.c via pkg-config, exports of $(readelf -d "$libdir/libbtpow.so" | sed -n 's/.*soname: \[\(.*\)\]/\1/p'))" >&2
