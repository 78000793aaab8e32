// Which head is current: the best heads seen lately (number → hash, arrival time, what was read at
// it), and whether a solution's work block is still worth submitting (docs/protocol.md §4: the work is good
// while the call executes at most two blocks after its block).

/** How many blocks behind the best head a head is kept: the window a work block stays usable in. */
export const KEPT_BEHIND = 4;

export class Heads {
  constructor() {
    this.byNumber = new Map();
    this.best = null; // { number, hash }
    this.seq = 0; // bumps with every new head, so an answer read for an older head can be told apart
  }

  /** Records a new best head; returns its sequence number. */
  add(number, hash, arrived) {
    this.byNumber.set(number, { number, hash, arrived });
    for (const n of this.byNumber.keys()) if (n < number - KEPT_BEHIND) this.byNumber.delete(n);
    this.best = { number, hash };
    this.seq += 1;
    return this.seq;
  }

  get(number) { return this.byNumber.get(number); }

  /** Whether seq is still the newest head (nothing arrived since it was recorded). */
  isLatest(seq) { return seq === this.seq; }

  /** The best head's record, once what it needs has been read (its `ready` set), else null. */
  ready() {
    const head = this.best && this.byNumber.get(this.best.number);
    return head && head.ready ? head : null;
  }

  /**
   * Whether a solution for (blockNumber, blockHash) can still be submitted: its block is the best
   * head or the one before it (the call lands in the next block or the one after, docs/protocol.md §4) and is
   * still on the best chain as we saw it.
   */
  fresh({ blockNumber, blockHash }) {
    if (!this.best || blockNumber < this.best.number - 1) return false;
    const head = this.byNumber.get(blockNumber);
    return Boolean(head) && head.hash === blockHash;
  }
}
