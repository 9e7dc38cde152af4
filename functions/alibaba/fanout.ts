/**
 * Fan-out on Function Compute 3.0: many accounts × regions, one job each.
 *
 * - `dispatch` (timer trigger, payload `{"mode":"fanout"}`): loads the configuration, plans the
 *   Alibaba Cloud jobs (lib/fanout/plan.ts: the configured `accounts`, or every joined Resource
 *   Directory member — ResourceManager ListAccounts with the function role's credentials, only when
 *   a target asks for `resourceDirectory`), and sends one MNS message per job to the queue
 *   `APIGW_AUDIT_JOB_QUEUE` at `APIGW_AUDIT_MNS_ENDPOINT` (BatchSendMessage, 16 per request;
 *   retryable failures are retried per message). Jobs that still could not be sent make the
 *   invocation throw, so FC retries it: the jobs already sent are sent again, which is harmless —
 *   a job's scan id derives from dispatch id, account and region, and the dispatch id from the
 *   timer's name and time, which a retry keeps.
 * - `worker` (MNS queue trigger = an EventBridge event stream; lib/fanout/fc-events.ts): for each
 *   message, one job through functions/shared/scan-job.ts — assume the job's RAM role with the
 *   function role's credentials, collect, merge into the state store, deliver. A transient failure
 *   throws (FC retries the asynchronous invocation, the whole batch; completed jobs are simply
 *   audited again under the same scan id); a role that refuses (`sts:AssumeRole` NoPermission) is
 *   one error line and nothing is recorded for that target; a message that is not a job is one line
 *   and is not retried.
 *
 * Concurrency is capped by the worker function's maximum instances (s.yaml `concurrencyConfig`);
 * every instance runs one request at a time (instance concurrency is a custom-runtime feature on
 * FC 3.0), so at most that many jobs run at once. Credentials are read from `context.credentials`
 * on every request (they rotate).
 */
import { prepareAudit, type AuditResources, type PrepareAuditOptions } from '../../lib/audit';
import { functionComputeCredentials } from '../../lib/collect/alibaba/credentials';
import { listResourceDirectoryAccounts } from '../../lib/collect/alibaba/resource-directory';
import type { MemberAccount } from '../../lib/collect/members';
import { ConfigError } from '../../lib/config/load';
import type { AuditConfig } from '../../lib/config/schema';
import type { CollectJobOptions } from '../../lib/fanout/collect-job';
import { parseDispatchEvent, parseMnsJobEvent, type JobMessage } from '../../lib/fanout/fc-events';
import { planScanJobs } from '../../lib/fanout/plan';
import { describeJob } from '../../lib/fanout/types';
import { MnsQueueClient, type MnsSendOutcome } from '../../lib/sinks/mns';
import { loadFunctionConfig } from '../shared/config';
import { classifyFailure, RetryableAuditError } from '../shared/failures';
import { createLogger, type LineWriter, type Logger } from '../shared/log';
import { configuredRegions, notAppliedKeys, ruleSelectionOf, type AuditOutcome } from '../shared/run-audit';
import { runScanJob, type RunScanJobOptions } from '../shared/scan-job';
import type { FcContext } from './index';

export const JOB_QUEUE_ENV = 'APIGW_AUDIT_JOB_QUEUE';
export const MNS_ENDPOINT_ENV = 'APIGW_AUDIT_MNS_ENDPOINT';
/** Shows in each member's ActionTrail as the role session. */
export const WORKER_SESSION_NAME = 'apigw-auditor-fanout';

/** Where jobs go: the MNS queue, or a stand-in (tests). */
export interface JobQueue {
  readonly queue: string;
  sendTexts(texts: string[]): Promise<MnsSendOutcome[]>;
}

export interface FanoutRuntime {
  env: NodeJS.ProcessEnv;
  /** Resource Directory members (ListAccounts) with the function role's credentials. */
  listMembers?: (context: FcContext) => Promise<MemberAccount[]>;
  /** The job queue; default: MNS, signed with the context's STS credentials. */
  jobQueue?: (target: { endpoint: string; queue: string }, context: FcContext) => JobQueue;
  /** How a job is collected (the caller credentials the job's role is assumed from, endpoints, rate limits). */
  collectOptions?: (context: FcContext) => CollectJobOptions;
  /** Replaces collectJob (tests). */
  collect?: RunScanJobOptions['collect'];
  /** How the state store (OSS) and sinks (MNS) are built; default: with the context's STS credentials. */
  audit?: (context: FcContext) => PrepareAuditOptions;
  now?: () => Date;
  writeLog?: LineWriter;
}

/** Everything signed with the context's STS credentials; endpoints from `env` (ALIBABA_CLOUD_ENDPOINT_URL and the like). */
export function defaultFanoutRuntime(env: NodeJS.ProcessEnv = process.env): FanoutRuntime {
  return {
    env,
    listMembers: (context) => listResourceDirectoryAccounts({ credentials: functionComputeCredentials(() => context), env }),
    jobQueue: (target, context) => new MnsQueueClient({ ...target, credentials: functionComputeCredentials(() => context) }),
    collectOptions: (context) => ({ alibabaCredentials: functionComputeCredentials(() => context), env, sessionName: WORKER_SESSION_NAME }),
    audit: (context) => {
      const credentials = functionComputeCredentials(() => context);
      return { state: { alibabaCredentials: credentials }, sinks: { mnsCredentials: credentials } };
    },
  };
}

