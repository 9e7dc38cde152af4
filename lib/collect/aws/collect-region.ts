import {
  GetResourcesCommand,
  GetRestApisCommand,
  GetStagesCommand as GetRestStagesCommand,
  GetVpcLinksCommand as GetVpcLinksV1Command,
  type Resource as RestResource,
  type RestApi,
} from '@aws-sdk/client-api-gateway';
import {
  GetApisCommand,
  GetIntegrationsCommand,
  GetStagesCommand as GetHttpStagesCommand,
  GetVpcLinksCommand as GetVpcLinksV2Command,
  type Api as HttpApi,
} from '@aws-sdk/client-apigatewayv2';
import {
  DescribeInstancesCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  GetManagedPrefixListEntriesCommand,
  type ManagedPrefixList,
} from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  GetInstancesHealthStatusCommand,
  GetServiceCommand,
  ListInstancesCommand,
  type Service,
} from '@aws-sdk/client-servicediscovery';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AwsOp, type AwsOperation } from '../../inventory/aws-operations';
import type {
  AwsApi,
  AwsCloudMapService,
  AwsInstance,
  AwsInventoryData,
  AwsNetworkInterface,
  AwsPrefixList,
  AwsSecurityGroup,
  AwsSubnet,
  AwsTarget,
  AwsVpc,
  AwsVpcLinkV1,
  AwsVpcLinkV2,
} from '../../inventory/model';
import { CallCounter, CoverageRecorder } from '../coverage';
import { errorCode } from '../errors';
import { chunk, collectPages, type Page } from '../paging';
import type { Clock, RateLimit } from '../rate-limiter';
import { createAwsClients, destroyAwsClients, paceAwsClients, type AwsClients } from './clients';
import { asCredentialsError } from './credentials-error';
import { createAwsRateLimiters, type AwsRateFamily } from './limits';
import * as normalize from './normalize';
import { DependentReads, type DependentReaders } from './dependent-reads';
import { type CloudMapServiceRef } from './selection';

export interface CollectAwsRegionOptions {
  region: string;
  /** Default: the SDK's default credential chain. */
  credentials?: AwsCredentialIdentityProvider;
  /** Source of `collectedAt`. */
  now?: () => Date;
  /** Attempts per request including the first, SDK standard retry mode. Default 5. */
  maxAttempts?: number;
  onProgress?: (message: string) => void;
  /** Pre-built clients (tests, or callers that configure their own); the collector leaves them open. */
  clientOverrides?: Partial<AwsClients>;
  /** Client-side pacing per API family; defaults in `defaultAwsRateLimits`. */
  rateLimits?: Partial<Record<AwsRateFamily, RateLimit>>;
  /** Clock used for pacing (tests). */
  clock?: Clock;
  /** Per HTTP attempt. Default 30 s. */
  requestTimeoutMs?: number;
  /** Receives the per-operation call and attempt counts; a fresh one is used when omitted. */
  callCounter?: CallCounter;
}

/** Page sizes: each API's documented maximum (apigatewayv2 documents none; 500 matches v1). */
export const PAGE = {
  apigatewayV2: '500',
  apigatewayV1: 500,
  ec2: 1000,
  ec2PrefixLists: 100,
  elbv2: 400,
  cloudMap: 100,
} as const;

/**
 * Batch sizes for calls that take a list of ids. DescribeListeners documents no maximum for
 * ListenerArns; 20 matches DescribeLoadBalancers' documented LoadBalancerArns limit. EC2 filter
 * values are kept at 200 per filter.
 */
const BATCH = { listenerArns: 20, ec2FilterValues: 200, prefixListIds: 100 } as const;

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

let collectionSequence = 0;

/** Reads one Region of the caller's account into the normalized inventory. */
export async function collectAwsRegion(options: CollectAwsRegionOptions): Promise<AwsInventoryData> {
  const collectedAt = (options.now ?? (() => new Date()))().toISOString();
  const overrides = options.clientOverrides ?? {};
  const created = createAwsClients({
    region: options.region,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });
  const clients: AwsClients = { ...created, ...overrides };
  const detachPacing = paceAwsClients(clients, createAwsRateLimiters(options.rateLimits, options.clock), `apigwAuditPacing${++collectionSequence}`);
  try {
    const recorder = new CoverageRecorder(options.callCounter ?? new CallCounter());
    return await new RegionCollector(clients, recorder, options.region, options.onProgress ?? (() => undefined)).collect(collectedAt);
  } finally {
    detachPacing();
    // Only the clients made here are closed; callers own the ones they passed in.
    destroyAwsClients(created);
  }
}

