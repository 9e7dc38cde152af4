/**
 * End to end through the CLI against the loopback POP fake (ALIBABA_CLOUD_ENDPOINT_URL): live
 * scan, snapshot round trip, pre-flight, and the errors a user meets first.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../bin/cli';
import type { FindingsDocument } from '../../lib/findings/types';
import type { AlibabaInventoryData } from '../../lib/inventory/model';
import { buildSnapshot } from '../../lib/inventory/snapshot';
import { startFakeAlibaba, type FakeAli, type FakeAliOptions } from '../fakes/alibaba/server';
import { exampleAlibabaEstate } from '../helpers/alibaba-example-estate';
import { captureIo } from '../helpers/cli-io';

const dir = mkdtempSync(join(tmpdir(), 'apigw-ali-'));
const SECRET = 'fake-secret-0000';
const ENV_KEYS = [
  'ALIBABA_CLOUD_ENDPOINT_URL',
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
] as const;
let saved: Record<string, string | undefined> = {};
let fake: FakeAli | undefined;

function setEnv(values: Partial<Record<(typeof ENV_KEYS)[number], string>>): void {
  for (const key of ENV_KEYS) {
    if (!(key in saved)) saved[key] = process.env[key];
    const v = values[key];
    if (v === undefined) delete process.env[key];
    else process.env[key] = v;
  }
}

async function startFake(estate: AlibabaInventoryData = exampleAlibabaEstate(), options: FakeAliOptions = {}): Promise<FakeAli> {
  fake = await startFakeAlibaba(estate, { latencyMs: 1, ...options });
  setEnv({ ALIBABA_CLOUD_ENDPOINT_URL: fake.url, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIfaketest', ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET });
  return fake;
}

afterEach(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  saved = {};
  await fake?.close();
  fake = undefined;
});

function comparable(doc: FindingsDocument) {
  return { findings: doc.findings, summary: doc.summary, targets: doc.scan.targets, notEvaluated: doc.scan.notEvaluated };
}

describe('apigw-audit against a live (fake) Alibaba Cloud endpoint', () => {
  it('scan --provider alibaba prints the findings document; its snapshot audits to the same findings', async () => {
    await startFake();
    const live = captureIo();
    expect(await main(['scan', '--provider', 'alibaba', '--region', 'cn-hangzhou', '--format', 'json'], live)).toBe(1);
    const doc = JSON.parse(live.out()) as FindingsDocument;
    expect(doc.scan.targets).toEqual([{ provider: 'alibaba', account: '1234567890123456', region: 'cn-hangzhou' }]);
    expect(doc.scan.coverage.filter((c) => c.status === 'error')).toEqual([]);
    expect(doc.findings.map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['ALI-BACKEND-OUT-OF-CIDR', 'ALI-SG-BACKEND-INGRESS-BLOCKED', 'ALI-VPCACCESS-TARGET-MISSING']),
    );
    expect(live.err()).toBe('');

    const file = join(dir, 'ali.json');
    expect(await main(['collect', '--provider', 'alibaba', '--region', 'cn-hangzhou', '--out', file], captureIo())).toBe(0);
    const offline = captureIo();
    expect(await main(['scan', '--snapshot', file, '--format', 'json'], offline)).toBe(1);
    expect(comparable(JSON.parse(offline.out()) as FindingsDocument)).toEqual(comparable(doc));
  });

  it('throttling followed by success still gives a complete audit', async () => {
    await startFake(exampleAlibabaEstate(), { faults: [{ operation: 'apigateway:DescribeVpcAccesses', kind: 'throttle', times: 1 }] });
    const io = captureIo();
    expect(await main(['scan', '--provider', 'alibaba', '--region', 'cn-hangzhou', '--format', 'json'], io)).toBe(1);
    const doc = JSON.parse(io.out()) as FindingsDocument;
    expect(doc.scan.coverage.every((c) => c.status === 'ok')).toBe(true);
    expect(fake!.calls['apigateway:DescribeVpcAccesses']).toBe(2);
  });

  it('a response without the expected fields is AUDIT-INCOMPLETE (exit 3), never a crash or a guess', async () => {
    await startFake(exampleAlibabaEstate(), { faults: [{ operation: 'ecs:DescribeSecurityGroupAttribute', kind: 'missing-fields' }] });
    const io = captureIo();
    expect(await main(['scan', '--provider', 'alibaba', '--region', 'cn-hangzhou', '--format', 'json'], io)).toBe(3);
    const doc = JSON.parse(io.out()) as FindingsDocument;
    expect(doc.findings.filter((f) => f.ruleId === 'AUDIT-INCOMPLETE').map((f) => f.resource.id)).toEqual(['ecs:DescribeSecurityGroupAttribute']);
    expect(doc.findings.some((f) => f.ruleId.startsWith('ALI-SG-'))).toBe(false);
    expect(io.err() + io.out()).not.toContain(SECRET);
  });

  it('missing credentials: one clear line, exit 2, nothing on stdout', async () => {
    await startFake();
    setEnv({ ALIBABA_CLOUD_ENDPOINT_URL: fake!.url });
    const io = captureIo();
    expect(await main(['scan', '--provider', 'alibaba', '--region', 'cn-hangzhou'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).toMatch(/^apigw-audit: .*ALIBABA_CLOUD_ACCESS_KEY_ID/);
  });

  it('a wrong secret: one clear line, exit 2, and the secret is not echoed', async () => {
    await startFake();
    setEnv({ ALIBABA_CLOUD_ENDPOINT_URL: fake!.url, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIfaketest', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong-secret-9999' });
    const io = captureIo();
    expect(await main(['scan', '--provider', 'alibaba', '--region', 'cn-hangzhou'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).not.toContain('wrong-secret-9999');
  });

  it('rejects a malformed region id', async () => {
    const io = captureIo();
    expect(await main(['scan', '--provider', 'alibaba', '--region', 'hangzhou'], io)).toBe(2);
    expect(io.err()).toContain('--region: "hangzhou" is not an Alibaba Cloud region id');
  });
});

describe('apigw-audit preflight', () => {
  /** The example group moving from a conventional dedicated instance onto the VPC integration instance. */
  function migrationEstate(): AlibabaInventoryData {
    const estate = exampleAlibabaEstate();
    estate.gatewayInstances.push({
      id: 'apigateway-hz-ded002',
      name: 'classic-dedicated',
      instanceType: 'VPC_DEDICATED',
      dedicatedInstanceType: 'normal',
      status: 'RUNNING',
      connectCidrBlocks: [],
      networkBindings: [],
      vpcEgressAddress: '100.104.254.0/26',
      intranetSegments: [],
    });
    estate.apiGroups[0]!.instanceId = 'apigateway-hz-ded002';
    estate.apiGroups[0]!.dedicatedInstanceType = 'normal';
    return estate;
  }

  it('reports the failing checks of a migration live, exit 1', async () => {
    await startFake(migrationEstate());
    const io = captureIo();
    const code = await main(['preflight', '--group', 'grp-orders', '--target-instance', 'apigateway-hz-vpc001', '--region', 'cn-hangzhou', '--format', 'json'], io);
    expect(code).toBe(1);
    const result = JSON.parse(io.out()) as { failed: boolean; checks: Array<{ id: string; status: string; message: string }> };
    expect(result.failed).toBe(true);
    const failed = result.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    expect(failed).toContain('ALI-PREFLIGHT-CIDR');
    const egress = result.checks.find((c) => c.id === 'ALI-PREFLIGHT-EGRESS');
    expect(egress?.status).toBe('warn');
    expect(egress?.message).toContain('100.104.254.0/26');
  });

  it('works offline from a snapshot and prints a table', async () => {
    const file = join(dir, 'migration.json');
    const estate = migrationEstate();
    writeFileSync(file, JSON.stringify(buildSnapshot([estate], { name: 'apigw-private-auditor', version: '0' }, estate.collectedAt)));
    const io = captureIo({}, true);
    expect(await main(['preflight', '--group', 'grp-orders', '--target-instance', 'apigateway-hz-vpc001', '--snapshot', file], io)).toBe(1);
    expect(io.out()).toContain('ALI-PREFLIGHT-VPC');
    expect(io.out()).toContain('FAIL');
  });

  it.each([
    [['preflight', '--target-instance', 'i', '--snapshot', 'x.json'], /preflight needs --group/],
    [['preflight', '--group', 'g', '--snapshot', 'x.json'], /preflight needs --target-instance/],
  ])('rejects %j with exit 2', async (argv, pattern) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toMatch(pattern);
    expect(io.out()).toBe('');
  });

  it('an unknown group is a clear error, exit 2', async () => {
    const file = join(dir, 'm2.json');
    const estate = migrationEstate();
    writeFileSync(file, JSON.stringify(buildSnapshot([estate], { name: 'apigw-private-auditor', version: '0' }, estate.collectedAt)));
    const io = captureIo();
    expect(await main(['preflight', '--group', 'grp-nope', '--target-instance', 'apigateway-hz-vpc001', '--snapshot', file], io)).toBe(2);
    expect(io.err()).toContain('grp-nope');
    expect(io.out()).toBe('');
  });

  it('explain knows the pre-flight checks', async () => {
    const io = captureIo();
    expect(await main(['explain', 'ALI-PREFLIGHT-CIDR'], io)).toBe(0);
    expect(io.out()).toContain('ALI-PREFLIGHT-CIDR');
  });
});

