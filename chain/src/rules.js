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

/**
 * The byte order a run solves under. A rule given with --rule is settled from the start; --rule
 * auto starts with the profile's order and is settled once, on the runtime's own verdict: the
 * probes' dry runs (fromProbes) or a real submission's outcome (fromOutcome). Plain state, no I/O,
 * so the choices are unit-tested.
 */
export class RuleChoice {
  constructor(requested, profileDefault) {
    this.auto = requested === 'auto';
    this.rule = this.auto ? profileDefault : (requested ?? profileDefault);
    this.settled = !this.auto;
  }

  text() { return this.settled ? this.rule : `auto (trying ${this.rule} first)`; }

  /** Settles on `rule`; returns { switched, why } for the log. */
  settle(rule, why) {
    const switched = rule !== this.rule;
    this.rule = rule;
    this.settled = true;
    return { switched, why };
  }

  /**
   * The probes' verdicts ({ le, be }: an error name, 'accepted', or a description). Exactly one
   * InvalidDifficulty tells the order: the probe refused is the one whose order the chain does not
   * use. Returns the settlement, or { undecided: why } when the answers tell nothing.
   */
  fromProbes(verdicts, blockNumber) {
    if (this.settled) return null;
    const refused = ['le', 'be'].filter((order) => verdicts[order] === 'InvalidDifficulty');
    if (refused.length === 1) {
      const chosen = otherRule(refused[0]);
      return this.settle(chosen, `dry runs at block ${blockNumber} refused the probe seal that only rule ${refused[0]} accepts as InvalidDifficulty, and answered ${verdicts[chosen]} to the one that only rule ${chosen} accepts`);
    }
    return { undecided: `dry runs at block ${blockNumber} answered ${verdicts.le} (le probe) and ${verdicts.be} (be probe), which does not tell the order` };
  }

  /**
   * A submission's outcome under the current rule: accepted with a seal that fails the other order
   * settles this one; refused InvalidDifficulty switches to the other. Anything else tells nothing.
   */
  fromOutcome({ result, error }, seal, difficulty) {
    if (this.settled) return null;
    if (result === 'success' && !sealPasses(seal, difficulty, otherRule(this.rule))) {
      return this.settle(this.rule, `the runtime accepted a rule-${this.rule} seal that fails rule ${otherRule(this.rule)}`);
    }
    if (error === 'InvalidDifficulty') {
      const was = this.rule;
      return this.settle(otherRule(was), `the runtime refused a rule-${was} seal as InvalidDifficulty`);
    }
    return null;
  }
}
