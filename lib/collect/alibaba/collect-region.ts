/**
 * Reads one Alibaba Cloud Region into the normalized inventory.
 *
 * Scope: API Gateway (instances, VPC access authorizations, groups, every API as deployed in each
 * stage, backend services, plugins) and the network around it. Region-wide lists are read whole
 * (vSwitches, VPCs, CLBs — cheap, up to 50/100 per page); everything read per resource is limited
 * to what the gateway uses, because Alibaba has no batch reads for security-group rules (one
 * DescribeSecurityGroupAttribute per group) and a Region's groups, instances and ENIs are mostly
 * unrelated to the gateway:
 * - ECS instances named by authorizations / API VpcConfigs (by id) or whose private IP an
 *   IP-type authorization or a VPC integration instance's backend address names;
 * - the service-managed ENIs in the gateway instances' bound vSwitches, the ENIs those ECS
 *   instances list, and ENIs holding an IP-named backend that is no instance's or CLB's address;
 * - security groups bound to the gateway instances, or attached to those ENIs and instances;
 * - CLBs named by authorizations / VpcConfigs or addressed by IP, with their listeners and ACLs;
 * - prefix lists the collected rules reference.
 * Unreferenced resources of those kinds are left out rather than listed without data, because a
 * missing `rules` / `listeners` means "could not be read" in the model.
 */
import { AliOp, type AliOperation } from '../../inventory/alibaba-operations';
import type {
  AliAccessControlList,
  AliApiGroup,
  AliDeployedApi,
  AliEcsInstance,
  AliGatewayInstance,
  AliLoadBalancerListener,
  AliNetworkInterface,
  AliPlugin,
  AliPrefixList,
  AliSecurityGroup,
  AliVpc,
  AliVpcAccess,
  AliVSwitch,
  AlibabaInventoryData,
} from '../../inventory/model';
import { isIpAddress } from '../../net/cidr';
import { CallCounter, compareText, CoverageRecorder } from '../coverage';
import { chunk, collectPages } from '../paging';
import { type Clock, type RateLimit } from '../rate-limiter';
import {
  AlibabaCredentialsError,
  checkedCredentials,
  environmentCredentials,
  type AlibabaCredentialsProvider,
} from './credentials';
import { resolveEndpoints, type AlibabaProduct } from './endpoints';
import { AlibabaApiError, isCredentialsRejection, isResourceNotFound, MalformedResponseError, missingKey } from './errors';
import { createAlibabaRateLimiters } from './limits';
import * as normalize from './normalize';
import { collectNumberedPages } from './paging';
import type { PopClientFactory } from './pop-client';
import { retryPolicy, DEFAULT_MAX_ATTEMPTS } from './retry';
import { PopTransport, type PopAnswer, type PopParams } from './transport';
import { flag, integer, isObject, required, text, type WireObject } from './wire';

