/**
 * Which (account, region) scans a configuration asks for. Per target of the provider:
 * - `accounts[]`: each listed account, through its `roleArn` (or the caller's own credentials);
 * - `organization` (AWS) / `resourceDirectory` (Alibaba): every member the lister returns that can
 *   be audited now, through `roleName` in each, minus `exclude`; members that are suspended,
 *   closing or not yet joined are skipped and reported, never silently dropped;
 * - neither: the caller's own account.
 * Duplicates collapse (an explicitly listed account keeps its own role). Listing the members is
 * injected so the plan stays pure and the provider clients stay in lib/collect.
 */
import type { AuditConfig } from '../config/schema';
import type { Provider } from '../inventory/model';
import type { MemberAccount } from '../collect/members';
import type { ScanJob, SkippedAccount } from './types';

export type MemberLister = () => Promise<MemberAccount[]>;

export interface PlanInput {
  provider: Provider;
  config: AuditConfig;
  dispatchId: string;
  /** Regions that replace every target's own (`--region`, APIGW_AUDIT_REGIONS). */
  regions?: string[];
  /** Regions when the configuration has no target of the provider (the function's own region). */
  defaultRegions?: string[];
  /** AWS Organizations ListAccounts / Alibaba ResourceManager ListAccounts; required when a target asks for it. */
  listMembers?: MemberLister;
}

export interface ScanPlan {
  jobs: ScanJob[];
  skipped: SkippedAccount[];
  /** Whether the plan reads other accounts than the caller's (roles to assume). */
  crossAccount: boolean;
}

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** `arn:aws:iam::<id>:role/<name>` in the partition the regions belong to. */
export function awsRoleArn(account: string, roleName: string, region: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

export function ramRoleArn(account: string, roleName: string): string {
  return `acs:ram::${account}:role/${roleName}`;
}

interface AccountEntry {
  account?: string;
  roleArn?: string;
  externalId?: string;
}

export async function planScanJobs(input: PlanInput): Promise<ScanPlan> {
  const targets = (input.config.targets ?? []).filter((t) => t.provider === input.provider);
  const jobs = new Map<string, ScanJob>();
  const skipped: SkippedAccount[] = [];
  let members: MemberAccount[] | undefined;
  const listMembers = async (): Promise<MemberAccount[]> => {
    if (!input.listMembers) throw new PlanError(`${input.provider === 'aws' ? 'organization' : 'resourceDirectory'}: no member lister available`);
    members ??= await input.listMembers();
    return members;
  };

  const add = (entry: AccountEntry, regions: readonly string[], explicit: boolean): void => {
    for (const region of regions) {
      const key = `${entry.account ?? ''}|${region}`;
      // An explicitly listed account keeps its own role over one derived from the organisation.
      if (jobs.has(key) && !explicit) continue;
      jobs.set(key, {
        v: 1,
        provider: input.provider,
        region,
        dispatchId: input.dispatchId,
        ...(entry.account !== undefined ? { account: entry.account } : {}),
        ...(entry.roleArn !== undefined ? { roleArn: entry.roleArn } : {}),
        ...(entry.externalId !== undefined ? { externalId: entry.externalId } : {}),
      });
    }
  };

  if (targets.length === 0) {
    add({}, input.regions ?? input.defaultRegions ?? [], true);
  }
  for (const target of targets) {
    const regions = input.regions && input.regions.length > 0 ? input.regions : target.regions;
    const directory = target.provider === 'aws' ? target.organization : target.resourceDirectory;
    if (directory) {
      const excluded = new Set(directory.exclude ?? []);
      for (const member of await listMembers()) {
        if (excluded.has(member.id)) {
          skipped.push({ provider: input.provider, account: member.id, reason: 'excluded by configuration' });
          continue;
        }
        if (!member.active) {
          skipped.push({ provider: input.provider, account: member.id, reason: `status ${member.status}` });
          continue;
        }
        for (const region of regions) {
          const roleArn = target.provider === 'aws' ? awsRoleArn(member.id, directory.roleName, region) : ramRoleArn(member.id, directory.roleName);
          const externalId = target.provider === 'aws' ? target.organization?.externalId : undefined;
          add({ account: member.id, roleArn, ...(externalId ? { externalId } : {}) }, [region], false);
        }
      }
    }
    for (const account of target.accounts ?? []) {
      const externalId = 'externalId' in account && typeof account.externalId === 'string' ? account.externalId : undefined;
      add({ account: account.id, ...(account.roleArn ? { roleArn: account.roleArn } : {}), ...(externalId ? { externalId } : {}) }, regions, true);
    }
    if (!directory && (target.accounts ?? []).length === 0) add({}, regions, true);
  }

  const list = [...jobs.values()];
  // An excluded or inactive member that is also listed explicitly is audited, not skipped.
  const planned = new Set(list.map((j) => j.account));
  return { jobs: list, skipped: dedupeSkipped(skipped.filter((s) => !planned.has(s.account))), crossAccount: list.some((j) => j.roleArn !== undefined) };
}

function dedupeSkipped(skipped: SkippedAccount[]): SkippedAccount[] {
  const seen = new Set<string>();
  return skipped.filter((s) => {
    const key = `${s.provider}|${s.account}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Whether a configuration asks for more than the caller's own account (roles to assume, members to list). */
export function wantsFanout(config: AuditConfig, provider?: Provider): boolean {
  return (config.targets ?? []).some(
    (t) => (!provider || t.provider === provider) && ((t.accounts ?? []).length > 0 || (t.provider === 'aws' ? Boolean(t.organization) : Boolean(t.resourceDirectory))),
  );
}
