// Unit tests that need no chain: argument parsing, keyfile decoding, error explanations, profile
// selection, the solver's job line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { parseArgs } from '../src/args.js';
import { UsageError, explain, poolErrorName } from '../src/errors.js';
import { chooseProfile, torus, subtensor } from '../src/profiles.js';
import { jobLine } from '../src/solver.js';
import { otherRule, probeSeals, sealPasses } from '../src/rules.js';
import { decryptKeyfile, keyfileKind, parseKeyfileJson } from '../src/keyfile.js';
import { loadSigner, walletColdkeyAddress } from '../src/signer.js';
import { CLI, PACKAGE_DIR } from './support/harness.js';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const NODE = ['--node', 'ws://127.0.0.1:9944'];
const WALLETS = join(PACKAGE_DIR, 'test', 'fixtures', 'wallets');
const WALLET_COLDKEY = '5G4CboZzmrYXnip8srZwfQzNmkJPdrKQKcypnN9waufCjTAe';
const WALLET_HOTKEY = '5HYEi76jY4SN59fDttGBHzzrqotNuzgVftWpJQwe6kUVxPHY';

const usage = (argv, pattern) => assert.throws(() => parseArgs(argv), (e) => e instanceof UsageError && pattern.test(e.message));

test('faucet: defaults and a dev signer', () => {
  const { command, options } = parseArgs(['faucet', ...NODE, '--dev', 'alice']);
  assert.equal(command, 'faucet');
  assert.deepEqual(options.signer, { kind: 'dev', name: 'Alice' });
  assert.equal(options.claims, 1);
  assert.equal(options.rule, undefined); // the profile's default applies
  assert.equal(options.timeout, 120);
});

