// The three commands. faucet and register: follow new best heads, keep the solver on the newest
// one, sign (or, for an unsigned profile, just build) the call with a solution, submit it, watch it
// into a block and report the outcome by name. jobs: print one solver job line per new head.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { EXIT, FailureError, UsageError, explain, poolErrorName, RETRYABLE } from './errors.js';
import { chooseProfile } from './profiles.js';
import { Solver, jobLine } from './solver.js';
import { otherRule, probeSeals, sealPasses } from './rules.js';
import { loadSigner, walletColdkeyAddress } from './signer.js';

// Mortal-era length in blocks: long enough to get into a block, short enough that a lost
// transaction cannot land much later (the work itself is only good for two blocks).
const ERA_PERIOD = 8;

const now = () => performance.now();
const log = (msg) => process.stderr.write(`btpow-chain: ${msg}\n`);

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new FailureError(`${what}: no answer within ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Connects; rejects with FailureError when the node cannot be reached. onLost fires on a later disconnect. */
export async function connect(url, onLost) {
  const provider = new WsProvider(url, 0);
  let connected = false;
  const reached = new Promise((resolve, reject) => {
    provider.on('connected', () => { connected = true; resolve(); });
    provider.on('error', (e) => { if (!connected) reject(new FailureError(`cannot reach the node at ${url}${e?.message ? `: ${e.message}` : ''}`)); });
  });
  provider.connect().catch(() => {});
  try {
    await withTimeout(reached, 15000, `connecting to ${url}`);
  } catch (e) {
    await provider.disconnect().catch(() => {});
    throw e;
  }
  const api = await withTimeout(ApiPromise.create({ provider, noInitWarn: true }), 60000, `reading metadata from ${url}`);
  provider.on('disconnected', () => onLost?.(`lost the connection to the node at ${url}`));
  return api;
}

function formatEvents(events) {
  return events.map(({ event }) => ({
    event: `${event.section}.${event.method}`,
    data: event.data.toJSON(),
  }));
}

function dispatchErrorName(api, dispatchError) {
  if (dispatchError.isModule) {
    try {
      const meta = api.registry.findMetaError(dispatchError.asModule);
      return meta.name;
    } catch {
      return 'Module';
    }
  }
  return dispatchError.type;
}

/** One run of faucet or register. Resolves to an exit code. */
export async function runClaims(command, options) {
  const started = now();
  const rule0 = options.rule;
  let finishing = null;
  let api;
  let solver;
  let unsubHeads;
  let timer;
  const results = [];

  const finish = (code, message) => {
    if (finishing) return finishing;
    if (message) log(message);
    finishing = (async () => {
      clearTimeout(timer);
      try { unsubHeads?.(); } catch { /* already gone */ }
      await solver?.stop();
      await withTimeout(api?.disconnect() ?? Promise.resolve(), 3000, 'disconnecting').catch(() => {});
      return code;
    })();
    return finishing;
  };

  let done;
  const outcome = new Promise((resolve) => { done = resolve; });
  const end = (code, message) => finish(code, message).then(done);

  try {
    api = await connect(options.node, (msg) => end(EXIT.nodeOrSolver, `${msg}; stopping`));
  } catch (e) {
    if (e instanceof FailureError) { log(e.message); return EXIT.nodeOrSolver; }
    throw e;
  }

  const specName = api.runtimeVersion.specName.toString();
  const specVersion = api.runtimeVersion.specVersion.toNumber();
  const { profile, note } = chooseProfile(options.chain, specName);
  log(`${note}, spec_version ${specVersion}, node ${options.node}`);
  // --rule auto starts with the profile's order and settles it on the runtime's own verdicts (see
  // probeRule below); any other rule is settled from the start.
  const auto = rule0 === 'auto';
  let rule = auto ? profile.defaultRule : (rule0 ?? profile.defaultRule);
  let ruleSettled = !auto;
  let probe = null; // the probes' promise (--rule auto)
  const ruleText = () => (ruleSettled ? rule : `auto (trying ${rule} first)`);

  // Who signs, whose account goes into the hash, and the call to build from a solution.
  let pair = null;
  let workAccount;
  let buildCall;
  let difficultyAt;
  let successEvent;
  try {
    if (command === 'faucet') {
      if (!profile.hasFaucet(api)) {
        log(`this runtime (${specName} ${specVersion}) has no faucet call: ${explain('FaucetDisabled')}`);
        await finish(EXIT.notAchieved);
        return EXIT.notAchieved;
      }
      if (profile.faucetSigned || !options.account) {
        if (!options.signer) throw new UsageError('a signer is required for this chain\'s faucet: --dev NAME, --suri-env NAME, --suri-file PATH or --wallet NAME');
        pair = await loadSigner(options.signer, 'coldkey', log);
      }
      if (!profile.faucetSigned) pair = null;
      workAccount = options.account ?? (pair ? pair.address : undefined);
      const claimant = workAccount;
      buildCall = (work) => profile.faucetCall(api, work, claimant);
      const d = options.difficulty ?? profile.faucetDifficulty;
      difficultyAt = async () => d;
      successEvent = profile.faucetEvent;
      log(`faucet for ${workAccount}${pair ? `, signed by ${pair.address}` : ', unsigned'}, rule ${ruleText()}, difficulty ${d}`);
    } else {
      if (!profile.registerCall) throw new UsageError(`register: the ${profile.name} profile has no PoW registration`);
      pair = await loadSigner(options.signer, 'hotkey', log);
      workAccount = pair.address;
      const coldkey = options.coldkey
        ?? (options.signer.kind === 'wallet' ? walletColdkeyAddress(options.signer) : null)
        ?? pair.address;
      buildCall = (work) => profile.registerCall(api, work, { netuid: options.netuid, hotkey: pair.address, coldkey });
      difficultyAt = (hash) => profile.difficulty(api, hash, options.netuid);
      successEvent = profile.registerEvent;
      log(`register on netuid ${options.netuid}: hotkey ${pair.address} (signer), coldkey ${coldkey}, rule ${ruleText()}`);
    }
  } catch (e) {
    await finish(EXIT.badInput);
    throw e;
  }

  solver = new Solver({ path: options.btpow, backend: options.backend, threads: options.threads });
  solver.on('status', (line) => process.stderr.write(`btpow: ${line}\n`));
  solver.on('exit', ({ code, signal, error }) => end(EXIT.nodeOrSolver,
    `the solver exited unexpectedly (${error ? error.message : signal ? `signal ${signal}` : `exit code ${code}`})`));
  solver.on('refused', (obj) => end(EXIT.nodeOrSolver, `the solver refused a job: ${obj.error}`));
  try {
    await solver.start();
  } catch (e) {
    await finish(EXIT.nodeOrSolver, `${e.message} (give its path with --btpow PATH)`);
    return EXIT.nodeOrSolver;
  }

  const heads = new Map(); // block number → { hash, arrived, difficulty }
  let best = null;
  let headSeq = 0;
  let inFlight = false;
  let nextSolution = null;
  let claims = 0;
  let localNonce = null;
  const wanted = command === 'faucet' ? options.claims : 1;

  timer = setTimeout(() => end(EXIT.notAchieved, `not achieved within ${options.timeout} s (--timeout)`), options.timeout * 1000);

  const fresh = (s) => best && s.blockNumber >= best.number - 1 && heads.has(s.blockNumber)
    && heads.get(s.blockNumber).hash === s.blockHash;

  const report = (attempt) => {
    results.push(attempt);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(attempt)}\n`);
    } else if (attempt.result === 'success') {
      const ev = attempt.events.filter((e) => !e.event.startsWith('system.') && !e.event.startsWith('transactionPayment.'));
      process.stdout.write(`accepted: work block ${attempt.block}, nonce ${attempt.nonce}, included in block ${attempt.included_block_number} (${attempt.included_block}): ${ev.map((e) => `${e.event} ${JSON.stringify(e.data)}`).join(', ')}\n`);
    } else {
      process.stdout.write(`refused: ${attempt.error}: ${attempt.explanation} (work block ${attempt.block}, nonce ${attempt.nonce})\n`);
    }
  };

  // Gives the solver the best head's job under the current rule.
  const solveBest = () => {
    const head = best && heads.get(best.number);
    if (!head || head.difficulty === undefined || finishing) return;
    solver.submit({ blockNumber: best.number, blockHash: best.hash, account: workAccount, difficulty: head.difficulty, rule, count: 1 });
    log(`head ${best.number} ${best.hash.slice(0, 18)}…: solving (d = ${head.difficulty}, rule ${ruleText()})`);
  };

  // --rule auto: the order is settled once, on the runtime's own verdict.
  const settleRule = (chosen, why) => {
    const switched = chosen !== rule;
    rule = chosen;
    ruleSettled = true;
    log(`--rule auto: ${why}: this chain uses rule ${rule}${switched ? '; solving again under it' : ''}`);
    if (switched) {
      nextSolution = null;
      solveBest();
    }
  };

  // --rule auto, first way: two probe calls, applied to the best block's state without being
  // submitted (BlockBuilder_apply_extrinsic as a plain state_call; nothing is stored or paid).
  // One probe's seal meets the difficulty only when read little-endian, the other only when read
  // big-endian (rules.js); neither is a real seal. The runtime checks the difficulty before the
  // seal, so the probe whose order the chain does not use is refused InvalidDifficulty and the
  // other fails later (InvalidSeal). Exactly one InvalidDifficulty settles the order; any other
  // pair of answers (the call refused earlier, e.g. per-block limits of the best block's state)
  // tells nothing, and the second way applies: a real submission's verdict (attempt, below).
  // Probes are signed with an immortal era: a state call starts no block, so the best block's own
  // hash, which a mortal era born there needs, is not stored yet.
  const probeRule = async (at, difficulty) => {
    const seals = probeSeals(difficulty);
    if (!seals) {
      log(`--rule auto: no probe fits difficulty ${difficulty}; the first submission's verdict settles the order`);
      return;
    }
    const verdicts = {};
    try {
      const nonce = pair ? (await api.rpc.system.accountNextIndex(pair.address)).toBigInt() : null;
      for (const order of ['le', 'be']) {
        let tx = buildCall({ blockNumber: at.number, nonce: 0n, seal: seals[order] });
        if (pair) tx = await tx.signAsync(pair, { nonce, era: 0 });
        const raw = await withTimeout(api.rpc.state.call('BlockBuilder_apply_extrinsic', tx.toHex(), at.hash), 30000, 'the dry run');
        const result = api.createType('ApplyExtrinsicResult', raw);
        if (result.isErr) verdicts[order] = `invalid transaction ${JSON.stringify(result.asErr.toJSON())}`;
        else if (result.asOk.isErr) verdicts[order] = dispatchErrorName(api, result.asOk.asErr);
        else verdicts[order] = 'accepted';
      }
    } catch (e) {
      log(`--rule auto: the node cannot dry-run a call (${e.message}); the first submission's verdict settles the order`);
      return;
    }
    if (ruleSettled || finishing) return;
    const refused = ['le', 'be'].filter((order) => verdicts[order] === 'InvalidDifficulty');
    if (refused.length === 1) {
      const chosen = otherRule(refused[0]);
      settleRule(chosen, `dry runs at block ${at.number} refused the probe seal that only rule ${refused[0]} accepts as InvalidDifficulty, and answered ${verdicts[chosen]} to the one that only rule ${chosen} accepts`);
    } else {
      log(`--rule auto: dry runs at block ${at.number} answered ${verdicts.le} (le probe) and ${verdicts.be} (be probe), which does not tell the order; the first submission's verdict settles it`);
    }
  };

  const attempt = async (s) => {
    inFlight = true;
    const head = heads.get(s.blockNumber);
    const record = {
      command, profile: profile.name, block: s.blockNumber, block_hash: s.blockHash, nonce: s.nonce.toString(),
      rule, account: workAccount, seal: s.seal, backend: s.backend, extrinsic: null, included_block: null,
      included_block_number: null, result: null, error: null, explanation: null, events: [],
      head_to_submit_ms: null, submit_to_inclusion_ms: null,
    };
    let tSubmit;
    try {
      if (!ruleSettled && probe) {
        await probe;
        // The probes switched the order (the solver works under the other rule now), or the head
        // aged out meanwhile.
        if (s.rule !== rule || !fresh(s)) {
          takeNext(s.blockNumber);
          return;
        }
      }
      let tx = buildCall({ blockNumber: s.blockNumber, nonce: s.nonce, seal: s.seal });
      if (pair) {
        const chainNonce = (await api.rpc.system.accountNextIndex(pair.address)).toBigInt();
        const nonce = localNonce !== null && localNonce > chainNonce ? localNonce : chainNonce;
        const era = api.createType('ExtrinsicEra', { current: best.number, period: ERA_PERIOD });
        tx = await tx.signAsync(pair, { nonce, era, blockHash: best.hash });
        localNonce = nonce + 1n;
      }
      record.extrinsic = tx.hash.toHex();
      tSubmit = now();
      record.head_to_submit_ms = Math.round(tSubmit - head.arrived);
      const result = await new Promise((resolve, reject) => {
        tx.send((r) => {
          if (r.status.isInBlock || r.status.isFinalized) resolve(r);
          else if (r.status.isInvalid || r.status.isDropped || r.status.isUsurped) reject(new Error(`transaction ${r.status.type}`));
        }).then((unsub) => { record.unsub = unsub; }, reject);
      });
      record.unsub?.();
      record.submit_to_inclusion_ms = Math.round(now() - tSubmit);
      record.included_block = result.status.isInBlock ? result.status.asInBlock.toHex() : result.status.asFinalized.toHex();
      record.included_block_number = (await api.rpc.chain.getHeader(record.included_block)).number.toNumber();
      record.events = formatEvents(result.events);
      if (result.dispatchError) {
        record.result = 'refused';
        record.error = dispatchErrorName(api, result.dispatchError);
      } else if (result.events.some(({ event }) => successEvent(event))) {
        record.result = 'success';
      } else {
        record.result = 'refused';
        record.error = 'NoEvent';
        record.explanation = 'the call was included without the expected event';
      }
    } catch (e) {
      record.result = 'refused';
      const name = poolErrorName(e.message, profile);
      record.error = name ?? 'Rejected';
      record.detail = e.message;
      if (!name) record.explanation = `the node refused the transaction: ${e.message}`;
    }
    delete record.unsub;
    if (record.error === 'InvalidDifficulty' && !ruleSettled) {
      record.explanation = `--rule auto: this chain does not read seals as rule ${rule}; switching to rule ${otherRule(rule)}`;
    }
    if (record.error && !record.explanation) record.explanation = explain(record.error, { rule });
    report(record);
    if (record.result === 'success' && !ruleSettled && !sealPasses(s.seal, head.difficulty, otherRule(rule))) {
      settleRule(rule, `the runtime accepted a rule-${rule} seal that fails rule ${otherRule(rule)}`);
    }
    if (record.result === 'success') {
      claims += 1;
      log(`accepted (${claims}/${wanted}): head→submit ${record.head_to_submit_ms} ms, submit→inclusion ${record.submit_to_inclusion_ms} ms`);
      if (claims >= wanted) { end(EXIT.done); return; }
    } else if (RETRYABLE.has(record.error)) {
      log(`${record.error}: ${record.explanation}; trying again on a newer head`);
    } else if (record.error === 'InvalidDifficulty' && !ruleSettled) {
      settleRule(otherRule(rule), `the runtime refused a rule-${rule} seal as InvalidDifficulty`);
      inFlight = false;
      return;
    } else {
      end(EXIT.notAchieved, `${record.error}: ${record.explanation}`);
      return;
    }
    takeNext(s.blockNumber + 1);
  };

  // Ends an attempt: the solution that arrived meanwhile, if it is still fresh, for a block from
  // minBlock on, and under the current rule, goes next.
  const takeNext = (minBlock) => {
    inFlight = false;
    const next = nextSolution;
    nextSolution = null;
    if (next && fresh(next) && next.blockNumber >= minBlock && (!next.rule || next.rule === rule)) {
      attempt(next).catch((e) => end(EXIT.nodeOrSolver, `unexpected failure: ${e.message}`));
    }
  };

  solver.on('solution', (s) => {
    if (finishing) return;
    if (!fresh(s)) return; // its head aged out; the solver already works on a newer one
    if (s.rule && s.rule !== rule) return; // solved before --rule auto switched the order
    if (inFlight) { nextSolution = s; return; }
    attempt(s).catch((e) => end(EXIT.nodeOrSolver, `unexpected failure: ${e.message}`));
  });

  const onHead = async (header) => {
    const arrived = now();
    const number = header.number.toNumber();
    const hash = header.hash.toHex();
    const seq = ++headSeq;
    heads.set(number, { hash, arrived });
    for (const n of heads.keys()) if (n < number - 4) heads.delete(n);
    best = { number, hash };
    let difficulty;
    try {
      difficulty = await difficultyAt(hash);
    } catch (e) {
      end(EXIT.nodeOrSolver, `cannot read the difficulty at block ${number}: ${e.message}`);
      return;
    }
    if (seq !== headSeq || finishing) return; // a newer head arrived meanwhile
    heads.get(number).difficulty = difficulty;
    solveBest();
    if (!ruleSettled && !probe) probe = probeRule({ number, hash }, difficulty).catch((e) => log(`--rule auto: the probes failed (${e.message})`));
  };

  try {
    unsubHeads = await api.rpc.chain.subscribeNewHeads((h) => { onHead(h).catch((e) => end(EXIT.nodeOrSolver, e.message)); });
  } catch (e) {
    end(EXIT.nodeOrSolver, `cannot follow new heads: ${e.message}`);
  }
  const code = await outcome;
  log(`${code === EXIT.done ? 'done' : 'stopped'} after ${((now() - started) / 1000).toFixed(1)} s`);
  return code;
}

