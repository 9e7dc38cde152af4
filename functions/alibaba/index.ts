/**
 * Function Compute 3.0 entry points (Node.js 20 built-in runtime; `event` is a Buffer of JSON):
 * - `timer`       timer trigger: per configured region, a full audit, or — with a state store and a
 *                 fresh stored topology — a scoped re-audit of what the CloudAPI write events read
 *                 with ActionTrail LookupEvents since the last poll touched (API Gateway is not a
 *                 documented ActionTrail → EventBridge source), or nothing when there were none
 *                 (./actiontrail-poll.ts);
 * - `eventbridge` EventBridge trigger: ActionTrail write calls on ECS/VPC/SLB/CEN, one CloudEvent
 *                 or a batch; one run per affected region, scoped to what the events of that
 *                 region name (re-read and judged from the stored topology, lib/scope), or full
 *                 when one of them names nothing usable or there is no usable stored topology;
 * - `http`        HTTP trigger for on-demand runs.
 *
 * Credentials are the function role's STS credentials from `context.credentials`, read again for
 * every request because they rotate. The HTTP trigger is deployed with `authType: function`: FC
 * rejects requests that are not signed with an AccessKey allowed to invoke the function before
 * this code runs. When `APIGW_AUDIT_HTTP_TOKEN` is set, the handler also requires the header
 * `x-apigw-audit-token` to match it (defence in depth if the trigger is ever switched to anonymous).
 *
 * Only transient failures are thrown (FC retries asynchronous invocations); malformed events and
 * configuration problems are logged once and answered normally.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { prepareAudit, type AuditResources, type PrepareAuditOptions } from '../../lib/audit';
import { lookupCloudApiWrites, type LookupWritesResult } from '../../lib/collect/alibaba/actiontrail';
import { collectAlibabaRegion } from '../../lib/collect/alibaba/collect-region';
import { functionComputeCredentials, type FunctionComputeContextLike } from '../../lib/collect/alibaba/credentials';
import { collectAlibabaScoped } from '../../lib/collect/alibaba/scoped';
import type { ScopedCollectors } from '../../lib/scope/plan';
import type { AuditConfig } from '../../lib/config/schema';
import { parseFcEventBridgeEvent, parseFcHttpEvent, parseFcTimerEvent } from '../../lib/events/alibaba';
import { onDemandFromHttp } from '../../lib/events/http';
import type { AuditRequest, TouchedResource, TriggerInfo } from '../../lib/events/types';
import type { InventoryData } from '../../lib/inventory/model';
import { loadFunctionConfig } from '../shared/config';
import { classifyFailure, RetryableAuditError } from '../shared/failures';
import { httpFailureResponse, jsonResponse, resultBody, type HttpResponse } from '../shared/http';
import { createLogger, type LineWriter, type Logger } from '../shared/log';
import { decideRegion, saveCursor, type RegionDecision } from './actiontrail-poll';
import { configuredRegions, notAppliedKeys, regionsForRun, ruleSelectionOf, runAudit, type AuditOutcome, type AuditSummary } from '../shared/run-audit';

/** The parts of the FC 3.0 context the handlers read. */
export interface FcContext extends FunctionComputeContextLike {
  requestId?: string;
  region?: string;
  accountId?: string;
  function?: { name?: string };
}

export interface AlibabaRuntime {
  env: NodeJS.ProcessEnv;
  collect: (region: string, context: FcContext) => Promise<InventoryData>;
  /** Scoped re-reads (lib/collect/alibaba/scoped.ts); absent: scoped requests run full. */
  scopedCollectors?: (region: string, context: FcContext) => ScopedCollectors;
  /**
   * How the state store (OSS) and sinks (MNS) are built; default: with the context's STS
   * credentials. Tests: a store or sinks to use instead.
   */
  audit?: (context: FcContext) => PrepareAuditOptions;
  /**
   * ActionTrail LookupEvents of recent CloudAPI write events (lib/collect/alibaba/actiontrail.ts),
   * for the timer. Absent: the timer always runs full audits.
   */
  lookupApiGatewayWrites?: (region: string, window: { start: Date; end: Date }, context: FcContext) => Promise<LookupWritesResult>;
  now?: () => Date;
  writeLog?: LineWriter;
}

