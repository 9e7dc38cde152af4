/**
 * One unit of fan-out work: audit one (provider, account, region). The dispatcher (a function, or
 * the CLI in-process) plans jobs from the configuration and the organisation's member list; a worker
 * runs one job. On a queue a job travels as JSON (`scanJobSchema` validates it on arrival).
 */
import { z } from 'zod';
import type { Provider } from '../inventory/model';
import { oneLine, quoteInput } from '../util/quote-input';

export interface ScanJob {
  /** Message format version. */
  v: 1;
  provider: Provider;
  /**
   * The audited account when the plan knows it (configured or enumerated); absent: whatever
   * account the worker's own credentials belong to.
   */
  account?: string;
  region: string;
  /** Role to assume in the account; absent: the worker's own credentials. */
  roleArn?: string;
  /** AWS only: the role's required external id. */
  externalId?: string;
  /** The dispatch this job belongs to: jobs of one dispatch share it (scan ids derive from it). */
  dispatchId: string;
}

const awsRoleArn = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const ramRoleArn = /^acs:ram::\d+:role\/.+$/;

/** A job as it arrives from a queue; strict so that a message of another producer is rejected, not guessed at. */
export const scanJobSchema = z
  .strictObject({
    v: z.literal(1),
    provider: z.enum(['aws', 'alibaba']),
    account: z.string().regex(/^\d{6,20}$/, 'must be an account id (digits)').optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z0-9]+)+$/, 'must be a region name'),
    roleArn: z.string().max(2048).optional(),
    externalId: z.string().max(1224).optional(),
    dispatchId: z.string().min(1).max(128),
  })
  .superRefine((job, ctx) => {
    if (job.roleArn !== undefined && !(job.provider === 'aws' ? awsRoleArn : ramRoleArn).test(job.roleArn)) {
      ctx.addIssue({ code: 'custom', path: ['roleArn'], message: job.provider === 'aws' ? 'must be an IAM role ARN' : 'must be a RAM role ARN' });
    }
    if (job.externalId !== undefined && job.provider !== 'aws') ctx.addIssue({ code: 'custom', path: ['externalId'], message: 'only AWS roles take an external id' });
    if (job.provider === 'aws' && job.account && !/^\d{12}$/.test(job.account)) ctx.addIssue({ code: 'custom', path: ['account'], message: 'must be a 12-digit AWS account id' });
  });

/** The job, or one line saying what is wrong and where. */
export function parseScanJob(value: unknown, where = 'job'): ScanJob | { error: string } {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      return { error: `${where}: not JSON` };
    }
  }
  const parsed = scanJobSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Keys and messages come from the message itself: quoted and kept to one bounded line.
    const path = issue.path.map((p) => (typeof p === 'string' && /^\w{1,40}$/.test(p) ? `.${p}` : `[${quoteInput(String(p), 40)}]`)).join('');
    return { error: oneLine(`${where}${path}: ${issue.message}`) };
  }
  const job = parsed.data;
  return {
    v: 1,
    provider: job.provider,
    region: job.region,
    dispatchId: job.dispatchId,
    ...(job.account !== undefined ? { account: job.account } : {}),
    ...(job.roleArn !== undefined ? { roleArn: job.roleArn } : {}),
    ...(job.externalId !== undefined ? { externalId: job.externalId } : {}),
  };
}

/** `aws 123456789012 eu-west-1` (no role or secret: safe for logs). */
export function describeJob(job: Pick<ScanJob, 'provider' | 'account' | 'region'>): string {
  return `${job.provider} ${job.account ?? '(own account)'} ${job.region}`;
}

export type { MemberAccount } from '../collect/members';

/** An account the plan leaves out, and why (for the dispatcher's log and the CLI's stderr). */
export interface SkippedAccount {
  provider: Provider;
  account: string;
  reason: string;
}

/** A job that produced no inventory: its target's state is left untouched (nothing resolved). */
export interface JobFailure {
  job: ScanJob;
  /** `sts:AssumeRole`, `collect`, or `account-check`. */
  operation: string;
  /** One line, no secrets. */
  error: string;
  /** Another attempt may succeed (throttled, 5xx, network). */
  transient: boolean;
}
