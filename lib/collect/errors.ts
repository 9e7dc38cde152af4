/**
 * Turning SDK failures into the `Code: message` text that coverage entries carry. Error messages
 * sometimes echo request details (presigned URLs, Authorization headers), so anything shaped like
 * a credential is removed before the text leaves the collector.
 */

const MAX_ERROR_TEXT = 400;

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/(X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential|SecurityToken|security_token|session_token)=?[=:\s"']*[^&\s"',;]+/gi, '$1=[redacted]'],
  [/\b(Signature|Credential|SignedHeaders|AccessKeyId|SecretAccessKey|SessionToken|Token)\s*[=:]\s*"?[^&\s"',;]+/gi, '$1=[redacted]'],
  [/\bAuthorization\s*[:=]\s*[^\r\n]+/gi, 'Authorization: [redacted]'],
  // Access key ids (long-term AKIA…, temporary ASIA…).
  [/\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '[redacted-key-id]'],
];

/** 40 mixed-case base64 characters: the shape of a secret access key (ids and ARNs are lower-case). */
const SECRET_KEY_SHAPE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out.replace(SECRET_KEY_SHAPE, (run) => (/[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run) ? '[redacted]' : run));
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** The service's error code when there is one, else the Node error code or class name. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as ErrorLike;
    for (const candidate of [e.Code, e.code, e.name]) {
      if (typeof candidate === 'string' && candidate.length > 0 && candidate !== 'Error') return candidate;
    }
    const status = e.$metadata?.httpStatusCode;
    if (typeof status === 'number') return `HTTP${status}`;
  }
  return 'Error';
}

/** `Code: message`, one line, secrets removed, bounded in length. */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  let message = '';
  if (error && typeof error === 'object' && typeof (error as ErrorLike).message === 'string') {
    message = (error as ErrorLike).message as string;
  } else if (typeof error === 'string') {
    message = error;
  }
  message = message.replace(/\s+/g, ' ').trim();
  let text = message && message !== code ? `${code}: ${message}` : code;
  text = redactSecrets(text);
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}

const TRANSIENT_CODE =
  /^(Throttl|RequestLimitExceeded|TooManyRequests|LimitExceededException|SlowDown|ServiceUnavailable|InternalError|InternalFailure|InternalServerError|InternalException|RequestTimeout|TimeoutError|NetworkingError|ECONNRESET|ETIMEDOUT|ECONNREFUSED|ECONNABORTED|EPIPE|EAI_AGAIN|ENOTFOUND|ESOCKETTIMEDOUT|UND_ERR|HTTP5\d\d)/;

/** True for an error code worth another attempt later (throttling, 5xx, timeouts, network). */
export function isTransientCode(code: string): boolean {
  return TRANSIENT_CODE.test(code);
}