export const HTTP_TOKEN_ENV = 'APIGW_AUDIT_HTTP_TOKEN';
export const HTTP_TOKEN_HEADER = 'x-apigw-audit-token';

export function defaultAlibabaRuntime(): AlibabaRuntime {
  return {
    env: process.env,
    collect: (region, context) => collectAlibabaRegion({ region, credentials: functionComputeCredentials(() => context) }),
    scopedCollectors: (region, context) => ({
      alibaba: (base, reads) => collectAlibabaScoped(base, reads, { region, credentials: functionComputeCredentials(() => context) }),
    }),
    audit: (context) => {
      const credentials = functionComputeCredentials(() => context);
      return { state: { alibabaCredentials: credentials }, sinks: { mnsCredentials: credentials } };
    },
    lookupApiGatewayWrites: (region, window, context) =>
      lookupCloudApiWrites({ region, credentials: functionComputeCredentials(() => context), start: window.start, end: window.end }),
  };
}

function loggerFor(name: string, context: FcContext, runtime: AlibabaRuntime): Logger {
  return createLogger({ function: name, ...(context.requestId ? { requestId: context.requestId } : {}) }, runtime.writeLog, runtime.now);
}

function ownRegion(context: FcContext, env: NodeJS.ProcessEnv): string | undefined {
  return context.region ?? env.FC_REGION ?? env.ALIBABA_CLOUD_REGION;
}

async function prepare(runtime: AlibabaRuntime) {
  const config: AuditConfig = await loadFunctionConfig({ env: runtime.env });
  return { config, selection: ruleSelectionOf(config) };
}

async function audit(
  runtime: AlibabaRuntime,
  context: FcContext,
  prepared: Awaited<ReturnType<typeof prepare>>,
  job: { regions: string[]; trigger: TriggerInfo; touched?: TouchedResource[]; mode?: 'full' | 'scoped'; account?: string },
  log?: Logger,
  resources?: AuditResources,
): Promise<AuditOutcome> {
  const account = job.account ?? context.accountId;
  return runAudit(
    { provider: 'alibaba', ...job, ...(account ? { account } : {}) },
    {
      collect: (region) => runtime.collect(region, context),
      ...(runtime.scopedCollectors ? { scopedCollectors: (region: string) => runtime.scopedCollectors!(region, context) } : {}),
      selection: prepared.selection,
      config: prepared.config,
      env: runtime.env,
      ...(runtime.now ? { now: runtime.now } : {}),
      ...(runtime.audit ? { prepare: runtime.audit(context) } : {}),
      ...(resources ? { resources } : {}),
      ...(log ? { warn: (message: string, fields?: Record<string, unknown>) => log.warn(message, fields ?? {}) } : {}),
    },
  );
}

/** `transient collection failures`, `notifications not delivered …`, or both. */
function retryReason(outcome: AuditOutcome): string {
  const transient = outcome.summary.failures.filter((f) => f.transient);
  const delivery = transient.some((f) => f.operation.startsWith('deliver:'));
  const collection = transient.some((f) => !f.operation.startsWith('deliver:'));
  return [collection ? 'transient collection failures' : '', delivery ? 'notifications not delivered and not kept (no state store)' : ''].filter(Boolean).join('; ');
}

/** Logs a finished (non-retryable) run as the event's line. */
function logOutcome(log: Logger, outcome: AuditOutcome, config: AuditConfig, extra: Record<string, unknown>): void {
  const notApplied = notAppliedKeys(config);
  const fields = { ...extra, summary: outcome.summary, ...(notApplied.length > 0 ? { notApplied } : {}) };
  if (outcome.status === 'incomplete') log.warn('audit finished incomplete', fields);
  else log.info('audit finished', fields);
}

