// The seals computed independently of btpow's C++ (node's sha256, @polkadot/util-crypto's
// keccak-256), for tests: the old seal (docs/protocol.md §2) and the v1 seal (docs/protocol.md §10).
import { createHash } from 'node:crypto';
import { decodeAddress, keccakAsU8a } from '@polkadot/util-crypto';

export const V1_TAG = Buffer.from('subtensor-pow-register-v1', 'ascii');
const M = (1n << 256n) - 1n;

const bytes32 = (account) => (/^0x[0-9a-fA-F]{64}$/.test(account) ? Buffer.from(account.slice(2), 'hex') : Buffer.from(decodeAddress(account)));
const le64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };
const sha256 = (b) => createHash('sha256').update(b).digest();

/** docs/protocol.md §10: the 123-byte prefix of a v1 job. */
export function v1Prefix({ netuid, blockHash, hotkey, coldkey }) {
  const n = Buffer.alloc(2);
  n.writeUInt16LE(netuid);
  return Buffer.concat([V1_TAG, n, Buffer.from(blockHash.replace(/^0x/, ''), 'hex'), bytes32(hotkey), bytes32(coldkey)]);
}

/** docs/protocol.md §10: keccak256(sha256(prefix ‖ le64(nonce))). */
export function v1Seal(prefix, nonce) {
  return Buffer.from(keccakAsU8a(sha256(Buffer.concat([prefix, le64(nonce)])), 256));
}

/** docs/protocol.md §2: keccak256(sha256(le64(nonce) ‖ keccak256(block_hash ‖ account))). */
export function oldSeal({ blockHash, account }, nonce) {
  const h = keccakAsU8a(Buffer.concat([Buffer.from(blockHash.replace(/^0x/, ''), 'hex'), bytes32(account)]), 256);
  return Buffer.from(keccakAsU8a(sha256(Buffer.concat([le64(nonce), h])), 256));
}

/** docs/protocol.md §3: whether a seal passes difficulty d read in byte order `rule` (v1: le only). */
export function passes(seal, d, rule = 'le') {
  const hex = Buffer.from(rule === 'le' ? Buffer.from(seal).reverse() : seal).toString('hex');
  return BigInt(`0x${hex}`) <= M / BigInt(d);
}
