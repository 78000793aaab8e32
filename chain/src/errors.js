// Failures the client reports: the exit code each maps to, and a one-line remedy for every refusal
// a runtime gives a proof-of-work call, by its dispatch or pool error name.

export const EXIT = Object.freeze({ done: 0, notAchieved: 1, badInput: 2, nodeOrSolver: 3 });

/** Bad command-line input: the message names the flag and the expected form. */
export class UsageError extends Error {}

/** The node or the solver failed (connection lost, child died, no response in time). */
export class FailureError extends Error {}

const REMEDIES = {
  InvalidDifficulty:
    'the seal does not meet the difficulty under this byte order; the chain may use the old big-endian order: try --rule be (or --rule le if you chose be)',
  InvalidWorkBlock:
    'the work block is more than 2 blocks behind the block that executed the call; solve on the newest head and submit within two blocks',
  FaucetDisabled:
    'this runtime was built without the pow-faucet feature; use a localnet built by subtensor\'s scripts/localnet.sh',
  HotKeyAlreadyRegisteredInSubNet: 'this hotkey already has a uid on the subnet; nothing to do',
  AlreadyRegistered: 'this hotkey already has a uid on the subnet; nothing to do',
  TransactorAccountShouldBeHotKey:
    'register must be signed by the hotkey that it registers; sign with the hotkey (--wallet-hotkey, or --dev/--suri-* of the hotkey)',
  SubNetRegistrationDisabled:
    'registration (or, for pow-register, PoW registration) is off on this subnet: the subnet owner must enable it (sudoSetNetworkPowRegistrationAllowed); or try another netuid',
  SubNetworkDoesNotExist: 'no subnet has this netuid on this chain; check --netuid',
  NetworkDoesNotExist: 'no subnet has this netuid on this chain; check --netuid',
  TooManyRegistrationsThisBlock: 'the subnet takes no more registrations in this block; it retries on a later head',
  ExhaustsResources:
    'the node\'s pool refused the call for lack of room (for register: the subnet took its most registrations for this interval); it retries on later heads until --timeout',
  TooManyRegistrationsThisInterval: 'the subnet reached its registrations for this interval; wait for the next interval',
  MaxAllowedUIdsNotAllowed: 'the subnet is full; try another netuid',
  NoNeuronIdAvailable: 'the subnet is full; try another netuid',
  RegistrationNotPermittedOnRootSubnet: 'the root subnet (netuid 0) takes no PoW registrations; choose another netuid',
  BadOrigin: 'the call was sent with the wrong origin (signed where the chain wants unsigned, or the reverse); check --chain',
  Stale: 'the account nonce was already used; it retries with a fresh nonce',
  Future: 'the transaction refers to a block or nonce the node does not have yet',
  BalanceTooHigh: 'the key already holds the faucet\'s limit (free + staked); the faucet pays only poorer keys',
  Payment: 'the signer cannot pay the transaction fee or its account does not exist; fund it first',
  BadProof: 'the signature was refused; check that the signer\'s key and the chain (genesis) match',
  PowRegistrationDisabled: 'PoW registration is off on this subnet; its owner or sudo must allow it',
  ConnectionLost:
    'the connection to the node was lost with the call in flight and the call is not in the chain; it is not counted, and it retries on a newer head',
  InPool:
    'the node already holds a transaction with this account nonce (the one in flight when the connection dropped); it retries on a newer head',
  // docs/protocol.md §10: pow_register's refusals, in the runtime's order.
  SubnetNotExists: 'no subnet has this netuid on this chain; check --netuid',
  InvalidSeal:
    'the seal does not match the block, account and nonce; the work must be done for the account the chain puts in the hash (faucet: the signer; register: the hotkey; pow-register: the hotkey and the signing coldkey; Torus: --account)',
  CannotUseSystemAccount: 'this hotkey is a subnet\'s system account and cannot be registered; use another hotkey',
  NonAssociatedColdKey: 'that hotkey belongs to another coldkey; sign with its own coldkey or use a hotkey of yours',
  TooManyStakingHotkeys: 'this coldkey has the most staking hotkeys it may have; unstake from or remove one first',
  PowRegisterUnavailable:
    'this runtime has no subtensorModule.powRegister (it came with spec 474); use btpow-chain register, which this runtime checks with the old seal',
};

/** The one-line remedy for an error name, or a generic one. */
export function explain(name, { rule } = {}) {
  if (name === 'InvalidDifficulty' && rule) {
    const other = rule === 'le' ? 'be' : 'le';
    const era = other === 'be' ? 'the old big-endian order' : "today's little-endian order";
    return `the seal does not meet the difficulty under rule ${rule}; the chain may use ${era}: try --rule ${other}`;
  }
  return REMEDIES[name] ?? 'refused by the runtime; see the error name';
}

/** Errors after which solving the next head may succeed (the work aged out, a busy block). */
export const RETRYABLE = new Set(['InvalidWorkBlock', 'Stale', 'Future', 'TooManyRegistrationsThisBlock', 'ExhaustsResources',
  'ConnectionLost', 'InPool']);

/**
 * pow-register's: as above, and InvalidDifficulty (someone else's registration raised the
 * difficulty between the re-check and the call's block, docs/protocol.md §10).
 */
export const POW_RETRYABLE = new Set([...RETRYABLE, 'InvalidDifficulty']);

/** The events of an included call as plain objects. */
export function formatEvents(events) {
  return events.map(({ event }) => ({ event: `${event.section}.${event.method}`, data: event.data.toJSON() }));
}

/** A dispatch error's name (the pallet's error for a module error). */
export function dispatchErrorName(api, dispatchError) {
  if (dispatchError.isModule) {
    try {
      return api.registry.findMetaError(dispatchError.asModule).name;
    } catch {
      return 'Module';
    }
  }
  return dispatchError.type;
}

/**
 * Names a transaction-pool rejection (RPC error 1010) the way a dispatch error is named.
 * The pool reports e.g. `1010: Invalid Transaction: Transaction is outdated` or a JSON form
 * `{"invalid":{"stale":null}}`; both spellings occur across node versions.
 */
export function poolErrorName(message, profile) {
  const m = String(message);
  if (/stale|outdated/i.test(m)) return 'Stale';
  if (/future/i.test(m)) return 'Future';
  if (/exhausts?\s*(resources|the block)/i.test(m)) return 'ExhaustsResources';
  if (/ancient|birth/i.test(m)) return 'InvalidWorkBlock';
  if (/payment|inability to pay/i.test(m)) return 'Payment';
  if (/priority is too low|already imported|temporarily banned|\b101[234]\b/i.test(m)) return 'InPool';
  if (/bad ?proof|bad signature/i.test(m)) return 'BadProof';
  const custom = m.match(/custom"?\s*:?\s*(?:error:?\s*)?(\d+)/i);
  if (custom && profile?.customErrors?.[custom[1]]) return profile.customErrors[custom[1]];
  return null;
}
