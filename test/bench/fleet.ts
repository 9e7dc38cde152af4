/**
 * `npm run bench:fleet`: multi-account scale. An organisation of 50 member accounts × 4 Regions of
 * synthetic estates (about 200 ENIs, 100 security groups / 1,000 rules, 10 load balancers, 20 VPC
 * links and 100 integrations each) behind the loopback fleet fake, in a child process, with a
 * per-call latency and a token bucket per (account, Region, API family) at AWS's documented rates.
 *
 * The auditor side runs what the CLI runs for `targets[].organization`: Organizations
 * ListAccounts → one job per (member, Region) → assume the member role → collect, at most
 * `--concurrency` jobs at a time → one evaluation. The same fleet is then collected sequentially
 * (concurrency 1) for comparison, and one job is run alone in a fresh process — what a queue
 * worker does — to measure a worker's peak memory. Figures only; no pass/fail.
 *
 *   node dist/test/bench/fleet.js [--provider aws|alibaba] [--accounts 50] [--regions 4] [--concurrency 16]
 *                                 [--sequential full|sample|skip] [--no-tight] [--write-readme]
 *
 * `--provider alibaba`: the same over the Alibaba fleet fake (Resource Directory ListAccounts, RAM
 * AssumeRole per member) with smaller estates — the collector's own pace (5/s per product) bounds
 * each target at ~18 s, so use `--sequential sample`. `--no-tight` skips the 10 %-quota column.
 *
 * `--sequential full` (default) collects every job again, one at a time (about 4 minutes);
 * `sample` collects the first 20 and scales the wall time to the whole fleet (every job is the
 * same size; the output says when it scaled). `--write-readme` puts the figures in
 * README.md between the `reliability:scale` markers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { auditInventories } from '../../lib/audit';
import { listOrganizationAccounts } from '../../lib/collect/aws/organizations';
import { environmentCredentials } from '../../lib/collect/alibaba/credentials';
import { listResourceDirectoryAccounts } from '../../lib/collect/alibaba/resource-directory';
import type { AlibabaInventoryData } from '../../lib/inventory/model';
import { startFakeAlibabaFleet } from '../fakes/alibaba/fleet';
import { DEFAULT_FAKE_ALI_CREDENTIALS } from '../fakes/alibaba/server';
import { syntheticAlibabaEstate, type SyntheticAliSize } from './synthetic-alibaba';
import { parseConfig } from '../../lib/config/load';
import { collectFleet } from '../../lib/fanout/fleet';
import { planScanJobs } from '../../lib/fanout/plan';
import type { ScanJob } from '../../lib/fanout/types';
import { collectJob } from '../../lib/fanout/collect-job';
import { runAudit } from '../../lib/audit';
import { FileStateStore } from '../../lib/state/file-store';
import { startFakeAwsFleet } from '../fakes/aws/fleet';
import { fleetAccountIds, FLEET_ESTATE_SIZE, syntheticFleet } from '../helpers/fleet-estates';
import { replaceBetweenMarkers } from '../helpers/readme-markers';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const PROVIDER = option('--provider', 'aws') === 'alibaba' ? 'alibaba' : 'aws';
const REGIONS =
  PROVIDER === 'aws'
    ? ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1', 'ap-northeast-1']
    : ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-shenzhen', 'ap-southeast-1', 'eu-central-1'];
/** A modest Alibaba Cloud account-region: Alibaba publishes no Describe quotas, the collector paces itself at 5/s per product. */
const ALI_FLEET_SIZE: SyntheticAliSize = { vpcAccesses: 40, apis: 60, securityGroups: 20, rules: 200, ecsInstances: 60, instances: 2, groups: 2 };
/** The fake's buckets for Alibaba (no documented numbers): per (account, region, product). */
const ALI_THROTTLE = { apigateway: { ratePerSecond: 10, burst: 20 }, ecs: { ratePerSecond: 10, burst: 20 }, vpc: { ratePerSecond: 10, burst: 20 }, slb: { ratePerSecond: 10, burst: 20 } };

