/**
 * Microsoft Teams through a Workflows (Power Automate) webhook, "When a Teams webhook request is
 * received": the body is a `message` whose first attachment is an Adaptive Card
 * (`contentType: application/vnd.microsoft.card.adaptive`). Workflows accept Adaptive Cards only
 * (no legacy MessageCard); Teams messages are limited to 28 KB; the trigger answers 202 Accepted.
 */
import type { Notification } from '../state/types';
import { SEVERITIES, type Severity } from '../rules/types';
import type { SinkScan } from './base';
import { buildDigest, eventLabel, fitDigest, omittedLine, shorten, type Digest, type DigestCaps } from './digest';
import { classifyHttpResponse, utf8Bytes, type AttemptOutcome, type HttpResponse } from './http';
import { HttpPostSink, jsonHeaders, type PostSinkOptions, type PreparedPost } from './post-sink';
import { Redactor } from './redact';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** Teams' 28 KB message limit, with room for the envelope. */
export const TEAMS_MAX_BODY_BYTES = 27_000;

export interface TeamsSinkOptions extends PostSinkOptions {
  url: string;
  maxFindings?: number;
  maxResolved?: number;
}

type Element = Record<string, unknown>;

export interface TeamsMessage {
  type: 'message';
  attachments: Array<{ contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: Record<string, unknown> }>;
}

const SEVERITY_COLOR: Record<Severity, string> = { critical: 'Attention', high: 'Attention', medium: 'Warning', low: 'Accent', info: 'Default' };

function textBlock(text: string, extra: Record<string, unknown> = {}): Element {
  return { type: 'TextBlock', text, wrap: true, ...extra };
}

function findingContainer(n: Notification): Element {
  const f = n.finding;
  return {
    type: 'Container',
    separator: true,
    items: [
      textBlock(`**${f.severity.toUpperCase()}** ${f.ruleId} (${eventLabel(n)}): ${shorten(f.title, 300)}`, { color: SEVERITY_COLOR[f.severity], weight: 'Bolder' }),
      textBlock(`Resource: ${shorten(f.resource.id, 300)} (${f.resource.type}) · ${f.account}/${f.region}`, { isSubtle: true, spacing: 'None' }),
      textBlock(shorten(f.message, 700), { spacing: 'Small' }),
      textBlock(`**Fix:** ${shorten(f.remediation, 700)}`, { spacing: 'Small' }),
    ],
  };
}

export function renderTeamsMessage(digest: Digest, caps: DigestCaps = { maxActive: 20, maxResolved: 50 }): TeamsMessage {
  const render = (active: Notification[], resolved: Notification[], omitted: number): TeamsMessage => {
    const body: Element[] = [
      textBlock(shorten(digest.title, 200), { size: 'Large', weight: 'Bolder' }),
      textBlock(`Scan ${digest.scanId} started ${digest.startedAt} · ${digest.targets}`, { isSubtle: true, spacing: 'None' }),
      { type: 'FactSet', facts: SEVERITIES.map((s) => ({ title: `New and open ${s}`, value: String(digest.severityCounts[s]) })) },
      ...active.map(findingContainer),
    ];
    if (resolved.length > 0) {
      body.push({
        type: 'Container',
        separator: true,
        items: [
          textBlock(`Resolved (${digest.resolved.length})`, { weight: 'Bolder', color: 'Good' }),
          ...resolved.map((n) => textBlock(`- ${n.finding.ruleId} ${shorten(n.finding.title, 200)} (${shorten(n.finding.resource.id, 200)})`, { spacing: 'None' })),
        ],
      });
    }
    if (omitted > 0) body.push(textBlock(omittedLine(omitted, digest.scanId), { isSubtle: true, separator: true }));
    return {
      type: 'message',
      attachments: [
        {
          contentType: ADAPTIVE_CARD_CONTENT_TYPE,
          contentUrl: null,
          content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' }, body },
        },
      ],
    };
  };
  return fitDigest(digest, caps, render, (m) => utf8Bytes(JSON.stringify(m)) <= TEAMS_MAX_BODY_BYTES);
}

export class TeamsSink extends HttpPostSink<string> {
  readonly #url: string;
  private readonly caps: DigestCaps;

  constructor(options: TeamsSinkOptions) {
    super('teams', options, new Redactor().add(options.url));
    this.#url = options.url;
    this.caps = { maxActive: options.maxFindings ?? 20, maxResolved: options.maxResolved ?? 50 };
  }

  protected payload(eligible: Notification[], scan: SinkScan): string {
    return JSON.stringify(renderTeamsMessage(buildDigest(eligible, scan), this.caps));
  }

  protected request(body: string): PreparedPost {
    return { url: this.#url, headers: jsonHeaders(), body };
  }

  protected classify(response: HttpResponse): AttemptOutcome {
    return classifyHttpResponse(response, this.runtime.now());
  }
}
