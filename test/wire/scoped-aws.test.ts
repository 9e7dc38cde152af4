/**
 * Scoped re-audits on AWS, end to end: the real Lambda handlers (scheduledScan for the full scan
 * that stores the topology, onChange for CloudTrail events via EventBridge), the real collectors
 * and SDK clients against the loopback fake AWS, an in-memory state store and a capturing sink.
 * Each test changes the estate the way the event says (a second fake serves the estate after the
 * change) and checks the findings' statuses, what was notified, that nothing outside the scope
 * moved, and exactly which API calls the scoped run made.
 */
// middy 6 is ESM-only; Node 20 can require() it natively, jest's module registry cannot.
jest.mock('@middy/core', () => process.getBuiltinModule('node:module').createRequire(__filename)('@middy/core'));

import { createOnChangeHandler } from '../../functions/aws/onChange';
import { createScheduledScanHandler } from '../../functions/aws/scheduledScan';
import { createInvokeHandler } from '../../functions/aws/invoke';
import type { AwsRuntime } from '../../functions/shared/aws-runtime';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../lib/collect/aws/clients';
import { collectAwsRegion } from '../../lib/collect/aws/collect-region';
import { collectAwsScoped } from '../../lib/collect/aws/scoped';
import type { AwsInventoryData } from '../../lib/inventory/model';
import { InMemoryStateStore } from '../../lib/state/memory-store';
import type { DeliveryReport, FindingRecord, Notification, Sink } from '../../lib/state/types';
import { startFakeAws, type FakeAws, type FakeFault } from '../fakes/aws/server';
import { setAwsEnv } from '../helpers/aws-env';
import { ACCOUNT, ALB_ARN, ALB_LISTENER_ARN, ALB_TG_ARN, REGION, healthyAwsEstate } from '../helpers/aws-estate';
import { exampleAwsEstate } from '../helpers/example-estate';
import { cloudTrailEvent, scheduledEvent } from '../functions/fixtures/events';

jest.setTimeout(60_000);

type Handler = (event: unknown, ctx: unknown) => Promise<any>;
const asHandler = (h: unknown) => h as Handler;

