#!/usr/bin/env node
// pow-register's per-head work before the solver gets the job (docs/protocol.md §10's reads, all at the new
// head's hash, and the decision), on subtensor spec 293 (chopsticks, Manual blocks, netuid 1):
// the time from a new head's notification to its v1 job being ready, over K heads.
// Usage: node bench/pow-reads.js [K]
import { skipReason, startChain } from '../test/support/harness.js';
import { accountHex, headDecision, readPowState } from '../src/powregister.js';

const k = Number(process.argv[2] ?? 20);
const reason = skipReason('subtensor293');
if (reason) { console.error(reason); process.exit(1); }
const chain = await startChain('subtensor293', 'Manual');
const { api } = chain;
const alice = chain.keyring.addFromUri('//Alice');
const hotkey = chain.keyring.addFromUri('//Ferdie').address;
const times = [];
let decision;
try {
  await new Promise((resolve, reject) => {
    let unsub;
    api.rpc.chain.subscribeNewHeads(async (header) => {
      const arrived = performance.now();
      const reads = await readPowState(api, header.hash.toHex(), 1, hotkey);
      decision = headDecision(reads, { number: header.number.toNumber(), netuid: 1, coldkeyHex: accountHex(alice.address) });
      times.push(performance.now() - arrived);
      if (times.length > k) { unsub?.(); resolve(); } else chain.rpc('dev_newBlock', [{}]).catch(reject);
    }).then((u) => { unsub = u; }, reject);
  });
  times.shift(); // the first head's reads also fetch the runtime's metadata for api.at
  const v = times.sort((a, b) => a - b);
  const q = (p) => Math.round(v[Math.min(v.length - 1, Math.floor(p * v.length))]);
  console.log(JSON.stringify({ heads: v.length, head_to_job_ms: { median: q(0.5), p90: q(0.9), min: Math.round(v[0]), max: Math.round(v.at(-1)) }, decision: String(decision.solve ?? JSON.stringify(decision)) }));
} finally {
  await chain.stop();
}
process.exit(0);
