/**
 * The fan-out's progress on a terminal: one status line, rewritten in place —
 * `[ 37/200] 4 running, 2 failed · 1m12s · aws 123456789012 eu-west-1` — and cleared at the end.
 * Callers create it only for a TTY (logs and pipes stay clean).
 */
import type { ScanJob } from './types';
import { describeJob } from './types';

export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

export interface FanoutProgress {
  started(job: ScanJob): void;
  finished(job: ScanJob, ok: boolean): void;
  /** A line that must stay (a skipped account): printed above the status line. */
  note(message: string): void;
  done(): void;
}

export function terminalProgress(stream: ProgressStream, total: number, now: () => number = Date.now): FanoutProgress {
  const began = now();
  const running = new Map<string, ScanJob>();
  let finished = 0;
  let failed = 0;
  let last = '';
  const width = () => Math.max(40, (stream.columns ?? 100) - 1);
  const render = () => {
    const pad = String(total).length;
    const elapsed = Math.round((now() - began) / 1000);
    const clock = elapsed >= 60 ? `${Math.floor(elapsed / 60)}m${String(elapsed % 60).padStart(2, '0')}s` : `${elapsed}s`;
    const current = [...running.values()].at(-1);
    let line = `[${String(finished).padStart(pad)}/${total}] ${running.size} running${failed > 0 ? `, ${failed} failed` : ''} · ${clock}${current ? ` · ${describeJob(current)}` : ''}`;
    if (line.length > width()) line = `${line.slice(0, width() - 1)}…`;
    if (line === last) return;
    last = line;
    stream.write(`\r\x1b[K${line}`);
  };
  const key = (job: ScanJob) => `${job.provider}|${job.account ?? ''}|${job.region}`;
  return {
    started(job) {
      running.set(key(job), job);
      render();
    },
    finished(job, ok) {
      running.delete(key(job));
      finished++;
      if (!ok) failed++;
      render();
    },
    note(message) {
      stream.write(`\r\x1b[K${message}\n`);
      last = '';
      render();
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
