/**
 * A loopback fake of Alibaba Cloud POP RPC for the real @alicloud/pop-core client to talk to
 * (`endpoint` = the fake's URL, `method: 'POST'`). It serves one normalized estate
 * (`AlibabaInventoryData`) in the products' JSON shapes, on one port for every product; requests are
 * routed by `Version` + `Action`:
 * CloudAPI 2016-07-14 (`apigateway:*`), ECS 2014-05-26, VPC 2016-04-28, SLB 2014-05-15, STS 2015-04-01,
 * ActionTrail 2020-07-06 (`actiontrail:LookupEvents` over `actionTrailEvents`).
 *
 * Every routed request must carry a valid signature v1 (HMAC-SHA1 over `METHOD&%2F&` + the
 * percent-encoded sorted parameters, key = secret + "&") from the configured key pair, the
 * configured STS token when there is one, a Timestamp within 15 minutes and a fresh SignatureNonce.
 * Parameters are read from the form body (POST) and the query string (GET) alike.
 *
 * Order of checks: Action/Version routing (unknown ones are answered without looking at the
 * signature), signature and token, nonce, the product's token bucket, the first matching fault with
 * uses left, then the operation. `calls` and `requests` count every request, failed ones included;
 * `requests[].params` and `FakeAliFault.match` see the operation's own parameters (`RegionId`,
 * `SecurityGroupId`, `LoadBalancerId.1`, …) without the common signing parameters.
 */

import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { listenOnLoopback, readBody, sendOutcome } from '../http-reply';
import { setTimeout as sleep } from 'node:timers/promises';

import type { AlibabaInventoryData } from '../../../lib/inventory/model';
import { actionTrailOperations } from './actiontrail';
import { cloudApiOperations } from './cloudapi';
import { ecsOperations } from './ecs';
import { AliEstateView } from './estate-view';
import {
  type AliProduct,
  AliServiceError,
  COMMON_PARAMS,
  type OperationSpec,
  type Params,
  type ProductSpec,
  type WireReply,
  aliErrors,
  renderError,
  renderSuccess,
  signatureOf,
  signaturesEqual,
  stringToSign,
} from './protocol';
import { slbOperations } from './slb';
import { stsOperations } from './sts';
import { vpcOperations } from './vpc';

export type { AliProduct } from './protocol';

export interface FakeAliFault {
  /** `<product>:<Action>` as in lib/inventory/alibaba-operations.ts (`apigateway:DescribeInstances`, `ecs:DescribeSecurityGroupAttribute`, `slb:DescribeLoadBalancerListeners`, …). */
  operation: string;
  /**
   * throttle: Throttling.User (400); forbidden: Forbidden.RAM (403); server-error: ServiceUnavailable (503);
   * malformed: HTTP 200 with a truncated (non-JSON) body; missing-fields: HTTP 200 JSON without the
   * response's list member (`Instances`, `Permissions`, …); reset: the socket is destroyed;
   * timeout: the request is never answered.
   */
  kind: 'throttle' | 'forbidden' | 'server-error' | 'malformed' | 'missing-fields' | 'reset' | 'timeout';
  /** How many matching requests fail before it stops (default: every one). */
  times?: number;
  /** Only requests whose parameters satisfy this fail (e.g. one SecurityGroupId). */
  match?: (params: Record<string, string>) => boolean;
}

export interface FakeAliOptions {
  latencyMs?: number;
  faults?: FakeAliFault[];
  /** The key pair (and STS token) requests must be signed with; DEFAULT_FAKE_ALI_CREDENTIALS when absent. */
  credentials?: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  /** Server-side token bucket per product (account-wide), answering Throttling.User when empty. */
  throttle?: Partial<Record<AliProduct, { ratePerSecond: number; burst: number }>>;
  /** ActionTrail records LookupEvents serves (see ./actiontrail.ts); `FakeAli.actionTrailEvents` can be changed later. */
  actionTrailEvents?: Array<Record<string, unknown>>;
}

