import { collectFleet, withUnauditedTargets } from '../../lib/fanout/fleet';
import { awsRoleArn, planScanJobs, wantsFanout } from '../../lib/fanout/plan';
import { runPool } from '../../lib/fanout/pool';
import { terminalProgress } from '../../lib/fanout/progress';
import { parseScanJob, type ScanJob } from '../../lib/fanout/types';
import type { JobCollection } from '../../lib/fanout/collect-job';
import { parseConfig } from '../../lib/config/load';
import { auditInventories } from '../../lib/audit';
import type { InventoryData } from '../../lib/inventory/model';
import { healthyAwsEstate } from '../helpers/aws-estate';

const members = [
  { id: '111111111111', name: 'prod', status: 'ACTIVE', active: true },
  { id: '222222222222', name: 'old', status: 'SUSPENDED', active: false },
  { id: '333333333333', name: 'dev', status: 'ACTIVE', active: true },
  { id: '444444444444', name: 'sandbox', status: 'ACTIVE', active: true },
];

function estateOf(account: string, region: string): InventoryData {
  return { ...healthyAwsEstate(), account, region, coverage: healthyAwsEstate().coverage.map((c) => ({ ...c, account, region })) } as InventoryData;
}

describe('planScanJobs', () => {
  it('without targets: one job per default region for the caller’s own account', async () => {
    const plan = await planScanJobs({ provider: 'aws', config: {}, dispatchId: 'd1', defaultRegions: ['us-east-1', 'eu-west-1'] });
    expect(plan.jobs).toEqual([
      { v: 1, provider: 'aws', region: 'us-east-1', dispatchId: 'd1' },
      { v: 1, provider: 'aws', region: 'eu-west-1', dispatchId: 'd1' },
    ]);
    expect(plan.crossAccount).toBe(false);
  });

  it('organization: active members × regions through roleName; suspended and excluded members skipped with the reason', async () => {
    const config = parseConfig(
      { targets: [{ provider: 'aws', regions: ['us-east-1', 'cn-north-1'], organization: { roleName: 'ApigwAuditorRead', exclude: ['444444444444'], externalId: 'ext-123' } }] },
      'test',
    );
    let listed = 0;
    const plan = await planScanJobs({ provider: 'aws', config, dispatchId: 'd', listMembers: async () => (listed++, members) });
    expect(listed).toBe(1);
    expect(plan.jobs.map((j) => `${j.account} ${j.region} ${j.roleArn} ${j.externalId}`)).toEqual([
      '111111111111 us-east-1 arn:aws:iam::111111111111:role/ApigwAuditorRead ext-123',
      '111111111111 cn-north-1 arn:aws-cn:iam::111111111111:role/ApigwAuditorRead ext-123',
      '333333333333 us-east-1 arn:aws:iam::333333333333:role/ApigwAuditorRead ext-123',
      '333333333333 cn-north-1 arn:aws-cn:iam::333333333333:role/ApigwAuditorRead ext-123',
    ]);
    expect(plan.skipped).toEqual([
      { provider: 'aws', account: '222222222222', reason: 'status SUSPENDED' },
      { provider: 'aws', account: '444444444444', reason: 'excluded by configuration' },
    ]);
    expect(plan.crossAccount).toBe(true);
  });

  it('an explicitly listed account keeps its own role, and is not reported skipped even if excluded', async () => {
    const config = parseConfig(
      {
        targets: [
          {
            provider: 'aws',
            regions: ['us-east-1'],
            organization: { roleName: 'OrgRole', exclude: ['444444444444'] },
            accounts: [
              { id: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/Special' },
              { id: '444444444444', roleArn: 'arn:aws:iam::444444444444:role/Special' },
            ],
          },
        ],
      },
      'test',
    );
    const plan = await planScanJobs({ provider: 'aws', config, dispatchId: 'd', listMembers: async () => members });
    expect(plan.jobs.map((j) => `${j.account} ${j.roleArn}`).sort()).toEqual([
      '111111111111 arn:aws:iam::111111111111:role/Special',
      '333333333333 arn:aws:iam::333333333333:role/OrgRole',
      '444444444444 arn:aws:iam::444444444444:role/Special',
    ]);
    expect(plan.skipped.map((s) => s.account)).toEqual(['222222222222']);
  });

  it('--region replaces every target’s regions; Alibaba resource directory uses RAM role ARNs', async () => {
    const config = parseConfig({ targets: [{ provider: 'alibaba', regions: ['cn-hangzhou'], resourceDirectory: { roleName: 'ApigwAuditorRead' } }] }, 'test');
    const plan = await planScanJobs({
      provider: 'alibaba',
      config,
      dispatchId: 'd',
      regions: ['cn-shanghai'],
      listMembers: async () => [
        { id: '1234567890123456', status: 'CreateSuccess', active: true },
        { id: '6543210987654321', status: 'PromoteVerifying', active: false },
      ],
    });
    expect(plan.jobs).toEqual([{ v: 1, provider: 'alibaba', account: '1234567890123456', region: 'cn-shanghai', roleArn: 'acs:ram::1234567890123456:role/ApigwAuditorRead', dispatchId: 'd' }]);
    expect(plan.skipped).toEqual([{ provider: 'alibaba', account: '6543210987654321', reason: 'status PromoteVerifying' }]);
  });

  it('a target asking for the organisation without a lister is an error, not an empty plan', async () => {
    const config = parseConfig({ targets: [{ provider: 'aws', regions: ['us-east-1'], organization: { roleName: 'R' } }] }, 'test');
    await expect(planScanJobs({ provider: 'aws', config, dispatchId: 'd' })).rejects.toThrow(/no member lister/);
    expect(wantsFanout(config, 'aws')).toBe(true);
    expect(wantsFanout(config, 'alibaba')).toBe(false);
  });

  it('role ARNs follow the region’s partition', () => {
    expect(awsRoleArn('111111111111', 'R', 'us-gov-west-1')).toBe('arn:aws-us-gov:iam::111111111111:role/R');
    expect(awsRoleArn('111111111111', 'R', 'eu-west-1')).toBe('arn:aws:iam::111111111111:role/R');
  });
});

describe('parseScanJob', () => {
  const job = { v: 1, provider: 'aws', account: '111111111111', region: 'us-east-1', roleArn: 'arn:aws:iam::111111111111:role/R', dispatchId: 'd' };
  it('accepts a job (object or JSON text)', () => {
    expect(parseScanJob(job)).toEqual(job);
    expect(parseScanJob(JSON.stringify(job))).toEqual(job);
  });
  it.each([
    ['not JSON', '{', 'job: not JSON'],
    ['unknown field', { ...job, extra: 1 }, 'job'],
    ['bad role', { ...job, roleArn: 'acs:ram::1:role/x' }, 'job.roleArn: must be an IAM role ARN'],
    ['short AWS account', { ...job, account: '1234567' }, 'job.account: must be a 12-digit AWS account id'],
    ['external id on Alibaba', { ...job, provider: 'alibaba', roleArn: 'acs:ram::1:role/x', account: '1234567', externalId: 'x1' }, 'job.externalId'],
    ['wrong version', { ...job, v: 2 }, 'job.v'],
  ])('rejects %s with one line naming the place', (_name, value, expected) => {
    const parsed = parseScanJob(value);
    expect('error' in parsed && parsed.error).toContain(expected);
    expect('error' in parsed && parsed.error.includes('\n')).toBe(false);
  });
});

describe('runPool', () => {
  it('never runs more than the cap at once, keeps job order, and one failure does not stop the others', async () => {
    let running = 0;
    let peak = 0;
    const results = await runPool([5, 1, 3, 2, 4, 0, 6], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      if (n === 2) throw new Error('two');
      return n * 10;
    });
    expect(peak).toBe(3);
    expect(results.map((r) => (r.ok ? r.value : (r.error as Error).message))).toEqual([50, 10, 30, 'two', 40, 0, 60]);
  });
});

