#!/usr/bin/env node
// btpow-chain: claims the proof-of-work faucet or registers a hotkey on a subtensor (or Torus)
// node, with the btpow solver doing the work.
import { parseArgs, USAGE } from '../src/args.js';
import { EXIT, UsageError, FailureError } from '../src/errors.js';
import { runClaims, runJobs } from '../src/client.js';

async function main() {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`btpow-chain: ${e.message} (btpow-chain --help lists the options)\n`);
      return EXIT.badInput;
    }
    throw e;
  }
  const { command, options } = parsed;
  if (command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.done;
  }
  try {
    return command === 'jobs' ? await runJobs(options) : await runClaims(command, options);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`btpow-chain: ${e.message}\n`);
      return EXIT.badInput;
    }
    if (e instanceof FailureError) {
      process.stderr.write(`btpow-chain: ${e.message}\n`);
      return EXIT.nodeOrSolver;
    }
    process.stderr.write(`btpow-chain: unexpected failure: ${e?.message ?? e}\n`);
    return EXIT.nodeOrSolver;
  }
}

main().then((code) => process.exit(code), () => process.exit(EXIT.nodeOrSolver));
