/**
 * Collects one fan-out job: assume the job's role (when it names one), read the region with the
 * provider's collector, and make sure the inventory is the account the plan asked for.
 *
 * Truth first: a job that yields no inventory (role refused, credentials of another account) is a
 * JobFailure, not an empty inventory — an empty inventory would let the state resolve that
 * target's open findings. An inventory whose account sts could not tell (`unknown`) takes the
 * job's account: the plan knows it, which is more than lib/collect/account.ts can infer.
 */
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { isUnknownAccount, withAccount } from '../collect/account';
import { assumeAwsRole } from '../collect/aws/assume-role';
import { asCredentialsError, AwsCredentialsError } from '../collect/aws/credentials-error';
import { collectAwsRegion, type CollectAwsRegionOptions } from '../collect/aws/collect-region';
import { AlibabaCredentialsError, assumeRoleCredentials, environmentCredentials, type AlibabaCredentialsProvider } from '../collect/alibaba/credentials';
import { collectAlibabaRegion, type CollectAlibabaRegionOptions } from '../collect/alibaba/collect-region';
import { describeError, errorCode, isTransientCode, redactSecrets } from '../collect/errors';
import type { InventoryData } from '../inventory/model';
import type { JobFailure, ScanJob } from './types';

/** AssumeRole failures that mean the caller's own AccessKey is missing or refused, not the member's role. */
const CALLER_CREDENTIAL_CODES = /^(CredentialsNotFound|SignatureDoesNotMatch|InvalidAccessKeyId|InvalidSecurityToken|IncompleteSignature)/;

export interface CollectJobOptions {
  env?: NodeJS.ProcessEnv;
  /** The caller's AWS credentials (default chain when absent): used as is, or to assume the job's role. */
  awsCredentials?: AwsCredentialIdentityProvider;
  /** The caller's Alibaba Cloud credentials (environment when absent). */
  alibabaCredentials?: AlibabaCredentialsProvider;
  /** Shows in the member's audit trail. */
  sessionName?: string;
  onProgress?: (message: string) => void;
  /** Extra collector options (rate limits, clocks, call counters: bench and tests). */
  aws?: Partial<CollectAwsRegionOptions>;
  alibaba?: Partial<CollectAlibabaRegionOptions>;
}

export type JobCollection = { ok: true; inventory: InventoryData; accountFromJob: boolean } | { ok: false; failure: JobFailure };

export async function collectJob(job: ScanJob, options: CollectJobOptions = {}): Promise<JobCollection> {
  const fail = (operation: string, error: unknown, transient?: boolean): JobCollection => ({
    ok: false,
    failure: { job, operation, error: oneLine(describeError(error)), transient: transient ?? isTransientCode(errorCode(error)) },
  });

  let inventory: InventoryData;
  if (job.provider === 'aws') {
    let credentials = options.awsCredentials;
    if (job.roleArn) {
      credentials = assumeAwsRole({
        roleArn: job.roleArn,
        region: job.region,
        ...(job.externalId ? { externalId: job.externalId } : {}),
        ...(options.sessionName ? { sessionName: options.sessionName } : {}),
        ...(options.awsCredentials ? { source: options.awsCredentials } : {}),
      });
      // Assumed up front so that a refused role is attributed to sts:AssumeRole, not to the first read.
      try {
        await credentials();
      } catch (error) {
        // The caller's own credentials missing or refused: no job can run, so it is the run's error.
        const callerProblem = asCredentialsError(error, job.region);
        if (callerProblem && callerProblem.code !== 'AccessDenied') throw callerProblem;
        return fail('sts:AssumeRole', error);
      }
    }
    try {
      inventory = await collectAwsRegion({
        ...options.aws,
        region: job.region,
        ...(credentials ? { credentials } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    } catch (error) {
      // Without a role the job runs on the caller's credentials: refused ones stop the run (exit 2).
      if (error instanceof AwsCredentialsError && !job.roleArn) throw error;
      return fail('collect', error);
    }
  } else {
    let credentials = options.alibabaCredentials;
    if (job.roleArn) {
      credentials = assumeRoleCredentials({
        roleArn: job.roleArn,
        region: job.region,
        source: options.alibabaCredentials ?? environmentCredentials(options.env),
        ...(options.sessionName ? { roleSessionName: options.sessionName } : {}),
        ...(options.env ? { env: options.env } : {}),
      });
      try {
        await credentials.getCredentials();
      } catch (error) {
        if (error instanceof AlibabaCredentialsError && CALLER_CREDENTIAL_CODES.test(error.code)) throw error;
        return fail('sts:AssumeRole', error);
      }
    }
    try {
      inventory = await collectAlibabaRegion({
        ...options.alibaba,
        region: job.region,
        ...(credentials ? { credentials } : {}),
        ...(options.env ? { env: options.env } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    } catch (error) {
      if (error instanceof AlibabaCredentialsError && !job.roleArn) throw error;
      return fail('collect', error);
    }
  }

  if (!job.account) return { ok: true, inventory, accountFromJob: false };
  if (isUnknownAccount(inventory.account)) return { ok: true, inventory: withAccount(inventory, job.account), accountFromJob: true };
  if (inventory.account !== job.account) {
    return {
      ok: false,
      failure: {
        job,
        operation: 'account-check',
        error: `the credentials for ${job.account} ${job.region} belong to account ${inventory.account}${job.roleArn ? ` (role ${job.roleArn})` : ''}: nothing recorded for either`,
        transient: false,
      },
    };
  }
  return { ok: true, inventory, accountFromJob: false };
}

function oneLine(text: string): string {
  return redactSecrets(text).replace(/\s+/g, ' ').trim().slice(0, 500);
}