describe('collectFleet', () => {
  const jobs: ScanJob[] = [
    { v: 1, provider: 'aws', account: '111111111111', region: 'us-east-1', roleArn: 'arn:aws:iam::111111111111:role/R', dispatchId: 'd' },
    { v: 1, provider: 'aws', account: '222222222222', region: 'us-east-1', roleArn: 'arn:aws:iam::222222222222:role/R', dispatchId: 'd' },
    { v: 1, provider: 'aws', account: '333333333333', region: 'us-east-1', roleArn: 'arn:aws:iam::333333333333:role/R', dispatchId: 'd' },
  ];

  it('keeps the readable targets, reports the refused role, and never lends one account’s identity to another', async () => {
    const collect = async (job: ScanJob): Promise<JobCollection> => {
      if (job.account === '222222222222') return { ok: false, failure: { job, operation: 'sts:AssumeRole', error: 'AccessDenied: not authorized', transient: false } };
      // 333… answered sts with an error: the job's account is used, flagged as configured.
      if (job.account === '333333333333') return { ok: true, inventory: estateOf('333333333333', job.region), accountFromJob: true };
      return { ok: true, inventory: estateOf(job.account!, job.region), accountFromJob: false };
    };
    const fleet = await collectFleet(jobs, { concurrency: 2, collect });
    expect(fleet.inventories.map((i) => i.account)).toEqual(['111111111111', '333333333333']);
    expect(fleet.failures).toHaveLength(1);
    expect(fleet.failures[0]!.operation).toBe('sts:AssumeRole');
    expect(fleet.resolutions).toEqual([expect.objectContaining({ account: '333333333333', how: 'configured' })]);
  });

  it('an error thrown by a job (the caller’s own credentials) is the run’s error', async () => {
    const failure = Object.assign(new Error('No AWS credentials'), { name: 'AwsCredentialsError' });
    await expect(collectFleet(jobs, { collect: async () => Promise.reject(failure) })).rejects.toBe(failure);
  });

  it('an unreadable target becomes a coverage error and an AUDIT-INCOMPLETE finding naming the account, without status', () => {
    const doc = auditInventories([estateOf('111111111111', 'us-east-1')], {}, { startedAt: '2026-11-20T00:00:00Z' });
    const out = withUnauditedTargets(doc, [{ job: jobs[1]!, operation: 'sts:AssumeRole', error: 'AccessDenied: denied', transient: false }]);
    const added = out.findings.filter((f) => f.ruleId === 'AUDIT-INCOMPLETE' && f.account === '222222222222');
    expect(added).toHaveLength(1);
    expect(added[0]!.message).toContain('sts:AssumeRole failed in aws account 222222222222 region us-east-1');
    expect(added[0]!.status).toBeUndefined();
    expect(out.scan.coverage.at(-1)).toEqual(expect.objectContaining({ account: '222222222222', operation: 'sts:AssumeRole', status: 'error' }));
    expect(out.summary.medium).toBe(doc.summary.medium + 1);
    expect(out.scan.targets).toEqual(doc.scan.targets);
  });
});

