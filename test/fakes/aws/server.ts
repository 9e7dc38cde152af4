/**
 * A loopback fake of the AWS APIs the collectors read, for the real SDK v3 clients to talk to over
 * HTTP. It serves normalized estates (`AwsInventoryData`) in the services' wire shapes, on one
 * port for every protocol:
 * - Query (POST form, `Action` + `Version`): EC2 2016-11-15, ELBv2 2015-12-01, STS 2011-06-15;
 * - restJson1: API Gateway v2 (`/v2/...`) and v1 (`/restapis`, `/vpclinks`);
 * - awsJson1.1 (`X-Amz-Target`): Cloud Map (`Route53AutoNaming_v20170314.*`) and Organizations
 *   (`AWSOrganizationsV20161128.*`).
 * Every request must carry a SigV4 Authorization header scoped to the right service and region.
 * Faults, latency and per-family token buckets let tests exercise the collectors' error paths.
 *
 * `startFakeAws` serves one estate (one account, one Region) to any access key; `startFakeAwsFleet`
 * (fleet.ts) serves many accounts × Regions, with STS AssumeRole and Organizations ListAccounts.
 *
 * The estate is copied at start. Request parameters (in `requests` and for `FakeFault.match`) are
 * named as the SDK input members: `ApiId`, `restApiId`, `TargetGroupArn`, `Filters[].Values`,
 * `GroupIds`, `ServiceId`, … Order of checks per request: signature, family token bucket, the
 * first matching fault with uses left, then the operation itself (engine.ts).
 */

import { type AwsInventoryData, emptyAwsInventory } from '../../../lib/inventory/model';
import { type FakeFault, startEngine } from './engine';
import { EstateView } from './estate-view';
import { IdentityPlane } from './identity';
import type { AwsApiFamily } from './protocol';

export type { AwsApiFamily } from './protocol';
export type { FakeFault, FleetFault, RecordedRequest, ThrottleSpec } from './engine';
export { startFakeAwsFleet, type FakeAwsFleet, type FakeAwsFleetOptions, type FakeOrganization, type OrganizationAccountState, DEFAULT_MEMBER_ROLE } from './fleet';

export interface FakeAwsOptions {
  latencyMs?: number;
  faults?: FakeFault[];
  /** Server-side token bucket per family (account-wide), answering with that family's throttling error when empty. */
  throttle?: Partial<Record<AwsApiFamily, { ratePerSecond: number; burst: number }>>;
}

export interface FakeAws {
  url: string; // http://127.0.0.1:<port>
  calls: Record<string, number>; // per operation, counting every request incl. failed ones
  throttled: number; // requests answered with a throttling error
  requests: Array<{ operation: string; params: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * One estate: every access key is its account (AssumeRole works, into the estate's own account),
 * and a request signed for another Region is refused as a bad credential scope.
 */
export async function startFakeAws(estate: AwsInventoryData, options: FakeAwsOptions = {}): Promise<FakeAws> {
  const view = new EstateView(estate);
  const identity = new IdentityPlane({ callerAccount: view.account, knownAccounts: [], rejectUnknownTemporaryKeys: false });
  /** Only Organizations (global, signed for us-east-1) reaches another Region: nothing deployed there. */
  const others = new Map<string, EstateView>();
  const requests: FakeAws['requests'] = [];
  const engine = await startEngine({
    identity,
    viewFor(account, region) {
      if (region === view.region) return view;
      let other = others.get(region);
      if (!other) others.set(region, (other = new EstateView(emptyAwsInventory(account, region, view.data.collectedAt))));
      return other;
    },
    acceptsRegion: (region) => region === view.region,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.throttle ? { throttle: options.throttle } : {}),
    onRequest: ({ operation, params }) => void requests.push({ operation, params }),
  });
  const { stats } = engine;
  return {
    url: engine.url,
    calls: stats.calls,
    get throttled() {
      return stats.throttled;
    },
    set throttled(value: number) {
      stats.throttled = value;
    },
    requests,
    close: engine.close,
  };
}
