/**
 * AWS scoped re-audit, the pure part: what a change touches (which integration paths, links and
 * load balancers its verdicts can move) and what must be read again to judge them.
 *
 * A path is affected by a resource when the resource is on it:
 *   security group → the VPC links V2 and load balancers carrying it, and the targets (instances,
 *     ENIs by IP) and Cloud Map instances on ENIs carrying it → the target groups holding those
 *     targets → their load balancers;
 *   VPC link → the paths through it; integration / API / stage / route → the API's paths;
 *   load balancer, listener (its load balancer), target group (its load balancers), instance and
 *   network interface (what it is the ENI of: a link, a load balancer, a target), subnet (links,
 *   load balancers and ENIs in it), prefix list (the groups whose rules name it), Cloud Map service.
 * Then every integration path whose link, load balancer (of its listener, its target, or a V1
 * link's NLB) or Cloud Map service is among those, plus the paths of touched integrations/APIs.
 *
 * The scope a scoped run reports and resolves in is: the touched ids, the affected paths'
 * integrations (`<apiId>/<integrationId>`, as findings name them), and the links reached directly
 * (see awsScopeIds). It is computed on the stored topology before the re-reads and on
 * the patched one after, and the union is used: a path that left the resource is judged too.
 */
import { cloudMapServiceId, loadBalancerArnOfListener, loadBalancerSuffix, type AwsIntegrationPath, type AwsInventory } from '../inventory/aws-inventory';
import type { AwsApiKind, AwsInstance, AwsLoadBalancer, AwsNetworkInterface, AwsVpcLinkV2 } from '../inventory/model';
import type { TouchedResource, TouchedType } from '../events/types';

/** Types naming an API or a part of one (`<apiId>/...`): the whole API is read again. */
const API_PART_TYPES: readonly TouchedType[] = ['integration', 'api', 'rest-api', 'stage', 'route'];

/** ELB types: a load balancer and what hangs off it. */
const ELB_TYPES: readonly TouchedType[] = ['load-balancer', 'listener', 'target-group'];

/** Touched types a scoped AWS run can re-read and judge. */
export const AWS_SCOPED_TYPES: ReadonlySet<TouchedType> = new Set<TouchedType>([
  'security-group',
  'vpc-link',
  ...API_PART_TYPES,
  ...ELB_TYPES,
  'instance',
  'network-interface',
  'subnet',
  'prefix-list',
  'cloud-map-service',
]);

/**
 * Named by events only as context of something else (a listener rule names its listener and load
 * balancer, which the event parser adds; a VPC id rides along with groups and subnets): skipped.
 */
export const AWS_CONTEXT_TYPES: ReadonlySet<TouchedType> = new Set<TouchedType>(['vpc', 'listener-rule']);

/** What an integration event names besides the integration: its targets (context, see planAwsReads). */
const INTEGRATION_TARGET_TYPES: ReadonlySet<TouchedType> = new Set<TouchedType>(['vpc-link', 'listener', 'load-balancer', 'target-group', 'cloud-map-service']);

/** Rules whose data is volatile (target health, Cloud Map instance health): judged only when re-read. */
export const AWS_HEALTH_RULES = ['AWS-TARGETS-UNHEALTHY', 'AWS-CLOUDMAP-NO-INSTANCES'] as const;

/** Touched types after which health is re-read for the target groups and Cloud Map services on the affected paths. */
const HEALTH_TYPES: ReadonlySet<TouchedType> = new Set<TouchedType>([...API_PART_TYPES, ...ELB_TYPES, 'cloud-map-service']);

/** Above this many target groups plus Cloud Map services on the affected paths, health is not re-read (and not judged). */
export const AWS_HEALTH_READ_CAP = 10;

/** The resources whose paths a change affects, and the paths. */
export interface AwsAffected {
  linkIds: Set<string>;
  loadBalancerArns: Set<string>;
  cloudMapServiceIds: Set<string>;
  targetGroupArns: Set<string>;
  /** `<apiId>/<integrationId>` (REST: `<restApiId>/<resourceId>/<METHOD>`), as findings and events name them. */
  integrationIds: Set<string>;
  apiIds: Set<string>;
  paths: AwsIntegrationPath[];
}

