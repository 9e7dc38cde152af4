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
 *
 * It is the fleet's request pipeline (./engine.ts) with a fleet of one: the configured key pair
 * belongs to the estate's account, and every request is served from the estate, in its region,
 * whatever `RegionId` it names.
 */

import type { AlibabaInventoryData } from '../../../lib/inventory/model';
import { actionTrailProduct } from './actiontrail';
import { ALI_API_VERSIONS, BASE_PRODUCTS, type FakeAliFault, baseKey, startAliEngine } from './engine';
import { AliEstateView } from './estate-view';
import type { AliProduct } from './protocol';

export type { AliProduct } from './protocol';
export { ALI_API_VERSIONS, DEFAULT_FAKE_ALI_CREDENTIALS, type FakeAliFault } from './engine';

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

export async function startFakeAlibaba(estate: AlibabaInventoryData, options: FakeAliOptions = {}): Promise<FakeAli> {
  const view = new AliEstateView(estate);
  /** The configured key pair belongs to the estate's account. */
  const key = baseKey(options.credentials, view.account);
  const products = [...BASE_PRODUCTS, actionTrailProduct(ALI_API_VERSIONS.actiontrail, () => fake.actionTrailEvents)];

  const fake: FakeAli = {
    url: '',
    calls: {},
    throttled: 0,
    requests: [],
    actionTrailEvents: [...(options.actionTrailEvents ?? [])],
    close: () => engine.close(),
  };
  const engine = await startAliEngine({
    products: new Map(products.map((p) => [p.version, p])),
    keyOf: (id) => (id === key.accessKeyId ? key : undefined),
    regionOf: () => view.region,
    viewOf: () => view,
    ...(options.throttle ? { throttle: options.throttle } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    onRequest({ operation, params }) {
      fake.calls[operation] = (fake.calls[operation] ?? 0) + 1;
      fake.requests.push({ operation, params });
    },
    onThrottled() {
      fake.throttled++;
    },
  });
  fake.url = engine.url;
  return fake;
}
