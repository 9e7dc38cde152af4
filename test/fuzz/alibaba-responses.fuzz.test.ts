/**
 * Fuzz: the Alibaba API-response boundary (lib/collect/alibaba/normalize.ts, wire.ts,
 * plugin-data.ts and the collector's list reads). 11 000 cases:
 * - normalizers, 8 000: POP-answer-like objects (every member optional, JSON-string fields,
 *   VswitchId/VSwitchId, numbers and priorities as strings, lists bare or under `X.Y`, BigNumber-like
 *   objects, wrong types, nulls, huge and unicode strings). Property: a value the inventory schema
 *   accepts for that element; nothing thrown; problems reported on one bounded line.
 * - plugin definitions, 2 000: JSON/YAML texts (valid, damaged, alias and nesting bombs).
 *   Property: names or `{ ok: false }` with a one-line problem, within the time budget.
 * - list answers, 1 000: pages whose list key is missing, null or of a wrong shape. Property: a
 *   missing list key rejects with MalformedResponseError (the collector's guard turns it into a
 *   coverage error, i.e. AUDIT-INCOMPLETE), never an empty list.
 * Seeds are fixed (FUZZ_SEED overrides); FUZZ_SCALE scales the counts.
 */
import fc from 'fast-check';
import type { z } from 'zod';
import { listenersOf, numberedPages } from '../../lib/collect/alibaba/collect-region';
import { MalformedResponseError } from '../../lib/collect/alibaba/errors';
import * as normalize from '../../lib/collect/alibaba/normalize';
import { vpcAccessNamesInPluginData } from '../../lib/collect/alibaba/plugin-data';
import { integer } from '../../lib/collect/alibaba/wire';
import { AliOp } from '../../lib/inventory/alibaba-operations';
import { alibabaInventorySchema } from '../../lib/inventory/schema';
import { anyValueArb, expectOneLineMessage, garbageArb, seededRuns, timed, timedAsync, type MemberSpec } from './helpers';

const S = alibabaInventorySchema.shape;

