import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, nextAttemptDelay, retryDelay } from '../../../electron/core/queue/backoff.ts';

/** mulberry32: a small seeded generator, so the jitter is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const policy = { baseMs: 1000, capMs: 60_000 };

describe('back-off: exponential with full jitter, capped', () => {
  it('draws each delay between zero and a ceiling that doubles per attempt up to the cap', () => {
    const rng = seeded(42);
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const delay = nextAttemptDelay(attempt, rng, policy);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  it('reaches the ends of the range with the ends of the generator', () => {
    expect(nextAttemptDelay(1, () => 0, policy)).toBe(0);
    expect(nextAttemptDelay(1, () => 0.999999, policy)).toBe(999);
    expect(nextAttemptDelay(3, () => 0.5, policy)).toBe(2000);
    expect(nextAttemptDelay(30, () => 0.5, policy)).toBe(30_000);
    // A generator returning 1 (outside its contract) still stays under the ceiling.
    expect(nextAttemptDelay(1, () => 1, policy)).toBeLessThan(1000);
  });

  it('is the same sequence for the same seed, and spreads retries out', () => {
    const a = seeded(7);
    const b = seeded(7);
    const first = Array.from({ length: 10 }, () => nextAttemptDelay(4, a, policy));
    expect(Array.from({ length: 10 }, () => nextAttemptDelay(4, b, policy))).toEqual(first);
    expect(first).toEqual([93, 495, 7815, 5592, 4171, 3244, 3729, 1919, 4426, 5838]);
    expect(new Set(first).size).toBe(10);
  });

  it('copes with huge attempt numbers without overflowing', () => {
    expect(nextAttemptDelay(10_000, () => 0.5, policy)).toBe(30_000);
    expect(nextAttemptDelay(0, () => 0.5, policy)).toBe(500);
  });

  it('never waits less than the channel asked for', () => {
    expect(retryDelay(1, 5000, () => 0.1, policy)).toBe(5000);
    expect(retryDelay(8, 5000, () => 0.9, policy)).toBe(Math.floor(0.9 * 60_000));
    expect(retryDelay(1, -5, () => 0, policy)).toBe(0);
  });

  it('defaults to half a minute, growing to half an hour', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 30_000, capMs: 1_800_000 });
  });
});
