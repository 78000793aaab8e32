// Command-line parsing: every flag is validated here, and each bad value becomes a UsageError that
// names the flag and the form it expects (exit 2). Secrets are never accepted as arguments.
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { UsageError } from './errors.js';

export const USAGE = `usage:
  btpow-chain faucet   --node ws://HOST:PORT SIGNER [--claims K] [--rule le|be|auto] [--difficulty D]
                       [--account SS58] [--btpow PATH] [--backend auto|cpu|cuda|all] [--threads T]
                       [--timeout S] [--json]
  btpow-chain faucet   --chain torus --node URL --account SS58 [same options]
  btpow-chain register --node URL --netuid N SIGNER [--coldkey SS58] [--rule le|be|auto] [--btpow PATH]
                       [--backend …] [--threads T] [--timeout S] [--json]
  btpow-chain jobs     --node URL (--faucet --account SS58 | --netuid N --hotkey SS58)
                       [--rule le|be] [--difficulty D] [--chain subtensor|torus]
SIGNER (never a secret on the command line):
  --dev NAME                      a development account (Alice, Bob, Charlie, Dave, Eve, Ferdie)
  --suri-env NAME                 a secret URI or mnemonic from environment variable NAME
  --suri-file PATH                a secret URI or mnemonic from a file
  --wallet NAME [--wallet-hotkey NAME] [--wallet-path DIR] [--password-env NAME]
                                  a bittensor wallet: its coldkey for faucet, its hotkey for register;
                                  an encrypted keyfile's password comes from NAME or a no-echo prompt
--rule auto (faucet, register): the first solution is applied to the best block in a dry run (not
                                  submitted); a refusal InvalidDifficulty switches to the other order
exit codes: 0 done, 1 not achieved (refused or timed out), 2 bad input, 3 node or solver failure`;

const FLAGS = {
  common: { node: 'value', rule: 'value', json: 'bool', chain: 'value', help: 'bool' },
  solve: { btpow: 'value', backend: 'value', threads: 'value', timeout: 'value' },
  signer: {
    dev: 'value', 'suri-env': 'value', 'suri-file': 'value', wallet: 'value', 'wallet-hotkey': 'value',
    'wallet-path': 'value', 'password-env': 'value',
  },
  faucet: { claims: 'value', difficulty: 'value', account: 'value' },
  register: { netuid: 'value', coldkey: 'value' },
  jobs: { faucet: 'bool', account: 'value', netuid: 'value', hotkey: 'value', difficulty: 'value' },
};

const ALLOWED = {
  faucet: { ...FLAGS.common, ...FLAGS.solve, ...FLAGS.signer, ...FLAGS.faucet },
  register: { ...FLAGS.common, ...FLAGS.solve, ...FLAGS.signer, ...FLAGS.register },
  jobs: { ...FLAGS.common, ...FLAGS.jobs },
};

const SECRET_FLAGS = new Set(['suri', 'seed', 'mnemonic', 'password', 'secret', 'uri', 'private-key']);
const DEV_NAMES = ['alice', 'bob', 'charlie', 'dave', 'eve', 'ferdie'];
const U64_MAX = (1n << 64n) - 1n;
const U256_MAX = (1n << 256n) - 1n;

function integer(flag, text, min, max) {
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`--${flag}: expected a whole number, got '${text}'`);
  const value = BigInt(text);
  if (value < min || value > max) throw new UsageError(`--${flag}: expected ${min}…${max}, got ${text}`);
  return value;
}

function seconds(flag, text) {
  const value = Number(text);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || !(value > 0)) {
    throw new UsageError(`--${flag}: expected a positive number of seconds, got '${text}'`);
  }
  return value;
}

/** Canonical SS58 (prefix 42) of an SS58 address or a 0x-prefixed 32-byte public key. */
export function account(flag, text) {
  try {
    const raw = decodeAddress(text);
    if (raw.length !== 32) throw new Error('not 32 bytes');
    return encodeAddress(raw, 42);
  } catch {
    throw new UsageError(`--${flag}: expected an SS58 address or a 0x-prefixed 32-byte public key, got '${text}'`);
  }
}

function nodeUrl(text) {
  if (!/^wss?:\/\/[^\s/]+/.test(text)) throw new UsageError(`--node: expected ws://HOST:PORT or wss://HOST[:PORT], got '${text}'`);
  return text;
}

