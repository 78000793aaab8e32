// The claim loop without a chain: which head is current, how --rule auto settles (probes, then a
// submission's verdict), the retry rules, a solution waiting while one is in flight, and
// pow-register's skip and re-check. The solver and the submitter are fakes over plain values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ClaimLoop, nextStep } from '../src/claims.js';
import { Heads } from '../src/heads.js';
import { RuleChoice, probeSeals } from '../src/rules.js';
import { EXIT, RETRYABLE, POW_RETRYABLE } from '../src/errors.js';

const D = 1_000_000n;
const SEALS = probeSeals(D); // SEALS.le passes only rule le, SEALS.be only rule be
const hash = (n) => `0x${n.toString(16).padStart(64, '0')}`;

class FakeSolver extends EventEmitter {
  constructor() { super(); this.jobs = []; }
  submit(job) { this.jobs.push(job); }
}

/** A loop over fakes; outcomes: a list of record fields (or functions of the solution) the submitter answers in turn. */
function makeLoop({ rule = 'le', outcomes = [], probe = null, wanted = 1, target: extra = {} } = {}) {
  const solver = new FakeSolver();
  const reports = [];
  const logs = [];
  const submitted = [];
  let ended = null;
  let counted = 0;
  const endedP = new Promise((resolve) => {
    ended = (code, message) => { resolve({ code, message }); };
  });
  const target = {
    command: 'faucet', profile: 'subtensor', workAccount: () => 'ALICE', retryable: RETRYABLE,
    prepare: async () => ({ difficulty: D }),
    job: (head, r) => ({ blockNumber: head.number, blockHash: head.hash, difficulty: head.difficulty, rule: r }),
    counted: () => (++counted >= wanted ? EXIT.done : null),
    ...extra,
  };
  const loop = new ClaimLoop({
    target, solver, rules: new RuleChoice(rule, 'le'), probe,
    submit: async (s, record) => {
      submitted.push(s);
      const next = outcomes.shift() ?? { result: 'success' };
      Object.assign(record, typeof next === 'function' ? await next(s) : next, { extrinsic: '0x01' });
      return record;
    },
    report: (r) => reports.push(r), log: (t) => logs.push(t),
    end: (code, message) => { loop.stop(); ended(code, message); },
  });
  return { loop, solver, reports, logs, submitted, ended: endedP };
}

const solution = (n, rule, seal, nonce = 1n) => ({ blockNumber: n, blockHash: hash(n), nonce, seal, rule });
const tick = () => new Promise((r) => setImmediate(r));

test('nextStep: success counts, retryable errors retry, a switch re-solves, the rest stop', () => {
  const opts = { retryable: RETRYABLE };
  assert.equal(nextStep({ result: 'success' }, opts), 'counted');
  for (const e of ['InvalidWorkBlock', 'Stale', 'Future', 'TooManyRegistrationsThisBlock', 'ExhaustsResources', 'ConnectionLost', 'InPool']) {
    assert.equal(nextStep({ result: 'refused', error: e }, opts), 'retry', e);
  }
  assert.equal(nextStep({ result: 'refused', error: 'InvalidDifficulty' }, opts), 'stop');
  assert.equal(nextStep({ result: 'refused', error: 'InvalidDifficulty' }, { ...opts, switched: true }), 'switched');
  assert.equal(nextStep({ result: 'refused', error: 'InvalidDifficulty' }, { retryable: POW_RETRYABLE }), 'retry');
  assert.equal(nextStep({ result: 'refused', error: 'InvalidSeal' }, opts), 'stop');
  assert.equal(nextStep({ result: 'refused', error: 'HotKeyAlreadyRegisteredInSubNet' }, { ...opts, skippable: new Set(['HotKeyAlreadyRegisteredInSubNet']) }), 'skip');
});

test('Heads: a solution is fresh for the best head and the one before, on the hashes seen', () => {
  const heads = new Heads();
  heads.add(10, hash(10), 0);
  heads.add(11, hash(11), 1);
  heads.add(12, hash(12), 2);
  assert.ok(heads.fresh(solution(12)));
  assert.ok(heads.fresh(solution(11)));
  assert.ok(!heads.fresh(solution(10)));
  assert.ok(!heads.fresh({ blockNumber: 12, blockHash: hash(99) }));
  for (let n = 13; n < 20; n += 1) heads.add(n, hash(n), n);
  assert.equal(heads.get(12), undefined); // kept only KEPT_BEHIND blocks back
});

