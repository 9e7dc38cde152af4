/**
 * POP answers → the normalized Alibaba inventory model. Pure functions: no I/O, no clock.
 * Optional fields are set only when the service returned a value, so a collected inventory and a
 * hand-written one compare equal field for field.
 */
import type {
  AliAccessControlList,
  AliApiBackend,
  AliApiGroup,
  AliDeployedApi,
  AliEcsInstance,
  AliGatewayInstance,
  AliLoadBalancer,
  AliLoadBalancerListener,
  AliNetworkInterface,
  AliPlugin,
  AliPrefixList,
  AliSecurityGroup,
  AliSecurityGroupRule,
  AliVpc,
  AliVpcAccess,
  AliVSwitch,
} from '../../inventory/model';
import { quoteInput } from '../../util/quote-input';
import { compareText } from '../coverage';
import { isIpAddress, tryParseAddressOrCidr } from '../../net/cidr';
import { vpcAccessNamesInPluginData } from './plugin-data';
import { either, flag, integer, isObject, objects, strings, tags, text, type WireObject } from './wire';

/** Copies `value` into `target[key]` only when it is set. */
function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

export function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compareText(key(a), key(b));
}

// --- JSON-encoded CIDR lists ------------------------------------------------------------------

export type CidrListResult = { ok: true; cidrs: string[] } | { ok: false };

/**
 * `ConnectCidrBlocks` / `IntranetSegments`: a JSON-encoded string array. Absent, empty, `null`
 * and `[]` mean no blocks; an already-decoded array and a plain comma-separated list of addresses
 * or CIDRs are accepted too; anything else is reported, never guessed at.
 */
export function parseCidrList(value: unknown): CidrListResult {
  if (value === undefined || value === null) return { ok: true, cidrs: [] };
  if (Array.isArray(value)) return listOfStrings(value);
  if (typeof value !== 'string') return { ok: false };
  const raw = value.trim();
  if (raw === '' || raw === 'null') return { ok: true, cidrs: [] };
  if (raw.startsWith('[') || raw.startsWith('"')) {
    try {
      const decoded: unknown = JSON.parse(raw);
      return Array.isArray(decoded) ? listOfStrings(decoded) : typeof decoded === 'string' ? parseCidrList(decoded) : { ok: false };
    } catch {
      return { ok: false };
    }
  }
  const tokens = raw.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  return tokens.every((t) => tryParseAddressOrCidr(t) !== undefined) ? { ok: true, cidrs: tokens } : { ok: false };
}

function listOfStrings(values: unknown[]): CidrListResult {
  if (!values.every((v) => typeof v === 'string')) return { ok: false };
  return { ok: true, cidrs: (values as string[]).map((v) => v.trim()).filter((v) => v.length > 0) };
}

// --- API Gateway ------------------------------------------------------------------------------

/** A gateway instance, plus the fields whose JSON could not be read (for the coverage). */
export function gatewayInstance(w: WireObject): { instance: AliGatewayInstance; problems: string[] } {
  const id = text(w.InstanceId) ?? '';
  const problems: string[] = [];
  const cidrField = (key: string): string[] => {
    const parsed = parseCidrList(w[key]);
    if (parsed.ok) return parsed.cidrs;
    problems.push(`${key} of ${quoteInput(id)} is not a JSON list of CIDR blocks`);
    return [];
  };
  const instance: AliGatewayInstance = {
    id,
    instanceType: text(w.InstanceType) ?? '',
    connectCidrBlocks: cidrField('ConnectCidrBlocks'),
    networkBindings: objects(w.NetworkInterfaceAttributes, 'NetworkInterfaceAttribute').map((b) => {
      const binding: AliGatewayInstance['networkBindings'][number] = {
        vswitchId: text(either(b, 'VswitchId', 'VSwitchId')) ?? '',
        securityGroupId: text(b.SecurityGroupId) ?? '',
      };
      assign(binding, 'cidrBlock', text(b.CidrBlock));
      assign(binding, 'zoneId', text(b.ZoneId));
      return binding;
    }),
    intranetSegments: cidrField('IntranetSegments'),
  };
  assign(instance, 'name', text(w.InstanceName));
  assign(instance, 'dedicatedInstanceType', text(w.DedicatedInstanceType));
  assign(instance, 'status', text(w.Status));
  assign(instance, 'zoneId', text(w.ZoneId));
  assign(instance, 'connectVpcId', text(w.ConnectVpcId));
  assign(instance, 'instanceCidrBlock', text(w.InstanceCidrBlock));
  assign(instance, 'vpcEgressAddress', text(w.VpcEgressAddress));
  assign(instance, 'newVpcEgressAddress', text(w.NewVpcEgressAddress));
  assign(instance, 'internetEgressAddress', text(w.InternetEgressAddress));
  assign(instance, 'userVpcId', text(w.UserVpcId));
  assign(instance, 'userVswitchId', text(either(w, 'UserVswitchId', 'UserVSwitchId')));
  assign(instance, 'vpcIntranetEnable', flag(w.VpcIntranetEnable));
  assign(instance, 'vpcSlbIntranetEnable', flag(w.VpcSlbIntranetEnable));
  assign(instance, 'tags', tags(w.Tags));
  return { instance: sortInstance(instance), problems };
}

