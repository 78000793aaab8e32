// The claim loop: keeps the solver on the newest head's job, takes its solutions one at a time
// (a solution that arrives while one is in flight waits, and only the newest waiting one is kept),
// hands each to a submitter, and decides from the outcome what happens next. It does no I/O of its
// own: the chain, the solver and the signer come in as plain functions and objects, so the retry
// rules and --rule auto are unit-tested with fakes (test/unit-claims.test.js).
import { EXIT } from './errors.js';
import { Heads } from './heads.js';

/**
 * What the run does after an outcome: 'counted' (a success), 'skip' (this target needs nothing:
 * e.g. the hotkey is already registered), 'switched' (--rule auto changed the order: the solver
 * works again under it), 'retry' (a newer head may succeed), or 'stop' (exit 1).
 */
export function nextStep(record, { switched, retryable, skippable = new Set() }) {
  if (record.result === 'success') return 'counted';
  if (skippable.has(record.error)) return 'skip';
  if (switched) return 'switched';
  if (retryable.has(record.error)) return 'retry';
  return 'stop';
}

/**
 * target: { name, prepare(head) → async info for the head (e.g. { difficulty }) or
 *   { refuse: { error, explanation } } or { skip: record fields } or { wait: why },
 *   job(head, rule) → the solver's job, recheck?(solution, head) → async { ok, why },
 *   retryable: Set, skippable?: Set, counted(record) / skipped?(record) → the exit code when the
 *   run is done, else null, accepts?(solution) → false for a solution of an earlier target,
 *   workAccount() → the account in the record, newJobAfterOutcome: whether a success or a
 *   skip changes the job (the next hotkey) }
 * submit(solution, record) → async: fills record (result, error, events, timings).
 * probe?(at, difficulty) → async { le, be } verdicts or null (--rule auto's dry runs).
 * report(record), log(text), end(code, message).
 */
export class ClaimLoop {
  constructor({ target, solver, rules, submit, probe, report, log, end, heads = new Heads() }) {
    Object.assign(this, { target, solver, rules, submit, probe, report, log, end, heads });
    this.inFlight = false;
    this.next = null;
    this.probing = null;
    this.finished = false;
  }

  stop() { this.finished = true; }

  /** A new best head: read what the target needs at it, then give the solver its job at once. */
  async onHead(number, hash, arrived) {
    if (number === 0) {
      // Until block 1 is built the runtime keeps a placeholder as block 0's hash: work on block 0
      // would be checked against it, and a signature born there too (BadProof).
      this.log('the best block is block 0; solving starts at block 1 (until then the runtime holds a placeholder for block 0\'s hash)');
      return;
    }
    const seq = this.heads.add(number, hash, arrived);
    const info = await this.target.prepare({ number, hash });
    if (!this.heads.isLatest(seq) || this.finished) return; // a newer head arrived meanwhile
    const head = this.heads.get(number);
    if (info.refuse) {
      this.report({ ...this.baseRecord(null), result: 'refused', ...info.refuse });
      this.end(EXIT.notAchieved, `${info.refuse.error}: ${info.refuse.explanation}`);
      return;
    }
    if (info.skip) {
      this.report({ ...this.baseRecord(null), result: 'skipped', ...info.skip });
      const code = this.target.skipped?.(info.skip);
      if (code !== null && code !== undefined) { this.end(code); return; }
      return this.onHead(number, hash, arrived); // the next target, at this same head
    }
    if (info.wait) { this.log(`head ${number}: ${info.wait}`); return; }
    Object.assign(head, info, { ready: true });
    this.solveBest();
    if (!this.rules.settled && !this.probing && this.probe) {
      this.probing = this.runProbes({ number, hash }, info.difficulty);
    }
  }

  solveBest() {
    const head = this.heads.ready();
    if (!head || this.finished) return;
    const job = this.target.job(head, this.rules.rule);
    this.solver.submit(job);
    this.log(`head ${head.number} ${head.hash.slice(0, 18)}…: solving (d = ${job.difficulty}, rule ${this.rules.text()}${this.target.describe ? `, ${this.target.describe()}` : ''})`);
  }