const context = (fn: string) => ({ awsRequestId: `req-${fn}`, functionName: fn, invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:apigw-private-auditor-ci-${fn}` });

/** A sink that keeps what it was given. */
class CapturingSink implements Sink {
  readonly name = 'capture';
  readonly received: Notification[][] = [];
  async deliver(notifications: Notification[]): Promise<DeliveryReport> {
    this.received.push(notifications);
    return { sink: this.name, delivered: notifications.length, failed: [] };
  }
  last(): Array<{ event: string; ruleId: string; resource: string }> {
    return (this.received.at(-1) ?? []).map((n) => ({ event: n.event, ruleId: n.finding.ruleId, resource: n.finding.resource.id }));
  }
}

/** The CloudTrail-via-EventBridge envelope, for the estate's account. */
function event(source: string, detail: Record<string, unknown>, id: string): Record<string, unknown> {
  const e = cloudTrailEvent(source, { ...detail, recipientAccountId: ACCOUNT }, { account: ACCOUNT, id });
  (e.detail as Record<string, unknown>).recipientAccountId = ACCOUNT;
  return e;
}

interface World {
  store: InMemoryStateStore;
  sink: CapturingSink;
  clock: { now: Date };
  lines: Array<Record<string, unknown>>;
  runtime: AwsRuntime;
  fake?: FakeAws;
  restoreEnv?: () => void;
}

let world: World;

function newWorld(): World {
  const clock = { now: new Date('2026-11-21T12:00:00.000Z') };
  const store = new InMemoryStateStore();
  const sink = new CapturingSink();
  const lines: Array<Record<string, unknown>> = [];
  const runtime: AwsRuntime = {
    env: { AWS_REGION: REGION },
    collect: (region) => collectAwsRegion({ region, now: () => clock.now }),
    scopedCollectors: (region) => ({ aws: (base, reads, touched) => collectAwsScoped(base, reads, touched, { region }) }),
    audit: { store, sinkOverride: [sink] },
    now: () => clock.now,
    writeLog: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  };
  return { store, sink, clock, lines, runtime };
}

/** Serves `estate` from a fresh fake (the one before is closed). */
async function serve(estate: AwsInventoryData, faults: FakeFault[] = []): Promise<FakeAws> {
  await world.fake?.close();
  world.restoreEnv?.();
  world.fake = await startFakeAws(estate, { faults });
  world.restoreEnv = setAwsEnv({ AWS_ENDPOINT_URL: world.fake.url, AWS_REGION: REGION });
  return world.fake;
}

beforeEach(() => {
  world = newWorld();
});

afterEach(async () => {
  world.restoreEnv?.();
  await world.fake?.close();
});

/** The full scan that stores the topology. */
async function fullScan(estate: AwsInventoryData): Promise<FindingRecord[]> {
  await serve(estate);
  const result = await asHandler(createScheduledScanHandler(world.runtime))({ ...scheduledEvent, account: ACCOUNT }, context('scheduledScan'));
  expect(result).toMatchObject({ status: 'complete', summary: { mode: 'full' } });
  return world.store.load([{ provider: 'aws', account: ACCOUNT, region: REGION }]);
}

async function onChange(estate: AwsInventoryData, cloudTrail: Record<string, unknown>, faults: FakeFault[] = []): Promise<{ result: any; fake: FakeAws; records: FindingRecord[] }> {
  world.clock.now = new Date('2026-11-21T12:30:00.000Z');
  const fake = await serve(estate, faults);
  const result = await asHandler(createOnChangeHandler(world.runtime))(cloudTrail, context('onChange')).catch((error: unknown) => ({ thrown: error }));
  return { result, fake, records: await world.store.load([{ provider: 'aws', account: ACCOUNT, region: REGION }]) };
}

const operations = (fake: FakeAws) => fake.requests.map((r) => r.operation).sort();
const byRule = (records: FindingRecord[], ruleId: string) => records.filter((r) => r.ruleId === ruleId);
/** The records as they were, minus those of the given fingerprints. */
const untouched = (before: FindingRecord[], after: FindingRecord[], changed: string[]) => {
  const keep = (list: FindingRecord[]) => list.filter((r) => !changed.includes(r.fingerprint)).sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
  expect(keep(after)).toEqual(keep(before));
};

describe('onChange: scoped re-audit from a CloudTrail event', () => {
  it('AuthorizeSecurityGroupIngress that fixes a blocked group resolves the finding, and nothing else moves', async () => {
    const before = await fullScan(exampleAwsEstate());
    const blocked = byRule(before, 'AWS-SG-BACKEND-INGRESS-BLOCKED');
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.every((r) => r.status === 'open')).toBe(true);

    const fixed = exampleAwsEstate();
    fixed.securityGroups.find((g) => g.id === 'sg-alb')!.ingress = [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: [], prefixListIds: [], groupIds: ['sg-link'] }];
    const authorize = event(
      'aws.ec2',
      {
        eventName: 'AuthorizeSecurityGroupIngress',
        requestParameters: {
          groupId: 'sg-alb',
          ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, groups: { items: [{ groupId: 'sg-link' }] }, ipRanges: {}, ipv6Ranges: {}, prefixListIds: {} }] },
        },
        responseElements: { requestId: 'dc1d8f5e-1c2b-4b9a-8f1e-3d2c1b0a9f8e', _return: true, securityGroupRuleSet: { items: [{ groupId: 'sg-alb', isEgress: false, ipProtocol: 'tcp', fromPort: 443, toPort: 443, referencedGroupInfo: { groupId: 'sg-link' } }] } },
      },
      'e-authorize-0001',
    );
    const { result, fake, records } = await onChange(fixed, authorize);

    expect(result).toMatchObject({ status: 'complete', summary: { mode: 'scoped', resolved: blocked.length, scope: [{ mode: 'scoped', touched: 2 }] } });
    // Exactly the targeted reads: the links, the two groups, the ENIs carrying them.
    expect(operations(fake)).toEqual(['apigateway:GetVpcLinks', 'apigatewayv2:GetVpcLinks', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups']);
    expect(fake.requests.find((r) => r.operation === 'ec2:DescribeSecurityGroups')!.params).toMatchObject({ Filters: [{ Name: 'group-id', Values: ['sg-alb', 'sg-link'] }] });
    expect(result.summary.calls).toBe(4);
    for (const r of byRule(records, 'AWS-SG-BACKEND-INGRESS-BLOCKED')) expect(r).toMatchObject({ status: 'resolved', resolvedAt: '2026-11-21T12:30:00.000Z' });
    expect(world.sink.last().sort((a, b) => a.resource.localeCompare(b.resource))).toEqual(blocked.map((r) => ({ event: 'resolved', ruleId: r.ruleId, resource: r.finding.resource.id })).sort((a, b) => a.resource.localeCompare(b.resource)));
    // Outside the scope (the REST API's NLB, the unhealthy target group, the old link): not rewritten.
    untouched(before, records, blocked.map((r) => r.fingerprint).concat(records.filter((r) => r.observedAt === '2026-11-21T12:30:00.000Z').map((r) => r.fingerprint)));
    expect(records.find((r) => r.ruleId === 'AWS-RESTLINK-NLB-INTERNET-FACING')).toMatchObject({ status: 'open', observedAt: '2026-11-21T12:00:00.000Z' });
    expect(records.find((r) => r.ruleId === 'AWS-TARGETS-UNHEALTHY')).toMatchObject({ status: 'open', observedAt: '2026-11-21T12:00:00.000Z' });
  });

  it.each([
    [
      'ipPermissions.items form',
      { groupId: 'sg-app', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 8080, toPort: 8080, groups: { items: [{ groupId: 'sg-alb' }] }, ipRanges: {}, prefixListIds: {} }] } },
      (e: AwsInventoryData) => {
        e.securityGroups.find((g) => g.id === 'sg-app')!.ingress = [];
      },
      'AWS-SG-TARGET-INGRESS-BLOCKED',
    ],
    [
      'top-level cidrIp form',
      { groupId: 'sg-legacy', ipPermissions: {}, ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIp: '10.0.0.0/16' },
      (e: AwsInventoryData) => {
        e.securityGroups.find((g) => g.id === 'sg-legacy')!.ingress = [];
      },
      'AWS-RESTLINK-TARGET-INGRESS-BLOCKED',
    ],
  ])('RevokeSecurityGroupIngress (%s) raises a new finding on the paths behind the group', async (_form, requestParameters, change, ruleId) => {
    const before = await fullScan(healthyAwsEstate());
    expect(before).toEqual([]);
    const after = healthyAwsEstate();
    change(after);
    const revoke = event('aws.ec2', { eventName: 'RevokeSecurityGroupIngress', requestParameters, responseElements: { _return: true } }, `e-revoke-${ruleId}`);
    const { result, fake, records } = await onChange(after, revoke);

    expect(result).toMatchObject({ status: 'complete', summary: { mode: 'scoped' } });
    expect(operations(fake)).toEqual(
      expect.arrayContaining(['apigateway:GetVpcLinks', 'apigatewayv2:GetVpcLinks', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups']),
    );
    expect(operations(fake)).toHaveLength(4);
    const raised = byRule(records, ruleId);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ status: 'open', firstSeen: '2026-11-21T12:30:00.000Z' });
    expect(world.sink.last()).toEqual([{ event: 'new', ruleId, resource: raised[0]!.finding.resource.id }]);
    expect(records.every((r) => r.ruleId === ruleId || r.ruleId.startsWith('AWS-SG-'))).toBe(true);
  });

  it('DeleteVpcLink reports the integrations whose link is gone (two list calls, nothing else)', async () => {
    await fullScan(healthyAwsEstate());
    const after = healthyAwsEstate();
    after.vpcLinksV2 = [];
    after.networkInterfaces = after.networkInterfaces.filter((e) => e.interfaceType !== 'api_gateway_managed');
    const del = event('aws.apigateway', { eventName: 'DeleteVpcLink', requestParameters: { vpcLinkId: 'vl2abc' }, responseElements: null }, 'e-delete-link');
    const { result, fake, records } = await onChange(after, del);

    expect(result).toMatchObject({ status: 'complete', summary: { mode: 'scoped', scope: [{ mode: 'scoped', excludedRules: ['AWS-TARGETS-UNHEALTHY', 'AWS-CLOUDMAP-NO-INSTANCES'] }] } });
    expect(operations(fake)).toEqual(['apigateway:GetVpcLinks', 'apigatewayv2:GetVpcLinks']);
    const missing = byRule(records, 'AWS-INTEGRATION-LINK-MISSING');
    expect(missing.map((r) => r.finding.related.find((x) => x.role === 'integration')?.id).sort()).toEqual(['a1b2c3d4e5/int0001', 'a1b2c3d4e5/int0002']);
    expect(missing.every((r) => r.status === 'open')).toBe(true);
    // The REST API's path (V1 link) is outside the scope: nothing about it was written.
    expect(records.some((r) => JSON.stringify(r.finding).includes('r3st4p1'))).toBe(false);
  });

  it('UpdateIntegration re-reads that API only and judges its new target', async () => {
    await fullScan(healthyAwsEstate());
    const gone = `${ALB_LISTENER_ARN.slice(0, ALB_LISTENER_ARN.lastIndexOf('/'))}/0000000000000000`;
    const after = healthyAwsEstate();
    after.apis[0]!.integrations[0]!.uri = gone;
    const update = event(
      'aws.apigateway',
      {
        eventName: 'UpdateIntegration',
        requestParameters: { apiId: 'a1b2c3d4e5', integrationId: 'int0001', integrationUri: gone },
        responseElements: { integrationId: 'int0001', connectionId: 'vl2abc', integrationUri: gone },
      },
      'e-update-integration',
    );
    const { result, fake, records } = await onChange(after, update);

    expect(result).toMatchObject({ status: 'complete', summary: { mode: 'scoped' } });
    expect(operations(fake)).toEqual(['apigateway:GetVpcLinks', 'apigatewayv2:GetIntegrations', 'apigatewayv2:GetStages', 'apigatewayv2:GetVpcLinks', 'elasticloadbalancing:DescribeListeners']);
    expect(fake.requests.find((r) => r.operation === 'apigatewayv2:GetIntegrations')!.params).toMatchObject({ ApiId: 'a1b2c3d4e5' });
    expect(fake.requests.find((r) => r.operation === 'elasticloadbalancing:DescribeListeners')!.params).toMatchObject({ ListenerArns: [gone] });
    const targetMissing = byRule(records, 'AWS-INTEGRATION-TARGET-MISSING');
    expect(targetMissing).toHaveLength(1);
    expect(targetMissing[0]!.finding.related.find((x) => x.role === 'integration')?.id).toBe('a1b2c3d4e5/int0001');
    expect(world.sink.last()).toEqual([{ event: 'new', ruleId: 'AWS-INTEGRATION-TARGET-MISSING', resource: targetMissing[0]!.finding.resource.id }]);
  });

  it('DeleteLoadBalancer: "not found" removes it, and the integration reports its target missing', async () => {
    await fullScan(healthyAwsEstate());
    const after = healthyAwsEstate();
    after.loadBalancers = after.loadBalancers.filter((lb) => lb.arn !== ALB_ARN);
    after.listeners = after.listeners.filter((l) => l.loadBalancerArn !== ALB_ARN);
    after.networkInterfaces = after.networkInterfaces.filter((e) => !(e.description ?? '').includes('internal-alb'));
    after.targetGroups.find((tg) => tg.arn === ALB_TG_ARN)!.loadBalancerArns = [];
    const del = event('aws.elasticloadbalancing', { eventName: 'DeleteLoadBalancer', requestParameters: { loadBalancerArn: ALB_ARN }, responseElements: null }, 'e-delete-lb');
    const { result, fake, records } = await onChange(after, del);

    expect(result).toMatchObject({ status: 'complete', summary: { mode: 'scoped' } });
    expect(operations(fake)).toEqual([
      'apigateway:GetVpcLinks',
      'apigatewayv2:GetVpcLinks',
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeTargetGroups',
    ]);
    const missing = byRule(records, 'AWS-INTEGRATION-TARGET-MISSING');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ status: 'open', finding: { related: expect.arrayContaining([expect.objectContaining({ role: 'integration', id: 'a1b2c3d4e5/int0001' })]) } });
    expect(records.every((r) => r.ruleId === 'AWS-INTEGRATION-TARGET-MISSING')).toBe(true);
  });

  it('a failed targeted read: AUDIT-INCOMPLETE inside the scope, and nothing is resolved', async () => {
    const before = await fullScan(exampleAwsEstate());
    const fixed = exampleAwsEstate();
    fixed.securityGroups.find((g) => g.id === 'sg-alb')!.ingress = [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: [], prefixListIds: [], groupIds: ['sg-link'] }];
    const authorize = event('aws.ec2', { eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupId: 'sg-alb', ipPermissions: {}, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' } }, 'e-authorize-denied');
    const { result, records } = await onChange(fixed, authorize, [{ operation: 'ec2:DescribeSecurityGroups', kind: 'access-denied' }]);

    expect(result).toMatchObject({ status: 'incomplete', summary: { mode: 'scoped', resolved: 0 } });
    expect(byRule(records, 'AUDIT-INCOMPLETE')).toEqual([expect.objectContaining({ status: 'open', finding: expect.objectContaining({ resource: expect.objectContaining({ id: 'ec2:DescribeSecurityGroups' }) }) })]);
    for (const r of byRule(records, 'AWS-SG-BACKEND-INGRESS-BLOCKED')) expect(r.status).toBe('open');
    expect(records.filter((r) => r.status === 'resolved')).toEqual([]);
    expect(before.length).toBeGreaterThan(0);
  });

  it('a malformed targeted read (a null item among the groups): AUDIT-INCOMPLETE in scope, the fix on that path is not resolved', async () => {
    const before = await fullScan(exampleAwsEstate());
    const blocked = byRule(before, 'AWS-SG-BACKEND-INGRESS-BLOCKED');
    expect(blocked.length).toBeGreaterThan(0);
    const fixed = exampleAwsEstate();
    fixed.securityGroups.find((g) => g.id === 'sg-alb')!.ingress = [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: [], prefixListIds: [], groupIds: ['sg-link'] }];
    const authorize = event('aws.ec2', { eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupId: 'sg-alb', ipPermissions: {}, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' } }, 'e-authorize-malformed');
    // The answer carries the fixed groups and one null item, added after the SDK parsed it.
    let clients: AwsClients | undefined;
    world.runtime.scopedCollectors = (region) => ({
      aws: (base, reads, touched) => {
        clients = createAwsClients({ region, maxAttempts: 1, requestTimeoutMs: 10_000 });
        clients.ec2.middlewareStack.add(
          (next, context) => async (args) => {
            const out = await next(args);
            if (context.commandName === 'DescribeSecurityGroupsCommand') {
              const output = out.output as { SecurityGroups?: unknown[] };
              output.SecurityGroups = [...(output.SecurityGroups ?? []), null];
            }
            return out;
          },
          { step: 'initialize', name: 'nullSecurityGroupForTest' },
        );
        return collectAwsScoped(base, reads, touched, { region, clientOverrides: clients });
      },
    });
    try {
      const { result, records } = await onChange(fixed, authorize);
      expect(result).toMatchObject({ status: 'incomplete', summary: { mode: 'scoped', resolved: 0 } });
      const incomplete = byRule(records, 'AUDIT-INCOMPLETE');
      expect(incomplete).toEqual([expect.objectContaining({ status: 'open', finding: expect.objectContaining({ resource: expect.objectContaining({ id: 'ec2:DescribeSecurityGroups' }) }) })]);
      expect(JSON.stringify(incomplete[0]!.finding)).toContain('SecurityGroup: expected a structure, got null');
      for (const r of byRule(records, 'AWS-SG-BACKEND-INGRESS-BLOCKED')) expect(r.status).toBe('open');
      expect(records.filter((r) => r.status === 'resolved')).toEqual([]);
    } finally {
      if (clients) destroyAwsClients(clients);
    }
  });
});

describe('onChange: the documented fallback to a full scan', () => {
  const revoke = () => event('aws.ec2', { eventName: 'RevokeSecurityGroupIngress', requestParameters: { groupId: 'sg-app', ipPermissions: {}, ipProtocol: 'tcp', fromPort: 8080, toPort: 8080, cidrIp: '10.0.0.0/16' } }, 'e-fallback');

  it('no stored topology yet: the whole account and region, and the reason in the summary', async () => {
    const { result, fake } = await onChange(healthyAwsEstate(), revoke());
    expect(result).toMatchObject({ status: 'complete', summary: { mode: 'full', scope: [{ mode: 'full', reason: 'no stored topology for this target (no full scan recorded yet)' }] } });
    expect(operations(fake)).toContain('sts:GetCallerIdentity');
    expect(operations(fake)).toContain('apigateway:GetRestApis');
  });

  it('a stored topology older than APIGW_AUDIT_SCOPE_MAX_AGE_HOURS', async () => {
    await fullScan(healthyAwsEstate());
    world.runtime.env.APIGW_AUDIT_SCOPE_MAX_AGE_HOURS = '0.25';
    const { result } = await onChange(healthyAwsEstate(), revoke());
    expect(result.summary).toMatchObject({ mode: 'full', scope: [{ mode: 'full', reason: expect.stringMatching(/^the stored topology is 0\.5 h old, above the 0\.3 h/) }] });
  });

  it('an event naming a kind the targeted reads do not cover (a network ACL)', async () => {
    await fullScan(healthyAwsEstate());
    const acl = event('aws.ec2', { eventName: 'ReplaceNetworkAclEntry', requestParameters: { networkAclId: 'acl-0a1b2c3d4e5f60718', ruleNumber: 100 } }, 'e-acl');
    const { result } = await onChange(healthyAwsEstate(), acl);
    expect(result.summary).toMatchObject({ mode: 'full', scope: [{ mode: 'full', reason: 'network-acl acl-0a1b2c3d4e5f60718 cannot be re-read on its own' }] });
  });

  it('a scoped run saves the patched topology: the next event starts from it', async () => {
    await fullScan(healthyAwsEstate());
    const after = healthyAwsEstate();
    after.vpcLinksV2 = [];
    await onChange(after, event('aws.apigateway', { eventName: 'DeleteVpcLink', requestParameters: { vpcLinkId: 'vl2abc' } }, 'e-link-1'));
    // A second event about the API: its paths are judged on the patched topology (the link stays gone).
    const second = await onChange(after, event('aws.apigateway', { eventName: 'UpdateIntegration', requestParameters: { apiId: 'a1b2c3d4e5', integrationId: 'int0002' } }, 'e-int-2'));
    expect(second.result).toMatchObject({ status: 'complete', summary: { mode: 'scoped' } });
    expect(byRule(second.records, 'AWS-INTEGRATION-LINK-MISSING').every((r) => r.status === 'open')).toBe(true);
    const memory = (await world.store.loadMemory({ provider: 'aws', account: ACCOUNT, region: REGION })) as unknown as { topology: { patches: number; baseCollectedAt: string } };
    expect(memory.topology).toMatchObject({ patches: 2, baseCollectedAt: '2026-11-21T12:00:00.000Z' });
  });
});

describe('invoke: on-demand scoped runs', () => {
  it('a scoped payload judges the named resources only and returns the scoped document', async () => {
    await fullScan(exampleAwsEstate());
    world.clock.now = new Date('2026-11-21T12:30:00.000Z');
    const fake = await serve(exampleAwsEstate());
    const out = await asHandler(createInvokeHandler(world.runtime))(
      { mode: 'scoped', scope: { resources: [{ type: 'vpc-link', id: 'vl2dr01' }] }, output: 'document' },
      context('invoke'),
    );
    expect(out).toMatchObject({ ok: true, status: 'complete', summary: { mode: 'scoped' } });
    expect(operations(fake)).toEqual(['apigateway:GetVpcLinks', 'apigatewayv2:GetVpcLinks', 'ec2:DescribeNetworkInterfaces']);
    const doc = out.document as { scan: { mode: string; scope: { scoped: Array<{ resourceIds: string[] }> } }; findings: Array<{ ruleId: string; related: Array<{ id: string }>; resource: { id: string } }> };
    expect(doc.scan.mode).toBe('scoped');
    expect(doc.scan.scope.scoped[0]!.resourceIds).toEqual(expect.arrayContaining(['vl2dr01', 'p4ym3nts01/int0101']));
    expect(doc.findings.length).toBeGreaterThan(0);
    for (const f of doc.findings) expect([f.resource.id, ...f.related.map((r) => r.id)].some((id) => ['vl2dr01', 'p4ym3nts01/int0101'].includes(id))).toBe(true);
  });
});
