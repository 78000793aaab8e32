// Chain profiles: what differs between the chains that check this seal (which call carries the
// work, whose account goes into the hash, signed or unsigned, the default byte order). The flow in
// client.js is the same for all of them.

/** Subtensor (Bittensor): `faucet` signed by the claimant, `register` signed by the hotkey. */
export const subtensor = Object.freeze({
  name: 'subtensor',
  specNames: ['node-subtensor'],
  defaultRule: 'le',
  faucetSigned: true,
  faucetDifficulty: 1_000_000n,
  hasFaucet: (api) => Boolean(api.tx.subtensorModule?.faucet),
  faucetCall: (api, work) => api.tx.subtensorModule.faucet(work.blockNumber, work.nonce, work.seal),
  registerCall: (api, work, { netuid, hotkey, coldkey }) =>
    api.tx.subtensorModule.register(netuid, work.blockNumber, work.nonce, work.seal, hotkey, coldkey),
  difficulty: async (api, blockHash, netuid) =>
    BigInt((await api.query.subtensorModule.difficulty.at(blockHash, netuid)).toString()),
  faucetEvent: (event) => event.section === 'subtensorModule' && event.method === 'Faucet',
  registerEvent: (event) => event.section === 'subtensorModule' && event.method === 'NeuronRegistered',
  customErrors: {},
});

/** Torus: the testnet faucet, unsigned, the account as its `key` argument, big-endian. */
export const torus = Object.freeze({
  name: 'torus',
  specNames: ['torus-runtime'],
  defaultRule: 'be',
  faucetSigned: false,
  faucetDifficulty: 1_000_000n,
  hasFaucet: (api) => Boolean(api.tx.faucet?.faucet),
  faucetCall: (api, work, account) => api.tx.faucet.faucet(work.blockNumber, work.nonce, work.seal, { Id: account }),
  registerCall: null,
  difficulty: null,
  faucetEvent: (event) => event.section === 'faucet' && event.method === 'Faucet',
  registerEvent: () => false,
  // The faucet's validate_unsigned refuses a key at or above its balance limit with custom 0.
  customErrors: { 0: 'BalanceTooHigh' },
});

export const PROFILES = Object.freeze({ subtensor, torus });

/** The profile whose runtime is `specName`, or null. */
export function profileForRuntime(specName) {
  return Object.values(PROFILES).find((p) => p.specNames.includes(String(specName))) ?? null;
}

/**
 * The profile to use: the one named by --chain if given, else the one detected from the runtime.
 * Returns { profile, note } where note says how it was chosen, for the status line.
 */
export function chooseProfile(requested, specName) {
  const detected = profileForRuntime(specName);
  if (requested) {
    const profile = PROFILES[requested];
    const note = detected && detected !== profile
      ? `profile ${profile.name} (as asked with --chain; the runtime ${specName} looks like ${detected.name})`
      : `profile ${profile.name} (--chain; runtime ${specName})`;
    return { profile, note };
  }
  if (detected) return { profile: detected, note: `profile ${detected.name} (detected from runtime ${specName})` };
  return { profile: subtensor, note: `profile subtensor (runtime ${specName} not recognised; assumed; use --chain to choose)` };
}
