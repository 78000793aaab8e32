// The solver as one long-lived child process speaking the job feed (`btpow solve --jobs - --json`,
// or any command given with --solver that speaks it, e.g. the fleet driver): one job line per head
// on stdin, one JSON solution per line on stdout, status on stderr. It stays warm across heads and
// across reconnections to the node; a new line replaces the current job at once.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EventEmitter } from 'node:events';

/**
 * Only these keys go into a job line; the solver refuses unknown keys. A v1 job (docs/protocol.md §10, seal
 * 'v1') carries netuid, hotkey and coldkey instead of account and rule (v1 is read le only).
 */
export function jobLine({ seal, blockNumber, blockHash, account, netuid, hotkey, coldkey, difficulty, rule, count = 1 }) {
  if (seal === 'v1') {
    return JSON.stringify({
      seal: 'v1', block_number: Number(blockNumber), block_hash: blockHash, netuid: Number(netuid), hotkey, coldkey,
      difficulty: String(difficulty), count,
    });
  }
  return JSON.stringify({
    block_number: Number(blockNumber), block_hash: blockHash, account, difficulty: String(difficulty), rule, count,
  });
}

/**
 * Splits a --solver command line into words: whitespace separates, '…' and "…" quote; no shell
 * is involved. Throws on an unclosed quote or an empty command.
 */
export function splitCommand(text) {
  const words = [];
  let word = null;
  let quote = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (quote) throw new Error(`an unclosed ${quote} quote`);
  if (word !== null) words.push(word);
  if (words.length === 0) throw new Error('an empty command');
  return words;
}

/**
 * Events: 'solution' (parsed object with blockNumber, nonce (BigInt), seal), 'refused' (an
 * object with an "error" key: the solver rejected a job line), 'status' (a stderr line), 'exit'
 * ({ code, signal }) when the child ends while we did not ask it to.
 */
export class Solver extends EventEmitter {
  /** Either `command` (the words of --solver, run as given) or btpow at `path` with its options. */
  constructor({ path = 'btpow', backend, threads, command }) {
    super();
    if (command) {
      [this.path, ...this.args] = command;
    } else {
      this.path = path;
      this.args = ['solve', '--jobs', '-', '--json'];
      if (backend) this.args.push('--backend', backend);
      if (threads) this.args.push('--threads', String(threads));
    }
    this.stopping = false;
  }

  start() {
    return new Promise((resolve, reject) => {
      let child;
      try {
        child = spawn(this.path, this.args, { stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (e) {
        reject(e);
        return;
      }
      this.child = child;
      child.once('error', (e) => {
        if (!this.started) reject(new Error(`cannot start the solver '${this.path}': ${e.code ?? e.message}`));
        else this.emit('exit', { code: null, signal: null, error: e });
      });
      child.once('spawn', () => { this.started = true; resolve(); });
      child.stdin.on('error', () => {}); // a dead child is reported through 'exit'
      createInterface({ input: child.stdout }).on('line', (line) => this.#onLine(line));
      createInterface({ input: child.stderr }).on('line', (line) => this.emit('status', line));
      child.once('exit', (code, signal) => {
        this.exited = true;
        if (!this.stopping) this.emit('exit', { code, signal });
      });
    });
  }

  #onLine(line) {
    let obj;
    try {
      obj = JSON.parse(line);
    } catch {
      this.emit('status', line);
      return;
    }
    if (obj && typeof obj === 'object' && 'error' in obj) {
      this.emit('refused', obj);
      return;
    }
    if (obj?.nonce === undefined || obj?.seal === undefined || obj?.block_number === undefined) {
      this.emit('status', line);
      return;
    }
    const v1 = obj.seal_kind === 'v1';
    let nonce;
    try {
      nonce = BigInt(obj.nonce);
    } catch {
      this.emit('status', line);
      return;
    }
    this.emit('solution', {
      kind: v1 ? 'v1' : 'old',
      blockNumber: Number(obj.block_number),
      blockHash: obj.block_hash,
      account: obj.account,
      hotkey: obj.hotkey,
      coldkey: obj.coldkey,
      netuid: obj.netuid,
      nonce,
      // docs/protocol.md §10: the v1 call's `work` is the 32 seal bytes.
      seal: v1 ? (obj.work ?? obj.seal) : obj.seal,
      rule: obj.rule,
      backend: obj.backend,
      worker: obj.worker,
      raw: obj,
    });
  }

  submit(job) {
    if (this.exited) return;
    this.child.stdin.write(`${jobLine(job)}\n`);
  }

  /** Ends the child: closes its input, then SIGTERM, then SIGKILL; resolves when it is gone. */
  stop() {
    this.stopping = true;
    const child = this.child;
    if (!child || this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('exit', () => { clearTimeout(kill); resolve(); });
      child.kill('SIGTERM');
      try { child.stdin.end(); } catch { /* already closed */ }
    });
  }
}
