// The connection to the node: connecting within the run's deadline, and, when the connection is
// lost, reconnecting with backoff (said on stderr), re-reading the metadata and following heads
// again, until the node is back or the reconnection limit passes.
import { EventEmitter } from 'node:events';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { RECONNECT_LIMIT_S } from './args.js';
import { FailureError } from './errors.js';

/** Backoff between reconnection tries: doubling from the first to the last, in ms. */
export const BACKOFF_MS = { first: 250, last: 5000 };

/** The waits between reconnection tries: BACKOFF_MS.first doubling up to BACKOFF_MS.last. */
export function backoff(attempt) {
  return Math.min(BACKOFF_MS.first * 2 ** attempt, BACKOFF_MS.last);
}

/** Rejects with FailureError `what` when `promise` takes longer than ms. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new FailureError(ms > 0 ? `${what}: no answer within ${Math.round(ms) / 1000} s` : `${what}: no time left`)), Math.max(0, ms));
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Connects once, within ms (both the socket and the metadata). Rejects with FailureError when the
 * node cannot be reached; onLost fires on a later disconnect.
 */
export async function connect(url, ms, onLost) {
  const began = performance.now();
  const left = () => ms - (performance.now() - began);
  const provider = new WsProvider(url, 0);
  let connected = false;
  const reached = new Promise((resolve, reject) => {
    provider.on('connected', () => { connected = true; resolve(); });
    provider.on('error', (e) => { if (!connected) reject(new FailureError(`cannot reach the node at ${url}${e?.message ? `: ${e.message}` : ''}`)); });
  });
  provider.connect().catch(() => {});
  let api;
  try {
    await withTimeout(reached, left(), `connecting to ${url}`);
    api = await withTimeout(ApiPromise.create({ provider, noInitWarn: true }), left(), `reading metadata from ${url}`);
  } catch (e) {
    // A silent peer can hold the close handshake too: do not wait for it.
    provider.disconnect().catch(() => {});
    throw e;
  }
  provider.on('disconnected', () => onLost?.());
  return api;
}

/**
 * A connection that comes back. Events: 'lost' (the connection dropped; reconnecting),
 * 'restored' (api: a fresh ApiPromise; follow heads again), 'gone' (message: the node stayed away
 * past the limit or the deadline).
 */
export class Link extends EventEmitter {
  constructor(url, { deadline, reconnectLimitS = RECONNECT_LIMIT_S, log }) {
    super();
    Object.assign(this, { url, deadline, reconnectLimitS, log });
    this.api = null;
    this.down = false;
    this.closed = false;
  }

  left() { return this.deadline - performance.now(); }

  /** The first connection: within 15 s (or what is left of --timeout, if less). */
  async open() {
    this.api = await connect(this.url, Math.min(15000 + 60000, this.left()), () => this.#lost());
    return this.api;
  }

  /** Resolves when the connection is up (at once when it is). */
  up() {
    if (!this.down) return Promise.resolve(this.api);
    return new Promise((resolve, reject) => {
      const restored = (api) => { this.off('gone', gone); resolve(api); };
      const gone = () => { this.off('restored', restored); reject(new FailureError('the node is gone')); };
      this.once('restored', restored);
      this.once('gone', gone);
    });
  }

  #lost() {
    if (this.closed || this.down) return;
    this.down = true;
    const old = this.api;
    old?.disconnect().catch(() => {});
    if (this.reconnectLimitS === 0) {
      this.emit('gone', `lost the connection to the node at ${this.url} (--reconnect 0: no reconnection)`);
      return;
    }
    this.log(`lost the connection to the node at ${this.url}; reconnecting (for up to ${this.reconnectLimitS} s)`);
    this.emit('lost');
    this.#reconnect().catch((e) => this.emit('gone', e.message));
  }

  async #reconnect() {
    const began = performance.now();
    const limit = () => Math.min(this.reconnectLimitS * 1000 - (performance.now() - began), this.left());
    for (let attempt = 0; ; attempt += 1) {
      if (this.closed) return;
      if (limit() <= 0) {
        throw new FailureError(`lost the connection to the node at ${this.url} and it did not come back within ${this.reconnectLimitS} s (--reconnect)`);
      }
      try {
        this.api = await connect(this.url, Math.min(limit(), 15000), () => this.#lost());
        if (this.closed) { await this.api.disconnect().catch(() => {}); return; }
        this.down = false;
        this.log(`reconnected to ${this.url} after ${((performance.now() - began) / 1000).toFixed(1)} s (try ${attempt + 1})`);
        this.emit('restored', this.api);
        return;
      } catch (e) {
        if (!(e instanceof FailureError)) throw e;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(backoff(attempt), limit()))));
    }
  }

  async close() {
    this.closed = true;
    await withTimeout(this.api?.disconnect() ?? Promise.resolve(), 3000, 'disconnecting').catch(() => {});
  }
}
