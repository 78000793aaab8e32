// Subtensor spec 293 (today's little-endian seal, no pow-faucet): registration signed by a hotkey
// for another coldkey, and the faucet refused by name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SOLVER_ARGS, runCli, skipReason, startChain } from './support/harness.js';

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

  test('the faucet is refused as FaucetDisabled, with what to do', { timeout: 180000 }, async () => {
    const r = await runCli(['faucet', '--node', chain.url, '--dev', 'Alice', ...SOLVER_ARGS]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /refused: FaucetDisabled: .*pow-faucet/);
  });
});
