/**
 * Scoped Alibaba Cloud collection: re-reads what a change touched with targeted calls and patches
 * the answers into a copy of the stored topology (see lib/scope/alibaba.ts for the plan).
 *
 *   security group     ecs DescribeSecurityGroups (SecurityGroupIds) + DescribeSecurityGroupAttribute
 *   VPC access         apigateway DescribeVpcAccesses (VpcAccessId)
 *   gateway instance   apigateway DescribeInstances (InstanceId) + the service-managed ENIs of its vSwitches
 *   ECS instance       ecs DescribeInstances (InstanceIds)
 *   CLB                slb DescribeLoadBalancers (LoadBalancerId) + DescribeLoadBalancerListeners
 *   ENI                ecs DescribeNetworkInterfaces (NetworkInterfaceId.N)
 *   vSwitch            vpc DescribeVSwitches (VSwitchId)
 *   ACL                slb DescribeAccessControlListAttribute
 * then security groups, ECS instances and CLBs the re-read resources name that the topology lacks.
 * An empty answer (or "not found") about one resource means it was deleted; any other failure is
 * recorded in the coverage against the resources asked about, and the stored copy is kept. A list
 * of the wrong shape (./collect-region.ts `listItems`) is such a failure, never an empty answer.
 */
import { AliOp, type AliOperation } from '../../inventory/alibaba-operations';
import type { AlibabaInventoryData, CoverageEntry } from '../../inventory/model';
import type { AlibabaScopedReads } from '../../scope/alibaba';
import { CallCounter, compareText, CoverageRecorder } from '../coverage';
import type { Clock, RateLimit } from '../rate-limiter';
import type { AlibabaCredentialsProvider } from './credentials';
import type { AlibabaProduct } from './endpoints';
import { accessControlListEntries, listenersOf, openAlibabaConnection, listItems, numberedPages, PAGE, readResources, securityGroupRules, tokenedPages, type ResourceRead } from './collect-region';
import { MalformedResponseError } from './errors';
import * as normalize from './normalize';
import type { PopClientFactory } from './pop-client';
import { PopTransport, type PopAnswer, type PopParams } from './transport';
import { text, type WireObject } from './wire';

export interface CollectAlibabaScopedOptions {
  region: string;
  credentials?: AlibabaCredentialsProvider;
  maxAttempts?: number;
  timeoutMs?: number;
  rateLimits?: Partial<Record<AlibabaProduct, RateLimit>>;
  callCounter?: CallCounter;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  env?: NodeJS.ProcessEnv;
  createClient?: PopClientFactory;
}

const byId = normalize.byKey<{ id: string }>((x) => x.id);

/** Re-reads what `reads` names and patches it into a copy of `base`. */
export async function collectAlibabaScoped(base: AlibabaInventoryData, reads: AlibabaScopedReads, options: CollectAlibabaScopedOptions): Promise<AlibabaInventoryData> {
  const { transport, recorder } = await openAlibabaConnection(options);
  try {
    return await new ScopedAlibabaReader(transport, recorder, structuredClone(base)).run(reads);
  } finally {
    transport.close();
  }
}

class ScopedAlibabaReader {
  private readonly used = new Set<AliOperation>();

  constructor(
    private readonly transport: PopTransport,
    private readonly recorder: CoverageRecorder,
    private readonly data: AlibabaInventoryData,
  ) {}

