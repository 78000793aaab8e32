// bittensor-wallet keyfiles. A keyfile holds a JSON object (accountId, publicKey, privateKey,
// secretPhrase, secretSeed, ss58Address) either as plain text or encrypted: the bytes `$NACL`, then
// a NaCl secretbox (24-byte nonce, then the box) under a key derived with Argon2i (libsodium's
// "sensitive" limits: 8 passes, 512 MiB, one lane) from the password and a fixed salt.
import { argon2i } from 'hash-wasm';
import nacl from 'tweetnacl';

export const NACL_MAGIC = Buffer.from('$NACL');
// The wallet's fixed Argon2i salt (a constant of the format, not a secret).
export const NACL_SALT = Buffer.from([
  0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
]);
const ARGON2I_SENSITIVE = { iterations: 8, memorySize: 512 * 1024, parallelism: 1 };

export class KeyfileError extends Error {}

/** How a keyfile's bytes are stored: 'nacl', 'plain' (JSON), or 'unsupported' (older formats). */
export function keyfileKind(bytes) {
  const data = Buffer.from(bytes);
  if (data.subarray(0, NACL_MAGIC.length).equals(NACL_MAGIC)) return 'nacl';
  const text = data.toString('utf8').trim();
  if (text.startsWith('{')) return 'plain';
  return 'unsupported';
}

async function deriveKey(password) {
  const hash = await argon2i({
    password: Buffer.from(password, 'utf8'), salt: NACL_SALT, hashLength: 32, outputType: 'binary',
    ...ARGON2I_SENSITIVE,
  });
  return Uint8Array.from(hash);
}

/** Decrypts `$NACL` keyfile bytes; throws KeyfileError on a wrong password or damaged file. */
export async function decryptKeyfile(bytes, password) {
  const data = Buffer.from(bytes).subarray(NACL_MAGIC.length);
  if (data.length < nacl.secretbox.nonceLength + nacl.secretbox.overheadLength) throw new KeyfileError('encrypted keyfile is too short');
  const nonce = data.subarray(0, nacl.secretbox.nonceLength);
  const box = data.subarray(nacl.secretbox.nonceLength);
  const plain = nacl.secretbox.open(Uint8Array.from(box), Uint8Array.from(nonce), await deriveKey(password));
  if (!plain) throw new KeyfileError('wrong password, or the keyfile is damaged');
  return Buffer.from(plain);
}

/**
 * Parses decrypted keyfile JSON into what a keypair can be made from:
 * { seed?: Uint8Array(32), phrase?: string, secretKey?: Uint8Array(64), publicKey?: Uint8Array(32), address? }.
 */
export function parseKeyfileJson(plain) {
  let obj;
  try {
    obj = JSON.parse(Buffer.from(plain).toString('utf8'));
  } catch {
    throw new KeyfileError('keyfile is not JSON');
  }
  const hex = (v, n) => {
    if (typeof v !== 'string') return undefined;
    const h = v.startsWith('0x') ? v.slice(2) : v;
    if (!/^[0-9a-fA-F]*$/.test(h) || h.length !== 2 * n) return undefined;
    return Uint8Array.from(Buffer.from(h, 'hex'));
  };
  const out = {
    seed: hex(obj.secretSeed, 32),
    phrase: typeof obj.secretPhrase === 'string' && obj.secretPhrase.trim() ? obj.secretPhrase.trim() : undefined,
    secretKey: hex(obj.privateKey, 64),
    publicKey: hex(obj.publicKey, 32) ?? hex(obj.accountId, 32),
    address: typeof obj.ss58Address === 'string' ? obj.ss58Address : undefined,
  };
  if (!out.seed && !out.phrase && !out.secretKey && !out.publicKey && !out.address) throw new KeyfileError('keyfile holds no key');
  return out;
}
