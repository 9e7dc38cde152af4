/**
 * Truth first for malformed list answers: a list of the wrong type, a null item or an item without
 * its id is a coverage error for that operation (AUDIT-INCOMPLETE), never an empty or shortened
 * list. Each case runs the real collector against the loopback fakes with one answer damaged
 * after the SDK / pop-core parsed it, and checks that the collection completes, the operation
 * carries a one-line error naming the key path, and no element was fabricated or dropped.
 *
 * - AWS scoped re-audit (lib/collect/aws/scoped.ts): the targeted reads normalize inside their
 *   guard, so the stored copy is kept (an empty list there would read as "deleted").
 * - Alibaba full collection and scoped re-audit (lib/collect/alibaba/collect-region.ts `listItems`).
 */
import { noReads } from '../../lib/scope/aws';
import type { MiddlewareStack } from '@smithy/types';
import { collectAlibabaRegion } from '../../lib/collect/alibaba/collect-region';
import { createPopClient, type PopClientFactory } from '../../lib/collect/alibaba/pop-client';
import { collectAlibabaScoped } from '../../lib/collect/alibaba/scoped';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../lib/collect/aws/clients';
import { collectAwsScoped, sortInventory } from '../../lib/collect/aws/scoped';
import { AliOp } from '../../lib/inventory/alibaba-operations';
import { AwsOp } from '../../lib/inventory/aws-operations';
import type { AlibabaInventoryData, AwsInventoryData, CoverageEntry } from '../../lib/inventory/model';
import type { AlibabaScopedReads } from '../../lib/scope/alibaba';
import type { AwsScopedReads } from '../../lib/scope/aws';
import { ALI_API_VERSIONS, DEFAULT_FAKE_ALI_CREDENTIALS, startFakeAlibaba, type FakeAli } from '../fakes/alibaba/server';
import { startFakeAws, type FakeAws } from '../fakes/aws/server';
import { ALI_REGION, healthyAlibabaEstate } from '../helpers/alibaba-estate';
import { ALB_ARN, ALB_LISTENER_ARN, ALB_TG_ARN, REGION, healthyAwsEstate } from '../helpers/aws-estate';
import { setAwsEnv } from '../helpers/aws-env';

jest.setTimeout(60_000);

type Answer = Record<string, unknown>;

function coverageOf(data: { coverage: CoverageEntry[] }, operation: string): CoverageEntry | undefined {
  return data.coverage.find((c) => c.operation === operation);
}

function expectOneLineError(entry: CoverageEntry | undefined, message: string | RegExp): void {
  expect(entry).toEqual(expect.objectContaining({ status: 'error' }));
  expect(entry!.error).toEqual(typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message));
  expect(entry!.error).not.toMatch(/[\r\n]/);
}

// --- AWS scoped re-audit ----------------------------------------------------------------------------

