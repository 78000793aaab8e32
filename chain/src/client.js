// The commands. faucet, register and pow-register: follow new best heads, keep the solver on the
// newest one, sign (or, for an unsigned profile, just build) the call with a solution, submit it,
// watch it into a block and report the outcome by name; the parts are heads.js (which head is
// current), rules.js (how --rule auto settles), submit.js (submit-and-watch), claims.js (the claim
// loop) and connection.js (connecting and reconnecting). jobs: print one solver job line per head.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EXIT, FailureError, UsageError, explain, dispatchErrorName, RETRYABLE, POW_RETRYABLE } from './errors.js';
import { chooseProfile } from './profiles.js';
import { Solver, jobLine } from './solver.js';
import { RuleChoice, probeSeals } from './rules.js';
import { loadSigner, walletColdkeyAddress, walletHotkeyAddress } from './signer.js';
import { Link, withTimeout } from './connection.js';
import { ClaimLoop } from './claims.js';
import { makeSubmitter } from './submit.js';
import {
  accountHex, hasPowRegister, headDecision, powRegisterCall, readDifficulty, readPowState, stillPasses,
} from './powregister.js';
import { startMetrics } from './metrics.js';

const now = () => performance.now();
const log = (msg) => process.stderr.write(`btpow-chain: ${msg}\n`);

/** --btpow must name an executable file (a bare name is looked up in PATH), checked before connecting. */
export function checkExecutable(path, flag) {
  const candidates = path.includes('/') ? [path] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, path));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return;
    } catch { /* next */ }
  }
  throw new UsageError(`${flag}: '${path}' is not an executable file${path.includes('/') ? '' : ' in PATH'}`);
}

/** The solver options, validated locally. */
function solverFor(options) {
  if (options.solver) {
    checkExecutable(options.solver[0], '--solver');
    return new Solver({ command: options.solver });
  }
  checkExecutable(options.btpow ?? 'btpow', '--btpow');
  return new Solver({ path: options.btpow, backend: options.backend, threads: options.threads });
}

/**
 * --rule auto's probes (first way): two calls applied to the best block's state without being
 * submitted (BlockBuilder_apply_extrinsic as a plain state_call; nothing is stored or paid). One
 * probe's seal meets the difficulty only when read little-endian, the other only when read
 * big-endian (rules.js); neither is a real seal. The runtime checks the difficulty before the seal,
 * so the probe whose order the chain does not use is refused InvalidDifficulty and the other fails
 * later (InvalidSeal). Probes are signed with an immortal era: a state call starts no block, so
 * the best block's own hash, which a mortal era born there needs, is not stored yet.
 */
function makeProbe({ link, pair, buildCall }) {
  return async (at, difficulty) => {
    const seals = probeSeals(difficulty);
    if (!seals) {
      log(`--rule auto: no probe fits difficulty ${difficulty}; the first submission's verdict settles the order`);
      return null;
    }
    const verdicts = {};
    try {
      const api = link.api;
      const nonce = pair ? (await api.rpc.system.accountNextIndex(pair.address)).toBigInt() : null;
      for (const order of ['le', 'be']) {
        let tx = buildCall(api, { blockNumber: at.number, nonce: 0n, seal: seals[order] });
        if (pair) tx = await tx.signAsync(pair, { nonce, era: 0 });
        const raw = await withTimeout(api.rpc.state.call('BlockBuilder_apply_extrinsic', tx.toHex(), at.hash), 30000, 'the dry run');
        const result = api.createType('ApplyExtrinsicResult', raw);
        if (result.isErr) verdicts[order] = `invalid transaction ${JSON.stringify(result.asErr.toJSON())}`;
        else if (result.asOk.isErr) verdicts[order] = dispatchErrorName(api, result.asOk.asErr);
        else verdicts[order] = 'accepted';
      }
    } catch (e) {
      log(`--rule auto: the node cannot dry-run a call (${e.message}); the first submission's verdict settles the order`);
      return null;
    }
    return verdicts;
  };
}

