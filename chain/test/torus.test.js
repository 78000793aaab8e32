// Torus runtime 23: the unsigned testnet faucet (big-endian, the account as its `key` argument),
// chosen as a chain profile.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SOLVER_ARGS, runCli, skipReason, startChain } from './support/harness.js';

const skip = skipReason('torus23');

describe('torus runtime 23 (be, unsigned faucet)', { skip, concurrency: false, timeout: 600000 }, () => {
  let chain;
  before(async () => { chain = await startChain('torus23', 'Instant'); });
  after(async () => { await chain?.stop(); });

  test('faucet --chain torus claims for a fresh key, unsigned', { timeout: 180000 }, async () => {
    const key = chain.keyring.addFromUri('//btpow-chain-torus-test').address;
    const r = await runCli(['faucet', '--chain', 'torus', '--node', chain.url, '--account', key, '--json', ...SOLVER_ARGS]);
    assert.equal(r.code, 0, r.stderr);
    const ok = r.attempts.at(-1);
    assert.equal(ok.profile, 'torus');
    assert.equal(ok.rule, 'be');
    assert.ok(ok.events.some((e) => e.event === 'faucet.Faucet'), JSON.stringify(ok.events));
    assert.match(r.stderr, /profile torus/);
    assert.match(r.stderr, /unsigned/);
    const free = (await chain.api.query.system.account(key)).data.free.toBigInt();
    assert.equal(free, 50n * 10n ** 18n);
  });

  test('the profile is detected from the runtime; le work is refused as InvalidDifficulty', { timeout: 180000 }, async () => {
    const key = chain.keyring.addFromUri('//btpow-chain-torus-test-2').address;
    const r = await runCli(['faucet', '--node', chain.url, '--account', key, '--rule', 'le', ...SOLVER_ARGS]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /profile torus \(detected from runtime torus-runtime\)/);
    assert.match(r.stdout, /refused: InvalidDifficulty: .*try --rule be/);
  });

  test('--rule auto on the unsigned faucet: the probes confirm the profile\'s big-endian order', { timeout: 180000 }, async () => {
    const key = chain.keyring.addFromUri('//btpow-chain-torus-test-3').address;
    const r = await runCli(['faucet', '--node', chain.url, '--account', key, '--rule', 'auto', '--json', ...SOLVER_ARGS]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /rule auto \(trying be first\)/);
    assert.match(r.stderr, /--rule auto: dry runs at block \d+ refused the probe seal that only rule le accepts as InvalidDifficulty, and answered InvalidSeal to the one that only rule be accepts: this chain uses rule be/);
    assert.equal(r.attempts.at(-1).rule, 'be');
    assert.equal(r.attempts.at(-1).result, 'success');
  });
});
