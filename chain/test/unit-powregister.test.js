// pow-register's decisions over plain values (docs/protocol.md §10): the difficulty bounds, the work-block
// window, the hotkey's last PoW block, the per-block limit, the re-check before submitting; the v1
// job line checked against an independent computation; the call built as the chain's own test
// builds it; the JS test solver against docs/protocol.md §10's vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import {
  headDecision, lastPowAllows, miningDifficulty, powRegisterCall, stillPasses, workBlockUsable, accountHex,
} from '../src/powregister.js';
import { jobLine } from '../src/solver.js';
import { explain } from '../src/errors.js';
import { PACKAGE_DIR } from './support/harness.js';
import { passes, v1Prefix, v1Seal } from './support/seals.js';

const U64_MAX = (1n << 64n) - 1n;
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const reads = (over = {}) => ({
  subnetExists: true, registrationAllowed: true, powAllowed: true, difficulty: 10_000n, minDifficulty: 0n, maxDifficulty: 0n,
  uid: null, lastPowBlock: null, registrationsThisBlock: 0, maxRegistrationsPerBlock: 1, maxAllowedUids: 256, owner: null, ...over,
});

test('miningDifficulty: the SDK\'s clamp and the runtime\'s max(Difficulty, 1), the larger of the two', () => {
  assert.equal(miningDifficulty({ difficulty: 500n, minDifficulty: 0n, maxDifficulty: 0n }), 500n);
  assert.equal(miningDifficulty({ difficulty: 0n, minDifficulty: 0n, maxDifficulty: 0n }), 1n);
  assert.equal(miningDifficulty({ difficulty: 500n, minDifficulty: 1000n, maxDifficulty: 0n }), 1000n); // raised to the minimum
  assert.equal(miningDifficulty({ difficulty: 5000n, minDifficulty: 0n, maxDifficulty: 1000n }), 5000n); // capped by max for the SDK, but the runtime wants 5000
  assert.equal(miningDifficulty({ difficulty: 0n, minDifficulty: 0n, maxDifficulty: 0n }) <= U64_MAX, true);
  assert.equal(miningDifficulty({ difficulty: U64_MAX, minDifficulty: 0n, maxDifficulty: 0n }), U64_MAX);
});

test('the work-block window: now − work_block in 1…2, and the hotkey\'s last PoW block below the work block', () => {
  assert.ok(workBlockUsable(10, 11));
  assert.ok(workBlockUsable(10, 12));
  assert.ok(!workBlockUsable(10, 13));
  assert.ok(!workBlockUsable(10, 10));
  assert.ok(lastPowAllows(null, 10));
  assert.ok(lastPowAllows(9, 10));
  assert.ok(!lastPowAllows(10, 10));
  assert.ok(!lastPowAllows(11, 10));
});

test('headDecision: each of docs/protocol.md §10\'s checks that storage can tell, in order', () => {
  const at = { number: 20, netuid: 3, coldkeyHex: accountHex(ALICE) };
  assert.deepEqual(headDecision(reads(), at), { solve: 10_000n, note: undefined });
  assert.deepEqual(headDecision(reads(), { ...at, netuid: 0 }), { refuse: { error: 'RegistrationNotPermittedOnRootSubnet' } });
  assert.deepEqual(headDecision(reads({ subnetExists: false }), at), { refuse: { error: 'SubnetNotExists' } });
  assert.deepEqual(headDecision(reads({ powAllowed: false }), at), { refuse: { error: 'SubNetRegistrationDisabled' } });
  assert.deepEqual(headDecision(reads({ registrationAllowed: false }), at), { refuse: { error: 'SubNetRegistrationDisabled' } });
  assert.deepEqual(headDecision(reads({ uid: 4 }), at), { skip: { error: 'HotKeyAlreadyRegisteredInSubNet' } });
  assert.deepEqual(headDecision(reads({ maxAllowedUids: 0 }), at), { refuse: { error: 'NoNeuronIdAvailable' } });
  assert.deepEqual(headDecision(reads({ maxRegistrationsPerBlock: 0 }), at), { refuse: { error: 'TooManyRegistrationsThisBlock' } });
  assert.ok(headDecision(reads({ lastPowBlock: 20 }), at).wait);
  assert.equal(headDecision(reads({ lastPowBlock: 19 }), at).solve, 10_000n);
  assert.deepEqual(headDecision(reads({ owner: accountHex(BOB) }), at), { skip: { error: 'NonAssociatedColdKey' } });
  assert.equal(headDecision(reads({ owner: accountHex(ALICE) }), at).solve, 10_000n);
  assert.equal(headDecision(reads({ owner: `0x${'00'.repeat(32)}` }), at).solve, 10_000n);
  // The per-block count is the head's own block: solve anyway, the call lands in a later one.
  assert.match(headDecision(reads({ registrationsThisBlock: 1 }), at).note, /took its 1 registration/);
  // Disabled wins over already registered, as in the runtime's order.
  assert.deepEqual(headDecision(reads({ powAllowed: false, uid: 1 }), at), { refuse: { error: 'SubNetRegistrationDisabled' } });
});

