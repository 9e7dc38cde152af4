/**
 * Scoped AWS collection: re-reads only what a change touched (and the direct neighbours its paths
 * need) with targeted calls, and patches the answers into a copy of the stored topology.
 *
 * Calls, by what the event named (see lib/scope/aws.ts for the plan):
 * - always: apigatewayv2 GetVpcLinks and apigateway GetVpcLinks (every path goes through a link);
 * - security group: DescribeSecurityGroups (filter group-id) and DescribeNetworkInterfaces (filter
 *   group-id): the group's rules and the ENIs carrying it now;
 * - VPC link: the ENIs carrying its groups (DescribeNetworkInterfaces, filter group-id);
 * - integration / API / stage / route: that API's integrations and stages (GetIntegrations +
 *   GetStages, or GetResources with embedded methods + GetStages for REST);
 * - load balancer: DescribeLoadBalancers by ARN, DescribeListeners and DescribeTargetGroups of it;
 * - listener / target group: DescribeListeners / DescribeTargetGroups by ARN;
 * - instance, ENI, subnet: DescribeInstances / DescribeNetworkInterfaces / DescribeSubnets (+ its
 *   ENIs) by filter; prefix list: DescribeManagedPrefixLists + GetManagedPrefixListEntries;
 *   Cloud Map service: GetService, ListInstances, GetInstancesHealthStatus;
 * then, on the patched topology: anything the re-read resources reference that the topology lacks
 * (listeners, load balancers, target groups, security groups, prefix lists), and — after an
 * integration / load balancer / listener / target group / Cloud Map change — the health of the
 * target groups and services on the affected paths (DescribeTargetHealth; at most
 * AWS_HEALTH_READ_CAP), with the instances of new instance targets.
 *
 * Filters instead of id lists for EC2: an id that no longer exists is simply absent from the answer
 * (deleted), where an id list fails the whole call. "Not found" answers for ELB and API Gateway
 * reads of one resource mean it was deleted; the patch removes it. Any other failure is recorded
 * in the coverage against the resources asked about, and the topology keeps its stored copy.
 * Answers are type-checked and normalized inside that guard, as the full collector does: a
 * malformed answer (a list of the wrong type, a null item, a missing id) is such a failure — never
 * an empty or partial list, which here would read as "deleted".
 */
import {
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type Filter,
} from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetServiceCommand, type Service } from '@aws-sdk/client-servicediscovery';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AwsInventory, loadBalancerArnOfListener } from '../../inventory/aws-inventory';
import { AwsOp, type AwsOperation } from '../../inventory/aws-operations';
import type { AwsApi, AwsInventoryData, AwsTargetGroup, CoverageEntry } from '../../inventory/model';
import { AWS_HEALTH_READ_CAP, awsAffected, healthTargetsOf, type AwsScopedReads } from '../../scope/aws';
import type { TouchedResource } from '../../events/types';
import { CallCounter, CoverageRecorder } from '../coverage';
import { errorCode } from '../errors';
import { chunk, collectPages, type Page } from '../paging';
import type { Clock, RateLimit } from '../rate-limiter';
import { createAwsClients, destroyAwsClients, paceAwsClients, type AwsClients } from './clients';
import {
  byArn,
  byId,
  cloudMapHealthStatus,
  countedCall,
  describeListeners,
  describeTargetHealth,
  listCloudMapInstances,
  listHttpIntegrations,
  listHttpStages,
  listInstances,
  listPrefixListEntries,
  listRestResources,
  listRestStages,
  listVpcLinksV1,
  listVpcLinksV2,
  page,
  PAGE,
  type AwsSender,
} from './collect-region';
import { createAwsRateLimiters, type AwsRateFamily } from './limits';
import * as normalize from './normalize';

export interface CollectAwsScopedOptions {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  clientOverrides?: Partial<AwsClients>;
  rateLimits?: Partial<Record<AwsRateFamily, RateLimit>>;
  clock?: Clock;
  callCounter?: CallCounter;
}

