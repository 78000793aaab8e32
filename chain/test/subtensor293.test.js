// Subtensor spec 293 (today's little-endian seal, no pow-faucet): registration signed by a hotkey
// for another coldkey, and the faucet refused by name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BTPOW, CLI, PACKAGE_DIR, SOLVER_ARGS, firstLine, runCli, skipReason, startChain } from './support/harness.js';
import { passes, v1Prefix, v1Seal } from './support/seals.js';

const JS_SOLVER = join(PACKAGE_DIR, 'test', 'support', 'js-solver.js');

const skip = skipReason('subtensor293');

describe('subtensor spec 293 (le, register only)', { skip, concurrency: false, timeout: 600000 }, () => {
  let chain;
  let alice;
  before(async () => {
    chain = await startChain('subtensor293', 'Instant');
    alice = chain.keyring.addFromUri('//Alice');
  });
  after(async () => { await chain?.stop(); });

  test('register on netuid 1 with rule le (the default): NeuronRegistered for the hotkey', { timeout: 240000 }, async () => {
    const r = await runCli(['register', '--node', chain.url, '--netuid', '1', '--dev', 'Bob', '--coldkey', alice.address, '--json',
      '--timeout', '200', ...SOLVER_ARGS], { timeoutMs: 230000 });
    assert.equal(r.code, 0, r.stderr);
    const ok = r.attempts.at(-1);
    assert.equal(ok.rule, 'le');
    assert.ok(ok.events.some((e) => e.event === 'subtensorModule.NeuronRegistered'), JSON.stringify(ok.events));
    assert.match(r.stderr, /d = 10000000/); // the subnet's difficulty, read from storage
  });

  // Right after the registration above, the best block's state has no registration left for this
  // block, so the probes are refused before the difficulty check and tell nothing.
  test('--rule auto: probes that tell nothing, then the first submission settles le', { timeout: 240000 }, async () => {
    const r = await runCli(['register', '--node', chain.url, '--netuid', '1', '--dev', 'Charlie', '--coldkey', alice.address,
      '--rule', 'auto', '--json', '--timeout', '200', ...SOLVER_ARGS], { timeoutMs: 230000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /--rule auto: dry runs at block \d+ answered TooManyRegistrationsThisBlock \(le probe\) and TooManyRegistrationsThisBlock \(be probe\), which does not tell the order/);
    assert.match(r.stderr, /--rule auto: the runtime accepted a rule-le seal that fails rule be: this chain uses rule le/);
    assert.equal(r.attempts.at(-1).rule, 'le');
    assert.ok(r.attempts.at(-1).events.some((e) => e.event === 'subtensorModule.NeuronRegistered'));
  });

  test('--rule auto: on a fresh block the probes find the little-endian order', { timeout: 240000 }, async () => {
    await chain.rpc('dev_newBlock', [{}]);
    const r = await runCli(['register', '--node', chain.url, '--netuid', '1', '--dev', 'Dave', '--coldkey', alice.address,
      '--rule', 'auto', '--json', '--timeout', '200', ...SOLVER_ARGS], { timeoutMs: 230000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /--rule auto: dry runs at block \d+ refused the probe seal that only rule be accepts as InvalidDifficulty, and answered InvalidSeal to the one that only rule le accepts: this chain uses rule le/);
    assert.equal(r.attempts.length, 1, r.stdout);
    assert.equal(r.attempts[0].rule, 'le');
  });

  test('pow-register on spec 293: refused by name with the spec_version, pointed to register, exit 1, nothing submitted', { timeout: 120000 }, async () => {
    const bob = chain.keyring.addFromUri('//Bob');
    const r = await runCli(['pow-register', '--node', chain.url, '--netuid', '1', '--dev', 'Alice', '--hotkey', bob.address, '--json',
      '--solver', `${process.execPath} ${JS_SOLVER}`]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /PowRegisterUnavailable: this runtime \(node-subtensor spec_version 293\) has no subtensorModule\.powRegister .*use btpow-chain register.*; nothing submitted/);
    assert.equal(r.attempts.length, 1);
    assert.equal(r.attempts[0].error, 'PowRegisterUnavailable');
    assert.equal(r.attempts[0].extrinsic, undefined);
  });

  test('jobs --pow-register: v1 job lines from the chain\'s real heads, solved and checked by an independent computation', { timeout: 180000 }, async () => {
    const { api } = chain;
    const bob = chain.keyring.addFromUri('//Bob');
    const difficulty = BigInt((await api.query.subtensorModule.difficulty(1)).toString());
    // The chain's own difficulty first, then a small one the JS solver finds in a moment.
    const lines = async (extra) => {
      const jobs = spawn(process.execPath, [CLI, 'jobs', '--node', chain.url, '--pow-register', '--netuid', '1', '--hotkey', bob.address,
        '--coldkey', alice.address, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
      await chain.rpc('dev_newBlock', [{}]).catch(() => {});
      return { jobs, first: await firstLine(jobs.stdout, 60000, 'a job line') };
    };
    const a = await lines([]);
    a.jobs.kill('SIGKILL');
    const job = JSON.parse(a.first);
    assert.deepEqual(Object.keys(job).sort(), ['block_hash', 'block_number', 'coldkey', 'count', 'difficulty', 'hotkey', 'netuid', 'seal']);
    assert.equal(job.seal, 'v1');
    assert.equal(job.block_hash, (await api.rpc.chain.getBlockHash(job.block_number)).toHex());
    assert.equal(job.hotkey, bob.address);
    assert.equal(job.coldkey, alice.address);
    assert.equal(BigInt(job.difficulty), difficulty > 0n ? difficulty : 1n);

    const solver = [BTPOW, 'solve', '--jobs', '-', '--json', '--backend', 'cpu', '--threads', '2', '--quiet'];
    const b = await lines(['--difficulty', '0x200']);
    const solve = spawn(solver[0], solver.slice(1), { stdio: ['pipe', 'pipe', 'ignore'] });
    try {
      solve.stdin.write(`${b.first}\n`);
      const s = JSON.parse(await firstLine(solve.stdout, 60000, 'a solution'));
      const j = JSON.parse(b.first);
      const prefix = v1Prefix({ netuid: j.netuid, blockHash: j.block_hash, hotkey: j.hotkey, coldkey: j.coldkey });
      const seal = v1Seal(prefix, BigInt(s.nonce));
      assert.equal(s.seal_kind, 'v1');
      assert.equal(s.work ?? s.seal, `0x${seal.toString('hex')}`);
      assert.ok(passes(seal, 0x200n, 'le'));
    } finally {
      b.jobs.kill('SIGKILL');
      solve.kill('SIGKILL');
    }
  });

  test('the faucet is refused as FaucetDisabled, with what to do', { timeout: 180000 }, async () => {
    const r = await runCli(['faucet', '--node', chain.url, '--dev', 'Alice', ...SOLVER_ARGS]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /refused: FaucetDisabled: .*pow-faucet/);
  });
});
