/**
 * The fleet fake (many accounts × Regions) through the real SDK v3 clients over HTTP: the
 * organisation's accounts with Organizations ListAccounts, member roles with STS AssumeRole
 * (fromTemporaryCredentials), and collectAwsRegion per (account, Region) with the issued keys.
 * Endpoints come from AWS_ENDPOINT_URL, base credentials from the environment.
 */

import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

import { collectAwsRegion } from '../../lib/collect/aws';
import { type AwsInventoryData, emptyAwsInventory } from '../../lib/inventory/model';
import { type FakeAwsFleet, type FakeAwsFleetOptions, startFakeAwsFleet } from '../fakes/aws/server';
import { DUMMY_SECRET, setAwsEnv } from '../helpers/aws-env';
import { COLLECTED_AT } from '../helpers/aws-estate';
import { inAwsCollectorOrder, withoutCoverage } from '../helpers/canonical';
import { estateFor, fleetAccountIds } from '../helpers/fleet-estates';

const BASE_KEY = 'AKIDWIRETEST';
const ACCOUNTS = fleetAccountIds(45);
const MANAGEMENT = ACCOUNTS[0]!;
const [A, B, EMPTY, DENIED] = [ACCOUNTS[1]!, ACCOUNTS[2]!, ACCOUNTS[3]!, ACCOUNTS[4]!];
const OUTSIDER = '999999999999';
const REGIONS = ['us-east-1', 'eu-west-1'] as const;
const ROLE = 'ApigwAuditorRead';

/** estateFor() with a marker naming its (account, Region), so no two estates compare equal. */
function markedEstate(account: string, region: string): AwsInventoryData {
  const estate = estateFor(account, region);
  estate.vpcLinksV2[0]!.name = `orders-link-${account}-${region}`;
  return estate;
}

const organization: FakeAwsFleetOptions['organization'] = {
  managementAccount: MANAGEMENT,
  accounts: ACCOUNTS.map((id, i) => ({ id, name: i === 0 ? 'management' : `member-${i}`, ...(i === 44 ? { state: 'SUSPENDED' as const } : {}) })),
};

let fleet: FakeAwsFleet | undefined;
let restoreEnv: (() => void) | undefined;

async function start(options: Partial<FakeAwsFleetOptions> = {}): Promise<FakeAwsFleet> {
  fleet = await startFakeAwsFleet({
    estates: [A, B].flatMap((account) => REGIONS.map((region) => markedEstate(account, region))),
    callerAccount: MANAGEMENT,
    deniedAssume: [DENIED],
    organization,
    ...options,
  });
  restoreEnv = setAwsEnv({ AWS_ENDPOINT_URL: fleet.url, AWS_ACCESS_KEY_ID: BASE_KEY, AWS_REGION: 'us-east-1' });
  return fleet;
}

afterEach(async () => {
  restoreEnv?.();
  restoreEnv = undefined;
  await fleet?.close();
  fleet = undefined;
});

function roleArn(account: string, role = ROLE): string {
  return `arn:aws:iam::${account}:role/${role}`;
}

/** The member role's credentials, refreshed by the SDK's own provider; STS called in `region`. */
function memberCredentials(account: string, region = 'us-east-1', role = ROLE): AwsCredentialIdentityProvider {
  return fromTemporaryCredentials({
    params: { RoleArn: roleArn(account, role), RoleSessionName: 'apigw-audit', DurationSeconds: 3600 },
    clientConfig: { region, maxAttempts: 1 },
  });
}

/** One AssumeRole shared by all of a collection's clients (each SDK client would otherwise assume on its own). */
function shared(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let session: Promise<AwsCredentialIdentity> | undefined;
  return () => (session ??= provider());
}

function collect(account: string, region: string): Promise<AwsInventoryData> {
  return collectAwsRegion({ region, credentials: shared(memberCredentials(account, region)), now: () => new Date(COLLECTED_AT), maxAttempts: 1 });
}

function errors(data: AwsInventoryData) {
  return data.coverage.filter((c) => c.status === 'error');
}

