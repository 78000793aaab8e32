#!/usr/bin/env bash
# The main job on a built-in demo: installs what is missing, builds, solves the faucet puzzle
# (d = 10^6, rule le) for a fixed block and Alice's account, then verifies the answer.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/deps.sh"
btpow_install_deps
build=${BTPOW_BUILD_DIR:-$here/../build}
btpow_build "$build" -DBTPOW_BUILD_TESTS=OFF -DBTPOW_BUILD_BENCH=OFF -DBTPOW_BUILD_EXAMPLES=ON -UBTPOW_CUDA_ARCHITECTURES
btpow="$build/examples/btpow"

block_hash=0x0000000000000000000000000000000000000000000000000000000000000000
account=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY
solution=$("$btpow" solve --block-hash "$block_hash" --block-number 0 --account "$account" \
    --difficulty 1000000 --rule le --json --timeout 600)
echo "$solution"
nonce=$(echo "$solution" | sed -n 's/.*"nonce":"\([0-9]*\)".*/\1/p' | head -n 1)
"$btpow" verify --block-hash "$block_hash" --account "$account" --nonce "$nonce" \
    --difficulty 1000000 --rule le
