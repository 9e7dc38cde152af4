import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AliOp } from '../../lib/inventory/alibaba-operations';

const policy = JSON.parse(readFileSync(join(__dirname, '../../policies/alibaba-ram-policy.json'), 'utf8')) as {
  Version: string;
  Statement: Array<{ Effect: string; Action: string[]; Resource: string }>;
};

/** sts:GetCallerIdentity needs no RAM permission. */
const NO_PERMISSION_NEEDED = new Set<string>([AliOp.GetCallerIdentity]);

describe('Alibaba Cloud RAM policy (policies/alibaba-ram-policy.json)', () => {
  const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);

  it('allows exactly the read actions the collector records, nothing else', () => {
    const expected = Object.values(AliOp).filter((op) => !NO_PERMISSION_NEEDED.has(op));
    expect([...allowed].sort()).toEqual([...expected].sort());
    for (const action of allowed) expect(action).toMatch(/^(apigateway|ecs|vpc|slb):(Describe|Get|List)[A-Za-z]+$/);
    expect(policy.Statement.every((s) => s.Effect === 'Allow' && s.Resource === '*')).toBe(true);
  });

  it('covers every action a full collection really calls', async () => {
    const { startFakeAlibaba } = await import('../fakes/alibaba/server');
    const { collectAlibabaRegion } = await import('../../lib/collect/alibaba');
    const { exampleAlibabaEstate } = await import('../helpers/alibaba-example-estate');
    const estate = exampleAlibabaEstate();
    // A referenced prefix list, a CLB ACL and a backend service make those reads happen too.
    estate.prefixLists.push({ id: 'pl-corp', name: 'corp', entries: ['10.8.0.0/16'] });
    estate.securityGroups[0]!.rules!.push({ direction: 'egress', protocol: 'TCP', portRange: '22/22', policy: 'Accept', priority: 5, peerCidrs: [], peerPrefixListId: 'pl-corp' });
    estate.accessControlLists.push({ id: 'acl-gw', name: 'gw', entries: ['192.168.1.0/24'] });
    estate.loadBalancers[0]!.listeners = [{ port: 80, protocol: 'http', aclStatus: 'on', aclType: 'white', aclId: 'acl-gw' }];
    estate.deployedApis[0]!.backendId = 'bk-orders';
    estate.deployedApis[0]!.backend = { ...estate.deployedApis[0]!.backend, vpcAccessId: 'va-app' };
    estate.plugins.push({ id: 'pl-route', name: 'routing', type: 'routing', vpcAccessNames: ['app-ecs'] });
    const fake = await startFakeAlibaba(estate);
    try {
      await collectAlibabaRegion({
        region: estate.region,
        env: { ALIBABA_CLOUD_ENDPOINT_URL: fake.url, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIfaketest', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'fake-secret-0000' },
      });
    } finally {
      await fake.close();
    }
    const known = new Set<string>(Object.values(AliOp));
    const called = Object.keys(fake.calls);
    expect(called.filter((op) => !known.has(op))).toEqual([]);
    expect(called.filter((op) => !NO_PERMISSION_NEEDED.has(op) && !allowed.includes(op))).toEqual([]);
    // And every action in the policy is really exercised by a full collection.
    expect([...known].filter((op) => !called.includes(op))).toEqual([]);
  });
});

describe('Alibaba Cloud fan-out policy (policies/alibaba-fc-fanout-policy.json)', () => {
  const fanout = JSON.parse(readFileSync(join(__dirname, '../../policies/alibaba-fc-fanout-policy.json'), 'utf8')) as {
    Version: string;
    Statement: Array<{ Effect: string; Action: string[]; Resource: string[] }>;
  };

  // That these are exactly the calls the dispatcher and worker make is checked end to end in
  // test/functions/alibaba-fanout.test.ts (fleet, MNS and OSS fakes).
  it('lists the members, assumes only the member role, and sends only to the jobs queue', () => {
    expect(fanout.Version).toBe('1');
    expect(fanout.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
    const byAction = Object.fromEntries(fanout.Statement.flatMap((s) => s.Action.map((a) => [a, s.Resource])));
    expect(byAction).toEqual({
      'resourcemanager:ListAccounts': ['*'],
      'sts:AssumeRole': ['acs:ram::*:role/ApigwAuditorRead'],
      'mns:SendMessage': ['acs:mns:*:*:/queues/apigw-audit-jobs/messages'],
    });
  });

  it('the member role example trusts an account, for sts:AssumeRole only', () => {
    const trust = JSON.parse(readFileSync(join(__dirname, '../../examples/alibaba-member-role.json'), 'utf8')) as { Statement: Array<{ Action: string; Effect: string; Principal: { RAM: string[] } }> };
    expect(trust.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { RAM: ['acs:ram::<management-account-id>:root'] } }]);
  });
});
