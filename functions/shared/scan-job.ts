/**
 * A fan-out worker's unit of work, the same on Lambda (SQS) and Function Compute (MNS): one
 * ScanJob — one account and region, through the job's role — collected with lib/fanout and run
 * through the shared audit (state merge, delivery, outbox) as a full audit of that target.
 *
 * A job that yields no inventory leaves the target's state untouched: a transient cause (throttled
 * AssumeRole, 5xx) is retryable, anything else (role refused, credentials of another account) is
 * an incomplete run that is logged and not retried.
 */
import { collectJob, type CollectJobOptions, type JobCollection } from '../../lib/fanout/collect-job';
import { describeFailure } from '../../lib/fanout/fleet';
import type { JobFailure, ScanJob } from '../../lib/fanout/types';
import { RetryableAuditError } from './failures';
import { runAudit, type AuditOutcome, type RunAuditOptions } from './run-audit';

/** The job could not be read at all (never transient: those are RetryableAuditError). */
export class JobCollectionError extends Error {
  constructor(readonly failure: JobFailure) {
    super(describeFailure(failure));
    this.name = 'JobCollectionError';
  }
}

export interface RunScanJobOptions extends Omit<RunAuditOptions, 'collect' | 'scopedCollectors'> {
  collectOptions?: CollectJobOptions;
  /** Replaces collectJob (tests). */
  collect?: (job: ScanJob, options: CollectJobOptions) => Promise<JobCollection>;
  /** `sqs` or `mns`: names the trigger. */
  source: string;
  /** The queue message id (logged; the scan id derives from the job, so a redelivery keeps it). */
  messageId?: string;
}

export async function runScanJob(job: ScanJob, options: RunScanJobOptions): Promise<AuditOutcome> {
  const collect = options.collect ?? collectJob;
  const { collectOptions, source, messageId: _messageId, collect: _collect, ...audit } = options;
  return runAudit(
    {
      provider: job.provider,
      regions: [job.region],
      // One scan id per dispatch and target: a redelivered job reports under the same id.
      trigger: { source, name: 'fanout-job', id: `${job.dispatchId}/${job.account ?? 'own'}/${job.region}` },
      mode: 'full',
      ...(job.account ? { account: job.account } : {}),
    },
    {
      ...audit,
      collect: async () => {
        const result = await collect(job, collectOptions ?? {});
        if (result.ok) return result.inventory;
        if (result.failure.transient) throw new RetryableAuditError(describeFailure(result.failure));
        throw new JobCollectionError(result.failure);
      },
    },
  );
}
