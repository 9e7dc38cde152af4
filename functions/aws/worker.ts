/**
 * worker: the fan-out's second half on AWS. The job queue's event source mapping hands it SQS
 * records (batch size 1 in serverless.yml, any number handled); each record is one ScanJob put
 * there by `dispatch`: assume the job's member role, read the region, and merge the result into
 * the state store as a full audit of that (account, region), with the configured sinks
 * (functions/shared/scan-job.ts). Concurrency is capped by the mapping's MaximumConcurrency.
 *
 * The answer is `{ batchItemFailures }` (ReportBatchItemFailures): only the records listed there
 * come back, after the visibility timeout, and after 3 receives SQS moves them to the jobs'
 * dead-letter queue. Listed are:
 * - a transient failure (throttled AssumeRole or reads, 5xx, a state store conflict): the next
 *   receive usually succeeds;
 * - a message that is not a job, and a failure that is the deployment's (configuration, state
 *   table): another receive fails the same way, but the dead-letter queue keeps the job to be
 *   inspected and redriven once fixed — dropping it would lose it to a log line.
 * Not listed: a job whose role refused (AccessDenied on sts:AssumeRole) or that read another
 * account than planned — an incomplete run, logged as an error with the job, the operation and
 * the error; the next dispatch tries again. The target's state is left untouched either way.
 *
 * One log line per job; never the message body (the job holds no secret, but a foreign message might).
 */
import middy from '@middy/core';
import type { PrepareAuditOptions } from '../../lib/audit';
import { collectJob, type CollectJobOptions, type JobCollection } from '../../lib/fanout/collect-job';
import { parseScanJob, type JobFailure, type ScanJob } from '../../lib/fanout/types';
import type { AwsRuntime } from '../shared/aws-runtime';
import { loadFunctionConfig } from '../shared/config';
import { classifyFailure } from '../shared/failures';
import type { Logger } from '../shared/log';
import { structuredLogging, type AuditContext } from '../shared/middleware';
import { ruleSelectionOf } from '../shared/run-audit';
import { runScanJob } from '../shared/scan-job';
import { ssmParameterReader } from '../shared/ssm';

export interface WorkerRuntime extends Pick<AwsRuntime, 'env' | 'readParameter' | 'now' | 'writeLog'> {
  /** How the state store and sinks are built (tests: a store, a DynamoDB client). */
  audit?: PrepareAuditOptions;
  /** The caller credentials, collector options (tests: clocks, retries). */
  collectOptions?: CollectJobOptions;
  /** Replaces collectJob (tests). */
  collect?: (job: ScanJob, options: CollectJobOptions) => Promise<JobCollection>;
}

export interface SqsRecordLike {
  messageId?: unknown;
  body?: unknown;
}

export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

type PreparedWorker = { ok: true; config: Awaited<ReturnType<typeof loadFunctionConfig>>; selection: ReturnType<typeof ruleSelectionOf> } | { ok: false; error: string; retry: boolean; kind: string };

/** The job's identity for logs: no role ARN or external id. */
function jobFields(job: ScanJob): Record<string, unknown> {
  return { account: job.account ?? '(own account)', region: job.region, dispatchId: job.dispatchId };
}

async function prepare(runtime: WorkerRuntime): Promise<PreparedWorker> {
  try {
    const config = await loadFunctionConfig({ env: runtime.env, ...(runtime.readParameter ? { readParameter: runtime.readParameter } : {}) });
    return { ok: true, config, selection: ruleSelectionOf(config) };
  } catch (error) {
    const failure = classifyFailure(error);
    return { ok: false, error: failure.message, retry: failure.retry, kind: failure.kind };
  }
}

