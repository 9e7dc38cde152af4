/**
 * The topology of each private integration, as a small directed graph, and where the findings sit
 * on it. Built from the inventories (the findings document alone does not know the path).
 *
 * AWS, one graph per integration path (per stage when stage variables pick the link or target):
 *   API → integration → VPC link (V2: → subnet/ENI → link security groups) → load balancer
 *   security groups → load balancer → listener → target group → [target security groups] → targets,
 *   or → Cloud Map service → instances.
 * Alibaba Cloud, one graph per deployed API and stage with a VPC backend:
 *   API (stage) → group → gateway instance → vSwitch/ENI → instance security group → VPC access
 *   → [backend security groups] → backend (ECS, SLB or IP).
 *
 * Security groups are "guard" nodes: they sit on the hop they allow or block.
 *
 * Placing a finding (see README, "Report"):
 *  1. Scope: same provider, account and region; a finding that names integrations (AWS) or APIs and
 *     stages (Alibaba) goes only on those integrations' graphs; one that names none goes on the
 *     graphs its own resource is part of. Resolved findings are not placed.
 *  2. The node it breaks: the related resource of the role in PLACEMENT (for the few rules whose
 *     `resource` is the source side of the break), else the node of `finding.resource`, else — and
 *     also when the resource is only the API or integration — the deepest node the finding names.
 *  3. The edges: those into that node (out of it for PLACEMENT `out` rules; both ways for a security
 *     group, the guard of the hop). When some of them start (end) at another node the finding
 *     names, only those: an edge whose both ends the finding names wins.
 *  4. critical/high findings draw the edge red ("broken"), medium and low amber ("warn"); the
 *     first edge of each finding carries its rule id and title as a label. Info findings break no
 *     hop: they are listed under the graph, not drawn.
 * A finding is on a graph only when it names the graph's integration/API or its own resource is a
 * node of the graph; one that is on the graph but cannot be drawn is listed under it ("not drawn").
 *
 * Every ENI subnet, target and instance gets a node; once the findings are placed, fan-outs of more
 * than FANOUT_LIMIT siblings are collapsed into one node listing its members (`collapseFanOuts`).
 */
import type { Finding } from '../findings/types';
import { AlibabaInventory, type AliBackendPath } from '../inventory/alibaba-inventory';
import { AwsInventory, loadBalancerArnOfListener, type AwsIntegrationPath } from '../inventory/aws-inventory';
import type { AwsLoadBalancer, InventoryData, Provider } from '../inventory/model';
import { SEVERITIES, type Severity } from '../rules/types';

export type NodeKind =
  | 'api'
  | 'integration'
  | 'link'
  | 'subnet'
  | 'sg'
  | 'lb'
  | 'listener'
  | 'tg'
  | 'target'
  | 'cloudmap'
  | 'group'
  | 'gateway'
  | 'vswitch'
  | 'vpcaccess'
  | 'backend';

/** One of the nodes a collapsed node stands for (listed in its tooltip and under the graph). */
export interface TopoMember {
  key: string;
  id: string;
  title: string;
  sub: string;
  missing?: boolean;
}

export interface TopoNode {
  /** Unique in the graph: `<kind>:<id>`. */
  key: string;
  kind: NodeKind;
  /** The resource id (or ARN) the node stands for. */
  id: string;
  title: string;
  sub: string;
  /** Ids and ARNs findings may name this node by. */
  refs: string[];
  /** Named by the configuration but not found in the inventory. */
  missing?: boolean;
  /** A security group: guards the hop it sits on. */
  guard?: boolean;
  /** Subnet / vSwitch: how many network interfaces of the link or gateway it holds. */
  enis?: number;
  /** Target / instance: its health state (summarised when targets are collapsed). */
  state?: string;
  /** Set on a node that stands for a collapsed fan-out (see `collapseFanOuts`). */
  members?: TopoMember[];
}

export interface EdgeMark {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  /** The edge that carries the finding's label. */
  labelled: boolean;
}

export interface TopoEdge {
  from: string;
  to: string;
  marks: EdgeMark[];
}