function expectValid(schema: z.ZodType, value: unknown): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`invalid element: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  expectNoUndefined(value);
}

function expectNoUndefined(value: unknown, path = '(element)'): void {
  if (value === undefined) throw new Error(`${path} is undefined`);
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) expectNoUndefined(v, `${path}.${k}`);
}

// --- POP-answer-like values ---------------------------------------------------------------------------

/** pop-core parses big integers into BigNumber objects: something with a `toFixed()`. */
const bigNumberLike = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => ({ toFixed: () => n.toString(), isBigNumber: true }));
const textArb = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z]{1,4}-[0-9a-z]{1,8}$/) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '[]', '10.0.0.5', '192.168.1.0/24', 'TRUE', 'false', '-1/-1', '22/22', 'Drop', 'egress', '\n', 'x'.repeat(10_000)) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), bigNumberLike) },
);
const numberish = fc.oneof(fc.integer({ min: -1, max: 70_000 }), fc.integer().map(String), fc.constantFrom('1', ' 7 ', '9'.repeat(30), '1e3', '0x10', 1.5, 1e300, -0), bigNumberLike);
const boolish = fc.oneof(fc.boolean(), fc.constantFrom('true', 'TRUE', 'false', ' True ', 'yes', 1, 0));
const cidrListField = fc.oneof(
  fc.array(fc.constantFrom('10.0.0.0/8', '192.168.0.0/16', 'garbage', ' 172.16.0.0/12 '), { maxLength: 3 }).map((l) => JSON.stringify(l)),
  fc.constantFrom('', 'null', '[]', '10.0.0.0/8,192.168.0.0/16', '["10.0.0.0/8"', '"[\\"10.0.0.0/8\\"]"', '[1,2]', '{}', '[' .repeat(10_000)),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
);
const pluginDataArb = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"routes":[{"backend":{"type":"HTTP-VPC","vpcAccessName":"slb1"}}]}',
    'routes:\n  - backend:\n      type: HTTP-VPC\n      vpcAccessName: slb1\n',
    'vpc_access_name: [a, b, " c "]',
    'a: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
    'a: &x [*x]',
    '['.repeat(3000) + ']'.repeat(3000),
    '{"vpcName":' + '{"a":'.repeat(200) + '1' + '}'.repeat(201),
    '- '.repeat(2000) + 'vpcAccessName: x',
    ':\n\t- [',
  ),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(':', '-', ' ', '\n', '{', '}', '[', ']', '&', '*', '!', '|', '"', 'v', 'p', 'c', 'N', 'a', 'm', 'e'), maxLength: 150 }),
);

/** A valid-ish value for the spec 17 times in 20, otherwise garbage; lists come bare or wrapped under their item key. */
type AliSpec = MemberSpec | { list: Record<string, AliSpec> | 'text'; item: string };
function member(spec: AliSpec): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 17, arbitrary: valid(spec) }, { weight: 3, arbitrary: garbageArb });
}
function valid(spec: AliSpec): fc.Arbitrary<unknown> {
  if (spec instanceof fc.Arbitrary) return spec;
  if (spec === 'id' || spec === 'str') return textArb;
  if (spec === 'int') return numberish;
  if (spec === 'bool') return boolish;
  if (typeof spec === 'object' && 'list' in spec && 'item' in spec) {
    const items = fc.array(spec.list === 'text' ? member('str') : member(object(spec.list as Record<string, AliSpec>)), { maxLength: 3 });
    const item = spec.item as string;
    return fc.oneof(items, items.map((l) => ({ [item]: l })), fc.constant({}));
  }
  return object(spec as Record<string, AliSpec>);
}
function object(members: Record<string, AliSpec>): fc.Arbitrary<Record<string, unknown>> {
  const arbs: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(members)) arbs[k] = member(v);
  return fc.record(arbs, { requiredKeys: [] });
}
const list = (item: string, members: Record<string, AliSpec> | 'text'): AliSpec => ({ list: members, item });
const tagsSpec: AliSpec = fc.oneof(
  fc.array(fc.record({ Key: textArb, Value: textArb }, { requiredKeys: [] }), { maxLength: 2 }).map((l) => ({ TagInfo: l })),
  fc.array(fc.record({ TagKey: textArb, TagValue: textArb }, { requiredKeys: [] }), { maxLength: 2 }).map((l) => ({ Tag: l })),
);

const wire = {
  instance: object({
    InstanceId: 'id', InstanceName: 'str', InstanceType: 'str', DedicatedInstanceType: 'str', Status: 'str', ZoneId: 'str', ConnectVpcId: 'str',
    InstanceCidrBlock: 'str', VpcEgressAddress: 'str', NewVpcEgressAddress: 'str', InternetEgressAddress: 'str', UserVpcId: 'str',
    UserVswitchId: 'str', UserVSwitchId: 'str', VpcIntranetEnable: 'bool', VpcSlbIntranetEnable: 'bool', Tags: tagsSpec,
    ConnectCidrBlocks: cidrListField, IntranetSegments: cidrListField,
    NetworkInterfaceAttributes: list('NetworkInterfaceAttribute', { VswitchId: 'str', VSwitchId: 'str', SecurityGroupId: 'str', CidrBlock: 'str', ZoneId: 'str' }),
  }),
  vpcAccess: object({ VpcAccessId: 'id', Name: 'str', VpcId: 'str', InstanceId: 'str', Port: 'int', VpcTargetHostName: 'str', Description: 'str' }),
  group: object({ GroupId: 'id', GroupName: 'str', InstanceId: 'str', InstanceType: 'str', DedicatedInstanceType: 'str', SubDomain: 'str', VpcDomain: 'str', DisableInnerDomain: 'bool', VpcIntranetEnable: 'bool', Tags: tagsSpec }),
  deployed: object({
    ApiId: 'id', ApiName: 'str', GroupId: 'str', StageName: 'str', BackendEnable: 'bool', BackendConfig: { BackendId: 'str' },
    ServiceConfig: { Mock: 'bool', ServiceAddress: fc.constantFrom('http://10.0.0.5:8080/p', '10.0.0.5', 'https://[::1]/', 'http://', '::::', 'https://api.example.com'), ServiceVpcEnable: 'bool', ServiceProtocol: 'str', VpcConfig: { Name: 'str', VpcId: 'str', InstanceId: 'str', Port: 'int' } },
  }),
  backendInfo: object({
    BackendType: fc.constantFrom('VPC', 'HTTP', 'vpc', 'FC'),
    BackendModels: list('BackendModel', { StageName: fc.constantFrom('RELEASE', 'TEST'), BackendConfig: { Type: fc.constantFrom('VPC', 'HTTP'), ServiceAddress: 'str', VpcConfig: { Name: 'str', VpcAccessId: 'str', VpcId: 'str', InstanceId: 'str', Port: 'int', VpcScheme: 'str' } } }),
  }),
  summary: object({ DeployedInfos: list('DeployedInfo', { StageName: 'str', DeployedStatus: fc.constantFrom('DEPLOYED', 'NONDEPLOYED', 'deployed') }) }),
  plugin: object({ PluginId: 'id', PluginName: 'str', PluginType: 'str', PluginData: pluginDataArb }),
  permission: object({
    Direction: fc.constantFrom('ingress', 'egress', 'EGRESS', 'x'), IpProtocol: 'str', PortRange: 'str', Policy: 'str', Priority: 'int',
    SourceCidrIp: 'str', Ipv6SourceCidrIp: 'str', DestCidrIp: 'str', Ipv6DestCidrIp: 'str', SourceGroupId: 'str', DestGroupId: 'str',
    SourcePrefixListId: 'str', DestPrefixListId: 'str', SecurityGroupRuleId: 'str', Description: 'str',
  }),
  listedGroup: object({ SecurityGroupType: 'str', SecurityGroupName: 'str', VpcId: 'str', InnerAccessPolicy: 'str' }),
  eni: object({
    NetworkInterfaceId: 'id', VpcId: 'str', VSwitchId: 'str', VswitchId: 'str', PrivateIpAddress: 'str', Type: 'str', ZoneId: 'str', ServiceManaged: 'bool', InstanceId: 'str', Description: 'str',
    PrivateIpSets: list('PrivateIpSet', { Primary: 'bool', PrivateIpAddress: 'str' }),
    SecurityGroupIds: fc.oneof(fc.array(textArb).map((l) => ({ SecurityGroupId: l })), fc.array(textArb).map((l) => ({ SecurityGroup: l }))),
  }),
  ecs: object({
    InstanceId: 'id', InstanceName: 'str', Status: 'str',
    VpcAttributes: { VpcId: 'str', VSwitchId: 'str', VswitchId: 'str', PrivateIpAddress: list('IpAddress', 'text') } as Record<string, AliSpec> as AliSpec,
    NetworkInterfaces: list('NetworkInterface', { NetworkInterfaceId: 'str', PrimaryIpAddress: 'str', PrivateIpSets: list('PrivateIpSet', { PrivateIpAddress: 'str' }) }),
    SecurityGroupIds: list('SecurityGroupId', 'text'),
  }),
  prefixList: object({ PrefixListName: 'str', Entries: list('Entry', { Cidr: 'str' }) }),
  vswitch: object({ VSwitchId: 'id', VpcId: 'str', CidrBlock: 'str', ZoneId: 'str', Ipv6CidrBlock: 'str' }),
  vpc: object({ VpcId: 'id', CidrBlock: 'str', Ipv6CidrBlock: 'str', SecondaryCidrBlocks: list('SecondaryCidrBlock', 'text'), Ipv6CidrBlocks: list('Ipv6CidrBlock', { Ipv6CidrBlock: 'str' }) }),
  listener: object({ ListenerPort: 'int', ListenerProtocol: 'str', AclStatus: 'str', AclType: 'str', AclId: 'str', AclIds: list('AclId', 'text') }),
  loadBalancer: object({ LoadBalancerId: 'id', Address: 'str', LoadBalancerName: 'str', AddressType: 'str', VpcId: 'str', VSwitchId: 'str', VswitchId: 'str', LoadBalancerStatus: 'str' }),
};

const context = fc.record({ vpcIntegration: fc.boolean() });
type Target = { name: string; input: fc.Arbitrary<unknown[]>; run: (...args: never[]) => unknown; check: (out: never) => void };
const schemaCheck = (schema: z.ZodType) => (out: unknown) => expectValid(schema, out);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const problemCheck = (problems: string[]) => {
  for (const p of problems) expectOneLineMessage(p);
};

const TARGETS: Target[] = [
  {
    name: 'gatewayInstance',
    input: fc.tuple(wire.instance),
    run: normalize.gatewayInstance as never,
    check: (out: { instance: unknown; problems: string[] }) => {
      expectValid(S.gatewayInstances.element, out.instance);
      problemCheck(out.problems);
    },
  },
  { name: 'vpcAccess', input: fc.tuple(wire.vpcAccess), run: normalize.vpcAccess as never, check: schemaCheck(S.vpcAccesses.element) },
  { name: 'apiGroup', input: fc.tuple(wire.group, optional(wire.group)), run: normalize.apiGroup as never, check: schemaCheck(S.apiGroups.element) },
  {
    name: 'deployedApi',
    input: fc.tuple(wire.deployed, fc.constantFrom('RELEASE', 'TEST'), context, optional(wire.backendInfo)),
    run: normalize.deployedApi as never,
    check: schemaCheck(S.deployedApis.element),
  },
  { name: 'deployedStages', input: fc.tuple(wire.summary), run: normalize.deployedStages as never, check: (out: unknown) => expectValid(S.plugins.element.shape.vpcAccessNames, out) },
  {
    name: 'plugin',
    input: fc.tuple(wire.plugin),
    run: normalize.plugin as never,
    check: (out: { plugin: unknown; problem?: string }) => {
      expectValid(S.plugins.element, out.plugin);
      if (out.problem !== undefined) expectOneLineMessage(out.problem);
    },
  },
  { name: 'securityGroupRule', input: fc.tuple(wire.permission), run: normalize.securityGroupRule as never, check: schemaCheck(S.securityGroups.element.shape.rules.unwrap().element) },
  {
    name: 'securityGroup',
    input: fc.tuple(fc.constant('sg-1'), optional(wire.listedGroup), optional(wire.listedGroup), optional(fc.array(wire.permission, { maxLength: 3 }))),
    run: normalize.securityGroup as never,
    check: schemaCheck(S.securityGroups.element),
  },
  { name: 'networkInterface', input: fc.tuple(wire.eni), run: normalize.networkInterface as never, check: schemaCheck(S.networkInterfaces.element) },
  { name: 'ecsInstance', input: fc.tuple(wire.ecs), run: normalize.ecsInstance as never, check: schemaCheck(S.ecsInstances.element) },
  { name: 'ecsNetworkInterfaceIds', input: fc.tuple(wire.ecs), run: normalize.ecsNetworkInterfaceIds as never, check: schemaCheck(S.ecsInstances.element.shape.securityGroupIds) },
  { name: 'prefixList', input: fc.tuple(fc.constant('pl-1'), wire.prefixList), run: normalize.prefixList as never, check: schemaCheck(S.prefixLists.element) },
  { name: 'vswitch', input: fc.tuple(wire.vswitch), run: normalize.vswitch as never, check: schemaCheck(S.vswitches.element) },
  { name: 'vpc', input: fc.tuple(wire.vpc), run: normalize.vpc as never, check: schemaCheck(S.vpcs.element) },
  { name: 'listener', input: fc.tuple(wire.listener), run: normalize.listener as never, check: schemaCheck(S.loadBalancers.element.shape.listeners.unwrap().element) },
  { name: 'listenerAclIds', input: fc.tuple(wire.listener), run: normalize.listenerAclIds as never, check: schemaCheck(S.vswitches.element.shape.id.array()) },
  {
    name: 'loadBalancer',
    input: fc.tuple(wire.loadBalancer, optional(fc.array(wire.listener, { maxLength: 2 }).map((l) => l.map((w) => normalize.listener(w))))),
    run: normalize.loadBalancer as never,
    check: schemaCheck(S.loadBalancers.element),
  },
  { name: 'parseCidrList', input: fc.tuple(fc.oneof(cidrListField, anyValueArb)), run: normalize.parseCidrList as never, check: (out: { ok: boolean; cidrs?: unknown }) => (out.ok ? expectValid(S.vpcs.element.shape.cidrs, out.cidrs) : undefined) },
];

const NORMALIZER_CASES = 8000;
const PER = Math.ceil(NORMALIZER_CASES / TARGETS.length);

describe(`Alibaba normalizers: ${NORMALIZER_CASES.toLocaleString('en-US')} cases (${PER} per normalizer)`, () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))('%s: a schema-valid element, nothing thrown', (_, t) => {
    fc.assert(
      fc.property(t.input, (args) => {
        const out = timed(() => (t.run as (...a: unknown[]) => unknown)(...args));
        t.check(out as never);
      }),
      seededRuns(PER),
    );
  });
});

describe('Alibaba normalizer regressions (found by this suite)', () => {
  // Before: integer('99999999999999999999') gave 1e20 (and 1e300 stayed 1e300), a port or
  // priority the schema rejects; an unsafe integer is no value.
  test('numbers beyond the safe integers are no value', () => {
    expect(integer('9'.repeat(30))).toBeUndefined();
    expect(integer(1e300)).toBeUndefined();
    expect(normalize.vpcAccess({ VpcAccessId: 'v', Port: '99999999999999999999' }).port).toBe(0);
    expect(normalize.securityGroupRule({ Priority: 1e300 }).priority).toBe(1);
  });
  // Before: the problem text quoted the raw InstanceId / PluginId, so an id with a line break or
  // 10 kB of text gave a multi-line, unbounded coverage message.
  test('problems quote ids on one bounded line', () => {
    const { problems } = normalize.gatewayInstance({ InstanceId: 'a\nb' + 'x'.repeat(10_000), ConnectCidrBlocks: '{' });
    expect(problems).toHaveLength(1);
    expectOneLineMessage(problems[0]!);
    expect(problems[0]!.length).toBeLessThan(200);
    const { problem } = normalize.plugin({ PluginId: 'p\r\n' + 'y'.repeat(10_000), PluginData: '{: [' });
    expectOneLineMessage(problem!);
    expect(problem!.length).toBeLessThan(200);
  });
});

describe('plugin definitions: 2,000 cases', () => {
  it('names or a one-line problem, within the time budget', () => {
    fc.assert(
      fc.property(fc.oneof(pluginDataArb, fc.constant(undefined)), (data) => {
        const out = timed(() => vpcAccessNamesInPluginData(data));
        if (out.ok) for (const n of out.vpcAccessNames) expect(n.trim()).toBe(n);
        else expectOneLineMessage(out.problem);
      }),
      seededRuns(2000),
    );
  });
});

describe('list answers: 1,000 cases', () => {
  const answerArb = fc.record(
    {
      VpcAccessAttributes: fc.oneof(
        fc.constant(undefined),
        fc.constant(null),
        fc.array(wire.vpcAccess, { maxLength: 3 }).map((l) => ({ VpcAccessAttribute: l })),
        fc.array(wire.vpcAccess, { maxLength: 3 }),
        garbageArb,
      ),
      TotalCount: fc.oneof(fc.constant(undefined), numberish),
    },
    { requiredKeys: [] },
  );
  it('a missing or malformed list key is a MalformedResponseError (a coverage error), never an empty list', async () => {
    await fc.assert(
      fc.asyncProperty(answerArb, async (answer) => {
        let pages = 0;
        const call = async () => {
          if (++pages > 3) return { VpcAccessAttributes: { VpcAccessAttribute: [] } };
          return answer as Record<string, unknown>;
        };
        const missing = answer.VpcAccessAttributes === undefined || answer.VpcAccessAttributes === null;
        try {
          const items = await timedAsync(() => numberedPages(call, AliOp.DescribeVpcAccesses, 'apigateway', 'DescribeVpcAccesses', 100, 'VpcAccessAttributes', 'VpcAccessAttribute'));
          expect(missing).toBe(false);
          for (const w of items) expectValid(S.vpcAccesses.element, normalize.vpcAccess(w));
        } catch (error) {
          if (!(error instanceof MalformedResponseError)) throw error;
          // Missing: the key is named; present but of another shape: the key path and what was found.
          if (missing) expect(error.message).toBe('missing VpcAccessAttributes');
          else expect(error.message.startsWith('DescribeVpcAccesses: VpcAccessAttributes')).toBe(true);
        }
        // DescribeLoadBalancerListeners: a missing Listeners is only accepted with TotalCount 0.
        const listenerAnswer = { Listeners: answer.VpcAccessAttributes, TotalCount: answer.TotalCount };
        try {
          listenersOf(listenerAnswer);
        } catch (error) {
          if (!(error instanceof MalformedResponseError)) throw error;
          expect(error.message).toMatch(/Listeners/);
        }
      }),
      seededRuns(1000),
    );
  });

  it('a list key of the wrong type, a wrapper without its items or a non-object item is a MalformedResponseError naming the key path, never a shorter list', async () => {
    const listArb = fc.oneof(
      fc.array(wire.vpcAccess, { maxLength: 3 }).map((l) => ({ VpcAccessAttribute: l })),
      fc.array(wire.vpcAccess, { maxLength: 3 }),
      garbageArb,
      fc.array(garbageArb, { maxLength: 3 }),
      fc.array(garbageArb, { maxLength: 3 }).map((l) => ({ VpcAccessAttribute: l })),
    );
    await fc.assert(
      fc.asyncProperty(listArb, fc.oneof(fc.constant(undefined), numberish), async (list, total) => {
        const answer = { VpcAccessAttributes: list, TotalCount: total };
        const inner = Array.isArray(list) ? list : list !== null && typeof list === 'object' ? (list as Record<string, unknown>).VpcAccessAttribute : undefined;
        const objectsOnly = Array.isArray(inner) && inner.every((i) => i !== null && typeof i === 'object' && !Array.isArray(i));
        const emptyWrapper = (list === '' || (list !== null && typeof list === 'object' && !Array.isArray(list) && Object.keys(list).length === 0)) && integer(total) === 0;
        let pages = 0;
        const call = async () => (++pages > 1 ? { VpcAccessAttributes: { VpcAccessAttribute: [] }, TotalCount: 0 } : answer);
        try {
          const items = await timedAsync(() => numberedPages(call, AliOp.DescribeVpcAccesses, 'apigateway', 'DescribeVpcAccesses', 100, 'VpcAccessAttributes', 'VpcAccessAttribute'));
          expect(objectsOnly || emptyWrapper || list === undefined || list === null).toBe(true);
          expect(items).toHaveLength(emptyWrapper ? 0 : (inner as unknown[]).length);
        } catch (error) {
          if (!(error instanceof MalformedResponseError)) throw error;
          expect(objectsOnly && !emptyWrapper).toBe(false);
          expectOneLineMessage(error.message);
          expect(error.message).toMatch(/^(missing VpcAccessAttributes|DescribeVpcAccesses: VpcAccessAttributes(\.VpcAccessAttribute)?(\[\d+\])? is )/);
        }
      }),
      seededRuns(1000),
    );
  });
});
