/**
 * The fake AWS for a whole fleet: many accounts × Regions behind one loopback port, as the
 * multi-account fan-out sees it. The base credentials (any access key the fake did not issue)
 * belong to `callerAccount`; STS AssumeRole into `arn:aws:iam::<account>:role/<roleName>` of a
 * known account issues `ASIA…` keys that the fake maps to that account. Every request is served
 * from the estate of (account of its access key, Region of its SigV4 scope); a pair without an
 * estate is an account with nothing deployed there, served from an empty estate.
 *
 * Estates are indexed lazily, once per (account, Region), on the first request that needs them,
 * and never copied per request: do not change the estate objects after start. Token buckets are
 * per (account, Region, family), like AWS's API request quotas.
 */

import { type AwsInventoryData, emptyAwsInventory } from '../../../lib/inventory/model';
import { type FleetFault, type RecordedRequest, type ThrottleSpec, startEngine } from './engine';
import { EstateView } from './estate-view';
import { type FakeOrganization, IdentityPlane } from './identity';
import type { AwsApiFamily } from './protocol';

export type { FleetFault, RecordedRequest, ThrottleSpec } from './engine';
export { DEFAULT_MEMBER_ROLE, type FakeOrganization, type OrganizationAccountState } from './identity';

export interface FakeAwsFleetOptions {
  /** One per (account, Region); two estates for the same pair are an error. */
  estates: AwsInventoryData[];
  /** Account of the base credentials. Default: the first estate's account (else the management account). */
  callerAccount?: string;
  /** The member role in every known account. Default `ApigwAuditorRead`. */
  roleName?: string;
  /** Accounts whose role refuses AssumeRole (AccessDenied, 403). */
  deniedAssume?: string[];
  /** Served by Organizations ListAccounts; without it ListAccounts answers AWSOrganizationsNotInUseException. */
  organization?: FakeOrganization;
  latencyMs?: number;
  faults?: FleetFault[];
  /** Token bucket per (account, Region, family), answering with that family's throttling error when empty. */
  throttle?: Partial<Record<AwsApiFamily, ThrottleSpec>>;
  /** Every request to the Region (of one account, when given) answers ServiceUnavailable (503). */
  regionsDown?: Array<{ account?: string; region: string }>;
  /** Keep every request in `requests` (off by default: a long benchmark would hoard them). */
  recordRequests?: boolean;
}

export interface FakeAwsFleet {
  url: string; // http://127.0.0.1:<port>
  /** Per operation, counting every request incl. failed ones. */
  calls: Record<string, number>;
  /** Per account the request was attributed to (requests refused before that are not counted). */
  callsByAccount: Record<string, number>;
  /** Requests answered with a throttling error (token buckets and throttle faults). */
  readonly throttled: number;
  throttledByAccount: Record<string, number>;
  /** AssumeRole requests the operation answered, granted or refused. */
  readonly assumeRoleCalls: number;
  /** Sessions issued by AssumeRole, per target account. */
  assumedByAccount: Record<string, number>;
  /** Only with `recordRequests`. */
  requests?: RecordedRequest[];
  close(): Promise<void>;
}

/** Regions look like `us-east-1`, `ap-southeast-2`, `us-gov-west-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function estateKey(account: string, region: string): string {
  return `${account}/${region}`;
}

export async function startFakeAwsFleet(options: FakeAwsFleetOptions): Promise<FakeAwsFleet> {
  const estates = new Map<string, AwsInventoryData>();
  for (const estate of options.estates) {
    const key = estateKey(estate.account, estate.region);
    if (estates.has(key)) throw new Error(`startFakeAwsFleet: two estates for account ${estate.account} in ${estate.region}`);
    estates.set(key, estate);
  }
  const callerAccount = options.callerAccount ?? options.estates[0]?.account ?? options.organization?.managementAccount;
  if (!callerAccount) throw new Error('startFakeAwsFleet: no callerAccount, estates or organization to take the caller account from');
  const identity = new IdentityPlane({
    callerAccount,
    knownAccounts: options.estates.map((e) => e.account),
    ...(options.roleName !== undefined ? { roleName: options.roleName } : {}),
    ...(options.deniedAssume ? { deniedAssume: options.deniedAssume } : {}),
    ...(options.organization ? { organization: options.organization } : {}),
    rejectUnknownTemporaryKeys: true,
  });
  const startedAt = new Date().toISOString();
  const views = new Map<string, EstateView>();
  const requests: RecordedRequest[] | undefined = options.recordRequests ? [] : undefined;

  const engine = await startEngine({
    identity,
    viewFor(account, region) {
      const key = estateKey(account, region);
      let view = views.get(key);
      if (!view) views.set(key, (view = new EstateView(estates.get(key) ?? emptyAwsInventory(account, region, startedAt))));
      return view;
    },
    acceptsRegion: (region) => REGION.test(region),
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.throttle ? { throttle: options.throttle } : {}),
    ...(options.regionsDown ? { regionsDown: options.regionsDown } : {}),
    ...(requests ? { onRequest: (entry: RecordedRequest) => void requests.push(entry) } : {}),
  });

  const { stats } = engine;
  return {
    url: engine.url,
    calls: stats.calls,
    callsByAccount: stats.callsByAccount,
    get throttled() {
      return stats.throttled;
    },
    throttledByAccount: stats.throttledByAccount,
    get assumeRoleCalls() {
      return identity.assumeRoleCalls;
    },
    assumedByAccount: identity.assumedByAccount,
    ...(requests ? { requests } : {}),
    close: engine.close,
  };
}
