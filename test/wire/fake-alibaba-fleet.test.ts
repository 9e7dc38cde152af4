/**
 * The fleet fake (many accounts × regions) through the product's own code and the real pop-core
 * client: STS AssumeRole into members with assumeRoleCredentials, collectAlibabaRegion per
 * (account, region) with the issued keys, ResourceManager ListAccounts paging, denied members,
 * per-(account, region, product) throttling, token checks and a 200-estate fleet.
 */
import { randomUUID } from 'node:crypto';

import RPCClient from '@alicloud/pop-core';

import { AlibabaCredentialsError, collectAlibabaRegion, type CollectAlibabaRegionOptions } from '../../lib/collect/alibaba';
import { type AlibabaCredentials, type AlibabaCredentialsProvider, assumeRoleCredentials } from '../../lib/collect/alibaba/credentials';
import { AliOp } from '../../lib/inventory/alibaba-operations';
import { type AlibabaInventoryData, emptyAlibabaInventory } from '../../lib/inventory/model';
import { type FakeAlibabaFleet, type FakeAlibabaFleetOptions, startFakeAlibabaFleet } from '../fakes/alibaba/fleet';
import { type AliProduct, signatureOf, stringToSign } from '../fakes/alibaba/protocol';
import { ALI_API_VERSIONS, DEFAULT_FAKE_ALI_CREDENTIALS } from '../fakes/alibaba/server';
import { fleetEstates, memberAccountId, memberEstate } from '../helpers/alibaba-fleet-estates';
import { aliContent } from '../helpers/canonical';

/** JSON as pop-core hands it back. */
type Wire = Record<string, any>;

interface PopError {
  code?: string;
  message?: string;
}

const MANAGEMENT = '1000000000000001';
const MEMBER_A = '1000000000000101';
const MEMBER_B = '1000000000000102';
const DENIED = '1000000000000103';
const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';
const ROLE = 'ApigwAuditorRead';
const FAST = { ratePerSecond: 10_000, burst: 10_000, concurrency: 8 };

const started: FakeAlibabaFleet[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.close()));
});

async function fleet(options: Partial<FakeAlibabaFleetOptions> = {}): Promise<FakeAlibabaFleet> {
  const f = await startFakeAlibabaFleet({
    estates: [memberEstate(MEMBER_A, HZ), memberEstate(MEMBER_A, SH), memberEstate(MEMBER_B, HZ)],
    callerAccount: MANAGEMENT,
    deniedAssume: [DENIED],
    resourceDirectory: {
      managementAccount: MANAGEMENT,
      accounts: [MANAGEMENT, MEMBER_A, MEMBER_B, DENIED].map((id, i) => ({ id, displayName: `member-${i}`, ...(i === 0 ? { type: 'CloudAccount' as const } : {}) })),
    },
    ...options,
  });
  started.push(f);
  return f;
}

/** What the product reads: the base key pair from the environment, every product at the fake. */
function envFor(f: FakeAlibabaFleet): NodeJS.ProcessEnv {
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_FAKE_ALI_CREDENTIALS.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_FAKE_ALI_CREDENTIALS.accessKeySecret,
    ALIBABA_CLOUD_ENDPOINT_URL: f.url,
  };
}

function memberRole(f: FakeAlibabaFleet, account: string, sessionName = 'fleet-test'): AlibabaCredentialsProvider {
  return assumeRoleCredentials({ roleArn: `acs:ram::${account}:role/${ROLE}`, roleSessionName: sessionName, env: envFor(f), retry: { sleep: async () => undefined } });
}

function collect(f: FakeAlibabaFleet, region: string, credentials: AlibabaCredentialsProvider, extra: Partial<CollectAlibabaRegionOptions> = {}): Promise<AlibabaInventoryData> {
  return collectAlibabaRegion({
    region,
    credentials,
    env: envFor(f),
    rateLimits: { apigateway: FAST, ecs: FAST, vpc: FAST, slb: FAST, sts: FAST },
    sleep: async () => undefined,
    ...extra,
  });
}