export interface AwsScopedCollection {
  /** The stored topology with the re-read resources patched in (coverage: this run's calls only). */
  inventory: AwsInventoryData;
  /** Whether target and Cloud Map health on the affected paths was read again (else those rules are not judged). */
  healthRefreshed: boolean;
  /** Why health was not re-read, when it was asked for. */
  healthNote?: string;
}

const FILTER_VALUES = 200;
const ELB_ARNS = 20;

let scopedSequence = 0;

const NOT_FOUND = new Set(['LoadBalancerNotFound', 'ListenerNotFound', 'TargetGroupNotFound', 'NotFoundException', 'ServiceNotFound']);

/** Re-reads what `reads` names and patches it into a copy of `base` (the stored topology). */
export async function collectAwsScoped(
  base: AwsInventoryData,
  reads: AwsScopedReads,
  touched: readonly TouchedResource[],
  options: CollectAwsScopedOptions,
): Promise<AwsScopedCollection> {
  const created = createAwsClients({
    region: options.region,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? 5,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  });
  const clients: AwsClients = { ...created, ...(options.clientOverrides ?? {}) };
  const detach = paceAwsClients(clients, createAwsRateLimiters(options.rateLimits, options.clock), `apigwAuditScopedPacing${++scopedSequence}`);
  try {
    const recorder = new CoverageRecorder(options.callCounter ?? new CallCounter());
    return await new ScopedAwsReader(clients, recorder, structuredClone(base)).run(reads, touched);
  } finally {
    detach();
    destroyAwsClients(created);
  }
}

class ScopedAwsReader implements AwsSender {
  /** Operations this run called (coverage lists those only). */
  private readonly used = new Set<AwsOperation>();

  constructor(
    readonly clients: AwsClients,
    private readonly recorder: CoverageRecorder,
    private readonly data: AwsInventoryData,
  ) {}