/** The id findings give the integration of a path (lib/rules/aws/refs.ts `awsRef.integration`). */
export function integrationIdOf(path: AwsIntegrationPath): string {
  return `${path.api.id}/${path.integration.id}`;
}

function apiOfComposite(id: string): string {
  return id.split('/')[0] ?? id;
}

/** The id sets of AwsAffected that a touched resource can name directly. */
type AffectedIdSet = 'linkIds' | 'loadBalancerArns' | 'targetGroupArns' | 'integrationIds' | 'apiIds';

/** Touched types whose id is itself an affected resource: the set it goes to, with nothing else to follow. */
const AFFECTED_SET_BY_TYPE: Partial<Record<TouchedType, AffectedIdSet>> = {
  'vpc-link': 'linkIds',
  integration: 'integrationIds',
  api: 'apiIds',
  'rest-api': 'apiIds',
  'load-balancer': 'loadBalancerArns',
  'target-group': 'targetGroupArns',
};

/** What a security group or subnet is on: tests for each resource kind that can carry it. */
interface Carriers {
  link: (link: AwsVpcLinkV2) => boolean;
  loadBalancer: (lb: AwsLoadBalancer) => boolean;
  instance: (instance: AwsInstance) => boolean;
  networkInterfaces: readonly AwsNetworkInterface[];
}