function call(f: FakeAlibabaFleet, product: AliProduct, action: string, params: Record<string, unknown>, credentials: AlibabaCredentials = DEFAULT_FAKE_ALI_CREDENTIALS): Promise<Wire> {
  const client = new RPCClient({ ...credentials, endpoint: f.url, apiVersion: ALI_API_VERSIONS[product] });
  return client.request<Wire>(action, params, { method: 'POST', timeout: 10_000 });
}

async function failure(promise: Promise<unknown>): Promise<PopError & Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    return e as PopError & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

/** A signed POST without pop-core, to see the HTTP status and the raw error body. */
async function rawPost(f: FakeAlibabaFleet, product: AliProduct, action: string, input: Record<string, string>, key: AlibabaCredentials = DEFAULT_FAKE_ALI_CREDENTIALS) {
  const params: Record<string, string> = {
    Action: action,
    Version: ALI_API_VERSIONS[product],
    Format: 'JSON',
    AccessKeyId: key.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(key.securityToken ? { SecurityToken: key.securityToken } : {}),
    ...input,
  };
  params['Signature'] = signatureOf(stringToSign('POST', params), key.accessKeySecret);
  const res = await fetch(`${f.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  return { status: res.status, body: (await res.json()) as Wire };
}

const failures = (data: AlibabaInventoryData) => data.coverage.filter((c) => c.status === 'error');

describe('fleet fake: members through assumed roles', () => {
  it('collects each (account, region) from its own estate, and an empty one where there is none', async () => {
    const f = await fleet();
    const expected: Record<string, AlibabaInventoryData> = {
      [`${MEMBER_A}/${HZ}`]: memberEstate(MEMBER_A, HZ),
      [`${MEMBER_A}/${SH}`]: memberEstate(MEMBER_A, SH),
      [`${MEMBER_B}/${HZ}`]: memberEstate(MEMBER_B, HZ),
      [`${MEMBER_B}/${SH}`]: emptyAlibabaInventory(MEMBER_B, SH, 'ignored'),
    };
    for (const account of [MEMBER_A, MEMBER_B]) {
      const role = memberRole(f, account);
      for (const region of [HZ, SH]) {
        const data = await collect(f, region, role);
        expect(failures(data)).toEqual([]);
        expect(data.account).toBe(account);
        expect(data.region).toBe(region);
        expect(aliContent(data)).toEqual(aliContent(expected[`${account}/${region}`]!));
      }
    }
    // One AssumeRole per member (the provider caches), signed by the management account's key.
    expect(f.assumeRoleCalls.map((c) => [c.callerAccount, c.account, c.roleSessionName, c.outcome])).toEqual([
      [MANAGEMENT, MEMBER_A, 'fleet-test', 'issued'],
      [MANAGEMENT, MEMBER_B, 'fleet-test', 'issued'],
    ]);
    expect(f.assumeRoleCalls.every((c) => c.accessKeyId?.startsWith('STS.'))).toBe(true);
    expect(f.callsByAccount[MANAGEMENT]).toEqual({ 'sts:AssumeRole': 2 });
    expect(f.callsByAccount[MEMBER_A]![AliOp.GetCallerIdentity]).toBe(2);
    expect(f.callsByAccount[MEMBER_B]![AliOp.GetCallerIdentity]).toBe(2);
    // Member B's empty Shanghai region still answered its lists, from B's own (empty) view.
    expect(f.callsByAccount[MEMBER_B]![AliOp.DescribeInstances]).toBe(2);
    expect(f.requests).toEqual([]);
  });

  it('answers AssumeRole and GetCallerIdentity in the documented shapes', async () => {
    const f = await fleet();
    const assumed = await call(f, 'sts', 'AssumeRole', { RoleArn: `acs:ram::${MEMBER_A}:role/${ROLE}`, RoleSessionName: 'alice', DurationSeconds: 900 });
    expect(assumed).toEqual({
      RequestId: expect.any(String),
      Credentials: {
        AccessKeyId: expect.stringMatching(/^STS\.[A-Za-z0-9]+$/),
        AccessKeySecret: expect.any(String),
        SecurityToken: expect.any(String),
        Expiration: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      },
      AssumedRoleUser: { Arn: `acs:ram::${MEMBER_A}:role/${ROLE}/alice`, AssumedRoleId: expect.stringMatching(/^\d{18}:alice$/) },
    });
    const lifetime = Date.parse(assumed.Credentials.Expiration) - Date.now();
    expect(lifetime).toBeGreaterThan(850_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);
    const issued = { accessKeyId: assumed.Credentials.AccessKeyId, accessKeySecret: assumed.Credentials.AccessKeySecret, securityToken: assumed.Credentials.SecurityToken };

    const identity = await call(f, 'sts', 'GetCallerIdentity', {}, issued);
    const roleId = String(assumed.AssumedRoleUser.AssumedRoleId).split(':')[0];
    expect(identity).toMatchObject({
      AccountId: MEMBER_A,
      Arn: `acs:ram::${MEMBER_A}:assumed-role/${ROLE}/alice`,
      IdentityType: 'AssumedRoleUser',
      PrincipalId: `${roleId}:alice`,
      RoleId: roleId,
    });
    const base = await call(f, 'sts', 'GetCallerIdentity', {});
    expect(base).toMatchObject({ AccountId: MANAGEMENT, IdentityType: 'RAMUser', Arn: `acs:ram::${MANAGEMENT}:user/fake-auditor` });

    // Parameter checks and unknown roles.
    const arn = `acs:ram::${MEMBER_A}:role/${ROLE}`;
    expect((await failure(call(f, 'sts', 'AssumeRole', { RoleArn: 'arn:aws:iam::1:role/x', RoleSessionName: 'ok' }))).code).toBe('InvalidParameter.RoleArn');
    expect((await failure(call(f, 'sts', 'AssumeRole', { RoleArn: arn, RoleSessionName: 'a' }))).code).toBe('InvalidParameter.RoleSessionName');
    expect((await failure(call(f, 'sts', 'AssumeRole', { RoleArn: arn, RoleSessionName: 'ok', DurationSeconds: 3601 }))).code).toBe('InvalidParameter.DurationSeconds');
    expect((await failure(call(f, 'sts', 'AssumeRole', { RoleArn: arn, RoleSessionName: 'ok', Policy: '{not json' }))).code).toBe('InvalidParameter.PolicyGrammar');
    expect((await failure(call(f, 'sts', 'AssumeRole', { RoleArn: `acs:ram::${MEMBER_A}:role/OtherRole`, RoleSessionName: 'ok' }))).code).toBe('EntityNotExist.Role');
    expect((await failure(call(f, 'sts', 'AssumeRole', { RoleArn: `acs:ram::1999999999999999:role/${ROLE}`, RoleSessionName: 'ok' }))).code).toBe('EntityNotExist.Role');
    const withExtras = await call(f, 'sts', 'AssumeRole', {
      RoleArn: arn,
      RoleSessionName: 'bob',
      ExternalId: 'abcd-1234',
      Policy: JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['apigateway:Describe*'], Resource: ['*'] }] }),
    });
    expect(withExtras.Credentials.AccessKeyId).not.toBe(issued.accessKeyId);
    expect(f.assumeRoleCalls.at(-1)).toMatchObject({ account: MEMBER_A, roleSessionName: 'bob', externalId: 'abcd-1234', durationSeconds: 3600, outcome: 'issued' });
  });

  it('refuses AssumeRole into a denied member with NoPermission (HTTP 403, STS error shape)', async () => {
    const f = await fleet();
    const error = await failure(memberRole(f, DENIED).getCredentials());
    expect(error).toBeInstanceOf(AlibabaCredentialsError);
    expect(error.code).toBe('NoPermission');
    expect(f.assumeRoleCalls.every((c) => c.account === DENIED && c.outcome === 'NoPermission')).toBe(true);
    expect(f.assumeRoleCalls.length).toBeGreaterThan(0);

    const raw = await rawPost(f, 'sts', 'AssumeRole', { RoleArn: `acs:ram::${DENIED}:role/${ROLE}`, RoleSessionName: 'raw' });
    expect(raw.status).toBe(403);
    expect(raw.body).toEqual({
      RequestId: expect.any(String),
      HostId: 'sts.aliyuncs.com',
      Code: 'NoPermission',
      Message: 'You are not authorized to do this action. You should be authorized by RAM.',
      Recommend: expect.stringContaining('NoPermission'),
    });
    // Collection with the refused role reports the credentials, not an empty inventory.
    await expect(collect(f, HZ, memberRole(f, DENIED, 'again'))).rejects.toBeInstanceOf(AlibabaCredentialsError);
  });

  it('checks issued keys: secret, SecurityToken and its account binding', async () => {
    const f = await fleet();
    const a = await memberRole(f, MEMBER_A).getCredentials();
    const b = await memberRole(f, MEMBER_B).getCredentials();
    expect(a.accessKeyId).toMatch(/^STS\./);
    const region = { RegionId: HZ };
    expect((await failure(call(f, 'apigateway', 'DescribeInstances', region, { ...a, securityToken: b.securityToken! }))).code).toBe('InvalidSecurityToken.MismatchWithAccessKey');
    expect((await failure(call(f, 'apigateway', 'DescribeInstances', region, { ...a, securityToken: 'CAISforged' }))).code).toBe('InvalidSecurityToken.MismatchWithAccessKey');
    const { securityToken: _token, ...withoutToken } = a;
    expect((await failure(call(f, 'apigateway', 'DescribeInstances', region, withoutToken))).code).toBe('MissingSecurityToken');
    expect((await failure(call(f, 'apigateway', 'DescribeInstances', region, { ...a, accessKeySecret: b.accessKeySecret }))).code).toBe('SignatureDoesNotMatch');
    expect((await failure(call(f, 'apigateway', 'DescribeInstances', region, { accessKeyId: 'STS.unknown', accessKeySecret: 'x', securityToken: 'y' }))).code).toBe(
      'InvalidAccessKeyId.NotFound',
    );
    // The same key with its own token reads its own account.
    const ok = await call(f, 'apigateway', 'DescribeInstances', region, a);
    expect(ok.Instances.InstanceAttribute.map((i: Wire) => i.InstanceName)).toEqual([`orders-vpc-gateway-${MEMBER_A}-${HZ}`]);
    const okB = await call(f, 'apigateway', 'DescribeInstances', region, b);
    expect(okB.Instances.InstanceAttribute.map((i: Wire) => i.InstanceName)).toEqual([`orders-vpc-gateway-${MEMBER_B}-${HZ}`]);
  });
});

describe('fleet fake: configuration', () => {
  it('refuses two estates for one (account, region), and a fleet with no account at all', async () => {
    await expect(startFakeAlibabaFleet({ estates: [memberEstate(MEMBER_A, HZ), memberEstate(MEMBER_A, HZ)] })).rejects.toThrow(/two estates/);
    await expect(startFakeAlibabaFleet({ estates: [] })).rejects.toThrow(/no estates/);
  });

  it('keeps ActionTrail events per account and region', async () => {
    const event = { eventId: 'ev-1', eventName: 'ModifyApi', serviceName: 'CloudAPI', eventRW: 'Write', eventTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), acsRegion: HZ };
    const f = await fleet({ actionTrailEvents: { [MEMBER_A]: [event] } });
    const a = await memberRole(f, MEMBER_A).getCredentials();
    const b = await memberRole(f, MEMBER_B).getCredentials();
    const lookup = (key: AlibabaCredentials, region: string) => call(f, 'actiontrail', 'LookupEvents', { RegionId: region }, key);
    expect((await lookup(a, HZ)).Events.map((e: Wire) => e.eventId)).toEqual(['ev-1']);
    expect((await lookup(a, SH)).Events).toEqual([]);
    expect((await lookup(b, HZ)).Events).toEqual([]);
    f.actionTrailEvents[MEMBER_B] = [{ ...event, eventId: 'ev-2' }];
    expect((await lookup(b, HZ)).Events.map((e: Wire) => e.eventId)).toEqual(['ev-2']);
  });
});

describe('fleet fake: resource directory', () => {
  const members = Array.from({ length: 150 }, (_, i) => ({ id: memberAccountId(1000 + i), displayName: `member-${i}` }));

  it('pages ListAccounts: 150 members at PageSize 100 are two pages', async () => {
    const f = await fleet({ resourceDirectory: { managementAccount: MANAGEMENT, accounts: members } });
    const first = await call(f, 'resourcemanager', 'ListAccounts', { PageNumber: 1, PageSize: 100 });
    const second = await call(f, 'resourcemanager', 'ListAccounts', { PageNumber: 2, PageSize: 100 });
    const third = await call(f, 'resourcemanager', 'ListAccounts', { PageNumber: 3, PageSize: 100 });
    expect([first.PageNumber, first.PageSize, first.TotalCount, first.Accounts.Account.length]).toEqual([1, 100, 150, 100]);
    expect([second.PageNumber, second.PageSize, second.TotalCount, second.Accounts.Account.length]).toEqual([2, 100, 150, 50]);
    expect(third.Accounts.Account).toEqual([]);
    expect([...first.Accounts.Account, ...second.Accounts.Account].map((a: Wire) => a.AccountId)).toEqual(members.map((m) => m.id));
    expect(first.Accounts.Account[0]).toEqual({
      AccountId: members[0]!.id,
      DisplayName: 'member-0',
      Status: 'CreateSuccess',
      Type: 'ResourceAccount',
      FolderId: expect.stringMatching(/^r-/),
      JoinMethod: 'created',
      JoinTime: expect.stringMatching(/Z$/),
      ModifyTime: expect.stringMatching(/Z$/),
      ResourceDirectoryId: expect.stringMatching(/^rd-/),
    });
    const byDefault = await call(f, 'resourcemanager', 'ListAccounts', {});
    expect([byDefault.PageNumber, byDefault.PageSize, byDefault.Accounts.Account.length]).toEqual([1, 10, 10]);
    expect((await failure(call(f, 'resourcemanager', 'ListAccounts', { PageSize: 101 }))).code).toBe('InvalidParameter');
    expect((await failure(call(f, 'resourcemanager', 'ListAccounts', { PageNumber: 0 }))).code).toBe('InvalidParameter');
  });

  it('reports statuses and types as given', async () => {
    const f = await fleet({
      resourceDirectory: {
        managementAccount: MANAGEMENT,
        accounts: [
          { id: MEMBER_A, displayName: 'invited', type: 'CloudAccount', status: 'InviteSuccess' },
          { id: MEMBER_B, displayName: 'pending', status: 'PromoteVerifying' },
        ],
      },
    });
    const page = await call(f, 'resourcemanager', 'ListAccounts', {});
    expect(page.Accounts.Account.map((a: Wire) => [a.AccountId, a.Status, a.Type, a.JoinMethod])).toEqual([
      [MEMBER_A, 'InviteSuccess', 'CloudAccount', 'invited'],
      [MEMBER_B, 'PromoteVerifying', 'ResourceAccount', 'created'],
    ]);
  });

  it('answers members NoPermission and fleets without a directory EntityNotExists.ResourceDirectory', async () => {
    const f = await fleet();
    const member = await memberRole(f, MEMBER_A).getCredentials();
    expect((await failure(call(f, 'resourcemanager', 'ListAccounts', {}, member))).code).toBe('NoPermission');
    const raw = await rawPost(f, 'resourcemanager', 'ListAccounts', {}, member);
    expect([raw.status, raw.body.HostId]).toEqual([403, 'resourcemanager.aliyuncs.com']);

    const bare = await fleet({ resourceDirectory: undefined });
    expect((await failure(call(bare, 'resourcemanager', 'ListAccounts', {}))).code).toBe('EntityNotExists.ResourceDirectory');
  });
});

describe('fleet fake: isolation of throttling, outages and faults', () => {
  it('keeps a token bucket per (account, region, product)', async () => {
    const f = await fleet({ throttle: { apigateway: { ratePerSecond: 0.001, burst: 2 } } });
    const a = await memberRole(f, MEMBER_A).getCredentials();
    const b = await memberRole(f, MEMBER_B).getCredentials();
    const describe = (key: AlibabaCredentials, region: string) => call(f, 'apigateway', 'DescribeInstances', { RegionId: region }, key);
    await describe(a, HZ);
    await describe(a, HZ);
    expect((await failure(describe(a, HZ))).code).toBe('Throttling.User');
    // A's other region, B in the same region and A's other products are untouched.
    await describe(a, SH);
    await describe(a, SH);
    await describe(b, HZ);
    await describe(b, HZ);
    await call(f, 'ecs', 'DescribeSecurityGroups', { RegionId: HZ }, a);
    expect(f.throttled).toBe(1);
    expect(f.throttledByAccount).toEqual({ [MEMBER_A]: 1 });
    expect(f.callsByAccount[MEMBER_A]![AliOp.DescribeInstances]).toBe(5);
    expect(f.callsByAccount[MEMBER_B]![AliOp.DescribeInstances]).toBe(2);
  });

  it('takes down regional products of a region, and limits faults to an account or region', async () => {
    const f = await fleet({
      regionsDown: [{ account: MEMBER_A, region: SH }],
      faults: [{ operation: AliOp.DescribeVpcAccesses, kind: 'forbidden', account: MEMBER_B }],
      recordRequests: true,
    });
    const a = await memberRole(f, MEMBER_A).getCredentials();
    const b = await memberRole(f, MEMBER_B).getCredentials();
    const down = await rawPost(f, 'apigateway', 'DescribeInstances', { RegionId: SH }, a);
    expect([down.status, down.body.Code, down.body.HostId]).toEqual([503, 'ServiceUnavailable', `apigateway.${SH}.aliyuncs.com`]);
    await call(f, 'apigateway', 'DescribeInstances', { RegionId: HZ }, a);
    await call(f, 'apigateway', 'DescribeInstances', { RegionId: SH }, b);
    // STS is global: an outage of A's Shanghai region does not stop its identity checks.
    expect((await call(f, 'sts', 'GetCallerIdentity', {}, a)).AccountId).toBe(MEMBER_A);

    expect((await failure(call(f, 'apigateway', 'DescribeVpcAccesses', { RegionId: HZ }, b))).code).toBe('Forbidden.RAM');
    await call(f, 'apigateway', 'DescribeVpcAccesses', { RegionId: HZ }, a);

    // A whole collection of A in Shanghai retries, then records the outage per operation.
    const data = await collect(f, SH, memberRole(f, MEMBER_A, 'outage'), { maxAttempts: 2 });
    expect(data.account).toBe(MEMBER_A);
    expect(failures(data).length).toBeGreaterThan(0);
    expect(failures(data).every((c) => c.error?.startsWith('ServiceUnavailable'))).toBe(true);

    expect(f.requests.find((r) => r.operation === AliOp.DescribeVpcAccesses && r.account === MEMBER_B)).toMatchObject({ region: HZ, params: { RegionId: HZ } });
  });
});

describe('fleet fake: scale', () => {
  it('serves 200 estates from lazily built views, thousands of requests without copying estates', async () => {
    const accounts = Array.from({ length: 100 }, (_, i) => memberAccountId(2000 + i));
    const f = await startFakeAlibabaFleet({ estates: fleetEstates(accounts, [HZ, SH]), callerAccount: MANAGEMENT });
    started.push(f);
    expect(f.viewsBuilt).toBe(0);

    const started_ = Date.now();
    const keys = new Map<string, AlibabaCredentials>();
    await Promise.all(accounts.map(async (account) => keys.set(account, await memberRole(f, account).getCredentials())));
    // AssumeRole and GetCallerIdentity build no estate view.
    await call(f, 'sts', 'GetCallerIdentity', {}, keys.get(accounts[0]!)!);
    expect(f.viewsBuilt).toBe(0);

    const jobs: Array<() => Promise<void>> = [];
    for (const account of accounts) {
      for (const region of [HZ, SH]) {
        const key = keys.get(account)!;
        const client = new RPCClient({ ...key, endpoint: f.url, apiVersion: ALI_API_VERSIONS.apigateway });
        for (let i = 0; i < 10; i++) {
          jobs.push(async () => {
            const answer = await client.request<Wire>('DescribeInstances', { RegionId: region }, { method: 'POST', timeout: 10_000 });
            expect(answer.Instances.InstanceAttribute[0].InstanceName).toBe(`orders-vpc-gateway-${account}-${region}`);
          });
        }
      }
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }),
    );
    const elapsed = Date.now() - started_;
    expect(f.calls[AliOp.DescribeInstances]).toBe(2000);
    expect(f.viewsBuilt).toBe(200);
    expect(f.requests).toEqual([]);
    // Thousands per minute with plenty of room: 2,100 signed requests well inside 60 s.
    expect(elapsed).toBeLessThan(60_000);
  }, 90_000);
});