/** Prints an attempt: one JSON object per line with --json, else a line for people. */
function printer(json) {
  return (attempt) => {
    if (json) {
      process.stdout.write(`${JSON.stringify(attempt)}\n`);
    } else if (attempt.result === 'success') {
      const ev = attempt.events.filter((e) => !e.event.startsWith('system.') && !e.event.startsWith('transactionPayment.'));
      process.stdout.write(`accepted: work block ${attempt.block}, nonce ${attempt.nonce}, included in block ${attempt.included_block_number} (${attempt.included_block}): ${ev.map((e) => `${e.event} ${JSON.stringify(e.data)}`).join(', ')}\n`);
    } else if (attempt.result === 'skipped') {
      process.stdout.write(`skipped: ${attempt.account}: ${attempt.error}: ${attempt.explanation}\n`);
    } else {
      process.stdout.write(`refused: ${attempt.error}: ${attempt.explanation}${attempt.block !== null ? ` (work block ${attempt.block}, nonce ${attempt.nonce})` : ''}\n`);
    }
  };
}

/**
 * The skeleton every solving command shares: local input first (signer, solver path), then the
 * connection within --timeout, then `setup(api)` which returns the target (or an exit code), then
 * the claim loop until done, refused, --timeout, or a failure. Resolves to an exit code.
 */
async function runLoop(command, options, { role, local, setup }) {
  const started = now();
  // performance.now() counts from the process's start: --timeout covers start-up too.
  const deadline = options.timeout * 1000;
  let solver;
  let link;
  let loop;
  let timer;
  let metrics;
  let finishing = null;
  let done;
  const outcome = new Promise((resolve) => { done = resolve; });
  const finish = (code, message) => {
    if (finishing) return finishing;
    if (message) log(message);
    loop?.stop();
    finishing = (async () => {
      clearTimeout(timer);
      await solver?.stop();
      await link?.close();
      await metrics?.close();
      return code;
    })();
    return finishing;
  };
  const end = (code, message) => finish(code, message).then(done);

  // Local input before the node is contacted.
  const pair = options.signer ? await loadSigner(options.signer, role, log) : null;
  const known = local ? local(pair) : {};
  solver = solverFor(options);
  if (options.metrics) metrics = await startMetrics(options.metrics, command);

  link = new Link(options.node, { deadline, reconnectLimitS: options.reconnect, log });
  try {
    await link.open(); // within what is left of --timeout
  } catch (e) {
    if (e instanceof FailureError) return finish(EXIT.nodeOrSolver, `${e.message} (--timeout ${options.timeout} s counts from the start)`);
    await finish(EXIT.nodeOrSolver);
    throw e;
  }
  timer = setTimeout(() => end(EXIT.notAchieved, `not achieved within ${options.timeout} s (--timeout)`), Math.max(0, deadline - now()));
  link.on('gone', (message) => end(EXIT.nodeOrSolver, `${message}; stopping`));

  const api = link.api;
  const specName = api.runtimeVersion.specName.toString();
  const specVersion = api.runtimeVersion.specVersion.toNumber();
  const { profile, note } = chooseProfile(options.chain, specName);
  log(`${note}, spec_version ${specVersion}, node ${options.node}`);
  const rules = new RuleChoice(options.rule, profile.defaultRule);
  const report = printer(options.json);
  let target;
  try {
    target = await setup({ api, link, profile, pair, rules, specName, specVersion, report, known });
  } catch (e) {
    await finish(EXIT.badInput);
    throw e;
  }
  if (typeof target === 'number') return finish(target);

  solver.on('status', (line) => process.stderr.write(`${options.solver ? 'solver' : 'btpow'}: ${line}\n`));
  solver.on('exit', ({ code, signal, error }) => end(EXIT.nodeOrSolver,
    `the solver exited unexpectedly (${error ? error.message : signal ? `signal ${signal}` : `exit code ${code}`})`));
  solver.on('refused', (obj) => end(EXIT.nodeOrSolver, `the solver refused a job: ${obj.error}`));
  try {
    await solver.start();
  } catch (e) {
    return finish(EXIT.nodeOrSolver, `${e.message} (give its path with ${options.solver ? '--solver' : '--btpow PATH'})`);
  }

  loop = new ClaimLoop({
    target, solver, rules,
    log,
    end,
    report: (record) => { metrics?.attempt(record); report(record); },
    probe: rules.settled ? null : makeProbe({ link, pair: target.pair, buildCall: target.buildCall }),
  });
  loop.submit = makeSubmitter({
    link, pair: target.pair, buildCall: target.buildCall, successEvent: target.successEvent, profile, heads: loop.heads, log,
  });
  solver.on('solution', (s) => loop.onSolution(s));

  const follow = async (current) => {
    try {
      const unsub = await current.rpc.chain.subscribeNewHeads((header) => {
        loop.onHead(header.number.toNumber(), header.hash.toHex(), now()).catch((e) => {
          if (!link.down) end(EXIT.nodeOrSolver, `cannot read the chain at block ${header.number.toNumber()}: ${e.message}`);
        });
      });
      link.once('lost', () => { try { unsub(); } catch { /* gone */ } });
    } catch (e) {
      if (!link.down) end(EXIT.nodeOrSolver, `cannot follow new heads: ${e.message}`);
    }
  };
  link.on('restored', (fresh) => { if (!finishing) follow(fresh); });
  await follow(api);
  const code = await outcome;
  log(`${code === EXIT.done ? 'done' : 'stopped'} after ${((now() - started) / 1000).toFixed(1)} s`);
  return code;
}