function aliFleet(accounts: readonly string[], regions: readonly string[]): AlibabaInventoryData[] {
  const base = syntheticAlibabaEstate(ALI_FLEET_SIZE);
  const text = JSON.stringify(base);
  return accounts.flatMap((account) => regions.map((region) => JSON.parse(text.split(base.account).join(account).split(base.region).join(region)) as AlibabaInventoryData));
}
const ROLE = 'ApigwAuditorRead';
/** AWS's documented buckets for these families (EC2 Describe*: 100 burst, 20/s; API Gateway 10/s, burst 40; ELBv2 and Cloud Map similar). */
const THROTTLE = {
  ec2: { ratePerSecond: 20, burst: 100 },
  apigateway: { ratePerSecond: 10, burst: 40 },
  elbv2: { ratePerSecond: 10, burst: 40 },
  servicediscovery: { ratePerSecond: 10, burst: 20 },
};

function option(name: string, fallback: string): string {
  // (hoisted: used by the constants above)
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

type Stats = { calls: number; callsByAccount: Record<string, number>; throttled: number; assumeRoleCalls: number };
type FromFake = { kind: 'ready'; url: string; management: string; summary: string } | ({ kind: 'stats' } & Stats);
type FromWorker = { kind: 'worker'; rssMb: number; wallMs: number; findings: number; calls: number };

/** The fake and its 200 estates live in a child process, so the auditor's RSS is its own. */
async function runFake(): Promise<void> {
  const count = Number(option('--accounts', '50'));
  const accounts = PROVIDER === 'aws' ? fleetAccountIds(count, 300_000_000_000) : Array.from({ length: count }, (_, i) => `3${String(i).padStart(15, '0')}`);
  const regions = REGIONS.slice(0, Number(option('--regions', '4')));
  const management = PROVIDER === 'aws' ? '299999999999' : '2999999999999999';
  const scale = Number(option('--rate-scale', '1'));
  const scaled = <T extends Record<string, { ratePerSecond: number; burst: number }>>(buckets: T) =>
    Object.fromEntries(Object.entries(buckets).map(([family, t]) => [family, { ratePerSecond: t.ratePerSecond * scale, burst: Math.max(1, Math.round(t.burst * scale)) }]));
  const t0 = Date.now();
  let summary: string;
  let fake: { url: string; calls: Record<string, number>; callsByAccount: Record<string, unknown>; throttled: number; close(): Promise<void> };
  let assumeRoleCalls: () => number;
  if (PROVIDER === 'aws') {
    const estates = syntheticFleet(accounts, regions, FLEET_ESTATE_SIZE);
    const e = estates[0]!;
    const rules = e.securityGroups.reduce((n, g) => n + g.ingress.length + g.egress.length, 0);
    const integrations = e.apis.reduce((n, a) => n + a.integrations.length, 0);
    summary =
      `Fleet: ${accounts.length} accounts × ${regions.length} Regions = ${estates.length} estates, each ${e.networkInterfaces.length} ENIs, ` +
      `${e.securityGroups.length} SGs / ${fmt(rules)} rules, ${e.loadBalancers.length} LBs, ${e.vpcLinksV2.length + e.vpcLinksV1.length} VPC links, ` +
      `${integrations} integrations — built in ${fmt(Date.now() - t0)} ms`;
    const aws = await startFakeAwsFleet({
      estates,
      callerAccount: management,
      roleName: ROLE,
      organization: { managementAccount: management, accounts: accounts.map((id, i) => ({ id, name: `member-${i}` })) },
      latencyMs: LATENCY_MS,
      throttle: scaled(THROTTLE),
    });
    fake = aws;
    assumeRoleCalls = () => aws.assumeRoleCalls;
  } else {
    const estates = aliFleet(accounts, regions);
    const e = estates[0]!;
    const rules = e.securityGroups.reduce((n, g) => n + (g.rules?.length ?? 0), 0);
    summary =
      `Fleet: ${accounts.length} accounts × ${regions.length} regions = ${estates.length} estates, each ${e.vpcAccesses.length} VPC accesses, ` +
      `${e.deployedApis.length} deployed API stages, ${e.securityGroups.length} SGs / ${fmt(rules)} rules, ${e.ecsInstances.length} ECS, ${e.gatewayInstances.length} gateway instances — built in ${fmt(Date.now() - t0)} ms`;
    const ali = await startFakeAlibabaFleet({
      estates,
      callerAccount: management,
      roleName: ROLE,
      resourceDirectory: { managementAccount: management, accounts: accounts.map((id, i) => ({ id, displayName: `member-${i}` })) },
      latencyMs: LATENCY_MS,
      throttle: scaled(ALI_THROTTLE),
    });
    fake = ali;
    assumeRoleCalls = () => ali.assumeRoleCalls.length;
  }
  const send = (m: FromFake) => process.send?.(m);
  send({ kind: 'ready', url: fake.url, management, summary });
  process.on('message', (m: string) => {
    if (m === 'stats') {
      const calls = Object.values(fake.calls).reduce((a, b) => a + b, 0);
      const byAccount = Object.fromEntries(
        Object.entries(fake.callsByAccount).map(([account, v]) => [account, typeof v === 'number' ? v : Object.values(v as Record<string, number>).reduce((a, b) => a + b, 0)]),
      );
      send({ kind: 'stats', calls, callsByAccount: byAccount, throttled: fake.throttled, assumeRoleCalls: assumeRoleCalls() });
    }
    if (m === 'close') void fake.close().then(() => process.exit(0));
  });
}

/** One job alone, as a queue worker runs it: assume, collect, evaluate, merge into a state file. */
async function runWorker(): Promise<void> {
  const job = JSON.parse(option('--job', '{}')) as ScanJob;
  const dir = mkdtempSync(join(tmpdir(), 'apigw-fleet-worker-'));
  const started = Date.now();
  try {
    const collected = await collectJob(job, {});
    if (!collected.ok) throw new Error(collected.failure.error);
    const result = await runAudit({
      inventories: [collected.inventory],
      selection: {},
      config: {},
      startedAt: new Date(started).toISOString(),
      prepare: { store: new FileStateStore(join(dir, 'state.json')) },
    });
    const calls = collected.inventory.coverage.reduce((n, c) => n + c.calls, 0);
    process.send?.({ kind: 'worker', rssMb: process.resourceUsage().maxRSS / 1024, wallMs: Date.now() - started, findings: result.document.findings.length, calls } satisfies FromWorker);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function next<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`child exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as T);
    });
  });
}

async function stats(fake: ChildProcess): Promise<Stats> {
  fake.send('stats');
  const s = await next<FromFake>(fake);
  if (s.kind !== 'stats') throw new Error('fake did not report');
  return s;
}

const delta = (a: Stats, b: Stats): Stats => ({
  calls: b.calls - a.calls,
  throttled: b.throttled - a.throttled,
  assumeRoleCalls: b.assumeRoleCalls - a.assumeRoleCalls,
  callsByAccount: Object.fromEntries(Object.entries(b.callsByAccount).map(([k, v]) => [k, v - (a.callsByAccount[k] ?? 0)])),
});

async function main(): Promise<void> {
  if (process.argv.includes('--fake')) return runFake();
  if (process.argv.includes('--worker')) return runWorker();
  const concurrency = Number(option('--concurrency', '16'));
  const sequential = option('--sequential', 'full');
  const fake = fork(__filename, ['--fake', ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await next<FromFake>(fake);
  if (ready.kind !== 'ready') throw new Error('fake did not start');
  console.log(ready.summary);
  console.log(`Fake ${PROVIDER === 'aws' ? 'AWS' : 'Alibaba Cloud'} (separate process): ${LATENCY_MS} ms per call; token bucket per (account, region, family): ` +
    Object.entries(PROVIDER === 'aws' ? THROTTLE : ALI_THROTTLE).map(([f, t]) => `${f} ${t.ratePerSecond}/s burst ${t.burst}`).join(', '));
  console.log(`Machine: ${cpus().length} CPU(s), Node ${process.version}\n`);

  const ENDPOINT = PROVIDER === 'aws' ? 'AWS_ENDPOINT_URL' : 'ALIBABA_CLOUD_ENDPOINT_URL';
  if (PROVIDER === 'aws') {
    Object.assign(process.env, { AWS_ENDPOINT_URL: ready.url, AWS_ACCESS_KEY_ID: 'AKIAFLEETBENCH000001', AWS_SECRET_ACCESS_KEY: 'fleet-bench-secret', AWS_REGION: 'us-east-1' });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  } else {
    Object.assign(process.env, {
      ALIBABA_CLOUD_ENDPOINT_URL: ready.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_FAKE_ALI_CREDENTIALS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_FAKE_ALI_CREDENTIALS.accessKeySecret,
    });
    delete process.env.ALIBABA_CLOUD_SECURITY_TOKEN;
  }

  const regions = REGIONS.slice(0, Number(option('--regions', '4')));
  const config = parseConfig(
    { targets: [PROVIDER === 'aws' ? { provider: 'aws', regions, organization: { roleName: ROLE } } : { provider: 'alibaba', regions, resourceDirectory: { roleName: ROLE } }] },
    'bench',
  );
  const listMembers = PROVIDER === 'aws' ? () => listOrganizationAccounts() : () => listResourceDirectoryAccounts({ credentials: environmentCredentials() });
  const plan = await planScanJobs({ provider: PROVIDER, config, dispatchId: 'bench', listMembers });
  const jobs = plan.jobs;

  // Fan-out.
  const before = await stats(fake);
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const fleet = await collectFleet(jobs, { concurrency });
  const collectMs = Date.now() - t0;
  const e0 = process.cpuUsage();
  const doc = auditInventories(fleet.inventories, {}, { startedAt: new Date(t0).toISOString() });
  const evalCpu = process.cpuUsage(e0);
  const wallMs = Date.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const fan = delta(before, await stats(fake));
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const perAccount = Object.entries(fan.callsByAccount).filter(([account, n]) => account !== ready.management && n > 0).map(([, n]) => n);
  const incomplete = doc.scan.coverage.filter((c) => c.status === 'error').length;

  // Sequential.
  let seq: { wallMs: number; measured: number; scaled: boolean; stats: Stats } | undefined;
  if (sequential !== 'skip') {
    const sample = sequential === 'full' ? jobs : jobs.slice(0, Math.min(20, jobs.length));
    const s0 = await stats(fake);
    const t1 = Date.now();
    let done = 0;
    await collectFleet(sample, { concurrency: 1, progress: { started: () => undefined, finished: () => void (++done % 10 === 0 && console.error(`  sequential: ${done}/${sample.length}`)), note: () => undefined, done: () => undefined } });
    const measured = Date.now() - t1;
    seq = { wallMs: (measured * jobs.length) / sample.length, measured: sample.length, scaled: sample.length < jobs.length, stats: delta(s0, await stats(fake)) };
  }

  // The same fan-out against buckets at 10 % of AWS's rates: throttling is hit, retried, and must not cost coverage.
  let tight: { collectMs: number; stats: Stats; incomplete: number; findings: number } | undefined;
  if (!process.argv.includes('--no-tight')) {
    const tightFake = fork(__filename, ['--fake', ...process.argv.slice(2), '--rate-scale', '0.1'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const tightReady = await next<FromFake>(tightFake);
    if (tightReady.kind !== 'ready') throw new Error('fake did not start');
    process.env[ENDPOINT] = tightReady.url;
    const t2 = Date.now();
    const tightFleet = await collectFleet(jobs, { concurrency });
    const tightMs = Date.now() - t2;
    const tightDoc = auditInventories(tightFleet.inventories, {}, { startedAt: new Date(t2).toISOString() });
    tight = {
      collectMs: tightMs,
      stats: await stats(tightFake),
      incomplete: tightDoc.scan.coverage.filter((c) => c.status === 'error').length + tightFleet.failures.length,
      findings: tightDoc.findings.length,
    };
    tightFake.send('close');
    process.env[ENDPOINT] = ready.url;
  }

  // One worker, alone in a fresh process.
  const worker = fork(__filename, ['--worker', '--job', JSON.stringify(jobs[0])], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env } });
  const w = await next<FromWorker>(worker);
  fake.send('close');

  const t3 = (text: string) => (tight ? ` ${text} |` : '');
  const lines = [
    `| | fan-out (${concurrency} at a time) | sequential |${t3('fan-out, fake buckets at 10 %')}`,
    `|---|---:|---:|${t3('---:')}`,
    `| targets (accounts × Regions) | ${jobs.length} | ${jobs.length} |${t3(String(jobs.length))}`,
    `| wall time, collection | ${fmt(collectMs / 1000, 1)} s | ${seq ? `${fmt(seq.wallMs / 1000, 1)} s${seq.scaled ? ` (${seq.measured} jobs measured, scaled ×${fmt(jobs.length / seq.measured, 1)})` : ''}` : 'not run'} |${t3(tight ? `${fmt(tight.collectMs / 1000, 1)} s` : '')}`,
    `| wall time, collection + one evaluation of all targets | ${fmt(wallMs / 1000, 1)} s | |${t3('')}`,
    `| API calls (incl. ${fan.assumeRoleCalls} AssumeRole, retries) | ${fmt(fan.calls)} | ${seq ? `${fmt(seq.stats.calls)}${seq.scaled ? ` for ${seq.measured} jobs` : ''}` : '—'} |${t3(tight ? fmt(tight.stats.calls) : '')}`,
    `| throttling errors answered | ${fmt(fan.throttled)} | ${seq ? fmt(seq.stats.throttled) : '—'} |${t3(tight ? fmt(tight.stats.throttled) : '')}`,
    `| calls per member account (min–max) | ${fmt(Math.min(...perAccount))}–${fmt(Math.max(...perAccount))} | |${t3('')}`,
    `| coverage errors (AUDIT-INCOMPLETE) | ${incomplete} | |${t3(tight ? String(tight.incomplete) : '')}`,
    `| findings | ${fmt(doc.findings.length)} | |${t3(tight ? fmt(tight.findings) : '')}`,
    `| auditor CPU (collection + evaluation) | ${fmt((cpu.user + cpu.system) / 1000 / 1000, 1)} s (evaluation ${fmt((evalCpu.user + evalCpu.system) / 1000)} ms) | |${t3('')}`,
    `| peak RSS, whole fleet in one process | ${fmt(rssMb)} MB | |${t3('')}`,
    `| peak RSS, one worker (one job, fresh process, with state file) | ${fmt(w.rssMb)} MB (${fmt(w.wallMs / 1000, 1)} s, ${w.calls} calls) | |${t3('')}`,
  ];
  const speedup = seq ? ` — ${fmt(seq.wallMs / collectMs, 1)}× faster than sequential` : '';
  console.log(`Collection ${fmt(collectMs / 1000, 1)} s${speedup}\n`);
  console.log(lines.join('\n'));

  if (process.argv.includes('--write-readme')) {
    const block = [
      PROVIDER === 'aws'
        ? `**AWS.** Measured with \`npm run bench:fleet -- --write-readme\` (${cpus().length} CPUs, Node ${process.version}; ${LATENCY_MS} ms per call;`
        : `**Alibaba Cloud.** Measured with \`npm run bench:fleet -- --provider alibaba --write-readme\` (${cpus().length} CPUs, Node ${process.version}; ${LATENCY_MS} ms per call;`,
      PROVIDER === 'aws'
        ? `token bucket per account, Region and API family at AWS's documented rates${tight ? '; the last column: the same fan-out against buckets at 10 % of them' : ''}).`
        : `token bucket per account, region and product at 10/s, burst 20 — Alibaba Cloud publishes no Describe quotas${tight ? '; the last column: buckets at 10 % of that' : ''}).`,
      `${ready.summary.replace(/ — built.*$/, '')}. Sequential = the same jobs one at a time${seq?.scaled ? ` (${seq.measured} measured, scaled to all)` : ''}.`,
      '',
      ...lines,
    ].join('\n');
    const readme = join(__dirname, '..', '..', '..', 'README.md');
    const marker = PROVIDER === 'aws' ? 'reliability:scale' : 'reliability:scale-alibaba';
    const updated = replaceBetweenMarkers(readFileSync(readme, 'utf8'), marker, block);
    const tmp = `${readme}.tmp-${process.pid}`;
    writeFileSync(tmp, updated);
    renameSync(tmp, readme);
    console.log(`\nREADME.md: ${marker} updated`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
});