  async run(reads: AlibabaScopedReads): Promise<AlibabaInventoryData> {
    const d = this.data;
    await Promise.all([
      this.securityGroups(reads.securityGroupIds),
      ...reads.vpcAccessIds.map((id) => this.vpcAccess(id)),
      ...reads.gatewayInstanceIds.map((id) => this.gatewayInstance(id)),
      this.ecsInstances(reads.ecsInstanceIds),
      this.loadBalancers(reads.loadBalancerIds),
      this.networkInterfaces(reads.networkInterfaceIds),
      ...reads.vswitchIds.map((id) => this.vswitch(id)),
      ...reads.accessControlListIds.map((id) => this.accessControlList(id)),
    ]);

    // What the re-read resources name that the topology lacks.
    const knownGroups = new Set(d.securityGroups.map((g) => g.id));
    const groups = new Set<string>();
    for (const g of d.gatewayInstances) if (reads.gatewayInstanceIds.includes(g.id)) for (const b of g.networkBindings) groups.add(b.securityGroupId);
    for (const e of d.ecsInstances) if (reads.ecsInstanceIds.includes(e.id)) for (const id of e.securityGroupIds) groups.add(id);
    for (const e of d.networkInterfaces) if (reads.networkInterfaceIds.includes(e.id)) for (const id of e.securityGroupIds) groups.add(id);
    const missingGroups = [...groups].filter((id) => id && !knownGroups.has(id) && !reads.securityGroupIds.includes(id)).sort(compareText);
    const backends = d.vpcAccesses.filter((a) => reads.vpcAccessIds.includes(a.id)).map((a) => a.instanceId);
    const missingEcs = backends.filter((id) => id.startsWith('i-') && !d.ecsInstances.some((e) => e.id === id) && !reads.ecsInstanceIds.includes(id));
    const missingLbs = backends.filter((id) => id.startsWith('lb-') && !d.loadBalancers.some((l) => l.id === id) && !reads.loadBalancerIds.includes(id));
    await Promise.all([this.securityGroups(missingGroups), this.ecsInstances([...new Set(missingEcs)].sort()), this.loadBalancers([...new Set(missingLbs)].sort())]);

    for (const key of ['gatewayInstances', 'vpcAccesses', 'securityGroups', 'networkInterfaces', 'ecsInstances', 'vswitches', 'loadBalancers', 'accessControlLists', 'prefixLists'] as const) {
      (d[key] as Array<{ id: string }>).sort(byId);
    }
    d.coverage = this.coverage();
    return d;
  }

  private coverage(): CoverageEntry[] {
    const ops = Object.values(AliOp).filter((op) => this.used.has(op));
    return this.recorder.entries({ provider: 'alibaba', account: this.data.account, region: this.data.region }, ops);
  }

  // --- plumbing -------------------------------------------------------------------------------

  /** The transport's call, noting the operation for the coverage (which lists this run's operations only). */
  private readonly call = (operation: AliOperation, product: AlibabaProduct, action: string, params?: PopParams): Promise<PopAnswer> => {
    this.used.add(operation);
    return this.transport.call(operation, product, action, params);
  };

  private numbered(operation: AliOperation, product: AlibabaProduct, action: string, pageSize: number, listKey: string, itemKey: string, params: PopParams = {}): Promise<WireObject[]> {
    return numberedPages(this.call, operation, product, action, pageSize, listKey, itemKey, params);
  }

  private tokened(operation: AliOperation, product: AlibabaProduct, action: string, maxResults: number, read: (answer: PopAnswer) => WireObject[], params: PopParams = {}): Promise<WireObject[]> {
    return tokenedPages(this.call, operation, product, action, maxResults, read, params);
  }

  /** `absent`: "not found" about a single resource, i.e. it was deleted. */
  private read<T>(operation: AliOperation, resources: string[], work: () => Promise<T>): Promise<ResourceRead<T>> {
    return readResources(this.recorder, operation, resources, work);
  }

  // --- reads ----------------------------------------------------------------------------------

