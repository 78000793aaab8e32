#!/usr/bin/env node
// Latency of the faucet flow on a chopsticks chain (spec 200, Instant block mode): for K claims,
// the time from a head's arrival to submission (solve + sign) and from submission to inclusion.
// Usage: BTPOW_BIN=… node bench/latency.js [K] [extra btpow-chain options…]
import { SOLVER_ARGS, runCli, skipReason, startChain } from '../test/support/harness.js';

const [k = '20', ...extra] = process.argv.slice(2);
const reason = skipReason('subtensor200');
if (reason) { console.error(reason); process.exit(1); }
const chain = await startChain('subtensor200', 'Instant');
try {
  const r = await runCli(['faucet', '--node', chain.url, '--dev', 'Alice', '--rule', 'be', '--claims', k, '--json',
    '--timeout', '600', ...SOLVER_ARGS, ...extra], { timeoutMs: 700000 });
  const ok = r.attempts.filter((a) => a.result === 'success');
  const stats = (key) => {
    const v = ok.map((a) => a[key]).sort((x, y) => x - y);
    const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
    return { median: q(0.5), p90: q(0.9), min: v[0], max: v.at(-1) };
  };
  const ages = ok.map((a) => a.included_block_number - a.block);
  console.log(JSON.stringify({
    claims: ok.length, attempts: r.attempts.length, exit: r.code,
    head_to_submit_ms: stats('head_to_submit_ms'), submit_to_inclusion_ms: stats('submit_to_inclusion_ms'),
    included_at_age: { 1: ages.filter((a) => a === 1).length, 2: ages.filter((a) => a === 2).length },
  }));
} finally {
  await chain.stop();
}
process.exit(0);
