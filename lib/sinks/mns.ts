/**
 * Alibaba Cloud MNS (Simple Message Queue) sink over its REST API, version 2015-06-06
 * (alibaba-api-catalogue §4; help.aliyun.com/document_detail/27487 for the signature):
 * `POST /queues/<queue>/messages` with `<Message>` (SendMessage) or `<Messages>` of at most 16
 * (BatchSendMessage), bodies base64-encoded, 64 KB per message and per batch.
 *
 *   Authorization: MNS <AccessKeyId>:base64(HMAC-SHA1(secret,
 *     VERB\n Content-MD5\n Content-Type\n Date\n <x-mns-* headers, lowercase, sorted, "k:v\n"> <resource>))
 *
 * STS credentials add the `security-token` header (as the official Node.js and Python SDKs send
 * it, unsigned). Content-MD5 is optional and omitted (signed as the empty string).
 */
import { createHmac } from 'node:crypto';
import { environmentCredentials, type AlibabaCredentialsProvider } from '../collect/alibaba/credentials';
import type { Notification } from '../state/types';
import type { Severity } from '../rules/types';
import { NotificationSink, describeError, type Outcomes, type SinkScan } from './base';
import { backoffDelayMs, httpPost, retryPolicy, runtimeWith, TransportError, type RetryPolicy, type SinkRuntime } from './http';
import { base64Size, packBatches, queueMessageBody } from './queue-message';
import { oneLine, Redactor } from './redact';

export const MNS_API_VERSION = '2015-06-06';
export const MNS_MAX_BATCH_ENTRIES = 16;
/** Per message and per batch, measured on the base64-encoded bodies. */
export const MNS_MAX_ENCODED_BYTES = 65_536;
const MNS_XMLNS = 'http://mns.aliyuncs.com/doc/v1/';
const CONTENT_TYPE = 'text/xml;charset=utf-8';

/** Codes worth another attempt: server trouble, queue QPS limit, and a clock-skew rejection (the retry carries a new Date). */
const RETRYABLE_CODES = new Set(['InternalError', 'InternalServerError', 'ServiceUnavailable', 'QpsLimitExceeded', 'Throttling', 'TimeExpired']);

export interface MnsSinkOptions {
  /** `https://<account>.mns.<region>.aliyuncs.com` (an internal endpoint works the same way). */
  endpoint: string;
  queue: string;
  minSeverity?: Severity;
  /** Defaults to `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` (+ `ALIBABA_CLOUD_SECURITY_TOKEN`). */
  credentials?: AlibabaCredentialsProvider;
  /** Lower this when the queue's `MaximumMessageSize` is below 64 KB (measured after base64). */
  maxEncodedMessageBytes?: number;
  retry?: Partial<RetryPolicy>;
  runtime?: Partial<SinkRuntime>;
  name?: string;
}

export interface MnsSignatureInput {
  method: string;
  contentMd5?: string;
  contentType?: string;
  date: string;
  headers: Record<string, string>;
  resource: string;
}

