// Test harness: starts a chain from a raw spec with chopsticks (in its own process, on
// 127.0.0.1, a free port) and runs btpow-chain as a user would. Every wait has a timeout and every
// child is killed at the end.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const here = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_DIR = resolve(here, '..', '..');
const REPO_DIR = resolve(PACKAGE_DIR, '..');
export const CLI = join(PACKAGE_DIR, 'bin', 'btpow-chain.js');

/** The directory of raw chain specs: $BTPOW_CHAIN_SPECS, else ../shared/chain beside the repository. */
export const SPECS_DIR = process.env.BTPOW_CHAIN_SPECS ?? resolve(REPO_DIR, '..', 'shared', 'chain');
/** The btpow binary: $BTPOW_BIN, else build/examples/btpow. */
export const BTPOW = process.env.BTPOW_BIN ?? join(REPO_DIR, 'build', 'examples', 'btpow');
/** Solver options for tests: the CPU, few threads. */
export const SOLVER_ARGS = ['--btpow', BTPOW, '--backend', 'cpu', '--threads', process.env.BTPOW_TEST_THREADS ?? '2'];

export const SPECS = {
  subtensor200: 'subtensor-spec200-be-faucet.raw.json',
  subtensor293: 'subtensor-spec293-le.raw.json',
  torus23: 'torus-spec23-be-faucet.raw.json',
};

/** A reason to skip a chain test, or false when the spec file and the solver are there. */
export function skipReason(spec) {
  const file = join(SPECS_DIR, SPECS[spec]);
  if (!existsSync(file)) return `chain spec ${file} is absent (set BTPOW_CHAIN_SPECS to the directory that holds it)`;
  if (!existsSync(BTPOW)) return `btpow binary ${BTPOW} is absent (set BTPOW_BIN)`;
  return false;
}

function timeout(ms, what) {
  let timer;
  const promise = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * The first line a child writes on `stream`, or a rejection after `ms` (the timer is cleared
 * either way, so a test file ends as soon as its tests do).
 */
export async function firstLine(stream, ms, what) {
  const t = timeout(ms, what);
  try {
    return await Promise.race([new Promise((res) => createInterface({ input: stream }).once('line', res)), t.promise]);
  } finally {
    t.cancel();
  }
}

/**
 * Starts a chain; returns { url, api, keyring, rpc(method, params), kill(), stop() }. `at`:
 * 'genesis' leaves the best block at block 0.
 */
export async function startChain(spec, mode = 'Instant', at = undefined, { port, db, resume } = {}) {
  const env = { ...process.env };
  if (port) env.CHOPSTICKS_PORT = String(port);
  if (db) env.CHOPSTICKS_DB = db;
  if (resume) env.CHOPSTICKS_RESUME = '1';
  const child = spawn(process.execPath, [join(here, 'chopsticks-node.js'), join(SPECS_DIR, SPECS[spec]), mode, ...(at ? [at] : [])], {
    stdio: ['pipe', 'pipe', 'pipe'], env,
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const t = timeout(120000, `starting ${spec}`);
  const line = await Promise.race([
    new Promise((res, rej) => {
      createInterface({ input: child.stdout }).once('line', res);
      child.once('exit', (code) => rej(new Error(`chopsticks exited (${code}): ${stderr.slice(-2000)}`)));
    }),
    t.promise,
  ]).finally(t.cancel);
  const info = JSON.parse(line);
  const url = `ws://127.0.0.1:${info.port}`;
  const api = await ApiPromise.create({ provider: new WsProvider(url, 1000), noInitWarn: true });
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const chain = {
    ...info, url, api, keyring, child,
    logs: () => stderr,
    rpc: (method, params = []) => api.rpc(method, ...params),
    /**
     * Signs and submits a set-up transaction and waits until the signer's stored nonce moves past
     * it. (Waiting on the watch subscription instead can miss an Instant-mode block that is built
     * before the subscription is in place.)
     */
    async send(tx, signer) {
      const nonceOf = async () => (await api.query.system.account(signer.address)).nonce.toNumber();
      const nonce = await nonceOf();
      await tx.signAndSend(signer, { nonce });
      const deadline = Date.now() + 60000;
      while (await nonceOf() <= nonce) {
        if (Date.now() > deadline) throw new Error('a set-up transaction was not included within 60 s');
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    /** Ends the chain at once (SIGKILL): a node that goes away. */
    kill() { child.kill('SIGKILL'); },
    async stop() {
      await api.disconnect().catch(() => {});
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((res) => child.once('exit', res));
        child.kill('SIGTERM');
        const t2 = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(t2);
      }
    },
  };
  return chain;
}

/** Runs btpow-chain; resolves { code, stdout, stderr, attempts (parsed --json lines), ms }. */
export function runCli(args, { env = {}, timeoutMs = 120000, onStderr } = {}) {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; onStderr?.(String(d), child); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`btpow-chain ${args.join(' ')} hung for ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const attempts = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      resolveRun({ code, stdout, stderr, attempts, ms: performance.now() - started });
    });
  });
}
