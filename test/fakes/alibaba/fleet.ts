/**
 * A loopback fake of Alibaba Cloud POP RPC serving a whole fleet: many accounts × regions, each
 * (account, region) its own normalized estate, on one port for every product, for the real
 * @alicloud/pop-core client (`endpoint` = the fake's URL, `method: 'POST'`).
 *
 * Identity: the base key pair (DEFAULT_FAKE_ALI_CREDENTIALS unless `credentials` is given) belongs
 * to `callerAccount`. STS `AssumeRole` into `acs:ram::<uid>:role/<roleName>` of any account the
 * fleet has (an estate's, a resource-directory member's, the management or the caller account)
 * issues an `STS.`-prefixed key pair and SecurityToken bound to that account (./fleet-sts.ts);
 * requests signed with it must carry that token. ResourceManager `ListAccounts` lists the resource
 * directory's members (./resourcemanager.ts).
 *
 * Routing: a request is served from the estate of the signing key's account in its `RegionId`
 * (every regional request the collectors make carries one, since all products share the one
 * endpoint URL); requests without `RegionId` (STS, ResourceManager) are served from the account's
 * home region: the region of its first estate, else the first estate's region. An (account, region)
 * without an estate is an empty estate of that account and region. Views are built on first use
 * and cached, so the estates passed in must not be changed afterwards.
 *
 * Everything else (signature v1, token, 15-minute Timestamp window, nonce replay, error envelopes,
 * fault kinds) behaves as in `startFakeAlibaba`; see ./engine.ts for the order of checks.
 */

import { type AlibabaInventoryData, emptyAlibabaInventory } from '../../../lib/inventory/model';
import { actionTrailProduct } from './actiontrail';
import {
  ALI_API_VERSIONS,
  type AliKey,
  type AttributedRequest,
  BASE_PRODUCTS,
  baseKey,
  type ScopedAliFault,
  type ThrottleSpec,
  startAliEngine,
} from './engine';
import { AliEstateView } from './estate-view';
import { type FakeAssumeRoleCall, fleetStsOperations } from './fleet-sts';
import type { AliProduct, Params, ProductSpec } from './protocol';
import { type FakeResourceDirectory, resourceManagerProduct } from './resourcemanager';

export type { FakeAssumeRoleCall } from './fleet-sts';
export type { FakeResourceDirectory, ResourceDirectoryMember, ResourceDirectoryMemberStatus } from './resourcemanager';
export type { ScopedAliFault as FakeAliFleetFault } from './engine';

export const DEFAULT_FLEET_ROLE_NAME = 'ApigwAuditorRead';

export interface FakeAlibabaFleetOptions {
  /** One per (account, region); two estates for the same pair are an error. */
  estates: AlibabaInventoryData[];
  /** The account of the base key pair; default: the first estate's account. */
  callerAccount?: string;
  /** The base key pair (and STS token); default DEFAULT_FAKE_ALI_CREDENTIALS. */
  credentials?: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  /** The RAM role AssumeRole accepts in every account; default `ApigwAuditorRead`. */
  roleName?: string;
  /** Accounts whose role does not trust the caller: AssumeRole answers NoPermission (403). */
  deniedAssume?: string[];
  /** The role's maximum session duration (upper bound of DurationSeconds); default 3600. */
  maxSessionDurationSeconds?: number;
  /** Served by ResourceManager ListAccounts; absent: EntityNotExists.ResourceDirectory. */
  resourceDirectory?: FakeResourceDirectory;
  latencyMs?: number;
  /** As FakeAliFault, optionally limited to one account and/or one region. */
  faults?: ScopedAliFault[];
  /** Token buckets per (account, region, product), answering Throttling.User when empty. */
  throttle?: Partial<Record<AliProduct, ThrottleSpec>>;
  /** Regional products (CloudAPI, ECS, VPC, SLB, ActionTrail) of these regions answer ServiceUnavailable (503); no `account`: every account. */
  regionsDown?: Array<{ account?: string; region: string }>;
  /** Keep every request's parameters in `requests` (off by default: large fleets make many requests). */
  recordRequests?: boolean;
  /** ActionTrail records LookupEvents serves, per account (filtered by `acsRegion` like the single fake). */
  actionTrailEvents?: Record<string, Array<Record<string, unknown>>>;
}

export interface FakeAliFleetRequest {
  operation: string;
  /** The signing key's account; absent for an unknown AccessKeyId. */
  account?: string;
  region: string;
  params: Record<string, string>;
}

export interface FakeAlibabaFleet {
  url: string; // http://127.0.0.1:<port>
  /** Per operation (`<product>:<Action>`), counting every request incl. failed ones. */
  calls: Record<string, number>;
  /** Per signing account, then per operation (requests naming an unknown AccessKeyId are in `calls` only). */
  callsByAccount: Record<string, Record<string, number>>;
  /** Requests answered with Throttling.User (buckets and throttle faults). */
  readonly throttled: number;
  throttledByAccount: Record<string, number>;
  /** Every AssumeRole that reached STS's own checks, issued or refused, in arrival order. */
  assumeRoleCalls: FakeAssumeRoleCall[];
  /** Every request with its parameters, only when `recordRequests` is set. */
  requests: FakeAliFleetRequest[];
  /** Per account; push to add events. */
  actionTrailEvents: Record<string, Array<Record<string, unknown>>>;
  /** How many (account, region) views have been built so far (they are built lazily). */
  readonly viewsBuilt: number;
  close(): Promise<void>;
}