export interface FakeAli {
  url: string; // http://127.0.0.1:<port>
  calls: Record<string, number>; // per operation, counting every request incl. failed ones
  throttled: number; // requests answered with Throttling.User
  requests: Array<{ operation: string; params: Record<string, string> }>;
  /** The records ActionTrail LookupEvents serves; push to add events. */
  actionTrailEvents: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_ALI_CREDENTIALS = { accessKeyId: 'LTAIfaketest', accessKeySecret: 'fake-secret-0000' } as const;

/** The `apiVersion` to give pop-core for each product. */
export const ALI_API_VERSIONS: Record<AliProduct, string> = {
  apigateway: '2016-07-14',
  ecs: '2014-05-26',
  vpc: '2016-04-28',
  slb: '2014-05-15',
  sts: '2015-04-01',
  actiontrail: '2020-07-06',
  /** Served by startFakeAlibabaFleet only (./fleet.ts). */
  resourcemanager: '2020-03-31',
};

const PRODUCTS: ProductSpec[] = [
  { product: 'apigateway', popCode: 'CloudAPI', version: ALI_API_VERSIONS.apigateway, host: (r) => `apigateway.${r}.aliyuncs.com`, operations: cloudApiOperations },
  { product: 'ecs', popCode: 'Ecs', version: ALI_API_VERSIONS.ecs, host: (r) => `ecs.${r}.aliyuncs.com`, operations: ecsOperations },
  { product: 'vpc', popCode: 'Vpc', version: ALI_API_VERSIONS.vpc, host: (r) => `vpc.${r}.aliyuncs.com`, operations: vpcOperations },
  { product: 'slb', popCode: 'Slb', version: ALI_API_VERSIONS.slb, host: (r) => `slb.${r}.aliyuncs.com`, operations: slbOperations },
  { product: 'sts', popCode: 'Sts', version: ALI_API_VERSIONS.sts, host: () => 'sts.aliyuncs.com', operations: stsOperations },
];
const PRODUCTS_BY_VERSION = new Map(PRODUCTS.map((p) => [p.version, p]));

/** The signing window POP enforces on `Timestamp`. */
const TIMESTAMP_SKEW_MS = 15 * 60 * 1000;
const TIMESTAMP_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

interface Routed {
  operation: string;
  action: string;
  product?: ProductSpec;
  /** Every parameter of the request, for the signature. */
  params: Params;
  /** The operation's own parameters. */
  input: Params;
  spec?: OperationSpec;
  /** Set when the request cannot be routed; such requests are answered without checking the signature. */
  error?: AliServiceError;
}

function route(params: Params, extra: ReadonlyMap<string, ProductSpec>): Routed {
  const action = params['Action'] ?? '';
  const version = params['Version'] ?? '';
  const input = Object.fromEntries(Object.entries(params).filter(([k]) => !COMMON_PARAMS.has(k)));
  const unrouted = (operation: string, error: AliServiceError, product?: ProductSpec): Routed => ({
    operation,
    action,
    params,
    input,
    error,
    ...(product ? { product } : {}),
  });
  if (!action) return unrouted('unknown:', aliErrors.missingParameter('Action'));
  if (!version) return unrouted(`unknown:${action}`, aliErrors.missingParameter('Version'));
  const product = PRODUCTS_BY_VERSION.get(version) ?? extra.get(version);
  if (!product) return unrouted(`unknown:${action}`, aliErrors.invalidVersion());
  const operation = `${product.product}:${action}`;
  const spec = product.operations[action];
  if (!spec) return unrouted(operation, aliErrors.unknownAction(), product);
  return { operation, action, product, params, input, spec };
}

class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/**
 * POP's authentication of one request: common parameters present and well formed, known key,
 * matching signature, matching STS token, fresh nonce (remembered only once the rest passed).
 */
function authenticate(method: string, params: Params, credentials: Credentials, nonces: Set<string>): void {
  for (const name of ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp']) {
    if (!params[name]) throw aliErrors.missingParameter(name);
  }
  if (params['SignatureMethod'] !== 'HMAC-SHA1') {
    throw new AliServiceError('InvalidSignatureMethod', `Specified signature method ${params['SignatureMethod']} is not supported.`, 400);
  }
  if (params['SignatureVersion'] !== '1.0') {
    throw new AliServiceError('InvalidSignatureVersion', `Specified signature version ${params['SignatureVersion']} is not valid.`, 400);
  }
  const timestamp = params['Timestamp']!;
  if (!TIMESTAMP_FORMAT.test(timestamp)) throw new AliServiceError('InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.', 400);
  if (Math.abs(Date.now() - Date.parse(timestamp)) > TIMESTAMP_SKEW_MS) {
    throw new AliServiceError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.', 400);
  }
  if (params['AccessKeyId'] !== credentials.accessKeyId) throw new AliServiceError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404);
  const toSign = stringToSign(method, params);
  if (!signaturesEqual(params['Signature']!, signatureOf(toSign, credentials.accessKeySecret))) {
    throw new AliServiceError('SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${toSign}`, 400);
  }
  const token = params['SecurityToken'];
  if (credentials.securityToken !== undefined && !token) throw new AliServiceError('MissingSecurityToken', 'SecurityToken is mandatory for this action.', 400);
  if (token !== undefined && token !== credentials.securityToken) {
    throw new AliServiceError('InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.', 400);
  }
  const nonce = params['SignatureNonce']!;
  if (nonces.has(nonce)) throw new AliServiceError('SignatureNonceUsed', 'Specified signature nonce was used already.', 400);
  nonces.add(nonce);
}

/** Cuts a JSON body in half: no proper prefix of a JSON object is itself valid JSON. */
function truncated(reply: WireReply): WireReply {
  return { status: 200, headers: reply.headers, body: reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) };
}

