// Signers: development accounts by name, a secret URI from an environment variable or a file, or
// a bittensor wallet's keyfile. All sr25519 work is done by @polkadot/keyring.
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { UsageError } from './errors.js';
import { keyfileKind, decryptKeyfile, parseKeyfileJson, KeyfileError } from './keyfile.js';

export function walletDir(signer) {
  return join(signer.path ?? join(homedir(), '.bittensor', 'wallets'), signer.name);
}

function readSecretFile(path, flag) {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`${flag}: cannot read '${path}' (${e.code ?? e.message})`);
  }
}

/** Reads a password without echo from the terminal. */
export async function promptPassword(question) {
  const { stdin, stderr } = process;
  if (!stdin.isTTY) throw new UsageError('--password-env: the keyfile is encrypted and no terminal is there to ask; set --password-env NAME');
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') { done(); resolve(text); return; }
        if (ch === '\u0003') { done(); reject(new UsageError('password prompt interrupted')); return; }
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    const done = () => { stdin.off('data', onData); stdin.setRawMode(false); stdin.pause(); stderr.write('\n'); };
    stdin.on('data', onData);
  });
}

/** The keypair stored in one wallet keyfile (plain or `$NACL`). */
export async function keypairFromKeyfile(keyring, path, { passwordEnv, flag, log }) {
  if (!existsSync(path)) throw new UsageError(`${flag}: no keyfile at '${path}'`);
  let data = readSecretFile(path, flag);
  const kind = keyfileKind(data);
  if (kind === 'unsupported') throw new UsageError(`${flag}: '${path}' is in an old keyfile format (Ansible vault or legacy); re-save it with a current bittensor wallet`);
  if (kind === 'nacl') {
    let password;
    if (passwordEnv) {
      password = process.env[passwordEnv];
      if (password === undefined) throw new UsageError(`--password-env: environment variable ${passwordEnv} is not set`);
    } else {
      password = await promptPassword(`password for ${path}: `);
    }
    log?.(`decrypting ${path} (Argon2i, a few seconds)`);
    try {
      data = await decryptKeyfile(data, password);
    } catch (e) {
      if (e instanceof KeyfileError) throw new UsageError(`${flag}: cannot decrypt '${path}': ${e.message}`);
      throw e;
    }
  }
  let key;
  try {
    key = parseKeyfileJson(data);
  } catch (e) {
    throw new UsageError(`${flag}: '${path}': ${e.message}`);
  }
  let pair;
  if (key.seed) pair = keyring.addFromSeed(key.seed);
  else if (key.phrase) pair = keyring.addFromUri(key.phrase);
  else if (key.secretKey && key.publicKey) pair = keyring.addFromPair({ publicKey: key.publicKey, secretKey: key.secretKey });
  else throw new UsageError(`${flag}: '${path}' holds only a public key; it cannot sign`);
  if (key.publicKey && Buffer.compare(Buffer.from(pair.publicKey), Buffer.from(key.publicKey)) !== 0) {
    throw new UsageError(`${flag}: '${path}': its secret does not give its public key`);
  }
  return pair;
}

/** The coldkey's address from the wallet's coldkeypub.txt (no password needed). */
export function walletColdkeyAddress(signer) {
  const path = join(walletDir(signer), 'coldkeypub.txt');
  if (!existsSync(path)) return null;
  try {
    const key = parseKeyfileJson(readFileSync(path));
    if (key.address) return key.address;
    return key.publicKey ? new Keyring({ type: 'sr25519', ss58Format: 42 }).encodeAddress(key.publicKey) : null;
  } catch {
    throw new UsageError(`--wallet: '${path}' is not a readable coldkeypub.txt`);
  }
}

/**
 * Makes the keypair for a signer spec. `role` is 'coldkey' (faucet) or 'hotkey' (register) and
 * picks the wallet's file.
 */
export async function loadSigner(signer, role, log) {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  switch (signer.kind) {
    case 'dev':
      return keyring.addFromUri(`//${signer.name}`, { name: signer.name });
    case 'suri-env': {
      const suri = process.env[signer.name];
      if (suri === undefined || suri.trim() === '') throw new UsageError(`--suri-env: environment variable ${signer.name} is not set`);
      return fromSuri(keyring, suri.trim(), '--suri-env');
    }
    case 'suri-file':
      return fromSuri(keyring, readSecretFile(signer.path, '--suri-file').toString('utf8').trim(), '--suri-file');
    case 'wallet': {
      const dir = walletDir(signer);
      const path = role === 'hotkey' ? join(dir, 'hotkeys', signer.hotkey) : join(dir, 'coldkey');
      return keypairFromKeyfile(keyring, path, { passwordEnv: signer.passwordEnv, flag: '--wallet', log });
    }
    default:
      throw new UsageError('no signer given');
  }
}

function fromSuri(keyring, suri, flag) {
  try {
    return keyring.addFromUri(suri);
  } catch {
    // The message must not echo the secret.
    throw new UsageError(`${flag}: not a valid secret URI or mnemonic`);
  }
}
