/**
 * Which failures the platform should retry. Lambda (asynchronous invokes: schedules, EventBridge)
 * and Function Compute (timer, asynchronous EventBridge trigger) retry a function that throws, so
 * a handler throws only when a second attempt can succeed: throttling, timeouts, 5xx, network
 * errors. A malformed event, a bad configuration, refused credentials or a bug fail the same way
 * every time; those are logged once and swallowed, so they never turn into a retry storm.
 */
import { describeError, errorCode, isTransientCode } from '../../lib/collect/errors';
import { ConfigError } from '../../lib/config/load';
import { UnknownRuleError } from '../../lib/findings/engine';

export { isTransientCode } from '../../lib/collect/errors';

/** Coverage errors read `Code: message`; the code decides. */
export function isTransientCoverageError(text: string | undefined): boolean {
  if (!text) return false;
  return isTransientCode(text.split(':')[0]!.trim());
}

export type FailureKind = 'configuration' | 'credentials' | 'timeout' | 'transient' | 'internal';

export interface ClassifiedFailure {
  kind: FailureKind;
  retry: boolean;
  /** One line, secrets removed. */
  message: string;
}

/** Thrown by a handler to make the platform retry the invocation; `details` go into the one log line. */
export class RetryableAuditError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RetryableAuditError';
  }
}

/**
 * The collectors' "no usable credentials" errors, recognised by name so that neither cloud's SDK is
 * pulled into the other cloud's bundle.
 */
const CREDENTIALS_ERRORS = new Set(['AwsCredentialsError', 'AlibabaCredentialsError']);

/**
 * A state store or sink configuration that cannot work (missing table, unresolvable secret, corrupt
 * state): the same every time. By name, so the functions need not import every store.
 */
const CONFIGURATION_ERRORS = new Set(['StateConfigError', 'SecretResolutionError', 'StateDataError', 'StateFileError']);

/** State store errors wrap the service's answer; these words in it mean another attempt can succeed. */
const STATE_ERRORS = new Set(['StateStoreError', 'OssStateError', 'StateConflictError']);
const TRANSIENT_TEXT = /(Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|TooManyRequests|SlowDown|ServiceUnavailable|InternalServerError|InternalError|RequestTimeout|TimeoutError|ECONNRESET|ETIMEDOUT|ECONNREFUSED|EAI_AGAIN|HTTP 5\d\d|\b5\d\d\b|conflict)/i;

function isCredentialsError(error: unknown): error is Error {
  return error instanceof Error && CREDENTIALS_ERRORS.has(error.name);
}

/** middy's "the function is about to run out of time" error (`timeoutEarlyInMillis`). */
function isFunctionTimeout(error: unknown): boolean {
  const e = error as { name?: unknown; cause?: { package?: unknown } } | null;
  return e?.name === 'TimeoutError' && e.cause?.package === '@middy/core';
}

export function classifyFailure(error: unknown): ClassifiedFailure {
  if (error instanceof RetryableAuditError) return { kind: 'transient', retry: true, message: error.message };
  if (error instanceof ConfigError || error instanceof UnknownRuleError) return { kind: 'configuration', retry: false, message: error.message };
  if (error instanceof Error && CONFIGURATION_ERRORS.has(error.name)) return { kind: 'configuration', retry: false, message: describeError(error) };
  if (error instanceof Error && STATE_ERRORS.has(error.name)) {
    const message = describeError(error);
    return TRANSIENT_TEXT.test(error.message) || error.name === 'StateConflictError' ? { kind: 'transient', retry: true, message } : { kind: 'internal', retry: false, message };
  }
  if (isCredentialsError(error)) {
    return { kind: 'credentials', retry: false, message: error.message };
  }
  // Running out of time once means running out of time again: more memory/timeout or fewer regions.
  if (isFunctionTimeout(error)) {
    return { kind: 'timeout', retry: false, message: 'the function ran out of time before the audit finished' };
  }
  const message = describeError(error);
  if (isTransientCode(errorCode(error))) return { kind: 'transient', retry: true, message };
  return { kind: 'internal', retry: false, message };
}