interface WithMetadata {
  $metadata?: { attempts?: number };
}

export function attemptsOf(value: unknown): number {
  const attempts = (value as WithMetadata | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}

/**
 * One page of a list answer with its list and token type-checked (the SDK's JSON deserializers
 * pass wrong member types through); `flatten` maps each listed entry to the items it holds.
 */
export function page<Entry, Item = Entry>(
  action: string,
  listKey: string,
  list: Entry[] | undefined,
  tokenKey: string,
  next: string | undefined,
  flatten?: (entry: Entry, index: number) => Item[],
): Page<Item> {
  const entries = normalize.answerList(`${action}.${listKey}`, list);
  return {
    items: flatten ? entries.flatMap(flatten) : (entries as unknown as Item[]),
    next: normalize.answerToken(`${action}.${tokenKey}`, next),
  };
}

/** `items`, after `check` accepted each of them (it throws a MalformedAwsResponseError otherwise). */
function validated<T>(items: T[], check: (item: T) => unknown): T[] {
  for (const item of items) check(item);
  return items;
}

/** Passes a value to `f` and on, unchanged. */
const tap =
  <T>(f: (value: T) => void) =>
  (value: T): T => {
    f(value);
    return value;
  };

/** One request, counted under `operation` (with the SDK's attempts, retries included). */
export async function countedCall<T>(counter: CallCounter, operation: AwsOperation, send: () => Promise<T>): Promise<T> {
  try {
    const out = await send();
    counter.record(operation, attemptsOf(out));
    return out;
  } catch (error) {
    counter.record(operation, attemptsOf(error));
    throw error;
  }
}

export const byId = normalize.byKey<{ id: string }>((x) => x.id);
export const byArn = normalize.byKey<{ arn: string }>((x) => x.arn);

/**
 * What the requests below need from a collector: its clients, and its counted `call` / `pages`.
 * The full collector and the scoped reader (./scoped.ts) both are one, so they send the same
 * requests while each decides what a failure means.
 */
export interface AwsSender {
  readonly clients: AwsClients;
  call<T>(operation: AwsOperation, send: () => Promise<T>): Promise<T>;
  pages<Out, Item>(operation: AwsOperation, send: (token: string | undefined) => Promise<Out>, read: (out: Out) => Page<Item>): Promise<Item[]>;
}

export function listVpcLinksV2(s: AwsSender) {
  return s.pages(
    AwsOp.GetVpcLinksV2,
    (token) => s.clients.apiGatewayV2.send(new GetVpcLinksV2Command({ MaxResults: PAGE.apigatewayV2, NextToken: token })),
    (out) => page('GetVpcLinks', 'Items', out.Items, 'NextToken', out.NextToken),
  );
}

export function listVpcLinksV1(s: AwsSender) {
  return s.pages(
    AwsOp.GetVpcLinksV1,
    (position) => s.clients.apiGateway.send(new GetVpcLinksV1Command({ limit: PAGE.apigatewayV1, position })),
    (out) => page('GetVpcLinks', 'items', out.items, 'position', out.position),
  );
}

export function listHttpIntegrations(s: AwsSender, apiId: string) {
  return s.pages(
    AwsOp.GetIntegrationsV2,
    (token) => s.clients.apiGatewayV2.send(new GetIntegrationsCommand({ ApiId: apiId, MaxResults: PAGE.apigatewayV2, NextToken: token })),
    (out) => page('GetIntegrations', 'Items', out.Items, 'NextToken', out.NextToken),
  );
}

export function listHttpStages(s: AwsSender, apiId: string) {
  return s.pages(
    AwsOp.GetStagesV2,
    (token) => s.clients.apiGatewayV2.send(new GetHttpStagesCommand({ ApiId: apiId, MaxResults: PAGE.apigatewayV2, NextToken: token })),
    (out) => page('GetStages', 'Items', out.Items, 'NextToken', out.NextToken),
  );
}

export function listRestResources(s: AwsSender, restApiId: string) {
  return s.pages<{ items?: RestResource[]; position?: string }, RestResource>(
    AwsOp.GetResources,
    // embed=methods returns each method's integration inline: no GetIntegration per method.
    (position) => s.clients.apiGateway.send(new GetResourcesCommand({ restApiId, limit: PAGE.apigatewayV1, position, embed: ['methods'] })),
    (out) => page('GetResources', 'items', out.items, 'position', out.position),
  );
}

export async function listRestStages(s: AwsSender, restApiId: string) {
  const out = await s.call(AwsOp.GetStagesV1, () => s.clients.apiGateway.send(new GetRestStagesCommand({ restApiId })));
  return normalize.answerList('GetStages.item', out.item);
}

/** The CIDRs of one prefix list. */
export async function listPrefixListEntries(s: AwsSender, id: string): Promise<string[]> {
  const items = await s.pages(
    AwsOp.GetManagedPrefixListEntries,
    (token) => s.clients.ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id, MaxResults: PAGE.ec2PrefixLists, NextToken: token })),
    (out) => page('GetManagedPrefixListEntries', 'Entries', out.Entries, 'NextToken', out.NextToken),
  );
  return items.map((e) => e?.Cidr).filter((c): c is string => typeof c === 'string' && c.length > 0);
}