describe('AWS scoped reads: a malformed answer is a coverage error for that read, the stored copy stays', () => {
  let fake: FakeAws;
  let restoreEnv: () => void;
  let clients: AwsClients | undefined;

  beforeAll(async () => {
    fake = await startFakeAws(healthyAwsEstate());
    restoreEnv = setAwsEnv({ AWS_ENDPOINT_URL: fake.url, AWS_REGION: REGION });
  });
  afterAll(async () => {
    restoreEnv();
    await fake.close();
  });
  afterEach(() => {
    if (clients) destroyAwsClients(clients);
    clients = undefined;
  });

  const reads = (over: Partial<AwsScopedReads>): AwsScopedReads => ({
    ...noReads(false),
    ...over,
  });

  /** Clients whose `command` answers are passed through `damage` after the SDK parsed them. */
  function damaged(service: keyof AwsClients, command: string, damage: (output: Answer) => void): AwsClients {
    clients = createAwsClients({ region: REGION, maxAttempts: 1, requestTimeoutMs: 10_000 });
    const stack = (clients[service] as unknown as { middlewareStack: MiddlewareStack<any, any> }).middlewareStack;
    stack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === command) damage(result.output as Answer);
        return result;
      },
      { step: 'initialize', name: 'damageAnswerForTest' },
    );
    return clients;
  }

  type Kind = keyof Pick<AwsInventoryData, 'vpcLinksV2' | 'securityGroups' | 'networkInterfaces' | 'subnets' | 'apis' | 'loadBalancers' | 'listeners' | 'targetGroups' | 'instances' | 'prefixLists' | 'cloudMapServices'>;
  const cases: Array<[string, keyof AwsClients, string, (o: Answer) => void, Partial<AwsScopedReads>, string, string, Kind]> = [
    ['GetVpcLinks (v2): a null item', 'apiGatewayV2', 'GetVpcLinksCommand', (o) => void (o.Items = [null]), {}, AwsOp.GetVpcLinksV2, 'VpcLink: expected a structure, got null', 'vpcLinksV2'],
    ['GetVpcLinks (v2): an item without VpcLinkId', 'apiGatewayV2', 'GetVpcLinksCommand', (o) => void (o.Items = [{ Name: 'x' }]), {}, AwsOp.GetVpcLinksV2, 'VpcLink.VpcLinkId: missing', 'vpcLinksV2'],
    ['DescribeSecurityGroups: SecurityGroups a string', 'ec2', 'DescribeSecurityGroupsCommand', (o) => void (o.SecurityGroups = 'sg-1'), { securityGroupIds: ['sg-alb'] }, AwsOp.DescribeSecurityGroups, 'DescribeSecurityGroups.SecurityGroups: expected a list, got string', 'securityGroups'],
    ['DescribeSecurityGroups: a group without GroupId', 'ec2', 'DescribeSecurityGroupsCommand', (o) => void (o.SecurityGroups = [{ GroupName: 'x' }]), { securityGroupIds: ['sg-alb'] }, AwsOp.DescribeSecurityGroups, 'SecurityGroup.GroupId: missing', 'securityGroups'],
    ['DescribeNetworkInterfaces: a null item', 'ec2', 'DescribeNetworkInterfacesCommand', (o) => void (o.NetworkInterfaces = [null]), { networkInterfaceGroupIds: ['sg-alb'] }, AwsOp.DescribeNetworkInterfaces, 'NetworkInterface: expected a structure, got null', 'networkInterfaces'],
    ['DescribeSubnets: NextToken a number', 'ec2', 'DescribeSubnetsCommand', (o) => void (o.NextToken = 5), { subnetIds: ['subnet-a'] }, AwsOp.DescribeSubnets, 'DescribeSubnets.NextToken: expected a string, got number', 'subnets'],
    ['DescribeInstances: Reservations[0].Instances a string', 'ec2', 'DescribeInstancesCommand', (o) => void (o.Reservations = [{ Instances: 'i-app' }]), { instanceIds: ['i-app'] }, AwsOp.DescribeInstances, 'DescribeInstances.Reservations[0].Instances: expected a list, got string', 'instances'],
    ['GetIntegrations: an integration with a numeric id', 'apiGatewayV2', 'GetIntegrationsCommand', (o) => void (o.Items = [{ IntegrationId: 5 }]), { apis: [{ id: 'a1b2c3d4e5', kind: 'http' }] }, AwsOp.GetIntegrationsV2, 'Integration.IntegrationId: expected a string, got number', 'apis'],
    ['GetResources: items an object', 'apiGateway', 'GetResourcesCommand', (o) => void (o.items = { id: 'r' }), { apis: [{ id: 'r3st4p1', kind: 'rest' }] }, AwsOp.GetResources, 'GetResources.items: expected a list, got object', 'apis'],
    ['DescribeLoadBalancers: LoadBalancers an object (not "deleted")', 'elbv2', 'DescribeLoadBalancersCommand', (o) => void (o.LoadBalancers = {}), { loadBalancerArns: [ALB_ARN] }, AwsOp.DescribeLoadBalancers, 'DescribeLoadBalancers.LoadBalancers: expected a list, got object', 'loadBalancers'],
    ['DescribeListeners: a listener without ListenerArn', 'elbv2', 'DescribeListenersCommand', (o) => void (o.Listeners = [{ Port: 443 }]), { listenerArns: [ALB_LISTENER_ARN] }, AwsOp.DescribeListeners, 'Listener.ListenerArn: missing', 'listeners'],
    ['DescribeTargetGroups: a null item', 'elbv2', 'DescribeTargetGroupsCommand', (o) => void (o.TargetGroups = [null]), { targetGroupArns: [ALB_TG_ARN] }, AwsOp.DescribeTargetGroups, 'TargetGroup: expected a structure, got null', 'targetGroups'],
    ['GetService: Service a string', 'serviceDiscovery', 'GetServiceCommand', (o) => void (o.Service = 'srv'), { cloudMapServiceIds: ['srv-payments0001'] }, AwsOp.GetService, 'Service: expected a structure, got string', 'cloudMapServices'],
    ['ListInstances: an instance with a numeric Id', 'serviceDiscovery', 'ListInstancesCommand', (o) => void (o.Instances = [{ Id: 5 }]), { cloudMapServiceIds: ['srv-payments0001'] }, AwsOp.ListInstances, 'Instances[0].Id: expected a string, got number', 'cloudMapServices'],
    ['DescribeManagedPrefixLists: a list without PrefixListId (not "deleted")', 'ec2', 'DescribeManagedPrefixListsCommand', (o) => void (o.PrefixLists = [{ PrefixListName: 'office' }]), { prefixListIds: ['pl-office'] }, AwsOp.DescribeManagedPrefixLists, 'DescribeManagedPrefixLists.PrefixLists[0].PrefixListId: missing', 'prefixLists'],
  ];

  it.each(cases)('%s', async (_name, service, command, damage, over, operation, message, kind) => {
    const base = healthyAwsEstate();
    base.prefixLists = [{ id: 'pl-office', name: 'office', entries: ['198.51.100.0/24'] }];
    const out = await collectAwsScoped(base, reads(over), [], { region: REGION, maxAttempts: 1, clientOverrides: damaged(service, command, damage) });

    expectOneLineError(coverageOf(out.inventory, operation), message);
    // Nothing fabricated, nothing dropped: the stored copy of what the read was about stays.
    sortInventory(base);
    expect(out.inventory[kind]).toEqual(base[kind]);
  });
});