test('RuleChoice: probes settle on exactly one InvalidDifficulty; anything else tells nothing', () => {
  const r = new RuleChoice('auto', 'le');
  assert.equal(r.text(), 'auto (trying le first)');
  assert.ok(r.fromProbes({ le: 'TooManyRegistrationsThisBlock', be: 'TooManyRegistrationsThisBlock' }, 5).undecided);
  assert.ok(r.fromProbes({ le: 'InvalidDifficulty', be: 'InvalidDifficulty' }, 5).undecided);
  const s = r.fromProbes({ le: 'InvalidDifficulty', be: 'InvalidSeal' }, 5);
  assert.deepEqual([s.switched, r.rule, r.settled], [true, 'be', true]);
  assert.equal(r.fromProbes({ le: 'InvalidSeal', be: 'InvalidDifficulty' }, 6), null); // settled once
  const given = new RuleChoice('be', 'le');
  assert.deepEqual([given.rule, given.settled], ['be', true]);
  assert.equal(new RuleChoice(undefined, 'be').rule, 'be');
});

test('RuleChoice: a submission settles: accepted and failing the other order, or refused InvalidDifficulty', () => {
  const a = new RuleChoice('auto', 'le');
  assert.equal(a.fromOutcome({ result: 'success' }, `0x${'00'.repeat(32)}`, D), null); // passes both orders: tells nothing
  assert.deepEqual(a.fromOutcome({ result: 'success' }, SEALS.le, D).switched, false);
  assert.equal(a.rule, 'le');
  const b = new RuleChoice('auto', 'le');
  assert.equal(b.fromOutcome({ result: 'refused', error: 'InvalidWorkBlock' }, SEALS.le, D), null);
  assert.equal(b.fromOutcome({ result: 'refused', error: 'InvalidDifficulty' }, SEALS.le, D).switched, true);
  assert.equal(b.rule, 'be');
});

test('--rule auto: the probes switch the order before anything is submitted; old-order solutions are dropped', async () => {
  let release;
  const probe = () => new Promise((resolve) => { release = () => resolve({ le: 'InvalidDifficulty', be: 'InvalidSeal' }); });
  const { loop, solver, reports, logs, submitted, ended } = makeLoop({ rule: 'auto', probe });
  await loop.onHead(1, hash(1), 0);
  assert.equal(solver.jobs.at(-1).rule, 'le');
  loop.onSolution(solution(1, 'le', SEALS.le)); // waits for the probes
  release();
  await tick(); await tick();
  assert.equal(submitted.length, 0);
  assert.equal(solver.jobs.at(-1).rule, 'be');
  assert.ok(logs.some((l) => /this chain uses rule be; solving again under it/.test(l)));
  loop.onSolution(solution(1, 'le', SEALS.le)); // solved before the switch
  assert.equal(submitted.length, 0);
  loop.onSolution(solution(1, 'be', SEALS.be));
  assert.deepEqual(await ended, { code: EXIT.done, message: undefined });
  assert.equal(reports.length, 1);
  assert.equal(reports[0].rule, 'be');
});

test('--rule auto: probes that tell nothing, then InvalidDifficulty switches and the next order succeeds', async () => {
  const { loop, solver, reports, logs, ended } = makeLoop({
    rule: 'auto',
    probe: async () => ({ le: 'TooManyRegistrationsThisBlock', be: 'TooManyRegistrationsThisBlock' }),
    outcomes: [{ result: 'refused', error: 'InvalidDifficulty', explanation: null }, { result: 'success' }],
  });
  await loop.onHead(1, hash(1), 0);
  await tick();
  assert.ok(logs.some((l) => /which does not tell the order/.test(l)));
  loop.onSolution(solution(1, 'le', SEALS.le));
  await tick(); await tick();
  assert.equal(reports[0].error, 'InvalidDifficulty');
  assert.match(reports[0].explanation, /switching to rule be/);
  assert.ok(logs.some((l) => /refused a rule-le seal as InvalidDifficulty: this chain uses rule be; solving again under it/.test(l)));
  assert.equal(solver.jobs.at(-1).rule, 'be');
  loop.onSolution(solution(1, 'be', SEALS.be));
  assert.equal((await ended).code, EXIT.done);
  assert.equal(reports.at(-1).rule, 'be');
});