export interface CollectAlibabaRegionOptions {
  region: string;
  /** Default: the `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `_SECURITY_TOKEN` environment variables. */
  credentials?: AlibabaCredentialsProvider;
  /** Source of `collectedAt`. */
  now?: () => Date;
  /** Attempts per request including the first. Default 5. */
  maxAttempts?: number;
  /** Per attempt (connect and read). Default 10 s (pop-core's own default of 3 s is too short for big pages). */
  timeoutMs?: number;
  onProgress?: (message: string) => void;
  /** Client-side pacing per product; defaults in `defaultAlibabaRateLimits`. */
  rateLimits?: Partial<Record<AlibabaProduct, RateLimit>>;
  /** Receives the per-operation call and attempt counts; a fresh one is used when omitted. */
  callCounter?: CallCounter;
  /** Pacing clock (tests). */
  clock?: Clock;
  /** Backoff sleep between attempts (tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (tests). */
  random?: () => number;
  /** Environment read for endpoint overrides and default credentials; default `process.env` at call time. */
  env?: NodeJS.ProcessEnv;
  /** Tests: replaces pop-core's client constructor. */
  createClient?: PopClientFactory;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Page sizes: each API's documented maximum (DescribeApis documents none; 100 like its siblings). */
export const PAGE = {
  vpcAccesses: 100,
  apiGroups: 50,
  apis: 100,
  plugins: 100,
  vswitches: 50,
  vpcs: 50,
  loadBalancers: 100,
  listeners: 100,
  securityGroups: 100,
  securityGroupRules: 1000,
  networkInterfaces: 500,
  ecsInstances: 100,
  aclEntries: 50,
} as const;

/** Ids per request: InstanceIds / PrivateIpAddresses / SecurityGroupIds and NetworkInterfaceId.N / PrivateIpAddress.N take ≤ 100, LoadBalancerId.N ≤ 10. */
const BATCH = { ecs: 100, securityGroups: 100, networkInterfaces: 100, loadBalancers: 10 } as const;

/** What opening a signed, paced connection to one region needs (the full and the scoped collectors share it). */
export type AlibabaConnectionOptions = Pick<
  CollectAlibabaRegionOptions,
  'region' | 'credentials' | 'env' | 'timeoutMs' | 'maxAttempts' | 'sleep' | 'random' | 'rateLimits' | 'clock' | 'callCounter' | 'createClient'
>;

/**
 * The transport and coverage recorder of one collection. Throws AlibabaCredentialsError before any
 * request when there are no usable credentials.
 */
export async function openAlibabaConnection(options: AlibabaConnectionOptions): Promise<{ transport: PopTransport; recorder: CoverageRecorder }> {
  const env = options.env ?? process.env;
  const credentials = checkedCredentials(options.credentials ?? environmentCredentials(env));
  // Missing credentials are reported before any request is attempted.
  await credentials.getCredentials();
  const recorder = new CoverageRecorder(options.callCounter ?? new CallCounter());
  const transport = new PopTransport({
    region: options.region,
    endpoints: resolveEndpoints(options.region, env),
    credentials,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: retryPolicy({
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
    }),
    limiters: createAlibabaRateLimiters(options.rateLimits, options.clock),
    counter: recorder.counter,
    ...(options.createClient ? { createClient: options.createClient } : {}),
  });
  return { transport, recorder };
}

/** Collects one Region of the caller's account. Throws AlibabaCredentialsError when nothing can be signed or STS refuses the keys. */
export async function collectAlibabaRegion(options: CollectAlibabaRegionOptions): Promise<AlibabaInventoryData> {
  const collectedAt = (options.now ?? (() => new Date()))().toISOString();
  const { transport, recorder } = await openAlibabaConnection(options);
  try {
    return await new AlibabaRegionCollector(transport, recorder, options.region, options.onProgress ?? (() => undefined)).collect(collectedAt);
  } finally {
    transport.close();
  }
}

/** What a per-resource read produced: the value, "no such resource", or a failure already in the coverage. */
export type ResourceRead<T> = { ok: true; value: T } | { ok: false; absent: boolean };

/** Backends the gateway names, by kind, for the dependent ECS / ENI / CLB reads. */
interface BackendReferences {
  ecsIds: Set<string>;
  loadBalancerIds: Set<string>;
  /** VPC id ('' when unknown) → private IPs named directly. */
  ipsByVpc: Map<string, Set<string>>;
}

interface DeployedWire {
  answer: WireObject;
  stageName: string;
  backendInfo?: WireObject;
}

const byId = normalize.byKey<{ id: string }>((x) => x.id);

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort(compareText);
}

/** One counted POP request; the full collector and the scoped reader (./scoped.ts) each pass theirs. */
export type PopCall = (operation: AliOperation, product: AlibabaProduct, action: string, params?: PopParams) => Promise<PopAnswer>;

/** What a wire value is, for a one-line problem text (never the value itself). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : 'a string';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * The items of the list `listKey` of one answer, wrapped (`Instances: { Instance: [...] }`, the
 * usual form, `{ Instance: [] }` when empty) or bare (`Listeners: [...]`). Truth first: a list key
 * that is absent (`missing Instances`), of another type, a wrapper without its item list, or an item
 * that is not an object is a MalformedResponseError naming the key path and the type found, so the
 * caller's guard records a coverage error; it is never read as an empty or shortened list.
 * The one other "no items" form accepted is an empty wrapper (`{}` or `""`, as an XML-born answer
 * may render an empty element) in an answer whose own count (`countKey`) says 0.
 */
export function listItems(action: string, answer: WireObject, listKey: string, itemKey: string, countKey = 'TotalCount'): WireObject[] {
  const container = required(answer, listKey);
  let list: unknown = container;
  let where = listKey;
  if (!Array.isArray(container)) {
    const emptyWrapper = container === '' || (isObject(container) && Object.keys(container).length === 0);
    if (emptyWrapper && integer(answer[countKey]) === 0) return [];
    if (!isObject(container)) throw new MalformedResponseError(`${action}: ${listKey} is ${kindOf(container)}, expected a list`);
    where = `${listKey}.${itemKey}`;
    list = container[itemKey];
    if (list === undefined) throw new MalformedResponseError(`${action}: ${where} is missing`);
    if (!Array.isArray(list)) throw new MalformedResponseError(`${action}: ${where} is ${kindOf(list)}, expected a list`);
  }
  const items = list as unknown[];
  items.forEach((item, i) => {
    if (!isObject(item)) throw new MalformedResponseError(`${action}: ${where}[${i}] is ${kindOf(item)}, expected an object`);
  });
  return items as WireObject[];
}

