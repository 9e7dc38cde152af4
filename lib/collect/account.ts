/**
 * The account of an inventory whose collector could not identify it (sts:GetCallerIdentity failed
 * for a reason other than credentials: access denied, the region's endpoint down), so the
 * collector wrote `account: 'unknown'`. The account is part of the state's target key and of every
 * fingerprint: left unknown, the target's history would not be found (its findings neither carried
 * nor resolved, every re-collected one sent again as new).
 *
 * Resolved after collection, truth first:
 *  1. inferred from the collected data when it is unambiguous — AWS: every ARN of the inventory
 *     (load balancers, listeners, target groups, Cloud Map services, REST VPC link targets) and
 *     every security group's `ownerId` carry the account, and all must agree; Alibaba: nothing in
 *     the inventory carries it reliably, so no inference;
 *  2. else adopted from the other inventories of the same provider collected in the same run,
 *     when they all agree (one credential chain is one identity across regions) and the
 *     inventory's own data does not name another account.
 * The sts coverage error stays: the audit is still incomplete (AUDIT-INCOMPLETE, exit 3).
 * What cannot be resolved stays `unknown`; lib/audit.ts then leaves that target's state alone.
 */
import type { AwsInventoryData, CoverageEntry, InventoryData, Provider } from '../inventory/model';

export const UNKNOWN_ACCOUNT = 'unknown';

export interface AccountResolution {
  provider: Provider;
  region: string;
  account: string;
  /** `inferred`: from the inventory's own ARNs / owner ids; `adopted`: from the run's other regions; `configured`: the fan-out job named it. */
  how: 'inferred' | 'adopted' | 'configured';
  /** One line for stderr / logs, e.g. `inferred from 7 ARNs and security group owners`. */
  detail: string;
}

export interface AccountResolutionResult {
  /** The inventories, in the same order: resolved ones are copies with the account (and their coverage's) set. */
  inventories: InventoryData[];
  resolved: AccountResolution[];
  /** Targets whose account is still unknown. */
  unresolved: Array<{ provider: Provider; region: string }>;
}

export const isUnknownAccount = (account: string): boolean => account === UNKNOWN_ACCOUNT || account === '';

/** `arn:<partition>:<service>:<region>:<account>:<resource>` → the account, when it is one (12 digits). */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const account = parts[4]!;
  return /^\d{12}$/.test(account) ? account : undefined;
}

/** Every account the AWS inventory's own data names (ARNs of what it listed, security group owners), with how many mentions. */
export function awsAccountEvidence(data: AwsInventoryData): Map<string, number> {
  const seen = new Map<string, number>();
  const arn = (value: string | undefined) => {
    if (!value) return;
    const account = accountOfArn(value);
    if (account) seen.set(account, (seen.get(account) ?? 0) + 1);
  };
  for (const lb of data.loadBalancers ?? []) arn(lb.arn);
  for (const l of data.listeners ?? []) {
    arn(l.arn);
    arn(l.loadBalancerArn);
    for (const tg of l.defaultTargetGroupArns ?? []) arn(tg);
  }
  for (const tg of data.targetGroups ?? []) {
    arn(tg.arn);
    for (const lb of tg.loadBalancerArns ?? []) arn(lb);
  }
  for (const s of data.cloudMapServices ?? []) arn(s.arn);
  for (const link of data.vpcLinksV1 ?? []) for (const t of link.targetArns ?? []) arn(t);
  for (const sg of data.securityGroups ?? []) {
    if (sg.ownerId && /^\d{12}$/.test(sg.ownerId)) seen.set(sg.ownerId, (seen.get(sg.ownerId) ?? 0) + 1);
  }
  return seen;
}

function evidenceOf(data: InventoryData): Map<string, number> {
  // Alibaba: no collected field carries the account reliably.
  return data.provider === 'aws' ? awsAccountEvidence(data) : new Map();
}

export function withAccount(data: InventoryData, account: string): InventoryData {
  const coverage: CoverageEntry[] = data.coverage.map((c) => (isUnknownAccount(c.account) ? { ...c, account } : c));
  return { ...data, account, coverage } as InventoryData;
}

/**
 * Sets the account of every inventory collected as `unknown`, when the collected data (AWS) or the
 * run's other inventories of the same provider settle it; see the module comment.
 */
export function resolveUnknownAccounts(inventories: readonly InventoryData[]): AccountResolutionResult {
  const out: InventoryData[] = [...inventories];
  const resolved: AccountResolution[] = [];
  const evidence = new Map<number, Map<string, number>>();

  // 1. Inference from the inventory's own data.
  out.forEach((data, i) => {
    if (!isUnknownAccount(data.account)) return;
    const seen = evidenceOf(data);
    evidence.set(i, seen);
    if (seen.size !== 1) return;
    const [account, mentions] = [...seen][0]!;
    out[i] = withAccount(data, account);
    resolved.push({ provider: data.provider, region: data.region, account, how: 'inferred', detail: `inferred from ${mentions} ARN(s) and security group owner id(s) of the collected data` });
  });

  // 2. Adoption from the same run's other inventories of the provider (identified by sts, or inferred above).
  out.forEach((data, i) => {
    if (!isUnknownAccount(data.account)) return;
    const others = out.filter((o, j) => j !== i && o.provider === data.provider && !isUnknownAccount(o.account));
    const accounts = [...new Set(others.map((o) => o.account))];
    if (accounts.length !== 1) return;
    const account = accounts[0]!;
    const seen = evidence.get(i) ?? new Map<string, number>();
    // The region's own data names accounts, none of them this one: not the same identity.
    if (seen.size > 0 && !seen.has(account)) return;
    out[i] = withAccount(data, account);
    const regions = others.map((o) => o.region).join(', ');
    resolved.push({ provider: data.provider, region: data.region, account, how: 'adopted', detail: `adopted from the same run's other ${data.provider} region(s) (${regions}), all identified as this account` });
  });

  const unresolved = out.filter((d) => isUnknownAccount(d.account)).map((d) => ({ provider: d.provider, region: d.region }));
  return { inventories: out, resolved, unresolved };
}

/** A one-line stderr note for a resolution. */
export function describeResolution(r: AccountResolution): string {
  return `account of ${r.provider} ${r.region} unknown (sts:GetCallerIdentity failed): using ${r.account}, ${r.detail}`;
}
