#!/usr/bin/env bash
# Fails when a C, C++ or CUDA source that git tracks differs from what clang-format makes of it
# (.clang-format at the root). Run by the test command before it builds; to fix a change, run
#   git ls-files '*.c' '*.h' '*.cpp' '*.hpp' '*.cu' | xargs clang-format -i
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/deps.sh"
btpow_install_packages clang-format
cd "$here/.."
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp' '*.cu')
if ! clang-format --dry-run -Werror "${files[@]}"; then
    echo "btpow: these sources are not formatted; run clang-format -i on them (see .clang-format)" >&2
    exit 1
fi
echo "btpow: ${#files[@]} sources formatted as .clang-format says" >&2
