import { describe, expect, it } from 'vitest';
import { channelHealth, type StoredHealth } from '../../../electron/core/queue/channel-health.ts';

/** The channel card's status from what is stored: each rule, and which one wins. */

const stored = (over: Partial<StoredHealth> = {}): StoredHealth => ({
  lastTestAt: null,
  lastTestOk: null,
  lastTestMessage: null,
  reauthAt: null,
  waitingForReconnect: 0,
  ...over,
});

describe('channel health', () => {
  it('says a disconnected channel is disconnected, whatever else is stored', () => {
    const gone = stored({
      disconnectedAt: '2026-11-27T01:00:00.000Z',
      lastTestOk: false,
      reauthAt: '2026-11-26T00:00:00.000Z',
    });
    expect(channelHealth(gone, { hasSecrets: true })).toMatchObject({
      state: 'disconnected',
      nextStep: 'To publish to it again, connect it again with Connect a channel.',
    });
  });

  it('is not tested until a Test connection ran', () => {
    expect(channelHealth(stored(), { hasSecrets: true })).toMatchObject({
      state: 'not_tested',
      nextStep: 'Choose Test connection to check that Town Crier can publish to it.',
    });
  });

  it('is connected after a test that worked', () => {
    expect(
      channelHealth(stored({ lastTestAt: '2026-11-27T01:00:00.000Z', lastTestOk: true }), { hasSecrets: true }),
    ).toEqual({
      state: 'connected',
      reason: null,
      nextStep: null,
      lastTestedAt: '2026-11-27T01:00:00.000Z',
      waitingForReconnect: 0,
    });
  });

  it('needs reconnecting after a failed test, with its message and a step that fits the kind', () => {
    const failed = stored({ lastTestAt: '2026-11-27T01:00:00.000Z', lastTestOk: false, lastTestMessage: 'HTTP 401.' });
    expect(channelHealth(failed, { hasSecrets: true })).toMatchObject({
      state: 'needs_reconnecting',
      reason: 'The last Test connection failed: HTTP 401.',
      nextStep: 'Choose Replace credentials, then Test connection.',
    });
    expect(channelHealth(failed, { hasSecrets: false }).nextStep).toBe(
      'Check its settings (Edit settings), then Test connection.',
    );
  });

  it('needs reconnecting after a delivery was refused for its sign-in, unless a later test worked', () => {
    const refused = stored({
      reauthAt: '2026-11-27T01:00:00.000Z',
      waitingForReconnect: 2,
      lastTestAt: '2026-11-27T00:30:00.000Z',
      lastTestOk: true,
    });
    expect(channelHealth(refused, { hasSecrets: true })).toMatchObject({
      state: 'needs_reconnecting',
      nextStep:
        'Choose Replace credentials, then Test connection, then Retry the deliveries waiting for it on the Queue page.',
    });
    const testedAfter = { ...refused, lastTestAt: '2026-11-27T01:30:00.000Z' };
    expect(channelHealth(testedAfter, { hasSecrets: true })).toMatchObject({
      state: 'connected',
      nextStep: 'Retry the 2 deliveries waiting for it on the Queue page.',
    });
  });
});
