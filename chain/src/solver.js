// The btpow solver as one long-lived child process (`btpow solve --jobs - --json`): one job line
// per head on stdin, one JSON solution per line on stdout, status on stderr. It stays warm across
// heads; a new line replaces the current job at once.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EventEmitter } from 'node:events';

/** Only these keys go into a job line; the solver refuses unknown keys. */
export function jobLine({ blockNumber, blockHash, account, difficulty, rule, count = 1 }) {
  return JSON.stringify({
    block_number: Number(blockNumber), block_hash: blockHash, account, difficulty: String(difficulty), rule, count,
  });
}

/**
 * Events: 'solution' (parsed object with blockNumber, nonce (BigInt), seal), 'refused' (an
 * object with an "error" key: the solver rejected a job line), 'status' (a stderr line), 'exit'
 * ({ code, signal }) when the child ends while we did not ask it to.
 */
export class Solver extends EventEmitter {
  constructor({ path = 'btpow', backend, threads }) {
    super();
    this.path = path;
    this.args = ['solve', '--jobs', '-', '--json'];
    if (backend) this.args.push('--backend', backend);
    if (threads) this.args.push('--threads', String(threads));
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
    this.emit('solution', {
      blockNumber: Number(obj.block_number),
      blockHash: obj.block_hash,
      account: obj.account,
      nonce: BigInt(obj.nonce),
      seal: obj.seal,
      rule: obj.rule,
      backend: obj.backend,
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
