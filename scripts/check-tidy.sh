#!/usr/bin/env bash
# clang-tidy (.clang-tidy at the root) over the library's and the CLI's host sources, using the
# compile commands of a configured build:
#   scripts/check-tidy.sh BUILD_DIR [FILE...]
# Prints every finding and fails when there is one. Not part of the test command (it takes some
# minutes on two cores); run it before a change that touches the library or the CLI.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/deps.sh"
btpow_install_packages clang-tidy
build=${1:?usage: scripts/check-tidy.sh BUILD_DIR [FILE...]}
shift
cd "$here/.."
if [ ! -f "$build/compile_commands.json" ]; then
    cmake -S . -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >&2
fi
# clang does not know some of gcc's tuning flags (lib/cpu/sources.cmake): a copy of the compile
# commands without them.
commands=$(mktemp -d)
trap 'rm -rf "$commands"' EXIT
sed -e 's/ -fsched-pressure//g' -e 's/ -fschedule-insns//g' "$build/compile_commands.json" >"$commands/compile_commands.json"
if (($#)); then files=("$@"); else mapfile -t files < <(git ls-files 'lib/*.cpp' 'examples/cli/*.cpp'); fi
out=$(clang-tidy -p "$commands" --quiet "${files[@]}" 2>/dev/null || true)
if grep -q ': warning: \|: error: ' <<<"$out"; then
    echo "$out"
    echo "btpow: clang-tidy findings above" >&2
    exit 1
fi
echo "btpow: clang-tidy: no findings in ${#files[@]} files" >&2