/** Which links, load balancers, services and paths the touched resources reach in `inventory`. */
export function awsAffected(inventory: AwsInventory, touched: readonly TouchedResource[]): AwsAffected {
  const a: AwsAffected = {
    linkIds: new Set(),
    loadBalancerArns: new Set(),
    cloudMapServiceIds: new Set(),
    targetGroupArns: new Set(),
    integrationIds: new Set(),
    apiIds: new Set(),
    paths: [],
  };
  const data = inventory.data;
  const targetIds = new Set<string>();
  const addIps = (ips: readonly string[]) => {
    for (const ip of ips) targetIds.add(ip);
  };
  const seenEnis = new Set<string>();
  const seedEni = (id: string) => {
    if (seenEnis.has(id)) return;
    seenEnis.add(id);
    const eni = inventory.networkInterface(id);
    if (!eni) return;
    if (eni.interfaceType === 'api_gateway_managed') {
      for (const link of data.vpcLinksV2) {
        if (link.subnetIds.includes(eni.subnetId) && link.securityGroupIds.every((g) => eni.securityGroupIds.includes(g))) a.linkIds.add(link.id);
      }
    }
    const elb = /^ELB ((?:app|net|gwy)\/[^/]+\/[^/\s]+)/.exec(eni.description ?? '')?.[1];
    if (elb) for (const lb of data.loadBalancers) if (loadBalancerSuffix(lb.arn) === elb) a.loadBalancerArns.add(lb.arn);
    addIps([...eni.privateIps, ...eni.ipv6Addresses]);
    if (eni.instanceId) targetIds.add(eni.instanceId);
  };
  // A group and a subnet reach the same kinds of resources: the links, load balancers, ENIs and
  // instances carrying them.
  const seedCarriers = (on: Carriers) => {
    for (const link of data.vpcLinksV2) if (on.link(link)) a.linkIds.add(link.id);
    for (const lb of data.loadBalancers) if (on.loadBalancer(lb)) a.loadBalancerArns.add(lb.arn);
    for (const eni of on.networkInterfaces) seedEni(eni.id);
    for (const i of data.instances) if (on.instance(i)) targetIds.add(i.id);
  };
  const seedGroup = (groupId: string) =>
    seedCarriers({
      link: (link) => link.securityGroupIds.includes(groupId),
      loadBalancer: (lb) => lb.securityGroupIds.includes(groupId),
      instance: (i) => i.securityGroupIds.includes(groupId),
      networkInterfaces: inventory.networkInterfacesWithGroup(groupId),
    });
  const seedSubnet = (subnetId: string) =>
    seedCarriers({
      link: (link) => link.subnetIds.includes(subnetId),
      loadBalancer: (lb) => lb.subnetIds.includes(subnetId),
      instance: (i) => i.subnetId === subnetId,
      networkInterfaces: inventory.networkInterfacesInSubnet(subnetId),
    });

  for (const t of touched) {
    const direct = AFFECTED_SET_BY_TYPE[t.type];
    if (direct) {
      a[direct].add(t.id);
      continue;
    }
    switch (t.type) {
      case 'security-group':
        seedGroup(t.id);
        break;
      case 'stage':
      case 'route':
        a.apiIds.add(apiOfComposite(t.id));
        break;
      case 'listener': {
        const lb = inventory.listener(t.id)?.loadBalancerArn ?? loadBalancerArnOfListener(t.id);
        if (lb) a.loadBalancerArns.add(lb);
        break;
      }
      case 'instance': {
        targetIds.add(t.id);
        const instance = inventory.instance(t.id);
        if (instance) addIps(instance.privateIps);
        for (const eni of data.networkInterfaces) if (eni.instanceId === t.id) seedEni(eni.id);
        break;
      }
      case 'network-interface':
        seedEni(t.id);
        break;
      case 'subnet':
        seedSubnet(t.id);
        break;
      case 'prefix-list':
        for (const g of data.securityGroups) {
          if ([...g.ingress, ...g.egress].some((r) => r.prefixListIds.includes(t.id))) seedGroup(g.id);
        }
        break;
      case 'cloud-map-service':
        a.cloudMapServiceIds.add(cloudMapServiceId(t.id) ?? t.id);
        break;
      default:
        break;
    }
  }

  // Targets → the target groups holding them → their load balancers; Cloud Map instances by address.
  if (targetIds.size > 0) {
    for (const tg of data.targetGroups) if ((tg.targets ?? []).some((x) => targetIds.has(x.id))) a.targetGroupArns.add(tg.arn);
    for (const s of data.cloudMapServices) {
      const ips = (s.instances ?? []).flatMap((i) => [i.attributes.AWS_INSTANCE_IPV4, i.attributes.AWS_INSTANCE_IPV6]).filter((x): x is string => !!x);
      if (ips.some((ip) => targetIds.has(ip))) a.cloudMapServiceIds.add(s.id);
    }
  }
  for (const arn of a.targetGroupArns) for (const lb of inventory.targetGroup(arn)?.loadBalancerArns ?? []) a.loadBalancerArns.add(lb);

  for (const path of inventory.integrationPaths()) {
    const lb = inventory.targetLoadBalancerArn(path) ?? (path.targetKind === 'nlb' ? path.targetArn : undefined);
    const service = path.targetKind === 'cloudmap' && path.targetArn ? (cloudMapServiceId(path.targetArn) ?? path.targetArn) : undefined;
    const hit =
      a.integrationIds.has(integrationIdOf(path)) ||
      a.apiIds.has(path.api.id) ||
      (path.linkId !== undefined && a.linkIds.has(path.linkId)) ||
      (lb !== undefined && a.loadBalancerArns.has(lb)) ||
      (service !== undefined && a.cloudMapServiceIds.has(service));
    if (hit) a.paths.push(path);
  }
  return a;
}

/**
 * The ids a scoped run reports and resolves in, for one inventory (see the module comment): the
 * affected paths' integrations, the links reached directly, V1 links whose NLB is affected, and —
 * after an integration / API change — the links of the changed paths (whether a link is used at
 * all moves with them). Not the link of every affected path: other paths share it.
 */