async function rejection(promise: Promise<unknown>): Promise<{ name?: string; message?: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (e) {
    return e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected a rejection');
}

describe('Organizations ListAccounts', () => {
  it('pages the 45 accounts 20 at a time with the SDK paginator, in the client-organizations shape', async () => {
    await start();
    const client = new OrganizationsClient({ region: 'us-east-1' });
    const pages: string[][] = [];
    const all = [];
    for await (const page of paginateListAccounts({ client, pageSize: 20 }, {})) {
      pages.push((page.Accounts ?? []).map((a) => a.Id!));
      all.push(...(page.Accounts ?? []));
    }
    client.destroy();

    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    expect(pages.flat()).toEqual(ACCOUNTS);
    expect(all[1]).toEqual({
      Id: A,
      Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-fake/${A}`,
      Email: `aws+${A}@example.com`,
      Name: 'member-1',
      Status: 'ACTIVE',
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
      JoinedTimestamp: new Date(Date.UTC(2020, 0, 2)),
    });
    expect(all[44]).toMatchObject({ Status: 'SUSPENDED', State: 'SUSPENDED' });
    expect(all[0]).toMatchObject({ Id: MANAGEMENT, JoinedMethod: 'INVITED' });
    expect(fleet!.calls['organizations:ListAccounts']).toBe(3);
  });

  it('refuses MaxResults above 20, a foreign NextToken, a member account and an account outside any organisation', async () => {
    await start();
    const client = new OrganizationsClient({ region: 'us-east-1', maxAttempts: 1 });
    const tooMany = await rejection(client.send(new ListAccountsCommand({ MaxResults: 21 })));
    expect(tooMany).toMatchObject({ name: 'InvalidInputException', Reason: 'MAX_VALUE_EXCEEDED' });
    const badToken = await rejection(client.send(new ListAccountsCommand({ NextToken: 'not-a-token' })));
    expect(badToken).toMatchObject({ name: 'InvalidInputException', Reason: 'INVALID_PAGINATION_TOKEN' });
    client.destroy();

    const member = new OrganizationsClient({ region: 'us-east-1', maxAttempts: 1, credentials: memberCredentials(A) });
    const denied = await rejection(member.send(new ListAccountsCommand({})));
    member.destroy();
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain(`arn:aws:sts::${A}:assumed-role/${ROLE}/apigw-audit`);
    expect(denied.$metadata?.httpStatusCode).toBe(400);

    await fleet!.close();
    restoreEnv!();
    await start({ organization: undefined });
    const alone = new OrganizationsClient({ region: 'us-east-1', maxAttempts: 1 });
    expect(await rejection(alone.send(new ListAccountsCommand({})))).toMatchObject({ name: 'AWSOrganizationsNotInUseException' });
    alone.destroy();
  });
});

describe('STS identities', () => {
  it('AssumeRole issues ASIA keys for the member account; GetCallerIdentity answers for the routed account', async () => {
    await start();
    const sts = new STSClient({ region: 'eu-west-1', maxAttempts: 1 });
    const base = await sts.send(new GetCallerIdentityCommand({}));
    expect(base).toMatchObject({ Account: MANAGEMENT, Arn: `arn:aws:iam::${MANAGEMENT}:user/fake-auditor` });

    const before = Date.now();
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn(A), RoleSessionName: 'audit-1', ExternalId: 'ext-1' }));
    sts.destroy();
    const c = assumed.Credentials!;
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c.SecretAccessKey).toBeTruthy();
    expect(c.SessionToken).toBeTruthy();
    // One hour ahead, written with seconds precision.
    expect(c.Expiration!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(c.Expiration!.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(assumed.AssumedRoleUser).toEqual({ AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:audit-1$/), Arn: `arn:aws:sts::${A}:assumed-role/${ROLE}/audit-1` });

    const asMember = new STSClient({
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
    });
    const who = await asMember.send(new GetCallerIdentityCommand({}));
    asMember.destroy();
    expect(who).toMatchObject({ Account: A, Arn: `arn:aws:sts::${A}:assumed-role/${ROLE}/audit-1`, UserId: assumed.AssumedRoleUser!.AssumedRoleId });
    expect(fleet!.assumeRoleCalls).toBe(1);
    expect(fleet!.assumedByAccount).toEqual({ [A]: 1 });
    expect(fleet!.callsByAccount).toEqual({ [MANAGEMENT]: 2, [A]: 1 });
    expect(fleet!.requests).toBeUndefined();
  });

  it('AssumeRole answers AccessDenied (403, the STS error XML) for a denied account, an outsider and another role', async () => {
    await start();
    for (const [account, role] of [[DENIED, ROLE], [OUTSIDER, ROLE], [A, 'Admin']] as const) {
      const error = await rejection(memberCredentials(account, 'us-east-1', role)());
      expect(error.name).toBe('AccessDenied');
      expect(error.$metadata?.httpStatusCode).toBe(403);
      expect(error.message).toBe(`User: arn:aws:iam::${MANAGEMENT}:user/fake-auditor is not authorized to perform: sts:AssumeRole on resource: ${roleArn(account, role)}`);
    }
    expect(fleet!.assumeRoleCalls).toBe(3);
    expect(fleet!.assumedByAccount).toEqual({});
  });

  it('rejects an issued key with a wrong or missing session token, and an ASIA key it never issued', async () => {
    await start();
    const issued = await memberCredentials(A)();
    const attempt = async (credentials: AwsCredentialIdentity) => {
      const sts = new STSClient({ region: 'us-east-1', maxAttempts: 1, credentials });
      const ec2 = new EC2Client({ region: 'us-east-1', maxAttempts: 1, credentials });
      try {
        return [await rejection(sts.send(new GetCallerIdentityCommand({}))), await rejection(ec2.send(new DescribeVpcsCommand({})))];
      } finally {
        sts.destroy();
        ec2.destroy();
      }
    };
    const cases: AwsCredentialIdentity[] = [
      { ...issued, sessionToken: `${issued.sessionToken!}x` },
      { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey },
      { accessKeyId: 'ASIAQQQQQQQQQQQQQQQQ', secretAccessKey: DUMMY_SECRET, sessionToken: issued.sessionToken! },
    ];
    for (const credentials of cases) {
      const [sts, ec2] = await attempt(credentials);
      expect([sts!.name, sts!.$metadata?.httpStatusCode]).toEqual(['InvalidClientTokenId', 403]);
      // EC2's own word for credentials it cannot validate.
      expect([ec2!.name, ec2!.$metadata?.httpStatusCode]).toEqual(['AuthFailure', 401]);
    }
    expect(fleet!.callsByAccount[A] ?? 0).toBe(0);
  });
});

describe('on the wire', () => {
  /** A request with a well-formed SigV4 header (the fake checks the scope, not the signature). */
  function signed(service: string, region: string, extra: Record<string, string>): Record<string, string> {
    return {
      authorization: `AWS4-HMAC-SHA256 Credential=${BASE_KEY}/20261120/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      'x-amz-date': '20261120T120000Z',
      ...extra,
    };
  }

  it('AccessDenied from AssumeRole is the STS ErrorResponse document; ListAccounts sends epoch-second timestamps', async () => {
    await start();
    const denied = await fetch(fleet!.url, {
      method: 'POST',
      headers: signed('sts', 'us-east-1', { 'content-type': 'application/x-www-form-urlencoded' }),
      body: new URLSearchParams({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: roleArn(DENIED), RoleSessionName: 's1' }).toString(),
    });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toMatch(
      new RegExp(
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
          `<Message>User: arn:aws:iam::${MANAGEMENT}:user/fake-auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${DENIED}:role/${ROLE}</Message>` +
          '</Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$',
      ),
    );

    const listed = await fetch(fleet!.url, {
      method: 'POST',
      headers: signed('organizations', 'us-east-1', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSOrganizationsV20161128.ListAccounts' }),
      body: JSON.stringify({ MaxResults: 1 }),
    });
    const body = (await listed.json()) as { Accounts: Array<{ JoinedTimestamp: unknown }>; NextToken?: string };
    expect(body.Accounts[0]!.JoinedTimestamp).toBe(Date.UTC(2020, 0, 1) / 1000);
    expect(typeof body.NextToken).toBe('string');
  });

  it('Organizations is signed for us-east-1 only (with an endpoint override the SDK signs for the client Region)', async () => {
    await start();
    const client = new OrganizationsClient({ region: 'eu-west-1', maxAttempts: 1 });
    const error = await rejection(client.send(new ListAccountsCommand({})));
    client.destroy();
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toContain("not 'eu-west-1'");
  });
});

describe('collectAwsRegion per member account and Region', () => {
  it('reads each (account, Region) estate through its assumed role; an account with nothing deployed reads empty', async () => {
    await start();
    for (const account of [A, B]) {
      for (const region of REGIONS) {
        const data = await collect(account, region);
        expect(errors(data)).toEqual([]);
        expect([data.account, data.region]).toEqual([account, region]);
        expect(withoutCoverage(data)).toEqual(inAwsCollectorOrder(markedEstate(account, region)));
      }
    }
    const empty = await collect(EMPTY, 'ap-southeast-2');
    expect(errors(empty)).toEqual([]);
    expect(withoutCoverage(empty)).toEqual(inAwsCollectorOrder(emptyAwsInventory(EMPTY, 'ap-southeast-2', COLLECTED_AT)));

    expect(Object.keys(fleet!.callsByAccount).sort()).toEqual([MANAGEMENT, A, B, EMPTY].sort());
    // Each collection assumed its role once, with the base credentials; everything else ran as the member.
    expect(fleet!.assumedByAccount).toEqual({ [A]: 2, [B]: 2, [EMPTY]: 1 });
    expect(fleet!.callsByAccount[MANAGEMENT]).toBe(5);
    expect(fleet!.calls['sts:AssumeRole']).toBe(5);
  });

  it('records requests with their account and Region only when asked', async () => {
    await start({ recordRequests: true });
    await collect(B, 'eu-west-1');
    const requests = fleet!.requests!;
    expect(requests[0]).toMatchObject({ operation: 'sts:AssumeRole', account: MANAGEMENT, region: 'eu-west-1', params: { RoleArn: roleArn(B), RoleSessionName: 'apigw-audit' } });
    expect(requests.slice(1).every((r) => r.account === B && r.region === 'eu-west-1')).toBe(true);
    expect(requests.length).toBe(Object.values(fleet!.calls).reduce((n, c) => n + c, 0));
  });
});

describe('quotas, faults and outages are per account and Region', () => {
  async function describeVpcs(credentials: AwsCredentialIdentityProvider, region: string, times: number): Promise<Array<string>> {
    const ec2 = new EC2Client({ region, maxAttempts: 1, credentials });
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < times; i++) {
        outcomes.push(
          await ec2.send(new DescribeVpcsCommand({})).then(
            (out) => `ok:${out.Vpcs?.length ?? 0}`,
            (e: { name?: string }) => String(e.name),
          ),
        );
      }
      return outcomes;
    } finally {
      ec2.destroy();
    }
  }

  it('an emptied token bucket in one account does not throttle another account, nor the same account elsewhere', async () => {
    await start({ throttle: { ec2: { ratePerSecond: 0.001, burst: 3 } } });
    const a = memberCredentials(A);
    expect(await describeVpcs(a, 'us-east-1', 5)).toEqual(['ok:1', 'ok:1', 'ok:1', 'RequestLimitExceeded', 'RequestLimitExceeded']);
    expect(await describeVpcs(memberCredentials(B), 'us-east-1', 3)).toEqual(['ok:1', 'ok:1', 'ok:1']);
    expect(await describeVpcs(a, 'eu-west-1', 3)).toEqual(['ok:1', 'ok:1', 'ok:1']);
    expect(fleet!.throttled).toBe(2);
    expect(fleet!.throttledByAccount).toEqual({ [A]: 2 });
  });

  it('a fault and a Region outage limited to one account leave the others alone', async () => {
    await start({
      faults: [{ operation: 'ec2:DescribeVpcs', kind: 'access-denied', account: A, region: 'eu-west-1' }],
      regionsDown: [{ account: B, region: 'eu-west-1' }, { region: 'ap-south-1' }],
    });
    const [a, b] = [memberCredentials(A), memberCredentials(B)];
    expect(await describeVpcs(a, 'eu-west-1', 1)).toEqual(['UnauthorizedOperation']);
    expect(await describeVpcs(a, 'us-east-1', 1)).toEqual(['ok:1']);
    expect(await describeVpcs(b, 'eu-west-1', 1)).toEqual(['ServiceUnavailable']);
    expect(await describeVpcs(b, 'us-east-1', 1)).toEqual(['ok:1']);
    expect(await describeVpcs(a, 'ap-south-1', 1)).toEqual(['ServiceUnavailable']);

    const ecs = new STSClient({ region: 'ap-south-1', maxAttempts: 1 });
    const down = await rejection(ecs.send(new GetCallerIdentityCommand({})));
    ecs.destroy();
    expect([down.name, down.$metadata?.httpStatusCode]).toEqual(['ServiceUnavailable', 503]);
  });
});
