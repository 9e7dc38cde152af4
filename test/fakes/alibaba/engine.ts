/**
 * The request pipeline of both Alibaba fakes (`startFakeAlibaba`: one estate whose key pair is its
 * account; `startFakeAlibabaFleet`: many accounts × regions). One HTTP port serves every product;
 * a request is routed by `Version` + `Action`, authenticated with the key pair its `AccessKeyId`
 * names, attributed to that key's account and to a region, then answered from the (account,
 * region) view. Wire behaviour: signature v1, STS token, 15-minute Timestamp window, nonce replay,
 * POP error envelopes, fault kinds.
 *
 * Order of checks: Action/Version routing (unknown ones are answered without looking at the
 * signature), signature and token (and the expiry of issued keys), nonce, region outage (regional
 * products only), the (account, region, product) token bucket, the first matching fault with uses
 * left, then the operation.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { type LoopbackFake, serveOnLoopback } from '../http-reply';
import { FaultBook, type ThrottleSpec, TokenBuckets } from '../request-limits';
import { cloudApiOperations } from './cloudapi';
import { ecsOperations } from './ecs';
import type { AliEstateView } from './estate-view';
import {
  type AliProduct,
  AliServiceError,
  COMMON_PARAMS,
  type CallerContext,
  type HandlerContext,
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

export type { ThrottleSpec } from '../request-limits';

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

/** A fault limited to one account and/or one region (the fleet's faults). */
export interface ScopedAliFault extends FakeAliFault {
  account?: string;
  region?: string;
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

/** The products served with their stock operations (ActionTrail is added by each fake; AssumeRole and ResourceManager by the fleet). */
export const BASE_PRODUCTS: readonly ProductSpec[] = [
  { product: 'apigateway', popCode: 'CloudAPI', version: ALI_API_VERSIONS.apigateway, host: (r) => `apigateway.${r}.aliyuncs.com`, operations: cloudApiOperations },
  { product: 'ecs', popCode: 'Ecs', version: ALI_API_VERSIONS.ecs, host: (r) => `ecs.${r}.aliyuncs.com`, operations: ecsOperations },
  { product: 'vpc', popCode: 'Vpc', version: ALI_API_VERSIONS.vpc, host: (r) => `vpc.${r}.aliyuncs.com`, operations: vpcOperations },
  { product: 'slb', popCode: 'Slb', version: ALI_API_VERSIONS.slb, host: (r) => `slb.${r}.aliyuncs.com`, operations: slbOperations },
  { product: 'sts', popCode: 'Sts', version: ALI_API_VERSIONS.sts, host: () => 'sts.aliyuncs.com', operations: stsOperations },
];

/** Products with regional endpoints (a region outage takes them down); STS and ResourceManager are global. */
export const REGIONAL_PRODUCTS: ReadonlySet<AliProduct> = new Set<AliProduct>(['apigateway', 'ecs', 'vpc', 'slb', 'actiontrail']);

/** The signing window POP enforces on `Timestamp`. */
const TIMESTAMP_SKEW_MS = 15 * 60 * 1000;
const TIMESTAMP_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** A key pair the fake accepts, and the account it belongs to. */
export interface AliKey {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  account: string;
  /** Keys issued by AssumeRole: the role session they stand for. */
  session?: CallerContext['session'];
  /** Epoch ms after which an issued key is refused (InvalidSecurityToken.Expired). */
  expiresAt?: number;
}

/** A configured key pair (DEFAULT_FAKE_ALI_CREDENTIALS when none is given), belonging to `account`. */
export function baseKey(credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string } | undefined, account: string): AliKey {
  const { accessKeyId, accessKeySecret, securityToken }: { accessKeyId: string; accessKeySecret: string; securityToken?: string } = credentials ?? DEFAULT_FAKE_ALI_CREDENTIALS;
  return { accessKeyId, accessKeySecret, account, ...(securityToken !== undefined ? { securityToken } : {}) };
}

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

function route(params: Params, products: ReadonlyMap<string, ProductSpec>): Routed {
  const action = params['Action'] ?? '';
  const version = params['Version'] ?? '';
  const input: Params = {};
  for (const [k, v] of Object.entries(params)) if (!COMMON_PARAMS.has(k)) input[k] = v;
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
  const product = products.get(version);
  if (!product) return unrouted(`unknown:${action}`, aliErrors.invalidVersion());
  const operation = `${product.product}:${action}`;
  const spec = Object.prototype.hasOwnProperty.call(product.operations, action) ? product.operations[action] : undefined;
  if (!spec) return unrouted(operation, aliErrors.unknownAction(), product);
  return { operation, action, product, params, input, spec };
}

/**
 * Nonces seen within the signing window. A replay older than the window fails on its Timestamp,
 * so entries past it are dropped from time to time to keep long runs bounded.
 */
class NonceCache {
  private readonly seen = new Map<string, number>();
  private sincePrune = 0;

  has(nonce: string): boolean {
    return this.seen.has(nonce);
  }

  add(nonce: string): void {
    const now = Date.now();
    this.seen.set(nonce, now);
    if (++this.sincePrune < 10_000) return;
    this.sincePrune = 0;
    const horizon = now - 2 * TIMESTAMP_SKEW_MS;
    // Insertion order is arrival order: stop at the first entry still inside the window.
    for (const [n, at] of this.seen) {
      if (at >= horizon) break;
      this.seen.delete(n);
    }
  }
}

