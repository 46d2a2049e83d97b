/** How long to wait between attempts: exponential, capped, with full jitter. */
export type BackoffPolicy = { baseMs: number; capMs: number };

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, capMs: 30 * 60_000 };

/**
 * The delay before attempt `attempt + 1`, after attempt `attempt` failed.
 * Full jitter (a random point between zero and an exponential ceiling) keeps
 * many deliveries that failed together from all retrying together, which is
 * what makes a struggling server fall over again. `rng` returns [0, 1).
 */
export function nextAttemptDelay(attempt: number, rng: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const draw = Math.min(Math.max(rng(), 0), 1 - Number.EPSILON);
  return Math.floor(draw * ceiling);
}

/** The actual wait: the back-off, but never less than what the channel asked for (Retry-After). */
export function retryDelay(attempt: number, minMs: number, rng: () => number, policy: BackoffPolicy): number {
  return Math.max(Math.max(0, minMs), nextAttemptDelay(attempt, rng, policy));
}