  async run(reads: AwsScopedReads, touched: readonly TouchedResource[]): Promise<AwsScopedCollection> {
    const d = this.data;
    // --- stage 1: what the event names ---------------------------------------------------------
    await Promise.all([
      this.vpcLinks(),
      this.securityGroups(reads.securityGroupIds),
      this.enisByFilter('group-id', reads.networkInterfaceGroupIds, (eni, values) => eni.securityGroupIds.some((g) => values.includes(g)), true),
      this.enisByFilter('network-interface-id', reads.networkInterfaceIds, (eni, values) => values.includes(eni.id)),
      this.subnets(reads.subnetIds),
      this.enisByFilter('subnet-id', reads.subnetIds, (eni, values) => values.includes(eni.subnetId)),
      ...reads.apis.map((api) => this.api(api.id, api.kind)),
      ...reads.loadBalancerArns.map((arn) => this.loadBalancer(arn)),
      this.listenersByArn(reads.listenerArns),
      this.targetGroupsByArn(reads.targetGroupArns),
      this.instances(reads.instanceIds),
      this.prefixLists(reads.prefixListIds),
      ...reads.cloudMapServiceIds.map((id) => this.cloudMapService(id)),
    ]);

    // --- stage 2: neighbours the re-read resources name that the topology lacks -----------------
    const linkGroups = d.vpcLinksV2.filter((l) => reads.touchedLinkIds.includes(l.id)).flatMap((l) => l.securityGroupIds);
    const stage2: Array<Promise<void>> = [];
    const groupsForEnis = [...new Set(linkGroups)].filter((g) => !reads.networkInterfaceGroupIds.includes(g)).sort();
    if (groupsForEnis.length > 0) stage2.push(this.enisByFilter('group-id', groupsForEnis, (eni, values) => eni.securityGroupIds.some((g) => values.includes(g)), true));
    let inventory = new AwsInventory(d);
    const affected = awsAffected(inventory, touched);
    const missingListeners = new Set<string>();
    const missingLoadBalancers = new Set<string>();
    for (const path of affected.paths) {
      // Not found again: listeners read by ARN, or with their load balancer, in stage 1 are known to be gone.
      if (path.targetKind === 'listener' && path.targetArn && !inventory.listener(path.targetArn) && !reads.listenerArns.includes(path.targetArn)) {
        const lb = loadBalancerArnOfListener(path.targetArn);
        if (!lb || !reads.loadBalancerArns.includes(lb)) missingListeners.add(path.targetArn);
      }
      const lb = inventory.targetLoadBalancerArn(path) ?? (path.targetKind === 'nlb' ? path.targetArn : undefined);
      if (lb && !inventory.loadBalancer(lb) && !reads.loadBalancerArns.includes(lb)) missingLoadBalancers.add(lb);
    }
    const referencedGroups = new Set<string>();
    for (const link of d.vpcLinksV2) if (affected.linkIds.has(link.id)) for (const g of link.securityGroupIds) referencedGroups.add(g);
    for (const g of d.securityGroups) if (reads.securityGroupIds.includes(g.id)) for (const r of [...g.ingress, ...g.egress]) for (const id of r.groupIds) referencedGroups.add(id);
    const missingGroups = [...referencedGroups].filter((g) => !inventory.securityGroup(g) && !reads.securityGroupIds.includes(g)).sort();
    const missingPrefixLists = normalize
      .referencedPrefixLists(d.securityGroups.filter((g) => reads.securityGroupIds.includes(g.id) || missingGroups.includes(g.id)))
      .filter((id) => !inventory.prefixList(id) && !reads.prefixListIds.includes(id));
    if (missingListeners.size > 0) stage2.push(this.listenersByArn([...missingListeners].sort()));
    for (const arn of [...missingLoadBalancers].sort()) stage2.push(this.loadBalancer(arn));
    if (missingGroups.length > 0) stage2.push(this.securityGroups(missingGroups));
    await Promise.all(stage2);
    if (missingPrefixLists.length > 0) await this.prefixLists(missingPrefixLists);

    // Target groups the (re-read) listeners forward to that the topology lacks.
    inventory = new AwsInventory(d);
    const forwarded = new Set<string>();
    for (const path of awsAffected(inventory, touched).paths) {
      if (path.targetKind === 'listener' && path.targetArn) for (const tg of inventory.listener(path.targetArn)?.defaultTargetGroupArns ?? []) forwarded.add(tg);
    }
    const missingGroupsOfListeners = [...forwarded].filter((arn) => !inventory.targetGroup(arn) && !reads.targetGroupArns.includes(arn)).sort();
    if (missingGroupsOfListeners.length > 0) await this.targetGroupsByArn(missingGroupsOfListeners);

    // --- stage 3: health on the affected paths, when the change can move it -------------------
    let healthRefreshed = false;
    let healthNote: string | undefined;
    if (reads.health) {
      inventory = new AwsInventory(d);
      const paths = awsAffected(inventory, touched).paths;
      const targets = healthTargetsOf(inventory, paths, reads.targetGroupArns);
      const alreadyRead = new Set(reads.cloudMapServiceIds);
      const services = targets.cloudMapServiceIds.filter((id) => !alreadyRead.has(id));
      const count = targets.targetGroupArns.length + services.length;
      if (count <= AWS_HEALTH_READ_CAP) {
        await Promise.all([...targets.targetGroupArns.map((arn) => this.targetHealth(arn)), ...services.map((id) => this.cloudMapService(id))]);
        healthRefreshed = true;
        // Instances of instance targets the topology does not know yet.
        const known = new Set(d.instances.map((i) => i.id));
        const newInstances = d.targetGroups
          .filter((tg) => targets.targetGroupArns.includes(tg.arn) && tg.targetType === 'instance')
          .flatMap((tg) => (tg.targets ?? []).map((t) => t.id))
          .filter((id) => id && !known.has(id));
        if (newInstances.length > 0) await this.instances([...new Set(newInstances)].sort());
      } else {
        healthNote = `${count} target groups and Cloud Map services on the affected paths, above the ${AWS_HEALTH_READ_CAP} re-read per scoped run`;
      }
    }

    sortInventory(d);
    d.coverage = this.coverage();
    return { inventory: d, healthRefreshed, ...(healthNote ? { healthNote } : {}) };
  }

  private coverage(): CoverageEntry[] {
    const ops = Object.values(AwsOp).filter((op) => this.used.has(op));
    return this.recorder.entries({ provider: 'aws', account: this.data.account, region: this.data.region }, ops);
  }

  // --- plumbing -------------------------------------------------------------------------------