/** Runs one record's job; true when the record is to come back (listed in batchItemFailures). */
async function runRecord(runtime: WorkerRuntime, prepared: Extract<PreparedWorker, { ok: true }>, record: SqsRecordLike, messageId: string, log: Logger): Promise<boolean> {
  const parsed = typeof record.body === 'string' ? parseScanJob(record.body, 'job message') : { error: 'job message: no body' };
  if ('error' in parsed || parsed.provider !== 'aws') {
    const error = 'error' in parsed ? parsed.error : `job message.provider: "${parsed.provider}" jobs are not run on AWS`;
    // Returned as failed: after 3 receives the message rests in the jobs' dead-letter queue.
    log.error('job message rejected', { messageId, error, retry: 'dead-letter queue after 3 receives' });
    return true;
  }
  const job = parsed;
  let failure: JobFailure | undefined;
  const collect = runtime.collect ?? collectJob;
  try {
    const outcome = await runScanJob(job, {
      source: 'sqs',
      messageId,
      selection: prepared.selection,
      config: prepared.config,
      env: runtime.env,
      ...(runtime.now ? { now: runtime.now } : {}),
      ...(runtime.audit ? { prepare: runtime.audit } : {}),
      collectOptions: { ...(runtime.collectOptions ?? {}), env: runtime.env },
      collect: async (j, options) => {
        const result = await collect(j, options);
        if (!result.ok) failure = result.failure;
        return result;
      },
      warn: (message, fields) => log.warn(message, { messageId, job: jobFields(job), ...(fields ?? {}) }),
    });
    const fields = { messageId, job: jobFields(job), summary: outcome.summary };
    if (outcome.status === 'retryable') {
      log.warn('job failed, will be retried', { ...fields, retry: true });
      return true;
    }
    if (failure && !failure.transient) {
      log.error('job not audited', { messageId, job: jobFields(job), operation: failure.operation, error: failure.error, retry: false });
      return false;
    }
    if (outcome.status === 'incomplete') log.warn('job finished incomplete', fields);
    else log.info('job finished', fields);
    return false;
  } catch (error) {
    // The state store or a sink could not be built or written: transient → back on the queue;
    // anything else is the deployment's → back too, so the job reaches the dead-letter queue.
    const classified = classifyFailure(error);
    log.error('job failed', { messageId, job: jobFields(job), failure: classified.kind, error: classified.message, retry: classified.retry ? true : 'dead-letter queue after 3 receives' });
    return true;
  }
}

export function defaultWorkerRuntime(): WorkerRuntime {
  return { env: process.env, readParameter: ssmParameterReader() };
}

export function createWorkerHandler(runtime: WorkerRuntime = defaultWorkerRuntime()) {
  return middy<unknown, BatchResponse, Error, AuditContext>()
    .use(structuredLogging('worker', runtime))
    .handler(async (event, context): Promise<BatchResponse> => {
      const records = (event as { Records?: unknown } | null)?.Records;
      if (!Array.isArray(records)) {
        context.log.warn('event rejected', { error: 'SQS event: no Records array' });
        return { batchItemFailures: [] };
      }
      const batch = records.map((r: unknown, i) => {
        const record = (r && typeof r === 'object' ? r : {}) as SqsRecordLike;
        return { record, messageId: typeof record.messageId === 'string' ? record.messageId : `record-${i}` };
      });
      const prepared = await prepare(runtime);
      if (!prepared.ok) {
        // Every job would fail the same way: all of them back (dead-letter queue after 3 receives unless fixed).
        context.log.error('configuration failed, jobs not run', { failure: prepared.kind, error: prepared.error, messages: batch.length, retry: true });
        return { batchItemFailures: batch.map((b) => ({ itemIdentifier: b.messageId })) };
      }
      const failures: BatchResponse['batchItemFailures'] = [];
      // One after another: the mapping's MaximumConcurrency is the fan-out's only concurrency knob.
      for (const { record, messageId } of batch) {
        if (await runRecord(runtime, prepared, record, messageId, context.log)) failures.push({ itemIdentifier: messageId });
      }
      return { batchItemFailures: failures };
    });
}

export const handler = createWorkerHandler();