function loggerFor(name: string, context: FcContext, runtime: FanoutRuntime): Logger {
  return createLogger({ function: name, ...(context.requestId ? { requestId: context.requestId } : {}) }, runtime.writeLog, runtime.now);
}

function ownRegion(context: FcContext, env: NodeJS.ProcessEnv): string | undefined {
  return context.region ?? env.FC_REGION ?? env.ALIBABA_CLOUD_REGION;
}

/** Logs a failure once; rethrows it when FC should retry the invocation, else returns `answer`. */
function settle<T>(log: Logger, error: unknown, answer: T): T {
  const failure = classifyFailure(error);
  const details = error instanceof RetryableAuditError ? error.details : {};
  log.error(failure.retry ? 'run failed, the platform will retry' : 'run failed, not retried', { failure: failure.kind, error: failure.message, retry: failure.retry, ...details });
  if (failure.retry) throw error instanceof RetryableAuditError ? error : new RetryableAuditError(failure.message);
  return answer;
}

/** The job queue's endpoint: `APIGW_AUDIT_MNS_ENDPOINT`, else the account's public MNS endpoint in the function's region. */
function jobQueueTarget(env: NodeJS.ProcessEnv, context: FcContext, region: string): { endpoint: string; queue: string } {
  const queue = env[JOB_QUEUE_ENV]?.trim();
  if (!queue) throw new ConfigError(`${JOB_QUEUE_ENV}: not set (the MNS queue the dispatcher sends jobs to)`);
  const configured = env[MNS_ENDPOINT_ENV]?.trim();
  if (configured) {
    // The value is not quoted back: a URL may carry credentials.
    if (!/^https?:\/\/[^\s/]+\/?$/.test(configured)) throw new ConfigError(`${MNS_ENDPOINT_ENV}: not an endpoint URL (expected https://<account>.mns.<region>.aliyuncs.com)`);
    return { endpoint: configured, queue };
  }
  if (!context.accountId) throw new ConfigError(`${MNS_ENDPOINT_ENV}: not set, and the function context carries no account id to derive it from`);
  return { endpoint: `https://${context.accountId}.mns.${region}.aliyuncs.com`, queue };
}

export interface DispatchResult {
  status: 'dispatched' | 'nothing-to-do' | 'rejected' | 'failed';
  dispatchId?: string;
  jobs?: number;
  skipped?: Array<{ account: string; reason: string }>;
  error?: string;
}

export function createDispatchHandler(runtime: FanoutRuntime = defaultFanoutRuntime()) {
  return async (event: unknown, context: FcContext): Promise<DispatchResult> => {
    const log = loggerFor('dispatch', context, runtime);
    const parsed = parseDispatchEvent(event);
    if ('error' in parsed) {
      log.warn('event rejected', { error: parsed.error });
      return { status: 'rejected', error: parsed.error };
    }
    const now = (runtime.now ?? (() => new Date()))();
    const dispatchId = (parsed.dispatchId ?? (context.requestId ? `invoke@${context.requestId}` : `invoke@${now.toISOString()}`)).slice(0, 128);
    try {
      const region = ownRegion(context, runtime.env);
      if (!region) throw new ConfigError('the function context carries no region');
      const target = jobQueueTarget(runtime.env, context, region);
      const config: AuditConfig = await loadFunctionConfig({ env: runtime.env });
      const override = parsed.regions ?? configuredRegions('alibaba', runtime.env, {});
      const plan = await planScanJobs({
        provider: 'alibaba',
        config,
        dispatchId,
        ...(override ? { regions: override } : {}),
        defaultRegions: [region],
        ...(runtime.listMembers ? { listMembers: () => runtime.listMembers!(context) } : {}),
      });
      const skipped = plan.skipped.map((s) => ({ account: s.account, reason: s.reason }));
      // Never silently dropped: every member the plan leaves out is named.
      if (skipped.length > 0) log.warn('accounts skipped', { dispatchId, skipped });
      if (plan.jobs.length === 0) {
        log.warn('nothing to dispatch', { dispatchId });
        return { status: 'nothing-to-do', dispatchId, jobs: 0, skipped };
      }
      const queue = (runtime.jobQueue ?? defaultFanoutRuntime(runtime.env).jobQueue!)(target, context);
      const outcomes = await queue.sendTexts(plan.jobs.map((job) => JSON.stringify(job)));
      const failed = plan.jobs.flatMap((job, i) => (outcomes[i] ? [{ job: describeJob(job), error: outcomes[i]!.error, retryable: outcomes[i]!.retryable }] : []));
      const fields = { dispatchId, queue: queue.queue, jobs: plan.jobs.length, accounts: new Set(plan.jobs.map((j) => j.account ?? 'own')).size, regions: [...new Set(plan.jobs.map((j) => j.region))] };
      if (failed.length > 0) {
        const error = `${failed.length} of ${plan.jobs.length} jobs not enqueued`;
        // A queue that refuses every time (missing, access denied) fails the same way again.
        if (failed.some((f) => f.retryable)) throw new RetryableAuditError(error, { ...fields, failed: failed.slice(0, 20) });
        log.error('run failed, not retried', { failure: 'configuration', error, retry: false, ...fields, failed: failed.slice(0, 20) });
        return { status: 'failed', dispatchId, jobs: plan.jobs.length - failed.length, skipped, error };
      }
      log.info('dispatch finished', fields);
      return { status: 'dispatched', dispatchId, jobs: plan.jobs.length, skipped };
    } catch (error) {
      return settle(log, error, { status: 'failed' as const, dispatchId, error: classifyFailure(error).message });
    }
  };
}

