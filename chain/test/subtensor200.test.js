// Subtensor spec 200 (big-endian seal, pow-faucet build): the faucet, registration on a subnet
// where sudo enabled PoW, every refusal by name, wallet keyfile signers, `jobs` piped into the
// solver, and a node that goes away mid-run. One chain for the whole file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BTPOW, CLI, PACKAGE_DIR, SOLVER_ARGS, firstLine, runCli, skipReason, startChain } from './support/harness.js';

const skip = skipReason('subtensor200');
const WALLETS = join(PACKAGE_DIR, 'test', 'fixtures', 'wallets');
const WALLET_COLDKEY = '5G4CboZzmrYXnip8srZwfQzNmkJPdrKQKcypnN9waufCjTAe';

describe('subtensor spec 200 (be, pow-faucet)', { skip, concurrency: false, timeout: 900000 }, () => {
  let chain;
  let alice;
  let bob;
  before(async () => {
    chain = await startChain('subtensor200', 'Instant');
    alice = chain.keyring.addFromUri('//Alice');
    bob = chain.keyring.addFromUri('//Bob');
  });
  after(async () => { await chain?.stop(); });

  test('faucet claimed twice with rule be, events reported', { timeout: 180000 }, async () => {
    const r = await runCli(['faucet', '--node', chain.url, '--dev', 'Alice', '--rule', 'be', '--claims', '2', '--json', ...SOLVER_ARGS]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.attempts.length, 2);
    for (const a of r.attempts) {
      assert.equal(a.result, 'success');
      assert.equal(a.rule, 'be');
      assert.match(a.extrinsic, /^0x[0-9a-f]{64}$/);
      assert.ok(a.included_block_number > a.block && a.included_block_number - a.block < 3);
      assert.ok(a.events.some((e) => e.event === 'subtensorModule.Faucet'));
    }
    assert.match(r.stderr, /profile subtensor \(detected from runtime node-subtensor\)/);
  });

  test('the other byte order is refused as InvalidDifficulty, with the hint to try --rule be', { timeout: 180000 }, async () => {
    const r = await runCli(['faucet', '--node', chain.url, '--dev', 'Alice', '--rule', 'le', ...SOLVER_ARGS]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /refused: InvalidDifficulty: .*try --rule be/);
  });

  test('--rule auto: dry runs of two probe seals find the big-endian order, then the claim succeeds under be', { timeout: 180000 }, async () => {
    const r = await runCli(['faucet', '--node', chain.url, '--dev', 'Alice', '--rule', 'auto', '--json', ...SOLVER_ARGS]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /rule auto \(trying le first\)/);
    assert.match(r.stderr, /--rule auto: dry runs at block \d+ refused the probe seal that only rule le accepts as InvalidDifficulty, and answered InvalidSeal to the one that only rule be accepts: this chain uses rule be/);
    assert.equal(r.attempts.length, 1, r.stdout); // no rule-le solution was submitted
    assert.equal(r.attempts[0].result, 'success');
    assert.equal(r.attempts[0].rule, 'be');
  });

  test('work for another account than the signer is refused as InvalidSeal', { timeout: 180000 }, async () => {
    const r = await runCli(['faucet', '--node', chain.url, '--dev', 'Alice', '--rule', 'be', '--account', bob.address, '--json', ...SOLVER_ARGS]);
    assert.equal(r.code, 1);
    assert.equal(r.attempts.at(-1).error, 'InvalidSeal');
  });

  test('register on netuid 3 after sudo enables PoW: signed by the hotkey, another coldkey', { timeout: 180000 }, async () => {
    const { api } = chain;
    await chain.send(api.tx.sudo.sudo(api.tx.adminUtils.sudoSetNetworkPowRegistrationAllowed(3, true)), alice);
    await chain.send(api.tx.sudo.sudo(api.tx.adminUtils.sudoSetDifficulty(3, 1_000_000)), alice);
    const r = await runCli(['register', '--node', chain.url, '--netuid', '3', '--dev', 'Bob', '--coldkey', alice.address,
      '--rule', 'be', '--json', ...SOLVER_ARGS]);
    assert.equal(r.code, 0, r.stderr);
    const ok = r.attempts.at(-1);
    assert.equal(ok.account, bob.address);
    const reg = ok.events.find((e) => e.event === 'subtensorModule.NeuronRegistered');
    assert.ok(reg, JSON.stringify(ok.events));
    assert.equal(reg.data[2], bob.address);

    const again = await runCli(['register', '--node', chain.url, '--netuid', '3', '--dev', 'Bob', '--coldkey', alice.address,
      '--rule', 'be', ...SOLVER_ARGS]);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /refused: (AlreadyRegistered|HotKeyAlreadyRegisteredInSubNet): /);
  });

  // The fallback of --rule auto: the best block already holds netuid 3's one registration for a
  // block, so both probes are refused before the difficulty check (TooManyRegistrationsThisBlock).
  // The first submission, under le, goes into the next block and is refused InvalidDifficulty
  // there, and the order switches. (The interval's limit is raised first: the node's pool refuses
  // registrations beyond it, ExhaustsResources.)
  test('--rule auto: probes that tell nothing, then a refused submission switches to be', { timeout: 240000 }, async () => {
    const { api } = chain;
    assert.equal((await api.query.subtensorModule.maxRegistrationsPerBlock(3)).toNumber(), 1);
    await chain.send(api.tx.sudo.sudo(api.tx.adminUtils.sudoSetTargetRegistrationsPerInterval(3, 100)), alice);
    const first = await runCli(['register', '--node', chain.url, '--netuid', '3', '--dev', 'Dave', '--coldkey', alice.address,
      '--rule', 'be', ...SOLVER_ARGS]);
    assert.equal(first.code, 0, first.stderr);
    const r = await runCli(['register', '--node', chain.url, '--netuid', '3', '--dev', 'Eve', '--coldkey', alice.address,
      '--rule', 'auto', '--json', ...SOLVER_ARGS]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /--rule auto: dry runs at block \d+ answered TooManyRegistrationsThisBlock \(le probe\) and TooManyRegistrationsThisBlock \(be probe\)/);
    assert.match(r.stderr, /--rule auto: the runtime refused a rule-le seal as InvalidDifficulty: this chain uses rule be; solving again under it/);
    assert.deepEqual(r.attempts.map((a) => a.error), ['InvalidDifficulty', null], r.stdout);
    assert.match(r.attempts[0].explanation, /switching to rule be/);
    assert.equal(r.attempts[1].result, 'success');
    assert.equal(r.attempts[1].rule, 'be');
  });

  for (const kind of ['plain', 'encrypted']) {
    test(`faucet signed by a ${kind} wallet coldkey keyfile`, { timeout: 180000 }, async () => {
      const { api } = chain;
      if ((await api.query.system.account(WALLET_COLDKEY)).data.free.toBigInt() === 0n) {
        await chain.send(api.tx.balances.transferKeepAlive(WALLET_COLDKEY, 10_000_000_000n), alice);
      }
      const r = await runCli(['faucet', '--node', chain.url, '--wallet', kind, '--wallet-path', WALLETS,
        '--password-env', 'TEST_WALLET_PASSWORD', '--rule', 'be', '--json', ...SOLVER_ARGS],
      { env: { TEST_WALLET_PASSWORD: 'test password' } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.attempts.at(-1).account, WALLET_COLDKEY);
      assert.doesNotMatch(r.stdout + r.stderr, /test password/);
    });
  }

  test('work that aged out is refused as InvalidWorkBlock, then claimed on a fresh head', { timeout: 180000 }, async () => {
    await chain.rpc('dev_setBlockBuildMode', ['Manual']);
    let stale = false;
    const watch = setInterval(() => makeStale().catch(() => {}), 100);
    const makeStale = async () => {
      if (stale) return;
      const pending = await chain.api.rpc.author.pendingExtrinsics().catch(() => []);
      if (pending.length === 0) return;
      stale = true;
      // Two blocks without the transaction (each carries only a remark by Charlie), then the
      // one that executes it: age 3.
      const charlie = chain.keyring.addFromUri('//Charlie');
      const next = (await chain.api.rpc.system.accountNextIndex(charlie.address)).toNumber();
      for (let i = 0; i < 2; i += 1) {
        const remark = await chain.api.tx.system.remark('0x00').signAsync(charlie, { nonce: next + i });
        await chain.rpc('dev_newBlock', [{ transactions: [remark.toHex()] }]);
      }
      await chain.rpc('dev_newBlock', [{}]);
      await chain.rpc('dev_setBlockBuildMode', ['Instant']);
      // The retry may already wait in the pool; Instant mode builds only for new arrivals.
      setTimeout(() => chain.rpc('dev_newBlock', [{}]).catch(() => {}), 1500);
    };
    try {
      const r = await runCli(['faucet', '--node', chain.url, '--dev', 'Alice', '--rule', 'be', '--json', '--timeout', '60', ...SOLVER_ARGS]);
      assert.equal(r.attempts[0].error, 'InvalidWorkBlock', r.stdout + r.stderr);
      assert.match(r.stderr, /InvalidWorkBlock: .*trying again on a newer head/);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.attempts.at(-1).result, 'success');
    } finally {
      clearInterval(watch);
      await chain.rpc('dev_setBlockBuildMode', ['Instant']);
    }
  });

  test('jobs piped into btpow solve --jobs - gives a solution for the head', { timeout: 180000 }, async () => {
    const head = (await chain.api.rpc.chain.getHeader()).number.toNumber();
    const jobs = spawn(process.execPath, [CLI, 'jobs', '--node', chain.url, '--faucet', '--account', alice.address, '--rule', 'be'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const solve = spawn(BTPOW, ['solve', '--jobs', '-', '--json', '--backend', 'cpu', '--threads', '2', '--quiet'], { stdio: ['pipe', 'pipe', 'pipe'] });
    jobs.stdout.pipe(solve.stdin);
    try {
      const line = await firstLine(solve.stdout, 60000, 'a solution');
      const s = JSON.parse(line);
      assert.ok(s.block_number >= head);
      assert.equal(s.block_hash, (await chain.api.rpc.chain.getBlockHash(s.block_number)).toHex());
      assert.equal(s.rule, 'be');
      assert.match(s.faucet_call, /^0x073c/);
    } finally {
      jobs.kill('SIGKILL');
      solve.kill('SIGKILL');
    }
  });

  test('pow-register on spec 200: refused by name with the spec_version, exit 1, nothing submitted', { timeout: 120000 }, async () => {
    const r = await runCli(['pow-register', '--node', chain.url, '--netuid', '3', '--dev', 'Alice', '--hotkey', bob.address, ...SOLVER_ARGS]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /refused: PowRegisterUnavailable: this runtime \(node-subtensor spec_version 200\) has no subtensorModule\.powRegister .*use btpow-chain register/);
  });

  // Last: it ends the chain.
  test('a node that goes away and never comes back: reconnection tried, then exit 3 after --reconnect', { timeout: 180000 }, async () => {
    await chain.rpc('dev_setBlockBuildMode', ['Manual']);
    let killed = false;
    const r = await runCli(['faucet', '--node', chain.url, '--dev', 'Alice', '--rule', 'be', '--difficulty', '1000000000000000',
      '--reconnect', '4', ...SOLVER_ARGS],
    {
      timeoutMs: 60000,
      onStderr: (text) => { if (!killed && /solving/.test(text)) { killed = true; chain.kill(); } },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /lost the connection to the node at .*; reconnecting \(for up to 4 s\)/);
    assert.match(r.stderr, /did not come back within 4 s \(--reconnect\)/);
  });
});
