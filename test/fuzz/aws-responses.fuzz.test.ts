/**
 * Fuzz: the AWS API-response boundary.
 *
 * 1. Normalizers (lib/collect/aws/normalize.ts), 12 000 cases: every exported normalizer gets
 *    SDK-output-like structures (every member optional, each valid-typed or of a wrong type:
 *    null, numbers for strings, strings for lists, huge and unicode strings, nested garbage) and
 *    arbitrary values. Property: a value the inventory schema accepts for that element, or a
 *    MalformedAwsResponseError whose one-line message names the member; nothing else thrown.
 * 2. The wire path, 10 000 cases: fuzzed bodies (XML/JSON trees mutated, truncated, wrong element
 *    types, entity and nesting bombs, non-200 statuses) for ec2:DescribeSecurityGroups (ec2Query
 *    XML), apigatewayv2:GetVpcLinks (restJson1) and elasticloadbalancing:DescribeTargetGroups
 *    (awsQuery XML), read by the real SDK clients with an in-process request handler (a full
 *    collection costs ~40 ms, too slow for 10 000 cases; one SDK call ~1 ms). 9 700 cases go
 *    through the collector's own read (SDK deserializer → page check → normalizer), 300 through a
 *    whole collectAwsRegion: it completes, the broken operation is a coverage error
 *    (AUDIT-INCOMPLETE) with its kind left empty, or ok with only elements whose ids are in the
 *    body; every other operation is ok and nothing else appears.
 * Seeds are fixed (FUZZ_SEED overrides); FUZZ_SCALE scales the counts.
 */
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import fc from 'fast-check';
import type { z } from 'zod';
import { collectAwsRegion } from '../../lib/collect/aws';
import { countedCall, listVpcLinksV2, page, type AwsSender } from '../../lib/collect/aws/collect-region';
import * as normalize from '../../lib/collect/aws/normalize';
import { CallCounter } from '../../lib/collect/coverage';
import { describeError } from '../../lib/collect/errors';
import { collectPages } from '../../lib/collect/paging';
import { AwsOp } from '../../lib/inventory/aws-operations';
import type { AwsInventoryData } from '../../lib/inventory/model';
import { awsInventorySchema } from '../../lib/inventory/schema';
import { inProcessAws, type WireAnswer } from './aws-wire';
import { anyValueArb, expectOneLineMessage, garbageArb, mutatedArb, seededRuns, structureArb, timed, timedAsync, type MemberSpec } from './helpers';

// --- element schemas ------------------------------------------------------------------------------

const S = awsInventorySchema.shape;
const api = S.apis.element.shape;
const sgRule = S.securityGroups.element.shape.ingress.element;
const target = S.targetGroups.element.shape.targets.unwrap().element;
const cloudMapInstance = S.cloudMapServices.element.shape.instances.unwrap().element;