/** Logs a failure once; rethrows it when the platform should retry, else returns the answer. */
function settle<T>(log: Logger, error: unknown, answer: (failure: ReturnType<typeof classifyFailure>) => T | undefined): T {
  const failure = classifyFailure(error);
  const details = error instanceof RetryableAuditError ? error.details : {};
  const response = answer(failure);
  const retried = response === undefined;
  log.error(retried ? 'run failed, the platform will retry' : 'run failed, not retried', { failure: failure.kind, error: failure.message, retry: retried, ...details });
  if (retried) throw error instanceof RetryableAuditError ? error : new RetryableAuditError(failure.message);
  return response;
}

const rethrowTransient = (failure: ReturnType<typeof classifyFailure>) =>
  failure.retry ? undefined : { status: 'failed' as const, failure: failure.kind, error: failure.message };

export function createTimerHandler(runtime: AlibabaRuntime = defaultAlibabaRuntime()) {
  return async (event: unknown, context: FcContext) => {
    const log = loggerFor('timer', context, runtime);
    const region = ownRegion(context, runtime.env);
    if (!region) {
      log.error('run failed, not retried', { failure: 'configuration', error: 'the function context carries no region' });
      return { status: 'failed', error: 'the function context carries no region' };
    }
    const parsed = parseFcTimerEvent(event, { region, ...(context.accountId ? { accountId: context.accountId } : {}) });
    if ('error' in parsed) {
      log.warn('event rejected', { error: parsed.error });
      return { status: 'rejected', error: parsed.error };
    }
    try {
      const prepared = await prepare(runtime);
      const regions = regionsForRun('alibaba', parsed.regions, runtime.env, prepared.config, region);
      if (!runtime.lookupApiGatewayWrites) {
        const outcome = await audit(runtime, context, prepared, { regions, trigger: parsed.trigger }, log);
        if (outcome.status === 'retryable') throw new RetryableAuditError(retryReason(outcome), { summary: outcome.summary });
        logOutcome(log, outcome, prepared.config, {});
        return { status: outcome.status, summary: outcome.summary };
      }
      return await polledTimerRun(runtime, context, prepared, regions, parsed.trigger, log);
    } catch (error) {
      return settle(log, error, rethrowTransient);
    }
  };
}

/**
 * The timer with the ActionTrail poll: one full audit of the regions that need one (as without the
 * poll), one scoped re-audit per region whose CloudAPI write events name resources (`reaudits`;
 * runAudit still runs it full when they name a kind the scoped reads do not cover), nothing for
 * the regions without such events (`unchanged`). The poll cursor moves only once a region's run
 * finished; a retryable outcome throws before any cursor moves.
 */
