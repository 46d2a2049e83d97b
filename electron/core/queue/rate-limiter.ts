/**
 * A token bucket per channel target, with an injected clock and no timers,
 * so it is pure enough to test with a fake clock. The worker takes a token
 * before each send; a `retryable(afterMs)` answer (429 with Retry-After, a
 * rate-limit reset header) pauses the whole bucket, because a rate limit
 * belongs to the account, not to one post.
 */
export type TokenBucketOptions = {
  /** Most sends in a burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  /** Milliseconds since some epoch; `Date.now` in the worker, a fake in tests. */
  now: () => number;
};

export interface TokenBucket {
  /** Whole tokens that can be taken now (0 while paused). */
  available(): number;
  /** Takes `count` tokens if they are all there; returns whether it did. */
  tryTake(count?: number): boolean;
  /** Milliseconds until one token can be taken (0 when one can be taken now). */
  waitMs(): number;
  /** No tokens until `ms` from now (a longer pause already in force is kept). */
  pauseFor(ms: number): void;
}

/** Creates a full bucket. */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { capacity, refillPerSecond, now } = options;
  if (!(capacity >= 1) || !(refillPerSecond > 0)) {
    throw new Error('A rate limit needs a capacity of at least 1 and a refill rate above 0');
  }
  let tokens = capacity;
  let last = now();
  let pausedUntil = Number.NEGATIVE_INFINITY;

  const refill = (time: number) => {
    if (time > last) {
      tokens = Math.min(capacity, tokens + ((time - last) * refillPerSecond) / 1000);
      last = time;
    }
  };

  return {
    available() {
      const time = now();
      if (time < pausedUntil) return 0;
      refill(time);
      return Math.floor(tokens);
    },
    tryTake(count = 1) {
      const time = now();
      if (time < pausedUntil) return false;
      refill(time);
      if (tokens < count) return false;
      tokens -= count;
      return true;
    },
    waitMs() {
      const time = now();
      if (time < pausedUntil) return pausedUntil - time;
      refill(time);
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / refillPerSecond);
    },
    pauseFor(ms) {
      const time = now();
      refill(time);
      pausedUntil = Math.max(pausedUntil, time + Math.max(0, ms));
      // After a 429 the account's window starts again: resume with one token, not a burst.
      tokens = Math.min(tokens, 1);
      last = Math.max(last, pausedUntil);
    },
  };
}