/** Instances by id (a filter: an id that no longer exists is absent, where an id list would fail). */
export function listInstances(s: AwsSender, ids: string[]) {
  return s.pages(
    AwsOp.DescribeInstances,
    (token) => s.clients.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: ids }], MaxResults: PAGE.ec2, NextToken: token })),
    (out) => page('DescribeInstances', 'Reservations', out.Reservations, 'NextToken', out.NextToken, (r, i) => normalize.answerList(`DescribeInstances.Reservations[${i}].Instances`, r?.Instances)),
  );
}

export function describeListeners(s: AwsSender, input: { LoadBalancerArn?: string; ListenerArns?: string[] }): Promise<Listener[]> {
  return s.pages(
    AwsOp.DescribeListeners,
    (marker) => s.clients.elbv2.send(new DescribeListenersCommand({ ...input, PageSize: PAGE.elbv2, Marker: marker })),
    (out) => page('DescribeListeners', 'Listeners', out.Listeners, 'NextMarker', out.NextMarker),
  );
}

export async function describeTargetHealth(s: AwsSender, arn: string) {
  const res = await s.call(AwsOp.DescribeTargetHealth, () => s.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })));
  return res.TargetHealthDescriptions ?? [];
}

export function listCloudMapInstances(s: AwsSender, serviceId: string) {
  return s.pages(
    AwsOp.ListInstances,
    (token) => s.clients.serviceDiscovery.send(new ListInstancesCommand({ ServiceId: serviceId, MaxResults: PAGE.cloudMap, NextToken: token })),
    (out) => page('ListInstances', 'Instances', out.Instances, 'NextToken', out.NextToken),
  );
}

/** Instance id → health status, all pages merged. */
export async function cloudMapHealthStatus(s: AwsSender, serviceId: string): Promise<Record<string, string>> {
  const pages = await s.pages(
    AwsOp.GetInstancesHealthStatus,
    (token) => s.clients.serviceDiscovery.send(new GetInstancesHealthStatusCommand({ ServiceId: serviceId, MaxResults: PAGE.cloudMap, NextToken: token })),
    (out) => ({ items: [normalize.answerMap('GetInstancesHealthStatus.Status', out.Status)], next: normalize.answerToken('GetInstancesHealthStatus.NextToken', out.NextToken) }),
  );
  return Object.assign({}, ...pages) as Record<string, string>;
}

class RegionCollector implements AwsSender {
  private account = 'unknown';

  constructor(
    readonly clients: AwsClients,
    private readonly recorder: CoverageRecorder,
    private readonly region: string,
    private readonly progress: (message: string) => void,
  ) {}

