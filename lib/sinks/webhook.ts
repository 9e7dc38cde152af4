/**
 * Generic webhook (CONTRACTS.md): POST of the findings document restricted to what is notified,
 * with
 *   Content-Type: application/json
 *   X-Apigw-Audit-Timestamp: <unix seconds>
 *   X-Apigw-Audit-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
 *   X-Apigw-Audit-Delivery: <uuid, the same on retries>
 * Each attempt is signed with its own timestamp (receivers may refuse old ones); the body and the
 * delivery id do not change, so a receiver can drop duplicates by delivery id.
 */
import { createHmac } from 'node:crypto';
import type { Finding } from '../findings/types';
import type { TargetRef } from '../inventory/model';
import { SEVERITIES, type Severity } from '../rules/types';
import type { FindingEvent, Notification } from '../state/types';
import { TOOL } from '../version';
import type { SinkScan } from './base';
import { compareNotifications } from './digest';
import { classifyHttpResponse, type AttemptOutcome, type HttpResponse } from './http';
import { HttpPostSink, type PostSinkOptions, type PreparedPost } from './post-sink';
import { Redactor } from './redact';

export const HEADER_TIMESTAMP = 'X-Apigw-Audit-Timestamp';
export const HEADER_SIGNATURE = 'X-Apigw-Audit-Signature';
export const HEADER_DELIVERY = 'X-Apigw-Audit-Delivery';

export interface WebhookSinkOptions extends PostSinkOptions {
  url: string;
  /** Without a secret the signature header is left out (nothing to sign with). */
  secret?: string;
}

/** The findings document of CONTRACTS.md with only the notified findings (their `status` is the event). */
export interface NotifiedFindingsDocument {
  schemaVersion: '1';
  tool: { name: string; version: string };
  scan: { id: string; startedAt: string; targets: TargetRef[] };
  summary: Record<Severity, number>;
  findings: Array<Finding & { status: FindingEvent; reminder?: true }>;
}

export function notifiedDocument(notifications: Notification[], scan: SinkScan): NotifiedFindingsDocument {
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const n of notifications) if (n.event !== 'resolved') summary[n.finding.severity]++;
  return {
    schemaVersion: '1',
    tool: { name: TOOL.name, version: TOOL.version },
    scan: { id: scan.id, startedAt: scan.startedAt, targets: scan.targets },
    summary,
    findings: [...notifications].sort(compareNotifications).map((n) => ({ ...n.finding, status: n.event, ...(n.reason === 'reminder' ? { reminder: true as const } : {}) })),
  };
}

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` */
export function webhookSignature(secret: string, timestampSeconds: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}

interface WebhookPayload {
  body: string;
  deliveryId: string;
}

export class WebhookSink extends HttpPostSink<WebhookPayload> {
  readonly #url: string;
  readonly #secret: string | undefined;

  constructor(options: WebhookSinkOptions) {
    super('webhook', options, new Redactor().add(options.url, options.secret));
    this.#url = options.url;
    this.#secret = options.secret;
  }

  protected payload(eligible: Notification[], scan: SinkScan): WebhookPayload {
    return { body: JSON.stringify(notifiedDocument(eligible, scan)), deliveryId: this.runtime.uuid() };
  }

  protected request(payload: WebhookPayload): PreparedPost {
    const timestamp = String(Math.floor(this.runtime.now() / 1000));
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': `${TOOL.name}/${TOOL.version}`,
      [HEADER_TIMESTAMP]: timestamp,
      [HEADER_DELIVERY]: payload.deliveryId,
    };
    if (this.#secret) headers[HEADER_SIGNATURE] = webhookSignature(this.#secret, timestamp, payload.body);
    return { url: this.#url, headers, body: payload.body };
  }

  protected classify(response: HttpResponse): AttemptOutcome {
    return classifyHttpResponse(response, this.runtime.now());
  }
}