function pairKey(account: string, region: string): string {
  return `${account}\u0000${region}`;
}

export async function startFakeAlibabaFleet(options: FakeAlibabaFleetOptions): Promise<FakeAlibabaFleet> {
  const estates = new Map<string, AlibabaInventoryData>();
  const homeRegion = new Map<string, string>();
  for (const estate of options.estates) {
    const key = pairKey(estate.account, estate.region);
    if (estates.has(key)) throw new Error(`startFakeAlibabaFleet: two estates for account ${estate.account} in ${estate.region}`);
    estates.set(key, estate);
    if (!homeRegion.has(estate.account)) homeRegion.set(estate.account, estate.region);
  }
  const callerAccount = options.callerAccount ?? options.estates[0]?.account;
  if (!callerAccount) throw new Error('startFakeAlibabaFleet: no estates and no callerAccount');
  const fallbackRegion = options.estates[0]?.region ?? 'cn-hangzhou';
  const roleName = options.roleName ?? DEFAULT_FLEET_ROLE_NAME;
  const denied = new Set(options.deniedAssume ?? []);
  const down = options.regionsDown ?? [];
  const directory = options.resourceDirectory;

  const known = new Set<string>([callerAccount, ...homeRegion.keys()]);
  if (directory) {
    known.add(directory.managementAccount);
    for (const a of directory.accounts) known.add(a.id);
  }

  const base = baseKey(options.credentials, callerAccount);
  const keys = new Map<string, AliKey>([[base.accessKeyId, base]]);
  const views = new Map<string, AliEstateView>();

  const calls: Record<string, number> = {};
  const callsByAccount: Record<string, Record<string, number>> = {};
  const throttledByAccount: Record<string, number> = {};
  const assumeRoleCalls: FakeAssumeRoleCall[] = [];
  const requests: FakeAliFleetRequest[] = [];
  const actionTrailEvents: Record<string, Array<Record<string, unknown>>> = {};
  for (const [account, events] of Object.entries(options.actionTrailEvents ?? {})) actionTrailEvents[account] = [...events];
  let throttled = 0;

  function viewOf(account: string, region: string): AliEstateView {
    const key = pairKey(account, region);
    let view = views.get(key);
    if (!view) {
      view = new AliEstateView(estates.get(key) ?? emptyAlibabaInventory(account, region, new Date(0).toISOString()));
      views.set(key, view);
    }
    return view;
  }

  const sts = BASE_PRODUCTS.find((p) => p.product === 'sts')!;
  const products: ProductSpec[] = [
    ...BASE_PRODUCTS.filter((p) => p !== sts),
    {
      ...sts,
      operations: fleetStsOperations({
        roleName,
        maxSessionDurationSeconds: options.maxSessionDurationSeconds ?? 3600,
        knows: (account) => known.has(account),
        denies: (account) => denied.has(account),
        issue: (issued) => keys.set(issued.accessKeyId, issued),
        record: (call) => assumeRoleCalls.push(call),
      }),
    },
    actionTrailProduct(ALI_API_VERSIONS.actiontrail, (view) => actionTrailEvents[view.account] ?? []),
    resourceManagerProduct(ALI_API_VERSIONS.resourcemanager, () => directory),
  ];

  const engine = await startAliEngine({
    products: new Map(products.map((p) => [p.version, p])),
    keyOf: (id) => keys.get(id),
    regionOf: (key: AliKey | undefined, params: Params) => {
      const region = params['RegionId'];
      if (region) return region;
      return (key && homeRegion.get(key.account)) ?? fallbackRegion;
    },
    viewOf,
    ...(options.throttle ? { throttle: options.throttle } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(down.length > 0 ? { regionDown: (account: string, region: string) => down.some((d) => d.region === region && (d.account === undefined || d.account === account)) } : {}),
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    onRequest(request: AttributedRequest) {
      calls[request.operation] = (calls[request.operation] ?? 0) + 1;
      if (request.account !== undefined) {
        const mine = (callsByAccount[request.account] ??= {});
        mine[request.operation] = (mine[request.operation] ?? 0) + 1;
      }
      if (options.recordRequests) requests.push({ ...request });
    },
    onThrottled(account: string) {
      throttled++;
      throttledByAccount[account] = (throttledByAccount[account] ?? 0) + 1;
    },
  });

  return {
    url: engine.url,
    calls,
    callsByAccount,
    get throttled() {
      return throttled;
    },
    throttledByAccount,
    assumeRoleCalls,
    requests,
    actionTrailEvents,
    get viewsBuilt() {
      return views.size;
    },
    close: () => engine.close(),
  };
}
