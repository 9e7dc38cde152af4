/**
 * Slack incoming webhook with Block Kit. Limits respected: at most 50 blocks, header text at most
 * 150 characters (plain_text), section text at most 3000; `text` is the notification fallback.
 * Slack answers `ok` (200); 429 carries `Retry-After`; other 4xx name the problem in the body
 * (`invalid_blocks`, `channel_not_found`, …) and are final.
 */
import type { Notification } from '../state/types';
import type { Severity } from '../rules/types';
import type { SinkScan } from './base';
import { buildDigest, clip, eventLabel, fitDigest, omittedLine, severityLine, shorten, type Digest, type DigestCaps } from './digest';
import { classifyHttpResponse, utf8Bytes, type AttemptOutcome, type HttpResponse } from './http';
import { HttpPostSink, jsonHeaders, type PostSinkOptions, type PreparedPost } from './post-sink';
import { Redactor } from './redact';

export const SLACK_MAX_BLOCKS = 50;
export const SLACK_MAX_HEADER_CHARS = 150;
export const SLACK_MAX_SECTION_CHARS = 3000;
/** Keeps the whole request comfortably small; Slack documents no exact payload ceiling for webhooks. */
const SLACK_BODY_BUDGET_BYTES = 60_000;

export interface SlackSinkOptions extends PostSinkOptions {
  url: string;
  /** New/open findings listed one by one at most (the rest are counted). Default 20. */
  maxFindings?: number;
  /** Resolved findings listed at most. Default 50. */
  maxResolved?: number;
}

type Block = Record<string, unknown>;

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

/** Slack mrkdwn needs only these three escaped. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_MAX_SECTION_CHARS) } };
}

function findingSection(n: Notification): Block {
  const f = n.finding;
  const lines = [
    `${SEVERITY_EMOJI[f.severity]} *${f.severity.toUpperCase()}* \`${escapeMrkdwn(f.ruleId)}\` (${eventLabel(n)}): ${escapeMrkdwn(shorten(f.title, 300))}`,
    `Resource: \`${escapeMrkdwn(shorten(f.resource.id, 300))}\` ${escapeMrkdwn(f.resource.type)} · ${escapeMrkdwn(f.account)}/${escapeMrkdwn(f.region)}`,
    escapeMrkdwn(shorten(f.message, 700)),
    `*Fix:* ${escapeMrkdwn(shorten(f.remediation, 700))}`,
  ];
  // Each line is bounded, so the section stays under 3000 characters without cutting the fix off.
  return section(lines.join('\n'));
}

/** Resolved findings as bullet lines, packed into as few sections as the 3000-character limit allows. */
function resolvedSections(resolved: Notification[]): Block[] {
  if (resolved.length === 0) return [];
  const lines = resolved.map((n) => `• \`${escapeMrkdwn(n.finding.ruleId)}\` ${escapeMrkdwn(shorten(n.finding.title, 200))} (\`${escapeMrkdwn(shorten(n.finding.resource.id, 200))}\`)`);
  const sections: string[] = [];
  let current = `:white_check_mark: *Resolved (${resolved.length})*`;
  for (const line of lines) {
    if (current.length + 1 + line.length > SLACK_MAX_SECTION_CHARS) {
      sections.push(current);
      current = line;
    } else {
      current = `${current}\n${line}`;
    }
  }
  sections.push(current);
  return sections.map(section);
}

export function renderSlackMessage(digest: Digest, caps: DigestCaps = { maxActive: 20, maxResolved: 50 }): SlackMessage {
  const render = (active: Notification[], resolved: Notification[], omitted: number): SlackMessage => {
    const blocks: Block[] = [
      { type: 'header', text: { type: 'plain_text', text: shorten(digest.title, SLACK_MAX_HEADER_CHARS), emoji: true } },
      section(`*New and open by severity:* ${severityLine(digest)}`),
      { type: 'context', elements: [{ type: 'mrkdwn', text: shorten(`Scan \`${escapeMrkdwn(digest.scanId)}\` started ${escapeMrkdwn(digest.startedAt)} · ${escapeMrkdwn(digest.targets)}`, 3000) }] },
    ];
    if (active.length > 0) blocks.push({ type: 'divider' }, ...active.map(findingSection));
    if (resolved.length > 0) blocks.push({ type: 'divider' }, ...resolvedSections(resolved));
    if (omitted > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(omittedLine(omitted, digest.scanId)) }] });
    const text = shorten(`${digest.title}. New and open: ${severityLine(digest)}.`, SLACK_MAX_SECTION_CHARS);
    return { text, blocks };
  };
  return fitDigest(digest, caps, render, (m) => m.blocks.length <= SLACK_MAX_BLOCKS && utf8Bytes(JSON.stringify(m)) <= SLACK_BODY_BUDGET_BYTES);
}

export class SlackSink extends HttpPostSink<string> {
  readonly #url: string;
  private readonly caps: DigestCaps;

  constructor(options: SlackSinkOptions) {
    super('slack', options, new Redactor().add(options.url));
    this.#url = options.url;
    this.caps = { maxActive: options.maxFindings ?? 20, maxResolved: options.maxResolved ?? 50 };
  }

  protected payload(eligible: Notification[], scan: SinkScan): string {
    return JSON.stringify(renderSlackMessage(buildDigest(eligible, scan), this.caps));
  }

  protected request(body: string): PreparedPost {
    return { url: this.#url, headers: jsonHeaders(), body };
  }

  protected classify(response: HttpResponse): AttemptOutcome {
    return classifyHttpResponse(response, this.runtime.now());
  }
}
