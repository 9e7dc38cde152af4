/**
 * SDK response shapes → the normalized inventory model. Pure functions: no I/O, no clock.
 * Optional fields are set only when the service returned a value, so a collected inventory and a
 * hand-written one compare equal field for field.
 *
 * The SDK's JSON deserializers pass wrong member types through (a string where a list belongs, a
 * number for an id, `null` items), so every member is read through `Fields`: a value of the wrong
 * type, or a missing identifier, is a MalformedAwsResponseError naming the member, which the
 * collector records as a coverage error instead of building an element from it.
 */
import type { Api as HttpApi, Integration as HttpIntegration, Stage as HttpStage, VpcLink as VpcLinkV2Shape } from '@aws-sdk/client-apigatewayv2';
import type {
  Integration as RestIntegration,
  Resource as RestResource,
  RestApi,
  Stage as RestStage,
  VpcLink as VpcLinkV1Shape,
} from '@aws-sdk/client-api-gateway';
import type {
  Instance,
  IpPermission,
  ManagedPrefixList,
  NetworkInterface,
  SecurityGroup,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import type {
  Action,
  Listener,
  LoadBalancer,
  TargetGroup,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { InstanceSummary, Service } from '@aws-sdk/client-servicediscovery';
import type {
  AwsApi,
  AwsCloudMapInstance,
  AwsCloudMapService,
  AwsInstance,
  AwsIntegration,
  AwsListener,
  AwsLoadBalancer,
  AwsNetworkInterface,
  AwsPrefixList,
  AwsSecurityGroup,
  AwsSecurityGroupRule,
  AwsStage,
  AwsSubnet,
  AwsTarget,
  AwsTargetGroup,
  AwsVpc,
  AwsVpcLinkV1,
  AwsVpcLinkV2,
} from '../../inventory/model';
import { quoteInput } from '../../util/quote-input';
import { compareText } from '../coverage';

/**
 * The service answered with a shape its model does not allow. The message is `<where>: <problem>`
 * (e.g. `SecurityGroup.IpPermissions[0].FromPort: expected an integer, got string`); it names
 * members only and never quotes the answer. Coverage text: `MalformedResponse: <message>`.
 */
export class MalformedAwsResponseError extends Error {
  constructor(
    readonly where: string,
    problem: string,
  ) {
    super(`${where}: ${problem}`);
    this.name = 'MalformedResponse';
  }
}

/** `.Member`, or `["key"]` (quoted, bounded) for a map key taken from the answer. */
function segment(key: string): string {
  return /^[A-Za-z_$][\w$-]{0,63}$/.test(key) ? `.${key}` : `[${quoteInput(key, 40)}]`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  return typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Type-checked reads of one SDK output structure; `null` counts as absent. */
class Fields {
  private readonly value: Record<string, unknown>;

  constructor(
    readonly where: string,
    value: unknown,
  ) {
    if (!isRecord(value)) throw new MalformedAwsResponseError(where, `expected a structure, got ${kindOf(value)}`);
    this.value = value;
  }

  private fail(key: string, problem: string): never {
    throw new MalformedAwsResponseError(`${this.where}${segment(key)}`, problem);
  }

  private get(key: string): unknown {
    const v = Object.prototype.hasOwnProperty.call(this.value, key) ? this.value[key] : undefined;
    return v === null ? undefined : v;
  }

  string(key: string): string | undefined {
    const v = this.get(key);
    if (v !== undefined && typeof v !== 'string') this.fail(key, `expected a string, got ${kindOf(v)}`);
    return v;
  }

  /** The element's identity: a non-empty string. */
  id(key: string): string {
    const v = this.string(key);
    if (v === undefined || v.length === 0) this.fail(key, 'missing');
    return v;
  }

  integer(key: string): number | undefined {
    const v = this.get(key);
    if (v !== undefined && !Number.isSafeInteger(v)) this.fail(key, `expected an integer, got ${typeof v === 'number' ? String(v) : kindOf(v)}`);
    return v as number | undefined;
  }

  boolean(key: string): boolean | undefined {
    const v = this.get(key);
    if (v !== undefined && typeof v !== 'boolean') this.fail(key, `expected a boolean, got ${kindOf(v)}`);
    return v as boolean | undefined;
  }

  /** A timestamp as ISO-8601; an unreadable date is left out, as the SDK may hand over a string. */
  date(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!(v instanceof Date) && typeof v !== 'string') this.fail(key, `expected a timestamp, got ${kindOf(v)}`);
    return isoDate(v);
  }

  list(key: string): unknown[] {
    const v = this.get(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail(key, `expected a list, got ${kindOf(v)}`);
    return v;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Each item of a list as a structure. */
  structures(key: string): Fields[] {
    return this.list(key).map((item, i) => new Fields(`${this.where}${segment(key)}[${i}]`, item));
  }

  structure(key: string): Fields | undefined {
    const v = this.get(key);
    return v === undefined ? undefined : new Fields(`${this.where}${segment(key)}`, v);
  }

  strings(key: string): string[] {
    return this.list(key).map((item, i) => {
      if (typeof item !== 'string') throw new MalformedAwsResponseError(`${this.where}${segment(key)}[${i}]`, `expected a string, got ${kindOf(item)}`);
      return item;
    });
  }

  /** A string map (tags, stage variables, attributes). */
  map(key: string): Record<string, string> | undefined {
    const v = this.get(key);
    return v === undefined ? undefined : stringMap(`${this.where}${segment(key)}`, v);
  }
}

function stringMap(where: string, value: unknown): Record<string, string> {
  if (!isRecord(value)) throw new MalformedAwsResponseError(where, `expected a map, got ${kindOf(value)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new MalformedAwsResponseError(where, `expected string values, got ${kindOf(v)}`);
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A list member of a paginated answer (`Items`, `SecurityGroups`, …): absent is empty, anything but a list is malformed. */
export function answerList<T>(where: string, value: T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedAwsResponseError(where, `expected a list, got ${kindOf(value)}`);
  return value;
}

/** A pagination token: absent or a string. */
export function answerToken(where: string, value: string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MalformedAwsResponseError(where, `expected a string, got ${kindOf(value)}`);
  return value;
}

/** A string map member of an answer (Cloud Map health `Status`). */
export function answerMap(where: string, value: Record<string, string> | undefined | null): Record<string, string> {
  return value === undefined || value === null ? {} : stringMap(where, value);
}

/** Copies `value` into `target[key]` only when it is set (and, for strings, not empty). */
function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined | null): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string' && value.length === 0) return;
  target[key] = value;
}

function nonEmptyTags(tags: Record<string, string> | undefined): Record<string, string> | undefined {
  return tags && Object.keys(tags).length > 0 ? { ...tags } : undefined;
}

function isoDate(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function defined<T>(values: Array<T | undefined | null>): T[] {
  return values.filter((v): v is T => v !== undefined && v !== null && v !== '');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

export function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compareText(key(a), key(b));
}

// --- API Gateway ------------------------------------------------------------------------------

export function vpcLinkV2(link: VpcLinkV2Shape): AwsVpcLinkV2 {
  const f = new Fields('VpcLink', link);
  const out: AwsVpcLinkV2 = {
    id: f.id('VpcLinkId'),
    name: f.string('Name') ?? '',
    status: f.string('VpcLinkStatus') ?? '',
    subnetIds: f.strings('SubnetIds'),
    securityGroupIds: f.strings('SecurityGroupIds'),
  };
  assign(out, 'statusMessage', f.string('VpcLinkStatusMessage'));
  assign(out, 'createdDate', f.date('CreatedDate'));
  assign(out, 'tags', nonEmptyTags(f.map('Tags')));
  return out;
}

export function vpcLinkV1(link: VpcLinkV1Shape): AwsVpcLinkV1 {
  const f = new Fields('VpcLink', link);
  const out: AwsVpcLinkV1 = {
    id: f.id('id'),
    name: f.string('name') ?? '',
    status: f.string('status') ?? '',
    targetArns: f.strings('targetArns'),
  };
  assign(out, 'statusMessage', f.string('statusMessage'));
  assign(out, 'tags', nonEmptyTags(f.map('tags')));
  return out;
}

export function httpApi(api: HttpApi, integrations: AwsIntegration[], stages: AwsStage[]): AwsApi {
  const f = new Fields('Api', api);
  const out: AwsApi = {
    id: f.id('ApiId'),
    name: f.string('Name') ?? '',
    kind: f.string('ProtocolType') === 'WEBSOCKET' ? 'websocket' : 'http',
    stages: [...stages].sort(byKey((s) => s.name)),
    integrations: [...integrations].sort(byKey((i) => i.id)),
  };
  assign(out, 'tags', nonEmptyTags(f.map('Tags')));
  return out;
}

export function httpIntegration(integration: HttpIntegration): AwsIntegration {
  const f = new Fields('Integration', integration);
  const out: AwsIntegration = {
    id: f.id('IntegrationId'),
    type: f.string('IntegrationType') ?? '',
    connectionType: f.string('ConnectionType') ?? 'INTERNET',
  };
  assign(out, 'connectionId', f.string('ConnectionId'));
  assign(out, 'uri', f.string('IntegrationUri'));
  assign(out, 'tlsServerNameToVerify', f.structure('TlsConfig')?.string('ServerNameToVerify'));
  return out;
}

export function httpStage(stage: HttpStage): AwsStage {
  const f = new Fields('Stage', stage);
  const out: AwsStage = { name: f.id('StageName'), variables: f.map('StageVariables') ?? {} };
  assign(out, 'deploymentId', f.string('DeploymentId'));
  return out;
}

export function restApi(api: RestApi, integrations: AwsIntegration[], stages: AwsStage[]): AwsApi {
  const f = new Fields('RestApi', api);
  const out: AwsApi = {
    id: f.id('id'),
    name: f.string('name') ?? '',
    kind: 'rest',
    stages: [...stages].sort(byKey((s) => s.name)),
    integrations: [...integrations].sort(byKey((i) => i.id)),
  };
  assign(out, 'tags', nonEmptyTags(f.map('tags')));
  return out;
}

/** Integrations embedded in GetResources(embed=methods): one per resource and method. */
export function restIntegrations(resources: RestResource[]): AwsIntegration[] {
  const out: AwsIntegration[] = [];
  answerList('Resources', resources).forEach((resource, index) => {
    const r = new Fields(`Resource[${index}]`, resource);
    const resourceId = r.id('id');
    const resourcePath = r.string('path');
    const methods = r.structure('resourceMethods');
    if (!methods) return;
    for (const method of Object.keys(resource.resourceMethods ?? {})) {
      const definition = methods.structure(method);
      const integration = definition?.structure('methodIntegration');
      if (!definition || !integration) continue;
      const httpMethod = definition.string('httpMethod') || method;
      const item: AwsIntegration = {
        id: `${resourceId}/${httpMethod}`,
        resourceId,
        httpMethod,
        type: integration.string('type') ?? '',
        connectionType: integration.string('connectionType') ?? 'INTERNET',
      };
      assign(item, 'resourcePath', resourcePath);
      assign(item, 'connectionId', integration.string('connectionId'));
      assign(item, 'uri', integration.string('uri'));
      assign(item, 'integrationTarget', integration.string('integrationTarget'));
      // Restore the documented key order (id, resourceId, resourcePath, httpMethod, …) for readable snapshots.
      out.push(reorder(item, ['id', 'resourceId', 'resourcePath', 'httpMethod', 'type', 'connectionType', 'connectionId', 'uri', 'integrationTarget']));
    }
  });
  return out;
}

export function restStage(stage: RestStage): AwsStage {
  const f = new Fields('Stage', stage);
  const out: AwsStage = { name: f.id('stageName'), variables: f.map('variables') ?? {} };
  assign(out, 'deploymentId', f.string('deploymentId'));
  return out;
}

function reorder<T extends object>(value: T, keys: Array<keyof T>): T {
  const out = {} as T;
  for (const k of keys) if (value[k] !== undefined) out[k] = value[k];
  for (const k of Object.keys(value) as Array<keyof T>) if (!(k in out)) out[k] = value[k];
  return out;
}

// --- EC2 --------------------------------------------------------------------------------------

export function networkInterface(eni: NetworkInterface): AwsNetworkInterface {
  const f = new Fields('NetworkInterface', eni);
  const addresses = f.structures('PrivateIpAddresses').map((p) => ({ primary: p.boolean('Primary'), ip: p.string('PrivateIpAddress') }));
  const primary = addresses.find((p) => p.primary)?.ip ?? f.string('PrivateIpAddress');
  const privateIps = unique(defined([primary, ...addresses.map((p) => p.ip)]));
  const out: AwsNetworkInterface = {
    id: f.id('NetworkInterfaceId'),
    interfaceType: f.string('InterfaceType') ?? 'interface',
    subnetId: f.string('SubnetId') ?? '',
    vpcId: f.string('VpcId') ?? '',
    privateIps,
    ipv6Addresses: unique(defined(f.structures('Ipv6Addresses').map((a) => a.string('Ipv6Address')))),
    securityGroupIds: defined(f.structures('Groups').map((g) => g.string('GroupId'))),
  };
  assign(out, 'availabilityZone', f.string('AvailabilityZone'));
  assign(out, 'availabilityZoneId', f.string('AvailabilityZoneId'));
  assign(out, 'description', f.string('Description'));
  assign(out, 'requesterId', f.string('RequesterId'));
  assign(out, 'requesterManaged', f.boolean('RequesterManaged'));
  assign(out, 'status', f.string('Status'));
  assign(out, 'instanceId', f.structure('Attachment')?.string('InstanceId'));
  return reorder(out, [
    'id', 'interfaceType', 'subnetId', 'vpcId', 'availabilityZone', 'availabilityZoneId', 'privateIps', 'ipv6Addresses',
    'securityGroupIds', 'description', 'requesterId', 'requesterManaged', 'status', 'instanceId',
  ]);
}

function port(value: number | undefined): number | undefined {
  return value === undefined || value === -1 ? undefined : value;
}

export function securityGroupRule(permission: IpPermission, where = 'IpPermission'): AwsSecurityGroupRule {
  const f = new Fields(where, permission);
  const rule: AwsSecurityGroupRule = {
    protocol: f.string('IpProtocol') ?? '-1',
    cidrs: defined([
      ...f.structures('IpRanges').map((r) => r.string('CidrIp')),
      ...f.structures('Ipv6Ranges').map((r) => r.string('CidrIpv6')),
    ]),
    prefixListIds: defined(f.structures('PrefixListIds').map((p) => p.string('PrefixListId'))),
    groupIds: defined(f.structures('UserIdGroupPairs').map((p) => p.string('GroupId'))),
  };
  assign(rule, 'fromPort', port(f.integer('FromPort')));
  assign(rule, 'toPort', port(f.integer('ToPort')));
  return reorder(rule, ['protocol', 'fromPort', 'toPort', 'cidrs', 'prefixListIds', 'groupIds']);
}

export function securityGroup(group: SecurityGroup): AwsSecurityGroup {
  const f = new Fields('SecurityGroup', group);
  const rules = (key: 'IpPermissions' | 'IpPermissionsEgress') => f.list(key).map((p, i) => securityGroupRule(p as IpPermission, `SecurityGroup.${key}[${i}]`));
  const out: AwsSecurityGroup = {
    id: f.id('GroupId'),
    name: f.string('GroupName') ?? '',
    vpcId: f.string('VpcId') ?? '',
    ingress: rules('IpPermissions'),
    egress: rules('IpPermissionsEgress'),
  };
  assign(out, 'ownerId', f.string('OwnerId'));
  return reorder(out, ['id', 'name', 'vpcId', 'ownerId', 'ingress', 'egress']);
}

/** Prefix-list ids referenced by any rule, in either direction. */
export function referencedPrefixLists(groups: AwsSecurityGroup[]): string[] {
  const ids = new Set<string>();
  for (const g of groups) for (const r of [...g.ingress, ...g.egress]) for (const p of r.prefixListIds) ids.add(p);
  return [...ids].sort(compareText);
}

function associated(state: string | undefined): boolean {
  return state === undefined || state === 'associated';
}

/** Blocks of an association set whose state is `associated` (or not given). */
function associatedBlocks(f: Fields, setKey: string, blockKey: string, stateKey: string): string[] {
  return defined(
    f
      .structures(setKey)
      .filter((a) => associated(a.structure(stateKey)?.string('State')))
      .map((a) => a.string(blockKey)),
  );
}

export function subnet(s: Subnet): AwsSubnet {
  const f = new Fields('Subnet', s);
  return {
    id: f.id('SubnetId'),
    vpcId: f.string('VpcId') ?? '',
    cidr: f.string('CidrBlock') ?? '',
    ipv6Cidrs: associatedBlocks(f, 'Ipv6CidrBlockAssociationSet', 'Ipv6CidrBlock', 'Ipv6CidrBlockState'),
    availabilityZone: f.string('AvailabilityZone') ?? '',
    availabilityZoneId: f.string('AvailabilityZoneId') ?? '',
  };
}

export function vpc(v: Vpc): AwsVpc {
  const f = new Fields('Vpc', v);
  const id = f.id('VpcId');
  const primary = f.string('CidrBlock');
  const ipv4 = f.has('CidrBlockAssociationSet') ? associatedBlocks(f, 'CidrBlockAssociationSet', 'CidrBlock', 'CidrBlockState') : defined([primary]);
  const ipv6 = associatedBlocks(f, 'Ipv6CidrBlockAssociationSet', 'Ipv6CidrBlock', 'Ipv6CidrBlockState');
  return { id, cidrs: unique([...ipv4, ...ipv6]) };
}

export function prefixList(id: string, description: ManagedPrefixList | undefined, entries: string[] | undefined): AwsPrefixList {
  const out: AwsPrefixList = { id };
  assign(out, 'name', description === undefined ? undefined : new Fields('PrefixList', description).string('PrefixListName'));
  if (entries) out.entries = entries;
  return out;
}

export function instance(i: Instance): AwsInstance {
  const f = new Fields('Instance', i);
  const fromInterfaces = f.structures('NetworkInterfaces').flatMap((n) => n.structures('PrivateIpAddresses').map((p) => p.string('PrivateIpAddress')));
  const out: AwsInstance = {
    id: f.id('InstanceId'),
    privateIps: unique(defined([f.string('PrivateIpAddress'), ...fromInterfaces])),
    securityGroupIds: defined(f.structures('SecurityGroups').map((g) => g.string('GroupId'))),
  };
  assign(out, 'vpcId', f.string('VpcId'));
  assign(out, 'subnetId', f.string('SubnetId'));
  assign(out, 'state', f.structure('State')?.string('Name'));
  return reorder(out, ['id', 'vpcId', 'subnetId', 'privateIps', 'securityGroupIds', 'state']);
}

// --- ELBv2 ------------------------------------------------------------------------------------

export function loadBalancer(lb: LoadBalancer, attributes?: Record<string, string>): AwsLoadBalancer {
  const f = new Fields('LoadBalancer', lb);
  const out: AwsLoadBalancer = {
    arn: f.id('LoadBalancerArn'),
    name: f.string('LoadBalancerName') ?? '',
    type: f.string('Type') ?? '',
    scheme: f.string('Scheme') ?? '',
    vpcId: f.string('VpcId') ?? '',
    subnetIds: defined(f.structures('AvailabilityZones').map((z) => z.string('SubnetId'))),
    securityGroupIds: f.strings('SecurityGroups'),
  };
  assign(out, 'state', f.structure('State')?.string('Code'));
  assign(out, 'dnsName', f.string('DNSName'));
  assign(out, 'enforceSecurityGroupInboundRulesOnPrivateLinkTraffic', f.string('EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic'));
  if (attributes && Object.keys(attributes).length > 0) out.attributes = attributes;
  return reorder(out, [
    'arn', 'name', 'type', 'scheme', 'vpcId', 'state', 'dnsName', 'subnetIds', 'securityGroupIds',
    'enforceSecurityGroupInboundRulesOnPrivateLinkTraffic', 'attributes',
  ]);
}

export function loadBalancerAttributes(attributes: Array<{ Key?: string; Value?: string }>): Record<string, string> {
  const pairs = answerList('Attributes', attributes).map((a, i) => {
    const f = new Fields(`Attributes[${i}]`, a);
    return { key: f.string('Key'), value: f.string('Value') ?? '' };
  });
  const out: Record<string, string> = {};
  for (const a of pairs.sort(byKey((x) => x.key ?? ''))) {
    if (a.key !== undefined) Object.defineProperty(out, a.key, { value: a.value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Target groups a default action forwards to: `TargetGroupArn` and every `ForwardConfig` group. */
export function forwardedTargetGroups(actions: Action[], where = 'Actions'): string[] {
  const arns: string[] = [];
  answerList(where, actions).forEach((action, i) => {
    const a = new Fields(`${where}[${i}]`, action);
    const arn = a.string('TargetGroupArn');
    if (arn) arns.push(arn);
    for (const t of a.structure('ForwardConfig')?.structures('TargetGroups') ?? []) {
      const forwarded = t.string('TargetGroupArn');
      if (forwarded) arns.push(forwarded);
    }
  });
  return unique(arns);
}

export function listener(l: Listener): AwsListener {
  const f = new Fields('Listener', l);
  return {
    arn: f.id('ListenerArn'),
    loadBalancerArn: f.string('LoadBalancerArn') ?? '',
    port: f.integer('Port') ?? 0,
    protocol: f.string('Protocol') ?? '',
    defaultTargetGroupArns: forwardedTargetGroups(f.list('DefaultActions') as Action[], 'Listener.DefaultActions'),
  };
}

export function targetGroup(tg: TargetGroup, targets?: AwsTarget[]): AwsTargetGroup {
  const f = new Fields('TargetGroup', tg);
  const out: AwsTargetGroup = {
    arn: f.id('TargetGroupArn'),
    name: f.string('TargetGroupName') ?? '',
    targetType: f.string('TargetType') ?? '',
    loadBalancerArns: f.strings('LoadBalancerArns'),
  };
  assign(out, 'protocol', f.string('Protocol'));
  assign(out, 'port', f.integer('Port'));
  assign(out, 'vpcId', f.string('VpcId'));
  assign(out, 'healthCheckPort', f.string('HealthCheckPort'));
  assign(out, 'healthCheckProtocol', f.string('HealthCheckProtocol'));
  if (targets) out.targets = targets;
  return reorder(out, [
    'arn', 'name', 'protocol', 'port', 'targetType', 'vpcId', 'loadBalancerArns', 'healthCheckPort', 'healthCheckProtocol', 'targets',
  ]);
}

export function targets(descriptions: TargetHealthDescription[]): AwsTarget[] {
  const out = answerList('TargetHealthDescriptions', descriptions).map((description, i) => {
    const d = new Fields(`TargetHealthDescriptions[${i}]`, description);
    const target = d.structure('Target') ?? new Fields(`${d.where}.Target`, {});
    const health = d.structure('TargetHealth');
    const t: AwsTarget = { id: target.id('Id'), healthState: health?.string('State') ?? 'unknown' };
    assign(t, 'port', target.integer('Port'));
    assign(t, 'availabilityZone', target.string('AvailabilityZone'));
    assign(t, 'healthReason', health?.string('Reason'));
    assign(t, 'healthDescription', health?.string('Description'));
    return reorder(t, ['id', 'port', 'availabilityZone', 'healthState', 'healthReason', 'healthDescription']);
  });
  return out.sort((a, b) => compareText(a.id, b.id) || (a.port ?? 0) - (b.port ?? 0));
}

// --- Cloud Map --------------------------------------------------------------------------------

/** `arn:aws:servicediscovery:<region>:<account>:service/srv-…` → `srv-…`. */
export function cloudMapServiceId(arn: string): string | undefined {
  return /^arn:[^:]+:servicediscovery:[^:]*:[^:]*:service\/([^/]+)$/.exec(arn)?.[1];
}

export function hasHealthChecking(service: Service): boolean {
  return isRecord(service) && (service.HealthCheckConfig != null || service.HealthCheckCustomConfig != null);
}

export function cloudMapService(
  id: string,
  arn: string,
  service: Service | undefined,
  instances: InstanceSummary[] | undefined,
  health: Record<string, string> | undefined,
): AwsCloudMapService {
  const s = service === undefined ? undefined : new Fields('Service', service);
  const out: AwsCloudMapService = { id: s?.string('Id') || id, arn: s?.string('Arn') || arn };
  assign(out, 'name', s?.string('Name'));
  assign(out, 'namespaceId', s?.string('NamespaceId'));
  if (service) out.healthChecked = hasHealthChecking(service);
  const status = health === undefined ? undefined : stringMap('Status', health);
  if (instances) {
    out.instances = answerList('Instances', instances)
      .map((summary, i) => {
        const f = new Fields(`Instances[${i}]`, summary);
        const item: AwsCloudMapInstance = { id: f.id('Id'), attributes: f.map('Attributes') ?? {} };
        assign(item, 'health', status && Object.prototype.hasOwnProperty.call(status, item.id) ? status[item.id] : undefined);
        return item;
      })
      .sort(byKey((i) => i.id));
  }
  return out;
}