function expectValid(schema: z.ZodType, value: unknown): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`invalid element: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  expectNoUndefined(value);
}

/** Optional members are left out, never present as `undefined`. */
function expectNoUndefined(value: unknown, path = '(element)'): void {
  if (value === undefined) throw new Error(`${path} is undefined`);
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) expectNoUndefined(v, `${path}.${k}`);
}

/** The normalizer's answer, or its MalformedAwsResponseError (any other exception fails). */
function normalized<T>(fn: () => T, where: RegExp): T | normalize.MalformedAwsResponseError {
  try {
    return timed(fn);
  } catch (error) {
    if (!(error instanceof normalize.MalformedAwsResponseError)) throw error;
    expectOneLineMessage(error.message);
    if (!where.test(error.message)) throw new Error(`message does not name the member: ${error.message}`);
    expect(error.message).toMatch(/^\S[^\n]*: (missing|expected .+)$/);
    expect(describeError(error)).toBe(`MalformedResponse: ${error.message}`);
    return error;
  }
}

// --- SDK output shapes ------------------------------------------------------------------------------

const tlsConfig = { ServerNameToVerify: 'str' } as const;
const ipPermission = {
  IpProtocol: 'str', FromPort: 'int', ToPort: 'int',
  IpRanges: [{ CidrIp: 'str' }], Ipv6Ranges: [{ CidrIpv6: 'str' }], PrefixListIds: [{ PrefixListId: 'str' }], UserIdGroupPairs: [{ GroupId: 'str' }],
} as const;
const state = (key: string) => ({ [key]: { State: fc.constantFrom('associated', 'disassociated', 'failed') } }) as Record<string, MemberSpec>;
const action = { TargetGroupArn: 'str', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'str' }] } } as const;
const shapes = {
  vpcLinkV2: { VpcLinkId: 'id', Name: 'str', VpcLinkStatus: 'str', VpcLinkStatusMessage: 'str', SubnetIds: ['str'], SecurityGroupIds: ['str'], CreatedDate: 'date', Tags: 'map' },
  vpcLinkV1: { id: 'id', name: 'str', status: 'str', statusMessage: 'str', targetArns: ['str'], tags: 'map' },
  httpApi: { ApiId: 'id', Name: 'str', ProtocolType: fc.constantFrom('HTTP', 'WEBSOCKET', 'x'), Tags: 'map' },
  httpIntegration: { IntegrationId: 'id', IntegrationType: 'str', ConnectionType: 'str', ConnectionId: 'str', IntegrationUri: 'str', TlsConfig: tlsConfig },
  httpStage: { StageName: 'id', StageVariables: 'map', DeploymentId: 'str' },
  restApi: { id: 'id', name: 'str', tags: 'map' },
  restResource: {
    id: 'id',
    path: 'str',
    resourceMethods: fc.dictionary(
      fc.constantFrom('GET', 'POST', 'ANY', '__proto__', ''),
      structureArb({ httpMethod: 'str', methodIntegration: { type: 'str', connectionType: 'str', connectionId: 'str', uri: 'str', integrationTarget: 'str' } }),
      { maxKeys: 3 },
    ),
  },
  restStage: { stageName: 'id', variables: 'map', deploymentId: 'str' },
  networkInterface: {
    NetworkInterfaceId: 'id', InterfaceType: 'str', SubnetId: 'str', VpcId: 'str', AvailabilityZone: 'str', AvailabilityZoneId: 'str', PrivateIpAddress: 'str',
    PrivateIpAddresses: [{ Primary: 'bool', PrivateIpAddress: 'str' }], Ipv6Addresses: [{ Ipv6Address: 'str' }], Groups: [{ GroupId: 'str' }],
    Description: 'str', RequesterId: 'str', RequesterManaged: 'bool', Status: 'str', Attachment: { InstanceId: 'str' },
  },
  ipPermission,
  securityGroup: { GroupId: 'id', GroupName: 'str', VpcId: 'str', OwnerId: 'str', IpPermissions: [ipPermission], IpPermissionsEgress: [ipPermission] },
  subnet: {
    SubnetId: 'id', VpcId: 'str', CidrBlock: 'str', AvailabilityZone: 'str', AvailabilityZoneId: 'str',
    Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: 'str', ...state('Ipv6CidrBlockState') }],
  },
  vpc: {
    VpcId: 'id', CidrBlock: 'str',
    CidrBlockAssociationSet: [{ CidrBlock: 'str', ...state('CidrBlockState') }],
    Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: 'str', ...state('Ipv6CidrBlockState') }],
  },
  prefixList: { PrefixListId: 'str', PrefixListName: 'str' },
  instance: {
    InstanceId: 'id', PrivateIpAddress: 'str', NetworkInterfaces: [{ PrivateIpAddresses: [{ PrivateIpAddress: 'str' }] }],
    SecurityGroups: [{ GroupId: 'str' }], VpcId: 'str', SubnetId: 'str', State: { Name: 'str' },
  },
  loadBalancer: {
    LoadBalancerArn: 'id', LoadBalancerName: 'str', Type: 'str', Scheme: 'str', VpcId: 'str', AvailabilityZones: [{ SubnetId: 'str' }],
    SecurityGroups: ['str'], State: { Code: 'str' }, DNSName: 'str', EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'str',
  },
  attribute: { Key: 'str', Value: 'str' },
  action,
  listener: { ListenerArn: 'id', LoadBalancerArn: 'str', Port: 'int', Protocol: 'str', DefaultActions: [action] },
  targetGroup: {
    TargetGroupArn: 'id', TargetGroupName: 'str', TargetType: 'str', LoadBalancerArns: ['str'], Protocol: 'str', Port: 'int', VpcId: 'str',
    HealthCheckPort: 'str', HealthCheckProtocol: 'str',
  },
  targetHealth: { Target: { Id: 'id', Port: 'int', AvailabilityZone: 'str' }, TargetHealth: { State: 'str', Reason: 'str', Description: 'str' } },
  service: { Id: 'str', Arn: 'str', Name: 'str', NamespaceId: 'str', HealthCheckConfig: { Type: 'str' }, HealthCheckCustomConfig: { FailureThreshold: 'int' } },
  cloudMapInstance: { Id: 'id', Attributes: 'map' },
} satisfies Record<string, Record<string, MemberSpec>>;

/** Mostly shaped structures, sometimes anything at all. */
const shaped = (members: Record<string, MemberSpec>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 17, arbitrary: structureArb(members) }, { weight: 2, arbitrary: anyValueArb }, { weight: 1, arbitrary: garbageArb });
const listOf = (members: Record<string, MemberSpec>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 9, arbitrary: fc.array(shaped(members), { maxLength: 4 }) }, { weight: 1, arbitrary: anyValueArb });

type Target = { name: string; input: fc.Arbitrary<unknown>; run: (input: never) => unknown; schema: z.ZodType; where: RegExp };

const sdk = <T>(value: unknown) => value as T;
const TARGETS: Target[] = [
  { name: 'vpcLinkV2', input: shaped(shapes.vpcLinkV2), run: (v) => normalize.vpcLinkV2(sdk(v)), schema: S.vpcLinksV2.element, where: /^VpcLink\b/ },
  { name: 'vpcLinkV1', input: shaped(shapes.vpcLinkV1), run: (v) => normalize.vpcLinkV1(sdk(v)), schema: S.vpcLinksV1.element, where: /^VpcLink\b/ },
  { name: 'httpApi', input: shaped(shapes.httpApi), run: (v) => normalize.httpApi(sdk(v), [], []), schema: S.apis.element, where: /^Api\b/ },
  { name: 'httpIntegration', input: shaped(shapes.httpIntegration), run: (v) => normalize.httpIntegration(sdk(v)), schema: api.integrations.element, where: /^Integration\b/ },
  { name: 'httpStage', input: shaped(shapes.httpStage), run: (v) => normalize.httpStage(sdk(v)), schema: api.stages.element, where: /^Stage\b/ },
  { name: 'restApi', input: shaped(shapes.restApi), run: (v) => normalize.restApi(sdk(v), [], []), schema: S.apis.element, where: /^RestApi\b/ },
  { name: 'restIntegrations', input: listOf(shapes.restResource), run: (v) => normalize.restIntegrations(sdk(v)), schema: api.integrations, where: /^Resources?\b/ },
  { name: 'restStage', input: shaped(shapes.restStage), run: (v) => normalize.restStage(sdk(v)), schema: api.stages.element, where: /^Stage\b/ },
  { name: 'networkInterface', input: shaped(shapes.networkInterface), run: (v) => normalize.networkInterface(sdk(v)), schema: S.networkInterfaces.element, where: /^NetworkInterface\b/ },
  { name: 'securityGroupRule', input: shaped(shapes.ipPermission), run: (v) => normalize.securityGroupRule(sdk(v)), schema: sgRule, where: /^IpPermission\b/ },
  { name: 'securityGroup', input: shaped(shapes.securityGroup), run: (v) => normalize.securityGroup(sdk(v)), schema: S.securityGroups.element, where: /^SecurityGroup\b/ },
  { name: 'subnet', input: shaped(shapes.subnet), run: (v) => normalize.subnet(sdk(v)), schema: S.subnets.element, where: /^Subnet\b/ },
  { name: 'vpc', input: shaped(shapes.vpc), run: (v) => normalize.vpc(sdk(v)), schema: S.vpcs.element, where: /^Vpc\b/ },
  {
    name: 'prefixList',
    input: fc.tuple(fc.stringMatching(/^pl-[0-9a-f]{1,8}$/), fc.option(shaped(shapes.prefixList), { nil: undefined }), fc.option(fc.array(fc.string()), { nil: undefined })),
    run: (v) => normalize.prefixList(...(v as [string, never, string[] | undefined])),
    schema: S.prefixLists.element,
    where: /^PrefixList\b/,
  },
  { name: 'instance', input: shaped(shapes.instance), run: (v) => normalize.instance(sdk(v)), schema: S.instances.element, where: /^Instance\b/ },
  { name: 'loadBalancer', input: shaped(shapes.loadBalancer), run: (v) => normalize.loadBalancer(sdk(v)), schema: S.loadBalancers.element, where: /^LoadBalancer\b/ },
  { name: 'loadBalancerAttributes', input: listOf(shapes.attribute), run: (v) => normalize.loadBalancerAttributes(sdk(v)), schema: S.loadBalancers.element.shape.attributes.unwrap(), where: /^Attributes\b/ },
  { name: 'forwardedTargetGroups', input: listOf(shapes.action), run: (v) => normalize.forwardedTargetGroups(sdk(v)), schema: S.listeners.element.shape.defaultTargetGroupArns, where: /^Actions\b/ },
  { name: 'listener', input: shaped(shapes.listener), run: (v) => normalize.listener(sdk(v)), schema: S.listeners.element, where: /^Listener\b/ },
  { name: 'targetGroup', input: shaped(shapes.targetGroup), run: (v) => normalize.targetGroup(sdk(v)), schema: S.targetGroups.element, where: /^TargetGroup\b/ },
  { name: 'targets', input: listOf(shapes.targetHealth), run: (v) => normalize.targets(sdk(v)), schema: S.targetGroups.element.shape.targets.unwrap(), where: /^TargetHealthDescriptions\b/ },
  {
    name: 'cloudMapService',
    input: fc.tuple(
      fc.option(shaped(shapes.service), { nil: undefined }),
      fc.option(listOf(shapes.cloudMapInstance), { nil: undefined }),
      fc.option(fc.oneof(fc.dictionary(fc.string(), fc.constantFrom('HEALTHY', 'UNHEALTHY')), anyValueArb), { nil: undefined }),
    ),
    run: (v) => normalize.cloudMapService('srv-1', 'arn:aws:servicediscovery:us-east-1:1:service/srv-1', ...(v as [never, never, never])),
    schema: S.cloudMapServices.element,
    where: /^(Service|Instances|Status)\b/,
  },
];

const NORMALIZER_CASES = 12_000;
const PER_NORMALIZER = Math.ceil(NORMALIZER_CASES / TARGETS.length);

describe(`AWS normalizers: ${NORMALIZER_CASES.toLocaleString('en-US')} cases (${PER_NORMALIZER} per normalizer)`, () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))('%s: a schema-valid element or a MalformedAwsResponseError naming the member', (_, t) => {
    let built = 0;
    fc.assert(
      fc.property(t.input, (input) => {
        const out = normalized(() => t.run(input as never), t.where);
        if (out instanceof normalize.MalformedAwsResponseError) return;
        built++;
        expectValid(t.schema, out);
      }),
      seededRuns(PER_NORMALIZER),
    );
    expect(built).toBeGreaterThan(0); // the generator reaches valid elements too
  });
});

describe('AWS normalizer regressions (found by this suite)', () => {
  // Before: a null list item (the SDK's JSON deserializers pass `null` through) threw a TypeError
  // from outside any guard in collect-region.ts, ending the whole collection.
  test('a null item is a typed error', () => {
    expect(() => normalize.vpcLinkV2(null as never)).toThrow(new normalize.MalformedAwsResponseError('VpcLink', 'expected a structure, got null'));
  });
  // Before: { id: '' } — an element nobody can reference, silently in the inventory.
  test('a missing identifier is a typed error, not an empty id', () => {
    expect(() => normalize.securityGroup({})).toThrow('SecurityGroup.GroupId: missing');
    expect(() => normalize.targets([{ TargetHealth: { State: 'healthy' } }])).toThrow('TargetHealthDescriptions[0].Target.Id: missing');
  });
  // Before: subnetIds ['s', 'u', 'b', …] — a string spread into characters.
  test('a string where a list belongs is a typed error, not a list of characters', () => {
    expect(() => normalize.vpcLinkV2({ VpcLinkId: 'vl-1', SubnetIds: 'subnet-1' } as never)).toThrow('VpcLink.SubnetIds: expected a list, got string');
  });
  // Before: { id: 5 } — the schema requires a string.
  test('a number where an id belongs is a typed error', () => {
    expect(() => normalize.httpIntegration({ IntegrationId: 5 as never })).toThrow('Integration.IntegrationId: expected a string, got number');
  });
  // Before: fromPort 1e20 — not an integer the schema accepts.
  test('a port beyond the safe integers is a typed error', () => {
    expect(() => normalize.securityGroupRule({ FromPort: 1e20 })).toThrow('IpPermission.FromPort: expected an integer, got 100000000000000000000');
  });
  // Before: TypeError reading `methodIntegration` of null.
  test('a null method of a REST resource is skipped', () => {
    expect(normalize.restIntegrations([{ id: 'r1', resourceMethods: { GET: null as never } }])).toEqual([]);
  });
  // Before: Object.assign of a string status spread its characters into instance health.
  test('a Cloud Map health status that is not a map is a typed error', () => {
    expect(() => normalize.answerMap('GetInstancesHealthStatus.Status', 'HEALTHY' as never)).toThrow('GetInstancesHealthStatus.Status: expected a map, got string');
  });
});

// --- the wire path ----------------------------------------------------------------------------------

type XmlTree = null | boolean | number | string | XmlTree[] | { [tag: string]: XmlTree };

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Objects become elements, lists `<item>` sequences, leaves text; a key that is no XML name is written as is. */
function toXml(node: unknown, depth = 0): string {
  if (depth > 200) return '';
  if (node === null || node === undefined) return '';
  if (Array.isArray(node)) return node.map((child) => `<item>${toXml(child, depth + 1)}</item>`).join('');
  if (typeof node === 'object') return Object.entries(node).map(([tag, child]) => `<${tag}>${toXml(child, depth + 1)}</${tag}>`).join('');
  return escapeXml(String(node));
}

interface WireCase {
  operation: string;
  /** Serializes a (mutated) tree to a body. */
  render: (tree: unknown) => string;
  base: XmlTree;
  contentType: string;
  /** Ids of the elements this operation yields, read from the inventory. */
  ids: (data: AwsInventoryData) => string[];
  /** The collector's own read of this operation (SDK → page check → normalizer), as collect-region.ts runs it inside its guard. */
  read: (s: AwsSender) => Promise<Array<{ id: string; element: unknown }>>;
  schema: z.ZodType;
  /** Inventory kinds this operation may fill (besides its own, for reads it starts). */
  kinds: Array<keyof AwsInventoryData>;
}

const permission = { ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: [{ cidrIp: '10.0.0.0/8' }], ipv6Ranges: [{ cidrIpv6: '::/0' }], prefixListIds: [{ prefixListId: 'pl-1' }], groups: [{ groupId: 'sg-2' }] };
const WIRE_CASES: WireCase[] = [
  {
    operation: AwsOp.DescribeSecurityGroups,
    base: {
      securityGroupInfo: [
        { groupId: 'sg-1', groupName: 'web', vpcId: 'vpc-1', ownerId: '123456789012', ipPermissions: [permission], ipPermissionsEgress: [{ ipProtocol: '-1' }] },
        { groupId: 'sg-2', groupName: 'db', vpcId: 'vpc-1' },
      ],
      nextToken: null,
    },
    render: (tree) => `<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>${toXml(tree)}</DescribeSecurityGroupsResponse>`,
    contentType: 'text/xml',
    ids: (d) => d.securityGroups.map((g) => g.id),
    read: async (s) =>
      (
        await s.pages(
          AwsOp.DescribeSecurityGroups,
          (token) => s.clients.ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 1000, NextToken: token })),
          (out) => page('DescribeSecurityGroups', 'SecurityGroups', out.SecurityGroups, 'NextToken', out.NextToken),
        )
      )
        .map(normalize.securityGroup)
        .map((g) => ({ id: g.id, element: g })),
    schema: S.securityGroups.element,
    kinds: ['securityGroups', 'prefixLists'],
  },
  {
    operation: AwsOp.GetVpcLinksV2,
    base: {
      items: [
        { vpcLinkId: 'vl1abc', name: 'link', vpcLinkStatus: 'AVAILABLE', subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'], createdDate: '2024-01-01T00:00:00Z', tags: { team: 'a' } },
        { vpcLinkId: 'vl2def', name: 'other', vpcLinkStatus: 'FAILED', vpcLinkStatusMessage: 'x' },
      ],
      nextToken: null,
    },
    render: (tree) => JSON.stringify(tree) ?? '',
    contentType: 'application/json',
    ids: (d) => d.vpcLinksV2.map((l) => l.id),
    read: async (s) => (await listVpcLinksV2(s)).map(normalize.vpcLinkV2).map((l) => ({ id: l.id, element: l })),
    schema: S.vpcLinksV2.element,
    kinds: ['vpcLinksV2'],
  },
  {
    operation: AwsOp.DescribeTargetGroups,
    base: {
      TargetGroups: [
        { TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/a/1', TargetGroupName: 'a', Protocol: 'HTTP', Port: 80, TargetType: 'ip', VpcId: 'vpc-1', LoadBalancerArns: ['arn:lb'] },
      ],
      NextMarker: null,
    },
    render: (tree) =>
      `<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetGroupsResult>${toXml(tree)}</DescribeTargetGroupsResult></DescribeTargetGroupsResponse>`.replace(
        /<item>/g,
        '<member>',
      ).replace(/<\/item>/g, '</member>'),
    contentType: 'text/xml',
    ids: (d) => d.targetGroups.map((t) => t.arn),
    read: async (s) =>
      (
        await s.pages(
          AwsOp.DescribeTargetGroups,
          (marker) => s.clients.elbv2.send(new DescribeTargetGroupsCommand({ PageSize: 400, Marker: marker })),
          (out) => page('DescribeTargetGroups', 'TargetGroups', out.TargetGroups, 'NextMarker', out.NextMarker),
        )
      )
        .map((tg) => normalize.targetGroup(tg))
        .map((t) => ({ id: t.arn, element: t })),
    schema: S.targetGroups.element,
    kinds: ['targetGroups'],
  },
];

/** Text-level damage to a rendered body. */
type TextDamage = { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; text: string } | { kind: 'replace'; body: string };

const textDamageArb: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<TextDamage>({ kind: 'none' }) },
  { weight: 3, arbitrary: fc.nat().map<TextDamage>((at) => ({ kind: 'truncate', at })) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        at: fc.nat(),
        text: fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.constantFrom('<', '>', '&', '&bogus;', '&#0;', '&#x110000;', '<![CDATA[', ']]>', '<!--', '<?xml version="1.0"?>', '"', '{', '}', '[', ']', ',', '\u0000', '\uFFFE', '\uD800'),
        ),
      })
      .map<TextDamage>((d) => ({ kind: 'insert', ...d })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 200, unit: 'binary' }),
        fc.constantFrom(
          '',
          'null',
          '[]',
          '"x"',
          '<html><body>502 Bad Gateway</body></html>',
          '<!DOCTYPE a [<!ENTITY b "bbbbbbbbbbbbbbbbbbbb"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]><a>&e;&e;&e;&e;&e;&e;&e;&e;&e;</a>',
          '<a>'.repeat(5000),
          '['.repeat(5000),
          '{"items":' + '['.repeat(3000) + ']'.repeat(3000) + '}',
        ),
      )
      .map<TextDamage>((body) => ({ kind: 'replace', body })),
  },
);

function damage(body: string, d: TextDamage): string {
  if (d.kind === 'truncate') return body.slice(0, d.at % (body.length + 1));
  if (d.kind === 'insert') {
    const at = d.at % (body.length + 1);
    return body.slice(0, at) + d.text + body.slice(at);
  }
  if (d.kind === 'replace') return d.body;
  return body;
}

const statusArb = fc.oneof({ weight: 19, arbitrary: fc.constant(200) }, { weight: 1, arbitrary: fc.constantFrom(200, 204, 301, 400, 403, 404, 500, 503) });

function bodyArb(c: WireCase): fc.Arbitrary<WireAnswer> {
  return fc.record({ tree: mutatedArb(c.base, 4), damage: textDamageArb, status: statusArb }).map(({ tree, damage: d, status }) => ({
    status,
    contentType: c.contentType,
    body: damage(c.render(tree), d),
  }));
}

/** The body's text with XML character references and predefined entities resolved. */
function decodedXml(body: string): string {
  const char = (code: number) => (code <= 0x10ffff ? String.fromCodePoint(code) : '');
  return body
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => char(Number.parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec: string) => char(Number(dec)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);
}

/** Every id an element carries must be text of the body (nothing invented); XML escapes accepted. */
function expectFromBody(ids: string[], body: string): void {
  const decoded = decodedXml(body);
  for (const id of ids) {
    const forms = [id, JSON.stringify(id).slice(1, -1)];
    if (!forms.some((f) => body.includes(f) || decoded.includes(f))) throw new Error(`element id ${JSON.stringify(id.slice(0, 80))} is not in the answer`);
  }
}

const FAST = { ratePerSecond: 1e9, burst: 1e6, concurrency: 1000 };
const RATE_LIMITS = { ec2: FAST, apigateway: FAST, apigatewayGetResources: FAST, elbv2: FAST, servicediscovery: FAST };
const WIRE_CASES_TOTAL = 10_000;
const FULL_COLLECTIONS = 300;
const READS_PER_OPERATION = Math.ceil((WIRE_CASES_TOTAL - FULL_COLLECTIONS) / WIRE_CASES.length);
const COLLECTIONS_PER_OPERATION = FULL_COLLECTIONS / WIRE_CASES.length;

describe(`AWS wire path: ${WIRE_CASES_TOTAL.toLocaleString('en-US')} fuzzed bodies (${READS_PER_OPERATION} SDK reads + ${COLLECTIONS_PER_OPERATION} full collections per operation)`, () => {
  describe.each(WIRE_CASES.map((c) => [c.operation, c] as const))('%s', (operation, c) => {
    it(`the collector's read: elements from the answer, or a rejection its guard records (${READS_PER_OPERATION} cases)`, async () => {
      let current: WireAnswer = { status: 200, contentType: c.contentType, body: c.render(c.base) };
      const aws = inProcessAws((op) => (op === operation ? current : undefined));
      const counter = new CallCounter();
      const sender: AwsSender = {
        clients: aws.clients,
        call: (op, send) => countedCall(counter, op, send),
        pages: (op, send, read) => collectPages(async (token) => read(await countedCall(counter, op, () => send(token)))),
      };
      try {
        // The unmodified answer reads back.
        expect((await c.read(sender)).length).toBeGreaterThan(0);
        let read = 0;
        await fc.assert(
          fc.asyncProperty(bodyArb(c), async (answer) => {
            current = answer;
            let elements: Array<{ id: string; element: unknown }>;
            try {
              elements = await timedAsync(() => c.read(sender));
            } catch (error) {
              // Whatever the SDK or the normalizer rejects with is caught by the collector's
              // guard (whole / forResources) and recorded as `Code: message`.
              if (!(error instanceof Error)) throw new Error(`rejected with a non-Error: ${String(error)}`);
              if (/did not settle/.test(error.message)) throw error;
              expectOneLineMessage(describeError(error));
              return;
            }
            read++;
            for (const e of elements) expectValid(c.schema, e.element);
            expectFromBody(elements.map((e) => e.id), String(answer.body));
          }),
          seededRuns(READS_PER_OPERATION),
        );
        expect(read).toBeGreaterThan(0);
      } finally {
        aws.destroy();
      }
    });

    it(`collectAwsRegion completes; the operation is ok or a coverage error, nothing else changes (${COLLECTIONS_PER_OPERATION} cases)`, async () => {
      let current: WireAnswer = { status: 200, contentType: c.contentType, body: c.render(c.base) };
      const aws = inProcessAws((op) => (op === operation ? current : undefined));
      const collect = () =>
        collectAwsRegion({ region: 'us-east-1', clientOverrides: aws.clients, rateLimits: RATE_LIMITS, maxAttempts: 1, credentials: async () => ({ accessKeyId: 'AKIDFUZZ', secretAccessKey: 'x' }) });
      try {
        const healthy = await collect();
        expect(healthy.coverage.filter((e) => e.status === 'error')).toEqual([]);
        expect(c.ids(healthy).length).toBeGreaterThan(0);
        let failed = 0;
        await fc.assert(
          fc.asyncProperty(bodyArb(c), async (answer) => {
            current = answer;
            const data = await timedAsync(() => collect(), 5000);
            expectValid(awsInventorySchema, data);
            const errors = data.coverage.filter((e) => e.status === 'error');
            const own = data.coverage.find((e) => e.operation === operation)!;
            // Only the fuzzed operation can fail; every other answer is well formed.
            expect(errors.filter((e) => e !== own)).toEqual([]);
            if (own.status === 'error') {
              failed++;
              expect(own.resources).toBeUndefined(); // the whole operation: nothing of its kind is known
              expectOneLineMessage(own.error!);
              expect(c.ids(data)).toEqual([]);
            } else {
              expectFromBody(c.ids(data), String(answer.body));
            }
            for (const [kind, value] of Object.entries(data)) {
              if (Array.isArray(value) && kind !== 'coverage' && !c.kinds.includes(kind as keyof AwsInventoryData)) expect([kind, value]).toEqual([kind, []]);
            }
          }),
          seededRuns(COLLECTIONS_PER_OPERATION),
        );
        expect(failed).toBeGreaterThan(0);
      } finally {
        aws.destroy();
      }
    });
  });
});
