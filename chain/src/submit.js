// Submit-and-watch: signs a solution's call (or builds it unsigned), submits it, watches it into a
// block and fills the attempt's record with the outcome by name. A call in flight when the
// connection drops is settled by reading the chain once the node is back: found in a block, its
// events decide; not found, it counts as lost (never submitted again blindly: the next attempt
// signs with the chain's account nonce, so at most one of the two can ever be included).
import { dispatchErrorName, formatEvents, poolErrorName, explain } from './errors.js';
import { withTimeout } from './connection.js';

// Mortal-era length in blocks: long enough to get into a block, short enough that a lost
// transaction cannot land much later (the work itself is only good for two blocks, docs/protocol.md §4).
export const ERA_PERIOD = 8;

/**
 * The era to sign with at the best head: mortal, born at the best head. At block 0 (the claim loop
 * does not solve there, but a call may be signed while the chain is still there) the runtime does
 * not hold block 0's hash as the node reports it (a fresh chain keeps a placeholder until block 1
 * is built), so a mortal era born there is refused BadProof: there the call is immortal.
 */
export function eraFor(api, best) {
  if (best.number === 0) return { era: 0, blockHash: api.genesisHash.toHex(), immortal: true };
  return { era: api.createType('ExtrinsicEra', { current: best.number, period: ERA_PERIOD }), blockHash: best.hash, immortal: false };
}

class ConnectionLost extends Error {}

/** The outcome of an included call from its events (the dispatch error by name, or the success event). */
function outcomeFromEvents(api, record, events, successEvent, dispatchError) {
  record.events = formatEvents(events);
  if (dispatchError) {
    record.result = 'refused';
    record.error = dispatchErrorName(api, dispatchError);
  } else if (events.some(({ event }) => successEvent(event))) {
    record.result = 'success';
  } else {
    record.result = 'refused';
    record.error = 'NoEvent';
    record.explanation = 'the call was included without the expected event';
  }
}

/**
 * Reads whether extrinsic `hash` is in a block after `bornAt` (up to the era's end) and, if so,
 * what it did. Returns null when it is not there (yet).
 */
export async function findIncluded(api, hash, bornAt, successEvent) {
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  for (let n = bornAt + 1; n <= Math.min(best, bornAt + ERA_PERIOD + 1); n += 1) {
    const blockHash = await api.rpc.chain.getBlockHash(n);
    const block = await api.rpc.chain.getBlock(blockHash);
    const index = block.block.extrinsics.findIndex((x) => x.hash.toHex() === hash);
    if (index < 0) continue;
    const all = await api.query.system.events.at(blockHash);
    const events = all.filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === index);
    const failed = events.find(({ event }) => event.section === 'system' && event.method === 'ExtrinsicFailed');
    const record = {};
    outcomeFromEvents(api, record, events, successEvent, failed ? failed.event.data[0] : null);
    return { ...record, included_block: blockHash.toHex(), included_block_number: n };
  }
  return null;
}

/**
 * Makes the submitter the claim loop calls: submit(solution, record, head).
 * link: the Link; pair: the signer (null for an unsigned call); buildCall(api, solution) → the call;
 * successEvent(event) → whether it is the call's success event; profile: for pool error names.
 */
