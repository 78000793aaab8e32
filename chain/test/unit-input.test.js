// Hostile input to btpow-chain, without a chain (issue classes: a run that must end within
// --timeout even while connecting, timer inputs in range, malformed --node, wallet keyfile
// defects, secrets never echoed, local input checked before the node is contacted, one rule with
// btpow for accounts and difficulties). Each case runs the CLI as a user would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptoWaitReady, mnemonicGenerate, mnemonicValidate, sr25519PairFromSeed, encodeAddress, randomAsU8a } from '@polkadot/util-crypto';
import { parseArgs } from '../src/args.js';
import { UsageError } from '../src/errors.js';
import { CLI } from './support/harness.js';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const ALICE_HEX = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
const ALICE_POLKADOT = '15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5'; // the same key, network prefix 0
const UNREACHABLE = ['--node', 'ws://127.0.0.1:1'];
const NODE = ['--node', 'ws://127.0.0.1:9944'];

/** Runs the CLI; resolves { code, stderr, stdout, ms }. */
function cli(args, { env = {}, timeoutMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`hung: ${args.join(' ')}\n${stderr}`)); }, timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, ms: performance.now() - started }); });
  });
}
/** Runs fn on every item at once (the cases are separate processes that mostly load modules). */
const all = (items, fn) => Promise.all(items.map(fn));
const noStack = (text) => assert.doesNotMatch(text, /\bat .*\.js:\d+|SyntaxError|TypeError/);

let silentTcp;
let silentWs;
before(async () => {
  // A listener that accepts and never answers, and one that completes the WebSocket handshake and
  // then says nothing.
  silentTcp = createServer(() => {});
  silentWs = createServer((socket) => {
    socket.once('data', (req) => {
      const key = /Sec-WebSocket-Key: *(\S+)/i.exec(String(req))?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
  });
  await Promise.all([silentTcp, silentWs].map((s) => new Promise((r) => s.listen(0, '127.0.0.1', r))));
});
after(() => {
  silentTcp.closeAllConnections?.(); silentTcp.close();
  silentWs.closeAllConnections?.(); silentWs.close();
});

// --timeout counts from the process's start; Node.js and the polkadot modules take a few seconds
// to load on a busy machine, so the bound is --timeout plus what --help takes, plus a margin.
test('connecting honours --timeout: a silent TCP listener and a silent WebSocket end the run within about --timeout', { timeout: 120000 }, async () => {
  const help = await cli(['--help']);
  const bound = Math.max(help.ms, 3000) + 3000;
  // One run at a time, as --help was timed: the bound holds for a process that loads alone.
  for (const server of [silentTcp, silentWs]) {
    const node = ['--node', `ws://127.0.0.1:${server.address().port}`];
    const r = await cli(['faucet', ...node, '--dev', 'Alice', '--timeout', '3', '--btpow', process.execPath]);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(r.ms < bound, `ended after ${r.ms} ms (bound ${bound} ms)`);
    assert.match(r.stderr, /connecting to|reading metadata from/);
    assert.match(r.stderr, /--timeout 3 s/);
    const j = await cli(['jobs', ...node, '--faucet', '--account', ALICE, '--timeout', '3']);
    assert.equal(j.code, 3, j.stderr);
    assert.ok(j.ms < bound, `jobs ended after ${j.ms} ms (bound ${bound} ms)`);
  }
});

test('--timeout and --reconnect are range-checked (Node\'s timers overflow above 2147483.647 s)', () => {
  const usage = (argv, re) => assert.throws(() => parseArgs(argv), (e) => e instanceof UsageError && re.test(e.message));
  usage(['faucet', ...NODE, '--dev', 'Alice', '--timeout', '2592000'], /--timeout: expected at most 2147483 s/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--timeout', '2147483.7'], /--timeout: expected at most/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--timeout', '0'], /--timeout: expected a positive number/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--timeout', '1e3'], /--timeout: expected a positive number/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--reconnect', '99999999'], /--reconnect: expected at most/);
  usage(['jobs', ...NODE, '--faucet', '--account', ALICE, '--timeout', '3000000'], /--timeout: expected at most/);
  assert.equal(parseArgs(['faucet', ...NODE, '--dev', 'Alice', '--timeout', '2147483']).options.timeout, 2147483);
  assert.equal(parseArgs(['faucet', ...NODE, '--dev', 'Alice', '--reconnect', '0']).options.reconnect, 0);
});