/** Query string and form body together (pop-core puts everything in the body for POST, in the query for GET). */
function requestParams(req: IncomingMessage, body: string): Params {
  const params: Params = {};
  const url = new URL(req.url ?? '/', 'http://fake');
  for (const [k, v] of url.searchParams) params[k] = v;
  for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  return params;
}

function requestId(): string {
  return randomUUID().toUpperCase();
}

export async function startFakeAlibaba(estate: AlibabaInventoryData, options: FakeAliOptions = {}): Promise<FakeAli> {
  const view = new AliEstateView(estate);
  const credentials: Credentials = options.credentials ?? { ...DEFAULT_FAKE_ALI_CREDENTIALS };
  const faults = (options.faults ?? []).map((fault) => ({ fault, remaining: fault.times ?? Infinity }));
  const buckets = new Map<AliProduct, TokenBucket>();
  for (const [product, spec] of Object.entries(options.throttle ?? {}) as Array<[AliProduct, { ratePerSecond: number; burst: number } | undefined]>) {
    if (spec) buckets.set(product, new TokenBucket(spec.ratePerSecond, spec.burst));
  }
  const nonces = new Set<string>();
  const perServer = new Map<string, ProductSpec>([
    [
      ALI_API_VERSIONS.actiontrail,
      {
        product: 'actiontrail',
        popCode: 'Actiontrail',
        version: ALI_API_VERSIONS.actiontrail,
        host: (r) => `actiontrail.${r}.aliyuncs.com`,
        operations: actionTrailOperations(() => fake.actionTrailEvents),
      },
    ],
  ]);
  const held = new Set<ServerResponse>();

  const fake: FakeAli = {
    url: '',
    calls: {},
    throttled: 0,
    requests: [],
    actionTrailEvents: [...(options.actionTrailEvents ?? [])],
    close: async () => {
      for (const res of held) res.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  /** The answer to one routed request, or the socket-level behaviour a fault asks for. */
  function answer(routed: Routed, method: string): WireReply | 'reset' | 'timeout' {
    const id = requestId();
    const product = routed.product;
    const fail = (error: AliServiceError): WireReply =>
      renderError(error, id, product ? product.host(view.region) : 'aliyuncs.com', product?.popCode ?? 'Unknown');
    try {
      if (routed.error || !product || !routed.spec) return fail(routed.error ?? aliErrors.unknownAction());
      authenticate(method, routed.params, credentials, nonces);
      const bucket = buckets.get(product.product);
      if (bucket && !bucket.take()) {
        fake.throttled++;
        return fail(aliErrors.throttled());
      }
      const active = faults.find((f) => f.remaining > 0 && f.fault.operation === routed.operation && (f.fault.match?.(routed.input) ?? true));
      if (active) active.remaining--;
      const kind = active?.fault.kind;
      if (kind === 'reset' || kind === 'timeout') return kind;
      if (kind === 'throttle') {
        fake.throttled++;
        return fail(aliErrors.throttled());
      }
      if (kind === 'forbidden') return fail(aliErrors.forbidden(routed.operation));
      if (kind === 'server-error') return fail(aliErrors.serviceUnavailable());
      const body = routed.spec.handle(routed.input, { view, operation: routed.operation, assumedRole: credentials.securityToken !== undefined });
      if (kind === 'missing-fields') delete body[routed.spec.listKey];
      const reply = renderSuccess(body, id);
      return kind === 'malformed' ? truncated(reply) : reply;
    } catch (e) {
      if (e instanceof AliServiceError) return fail(e);
      // A bug in the fake itself: answer as the service's internal error, with the cause.
      return fail(aliErrors.internalError(`fake-alibaba: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const routed = route(requestParams(req, body), perServer);
      fake.calls[routed.operation] = (fake.calls[routed.operation] ?? 0) + 1;
      fake.requests.push({ operation: routed.operation, params: routed.input });
      const outcome = answer(routed, req.method ?? 'GET');
      if (options.latencyMs) await sleep(options.latencyMs);
      sendOutcome(req, res, outcome, held);
    })().catch(() => res.destroy());
  });

  fake.url = await listenOnLoopback(server);
  return fake;
}