describe('an account named in the configuration', () => {
  it('files a region whose sts:GetCallerIdentity is denied under the configured account: earlier findings stay open, none lost or resolved', async () => {
    const state = join(dir, 'configured-account-state.json');
    const config = join(dir, 'configured-account.json');
    writeFileSync(
      config,
      JSON.stringify({ targets: [{ provider: 'alibaba', regions: ['cn-hangzhou'], accounts: [{ id: '1234567890123456' }] }], state: { type: 'file', path: state } }),
    );
    await startFake();
    const first = captureIo();
    expect(await main(['scan', '--provider', 'alibaba', '--config', config, '--format', 'json'], first)).toBe(1);
    const before = (JSON.parse(first.out()) as FindingsDocument).findings;
    expect(before.length).toBeGreaterThan(0);
    await fake!.close();

    await startFake(exampleAlibabaEstate(), { faults: [{ operation: 'sts:GetCallerIdentity', kind: 'forbidden' }] });
    const second = captureIo();
    expect(await main(['scan', '--provider', 'alibaba', '--config', config, '--format', 'json'], second)).toBe(3);
    const after = JSON.parse(second.out()) as FindingsDocument;
    expect(after.scan.targets).toEqual([{ provider: 'alibaba', account: '1234567890123456', region: 'cn-hangzhou' }]);
    const carried = after.findings.filter((f) => f.ruleId !== 'AUDIT-INCOMPLETE');
    expect(carried.map((f) => f.fingerprint).sort()).toEqual(before.map((f) => f.fingerprint).sort());
    expect(carried.every((f) => f.status === 'open')).toBe(true);
    expect(after.findings.find((f) => f.ruleId === 'AUDIT-INCOMPLETE')?.resource.id).toBe('sts:GetCallerIdentity');
    expect(second.err()).toContain('sts:GetCallerIdentity');
    expect(second.err()).not.toContain('state not updated');
  });
});