  async runProbes(at, difficulty) {
    let verdicts;
    try {
      verdicts = await this.probe(at, difficulty);
    } catch (e) {
      this.log(`--rule auto: the probes failed (${e.message})`);
      return;
    }
    if (!verdicts || this.rules.settled || this.finished) return;
    const out = this.rules.fromProbes(verdicts, at.number);
    if (out?.undecided) this.log(`--rule auto: ${out.undecided}; the first submission's verdict settles it`);
    else if (out) this.settled(out);
  }

  settled({ switched, why }) {
    this.log(`--rule auto: ${why}: this chain uses rule ${this.rules.rule}${switched ? '; solving again under it' : ''}`);
    if (switched) {
      this.next = null;
      this.solveBest();
    }
  }

  onSolution(s) {
    if (this.finished) return;
    if (!this.heads.fresh(s)) return; // its head aged out; the solver already works on a newer one
    if (s.rule && s.rule !== this.rules.rule) return; // solved before --rule auto switched the order
    if (this.target.accepts && !this.target.accepts(s)) return; // for a target already done
    if (this.inFlight) { this.next = s; return; }
    this.attempt(s).catch((e) => this.end(EXIT.nodeOrSolver, `unexpected failure: ${e.message}`));
  }

  baseRecord(s) {
    return {
      command: this.target.command, profile: this.target.profile, block: s?.blockNumber ?? null,
      block_hash: s?.blockHash ?? null, nonce: s ? s.nonce.toString() : null, rule: this.rules.rule,
      account: this.target.workAccount(), seal: s?.seal ?? null, backend: s?.backend ?? null, extrinsic: null,
      included_block: null, included_block_number: null, result: null, error: null, explanation: null,
      events: [], head_to_submit_ms: null, submit_to_inclusion_ms: null,
    };
  }

  async attempt(s) {
    this.inFlight = true;
    if (!this.rules.settled && this.probing) {
      await this.probing;
      // The probes switched the order (the solver works under the other rule now), or the head
      // aged out meanwhile.
      if (s.rule !== this.rules.rule || !this.heads.fresh(s)) { this.takeNext(s.blockNumber); return; }
    }
    const head = this.heads.get(s.blockNumber);
    if (this.target.recheck) {
      const check = await this.target.recheck(s, head, this.heads.best);
      if (this.finished) return;
      if (!check.ok) {
        this.log(`a solution for block ${s.blockNumber} is not submitted: ${check.why}; solving goes on`);
        this.takeNext(s.blockNumber);
        return;
      }
    }
    const record = this.baseRecord(s);
    await this.submit(s, record, head);
    if (this.finished) return;
    const settledBy = this.rules.fromOutcome(record, s.seal, head.difficulty);
    if (settledBy?.switched && record.error === 'InvalidDifficulty') {
      record.explanation = `--rule auto: this chain does not read seals as rule ${s.rule ?? record.rule}; switching to rule ${this.rules.rule}`;
    }
    this.report(record);
    const step = nextStep(record, { switched: settledBy?.switched, retryable: this.target.retryable, skippable: this.target.skippable });
    if (settledBy && step !== 'switched') this.settled(settledBy);
    switch (step) {
      case 'counted':
      case 'skip': {
        const code = step === 'counted' ? this.target.counted(record) : this.target.skipped?.(record);
        if (code !== null && code !== undefined) { this.end(code); return; }
        break;
      }
      case 'switched':
        this.inFlight = false;
        this.settled(settledBy);
        return;
      case 'retry':
        this.log(`${record.error}: ${record.explanation}; trying again on a newer head`);
        break;
      default:
        this.end(EXIT.notAchieved, `${record.error}: ${record.explanation}`);
        return;
    }
    if ((step === 'counted' || step === 'skip') && this.target.newJobAfterOutcome) {
      // The next target (e.g. the next hotkey) is solved from the best head on.
      this.inFlight = false;
      this.next = null;
      this.solveBest();
      return;
    }
    this.takeNext(s.blockNumber + 1);
  }

  /**
   * Ends an attempt: the solution that arrived meanwhile goes next if it is still fresh, for a
   * block from minBlock on, and under the current rule.
   */
  takeNext(minBlock) {
    this.inFlight = false;
    const next = this.next;
    this.next = null;
    if (next && this.heads.fresh(next) && next.blockNumber >= minBlock && (!next.rule || next.rule === this.rules.rule)) {
      this.attempt(next).catch((e) => this.end(EXIT.nodeOrSolver, `unexpected failure: ${e.message}`));
    }
  }
}