/** Parses argv (without node and the script) into { command, options }. Throws UsageError. */
export function parseArgs(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { command: 'help', options: {} };
  }
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(`unknown command '${command}': expected faucet, register or jobs`);
  const raw = {};
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument '${arg}': options start with --`);
    const [, name, inline] = match;
    if (SECRET_FLAGS.has(name)) {
      throw new UsageError(`--${name}: secrets are not taken on the command line; use --suri-env NAME, --suri-file PATH or --wallet NAME`);
    }
    const kind = allowed[name];
    if (!kind) throw new UsageError(`--${name}: not an option of '${command}' (see --help)`);
    if (name in raw) throw new UsageError(`--${name}: given twice`);
    if (kind === 'bool') {
      if (inline !== undefined) throw new UsageError(`--${name}: takes no value`);
      raw[name] = true;
    } else {
      const value = inline ?? rest[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new UsageError(`--${name}: expected a value`);
      }
      raw[name] = value;
    }
  }
  if (raw.help) return { command: 'help', options: {} };
  return { command, options: validate(command, raw) };
}

function validate(command, raw) {
  const o = { json: Boolean(raw.json) };
  if (raw.node === undefined) throw new UsageError('--node: required, e.g. --node ws://127.0.0.1:9944');
  o.node = nodeUrl(raw.node);
  if (raw.chain !== undefined) {
    if (!['subtensor', 'torus'].includes(raw.chain)) throw new UsageError(`--chain: expected subtensor or torus, got '${raw.chain}'`);
    o.chain = raw.chain;
  }
  if (raw.rule !== undefined) {
    if (command === 'jobs' && raw.rule === 'auto') {
      throw new UsageError('--rule: expected le or be for jobs (auto needs a dry run of a solution, which jobs does not make)');
    }
    const rules = command === 'jobs' ? ['le', 'be'] : ['le', 'be', 'auto'];
    if (!rules.includes(raw.rule)) throw new UsageError(`--rule: expected ${rules.join(', ').replace(/, ([^,]*)$/, ' or $1')}, got '${raw.rule}'`);
    o.rule = raw.rule;
  }
  if (raw.difficulty !== undefined) o.difficulty = integer('difficulty', raw.difficulty, 0n, U256_MAX);
  if (raw.btpow !== undefined) o.btpow = raw.btpow;
  if (raw.backend !== undefined) {
    if (!['auto', 'cpu', 'cuda', 'all'].includes(raw.backend)) throw new UsageError(`--backend: expected auto, cpu, cuda or all, got '${raw.backend}'`);
    o.backend = raw.backend;
  }
  if (raw.threads !== undefined) o.threads = Number(integer('threads', raw.threads, 1n, 4096n));
  o.timeout = raw.timeout !== undefined ? seconds('timeout', raw.timeout) : 120;
  if (raw.claims !== undefined) o.claims = Number(integer('claims', raw.claims, 1n, 1_000_000n));
  if (raw.netuid !== undefined) o.netuid = Number(integer('netuid', raw.netuid, 0n, 65535n));
  if (raw.account !== undefined) o.account = account('account', raw.account);
  if (raw.coldkey !== undefined) o.coldkey = account('coldkey', raw.coldkey);
  if (raw.hotkey !== undefined) o.hotkey = account('hotkey', raw.hotkey);

  const signerFlags = ['dev', 'suri-env', 'suri-file', 'wallet'].filter((f) => raw[f] !== undefined);
  if (signerFlags.length > 1) throw new UsageError(`--${signerFlags[1]}: give one signer only (also got --${signerFlags[0]})`);
  for (const f of ['wallet-hotkey', 'wallet-path', 'password-env']) {
    if (raw[f] !== undefined && raw.wallet === undefined) throw new UsageError(`--${f}: only with --wallet NAME`);
  }
  if (raw.dev !== undefined) {
    if (!DEV_NAMES.includes(raw.dev.toLowerCase())) throw new UsageError(`--dev: expected one of Alice, Bob, Charlie, Dave, Eve, Ferdie, got '${raw.dev}'`);
    o.signer = { kind: 'dev', name: raw.dev[0].toUpperCase() + raw.dev.slice(1).toLowerCase() };
  } else if (raw['suri-env'] !== undefined) {
    o.signer = { kind: 'suri-env', name: raw['suri-env'] };
  } else if (raw['suri-file'] !== undefined) {
    o.signer = { kind: 'suri-file', path: raw['suri-file'] };
  } else if (raw.wallet !== undefined) {
    o.signer = {
      kind: 'wallet', name: raw.wallet, hotkey: raw['wallet-hotkey'] ?? 'default',
      path: raw['wallet-path'], passwordEnv: raw['password-env'],
    };
  }

  if (command === 'faucet') {
    if (o.chain === 'torus') {
      if (o.signer) throw new UsageError(`--${signerFlags[0]}: the Torus faucet is unsigned; give --account SS58 and no signer`);
      if (!o.account) throw new UsageError('--account: required with --chain torus (the account the faucet pays)');
    } else if (!o.signer && !o.account) {
      throw new UsageError('a signer is required: --dev NAME, --suri-env NAME, --suri-file PATH or --wallet NAME');
    }
    o.claims ??= 1;
  } else if (command === 'register') {
    if (o.netuid === undefined) throw new UsageError('--netuid: required, e.g. --netuid 1');
    if (!o.signer) throw new UsageError('a signer (the hotkey) is required: --dev NAME, --suri-env NAME, --suri-file PATH or --wallet NAME');
  } else if (command === 'jobs') {
    if (raw.faucet && o.netuid !== undefined) throw new UsageError('--faucet: give either --faucet or --netuid, not both');
    if (raw.faucet) {
      if (!o.account) throw new UsageError('--account: required with --faucet');
      o.target = 'faucet';
    } else if (o.netuid !== undefined) {
      if (!o.hotkey) throw new UsageError('--hotkey: required with --netuid');
      o.target = 'register';
    } else {
      throw new UsageError('jobs: give --faucet --account SS58 or --netuid N --hotkey SS58');
    }
  }
  return o;
}