/** The string MNS signs: the canonical headers are every `x-mns-*` header, lowercased and sorted, each ending in "\n". */
export function mnsStringToSign(input: MnsSignatureInput): string {
  const canonicalHeaders = Object.entries(input.headers)
    .map(([k, v]) => [k.toLowerCase(), String(v).trim()] as const)
    .filter(([k]) => k.startsWith('x-mns-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}:${v}\n`)
    .join('');
  return `${input.method.toUpperCase()}\n${input.contentMd5 ?? ''}\n${input.contentType ?? ''}\n${input.date}\n${canonicalHeaders}${input.resource}`;
}

export function mnsSignature(accessKeySecret: string, input: MnsSignatureInput): string {
  return createHmac('sha1', accessKeySecret).update(mnsStringToSign(input), 'utf8').digest('base64');
}

function unescapeXml(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

/** Inner XML of each `<tag>` element (MNS answers are flat, so no nesting of the same tag). */
export function xmlElements(xml: string, tag: string): string[] {
  const pattern = new RegExp(`<(?:[A-Za-z0-9_]+:)?${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</(?:[A-Za-z0-9_]+:)?${tag}>)`, 'g');
  return [...xml.matchAll(pattern)].map((m) => m[1] ?? '');
}

export function xmlText(xml: string, tag: string): string | undefined {
  const inner = xmlElements(xml, tag)[0];
  return inner === undefined ? undefined : unescapeXml(inner.trim());
}

/** One message as sent: its base64 body, and `index`, the caller's position for its outcome. */
export interface MnsPreparedMessage {
  index: number;
  /** Base64 body, as sent. */
  encoded: string;
  bytes: number;
}

type EntryResult = { ok: true } | { ok: false; retryable: boolean; error: string };

/** Per message, in order: undefined when MNS took it, else why not and whether another attempt could succeed. */
export type MnsSendOutcome = undefined | { error: string; retryable: boolean };

export interface MnsQueueClientOptions {
  /** `https://<account>.mns.<region>.aliyuncs.com` (an internal endpoint works the same way). */
  endpoint: string;
  queue: string;
  /** Defaults to `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` (+ `ALIBABA_CLOUD_SECURITY_TOKEN`). */
  credentials?: AlibabaCredentialsProvider;
  retry?: Partial<RetryPolicy>;
  runtime?: Partial<SinkRuntime>;
  /** The credentials' secret and token are registered here; answers are masked with it before any quoting. */
  redactor?: Redactor;
}

/**
 * SendMessage / BatchSendMessage on one queue: signed requests, batches of at most 16 messages and
 * 64 KB (base64 bodies), and retries of the retryable failures only (whole request or per message)
 * after a backoff. The MNS sink sends notifications with it; the Function Compute dispatcher sends
 * fan-out jobs.
 */
export class MnsQueueClient {
  readonly queue: string;
  private readonly endpoint: string;
  private readonly resource: string;
  private readonly credentials: AlibabaCredentialsProvider;
  private readonly runtime: SinkRuntime;
  private readonly policy: RetryPolicy;
  private readonly redactor: Redactor;

  constructor(options: MnsQueueClientOptions) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,255}$/.test(options.queue)) throw new Error(`invalid MNS queue name "${options.queue}"`);
    this.queue = options.queue;
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.resource = `/queues/${options.queue}/messages`;
    this.credentials = options.credentials ?? environmentCredentials();
    this.runtime = runtimeWith(options.runtime);
    this.policy = retryPolicy(options.retry);
    this.redactor = options.redactor ?? new Redactor();
  }

  /**
   * Sends UTF-8 texts as messages (base64-encoded, as the official SDKs send them), packed into
   * batches; a text whose encoded body exceeds 64 KB is refused without being sent.
   */
  async sendTexts(texts: string[]): Promise<MnsSendOutcome[]> {
    const outcomes: MnsSendOutcome[] = texts.map(() => ({ error: 'not sent', retryable: true }));
    const prepared: MnsPreparedMessage[] = [];
    texts.forEach((text, index) => {
      const encoded = Buffer.from(text, 'utf8').toString('base64');
      if (encoded.length > MNS_MAX_ENCODED_BYTES) outcomes[index] = { error: `message of ${encoded.length} bytes (base64) exceeds the MNS limit of ${MNS_MAX_ENCODED_BYTES}`, retryable: false };
      else prepared.push({ index, encoded, bytes: encoded.length });
    });
    for (const batch of packBatches(prepared, MNS_MAX_BATCH_ENTRIES, MNS_MAX_ENCODED_BYTES)) await this.sendBatch(batch, outcomes);
    return outcomes;
  }

  /**
   * Sends one batch (at most 16 messages, 64 KB); retryable failures (whole-request or per message)
   * go again, only those, after a backoff. Writes each message's outcome at its `index`.
   */
  async sendBatch(batch: MnsPreparedMessage[], outcomes: MnsSendOutcome[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; attempt <= this.policy.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await this.runtime.sleep(backoffDelayMs(attempt - 1, this.policy, this.runtime.random));
      const results = await this.post(pending);
      const retry: MnsPreparedMessage[] = [];
      pending.forEach((message, i) => {
        const result = results[i] ?? { ok: false, retryable: true, error: 'MNS returned no result for the message' };
        if (result.ok) {
          outcomes[message.index] = undefined;
          return;
        }
        outcomes[message.index] = {
          error: result.retryable ? `${result.error} (after ${attempt} attempt${attempt > 1 ? 's' : ''})` : result.error,
          retryable: result.retryable,
        };
        if (result.retryable) retry.push(message);
      });
      pending = retry;
    }
  }

  /** One signed request; a result per message, in order. */
  private async post(messages: MnsPreparedMessage[]): Promise<EntryResult[]> {
    const all = (result: EntryResult): EntryResult[] => messages.map(() => result);
    let credentials;
    try {
      credentials = await this.credentials.getCredentials();
    } catch (error) {
      return all({ ok: false, retryable: false, error: describeError(error) });
    }
    this.redactor.add(credentials.accessKeyId, credentials.accessKeySecret, credentials.securityToken);

    const single = messages.length === 1;
    const body = single
      ? `<?xml version="1.0" encoding="UTF-8"?><Message xmlns="${MNS_XMLNS}"><MessageBody>${messages[0]!.encoded}</MessageBody></Message>`
      : `<?xml version="1.0" encoding="UTF-8"?><Messages xmlns="${MNS_XMLNS}">${messages
          .map((m) => `<Message><MessageBody>${m.encoded}</MessageBody></Message>`)
          .join('')}</Messages>`;
    const date = new Date(this.runtime.now()).toUTCString();
    const mnsHeaders = { 'x-mns-version': MNS_API_VERSION };
    const signature = mnsSignature(credentials.accessKeySecret, { method: 'POST', contentType: CONTENT_TYPE, date, headers: mnsHeaders, resource: this.resource });
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPE,
      Date: date,
      ...mnsHeaders,
      Authorization: `MNS ${credentials.accessKeyId}:${signature}`,
      ...(credentials.securityToken ? { 'security-token': credentials.securityToken } : {}),
    };

    let response;
    try {
      response = await httpPost(this.runtime, `${this.endpoint}${this.resource}`, body, headers, this.policy.timeoutMs);
    } catch (error) {
      if (error instanceof TransportError) return all({ ok: false, retryable: error.retryable, error: `${error.code}: ${error.message}` });
      return all({ ok: false, retryable: false, error: describeError(error) });
    }
    // Answers get quoted in reports: secrets are masked before any quoting or cutting.
    response = { ...response, body: this.redactor.redact(response.body) };

    if (response.status >= 200 && response.status < 300) {
      const ids = xmlElements(response.body, 'MessageId');
      // A 2xx answer without ids is still an acceptance; the ids are only a cross-check.
      if (ids.length > 0 && ids.length < messages.length) {
        return messages.map((_, i) => (i < ids.length ? { ok: true } : { ok: false, retryable: true, error: 'MNS acknowledged fewer messages than were sent' }));
      }
      return all({ ok: true });
    }

    const errorXml = xmlElements(response.body, 'Error')[0];
    if (errorXml !== undefined || !/<Messages[\s>]/.test(response.body)) {
      const code = (errorXml !== undefined ? xmlText(errorXml, 'Code') : undefined) ?? `HTTP${response.status}`;
      const message = errorXml !== undefined ? xmlText(errorXml, 'Message') : oneLine(response.body, 120);
      const requestId = errorXml !== undefined ? xmlText(errorXml, 'RequestId') : response.headers.get('x-mns-request-id') ?? undefined;
      const retryable = RETRYABLE_CODES.has(code) || (errorXml === undefined && response.status >= 500);
      return all({ ok: false, retryable, error: `${code}${message ? `: ${message}` : ''} (HTTP ${response.status}${requestId ? `, request ${requestId}` : ''})` });
    }

    // Partial batch failure: one <Message> per message sent, in order, with either an id or an error.
    const entries = xmlElements(response.body, 'Message');
    return messages.map((_, i) => {
      const entry = entries[i];
      if (entry === undefined) return { ok: false, retryable: true, error: `MNS returned no result for the message (HTTP ${response.status})` };
      if (xmlText(entry, 'MessageId')) return { ok: true };
      const code = xmlText(entry, 'ErrorCode') ?? 'UnknownError';
      const message = xmlText(entry, 'ErrorMessage');
      return { ok: false, retryable: RETRYABLE_CODES.has(code), error: `${code}${message ? `: ${message}` : ''}` };
    });
  }
}