export function makeSubmitter({ link, pair, buildCall, successEvent, profile, heads, log, now = () => performance.now() }) {
  let localNonce = null;
  link.on('restored', () => { localNonce = null; });

  return async function submit(s, record, head) {
    let tSubmit;
    let bornAt = heads.best.number;
    try {
      const api = await link.up();
      let tx = buildCall(api, s);
      if (pair) {
        const chainNonce = (await api.rpc.system.accountNextIndex(pair.address)).toBigInt();
        const nonce = localNonce !== null && localNonce > chainNonce ? localNonce : chainNonce;
        const best = heads.best;
        bornAt = best.number;
        const { era, blockHash } = eraFor(api, best);
        // docs/protocol.md §10: pow_register is fee-free; no tip on any call.
        tx = await tx.signAsync(pair, { nonce, era, blockHash, tip: 0 });
        localNonce = nonce + 1n;
      }
      record.extrinsic = tx.hash.toHex();
      tSubmit = now();
      record.head_to_submit_ms = Math.round(tSubmit - head.arrived);
      let onLost;
      const lost = new Promise((_, reject) => { onLost = () => reject(new ConnectionLost()); link.once('lost', onLost); });
      lost.catch(() => {});
      let unsub;
      const result = await Promise.race([
        new Promise((resolve, reject) => {
          tx.send((r) => {
            if (r.status.isInBlock || r.status.isFinalized) resolve(r);
            else if (r.status.isInvalid || r.status.isDropped || r.status.isUsurped) reject(new Error(`transaction ${r.status.type}`));
          }).then((u) => { unsub = u; }, (e) => reject(link.down ? new ConnectionLost() : e));
        }),
        lost,
      ]).finally(() => {
        link.off('lost', onLost);
        try { unsub?.(); } catch { /* gone */ }
      });
      record.submit_to_inclusion_ms = Math.round(now() - tSubmit);
      record.included_block = result.status.isInBlock ? result.status.asInBlock.toHex() : result.status.asFinalized.toHex();
      record.included_block_number = (await api.rpc.chain.getHeader(record.included_block)).number.toNumber();
      outcomeFromEvents(api, record, result.events, successEvent, result.dispatchError);
    } catch (e) {
      if (e instanceof ConnectionLost || (link.down && record.extrinsic)) {
        await settleAfterReconnect(record, bornAt, tSubmit);
      } else if (link.down) {
        // Lost before anything was sent: nothing to settle.
        record.result = 'refused';
        record.error = 'ConnectionLost';
      } else {
        record.result = 'refused';
        const name = poolErrorName(e.message, profile);
        record.error = name ?? 'Rejected';
        record.detail = e.message;
        if (!name) record.explanation = `the node refused the transaction: ${e.message}`;
      }
    }
    if (record.error && !record.explanation) record.explanation = explain(record.error, { rule: record.rule });
    return record;
  };

  // The node went away with the call in flight: once it is back, read the chain for it.
  async function settleAfterReconnect(record, bornAt, tSubmit) {
    const api = await link.up(); // throws when the node stays away: the run ends with exit 3
    log(`settling the call in flight (${record.extrinsic.slice(0, 18)}…) by reading the chain`);
    let found = await withTimeout(findIncluded(api, record.extrinsic, bornAt, successEvent), 30000, 'reading the chain for the call in flight');
    // Still in the node's pool (the node stayed up, only the connection dropped): it may yet be
    // included, so it is waited for until it is in a block, leaves the pool, or its era ends.
    const deadline = performance.now() + 60000;
    let said = false;
    while (!found && performance.now() < deadline) {
      const pending = await api.rpc.author.pendingExtrinsics().catch(() => []);
      if (!pending.some((x) => x.hash.toHex() === record.extrinsic)) break;
      const best = (await api.rpc.chain.getHeader()).number.toNumber();
      if (best > bornAt + ERA_PERIOD) break;
      if (!said) log('the call in flight is still in the node\'s pool; waiting for it');
      said = true;
      await new Promise((r) => setTimeout(r, 500));
      found = await findIncluded(api, record.extrinsic, bornAt, successEvent);
    }
    if (!found) found = await findIncluded(api, record.extrinsic, bornAt, successEvent);
    if (found) {
      Object.assign(record, found);
      if (tSubmit !== undefined) record.submit_to_inclusion_ms = null; // the wait included the outage
      log(`the call in flight was included in block ${found.included_block_number}: ${found.result}`);
    } else {
      record.result = 'refused';
      record.error = 'ConnectionLost';
      log('the call in flight is not in the chain; it is not counted, and the next one signs with the chain\'s account nonce');
    }
  }
}