// --- Alibaba ------------------------------------------------------------------------------------------

const PRODUCT_OF_VERSION = Object.fromEntries(Object.entries(ALI_API_VERSIONS).map(([product, version]) => [version, product]));

/** pop-core clients whose answers to `operation` (`<product>:<Action>`) are passed through `damage`. */
function damagedPop(operation: string, damage: (answer: Answer) => void): PopClientFactory {
  return (config) => {
    const real = createPopClient(config);
    return {
      async request(action, params, options) {
        const answer = (await real.request(action, params, options)) as Answer;
        if (`${PRODUCT_OF_VERSION[config.apiVersion]}:${action}` === operation) damage(answer);
        return answer;
      },
    };
  };
}

const FAST = { ratePerSecond: 10_000, burst: 10_000, concurrency: 8 };
let ali: FakeAli;
const aliOptions = () => ({
  region: ALI_REGION,
  maxAttempts: 1,
  env: { ALIBABA_CLOUD_ENDPOINT_URL: ali.url, ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_FAKE_ALI_CREDENTIALS.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_FAKE_ALI_CREDENTIALS.accessKeySecret },
  rateLimits: { apigateway: FAST, ecs: FAST, vpc: FAST, slb: FAST, sts: FAST },
  sleep: async () => undefined,
  now: () => new Date('2026-11-20T12:00:00.000Z'),
});

beforeAll(async () => {
  ali = await startFakeAlibaba(healthyAlibabaEstate());
});
afterAll(() => ali.close());

const ids = (items: Array<{ id: string }>) => items.map((i) => i.id).sort();

