#!/usr/bin/env node
// btpow-chain: claims the proof-of-work faucet or registers hotkeys (register, pow-register) on a
// subtensor (or Torus) node, with the btpow solver (or any job-feed solver) doing the work.
import { parseArgs, USAGE } from '../src/args.js';
import { EXIT, UsageError, FailureError } from '../src/errors.js';

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
    // Loaded only now: @polkadot/api takes about half a second to load, which --help and bad
    // flags need not wait for.
    const { runClaims, runJobs, runPowRegister } = await import('../src/client.js');
    if (command === 'jobs') return await runJobs(options);
    if (command === 'pow-register') return await runPowRegister(options);
    return await runClaims(command, options);
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