/** One run of faucet or register. Resolves to an exit code. */
export function runClaims(command, options) {
  return runLoop(command, options, {
    role: command === 'faucet' ? 'coldkey' : 'hotkey',
    local: (pair) => (command === 'register' ? {
      coldkey: options.coldkey ?? (options.signer.kind === 'wallet' ? walletColdkeyAddress(options.signer) : null) ?? pair.address,
    } : {}),
    setup: async ({ api, profile, pair: signer, rules, specName, specVersion, known }) => {
      if (command === 'faucet') {
        if (!profile.hasFaucet(api)) {
          log(`this runtime (${specName} ${specVersion}) has no faucet call: ${explain('FaucetDisabled')}`);
          return EXIT.notAchieved;
        }
        if ((profile.faucetSigned || !options.account) && !signer) {
          throw new UsageError('a signer is required for this chain\'s faucet: --dev NAME, --suri-env NAME, --suri-file PATH or --wallet NAME');
        }
        const pair = profile.faucetSigned ? signer : null;
        const account = options.account ?? (pair ? pair.address : undefined);
        const d = options.difficulty ?? profile.faucetDifficulty;
        let claims = 0;
        log(`faucet for ${account}${pair ? `, signed by ${pair.address}` : ', unsigned'}, rule ${rules.text()}, difficulty ${d}`);
        return {
          command, profile: profile.name, pair, workAccount: () => account,
          prepare: async () => ({ difficulty: d }),
          job: (head, rule) => ({ blockNumber: head.number, blockHash: head.hash, account, difficulty: head.difficulty, rule, count: 1 }),
          buildCall: (a, s) => profile.faucetCall(a, s, account),
          successEvent: profile.faucetEvent,
          retryable: RETRYABLE,
          counted: (record) => {
            claims += 1;
            log(`accepted (${claims}/${options.claims}): head→submit ${record.head_to_submit_ms} ms, submit→inclusion ${record.submit_to_inclusion_ms} ms`);
            return claims >= options.claims ? EXIT.done : null;
          },
        };
      }
      if (!profile.registerCall) throw new UsageError(`register: the ${profile.name} profile has no PoW registration`);
      const pair = signer;
      const { coldkey } = known;
      log(`register on netuid ${options.netuid}: hotkey ${pair.address} (signer), coldkey ${coldkey}, rule ${rules.text()}`);
      return {
        command, profile: profile.name, pair, workAccount: () => pair.address,
        prepare: async (head) => ({ difficulty: await profile.difficulty(api, head.hash, options.netuid) }),
        job: (head, rule) => ({ blockNumber: head.number, blockHash: head.hash, account: pair.address, difficulty: head.difficulty, rule, count: 1 }),
        buildCall: (a, s) => profile.registerCall(a, s, { netuid: options.netuid, hotkey: pair.address, coldkey }),
        successEvent: profile.registerEvent,
        retryable: RETRYABLE,
        counted: (record) => {
          log(`accepted: head→submit ${record.head_to_submit_ms} ms, submit→inclusion ${record.submit_to_inclusion_ms} ms`);
          return EXIT.done;
        },
      };
    },
  });
}