test('every refusal of docs/protocol.md §10 is named with what to do', () => {
  const names = ['RegistrationNotPermittedOnRootSubnet', 'SubnetNotExists', 'SubNetRegistrationDisabled', 'HotKeyAlreadyRegisteredInSubNet',
    'NoNeuronIdAvailable', 'TooManyRegistrationsThisBlock', 'InvalidWorkBlock', 'InvalidSeal', 'InvalidDifficulty',
    'CannotUseSystemAccount', 'NonAssociatedColdKey', 'TooManyStakingHotkeys', 'PowRegisterUnavailable'];
  for (const name of names) assert.notEqual(explain(name), 'refused by the runtime; see the error name', name);
  assert.match(explain('SubNetRegistrationDisabled'), /subnet owner must enable/);
  assert.match(explain('NonAssociatedColdKey'), /belongs to another coldkey/);
  assert.match(explain('InvalidWorkBlock'), /newest head/);
  assert.match(explain('TooManyRegistrationsThisBlock'), /later head/);
  assert.match(explain('PowRegisterUnavailable'), /btpow-chain register/);
});

test('the re-check: a seal found at d passes or fails the newest difficulty, rule le only', () => {
  const seal = `0x${'00'.repeat(31)}01`; // LE value 2^248: passes d ≤ 255
  assert.ok(stillPasses(seal, 255n));
  assert.ok(!stillPasses(seal, 256n));
});

test('a v1 job line: the keys the solver takes, and the payload an independent computation builds from it', () => {
  const job = JSON.parse(jobLine({ seal: 'v1', blockNumber: 7, blockHash: `0x${'ab'.repeat(32)}`, netuid: 3, hotkey: BOB, coldkey: ALICE, difficulty: 1000n, count: 1 }));
  assert.deepEqual(Object.keys(job).sort(), ['block_hash', 'block_number', 'coldkey', 'count', 'difficulty', 'hotkey', 'netuid', 'seal']);
  assert.equal(job.seal, 'v1');
  assert.equal(job.difficulty, '1000');
  const prefix = v1Prefix({ netuid: job.netuid, blockHash: job.block_hash, hotkey: job.hotkey, coldkey: job.coldkey });
  assert.equal(prefix.length, 123);
  assert.equal(prefix.subarray(25, 27).toString('hex'), '0300');
  assert.equal(`0x${prefix.subarray(91, 123).toString('hex')}`, accountHex(ALICE));
});

test('the call is built as the chain\'s own test builds it: powRegister(netuid, work_block, nonce, work, hotkey)', () => {
  const calls = [];
  const api = { tx: { subtensorModule: { powRegister: (...args) => { calls.push(args); return 'tx'; } } } };
  const work = `0x${'11'.repeat(32)}`;
  assert.equal(powRegisterCall(api, { netuid: 3, hotkey: BOB }, { blockNumber: 41, nonce: 99n, seal: work }), 'tx');
  assert.deepEqual(calls, [[3, 41, 99n, work, BOB]]);
});

test('the JS test solver matches docs/protocol.md §10\'s vectors and finds a seal that passes', { timeout: 30000 }, async () => {
  const prefix = Buffer.concat([Buffer.from('subtensor-pow-register-v1'), Buffer.from([1, 0]), Buffer.alloc(32, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3)]);
  assert.equal(v1Seal(prefix, 0n).toString('hex'), '7cdaced691a70795a7656ad9b76ef2c16b961686a14a790bcb22eed6226ef103');
  assert.equal(v1Seal(prefix, 1n).toString('hex'), 'c2291b632879447b6fe0785b0f25b5151c85a7e07df23a7860cf029e8a03f466');
  assert.equal(v1Seal(prefix, U64_MAX).toString('hex'), '69f1aef50783893195365b4fb62a4745085c31fee525a0984bc20301ab377aaf');
  const child = spawn(process.execPath, [join(PACKAGE_DIR, 'test', 'support', 'js-solver.js')], { stdio: ['pipe', 'pipe', 'ignore'] });
  const job = { seal: 'v1', block_number: 5, block_hash: `0x${'01'.repeat(32)}`, netuid: 1, hotkey: `0x${'02'.repeat(32)}`, coldkey: `0x${'03'.repeat(32)}`, difficulty: '500', count: 1 };
  child.stdin.write(`${JSON.stringify(job)}\n`);
  const line = await new Promise((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  child.kill();
  const s = JSON.parse(line);
  assert.equal(s.seal_kind, 'v1');
  assert.equal(s.work, `0x${v1Seal(prefix, BigInt(s.nonce)).toString('hex')}`);
  assert.ok(passes(Buffer.from(s.work.slice(2), 'hex'), 500n));
});

test('--solver: the Solver drives any job-feed command; a v1 solution line becomes a solution with the work as its seal', { timeout: 30000 }, async () => {
  const { Solver } = await import('../src/solver.js');
  const solver = new Solver({ command: [process.execPath, join(PACKAGE_DIR, 'test', 'support', 'js-solver.js')] });
  await solver.start();
  try {
    const got = new Promise((resolve) => solver.once('solution', resolve));
    solver.submit({ seal: 'v1', blockNumber: 9, blockHash: `0x${'07'.repeat(32)}`, netuid: 2, hotkey: BOB, coldkey: ALICE, difficulty: 300n });
    const s = await got;
    assert.equal(s.kind, 'v1');
    assert.equal(s.blockNumber, 9);
    assert.equal(s.hotkey, accountHex(BOB));
    assert.equal(s.coldkey, accountHex(ALICE));
    const prefix = v1Prefix({ netuid: 2, blockHash: `0x${'07'.repeat(32)}`, hotkey: BOB, coldkey: ALICE });
    assert.equal(s.seal, `0x${v1Seal(prefix, s.nonce).toString('hex')}`);
  } finally {
    await solver.stop();
  }
});