  async collect(collectedAt: string): Promise<AwsInventoryData> {
    const started = Date.now();
    await this.identify();
    this.progress(`${this.region}: reading API Gateway, EC2 and ELB inventories for account ${this.account}`);

    // Lists first; each API's dependent reads (listeners → target health → instances, Cloud Map)
    // start as soon as that API is read, so ELB and EC2 work overlaps the API Gateway reads.
    const vpcLinksV2Read = this.vpcLinksV2();
    const vpcLinksV1Read = this.vpcLinksV1();
    const loadBalancersRead = this.loadBalancers();
    const targetGroupsRead = this.targetGroups();
    const dependent = new DependentReads(
      this.dependentReaders(),
      Promise.all([vpcLinksV1Read, vpcLinksV2Read, loadBalancersRead]).then(([vpcLinksV1, vpcLinksV2, loadBalancers]) => ({
        account: this.account,
        region: this.region,
        vpcLinksV1,
        vpcLinksV2,
        knownLoadBalancerArns: loadBalancers ? new Set(loadBalancers.map((lb) => lb.LoadBalancerArn ?? '')) : undefined,
      })),
      targetGroupsRead,
      { listenerArns: BATCH.listenerArns, instanceIds: BATCH.ec2FilterValues },
    );
    const onApi = (api: AwsApi) => dependent.addApi(api);
    const [vpcLinksV2, vpcLinksV1, httpApis, restApis, networkInterfaces, network, subnets, vpcs, loadBalancers, targetGroups] = await Promise.all([
      vpcLinksV2Read,
      vpcLinksV1Read,
      this.httpApis(onApi),
      this.restApis(onApi),
      this.networkInterfaces(),
      this.securityGroupsAndPrefixLists(),
      this.subnets(),
      this.vpcs(),
      loadBalancersRead,
      targetGroupsRead,
    ]);
    const apis = [...httpApis, ...restApis];
    this.progress(
      `${this.region}: ${apis.length} APIs, ${vpcLinksV2.length + vpcLinksV1.length} VPC links, ${networkInterfaces.length} network interfaces, ` +
        `${network.securityGroups.length} security groups, ${loadBalancers?.length ?? 0} load balancers`,
    );

    const { listeners, attributes, health, instances, cloudMapServices } = await dependent.finish();
    const groups = (targetGroups ?? []).map((tg) => normalize.targetGroup(tg, health.get(tg.TargetGroupArn ?? '')));

    const data: AwsInventoryData = {
      provider: 'aws',
      account: this.account,
      region: this.region,
      collectedAt,
      vpcLinksV2: vpcLinksV2.sort(byId),
      vpcLinksV1: vpcLinksV1.sort(byId),
      apis: apis.sort(byId),
      networkInterfaces: networkInterfaces.sort(byId),
      securityGroups: network.securityGroups.sort(byId),
      subnets: subnets.sort(byId),
      vpcs: vpcs.sort(byId),
      prefixLists: network.prefixLists.sort(byId),
      loadBalancers: (loadBalancers ?? []).map((lb) => normalize.loadBalancer(lb, attributes.get(lb.LoadBalancerArn ?? ''))).sort(byArn),
      listeners: listeners.sort(byArn),
      targetGroups: groups.sort(byArn),
      instances: instances.sort(byId),
      cloudMapServices: cloudMapServices.sort(byId),
      coverage: this.recorder.entries({ provider: 'aws', account: this.account, region: this.region }, Object.values(AwsOp)),
    };
    const failed = data.coverage.filter((c) => c.status === 'error').map((c) => c.operation);
    const calls = data.coverage.reduce((n, c) => n + c.calls, 0);
    this.progress(
      `${this.region}: collected in ${Date.now() - started} ms with ${calls} calls` + (failed.length ? `; incomplete: ${failed.join(', ')}` : ''),
    );
    return data;
  }

  // --- call plumbing --------------------------------------------------------------------------

  call<T>(operation: AwsOperation, send: () => Promise<T>): Promise<T> {
    return countedCall(this.recorder.counter, operation, send);
  }

  /** Every page of a list call, each page counted. */
  pages<Out, Item>(
    operation: AwsOperation,
    send: (token: string | undefined) => Promise<Out>,
    read: (out: Out) => Page<Item>,
  ): Promise<Item[]> {
    return collectPages(async (token) => read(await this.call(operation, () => send(token))));
  }

