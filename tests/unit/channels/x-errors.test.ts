import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { ApiResponseError, type TwitterApiErrorData } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { classifyXError } from '../../../electron/core/channels/x/x-errors.ts';

/** X's error bodies, classified in one place (the queue tests cover 401, 403 duplicate, 429, 500 and timeouts end to end). */

const NOW = Date.parse('2026-03-02T09:00:00Z');

function answer(code: number, data: TwitterApiErrorData, headers: IncomingHttpHeaders = {}) {
  const stub = {} as ClientRequest & IncomingMessage;
  return new ApiResponseError(`Request failed with code ${code}`, {
    code,
    data,
    headers,
    request: stub,
    response: stub,
  });
}

describe('classifyXError', () => {
  it('429 waits until x-rate-limit-reset', () => {
    const reset = String(NOW / 1000 + 90);
    const error = classifyXError(
      answer(429, { title: 'Too Many Requests', detail: 'Too Many Requests' }, { 'x-rate-limit-reset': reset }),
      NOW,
    );
    expect(error.failure).toMatchObject({ kind: 'retryable', afterMs: 90_000, offline: false });
  });

  it('a revoked token (v1.1 code 89) needs reconnecting, even when X says 403', () => {
    const error = classifyXError(answer(403, { errors: [{ code: 89, message: 'Invalid or expired token.' }] }), NOW);
    expect(error.failure).toMatchObject({ kind: 'auth' });
    expect(error.message).toMatch(/Reconnect the X channel/);
  });

  it('the v1.1 duplicate code 187 is the plain-English duplicate refusal', () => {
    const error = classifyXError(answer(403, { errors: [{ code: 187, message: 'Status is a duplicate.' }] }), NOW);
    expect(error.failure).toEqual({
      kind: 'rejected',
      message: 'X refused this as a duplicate of a recent post.',
      field: 'body',
    });
  });

  it("any other 400/403 is rejected with X's own words; 5xx is retryable", () => {
    const refused = classifyXError(
      answer(403, { title: 'Forbidden', detail: 'You are not permitted to perform this action.' }),
      NOW,
    );
    expect(refused.failure).toMatchObject({ kind: 'rejected' });
    expect(refused.message).toContain('You are not permitted to perform this action.');
    expect(classifyXError(answer(503, { title: 'Service Unavailable' }), NOW).failure.kind).toBe('retryable');
  });

  it('a refused connection is offline; anything unexplained is an unknown outcome', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyXError(refused, NOW).failure).toMatchObject({ kind: 'retryable', offline: true });
    expect(classifyXError(new Error('socket hang up'), NOW).failure.kind).toBe('unknown_outcome');
  });
});

describe('X secret names', () => {
  it('can all be stored through secrets.set (lower-case secret names)', async () => {
    const { X_SECRET_NAMES } = await import('../../../electron/core/channels/x/x-client.ts');
    const { SecretName } = await import('../../../shared/domain/settings.ts');
    for (const name of X_SECRET_NAMES)
      expect(SecretName.safeParse(`channel.0b8f2a1e-5f4e-4b8a-9d61-0c9f1e2d3a4b.${name}`).success).toBe(true);
  });
});