  call<T>(operation: AwsOperation, send: () => Promise<T>): Promise<T> {
    this.used.add(operation);
    return countedCall(this.recorder.counter, operation, send);
  }

  pages<Out, Item>(operation: AwsOperation, send: (token: string | undefined) => Promise<Out>, read: (out: Out) => Page<Item>): Promise<Item[]> {
    return collectPages(async (token) => read(await this.call(operation, () => send(token))));
  }

  /**
   * Runs a read about `resources`; a failure is recorded against them and yields undefined. A
   * "not found" answer about one resource yields 'gone', about several 'split' (one of them is gone:
   * read them one by one), unless `notFound` is false (lists, where it means something else).
   */
  private async read<T>(operation: AwsOperation, resources: string[], work: () => Promise<T>, notFound = true): Promise<T | 'gone' | 'split' | undefined> {
    try {
      return await work();
    } catch (error) {
      if (notFound && NOT_FOUND.has(errorCode(error))) return resources.length === 1 ? 'gone' : 'split';
      this.recorder.failResources(operation, resources, error);
      return undefined;
    }
  }

  // --- API Gateway ----------------------------------------------------------------------------

  private async vpcLinks(): Promise<void> {
    const [v2, v1] = await Promise.all([
      this.read(AwsOp.GetVpcLinksV2, ['vpc-links'], async () => (await listVpcLinksV2(this)).map(normalize.vpcLinkV2), false),
      this.read(AwsOp.GetVpcLinksV1, ['vpc-links'], async () => (await listVpcLinksV1(this)).map(normalize.vpcLinkV1), false),
    ]);
    if (Array.isArray(v2)) this.data.vpcLinksV2 = v2;
    if (Array.isArray(v1)) this.data.vpcLinksV1 = v1;
  }

  private async api(apiId: string, kind: AwsApi['kind']): Promise<void> {
    const existing = this.data.apis.find((a) => a.id === apiId);
    if (!existing) return;
    if (kind === 'rest') {
      const [resources, stages] = await Promise.all([
        this.read(AwsOp.GetResources, [apiId], async () => normalize.restIntegrations(await listRestResources(this, apiId))),
        this.read(AwsOp.GetStagesV1, [apiId], async () => (await listRestStages(this, apiId)).map(normalize.restStage)),
      ]);
      if (resources === 'gone' || stages === 'gone') return this.removeApi(apiId);
      if (Array.isArray(resources)) existing.integrations = resources;
      if (Array.isArray(stages)) existing.stages = stages;
      return;
    }
    const [integrations, stages] = await Promise.all([
      this.read(AwsOp.GetIntegrationsV2, [apiId], async () => (await listHttpIntegrations(this, apiId)).map(normalize.httpIntegration)),
      this.read(AwsOp.GetStagesV2, [apiId], async () => (await listHttpStages(this, apiId)).map(normalize.httpStage)),
    ]);
    if (integrations === 'gone' || stages === 'gone') return this.removeApi(apiId);
    if (Array.isArray(integrations)) existing.integrations = integrations;
    if (Array.isArray(stages)) existing.stages = stages;
  }

  private removeApi(apiId: string): void {
    this.data.apis = this.data.apis.filter((a) => a.id !== apiId);
  }

  // --- EC2 ------------------------------------------------------------------------------------

