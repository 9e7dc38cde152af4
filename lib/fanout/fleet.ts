/**
 * The in-process fan-out (CLI, and any caller that wants one process to audit many targets):
 * collect every job with at most `concurrency` in flight, then hand the inventories to one
 * evaluation (lib/audit.ts), so a multi-account scan is one findings document, one state merge and
 * one notification digest. Jobs are independent: one account's refused role or throttled region
 * never stops the others.
 *
 * Memory: every inventory is held until evaluation. A typical account-region is a few hundred KB
 * to a few MB of normalized JSON; the 10,000-ENI bench region is 12 MB. For organisations too
 * large for one process, the queue-driven workers (functions/) audit one job per invocation.
 */
import { describeResolution, isUnknownAccount, resolveUnknownAccounts, type AccountResolution } from '../collect/account';
import { unauditedTargetFindings } from '../findings/engine';
import { summarize } from '../findings/engine';
import type { Finding, FindingsDocument } from '../findings/types';
import type { CoverageEntry, InventoryData } from '../inventory/model';
import { collectJob, type CollectJobOptions, type JobCollection } from './collect-job';
import { runPool } from './pool';
import type { FanoutProgress } from './progress';
import type { JobFailure, ScanJob } from './types';

export const DEFAULT_CONCURRENCY = 4;

export interface CollectFleetOptions extends CollectJobOptions {
  concurrency?: number;
  progress?: FanoutProgress;
  /** Replaces collectJob (tests). */
  collect?: (job: ScanJob, options: CollectJobOptions) => Promise<JobCollection>;
}

export interface FleetCollection {
  /** In job order; only jobs that produced an inventory. */
  inventories: InventoryData[];
  failures: JobFailure[];
  /** Accounts settled after collection (sts could not tell): from the job, or lib/collect/account.ts. */
  resolutions: AccountResolution[];
}

export async function collectFleet(jobs: readonly ScanJob[], options: CollectFleetOptions = {}): Promise<FleetCollection> {
  const collect = options.collect ?? collectJob;
  const results = await runPool(jobs, options.concurrency ?? DEFAULT_CONCURRENCY, (job) => collect(job, options), {
    started: (job) => options.progress?.started(job),
    finished: (job, _i, ok) => options.progress?.finished(job, ok),
  });

  // A thrown error is the caller's credentials (or a bug): the run cannot go on, whichever job met it first.
  const thrown = results.find((r) => !r.ok);
  if (thrown && !thrown.ok) throw thrown.error;
  const failures: JobFailure[] = [];
  const resolutions: AccountResolution[] = [];
  const collected: Array<{ inventory: InventoryData; own: boolean }> = [];
  results.forEach((result, i) => {
    const job = jobs[i]!;
    if (!result.ok) return;
    const outcome = result.value;
    if (!outcome.ok) {
      failures.push(outcome.failure);
      return;
    }
    if (outcome.accountFromJob) {
      resolutions.push({ provider: job.provider, region: job.region, account: outcome.inventory.account, how: 'configured', detail: 'taken from the job (configured or listed member account)' });
    }
    collected.push({ inventory: outcome.inventory, own: job.account === undefined });
  });
  // Jobs read with the caller's own credentials are one identity: their unknown accounts may be
  // settled from each other. Jobs of other accounts never lend their account to anyone.
  const own = collected.filter((c) => c.own).map((c) => c.inventory);
  const settled = resolveUnknownAccounts(own);
  resolutions.push(...settled.resolved);
  let k = 0;
  const inventories = collected.map((c) => (c.own ? settled.inventories[k++]! : c.inventory));
  return { inventories, failures, resolutions };
}

/** The coverage entry that says a target could not be read at all. */
export function failureCoverage(failure: JobFailure): CoverageEntry {
  return {
    provider: failure.job.provider,
    account: failure.job.account ?? 'unknown',
    region: failure.job.region,
    operation: failure.operation,
    status: 'error',
    error: failure.error,
    calls: 1,
  } as CoverageEntry;
}

/**
 * The document with the targets that produced no inventory added: a coverage error and an
 * AUDIT-INCOMPLETE finding each (without status: nothing about them is recorded or resolved).
 */
export function withUnauditedTargets(document: FindingsDocument, failures: readonly JobFailure[]): FindingsDocument {
  if (failures.length === 0) return document;
  const coverage = failures.map(failureCoverage);
  const findings: Finding[] = [...document.findings, ...unauditedTargetFindings(coverage)];
  return {
    ...document,
    findings,
    summary: summarize(findings.filter((f) => f.status !== 'resolved')),
    scan: { ...document.scan, coverage: [...document.scan.coverage, ...coverage] },
  };
}

export function describeFailure(failure: JobFailure): string {
  const { job } = failure;
  return `not audited: ${job.provider} ${job.account ?? '(own account)'} ${job.region}: ${failure.operation}: ${failure.error}`;
}

export { describeResolution, isUnknownAccount };