  private async securityGroups(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const [listed, attributes] = await Promise.all([
      this.read(AliOp.DescribeSecurityGroups, ids, () =>
        this.tokened(AliOp.DescribeSecurityGroups, 'ecs', 'DescribeSecurityGroups', PAGE.securityGroups, (a) => listItems('DescribeSecurityGroups', a, 'SecurityGroups', 'SecurityGroup'), {
          SecurityGroupIds: JSON.stringify(ids),
        }),
      ),
      Promise.all(
        ids.map((id) =>
          this.read(AliOp.DescribeSecurityGroupAttribute, [id], () => securityGroupRules(this.call, id)),
        ),
      ),
    ]);
    const list = new Map<string, WireObject>();
    if (listed.ok) for (const g of listed.value) if (text(g.SecurityGroupId)) list.set(text(g.SecurityGroupId)!, g);
    ids.forEach((id, i) => {
      const attribute = attributes[i]!;
      const gone = (!attribute.ok && attribute.absent) || (listed.ok && !list.has(id) && !attribute.ok);
      if (gone) {
        this.data.securityGroups = this.data.securityGroups.filter((g) => g.id !== id);
        return;
      }
      if (!attribute.ok && !listed.ok) return;
      const stored = this.data.securityGroups.find((g) => g.id === id);
      const fresh = normalize.securityGroup(id, list.get(id), attribute.ok ? attribute.value.first : undefined, attribute.ok ? attribute.value.permissions : undefined);
      if (!attribute.ok && stored?.rules) fresh.rules = stored.rules;
      this.data.securityGroups = [...this.data.securityGroups.filter((g) => g.id !== id), fresh];
    });
  }

  private async vpcAccess(id: string): Promise<void> {
    const found = await this.read(AliOp.DescribeVpcAccesses, [id], () =>
      this.numbered(AliOp.DescribeVpcAccesses, 'apigateway', 'DescribeVpcAccesses', PAGE.vpcAccesses, 'VpcAccessAttributes', 'VpcAccessAttribute', { VpcAccessId: id }),
    );
    if (!found.ok && !found.absent) return;
    const fresh = found.ok ? found.value.map(normalize.vpcAccess).filter((a) => a.id === id) : [];
    this.data.vpcAccesses = [...this.data.vpcAccesses.filter((a) => a.id !== id), ...fresh];
  }

  private async gatewayInstance(id: string): Promise<void> {
    const found = await this.read(AliOp.DescribeInstances, [id], async () =>
      listItems('DescribeInstances', await this.call(AliOp.DescribeInstances, 'apigateway', 'DescribeInstances', { InstanceId: id }), 'Instances', 'InstanceAttribute'),
    );
    if (!found.ok && !found.absent) return;
    const fresh = found.ok
      ? found.value.map((w) => {
          const { instance, problems } = normalize.gatewayInstance(w);
          if (problems.length > 0) this.recorder.failResources(AliOp.DescribeInstances, [instance.id], new MalformedResponseError(problems.join('; ')));
          return instance;
        }).filter((i) => i.id === id)
      : [];
    this.data.gatewayInstances = [...this.data.gatewayInstances.filter((g) => g.id !== id), ...fresh];
    // Its service-managed ENIs, per bound vSwitch.
    const vswitches = [...new Set(fresh.flatMap((g) => g.networkBindings.map((b) => b.vswitchId)).filter((v) => v))].sort(compareText);
    await Promise.all(
      vswitches.map(async (vswitchId) => {
        const enis = await this.read(AliOp.DescribeNetworkInterfaces, [vswitchId], () =>
          this.tokened(AliOp.DescribeNetworkInterfaces, 'ecs', 'DescribeNetworkInterfaces', PAGE.networkInterfaces, (a) => listItems('DescribeNetworkInterfaces', a, 'NetworkInterfaceSets', 'NetworkInterfaceSet'), {
            VSwitchId: vswitchId,
            ServiceManaged: true,
          }),
        );
        if (!enis.ok) return;
        const list = enis.value.map(normalize.networkInterface);
        const ids = new Set(list.map((e) => e.id));
        this.data.networkInterfaces = [
          ...this.data.networkInterfaces.filter((e) => !ids.has(e.id) && !(e.vswitchId === vswitchId && e.serviceManaged !== false)),
          ...list,
        ];
      }),
    );
  }

