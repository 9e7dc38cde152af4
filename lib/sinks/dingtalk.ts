/**
 * DingTalk custom robot (`https://oapi.dingtalk.com/robot/send?access_token=…`), markdown message.
 * Signing ("加签"): `timestamp` = epoch milliseconds, `sign` = urlencode(base64(HMAC-SHA256(key =
 * secret, message = timestamp + "\n" + secret))), both added to the query string; the timestamp
 * must be within an hour of DingTalk's clock, so each attempt signs afresh.
 * DingTalk answers HTTP 200 even on failure: `errcode` decides (0 ok; 130101 "send too fast,
 * exceed 20 times per minute" → wait for the minute window; 310000 keyword/sign/IP rejections and
 * 300001 token errors are final). A robot takes at most 20 messages a minute, enforced here
 * before sending; bodies stay under 20000 bytes.
 */
import { createHmac } from 'node:crypto';
import type { Notification } from '../state/types';
import type { SinkScan } from './base';
import { buildDigest, eventLabel, fitDigest, omittedLine, severityLine, shorten, type Digest, type DigestCaps } from './digest';
import { classifyHttpResponse, utf8Bytes, type AttemptOutcome, type HttpResponse } from './http';
import { HttpPostSink, jsonHeaders, parseJsonBody, type PostSinkOptions, type PreparedPost } from './post-sink';
import { sharedLimiter, type SlidingWindowLimiter } from './rate-window';
import { oneLine, Redactor } from './redact';

export const DINGTALK_MAX_BODY_BYTES = 20_000;
export const DINGTALK_MESSAGES_PER_MINUTE = 20;
export const DINGTALK_THROTTLED = 130101;
/** After 130101 the robot is closed for the rest of its one-minute window. */
const DINGTALK_THROTTLE_WINDOW_MS = 60_000;
/** "System busy": the only failure code worth repeating besides throttling. */
const DINGTALK_BUSY = -1;

export interface DingTalkSinkOptions extends PostSinkOptions {
  url: string;
  /** The robot's `SEC…` signing secret; without it the robot must use keywords or an IP allow-list. */
  secret?: string;
  maxFindings?: number;
  maxResolved?: number;
}

/** `sign` before URL encoding: base64(HMAC-SHA256(secret, timestamp + "\n" + secret)). */
export function dingTalkSignature(secret: string, timestampMs: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export interface DingTalkMarkdown {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
}

function findingLines(n: Notification): string {
  const f = n.finding;
  return [
    `- **${f.severity.toUpperCase()}** \`${f.ruleId}\` (${eventLabel(n)}): ${shorten(f.title, 300)}`,
    `  - Resource: \`${shorten(f.resource.id, 300)}\` ${f.resource.type} · ${f.account}/${f.region}`,
    `  - ${shorten(f.message, 500)}`,
    `  - **Fix:** ${shorten(f.remediation, 500)}`,
  ].join('\n');
}

export function renderDingTalkMarkdown(digest: Digest, caps: DigestCaps = { maxActive: 20, maxResolved: 50 }): DingTalkMarkdown {
  const render = (active: Notification[], resolved: Notification[], omitted: number): DingTalkMarkdown => {
    const parts = [
      `### ${digest.title}`,
      `Scan \`${digest.scanId}\` started ${digest.startedAt} · ${digest.targets}`,
      `**New and open by severity:** ${severityLine(digest)}`,
    ];
    if (active.length > 0) parts.push('---', active.map(findingLines).join('\n'));
    if (resolved.length > 0) {
      parts.push(`**Resolved (${digest.resolved.length})**`, resolved.map((n) => `- \`${n.finding.ruleId}\` ${shorten(n.finding.title, 200)} (\`${shorten(n.finding.resource.id, 200)}\`)`).join('\n'));
    }
    if (omitted > 0) parts.push(`> ${omittedLine(omitted, digest.scanId)}`);
    return { msgtype: 'markdown', markdown: { title: shorten(digest.title, 100), text: parts.join('\n\n') } };
  };
  return fitDigest(digest, caps, render, (m) => utf8Bytes(JSON.stringify(m)) <= DINGTALK_MAX_BODY_BYTES);
}

export class DingTalkSink extends HttpPostSink<string> {
  readonly #url: string;
  readonly #secret: string | undefined;
  private readonly caps: DigestCaps;
  private readonly limiter: SlidingWindowLimiter;

  constructor(options: DingTalkSinkOptions) {
    super('dingtalk', options, new Redactor().add(options.url, options.secret));
    this.#url = options.url;
    this.#secret = options.secret;
    this.caps = { maxActive: options.maxFindings ?? 20, maxResolved: options.maxResolved ?? 50 };
    this.limiter = sharedLimiter(options.url, DINGTALK_MESSAGES_PER_MINUTE, 60_000);
  }

  protected payload(eligible: Notification[], scan: SinkScan): string {
    return JSON.stringify(renderDingTalkMarkdown(buildDigest(eligible, scan), this.caps));
  }

  /** Holds the message until the robot's 20-a-minute budget has room. */
  protected override async beforeAttempt(): Promise<void> {
    for (;;) {
      const wait = this.limiter.waitMs(this.runtime.now());
      if (wait <= 0) break;
      if (wait > this.policy.maxRetryAfterMs) {
        throw new Error(`DingTalk robot limit of ${DINGTALK_MESSAGES_PER_MINUTE} messages a minute reached; the next slot is ${Math.ceil(wait / 1000)} s away`);
      }
      await this.runtime.sleep(wait);
    }
    this.limiter.record(this.runtime.now());
  }

  protected request(body: string): PreparedPost {
    const url = new URL(this.#url);
    if (this.#secret) {
      const timestamp = String(this.runtime.now());
      url.searchParams.set('timestamp', timestamp);
      // URLSearchParams form-encodes the base64 (+ / =), which is the urlencode DingTalk asks for.
      url.searchParams.set('sign', dingTalkSignature(this.#secret, timestamp));
    }
    return { url: url.toString(), headers: jsonHeaders(), body };
  }

  protected classify(response: HttpResponse): AttemptOutcome {
    if (response.status !== 200) return classifyHttpResponse(response, this.runtime.now());
    const answer = parseJsonBody(response.body);
    const errcode = answer?.errcode;
    if (typeof errcode !== 'number') return { ok: false, retryable: false, error: `unexpected DingTalk answer: ${oneLine(response.body, 120)}` };
    if (errcode === 0) return { ok: true };
    const error = `DingTalk errcode ${errcode}: ${oneLine(String(answer?.errmsg ?? ''), 160)}`;
    if (errcode === DINGTALK_THROTTLED) return { ok: false, retryable: true, error, retryAfterMs: DINGTALK_THROTTLE_WINDOW_MS };
    return { ok: false, retryable: errcode === DINGTALK_BUSY, error };
  }
}