/** A page token: absent or `""` on the last page; a value that is no token is malformed, not "the last page". */
function nextToken(action: string, answer: WireObject): string | undefined {
  const value = answer.NextToken;
  if (value === undefined || value === null || value === '') return undefined;
  const token = text(value);
  if (token === undefined) throw new MalformedResponseError(`${action}: NextToken is ${kindOf(value)}, expected a string`);
  return token;
}

/** Every page of a PageNumber/PageSize list whose items sit under `listKey.itemKey`. */
export function numberedPages(call: PopCall, operation: AliOperation, product: AlibabaProduct, action: string, pageSize: number, listKey: string, itemKey: string, params: PopParams = {}): Promise<WireObject[]> {
  return collectNumberedPages(pageSize, async (pageNumber) => {
    const answer = await call(operation, product, action, { ...params, PageNumber: pageNumber, PageSize: pageSize });
    return { items: listItems(action, answer, listKey, itemKey), totalCount: integer(answer.TotalCount) };
  });
}

/** Every page of a MaxResults/NextToken list. */
export function tokenedPages(call: PopCall, operation: AliOperation, product: AlibabaProduct, action: string, maxResults: number, read: (answer: PopAnswer) => WireObject[], params: PopParams = {}): Promise<WireObject[]> {
  return collectPages(async (token) => {
    const answer = await call(operation, product, action, { ...params, MaxResults: maxResults, NextToken: token });
    return { items: read(answer), next: nextToken(action, answer) };
  });
}

/**
 * A read about specific resources; failures are recorded against those resources. "Not found"
 * for a read about one resource means it is gone; for a batch it says nothing about the others,
 * so it is a failure like any other.
 */
export async function readResources<T>(recorder: CoverageRecorder, operation: AliOperation, resourceIds: string[], read: () => Promise<T>): Promise<ResourceRead<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    if (resourceIds.length === 1 && error instanceof AlibabaApiError && isResourceNotFound(error.code)) return { ok: false, absent: true };
    recorder.failResources(operation, resourceIds, error);
    return { ok: false, absent: false };
  }
}

/** A group's rules (every page) and the first answer, which carries the group's own fields. */
export async function securityGroupRules(call: PopCall, id: string): Promise<{ first: WireObject; permissions: WireObject[] }> {
  let first: WireObject | undefined;
  const permissions = await tokenedPages(
    call,
    AliOp.DescribeSecurityGroupAttribute,
    'ecs',
    'DescribeSecurityGroupAttribute',
    PAGE.securityGroupRules,
    (a) => {
      first ??= a;
      return listItems('DescribeSecurityGroupAttribute', a, 'Permissions', 'Permission');
    },
    { SecurityGroupId: id, Direction: 'all', NicType: 'intranet' },
  );
  return { first: first!, permissions };
}

/** An ACL's entries, every page; its name goes to `seen` from the first page, even if a later one fails. */
export function accessControlListEntries(call: PopCall, id: string, seen: { name?: string }): Promise<string[]> {
  return collectNumberedPages(PAGE.aclEntries, async (page) => {
    const answer = await call(AliOp.DescribeAccessControlListAttribute, 'slb', 'DescribeAccessControlListAttribute', { AclId: id, Page: page, PageSize: PAGE.aclEntries });
    seen.name ??= text(answer.AclName);
    const entries = listItems('DescribeAccessControlListAttribute', answer, 'AclEntrys', 'AclEntry', 'TotalAclEntry')
      .map((e) => text(e.AclEntryIP))
      .filter((ip): ip is string => ip !== undefined);
    return { items: entries, totalCount: integer(answer.TotalAclEntry) };
  });
}

class AlibabaRegionCollector {
  private account = 'unknown';

  constructor(
    private readonly transport: PopTransport,
    private readonly recorder: CoverageRecorder,
    private readonly region: string,
    private readonly progress: (message: string) => void,
  ) {}

