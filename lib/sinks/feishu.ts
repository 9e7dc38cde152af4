/**
 * Feishu / Lark custom bot (`https://open.feishu.cn/open-apis/bot/v2/hook/…`), interactive card.
 * Signing: `timestamp` = epoch seconds (within an hour), `sign` = base64(HMAC-SHA256(key =
 * timestamp + "\n" + secret, message = "")), both in the JSON body. The answer's `code` decides
 * (older bots: `StatusCode`): 0 ok; 11232 throttled (100 a minute, 5 a second per bot) → retry
 * with backoff; 19021 signature or timestamp rejected → final. Bodies stay under 20 KB.
 */
import { createHmac } from 'node:crypto';
import type { Notification } from '../state/types';
import type { Severity } from '../rules/types';
import type { SinkScan } from './base';
import { buildDigest, eventLabel, fitDigest, omittedLine, severityLine, shorten, type Digest, type DigestCaps } from './digest';
import { classifyHttpResponse, utf8Bytes, type AttemptOutcome, type HttpResponse } from './http';
import { HttpPostSink, jsonHeaders, parseJsonBody, type PostSinkOptions, type PreparedPost } from './post-sink';
import { oneLine, Redactor } from './redact';

/** 20 KB with room for `timestamp` and `sign`. */
export const FEISHU_MAX_BODY_BYTES = 20_000;
export const FEISHU_THROTTLED = 11232;
export const FEISHU_SIGN_FAILED = 19021;

export interface FeishuSinkOptions extends PostSinkOptions {
  url: string;
  secret?: string;
  maxFindings?: number;
  maxResolved?: number;
}

/** base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")): the key is the string, the message is empty. */
export function feishuSignature(secret: string, timestampSeconds: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('', 'utf8').digest('base64');
}

export interface FeishuCard {
  config: { wide_screen_mode: boolean };
  header: { title: { tag: 'plain_text'; content: string }; template: string };
  elements: Array<Record<string, unknown>>;
}

const TEMPLATE: Record<Severity, string> = { critical: 'red', high: 'orange', medium: 'yellow', low: 'blue', info: 'grey' };

function markdownDiv(content: string): Record<string, unknown> {
  return { tag: 'div', text: { tag: 'lark_md', content } };
}

function findingDiv(n: Notification): Record<string, unknown> {
  const f = n.finding;
  return markdownDiv(
    [
      `**${f.severity.toUpperCase()}** ${f.ruleId} (${eventLabel(n)}): ${shorten(f.title, 300)}`,
      `Resource: ${shorten(f.resource.id, 300)} ${f.resource.type} · ${f.account}/${f.region}`,
      shorten(f.message, 500),
      `**Fix:** ${shorten(f.remediation, 500)}`,
    ].join('\n'),
  );
}

export function renderFeishuCard(digest: Digest, caps: DigestCaps = { maxActive: 20, maxResolved: 50 }): FeishuCard {
  const render = (active: Notification[], resolved: Notification[], omitted: number): FeishuCard => {
    const elements: Array<Record<string, unknown>> = [
      markdownDiv(`**New and open by severity:** ${severityLine(digest)}\nScan ${digest.scanId} started ${digest.startedAt} · ${digest.targets}`),
    ];
    for (const n of active) elements.push({ tag: 'hr' }, findingDiv(n));
    if (resolved.length > 0) {
      elements.push(
        { tag: 'hr' },
        markdownDiv([`**Resolved (${digest.resolved.length})**`, ...resolved.map((n) => `- ${n.finding.ruleId} ${shorten(n.finding.title, 200)} (${shorten(n.finding.resource.id, 200)})`)].join('\n')),
      );
    }
    if (omitted > 0) elements.push({ tag: 'note', elements: [{ tag: 'plain_text', content: omittedLine(omitted, digest.scanId) }] });
    return {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: shorten(digest.title, 200) }, template: digest.highestActiveSeverity ? TEMPLATE[digest.highestActiveSeverity] : 'green' },
      elements,
    };
  };
  // The signature fields add under 100 bytes; the budget already leaves room for them.
  return fitDigest(digest, caps, render, (card) => utf8Bytes(JSON.stringify({ msg_type: 'interactive', card })) <= FEISHU_MAX_BODY_BYTES - 200);
}

export class FeishuSink extends HttpPostSink<FeishuCard> {
  readonly #url: string;
  readonly #secret: string | undefined;
  private readonly caps: DigestCaps;

  constructor(options: FeishuSinkOptions) {
    super('feishu', options, new Redactor().add(options.url, options.secret));
    this.#url = options.url;
    this.#secret = options.secret;
    this.caps = { maxActive: options.maxFindings ?? 20, maxResolved: options.maxResolved ?? 50 };
  }

  protected payload(eligible: Notification[], scan: SinkScan): FeishuCard {
    return renderFeishuCard(buildDigest(eligible, scan), this.caps);
  }

  protected request(card: FeishuCard): PreparedPost {
    const signing = this.#secret
      ? (() => {
          const timestamp = String(Math.floor(this.runtime.now() / 1000));
          return { timestamp, sign: feishuSignature(this.#secret, timestamp) };
        })()
      : {};
    return { url: this.#url, headers: jsonHeaders(), body: JSON.stringify({ ...signing, msg_type: 'interactive', card }) };
  }

  protected classify(response: HttpResponse): AttemptOutcome {
    const answer = parseJsonBody(response.body);
    const code = typeof answer?.code === 'number' ? answer.code : typeof answer?.StatusCode === 'number' ? answer.StatusCode : undefined;
    if (code === undefined || response.status === 429 || response.status >= 500) {
      const http = classifyHttpResponse(response, this.runtime.now());
      if (http.ok && code === undefined) return { ok: false, retryable: false, error: `unexpected Feishu answer: ${oneLine(response.body, 120)}` };
      return http;
    }
    if (code === 0) return { ok: true };
    const error = `Feishu code ${code}: ${oneLine(String(answer?.msg ?? answer?.StatusMessage ?? ''), 160)}`;
    return { ok: false, retryable: code === FEISHU_THROTTLED, error };
  }
}
