#!/usr/bin/env node
// A small solver that speaks btpow's job feed (`--jobs - --json`: job lines in, solution lines
// out) in JavaScript, for the tests of --solver (any job-feed command) and of a solver that is
// slow or answers errors.
// Brute force from nonce 0: only for difficulties solved in a few thousand hashes.
// Env: JS_SOLVER_DELAY_MS delays each solution (a slow solver); JS_SOLVER_FAIL=1 answers every
// job line with an error object.
import { createInterface } from 'node:readline';
import { oldSeal, passes, v1Prefix, v1Seal } from './seals.js';

const delay = Number(process.env.JS_SOLVER_DELAY_MS ?? 0);
let current = 0;
const hex = (b) => `0x${Buffer.from(b).toString('hex')}`;

async function solve(job, id) {
  const v1 = job.seal === 'v1';
  const d = BigInt(job.difficulty);
  const rule = v1 ? 'le' : (job.rule ?? 'le');
  const prefix = v1 ? v1Prefix({ netuid: job.netuid, blockHash: job.block_hash, hotkey: job.hotkey, coldkey: job.coldkey }) : null;
  let found = 0;
  const started = performance.now();
  for (let nonce = 0n; found < (job.count ?? 1); nonce += 1n) {
    if (nonce % 500n === 0n) {
      await new Promise((r) => setImmediate(r));
      if (id !== current) return; // replaced by a newer job
    }
    const seal = v1 ? v1Seal(prefix, nonce) : oldSeal({ blockHash: job.block_hash, account: job.account }, nonce);
    if (!passes(seal, d, rule)) continue;
    found += 1;
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (id !== current) return;
    const common = {
      block_number: job.block_number, block_hash: job.block_hash, nonce: nonce.toString(), seal: hex(seal), rule,
      difficulty: job.difficulty, hashes: (nonce + 1n).toString(), seconds: (performance.now() - started) / 1000, backend: 'js',
    };
    const line = v1
      ? { seal_kind: 'v1', ...common, work_block: job.block_number, netuid: job.netuid, hotkey: hex(prefix.subarray(59, 91)), coldkey: hex(prefix.subarray(91, 123)), work: hex(seal) }
      : { seal_kind: 'old', ...common, account: job.account };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

createInterface({ input: process.stdin }).on('line', (text) => {
  if (!text.trim()) return;
  let job;
  try {
    job = JSON.parse(text);
  } catch {
    process.stdout.write(`${JSON.stringify({ error: 'not JSON' })}\n`);
    return;
  }
  if (process.env.JS_SOLVER_FAIL === '1') {
    process.stdout.write(`${JSON.stringify({ error: 'refused by request' })}\n`);
    return;
  }
  current += 1;
  process.stderr.write(`js-solver: job for block ${job.block_number} (${job.seal ?? 'old'}, d = ${job.difficulty})\n`);
  solve(job, current).catch((e) => process.stderr.write(`js-solver: ${e.message}\n`));
}).on('close', () => process.exit(0));
