/**
 * One place where POP requests are made: per-product pop-core clients, pacing, retries, call
 * counting and the conversion of every failure into a redacted AlibabaApiError.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { CallCounter } from '../coverage';
import type { AlibabaCredentialsProvider } from './credentials';
import { ALIBABA_PRODUCTS, API_VERSIONS, type AlibabaProduct } from './endpoints';
import { MalformedResponseError, toAlibabaApiError } from './errors';
import { errorCode } from '../errors';
import { isThrottlingCode } from '../rate-limiter';
import type { AlibabaRateLimiters } from './limits';
import { createPopClient, type PopClientFactory, type PopRpcClient } from './pop-client';
import { withRetry, type RetryPolicy } from './retry';

export type PopParams = Record<string, string | number | boolean | string[] | undefined>;

export type PopAnswer = Record<string, unknown>;

export interface TransportSettings {
  region: string;
  endpoints: Readonly<Record<AlibabaProduct, string>>;
  credentials: AlibabaCredentialsProvider;
  timeoutMs: number;
  retry: RetryPolicy;
  limiters: AlibabaRateLimiters;
  counter: CallCounter;
  createClient?: PopClientFactory;
}

/** Regional products need RegionId on every request; STS is global. */
const REGIONAL: ReadonlySet<AlibabaProduct> = new Set(['apigateway', 'ecs', 'vpc', 'slb']);

export class PopTransport {
  private readonly clients = new Map<AlibabaProduct, PopRpcClient>();
  /** Keep-alive agents owned here so they can be closed when the collection ends. */
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  constructor(private readonly settings: TransportSettings) {
    const create = settings.createClient ?? createPopClient;
    for (const product of ALIBABA_PRODUCTS) {
      this.clients.set(product, create({ endpoint: settings.endpoints[product], apiVersion: API_VERSIONS[product], credentialsProvider: settings.credentials }));
    }
  }

  /**
   * One logical request (retries included), counted once under `operation`. Resolves with the
   * answer object; rejects with an AlibabaApiError or AlibabaCredentialsError.
   */
  async call(operation: string, product: AlibabaProduct, action: string, params: PopParams = {}): Promise<PopAnswer> {
    const client = this.clients.get(product)!;
    const limiter = this.settings.limiters[product];
    const body: Record<string, unknown> = REGIONAL.has(product) ? { RegionId: this.settings.region } : {};
    for (const [key, value] of Object.entries(params)) if (value !== undefined) body[key] = value;
    const agent = this.settings.endpoints[product].startsWith('https:') ? this.agents.https : this.agents.http;
    let attempts = 0;
    try {
      const answer = await withRetry(
        this.settings.retry,
        async () => {
          // Each attempt waits for its own token; the backoff sleep happens without a slot held.
          const release = await limiter.acquire();
          try {
            const answer = await client.request(action, body, { method: 'POST', timeout: this.settings.timeoutMs, agent });
            limiter.succeeded();
            return answer;
          } catch (error) {
            const failure = toAlibabaApiError(error);
            // Throttling.User / Throttling.Api: the account's quota is lower than the pace, so slow down.
            if (isThrottlingCode(errorCode(failure))) limiter.throttled();
            throw failure;
          } finally {
            release();
          }
        },
        () => attempts++,
      );
      if (!answer || typeof answer !== 'object' || Array.isArray(answer)) throw new MalformedResponseError('the answer is not a JSON object');
      return answer as PopAnswer;
    } finally {
      this.settings.counter.record(operation, attempts);
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