/** `jobs`: one solver job line per new best head on stdout, until the node goes away. */
export async function runJobs(options) {
  let api;
  let done;
  const outcome = new Promise((resolve) => { done = resolve; });
  try {
    api = await connect(options.node, (msg) => { log(msg); done(EXIT.nodeOrSolver); });
  } catch (e) {
    if (e instanceof FailureError) { log(e.message); return EXIT.nodeOrSolver; }
    throw e;
  }
  const specName = api.runtimeVersion.specName.toString();
  const { profile, note } = chooseProfile(options.chain, specName);
  log(note);
  const rule = options.rule ?? profile.defaultRule;
  if (options.target === 'register' && !profile.difficulty) {
    throw new UsageError(`--netuid: the ${profile.name} profile has no PoW registration`);
  }
  const account = options.target === 'faucet' ? options.account : options.hotkey;
  let seq = 0;
  const stop = () => done(EXIT.done);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', stop); // the reader went away (e.g. the solver ended)
  const unsub = await api.rpc.chain.subscribeNewHeads(async (header) => {
    const mine = ++seq;
    const hash = header.hash.toHex();
    const difficulty = options.target === 'faucet'
      ? (options.difficulty ?? profile.faucetDifficulty)
      : await profile.difficulty(api, hash, options.netuid).catch((e) => { log(`cannot read the difficulty: ${e.message}`); done(EXIT.nodeOrSolver); return null; });
    if (difficulty === null || mine !== seq) return;
    process.stdout.write(`${jobLine({ blockNumber: header.number.toNumber(), blockHash: hash, account, difficulty, rule, count: 1 })}\n`);
  });
  const code = await outcome;
  try { unsub(); } catch { /* gone */ }
  await withTimeout(api.disconnect(), 3000, 'disconnecting').catch(() => {});
  return code;
}