test('a settled rule: InvalidDifficulty ends the run (exit 1) with the remedy', async () => {
  const { loop, ended } = makeLoop({ rule: 'le', outcomes: [{ result: 'refused', error: 'InvalidDifficulty', explanation: 'try --rule be' }] });
  await loop.onHead(1, hash(1), 0);
  loop.onSolution(solution(1, 'le', SEALS.le));
  assert.deepEqual(await ended, { code: EXIT.notAchieved, message: 'InvalidDifficulty: try --rule be' });
});

test('retry: a refusal worth retrying takes the newest waiting solution for a later block only', async () => {
  let answer;
  const { loop, submitted, logs, ended } = makeLoop({
    wanted: 1,
    outcomes: [() => new Promise((r) => { answer = r; }).then(() => ({ result: 'refused', error: 'InvalidWorkBlock', explanation: 'aged out' }))],
  });
  await loop.onHead(1, hash(1), 0);
  loop.onSolution(solution(1, 'le', SEALS.le, 1n)); // in flight
  await loop.onHead(2, hash(2), 1);
  loop.onSolution(solution(1, 'le', SEALS.le, 2n)); // waits; replaced by the next
  loop.onSolution(solution(2, 'le', SEALS.le, 3n)); // the newest waiting one
  answer();
  assert.equal((await ended).code, EXIT.done);
  assert.deepEqual(submitted.map((s) => s.nonce), [1n, 3n]);
  assert.ok(logs.some((l) => /InvalidWorkBlock: aged out; trying again on a newer head/.test(l)));
});

test('solutions for heads that aged out, or for a block no longer on the best chain, are not submitted', async () => {
  const { loop, submitted } = makeLoop();
  await loop.onHead(1, hash(1), 0);
  await loop.onHead(2, hash(2), 0);
  await loop.onHead(3, hash(3), 0);
  loop.onSolution(solution(1, 'le', SEALS.le));
  loop.onSolution({ ...solution(3, 'le', SEALS.le), blockHash: hash(77) });
  await tick();
  assert.equal(submitted.length, 0);
});

test('a head whose reads are overtaken by a newer head gives the solver nothing', async () => {
  let slow;
  const { loop, solver } = makeLoop({
    target: { prepare: ({ number }) => (number === 1 ? new Promise((r) => { slow = () => r({ difficulty: D }); }) : Promise.resolve({ difficulty: D })) },
  });
  const first = loop.onHead(1, hash(1), 0);
  await loop.onHead(2, hash(2), 0);
  slow();
  await first;
  assert.deepEqual(solver.jobs.map((j) => j.blockNumber), [2]);
});

test('pow-register: a re-check that fails is not submitted; an already registered hotkey is skipped; each hotkey gets its own job', async () => {
  const hotkeys = ['H1', 'H2', 'H3'];
  let index = 0;
  let newest = D;
  const { loop, solver, reports, submitted, logs, ended } = makeLoop({
    rule: 'le',
    target: {
      command: 'pow-register', workAccount: () => hotkeys[index], newJobAfterOutcome: true, retryable: POW_RETRYABLE,
      skippable: new Set(['HotKeyAlreadyRegisteredInSubNet']),
      prepare: async () => (hotkeys[index] === 'H2' ? { skip: { error: 'HotKeyAlreadyRegisteredInSubNet', explanation: 'nothing to do' } } : { difficulty: D }),
      job: (head) => ({ seal: 'v1', blockNumber: head.number, blockHash: head.hash, hotkey: hotkeys[index], difficulty: head.difficulty }),
      accepts: (s) => s.hotkey === hotkeys[index],
      recheck: async (s) => (newest === D ? { ok: true } : { ok: false, why: 'the difficulty rose' }),
      counted: () => { index += 1; return index >= hotkeys.length ? EXIT.done : null; },
      skipped: () => { index += 1; return index >= hotkeys.length ? EXIT.done : null; },
    },
  });
  await loop.onHead(1, hash(1), 0);
  assert.equal(solver.jobs.at(-1).hotkey, 'H1');
  newest = D * 4n;
  loop.onSolution({ ...solution(1, 'le', SEALS.le), hotkey: 'H1' });
  await tick(); await tick();
  assert.equal(submitted.length, 0);
  assert.ok(logs.some((l) => /not submitted: the difficulty rose; solving goes on/.test(l)));
  newest = D;
  loop.onSolution({ ...solution(1, 'le', SEALS.le), hotkey: 'H1' });
  await tick(); await tick();
  assert.equal(submitted.length, 1);
  // H1 done: the solver is on H1's successor at once; H2 is skipped at the next head.
  assert.equal(solver.jobs.at(-1).hotkey, 'H2');
  await loop.onHead(2, hash(2), 0);
  assert.equal(reports.at(-1).result, 'skipped');
  assert.equal(reports.at(-1).account, 'H2');
  assert.equal(solver.jobs.at(-1).hotkey, 'H3');
  loop.onSolution({ ...solution(2, 'le', SEALS.le), hotkey: 'H1' }); // for a hotkey already done
  await tick();
  assert.equal(submitted.length, 1);
  loop.onSolution({ ...solution(2, 'le', SEALS.le), hotkey: 'H3' });
  assert.equal((await ended).code, EXIT.done);
  assert.equal(submitted.length, 2);
});