export interface Topology {
  id: string;
  provider: Provider;
  account: string;
  region: string;
  title: string;
  subtitle: string;
  nodes: TopoNode[];
  edges: TopoEdge[];
  /** Findings drawn on the graph and findings in scope that name none of its nodes. */
  placed: Finding[];
  notDrawn: Finding[];
  /** Scope anchors (see the header). */
  anchor: { integration?: string; apiId?: string; stage?: string };
}

class Builder {
  readonly nodes = new Map<string, TopoNode>();
  readonly edges = new Map<string, TopoEdge>();

  node(
    kind: NodeKind,
    id: string,
    title: string,
    sub: string,
    refs: string[],
    extra: { missing?: boolean; guard?: boolean; enis?: number; state?: string } = {},
  ): string {
    const key = `${kind}:${id}`;
    if (!this.nodes.has(key)) {
      const n: TopoNode = { key, kind, id, title, sub, refs: [...new Set([id, ...refs].filter(Boolean))] };
      if (extra.missing) n.missing = true;
      if (extra.guard) n.guard = true;
      if (extra.enis !== undefined) n.enis = extra.enis;
      if (extra.state !== undefined) n.state = extra.state;
      this.nodes.set(key, n);
    }
    return key;
  }

  edge(from: string, to: string): void {
    const key = `${from}\u0000${to}`;
    if (from !== to && !this.edges.has(key)) this.edges.set(key, { from, to, marks: [] });
  }

  /** Edges from every node of `from` to every node of `to`. */
  fan(from: string[], to: string[]): void {
    for (const f of from) for (const t of to) this.edge(f, t);
  }
}

function arnTail(arn: string): string {
  const parts = arn.split(/[:/]/);
  return parts.slice(-3).join('/');
}

const API_KIND: Record<string, string> = { http: 'HTTP API', websocket: 'WebSocket API', rest: 'REST API' };
const LB_KIND: Record<string, string> = { application: 'ALB', network: 'NLB', gateway: 'GWLB' };

// ---------------------------------------------------------------------------------------------
// AWS