/**
 * POP's authentication of one request: common parameters present and well formed, known key,
 * matching signature, matching STS token, unexpired issued key, fresh nonce (remembered only once
 * the rest passed).
 */
function authenticate(method: string, params: Params, key: AliKey | undefined, nonces: NonceCache): AliKey {
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
  if (!key || params['AccessKeyId'] !== key.accessKeyId) throw new AliServiceError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404);
  const toSign = stringToSign(method, params);
  if (!signaturesEqual(params['Signature']!, signatureOf(toSign, key.accessKeySecret))) {
    throw new AliServiceError('SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${toSign}`, 400);
  }
  const token = params['SecurityToken'];
  if (key.securityToken !== undefined && !token) throw new AliServiceError('MissingSecurityToken', 'SecurityToken is mandatory for this action.', 400);
  if (token !== undefined && token !== key.securityToken) {
    throw new AliServiceError('InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.', 400);
  }
  if (key.expiresAt !== undefined && Date.now() >= key.expiresAt) {
    throw new AliServiceError('InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.', 400);
  }
  const nonce = params['SignatureNonce']!;
  if (nonces.has(nonce)) throw new AliServiceError('SignatureNonceUsed', 'Specified signature nonce was used already.', 400);
  nonces.add(nonce);
  return key;
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

/** One request as the engine attributed it, before it is answered. */
export interface AttributedRequest {
  operation: string;
  /** The account of the key the request names (undefined for an unknown key). */
  account?: string;
  /** The region the request is served from. */
  region: string;
  /** The operation's own parameters (common signing parameters left out). */
  params: Params;
}

export interface EngineConfig {
  /** Products by `Version`. */
  products: ReadonlyMap<string, ProductSpec>;
  keyOf(accessKeyId: string): AliKey | undefined;
  /** The region a request is served from, given the key it names (if known) and its parameters. */
  regionOf(key: AliKey | undefined, params: Params): string;
  viewOf(account: string, region: string): AliEstateView;
  throttle?: Partial<Record<AliProduct, ThrottleSpec>>;
  faults?: readonly ScopedAliFault[];
  /** Regional products of this (account, region) answer ServiceUnavailable. */
  regionDown?(account: string, region: string): boolean;
  latencyMs?: number;
  /** Every request, failed ones included, once attributed. */
  onRequest(request: AttributedRequest): void;
  /** A request answered with Throttling.User (by a bucket or a throttle fault). */
  onThrottled(account: string): void;
}

export type EngineServer = LoopbackFake;

export async function startAliEngine(config: EngineConfig): Promise<EngineServer> {
  const faults = new FaultBook<Params, ScopedAliFault>(config.faults);
  /** Per (account, region, product), made on first use (a full bucket, as at start). */
  const buckets = new TokenBuckets<AliProduct>(config.throttle);
  const nonces = new NonceCache();

  /** The answer to one routed request, or the socket-level behaviour a fault asks for. */
  function answer(routed: Routed, method: string, key: AliKey | undefined, region: string): WireReply | 'reset' | 'timeout' {
    const id = randomUUID().toUpperCase();
    const product = routed.product;
    const fail = (error: AliServiceError): WireReply => renderError(error, id, product ? product.host(region) : 'aliyuncs.com', product?.popCode ?? 'Unknown');
    try {
      if (routed.error || !product || !routed.spec) return fail(routed.error ?? aliErrors.unknownAction());
      const caller = authenticate(method, routed.params, key, nonces);
      const account = caller.account;
      if (REGIONAL_PRODUCTS.has(product.product) && config.regionDown?.(account, region)) return fail(aliErrors.serviceUnavailable());
      if (!buckets.take(account, region, product.product)) {
        config.onThrottled(account);
        return fail(aliErrors.throttled());
      }
      const kind = faults.take(routed.operation, account, region, routed.input)?.kind;
      if (kind === 'reset' || kind === 'timeout') return kind;
      if (kind === 'throttle') {
        config.onThrottled(account);
        return fail(aliErrors.throttled());
      }
      if (kind === 'forbidden') return fail(aliErrors.forbidden(routed.operation));
      if (kind === 'server-error') return fail(aliErrors.serviceUnavailable());
      let view: AliEstateView | undefined;
      const ctx: HandlerContext = {
        // Built (and cached by viewOf) only when the operation reads the estate.
        get view() {
          view ??= config.viewOf(account, region);
          return view;
        },
        operation: routed.operation,
        assumedRole: caller.securityToken !== undefined,
        caller: { account, accessKeyId: caller.accessKeyId, ...(caller.session ? { session: caller.session } : {}) },
        region,
      };
      const body = routed.spec.handle(routed.input, ctx);
      if (kind === 'missing-fields') delete body[routed.spec.listKey];
      const reply = renderSuccess(body, id);
      return kind === 'malformed' ? truncated(reply) : reply;
    } catch (e) {
      if (e instanceof AliServiceError) return fail(e);
      // A bug in the fake itself: answer as the service's internal error, with the cause.
      return fail(aliErrors.internalError(`fake-alibaba: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    }
  }

  return serveOnLoopback((req, body) => {
    const params = requestParams(req, body);
    const routed = route(params, config.products);
    const keyId = params['AccessKeyId'];
    const key = keyId ? config.keyOf(keyId) : undefined;
    const region = config.regionOf(key, params);
    config.onRequest({ operation: routed.operation, ...(key ? { account: key.account } : {}), region, params: routed.input });
    return answer(routed, req.method ?? 'GET', key, region);
  }, config.latencyMs);
}
