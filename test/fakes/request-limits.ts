/**
 * What the loopback fakes (AWS and Alibaba, one estate or a fleet) apply to a caller's request
 * before answering it: server-side token buckets per (account, region, API family) and injected
 * faults that fail matching requests a set number of times.
 */

export interface ThrottleSpec {
  ratePerSecond: number;
  burst: number;
}

/** Starts full (`burst` tokens) and refills continuously at `ratePerSecond`, up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * One bucket per (account, region, family) for the families `specs` names, each made on first use
 * (a full bucket, as at start); families without a spec are never limited.
 */
export class TokenBuckets<F extends string> {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly specs: Partial<Record<F, ThrottleSpec>> | undefined) {}

  /** Takes a token from the (account, region, family) bucket; false when it is empty. */
  take(account: string, region: string, family: F): boolean {
    const spec = this.specs?.[family];
    if (!spec) return true;
    const id = `${account}\u0000${region}\u0000${family}`;
    let bucket = this.buckets.get(id);
    if (!bucket) this.buckets.set(id, (bucket = new TokenBucket(spec.ratePerSecond, spec.burst)));
    return bucket.take();
  }
}

/** An injected fault, optionally limited to one account and/or one region. */
export interface FaultRule<P> {
  /** The operation it fails, as the fake names operations. */
  operation: string;
  /** How many matching requests fail before it stops (default: every one). */
  times?: number;
  account?: string;
  region?: string;
  /** Only requests whose parameters satisfy this fail. */
  match?: (params: P) => boolean;
}

/** The faults of one fake, each with the uses it has left. */
export class FaultBook<P, F extends FaultRule<P>> {
  private readonly entries: Array<{ fault: F; remaining: number }>;

  constructor(faults: readonly F[] | undefined) {
    this.entries = (faults ?? []).map((fault) => ({ fault, remaining: fault.times ?? Infinity }));
  }

  /** The first fault with uses left that matches the request, one use spent; undefined when none does. */
  take(operation: string, account: string, region: string, params: P): F | undefined {
    const active = this.entries.find(
      (f) =>
        f.remaining > 0 &&
        f.fault.operation === operation &&
        (f.fault.account === undefined || f.fault.account === account) &&
        (f.fault.region === undefined || f.fault.region === region) &&
        (f.fault.match?.(params) ?? true),
    );
    if (!active) return undefined;
    active.remaining--;
    return active.fault;
  }
}