function awsTopology(inv: AwsInventory, p: AwsIntegrationPath): Topology {
  const b = new Builder();
  const integrationKey = `${p.api.id}/${p.integration.id}`;
  const api = b.node('api', p.api.id, `${API_KIND[p.api.kind] ?? 'API'} ${p.api.name}`, p.api.id, []);
  const integration = b.node(
    'integration',
    integrationKey,
    `integration ${p.integration.resourcePath ? `${p.integration.httpMethod ?? ''} ${p.integration.resourcePath}` : p.integration.id}`,
    [p.integration.id, p.stage ? `stage ${p.stage.name}` : ''].filter(Boolean).join(' · '),
    [],
  );
  b.edge(api, integration);
  let tail = [integration];

  if (p.unresolvedVariable) {
    const n = b.node('link', `\${stageVariables.${p.unresolvedVariable}}`, 'VPC link (stage variable)', `no value for ${p.unresolvedVariable}`, [], { missing: true });
    b.edge(integration, n);
    tail = [n];
  } else if (p.link?.version === 'V2') {
    const l = p.link.link;
    const link = b.node('link', l.id, `VPC link V2 ${l.name}`, `${l.id} · ${l.status}`, []);
    b.edge(integration, link);
    const enis = inv.vpcLinkNetworkInterfaces(l);
    const subnets = l.subnetIds.map((s) => {
      const here = enis.filter((e) => e.subnetId === s);
      const sub = here.length > 0 ? here.map((e) => `${e.id} ${e.privateIps[0] ?? ''}`.trim()).join(', ') : 'no ENI';
      return b.node('subnet', s, `subnet ${s}`, sub, here.map((e) => e.id), { missing: !inv.subnet(s), enis: here.length });
    });
    b.fan([link], subnets);
    const sgs = l.securityGroupIds.map((g) => b.node('sg', g, `SG ${g}`, inv.securityGroup(g)?.name ?? 'link egress', [], { guard: true, missing: !inv.securityGroup(g) }));
    const before = subnets.length > 0 ? subnets : [link];
    b.fan(before, sgs);
    tail = sgs.length > 0 ? sgs : before;
  } else if (p.link?.version === 'V1') {
    const l = p.link.link;
    const link = b.node('link', l.id, `VPC link V1 ${l.name}`, `${l.id} · ${l.status}`, []);
    b.edge(integration, link);
    tail = [link];
  } else if (p.linkId) {
    const link = b.node('link', p.linkId, `VPC link ${p.linkId}`, 'not found', [], { missing: true });
    b.edge(integration, link);
    tail = [link];
  }

  const arn = p.targetArn;
  if (arn && (p.targetKind === 'listener' || p.targetKind === 'loadbalancer' || p.targetKind === 'nlb')) {
    const listener = p.targetKind === 'listener' ? inv.listener(arn) : undefined;
    const lbArn = p.targetKind === 'listener' ? (listener?.loadBalancerArn ?? loadBalancerArnOfListener(arn)) : arn;
    const lb = lbArn ? inv.loadBalancer(lbArn) : undefined;
    awsLoadBalancer(b, inv, tail, lb, lbArn ?? arn, p.targetKind === 'listener' ? arn : undefined);
  } else if (arn && p.targetKind === 'cloudmap') {
    const svc = inv.cloudMapServiceByArn(arn);
    const n = svc
      ? b.node('cloudmap', svc.arn, `Cloud Map ${svc.name ?? svc.id}`, svc.id, [svc.id])
      : b.node('cloudmap', arn, 'Cloud Map service', arnTail(arn), [], { missing: true });
    b.fan(tail, [n]);
    const instances = svc?.instances ?? [];
    // Every instance gets a node; large fan-outs are collapsed after the findings are placed.
    for (const i of instances) {
      const ip = i.attributes.AWS_INSTANCE_IPV4 ?? i.attributes.AWS_INSTANCE_IPV6 ?? '';
      const port = i.attributes.AWS_INSTANCE_PORT;
      const t = b.node('target', `${svc!.id}/${i.id}`, `instance ${i.id}`, [ip && port ? `${ip}:${port}` : ip, i.health ?? ''].filter(Boolean).join(' · '), [i.id], {
        state: i.health?.toLowerCase() ?? 'no health check',
      });
      b.edge(n, t);
    }
  } else if (arn) {
    b.fan(tail, [b.node('target', arn, 'integration target', arnTail(arn), [], { missing: true })]);
  }

  const stage = p.stage ? ` @ ${p.stage.name}` : '';
  return {
    id: `aws|${inv.account}|${inv.region}|${p.key}`,
    provider: 'aws',
    account: inv.account,
    region: inv.region,
    title: `${p.api.name} → ${p.integration.resourcePath ?? p.integration.id}${stage}`,
    subtitle: `AWS ${inv.account} ${inv.region} · ${API_KIND[p.api.kind] ?? p.api.kind} ${p.api.id}`,
    nodes: [...b.nodes.values()],
    edges: [...b.edges.values()],
    placed: [],
    notDrawn: [],
    anchor: { integration: integrationKey },
  };
}