export function awsScopeIds(inventory: AwsInventory, affected: AwsAffected): Set<string> {
  const ids = new Set<string>();
  for (const path of affected.paths) {
    ids.add(integrationIdOf(path));
    const changed = affected.integrationIds.has(integrationIdOf(path)) || affected.apiIds.has(path.api.id);
    if (changed && path.linkId) ids.add(path.linkId);
  }
  for (const id of affected.linkIds) ids.add(id);
  for (const link of inventory.data.vpcLinksV1) if (link.targetArns.some((arn) => affected.loadBalancerArns.has(arn))) ids.add(link.id);
  return ids;
}

/** What a scoped AWS run reads (see lib/collect/aws/scoped.ts for the calls). */
export interface AwsScopedReads {
  /** DescribeSecurityGroups, filter group-id. */
  securityGroupIds: string[];
  /** DescribeNetworkInterfaces, filter group-id: the ENIs carrying these groups now. */
  networkInterfaceGroupIds: string[];
  /** DescribeNetworkInterfaces, filter network-interface-id. */
  networkInterfaceIds: string[];
  /** DescribeSubnets and DescribeNetworkInterfaces, filter subnet-id. */
  subnetIds: string[];
  /** An API's integrations and stages (apigatewayv2 GetIntegrations + GetStages, or REST GetResources + GetStages). */
  apis: Array<{ id: string; kind: AwsApiKind }>;
  /** DescribeLoadBalancers by ARN, with each one's listeners and target groups. */
  loadBalancerArns: string[];
  /** DescribeListeners by ARN. */
  listenerArns: string[];
  /** DescribeTargetGroups by ARN. */
  targetGroupArns: string[];
  /** DescribeInstances, filter instance-id. */
  instanceIds: string[];
  /** DescribeManagedPrefixLists and GetManagedPrefixListEntries. */
  prefixListIds: string[];
  /** GetService, ListInstances (and GetInstancesHealthStatus). */
  cloudMapServiceIds: string[];
  /** VPC links (GetVpcLinks, V2 and V1) are always listed again: every path goes through one. */
  vpcLinks: true;
  /** Touched links: their ENIs are read again (by their groups) once the links are known. */
  touchedLinkIds: string[];
  /** Re-read the health of the target groups and Cloud Map services on the affected paths (up to AWS_HEALTH_READ_CAP). */
  health: boolean;
}

export type AwsScopePlan = { ok: true; reads: AwsScopedReads; touched: TouchedResource[] } | { ok: false; reason: string };

const uniq = (values: Iterable<string>) => [...new Set(values)];

/** The fields of AwsScopedReads that are lists of ids. */
type AwsReadIdList = { [K in keyof AwsScopedReads]: AwsScopedReads[K] extends string[] ? K : never }[keyof AwsScopedReads];

/**
 * Touched types read by their own id: the lists the id goes to (a security group is read, and so
 * are the ENIs carrying it). APIs and their parts are read per API instead (see planAwsReads).
 */
const READ_LISTS_BY_TYPE: Partial<Record<TouchedType, readonly AwsReadIdList[]>> = {
  'security-group': ['securityGroupIds', 'networkInterfaceGroupIds'],
  'vpc-link': ['touchedLinkIds'],
  'load-balancer': ['loadBalancerArns'],
  listener: ['listenerArns'],
  'target-group': ['targetGroupArns'],
  instance: ['instanceIds'],
  'network-interface': ['networkInterfaceIds'],
  subnet: ['subnetIds'],
  'prefix-list': ['prefixListIds'],
  'cloud-map-service': ['cloudMapServiceIds'],
};

const API_TYPES: ReadonlySet<TouchedType> = new Set(API_PART_TYPES);

/** Reads of nothing but the VPC links (every scoped run re-reads those); `health` adds target health. */
export function noReads(health: boolean): AwsScopedReads {
  return {
    securityGroupIds: [],
    networkInterfaceGroupIds: [],
    networkInterfaceIds: [],
    subnetIds: [],
    apis: [],
    loadBalancerArns: [],
    listenerArns: [],
    targetGroupArns: [],
    instanceIds: [],
    prefixListIds: [],
    cloudMapServiceIds: [],
    vpcLinks: true,
    touchedLinkIds: [],
    health,
  };
}