/** docs/protocol.md §10: the refusals after which the next hotkey is tried rather than the run ended. */
const POW_SKIPPABLE = new Set(['HotKeyAlreadyRegisteredInSubNet', 'NonAssociatedColdKey', 'CannotUseSystemAccount']);

/** pow-register (docs/protocol.md §10): signed by the coldkey, fee-free, each hotkey in turn. */
export function runPowRegister(options) {
  return runLoop('pow-register', options, {
    role: 'coldkey',
    local: () => ({ hotkeys: options.hotkeys ?? options.signer.hotkeys.map((h) => walletHotkeyAddress(options.signer, h)) }),
    setup: async ({ api, link, pair, specName, specVersion, report, known }) => {
      if (!hasPowRegister(api)) {
        const record = {
          command: 'pow-register', result: 'refused', error: 'PowRegisterUnavailable', block: null, nonce: null,
          explanation: `this runtime (${specName} spec_version ${specVersion}) has no subtensorModule.powRegister (pow_register came with spec 474); use btpow-chain register, which this runtime checks with the old seal`,
        };
        report(record);
        log(`${record.error}: ${record.explanation}; nothing submitted`);
        return EXIT.notAchieved;
      }
      const coldkey = pair.address;
      const coldkeyHex = accountHex(coldkey);
      const { hotkeys } = known;
      let index = 0;
      let failed = 0;
      const hotkey = () => hotkeys[index];
      const advance = () => {
        index += 1;
        if (index < hotkeys.length) log(`next hotkey (${index + 1}/${hotkeys.length}): ${hotkey()}`);
        return index >= hotkeys.length ? (failed ? EXIT.notAchieved : EXIT.done) : null;
      };
      log(`pow-register on netuid ${options.netuid}: coldkey ${coldkey} (signer, fee-free), hotkeys ${hotkeys.join(', ')}`);
      return {
        command: 'pow-register', profile: 'subtensor', pair, workAccount: hotkey, newJobAfterOutcome: true,
        prepare: async (head) => {
          const reads = await readPowState(link.api, head.hash, options.netuid, hotkey());
          const d = headDecision(reads, { number: head.number, netuid: options.netuid, coldkeyHex });
          if (d.refuse) return { refuse: { ...d.refuse, explanation: explain(d.refuse.error) } };
          if (d.skip) return { skip: { ...d.skip, explanation: explain(d.skip.error) } };
          if (d.wait) return d;
          if (d.note) log(d.note);
          return { difficulty: options.difficulty ?? d.solve };
        },
        job: (head) => ({
          seal: 'v1', blockNumber: head.number, blockHash: head.hash, netuid: options.netuid, hotkey: hotkey(), coldkey,
          difficulty: head.difficulty, count: 1,
        }),
        accepts: (s) => !s.hotkey || s.hotkey === accountHex(hotkey()),
        // docs/protocol.md §10: before submitting, the difficulty at the newest head (another registration
        // raises it); a seal that no longer passes is not submitted.
        recheck: async (s, head, best) => {
          const d = await readDifficulty(link.api, best.hash, options.netuid);
          return stillPasses(s.seal, d) ? { ok: true }
            : { ok: false, why: `the difficulty at block ${best.number} is ${d} now (the seal was found at ${head.difficulty})` };
        },
        buildCall: (a, s) => powRegisterCall(a, { netuid: options.netuid, hotkey: hotkey() }, s),
        successEvent: (event) => event.section === 'subtensorModule' && event.method === 'NeuronRegistered',
        retryable: POW_RETRYABLE,
        skippable: POW_SKIPPABLE,
        counted: (record) => {
          log(`registered ${hotkey()} (${index + 1}/${hotkeys.length}): head→submit ${record.head_to_submit_ms} ms, submit→inclusion ${record.submit_to_inclusion_ms} ms`);
          return advance();
        },
        skipped: (record) => {
          if (record.error !== 'HotKeyAlreadyRegisteredInSubNet') failed += 1;
          log(`${hotkey()}: ${record.error}: ${record.explanation}`);
          return advance();
        },
      };
    },
  });
}

