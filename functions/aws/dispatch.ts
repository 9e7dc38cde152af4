/**
 * dispatch: the fan-out's first half on AWS. On the schedule (or a direct invoke
 * `{"regions": [...]}`) it plans one ScanJob per (account, region) the configuration asks for —
 * listed accounts, every ACTIVE member of the organisation (Organizations ListAccounts with this
 * function's own credentials, only when a target asks for `organization`), or, with neither, this
 * account in each region — and puts each job on the job queue (APIGW_AUDIT_JOB_QUEUE_URL) for the
 * `worker` function. It reads nothing in the audited accounts itself.
 *
 * Delivery to the queue is at least once: entries SendMessageBatch reports as failed are sent
 * again a few times; if some still fail the whole dispatch is thrown as retryable, and Lambda runs
 * it again (same schedule event, same dispatch id). Jobs already enqueued by the first attempt are
 * then enqueued twice, which is harmless: a job's scan id derives from its dispatch id, account and
 * region, and the state merge of the same inventory twice records nothing new the second time.
 *
 * One log line per dispatch: jobs enqueued, accounts, regions and the accounts left out with why.
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { SendMessageBatchCommand, SQSClient, type BatchResultErrorEntry } from '@aws-sdk/client-sqs';
import { listOrganizationAccounts, OrganizationListError } from '../../lib/collect/aws/organizations';
import { isTransientCode } from '../../lib/collect/errors';
import { ConfigError } from '../../lib/config/load';
import { parseScheduledEvent } from '../../lib/events/aws';
import type { TriggerInfo } from '../../lib/events/types';
import { planScanJobs, type MemberLister } from '../../lib/fanout/plan';
import type { ScanJob } from '../../lib/fanout/types';
import type { AwsRuntime } from '../shared/aws-runtime';
import { loadFunctionConfig } from '../shared/config';
import { RetryableAuditError } from '../shared/failures';
import { retryOnlyTransient, structuredLogging, validateEvent, type AuditContext } from '../shared/middleware';
import { configuredRegions } from '../shared/run-audit';
import { ssmParameterReader } from '../shared/ssm';

export const JOB_QUEUE_ENV = 'APIGW_AUDIT_JOB_QUEUE_URL';

/** SendMessageBatch takes at most 10 entries. */
export const SQS_BATCH_LIMIT = 10;
/** Sends of an entry SQS reported as failed (the first included) before the dispatch is retried as a whole. */
export const SEND_ATTEMPTS = 3;

export interface DispatchRuntime extends Pick<AwsRuntime, 'env' | 'readParameter' | 'now' | 'writeLog'> {
  /** Default: an SQS client of the default chain (the function's role). */
  sqs?: SQSClient;
  /** Default: Organizations ListAccounts with the function's own credentials. */
  listMembers?: MemberLister;
  /** A dispatch id when the event has none to derive it from (direct invoke). Default: a random UUID. */
  newId?: () => string;
  /** Pause between sends of failed entries. */
  sleep?: (ms: number) => Promise<void>;
}