test('a malformed --node is bad input (exit 2) naming --node, never a stack trace', async () => {
  await all(['ws://127.0.0.1:99999', 'ws://127.0.0.1:abc', 'ws://[::1', 'ws://127.0.0.1 :9944', 'ws://127.0.0.1:9944\n', 'http://127.0.0.1:9944', 'ws://'], async (url) => {
    const r = await cli(['faucet', '--node', url, '--dev', 'Alice']);
    assert.equal(r.code, 2, `${JSON.stringify(url)}: ${r.stderr}`);
    assert.match(r.stderr, /--node: expected ws:\/\/HOST:PORT/);
    noStack(r.stderr);
  });
});

test('wallet keyfile defects: exit 2 naming the file and what is wrong, before the node is contacted', async () => {
  await cryptoWaitReady();
  const dir = mkdtempSync(join(tmpdir(), 'btpow-chain-wallets-'));
  try {
    const wallet = (name, coldkey, coldkeypub) => {
      mkdirSync(join(dir, name, 'hotkeys'), { recursive: true });
      if (coldkey !== undefined) writeFileSync(join(dir, name, 'coldkey'), coldkey);
      if (coldkeypub !== undefined) writeFileSync(join(dir, name, 'coldkeypub.txt'), coldkeypub);
      writeFileSync(join(dir, name, 'hotkeys', 'default'), JSON.stringify({ secretPhrase: mnemonicGenerate(12) }));
    };
    const good = mnemonicGenerate(12);
    const words = good.split(' ');
    let bad = null;
    for (const w of ['abandon', 'ability', 'able', 'about', 'above', 'absent']) {
      const candidate = [...words.slice(0, 11), w].join(' ');
      if (!mnemonicValidate(candidate)) { bad = candidate; break; }
    }
    const a = sr25519PairFromSeed(randomAsU8a(32));
    const b = sr25519PairFromSeed(randomAsU8a(32));
    const hex = (u) => `0x${Buffer.from(u).toString('hex')}`;
    wallet('badchecksum', JSON.stringify({ secretPhrase: bad }));
    wallet('notmnemonic', JSON.stringify({ secretPhrase: 'correct horse battery staple' }));
    wallet('badpath', JSON.stringify({ secretPhrase: `${good}//` }));
    wallet('mismatch', JSON.stringify({ privateKey: hex(a.secretKey), publicKey: hex(b.publicKey) }));
    wallet('empty', '');
    wallet('garbagepub', JSON.stringify({ secretPhrase: good }), JSON.stringify({ ss58Address: '5NotAnAddressAtAll' }));
    const cases = [
      ['faucet', 'badchecksum', /coldkey': its secretPhrase is not a valid BIP-39 mnemonic \(a word outside the English list, or a bad checksum\)/],
      ['faucet', 'notmnemonic', /coldkey': its secretPhrase is not a valid BIP-39 mnemonic \(4 words/],
      ['faucet', 'badpath', /coldkey': its secretPhrase has a bad derivation path/],
      ['faucet', 'mismatch', /coldkey': its privateKey does not belong to its publicKey/],
      ['faucet', 'empty', /coldkey' is empty/],
      ['register', 'garbagepub', /coldkeypub\.txt': its ss58Address is not an SS58 address of prefix 42/],
    ];
    await all(cases, async ([command, name, re]) => {
      const extra = command === 'register' ? ['--netuid', '1'] : [];
      const r = await cli([command, ...UNREACHABLE, ...extra, '--wallet', name, '--wallet-path', dir, '--btpow', process.execPath]);
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /--wallet: '/, name);
      assert.match(r.stderr, re, name);
      assert.doesNotMatch(r.stderr, /cannot reach/, name);
      for (const w of good.split(' ')) assert.ok(!r.stderr.includes(` ${w} `) || !r.stderr.includes(good), name);
      assert.ok(!r.stderr.includes(good) && (bad === null || !r.stderr.includes(bad)), `${name}: the phrase was echoed`);
      noStack(r.stderr);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no value of a flag that could be a secret is printed; unknown flags are named without values', async () => {
  const phrase = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
  await all([
    ['faucet', ...NODE, '--SURI=//SecretAlice'],
    ['faucet', ...NODE, '--private_key=0xdeadbeefcafe'],
    ['faucet', ...NODE, '--dev', phrase],
    ['faucet', ...NODE, `--${phrase}`],
    ['faucet', ...NODE, phrase],
    ['faucet', ...NODE, '--suri-env', phrase],
    ['faucet', ...NODE, '--wallet', 'w', '--password-env', 'hunter2 password'],
    ['faucet', ...NODE, '--wallet', phrase],
    ['faucet', ...NODE, '--suri-file', phrase, '--btpow', process.execPath],
    ['pow-register', ...NODE, '--netuid', '1', '--wallet', 'w', '--wallet-hotkey', phrase],
    ['faucet', ...NODE, '--mnemonic', phrase],
    ['register', ...NODE, '--netuid', '1', '--seed=0x1234abcd'],
  ], async (args) => {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    for (const secret of ['SecretAlice', 'deadbeefcafe', 'bottom drive', 'curtain', 'hunter2', '1234abcd']) {
      assert.ok(!r.stderr.includes(secret), `${args.join(' ')} echoed ${secret}: ${r.stderr}`);
    }
  });
  const r = await cli(['faucet', ...NODE, '--frobnicate=7', '--dev', 'Alice']);
  assert.match(r.stderr, /--frobnicate: not an option of 'faucet'/);
  assert.ok(!r.stderr.includes('=7'));
});

test('local input is checked before the node is contacted: a bad --suri-file or --btpow is exit 2', async () => {
  await all([
    [['--suri-file', '/nonexistent/suri', '--btpow', process.execPath], /--suri-file: cannot read/],
    [['--dev', 'Alice', '--btpow', '/nonexistent/btpow'], /--btpow: '\/nonexistent\/btpow' is not an executable file/],
    [['--dev', 'Alice', '--solver', 'no-such-solver-command --jobs -'], /--solver: 'no-such-solver-command' is not an executable file in PATH/],
    [['--dev', 'Alice', '--metrics', 'localhost'], /--metrics: expected HOST:PORT/],
  ], async ([args, re]) => {
    const r = await cli(['faucet', ...UNREACHABLE, ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
  });
});

test('one rule with btpow: SS58 of prefix 42 or 64 hex digits; difficulties in decimal or 0x hex', () => {
  const opts = (argv) => parseArgs(argv).options;
  assert.equal(opts(['jobs', ...NODE, '--faucet', '--account', ALICE]).account, ALICE);
  assert.equal(opts(['jobs', ...NODE, '--faucet', '--account', ALICE_HEX]).account, ALICE);
  assert.equal(opts(['jobs', ...NODE, '--faucet', '--account', ALICE_HEX.slice(2)]).account, ALICE);
  assert.equal(opts(['jobs', ...NODE, '--faucet', '--account', ALICE_HEX.toUpperCase().replace('0X', '0X')]).account, ALICE);
  assert.throws(() => parseArgs(['jobs', ...NODE, '--faucet', '--account', ALICE_POLKADOT]),
    (e) => e instanceof UsageError && /--account: expected an SS58 address with prefix 42 .*network prefix 0/.test(e.message));
  assert.throws(() => parseArgs(['jobs', ...NODE, '--faucet', '--account', encodeAddress(ALICE_HEX, 2)]), /network prefix 2/);
  assert.throws(() => parseArgs(['jobs', ...NODE, '--faucet', '--account', 'x'.repeat(100000)]), /got 100000 characters/);
  assert.throws(() => parseArgs(['jobs', ...NODE, '--faucet', '--account', `${ALICE_HEX}00`]), /--account: expected/);
  assert.equal(opts(['faucet', ...NODE, '--dev', 'Alice', '--difficulty', '0x10']).difficulty, 16n);
  assert.equal(opts(['faucet', ...NODE, '--dev', 'Alice', '--difficulty', '0XfF']).difficulty, 255n);
  assert.equal(opts(['faucet', ...NODE, '--dev', 'Alice', '--difficulty', '1000000']).difficulty, 1000000n);
  assert.throws(() => parseArgs(['faucet', ...NODE, '--dev', 'Alice', '--difficulty', `0x1${'0'.repeat(64)}`]), /--difficulty: expected 0…2\^256−1/);
  assert.throws(() => parseArgs(['faucet', ...NODE, '--dev', 'Alice', '--difficulty', '0x']), /--difficulty: expected a whole number/);
  assert.throws(() => parseArgs(['faucet', ...NODE, '--dev', 'Alice', '--difficulty', '1'.repeat(200)]), /200 characters/);
});

test('pow-register and jobs --pow-register: their flags', () => {
  const o = parseArgs(['pow-register', ...NODE, '--netuid', '3', '--dev', 'Alice', '--hotkey', ALICE, '--hotkey', ALICE_HEX.replace(/d$/, 'e')]).options;
  assert.equal(o.hotkeys.length, 2);
  assert.deepEqual(o.signer, { kind: 'dev', name: 'Alice' });
  const w = parseArgs(['pow-register', ...NODE, '--netuid', '3', '--wallet', 'w', '--wallet-hotkey', 'a', '--wallet-hotkey', 'b']).options;
  assert.deepEqual(w.signer.hotkeys, ['a', 'b']);
  const usage = (argv, re) => assert.throws(() => parseArgs(argv), (e) => e instanceof UsageError && re.test(e.message));
  usage(['pow-register', ...NODE, '--netuid', '3', '--dev', 'Alice'], /--hotkey: required/);
  usage(['pow-register', ...NODE, '--netuid', '0', '--dev', 'Alice', '--hotkey', ALICE], /root subnet/);
  usage(['pow-register', ...NODE, '--netuid', '3', '--hotkey', ALICE], /the coldkey\) is required/);
  usage(['pow-register', ...NODE, '--netuid', '3', '--dev', 'Alice', '--hotkey', ALICE, '--hotkey', ALICE], /a hotkey given twice/);
  usage(['pow-register', ...NODE, '--netuid', '3', '--dev', 'Alice', '--hotkey', ALICE, '--rule', 'be'], /le only/);
  const j = parseArgs(['jobs', ...NODE, '--pow-register', '--netuid', '3', '--hotkey', ALICE, '--coldkey', ALICE]).options;
  assert.equal(j.target, 'pow-register');
  usage(['jobs', ...NODE, '--pow-register', '--netuid', '3', '--hotkey', ALICE], /--coldkey: required with --pow-register/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--solver', 'x', '--btpow', 'y'], /--btpow: not with --solver/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--solver', '"unclosed'], /--solver: expected a command line, got an unclosed " quote/);
  assert.deepEqual(parseArgs(['faucet', ...NODE, '--dev', 'Alice', '--solver', 'python3 -m btpow.fleet --scheduler "tcp://h:1" --jobs - --json']).options.solver,
    ['python3', '-m', 'btpow.fleet', '--scheduler', 'tcp://h:1', '--jobs', '-', '--json']);
});
