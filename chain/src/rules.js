// The chain's difficulty check, as --rule auto needs it to read a dry run: the seal read as a
// 256-bit integer in the rule's byte order passes when seal × d does not overflow 2^256.

const LIMIT = 1n << 256n;

/** The other byte order. */
export const otherRule = (rule) => (rule === 'le' ? 'be' : 'le');

/** Whether a seal (0x-prefixed hex of its 32 bytes) meets difficulty d (BigInt) under rule le or be. */
export function sealPasses(sealHex, difficulty, rule) {
  const hex = sealHex.replace(/^0x/, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`a seal is 32 bytes of hex, got '${sealHex}'`);
  const bytes = hex.match(/../g);
  const value = BigInt(`0x${(rule === 'le' ? bytes.reverse() : bytes).join('')}`);
  return value * BigInt(difficulty) < LIMIT;
}

/**
 * Two seals for --rule auto's probes, as 0x hex: `le` meets difficulty d only when read
 * little-endian (its first byte 0xff, the rest zero: 255 read le, 255·2^248 read be), `be` only
 * when read big-endian (the mirror). Null when d cannot tell them apart (below 2, or so large
 * that even 255 fails).
 */
export function probeSeals(difficulty) {
  const le = `0xff${'00'.repeat(31)}`;
  const be = `0x${'00'.repeat(31)}ff`;
  const d = BigInt(difficulty);
  const tells = sealPasses(le, d, 'le') && !sealPasses(le, d, 'be') && sealPasses(be, d, 'be') && !sealPasses(be, d, 'le');
  return tells ? { le, be } : null;
}