function sortInstance(instance: AliGatewayInstance): AliGatewayInstance {
  instance.networkBindings.sort((a, b) => compareText(a.vswitchId, b.vswitchId) || compareText(a.securityGroupId, b.securityGroupId));
  return instance;
}

export function vpcAccess(w: WireObject): AliVpcAccess {
  const access: AliVpcAccess = {
    id: text(w.VpcAccessId) ?? '',
    name: text(w.Name) ?? '',
    vpcId: text(w.VpcId) ?? '',
    instanceId: text(w.InstanceId) ?? '',
    port: integer(w.Port) ?? 0,
  };
  assign(access, 'vpcTargetHostName', text(w.VpcTargetHostName));
  assign(access, 'description', text(w.Description));
  return access;
}

/**
 * A group from its DescribeApiGroups summary and, when it could be read, its DescribeApiGroup
 * detail. DescribeApiGroup has no VPC-intranet flag: the VPC second-level domain (`VpcDomain`)
 * exists exactly when the group's VPC intranet access is enabled, so that decides it (an explicit
 * `VpcIntranetEnable`, should the answer carry one, wins).
 */
export function apiGroup(summary: WireObject, detail?: WireObject): AliApiGroup {
  const source = detail ?? summary;
  const group: AliApiGroup = {
    id: text(source.GroupId) ?? text(summary.GroupId) ?? '',
    name: text(source.GroupName) ?? text(summary.GroupName) ?? '',
  };
  assign(group, 'instanceId', text(source.InstanceId) ?? text(summary.InstanceId));
  assign(group, 'instanceType', text(source.InstanceType) ?? text(summary.InstanceType));
  assign(group, 'dedicatedInstanceType', text(source.DedicatedInstanceType) ?? text(summary.DedicatedInstanceType));
  assign(group, 'subDomain', text(source.SubDomain) ?? text(summary.SubDomain));
  if (detail) {
    const vpcDomain = text(detail.VpcDomain);
    assign(group, 'vpcDomain', vpcDomain);
    assign(group, 'disableInnerDomain', flag(detail.DisableInnerDomain));
    assign(group, 'vpcIntranetEnable', flag(detail.VpcIntranetEnable) ?? vpcDomain !== undefined);
  }
  assign(group, 'tags', tags(summary.Tags) ?? tags(detail?.Tags));
  return group;
}

/** What the collector knows about where an API's group runs, for backends written as a bare address. */
export interface BackendContext {
  /** The group's instance is a VPC integration instance (`vpc_connect`). */
  vpcIntegration: boolean;
}

