import { RateLimiter, acquireAll, type Clock } from '../../lib/collect/rate-limiter';
import { defaultAwsRateLimits } from '../../lib/collect/aws/limits';

/** A clock that only moves when the test says so. */
class FakeClock implements Clock {
  private time = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.time + ms, resolve }));
  }

  /** Moves time forward, firing due timers in order and letting woken code run after each. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.time = due.at;
      due.resolve();
    }
    this.time = target;
    await settle();
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function startTimes(limiter: RateLimiter, clock: FakeClock, count: number): number[] {
  const starts: number[] = [];
  for (let i = 0; i < count; i++) void limiter.run(async () => void starts.push(clock.now()));
  return starts;
}

describe('RateLimiter', () => {
  it('halves its rate on a throttling answer (once per second at most), empties the bucket, and recovers additively on successes', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 10, concurrency: 100 }, clock);
    limiter.throttled();
    limiter.throttled(); // same burst of refusals: counted once
    expect(limiter.currentRate).toBe(5);
    expect(limiter.decreases).toBe(1);
    expect(limiter.throttleSignals).toBe(2);
    // The bucket was emptied: the next requests wait for tokens at the lowered rate, one at a time.
    const starts = startTimes(limiter, clock, 3);
    await clock.advance(1000);
    expect(starts).toEqual([200, 400, 600]);
    await clock.advance(1000);
    limiter.throttled();
    expect(limiter.currentRate).toBe(2.5);
    for (let i = 0; i < 10; i++) limiter.succeeded();
    expect(limiter.currentRate).toBeCloseTo(4.5);
    for (let i = 0; i < 100; i++) limiter.succeeded();
    expect(limiter.currentRate).toBe(10);
  });

  it('never goes below a twentieth of the configured rate', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 20, burst: 5, concurrency: 100 }, clock);
    for (let i = 0; i < 20; i++) {
      limiter.throttled();
      await clock.advance(1000);
    }
    expect(limiter.currentRate).toBe(1);
  });

  it('lets a burst through at once, then paces at the refill rate', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3, concurrency: 100 }, clock);
    const starts = startTimes(limiter, clock, 7);
    await clock.advance(5000);
    expect(starts).toEqual([0, 0, 0, 500, 1000, 1500, 2000]);
  });

  it('refills while idle, up to the burst size only', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 10, burst: 4, concurrency: 100 }, clock);
    const first = startTimes(limiter, clock, 4);
    await clock.advance(0);
    expect(first).toEqual([0, 0, 0, 0]);
    await clock.advance(10_000); // long idle: still only 4 tokens
    const second = startTimes(limiter, clock, 6);
    await clock.advance(1000);
    expect(second).toEqual([10_000, 10_000, 10_000, 10_000, 10_100, 10_200]);
  });

  it('caps requests in flight and hands a freed slot to the next waiter', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000, concurrency: 2 }, clock);
    const finishers: Array<() => void> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const done: number[] = [];
    for (let i = 0; i < 5; i++) {
      void limiter.run(async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise<void>((resolve) => finishers.push(resolve));
        inFlight--;
        done.push(i);
      });
    }
    await clock.advance(0);
    expect(inFlight).toBe(2);
    while (finishers.length > 0) {
      finishers.shift()!();
      await clock.advance(10);
    }
    expect(maxInFlight).toBe(2);
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(limiter.inFlight).toBe(0);
  });

  it('frees the slot when the task throws', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ ratePerSecond: 100, burst: 10, concurrency: 1 }, clock);
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const second = limiter.run(async () => 'ok');
    await clock.advance(100);
    await expect(second).resolves.toBe('ok');
  });

  it('keeps the default GetResources pacing within 5 calls in any 2-second window', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(defaultAwsRateLimits.apigatewayGetResources, clock);
    const starts = startTimes(limiter, clock, 30);
    await clock.advance(60_000);
    expect(starts).toHaveLength(30);
    for (const t of starts) expect(starts.filter((s) => s >= t && s < t + 2000).length).toBeLessThanOrEqual(5);
  });

  it('keeps the default EC2 pacing below the documented refill rate of 20/s', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(defaultAwsRateLimits.ec2, clock);
    const starts = startTimes(limiter, clock, 400);
    await clock.advance(60_000);
    // After the burst is spent, a 10-second stretch stays under 20 calls per second.
    const late = starts.filter((s) => s >= 10_000 && s < 20_000);
    expect(late.length).toBeLessThan(200);
    expect(defaultAwsRateLimits.ec2.burst).toBeLessThan(100);
  });

  it('acquireAll takes every limiter and releases all of them', async () => {
    const clock = new FakeClock();
    const narrow = new RateLimiter({ ratePerSecond: 100, burst: 10, concurrency: 1 }, clock);
    const shared = new RateLimiter({ ratePerSecond: 100, burst: 10, concurrency: 3 }, clock);
    const release = await acquireAll([narrow, shared]);
    expect(narrow.inFlight).toBe(1);
    expect(shared.inFlight).toBe(1);
    release();
    expect(narrow.inFlight).toBe(0);
    expect(shared.inFlight).toBe(0);
  });

  it('rejects nonsensical limits', () => {
    expect(() => new RateLimiter({ ratePerSecond: 0, burst: 1, concurrency: 1 })).toThrow(RangeError);
    expect(() => new RateLimiter({ ratePerSecond: 1, burst: 1, concurrency: 0 })).toThrow(RangeError);
  });
});
