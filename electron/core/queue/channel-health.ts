import type { ChannelHealth } from '../../../shared/domain/queue.ts';

/** What is stored about a target's connection (migration 13), as read with its row. */
export type StoredHealth = {
  lastTestAt: string | null;
  lastTestOk: boolean | null;
  lastTestMessage: string | null;
  /** The latest time a delivery to it moved to `needs_reauth` after its credentials last changed. */
  reauthAt: string | null;
  /** Deliveries to it in `needs_reauth` now. */
  waitingForReconnect: number;
  /** When it was disconnected (kept for the queue's history); null while connected. */
  disconnectedAt?: string | null;
};

/**
 * The channel card's status, from what is stored (pure, unit-tested):
 * "Needs reconnecting" when a delivery was refused for its credentials since
 * they last changed (unless a Test connection worked after that), or when the
 * last Test connection failed; "Connected" when the last test worked;
 * otherwise "Not tested". The next step names the button that helps.
 */
export function channelHealth(stored: StoredHealth, options: { hasSecrets: boolean }): ChannelHealth {
  const fixIt = options.hasSecrets
    ? 'Choose Replace credentials, then Test connection'
    : 'Check its settings (Edit settings), then Test connection';
  const retry = stored.waitingForReconnect > 0 ? ', then Retry the deliveries waiting for it on the Queue page.' : '.';
  const base = { lastTestedAt: stored.lastTestAt, waitingForReconnect: stored.waitingForReconnect };
  if (stored.disconnectedAt) {
    return {
      ...base,
      state: 'disconnected',
      reason: 'It was disconnected: nothing can be published to it, and its passwords and tokens were deleted.',
      nextStep: 'To publish to it again, connect it again with Connect a channel.',
    };
  }
  const testedOkAfterReauth =
    stored.reauthAt !== null &&
    stored.lastTestOk === true &&
    stored.lastTestAt !== null &&
    stored.lastTestAt > stored.reauthAt;
  if (stored.reauthAt !== null && !testedOkAfterReauth) {
    return {
      ...base,
      state: 'needs_reconnecting',
      reason: 'A delivery was refused because the channel did not accept its sign-in.',
      nextStep: `${fixIt}${retry}`,
    };
  }
  if (stored.lastTestOk === false) {
    return {
      ...base,
      state: 'needs_reconnecting',
      reason: `The last Test connection failed: ${stored.lastTestMessage ?? 'no reason was given.'}`,
      nextStep: `${fixIt}${retry}`,
    };
  }
  if (stored.lastTestOk === true) {
    const waiting = stored.waitingForReconnect;
    return {
      ...base,
      state: 'connected',
      reason: null,
      nextStep:
        waiting === 0
          ? null
          : `Retry the ${waiting === 1 ? 'delivery' : `${waiting} deliveries`} waiting for it on the Queue page.`,
    };
  }
  return {
    ...base,
    state: 'not_tested',
    reason: null,
    nextStep: 'Choose Test connection to check that Town Crier can publish to it.',
  };
}