  async collect(collectedAt: string): Promise<AlibabaInventoryData> {
    const started = Date.now();
    await this.identify();
    this.progress(`${this.region}: reading API Gateway, ECS, VPC and SLB inventories for account ${this.account}`);

    // Independent lists in parallel; the gateway's own ENIs as soon as its instances are known.
    const instancesRead = this.gatewayInstances();
    const gatewayEnisRead = instancesRead.then((instances) => this.gatewayNetworkInterfaces(instances));
    const loadBalancerListRead = this.loadBalancerList();
    const vswitchesRead = this.vswitches();
    const [instances, accesses, groups, deployedWire, plugins, vpcs] = await Promise.all([
      instancesRead,
      this.vpcAccesses(),
      this.apiGroups(),
      this.deployedApiAnswers(),
      this.plugins(),
      this.vpcs(),
    ]);
    const deployedApis = this.normalizeDeployed(deployedWire, groups, instances);
    const refs = this.backendReferences(accesses, deployedApis, groups, instances);

    // Backends: ECS instances, then the ENIs of their vSwitches; CLBs with listeners and ACLs.
    const loadBalancerList = await loadBalancerListRead;
    const loadBalancersRead = this.loadBalancers(loadBalancerList, refs);
    const { instances: ecsInstances, networkInterfaceIds } = await this.ecsInstances(refs);
    const [gatewayEnis, backendEnis, vswitches] = await Promise.all([
      gatewayEnisRead,
      this.backendNetworkInterfaces(networkInterfaceIds, this.unmatchedIps(refs, ecsInstances, loadBalancerList ?? [])),
      vswitchesRead,
    ]);
    const networkInterfaces = mergeById([...gatewayEnis, ...backendEnis]);

    const securityGroups = await this.securityGroups(this.referencedSecurityGroups(instances, networkInterfaces, ecsInstances));
    const [prefixLists, { loadBalancers, accessControlLists }] = await Promise.all([
      this.prefixLists(normalize.referencedPrefixLists(securityGroups)),
      loadBalancersRead,
    ]);

    const data: AlibabaInventoryData = {
      provider: 'alibaba',
      account: this.account,
      region: this.region,
      collectedAt,
      gatewayInstances: instances.sort(byId),
      vpcAccesses: accesses.sort(byId),
      apiGroups: groups.sort(byId),
      deployedApis: deployedApis.sort((a, b) => compareText(a.apiId, b.apiId) || compareText(a.stageName, b.stageName)),
      plugins: plugins.sort(byId),
      securityGroups: securityGroups.sort(byId),
      networkInterfaces: networkInterfaces.sort(byId),
      ecsInstances: ecsInstances.sort(byId),
      vswitches: vswitches.sort(byId),
      vpcs: vpcs.sort(byId),
      loadBalancers: loadBalancers.sort(byId),
      accessControlLists: accessControlLists.sort(byId),
      prefixLists: prefixLists.sort(byId),
      coverage: this.recorder.entries({ provider: 'alibaba', account: this.account, region: this.region }, Object.values(AliOp)),
    };
    const failed = data.coverage.filter((c) => c.status === 'error').map((c) => c.operation);
    const calls = data.coverage.reduce((n, c) => n + c.calls, 0);
    this.progress(
      `${this.region}: ${instances.length} gateway instances, ${groups.length} groups, ${deployedApis.length} deployed APIs, ` +
        `${accesses.length} VPC authorizations; collected in ${Date.now() - started} ms with ${calls} calls` +
        (failed.length ? `; incomplete: ${failed.join(', ')}` : ''),
    );
    return data;
  }

  // --- call plumbing --------------------------------------------------------------------------

  private readonly call: PopCall = (operation, product, action, params) => this.transport.call(operation, product, action, params);

  private numbered(operation: AliOperation, product: AlibabaProduct, action: string, pageSize: number, listKey: string, itemKey: string, params: PopParams = {}): Promise<WireObject[]> {
    return numberedPages(this.call, operation, product, action, pageSize, listKey, itemKey, params);
  }

  private tokened(operation: AliOperation, product: AlibabaProduct, action: string, maxResults: number, read: (answer: PopAnswer) => WireObject[], params: PopParams = {}): Promise<WireObject[]> {
    return tokenedPages(this.call, operation, product, action, maxResults, read, params);
  }