describe('terminalProgress', () => {
  it('rewrites one status line with done/running/failed and clears it at the end', () => {
    let text = '';
    let clock = 0;
    const bar = terminalProgress({ write: (s: string) => (text += s), columns: 80 }, 2, () => clock);
    const [a, b] = [
      { v: 1, provider: 'aws', account: '111111111111', region: 'us-east-1', dispatchId: 'd' },
      { v: 1, provider: 'aws', account: '222222222222', region: 'eu-west-1', dispatchId: 'd' },
    ] as ScanJob[];
    bar.started(a!);
    bar.started(b!);
    clock = 75_000;
    bar.finished(a!, false);
    bar.note('skipped aws account 3: status SUSPENDED');
    bar.finished(b!, true);
    bar.done();
    const frames = text.split('\r\x1b[K').filter(Boolean);
    expect(frames).toContain('[0/2] 2 running · 0s · aws 222222222222 eu-west-1');
    expect(frames).toContain('[1/2] 1 running, 1 failed · 1m15s · aws 222222222222 eu-west-1');
    expect(frames).toContain('skipped aws account 3: status SUSPENDED\n');
    expect(frames.at(-1)).toBe('[2/2] 0 running, 1 failed · 1m15s');
    expect(text.endsWith('\r\x1b[K')).toBe(true);
    expect(frames.every((f) => f.replace('\n', '').length <= 79)).toBe(true);
  });
});

describe('fan-out configuration', () => {
  it.each([
    [{ targets: [{ provider: 'aws', regions: ['us-east-1'], organization: { roleName: 'bad role' } }] }, 'targets[0].organization.roleName: must be an IAM role name'],
    [{ targets: [{ provider: 'aws', regions: ['us-east-1'], organization: { roleName: 'R', exclude: ['123'] } }] }, 'targets[0].organization.exclude[0]: must be a 12-digit AWS account id'],
    [{ targets: [{ provider: 'alibaba', regions: ['cn-hangzhou'], resourceDirectory: { roleName: 'R', extra: 1 } }] }, 'targets[0].resourceDirectory: Unrecognized key'],
    [{ targets: [{ provider: 'alibaba', regions: ['cn-hangzhou'], accounts: [{ id: '1', roleArn: 'arn:aws:iam::1:role/x' }] }] }, 'targets[0].accounts[0]'],
    [{ fanout: { concurrency: 0 } }, 'fanout.concurrency:'],
  ])('rejects %j with an error naming %s', (value, path) => {
    let message = '';
    try {
      parseConfig(value, 'cfg.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.startsWith('cfg.yaml: invalid configuration: ')).toBe(true);
    expect(message).toContain(path);
  });
});