test('every bad value names its flag and the expected form', () => {
  usage(['faucet', '--dev', 'Alice'], /--node: required/);
  usage(['faucet', '--node', 'http://x', '--dev', 'Alice'], /--node: expected ws:\/\//);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--rule', 'sdk'], /--rule: expected le, be or auto, got 'sdk'/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--claims', '0'], /--claims: expected 1…/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--difficulty', '-5'], /--difficulty: expected a whole number/);
  usage(['faucet', ...NODE, '--dev', 'Zed'], /--dev: expected one of Alice/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--timeout', 'soon'], /--timeout: expected a positive number/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--account', '5Grw'], /--account: expected an SS58 address/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--backend', 'gpu'], /--backend: expected auto, cpu, cuda or all/);
  usage(['faucet', ...NODE, '--dev', 'Alice', '--wallet', 'w'], /give one signer only/);
  usage(['faucet', ...NODE, '--wallet-hotkey', 'h', '--dev', 'Alice'], /--wallet-hotkey: only with --wallet/);
  usage(['faucet', ...NODE], /a signer is required/);
  usage(['faucet', '--chain', 'torus', ...NODE, '--dev', 'Alice', '--account', ALICE], /Torus faucet is unsigned/);
  usage(['faucet', '--chain', 'torus', ...NODE], /--account: required with --chain torus/);
  usage(['register', ...NODE, '--dev', 'Bob'], /--netuid: required/);
  usage(['register', ...NODE, '--netuid', '70000', '--dev', 'Bob'], /--netuid: expected 0…65535/);
  usage(['register', ...NODE, '--netuid', '1', '--claims', '2', '--dev', 'Bob'], /--claims: not an option of 'register'/);
  usage(['jobs', ...NODE], /give --faucet --account SS58, --netuid N --hotkey SS58, or --pow-register/);
  usage(['jobs', ...NODE, '--netuid', '1'], /--hotkey: required with --netuid/);
  usage(['mine', ...NODE], /unknown command 'mine'/);
});

test('secrets are refused on the command line', () => {
  for (const flag of ['--suri', '--mnemonic', '--seed', '--password']) {
    usage(['faucet', ...NODE, flag, '//Alice'], /secrets are not taken on the command line/);
  }
});

test('the CLI exits 2 on bad input with the message, no stack trace', () => {
  const r = spawnSync(process.execPath, [CLI, 'register', ...NODE, '--netuid', 'one', '--dev', 'Bob'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--netuid: expected a whole number, got 'one'/);
  assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /btpow-chain register/);
});

test('jobs: faucet and register targets', () => {
  assert.equal(parseArgs(['jobs', ...NODE, '--faucet', '--account', ALICE]).options.target, 'faucet');
  const r = parseArgs(['jobs', ...NODE, '--netuid', '3', '--hotkey', ALICE, '--rule', 'be']).options;
  assert.equal(r.target, 'register');
  assert.equal(r.netuid, 3);
  assert.equal(r.rule, 'be');
});

test('--rule auto: faucet and register take it, jobs refuses it', () => {
  assert.equal(parseArgs(['faucet', ...NODE, '--dev', 'Alice', '--rule', 'auto']).options.rule, 'auto');
  assert.equal(parseArgs(['register', ...NODE, '--netuid', '1', '--dev', 'Bob', '--rule', 'auto']).options.rule, 'auto');
  usage(['jobs', ...NODE, '--faucet', '--account', ALICE, '--rule', 'auto'], /--rule: expected le or be for jobs/);
});

test('the job line carries only the keys the solver takes', () => {
  const line = JSON.parse(jobLine({ blockNumber: 7, blockHash: '0xab', account: ALICE, difficulty: 1000000n, rule: 'le' }));
  assert.deepEqual(Object.keys(line).sort(), ['account', 'block_hash', 'block_number', 'count', 'difficulty', 'rule']);
  assert.equal(line.difficulty, '1000000');
  assert.equal(line.count, 1);
});

test('refusals are explained by name', () => {
  assert.match(explain('InvalidDifficulty', { rule: 'le' }), /try --rule be/);
  assert.match(explain('InvalidDifficulty', { rule: 'be' }), /try --rule le/);
  assert.match(explain('InvalidWorkBlock'), /2 blocks/);
  assert.match(explain('FaucetDisabled'), /pow-faucet/);
  assert.match(explain('TransactorAccountShouldBeHotKey'), /signed by the hotkey/);
  assert.match(explain('HotKeyAlreadyRegisteredInSubNet'), /already has a uid/);
  assert.equal(poolErrorName('1010: {"invalid":{"stale":null}}'), 'Stale');
  assert.equal(poolErrorName('1010: {"invalid":{"future":null}}'), 'Future');
  assert.equal(poolErrorName('1010: {"invalid":{"exhaustsResources":null}}'), 'ExhaustsResources');
  assert.equal(poolErrorName('1010: Invalid Transaction: Transaction would exhaust the block limits'), 'ExhaustsResources');
  assert.equal(poolErrorName('1010: {"invalid":{"custom":0}}', torus), 'BalanceTooHigh');
  assert.equal(poolErrorName('1010: {"invalid":{"custom":0}}', subtensor), null);
});

test('profiles: detected from the runtime name, or chosen with --chain', () => {
  assert.equal(chooseProfile(undefined, 'node-subtensor').profile, subtensor);
  assert.equal(chooseProfile(undefined, 'torus-runtime').profile, torus);
  assert.match(chooseProfile(undefined, 'other').note, /not recognised/);
  const forced = chooseProfile('torus', 'node-subtensor');
  assert.equal(forced.profile, torus);
  assert.match(forced.note, /looks like subtensor/);
  assert.equal(torus.defaultRule, 'be');
  assert.equal(subtensor.defaultRule, 'le');
});

test('a plain wallet keyfile gives its keypair; coldkeypub.txt its address', async () => {
  await cryptoWaitReady();
  const cold = await loadSigner({ kind: 'wallet', name: 'plain', path: WALLETS, hotkey: 'default' }, 'coldkey');
  assert.equal(cold.address, WALLET_COLDKEY);
  const hot = await loadSigner({ kind: 'wallet', name: 'plain', path: WALLETS, hotkey: 'default' }, 'hotkey');
  assert.equal(hot.address, WALLET_HOTKEY);
  assert.equal(walletColdkeyAddress({ name: 'encrypted', path: WALLETS }), WALLET_COLDKEY);
  // The stored seed and the stored mnemonic give the same key.
  const json = parseKeyfileJson(readFileSync(join(WALLETS, 'plain', 'coldkey')));
  assert.equal(new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(json.phrase).address, WALLET_COLDKEY);
});

test('an encrypted ($NACL) keyfile made by PyNaCl decrypts with its password', async () => {
  const bytes = readFileSync(join(WALLETS, 'encrypted', 'coldkey'));
  assert.equal(keyfileKind(bytes), 'nacl');
  const plain = await decryptKeyfile(bytes, 'test password');
  assert.equal(parseKeyfileJson(plain).address, WALLET_COLDKEY);
});

test('secret URIs from an environment variable or a file; a bad one is not echoed', async () => {
  await cryptoWaitReady();
  process.env.BTPOW_CHAIN_TEST_SURI = '//Alice';
  assert.equal((await loadSigner({ kind: 'suri-env', name: 'BTPOW_CHAIN_TEST_SURI' })).address, ALICE);
  process.env.BTPOW_CHAIN_TEST_SURI = 'this is not a secret uri nor a mnemonic of a wallet';
  await assert.rejects(loadSigner({ kind: 'suri-env', name: 'BTPOW_CHAIN_TEST_SURI' }),
    (e) => e instanceof UsageError && !e.message.includes('nor a mnemonic'));
  await assert.rejects(loadSigner({ kind: 'suri-env', name: 'BTPOW_CHAIN_TEST_UNSET' }), /is not set/);
  await assert.rejects(loadSigner({ kind: 'suri-file', path: '/nonexistent/suri' }), /--suri-file: cannot read/);
});

test('sealPasses agrees with the comparator edge vectors under le and be', () => {
  const vectors = JSON.parse(readFileSync(join(PACKAGE_DIR, '..', 'tests', 'data', 'vectors.json'), 'utf8'));
  const edges = vectors.comparator_edge_vectors;
  assert.ok(edges.length > 0);
  for (const v of edges) {
    const d = BigInt(v.difficulty);
    assert.equal(sealPasses(`0x${v.seal_for_le_rule}`, d, 'le'), v.chain_ok, `le d=${v.difficulty} x=${v.x_hex}`);
    assert.equal(sealPasses(`0x${v.seal_for_be_rules}`, d, 'be'), v.chain_ok, `be d=${v.difficulty} x=${v.x_hex}`);
  }
  assert.equal(otherRule('le'), 'be');
  assert.equal(otherRule('be'), 'le');
});

test('probeSeals: one seal only le accepts and one only be accepts, where d tells them apart', () => {
  for (const d of [2n, 1_000_000n, 10n ** 18n, (1n << 247n)]) {
    const p = probeSeals(d);
    assert.ok(p, `d = ${d}`);
    assert.ok(sealPasses(p.le, d, 'le') && !sealPasses(p.le, d, 'be'));
    assert.ok(sealPasses(p.be, d, 'be') && !sealPasses(p.be, d, 'le'));
  }
  assert.equal(probeSeals(0n), null);
  assert.equal(probeSeals(1n), null);
  assert.equal(probeSeals((1n << 256n) - 1n), null);
});
