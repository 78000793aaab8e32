#!/usr/bin/env node
// Runs one chain from a raw chain spec with chopsticks, offline, on 127.0.0.1, and prints
// {"port":N,"runtime":"…","spec_version":V} on stdout once it accepts connections. It exits on
// SIGTERM/SIGINT or when its parent goes away (stdin closes), so a test can never leave it behind.
// Usage: chopsticks-node.js GENESIS_FILE [Instant|Manual|Batch] [genesis]
// With `genesis` the chain's best block is block 0 (chopsticks builds block 1 at start-up; its
// head is set back to the genesis block), as a fresh dev chain before its first block.
// Env: CHOPSTICKS_PORT (default: a free one), CHOPSTICKS_DB (a SQLite file that keeps the blocks)
// and CHOPSTICKS_RESUME=1 (start from the newest block in it: a node restarted on its own data).
import { readFileSync } from 'node:fs';

const [genesisFile, mode = 'Instant', at] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(genesisFile, 'utf8'));
const wasm = spec.genesis.raw.top['0x3a636f6465'];

// Quiet unless asked: chopsticks logs through pino at this level.
process.env.LOG_LEVEL ??= 'error';
const { setupWithServer, runTask, getAuraSlotDuration, BuildBlockMode } = await import('@acala-network/chopsticks');

// chopsticks asks the runtime for the Aura slot duration without allowing unresolved imports; a
// runtime that imports host calls the executor lacks then fails and 12 000 ms is assumed, which
// breaks block building. Ask with unresolved imports allowed and seed chopsticks' cache.
const slot = await runTask({
  wasm,
  calls: [['AuraApi_slot_duration', []]],
  mockSignatureHost: false,
  allowUnresolvedImports: true,
  runtimeLogLevel: 0,
});
if ('Call' in slot) {
  const le = Buffer.from(slot.Call.result.slice(2, 18), 'hex');
  getAuraSlotDuration.cache.set(wasm, Promise.resolve(Number(le.readBigUInt64LE(0))));
}

// chopsticks builds the first block at start-up from the wall clock, reading it twice (the Aura
// digest, then the timestamp inherent); if a second boundary falls between the reads the runtime
// panics ("Timestamp slot must match CurrentSlot"). Hold the clock still while it starts; later
// blocks take their time from the previous block's timestamp.
const realNow = Date.now;
const frozen = realNow() - (realNow() % 12000);
Date.now = () => frozen;
const server = await setupWithServer({
  genesis: spec,
  port: Number(process.env.CHOPSTICKS_PORT ?? 0),
  ...(process.env.CHOPSTICKS_DB ? { db: process.env.CHOPSTICKS_DB, resume: process.env.CHOPSTICKS_RESUME === '1' } : {}),
  host: '127.0.0.1',
  'build-block-mode': BuildBlockMode[mode],
  'allow-unresolved-imports': true,
  'runtime-log-level': 0,
});
Date.now = realNow;
if (at === 'genesis') await server.chain.setHead(await server.chain.getBlockAt(0));
const port = Number(String(server.addr).split(':').pop());
const head = server.chain.head;
const version = await head.runtimeVersion;
process.stdout.write(JSON.stringify({ port, runtime: version.specName, spec_version: version.specVersion }) + '\n');

let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  const force = setTimeout(() => process.exit(0), 3000);
  force.unref();
  try { await server.close(); } catch { /* exiting anyway */ }
  process.exit(0);
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
process.stdin.on('end', close);
process.stdin.on('error', close);
process.stdin.resume();