export interface DispatchRequest {
  trigger: TriggerInfo;
  dispatchId: string;
  regions?: string[];
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

type Parsed = { parsed: DispatchRequest } | { respond: unknown };

/** A request value quoted back only when it looks like a name (a region, a field), never what could be a credential. */
function shown(value: unknown): string {
  const text = String(value);
  return /^[a-z][a-z0-9-]{0,24}$/.test(text) ? `"${text}"` : '(a value not shown)';
}

/** A schedule event (EventBridge) or a direct invoke `{ "regions": [...] }` (`{}` for the configured regions). */
export function parseDispatchEvent(event: unknown, newId: () => string): { request: DispatchRequest } | { error: string } {
  if (event && typeof event === 'object' && !Array.isArray(event) && 'source' in event) {
    const parsed = parseScheduledEvent(event);
    if ('error' in parsed) return { error: parsed.error };
    if (parsed.kind !== 'full' || !parsed.trigger.id) return { error: 'scheduled event: no id' };
    // The event id is the same on Lambda's retries of this event: so is the dispatch id, and so are the jobs' scan ids.
    return { request: { trigger: parsed.trigger, dispatchId: `schedule-${parsed.trigger.id}` } };
  }
  if (event === null || event === undefined || typeof event !== 'object' || Array.isArray(event)) return { error: 'dispatch request: expected an object' };
  const unknownKeys = Object.keys(event).filter((k) => k !== 'regions');
  if (unknownKeys.length > 0) return { error: `dispatch request: unknown field ${shown(unknownKeys[0])} (only "regions")` };
  const regions = (event as { regions?: unknown }).regions;
  if (regions !== undefined) {
    if (!Array.isArray(regions) || regions.length === 0 || regions.length > 50) return { error: 'dispatch request.regions: expected 1–50 region names' };
    const bad = regions.find((r) => typeof r !== 'string' || !REGION.test(r));
    if (bad !== undefined) return { error: `dispatch request.regions: ${shown(bad)} is not an AWS region name` };
  }
  const dispatchId = newId();
  return {
    request: {
      trigger: { source: 'invoke', name: 'dispatch', id: dispatchId },
      dispatchId,
      ...(regions ? { regions: [...new Set(regions as string[])] } : {}),
    },
  };
}

/** Organizations refusing (not in use, access denied, not the management account): the deployment's to fix. */
function organizationFailure(error: unknown): Error {
  if (error instanceof OrganizationListError) {
    if (isTransientCode(error.code) || error.code === 'ServiceException' || error.code === 'ConcurrentModificationException') {
      return new RetryableAuditError(error.message);
    }
    const hint =
      error.code === 'AWSOrganizationsNotInUseException'
        ? ': this account is not in an organisation'
        : /AccessDenied/.test(error.code)
          ? ': run the dispatcher in the management account (or a delegated administrator) with organizations:ListAccounts'
          : '';
    return new ConfigError(`targets[].organization: ${error.message}${hint}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

export interface EnqueueResult {
  sent: number;
  calls: number;
}

/**
 * Sends the jobs, 10 per SendMessageBatch. Entries SQS failed on its side are sent again (only
 * those); entries it refused as the sender's fault would be refused again and fail the dispatch
 * without a retry. A failed call (throttled, denied, no such queue) is thrown as is: the handler
 * retries only a transient one.
 */
export async function enqueueJobs(sqs: SQSClient, queueUrl: string, jobs: readonly ScanJob[], sleep: (ms: number) => Promise<void>): Promise<EnqueueResult> {
  let calls = 0;
  const stillFailing: BatchResultErrorEntry[] = [];
  const refused: BatchResultErrorEntry[] = [];
  for (let start = 0; start < jobs.length; start += SQS_BATCH_LIMIT) {
    let entries = jobs.slice(start, start + SQS_BATCH_LIMIT).map((job, i) => ({ Id: `job-${start + i}`, MessageBody: JSON.stringify(job) }));
    for (let attempt = 1; entries.length > 0; attempt++) {
      calls++;
      const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const failed = out.Failed ?? [];
      refused.push(...failed.filter((f) => f.SenderFault));
      const retry = new Set(failed.filter((f) => !f.SenderFault).map((f) => f.Id));
      if (retry.size === 0) break;
      if (attempt >= SEND_ATTEMPTS) {
        stillFailing.push(...failed.filter((f) => !f.SenderFault));
        break;
      }
      entries = entries.filter((e) => retry.has(e.Id));
      await sleep(100 * 2 ** (attempt - 1));
    }
  }
  const sent = jobs.length - stillFailing.length - refused.length;
  const codes = (list: BatchResultErrorEntry[]) => [...new Set(list.map((f) => f.Code ?? 'Error'))].join(', ');
  if (refused.length > 0) {
    throw new Error(`SendMessageBatch refused ${refused.length} of ${jobs.length} job message(s) as invalid (${codes(refused)}); ${sent} enqueued`);
  }
  if (stillFailing.length > 0) {
    throw new RetryableAuditError(`SendMessageBatch failed ${stillFailing.length} of ${jobs.length} job message(s) after ${SEND_ATTEMPTS} attempts (${codes(stillFailing)})`, {
      enqueued: sent,
    });
  }
  return { sent, calls };
}

export function defaultDispatchRuntime(): DispatchRuntime {
  return { env: process.env, readParameter: ssmParameterReader() };
}

export function createDispatchHandler(runtime: DispatchRuntime = defaultDispatchRuntime()) {
  const newId = runtime.newId ?? randomUUID;
  const sleep = runtime.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let sqs = runtime.sqs;
  return middy<DispatchRequest, unknown, Error, AuditContext>()
    .use(structuredLogging('dispatch', runtime))
    .use(
      validateEvent<DispatchRequest>((event, log): Parsed => {
        const parsed = parseDispatchEvent(event, newId);
        if ('error' in parsed) {
          log.warn('event rejected', { error: parsed.error });
          return { respond: { status: 'rejected', error: parsed.error } };
        }
        return { parsed: parsed.request };
      }),
    )
    .use(retryOnlyTransient())
    .handler(async (request, context) => {
      const queueUrl = runtime.env[JOB_QUEUE_ENV]?.trim();
      if (!queueUrl) throw new ConfigError(`${JOB_QUEUE_ENV} is not set: the dispatcher has no job queue to send to`);
      const config = await loadFunctionConfig({ env: runtime.env, ...(runtime.readParameter ? { readParameter: runtime.readParameter } : {}) });
      const ownRegion = runtime.env.AWS_REGION ?? runtime.env.AWS_DEFAULT_REGION ?? 'us-east-1';
      // The request's regions, else APIGW_AUDIT_REGIONS: both replace every target's own.
      const regions = request.regions ?? configuredRegions('aws', runtime.env, {});
      const listMembers = runtime.listMembers ?? (() => listOrganizationAccounts());
      let plan;
      try {
        plan = await planScanJobs({
          provider: 'aws',
          config,
          dispatchId: request.dispatchId,
          ...(regions ? { regions } : {}),
          defaultRegions: [ownRegion],
          listMembers,
        });
      } catch (error) {
        throw organizationFailure(error);
      }
      const accounts = [...new Set(plan.jobs.map((j) => j.account ?? 'own'))];
      const jobRegions = [...new Set(plan.jobs.map((j) => j.region))];
      const fields = {
        trigger: request.trigger,
        dispatchId: request.dispatchId,
        jobs: plan.jobs.length,
        accounts: accounts.length,
        regions: jobRegions,
        skipped: plan.skipped.map((s) => ({ account: s.account, reason: s.reason })),
      };
      if (plan.jobs.length === 0) {
        context.log.warn('dispatch planned no job', fields);
        return { status: 'dispatched', dispatchId: request.dispatchId, enqueued: 0, skipped: plan.skipped };
      }
      sqs ??= new SQSClient({});
      const sent = await enqueueJobs(sqs, queueUrl, plan.jobs, sleep);
      context.log.info('dispatch finished', { ...fields, enqueued: sent.sent, sendCalls: sent.calls });
      return { status: 'dispatched', dispatchId: request.dispatchId, enqueued: sent.sent, accounts: accounts.length, regions: jobRegions, skipped: plan.skipped };
    });
}

export const handler = createDispatchHandler();