export class MnsSink extends NotificationSink {
  private readonly client: MnsQueueClient;
  private readonly maxEncodedMessageBytes: number;

  constructor(options: MnsSinkOptions) {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,255}$/.test(options.queue)) throw new Error(`invalid MNS queue name "${options.queue}"`);
    super(options.name ?? `mns:${options.queue}`, options.minSeverity, new Redactor());
    this.client = new MnsQueueClient({
      endpoint: options.endpoint,
      queue: options.queue,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.runtime ? { runtime: options.runtime } : {}),
      redactor: this.redactor,
    });
    this.maxEncodedMessageBytes = Math.min(options.maxEncodedMessageBytes ?? MNS_MAX_ENCODED_BYTES, MNS_MAX_ENCODED_BYTES);
  }

  protected async send(eligible: Notification[], scan: SinkScan): Promise<Outcomes> {
    const outcomes: MnsSendOutcome[] = eligible.map(() => ({ error: 'not sent', retryable: true }));
    const prepared: MnsPreparedMessage[] = [];
    eligible.forEach((notification, index) => {
      try {
        const { body } = queueMessageBody(notification, scan.id, this.maxEncodedMessageBytes, base64Size);
        const encoded = Buffer.from(body, 'utf8').toString('base64');
        prepared.push({ index, encoded, bytes: encoded.length });
      } catch (error) {
        outcomes[index] = { error: describeError(error), retryable: false };
      }
    });
    for (const batch of packBatches(prepared, MNS_MAX_BATCH_ENTRIES, MNS_MAX_ENCODED_BYTES)) {
      await this.client.sendBatch(batch, outcomes);
    }
    return outcomes.map((o) => o?.error);
  }
}