describe('Alibaba full collection: a list key of the wrong type is a coverage error, never an empty list', () => {
  type AliKind = keyof Pick<AlibabaInventoryData, 'gatewayInstances' | 'vpcAccesses' | 'securityGroups' | 'networkInterfaces' | 'ecsInstances' | 'vswitches' | 'loadBalancers'>;
  const cases: Array<[string, string, (a: Answer) => void, string, AliKind, string[]]> = [
    ['Instances a string', AliOp.DescribeInstances, (a) => void (a.Instances = 'x'), 'DescribeInstances: Instances is a string, expected a list', 'gatewayInstances', []],
    ['{ InstanceAttribute: 5 }', AliOp.DescribeInstances, (a) => void (a.Instances = { InstanceAttribute: 5 }), 'DescribeInstances: Instances.InstanceAttribute is a number, expected a list', 'gatewayInstances', []],
    ['a wrapper without its item list', AliOp.DescribeVpcAccesses, (a) => void (a.VpcAccessAttributes = { Other: [] }), 'DescribeVpcAccesses: VpcAccessAttributes.VpcAccessAttribute is missing', 'vpcAccesses', []],
    ['an empty wrapper while TotalCount is not 0', AliOp.DescribeVSwitches, (a) => void (a.VSwitches = {}), 'DescribeVSwitches: VSwitches.VSwitch is missing', 'vswitches', []],
    ['an empty string while TotalCount is not 0', AliOp.DescribeLoadBalancers, (a) => void (a.LoadBalancers = ''), 'DescribeLoadBalancers: LoadBalancers is an empty string, expected a list', 'loadBalancers', []],
    ['a null item', AliOp.DescribeEcsInstances, (a) => void (a.Instances = { Instance: [null] }), 'DescribeInstances: Instances.Instance[0] is null, expected an object', 'ecsInstances', []],
    ['a string item', AliOp.DescribeNetworkInterfaces, (a) => void (a.NetworkInterfaceSets = { NetworkInterfaceSet: ['eni-1'] }), 'DescribeNetworkInterfaces: NetworkInterfaceSets.NetworkInterfaceSet[0] is a string, expected an object', 'networkInterfaces', []],
    // The group list failed, the groups' own attribute reads still say what they are: nothing named sg-1 appears.
    ['SecurityGroups: { SecurityGroup: "sg-1" }', AliOp.DescribeSecurityGroups, (a) => void (a.SecurityGroups = { SecurityGroup: 'sg-1' }), 'DescribeSecurityGroups: SecurityGroups.SecurityGroup is a string, expected a list', 'securityGroups', ['sg-app', 'sg-gw']],
    ['NextToken an object', AliOp.DescribeEcsInstances, (a) => void (a.NextToken = {}), 'DescribeInstances: NextToken is an object, expected a string', 'ecsInstances', []],
  ];

  it.each(cases)('%s', async (_name, operation, damage, message, kind, expected) => {
    const data = await collectAlibabaRegion({ ...aliOptions(), createClient: damagedPop(operation, damage) });
    expectOneLineError(coverageOf(data, operation), `malformed response: ${message}`);
    expect(ids(data[kind])).toEqual(expected);
  });

  it('a rule list or a listener list of the wrong type leaves the group without rules and the CLB without listeners (unknown, not empty)', async () => {
    const rules = await collectAlibabaRegion({ ...aliOptions(), createClient: damagedPop(AliOp.DescribeSecurityGroupAttribute, (a) => void (a.Permissions = { Permission: 'all' })) });
    expectOneLineError(coverageOf(rules, AliOp.DescribeSecurityGroupAttribute), 'DescribeSecurityGroupAttribute: Permissions.Permission is a string, expected a list');
    expect(rules.securityGroups.map((g) => g.rules)).toEqual([undefined, undefined]);

    const listeners = await collectAlibabaRegion({ ...aliOptions(), createClient: damagedPop(AliOp.DescribeLoadBalancerListeners, (a) => void (a.Listeners = 'x')) });
    expectOneLineError(coverageOf(listeners, AliOp.DescribeLoadBalancerListeners), 'DescribeLoadBalancerListeners: Listeners is a string, expected a list');
    expect(listeners.loadBalancers.map((lb) => [lb.id, lb.listeners])).toEqual([['lb-app', undefined]]);
  });

  it('legitimate empty forms are still empty lists: { Item: [] }, a bare [], and an empty wrapper whose TotalCount says 0', async () => {
    for (const damage of [
      (a: Answer) => void Object.assign(a, { VpcAccessAttributes: { VpcAccessAttribute: [] }, TotalCount: 0 }),
      (a: Answer) => void Object.assign(a, { VpcAccessAttributes: [], TotalCount: 0 }),
      (a: Answer) => void Object.assign(a, { VpcAccessAttributes: {}, TotalCount: 0 }),
      (a: Answer) => void Object.assign(a, { VpcAccessAttributes: '', TotalCount: '0' }),
    ]) {
      const data = await collectAlibabaRegion({ ...aliOptions(), createClient: damagedPop(AliOp.DescribeVpcAccesses, damage) });
      expect(coverageOf(data, AliOp.DescribeVpcAccesses)).toEqual(expect.objectContaining({ status: 'ok' }));
      expect(data.vpcAccesses).toEqual([]);
    }
  });
});