  /** A region-wide list: a failure becomes an operation-level coverage error and `undefined`. */
  private async whole<T>(operation: AwsOperation, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.recorder.failOperation(operation, error);
      return undefined;
    }
  }

  /** A read about specific resources: a failure is recorded against those resources only. */
  private async forResources<T>(operation: AwsOperation, resourceIds: string[], read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.recorder.failResources(operation, resourceIds, error);
      return undefined;
    }
  }

  /** The per-resource reads the dependent-read pipeline starts. */
  private dependentReaders(): DependentReaders {
    return {
      listenersOfLoadBalancer: (arn) => this.listenersOfLoadBalancer(arn),
      listenersByArn: (arns) => this.listenersByArn(arns),
      loadBalancerAttributes: (arn) => this.loadBalancerAttributes(arn),
      targetHealth: (arn) => this.targetHealth(arn),
      instances: (ids) => this.instances(ids),
      cloudMapService: (ref) => this.cloudMapService(ref),
    };
  }

  // --- identity -------------------------------------------------------------------------------

  private async identify(): Promise<void> {
    try {
      const out = await this.call(AwsOp.GetCallerIdentity, () => this.clients.sts.send(new GetCallerIdentityCommand({})));
      this.account = out.Account ?? 'unknown';
    } catch (error) {
      const credentials = asCredentialsError(error, this.region);
      if (credentials) throw credentials;
      // Not a credentials problem (e.g. STS unreachable): keep going, the gap is in the coverage.
      this.recorder.failOperation(AwsOp.GetCallerIdentity, error);
    }
  }

  // --- API Gateway ----------------------------------------------------------------------------

  private async vpcLinksV2(): Promise<AwsVpcLinkV2[]> {
    // Normalized inside the guard: a malformed item fails the operation, never the collection.
    const links = await this.whole(AwsOp.GetVpcLinksV2, async () => (await listVpcLinksV2(this)).map(normalize.vpcLinkV2));
    return links ?? [];
  }

  private async vpcLinksV1(): Promise<AwsVpcLinkV1[]> {
    const links = await this.whole(AwsOp.GetVpcLinksV1, async () => (await listVpcLinksV1(this)).map(normalize.vpcLinkV1));
    return links ?? [];
  }

  /** Every HTTP/WebSocket API with its integrations and stages; `onApi` gets each as soon as it is read. */
  private async httpApis(onApi: (api: AwsApi) => void): Promise<AwsApi[]> {
    const list = await this.whole(AwsOp.GetApisV2, async () =>
      validated(
        await this.pages(
          AwsOp.GetApisV2,
          (token) => this.clients.apiGatewayV2.send(new GetApisCommand({ MaxResults: PAGE.apigatewayV2, NextToken: token })),
          (out) => page('GetApis', 'Items', out.Items, 'NextToken', out.NextToken),
        ),
        (api) => normalize.httpApi(api, [], []),
      ),
    );
    return Promise.all((list ?? []).map((api) => this.httpApi(api).then(tap(onApi))));
  }

  private async httpApi(api: HttpApi): Promise<AwsApi> {
    const apiId = api.ApiId ?? '';
    const [integrations, stages] = await Promise.all([
      this.forResources(AwsOp.GetIntegrationsV2, [apiId], async () => (await listHttpIntegrations(this, apiId)).map(normalize.httpIntegration)),
      this.forResources(AwsOp.GetStagesV2, [apiId], async () => (await listHttpStages(this, apiId)).map(normalize.httpStage)),
    ]);
    return normalize.httpApi(api, integrations ?? [], stages ?? []);
  }

  /** Every REST API with its integrations and stages; `onApi` gets each as soon as it is read. */
  private async restApis(onApi: (api: AwsApi) => void): Promise<AwsApi[]> {
    const list = await this.whole(AwsOp.GetRestApis, async () =>
      validated(
        await this.pages(
          AwsOp.GetRestApis,
          (position) => this.clients.apiGateway.send(new GetRestApisCommand({ limit: PAGE.apigatewayV1, position })),
          (out) => page('GetRestApis', 'items', out.items, 'position', out.position),
        ),
        (api) => normalize.restApi(api, [], []),
      ),
    );
    return Promise.all((list ?? []).map((api) => this.restApi(api).then(tap(onApi))));
  }

  private async restApi(api: RestApi): Promise<AwsApi> {
    const restApiId = api.id ?? '';
    const [resources, stages] = await Promise.all([
      this.forResources(AwsOp.GetResources, [restApiId], async () => normalize.restIntegrations(await listRestResources(this, restApiId))),
      this.forResources(AwsOp.GetStagesV1, [restApiId], async () => (await listRestStages(this, restApiId)).map(normalize.restStage)),
    ]);
    return normalize.restApi(api, resources ?? [], stages ?? []);
  }

  // --- EC2 ------------------------------------------------------------------------------------

  private async networkInterfaces(): Promise<AwsNetworkInterface[]> {
    const op = AwsOp.DescribeNetworkInterfaces;
    const items = await this.whole(op, () =>
      this.pages(
        op,
        // IncludeManagedResources: accounts may hide AWS-managed ENIs (VPC-link ENIs among them) by default.
        (token) =>
          this.clients.ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: PAGE.ec2, IncludeManagedResources: true, NextToken: token })),
        (out) => page('DescribeNetworkInterfaces', 'NetworkInterfaces', out.NetworkInterfaces, 'NextToken', out.NextToken),
      ).then((found) => found.map(normalize.networkInterface)),
    );
    return items ?? [];
  }

  private async securityGroupsAndPrefixLists(): Promise<{ securityGroups: AwsSecurityGroup[]; prefixLists: AwsPrefixList[] }> {
    const op = AwsOp.DescribeSecurityGroups;
    const items = await this.whole(op, () =>
      this.pages(
        op,
        (token) => this.clients.ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: PAGE.ec2, NextToken: token })),
        (out) => page('DescribeSecurityGroups', 'SecurityGroups', out.SecurityGroups, 'NextToken', out.NextToken),
      ).then((found) => found.map(normalize.securityGroup)),
    );
    const securityGroups = items ?? [];
    const prefixLists = await this.prefixLists(normalize.referencedPrefixLists(securityGroups));
    return { securityGroups, prefixLists };
  }

  /** Only prefix lists some rule references; entries stay undefined where they cannot be read. */
  private async prefixLists(ids: string[]): Promise<AwsPrefixList[]> {
    if (ids.length === 0) return [];
    const describe = async (): Promise<Map<string, ManagedPrefixList>> => {
      const found = new Map<string, ManagedPrefixList>();
      await Promise.all(
        chunk(ids, BATCH.prefixListIds).map((batch) =>
          this.forResources(AwsOp.DescribeManagedPrefixLists, batch, async () => {
            const lists = await this.pages(
              AwsOp.DescribeManagedPrefixLists,
              (token) =>
                this.clients.ec2.send(
                  new DescribeManagedPrefixListsCommand({
                    Filters: [{ Name: 'prefix-list-id', Values: batch }],
                    MaxResults: PAGE.ec2PrefixLists,
                    NextToken: token,
                  }),
                ),
              (out) => page('DescribeManagedPrefixLists', 'PrefixLists', out.PrefixLists, 'NextToken', out.NextToken),
            );
            for (const l of lists) {
              normalize.prefixList('', l, undefined); // a malformed description fails this batch
              if (l.PrefixListId) found.set(l.PrefixListId, l);
            }
          }),
        ),
      );
      return found;
    };
    const entries = (id: string) => this.forResources(AwsOp.GetManagedPrefixListEntries, [id], () => listPrefixListEntries(this, id));
    const [descriptions, allEntries] = await Promise.all([describe(), Promise.all(ids.map(entries))]);
    return ids.map((id, i) => normalize.prefixList(id, descriptions.get(id), allEntries[i]));
  }

  private async subnets(): Promise<AwsSubnet[]> {
    const op = AwsOp.DescribeSubnets;
    const items = await this.whole(op, () =>
      this.pages(
        op,
        (token) => this.clients.ec2.send(new DescribeSubnetsCommand({ MaxResults: PAGE.ec2, NextToken: token })),
        (out) => page('DescribeSubnets', 'Subnets', out.Subnets, 'NextToken', out.NextToken),
      ).then((found) => found.map(normalize.subnet)),
    );
    return items ?? [];
  }

  private async vpcs(): Promise<AwsVpc[]> {
    const op = AwsOp.DescribeVpcs;
    const items = await this.whole(op, () =>
      this.pages(
        op,
        (token) => this.clients.ec2.send(new DescribeVpcsCommand({ MaxResults: PAGE.ec2, NextToken: token })),
        (out) => page('DescribeVpcs', 'Vpcs', out.Vpcs, 'NextToken', out.NextToken),
      ).then((found) => found.map(normalize.vpc)),
    );
    return items ?? [];
  }

  /** One batch of at most `BATCH.ec2FilterValues` instance ids. */
  private async instances(batch: string[]): Promise<AwsInstance[]> {
    const found = await this.forResources(AwsOp.DescribeInstances, batch, async () => (await listInstances(this, batch)).map(normalize.instance));
    return found ?? [];
  }

  // --- ELBv2 ----------------------------------------------------------------------------------

  /** `undefined` when the call failed: then no load balancer is known and nothing is filtered by existence. */
  private loadBalancers(): Promise<LoadBalancer[] | undefined> {
    const op = AwsOp.DescribeLoadBalancers;
    return this.whole(op, () =>
      this.pages(
        op,
        (marker) => this.clients.elbv2.send(new DescribeLoadBalancersCommand({ PageSize: PAGE.elbv2, Marker: marker })),
        (out) => page('DescribeLoadBalancers', 'LoadBalancers', out.LoadBalancers, 'NextMarker', out.NextMarker),
      ).then((found) => validated(found, (lb) => normalize.loadBalancer(lb))),
    );
  }

  private targetGroups(): Promise<TargetGroup[] | undefined> {
    const op = AwsOp.DescribeTargetGroups;
    return this.whole(op, () =>
      this.pages(
        op,
        (marker) => this.clients.elbv2.send(new DescribeTargetGroupsCommand({ PageSize: PAGE.elbv2, Marker: marker })),
        (out) => page('DescribeTargetGroups', 'TargetGroups', out.TargetGroups, 'NextMarker', out.NextMarker),
      ).then((found) => validated(found, (tg) => normalize.targetGroup(tg))),
    );
  }

  private async listenersOfLoadBalancer(arn: string): Promise<Listener[]> {
    try {
      return validated(await describeListeners(this, { LoadBalancerArn: arn }), normalize.listener);
    } catch (error) {
      // A link or integration naming a deleted load balancer: it simply has no listeners.
      if (errorCode(error) !== 'LoadBalancerNotFound') this.recorder.failResources(AwsOp.DescribeListeners, [arn], error);
      return [];
    }
  }

  /**
   * One unknown ARN fails the whole batch with ListenerNotFound, so a failing batch is split to
   * find which listeners really exist; a single missing listener is an observation, not a gap.
   */
  private async listenersByArn(arns: string[]): Promise<Listener[]> {
    try {
      return validated(await describeListeners(this, { ListenerArns: arns }), normalize.listener);
    } catch (error) {
      if (errorCode(error) === 'ListenerNotFound') {
        if (arns.length === 1) return [];
        return (await Promise.all(arns.map((arn) => this.listenersByArn([arn])))).flat();
      }
      this.recorder.failResources(AwsOp.DescribeListeners, arns, error);
      return [];
    }
  }

  private async loadBalancerAttributes(arn: string): Promise<Record<string, string> | undefined> {
    const attributes = await this.forResources(AwsOp.DescribeLoadBalancerAttributes, [arn], async () => {
      const res = await this.call(AwsOp.DescribeLoadBalancerAttributes, () =>
        this.clients.elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn })),
      );
      return normalize.loadBalancerAttributes(normalize.answerList('DescribeLoadBalancerAttributes.Attributes', res.Attributes));
    });
    return attributes;
  }

  private async targetHealth(arn: string): Promise<AwsTarget[] | undefined> {
    return this.forResources(AwsOp.DescribeTargetHealth, [arn], async () => normalize.targets(await describeTargetHealth(this, arn)));
  }

  // --- Cloud Map ------------------------------------------------------------------------------

  private async cloudMapService(ref: CloudMapServiceRef): Promise<AwsCloudMapService | undefined> {
    const resources = [ref.id, ref.arn];
    let service: Service | undefined;
    try {
      const out = await this.call(AwsOp.GetService, () => this.clients.serviceDiscovery.send(new GetServiceCommand({ Id: ref.id })));
      normalize.cloudMapService(ref.id, ref.arn, out.Service ?? undefined, undefined, undefined);
      service = out.Service ?? undefined;
    } catch (error) {
      // An integration naming a deleted service: the service is absent, which the rules report.
      if (errorCode(error) === 'ServiceNotFound') return undefined;
      this.recorder.failResources(AwsOp.GetService, resources, error);
    }
    const [instances, health] = await Promise.all([
      this.forResources(AwsOp.ListInstances, resources, () =>
        listCloudMapInstances(this, ref.id).then((found) => validated(found, (i) => normalize.cloudMapService(ref.id, ref.arn, undefined, [i], undefined))),
      ),
      service && normalize.hasHealthChecking(service)
        ? this.forResources(AwsOp.GetInstancesHealthStatus, resources, () => cloudMapHealthStatus(this, ref.id))
        : Promise.resolve(undefined),
    ]);
    return normalize.cloudMapService(ref.id, ref.arn, service, instances, health);
  }
}
