// Command-line parsing: every flag is validated here, and each bad value becomes a UsageError that
// names the flag and the form it expects (exit 2). Secrets are never accepted as arguments.
import { base58Decode, checkAddress, decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { UsageError } from './errors.js';
import { parseListen } from './metrics.js';
import { splitCommand } from './solver.js';

/** How long a lost node is waited for, by default (--reconnect S changes it; 0 never reconnects). */
export const RECONNECT_LIMIT_S = 60;

export const USAGE = `usage:
  btpow-chain faucet   --node ws://HOST:PORT SIGNER [--claims K] [--rule le|be|auto] [--difficulty D]
                       [--account SS58] [SOLVER] [--timeout S] [--reconnect S] [--metrics HOST:PORT] [--json]
  btpow-chain faucet   --chain torus --node URL --account SS58 [same options]
  btpow-chain register --node URL --netuid N SIGNER [--coldkey SS58] [--rule le|be|auto] [SOLVER]
                       [--timeout S] [--reconnect S] [--metrics HOST:PORT] [--json]
  btpow-chain pow-register --node URL --netuid N COLDKEY-SIGNER (--hotkey SS58 … | --wallet NAME
                       --wallet-hotkey H …) [SOLVER] [--timeout S] [--reconnect S] [--metrics HOST:PORT] [--json]
  btpow-chain jobs     --node URL (--faucet --account SS58 | --netuid N --hotkey SS58
                       | --pow-register --netuid N --hotkey SS58 --coldkey SS58)
                       [--rule le|be] [--difficulty D] [--chain subtensor|torus] [--timeout S] [--reconnect S]
SIGNER (never a secret on the command line):
  --dev NAME                      a development account (Alice, Bob, Charlie, Dave, Eve, Ferdie)
  --suri-env NAME                 a secret URI or mnemonic from environment variable NAME
  --suri-file PATH                a secret URI or mnemonic from a file
  --wallet NAME [--wallet-hotkey NAME] [--wallet-path DIR] [--password-env NAME]
                                  a bittensor wallet: its coldkey for faucet and pow-register, its
                                  hotkey for register; an encrypted keyfile's password comes from
                                  NAME or a no-echo prompt
SOLVER: --btpow PATH [--backend auto|cpu|cuda|all] [--threads T]   btpow solve --jobs - --json (default)
        --solver "CMD ARGS…"      any command speaking the same job feed on stdin/stdout, run as
                                  given (no shell), e.g. "python3 -m btpow.fleet --scheduler
                                  tcp://HOST:PORT --jobs - --json"
--rule auto (faucet, register): starts with the chain profile's order (le on subtensor, be on Torus)
                                  and settles it on the runtime's verdict: two probe seals applied
                                  to the best block in a dry run (nothing submitted), else the first
                                  submission's outcome (InvalidDifficulty switches to the other order)
--timeout S                     the whole run, connecting included (default 120; jobs: no limit)
--reconnect S                   how long a lost node is waited for, reconnecting with backoff
                                  (default 60; 0: never)
--metrics HOST:PORT             serve Prometheus metrics on http://HOST:PORT/metrics
exit codes: 0 done, 1 not achieved (refused or timed out), 2 bad input, 3 node or solver failure`;

const FLAGS = {
  common: { node: 'value', rule: 'value', json: 'bool', chain: 'value', help: 'bool', reconnect: 'value', timeout: 'value' },
  solve: { btpow: 'value', backend: 'value', threads: 'value', solver: 'value', metrics: 'value' },
  signer: {
    dev: 'value', 'suri-env': 'value', 'suri-file': 'value', wallet: 'value', 'wallet-hotkey': 'value',
    'wallet-path': 'value', 'password-env': 'value',
  },
  faucet: { claims: 'value', difficulty: 'value', account: 'value' },
  register: { netuid: 'value', coldkey: 'value' },
  powRegister: { netuid: 'value', hotkey: 'multi' },
  jobs: {
    faucet: 'bool', 'pow-register': 'bool', account: 'value', netuid: 'value', hotkey: 'value', coldkey: 'value',
    difficulty: 'value',
  },
};

const ALLOWED = {
  faucet: { ...FLAGS.common, ...FLAGS.solve, ...FLAGS.signer, ...FLAGS.faucet },
  register: { ...FLAGS.common, ...FLAGS.solve, ...FLAGS.signer, ...FLAGS.register },
  'pow-register': {
    ...FLAGS.common, ...FLAGS.solve, ...FLAGS.signer, ...FLAGS.powRegister, 'wallet-hotkey': 'multi',
  },
  jobs: { ...FLAGS.common, ...FLAGS.jobs },
};
// A wallet or hotkey name: what a bittensor wallet directory is called. Anything else (a mnemonic
// pasted by mistake) is refused without being printed.
const WALLET_NAME = /^[A-Za-z0-9._-]{1,128}$/;
// Node's timers hold at most 2^31−1 ms; a longer one fires at once.
export const MAX_TIMER_S = 2147483;

const SECRET_FLAGS = new Set(['suri', 'seed', 'mnemonic', 'password', 'secret', 'uri', 'private-key']);
const DEV_NAMES = ['alice', 'bob', 'charlie', 'dave', 'eve', 'ferdie'];
const U256_MAX = (1n << 256n) - 1n;

function integer(flag, text, min, max) {
  if (text.length > 80 || !/^[0-9]+$/.test(text)) throw new UsageError(`--${flag}: expected a whole number, got '${shown(text)}'`);
  const value = BigInt(text);
  if (value < min || value > max) throw new UsageError(`--${flag}: expected ${min}…${max}, got ${shown(text)}`);
  return value;
}

/** A value as it may be printed: at most 80 characters, control characters escaped. */
export function shown(text) {
  const cut = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(cut).slice(1, -1).replace(/'/g, "\\'");
}

/**
 * A number of seconds for a timer: positive (or zero where allowed) and at most MAX_TIMER_S (Node's
 * timers overflow above 2^31−1 ms and fire at once).
 */
export function seconds(flag, text, { zero = false } = {}) {
  const value = Number(text);
  if (text.length > 32 || !/^[0-9]+(\.[0-9]+)?$/.test(text) || !(value > 0 || (zero && value === 0))) {
    throw new UsageError(`--${flag}: expected a ${zero ? 'non-negative' : 'positive'} number of seconds, got '${shown(text)}'`);
  }
  if (value > MAX_TIMER_S) throw new UsageError(`--${flag}: expected at most ${MAX_TIMER_S} s (about 24.8 days), got ${shown(text)}`);
  return value;
}

/**
 * One rule with btpow (docs/protocol.md §5): an SS58 address of network prefix 42, or a 32-byte public key as
 * 64 hex digits (0x-prefixed or not). Returns the canonical SS58 (prefix 42). The length is checked
 * before anything is decoded.
 */
export function account(flag, text) {
  const form = 'expected an SS58 address with prefix 42 or a 32-byte public key as 64 hex digits (optionally 0x-prefixed)';
  if (text.length > 66) throw new UsageError(`--${flag}: ${form}; got ${text.length} characters`);
  const hex = /^(0[xX])?([0-9a-fA-F]{64})$/.exec(text);
  if (hex) return encodeAddress(Buffer.from(hex[2], 'hex'), 42);
  if (/^(0[xX])/.test(text) || text.length === 64) throw new UsageError(`--${flag}: ${form}, got '${shown(text)}'`);
  const [ok, why] = checkAddress(text, 42);
  if (!ok) {
    let prefix = null;
    try { decodeAddress(text); prefix = base58Prefix(text); } catch { /* not SS58 at all */ }
    const what = prefix !== null && prefix !== 42 ? `an address with network prefix ${prefix}` : `'${shown(text)}' (${why})`;
    throw new UsageError(`--${flag}: ${form}, got ${what}`);
  }
  return encodeAddress(decodeAddress(text), 42);
}

// The network prefix of a decodable SS58 address (one or two bytes, docs/protocol.md §5).
function base58Prefix(text) {
  const raw = base58Decode(text);
  return raw[0] < 64 ? raw[0] : ((raw[0] & 0x3f) << 2) | (raw[1] >> 6) | ((raw[1] & 0x3f) << 8);
}

/** A difficulty as btpow takes it: decimal or 0x hex, 0…2^256−1. */
export function difficulty(flag, text) {
  if (text.length > 80) throw new UsageError(`--${flag}: expected a whole number (decimal or 0x hex) up to 2^256−1, got ${text.length} characters`);
  const hex = /^0[xX]([0-9a-fA-F]+)$/.exec(text);
  if (!hex && !/^[0-9]+$/.test(text)) throw new UsageError(`--${flag}: expected a whole number (decimal or 0x hex), got '${shown(text)}'`);
  const value = BigInt(hex ? `0x${hex[1]}` : text);
  if (value > U256_MAX) throw new UsageError(`--${flag}: expected 0…2^256−1, got ${shown(text)}`);
  return value;
}

/** ws:// or wss:// with a host and a valid port, nothing else (checked without connecting). */
export function nodeUrl(text) {
  const form = 'expected ws://HOST:PORT or wss://HOST[:PORT]';
  if (text.length > 2048 || /\s/.test(text)) throw new UsageError(`--node: ${form}, got a value with ${text.length > 2048 ? 'more than 2048 characters' : 'white space in it'}`);
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--node: ${form}, got '${shown(text)}' (not a URL)`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError(`--node: ${form}, got the scheme '${shown(url.protocol)}'`);
  if (!url.hostname) throw new UsageError(`--node: ${form}, got no host`);
  if (url.username || url.password) throw new UsageError('--node: credentials in the URL are not taken');
  return text;
}

/** Parses argv (without node and the script) into { command, options }. Throws UsageError. */
export function parseArgs(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { command: 'help', options: {} };
  }
  const allowed = Object.hasOwn(ALLOWED, command) ? ALLOWED[command] : null;
  if (!allowed) {
    const named = /^[a-z][a-z-]{0,20}$/.test(command) ? `'${command}'` : 'given';
    throw new UsageError(`unknown command ${named}: expected faucet, register, pow-register or jobs`);
  }
  const raw = {};
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    // An argument is never echoed whole: it may be a secret pasted in the wrong place.
    const match = /^--([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument (#${i + 2}): options start with --, and their values follow them`);
    const [, name, inline] = match;
    const printable = /^[A-Za-z0-9_-]{1,40}$/.test(name) ? `--${name}` : 'an option';
    const canonical = name.toLowerCase().replace(/_/g, '-');
    if (SECRET_FLAGS.has(canonical) || /secret|private|mnemonic|seed|password|suri$|^suri/.test(canonical)) {
      if (!Object.hasOwn(allowed, name)) {
        throw new UsageError(`${printable}: secrets are not taken on the command line; use --suri-env NAME, --suri-file PATH or --wallet NAME`);
      }
    }
    const kind = Object.hasOwn(allowed, name) ? allowed[name] : null;
    if (!kind) throw new UsageError(`${printable}: not an option of '${command}' (see --help)`);
    if (kind !== 'multi' && name in raw) throw new UsageError(`--${name}: given twice`);
    if (kind === 'bool') {
      if (inline !== undefined) throw new UsageError(`--${name}: takes no value`);
      raw[name] = true;
    } else {
      const value = inline ?? rest[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new UsageError(`--${name}: expected a value`);
      }
      if (kind === 'multi') (raw[name] ??= []).push(value);
      else raw[name] = value;
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
    if (!['subtensor', 'torus'].includes(raw.chain)) throw new UsageError(`--chain: expected subtensor or torus, got '${shown(raw.chain)}'`);
    o.chain = raw.chain;
  }
  if (raw.rule !== undefined) {
    if (command === 'jobs' && raw.rule === 'auto') {
      throw new UsageError('--rule: expected le or be for jobs (auto needs a dry run of a solution, which jobs does not make)');
    }
    if (command === 'pow-register' && raw.rule !== 'le') throw new UsageError('--rule: pow-register reads seals as le only (docs/protocol.md §10)');
    const rules = command === 'jobs' ? ['le', 'be'] : ['le', 'be', 'auto'];
    if (!rules.includes(raw.rule)) throw new UsageError(`--rule: expected ${rules.join(', ').replace(/, ([^,]*)$/, ' or $1')}, got '${shown(raw.rule)}'`);
    o.rule = raw.rule;
  }
  if (raw.difficulty !== undefined) o.difficulty = difficulty('difficulty', raw.difficulty);
  if (raw.solver !== undefined) {
    for (const f of ['btpow', 'backend', 'threads']) {
      if (raw[f] !== undefined) throw new UsageError(`--${f}: not with --solver (give the solver command's own options in it)`);
    }
    try {
      o.solver = splitCommand(raw.solver);
    } catch (e) {
      throw new UsageError(`--solver: expected a command line, got ${e.message}`);
    }
  }
  if (raw.btpow !== undefined) {
    if (raw.btpow === '' || raw.btpow.length > 4096) throw new UsageError('--btpow: expected the path of the btpow executable');
    o.btpow = raw.btpow;
  }
  if (raw.backend !== undefined) {
    if (!['auto', 'cpu', 'cuda', 'all'].includes(raw.backend)) throw new UsageError(`--backend: expected auto, cpu, cuda or all, got '${shown(raw.backend)}'`);
    o.backend = raw.backend;
  }
  if (raw.threads !== undefined) o.threads = Number(integer('threads', raw.threads, 1n, 4096n));
  if (raw.timeout !== undefined) o.timeout = seconds('timeout', raw.timeout);
  else if (command !== 'jobs') o.timeout = 120;
  o.reconnect = raw.reconnect !== undefined ? seconds('reconnect', raw.reconnect, { zero: true }) : RECONNECT_LIMIT_S;
  if (raw.metrics !== undefined) {
    try {
      parseListen(raw.metrics);
    } catch (e) {
      throw new UsageError(`--metrics: ${e.message}`);
    }
    o.metrics = raw.metrics;
  }
  if (raw.claims !== undefined) o.claims = Number(integer('claims', raw.claims, 1n, 1_000_000n));
  if (raw.netuid !== undefined) o.netuid = Number(integer('netuid', raw.netuid, 0n, 65535n));
  if (raw.account !== undefined) o.account = account('account', raw.account);
  if (raw.coldkey !== undefined) o.coldkey = account('coldkey', raw.coldkey);
  if (raw.hotkey !== undefined) {
    if (Array.isArray(raw.hotkey)) {
      o.hotkeys = raw.hotkey.map((h) => account('hotkey', h));
      if (new Set(o.hotkeys).size !== o.hotkeys.length) throw new UsageError('--hotkey: a hotkey given twice');
    } else {
      o.hotkey = account('hotkey', raw.hotkey);
    }
  }

  const signerFlags = ['dev', 'suri-env', 'suri-file', 'wallet'].filter((f) => raw[f] !== undefined);
  if (signerFlags.length > 1) throw new UsageError(`--${signerFlags[1]}: give one signer only (also got --${signerFlags[0]})`);
  for (const f of ['wallet-hotkey', 'wallet-path', 'password-env']) {
    if (raw[f] !== undefined && raw.wallet === undefined) throw new UsageError(`--${f}: only with --wallet NAME`);
  }
  if (raw.dev !== undefined) {
    // The value is not printed: a mnemonic pasted here by mistake must not reach a log.
    if (!DEV_NAMES.includes(raw.dev.toLowerCase())) throw new UsageError('--dev: expected one of Alice, Bob, Charlie, Dave, Eve, Ferdie (the value given is not shown)');
    o.signer = { kind: 'dev', name: raw.dev[0].toUpperCase() + raw.dev.slice(1).toLowerCase() };
  } else if (raw['suri-env'] !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(raw['suri-env'])) throw new UsageError('--suri-env: expected the NAME of an environment variable (letters, digits, _), not its value (the value given is not shown)');
    o.signer = { kind: 'suri-env', name: raw['suri-env'] };
  } else if (raw['suri-file'] !== undefined) {
    o.signer = { kind: 'suri-file', path: raw['suri-file'] };
  } else if (raw.wallet !== undefined) {
    const hotkeys = raw['wallet-hotkey'];
    if (!WALLET_NAME.test(raw.wallet)) throw new UsageError('--wallet: expected a wallet NAME (letters, digits, . _ -; the value given is not shown)');
    for (const h of [hotkeys ?? []].flat()) {
      if (!WALLET_NAME.test(h)) throw new UsageError('--wallet-hotkey: expected a hotkey NAME (letters, digits, . _ -; the value given is not shown)');
    }
    o.signer = {
      kind: 'wallet', name: raw.wallet, path: raw['wallet-path'], passwordEnv: raw['password-env'],
      hotkey: Array.isArray(hotkeys) ? hotkeys[0] : (hotkeys ?? 'default'),
      hotkeys: Array.isArray(hotkeys) ? hotkeys : undefined,
    };
  }
  if (raw['password-env'] !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(raw['password-env'])) {
    throw new UsageError('--password-env: expected the NAME of an environment variable, not the password (the value given is not shown)');
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
  } else if (command === 'pow-register') {
    if (o.netuid === undefined) throw new UsageError('--netuid: required, e.g. --netuid 1');
    if (o.netuid === 0) throw new UsageError('--netuid: the root subnet (0) takes no PoW registrations (docs/protocol.md §10)');
    if (o.chain === 'torus') throw new UsageError('--chain: pow-register is a subtensor call');
    if (!o.signer) throw new UsageError('a signer (the coldkey) is required: --dev NAME, --suri-env NAME, --suri-file PATH or --wallet NAME');
    if (o.hotkeys && o.signer.kind === 'wallet' && o.signer.hotkeys) throw new UsageError('--hotkey: give either --hotkey SS58 … or --wallet-hotkey NAME …, not both');
    if (!o.hotkeys && !(o.signer.kind === 'wallet' && o.signer.hotkeys)) {
      throw new UsageError('--hotkey: required (one or more --hotkey SS58, or --wallet NAME with one or more --wallet-hotkey NAME)');
    }
  } else if (command === 'jobs') {
    const targets = ['faucet', 'pow-register'].filter((f) => raw[f]);
    if (targets.length > 1) throw new UsageError('--faucet: give either --faucet or --pow-register, not both');
    if (raw.faucet && o.netuid !== undefined) throw new UsageError('--faucet: give either --faucet or --netuid, not both');
    if (raw.faucet) {
      if (!o.account) throw new UsageError('--account: required with --faucet');
      o.target = 'faucet';
    } else if (raw['pow-register']) {
      if (o.netuid === undefined) throw new UsageError('--netuid: required with --pow-register');
      if (!o.hotkey) throw new UsageError('--hotkey: required with --pow-register');
      if (!o.coldkey) throw new UsageError('--coldkey: required with --pow-register (the account that will sign the call)');
      if (o.rule === 'be') throw new UsageError('--rule: v1 jobs are read le only (docs/protocol.md §10)');
      o.target = 'pow-register';
    } else if (o.netuid !== undefined) {
      if (!o.hotkey) throw new UsageError('--hotkey: required with --netuid');
      o.target = 'register';
    } else {
      throw new UsageError('jobs: give --faucet --account SS58, --netuid N --hotkey SS58, or --pow-register --netuid N --hotkey SS58 --coldkey SS58');
    }
  }
  return o;
}