function awsLoadBalancer(b: Builder, inv: AwsInventory, tail: string[], lb: AwsLoadBalancer | undefined, lbArn: string, listenerArn: string | undefined): void {
  const lbNode = lb
    ? b.node('lb', lb.arn, `${LB_KIND[lb.type] ?? 'LB'} ${lb.name}`, `${lb.scheme}${lb.state ? ` · ${lb.state}` : ''}`, [])
    : b.node('lb', lbArn, 'load balancer', `${arnTail(lbArn)} · not found`, [], { missing: true });
  const sgs = (lb?.securityGroupIds ?? []).map((g) =>
    b.node('sg', g, `SG ${g}`, inv.securityGroup(g)?.name ?? 'load balancer', [], { guard: true, missing: !inv.securityGroup(g) }),
  );
  if (sgs.length > 0) {
    b.fan(tail, sgs);
    b.fan(sgs, [lbNode]);
  } else {
    b.fan(tail, [lbNode]);
  }
  if (!lb) return;
  let listeners = listenerArn ? [inv.listener(listenerArn)].filter((l) => l !== undefined) : inv.listenersOf(lb.arn);
  if (listenerArn && listeners.length === 0) {
    b.edge(lbNode, b.node('listener', listenerArn, 'listener', `${arnTail(listenerArn)} · not found`, [], { missing: true }));
    return;
  }
  const tgFrom: Array<{ from: string; tgArns: string[] }> = [];
  for (const l of listeners) {
    const n = b.node('listener', l.arn, `listener ${l.protocol}:${l.port}`, arnTail(l.arn), []);
    b.edge(lbNode, n);
    tgFrom.push({ from: n, tgArns: l.defaultTargetGroupArns });
  }
  if (listeners.length === 0) tgFrom.push({ from: lbNode, tgArns: inv.targetGroupsOf(lb.arn).map((t) => t.arn) });
  listeners = [];
  for (const { from, tgArns } of tgFrom) {
    for (const tgArn of tgArns) {
      const tg = inv.targetGroup(tgArn);
      if (!tg) {
        b.edge(from, b.node('tg', tgArn, 'target group', `${arnTail(tgArn)} · not found`, [], { missing: true }));
        continue;
      }
      const targets = tg.targets;
      const tgNode = b.node(
        'tg',
        tg.arn,
        `target group ${tg.name}`,
        `${[tg.protocol, tg.port].filter((x) => x !== undefined).join(':')} · ${tg.targetType}${targets === undefined ? ' · health not read' : ''}`,
        [],
      );
      b.edge(from, tgNode);
      // Every target gets a node; large fan-outs are collapsed after the findings are placed.
      for (const t of targets ?? []) {
        const instance = tg.targetType === 'instance' ? inv.instance(t.id) : undefined;
        const groups = instance?.securityGroupIds ?? (tg.targetType === 'ip' ? (inv.networkInterfacesByIp(t.id)[0]?.securityGroupIds ?? []) : []);
        const tNode = b.node('target', `${t.id}:${t.port ?? ''}`, `target ${t.id}${t.port ? `:${t.port}` : ''}`, `${t.healthState}${t.healthReason ? ` (${t.healthReason})` : ''}`, [t.id], {
          state: t.healthState,
        });
        const sgNodes = groups.map((g) => b.node('sg', g, `SG ${g}`, inv.securityGroup(g)?.name ?? 'target', [], { guard: true, missing: !inv.securityGroup(g) }));
        if (sgNodes.length > 0) {
          b.fan([tgNode], sgNodes);
          b.fan(sgNodes, [tNode]);
        } else b.edge(tgNode, tNode);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Alibaba Cloud

function alibabaTopology(inv: AlibabaInventory, p: AliBackendPath): Topology {
  const b = new Builder();
  const stageRef = `${p.api.groupId}/${p.api.stageName}`;
  const api = b.node('api', p.key, `API ${p.api.name}`, `${p.api.apiId} · stage ${p.api.stageName}`, [p.api.apiId, stageRef]);
  const group = p.group
    ? b.node('group', p.group.id, `group ${p.group.name}`, p.group.id, [])
    : b.node('group', p.api.groupId, 'API group', `${p.api.groupId} · not found`, [], { missing: true });
  b.edge(api, group);
  let tail = [group];
  if (p.instance) {
    const i = p.instance;
    const inst = b.node('gateway', i.id, `gateway ${i.name ?? i.id}`, `${i.id} · ${i.dedicatedInstanceType ?? i.instanceType}${i.status ? ` · ${i.status}` : ''}`, []);
    b.edge(group, inst);
    const enis = inv.gatewayNetworkInterfaces(i);
    const guards: string[] = [];
    for (const binding of i.networkBindings) {
      const here = enis.filter((e) => e.vswitchId === binding.vswitchId);
      const v = b.node(
        'vswitch',
        binding.vswitchId,
        `vSwitch ${binding.vswitchId}`,
        here.length > 0 ? here.map((e) => `${e.id} ${e.privateIps[0] ?? ''}`.trim()).join(', ') : 'no ENI',
        here.map((e) => e.id),
        { enis: here.length },
      );
      b.edge(inst, v);
      const sg = inv.securityGroup(binding.securityGroupId);
      const s = b.node('sg', binding.securityGroupId, `SG ${binding.securityGroupId}`, sg?.name ?? 'gateway egress', [], { guard: true, missing: !sg });
      b.edge(v, s);
      guards.push(s);
    }
    tail = guards.length > 0 ? guards : [inst];
  } else if (p.group?.instanceId) {
    const inst = b.node('gateway', p.group.instanceId, 'gateway instance', `${p.group.instanceId} · not found`, [], { missing: true });
    b.edge(group, inst);
    tail = [inst];
  }

  if (p.vpcAccess) {
    const a = p.vpcAccess;
    const n = b.node('vpcaccess', a.id, `VPC access ${a.name}`, `${a.id} · ${a.instanceId}:${a.port}`, []);
    b.fan(tail, [n]);
    tail = [n];
  } else if (p.vpcAccessMissing) {
    const m = p.vpcAccessMissing;
    const n = b.node('vpcaccess', m.id ?? m.name ?? '?', `VPC access ${m.name ?? m.id ?? ''}`, 'not found', [m.id ?? '', m.name ?? ''], { missing: true });
    b.fan(tail, [n]);
    tail = [n];
  }

  const t = p.target;
  if (t) {
    const port = p.port !== undefined ? `:${p.port}` : '';
    const title =
      t.kind === 'ecs' ? `ECS ${t.ecs?.name ?? t.id}` : t.kind === 'slb' ? `SLB ${t.slb?.name ?? t.id}` : t.kind === 'ip' ? `IP ${t.id}` : `backend ${t.id}`;
    const missing = (t.kind === 'ecs' && !t.ecs) || (t.kind === 'slb' && !t.slb) || t.kind === 'unknown';
    const sub = missing ? `${t.id} · not found` : `${t.kind === 'ip' ? (t.ecs ? `ECS ${t.ecs.id}` : t.slb ? `SLB ${t.slb.id}` : 'address') : t.id} · ${t.addresses[0] ?? ''}${port}`;
    const backend = b.node('backend', t.id, title, sub, [...t.addresses, t.ecs?.id ?? '', t.slb?.id ?? ''], { missing });
    const groups = t.ecs?.securityGroupIds ?? [];
    const sgs = groups.map((g) => b.node('sg', g, `SG ${g}`, inv.securityGroup(g)?.name ?? 'backend ingress', [], { guard: true, missing: !inv.securityGroup(g) }));
    if (sgs.length > 0) {
      b.fan(tail, sgs);
      b.fan(sgs, [backend]);
    } else b.fan(tail, [backend]);
  }

  return {
    id: `alibaba|${inv.account}|${inv.region}|${p.key}`,
    provider: 'alibaba',
    account: inv.account,
    region: inv.region,
    title: `${p.api.name} @ ${p.api.stageName}`,
    subtitle: `Alibaba Cloud ${inv.account} ${inv.region} · API ${p.api.apiId} · group ${p.group?.name ?? p.api.groupId}`,
    nodes: [...b.nodes.values()],
    edges: [...b.edges.values()],
    placed: [],
    notDrawn: [],
    anchor: { apiId: p.api.apiId, stage: stageRef },
  };
}

// ---------------------------------------------------------------------------------------------
// Findings on the graphs

/**
 * Rules whose `resource` is not the node the break leads into: `role` names the related resource
 * that is (e.g. the backend an instance cannot reach); `out` marks the edges out of the node (what is
 * behind it is broken: a target group with no healthy target).
 */
export const PLACEMENT: Record<string, { role?: string; out?: boolean }> = {
  'ALI-BACKEND-OUT-OF-CIDR': { role: 'backend' },
  'ALI-VPCACCESS-TARGET-MISSING': { role: 'backend' },
  'ALI-CLB-CIDR-EGRESS': { role: 'backend' },
  'AWS-VPCLINK-ENI-MISSING': { role: 'subnet' },
  'AWS-TARGETS-UNHEALTHY': { out: true },
  'AWS-CLOUDMAP-NO-INSTANCES': { out: true },
  'AWS-RESTLINK-TARGET-INGRESS-BLOCKED': { out: true },
};

function refIds(f: Finding): Set<string> {
  const ids = new Set<string>();
  for (const r of [f.resource, ...f.related]) {
    ids.add(r.id);
    if (r.arn) ids.add(r.arn);
  }
  return ids;
}

function inScope(t: Topology, f: Finding): boolean {
  if (f.provider !== t.provider || f.account !== t.account || f.region !== t.region || f.status === 'resolved') return false;
  const refs = [f.resource, ...f.related];
  if (t.provider === 'aws') {
    const integrations = refs.filter((r) => /:integration$/.test(r.type)).map((r) => r.id);
    return integrations.length === 0 || integrations.includes(t.anchor.integration!);
  }
  const apis = refs.filter((r) => r.type === 'alibaba:apigateway:api').map((r) => r.id);
  if (apis.length > 0 && !apis.includes(t.anchor.apiId!)) return false;
  const stages = refs.filter((r) => r.type === 'alibaba:apigateway:stage').map((r) => r.id);
  return stages.length === 0 || stages.includes(t.anchor.stage!);
}

/** Names the graph's integration (AWS) or API (Alibaba) explicitly. */
function namesAnchor(t: Topology, f: Finding): boolean {
  return [f.resource, ...f.related].some((r) =>
    t.provider === 'aws' ? /:integration$/.test(r.type) && r.id === t.anchor.integration : r.type === 'alibaba:apigateway:api' && r.id === t.anchor.apiId,
  );
}

function place(t: Topology, f: Finding): boolean {
  // Info findings (redundancy, no-op rules) break no hop: listed under the graph, not drawn.
  if (f.severity === 'info') return false;
  const ids = refIds(f);
  const named = t.nodes.filter((n) => n.refs.some((r) => ids.has(r)));
  if (named.length === 0) return false;
  const namedKeys = new Set(named.map((n) => n.key));
  const byRef = (id: string | undefined, arn?: string) => t.nodes.find((n) => (id !== undefined && n.refs.includes(id)) || (arn !== undefined && n.refs.includes(arn)));
  const rule = PLACEMENT[f.ruleId];
  // Every related resource of the PLACEMENT role that is a node (e.g. each subnet without ENI).
  let targets = rule?.role ? [...new Set(f.related.filter((r) => r.role === rule.role).map((r) => byRef(r.id, r.arn)).filter((n) => n !== undefined))] : [];
  if (targets.length === 0) {
    const own = byRef(f.resource.id, f.resource.arn);
    if (own && own.kind !== 'api' && own.kind !== 'integration') targets = [own];
  }
  // The deepest named node: nodes are created along the path, so the last one named.
  if (targets.length === 0) targets = [named[named.length - 1]!];
  const prefer = (edges: TopoEdge[], end: 'from' | 'to') => {
    const both = edges.filter((e) => namedKeys.has(e[end]));
    return both.length > 0 ? both : edges;
  };
  const edges: TopoEdge[] = [];
  for (const target of targets) {
    const into = t.edges.filter((e) => e.to === target.key);
    const outOf = t.edges.filter((e) => e.from === target.key);
    if (rule?.out && outOf.length > 0) edges.push(...prefer(outOf, 'to'));
    else if (target.guard) edges.push(...prefer(into, 'from'), ...prefer(outOf, 'to'));
    else edges.push(...(into.length > 0 ? prefer(into, 'from') : prefer(outOf, 'to')));
  }
  if (edges.length === 0) return false;
  edges.forEach((e, i) => {
    if (!e.marks.some((m) => m.ruleId === f.ruleId && m.message === f.message)) {
      e.marks.push({ ruleId: f.ruleId, severity: f.severity, title: f.title, message: f.message, labelled: i === 0 });
    }
  });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Large fan-outs

/** More siblings than this (same kind, same parents) are drawn as one node. */
export const FANOUT_LIMIT = 8;

const NOUNS: Partial<Record<NodeKind, string>> = {
  sg: 'security groups',
  lb: 'load balancers',
  listener: 'listeners',
  tg: 'target groups',
  target: 'targets',
  cloudmap: 'Cloud Map services',
  backend: 'backends',
  vpcaccess: 'VPC access authorizations',
  gateway: 'gateway instances',
  link: 'VPC links',
};

function edgeBroken(e: TopoEdge): boolean {
  return e.marks.some((m) => isBroken(m.severity));
}

function collapsedLabel(kind: NodeKind, members: TopoNode[]): { title: string; sub: string } {
  const n = members.length;
  const missing = members.filter((m) => m.missing).length;
  const notFound = missing > 0 ? ` · ${missing} not found` : '';
  if (kind === 'subnet' || kind === 'vswitch') {
    const enis = members.reduce((sum, m) => sum + (m.enis ?? 0), 0);
    return { title: `${enis} ENI${enis === 1 ? '' : 's'} in ${n} ${kind === 'subnet' ? 'subnets' : 'vSwitches'}`, sub: `list under the graph${notFound}` };
  }
  if (kind === 'target') {
    const noun = members.every((m) => m.title.startsWith('instance ')) ? 'instances' : 'targets';
    const states = new Map<string, number>();
    for (const m of members) if (m.state) states.set(m.state, (states.get(m.state) ?? 0) + 1);
    const sub = [...states].sort((a, b) => b[1] - a[1]).map(([s, c]) => `${c} ${s}`).join(' · ');
    return { title: `${n} ${noun}`, sub: `${sub || 'list under the graph'}${notFound}` };
  }
  return { title: `${n} ${NOUNS[kind] ?? `${kind} nodes`}`, sub: `list under the graph${notFound}` };
}

/**
 * Draws large fan-outs as one node: more than `limit` nodes of the same kind under the same
 * parents (ENIs' subnets under a VPC link, targets under a target group or security group, Cloud
 * Map instances…) become one node, e.g. "50 ENIs in 10 subnets", that lists its members.
 *
 * Runs after the findings are placed. A node on a broken hop (an edge with a critical/high mark in
 * or out of it) stays on its own, so the red edge still ends at the resource the finding names —
 * unless every node of the fan-out carries exactly the same marks (one finding about the parent,
 * e.g. "no healthy target" on every edge out of a target group): then the fan-out is collapsed and
 * the red edge ends at the collapsed node. Repeats until nothing changes, so a fan-out of security
 * groups that collapses makes the targets behind them one fan-out too.
 */
export function collapseFanOuts(t: Topology, limit = FANOUT_LIMIT): void {
  for (let pass = 0; pass < 8; pass++) {
    const parents = new Map<string, string[]>();
    const incident = new Map<string, TopoEdge[]>();
    const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
      const list = m.get(k);
      if (list) list.push(v);
      else m.set(k, [v]);
    };
    for (const e of t.edges) {
      push(parents, e.to, e.from);
      push(incident, e.from, e);
      push(incident, e.to, e);
    }
    const groups = new Map<string, TopoNode[]>();
    for (const n of t.nodes) {
      const ps = parents.get(n.key);
      if (!ps || n.kind === 'api' || n.kind === 'integration') continue;
      const k = `${n.kind}\u0000${[...ps].sort().join('\u0000')}`;
      push(groups, k, n);
    }
    let changed = false;
    for (const group of groups.values()) {
      if (group.length <= limit) continue;
      const signature = (n: TopoNode) =>
        [...new Set((incident.get(n.key) ?? []).flatMap((e) => e.marks.map((m) => `${m.ruleId}\u0001${m.severity}\u0001${m.message}`)))].sort().join('\u0002');
      const first = signature(group[0]!);
      const members = group.every((n) => signature(n) === first) ? group : group.filter((n) => !(incident.get(n.key) ?? []).some(edgeBroken));
      if (members.length < 2) continue;
      merge(t, members);
      changed = true;
    }
    if (!changed) return;
  }
}

function merge(t: Topology, members: TopoNode[]): void {
  const first = members[0]!;
  const { title, sub } = collapsedLabel(first.kind, members);
  const key = `${first.kind}:collapsed:${first.id}:${members.length}`;
  const node: TopoNode = {
    key,
    kind: first.kind,
    id: `${members.length} × ${first.kind}`,
    title,
    sub,
    refs: [...new Set(members.flatMap((m) => m.refs))],
    members: members.flatMap((m) => m.members ?? [{ key: m.key, id: m.id, title: m.title, sub: m.sub, ...(m.missing ? { missing: true } : {}) }]),
  };
  if (members.every((m) => m.missing)) node.missing = true;
  if (members.every((m) => m.guard)) node.guard = true;
  const gone = new Set(members.map((m) => m.key));
  const at = t.nodes.findIndex((n) => gone.has(n.key));
  const nodes = t.nodes.filter((n) => !gone.has(n.key));
  nodes.splice(at, 0, node);
  t.nodes = nodes;
  const edges = new Map<string, TopoEdge>();
  for (const e of t.edges) {
    const from = gone.has(e.from) ? key : e.from;
    const to = gone.has(e.to) ? key : e.to;
    if (from === to) continue;
    const k = `${from}\u0000${to}`;
    const into = edges.get(k);
    if (!into) {
      edges.set(k, { from, to, marks: e.marks.map((m) => ({ ...m })) });
      continue;
    }
    for (const m of e.marks) {
      const same = into.marks.find((x) => x.ruleId === m.ruleId && x.message === m.message);
      if (!same) into.marks.push({ ...m });
      else if (m.labelled) same.labelled = true;
    }
  }
  // One label per finding and edge is enough: keep it on the first edge that had it.
  const labelled = new Set<string>();
  for (const e of edges.values()) {
    for (const m of e.marks) {
      const id = `${m.ruleId}\u0001${m.message}`;
      if (m.labelled && labelled.has(id)) m.labelled = false;
      else if (m.labelled) labelled.add(id);
    }
  }
  t.edges = [...edges.values()];
}

export function isBroken(severity: Severity): boolean {
  return severity === 'critical' || severity === 'high';
}

/** Every private integration's graph, with the findings placed; broken graphs first. */
export function buildTopologies(findings: readonly Finding[], inventories: readonly InventoryData[]): Topology[] {
  const out: Topology[] = [];
  for (const data of inventories) {
    if (data.provider === 'aws') {
      const inv = new AwsInventory(data);
      for (const p of inv.integrationPaths()) out.push(awsTopology(inv, p));
    } else {
      const inv = new AlibabaInventory(data);
      for (const p of inv.backendPaths()) out.push(alibabaTopology(inv, p));
    }
  }
  const byTarget = new Map<string, Topology[]>();
  for (const t of out) {
    const k = `${t.provider}|${t.account}|${t.region}`;
    byTarget.set(k, [...(byTarget.get(k) ?? []), t]);
  }
  for (const f of findings) {
    for (const t of byTarget.get(`${f.provider}|${f.account}|${f.region}`) ?? []) {
      if (!inScope(t, f)) continue;
      // On this path: it names the integration/API, or its own resource is one of the graph's nodes
      // (an unused authorization that merely names the same backend is not).
      const own = t.nodes.some((n) => n.refs.includes(f.resource.id) || (f.resource.arn !== undefined && n.refs.includes(f.resource.arn)));
      const anchored = namesAnchor(t, f);
      if (!own && !anchored) continue;
      if (place(t, f)) t.placed.push(f);
      else t.notDrawn.push(f);
    }
  }
  for (const t of out) collapseFanOuts(t);
  const rank = (t: Topology) => {
    const sev = t.edges.flatMap((e) => e.marks).map((m) => SEVERITIES.indexOf(m.severity));
    return sev.length > 0 ? Math.min(...sev) : SEVERITIES.length;
  };
  return out
    .map((t, i) => ({ t, i, r: rank(t) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.t);
}