describe('Alibaba scoped reads: a wrong-typed list is a coverage error, not "deleted"', () => {
  const reads = (over: Partial<AlibabaScopedReads>): AlibabaScopedReads => ({
    securityGroupIds: [],
    vpcAccessIds: [],
    gatewayInstanceIds: [],
    ecsInstanceIds: [],
    loadBalancerIds: [],
    networkInterfaceIds: [],
    vswitchIds: [],
    accessControlListIds: [],
    ...over,
  });
  type AliKind = keyof Pick<AlibabaInventoryData, 'gatewayInstances' | 'vpcAccesses' | 'ecsInstances' | 'networkInterfaces' | 'vswitches' | 'loadBalancers'>;
  const cases: Array<[string, string, (a: Answer) => void, Partial<AlibabaScopedReads>, string, AliKind]> = [
    ['gateway instance: Instances a string', AliOp.DescribeInstances, (a) => void (a.Instances = 'x'), { gatewayInstanceIds: ['apigateway-hz-vpc001'] }, 'DescribeInstances: Instances is a string, expected a list', 'gatewayInstances'],
    ['VPC access: { VpcAccessAttribute: 5 }', AliOp.DescribeVpcAccesses, (a) => void (a.VpcAccessAttributes = { VpcAccessAttribute: 5 }), { vpcAccessIds: ['va-app'] }, 'DescribeVpcAccesses: VpcAccessAttributes.VpcAccessAttribute is a number, expected a list', 'vpcAccesses'],
    ['ECS instance: { Instance: "i-app" }', AliOp.DescribeEcsInstances, (a) => void (a.Instances = { Instance: 'i-app' }), { ecsInstanceIds: ['i-app'] }, 'DescribeInstances: Instances.Instance is a string, expected a list', 'ecsInstances'],
    ['ENI: an empty wrapper without TotalCount 0', AliOp.DescribeNetworkInterfaces, (a) => Object.assign(a, { NetworkInterfaceSets: {}, TotalCount: 1 }), { networkInterfaceIds: ['eni-app'] }, 'DescribeNetworkInterfaces: NetworkInterfaceSets.NetworkInterfaceSet is missing', 'networkInterfaces'],
    ['vSwitch: a null item', AliOp.DescribeVSwitches, (a) => void (a.VSwitches = { VSwitch: [null] }), { vswitchIds: ['vsw-app'] }, 'DescribeVSwitches: VSwitches.VSwitch[0] is null, expected an object', 'vswitches'],
    ['CLB: LoadBalancers a number', AliOp.DescribeLoadBalancers, (a) => void (a.LoadBalancers = 0), { loadBalancerIds: ['lb-app'] }, 'DescribeLoadBalancers: LoadBalancers is a number, expected a list', 'loadBalancers'],
  ];

  let base: AlibabaInventoryData;
  beforeAll(async () => {
    base = await collectAlibabaRegion(aliOptions());
    expect(base.coverage.filter((c) => c.status === 'error')).toEqual([]);
  });

  it.each(cases)('%s', async (_name, operation, damage, over, message, kind) => {
    const out = await collectAlibabaScoped(base, reads(over), { ...aliOptions(), createClient: damagedPop(operation, damage) });
    expectOneLineError(coverageOf(out, operation), `malformed response: ${message}`);
    expect(out[kind]).toEqual(base[kind]);
  });
});