test('a refusal at a head (e.g. PoW off on the subnet) ends the run with exit 1 and is reported', async () => {
  const { loop, reports, ended } = makeLoop({
    target: { prepare: async () => ({ refuse: { error: 'SubNetRegistrationDisabled', explanation: 'the subnet owner must enable it' } }) },
  });
  await loop.onHead(1, hash(1), 0);
  assert.equal((await ended).code, EXIT.notAchieved);
  assert.equal(reports[0].error, 'SubNetRegistrationDisabled');
});

test('block 0: nothing is solved until block 1 (a fresh chain keeps a placeholder as block 0\'s hash)', async () => {
  const { loop, solver, logs } = makeLoop();
  await loop.onHead(0, hash(0), 0);
  assert.equal(solver.jobs.length, 0);
  assert.ok(logs.some((l) => /solving starts at block 1/.test(l)));
  await loop.onHead(1, hash(1), 0);
  assert.deepEqual(solver.jobs.map((j) => j.blockNumber), [1]);
});

test('settling a call in flight after a reconnection: found in a block, its events decide; not found, null', async () => {
  const { findIncluded, eraFor, ERA_PERIOD } = await import('../src/submit.js');
  const ev = (section, method, index, data = []) => ({
    phase: { isApplyExtrinsic: true, asApplyExtrinsic: { toNumber: () => index } },
    event: { section, method, data: Object.assign(data, { toJSON: () => data.map(String) }) },
  });
  const moduleError = { isModule: true, asModule: { index: 7, error: 1 }, type: 'Module' };
  const blocks = {
    11: { xts: ['0xaa'], events: [ev('system', 'ExtrinsicSuccess', 0)] },
    12: { xts: ['0xbb', '0xcc'], events: [ev('subtensorModule', 'Faucet', 1), ev('system', 'ExtrinsicSuccess', 1), ev('system', 'ExtrinsicFailed', 0, [moduleError])] },
  };
  const api = {
    rpc: { chain: {
      getHeader: async () => ({ number: { toNumber: () => 12 } }),
      getBlockHash: async (n) => ({ toHex: () => `0x${n}` }),
      getBlock: async (h) => ({ block: { extrinsics: (blocks[Number(h.toHex().slice(2))]?.xts ?? []).map((x) => ({ hash: { toHex: () => x } })) } }),
    } },
    query: { system: { events: { at: async (h) => blocks[Number(h.toHex().slice(2))]?.events ?? [] } } },
    registry: { findMetaError: () => ({ name: 'InvalidSeal' }) },
  };
  const success = (event) => event.section === 'subtensorModule' && event.method === 'Faucet';
  const ok = await findIncluded(api, '0xcc', 10, success);
  assert.deepEqual([ok.result, ok.included_block_number, ok.included_block], ['success', 12, '0x12']);
  assert.deepEqual(ok.events.map((e) => e.event), ['subtensorModule.Faucet', 'system.ExtrinsicSuccess']);
  const failed = await findIncluded(api, '0xbb', 10, success);
  assert.deepEqual([failed.result, failed.error], ['refused', 'InvalidSeal']);
  assert.equal(await findIncluded(api, '0xdd', 10, success), null);
  assert.equal(await findIncluded(api, '0xcc', 12, success), null); // only blocks after its birth
  // The era: mortal from block 1, immortal at block 0.
  const eraApi = { genesisHash: { toHex: () => '0x45' }, createType: (t, v) => ({ t, v }) };
  assert.deepEqual(eraFor(eraApi, { number: 0, hash: '0x00' }), { era: 0, blockHash: '0x45', immortal: true });
  assert.deepEqual(eraFor(eraApi, { number: 5, hash: '0x05' }).era, { t: 'ExtrinsicEra', v: { current: 5, period: ERA_PERIOD } });
});
