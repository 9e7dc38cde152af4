/**
 * Keeps secrets (webhook URLs, signing secrets, access keys, STS tokens) out of every string a
 * sink produces: delivery reports, thrown errors, log lines.
 */

const MASK = '[REDACTED]';
/** Path segments and query values at least this long are treated as tokens (Slack/Teams hook ids, access_token). */
const TOKEN_MIN_LENGTH = 12;

export class Redactor {
  // An ES private field: not enumerable, so printing or serializing a sink never shows what it hides.
  readonly #secrets = new Set<string>();

  /** Registers values to hide. A URL also registers its path, query and long path segments / query values. */
  add(...values: Array<string | undefined | null>): this {
    for (const value of values) {
      if (typeof value !== 'string' || value.length === 0) continue;
      this.register(value);
      const url = parseUrl(value);
      if (url) {
        const pathAndQuery = `${url.pathname}${url.search}`;
        if (pathAndQuery.length > 1) this.register(pathAndQuery);
        for (const segment of url.pathname.split('/')) {
          if (segment.length >= TOKEN_MIN_LENGTH) this.register(decodeSafely(segment));
        }
        for (const [, queryValue] of url.searchParams) {
          if (queryValue.length >= TOKEN_MIN_LENGTH) this.register(queryValue);
        }
      }
    }
    return this;
  }

  /** The text with every registered secret (raw, URL-encoded or JSON-escaped) replaced by a mask. */
  redact(text: string): string {
    // Longest first, so a URL is masked whole before its own path segment would split it.
    const ordered = [...this.#secrets].sort((a, b) => b.length - a.length);
    let result = text;
    for (const secret of ordered) {
      if (result.includes(secret)) result = result.split(secret).join(MASK);
    }
    return redactUrls(result);
  }

  private register(value: string): void {
    this.#secrets.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.#secrets.add(encoded);
    const jsonEscaped = JSON.stringify(value).slice(1, -1);
    if (jsonEscaped !== value) this.#secrets.add(jsonEscaped);
  }
}

function parseUrl(value: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Defence in depth for text from foreign code: any URL keeps its origin only, since a webhook
 * URL's path or query is usually its credential.
 */
export function redactUrls(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s"'<>]+/gi, (match) => {
    const url = parseUrl(match);
    if (!url) return MASK;
    const rest = match.slice(url.origin.length);
    return rest.length > 1 ? `${url.origin}/${MASK}` : match;
  });
}

/** One line, at most `max` characters: for quoting a response body or an error message in a report. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