  private async ecsInstances(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.read(AliOp.DescribeEcsInstances, ids, () =>
      this.tokened(AliOp.DescribeEcsInstances, 'ecs', 'DescribeInstances', PAGE.ecsInstances, (a) => listItems('DescribeInstances', a, 'Instances', 'Instance'), { InstanceIds: JSON.stringify(ids) }),
    );
    if (!found.ok && !found.absent) return;
    const fresh = found.ok ? found.value.map(normalize.ecsInstance) : [];
    this.data.ecsInstances = [...this.data.ecsInstances.filter((e) => !ids.includes(e.id)), ...fresh];
  }

  private async loadBalancers(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const [list, listeners] = await Promise.all([
      this.read(AliOp.DescribeLoadBalancers, ids, () =>
        this.numbered(AliOp.DescribeLoadBalancers, 'slb', 'DescribeLoadBalancers', PAGE.loadBalancers, 'LoadBalancers', 'LoadBalancer', { LoadBalancerId: ids.join(',') }),
      ),
      this.read(AliOp.DescribeLoadBalancerListeners, ids, () =>
        this.tokened(AliOp.DescribeLoadBalancerListeners, 'slb', 'DescribeLoadBalancerListeners', PAGE.listeners, listenersOf, { LoadBalancerId: ids }),
      ),
    ]);
    if (!list.ok && !list.absent) return;
    const byLb = new Map<string, WireObject[]>();
    if (listeners.ok) {
      for (const l of listeners.value) {
        const lbId = text(l.LoadBalancerId) ?? (ids.length === 1 ? ids[0]! : '');
        byLb.set(lbId, [...(byLb.get(lbId) ?? []), l]);
      }
    }
    const fresh = (list.ok ? list.value : []).map((lb) => {
      const id = text(lb.LoadBalancerId) ?? '';
      const stored = this.data.loadBalancers.find((x) => x.id === id);
      return normalize.loadBalancer(lb, listeners.ok ? (byLb.get(id) ?? []).map(normalize.listener) : stored?.listeners);
    });
    this.data.loadBalancers = [...this.data.loadBalancers.filter((l) => !ids.includes(l.id)), ...fresh];
    // ACLs the re-read listeners name that the topology lacks.
    const acls = [...new Set([...byLb.values()].flat().flatMap(normalize.listenerAclIds))].filter((id) => !this.data.accessControlLists.some((a) => a.id === id));
    await Promise.all(acls.map((id) => this.accessControlList(id)));
  }

  private async networkInterfaces(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.read(AliOp.DescribeNetworkInterfaces, ids, () =>
      this.tokened(AliOp.DescribeNetworkInterfaces, 'ecs', 'DescribeNetworkInterfaces', PAGE.networkInterfaces, (a) => listItems('DescribeNetworkInterfaces', a, 'NetworkInterfaceSets', 'NetworkInterfaceSet'), {
        NetworkInterfaceId: ids,
      }),
    );
    if (!found.ok && !found.absent) return;
    const fresh = found.ok ? found.value.map(normalize.networkInterface) : [];
    this.data.networkInterfaces = [...this.data.networkInterfaces.filter((e) => !ids.includes(e.id)), ...fresh];
  }

  private async vswitch(id: string): Promise<void> {
    const found = await this.read(AliOp.DescribeVSwitches, [id], () => this.numbered(AliOp.DescribeVSwitches, 'vpc', 'DescribeVSwitches', PAGE.vswitches, 'VSwitches', 'VSwitch', { VSwitchId: id }));
    if (!found.ok && !found.absent) return;
    const fresh = found.ok ? found.value.map(normalize.vswitch).filter((v) => v.id === id) : [];
    this.data.vswitches = [...this.data.vswitches.filter((v) => v.id !== id), ...fresh];
  }

  private async accessControlList(id: string): Promise<void> {
    const seen: { name?: string } = {};
    const found = await this.read(AliOp.DescribeAccessControlListAttribute, [id], () => accessControlListEntries(this.call, id, seen));
    if (!found.ok && !found.absent) return;
    const fresh = found.ok ? [normalize.accessControlList(id, seen.name, found.value)] : [];
    this.data.accessControlLists = [...this.data.accessControlLists.filter((a) => a.id !== id), ...fresh];
  }
}