export interface WorkerResult {
  status: 'done' | 'rejected';
  rejected: number;
  jobs: Array<{ job: string; messageId?: string; status: AuditOutcome['status']; scanId: string; findings: number }>;
  error?: string;
}

export function createWorkerHandler(runtime: FanoutRuntime = defaultFanoutRuntime()) {
  return async (event: unknown, context: FcContext): Promise<WorkerResult> => {
    const log = loggerFor('worker', context, runtime);
    const parsed = parseMnsJobEvent(event);
    if ('error' in parsed) {
      log.warn('event rejected', { error: parsed.error });
      return { status: 'rejected', rejected: 1, jobs: [], error: parsed.error };
    }
    const jobs: JobMessage[] = [];
    let rejected = 0;
    for (const message of parsed.messages) {
      if ('error' in message) {
        rejected++;
        log.warn('job message rejected', { ...(message.messageId ? { messageId: message.messageId } : {}), error: message.error });
      } else if (message.job.provider !== 'alibaba') {
        rejected++;
        log.warn('job message rejected', { ...(message.messageId ? { messageId: message.messageId } : {}), error: `a job for provider ${message.job.provider} reached the Alibaba Cloud worker` });
      } else {
        jobs.push(message);
      }
    }
    if (jobs.length === 0) return { status: 'rejected', rejected, jobs: [] };

    const done: WorkerResult['jobs'] = [];
    let resources: AuditResources | undefined;
    try {
      const config: AuditConfig = await loadFunctionConfig({ env: runtime.env });
      const selection = ruleSelectionOf(config);
      // One store and one set of sinks for the whole batch.
      resources = await prepareAudit(config, { env: runtime.env, ...runtime.audit?.(context) });
      const collectOptions = (runtime.collectOptions ?? defaultFanoutRuntime(runtime.env).collectOptions!)(context);
      const retryable: string[] = [];
      for (const { job, messageId } of jobs) {
        const fields = { job: describeJob(job), dispatchId: job.dispatchId, ...(messageId ? { messageId } : {}) };
        const outcome = await runScanJob(job, {
          source: 'mns',
          ...(messageId ? { messageId } : {}),
          collectOptions,
          ...(runtime.collect ? { collect: runtime.collect } : {}),
          selection,
          config,
          env: runtime.env,
          ...(runtime.now ? { now: runtime.now } : {}),
          resources,
          warn: (message: string, extra?: Record<string, unknown>) => log.warn(message, { ...fields, ...(extra ?? {}) }),
        });
        done.push({ job: fields.job, ...(messageId ? { messageId } : {}), status: outcome.status, scanId: outcome.summary.scanId, findings: outcome.summary.findings });
        logJobOutcome(log, outcome, config, fields);
        if (outcome.status === 'retryable') retryable.push(fields.job);
      }
      // The whole batch is retried; the jobs that completed are audited again under the same scan ids.
      if (retryable.length > 0) throw new RetryableAuditError('transient failures in fan-out jobs', { retryable });
      return { status: 'done', rejected, jobs: done };
    } catch (error) {
      return settle(log, error, { status: 'done' as const, rejected, jobs: done, error: classifyFailure(error).message });
    } finally {
      resources?.close();
    }
  };
}

/** One line per job: finished, finished incomplete, not audited (nothing recorded), or retried. */
function logJobOutcome(log: Logger, outcome: AuditOutcome, config: AuditConfig, fields: Record<string, unknown>): void {
  const notApplied = notAppliedKeys(config).filter((k) => k !== 'targets[].accounts');
  const line = { ...fields, summary: outcome.summary, ...(notApplied.length > 0 ? { notApplied } : {}) };
  if (outcome.status === 'retryable') log.warn('job failed, will be retried', line);
  else if (outcome.status === 'complete') log.info('job finished', line);
  // No inventory at all: the role refused, or the credentials were another account's. Not retried.
  else if (outcome.summary.targets.length === 0) log.error('job not audited', { ...line, failures: outcome.summary.failures });
  else log.warn('job finished incomplete', line);
}


export const dispatch = createDispatchHandler();
export const worker = createWorkerHandler();