/** `jobs`: one solver job line per new best head on stdout, until the node goes away or --timeout. */
export async function runJobs(options) {
  const deadline = options.timeout ? options.timeout * 1000 : Infinity;
  let done;
  const outcome = new Promise((resolve) => { done = resolve; });
  const link = new Link(options.node, { deadline, reconnectLimitS: options.reconnect, log });
  try {
    await link.open(); // within what is left of --timeout
  } catch (e) {
    if (e instanceof FailureError) { log(e.message); return EXIT.nodeOrSolver; }
    throw e;
  }
  const timer = options.timeout ? setTimeout(() => done(EXIT.done), Math.max(0, deadline - now())) : null;
  link.on('gone', (message) => { log(message); done(EXIT.nodeOrSolver); });
  const api = link.api;
  const specName = api.runtimeVersion.specName.toString();
  const { profile, note } = chooseProfile(options.chain, specName);
  log(note);
  const rule = options.rule ?? profile.defaultRule;
  if (options.target === 'register' && !profile.difficulty) {
    clearTimeout(timer);
    await link.close();
    throw new UsageError(`--netuid: the ${profile.name} profile has no PoW registration`);
  }
  if (options.target === 'pow-register' && !hasPowRegister(api)) {
    log(`note: this runtime (${specName} spec_version ${api.runtimeVersion.specVersion.toNumber()}) has no subtensorModule.powRegister; the v1 jobs are printed all the same`);
  }
  const account = options.target === 'faucet' ? options.account : options.hotkey;
  let seq = 0;
  const stop = () => done(EXIT.done);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', stop); // the reader went away (e.g. the solver ended)
  const onHead = async (current, header) => {
    const mine = ++seq;
    const hash = header.hash.toHex();
    const blockNumber = header.number.toNumber();
    let difficulty = options.difficulty ?? null;
    try {
      if (difficulty === null && options.target === 'faucet') difficulty = profile.faucetDifficulty;
      if (difficulty === null && options.target === 'register') difficulty = await profile.difficulty(current, hash, options.netuid);
      if (difficulty === null) difficulty = await readDifficulty(current, hash, options.netuid);
    } catch (e) {
      if (link.down) return;
      log(`cannot read the difficulty: ${e.message}`);
      done(EXIT.nodeOrSolver);
      return;
    }
    if (mine !== seq) return;
    const job = options.target === 'pow-register'
      ? { seal: 'v1', blockNumber, blockHash: hash, netuid: options.netuid, hotkey: options.hotkey, coldkey: options.coldkey, difficulty }
      : { blockNumber, blockHash: hash, account, difficulty, rule };
    process.stdout.write(`${jobLine({ ...job, count: 1 })}\n`);
  };
  const follow = async (current) => {
    try {
      const unsub = await current.rpc.chain.subscribeNewHeads((h) => { onHead(current, h); });
      link.once('lost', () => { try { unsub(); } catch { /* gone */ } });
    } catch (e) {
      if (!link.down) { log(`cannot follow new heads: ${e.message}`); done(EXIT.nodeOrSolver); }
    }
  };
  link.on('restored', follow);
  await follow(api);
  const code = await outcome;
  clearTimeout(timer);
  await link.close();
  return code;
}