async function polledTimerRun(
  runtime: AlibabaRuntime,
  context: FcContext,
  prepared: Awaited<ReturnType<typeof prepare>>,
  regions: string[],
  trigger: TriggerInfo,
  log: Logger,
) {
  const resources = await prepareAudit(prepared.config, { env: runtime.env, ...runtime.audit?.(context) });
  try {
    const now = (runtime.now ?? (() => new Date()))();
    const store = resources.store;
    const account = context.accountId;
    const decisions: RegionDecision[] = [];
    for (const r of regions) {
      const decision = await decideRegion({
        store,
        target: account ? { provider: 'alibaba', account, region: r } : undefined,
        lookup: (rg, window) => runtime.lookupApiGatewayWrites!(rg, window, context),
        now,
        env: runtime.env,
        warn: (message, fields) => log.warn(message, fields),
      });
      decisions.push({ ...decision, region: r });
    }
    const fullRegions = decisions.filter((d) => d.kind === 'full').map((d) => d.region);
    const unchanged = decisions.filter((d) => d.kind === 'unchanged').map((d) => d.region);
    const polled = decisions.map((d) =>
      d.kind === 'full' ? { region: d.region, decision: 'full', reason: d.reason } : d.kind === 'unchanged' ? { region: d.region, decision: 'unchanged', events: d.events } : { region: d.region, decision: 'scoped', events: d.events, touched: d.touched },
    );
    const done: RegionDecision[] = [];
    let full: AuditOutcome | undefined;
    if (fullRegions.length > 0) {
      full = await audit(runtime, context, prepared, { regions: fullRegions, trigger }, log, resources);
      if (full.status === 'retryable') throw new RetryableAuditError(retryReason(full), { summary: full.summary });
      logOutcome(log, full, prepared.config, store ? { actionTrail: polled.filter((p) => p.decision === 'full') } : {});
      done.push(...decisions.filter((d) => d.kind === 'full'));
    }
    const scoped: AuditSummary[] = [];
    for (const d of decisions) {
      if (d.kind !== 'scoped') continue;
      const scopedTrigger: TriggerInfo = {
        source: 'actiontrail',
        name: d.events.length === 1 ? d.events[0]!.name : `${d.events.length} events`,
        id: `${trigger.id ?? now.toISOString()}#lookup-events#${d.region}`,
        ...(trigger.time ? { time: trigger.time } : {}),
      };
      const outcome = await audit(runtime, context, prepared, { regions: [d.region], trigger: scopedTrigger, touched: d.touched, mode: 'scoped' }, log, resources);
      if (outcome.status === 'retryable') throw new RetryableAuditError(retryReason(outcome), { summary: outcome.summary });
      logOutcome(log, outcome, prepared.config, { actionTrail: { events: d.events, touched: d.touched } });
      scoped.push(outcome.summary);
      done.push(d);
    }
    for (const d of decisions) if (d.kind === 'unchanged') done.push(d);
    if (unchanged.length > 0) log.info('no CloudAPI write events since the last poll: nothing re-audited', { regions: unchanged });
    if (store && account) {
      for (const d of done) if (d.cursor) await saveCursor(store, { provider: 'alibaba', account, region: d.region }, d.cursor);
    }
    const outcomes = [...(full ? [full.status] : []), ...scoped.map((s) => (s.incomplete ? 'incomplete' : 'complete'))];
    const status = outcomes.length === 0 ? 'unchanged' : outcomes.includes('incomplete') ? 'incomplete' : 'complete';
    return { status, ...(full ? { summary: full.summary } : {}), ...(scoped.length > 0 ? { reaudits: scoped } : {}), ...(unchanged.length > 0 ? { unchanged } : {}), actionTrail: polled };
  } finally {
    resources.close();
  }
}

export function createEventBridgeHandler(runtime: AlibabaRuntime = defaultAlibabaRuntime()) {
  return async (event: unknown, context: FcContext) => {
    const log = loggerFor('eventbridge', context, runtime);
    const parsed = parseFcEventBridgeEvent(event);
    if ('error' in parsed) {
      log.warn('event rejected', { error: parsed.error });
      return { status: 'rejected', error: parsed.error };
    }
    const requests: AuditRequest[] = [];
    let rejected = 0;
    let ignored = 0;
    for (const item of parsed.events) {
      if ('error' in item) {
        rejected++;
        log.warn('event rejected', { error: item.error });
      } else if (item.kind === 'ignored') {
        ignored++;
        log.info('event ignored', { reason: item.reason, ...(item.trigger ? { trigger: item.trigger } : {}), ...(item.target ? { target: item.target } : {}) });
      } else if (context.accountId && item.target.account && item.target.account !== context.accountId) {
        ignored++;
        log.info('event ignored', { reason: `event is about account ${item.target.account}, this function audits ${context.accountId}`, trigger: item.trigger });
      } else {
        requests.push(item);
      }
    }
    if (requests.length === 0) return { status: ignored > 0 ? 'ignored' : 'rejected', rejected, ignored };
    try {
      const prepared = await prepare(runtime);
      const audited = configuredRegions('alibaba', runtime.env, prepared.config);
      // One audit per region however many events of the batch touched it.
      const byRegion = new Map<string, AuditRequest[]>();
      for (const request of requests) {
        if (audited && !audited.includes(request.target.region)) {
          ignored++;
          log.info('event ignored', { reason: `region ${request.target.region} is not among the audited regions`, trigger: request.trigger });
          continue;
        }
        byRegion.set(request.target.region, [...(byRegion.get(request.target.region) ?? []), request]);
      }
      const summaries: AuditSummary[] = [];
      const retryable: AuditSummary[] = [];
      for (const [region, group] of byRegion) {
        // Scoped only when every event of the region is: one that names nothing usable asks for all of it.
        const mode = group.every((r) => r.kind === 'scoped') ? 'scoped' : 'full';
        const touched = dedupeTouched(group.flatMap((r) => r.touched));
        const trigger: TriggerInfo =
          group.length === 1 ? group[0]!.trigger : { source: 'actiontrail', name: `${group.length} events`, id: group.map((r) => r.trigger.id ?? '').join(',') };
        const account = group.find((r) => r.target.account)?.target.account;
        const outcome = await audit(runtime, context, prepared, { regions: [region], trigger, touched, mode, ...(account ? { account } : {}) }, log);
        const fields = { events: group.map((r) => ({ trigger: r.trigger, request: r.kind, touched: r.touched })) };
        if (outcome.status === 'retryable') retryable.push(outcome.summary);
        else logOutcome(log, outcome, prepared.config, fields);
        summaries.push(outcome.summary);
      }
      // The whole batch is retried; the regions that completed are simply audited again.
      if (retryable.length > 0) throw new RetryableAuditError('transient collection or delivery failures', { summaries: retryable });
      return { status: 'done', rejected, ignored, summaries };
    } catch (error) {
      return settle(log, error, rethrowTransient);
    }
  };
}

