/**
 * Runs jobs with at most `concurrency` in flight and returns their results in job order (so the
 * merged output does not depend on which job finished first). A job that throws becomes
 * `{ error }` — one job's failure never stops the others.
 */
export type PoolResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface PoolEvents<T> {
  started?(item: T, index: number): void;
  finished?(item: T, index: number, ok: boolean): void;
}

export async function runPool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>, events: PoolEvents<T> = {}): Promise<Array<PoolResult<R>>> {
  const limit = Math.max(1, Math.floor(concurrency));
  const results = new Array<PoolResult<R>>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      events.started?.(item, index);
      try {
        results[index] = { ok: true, value: await work(item, index) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
      events.finished?.(item, index, results[index]!.ok);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
