/**
 * Credentials of a member account's role, for a fan-out job. STS AssumeRole through the SDK's own
 * provider (so `AWS_ENDPOINT_URL_STS` and the default chain for the caller apply), called once and
 * shared by all of the job's clients until five minutes before the credentials expire — without
 * that each service client would assume the role on its own.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

export interface AssumeAwsRoleOptions {
  roleArn: string;
  externalId?: string;
  /** STS is called in this region (regional endpoint). */
  region: string;
  /** Shows in the member's CloudTrail; 2–64 of `[\w+=,.@-]`. */
  sessionName?: string;
  /** The caller's credentials; default: the SDK's default chain. */
  source?: AwsCredentialIdentityProvider;
  /** Default 3600 (the role's maximum session may be longer; an hour covers one region's scan). */
  durationSeconds?: number;
  refreshBeforeMs?: number;
  now?: () => number;
}

export const DEFAULT_SESSION_NAME = 'apigw-private-auditor';

export function assumeAwsRole(options: AssumeAwsRoleOptions): AwsCredentialIdentityProvider {
  const assume = fromTemporaryCredentials({
    params: {
      RoleArn: options.roleArn,
      RoleSessionName: options.sessionName ?? DEFAULT_SESSION_NAME,
      DurationSeconds: options.durationSeconds ?? 3600,
      ...(options.externalId ? { ExternalId: options.externalId } : {}),
    },
    ...(options.source ? { masterCredentials: options.source } : {}),
    clientConfig: { region: options.region, maxAttempts: 5 },
  });
  const refreshBefore = options.refreshBeforeMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity | undefined): c is AwsCredentialIdentity =>
    c !== undefined && (c.expiration === undefined || c.expiration.getTime() - refreshBefore > now());
  return () => {
    if (fresh(cached)) return Promise.resolve(cached);
    pending ??= assume()
      .then((c) => {
        cached = c;
        return c;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