  private async securityGroups(ids: string[]): Promise<void> {
    for (const batch of chunk(ids, FILTER_VALUES)) {
      const found = await this.read(AwsOp.DescribeSecurityGroups, batch, () =>
        this.pages(
          AwsOp.DescribeSecurityGroups,
          (token) => this.clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: batch }], MaxResults: PAGE.ec2, NextToken: token })),
          (out) => page('DescribeSecurityGroups', 'SecurityGroups', out.SecurityGroups, 'NextToken', out.NextToken),
        ).then((groups) => groups.map(normalize.securityGroup)),
      );
      if (!Array.isArray(found)) continue;
      const fresh = new Map(found.map((g) => [g.id, g]));
      this.data.securityGroups = [...this.data.securityGroups.filter((g) => !batch.includes(g.id)), ...[...fresh.values()]];
    }
  }

  /**
   * ENIs matching a filter. The answer is the truth for the filter: listed ENIs are upserted, and
   * stored ENIs that matched (`matches`) but are not listed left it — deleted, or (for a group filter,
   * `reReadLeavers`) moved off the group, which a read by id tells apart.
   */
  private async enisByFilter(name: string, values: string[], matches: (eni: AwsInventoryData['networkInterfaces'][number], values: string[]) => boolean, reReadLeavers = false): Promise<void> {
    for (const batch of chunk(values, FILTER_VALUES)) {
      const filters: Filter[] = [{ Name: name, Values: batch }];
      const found = await this.read(AwsOp.DescribeNetworkInterfaces, batch, () =>
        this.pages(
          AwsOp.DescribeNetworkInterfaces,
          (token) => this.clients.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: filters, MaxResults: PAGE.ec2, IncludeManagedResources: true, NextToken: token })),
          (out) => page('DescribeNetworkInterfaces', 'NetworkInterfaces', out.NetworkInterfaces, 'NextToken', out.NextToken),
        ).then((enis) => enis.map(normalize.networkInterface)),
      );
      if (!Array.isArray(found)) continue;
      const fresh = found;
      const freshIds = new Set(fresh.map((e) => e.id));
      const leavers = this.data.networkInterfaces.filter((e) => matches(e, batch) && !freshIds.has(e.id)).map((e) => e.id);
      this.data.networkInterfaces = [...this.data.networkInterfaces.filter((e) => !freshIds.has(e.id) && !leavers.includes(e.id)), ...fresh];
      if (reReadLeavers && leavers.length > 0) await this.enisByFilter('network-interface-id', leavers.sort(), (eni, v) => v.includes(eni.id));
    }
  }

  private async subnets(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.read(AwsOp.DescribeSubnets, ids, () =>
      this.pages(
        AwsOp.DescribeSubnets,
        (token) => this.clients.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: ids }], MaxResults: PAGE.ec2, NextToken: token })),
        (out) => page('DescribeSubnets', 'Subnets', out.Subnets, 'NextToken', out.NextToken),
      ).then((subnets) => subnets.map(normalize.subnet)),
    );
    if (!Array.isArray(found)) return;
    this.data.subnets = [...this.data.subnets.filter((s) => !ids.includes(s.id)), ...found];
  }

  private async instances(ids: string[]): Promise<void> {
    for (const batch of chunk(ids, FILTER_VALUES)) {
      const found = await this.read(AwsOp.DescribeInstances, batch, async () => (await listInstances(this, batch)).map(normalize.instance));
      if (!Array.isArray(found)) continue;
      this.data.instances = [...this.data.instances.filter((i) => !batch.includes(i.id)), ...found];
    }
  }

  private async prefixLists(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const [lists, entries] = await Promise.all([
      this.read(AwsOp.DescribeManagedPrefixLists, ids, () =>
        this.pages(
          AwsOp.DescribeManagedPrefixLists,
          (token) => this.clients.ec2.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-id', Values: ids }], MaxResults: PAGE.ec2PrefixLists, NextToken: token })),
          (out) => page('DescribeManagedPrefixLists', 'PrefixLists', out.PrefixLists, 'NextToken', out.NextToken),
        ).then((found) =>
          // A list without a readable id would read as "absent", i.e. deleted: malformed instead.
          found.map((l, i) => {
            normalize.prefixList('', l, undefined);
            if (typeof l.PrefixListId !== 'string' || l.PrefixListId.length === 0) {
              throw new normalize.MalformedAwsResponseError(`DescribeManagedPrefixLists.PrefixLists[${i}].PrefixListId`, 'missing');
            }
            return l;
          }),
        ),
      ),
      Promise.all(ids.map((id) => this.read(AwsOp.GetManagedPrefixListEntries, [id], () => listPrefixListEntries(this, id)))),
    ]);
    const described = new Map(Array.isArray(lists) ? lists.map((l) => [l.PrefixListId!, l]) : []);
    const fresh = ids.map((id, i) => {
      const e = entries[i];
      return normalize.prefixList(id, described.get(id), Array.isArray(e) ? e : undefined);
    });
    // Listed as absent: gone. Unreadable: kept as stored.
    const gone = Array.isArray(lists) ? ids.filter((id) => !described.has(id)) : [];
    const replace = new Set(fresh.filter((p) => !gone.includes(p.id) && (p.entries !== undefined || Array.isArray(lists))).map((p) => p.id));
    this.data.prefixLists = [...this.data.prefixLists.filter((p) => !replace.has(p.id) && !gone.includes(p.id)), ...fresh.filter((p) => replace.has(p.id))];
  }

  // --- ELBv2 ----------------------------------------------------------------------------------

  /** A load balancer with its listeners and target groups; "not found" removes all three. */
  private async loadBalancer(arn: string): Promise<void> {
    const [lbs, listeners, groups] = await Promise.all([
      this.read(AwsOp.DescribeLoadBalancers, [arn], async () => {
        const out = await this.call(AwsOp.DescribeLoadBalancers, () => this.clients.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] })));
        const stored = this.data.loadBalancers.find((lb) => lb.arn === arn);
        return normalize.answerList('DescribeLoadBalancers.LoadBalancers', out.LoadBalancers).map((lb) => normalize.loadBalancer(lb, stored?.attributes));
      }),
      this.read(AwsOp.DescribeListeners, [arn], async () => (await describeListeners(this, { LoadBalancerArn: arn })).map(normalize.listener)),
      this.read(AwsOp.DescribeTargetGroups, [arn], () =>
        this.pages(
          AwsOp.DescribeTargetGroups,
          (marker) => this.clients.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: arn, PageSize: PAGE.elbv2, Marker: marker })),
          (out) => page('DescribeTargetGroups', 'TargetGroups', out.TargetGroups, 'NextMarker', out.NextMarker),
        ).then((groups) => groups.map((g) => normalize.targetGroup(g))),
      ),
    ]);
    const d = this.data;
    if (lbs === 'gone' || (Array.isArray(lbs) && lbs.length === 0)) {
      d.loadBalancers = d.loadBalancers.filter((lb) => lb.arn !== arn);
      d.listeners = d.listeners.filter((l) => l.loadBalancerArn !== arn);
      for (const tg of d.targetGroups) tg.loadBalancerArns = tg.loadBalancerArns.filter((x) => x !== arn);
      // ELB deletes the load balancer's ENIs with it.
      const suffix = /:loadbalancer\/(.+)$/.exec(arn)?.[1];
      if (suffix) d.networkInterfaces = d.networkInterfaces.filter((e) => !(e.description ?? '').startsWith(`ELB ${suffix}`));
      return;
    }
    if (Array.isArray(lbs)) d.loadBalancers = [...d.loadBalancers.filter((lb) => lb.arn !== arn), ...lbs];
    if (Array.isArray(listeners)) d.listeners = [...d.listeners.filter((l) => l.loadBalancerArn !== arn), ...listeners];
    if (Array.isArray(groups)) {
      const fresh = new Set(groups.map((g) => g.arn));
      for (const tg of d.targetGroups) if (!fresh.has(tg.arn)) tg.loadBalancerArns = tg.loadBalancerArns.filter((x) => x !== arn);
      this.upsertTargetGroups(groups);
    }
  }

  /** Target groups as listed (normalized without targets); the registered targets (health) stay as stored until read again. */
  private upsertTargetGroups(groups: AwsTargetGroup[]): void {
    const d = this.data;
    for (const g of groups) {
      const stored = d.targetGroups.find((tg) => tg.arn === g.arn);
      // `targets` is the model's last member, so adding it keeps the normalizer's key order.
      const fresh = stored?.targets ? { ...g, targets: stored.targets } : g;
      d.targetGroups = [...d.targetGroups.filter((tg) => tg.arn !== fresh.arn), fresh];
    }
  }

  /** By ARN, in batches; a batch naming a deleted one fails whole, so it is split to find which. */
  private async listenersByArn(arns: string[]): Promise<void> {
    for (const batch of chunk(arns, ELB_ARNS)) {
      const found = await this.read(AwsOp.DescribeListeners, batch, async () => (await describeListeners(this, { ListenerArns: batch })).map(normalize.listener));
      if (found === 'gone') this.data.listeners = this.data.listeners.filter((l) => l.arn !== batch[0]);
      else if (found === 'split') for (const arn of batch) await this.listenersByArn([arn]);
      else if (Array.isArray(found)) this.data.listeners = [...this.data.listeners.filter((l) => !batch.includes(l.arn)), ...found];
    }
  }

  private async targetGroupsByArn(arns: string[]): Promise<void> {
    for (const batch of chunk(arns, ELB_ARNS)) {
      const found = await this.read(AwsOp.DescribeTargetGroups, batch, () =>
        this.pages(
          AwsOp.DescribeTargetGroups,
          (marker) => this.clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: batch, PageSize: PAGE.elbv2, Marker: marker })),
          (out) => page('DescribeTargetGroups', 'TargetGroups', out.TargetGroups, 'NextMarker', out.NextMarker),
        ).then((groups) => groups.map((g) => normalize.targetGroup(g))),
      );
      if (found === 'gone') this.data.targetGroups = this.data.targetGroups.filter((tg) => tg.arn !== batch[0]);
      else if (found === 'split') for (const arn of batch) await this.targetGroupsByArn([arn]);
      else if (Array.isArray(found)) this.upsertTargetGroups(found);
    }
  }

  private async targetHealth(arn: string): Promise<void> {
    const found = await this.read(AwsOp.DescribeTargetHealth, [arn], async () => normalize.targets(await describeTargetHealth(this, arn)));
    const tg = this.data.targetGroups.find((t) => t.arn === arn);
    if (!tg) return;
    if (found === 'gone') {
      this.data.targetGroups = this.data.targetGroups.filter((t) => t.arn !== arn);
      return;
    }
    if (Array.isArray(found)) tg.targets = found;
  }

  // --- Cloud Map ------------------------------------------------------------------------------

  private async cloudMapService(id: string): Promise<void> {
    const stored = this.data.cloudMapServices.find((s) => s.id === id);
    const arn = stored?.arn ?? `arn:aws:servicediscovery:${this.data.region}:${this.data.account}:service/${id}`;
    const resources = [id, arn];
    let service: Service | undefined;
    try {
      service = (await this.call(AwsOp.GetService, () => this.clients.serviceDiscovery.send(new GetServiceCommand({ Id: id })))).Service ?? undefined;
      normalize.cloudMapService(id, arn, service, undefined, undefined); // a malformed description fails GetService
    } catch (error) {
      if (errorCode(error) === 'ServiceNotFound') {
        this.data.cloudMapServices = this.data.cloudMapServices.filter((s) => s.id !== id);
        return;
      }
      this.recorder.failResources(AwsOp.GetService, resources, error);
      return;
    }
    const [instances, health] = await Promise.all([
      this.read(AwsOp.ListInstances, resources, async () => {
        const found = await listCloudMapInstances(this, id);
        normalize.cloudMapService(id, arn, undefined, found, undefined); // a malformed instance fails ListInstances
        return found;
      }),
      service && normalize.hasHealthChecking(service) ? this.read(AwsOp.GetInstancesHealthStatus, resources, () => cloudMapHealthStatus(this, id)) : Promise.resolve(undefined),
    ]);
    if (!Array.isArray(instances)) return;
    const fresh = normalize.cloudMapService(id, arn, service, instances, health && typeof health === 'object' ? health : undefined);
    this.data.cloudMapServices = [...this.data.cloudMapServices.filter((s) => s.id !== id), fresh];
  }
}

/** The collector's order, so a patched topology compares with a collected one. */
export function sortInventory(d: AwsInventoryData): void {
  d.vpcLinksV2.sort(byId);
  d.vpcLinksV1.sort(byId);
  d.apis.sort(byId);
  d.networkInterfaces.sort(byId);
  d.securityGroups.sort(byId);
  d.subnets.sort(byId);
  d.vpcs.sort(byId);
  d.prefixLists.sort(byId);
  d.loadBalancers.sort(byArn);
  d.listeners.sort(byArn);
  d.targetGroups.sort(byArn);
  d.instances.sort(byId);
  d.cloudMapServices.sort(byId);
}