/**
 * What to read for these touched resources, or why the run must be a full scan: a resource kind
 * the scoped reads do not cover (network ACLs), nothing usable at all, or an API that is not in
 * the stored topology (its kind and name are only known from a full listing).
 */
export function planAwsReads(inventory: AwsInventory, touched: readonly TouchedResource[]): AwsScopePlan {
  // An event about integrations, stages or routes names their API and their targets (the link, the
  // listener and its load balancer, the Cloud Map service) as context: the API's paths are judged
  // again, and targets the stored topology lacks are read when the paths are resolved.
  const composites = touched.filter((t) => t.type === 'integration' || t.type === 'stage' || t.type === 'route');
  const narrowed = new Set(composites.map((t) => apiOfComposite(t.id)));
  const context = (t: TouchedResource) =>
    AWS_CONTEXT_TYPES.has(t.type) ||
    ((t.type === 'api' || t.type === 'rest-api') && narrowed.has(t.id)) ||
    (composites.length > 0 && INTEGRATION_TARGET_TYPES.has(t.type));
  const usable = touched.filter((t) => !context(t));
  const unsupported = usable.find((t) => !AWS_SCOPED_TYPES.has(t.type));
  if (unsupported) return { ok: false, reason: `${unsupported.type} ${unsupported.id} cannot be re-read on its own` };
  if (usable.length === 0) return { ok: false, reason: 'the event names nothing a scoped re-audit can re-read' };
  const reads = noReads(usable.some((t) => HEALTH_TYPES.has(t.type)));
  const apis = new Map<string, AwsApiKind>();
  for (const t of usable) {
    if (API_TYPES.has(t.type)) {
      const apiId = apiOfComposite(t.id);
      const api = inventory.data.apis.find((x) => x.id === apiId);
      if (!api) return { ok: false, reason: `API ${apiId} is not in the stored topology` };
      apis.set(api.id, api.kind);
      continue;
    }
    // Events name a Cloud Map service by ARN or id; the reads take its id.
    const id = t.type === 'cloud-map-service' ? (cloudMapServiceId(t.id) ?? t.id) : t.id;
    for (const list of READ_LISTS_BY_TYPE[t.type] ?? []) reads[list].push(id);
  }
  reads.apis = [...apis].map(([id, kind]) => ({ id, kind }));
  for (const key of Object.keys(reads) as Array<keyof AwsScopedReads>) {
    const v = reads[key];
    if (Array.isArray(v) && typeof v[0] === 'string') (reads as unknown as Record<string, unknown>)[key] = uniq(v as string[]).sort();
  }
  return { ok: true, reads, touched: usable };
}

/** Target groups and Cloud Map services on the paths whose health a scoped run would re-read. */
export function healthTargetsOf(inventory: AwsInventory, paths: readonly AwsIntegrationPath[], touchedTargetGroups: readonly string[]): { targetGroupArns: string[]; cloudMapServiceIds: string[] } {
  const groups = new Set<string>(touchedTargetGroups.filter((arn) => inventory.targetGroup(arn)));
  const services = new Set<string>();
  for (const path of paths) {
    if (path.targetKind === 'cloudmap' && path.targetArn) {
      const service = inventory.cloudMapServiceByArn(path.targetArn);
      if (service) services.add(service.id);
      continue;
    }
    if (path.targetKind === 'listener' && path.targetArn) {
      const listener = inventory.listener(path.targetArn);
      if (listener) for (const tg of inventory.targetGroupsOfListener(listener)) groups.add(tg.arn);
      continue;
    }
    const lb = path.targetKind === 'nlb' || path.targetKind === 'loadbalancer' ? path.targetArn : undefined;
    if (lb) for (const tg of inventory.targetGroupsOf(lb)) groups.add(tg.arn);
  }
  return { targetGroupArns: [...groups].sort(), cloudMapServiceIds: [...services].sort() };
}
