import { describe, expect, it } from 'vitest';
import { createTokenBucket } from '../../../electron/core/queue/rate-limiter.ts';

function fakeClock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('token bucket with an injected clock', () => {
  it('allows a burst, then one send per refill interval', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 3, refillPerSecond: 2, now: clock.now });
    expect(bucket.available()).toBe(3);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    expect(bucket.waitMs()).toBe(500);
    clock.advance(499);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('never holds more than its capacity, however long it was idle', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 2, refillPerSecond: 10, now: clock.now });
    clock.advance(3_600_000);
    expect(bucket.available()).toBe(2);
    expect(bucket.tryTake(3)).toBe(false);
    expect(bucket.tryTake(2)).toBe(true);
  });

  it('pauses for a Retry-After, then resumes with one token rather than a burst', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 5, refillPerSecond: 1, now: clock.now });
    bucket.pauseFor(30_000);
    expect(bucket.available()).toBe(0);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.waitMs()).toBe(30_000);
    clock.advance(29_999);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1);
    expect(bucket.available()).toBe(1);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1000);
    expect(bucket.tryTake()).toBe(true);
  });

  it('keeps the longer of two pauses', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 1, now: clock.now });
    bucket.pauseFor(10_000);
    bucket.pauseFor(2_000);
    clock.advance(5_000);
    expect(bucket.waitMs()).toBe(5_000);
  });

  it('refuses a bucket that could never send', () => {
    const now = () => 0;
    expect(() => createTokenBucket({ capacity: 0, refillPerSecond: 1, now })).toThrow(/capacity of at least 1/);
    expect(() => createTokenBucket({ capacity: 1, refillPerSecond: 0, now })).toThrow(/refill rate above 0/);
  });
});
