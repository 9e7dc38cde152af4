/**
 * Client-side pacing for cloud read APIs: a token bucket (requests per second with a burst) plus a
 * cap on requests in flight. Providers throttle per account and Region with token buckets; staying
 * under their refill rate keeps the audit from starving other tools that share the same quota.
 *
 * The configured rate is a ceiling, not a promise: an account's real quota may be lower, or other
 * callers may be spending it. On a throttling answer the limiter halves its rate (not more often
 * than once per second, so one burst of refusals counts once) and empties its bucket; each success
 * then adds back a fiftieth of the ceiling (additive increase, multiplicative decrease). The SDK's
 * and the POP client's own retries then wait for tokens at the lowered rate instead of exhausting
 * their attempts against a quota that is already spent.
 */

export interface Clock {
  /** Milliseconds, monotonic enough for pacing. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateLimit {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: how many requests may start back to back after a quiet period. */
  burst: number;
  /** Requests in flight at once. */
  concurrency: number;
}

export type Release = () => void;

/** Never slower than this share of the configured rate. */
const MIN_RATE_SHARE = 1 / 20;
/** Each success restores this share of the configured rate. */
const INCREASE_SHARE = 1 / 50;
const DECREASE_FACTOR = 0.5;
const DECREASE_INTERVAL_MS = 1000;

export class RateLimiter {
  private tokens: number;
  /** The rate in force now: the configured one until a throttling answer lowers it. */
  private rate: number;
  private lastDecrease = -Infinity;
  /** Throttling answers seen and rate decreases made (for benchmarks and tests). */
  throttleSignals = 0;
  decreases = 0;
  private lastRefill: number;
  private active = 0;
  private readonly slotWaiters: Array<() => void> = [];
  /** Token takers run one after another so waiting callers are served in arrival order. */
  private tokenQueue: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: RateLimit,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1) || !(limit.concurrency >= 1)) {
      throw new RangeError(`invalid rate limit ${JSON.stringify(limit)}`);
    }
    this.tokens = limit.burst;
    this.rate = limit.ratePerSecond;
    this.lastRefill = clock.now();
  }

  /** The rate currently in force (requests per second). */
  get currentRate(): number {
    return this.rate;
  }

  /** A request was refused for throttling: slow down. */
  throttled(): void {
    this.throttleSignals++;
    const now = this.clock.now();
    if (now - this.lastDecrease < DECREASE_INTERVAL_MS) return;
    this.refill();
    this.lastDecrease = now;
    this.decreases++;
    this.rate = Math.max(this.limit.ratePerSecond * MIN_RATE_SHARE, this.rate * DECREASE_FACTOR);
    this.tokens = Math.min(this.tokens, 0);
  }

  /** A request went through: recover towards the configured rate. */
  succeeded(): void {
    if (this.rate >= this.limit.ratePerSecond) return;
    this.refill();
    this.rate = Math.min(this.limit.ratePerSecond, this.rate + this.limit.ratePerSecond * INCREASE_SHARE);
  }

  /** Waits for a free slot and a token; the returned function frees the slot. */
  async acquire(): Promise<Release> {
    await this.takeSlot();
    try {
      await this.takeToken();
    } catch (error) {
      this.releaseSlot();
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.releaseSlot();
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }

  get inFlight(): number {
    return this.active;
  }

  private takeSlot(): Promise<void> {
    if (this.active < this.limit.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next();
    else this.active--;
  }

  private takeToken(): Promise<void> {
    const turn = this.tokenQueue.then(() => this.waitForToken());
    this.tokenQueue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const missing = 1 - this.tokens;
      await this.clock.sleep(Math.max(1, Math.ceil((missing / this.rate) * 1000)));
    }
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedSeconds = Math.max(0, now - this.lastRefill) / 1000;
    // After a decrease the bucket refills at the lowered rate and only up to one request, until the rate is back.
    const cap = this.rate < this.limit.ratePerSecond ? 1 : this.limit.burst;
    this.tokens = Math.min(cap, this.tokens + elapsedSeconds * this.rate);
    this.lastRefill = now;
  }
}

/**
 * Takes every limiter in order (narrowest first, so a scarce per-operation token is not hoarded
 * while waiting on a shared one) and returns one release for all of them.
 */
export async function acquireAll(limiters: readonly RateLimiter[]): Promise<Release> {
  const releases: Release[] = [];
  try {
    for (const limiter of limiters) releases.push(await limiter.acquire());
  } catch (error) {
    for (const release of releases.reverse()) release();
    throw error;
  }
  return () => {
    for (const release of [...releases].reverse()) release();
  };
}

/** Throttling answers of AWS and Alibaba Cloud APIs, by error code. */
const THROTTLING_CODE = /^(Throttl|RequestLimitExceeded|TooManyRequests|LimitExceededException|RequestThrottled|SlowDown|Throttling)/;

export function isThrottlingCode(code: string): boolean {
  return THROTTLING_CODE.test(code);
}
