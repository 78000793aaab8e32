// pow-register (docs/protocol.md §10): what is read at each new best head, the decisions taken from those
// reads (plain functions over plain values, unit-tested), and the v1 job that goes to the solver.
import { decodeAddress } from '@polkadot/util-crypto';
import { sealPasses } from './rules.js';

const U64_MAX = (1n << 64n) - 1n;
/** docs/protocol.md §10: work on head h is good while the call executes in h+1 or h+2 (now − work_block < 3). */
export const WORK_BLOCK_WINDOW = 3;

/**
 * The difficulty to mine at (docs/protocol.md §10): the SDK's reading, min(max(MinDifficulty or 1,
 * Difficulty or 1), MaxDifficulty or 2^64−1), and the runtime's, max(Difficulty, 1); the larger
 * satisfies both.
 */
export function miningDifficulty({ difficulty, minDifficulty, maxDifficulty }) {
  const d = difficulty > 0n ? difficulty : 1n;
  const lo = minDifficulty > 0n ? minDifficulty : 1n;
  const hi = maxDifficulty > 0n ? maxDifficulty : U64_MAX;
  const sdk = (d > lo ? d : lo) < hi ? (d > lo ? d : lo) : hi;
  return sdk > d ? sdk : d;
}

/** docs/protocol.md §10: whether work on block workBlock is still taken by a call executing in block now. */
export function workBlockUsable(workBlock, now) {
  return workBlock < now && now - workBlock < WORK_BLOCK_WINDOW;
}

/** docs/protocol.md §10: LastPowRegistrationBlock(hotkey) absent or below the work block. */
export function lastPowAllows(lastPowBlock, workBlock) {
  return lastPowBlock === null || lastPowBlock === undefined || lastPowBlock < workBlock;
}

/** Whether a seal found at an older difficulty still passes at the newest head's (rule le only). */
export function stillPasses(seal, newestDifficulty) {
  return sealPasses(seal, newestDifficulty, 'le');
}

const ZERO_ACCOUNT = `0x${'00'.repeat(32)}`;

/**
 * What to do at head `number` for one hotkey, from the reads at that head (docs/protocol.md §10's checks, in
 * the runtime's order, as far as storage tells them): { solve: difficulty, note? },
 * { refuse: { error } } (no hotkey can register: end the run), { skip: { error } } (this hotkey
 * needs nothing or cannot register: go on to the next), or { wait: why } (a later head may do).
 */
export function headDecision(reads, { number, netuid, coldkeyHex }) {
  if (netuid === 0) return { refuse: { error: 'RegistrationNotPermittedOnRootSubnet' } };
  if (!reads.subnetExists) return { refuse: { error: 'SubnetNotExists' } };
  if (!reads.registrationAllowed || !reads.powAllowed) return { refuse: { error: 'SubNetRegistrationDisabled' } };
  if (reads.uid !== null) return { skip: { error: 'HotKeyAlreadyRegisteredInSubNet' } };
  if (reads.maxAllowedUids === 0) return { refuse: { error: 'NoNeuronIdAvailable' } };
  if (reads.maxRegistrationsPerBlock === 0) return { refuse: { error: 'TooManyRegistrationsThisBlock' } };
  if (!lastPowAllows(reads.lastPowBlock, number)) {
    return { wait: `the hotkey's last PoW registration is at block ${reads.lastPowBlock}; work must be on a later block` };
  }
  if (reads.owner && reads.owner !== ZERO_ACCOUNT && coldkeyHex && reads.owner !== coldkeyHex) {
    return { skip: { error: 'NonAssociatedColdKey' } };
  }
  const solve = miningDifficulty(reads);
  // RegistrationsThisBlock counts head h's own block; the call lands in h+1 or h+2.
  const note = reads.registrationsThisBlock >= reads.maxRegistrationsPerBlock
    ? `block ${number} took its ${reads.maxRegistrationsPerBlock} registration(s); the call goes into a later block` : undefined;
  return { solve, note };
}

const big = (codec) => BigInt(codec.toString());

/**
 * docs/protocol.md §10: what the SDK reads before mining, all at the same block hash, and what the runtime's
 * checks need besides (subnet exists, hotkey owner, max uids). Storage a runtime lacks reads as
 * its default.
 */
export async function readPowState(api, blockHash, netuid, hotkey) {
  const at = await api.at(blockHash);
  const q = at.query.subtensorModule;
  const opt = (name, ...args) => (q[name] ? q[name](...args) : Promise.resolve(null));
  const [
    subnetExists, registrationAllowed, powAllowed, difficulty, minDifficulty, maxDifficulty, uid, lastPow,
    registrationsThisBlock, maxRegistrationsPerBlock, maxAllowedUids, owner,
  ] = await Promise.all([
    opt('networksAdded', netuid), opt('networkRegistrationAllowed', netuid), opt('networkPowRegistrationAllowed', netuid),
    opt('difficulty', netuid), opt('minDifficulty', netuid), opt('maxDifficulty', netuid), opt('uids', netuid, hotkey),
    opt('lastPowRegistrationBlock', hotkey), opt('registrationsThisBlock', netuid), opt('maxRegistrationsPerBlock', netuid),
    opt('maxAllowedUids', netuid), opt('owner', hotkey),
  ]);
  const optional = (v) => (v === null || v === undefined || v.isNone ? null : Number((v.unwrap ? v.unwrap() : v).toString()));
  return {
    subnetExists: subnetExists === null ? true : subnetExists.isTrue,
    registrationAllowed: registrationAllowed === null ? true : registrationAllowed.isTrue,
    powAllowed: powAllowed === null ? false : powAllowed.isTrue,
    difficulty: difficulty === null ? 0n : big(difficulty),
    minDifficulty: minDifficulty === null ? 0n : big(minDifficulty),
    maxDifficulty: maxDifficulty === null ? 0n : big(maxDifficulty),
    uid: optional(uid),
    lastPowBlock: optional(lastPow),
    registrationsThisBlock: registrationsThisBlock === null ? 0 : Number(registrationsThisBlock.toString()),
    maxRegistrationsPerBlock: maxRegistrationsPerBlock === null ? 1 : Number(maxRegistrationsPerBlock.toString()),
    maxAllowedUids: maxAllowedUids === null ? 1 : Number(maxAllowedUids.toString()),
    owner: owner === null ? null : owner.toHex(),
  };
}

/** The three difficulty values at a head (the re-check before submitting, docs/protocol.md §10). */
export async function readDifficulty(api, blockHash, netuid) {
  const at = await api.at(blockHash);
  const q = at.query.subtensorModule;
  const [difficulty, minDifficulty, maxDifficulty] = await Promise.all(
    ['difficulty', 'minDifficulty', 'maxDifficulty'].map((n) => (q[n] ? q[n](netuid).then(big) : Promise.resolve(0n))),
  );
  return miningDifficulty({ difficulty, minDifficulty, maxDifficulty });
}

/** Whether the runtime has the call (spec 474 and later). */
export const hasPowRegister = (api) => Boolean(api.tx.subtensorModule?.powRegister);

/**
 * The call, as the chain's own end-to-end test builds it (docs/protocol.md §10):
 * powRegister(netuid, work_block, nonce, work, hotkey), work the 32 seal bytes.
 */
export function powRegisterCall(api, { netuid, hotkey }, solution) {
  return api.tx.subtensorModule.powRegister(netuid, solution.blockNumber, solution.nonce, solution.seal, hotkey);
}

/** The 0x hex of an account's 32 bytes (SS58 or 0x hex in). */
export const accountHex = (account) => `0x${Buffer.from(decodeAddress(account)).toString('hex')}`;
