// Signers: development accounts by name, a secret URI from an environment variable or a file, or
// a bittensor wallet's keyfile. All sr25519 work is done by @polkadot/keyring.
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { checkAddress, cryptoWaitReady, decodeAddress, mnemonicValidate, signatureVerify } from '@polkadot/util-crypto';
import { UsageError } from './errors.js';
import { keyfileKind, decryptKeyfile, parseKeyfileJson, KeyfileError } from './keyfile.js';

export function walletDir(signer) {
  return join(signer.path ?? join(homedir(), '.bittensor', 'wallets'), signer.name);
}

function readSecretFile(path, flag) {
  try {
    return readFileSync(path);
  } catch (e) {
    // A path with white space may be a secret pasted in the wrong place: it is not printed.
    const shown = /\s/.test(path) ? 'the path given (not shown: it holds white space)' : `'${path}'`;
    throw new UsageError(`${flag}: cannot read ${shown} (${e.code ?? 'unreadable'})`);
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
  if (data.toString('utf8').trim() === '') throw new UsageError(`${flag}: '${path}' is empty`);
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
  else if (key.phrase) pair = fromPhrase(keyring, key.phrase, `${flag}: '${path}': its secretPhrase`);
  else if (key.secretKey && key.publicKey) {
    pair = keyring.addFromPair({ publicKey: key.publicKey, secretKey: key.secretKey });
    // An sr25519 secret key does not state its public key: a signature made with the pair verifies
    // against the stored public key only when the two belong together.
    const probe = Buffer.from('btpow-chain keyfile check');
    if (!signatureVerify(probe, pair.sign(probe), key.publicKey).isValid) {
      throw new UsageError(`${flag}: '${path}': its privateKey does not belong to its publicKey`);
    }
  } else throw new UsageError(`${flag}: '${path}' holds only a public key; it cannot sign`);
  if (key.publicKey && Buffer.compare(Buffer.from(pair.publicKey), Buffer.from(key.publicKey)) !== 0) {
    throw new UsageError(`${flag}: '${path}': its secret does not give its public key`);
  }
  if (key.address) {
    const stated = checkedAddress(key.address, path, flag);
    if (stated !== pair.address) throw new UsageError(`${flag}: '${path}': its ss58Address is not its key's address`);
  }
  return pair;
}

/**
 * A keyfile's ss58Address, checked: SS58 with network prefix 42 (docs/protocol.md §5, as btpow takes it) and a
 * valid checksum. Returns it re-encoded; throws UsageError naming the file.
 */
export function checkedAddress(address, path, flag) {
  const [ok, why] = checkAddress(address, 42);
  if (!ok) throw new UsageError(`${flag}: '${path}': its ss58Address is not an SS58 address of prefix 42 (${why})`);
  return new Keyring({ type: 'sr25519', ss58Format: 42 }).encodeAddress(decodeAddress(address));
}

/** The coldkey's address from the wallet's coldkeypub.txt (no password needed). */
export function walletColdkeyAddress(signer) {
  const path = join(walletDir(signer), 'coldkeypub.txt');
  if (!existsSync(path)) return null;
  let key;
  try {
    if (readFileSync(path).toString('utf8').trim() === '') throw new KeyfileError('it is empty');
    key = parseKeyfileJson(readFileSync(path));
  } catch (e) {
    throw new UsageError(`--wallet: '${path}' is not a readable coldkeypub.txt (${e instanceof KeyfileError ? e.message : 'unreadable'})`);
  }
  const fromKey = key.publicKey ? new Keyring({ type: 'sr25519', ss58Format: 42 }).encodeAddress(key.publicKey) : null;
  if (key.address) {
    const stated = checkedAddress(key.address, path, '--wallet');
    if (fromKey && fromKey !== stated) throw new UsageError(`--wallet: '${path}': its ss58Address is not its publicKey's address`);
    return stated;
  }
  return fromKey;
}

/**
 * A keypair from a keyfile's secretPhrase: a BIP-39 mnemonic, optionally followed by a derivation
 * path (//hard, /soft, ///password). Errors say which part is wrong, never the phrase.
 */
function fromPhrase(keyring, phrase, what) {
  const cut = phrase.search(/\/\/|\//);
  const words = (cut < 0 ? phrase : phrase.slice(0, cut)).trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(words) && !mnemonicValidate(words)) {
    const count = words.split(/\s+/).length;
    throw new UsageError(`${what} is not a valid BIP-39 mnemonic (${[12, 15, 18, 21, 24].includes(count)
      ? 'a word outside the English list, or a bad checksum' : `${count} words; a mnemonic has 12, 15, 18, 21 or 24`})`);
  }
  try {
    return keyring.addFromUri(phrase);
  } catch {
    throw new UsageError(`${what} has a bad derivation path after the mnemonic (expected //hard, /soft or ///password parts)`);
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

/** A wallet hotkey's address (pow-register's hotkeys: public keys only, no password needed when plain). */
export function walletHotkeyAddress(signer, name) {
  const dir = join(walletDir(signer), 'hotkeys');
  for (const [file, what] of [[join(dir, `${name}pub.txt`), 'public'], [join(dir, name), 'keyfile']]) {
    if (!existsSync(file)) continue;
    let key;
    try {
      key = parseKeyfileJson(readFileSync(file));
    } catch {
      if (what === 'public') continue;
      throw new UsageError(`--wallet-hotkey: '${file}' is encrypted or not a readable keyfile; give the hotkey with --hotkey SS58`);
    }
    if (key.publicKey) return new Keyring({ type: 'sr25519', ss58Format: 42 }).encodeAddress(key.publicKey);
    if (key.address) return checkedAddress(key.address, file, '--wallet-hotkey');
  }
  throw new UsageError(`--wallet-hotkey: no hotkey '${name}' in ${dir}`);
}