/** RFC 1918 and shared (CGN) space: addresses only reachable inside a VPC. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((c) => tryParseAddressOrCidr(c)!);

function isPrivateIpv4(host: string): boolean {
  const range = isIpAddress(host) ? tryParseAddressOrCidr(host) : undefined;
  return !!range && range.family === 4 && PRIVATE_RANGES.some((p) => p.first <= range.first && range.last <= p.last);
}

/** The host of a backend address (`http://10.0.0.5:8080/path` → `10.0.0.5`). */
export function addressHost(address: string): string | undefined {
  try {
    return new URL(address.includes('://') ? address : `http://${address}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/**
 * A deployed API's `ServiceConfig`. A VPC backend is either an authorization (`ServiceVpcEnable`
 * with `VpcConfig`) or, on a VPC integration instance, an HTTP(S) address in the user's VPC
 * (a private IPv4 in `ServiceAddress`); the address of any address-only backend is kept.
 */
export function serviceConfigBackend(config: WireObject | undefined, context: BackendContext): AliApiBackend {
  if (!config || flag(config.Mock) === true) return { vpc: false };
  const vpcConfig = isObject(config.VpcConfig) ? config.VpcConfig : undefined;
  const address = text(config.ServiceAddress);
  const authorization = flag(config.ServiceVpcEnable) === true;
  const host = address ? addressHost(address) : undefined;
  const directVpc = !authorization && context.vpcIntegration && host !== undefined && isPrivateIpv4(host);
  const backend: AliApiBackend = { vpc: authorization || directVpc };
  if (authorization && vpcConfig) {
    assign(backend, 'vpcAccessName', text(vpcConfig.Name));
    assign(backend, 'vpcId', text(vpcConfig.VpcId));
    assign(backend, 'instanceId', text(vpcConfig.InstanceId));
    assign(backend, 'port', integer(vpcConfig.Port));
  }
  if (!authorization) assign(backend, 'serviceAddress', address);
  assign(backend, 'protocol', text(config.ServiceProtocol));
  return backend;
}

/** The backend model of `stageName` from DescribeBackendInfo, or undefined when the stage has none. */
export function backendModelBackend(backendInfo: WireObject, stageName: string, context: BackendContext): AliApiBackend | undefined {
  const model = objects(backendInfo.BackendModels, 'BackendModel').find((m) => text(m.StageName) === stageName);
  if (!model) return undefined;
  const config = isObject(model.BackendConfig) ? model.BackendConfig : {};
  const type = (text(config.Type) ?? text(backendInfo.BackendType) ?? '').toUpperCase();
  if (type === 'VPC') {
    const vpcConfig = isObject(config.VpcConfig) ? config.VpcConfig : {};
    const backend: AliApiBackend = { vpc: true };
    assign(backend, 'vpcAccessName', text(vpcConfig.Name));
    assign(backend, 'vpcAccessId', text(vpcConfig.VpcAccessId));
    assign(backend, 'vpcId', text(vpcConfig.VpcId));
    assign(backend, 'instanceId', text(vpcConfig.InstanceId));
    assign(backend, 'port', integer(vpcConfig.Port));
    assign(backend, 'protocol', text(vpcConfig.VpcScheme)?.toUpperCase());
    return backend;
  }
  const address = text(config.ServiceAddress);
  if (!address) return { vpc: false };
  const host = addressHost(address);
  const backend: AliApiBackend = { vpc: type === 'HTTP' && context.vpcIntegration && host !== undefined && isPrivateIpv4(host), serviceAddress: address };
  assign(backend, 'protocol', address.includes('://') ? address.split('://')[0]!.toUpperCase() : undefined);
  return backend;
}

/**
 * A DescribeDeployedApi answer. With `BackendEnable` the backend is the backend service's model
 * for this stage when it is known; otherwise (no model for the stage, or the backend service
 * could not be read) the deployed `ServiceConfig` is what is live.
 */
export function deployedApi(w: WireObject, stageName: string, context: BackendContext, backendInfo?: WireObject): AliDeployedApi {
  const backendConfig = isObject(w.BackendConfig) ? w.BackendConfig : undefined;
  const backendId = flag(w.BackendEnable) === true ? text(backendConfig?.BackendId) : undefined;
  const fromModel = backendId && backendInfo ? backendModelBackend(backendInfo, stageName, context) : undefined;
  const api: AliDeployedApi = {
    apiId: text(w.ApiId) ?? '',
    name: text(w.ApiName) ?? '',
    groupId: text(w.GroupId) ?? '',
    stageName: text(w.StageName) ?? stageName,
    backend: fromModel ?? serviceConfigBackend(isObject(w.ServiceConfig) ? w.ServiceConfig : undefined, context),
  };
  assign(api, 'backendId', backendId);
  return api;
}

/** Stages an API is deployed in, from DescribeApis' `DeployedInfos`. */
export function deployedStages(summary: WireObject): string[] {
  const stages = objects(summary.DeployedInfos, 'DeployedInfo')
    .filter((d) => {
      const status = text(d.DeployedStatus);
      return status === undefined || status.toUpperCase() === 'DEPLOYED';
    })
    .map((d) => text(d.StageName))
    .filter((s): s is string => s !== undefined);
  return unique(stages).sort(compareText);
}

export function plugin(w: WireObject): { plugin: AliPlugin; problem?: string } {
  const parsed = vpcAccessNamesInPluginData(text(w.PluginData));
  const out: AliPlugin = {
    id: text(w.PluginId) ?? '',
    name: text(w.PluginName) ?? '',
    type: text(w.PluginType) ?? '',
    vpcAccessNames: parsed.ok ? parsed.vpcAccessNames : [],
  };
  return parsed.ok ? { plugin: out } : { plugin: out, problem: `${parsed.problem} (${quoteInput(out.id)})` };
}

// --- ECS --------------------------------------------------------------------------------------

function policyOf(value: unknown): 'Accept' | 'Drop' {
  return (text(value) ?? 'Accept').toLowerCase() === 'drop' ? 'Drop' : 'Accept';
}

/** One DescribeSecurityGroupAttribute permission; the peer is the source for ingress, the destination for egress. */
export function securityGroupRule(p: WireObject): AliSecurityGroupRule {
  const direction = (text(p.Direction) ?? 'ingress').toLowerCase() === 'egress' ? 'egress' : 'ingress';
  const peer = direction === 'ingress' ? 'Source' : 'Dest';
  const rule: AliSecurityGroupRule = {
    direction,
    protocol: (text(p.IpProtocol) ?? 'ALL').toUpperCase(),
    portRange: text(p.PortRange) ?? '-1/-1',
    policy: policyOf(p.Policy),
    priority: integer(p.Priority) ?? 1,
    peerCidrs: unique([text(p[`${peer}CidrIp`]), text(p[`Ipv6${peer}CidrIp`])].filter((c): c is string => c !== undefined)),
  };
  assign(rule, 'peerGroupId', text(p[`${peer}GroupId`]));
  assign(rule, 'peerPrefixListId', text(p[`${peer}PrefixListId`]));
  assign(rule, 'ruleId', text(p.SecurityGroupRuleId));
  assign(rule, 'description', text(p.Description));
  return rule;
}

function ruleKey(r: AliSecurityGroupRule): string {
  return [r.direction, String(r.priority).padStart(3, '0'), r.policy, r.protocol, r.portRange, r.peerCidrs.join(','), r.peerGroupId ?? '', r.peerPrefixListId ?? '', r.ruleId ?? ''].join('|');
}

/**
 * A security group from its DescribeSecurityGroups entry and/or its attribute answer. `rules`
 * stays undefined when the attribute read failed: the group is known, its rules are not.
 */
export function securityGroup(id: string, listed: WireObject | undefined, attribute: WireObject | undefined, permissions: WireObject[] | undefined): AliSecurityGroup {
  const group: AliSecurityGroup = { id, type: text(listed?.SecurityGroupType) ?? 'unknown' };
  assign(group, 'name', text(listed?.SecurityGroupName) ?? text(attribute?.SecurityGroupName));
  assign(group, 'vpcId', text(listed?.VpcId) ?? text(attribute?.VpcId));
  assign(group, 'innerAccessPolicy', text(attribute?.InnerAccessPolicy));
  if (permissions) group.rules = permissions.map(securityGroupRule).sort(byKey(ruleKey));
  return group;
}

/** Primary address first, then the secondary ones. */
export function networkInterface(w: WireObject): AliNetworkInterface {
  const primary = text(w.PrivateIpAddress);
  const sets = objects(w.PrivateIpSets, 'PrivateIpSet');
  const setPrimary = sets.find((s) => flag(s.Primary) === true);
  const ips = [primary, text(setPrimary?.PrivateIpAddress), ...sets.map((s) => text(s.PrivateIpAddress))].filter((ip): ip is string => ip !== undefined);
  const eni: AliNetworkInterface = {
    id: text(w.NetworkInterfaceId) ?? '',
    vpcId: text(w.VpcId) ?? '',
    vswitchId: text(either(w, 'VSwitchId', 'VswitchId')) ?? '',
    privateIps: unique(ips),
    // Older answers name the inner list `SecurityGroup` instead of `SecurityGroupId`.
    securityGroupIds: unique([...strings(w.SecurityGroupIds, 'SecurityGroupId'), ...strings(w.SecurityGroupIds, 'SecurityGroup')]).sort(compareText),
  };
  assign(eni, 'type', text(w.Type));
  assign(eni, 'zoneId', text(w.ZoneId));
  assign(eni, 'serviceManaged', flag(w.ServiceManaged));
  assign(eni, 'instanceId', text(w.InstanceId));
  assign(eni, 'description', text(w.Description));
  return eni;
}

/** ENIs an ECS answer lists (`NetworkInterfaces.NetworkInterface[].NetworkInterfaceId`). */
export function ecsNetworkInterfaceIds(w: WireObject): string[] {
  return objects(w.NetworkInterfaces, 'NetworkInterface')
    .map((n) => text(n.NetworkInterfaceId))
    .filter((id): id is string => id !== undefined);
}

/** Private addresses of the primary NIC first, then those of further ENIs. */
export function ecsInstance(w: WireObject): AliEcsInstance {
  const vpc = isObject(w.VpcAttributes) ? w.VpcAttributes : {};
  const nicIps = objects(w.NetworkInterfaces, 'NetworkInterface').flatMap((n) => [
    text(n.PrimaryIpAddress),
    ...objects(n.PrivateIpSets, 'PrivateIpSet').map((s) => text(s.PrivateIpAddress)),
  ]);
  const ips = [...strings(vpc.PrivateIpAddress, 'IpAddress'), ...nicIps].filter((ip): ip is string => ip !== undefined);
  const instance: AliEcsInstance = {
    id: text(w.InstanceId) ?? '',
    privateIps: unique(ips),
    securityGroupIds: unique(strings(w.SecurityGroupIds, 'SecurityGroupId')).sort(compareText),
  };
  assign(instance, 'name', text(w.InstanceName));
  assign(instance, 'vpcId', text(vpc.VpcId));
  assign(instance, 'vswitchId', text(either(vpc, 'VSwitchId', 'VswitchId')));
  assign(instance, 'status', text(w.Status));
  return instance;
}

export function prefixList(id: string, w: WireObject): AliPrefixList {
  const list: AliPrefixList = {
    id,
    entries: unique(objects(w.Entries, 'Entry').map((e) => text(e.Cidr)).filter((c): c is string => c !== undefined)).sort(compareText),
  };
  assign(list, 'name', text(w.PrefixListName));
  return list;
}

/** Prefix lists named by any rule. */
export function referencedPrefixLists(groups: AliSecurityGroup[]): string[] {
  const ids = new Set<string>();
  for (const g of groups) for (const r of g.rules ?? []) if (r.peerPrefixListId) ids.add(r.peerPrefixListId);
  return [...ids].sort(compareText);
}

// --- VPC --------------------------------------------------------------------------------------

export function vswitch(w: WireObject): AliVSwitch {
  const out: AliVSwitch = { id: text(w.VSwitchId) ?? '', vpcId: text(w.VpcId) ?? '', cidr: text(w.CidrBlock) ?? '' };
  assign(out, 'zoneId', text(w.ZoneId));
  assign(out, 'ipv6Cidr', text(w.Ipv6CidrBlock));
  return out;
}

/** Primary, secondary and IPv6 blocks. */
export function vpc(w: WireObject): AliVpc {
  const cidrs = [
    text(w.CidrBlock),
    ...strings(w.SecondaryCidrBlocks, 'SecondaryCidrBlock'),
    text(w.Ipv6CidrBlock),
    ...objects(w.Ipv6CidrBlocks, 'Ipv6CidrBlock').map((b) => text(b.Ipv6CidrBlock)),
  ].filter((c): c is string => c !== undefined);
  return { id: text(w.VpcId) ?? '', cidrs: unique(cidrs) };
}

// --- SLB --------------------------------------------------------------------------------------

export function listener(w: WireObject): AliLoadBalancerListener {
  const out: AliLoadBalancerListener = { port: integer(w.ListenerPort) ?? 0, protocol: text(w.ListenerProtocol) ?? '' };
  assign(out, 'aclStatus', text(w.AclStatus));
  assign(out, 'aclType', text(w.AclType));
  assign(out, 'aclId', text(w.AclId) ?? strings(w.AclIds)[0]);
  return out;
}

export function loadBalancer(w: WireObject, listeners: AliLoadBalancerListener[] | undefined): AliLoadBalancer {
  const lb: AliLoadBalancer = { id: text(w.LoadBalancerId) ?? '', address: text(w.Address) ?? '' };
  assign(lb, 'name', text(w.LoadBalancerName));
  assign(lb, 'addressType', text(w.AddressType));
  assign(lb, 'vpcId', text(w.VpcId));
  assign(lb, 'vswitchId', text(either(w, 'VSwitchId', 'VswitchId')));
  assign(lb, 'status', text(w.LoadBalancerStatus));
  if (listeners) lb.listeners = [...listeners].sort((a, b) => a.port - b.port || compareText(a.protocol, b.protocol));
  return lb;
}

/** ACL ids a listener uses (`AclId`, or the newer `AclIds` list). */
export function listenerAclIds(w: WireObject): string[] {
  return unique([text(w.AclId), ...strings(w.AclIds)].filter((id): id is string => id !== undefined));
}

export function accessControlList(id: string, name: string | undefined, entries: string[] | undefined): AliAccessControlList {
  const acl: AliAccessControlList = { id };
  assign(acl, 'name', name);
  if (entries) acl.entries = unique(entries).sort(compareText);
  return acl;
}