  /** A region-wide read: a failure becomes an operation-level coverage error and `undefined`. */
  private async whole<T>(operation: AliOperation, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.recorder.failOperation(operation, error);
      return undefined;
    }
  }

  private forResources<T>(operation: AliOperation, resourceIds: string[], read: () => Promise<T>): Promise<ResourceRead<T>> {
    return readResources(this.recorder, operation, resourceIds, read);
  }

  // --- identity -------------------------------------------------------------------------------

  private async identify(): Promise<void> {
    try {
      const answer = await this.call(AliOp.GetCallerIdentity, 'sts', 'GetCallerIdentity');
      this.account = text(required(answer, 'AccountId')) ?? 'unknown';
    } catch (error) {
      if (error instanceof AlibabaCredentialsError) throw error;
      if (error instanceof AlibabaApiError && isCredentialsRejection(error.code)) {
        throw new AlibabaCredentialsError(
          `Alibaba Cloud rejected the credentials (${error.code}); check the AccessKey ID, AccessKey secret and security token in use.`,
          error.code,
        );
      }
      // Not a credentials problem (e.g. STS unreachable): keep going, the gap is in the coverage.
      this.recorder.failOperation(AliOp.GetCallerIdentity, error);
    }
  }

  // --- API Gateway ----------------------------------------------------------------------------

  private async gatewayInstances(): Promise<AliGatewayInstance[]> {
    const op = AliOp.DescribeInstances;
    const list = await this.whole(op, async () => listItems('DescribeInstances', await this.call(op, 'apigateway', 'DescribeInstances'), 'Instances', 'InstanceAttribute'));
    return (list ?? []).map((w) => {
      const { instance, problems } = normalize.gatewayInstance(w);
      // A field that cannot be parsed is a gap for that instance, not a reason to drop it.
      if (problems.length > 0) this.recorder.failResources(op, [instance.id], new MalformedResponseError(problems.join('; ')));
      return instance;
    });
  }

  private async vpcAccesses(): Promise<AliVpcAccess[]> {
    const op = AliOp.DescribeVpcAccesses;
    const list = await this.whole(op, () => this.numbered(op, 'apigateway', 'DescribeVpcAccesses', PAGE.vpcAccesses, 'VpcAccessAttributes', 'VpcAccessAttribute'));
    return (list ?? []).map(normalize.vpcAccess);
  }

  private async apiGroups(): Promise<AliApiGroup[]> {
    const list = await this.whole(AliOp.DescribeApiGroups, () =>
      this.numbered(AliOp.DescribeApiGroups, 'apigateway', 'DescribeApiGroups', PAGE.apiGroups, 'ApiGroupAttributes', 'ApiGroupAttribute'),
    );
    const groups = await Promise.all(
      (list ?? []).map(async (summary): Promise<AliApiGroup | undefined> => {
        const groupId = text(summary.GroupId) ?? '';
        const detail = await this.forResources(AliOp.DescribeApiGroup, [groupId], async () => {
          const answer = await this.call(AliOp.DescribeApiGroup, 'apigateway', 'DescribeApiGroup', { GroupId: groupId });
          required(answer, 'GroupId');
          return answer;
        });
        if (!detail.ok && detail.absent) return undefined; // deleted since it was listed
        return normalize.apiGroup(summary, detail.ok ? detail.value : undefined);
      }),
    );
    return groups.filter((g): g is AliApiGroup => g !== undefined);
  }

  /** Every API as deployed in each stage DescribeApis reports, with its backend service when it uses one. */
  private async deployedApiAnswers(): Promise<DeployedWire[]> {
    const summaries = await this.whole(AliOp.DescribeApis, () =>
      this.numbered(AliOp.DescribeApis, 'apigateway', 'DescribeApis', PAGE.apis, 'ApiSummarys', 'ApiSummary'),
    );
    const backendInfos = new Map<string, Promise<WireObject | undefined>>();
    const backendInfo = (backendId: string): Promise<WireObject | undefined> => {
      let read = backendInfos.get(backendId);
      if (!read) {
        read = this.forResources(AliOp.DescribeBackendInfo, [backendId], async () => {
          const answer = await this.call(AliOp.DescribeBackendInfo, 'apigateway', 'DescribeBackendInfo', { BackendId: backendId });
          const info = required(answer, 'BackendInfo');
          if (typeof info !== 'object' || info === null) throw missingKey('BackendInfo');
          return info as WireObject;
        }).then((r) => (r.ok ? r.value : undefined));
        backendInfos.set(backendId, read);
      }
      return read;
    };
    const reads = (summaries ?? []).flatMap((summary) => {
      const apiId = text(summary.ApiId) ?? '';
      const groupId = text(summary.GroupId);
      return normalize.deployedStages(summary).map(async (stageName): Promise<DeployedWire | undefined> => {
        const read = await this.forResources(AliOp.DescribeDeployedApi, [apiId], async () => {
          const answer = await this.call(AliOp.DescribeDeployedApi, 'apigateway', 'DescribeDeployedApi', { GroupId: groupId, ApiId: apiId, StageName: stageName });
          required(answer, 'ServiceConfig');
          return answer;
        });
        if (!read.ok) return undefined;
        const answer = read.value;
        const backendId = flag(answer.BackendEnable) === true ? text((answer.BackendConfig as WireObject | undefined)?.BackendId) : undefined;
        const info = backendId ? await backendInfo(backendId) : undefined;
        return { answer, stageName, ...(info ? { backendInfo: info } : {}) };
      });
    });
    return (await Promise.all(reads)).filter((d): d is DeployedWire => d !== undefined);
  }

  private normalizeDeployed(answers: DeployedWire[], groups: AliApiGroup[], instances: AliGatewayInstance[]): AliDeployedApi[] {
    const instanceById = new Map(instances.map((i) => [i.id, i]));
    const groupById = new Map(groups.map((g) => [g.id, g]));
    return answers.map(({ answer, stageName, backendInfo }) => {
      const group = groupById.get(text(answer.GroupId) ?? '');
      const instance = group?.instanceId ? instanceById.get(group.instanceId) : undefined;
      const vpcIntegration = (instance?.dedicatedInstanceType ?? group?.dedicatedInstanceType) === 'vpc_connect';
      return normalize.deployedApi(answer, stageName, { vpcIntegration }, backendInfo);
    });
  }

  private async plugins(): Promise<AliPlugin[]> {
    const op = AliOp.DescribePlugins;
    const list = await this.whole(op, () => this.numbered(op, 'apigateway', 'DescribePlugins', PAGE.plugins, 'Plugins', 'PluginAttribute'));
    return (list ?? []).map((w) => {
      const { plugin, problem } = normalize.plugin(w);
      if (problem) this.recorder.failResources(op, [plugin.id], new MalformedResponseError(problem));
      return plugin;
    });
  }

  // --- VPC ------------------------------------------------------------------------------------

  private async vswitches(): Promise<AliVSwitch[]> {
    const op = AliOp.DescribeVSwitches;
    const list = await this.whole(op, () => this.numbered(op, 'vpc', 'DescribeVSwitches', PAGE.vswitches, 'VSwitches', 'VSwitch'));
    return (list ?? []).map(normalize.vswitch);
  }

  private async vpcs(): Promise<AliVpc[]> {
    const op = AliOp.DescribeVpcs;
    const list = await this.whole(op, () => this.numbered(op, 'vpc', 'DescribeVpcs', PAGE.vpcs, 'Vpcs', 'Vpc'));
    return (list ?? []).map(normalize.vpc);
  }

  // --- what the gateway references ------------------------------------------------------------

  private backendReferences(accesses: AliVpcAccess[], apis: AliDeployedApi[], groups: AliApiGroup[], instances: AliGatewayInstance[]): BackendReferences {
    const refs: BackendReferences = { ecsIds: new Set(), loadBalancerIds: new Set(), ipsByVpc: new Map() };
    const add = (id: string | undefined, vpcId: string | undefined) => {
      if (!id) return;
      if (isIpAddress(id)) addTo(refs.ipsByVpc, vpcId ?? '', id);
      else if (id.startsWith('i-')) refs.ecsIds.add(id);
      else if (id.startsWith('lb-')) refs.loadBalancerIds.add(id);
    };
    for (const a of accesses) add(a.instanceId, a.vpcId);
    const groupById = new Map(groups.map((g) => [g.id, g]));
    const instanceById = new Map(instances.map((i) => [i.id, i]));
    for (const api of apis) {
      if (!api.backend.vpc) continue;
      add(api.backend.instanceId, api.backend.vpcId);
      if (api.backend.serviceAddress) {
        const group = groupById.get(api.groupId);
        const instance = group?.instanceId ? instanceById.get(group.instanceId) : undefined;
        add(normalize.addressHost(api.backend.serviceAddress), instance?.connectVpcId);
      }
    }
    return refs;
  }

  private referencedSecurityGroups(instances: AliGatewayInstance[], enis: AliNetworkInterface[], ecs: AliEcsInstance[]): string[] {
    const ids = new Set<string>();
    for (const i of instances) for (const b of i.networkBindings) if (b.securityGroupId) ids.add(b.securityGroupId);
    for (const e of enis) for (const id of e.securityGroupIds) ids.add(id);
    for (const e of ecs) for (const id of e.securityGroupIds) ids.add(id);
    return sorted(ids);
  }

  // --- ECS ------------------------------------------------------------------------------------

  /** Backend ECS instances (by id, and by private IP for IP-named backends) and the ENIs they list. */
  private async ecsInstances(refs: BackendReferences): Promise<{ instances: AliEcsInstance[]; networkInterfaceIds: string[] }> {
    const op = AliOp.DescribeEcsInstances;
    const read = (resources: string[], params: PopParams) =>
      this.forResources(op, resources, () =>
        this.tokened(op, 'ecs', 'DescribeInstances', PAGE.ecsInstances, (a) => listItems('DescribeInstances', a, 'Instances', 'Instance'), params),
      );
    const byIds = chunk(sorted(refs.ecsIds), BATCH.ecs).map((batch) => read(batch, { InstanceIds: JSON.stringify(batch) }));
    const byIps = [...refs.ipsByVpc.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .flatMap(([vpcId, ips]) =>
        chunk(sorted(ips), BATCH.ecs).map((batch) =>
          read(batch, { InstanceNetworkType: 'vpc', VpcId: vpcId || undefined, PrivateIpAddresses: JSON.stringify(batch) }),
        ),
      );
    const answers = (await Promise.all([...byIds, ...byIps])).flatMap((r) => (r.ok ? r.value : []));
    return {
      instances: mergeById(answers.map(normalize.ecsInstance)),
      networkInterfaceIds: sorted(new Set(answers.flatMap(normalize.ecsNetworkInterfaceIds))),
    };
  }

  /** IPs named as backends that are neither an ECS instance's nor a CLB's address: looked up among ENIs. */
  private unmatchedIps(refs: BackendReferences, ecs: AliEcsInstance[], loadBalancers: WireObject[]): Map<string, string[]> {
    const known = new Set([...ecs.flatMap((e) => e.privateIps), ...loadBalancers.map((lb) => text(lb.Address) ?? '')]);
    const out = new Map<string, string[]>();
    for (const [vpcId, ips] of [...refs.ipsByVpc.entries()].sort(([a], [b]) => compareText(a, b))) {
      const rest = sorted([...ips].filter((ip) => !known.has(ip)));
      if (rest.length > 0) out.set(vpcId, rest);
    }
    return out;
  }

  /**
   * Service-managed ENIs in the vSwitches the gateway instances were bound to: the gateway's ENIs
   * belong to API Gateway and only show when service-managed ENIs are asked for.
   */
  private async gatewayNetworkInterfaces(instances: AliGatewayInstance[]): Promise<AliNetworkInterface[]> {
    const vswitchIds = sorted(new Set(instances.flatMap((i) => i.networkBindings.map((b) => b.vswitchId)).filter((id) => id)));
    const reads = vswitchIds.map((id) => this.networkInterfaces([id], { VSwitchId: id, ServiceManaged: true }));
    return (await Promise.all(reads)).flat();
  }

  /** The backend instances' ENIs (by id) and ENIs holding IP-named backends (by private IP). */
  private async backendNetworkInterfaces(ids: string[], ipsByVpc: Map<string, string[]>): Promise<AliNetworkInterface[]> {
    const reads = [
      ...chunk(ids, BATCH.networkInterfaces).map((batch) => this.networkInterfaces(batch, { NetworkInterfaceId: batch })),
      ...[...ipsByVpc.entries()].flatMap(([vpcId, ips]) =>
        chunk(ips, BATCH.networkInterfaces).map((batch) => this.networkInterfaces(batch, { VpcId: vpcId || undefined, PrivateIpAddress: batch })),
      ),
    ];
    return (await Promise.all(reads)).flat();
  }

  /** One filtered ENI listing; a failure is recorded against `resources` (vSwitch, ENI ids or IPs). */
  private async networkInterfaces(resources: string[], filter: PopParams): Promise<AliNetworkInterface[]> {
    const op = AliOp.DescribeNetworkInterfaces;
    const read = await this.forResources(op, resources, () =>
      this.tokened(op, 'ecs', 'DescribeNetworkInterfaces', PAGE.networkInterfaces, (a) => listItems('DescribeNetworkInterfaces', a, 'NetworkInterfaceSets', 'NetworkInterfaceSet'), filter),
    );
    return read.ok ? read.value.map(normalize.networkInterface) : [];
  }

  /** Group metadata (batched) and rules (one call per group, paged) in parallel. */
  private async securityGroups(ids: string[]): Promise<AliSecurityGroup[]> {
    if (ids.length === 0) return [];
    const listed = new Map<string, WireObject>();
    const unlisted = new Set<string>();
    const listReads = chunk(ids, BATCH.securityGroups).map(async (batch) => {
      const read = await this.forResources(AliOp.DescribeSecurityGroups, batch, () =>
        this.tokened(
          AliOp.DescribeSecurityGroups,
          'ecs',
          'DescribeSecurityGroups',
          PAGE.securityGroups,
          (a) => listItems('DescribeSecurityGroups', a, 'SecurityGroups', 'SecurityGroup'),
          { SecurityGroupIds: JSON.stringify(batch) },
        ),
      );
      if (!read.ok) {
        for (const id of batch) unlisted.add(id);
        return;
      }
      for (const g of read.value) {
        const id = text(g.SecurityGroupId);
        if (id) listed.set(id, g);
      }
    });
    const [, attributes] = await Promise.all([Promise.all(listReads), Promise.all(ids.map((id) => this.securityGroupAttribute(id)))]);
    const out: AliSecurityGroup[] = [];
    ids.forEach((id, i) => {
      const attribute = attributes[i]!;
      if (!attribute.ok && attribute.absent) return; // referenced but deleted: rules see it missing
      // The list is authoritative where it was read; where it failed the group is assumed to exist.
      if (!listed.has(id) && !attribute.ok && !unlisted.has(id)) return;
      const first = attribute.ok ? attribute.value.first : undefined;
      out.push(normalize.securityGroup(id, listed.get(id), first, attribute.ok ? attribute.value.permissions : undefined));
    });
    return out;
  }

  private securityGroupAttribute(id: string): Promise<ResourceRead<{ first: WireObject; permissions: WireObject[] }>> {
    return this.forResources(AliOp.DescribeSecurityGroupAttribute, [id], () => securityGroupRules(this.call, id));
  }

  private async prefixLists(ids: string[]): Promise<AliPrefixList[]> {
    const op = AliOp.DescribePrefixListAttributes;
    const reads = ids.map(async (id): Promise<AliPrefixList | undefined> => {
      const read = await this.forResources(op, [id], async () => {
        const answer = await this.call(op, 'ecs', 'DescribePrefixListAttributes', { PrefixListId: id });
        listItems('DescribePrefixListAttributes', answer, 'Entries', 'Entry');
        return answer;
      });
      if (read.ok) return normalize.prefixList(id, read.value);
      // Unreadable: known to exist (a rule names it) but without entries, so rules using it are not evaluated.
      return read.absent ? undefined : { id };
    });
    return (await Promise.all(reads)).filter((p): p is AliPrefixList => p !== undefined);
  }

  // --- SLB ------------------------------------------------------------------------------------

  private loadBalancerList(): Promise<WireObject[] | undefined> {
    const op = AliOp.DescribeLoadBalancers;
    return this.whole(op, () => this.numbered(op, 'slb', 'DescribeLoadBalancers', PAGE.loadBalancers, 'LoadBalancers', 'LoadBalancer'));
  }

  /** CLBs the gateway names (by id, or by address for IP-type backends), with listeners and their ACLs. */
  private async loadBalancers(list: WireObject[] | undefined, refs: BackendReferences): Promise<{ loadBalancers: AlibabaInventoryData['loadBalancers']; accessControlLists: AliAccessControlList[] }> {
    const namedIps = new Set([...refs.ipsByVpc.values()].flatMap((s) => [...s]));
    const referenced = (list ?? []).filter((lb) => {
      const id = text(lb.LoadBalancerId) ?? '';
      return refs.loadBalancerIds.has(id) || namedIps.has(text(lb.Address) ?? '');
    });
    const ids = sorted(referenced.map((lb) => text(lb.LoadBalancerId) ?? ''));
    const listeners = new Map<string, WireObject[]>();
    const unread = new Set<string>();
    await Promise.all(chunk(ids, BATCH.loadBalancers).map((batch) => this.readListeners(batch, listeners, unread)));
    const aclIds = sorted(new Set([...listeners.values()].flat().flatMap(normalize.listenerAclIds)));
    const accessControlLists = await this.accessControlLists(aclIds);
    const loadBalancers = referenced.map((lb) => {
      const id = text(lb.LoadBalancerId) ?? '';
      const own: AliLoadBalancerListener[] | undefined = unread.has(id) ? undefined : (listeners.get(id) ?? []).map(normalize.listener);
      return normalize.loadBalancer(lb, own);
    });
    return { loadBalancers, accessControlLists };
  }

  /**
   * Listeners of up to 10 CLBs. One unreadable CLB fails the whole request, so a failed batch is
   * read again one CLB at a time and only the CLBs that still fail are gaps.
   */
  private async readListeners(batch: string[], into: Map<string, WireObject[]>, unread: Set<string>): Promise<void> {
    const op = AliOp.DescribeLoadBalancerListeners;
    const read = () => this.tokened(op, 'slb', 'DescribeLoadBalancerListeners', PAGE.listeners, listenersOf, { LoadBalancerId: batch });
    let found: WireObject[];
    try {
      found = await read();
    } catch (error) {
      if (batch.length > 1 && !(error instanceof AlibabaCredentialsError)) {
        await Promise.all(batch.map((id) => this.readListeners([id], into, unread)));
        return;
      }
      this.recorder.failResources(op, batch, error);
      for (const id of batch) unread.add(id);
      return;
    }
    for (const l of found) {
      // A single-CLB answer may leave the id out of each listener.
      const lbId = text(l.LoadBalancerId) ?? (batch.length === 1 ? batch[0]! : '');
      into.set(lbId, [...(into.get(lbId) ?? []), l]);
    }
  }

  private async accessControlLists(ids: string[]): Promise<AliAccessControlList[]> {
    const op = AliOp.DescribeAccessControlListAttribute;
    const reads = ids.map(async (id): Promise<AliAccessControlList | undefined> => {
      const seen: { name?: string } = {};
      const read = await this.forResources(op, [id], () => accessControlListEntries(this.call, id, seen));
      if (!read.ok && read.absent) return undefined;
      return normalize.accessControlList(id, seen.name, read.ok ? read.value : undefined);
    });
    return (await Promise.all(reads)).filter((a): a is AliAccessControlList => a !== undefined);
  }
}

/**
 * DescribeLoadBalancerListeners omits `Listeners` when a CLB has none; an answer without it is
 * only accepted when it says so (`TotalCount` 0). Present, it is checked like any list.
 */
export function listenersOf(answer: PopAnswer): WireObject[] {
  if (answer.Listeners === undefined || answer.Listeners === null) {
    if (integer(answer.TotalCount) === 0) return [];
    throw missingKey('Listeners');
  }
  return listItems('DescribeLoadBalancerListeners', answer, 'Listeners', 'Listener');
}

/** One entry per id; the later read of the same resource adds nothing new, so the first wins. */
function mergeById<T extends { id: string }>(items: T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(item.id)) seen.set(item.id, item);
  return [...seen.values()];
}