function dedupeTouched(list: TouchedResource[]): TouchedResource[] {
  const seen = new Set<string>();
  return list.filter((t) => (seen.has(`${t.type}\u0000${t.id}`) ? false : (seen.add(`${t.type}\u0000${t.id}`), true)));
}

/** Constant-time comparison of the shared token (hashing first makes the lengths equal). */
function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function createHttpHandler(runtime: AlibabaRuntime = defaultAlibabaRuntime()) {
  return async (event: unknown, context: FcContext): Promise<HttpResponse> => {
    const log = loggerFor('http', context, runtime);
    const view = parseFcHttpEvent(event);
    if ('error' in view) {
      log.warn('event rejected', { status: view.status, error: view.error });
      return jsonResponse(view.status, { ok: false, error: view.error });
    }
    const expectedToken = runtime.env[HTTP_TOKEN_ENV];
    if (expectedToken && !tokenMatches(view.headers[HTTP_TOKEN_HEADER], expectedToken)) {
      const error = `HTTP request: header ${HTTP_TOKEN_HEADER}: missing or wrong`;
      log.warn('event rejected', { status: 401, error });
      return jsonResponse(401, { ok: false, error });
    }
    const region = ownRegion(context, runtime.env);
    const trigger: TriggerInfo = { source: 'fc-http', ...(view.requestId ? { id: view.requestId } : {}) };
    const request = onDemandFromHttp(view, 'alibaba', trigger);
    if ('error' in request) {
      log.warn('event rejected', { status: request.status, error: request.error });
      return jsonResponse(request.status, { ok: false, error: request.error });
    }
    try {
      if (!region) throw new Error('the function context carries no region');
      const prepared = await prepare(runtime);
      const regions = regionsForRun('alibaba', request.regions, runtime.env, prepared.config, region);
      const outcome = await audit(runtime, context, prepared, { regions, trigger, touched: request.touched, mode: request.kind }, log);
      const fields = { request: request.kind, touched: request.touched, output: request.output };
      if (outcome.status === 'retryable') throw new RetryableAuditError(retryReason(outcome), { ...fields, summary: outcome.summary });
      logOutcome(log, outcome, prepared.config, fields);
      return jsonResponse(200, resultBody(outcome, request.output));
    } catch (error) {
      return settle(log, error, (failure) => httpFailureResponse(failure));
    }
  };
}

export const timer = createTimerHandler();
export const eventbridge = createEventBridgeHandler();
export const http = createHttpHandler();

// Fan-out over many accounts × regions (./fanout.ts): the dispatcher (timer) and the MNS-driven worker.
export { createDispatchHandler, createWorkerHandler, defaultFanoutRuntime, dispatch, worker } from './fanout';
